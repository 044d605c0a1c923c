/*
 * The lab configuration loader (harness/labcfg.c).
 *
 * Bad input, as a table: each case starts from a known-good lab config
 * (tests/data/lab/base.xml, with copies of the hub declarations next to
 * it), mutates it by text replacement (or replaces it by raw bytes, or a
 * generator writes it), writes it into a fresh folder with the declaration
 * files beside it and calls asy_lab_load().  It must return ASY_E_INPUT
 * without a lab, and for every expectation there must be an error naming
 * that file, on the line where the expectation's anchor text first occurs
 * in the written file (or the line it gives), whose message matches the
 * expectation's text.  Texts: terms joined by " & " must all match; a term
 * is alternatives joined by "|"; each is a case-insensitive substring.
 * Every diagnostic must name the lab file and read "what is wrong; how to
 * fix it" (it holds "; ").
 *
 * Warnings, as a table too: the lab still loads, with the warning.
 *
 * Positive controls: base.xml and the examples under lab-config/examples/
 * load without a diagnostic (virtual-bench.xml only when it exists), the
 * fields come out right (values, defaults, resolved paths, ${LABDIR}),
 * asy_lab_in_scope() against a table of edges (IPv4, IPv6, /0, /32, /128,
 * prefixes off byte boundaries, IPv4-mapped), secrets from the environment
 * and from files, and lab files that cannot be read give a clean error.
 *
 * Environment: ASSAY_SRCDIR (source root).
 */
#include <check.h>

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "diag.h"
#include "labcfg.h"
#include "xml.h"
#include "ut.h"

/* ---- The table of bad configs ------------------------------------------- */

enum lc_how {
	LC_EDIT,	/* text replacements in base.xml */
	LC_RAW,		/* the file is raw bytes */
	LC_GEN,		/* a generator writes the file */
};

/* Replace find by repl: the first occurrence, or every one with all. */
struct lc_edit {
	const char	*find;
	const char	*repl;
	int		 all;
};

/* An error on the line where anchor first occurs (NULL: on line). */
struct lc_expect {
	const char	*anchor;
	unsigned long	 line;
	const char	*text;
};

struct lc_case {
	const char		*name;
	enum lc_how		 how;
	struct lc_edit		 edit[8];
	const char		*raw;
	size_t			 raw_len;
	void			(*gen)(const char *path);
	struct lc_expect	 expect[8];
};

#define RAW(s)		.how = LC_RAW, .raw = (s), .raw_len = sizeof(s) - 1
#define AT(a, t)	{ (a), 0, (t) }
#define LINE(l, t)	{ NULL, (l), (t) }

static void gen_huge(const char *path);

/* Anchors of base.xml, used by several cases. */
#define NET4		"<net>198.18.0.0/15</net>"
#define NET6		"<net>2001:2::/48</net>"
#define SERIAL		"<serial id=\"uart\""
#define CAPTURE		"<capture "
#define SCAN		"<scan "
#define CRED_ENV	"<credential id=\"admin\""
#define CRED_FILE	"<credential id=\"root-file\""
#define HUB		"<dut name=\"hub\" interface=\"eth-lab\">"
#define SENSOR		"<dut name=\"sensor\" serial=\"uart\">"
#define ADDR		"<address ipv4="
#define DECL		"<declarations ics=\"ics.xml\" ixit=\"ixit.xml\"/>"
#define POWER_OFF	"<control action=\"power-off\" timeout=\"20\">"
#define POWER_ON	"<control action=\"power-on\">"
#define ETH		"<ethernet id=\"eth-lab\" name=\"enx0200005e0001\"/>"
#define WIFI		"<wifi interface=\"wlan-mon\" seconds=\"45\" " \
			"ssid=\"Hub-Setup-01\" bssid=\"02:00:5E:10:00:AA\" " \
			"intf=\"Intf-WiFi\"/>"

static const struct lc_case cases[] = {
	/* ---- Not a lab config at all ---- */
	{ .name = "empty-file", RAW(""),
	  .expect = { LINE(1, "empty") } },
	{ .name = "whitespace-only", RAW("\n   \n\t\n"),
	  .expect = { LINE(1, "empty") } },
	{ .name = "not-xml-yaml", RAW("lab:\n  name: bench 2\n"),
	  .expect = { LINE(1, "start tag|well-formed|document") } },
	{ .name = "binary-elf-header",
	  RAW("\177ELF\002\001\001\000\000\000\000\000\000\000\000\000"
	      "\003\000>\000\001\000\000\000"),
	  .expect = { LINE(1, "NUL|binary") } },
	{ .name = "latin1-byte",
	  .edit = { { "name=\"unit-test bench\"", "name=\"Pr\374fstand\"" } },
	  .expect = { AT("Pr\374fstand", "UTF-8") } },
	{ .name = "huge-20MiB", .how = LC_GEN, .gen = gen_huge,
	  .expect = { LINE(1, "larger than & MiB") } },
	{ .name = "truncated",
	  .edit = { { "  </dut>\n</lab>\n", "  </dut>\n<!-- cut here -->" } },
	  .expect = { AT("cut here", "premature|end of data|truncated|"
	      "expected|end tag") } },
	{ .name = "doctype-entity",
	  .edit = { { "<lab format=\"1\"", "<!DOCTYPE lab [\n<!ENTITY x "
	      "SYSTEM \"file:///etc/passwd\">\n]>\n<lab format=\"1\"" },
	    { "name=\"unit-test bench\"", "name=\"&x;\"" } },
	  .expect = { AT("<!DOCTYPE", "DOCTYPE") } },
	{ .name = "undefined-entity",
	  .edit = { { "name=\"unit-test bench\"", "name=\"bench&nbsp;2\"" } },
	  .expect = { AT("bench&nbsp;2", "entity|nbsp") } },

	/* ---- The schema ---- */
	{ .name = "format-2",
	  .edit = { { "<lab format=\"1\"", "<lab format=\"2\"" } },
	  .expect = { AT("<lab format=\"2\"", "format & 1") } },
	{ .name = "wrong-root",
	  .edit = { { "<lab format", "<laboratory format" },
	    { "</lab>", "</laboratory>" } },
	  .expect = { AT("<laboratory", "laboratory") } },
	{ .name = "wrong-namespace",
	  .edit = { { "<lab format", "<lab xmlns=\"urn:example:lab\" "
	      "format" } },
	  .expect = { AT("urn:example:lab", "urn:example:lab|namespace|"
	      "global") } },
	{ .name = "unknown-element",
	  .edit = { { "  </interfaces>", "    <gpio id=\"relay\" pin=\"17\"/>"
	      "\n  </interfaces>" } },
	  .expect = { AT("<gpio", "gpio") } },
	{ .name = "unknown-attribute",
	  .edit = { { "<privileges user=\"assay\"/>",
	      "<privileges user=\"assay\" group=\"wheel\"/>" } },
	  .expect = { AT("group=\"wheel\"", "group") } },
	{ .name = "missing-required-attribute",
	  .edit = { { ETH, "<ethernet id=\"eth-lab\"/>" } },
	  .expect = { AT("<ethernet id=\"eth-lab\"/>", "name & required") } },
	{ .name = "missing-scope",
	  .edit = { { "  <scope>\n    " NET4 "\n    " NET6 "\n  </scope>\n",
	      "" } },
	  .expect = { AT("<operator", "scope") } },
	{ .name = "elements-out-of-order",
	  .edit = { { "  <tools nmap=\"/usr/bin/nmap\" tshark=\"bin/tshark\"/>"
	      "\n", "" },
	    { "  " CAPTURE, "  <tools nmap=\"nmap\"/>\n  " CAPTURE } },
	  .expect = { AT(CAPTURE, "capture & not expected") } },
	{ .name = "parity-mark",
	  .edit = { { "parity=\"even\"", "parity=\"mark\"" } },
	  .expect = { AT(SERIAL, "mark") } },
	{ .name = "operator-mode-ask",
	  .edit = { { "mode=\"interactive\"", "mode=\"ask\"" } },
	  .expect = { AT("mode=\"ask\"", "ask") } },
	{ .name = "control-action-reboot",
	  .edit = { { POWER_ON, "<control action=\"reboot\">" } },
	  .expect = { AT("action=\"reboot\"", "reboot") } },
	{ .name = "control-without-arg",
	  .edit = { { POWER_ON "\n      <arg>${LABDIR}/pdu.sh</arg>\n"
	      "      <arg>on</arg>\n    </control>",
	      "<control action=\"power-on\"/>" } },
	  .expect = { AT("<control action=\"power-on\"/>", "arg|missing") } },
	{ .name = "dut-name-unsafe",
	  .edit = { { SENSOR, "<dut name=\"../sensor\" serial=\"uart\">" } },
	  .expect = { AT("../sensor", "../sensor") } },

	/* ---- Scope ---- */
	{ .name = "scope-no-prefix",
	  .edit = { { NET4, "<net>198.18.0.0</net>" } },
	  .expect = { AT("<net>198.18.0.0<", "no prefix & 198.18.0.0/32") } },
	{ .name = "scope-not-an-address",
	  .edit = { { NET4, "<net>lab-net/24</net>" } },
	  .expect = { AT("lab-net", "not an IPv4 or IPv6 & address/prefix") } },
	{ .name = "scope-v4-prefix-33",
	  .edit = { { NET4, "<net>198.18.0.0/33</net>" } },
	  .expect = { AT("/33", "prefix & 1 to 32") } },
	{ .name = "scope-v6-prefix-129",
	  .edit = { { NET6, "<net>2001:2::/129</net>" } },
	  .expect = { AT("/129", "prefix & 1 to 128") } },
	{ .name = "scope-prefix-hex",
	  .edit = { { NET4, "<net>198.18.0.0/0x0f</net>" } },
	  .expect = { AT("/0x0f", "prefix & decimal") } },
	{ .name = "scope-prefix-empty",
	  .edit = { { NET4, "<net>198.18.0.0/</net>" } },
	  .expect = { AT("198.18.0.0/<", "prefix") } },
	{ .name = "scope-v4-host-bits",
	  .edit = { { NET4, "<net>198.18.0.1/15</net>" } },
	  .expect = { AT("198.18.0.1/15", "host bits & 198.18.0.0/15") } },
	{ .name = "scope-v4-host-bits-mid-byte",
	  .edit = { { NET4, "<net>198.19.0.0/15</net>" } },
	  .expect = { AT("198.19.0.0/15", "host bits & 198.18.0.0/15") } },
	{ .name = "scope-v6-host-bits",
	  .edit = { { NET6, "<net>2001:2::1/48</net>" } },
	  .expect = { AT("2001:2::1/48", "host bits & 2001:2::/48") } },
	{ .name = "scope-v4-everything",
	  .edit = { { NET4, "<net>0.0.0.0/0</net>" } },
	  .expect = { AT("0.0.0.0/0", "every IPv4 address & own networks"),
	    AT(ADDR, "198.18.0.10 & outside") } },
	{ .name = "scope-v6-everything",
	  .edit = { { NET6, "<net>::/0</net>" } },
	  .expect = { AT("::/0", "every IPv6 address") } },
	{ .name = "scope-v4-mapped-everything",
	  .edit = { { NET6, "<net>::ffff:0.0.0.0/96</net>" } },
	  .expect = { AT("::ffff:0.0.0.0/96", "every IPv4 address") } },
	{ .name = "scope-zone",
	  .edit = { { NET6, "<net>fe80::%eth0/64</net>" } },
	  .expect = { AT("fe80::%eth0", "not an IPv4 or IPv6") } },

	/* ---- Interfaces ---- */
	{ .name = "iface-id-twice-across-kinds",
	  .edit = { { "<wifi id=\"wlan-mon\"", "<wifi id=\"eth-lab\"" } },
	  .expect = { AT("<wifi id=\"eth-lab\"", "eth-lab & already used & "
	      "own ID") } },
	{ .name = "iface-id-twice-serial",
	  .edit = { { SERIAL, "<serial id=\"wlan-mon\"" } },
	  .expect = { AT("<serial id=\"wlan-mon\"", "wlan-mon & already"),
	    AT(SENSOR, "uart & not defined") } },
	{ .name = "ifname-too-long",
	  .edit = { { "name=\"wlan1\"", "name=\"wlan-monitor-iface0\"" } },
	  .expect = { AT("wlan-monitor-iface0", "interface name & 15") } },
	{ .name = "ifname-slash",
	  .edit = { { "name=\"enx0200005e0001\"", "name=\"../eth0\"" } },
	  .expect = { AT("../eth0", "interface name") } },
	{ .name = "baud-non-standard",
	  .edit = { { "baud=\"57600\"", "baud=\"57601\"" } },
	  .expect = { AT(SERIAL, "baud & 57601 & standard & 115200") } },
	{ .name = "baud-words",
	  .edit = { { "baud=\"57600\"", "baud=\"fast\"" } },
	  .expect = { AT(SERIAL, "baud & fast") } },
	{ .name = "baud-zero",
	  .edit = { { "baud=\"57600\"", "baud=\"0\"" } },
	  .expect = { AT(SERIAL, "baud") } },
	{ .name = "baud-above-4M",
	  .edit = { { "baud=\"57600\"", "baud=\"4500000\"" } },
	  .expect = { AT(SERIAL, "baud") } },
	{ .name = "data-bits-9",
	  .edit = { { "data-bits=\"7\"", "data-bits=\"9\"" } },
	  .expect = { AT(SERIAL, "data-bits & 5, 6, 7 or 8") } },
	{ .name = "data-bits-4",
	  .edit = { { "data-bits=\"7\"", "data-bits=\"4\"" } },
	  .expect = { AT(SERIAL, "data-bits") } },
	{ .name = "stop-bits-3",
	  .edit = { { "stop-bits=\"2\"", "stop-bits=\"3\"" } },
	  .expect = { AT(SERIAL, "stop-bits & 1 or 2") } },
	{ .name = "stop-bits-1.5",
	  .edit = { { "stop-bits=\"2\"", "stop-bits=\"1.5\"" } },
	  .expect = { AT(SERIAL, "stop-bits") } },

	/* ---- Capture ---- */
	{ .name = "snaplen-63",
	  .edit = { { "snaplen=\"65535\"", "snaplen=\"63\"" } },
	  .expect = { AT(CAPTURE, "snaplen & out of range & 64 to 262144") } },
	{ .name = "snaplen-262145",
	  .edit = { { "snaplen=\"65535\"", "snaplen=\"262145\"" } },
	  .expect = { AT(CAPTURE, "snaplen & out of range") } },
	{ .name = "snaplen-with-unit",
	  .edit = { { "snaplen=\"65535\"", "snaplen=\"64k\"" } },
	  .expect = { AT(CAPTURE, "snaplen & decimal") } },
	{ .name = "snaplen-negative",
	  .edit = { { "snaplen=\"65535\"", "snaplen=\"-1\"" } },
	  .expect = { AT(CAPTURE, "snaplen & decimal") } },
	{ .name = "buffer-below-64KiB",
	  .edit = { { "buffer=\"33554432\"", "buffer=\"65535\"" } },
	  .expect = { AT(CAPTURE, "buffer & out of range & 64 KiB") } },
	{ .name = "buffer-above-1GiB",
	  .edit = { { "buffer=\"33554432\"", "buffer=\"1073741825\"" } },
	  .expect = { AT(CAPTURE, "buffer & out of range & 1 GiB") } },
	{ .name = "buffer-below-snaplen",
	  .edit = { { "snaplen=\"65535\"", "snaplen=\"262144\"" },
	    { "buffer=\"33554432\"", "buffer=\"131072\"" } },
	  .expect = { AT(CAPTURE, "smaller than snaplen") } },
	{ .name = "file-cap-below-1MiB",
	  .edit = { { "file-cap=\"2147483648\"", "file-cap=\"1048575\"" } },
	  .expect = { AT(CAPTURE, "file-cap & out of range") } },
	{ .name = "file-cap-above-64GiB",
	  .edit = { { "file-cap=\"2147483648\"",
	      "file-cap=\"68719476737\"" } },
	  .expect = { AT(CAPTURE, "file-cap & out of range & 64 GiB") } },
	{ .name = "file-cap-overflow",
	  .edit = { { "file-cap=\"2147483648\"",
	      "file-cap=\"99999999999999999999999\"" } },
	  .expect = { AT(CAPTURE, "file-cap & decimal") } },

	/* ---- Scan ---- */
	{ .name = "pps-0",
	  .edit = { { "pps=\"500\"", "pps=\"0\"" } },
	  .expect = { AT(SCAN, "pps & out of range") } },
	{ .name = "pps-1000001",
	  .edit = { { "pps=\"500\"", "pps=\"1000001\"" } },
	  .expect = { AT(SCAN, "pps & out of range") } },
	{ .name = "pps-blank",
	  .edit = { { "pps=\"500\"", "pps=\"\"" } },
	  .expect = { AT(SCAN, "pps & decimal") } },
	{ .name = "tcp-ports-zero",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"0-1024\"" } },
	  .expect = { AT(SCAN, "'0-1024' & range") } },
	{ .name = "tcp-ports-65536",
	  .edit = { { "tcp-ports=\"1-1024,8080\"",
	      "tcp-ports=\"22,65536\"" } },
	  .expect = { AT(SCAN, "'65536' & not a port") } },
	{ .name = "tcp-ports-backwards",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"1024-22\"" } },
	  .expect = { AT(SCAN, "backwards & 22-1024") } },
	{ .name = "tcp-ports-empty-item",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"22,,80\"" } },
	  .expect = { AT(SCAN, "empty item") } },
	{ .name = "tcp-ports-trailing-comma",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"22,80,\"" } },
	  .expect = { AT(SCAN, "empty item") } },
	{ .name = "tcp-ports-space",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"22, 80\"" } },
	  .expect = { AT(SCAN, "' 80' & not a port") } },
	{ .name = "tcp-ports-nmap-prefix",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"T:22\"" } },
	  .expect = { AT(SCAN, "T:22") } },
	{ .name = "tcp-ports-open-range",
	  .edit = { { "tcp-ports=\"1-1024,8080\"", "tcp-ports=\"1024-\"" } },
	  .expect = { AT(SCAN, "1024- & range") } },
	{ .name = "udp-top-1001",
	  .edit = { { "udp-top=\"50\"", "udp-top=\"1001\"" } },
	  .expect = { AT(SCAN, "udp-top & 0 to 1000") } },
	{ .name = "timeout-9",
	  .edit = { { "timeout=\"600\"", "timeout=\"9\"" } },
	  .expect = { AT(SCAN, "timeout & 10 to 86400") } },
	{ .name = "timeout-86401",
	  .edit = { { "timeout=\"600\"", "timeout=\"86401\"" } },
	  .expect = { AT(SCAN, "timeout & out of range") } },
	{ .name = "version-intensity-10",
	  .edit = { { "version-intensity=\"5\"",
	      "version-intensity=\"10\"" } },
	  .expect = { AT(SCAN, "version-intensity & 0 to 9") } },
	{ .name = "scripts-capitals",
	  .edit = { { "scripts=\"banner,ssl-enum-ciphers\"",
	      "scripts=\"Banner\"" } },
	  .expect = { AT(SCAN, "scripts & Banner") } },
	{ .name = "scripts-wildcard",
	  .edit = { { "scripts=\"banner,ssl-enum-ciphers\"",
	      "scripts=\"http-*\"" } },
	  .expect = { AT(SCAN, "scripts & http-*") } },
	{ .name = "scripts-space",
	  .edit = { { "scripts=\"banner,ssl-enum-ciphers\"",
	      "scripts=\"banner, http-title\"" } },
	  .expect = { AT(SCAN, "scripts") } },
	{ .name = "scripts-trailing-comma",
	  .edit = { { "scripts=\"banner,ssl-enum-ciphers\"",
	      "scripts=\"banner,\"" } },
	  .expect = { AT(SCAN, "scripts") } },

	/* ---- Tools, privileges, name ---- */
	{ .name = "tool-blank",
	  .edit = { { "nmap=\"/usr/bin/nmap\"", "nmap=\"  \"" } },
	  .expect = { AT("<tools", "nmap & blank") } },
	{ .name = "privileges-user-blank",
	  .edit = { { "user=\"assay\"", "user=\" \"" } },
	  .expect = { AT("<privileges", "account name") } },
	{ .name = "privileges-user-space",
	  .edit = { { "user=\"assay\"", "user=\"lab user\"" } },
	  .expect = { AT("<privileges", "lab user & account name") } },
	{ .name = "lab-name-blank",
	  .edit = { { "name=\"unit-test bench\"", "name=\"   \"" } },
	  .expect = { AT("<lab format", "name is blank") } },

	/* ---- Credentials ---- */
	{ .name = "credential-id-twice",
	  .edit = { { CRED_FILE, "<credential id=\"admin\" file=\"x\"/>\n  "
	      CRED_FILE } },
	  .expect = { AT("<credential id=\"admin\" file=", "admin & already "
	      "used") } },
	{ .name = "credential-file-and-env",
	  .edit = { { "env=\"ASSAY_UT_LAB_SECRET\"",
	      "env=\"ASSAY_UT_LAB_SECRET\" file=\"pw.txt\"" } },
	  .expect = { AT(CRED_ENV, "admin & both") } },
	{ .name = "credential-neither",
	  .edit = { { " env=\"ASSAY_UT_LAB_SECRET\"", "" } },
	  .expect = { AT(CRED_ENV, "admin & neither & file= & env=") } },
	{ .name = "credential-env-lowercase",
	  .edit = { { "env=\"ASSAY_UT_LAB_SECRET\"", "env=\"assay_pw\"" } },
	  .expect = { AT(CRED_ENV, "assay_pw & environment variable name") } },
	{ .name = "credential-env-digit-first",
	  .edit = { { "env=\"ASSAY_UT_LAB_SECRET\"", "env=\"1PASSWORD\"" } },
	  .expect = { AT(CRED_ENV, "1PASSWORD") } },
	{ .name = "credential-env-dollar",
	  .edit = { { "env=\"ASSAY_UT_LAB_SECRET\"", "env=\"$PW\"" } },
	  .expect = { AT(CRED_ENV, "$PW") } },

	/* ---- DUTs ---- */
	{ .name = "dut-name-twice",
	  .edit = { { SENSOR, "<dut name=\"hub\" serial=\"uart\">" } },
	  .expect = { AT("<dut name=\"hub\" serial", "hub & already used") } },
	{ .name = "dut-interface-unknown",
	  .edit = { { HUB, "<dut name=\"hub\" interface=\"eth9\">" } },
	  .expect = { AT("interface=\"eth9\"", "eth9 & not defined") } },
	{ .name = "dut-interface-is-serial",
	  .edit = { { HUB, "<dut name=\"hub\" interface=\"uart\">" } },
	  .expect = { AT("interface=\"uart\"", "serial port & "
	      "ethernet or wifi") } },
	{ .name = "dut-serial-is-ethernet",
	  .edit = { { SENSOR, "<dut name=\"sensor\" serial=\"eth-lab\">" } },
	  .expect = { AT("serial=\"eth-lab\"", "network interface & "
	      "<serial>") } },
	{ .name = "dut-serial-unknown",
	  .edit = { { SENSOR, "<dut name=\"sensor\" serial=\"ttyS9\">" } },
	  .expect = { AT("serial=\"ttyS9\"", "ttyS9 & not defined") } },
	{ .name = "dut-uses-unknown",
	  .edit = { { "<uses credential=\"admin\"/>",
	      "<uses credential=\"operator\"/>" } },
	  .expect = { AT("credential=\"operator\"", "operator & not "
	      "defined") } },
	{ .name = "dut-uses-twice",
	  .edit = { { "<uses credential=\"root-file\"/>",
	      "<uses  credential=\"admin\"/>" } },
	  .expect = { AT("<uses  credential", "twice") } },
	{ .name = "ipv4-holds-ipv6",
	  .edit = { { "ipv4=\"198.18.0.10\"", "ipv4=\"2001:2::11\"" } },
	  .expect = { AT(ADDR, "IPv6 & ipv6=") } },
	{ .name = "ipv6-holds-ipv4",
	  .edit = { { "ipv6=\"2001:2::10\"", "ipv6=\"198.18.0.11\"" } },
	  .expect = { AT(ADDR, "IPv4 & ipv4=") } },
	{ .name = "ipv4-octet-256",
	  .edit = { { "ipv4=\"198.18.0.10\"", "ipv4=\"198.18.0.256\"" } },
	  .expect = { AT(ADDR, "198.18.0.256 & not an IPv4") } },
	{ .name = "ipv4-leading-zero",
	  .edit = { { "ipv4=\"198.18.0.10\"", "ipv4=\"198.018.0.10\"" } },
	  .expect = { AT(ADDR, "not an IPv4") } },
	{ .name = "ipv4-with-prefix",
	  .edit = { { "ipv4=\"198.18.0.10\"", "ipv4=\"198.18.0.10/15\"" } },
	  .expect = { AT(ADDR, "not an IPv4") } },
	{ .name = "ipv6-zone",
	  .edit = { { "ipv6=\"2001:2::10\"", "ipv6=\"fe80::1%eth0\"" } },
	  .expect = { AT(ADDR, "not an IPv6") } },
	{ .name = "mac-five-pairs",
	  .edit = { { "mac=\"02:00:5E:10:00:0A\"",
	      "mac=\"02:00:5E:10:00\"" } },
	  .expect = { AT(ADDR, "MAC & six hex pairs") } },
	{ .name = "mac-not-hex",
	  .edit = { { "mac=\"02:00:5E:10:00:0A\"",
	      "mac=\"02:00:5E:10:00:0G\"" } },
	  .expect = { AT(ADDR, "MAC") } },
	{ .name = "mac-mixed-separators",
	  .edit = { { "mac=\"02:00:5E:10:00:0A\"",
	      "mac=\"02:00-5E:10:00:0A\"" } },
	  .expect = { AT(ADDR, "MAC") } },
	{ .name = "dut-unreachable",
	  .edit = { { SENSOR, "<dut name=\"sensor\">" } },
	  .expect = { AT("<dut name=\"sensor\">", "no IP address, no "
	      "serial port and no Wi-Fi source & <wifi>") } },
	{ .name = "dut-mac-only",
	  .edit = { { "ipv4=\"198.18.0.10\" ipv6=\"2001:2::10\" ", "" },
	    { "    " WIFI "\n", "" } },
	  .expect = { AT(HUB, "no IP address") } },
	{ .name = "ipv4-outside-scope",
	  .edit = { { NET4, "<net>198.18.0.0/16</net>" },
	    { "ipv4=\"198.18.0.10\"", "ipv4=\"198.19.0.10\"" } },
	  .expect = { AT(ADDR, "198.19.0.10 & outside & never sends outside "
	      "the scope & <net>198.19.0.10/32</net>") } },
	{ .name = "ipv6-outside-scope",
	  .edit = { { "ipv6=\"2001:2::10\"", "ipv6=\"2001:2:1::10\"" } },
	  .expect = { AT(ADDR, "2001:2:1::10 & outside & "
	      "2001:2:1::10/128") } },
	{ .name = "ipv4-mapped-outside-scope",
	  .edit = { { "ipv6=\"2001:2::10\"", "ipv6=\"::ffff:192.0.2.1\"" } },
	  .expect = { AT(ADDR, "::ffff:192.0.2.1 & outside") } },

	/* ---- The Wi-Fi onboarding source ---- */
	{ .name = "wifi-no-source",
	  .edit = { { WIFI, "<wifi ssid=\"Hub-Setup-01\"/>" } },
	  .expect = { AT("<wifi ssid=", "exactly one source & "
	      "interface=\"ID\" & capture=\"FILE.pcap\" & not none") } },
	{ .name = "wifi-both-sources",
	  .edit = { { "seconds=\"45\"", "capture=\"on.pcap\"" } },
	  .expect = { AT("<wifi interface=", "exactly one source & "
	      "not both") } },
	{ .name = "wifi-iface-undefined",
	  .edit = { { "<wifi interface=\"wlan-mon\"",
	      "<wifi interface=\"wlan-gone\"" } },
	  .expect = { AT("<wifi interface=", "wlan-gone & not defined & "
	      "monitor=\"yes\"") } },
	{ .name = "wifi-iface-ethernet",
	  .edit = { { "<wifi interface=\"wlan-mon\"",
	      "<wifi interface=\"eth-lab\"" } },
	  .expect = { AT("<wifi interface=", "eth-lab & not a Wi-Fi "
	      "interface in monitor mode") } },
	{ .name = "wifi-iface-not-monitor",
	  .edit = { { "monitor=\"yes\"", "monitor=\"no\"" } },
	  .expect = { AT("<wifi interface=", "wlan-mon & monitor mode") } },
	{ .name = "wifi-seconds-0",
	  .edit = { { "seconds=\"45\"", "seconds=\"0\"" } },
	  .expect = { AT("<wifi interface=", "seconds & 1 to 600") } },
	{ .name = "wifi-seconds-601",
	  .edit = { { "seconds=\"45\"", "seconds=\"601\"" } },
	  .expect = { AT("<wifi interface=", "seconds & out of range & "
	      "1 to 600") } },
	{ .name = "wifi-seconds-unit",
	  .edit = { { "seconds=\"45\"", "seconds=\"45s\"" } },
	  .expect = { AT("<wifi interface=", "seconds & decimal") } },
	{ .name = "wifi-seconds-with-capture",
	  .edit = { { "interface=\"wlan-mon\" seconds=\"45\"",
	      "capture=\"ixit.xml\" seconds=\"45\"" } },
	  .expect = { AT("<wifi capture=", "seconds= & remove") } },
	{ .name = "wifi-capture-missing",
	  .edit = { { "interface=\"wlan-mon\" seconds=\"45\"",
	      "capture=\"gone/onboarding.pcap\"" } },
	  .expect = { AT("<wifi capture=", "gone/onboarding.pcap & does "
	      "not exist & relative") } },
	{ .name = "wifi-capture-folder",
	  .edit = { { "interface=\"wlan-mon\" seconds=\"45\"",
	      "capture=\".\"" } },
	  .expect = { AT("<wifi capture=", "regular file") } },
	{ .name = "wifi-no-network",
	  .edit = { { " ssid=\"Hub-Setup-01\" bssid=\"02:00:5E:10:00:AA\"",
	      "" } },
	  .expect = { AT("<wifi interface=", "which network & ssid=\"...\" "
	      "& bssid=") } },
	{ .name = "wifi-ssid-long",
	  .edit = { { "ssid=\"Hub-Setup-01\"",
	      "ssid=\"Hub-Setup-01234567890123456789012\"" } },
	  .expect = { AT("<wifi interface=", "too long & 1 to 32 bytes") } },
	{ .name = "wifi-ssid-empty",
	  .edit = { { "ssid=\"Hub-Setup-01\"", "ssid=\"\"" } },
	  .expect = { AT("<wifi interface=", "empty & bssid=") } },
	{ .name = "wifi-bssid-bad",
	  .edit = { { "bssid=\"02:00:5E:10:00:AA\"",
	      "bssid=\"02:00:5E:10:00\"" } },
	  .expect = { AT("<wifi interface=", "bssid & not a MAC & six hex "
	      "pairs") } },

	/* ---- Declarations ---- */
	{ .name = "decl-ics-missing",
	  .edit = { { "ics=\"ics.xml\"", "ics=\"nope/ics.xml\"" } },
	  .expect = { AT("nope/ics.xml", "ics & does not exist & "
	      "/nope/ics.xml & relative") } },
	{ .name = "decl-ixit-absolute-missing",
	  .edit = { { "ixit=\"ixit.xml\"", "ixit=\"/nonexistent/ixit.xml\"" } },
	  .expect = { AT("/nonexistent", "ixit & does not exist") } },
	{ .name = "decl-ixit-is-folder",
	  .edit = { { "ixit=\"ixit.xml\"", "ixit=\".\"" } },
	  .expect = { AT("ixit=\".\"", "regular file") } },
	{ .name = "decl-answers-missing",
	  .edit = { { DECL, "<declarations ics=\"ics.xml\" ixit=\"ixit.xml\" "
	      "answers=\"answers.xml\"/>" } },
	  .expect = { AT("answers=", "answers & does not exist") } },
	{ .name = "decl-catalogue-missing",
	  .edit = { { DECL, "<declarations ics=\"ics.xml\" ixit=\"ixit.xml\" "
	      "catalogue=\"cat.xml\"/>" } },
	  .expect = { AT("catalogue=", "catalogue & does not exist") } },
	{ .name = "operator-answers-without-file",
	  .edit = { { "mode=\"interactive\"", "mode=\"answers\"" } },
	  .expect = { AT(DECL, "hub & no answers file") } },

	/* ---- Control ---- */
	{ .name = "control-action-twice",
	  .edit = { { POWER_ON, "<control action=\"power-off\" "
	      "timeout=\"30\">" } },
	  .expect = { AT("action=\"power-off\" timeout=\"30\"", "second "
	      "power-off") } },
	{ .name = "control-timeout-0",
	  .edit = { { "timeout=\"20\"", "timeout=\"0\"" } },
	  .expect = { AT("timeout=\"0\"", "timeout & 1 to 3600") } },
	{ .name = "control-timeout-3601",
	  .edit = { { "timeout=\"20\"", "timeout=\"3601\"" } },
	  .expect = { AT("timeout=\"3601\"", "timeout & out of range") } },
	{ .name = "control-timeout-unit",
	  .edit = { { "timeout=\"20\"", "timeout=\"20s\"" } },
	  .expect = { AT("timeout=\"20s\"", "timeout & decimal") } },
	{ .name = "control-program-empty",
	  .edit = { { "<arg>${LABDIR}/pdu.sh</arg>", "<arg>  </arg>" } },
	  .expect = { AT("<arg>  </arg>", "empty & first <arg>") } },

	/* ---- Several problems: all of them reported ---- */
	{ .name = "many-problems",
	  .edit = { { "baud=\"57600\"", "baud=\"12345\"" },
	    { "pps=\"500\"", "pps=\"0\"" },
	    { "<uses credential=\"admin\"/>",
	      "<uses credential=\"nobody\"/>" },
	    { "ipv6=\"2001:2::10\"", "ipv6=\"2001:2:1::10\"" },
	    { "ixit=\"ixit.xml\"", "ixit=\"gone.xml\"" },
	    { "timeout=\"20\"", "timeout=\"0\"" },
	    { "env=\"ASSAY_UT_LAB_SECRET\"", "env=\"pw\"" },
	    { NET4, "<net>198.18.0.1/15</net>" } },
	  .expect = { AT(SERIAL, "baud & 12345"), AT(SCAN, "pps"),
	    AT("credential=\"nobody\"", "nobody & not defined"),
	    AT(ADDR, "2001:2:1::10 & outside"),
	    AT("gone.xml", "ixit & does not exist"),
	    AT("timeout=\"0\"", "timeout"), AT(CRED_ENV, "env & pw"),
	    AT("198.18.0.1/15", "host bits") } },
	/* ---- <update> ---- */
#define UPD	"<update mechanism=\"UpdMech-OTA\""
	{ .name = "update-listen-not-ip",
	  .edit = { { "listen=\"198.18.0.1\"", "listen=\"updates.lab\"" } },
	  .expect = { AT(UPD, "not an IPv4 or IPv6 address") } },
	{ .name = "update-listen-out-of-scope",
	  .edit = { { "listen=\"198.18.0.1\"", "listen=\"192.0.2.1\"" } },
	  .expect = { AT(UPD, "outside the lab's <scope>") } },
	{ .name = "update-port-zero",
	  .edit = { { "port=\"8443\" base", "port=\"0\" base" } },
	  .expect = { AT(UPD, "port 0 of <update> is out of range") } },
	{ .name = "update-base-traversal",
	  .edit = { { "base=\"/fw/hub/\"", "base=\"/fw/../etc/\"" } },
	  .expect = { AT(UPD, "base '/fw/../etc/'") } },
	{ .name = "update-base-no-slash",
	  .edit = { { "base=\"/fw/hub/\"", "base=\"fw\"" } },
	  .expect = { AT(UPD, "must start and end with '/'") } },
	{ .name = "update-unknown-signature",
	  .edit = { { "signature=\"ed25519\"", "signature=\"dsa-1024\"" } },
	  .expect = { AT(UPD, "not one assay can make") } },
	{ .name = "update-https-without-ca",
	  .edit = { { "<ca cert=\"ca/update-ca.pem\" key=\"ca/update-ca.key\"/>",
	      "" } },
	  .expect = { AT(UPD, "needs <ca") } },
	{ .name = "update-same-version",
	  .edit = { { "version=\"2.1.0-rc1\"", "version=\"2.0.1\"" } },
	  .expect = { AT("file=\"img/hub-2.1.0.bin\"", "installed version "
	      "2.0.1") } },
	{ .name = "update-bad-version",
	  .edit = { { "version=\"2.1.0-rc1\"", "version=\"2.1 beta\"" } },
	  .expect = { AT("version=\"2.1 beta\"", "1 to 32 of") } },
	{ .name = "update-two-installed",
	  .edit = { { "role=\"new\" version=\"2.1.0-rc1\"",
	      "role=\"installed\" version=\"2.1.0-rc1\"" } },
	  .expect = { AT("version=\"2.1.0-rc1\"", "a second <image "
	      "role=\"installed\">") } },
	{ .name = "update-unsigned-image",
	  .edit = { { " signature=\"img/hub-2.0.1.sig\"", "" } },
	  .expect = { AT("version=\"2.0.1\"", "names no signature file") } },
	{ .name = "update-unknown-credential",
	  .edit = { { "<point via=\"ssh\" credential=\"root-file\"",
	      "<point via=\"ssh\" credential=\"nobody-knows\"" } },
	  .expect = { AT("<point via", "credential 'nobody-knows', which is "
	      "not defined") } },
	{ .name = "update-credential-not-used",
	  .edit = { { "    <uses credential=\"root-file\"/>\n", "" } },
	  .expect = { AT("<point via", "has no <uses credential=\"root-file\""),
	      AT("<reset via", "has no <uses") } },
	{ .name = "update-ssh-without-credential",
	  .edit = { { "<point via=\"ssh\" credential=\"root-file\" "
	      "port=\"2222\">", "<point via=\"ssh\">" } },
	  .expect = { AT("<point via", "no account to log in with") } },
	{ .name = "update-unknown-placeholder",
	  .edit = { { "/api/update?from={url}", "/api/update?from={host}" } },
	  .expect = { AT("/api/update", "'{host}' in <trigger> is not a "
	      "placeholder") } },
	{ .name = "update-http-target-relative",
	  .edit = { { "<version via=\"http\">/version",
	      "<version via=\"http\">version" } },
	  .expect = { AT("<version via=\"http\">", "is not a path") } },
	{ .name = "update-http-empty",
	  .edit = { { "<version via=\"http\">/version</version>",
	      "<version via=\"http\"/>" } },
	  .expect = { AT("<version via=\"http\"/>", "is empty") } },
	{ .name = "update-wait-for-version",
	  .edit = { { "<version via=\"http\">/version</version>",
	      "<version via=\"wait\"/>" } },
	  .expect = { AT("<version via=\"wait\"/>", "only for <trigger>") } },
	{ .name = "update-serial-without-port",
	  .edit = { { "<version via=\"http\">/version</version>",
	      "<version via=\"serial\">cat /etc/version</version>" } },
	  .expect = { AT("<version via=\"serial\">", "DUT hub has no serial "
	      "port") } },
	{ .name = "update-serial-empty",
	  .edit = { { "<version via=\"http\">/version</version>",
	      "<version via=\"serial\"/>" } },
	  .expect = { AT("<version via=\"serial\"/>", "no serial port"),
	      AT("<version via=\"serial\"/>", "is empty") } },
	{ .name = "erase-without-delete",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <erase "
	      "settle=\"30\"><create via=\"http\">/api/owner?set={token}"
	      "</create><read via=\"http\">/api/owner</read></erase>\n"
	      "  </dut>" } },
	  .expect = { AT("<erase ", "Expected is ( delete )") } },
	{ .name = "erase-update-placeholder",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <erase>"
	      "<create via=\"http\">/api/owner?set={url}</create>"
	      "<read via=\"http\">/api/owner</read><delete via=\"http\">"
	      "/api/reset</delete></erase>\n  </dut>" } },
	  .expect = { AT("<erase>", "'{url}' in <create> is not a "
	      "placeholder assay knows; use {token}") } },
	/* ---- <credential-change> (5.1-4-2) ---- */
#define CC_AT		"</update>\n  </dut>"
#define CC(attrs, body)	{ CC_AT, "</update>\n    <credential-change " attrs \
			">" body "</credential-change>\n  </dut>" }
#define CC_CHANGE	"<change via=\"http\" credential=\"admin\">" \
			"/passwd?new={new}</change>"
#define CC_CHECK	"<check via=\"http\">/api/me</check>"
#define CC_RESTORE	"<restore via=\"http\" credential=\"admin\">" \
			"/passwd?new={old}</restore>"
	{ .name = "cc-unknown-credential",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"nobody\"",
	      CC_CHANGE CC_CHECK CC_RESTORE) },
	  .expect = { AT("<credential-change ", "changes credential 'nobody', "
	      "which is not defined") } },
	{ .name = "cc-credential-not-used",
	  .edit = { { "    <uses credential=\"root-file\"/>\n", "" },
	      CC("mechanism=\"AuthMech-Web\" credential=\"root-file\"",
	      "<change via=\"http\">/passwd?new={new}</change>"
	      "<check via=\"http\">/api/me</check>"
	      "<restore via=\"http\">/passwd?new={old}</restore>") },
	  .expect = { AT("<credential-change ", "DUT hub has no <uses "
	      "credential=\"root-file\"/>") } },
	{ .name = "cc-change-without-new",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      "<change via=\"http\" credential=\"admin\">/passwd?new=x"
	      "</change>" CC_CHECK CC_RESTORE) },
	  .expect = { AT("<change via", "<change> does not use {new}") } },
	{ .name = "cc-restore-without-old",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      CC_CHANGE CC_CHECK "<restore via=\"command\"><arg>reset-pw"
	      "</arg><arg>hub</arg></restore>") },
	  .expect = { AT("<restore via", "<restore> does not use {old}") } },
	{ .name = "cc-unknown-placeholder",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      "<change via=\"ssh\" credential=\"root-file\">chpasswd {token} "
	      "{new}</change>" CC_CHECK CC_RESTORE) },
	  .expect = { AT("<change via", "'{token} {new}' in <change> is not "
	      "a placeholder assay knows; use {new}") } },
	{ .name = "cc-check-placeholder",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      CC_CHANGE "<check via=\"http\">/api/login?p={old}</check>"
	      CC_RESTORE) },
	  .expect = { AT("<check via", "'{old}' in <check> is not "
	      "replaced") } },
	{ .name = "cc-check-by-command",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      CC_CHANGE "<check via=\"command\"><arg>login</arg></check>"
	      CC_RESTORE) },
	  .expect = { AT("<check via", "a check is a login the device "
	      "judges") } },
	{ .name = "cc-check-other-credential",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      CC_CHANGE "<check via=\"ssh\" credential=\"root-file\">true"
	      "</check>" CC_RESTORE) },
	  .expect = { AT("<check via", "names credential root-file, but the "
	      "credential changed is admin") } },
	{ .name = "cc-twice",
	  .edit = { { CC_AT, "</update>\n    <credential-change mechanism="
	      "\"AuthMech-Web\" credential=\"admin\">" CC_CHANGE CC_CHECK
	      CC_RESTORE "</credential-change>\n    <credential-change "
	      "mechanism=\"AuthMech-Web\" credential=\"admin\" settle=\"1\">"
	      CC_CHANGE CC_CHECK CC_RESTORE "</credential-change>\n  "
	      "</dut>" } },
	  .expect = { AT("settle=\"1\"", "second <credential-change> for "
	      "AuthMech-Web") } },
	{ .name = "cc-settle-range",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\" "
	      "settle=\"601\"", CC_CHANGE CC_CHECK CC_RESTORE) },
	  .expect = { AT("<credential-change ", "settle 601 of "
	      "<credential-change> is out of range; use 0 to 600") } },
	{ .name = "cc-without-restore",
	  .edit = { CC("mechanism=\"AuthMech-Web\" credential=\"admin\"",
	      CC_CHANGE CC_CHECK) },
	  .expect = { AT("<credential-change ", "Expected is ( restore )") } },
	{ .name = "cc-without-mechanism",
	  .edit = { CC("credential=\"admin\"", CC_CHANGE CC_CHECK
	      CC_RESTORE) },
	  .expect = { AT("<credential-change ", "mechanism") } },
	{ .name = "resilience-without-controls",
	  .edit = { { "<dut name=\"sensor\" serial=\"uart\">\n"
	      "    <declarations ics=\"ics.xml\" ixit=\"ixit.xml\"/>",
	      "<dut name=\"sensor\" serial=\"uart\">\n"
	      "    <declarations ics=\"ics.xml\" ixit=\"ixit.xml\"/>"
	      "<resilience outage=\"5\"/>" } },
	  .expect = { AT("<resilience outage", "has no <control action=\""
	      "network-down\"> or \"power-off\">") } },
	{ .name = "resilience-configure-wait",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <resilience>"
	      "<configure via=\"wait\"/></resilience>\n  </dut>" } },
	  .expect = { AT("<configure via=\"wait\"/>", "<configure> changes "
	      "the DUT's settings; give it via=\"http\"") } },
	{ .name = "resilience-configure-placeholder",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <resilience>"
	      "<configure via=\"http\">/api/set?tz={url}</configure>"
	      "</resilience>\n  </dut>" } },
	  .expect = { AT("<configure via=", "'{url}' in <configure> is not a "
	      "placeholder assay knows; use {token}") } },
	{ .name = "model-blank",
	  .edit = { { "<dut name=\"sensor\" serial=\"uart\">",
	      "<dut name=\"sensor\" serial=\"uart\" model=\"  \">" } },
	  .expect = { AT("<dut name=\"sensor\"", "DUT sensor has model '  '; "
	      "give the model designation") } },
	{ .name = "resilience-observe-range",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <resilience "
	      "observe=\"3601\"/>\n  </dut>" } },
	  .expect = { AT("<resilience ", "observe 3601 of <resilience> is "
	      "out of range; use 0 to 3600") } },
	{ .name = "resilience-state-placeholder",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <resilience "
	      "outage=\"0\"><state via=\"http\">/api/state?t={token}"
	      "</state></resilience>\n  </dut>" } },
	  .expect = { AT("<resilience ", "outage"),
	      AT("<resilience ", "'{token}' in <state> is not replaced") } },
	{ .name = "update-command-no-arg",
	  .edit = { { "<version via=\"command\" timeout=\"5\"><arg>${LABDIR}/"
	      "read-version.sh</arg><arg>hub</arg></version>",
	      "<version via=\"command\"/>" } },
	  .expect = { AT("<version via=\"command\"/>", "has no <arg>") } },
	{ .name = "update-twice",
	  .edit = { { "mechanism=\"UpdMech-App\"", "mechanism=\"UpdMech-OTA\"" } },
	  .expect = { AT("listen=\"2001:2::1\"", "second <update> for "
	      "UpdMech-OTA") } },
	{ .name = "update-no-trigger",
	  .edit = { { "<trigger via=\"wait\"/>", "" } },
	  .expect = { AT("<version via=\"http\">/version", "trigger") } },
	{ .name = "update-observe-too-long",
	  .edit = { { "observe=\"600\"", "observe=\"864000\"" } },
	  .expect = { AT(UPD, "observe 864000 of <update> is out of range") } },
	{ .name = "update-wait-zero",
	  .edit = { { "wait=\"45\"", "wait=\"0\"" } },
	  .expect = { AT(UPD, "wait 0 of <update> is out of range") } },
	/* ---- <function>, <uses privilege> (5.5-4-2, 5.5-5-2 a) ---- */
	{ .name = "function-via-ssh",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <function "
	      "service=\"SoftServ-Web\" via=\"ssh\" credential=\"root-file\">"
	      "setname x</function>\n  </dut>" } },
	  .expect = { AT("<function ", "assay sends functions over HTTP only") } },
	{ .name = "function-names-limited",
	  .edit = { { "<uses credential=\"admin\"/>", "<uses credential="
	      "\"admin\" for=\"AuthMech-Web\" privilege=\"limited\"/>" },
	    { "</update>\n  </dut>", "</update>\n    <function service="
	      "\"SoftServ-Web\" via=\"http\" credential=\"admin\">/api/name"
	      "</function>\n  </dut>" } },
	  .expect = { AT("<function ", "which the DUT uses as a limited one") } },
	{ .name = "function-url-placeholder",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <function "
	      "service=\"SoftServ-Web\" via=\"http\">/api/name?n={url}"
	      "</function>\n  </dut>" } },
	  .expect = { AT("<function ", "'{url}' in <function> is not a "
	      "placeholder assay knows; use {token}") } },
	{ .name = "function-empty",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <function "
	      "service=\"SoftServ-Web\" via=\"http\"/>\n  </dut>" } },
	  .expect = { AT("<function ", "<function via=\"http\"> is empty") } },
	{ .name = "function-no-service",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <function "
	      "via=\"http\">/api/name</function>\n  </dut>" } },
	  .expect = { AT("<function ", "service") } },
	{ .name = "function-changes-maybe",
	  .edit = { { "</update>\n  </dut>", "</update>\n    <function "
	      "service=\"SoftServ-Web\" via=\"http\" changes=\"maybe\">"
	      "/api/name</function>\n  </dut>" } },
	  .expect = { AT("<function ", "maybe") } },
	{ .name = "uses-privilege-guest",
	  .edit = { { "<uses credential=\"admin\"/>", "<uses credential="
	      "\"admin\" privilege=\"guest\"/>" } },
	  .expect = { AT("<uses credential=\"admin\"", "guest") } },
#undef UPD
};

/* ---- Helpers ------------------------------------------------------------ */

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* The absolute, symlink-free form of path. */
static char *
real(const char *path)
{
	char *p = realpath(path, NULL);

	ck_assert_msg(p != NULL, "realpath %s: %s", path, strerror(errno));
	return p;
}

/* A heap "a" "b". */
static char *
cat2(const char *a, const char *b)
{
	char *p = asy_strdup_printf("%s%s", a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

static int
buf_replace(struct asy_buf *b, const char *find, const char *repl, int all)
{
	struct asy_buf out;
	size_t flen = strlen(find), pos = 0;
	int found = 0;

	asy_buf_init(&out, (size_t)64 << 20);
	(void)asy_buf_add(&out, "", 0);
	while (pos <= b->len) {
		const char *hit = NULL;

		if (flen > 0 && (!found || all))
			hit = memmem(b->data + pos, b->len - pos, find, flen);
		if (hit == NULL) {
			(void)asy_buf_add(&out, b->data + pos, b->len - pos);
			break;
		}
		found = 1;
		(void)asy_buf_add(&out, b->data + pos,
		    (size_t)(hit - (b->data + pos)));
		(void)asy_buf_puts(&out, repl);
		pos = (size_t)(hit - b->data) + flen;
	}
	if (!found) {
		asy_buf_release(&out);
		return -1;
	}
	asy_buf_release(b);
	*b = out;
	return 0;
}

/* Copy the source file rel into folder dir under the name name. */
static void
copy_src(const char *rel, const char *dir, const char *name)
{
	char *src = ut_src(rel), *dst = join(dir, name);
	struct asy_buf b;

	ut_load(src, &b);
	ut_write(dst, b.data, b.len);
	asy_buf_release(&b);
	free(src);
	free(dst);
}

/* A fresh folder holding the base's declaration files. */
static char *
lab_folder(void)
{
	char *tmp = ut_tmpdir();

	copy_src("tests/data/lab/ics.xml", tmp, "ics.xml");
	copy_src("tests/data/lab/ixit.xml", tmp, "ixit.xml");
	return tmp;
}

static void
load_base(struct asy_buf *b)
{
	char *p = ut_src("tests/data/lab/base.xml");

	ut_load(p, b);
	free(p);
}

/* 20 MiB: a valid start, then comments. */
static void
gen_huge(const char *path)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n<lab format=\"1\" "
	    "name=\"huge\">\n";
	size_t n = (size_t)20 << 20;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	memset(p, ' ', n);
	memcpy(p, head, sizeof(head) - 1);
	for (size_t i = sizeof(head) - 1; i + 80 < n; i += 80)
		memcpy(p + i + 70, "<!-- -->\n", 9);
	ut_write(path, p, n);
	free(p);
}

/* Does one alternative (s[0..n)) occur in msg, ignoring case? */
static int
match_alt(const char *msg, const char *s, size_t n)
{
	char *alt = asy_strndup(s, n);
	int hit;

	ck_assert_ptr_nonnull(alt);
	hit = strcasestr(msg, alt) != NULL;
	free(alt);
	return hit;
}

/* Terms joined by " & " all match; a term: alternatives joined by "|". */
static int
match_text(const char *msg, const char *text)
{
	const char *t = text;

	for (;;) {
		const char *amp = strstr(t, " & ");
		const char *end = amp != NULL ? amp : t + strlen(t);
		const char *a = t;
		int any = 0;

		while (a <= end && !any) {
			const char *bar = memchr(a, '|', (size_t)(end - a));
			const char *ae = bar != NULL ? bar : end;

			any = match_alt(msg, a, (size_t)(ae - a));
			a = ae + 1;
		}
		if (!any)
			return 0;
		if (amp == NULL)
			return 1;
		t = amp + 3;
	}
}

/* Line (from 1) of the first occurrence of anchor in text; 0 if none. */
static unsigned long
line_of(const char *text, const char *anchor)
{
	const char *hit = strstr(text, anchor);
	unsigned long line = 1;

	if (hit == NULL)
		return 0;
	for (const char *p = text; p < hit; p++)
		if (*p == '\n')
			line++;
	return line;
}

/* All diagnostics, one a line, for a failure message. */
static void
dump_diags(const struct asy_diags *d, struct asy_buf *out)
{
	for (size_t i = 0; i < d->n; i++)
		(void)asy_buf_printf(out, "\n  %s:%lu: %s: %s", d->v[i].file,
		    d->v[i].line, d->v[i].sev == ASY_SEV_ERROR ? "error" :
		    "warning", d->v[i].msg);
}

/* Is there a diagnostic of sev on file:line matching text? */
static int
diag_found(const struct asy_diags *d, enum asy_severity sev,
    const char *file, unsigned long line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strcmp(d->v[i].file, file) == 0 &&
		    d->v[i].line == line && match_text(d->v[i].msg, text))
			return 1;
	return 0;
}

/* Write case c's lab file into dir as lab.xml; returns its content (""
 * for a generated file). */
static void
write_case(const struct lc_case *c, const char *path, struct asy_buf *out)
{
	int rc;

	asy_buf_init(out, (size_t)64 << 20);
	switch (c->how) {
	case LC_EDIT:
		load_base(out);
		for (size_t k = 0; k < ASY_ELEMENTSOF(c->edit); k++) {
			if (c->edit[k].find == NULL)
				continue;
			rc = buf_replace(out, c->edit[k].find, c->edit[k].repl,
			    c->edit[k].all);
			ck_assert_msg(rc == 0, "test bug in %s: '%s' is not in "
			    "base.xml (after the edits before it)", c->name,
			    c->edit[k].find);
		}
		ut_write(path, out->data, out->len);
		break;
	case LC_RAW:
		rc = asy_buf_add(out, c->raw, c->raw_len);
		ck_assert_int_eq(rc, 0);
		ut_write(path, c->raw, c->raw_len);
		break;
	case LC_GEN:
		rc = asy_buf_add(out, "", 0);
		ck_assert_int_eq(rc, 0);
		c->gen(path);
		break;
	}
}

/* ---- Bad configs -------------------------------------------------------- */

START_TEST(test_bad)
{
	const struct lc_case *c = &cases[_i];
	char *dir = lab_folder(), *path = join(dir, "lab.xml");
	struct asy_lab *lab = NULL;
	struct asy_diags d;
	struct asy_buf content, fail;
	int r;

	write_case(c, path, &content);
	asy_diags_init(&d);
	r = asy_lab_load(path, &d, &lab);

	asy_buf_init(&fail, (size_t)1 << 20);
	if (r != ASY_E_INPUT)
		(void)asy_buf_printf(&fail, "; returned %d (%s), want "
		    "ASY_E_INPUT", r, asy_strerror(r));
	if (lab != NULL)
		(void)asy_buf_puts(&fail, "; a lab came back");
	if (d.n_errors == 0)
		(void)asy_buf_puts(&fail, "; no error reported");
	for (size_t k = 0; k < ASY_ELEMENTSOF(c->expect); k++) {
		const struct lc_expect *e = &c->expect[k];
		unsigned long line = e->line;

		if (e->text == NULL)
			continue;
		if (e->anchor != NULL) {
			line = line_of(content.data, e->anchor);
			ck_assert_msg(line > 0, "test bug in %s: anchor '%s' "
			    "is not in the file", c->name, e->anchor);
		}
		if (!diag_found(&d, ASY_SEV_ERROR, path, line, e->text))
			(void)asy_buf_printf(&fail, "; no error on line %lu "
			    "matching \"%s\"", line, e->text);
	}
	for (size_t i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].file, path) != 0 || d.v[i].line == 0)
			(void)asy_buf_printf(&fail, "; a diagnostic names "
			    "%s:%lu, not the lab file with a line",
			    d.v[i].file, d.v[i].line);
		if (strstr(d.v[i].msg, "; ") == NULL)
			(void)asy_buf_printf(&fail, "; \"%s\" does not say "
			    "how to fix it (no \"; \")", d.v[i].msg);
	}
	/* Keep the evidence of a pass too: the log shows why. */
	{
		struct asy_buf all;

		asy_buf_init(&all, (size_t)1 << 20);
		(void)asy_buf_add(&all, "", 0);
		dump_diags(&d, &all);
		fprintf(stderr, "=== %s: %s%s%s\n", c->name, fail.len > 0 ?
		    "FAILED" : "ok", fail.len > 0 ? fail.data : "", all.data);
		asy_buf_release(&all);
	}
	ck_assert_msg(fail.len == 0, "%s%s", c->name, fail.data ?
	    fail.data : "");
	asy_buf_release(&fail);
	asy_buf_release(&content);
	asy_diags_release(&d);
	asy_lab_free(lab);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- Warnings: the lab loads, and says so ------------------------------- */

struct lc_warn {
	const char	*name;
	struct lc_edit	 edit[2];
	const char	*anchor;
	const char	*text;
};

static const struct lc_warn warns[] = {
	{ .name = "power-off-without-power-on",
	  .edit = { { "    " POWER_ON "\n      <arg>${LABDIR}/pdu.sh</arg>\n"
	      "      <arg>on</arg>\n    </control>\n", "" } },
	  .anchor = POWER_OFF, .text = "power-off & power-on" },
	{ .name = "network-down-without-up",
	  .edit = { { "    <update mechanism=\"UpdMech-OTA\"", "  <control "
	      "action=\"network-down\"><arg>/bin/true</arg></control>\n"
	      "    <update mechanism=\"UpdMech-OTA\"" } },
	  .anchor = "network-down", .text = "network-up" },
	{ .name = "other-variable",
	  .edit = { { "<arg>off</arg>", "<arg>${HOME}/off</arg>" } },
	  .anchor = "${HOME}", .text = "${HOME} & only ${LABDIR}" },
	{ .name = "privileges-root",
	  .edit = { { "user=\"assay\"", "user=\"root\"" } },
	  .anchor = "<privileges", .text = "root & unprivileged" },
};

START_TEST(test_warn)
{
	const struct lc_warn *w = &warns[_i];
	char *dir = lab_folder(), *path = join(dir, "lab.xml");
	struct asy_lab *lab = NULL;
	struct asy_diags d;
	struct asy_buf content, fail;
	int r;

	asy_buf_init(&content, (size_t)1 << 20);
	load_base(&content);
	for (size_t k = 0; k < ASY_ELEMENTSOF(w->edit); k++)
		if (w->edit[k].find != NULL)
			ck_assert_msg(buf_replace(&content, w->edit[k].find,
			    w->edit[k].repl, 0) == 0, "test bug in %s",
			    w->name);
	ut_write(path, content.data, content.len);
	asy_diags_init(&d);
	r = asy_lab_load(path, &d, &lab);
	asy_buf_init(&fail, (size_t)1 << 20);
	if (r != 0 || lab == NULL)
		(void)asy_buf_printf(&fail, "; returned %d, want 0", r);
	if (d.n_errors != 0)
		(void)asy_buf_puts(&fail, "; errors reported");
	if (!diag_found(&d, ASY_SEV_WARNING, path, line_of(content.data,
	    w->anchor), w->text))
		(void)asy_buf_printf(&fail, "; no warning on line %lu matching "
		    "\"%s\"", line_of(content.data, w->anchor), w->text);
	if (fail.len > 0)
		dump_diags(&d, &fail);
	ck_assert_msg(fail.len == 0, "%s%s", w->name, fail.data ?
	    fail.data : "");
	asy_buf_release(&fail);
	asy_buf_release(&content);
	asy_diags_release(&d);
	asy_lab_free(lab);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- Good configs ------------------------------------------------------- */

/* Load path, which must give neither an error nor a warning. */
static struct asy_lab *
load_clean(const char *path, int warnings_ok)
{
	struct asy_lab *lab = NULL;
	struct asy_diags d;
	struct asy_buf msg;
	int r;

	asy_diags_init(&d);
	r = asy_lab_load(path, &d, &lab);
	asy_buf_init(&msg, (size_t)1 << 20);
	(void)asy_buf_add(&msg, "", 0);
	dump_diags(&d, &msg);
	ck_assert_msg(r == 0 && lab != NULL, "%s: %s%s", path,
	    asy_strerror(r), msg.data);
	ck_assert_msg(d.n_errors == 0 && (warnings_ok ||
	    d.n_warnings == 0), "%s:%s", path, msg.data);
	if (d.n > 0)
		fprintf(stderr, "%s:%s\n", path, msg.data);
	asy_buf_release(&msg);
	asy_diags_release(&d);
	return lab;
}

static void
assert_str(const char *got, const char *want)
{
	ck_assert_msg(got != NULL && strcmp(got, want) == 0, "got '%s', want "
	    "'%s'", got ? got : "(null)", want);
}

/* Every field of base.xml, which sets each one to a non-default value. */
START_TEST(test_base)
{
	char *path = ut_src("tests/data/lab/base.xml");
	char *dir = ut_src("tests/data/lab");
	char *labdir = real(dir);
	char *s;
	struct asy_lab *lab = load_clean(path, 0);
	const struct asy_lab_dut *hub, *sensor;
	const struct asy_lab_cmd *off, *on;
	const struct asy_lab_iface *f;
	static const unsigned char net4[4] = { 198, 18, 0, 0 };
	static const unsigned char net6[16] = { 0x20, 0x01, 0, 2 };
	struct asy_buf text;

	assert_str(lab->path, path);
	assert_str(lab->name, "unit-test bench");
	ck_assert_uint_eq(lab->n_scope, 2);
	ck_assert_int_eq(lab->scope[0].family, AF_INET);
	ck_assert_uint_eq(lab->scope[0].prefix, 15);
	ck_assert(memcmp(lab->scope[0].addr, net4, 4) == 0);
	ck_assert_int_eq(lab->scope[1].family, AF_INET6);
	ck_assert_uint_eq(lab->scope[1].prefix, 48);
	ck_assert(memcmp(lab->scope[1].addr, net6, 16) == 0);
	assert_str(lab->user, "assay");
	ck_assert_int_eq(lab->operator_mode, ASY_OPERATOR_INTERACTIVE);

	ck_assert_uint_eq(lab->n_ifaces, 3);
	f = &lab->ifaces[0];
	assert_str(f->id, "eth-lab");
	ck_assert_int_eq(f->kind, ASY_IFACE_ETHERNET);
	assert_str(f->name, "enx0200005e0001");
	ck_assert_int_eq(f->monitor, 0);
	ck_assert_ptr_null(f->path);
	f = &lab->ifaces[1];
	ck_assert_int_eq(f->kind, ASY_IFACE_WIFI);
	assert_str(f->name, "wlan1");
	ck_assert_int_eq(f->monitor, 1);
	f = &lab->ifaces[2];
	ck_assert_int_eq(f->kind, ASY_IFACE_SERIAL);
	assert_str(f->path, "/dev/ttyUSB0");
	ck_assert_uint_eq(f->baud, 57600);
	ck_assert_uint_eq(f->data_bits, 7);
	ck_assert_int_eq(f->parity, 'e');
	ck_assert_uint_eq(f->stop_bits, 2);
	assert_str(f->flow, "rtscts");
	ck_assert_ptr_null(f->name);

	ck_assert_uint_eq(lab->capture.snaplen, 65535);
	ck_assert_uint_eq(lab->capture.buffer, 33554432);
	ck_assert_uint_eq(lab->capture.file_cap, 2147483648UL);
	assert_str(lab->tools.nmap, "/usr/bin/nmap");
	s = cat2(labdir, "/bin/tshark");
	assert_str(lab->tools.tshark, s);
	free(s);
	ck_assert_uint_eq(lab->scan.pps, 500);
	assert_str(lab->scan.tcp_ports, "1-1024,8080");
	ck_assert_uint_eq(lab->scan.udp_top, 50);
	ck_assert_uint_eq(lab->scan.timeout_s, 600);
	ck_assert_uint_eq(lab->scan.version_intensity, 5);
	assert_str(lab->scan.scripts, "banner,ssl-enum-ciphers");

	ck_assert_uint_eq(lab->n_creds, 2);
	assert_str(lab->creds[0].id, "admin");
	assert_str(lab->creds[0].user, "admin");
	assert_str(lab->creds[0].env, "ASSAY_UT_LAB_SECRET");
	ck_assert_ptr_null(lab->creds[0].file);
	s = cat2(labdir, "/secret.txt");
	assert_str(lab->creds[1].file, s);
	free(s);
	ck_assert_ptr_null(lab->creds[1].env);

	ck_assert_uint_eq(lab->n_duts, 2);
	ck_assert_ptr_null(asy_lab_dut(lab, NULL));
	ck_assert_ptr_null(asy_lab_dut(lab, "nope"));
	hub = asy_lab_dut(lab, "hub");
	sensor = asy_lab_dut(lab, "sensor");
	ck_assert_ptr_eq(hub, &lab->duts[0]);
	ck_assert_ptr_eq(sensor, &lab->duts[1]);
	assert_str(hub->ipv4, "198.18.0.10");
	assert_str(hub->ipv6, "2001:2::10");
	assert_str(hub->mac, "02:00:5e:10:00:0a");
	ck_assert_ptr_eq(hub->iface, &lab->ifaces[0]);
	ck_assert_ptr_null(hub->serial);
	s = cat2(labdir, "/ics.xml");
	assert_str(hub->ics, s);
	free(s);
	s = cat2(labdir, "/ixit.xml");
	assert_str(hub->ixit, s);
	free(s);
	ck_assert_ptr_null(hub->answers);
	ck_assert_ptr_null(hub->catalogue);
	ck_assert_uint_eq(hub->n_creds, 2);
	ck_assert_ptr_eq(hub->creds[0], &lab->creds[0]);
	ck_assert_ptr_eq(hub->creds[1], &lab->creds[1]);
	ut_load(path, &text);
	ck_assert_uint_eq(hub->line, line_of(text.data, HUB));
	ck_assert_uint_eq(lab->ifaces[2].line, line_of(text.data, SERIAL));
	ck_assert_uint_eq(lab->creds[1].line, line_of(text.data, CRED_FILE));
	ck_assert_uint_eq(asy_lab_dut(lab, "hub")->wifi->line,
	    line_of(text.data, WIFI));
	ck_assert_uint_eq(hub->cmds[0].line, line_of(text.data, POWER_OFF));
	asy_buf_release(&text);

	ck_assert_uint_eq(hub->n_cmds, 2);
	off = asy_lab_cmd(hub, "power-off");
	on = asy_lab_cmd(hub, "power-on");
	ck_assert_ptr_nonnull(off);
	ck_assert_ptr_nonnull(on);
	ck_assert_ptr_null(asy_lab_cmd(hub, "reset"));
	ck_assert_uint_eq(off->timeout_ms, 20000);
	ck_assert_uint_eq(on->timeout_ms, 30000);
	ck_assert_uint_eq(off->argc, 3);
	s = cat2(labdir, "/pdu.sh");
	assert_str(off->argv[0], s);
	assert_str(on->argv[0], s);
	free(s);
	assert_str(off->argv[1], "off");
	s = asy_strdup_printf("--state=%s/state:%s", labdir, labdir);
	assert_str(off->argv[2], s);
	free(s);
	ck_assert_ptr_null(off->argv[3]);
	ck_assert_uint_eq(on->argc, 2);
	ck_assert_ptr_null(on->argv[2]);

	/* The update sessions. */
	ck_assert_uint_eq(hub->n_updates, 2);
	{
		const struct asy_lab_update *u = asy_lab_update_for(hub,
		    "UpdMech-OTA"), *w = asy_lab_update_for(hub,
		    "UpdMech-App");

		ck_assert_ptr_nonnull(u);
		ck_assert_ptr_nonnull(w);
		ck_assert_ptr_null(asy_lab_update_for(hub, "UpdMech-Nope"));
		ck_assert_int_eq(u->tls, 1);
		assert_str(u->listen, "198.18.0.1");
		ck_assert_uint_eq(u->port, 8443);
		assert_str(u->base, "/fw/hub/");
		assert_str(u->sig_alg, "ed25519");
		ck_assert_uint_eq(u->max_size, 2097152);
		ck_assert_uint_eq(u->wait_ms, 45000);
		ck_assert_uint_eq(u->settle_ms, 5000);
		ck_assert_uint_eq(u->observe_ms, 600000);
		s = cat2(labdir, "/ca/update-ca.pem");
		assert_str(u->ca_cert, s);
		free(s);
		assert_str(u->installed.version, "2.0.1");
		assert_str(u->newer.version, "2.1.0-rc1");
		s = cat2(labdir, "/img/hub-2.1.0.sig");
		assert_str(u->newer.signature, s);
		free(s);
		assert_str(u->manifest_type, "text/plain");
		ck_assert_ptr_nonnull(strstr(u->manifest, "sha256={sha256}"));
		ck_assert_int_eq(u->point.via, ASY_VIA_SSH);
		ck_assert_uint_eq(u->point.port, 2222);
		assert_str(u->point.cred->id, "root-file");
		assert_str(u->point.text, "fwctl server {url} {ca}");
		ck_assert_int_eq(u->trigger.via, ASY_VIA_HTTP);
		ck_assert_int_eq(u->trigger.tls, 1);
		ck_assert_uint_eq(u->trigger.timeout_ms, 60000);
		assert_str(u->trigger.text, "/api/update?from={url}");
		ck_assert_int_eq(u->version.via, ASY_VIA_COMMAND);
		ck_assert_uint_eq(u->version.argc, 2);
		s = cat2(labdir, "/read-version.sh");
		assert_str(u->version.argv[0], s);
		free(s);
		ck_assert_uint_eq(u->version.timeout_ms, 5000);
		ck_assert_int_eq(u->reset.via, ASY_VIA_SSH);
		/* The second: the defaults. */
		ck_assert_int_eq(w->tls, 0);
		assert_str(w->base, "/");
		ck_assert_ptr_null(w->sig_alg);
		ck_assert_ptr_null(w->ca_cert);
		ck_assert_uint_eq(w->max_size, 0);
		ck_assert_uint_eq(w->wait_ms, 30000);
		ck_assert_uint_eq(w->settle_ms, 10000);
		ck_assert_uint_eq(w->observe_ms, 0);
		ck_assert_ptr_null(w->manifest);
		ck_assert_int_eq(w->point.via, ASY_VIA_NONE);
		ck_assert_int_eq(w->trigger.via, ASY_VIA_WAIT);
		ck_assert_int_eq(w->version.via, ASY_VIA_HTTP);
		ck_assert_uint_eq(w->version.port, 0);
		ck_assert_int_eq(w->reset.via, ASY_VIA_NONE);
	}

	ck_assert_ptr_null(sensor->iface);
	ck_assert_ptr_eq(sensor->serial, &lab->ifaces[2]);
	ck_assert_ptr_null(sensor->ipv4);
	ck_assert_ptr_null(sensor->ipv6);
	ck_assert_uint_eq(sensor->n_creds, 0);
	ck_assert_uint_eq(sensor->n_cmds, 0);
	ck_assert_ptr_null(asy_lab_cmd(sensor, "power-off"));

	ck_assert_int_eq(asy_lab_in_scope(lab, hub->ipv4), 1);
	ck_assert_int_eq(asy_lab_in_scope(lab, hub->ipv6), 1);
	ck_assert_int_eq(asy_lab_in_scope(lab, "198.20.0.1"), 0);

	/* The Wi-Fi onboarding source: the monitor interface. */
	ck_assert_ptr_nonnull(hub->wifi);
	ck_assert_ptr_eq(hub->wifi->iface, &lab->ifaces[1]);
	ck_assert_ptr_null(hub->wifi->capture);
	ck_assert_uint_eq(hub->wifi->seconds, 45);
	assert_str(hub->wifi->ssid, "Hub-Setup-01");
	assert_str(hub->wifi->bssid, "02:00:5e:10:00:aa");
	assert_str(hub->wifi->intf, "Intf-WiFi");
	ck_assert_ptr_null(sensor->wifi);

	asy_lab_free(lab);
	asy_lab_free(NULL);
	free(labdir);
	free(dir);
	free(path);
}
END_TEST

/* Everything left out: the defaults of labcfg.h.  The file is named
 * relative to the working folder, which relative paths must not use. */
START_TEST(test_defaults)
{
	char *dir = ut_tmpdir(), *sub = join(dir, "d"), *labdir, *s, *text;
	char *ixit_abs = join(sub, "ixit.xml");
	struct asy_lab *lab;
	const struct asy_lab_dut *t;
	const struct asy_lab_iface *f;

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	copy_src("tests/data/lab/ics.xml", sub, "ics.xml");
	copy_src("tests/data/lab/ixit.xml", sub, "ixit.xml");
	text = asy_strdup_printf("<?xml version=\"1.0\"?>\n"
	    "<lab format=\"1\" name=\"minimal\">\n"
	    "  <scope><net>198.18.0.0/15</net></scope>\n"
	    "  <interfaces>\n"
	    "    <wifi id=\"w\" name=\"wlan0\"/>\n"
	    "    <serial id=\"s\" path=\"tty/port\"/>\n"
	    "  </interfaces>\n"
	    "  <dut name=\"only\" interface=\"w\">\n"
	    "    <address ipv4=\"198.18.1.1\"/>\n"
	    "    <declarations ics=\"d/ics.xml\" ixit=\"%s\"/>\n"
	    "    <control action=\"reset\"><arg>reboot-dut</arg></control>\n"
	    "  </dut>\n"
	    "</lab>\n", ixit_abs);
	ck_assert_ptr_nonnull(text);
	s = join(dir, "lab.xml");
	ut_write_str(s, text);
	free(s);
	ck_assert_int_eq(chdir(dir), 0);
	lab = load_clean("lab.xml", 0);
	labdir = real(dir);

	assert_str(lab->path, "lab.xml");
	assert_str(lab->user, "nobody");
	ck_assert_int_eq(lab->operator_mode, ASY_OPERATOR_NONE);
	ck_assert_uint_eq(lab->capture.snaplen, 262144);
	ck_assert_uint_eq(lab->capture.buffer, 16UL << 20);
	ck_assert_uint_eq(lab->capture.file_cap, 1UL << 30);
	assert_str(lab->tools.nmap, "nmap");
	assert_str(lab->tools.tshark, "tshark");
	ck_assert_uint_eq(lab->scan.pps, 1000);
	assert_str(lab->scan.tcp_ports, "1-65535");
	ck_assert_uint_eq(lab->scan.udp_top, 100);
	ck_assert_uint_eq(lab->scan.timeout_s, 900);
	ck_assert_uint_eq(lab->scan.version_intensity, 7);
	ck_assert_ptr_null(lab->scan.scripts);
	ck_assert_uint_eq(lab->n_creds, 0);

	f = &lab->ifaces[0];
	ck_assert_int_eq(f->monitor, 0);
	f = &lab->ifaces[1];
	s = cat2(labdir, "/tty/port");
	assert_str(f->path, s);
	free(s);
	ck_assert_uint_eq(f->baud, 115200);
	ck_assert_uint_eq(f->data_bits, 8);
	ck_assert_int_eq(f->parity, 'n');
	ck_assert_uint_eq(f->stop_bits, 1);
	assert_str(f->flow, "none");

	t = asy_lab_dut(lab, NULL);
	ck_assert_ptr_eq(t, &lab->duts[0]);
	ck_assert_ptr_eq(asy_lab_dut(lab, "only"), t);
	s = cat2(labdir, "/d/ics.xml");
	assert_str(t->ics, s);
	free(s);
	assert_str(t->ixit, ixit_abs);
	ck_assert_ptr_null(t->mac);
	ck_assert_ptr_null(t->ipv6);
	ck_assert_ptr_null(t->serial);
	ck_assert_uint_eq(t->n_cmds, 1);
	ck_assert_uint_eq(t->cmds[0].timeout_ms, 30000);
	ck_assert_uint_eq(t->cmds[0].argc, 1);
	assert_str(t->cmds[0].argv[0], "reboot-dut");
	ck_assert_ptr_eq(asy_lab_cmd(t, "reset"), &t->cmds[0]);

	/* An empty tcp-ports means no TCP; empty scripts means none. */
	asy_lab_free(lab);
	s = join(dir, "lab.xml");
	free(text);
	text = asy_strdup_printf("<?xml version=\"1.0\"?>\n"
	    "<lab format=\"1\" name=\"udp only\">\n"
	    "  <scope><net>2001:2::/48</net>"
	    "<net>::ffff:198.18.0.0/111</net></scope>\n"
	    "  <interfaces><ethernet id=\"e\" name=\"eth0\"/></interfaces>\n"
	    "  <scan tcp-ports=\"\" udp-top=\"0\" scripts=\"\" "
	    "version-intensity=\"0\" pps=\"1\" timeout=\"10\"/>\n"
	    "  <dut name=\"v6\"><address ipv6=\"2001:2::ffff\" "
	    "ipv4=\"198.19.0.9\"/>\n"
	    "    <declarations ics=\"d/ics.xml\" ixit=\"d/ixit.xml\"/>\n"
	    "  </dut>\n"
	    "</lab>\n");
	ut_write_str(s, text);
	lab = load_clean(s, 0);
	/* An IPv4-mapped network is IPv4 space. */
	ck_assert_int_eq(lab->scope[1].family, AF_INET);
	ck_assert_uint_eq(lab->scope[1].prefix, 15);
	ck_assert_int_eq(asy_lab_in_scope(lab, "198.19.0.9"), 1);
	ck_assert_int_eq(asy_lab_in_scope(lab, "198.20.0.9"), 0);
	assert_str(lab->scan.tcp_ports, "");
	ck_assert_ptr_null(lab->scan.scripts);
	ck_assert_uint_eq(lab->scan.udp_top, 0);
	ck_assert_uint_eq(lab->scan.version_intensity, 0);
	ck_assert_uint_eq(lab->scan.pps, 1);
	ck_assert_uint_eq(lab->scan.timeout_s, 10);
	asy_lab_free(lab);

	free(s);
	free(text);
	free(labdir);
	free(ixit_abs);
	free(sub);
	free(dir);
}
END_TEST

/* The example labs load cleanly. */
/* A <credential-change> loads with its steps and the check made as the
 * changed credential. */
START_TEST(test_credchange)
{
	char *dir = ut_tmpdir(), *path = join(dir, "lab.xml");
	const struct asy_lab_credchange *cc;
	const struct asy_lab_dut *t;
	struct asy_lab *lab;
	struct asy_buf b;

	asy_buf_init(&b, (size_t)1 << 20);
	load_base(&b);
	ck_assert_int_eq(buf_replace(&b, CC_AT, "</update>\n"
	    "    <credential-change mechanism=\"AuthMech-Web\" "
	    "credential=\"admin\" settle=\"3\">" CC_CHANGE CC_CHECK
	    CC_RESTORE "</credential-change>\n"
	    "    <credential-change mechanism=\"AuthMech-SSH\" "
	    "credential=\"root-file\"><change via=\"ssh\" credential=\""
	    "root-file\">chpw {old} {new}</change><check via=\"ssh\">id"
	    "</check><restore via=\"command\"><arg>reset-pw</arg>"
	    "<arg>{old}</arg></restore></credential-change>\n  </dut>", 0),
	    0);
	copy_src("tests/data/lab/ics.xml", dir, "ics.xml");
	copy_src("tests/data/lab/ixit.xml", dir, "ixit.xml");
	ut_write(path, b.data, b.len);
	lab = load_clean(path, 1);
	t = asy_lab_dut(lab, "hub");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n_credchanges, 2);
	cc = asy_lab_credchange_for(t, "AuthMech-Web");
	ck_assert_ptr_nonnull(cc);
	assert_str(cc->cred->id, "admin");
	ck_assert_uint_eq(cc->settle_ms, 3000);
	ck_assert_int_eq(cc->change.via, ASY_VIA_HTTP);
	assert_str(cc->change.text, "/passwd?new={new}");
	ck_assert_ptr_eq(cc->change.cred, cc->cred);
	ck_assert_int_eq(cc->check.via, ASY_VIA_HTTP);
	ck_assert_ptr_eq(cc->check.cred, cc->cred);
	assert_str(cc->restore.text, "/passwd?new={old}");
	cc = asy_lab_credchange_for(t, "AuthMech-SSH");
	ck_assert_ptr_nonnull(cc);
	ck_assert_uint_eq(cc->settle_ms, 10000);	/* the default */
	assert_str(cc->cred->id, "root-file");
	ck_assert_int_eq(cc->check.via, ASY_VIA_SSH);
	ck_assert_ptr_eq(cc->check.cred, cc->cred);
	ck_assert_int_eq(cc->restore.via, ASY_VIA_COMMAND);
	ck_assert_uint_eq(cc->restore.argc, 2);
	assert_str(cc->restore.argv[1], "{old}");
	ck_assert_ptr_null(asy_lab_credchange_for(t, "AuthMech-MQTT"));
	ck_assert_ptr_null(asy_lab_credchange_for(asy_lab_dut(lab, "sensor"),
	    "AuthMech-Web"));
	asy_lab_free(lab);
	asy_buf_release(&b);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_examples)
{
	char *path = ut_src("lab-config/examples/physical-lab.xml");
	char *exdir = ut_src("lab-config/examples"), *labdir = real(exdir);
	char *ics = ut_src("ics-ixit/examples/ipcam/ics.xml");
	char *vb = ut_src("lab-config/examples/virtual-bench.xml");
	struct asy_lab *lab = load_clean(path, 0);
	const struct asy_lab_dut *t = asy_lab_dut(lab, NULL);
	const struct asy_lab_cmd *c;
	struct stat a, b;
	char *s;

	ck_assert_ptr_nonnull(t);
	assert_str(t->name, "ipcam");
	ck_assert_ptr_nonnull(t->iface);
	ck_assert_int_eq(t->iface->kind, ASY_IFACE_ETHERNET);
	ck_assert_ptr_nonnull(t->serial);
	assert_str(t->serial->path, "/dev/ttyUSB0");
	ck_assert_uint_eq(t->serial->baud, 115200);
	ck_assert_uint_eq(t->serial->data_bits, 8);
	ck_assert_int_eq(t->serial->parity, 'n');
	ck_assert_uint_eq(t->serial->stop_bits, 1);
	ck_assert_int_eq(lab->operator_mode, ASY_OPERATOR_INTERACTIVE);
	ck_assert(asy_lab_in_scope(lab, t->ipv4));
	ck_assert(asy_lab_in_scope(lab, t->ipv6));
	ck_assert_int_eq(stat(t->ics, &a), 0);
	ck_assert_int_eq(stat(ics, &b), 0);
	ck_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	ck_assert_uint_eq(t->n_creds, 2);
	ck_assert_ptr_nonnull(t->creds[0]->env);
	ck_assert_ptr_nonnull(t->creds[1]->file);
	c = asy_lab_cmd(t, "power-off");
	ck_assert_ptr_nonnull(c);
	s = cat2(labdir, "/pdu.conf");
	assert_str(c->argv[2], s);
	free(s);
	for (size_t i = 0; i < t->n_cmds; i++)
		for (size_t k = 0; k < t->cmds[i].argc; k++)
			ck_assert_ptr_null(strstr(t->cmds[i].argv[k], "${"));
	asy_lab_free(lab);

	if (ut_exists(vb)) {
		lab = load_clean(vb, 1);
		ck_assert_uint_ge(lab->n_duts, 1);
		asy_lab_free(lab);
	} else {
		fprintf(stderr, "# skip: %s is not there (yet)\n", vb);
	}
	free(vb);
	free(ics);
	free(labdir);
	free(exdir);
	free(path);
}
END_TEST

/* ---- asy_lab_in_scope --------------------------------------------------- */

struct scope_row {
	int		 set;	/* index into scope_sets */
	const char	*addr;
	int		 want;
};

#define V4(a, b, c, d)	{ a, b, c, d }

static const struct asy_lab_net set_bench[] = {
	{ AF_INET, V4(198, 18, 0, 0), 15 },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x02 }, 48 },
};
static const struct asy_lab_net set_all4[] = {
	{ AF_INET, V4(0, 0, 0, 0), 0 },
};
static const struct asy_lab_net set_all6[] = {
	{ AF_INET6, { 0 }, 0 },
};
static const struct asy_lab_net set_hosts[] = {
	{ AF_INET, V4(198, 18, 3, 4), 32 },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x02, [15] = 0x07 }, 128 },
};
static const struct asy_lab_net set_odd[] = {
	{ AF_INET, V4(198, 18, 0, 128), 25 },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x02, [7] = 0x02 }, 63 },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x02, [8] = 0xff, [15] = 0x04 },
	  127 },
};

static const struct {
	const struct asy_lab_net	*v;
	size_t				 n;
} scope_sets[] = {
	{ set_bench, ASY_ELEMENTSOF(set_bench) },
	{ set_all4, ASY_ELEMENTSOF(set_all4) },
	{ set_all6, ASY_ELEMENTSOF(set_all6) },
	{ set_hosts, ASY_ELEMENTSOF(set_hosts) },
	{ set_odd, ASY_ELEMENTSOF(set_odd) },
	{ NULL, 0 },
};

static const struct scope_row scope_rows[] = {
	/* 198.18.0.0/15 and 2001:2::/48: the edges. */
	{ 0, "198.18.0.0", 1 },
	{ 0, "198.19.255.255", 1 },
	{ 0, "198.17.255.255", 0 },
	{ 0, "198.20.0.0", 0 },
	{ 0, "2001:2::", 1 },
	{ 0, "2001:2:0:ffff:ffff:ffff:ffff:ffff", 1 },
	{ 0, "2001:0002:0000:0000:0000:0000:0000:0001", 1 },
	{ 0, "2001:2:1::", 0 },
	{ 0, "2001:1:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	/* IPv4-mapped IPv6 is the IPv4 address it reaches. */
	{ 0, "::ffff:198.18.0.5", 1 },
	{ 0, "::ffff:192.0.2.1", 0 },
	/* IPv4-compatible (deprecated) is IPv6, not IPv4. */
	{ 0, "::198.18.0.5", 0 },
	/* Not an address: never in scope. */
	{ 0, "", 0 },
	{ 0, "198.18.0", 0 },
	{ 0, "198.18.0.1/32", 0 },
	{ 0, " 198.18.0.1", 0 },
	{ 0, "198.18.0.1 ", 0 },
	{ 0, "0x7f.0.0.1", 0 },
	{ 0, "2001:2::1%eth0", 0 },
	{ 0, "[2001:2::1]", 0 },
	{ 0, "localhost", 0 },
	/* /0: every address of its family, none of the other. */
	{ 1, "0.0.0.0", 1 },
	{ 1, "255.255.255.255", 1 },
	{ 1, "::1", 0 },
	{ 1, "::ffff:10.0.0.1", 1 },
	{ 2, "::", 1 },
	{ 2, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ 2, "198.18.0.1", 0 },
	{ 2, "::ffff:198.18.0.1", 0 },
	/* /32 and /128: exactly one address. */
	{ 3, "198.18.3.4", 1 },
	{ 3, "198.18.3.5", 0 },
	{ 3, "198.18.3.3", 0 },
	{ 3, "2001:2::7", 1 },
	{ 3, "2001:2:0:0:0:0:0:7", 1 },
	{ 3, "2001:2::6", 0 },
	{ 3, "2001:2::8", 0 },
	/* Prefixes off a byte boundary. */
	{ 4, "198.18.0.128", 1 },
	{ 4, "198.18.0.255", 1 },
	{ 4, "198.18.0.127", 0 },
	{ 4, "198.18.1.128", 0 },
	{ 4, "2001:2:0:2::1", 1 },
	{ 4, "2001:2:0:3:ffff::", 1 },
	{ 4, "2001:2:0:4::", 0 },
	{ 4, "2001:2:0:1:ffff:ffff:ffff:ffff", 0 },
	{ 4, "2001:2:0:0:ff00::4", 1 },
	{ 4, "2001:2:0:0:ff00::5", 1 },
	{ 4, "2001:2:0:0:ff00::6", 0 },
	{ 4, "2001:2:0:0:ff00::3", 0 },
	/* No scope: nothing is in it. */
	{ 5, "198.18.0.1", 0 },
	{ 5, "2001:2::1", 0 },
};

START_TEST(test_in_scope)
{
	const struct scope_row *row = &scope_rows[_i];
	struct asy_lab lab;

	memset(&lab, 0, sizeof(lab));
	lab.scope = (struct asy_lab_net *)scope_sets[row->set].v;
	lab.n_scope = scope_sets[row->set].n;
	ck_assert_msg(asy_lab_in_scope(&lab, row->addr) == row->want,
	    "set %d, '%s': got %d, want %d", row->set, row->addr,
	    asy_lab_in_scope(&lab, row->addr), row->want);
	ck_assert_int_eq(asy_lab_in_scope(NULL, row->addr), 0);
	ck_assert_int_eq(asy_lab_in_scope(&lab, NULL), 0);
}
END_TEST

/* ---- Secrets ------------------------------------------------------------ */

/* What the file credential of base.xml reads for some file contents. */
static int
secret_of(const struct asy_lab_cred *c, const char *content, size_t n,
    char **out)
{
	if (content != NULL)
		ut_write(c->file, content, n);
	else
		(void)unlink(c->file);
	return asy_lab_secret(c, out);
}

START_TEST(test_secret)
{
	char *dir = lab_folder(), *path = join(dir, "lab.xml");
	struct asy_buf base, big;
	struct asy_lab *lab;
	const struct asy_lab_cred *env, *file;
	char *s = NULL, *untouched = (char *)"untouched";

	load_base(&base);
	ut_write(path, base.data, base.len);
	lab = load_clean(path, 0);
	env = &lab->creds[0];
	file = &lab->creds[1];

	/* From the environment. */
	ck_assert_int_eq(setenv("ASSAY_UT_LAB_SECRET", "hunter2 two", 1), 0);
	ck_assert_int_eq(asy_lab_secret(env, &s), 0);
	assert_str(s, "hunter2 two");
	asy_secret_free(s);
	s = untouched;
	ck_assert_int_eq(setenv("ASSAY_UT_LAB_SECRET", "", 1), 0);
	ck_assert_int_eq(asy_lab_secret(env, &s), ASY_E_NOTFOUND);
	ck_assert_ptr_eq(s, untouched);
	ck_assert_int_eq(unsetenv("ASSAY_UT_LAB_SECRET"), 0);
	ck_assert_int_eq(asy_lab_secret(env, &s), ASY_E_NOTFOUND);
	ck_assert_ptr_eq(s, untouched);

	/* From a file: the first line, without CR or LF. */
	ck_assert_int_eq(secret_of(file, NULL, 0, &s), ASY_E_NOTFOUND);
	ck_assert_ptr_eq(s, untouched);
	ck_assert_int_eq(secret_of(file, "s3cret\r\nsecond\n", 15, &s), 0);
	assert_str(s, "s3cret");
	asy_secret_free(s);
	ck_assert_int_eq(secret_of(file, "only\n", 5, &s), 0);
	assert_str(s, "only");
	asy_secret_free(s);
	ck_assert_int_eq(secret_of(file, "no newline", 10, &s), 0);
	assert_str(s, "no newline");
	asy_secret_free(s);
	s = untouched;
	ck_assert_int_eq(secret_of(file, "", 0, &s), ASY_E_NOTFOUND);
	ck_assert_int_eq(secret_of(file, "\nsecond line\n", 13, &s),
	    ASY_E_NOTFOUND);
	ck_assert_int_eq(secret_of(file, "\r\n", 2, &s), ASY_E_NOTFOUND);
	ck_assert_ptr_eq(s, untouched);

	/* At most 4 KiB. */
	asy_buf_init(&big, 16384);
	for (int i = 0; i < 4096; i++)
		ck_assert_int_eq(asy_buf_putc(&big, 'a'), 0);
	ck_assert_int_eq(secret_of(file, big.data, big.len, &s), 0);
	ck_assert_uint_eq(strlen(s), 4096);
	asy_secret_free(s);
	ck_assert_int_eq(asy_buf_puts(&big, "\nmore\n"), 0);
	ck_assert_int_eq(secret_of(file, big.data, big.len, &s), 0);
	ck_assert_uint_eq(strlen(s), 4096);
	asy_secret_free(s);
	s = untouched;
	big.len = 4096;
	ck_assert_int_eq(asy_buf_puts(&big, "a\n"), 0);
	ck_assert_int_eq(secret_of(file, big.data, big.len, &s),
	    ASY_E_TOOBIG);
	ck_assert_ptr_eq(s, untouched);
	asy_buf_release(&big);

	/* Not a regular file. */
	(void)unlink(file->file);
	ck_assert_int_eq(mkdir(file->file, 0700), 0);
	ck_assert_int_eq(asy_lab_secret(file, &s), ASY_E_NOTREG);
	ck_assert_ptr_eq(s, untouched);
	asy_secret_free(NULL);

	asy_lab_free(lab);
	asy_buf_release(&base);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- Files that cannot be read ------------------------------------------ */

/* Load path; it must fail with ASY_E_INPUT and an error on it matching
 * text.  Returns 0 if so (a child process reports through its status). */
static int
load_fails(const char *path, const char *text)
{
	struct asy_lab *lab = NULL;
	struct asy_diags d;
	int r, ok;

	asy_diags_init(&d);
	r = asy_lab_load(path, &d, &lab);
	ok = r == ASY_E_INPUT && lab == NULL && d.n_errors > 0;
	for (size_t i = 0; ok && i < d.n; i++)
		if (strcmp(d.v[i].file, path) != 0)
			ok = 0;
	if (ok) {
		ok = 0;
		for (size_t i = 0; i < d.n; i++)
			if (match_text(d.v[i].msg, text))
				ok = 1;
	}
	if (!ok) {
		fprintf(stderr, "%s: returned %d, %zu diagnostics:\n", path, r,
		    d.n);
		asy_diags_print(&d, stderr);
	}
	asy_lab_free(lab);
	asy_diags_release(&d);
	return ok ? 0 : -1;
}

START_TEST(test_unreadable)
{
	char *dir = lab_folder(), *path = join(dir, "lab.xml");
	char *fifo = join(dir, "fifo.xml"), *missing = join(dir, "none.xml");
	char *notdir = join(path, "lab.xml");
	struct asy_buf base;
	pid_t pid;
	int status;

	load_base(&base);
	ut_write(path, base.data, base.len);
	asy_buf_release(&base);

	ck_assert_int_eq(load_fails(missing, "no such file"), 0);
	ck_assert_int_eq(load_fails(dir, "not a regular file"), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(load_fails(fifo, "not a regular file"), 0);
	ck_assert_int_eq(load_fails(notdir, "cannot read|no such file"), 0);

	/*
	 * A file this process may not read.  root reads everything, so a
	 * child drops to nobody first (and leaves with _exit, so nothing of
	 * the parent's runs twice).
	 */
	ck_assert_int_eq(chmod(path, 0), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 ||
		    setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		_exit(load_fails(path, "cannot read & readable") == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ck_assert_msg(WIFEXITED(status), "the child died: status %d", status);
	ck_assert_msg(WEXITSTATUS(status) == 0, "unreadable lab file: %s",
	    WEXITSTATUS(status) == 3 ? "could not drop privileges" :
	    "no clean error (see the log)");

	ut_rmrf(dir);
	free(notdir);
	free(missing);
	free(fifo);
	free(path);
	free(dir);
}
END_TEST

/* A DUT reached only through a recorded onboarding: capture= resolved
 * from the lab file's folder, a BSSID alone, no listening time. */
START_TEST(test_wifi_capture)
{
	char *dir = lab_folder(), *path = join(dir, "lab.xml");
	char *sub = join(dir, "cap"), *labdir, *s;
	struct asy_lab *lab;
	const struct asy_lab_dut *t;

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	copy_src("tests/data/wifi/wpa3-sae.pcap", sub, "onboarding.pcap");
	ut_write_str(path, "<?xml version=\"1.0\"?>\n"
	    "<lab format=\"1\" name=\"recorded\">\n"
	    "  <scope><net>198.18.0.0/15</net></scope>\n"
	    "  <interfaces><ethernet id=\"e\" name=\"eth0\"/></interfaces>\n"
	    "  <dut name=\"cam\">\n"
	    "    <wifi capture=\"cap/onboarding.pcap\" "
	    "bssid=\"02-00-00-00-07-00\"/>\n"
	    "    <declarations ics=\"ics.xml\" ixit=\"ixit.xml\"/>\n"
	    "  </dut>\n"
	    "</lab>\n");
	lab = load_clean(path, 0);
	labdir = real(dir);
	t = asy_lab_dut(lab, "cam");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(t->wifi);
	ck_assert_ptr_null(t->wifi->iface);
	s = cat2(labdir, "/cap/onboarding.pcap");
	assert_str(t->wifi->capture, s);
	free(s);
	ck_assert_ptr_null(t->wifi->ssid);
	assert_str(t->wifi->bssid, "02:00:00:00:07:00");
	ck_assert_ptr_null(t->wifi->intf);
	ck_assert_ptr_null(t->iface);
	ck_assert_ptr_null(t->ipv4);
	asy_lab_free(lab);
	free(labdir);
	free(sub);
	free(path);
	free(dir);
}
END_TEST

static Suite *
labcfg_suite(void)
{
	Suite *s = suite_create("labcfg");
	TCase *bad = tcase_create("bad");
	TCase *good = tcase_create("good");

	tcase_set_timeout(bad, 60);
	tcase_set_timeout(good, 60);
	tcase_add_loop_test(bad, test_bad, 0, (int)ASY_ELEMENTSOF(cases));
	tcase_add_loop_test(bad, test_warn, 0, (int)ASY_ELEMENTSOF(warns));
	tcase_add_test(bad, test_unreadable);
	tcase_add_test(good, test_base);
	tcase_add_test(good, test_defaults);
	tcase_add_test(good, test_wifi_capture);
	tcase_add_test(good, test_examples);
	tcase_add_test(good, test_credchange);
	tcase_add_loop_test(good, test_in_scope, 0,
	    (int)ASY_ELEMENTSOF(scope_rows));
	tcase_add_test(good, test_secret);
	suite_add_tcase(s, good);
	suite_add_tcase(s, bad);
	return s;
}

int
main(void)
{
	/* Case names must be unique, so a report is unambiguous. */
	for (size_t i = 0; i < ASY_ELEMENTSOF(cases); i++)
		for (size_t j = i + 1; j < ASY_ELEMENTSOF(cases); j++)
			if (strcmp(cases[i].name, cases[j].name) == 0) {
				fprintf(stderr, "duplicate case name %s\n",
				    cases[i].name);
				return 99;
			}
	return ut_main(labcfg_suite());
}
