/*
 * 5.3-2: the update mechanism is secure.
 *
 * 5.3-2-2 (V1.1.1) a: prepare the misuse scenarios (interception,
 * downgrade, altered and manipulated images, interrupted transfer); b, for
 * each 7-UpdMech row: run them and confirm none installs.  V2.1.1 folds
 * both into a.  The attempts and their verdict logic are in tcupdate.c.
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_update(lv, pu->row, ASY_UPD_PREPARE, u);
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_update(lv, pu->row, ASY_UPD_MISUSE, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "b", unit_b },
};

/* V2.1.1: one unit, the attacks themselves. */
static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_b },
};

const struct asy_testcase asy_tc_5_3_2_2 = {
	"ts103701-v1.1.1", "5.3-2-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_3_2_2_v2 = {
	"ts103701-v2.1.1", "5.3-2-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
