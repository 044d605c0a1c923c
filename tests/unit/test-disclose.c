/*
 * What a device gives away (harness/disclose.c).
 *
 * asy_disclose_scan: a table of texts and the exact findings (kind, value)
 * each gives, the real answers of the bench (the weak bench's
 * /status.json and /status.html, SNMP sysDescr values, SSH identification
 * lines, the lighttpd Server header, the telnet banner) included, and a
 * table of texts that must give nothing (protocol names, paths, prose,
 * broadcast MACs, addresses without a dot).  Hostile text: markup stays
 * printable, binary bytes are escaped, values are capped at 128 bytes,
 * 512 KiB of random bytes and 300 distinct addresses stay within 200
 * findings, each kind and value is kept once with its first source, and
 * texts built to make a scanner quadratic are scanned in time.
 *
 * asy_email_find and asy_printable (the header's additions, shared with
 * pcapscan.c): tables.  asy_impl_reviewed: a table of findings against
 * the 12-NetSecImpl texts of the benches.  asy_disclosure_declared: the
 * 15-Intf disclosure texts of tests/bench/weak/ixit.xml and
 * tests/bench/hardened/ixit.xml, read from the files.
 */
#include <check.h>

#include <stdint.h>

#include "disclose.h"
#include "ut.h"

#define K_EMAIL		"e-mail address"
#define K_SERIAL	"serial number"
#define K_MAC		"MAC address"
#define K_VERSION	"software version"
#define K_SSID		"Wi-Fi network name"

struct want {
	const char	*kind, *value;
};

/* Every byte printable ASCII and the whole at most max bytes. */
static void
assert_printable(const char *s, size_t max)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strlen(s) <= max, "\"%s\" is over %zu bytes", s, max);
	for (const char *p = s; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "byte 0x%02x in \"%s\"",
		    (unsigned char)*p, s);
}

static const struct asy_disclosure *
find(const struct asy_disclosures *acc, const char *kind, const char *value)
{
	for (size_t i = 0; i < acc->n; i++)
		if (strcmp(acc->d[i].kind, kind) == 0 &&
		    strcmp(acc->d[i].value, value) == 0)
			return &acc->d[i];
	return NULL;
}

static void
dump(const struct asy_disclosures *acc)
{
	for (size_t i = 0; i < acc->n; i++)
		fprintf(stderr, "  %s: \"%s\" (%s)\n", acc->d[i].kind,
		    acc->d[i].value, acc->d[i].source);
}

/* Scan text (len bytes) and check that it gives exactly want. */
static void
check_text(const char *name, const char *text, size_t len,
    const struct want *want, size_t n_want)
{
	struct asy_disclosures acc = { 0 };
	int r;

	r = asy_disclose_scan(&acc, text, len, name);
	ck_assert_int_eq(r, 0);
	for (size_t i = 0; i < n_want; i++) {
		const struct asy_disclosure *d = find(&acc, want[i].kind,
		    want[i].value);

		if (d == NULL)
			dump(&acc);
		ck_assert_msg(d != NULL, "%s: no %s \"%s\"", name, want[i].kind,
		    want[i].value);
		ck_assert_str_eq(d->source, name);
	}
	if (acc.n != n_want)
		dump(&acc);
	ck_assert_msg(acc.n == n_want, "%s: %zu findings, want %zu", name,
	    acc.n, n_want);
	for (size_t i = 0; i < acc.n; i++)
		assert_printable(acc.d[i].value, 128);
	asy_disclosures_release(&acc);
	ck_assert_ptr_null(acc.d);
	ck_assert_uint_eq(acc.n, 0);
}

/* ---- texts and their findings -------------------------------------------- */

static const struct text_case {
	const char	*name;
	const char	*text;
	size_t		 len;		/* 0: strlen */
	size_t		 n;
	struct want	 want[4];
} texts[] = {
#define NONE	0, 0, { { NULL, NULL } }
	{ "SNMP sysDescr.0 (uname -a)", "Linux assay-weak 6.1.0-26-amd64 #1 "
	  "SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64", 0, 1, {
		{ K_VERSION, "Linux 6.1.0-26-amd64" } } },
	{ "SNMP sysDescr.0 (weak bench)", "Lumora Imaging LC20 IP camera, "
	  "firmware 1.4.2 (build 2291), Linux 4.9.37", 0, 1, {
		{ K_VERSION, "Linux 4.9.37" } } },
	{ "SNMP sysDescr.0 (short)", "Linux 6.1.0-18-amd64", 0, 1, {
		{ K_VERSION, "Linux 6.1.0-18-amd64" } } },
	{ "SSH identification", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
	  0, 1, { { K_VERSION, "OpenSSH 9.2p1" } } },
	{ "SSH identification (dropbear)", "SSH-2.0-dropbear_2022.83\r\n", 0,
	  1, { { K_VERSION, "dropbear 2022.83" } } },
	{ "SSH identification (other)", "SSH-2.0-libssh_0.10.4\r\n", 0, 1, {
		{ K_VERSION, "libssh 0.10.4" } } },
	{ "SSH identification (dash)", "SSH-1.99-Cisco-1.25\r\n", 0, 1, {
		{ K_VERSION, "Cisco 1.25" } } },
	{ "HTTP answer (weak bench)", "HTTP/1.1 200 OK\r\nContent-Type: "
	  "text/html\r\nServer: lighttpd/1.4.69\r\nDate: Sun, 22 Nov 2026 "
	  "11:30:00 GMT\r\n\r\n", 0, 1, {
		{ K_VERSION, "lighttpd 1.4.69" } } },
	{ "telnet banner", "\r\nDebian GNU/Linux 12\r\nassay-weak login: ", 0,
	  1, { { K_VERSION, "Debian GNU/Linux 12" } } },
	{ "Server: Apache", "Server: Apache/2.4.57 (Debian) OpenSSL/3.0.11\r\n",
	  0, 2, { { K_VERSION, "Apache 2.4.57" },
		{ K_VERSION, "OpenSSL 3.0.11" } } },
	{ "Server: nginx", "Server: nginx/1.22.1\r\n", 0, 1, {
		{ K_VERSION, "nginx 1.22.1" } } },
	{ "Server: Boa", "Server: Boa/0.94.13\r\n", 0, 1, {
		{ K_VERSION, "Boa 0.94.13" } } },
	{ "Server: GoAhead", "Server: GoAhead-Webs\r\n", 0, 1, {
		{ K_VERSION, "GoAhead-Webs" } } },
	{ "serial console (BusyBox)", "BusyBox v1.36.1 (2023-06-01 10:00:00 "
	  "UTC) built-in shell (ash)\n", 0, 1, {
		{ K_VERSION, "BusyBox 1.36.1" } } },
	{ "serial console (U-Boot)", "U-Boot 2023.01 (Jan 10 2023 - 12:00:00 "
	  "+0000)\n", 0, 1, { { K_VERSION, "U-Boot 2023.01" } } },
	{ "MQTT $SYS/broker/version", "mosquitto version 2.0.11", 0, 1, {
		{ K_VERSION, "mosquitto 2.0.11" } } },
	{ "openssl version", "OpenSSL 3.0.11 19 Sep 2023 (Library: OpenSSL "
	  "3.0.11 19 Sep 2023)", 0, 1, { { K_VERSION, "OpenSSL 3.0.11" } } },
	{ "serial key=value", "mode=1&serial=ABC12345&x=1", 0, 1, {
		{ K_SERIAL, "ABC12345" } } },
	{ "serial Key: value", "Model: LC20\nSerial number: SN-0042-X\n", 0, 1,
	  { { K_SERIAL, "SN-0042-X" } } },
	{ "serial JSON", "{ \"serialNumber\" : \"X1234\", \"sn\": 12345678 }",
	  0, 2, { { K_SERIAL, "X1234" }, { K_SERIAL, "12345678" } } },
	{ "serial_number", "serial_number=0007-aa.b_c\n", 0, 1, {
		{ K_SERIAL, "0007-aa.b_c" } } },
	{ "SSID JSON", "{\"ssid\":\"HomeNet 5G\",\"rssi\":-60}", 0, 1, {
		{ K_SSID, "HomeNet 5G" } } },
	{ "SSID key=value", "wifi_ssid=Cafe_Guest\npsk=hidden\n", 0, 1, {
		{ K_SSID, "Cafe_Guest" } } },
	{ "SSID Key: value", "Network name: Lumora-Setup\r\n", 0, 1, {
		{ K_SSID, "Lumora-Setup" } } },
	{ "MAC with dashes", "hw 02-A5-5A-01-00-03 up", 0, 1, {
		{ K_MAC, "02-A5-5A-01-00-03" } } },
	{ "e-mail addresses", "Contact: first.last+tag@sub.example.co.uk, or "
	  "<security@lumora.example>.", 0, 2, {
		{ K_EMAIL, "first.last+tag@sub.example.co.uk" },
		{ K_EMAIL, "security@lumora.example" } } },
	{ "NUL bytes", "abc\0owner@example.com\0serial=AB12CD\0", 36, 2, {
		{ K_EMAIL, "owner@example.com" }, { K_SERIAL, "AB12CD" } } },
	/* Hostile values: markup stays (printable), binary is escaped. */
	{ "SSID markup", "{\"ssid\":\"<script>alert(1)</script>\"}", 0, 1, {
		{ K_SSID, "<script>alert(1)</script>" } } },
	{ "SSID binary", "ssid=\x01\x02" "evil\x1b[31m\n", 0, 1, {
		{ K_SSID, "\\x01\\x02evil\\x1b[31m" } } },
	{ "SSID quotes", "ssid='a\"b\\\\c'", 0, 1, {
		{ K_SSID, "a\\x22b\\x5c\\x5cc" } } },
	/* Nothing to find. */
	{ "status line", "HTTP/1.1 200 OK\r\nRTSP/1.0 200 OK\r\n", NONE },
	{ "browser", "User-Agent: Mozilla/5.0 (X11; Linux x86_64)", NONE },
	{ "paths", "/usr/lib/foo/1.2.3 and api/v1.2/x", NONE },
	{ "no dot", "version 12, Linux 12, OpenSSH 9, Apache/2", NONE },
	{ "prose", "the serial port; serial: none; sn=abc; ssid:",
	  NONE },
	{ "not MACs", "00:00:00:00:00:00 ff:ff:ff:ff:ff:ff 2001:db8::1 "
	  "01:02:03:04:05:06:07 0a:0b:0c:0d:0e 1a:2b:3c-4d:5e:6f",
	  NONE },
	{ "not e-mail", "user@localhost a@b.c x@1.2.3.4 x@-a.com y@a-.com "
	  "@example.com a.@example.com", NONE },
	{ "local part too long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaa@example.com", NONE },
	{ "serial too long", "serial=0123456789012345678901234567890123456789"
	  "01234567890123456789012345", NONE },
};

START_TEST(test_text)
{
	const struct text_case *c = &texts[_i];
	size_t len = c->len ? c->len : strlen(c->text);

	check_text(c->name, c->text, len, c->want, c->n);
}
END_TEST

/* ---- the bench's answers, from the files --------------------------------- */

static const struct file_case {
	const char	*path;
	size_t		 n;
	struct want	 want[4];
} files[] = {
	{ "tests/bench/weak/www/status.json", 3, {
		{ K_SERIAL, "LC20-2291-0007" },
		{ K_MAC, "02:a5:5a:01:00:02" },
		{ K_EMAIL, "owner@example.com" } } },
	/* "Serial number</th><td>LC20-2291-0007": markup as separator. */
	{ "tests/bench/weak/www/status.html", 3, {
		{ K_SERIAL, "LC20-2291-0007" },
		{ K_MAC, "02:a5:5a:01:00:02" },
		{ K_EMAIL, "owner@example.com" } } },
};

START_TEST(test_file)
{
	const struct file_case *c = &files[_i];
	char *path = ut_src(c->path);
	struct asy_buf b;

	ut_load(path, &b);
	check_text(c->path, b.data, b.len, c->want, c->n);
	asy_buf_release(&b);
	free(path);
}
END_TEST

/* ---- caps, dedupe, hostile input ----------------------------------------- */

START_TEST(test_dedupe)
{
	struct asy_disclosures acc = { 0 };
	const char *t = "owner@example.com serial=AB1234 owner@example.com";

	ck_assert_int_eq(asy_disclose_scan(&acc, t, strlen(t), "first"), 0);
	ck_assert_uint_eq(acc.n, 2);
	ck_assert_int_eq(asy_disclose_scan(&acc, t, strlen(t), "second"), 0);
	ck_assert_uint_eq(acc.n, 2);
	ck_assert_str_eq(find(&acc, K_EMAIL, "owner@example.com")->source,
	    "first");
	/* Nothing and NULL are fine. */
	ck_assert_int_eq(asy_disclose_scan(&acc, NULL, 0, "x"), 0);
	ck_assert_int_eq(asy_disclose_scan(&acc, "", 0, "x"), 0);
	ck_assert_uint_eq(acc.n, 2);
	asy_disclosures_release(&acc);
	asy_disclosures_release(&acc);
	asy_disclosures_release(NULL);
}
END_TEST

START_TEST(test_cap_findings)
{
	struct asy_disclosures acc = { 0 };
	struct asy_buf b;

	asy_buf_init(&b, 1 << 20);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(asy_buf_printf(&b, "user%d@example.com\n", i),
		    0);
	ck_assert_int_eq(asy_disclose_scan(&acc, b.data, b.len, "list"), 0);
	ck_assert_uint_eq(acc.n, 200);
	ck_assert_ptr_nonnull(find(&acc, K_EMAIL, "user199@example.com"));
	ck_assert_ptr_null(find(&acc, K_EMAIL, "user200@example.com"));
	ck_assert_int_eq(asy_disclose_scan(&acc, "a@example.org", 13, "x"), 0);
	ck_assert_uint_eq(acc.n, 200);
	asy_disclosures_release(&acc);
	asy_buf_release(&b);
}
END_TEST

START_TEST(test_cap_value)
{
	struct asy_disclosures acc = { 0 };
	struct asy_buf b;

	/* A 32-byte SSID of binary bytes: 128 bytes escaped, the cap. */
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_buf_puts(&b, "ssid=\""), 0);
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(asy_buf_putc(&b, (char)(0x80 + i)), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "\""), 0);
	ck_assert_int_eq(asy_disclose_scan(&acc, b.data, b.len, "x"), 0);
	ck_assert_uint_eq(acc.n, 1);
	assert_printable(acc.d[0].value, 128);
	ck_assert_uint_eq(strlen(acc.d[0].value), 128);
	ck_assert_msg(strncmp(acc.d[0].value, "\\x80\\x81", 8) == 0, "%s",
	    acc.d[0].value);
	asy_disclosures_release(&acc);
	asy_buf_release(&b);
}
END_TEST

START_TEST(test_random)
{
	struct asy_disclosures acc = { 0 };
	size_t len = (size_t)1 << 19;
	unsigned char *t = malloc(len);
	uint32_t x = 0x9e3779b9u + (uint32_t)_i;
	static const char *const seeds[] = { "serial=", "@ex.com", "Linux ",
	    "SSH-2.0-", ":0a", "ssid=\"", "/1.", "<td>" };

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		t[i] = (unsigned char)x;
		/* Mostly text-like bytes in half of the runs. */
		if (_i % 2 == 1 && (x >> 8) % 4 != 0)
			t[i] = (unsigned char)("0123456789abcdef:-./@ \"AZaz="
			    "\n<>_"[(x >> 12) % 32]);
		if ((x >> 20) % 4096 == 0 && i + 16 < len) {
			const char *s = seeds[(x >> 3) % 8];

			memcpy(t + i, s, strlen(s));
			i += strlen(s) - 1;
		}
	}
	ck_assert_int_eq(asy_disclose_scan(&acc, (const char *)t, len,
	    "random"), 0);
	ck_assert_uint_le(acc.n, 200);
	for (size_t i = 0; i < acc.n; i++)
		assert_printable(acc.d[i].value, 128);
	asy_disclosures_release(&acc);
	free(t);
}
END_TEST

/* Texts built to make a careless scanner quadratic: 512 KiB each, in
 * well under a second (also under the sanitizers). */
static const char *const slow_units[] = {
	"OpenSSH_1.", "Linux a-", "x@a.", "a/1.", "SSH-2.0-", "serial=",
	"ssid=\"", "<td>", "0a:0a:", "Debian GNU/Linux 1.",
};

START_TEST(test_slow)
{
	struct asy_disclosures acc = { 0 };
	const char *u = slow_units[_i];
	struct asy_buf b;
	long long t0;

	asy_buf_init(&b, (size_t)2 << 20);
	while (b.len < ((size_t)1 << 19))
		ck_assert_int_eq(asy_buf_puts(&b, u), 0);
	t0 = ut_now_ms();
	ck_assert_int_eq(asy_disclose_scan(&acc, b.data, b.len, "slow"), 0);
	ck_assert_msg(ut_now_ms() - t0 < 5000, "\"%s\": %lld ms", u,
	    ut_now_ms() - t0);
	ck_assert_uint_le(acc.n, 200);
	asy_disclosures_release(&acc);
	asy_buf_release(&b);
}
END_TEST

/* ---- asy_email_find, asy_printable ------------------------------------- */

static const struct {
	const char	*text;
	const char	*want;		/* NULL: none */
} emails[] = {
	{ "owner@example.com", "owner@example.com" },
	{ "\"owner\":\"owner@example.com\"}", "owner@example.com" },
	{ "mailto:a.b-c_d%e+f@x-y.example.museum.",
	  "a.b-c_d%e+f@x-y.example.museum" },
	{ "..lead@example.com", "lead@example.com" },
	{ "x@@example.com y@example.com", "y@example.com" },
	{ "a@example.c", NULL },
	{ "a@example.abcdefghijklmnopqrstuvwxy", NULL },
	{ "a@example.abcdefghijklmnopqrstuvwx",
	  "a@example.abcdefghijklmnopqrstuvwx" },
	{ "a@example.com1", NULL },
	{ "a@example.com_", NULL },
	{ "trail.@example.com", NULL },
	{ "@", NULL },
	{ "", NULL },
};

/* The small tables of pure functions run in one test each (a forked
 * test costs more than all of their cases); messages name the case. */
START_TEST(test_email_find)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(emails); i++) {
		const char *t = emails[i].text;
		size_t st = 99, n = 99;
		int r = asy_email_find(t, strlen(t), &st, &n);

		if (emails[i].want == NULL) {
			ck_assert_msg(r == 0, "\"%s\": found \"%.*s\"", t,
			    (int)n, t + st);
			continue;
		}
		ck_assert_msg(r == 1, "\"%s\": nothing found", t);
		ck_assert_msg(n == strlen(emails[i].want) &&
		    strncmp(t + st, emails[i].want, n) == 0, "\"%s\": found "
		    "\"%.*s\"", t, (int)n, t + st);
	}
}
END_TEST

static const struct {
	const char	*in;
	size_t		 len, max;
	const char	*want;
} printables[] = {
	{ "abc", 3, 128, "abc" },
	{ "a\"b\\c", 5, 128, "a\\x22b\\x5cc" },
	{ "\0\xff\n", 3, 128, "\\x00\\xff\\x0a" },
	{ "0123456789", 10, 10, "0123456789" },
	{ "0123456789a", 11, 10, "0123456..." },
	{ "\x01\x01\x01\x01", 4, 16, "\\x01\\x01\\x01\\x01" },
	{ "\x01\x01\x01\x01\x01", 5, 16, "\\x01\\x01\\x01..." },
	{ "", 0, 128, "" },
};

START_TEST(test_printable)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(printables); i++) {
		char *s = asy_printable(printables[i].in, printables[i].len,
		    printables[i].max);

		ck_assert_ptr_nonnull(s);
		ck_assert_msg(strcmp(s, printables[i].want) == 0, "case %zu: "
		    "\"%s\", want \"%s\"", i, s, printables[i].want);
		ck_assert_uint_le(strlen(s), printables[i].max);
		free(s);
	}
}
END_TEST

/* ---- asy_impl_reviewed ------------------------------------------------- */

static const char *const weak_impl[] = {
	"lighttpd 1.4.69", "dropbear 2022.83", "mosquitto 2.0.11",
};
static const char *const hardened_impl[] = {
	"OpenSSH 9.2p1", "lighttpd 1.4.69 with OpenSSL 3.0",
	"mosquitto 2.0.11 with OpenSSL 3.0",
};

static const struct {
	const char		*found;
	const char *const	*reviewed;
	size_t			 n;
	int			 want;
} reviews[] = {
	{ "OpenSSH 9.2p1",	hardened_impl, 3, 1 },
	{ "OpenSSH 9.2p1",	(const char *const[]){ "OpenSSH 9.3" }, 1, 0 },
	{ "lighttpd 1.4.69",	hardened_impl, 3, 1 },
	{ "OpenSSL 3.0.11",	hardened_impl, 3, 1 },
	{ "OpenSSL 3.1.4",	hardened_impl, 3, 0 },
	{ "OpenSSH 9.2",	(const char *const[]){ "OpenSSH 9.21" }, 1, 0 },
	{ "OpenSSH 9.21",	(const char *const[]){ "OpenSSH 9.2" }, 1, 0 },
	{ "OpenSSH 9.2",	(const char *const[]){ "OpenSSH 9.2p1" }, 1,
	  1 },
	{ "Linux 6.1.0-26-amd64", NULL, 0, 0 },
	{ "Linux 6.1.0-26-amd64", (const char *const[]){ "Linux 6.1.0" }, 1,
	  1 },
	{ "dropbear 2022.83",	weak_impl, 3, 1 },
	{ "Dropbear sshd 2022.83", weak_impl, 3, 1 },
	{ "dropbear_2022.83",	weak_impl, 3, 1 },
	{ "SSH-2.0-dropbear_2022.83", weak_impl, 3, 1 },
	{ "lighttpd/1.4.69",	weak_impl, 3, 1 },
	{ "lighttpd 1.4.70",	weak_impl, 3, 0 },
	{ "mosquitto v2.0.11",	weak_impl, 3, 1 },
	{ "nginx 1.22.1",	weak_impl, 3, 0 },
	{ "Open-SSH 9.2p1",	hardened_impl, 3, 1 },
	{ "OpenSSHX 9.2p1",	hardened_impl, 3, 0 },
	{ "OpenSSH",		hardened_impl, 3, 0 },
	{ "Apache 2.4.57 OpenSSL 3.0.11",
	  (const char *const[]){ "Apache 2.4.57" }, 1, 0 },
	{ "U-Boot 2023.01",	(const char *const[]){ "UBoot 2023.01" }, 1,
	  1 },
	{ "OpenSSH 9.2p1",	(const char *const[]){ NULL, "OpenSSH 9.2p1" },
	  2, 1 },
	{ "",			hardened_impl, 3, 0 },
};

START_TEST(test_reviewed)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(reviews); i++) {
		int r = asy_impl_reviewed(reviews[i].found,
		    reviews[i].reviewed, reviews[i].n);

		ck_assert_msg(r == reviews[i].want, "\"%s\" (case %zu): %d, "
		    "want %d", reviews[i].found, i, r, reviews[i].want);
	}
}
END_TEST

/* ---- asy_disclosure_declared ------------------------------------------- */

/* The <disclosure> texts of the 15-Intf table of an IXIT, joined. */
static char *
intf_disclosures(const char *rel)
{
	char *path = ut_src(rel), *t, *end;
	struct asy_buf b, out;

	ut_load(path, &b);
	t = strstr(b.data, "<table name=\"15-Intf\">");
	ck_assert_ptr_nonnull(t);
	end = strstr(t, "</table>");
	ck_assert_ptr_nonnull(end);
	asy_buf_init(&out, 1 << 16);
	ck_assert_int_eq(asy_buf_puts(&out, ""), 0);
	for (;;) {
		char *d = strstr(t, "<disclosure>"), *e;

		if (d == NULL || d > end)
			break;
		d += strlen("<disclosure>");
		e = strstr(d, "</disclosure>");
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(asy_buf_add(&out, d, (size_t)(e - d)), 0);
		ck_assert_int_eq(asy_buf_puts(&out, "\n"), 0);
		t = e;
	}
	ck_assert_uint_gt(out.len, 0);
	asy_buf_release(&b);
	free(path);
	return asy_buf_steal(&out);
}

static const struct {
	const char	*ixit;
	const char	*kind;
	int		 want;
} declared[] = {
	{ "tests/bench/weak/ixit.xml",		K_EMAIL,	1 },
	{ "tests/bench/weak/ixit.xml",		K_SERIAL,	1 },
	{ "tests/bench/weak/ixit.xml",		K_MAC,		1 },
	{ "tests/bench/weak/ixit.xml",		K_VERSION,	1 },
	{ "tests/bench/weak/ixit.xml",		K_SSID,		0 },
	{ "tests/bench/hardened/ixit.xml",	K_EMAIL,	0 },
	{ "tests/bench/hardened/ixit.xml",	K_SERIAL,	0 },
	{ "tests/bench/hardened/ixit.xml",	K_MAC,		0 },
	{ "tests/bench/hardened/ixit.xml",	K_VERSION,	1 },
	{ "tests/bench/hardened/ixit.xml",	K_SSID,		0 },
	{ "tests/bench/weak/ixit.xml",		"password",	0 },
	{ "tests/bench/weak/ixit.xml",		"mac ADDRESS",	1 },
};

START_TEST(test_declared)
{
	char *t = intf_disclosures(declared[_i].ixit);
	int r = asy_disclosure_declared(t, declared[_i].kind);

	ck_assert_msg(r == declared[_i].want, "%s, %s: %d", declared[_i].ixit,
	    declared[_i].kind, r);
	free(t);
}
END_TEST

static const struct {
	const char	*text, *kind;
	int		 want;
} declared_words[] = {
	{ "The machine's build number", K_MAC, 0 },
	{ "MAC-address label", K_MAC, 1 },
	{ "Owner email on the status page", K_EMAIL, 1 },
	{ "the Wi-Fi SSID while pairing", K_SSID, 1 },
	{ "the network name of the access point", K_SSID, 1 },
	{ "", K_VERSION, 0 },
	{ NULL, K_VERSION, 0 },
	{ "version", NULL, 0 },
};

START_TEST(test_declared_words)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(declared_words); i++)
		ck_assert_msg(asy_disclosure_declared(declared_words[i].text,
		    declared_words[i].kind) == declared_words[i].want,
		    "case %zu", i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("disclose");
	TCase *tc = tcase_create("disclose");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_text, 0, ASY_ELEMENTSOF(texts));
	tcase_add_loop_test(tc, test_file, 0, ASY_ELEMENTSOF(files));
	tcase_add_test(tc, test_dedupe);
	tcase_add_test(tc, test_cap_findings);
	tcase_add_test(tc, test_cap_value);
	tcase_add_loop_test(tc, test_random, 0, 4);
	tcase_add_loop_test(tc, test_slow, 0, ASY_ELEMENTSOF(slow_units));
	tcase_add_test(tc, test_email_find);
	tcase_add_test(tc, test_printable);
	tcase_add_test(tc, test_reviewed);
	tcase_add_loop_test(tc, test_declared, 0, ASY_ELEMENTSOF(declared));
	tcase_add_test(tc, test_declared_words);
	suite_add_tcase(s, tc);
	return ut_main(s);
}
