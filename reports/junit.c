/*
 * JUnit XML for CI systems (Jenkins, GitLab, GitHub Actions).
 *
 * One <testsuite> per test group ("5.1-1 No universal default passwords"),
 * one <testcase> per test unit: classname is the test case ID, name the
 * unit ID with the IXIT row it was fanned out for ("a [AuthMech-1]").
 * FAIL is a <failure>, ERROR an <error>; INCONCLUSIVE, NONE and NOT
 * APPLICABLE are <skipped> with the verdict and reason as message.
 *
 * A case left out of the plan, or planned without units, is one testcase
 * named "excluded" or "case" carrying the case's verdict: normally skipped
 * with its reason, but an excluded case whose verdict is FAIL or ERROR (a
 * mandatory provision the DUT does not support) still fails the build.  A
 * group without cases (its verdict set by its ICS row) is likewise one
 * testcase named "group".
 */
#include "report.h"

#include "render.h"

enum outcome {
	O_PASS,
	O_FAILURE,
	O_ERROR,
	O_SKIPPED,
};

struct tally {
	unsigned long	tests;
	unsigned long	failures;
	unsigned long	errors;
	unsigned long	skipped;
};

static enum outcome
outcome_of(enum asy_verdict v)
{
	switch (v) {
	case ASY_V_PASS:
		return O_PASS;
	case ASY_V_FAIL:
		return O_FAILURE;
	case ASY_V_ERROR:
		return O_ERROR;
	default:
		return O_SKIPPED;
	}
}

static void
tally_add(struct tally *t, enum asy_verdict v)
{
	t->tests++;
	switch (outcome_of(v)) {
	case O_FAILURE:
		t->failures++;
		break;
	case O_ERROR:
		t->errors++;
		break;
	case O_SKIPPED:
		t->skipped++;
		break;
	case O_PASS:
		break;
	}
}

static void
tally_attrs(struct asy_emit *e, const struct tally *t)
{
	asy_emit_printf(e, " tests=\"%lu\" failures=\"%lu\" errors=\"%lu\""
	    " skipped=\"%lu\"", t->tests, t->failures, t->errors, t->skipped);
}

/* A readable account of a unit for the CI log. */
static void
unit_details(struct asy_emit *e, const struct asy_unit_result *u)
{
	asy_emit_printf(e, "verdict: %s", asy_verdict_name(u->verdict));
	if (u->title != NULL) {
		asy_emit_raw(e, "\nchecks: ");
		asy_emit_xml(e, u->title);
	}
	if (u->reason != NULL) {
		asy_emit_raw(e, "\nreason: ");
		asy_emit_xml(e, u->reason);
	}
	if (u->pre != ASY_V_NONE || u->pre_reason != NULL) {
		asy_emit_printf(e, "\npre-assessment: %s",
		    asy_verdict_name(u->pre));
		if (u->pre_reason != NULL) {
			asy_emit_raw(e, ": ");
			asy_emit_xml(e, u->pre_reason);
		}
	}
	if (u->decided_by != NULL) {
		asy_emit_raw(e, "\ndecided by: ");
		asy_emit_xml(e, u->decided_by);
	}
	if (u->needs != NULL) {
		asy_emit_raw(e, "\nneeds: ");
		asy_emit_xml(e, u->needs);
	}
	for (size_t i = 0; i < u->n_ev; i++) {
		asy_emit_raw(e, "\nevidence: ");
		asy_emit_xml(e, u->ev[i].path);
		asy_emit_raw(e, " (");
		asy_emit_xml(e, u->ev[i].kind);
		asy_emit_raw(e, ")");
		if (u->ev[i].note != NULL) {
			asy_emit_raw(e, ": ");
			asy_emit_xml(e, u->ev[i].note);
		}
	}
}

/* message="VERDICT: reason" (the verdict is left out for FAIL/ERROR,
 * where the element says it). */
static void
message(struct asy_emit *e, enum asy_verdict v, const char *reason)
{
	asy_emit_raw(e, " message=\"");
	if (outcome_of(v) == O_SKIPPED || reason == NULL) {
		asy_emit_raw(e, asy_verdict_name(v));
		if (reason != NULL)
			asy_emit_raw(e, ": ");
	}
	asy_emit_attr_text(e, reason);
	asy_emit_raw(e, "\"");
}

/*
 * One testcase.  With e NULL only count it: the suite's totals go in its
 * start tag, so each group is walked twice by the same code.
 */
static void
testcase(struct asy_emit *e, struct tally *t, const char *classname,
    const char *name, const char *row, enum asy_verdict v,
    const char *reason, const struct asy_unit_result *u)
{
	enum outcome o = outcome_of(v);

	tally_add(t, v);
	if (e == NULL)
		return;
	asy_emit_raw(e, "    <testcase");
	asy_emit_attr(e, "classname", classname != NULL ? classname : "");
	asy_emit_raw(e, " name=\"");
	asy_emit_attr_text(e, name != NULL ? name : "");
	if (row != NULL) {
		asy_emit_raw(e, " [");
		asy_emit_attr_text(e, row);
		asy_emit_raw(e, "]");
	}
	asy_emit_raw(e, "\"");
	if (o == O_PASS && u == NULL) {
		asy_emit_raw(e, "/>\n");
		return;
	}
	asy_emit_raw(e, ">\n");
	switch (o) {
	case O_FAILURE:
	case O_ERROR:
		asy_emit_printf(e, "      <%s type=\"%s\"",
		    o == O_FAILURE ? "failure" : "error", asy_verdict_name(v));
		message(e, v, reason);
		asy_emit_raw(e, ">");
		if (u != NULL)
			unit_details(e, u);
		else
			asy_emit_xml(e, reason);
		asy_emit_printf(e, "</%s>\n",
		    o == O_FAILURE ? "failure" : "error");
		break;
	case O_SKIPPED:
		asy_emit_raw(e, "      <skipped");
		message(e, v, reason);
		asy_emit_raw(e, "/>\n");
		break;
	case O_PASS:
		break;
	}
	if (u != NULL && o != O_FAILURE && o != O_ERROR) {
		asy_emit_raw(e, "      <system-out>");
		unit_details(e, u);
		asy_emit_raw(e, "</system-out>\n");
	}
	asy_emit_raw(e, "    </testcase>\n");
}

static void
group_testcases(struct asy_emit *e, struct tally *t,
    const struct asy_group_result *g)
{
	if (g->n_cases == 0)
		testcase(e, t, g->id, "group", NULL, g->verdict, g->reason,
		    NULL);
	for (size_t i = 0; i < g->n_cases; i++) {
		const struct asy_case_result *c = &g->cases[i];

		if (c->excluded || c->n_units == 0) {
			testcase(e, t, c->id, c->excluded ? "excluded" : "case",
			    NULL, c->verdict, c->reason, NULL);
			continue;
		}
		for (size_t j = 0; j < c->n_units; j++) {
			const struct asy_unit_result *u = &c->units[j];

			testcase(e, t, c->id, u->id, u->row, u->verdict,
			    u->reason, u);
		}
	}
}

static void
property(struct asy_emit *e, const char *name, const char *value)
{
	if (value == NULL)
		return;
	asy_emit_printf(e, "      <property name=\"%s\"", name);
	asy_emit_attr(e, "value", value);
	asy_emit_raw(e, "/>\n");
}

int
asy_report_render_junit(const struct asy_report *r, struct asy_buf *out)
{
	struct asy_emit e;
	struct tally all = { 0 };

	asy_emit_init(&e, out);
	for (size_t i = 0; i < r->n_groups; i++)
		group_testcases(NULL, &all, &r->groups[i]);

	asy_emit_raw(&e, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"assay");
	if (r->run_id != NULL) {
		asy_emit_raw(&e, " ");
		asy_emit_attr_text(&e, r->run_id);
	}
	asy_emit_raw(&e, "\"");
	tally_attrs(&e, &all);
	asy_emit_raw(&e, ">\n");
	for (size_t i = 0; i < r->n_groups; i++) {
		const struct asy_group_result *g = &r->groups[i];
		struct tally t = { 0 };

		group_testcases(NULL, &t, g);
		asy_emit_printf(&e, "  <testsuite id=\"%zu\" name=\"", i);
		asy_emit_attr_text(&e, g->id);
		if (g->title != NULL) {
			asy_emit_raw(&e, " ");
			asy_emit_attr_text(&e, g->title);
		}
		asy_emit_raw(&e, "\"");
		tally_attrs(&e, &t);
		asy_emit_raw(&e, ">\n    <properties>\n");
		property(&e, "verdict", asy_verdict_name(g->verdict));
		property(&e, "reason", g->reason);
		property(&e, "ics-status", g->status);
		property(&e, "ics-support", g->support);
		property(&e, "dut-vendor", r->dut.vendor);
		property(&e, "dut-model", r->dut.model);
		property(&e, "dut-sw", r->dut.sw);
		property(&e, "edition", r->edition);
		asy_emit_raw(&e, "    </properties>\n");
		group_testcases(&e, &t, g);
		asy_emit_raw(&e, "  </testsuite>\n");
	}
	asy_emit_raw(&e, "</testsuites>\n");
	return asy_emit_end(&e);
}
