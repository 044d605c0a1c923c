/*
 * 5.5-7-2 a, for each communication mechanism: critical security parameters on remote interfaces: each channel, as in 5.5-1-2.  The channel's
 * assessment (tclib.h) is shared with the other cases that reuse 5.5-1-2;
 * a channel carrying anything the IXIT names (carries) must be encrypted.
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_commech(lv, pu->row, -1, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_5_7_2 = {
	"ts103701-v1.1.1", "5.5-7-2", units, ASY_ELEMENTSOF(units),
};
