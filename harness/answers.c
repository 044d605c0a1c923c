#include "answers.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"
#include "xml.h"

struct asy_answers *
asy_answers_new(void)
{
	return calloc(1, sizeof(struct asy_answers));
}

void
asy_answer_release(struct asy_answer *a)
{
	free(a->case_id);
	free(a->unit);
	free(a->assessor);
	free(a->date);
	free(a->reason);
	free(a->origin);
}

void
asy_answers_free(struct asy_answers *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++)
		asy_answer_release(&a->v[i]);
	free(a->v);
	free(a);
}

int
asy_answers_add(struct asy_answers *a, const struct asy_answer *src)
{
	struct asy_answer *n;

	n = asy_array_add(&a->v, &a->n, &a->cap, sizeof(*n));
	if (n == NULL)
		return ASY_E_NOMEM;
	n->accept = src->accept;
	n->verdict = src->verdict;
	n->case_id = asy_strdup(src->case_id);
	n->unit = asy_strdup(src->unit);
	n->assessor = asy_strdup(src->assessor);
	n->date = asy_strdup(src->date);
	n->reason = asy_strdup(src->reason ? src->reason : "");
	n->origin = asy_strdup(src->origin);
	if (n->case_id == NULL || n->unit == NULL || n->assessor == NULL ||
	    n->reason == NULL || (src->date && n->date == NULL) ||
	    (src->origin && n->origin == NULL))
		return ASY_E_NOMEM;
	return 0;
}

const struct asy_answer *
asy_answers_find(const struct asy_answers *a, const char *case_id,
    const char *letter, const char *row)
{
	const struct asy_answer *by_letter = NULL, *by_star = NULL;
	size_t ll = strlen(letter);

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < a->n; i++) {
		const struct asy_answer *x = &a->v[i];

		if (strcmp(x->case_id, case_id) != 0)
			continue;
		if (row != NULL && strncmp(x->unit, letter, ll) == 0 &&
		    x->unit[ll] == ':' && strcmp(x->unit + ll + 1, row) == 0)
			return x;
		if (strcmp(x->unit, letter) == 0)
			by_letter = x;
		else if (strcmp(x->unit, "*") == 0)
			by_star = x;
	}
	return by_letter ? by_letter : by_star;
}

int
asy_answers_load(const char *path, const struct asy_catalogue *cat,
    struct asy_diags *d, struct asy_answers **out)
{
	struct asy_answers *a = NULL;
	struct asy_xdoc *doc = NULL;
	const struct asy_xnode *root;
	unsigned long errors_before = d->n_errors;
	char *xsd;
	int r;

	xsd = asy_data_path("ics-ixit/schema/answers.xsd");
	a = asy_answers_new();
	if (xsd == NULL || a == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_xml_load(path, xsd, ASY_XML_MAX_INPUT, d, &doc);
	if (r < 0)
		goto out;
	root = asy_xdoc_root(doc);
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *n = &root->children[i];
		struct asy_answer ans = { 0 };
		const struct asy_cat_case *c;
		const char *v = asy_xnode_attr(n, "verdict");
		char origin[64], letter[2] = { 0 };

		ans.case_id = (char *)asy_xnode_attr(n, "case");
		ans.unit = (char *)asy_xnode_attr(n, "unit");
		ans.assessor = (char *)asy_xnode_attr(n, "assessor");
		ans.date = (char *)asy_xnode_attr(n, "date");
		ans.reason = (char *)n->text;
		snprintf(origin, sizeof(origin), "answers line %lu", n->line);
		ans.origin = origin;
		c = asy_catalogue_case(cat, ans.case_id);
		if (c == NULL) {
			asy_diag_error(d, path, n->line, "test case '%s' does "
			    "not exist in %s; fix the case attribute",
			    ans.case_id, cat->id);
			continue;
		}
		if (strcmp(ans.unit, "*") != 0) {
			size_t k;

			letter[0] = ans.unit[0];
			for (k = 0; k < c->n_units; k++)
				if (strcmp(c->units[k].id, letter) == 0)
					break;
			if (k == c->n_units || (ans.unit[1] != '\0' &&
			    (ans.unit[1] != ':' || ans.unit[2] == '\0'))) {
				asy_diag_error(d, path, n->line, "case %s has "
				    "no unit '%s'; write a unit letter of the "
				    "case, LETTER:ROW-ID, or *", ans.case_id,
				    ans.unit);
				continue;
			}
		}
		if (strcmp(v, "accept") == 0) {
			ans.accept = 1;
			if (c->preassess == NULL) {
				asy_diag_error(d, path, n->line, "case %s has "
				    "no pre-assessment to accept; give "
				    "verdict PASS, FAIL or NOT APPLICABLE with "
				    "a reason", ans.case_id);
				continue;
			}
		} else {
			asy_verdict_parse(v, &ans.verdict);
			if (asy_str_blank(ans.reason))
				asy_diag_error(d, path, n->line, "the %s "
				    "answer for %s %s gives no reason; every "
				    "verdict says why: write it as the "
				    "element's text", v, ans.case_id,
				    ans.unit);
		}
		for (size_t k = 0; k < a->n; k++)
			if (strcmp(a->v[k].case_id, ans.case_id) == 0 &&
			    strcmp(a->v[k].unit, ans.unit) == 0)
				asy_diag_error(d, path, n->line, "%s unit %s "
				    "is answered twice (first at %s); keep "
				    "one", ans.case_id, ans.unit,
				    a->v[k].origin);
		r = asy_answers_add(a, &ans);
		if (r < 0)
			goto out;
	}
	if (d->n_errors > errors_before) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = a;
	a = NULL;
out:
	asy_answers_free(a);
	asy_xdoc_free(doc);
	free(xsd);
	return r;
}

int
asy_answers_render(const struct asy_answers *a, struct asy_buf *out)
{
	int r;

	/* No double hyphen in an XML comment: "--answers" would make the
	 * file not well-formed. */
	r = asy_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- The assessor's answers used by this run; give this file "
	    "to 'assay run' as its answers file to repeat them. -->\n"
	    "<answers format=\"1\">\n");
	for (size_t i = 0; a != NULL && i < a->n && r == 0; i++) {
		const struct asy_answer *x = &a->v[i];

		r = asy_buf_puts(out, "  <answer");
		if (r == 0)
			r = asy_buf_put_attr(out, "case", x->case_id);
		if (r == 0)
			r = asy_buf_put_attr(out, "unit", x->unit);
		if (r == 0)
			r = asy_buf_put_attr(out, "verdict", x->accept ? "accept" :
			    asy_verdict_name(x->verdict));
		if (r == 0)
			r = asy_buf_put_attr(out, "assessor", x->assessor);
		if (r == 0 && x->date)
			r = asy_buf_put_attr(out, "date", x->date);
		if (r == 0)
			r = asy_buf_putc(out, '>');
		if (r == 0)
			r = asy_buf_put_xml(out, x->reason);
		if (r == 0)
			r = asy_buf_puts(out, "</answer>\n");
	}
	if (r == 0)
		r = asy_buf_puts(out, "</answers>\n");
	return r;
}

/* Read one line (without its newline) of at most 4 KiB; 0, or -1 at EOF. */
static int
read_line(FILE *in, char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, in) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == size - 1) {
		int c;

		/* Drop the rest of an overlong line. */
		while ((c = fgetc(in)) != EOF && c != '\n')
			;
	}
	return 0;
}

int
asy_answers_prompt(FILE *in, FILE *out, const char *case_id,
    const char *unit_label, const char *title, const char *question,
    enum asy_verdict pre, const char *pre_reason, const char *assessor,
    struct asy_answer *ans)
{
	char line[4096], date[32];

	fprintf(out, "\n== %s unit %s: %s\n   %s\n", case_id, unit_label,
	    title, question);
	if (pre != ASY_V_NONE)
		fprintf(out, "   pre-assessment: %s: %s\n",
		    asy_verdict_name(pre), pre_reason);
	for (;;) {
		fprintf(out, "   verdict? [p]ass [f]ail [n]ot applicable%s "
		    "[s]kip [q]uit asking: ", pre != ASY_V_NONE ?
		    " [a]ccept pre-assessment" : "");
		fflush(out);
		if (read_line(in, line, sizeof(line)) < 0)
			return 2;
		if (strcmp(line, "p") == 0)
			ans->verdict = ASY_V_PASS;
		else if (strcmp(line, "f") == 0)
			ans->verdict = ASY_V_FAIL;
		else if (strcmp(line, "n") == 0)
			ans->verdict = ASY_V_NA;
		else if (strcmp(line, "a") == 0 && pre != ASY_V_NONE)
			ans->accept = 1;
		else if (strcmp(line, "s") == 0)
			return 1;
		else if (strcmp(line, "q") == 0)
			return 2;
		else
			continue;
		break;
	}
	for (;;) {
		fprintf(out, "   reason (one sentence)%s: ", ans->accept ?
		    " [enter: the pre-assessment's]" : "");
		fflush(out);
		if (read_line(in, line, sizeof(line)) < 0)
			return 2;
		if (!asy_str_blank(line) || ans->accept)
			break;
	}
	asy_now_iso8601(date);
	ans->reason = strdup(line);
	ans->case_id = strdup(case_id);
	ans->unit = strdup(unit_label);
	ans->assessor = strdup(assessor);
	ans->date = strdup(date);
	ans->origin = strdup("prompt");
	if (ans->reason == NULL || ans->case_id == NULL || ans->unit == NULL ||
	    ans->assessor == NULL || ans->date == NULL || ans->origin == NULL) {
		asy_answer_release(ans);
		return ASY_E_NOMEM;
	}
	return 0;
}
