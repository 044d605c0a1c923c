/*
 * 5.3-1: all software is securely updateable.
 *
 * 5.3-1-2 a: apply an update through each declared network mechanism and
 * confirm the component really is replaced: assay serves the newer
 * genuine image the lab provides and reads the version back (the update
 * session of tcupdate.c, shared with 5.3-2-2).
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_update(lv, pu->row, ASY_UPD_INSTALL, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_3_1_2 = {
	"ts103701-v1.1.1", "5.3-1-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_3_1_2_v2 = {
	"ts103701-v2.1.1", "5.3-1-2", units, ASY_ELEMENTSOF(units),
};
