/*
 * 5.6-1: unused network and logical interfaces are disabled.
 *
 * 5.6-1-2 a (V1.1.1): probe what is declared disabled (IXIT rows with
 * status "disabled" and a port) and confirm it does not answer.
 * 5.6-1-2 b (V1.1.1): scan for interfaces the IXIT does not declare: any
 * open port without a declaring row.
 * 5.6-1-2 a (V2.1.1) is both at once.
 */
#include "live.h"

#include "buf.h"
#include "error.h"

static int
disabled_closed(struct asy_live *lv, struct asy_unit_result *u)
{
	const struct asy_observation *obs = lv->obs;
	struct asy_buf open, closed;
	size_t n_open = 0, n_closed = 0;
	int r;

	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	asy_buf_init(&open, 1 << 16);
	asy_buf_init(&closed, 1 << 16);
	for (size_t i = 0; i < obs->n && r == 0; i++) {
		const struct asy_observed *o = &obs->v[i];
		struct asy_buf *b;

		if (o->match == ASY_MATCH_DISABLED) {
			b = &open;
			n_open++;
		} else if (o->match == ASY_MATCH_CLOSED) {
			b = &closed;
			n_closed++;
		} else
			continue;
		if (b->len > 0)
			r = asy_buf_puts(b, "; ");
		if (r == 0)
			r = asy_observed_label(o, b);
		if (r == 0)
			r = asy_buf_printf(b, " (%s)", o->row->id);
	}
	if (r == ASY_E_TOOBIG)
		r = 0;
	if (r < 0)
		goto out;
	if (n_open > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "%zu port%s declared disabled "
		    "answer%s: %s", n_open, n_open == 1 ? "" : "s",
		    n_open == 1 ? "s" : "", open.data);
	else if (n_closed > 0)
		r = asy_unit_set(u, ASY_V_PASS, "every port declared disabled "
		    "is closed: %s", closed.data);
	else
		r = asy_unit_set(u, ASY_V_NA, "the IXIT declares no disabled "
		    "service or interface with a network port to probe");
out:
	asy_buf_release(&open);
	asy_buf_release(&closed);
	return r;
}

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return disabled_closed(lv, u);
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, 0, "any function");
}

/* V2.1.1: disabled ones closed, and nothing undeclared open. */
static int
unit_a_v2(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	int r;

	r = disabled_closed(lv, u);
	if (r < 0 || (u->verdict != ASY_V_PASS && u->verdict != ASY_V_NA))
		return r;
	return asy_live_completeness(lv, u, 0, "any function");
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "b", unit_b },
};

static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_a_v2 },
};

const struct asy_testcase asy_tc_5_6_1_2 = {
	"ts103701-v1.1.1", "5.6-1-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_6_1_2_v2 = {
	"ts103701-v2.1.1", "5.6-1-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
