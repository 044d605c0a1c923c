#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "util.h"

static const char *const state_names[] = {
	[ASY_PLAN_RUN] = "run",
	[ASY_PLAN_NA] = "not-applicable",
	[ASY_PLAN_UNSUPPORTED] = "not-supported",
	[ASY_PLAN_LEFT_OUT] = "left-out",
};

void
asy_plan_free(struct asy_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->n_groups; i++) {
		struct asy_plan_group *g = &plan->groups[i];

		for (size_t j = 0; j < g->n_cases; j++) {
			struct asy_plan_case *c = &g->cases[j];

			for (size_t k = 0; k < c->n_units; k++)
				free(c->units[k].reason);
			free(c->units);
			free(c->reason);
		}
		free(g->cases);
		free(g->reason);
	}
	free(plan->groups);
	free(plan);
}

/* Does a row pass the unit's where= filter? */
static int
row_selected(const struct asy_cat_unit *cu, const struct asy_ixit_row *row)
{
	const char *v;

	if (row->table != cu->fanout)
		return 0;
	if (cu->where_field == NULL)
		return 1;
	v = asy_ixit_get(row, cu->where_field->name);
	return v != NULL && strcmp(v, cu->where_value) == 0;
}

static int
add_unit(struct asy_plan_case *pc, size_t *cap, const struct asy_cat_unit *cu,
    const struct asy_ixit_row *row, unsigned caps)
{
	struct asy_plan_unit *u;
	unsigned missing;

	u = asy_array_add(&pc->units, &pc->n_units, cap, sizeof(*u));
	if (u == NULL)
		return ASY_E_NOMEM;
	u->cu = cu;
	u->row = row;
	u->state = ASY_PLAN_RUN;
	missing = cu->kind == ASY_KIND_FUNCTIONAL ? cu->needs & ~caps : 0;
	if (missing != 0) {
		char have[96], lack[96];

		asy_needs_format(missing, lack, sizeof(lack));
		asy_needs_format(cu->needs, have, sizeof(have));
		u->state = ASY_PLAN_LEFT_OUT;
		u->reason = asy_strdup_printf("the bench lacks %s (the unit needs %s)",
		    lack, have);
		if (u->reason == NULL)
			return ASY_E_NOMEM;
	}
	return 0;
}

static int
plan_case(const struct asy_decl *decl, struct asy_plan_case *pc,
    unsigned caps)
{
	const struct asy_cat_case *cc = pc->cc;
	size_t cap = 0, run = 0;
	int r;

	for (size_t i = 0; i < cc->n_units; i++) {
		const struct asy_cat_unit *cu = &cc->units[i];
		size_t before = pc->n_units;

		if (cu->fanout == NULL) {
			r = add_unit(pc, &cap, cu, NULL, caps);
			if (r < 0)
				return r;
			continue;
		}
		for (size_t k = 0; k < decl->n_ixit; k++) {
			if (!row_selected(cu, &decl->ixit[k]))
				continue;
			r = add_unit(pc, &cap, cu, &decl->ixit[k], caps);
			if (r < 0)
				return r;
		}
		if (pc->n_units == before) {
			struct asy_plan_unit *u;

			/* No row to fan out to: the unit is not applicable,
			 * and it is listed so that the plan says why. */
			u = asy_array_add(&pc->units, &pc->n_units, &cap,
			    sizeof(*u));
			if (u == NULL)
				return ASY_E_NOMEM;
			u->cu = cu;
			u->state = ASY_PLAN_NA;
			u->reason = cu->where_field ?
			    asy_strdup_printf("no %s row with %s=%s to test", cu->fanout->id,
			    cu->where_field->name, cu->where_value) :
			    asy_strdup_printf("no %s row to test", cu->fanout->id);
			if (u->reason == NULL)
				return ASY_E_NOMEM;
		}
	}
	for (size_t i = 0; i < pc->n_units; i++)
		if (pc->units[i].state == ASY_PLAN_RUN)
			run++;
	if (run == 0 && pc->n_units > 0) {
		int all_na = 1;

		for (size_t i = 0; i < pc->n_units; i++)
			if (pc->units[i].state != ASY_PLAN_NA)
				all_na = 0;
		pc->state = all_na ? ASY_PLAN_NA : ASY_PLAN_LEFT_OUT;
		pc->reason = asy_strdup_printf("%s", all_na ?
		    "no unit applies to the declared IXIT rows" :
		    "no unit can run on this bench");
		if (pc->reason == NULL)
			return ASY_E_NOMEM;
	}
	return 0;
}

static int
plan_group(const struct asy_decl *decl, struct asy_plan_group *pg,
    unsigned caps)
{
	const struct asy_cat_group *cg = pg->cg;
	int r;

	pg->state = ASY_PLAN_RUN;
	if (cg->provision != NULL) {
		pg->row = asy_decl_ics_row(decl, cg->provision);
		if (pg->row == NULL)
			ASY_BUG("a validated ICS lacks a row");
	}
	if (pg->row != NULL && pg->row->support == ASY_SUPPORT_NA) {
		pg->state = ASY_PLAN_NA;
		pg->reason = asy_strdup_printf("the ICS declares %s N/A%s%s",
		    cg->provision->id, *pg->row->detail ? ": " : "",
		    pg->row->detail);
	} else if (!asy_decl_status_applies(decl, &cg->status)) {
		pg->state = ASY_PLAN_NA;
		pg->reason = asy_strdup_printf("a condition of status %s does not hold",
		    cg->status_text);
	} else if (pg->row != NULL && pg->row->support == ASY_SUPPORT_N) {
		pg->state = ASY_PLAN_UNSUPPORTED;
		pg->reason = asy_strdup_printf("the ICS declares %s not supported (N)%s%s",
		    cg->provision->id, *pg->row->detail ? ": " : "",
		    pg->row->detail);
	}
	if (pg->state != ASY_PLAN_RUN)
		return pg->reason == NULL ? ASY_E_NOMEM : 0;

	pg->cases = calloc(cg->n_cases + 1, sizeof(*pg->cases));
	if (pg->cases == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < cg->n_cases; i++) {
		struct asy_plan_case *pc = &pg->cases[pg->n_cases++];

		pc->cc = &cg->cases[i];
		pc->state = ASY_PLAN_RUN;
		r = plan_case(decl, pc, caps);
		if (r < 0)
			return r;
	}
	return 0;
}

int
asy_plan_build(const struct asy_decl *decl, unsigned caps,
    struct asy_plan **out)
{
	const struct asy_catalogue *cat = decl->cat;
	struct asy_plan *plan;
	int r = 0;

	plan = calloc(1, sizeof(*plan));
	if (plan == NULL)
		return ASY_E_NOMEM;
	plan->decl = decl;
	plan->caps = caps;
	plan->groups = calloc(cat->n_groups + 1, sizeof(*plan->groups));
	if (plan->groups == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < cat->n_groups && r == 0; i++) {
		struct asy_plan_group *pg = &plan->groups[plan->n_groups++];

		pg->cg = &cat->groups[i];
		r = plan_group(decl, pg, caps);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *g = &plan->groups[i];

		if (g->state != ASY_PLAN_RUN)
			continue;
		plan->n_groups_run++;
		for (size_t j = 0; j < g->n_cases; j++) {
			if (g->cases[j].state != ASY_PLAN_RUN)
				continue;
			plan->n_cases_run++;
			for (size_t k = 0; k < g->cases[j].n_units; k++) {
				const struct asy_plan_unit *u =
				    &g->cases[j].units[k];

				if (u->state != ASY_PLAN_RUN)
					continue;
				plan->n_units_run++;
				if (u->cu->kind == ASY_KIND_FUNCTIONAL)
					plan->n_functional_run++;
			}
		}
	}
	*out = plan;
	plan = NULL;
out:
	asy_plan_free(plan);
	return r;
}

int
asy_plan_unit_label(const struct asy_plan_unit *u, struct asy_buf *out)
{
	if (u->row != NULL)
		return asy_buf_printf(out, "%s:%s", u->cu->id, u->row->id);
	return asy_buf_puts(out, u->cu->id);
}

int
asy_plan_render_text(const struct asy_plan *plan, struct asy_buf *out)
{
	const struct asy_decl *d = plan->decl;
	char caps[96];
	int r;

	asy_needs_format(plan->caps, caps, sizeof(caps));
	r = asy_buf_printf(out, "Test plan for %s %s (hw %s, sw %s)\n"
	    "Edition: %s (%s, %s)\nBench: %s\n"
	    "Applicable: %zu groups, %zu cases, %zu units (%zu functional)\n\n",
	    d->dut.vendor, d->dut.model, d->dut.hw, d->dut.sw, d->cat->id,
	    d->cat->baseline, d->cat->method, *caps ? caps : "none (offline)",
	    plan->n_groups_run, plan->n_cases_run, plan->n_units_run,
	    plan->n_functional_run);
	for (size_t i = 0; i < plan->n_groups && r == 0; i++) {
		const struct asy_plan_group *g = &plan->groups[i];

		r = asy_buf_printf(out, "%s [%s] %s\n", g->cg->id,
		    g->cg->status_text, g->cg->title);
		if (r == 0 && g->state != ASY_PLAN_RUN)
			r = asy_buf_printf(out, "  %s: %s\n",
			    state_names[g->state], g->reason);
		for (size_t j = 0; j < g->n_cases && r == 0; j++) {
			const struct asy_plan_case *c = &g->cases[j];

			r = asy_buf_printf(out, "  %s (%s) %s%s\n",
			    c->cc->id, asy_kind_name(c->cc->kind),
			    c->cc->title, c->cc->derived ? " [derived]" : "");
			if (r == 0 && c->state != ASY_PLAN_RUN)
				r = asy_buf_printf(out, "    %s: %s\n",
				    state_names[c->state], c->reason);
			for (size_t k = 0; k < c->n_units && r == 0; k++) {
				const struct asy_plan_unit *u = &c->units[k];
				char needs[96];

				asy_needs_format(u->cu->needs, needs,
				    sizeof(needs));
				r = asy_buf_printf(out, "    %s%s%s%s) %s\n",
				    u->cu->id, u->row ? " [" : "",
				    u->row ? u->row->id : "",
				    u->row ? "]" : "", u->cu->text);
				if (r == 0 && *needs)
					r = asy_buf_printf(out, "       needs: "
					    "%s\n", needs);
				if (r == 0 && u->state != ASY_PLAN_RUN)
					r = asy_buf_printf(out, "       %s: "
					    "%s\n", state_names[u->state],
					    u->reason);
			}
		}
	}
	return r;
}

int
asy_plan_render_xml(const struct asy_plan *plan, struct asy_buf *out)
{
	const struct asy_decl *d = plan->decl;
	char caps[96];
	int r;

	asy_needs_format(plan->caps, caps, sizeof(caps));
	r = asy_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<plan format=\"1\" xmlns=\"urn:assay:plan:1\"");
	if (r == 0)
		r = asy_buf_put_attr(out, "edition", d->cat->id);
	if (r == 0)
		r = asy_buf_put_attr(out, "bench", caps);
	if (r == 0)
		r = asy_buf_printf(out, " groups=\"%zu\" cases=\"%zu\" "
		    "units=\"%zu\" functional=\"%zu\">\n  <dut",
		    plan->n_groups_run, plan->n_cases_run, plan->n_units_run,
		    plan->n_functional_run);
	if (r == 0)
		r = asy_buf_put_attr(out, "vendor", d->dut.vendor);
	if (r == 0)
		r = asy_buf_put_attr(out, "model", d->dut.model);
	if (r == 0)
		r = asy_buf_put_attr(out, "hw", d->dut.hw);
	if (r == 0)
		r = asy_buf_put_attr(out, "sw", d->dut.sw);
	if (r == 0)
		r = asy_buf_puts(out, "/>\n");
	for (size_t i = 0; i < plan->n_groups && r == 0; i++) {
		const struct asy_plan_group *g = &plan->groups[i];

		r = asy_buf_puts(out, "  <group");
		if (r == 0)
			r = asy_buf_put_attr(out, "id", g->cg->id);
		if (r == 0)
			r = asy_buf_put_attr(out, "status", g->cg->status_text);
		if (r == 0)
			r = asy_buf_put_attr(out, "state", state_names[g->state]);
		if (r == 0 && g->reason)
			r = asy_buf_put_attr(out, "reason", g->reason);
		if (r == 0)
			r = asy_buf_puts(out, ">\n");
		for (size_t j = 0; j < g->n_cases && r == 0; j++) {
			const struct asy_plan_case *c = &g->cases[j];

			r = asy_buf_puts(out, "    <case");
			if (r == 0)
				r = asy_buf_put_attr(out, "id", c->cc->id);
			if (r == 0)
				r = asy_buf_put_attr(out, "kind",
				    asy_kind_name(c->cc->kind));
			if (r == 0)
				r = asy_buf_put_attr(out, "state",
				    state_names[c->state]);
			if (r == 0 && c->reason)
				r = asy_buf_put_attr(out, "reason", c->reason);
			if (r == 0)
				r = asy_buf_puts(out, ">\n");
			for (size_t k = 0; k < c->n_units && r == 0; k++) {
				const struct asy_plan_unit *u = &c->units[k];
				char needs[96];

				asy_needs_format(u->cu->needs, needs,
				    sizeof(needs));
				r = asy_buf_puts(out, "      <unit");
				if (r == 0)
					r = asy_buf_put_attr(out, "id", u->cu->id);
				if (r == 0)
					r = asy_buf_put_attr(out, "kind",
					    asy_kind_name(u->cu->kind));
				if (r == 0 && u->row)
					r = asy_buf_put_attr(out, "row", u->row->id);
				if (r == 0 && *needs)
					r = asy_buf_put_attr(out, "needs", needs);
				if (r == 0)
					r = asy_buf_put_attr(out, "state",
					    state_names[u->state]);
				if (r == 0 && u->reason)
					r = asy_buf_put_attr(out, "reason", u->reason);
				if (r == 0)
					r = asy_buf_puts(out, "/>\n");
			}
			if (r == 0)
				r = asy_buf_puts(out, "    </case>\n");
		}
		if (r == 0)
			r = asy_buf_puts(out, "  </group>\n");
	}
	if (r == 0)
		r = asy_buf_puts(out, "</plan>\n");
	return r;
}
