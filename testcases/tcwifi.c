/*
 * The DUT's Wi-Fi onboarding for the test cases (see tclib.h): the lab's
 * source (<dut><wifi>: a monitor interface or a recorded capture, both
 * prepared by asy_live_open() while privileged) listened to or read once
 * per run and analysed once (wifi.h); the 11-ComMech channels over the
 * onboarding access point judged from it; and which radios of the DUT are
 * active (5.6-3-2 c).
 *
 * A source that cannot be used is an ERROR (the bench's fault), a network
 * not in the capture INCONCLUSIVE; only what the capture shows of the DUT
 * makes a FAIL.  Values from the air reach a reason only through
 * asy_printable() (wifi.c), never a secret: cleartext is named by frame.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclose.h"
#include "error.h"
#include "sha256.h"
#include "tclib.h"
#include "tcstate.h"
#include "util.h"
#include "wifi.h"

#define WIFI_PCAP	"wifi/onboarding.pcap"
#define WIFI_TEXT	"wifi/analysis.txt"
#define TEXT_MAX	((size_t)1 << 20)

/* ---- Which units are judged from the capture ----------------------------- */

/* Units that read the capture: always (the radios), or when their IXIT
 * row is a channel over the onboarding access point. */
enum offair_kind {
	OFFAIR_ALWAYS,
	OFFAIR_ROW,
};

static const struct {
	const char	*case_id, *unit;
	enum offair_kind kind;
} offair_units[] = {
	{ "5.6-3-2", "c", OFFAIR_ALWAYS },
	{ "5.5-1-2", "a", OFFAIR_ROW },
	{ "5.5-6-2", "a", OFFAIR_ROW },
	{ "5.5-7-2", "a", OFFAIR_ROW },
	{ "5.8-1-2", "a", OFFAIR_ROW },
	{ "5.8-2-2", "a", OFFAIR_ROW },
};

/* Does the row belong to a table whose ID ends in suffix ("-PersData")? */
static int
row_in(const struct asy_ixit_row *row, const char *suffix)
{
	size_t n, k = strlen(suffix);

	if (row == NULL || row->table == NULL || row->table->id == NULL)
		return 0;
	n = strlen(row->table->id);
	return n >= k && strcmp(row->table->id + n - k, suffix) == 0;
}

int
asy_tc_onboarding_row(const struct asy_live *lv,
    const struct asy_ixit_row *row)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;

	if (w == NULL || w->intf == NULL || !row_in(row, "ComMech"))
		return 0;
	return asy_tc_names(asy_ixit_get(row, "interface"), w->intf);
}

/* Every channel a 21-PersData row names is over the onboarding AP. */
static int
persdata_offair(const struct asy_live *lv, const struct asy_ixit_row *pd)
{
	const char *p = asy_ixit_get(pd, "commech");
	size_t n = 0;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, " \t\n,");
		char id[128];

		if (len > 0) {
			snprintf(id, sizeof(id), "%.*s",
			    (int)(len < 127 ? len : 127), p);
			if (!asy_tc_onboarding_row(lv,
			    asy_decl_row(lv->decl, id)))
				return 0;
			n++;
		}
		p += len;
		p += strspn(p, " \t\n,");
	}
	return n > 0;
}

int
asy_tc_offair(const struct asy_live *lv, const struct asy_plan_case *pc,
    const struct asy_plan_unit *pu)
{
	if (lv->dut->wifi == NULL)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(offair_units); i++) {
		if (strcmp(offair_units[i].case_id, pc->cc->id) != 0 ||
		    strcmp(offair_units[i].unit, pu->cu->id) != 0)
			continue;
		if (offair_units[i].kind == OFFAIR_ALWAYS)
			return 1;
		if (row_in(pu->row, "PersData"))
			return persdata_offair(lv, pu->row);
		return asy_tc_onboarding_row(lv, pu->row);
	}
	return 0;
}

/* ---- The capture, once --------------------------------------------------- */

void
asy_tc_wifi_release(struct asy_tc_state *tc)
{
	asy_wifi_free(tc->wifi);
	free(tc->wifi_why);
	free(tc->wifi_note);
	tc->wifi = NULL;
	tc->wifi_why = NULL;
	tc->wifi_note = NULL;
}

/* The capture's evidence note: where it came from and its SHA-256. */
static int
wifi_note(struct asy_live *lv, struct asy_tc_state *tc, const char *abs,
    unsigned long frames)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;
	char hex[ASY_SHA256_HEX] = "";

	if (asy_sha256_file(abs, hex) < 0)
		snprintf(hex, sizeof(hex), "not readable");
	if (w->iface != NULL)
		tc->wifi_note = asy_strdup_printf("the DUT's Wi-Fi onboarding, "
		    "listened to on %s for %u s (%lu frames), sha256 %s",
		    w->iface->name, w->seconds, frames, hex);
	else
		tc->wifi_note = asy_strdup_printf("the DUT's Wi-Fi onboarding, "
		    "a copy of the lab's capture %s, sha256 %s", w->capture,
		    hex);
	return tc->wifi_note != NULL ? 0 : ASY_E_NOMEM;
}

/* The analysis as text, judged for the lab's network, as evidence. */
static int
wifi_text(struct asy_live *lv, struct asy_tc_state *tc)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;
	struct asy_wifi_target t = { w->ssid, w->bssid, NULL };
	struct asy_wifi_judgement j;
	struct asy_buf b;
	char *abs;
	int r;

	r = asy_wifi_judge(tc->wifi, &t, &j);
	if (r < 0)
		return r;
	asy_buf_init(&b, TEXT_MAX);
	r = asy_wifi_render_text(&b, tc->wifi, &j);
	if (r == ASY_E_TOOBIG)
		r = 0;
	abs = asy_path_join(lv->work, WIFI_TEXT);
	if (r == 0 && abs == NULL)
		r = ASY_E_NOMEM;
	if (r == 0 && asy_buf_save_file(&b, abs) == 0)
		tc->wifi_text = 1;
	free(abs);
	asy_buf_release(&b);
	asy_wifi_judgement_release(&j);
	return r;
}

int
asy_tc_wifi(struct asy_live *lv, struct asy_tc_state **out)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	const struct asy_lab_wifi *w = lv->dut->wifi;
	struct asy_wifi_opts o = { 0 };
	unsigned long frames = 0;
	char why[512] = "", *abs = NULL;
	int r = 0;

	if (tc == NULL)
		return ASY_E_NOMEM;
	*out = tc;
	if (tc->wifi_done || w == NULL)
		return 0;
	tc->wifi_done = 1;
	if (lv->wifi_error != NULL) {
		tc->wifi_err = ASY_E_IO;
		tc->wifi_why = asy_strdup(lv->wifi_error);
		return tc->wifi_why != NULL ? 0 : ASY_E_NOMEM;
	}
	abs = asy_path_join(lv->work, WIFI_PCAP);
	if (abs == NULL)
		return ASY_E_NOMEM;
	o.emails = 1;
	if (lv->wifi_cap != NULL) {
		struct asy_wifi_live_opts lo = { 0 };

		lo.ifname = w->iface->name;
		lo.seconds = w->seconds;
		/* A resumed run listens again, into a fresh file. */
		(void)unlink(abs);
		r = asy_wifi_listen(lv->wifi_cap, &lo, abs, &o, &tc->wifi,
		    &frames, why, sizeof(why));
		asy_capture_close(lv->wifi_cap);
		lv->wifi_cap = NULL;
		tc->wifi_pcap = access(abs, F_OK) == 0;
	} else if (lv->wifi_pcap != NULL) {
		tc->wifi_pcap = 1;
		r = asy_wifi_analyse(abs, &o, &tc->wifi, why, sizeof(why));
	} else {
		r = ASY_E_INTERNAL;
		snprintf(why, sizeof(why), "the Wi-Fi source was not prepared");
	}
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		tc->wifi_err = r;
		tc->wifi = NULL;
		tc->wifi_why = asy_strdup(*why ? why : asy_strerror(r));
		r = tc->wifi_why != NULL ? 0 : ASY_E_NOMEM;
	}
	if (r == 0 && tc->wifi_pcap)
		r = wifi_note(lv, tc, abs, frames);
	if (r == 0 && tc->wifi != NULL)
		r = wifi_text(lv, tc);
out:
	free(abs);
	return r;
}

/* The capture and its analysis as evidence of u. */
static int
wifi_evidence(const struct asy_tc_state *tc, struct asy_unit_result *u)
{
	int r = 0;

	if (tc->wifi_pcap)
		r = asy_unit_add_evidence(u, WIFI_PCAP, "pcap", tc->wifi_note);
	if (r == 0 && tc->wifi_text)
		r = asy_unit_add_evidence(u, WIFI_TEXT, "transcript", "the "
		    "onboarding capture analysed: networks, their security, "
		    "what crossed the air in clear");
	return r;
}

/* The capture of the run, or the verdict that says why there is none:
 * 1 when u is decided, 0 to go on with *tc, <0. */
static int
wifi_need(struct asy_live *lv, struct asy_tc_state **tc,
    struct asy_unit_result *u)
{
	int r;

	r = asy_tc_wifi(lv, tc);
	if (r < 0)
		return r;
	if ((*tc)->wifi != NULL)
		return wifi_evidence(*tc, u);
	r = wifi_evidence(*tc, u);
	if (r == 0)
		r = asy_unit_set(u, ASY_V_ERROR, "the DUT's Wi-Fi onboarding "
		    "capture could not be used, a fault of the bench and not "
		    "of the DUT: %s", (*tc)->wifi_why ? (*tc)->wifi_why :
		    asy_strerror((*tc)->wifi_err));
	return r < 0 ? r : 1;
}

/* "\"Cam-Setup-1234\"" or "a hidden network". */
static const char *
shown_ssid(const struct asy_wifi_bss *b, char *buf, size_t len)
{
	if (b->ssid == NULL || *b->ssid == '\0')
		return "a hidden network";
	snprintf(buf, len, "\"%s\"", b->ssid);
	return buf;
}

/* ---- Channels over the onboarding access point --------------------------- */

/* Grades to verdicts. */
static const struct {
	enum asy_wifi_grade grade;
	enum asy_verdict verdict;
} grade_verdicts[] = {
	{ ASY_WG_GOOD, ASY_V_PASS },
	{ ASY_WG_NOTED, ASY_V_PASS },
	{ ASY_WG_UNKNOWN, ASY_V_INCONCLUSIVE },
	{ ASY_WG_WEAK, ASY_V_FAIL },
};

/* "credentials in frame 4 (http); personal data in frame 6 (http)" for
 * the findings in the networks j judged. */
static void
cleartext_frames(const struct asy_wifi *w, const struct asy_wifi_judgement *j,
    struct asy_buf *out)
{
	for (size_t i = 0; i < w->n_clear; i++) {
		const struct asy_clear_finding *f = &w->clear[i];
		size_t k;

		for (k = 0; k < j->n_notes; k++)
			if (j->notes[k].bss == w->clear_bss[i])
				break;
		if (k == j->n_notes)
			continue;
		(void)asy_buf_printf(out, "%s%s in frame %lu (%s)",
		    out->len ? "; " : "", f->kind, f->frame, f->proto);
	}
}

/* Every weakness but cleartext (named by frame apart), by network:
 * "\"X\" (02:00:00:00:02:00): open network ...; the IXIT declares ...". */
static void
weak_notes(const struct asy_wifi *w, const struct asy_wifi_judgement *j,
    struct asy_buf *out)
{
	size_t last = (size_t)-1;

	for (size_t i = 0; i < j->n_notes; i++) {
		const struct asy_wifi_note *n = &j->notes[i];
		char s[160];

		if (n->grade != ASY_WG_WEAK || n->frame != 0)
			continue;
		if (n->bss != last)
			(void)asy_buf_printf(out, "%s%s (%s): ", out->len ?
			    "; " : "", shown_ssid(&w->bss[n->bss], s,
			    sizeof(s)), w->bss[n->bss].bssid_text);
		else
			(void)asy_buf_puts(out, "; ");
		(void)asy_buf_puts(out, n->text);
		last = n->bss;
	}
}

int
asy_tc_wifi_commech(struct asy_live *lv, const struct asy_ixit_row *row,
    struct asy_unit_result *u)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;
	const char *crypto = asy_ixit_get(row, "crypto");
	const char *proto = asy_ixit_get(row, "protocol");
	struct asy_wifi_target t = { w->ssid, w->bssid, NULL };
	struct asy_wifi_judgement j;
	enum asy_verdict v = ASY_V_INCONCLUSIVE;
	struct asy_tc_state *tc;
	struct asy_buf decl, clear, weak;
	int r;

	r = wifi_need(lv, &tc, u);
	if (r != 0)
		return r < 0 ? r : 0;
	asy_buf_init(&decl, 8192);
	asy_buf_init(&clear, 8192);
	asy_buf_init(&weak, 16384);
	/* What the IXIT says of the channel's protection: its crypto,
	 * else its protocol ("HTTP over WPA2-PSK"). */
	(void)asy_buf_puts(&decl, crypto != NULL && !asy_str_blank(crypto) ?
	    crypto : proto != NULL ? proto : "");
	t.declared = decl.len > 0 ? decl.data : NULL;
	r = asy_wifi_judge(tc->wifi, &t, &j);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ASY_ELEMENTSOF(grade_verdicts); i++)
		if (grade_verdicts[i].grade == j.grade)
			v = grade_verdicts[i].verdict;
	if (j.n_matched > 0)
		cleartext_frames(tc->wifi, &j, &clear);
	if (j.grade == ASY_WG_WEAK)
		weak_notes(tc->wifi, &j, &weak);
	r = asy_unit_set(u, v, "%s runs over the DUT's onboarding access "
	    "point (%s), judged from its capture: %s%s%s%s", row->id,
	    w->intf, weak.len ? weak.data : j.reason ? j.reason :
	    asy_wifi_grade_name(j.grade), clear.len ? "; in clear over the "
	    "air (values not shown): " : "", clear.len ? clear.data : "",
	    v == ASY_V_PASS && j.grade == ASY_WG_NOTED ?
	    " (acceptable, noted)" : "");
	asy_wifi_judgement_release(&j);
out:
	asy_buf_release(&decl);
	asy_buf_release(&clear);
	asy_buf_release(&weak);
	return r;
}

/* ---- 5.6-3-2 c: the DUT's active radios ---------------------------------- */

/* Words that make a radio interface row a Wi-Fi one. */
static const char *const wifi_words[] = {
	"wi-fi", "wifi", "wlan", "802.11",
};

static int
mentions_wifi(const char *s)
{
	for (size_t i = 0; s != NULL && i < ASY_ELEMENTSOF(wifi_words); i++)
		if (strcasestr(s, wifi_words[i]) != NULL)
			return 1;
	return 0;
}

/* A Wi-Fi interface row of the IXIT: type radio, and the lab's intf or
 * a row that names Wi-Fi. */
static int
wifi_row(const struct asy_live *lv, const struct asy_ixit_row *row)
{
	const char *intf = lv->dut->wifi->intf;
	const char *type = asy_ixit_get(row, "type");

	if (!row_in(row, "Intf") || type == NULL ||
	    strcmp(type, "radio") != 0)
		return 0;
	return (intf != NULL && strcmp(row->id, intf) == 0) ||
	    mentions_wifi(row->id) ||
	    mentions_wifi(asy_ixit_get(row, "description"));
}

static int
row_enabled(const struct asy_ixit_row *row)
{
	const char *s = asy_ixit_get(row, "status");

	return s != NULL && strcmp(s, "enabled") == 0;
}

/* Does an enabled Wi-Fi row's text name this SSID? */
static int
ssid_declared(const struct asy_live *lv, const struct asy_wifi_bss *b)
{
	static const char *const fields[] = { "description",
	    "justification", "disclosure", "protection" };
	const struct asy_decl *d = lv->decl;

	if (b->ssid == NULL || *b->ssid == '\0')
		return 0;
	for (size_t i = 0; i < d->n_ixit; i++) {
		if (!wifi_row(lv, &d->ixit[i]) || !row_enabled(&d->ixit[i]))
			continue;
		for (size_t k = 0; k < ASY_ELEMENTSOF(fields); k++) {
			const char *v = asy_ixit_get(&d->ixit[i], fields[k]);

			if (v != NULL && strstr(v, b->ssid) != NULL)
				return 1;
		}
	}
	return 0;
}

/* Marks of the DUT's networks. */
enum {
	DUT_TARGET = 1,		/* the lab's ssid / bssid */
	DUT_PEER,		/* its OWE transition peer */
	DUT_SIBLING,		/* another BSSID of the same radio */
};

static int
is_target(const struct asy_lab_wifi *w, const struct asy_wifi_bss *b)
{
	if (w->bssid != NULL && strcmp(b->bssid_text, w->bssid) != 0)
		return 0;
	if (w->ssid != NULL && (b->ssid_raw == NULL ||
	    b->ssid_len != strlen(w->ssid) ||
	    memcmp(b->ssid_raw, w->ssid, b->ssid_len) != 0))
		return 0;
	return 1;
}

/* One radio announces its networks from BSSIDs that differ in the last
 * octet (and often in the locally administered bit). */
static int
same_radio(const struct asy_wifi_bss *a, const struct asy_wifi_bss *b)
{
	return (a->bssid[0] | 0x02) == (b->bssid[0] | 0x02) &&
	    memcmp(a->bssid + 1, b->bssid + 1, 4) == 0;
}

/* Mark the networks of the DUT in mark; how many targets. */
static size_t
mark_dut(const struct asy_lab_wifi *w, const struct asy_wifi *wf,
    unsigned char *mark)
{
	size_t n = 0;

	for (size_t i = 0; i < wf->n_bss; i++)
		if (is_target(w, &wf->bss[i])) {
			mark[i] = DUT_TARGET;
			n++;
		}
	for (size_t i = 0; i < wf->n_bss; i++) {
		if (mark[i] != DUT_TARGET)
			continue;
		for (size_t k = 0; k < wf->n_bss; k++) {
			if (mark[k] != 0)
				continue;
			if (strcmp(wf->bss[k].bssid_text,
			    wf->bss[i].owe_peer) == 0 ||
			    strcmp(wf->bss[k].owe_peer,
			    wf->bss[i].bssid_text) == 0)
				mark[k] = DUT_PEER;
			else if (same_radio(&wf->bss[i], &wf->bss[k]))
				mark[k] = DUT_SIBLING;
		}
	}
	return n;
}

/* "\"X\" (02:00:00:00:0c:01, open)" */
static void
bss_label(const struct asy_wifi_bss *b, struct asy_buf *out)
{
	char s[160];

	(void)asy_buf_printf(out, "%s%s (%s, %s)", out->len ? "; " : "",
	    shown_ssid(b, s, sizeof(s)), b->bssid_text,
	    asy_wifi_sec_name(b->sec));
}

int
asy_tc_wifi_radios(struct asy_live *lv, struct asy_unit_result *u)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;
	struct asy_buf seen, bad, rows, off;
	unsigned char *mark = NULL;
	struct asy_tc_state *tc;
	const struct asy_wifi *wf;
	size_t n_rows = 0, n_bad = 0;
	int r;

	if (w == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "not run: the lab "
		    "config gives this DUT no Wi-Fi source (<dut><wifi>), so "
		    "its radios were not listened to");
	r = wifi_need(lv, &tc, u);
	if (r != 0)
		return r < 0 ? r : 0;
	wf = tc->wifi;
	asy_buf_init(&seen, 1 << 16);
	asy_buf_init(&bad, 1 << 16);
	asy_buf_init(&rows, 1 << 16);
	asy_buf_init(&off, 1 << 16);
	mark = calloc(wf->n_bss + 1, 1);
	if (mark == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];

		if (!wifi_row(lv, row))
			continue;
		if (row_enabled(row)) {
			(void)asy_buf_printf(&rows, "%s%s", rows.len ? ", " :
			    "", row->id);
			n_rows++;
		} else {
			(void)asy_buf_printf(&off, "%s%s", off.len ? ", " :
			    "", row->id);
		}
	}
	if (mark_dut(w, wf, mark) == 0) {
		char *s = w->ssid ? asy_printable(w->ssid, strlen(w->ssid),
		    64) : NULL;

		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the DUT's onboarding "
		    "network (%s%s%s%s%s) was not seen in the capture (%zu "
		    "network%s seen), so which of its radios are active "
		    "cannot be told", s ? "\"" : "", s ? s : "", s ? "\"" : "",
		    s && w->bssid ? " " : "", w->bssid ? w->bssid : "",
		    wf->n_bss, wf->n_bss == 1 ? "" : "s");
		free(s);
		goto out;
	}
	for (size_t i = 0; i < wf->n_bss; i++) {
		if (mark[i] == 0)
			continue;
		bss_label(&wf->bss[i], &seen);
		if (mark[i] == DUT_SIBLING && !ssid_declared(lv, &wf->bss[i])) {
			bss_label(&wf->bss[i], &bad);
			n_bad++;
		}
	}
	if (n_rows == 0)
		r = asy_unit_set(u, ASY_V_FAIL, "the DUT's Wi-Fi is active (%s) "
		    "but the IXIT declares no enabled Wi-Fi interface (a "
		    "15-Intf row of type radio naming Wi-Fi)%s%s", seen.data,
		    off.len ? "; declared disabled: " : "",
		    off.len ? off.data : "");
	else if (n_bad > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "%zu access point%s on the "
		    "DUT's radio that no IXIT interface row declares (none "
		    "of %s names %s): %s", n_bad, n_bad == 1 ? "" : "s",
		    rows.data, n_bad == 1 ? "it" : "them", bad.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "only the declared Wi-Fi "
		    "networks are active: %s, declared by %s; other networks "
		    "in the capture are not the DUT's radio", seen.data,
		    rows.data);
out:
	free(mark);
	asy_buf_release(&seen);
	asy_buf_release(&bad);
	asy_buf_release(&rows);
	asy_buf_release(&off);
	return r;
}
