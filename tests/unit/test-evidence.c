/*
 * Run folders and their manifest.
 *
 * The library: a folder made with asy_rundir_create/write/copy/finish
 * verifies; then one tampering at a time (a changed byte, a deleted file,
 * an added file, a symlink, a manifest that points outside the folder or
 * is damaged) must be caught with a diagnostic naming the file; a run never
 * overwrites an existing folder, and a second writer of the same run is
 * refused while the first one's .partial exists.
 *
 * End to end: the assay binary runs the ipcam example offline (exit 1: it
 * has FAILs), the folder holds every promised file, verifies, report.xml is
 * valid against reports/schema/report.xsd and records the SHA-256 of the
 * original inputs, a second run into the same folder is refused (exit 2)
 * without touching it, and a tampered report.xml fails "assay verify".
 */
#include <check.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>

#include "diag.h"
#include "evidence.h"
#include "sha256.h"
#include "ut.h"

/* SHA-256 of a file with OpenSSL directly, not through assay. */
static void
evp_sha256_file(const char *path, char hex[ASY_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct asy_buf b;

	ut_load(path, &b);
	ck_assert_int_eq(EVP_Digest(b.data, b.len, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	ck_assert_uint_eq(mdlen, 32);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	asy_buf_release(&b);
}

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void
put(struct asy_rundir *rd, const char *rel, const char *text)
{
	struct asy_buf b;

	asy_buf_init(&b, 1 << 20);
	ck_assert_int_eq(asy_buf_puts(&b, text), 0);
	ck_assert_int_eq(asy_rundir_write(rd, rel, &b), 0);
	asy_buf_release(&b);
}

/* A finished run folder DIR/run with four files; returns its path. */
static char *
make_run(const char *dir)
{
	char *final = join(dir, "run"), *partial, *src;
	struct asy_rundir *rd = NULL;
	char hex[ASY_SHA256_HEX], want[ASY_SHA256_HEX];

	ck_assert_int_eq(asy_rundir_create(final, &rd), 0);
	ck_assert_ptr_nonnull(rd);
	partial = join(dir, "run" ASY_PARTIAL);
	/* Until it is finished, only the .partial folder exists. */
	ck_assert(ut_exists(partial));
	ck_assert(!ut_exists(final));
	put(rd, "report.xml", "<report/>\n");
	put(rd, "inputs/ics.xml", "<ics/>\n");
	put(rd, "evidence/deep/er/notes.txt", "frames 12-18\n");
	src = ut_src("ics-ixit/examples/hub/ics.xml");
	ck_assert_int_eq(asy_rundir_copy(rd, src, "inputs/copied.xml", hex),
	    0);
	evp_sha256_file(src, want);
	ck_assert_str_eq(hex, want);
	ck_assert_int_eq(asy_rundir_finish(rd), 0);
	ck_assert(ut_exists(final));
	ck_assert(!ut_exists(partial));
	asy_rundir_free(rd);
	free(partial);
	free(src);
	return final;
}

static int
verify(const char *run, struct asy_diags *d)
{
	unsigned long n = 0;

	asy_diags_init(d);
	return asy_verify_rundir(run, d, &n);
}

/* A diagnostic that is an error on a file ending in tail, saying what. */
static int
has_diag(const struct asy_diags *d, const char *tail, const char *what)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t a = strlen(d->v[i].file), b = strlen(tail);

		if (d->v[i].sev == ASY_SEV_ERROR && a >= b &&
		    strcmp(d->v[i].file + a - b, tail) == 0 &&
		    strstr(d->v[i].msg, what) != NULL)
			return 1;
	}
	return 0;
}

START_TEST(test_intact)
{
	char *dir = ut_tmpdir(), *run = make_run(dir);
	char *mpath = join(run, ASY_MANIFEST), *file;
	char hex[ASY_SHA256_HEX];
	unsigned long n = 0;
	struct asy_diags d;
	struct asy_buf m;
	const char *prev = "";
	size_t lines = 0;

	asy_diags_init(&d);
	ck_assert_int_eq(asy_verify_rundir(run, &d, &n), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_uint_eq(n, 4);
	/* The manifest: "HEX  PATH", sorted by path, without itself; the
	 * hashes agree with OpenSSL's. */
	ut_load(mpath, &m);
	for (char *p = m.data; *p != '\0';) {
		char *nl = strchr(p, '\n');

		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_uint_gt(strlen(p), 66);
		ck_assert(p[64] == ' ' && p[65] == ' ');
		ck_assert_int_gt(strcmp(p + 66, prev), 0);
		ck_assert_str_ne(p + 66, ASY_MANIFEST);
		file = join(run, p + 66);
		evp_sha256_file(file, hex);
		ck_assert_int_eq(strncmp(p, hex, 64), 0);
		free(file);
		prev = p + 66;
		lines++;
		p = nl + 1;
	}
	ck_assert_uint_eq(lines, 4);
	asy_buf_release(&m);
	asy_diags_release(&d);
	free(mpath);
	ut_rmrf(dir);
	free(run);
	free(dir);
}
END_TEST

/* Earlier problems in the same diagnostics list do not make an intact
 * folder fail. */
START_TEST(test_intact_with_earlier_diags)
{
	char *dir = ut_tmpdir(), *run = make_run(dir);
	struct asy_diags d;

	asy_diags_init(&d);
	asy_diag_error(&d, "elsewhere.xml", 3, "an earlier problem");
	ck_assert_int_eq(asy_verify_rundir(run, &d, NULL), 0);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(run);
	free(dir);
}
END_TEST

/* ---- tampering ---------------------------------------------------------- */

enum tamper_how {
	T_FLIP,		/* change one byte of file */
	T_TRUNCATE,	/* cut file to nothing */
	T_DELETE,
	T_ADD,		/* a new file */
	T_SYMLINK,	/* a symlink named file, to report.xml */
	T_DIRLINK,	/* a symlink named file, to a folder */
	T_FIFO,
	T_MANIFEST_LINE,	/* append arg to the manifest */
	T_MANIFEST_DELETE,
};

#define HEX64 "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

static const struct tamper {
	const char	*what;
	enum tamper_how	 how;
	const char	*file;
	const char	*arg;
	int		 result;
	const char	*diag_file;	/* NULL: any */
	const char	*diag_says;
} tampers[] = {
	{ "one byte changed", T_FLIP, "report.xml", NULL, ASY_E_MISMATCH,
	  "report.xml", "changed" },
	{ "one byte changed deep down", T_FLIP, "evidence/deep/er/notes.txt",
	  NULL, ASY_E_MISMATCH, "notes.txt", "changed" },
	{ "a file emptied", T_TRUNCATE, "inputs/ics.xml", NULL,
	  ASY_E_MISMATCH, "inputs/ics.xml", "changed" },
	{ "a file deleted", T_DELETE, "inputs/ics.xml", NULL, ASY_E_MISMATCH,
	  "inputs/ics.xml", "missing" },
	{ "a file added", T_ADD, "extra.txt", NULL, ASY_E_MISMATCH,
	  "extra.txt", "added" },
	{ "a file added in a new folder", T_ADD, "more/extra.txt", NULL,
	  ASY_E_MISMATCH, "more/extra.txt", "added" },
	{ "a symlink to a listed file", T_SYMLINK, "link.xml", NULL,
	  ASY_E_MISMATCH, "link.xml", "regular file" },
	{ "a symlink to a folder", T_DIRLINK, "linkdir", NULL,
	  ASY_E_MISMATCH, "linkdir", "regular file" },
	{ "a fifo", T_FIFO, "pipe", NULL, ASY_E_MISMATCH, "pipe",
	  "regular file" },
	{ "a manifest path with ..", T_MANIFEST_LINE, NULL,
	  HEX64 "  ../x\n", ASY_E_INPUT, ASY_MANIFEST, "outside" },
	{ "a manifest path with an inner ..", T_MANIFEST_LINE, NULL,
	  HEX64 "  inputs/../../x\n", ASY_E_INPUT, ASY_MANIFEST, "outside" },
	{ "an absolute manifest path", T_MANIFEST_LINE, NULL,
	  HEX64 "  /etc/passwd\n", ASY_E_INPUT, ASY_MANIFEST, "outside" },
	{ "a manifest that lists itself", T_MANIFEST_LINE, NULL,
	  HEX64 "  " ASY_MANIFEST "\n", ASY_E_INPUT, ASY_MANIFEST, "manifest" },
	{ "a damaged manifest line", T_MANIFEST_LINE, NULL,
	  "not a manifest line\n", ASY_E_INPUT, ASY_MANIFEST, "damaged" },
	{ "a short hash", T_MANIFEST_LINE, NULL, "0123  report.xml\n",
	  ASY_E_INPUT, ASY_MANIFEST, "damaged" },
	{ "an uppercase hash", T_MANIFEST_LINE, NULL,
	  "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
	  "  extra\n", ASY_E_INPUT, ASY_MANIFEST, "damaged" },
	{ "no manifest", T_MANIFEST_DELETE, NULL, NULL, ASY_E_INPUT,
	  ASY_MANIFEST, "manifest" },
};

START_TEST(test_tamper)
{
	const struct tamper *t = &tampers[_i];
	char *dir = ut_tmpdir(), *run = make_run(dir), *path = NULL;
	char *mpath = join(run, ASY_MANIFEST);
	struct asy_diags d;
	struct asy_buf b;
	int r;

	if (t->file != NULL)
		path = join(run, t->file);
	switch (t->how) {
	case T_FLIP:
		ut_load(path, &b);
		b.data[b.len / 2] ^= 0x01;
		ut_write(path, b.data, b.len);
		asy_buf_release(&b);
		break;
	case T_TRUNCATE:
		ck_assert_int_eq(truncate(path, 0), 0);
		break;
	case T_DELETE:
		ck_assert_int_eq(unlink(path), 0);
		break;
	case T_ADD:
		if (strchr(t->file, '/') != NULL) {
			char *sub = join(run, "more");

			ck_assert_int_eq(mkdir(sub, 0755), 0);
			free(sub);
		}
		ut_write_str(path, "added later\n");
		break;
	case T_SYMLINK:
		ck_assert_int_eq(symlink("report.xml", path), 0);
		break;
	case T_DIRLINK:
		ck_assert_int_eq(symlink("inputs", path), 0);
		break;
	case T_FIFO:
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	case T_MANIFEST_LINE:
		ut_load(mpath, &b);
		ck_assert_int_eq(asy_buf_puts(&b, t->arg), 0);
		ut_write(mpath, b.data, b.len);
		asy_buf_release(&b);
		break;
	case T_MANIFEST_DELETE:
		ck_assert_int_eq(unlink(mpath), 0);
		break;
	}
	r = verify(run, &d);
	ck_assert_msg(r == t->result, "%s: verify says %d (%s), expected %s",
	    t->what, r, asy_strerror(r), asy_strerror(t->result));
	ck_assert_uint_gt(d.n_errors, 0);
	if (!has_diag(&d, t->diag_file, t->diag_says)) {
		asy_diags_print(&d, stderr);
		ck_abort_msg("%s: no error on '%s' saying '%s'", t->what,
		    t->diag_file, t->diag_says);
	}
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(path);
	free(mpath);
	free(run);
	free(dir);
}
END_TEST

/* ---- never overwrite ---------------------------------------------------- */

START_TEST(test_exists)
{
	char *dir = ut_tmpdir(), *final = join(dir, "run");
	char *keep = join(final, "keep.txt");
	char *partial = join(dir, "run.partial");
	char *file = join(dir, "plainfile");
	struct asy_rundir *rd = NULL;
	struct asy_buf b;

	ck_assert_int_eq(mkdir(final, 0755), 0);
	ut_write_str(keep, "precious\n");
	ck_assert_int_eq(asy_rundir_create(final, &rd), ASY_E_EXISTS);
	ck_assert_ptr_null(rd);
	ck_assert(!ut_exists(partial));
	/* A trailing slash names the same folder. */
	{
		char *slash = join(dir, "run/");

		ck_assert_int_eq(asy_rundir_create(slash, &rd), ASY_E_EXISTS);
		free(slash);
	}
	/* A plain file is just as much in the way. */
	ut_write_str(file, "x");
	ck_assert_int_eq(asy_rundir_create(file, &rd), ASY_E_EXISTS);
	ck_assert_ptr_null(rd);
	ut_load(keep, &b);
	ck_assert_str_eq(b.data, "precious\n");
	asy_buf_release(&b);
	ut_rmrf(dir);
	free(dir);
	free(final);
	free(keep);
	free(partial);
	free(file);
}
END_TEST

/* A second writer of the same run is refused while the first works. */
START_TEST(test_concurrent)
{
	char *dir = ut_tmpdir(), *final = join(dir, "run");
	struct asy_rundir *a = NULL, *b = NULL;
	struct asy_diags d;

	ck_assert_int_eq(asy_rundir_create(final, &a), 0);
	put(a, "report.xml", "first\n");
	ck_assert_int_eq(asy_rundir_create(final, &b), ASY_E_EXISTS);
	ck_assert_ptr_null(b);
	/* The first run is unharmed and finishes. */
	put(a, "junit.xml", "first\n");
	ck_assert_int_eq(asy_rundir_finish(a), 0);
	ck_assert_int_eq(verify(final, &d), 0);
	asy_diags_release(&d);
	asy_rundir_free(a);
	ut_rmrf(dir);
	free(final);
	free(dir);
}
END_TEST

/* The final name taken while a run was being written: finish refuses. */
START_TEST(test_finish_race)
{
	char *dir = ut_tmpdir(), *final = join(dir, "run");
	char *theirs = join(final, "theirs.txt");
	struct asy_rundir *rd = NULL;
	struct asy_buf b;

	ck_assert_int_eq(asy_rundir_create(final, &rd), 0);
	put(rd, "report.xml", "mine\n");
	ck_assert_int_eq(mkdir(final, 0755), 0);
	ut_write_str(theirs, "theirs\n");
	ck_assert_int_eq(asy_rundir_finish(rd), ASY_E_EXISTS);
	ut_load(theirs, &b);
	ck_assert_str_eq(b.data, "theirs\n");
	asy_buf_release(&b);
	asy_rundir_free(rd);
	ut_rmrf(dir);
	free(theirs);
	free(final);
	free(dir);
}
END_TEST

/* Relative paths that would leave the run folder are refused. */
static const char *const bad_rels[] = {
	"../escape.txt", "/tmp/escape.txt", "a/../../escape.txt", "", ".",
	"a//b", "./x", "a/./b",
};

START_TEST(test_write_outside)
{
	char *dir = ut_tmpdir(), *final = join(dir, "run");
	char *escape = join(dir, "escape.txt");
	struct asy_rundir *rd = NULL;
	struct asy_buf b;

	asy_buf_init(&b, 64);
	ck_assert_int_eq(asy_buf_puts(&b, "x"), 0);
	ck_assert_int_eq(asy_rundir_create(final, &rd), 0);
	ck_assert_msg(asy_rundir_write(rd, bad_rels[_i], &b) < 0,
	    "'%s' was written", bad_rels[_i]);
	ck_assert(!ut_exists(escape));
	asy_buf_release(&b);
	asy_rundir_free(rd);
	ut_rmrf(dir);
	free(escape);
	free(final);
	free(dir);
}
END_TEST

/* ---- end to end with the assay binary ----------------------------------- */

static const char *const run_files[] = {
	"report.xml", "report.html", "junit.xml", "report.json",
	"answers.xml", "inputs/ics.xml", "inputs/ixit.xml",
	"inputs/catalogue.xml", "inputs/answers.xml", ASY_MANIFEST,
};

static const struct {
	const char	*role;
	const char	*origin;	/* relative to the source tree */
	const char	*copy;		/* in the run folder */
} run_inputs[] = {
	{ "ics", "ics-ixit/examples/ipcam/ics.xml", "inputs/ics.xml" },
	{ "ixit", "ics-ixit/examples/ipcam/ixit.xml", "inputs/ixit.xml" },
	{ "catalogue", "ics-ixit/catalogue/ts103701-v1.1.1.xml",
	  "inputs/catalogue.xml" },
	{ "answers", "ics-ixit/examples/ipcam/answers.xml",
	  "inputs/answers.xml" },
};

/* Run assay with args; its stderr is shown when the exit code is not
 * want. */
static void
assay(const char *dir, char *const *args, int want)
{
	char *argv[16], *out = join(dir, "stdout"), *err = join(dir, "stderr");
	const char *bin = ut_bin();
	size_t n = 0;
	int code;

	ck_assert_ptr_nonnull(bin);
	argv[n++] = (char *)bin;
	for (; *args != NULL; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	code = ut_spawn(argv, out, err, 60000);
	if (code != want) {
		struct asy_buf b;

		ut_load(err, &b);
		fprintf(stderr, "assay %s: exit %d\n%s", argv[1], code, b.data);
		asy_buf_release(&b);
	}
	ck_assert_msg(code == want, "assay %s: exit %d, expected %d", argv[1],
	    code, want);
	free(out);
	free(err);
}

/* Validate report.xml against the schema, from memory (no entity
 * loader). */
static void
validate_report(const char *path)
{
	char *xsd = ut_src("reports/schema/report.xsd");
	xmlSchemaParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx;
	xmlSchemaPtr schema;
	struct asy_buf s, x;
	xmlDocPtr doc;

	ut_load(xsd, &s);
	ut_load(path, &x);
	pctx = xmlSchemaNewMemParserCtxt(s.data, (int)s.len);
	ck_assert_ptr_nonnull(pctx);
	schema = xmlSchemaParse(pctx);
	ck_assert_msg(schema != NULL, "report.xsd does not parse");
	vctx = xmlSchemaNewValidCtxt(schema);
	ck_assert_ptr_nonnull(vctx);
	doc = xmlReadMemory(x.data, (int)x.len, "report.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "report.xml is not well-formed");
	ck_assert_msg(xmlSchemaValidateDoc(vctx, doc) == 0,
	    "report.xml is not valid against report.xsd");
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	asy_buf_release(&s);
	asy_buf_release(&x);
	free(xsd);
}

/* The sha256 report.xml records for an input role, or NULL. */
static char *
report_input_sha(const char *path, const char *role)
{
	char expr[160];
	struct asy_buf x;
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	char *sha = NULL;

	ut_load(path, &x);
	doc = xmlReadMemory(x.data, (int)x.len, "report.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_ptr_nonnull(doc);
	ctx = xmlXPathNewContext(doc);
	ck_assert_int_eq(xmlXPathRegisterNs(ctx, (const xmlChar *)"r",
	    (const xmlChar *)"urn:assay:report:1"), 0);
	snprintf(expr, sizeof(expr), "/r:report/r:inputs/r:input[@role='%s']"
	    "/@sha256", role);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	ck_assert_ptr_nonnull(o);
	if (o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

		sha = strdup((const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	asy_buf_release(&x);
	return sha;
}

START_TEST(test_end_to_end)
{
	char *dir, *run, *ipcam, *report, *mpath, *partial;
	struct asy_buf before, after;
	char hex[ASY_SHA256_HEX];

	if (ut_bin() == NULL) {
		fprintf(stderr, "# ASSAY_BIN is not set\n");
		ck_abort_msg("ASSAY_BIN is not set; run through meson test");
	}
	dir = ut_tmpdir();
	run = join(dir, "run");
	partial = join(dir, "run.partial");
	ipcam = ut_src("ics-ixit/examples/ipcam");
	{
		char *args[] = { "run", "--offline", "--batch", "--out", run,
		    ipcam, NULL };

		assay(dir, args, 1);
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(run_files); i++) {
		char *f = join(run, run_files[i]);

		ck_assert_msg(ut_exists(f), "the run folder lacks %s",
		    run_files[i]);
		free(f);
	}
	ck_assert(!ut_exists(partial));
	{
		char *args[] = { "verify", run, NULL };

		assay(dir, args, 0);
	}
	report = join(run, "report.xml");
	validate_report(report);
	/* The recorded inputs are the originals, byte for byte. */
	for (size_t i = 0; i < ASY_ELEMENTSOF(run_inputs); i++) {
		char *orig = ut_src(run_inputs[i].origin);
		char *copy = join(run, run_inputs[i].copy);
		char *sha = report_input_sha(report, run_inputs[i].role);
		char copy_hex[ASY_SHA256_HEX];

		ck_assert_msg(sha != NULL, "report.xml records no %s input",
		    run_inputs[i].role);
		evp_sha256_file(orig, hex);
		evp_sha256_file(copy, copy_hex);
		ck_assert_msg(strcmp(sha, hex) == 0, "%s: report.xml says %s, "
		    "the original is %s", run_inputs[i].role, sha, hex);
		ck_assert_str_eq(copy_hex, hex);
		free(sha);
		free(orig);
		free(copy);
	}
	/* The answers the run used are a valid answers file: a second run
	 * from them comes to the same result. */
	{
		char *ans = join(run, "answers.xml"), *run2 = join(dir, "run2");
		char *args[] = { "run", "--offline", "--batch", "--answers",
		    ans, "--out", run2, ipcam, NULL };
		char *vargs[] = { "verify", run2, NULL };
		struct asy_buf x;
		xmlDocPtr doc;

		ut_load(ans, &x);
		doc = xmlReadMemory(x.data, (int)x.len, "answers.xml", NULL,
		    XML_PARSE_NONET);
		ck_assert_msg(doc != NULL, "the run's answers.xml is not "
		    "well-formed");
		xmlFreeDoc(doc);
		asy_buf_release(&x);
		assay(dir, args, 1);
		assay(dir, vargs, 0);
		free(ans);
		free(run2);
	}
	/* The same --out again: refused, nothing touched. */
	mpath = join(run, ASY_MANIFEST);
	ut_load(mpath, &before);
	{
		char *args[] = { "run", "--offline", "--batch", "--out", run,
		    ipcam, NULL };

		assay(dir, args, 2);
	}
	ck_assert(!ut_exists(partial));
	ut_load(mpath, &after);
	ck_assert_str_eq(before.data, after.data);
	{
		char *args[] = { "verify", run, NULL };

		assay(dir, args, 0);
	}
	/* One changed byte in the report: verify fails. */
	{
		char *args[] = { "verify", run, NULL };
		struct asy_buf x;
		char *p;

		ut_load(report, &x);
		p = strstr(x.data, "FAIL");
		ck_assert_ptr_nonnull(p);
		p[0] = 'P';
		ut_write(report, x.data, x.len);
		asy_buf_release(&x);
		assay(dir, args, 1);
	}
	asy_buf_release(&before);
	asy_buf_release(&after);
	ut_rmrf(dir);
	free(mpath);
	free(report);
	free(ipcam);
	free(partial);
	free(run);
	free(dir);
}
END_TEST

static Suite *
evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *lib = tcase_create("rundir");
	TCase *e2e = tcase_create("end-to-end");

	tcase_set_timeout(lib, 60);
	tcase_set_timeout(e2e, 110);
	tcase_add_test(lib, test_intact);
	tcase_add_test(lib, test_intact_with_earlier_diags);
	tcase_add_loop_test(lib, test_tamper, 0, (int)ASY_ELEMENTSOF(tampers));
	tcase_add_test(lib, test_exists);
	tcase_add_test(lib, test_concurrent);
	tcase_add_test(lib, test_finish_race);
	tcase_add_loop_test(lib, test_write_outside, 0,
	    (int)ASY_ELEMENTSOF(bad_rels));
	tcase_add_test(e2e, test_end_to_end);
	suite_add_tcase(s, lib);
	suite_add_tcase(s, e2e);
	return s;
}

int
main(void)
{
	return ut_main(evidence_suite());
}
