/*
 * The functional test library's pure parts (testcases/tclib.h): ports in
 * IXIT words, row-ID lists, the protocol of a discovered service, and
 * folding the parts of a unit (verdict order, reasons, evidence without
 * duplicates).  The parts that talk to devices are covered by the bench's
 * live test.
 */
#include "ut.h"

#include "tclib.h"

START_TEST(ports_in_words)
{
	static const struct {
		const char	*text;
		unsigned	 port;
	} t[] = {
		{ "HTTP/1.1 over TCP 80, no TLS", 80 },
		{ "MQTT 3.1.1 and 5 over TLS on TCP 8883", 8883 },
		{ "tcp/443", 443 },
		{ "udp/161", 161 },
		{ "http://198.18.1.2/status.json (tcp/80)", 80 },
		{ "SSH-2 over TCP 22 (OpenSSH 9.2)", 22 },
		{ "HTTPS, TLS 1.2 or 1.3", 0 },
		{ "TCP 0", 0 },
		{ "TCP 65536", 0 },
		{ "tcp/99999999999999999999", 0 },
		{ "tcpx", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++)
		ck_assert_msg(asy_tc_port_in(t[i].text) == t[i].port,
		    "'%s': %u, want %u", t[i].text ? t[i].text : "(null)",
		    asy_tc_port_in(t[i].text), t[i].port);
}
END_TEST

/* Intervals in IXIT words (5.3-4A-2): the table of sentences. */
static const struct {
	const char	*text;
	double		 seconds;
} intervals[] = {
	{ "At boot and every 24 hours with random jitter.", 86400 },
	{ "At boot and every 10 seconds (lab test build).", 10 },
	{ "Every 30 minutes.", 1800 },
	{ "every 1.5 hours", 5400 },
	{ "Checks daily at 03:00.", 86400 },
	{ "Hourly.", 3600 },
	{ "once every week", 604800 },
	{ "every day", 86400 },
	{ "every 90 s", 90 },
	{ "every 2 min", 120 },
	{ "Never: the camera does not look for updates.", -1 },
	{ "", -1 },
	{ "everyday use", -1 },
	{ "every 0 hours", -1 },
	{ "every -5 hours", -1 },
	{ "every 3 eons", -1 },
	{ "bi-weekly", -1 },
	{ "at every boot", -1 },
	{ "every 2 shours", -1 },
};

START_TEST(interval_words)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(intervals); i++) {
		double got = asy_tc_interval_s(intervals[i].text);

		ck_assert_msg(got == intervals[i].seconds, "\"%s\": %g, want "
		    "%g", intervals[i].text, got, intervals[i].seconds);
	}
}
END_TEST

/* Passwords of two units of a model (5.1-1-2 c). */
START_TEST(unit_passwords)
{
	static const struct {
		const char	*a, *b;
		int		 related;
	} t[] = {
		{ "admin", "admin", 1 },
		{ "Xk4v9Qw2Lr7T", "Xk4v9Qw2Lr7T", 1 },
		{ "LC20-0007-pw", "LC20-0008-pw", 1 },	/* a counter */
		{ "ab12cd34ef56", "ab12cd34ef65", 1 },	/* two swapped */
		{ "ab12cd34ef56", "ab12cd34e567", 0 },	/* three differ */
		{ "Xk4v9Qw2Lr7T", "pQ8sZ2mN4cV6", 0 },
		{ "Xk4v9Qw2Lr7T", "Xk4v9Qw2Lr7", 0 },	/* lengths differ */
		{ "abc", "abd", 0 },			/* too short to tell */
		{ "", "", 1 },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++)
		ck_assert_msg((asy_tc_pw_related(t[i].a, t[i].b) != NULL) ==
		    t[i].related, "'%s' and '%s': want %s", t[i].a, t[i].b,
		    t[i].related ? "related" : "unrelated");
	ck_assert_str_eq(asy_tc_pw_related("admin", "admin"),
	    "the same password");
}
END_TEST

START_TEST(row_lists)
{
	ck_assert_int_eq(asy_tc_names("AuthMech-A AuthMech-B", "AuthMech-B"), 1);
	ck_assert_int_eq(asy_tc_names("AuthMech-A,AuthMech-B", "AuthMech-A"), 1);
	ck_assert_int_eq(asy_tc_names("AuthMech-AB", "AuthMech-A"), 0);
	ck_assert_int_eq(asy_tc_names("AuthMech-A", "AuthMech-AB"), 0);
	ck_assert_int_eq(asy_tc_names("", "AuthMech-A"), 0);
	ck_assert_int_eq(asy_tc_names(NULL, "AuthMech-A"), 0);
}
END_TEST

START_TEST(service_kinds)
{
	static const struct {
		const char	*proto, *name, *tunnel;
		unsigned	 port;
		enum asy_proto_kind kind;
	} t[] = {
		{ "tcp", "ssh", NULL, 2222, ASY_PK_SSH },
		{ "tcp", "telnet", NULL, 23, ASY_PK_TELNET },
		{ "tcp", "http", NULL, 80, ASY_PK_HTTP },
		{ "tcp", "http", "ssl", 443, ASY_PK_HTTPS },
		{ "tcp", "https", NULL, 443, ASY_PK_HTTPS },
		{ "tcp", "mqtt", NULL, 1883, ASY_PK_MQTT },
		{ "tcp", "mqtt", "ssl", 8883, ASY_PK_MQTTS },
		{ "tcp", "secure-mqtt", NULL, 8883, ASY_PK_MQTTS },
		{ "udp", "snmp", NULL, 161, ASY_PK_SNMP },
		{ "udp", NULL, NULL, 161, ASY_PK_SNMP },
		{ "udp", "dns", NULL, 53, ASY_PK_OTHER },
		{ "udp", "coap", NULL, 5683, ASY_PK_COAP },
		{ "udp", NULL, NULL, 5683, ASY_PK_COAP },
		{ "udp", "coap", NULL, 15683, ASY_PK_COAP },
		{ "tcp", NULL, NULL, 5683, ASY_PK_OTHER },
		{ "tcp", NULL, NULL, 22, ASY_PK_SSH },
		{ "tcp", NULL, NULL, 161, ASY_PK_OTHER },
		{ "tcp", "<script>", NULL, 9999, ASY_PK_OTHER },
		{ "tcp", "ftp", NULL, 2121, ASY_PK_FTP },
		{ "tcp", NULL, NULL, 21, ASY_PK_FTP },
		{ "tcp", "ftp", "ssl", 990, ASY_PK_OTHER },
		{ "tcp", "rtsp", NULL, 554, ASY_PK_RTSP },
		{ "tcp", "rtsp-alt", NULL, 8554, ASY_PK_RTSP },
		{ "tcp", NULL, NULL, 8554, ASY_PK_RTSP },
		{ "tcp", "rtsp", "ssl", 322, ASY_PK_OTHER },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++) {
		struct asy_service svc = { 0 };
		struct asy_observed o = { 0 };

		svc.name = (char *)t[i].name;
		svc.tunnel = (char *)t[i].tunnel;
		svc.port = t[i].port;
		o.proto = (char *)t[i].proto;
		o.port = t[i].port;
		o.svc = &svc;
		ck_assert_msg(asy_tc_kind(&o) == t[i].kind, "%s/%u %s: %s",
		    t[i].proto, t[i].port, t[i].name ? t[i].name : "-",
		    asy_proto_kind_name(asy_tc_kind(&o)));
	}
}
END_TEST

static void
part(struct asy_unit_result *p, enum asy_verdict v, const char *why,
    const char *ev)
{
	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(asy_unit_set(p, v, "%s", why), 0);
	if (ev != NULL)
		ck_assert_int_eq(asy_unit_add_evidence(p, ev, "pcap", NULL), 0);
}

START_TEST(fold_parts)
{
	static const struct {
		enum asy_verdict a, b, want;
	} t[] = {
		{ ASY_V_PASS, ASY_V_PASS, ASY_V_PASS },
		{ ASY_V_PASS, ASY_V_FAIL, ASY_V_FAIL },
		{ ASY_V_FAIL, ASY_V_PASS, ASY_V_FAIL },
		{ ASY_V_PASS, ASY_V_INCONCLUSIVE, ASY_V_INCONCLUSIVE },
		{ ASY_V_INCONCLUSIVE, ASY_V_ERROR, ASY_V_ERROR },
		{ ASY_V_ERROR, ASY_V_FAIL, ASY_V_FAIL },
		{ ASY_V_FAIL, ASY_V_ERROR, ASY_V_FAIL },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++) {
		struct asy_unit_result u = { 0 }, p;

		part(&p, t[i].a, "first", "pcap/a.pcap");
		ck_assert_int_eq(asy_tc_fold(&u, &p, "tcp/22"), 0);
		ck_assert_ptr_null(p.reason);
		ck_assert_uint_eq(p.n_ev, 0);
		part(&p, t[i].b, "second", "pcap/a.pcap");
		ck_assert_int_eq(asy_unit_add_evidence(&p, "pcap/b.pcap",
		    "pcap", "note"), 0);
		ck_assert_int_eq(asy_tc_fold(&u, &p, "tcp/80"), 0);
		ck_assert_int_eq(u.verdict, t[i].want);
		ck_assert_str_eq(u.reason, "tcp/22: first; tcp/80: second");
		/* The same pcap once, the other one kept. */
		ck_assert_uint_eq(u.n_ev, 2);
		ck_assert_str_eq(u.ev[0].path, "pcap/a.pcap");
		ck_assert_str_eq(u.ev[1].path, "pcap/b.pcap");
		asy_tc_part_release(&u);
	}
}
END_TEST

START_TEST(fold_long_reasons)
{
	struct asy_unit_result u = { 0 }, p;
	char big[8192];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* A reason grows to its cap and stops; the verdict still folds. */
	for (int i = 0; i < 20; i++) {
		part(&p, i == 19 ? ASY_V_FAIL : ASY_V_PASS, big, NULL);
		ck_assert_int_eq(asy_tc_fold(&u, &p, "part"), 0);
	}
	ck_assert_int_eq(u.verdict, ASY_V_FAIL);
	ck_assert_uint_le(strlen(u.reason), (size_t)64 << 10);
	asy_tc_part_release(&u);
}
END_TEST

static Suite *
tclib_suite(void)
{
	Suite *s = suite_create("tclib");
	TCase *tc = tcase_create("tclib");

	tcase_add_test(tc, ports_in_words);
	tcase_add_test(tc, row_lists);
	tcase_add_test(tc, unit_passwords);
	tcase_add_test(tc, interval_words);
	tcase_add_test(tc, service_kinds);
	tcase_add_test(tc, fold_parts);
	tcase_add_test(tc, fold_long_reasons);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(tclib_suite());
}
