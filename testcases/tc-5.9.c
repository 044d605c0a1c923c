/*
 * 5.9-1-2 and 5.9-2-2 (both editions): resilience to network and power
 * outages.
 *
 * With the lab's <control> commands (run by the run's privileged parent,
 * ctl.h), the first unit that needs them makes two outages, each once for
 * the run, as <resilience> says:
 *
 *   network  network-down, the outage (local-check halfway through, when
 *            the lab gives one), network-up;
 *   power    power-off, the outage, power-on.
 *
 * After each, every TCP service discovery found open must accept a
 * connection again within the recovery time; how long it took is measured
 * from the end of the control command that restored it, and reported.  The
 * DUT's settings (<resilience><state>) are read before and after each
 * outage and must be the same.  Everything is in one transcript; the
 * traffic is in the pcap of the case that ran the outages.
 *
 * FAIL: the DUT did not answer again in time, its settings changed, or its
 * local function stopped while the network was cut.  INCONCLUSIVE: a
 * control command failed or hung (the lab's, never the DUT's fault), or
 * the settings could not be read.  Without the control commands the units
 * are the operator's (ASY_TC_OPERATOR).
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "disclose.h"
#include "sshc.h"
#include "error.h"
#include "net.h"
#include "observe.h"
#include "tcstate.h"

/* Most connection attempts kept per outage (5.9-3-2). */
#define MAX_ATTEMPTS	256

struct outage {
	int		 ran;		/* its controls exist and were run */
	char		*harness;	/* a control failed: why; or NULL */
	int		 local;		/* local-check: 1 ok, 0 failed, -1 none */
	char		*local_why;
	int		 back;		/* every service answered again */
	long long	 recover_ms;	/* when back: after the control */
	char		*missing;	/* services still silent, or NULL */
	int		 state;		/* settings: 1 same, 0 changed, -1 not
					   read */
	char		*state_why;	/* what changed, or why not read */
	/* 5.9-3-2: the window after the outage (seconds since the epoch)
	 * and the DUT's connection attempts to others seen in it. */
	double		 win_from, win_to;
	double		 syn[MAX_ATTEMPTS];
	size_t		 n_syn;
	char		 peer[64];	/* the one it tried most: "198.18.1.1
					   tcp/9" */
};

struct asy_tc_outages {
	struct outage	 net, pwr;
	char		*declared;	/* 23-ResMech's words, or NULL */
	char		*reconnect;	/* 11-ComMech's resilience words */
	char		*scan_error;	/* the pcap could not be read */
	char		*transcript;	/* relative path */
	const char	*by_case;
};

static void
outage_release(struct outage *o)
{
	free(o->harness);
	free(o->local_why);
	free(o->missing);
	free(o->state_why);
}

void
asy_tc_outages_free(struct asy_tc_outages *o)
{
	if (o == NULL)
		return;
	outage_release(&o->net);
	outage_release(&o->pwr);
	free(o->declared);
	free(o->reconnect);
	free(o->scan_error);
	free(o->transcript);
	free(o);
}

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long long ms)
{
	long long end = asy_now_ms() + ms;

	while (ms > 0) {
		(void)poll(NULL, 0, (int)(ms > 1000 ? 1000 : ms));
		ms = end - asy_now_ms();
	}
}

/*
 * <resilience><configure>: settings of the run's own ({token}, a fresh
 * marker) before the outages, so that what 5.9 compares is not a factory
 * state an earlier case left.  A failure is logged; the settings read
 * next are compared all the same.
 */
static void
configure(struct asy_live *lv, struct asy_buf *t)
{
	const struct asy_lab_step *st = &lv->dut->resil.configure;
	struct asy_tc_subst sub = { 0 };
	struct asy_ssh *ssh = NULL;
	struct asy_buf out;
	char tok[ASY_TC_TOKEN_LEN], why[256] = "";
	int r;

	asy_tc_token(tok);
	sub.token = tok;
	asy_buf_init(&out, ASY_TC_STEP_OUT_MAX);
	r = asy_tc_step(lv, st, &sub, &ssh, &out, why, sizeof(why));
	asy_ssh_close(ssh);
	if (r == 0)
		asy_tc_log(t, "  configured (line %lu of the lab config), "
		    "marker %s", st->line, tok);
	else
		asy_tc_log(t, "  <configure> (line %lu) failed: %s", st->line,
		    *why != '\0' ? why : asy_strerror(r));
	asy_buf_release(&out);
}

/* Read the DUT's settings with <resilience><state>; NULL with why. */
static char *
read_state(struct asy_live *lv, struct asy_buf *t, char *why, size_t len)
{
	const struct asy_lab_step *st = &lv->dut->resil.state;
	struct asy_tc_subst sub = { 0 };
	struct asy_ssh *ssh = NULL;
	struct asy_buf out;
	char *s = NULL;
	int r;

	asy_buf_init(&out, ASY_TC_STEP_OUT_MAX);
	r = asy_tc_step(lv, st, &sub, &ssh, &out, why, len);
	asy_ssh_close(ssh);
	if (r == 0) {
		if (asy_buf_putc(&out, '\0') == 0)
			s = asy_buf_steal(&out);
		else
			snprintf(why, len, "the settings are too long");
	} else if (*why == '\0')
		snprintf(why, len, "%s", asy_strerror(r));
	if (s != NULL) {
		char *p = asy_printable(s, strlen(s), 400);

		asy_tc_log(t, "  settings (line %lu of the lab config): %s",
		    st->line, p != NULL ? p : "");
		free(p);
	} else
		asy_tc_log(t, "  settings not read: %s", why);
	asy_buf_release(&out);
	return s;
}

/* Wait until every open TCP service answers again, or the deadline. */
static int
wait_back(struct asy_live *lv, struct outage *o, long long t0,
    struct asy_buf *t)
{
	int r;

	r = asy_tc_services_back(lv, t0, lv->dut->resil.recover_ms, t,
	    &o->missing);
	o->recover_ms = asy_now_ms() - t0;
	o->back = r == 0;
	return r == ASY_E_NOMEM ? r : 0;
}

/* One outage: down, wait (local-check halfway), up, wait for the
 * services, compare the settings. */
static int
outage(struct asy_live *lv, struct outage *o, const char *off,
    const char *on, int local, const char *before, struct asy_buf *t)
{
	const struct asy_lab_resilience *rs = &lv->dut->resil;
	long long half = (long long)rs->outage_ms / 2, t0;
	char why[512];
	int r;

	if (asy_lab_cmd(lv->dut, off) == NULL ||
	    asy_lab_cmd(lv->dut, on) == NULL)
		return 0;
	o->ran = 1;
	o->local = -1;
	o->state = -1;
	asy_tc_log(t, "%s for %.0f s", off, (double)rs->outage_ms / 1000.0);
	r = asy_live_control(lv, off, t, why, sizeof(why));
	if (r < 0 && r != ASY_E_NOTFOUND)
		return r;
	if (r != 1)
		o->harness = asy_strdup(why);
	sleep_ms(half);
	if (local && o->harness == NULL &&
	    asy_lab_cmd(lv->dut, "local-check") != NULL) {
		r = asy_live_control(lv, "local-check", t, why, sizeof(why));
		if (r < 0 && r != ASY_E_NOTFOUND)
			return r;
		o->local = r == 1;
		o->local_why = asy_strdup(why);
	}
	sleep_ms((long long)rs->outage_ms - half);
	/* The way back is taken whatever happened before.  The recovery
	 * time counts from its start: a power-on command may wait for the
	 * device itself. */
	t0 = asy_now_ms();
	o->win_from = wall_s();
	r = asy_live_control(lv, on, t, why, sizeof(why));
	if (r < 0 && r != ASY_E_NOTFOUND)
		return r;
	if (r != 1 && o->harness == NULL)
		o->harness = asy_strdup(why);
	if (o->harness != NULL)
		return 0;
	r = wait_back(lv, o, t0, t);
	if (r < 0)
		return r;
	if (o->back && rs->state.via != ASY_VIA_NONE) {
		char *after = read_state(lv, t, why, sizeof(why));

		if (after == NULL)
			o->state_why = asy_strdup(why);
		else if (before != NULL) {
			o->state_why = asy_tc_text_diff(before, after,
			    "before", "after");
			o->state = o->state_why == NULL;
		}
		free(after);
	}
	/* The reconnections after the outage: watched for observe seconds
	 * from the start of the way back. */
	if (rs->observe_ms > 0) {
		long long left = t0 + (long long)rs->observe_ms - asy_now_ms();

		if (left > 0) {
			asy_tc_log(t, "  watching the DUT's reconnections for "
			    "%.1f s more", (double)left / 1000.0);
			sleep_ms(left);
		}
		o->win_to = wall_s();
	}
	return 0;
}

/* The resilience words of the rows of a table (23-ResMech; 11-ComMech,
 * V2.1.1 11-SecComMech, for reconnections). */
static char *
declared(const struct asy_live *lv, const char *table)
{
	struct asy_buf b;

	asy_buf_init(&b, 4096);
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		const char *v = asy_ixit_get(row, "resilience");

		if (strstr(row->table->id, table) == NULL || v == NULL)
			continue;
		(void)asy_buf_printf(&b, "%s%s: %s", b.len ? "; " : "",
		    row->id, v);
	}
	return b.len ? asy_buf_steal(&b) : (asy_buf_release(&b), NULL);
}

struct scan {
	struct asy_tc_outages	*o;
	unsigned char		 dut4[4], dut6[16];
	int			 has4, has6;
	/* Per outage, the attempts by peer: counted for the most tried. */
	struct attempt {
		unsigned char	 addr[16];
		int		 v6;
		unsigned	 port, sport;
		double		 ts;
	}			*a;
	size_t			 n, cap;
};

/* A TCP SYN (no ACK) from the DUT to someone else: a connection the DUT
 * opens.  Ethernet, IPv4 or IPv6 (no extension headers), bounds checked. */
static int
on_frame(const struct asy_frame *f, void *ctx)
{
	struct scan *sc = ctx;
	const unsigned char *p = f->data;
	size_t len = f->caplen, off = 14, ihl;
	struct attempt at = { 0 };
	unsigned type;

	if (f->linktype != 1 || len < off)
		return 0;
	type = (unsigned)p[12] << 8 | p[13];
	if (type == 0x0800 && sc->has4) {
		if (len < off + 20 || (p[off] >> 4) != 4 || p[off + 9] != 6)
			return 0;
		ihl = (size_t)(p[off] & 0x0f) * 4;
		if (ihl < 20 || memcmp(p + off + 12, sc->dut4, 4) != 0 ||
		    memcmp(p + off + 16, sc->dut4, 4) == 0)
			return 0;
		memcpy(at.addr, p + off + 16, 4);
		off += ihl;
	} else if (type == 0x86dd && sc->has6) {
		if (len < off + 40 || (p[off] >> 4) != 6 || p[off + 6] != 6 ||
		    memcmp(p + off + 8, sc->dut6, 16) != 0 ||
		    memcmp(p + off + 24, sc->dut6, 16) == 0)
			return 0;
		memcpy(at.addr, p + off + 24, 16);
		at.v6 = 1;
		off += 40;
	} else
		return 0;
	if (len < off + 14 || (p[off + 13] & 0x12) != 0x02)
		return 0;
	at.sport = (unsigned)p[off] << 8 | p[off + 1];
	at.port = (unsigned)p[off + 2] << 8 | p[off + 3];
	at.ts = f->ts;
	/* A retransmitted SYN is the same attempt. */
	for (size_t i = 0; i < sc->n; i++)
		if (sc->a[i].sport == at.sport && sc->a[i].port == at.port &&
		    sc->a[i].v6 == at.v6 && memcmp(sc->a[i].addr, at.addr,
		    16) == 0)
			return 0;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 64;
		struct attempt *v;

		if (cap > 4 * MAX_ATTEMPTS)
			return 1;
		v = realloc(sc->a, cap * sizeof(*v));
		if (v == NULL)
			return 1;
		sc->a = v;
		sc->cap = cap;
	}
	sc->a[sc->n++] = at;
	return 0;
}

/* The attempts inside one outage's window, to the peer tried most. */
static void
attempts_of(struct scan *sc, struct outage *o, struct asy_buf *t,
    const char *what)
{
	size_t best = 0, best_n = 0;
	char addr[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < sc->n; i++) {
		size_t k = 0;

		if (sc->a[i].ts < o->win_from || sc->a[i].ts > o->win_to)
			continue;
		for (size_t j = 0; j < sc->n; j++)
			if (sc->a[j].ts >= o->win_from &&
			    sc->a[j].ts <= o->win_to &&
			    sc->a[j].port == sc->a[i].port &&
			    sc->a[j].v6 == sc->a[i].v6 &&
			    memcmp(sc->a[j].addr, sc->a[i].addr, 16) == 0)
				k++;
		if (k > best_n) {
			best_n = k;
			best = i;
		}
	}
	if (best_n == 0) {
		asy_tc_log(t, "after the %s outage: no connection attempt by "
		    "the DUT in %.1f s", what, o->win_to - o->win_from);
		return;
	}
	inet_ntop(sc->a[best].v6 ? AF_INET6 : AF_INET, sc->a[best].addr,
	    addr, sizeof(addr));
	snprintf(o->peer, sizeof(o->peer), "%s tcp/%u", addr,
	    sc->a[best].port);
	for (size_t j = 0; j < sc->n && o->n_syn < MAX_ATTEMPTS; j++)
		if (sc->a[j].ts >= o->win_from && sc->a[j].ts <= o->win_to &&
		    sc->a[j].port == sc->a[best].port &&
		    sc->a[j].v6 == sc->a[best].v6 &&
		    memcmp(sc->a[j].addr, sc->a[best].addr, 16) == 0)
			o->syn[o->n_syn++] = sc->a[j].ts;
	asy_tc_log(t, "after the %s outage: %zu connection attempts to %s "
	    "in %.1f s", what, o->n_syn, o->peer, o->win_to - o->win_from);
	for (size_t j = 0; j < o->n_syn; j++)
		asy_tc_log(t, "  +%.2f s", o->syn[j] - o->win_from);
}

/* The DUT's own connection attempts in this case's pcap so far. */
static int
scan_attempts(struct asy_live *lv, struct asy_tc_outages *o,
    struct asy_buf *t)
{
	struct scan sc = { 0 };
	char errbuf[256], *path;

	sc.o = o;
	sc.has4 = lv->dut->ipv4 != NULL &&
	    inet_pton(AF_INET, lv->dut->ipv4, sc.dut4) == 1;
	sc.has6 = lv->dut->ipv6 != NULL &&
	    inet_pton(AF_INET6, lv->dut->ipv6, sc.dut6) == 1;
	if (lv->case_pcap == NULL) {
		o->scan_error = asy_strdup("this case has no pcap");
		return o->scan_error == NULL ? ASY_E_NOMEM : 0;
	}
	path = asy_path_join(lv->work, lv->case_pcap);
	if (path == NULL)
		return ASY_E_NOMEM;
	if (asy_capture_each(path, on_frame, &sc, errbuf,
	    sizeof(errbuf)) < 0)
		o->scan_error = asy_strdup_printf("%s cannot be read: %s",
		    lv->case_pcap, errbuf);
	free(path);
	if (o->net.ran && o->net.win_to > 0)
		attempts_of(&sc, &o->net, t, "network");
	if (o->pwr.ran && o->pwr.win_to > 0)
		attempts_of(&sc, &o->pwr, t, "power");
	free(sc.a);
	return 0;
}

static int
run_outages(struct asy_live *lv, struct asy_tc_outages **out)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	struct asy_tc_outages *o;
	struct asy_buf t;
	char *before = NULL, why[512];
	int r;

	if (tc == NULL)
		return ASY_E_NOMEM;
	if (tc->outages != NULL) {
		*out = tc->outages;
		return 0;
	}
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return ASY_E_NOMEM;
	tc->outages = o;
	o->by_case = lv->case_id;
	o->declared = declared(lv, "23-ResMech");
	o->reconnect = declared(lv, "ComMech");
	asy_buf_init(&t, 1 << 20);
	asy_tc_log(&t, "outages of DUT %s (lab config line %lu)",
	    lv->dut->name, lv->dut->resil.line);
	if (lv->dut->resil.configure.via != ASY_VIA_NONE)
		configure(lv, &t);
	if (lv->dut->resil.state.via != ASY_VIA_NONE)
		before = read_state(lv, &t, why, sizeof(why));
	r = outage(lv, &o->net, "network-down", "network-up", 1, before, &t);
	if (r == 0)
		r = outage(lv, &o->pwr, "power-off", "power-on", 0, before,
		    &t);
	if (r == 0 && lv->dut->resil.observe_ms > 0)
		r = scan_attempts(lv, o, &t);
	if (r == 0)
		r = asy_tc_transcript_save(lv, "outages", 0, &t,
		    &o->transcript);
	free(before);
	asy_buf_release(&t);
	*out = o;
	return r;
}

/* Does the lab give what the outages need? */
static int
configured(const struct asy_live *lv, int net, int pwr)
{
	const struct asy_lab_dut *d = lv->dut;

	if (d->resil.line == 0)
		return 0;
	if (net && (asy_lab_cmd(d, "network-down") == NULL ||
	    asy_lab_cmd(d, "network-up") == NULL))
		return 0;
	if (pwr && (asy_lab_cmd(d, "power-off") == NULL ||
	    asy_lab_cmd(d, "power-on") == NULL))
		return 0;
	return 1;
}

static int
evidence(struct asy_live *lv, const struct asy_tc_outages *o,
    struct asy_unit_result *u)
{
	char note[128];

	if (o->transcript == NULL)
		return 0;
	snprintf(note, sizeof(note), "the control commands, the services "
	    "coming back and the settings, timestamped (traffic in %s's "
	    "pcap)", o->by_case ? o->by_case : "this case");
	(void)lv;
	return asy_unit_add_evidence(u, o->transcript, "transcript", note);
}

/* Judge one outage into a part. */
static int
judge(const struct asy_live *lv, const struct asy_tc_outages *all,
    const struct outage *o, const char *what, int need_local,
    struct asy_unit_result *u)
{
	double secs = (double)o->recover_ms / 1000.0;
	const char *decl = all->declared ? all->declared : "nothing declared";

	if (o->harness != NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the %s outage "
		    "could not be made as the lab config says: %s", what,
		    o->harness);
	if (!o->back)
		return asy_unit_set(u, ASY_V_FAIL, "after the %s outage the "
		    "DUT did not answer again within %.0f s (%s still "
		    "silent); declared: %s", what,
		    (double)lv->dut->resil.recover_ms / 1000.0, o->missing ?
		    o->missing : "services", decl);
	if (need_local && o->local == 0)
		return asy_unit_set(u, ASY_V_FAIL, "while the network was "
		    "cut, the DUT's local function failed the lab's check "
		    "(%s); declared: %s", o->local_why ? o->local_why : "",
		    decl);
	if (o->state == 0)
		return asy_unit_set(u, ASY_V_FAIL, "after the %s outage the "
		    "DUT's settings are not the ones it had (%s); its "
		    "services answered again %.1f s after the end of the "
		    "outage; declared: %s", what, o->state_why, secs, decl);
	if (o->state < 0 && lv->dut->resil.state.via != ASY_VIA_NONE)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the DUT answered "
		    "again %.1f s after the end of the %s outage, but its settings "
		    "could not be read to compare (%s)", secs, what,
		    o->state_why ? o->state_why : "not read before");
	return asy_unit_set(u, ASY_V_PASS, "every service answered again "
	    "%.1f s after the end of the %s outage%s%s; declared: %s", secs,
	    what,
	    o->state > 0 ? " with the same settings" : " (the lab config "
	    "gives no <state> to compare settings)", need_local &&
	    o->local > 0 ? ", and the local function passed the lab's "
	    "check during it" : "", decl);
}

static int
unit_net(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_tc_outages *o;
	int r;

	(void)pu;
	if (!configured(lv, 1, 0))
		return ASY_TC_OPERATOR;
	r = run_outages(lv, &o);
	if (r == 0)
		r = judge(lv, o, &o->net, "network", 1, u);
	return r < 0 ? r : evidence(lv, o, u);
}

static int
unit_power(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_tc_outages *o;
	int r;

	(void)pu;
	if (!configured(lv, 0, 1))
		return ASY_TC_OPERATOR;
	r = run_outages(lv, &o);
	if (r == 0)
		r = judge(lv, o, &o->pwr, "power", 0, u);
	return r < 0 ? r : evidence(lv, o, u);
}

/* 5.9-2-2 a: the local function while the network is cut. */
static int
unit_local(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_tc_outages *o;
	int r;

	(void)pu;
	if (!configured(lv, 1, 0) ||
	    asy_lab_cmd(lv->dut, "local-check") == NULL)
		return ASY_TC_OPERATOR;
	r = run_outages(lv, &o);
	if (r < 0)
		return r;
	if (o->net.harness != NULL)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the network outage "
		    "could not be made as the lab config says: %s",
		    o->net.harness);
	else if (o->net.local < 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the local function "
		    "was not checked during the network outage");
	else
		r = asy_unit_set(u, o->net.local ? ASY_V_PASS : ASY_V_FAIL,
		    "with the network cut, the lab's check of the local "
		    "function %s (%s); declared: %s", o->net.local ?
		    "passed" : "failed", o->net.local_why ? o->net.local_why :
		    "", o->declared ? o->declared : "nothing declared");
	return r < 0 ? r : evidence(lv, o, u);
}

/* 5.9-2-2 b: back to an expected, working state after both outages. */
static int
unit_recover(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_unit_result part;
	struct asy_tc_outages *o;
	int r, any = 0;

	(void)pu;
	if (!configured(lv, 0, 0) || (!configured(lv, 1, 0) &&
	    !configured(lv, 0, 1)))
		return ASY_TC_OPERATOR;
	r = run_outages(lv, &o);
	if (r < 0)
		return r;
	if (o->net.ran) {
		memset(&part, 0, sizeof(part));
		r = judge(lv, o, &o->net, "network", 0, &part);
		if (r == 0)
			r = asy_tc_fold(u, &part, "network");
		any = 1;
	}
	if (r == 0 && o->pwr.ran) {
		memset(&part, 0, sizeof(part));
		r = judge(lv, o, &o->pwr, "power", 0, &part);
		if (r == 0)
			r = asy_tc_fold(u, &part, "power");
		any = 1;
	}
	if (r == 0 && !any)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "no outage was made");
	return r < 0 ? r : evidence(lv, o, u);
}

/*
 * Judge the reconnections after one outage: hammering is FAIL (5 or more
 * attempts, the last interval under 2 s and not longer than 1.5 times the
 * first: no back-off); backing off or a few attempts is PASS.
 */
static int
judge_reconnect(const struct asy_tc_outages *all, const struct outage *o,
    const char *what, struct asy_unit_result *u)
{
	const char *decl = all->reconnect ? all->reconnect :
	    "the IXIT's communication mechanisms say nothing of it";
	double first, last, span;

	if (o->harness != NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the %s outage "
		    "could not be made as the lab config says: %s", what,
		    o->harness);
	/* Nothing in this window, but attempts after the other outage: a
	 * device in its back-off waits; nothing was flooded. */
	if (o->n_syn == 0)
		return asy_unit_set(u, ASY_V_PASS, "no connection attempt in "
		    "the %.0f s watched after the %s outage: no flood",
		    o->win_to - o->win_from, what);
	span = o->syn[o->n_syn - 1] - o->syn[0];
	if (o->n_syn < 3)
		return asy_unit_set(u, ASY_V_PASS, "%zu connection attempt%s "
		    "to %s in the %.0f s after the %s outage: no flood; "
		    "declared: %s", o->n_syn, o->n_syn == 1 ? "" : "s",
		    o->peer, o->win_to - o->win_from, what, decl);
	first = o->syn[1] - o->syn[0];
	last = o->syn[o->n_syn - 1] - o->syn[o->n_syn - 2];
	if (o->n_syn >= 5 && last < 2.0 && last <= 1.5 * first)
		return asy_unit_set(u, ASY_V_FAIL, "after the %s outage the "
		    "DUT tried %s %zu times in %.1f s, every %.1f s to the "
		    "last, without backing off; declared: %s", what, o->peer,
		    o->n_syn, span, last, decl);
	return asy_unit_set(u, ASY_V_PASS, "after the %s outage the DUT "
	    "tried %s %zu times in %.1f s, the interval growing from %.1f s "
	    "to %.1f s; declared: %s", what, o->peer, o->n_syn, span, first,
	    last, decl);
}

/* 5.9-3-2 a: reconnections after the outages, from the capture. */
static int
unit_reconnect(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_unit_result part;
	struct asy_tc_outages *o;
	int r = 0, seen;

	(void)pu;
	if (lv->dut->resil.observe_ms == 0 || (!configured(lv, 1, 0) &&
	    !configured(lv, 0, 1)))
		return ASY_TC_OPERATOR;
	r = run_outages(lv, &o);
	if (r < 0)
		return r;
	seen = o->net.n_syn > 0 || o->pwr.n_syn > 0;
	if (o->scan_error != NULL)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the capture could "
		    "not be read: %s", o->scan_error);
	else if (!seen && o->net.harness == NULL && o->pwr.harness == NULL)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the DUT opened no "
		    "connection in the %.0f s watched after each outage, so "
		    "its reconnection behaviour was not seen",
		    (double)lv->dut->resil.observe_ms / 1000.0);
	else {
		if (o->net.ran) {
			memset(&part, 0, sizeof(part));
			r = judge_reconnect(o, &o->net, "network", &part);
			if (r == 0)
				r = asy_tc_fold(u, &part, "network");
		}
		if (r == 0 && o->pwr.ran) {
			memset(&part, 0, sizeof(part));
			r = judge_reconnect(o, &o->pwr, "power", &part);
			if (r == 0)
				r = asy_tc_fold(u, &part, "power");
		}
	}
	if (r == 0 && u->verdict == ASY_V_NONE)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "no outage was made");
	if (r == 0 && o->by_case != NULL && lv->case_id != NULL &&
	    strcmp(o->by_case, lv->case_id) != 0) {
		char *pcap = asy_strdup_printf("pcap/%s.pcap", o->by_case);

		if (pcap == NULL)
			return ASY_E_NOMEM;
		r = asy_unit_add_evidence(u, pcap, "pcap", "the outages and "
		    "the reconnections after them");
		free(pcap);
	}
	return r < 0 ? r : evidence(lv, o, u);
}

static const struct asy_tc_unit units_3[] = {
	{ "a", unit_reconnect },
};

static const struct asy_tc_unit units_1[] = {
	{ "a", unit_net },
	{ "b", unit_power },
};

static const struct asy_tc_unit units_2[] = {
	{ "a", unit_local },
	{ "b", unit_recover },
};

const struct asy_testcase asy_tc_5_9_1_2 = {
	"ts103701-v1.1.1", "5.9-1-2", units_1, ASY_ELEMENTSOF(units_1),
};

const struct asy_testcase asy_tc_5_9_1_2_v2 = {
	"ts103701-v2.1.1", "5.9-1-2", units_1, ASY_ELEMENTSOF(units_1),
};

const struct asy_testcase asy_tc_5_9_2_2 = {
	"ts103701-v1.1.1", "5.9-2-2", units_2, ASY_ELEMENTSOF(units_2),
};

const struct asy_testcase asy_tc_5_9_2_2_v2 = {
	"ts103701-v2.1.1", "5.9-2-2", units_2, ASY_ELEMENTSOF(units_2),
};

const struct asy_testcase asy_tc_5_9_3_2 = {
	"ts103701-v1.1.1", "5.9-3-2", units_3, ASY_ELEMENTSOF(units_3),
};

const struct asy_testcase asy_tc_5_9_3_2_v2 = {
	"ts103701-v2.1.1", "5.9-3-2", units_3, ASY_ELEMENTSOF(units_3),
};
