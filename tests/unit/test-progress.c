/*
 * progress.json (harness/progress.c): the writer and the reader.
 *
 * Writer: a run's calls read back field by field (state, device, pid,
 * host, the current case, done/total, counts, the last five verdicts in
 * order); finish clears the case; a folder that does not exist is not
 * fatal (no crash, no file); a child process that writes the progress
 * (a live run's assessing child) is taken over by the parent's finish.
 * A real offline run leaves progress.json "complete", with as many units
 * as its report, listed in the manifest.
 *
 * Reader: a table of hostile and broken files (truncations, wrong types,
 * bad escapes, control bytes, huge nesting, long strings, leading zeros,
 * trailing data, unknown format), each refused with its reason or read as
 * expected; every prefix of a real file refused without a crash; escapes
 * decoded (surrogate pairs, lone surrogates and NUL as U+FFFD); a file
 * over 64 KiB, a symlink, a folder and a FIFO refused without hanging.
 */
#include <check.h>

#include <dirent.h>

#include "progress.h"
#include "ut.h"

static char *
pjoin(const char *dir, const char *name)
{
	char *p = asy_path_join(dir, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Read dir/progress.json; fails the test if it does not parse. */
static void
read_ok(const char *dir, struct asy_progress_view *v)
{
	char why[256] = "";
	int r;

	r = asy_progress_read(dir, v, why, sizeof(why));
	ck_assert_msg(r == 0, "progress.json in %s: %d %s", dir, r, why);
}

START_TEST(test_writer_roundtrip)
{
	char *dir = ut_tmpdir(), host[256];
	struct asy_progress *p;
	struct asy_progress_view v;
	static const char *const units[] = { "a", "b", "c", "a:AuthMech-1",
	    "b", "a", "b" };
	static const enum asy_verdict vs[] = { ASY_V_PASS, ASY_V_FAIL,
	    ASY_V_INCONCLUSIVE, ASY_V_PASS, ASY_V_NA, ASY_V_ERROR,
	    ASY_V_FAIL };
	long long t;

	p = asy_progress_start(dir, "Lumora \"C20\" <cam>", "ts103701-v1.1.1",
	    7);
	ck_assert_ptr_nonnull(p);
	read_ok(dir, &v);
	ck_assert_int_eq(v.state, ASY_PROGRESS_RUNNING);
	ck_assert_str_eq(v.device, "Lumora \"C20\" <cam>");
	ck_assert_str_eq(v.edition, "ts103701-v1.1.1");
	ck_assert_int_eq(v.pid, (long)getpid());
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_str_eq(v.host, host);
	ck_assert_int_eq(asy_iso8601_parse(v.started, &t), 0);
	ck_assert_int_eq(asy_iso8601_parse(v.updated, &t), 0);
	ck_assert_str_eq(v.case_id, "");
	ck_assert_uint_eq(v.done, 0);
	ck_assert_uint_eq(v.total, 7);
	asy_progress_view_release(&v);

	asy_progress_case(p, "5.1-1-1", "Check the \\ passwords\n");
	read_ok(dir, &v);
	ck_assert_str_eq(v.case_id, "5.1-1-1");
	ck_assert_str_eq(v.case_title, "Check the \\ passwords\n");
	ck_assert_int_eq(asy_iso8601_parse(v.case_started, &t), 0);
	asy_progress_view_release(&v);
	for (size_t i = 0; i < ASY_ELEMENTSOF(units); i++)
		asy_progress_unit(p, i < 4 ? "5.1-1-1" : "5.1-2-1", units[i],
		    vs[i]);
	read_ok(dir, &v);
	ck_assert_uint_eq(v.done, 7);
	ck_assert_uint_eq(v.counts[ASY_V_PASS], 2);
	ck_assert_uint_eq(v.counts[ASY_V_FAIL], 2);
	ck_assert_uint_eq(v.counts[ASY_V_INCONCLUSIVE], 1);
	ck_assert_uint_eq(v.counts[ASY_V_NA], 1);
	ck_assert_uint_eq(v.counts[ASY_V_ERROR], 1);
	/* The last five, oldest first. */
	ck_assert_uint_eq(v.n_last, ASY_PROGRESS_LAST);
	ck_assert_str_eq(v.last[0].case_id, "5.1-1-1");
	ck_assert_str_eq(v.last[0].unit, "c");
	ck_assert_str_eq(v.last[1].unit, "a:AuthMech-1");
	ck_assert_int_eq(v.last[1].verdict, ASY_V_PASS);
	ck_assert_str_eq(v.last[4].case_id, "5.1-2-1");
	ck_assert_str_eq(v.last[4].unit, "b");
	ck_assert_int_eq(v.last[4].verdict, ASY_V_FAIL);
	asy_progress_view_release(&v);

	asy_progress_finish(p, ASY_PROGRESS_COMPLETE);
	read_ok(dir, &v);
	ck_assert_int_eq(v.state, ASY_PROGRESS_COMPLETE);
	ck_assert_str_eq(v.case_id, "");
	ck_assert_uint_eq(v.done, 7);
	asy_progress_view_release(&v);
	asy_progress_free(p);
	/* No temporary file is left. */
	{
		char *tmp = pjoin(dir, ".progress.json.tmp");

		ck_assert(!ut_exists(tmp));
		free(tmp);
	}
	free(dir);
}
END_TEST

START_TEST(test_writer_not_fatal)
{
	char *dir = ut_tmpdir(), *gone = pjoin(dir, "no/such/folder");
	struct asy_progress *p;

	p = asy_progress_start(gone, NULL, NULL, 3);
	ck_assert_ptr_nonnull(p);
	asy_progress_case(p, "x", NULL);
	asy_progress_unit(p, "x", NULL, ASY_V_PASS);
	asy_progress_unit(p, "x", "a", (enum asy_verdict)99);
	asy_progress_finish(p, (enum asy_progress_state)42);
	asy_progress_free(p);
	ck_assert(!ut_exists(gone));
	/* NULL is a writer that does nothing. */
	asy_progress_case(NULL, "x", "y");
	asy_progress_unit(NULL, "x", "a", ASY_V_PASS);
	asy_progress_finish(NULL, ASY_PROGRESS_COMPLETE);
	asy_progress_free(NULL);
	free(gone);
	free(dir);
}
END_TEST

/* The parent's writer takes over what a forked child wrote. */
START_TEST(test_writer_child)
{
	char *dir = ut_tmpdir();
	struct asy_progress *p;
	struct asy_progress_view v;
	pid_t pid;
	int st = 0;

	p = asy_progress_start(dir, "dev", "ed", 10);
	ck_assert_ptr_nonnull(p);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		asy_progress_case(p, "5.1-1-2", "t");
		asy_progress_unit(p, "5.1-1-2", "a", ASY_V_FAIL);
		asy_progress_unit(p, "5.1-1-2", "b", ASY_V_PASS);
		asy_progress_unit(p, "5.1-1-2", "c", ASY_V_PASS);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	asy_progress_finish(p, ASY_PROGRESS_COMPLETE);
	read_ok(dir, &v);
	ck_assert_int_eq(v.state, ASY_PROGRESS_COMPLETE);
	ck_assert_uint_eq(v.done, 3);
	ck_assert_uint_eq(v.counts[ASY_V_PASS], 2);
	ck_assert_uint_eq(v.counts[ASY_V_FAIL], 1);
	ck_assert_uint_eq(v.n_last, 3);
	ck_assert_int_eq(v.pid, (long)getpid());
	asy_progress_view_release(&v);
	asy_progress_free(p);
	free(dir);
}
END_TEST

/* ---- the reader ------------------------------------------------------------ */

#define GOOD	"{\"format\": 1, \"state\": \"running\""

static const struct bad {
	const char	*text;
	const char	*why;	/* in the reason; NULL: it parses */
} table[] = {
	{ "", "empty" },
	{ "   ", "ends early" },
	{ "{", "ends early" },
	{ "[]", "not JSON" },
	{ "null", "not JSON" },
	{ "{\"format\": 1}", "no \"state\"" },
	{ "{\"state\": \"running\"}", "no \"format\"" },
	{ "{\"format\": 2, \"state\": \"running\"}", "format 2 is not known" },
	{ "{\"format\": \"1\", \"state\": \"running\"}", "not a number" },
	{ "{\"format\": 1, \"state\": \"RUNNING\"}", "the state is not" },
	{ "{\"format\": 1, \"state\": 1}", "not JSON" },
	{ GOOD ", \"done\": -1}", "not a whole number" },
	{ GOOD ", \"done\": 1.5}", "not a whole number" },
	{ GOOD ", \"done\": 1e3}", "not a whole number" },
	{ GOOD ", \"done\": 99999999999999999999}", "not a whole number" },
	{ GOOD ", \"done\": 01}", "not JSON" },
	{ GOOD ", \"done\": }", "not a number" },
	{ GOOD ", \"done\": 1,}", "not JSON" },
	{ GOOD "} {}", "data after the object" },
	{ GOOD ", \"device\": \"a\nb\"}", "control byte" },
	{ GOOD ", \"device\": \"\\x41\"}", "bad escape" },
	{ GOOD ", \"device\": \"\\u12G4\"}", "bad \\u escape" },
	{ GOOD ", \"device\": \"abc}", "ends early" },
	{ GOOD ", \"x\": [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]}", "nested deeper" },
	{ GOOD ", \"x\": {\"y\": [1, 2, {\"z\": null}], \"w\": true}}", NULL },
	{ GOOD ", \"case\": 5}", "not JSON" },
	{ GOOD ", \"case\": null}", NULL },
	{ GOOD ", \"counts\": {\"pass\": \"2\"}}", "not a number" },
	{ GOOD ", \"counts\": {\"bogus\": 2, \"pass\": 2}}", NULL },
	{ GOOD ", \"last\": {}}", "not JSON" },
	{ GOOD ", \"last\": [{\"verdict\": \"MAYBE\"}]}", "not known" },
	{ GOOD ", \"last\": [{\"case\": \"x\"},]}", "not JSON" },
	{ GOOD ", \"last\": []}", NULL },
	{ GOOD ", \"pid\": 4242, \"pid\": 7}", NULL },
	{ GOOD ", \"device\": \"a\", \"device\": \"b\"}", NULL },
	{ "\xef\xbb\xbf" GOOD "}", "not JSON" },
	{ "<progress/>", "not JSON" },
};

START_TEST(test_reader_table)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(table); i++) {
		const struct bad *b = &table[i];
		struct asy_progress_view v;
		char why[256] = "";
		size_t len = strlen(b->text);
		int r;

		r = asy_progress_parse(b->text, len, &v, why, sizeof(why));
		if (b->why == NULL) {
			ck_assert_msg(r == 0, "row %zu (%s): %s", i, b->text,
			    why);
			asy_progress_view_release(&v);
			continue;
		}
		ck_assert_msg(r == ASY_E_INPUT, "row %zu (%s) parsed", i,
		    b->text);
		ck_assert_msg(strstr(why, b->why) != NULL, "row %zu (%s): "
		    "'%s' does not say '%s'", i, b->text, why, b->why);
		asy_progress_view_release(&v);
	}
	/* A NUL byte after the object (the string's own terminator). */
	{
		static const char t[] = GOOD "}";
		struct asy_progress_view v;
		char why[256] = "";

		ck_assert_int_eq(asy_progress_parse(t, sizeof(t), &v, why,
		    sizeof(why)), ASY_E_INPUT);
		ck_assert(strstr(why, "data after the object") != NULL);
	}
}
END_TEST

START_TEST(test_reader_values)
{
	static const char text[] = GOOD ", \"device\": "
	    "\"\\u003cb\\u003e \\ud83d\\ude00 \\ud800 x\\u0000y \\\"q\\\" "
	    "\\/ \\t\", \"pid\": 4242, \"done\": 2, \"total\": 9, "
	    "\"duplicate\": 1, \"last\": [{\"case\": \"1\", \"unit\": \"a\", "
	    "\"verdict\": \"PASS\"}, {\"case\": \"2\", \"unit\": \"b\", "
	    "\"verdict\": \"NOT APPLICABLE\"}], \"case\": {\"id\": \"5.1-1-1\","
	    " \"title\": \"T\", \"started\": \"2026-11-22T11:30:00Z\", "
	    "\"extra\": [1]}, \"counts\": {\"pass\": 1, \"na\": 1}}";
	struct asy_progress_view v;
	char why[256] = "";

	ck_assert_int_eq(asy_progress_parse(text, strlen(text), &v, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(v.device, "<b> \xf0\x9f\x98\x80 \xef\xbf\xbd "
	    "x\xef\xbf\xbdy \"q\" / \t");
	ck_assert_int_eq(v.pid, 4242);
	ck_assert_uint_eq(v.done, 2);
	ck_assert_uint_eq(v.total, 9);
	ck_assert_str_eq(v.case_id, "5.1-1-1");
	ck_assert_str_eq(v.case_started, "2026-11-22T11:30:00Z");
	ck_assert_uint_eq(v.n_last, 2);
	ck_assert_int_eq(v.last[1].verdict, ASY_V_NA);
	ck_assert_uint_eq(v.counts[ASY_V_NA], 1);
	/* Absent strings are "", never NULL. */
	ck_assert_str_eq(v.host, "");
	ck_assert_str_eq(v.updated, "");
	asy_progress_view_release(&v);
}
END_TEST

/* Long strings are cut, many "last" entries keep the newest five. */
START_TEST(test_reader_caps)
{
	struct asy_buf b;
	struct asy_progress_view v;
	char why[256] = "";

	asy_buf_init(&b, 1 << 20);
	ck_assert_int_eq(asy_buf_puts(&b, GOOD ", \"device\": \""), 0);
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(asy_buf_putc(&b, 'x'), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "\", \"last\": ["), 0);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(asy_buf_printf(&b, "%s{\"case\": \"c%d\", "
		    "\"unit\": \"a\", \"verdict\": \"FAIL\"}", i ? ", " : "",
		    i), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "]}"), 0);
	ck_assert_int_eq(asy_progress_parse(b.data, b.len, &v, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(strlen(v.device), ASY_PROGRESS_STR);
	ck_assert_uint_eq(v.n_last, ASY_PROGRESS_LAST);
	ck_assert_str_eq(v.last[0].case_id, "c45");
	ck_assert_str_eq(v.last[4].case_id, "c49");
	asy_progress_view_release(&v);
	/* Over the cap: refused before parsing. */
	asy_buf_reset(&b);
	for (int i = 0; i < ASY_PROGRESS_MAX + 1; i++)
		ck_assert_int_eq(asy_buf_putc(&b, ' '), 0);
	ck_assert_int_eq(asy_progress_parse(b.data, b.len, &v, why,
	    sizeof(why)), ASY_E_TOOBIG);
	asy_buf_release(&b);
}
END_TEST

/* Every prefix of a real file (a crash in the middle of a write without
 * rename) is refused, and never crashes the reader. */
START_TEST(test_reader_prefixes)
{
	char *dir = ut_tmpdir(), *path = pjoin(dir, ASY_PROGRESS_FILE);
	struct asy_progress *p;
	struct asy_progress_view v;
	struct asy_buf b;
	char why[256];

	p = asy_progress_start(dir, "Korvat H1 hub", "ts103701-v2.1.1", 20);
	asy_progress_case(p, "5.1-1-1", "Passwords");
	for (int i = 0; i < 6; i++)
		asy_progress_unit(p, "5.1-1-1", "a", ASY_V_PASS);
	ut_load(path, &b);
	for (size_t n = 0; n < b.len; n++) {
		int r = asy_progress_parse(b.data, n, &v, why, sizeof(why));

		/* Only the closing newline may be missing. */
		if (n == b.len - 1) {
			ck_assert_int_eq(r, 0);
			asy_progress_view_release(&v);
			continue;
		}
		ck_assert_msg(r == ASY_E_INPUT, "a prefix of %zu bytes "
		    "parsed", n);
		asy_progress_view_release(&v);
	}
	asy_buf_release(&b);
	asy_progress_free(p);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_reader_files)
{
	char *dir = ut_tmpdir(), *path = pjoin(dir, ASY_PROGRESS_FILE);
	char *real = pjoin(dir, "real.json");
	struct asy_progress_view v;
	char why[256] = "";

	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)),
	    ASY_E_NOTFOUND);
	/* A symbolic link is not followed. */
	ut_write_str(real, GOOD "}");
	ck_assert_int_eq(symlink(real, path), 0);
	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)),
	    ASY_E_NOTREG);
	ck_assert_int_eq(unlink(path), 0);
	/* A folder, a FIFO (no writer: must not hang). */
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)),
	    ASY_E_NOTREG);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)),
	    ASY_E_NOTREG);
	ck_assert_int_eq(unlink(path), 0);
	/* Over 64 KiB. */
	{
		struct asy_buf b;

		asy_buf_init(&b, ASY_PROGRESS_MAX + 2);
		for (int i = 0; i < ASY_PROGRESS_MAX + 1; i++)
			ck_assert_int_eq(asy_buf_putc(&b, ' '), 0);
		ut_write(path, b.data, b.len);
		asy_buf_release(&b);
	}
	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)),
	    ASY_E_TOOBIG);
	ut_write_str(path, GOOD "}\n");
	ck_assert_int_eq(asy_progress_read(dir, &v, why, sizeof(why)), 0);
	asy_progress_view_release(&v);
	free(real);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_iso8601)
{
	static const struct {
		const char	*s;
		long long	 t;	/* -1: refused */
	} rows[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-22T11:30:00Z", 1795347000 },
		{ "2026-11-22T11:30:00", -1 },
		{ "2026-11-22 11:30:00Z", -1 },
		{ "2026-11-22T11:30:00+01:00", -1 },
		{ "2026-13-22T11:30:00Z", -1 },
		{ "", -1 },
		{ "x026-11-22T11:30:00Z", -1 },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(rows); i++) {
		long long t = -1;
		int r = asy_iso8601_parse(rows[i].s, &t);

		if (rows[i].t < 0)
			ck_assert_msg(r == ASY_E_INPUT, "%s parsed", rows[i].s);
		else {
			ck_assert_msg(r == 0, "%s refused", rows[i].s);
			ck_assert_int_eq(t, rows[i].t);
		}
	}
	ck_assert_int_eq(asy_iso8601_parse(NULL, NULL), ASY_E_INPUT);
}
END_TEST

/* A real offline run: progress.json complete, in the manifest. */
START_TEST(test_real_run)
{
	const char *bin = ut_bin();
	char *dir = ut_tmpdir(), *runs = pjoin(dir, "runs");
	char *dev = ut_src("ics-ixit/examples/ipcam");
	char *out = pjoin(dir, "out"), *err = pjoin(dir, "err");
	char *argv[] = { (char *)bin, "run", "--offline", "--batch",
	    "--runs-dir", runs, dev, NULL };
	struct asy_progress_view v;
	struct dirent *de;
	DIR *d;
	char *run = NULL, *manifest, *report;
	int code;

	if (bin == NULL) {
		free(dir);
		return;
	}
	code = ut_spawn(argv, out, err, 60000);
	ck_assert_msg(code == 1, "assay run exited %d", code);
	d = opendir(runs);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			run = pjoin(runs, de->d_name);
	closedir(d);
	ck_assert_ptr_nonnull(run);
	read_ok(run, &v);
	ck_assert_int_eq(v.state, ASY_PROGRESS_COMPLETE);
	ck_assert_str_eq(v.device, "Lumora Imaging C20 IP camera");
	ck_assert_str_eq(v.edition, "ts103701-v1.1.1");
	ck_assert_uint_eq(v.done, v.total);
	ck_assert_uint_eq(v.counts[ASY_V_PASS], 2);
	ck_assert_uint_eq(v.counts[ASY_V_FAIL], 15);
	ck_assert_uint_eq(v.counts[ASY_V_INCONCLUSIVE], 158);
	manifest = pjoin(run, "MANIFEST.sha256");
	report = pjoin(run, "report.xml");
	ck_assert(ut_file_has(manifest, "  progress.json\n"));
	ck_assert(ut_file_has(report, "<counts level=\"units\" none=\"0\" "
	    "pass=\"2\" fail=\"15\" na=\"0\" inconclusive=\"158\" error=\"0\" "
	    "total=\"175\"/>"));
	ck_assert_uint_eq(v.total, 175);
	asy_progress_view_release(&v);
	free(manifest);
	free(report);
	free(run);
	free(out);
	free(err);
	free(dev);
	free(runs);
	free(dir);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("progress");

	tcase_add_test(tc, test_writer_roundtrip);
	tcase_add_test(tc, test_writer_not_fatal);
	tcase_add_test(tc, test_writer_child);
	tcase_add_test(tc, test_reader_table);
	tcase_add_test(tc, test_reader_values);
	tcase_add_test(tc, test_reader_caps);
	tcase_add_test(tc, test_reader_prefixes);
	tcase_add_test(tc, test_reader_files);
	tcase_add_test(tc, test_iso8601);
	tcase_add_test(tc, test_real_run);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(suite());
}
