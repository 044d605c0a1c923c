/*
 * 5.1-5: protection against brute force over the network.
 *
 * 5.1-5-2 a: scan the network interfaces for authentication mechanisms the
 * IXIT does not declare: every open service that offers authentication
 * must be declared, or its brute-force protection was never assessed.
 *
 * 5.1-5-2 b, for each network authentication mechanism: every open
 * service that uses it (13-SoftServ authmech) is attacked with the
 * default-credential list within the lab's budget (tclib.h surfaces): the
 * rate of guesses, their slowing down and refused connections are
 * measured, then compared with the declared protection (1-AuthMech
 * bruteforce): a password guessed is a FAIL; so is a declared delay not
 * seen, a declared lockout that lets the right password in after the
 * attack, or a declared rate limit that a burst of connections does not
 * meet.  Otherwise PASS with the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_PASSWORD,
	    "authentication");
}

/* Is word in text, not negated by a "no" or "without" in the 24
 * characters before it ("no delay or lockout")? */
static int
claims(const char *text, const char *word)
{
	for (const char *p = text; p != NULL && (p = strcasestr(p, word));
	    p++) {
		size_t back = (size_t)(p - text) < 24 ? (size_t)(p - text) : 24;
		char before[32];

		snprintf(before, sizeof(before), " %.*s", (int)back, p - back);
		if (strcasestr(before, " no ") == NULL &&
		    strcasestr(before, "without") == NULL)
			return 1;
	}
	return 0;
}

/* "3 s delay", "delay of 3 s", "3-second delay": seconds, or 0. */
static double
declared_delay(const char *text)
{
	const char *p = text ? strcasestr(text, "delay") : NULL;

	if (p == NULL || !claims(text, "delay"))
		return 0;
	/* The nearest number before or after "delay". */
	for (const char *q = p; q > text && q > p - 16; q--)
		if (q[-1] >= '0' && q[-1] <= '9') {
			while (q > text && ((q[-1] >= '0' && q[-1] <= '9') ||
			    q[-1] == '.'))
				q--;
			return strtod(q, NULL);
		}
	for (const char *q = p; *q != '\0' && q < p + 24; q++)
		if (*q >= '0' && *q <= '9')
			return strtod(q, NULL);
	return 0;
}

static int
rate_limited(struct asy_live *lv, unsigned port, struct asy_buf *fig)
{
	struct asy_credlist l = { 0 };
	struct asy_guess_opts go = { 0 };
	struct asy_guess_result g;
	const struct asy_guess_ops *ops;
	void *cfg = NULL;
	int r, limited;

	ops = asy_tc_connect_prober(lv, port, &cfg);
	if (ops == NULL)
		return ASY_E_NOMEM;
	for (int i = 0; i < 25; i++) {
		char p[16];

		snprintf(p, sizeof(p), "probe-%d", i);
		r = asy_credlist_add(&l, "probe", p);
		if (r < 0) {
			asy_tc_prober_free(cfg);
			asy_credlist_release(&l);
			return r;
		}
	}
	memset(&g, 0, sizeof(g));
	go.ops = ops;
	go.cfg = cfg;
	go.list = &l;
	go.max_attempts = 25;
	go.budget_ms = 10000;
	go.workers = 1;
	r = asy_guess_run(&go, &g);
	asy_tc_prober_free(cfg);
	asy_credlist_release(&l);
	if (r < 0)
		return r;
	limited = g.throttled || g.open_failures > 0;
	(void)asy_buf_printf(fig, "%sa burst of new connections to tcp/%u: "
	    "%u accepted, %u not accepted in %.1f s%s", fig->len ? "; " : "",
	    port, g.opens, g.open_failures, g.seconds, limited ?
	    " (throttled)" : " (no limit seen)");
	return limited;
}

/* One service of the mechanism: 1 FAIL, 0 PASS, 2 not measurable. */
static int
judge(struct asy_live *lv, const struct asy_ixit_row *am,
    const struct asy_surface *s, struct asy_buf *why)
{
	const char *decl = asy_ixit_get(am, "bruteforce");
	const struct asy_guess_result *g = &s->g;
	double delay = declared_delay(decl);
	int fail = 0, r;

	if (!s->password) {
		(void)asy_buf_printf(why, "no password login offered (%s)",
		    s->method[0] ? s->method : s->note ? s->note : "?");
	} else if (!s->guessed) {
		(void)asy_buf_printf(why, "%s cannot be guessed by assay "
		    "(no prober)", s->method);
		return 2;
	} else {
		(void)asy_buf_printf(why, "%u guesses in %.1f s (%.1f a "
		    "second; first 10 at %.1f/s, last 10 at %.1f/s%s)",
		    g->attempts, g->seconds, g->rate, g->rate_first,
		    g->rate_last, g->throttled ? ", throttled" : "");
		if (g->attempts == 0 && g->why[0] != '\0') {
			(void)asy_buf_printf(why, ": %s", g->why);
			return 2;
		}
		if (s->found_user != NULL) {
			(void)asy_buf_printf(why, "; GUESSED: %s/%s accepted",
			    s->found_user, *s->found_pass ? s->found_pass :
			    "(empty)");
			fail = 1;
		}
		if (delay > 0 && g->attempts > 0 &&
		    g->latency_last_ms < delay * 1000 / 2) {
			(void)asy_buf_printf(why, "; the declared %.1f s delay "
			    "was not seen (a refused guess took %.0f ms)",
			    delay, g->latency_last_ms);
			fail = 1;
		} else if (delay > 0) {
			(void)asy_buf_printf(why, "; a refused guess took "
			    "%.0f ms, as the declared %.1f s delay says",
			    g->latency_last_ms, delay);
		}
		if (claims(decl, "lockout") || claims(decl, "locked")) {
			const char *user = NULL, *secret;
			char w[160];

			secret = asy_tc_secret(lv, am->id, 0, &user);
			if (secret != NULL && asy_tc_login(lv, s, user ?
			    user : "admin", secret, 0, w, sizeof(w)) == 1) {
				(void)asy_buf_printf(why, "; a lockout is "
				    "declared, but the right password was "
				    "still accepted after the attack");
				fail = 1;
			}
		}
	}
	if (claims(decl, "limit") || claims(decl, "throttl") ||
	    claims(decl, "a minute") || claims(decl, "per minute")) {
		r = rate_limited(lv, s->port, why);
		if (r < 0)
			return r;
		if (r == 0) {
			(void)asy_buf_puts(why, "; the declared rate limit "
			    "was not seen");
			fail = 1;
		}
	}
	return fail;
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	const struct asy_ixit_row *am = pu->row;
	struct asy_buf why;
	size_t parts = 0, fails = 0, unmeasured = 0;
	int r = 0;

	if (am == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	asy_buf_init(&why, (size_t)16 << 10);
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		const struct asy_surface *s;

		if (strcmp(row->table->id, "13-SoftServ") != 0 ||
		    !asy_tc_names(asy_ixit_get(row, "authmech"), am->id))
			continue;
		s = asy_tc_surface_of(lv, row);
		if (s == NULL)
			continue;
		r = asy_tc_surface_evidence(lv, s, u);
		if (r < 0)
			goto out;
		(void)asy_buf_printf(&why, "%s%s/%u (%s): ", why.len ? "; " :
		    "", s->o->proto, s->port, row->id);
		r = judge(lv, am, s, &why);
		if (r < 0)
			goto out;
		parts++;
		fails += r == 1;
		unmeasured += r == 2;
	}
	if (parts == 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "no open service is "
		    "declared (13-SoftServ authmech) to use %s, so it could "
		    "not be attacked", am->id);
	else if (fails > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "against the declared "
		    "protection \"%.200s\": %s", asy_ixit_get(am, "bruteforce")
		    ? asy_ixit_get(am, "bruteforce") : "none declared",
		    why.data);
	else if (unmeasured == parts)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s", why.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "behaves as declared (\"%.200s"
		    "\"): %s", asy_ixit_get(am, "bruteforce") ?
		    asy_ixit_get(am, "bruteforce") : "none declared",
		    why.data);
out:
	asy_buf_release(&why);
	return r;
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "b", unit_b },
};

const struct asy_testcase asy_tc_5_1_5_2 = {
	"ts103701-v1.1.1", "5.1-5-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_1_5_2_v2 = {
	"ts103701-v2.1.1", "5.1-5-2", units, ASY_ELEMENTSOF(units),
};
