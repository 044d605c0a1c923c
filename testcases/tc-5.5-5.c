/*
 * 5.5-5: changing security-relevant configuration over the network needs
 * authentication.
 *
 * 5.5-5-2 b (V1.1.1): observe the DUT for ways to change configuration over
 * the network that the IXIT does not declare: every open service able to
 * change configuration (management protocols: SSH, telnet, HTTP, SNMP,
 * MQTT, UPnP, CoAP...) must be declared.
 */
#include "live.h"

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_CONFIG,
	    "a way to change configuration");
}

static const struct asy_tc_unit units[] = {
	{ "b", unit_b },
};

const struct asy_testcase asy_tc_5_5_5_2 = {
	"ts103701-v1.1.1", "5.5-5-2", units, ASY_ELEMENTSOF(units),
};
