/*
 * 5.1-1: no universal default passwords.
 *
 * 5.1-1-2 a: sweep the DUT for password-based authentication and confirm
 * every mechanism found is declared.  From discovery: an open service whose
 * protocol offers passwords (SSH, telnet, HTTP, MQTT, SNMP communities,
 * FTP, RTSP...) and that no IXIT row declares is an undeclared password
 * mechanism.  Trying credentials on each surface is done by the default-
 * credential tests.
 */
#include "live.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_PASSWORD,
	    "password-based authentication");
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_1_1_2 = {
	"ts103701-v1.1.1", "5.1-1-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_1_1_2_v2 = {
	"ts103701-v2.1.1", "5.1-1-2", units, ASY_ELEMENTSOF(units),
};
