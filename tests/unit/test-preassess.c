/*
 * Conceptual pre-assessment.
 *
 * First the free-text scanner asy_crypto_scan() on a table of crypto
 * descriptions (curl unit1302 style): each row gives the number of findings
 * and the findings that must (and must not) be among them; then long text,
 * NUL-free garbage bytes and a full output buffer for robustness.
 *
 * Then the rules on real declarations: the weak example ipcam must FAIL the
 * cases whose flaws its comments announce, with a reason that names the
 * offending ICS provisions or IXIT rows (and not the sound ones); the
 * hardened example hub must PASS the same cases.  Small mutations of the
 * hub, written to a scratch folder, check rules on single rows.
 */
#include <check.h>

#include "catalogue.h"
#include "decl.h"
#include "diag.h"
#include "preassess.h"
#include "ut.h"

/* ---- asy_crypto_scan ---------------------------------------------------- */

#define MAXF	4

static const struct scan_case {
	const char	*text;
	int		 n;		/* findings */
	const char	*want[MAXF];	/* substrings of some finding */
	const char	*never[MAXF];	/* findings that must not appear */
} scan_cases[] = {
	{ "TLS 1.0 with RSA-1024 and 3DES", 3,
	  { "TLS 1.0", "RSA-1024", "3DES" }, { 0 } },
	{ "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 2, { "3DES", "SHA-1" },
	  { "DES", "RSA-1024" } },
	{ "ECDHE-RSA-AES128-SHA", 1, { "SHA-1" }, { 0 } },
	{ "AES-256-GCM, ECDHE P-256, TLS 1.3", 0, { 0 }, { 0 } },
	{ "SHA-256", 0, { 0 }, { 0 } },
	{ "install codes", 0, { 0 }, { "DES" } },
	{ "Zigbee 3.0 with install codes", 0, { 0 }, { "DES" } },
	{ "description of DES", 1, { "DES" }, { "3DES" } },
	{ "RSA 3072", 0, { 0 }, { 0 } },
	{ "RSA 1024-bit", 1, { "RSA-1024" }, { 0 } },
	{ "1024-bit RSA", 1, { "RSA-1024" }, { 0 } },
	{ "RSA1024", 1, { "RSA-1024" }, { 0 } },
	{ "RSA-2048 with SHA-256 signatures", 0, { 0 }, { 0 } },
	{ "RSA (1024 bits)", 1, { "RSA-1024" }, { 0 } },
	{ "DH group 14 (2048)", 0, { 0 }, { 0 } },
	{ "DH-1024", 1, { "DH-1024" }, { 0 } },
	{ "ffdhe2048", 0, { 0 }, { 0 } },
	{ "diffie-hellman-group1-sha1", 2, { "group 1", "SHA-1" }, { 0 } },
	{ "HMAC-MD5", 1, { "MD5" }, { 0 } },
	{ "hmac-sha1", 1, { "SHA-1" }, { 0 } },
	{ "hmac-sha1-96", 1, { "SHA-1" }, { 0 } },
	{ "SHA1 fingerprints", 1, { "SHA-1" }, { 0 } },
	{ "signed with SHA 1", 1, { "SHA-1" }, { 0 } },
	{ "PBKDF2-HMAC-SHA256", 0, { 0 }, { 0 } },
	{ "ssh-rsa", 1, { "ssh-rsa" }, { 0 } },
	{ "ssh-dss", 1, { "DSA" }, { 0 } },
	{ "ssh-ed25519 and rsa-sha2-512", 0, { 0 }, { 0 } },
	{ "TLSv1.1", 1, { "TLS 1.1" }, { 0 } },
	{ "TLS1.0", 1, { "TLS 1.0" }, { 0 } },
	{ "TLS 1.2.", 0, { 0 }, { 0 } },
	{ "TLSv1.2 and TLSv1.3", 0, { 0 }, { 0 } },
	{ "TLS 1.0 to 1.2", 1, { "TLS 1.0" }, { 0 } },
	{ "HTTPS, TLS 1.0-1.2", 2, { "TLS 1.0", "TLS 1.1" }, { 0 } },
	{ "DTLS 1.2 with PSK", 0, { 0 }, { 0 } },
	{ "RC4-128", 1, { "RC4" }, { 0 } },
	{ "ARCFOUR", 1, { "RC4" }, { 0 } },
	{ "RC2-CBC", 1, { "RC2" }, { 0 } },
	{ "SSLv3", 1, { "SSL" }, { 0 } },
	{ "SSLv2", 1, { "SSL" }, { 0 } },
	{ "OpenSSL 3.0.13 with TLS 1.3", 0, { 0 }, { "SSL" } },
	{ "WPA2-PSK with TKIP", 1, { "TKIP" }, { 0 } },
	{ "WPA3-SAE with CCMP", 0, { 0 }, { 0 } },
	{ "WEP-104", 1, { "WEP" }, { 0 } },
	{ "MD4 and MD2", 2, { "MD4", "MD2" }, { 0 } },
	{ "MD5 checksum, MD5 digest", 1, { "MD5" }, { 0 } },
	{ "DES-CBC3-SHA", 2, { "3DES", "SHA-1" }, { "DES" } },
	{ "3-DES", 1, { "3DES" }, { "DES" } },
	{ "EXP-RC4-MD5", 3, { "export", "RC4", "MD5" }, { 0 } },
	{ "AES-128-ECB", 1, { "ECB" }, { 0 } },
	{ "AES-128-CCM", 0, { 0 }, { 0 } },
	{ "TLS_DH_anon_WITH_AES_128_CBC_SHA", 2, { "anonymous", "SHA-1" },
	  { 0 } },
	{ "TLS_RSA_WITH_NULL_SHA256", 1, { "NULL" }, { 0 } },
	{ "TLS_AES_128_GCM_SHA256", 0, { 0 }, { 0 } },
	{ "ECDHE-ECDSA-AES256-GCM-SHA384", 0, { 0 }, { "DSA" } },
	{ "Curve25519 key exchange, Ed25519 signatures", 0, { 0 }, { 0 } },
	{ "Argon2id password hashes", 0, { 0 }, { 0 } },
	{ "SPAKE2+ on P-256; AES-128-CCM session keys", 0, { 0 }, { 0 } },
	{ "DHCP and DHE-RSA-AES256-GCM-SHA384", 0, { 0 }, { 0 } },
	{ "", 0, { 0 }, { 0 } },
	/* "None" as the whole crypto detail: nothing protects it. */
	{ "None.", 1, { "no encryption" }, { 0 } },
	{ "None: plain text.", 1, { "no encryption" }, { 0 } },
	{ "MQTT 3.1.1 over TCP, no TLS", 1, { "no encryption" }, { 0 } },
	{ "TLS 1.0-1.2", 2, { "TLS 1.0", "TLS 1.1" }, { 0 } },
	{ "TLS 1.0, 1.1 and 1.2", 2, { "TLS 1.0", "TLS 1.1" }, { 0 } },
	{ "SSL certificate from a public CA", 0, { 0 }, { "SSL" } },
	{ "Triple DES", 1, { "3DES" }, { "DES," } },
	{ "1024 bit RSA", 1, { "RSA-1024" }, { 0 } },
	{ "DTLS 1.0", 1, { "TLS 1.0" }, { 0 } },
	{ "firmware checked with md5sum", 1, { "MD5" }, { 0 } },
};

/* Is what one of the comma-separated findings in list? */
static int
has_finding(const char *list, const char *what)
{
	size_t wl = strlen(what);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == wl && strncmp(p, what, n) == 0)
			return 1;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

START_TEST(test_scan_table)
{
	const struct scan_case *t = &scan_cases[_i];
	struct asy_buf found;
	int n, commas = 0;

	asy_buf_init(&found, 4096);
	n = asy_crypto_scan(t->text, &found);
	ck_assert_msg(n == t->n, "'%s': %d findings (%s), expected %d",
	    t->text, n, found.data ? found.data : "", t->n);
	if (t->n == 0)
		ck_assert_uint_eq(found.len, 0);
	for (size_t i = 0; i < MAXF && t->want[i] != NULL; i++)
		ck_assert_msg(found.data != NULL &&
		    strstr(found.data, t->want[i]) != NULL,
		    "'%s': no finding '%s' in '%s'", t->text, t->want[i],
		    found.data ? found.data : "");
	for (size_t i = 0; i < MAXF && t->never[i] != NULL; i++)
		ck_assert_msg(!has_finding(found.data, t->never[i]),
		    "'%s': false finding '%s' in '%s'", t->text, t->never[i],
		    found.data);
	/* "A, B, C": one finding per comma plus one. */
	for (size_t i = 0; i < found.len; i++)
		if (found.data[i] == ',')
			commas++;
	if (n > 0)
		ck_assert_int_eq(commas + 1, n);
	asy_buf_release(&found);
}
END_TEST

/* Findings are appended to what the buffer already holds. */
START_TEST(test_scan_appends)
{
	struct asy_buf found;

	asy_buf_init(&found, 4096);
	ck_assert_int_eq(asy_crypto_scan("MD5", &found), 1);
	ck_assert_int_eq(asy_crypto_scan("RC4", &found), 1);
	ck_assert_ptr_nonnull(strstr(found.data, "MD5"));
	ck_assert_ptr_nonnull(strstr(found.data, "RC4"));
	ck_assert_ptr_nonnull(strchr(found.data, ','));
	asy_buf_release(&found);
}
END_TEST

/* A finding at the end of a long description is not lost. */
START_TEST(test_scan_long)
{
	static const char word[] = "lorem ipsum dolor sit amet ";
	struct asy_buf text, found;
	int n;

	asy_buf_init(&text, (size_t)8 << 20);
	asy_buf_init(&found, 4096);
	ck_assert_int_eq(asy_buf_puts(&text, "TLS 1.3 "), 0);
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(asy_buf_puts(&text, word), 0);
	ck_assert_int_eq(asy_buf_puts(&text, "and an MD5 checksum."), 0);
	n = asy_crypto_scan(text.data, &found);
	ck_assert_msg(n == 1 && strcmp(found.data, "MD5") == 0,
	    "10,000 words then MD5: %d findings (%s)", n,
	    found.data ? found.data : "");
	asy_buf_release(&text);
	asy_buf_release(&found);
}
END_TEST

/* One very long token and one very long run of separators. */
START_TEST(test_scan_long_tokens)
{
	struct asy_buf text, found;
	int n;

	asy_buf_init(&text, (size_t)8 << 20);
	asy_buf_init(&found, 4096);
	for (int i = 0; i < 100000; i++)
		ck_assert_int_eq(asy_buf_putc(&text, 'A'), 0);
	for (int i = 0; i < 100000; i++)
		ck_assert_int_eq(asy_buf_putc(&text, ','), 0);
	ck_assert_int_eq(asy_buf_puts(&text, " RC4"), 0);
	n = asy_crypto_scan(text.data, &found);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(found.data, "RC4");
	asy_buf_release(&text);
	asy_buf_release(&found);
}
END_TEST

/* Random bytes 1..255: no crash, a sane result, deterministic. */
START_TEST(test_scan_garbage)
{
	unsigned long x = 0x2545F491u + (unsigned long)_i;
	struct asy_buf text, a, b;
	int n1, n2;

	asy_buf_init(&text, (size_t)1 << 20);
	asy_buf_init(&a, 1 << 16);
	asy_buf_init(&b, 1 << 16);
	for (int i = 0; i < 200000; i++) {
		char c;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		c = (char)(1 + x % 255);
		ck_assert_int_eq(asy_buf_putc(&text, c), 0);
	}
	ck_assert_uint_eq(strlen(text.data), 200000);
	n1 = asy_crypto_scan(text.data, &a);
	n2 = asy_crypto_scan(text.data, &b);
	ck_assert_int_ge(n1, 0);
	ck_assert_int_eq(n1, n2);
	if (n1 > 0)
		ck_assert_str_eq(a.data, b.data);
	asy_buf_release(&text);
	asy_buf_release(&a);
	asy_buf_release(&b);
}
END_TEST

/* A full output buffer is an error, not a silent truncation. */
START_TEST(test_scan_cap)
{
	struct asy_buf found;

	asy_buf_init(&found, 5);
	ck_assert_int_eq(asy_crypto_scan("MD5 and RC4 and TLS 1.0", &found),
	    ASY_E_TOOBIG);
	asy_buf_release(&found);
}
END_TEST

/* ---- rules on the examples ---------------------------------------------- */

struct rule_case {
	const char	*example;	/* folder under ics-ixit/examples */
	const char	*case_id;
	enum asy_verdict verdict;
	const char	*names[6];	/* must be in the reason */
	const char	*not[3];	/* must not be */
};

static const struct rule_case rule_cases[] = {
	/* ipcam: 5.3-4 is N without any text; the other N rows say why. */
	{ "ipcam", "4-1-1", ASY_V_FAIL, { "5.3-4" }, { "5.2-3", "5.4-2" } },
	{ "ipcam", "5.1-1-1", ASY_V_FAIL,
	  { "AuthMech-WebUI", "AuthMech-RTSP", "AuthMech-Telnet",
	    "AuthMech-SSH", "AuthMech-UART" }, { 0 } },
	{ "ipcam", "5.1-3-1", ASY_V_FAIL,
	  { "AuthMech-WebUI", "AuthMech-RTSP", "AuthMech-SSH", "MD5",
	    "RSA-1024" }, { 0 } },
	{ "ipcam", "5.5-1-1", ASY_V_FAIL,
	  { "ComMech-HTTPS", "ComMech-Cloud", "TLS 1.0", "3DES",
	    "RSA-1024" }, { 0 } },
	{ "ipcam", "5.3-7-1", ASY_V_FAIL,
	  { "UpdMech-Web", "UpdMech-SDCard", "MD5" }, { 0 } },
	{ "ipcam", "5.6-1-1", ASY_V_FAIL, { "Intf-UART" },
	  { "Intf-Ethernet", "Intf-USB" } },
	{ "ipcam", "5.6-5-1", ASY_V_FAIL, { "SoftServ-UPnP" },
	  { "SoftServ-SSH", "SoftServ-Telnet", "SoftServ-HTTP" } },
	{ "hub", "4-1-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.1-1-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.1-3-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.5-1-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.3-7-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.6-1-1", ASY_V_PASS, { 0 }, { 0 } },
	{ "hub", "5.6-5-1", ASY_V_PASS, { 0 }, { 0 } },
};

static struct asy_decl *
load_decl(const char *dir)
{
	struct asy_decl_paths p = { 0 };
	struct asy_decl *decl = NULL;
	struct asy_diags d;
	char *ics = asy_path_join(dir, "ics.xml");
	char *ixit = asy_path_join(dir, "ixit.xml");
	int r;

	ck_assert_ptr_nonnull(ics);
	ck_assert_ptr_nonnull(ixit);
	p.ics = ics;
	p.ixit = ixit;
	asy_diags_init(&d);
	r = asy_decl_load(&p, &d, &decl);
	if (r < 0)
		asy_diags_print(&d, stderr);
	ck_assert_msg(r == 0, "%s does not load: %s", dir, asy_strerror(r));
	asy_diags_release(&d);
	free(ics);
	free(ixit);
	return decl;
}

static struct asy_decl *
load_example(const char *name)
{
	struct asy_buf rel;
	struct asy_decl *decl;
	char *dir;

	asy_buf_init(&rel, 4096);
	ck_assert_int_eq(asy_buf_printf(&rel, "ics-ixit/examples/%s", name), 0);
	dir = ut_src(rel.data);
	decl = load_decl(dir);
	free(dir);
	asy_buf_release(&rel);
	return decl;
}

/* Run the rule the catalogue names for case_id; the reason into why. */
static enum asy_verdict
run_rule(const struct asy_decl *decl, const char *case_id,
    struct asy_buf *why)
{
	const struct asy_cat_case *c = asy_catalogue_case(decl->cat, case_id);
	const struct asy_preassess_rule *rule;
	enum asy_verdict v = ASY_V_NONE;
	int r;

	ck_assert_msg(c != NULL, "no case %s", case_id);
	ck_assert_msg(c->preassess != NULL, "case %s has no rule", case_id);
	rule = asy_preassess_find(c->preassess);
	ck_assert_ptr_nonnull(rule);
	r = rule->run(decl, c, &v, why);
	ck_assert_msg(r == 0, "rule %s on %s: %s", rule->name, case_id,
	    asy_strerror(r));
	ck_assert_msg(why->data != NULL && why->len > 0, "rule %s on %s gave "
	    "no reason", rule->name, case_id);
	return v;
}

/* Does the reason name id as a whole word (not "AuthMech-Web" for
 * "AuthMech-WebUI")? */
static int
names(const char *reason, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = reason; (p = strstr(p, id)) != NULL; p++) {
		char after = p[n];

		if ((after >= 'A' && after <= 'Z') ||
		    (after >= 'a' && after <= 'z') ||
		    (after >= '0' && after <= '9') || after == '-')
			continue;
		if (p > reason && (p[-1] == '-' || p[-1] == '.'))
			continue;
		return 1;
	}
	return 0;
}

START_TEST(test_rules)
{
	const struct rule_case *t = &rule_cases[_i];
	struct asy_decl *decl = load_example(t->example);
	struct asy_buf why;
	enum asy_verdict v;

	asy_buf_init(&why, 1 << 20);
	v = run_rule(decl, t->case_id, &why);
	ck_assert_msg(v == t->verdict, "%s %s: %s (%s), expected %s",
	    t->example, t->case_id, asy_verdict_name(v), why.data,
	    asy_verdict_name(t->verdict));
	for (size_t i = 0; i < ASY_ELEMENTSOF(t->names) && t->names[i]; i++)
		ck_assert_msg(names(why.data, t->names[i]), "%s %s: the reason "
		    "does not name %s: %s", t->example, t->case_id,
		    t->names[i], why.data);
	for (size_t i = 0; i < ASY_ELEMENTSOF(t->not) && t->not[i]; i++)
		ck_assert_msg(!names(why.data, t->not[i]), "%s %s: the reason "
		    "names %s, which is sound: %s", t->example, t->case_id,
		    t->not[i], why.data);
	asy_buf_release(&why);
	asy_decl_free(decl);
}
END_TEST

/* Every rule appends: text already in why stays in front. */
START_TEST(test_rule_appends)
{
	struct asy_decl *decl = load_example("ipcam");
	struct asy_buf why;

	asy_buf_init(&why, 1 << 20);
	ck_assert_int_eq(asy_buf_puts(&why, "PREFIX|"), 0);
	run_rule(decl, "5.1-1-1", &why);
	ck_assert_int_eq(strncmp(why.data, "PREFIX|", 7), 0);
	ck_assert_uint_gt(why.len, 7);
	asy_buf_release(&why);
	asy_decl_free(decl);
}
END_TEST

/* ---- rules on mutated hubs ---------------------------------------------- */

/* Copy the hub into a scratch folder, replacing find by repl in one file. */
static char *
mutated_hub(const char *file, const char *find, const char *repl)
{
	static const char *const files[] = { "ics.xml", "ixit.xml" };
	char *dir = ut_tmpdir();

	for (size_t i = 0; i < ASY_ELEMENTSOF(files); i++) {
		struct asy_buf src, out;
		char *from, *to, *rel;
		const char *hit;

		rel = asy_path_join("ics-ixit/examples/hub", files[i]);
		from = ut_src(rel);
		to = asy_path_join(dir, files[i]);
		ut_load(from, &src);
		asy_buf_init(&out, src.len + strlen(repl) + 1);
		if (strcmp(files[i], file) == 0) {
			hit = strstr(src.data, find);
			ck_assert_msg(hit != NULL, "'%s' is not in the hub's "
			    "%s", find, file);
			ck_assert_int_eq(asy_buf_add(&out, src.data,
			    (size_t)(hit - src.data)), 0);
			ck_assert_int_eq(asy_buf_puts(&out, repl), 0);
			ck_assert_int_eq(asy_buf_puts(&out,
			    hit + strlen(find)), 0);
		} else {
			ck_assert_int_eq(asy_buf_add(&out, src.data, src.len),
			    0);
		}
		ut_write(to, out.data, out.len);
		asy_buf_release(&src);
		asy_buf_release(&out);
		free(rel);
		free(from);
		free(to);
	}
	return dir;
}

static const struct mutation {
	const char	*file;
	const char	*find;
	const char	*repl;
	const char	*case_id;
	enum asy_verdict verdict;	/* ASY_V_NONE: anything but PASS */
	const char	*name;		/* must be in the reason */
} mutations[] = {
	/* A recommendation declared N without a word of justification. */
	{ "ics.xml",
	  "<row provision=\"5.7-2\" support=\"N\">On a failed verification "
	  "the hub falls back to the other slot and alerts the owner, but it "
	  "does not restrict network traffic, because alarms and door locks "
	  "must keep working.</row>",
	  "<row provision=\"5.7-2\" support=\"N\">  </row>",
	  "4-1-1", ASY_V_FAIL, "5.7-2" },
	/* 4-1-1: N/A rows need their rationale as much as N rows. */
	{ "ics.xml",
	  "<row provision=\"5.3-14\" support=\"N/A\">Condition 3 does not "
	  "apply: all hub software is updateable.</row>",
	  "<row provision=\"5.3-14\" support=\"N/A\"/>",
	  "4-1-1", ASY_V_FAIL, "5.3-14" },
	/* One universal password among sound mechanisms. */
	{ "ixit.xml", "<generation>per-device</generation>",
	  "<generation>universal</generation>",
	  "5.1-1-1", ASY_V_FAIL, "AuthMech-SetupCode" },
	/* Deprecated crypto in one channel. */
	{ "ixit.xml",
	  "<crypto>SPAKE2+ on P-256 with the setup code; AES-128-CCM "
	  "session encryption.</crypto>",
	  "<crypto>Legacy pairing with RC4 and MD5.</crypto>",
	  "5.5-1-1", ASY_V_FAIL, "ComMech-BLE" },
	/* An enabled service that nobody justifies. */
	{ "ixit.xml",
	  "<justification>Lets the app find the hub; announces only the "
	  "model name.</justification>", "",
	  "5.6-5-1", ASY_V_FAIL, "SoftServ-mDNS" },
	/* A disabled interface needs no justification. */
	{ "ixit.xml",
	  "<justification>Console compiled out of production firmware; "
	  "boot-loader console locked by an OTP fuse at end of line."
	  "</justification>", "",
	  "5.6-1-1", ASY_V_PASS, NULL },
	/* A channel with no cryptography at all is no best practice. */
	{ "ixit.xml",
	  "<crypto>SPAKE2+ on P-256 with the setup code; AES-128-CCM "
	  "session encryption.</crypto>",
	  "<crypto>None: plain text.</crypto>",
	  "5.5-1-1", ASY_V_NONE, "ComMech-BLE" },
};

START_TEST(test_mutations)
{
	const struct mutation *t = &mutations[_i];
	char *dir = mutated_hub(t->file, t->find, t->repl);
	struct asy_decl *decl = load_decl(dir);
	struct asy_buf why;
	enum asy_verdict v;

	asy_buf_init(&why, 1 << 20);
	v = run_rule(decl, t->case_id, &why);
	if (t->verdict == ASY_V_NONE)
		ck_assert_msg(v != ASY_V_PASS, "mutation %d: %s PASS: %s", _i,
		    t->case_id, why.data);
	else
		ck_assert_msg(v == t->verdict, "mutation %d: %s %s (%s), "
		    "expected %s", _i, t->case_id, asy_verdict_name(v),
		    why.data, asy_verdict_name(t->verdict));
	if (t->name != NULL)
		ck_assert_msg(names(why.data, t->name), "mutation %d: the "
		    "reason does not name %s: %s", _i, t->name, why.data);
	asy_buf_release(&why);
	asy_decl_free(decl);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

static Suite *
preassess_suite(void)
{
	Suite *s = suite_create("preassess");
	TCase *scan = tcase_create("crypto-scan");
	TCase *rules = tcase_create("rules");

	tcase_set_timeout(scan, 60);
	tcase_set_timeout(rules, 60);
	tcase_add_loop_test(scan, test_scan_table, 0,
	    (int)ASY_ELEMENTSOF(scan_cases));
	tcase_add_test(scan, test_scan_appends);
	tcase_add_test(scan, test_scan_long);
	tcase_add_test(scan, test_scan_long_tokens);
	tcase_add_loop_test(scan, test_scan_garbage, 0, 4);
	tcase_add_test(scan, test_scan_cap);
	tcase_add_loop_test(rules, test_rules, 0,
	    (int)ASY_ELEMENTSOF(rule_cases));
	tcase_add_test(rules, test_rule_appends);
	tcase_add_loop_test(rules, test_mutations, 0,
	    (int)ASY_ELEMENTSOF(mutations));
	suite_add_tcase(s, scan);
	suite_add_tcase(s, rules);
	return s;
}

int
main(void)
{
	return ut_main(preassess_suite());
}
