/*
 * The nmap adapter.
 *
 * Parsing: real nmap XML (tests/data/nmap/, see its README) gives the
 * services expected for each fixture; banners are kept verbatim and cut at
 * their caps; a table of hostile and malformed files each gives
 * ASY_E_INPUT with a file:line diagnostic, and the ones that name a URL
 * name a loopback listener that must never be called.  The libxml2
 * adapter's relaxations (bare DOCTYPE, long attributes) stay off for
 * everything else.
 *
 * The command line: a table of budgets and the exact argv each gives, and
 * a table of hostile values that each make asy_nmap_argv() refuse.
 *
 * nmap-services: a small fake NMAPDIR (ties, malformed lines, n larger
 * than the list), and the real one when it is installed.
 *
 * Running: fake nmap programs (shell scripts written here) that fail with
 * a message, outlive their deadline, write bad XML, write nothing, or are
 * missing; and one real nmap run against a listener of this test on
 * 127.0.0.1 (a SYN scan as root, else a connect scan; skipped without
 * nmap).
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "diag.h"
#include "nmap.h"
#include "ut.h"
#include "xml.h"

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* The first error in d, or NULL. */
static const struct asy_diag *
first_error(const struct asy_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == ASY_SEV_ERROR)
			return &d->v[i];
	return NULL;
}

static const char *
str_or_null(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* Both NULL, or both the same string. */
static void
assert_str_eq_null(const char *what, const char *got, const char *want)
{
	ck_assert_msg((got == NULL && want == NULL) || (got != NULL &&
	    want != NULL && strcmp(got, want) == 0), "%s: got \"%s\", want "
	    "\"%s\"", what, str_or_null(got), str_or_null(want));
}

/* ---- real nmap XML ------------------------------------------------------ */

struct want_service {
	const char	*proto;
	unsigned	 port;
	const char	*state;
	const char	*reason;
	const char	*name;
	const char	*product;
	const char	*version;
	const char	*tunnel;
	const char	*scripts;	/* ids joined by ',', "" for none */
	const char	*output_has;	/* in the first script's output */
};

struct fixture {
	const char		*file;
	const char		*addr;
	size_t			 n;
	struct want_service	 svc[4];
};

static const struct fixture fixtures[] = {
	{ "tcp-services.xml", "127.0.0.1", 3, {
		{ "tcp", 22022, "open", "syn-ack", "ssh", "Dropbear sshd",
		  "2022.83", NULL, "ssh2-enum-algos", "curve25519-sha256" },
		{ "tcp", 24443, "open", "syn-ack", "http",
		  "OpenSSL s_server -www httpd", NULL, "ssl",
		  "ssl-enum-ciphers", "TLS_AKE_WITH_AES_128_GCM_SHA256" },
		{ "tcp", 28080, "open", "syn-ack", "http", "SimpleHTTPServer",
		  "0.6", NULL, "http-server-header", "SimpleHTTP/0.6" },
	} },
	{ "hostile-banner.xml", "127.0.0.1", 1, {
		{ "tcp", 22222, "open", "syn-ack", "ssh", "OpenSSH",
		  "9.2p1 Debian <script>alert(1)</script>.[31m..\"q\" "
		  "&amp; caf..", NULL, "", NULL },
	} },
	{ "unknown-service.xml", "127.0.0.1", 1, {
		{ "tcp", 28081, "open", "syn-ack", "unknown", NULL, NULL, NULL,
		  "banner,fingerprint-strings",
		  "Server: Evil<script>x</script>\\x1B[1m" },
	} },
	{ "ipv6-http.xml", "::1", 1, {
		{ "tcp", 28082, "open", "syn-ack", "http", "SimpleHTTPServer",
		  "0.6", NULL, "", NULL },
	} },
	{ "udp-snmp.xml", "127.0.0.1", 2, {
		{ "udp", 16161, "open", "udp-response", "snmp",
		  "SNMPv1 server; net-snmp SNMPv3 server", NULL, NULL, "",
		  NULL },
		{ "udp", 16163, "open|filtered", "no-response", "unknown", NULL,
		  NULL, NULL, "", NULL },
	} },
};

START_TEST(test_fixture)
{
	const struct fixture *f = &fixtures[_i];
	char *rel = join("tests/data/nmap", f->file), *path = ut_src(rel);
	struct asy_inventory *inv = NULL;
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	r = asy_nmap_parse(path, &d, &inv);
	if (r != 0)
		asy_diags_print(&d, stderr);
	ck_assert_msg(r == 0, "%s: %s", f->file, asy_strerror(r));
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_uint_eq(d.n_warnings, 0);
	ck_assert_ptr_nonnull(inv);
	ck_assert_str_eq(inv->nmap_version, "7.93");
	ck_assert_str_eq(inv->host_state, "up");
	ck_assert_msg(strncmp(inv->args, "nmap -n -Pn ", 12) == 0, "args: %s",
	    inv->args);
	ck_assert_msg(inv->n_services == f->n, "%s: %zu services, want %zu",
	    f->file, inv->n_services, f->n);
	for (size_t i = 0; i < f->n; i++) {
		const struct want_service *w = &f->svc[i];
		const struct asy_service *s = &inv->services[i];
		struct asy_buf ids;

		ck_assert_str_eq(s->addr, f->addr);
		ck_assert_str_eq(s->proto, w->proto);
		ck_assert_uint_eq(s->port, w->port);
		ck_assert_str_eq(s->state, w->state);
		assert_str_eq_null("reason", s->reason, w->reason);
		assert_str_eq_null("name", s->name, w->name);
		assert_str_eq_null("product", s->product, w->product);
		assert_str_eq_null("version", s->version, w->version);
		assert_str_eq_null("tunnel", s->tunnel, w->tunnel);
		asy_buf_init(&ids, 4096);
		ck_assert_int_eq(asy_buf_puts(&ids, ""), 0);
		for (size_t k = 0; k < s->n_scripts; k++) {
			ck_assert_ptr_nonnull(s->scripts[k].output);
			ck_assert_int_eq(asy_buf_printf(&ids, "%s%s",
			    k ? "," : "", s->scripts[k].id), 0);
		}
		ck_assert_str_eq(ids.data, w->scripts);
		if (w->output_has != NULL)
			ck_assert_msg(strstr(s->scripts[0].output,
			    w->output_has) != NULL, "%s port %u: \"%s\" not in "
			    "the output of %s", f->file, s->port,
			    w->output_has, s->scripts[0].id);
		asy_buf_release(&ids);
	}
	asy_inventory_free(inv);
	asy_diags_release(&d);
	free(path);
	free(rel);
}
END_TEST

/* ---- documents written here --------------------------------------------- */

#define HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
		"<!DOCTYPE nmaprun>\n"
#define RUN	"<nmaprun scanner=\"nmap\" args=\"nmap -n -Pn 127.0.0.1\" " \
		"version=\"7.93\" xmloutputversion=\"1.05\">\n"
#define HOST	"<host><status state=\"up\" reason=\"user-set\"/>\n" \
		"<address addr=\"127.0.0.1\" addrtype=\"ipv4\"/><ports>\n"
#define TAIL	"</ports>\n</host>\n</nmaprun>\n"
/* A port on line 6 of HEAD RUN HOST. */
#define PORT(proto, id, state) \
	"<port " proto " " id "><state state=\"" state "\" " \
	"reason=\"syn-ack\"/><service name=\"ssh\"/></port>\n"
#define DOC(ports)	HEAD RUN HOST ports TAIL

/* Write xml (n bytes) into a fresh file in dir and parse it. */
static int
parse_bytes(const char *dir, const char *xml, size_t n, struct asy_diags *d,
    struct asy_inventory **inv, char **pathp)
{
	char *path = join(dir, "scan.xml");
	int r;

	ut_write(path, xml, n);
	r = asy_nmap_parse(path, d, inv);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return r;
}

/* n bytes of c appended to b, 64 KiB at a time. */
static void
put_many(struct asy_buf *b, char c, size_t n)
{
	static char chunk[65536];

	memset(chunk, c, sizeof(chunk));
	while (n > 0) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		ck_assert_int_eq(asy_buf_add(b, chunk, k), 0);
		n -= k;
	}
}

/*
 * Banners come from the device: markup, quotes, control characters that
 * XML allows (TAB, LF, CR as references), UTF-8 and a right-to-left
 * override are kept exactly; escaping is the report writers' job.
 */
START_TEST(test_verbatim)
{
	static const char xml[] = HEAD RUN HOST
	    "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\" "
	    "reason=\"syn-ack\"/><service name=\"http\" product=\"Evil "
	    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x9;&#xa;&#xd;"
	    "&amp;amp; caf\xc3\xa9 \xe2\x80\xae" "gnp.exe\" "
	    "version=\"1&apos;\"/>"
	    "<script id=\"http-title\" output=\"&lt;/td&gt;&lt;img src=x "
	    "onerror=alert(1)&gt;&#xa;  line 2\"/></port>\n" TAIL;
	char *dir = ut_tmpdir();
	struct asy_inventory *inv = NULL;
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	r = parse_bytes(dir, xml, sizeof(xml) - 1, &d, &inv, NULL);
	if (r != 0)
		asy_diags_print(&d, stderr);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(inv->n_services, 1);
	ck_assert_str_eq(inv->services[0].product, "Evil <script>alert(\"x\")"
	    "</script>\t\n\r&amp; caf\xc3\xa9 \xe2\x80\xaegnp.exe");
	ck_assert_str_eq(inv->services[0].version, "1'");
	ck_assert_uint_eq(inv->services[0].n_scripts, 1);
	ck_assert_str_eq(inv->services[0].scripts[0].output,
	    "</td><img src=x onerror=alert(1)>\n  line 2");
	asy_inventory_free(inv);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* A field over 4 KiB and a script output over 64 KiB are cut (at a
 * character boundary) with a warning, not refused. */
START_TEST(test_caps)
{
	char *dir = ut_tmpdir();
	struct asy_inventory *inv = NULL;
	struct asy_diags d;
	struct asy_buf b;
	size_t plen = ASY_NMAP_MAX_FIELD + 100;
	size_t olen = ASY_NMAP_MAX_SCRIPT_OUTPUT + 1000;
	int r;

	asy_buf_init(&b, (size_t)1 << 20);
	ck_assert_int_eq(asy_buf_puts(&b, HEAD RUN HOST "<port "
	    "protocol=\"tcp\" portid=\"22\"><state state=\"open\"/>"
	    "<service name=\"ssh\" product=\"x"), 0);
	/* "é" (2 bytes) from the 2nd byte on: the cap (an even number)
	 * falls inside one, which must not be split. */
	for (size_t i = 1; i + 1 < plen; i += 2)
		ck_assert_int_eq(asy_buf_puts(&b, "\xc3\xa9"), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "\"/><script id=\"s\" output=\""), 0);
	put_many(&b, 'o', olen);
	ck_assert_int_eq(asy_buf_puts(&b, "\"/></port>\n" TAIL), 0);
	asy_diags_init(&d);
	r = parse_bytes(dir, b.data, b.len, &d, &inv, NULL);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_uint_eq(d.n_warnings, 2);
	ck_assert_uint_eq(strlen(inv->services[0].product),
	    ASY_NMAP_MAX_FIELD - 1);
	ck_assert_uint_eq(strlen(inv->services[0].scripts[0].output),
	    ASY_NMAP_MAX_SCRIPT_OUTPUT);
	ck_assert_uint_eq(d.v[0].line, 6);
	asy_inventory_free(inv);
	asy_diags_release(&d);
	asy_buf_release(&b);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* Several hosts: every service, each with its address; the host state
 * is the first host's.  A host scanned down has no ports. */
START_TEST(test_hosts)
{
	static const char xml[] = HEAD RUN
	    "<host><status state=\"down\"/><address addr=\"198.18.0.3\" "
	    "addrtype=\"ipv4\"/></host>\n"
	    "<host><status state=\"up\"/><address addr=\"02:00:00:00:00:01\" "
	    "addrtype=\"mac\"/><address addr=\"fd00::2\" addrtype=\"ipv6\"/>"
	    "<ports><extraports state=\"closed\" count=\"998\"/>"
	    PORT("protocol=\"tcp\"", "portid=\"22\"", "open")
	    PORT("protocol=\"sctp\"", "portid=\"38412\"", "open")
	    "</ports></host>\n"
	    "<host><status state=\"up\"/><address addr=\"198.18.0.2\" "
	    "addrtype=\"ipv4\"/><ports>"
	    PORT("protocol=\"udp\"", "portid=\"53\"", "open|filtered")
	    PORT("protocol=\"tcp\"", "portid=\"23\"", "filtered")
	    PORT("protocol=\"tcp\"", "portid=\"24\"", "closed|filtered")
	    PORT("protocol=\"tcp\"", "portid=\"25\"", "unfiltered")
	    "</ports></host>\n</nmaprun>\n";
	static const struct {
		const char	*addr, *proto, *state;
		unsigned	 port;
	} want[] = {
		{ "fd00::2", "tcp", "open", 22 },
		{ "fd00::2", "sctp", "open", 38412 },
		{ "198.18.0.2", "udp", "open|filtered", 53 },
		{ "198.18.0.2", "tcp", "unfiltered", 25 },
	};
	char *dir = ut_tmpdir();
	struct asy_inventory *inv = NULL;
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	r = parse_bytes(dir, xml, sizeof(xml) - 1, &d, &inv, NULL);
	if (r != 0)
		asy_diags_print(&d, stderr);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(inv->host_state, "down");
	ck_assert_uint_eq(inv->n_services, ASY_ELEMENTSOF(want));
	for (size_t i = 0; i < ASY_ELEMENTSOF(want); i++) {
		ck_assert_str_eq(inv->services[i].addr, want[i].addr);
		ck_assert_str_eq(inv->services[i].proto, want[i].proto);
		ck_assert_str_eq(inv->services[i].state, want[i].state);
		ck_assert_uint_eq(inv->services[i].port, want[i].port);
	}
	asy_inventory_free(inv);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* A host nmap gave up on at --host-timeout is marked: its ports are
 * missing, not closed. */
START_TEST(test_timed_out)
{
	static const char xml[] = HEAD RUN "<host starttime=\"1\" "
	    "endtime=\"2\" timedout=\"true\"><status state=\"up\" "
	    "reason=\"user-set\"/>\n<address addr=\"198.18.0.2\" "
	    "addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n<times "
	    "srtt=\"79\" rttvar=\"2164\" to=\"100000\"/>\n</host>\n"
	    "</nmaprun>\n";
	char *dir = ut_tmpdir();
	struct asy_inventory *inv = NULL;
	struct asy_diags d;

	asy_diags_init(&d);
	ck_assert_int_eq(parse_bytes(dir, xml, sizeof(xml) - 1, &d, &inv,
	    NULL), 0);
	ck_assert_int_eq(inv->timed_out, 1);
	ck_assert_str_eq(inv->host_state, "up");
	ck_assert_uint_eq(inv->n_services, 0);
	asy_inventory_free(inv);
	inv = NULL;
	ck_assert_int_eq(parse_bytes(dir, DOC(""), sizeof(DOC("")) - 1, &d,
	    &inv, NULL), 0);
	ck_assert_int_eq(inv->timed_out, 0);
	asy_inventory_free(inv);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* No host at all (nmap was stopped early): an empty inventory. */
START_TEST(test_no_host)
{
	static const char xml[] = HEAD RUN "</nmaprun>\n";
	char *dir = ut_tmpdir();
	struct asy_inventory *inv = NULL;
	struct asy_diags d;

	asy_diags_init(&d);
	ck_assert_int_eq(parse_bytes(dir, xml, sizeof(xml) - 1, &d, &inv,
	    NULL), 0);
	ck_assert_ptr_null(inv->host_state);
	ck_assert_uint_eq(inv->n_services, 0);
	asy_inventory_free(inv);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* ---- hostile and malformed files ---------------------------------------- */

static void
gen_truncated(struct asy_buf *b)
{
	char *path = ut_src("tests/data/nmap/tcp-services.xml");
	struct asy_buf f;

	ut_load(path, &f);
	ck_assert_int_eq(asy_buf_add(b, f.data, f.len / 2), 0);
	asy_buf_release(&f);
	free(path);
}

static void
gen_oversized(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, HEAD RUN "<!--"), 0);
	put_many(b, 'x', ASY_NMAP_MAX_XML);
	ck_assert_int_eq(asy_buf_puts(b, "-->\n</nmaprun>\n"), 0);
}

static void
gen_long_attr(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, HEAD RUN HOST "<port protocol=\"tcp\" "
	    "portid=\"22\"><state state=\"open\"/><script id=\"x\" output=\""),
	    0);
	put_many(b, 'a', (size_t)2 << 20);
	ck_assert_int_eq(asy_buf_puts(b, "\"/></port>\n" TAIL), 0);
}

static void
gen_nul(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, HEAD RUN), 0);
	ck_assert_int_eq(asy_buf_add(b, "<!-- \0 -->\n", 11), 0);
	ck_assert_int_eq(asy_buf_puts(b, "</nmaprun>\n"), 0);
}

static void
gen_deep(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, HEAD RUN), 0);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(asy_buf_puts(b, "<a>"), 0);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(asy_buf_puts(b, "</a>"), 0);
	ck_assert_int_eq(asy_buf_puts(b, "</nmaprun>\n"), 0);
}

struct hostile {
	const char	*name;
	const char	*xml;	/* "@PORT@": the listener's port */
	void		(*gen)(struct asy_buf *b);
	unsigned long	 line;	/* of the first error; 0: any */
	const char	*msg;		/* in the first error, or NULL */
};

static const struct hostile hostile[] = {
	{ "truncated", NULL, gen_truncated, 0, NULL },
	{ "not XML", "Starting Nmap 7.93 ( https://nmap.org )\n", NULL, 1,
	  NULL },
	{ "empty", "", NULL, 1, "empty" },
	{ "internal subset", "<?xml version=\"1.0\"?>\n"
	  "<!DOCTYPE nmaprun [\n<!ELEMENT nmaprun ANY>\n]>\n" RUN
	  "</nmaprun>\n", NULL, 2, "DOCTYPE" },
	{ "empty internal subset", "<!DOCTYPE nmaprun []>\n" RUN "</nmaprun>\n",
	  NULL, 1, "DOCTYPE" },
	{ "entity declaration", "<!DOCTYPE nmaprun [<!ENTITY v \"7.93\">]>\n"
	  "<nmaprun scanner=\"nmap\" args=\"\" version=\"&v;\"/>\n", NULL, 1,
	  "DOCTYPE" },
	{ "external entity", "<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "
	  "\"http://127.0.0.1:@PORT@/x\">]>\n<nmaprun scanner=\"nmap\" "
	  "args=\"&x;\" version=\"7.93\"/>\n", NULL, 1, "DOCTYPE" },
	{ "file entity", "<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "
	  "\"file:///etc/passwd\">]>\n<nmaprun scanner=\"nmap\" args=\"&x;\" "
	  "version=\"7.93\"/>\n", NULL, 1, "DOCTYPE" },
	{ "parameter entity", "<!DOCTYPE nmaprun [<!ENTITY % p SYSTEM "
	  "\"http://127.0.0.1:@PORT@/p\">%p;]>\n" RUN "</nmaprun>\n", NULL, 1,
	  "DOCTYPE" },
	{ "external SYSTEM DOCTYPE", "<!DOCTYPE nmaprun SYSTEM "
	  "\"http://127.0.0.1:@PORT@/nmap.dtd\">\n" RUN "</nmaprun>\n", NULL,
	  1, "DOCTYPE" },
	{ "external PUBLIC DOCTYPE", "<!DOCTYPE nmaprun PUBLIC \"-//x//EN\" "
	  "\"http://127.0.0.1:@PORT@/nmap.dtd\">\n" RUN "</nmaprun>\n", NULL,
	  1, "DOCTYPE" },
	{ "billion laughs", "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n"
	  " <!ENTITY l0 \"lol\">\n"
	  " <!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">\n"
	  " <!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">\n"
	  " <!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">\n"
	  " <!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">\n"
	  " <!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\">\n"
	  " <!ENTITY l6 \"&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;\">\n"
	  " <!ENTITY l7 \"&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;\">\n"
	  " <!ENTITY l8 \"&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;\">\n"
	  " <!ENTITY l9 \"&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;\">\n"
	  "]>\n<nmaprun scanner=\"nmap\" args=\"&l9;\" version=\"7.93\"/>\n",
	  NULL, 2, "DOCTYPE" },
	{ "undeclared entity", DOC("<port protocol=\"tcp\" portid=\"&p;\"/>\n"),
	  NULL, 6, NULL },
	{ "two DOCTYPEs", HEAD "<!DOCTYPE nmaprun>\n" RUN "</nmaprun>\n", NULL,
	  0, NULL },
	{ "port 0", DOC(PORT("protocol=\"tcp\"", "portid=\"0\"", "open")), NULL,
	  6, "portid \"0\"" },
	{ "port 70000", DOC(PORT("protocol=\"tcp\"", "portid=\"70000\"",
	  "open")), NULL, 6, "portid \"70000\"" },
	{ "port 22x", DOC(PORT("protocol=\"tcp\"", "portid=\"22x\"", "open")),
	  NULL, 6, "portid \"22x\"" },
	{ "port -22", DOC(PORT("protocol=\"tcp\"", "portid=\"-22\"", "open")),
	  NULL, 6, "portid" },
	{ "port empty", DOC(PORT("protocol=\"tcp\"", "portid=\"\"", "open")),
	  NULL, 6, "portid" },
	{ "no portid", DOC(PORT("protocol=\"tcp\"", "", "open")), NULL, 6,
	  "no portid" },
	{ "closed port 0", DOC(PORT("protocol=\"tcp\"", "portid=\"0\"",
	  "closed")), NULL, 6, "portid" },
	{ "no protocol", DOC(PORT("", "portid=\"22\"", "open")), NULL, 6,
	  "no protocol" },
	{ "protocol icmp", DOC(PORT("protocol=\"icmp\"", "portid=\"22\"",
	  "open")), NULL, 6, "protocol \"icmp\"" },
	{ "unknown state", DOC(PORT("protocol=\"tcp\"", "portid=\"22\"",
	  "wide-open")), NULL, 6, "state \"wide-open\"" },
	{ "no state", DOC("<port protocol=\"tcp\" portid=\"22\"/>\n"), NULL, 6,
	  "no state" },
	{ "script without id", DOC("<port protocol=\"tcp\" portid=\"22\">"
	  "<state state=\"open\"/><script output=\"x\"/></port>\n"), NULL, 6,
	  "id" },
	{ "non-nmaprun root", HEAD "<html><body>nmap</body></html>\n", NULL, 3,
	  "<nmaprun>" },
	{ "other scanner", "<nmaprun scanner=\"masscan\" args=\"\" "
	  "version=\"1.3\"/>\n", NULL, 1, "scanner" },
	{ "no version", "<nmaprun scanner=\"nmap\" args=\"\"/>\n", NULL, 1,
	  "version" },
	{ "host without status", HEAD RUN "<host><address addr=\"127.0.0.1\" "
	  "addrtype=\"ipv4\"/></host>\n</nmaprun>\n", NULL, 4, "status" },
	{ "host without address", HEAD RUN "<host><status state=\"up\"/>"
	  "<address addr=\"02:00:00:00:00:01\" addrtype=\"mac\"/></host>\n"
	  "</nmaprun>\n", NULL, 4, "address" },
	{ "non-UTF-8 bytes", HEAD RUN HOST "<port protocol=\"tcp\" "
	  "portid=\"22\"><state state=\"open\"/><service name=\"ssh\" "
	  "product=\"caf\xe9\"/></port>\n" TAIL, NULL, 6, "UTF-8" },
	{ "Latin-1 declared", "<?xml version=\"1.0\" "
	  "encoding=\"ISO-8859-1\"?>\n" RUN "</nmaprun>\n", NULL, 1, "UTF-8" },
	{ "UTF-16 BOM", "\xff\xfe<\0n\0", NULL, 1, "UTF-16" },
	{ "NUL byte", NULL, gen_nul, 4, "NUL" },
	{ "invalid character reference", DOC("<port protocol=\"tcp\" "
	  "portid=\"22\"><state state=\"open\"/><service product=\"&#x1b;\"/>"
	  "</port>\n"), NULL, 6, NULL },
	{ "nested too deeply", NULL, gen_deep, 0, "deeply" },
	{ "oversized", NULL, gen_oversized, 1, "limit" },
	{ "2 MiB attribute", NULL, gen_long_attr, 6, "1048576" },
};

/* A TCP listener on a random loopback port that nobody may call. */
static int
listener_open(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* tmpl with every "@PORT@" replaced by port. */
static void
expand(const char *tmpl, unsigned port, struct asy_buf *b)
{
	const char *p = tmpl, *at;

	while ((at = strstr(p, "@PORT@")) != NULL) {
		ck_assert_int_eq(asy_buf_add(b, p, (size_t)(at - p)), 0);
		ck_assert_int_eq(asy_buf_printf(b, "%u", port), 0);
		p = at + 6;
	}
	ck_assert_int_eq(asy_buf_puts(b, p), 0);
}

START_TEST(test_hostile)
{
	const struct hostile *h = &hostile[_i];
	struct asy_inventory *inv = NULL;
	const struct asy_diag *e;
	struct asy_diags d;
	struct asy_buf b;
	char *dir = ut_tmpdir(), *path = NULL;
	unsigned port;
	int lfd, r;

	lfd = listener_open(&port);
	asy_buf_init(&b, ASY_NMAP_MAX_XML + ((size_t)1 << 20));
	if (h->gen != NULL)
		h->gen(&b);
	else if (strncmp(h->name, "UTF-16", 6) == 0)
		ck_assert_int_eq(asy_buf_add(&b, h->xml, 6), 0);
	else
		expand(h->xml, port, &b);
	asy_diags_init(&d);
	r = parse_bytes(dir, b.data != NULL ? b.data : "", b.len, &d, &inv,
	    &path);
	ck_assert_msg(r == ASY_E_INPUT, "%s: %s, want malformed input",
	    h->name, asy_strerror(r));
	ck_assert_ptr_null(inv);
	e = first_error(&d);
	ck_assert_msg(e != NULL, "%s: no diagnostic", h->name);
	ck_assert_str_eq(e->file, path);
	ck_assert_msg(e->line >= 1, "%s: no line", h->name);
	if (h->line != 0)
		ck_assert_msg(e->line == h->line, "%s: line %lu, want %lu (%s)",
		    h->name, e->line, h->line, e->msg);
	if (h->msg != NULL)
		ck_assert_msg(strstr(e->msg, h->msg) != NULL, "%s: \"%s\" not "
		    "in \"%s\"", h->name, h->msg, e->msg);
	ck_assert_msg(accept(lfd, NULL, NULL) < 0 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK), "%s: the parser connected to the network",
	    h->name);
	close(lfd);
	asy_diags_release(&d);
	asy_buf_release(&b);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * The relaxations are the nmap adapter's only: asy_xml_load() refuses a
 * bare DOCTYPE and a 5 KiB attribute as before, and each flag relaxes one
 * thing alone.
 */
START_TEST(test_xml_flags)
{
	static const char bare[] = HEAD RUN "</nmaprun>\n";
	char *dir = ut_tmpdir(), *p1 = join(dir, "bare.xml"),
	    *p2 = join(dir, "long.xml");
	struct asy_xdoc *doc = NULL;
	struct asy_diags d;
	struct asy_buf b;

	ut_write(p1, bare, sizeof(bare) - 1);
	asy_buf_init(&b, (size_t)1 << 20);
	ck_assert_int_eq(asy_buf_puts(&b, "<x a=\""), 0);
	for (int i = 0; i < 5000; i++)
		ck_assert_int_eq(asy_buf_putc(&b, 'a'), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "\"/>\n"), 0);
	ut_write(p2, b.data, b.len);

	asy_diags_init(&d);
	ck_assert_int_eq(asy_xml_load(p1, NULL, ASY_XML_MAX_INPUT, &d, &doc),
	    ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(first_error(&d)->msg, "DOCTYPE (DTD)"));
	ck_assert_int_eq(asy_xml_load_opts(p1, NULL, ASY_XML_MAX_INPUT,
	    ASY_XML_LONG_ATTRS, &d, &doc), ASY_E_INPUT);
	ck_assert_int_eq(asy_xml_load(p2, NULL, ASY_XML_MAX_INPUT, &d, &doc),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_xml_load_opts(p2, NULL, ASY_XML_MAX_INPUT,
	    ASY_XML_ALLOW_BARE_DOCTYPE, &d, &doc), ASY_E_INPUT);
	ck_assert_ptr_null(doc);
	asy_diags_release(&d);

	asy_diags_init(&d);
	ck_assert_int_eq(asy_xml_load_opts(p1, NULL, ASY_XML_MAX_INPUT,
	    ASY_XML_ALLOW_BARE_DOCTYPE, &d, &doc), 0);
	ck_assert_str_eq(asy_xdoc_root(doc)->name, "nmaprun");
	asy_xdoc_free(doc);
	doc = NULL;
	ck_assert_int_eq(asy_xml_load_opts(p2, NULL, ASY_XML_MAX_INPUT,
	    ASY_XML_LONG_ATTRS, &d, &doc), 0);
	ck_assert_uint_eq(strlen(asy_xnode_attr(asy_xdoc_root(doc), "a")),
	    5000);
	asy_xdoc_free(doc);
	ck_assert_uint_eq(d.n_errors, 0);
	asy_diags_release(&d);
	asy_buf_release(&b);
	ut_rmrf(dir);
	free(p1);
	free(p2);
	free(dir);
}
END_TEST

/* ---- the command line --------------------------------------------------- */

struct argv_case {
	const char		*name;
	struct asy_nmap_opts	 o;
	const char		*want;	/* argv joined with spaces */
};

#define OPTS(t, i, rate, tcp, udp, vi, sc, ms, priv) \
	{ .nmap = "nmap", .target = (t), .ifname = (i), .pps = (rate), \
	  .tcp_ports = (tcp), .udp_ports = (udp), .version_intensity = (vi), \
	  .scripts = (sc), .timeout_ms = (ms), .xml_path = "/run/x/nmap.xml", \
	  .privileged = (priv) }

static const struct argv_case argv_cases[] = {
	{ "IPv4, full budget", OPTS("198.18.0.2", NULL, 2000, "1-65535",
	  "53,67,161", 7, "ssh2-enum-algos,ssl-enum-ciphers", 900000, 0),
	  "nmap -n -Pn -T4 -sS -sU -p T:1-65535,U:53,67,161 -sV "
	  "--version-intensity 7 --script ssh2-enum-algos,ssl-enum-ciphers "
	  "--script-timeout 202500ms --max-rate 2000 --max-retries 2 "
	  "--defeat-rst-ratelimit --host-timeout 810000ms --reason "
	  "--noninteractive -oX /run/x/nmap.xml 198.18.0.2" },
	{ "IPv6", OPTS("fd00::2", NULL, 500, "22,80,443", "161", 5, NULL,
	  60000, 0),
	  "nmap -n -Pn -6 -T4 -sS -sU -p T:22,80,443,U:161 -sV "
	  "--version-intensity 5 --max-rate 500 --max-retries 2 "
	  "--defeat-rst-ratelimit --host-timeout 54000ms --reason "
	  "--noninteractive -oX /run/x/nmap.xml fd00::2" },
	{ "no UDP", OPTS("127.0.0.1", NULL, 1000, "1-1024", NULL, 9, "",
	  20000, 0),
	  "nmap -n -Pn -T4 -sS -p T:1-1024 -sV --version-intensity 9 "
	  "--max-rate 1000 --max-retries 2 --defeat-rst-ratelimit "
	  "--host-timeout 18000ms --reason --noninteractive "
	  "-oX /run/x/nmap.xml 127.0.0.1" },
	{ "UDP only", OPTS("127.0.0.1", NULL, 1000, "", "53", 0, "snmp-info",
	  20000, 0),
	  "nmap -n -Pn -T4 -sU -p U:53 -sV --version-intensity 0 "
	  "--script snmp-info --script-timeout 4500ms --max-rate 1000 "
	  "--max-retries 2 --host-timeout 18000ms --reason --noninteractive "
	  "-oX /run/x/nmap.xml 127.0.0.1" },
	{ "privileged, interface", OPTS("198.18.252.2", "asy-perfscan0", 2000,
	  "22", NULL, 7, NULL, 600000, 1),
	  "nmap -n -Pn --privileged -e asy-perfscan0 -T4 -sS -p T:22 -sV "
	  "--version-intensity 7 --max-rate 2000 --max-retries 2 "
	  "--defeat-rst-ratelimit --host-timeout 540000ms --reason "
	  "--noninteractive -oX /run/x/nmap.xml 198.18.252.2" },
	{ "connect scan", { .nmap = "/opt/nmap/bin/nmap", .target = "fd00::2",
	  .pps = 300, .tcp_ports = "1-1024", .version_intensity = 7,
	  .timeout_ms = 120000, .xml_path = "/run/x/nmap.xml",
	  .connect_scan = 1 },
	  "/opt/nmap/bin/nmap -n -Pn -6 -T4 -sT -p T:1-1024 -sV "
	  "--version-intensity 7 --max-rate 300 --max-retries 2 "
	  "--host-timeout 108000ms --reason --noninteractive "
	  "-oX /run/x/nmap.xml fd00::2" },
	{ "no rate, short deadline", OPTS("::1", NULL, 0, "22", NULL, 2,
	  "banner", 1500, 0),
	  "nmap -n -Pn -6 -T4 -sS -p T:22 -sV --version-intensity 2 "
	  "--script banner --max-retries 2 --defeat-rst-ratelimit --reason "
	  "--noninteractive -oX /run/x/nmap.xml ::1" },
};

START_TEST(test_argv)
{
	const struct argv_case *c = &argv_cases[_i];
	char **argv = asy_nmap_argv(&c->o);
	struct asy_buf b;

	ck_assert_msg(argv != NULL, "%s: refused", c->name);
	asy_buf_init(&b, 1 << 20);
	for (char **p = argv; *p != NULL; p++)
		ck_assert_int_eq(asy_buf_printf(&b, "%s%s",
		    p == argv ? "" : " ", *p), 0);
	ck_assert_msg(strcmp(b.data, c->want) == 0, "%s:\n got %s\nwant %s",
	    c->name, b.data, c->want);
	asy_buf_release(&b);
	asy_nmap_argv_free(argv);
}
END_TEST

enum field {
	F_TARGET, F_TCP, F_UDP, F_SCRIPTS, F_IFNAME, F_XML, F_NMAP, F_VI,
	F_TIMEOUT, F_NO_PORTS, F_CONNECT_UDP,
};

static const struct {
	enum field	 f;
	const char	*v;
} refused[] = {
	{ F_TARGET, "127.0.0.1 -oN /etc/x" },
	{ F_TARGET, "-iL" },
	{ F_TARGET, "" },
	{ F_TARGET, NULL },
	{ F_TARGET, "example.com" },
	{ F_TARGET, "127.1" },
	{ F_TARGET, "198.18.0.0/15" },
	{ F_TARGET, "198.18.0.2-9" },
	{ F_TARGET, "fe80::1%eth0" },
	{ F_TARGET, "[::1]" },
	{ F_TARGET, "198.18.0.2\n" },
	{ F_TARGET, " 198.18.0.2" },
	{ F_TCP, "1-65535;rm" },
	{ F_TCP, "1-65535 -oN /tmp/x" },
	{ F_TCP, "22 80" },
	{ F_TCP, "-" },
	{ F_TCP, "-1024" },
	{ F_TCP, "22-" },
	{ F_TCP, "0" },
	{ F_TCP, "70000" },
	{ F_TCP, "022222" },
	{ F_TCP, "22," },
	{ F_TCP, ",22" },
	{ F_TCP, "22,,80" },
	{ F_TCP, "80-22" },
	{ F_TCP, "1--2" },
	{ F_TCP, "T:22" },
	{ F_TCP, "ssh" },
	{ F_UDP, "53,U:161" },
	{ F_UDP, "53\n" },
	{ F_SCRIPTS, "ssh2-enum-algos;id" },
	{ F_SCRIPTS, "../../tmp/x" },
	{ F_SCRIPTS, "-x" },
	{ F_SCRIPTS, "a,,b" },
	{ F_SCRIPTS, "a," },
	{ F_SCRIPTS, "Banner" },
	{ F_SCRIPTS, "a b" },
	{ F_SCRIPTS, "http-*" },
	{ F_SCRIPTS, "not intrusive" },
	{ F_IFNAME, "eth0 -oN" },
	{ F_IFNAME, "-e" },
	{ F_IFNAME, "a/b" },
	{ F_IFNAME, "" },
	{ F_IFNAME, "sixteen-chars-xx" },
	{ F_XML, "-" },
	{ F_XML, "-oN" },
	{ F_XML, "" },
	{ F_XML, NULL },
	{ F_NMAP, "" },
	{ F_VI, "10" },
	{ F_TIMEOUT, "0" },
	{ F_NO_PORTS, NULL },
	{ F_CONNECT_UDP, NULL },
};

START_TEST(test_argv_refused)
{
	struct asy_nmap_opts o = OPTS("198.18.0.2", NULL, 2000, "1-65535",
	    "53", 7, "banner", 60000, 0);
	struct asy_inventory *inv = NULL;
	struct asy_buf why;
	char **argv;

	/* The base is fine. */
	argv = asy_nmap_argv(&o);
	ck_assert_ptr_nonnull(argv);
	asy_nmap_argv_free(argv);
	switch (refused[_i].f) {
	case F_TARGET:	o.target = refused[_i].v; break;
	case F_TCP:	o.tcp_ports = refused[_i].v; break;
	case F_UDP:	o.udp_ports = refused[_i].v; break;
	case F_SCRIPTS:	o.scripts = refused[_i].v; break;
	case F_IFNAME:	o.ifname = refused[_i].v; break;
	case F_XML:	o.xml_path = refused[_i].v; break;
	case F_NMAP:	o.nmap = refused[_i].v; break;
	case F_VI:	o.version_intensity = 10; break;
	case F_TIMEOUT:	o.timeout_ms = 0; break;
	case F_NO_PORTS: o.tcp_ports = o.udp_ports = NULL; break;
	case F_CONNECT_UDP: o.connect_scan = 1; break;
	}
	argv = asy_nmap_argv(&o);
	ck_assert_msg(argv == NULL, "case %d (\"%s\") was accepted", _i,
	    str_or_null(refused[_i].v));
	/* asy_nmap_run refuses it too, before running anything. */
	asy_buf_init(&why, 4096);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_USAGE);
	ck_assert_ptr_null(inv);
	ck_assert_ptr_nonnull(strstr(why.data, "refused"));
	asy_buf_release(&why);
}
END_TEST

/* ---- nmap-services ------------------------------------------------------ */

static const char fake_services[] =
    "# Fields in this file are: Service name, portnum/protocol, open-frequency,"
    " optional comments\n"
    "#\n"
    "domain\t53/udp\t0.5\t# Domain Name Server\n"
    "snmp\t161/udp\t0.5\n"
    "dhcps\t67/udp\t0.9\t# DHCP/Bootstrap Protocol Server\n"
    "ssh\t22/tcp\t0.99\n"
    "ntp\t123/udp\t0.1\n"
    "this line is malformed\n"
    "big\t99999/udp\t0.8\n"
    "zero\t0/udp\t0.8\n"
    "word\tx/udp\t0.8\n"
    "nofreq\t500/udp\n"
    "badfreq\t501/udp\tabc\n"
    "negative\t502/udp\t-0.5\n"
    "exp\t503/udp\t1e-3\n"
    "echo\t7/udp\t0.0001\n"
    "snmp-dup\t161/udp\t0.2\n"
    "ssdp\t1900/udp\t0.5\n"
    "\n"
    "sctp\t38412/sctp\t0.9\n"
    "udplike\t9/udpx\t0.9\n"
    "last\t5353/udp\t0.4";	/* no final newline */

START_TEST(test_top_udp)
{
	static const struct {
		unsigned long	 n;
		const char	*want;
	} cases[] = {
		{ 0, "" },
		{ 1, "67" },
		{ 3, "53,67,161" },
		{ 4, "53,67,161,1900" },
		{ 5, "53,67,161,1900,5353" },
		{ 100, "7,53,67,123,161,1900,5353" },
	};
	char *dir = ut_tmpdir(), *path = join(dir, "nmap-services");
	struct asy_buf out;

	ut_write_str(path, fake_services);
	ck_assert_int_eq(setenv("NMAPDIR", dir, 1), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(cases); i++) {
		asy_buf_init(&out, 1 << 20);
		ck_assert_int_eq(asy_nmap_top_udp(cases[i].n, &out), 0);
		ck_assert_msg(strcmp(out.data, cases[i].want) == 0, "top %lu: "
		    "got %s, want %s", cases[i].n, out.data, cases[i].want);
		asy_buf_release(&out);
	}
	/* Appended to what out holds; too small a buffer is left alone. */
	asy_buf_init(&out, 8);
	ck_assert_int_eq(asy_buf_puts(&out, "x="), 0);
	ck_assert_int_eq(asy_nmap_top_udp(1, &out), 0);
	ck_assert_str_eq(out.data, "x=67");
	ck_assert_int_eq(asy_nmap_top_udp(5, &out), ASY_E_TOOBIG);
	ck_assert_str_eq(out.data, "x=67");
	asy_buf_release(&out);
	/* No UDP entry at all. */
	ut_write_str(path, "ssh\t22/tcp\t0.9\n");
	asy_buf_init(&out, 1 << 20);
	ck_assert_int_eq(asy_nmap_top_udp(10, &out), ASY_E_INPUT);
	ck_assert_ptr_null(out.data);
	/* No file. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(asy_nmap_top_udp(10, &out), ASY_E_NOTFOUND);
	asy_buf_release(&out);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/* nmap's own list, when nmap is installed. */
START_TEST(test_top_udp_real)
{
	struct asy_buf out;
	size_t commas = 0;
	int r;

	unsetenv("NMAPDIR");
	if (!ut_exists("/usr/share/nmap/nmap-services")) {
		fprintf(stderr, "test-nmap: skipped the real nmap-services "
		    "(nmap is not installed)\n");
		return;
	}
	asy_buf_init(&out, 1 << 20);
	r = asy_nmap_top_udp(100, &out);
	ck_assert_int_eq(r, 0);
	for (const char *p = out.data; *p != '\0'; p++)
		commas += *p == ',';
	ck_assert_uint_eq(commas, 99);
	ck_assert_msg(strncmp(out.data, "7,", 2) == 0 || strstr(out.data,
	    ",53,") != NULL, "%s", out.data);
	ck_assert_ptr_nonnull(strstr(out.data, ",161,"));
	asy_buf_release(&out);
}
END_TEST

/* ---- running fake nmap programs ----------------------------------------- */

/* An executable shell script dir/name holding body; returns its path. */
static char *
fake(const char *dir, const char *name, const char *body)
{
	char *path = join(dir, name);

	ut_write_str(path, body);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* The -oX operand, wherever it is. */
#define FIND_OUT \
	"out=\nwhile [ $# -gt 0 ]; do\n" \
	"\tif [ \"$1\" = -oX ]; then out=$2; fi\n\tshift\ndone\n"

static void
run_opts(struct asy_nmap_opts *o, const char *prog, const char *xml,
    unsigned long timeout_ms)
{
	memset(o, 0, sizeof(*o));
	o->nmap = prog;
	o->target = "127.0.0.1";
	o->pps = 100;
	o->tcp_ports = "9";
	o->version_intensity = 0;
	o->timeout_ms = timeout_ms;
	o->xml_path = xml;
}

/* No byte outside printable ASCII. */
static void
assert_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "byte 0x%02x in \"%s\"",
		    *p, s);
}

START_TEST(test_run_fails)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\n"
	    "printf 'nmap: Failed to open device \\033[31meth9\\001\\n"
	    "QUITTING!\\n' >&2\nexit 1\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 10000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ck_assert_ptr_null(inv);
	ck_assert_msg(strstr(why.data, "exit status 1") != NULL, "%s",
	    why.data);
	ck_assert_msg(strstr(why.data, "nmap: Failed to open device "
	    "?[31meth9? QUITTING!\"") != NULL, "%s", why.data);
	assert_printable(why.data);
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

/* 100 KB on stderr: the why keeps about 500 bytes of it. */
START_TEST(test_run_long_stderr)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\ni=0\n"
	    "while [ $i -lt 2000 ]; do\n"
	    "\techo 'warning: a line of fifty bytes of noise for stderr' >&2\n"
	    "\ti=$((i + 1))\ndone\nexit 3\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 20000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ck_assert_msg(strstr(why.data, "exit status 3") != NULL, "%s",
	    why.data);
	ck_assert_msg(why.len < 700, "%zu bytes", why.len);
	ck_assert_ptr_nonnull(strstr(why.data, "...\""));
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_run_timeout)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\necho 'Starting Nmap' >&2\n"
	    "exec sleep 30\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;
	long long t0 = ut_now_ms(), ms;

	run_opts(&o, prog, xml, 500);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ms = ut_now_ms() - t0;
	ck_assert_msg(ms < 5000, "took %lld ms", ms);
	ck_assert_msg(strstr(why.data, "timed out") != NULL, "%s", why.data);
	ck_assert_msg(strstr(why.data, "Starting Nmap") != NULL, "%s",
	    why.data);
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_run_bad_xml)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\n" FIND_OUT
	    "printf '<nmaprun scanner=\"nmap\"><host' > \"$out\"\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 10000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ck_assert_ptr_null(inv);
	ck_assert_msg(strstr(why.data, "exit status 0") != NULL &&
	    strstr(why.data, "unusable") != NULL && strstr(why.data, xml) !=
	    NULL, "%s", why.data);
	assert_printable(why.data);
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_run_host_timeout)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\n" FIND_OUT
	    "printf '<nmaprun scanner=\"nmap\" args=\"nmap\" "
	    "version=\"7.93\"><host timedout=\"true\"><status state=\"up\"/>"
	    "<address addr=\"127.0.0.1\" addrtype=\"ipv4\"/></host>"
	    "</nmaprun>' > \"$out\"\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 10000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ck_assert_ptr_null(inv);
	ck_assert_msg(strstr(why.data, "gave up on 127.0.0.1 at its "
	    "--host-timeout (90 % of the 10 s deadline)") != NULL, "%s",
	    why.data);
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_run_no_xml)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = fake(dir, "nmap", "#!/bin/sh\nexit 0\n");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 10000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_IO);
	ck_assert_msg(strstr(why.data, "no such file") != NULL, "%s",
	    why.data);
	ck_assert_ptr_nonnull(strstr(why.data, "printed nothing on stderr"));
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_run_missing)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *prog = join(dir, "no-such-nmap");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;

	run_opts(&o, prog, xml, 10000);
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_NOTFOUND);
	ck_assert_ptr_null(inv);
	ck_assert_msg(strstr(why.data, "not found (No such file or "
	    "directory); install nmap or set tools nmap= in the lab config") !=
	    NULL, "%s", why.data);
	ck_assert_ptr_nonnull(strstr(why.data, prog));
	asy_buf_release(&why);
	/* Not in PATH either. */
	o.nmap = "assay-no-such-nmap";
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), ASY_E_NOTFOUND);
	asy_buf_release(&why);
	ck_assert_ptr_null(asy_nmap_version(prog));
	ut_rmrf(dir);
	free(prog);
	free(xml);
	free(dir);
}
END_TEST

/* A fake that writes a fixture: run + parse, and the argv it was given is
 * exactly asy_nmap_argv()'s. */
START_TEST(test_run_ok)
{
	char *dir = ut_tmpdir(), *xml = join(dir, "nmap.xml");
	char *args = join(dir, "args"), *fixture =
	    ut_src("tests/data/nmap/tcp-services.xml");
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf body, why, want;
	char *prog, **argv;

	asy_buf_init(&body, 1 << 20);
	ck_assert_int_eq(asy_buf_printf(&body, "#!/bin/sh\n"
	    "printf '%%s\\n' \"$0\" \"$@\" > '%s'\n" FIND_OUT
	    "cp '%s' \"$out\"\n", args, fixture), 0);
	prog = fake(dir, "nmap", body.data);
	run_opts(&o, prog, xml, 10000);
	o.scripts = "ssh2-enum-algos";
	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_nmap_run(&o, &inv, &why), 0);
	ck_assert_ptr_null(why.data);
	ck_assert_uint_eq(inv->n_services, 3);
	ck_assert_str_eq(inv->services[0].product, "Dropbear sshd");
	argv = asy_nmap_argv(&o);
	asy_buf_init(&want, 1 << 20);
	for (char **p = argv; *p != NULL; p++)
		ck_assert_int_eq(asy_buf_printf(&want, "%s\n", *p), 0);
	ck_assert_msg(ut_file_has(args, want.data), "the fake was run with "
	    "other arguments than\n%s", want.data);
	asy_nmap_argv_free(argv);
	asy_inventory_free(inv);
	asy_buf_release(&want);
	asy_buf_release(&why);
	asy_buf_release(&body);
	ut_rmrf(dir);
	free(fixture);
	free(prog);
	free(args);
	free(xml);
	free(dir);
}
END_TEST

START_TEST(test_version_fake)
{
	char *dir = ut_tmpdir();
	char *ok = fake(dir, "ok", "#!/bin/sh\n[ \"$1\" = --version ] || "
	    "exit 2\nprintf 'Nmap version 9.99 ( https://nmap.org )\\r\\n"
	    "Platform: x86_64-pc-linux-gnu\\n'\n");
	char *odd = fake(dir, "odd", "#!/bin/sh\nprintf 'Nmap\\033[2J "
	    "version\\n'\n");
	char *bad = fake(dir, "bad", "#!/bin/sh\necho 'Nmap version 1' \n"
	    "exit 1\n");
	char *quiet = fake(dir, "quiet", "#!/bin/sh\nexit 0\n");
	char *v;

	v = asy_nmap_version(ok);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "Nmap version 9.99 ( https://nmap.org )");
	free(v);
	v = asy_nmap_version(odd);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "Nmap?[2J version");
	free(v);
	ck_assert_ptr_null(asy_nmap_version(bad));
	ck_assert_ptr_null(asy_nmap_version(quiet));
	ut_rmrf(dir);
	free(ok);
	free(odd);
	free(bad);
	free(quiet);
	free(dir);
}
END_TEST

/* ---- one real nmap run -------------------------------------------------- */

/*
 * A child that listens on 127.0.0.1 (a free port) and greets every
 * connection like an SSH server, for at most 60 s and 100 connections.
 */
static pid_t
banner_server(unsigned *port)
{
	static const char banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	int lfd = listener_open(port);
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		long long end = ut_now_ms() + 60000;

		for (int i = 0; i < 100 && ut_now_ms() < end; i++) {
			struct pollfd pfd = { .fd = lfd, .events = POLLIN };
			ssize_t w;
			int c;

			if (poll(&pfd, 1, 1000) <= 0) {
				i--;
				continue;
			}
			c = accept(lfd, NULL, NULL);
			if (c < 0)
				continue;
			w = write(c, banner, sizeof(banner) - 1);
			(void)w;
			/* Give the client time to read before the close. */
			poll(NULL, 0, 200);
			close(c);
		}
		_exit(0);
	}
	close(lfd);
	return pid;
}

START_TEST(test_real_run)
{
	char *dir, *xml, *version, port_s[8];
	struct asy_inventory *inv = NULL;
	struct asy_nmap_opts o;
	struct asy_buf why;
	unsigned port;
	pid_t server;
	int r, found = 0;

	version = asy_nmap_version(NULL);
	if (version == NULL) {
		fprintf(stderr, "test-nmap: skipped the real run: nmap is not "
		    "installed\n");
		return;
	}
	ck_assert_msg(strncmp(version, "Nmap version ", 13) == 0, "%s",
	    version);
	free(version);
	dir = ut_tmpdir();
	xml = join(dir, "nmap.xml");
	server = banner_server(&port);
	snprintf(port_s, sizeof(port_s), "%u", port);
	run_opts(&o, "nmap", xml, 90000);
	o.tcp_ports = port_s;
	o.pps = 1000;
	o.version_intensity = 2;
	/* Without root, a connect scan (no raw sockets). */
	o.connect_scan = geteuid() != 0;
	asy_buf_init(&why, 1 << 20);
	r = asy_nmap_run(&o, &inv, &why);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	ck_assert_msg(r == 0, "%s: %s", asy_strerror(r), str_or_null(why.data));
	ck_assert_str_eq(inv->host_state, "up");
	for (size_t i = 0; i < inv->n_services; i++) {
		const struct asy_service *s = &inv->services[i];

		if (s->port != port)
			continue;
		found = 1;
		ck_assert_str_eq(s->addr, "127.0.0.1");
		ck_assert_str_eq(s->proto, "tcp");
		ck_assert_str_eq(s->state, "open");
		ck_assert_str_eq(s->reason, "syn-ack");
		ck_assert_str_eq(str_or_null(s->name), "ssh");
		ck_assert_str_eq(str_or_null(s->product), "OpenSSH");
	}
	ck_assert_msg(found, "port %u is not in the inventory", port);
	asy_inventory_free(inv);
	asy_buf_release(&why);
	ut_rmrf(dir);
	free(xml);
	free(dir);
}
END_TEST

static Suite *
nmap_suite(void)
{
	Suite *s = suite_create("nmap");
	TCase *parse = tcase_create("parse");
	TCase *cmd = tcase_create("argv");
	TCase *run = tcase_create("run");

	tcase_set_timeout(parse, 60);
	tcase_add_loop_test(parse, test_fixture, 0,
	    (int)ASY_ELEMENTSOF(fixtures));
	tcase_add_test(parse, test_verbatim);
	tcase_add_test(parse, test_caps);
	tcase_add_test(parse, test_hosts);
	tcase_add_test(parse, test_timed_out);
	tcase_add_test(parse, test_no_host);
	tcase_add_loop_test(parse, test_hostile, 0,
	    (int)ASY_ELEMENTSOF(hostile));
	tcase_add_test(parse, test_xml_flags);
	tcase_add_loop_test(cmd, test_argv, 0, (int)ASY_ELEMENTSOF(argv_cases));
	tcase_add_loop_test(cmd, test_argv_refused, 0,
	    (int)ASY_ELEMENTSOF(refused));
	tcase_add_test(cmd, test_top_udp);
	tcase_add_test(cmd, test_top_udp_real);
	tcase_set_timeout(run, 100);
	tcase_add_test(run, test_run_fails);
	tcase_add_test(run, test_run_long_stderr);
	tcase_add_test(run, test_run_timeout);
	tcase_add_test(run, test_run_bad_xml);
	tcase_add_test(run, test_run_host_timeout);
	tcase_add_test(run, test_run_no_xml);
	tcase_add_test(run, test_run_missing);
	tcase_add_test(run, test_run_ok);
	tcase_add_test(run, test_version_fake);
	tcase_add_test(run, test_real_run);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, cmd);
	suite_add_tcase(s, run);
	return s;
}

int
main(void)
{
	return ut_main(nmap_suite());
}
