/*
 * Wi-Fi onboarding: what 802.11 captures say about the access point a
 * device opens for its setup, and what crossed the air unprotected.
 *
 * Frames come from pcap files (radiotap, DLT 127, or plain 802.11, DLT
 * 105) through capture.h, or from a live monitor-mode interface
 * (asy_wifi_live()).  Beacons, probe responses and association requests
 * build a table of networks (BSSs) with their security; data frames are
 * counted, protected or not, per BSS, and the unprotected ones that carry
 * IPv4 or IPv6 go through pcapscan.c's cleartext scanner.  Every field is
 * read after a bounds check; nothing from the air is printed unescaped.
 *
 * asy_wifi_judge() turns the analysis into a verdict-ready result for the
 * DUT's onboarding network, from a table of security classes.
 */
#ifndef ASSAY_WIFI_H
#define ASSAY_WIFI_H

#include <stddef.h>

#include "buf.h"
#include "capture.h"
#include "pcapscan.h"

/* ---- radiotap ------------------------------------------------------------ */

/* What assay takes from a radiotap header. */
struct asy_radiotap {
	size_t		 len;		/* it_len: the 802.11 frame starts
					   here */
	unsigned	 n_present;	/* presence words read */
	unsigned	 flags;		/* the Flags field, 0 if absent */
	int		 fcs;		/* the frame ends with 4 FCS bytes */
	int		 bad_fcs;	/* ... that the receiver found wrong */
	int		 datapad;	/* padding after the 802.11 header */
	unsigned	 freq;		/* MHz from Channel or XChannel, 0 */
	int		 have_signal;
	int		 signal;	/* dBm, the first antenna's */
	int		 stopped;	/* a field of unknown size or a TLV
					   ended the walk early (the fields
					   before it stand) */
};

/*
 * Parse the radiotap header at p (len captured bytes): version 0, it_len
 * within len, every presence word (bit 31: another follows; bits 29 and
 * 30: radiotap and vendor namespaces), fields at their natural alignment
 * from the start of the header, none read past it_len.  0, or
 * ASY_E_INPUT with why (the frame is then skipped).
 */
int	asy_radiotap_parse(const unsigned char *p, size_t len,
	    struct asy_radiotap *rt, char *why, size_t why_len);

/* The channel number of a frequency in MHz (2.4, 5 and 6 GHz), or 0. */
unsigned asy_wifi_freq_channel(unsigned freq);

/* ---- the analysis -------------------------------------------------------- */

/* Security of a BSS, from its beacons and probe responses. */
enum asy_wifi_sec {
	ASY_WSEC_UNKNOWN,	/* no beacon or probe response seen, or an
				   RSN element without a known AKM */
	ASY_WSEC_OPEN,
	ASY_WSEC_OWE_TRANSITION,	/* open, with an OWE transition
					   element: the open half */
	ASY_WSEC_WEP,
	ASY_WSEC_WPA1,		/* WPA element only */
	ASY_WSEC_WPA1_WPA2,	/* WPA element and RSN element */
	ASY_WSEC_WPA2_PSK,
	ASY_WSEC_WPA2_ENT,	/* 802.1X AKMs */
	ASY_WSEC_WPA2_WPA3,	/* PSK and SAE offered: transition mode */
	ASY_WSEC_WPA3_SAE,
	ASY_WSEC_OWE,		/* Enhanced Open: AKM 18 */
};

/* "open", "OWE transition (open)", "WEP", "WPA2-PSK", ... (static). */
const char *asy_wifi_sec_name(enum asy_wifi_sec s);

/* Cipher suites, a bit each (pairwise: any number; group: one). */
enum {
	ASY_WC_WEP40	= 1 << 0,
	ASY_WC_WEP104	= 1 << 1,
	ASY_WC_TKIP	= 1 << 2,
	ASY_WC_CCMP	= 1 << 3,
	ASY_WC_CCMP256	= 1 << 4,
	ASY_WC_GCMP	= 1 << 5,
	ASY_WC_GCMP256	= 1 << 6,
	ASY_WC_OTHER	= 1 << 7,
};

/* Authentication and key management suites, a bit each. */
enum {
	ASY_WA_8021X	= 1 << 0,	/* 1, 3 (FT), 5 (SHA-256), 11, 12 */
	ASY_WA_PSK	= 1 << 1,	/* 2, 4 (FT), 6 (SHA-256) */
	ASY_WA_SAE	= 1 << 2,	/* 8, 9 (FT), 24, 25 (SAE-EXT-KEY) */
	ASY_WA_OWE	= 1 << 3,	/* 18 */
	ASY_WA_OTHER	= 1 << 4,
};

/* Management frame protection from the RSN capabilities. */
enum asy_wifi_mfp {
	ASY_MFP_NONE,		/* no RSN element, or MFPC clear */
	ASY_MFP_CAPABLE,	/* MFPC */
	ASY_MFP_REQUIRED,	/* MFPC and MFPR */
};

const char *asy_wifi_mfp_name(enum asy_wifi_mfp m);
/* "CCMP", "TKIP+CCMP", ... for a mask into buf; "none" for 0. */
const char *asy_wifi_ciphers(unsigned mask, char *buf, size_t len);
/* "PSK", "PSK+SAE", ... for a mask into buf; "none" for 0. */
const char *asy_wifi_akms(unsigned mask, char *buf, size_t len);

struct asy_wifi_bss {
	unsigned char	 bssid[6];
	char		 bssid_text[18];	/* "02:00:00:00:01:00" */
	unsigned char	*ssid_raw;	/* as sent (at most 255 bytes, may
					   hold NULs and markup) or NULL */
	size_t		 ssid_len;
	char		*ssid;		/* printable (asy_printable()), at
					   most 128 bytes; "" when hidden and
					   never revealed */
	int		 hidden;	/* beacons carry an empty or zeroed
					   SSID */
	int		 ssid_bad;	/* an SSID over 32 bytes was seen */
	unsigned	 channel;	/* DS or HT element, else radiotap */
	unsigned	 freq;		/* MHz, radiotap, 0 if unknown */
	int		 have_signal;
	int		 signal;	/* dBm, the strongest seen */
	/* From beacons and probe responses (the last one seen wins). */
	int		 announced;	/* a beacon or probe response seen */
	int		 privacy;	/* capability bit */
	int		 rsn, wpa;	/* RSN element, WPA vendor element */
	unsigned	 akms, pairwise, group;
	enum asy_wifi_mfp mfp;
	int		 wps;
	int		 owe_trans;	/* OWE transition element */
	char		 owe_peer[18];	/* its BSSID, "" */
	enum asy_wifi_sec sec;
	/* What stations chose in association requests. */
	unsigned	 assoc_akms, assoc_pairwise;
	/* Counters. */
	unsigned long	 beacons, probe_resps, assoc_reqs;
	unsigned long	 data_protected, data_clear, eapol;	/* EAPOL
					   frames are not in data_clear */
	unsigned long	 first_frame, first_eapol;
	unsigned long	 bad_elements;	/* elements past the frame's end */
};

struct asy_wifi_opts {
	const char *const *needles;	/* personal data to look for in
					   unprotected data, or NULL */
	int		 emails;	/* also any e-mail address */
	size_t		 max_bss;	/* 0: 256 */
	size_t		 max_findings;	/* cleartext findings, 0: 100 */
};

struct asy_wifi {
	int		 linktype;	/* 127 or 105 */
	unsigned long	 frames;	/* frames read */
	unsigned long	 undecoded;	/* too short or malformed, skipped */
	unsigned long	 bad_fcs;	/* radiotap says the FCS was wrong:
					   not analysed */
	unsigned long	 bss_over;	/* frames of BSSs over max_bss */
	struct asy_wifi_bss *bss;
	size_t		 n_bss, cap_bss;
	/* Cleartext in unprotected data frames, with the BSS each was in
	 * (an index into bss, or (size_t)-1). */
	struct asy_clear_finding *clear;
	size_t		*clear_bss;
	size_t		 n_clear;
	/* Private. */
	struct asy_wifi_opts o;
	struct asy_clear_opts co;
	struct asy_clear_scan *scan;
	size_t		 n_clear_bss, cap_clear_bss;
	int		 err;
};

/*
 * Analyse the pcap file at path.  *out (free with asy_wifi_free()) on
 * success.  ASY_E_INPUT: missing, unreadable or not a pcap file, or not
 * an 802.11 capture (the link type is named in why); ASY_E_IO: reading
 * failed after the start; ASY_E_NOMEM.  Broken frames are counted and
 * skipped, never an error.
 */
int	asy_wifi_analyse(const char *path, const struct asy_wifi_opts *o,
	    struct asy_wifi **out, char *why, size_t why_len);

/* The same, frame by frame: new, feed each frame (its link type must be
 * 127 or 105; others are counted as undecoded), end once (which collects
 * the cleartext findings).  0 or ASY_E_NOMEM. */
int	asy_wifi_new(const struct asy_wifi_opts *o, struct asy_wifi **out);
int	asy_wifi_feed(struct asy_wifi *w, const struct asy_frame *f);
int	asy_wifi_end(struct asy_wifi *w);
void	asy_wifi_free(struct asy_wifi *w);

/* ---- live ---------------------------------------------------------------- */

struct asy_wifi_live_opts {
	const char	*ifname;	/* a monitor-mode interface */
	unsigned	 seconds;	/* how long (0: 10; at most 600) */
	unsigned long	 max_frames;	/* stop earlier (0: 100000) */
	unsigned long	 file_cap;	/* bytes (0: 64 MiB) */
};

/*
 * Listen on a monitor-mode interface (never transmitting) for at most
 * o->seconds or o->max_frames, writing every frame into the pcap file
 * path (created, must not exist), then analyse it into *out.  *frames
 * (may be NULL) gets the number captured.  Errors, with why: ASY_E_NOTFOUND
 * (no such interface), ASY_E_INPUT (not in monitor mode), ASY_E_IO
 * (permission, a capture failure), ASY_E_EXISTS (path exists), ASY_E_USAGE
 * (bad options).  A harness or bench problem, never the device's: the
 * caller makes it INCONCLUSIVE or ERROR.
 */
int	asy_wifi_live(const struct asy_wifi_live_opts *o, const char *path,
	    const struct asy_wifi_opts *ao, struct asy_wifi **out,
	    unsigned long *frames, char *why, size_t why_len);

/*
 * The same in two steps, for a run that must open the interface while
 * still privileged and listen later: asy_wifi_monitor_open() (errors as
 * above; close the handle with asy_capture_close()), then
 * asy_wifi_listen() on it (o->ifname only names it in messages).  A
 * handle is listened on once.
 */
int	asy_wifi_monitor_open(const char *ifname, unsigned long file_cap,
	    struct asy_capture **out, char *why, size_t why_len);
int	asy_wifi_listen(struct asy_capture *c,
	    const struct asy_wifi_live_opts *o, const char *path,
	    const struct asy_wifi_opts *ao, struct asy_wifi **out,
	    unsigned long *frames, char *why, size_t why_len);

/* ---- the judgement ------------------------------------------------------- */

/* Worst last: a judgement's grade is the highest of its notes'. */
enum asy_wifi_grade {
	ASY_WG_GOOD,		/* as it should be */
	ASY_WG_NOTED,		/* acceptable, with a remark */
	ASY_WG_UNKNOWN,		/* cannot tell: INCONCLUSIVE */
	ASY_WG_WEAK,		/* a weakness of the device */
};

/* "good", "noted", "inconclusive", "weakness" (static). */
const char *asy_wifi_grade_name(enum asy_wifi_grade g);

/* Which network is the DUT's, and what the IXIT says of it. */
struct asy_wifi_target {
	const char	*ssid;		/* exact bytes, or NULL */
	const char	*bssid;		/* "aa:bb:cc:dd:ee:ff", or NULL */
	const char	*declared;	/* the IXIT's words about its security
					   ("WPA3-SAE", "open network with
					   OWE"), or NULL */
};

struct asy_wifi_note {
	enum asy_wifi_grade grade;
	size_t		 bss;		/* index into w->bss */
	unsigned long	 frame;		/* 0 when no one frame */
	char		*text;		/* printable sentence */
};

struct asy_wifi_judgement {
	enum asy_wifi_grade grade;
	char		*reason;	/* one sentence for the verdict */
	size_t		 n_matched;	/* BSSs judged */
	struct asy_wifi_note *notes;
	size_t		 n_notes, cap_notes;
};

/*
 * Judge the networks of w that match t (every network when t is NULL or
 * names neither SSID nor BSSID): their security class, ciphers and MFP
 * from a table, WPS, a hidden SSID, handshakes seen, cleartext findings
 * (naming frames), and what t->declared says against what was seen.
 * No match: ASY_WG_UNKNOWN ("not seen in the capture"), never a weakness.
 * 0, ASY_E_USAGE (t->bssid is not a MAC address), ASY_E_NOMEM; *j is
 * released with asy_wifi_judgement_release().
 */
int	asy_wifi_judge(const struct asy_wifi *w,
	    const struct asy_wifi_target *t, struct asy_wifi_judgement *j);
void	asy_wifi_judgement_release(struct asy_wifi_judgement *j);

/*
 * Write the analysis and the judgement (j may be NULL) as text for a
 * person or as XML (<wifi-analysis>, every value from the air escaped)
 * into b.  0, ASY_E_TOOBIG, ASY_E_NOMEM.
 */
int	asy_wifi_render_text(struct asy_buf *b, const struct asy_wifi *w,
	    const struct asy_wifi_judgement *j);
int	asy_wifi_render_xml(struct asy_buf *b, const char *file,
	    const struct asy_wifi *w, const struct asy_wifi_judgement *j);

/* assay wifi: the command, its summary, usage and help (main.c's
 * commands[] entry); returns an exit code of error.h. */
int	asy_cmd_wifi(int argc, char **argv);
extern const char asy_cmd_wifi_summary[], asy_cmd_wifi_usage[],
	asy_cmd_wifi_help[];

#endif
