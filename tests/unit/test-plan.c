/*
 * The test plan, and the declaration checks it rests on.
 *
 * Plans for the three examples: fan-out units get exactly the IXIT rows
 * their table and where= filter select (computed here from the declaration
 * itself), N/A groups are left out with a reason, 4-1 always runs, a bench
 * without a capability leaves out every unit that needs it, the counts add
 * up, the XML rendering is well-formed and lists every applicable case, the
 * text rendering names every group.
 *
 * Then asy_decl_load() on small mutations of the hub example written to a
 * scratch folder: each must fail with ASY_E_INPUT and an error diagnostic
 * on the file and line of the fault (the CLI side is test-bad-input's).
 */
#include <check.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "catalogue.h"
#include "decl.h"
#include "diag.h"
#include "plan.h"
#include "ut.h"

static const char *const examples[] = { "ipcam", "hub", "sensor" };

static struct asy_decl *
load_decl(const char *dir, int expect)
{
	struct asy_decl_paths p = { 0 };
	struct asy_decl *decl = NULL;
	struct asy_diags d;
	char *ics = asy_path_join(dir, "ics.xml");
	char *ixit = asy_path_join(dir, "ixit.xml");
	int r;

	p.ics = ics;
	p.ixit = ixit;
	asy_diags_init(&d);
	r = asy_decl_load(&p, &d, &decl);
	if (r != expect)
		asy_diags_print(&d, stderr);
	ck_assert_msg(r == expect, "%s: %s", dir, asy_strerror(r));
	asy_diags_release(&d);
	free(ics);
	free(ixit);
	return decl;
}

static struct asy_decl *
example(const char *name)
{
	char *rel = asy_path_join("ics-ixit/examples", name);
	char *dir = ut_src(rel);
	struct asy_decl *decl = load_decl(dir, 0);

	free(dir);
	free(rel);
	return decl;
}

static struct asy_plan *
plan_of(const struct asy_decl *decl, unsigned caps)
{
	struct asy_plan *plan = NULL;

	ck_assert_int_eq(asy_plan_build(decl, caps, &plan), 0);
	ck_assert_ptr_nonnull(plan);
	ck_assert_ptr_eq(plan->decl, decl);
	ck_assert_uint_eq(plan->caps, caps);
	return plan;
}

static const struct asy_plan_group *
plan_group(const struct asy_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n_groups; i++)
		if (strcmp(plan->groups[i].cg->id, id) == 0)
			return &plan->groups[i];
	ck_abort_msg("no group %s in the plan", id);
	return NULL;
}

static const struct asy_plan_case *
plan_case(const struct asy_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n_groups; i++)
		for (size_t j = 0; j < plan->groups[i].n_cases; j++)
			if (strcmp(plan->groups[i].cases[j].cc->id, id) == 0)
				return &plan->groups[i].cases[j];
	ck_abort_msg("no case %s in the plan", id);
	return NULL;
}

/* The rows a fan-out unit should get, straight from the declaration. */
static size_t
selected_rows(const struct asy_decl *decl, const struct asy_cat_unit *cu,
    const struct asy_ixit_row **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &decl->ixit[i];
		const char *v;

		if (strcmp(row->table->id, cu->fanout->id) != 0)
			continue;
		if (cu->where_field != NULL) {
			v = asy_ixit_get(row, cu->where_field->name);
			if (v == NULL || strcmp(v, cu->where_value) != 0)
				continue;
		}
		ck_assert_uint_lt(n, max);
		out[n++] = row;
	}
	return n;
}

/* The plan's rows for unit letter of case pc, in plan order. */
static size_t
planned_rows(const struct asy_plan_case *pc, const char *letter,
    const struct asy_ixit_row **out, size_t max)
{
	size_t n = 0;

	for (size_t k = 0; k < pc->n_units; k++) {
		if (strcmp(pc->units[k].cu->id, letter) != 0)
			continue;
		ck_assert_uint_lt(n, max);
		out[n++] = pc->units[k].row;
	}
	return n;
}

/* ---- fan-out ------------------------------------------------------------ */

START_TEST(test_ipcam_bruteforce_fanout)
{
	struct asy_decl *decl = example("ipcam");
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL);
	const struct asy_plan_case *pc = plan_case(plan, "5.1-5-2");
	const struct asy_ixit_row *want[64], *got[64];
	const struct asy_cat_unit *cu = NULL;
	size_t n_want = 0, n_got;

	/* Straight from the IXIT: the AuthMech rows reachable over a
	 * network. */
	for (size_t i = 0; i < decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &decl->ixit[i];
		const char *net = asy_ixit_get(row, "network");

		if (strcmp(row->table->id, "1-AuthMech") == 0 &&
		    net != NULL && strcmp(net, "yes") == 0)
			want[n_want++] = row;
	}
	ck_assert_uint_gt(n_want, 1);
	ck_assert_ptr_nonnull(asy_decl_row(decl, "AuthMech-UART"));
	n_got = planned_rows(pc, "b", got, 64);
	ck_assert_uint_eq(n_got, n_want);
	for (size_t i = 0; i < n_got; i++) {
		ck_assert_ptr_eq(got[i], want[i]);
		ck_assert_str_ne(got[i]->id, "AuthMech-UART");
	}
	/* Unit a is not fanned out: once, without a row. */
	ck_assert_uint_eq(planned_rows(pc, "a", got, 64), 1);
	ck_assert_ptr_null(got[0]);
	for (size_t k = 0; k < pc->n_units; k++) {
		if (strcmp(pc->units[k].cu->id, "b") == 0)
			cu = pc->units[k].cu;
		ck_assert_int_eq(pc->units[k].state, ASY_PLAN_RUN);
	}
	ck_assert_ptr_nonnull(cu);
	ck_assert_str_eq(cu->fanout->id, "1-AuthMech");
	ck_assert_uint_eq(pc->n_units, 1 + n_want);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

START_TEST(test_ipcam_commech_fanout)
{
	struct asy_decl *decl = example("ipcam");
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL);
	const struct asy_plan_case *pc = plan_case(plan, "5.5-1-2");
	const struct asy_ixit_row *got[64];
	size_t n_rows = 0, n_got;

	for (size_t i = 0; i < decl->n_ixit; i++)
		if (strcmp(decl->ixit[i].table->id, "11-ComMech") == 0)
			n_rows++;
	ck_assert_uint_gt(n_rows, 1);
	n_got = planned_rows(pc, "a", got, 64);
	ck_assert_uint_eq(n_got, n_rows);
	/* Each row once. */
	for (size_t i = 0; i < n_got; i++) {
		ck_assert_ptr_nonnull(got[i]);
		ck_assert_str_eq(got[i]->table->id, "11-ComMech");
		for (size_t j = 0; j < i; j++)
			ck_assert_ptr_ne(got[i], got[j]);
	}
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* Every fan-out unit of every example, against the declaration. */
START_TEST(test_all_fanouts)
{
	struct asy_decl *decl = example(examples[_i]);
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL);
	size_t n_checked = 0;

	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		for (size_t j = 0; j < pg->n_cases; j++) {
			const struct asy_plan_case *pc = &pg->cases[j];
			const struct asy_cat_case *cc = pc->cc;

			for (size_t u = 0; u < cc->n_units; u++) {
				const struct asy_cat_unit *cu = &cc->units[u];
				const struct asy_ixit_row *want[256], *got[256];
				size_t nw, ng;

				ng = planned_rows(pc, cu->id, got, 256);
				if (cu->fanout == NULL) {
					ck_assert_uint_eq(ng, 1);
					ck_assert_ptr_null(got[0]);
					continue;
				}
				nw = selected_rows(decl, cu, want, 256);
				if (nw == 0) {
					/* Listed once, NOT APPLICABLE, with
					 * the reason. */
					ck_assert_uint_eq(ng, 1);
					ck_assert_ptr_null(got[0]);
					n_checked++;
					continue;
				}
				ck_assert_msg(ng == nw, "%s %s %s: %zu rows, "
				    "expected %zu", examples[_i], cc->id,
				    cu->id, ng, nw);
				for (size_t k = 0; k < ng; k++)
					ck_assert_ptr_eq(got[k], want[k]);
				n_checked++;
			}
		}
	}
	ck_assert_uint_gt(n_checked, 0);
	/* A fan-out with no row to go to says so. */
	for (size_t i = 0; i < plan->n_groups; i++)
		for (size_t j = 0; j < plan->groups[i].n_cases; j++)
			for (size_t k = 0; k < plan->groups[i].cases[j].n_units;
			    k++) {
				const struct asy_plan_unit *pu =
				    &plan->groups[i].cases[j].units[k];

				if (pu->cu->fanout == NULL ||
				    pu->row != NULL)
					continue;
				ck_assert_int_eq(pu->state, ASY_PLAN_NA);
				ck_assert_ptr_nonnull(pu->reason);
				ck_assert_ptr_nonnull(strstr(pu->reason,
				    pu->cu->fanout->id));
			}
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* ---- applicability ------------------------------------------------------ */

START_TEST(test_sensor_na)
{
	struct asy_decl *decl = example("sensor");
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL);
	size_t n_na = 0, n_unsupported = 0, n_run = 0;

	ck_assert_uint_eq(plan->n_groups, decl->cat->n_groups);
	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		ck_assert_ptr_eq(pg->cg, &decl->cat->groups[i]);
		if (pg->cg->provision == NULL) {
			ck_assert_ptr_null(pg->row);
			ck_assert_int_eq(pg->state, ASY_PLAN_RUN);
			n_run++;
			continue;
		}
		ck_assert_ptr_nonnull(pg->row);
		ck_assert_ptr_eq(pg->row->prov, pg->cg->provision);
		switch (pg->row->support) {
		case ASY_SUPPORT_NA:
			ck_assert_msg(pg->state == ASY_PLAN_NA, "group %s is "
			    "N/A in the ICS but planned", pg->cg->id);
			ck_assert_ptr_nonnull(pg->reason);
			ck_assert_ptr_nonnull(strstr(pg->reason, "N/A"));
			ck_assert_uint_eq(pg->n_cases, 0);
			n_na++;
			break;
		case ASY_SUPPORT_N:
			ck_assert_int_eq(pg->state, ASY_PLAN_UNSUPPORTED);
			ck_assert_ptr_nonnull(pg->reason);
			ck_assert_uint_eq(pg->n_cases, 0);
			n_unsupported++;
			break;
		case ASY_SUPPORT_Y:
			ck_assert_msg(pg->state == ASY_PLAN_RUN, "group %s is "
			    "Y in the ICS but not run: %s", pg->cg->id,
			    pg->reason);
			ck_assert_ptr_null(pg->reason);
			ck_assert_uint_eq(pg->n_cases, pg->cg->n_cases);
			n_run++;
			break;
		}
	}
	/* The sensor declares many N/A rows (no passwords, no updates). */
	ck_assert_uint_ge(n_na, 10);
	ck_assert_int_eq(plan_group(plan, "5.1-1")->state, ASY_PLAN_NA);
	ck_assert_int_eq(plan_group(plan, "5.3-7")->state, ASY_PLAN_NA);
	ck_assert_uint_gt(n_unsupported, 0);
	ck_assert_uint_eq(plan->n_groups_run, n_run);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

static const unsigned caps_list[] = {
	ASY_NEED_ALL, 0, ASY_NEED_NETWORK, ASY_NEED_ALL & ~ASY_NEED_SERIAL,
	ASY_NEED_OPERATOR,
};

/* 4-1 runs whatever the declarations and the bench. */
START_TEST(test_4_1_always)
{
	for (size_t e = 0; e < ASY_ELEMENTSOF(examples); e++) {
		struct asy_decl *decl = example(examples[e]);
		struct asy_plan *plan = plan_of(decl, caps_list[_i]);
		const struct asy_plan_group *pg = plan_group(plan, "4-1");

		ck_assert_int_eq(pg->state, ASY_PLAN_RUN);
		ck_assert_ptr_null(pg->row);
		ck_assert_uint_eq(pg->n_cases, 1);
		ck_assert_int_eq(pg->cases[0].state, ASY_PLAN_RUN);
		ck_assert_uint_ge(pg->cases[0].n_units, 1);
		ck_assert_int_eq(pg->cases[0].units[0].state, ASY_PLAN_RUN);
		asy_plan_free(plan);
		asy_decl_free(decl);
	}
}
END_TEST

/* The counts of the plan are the counts of its tree. */
static void
check_counts(const struct asy_plan *plan)
{
	size_t g = 0, c = 0, u = 0, f = 0;

	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		if (pg->state != ASY_PLAN_RUN)
			continue;
		g++;
		for (size_t j = 0; j < pg->n_cases; j++) {
			const struct asy_plan_case *pc = &pg->cases[j];

			if (pc->state != ASY_PLAN_RUN)
				continue;
			c++;
			for (size_t k = 0; k < pc->n_units; k++) {
				if (pc->units[k].state != ASY_PLAN_RUN)
					continue;
				u++;
				if (pc->units[k].cu->kind ==
				    ASY_KIND_FUNCTIONAL)
					f++;
			}
		}
	}
	ck_assert_uint_eq(plan->n_groups_run, g);
	ck_assert_uint_eq(plan->n_cases_run, c);
	ck_assert_uint_eq(plan->n_units_run, u);
	ck_assert_uint_eq(plan->n_functional_run, f);
}

/* No serial console on the bench: every unit that needs one is left out,
 * saying so; the others are not. */
START_TEST(test_no_serial)
{
	static const char *const with_serial[] = { "ipcam", "hub" };
	struct asy_decl *decl = example(with_serial[_i]);
	unsigned caps = ASY_NEED_ALL & ~ASY_NEED_SERIAL;
	struct asy_plan *plan = plan_of(decl, caps);
	size_t n_serial = 0, n_run_functional = 0;

	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		for (size_t j = 0; j < pg->n_cases; j++) {
			const struct asy_plan_case *pc = &pg->cases[j];

			for (size_t k = 0; k < pc->n_units; k++) {
				const struct asy_plan_unit *pu = &pc->units[k];

				if (pu->state == ASY_PLAN_NA)
					continue;
				if (pu->cu->kind == ASY_KIND_FUNCTIONAL &&
				    (pu->cu->needs & ASY_NEED_SERIAL)) {
					ck_assert_msg(pu->state ==
					    ASY_PLAN_LEFT_OUT, "%s %s needs "
					    "serial but is planned",
					    pc->cc->id, pu->cu->id);
					ck_assert_ptr_nonnull(pu->reason);
					ck_assert_msg(strstr(pu->reason,
					    "serial") != NULL, "%s %s: reason "
					    "'%s'", pc->cc->id, pu->cu->id,
					    pu->reason);
					n_serial++;
				} else {
					ck_assert_msg(pu->state ==
					    ASY_PLAN_RUN, "%s %s is left out: "
					    "%s", pc->cc->id, pu->cu->id,
					    pu->reason);
					ck_assert_ptr_null(pu->reason);
					if (pu->cu->kind ==
					    ASY_KIND_FUNCTIONAL)
						n_run_functional++;
				}
			}
			/* A case whose units all need serial is left out. */
			if (pc->n_units > 0 && pc->cc->kind ==
			    ASY_KIND_FUNCTIONAL) {
				int all = 1;

				for (size_t k = 0; k < pc->n_units; k++)
					if (!(pc->units[k].cu->needs &
					    ASY_NEED_SERIAL))
						all = 0;
				if (all)
					ck_assert_int_eq(pc->state,
					    ASY_PLAN_LEFT_OUT);
			}
		}
	}
	ck_assert_msg(n_serial > 0, "%s: no applicable unit needs serial, so "
	    "the test proves nothing", with_serial[_i]);
	ck_assert_uint_gt(n_run_functional, 0);
	check_counts(plan);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* An empty bench (offline): no functional unit runs. */
START_TEST(test_no_bench)
{
	struct asy_decl *decl = example(examples[_i]);
	struct asy_plan *plan = plan_of(decl, 0);
	struct asy_plan *full = plan_of(decl, ASY_NEED_ALL);
	size_t n_conceptual = 0;

	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		for (size_t j = 0; j < pg->n_cases; j++) {
			const struct asy_plan_case *pc = &pg->cases[j];

			for (size_t k = 0; k < pc->n_units; k++) {
				const struct asy_plan_unit *pu = &pc->units[k];

				if (pu->cu->kind == ASY_KIND_FUNCTIONAL) {
					ck_assert_msg(pu->state !=
					    ASY_PLAN_RUN, "%s %s runs on no "
					    "bench", pc->cc->id, pu->cu->id);
					if (pu->state == ASY_PLAN_LEFT_OUT)
						ck_assert_ptr_nonnull(
						    pu->reason);
				} else if (pu->state == ASY_PLAN_RUN) {
					n_conceptual++;
				}
			}
			if (pc->cc->kind == ASY_KIND_FUNCTIONAL) {
				ck_assert_int_ne(pc->state, ASY_PLAN_RUN);
				ck_assert_ptr_nonnull(pc->reason);
			}
		}
	}
	ck_assert_uint_eq(plan->n_functional_run, 0);
	ck_assert_uint_gt(n_conceptual, 0);
	/* The bench changes units, not which groups apply. */
	ck_assert_uint_eq(plan->n_groups_run, full->n_groups_run);
	ck_assert_uint_gt(full->n_functional_run, 0);
	check_counts(plan);
	check_counts(full);
	asy_plan_free(full);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* ---- renderings --------------------------------------------------------- */

START_TEST(test_render_xml)
{
	struct asy_decl *decl = example(examples[_i]);
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL & ~ASY_NEED_SERIAL);
	xmlXPathContextPtr ctx;
	xmlDocPtr doc;
	struct asy_buf b;
	size_t n_cases = 0;

	asy_buf_init(&b, (size_t)64 << 20);
	ck_assert_int_eq(asy_plan_render_xml(plan, &b), 0);
	doc = xmlReadMemory(b.data, (int)b.len, "plan.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "%s: the plan XML is not well-formed",
	    examples[_i]);
	ctx = xmlXPathNewContext(doc);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(xmlXPathRegisterNs(ctx, (const xmlChar *)"p",
	    (const xmlChar *)"urn:assay:plan:1"), 0);
	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];
		char expr[256];
		xmlXPathObjectPtr o;

		snprintf(expr, sizeof(expr), "/p:plan/p:group[@id='%s']",
		    pg->cg->id);
		o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
		ck_assert_msg(o != NULL && o->nodesetval != NULL &&
		    o->nodesetval->nodeNr == 1, "%s: group %s not in the XML "
		    "once", examples[_i], pg->cg->id);
		xmlXPathFreeObject(o);
		for (size_t j = 0; j < pg->n_cases; j++) {
			const struct asy_plan_case *pc = &pg->cases[j];

			if (pc->state != ASY_PLAN_RUN)
				continue;
			snprintf(expr, sizeof(expr), "/p:plan/p:group[@id="
			    "'%s']/p:case[@id='%s' and @state='run']",
			    pg->cg->id, pc->cc->id);
			o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
			ck_assert_msg(o != NULL && o->nodesetval != NULL &&
			    o->nodesetval->nodeNr == 1, "%s: applicable case "
			    "%s not in the XML", examples[_i], pc->cc->id);
			xmlXPathFreeObject(o);
			n_cases++;
		}
	}
	ck_assert_uint_eq(n_cases, plan->n_cases_run);
	ck_assert_uint_gt(n_cases, 0);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	asy_buf_release(&b);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* Is id in text as a whole group ID ("5.1-1", not the "5.1-1" of
 * "5.1-10")? */
static int
mentions(const char *text, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = text; (p = strstr(p, id)) != NULL; p++)
		if ((p == text || p[-1] == '\n' || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

START_TEST(test_render_text)
{
	struct asy_decl *decl = example(examples[_i]);
	struct asy_plan *plan = plan_of(decl, 0);
	struct asy_buf b;

	asy_buf_init(&b, (size_t)64 << 20);
	ck_assert_int_eq(asy_plan_render_text(plan, &b), 0);
	ck_assert_ptr_nonnull(b.data);
	for (size_t i = 0; i < decl->cat->n_groups; i++)
		ck_assert_msg(mentions(b.data, decl->cat->groups[i].id),
		    "%s: the text plan does not mention group %s",
		    examples[_i], decl->cat->groups[i].id);
	ck_assert_ptr_nonnull(strstr(b.data, decl->dut.model));
	asy_buf_release(&b);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* The label answers files use for a unit. */
START_TEST(test_unit_label)
{
	struct asy_decl *decl = example("ipcam");
	struct asy_plan *plan = plan_of(decl, ASY_NEED_ALL);
	const struct asy_plan_case *pc = plan_case(plan, "5.1-5-2");
	struct asy_buf b;

	asy_buf_init(&b, 256);
	ck_assert_int_eq(asy_plan_unit_label(&pc->units[0], &b), 0);
	ck_assert_str_eq(b.data, "a");
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_plan_unit_label(&pc->units[1], &b), 0);
	ck_assert_str_eq(b.data, "b:AuthMech-WebUI");
	asy_buf_release(&b);
	asy_plan_free(plan);
	asy_decl_free(decl);
}
END_TEST

/* ---- declaration checks on mutated hubs --------------------------------- */

struct edit {
	const char	*file;		/* ics.xml or ixit.xml */
	const char	*find;		/* replaced once */
	const char	*repl;
};

static const struct decl_case {
	const char	*what;
	struct edit	 edits[3];
	const char	*at_file;	/* the diagnostic's file */
	const char	*at_text;	/* its line: where this text starts */
	const char	*msg;		/* in the message */
} decl_cases[] = {
	{ "dangling reference",
	  { { "ixit.xml", "<authmech>AuthMech-Account</authmech>",
	      "<authmech>AuthMech-Nope</authmech>" } },
	  "ixit.xml", "<authmech>AuthMech-Nope</authmech>", "AuthMech-Nope" },
	{ "reference to a row of the wrong table",
	  { { "ixit.xml", "<authmech>AuthMech-Account</authmech>",
	      "<authmech>Intf-WiFi</authmech>" } },
	  "ixit.xml", "<authmech>Intf-WiFi</authmech>", "Intf-WiFi" },
	{ "condition 1 declared without a password mechanism",
	  { { "ixit.xml", "<factor>password</factor>", "<factor>key</factor>" },
	    { "ixit.xml", "<factor>pin</factor>", "<factor>token</factor>" } },
	  "ics.xml", "<condition id=\"1\"", "C(1)" },
	{ "condition 13 declared not to apply, IXIT shows a debug port",
	  { { "ics.xml", "<condition id=\"13\" applies=\"yes\">",
	      "<condition id=\"13\" applies=\"no\">" } },
	  "ics.xml", "<condition id=\"13\"", "Intf-UART" },
	{ "N/A on 5.5-1, which has no condition",
	  { { "ics.xml", "<row provision=\"5.5-1\" support=\"Y\">",
	      "<row provision=\"5.5-1\" support=\"N/A\">" } },
	  "ics.xml", "<row provision=\"5.5-1\"", "5.5-1" },
	{ "Y on 5.3-14, whose condition 3 does not hold",
	  { { "ics.xml", "<row provision=\"5.3-14\" support=\"N/A\">",
	      "<row provision=\"5.3-14\" support=\"Y\">" } },
	  "ics.xml", "<row provision=\"5.3-14\"", "5.3-14" },
	{ "a row ID used twice",
	  { { "ixit.xml", "<row id=\"Intf-USB\">",
	      "<row id=\"Intf-WiFi\">" } },
	  "ixit.xml", "<row id=\"Intf-WiFi\">\n      <description>USB",
	  "Intf-WiFi" },
	{ "an enum value the catalogue does not list",
	  { { "ixit.xml", "<generation>user-defined</generation>",
	      "<generation>random-ish</generation>" } },
	  "ixit.xml", "<generation>random-ish", "random-ish" },
	{ "a provision given twice (and so another missing)",
	  { { "ics.xml", "<row provision=\"5.5-1\" ",
	      "<row provision=\"5.5-2\" " } },
	  "ics.xml", "<row provision=\"5.5-2\" support=\"Y\">TLS stack",
	  "5.5-2" },
	{ "a provision without its row",
	  { { "ics.xml", "<row provision=\"5.5-1\" ",
	      "<row provision=\"5.5-2\" " } },
	  "ics.xml", "<ics ", "5.5-1" },
};

/* Line (1-based) at which needle starts in text. */
static unsigned long
line_of(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle);
	unsigned long line = 1;

	ck_assert_msg(hit != NULL, "'%s' not found", needle);
	for (const char *p = text; p < hit; p++)
		if (*p == '\n')
			line++;
	return line;
}

/* Copy the hub into a fresh folder, applying edits. */
static char *
mutated_hub(const struct edit *edits, size_t n_edits)
{
	static const char *const files[] = { "ics.xml", "ixit.xml" };
	char *dir = ut_tmpdir();

	for (size_t i = 0; i < ASY_ELEMENTSOF(files); i++) {
		char *rel = asy_path_join("ics-ixit/examples/hub", files[i]);
		char *from = ut_src(rel), *to = asy_path_join(dir, files[i]);
		struct asy_buf cur;

		ut_load(from, &cur);
		for (size_t e = 0; e < n_edits && edits[e].file; e++) {
			struct asy_buf out;
			const char *hit;

			if (strcmp(edits[e].file, files[i]) != 0)
				continue;
			hit = strstr(cur.data, edits[e].find);
			ck_assert_msg(hit != NULL, "'%s' is not in the hub's "
			    "%s", edits[e].find, files[i]);
			asy_buf_init(&out, (size_t)64 << 20);
			ck_assert_int_eq(asy_buf_add(&out, cur.data,
			    (size_t)(hit - cur.data)), 0);
			ck_assert_int_eq(asy_buf_puts(&out, edits[e].repl), 0);
			ck_assert_int_eq(asy_buf_puts(&out,
			    hit + strlen(edits[e].find)), 0);
			asy_buf_release(&cur);
			cur = out;
		}
		ut_write(to, cur.data, cur.len);
		asy_buf_release(&cur);
		free(rel);
		free(from);
		free(to);
	}
	return dir;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

START_TEST(test_decl_checks)
{
	const struct decl_case *t = &decl_cases[_i];
	char *dir = mutated_hub(t->edits, ASY_ELEMENTSOF(t->edits));
	char *at = asy_path_join(dir, t->at_file);
	struct asy_decl_paths p = { 0 };
	struct asy_decl *decl = (struct asy_decl *)&p;	/* a sentinel */
	struct asy_diags d;
	struct asy_buf text;
	unsigned long line;
	int r, found = 0;

	ut_load(at, &text);
	line = line_of(text.data, t->at_text);
	p.ics = asy_path_join(dir, "ics.xml");
	p.ixit = asy_path_join(dir, "ixit.xml");
	asy_diags_init(&d);
	r = asy_decl_load(&p, &d, &decl);
	ck_assert_msg(r == ASY_E_INPUT, "%s: loaded (%s)", t->what,
	    asy_strerror(r));
	/* *out is untouched on failure. */
	ck_assert_ptr_eq(decl, (struct asy_decl *)&p);
	ck_assert_uint_gt(d.n_errors, 0);
	for (size_t i = 0; i < d.n && !found; i++)
		found = d.v[i].sev == ASY_SEV_ERROR &&
		    ends_with(d.v[i].file, t->at_file) &&
		    d.v[i].line == line && strstr(d.v[i].msg, t->msg) != NULL;
	if (!found)
		asy_diags_print(&d, stderr);
	ck_assert_msg(found, "%s: no error on %s:%lu mentioning '%s'",
	    t->what, t->at_file, line, t->msg);
	asy_diags_release(&d);
	asy_buf_release(&text);
	free((char *)p.ics);
	free((char *)p.ixit);
	free(at);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* The unmodified copy loads: the mutations above are what fails. */
START_TEST(test_decl_control)
{
	char *dir = mutated_hub(NULL, 0);
	struct asy_decl *decl = load_decl(dir, 0);

	ck_assert_ptr_nonnull(decl);
	ck_assert_ptr_nonnull(asy_decl_row(decl, "AuthMech-Account"));
	ck_assert_str_eq(decl->cat->id, "ts103701-v1.1.1");
	asy_decl_free(decl);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	TCase *dc = tcase_create("decl");

	tcase_set_timeout(tc, 60);
	tcase_set_timeout(dc, 60);
	tcase_add_test(tc, test_ipcam_bruteforce_fanout);
	tcase_add_test(tc, test_ipcam_commech_fanout);
	tcase_add_loop_test(tc, test_all_fanouts, 0,
	    (int)ASY_ELEMENTSOF(examples));
	tcase_add_test(tc, test_sensor_na);
	tcase_add_loop_test(tc, test_4_1_always, 0,
	    (int)ASY_ELEMENTSOF(caps_list));
	tcase_add_loop_test(tc, test_no_serial, 0, 2);
	tcase_add_loop_test(tc, test_no_bench, 0,
	    (int)ASY_ELEMENTSOF(examples));
	tcase_add_loop_test(tc, test_render_xml, 0,
	    (int)ASY_ELEMENTSOF(examples));
	tcase_add_loop_test(tc, test_render_text, 0,
	    (int)ASY_ELEMENTSOF(examples));
	tcase_add_test(tc, test_unit_label);
	tcase_add_loop_test(dc, test_decl_checks, 0,
	    (int)ASY_ELEMENTSOF(decl_cases));
	tcase_add_test(dc, test_decl_control);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, dc);
	return s;
}

int
main(void)
{
	return ut_main(plan_suite());
}
