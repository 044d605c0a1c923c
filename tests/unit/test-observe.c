/*
 * Declared versus observed, and the verdicts the completeness units draw
 * from it, with a fake inventory (no nmap here: this is the logic alone;
 * the bench tests run it on real discovery).
 *
 * The declarations are the hub example: SoftServ-LocalAPI tcp/8443 and
 * SoftServ-mDNS udp/5353 enabled, SoftServ-SSH tcp/22 disabled.
 */
#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "decl.h"
#include "diag.h"
#include "error.h"
#include "live.h"
#include "observe.h"
#include "ut.h"
#include "xml.h"

static struct asy_decl *decl;

static void
setup(void)
{
	struct asy_decl_paths p = { 0 };
	struct asy_diags d;
	int r;

	p.ics = ut_src("ics-ixit/examples/hub/ics.xml");
	p.ixit = ut_src("ics-ixit/examples/hub/ixit.xml");
	asy_diags_init(&d);
	r = asy_decl_load(&p, &d, &decl);
	ck_assert_int_eq(r, 0);
	asy_diags_release(&d);
	free((char *)p.ics);
	free((char *)p.ixit);
}

static void
teardown(void)
{
	asy_decl_free(decl);
	decl = NULL;
}

/* A service as nmap would report it (strings are heap copies). */
static void
svc(struct asy_inventory *inv, const char *proto, unsigned port,
    const char *state, const char *name, const char *product,
    const char *tunnel)
{
	struct asy_service *s;

	s = realloc(inv->services, (inv->n_services + 1) * sizeof(*s));
	ck_assert_ptr_nonnull(s);
	inv->services = s;
	s = &inv->services[inv->n_services++];
	memset(s, 0, sizeof(*s));
	s->addr = asy_strdup("198.18.9.2");
	s->proto = asy_strdup(proto);
	s->port = port;
	s->state = asy_strdup(state);
	s->name = asy_strdup(name);
	s->product = asy_strdup(product);
	s->tunnel = asy_strdup(tunnel);
}

static struct asy_inventory *
inventory(void)
{
	struct asy_inventory *inv = calloc(1, sizeof(*inv));

	ck_assert_ptr_nonnull(inv);
	svc(inv, "tcp", 8443, "open", "https", "lighttpd", "ssl");
	svc(inv, "tcp", 22, "open", "ssh", "OpenSSH", NULL);
	svc(inv, "udp", 161, "open", "snmp", "net-snmp", NULL);
	svc(inv, "udp", 5353, "open|filtered", "zeroconf", NULL, NULL);
	/* The same service on the IPv6 address: counted once. */
	svc(inv, "udp", 161, "open", "snmp", "net-snmp", NULL);
	return inv;
}

static const struct asy_observed *
find(const struct asy_observation *obs, const char *proto, unsigned port)
{
	for (size_t i = 0; i < obs->n; i++)
		if (obs->v[i].port == port &&
		    strcmp(obs->v[i].proto, proto) == 0)
			return &obs->v[i];
	return NULL;
}

START_TEST(matches)
{
	struct asy_inventory *inv = inventory();
	struct asy_observation *obs = NULL;
	const struct asy_observed *o;
	int r;

	r = asy_observe(decl, inv, &obs);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(obs->n_open, 3);
	o = find(obs, "tcp", 8443);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->match, ASY_MATCH_DECLARED);
	ck_assert_str_eq(o->row->id, "SoftServ-LocalAPI");
	o = find(obs, "tcp", 22);
	ck_assert_int_eq(o->match, ASY_MATCH_DISABLED);
	ck_assert_str_eq(o->row->id, "SoftServ-SSH");
	o = find(obs, "udp", 161);
	ck_assert_int_eq(o->match, ASY_MATCH_UNDECLARED);
	ck_assert_ptr_null(o->row);
	ck_assert(o->classes & ASY_SVC_PASSWORD);
	ck_assert(o->classes & ASY_SVC_CLEARTEXT);
	/* open|filtered is not proof: the declared mDNS is "not seen". */
	o = find(obs, "udp", 5353);
	ck_assert_int_eq(o->match, ASY_MATCH_NOT_SEEN);
	ck_assert_ptr_null(o->svc);
	ck_assert_uint_eq(obs->n_count[ASY_MATCH_UNDECLARED], 1);
	ck_assert_uint_eq(obs->n_count[ASY_MATCH_DISABLED], 1);
	ck_assert_uint_eq(obs->n_count[ASY_MATCH_DECLARED], 1);
	ck_assert_uint_eq(obs->n_count[ASY_MATCH_NOT_SEEN], 1);
	asy_observation_free(obs);
	asy_inventory_free(inv);
}
END_TEST

struct collect {
	char	 out[256];
};

static int
collect_port(void *arg, const char *proto, unsigned port)
{
	struct collect *c = arg;
	size_t n = strlen(c->out);

	snprintf(c->out + n, sizeof(c->out) - n, "%s%s/%u", n ? " " : "",
	    proto, port);
	return 0;
}

START_TEST(ports_scan)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "tcp/22", "tcp/22" },
		{ "tcp/80 tcp/443", "tcp/80 tcp/443" },
		{ "TCP/80, udp/161 and sctp/9", "tcp/80 udp/161 sctp/9" },
		{ "port 22", "" },
		{ "tcp/0 tcp/65536 tcp/99999999999", "" },
		{ "tcp/65535", "tcp/65535" },
		{ "xtcp/22 tcp/", "" },
		{ "(tcp/8443)", "tcp/8443" },
		{ "", "" },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++) {
		struct collect c = { "" };

		asy_ports_scan(t[i].in, collect_port, &c);
		ck_assert_msg(strcmp(c.out, t[i].want) == 0, "'%s': got '%s', "
		    "want '%s'", t[i].in, c.out, t[i].want);
	}
}
END_TEST

START_TEST(label_caps_device_strings)
{
	struct asy_service s = { 0 };
	struct asy_observed o = { 0 };
	struct asy_buf b;
	char big[1000];

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s.name = "http";
	s.product = big;
	s.version = "<script>";
	o.proto = "tcp";
	o.port = 80;
	o.svc = &s;
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_observed_label(&o, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "tcp/80 (http, AAAA"));
	ck_assert_ptr_nonnull(strstr(b.data, "A... <script>)"));
	ck_assert_uint_lt(b.len, 200);
	asy_buf_release(&b);
}
END_TEST

/* ---- completeness verdicts on a fake live context ----------------------- */

static struct asy_unit_result *
new_unit(struct asy_case_result *c)
{
	struct asy_unit_result *u = asy_case_add_unit(c);

	ck_assert_ptr_nonnull(u);
	return u;
}

START_TEST(completeness_verdicts)
{
	struct asy_live lv = { 0 };
	struct asy_case_result c = { 0 };
	struct asy_unit_result *u;
	char xml[] = "discovery/nmap-ipv4.xml", pcap[] = "pcap/discovery.pcap";
	int r;

	lv.decl = decl;
	lv.alive = 1;
	lv.inv = inventory();
	lv.nmap_xml = xml;
	lv.disc_pcap = pcap;
	r = asy_observe(decl, lv.inv, &lv.obs);
	ck_assert_int_eq(r, 0);

	/* Passwords: SNMP is undeclared, SSH is declared disabled. */
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, ASY_SVC_PASSWORD, "passwords");
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(u->verdict, ASY_V_FAIL);
	ck_assert_ptr_nonnull(strstr(u->reason, "udp/161 (snmp"));
	ck_assert_ptr_nonnull(strstr(u->reason, "tcp/22 (ssh"));
	ck_assert_ptr_nonnull(strstr(u->reason, "SoftServ-SSH"));
	ck_assert_uint_eq(u->n_ev, 2);
	ck_assert_str_eq(u->ev[0].path, xml);
	ck_assert_str_eq(u->ev[1].path, pcap);

	/* Update endpoints: none of these is one. */
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, ASY_SVC_UPDATE, "updates");
	ck_assert_int_eq(r, 0);
	/* SSH declared disabled but open still fails any completeness. */
	ck_assert_int_eq(u->verdict, ASY_V_FAIL);
	ck_assert_ptr_null(strstr(u->reason, "udp/161"));

	/* A capture that dropped packets turns a PASS into INCONCLUSIVE. */
	asy_observation_free(lv.obs);
	asy_inventory_free(lv.inv);
	lv.inv = calloc(1, sizeof(*lv.inv));
	ck_assert_ptr_nonnull(lv.inv);
	svc(lv.inv, "tcp", 8443, "open", "https", "lighttpd", "ssl");
	r = asy_observe(decl, lv.inv, &lv.obs);
	ck_assert_int_eq(r, 0);
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, 0, "anything");
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(u->verdict, ASY_V_PASS);
	ck_assert_ptr_nonnull(strstr(u->reason, "SoftServ-LocalAPI"));
	lv.disc_dropped = 3;
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, 0, "anything");
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(u->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(u->reason, "dropped 3 packets"));
	lv.disc_dropped = 0;

	/* Discovery failed (the harness's fault): ERROR, never FAIL. */
	asy_observation_free(lv.obs);
	lv.obs = NULL;
	asy_inventory_free(lv.inv);
	lv.inv = NULL;
	lv.disc_error = "nmap exited with status 1: boom";
	lv.disc_harness = 1;
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, 0, "anything");
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(u->verdict, ASY_V_ERROR);
	ck_assert_ptr_nonnull(strstr(u->reason, "boom"));

	/* The DUT down at the start: INCONCLUSIVE. */
	lv.alive = 0;
	lv.alive_why = "no answer within 2000 ms";
	u = new_unit(&c);
	r = asy_live_completeness(&lv, u, 0, "anything");
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(u->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(u->reason, "did not answer"));

	for (size_t i = 0; i < c.n_units; i++) {
		struct asy_unit_result *x = &c.units[i];

		free(x->reason);
		for (size_t j = 0; j < x->n_ev; j++) {
			free(x->ev[j].path);
			free(x->ev[j].kind);
			free(x->ev[j].note);
		}
		free(x->ev);
	}
	free(c.units);
}
END_TEST

static Suite *
observe_suite(void)
{
	Suite *s = suite_create("observe");
	TCase *tc = tcase_create("observe");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, matches);
	tcase_add_test(tc, ports_scan);
	tcase_add_test(tc, label_caps_device_strings);
	tcase_add_test(tc, completeness_verdicts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int r;

	r = ut_main(observe_suite());
	asy_xml_cleanup();
	return r;
}
