#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "util.h"

/* Capacities live beside the arrays only while building; a hidden header
 * would be cleverer, a doubling from the count is simpler: arrays grow to
 * the next power of two, so the capacity follows from the count. */
static size_t
cap_of(size_t n)
{
	size_t c = 8;

	while (c < n)
		c *= 2;
	return n == 0 ? 0 : c;
}

static void *
grow(void *arr_p, size_t *n, size_t sz)
{
	size_t cap = cap_of(*n);

	return asy_array_add(arr_p, n, &cap, sz);
}

struct asy_report *
asy_report_new(void)
{
	return calloc(1, sizeof(struct asy_report));
}

static void
evidence_free(struct asy_evidence *e)
{
	free(e->path);
	free(e->kind);
	free(e->note);
}

static void
unit_free(struct asy_unit_result *u)
{
	free(u->id);
	free(u->row);
	free(u->title);
	free(u->kind);
	free(u->needs);
	free(u->reason);
	free(u->pre_reason);
	free(u->decided_by);
	for (size_t i = 0; i < u->n_ev; i++)
		evidence_free(&u->ev[i]);
	free(u->ev);
}

static void
case_free(struct asy_case_result *c)
{
	free(c->id);
	free(c->title);
	free(c->kind);
	free(c->reason);
	for (size_t i = 0; i < c->n_units; i++)
		unit_free(&c->units[i]);
	free(c->units);
}

static void
group_free(struct asy_group_result *g)
{
	free(g->id);
	free(g->provision);
	free(g->title);
	free(g->status);
	free(g->support);
	free(g->detail);
	free(g->reason);
	for (size_t i = 0; i < g->n_cases; i++)
		case_free(&g->cases[i]);
	free(g->cases);
}

static void
discovery_free(struct asy_discovery *d)
{
	if (d == NULL)
		return;
	free(d->status);
	free(d->note);
	free(d->target);
	free(d->command);
	free(d->evidence);
	free(d->pcap);
	for (size_t i = 0; i < d->n_services; i++) {
		free(d->services[i].proto);
		free(d->services[i].match);
		free(d->services[i].service);
		free(d->services[i].product);
		free(d->services[i].row);
	}
	free(d->services);
	free(d);
}

struct asy_discovery *
asy_report_discovery(struct asy_report *r)
{
	if (r->discovery == NULL)
		r->discovery = calloc(1, sizeof(*r->discovery));
	return r->discovery;
}

struct asy_observed_service *
asy_discovery_add(struct asy_discovery *d)
{
	return grow(&d->services, &d->n_services, sizeof(*d->services));
}

void
asy_report_free(struct asy_report *r)
{
	if (r == NULL)
		return;
	free(r->run_id);
	free(r->assay_version);
	free(r->date);
	free(r->mode);
	free(r->edition);
	free(r->baseline);
	free(r->method);
	free(r->catalogue_title);
	free(r->dut.vendor);
	free(r->dut.model);
	free(r->dut.hw);
	free(r->dut.sw);
	free(r->dut.name);
	for (size_t i = 0; i < r->n_inputs; i++) {
		free(r->inputs[i].role);
		free(r->inputs[i].path);
		free(r->inputs[i].origin);
		free(r->inputs[i].sha256);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->n_tools; i++) {
		free(r->tools[i].name);
		free(r->tools[i].version);
	}
	free(r->tools);
	discovery_free(r->discovery);
	free(r->overall_reason);
	for (size_t i = 0; i < r->n_groups; i++)
		group_free(&r->groups[i]);
	free(r->groups);
	free(r);
}

struct asy_group_result *
asy_report_add_group(struct asy_report *r)
{
	return grow(&r->groups, &r->n_groups, sizeof(*r->groups));
}

struct asy_case_result *
asy_group_add_case(struct asy_group_result *g)
{
	return grow(&g->cases, &g->n_cases, sizeof(*g->cases));
}

struct asy_unit_result *
asy_case_add_unit(struct asy_case_result *c)
{
	return grow(&c->units, &c->n_units, sizeof(*c->units));
}

int
asy_unit_add_evidence(struct asy_unit_result *u, const char *path,
    const char *kind, const char *note)
{
	struct asy_evidence *e;

	e = grow(&u->ev, &u->n_ev, sizeof(*u->ev));
	if (e == NULL)
		return ASY_E_NOMEM;
	e->path = asy_strdup(path);
	e->kind = asy_strdup(kind);
	e->note = asy_strdup(note);
	if (e->path == NULL || e->kind == NULL || (note && e->note == NULL))
		return ASY_E_NOMEM;
	return 0;
}

int
asy_report_add_input(struct asy_report *r, const char *role,
    const char *path, const char *origin, const char *sha256)
{
	struct asy_input_file *f;

	f = grow(&r->inputs, &r->n_inputs, sizeof(*r->inputs));
	if (f == NULL)
		return ASY_E_NOMEM;
	f->role = asy_strdup(role);
	f->path = asy_strdup(path);
	f->origin = asy_strdup(origin);
	f->sha256 = asy_strdup(sha256);
	if (f->role == NULL || f->path == NULL || f->sha256 == NULL ||
	    (origin && f->origin == NULL))
		return ASY_E_NOMEM;
	return 0;
}

int
asy_report_add_tool(struct asy_report *r, const char *name,
    const char *version)
{
	struct asy_tool *t;

	t = grow(&r->tools, &r->n_tools, sizeof(*r->tools));
	if (t == NULL)
		return ASY_E_NOMEM;
	t->name = asy_strdup(name);
	t->version = asy_strdup(version);
	if (t->name == NULL || t->version == NULL)
		return ASY_E_NOMEM;
	return 0;
}

/* Fill *reason with a sentence naming the children that decided v. */
static int
explain(char **reason, const char *what, enum asy_verdict v,
    const char *const *ids, size_t n_ids, size_t total)
{
	struct asy_buf b;
	int r = 0;

	if (*reason != NULL)
		return 0;
	asy_buf_init(&b, 1 << 20);
	switch (v) {
	case ASY_V_PASS:
		r = asy_buf_printf(&b, "all %zu applicable %s passed", total,
		    what);
		break;
	case ASY_V_NA:
		r = asy_buf_printf(&b, "no %s applicable", what);
		break;
	default:
		r = asy_buf_printf(&b, "%zu of %zu %s %s:", n_ids, total, what,
		    v == ASY_V_FAIL ? "failed" :
		    v == ASY_V_ERROR ? "ended in ERROR" : "are inconclusive");
		for (size_t i = 0; i < n_ids && i < 10 && r == 0; i++)
			r = asy_buf_printf(&b, "%s %s", i ? "," : "", ids[i]);
		if (r == 0 && n_ids > 10)
			r = asy_buf_printf(&b, " and %zu more", n_ids - 10);
		break;
	}
	if (r == 0)
		*reason = asy_buf_steal(&b);
	asy_buf_release(&b);
	return *reason == NULL ? ASY_E_NOMEM : r;
}

/* Does child verdict c explain parent verdict v?  NONE counts as
 * INCONCLUSIVE. */
static int
decides(enum asy_verdict v, enum asy_verdict c)
{
	if (c == ASY_V_NONE)
		c = ASY_V_INCONCLUSIVE;
	return c == v;
}

static int
rollup_case(struct asy_case_result *c)
{
	const char **ids = NULL;
	size_t n_ids = 0, total = 0;
	enum asy_verdict v = ASY_V_NA;
	int r;

	if (c->excluded || c->n_units == 0) {
		if (c->verdict == ASY_V_NONE)
			c->verdict = ASY_V_INCONCLUSIVE;
		return 0;
	}
	for (size_t i = 0; i < c->n_units; i++) {
		v = asy_verdict_fold(v, c->units[i].verdict);
		if (c->units[i].verdict != ASY_V_NA)
			total++;
	}
	c->verdict = v;
	ids = calloc(c->n_units, sizeof(*ids));
	if (ids == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < c->n_units; i++)
		if (decides(v, c->units[i].verdict))
			ids[n_ids++] = c->units[i].id;
	r = explain(&c->reason, "units", v, ids, n_ids, total);
	free(ids);
	return r;
}

static int
rollup_group(struct asy_group_result *g)
{
	const char **ids = NULL;
	size_t n_ids = 0, total = 0;
	enum asy_verdict v = ASY_V_NA;
	int r = 0;

	for (size_t i = 0; i < g->n_cases && r == 0; i++)
		r = rollup_case(&g->cases[i]);
	if (r < 0)
		return r;
	/* A verdict set from the ICS row (N/A, N) stands as it is. */
	if (g->verdict != ASY_V_NONE)
		return 0;
	for (size_t i = 0; i < g->n_cases; i++) {
		v = asy_verdict_fold(v, g->cases[i].verdict);
		if (g->cases[i].verdict != ASY_V_NA)
			total++;
	}
	g->verdict = v;
	if (g->n_cases == 0)
		return 0;
	ids = calloc(g->n_cases, sizeof(*ids));
	if (ids == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < g->n_cases; i++)
		if (decides(v, g->cases[i].verdict))
			ids[n_ids++] = g->cases[i].id;
	r = explain(&g->reason, "test cases", v, ids, n_ids, total);
	free(ids);
	return r;
}

int
asy_report_rollup(struct asy_report *r)
{
	const char **ids = NULL;
	size_t n_ids = 0, total = 0;
	enum asy_verdict v = ASY_V_NA;
	int e = 0;

	memset(r->n_group, 0, sizeof(r->n_group));
	memset(r->n_case, 0, sizeof(r->n_case));
	memset(r->n_unit, 0, sizeof(r->n_unit));
	for (size_t i = 0; i < r->n_groups && e == 0; i++)
		e = rollup_group(&r->groups[i]);
	if (e < 0)
		return e;
	for (size_t i = 0; i < r->n_groups; i++) {
		const struct asy_group_result *g = &r->groups[i];

		r->n_group[g->verdict]++;
		for (size_t j = 0; j < g->n_cases; j++) {
			const struct asy_case_result *c = &g->cases[j];

			r->n_case[c->verdict]++;
			for (size_t k = 0; k < c->n_units; k++)
				r->n_unit[c->units[k].verdict]++;
		}
		if (!g->mandatory)
			continue;
		v = asy_verdict_fold(v, g->verdict);
		if (g->verdict != ASY_V_NA)
			total++;
	}
	r->overall = v;
	if (r->n_groups == 0)
		return 0;
	ids = calloc(r->n_groups, sizeof(*ids));
	if (ids == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < r->n_groups; i++)
		if (r->groups[i].mandatory && decides(v, r->groups[i].verdict))
			ids[n_ids++] = r->groups[i].id;
	e = explain(&r->overall_reason, "mandatory test groups", v, ids,
	    n_ids, total);
	free(ids);
	return e;
}

int
asy_report_exit_code(const struct asy_report *r)
{
	if (r->n_case[ASY_V_FAIL] > 0 || r->n_group[ASY_V_FAIL] > 0)
		return ASY_EXIT_FAIL;
	if (r->n_case[ASY_V_INCONCLUSIVE] > 0 || r->n_case[ASY_V_ERROR] > 0 ||
	    r->n_case[ASY_V_NONE] > 0 || r->n_group[ASY_V_INCONCLUSIVE] > 0 ||
	    r->n_group[ASY_V_ERROR] > 0)
		return ASY_EXIT_INCOMPLETE;
	return ASY_EXIT_PASS;
}
