/*
 * 5.5-2: network and security implementations are reviewed.
 *
 * 5.5-2-2 a: every implementation name and version the device gives away
 * without authentication (banners, Server headers, SNMP sysDescr, MQTT
 * $SYS topics, what nmap identified) must be one of the reviewed
 * implementations (12-NetSecImpl implementation).  PASS when nothing is
 * exposed.
 */
#include <stdlib.h>
#include <string.h>

#include "tclib.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	const char *reviewed[64];
	struct asy_unauth *ua;
	struct asy_buf bad, good;
	size_t n_rev = 0;
	int r;

	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	r = asy_tc_unauth(lv, &ua);
	if (r < 0)
		return r;
	for (size_t i = 0; i < lv->decl->n_ixit && n_rev < 64; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		const char *impl = asy_ixit_get(row, "implementation");

		if (strcmp(row->table->id, "12-NetSecImpl") == 0 && impl)
			reviewed[n_rev++] = impl;
	}
	asy_buf_init(&bad, 8192);
	asy_buf_init(&good, 8192);
	for (size_t i = 0; i < ua->found.n; i++) {
		const struct asy_disclosure *d = &ua->found.d[i];
		struct asy_buf *b;

		if (strcmp(d->kind, "software version") != 0)
			continue;
		b = asy_impl_reviewed(d->value, reviewed, n_rev) ? &good :
		    &bad;
		(void)asy_buf_printf(b, "%s%s (%s)", b->len ? ", " : "",
		    d->value, d->source);
	}
	r = asy_unit_add_evidence(u, ua->transcript, "transcript",
	    "what the device answered without authentication");
	if (r < 0)
		goto out;
	if (bad.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "exposed, and not among the "
		    "reviewed implementations of 12-NetSecImpl: %s%s%s",
		    bad.data, good.len ? "; reviewed: " : "", good.len ?
		    good.data : "");
	else if (good.len > 0)
		r = asy_unit_set(u, ASY_V_PASS, "every exposed implementation "
		    "version is a reviewed one: %s", good.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "no implementation name and "
		    "version is exposed (looked at: %s)", ua->sources &&
		    *ua->sources ? ua->sources : "the discovery banners");
out:
	asy_buf_release(&bad);
	asy_buf_release(&good);
	return r;
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_5_2_2 = {
	"ts103701-v1.1.1", "5.5-2-2", units, ASY_ELEMENTSOF(units),
};
