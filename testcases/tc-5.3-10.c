/*
 * 5.3-10: updates over a network are verified through a trust
 * relationship.
 *
 * 5.3-10-1 c: scan the traffic and interfaces of the DUT for update
 * endpoints the IXIT does not declare.  Discovery covers the interfaces:
 * an undeclared service made for pushing files onto the device (TFTP, FTP,
 * ADB) is a FAIL.  The traffic half comes from the update sessions
 * (tcupdate.c): the device asking assay's server for paths it does not
 * serve leaves the unit INCONCLUSIVE; without an <update> in the lab
 * config the device's own update traffic is not observed, and the unit
 * stays INCONCLUSIVE and says so.
 */
#include "tclib.h"

static int
unit_c(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	int r;

	r = asy_live_completeness(lv, u, ASY_SVC_UPDATE,
	    "a way to deliver software");
	if (r < 0 || u->verdict != ASY_V_PASS)
		return r;
	if (asy_tc_update_configured(lv)) {
		struct asy_unit_result part = { 0 };

		r = asy_tc_update(lv, NULL, ASY_UPD_ENDPOINTS, &part);
		if (r == 0)
			r = asy_tc_fold(u, &part, "update traffic");
		asy_tc_part_release(&part);
		return r;
	}
	return asy_unit_set(u, ASY_V_INCONCLUSIVE, "no undeclared update "
	    "endpoint among the open services (%zu open); the device's own "
	    "update traffic was not observed in this run, so the traffic "
	    "half of the unit is open", lv->obs->n_open);
}

static const struct asy_tc_unit units[] = {
	{ "c", unit_c },
};

const struct asy_testcase asy_tc_5_3_10_1 = {
	"ts103701-v1.1.1", "5.3-10-1", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_3_10_1_v2 = {
	"ts103701-v2.1.1", "5.3-10-1", units, ASY_ELEMENTSOF(units),
};
