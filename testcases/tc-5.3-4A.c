/*
 * 5.3-4A (V2.1.1): automatic updates are available.
 *
 * 5.3-4A-2 a: offer an update and confirm it is installed automatically as
 * declared.  The update session (tcupdate.c) installs the genuine image
 * through the lab's steps, then, when the lab config gives observe=,
 * serves "no update" and watches the device ask for the manifest on its
 * own: the median interval between its checks against the IXIT's update
 * checking ("every 24 hours").
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_update(lv, pu->row, ASY_UPD_AUTO, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_3_4A_2_v2 = {
	"ts103701-v2.1.1", "5.3-4A-2", units, ASY_ELEMENTSOF(units),
};
