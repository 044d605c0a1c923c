/*
 * Wi-Fi onboarding analysis (harness/wifi.c).
 *
 * Known answers: every capture of tests/data/wifi/ (written by gen-wifi.c,
 * which says what each holds) against a table of its networks (BSSID,
 * SSID, hidden, channel, security, MFP, ciphers, WPS, counters), its
 * cleartext findings by frame and the judgement (grade, networks judged,
 * words of the reason).  Secrets sent in the clear never appear in any
 * rendering.
 *
 * Radiotap: a table of headers (alignment after one and three presence
 * words, a field cut by the header's end, presence words without end, a
 * vendor namespace skipped whole, TLVs, FCS and bad-FCS flags, XChannel).
 *
 * Judgement: declared security against observed, a target that is not in
 * the capture (inconclusive, never a weakness), a bad BSSID.  Form and
 * JSON fields through pcapscan's IP entry point, a table of payloads.
 * Hostile input: random frames and bit-flipped copies of the captures
 * (no crash, every cap kept), 300 networks against the table's cap,
 * files that are not pcaps or not 802.11.  Live: a monitor-mode open on
 * an interface that does not exist and on one that is not 802.11 (root
 * only).
 */
#include <check.h>

#include <stdint.h>

#include "capture.h"
#include "pcapscan.h"
#include "ut.h"
#include "wifi.h"

/* ---- known answers ------------------------------------------------------- */

struct want_bss {
	const char	*bssid;
	const char	*ssid;		/* printable form */
	int		 hidden;
	unsigned	 channel;
	enum asy_wifi_sec sec;
	enum asy_wifi_mfp mfp;
	const char	*pairwise, *group;
	int		 wps;
	unsigned long	 beacons, data_protected, data_clear, eapol;
};

struct want {
	const char	*file;
	const char	*ssid;		/* the target, or NULL: all */
	unsigned long	 frames, undecoded, bad_fcs;
	size_t		 n_bss;
	struct want_bss	 bss[3];
	/* "FRAME kind: words of what", in order */
	const char	*findings[5];
	enum asy_wifi_grade grade;
	size_t		 matched;
	const char	*reason;	/* words the reason holds */
};

static const struct want wants[] = {
	{ "open", "assay-open", 3, 0, 0, 1,
	  { { "02:00:00:00:01:00", "assay-open", 0, 6, ASY_WSEC_OPEN,
	      ASY_MFP_NONE, "none", "none", 0, 1, 0, 1, 0 } },
	  { NULL }, ASY_WG_WEAK, 1, "open network without OWE" },
	{ "open-provisioning", "Cam-Setup-1234", 7, 0, 0, 1,
	  { { "02:00:00:00:02:00", "Cam-Setup-1234", 0, 11, ASY_WSEC_OPEN,
	      ASY_MFP_NONE, "none", "none", 0, 1, 0, 5, 0 } },
	  { "4 credentials: Wi-Fi passphrase in form field \"psk\"",
	    "6 credentials: password in JSON field \"password\"",
	    "6 personal data: e-mail address owner@example.com",
	    "7 credentials: Wi-Fi key in JSON field \"wifi_key\"", NULL },
	  ASY_WG_WEAK, 1, "open network without OWE" },
	{ "wep", NULL, 2, 0, 0, 1,
	  { { "02:00:00:00:03:00", "assay-wep", 0, 1, ASY_WSEC_WEP,
	      ASY_MFP_NONE, "none", "none", 0, 1, 1, 0, 0 } },
	  { NULL }, ASY_WG_WEAK, 1, "WEP: broken" },
	{ "wpa1-tkip", "assay-wpa1", 1, 0, 0, 1,
	  { { "02:00:00:00:04:00", "assay-wpa1", 0, 1, ASY_WSEC_WPA1,
	      ASY_MFP_NONE, "TKIP", "TKIP", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_WEAK, 1, "WPA (version 1)" },
	{ "wpa2-psk", "assay-wpa2", 7, 0, 0, 1,
	  { { "02:00:00:00:05:00", "assay-wpa2", 0, 6, ASY_WSEC_WPA2_PSK,
	      ASY_MFP_NONE, "CCMP", "CCMP", 0, 1, 2, 0, 4 } },
	  { NULL }, ASY_WG_NOTED, 1,
	  "WPA2-PSK without management frame protection required" },
	{ "wpa2-psk-mfpc", "assay-wpa2-mfpc", 1, 0, 0, 1,
	  { { "02:00:00:00:06:00", "assay-wpa2-mfpc", 0, 6,
	      ASY_WSEC_WPA2_PSK, ASY_MFP_CAPABLE, "CCMP", "CCMP", 1, 1, 0, 0,
	      0 } },
	  { NULL }, ASY_WG_NOTED, 1, "WPA2-PSK" },
	{ "wpa3-sae", "assay-wpa3", 2, 0, 0, 1,
	  { { "02:00:00:00:07:00", "assay-wpa3", 0, 36, ASY_WSEC_WPA3_SAE,
	      ASY_MFP_REQUIRED, "CCMP", "CCMP", 0, 1, 1, 0, 0 } },
	  { NULL }, ASY_WG_GOOD, 1,
	  "WPA3-SAE with management frame protection required" },
	{ "wpa2-wpa3", "assay-wpa2-wpa3", 1, 0, 0, 1,
	  { { "02:00:00:00:08:00", "assay-wpa2-wpa3", 0, 1,
	      ASY_WSEC_WPA2_WPA3, ASY_MFP_CAPABLE, "CCMP", "CCMP", 0, 1, 0, 0,
	      0 } },
	  { NULL }, ASY_WG_NOTED, 1, "WPA2/WPA3 transition mode" },
	{ "owe", "assay-owe", 1, 0, 0, 1,
	  { { "02:00:00:00:09:00", "assay-owe", 0, 11, ASY_WSEC_OWE,
	      ASY_MFP_REQUIRED, "CCMP", "CCMP", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_GOOD, 1, "OWE (Enhanced Open)" },
	{ "owe-transition", "assay-owe-tr", 2, 0, 0, 2,
	  { { "02:00:00:00:0a:00", "assay-owe-tr", 0, 1,
	      ASY_WSEC_OWE_TRANSITION, ASY_MFP_NONE, "none", "none", 0, 1, 0,
	      0, 0 },
	    { "02:00:00:00:0a:01", "", 1, 1, ASY_WSEC_OWE, ASY_MFP_REQUIRED,
	      "CCMP", "CCMP", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_NOTED, 2, "OWE transition mode" },
	{ "hidden", "assay-hidden", 2, 0, 0, 1,
	  { { "02:00:00:00:0b:00", "assay-hidden", 1, 6, ASY_WSEC_WPA2_PSK,
	      ASY_MFP_CAPABLE, "CCMP", "CCMP", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_NOTED, 1, "WPA2-PSK" },
	{ "hostile-radiotap", NULL, 9, 6, 1, 1,
	  { { "02:00:00:00:0c:00", "assay-survivor", 0, 1, ASY_WSEC_OPEN,
	      ASY_MFP_NONE, "none", "none", 0, 2, 0, 0, 0 } },
	  { NULL }, ASY_WG_WEAK, 1, "open network" },
	{ "hostile-ies", NULL, 5, 1, 0, 3,
	  { { "02:00:00:00:0d:01", "assay-ies", 0, 1, ASY_WSEC_UNKNOWN,
	      ASY_MFP_NONE, "none", "none", 0, 2, 0, 0, 0 },
	    { "02:00:00:00:0d:02", "assay-ies-count", 0, 1,
	      ASY_WSEC_UNKNOWN, ASY_MFP_NONE, "none", "none", 0, 1, 0, 0, 0 },
	    { "02:00:00:00:0d:03", "assay-ok", 0, 1, ASY_WSEC_WPA2_PSK,
	      ASY_MFP_NONE, "CCMP", "CCMP", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_UNKNOWN, 3, "security not known" },
	{ "hostile-ssid", NULL, 1, 0, 0, 1,
	  { { "02:00:00:00:0e:00", "<script>alert(\\x22x\\x22)</script>"
	      "&amp;\\x01\\x1bAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...", 0, 1, ASY_WSEC_OPEN,
	      ASY_MFP_NONE, "none", "none", 0, 1, 0, 0, 0 } },
	  { NULL }, ASY_WG_WEAK, 1, "open network" },
};

/* The secrets the provisioning capture sends. */
static const char *const secrets[] = {
	"correct-horse-battery", "s3cret-pass", "abc12345",
};

static char *
capture_path(const char *name)
{
	char *rel = asy_strdup_printf("tests/data/wifi/%s.pcap", name);
	char *p;

	ck_assert_ptr_nonnull(rel);
	p = ut_src(rel);
	free(rel);
	return p;
}

static struct asy_wifi *
analyse(const char *name)
{
	struct asy_wifi_opts o = { .emails = 1 };
	struct asy_wifi *w = NULL;
	char why[512] = "", *path = capture_path(name);
	int r;

	r = asy_wifi_analyse(path, &o, &w, why, sizeof(why));
	ck_assert_msg(r == 0, "%s: %s (%s)", name, asy_strerror(r), why);
	free(path);
	return w;
}

static const struct asy_wifi_bss *
find_bss(const struct asy_wifi *w, const char *bssid)
{
	for (size_t i = 0; i < w->n_bss; i++)
		if (strcmp(w->bss[i].bssid_text, bssid) == 0)
			return &w->bss[i];
	return NULL;
}

START_TEST(test_known)
{
	const struct want *c = &wants[_i];
	const struct asy_wifi_target t = { c->ssid, NULL, NULL };
	struct asy_wifi_judgement j;
	struct asy_wifi *w = analyse(c->file);
	struct asy_buf text, xml;
	char pw[64], gr[64];
	size_t nf = 0;

	ck_assert_uint_eq(w->linktype, strcmp(c->file, "hidden") == 0 ?
	    105 : 127);
	ck_assert_uint_eq(w->frames, c->frames);
	ck_assert_uint_eq(w->undecoded, c->undecoded);
	ck_assert_uint_eq(w->bad_fcs, c->bad_fcs);
	ck_assert_uint_eq(w->n_bss, c->n_bss);
	for (size_t i = 0; i < c->n_bss; i++) {
		const struct want_bss *e = &c->bss[i];
		const struct asy_wifi_bss *b = find_bss(w, e->bssid);

		ck_assert_msg(b != NULL, "%s: no BSS %s", c->file, e->bssid);
		ck_assert_str_eq(b->ssid, e->ssid);
		ck_assert_int_eq(b->hidden, e->hidden);
		ck_assert_uint_eq(b->channel, e->channel);
		ck_assert_msg(b->sec == e->sec, "%s %s: %s, want %s", c->file,
		    e->bssid, asy_wifi_sec_name(b->sec),
		    asy_wifi_sec_name(e->sec));
		ck_assert_str_eq(asy_wifi_mfp_name(b->mfp),
		    asy_wifi_mfp_name(e->mfp));
		ck_assert_str_eq(asy_wifi_ciphers(b->pairwise, pw, sizeof(pw)),
		    e->pairwise);
		ck_assert_str_eq(asy_wifi_ciphers(b->group, gr, sizeof(gr)),
		    e->group);
		ck_assert_int_eq(b->wps, e->wps);
		ck_assert_uint_eq(b->beacons, e->beacons);
		ck_assert_uint_eq(b->data_protected, e->data_protected);
		ck_assert_uint_eq(b->data_clear, e->data_clear);
		ck_assert_uint_eq(b->eapol, e->eapol);
	}
	for (; nf < ASY_ELEMENTSOF(c->findings) && c->findings[nf] != NULL;
	    nf++) {
		const struct asy_clear_finding *f = &w->clear[nf];
		char *got;

		ck_assert_uint_lt(nf, w->n_clear);
		got = asy_strdup_printf("%lu %s: %s", f->frame, f->kind,
		    f->what);
		ck_assert_msg(strncmp(got, c->findings[nf],
		    strlen(c->findings[nf])) == 0, "%s: finding %zu is '%s', "
		    "want '%s'", c->file, nf, got, c->findings[nf]);
		ck_assert_uint_eq(w->clear_bss[nf], 0);
		free(got);
	}
	ck_assert_uint_eq(w->n_clear, nf);
	ck_assert_int_eq(asy_wifi_judge(w, &t, &j), 0);
	ck_assert_msg(j.grade == c->grade, "%s: %s, want %s (%s)", c->file,
	    asy_wifi_grade_name(j.grade), asy_wifi_grade_name(c->grade),
	    j.reason);
	ck_assert_uint_eq(j.n_matched, c->matched);
	ck_assert_msg(strstr(j.reason, c->reason) != NULL, "%s: reason '%s'",
	    c->file, j.reason);
	/* Each cleartext finding is a weakness naming its frame. */
	for (size_t i = 0; i < nf; i++) {
		int named = 0;

		for (size_t k = 0; k < j.n_notes; k++)
			named |= j.notes[k].grade == ASY_WG_WEAK &&
			    j.notes[k].frame == w->clear[i].frame;
		ck_assert_msg(named, "%s: frame %lu not judged", c->file,
		    w->clear[i].frame);
	}
	asy_buf_init(&text, (size_t)1 << 20);
	asy_buf_init(&xml, (size_t)1 << 20);
	ck_assert_int_eq(asy_wifi_render_text(&text, w, &j), 0);
	ck_assert_int_eq(asy_wifi_render_xml(&xml, c->file, w, &j), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(secrets); i++) {
		ck_assert_ptr_null(strstr(text.data, secrets[i]));
		ck_assert_ptr_null(strstr(xml.data, secrets[i]));
	}
	/* Nothing from the air reaches the XML unescaped. */
	ck_assert_ptr_null(strstr(xml.data, "<script"));
	ck_assert_ptr_null(strstr(xml.data, "\x1b"));
	asy_buf_release(&text);
	asy_buf_release(&xml);
	asy_wifi_judgement_release(&j);
	asy_wifi_free(w);
}
END_TEST

/* ---- radiotap ------------------------------------------------------------ */

struct rt_case {
	const char	*name;
	const unsigned char *p;
	size_t		 len;
	int		 ok;
	size_t		 it_len;
	unsigned	 freq;
	int		 signal;	/* 0: none */
	int		 fcs, bad_fcs, datapad, stopped;
};

/* Flags (FCS), Channel 2437 after a pad byte, signal -42. */
static const unsigned char rt_plain[] = { 0, 0, 15, 0, 0x2a, 0, 0, 0,
    0x10, 0, 0x85, 0x09, 0xa0, 0x00, 0xd6 };
/* TSFT after three presence words (8-aligned at 16), then Flags, Rate,
 * Channel 5180, signal -50; per-antenna signals in later namespaces are
 * not taken. */
static const unsigned char rt_three[] = { 0, 0, 38, 0,
    0x2f, 0x40, 0x00, 0xa0, 0x20, 0x08, 0x00, 0xa0, 0x20, 0x08, 0x00, 0x00,
    1, 2, 3, 4, 5, 6, 7, 8, 0x00, 12, 0x3c, 0x14, 0x40, 0x01, 0xce, 0,
    0, 0, 0xc9, 0, 0xd0, 1 };
/* TSFT with only one presence word: it is 8-aligned at 8. */
static const unsigned char rt_tsft[] = { 0, 0, 17, 0, 0x03, 0, 0, 0,
    1, 2, 3, 4, 5, 6, 7, 8, 0x70 };
/* XChannel (4-aligned after Flags at 8: at 12), frequency 5745. */
static const unsigned char rt_xchan[] = { 0, 0, 20, 0, 0x02, 0, 0x04, 0,
    0x20, 0, 0, 0, 0, 0, 0, 0, 0x71, 0x16, 149, 20 };
/* A field that runs past it_len. */
static const unsigned char rt_cut[] = { 0, 0, 12, 0, 0x09, 0, 0, 0,
    0x10, 0, 0x85, 0x09 };
/* Presence words that never end. */
static const unsigned char rt_noend[] = { 0, 0, 12, 0, 0, 0, 0, 0x80,
    0, 0, 0, 0x80 };
/* it_len over the captured bytes, and under 8. */
static const unsigned char rt_long[] = { 0, 0, 64, 0, 0, 0, 0, 0 };
static const unsigned char rt_short[] = { 0, 0, 4, 0, 0, 0, 0, 0 };
static const unsigned char rt_v1[] = { 1, 0, 8, 0, 0, 0, 0, 0 };
/* Vendor namespace: Flags at 16, the vendor header at 18 (2-aligned)
 * with 3 bytes of data skipped whole (its word's bits are the vendor's),
 * back to radiotap: antenna noise at 27.  Cut at 27, the noise is past
 * the header, which only a walk that skipped the vendor data sees. */
static const unsigned char rt_vendor[] = { 0, 0, 28, 0,
    0x02, 0, 0, 0xc0, 0xff, 0xff, 0xff, 0xa0, 0x40, 0, 0, 0,
    0x00, 0x00, 0x00, 0x11, 0x22, 0x01, 0x03, 0x00, 0xaa, 0xbb, 0xcc,
    0xd5 };
static const unsigned char rt_vendor_cut[] = { 0, 0, 27, 0,
    0x02, 0, 0, 0xc0, 0xff, 0xff, 0xff, 0xa0, 0x40, 0, 0, 0,
    0x00, 0x00, 0x00, 0x11, 0x22, 0x01, 0x03, 0x00, 0xaa, 0xbb, 0xcc };
/* Flags, then bit 28 (TLVs follow): the walk stops, header stands. */
static const unsigned char rt_tlv[] = { 0, 0, 16, 0, 0x02, 0, 0, 0x10,
    0x40, 0, 0, 0, 1, 0, 4, 0 };
/* A vendor namespace whose data runs past it_len. */
static const unsigned char rt_vendor_long[] = { 0, 0, 16, 0,
    0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0x01, 0xff, 0x00 };

static const struct rt_case rt_cases[] = {
	{ "plain", rt_plain, sizeof(rt_plain), 1, 15, 2437, -42, 1, 0, 0,
	  0 },
	{ "three words", rt_three, sizeof(rt_three), 1, 38, 5180, -50, 0, 0,
	  0, 0 },
	{ "tsft", rt_tsft, sizeof(rt_tsft), 1, 17, 0, 0, 1, 1, 1, 0 },
	{ "xchannel", rt_xchan, sizeof(rt_xchan), 1, 20, 5745, 0, 0, 0, 1,
	  0 },
	{ "field cut", rt_cut, sizeof(rt_cut), 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "no end", rt_noend, sizeof(rt_noend), 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "too long", rt_long, sizeof(rt_long), 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "too short", rt_short, sizeof(rt_short), 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "version 1", rt_v1, sizeof(rt_v1), 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "four bytes", rt_plain, 4, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "vendor", rt_vendor, sizeof(rt_vendor), 1, 28, 0, 0, 0, 0, 0, 0 },
	{ "vendor cut", rt_vendor_cut, sizeof(rt_vendor_cut), 0, 0, 0, 0, 0,
	  0, 0, 0 },
	{ "tlv", rt_tlv, sizeof(rt_tlv), 1, 16, 0, 0, 0, 1, 0, 1 },
	{ "vendor past", rt_vendor_long, sizeof(rt_vendor_long), 0, 0, 0, 0,
	  0, 0, 0, 0 },
};

START_TEST(test_radiotap)
{
	const struct rt_case *c = &rt_cases[_i];
	struct asy_radiotap rt;
	char why[128] = "";
	int r;

	r = asy_radiotap_parse(c->p, c->len, &rt, why, sizeof(why));
	if (!c->ok) {
		ck_assert_msg(r == ASY_E_INPUT, "%s: accepted", c->name);
		ck_assert_msg(why[0] != '\0', "%s: no reason", c->name);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", c->name, why);
	ck_assert_uint_eq(rt.len, c->it_len);
	ck_assert_uint_eq(rt.freq, c->freq);
	ck_assert_int_eq(rt.have_signal, c->signal != 0);
	if (c->signal != 0)
		ck_assert_int_eq(rt.signal, c->signal);
	ck_assert_int_eq(rt.fcs, c->fcs);
	ck_assert_int_eq(rt.bad_fcs, c->bad_fcs);
	ck_assert_int_eq(rt.datapad, c->datapad);
	ck_assert_int_eq(rt.stopped, c->stopped);
}
END_TEST

START_TEST(test_freq)
{
	static const unsigned f[][2] = { { 2412, 1 }, { 2437, 6 },
	    { 2472, 13 }, { 2484, 14 }, { 5180, 36 }, { 5825, 165 },
	    { 5955, 1 }, { 6415, 93 }, { 2400, 0 }, { 0, 0 }, { 5181, 0 } };

	for (size_t i = 0; i < ASY_ELEMENTSOF(f); i++)
		ck_assert_uint_eq(asy_wifi_freq_channel(f[i][0]), f[i][1]);
}
END_TEST

/* ---- the judgement ------------------------------------------------------- */

static const struct {
	const char	*file, *ssid, *bssid, *declared;
	enum asy_wifi_grade grade;
	const char	*note;		/* a note that must be there, or NULL */
} judged[] = {
	{ "wpa2-psk", "assay-wpa2", NULL, "WPA3-SAE only", ASY_WG_WEAK,
	  "the IXIT declares \"WPA3-SAE only\" but the network offers "
	  "WPA2-PSK" },
	{ "wpa2-psk", NULL, "02:00:00:00:05:00", "WPA2-Personal",
	  ASY_WG_NOTED, NULL },
	{ "owe", "assay-owe", NULL, "Enhanced Open (OWE)", ASY_WG_GOOD, NULL },
	{ "open", "assay-open", NULL, "Enhanced Open", ASY_WG_WEAK,
	  "the IXIT declares \"Enhanced Open\" but the network offers open" },
	{ "open", "assay-open", NULL, "an open network for setup",
	  ASY_WG_WEAK, "open network without OWE" },
	{ "wpa3-sae", "assay-wpa3", NULL, "WPA3", ASY_WG_GOOD, NULL },
	{ "wpa2-wpa3", NULL, "02-00-00-00-08-00", "WPA3 (SAE)", ASY_WG_NOTED,
	  NULL },
	{ "wpa2-psk", "no-such-network", NULL, NULL, ASY_WG_UNKNOWN,
	  NULL },
	{ "wpa2-psk", NULL, "02:00:00:00:99:99", NULL, ASY_WG_UNKNOWN,
	  NULL },
	{ "owe-transition", NULL, "02:00:00:00:0a:01", NULL, ASY_WG_NOTED,
	  "hidden SSID" },
	{ "wpa2-psk-mfpc", "assay-wpa2-mfpc", NULL, NULL, ASY_WG_NOTED,
	  "WPS is on" },
	{ "wpa1-tkip", "assay-wpa1", NULL, NULL, ASY_WG_WEAK,
	  "TKIP offered as a cipher" },
	{ "hostile-ssid", NULL, NULL, NULL, ASY_WG_WEAK,
	  "longer than 32 bytes" },
	{ "wpa2-psk", NULL, NULL, NULL, ASY_WG_NOTED,
	  "4 EAPOL frames (key handshake) from frame 2" },
};

START_TEST(test_judge)
{
	const struct asy_wifi_target t = { judged[_i].ssid, judged[_i].bssid,
	    judged[_i].declared };
	struct asy_wifi *w = analyse(judged[_i].file);
	struct asy_wifi_judgement j;
	int have = judged[_i].note == NULL;

	ck_assert_int_eq(asy_wifi_judge(w, &t, &j), 0);
	ck_assert_msg(j.grade == judged[_i].grade, "case %d: %s (%s)", _i,
	    asy_wifi_grade_name(j.grade), j.reason);
	for (size_t k = 0; k < j.n_notes; k++)
		if (judged[_i].note != NULL &&
		    strstr(j.notes[k].text, judged[_i].note) != NULL)
			have = 1;
	ck_assert_msg(have, "case %d: no note '%s'", _i, judged[_i].note);
	if (j.grade == ASY_WG_UNKNOWN) {
		ck_assert_uint_eq(j.n_matched, 0);
		ck_assert_ptr_nonnull(strstr(j.reason, "was not seen in the "
		    "capture (1 network seen)"));
	}
	asy_wifi_judgement_release(&j);
	asy_wifi_free(w);
}
END_TEST

START_TEST(test_judge_bad_bssid)
{
	static const char *const bad[] = { "02:00:00:00:05",
	    "zz:00:00:00:05:00", "02:00:00:00:05:000", "",
	    "02:00:00:00:05:0g" };
	struct asy_wifi *w = analyse("wpa2-psk");
	struct asy_wifi_judgement j;

	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++) {
		const struct asy_wifi_target t = { NULL, bad[i], NULL };

		ck_assert_int_eq(asy_wifi_judge(w, &t, &j), ASY_E_USAGE);
	}
	asy_wifi_free(w);
}
END_TEST

START_TEST(test_no_network)
{
	struct asy_wifi *w = NULL;
	struct asy_wifi_judgement j;

	ck_assert_int_eq(asy_wifi_new(NULL, &w), 0);
	ck_assert_int_eq(asy_wifi_end(w), 0);
	ck_assert_int_eq(asy_wifi_judge(w, NULL, &j), 0);
	ck_assert_int_eq(j.grade, ASY_WG_UNKNOWN);
	ck_assert_str_eq(j.reason, "no Wi-Fi network was seen in the capture");
	asy_wifi_judgement_release(&j);
	asy_wifi_free(w);
}
END_TEST

/* ---- form and JSON fields (pcapscan) ------------------------------------- */

static const struct {
	const char	*payload;
	const char	*what;		/* NULL: no finding */
} fields[] = {
	{ "ssid=Home&psk=secret1", "Wi-Fi passphrase in form field \"psk\"" },
	{ "GET /set?user=a&PassWord=x HTTP/1.1",
	  "password in form field \"password\"" },
	{ "{\"psk\":\"x\"}", "Wi-Fi passphrase in JSON field \"psk\"" },
	{ "{ \"passphrase\" :\n \"long one\" }",
	  "passphrase in JSON field \"passphrase\"" },
	{ "{\"pin\":1,\"pwd\":12345678}", "password in JSON field \"pwd\"" },
	{ "{\"password\":\"\"}", NULL },
	{ "{\"password\": null}", NULL },
	{ "password=&x=1", NULL },
	{ "xpassword=1", NULL },
	{ "mypsk=1", NULL },
	{ "\"password_hint\":\"dog\"", NULL },
	{ "password", NULL },
	{ "{\"password\"", NULL },
	{ "psk=", NULL },
};

/* An IPv4/UDP packet 10.0.0.2:40000 -> 10.0.0.1:5000 with payload. */
static size_t
udp_packet(unsigned char *p, size_t cap, const char *payload)
{
	size_t n = strlen(payload), tot = 28 + n;

	ck_assert_uint_le(tot, cap);
	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (unsigned char)(tot >> 8);
	p[3] = (unsigned char)tot;
	p[8] = 64;
	p[9] = 17;
	p[12] = 10, p[15] = 2;
	p[16] = 10, p[19] = 1;
	p[20] = 40000 >> 8, p[21] = 40000 & 0xff;
	p[22] = 5000 >> 8, p[23] = 5000 & 0xff;
	p[24] = (unsigned char)((8 + n) >> 8);
	p[25] = (unsigned char)(8 + n);
	memcpy(p + 28, payload, n);
	return tot;
}

START_TEST(test_fields)
{
	const struct asy_clear_opts on = { .fields = 1 }, off = { 0 };
	struct asy_clear_finding *f = NULL;
	struct asy_clear_scan *sc = NULL;
	unsigned char pkt[256];
	size_t n = 0, len = udp_packet(pkt, sizeof(pkt), fields[_i].payload);

	ck_assert_int_eq(asy_clear_scan_new(&off, &sc), 0);
	ck_assert_int_eq(asy_clear_scan_ip(sc, 1, pkt, len), 0);
	ck_assert_uint_eq(asy_clear_scan_count(sc), 0);
	asy_clear_scan_free(sc);
	ck_assert_int_eq(asy_clear_scan_new(&on, &sc), 0);
	ck_assert_int_eq(asy_clear_scan_ip(sc, 7, pkt, len), 0);
	/* Cut anywhere: never read past the end. */
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(asy_clear_scan_ip(sc, 8, pkt, cut), 0);
	ck_assert_int_eq(asy_clear_scan_take(sc, &f, &n), 0);
	ck_assert_uint_eq(asy_clear_scan_count(sc), 0);
	if (fields[_i].what == NULL) {
		ck_assert_msg(n == 0, "'%s' gave '%s'", fields[_i].payload,
		    f[0].what);
	} else {
		ck_assert_uint_eq(n, 1);
		ck_assert_uint_eq(f[0].frame, 7);
		ck_assert_str_eq(f[0].kind, "credentials");
		ck_assert_str_eq(f[0].src, "10.0.0.2:40000");
		ck_assert_msg(strncmp(f[0].what, fields[_i].what,
		    strlen(fields[_i].what)) == 0, "'%s'", f[0].what);
		ck_assert_ptr_nonnull(strstr(f[0].what, "(value not shown)"));
	}
	asy_clear_findings_free(f, n);
	asy_clear_scan_free(sc);
}
END_TEST

/* ---- hostile input ------------------------------------------------------- */

static uint32_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
check_caps(const struct asy_wifi *w, size_t max_bss, size_t max_findings)
{
	struct asy_wifi_judgement j;
	struct asy_buf b;

	ck_assert_uint_le(w->n_bss, max_bss);
	ck_assert_uint_le(w->n_clear, max_findings);
	for (size_t i = 0; i < w->n_bss; i++) {
		ck_assert_uint_le(strlen(w->bss[i].ssid), 128);
		ck_assert_uint_le(w->bss[i].ssid_len, 255);
	}
	ck_assert_int_eq(asy_wifi_judge(w, NULL, &j), 0);
	asy_buf_init(&b, (size_t)8 << 20);
	ck_assert_int_eq(asy_wifi_render_xml(&b, "x", w, &j), 0);
	ck_assert_int_eq(asy_wifi_render_text(&b, w, &j), 0);
	asy_buf_release(&b);
	asy_wifi_judgement_release(&j);
}

/* Random frames: a radiotap header that is often valid, then an 802.11
 * frame that often starts as a real one. */
START_TEST(test_random)
{
	struct asy_wifi_opts o = { .max_bss = 32, .max_findings = 10,
	    .emails = 1 };
	struct asy_wifi *w = NULL;
	unsigned char d[512];

	rng_state = 0x9e3779b9u + (uint32_t)_i;
	ck_assert_int_eq(asy_wifi_new(&o, &w), 0);
	for (unsigned long no = 1; no <= 20000; no++) {
		struct asy_frame f = { .no = no, .data = d,
		    .linktype = _i % 2 ? 105 : 127 };
		size_t len = rng() % sizeof(d), off = 0;

		for (size_t i = 0; i < len; i++)
			d[i] = (unsigned char)rng();
		if (f.linktype == 127 && len >= 8 && rng() % 4 != 0) {
			d[0] = 0;
			d[2] = (unsigned char)(8 + rng() % 24);
			d[3] = 0;
			off = d[2];
		}
		if (off + 1 < len && rng() % 2)
			d[off] = (unsigned char)((rng() % 2 ? 0x80 : 0x08) |
			    (rng() % 3 == 0 ? 0x50 : 0));
		f.caplen = f.len = len;
		ck_assert_int_eq(asy_wifi_feed(w, &f), 0);
	}
	ck_assert_int_eq(asy_wifi_end(w), 0);
	ck_assert_uint_eq(w->frames, 20000);
	check_caps(w, 32, 10);
	asy_wifi_free(w);
}
END_TEST

static int
feed_flipped(const struct asy_frame *f, void *ctx)
{
	unsigned char d[65536];
	struct asy_frame g = *f;

	ck_assert_uint_le(f->caplen, sizeof(d));
	memcpy(d, f->data, f->caplen);
	for (int k = 0; k < 3 && f->caplen > 0; k++)
		d[rng() % f->caplen] ^= (unsigned char)(1u << (rng() % 8));
	g.data = d;
	if (f->caplen > 0 && rng() % 4 == 0)
		g.caplen = rng() % f->caplen;
	ck_assert_int_eq(asy_wifi_feed(ctx, &g), 0);
	return 0;
}

/* Every committed capture, 200 times with three bits flipped a frame. */
START_TEST(test_flipped)
{
	struct asy_wifi_opts o = { .emails = 1 };
	char eb[256];

	rng_state = 12345;
	for (size_t i = 0; i < ASY_ELEMENTSOF(wants); i++) {
		char *path = capture_path(wants[i].file);

		for (int round = 0; round < 200; round++) {
			struct asy_wifi *w = NULL;

			ck_assert_int_eq(asy_wifi_new(&o, &w), 0);
			ck_assert_int_eq(asy_capture_each(path, feed_flipped, w,
			    eb, sizeof(eb)), 0);
			ck_assert_int_eq(asy_wifi_end(w), 0);
			check_caps(w, 256, 100);
			asy_wifi_free(w);
		}
		free(path);
	}
}
END_TEST

/* 300 networks: the table keeps 256 and counts the frames of the rest. */
START_TEST(test_many_networks)
{
	struct asy_wifi *w = NULL;
	unsigned char d[64];

	ck_assert_int_eq(asy_wifi_new(NULL, &w), 0);
	for (unsigned n = 0; n < 300; n++) {
		struct asy_frame f = { .no = n + 1, .data = d, .caplen = 38,
		    .len = 38, .linktype = 105 };

		memset(d, 0, sizeof(d));
		d[0] = 0x80;			/* beacon */
		memset(d + 4, 0xff, 6);
		d[14] = d[20] = (unsigned char)(n >> 8);
		d[15] = d[21] = (unsigned char)n;
		d[34] = 0x01;			/* ESS */
		d[36] = 0;			/* SSID "" */
		d[37] = 0;
		ck_assert_int_eq(asy_wifi_feed(w, &f), 0);
	}
	ck_assert_int_eq(asy_wifi_end(w), 0);
	ck_assert_uint_eq(w->n_bss, 256);
	ck_assert_uint_eq(w->bss_over, 44);
	ck_assert_int_eq(w->bss[0].hidden, 1);
	asy_wifi_free(w);
}
END_TEST

START_TEST(test_not_80211)
{
	struct asy_wifi *w = NULL;
	char why[512] = "", *dir = ut_tmpdir(), *junk, *missing;
	char *eth = capture_path("not-80211");
	int r;

	r = asy_wifi_analyse(eth, NULL, &w, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_INPUT);
	ck_assert_ptr_null(w);
	ck_assert_ptr_nonnull(strstr(why, "not an 802.11 capture: its link "
	    "type is EN10MB (1)"));
	junk = asy_path_join(dir, "junk.pcap");
	ut_write_str(junk, "this is not a capture\n");
	why[0] = '\0';
	r = asy_wifi_analyse(junk, NULL, &w, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(why, "not a pcap file assay can read"));
	missing = asy_path_join(dir, "missing.pcap");
	r = asy_wifi_analyse(missing, NULL, &w, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_INPUT);
	free(eth);
	free(junk);
	free(missing);
	free(dir);
}
END_TEST

/* ---- live ---------------------------------------------------------------- */

START_TEST(test_live_errors)
{
	struct asy_wifi_live_opts o = { "asy-nosuch0", 1, 0, 0 };
	struct asy_wifi *w = NULL;
	char why[512] = "", *dir = ut_tmpdir(), *path;
	int r;

	path = asy_path_join(dir, "live.pcap");
	o.seconds = 601;
	ck_assert_int_eq(asy_wifi_live(&o, path, NULL, &w, NULL, why,
	    sizeof(why)), ASY_E_USAGE);
	o.seconds = 1;
	if (geteuid() != 0) {
		fprintf(stderr, "# skip live errors: opening interfaces needs "
		    "root\n");
		goto out;
	}
	r = asy_wifi_live(&o, path, NULL, &w, NULL, why, sizeof(why));
	ck_assert_msg(r == ASY_E_NOTFOUND, "%s (%s)", asy_strerror(r), why);
	ck_assert_ptr_nonnull(strstr(why, "asy-nosuch0"));
	/* Loopback is Ethernet-like: not in monitor mode. */
	o.ifname = "lo";
	r = asy_wifi_live(&o, path, NULL, &w, NULL, why, sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "%s (%s)", asy_strerror(r), why);
	ck_assert_ptr_nonnull(strstr(why, "not a monitor-mode Wi-Fi "
	    "interface"));
	ck_assert_ptr_nonnull(strstr(why, "EN10MB"));
	ck_assert_ptr_null(w);
	ck_assert(!ut_exists(path));
out:
	free(path);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wifi");
	TCase *tc = tcase_create("wifi");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_known, 0, ASY_ELEMENTSOF(wants));
	tcase_add_loop_test(tc, test_radiotap, 0, ASY_ELEMENTSOF(rt_cases));
	tcase_add_test(tc, test_freq);
	tcase_add_loop_test(tc, test_judge, 0, ASY_ELEMENTSOF(judged));
	tcase_add_test(tc, test_judge_bad_bssid);
	tcase_add_test(tc, test_no_network);
	tcase_add_loop_test(tc, test_fields, 0, ASY_ELEMENTSOF(fields));
	tcase_add_loop_test(tc, test_random, 0, 4);
	tcase_add_test(tc, test_flipped);
	tcase_add_test(tc, test_many_networks);
	tcase_add_test(tc, test_not_80211);
	tcase_add_test(tc, test_live_errors);
	suite_add_tcase(s, tc);
	return ut_main(s);
}
