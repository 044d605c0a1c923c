/*
 * 5.5-4: network functions need authentication.
 *
 * 5.5-4-2, for each enabled service (13-SoftServ): a) a client without
 * credentials and one with a wrong password are refused (a service that
 * declares no authentication may only serve redirects); b) the lab's
 * credential for the declared mechanism is accepted; c) the
 * authentication the service asks for is the declared kind (password,
 * key).  See tcaccess.c.
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_access(lv, pu->row, 'a', u);
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_access(lv, pu->row, 'b', u);
}

static int
unit_c(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_access(lv, pu->row, 'c', u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "b", unit_b },
	{ "c", unit_c },
};

const struct asy_testcase asy_tc_5_5_4_2 = {
	"ts103701-v1.1.1", "5.5-4-2", units, ASY_ELEMENTSOF(units),
};
