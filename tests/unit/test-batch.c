/*
 * The batch summary's view of a finished run (harness/batch.c,
 * asy_batch_tally), on real offline runs that the assay binary makes of
 * the example declarations: the overall verdict read back with runread is
 * the "overall:" line the run itself printed; the FAIL units counted are
 * report.xml's unit count, the groups decided by their ICS row (the
 * "(group)" pseudo-units) apart; waivers of a unit, of a whole case and
 * of such a group each count where they belong, and the summary's lines
 * say so, "(all: ...)" only when every FAIL is waived.
 */
#include <check.h>

#include "batch.h"
#include "runread.h"
#include "ut.h"
#include "waiver.h"

/* Examples run offline by the tests, and the exit code each gives. */
static const struct {
	const char	*example;
	int		 code;		/* its exit code */
} examples[] = {
	{ "ipcam", ASY_EXIT_FAIL },
	{ "hub", ASY_EXIT_INCOMPLETE },
};

/* Run the example offline into DIR/NAME; its stdout in DIR/NAME.out. */
static char *
make_run(const char *dir, const char *example, int code)
{
	char *run = asy_strdup_printf("%s/%s", dir, example);
	char *out = asy_strdup_printf("%s/%s.out", dir, example);
	char *err = asy_strdup_printf("%s/%s.err", dir, example);
	char *decl = asy_strdup_printf("ics-ixit/examples/%s", example);
	char *src;
	const char *bin = ut_bin();
	int r;

	if (bin == NULL)
		ck_abort_msg("ASSAY_BIN is not set; run through meson test");
	ck_assert(run != NULL && out != NULL && err != NULL && decl != NULL);
	src = ut_src(decl);
	{
		char *argv[] = { (char *)bin, "run", "--offline", "--batch",
		    "--out", run, src, NULL };

		r = ut_spawn(argv, out, err, 60000);
	}
	ck_assert_msg(r == code, "assay run %s: exit %d, want %d", example, r,
	    code);
	free(src);
	free(decl);
	free(err);
	free(out);
	return run;
}

/* The text after "overall:" on the run's own summary, to the line end. */
static char *
printed_overall(const char *run)
{
	char *path = asy_strdup_printf("%s.out", run);
	struct asy_buf b;
	char *p, *s;

	ut_load(path, &b);
	p = strstr(b.data, "\noverall:");
	ck_assert_msg(p != NULL, "no overall line in %s", path);
	p += strlen("\noverall:");
	p += strspn(p, " ");
	s = asy_strndup(p, strcspn(p, "\n"));
	ck_assert_ptr_nonnull(s);
	asy_buf_release(&b);
	free(path);
	return s;
}

/* The overall verdict and reason, from report.xml, are what the run
 * printed; a FAIL run and an INCONCLUSIVE one. */
START_TEST(test_overall)
{
	char *dir = ut_tmpdir();
	char *run = make_run(dir, examples[_i].example, examples[_i].code);
	struct asy_runinfo *ri = ut_run_load(run);
	struct asy_batch_tally t;
	char *want = printed_overall(run);

	ck_assert_int_eq(asy_batch_tally(ri, "dut", NULL, 0, &t), 0);
	ck_assert_ptr_nonnull(t.overall);
	ck_assert_str_eq(t.overall, want);
	ck_assert_uint_eq(t.n_waived, 0);
	asy_batch_tally_release(&t);
	ck_assert_ptr_null(t.overall);
	asy_batch_tally_release(NULL);
	free(want);
	asy_runinfo_free(ri);
	free(run);
	free(dir);
}
END_TEST

/* An attribute of report.xml's <counts level="units">, as a number. */
static unsigned
report_units(const char *run, const char *attr)
{
	char *path = asy_path_join(run, "report.xml");
	char *want = asy_strdup_printf(" %s=\"", attr);
	unsigned long n = 0;
	struct asy_buf b;
	char *p, *v;

	ut_load(path, &b);
	p = strstr(b.data, "<counts level=\"units\"");
	ck_assert_ptr_nonnull(p);
	p = strstr(p, want);
	ck_assert_ptr_nonnull(p);
	p += strlen(want);
	v = asy_strndup(p, strcspn(p, "\""));
	ck_assert_int_eq(asy_parse_ulong(v, &n), 0);
	free(v);
	free(want);
	asy_buf_release(&b);
	free(path);
	return (unsigned)n;
}

/* FAIL units of ri: real ones (pseudo 0) or pseudo-units (pseudo 1). */
static unsigned
fails(const struct asy_runinfo *ri, int pseudo)
{
	unsigned n = 0;

	for (size_t i = 0; i < ri->n_units; i++)
		if (ri->units[i].verdict == ASY_V_FAIL &&
		    asy_run_unit_is_pseudo(&ri->units[i]) == pseudo)
			n++;
	return n;
}

/* The FAIL counts are report.xml's; the ipcam example has groups that
 * fail by their ICS row, which are no units. */
START_TEST(test_counts)
{
	char *dir = ut_tmpdir();
	char *run = make_run(dir, "ipcam", ASY_EXIT_FAIL);
	struct asy_runinfo *ri = ut_run_load(run);
	struct asy_batch_tally t;
	struct asy_buf b;

	ck_assert_int_eq(asy_batch_tally(ri, "dut", NULL, 0, &t), 0);
	ck_assert_uint_eq(t.n_fail, report_units(run, "fail"));
	ck_assert_uint_eq(t.n_fail, fails(ri, 0));
	ck_assert_msg(t.n_fail_bare > 0, "the ipcam example has no group "
	    "failing by its ICS row any more: this test needs one");
	ck_assert_uint_eq(t.n_fail_bare, fails(ri, 1));
	ck_assert_uint_eq(t.n_waived + t.n_waived_bare, 0);
	ck_assert(!asy_batch_all_waived(&t));
	/* Nothing waived, nothing said. */
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_batch_tally_text(&t, 2, &b), 0);
	ck_assert_uint_eq(b.len, 0);
	asy_buf_release(&b);
	asy_batch_tally_release(&t);
	asy_runinfo_free(ri);
	free(run);
	free(dir);
}
END_TEST

/* Write a waiver file of n waivers ("CASE" or "CASE UNIT", device "*"). */
static struct asy_waivers *
waivers(const char *dir, const char *const *v, size_t n)
{
	char *path = asy_path_join(dir, "waivers.xml");
	struct asy_waivers *w = NULL;
	struct asy_diags d;
	struct asy_buf b;

	asy_buf_init(&b, 1 << 20);
	ck_assert_int_eq(asy_buf_puts(&b, "<?xml version=\"1.0\"?>\n"
	    "<waivers format=\"1\">\n"), 0);
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(v[i], ' ');

		ck_assert_int_eq(asy_buf_printf(&b, "  <waiver case=\"%.*s\"",
		    (int)(sp ? (size_t)(sp - v[i]) : strlen(v[i])), v[i]), 0);
		if (sp != NULL)
			ck_assert_int_eq(asy_buf_put_attr(&b, "unit", sp + 1),
			    0);
		ck_assert_int_eq(asy_buf_puts(&b, " device=\"*\" owner=\"o\" "
		    "expires=\"2099-12-31\">known</waiver>\n"), 0);
	}
	ck_assert_int_eq(asy_buf_puts(&b, "</waivers>\n"), 0);
	ck_assert_int_eq(asy_buf_save_file(&b, path), 0);
	asy_diags_init(&d);
	if (asy_waivers_load(path, NULL, &d, &w) != 0)
		asy_diags_print(&d, stderr);
	ck_assert_ptr_nonnull(w);
	asy_diags_release(&d);
	asy_buf_release(&b);
	free(path);
	return w;
}

/* The first FAIL of ri that is (pseudo 1) or is not a pseudo-unit. */
static const struct asy_run_unit *
first_fail(const struct asy_runinfo *ri, int pseudo)
{
	for (size_t i = 0; i < ri->n_units; i++)
		if (ri->units[i].verdict == ASY_V_FAIL &&
		    asy_run_unit_is_pseudo(&ri->units[i]) == pseudo)
			return &ri->units[i];
	ck_abort_msg("no FAIL of that kind");
	return NULL;
}

/* One unit and one group waived: each counted on its own line. */
START_TEST(test_waived_some)
{
	char *dir = ut_tmpdir();
	char *run = make_run(dir, "ipcam", ASY_EXIT_FAIL);
	struct asy_runinfo *ri = ut_run_load(run);
	const struct asy_run_unit *u = first_fail(ri, 0);
	const struct asy_run_unit *g = first_fail(ri, 1);
	char *one = asy_strdup_printf("%s %s", u->case_id, u->label);
	const char *v[] = { one, g->case_id };
	struct asy_waivers *w = waivers(dir, v, 2);
	struct asy_batch_tally t;
	struct asy_buf b;
	char *want;

	ck_assert_int_eq(asy_batch_tally(ri, "dut", w, 20000, &t), 0);
	ck_assert_uint_eq(t.n_waived, 1);
	ck_assert_uint_eq(t.n_waived_bare, 1);
	ck_assert_uint_eq(t.n_fail, report_units(run, "fail"));
	ck_assert(!asy_batch_all_waived(&t));
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_batch_tally_text(&t, 4, &b), 0);
	want = asy_strdup_printf("    1 of %u FAIL units waived\n"
	    "    1 of %u FAIL cases or groups without units waived\n",
	    t.n_fail, t.n_fail_bare);
	ck_assert_str_eq(b.data, want);
	free(want);
	asy_buf_release(&b);
	asy_batch_tally_release(&t);
	asy_waivers_free(w);
	free(one);
	asy_runinfo_free(ri);
	free(run);
	free(dir);
}
END_TEST

/* Every failing case and group waived as a whole: all waived, and only
 * the last line says so; without the groups, not all. */
START_TEST(test_waived_all)
{
	char *dir = ut_tmpdir();
	char *run = make_run(dir, "ipcam", ASY_EXIT_FAIL);
	struct asy_runinfo *ri = ut_run_load(run);
	const char **v = calloc(ri->n_units, sizeof(*v));
	struct asy_waivers *w;
	struct asy_batch_tally t;
	struct asy_buf b;
	size_t n = 0, n_cases;
	char *want;

	ck_assert_ptr_nonnull(v);
	/* The cases first, then the groups without cases. */
	for (int pseudo = 0; pseudo <= 1; pseudo++) {
		for (size_t i = 0; i < ri->n_units; i++) {
			const struct asy_run_unit *u = &ri->units[i];
			size_t k;

			if (u->verdict != ASY_V_FAIL ||
			    asy_run_unit_is_pseudo(u) != pseudo)
				continue;
			for (k = 0; k < n && strcmp(v[k], u->case_id) != 0; k++)
				;
			if (k == n)
				v[n++] = u->case_id;
		}
		if (pseudo == 0)
			n_cases = n;
	}
	w = waivers(dir, v, n_cases);
	ck_assert_int_eq(asy_batch_tally(ri, "dut", w, 20000, &t), 0);
	ck_assert_uint_eq(t.n_waived, t.n_fail);
	ck_assert_uint_eq(t.n_waived_bare, 0);
	ck_assert(!asy_batch_all_waived(&t));
	asy_batch_tally_release(&t);
	asy_waivers_free(w);

	w = waivers(dir, v, n);
	ck_assert_int_eq(asy_batch_tally(ri, "dut", w, 20000, &t), 0);
	ck_assert_uint_eq(t.n_waived, t.n_fail);
	ck_assert_uint_eq(t.n_waived_bare, t.n_fail_bare);
	ck_assert(asy_batch_all_waived(&t));
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_batch_tally_text(&t, 0, &b), 0);
	want = asy_strdup_printf("%u of %u FAIL units waived\n"
	    "%u of %u FAIL cases or groups without units waived (all: the "
	    "verdict stays FAIL, the batch does not count it)\n", t.n_fail,
	    t.n_fail, t.n_fail_bare, t.n_fail_bare);
	ck_assert_str_eq(b.data, want);
	free(want);
	asy_buf_release(&b);
	asy_batch_tally_release(&t);
	asy_waivers_free(w);
	free(v);
	asy_runinfo_free(ri);
	free(run);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("batch");
	TCase *tc = tcase_create("tally");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_overall, 0,
	    (int)ASY_ELEMENTSOF(examples));
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_waived_some);
	tcase_add_test(tc, test_waived_all);
	suite_add_tcase(su, tc);
	return ut_main(su);
}
