#include "live.h"
#include "ctl.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclose.h"
#include "error.h"
#include "console.h"
#include "httpc.h"
#include "journal.h"
#include "log.h"
#include "net.h"
#include "proc.h"
#include "sshc.h"
#include "util.h"
#include "wifi.h"

asy_unit_fn *
asy_testcase_find(const char *edition, const char *case_id,
    const char *unit_id)
{
	for (size_t i = 0; i < asy_n_testcases; i++) {
		const struct asy_testcase *tc = asy_testcases[i];

		if (strcmp(tc->edition, edition) != 0 ||
		    strcmp(tc->id, case_id) != 0)
			continue;
		for (size_t j = 0; j < tc->n_units; j++)
			if (strcmp(tc->units[j].unit, unit_id) == 0)
				return tc->units[j].run;
	}
	return NULL;
}

int
asy_unit_set(struct asy_unit_result *u, enum asy_verdict v, const char *fmt,
    ...)
{
	struct asy_buf b;
	va_list ap;
	int r;

	asy_buf_init(&b, 1 << 16);
	va_start(ap, fmt);
	r = asy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == ASY_E_TOOBIG)
		r = 0;		/* a reason cut at 64 KiB is still a reason */
	if (r < 0) {
		asy_buf_release(&b);
		return r;
	}
	free(u->reason);
	u->reason = asy_buf_steal(&b);
	if (u->reason == NULL)
		return ASY_E_NOMEM;
	u->verdict = v;
	return 0;
}

int
asy_live_need_discovery(struct asy_live *lv, struct asy_unit_result *u)
{
	int r = 0;

	if (lv->inv == NULL) {
		if (!lv->alive)
			r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "not run: the "
			    "DUT did not answer at the start of the run (%s)",
			    lv->alive_why ? lv->alive_why : "no answer");
		else
			r = asy_unit_set(u, lv->disc_harness ? ASY_V_ERROR :
			    ASY_V_INCONCLUSIVE, "not run: discovery failed: %s",
			    lv->disc_error ? lv->disc_error : "no inventory");
		if (r == 0 && lv->nmap_xml != NULL)
			r = asy_unit_add_evidence(u, lv->nmap_xml, "nmap",
			    "discovery output (incomplete)");
		return r < 0 ? r : 1;
	}
	r = asy_unit_add_evidence(u, lv->nmap_xml, "nmap",
	    "service inventory");
	if (r == 0 && lv->nmap_xml2 != NULL)
		r = asy_unit_add_evidence(u, lv->nmap_xml2, "nmap",
		    "service inventory");
	if (r == 0 && lv->disc_pcap != NULL)
		r = asy_unit_add_evidence(u, lv->disc_pcap, "pcap",
		    "discovery traffic");
	return r;
}

int
asy_live_completeness(struct asy_live *lv, struct asy_unit_result *u,
    unsigned mask, const char *what)
{
	const struct asy_observation *obs = lv->obs;
	struct asy_buf found, seen;
	size_t n_found = 0, n_seen = 0;
	int r;

	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	asy_buf_init(&found, 1 << 16);
	asy_buf_init(&seen, 1 << 16);
	for (size_t i = 0; i < obs->n && r == 0; i++) {
		const struct asy_observed *o = &obs->v[i];
		struct asy_buf *b;

		if (o->svc == NULL)
			continue;
		if (o->match == ASY_MATCH_UNDECLARED &&
		    (mask == 0 || (o->classes & mask) != 0)) {
			b = &found;
			n_found++;
		} else if (o->match == ASY_MATCH_DISABLED) {
			b = &found;
			n_found++;
		} else {
			b = &seen;
			n_seen++;
		}
		if (b->len > 0)
			r = asy_buf_puts(b, "; ");
		if (r == 0)
			r = asy_observed_label(o, b);
		if (r == 0 && o->match == ASY_MATCH_DISABLED)
			r = asy_buf_printf(b, " answers although %s declares "
			    "it disabled", o->row->id);
		else if (r == 0 && o->row != NULL)
			r = asy_buf_printf(b, " = %s", o->row->id);
	}
	if (r == ASY_E_TOOBIG)
		r = 0;
	if (r < 0)
		goto out;
	if (n_found == 0 && lv->disc_dropped > 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "no undeclared service "
		    "found, but the capture of discovery dropped %llu packets, "
		    "so the evidence cannot support a PASS", lv->disc_dropped);
	else if (n_found > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "%zu open service%s offering "
		    "%s not declared in the IXIT: %s", n_found,
		    n_found == 1 ? "" : "s", what, found.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "every one of the %zu open "
		    "service%s found offering %s is declared in the IXIT%s%s",
		    n_seen, n_seen == 1 ? "" : "s", what, n_seen ? ": " : "",
		    n_seen ? seen.data : "");
out:
	asy_buf_release(&found);
	asy_buf_release(&seen);
	return r;
}

int
asy_live_case_has_tests(const struct asy_live *lv,
    const struct asy_plan_case *pc)
{
	const char *ed = lv->decl->cat->id;

	for (size_t i = 0; i < pc->n_units; i++)
		if (pc->units[i].state == ASY_PLAN_RUN &&
		    asy_testcase_find(ed, pc->cc->id, pc->units[i].cu->id))
			return 1;
	return 0;
}

/* Ports to try for the alive check: open TCP ports from discovery, then
 * declared ones, then tcp/1 (a refusal proves the host answers too). */
static size_t
alive_ports(const struct asy_live *lv, unsigned *ports, size_t max)
{
	size_t n = 0;

	if (lv->obs != NULL)
		for (size_t i = 0; i < lv->obs->n && n + 1 < max; i++) {
			const struct asy_observed *o = &lv->obs->v[i];

			if (o->svc != NULL && strcmp(o->proto, "tcp") == 0)
				ports[n++] = o->port;
		}
	ports[n++] = 1;
	return n;
}

/*
 * Is the DUT alive?  Any of its addresses answering is enough.  The port
 * that answered last is asked first, then a closed port (1: a RST proves
 * the host is up without opening a connection a rate limit would count),
 * then the open ones.
 */
static int
dut_alive(struct asy_live *lv, char *why, size_t why_len)
{
	const char *addrs[2] = { lv->dut->ipv4, lv->dut->ipv6 };
	unsigned ports[8], order[10];
	size_t n = alive_ports(lv, ports, ASY_ELEMENTSOF(ports)), m = 0;

	if (lv->alive_port != 0)
		order[m++] = lv->alive_port;
	order[m++] = 1;
	/* Known to be down: one quick look, so that a dead device costs
	 * each later unit a second, not a full round of ports. */
	for (size_t i = 0; i < n && lv->down_since == 0; i++)
		if (ports[i] != lv->alive_port && ports[i] != 1)
			order[m++] = ports[i];
	snprintf(why, why_len, "the DUT has no address to check");
	for (size_t i = 0; i < 2; i++) {
		if (addrs[i] == NULL || !asy_lab_in_scope(lv->lab, addrs[i]))
			continue;
		for (size_t k = 0; k < m; k++) {
			int r;

			r = asy_net_alive(addrs[i], &order[k], 1,
			    lv->down_since != 0 ? 1000 : 2000, why, why_len);
			if (r == 1) {
				lv->alive_port = order[k];
				return 1;
			}
		}
	}
	return 0;
}

/* The DUT stopped answering: remember since when (the first time). */
static int
mark_down(struct asy_live *lv, const char *why)
{
	if (lv->down_since != 0)
		return 0;
	lv->down_since = time(NULL);
	lv->down_why = asy_strdup(why);
	if (lv->down_why == NULL)
		return ASY_E_NOMEM;
	asy_warn("the DUT stopped answering (%s)", why);
	return 0;
}

/* INCONCLUSIVE: "device unreachable since 14:02:11 UTC (why); what". */
static int
unreachable(const struct asy_live *lv, struct asy_unit_result *u,
    const char *what)
{
	char when[16] = "?";
	struct tm tm;

	if (gmtime_r(&lv->down_since, &tm) != NULL)
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	return asy_unit_set(u, ASY_V_INCONCLUSIVE, "device unreachable since "
	    "%s UTC (%s); %s", when, lv->down_why ? lv->down_why : "no answer",
	    what);
}

/* "pcap/5.1-1-2.pcap": case IDs are [0-9A-Za-z.-] (catalogue XSD). */
static char *
case_pcap_rel(const char *case_id)
{
	return asy_strdup_printf("pcap/%s.pcap", case_id);
}

int
asy_live_case_begin(struct asy_live *lv, const struct asy_plan_case *pc)
{
	char *abs = NULL;
	int r = 0;

	asy_freep(&lv->case_pcap);
	if (lv->cap == NULL)
		return 0;
	lv->case_pcap = case_pcap_rel(pc->cc->id);
	abs = lv->case_pcap ? asy_path_join(lv->work, lv->case_pcap) : NULL;
	if (abs == NULL)
		return ASY_E_NOMEM;
	/* A resumed run does again the case its stop cut short: that
	 * case's capture is not evidence of anything recorded. */
	if (lv->journal != NULL && unlink(abs) < 0 && errno != ENOENT)
		asy_warn("cannot remove the unfinished %s: %s", abs,
		    strerror(errno));
	r = asy_capture_begin(lv->cap, abs);
	if (r < 0) {
		asy_warn("cannot write %s: %s", abs, asy_strerror(r));
		asy_freep(&lv->case_pcap);
		r = 0;
	}
	free(abs);
	return r;
}

int
asy_live_unit(struct asy_live *lv, const struct asy_plan_case *pc,
    const struct asy_plan_unit *pu, struct asy_unit_result *u)
{
	asy_unit_fn *fn;
	char why[256];
	int r, offair;

	fn = asy_testcase_find(lv->decl->cat->id, pc->cc->id, pu->cu->id);
	if (fn == NULL)
		return 0;
	/* Judged from the Wi-Fi onboarding capture: the DUT's network
	 * and the case's pcap are not its evidence. */
	offair = asy_tc_offair(lv, pc, pu);
	if (offair) {
		lv->case_id = pc->cc->id;
		r = fn(lv, pu, u);
		if (r < 0) {
			r = asy_unit_set(u, ASY_V_ERROR, "the harness failed "
			    "while running this test (%s)", asy_strerror(r));
			return r < 0 ? r : 1;
		}
		if (u->verdict == ASY_V_NONE)
			ASY_BUG("a test returned without a verdict");
		return 1;
	}
	if (!dut_alive(lv, why, sizeof(why))) {
		r = mark_down(lv, why);
		if (r < 0)
			return r;
		r = unreachable(lv, u, "not run");
		return r < 0 ? r : 1;
	}
	lv->down_since = 0;
	asy_freep(&lv->down_why);
	lv->case_id = pc->cc->id;
	r = fn(lv, pu, u);
	if (r == ASY_TC_OPERATOR)
		return 0;
	if (r < 0) {
		r = asy_unit_set(u, ASY_V_ERROR, "the harness failed while "
		    "running this test (%s)", asy_strerror(r));
		return r < 0 ? r : 1;
	}
	if (u->verdict == ASY_V_NONE)
		ASY_BUG("a test returned without a verdict");
	if (asy_set_str(&u->decided_by, "assay, automated test") < 0)
		return ASY_E_NOMEM;
	/* No capture, no PASS: the evidence would be missing. */
	if (u->verdict == ASY_V_PASS && lv->cap == NULL) {
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "no packet capture "
		    "(%s), so the evidence cannot support a PASS",
		    lv->cap_error ? lv->cap_error : "not opened");
		if (r < 0)
			return r;
	}
	/* Fragile devices: a PASS needs the DUT still answering. */
	if (!dut_alive(lv, why, sizeof(why))) {
		r = mark_down(lv, why);
		if (r < 0)
			return r;
		if (u->verdict == ASY_V_PASS) {
			r = unreachable(lv, u, "the result before that was "
			    "PASS");
			if (r < 0)
				return r;
		}
	}
	if (lv->case_pcap != NULL) {
		r = asy_unit_add_evidence(u, lv->case_pcap, "pcap",
		    "traffic of this test case");
		if (r < 0)
			return r;
	}
	return 1;
}

int
asy_live_case_end(struct asy_live *lv, const struct asy_plan_case *pc,
    struct asy_case_result *c)
{
	struct asy_capture_stats st;
	int r;

	if (lv->cap == NULL || lv->case_pcap == NULL)
		return 0;
	r = asy_capture_end(lv->cap, &st);
	if (r < 0) {
		asy_warn("capture of %s: %s", pc->cc->id, asy_strerror(r));
		memset(&st, 0, sizeof(st));
		st.dropped = 1;		/* unknown: treat as incomplete */
	}
	for (size_t i = 0; i < c->n_units; i++) {
		struct asy_unit_result *u = &c->units[i];

		if (u->verdict != ASY_V_PASS)
			continue;
		if (st.dropped > 0 || st.truncated) {
			r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the capture "
			    "of this case is incomplete (%llu packets dropped"
			    "%s), so its evidence cannot support a PASS",
			    st.dropped, st.truncated ? ", file size cap "
			    "reached" : "");
			if (r < 0)
				return r;
		}
	}
	asy_freep(&lv->case_pcap);
	return 0;
}

/* The capture file's copy in the run folder, and the largest copied. */
#define WIFI_PCAP	"wifi/onboarding.pcap"
#define WIFI_FILE_MAX	((size_t)256 << 20)

/*
 * The DUT's Wi-Fi onboarding source, now: a monitor interface needs root
 * (or CAP_NET_RAW) to open, and the lab's capture file may be readable by
 * root only.  The file is copied into the run folder, which the assessing
 * child then owns.  A source that cannot be used is recorded for the
 * tests that need it.
 */
static int
open_wifi(struct asy_live *lv)
{
	const struct asy_lab_wifi *w = lv->dut->wifi;
	char why[512] = "", *dir = NULL, *dst = NULL;
	struct asy_buf b;
	int r;

	if (w == NULL)
		return 0;
	asy_buf_init(&b, WIFI_FILE_MAX);
	dir = asy_path_join(lv->work, "wifi");
	dst = asy_path_join(lv->work, WIFI_PCAP);
	if (dir == NULL || dst == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_mkdir_p(dir, 0755);
	if (r < 0) {
		lv->wifi_error = asy_strdup_printf("the run folder's wifi/ "
		    "cannot be made (%s)", asy_strerror(r));
		r = lv->wifi_error ? 0 : ASY_E_NOMEM;
		goto out;
	}
	if (w->iface != NULL) {
		r = asy_wifi_monitor_open(w->iface->name, 0, &lv->wifi_cap,
		    why, sizeof(why));
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0) {
			lv->wifi_cap = NULL;
			lv->wifi_error = asy_strdup_printf("the monitor "
			    "interface %s cannot be used: %s", w->iface->name,
			    *why ? why : asy_strerror(r));
			r = lv->wifi_error ? 0 : ASY_E_NOMEM;
		}
		goto out;
	}
	r = asy_buf_load_file(&b, w->capture);
	if (r == 0)
		r = asy_buf_save_file(&b, dst);
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		lv->wifi_error = asy_strdup_printf("the capture file %s cannot "
		    "be copied into the run folder (%s)", w->capture,
		    r == ASY_E_TOOBIG ? "larger than 256 MiB" :
		    asy_strerror(r));
		r = lv->wifi_error ? 0 : ASY_E_NOMEM;
		goto out;
	}
	lv->wifi_pcap = asy_strdup(WIFI_PCAP);
	r = lv->wifi_pcap != NULL ? 0 : ASY_E_NOMEM;
out:
	asy_buf_release(&b);
	free(dir);
	free(dst);
	return r;
}

/* Does dut share the DUT's model (another unit of it)? */
static int
same_model(const struct asy_lab_dut *dut, const struct asy_lab_dut *other)
{
	return other != dut && dut->model != NULL && other->model != NULL &&
	    strcmp(dut->model, other->model) == 0;
}

/*
 * Read every credential of the DUT now, while assay may still read the
 * lab's root-only secret files; the assessing child inherits the copies.
 * Then those of the lab's other units of the same model.  A secret that
 * cannot be read is not fatal: the tests that need it say so.
 */
static int
load_secrets(struct asy_live *lv)
{
	const struct asy_lab_dut *t = lv->dut;
	size_t n = 0;

	for (size_t k = 0; k < lv->lab->n_duts; k++) {
		const struct asy_lab_dut *o = &lv->lab->duts[k];

		if (o == t || same_model(t, o))
			n += o->n_creds;
	}
	if (n == 0)
		return 0;
	lv->secrets = calloc(n, sizeof(*lv->secrets));
	if (lv->secrets == NULL)
		return ASY_E_NOMEM;
	/* The DUT's own first: asy_live_secret() finds them. */
	for (size_t pass = 0; pass < 2; pass++)
	for (size_t k = 0; k < lv->lab->n_duts; k++) {
		const struct asy_lab_dut *o = &lv->lab->duts[k];

		if (pass == 0 ? o != t : !same_model(t, o))
			continue;
		for (size_t i = 0; i < o->n_creds; i++) {
			struct asy_live_secret *s =
			    &lv->secrets[lv->n_secrets++];
			int r;

			s->cred = o->creds[i];
			s->unit = o == t ? NULL : o;
			s->cred_for = o->cred_for[i];
			s->limited = o->cred_limited != NULL &&
			    o->cred_limited[i];
			r = asy_lab_secret(s->cred, &s->secret);
			if (r == ASY_E_NOMEM)
				return r;
			if (r < 0) {
				s->secret = NULL;
				s->err = r;
				asy_warn("credential %s%s%s: %s", s->cred->id,
				    s->unit ? " of unit " : "",
				    s->unit ? s->unit->name : "",
				    asy_strerror(r));
			}
		}
	}
	return 0;
}

const char *
asy_live_secret(const struct asy_live *lv, const struct asy_lab_cred *c,
    int *err)
{
	if (err != NULL)
		*err = ASY_E_NOTFOUND;
	if (lv == NULL || c == NULL)
		return NULL;
	for (size_t i = 0; i < lv->n_secrets; i++) {
		if (lv->secrets[i].cred != c || lv->secrets[i].unit != NULL)
			continue;
		if (err != NULL)
			*err = lv->secrets[i].err;
		return lv->secrets[i].secret;
	}
	return NULL;
}

/*
 * The DUT's serial port, opened now: a lab's port (/dev/ttyUSB0) is
 * commonly root's or dialout's, and the assessing child will not be.  A
 * port that cannot be opened is recorded for the tests that need it.
 */
static int
open_console(struct asy_live *lv)
{
	struct asy_serial_cfg cfg;
	char why[256];
	int r;

	if (lv->console_log.max == 0)
		asy_buf_init(&lv->console_log, (size_t)4 << 20);
	if (lv->dut->serial == NULL)
		return 0;
	why[0] = '\0';
	r = asy_serial_cfg_from_lab(&cfg, lv->dut->serial);
	/* A port that is not there yet or has hung up already (a USB
	 * adapter that is re-enumerating, a pty whose other end is being
	 * replaced) is tried again, for at most 3 s. */
	for (int tries = 0; r == 0 && tries < 15; tries++) {
		struct pollfd pfd;

		r = asy_console_open(&cfg, &lv->console, why, sizeof(why));
		if (r == ASY_E_NOTFOUND && tries < 14) {
			(void)poll(NULL, 0, 200);
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		pfd.fd = asy_serial_fd(asy_console_serial(lv->console));
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLHUP))
			break;
		asy_console_close(lv->console);
		lv->console = NULL;
		(void)poll(NULL, 0, 200);
		if (tries == 14) {
			snprintf(why, sizeof(why), "it has hung up (the device "
			    "or its adapter is gone, or nothing is at the other "
			    "end) and stayed so for 3 s");
			r = ASY_E_CLOSED;
		}
	}
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0) {
		lv->console = NULL;
		lv->console_error = asy_strdup_printf("the serial port %s "
		    "cannot be used: %s", lv->dut->serial->path, *why ? why :
		    asy_strerror(r));
		return lv->console_error ? 0 : ASY_E_NOMEM;
	}
	asy_console_transcript(lv->console, &lv->console_log, NULL,
	    (size_t)4 << 20);
	return 0;
}

int
asy_live_console_reopen(struct asy_live *lv)
{
	asy_console_close(lv->console);
	lv->console = NULL;
	asy_freep(&lv->console_error);
	return open_console(lv);
}

int
asy_live_open(const struct asy_live_opts *o, const struct asy_decl *decl,
    const char *work, struct asy_live **out)
{
	struct asy_capture_opts co = { 0 };
	struct asy_live *lv;
	char *filter = NULL;
	char errbuf[512];
	int r = 0;

	lv = calloc(1, sizeof(*lv));
	if (lv == NULL)
		return ASY_E_NOMEM;
	lv->lab = o->lab;
	lv->dut = o->dut;
	lv->decl = decl;
	lv->ctl_fd = -1;
	lv->work = work;
	lv->privileged = geteuid() == 0;
	if (o->dut->iface == NULL) {
		lv->cap_error = asy_strdup("the DUT has no network interface "
		    "in the lab config");
		goto done;
	}
	if (o->dut->ipv4 == NULL && o->dut->ipv6 == NULL &&
	    o->dut->mac == NULL) {
		lv->cap_error = asy_strdup("the DUT has no address to filter "
		    "the capture on");
		goto done;
	}
	filter = asy_capture_filter(o->dut->ipv4, o->dut->ipv6, o->dut->mac);
	if (filter == NULL) {
		lv->cap_error = asy_strdup("the DUT's addresses do not make a "
		    "capture filter");
		goto done;
	}
	co.ifname = o->dut->iface->name;
	co.filter = filter;
	co.snaplen = o->lab->capture.snaplen;
	co.buffer = o->lab->capture.buffer;
	co.file_cap = o->lab->capture.file_cap;
	errbuf[0] = '\0';
	r = asy_capture_open(&co, &lv->cap, errbuf, sizeof(errbuf));
	if (r == ASY_E_NOMEM)
		goto done;
	if (r < 0) {
		lv->cap = NULL;
		lv->cap_error = asy_strdup_printf("cannot capture on %s: %s",
		    co.ifname, *errbuf ? errbuf : asy_strerror(r));
		r = lv->cap_error ? 0 : ASY_E_NOMEM;
	}
done:
	free(filter);
	if (r == 0)
		r = open_console(lv);
	if (r == 0)
		r = open_wifi(lv);
	if (r == 0)
		r = load_secrets(lv);
	if (r == 0)
		r = asy_tc_preload(lv);
	if (r < 0) {
		asy_live_free(lv);
		return r;
	}
	*out = lv;
	return 0;
}

/* Move the services of src to the end of dst. */
static int
inventory_merge(struct asy_inventory *dst, struct asy_inventory *src)
{
	struct asy_service *v;
	size_t n = dst->n_services + src->n_services;

	if (src->n_services == 0)
		return 0;
	v = realloc(dst->services, n * sizeof(*v));
	if (v == NULL)
		return ASY_E_NOMEM;
	memcpy(v + dst->n_services, src->services,
	    src->n_services * sizeof(*v));
	dst->services = v;
	dst->n_services = n;
	free(src->services);
	src->services = NULL;
	src->n_services = 0;
	return 0;
}

static int
append_text(char **dst, const char *sep, const char *s)
{
	char *t;

	if (*dst == NULL)
		t = asy_strdup(s);
	else
		t = asy_strdup_printf("%s%s%s", *dst, sep, s);
	if (t == NULL)
		return ASY_E_NOMEM;
	free(*dst);
	*dst = t;
	return 0;
}

/* One nmap run, on one address, in its own thread. */
struct disc_job {
	struct asy_live		*lv;
	const char		*addr;
	const char		*label;		/* "ipv4", "ipv6" */
	const char		*udp_ports;
	char			*rel;		/* discovery/nmap-LABEL.xml */
	char			*cmd;
	struct asy_inventory	*inv;
	struct asy_buf		 why;
	int			 r;
};

static void *
disc_thread(void *arg)
{
	struct disc_job *j = arg;
	const struct asy_lab *lab = j->lv->lab;
	struct asy_nmap_opts no = { 0 };
	char *abs = NULL, *logp = NULL;
	char **argv = NULL;
	struct asy_buf log;

	asy_buf_init(&log, 1 << 17);
	j->rel = asy_strdup_printf("discovery/nmap-%s.xml", j->label);
	abs = j->rel ? asy_path_join(j->lv->work, j->rel) : NULL;
	logp = asy_strdup_printf("%s/discovery/nmap-%s.log", j->lv->work,
	    j->label);
	if (abs == NULL || logp == NULL) {
		j->r = ASY_E_NOMEM;
		goto out;
	}
	no.nmap = lab->tools.nmap;
	no.target = j->addr;
	no.ifname = j->lv->dut->iface ? j->lv->dut->iface->name : NULL;
	no.pps = lab->scan.pps;
	no.tcp_ports = lab->scan.tcp_ports;
	no.udp_ports = j->lv->privileged ? j->udp_ports : NULL;
	no.version_intensity = lab->scan.version_intensity;
	no.scripts = lab->scan.scripts;
	no.timeout_ms = lab->scan.timeout_s * 1000;
	no.xml_path = abs;
	no.privileged = j->lv->privileged && getuid() != 0;
	no.connect_scan = !j->lv->privileged;
	argv = asy_nmap_argv(&no);
	j->cmd = argv ? asy_proc_cmdline(argv) : NULL;
	if (j->cmd == NULL) {
		j->r = argv == NULL ? ASY_E_USAGE : ASY_E_NOMEM;
		if (argv == NULL)
			asy_buf_puts(&j->why, "the lab's scan settings do not "
			    "make a valid nmap command");
		goto out;
	}
	j->r = asy_nmap_run(&no, &j->inv, &j->why);
	asy_buf_printf(&log, "command: %s\nresult: %s\n", j->cmd,
	    j->r == 0 ? "ok" : j->why.data ? j->why.data :
	    asy_strerror(j->r));
	(void)asy_buf_save_file(&log, logp);
out:
	asy_nmap_argv_free(argv);
	asy_buf_release(&log);
	free(abs);
	free(logp);
	return NULL;
}

/*
 * nmap on every address of the DUT at once (IPv4 and IPv6 in parallel: a
 * device scanned on one family only hides what it exposes on the other).
 * 0 with lv->inv set, 0 with lv->disc_error set, or ASY_E_NOMEM.
 */
static int
discover_all(struct asy_live *lv, const char *udp_ports)
{
	const char *addrs[2] = { lv->dut->ipv4, lv->dut->ipv6 };
	static const char *const labels[2] = { "ipv4", "ipv6" };
	struct disc_job jobs[2];
	pthread_t tid[2];
	int started[2] = { 0, 0 }, r = 0;
	struct asy_inventory *all = NULL;

	memset(jobs, 0, sizeof(jobs));
	for (size_t i = 0; i < 2; i++) {
		jobs[i].lv = lv;
		jobs[i].addr = addrs[i];
		jobs[i].label = labels[i];
		jobs[i].udp_ports = udp_ports;
		asy_buf_init(&jobs[i].why, 1 << 16);
		if (addrs[i] == NULL)
			continue;
		if (pthread_create(&tid[i], NULL, disc_thread, &jobs[i]) == 0)
			started[i] = 1;
		else
			disc_thread(&jobs[i]);
	}
	for (size_t i = 0; i < 2; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (size_t i = 0; i < 2; i++) {
		struct disc_job *j = &jobs[i];

		if (j->addr == NULL)
			continue;
		if (j->r == ASY_E_NOMEM) {
			r = ASY_E_NOMEM;
			continue;
		}
		if (j->cmd != NULL && append_text(&lv->nmap_cmd, "\n",
		    j->cmd) < 0)
			r = ASY_E_NOMEM;
		if (j->rel != NULL && lv->nmap_xml == NULL) {
			lv->nmap_xml = j->rel;
			j->rel = NULL;
		} else if (j->rel != NULL && lv->nmap_xml2 == NULL) {
			lv->nmap_xml2 = j->rel;
			j->rel = NULL;
		}
		if (j->r < 0 && lv->disc_error == NULL) {
			lv->disc_error = asy_strdup_printf("nmap on %s: %s",
			    j->addr, j->why.data ? j->why.data :
			    asy_strerror(j->r));
			lv->disc_harness = 1;
			if (lv->disc_error == NULL)
				r = ASY_E_NOMEM;
		}
	}
	if (r == 0 && lv->disc_error == NULL) {
		for (size_t i = 0; i < 2 && r == 0; i++) {
			if (jobs[i].inv == NULL)
				continue;
			if (all == NULL) {
				all = jobs[i].inv;
				jobs[i].inv = NULL;
			} else
				r = inventory_merge(all, jobs[i].inv);
		}
		if (r == 0 && all != NULL)
			r = asy_observe(lv->decl, all, &lv->obs);
		if (r == 0 && all != NULL) {
			lv->inv = all;
			all = NULL;
		}
	}
	asy_inventory_free(all);
	for (size_t i = 0; i < 2; i++) {
		asy_inventory_free(jobs[i].inv);
		asy_buf_release(&jobs[i].why);
		free(jobs[i].rel);
		free(jobs[i].cmd);
	}
	return r;
}

/* The discovery facts a resumed run needs, as D records. */
static int
discovery_journal(struct asy_live *lv)
{
	char dropped[32];
	const char *kv[][2] = {
		{ "nmap-xml", lv->nmap_xml },
		{ "nmap-xml2", lv->nmap_xml2 },
		{ "pcap", lv->disc_pcap },
		{ "dropped", dropped },
		{ "target", lv->target },
		{ "command", lv->nmap_cmd },
		{ "nmap-version", lv->nmap_version },
		{ "done", "yes" },
	};
	int r = 0;

	snprintf(dropped, sizeof(dropped), "%llu", lv->disc_dropped);
	for (size_t i = 0; i < ASY_ELEMENTSOF(kv) && r == 0; i++)
		r = asy_journal_put_disc(lv->journal, kv[i][0], kv[i][1]);
	if (r < 0)
		asy_warn("cannot journal the discovery: %s", asy_strerror(r));
	return r == ASY_E_NOMEM ? r : 0;
}

/* Take the first part's discovery back from its nmap XML files. */
static int
discovery_reload(struct asy_live *lv)
{
	const char *files[2] = { asy_journal_disc(lv->journal, "nmap-xml"),
	    asy_journal_disc(lv->journal, "nmap-xml2") };
	char **dst[4] = { &lv->disc_pcap, &lv->target, &lv->nmap_cmd,
	    &lv->nmap_xml };
	const char *keys[4] = { "pcap", "target", "command", "nmap-xml" };
	struct asy_inventory *all = NULL, *inv = NULL;
	struct asy_diags d;
	unsigned long dropped;
	char why[256];
	int r = 0;

	asy_diags_init(&d);
	for (size_t i = 0; i < 4 && r == 0; i++)
		r = asy_set_str(dst[i], asy_journal_disc(lv->journal,
		    keys[i]));
	if (r == 0)
		r = asy_set_str(&lv->nmap_xml2, files[1]);
	if (r < 0)
		goto out;
	if (asy_journal_disc(lv->journal, "dropped") != NULL &&
	    asy_parse_ulong(asy_journal_disc(lv->journal, "dropped"),
	    &dropped) == 0)
		lv->disc_dropped = dropped;
	lv->alive = dut_alive(lv, why, sizeof(why));
	if (!lv->alive) {
		lv->alive_why = asy_strdup(why);
		goto out;
	}
	for (size_t i = 0; i < 2 && r == 0; i++) {
		char *abs;

		if (files[i] == NULL)
			continue;
		abs = asy_path_join(lv->work, files[i]);
		if (abs == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		r = asy_nmap_parse(abs, &d, &inv);
		free(abs);
		if (r == 0 && all == NULL) {
			all = inv;
			inv = NULL;
		} else if (r == 0)
			r = inventory_merge(all, inv);
		asy_inventory_free(inv);
		inv = NULL;
	}
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0 || all == NULL) {
		lv->disc_error = asy_strdup("the discovery of the run's first "
		    "part cannot be read back from discovery/ for the resumed "
		    "part; start a new run");
		lv->disc_harness = 1;
		r = lv->disc_error ? 0 : ASY_E_NOMEM;
		goto out;
	}
	r = asy_observe(lv->decl, all, &lv->obs);
	if (r == 0) {
		lv->inv = all;
		all = NULL;
	}
out:
	asy_inventory_free(all);
	asy_diags_release(&d);
	return r;
}

/*
 * UDP ports of consumer IoT protocols that nmap's frequency table ranks
 * far below any top-N list (CoAP, udp/5683, is about 15,000th): scanned
 * whenever UDP is, so that 5.13-1-2 finds what it fuzzes.
 */
static const unsigned iot_udp[] = { 5683 };

static int
add_iot_udp(struct asy_buf *udp)
{
	int r = 0;

	for (size_t i = 0; i < ASY_ELEMENTSOF(iot_udp) && r == 0; i++) {
		char item[16];
		int in = 0;

		for (const char *p = udp->data; p != NULL && *p != '\0';
		    p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
			snprintf(item, sizeof(item), "%u", iot_udp[i]);
			if (strncmp(p, item, strlen(item)) == 0 &&
			    (p[strlen(item)] == ',' || p[strlen(item)] ==
			    '\0'))
				in = 1;
		}
		if (!in)
			r = asy_buf_printf(udp, "%s%u", udp->len ? "," : "",
			    iot_udp[i]);
	}
	return r;
}

int
asy_live_discover(struct asy_live *lv)
{
	const char *addrs[2] = { lv->dut->ipv4, lv->dut->ipv6 };
	struct asy_buf udp;
	char why[256], *dir = NULL, *pcap = NULL;
	int r = 0, capturing = 0;

	asy_buf_init(&udp, 1 << 16);
	lv->nmap_version = asy_nmap_version(lv->lab->tools.nmap);
	for (size_t i = 0; i < 2; i++)
		if (addrs[i] != NULL) {
			r = append_text(&lv->target, ", ", addrs[i]);
			if (r < 0)
				goto out;
		}
	if (lv->cap != NULL) {
		r = asy_capture_start(lv->cap);
		if (r < 0) {
			lv->cap_error = asy_strdup_printf("the capture thread "
			    "did not start (%s)", asy_strerror(r));
			asy_capture_close(lv->cap);
			lv->cap = NULL;
			r = 0;
		}
	}
	dir = asy_path_join(lv->work, "discovery");
	if (dir == NULL || asy_mkdir_p(dir, 0755) < 0) {
		r = dir == NULL ? ASY_E_NOMEM : ASY_E_IO;
		goto out;
	}
	free(dir);
	dir = asy_path_join(lv->work, "pcap");
	if (dir == NULL || asy_mkdir_p(dir, 0755) < 0) {
		r = dir == NULL ? ASY_E_NOMEM : ASY_E_IO;
		goto out;
	}
	/* A resumed run keeps the discovery of its first part: its
	 * verdicts already point at that evidence. */
	if (lv->journal != NULL && asy_journal_disc(lv->journal, "done")) {
		r = discovery_reload(lv);
		goto out;
	}
	if (lv->cap != NULL) {
		pcap = asy_path_join(lv->work, "pcap/discovery.pcap");
		if (pcap == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (asy_capture_begin(lv->cap, pcap) == 0) {
			capturing = 1;
			lv->disc_pcap = asy_strdup("pcap/discovery.pcap");
		}
	}
	lv->alive = dut_alive(lv, why, sizeof(why));
	if (!lv->alive) {
		lv->alive_why = asy_strdup(why);
		goto out;
	}
	if (lv->lab->scan.udp_top > 0 && lv->privileged) {
		r = asy_nmap_top_udp(lv->lab->scan.udp_top, &udp);
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0) {
			lv->disc_error = asy_strdup("nmap's nmap-services file "
			    "was not found, so the top UDP ports are unknown; "
			    "check the nmap installation");
			lv->disc_harness = 1;
			r = 0;
			goto out;
		}
		r = add_iot_udp(&udp);
		if (r < 0)
			goto out;
	}
	r = discover_all(lv, udp.data);
	if (r == 0 && lv->inv != NULL && lv->disc_error == NULL &&
	    lv->journal != NULL)
		r = discovery_journal(lv);
out:
	if (capturing) {
		struct asy_capture_stats st;

		if (asy_capture_end(lv->cap, &st) == 0)
			lv->disc_dropped = st.dropped + (st.truncated ? 1 : 0);
		else
			lv->disc_dropped = 1;
	}
	asy_buf_release(&udp);
	free(dir);
	free(pcap);
	return r;
}

static char *
product_text(const struct asy_service *s)
{
	if (s->product == NULL)
		return NULL;
	if (s->version == NULL)
		return asy_strdup(s->product);
	return asy_strdup_printf("%s %s", s->product, s->version);
}

int
asy_live_report(const struct asy_live *lv, struct asy_report *rep)
{
	struct asy_discovery *d;
	int r;

	r = asy_report_add_tool(rep, "libpcap", asy_capture_version());
	if (r == 0 && lv->nmap_version != NULL)
		r = asy_report_add_tool(rep, "nmap", lv->nmap_version);
	/* The libraries the functional tests talk to the device with. */
	if (r == 0)
		r = asy_report_add_tool(rep, "libssh", asy_ssh_version());
	if (r == 0)
		r = asy_report_add_tool(rep, "libcurl", asy_http_version());
	if (r < 0)
		return r;
	d = asy_report_discovery(rep);
	if (d == NULL)
		return ASY_E_NOMEM;
	if (asy_set_str(&d->target, lv->target) < 0 ||
	    asy_set_str(&d->command, lv->nmap_cmd) < 0 ||
	    asy_set_str(&d->evidence, lv->nmap_xml) < 0 ||
	    asy_set_str(&d->pcap, lv->disc_pcap) < 0)
		return ASY_E_NOMEM;
	if (lv->inv == NULL) {
		r = asy_set_str(&d->status, lv->alive ? "failed" : "not run");
		if (r == 0)
			d->note = lv->alive ? asy_strdup_printf("Discovery "
			    "failed: %s", lv->disc_error ? lv->disc_error :
			    "unknown") : asy_strdup_printf("The DUT did not "
			    "answer at the start of the run (%s).",
			    lv->alive_why ? lv->alive_why : "no answer");
		return r < 0 || d->note == NULL ? ASY_E_NOMEM : 0;
	}
	if (asy_set_str(&d->status, "done") < 0)
		return ASY_E_NOMEM;
	d->note = asy_strdup_printf("%zu open service%s found: %zu declared, "
	    "%zu not declared in the IXIT, %zu declared disabled but open; "
	    "%zu declared service%s not seen.", lv->obs->n_open,
	    lv->obs->n_open == 1 ? "" : "s",
	    lv->obs->n_count[ASY_MATCH_DECLARED],
	    lv->obs->n_count[ASY_MATCH_UNDECLARED],
	    lv->obs->n_count[ASY_MATCH_DISABLED],
	    lv->obs->n_count[ASY_MATCH_NOT_SEEN],
	    lv->obs->n_count[ASY_MATCH_NOT_SEEN] == 1 ? "" : "s");
	if (d->note == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < lv->obs->n; i++) {
		const struct asy_observed *o = &lv->obs->v[i];
		struct asy_observed_service *s;

		s = asy_discovery_add(d);
		if (s == NULL)
			return ASY_E_NOMEM;
		s->port = o->port;
		if (asy_set_str(&s->proto, o->proto) < 0 ||
		    asy_set_str(&s->match, asy_match_name(o->match)) < 0 ||
		    asy_set_str(&s->row, o->row ? o->row->id : NULL) < 0)
			return ASY_E_NOMEM;
		if (o->svc != NULL) {
			if (asy_set_str(&s->service, o->svc->name) < 0)
				return ASY_E_NOMEM;
			s->product = product_text(o->svc);
			if (o->svc->product != NULL && s->product == NULL)
				return ASY_E_NOMEM;
		}
	}
	return 0;
}

void
asy_live_free(struct asy_live *lv)
{
	if (lv == NULL)
		return;
	asy_capture_close(lv->cap);
	free(lv->cap_error);
	free(lv->alive_why);
	asy_inventory_free(lv->inv);
	free(lv->disc_error);
	asy_observation_free(lv->obs);
	free(lv->nmap_xml);
	free(lv->nmap_xml2);
	free(lv->disc_pcap);
	free(lv->target);
	free(lv->nmap_cmd);
	free(lv->nmap_version);
	free(lv->case_pcap);
	free(lv->down_why);
	for (size_t i = 0; i < lv->n_secrets; i++)
		asy_secret_free(lv->secrets[i].secret);
	free(lv->secrets);
	asy_tc_state_free(lv->tc);
	asy_console_close(lv->console);
	free(lv->console_error);
	asy_capture_close(lv->wifi_cap);
	free(lv->wifi_pcap);
	free(lv->wifi_error);
	asy_buf_release(&lv->console_log);
	free(lv);
}

int
asy_live_control(struct asy_live *lv, const char *action, struct asy_buf *log,
    char *why, size_t len)
{
	const struct asy_lab_cmd *c = asy_lab_cmd(lv->dut, action);
	struct asy_ctl_result res = { 0 };
	struct asy_buf out;
	char now[32], how[128];
	int r;

	*why = '\0';
	if (c == NULL) {
		snprintf(why, len, "the lab config gives DUT %s no <control "
		    "action=\"%s\">", lv->dut->name, action);
		return ASY_E_NOTFOUND;
	}
	asy_buf_init(&out, ASY_CTL_OUT_MAX);
	asy_now_iso8601(now);
	if (lv->ctl_fd >= 0) {
		r = asy_ctl_request(lv->ctl_fd, action, &out, &res);
	} else {
		struct asy_proc_opts po = { 0 };

		po.timeout_ms = c->timeout_ms;
		po.out = &out;
		po.err = &out;
		r = 0;
		res.rc = asy_proc_run(c->argv, &po, &res.proc);
	}
	if (r < 0) {
		snprintf(why, len, "the control channel to assay's privileged "
		    "process failed (%s)", asy_strerror(r));
		goto out;
	}
	if (res.rc < 0 && res.rc != ASY_E_NOTFOUND)
		snprintf(why, len, "%s could not run: %s", action,
		    asy_strerror(res.rc));
	else {
		asy_proc_describe(&res.proc, how, sizeof(how));
		snprintf(why, len, "%s (line %lu of the lab config): %s",
		    action, c->line, how);
	}
	r = res.rc == 0 && res.proc.exited && res.proc.status == 0;
out:
	if (log != NULL) {
		asy_buf_printf(log, "%s control %s: %s\n", now, action, why);
		/* What the command printed, line by line, printable. */
		for (size_t i = 0; i < out.len;) {
			const char *nl = memchr(out.data + i, '\n',
			    out.len - i);
			size_t n = nl ? (size_t)(nl - (out.data + i)) :
			    out.len - i;
			char *line = asy_printable(out.data + i, n, 512);

			if (line != NULL)
				(void)asy_buf_printf(log, "  | %s\n", line);
			free(line);
			i += n + 1;
		}
	}
	asy_buf_release(&out);
	return r;
}
