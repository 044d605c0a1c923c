/*
 * 5.6-2: little security-relevant information is disclosed without
 * authentication.
 *
 * 5.6-2-2 a: everything the device answers without authentication
 * (banners, pages, SNMP with a default community, retained MQTT messages
 * for anonymous clients, mDNS/DNS-SD records and UPnP descriptions; see
 * tclib.h) is searched for e-mail addresses,
 * serial numbers, MAC addresses, software versions and Wi-Fi network
 * names.  Each finding is named; one whose kind or source the declared
 * disclosure of the interfaces (15-Intf disclosure) does not mention is a
 * FAIL.
 */
#include <string.h>

#include "tclib.h"

/* The protocol word of a source: "SNMP sysDescr.0 (udp/161)" -> SNMP. */
static int
source_declared(const char *decl, const char *source)
{
	static const char *const words[] = { "SNMP", "MQTT", "HTTP",
	    "telnet", "SSH", "TLS", "banner", "mDNS", "UPnP" };

	for (size_t i = 0; i < ASY_ELEMENTSOF(words); i++)
		if (strncasecmp(source, words[i], strlen(words[i])) == 0)
			return strcasestr(decl, words[i]) != NULL ||
			    (strcmp(words[i], "HTTP") == 0 &&
			    strcasestr(decl, "web") != NULL);
	return 1;	/* nmap banners: judged by kind alone */
}

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	static const char *const f[] = { "disclosure", NULL };
	struct asy_buf decl, bad, ok;
	struct asy_unauth *ua;
	int r;

	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	r = asy_tc_unauth(lv, &ua);
	if (r < 0)
		return r;
	asy_buf_init(&decl, 65536);
	asy_buf_init(&bad, 16384);
	asy_buf_init(&ok, 16384);
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];

		if (strcmp(row->table->id, "15-Intf") == 0)
			(void)asy_tc_row_text(row, f, &decl);
	}
	for (size_t i = 0; i < ua->found.n; i++) {
		const struct asy_disclosure *d = &ua->found.d[i];
		int declared = decl.data != NULL &&
		    asy_disclosure_declared(decl.data, d->kind) &&
		    source_declared(decl.data, d->source);
		struct asy_buf *b = declared ? &ok : &bad;

		(void)asy_buf_printf(b, "%s%s '%s' in %s", b->len ? "; " : "",
		    d->kind, d->value, d->source);
	}
	r = asy_unit_add_evidence(u, ua->transcript, "transcript",
	    "what the device answered without authentication");
	if (r < 0)
		goto out;
	if (bad.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "disclosed without "
		    "authentication and not declared (15-Intf disclosure): "
		    "%s%s%s", bad.data, ok.len ? "; declared: " : "",
		    ok.len ? ok.data : "");
	else
		r = asy_unit_set(u, ASY_V_PASS, "%s%s (looked at: %s)",
		    ok.len ? "only declared disclosures: " : "nothing "
		    "security-relevant is disclosed without authentication",
		    ok.len ? ok.data : "", ua->sources && *ua->sources ?
		    ua->sources : "the discovery banners");
out:
	asy_buf_release(&decl);
	asy_buf_release(&bad);
	asy_buf_release(&ok);
	return r;
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_6_2_2 = {
	"ts103701-v1.1.1", "5.6-2-2", units, ASY_ELEMENTSOF(units),
};
