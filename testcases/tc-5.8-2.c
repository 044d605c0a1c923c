/*
 * 5.8-2-2 a, for each personal data row (21-PersData): sensitive personal data sent to associated services, on every
 * channel the row names (commech), assessed as in 5.5-1-2 and always as
 * sensitive.
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_persdata(lv, pu->row, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_8_2_2 = {
	"ts103701-v1.1.1", "5.8-2-2", units, ASY_ELEMENTSOF(units),
};
