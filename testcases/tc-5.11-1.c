/*
 * 5.11-1-2 (both editions): user data can be erased simply.
 *
 * With the lab's <erase> steps, once for the run:
 *
 *   1. <delete>: the declared erase function, so that what <read> shows
 *      next is the DUT's factory state (the reference);
 *   2. <create> with {token}, a marker made for the run ("assay" and 16
 *      hex digits): user data the DUT did not have; <read> must show it;
 *   3. <delete> again, the DUT's time to come back (settle), <read>.
 *
 * After each <delete> every TCP service found open must answer again
 * within settle seconds.  The erasure passes when the marker is gone and
 * what <read> shows equals the factory reference.  The marker is not a
 * secret; it goes into the transcript as it is.
 *
 * V1.1.1: a the data is created, b the erase function runs, c the state
 * before and after compared.  V2.1.1: a create and erase, b compare; c
 * ("as simply as declared") stays the operator's.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclose.h"
#include "error.h"
#include "sha256.h"
#include "sshc.h"
#include "tcstate.h"

struct asy_tc_erase {
	char		*token;
	char		*harness;	/* a step failed: why; or NULL */
	int		 created;	/* the marker showed after <create> */
	int		 erased;	/* <delete> ran and the DUT is back */
	double		 back_s;	/* its time to answer again */
	double		 settle_s;	/* the time it had */
	int		 gone;		/* the marker is gone afterwards */
	char		*diff;		/* afterwards vs the reference, or NULL */
	char		*transcript;
	const char	*by_case;
};

void
asy_tc_erase_free(struct asy_tc_erase *e)
{
	if (e == NULL)
		return;
	free(e->token);
	free(e->harness);
	free(e->diff);
	free(e->transcript);
	free(e);
}

/* A step of <erase>; its output (NUL-terminated) in out. */
static int
step(struct asy_live *lv, const struct asy_tc_erase *e,
    const struct asy_lab_step *st, const char *name, struct asy_buf *out,
    struct asy_buf *t, char *why, size_t len)
{
	struct asy_tc_subst sub = { 0 };
	struct asy_ssh *ssh = NULL;
	char *p;
	int r;

	sub.token = e->token;
	asy_buf_reset(out);
	r = asy_tc_step(lv, st, &sub, &ssh, out, why, len);
	asy_ssh_close(ssh);
	if (r == ASY_E_NOMEM)
		return r;
	if (asy_buf_putc(out, '\0') < 0)
		return ASY_E_NOMEM;
	p = asy_printable(out->data, out->len - 1, 400);
	if (r == 0)
		asy_tc_log(t, "<%s> (line %lu): %s", name, st->line,
		    p != NULL ? p : "");
	else {
		if (*why == '\0')
			snprintf(why, len, "%s", asy_strerror(r));
		asy_tc_log(t, "<%s> (line %lu) failed: %s", name, st->line,
		    why);
	}
	free(p);
	return r < 0 ? 1 : 0;
}

/* Wait until every open TCP service answers; seconds taken, or -1. */
static double
wait_back(struct asy_live *lv, struct asy_buf *t)
{
	long long t0 = asy_now_ms();
	char *silent = NULL;
	int r;

	r = asy_tc_services_back(lv, t0, lv->dut->erase.settle_ms, t,
	    &silent);
	free(silent);
	if (r < 0)
		return -1;
	return (double)(asy_now_ms() - t0) / 1000.0;
}

static char *
make_token(void)
{
	char tok[ASY_TC_TOKEN_LEN];

	asy_tc_token(tok);
	return asy_strdup(tok);
}

static int
run_erase(struct asy_live *lv, struct asy_tc_erase **out)
{
	const struct asy_lab_erase *cfg = &lv->dut->erase;
	struct asy_tc_state *tc = asy_tc_state(lv);
	struct asy_buf t, o, ref;
	struct asy_tc_erase *e;
	char why[512];
	int r = 0;

	if (tc == NULL)
		return ASY_E_NOMEM;
	if (tc->erase != NULL) {
		*out = tc->erase;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return ASY_E_NOMEM;
	tc->erase = e;
	*out = e;
	e->by_case = lv->case_id;
	e->settle_s = (double)cfg->settle_ms / 1000.0;
	e->token = make_token();
	if (e->token == NULL)
		return ASY_E_NOMEM;
	asy_buf_init(&t, 1 << 20);
	asy_buf_init(&o, ASY_TC_STEP_OUT_MAX + 1);
	asy_buf_init(&ref, ASY_TC_STEP_OUT_MAX + 1);
	asy_tc_log(&t, "erasure of user data on DUT %s (lab config line "
	    "%lu); marker %s", lv->dut->name, cfg->line, e->token);
#define STEP(st, name) do {						\
		r = step(lv, e, (st), (name), &o, &t, why, sizeof(why));	\
		if (r < 0)						\
			goto out;					\
		if (r > 0) {						\
			e->harness = asy_strdup_printf("<%s> failed: %s",	\
			    (name), why);				\
			r = 0;						\
			goto save;					\
		}							\
	} while (0)
	/* 1. The factory state, as the reference. */
	STEP(&cfg->del, "delete");
	if (wait_back(lv, &t) < 0) {
		e->harness = asy_strdup("the DUT did not answer again after "
		    "the first erasure, made to learn its factory state");
		goto save;
	}
	STEP(&cfg->read, "read");
	if (asy_buf_add(&ref, o.data, o.len) < 0) {
		r = ASY_E_NOMEM;
		goto out;
	}
	/* 2. User data with the marker. */
	STEP(&cfg->create, "create");
	STEP(&cfg->read, "read");
	e->created = strstr(o.data, e->token) != NULL;
	if (!e->created)
		goto save;
	/* 3. Erased with the declared function. */
	STEP(&cfg->del, "delete");
	e->back_s = wait_back(lv, &t);
	e->erased = e->back_s >= 0;
	if (!e->erased)
		goto save;
	STEP(&cfg->read, "read");
	e->gone = strstr(o.data, e->token) == NULL;
	e->diff = asy_tc_text_diff(ref.data, o.data, "in the factory state",
	    "after the erasure");
#undef STEP
save:
	r = asy_tc_transcript_save(lv, "erasure", 0, &t, &e->transcript);
out:
	asy_buf_release(&t);
	asy_buf_release(&o);
	asy_buf_release(&ref);
	return r;
}

static int
begin(struct asy_live *lv, struct asy_tc_erase **e)
{
	if (lv->dut->erase.line == 0)
		return ASY_TC_OPERATOR;
	return run_erase(lv, e);
}

static int
evidence(struct asy_tc_erase *e, struct asy_unit_result *u, int r)
{
	if (r < 0 || e->transcript == NULL)
		return r;
	return asy_unit_add_evidence(u, e->transcript, "transcript",
	    "the steps of <erase> and what the DUT showed after each");
}

static int
set_create(struct asy_tc_erase *e, struct asy_unit_result *u)
{
	if (e->harness != NULL && !e->created)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "user data could "
		    "not be created as the lab config says: %s", e->harness);
	if (!e->created)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "after <create> "
		    "the marker %s did not show in what <read> returns, so "
		    "no user data was seen to erase; check the lab config's "
		    "<erase> steps", e->token);
	return asy_unit_set(u, ASY_V_PASS, "user data was created with the "
	    "marker %s, and <read> showed it", e->token);
}

static int
set_erase(struct asy_tc_erase *e, struct asy_unit_result *u)
{
	if (!e->created)
		return set_create(e, u);
	if (e->harness != NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the declared "
		    "erase function could not be run as the lab config "
		    "says: %s", e->harness);
	if (!e->erased)
		return asy_unit_set(u, ASY_V_FAIL, "after the declared erase "
		    "function the DUT did not answer again within %.0f s",
		    e->settle_s);
	return asy_unit_set(u, ASY_V_PASS, "the declared erase function "
	    "ran, and every service answered again %.1f s later",
	    e->back_s);
}

static int
set_compare(struct asy_tc_erase *e, struct asy_unit_result *u)
{
	if (!e->created || !e->erased || e->harness != NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "nothing to "
		    "compare: %s", e->harness ? e->harness : !e->created ?
		    "no user data was created" : "the erasure did not end "
		    "with the DUT answering");
	if (!e->gone)
		return asy_unit_set(u, ASY_V_FAIL, "the user data created "
		    "before (marker %s) is still there after the declared "
		    "erase function", e->token);
	if (e->diff != NULL)
		return asy_unit_set(u, ASY_V_FAIL, "the marker is gone, but "
		    "the DUT is not back in its factory state: %s", e->diff);
	return asy_unit_set(u, ASY_V_PASS, "after the declared erase "
	    "function the user data (marker %s) is gone and the DUT shows "
	    "its factory state again", e->token);
}

/* Run the erasure once, then judge this unit with set. */
static int
unit(struct asy_live *lv, struct asy_unit_result *u,
    int (*set)(struct asy_tc_erase *, struct asy_unit_result *))
{
	struct asy_tc_erase *e = NULL;
	int r;

	r = begin(lv, &e);
	if (r == ASY_TC_OPERATOR || r < 0)
		return r;
	return evidence(e, u, set(e, u));
}

static int
unit_create(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return unit(lv, u, set_create);
}

static int
unit_erase(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return unit(lv, u, set_erase);
}

static int
unit_compare(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return unit(lv, u, set_compare);
}

static const struct asy_tc_unit units_v1[] = {
	{ "a", unit_create },
	{ "b", unit_erase },
	{ "c", unit_compare },
};

static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_erase },
	{ "b", unit_compare },
};

const struct asy_testcase asy_tc_5_11_1_2 = {
	"ts103701-v1.1.1", "5.11-1-2", units_v1, ASY_ELEMENTSOF(units_v1),
};

const struct asy_testcase asy_tc_5_11_1_2_v2 = {
	"ts103701-v2.1.1", "5.11-1-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
