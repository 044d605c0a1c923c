/*
 * Report writers: build a result model in code (every verdict, evidence,
 * hostile strings from a "device"), render the four reports and check them
 * with independent tools: the XML against reports/schema/report.xsd with
 * libxml2, the JUnit counts by XPath, the JSON with a strict RFC 8259
 * checker, the HTML with libxml2's HTML parser (no live script, no unsafe
 * href, counts as in the model, the CSP hash of the one script).  Each
 * checker is also shown to reject a bad input, so a passing test means
 * something.
 */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>

#include "buf.h"
#include "error.h"
#include "report.h"
#include "result.h"
#include "util.h"

#define HOSTILE_SCRIPT	"<script>alert(1)</script>"
#define BAD_PATH	"../../etc/passwd"
#define SHA_A \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B \
	"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

/* ---- the fixture ------------------------------------------------------ */

static void
set(char **p, const char *s)
{
	ck_assert_int_eq(asy_set_str(p, s), 0);
}

static struct asy_group_result *
add_group(struct asy_report *r, const char *id, const char *title,
    const char *status, int mandatory, const char *support)
{
	struct asy_group_result *g = asy_report_add_group(r);

	ck_assert_ptr_nonnull(g);
	set(&g->id, id);
	set(&g->provision, id);
	set(&g->title, title);
	set(&g->status, status);
	g->mandatory = mandatory;
	set(&g->support, support);
	return g;
}

static struct asy_case_result *
add_case(struct asy_group_result *g, const char *id, const char *title,
    const char *kind)
{
	struct asy_case_result *c = asy_group_add_case(g);

	ck_assert_ptr_nonnull(c);
	set(&c->id, id);
	set(&c->title, title);
	set(&c->kind, kind);
	return c;
}

static struct asy_unit_result *
add_unit(struct asy_case_result *c, const char *id, const char *row,
    enum asy_verdict v, const char *reason, const char *decided_by)
{
	struct asy_unit_result *u = asy_case_add_unit(c);

	ck_assert_ptr_nonnull(u);
	set(&u->id, id);
	set(&u->row, row);
	set(&u->title, "the unit checks something specific");
	set(&u->kind, c->kind);
	u->verdict = v;
	set(&u->reason, reason);
	set(&u->decided_by, decided_by);
	return u;
}

static void
evidence(struct asy_unit_result *u, const char *path, const char *kind,
    const char *note)
{
	ck_assert_int_eq(asy_unit_add_evidence(u, path, kind, note), 0);
}

/*
 * Five groups: 11 JUnit testcases, 2 failures, 1 error, 6 skipped; units
 * with every verdict; strings a hostile device or supplier might send.
 */
static struct asy_report *
fixture(void)
{
	struct asy_report *r = asy_report_new();
	struct asy_group_result *g;
	struct asy_case_result *c;
	struct asy_unit_result *u;

	ck_assert_ptr_nonnull(r);
	set(&r->run_id, "run-20261122-113000");
	set(&r->assay_version, "0.1.0");
	set(&r->date, "2026-11-22T11:30:00Z");
	set(&r->mode, "live");
	set(&r->edition, "ts103701-v1.1.1");
	set(&r->baseline, "ETSI EN 303 645 V2.1.1");
	set(&r->method, "ETSI TS 103 701 V1.1.1");
	set(&r->catalogue_title, "Test cases of TS 103 701 V1.1.1");
	set(&r->dut.vendor, "ACME " HOSTILE_SCRIPT);
	set(&r->dut.model, "Cam \"3000\" 'Pro' & co");
	set(&r->dut.hw, "rev ]]> B \xef\xbf\xbe\xef\xbf\xbf\xef\xbc\xa1");
	set(&r->dut.sw, "1.2.3 \xff\xfe bad");
	set(&r->dut.name, "front-door\ncamera");
	ck_assert_int_eq(asy_report_add_input(r, "ics", "inputs/ics.xml",
	    "/home/lab/acme/ics.xml", SHA_A), 0);
	ck_assert_int_eq(asy_report_add_input(r, "ixit", "inputs/ixit.xml",
	    "/home/lab/acme/ixit.xml", SHA_B), 0);
	ck_assert_int_eq(asy_report_add_input(r, "catalogue",
	    "/etc/assay/catalogue.xml", NULL, SHA_A), 0);
	ck_assert_int_eq(asy_report_add_tool(r, "nmap", "7.93"), 0);
	ck_assert_int_eq(asy_report_add_tool(r, "libssh", "0.10.4"), 0);

	g = add_group(r, "5.1-1", "No universal default passwords", "M C(1)",
	    1, "Y");
	set(&g->detail, "passwords are per device " HOSTILE_SCRIPT " ]]>");
	c = add_case(g, "5.1-1-1", "Conceptual assessment of passwords",
	    "conceptual");
	u = add_unit(c, "a", NULL, ASY_V_PASS, "every password is unique",
	    "pre-assessment accepted");
	u->pre = ASY_V_PASS;
	set(&u->pre_reason, "the generation rule is per device");
	u = add_unit(c, "b", "AuthMech-1", ASY_V_FAIL,
	    "the password is the same for all <img src=x onerror=alert(1)>",
	    "assessor Jane \"JD\" Doe");
	u->pre = ASY_V_FAIL;
	set(&u->pre_reason, "no per-device generation rule declared");
	evidence(u, "inputs/ixit.xml", "declaration", "row AuthMech-1");
	c = add_case(g, "5.1-1-2", "Functional test of passwords \x01 \r end",
	    "functional");
	c->derived = 1;
	u = add_unit(c, "a", "AuthMech-1", ASY_V_FAIL,
	    "login with admin/admin succeeded", "harness");
	set(&u->needs, "ethernet ssh");
	evidence(u, "evidence/5.1-1-2/capture.pcap", "pcap",
	    "frames 12-18\n\tsee the SSH exchange");
	evidence(u, "evidence/5.1-1-2/ssh session #1.txt", "transcript",
	    NULL);
	u = add_unit(c, "a", "AuthMech-2", ASY_V_PASS,
	    "no default credential accepted", "harness");

	g = add_group(r, "5.5-1", "Communicate securely", "M", 1, "Y");
	c = add_case(g, "5.5-1-1", "TLS versions and suites", "functional");
	u = add_unit(c, "a", "ComMech-1", ASY_V_INCONCLUSIVE,
	    "the DUT did not answer on 198.18.0.2:443", "harness");
	u = add_unit(c, "b", "ComMech-2", ASY_V_ERROR,
	    "the capture could not start: ]]> \"quoted\"", "harness");
	evidence(u, BAD_PATH, "transcript", "hostile path");
	evidence(u, "/etc/shadow", "transcript", "absolute path");
	evidence(u, "javascript:alert(1)", "transcript", "scheme");
	evidence(u, "evidence/%2e%2e/%2e%2e/x", "transcript", "encoded");
	c = add_case(g, "5.5-1-2", "Serial console", "functional");
	c->excluded = 1;
	c->verdict = ASY_V_INCONCLUSIVE;
	set(&c->reason, "the bench lacks a serial port");

	g = add_group(r, "5.3-2", "Secure update mechanism", "R", 0, "N/A");
	g->verdict = ASY_V_NA;
	set(&g->reason, "ICS Support is N/A: the device has no updates");
	c = add_case(g, "5.3-2-1", "Update mechanism", "conceptual");
	c->excluded = 1;
	c->verdict = ASY_V_NA;
	set(&c->reason, "ICS Support is N/A");

	g = add_group(r, "5.6-1", "Minimize exposed attack surfaces", "R", 0,
	    "Y");
	c = add_case(g, "5.6-1-1", "Unused interfaces", "conceptual");
	u = add_unit(c, "a", NULL, ASY_V_NONE, "awaiting the assessor", NULL);
	u->pre = ASY_V_PASS;
	set(&u->pre_reason, "no unused interface declared");
	u = add_unit(c, "b", NULL, ASY_V_NA, "no debug interface", "harness");

	g = add_group(r, "5.3-16", "Model designation", "R", 0, "N/A");
	g->verdict = ASY_V_NA;
	set(&g->reason, "ICS Support is N/A");

	ck_assert_int_eq(asy_report_rollup(r), 0);
	return r;
}

/* Only the fields the schema requires; everything else NULL. */
static struct asy_report *
sparse_fixture(void)
{
	struct asy_report *r = asy_report_new();
	struct asy_group_result *g;
	struct asy_case_result *c;
	struct asy_unit_result *u;

	ck_assert_ptr_nonnull(r);
	set(&r->run_id, "r");
	set(&r->assay_version, "0.1.0");
	set(&r->date, "2026-01-01T00:00:00Z");
	set(&r->mode, "offline");
	set(&r->edition, "ts103701-v2.1.1");
	g = asy_report_add_group(r);
	ck_assert_ptr_nonnull(g);
	set(&g->id, "4-1");
	c = asy_group_add_case(g);
	ck_assert_ptr_nonnull(c);
	set(&c->id, "4-1-1");
	u = asy_case_add_unit(c);
	ck_assert_ptr_nonnull(u);
	set(&u->id, "a");
	ck_assert_int_eq(asy_report_rollup(r), 0);
	return r;
}

static char *
render(const char *writer, const struct asy_report *r, size_t *len)
{
	const struct asy_report_writer *w = asy_report_writer_find(writer);
	struct asy_buf b;

	ck_assert_ptr_nonnull(w);
	asy_buf_init(&b, ASY_REPORT_MAX);
	ck_assert_int_eq(w->render(r, &b), 0);
	if (len != NULL)
		*len = b.len;
	return asy_buf_steal(&b);
}

/* ---- XML and XPath helpers -------------------------------------------- */

static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* 0 if xml validates against the report schema, -1 if not. */
static int
validate(const char *xml)
{
	const char *src = getenv("ASSAY_SRCDIR");
	char *xsd = NULL;
	xmlSchemaParserCtxtPtr pctx = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlDocPtr doc = NULL;
	int ret = -1;

	ck_assert_msg(src != NULL, "ASSAY_SRCDIR is not set");
	xsd = asy_path_join(src, "reports/schema/report.xsd");
	ck_assert_ptr_nonnull(xsd);
	pctx = xmlSchemaNewParserCtxt(xsd);
	ck_assert_ptr_nonnull(pctx);
	schema = xmlSchemaParse(pctx);
	ck_assert_msg(schema != NULL, "%s does not parse", xsd);
	vctx = xmlSchemaNewValidCtxt(schema);
	ck_assert_ptr_nonnull(vctx);
	doc = xmlReadMemory(xml, (int)strlen(xml), "report.xml", NULL,
	    XML_PARSE_NONET);
	if (doc == NULL)
		goto out;
	if (getenv("ASSAY_TEST_QUIET") != NULL)
		xmlSchemaSetValidErrors(vctx, silent, silent, NULL);
	ret = xmlSchemaValidateDoc(vctx, doc) == 0 ? 0 : -1;
out:
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	free(xsd);
	return ret;
}

static xmlDocPtr
parse_xml(const char *xml)
{
	xmlDocPtr doc;

	doc = xmlReadMemory(xml, (int)strlen(xml), "in.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "not well-formed XML");
	return doc;
}

static double
xpath_num(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	double v;

	ck_assert_ptr_nonnull(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "urn:assay:report:1");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	v = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return v;
}

/* The string value of expr; the caller frees it with xmlFree(). */
static char *
xpath_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	xmlChar *s;

	ck_assert_ptr_nonnull(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "urn:assay:report:1");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return (char *)s;
}

#define ck_xpath_num(doc, expr, want) do {				\
	double _v = xpath_num((doc), (expr));				\
	ck_assert_msg(_v == (double)(want), "%s is %g, want %g",	\
	    (expr), _v, (double)(want));				\
} while (0)

#define ck_xpath_str(doc, expr, want) do {				\
	char *_s = xpath_str((doc), (expr));				\
	ck_assert_msg(strcmp(_s, (want)) == 0, "%s is '%s', want '%s'",	\
	    (expr), _s, (want));					\
	xmlFree(_s);							\
} while (0)

/* ---- a strict JSON checker (RFC 8259) --------------------------------- */

struct jp {
	const unsigned char *p, *end;
	int depth;
};

static int j_value(struct jp *j);

static void
j_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t
j_utf8(const unsigned char *p, const unsigned char *end)
{
	size_t n, avail = (size_t)(end - p);
	unsigned cp, min;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int
j_hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;

	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static int
j_string(struct jp *j)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = *j->p;
		unsigned u, lo;
		size_t n;

		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			n = j_utf8(j->p, j->end);
			if (n == 0)
				return -1;
			j->p += n;
			continue;
		}
		j->p++;
		if (j->p >= j->end)
			return -1;
		c = *j->p++;
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0')
			continue;
		if (c != 'u' || j_hex4(j, &u) < 0)
			return -1;
		if (u >= 0xdc00 && u <= 0xdfff)
			return -1;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->end - j->p < 2 || j->p[0] != '\\' ||
			    j->p[1] != 'u')
				return -1;
			j->p += 2;
			if (j_hex4(j, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return -1;
		}
	}
	return -1;
}

static int
j_digits(struct jp *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int
j_number(struct jp *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j_digits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j_digits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j_digits(j) < 0)
			return -1;
	}
	return 0;
}

static int
j_word(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

/* Object or array, after the opening bracket. */
static int
j_container(struct jp *j, int object)
{
	char close = object ? '}' : ']';

	j_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		j_ws(j);
		if (object) {
			if (j_string(j) < 0)
				return -1;
			j_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
		}
		if (j_value(j) < 0)
			return -1;
		j_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
	}
}

static int
j_value(struct jp *j)
{
	int r;

	j_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		if (++j->depth > 64)
			return -1;
		r = j_container(j, *j->p++ == '{');
		j->depth--;
		return r;
	case '"':
		return j_string(j);
	case 't':
		return j_word(j, "true");
	case 'f':
		return j_word(j, "false");
	case 'n':
		return j_word(j, "null");
	default:
		return j_number(j);
	}
}

/* 0 if s (of n bytes) is exactly one well-formed JSON text. */
static int
json_check(const char *s, size_t n)
{
	struct jp j = { (const unsigned char *)s,
	    (const unsigned char *)s + n, 0 };

	if (j_value(&j) < 0)
		return -1;
	j_ws(&j);
	return j.p == j.end ? 0 : -1;
}

/* ---- HTML helpers ----------------------------------------------------- */

static htmlDocPtr
parse_html(const char *html)
{
	htmlDocPtr doc;

	doc = htmlReadMemory(html, (int)strlen(html), "report.html", "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "HTML does not parse");
	return doc;
}

/* May an href value stand in a report: a fragment or a plain relative
 * path into the run folder? */
static int
href_ok(const char *h)
{
	if (h[0] == '#')
		return 1;
	if (h[0] == '\0' || h[0] == '/' || h[0] == '\\')
		return 0;
	if (strstr(h, "..") != NULL || strchr(h, ':') != NULL ||
	    strstr(h, "%2e") != NULL || strstr(h, "%2E") != NULL)
		return 0;
	return 1;
}

/* How many href/src/action/formaction attributes in html are unsafe. */
static int
bad_links(const char *html)
{
	htmlDocPtr doc = parse_html(html);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int bad = 0;

	ck_assert_ptr_nonnull(ctx);
	o = xmlXPathEvalExpression(BAD_CAST "//@href | //@src | //@action | "
	    "//@formaction | //@poster | //@data", ctx);
	ck_assert_ptr_nonnull(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

		if (v == NULL || !href_ok((const char *)v) ||
		    strcmp((const char *)o->nodesetval->nodeTab[i]->name,
		    "href") != 0)
			bad++;
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return bad;
}

/* The number in the element with that id, or -1. */
static long
html_count(const char *html, const char *id)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "id=\"%s\"", id);
	p = strstr(html, pat);
	if (p == NULL)
		return -1;
	p = strchr(p, '>');
	if (p == NULL)
		return -1;
	return strtol(p + 1, NULL, 10);
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL;
	    p = strstr(p + 1, needle))
		n++;
	return n;
}

static const char *
strcasestr_ascii(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/* base64(SHA-256) of the text between <script> and </script>. */
static void
script_hash(const char *html, char out[64])
{
	const char *s, *e;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	s = strstr(html, "<script>");
	ck_assert_ptr_nonnull(s);
	s += strlen("<script>");
	e = strstr(s, "</script>");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(EVP_Digest(s, (size_t)(e - s), md, &mdlen,
	    EVP_sha256(), NULL), 1);
	ck_assert_int_eq(EVP_EncodeBlock((unsigned char *)out, md,
	    (int)mdlen), 44);
}

/* ---- the tests -------------------------------------------------------- */

START_TEST(test_writer_table)
{
	static const char *const want[][2] = {
		{ "xml", "report.xml" },
		{ "html", "report.html" },
		{ "junit", "junit.xml" },
		{ "json", "report.json" },
	};
	const struct asy_report_writer *w;

	ck_assert_uint_eq(asy_n_report_writers, ASY_ELEMENTSOF(want));
	for (size_t i = 0; i < ASY_ELEMENTSOF(want); i++) {
		w = asy_report_writer_find(want[i][0]);
		ck_assert_ptr_nonnull(w);
		ck_assert_str_eq(w->file, want[i][1]);
		ck_assert(w->render != NULL);
		ck_assert_ptr_nonnull(w->summary);
	}
	ck_assert_ptr_null(asy_report_writer_find("pdf"));
	ck_assert_ptr_null(asy_report_writer_find(""));
}
END_TEST

START_TEST(test_xml_valid)
{
	struct asy_report *r = fixture();
	char *xml = render("xml", r, NULL);
	xmlDocPtr doc;

	ck_assert_msg(validate(xml) == 0, "report.xml is not valid:\n%s",
	    xml);
	ck_assert_ptr_null(strstr(xml, "<script"));
	ck_assert_ptr_null(strstr(xml, "<img"));
	ck_assert_ptr_null(strstr(xml, "\xff"));

	doc = parse_xml(xml);
	/* Hostile strings come back as they went in. */
	ck_xpath_str(doc, "string(/a:report/a:dut/@vendor)",
	    "ACME " HOSTILE_SCRIPT);
	ck_xpath_str(doc, "string(/a:report/a:dut/@model)",
	    "Cam \"3000\" 'Pro' & co");
	/* U+FFFE and U+FFFF are not XML characters; U+FF21 is. */
	ck_xpath_str(doc, "string(/a:report/a:dut/@hw)",
	    "rev ]]> B \xef\xbf\xbd\xef\xbf\xbd\xef\xbc\xa1");
	ck_xpath_str(doc, "string(/a:report/a:dut/@name)",
	    "front-door\ncamera");
	/* Invalid UTF-8 becomes U+FFFD, one per bad byte. */
	ck_xpath_str(doc, "string(/a:report/a:dut/@sw)",
	    "1.2.3 \xef\xbf\xbd\xef\xbf\xbd bad");
	ck_xpath_str(doc, "string(//a:evidence[@kind='pcap']/@note)",
	    "frames 12-18\n\tsee the SSH exchange");
	ck_xpath_str(doc, "string(//a:case[@id='5.1-1-2']/a:title)",
	    "Functional test of passwords \xef\xbf\xbd \r end");

	/* Every element of the model is there. */
	ck_xpath_num(doc, "count(//a:group)", r->n_groups);
	ck_xpath_num(doc, "count(//a:case)", 6);
	ck_xpath_num(doc, "count(//a:unit)", 8);
	ck_xpath_num(doc, "count(//a:evidence)", 7);
	ck_xpath_num(doc, "count(//a:input)", 3);
	ck_xpath_num(doc, "count(//a:tool)", 2);
	ck_xpath_num(doc, "count(//a:pre-assessment)", 3);
	ck_xpath_num(doc, "count(//a:unit[@row='AuthMech-1'])", 2);
	ck_xpath_num(doc, "count(//a:case[@excluded='true'])", 2);
	ck_xpath_num(doc, "count(//a:case[@derived='true'])", 1);
	ck_xpath_str(doc, "string(/a:report/a:overall/@verdict)",
	    asy_verdict_name(r->overall));
	ck_xpath_str(doc, "string(//a:group[@id='5.1-1']/a:detail)",
	    "passwords are per device " HOSTILE_SCRIPT " ]]>");
	for (int v = 0; v < ASY_V__COUNT; v++) {
		char expr[128];

		snprintf(expr, sizeof(expr),
		    "number(//a:counts[@level='units']/@%s)",
		    asy_verdict_slug((enum asy_verdict)v));
		ck_xpath_num(doc, expr, r->n_unit[v]);
		/* The fixture has a unit with every verdict. */
		ck_assert_uint_eq(r->n_unit[v], 1 + (v == ASY_V_PASS ||
		    v == ASY_V_FAIL));
		snprintf(expr, sizeof(expr),
		    "number(//a:counts[@level='cases']/@%s)",
		    asy_verdict_slug((enum asy_verdict)v));
		ck_xpath_num(doc, expr, r->n_case[v]);
		snprintf(expr, sizeof(expr),
		    "number(//a:counts[@level='groups']/@%s)",
		    asy_verdict_slug((enum asy_verdict)v));
		ck_xpath_num(doc, expr, r->n_group[v]);
	}
	xmlFreeDoc(doc);
	free(xml);
	asy_report_free(r);
}
END_TEST

START_TEST(test_xml_sparse_valid)
{
	struct asy_report *r = sparse_fixture();
	char *xml = render("xml", r, NULL);

	ck_assert_msg(validate(xml) == 0, "sparse report.xml is not valid:\n%s",
	    xml);
	free(xml);
	asy_report_free(r);
}
END_TEST

/* The schema check can fail: tampered reports are rejected. */
START_TEST(test_xml_schema_rejects)
{
	static const char *const edits[][2] = {
		{ "verdict=\"FAIL\"", "verdict=\"BROKEN\"" },
		{ "mode=\"live\"", "mode=\"sometimes\"" },
		{ "<dut ", "<device " },
		{ "derived=\"false\"", "derived=\"maybe\"" },
		{ SHA_B, "not-a-hash" },
		{ "id=\"5.5-1\"", "id=\"5.1-1\"" },	/* duplicate group */
		{ "<tools>\n", "<tools>\n    <tool name=\"x\"/>\n" },
		{ "  <inputs>\n", "  <inputs/>\n  <inputs>\n" },
	};
	struct asy_report *r = fixture();
	char *xml = render("xml", r, NULL);

	setenv("ASSAY_TEST_QUIET", "1", 1);
	for (size_t i = 0; i < ASY_ELEMENTSOF(edits); i++) {
		const char *at = strstr(xml, edits[i][0]);
		struct asy_buf b;

		ck_assert_msg(at != NULL, "no '%s' to tamper with",
		    edits[i][0]);
		asy_buf_init(&b, ASY_REPORT_MAX);
		ck_assert_int_eq(asy_buf_add(&b, xml, (size_t)(at - xml)), 0);
		ck_assert_int_eq(asy_buf_puts(&b, edits[i][1]), 0);
		ck_assert_int_eq(asy_buf_puts(&b, at + strlen(edits[i][0])), 0);
		ck_assert_msg(validate(b.data) < 0,
		    "tampered report (%s) still validates", edits[i][1]);
		asy_buf_release(&b);
	}
	unsetenv("ASSAY_TEST_QUIET");
	free(xml);
	asy_report_free(r);
}
END_TEST

START_TEST(test_junit)
{
	struct asy_report *r = fixture();
	char *xml = render("junit", r, NULL);
	xmlDocPtr doc = parse_xml(xml);

	ck_xpath_str(doc, "name(/*)", "testsuites");
	ck_xpath_num(doc, "number(/testsuites/@tests)", 11);
	ck_xpath_num(doc, "number(/testsuites/@failures)", 2);
	ck_xpath_num(doc, "number(/testsuites/@errors)", 1);
	ck_xpath_num(doc, "number(/testsuites/@skipped)", 6);
	ck_xpath_num(doc, "count(//testsuite)", 5);
	ck_xpath_num(doc, "count(//testcase)", 11);
	ck_xpath_num(doc, "count(//testcase/failure)", 2);
	ck_xpath_num(doc, "count(//testcase/error)", 1);
	ck_xpath_num(doc, "count(//testcase/skipped)", 6);
	/* Each suite's counts agree with its testcases. */
	ck_xpath_num(doc, "count(//testsuite[@tests != count(testcase)])", 0);
	ck_xpath_num(doc, "count(//testsuite[@failures != "
	    "count(testcase/failure)])", 0);
	ck_xpath_num(doc, "count(//testsuite[@errors != "
	    "count(testcase/error)])", 0);
	ck_xpath_num(doc, "count(//testsuite[@skipped != "
	    "count(testcase/skipped)])", 0);
	ck_xpath_num(doc, "sum(//testsuite/@tests)", 11);

	ck_xpath_str(doc, "string(//testsuite[1]/@name)",
	    "5.1-1 No universal default passwords");
	ck_xpath_num(doc, "number(//testsuite[1]/@failures)", 2);
	ck_xpath_str(doc, "string(//testcase[@classname='5.1-1-2'][1]/@name)",
	    "a [AuthMech-1]");
	ck_xpath_str(doc, "string(//testcase[@classname='5.1-1-2']"
	    "[@name='a [AuthMech-1]']/failure/@message)",
	    "login with admin/admin succeeded");
	ck_xpath_str(doc, "string(//testcase[@classname='5.5-1-1']/error/"
	    "@message)", "the capture could not start: ]]> \"quoted\"");
	/* An excluded case is a skipped testcase with its reason. */
	ck_xpath_str(doc, "string(//testcase[@classname='5.5-1-2']/skipped/"
	    "@message)", "INCONCLUSIVE: the bench lacks a serial port");
	ck_xpath_str(doc, "string(//testcase[@classname='5.3-2-1']/skipped/"
	    "@message)", "NOT APPLICABLE: ICS Support is N/A");
	ck_xpath_str(doc, "string(//testcase[@classname='5.6-1-1']"
	    "[@name='a']/skipped/@message)", "NONE: awaiting the assessor");
	ck_xpath_str(doc, "string(//testsuite[5]/testcase/@classname)",
	    "5.3-16");
	ck_assert_ptr_null(strstr(xml, "<script"));
	ck_assert_ptr_null(strstr(xml, "<img"));
	xmlFreeDoc(doc);
	free(xml);
	asy_report_free(r);
}
END_TEST

START_TEST(test_json)
{
	struct asy_report *r = fixture();
	struct asy_report *s = sparse_fixture();
	size_t len;
	char *json = render("json", r, &len);
	char *sparse;

	ck_assert_msg(json_check(json, len) == 0, "report.json is not "
	    "well-formed:\n%s", json);
	ck_assert_ptr_null(strstr(json, "<script"));
	ck_assert_ptr_null(strstr(json, "\xff"));
	ck_assert_ptr_nonnull(strstr(json,
	    "\"vendor\": \"ACME \\u003cscript>alert(1)\\u003c/script>\""));
	ck_assert_ptr_nonnull(strstr(json,
	    "\"model\": \"Cam \\\"3000\\\" 'Pro' & co\""));
	ck_assert_ptr_nonnull(strstr(json, "\"sw\": \"1.2.3 \\ufffd\\ufffd "
	    "bad\""));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"NOT APPLICABLE\""));
	ck_assert_ptr_nonnull(strstr(json, "\"row\": \"AuthMech-2\""));
	ck_assert_ptr_nonnull(strstr(json, "\"path\": \"../../etc/passwd\""));
	ck_assert_uint_eq(occurrences(json, "\"evidence\": ["), 8);
	ck_assert_uint_eq(occurrences(json, "\"units\": ["), 6);
	ck_assert_uint_eq(occurrences(json, "\"cases\": ["), 5);
	sparse = render("json", s, &len);
	ck_assert_msg(json_check(sparse, len) == 0, "sparse report.json is "
	    "not well-formed:\n%s", sparse);
	free(sparse);
	free(json);
	asy_report_free(s);
	asy_report_free(r);
}
END_TEST

/* The JSON checker can fail: it rejects what RFC 8259 rejects. */
START_TEST(test_json_checker)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\"", " null ",
		"{\"a\": [1, 2.5E3, true, false, null, \"x\\u00e9\\n\\/\"]}",
		"\"\\ud83d\\ude00\"", "\"\xc3\xa9\"",
	};
	static const char *const bad[] = {
		"", "{", "}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}",
		"{a:1}", "01", "1.", ".5", "+1", "tru", "nul", "[1] x",
		"{\"a\":1}}", "\"\x01\"", "\"\xff\"", "\"\xc0\xaf\"",
		"\"\\ud800\"", "\"\\udc00\"", "\"\\x41\"", "'a'", "\"abc",
		"[\"a\"\"b\"]", "\"\t\"",
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(good); i++)
		ck_assert_msg(json_check(good[i], strlen(good[i])) == 0,
		    "rejects good JSON %s", good[i]);
	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++)
		ck_assert_msg(json_check(bad[i], strlen(bad[i])) < 0,
		    "accepts bad JSON %s", bad[i]);
}
END_TEST

START_TEST(test_html)
{
	struct asy_report *r = fixture();
	char *html = render("html", r, NULL);
	char hash[64], csp[128], id[64];
	htmlDocPtr doc;

	/* Nothing from the model became markup. */
	ck_assert_ptr_null(strcasestr_ascii(html, "<script>alert"));
	ck_assert_ptr_null(strcasestr_ascii(html, "<img"));
	ck_assert_ptr_null(strstr(html, "]]>"));
	ck_assert_ptr_null(strstr(html, "\xff"));
	ck_assert_uint_eq(occurrences(html, "<script"), 1);
	ck_assert_ptr_nonnull(strstr(html,
	    "ACME &lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "rev ]]&gt; B \xef\xbf\xbd"));

	/* The hostile paths are shown as text, never linked. */
	ck_assert_int_eq(bad_links(html), 0);
	ck_assert_ptr_nonnull(strstr(html, ">" BAD_PATH "</span>"));
	ck_assert_ptr_null(strstr(html, "href=\"" BAD_PATH));
	ck_assert_ptr_null(strstr(html, "href=\"/etc/shadow"));
	ck_assert_ptr_null(strstr(html, "href=\"javascript"));
	ck_assert_ptr_null(strstr(html, "href=\"evidence/%2e"));
	ck_assert_ptr_null(strstr(html, "href=\"/etc/assay"));
	/* Good paths are linked, percent-encoded. */
	ck_assert_ptr_nonnull(strstr(html,
	    "href=\"evidence/5.1-1-2/capture.pcap\""));
	ck_assert_ptr_nonnull(strstr(html,
	    "href=\"evidence/5.1-1-2/ssh%20session%20%231.txt\""));
	ck_assert_ptr_nonnull(strstr(html, "href=\"inputs/ics.xml\""));
	ck_assert_ptr_nonnull(strstr(html, SHA_A));
	ck_assert_ptr_nonnull(strstr(html, SHA_B));

	/* The counts shown are the model's. */
	for (int v = 0; v < ASY_V__COUNT; v++) {
		const char *slug = asy_verdict_slug((enum asy_verdict)v);

		snprintf(id, sizeof(id), "n-groups-%s", slug);
		ck_assert_int_eq(html_count(html, id), r->n_group[v]);
		snprintf(id, sizeof(id), "n-cases-%s", slug);
		ck_assert_int_eq(html_count(html, id), r->n_case[v]);
		snprintf(id, sizeof(id), "n-units-%s", slug);
		ck_assert_int_eq(html_count(html, id), r->n_unit[v]);
	}
	ck_assert_int_eq(html_count(html, "n-units-total"), 8);
	ck_assert_int_eq(html_count(html, "n-cases-total"), 6);
	ck_assert_int_eq(html_count(html, "n-groups-total"), 5);
	snprintf(id, sizeof(id), "id=\"overall-verdict\">%s<",
	    asy_verdict_name(r->overall));
	ck_assert_ptr_nonnull(strstr(html, id));
	ck_assert_str_eq(asy_verdict_name(r->overall), "FAIL");

	/* Every case and unit is in the page, readable without script: the
	 * filter bar starts hidden and nothing else does. */
	ck_assert_uint_eq(occurrences(html, "<article class=\"case "), 6);
	ck_assert_uint_eq(occurrences(html, "<td class=\"uid\">"), 8);
	ck_assert_uint_eq(occurrences(html, " hidden"), 1);
	ck_assert_ptr_nonnull(strstr(html,
	    "<form id=\"filters\" class=\"filters\" hidden>"));
	ck_assert_ptr_null(strstr(html, "class=\"hide"));
	ck_assert_uint_eq(occurrences(html, "harness proposal"), 3);

	/* No external resource; the CSP names the script's real hash. */
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	script_hash(html, hash);
	snprintf(csp, sizeof(csp), "script-src 'sha256-%s'", hash);
	ck_assert_msg(strstr(html, csp) != NULL, "CSP lacks %s", csp);

	doc = parse_html(html);
	ck_xpath_num(doc, "count(//article[@data-verdict='fail'])",
	    r->n_case[ASY_V_FAIL]);
	ck_xpath_num(doc, "count(//select[@id='f-group']/option)",
	    r->n_groups + 1);
	ck_xpath_num(doc, "count(//script)", 1);
	ck_xpath_num(doc, "count(//*[@onerror or @onload or @onclick])", 0);
	ck_xpath_str(doc, "string(//h1)", "ACME " HOSTILE_SCRIPT
	    " Cam \"3000\" 'Pro' & co");
	xmlFreeDoc(doc);
	free(html);
	asy_report_free(r);
}
END_TEST

/* The link check can fail: planted bad links are found. */
START_TEST(test_html_checker)
{
	static const char *const bad[] = {
		"<a href=\"../../etc/passwd\">x</a>",
		"<a href=\"/etc/passwd\">x</a>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<a href=\"a/%2e%2e/b\">x</a>",
		"<img src=\"x.png\">",
	};

	ck_assert_int_eq(bad_links("<p><a href=\"#g1\">a</a>"
	    "<a href=\"evidence/x.pcap\">b</a></p>"), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++)
		ck_assert_msg(bad_links(bad[i]) == 1, "missed %s", bad[i]);
}
END_TEST

START_TEST(test_html_offline)
{
	struct asy_report *r = sparse_fixture();
	char *html = render("html", r, NULL);

	ck_assert_ptr_nonnull(strstr(html, "offline: conceptual cases and operator steps"));
	ck_assert_ptr_nonnull(strstr(html, "<h1>Device under test</h1>"));
	ck_assert_int_eq(bad_links(html), 0);
	free(html);
	asy_report_free(r);
}
END_TEST

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

START_TEST(test_write_all)
{
	const char *dump = getenv("ASSAY_REPORT_DUMP");
	char tmpl[] = "/tmp/assay-reports-XXXXXX";
	struct asy_report *r = fixture();
	const char *dir;

	if (dump != NULL) {
		ck_assert_int_eq(asy_mkdir_p(dump, 0755), 0);
		dir = dump;
	} else {
		dir = mkdtemp(tmpl);
		ck_assert_ptr_nonnull(dir);
	}
	ck_assert_int_eq(asy_reports_write_all(r, dir), 0);
	for (size_t i = 0; i < asy_n_report_writers; i++) {
		const struct asy_report_writer *w = &asy_report_writers[i];
		char *path = asy_path_join(dir, w->file);
		char *want = render(w->name, r, NULL);
		struct asy_buf b;

		ck_assert_ptr_nonnull(path);
		asy_buf_init(&b, ASY_REPORT_MAX);
		ck_assert_int_eq(asy_buf_load_file(&b, path), 0);
		ck_assert_msg(strcmp(b.data, want) == 0, "%s differs", path);
		asy_buf_release(&b);
		free(want);
		free(path);
	}
	/* A missing folder is an error, not a crash. */
	ck_assert_int_lt(asy_reports_write_all(r,
	    "/nonexistent/assay/reports"), 0);
	if (dump == NULL)
		ck_assert_int_eq(nftw(dir, rm_entry, 8,
		    FTW_DEPTH | FTW_PHYS), 0);
	asy_report_free(r);
}
END_TEST

/* A cap that is too small is reported, never overrun. */
START_TEST(test_cap)
{
	struct asy_report *r = fixture();

	for (size_t i = 0; i < asy_n_report_writers; i++) {
		struct asy_buf b;

		asy_buf_init(&b, 512);
		ck_assert_int_eq(asy_report_writers[i].render(r, &b),
		    ASY_E_TOOBIG);
		ck_assert_uint_le(b.len, 512);
		asy_buf_release(&b);
	}
	asy_report_free(r);
}
END_TEST

static struct asy_report *
big_fixture(size_t n_groups, size_t n_cases, size_t n_units)
{
	static const enum asy_verdict vs[] = {
		ASY_V_PASS, ASY_V_FAIL, ASY_V_NA, ASY_V_INCONCLUSIVE,
		ASY_V_ERROR, ASY_V_NONE,
	};
	struct asy_report *r = asy_report_new();
	char id[64], path[160];
	size_t k = 0;

	ck_assert_ptr_nonnull(r);
	set(&r->run_id, "perf");
	set(&r->assay_version, "0.1.0");
	set(&r->date, "2026-11-22T11:30:00Z");
	set(&r->mode, "live");
	set(&r->edition, "ts103701-v1.1.1");
	for (size_t gi = 0; gi < n_groups; gi++) {
		struct asy_group_result *g;

		snprintf(id, sizeof(id), "5.%zu-1", gi);
		g = add_group(r, id, "A group title of usual length here",
		    "M C(1)", (int)(gi & 1), "Y");
		set(&g->detail, "An ICS detail <with> & some \"escaping\"");
		for (size_t ci = 0; ci < n_cases; ci++) {
			struct asy_case_result *c;

			snprintf(id, sizeof(id), "5.%zu-1-%zu", gi, ci);
			c = add_case(g, id, "A case title of a usual length",
			    "functional");
			for (size_t ui = 0; ui < n_units; ui++) {
				struct asy_unit_result *u;

				u = add_unit(c, "a", "AuthMech-1",
				    vs[k++ % ASY_ELEMENTSOF(vs)],
				    "a reason sentence with <markup> & such",
				    "harness");
				snprintf(path, sizeof(path),
				    "evidence/%s/capture %zu.pcap", id, ui);
				evidence(u, path, "pcap", "frames 1-9");
				evidence(u, "transcripts/ssh.txt",
				    "transcript", NULL);
			}
		}
	}
	ck_assert_int_eq(asy_report_rollup(r), 0);
	return r;
}

/* Count non-overlapping occurrences of needle in hay. */
static size_t
count_str(const char *hay, const char *needle)
{
	size_t n = 0, nl = strlen(needle);

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += nl)
		n++;
	return n;
}

/*
 * A 10,000-unit run renders completely with every writer: no unit is lost
 * and nothing hits a cap.  Speed is measured by tests/perf/bench-render,
 * never here.
 */
START_TEST(test_large)
{
	struct asy_report *big = big_fixture(200, 10, 5);
	struct asy_buf b;

	asy_buf_init(&b, ASY_REPORT_MAX);
	ck_assert_int_eq(asy_report_render_xml(big, &b), 0);
	ck_assert_uint_eq(count_str(b.data, "<unit "), 10000);
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_report_render_junit(big, &b), 0);
	ck_assert_uint_eq(count_str(b.data, "<testcase "), 10000);
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_report_render_json(big, &b), 0);
	ck_assert_int_eq(asy_report_render_html(big, &b) == 0 ? 0 : 1, 0);
	asy_buf_release(&b);
	asy_report_free(big);
}
END_TEST

static Suite *
reports_suite(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("writers");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_writer_table);
	tcase_add_test(tc, test_xml_valid);
	tcase_add_test(tc, test_xml_sparse_valid);
	tcase_add_test(tc, test_xml_schema_rejects);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_json_checker);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_html_checker);
	tcase_add_test(tc, test_html_offline);
	tcase_add_test(tc, test_write_all);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_large);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reports_suite());
	int failed;

	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
