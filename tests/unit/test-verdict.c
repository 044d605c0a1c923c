/*
 * Verdicts and their roll-up.
 *
 * asy_verdict_fold() and asy_verdict_combine() on a table of child
 * verdicts (FAIL > ERROR > INCONCLUSIVE = NONE > PASS > NOT APPLICABLE, and
 * no children is NOT APPLICABLE), every pair of fold, names and slugs and
 * their parse round trip; then small result models built in code, rolled up
 * with asy_report_rollup(): the overall verdict, the exit code, the counts
 * per verdict and the reasons that name what decided them.
 */
#include <check.h>

#include "result.h"
#include "verdict.h"
#include "ut.h"

/* One letter per verdict, for compact tables. */
static enum asy_verdict
v_of(char c)
{
	switch (c) {
	case 'P':
		return ASY_V_PASS;
	case 'F':
		return ASY_V_FAIL;
	case 'A':
		return ASY_V_NA;
	case 'I':
		return ASY_V_INCONCLUSIVE;
	case 'E':
		return ASY_V_ERROR;
	case 'N':
		return ASY_V_NONE;
	default:
		ck_abort_msg("bad verdict letter '%c' in a table", c);
		return ASY_V_NONE;
	}
}

/* ---- combine and fold --------------------------------------------------- */

static const struct {
	const char	*children;
	char		 parent;
} combine_cases[] = {
	{ "", 'A' },
	{ "A", 'A' },
	{ "AAA", 'A' },
	{ "P", 'P' },
	{ "AP", 'P' },
	{ "PA", 'P' },
	{ "PPP", 'P' },
	{ "I", 'I' },
	{ "N", 'I' },
	{ "NN", 'I' },
	{ "PN", 'I' },
	{ "NP", 'I' },
	{ "AN", 'I' },
	{ "PI", 'I' },
	{ "IP", 'I' },
	{ "AI", 'I' },
	{ "NI", 'I' },
	{ "E", 'E' },
	{ "IE", 'E' },
	{ "EI", 'E' },
	{ "NE", 'E' },
	{ "PE", 'E' },
	{ "AE", 'E' },
	{ "F", 'F' },
	{ "EF", 'F' },
	{ "FE", 'F' },
	{ "FI", 'F' },
	{ "IF", 'F' },
	{ "NF", 'F' },
	{ "FA", 'F' },
	{ "AF", 'F' },
	{ "PPPPF", 'F' },
	{ "FPPPP", 'F' },
	{ "AIEPNF", 'F' },
	{ "FIEPNA", 'F' },
	{ "PIPIP", 'I' },
	{ "PEPIP", 'E' },
};

START_TEST(test_combine)
{
	const char *kids = combine_cases[_i].children;
	enum asy_verdict v[16], want = v_of(combine_cases[_i].parent);
	enum asy_verdict got, folded = ASY_V_NA;
	unsigned n = 0;

	for (; kids[n] != '\0'; n++) {
		v[n] = v_of(kids[n]);
		folded = asy_verdict_fold(folded, v[n]);
	}
	got = asy_verdict_combine(v, n);
	ck_assert_msg(got == want, "combine(%s) = %s, expected %s", kids,
	    asy_verdict_name(got), asy_verdict_name(want));
	/* combine is the fold from NOT APPLICABLE. */
	ck_assert_msg(folded == want, "fold over %s = %s, expected %s", kids,
	    asy_verdict_name(folded), asy_verdict_name(want));
}
END_TEST

/* The order of the verdicts, NONE counting as INCONCLUSIVE. */
static int
rank(enum asy_verdict v)
{
	switch (v) {
	case ASY_V_NA:
		return 0;
	case ASY_V_PASS:
		return 1;
	case ASY_V_NONE:
	case ASY_V_INCONCLUSIVE:
		return 2;
	case ASY_V_ERROR:
		return 3;
	case ASY_V_FAIL:
		return 4;
	default:
		ck_abort_msg("no such verdict %d", (int)v);
		return -1;
	}
}

/* Every pair: the higher rank wins, the result never NONE, order free. */
START_TEST(test_fold_pairs)
{
	for (int a = 0; a < ASY_V__COUNT; a++) {
		for (int b = 0; b < ASY_V__COUNT; b++) {
			enum asy_verdict x = (enum asy_verdict)a;
			enum asy_verdict y = (enum asy_verdict)b;
			enum asy_verdict r = asy_verdict_fold(x, y);
			enum asy_verdict want = rank(x) >= rank(y) ? x : y;

			if (want == ASY_V_NONE)
				want = ASY_V_INCONCLUSIVE;
			ck_assert_msg(r == want, "fold(%s, %s) = %s, expected "
			    "%s", asy_verdict_name(x), asy_verdict_name(y),
			    asy_verdict_name(r), asy_verdict_name(want));
			ck_assert_int_eq(asy_verdict_fold(y, x), r);
			ck_assert_int_ne(r, ASY_V_NONE);
		}
	}
}
END_TEST

/* ---- names -------------------------------------------------------------- */

static const struct {
	enum asy_verdict v;
	const char	*name;
	const char	*slug;
} names[] = {
	{ ASY_V_NONE, "NONE", "none" },
	{ ASY_V_PASS, "PASS", "pass" },
	{ ASY_V_FAIL, "FAIL", "fail" },
	{ ASY_V_NA, "NOT APPLICABLE", "na" },
	{ ASY_V_INCONCLUSIVE, "INCONCLUSIVE", "inconclusive" },
	{ ASY_V_ERROR, "ERROR", "error" },
};

START_TEST(test_names)
{
	enum asy_verdict out;

	ck_assert_uint_eq(ASY_ELEMENTSOF(names), ASY_V__COUNT);
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		ck_assert_str_eq(asy_verdict_name(names[i].v), names[i].name);
		ck_assert_str_eq(asy_verdict_slug(names[i].v), names[i].slug);
		out = ASY_V__COUNT;
		ck_assert_int_eq(asy_verdict_parse(names[i].name, &out), 0);
		ck_assert_int_eq(out, names[i].v);
		out = ASY_V__COUNT;
		ck_assert_int_eq(asy_verdict_parse(names[i].slug, &out), 0);
		ck_assert_int_eq(out, names[i].v);
		/* Round trip from the enum. */
		out = ASY_V__COUNT;
		ck_assert_int_eq(asy_verdict_parse(asy_verdict_name(
		    names[i].v), &out), 0);
		ck_assert_int_eq(out, names[i].v);
	}
	out = ASY_V__COUNT;
	ck_assert_int_eq(asy_verdict_parse("N/A", &out), 0);
	ck_assert_int_eq(out, ASY_V_NA);
}
END_TEST

static const char *const bad_names[] = {
	"", "PASSED", "PASS ", " PASS", "FAI", "NOT_APPLICABLE", "N/A ",
	"NOT  APPLICABLE", "pass\n", "INCONCLUSIVE!", "ok", "1",
};

START_TEST(test_parse_bad)
{
	enum asy_verdict out = ASY_V__COUNT;

	ck_assert_msg(asy_verdict_parse(bad_names[_i], &out) == ASY_E_INPUT,
	    "'%s' parsed", bad_names[_i]);
	/* Output parameters are set only on success. */
	ck_assert_int_eq(out, ASY_V__COUNT);
}
END_TEST

/* ---- roll-up of result models ------------------------------------------- */

static void
set(char **p, const char *s)
{
	ck_assert_int_eq(asy_set_str(p, s), 0);
}

/*
 * A model from a compact description: groups separated by '|', each
 * "ID:M" or "ID:R" (mandatory or recommended), optionally "=V" for a
 * verdict preset from the ICS, then cases "CASEID/UNITS" where UNITS
 * are verdict letters, one unit each, named a, b, c...  Example:
 *   "5.1-1:M 5.1-1-1/PP 5.1-1-2/PI|5.2-2:R=A"
 */
/* The next sep-delimited word of *p (modified in place), or NULL. */
static char *
word(char **p, char sep)
{
	char *w = *p, *end;

	if (w == NULL || *w == '\0')
		return NULL;
	end = strchr(w, sep);
	if (end != NULL) {
		*end = '\0';
		*p = end + 1;
	} else {
		*p = w + strlen(w);
	}
	return w;
}

static struct asy_report *
model(const char *desc)
{
	struct asy_report *r = asy_report_new();
	char *copy = strdup(desc), *rest = copy, *gs;

	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(copy);
	while ((gs = word(&rest, '|')) != NULL) {
		struct asy_group_result *g = asy_report_add_group(r);
		char *head = word(&gs, ' '), *colon, *cs;

		ck_assert_ptr_nonnull(g);
		ck_assert_ptr_nonnull(head);
		colon = strchr(head, ':');
		ck_assert_ptr_nonnull(colon);
		*colon = '\0';
		set(&g->id, head);
		set(&g->provision, head);
		set(&g->title, head);
		g->mandatory = colon[1] == 'M';
		set(&g->status, g->mandatory ? "M" : "R");
		if (colon[2] == '=') {
			g->verdict = v_of(colon[3]);
			set(&g->reason, "preset from the ICS row");
		}
		while ((cs = word(&gs, ' ')) != NULL) {
			struct asy_case_result *c = asy_group_add_case(g);
			char *slash = strchr(cs, '/');

			ck_assert_ptr_nonnull(c);
			ck_assert_ptr_nonnull(slash);
			*slash = '\0';
			set(&c->id, cs);
			set(&c->title, cs);
			set(&c->kind, "conceptual");
			for (char *u = slash + 1; *u != '\0'; u++) {
				struct asy_unit_result *ur =
				    asy_case_add_unit(c);
				char id[2] = { (char)('a' + (u - slash - 1)),
				    '\0' };

				ck_assert_ptr_nonnull(ur);
				set(&ur->id, id);
				set(&ur->kind, "conceptual");
				set(&ur->reason, "set by the test");
				ur->verdict = v_of(*u);
			}
		}
	}
	free(copy);
	ck_assert_int_eq(asy_report_rollup(r), 0);
	return r;
}

static const struct asy_group_result *
group(const struct asy_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_groups; i++)
		if (strcmp(r->groups[i].id, id) == 0)
			return &r->groups[i];
	ck_abort_msg("no group %s", id);
	return NULL;
}

/* Is id a whole word of s ("5.1-1" is not in "5.1-10")? */
static int
has_word(const char *s, const char *id)
{
	size_t n = strlen(id);

	if (s == NULL)
		return 0;
	for (const char *p = s; (p = strstr(p, id)) != NULL; p++) {
		char a = p[n], b = p > s ? p[-1] : ' ';

		if ((a == ' ' || a == ',' || a == '\0' || a == ';' ||
		    a == ')' || a == '.') && (b == ' ' || b == ',' ||
		    b == ':' || b == '('))
			return 1;
	}
	return 0;
}

static const struct rollup_case {
	const char	*what;
	const char	*model;
	char		 overall;
	int		 exit_code;
	const char	*groups;	/* verdict letter per group, in order */
	const char	*named[3];	/* in the overall reason */
	const char	*unnamed[3];	/* not in it */
} rollup_cases[] = {
	{ "a recommended FAIL does not fail the assessment",
	  "5.1-1:M 5.1-1-1/P 5.1-1-2/PP|5.6-5:R 5.6-5-1/F",
	  'P', ASY_EXIT_FAIL, "PF", { 0 }, { "5.6-5" } },
	{ "a mandatory FAIL fails it",
	  "5.1-1:M 5.1-1-1/P|5.1-3:M 5.1-3-1/PFP|5.6-5:R 5.6-5-1/P",
	  'F', ASY_EXIT_FAIL, "PFP", { "5.1-3" }, { "5.1-1", "5.6-5" } },
	{ "FAIL stands beside INCONCLUSIVE and ERROR",
	  "4-1:M 4-1-1/I|5.1-1:M 5.1-1-1/E|5.1-3:M 5.1-3-1/F",
	  'F', ASY_EXIT_FAIL, "IEF", { "5.1-3" }, { "4-1", "5.1-1" } },
	{ "a mandatory INCONCLUSIVE without FAIL is INCONCLUSIVE",
	  "5.1-1:M 5.1-1-1/P 5.1-1-2/PI|5.2-1:M 5.2-1-1/P|5.6-5:R 5.6-5-1/P",
	  'I', ASY_EXIT_INCOMPLETE, "IPP", { "5.1-1" }, { "5.2-1" } },
	{ "an undecided unit counts as INCONCLUSIVE",
	  "5.1-1:M 5.1-1-1/PN|5.2-1:M 5.2-1-1/P",
	  'I', ASY_EXIT_INCOMPLETE, "IP", { "5.1-1" }, { "5.2-1" } },
	{ "ERROR dominates INCONCLUSIVE",
	  "5.1-1:M 5.1-1-1/I|5.2-1:M 5.2-1-1/E",
	  'E', ASY_EXIT_INCOMPLETE, "IE", { "5.2-1" }, { "5.1-1" } },
	{ "all PASS or NOT APPLICABLE passes",
	  "4-1:M 4-1-1/P|5.1-1:M 5.1-1-1/AA|5.1-3:M 5.1-3-1/PA 5.1-3-2/P|"
	  "5.3-4:R=A|5.6-5:R 5.6-5-1/P",
	  'P', ASY_EXIT_PASS, "PAPAP", { 0 }, { 0 } },
	{ "a preset FAIL (ICS N on M) stands and fails",
	  "5.1-1:M 5.1-1-1/P|5.4-2:M=F|5.6-5:R 5.6-5-1/P",
	  'F', ASY_EXIT_FAIL, "PFP", { "5.4-2" }, { "5.1-1" } },
	{ "a preset NOT APPLICABLE stands over its cases",
	  "5.1-1:M=A 5.1-1-1/P|5.2-1:M 5.2-1-1/P",
	  'P', ASY_EXIT_PASS, "AP", { 0 }, { 0 } },
	{ "a recommended INCONCLUSIVE leaves PASS but is incomplete",
	  "5.1-1:M 5.1-1-1/P|5.6-5:R 5.6-5-1/I",
	  'P', ASY_EXIT_INCOMPLETE, "PI", { 0 }, { 0 } },
	{ "only recommended groups: NOT APPLICABLE overall",
	  "5.6-5:R 5.6-5-1/P|5.6-6:R 5.6-6-1/P",
	  'A', ASY_EXIT_PASS, "PP", { 0 }, { 0 } },
	{ "no groups at all", "", 'A', ASY_EXIT_PASS, "", { 0 }, { 0 } },
};

START_TEST(test_rollup)
{
	const struct rollup_case *t = &rollup_cases[_i];
	struct asy_report *r;

	if (*t->model == '\0') {
		r = asy_report_new();
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(asy_report_rollup(r), 0);
	} else {
		r = model(t->model);
	}
	ck_assert_msg(r->overall == v_of(t->overall), "%s: overall %s, "
	    "expected %s", t->what, asy_verdict_name(r->overall),
	    asy_verdict_name(v_of(t->overall)));
	ck_assert_msg(asy_report_exit_code(r) == t->exit_code, "%s: exit "
	    "code %d, expected %d", t->what, asy_report_exit_code(r),
	    t->exit_code);
	ck_assert_uint_eq(r->n_groups, strlen(t->groups));
	for (size_t i = 0; i < r->n_groups; i++)
		ck_assert_msg(r->groups[i].verdict == v_of(t->groups[i]),
		    "%s: group %s is %s, expected %s", t->what,
		    r->groups[i].id, asy_verdict_name(r->groups[i].verdict),
		    asy_verdict_name(v_of(t->groups[i])));
	if (r->n_groups > 0)
		ck_assert_msg(r->overall_reason != NULL &&
		    *r->overall_reason != '\0', "%s: no overall reason",
		    t->what);
	for (size_t i = 0; i < 3 && t->named[i]; i++)
		ck_assert_msg(has_word(r->overall_reason, t->named[i]),
		    "%s: the overall reason does not name %s: %s", t->what,
		    t->named[i], r->overall_reason);
	for (size_t i = 0; i < 3 && t->unnamed[i]; i++)
		ck_assert_msg(!has_word(r->overall_reason, t->unnamed[i]),
		    "%s: the overall reason names %s: %s", t->what,
		    t->unnamed[i], r->overall_reason);
	asy_report_free(r);
}
END_TEST

/* Counts per verdict over groups, cases and units. */
START_TEST(test_counts)
{
	struct asy_report *r = model(
	    "4-1:M 4-1-1/P|"
	    "5.1-1:M 5.1-1-1/PF 5.1-1-2/PIA|"
	    "5.1-2:M=A|"
	    "5.1-3:M 5.1-3-1/AA|"
	    "5.2-2:R 5.2-2-1/EP 5.2-2-2/N|"
	    "5.4-2:M=F");
	/* Index: NONE PASS FAIL NA INCONCLUSIVE ERROR. */
	static const unsigned want_group[] = { 0, 1, 2, 2, 0, 1 };
	static const unsigned want_case[] = { 0, 1, 1, 1, 2, 1 };
	static const unsigned want_unit[] = { 1, 4, 1, 3, 1, 1 };

	for (int v = 0; v < ASY_V__COUNT; v++) {
		ck_assert_msg(r->n_group[v] == want_group[v], "groups %s: %u, "
		    "expected %u", asy_verdict_name((enum asy_verdict)v),
		    r->n_group[v], want_group[v]);
		ck_assert_msg(r->n_case[v] == want_case[v], "cases %s: %u, "
		    "expected %u", asy_verdict_name((enum asy_verdict)v),
		    r->n_case[v], want_case[v]);
		ck_assert_msg(r->n_unit[v] == want_unit[v], "units %s: %u, "
		    "expected %u", asy_verdict_name((enum asy_verdict)v),
		    r->n_unit[v], want_unit[v]);
	}
	ck_assert_int_eq(r->overall, ASY_V_FAIL);
	ck_assert_int_eq(asy_report_exit_code(r), ASY_EXIT_FAIL);
	/* Rolling up again does not count twice. */
	ck_assert_int_eq(asy_report_rollup(r), 0);
	for (int v = 0; v < ASY_V__COUNT; v++) {
		ck_assert_uint_eq(r->n_group[v], want_group[v]);
		ck_assert_uint_eq(r->n_case[v], want_case[v]);
		ck_assert_uint_eq(r->n_unit[v], want_unit[v]);
	}
	asy_report_free(r);
}
END_TEST

/* Case and group reasons name the units and cases that decided them. */
START_TEST(test_reasons)
{
	struct asy_report *r = model(
	    "5.1-1:M 5.1-1-1/PFF 5.1-1-2/PP 5.1-1-3/IF|"
	    "5.2-1:M 5.2-1-1/PIP 5.2-1-2/P|"
	    "5.3-1:M 5.3-1-1/PP");
	const struct asy_group_result *g1 = group(r, "5.1-1");
	const struct asy_group_result *g2 = group(r, "5.2-1");
	const struct asy_group_result *g3 = group(r, "5.3-1");

	/* 5.1-1-1: units b and c failed, a did not. */
	ck_assert_int_eq(g1->cases[0].verdict, ASY_V_FAIL);
	ck_assert_msg(has_word(g1->cases[0].reason, "b") &&
	    has_word(g1->cases[0].reason, "c") &&
	    !has_word(g1->cases[0].reason, "a"), "case reason: %s",
	    g1->cases[0].reason);
	/* The group names its failed cases, not the passed one. */
	ck_assert_int_eq(g1->verdict, ASY_V_FAIL);
	ck_assert_msg(has_word(g1->reason, "5.1-1-1") &&
	    has_word(g1->reason, "5.1-1-3") &&
	    !has_word(g1->reason, "5.1-1-2"), "group reason: %s", g1->reason);
	/* An inconclusive group names the inconclusive case. */
	ck_assert_int_eq(g2->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_msg(has_word(g2->reason, "5.2-1-1") &&
	    !has_word(g2->reason, "5.2-1-2"), "group reason: %s", g2->reason);
	ck_assert_msg(has_word(g2->cases[0].reason, "b") &&
	    !has_word(g2->cases[0].reason, "a"), "case reason: %s",
	    g2->cases[0].reason);
	/* A passed group says so. */
	ck_assert_int_eq(g3->verdict, ASY_V_PASS);
	ck_assert_ptr_nonnull(g3->reason);
	ck_assert_ptr_nonnull(strstr(g3->reason, "pass"));
	/* Overall: the failed mandatory group, not the others. */
	ck_assert_msg(has_word(r->overall_reason, "5.1-1") &&
	    !has_word(r->overall_reason, "5.2-1") &&
	    !has_word(r->overall_reason, "5.3-1"), "overall reason: %s",
	    r->overall_reason);
	asy_report_free(r);
}
END_TEST

/* A preset group keeps its verdict and its reason. */
START_TEST(test_preset_reason)
{
	struct asy_report *r = model("5.4-2:M=F|5.1-1:M 5.1-1-1/P");
	const struct asy_group_result *g = group(r, "5.4-2");

	ck_assert_int_eq(g->verdict, ASY_V_FAIL);
	ck_assert_str_eq(g->reason, "preset from the ICS row");
	ck_assert_int_eq(asy_report_exit_code(r), ASY_EXIT_FAIL);
	asy_report_free(r);
}
END_TEST

/* An excluded case keeps the verdict set on it; so does one without
 * units. */
START_TEST(test_excluded)
{
	struct asy_report *r = asy_report_new();
	struct asy_group_result *g = asy_report_add_group(r);
	struct asy_case_result *c1, *c2;
	struct asy_unit_result *u;

	set(&g->id, "5.6-4");
	g->mandatory = 1;
	c1 = asy_group_add_case(g);
	set(&c1->id, "5.6-4-2");
	c1->excluded = 1;
	c1->verdict = ASY_V_INCONCLUSIVE;
	set(&c1->reason, "left out: the bench lacks serial");
	u = asy_case_add_unit(c1);
	set(&u->id, "a");
	u->verdict = ASY_V_PASS;
	c2 = asy_group_add_case(g);
	set(&c2->id, "5.6-4-1");
	ck_assert_int_eq(asy_report_rollup(r), 0);
	ck_assert_int_eq(c1->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_str_eq(c1->reason, "left out: the bench lacks serial");
	/* No units, nothing decided: not a PASS. */
	ck_assert_int_eq(c2->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_int_eq(g->verdict, ASY_V_INCONCLUSIVE);
	ck_assert_int_eq(r->overall, ASY_V_INCONCLUSIVE);
	ck_assert_int_eq(asy_report_exit_code(r), ASY_EXIT_INCOMPLETE);
	asy_report_free(r);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("verdict");
	TCase *ru = tcase_create("rollup");

	tcase_add_loop_test(tc, test_combine, 0,
	    (int)ASY_ELEMENTSOF(combine_cases));
	tcase_add_test(tc, test_fold_pairs);
	tcase_add_test(tc, test_names);
	tcase_add_loop_test(tc, test_parse_bad, 0,
	    (int)ASY_ELEMENTSOF(bad_names));
	tcase_add_loop_test(ru, test_rollup, 0,
	    (int)ASY_ELEMENTSOF(rollup_cases));
	tcase_add_test(ru, test_counts);
	tcase_add_test(ru, test_reasons);
	tcase_add_test(ru, test_preset_reason);
	tcase_add_test(ru, test_excluded);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ru);
	return s;
}

int
main(void)
{
	return ut_main(verdict_suite());
}
