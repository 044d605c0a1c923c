/*
 * 5.5-5: changing security-relevant configuration over the network needs
 * authentication.
 *
 * 5.5-5-2 a, for each declared service that can change configuration
 * (13-SoftServ configuration=yes): the refusals of 5.5-4-2 a (no
 * credentials, a wrong password, the lab's <function> requests without
 * and with a limited credential) in the state the device is in; then,
 * after one factory reset for the run (<control action="reset">, else
 * <erase><delete>), the changes="yes" functions again without credentials
 * and with a wrong password (tcpriv.c).  Without a reset only the current
 * state is tried, and the reason says so.
 *
 * 5.5-5-2 b (V1.1.1): observe the DUT for ways to change configuration over
 * the network that the IXIT does not declare: every open service able to
 * change configuration (management protocols: SSH, telnet, HTTP, SNMP,
 * MQTT, UPnP, CoAP...) must be declared.
 */
#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_tc_access(lv, pu->row, 'f', u);
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_CONFIG,
	    "a way to change configuration");
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "b", unit_b },
};

const struct asy_testcase asy_tc_5_5_5_2 = {
	"ts103701-v1.1.1", "5.5-5-2", units, ASY_ELEMENTSOF(units),
};
