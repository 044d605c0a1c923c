/*
 * 5.1-5: protection against brute force over the network.
 *
 * 5.1-5-2 a: scan the network interfaces for authentication mechanisms the
 * IXIT does not declare: every open service that offers authentication
 * must be declared, or its brute-force protection was never assessed.
 */
#include "live.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_PASSWORD,
	    "authentication");
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_1_5_2 = {
	"ts103701-v1.1.1", "5.1-5-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_1_5_2_v2 = {
	"ts103701-v2.1.1", "5.1-5-2", units, ASY_ELEMENTSOF(units),
};
