/*
 * The canonical report as JSON: the same facts and the same structure as
 * report.xml (see reports/schema/report.xsd), for tools that prefer JSON.
 * A NULL field is null; verdicts are asy_verdict_name() values; counts are
 * keyed by asy_verdict_slug().
 */
#include "report.h"

#include "render.h"

static const char *
jbool(int v)
{
	return v ? "true" : "false";
}

/* `"key": "value"` (or null) with a leading comma unless first. */
static void
kv(struct asy_emit *e, const char *indent, const char *key, const char *val,
    int first)
{
	asy_emit_printf(e, "%s\n%s\"%s\": ", first ? "" : ",", indent, key);
	asy_emit_json(e, val);
}

static void
counts(struct asy_emit *e, const char *level, const unsigned *n, int first)
{
	unsigned long total = 0;

	asy_emit_printf(e, "%s\n      \"%s\": {", first ? "" : ",", level);
	for (int v = 0; v < ASY_V__COUNT; v++) {
		asy_emit_printf(e, "\"%s\": %u, ",
		    asy_verdict_slug((enum asy_verdict)v), n[v]);
		total += n[v];
	}
	asy_emit_printf(e, "\"total\": %lu}", total);
}

static void
unit(struct asy_emit *e, const struct asy_unit_result *u)
{
	const char *in = "                ";

	asy_emit_raw(e, "\n              {");
	kv(e, in, "id", u->id, 1);
	kv(e, in, "row", u->row, 0);
	kv(e, in, "title", u->title, 0);
	kv(e, in, "kind", u->kind, 0);
	kv(e, in, "needs", u->needs, 0);
	kv(e, in, "verdict", asy_verdict_name(u->verdict), 0);
	kv(e, in, "reason", u->reason, 0);
	asy_emit_printf(e, ",\n%s\"pre_assessment\": ", in);
	if (u->pre != ASY_V_NONE || u->pre_reason != NULL) {
		asy_emit_raw(e, "{\"verdict\": ");
		asy_emit_json(e, asy_verdict_name(u->pre));
		asy_emit_raw(e, ", \"reason\": ");
		asy_emit_json(e, u->pre_reason);
		asy_emit_raw(e, "}");
	} else {
		asy_emit_raw(e, "null");
	}
	kv(e, in, "decided_by", u->decided_by, 0);
	asy_emit_printf(e, ",\n%s\"evidence\": [", in);
	for (size_t i = 0; i < u->n_ev; i++) {
		asy_emit_printf(e, "%s\n%s  {\"path\": ", i ? "," : "", in);
		asy_emit_json(e, u->ev[i].path);
		asy_emit_raw(e, ", \"kind\": ");
		asy_emit_json(e, u->ev[i].kind);
		asy_emit_raw(e, ", \"note\": ");
		asy_emit_json(e, u->ev[i].note);
		asy_emit_raw(e, "}");
	}
	asy_emit_printf(e, "%s]\n              }",
	    u->n_ev ? "\n                " : "");
}

static void
tcase(struct asy_emit *e, const struct asy_case_result *c)
{
	const char *in = "            ";

	asy_emit_raw(e, "\n          {");
	kv(e, in, "id", c->id, 1);
	kv(e, in, "title", c->title, 0);
	kv(e, in, "kind", c->kind, 0);
	asy_emit_printf(e, ",\n%s\"derived\": %s,\n%s\"excluded\": %s", in,
	    jbool(c->derived), in, jbool(c->excluded));
	kv(e, in, "verdict", asy_verdict_name(c->verdict), 0);
	kv(e, in, "reason", c->reason, 0);
	asy_emit_printf(e, ",\n%s\"units\": [", in);
	for (size_t i = 0; i < c->n_units; i++) {
		if (i > 0)
			asy_emit_raw(e, ",");
		unit(e, &c->units[i]);
	}
	asy_emit_printf(e, "%s]\n          }", c->n_units ? "\n            " :
	    "");
}

static void
group(struct asy_emit *e, const struct asy_group_result *g)
{
	const char *in = "        ";

	asy_emit_raw(e, "\n      {");
	kv(e, in, "id", g->id, 1);
	kv(e, in, "provision", g->provision, 0);
	kv(e, in, "title", g->title, 0);
	kv(e, in, "status", g->status, 0);
	asy_emit_printf(e, ",\n%s\"mandatory\": %s", in, jbool(g->mandatory));
	kv(e, in, "support", g->support, 0);
	kv(e, in, "detail", g->detail, 0);
	kv(e, in, "verdict", asy_verdict_name(g->verdict), 0);
	kv(e, in, "reason", g->reason, 0);
	asy_emit_printf(e, ",\n%s\"cases\": [", in);
	for (size_t i = 0; i < g->n_cases; i++) {
		if (i > 0)
			asy_emit_raw(e, ",");
		tcase(e, &g->cases[i]);
	}
	asy_emit_printf(e, "%s]\n      }", g->n_cases ? "\n        " : "");
}

static void
discovery(struct asy_emit *e, const char *in, const struct asy_discovery *d)
{
	asy_emit_raw(e, "\n  \"discovery\": {");
	kv(e, in, "status", d->status, 1);
	kv(e, in, "note", d->note, 0);
	kv(e, in, "target", d->target, 0);
	kv(e, in, "command", d->command, 0);
	kv(e, in, "evidence", d->evidence, 0);
	kv(e, in, "pcap", d->pcap, 0);
	asy_emit_raw(e, ",\n    \"services\": [");
	for (size_t i = 0; i < d->n_services; i++) {
		const struct asy_observed_service *s = &d->services[i];

		asy_emit_printf(e, "%s\n      {\"proto\": ", i ? "," : "");
		asy_emit_json(e, s->proto);
		asy_emit_printf(e, ", \"port\": %u, \"match\": ", s->port);
		asy_emit_json(e, s->match);
		asy_emit_raw(e, ", \"name\": ");
		asy_emit_json(e, s->service);
		asy_emit_raw(e, ", \"product\": ");
		asy_emit_json(e, s->product);
		asy_emit_raw(e, ", \"row\": ");
		asy_emit_json(e, s->row);
		asy_emit_raw(e, "}");
	}
	asy_emit_printf(e, "%s]\n  },", d->n_services ? "\n    " : "");
}

int
asy_report_render_json(const struct asy_report *r, struct asy_buf *out)
{
	struct asy_emit e;
	const char *in = "    ";

	asy_emit_init(&e, out);
	asy_emit_raw(&e, "{\n  \"format\": 1,\n"
	    "  \"namespace\": \"urn:assay:report:1\",\n  \"run\": {");
	kv(&e, in, "id", r->run_id, 1);
	kv(&e, in, "assay_version", r->assay_version, 0);
	kv(&e, in, "date", r->date, 0);
	kv(&e, in, "mode", r->mode, 0);
	kv(&e, in, "edition", r->edition, 0);
	kv(&e, in, "baseline", r->baseline, 0);
	kv(&e, in, "method", r->method, 0);
	kv(&e, in, "catalogue_title", r->catalogue_title, 0);
	asy_emit_raw(&e, "\n  },\n  \"dut\": {");
	kv(&e, in, "vendor", r->dut.vendor, 1);
	kv(&e, in, "model", r->dut.model, 0);
	kv(&e, in, "hw", r->dut.hw, 0);
	kv(&e, in, "sw", r->dut.sw, 0);
	kv(&e, in, "name", r->dut.name, 0);
	asy_emit_raw(&e, "\n  },\n  \"inputs\": [");
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct asy_input_file *f = &r->inputs[i];

		asy_emit_printf(&e, "%s\n    {\"role\": ", i ? "," : "");
		asy_emit_json(&e, f->role);
		asy_emit_raw(&e, ", \"path\": ");
		asy_emit_json(&e, f->path);
		asy_emit_raw(&e, ", \"origin\": ");
		asy_emit_json(&e, f->origin);
		asy_emit_raw(&e, ", \"sha256\": ");
		asy_emit_json(&e, f->sha256);
		asy_emit_raw(&e, "}");
	}
	asy_emit_printf(&e, "%s],\n  \"tools\": [", r->n_inputs ? "\n  " : "");
	for (size_t i = 0; i < r->n_tools; i++) {
		asy_emit_printf(&e, "%s\n    {\"name\": ", i ? "," : "");
		asy_emit_json(&e, r->tools[i].name);
		asy_emit_raw(&e, ", \"version\": ");
		asy_emit_json(&e, r->tools[i].version);
		asy_emit_raw(&e, "}");
	}
	asy_emit_printf(&e, "%s],", r->n_tools ? "\n  " : "");
	if (r->discovery != NULL)
		discovery(&e, in, r->discovery);
	asy_emit_raw(&e, "\n  \"overall\": {");
	kv(&e, in, "verdict", asy_verdict_name(r->overall), 1);
	kv(&e, in, "reason", r->overall_reason, 0);
	asy_emit_raw(&e, ",\n    \"counts\": {");
	counts(&e, "groups", r->n_group, 1);
	counts(&e, "cases", r->n_case, 0);
	counts(&e, "units", r->n_unit, 0);
	asy_emit_raw(&e, "\n    }\n  },\n  \"groups\": [");
	for (size_t i = 0; i < r->n_groups; i++) {
		if (i > 0)
			asy_emit_raw(&e, ",");
		group(&e, &r->groups[i]);
	}
	asy_emit_printf(&e, "%s]\n}\n", r->n_groups ? "\n  " : "");
	return asy_emit_end(&e);
}
