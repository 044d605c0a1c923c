/*
 * Malformed and hostile declarations for "assay validate".
 *
 * Each case starts from a known-good base pair (tests/data/bad-input/base/,
 * a frozen copy of the hub example, plus an answers file written for it),
 * mutates one or more files (text replacements, a truncation, raw bytes, or
 * a generator for inputs too large or too binary for a literal), writes the
 * result into a fresh mkdtemp() folder and runs the real assay binary on it:
 * argv array, no shell, stdin from /dev/null, stdout and stderr to files,
 * killed at a deadline.  It then asserts:
 *
 *  - the exit status is exactly 2 (usage or input error), not a signal;
 *  - for every expectation, some stderr line reads
 *    "PATH:NUMBER: error: MESSAGE" with PATH the file the expectation names
 *    and MESSAGE matching its text (see match_text() for the notation), so
 *    a case with two expectations checks that both problems are reported;
 *  - no sanitizer report and no forbidden text (file contents leaked by an
 *    external entity) in stderr;
 *  - nothing in the folder was created, removed or changed (nothing
 *    half-written, inputs untouched);
 *  - no TCP connection reached the loopback listener the test opens for
 *    every case (DTDs, entities, XInclude and schema hints that name it).
 *
 * Positive controls make sure a binary that always exits 2 cannot pass: the
 * unmodified base pair (with and without answers, as a folder and as
 * --ics/--ixit) validates with exit 0, and so does every example under
 * ics-ixit/examples/.
 *
 * Environment: ASSAY_BIN (the assay binary), ASSAY_SRCDIR (source root).
 */
#include <check.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "buf.h"
#include "error.h"
#include "util.h"

extern char **environ;

/* Which file of a declaration set. */
enum bi_file {
	BI_ICS,
	BI_IXIT,
	BI_ANSWERS,
	BI_NFILES,
	BI_EITHER,	/* expectation: a line naming ics.xml or ixit.xml */
	BI_ANYWHERE,	/* expectation: any stderr line, any form */
};

static const char *const bi_names[BI_NFILES] = {
	"ics.xml", "ixit.xml", "answers.xml",
};

enum bi_how {
	BI_EDIT,	/* text replacements in base files */
	BI_TRUNC,	/* base file cut right after the first edit's find */
	BI_RAW,		/* file replaced by raw bytes */
	BI_GEN,		/* a generator writes the file (or not) */
	BI_USAGE,	/* no files to speak of: a bad command line */
};

/* Flags of a case. */
#define BI_F_ANSWERS	0x01	/* write the base answers.xml too */
#define BI_F_OPTIONS	0x02	/* --ics/--ixit/--answers, no DEVICE_DIR */
#define BI_F_EXIT0_OK	0x04	/* exit 0 is acceptable too */

/* Replace find by repl (first occurrence, or all with all=1). "@PORT@" in
 * repl becomes the listener's port. */
struct bi_edit {
	enum bi_file	 file;
	const char	*find;
	const char	*repl;
	int		 all;
};

struct bi_expect {
	enum bi_file	 file;
	const char	*text;
};

struct bi_run;

struct bi_case {
	const char		*name;
	enum bi_how		 how;
	unsigned		 flags;
	struct bi_edit		 edit[3];
	enum bi_file		 file;		/* BI_RAW, BI_GEN */
	const char		*raw;
	size_t			 raw_len;
	int			(*gen)(struct bi_run *r, const char *path);
	const char		*argv[6];	/* BI_USAGE, after "assay" */
	struct bi_expect	 expect[3];
	const char		*forbid;	/* must not be in stderr */
	int			 max_secs;	/* deadline; 0: 30 s */
};

/* State of one run. */
struct bi_run {
	const struct bi_case	*c;
	char			*tmp;		/* mkdtemp; assay's cwd */
	char			*dev;		/* tmp/dev: device folder */
	char			*out;		/* tmp/out: stdout, stderr */
	char			*path[BI_NFILES];
	struct asy_buf		 base[BI_NFILES];
	int			 lfd;		/* loopback listener */
	unsigned		 port;
	int			 status;
	int			 timed_out;
	double			 secs;
	struct asy_buf		 err;		/* assay's stderr */
	struct asy_buf		 fail;		/* what went wrong */
};

#define RAW(s)		.raw = (s), .raw_len = sizeof(s) - 1
#define E(f, t)		{ (f), (t) }

/* Prefix of every external-entity and DTD case. */
#define DECL		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROOT		"<ics format=\"1\""
#define ANCHOR_TEXT	"Not constrained."

static int gen_garbage(struct bi_run *r, const char *path);
static int gen_utf16_nobom(struct bi_run *r, const char *path);
static int gen_huge(struct bi_run *r, const char *path);
static int gen_long_attr(struct bi_run *r, const char *path);
static int gen_deep(struct bi_run *r, const char *path);
static int gen_ixit_as_ics(struct bi_run *r, const char *path);
static int gen_ics_as_ixit(struct bi_run *r, const char *path);
static int gen_dir(struct bi_run *r, const char *path);
static int gen_fifo(struct bi_run *r, const char *path);
static int gen_nothing(struct bi_run *r, const char *path);

/*
 * The cases.  Expectation texts: terms joined by " & " must all match the
 * same error line; a term is alternatives joined by "|"; an alternative
 * matches case-insensitively as a substring of the message (the part after
 * "error: "), or, written "=ID", as a whole token (not inside a longer run
 * of [A-Za-z0-9._-]), so "=5.1-3" does not match "5.1-3-1".
 */
static const struct bi_case cases[] = {
	/* ---- Not XML, or not well-formed ---- */
	{ .name = "ics-empty", .how = BI_RAW, .file = BI_ICS, RAW(""),
	  .expect = { E(BI_ICS, "empty") } },
	{ .name = "ics-whitespace-only", .how = BI_RAW, .file = BI_ICS,
	  RAW("  \n\t\r\n   \n"),
	  .expect = { E(BI_ICS, "empty|no root|no element|start tag") } },
	{ .name = "ics-binary-garbage", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_garbage,
	  .expect = { E(BI_ICS, "well-formed|not XML|binary|NUL|UTF-8|"
	      "start tag|encoding") } },
	{ .name = "ics-truncated-mid-element", .how = BI_TRUNC,
	  .edit = { { BI_ICS, "<row provision=\"5.3-9\" support=\"Y\">"
	      "The hub verifies" } },
	  .expect = { E(BI_ICS, "premature end|end of data|truncated|"
	      "end of file|unexpected end") } },
	{ .name = "ics-truncated-mid-attribute", .how = BI_TRUNC,
	  .edit = { { BI_ICS, "<row provision=\"5.3-9\" support=\"Y" } },
	  .expect = { E(BI_ICS, "AttValue|attribute|premature end|truncated|"
	      "end of file|unexpected end") } },
	{ .name = "ics-json", .how = BI_RAW, .file = BI_ICS,
	  RAW("{\"ics\": {\"format\": 1, \"edition\": \"ts103701-v1.1.1\", "
	      "\"rows\": []}}\n"),
	  .expect = { E(BI_ICS, "start tag|not XML|'<'|well-formed") } },
	{ .name = "ics-pi-and-comment-only", .how = BI_RAW, .file = BI_ICS,
	  RAW(DECL "<!-- nothing but a comment -->\n<?assay nothing?>\n"),
	  .expect = { E(BI_ICS, "empty|no root|no element|root element|"
	      "start tag") } },
	{ .name = "ics-control-char-u0001", .how = BI_EDIT,
	  .edit = { { BI_ICS, ANCHOR_TEXT, "Not\001constrained." } },
	  .expect = { E(BI_ICS, "char|control|U+0001|0x01") } },
	{ .name = "ics-undefined-entity", .how = BI_EDIT,
	  .edit = { { BI_ICS, ANCHOR_TEXT, "Not&nbsp;constrained." } },
	  .expect = { E(BI_ICS, "entity|nbsp") } },
	{ .name = "ics-wrong-root-ixit", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_ixit_as_ics,
	  .expect = { E(BI_ICS, "=ixit & root|expected|ics|not expected|"
	      "global declaration") } },
	{ .name = "ixit-wrong-root-ics", .how = BI_GEN, .file = BI_IXIT,
	  .gen = gen_ics_as_ixit,
	  .expect = { E(BI_IXIT, "=ics & root|expected|ixit|not expected|"
	      "global declaration") } },
	{ .name = "ixit-empty", .how = BI_RAW, .file = BI_IXIT, RAW(""),
	  .expect = { E(BI_IXIT, "empty") } },
	{ .name = "ixit-truncated-mid-element", .how = BI_TRUNC,
	  .edit = { { BI_IXIT, "<crypto>TLS 1.3 with a pinned root CA;" } },
	  .expect = { E(BI_IXIT, "premature end|end of data|truncated|"
	      "end of file|unexpected end") } },
	{ .name = "ixit-deep-nesting-1000", .how = BI_GEN, .file = BI_IXIT,
	  .gen = gen_deep,
	  .expect = { E(BI_IXIT, "depth|deep|nest") } },

	/* ---- Encodings ---- */
	{ .name = "ics-latin1-bytes-declared-utf8", .how = BI_EDIT,
	  .flags = BI_F_OPTIONS,
	  .edit = { { BI_ICS, ANCHOR_TEXT, "Nicht eingeschr\344nkt." } },
	  .expect = { E(BI_ICS, "UTF-8") } },
	{ .name = "ics-encoding-ebcdic", .how = BI_EDIT,
	  .edit = { { BI_ICS, "encoding=\"UTF-8\"",
	      "encoding=\"EBCDIC-US\"" } },
	  .expect = { E(BI_ICS, "encoding|EBCDIC") } },
	{ .name = "ics-encoding-unknown", .how = BI_EDIT,
	  .edit = { { BI_ICS, "encoding=\"UTF-8\"",
	      "encoding=\"X-NOPE-42\"" } },
	  .expect = { E(BI_ICS, "X-NOPE-42") } },
	{ .name = "ics-utf16-without-bom", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_utf16_nobom,
	  .expect = { E(BI_ICS, "UTF-16|encoding|byte order|BOM") } },

	/* ---- DTDs, entities, external resources (no connection!) ---- */
	{ .name = "ics-xxe-file", .how = BI_EDIT,
	  .edit = { { BI_ICS, ROOT, "<!DOCTYPE ics [<!ENTITY x SYSTEM "
	      "\"file:///etc/passwd\">]>\n" ROOT },
	    { BI_ICS, ANCHOR_TEXT, "&x;" } },
	  .expect = { E(BI_ICS, "DTD|DOCTYPE") },
	  .forbid = "root:x:0" },
	{ .name = "ics-xxe-parameter-entity-network", .how = BI_EDIT,
	  .edit = { { BI_ICS, ROOT, "<!DOCTYPE ics [<!ENTITY % p SYSTEM "
	      "\"http://127.0.0.1:@PORT@/p.dtd\"> %p;]>\n" ROOT } },
	  .expect = { E(BI_ICS, "DTD|DOCTYPE") } },
	{ .name = "ics-billion-laughs", .how = BI_EDIT, .max_secs = 10,
	  .edit = { { BI_ICS, ROOT, "<!DOCTYPE ics [\n"
	      " <!ENTITY a \"lollollollollollollollollollol\">\n"
	      " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	      " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	      " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	      " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	      " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	      " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	      " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
	      " <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
	      "]>\n" ROOT },
	    { BI_ICS, ANCHOR_TEXT, "&i;" } },
	  .expect = { E(BI_ICS, "DTD|DOCTYPE") } },
	{ .name = "ics-external-dtd-network", .how = BI_EDIT,
	  .edit = { { BI_ICS, ROOT, "<!DOCTYPE ics SYSTEM "
	      "\"http://127.0.0.1:@PORT@/x.dtd\">\n" ROOT } },
	  .expect = { E(BI_ICS, "DTD|DOCTYPE") } },
	{ .name = "ixit-external-dtd-file", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<ixit format=\"1\"", "<!DOCTYPE ixit SYSTEM "
	      "\"file:///etc/passwd\">\n<ixit format=\"1\"" } },
	  .expect = { E(BI_IXIT, "DTD|DOCTYPE") },
	  .forbid = "root:x:0" },
	/*
	 * xsi:noNamespaceSchemaLocation / xsi:schemaLocation are allowed on
	 * any element by XML Schema itself, and the contract does not say
	 * whether assay refuses them or ignores them: exit 0 or 2 both pass
	 * (with an error line naming the file if 2).  What must hold is that
	 * the hint is never fetched.
	 */
	{ .name = "ics-xsi-schema-location-network", .how = BI_EDIT,
	  .flags = BI_F_EXIT0_OK,
	  .edit = { { BI_ICS, ROOT, "<ics xmlns:xsi=\"http://www.w3.org/2001/"
	      "XMLSchema-instance\" xsi:noNamespaceSchemaLocation="
	      "\"http://127.0.0.1:@PORT@/ics.xsd\" format=\"1\"" } },
	  .expect = { E(BI_ICS, "") } },
	{ .name = "ixit-xsi-schema-location-network", .how = BI_EDIT,
	  .flags = BI_F_EXIT0_OK,
	  .edit = { { BI_IXIT, "<ixit format=\"1\"", "<ixit xmlns:xsi=\"http:"
	      "//www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation="
	      "\"urn:assay http://127.0.0.1:@PORT@/ixit.xsd\" format=\"1\"" } },
	  .expect = { E(BI_IXIT, "") } },
	{ .name = "ics-xinclude-network", .how = BI_EDIT,
	  .edit = { { BI_ICS, "</conditions>", "</conditions>\n  <xi:include "
	      "xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
	      "href=\"http://127.0.0.1:@PORT@/rows.xml\"/>" } },
	  .expect = { E(BI_ICS, "include") } },
	{ .name = "ixit-xinclude-passwd-text", .how = BI_EDIT,
	  .edit = { { BI_IXIT,
	      "<description>Hub health counters.</description>",
	      "<description><xi:include xmlns:xi=\"http://www.w3.org/2001/"
	      "XInclude\" href=\"file:///etc/passwd\" parse=\"text\"/>"
	      "</description>" } },
	  .expect = { E(BI_IXIT, "include") },
	  .forbid = "root:x:0" },

	/* ---- Size caps ---- */
	{ .name = "ics-50MB", .how = BI_GEN, .file = BI_ICS, .max_secs = 10,
	  .flags = BI_F_OPTIONS, .gen = gen_huge,
	  .expect = { E(BI_ICS, "larger than") } },
	{ .name = "ics-attribute-1MiB", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_long_attr,
	  .expect = { E(BI_ICS, "vendor & long|large|length|limit|size") } },

	/* ---- ICS against the catalogue ---- */
	{ .name = "ics-unknown-provision", .how = BI_EDIT,
	  .edit = { { BI_ICS, "</ics>", "  <row provision=\"5.99-1\" "
	      "support=\"Y\">Made up.</row>\n</ics>" } },
	  .expect = { E(BI_ICS, "=5.99-1") } },
	{ .name = "ics-missing-row", .how = BI_EDIT,
	  .edit = { { BI_ICS, "  <row provision=\"5.1-3\" support=\"Y\">Setup "
	      "code used as input to a PAKE (SPAKE2+ on P-256); account "
	      "passwords checked over TLS 1.3 and stored with Argon2id."
	      "</row>\n", "" } },
	  .expect = { E(BI_ICS, "=5.1-3") } },
	{ .name = "ics-duplicate-row", .how = BI_EDIT,
	  .edit = { { BI_ICS, "</ics>", "  <row provision=\"5.2-1\" "
	      "support=\"Y\">Said twice.</row>\n</ics>" } },
	  .expect = { E(BI_ICS, "=5.2-1 & duplicate|twice|more than once|"
	      "again|already|second") } },
	{ .name = "ics-row-without-provision", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.2-3\" support=\"Y\">",
	      "<row support=\"Y\">" } },
	  .expect = { E(BI_ICS, "provision") } },
	{ .name = "ics-support-Yes", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.2-2\" support=\"Y\">",
	      "<row provision=\"5.2-2\" support=\"Yes\">" } },
	  .expect = { E(BI_ICS, "=Yes") } },
	{ .name = "ics-applies-maybe", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<condition id=\"4\" applies=\"no\">",
	      "<condition id=\"4\" applies=\"maybe\">" } },
	  .expect = { E(BI_ICS, "=maybe") } },
	{ .name = "ics-undeclared-condition", .how = BI_EDIT,
	  .edit = { { BI_ICS, "    <condition id=\"9\" applies=\"yes\">"
	      "Automatic updates and notifications are on by default."
	      "</condition>\n", "" } },
	  .expect = { E(BI_ICS, "condition|C( & =9") } },
	{ .name = "ics-unknown-condition", .how = BI_EDIT,
	  .edit = { { BI_ICS, "  </conditions>", "    <condition id=\"99\" "
	      "applies=\"no\">Made up.</condition>\n  </conditions>" } },
	  .expect = { E(BI_ICS, "=99") } },
	{ .name = "ics-condition-twice", .how = BI_EDIT,
	  .edit = { { BI_ICS, "  </conditions>", "    <condition id=\"5\" "
	      "applies=\"no\">Changed my mind.</condition>\n"
	      "  </conditions>" } },
	  .expect = { E(BI_ICS, "=5 & duplicate|twice|more than once|again|"
	      "already") } },
	{ .name = "ics-na-without-condition", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.2-1\" support=\"Y\">",
	      "<row provision=\"5.2-1\" support=\"N/A\">" } },
	  .expect = { E(BI_ICS, "=5.2-1 & N/A|not applicable") } },
	{ .name = "ics-na-condition-applies", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.3-3\" support=\"Y\">",
	      "<row provision=\"5.3-3\" support=\"N/A\">" } },
	  .expect = { E(BI_ICS, "=5.3-3") } },
	{ .name = "ics-edition-unknown", .how = BI_EDIT,
	  .edit = { { BI_ICS, "edition=\"ts103701-v1.1.1\"",
	      "edition=\"ts103701-v9.9.9\"" } },
	  .expect = { E(BI_ICS, "=ts103701-v9.9.9") } },
	{ .name = "ics-edition-missing", .how = BI_EDIT,
	  .edit = { { BI_ICS, " edition=\"ts103701-v1.1.1\"", "" } },
	  .expect = { E(BI_ICS, "edition") } },
	{ .name = "ics-format-unknown", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<ics format=\"1\"", "<ics format=\"7\"" } },
	  .expect = { E(BI_ICS, "format") } },
	{ .name = "ics-condition1-no-but-password", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<condition id=\"1\" applies=\"yes\">",
	      "<condition id=\"1\" applies=\"no\">" } },
	  .expect = { E(BI_EITHER, "condition|C( & =1") } },
	{ .name = "ics-condition12-no-but-updmech", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<condition id=\"12\" applies=\"yes\">",
	      "<condition id=\"12\" applies=\"no\">" } },
	  .expect = { E(BI_EITHER, "condition|C( & =12") } },

	/* ---- IXIT against the catalogue ---- */
	{ .name = "ixit-condition1-yes-no-password", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<factor>password</factor>",
	      "<factor>token</factor>", 1 },
	    { BI_IXIT, "<factor>pin</factor>", "<factor>token</factor>",
	      1 } },
	  .expect = { E(BI_EITHER, "condition|C( & =1") } },
	{ .name = "ixit-condition13-yes-no-debug", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<debug>yes</debug>", "<debug>no</debug>",
	      1 } },
	  .expect = { E(BI_EITHER, "condition|C( & =13") } },
	{ .name = "ixit-duplicate-row-in-table", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "    <row id=\"VulnTypes-Radio\">",
	      "    <row id=\"VulnTypes-API\">\n      <description>Again."
	      "</description>\n    </row>\n"
	      "    <row id=\"VulnTypes-Radio\">" } },
	  .expect = { E(BI_IXIT, "=VulnTypes-API & duplicate|twice|"
	      "more than once|again|already|second") } },
	{ .name = "ixit-duplicate-row-across-tables", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "    <row id=\"CodeMin-Build\">",
	      "    <row id=\"SecDev-SDL\">\n      <description>Same ID as "
	      "in 19-SecDev.</description>\n    </row>\n"
	      "    <row id=\"CodeMin-Build\">" } },
	  .expect = { E(BI_IXIT, "=SecDev-SDL & duplicate|twice|"
	      "more than once|again|already|second") } },
	{ .name = "ixit-unknown-table", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "</ixit>", "  <table name=\"99-Nope\">\n"
	      "    <row id=\"Nope-1\">\n      <description>x</description>\n"
	      "    </row>\n  </table>\n</ixit>" } },
	  .expect = { E(BI_IXIT, "=99-Nope") } },
	{ .name = "ixit-unknown-field", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<protocol>mDNS</protocol>",
	      "<protocol>mDNS</protocol>\n      <colour>blue</colour>" } },
	  .expect = { E(BI_IXIT, "=colour") } },
	{ .name = "ixit-missing-required-field", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "      <factor>pin</factor>\n", "" } },
	  .expect = { E(BI_IXIT, "=factor & missing|required|lacks|needs|"
	      "without|no ") } },
	{ .name = "ixit-bad-enum", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<factor>pin</factor>",
	      "<factor>passwd</factor>" } },
	  .expect = { E(BI_IXIT, "=passwd") } },
	{ .name = "ixit-bad-bool", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<network>no</network>",
	      "<network>ja</network>" } },
	  .expect = { E(BI_IXIT, "=ja") } },
	{ .name = "ixit-dangling-ref", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<authmech>AuthMech-SetupCode</authmech>",
	      "<authmech>AuthMech-Nope</authmech>" } },
	  .expect = { E(BI_IXIT, "=AuthMech-Nope") } },
	{ .name = "ixit-dangling-ref-in-list", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "SecParam-SetupCode SecParam-PwdHash",
	      "SecParam-SetupCode SecParam-Gone" } },
	  .expect = { E(BI_IXIT, "=SecParam-Gone") } },
	{ .name = "ixit-ref-wrong-table", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<authmech>AuthMech-SetupCode</authmech>",
	      "<authmech>Intf-BLE</authmech>" } },
	  .expect = { E(BI_IXIT, "=Intf-BLE") } },
	{ .name = "ixit-list-in-single-ref", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<interface>Intf-Zigbee</interface>",
	      "<interface>Intf-Zigbee Intf-BLE</interface>" } },
	  .expect = { E(BI_IXIT, "=interface|Intf-Zigbee Intf-BLE") } },
	{ .name = "ixit-row-id-forbidden-chars", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<row id=\"UserInfo-Sensors\">",
	      "<row id=\"UserInfo Sensors/../x\">" } },
	  .expect = { E(BI_IXIT, "UserInfo Sensors/../x") } },
	{ .name = "ixit-row-without-id", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<row id=\"UserInfo-Sensors\">", "<row>" } },
	  .expect = { E(BI_IXIT, "=id") } },
	{ .name = "ixit-field-twice", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<factor>password</factor>",
	      "<factor>password</factor>\n      <factor>pin</factor>" } },
	  .expect = { E(BI_IXIT, "=factor & twice|duplicate|more than once|"
	      "again|repeated|already|second") } },
	{ .name = "ixit-edition-differs", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "edition=\"ts103701-v1.1.1\"",
	      "edition=\"ts103701-v0.0.1\"" } },
	  .expect = { E(BI_IXIT, "=ts103701-v0.0.1|edition") } },

	/* ---- Answers ---- */
	{ .name = "answers-unknown-case", .how = BI_EDIT,
	  .flags = BI_F_ANSWERS,
	  .edit = { { BI_ANSWERS, "case=\"5.2-1-1\"", "case=\"9.9-9-9\"" } },
	  .expect = { E(BI_ANSWERS, "=9.9-9-9") } },
	{ .name = "answers-bad-verdict", .how = BI_EDIT,
	  .flags = BI_F_ANSWERS | BI_F_OPTIONS,
	  .edit = { { BI_ANSWERS, "verdict=\"PASS\"", "verdict=\"MAYBE\"" } },
	  .expect = { E(BI_ANSWERS, "=MAYBE") } },
	{ .name = "answers-unknown-unit", .how = BI_EDIT,
	  .flags = BI_F_ANSWERS,
	  .edit = { { BI_ANSWERS, "case=\"5.1-1-1\" unit=\"a\"",
	      "case=\"5.1-1-1\" unit=\"q\"" } },
	  .expect = { E(BI_ANSWERS, "unit & =q") } },
	{ .name = "answers-missing-assessor", .how = BI_EDIT,
	  .flags = BI_F_ANSWERS,
	  .edit = { { BI_ANSWERS, " assessor=\"T. Tester, Test Lab\"", "" } },
	  .expect = { E(BI_ANSWERS, "assessor") } },
	{ .name = "answers-json", .how = BI_RAW, .file = BI_ANSWERS,
	  .flags = BI_F_OPTIONS,
	  RAW("[{\"case\": \"5.1-1-1\", \"verdict\": \"PASS\"}]\n"),
	  .expect = { E(BI_ANSWERS, "start tag|not XML|'<'|well-formed") } },

	/* ---- Every problem, not just the first ---- */
	{ .name = "ics-two-schema-errors", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.2-2\" support=\"Y\">",
	      "<row provision=\"5.2-2\" support=\"Yes\">" },
	    { BI_ICS, "<condition id=\"4\" applies=\"no\">",
	      "<condition id=\"4\" applies=\"maybe\">" } },
	  .expect = { E(BI_ICS, "=Yes"), E(BI_ICS, "=maybe") } },
	{ .name = "ics-two-catalogue-errors", .how = BI_EDIT,
	  .edit = { { BI_ICS, "</ics>", "  <row provision=\"5.99-1\" "
	      "support=\"Y\">Made up.</row>\n  <row provision=\"5.2-1\" "
	      "support=\"Y\">Said twice.</row>\n</ics>" } },
	  .expect = { E(BI_ICS, "=5.99-1"), E(BI_ICS, "=5.2-1 & duplicate|"
	      "twice|more than once|again|already|second") } },
	{ .name = "ixit-two-errors", .how = BI_EDIT,
	  .edit = { { BI_IXIT, "<factor>pin</factor>",
	      "<factor>passwd</factor>" },
	    { BI_IXIT, "<authmech>AuthMech-SetupCode</authmech>",
	      "<authmech>AuthMech-Nope</authmech>" } },
	  .expect = { E(BI_IXIT, "=passwd"), E(BI_IXIT, "=AuthMech-Nope") } },
	{ .name = "ics-and-ixit-errors", .how = BI_EDIT,
	  .edit = { { BI_ICS, "</ics>", "  <row provision=\"5.99-1\" "
	      "support=\"Y\">Made up.</row>\n</ics>" },
	    { BI_IXIT, "<authmech>AuthMech-SetupCode</authmech>",
	      "<authmech>AuthMech-Nope</authmech>" } },
	  .expect = { E(BI_ICS, "=5.99-1"), E(BI_IXIT, "=AuthMech-Nope") } },
	{ .name = "ics-schema-error-and-ixit-error", .how = BI_EDIT,
	  .edit = { { BI_ICS, "<row provision=\"5.2-2\" support=\"Y\">",
	      "<row provision=\"5.2-2\" support=\"Yes\">" },
	    { BI_IXIT, "<authmech>AuthMech-SetupCode</authmech>",
	      "<authmech>AuthMech-Nope</authmech>" } },
	  .expect = { E(BI_ICS, "=Yes"), E(BI_IXIT, "=AuthMech-Nope") } },

	/* ---- Files that are not files ---- */
	{ .name = "ics-missing", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_nothing,
	  .expect = { E(BI_ICS, "no such|not found|missing|does not exist|"
	      "cannot") } },
	{ .name = "ixit-missing-options", .how = BI_GEN, .file = BI_IXIT,
	  .flags = BI_F_OPTIONS, .gen = gen_nothing,
	  .expect = { E(BI_IXIT, "no such|not found|missing|does not exist|"
	      "cannot") } },
	{ .name = "ics-is-directory", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_dir,
	  .expect = { E(BI_ICS, "directory|regular|cannot read") } },
	{ .name = "ics-is-fifo", .how = BI_GEN, .file = BI_ICS,
	  .gen = gen_fifo, .max_secs = 10,
	  .expect = { E(BI_ICS, "regular|FIFO|pipe|not a file|cannot read") } },

	/* ---- Command line ---- */
	{ .name = "usage-no-arguments", .how = BI_USAGE,
	  .argv = { "validate" },
	  .expect = { E(BI_ANYWHERE, "usage|DEVICE_DIR|--ics") } },
	{ .name = "usage-ics-without-ixit", .how = BI_USAGE,
	  .argv = { "validate", "--ics", "@ICS@" },
	  .expect = { E(BI_ANYWHERE, "--ixit") } },
	{ .name = "usage-unknown-option", .how = BI_USAGE,
	  .argv = { "validate", "--frobnicate", "@DEV@" },
	  .expect = { E(BI_ANYWHERE, "frobnicate") } },
};

/* ------------------------------------------------------------------ */

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Record a failed assertion of the current case; all are reported. */
static void
bi_fail(struct bi_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bi_fail(struct bi_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->fail.len > 0)
		(void)asy_buf_puts(&r->fail, "; ");
	va_start(ap, fmt);
	(void)asy_buf_vprintf(&r->fail, fmt, ap);
	va_end(ap);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w;

		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
write_file(const char *path, const void *p, size_t n)
{
	int fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	r = write_all(fd, p, n);
	if (close(fd) < 0)
		r = -1;
	return r;
}

static const char *
src_dir(void)
{
	const char *s = getenv("ASSAY_SRCDIR");

	return s != NULL && *s != '\0' ? s : ".";
}

static const char *
assay_bin(void)
{
	const char *s = getenv("ASSAY_BIN");

	ck_assert_msg(s != NULL && *s != '\0', "ASSAY_BIN is not set");
	return s;
}

/* Replace the first (or every) occurrence of find in b by repl; -1 if find
 * does not occur. */
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

/* repl with "@PORT@" replaced by the listener's port. */
static char *
expand_port(const struct bi_run *r, const char *repl)
{
	struct asy_buf b;
	char port[16];

	snprintf(port, sizeof(port), "%u", r->port);
	asy_buf_init(&b, (size_t)1 << 20);
	(void)asy_buf_puts(&b, repl);
	while (buf_replace(&b, "@PORT@", port, 1) == 0)
		;
	return asy_buf_steal(&b);
}

/* ---- Generators ------------------------------------------------------ */

/* 4 KiB of deterministic noise with a NUL every 61 bytes. */
static int
gen_garbage(struct bi_run *r, const char *path)
{
	unsigned char data[4096];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (unsigned char)(x >> 32);
		if (i % 61 == 3)
			data[i] = 0;
	}
	return write_file(path, data, sizeof(data));
}

/* The base ICS declared and encoded as UTF-16LE, without a byte order mark
 * (the XML spec requires one for UTF-16). */
static int
gen_utf16_nobom(struct bi_run *r, const char *path)
{
	struct asy_buf src, dst;
	const unsigned char *s;
	size_t i = 0;
	int ret = -1;

	asy_buf_init(&src, (size_t)16 << 20);
	asy_buf_init(&dst, (size_t)64 << 20);
	if (asy_buf_add(&src, r->base[BI_ICS].data, r->base[BI_ICS].len) < 0)
		goto out;
	if (buf_replace(&src, "encoding=\"UTF-8\"", "encoding=\"UTF-16\"",
	    0) < 0)
		goto out;
	s = (const unsigned char *)src.data;
	while (i < src.len) {
		uint32_t cp;
		unsigned char u[4];
		size_t n;

		if (s[i] < 0x80) {
			cp = s[i];
			n = 1;
		} else if ((s[i] & 0xe0) == 0xc0 && i + 1 < src.len) {
			cp = ((uint32_t)(s[i] & 0x1f) << 6) | (s[i + 1] & 0x3f);
			n = 2;
		} else if ((s[i] & 0xf0) == 0xe0 && i + 2 < src.len) {
			cp = ((uint32_t)(s[i] & 0x0f) << 12) |
			    ((uint32_t)(s[i + 1] & 0x3f) << 6) |
			    (s[i + 2] & 0x3f);
			n = 3;
		} else if (i + 3 < src.len) {
			cp = ((uint32_t)(s[i] & 0x07) << 18) |
			    ((uint32_t)(s[i + 1] & 0x3f) << 12) |
			    ((uint32_t)(s[i + 2] & 0x3f) << 6) |
			    (s[i + 3] & 0x3f);
			n = 4;
		} else
			goto out;
		i += n;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint32_t hi = 0xd800 | (v >> 10);
			uint32_t lo = 0xdc00 | (v & 0x3ff);

			u[0] = (unsigned char)(hi & 0xff);
			u[1] = (unsigned char)(hi >> 8);
			u[2] = (unsigned char)(lo & 0xff);
			u[3] = (unsigned char)(lo >> 8);
			if (asy_buf_add(&dst, u, 4) < 0)
				goto out;
		} else {
			u[0] = (unsigned char)(cp & 0xff);
			u[1] = (unsigned char)(cp >> 8);
			if (asy_buf_add(&dst, u, 2) < 0)
				goto out;
		}
	}
	ret = write_file(path, dst.data, dst.len);
out:
	asy_buf_release(&src);
	asy_buf_release(&dst);
	return ret;
}

/* 50 MB: an XML declaration, a comment of padding, then the base ICS.
 * Well-formed and otherwise valid, so only the size can be the problem. */
static int
gen_huge(struct bi_run *r, const char *path)
{
	static const char head[] = DECL "<!--\n";
	static const char tail[] = "\n-->\n";
	const size_t total = (size_t)50 << 20;
	const char *body = r->base[BI_ICS].data;
	const char *nl;
	char *chunk = NULL;
	size_t done = 0;
	int fd = -1, ret = -1;

	chunk = malloc((size_t)1 << 20);
	if (chunk == NULL)
		goto out;
	for (size_t i = 0; i < ((size_t)1 << 20); i++)
		chunk[i] = (i % 64 == 63) ? '\n' : 'p';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (write_all(fd, head, sizeof(head) - 1) < 0)
		goto out;
	while (done < total) {
		size_t n = total - done < ((size_t)1 << 20) ?
		    total - done : ((size_t)1 << 20);

		if (write_all(fd, chunk, n) < 0)
			goto out;
		done += n;
	}
	if (write_all(fd, tail, sizeof(tail) - 1) < 0)
		goto out;
	/* Skip the base's own XML declaration. */
	nl = strchr(body, '\n');
	body = nl != NULL ? nl + 1 : body;
	if (write_all(fd, body, strlen(body)) < 0)
		goto out;
	ret = 0;
out:
	if (fd >= 0 && close(fd) < 0)
		ret = -1;
	free(chunk);
	return ret;
}

/* The DUT's vendor attribute, 1 MiB long. */
static int
gen_long_attr(struct bi_run *r, const char *path)
{
	struct asy_buf b, v;
	int ret = -1;

	asy_buf_init(&b, (size_t)16 << 20);
	asy_buf_init(&v, (size_t)2 << 20);
	if (asy_buf_puts(&v, "vendor=\"") < 0)
		goto out;
	for (size_t i = 0; i < ((size_t)1 << 20); i++)
		if (asy_buf_putc(&v, (char)('A' + i % 26)) < 0)
			goto out;
	if (asy_buf_putc(&v, '"') < 0)
		goto out;
	if (asy_buf_add(&b, r->base[BI_ICS].data, r->base[BI_ICS].len) < 0)
		goto out;
	if (buf_replace(&b, "vendor=\"Korvat Systems\"", v.data, 0) < 0)
		goto out;
	ret = write_file(path, b.data, b.len);
out:
	asy_buf_release(&b);
	asy_buf_release(&v);
	return ret;
}

/* Elements nested 1,000 deep inside a field of an IXIT row. */
static int
gen_deep(struct bi_run *r, const char *path)
{
	struct asy_buf b, v;
	int ret = -1;

	asy_buf_init(&b, (size_t)16 << 20);
	asy_buf_init(&v, (size_t)1 << 20);
	if (asy_buf_puts(&v, "<description>") < 0)
		goto out;
	for (int i = 0; i < 1000; i++)
		if (asy_buf_puts(&v, "<n>") < 0)
			goto out;
	if (asy_buf_puts(&v, "deep") < 0)
		goto out;
	for (int i = 0; i < 1000; i++)
		if (asy_buf_puts(&v, "</n>") < 0)
			goto out;
	if (asy_buf_puts(&v, "</description>") < 0)
		goto out;
	if (asy_buf_add(&b, r->base[BI_IXIT].data, r->base[BI_IXIT].len) < 0)
		goto out;
	if (buf_replace(&b, "<description>Hub health counters.</description>",
	    v.data, 0) < 0)
		goto out;
	ret = write_file(path, b.data, b.len);
out:
	asy_buf_release(&b);
	asy_buf_release(&v);
	return ret;
}

static int
gen_ixit_as_ics(struct bi_run *r, const char *path)
{
	return write_file(path, r->base[BI_IXIT].data, r->base[BI_IXIT].len);
}

static int
gen_ics_as_ixit(struct bi_run *r, const char *path)
{
	return write_file(path, r->base[BI_ICS].data, r->base[BI_ICS].len);
}

static int
gen_dir(struct bi_run *r, const char *path)
{
	return mkdir(path, 0755);
}

static int
gen_fifo(struct bi_run *r, const char *path)
{
	return mkfifo(path, 0644);
}

static int
gen_nothing(struct bi_run *r, const char *path)
{
	return 0;
}

/* ---- Folder bookkeeping ---------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Append to *v one line per entry under dir (recursively, not following
 * symbolic links): relative name, type, size, modification time.  The
 * top-level "out" folder (assay's stdout and stderr) is left out.
 */
static void
snap_walk(const char *dir, const char *rel, char ***v, size_t *n,
    size_t *cap)
{
	DIR *d;
	struct dirent *e;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct asy_buf line;
		struct stat st;
		char *full, *sub;
		char **slot;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*rel == '\0' && strcmp(e->d_name, "out") == 0)
			continue;
		full = asy_path_join(dir, e->d_name);
		ck_assert_ptr_nonnull(full);
		if (lstat(full, &st) < 0) {
			free(full);
			continue;
		}
		asy_buf_init(&line, 4096);
		(void)asy_buf_printf(&line, "%s%s%s (mode %o, %lld bytes, "
		    "mtime %lld.%09ld)", rel, *rel ? "/" : "", e->d_name,
		    (unsigned)st.st_mode, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		slot = asy_array_add(v, n, cap, sizeof(char *));
		ck_assert_ptr_nonnull(slot);
		*slot = asy_buf_steal(&line);
		if (S_ISDIR(st.st_mode)) {
			sub = asy_path_join(rel, e->d_name);
			ck_assert_ptr_nonnull(sub);
			snap_walk(full, sub, v, n, cap);
			free(sub);
		}
		free(full);
	}
	closedir(d);
}

/* A sorted listing of the run folder, one entry per line. */
static char *
snapshot(const char *dir)
{
	struct asy_buf b;
	char **v = NULL;
	size_t n = 0, cap = 0;

	snap_walk(dir, "", &v, &n, &cap);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_str);
	asy_buf_init(&b, (size_t)1 << 20);
	(void)asy_buf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		(void)asy_buf_printf(&b, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	return asy_buf_steal(&b);
}

/* rm -rf for our own temporary folder (no symbolic links followed). */
static void
rm_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	d = opendir(path);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *sub;

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			sub = asy_path_join(path, e->d_name);
			if (sub != NULL)
				rm_tree(sub);
			free(sub);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

/* ---- Listener -------------------------------------------------------- */

/* A TCP listener on a random loopback port; nobody should ever call it. */
static void
listener_open(struct bi_run *r)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int rc;

	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_msg(r->lfd >= 0, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	rc = bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa));
	ck_assert_msg(rc == 0, "bind: %s", strerror(errno));
	rc = listen(r->lfd, 16);
	ck_assert_msg(rc == 0, "listen: %s", strerror(errno));
	rc = getsockname(r->lfd, (struct sockaddr *)&sa, &len);
	ck_assert_msg(rc == 0, "getsockname: %s", strerror(errno));
	r->port = ntohs(sa.sin_port);
}

/* Number of connections that reached the listener (accepted now). */
static int
listener_drain(struct bi_run *r)
{
	int k = 0;

	for (;;) {
		int fd;

		fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		close(fd);
		k++;
	}
	return k;
}

/* ---- Running assay --------------------------------------------------- */

/* A copy of environ with TMPDIR pointing into the run folder, so temporary
 * files assay might make show up in the snapshot. */
static char **
child_env(const char *tmp)
{
	size_t n = 0, k = 0;
	char **env;
	struct asy_buf b;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 2, sizeof(*env));
	ck_assert_ptr_nonnull(env);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TMPDIR=", 7) != 0)
			env[k++] = environ[i];
	asy_buf_init(&b, 8192);
	(void)asy_buf_printf(&b, "TMPDIR=%s", tmp);
	env[k++] = asy_buf_steal(&b);
	env[k] = NULL;
	return env;
}

/*
 * Run assay with argv (argv[0] is the binary), cwd tmp, stdin /dev/null,
 * stdout and stderr to out/, killed after max_secs.  Fills status,
 * timed_out, secs and err.
 */
static void
run_assay(struct bi_run *r, char *const argv[], int max_secs)
{
	char *outp, *errp;
	char **env;
	int ofd, efd, nfd;
	pid_t pid;
	double t0, deadline;
	int st = 0, rc;

	outp = asy_path_join(r->out, "stdout");
	errp = asy_path_join(r->out, "stderr");
	ck_assert_ptr_nonnull(outp);
	ck_assert_ptr_nonnull(errp);
	ofd = open(outp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	efd = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	nfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_msg(ofd >= 0 && efd >= 0 && nfd >= 0, "open: %s",
	    strerror(errno));
	env = child_env(r->tmp);

	t0 = now_secs();
	deadline = t0 + (max_secs > 0 ? max_secs : 30);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* Only async-signal-safe calls from here on. */
		if (dup2(nfd, 0) < 0 || dup2(ofd, 1) < 0 || dup2(efd, 2) < 0)
			_exit(126);
		if (chdir(r->tmp) < 0)
			_exit(126);
		execve(argv[0], argv, env);
		_exit(127);
	}
	close(ofd);
	close(efd);
	close(nfd);

	r->timed_out = 0;
	for (;;) {
		pid_t w;

		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			ck_abort_msg("waitpid: %s", strerror(errno));
		if (now_secs() > deadline) {
			kill(pid, SIGKILL);
			rc = (int)waitpid(pid, &st, 0);
			ck_assert_int_eq(rc, pid);
			r->timed_out = 1;
			break;
		}
		(void)poll(NULL, 0, 10);
	}
	r->secs = now_secs() - t0;
	r->status = st;

	asy_buf_init(&r->err, (size_t)32 << 20);
	rc = asy_buf_load_file(&r->err, errp);
	ck_assert_msg(rc == 0, "cannot read assay's stderr: %s",
	    asy_strerror(rc));
	for (size_t i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], "TMPDIR=", 7) == 0)
			free(env[i]);
	free(env);
	free(outp);
	free(errp);
}

/* ---- Matching stderr ------------------------------------------------- */

static int
is_tok(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* Does msg hold alternative alt (n bytes; "=X" for a whole token)? */
static int
match_alt(const char *msg, const char *alt, size_t n)
{
	int token = 0;
	char *needle;
	const char *p;
	int found = 0;

	while (n > 0 && *alt == ' ') {
		alt++;
		n--;
	}
	while (n > 0 && alt[n - 1] == ' ')
		n--;
	if (n > 0 && *alt == '=') {
		token = 1;
		alt++;
		n--;
	}
	if (n == 0)
		return 1;
	needle = asy_strndup(alt, n);
	ck_assert_ptr_nonnull(needle);
	for (p = msg; (p = strcasestr(p, needle)) != NULL; p++) {
		if (!token || ((p == msg || !is_tok((unsigned char)p[-1])) &&
		    !is_tok((unsigned char)p[n]))) {
			found = 1;
			break;
		}
	}
	free(needle);
	return found;
}

/*
 * Does msg match text?  Terms separated by "&" must all match; a term is
 * alternatives separated by "|", one of which must match.
 */
static int
match_text(const char *msg, const char *text)
{
	const char *term = text;

	for (;;) {
		const char *amp = strchr(term, '&');
		const char *end = amp != NULL ? amp : term + strlen(term);
		const char *alt = term;
		int ok = 0;

		for (;;) {
			const char *bar = memchr(alt, '|', (size_t)(end - alt));
			const char *aend = bar != NULL ? bar : end;

			if (match_alt(msg, alt, (size_t)(aend - alt))) {
				ok = 1;
				break;
			}
			if (bar == NULL)
				break;
			alt = bar + 1;
		}
		if (!ok)
			return 0;
		if (amp == NULL)
			return 1;
		term = amp + 1;
	}
}

/*
 * If line reads "PATH:DIGITS: error: MSG", return MSG, else NULL.
 */
static const char *
error_msg_for(const char *line, const char *path)
{
	size_t n = strlen(path);
	const char *p;

	if (strncmp(line, path, n) != 0 || line[n] != ':')
		return NULL;
	p = line + n + 1;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, ": error: ", 9) != 0)
		return NULL;
	return p + 9;
}

/* The stderr lines as a NULL-terminated array of heap strings. */
static char **
split_lines(const struct asy_buf *b)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	const char *p = b->data ? b->data : "";
	const char *end = p + b->len;
	char **slot;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;

		slot = asy_array_add(&v, &n, &cap, sizeof(char *));
		ck_assert_ptr_nonnull(slot);
		*slot = asy_strndup(p, (size_t)(e - p));
		ck_assert_ptr_nonnull(*slot);
		p = nl != NULL ? nl + 1 : end;
	}
	slot = asy_array_add(&v, &n, &cap, sizeof(char *));
	ck_assert_ptr_nonnull(slot);
	*slot = NULL;
	return v;
}

static void
free_lines(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Is there an error line for file f whose message matches text? */
static int
expect_found(struct bi_run *r, char **lines, enum bi_file f,
    const char *text)
{
	for (size_t i = 0; lines[i] != NULL; i++) {
		const char *msg = NULL;

		if (f == BI_ANYWHERE)
			msg = lines[i];
		else if (f == BI_EITHER) {
			msg = error_msg_for(lines[i], r->path[BI_ICS]);
			if (msg == NULL)
				msg = error_msg_for(lines[i], r->path[BI_IXIT]);
		} else
			msg = error_msg_for(lines[i], r->path[f]);
		if (msg != NULL && match_text(msg, text))
			return 1;
	}
	return 0;
}

static const char *
file_label(enum bi_file f)
{
	if (f == BI_EITHER)
		return "ics.xml or ixit.xml";
	if (f == BI_ANYWHERE)
		return "any line";
	return f < BI_NFILES ? bi_names[f] : "?";
}

/* Check stderr against the case's expectations, sanitizers, forbid. */
static void
check_stderr(struct bi_run *r, const struct bi_case *c, int want_errors)
{
	char **lines;
	const char *s = r->err.data ? r->err.data : "";

	lines = split_lines(&r->err);
	if (strstr(s, "AddressSanitizer") != NULL ||
	    strstr(s, "LeakSanitizer") != NULL ||
	    strstr(s, "runtime error:") != NULL)
		bi_fail(r, "a sanitizer reported a problem in assay");
	if (c != NULL && c->forbid != NULL && strstr(s, c->forbid) != NULL)
		bi_fail(r, "stderr contains '%s' (content of a file named in "
		    "the document leaked)", c->forbid);
	if (!want_errors) {
		for (size_t i = 0; lines[i] != NULL; i++)
			if (strstr(lines[i], ": error: ") != NULL) {
				bi_fail(r, "an error was reported: %s",
				    lines[i]);
				break;
			}
		free_lines(lines);
		return;
	}
	for (size_t k = 0; k < ASY_ELEMENTSOF(c->expect); k++) {
		const struct bi_expect *e = &c->expect[k];

		if (e->text == NULL)
			continue;
		if (expect_found(r, lines, e->file, e->text))
			continue;
		if (e->file == BI_ANYWHERE)
			bi_fail(r, "no stderr line matching \"%s\"", e->text);
		else
			bi_fail(r, "no line '%s:N: error: ...' matching \"%s\"",
			    e->file < BI_NFILES ? r->path[e->file] :
			    file_label(e->file), e->text);
	}
	free_lines(lines);
}

/* ---- One case -------------------------------------------------------- */

static void
run_init(struct bi_run *r, const struct bi_case *c)
{
	char tmpl[4096];
	const char *tdir = getenv("TMPDIR");
	int rc;

	memset(r, 0, sizeof(*r));
	r->c = c;
	r->lfd = -1;
	asy_buf_init(&r->fail, (size_t)1 << 20);
	snprintf(tmpl, sizeof(tmpl), "%s/assay-bad-input.XXXXXX",
	    tdir != NULL && *tdir != '\0' ? tdir : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	r->tmp = asy_strdup(tmpl);
	r->dev = asy_path_join(r->tmp, "dev");
	r->out = asy_path_join(r->tmp, "out");
	ck_assert(r->tmp != NULL && r->dev != NULL && r->out != NULL);
	rc = mkdir(r->dev, 0755);
	ck_assert_int_eq(rc, 0);
	rc = mkdir(r->out, 0755);
	ck_assert_int_eq(rc, 0);
	for (int f = 0; f < BI_NFILES; f++) {
		char *bp, *base_dir;

		r->path[f] = asy_path_join(r->dev, bi_names[f]);
		ck_assert_ptr_nonnull(r->path[f]);
		base_dir = asy_path_join(src_dir(),
		    "tests/data/bad-input/base");
		ck_assert_ptr_nonnull(base_dir);
		bp = asy_path_join(base_dir, bi_names[f]);
		ck_assert_ptr_nonnull(bp);
		asy_buf_init(&r->base[f], (size_t)16 << 20);
		rc = asy_buf_load_file(&r->base[f], bp);
		ck_assert_msg(rc == 0, "cannot read %s: %s", bp,
		    asy_strerror(rc));
		free(bp);
		free(base_dir);
	}
	listener_open(r);
}

static void
run_release(struct bi_run *r)
{
	if (r->lfd >= 0)
		close(r->lfd);
	if (r->tmp != NULL)
		rm_tree(r->tmp);
	for (int f = 0; f < BI_NFILES; f++) {
		free(r->path[f]);
		asy_buf_release(&r->base[f]);
	}
	free(r->tmp);
	free(r->dev);
	free(r->out);
	asy_buf_release(&r->err);
	asy_buf_release(&r->fail);
}

/* Write the (mutated) declaration files of case c into r->dev; sets
 * which[] to the files present. */
static void
write_inputs(struct bi_run *r, const struct bi_case *c, int which[])
{
	struct asy_buf content[BI_NFILES];
	int rc;

	which[BI_ICS] = which[BI_IXIT] = 1;
	which[BI_ANSWERS] = (c->flags & BI_F_ANSWERS) != 0;
	for (int f = 0; f < BI_NFILES; f++) {
		asy_buf_init(&content[f], (size_t)64 << 20);
		rc = asy_buf_add(&content[f], r->base[f].data, r->base[f].len);
		ck_assert_int_eq(rc, 0);
	}

	switch (c->how) {
	case BI_EDIT:
		for (size_t k = 0; k < ASY_ELEMENTSOF(c->edit); k++) {
			const struct bi_edit *e = &c->edit[k];
			char *repl;

			if (e->find == NULL)
				continue;
			repl = expand_port(r, e->repl);
			ck_assert_ptr_nonnull(repl);
			rc = buf_replace(&content[e->file], e->find, repl,
			    e->all);
			free(repl);
			ck_assert_msg(rc == 0, "test bug: '%s' is not in the "
			    "base %s", e->find, bi_names[e->file]);
			which[e->file] = 1;
		}
		break;
	case BI_TRUNC: {
		const struct bi_edit *e = &c->edit[0];
		const char *hit;

		hit = memmem(content[e->file].data, content[e->file].len,
		    e->find, strlen(e->find));
		ck_assert_msg(hit != NULL, "test bug: '%s' is not in the base "
		    "%s", e->find, bi_names[e->file]);
		content[e->file].len = (size_t)(hit - content[e->file].data) +
		    strlen(e->find);
		content[e->file].data[content[e->file].len] = '\0';
		which[e->file] = 1;
		break;
	}
	case BI_RAW:
		asy_buf_reset(&content[c->file]);
		rc = asy_buf_add(&content[c->file], c->raw, c->raw_len);
		ck_assert_int_eq(rc, 0);
		which[c->file] = 1;
		break;
	case BI_GEN:
	case BI_USAGE:
		break;
	}

	for (int f = 0; f < BI_NFILES; f++) {
		if (c->how == BI_GEN && f == (int)c->file)
			continue;
		if (!which[f])
			continue;
		rc = write_file(r->path[f], content[f].data, content[f].len);
		ck_assert_msg(rc == 0, "cannot write %s: %s", r->path[f],
		    strerror(errno));
	}
	if (c->how == BI_GEN) {
		rc = c->gen(r, r->path[c->file]);
		ck_assert_msg(rc == 0, "generator of %s failed: %s", c->name,
		    strerror(errno));
		which[c->file] = 1;
	}
	for (int f = 0; f < BI_NFILES; f++)
		asy_buf_release(&content[f]);
}

/* argv for "assay validate" on r's folder: DEVICE_DIR or options. */
static void
build_argv(struct bi_run *r, const struct bi_case *c, const int which[],
    int options, const char *argv[], size_t max)
{
	size_t k = 0;

	argv[k++] = assay_bin();
	if (c != NULL && c->how == BI_USAGE) {
		for (size_t i = 0; i < ASY_ELEMENTSOF(c->argv) &&
		    c->argv[i] != NULL; i++) {
			const char *a = c->argv[i];

			if (strcmp(a, "@ICS@") == 0)
				a = r->path[BI_ICS];
			else if (strcmp(a, "@DEV@") == 0)
				a = r->dev;
			argv[k++] = a;
		}
	} else if (!options) {
		argv[k++] = "validate";
		argv[k++] = r->dev;
	} else {
		argv[k++] = "validate";
		argv[k++] = "--ics";
		argv[k++] = r->path[BI_ICS];
		argv[k++] = "--ixit";
		argv[k++] = r->path[BI_IXIT];
		if (which[BI_ANSWERS]) {
			argv[k++] = "--answers";
			argv[k++] = r->path[BI_ANSWERS];
		}
	}
	ck_assert(k < max);
	argv[k] = NULL;
}

/*
 * One-line summary of a failed case, for the TAP line; kept outside the
 * run so everything else can be freed before the test aborts (a leak
 * checker runs when Check's forked test process exits).
 */
static char summary[2048];

/* Log a failed case in full to our stderr (the test log) and keep a one-line
 * summary; returns 1 if the case failed. */
static int
report(struct bi_run *r, const char *name)
{
	const char *s = r->err.data ? r->err.data : "";
	size_t k;
	int n;

	if (r->fail.len == 0) {
		/* Keep the evidence of a pass too: the log shows why. */
		fprintf(stderr, "=== %s: ok (%.2f s)\n%.*s%s", name, r->secs,
		    (int)(r->err.len > 2048 ? 2048 : r->err.len), s,
		    r->err.len > 2048 ? "\n[...]\n" : "");
		return 0;
	}
	fprintf(stderr, "=== %s: FAILED: %s\n--- assay stderr (%zu bytes, "
	    "%.2f s) ---\n%.*s%s--- end ---\n", name, r->fail.data,
	    r->err.len, r->secs, (int)(r->err.len > 8192 ? 8192 : r->err.len),
	    s, r->err.len > 8192 ? "\n[...]\n" : "");
	n = snprintf(summary, sizeof(summary), "%s: %s; stderr: ", name,
	    r->fail.data);
	k = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < r->err.len && k + 8 < sizeof(summary); i++) {
		if (s[i] == '\n') {
			memcpy(summary + k, " \\n ", 4);
			k += 4;
		} else if ((unsigned char)s[i] < 0x20)
			summary[k++] = '?';
		else
			summary[k++] = s[i];
	}
	if (k < sizeof(summary))
		summary[k] = '\0';
	summary[sizeof(summary) - 1] = '\0';
	return 1;
}

static void
check_status(struct bi_run *r, int want0, int allow0)
{
	if (r->timed_out) {
		bi_fail(r, "assay did not finish within the deadline (killed "
		    "after %.1f s)", r->secs);
		return;
	}
	if (WIFSIGNALED(r->status)) {
		bi_fail(r, "assay died of signal %d", WTERMSIG(r->status));
		return;
	}
	if (!WIFEXITED(r->status)) {
		bi_fail(r, "odd wait status %d", r->status);
		return;
	}
	if (want0 && WEXITSTATUS(r->status) != 0)
		bi_fail(r, "exit status %d, want 0", WEXITSTATUS(r->status));
	if (!want0 && WEXITSTATUS(r->status) != 2 &&
	    !(allow0 && WEXITSTATUS(r->status) == 0))
		bi_fail(r, "exit status %d, want 2%s", WEXITSTATUS(r->status),
		    allow0 ? " or 0" : "");
}

static void
run_bad(const struct bi_case *c)
{
	struct bi_run r;
	int which[BI_NFILES];
	const char *argv[16];
	char *before, *after;
	int conns, failed;

	run_init(&r, c);
	write_inputs(&r, c, which);
	build_argv(&r, c, which, (c->flags & BI_F_OPTIONS) != 0, argv,
	    ASY_ELEMENTSOF(argv));
	before = snapshot(r.tmp);
	run_assay(&r, (char *const *)argv, c->max_secs);
	after = snapshot(r.tmp);
	conns = listener_drain(&r);

	check_status(&r, 0, (c->flags & BI_F_EXIT0_OK) != 0);
	if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
	    (c->flags & BI_F_EXIT0_OK))
		check_stderr(&r, c, 0);
	else
		check_stderr(&r, c, 1);
	if (conns > 0)
		bi_fail(&r, "%d connection(s) reached the loopback listener on "
		    "port %u", conns, r.port);
	if (strcmp(before, after) != 0)
		bi_fail(&r, "the folder changed: before [%s] after [%s]",
		    before, after);
	failed = report(&r, c->name);
	free(before);
	free(after);
	run_release(&r);
	ck_assert_msg(!failed, "%s", summary);
}

START_TEST(test_bad)
{
	run_bad(&cases[_i]);
}
END_TEST

/* ---- Positive controls ----------------------------------------------- */

/* Positive control on the base set: 0 dir, 1 dir + answers, 2 options,
 * 3 options + answers. */
static void
run_good(int variant)
{
	static const struct bi_case good = { .name = "base", .how = BI_EDIT };
	static const struct bi_case good_ans = { .name = "base+answers",
	    .how = BI_EDIT, .flags = BI_F_ANSWERS };
	const struct bi_case *c = (variant & 1) ? &good_ans : &good;
	struct bi_run r;
	int which[BI_NFILES];
	const char *argv[16];
	char *before, *after;
	char name[64];
	int failed;

	snprintf(name, sizeof(name), "%s%s", c->name,
	    (variant & 2) ? " (options)" : " (folder)");
	run_init(&r, c);
	write_inputs(&r, c, which);
	build_argv(&r, c, which, (variant & 2) != 0, argv,
	    ASY_ELEMENTSOF(argv));
	before = snapshot(r.tmp);
	run_assay(&r, (char *const *)argv, 30);
	after = snapshot(r.tmp);
	check_status(&r, 1, 0);
	check_stderr(&r, NULL, 0);
	if (listener_drain(&r) > 0)
		bi_fail(&r, "a connection reached the loopback listener");
	if (strcmp(before, after) != 0)
		bi_fail(&r, "the folder changed: before [%s] after [%s]",
		    before, after);
	failed = report(&r, name);
	free(before);
	free(after);
	run_release(&r);
	ck_assert_msg(!failed, "%s", summary);
}

START_TEST(test_base_valid)
{
	run_good(_i);
}
END_TEST

/* Every example declaration under ics-ixit/examples/ validates. */
START_TEST(test_examples_valid)
{
	char *dir;
	DIR *d;
	struct dirent *e;
	int seen = 0;
	struct asy_buf fails;

	asy_buf_init(&fails, (size_t)1 << 20);
	dir = asy_path_join(src_dir(), "ics-ixit/examples");
	ck_assert_ptr_nonnull(dir);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		struct bi_run r;
		const char *argv[4];
		char *ex;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		ex = asy_path_join(dir, e->d_name);
		ck_assert_ptr_nonnull(ex);
		if (stat(ex, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(ex);
			continue;
		}
		seen++;
		run_init(&r, NULL);
		argv[0] = assay_bin();
		argv[1] = "validate";
		argv[2] = ex;
		argv[3] = NULL;
		run_assay(&r, (char *const *)argv, 30);
		check_status(&r, 1, 0);
		check_stderr(&r, NULL, 0);
		if (listener_drain(&r) > 0)
			bi_fail(&r, "a connection reached the loopback "
			    "listener");
		if (r.fail.len > 0) {
			fprintf(stderr, "=== example %s: FAILED: %s\n--- assay "
			    "stderr ---\n%s--- end ---\n", e->d_name,
			    r.fail.data, r.err.data ? r.err.data : "");
			(void)asy_buf_printf(&fails, "%s%s: %s",
			    fails.len ? "; " : "", e->d_name, r.fail.data);
		}
		run_release(&r);
		free(ex);
	}
	closedir(d);
	free(dir);
	ck_assert_msg(seen > 0, "no examples found");
	ck_assert_msg(fails.len == 0, "examples: %s", fails.data);
	asy_buf_release(&fails);
}
END_TEST

static Suite *
bad_input_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("bad-input");
	tc = tcase_create("controls");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_base_valid, 0, 4);
	tcase_add_test(tc, test_examples_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("cases");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_bad, 0, (int)ASY_ELEMENTSOF(cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	int failed;

	/* Each case names its generator or edits; make sure no two cases
	 * share a name, so a report is unambiguous. */
	for (size_t i = 0; i < ASY_ELEMENTSOF(cases); i++)
		for (size_t j = i + 1; j < ASY_ELEMENTSOF(cases); j++)
			if (strcmp(cases[i].name, cases[j].name) == 0) {
				fprintf(stderr, "duplicate case name %s\n",
				    cases[i].name);
				return 99;
			}
	sr = srunner_create(bad_input_suite());
	srunner_run_all(sr, tap != NULL && strcmp(tap, "-") == 0 ?
	    CK_SILENT : CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
