/*
 * Wi-Fi onboarding analysis.
 *
 * Radiotap and 802.11 are decoded by hand, tcpdump style: every field is
 * read only after a check that the captured bytes hold it; a frame that
 * fails a check is counted and skipped.  Information elements are walked
 * while a whole element fits; an element whose length runs past the frame
 * ends the walk (what came before it stands) and is counted.  The BSS
 * table, the cleartext findings and every string kept are capped.
 *
 * Unprotected data frames that carry IPv4 or IPv6 after an LLC/SNAP header
 * (also inside A-MSDUs) are handed to pcapscan.c's scanner with their
 * frame number, with form and JSON fields on: that is where a phone app
 * sends a device the home network's passphrase during provisioning.
 */
#include "wifi.h"

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define DEF_MAX_BSS	256
/* Presence words read at most (each is 4 bytes of a header of at most
 * 65535). */
#define MAX_PRESENT	64
/* A printable SSID, and the raw SSID kept (an element is at most 255). */
#define MAX_SSID_SHOWN	128
#define MAX_SSID_RAW	255
/* Subframes of one A-MSDU looked at. */
#define MAX_SUBFRAMES	64

/* Link types. */
#define LT_80211	105
#define LT_RADIOTAP	127

/* Radiotap fields. */
#define RT_FLAGS	1
#define RT_CHANNEL	3
#define RT_DBM_SIGNAL	5
#define RT_XCHANNEL	18
#define RT_TLV		28
#define RT_NS_RADIOTAP	29
#define RT_NS_VENDOR	30
#define RT_EXT		31

#define RTF_FCS		0x10
#define RTF_DATAPAD	0x20
#define RTF_BADFCS	0x40

/* 802.11 frame control. */
#define FC_TYPE_MGMT	0
#define FC_TYPE_DATA	2
#define FC1_TODS	0x01
#define FC1_FROMDS	0x02
#define FC1_PROTECTED	0x40
#define FC1_ORDER	0x80

#define ST_ASSOC_REQ	0
#define ST_REASSOC_REQ	2
#define ST_PROBE_RESP	5
#define ST_BEACON	8

/* Elements. */
#define IE_SSID		0
#define IE_DS		3
#define IE_RSN		48
#define IE_HT_OP	61
#define IE_VENDOR	221

/* RSN capabilities. */
#define RSN_MFPR	0x0040
#define RSN_MFPC	0x0080

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_EAPOL	0x888e

static const unsigned char oui_ieee[3] = { 0x00, 0x0f, 0xac };
static const unsigned char oui_msft[3] = { 0x00, 0x50, 0xf2 };
static const unsigned char oui_wfa[3] = { 0x50, 0x6f, 0x9a };

/* ---- reading fields ------------------------------------------------------ */

/* Callers check that p holds the bytes first. */
static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
mac_text(const unsigned char *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static int
parse_mac(const char *s, unsigned char m[6])
{
	static const char hex[] = "0123456789abcdef";

	if (s == NULL || strlen(s) != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		const char *h, *l;

		if (i > 0 && s[i * 3 - 1] != ':' && s[i * 3 - 1] != '-')
			return -1;
		h = strchr(hex, s[i * 3] | 0x20);
		l = strchr(hex, s[i * 3 + 1] | 0x20);
		if (s[i * 3] == '\0' || s[i * 3 + 1] == '\0' || h == NULL ||
		    l == NULL)
			return -1;
		m[i] = (unsigned char)((h - hex) << 4 | (l - hex));
	}
	return 0;
}

/* ---- radiotap ------------------------------------------------------------ */

/* Alignment and size of the fields of the radiotap namespace, by bit. */
static const struct {
	unsigned char	 align, size;
} rt_fields[] = {
	{ 8, 8 },	/* 0 TSFT */
	{ 1, 1 },	/* 1 Flags */
	{ 1, 1 },	/* 2 Rate */
	{ 2, 4 },	/* 3 Channel: frequency, flags */
	{ 1, 2 },	/* 4 FHSS */
	{ 1, 1 },	/* 5 dBm antenna signal */
	{ 1, 1 },	/* 6 dBm antenna noise */
	{ 2, 2 },	/* 7 Lock quality */
	{ 2, 2 },	/* 8 TX attenuation */
	{ 2, 2 },	/* 9 dB TX attenuation */
	{ 1, 1 },	/* 10 dBm TX power */
	{ 1, 1 },	/* 11 Antenna */
	{ 1, 1 },	/* 12 dB antenna signal */
	{ 1, 1 },	/* 13 dB antenna noise */
	{ 2, 2 },	/* 14 RX flags */
	{ 2, 2 },	/* 15 TX flags */
	{ 1, 1 },	/* 16 RTS retries */
	{ 1, 1 },	/* 17 data retries */
	{ 4, 8 },	/* 18 XChannel: flags, frequency, channel, power */
	{ 1, 3 },	/* 19 MCS */
	{ 4, 8 },	/* 20 A-MPDU status */
	{ 2, 12 },	/* 21 VHT */
	{ 8, 12 },	/* 22 timestamp */
	{ 2, 12 },	/* 23 HE */
	{ 2, 12 },	/* 24 HE-MU */
	{ 2, 6 },	/* 25 HE-MU-other-user */
	{ 1, 1 },	/* 26 0-length PSDU */
	{ 2, 4 },	/* 27 L-SIG */
};

int
asy_radiotap_parse(const unsigned char *p, size_t len, struct asy_radiotap *rt,
    char *why, size_t why_len)
{
	size_t it_len, nwords = 0, off, next_ns = 0;
	int in_vendor = 0, first_rt_ns = 1;
	unsigned idx_base = 0;

	memset(rt, 0, sizeof(*rt));
	if (len < 8) {
		asy_why(why, why_len, "radiotap header cut short (%zu bytes)",
		    len);
		return ASY_E_INPUT;
	}
	if (p[0] != 0) {
		asy_why(why, why_len, "radiotap version %u (only 0 exists)",
		    p[0]);
		return ASY_E_INPUT;
	}
	it_len = le16(p + 2);
	if (it_len < 8 || it_len > len) {
		asy_why(why, why_len, "radiotap length %zu outside the %zu "
		    "captured bytes", it_len, len);
		return ASY_E_INPUT;
	}
	/* The presence words, then the fields after the last one. */
	for (off = 4;; off += 4) {
		if (off + 4 > it_len) {
			asy_why(why, why_len, "radiotap presence words run "
			    "past its length %zu", it_len);
			return ASY_E_INPUT;
		}
		if (++nwords > MAX_PRESENT) {
			asy_why(why, why_len, "more than %d radiotap presence "
			    "words", MAX_PRESENT);
			return ASY_E_INPUT;
		}
		if (!(le32(p + off) & (1u << RT_EXT)))
			break;
	}
	rt->len = it_len;
	rt->n_present = (unsigned)nwords;
	off += 4;
	for (size_t w = 0; w < nwords; w++) {
		uint32_t word = le32(p + 4 + 4 * w);

		for (unsigned bit = 0; bit < RT_NS_RADIOTAP && !in_vendor;
		    bit++) {
			unsigned idx = idx_base + bit;
			const unsigned char *v;

			if (!(word & (1u << bit)))
				continue;
			if (idx >= ASY_ELEMENTSOF(rt_fields)) {
				/* A TLV list or a field we cannot size:
				 * nothing after it can be found. */
				rt->stopped = 1;
				return 0;
			}
			off = (off + rt_fields[idx].align - 1) &
			    ~(size_t)(rt_fields[idx].align - 1);
			if (off + rt_fields[idx].size > it_len) {
				asy_why(why, why_len, "radiotap field %u runs "
				    "past its length %zu", idx, it_len);
				return ASY_E_INPUT;
			}
			v = p + off;
			off += rt_fields[idx].size;
			/* Only the first radiotap namespace: later ones
			 * repeat fields per antenna. */
			if (!first_rt_ns)
				continue;
			if (idx == RT_FLAGS) {
				rt->flags = v[0];
				rt->fcs = (v[0] & RTF_FCS) != 0;
				rt->datapad = (v[0] & RTF_DATAPAD) != 0;
				rt->bad_fcs = (v[0] & RTF_BADFCS) != 0;
			} else if (idx == RT_CHANNEL && rt->freq == 0) {
				rt->freq = le16(v);
			} else if (idx == RT_XCHANNEL) {
				rt->freq = le16(v + 4);
			} else if (idx == RT_DBM_SIGNAL && !rt->have_signal) {
				rt->have_signal = 1;
				rt->signal = (signed char)v[0];
			}
		}
		if (word & (1u << RT_NS_VENDOR)) {
			/* OUI, sub-namespace, skip length: the vendor's
			 * data that follows is skipped whole. */
			if (in_vendor)
				off = next_ns;
			off = (off + 1) & ~(size_t)1;
			if (off + 6 > it_len) {
				asy_why(why, why_len, "radiotap vendor "
				    "namespace runs past its length %zu",
				    it_len);
				return ASY_E_INPUT;
			}
			next_ns = off + 6 + le16(p + off + 4);
			if (next_ns > it_len) {
				asy_why(why, why_len, "radiotap vendor data "
				    "runs past its length %zu", it_len);
				return ASY_E_INPUT;
			}
			off += 6;
			in_vendor = 1;
			first_rt_ns = 0;
			idx_base = 0;
		} else if (word & (1u << RT_NS_RADIOTAP)) {
			if (in_vendor)
				off = next_ns;
			in_vendor = 0;
			first_rt_ns = 0;
			idx_base = 0;
		} else if (!in_vendor) {
			idx_base += 32;
		}
	}
	return 0;
}

unsigned
asy_wifi_freq_channel(unsigned freq)
{
	if (freq == 2484)
		return 14;
	if (freq >= 2412 && freq <= 2472 && (freq - 2407) % 5 == 0)
		return (freq - 2407) / 5;
	if (freq >= 5150 && freq <= 5895 && freq % 5 == 0)
		return (freq - 5000) / 5;
	if (freq >= 5955 && freq <= 7115 && (freq - 5950) % 5 == 0)
		return (freq - 5950) / 5;
	return 0;
}

/* ---- names --------------------------------------------------------------- */

static const struct {
	enum asy_wifi_sec sec;
	const char	*name;
} sec_names[] = {
	{ ASY_WSEC_UNKNOWN,		"unknown" },
	{ ASY_WSEC_OPEN,		"open" },
	{ ASY_WSEC_OWE_TRANSITION,	"OWE transition (open)" },
	{ ASY_WSEC_WEP,			"WEP" },
	{ ASY_WSEC_WPA1,		"WPA" },
	{ ASY_WSEC_WPA1_WPA2,		"WPA/WPA2 mixed" },
	{ ASY_WSEC_WPA2_PSK,		"WPA2-PSK" },
	{ ASY_WSEC_WPA2_ENT,		"WPA2-Enterprise" },
	{ ASY_WSEC_WPA2_WPA3,		"WPA2/WPA3 transition" },
	{ ASY_WSEC_WPA3_SAE,		"WPA3-SAE" },
	{ ASY_WSEC_OWE,			"OWE" },
};

const char *
asy_wifi_sec_name(enum asy_wifi_sec s)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(sec_names); i++)
		if (sec_names[i].sec == s)
			return sec_names[i].name;
	return "unknown";
}

const char *
asy_wifi_mfp_name(enum asy_wifi_mfp m)
{
	static const char *const names[] = { "none", "capable", "required" };

	return (size_t)m < ASY_ELEMENTSOF(names) ? names[m] : "none";
}

static const char *const grade_names[] = {
	"good", "noted", "inconclusive", "weakness",
};

const char *
asy_wifi_grade_name(enum asy_wifi_grade g)
{
	return (size_t)g < ASY_ELEMENTSOF(grade_names) ? grade_names[g] :
	    "inconclusive";
}

/* Suites: RSN (00:0f:ac) and WPA (00:50:f2) types to our bits. */
struct suite {
	const unsigned char *oui;
	unsigned char	 type;
	unsigned	 bit;
	const char	*name;
};

static const struct suite ciphers[] = {
	{ oui_ieee, 1,	ASY_WC_WEP40,	"WEP40" },
	{ oui_ieee, 5,	ASY_WC_WEP104,	"WEP104" },
	{ oui_ieee, 2,	ASY_WC_TKIP,	"TKIP" },
	{ oui_ieee, 4,	ASY_WC_CCMP,	"CCMP" },
	{ oui_ieee, 10,	ASY_WC_CCMP256,	"CCMP-256" },
	{ oui_ieee, 8,	ASY_WC_GCMP,	"GCMP" },
	{ oui_ieee, 9,	ASY_WC_GCMP256,	"GCMP-256" },
	{ oui_msft, 1,	ASY_WC_WEP40,	NULL },
	{ oui_msft, 5,	ASY_WC_WEP104,	NULL },
	{ oui_msft, 2,	ASY_WC_TKIP,	NULL },
	{ oui_msft, 4,	ASY_WC_CCMP,	NULL },
};

static const struct suite akms[] = {
	{ oui_ieee, 1,	ASY_WA_8021X,	"802.1X" },
	{ oui_ieee, 3,	ASY_WA_8021X,	NULL },
	{ oui_ieee, 5,	ASY_WA_8021X,	NULL },
	{ oui_ieee, 11,	ASY_WA_8021X,	NULL },
	{ oui_ieee, 12,	ASY_WA_8021X,	NULL },
	{ oui_ieee, 13,	ASY_WA_8021X,	NULL },
	{ oui_ieee, 2,	ASY_WA_PSK,	"PSK" },
	{ oui_ieee, 4,	ASY_WA_PSK,	NULL },
	{ oui_ieee, 6,	ASY_WA_PSK,	NULL },
	{ oui_ieee, 8,	ASY_WA_SAE,	"SAE" },
	{ oui_ieee, 9,	ASY_WA_SAE,	NULL },
	{ oui_ieee, 24,	ASY_WA_SAE,	NULL },
	{ oui_ieee, 25,	ASY_WA_SAE,	NULL },
	{ oui_ieee, 18,	ASY_WA_OWE,	"OWE" },
	{ oui_msft, 1,	ASY_WA_8021X,	NULL },
	{ oui_msft, 2,	ASY_WA_PSK,	NULL },
};

static unsigned
suite_bit(const struct suite *tab, size_t n, const unsigned char *s,
    unsigned other)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(tab[i].oui, s, 3) == 0 && tab[i].type == s[3])
			return tab[i].bit;
	return other;
}

static const char *
mask_names(const struct suite *tab, size_t n, unsigned mask, unsigned other,
    char *buf, size_t len)
{
	struct asy_buf b;
	int r = 0;

	if (len == 0)
		return "";
	asy_buf_init(&b, len - 1);
	for (size_t i = 0; i < n && r == 0; i++)
		if (tab[i].name != NULL && (mask & tab[i].bit))
			r = asy_buf_printf(&b, "%s%s", b.len ? "+" : "",
			    tab[i].name);
	if (r == 0 && (mask & other))
		r = asy_buf_printf(&b, "%sother", b.len ? "+" : "");
	snprintf(buf, len, "%s", r == 0 && b.data != NULL ? b.data :
	    r == 0 ? "none" : "?");
	asy_buf_release(&b);
	return buf;
}

const char *
asy_wifi_ciphers(unsigned mask, char *buf, size_t len)
{
	return mask_names(ciphers, ASY_ELEMENTSOF(ciphers), mask, ASY_WC_OTHER,
	    buf, len);
}

const char *
asy_wifi_akms(unsigned mask, char *buf, size_t len)
{
	return mask_names(akms, ASY_ELEMENTSOF(akms), mask, ASY_WA_OTHER, buf,
	    len);
}

/* ---- elements ------------------------------------------------------------ */

/* What the elements of one management frame say. */
struct ies {
	const unsigned char *ssid;
	size_t		 ssid_len;
	int		 have_ssid;
	unsigned	 ds_channel, ht_channel;
	int		 rsn, wpa;
	unsigned	 rsn_akms, rsn_pairwise, rsn_group, rsn_caps;
	unsigned	 wpa_akms, wpa_pairwise, wpa_group;
	int		 wps, owe_trans;
	unsigned char	 owe_peer[6];
	int		 bad;		/* an element past the end, or one
					   that broke its own format */
};

/* A suite list (count, then 4 bytes each) at d[*off]; absent: dflt.
 * 0, or -1 when it runs past n. */
static int
suite_list(const unsigned char *d, size_t n, size_t *off,
    const struct suite *tab, size_t tab_n, unsigned other, unsigned dflt,
    unsigned *mask)
{
	size_t cnt;

	if (n - *off < 2) {
		*mask = dflt;
		return 0;
	}
	cnt = le16(d + *off);
	*off += 2;
	if (cnt > (n - *off) / 4)
		return -1;
	*mask = 0;
	for (size_t i = 0; i < cnt; i++, *off += 4)
		*mask |= suite_bit(tab, tab_n, d + *off, other);
	return 0;
}

/*
 * The RSN element (and the WPA element after its OUI and type, with
 * Microsoft's OUI): version, group cipher, pairwise ciphers, AKMs, and for
 * RSN the capabilities.  Fields left out at the end take the defaults of
 * 802.11 (CCMP, CCMP, 802.1X; WPA: TKIP, TKIP, 802.1X).
 */
static int
parse_rsn(const unsigned char *d, size_t n, int wpa, unsigned *group,
    unsigned *pairwise, unsigned *akm, unsigned *caps)
{
	unsigned dflt = wpa ? ASY_WC_TKIP : ASY_WC_CCMP;
	size_t off = 2;

	*group = dflt;
	*pairwise = dflt;
	*akm = ASY_WA_8021X;
	*caps = 0;
	if (n < 2 || le16(d) != 1)
		return -1;
	if (n - off < 4)
		return n == off ? 0 : -1;
	*group = suite_bit(ciphers, ASY_ELEMENTSOF(ciphers), d + off,
	    ASY_WC_OTHER);
	off += 4;
	if (suite_list(d, n, &off, ciphers, ASY_ELEMENTSOF(ciphers),
	    ASY_WC_OTHER, dflt, pairwise) < 0 ||
	    suite_list(d, n, &off, akms, ASY_ELEMENTSOF(akms), ASY_WA_OTHER,
	    ASY_WA_8021X, akm) < 0)
		return -1;
	if (!wpa && n - off >= 2)
		*caps = le16(d + off);
	return 0;
}

static void
vendor_element(const unsigned char *d, size_t n, struct ies *e)
{
	unsigned caps;

	if (n < 4)
		return;
	if (memcmp(d, oui_msft, 3) == 0 && d[3] == 1) {
		e->wpa = 1;
		if (parse_rsn(d + 4, n - 4, 1, &e->wpa_group, &e->wpa_pairwise,
		    &e->wpa_akms, &caps) < 0)
			e->bad = 1;
	} else if (memcmp(d, oui_msft, 3) == 0 && d[3] == 4) {
		e->wps = 1;
	} else if (memcmp(d, oui_wfa, 3) == 0 && d[3] == 0x1c) {
		/* OWE transition mode: the other BSS's BSSID and SSID. */
		e->owe_trans = 1;
		if (n >= 10)
			memcpy(e->owe_peer, d + 4, 6);
		else
			e->bad = 1;
	}
}

/* Walk the elements at p (len bytes). */
static void
parse_ies(const unsigned char *p, size_t len, struct ies *e)
{
	size_t off = 0;

	while (off < len) {
		unsigned id, n;
		const unsigned char *d;

		if (len - off < 2 || len - off - 2 < p[off + 1]) {
			e->bad = 1;
			return;
		}
		id = p[off];
		n = p[off + 1];
		d = p + off + 2;
		off += 2 + (size_t)n;
		switch (id) {
		case IE_SSID:
			if (!e->have_ssid) {
				e->have_ssid = 1;
				e->ssid = d;
				e->ssid_len = n;
			}
			break;
		case IE_DS:
			if (n >= 1)
				e->ds_channel = d[0];
			break;
		case IE_HT_OP:
			if (n >= 1)
				e->ht_channel = d[0];
			break;
		case IE_RSN:
			e->rsn = 1;
			if (parse_rsn(d, n, 0, &e->rsn_group, &e->rsn_pairwise,
			    &e->rsn_akms, &e->rsn_caps) < 0)
				e->bad = 1;
			break;
		case IE_VENDOR:
			vendor_element(d, n, e);
			break;
		default:
			break;
		}
	}
}

/* ---- the BSS table ------------------------------------------------------- */

static int
is_hidden(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != 0)
			return 0;
	return 1;
}

static struct asy_wifi_bss *
bss_get(struct asy_wifi *w, const unsigned char *bssid, unsigned long no)
{
	struct asy_wifi_bss *b;

	for (size_t i = 0; i < w->n_bss; i++)
		if (memcmp(w->bss[i].bssid, bssid, 6) == 0)
			return &w->bss[i];
	if (w->n_bss >= w->o.max_bss) {
		w->bss_over++;
		return NULL;
	}
	b = asy_array_add(&w->bss, &w->n_bss, &w->cap_bss, sizeof(*b));
	if (b == NULL) {
		w->err = ASY_E_NOMEM;
		return NULL;
	}
	memcpy(b->bssid, bssid, 6);
	mac_text(bssid, b->bssid_text);
	b->ssid = asy_strdup("");
	if (b->ssid == NULL)
		w->err = ASY_E_NOMEM;
	b->first_frame = no;
	b->sec = ASY_WSEC_UNKNOWN;
	return b;
}

static void
bss_set_ssid(struct asy_wifi *w, struct asy_wifi_bss *b,
    const unsigned char *s, size_t n)
{
	unsigned char *raw;
	char *shown;

	if (n > MAX_SSID_RAW)
		n = MAX_SSID_RAW;
	if (n > 32)
		b->ssid_bad = 1;
	if (b->ssid_raw != NULL && b->ssid_len == n &&
	    memcmp(b->ssid_raw, s, n) == 0)
		return;
	raw = malloc(n + 1);
	shown = asy_printable((const char *)s, n, MAX_SSID_SHOWN);
	if (raw == NULL || shown == NULL) {
		free(raw);
		free(shown);
		w->err = ASY_E_NOMEM;
		return;
	}
	memcpy(raw, s, n);
	raw[n] = '\0';
	free(b->ssid_raw);
	free(b->ssid);
	b->ssid_raw = raw;
	b->ssid_len = n;
	b->ssid = shown;
}

static enum asy_wifi_sec
classify(const struct asy_wifi_bss *b)
{
	if (!b->announced)
		return ASY_WSEC_UNKNOWN;
	if (b->rsn) {
		if (b->akms & ASY_WA_OWE)
			return ASY_WSEC_OWE;
		if ((b->akms & ASY_WA_SAE) && (b->akms & ASY_WA_PSK))
			return ASY_WSEC_WPA2_WPA3;
		if (b->akms & ASY_WA_SAE)
			return ASY_WSEC_WPA3_SAE;
		if (b->wpa)
			return ASY_WSEC_WPA1_WPA2;
		if (b->akms & ASY_WA_PSK)
			return ASY_WSEC_WPA2_PSK;
		if (b->akms & ASY_WA_8021X)
			return ASY_WSEC_WPA2_ENT;
		return ASY_WSEC_UNKNOWN;
	}
	if (b->wpa)
		return ASY_WSEC_WPA1;
	if (b->privacy)
		return ASY_WSEC_WEP;
	if (b->owe_trans)
		return ASY_WSEC_OWE_TRANSITION;
	return ASY_WSEC_OPEN;
}

static void
note_radio(struct asy_wifi_bss *b, const struct asy_radiotap *rt)
{
	if (rt == NULL)
		return;
	if (rt->freq != 0) {
		b->freq = rt->freq;
		if (b->channel == 0)
			b->channel = asy_wifi_freq_channel(rt->freq);
	}
	if (rt->have_signal && (!b->have_signal || rt->signal > b->signal)) {
		b->have_signal = 1;
		b->signal = rt->signal;
	}
}

/* A beacon or probe response (announce) or an association request. */
static void
mgmt_frame(struct asy_wifi *w, unsigned long no, unsigned subtype,
    const unsigned char *p, size_t len, size_t hdr,
    const struct asy_radiotap *rt)
{
	struct asy_wifi_bss *b;
	struct ies e;
	size_t fixed;
	int announce = subtype == ST_BEACON || subtype == ST_PROBE_RESP;
	unsigned cap = 0;

	if (announce)
		fixed = 12;
	else if (subtype == ST_ASSOC_REQ)
		fixed = 4;
	else if (subtype == ST_REASSOC_REQ)
		fixed = 10;
	else
		return;
	if (len - hdr < fixed) {
		w->undecoded++;
		return;
	}
	b = bss_get(w, p + 16, no);
	if (b == NULL)
		return;
	memset(&e, 0, sizeof(e));
	parse_ies(p + hdr + fixed, len - hdr - fixed, &e);
	if (e.bad)
		b->bad_elements++;
	if (announce) {
		cap = le16(p + hdr + 10);
		note_radio(b, rt);
		if (subtype == ST_BEACON)
			b->beacons++;
		else
			b->probe_resps++;
	}
	if (announce && !e.bad) {
		/* A malformed announcement says nothing of the security:
		 * half an RSN element would look like WEP. */
		b->announced = 1;
		b->privacy = (cap & 0x0010) != 0;
		b->rsn = e.rsn;
		b->wpa = e.wpa;
		b->akms = (e.rsn ? e.rsn_akms : 0) | (e.wpa ? e.wpa_akms : 0);
		b->pairwise = (e.rsn ? e.rsn_pairwise : 0) |
		    (e.wpa ? e.wpa_pairwise : 0);
		b->group = e.rsn ? e.rsn_group : e.wpa ? e.wpa_group : 0;
		if (!e.rsn || !(e.rsn_caps & RSN_MFPC))
			b->mfp = ASY_MFP_NONE;
		else if (e.rsn_caps & RSN_MFPR)
			b->mfp = ASY_MFP_REQUIRED;
		else
			b->mfp = ASY_MFP_CAPABLE;
		b->wps = e.wps;
		b->owe_trans = e.owe_trans;
		b->owe_peer[0] = '\0';
		if (e.owe_trans && !is_hidden(e.owe_peer, 6))
			mac_text(e.owe_peer, b->owe_peer);
		if (e.ds_channel != 0)
			b->channel = e.ds_channel;
		else if (e.ht_channel != 0)
			b->channel = e.ht_channel;
		b->sec = classify(b);
	} else if (!announce) {
		b->assoc_reqs++;
		if (e.rsn) {
			b->assoc_akms |= e.rsn_akms;
			b->assoc_pairwise |= e.rsn_pairwise;
		}
	}
	if (!e.have_ssid)
		return;
	if (is_hidden(e.ssid, e.ssid_len)) {
		/* A beacon that hides the name; a probe response or an
		 * association may still tell it. */
		if (subtype == ST_BEACON)
			b->hidden = 1;
		return;
	}
	bss_set_ssid(w, b, e.ssid, e.ssid_len);
}

/* ---- data frames --------------------------------------------------------- */

/* The payload of one MSDU: LLC/SNAP, then EAPOL or IP.  1 for EAPOL
 * (unprotected by design), else 0. */
static int
msdu(struct asy_wifi *w, struct asy_wifi_bss *b, size_t bi, unsigned long no,
    const unsigned char *p, size_t len)
{
	static const unsigned char snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	static const unsigned char btep[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0xf8 };
	unsigned type;
	size_t before;
	int r;

	if (len < 8 || (memcmp(p, snap, 6) != 0 && memcmp(p, btep, 6) != 0))
		return 0;
	type = be16(p + 6);
	if (type == ETH_EAPOL) {
		if (b != NULL && b->eapol++ == 0)
			b->first_eapol = no;
		return 1;
	}
	if (type != ETH_IPV4 && type != ETH_IPV6)
		return 0;
	before = asy_clear_scan_count(w->scan);
	r = asy_clear_scan_ip(w->scan, no, p + 8, len - 8);
	if (r < 0) {
		w->err = r;
		return 0;
	}
	for (size_t i = before; i < asy_clear_scan_count(w->scan); i++) {
		size_t *slot = asy_array_add(&w->clear_bss, &w->n_clear_bss,
		    &w->cap_clear_bss, sizeof(*slot));

		if (slot == NULL) {
			w->err = ASY_E_NOMEM;
			return 0;
		}
		*slot = bi;
	}
	return 0;
}

static void
data_frame(struct asy_wifi *w, unsigned long no, unsigned subtype,
    const unsigned char *p, size_t len, unsigned fc1,
    const struct asy_radiotap *rt)
{
	struct asy_wifi_bss *b = NULL;
	const unsigned char *bssid = NULL;
	size_t hdr = 24, bi = (size_t)-1;
	int qos = (subtype & 0x08) != 0, amsdu = 0;

	/* Null and QoS null frames carry nothing. */
	if (subtype & 0x04)
		return;
	if ((fc1 & (FC1_TODS | FC1_FROMDS)) == (FC1_TODS | FC1_FROMDS))
		hdr += 6;
	if (qos) {
		if (len < hdr + 2) {
			w->undecoded++;
			return;
		}
		amsdu = (p[hdr] & 0x80) != 0;
		hdr += 2;
		if (fc1 & FC1_ORDER)
			hdr += 4;
	}
	if (rt != NULL && rt->datapad)
		hdr = (hdr + 3) & ~(size_t)3;
	if (len < hdr) {
		w->undecoded++;
		return;
	}
	switch (fc1 & (FC1_TODS | FC1_FROMDS)) {
	case 0:
		bssid = p + 16;
		break;
	case FC1_TODS:
		bssid = p + 4;
		break;
	case FC1_FROMDS:
		bssid = p + 10;
		break;
	default:
		break;		/* between access points: no BSSID */
	}
	if (bssid != NULL) {
		b = bss_get(w, bssid, no);
		if (w->err != 0)
			return;
		if (b != NULL)
			bi = (size_t)(b - w->bss);
	}
	if (fc1 & FC1_PROTECTED) {
		if (b != NULL)
			b->data_protected++;
		return;
	}
	p += hdr;
	len -= hdr;
	if (!amsdu) {
		if (!msdu(w, b, bi, no, p, len) && b != NULL)
			b->data_clear++;
		return;
	}
	if (b != NULL)
		b->data_clear++;
	/* A-MSDU: subframes of DA, SA, length, MSDU, padded to 4. */
	for (int i = 0; i < MAX_SUBFRAMES && len >= 14 && w->err == 0; i++) {
		size_t n = be16(p + 12), step;

		if (n > len - 14)
			break;
		msdu(w, b, bi, no, p + 14, n);
		step = (14 + n + 3) & ~(size_t)3;
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
}

/* One 802.11 frame (after radiotap, if any). */
static void
frame_80211(struct asy_wifi *w, unsigned long no, const unsigned char *p,
    size_t len, const struct asy_radiotap *rt)
{
	unsigned type, subtype, fc1;
	size_t hdr = 24;

	if (rt != NULL && rt->bad_fcs) {
		w->bad_fcs++;
		return;
	}
	if (rt != NULL && rt->fcs) {
		if (len < 4) {
			w->undecoded++;
			return;
		}
		len -= 4;
	}
	if (len < 2 || (p[0] & 0x03) != 0) {
		w->undecoded++;
		return;
	}
	type = (p[0] >> 2) & 0x03;
	subtype = p[0] >> 4;
	fc1 = p[1];
	if (type != FC_TYPE_MGMT && type != FC_TYPE_DATA)
		return;		/* control and extension frames */
	if (len < 24) {
		w->undecoded++;
		return;
	}
	if (type == FC_TYPE_MGMT) {
		/* Protected management frames are action frames, and an
		 * HT Control field follows when Order is set. */
		if (fc1 & FC1_PROTECTED)
			return;
		if (fc1 & FC1_ORDER)
			hdr += 4;
		if (len < hdr) {
			w->undecoded++;
			return;
		}
		mgmt_frame(w, no, subtype, p, len, hdr, rt);
		return;
	}
	data_frame(w, no, subtype, p, len, fc1, rt);
}

/* ---- the analysis -------------------------------------------------------- */

int
asy_wifi_new(const struct asy_wifi_opts *o, struct asy_wifi **out)
{
	struct asy_wifi *w;
	int r;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return ASY_E_NOMEM;
	if (o != NULL)
		w->o = *o;
	if (w->o.max_bss == 0)
		w->o.max_bss = DEF_MAX_BSS;
	w->co.needles = w->o.needles;
	w->co.emails = w->o.emails;
	w->co.fields = 1;
	w->co.max_findings = w->o.max_findings;
	r = asy_clear_scan_new(&w->co, &w->scan);
	if (r < 0) {
		free(w);
		return r;
	}
	*out = w;
	return 0;
}

int
asy_wifi_feed(struct asy_wifi *w, const struct asy_frame *f)
{
	struct asy_radiotap rt;
	char why[128];

	if (w == NULL || f == NULL)
		return ASY_E_INTERNAL;
	if (w->err != 0)
		return w->err;
	w->frames++;
	if (w->linktype == 0)
		w->linktype = f->linktype;
	if (f->data == NULL) {
		w->undecoded++;
		return 0;
	}
	if (f->linktype == LT_RADIOTAP) {
		if (asy_radiotap_parse(f->data, f->caplen, &rt, why,
		    sizeof(why)) < 0) {
			asy_debug("frame %lu: %s", f->no, why);
			w->undecoded++;
			return 0;
		}
		frame_80211(w, f->no, f->data + rt.len, f->caplen - rt.len,
		    &rt);
	} else if (f->linktype == LT_80211) {
		frame_80211(w, f->no, f->data, f->caplen, NULL);
	} else {
		w->undecoded++;
	}
	return w->err;
}

int
asy_wifi_end(struct asy_wifi *w)
{
	size_t n = 0;
	int r;

	if (w == NULL || w->scan == NULL)
		return w != NULL ? w->err : ASY_E_INTERNAL;
	if (w->err != 0)
		return w->err;
	r = asy_clear_scan_take(w->scan, &w->clear, &n);
	if (r < 0)
		return r;
	w->n_clear = n;
	if (n != w->n_clear_bss)
		ASY_BUG("a cleartext finding without its network");
	asy_clear_scan_free(w->scan);
	w->scan = NULL;
	return 0;
}

void
asy_wifi_free(struct asy_wifi *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n_bss; i++) {
		free(w->bss[i].ssid_raw);
		free(w->bss[i].ssid);
	}
	free(w->bss);
	/* Before asy_wifi_end() the findings are still the scan's. */
	asy_clear_findings_free(w->clear, w->n_clear);
	free(w->clear_bss);
	asy_clear_scan_free(w->scan);
	free(w);
}

static int
on_frame(const struct asy_frame *f, void *ctx)
{
	return asy_wifi_feed(ctx, f) != 0;
}

int
asy_wifi_analyse(const char *path, const struct asy_wifi_opts *o,
    struct asy_wifi **out, char *why, size_t why_len)
{
	struct asy_wifi *w = NULL;
	char eb[256] = "";
	int r, lt;

	r = asy_capture_file_linktype(path, &lt, eb, sizeof(eb));
	if (r < 0) {
		asy_why(why, why_len, "%s: not a pcap file assay can read (%s)",
		    path, eb);
		return ASY_E_INPUT;
	}
	if (lt != LT_RADIOTAP && lt != LT_80211) {
		asy_why(why, why_len, "%s: not an 802.11 capture: its link "
		    "type is %s (%d), not IEEE802_11_RADIO (127) or "
		    "IEEE802_11 (105); capture on a monitor-mode interface",
		    path, asy_capture_linktype_name(lt), lt);
		return ASY_E_INPUT;
	}
	r = asy_wifi_new(o, &w);
	if (r < 0)
		goto out;
	w->linktype = lt;
	r = asy_capture_each(path, on_frame, w, eb, sizeof(eb));
	if (r < 0) {
		asy_why(why, why_len, "%s: %s", path, eb);
		goto out;
	}
	r = w->err;
	if (r == 0)
		r = asy_wifi_end(w);
out:
	if (r < 0) {
		asy_wifi_free(w);
		return r;
	}
	*out = w;
	return 0;
}

/* ---- live ---------------------------------------------------------------- */

#define DEF_SECONDS	10
#define MAX_SECONDS	600
#define DEF_FRAMES	100000UL
#define DEF_FILE_CAP	((unsigned long)64 << 20)

int
asy_wifi_monitor_open(const char *ifname, unsigned long file_cap,
    struct asy_capture **out, char *why, size_t why_len)
{
	char eb[512] = "";
	int r;

	if (ifname == NULL || *ifname == '\0') {
		asy_why(why, why_len, "give a monitor interface");
		return ASY_E_USAGE;
	}
	r = asy_capture_open_monitor(ifname, 0, file_cap == 0 ? DEF_FILE_CAP :
	    file_cap, out, eb, sizeof(eb));
	if (r < 0)
		asy_why(why, why_len, "%s", eb);
	return r;
}

int
asy_wifi_listen(struct asy_capture *c, const struct asy_wifi_live_opts *o,
    const char *path, const struct asy_wifi_opts *ao, struct asy_wifi **out,
    unsigned long *frames, char *why, size_t why_len)
{
	struct asy_capture_stats st;
	unsigned long max_frames;
	long long deadline;
	unsigned seconds;
	int r;

	if (c == NULL || o == NULL || path == NULL ||
	    o->seconds > MAX_SECONDS) {
		asy_why(why, why_len, "give an open monitor capture, a pcap "
		    "file and at most %d seconds", MAX_SECONDS);
		return ASY_E_USAGE;
	}
	seconds = o->seconds == 0 ? DEF_SECONDS : o->seconds;
	max_frames = o->max_frames == 0 ? DEF_FRAMES : o->max_frames;
	r = asy_capture_begin(c, path);
	if (r < 0) {
		asy_why(why, why_len, "%s: %s", path, r == ASY_E_EXISTS ?
		    "exists already; give a new file" : asy_strerror(r));
		return r;
	}
	r = asy_capture_start(c);
	if (r < 0) {
		asy_why(why, why_len, "cannot start the capture thread");
		return r;
	}
	deadline = asy_now_ms() + (long long)seconds * 1000;
	while (asy_now_ms() < deadline &&
	    asy_capture_packets(c) < max_frames)
		poll(NULL, 0, 100);
	r = asy_capture_end(c, &st);
	if (r < 0) {
		asy_why(why, why_len, "%s: the capture failed: %s",
		    o->ifname != NULL ? o->ifname : "monitor interface",
		    asy_strerror(r));
		return r;
	}
	if (frames != NULL)
		*frames = (unsigned long)st.packets;
	return asy_wifi_analyse(path, ao, out, why, why_len);
}

int
asy_wifi_live(const struct asy_wifi_live_opts *o, const char *path,
    const struct asy_wifi_opts *ao, struct asy_wifi **out,
    unsigned long *frames, char *why, size_t why_len)
{
	struct asy_capture *c = NULL;
	int r;

	if (o == NULL || o->ifname == NULL || *o->ifname == '\0' ||
	    path == NULL || o->seconds > MAX_SECONDS) {
		asy_why(why, why_len, "give a monitor interface, a pcap file "
		    "and at most %d seconds", MAX_SECONDS);
		return ASY_E_USAGE;
	}
	r = asy_wifi_monitor_open(o->ifname, o->file_cap, &c, why, why_len);
	if (r < 0)
		return r;
	r = asy_wifi_listen(c, o, path, ao, out, frames, why, why_len);
	asy_capture_close(c);
	return r;
}

/* ---- the judgement ------------------------------------------------------- */

#define MFP_ANY		(-1)

/* Security classes, first match wins (a row for a given MFP before the
 * row for any). */
static const struct {
	enum asy_wifi_sec sec;
	int		 mfp;
	enum asy_wifi_grade grade;
	const char	*text;
} sec_rules[] = {
	{ ASY_WSEC_OPEN, MFP_ANY, ASY_WG_WEAK,
	  "open network without OWE: anyone nearby can join it and read "
	  "the provisioning" },
	{ ASY_WSEC_OWE_TRANSITION, MFP_ANY, ASY_WG_NOTED,
	  "open network in OWE transition mode: stations that know OWE "
	  "are encrypted, others join it open" },
	{ ASY_WSEC_WEP, MFP_ANY, ASY_WG_WEAK,
	  "WEP: broken, its key is recovered from captured traffic" },
	{ ASY_WSEC_WPA1, MFP_ANY, ASY_WG_WEAK,
	  "WPA (version 1): deprecated, built on TKIP" },
	{ ASY_WSEC_WPA1_WPA2, MFP_ANY, ASY_WG_WEAK,
	  "WPA/WPA2 mixed mode: WPA (version 1) is still accepted" },
	{ ASY_WSEC_WPA2_PSK, ASY_MFP_REQUIRED, ASY_WG_NOTED,
	  "WPA2-PSK with management frame protection required: "
	  "acceptable; a weak passphrase can be guessed offline from a "
	  "captured handshake" },
	{ ASY_WSEC_WPA2_PSK, MFP_ANY, ASY_WG_NOTED,
	  "WPA2-PSK without management frame protection required: "
	  "acceptable; deauthentication can be forged and a weak passphrase "
	  "guessed offline from a captured handshake" },
	{ ASY_WSEC_WPA2_ENT, ASY_MFP_REQUIRED, ASY_WG_GOOD,
	  "WPA2-Enterprise (802.1X) with management frame protection "
	  "required" },
	{ ASY_WSEC_WPA2_ENT, MFP_ANY, ASY_WG_NOTED,
	  "WPA2-Enterprise (802.1X) without management frame protection "
	  "required: acceptable" },
	{ ASY_WSEC_WPA2_WPA3, MFP_ANY, ASY_WG_NOTED,
	  "WPA2/WPA3 transition mode: SAE for stations that know it, "
	  "WPA2-PSK (offline guessing, downgrade) for the others" },
	{ ASY_WSEC_WPA3_SAE, ASY_MFP_REQUIRED, ASY_WG_GOOD,
	  "WPA3-SAE with management frame protection required" },
	{ ASY_WSEC_WPA3_SAE, MFP_ANY, ASY_WG_NOTED,
	  "WPA3-SAE without management frame protection required, which "
	  "WPA3 demands" },
	{ ASY_WSEC_OWE, ASY_MFP_REQUIRED, ASY_WG_GOOD,
	  "OWE (Enhanced Open) with management frame protection required: "
	  "encrypted without a shared secret" },
	{ ASY_WSEC_OWE, MFP_ANY, ASY_WG_NOTED,
	  "OWE (Enhanced Open) without management frame protection "
	  "required" },
	{ ASY_WSEC_UNKNOWN, MFP_ANY, ASY_WG_UNKNOWN,
	  "security not known: no beacon or probe response with a known key "
	  "management was captured" },
};

/* Ciphers that are a weakness wherever WPA or RSN offers them. */
static const struct {
	unsigned	 mask;
	const char	*text;
} cipher_rules[] = {
	{ ASY_WC_WEP40 | ASY_WC_WEP104,
	  "WEP offered as a cipher: broken" },
	{ ASY_WC_TKIP,
	  "TKIP offered as a cipher: deprecated, with known attacks on its "
	  "integrity" },
};

/* What the IXIT may say of the onboarding network's security, and the
 * classes that agree with it.  A keyword right after not_after does not
 * count ("open" in "Enhanced Open"). */
#define SEC_BIT(s)	(1u << (s))

static const struct {
	const char	*word;
	const char	*not_after;
	unsigned	 classes;
} declared_words[] = {
	{ "enhanced open", NULL,
	  SEC_BIT(ASY_WSEC_OWE) | SEC_BIT(ASY_WSEC_OWE_TRANSITION) },
	{ "owe", NULL,
	  SEC_BIT(ASY_WSEC_OWE) | SEC_BIT(ASY_WSEC_OWE_TRANSITION) },
	{ "wpa3", NULL,
	  SEC_BIT(ASY_WSEC_WPA3_SAE) | SEC_BIT(ASY_WSEC_WPA2_WPA3) },
	{ "sae", NULL,
	  SEC_BIT(ASY_WSEC_WPA3_SAE) | SEC_BIT(ASY_WSEC_WPA2_WPA3) },
	{ "wpa2", NULL,
	  SEC_BIT(ASY_WSEC_WPA2_PSK) | SEC_BIT(ASY_WSEC_WPA2_ENT) |
	  SEC_BIT(ASY_WSEC_WPA2_WPA3) | SEC_BIT(ASY_WSEC_WPA3_SAE) },
	{ "802.1x", NULL, SEC_BIT(ASY_WSEC_WPA2_ENT) },
	{ "enterprise", NULL, SEC_BIT(ASY_WSEC_WPA2_ENT) },
	{ "wep", NULL, SEC_BIT(ASY_WSEC_WEP) },
	{ "open", "enhanced ",
	  SEC_BIT(ASY_WSEC_OPEN) | SEC_BIT(ASY_WSEC_OWE_TRANSITION) |
	  SEC_BIT(ASY_WSEC_OWE) },
	{ "unencrypted", NULL, SEC_BIT(ASY_WSEC_OPEN) },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does s contain word (lowercase) ignoring case, not right after
 * not_after? */
static int
has_word(const char *s, const char *word, const char *not_after)
{
	size_t n = strlen(word), na = not_after != NULL ? strlen(not_after) :
	    0;

	for (size_t i = 0; s[i] != '\0'; i++) {
		size_t k;

		for (k = 0; k < n && s[i + k] != '\0' &&
		    lower((unsigned char)s[i + k]) == word[k]; k++)
			;
		if (k < n)
			continue;
		if (na > 0 && i >= na) {
			size_t m;

			for (m = 0; m < na && lower((unsigned char)
			    s[i - na + m]) == not_after[m]; m++)
				;
			if (m == na)
				continue;
		}
		return 1;
	}
	return 0;
}

/* The classes the declared text agrees with; 0 when it names none. */
static unsigned
declared_classes(const char *declared)
{
	unsigned c = 0;

	if (declared == NULL)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(declared_words); i++)
		if (has_word(declared, declared_words[i].word,
		    declared_words[i].not_after))
			c |= declared_words[i].classes;
	return c;
}

static int
add_note(struct asy_wifi_judgement *j, enum asy_wifi_grade g, size_t bss,
    unsigned long frame, char *text)
{
	struct asy_wifi_note *n;

	if (text == NULL)
		return ASY_E_NOMEM;
	n = asy_array_add(&j->notes, &j->n_notes, &j->cap_notes, sizeof(*n));
	if (n == NULL) {
		free(text);
		return ASY_E_NOMEM;
	}
	n->grade = g;
	n->bss = bss;
	n->frame = frame;
	n->text = text;
	if (g > j->grade)
		j->grade = g;
	return 0;
}

/* The notes on one BSS. */
static int
judge_bss(const struct asy_wifi *w, size_t bi, const char *declared,
    struct asy_wifi_judgement *j)
{
	const struct asy_wifi_bss *b = &w->bss[bi];
	unsigned offered = b->pairwise | b->group, dc;
	int r = 0;

	for (size_t i = 0; i < ASY_ELEMENTSOF(sec_rules); i++) {
		if (sec_rules[i].sec != b->sec ||
		    (sec_rules[i].mfp != MFP_ANY &&
		    sec_rules[i].mfp != (int)b->mfp))
			continue;
		r = add_note(j, sec_rules[i].grade, bi, 0,
		    asy_strdup(sec_rules[i].text));
		break;
	}
	for (size_t i = 0; r == 0 && (b->rsn || b->wpa) &&
	    i < ASY_ELEMENTSOF(cipher_rules); i++)
		if (offered & cipher_rules[i].mask)
			r = add_note(j, ASY_WG_WEAK, bi, 0,
			    asy_strdup(cipher_rules[i].text));
	if (r == 0 && b->wps)
		r = add_note(j, ASY_WG_NOTED, bi, 0, asy_strdup("WPS is on: "
		    "its PIN method can be guessed"));
	if (r == 0 && b->hidden)
		r = add_note(j, ASY_WG_NOTED, bi, 0, asy_strdup("hidden SSID: "
		    "no protection, probe responses and associations tell "
		    "the name"));
	if (r == 0 && b->ssid_bad)
		r = add_note(j, ASY_WG_NOTED, bi, 0, asy_strdup("an SSID "
		    "longer than 32 bytes, which 802.11 does not allow"));
	if (r == 0 && b->bad_elements > 0)
		r = add_note(j, ASY_WG_NOTED, bi, 0, asy_strdup_printf("%lu "
		    "management frame%s with malformed elements (read up to "
		    "the fault)", b->bad_elements, b->bad_elements == 1 ? "" :
		    "s"));
	if (r == 0 && b->eapol > 0)
		r = add_note(j, ASY_WG_GOOD, bi, b->first_eapol,
		    asy_strdup_printf("%lu EAPOL frame%s (key handshake) from "
		    "frame %lu", b->eapol, b->eapol == 1 ? "" : "s",
		    b->first_eapol));
	if (r == 0 && b->data_clear + b->data_protected > 0)
		r = add_note(j, ASY_WG_GOOD, bi, 0, asy_strdup_printf("data "
		    "frames: %lu protected, %lu unprotected", b->data_protected,
		    b->data_clear));
	for (size_t i = 0; r == 0 && i < w->n_clear; i++) {
		const struct asy_clear_finding *f = &w->clear[i];

		if (w->clear_bss[i] != bi)
			continue;
		r = add_note(j, ASY_WG_WEAK, bi, f->frame, asy_strdup_printf(
		    "%s in clear over the air in frame %lu (%s %s -> %s): %s",
		    f->kind, f->frame, f->proto, f->src, f->dst, f->what));
	}
	dc = declared_classes(declared);
	if (r == 0 && dc != 0 && b->sec != ASY_WSEC_UNKNOWN &&
	    !(dc & SEC_BIT(b->sec))) {
		char *d = asy_printable(declared, strlen(declared), 96);

		r = add_note(j, ASY_WG_WEAK, bi, 0, d == NULL ? NULL :
		    asy_strdup_printf("the IXIT declares \"%s\" but the "
		    "network offers %s", d, asy_wifi_sec_name(b->sec)));
		free(d);
	}
	return r;
}

static int
bss_matches(const struct asy_wifi_bss *b, const struct asy_wifi_target *t,
    const unsigned char *mac)
{
	if (mac != NULL && memcmp(b->bssid, mac, 6) != 0)
		return 0;
	if (t->ssid != NULL && (b->ssid_raw == NULL ||
	    b->ssid_len != strlen(t->ssid) ||
	    memcmp(b->ssid_raw, t->ssid, b->ssid_len) != 0))
		return 0;
	return 1;
}

/* The one-sentence reason: the first note of the worst grade, with its
 * network, and how many more of that grade there are. */
static int
make_reason(const struct asy_wifi *w, struct asy_wifi_judgement *j)
{
	const struct asy_wifi_note *first = NULL;
	size_t more = 0;

	for (size_t i = 0; i < j->n_notes; i++) {
		if (j->notes[i].grade != j->grade)
			continue;
		if (first == NULL)
			first = &j->notes[i];
		else
			more++;
	}
	if (first == NULL)
		return 0;
	j->reason = asy_strdup_printf("\"%s\" (%s): %s%s",
	    w->bss[first->bss].ssid, w->bss[first->bss].bssid_text,
	    first->text, more == 0 ? "" : j->grade == ASY_WG_WEAK ?
	    "; and more weaknesses" : "");
	return j->reason == NULL ? ASY_E_NOMEM : 0;
}

int
asy_wifi_judge(const struct asy_wifi *w, const struct asy_wifi_target *t,
    struct asy_wifi_judgement *j)
{
	static const struct asy_wifi_target any = { NULL, NULL, NULL };
	unsigned char mac[6], *want = NULL;
	unsigned char *pick = NULL;
	int r = 0;

	memset(j, 0, sizeof(*j));
	if (t == NULL)
		t = &any;
	if (t->bssid != NULL) {
		if (parse_mac(t->bssid, mac) < 0)
			return ASY_E_USAGE;
		want = mac;
	}
	if (w->n_bss > 0) {
		pick = calloc(w->n_bss, 1);
		if (pick == NULL)
			return ASY_E_NOMEM;
	}
	for (size_t i = 0; i < w->n_bss; i++)
		if (bss_matches(&w->bss[i], t, want))
			pick[i] = 1;
	/* The other half of an OWE transition pair is judged with it. */
	for (size_t i = 0; i < w->n_bss; i++) {
		if (pick[i] != 1 || w->bss[i].owe_peer[0] == '\0')
			continue;
		for (size_t k = 0; k < w->n_bss; k++)
			if (!pick[k] && strcmp(w->bss[k].bssid_text,
			    w->bss[i].owe_peer) == 0)
				pick[k] = 2;
	}
	for (size_t i = 0; i < w->n_bss && r == 0; i++) {
		if (!pick[i])
			continue;
		j->n_matched++;
		r = judge_bss(w, i, t->declared, j);
	}
	free(pick);
	if (r == 0 && j->n_matched == 0) {
		j->grade = ASY_WG_UNKNOWN;
		if (t->ssid != NULL || t->bssid != NULL) {
			char *s = t->ssid != NULL ? asy_printable(t->ssid,
			    strlen(t->ssid), 96) : NULL;

			j->reason = asy_strdup_printf("the onboarding network "
			    "%s%s%s%s%s was not seen in the capture (%zu "
			    "network%s seen)", s != NULL ? "\"" : "",
			    s != NULL ? s : "", s != NULL ? "\"" : "",
			    s != NULL && t->bssid != NULL ? " " : "",
			    t->bssid != NULL ? t->bssid : "", w->n_bss,
			    w->n_bss == 1 ? "" : "s");
			free(s);
		} else {
			j->reason = asy_strdup("no Wi-Fi network was seen in "
			    "the capture");
		}
		if (j->reason == NULL)
			r = ASY_E_NOMEM;
	} else if (r == 0) {
		r = make_reason(w, j);
	}
	if (r < 0)
		asy_wifi_judgement_release(j);
	return r;
}

void
asy_wifi_judgement_release(struct asy_wifi_judgement *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n_notes; i++)
		free(j->notes[i].text);
	free(j->notes);
	free(j->reason);
	memset(j, 0, sizeof(*j));
}

/* ---- rendering ----------------------------------------------------------- */

static const char *
yesno(int v)
{
	return v ? "yes" : "no";
}

int
asy_wifi_render_text(struct asy_buf *b, const struct asy_wifi *w,
    const struct asy_wifi_judgement *j)
{
	char pw[64], gr[64], ak[64];
	int r;

	r = asy_buf_printf(b, "frames: %lu (%s), %lu undecoded, %lu with a "
	    "bad FCS\n", w->frames, asy_capture_linktype_name(w->linktype),
	    w->undecoded, w->bad_fcs);
	if (r == 0 && w->bss_over > 0)
		r = asy_buf_printf(b, "frames of networks over the table's "
		    "cap: %lu\n", w->bss_over);
	if (r == 0)
		r = asy_buf_printf(b, "networks: %zu\n", w->n_bss);
	for (size_t i = 0; i < w->n_bss && r == 0; i++) {
		const struct asy_wifi_bss *s = &w->bss[i];

		r = asy_buf_printf(b, "  %s \"%s\"%s ch %u: %s (AKM %s, "
		    "pairwise %s, group %s, MFP %s, WPS %s)\n"
		    "    beacons %lu, probe responses %lu, associations %lu, "
		    "data %lu protected / %lu unprotected, EAPOL %lu\n",
		    s->bssid_text, s->ssid, s->hidden ? " (hidden)" : "",
		    s->channel, asy_wifi_sec_name(s->sec),
		    asy_wifi_akms(s->akms, ak, sizeof(ak)),
		    asy_wifi_ciphers(s->pairwise, pw, sizeof(pw)),
		    asy_wifi_ciphers(s->group, gr, sizeof(gr)),
		    asy_wifi_mfp_name(s->mfp), yesno(s->wps), s->beacons,
		    s->probe_resps, s->assoc_reqs, s->data_protected,
		    s->data_clear, s->eapol);
	}
	if (r == 0)
		r = asy_buf_printf(b, "cleartext findings: %zu\n", w->n_clear);
	for (size_t i = 0; i < w->n_clear && r == 0; i++)
		r = asy_buf_printf(b, "  frame %lu: %s, %s %s -> %s: %s\n",
		    w->clear[i].frame, w->clear[i].kind, w->clear[i].proto,
		    w->clear[i].src, w->clear[i].dst, w->clear[i].what);
	if (r < 0 || j == NULL)
		return r;
	r = asy_buf_printf(b, "judgement: %s (%zu network%s judged)\n  %s\n",
	    asy_wifi_grade_name(j->grade), j->n_matched,
	    j->n_matched == 1 ? "" : "s", j->reason != NULL ? j->reason : "");
	for (size_t i = 0; i < j->n_notes && r == 0; i++)
		r = asy_buf_printf(b, "  - %s: %s: %s\n",
		    asy_wifi_grade_name(j->notes[i].grade),
		    w->bss[j->notes[i].bss].bssid_text, j->notes[i].text);
	return r;
}

static int
put_attr_ul(struct asy_buf *b, const char *name, unsigned long v)
{
	return asy_buf_printf(b, " %s=\"%lu\"", name, v);
}

int
asy_wifi_render_xml(struct asy_buf *b, const char *file,
    const struct asy_wifi *w, const struct asy_wifi_judgement *j)
{
	char pw[64], gr[64], ak[64];
	int r;

	r = asy_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<wifi-analysis");
	if (r == 0 && file != NULL)
		r = asy_buf_put_attr(b, "file", file);
	if (r == 0)
		r = asy_buf_put_attr(b, "linktype",
		    asy_capture_linktype_name(w->linktype));
	if (r == 0)
		r = put_attr_ul(b, "frames", w->frames);
	if (r == 0)
		r = put_attr_ul(b, "undecoded", w->undecoded);
	if (r == 0)
		r = put_attr_ul(b, "bad-fcs", w->bad_fcs);
	if (r == 0)
		r = asy_buf_puts(b, ">\n");
	for (size_t i = 0; i < w->n_bss && r == 0; i++) {
		const struct asy_wifi_bss *s = &w->bss[i];

		r = asy_buf_puts(b, "  <bss");
		if (r == 0)
			r = asy_buf_put_attr(b, "bssid", s->bssid_text);
		if (r == 0)
			r = asy_buf_put_attr(b, "ssid", s->ssid);
		if (r == 0)
			r = asy_buf_put_attr(b, "hidden", yesno(s->hidden));
		if (r == 0)
			r = put_attr_ul(b, "channel", s->channel);
		if (r == 0)
			r = asy_buf_put_attr(b, "security",
			    asy_wifi_sec_name(s->sec));
		if (r == 0)
			r = asy_buf_put_attr(b, "akm", asy_wifi_akms(s->akms,
			    ak, sizeof(ak)));
		if (r == 0)
			r = asy_buf_put_attr(b, "pairwise",
			    asy_wifi_ciphers(s->pairwise, pw, sizeof(pw)));
		if (r == 0)
			r = asy_buf_put_attr(b, "group",
			    asy_wifi_ciphers(s->group, gr, sizeof(gr)));
		if (r == 0)
			r = asy_buf_put_attr(b, "mfp",
			    asy_wifi_mfp_name(s->mfp));
		if (r == 0)
			r = asy_buf_put_attr(b, "wps", yesno(s->wps));
		if (r == 0)
			r = put_attr_ul(b, "beacons", s->beacons);
		if (r == 0)
			r = put_attr_ul(b, "probe-responses", s->probe_resps);
		if (r == 0)
			r = put_attr_ul(b, "data-protected", s->data_protected);
		if (r == 0)
			r = put_attr_ul(b, "data-unprotected", s->data_clear);
		if (r == 0)
			r = put_attr_ul(b, "eapol", s->eapol);
		if (r == 0)
			r = asy_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < w->n_clear && r == 0; i++) {
		const struct asy_clear_finding *f = &w->clear[i];
		size_t bi = w->clear_bss[i];

		r = put_attr_ul(b, "  <finding frame", f->frame);
		if (r == 0 && bi < w->n_bss)
			r = asy_buf_put_attr(b, "bssid", w->bss[bi].bssid_text);
		if (r == 0)
			r = asy_buf_put_attr(b, "kind", f->kind);
		if (r == 0)
			r = asy_buf_put_attr(b, "proto", f->proto);
		if (r == 0)
			r = asy_buf_put_attr(b, "src", f->src);
		if (r == 0)
			r = asy_buf_put_attr(b, "dst", f->dst);
		if (r == 0)
			r = asy_buf_puts(b, ">");
		if (r == 0)
			r = asy_buf_put_xml(b, f->what);
		if (r == 0)
			r = asy_buf_puts(b, "</finding>\n");
	}
	if (r == 0 && j != NULL) {
		r = asy_buf_puts(b, "  <judgement");
		if (r == 0)
			r = asy_buf_put_attr(b, "grade",
			    asy_wifi_grade_name(j->grade));
		if (r == 0)
			r = put_attr_ul(b, "networks", j->n_matched);
		if (r == 0)
			r = asy_buf_puts(b, ">\n    <reason>");
		if (r == 0)
			r = asy_buf_put_xml(b, j->reason != NULL ? j->reason :
			    "");
		if (r == 0)
			r = asy_buf_puts(b, "</reason>\n");
		for (size_t i = 0; i < j->n_notes && r == 0; i++) {
			r = asy_buf_puts(b, "    <note");
			if (r == 0)
				r = asy_buf_put_attr(b, "grade",
				    asy_wifi_grade_name(j->notes[i].grade));
			if (r == 0)
				r = asy_buf_put_attr(b, "bssid",
				    w->bss[j->notes[i].bss].bssid_text);
			if (r == 0 && j->notes[i].frame > 0)
				r = put_attr_ul(b, "frame", j->notes[i].frame);
			if (r == 0)
				r = asy_buf_puts(b, ">");
			if (r == 0)
				r = asy_buf_put_xml(b, j->notes[i].text);
			if (r == 0)
				r = asy_buf_puts(b, "</note>\n");
		}
		if (r == 0)
			r = asy_buf_puts(b, "  </judgement>\n");
	}
	if (r == 0)
		r = asy_buf_puts(b, "</wifi-analysis>\n");
	return r;
}
