/*
 * The run journal and taking a stopped run folder up again.
 *
 * Round trip: options, discovery facts, cases with units, rows, NULLs,
 * evidence and hostile text (tabs, newlines, backslashes) come back as
 * written.  Crash safety: units of a case without its end record, and a
 * last line cut short, are ignored, and appending goes on cleanly after
 * them.  Damage: a foreign file, a bad escape, an unknown record or verdict
 * is an error naming the line.  Restore: the last record of a unit wins.
 * Folders: asy_rundir_reopen() finds the partial folder from either name,
 * refuses a finished or missing run, and a folder being written (locked by
 * another process) is refused with ASY_E_BUSY.
 */
#include <check.h>

#include <sys/file.h>

#include "diag.h"
#include "evidence.h"
#include "journal.h"
#include "result.h"
#include "ut.h"

static struct asy_case_result *
mk_case(struct asy_report *rep, const char *id)
{
	struct asy_group_result *g = asy_report_add_group(rep);
	struct asy_case_result *c;

	ck_assert_ptr_nonnull(g);
	c = asy_group_add_case(g);
	ck_assert_ptr_nonnull(c);
	c->id = asy_strdup(id);
	return c;
}

static struct asy_unit_result *
mk_unit(struct asy_case_result *c, const char *id, const char *row,
    enum asy_verdict v, const char *reason)
{
	struct asy_unit_result *u = asy_case_add_unit(c);

	ck_assert_ptr_nonnull(u);
	u->id = asy_strdup(id);
	u->row = row ? asy_strdup(row) : NULL;
	u->verdict = v;
	u->reason = asy_strdup(reason);
	return u;
}

static char *
journal_text(const char *dir)
{
	char *p = asy_path_join(dir, ASY_JOURNAL_FILE);
	struct asy_buf b;

	ut_load(p, &b);
	free(p);
	return asy_buf_steal(&b);
}

static void
journal_append_raw(const char *dir, const char *text)
{
	char *p = asy_path_join(dir, ASY_JOURNAL_FILE);
	int fd = open(p, O_WRONLY | O_APPEND);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(p);
}

static const char hostile[] = "a\ttab, a\nnewline, a \\ backslash, \\N, "
    "<b>markup</b> and \r";

START_TEST(test_round_trip)
{
	char *dir = ut_tmpdir();
	struct asy_journal *j = NULL, *k = NULL;
	struct asy_report *rep = asy_report_new();
	struct asy_case_result *c;
	struct asy_unit_result *u, *ru;
	struct asy_diags d;

	ck_assert_int_eq(asy_journal_create(dir, &j), 0);
	ck_assert_int_eq(asy_journal_create(dir, &k), ASY_E_EXISTS);
	ck_assert_int_eq(asy_journal_put_opt(j, "lab", "/etc/lab.xml"), 0);
	ck_assert_int_eq(asy_journal_put_opt(j, "dut", NULL), 0);
	ck_assert_int_eq(asy_journal_put_opt(j, "assessor", hostile), 0);
	ck_assert_int_eq(asy_journal_put_disc(j, "nmap-xml",
	    "discovery/nmap-ipv4.xml"), 0);
	ck_assert_int_eq(asy_journal_put_disc(j, "empty", ""), 0);
	c = mk_case(rep, "5.1-1-2");
	u = mk_unit(c, "a", NULL, ASY_V_FAIL, hostile);
	ck_assert_int_eq(asy_unit_add_evidence(u, "pcap/5.1-1-2.pcap", "pcap",
	    "frames 1-3"), 0);
	ck_assert_int_eq(asy_unit_add_evidence(u, "transcripts/x.txt",
	    "transcript", NULL), 0);
	mk_unit(c, "b", "AuthMech-SSH", ASY_V_PASS, "");
	ck_assert_int_eq(asy_journal_put_case(j, c), 0);
	ck_assert_int_eq(asy_journal_put_stop(j, "stopped by a signal"), 0);
	asy_journal_free(j);

	asy_diags_init(&d);
	ck_assert_int_eq(asy_journal_load(dir, &d, &k), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_str_eq(asy_journal_opt(k, "lab"), "/etc/lab.xml");
	ck_assert_ptr_null(asy_journal_opt(k, "dut"));
	ck_assert_str_eq(asy_journal_opt(k, "assessor"), hostile);
	ck_assert_ptr_null(asy_journal_opt(k, "nmap-xml"));
	ck_assert_str_eq(asy_journal_disc(k, "nmap-xml"),
	    "discovery/nmap-ipv4.xml");
	ck_assert_str_eq(asy_journal_disc(k, "empty"), "");
	ck_assert_str_eq(k->stopped, "stopped by a signal");
	ck_assert(asy_journal_has_case(k, "5.1-1-2"));
	ck_assert(!asy_journal_has_case(k, "5.1-1-1"));

	/* Restore into fresh units, matched by unit and row. */
	c = mk_case(rep, "5.1-1-2");
	ru = mk_unit(c, "a", NULL, ASY_V_NONE, "");
	ck_assert_int_eq(asy_journal_restore(k, "5.1-1-2", ru), 1);
	ck_assert_int_eq(ru->verdict, ASY_V_FAIL);
	ck_assert_str_eq(ru->reason, hostile);
	ck_assert_uint_eq(ru->n_ev, 2);
	ck_assert_str_eq(ru->ev[0].note, "frames 1-3");
	ck_assert_ptr_null(ru->ev[1].note);
	ru = mk_unit(c, "b", "AuthMech-SSH", ASY_V_NONE, "x");
	ck_assert_int_eq(asy_journal_restore(k, "5.1-1-2", ru), 1);
	ck_assert_int_eq(ru->verdict, ASY_V_PASS);
	ck_assert_str_eq(ru->reason, "");
	ru = mk_unit(c, "b", "AuthMech-Web", ASY_V_NONE, "x");
	ck_assert_int_eq(asy_journal_restore(k, "5.1-1-2", ru), 0);
	ck_assert_int_eq(ru->verdict, ASY_V_NONE);
	asy_journal_free(k);
	asy_diags_release(&d);
	asy_report_free(rep);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* A crash mid-case: its units are not taken, the cut line is ignored, and
 * the resumed run appends cleanly; the last record of a unit wins. */
START_TEST(test_crash)
{
	char *dir = ut_tmpdir(), *text;
	struct asy_journal *j = NULL;
	struct asy_report *rep = asy_report_new();
	struct asy_case_result *c;
	struct asy_unit_result *ru;
	struct asy_diags d;

	ck_assert_int_eq(asy_journal_create(dir, &j), 0);
	c = mk_case(rep, "5.1-5-2");
	mk_unit(c, "a", NULL, ASY_V_FAIL, "first");
	ck_assert_int_eq(asy_journal_put_case(j, c), 0);
	asy_journal_free(j);
	/* The second case's unit was written, its end never was, and the
	 * line after it was cut by the crash. */
	journal_append_raw(dir, "U\t5.5-5-2\ta\t\\N\tPASS\t\\N\tgone\n"
	    "U\t5.6-1-2\ta\t\\N\tPA");

	asy_diags_init(&d);
	ck_assert_int_eq(asy_journal_load(dir, &d, &j), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert(asy_journal_has_case(j, "5.1-5-2"));
	ck_assert(!asy_journal_has_case(j, "5.5-5-2"));
	ck_assert_uint_eq(j->n_units, 1);
	/* The case done again after the resume. */
	c = mk_case(rep, "5.1-5-2");
	mk_unit(c, "a", NULL, ASY_V_INCONCLUSIVE, "second");
	ck_assert_int_eq(asy_journal_put_case(j, c), 0);
	asy_journal_free(j);
	text = journal_text(dir);
	ck_assert_msg(strstr(text, "gone") == NULL && strstr(text, "\tPA") ==
	    NULL && strstr(text, "\tsecond\nK\t5.1-5-2\n") != NULL,
	    "the unfinished case was not cut before appending:\n%s", text);
	free(text);

	ck_assert_int_eq(asy_journal_load(dir, &d, &j), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	c = mk_case(rep, "5.1-5-2");
	ru = mk_unit(c, "a", NULL, ASY_V_NONE, "");
	ck_assert_int_eq(asy_journal_restore(j, "5.1-5-2", ru), 1);
	ck_assert_str_eq(ru->reason, "second");
	asy_journal_free(j);
	asy_diags_release(&d);
	asy_report_free(rep);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

static const struct {
	const char	*text;
	unsigned long	 line;		/* 0: the whole file */
	const char	*want;		/* in the message */
} damaged[] = {
	{ "", 0, "empty" },
	{ "not a journal\n", 1, "not an assay journal" },
	{ "assay-journal 2\n", 1, "not an assay journal" },
	{ "assay-journal 1\nX\tfoo\n", 2, "unknown record type" },
	{ "assay-journal 1\nO\tkey\n", 2, "key and a value" },
	{ "assay-journal 1\nO\tk\tbad \\q escape\n", 2, "bad escape" },
	{ "assay-journal 1\nU\t5.1-1-2\ta\t\\N\tGREAT\t\\N\tr\n", 2,
	    "unknown verdict" },
	{ "assay-journal 1\nE\tpcap/x.pcap\tpcap\t\\N\n", 2,
	    "unit record before it" },
	{ "assay-journal 1\nU\t5.1-1-2\ta\t\\N\tPASS\t\\N\tr\nK\t5.1-5-2\n",
	    3, "another case" },
	{ "assay-journal 1\nOkey\tv\n", 2, "bad escape or too many" },
	{ "assay-journal 1\nS\t1\t2\t3\t4\t5\t6\t7\t8\t9\n", 2,
	    "too many fields" },
};

START_TEST(test_damaged)
{
	char *dir = ut_tmpdir(), *p = asy_path_join(dir, ASY_JOURNAL_FILE);
	struct asy_journal *j = NULL;
	struct asy_diags d;
	char *msg;

	ut_write(p, damaged[_i].text, strlen(damaged[_i].text));
	asy_diags_init(&d);
	ck_assert_int_eq(asy_journal_load(dir, &d, &j), ASY_E_INPUT);
	ck_assert_ptr_null(j);
	ck_assert_uint_ge(d.n_errors, 1);
	ck_assert_uint_eq(d.v[0].line, damaged[_i].line);
	msg = d.v[0].msg;
	ck_assert_msg(strstr(msg, damaged[_i].want) != NULL,
	    "case %d: '%s' does not say '%s'", _i, msg, damaged[_i].want);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(p);
	free(dir);
}
END_TEST

START_TEST(test_missing)
{
	char *dir = ut_tmpdir();
	struct asy_journal *j = NULL;
	struct asy_diags d;

	asy_diags_init(&d);
	ck_assert_int_eq(asy_journal_load(dir, &d, &j), ASY_E_NOTFOUND);
	ck_assert_uint_eq(d.n_errors, 1);
	ck_assert(strstr(d.v[0].msg, "not the folder of a run") != NULL);
	asy_diags_release(&d);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* Reopen by either name; a finished or missing run is refused; a folder
 * another process holds is busy. */
START_TEST(test_reopen)
{
	char *dir = ut_tmpdir(), *final = asy_path_join(dir, "run"),
	    *partial = asy_strdup_printf("%s%s", final, ASY_PARTIAL);
	struct asy_rundir *a = NULL, *b = NULL;
	int p[2], fd;
	pid_t pid;
	char c;

	ck_assert_int_eq(asy_rundir_reopen(final, &b), ASY_E_NOTFOUND);
	ck_assert_int_eq(asy_rundir_create(final, &a), 0);
	/* The first writer holds it. */
	ck_assert_int_eq(asy_rundir_reopen(partial, &b), ASY_E_BUSY);
	ck_assert_ptr_null(b);
	asy_rundir_free(a);
	a = NULL;
	/* Left behind: both names find it. */
	ck_assert_int_eq(asy_rundir_reopen(final, &b), 0);
	ck_assert_str_eq(b->work_path, partial);
	ck_assert_str_eq(b->final_path, final);
	asy_rundir_free(b);
	b = NULL;
	ck_assert_int_eq(asy_rundir_reopen(partial, &b), 0);
	ck_assert_str_eq(b->final_path, final);
	asy_rundir_free(b);
	b = NULL;
	/* Another process's lock (a resume under way) is seen as busy. */
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(partial, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		close(p[0]);
		(void)write(p[1], "x", 1);
		for (int i = 0; i < 600; i++)	/* until killed */
			(void)poll(NULL, 0, 100);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_int_eq(asy_rundir_reopen(partial, &b), ASY_E_BUSY);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	/* Finished: nothing to resume. */
	ck_assert_int_eq(asy_rundir_reopen(final, &b), 0);
	ck_assert_int_eq(asy_rundir_finish(b), 0);
	asy_rundir_free(b);
	b = NULL;
	ck_assert_int_eq(asy_rundir_reopen(final, &b), ASY_E_EXISTS);
	ut_rmrf(dir);
	free(partial);
	free(final);
	free(dir);
}
END_TEST

static Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_crash);
	tcase_add_loop_test(tc, test_damaged, 0, (int)ASY_ELEMENTSOF(damaged));
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_reopen);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(journal_suite());
}
