/*
 * What the functional test library keeps between cases (lv->tc); only
 * tclib.c and tcchan.c see inside.
 */
#ifndef ASSAY_TCSTATE_H
#define ASSAY_TCSTATE_H

#include "tclib.h"

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
};

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

/* lv->tc, created on first use; NULL when out of memory. */
struct asy_tc_state *asy_tc_state(struct asy_live *lv);

#endif
