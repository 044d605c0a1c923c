/*
 * The canonical XML report: every field of the result model, in the
 * namespace urn:assay:report:1, valid against reports/schema/report.xsd.
 * The other writers show the same facts; this one is the record.
 *
 * Short identifiers are attributes, free text (titles, reasons, the ICS
 * detail) is element content.  An attribute for a NULL field is left out;
 * booleans and counts are always written.
 */
#include "report.h"

#include "render.h"

static const char *
xbool(int v)
{
	return v ? "true" : "false";
}

/* <name>text</name> on a line of its own, nothing when text is NULL. */
static void
text_elem(struct asy_emit *e, const char *indent, const char *name,
    const char *text)
{
	if (text == NULL)
		return;
	asy_emit_printf(e, "%s<%s>", indent, name);
	asy_emit_xml(e, text);
	asy_emit_printf(e, "</%s>\n", name);
}

static void
counts(struct asy_emit *e, const char *level, const unsigned *n)
{
	unsigned long total = 0;

	asy_emit_printf(e, "    <counts level=\"%s\"", level);
	for (int v = 0; v < ASY_V__COUNT; v++) {
		asy_emit_printf(e, " %s=\"%u\"",
		    asy_verdict_slug((enum asy_verdict)v), n[v]);
		total += n[v];
	}
	asy_emit_printf(e, " total=\"%lu\"/>\n", total);
}

static void
unit(struct asy_emit *e, const struct asy_unit_result *u)
{
	asy_emit_raw(e, "        <unit");
	asy_emit_attr(e, "id", u->id);
	asy_emit_attr(e, "row", u->row);
	asy_emit_attr(e, "kind", u->kind);
	asy_emit_attr(e, "verdict", asy_verdict_name(u->verdict));
	asy_emit_attr(e, "decided-by", u->decided_by);
	asy_emit_attr(e, "needs", u->needs);
	asy_emit_raw(e, ">\n");
	text_elem(e, "          ", "title", u->title);
	text_elem(e, "          ", "reason", u->reason);
	if (u->pre != ASY_V_NONE || u->pre_reason != NULL) {
		asy_emit_raw(e, "          <pre-assessment");
		asy_emit_attr(e, "verdict", asy_verdict_name(u->pre));
		asy_emit_raw(e, ">");
		asy_emit_xml(e, u->pre_reason);
		asy_emit_raw(e, "</pre-assessment>\n");
	}
	for (size_t i = 0; i < u->n_ev; i++) {
		const struct asy_evidence *ev = &u->ev[i];

		asy_emit_raw(e, "          <evidence");
		asy_emit_attr(e, "path", ev->path);
		asy_emit_attr(e, "kind", ev->kind);
		asy_emit_attr(e, "note", ev->note);
		asy_emit_raw(e, "/>\n");
	}
	asy_emit_raw(e, "        </unit>\n");
}

static void
tcase(struct asy_emit *e, const struct asy_case_result *c)
{
	asy_emit_raw(e, "      <case");
	asy_emit_attr(e, "id", c->id);
	asy_emit_attr(e, "kind", c->kind);
	asy_emit_printf(e, " derived=\"%s\" excluded=\"%s\"",
	    xbool(c->derived), xbool(c->excluded));
	asy_emit_attr(e, "verdict", asy_verdict_name(c->verdict));
	asy_emit_raw(e, ">\n");
	text_elem(e, "        ", "title", c->title);
	text_elem(e, "        ", "reason", c->reason);
	for (size_t i = 0; i < c->n_units; i++)
		unit(e, &c->units[i]);
	asy_emit_raw(e, "      </case>\n");
}

static void
group(struct asy_emit *e, const struct asy_group_result *g)
{
	asy_emit_raw(e, "    <group");
	asy_emit_attr(e, "id", g->id);
	asy_emit_attr(e, "provision", g->provision);
	asy_emit_attr(e, "status", g->status);
	asy_emit_printf(e, " mandatory=\"%s\"", xbool(g->mandatory));
	asy_emit_attr(e, "support", g->support);
	asy_emit_attr(e, "verdict", asy_verdict_name(g->verdict));
	asy_emit_raw(e, ">\n");
	text_elem(e, "      ", "title", g->title);
	text_elem(e, "      ", "detail", g->detail);
	text_elem(e, "      ", "reason", g->reason);
	for (size_t i = 0; i < g->n_cases; i++)
		tcase(e, &g->cases[i]);
	asy_emit_raw(e, "    </group>\n");
}

static void
discovery(struct asy_emit *e, const struct asy_discovery *d)
{
	asy_emit_raw(e, "  <discovery");
	asy_emit_attr(e, "status", d->status);
	asy_emit_attr(e, "target", d->target);
	asy_emit_attr(e, "evidence", d->evidence);
	asy_emit_attr(e, "pcap", d->pcap);
	asy_emit_raw(e, ">\n");
	text_elem(e, "    ", "note", d->note);
	text_elem(e, "    ", "command", d->command);
	for (size_t i = 0; i < d->n_services; i++) {
		const struct asy_observed_service *s = &d->services[i];

		asy_emit_raw(e, "    <service");
		asy_emit_attr(e, "proto", s->proto);
		asy_emit_printf(e, " port=\"%u\"", s->port);
		asy_emit_attr(e, "match", s->match);
		asy_emit_attr(e, "name", s->service);
		asy_emit_attr(e, "product", s->product);
		asy_emit_attr(e, "row", s->row);
		asy_emit_raw(e, "/>\n");
	}
	asy_emit_raw(e, "  </discovery>\n");
}

int
asy_report_render_xml(const struct asy_report *r, struct asy_buf *out)
{
	struct asy_emit e;

	asy_emit_init(&e, out);
	asy_emit_raw(&e, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<report format=\"1\" xmlns=\"urn:assay:report:1\">\n");

	asy_emit_raw(&e, "  <run");
	asy_emit_attr(&e, "id", r->run_id);
	asy_emit_attr(&e, "assay-version", r->assay_version);
	asy_emit_attr(&e, "date", r->date);
	asy_emit_attr(&e, "mode", r->mode);
	asy_emit_attr(&e, "edition", r->edition);
	asy_emit_raw(&e, ">\n");
	text_elem(&e, "    ", "baseline", r->baseline);
	text_elem(&e, "    ", "method", r->method);
	text_elem(&e, "    ", "catalogue-title", r->catalogue_title);
	asy_emit_raw(&e, "  </run>\n");

	asy_emit_raw(&e, "  <dut");
	asy_emit_attr(&e, "vendor", r->dut.vendor);
	asy_emit_attr(&e, "model", r->dut.model);
	asy_emit_attr(&e, "hw", r->dut.hw);
	asy_emit_attr(&e, "sw", r->dut.sw);
	asy_emit_attr(&e, "name", r->dut.name);
	asy_emit_raw(&e, "/>\n");

	asy_emit_raw(&e, "  <inputs>\n");
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct asy_input_file *f = &r->inputs[i];

		asy_emit_raw(&e, "    <input");
		asy_emit_attr(&e, "role", f->role);
		asy_emit_attr(&e, "path", f->path);
		asy_emit_attr(&e, "origin", f->origin);
		asy_emit_attr(&e, "sha256", f->sha256);
		asy_emit_raw(&e, "/>\n");
	}
	asy_emit_raw(&e, "  </inputs>\n");

	asy_emit_raw(&e, "  <tools>\n");
	for (size_t i = 0; i < r->n_tools; i++) {
		asy_emit_raw(&e, "    <tool");
		asy_emit_attr(&e, "name", r->tools[i].name);
		asy_emit_attr(&e, "version", r->tools[i].version);
		asy_emit_raw(&e, "/>\n");
	}
	asy_emit_raw(&e, "  </tools>\n");

	if (r->discovery != NULL)
		discovery(&e, r->discovery);

	asy_emit_raw(&e, "  <overall");
	asy_emit_attr(&e, "verdict", asy_verdict_name(r->overall));
	asy_emit_raw(&e, ">\n");
	text_elem(&e, "    ", "reason", r->overall_reason);
	counts(&e, "groups", r->n_group);
	counts(&e, "cases", r->n_case);
	counts(&e, "units", r->n_unit);
	asy_emit_raw(&e, "  </overall>\n");

	asy_emit_raw(&e, "  <groups>\n");
	for (size_t i = 0; i < r->n_groups; i++)
		group(&e, &r->groups[i]);
	asy_emit_raw(&e, "  </groups>\n</report>\n");
	return asy_emit_end(&e);
}
