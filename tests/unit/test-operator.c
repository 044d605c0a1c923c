/*
 * Operator steps: the pieces behind them (operator.h, answers.h).
 *
 * - Names of evidence copies: a table of hostile and ordinary file names,
 *   each giving one harmless component under evidence/operator/.
 * - Text for a terminal (asy_buf_put_term): control characters, C1 and
 *   bad UTF-8 neutralised, cuts at character boundaries.
 * - Evidence files: a regular file is taken; a missing file, a folder, a
 *   symbolic link, a fifo (without blocking), an over-cap file and (not as
 *   root) an unreadable one are refused with the reason; the copy is
 *   byte-identical and exclusive.
 * - What to look for: the ipcam example's declarations for 5.3-16-2 show
 *   the DUT and only the model-designation row of 2-UserInfo; 5.6-3-2
 *   shows 15-Intf rows; a fan-out unit shows only its own row; a made-up
 *   table shows no secret, no control character and at most the cap.
 * - Answers files with evidence=: loaded (relative to the file's folder),
 *   copied, rendered pointing at the copy, and that rendering loads again
 *   from the run folder; a resumed run finds its copies; each bad path is
 *   an error at FILE:LINE saying what is wrong and how to fix it.
 * - The prompt through a pipe: verdict, reason and evidence, a bad path
 *   asked again with its reason, a quoted path taken, no evidence question
 *   for a unit without attach(), EOF ends asking.
 */
#include <check.h>

#include <sys/stat.h>

#include "answers.h"
#include "decl.h"
#include "diag.h"
#include "operator.h"
#include "ut.h"

#define V1	"ics-ixit/catalogue/ts103701-v1.1.1.xml"

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- names ------------------------------------------------------------- */

static const struct {
	const char	*case_id, *unit, *src;
	unsigned	 n;
	const char	*want;
} names[] = {
	{ "5.3-16-2", "a", "photos/label.jpg", 1,
	  "evidence/operator/5.3-16-2_a_label.jpg" },
	{ "5.3-16-2", "a", "photos/label.jpg", 2,
	  "evidence/operator/5.3-16-2_a_label-2.jpg" },
	{ "5.6-3-2", "b:Intf-USB", "/home/op/IMG 0001.JPG", 1,
	  "evidence/operator/5.6-3-2_b-Intf-USB_IMG_0001.JPG" },
	{ "5.8-3-1", "*", "../../etc/passwd", 1,
	  "evidence/operator/5.8-3-1_all_passwd" },
	{ "5.8-3-1", "a", "..", 1, "evidence/operator/5.8-3-1_a_file" },
	{ "5.8-3-1", "a", "/", 1, "evidence/operator/5.8-3-1_a_file" },
	{ "5.8-3-1", "a", "docs/", 1, "evidence/operator/5.8-3-1_a_docs" },
	{ "5.8-3-1", "a", ".hidden", 1,
	  "evidence/operator/5.8-3-1_a_.hidden" },
	{ "5.8-3-1", "a", "x/a\n\x1b[31m;rm -rf.png", 1,
	  "evidence/operator/5.8-3-1_a_a___31m_rm_-rf.png" },
	{ "5.8-3-1", "a:../../x", "f.txt", 1,
	  "evidence/operator/5.8-3-1_a-.._.._x_f.txt" },
	/* A copy given again keeps its name. */
	{ "5.3-16-2", "a", "run/evidence/operator/5.3-16-2_a_label.jpg", 1,
	  "evidence/operator/5.3-16-2_a_label.jpg" },
	/* A long name is cut to 64 bytes, keeping the extension. */
	{ "6-1-2", "b",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpeg", 1,
	  "evidence/operator/6-1-2_b_"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpeg" },
	/* An "extension" longer than 10 bytes is part of the stem. */
	{ "6-1-2", "b", "report.final-version-2", 1,
	  "evidence/operator/6-1-2_b_report.final-version-2" },
};

START_TEST(test_names)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		char *got = asy_operator_evidence_name(names[i].case_id,
		    names[i].unit, names[i].src, names[i].n);
		const char *base;

		ck_assert_ptr_nonnull(got);
		ck_assert_msg(strcmp(got, names[i].want) == 0,
		    "name %zu: got '%s', want '%s'", i, got, names[i].want);
		/* One component below evidence/operator/, safe bytes only. */
		base = got + strlen(ASY_OPERATOR_DIR "/");
		ck_assert(strncmp(got, ASY_OPERATOR_DIR "/",
		    strlen(ASY_OPERATOR_DIR "/")) == 0);
		ck_assert(strchr(base, '/') == NULL);
		ck_assert(strcmp(base, ".") != 0 && strcmp(base, "..") != 0);
		ck_assert_uint_eq(strspn(base, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"), strlen(base));
		free(got);
	}
}
END_TEST

/* ---- terminal text ----------------------------------------------------- */

static const struct {
	const char	*in;
	size_t		 max;
	const char	*want;
} terms[] = {
	{ "plain text", 100, "plain text" },
	{ "red \x1b[31malert\x07", 100, "red ?[31malert?" },
	{ "tab\tnew\nline\rdel\x7f", 100, "tab?new?line?del?" },
	{ "C1 \xc2\x9b" "2J", 100, "C1 ?2J" },
	{ "bad \xff\xfe utf", 100, "bad ?? utf" },
	{ "caf\xc3\xa9 ok", 100, "caf\xc3\xa9 ok" },
	{ "abcdef", 3, "abc..." },
	/* Never half a character. */
	{ "ab\xc3\xa9", 3, "ab..." },
	{ "\xe2\x82\xac", 3, "\xe2\x82\xac" },
	{ "", 5, "" },
};

START_TEST(test_term)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(terms); i++) {
		struct asy_buf b;

		asy_buf_init(&b, 1024);
		ck_assert_int_eq(asy_buf_put_term(&b, terms[i].in,
		    terms[i].max), 0);
		ck_assert_msg(strcmp(b.data ? b.data : "", terms[i].want) == 0,
		    "term %zu: got '%s'", i, b.data ? b.data : "");
		asy_buf_release(&b);
	}
}
END_TEST

/* ---- evidence files ---------------------------------------------------- */

/* A folder with photos/label.jpg, photos/, link.jpg, fifo, big.bin. */
static char *
make_files(void)
{
	char *dir = ut_tmpdir(), *p;
	int fd;

	p = join(dir, "photos");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	p = join(dir, "photos/label.jpg");
	ut_write(p, "\xff\xd8\xff\xe0 not really a JPEG\0\1\2", 24);
	free(p);
	p = join(dir, "link.jpg");
	ck_assert_int_eq(symlink("photos/label.jpg", p), 0);
	free(p);
	p = join(dir, "fifo");
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	free(p);
	/* Sparse: one byte over the cap, without writing 64 MiB. */
	p = join(dir, "big.bin");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)ASY_OPERATOR_EVIDENCE_MAX + 1),
	    0);
	close(fd);
	free(p);
	p = join(dir, "secret.jpg");
	ut_write_str(p, "only root");
	ck_assert_int_eq(chmod(p, 0), 0);
	free(p);
	return dir;
}

static const struct {
	const char	*rel;
	int		 want;
	const char	*why;
	int		 as_nobody_if_root;
} checks[] = {
	{ "photos/label.jpg", 0, "", 0 },
	{ "missing.jpg", ASY_E_NOTFOUND, "no such file", 0 },
	{ "photos", ASY_E_NOTREG, "it is a folder", 0 },
	{ "link.jpg", ASY_E_NOTREG, "symbolic link", 0 },
	{ "fifo", ASY_E_NOTREG, "a device, fifo or socket", 0 },
	{ "big.bin", ASY_E_TOOBIG, "over the 64 MiB cap", 0 },
	{ "secret.jpg", ASY_E_IO, "cannot be opened (Permission denied)", 1 },
};

/*
 * As root, the check of a file only root may read runs in a child that
 * has become nobody, as the assessing process of a live run does; its
 * result and reason come back through a pipe.
 */
static int
check_as_nobody(const char *path, char *why, size_t why_len)
{
	int p[2], status = 0, r = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char w[512] = "";

		close(p[0]);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		r = asy_operator_evidence_check(path, w, sizeof(w));
		if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r) ||
		    write(p[1], w, strlen(w) + 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	n = read(p[0], why, why_len - 1);
	why[n > 0 ? n : 0] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return r;
}

START_TEST(test_check)
{
	char *dir = make_files();

	for (size_t i = 0; i < ASY_ELEMENTSOF(checks); i++) {
		char why[512] = "", *p = join(dir, checks[i].rel);
		int r;

		if (checks[i].as_nobody_if_root && geteuid() == 0)
			r = check_as_nobody(p, why, sizeof(why));
		else
			r = asy_operator_evidence_check(p, why, sizeof(why));
		ck_assert_msg(r == checks[i].want, "%s: %d, want %d (%s)",
		    checks[i].rel, r, checks[i].want, why);
		ck_assert_msg(strstr(why, checks[i].why) != NULL,
		    "%s: why '%s' lacks '%s'", checks[i].rel, why,
		    checks[i].why);
		free(p);
	}
	ut_rmrf(dir);
	free(dir);
}
END_TEST

START_TEST(test_copy)
{
	char *dir = make_files(), *run = join(dir, "run"), *src, *dst;
	struct asy_buf a, b;
	char why[512] = "";

	ck_assert_int_eq(mkdir(run, 0755), 0);
	src = join(dir, "photos/label.jpg");
	ck_assert_int_eq(asy_operator_evidence_copy(src, run,
	    "evidence/operator/x_a_label.jpg", why, sizeof(why)), 0);
	dst = join(run, "evidence/operator/x_a_label.jpg");
	ut_load(src, &a);
	ut_load(dst, &b);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.data, b.data, a.len) == 0);
	asy_buf_release(&a);
	asy_buf_release(&b);
	/* Never over an existing copy. */
	ck_assert_int_eq(asy_operator_evidence_copy(src, run,
	    "evidence/operator/x_a_label.jpg", why, sizeof(why)),
	    ASY_E_EXISTS);
	free(src);
	free(dst);
	/* Refused files leave nothing behind. */
	src = join(dir, "big.bin");
	ck_assert_int_eq(asy_operator_evidence_copy(src, run,
	    "evidence/operator/x_a_big.bin", why, sizeof(why)), ASY_E_TOOBIG);
	dst = join(run, "evidence/operator/x_a_big.bin");
	ck_assert(!ut_exists(dst));
	free(src);
	free(dst);
	src = join(dir, "link.jpg");
	ck_assert_int_eq(asy_operator_evidence_copy(src, run,
	    "evidence/operator/x_a_link.jpg", why, sizeof(why)), ASY_E_NOTREG);
	dst = join(run, "evidence/operator/x_a_link.jpg");
	ck_assert(!ut_exists(dst));
	free(src);
	free(dst);
	ut_rmrf(dir);
	free(run);
	free(dir);
}
END_TEST

/* ---- what to look for -------------------------------------------------- */

static struct asy_decl *
load_ipcam(void)
{
	struct asy_decl_paths p = { 0 };
	struct asy_decl *decl = NULL;
	struct asy_diags d;

	p.ics = ut_src("ics-ixit/examples/ipcam/ics.xml");
	p.ixit = ut_src("ics-ixit/examples/ipcam/ixit.xml");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_decl_load(&p, &d, &decl), 0);
	asy_diags_release(&d);
	free((char *)p.ics);
	free((char *)p.ixit);
	return decl;
}

START_TEST(test_lookfor_ipcam)
{
	struct asy_decl *decl = load_ipcam();
	const struct asy_cat_case *cc;
	struct asy_buf b;

	/* 5.3-16-2: the DUT and the model-designation row, nothing else of
	 * 2-UserInfo. */
	cc = asy_catalogue_case(decl->cat, "5.3-16-2");
	ck_assert_ptr_nonnull(cc);
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_operator_lookfor(decl, cc, NULL, &b), 0);
	ck_assert_msg(strncmp(b.data, "DUT: Lumora", 11) == 0, "%s", b.data);
	ck_assert_ptr_nonnull(strstr(b.data, ", hw "));
	ck_assert_ptr_nonnull(strstr(b.data, "UserInfo-Model (2-UserInfo): "));
	ck_assert_ptr_nonnull(strstr(b.data, "topic: model-designation"));
	ck_assert_ptr_nonnull(strstr(b.data, "location: Label under the "
	    "base"));
	ck_assert_ptr_null(strstr(b.data, "UserInfo-ChangeAuth"));
	ck_assert_ptr_null(strstr(b.data, "UserInfo-Sensors"));
	asy_buf_release(&b);

	/* 5.6-3-2 reads 15-Intf: its rows. */
	cc = asy_catalogue_case(decl->cat, "5.6-3-2");
	ck_assert_ptr_nonnull(cc);
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_operator_lookfor(decl, cc, NULL, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "(15-Intf): "));
	ck_assert_ptr_nonnull(strstr(b.data, "status: "));
	asy_buf_release(&b);

	/* A fan-out unit: its own row only. */
	cc = asy_catalogue_case(decl->cat, "5.1-4-2");
	ck_assert_ptr_nonnull(cc);
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_operator_lookfor(decl, cc,
	    asy_decl_row(decl, "AuthMech-SSH"), &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "AuthMech-SSH (1-AuthMech): "));
	ck_assert_ptr_null(strstr(b.data, "AuthMech-WebUI"));
	ck_assert_ptr_null(strstr(b.data, "UserInfo-"));
	asy_buf_release(&b);
	asy_decl_free(decl);
}
END_TEST

/* A made-up declaration: one table with a secret, hostile text, and more
 * rows than are shown. */
START_TEST(test_lookfor_made_up)
{
	struct asy_cat_field fields[3] = {
		{ .name = "description", .type = ASY_FIELD_TEXT },
		{ .name = "password", .type = ASY_FIELD_SECRET },
		{ .name = "note", .type = ASY_FIELD_TEXT },
	};
	struct asy_cat_table tab = { .id = "9-Thing", .prefix = "Thing",
	    .fields = fields, .n_fields = 3 };
	struct asy_cat_group grp = { .id = "9-9" };
	struct asy_cat_case cc = { .id = "9-9-1", .reads = { &tab },
	    .n_reads = 1, .group = &grp };
	struct asy_ixit_value vals[12][3];
	struct asy_ixit_row rows[12];
	char ids[12][16];
	struct asy_decl decl = { 0 };
	struct asy_buf b;
	size_t n_lines = 0;

	for (size_t i = 0; i < 12; i++) {
		snprintf(ids[i], sizeof(ids[i]), "Thing-%zu", i);
		vals[i][0] = (struct asy_ixit_value){ &fields[0],
		    "a thing \x1b]0;pwned\x07 here", 1 };
		vals[i][1] = (struct asy_ixit_value){ &fields[1],
		    "hunter2", 1 };
		vals[i][2] = (struct asy_ixit_value){ &fields[2],
		    "line one\nline two", 1 };
		rows[i] = (struct asy_ixit_row){ ids[i], &tab, vals[i], 3,
		    1 };
	}
	decl.ixit = rows;
	decl.n_ixit = 12;
	decl.dut.vendor = "Evil\x1b[2J";
	decl.dut.model = "M1";
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_operator_lookfor(&decl, &cc, NULL, &b), 0);
	ck_assert_ptr_null(strstr(b.data, "hunter2"));
	ck_assert_ptr_null(strstr(b.data, "password"));
	ck_assert_ptr_null(strchr(b.data, '\x1b'));
	ck_assert_ptr_null(strchr(b.data, '\x07'));
	ck_assert_ptr_nonnull(strstr(b.data, "DUT: Evil?[2J M1\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "note: line one?line two"));
	ck_assert_ptr_nonnull(strstr(b.data, "(4 more rows in the IXIT)\n"));
	for (const char *p = b.data; *p; p++)
		n_lines += *p == '\n';
	/* The DUT, the cap of rows, the "more" line. */
	ck_assert_uint_eq(n_lines, 1 + ASY_OPERATOR_LOOKFOR_ROWS + 1);
	asy_buf_release(&b);

	/* No rows at all: said so. */
	decl.n_ixit = 0;
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_operator_lookfor(&decl, &cc, NULL, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "the IXIT has no rows"));
	asy_buf_release(&b);
}
END_TEST

/* ---- answers files ----------------------------------------------------- */

static struct asy_catalogue *
load_cat(void)
{
	struct asy_catalogue *cat = NULL;
	struct asy_diags d;
	char *p = ut_src(V1);

	asy_diags_init(&d);
	ck_assert_int_eq(asy_catalogue_load(p, &d, &cat), 0);
	asy_diags_release(&d);
	free(p);
	return cat;
}

/* An answers file at path: one answer on line 3 with evidence ev (NULL:
 * no attribute), then one without. */
static void
write_answers(const char *path, const char *case_id, const char *unit,
    const char *ev)
{
	struct asy_buf b;

	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_buf_printf(&b, "<?xml version=\"1.0\"?>\n"
	    "<answers format=\"1\">\n"
	    "  <answer case=\"%s\" unit=\"%s\" verdict=\"PASS\" "
	    "assessor=\"O. Perator\"", case_id, unit), 0);
	if (ev != NULL)
		ck_assert_int_eq(asy_buf_put_attr(&b, "evidence", ev), 0);
	ck_assert_int_eq(asy_buf_puts(&b, ">The label reads C20.</answer>\n"
	    "  <answer case=\"6-1-2\" unit=\"a\" verdict=\"FAIL\" "
	    "assessor=\"O. Perator\">Not published.</answer>\n"
	    "</answers>\n"), 0);
	ut_write(path, b.data, b.len);
	asy_buf_release(&b);
}

START_TEST(test_answers_evidence)
{
	struct asy_catalogue *cat = load_cat();
	char *dir = make_files(), *path = join(dir, "answers.xml");
	char *run = join(dir, "run"), *copy, *again, *abs;
	struct asy_answers *a = NULL, *b = NULL;
	const struct asy_answer *x;
	struct asy_diags d;
	struct asy_buf out;

	/* Relative to the answers file's folder, not to the cwd. */
	write_answers(path, "5.3-16-2", "a", "photos/label.jpg");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_answers_load(path, cat, &d, &a), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	x = asy_answers_find(a, "5.3-16-2", "a", NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->evidence, "evidence/operator/5.3-16-2_a_label.jpg");
	abs = join(dir, "photos/label.jpg");
	ck_assert_str_eq(x->evidence_src, abs);
	ck_assert_int_eq(x->evidence_copied, 0);
	ck_assert_ptr_null(asy_answers_find(a, "6-1-2", "a", NULL)->evidence);

	/* Copied into the run folder and rendered pointing at the copy. */
	ck_assert_int_eq(mkdir(run, 0755), 0);
	ck_assert_int_eq(asy_answers_copy_evidence(a, path, run, &d), 0);
	ck_assert_int_eq(x->evidence_copied, 1);
	copy = join(run, x->evidence);
	ck_assert(ut_exists(copy));
	asy_buf_init(&out, 1 << 20);
	ck_assert_int_eq(asy_answers_render(a, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, " evidence=\"evidence/operator/"
	    "5.3-16-2_a_label.jpg\">"));
	again = join(run, "answers.xml");
	ut_write(again, out.data, out.len);
	asy_buf_release(&out);

	/* That answers.xml is an answers file for a later run. */
	ck_assert_int_eq(asy_answers_load(again, cat, &d, &b), 0);
	ck_assert_str_eq(asy_answers_find(b, "5.3-16-2", "a", NULL)->evidence,
	    "evidence/operator/5.3-16-2_a_label.jpg");
	asy_answers_free(b);
	b = NULL;

	/* A stopped run's copy of the answers file: the evidence is the
	 * run's copy, not the original (which may be gone). */
	ck_assert_int_eq(unlink(abs), 0);
	ck_assert_int_eq(asy_answers_load_resumed(path, run, cat, &d, &b), 0);
	ck_assert_int_eq(asy_answers_find(b, "5.3-16-2", "a",
	    NULL)->evidence_copied, 1);
	asy_answers_free(b);
	b = NULL;
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_int_eq(unlink(copy), 0);
	ck_assert_int_eq(asy_answers_load_resumed(path, run, cat, &d, &b),
	    ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(d.v[d.n - 1].msg, "missing from the "
	    "stopped run"));
	ck_assert_uint_eq(d.v[d.n - 1].line, 3);

	asy_diags_release(&d);
	asy_answers_free(a);
	asy_answers_free(b);
	asy_catalogue_free(cat);
	ut_rmrf(dir);
	free(abs);
	free(again);
	free(copy);
	free(run);
	free(path);
	free(dir);
}
END_TEST

/* Two answers whose files come out with the same name get two names. */
START_TEST(test_answers_names_unique)
{
	struct asy_catalogue *cat = load_cat();
	char *dir = make_files(), *path = join(dir, "answers.xml");
	struct asy_answers *a = NULL;
	struct asy_diags d;

	ut_write_str(path, "<?xml version=\"1.0\"?>\n<answers format=\"1\">\n"
	    "  <answer case=\"5.6-3-2\" unit=\"a:Intf?1\" verdict=\"PASS\" "
	    "assessor=\"O\" evidence=\"photos/label.jpg\">ok</answer>\n"
	    "  <answer case=\"5.6-3-2\" unit=\"a:Intf!1\" verdict=\"PASS\" "
	    "assessor=\"O\" evidence=\"photos/label.jpg\">ok</answer>\n"
	    "</answers>\n");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_answers_load(path, cat, &d, &a), 0);
	ck_assert_uint_eq(a->n, 2);
	ck_assert_str_eq(a->v[0].evidence,
	    "evidence/operator/5.6-3-2_a-Intf_1_label.jpg");
	ck_assert_str_eq(a->v[1].evidence,
	    "evidence/operator/5.6-3-2_a-Intf_1_label-2.jpg");
	asy_diags_release(&d);
	asy_answers_free(a);
	asy_catalogue_free(cat);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

static const struct {
	const char	*ev;
	const char	*msg;
	int		 skip_as_root;
} bad_evidence[] = {
	{ "missing.jpg", "there is no such file; check the path", 0 },
	{ "photos", "it is a folder, not a regular file; name a file", 0 },
	{ "link.jpg", "it is a symbolic link, which assay does not follow; "
	  "name the file it points to", 0 },
	{ "../up.jpg", "climbs out of the answers file's folder with '..'; "
	  "give a path below that folder, or an absolute one", 0 },
	{ "photos/../../up.jpg", "climbs out of the answers file's folder", 0 },
	{ "fifo", "it is a device, fifo or socket, not a regular file", 0 },
	{ "/dev/null", "it is a device, fifo or socket", 0 },
	{ "big.bin", "bytes, over the 64 MiB cap for one evidence file; "
	  "attach a smaller file", 0 },
	{ "", "is empty; name a file or leave the attribute out", 0 },
	{ "secret.jpg", "it cannot be opened (", 1 },
};

START_TEST(test_answers_bad_evidence)
{
	struct asy_catalogue *cat = load_cat();
	char *dir = make_files(), *path = join(dir, "answers.xml");

	for (size_t i = 0; i < ASY_ELEMENTSOF(bad_evidence); i++) {
		struct asy_answers *a = NULL;
		struct asy_diags d;
		int r;

		if (bad_evidence[i].skip_as_root && geteuid() == 0)
			continue;
		write_answers(path, "5.3-16-2", "a", bad_evidence[i].ev);
		asy_diags_init(&d);
		r = asy_answers_load(path, cat, &d, &a);
		ck_assert_msg(r == ASY_E_INPUT, "'%s': %d", bad_evidence[i].ev,
		    r);
		ck_assert_ptr_null(a);
		ck_assert_uint_eq(d.n_errors, 1);
		ck_assert_str_eq(d.v[0].file, path);
		ck_assert_uint_eq(d.v[0].line, 3);
		ck_assert_msg(strstr(d.v[0].msg, bad_evidence[i].msg) != NULL,
		    "'%s': '%s' lacks '%s'", bad_evidence[i].ev, d.v[0].msg,
		    bad_evidence[i].msg);
		ck_assert_ptr_nonnull(strstr(d.v[0].msg, "5.3-16-2 a"));
		asy_diags_release(&d);
	}
	asy_catalogue_free(cat);
	ut_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- the prompt through a pipe ----------------------------------------- */

struct attach_to {
	const char	*run;
	const char	*case_id, *unit;
	int		 calls;
};

static int
attach(void *ctx, const char *path, char **rel, char *why, size_t why_len)
{
	struct attach_to *t = ctx;
	char *name;
	int r;

	t->calls++;
	name = asy_operator_evidence_name(t->case_id, t->unit, path, 1);
	if (name == NULL)
		return ASY_E_NOMEM;
	r = asy_operator_evidence_copy(path, t->run, name, why, why_len);
	if (r < 0) {
		free(name);
		return r;
	}
	*rel = name;
	return 0;
}

/* A FILE reading text from a real pipe (small: it fits the pipe). */
static FILE *
pipe_in(const char *text)
{
	int p[2];
	FILE *f;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], text, strlen(text)),
	    (ssize_t)strlen(text));
	close(p[1]);
	f = fdopen(p[0], "r");
	ck_assert_ptr_nonnull(f);
	return f;
}

START_TEST(test_prompt_pipe)
{
	char *dir = make_files(), *run = join(dir, "run"), *input, *src;
	struct attach_to t = { run, "5.3-16-2", "a", 0 };
	struct asy_prompt p = {
		.case_id = "5.3-16-2", .unit_label = "a",
		.title = "Functional check of the model designation",
		.question = "Find the model designation on the DUT.",
		.look_for = "DUT: Lumora C20, hw B\n"
		    "UserInfo-Model (2-UserInfo): topic: model-designation\n",
		.pre = ASY_V_NONE, .assessor = "Tester",
		.attach = attach, .ctx = &t,
	};
	struct asy_answer ans = { 0 };
	char *text = NULL;
	size_t text_len = 0;
	FILE *in, *out;
	struct asy_buf b;

	ck_assert_int_eq(mkdir(run, 0755), 0);
	src = join(dir, "photos/label.jpg");
	/* A wrong key, a verdict, an empty reason, a reason, a missing
	 * file, then the photo, quoted as a terminal pastes it. */
	input = asy_strdup_printf("x\np\n\nThe label reads C20.\n"
	    "/nonexistent/photo.jpg\n  '%s' \n", src);
	ck_assert_ptr_nonnull(input);
	in = pipe_in(input);
	out = open_memstream(&text, &text_len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(asy_answers_prompt(in, out, &p, &ans), 0);
	fclose(in);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "== 5.3-16-2 unit a: Functional "
	    "check of the model designation\n   Find the model designation"));
	ck_assert_ptr_nonnull(strstr(text, "   the declarations say:\n"
	    "     DUT: Lumora C20, hw B\n     UserInfo-Model (2-UserInfo): "
	    "topic: model-designation\n"));
	ck_assert_ptr_nonnull(strstr(text, "   cannot attach it: there is no "
	    "such file; check the path\n"));
	ck_assert_int_eq(t.calls, 2);
	ck_assert_int_eq(ans.verdict, ASY_V_PASS);
	ck_assert_str_eq(ans.reason, "The label reads C20.");
	ck_assert_str_eq(ans.assessor, "Tester");
	ck_assert_str_eq(ans.origin, "prompt");
	ck_assert_str_eq(ans.evidence,
	    "evidence/operator/5.3-16-2_a_label.jpg");
	ck_assert_str_eq(ans.evidence_src, src);
	ck_assert_int_eq(ans.evidence_copied, 1);
	{
		char *copy = join(run, ans.evidence);

		ut_load(copy, &b);
		ck_assert_uint_eq(b.len, 24);
		asy_buf_release(&b);
		free(copy);
	}
	asy_answer_release(&ans);
	free(text);
	free(input);

	/* Empty: no evidence; the answer stands. */
	memset(&ans, 0, sizeof(ans));
	text = NULL;
	in = pipe_in("f\nNo designation anywhere.\n\n");
	out = open_memstream(&text, &text_len);
	ck_assert_int_eq(asy_answers_prompt(in, out, &p, &ans), 0);
	fclose(in);
	fclose(out);
	ck_assert_int_eq(ans.verdict, ASY_V_FAIL);
	ck_assert_ptr_null(ans.evidence);
	asy_answer_release(&ans);
	free(text);

	/* EOF at the evidence question: nothing answered. */
	memset(&ans, 0, sizeof(ans));
	text = NULL;
	in = pipe_in("p\nfine\n");
	out = open_memstream(&text, &text_len);
	ck_assert_int_eq(asy_answers_prompt(in, out, &p, &ans), 2);
	fclose(in);
	fclose(out);
	ck_assert_ptr_null(ans.reason);
	ck_assert_ptr_null(ans.case_id);
	free(text);

	/* Skip. */
	memset(&ans, 0, sizeof(ans));
	text = NULL;
	in = pipe_in("s\n");
	out = open_memstream(&text, &text_len);
	ck_assert_int_eq(asy_answers_prompt(in, out, &p, &ans), 1);
	fclose(in);
	fclose(out);
	free(text);

	/* A conceptual unit (no attach): no evidence question. */
	p.attach = NULL;
	p.look_for = NULL;
	memset(&ans, 0, sizeof(ans));
	text = NULL;
	in = pipe_in("p\nJustified.\n");
	out = open_memstream(&text, &text_len);
	ck_assert_int_eq(asy_answers_prompt(in, out, &p, &ans), 0);
	fclose(in);
	fclose(out);
	ck_assert_ptr_null(strstr(text, "evidence ("));
	ck_assert_ptr_null(strstr(text, "the declarations say"));
	ck_assert_ptr_null(ans.evidence);
	asy_answer_release(&ans);
	free(text);

	ut_rmrf(dir);
	free(src);
	free(run);
	free(dir);
}
END_TEST

static Suite *
operator_suite(void)
{
	Suite *s = suite_create("operator");
	TCase *tc = tcase_create("operator");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_term);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_lookfor_ipcam);
	tcase_add_test(tc, test_lookfor_made_up);
	tcase_add_test(tc, test_answers_evidence);
	tcase_add_test(tc, test_answers_names_unique);
	tcase_add_test(tc, test_answers_bad_evidence);
	tcase_add_test(tc, test_prompt_pipe);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(operator_suite());
}
