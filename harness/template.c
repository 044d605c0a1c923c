#include "template.h"

#include <string.h>

#include "error.h"

static const char *const type_names[] = {
	[ASY_FIELD_TEXT] = "text",
	[ASY_FIELD_ENUM] = "one of",
	[ASY_FIELD_BOOL] = "yes or no",
	[ASY_FIELD_INT] = "a whole number",
	[ASY_FIELD_REF] = "row ID of",
	[ASY_FIELD_SECRET] = "secret text (never copied into reports)",
};

/* Text inside an XML comment must not hold "--". */
static int
put_comment_text(struct asy_buf *b, const char *s)
{
	int r = 0;

	for (; *s != '\0' && r == 0; s++) {
		if (s[0] == '-' && s[1] == '-')
			r = asy_buf_puts(b, "- ");
		else if (*s == '<')
			r = asy_buf_puts(b, "&lt;");
		else if (*s == '&')
			r = asy_buf_puts(b, "&amp;");
		else
			r = asy_buf_putc(b, *s);
	}
	return r;
}

static int
put_flags(struct asy_buf *b, const struct asy_catalogue *cat, int feature)
{
	const char *el = feature ? "feature" : "condition";
	int r, any = 0;

	for (size_t i = 0; i < cat->n_flags; i++)
		if (cat->flags[i].feature == feature)
			any = 1;
	if (!any)
		return 0;
	r = asy_buf_printf(b, "  <%ss>\n", el);
	for (size_t i = 0; i < cat->n_flags && r == 0; i++) {
		const struct asy_cat_flag *f = &cat->flags[i];

		if (f->feature != feature)
			continue;
		r = asy_buf_printf(b, "    <!-- %s(%s): ", feature ? "F" : "C",
		    f->id);
		if (r == 0)
			r = put_comment_text(b, f->title);
		if (r == 0)
			r = asy_buf_printf(b, " -->\n    <%s id=\"%s\" "
			    "applies=\"\"></%s>\n", el, f->id, el);
	}
	if (r == 0)
		r = asy_buf_printf(b, "  </%ss>\n", el);
	return r;
}

int
asy_template_ics(const struct asy_catalogue *cat, struct asy_buf *out)
{
	int r;

	r = asy_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!--\n  ICS (Implementation Conformance Statement) for %s\n"
	    "  baseline: %s; assessment: %s\n\n"
	    "  Fill in:\n"
	    "  - dut: vendor, model, hardware and software versions, and a "
	    "short name (letters, digits, - and _) for run folders.\n"
	    "  - every condition and feature: applies=\"yes\" or "
	    "applies=\"no\" (the text may say why).\n"
	    "  - every row: support=\"Y\" (supported: describe the measures),"
	    " \"N\" (not supported: the\n    justification) or \"N/A\" "
	    "(only where a condition or feature of its status does not\n"
	    "    apply: the rationale).  A mandatory (M) provision declared "
	    "N is not met.\n"
	    "  Check it with: assay validate DIR (with ixit.xml beside it).\n"
	    "-->\n<ics format=\"1\" edition=\"%s\">\n"
	    "  <dut vendor=\"\" model=\"\" hw=\"\" sw=\"\" name=\"\"/>\n",
	    cat->id, cat->baseline, cat->method, cat->id);
	if (r == 0)
		r = put_flags(out, cat, 0);
	if (r == 0)
		r = put_flags(out, cat, 1);
	for (size_t i = 0; i < cat->n_provisions && r == 0; i++) {
		const struct asy_cat_provision *p = &cat->provisions[i];

		r = asy_buf_printf(out, "  <!-- %s (%s): ", p->id,
		    p->status_text);
		if (r == 0)
			r = put_comment_text(out, p->title);
		if (r == 0)
			r = asy_buf_printf(out, " -->\n  <row provision=\"%s\" "
			    "support=\"\"></row>\n", p->id);
	}
	if (r == 0)
		r = asy_buf_puts(out, "</ics>\n");
	return r;
}

int
asy_template_ixit(const struct asy_catalogue *cat, struct asy_buf *out)
{
	int r;

	r = asy_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!--\n  IXIT (Implementation eXtra Information for Testing) for "
	    "%s\n\n"
	    "  One <table> per IXIT table you need; one <row> per mechanism, "
	    "service, interface...\n"
	    "  Each row has an ID that is unique in the whole file (start it "
	    "with the table's prefix,\n  e.g. AuthMech-WebUI) and one element "
	    "per field.  Reference fields name other rows by ID.\n"
	    "  Tables you do not need can be left out; required fields must "
	    "be given in every row.\n-->\n"
	    "<ixit format=\"1\" edition=\"%s\">\n", cat->id, cat->id);
	for (size_t i = 0; i < cat->n_tables && r == 0; i++) {
		const struct asy_cat_table *t = &cat->tables[i];

		r = asy_buf_printf(out, "\n  <!-- %s: ", t->id);
		if (r == 0)
			r = put_comment_text(out, t->title);
		if (r == 0)
			r = asy_buf_puts(out, "\n");
		for (size_t j = 0; j < t->n_fields && r == 0; j++) {
			const struct asy_cat_field *f = &t->fields[j];

			r = asy_buf_printf(out, "       %-15s %s%s%s%s%s: ",
			    f->name, f->required ? "required, " : "",
			    type_names[f->type],
			    f->type == ASY_FIELD_ENUM ||
			    f->type == ASY_FIELD_REF ? " " : "",
			    f->type == ASY_FIELD_ENUM ? f->values :
			    f->type == ASY_FIELD_REF ? f->ref : "",
			    f->multi ? " (a space separated list)" : "");
			if (r == 0)
				r = put_comment_text(out, f->title);
			if (r == 0)
				r = asy_buf_puts(out, "\n");
		}
		if (r == 0)
			r = asy_buf_printf(out, "  -->\n  <table name=\"%s\">\n"
			    "    <!--\n    <row id=\"%s-Example\">\n",
			    t->id, t->prefix);
		for (size_t j = 0; j < t->n_fields && r == 0; j++)
			r = asy_buf_printf(out, "      <%s></%s>\n",
			    t->fields[j].name, t->fields[j].name);
		if (r == 0)
			r = asy_buf_puts(out, "    </row>\n    -->\n  </table>\n");
	}
	if (r == 0)
		r = asy_buf_puts(out, "</ixit>\n");
	return r;
}
