#include "answers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "operator.h"
#include "util.h"
#include "xml.h"

/* Names tried for one evidence copy before giving up. */
#define NAME_TRIES	100

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
	free(a->evidence_src);
	free(a->evidence);
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
	n->line = src->line;
	n->evidence_src = asy_strdup(src->evidence_src);
	n->evidence = asy_strdup(src->evidence);
	n->evidence_copied = src->evidence_copied;
	if (n->case_id == NULL || n->unit == NULL || n->assessor == NULL ||
	    n->reason == NULL || (src->date && n->date == NULL) ||
	    (src->origin && n->origin == NULL) ||
	    (src->evidence_src && n->evidence_src == NULL) ||
	    (src->evidence && n->evidence == NULL))
		return ASY_E_NOMEM;
	return 0;
}

int
asy_answers_evidence_used(const struct asy_answers *a, const char *rel)
{
	for (size_t i = 0; a != NULL && i < a->n; i++)
		if (a->v[i].evidence != NULL &&
		    strcmp(a->v[i].evidence, rel) == 0)
			return 1;
	return 0;
}

/* The name of the copy of src for this answer, unique among a's. */
static int
evidence_name(const struct asy_answers *a, const char *case_id,
    const char *unit, const char *src, char **out)
{
	for (unsigned n = 1; n <= NAME_TRIES; n++) {
		char *name = asy_operator_evidence_name(case_id, unit, src, n);

		if (name == NULL)
			return ASY_E_NOMEM;
		if (!asy_answers_evidence_used(a, name)) {
			*out = name;
			return 0;
		}
		free(name);
	}
	return ASY_E_EXISTS;
}

/* Does a relative path climb out of its folder ("..", "a/../..")? */
static int
climbs(const char *p)
{
	for (const char *c = p; *c != '\0'; ) {
		size_t n = strcspn(c, "/");

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return 1;
		c += n;
		if (*c == '/')
			c++;
	}
	return 0;
}

/* The folder of the answers file, for relative evidence paths. */
static char *
folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return asy_strndup(path, (size_t)(slash - path));
}

/*
 * The evidence attribute of one answer: resolve, check (or, resuming,
 * find the run's copy) and name it.  Problems go to d.
 */
static int
load_evidence(const struct asy_answers *a, const char *path,
    const char *folder, const char *run_dir, const char *ev,
    struct asy_answer *ans, struct asy_diags *d)
{
	char why[512], *src = NULL, *name = NULL, *copy = NULL;
	struct stat st;
	int r;

	if (asy_str_blank(ev)) {
		asy_diag_error(d, path, ans->line, "the evidence of the %s %s "
		    "answer is empty; name a file or leave the attribute out",
		    ans->case_id, ans->unit);
		return 0;
	}
	if (ev[0] != '/' && climbs(ev)) {
		asy_diag_error(d, path, ans->line, "evidence '%s' of the %s %s "
		    "answer climbs out of the answers file's folder with "
		    "'..'; give a path below that folder, or an absolute one",
		    ev, ans->case_id, ans->unit);
		return 0;
	}
	src = ev[0] == '/' ? strdup(ev) : asy_path_join(folder, ev);
	if (src == NULL)
		return ASY_E_NOMEM;
	r = evidence_name(a, ans->case_id, ans->unit, src, &name);
	if (r == ASY_E_EXISTS) {
		asy_diag_error(d, path, ans->line, "too many evidence files "
		    "named alike for %s %s; rename '%s'", ans->case_id,
		    ans->unit, ev);
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	if (run_dir != NULL) {
		/* Resuming: the run copied it before it stopped. */
		copy = asy_path_join(run_dir, name);
		if (copy == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (lstat(copy, &st) < 0 || !S_ISREG(st.st_mode)) {
			asy_diag_error(d, path, ans->line, "the copy %s of "
			    "evidence '%s' is missing from the stopped run; "
			    "it cannot be resumed: start a new run", name, ev);
			goto out;
		}
		ans->evidence_copied = 1;
	} else {
		r = asy_operator_evidence_check(src, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0) {
			asy_diag_error(d, path, ans->line, "evidence '%s' of "
			    "the %s %s answer: %s", ev, ans->case_id,
			    ans->unit, why);
			r = 0;
			goto out;
		}
	}
	ans->evidence_src = src;
	ans->evidence = name;
	src = name = NULL;
	r = 0;
out:
	free(src);
	free(name);
	free(copy);
	return r;
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

static int
load(const char *path, const char *run_dir, const struct asy_catalogue *cat,
    struct asy_diags *d, struct asy_answers **out)
{
	struct asy_answers *a = NULL;
	struct asy_xdoc *doc = NULL;
	const struct asy_xnode *root;
	unsigned long errors_before = d->n_errors;
	char *xsd, *folder;
	int r;

	xsd = asy_data_path("ics-ixit/schema/answers.xsd");
	folder = folder_of(path);
	a = asy_answers_new();
	if (xsd == NULL || folder == NULL || a == NULL) {
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
		const char *ev = asy_xnode_attr(n, "evidence");
		char origin[64], letter[2] = { 0 };

		ans.case_id = (char *)asy_xnode_attr(n, "case");
		ans.unit = (char *)asy_xnode_attr(n, "unit");
		ans.assessor = (char *)asy_xnode_attr(n, "assessor");
		ans.date = (char *)asy_xnode_attr(n, "date");
		ans.reason = (char *)n->text;
		snprintf(origin, sizeof(origin), "answers line %lu", n->line);
		ans.origin = origin;
		ans.line = n->line;
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
		if (ev != NULL) {
			r = load_evidence(a, path, folder, run_dir, ev, &ans,
			    d);
			if (r < 0)
				goto out;
		}
		r = asy_answers_add(a, &ans);
		free(ans.evidence_src);
		free(ans.evidence);
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
	free(folder);
	free(xsd);
	return r;
}

int
asy_answers_load(const char *path, const struct asy_catalogue *cat,
    struct asy_diags *d, struct asy_answers **out)
{
	return load(path, NULL, cat, d, out);
}

int
asy_answers_load_resumed(const char *path, const char *run_dir,
    const struct asy_catalogue *cat, struct asy_diags *d,
    struct asy_answers **out)
{
	return load(path, run_dir, cat, d, out);
}

int
asy_answers_copy_evidence(struct asy_answers *a, const char *path,
    const char *dir, struct asy_diags *d)
{
	unsigned long errors_before = d->n_errors;

	for (size_t i = 0; a != NULL && i < a->n; i++) {
		struct asy_answer *x = &a->v[i];
		char why[512];
		int r;

		if (x->evidence == NULL || x->evidence_copied)
			continue;
		r = asy_operator_evidence_copy(x->evidence_src, dir,
		    x->evidence, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			return r;
		if (r < 0) {
			asy_diag_error(d, path, x->line, "evidence '%s' of the "
			    "%s %s answer cannot be copied into the run "
			    "folder: %s", x->evidence_src, x->case_id,
			    x->unit, why);
			continue;
		}
		x->evidence_copied = 1;
	}
	return d->n_errors > errors_before ? ASY_E_INPUT : 0;
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
		if (r == 0 && x->evidence)
			r = asy_buf_put_attr(out, "evidence",
			    x->evidence_copied ? x->evidence :
			    x->evidence_src);
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

/* Print the declaration lines under the question, indented. */
static void
print_look_for(FILE *out, const char *text)
{
	fprintf(out, "   the declarations say:\n");
	for (const char *p = text; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "     %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/*
 * A path as typed or dropped on a terminal: without surrounding blanks or
 * one pair of quotes around it.  In place.
 */
static char *
trim_path(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		s[--n] = '\0';
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		s[n - 1] = '\0';
		s++;
	}
	return s;
}

/* Ask for the evidence file until attach() takes one or none is given;
 * 0 (*rel and *src set, or NULL), 2 at EOF, or ASY_E_NOMEM. */
static int
ask_evidence(FILE *in, FILE *out, const struct asy_prompt *p, char **rel,
    char **src)
{
	char line[4096], why[512];

	*rel = NULL;
	*src = NULL;
	for (;;) {
		char *path;
		int r;

		fprintf(out, "   evidence (path to a photo or file; empty for "
		    "none): ");
		fflush(out);
		if (read_line(in, line, sizeof(line)) < 0)
			return 2;
		path = trim_path(line);
		if (*path == '\0')
			return 0;
		why[0] = '\0';
		r = p->attach(p->ctx, path, rel, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			return r;
		if (r == 0) {
			*src = strdup(path);
			if (*src == NULL) {
				free(*rel);
				*rel = NULL;
				return ASY_E_NOMEM;
			}
			return 0;
		}
		fprintf(out, "   cannot attach it: %s\n", why[0] ? why :
		    asy_strerror(r));
	}
}

int
asy_answers_prompt(FILE *in, FILE *out, const struct asy_prompt *p,
    struct asy_answer *ans)
{
	char line[4096], date[32], *rel = NULL, *src = NULL;
	enum asy_verdict pre = p->pre;
	int r;

	fprintf(out, "\n== %s unit %s: %s\n   %s\n", p->case_id,
	    p->unit_label, p->title, p->question);
	if (p->look_for != NULL && *p->look_for != '\0')
		print_look_for(out, p->look_for);
	if (pre != ASY_V_NONE)
		fprintf(out, "   pre-assessment: %s: %s\n",
		    asy_verdict_name(pre), p->pre_reason ? p->pre_reason : "");
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
	ans->reason = strdup(line);
	if (ans->reason == NULL)
		return ASY_E_NOMEM;
	if (p->attach != NULL) {
		r = ask_evidence(in, out, p, &rel, &src);
		if (r != 0) {
			free(ans->reason);
			ans->reason = NULL;
			return r;
		}
	}
	asy_now_iso8601(date);
	ans->case_id = strdup(p->case_id);
	ans->unit = strdup(p->unit_label);
	ans->assessor = strdup(p->assessor);
	ans->date = strdup(date);
	ans->origin = strdup("prompt");
	ans->evidence = rel;
	ans->evidence_src = src;
	ans->evidence_copied = rel != NULL;
	if (ans->case_id == NULL || ans->unit == NULL ||
	    ans->assessor == NULL || ans->date == NULL || ans->origin == NULL) {
		asy_answer_release(ans);
		return ASY_E_NOMEM;
	}
	return 0;
}
