/*
 * What the functional test library keeps between cases (lv->tc); only
 * tclib.c and tcchan.c see inside.
 */
#ifndef ASSAY_TCSTATE_H
#define ASSAY_TCSTATE_H

#include "console.h"
#include "tclib.h"

struct asy_wifi;

/* A secure channel assessed once, for the cases that reuse it. */
struct asy_tc_chan {
	unsigned		 port;
	void			*data;		/* tcchan.c's measurement */
	void			(*free_data)(void *);
	char			*transcript;	/* relative path */
	const char		*by_case;
};

struct asy_tc_state {
	int			 surf_done;
	const char		*surf_case;
	struct asy_surface	*surf;
	size_t			 n_surf;
	char			*surf_transcript;
	int			 unauth_done;
	struct asy_unauth	 unauth;
	struct asy_tc_chan	*chan;
	size_t			 n_chan, cap_chan;
	struct asy_credlist	 defaults;
	struct asy_credlist	 communities;	/* SNMP */
	int			 defaults_done;
	struct asy_tc_upd	*upd;		/* update sessions (tcupdate.c) */
	size_t			 n_upd;
	/* The serial console, probed once (tc-5.6-4.c). */
	int			 con_done;
	int			 con_err;	/* the probe's error, or 0 */
	struct asy_console_result con;
	char			*con_transcript;	/* relative */
	/* The network and power outages (tc-5.9.c) and the erasure
	 * (tc-5.11-1.c), each done once. */
	struct asy_tc_outages	*outages;
	struct asy_tc_erase	*erase;
	/* The <function> attempts and the factory reset (tcpriv.c). */
	struct asy_tc_priv	*priv;
	/* The credential changes (tc-5.1-4.c), one per mechanism. */
	struct asy_tc_credchg	*credchg;
	/* The Wi-Fi onboarding capture, analysed once (tcwifi.c). */
	int			 wifi_done;
	int			 wifi_err;	/* why there is no analysis */
	char			*wifi_why;
	struct asy_wifi		*wifi;		/* or NULL */
	int			 wifi_pcap;	/* wifi/onboarding.pcap there */
	int			 wifi_text;	/* wifi/analysis.txt there */
	char			*wifi_note;	/* its source and SHA-256 */
};

void	asy_tc_outages_free(struct asy_tc_outages *o);
void	asy_tc_erase_free(struct asy_tc_erase *e);
void	asy_tc_priv_free(struct asy_tc_priv *p);
void	asy_tc_credchg_free(struct asy_tc_credchg *c);

/*
 * The DUT's Wi-Fi onboarding capture (the lab's <dut><wifi>), listened to
 * or read and analysed once for the run by the first test that needs it:
 * *tc gets lv->tc, with tc->wifi the analysis, or NULL with tc->wifi_err
 * and tc->wifi_why (the source could not be used: the bench's fault).
 * The capture is wifi/onboarding.pcap in the run folder, its analysis
 * wifi/analysis.txt.  Without a source nothing is done.  0 or
 * ASY_E_NOMEM.
 */
int	asy_tc_wifi(struct asy_live *lv, struct asy_tc_state **tc);
void	asy_tc_wifi_release(struct asy_tc_state *tc);

/* Images, signatures and the lab's CA of every <update>, read (and the CA
 * made) while still privileged. */
int	asy_tc_upd_preload(struct asy_live *lv, struct asy_tc_state *tc);
void	asy_tc_upd_free(struct asy_tc_upd *v, size_t n);

/* Save t as transcripts/<case>-<name>-<port>.txt (port 0: no port);
 * *rel gets the relative path. */
int	asy_tc_transcript_save(struct asy_live *lv, const char *name,
	    unsigned port, const struct asy_buf *t, char **rel);

/* Append a formatted line to a transcript; a full one stops growing. */
void	asy_tc_log(struct asy_buf *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * The DUT's serial console, probed once for the run (console.h), by the
 * first test that uses it: the probe listens to what the console printed
 * so far (its boot log), proves what it offers, and leaves it at its shell
 * or login prompt.  *tc gets lv->tc; tc->con_err is the probe's error and
 * tc->con its result; its transcript so far is saved and its path is in
 * tc->con_transcript.  Without a console (lv->console NULL) nothing is
 * done.  0 or ASY_E_NOMEM.
 */
int	asy_tc_console(struct asy_live *lv, struct asy_tc_state **tc);

/* Save the console's transcript as it is now (transcripts/CASE-console.txt);
 * *rel (freed first) gets its path. */
int	asy_tc_console_save(struct asy_live *lv, char **rel);

/* lv->tc, created on first use; NULL when out of memory. */
struct asy_tc_state *asy_tc_state(struct asy_live *lv);

#endif
