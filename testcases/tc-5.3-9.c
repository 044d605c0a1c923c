/*
 * 5.3-9 (V2.1.1): the device verifies the authenticity and integrity of
 * software updates.
 *
 * 5.3-9-2 a: present unsigned and altered images (one byte flipped,
 * signed with a key that is not the vendor's, padded) and confirm the
 * device rejects them before installation (tcupdate.c).
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_update(lv, pu->row, ASY_UPD_VERIFY, u);
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_3_9_2_v2 = {
	"ts103701-v2.1.1", "5.3-9-2", units, ASY_ELEMENTSOF(units),
};
