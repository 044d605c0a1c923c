/*
 * 5.6-3-2 c (V1.1.1): the DUT's radios, from its Wi-Fi onboarding capture
 * (the lab's <dut><wifi>, listened to without sending): the access points
 * of the DUT's radio (the lab's network, its OWE transition peer, and
 * BSSIDs of the same radio: equal but for the last octet and the locally
 * administered bit) against the IXIT's Wi-Fi interface rows (15-Intf,
 * type radio, naming Wi-Fi or the lab's intf).  FAIL: Wi-Fi active with
 * no enabled Wi-Fi row, or an access point on the DUT's radio whose SSID
 * no enabled Wi-Fi row names.  INCONCLUSIVE: the network not in the
 * capture, or no Wi-Fi source; ERROR: a source that could not be used.
 * V2.1.1 has no counterpart: its 5.6-3-2 a is an operator's inventory.
 */
#include "tclib.h"

static int
unit_c(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return asy_tc_wifi_radios(lv, u);
}

static const struct asy_tc_unit units[] = {
	{ "c", unit_c },
};

const struct asy_testcase asy_tc_5_6_3_2 = {
	"ts103701-v1.1.1", "5.6-3-2", units, ASY_ELEMENTSOF(units),
};
