/*
 * The batch summary's view of a finished run (harness/batch.c,
 * asy_batch_tally), on real offline runs that the assay binary makes of
 * the example declarations: the overall verdict read back with runread is
 * the "overall:" line the run itself printed.
 */
#include <check.h>

#include "batch.h"
#include "runread.h"
#include "ut.h"

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

static struct asy_runinfo *
load_ok(const char *path)
{
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	r = asy_runinfo_load(path, &d, &ri);
	if (r != 0)
		asy_diags_print(&d, stderr);
	ck_assert_int_eq(r, 0);
	asy_diags_release(&d);
	return ri;
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
	struct asy_runinfo *ri = load_ok(run);
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

int
main(void)
{
	Suite *su = suite_create("batch");
	TCase *tc = tcase_create("tally");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_overall, 0,
	    (int)ASY_ELEMENTSOF(examples));
	suite_add_tcase(su, tc);
	return ut_main(su);
}
