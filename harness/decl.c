#include "decl.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "util.h"
#include "xml.h"

static const char *const support_names[] = {
	[ASY_SUPPORT_Y] = "Y",
	[ASY_SUPPORT_N] = "N",
	[ASY_SUPPORT_NA] = "N/A",
};

const char *
asy_support_name(enum asy_support s)
{
	return support_names[s];
}

void
asy_decl_free(struct asy_decl *decl)
{
	if (decl == NULL)
		return;
	for (size_t i = 0; i < decl->n_ixit; i++)
		free(decl->ixit[i].values);
	free(decl->ixit);
	free(decl->rows);
	free(decl->flags);
	asy_map_release(&decl->ixit_index);
	asy_xdoc_free(decl->ics_doc);
	asy_xdoc_free(decl->ixit_doc);
	asy_catalogue_free(decl->cat);
	free(decl);
}

const char *
asy_ixit_get(const struct asy_ixit_row *row, const char *field)
{
	for (size_t i = 0; i < row->n_values; i++)
		if (strcmp(row->values[i].field->name, field) == 0)
			return row->values[i].value;
	return NULL;
}

const struct asy_ixit_row *
asy_decl_row(const struct asy_decl *decl, const char *id)
{
	return asy_map_get(&decl->ixit_index, id);
}

const struct asy_ics_row *
asy_decl_ics_row(const struct asy_decl *decl,
    const struct asy_cat_provision *prov)
{
	for (size_t i = 0; i < decl->n_rows; i++)
		if (decl->rows[i].prov == prov)
			return &decl->rows[i];
	return NULL;
}

int
asy_decl_flag_applies(const struct asy_decl *decl,
    const struct asy_cat_flag *f)
{
	for (size_t i = 0; i < decl->n_flags; i++)
		if (decl->flags[i].flag == f)
			return decl->flags[i].applies;
	return 0;
}

int
asy_decl_status_applies(const struct asy_decl *decl,
    const struct asy_status *st)
{
	for (size_t i = 0; i < st->n_flags; i++)
		if (!asy_decl_flag_applies(decl, st->flags[i]))
			return 0;
	return 1;
}

/* "C(1) passwords are used" for messages. */
static void
flag_label(const struct asy_cat_flag *f, char *buf, size_t size)
{
	snprintf(buf, size, "%s(%s) (%s)", f->feature ? "F" : "C", f->id,
	    f->title);
}

/* Append the IDs of the editions that exist, for an error message. */
static void
list_editions(struct asy_buf *b)
{
	char *dir;
	DIR *dp;
	struct dirent *de;
	int first = 1;

	dir = asy_data_path("ics-ixit/catalogue");
	dp = dir ? opendir(dir) : NULL;
	free(dir);
	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < 5 || strcmp(de->d_name + n - 4, ".xml") != 0)
			continue;
		asy_buf_printf(b, "%s%.*s", first ? "" : ", ", (int)(n - 4),
		    de->d_name);
		first = 0;
	}
	closedir(dp);
}

static int
edition_ok(const char *e)
{
	if (e == NULL || *e == '\0' || strlen(e) > 64)
		return 0;
	for (const char *p = e; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			return 0;
	return e[0] != '.';
}

/* Find and load the catalogue for the ICS's edition. */
static int
load_catalogue(struct asy_decl *decl, const struct asy_decl_paths *p,
    unsigned long line, struct asy_diags *d)
{
	struct asy_buf name, list;
	char *path = NULL;
	int r;

	asy_buf_init(&name, 4096);
	asy_buf_init(&list, 4096);
	if (p->catalogue != NULL) {
		r = asy_catalogue_load(p->catalogue, d, &decl->cat);
		if (r == 0 && strcmp(decl->cat->id, decl->edition) != 0) {
			asy_diag_error(d, decl->ics_path, line, "the ICS is "
			    "for edition '%s' but the catalogue %s is '%s'; "
			    "use the matching catalogue", decl->edition,
			    p->catalogue, decl->cat->id);
			r = ASY_E_INPUT;
		}
		goto out;
	}
	r = asy_buf_printf(&name, "ics-ixit/catalogue/%s.xml", decl->edition);
	if (r < 0)
		goto out;
	path = asy_data_path(name.data);
	if (path == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (!edition_ok(decl->edition) || access(path, R_OK) != 0) {
		list_editions(&list);
		asy_diag_error(d, decl->ics_path, line, "edition '%s' is not "
		    "known; use one of: %s", decl->edition,
		    list.data ? list.data : "(no catalogues installed)");
		r = ASY_E_INPUT;
		goto out;
	}
	r = asy_catalogue_load(path, d, &decl->cat);
out:
	free(path);
	asy_buf_release(&name);
	asy_buf_release(&list);
	return r;
}

static int
load_ics_flags(struct asy_decl *decl, const struct asy_xnode *list,
    int feature, struct asy_diags *d)
{
	const char *what = feature ? "feature" : "condition";

	if (list == NULL)
		return 0;
	for (size_t i = 0; i < list->n_children; i++) {
		const struct asy_xnode *n = &list->children[i];
		const char *id = asy_xnode_attr(n, "id");
		const struct asy_cat_flag *f;
		struct asy_ics_flag *e;

		f = asy_catalogue_flag(decl->cat, id, feature);
		if (f == NULL) {
			asy_diag_error(d, decl->ics_path, n->line, "%s '%s' "
			    "does not exist in edition %s; remove it or fix "
			    "the id", what, id, decl->edition);
			continue;
		}
		for (size_t j = 0; j < decl->n_flags; j++) {
			if (decl->flags[j].flag == f) {
				asy_diag_error(d, decl->ics_path, n->line,
				    "%s %s is declared twice (first on line "
				    "%lu); keep one", what, id,
				    decl->flags[j].line);
				f = NULL;
				break;
			}
		}
		if (f == NULL)
			continue;
		e = &decl->flags[decl->n_flags++];
		e->flag = f;
		e->line = n->line;
		e->applies = strcmp(asy_xnode_attr(n, "applies"), "yes") == 0;
	}
	return 0;
}

static int
load_ics(struct asy_decl *decl, const struct asy_decl_paths *p,
    struct asy_diags *d)
{
	const struct asy_xnode *root, *dut, *conds, *feats;
	struct asy_catalogue *cat;
	size_t n_rows = 0;
	int r;

	root = asy_xdoc_root(decl->ics_doc);
	decl->edition = asy_xnode_attr(root, "edition");
	r = load_catalogue(decl, p, root->line, d);
	if (r < 0)
		return r;
	cat = decl->cat;

	dut = asy_xnode_child(root, "dut");
	decl->dut.vendor = asy_xnode_attr(dut, "vendor");
	decl->dut.model = asy_xnode_attr(dut, "model");
	decl->dut.hw = asy_xnode_attr(dut, "hw");
	decl->dut.sw = asy_xnode_attr(dut, "sw");
	decl->dut.name = asy_xnode_attr(dut, "name");

	conds = asy_xnode_child(root, "conditions");
	feats = asy_xnode_child(root, "features");
	decl->flags = calloc((conds ? conds->n_children : 0) +
	    (feats ? feats->n_children : 0) + 1, sizeof(*decl->flags));
	if (decl->flags == NULL)
		return ASY_E_NOMEM;
	load_ics_flags(decl, conds, 0, d);
	load_ics_flags(decl, feats, 1, d);
	for (size_t i = 0; i < cat->n_flags; i++) {
		const struct asy_cat_flag *f = &cat->flags[i];
		size_t j;

		for (j = 0; j < decl->n_flags; j++)
			if (decl->flags[j].flag == f)
				break;
		if (j == decl->n_flags)
			asy_diag_error(d, decl->ics_path, root->line,
			    "%s %s (%s) is not declared; add <%s id=\"%s\" "
			    "applies=\"yes\"/> or applies=\"no\" inside <%ss>",
			    f->feature ? "feature" : "condition", f->id,
			    f->title, f->feature ? "feature" : "condition",
			    f->id, f->feature ? "feature" : "condition");
	}

	for (size_t i = 0; i < root->n_children; i++)
		if (strcmp(root->children[i].name, "row") == 0)
			n_rows++;
	decl->rows = calloc(n_rows + 1, sizeof(*decl->rows));
	if (decl->rows == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *n = &root->children[i];
		const char *pid, *sup;
		const struct asy_cat_provision *prov;
		const struct asy_ics_row *prev;
		struct asy_ics_row *row;

		if (strcmp(n->name, "row") != 0)
			continue;
		pid = asy_xnode_attr(n, "provision");
		sup = asy_xnode_attr(n, "support");
		prov = asy_catalogue_provision(cat, pid);
		if (prov == NULL) {
			asy_diag_error(d, decl->ics_path, n->line, "provision "
			    "'%s' does not exist in %s (%s); fix the ID or "
			    "remove the row", pid, cat->id, cat->baseline);
			continue;
		}
		prev = asy_decl_ics_row(decl, prov);
		if (prev != NULL) {
			asy_diag_error(d, decl->ics_path, n->line, "provision "
			    "%s has a second row (the first is on line %lu); "
			    "keep one", pid, prev->line);
			continue;
		}
		row = &decl->rows[decl->n_rows++];
		row->prov = prov;
		row->line = n->line;
		row->detail = n->text;
		row->support = strcmp(sup, "Y") == 0 ? ASY_SUPPORT_Y :
		    strcmp(sup, "N") == 0 ? ASY_SUPPORT_N : ASY_SUPPORT_NA;
	}
	for (size_t i = 0; i < cat->n_provisions; i++)
		if (asy_decl_ics_row(decl, &cat->provisions[i]) == NULL)
			asy_diag_error(d, decl->ics_path, root->line,
			    "provision %s (%s) has no row; add <row "
			    "provision=\"%s\" support=\"Y|N|N/A\">...</row>",
			    cat->provisions[i].id, cat->provisions[i].title,
			    cat->provisions[i].id);
	return 0;
}

/* Support against status: N/A exactly where a condition does not hold. */
static void
check_support(struct asy_decl *decl, struct asy_diags *d)
{
	for (size_t i = 0; i < decl->n_rows; i++) {
		const struct asy_ics_row *row = &decl->rows[i];
		const struct asy_status *st = &row->prov->status;
		const char *pid = row->prov->id;
		char label[256] = "";

		for (size_t j = 0; j < st->n_flags; j++) {
			if (!asy_decl_flag_applies(decl, st->flags[j])) {
				flag_label(st->flags[j], label, sizeof(label));
				break;
			}
		}
		if (row->support == ASY_SUPPORT_NA) {
			if (st->n_flags == 0)
				asy_diag_error(d, decl->ics_path, row->line,
				    "provision %s (status %s) has no condition, "
				    "so N/A is not allowed; declare Y, or N "
				    "with a justification", pid,
				    row->prov->status_text);
			else if (label[0] == '\0')
				asy_diag_error(d, decl->ics_path, row->line,
				    "provision %s is declared N/A, but every "
				    "condition of its status %s is declared to "
				    "apply; declare Y or N, or correct the "
				    "conditions", pid, row->prov->status_text);
			else if (asy_str_blank(row->detail))
				asy_diag_warn(d, decl->ics_path, row->line,
				    "provision %s is N/A without a rationale; "
				    "say why in the row's text", pid);
		} else if (label[0] != '\0') {
			asy_diag_error(d, decl->ics_path, row->line,
			    "provision %s does not apply, because %s is "
			    "declared not to apply; declare it N/A with a "
			    "rationale, or correct the condition", pid, label);
		} else if (row->support == ASY_SUPPORT_N &&
		    asy_str_blank(row->detail)) {
			asy_diag_warn(d, decl->ics_path, row->line,
			    "provision %s is declared N without a "
			    "justification; this fails the justification "
			    "group (4-1 / 5.0-1): add the reason as the row's "
			    "text", pid);
		}
	}
}

static int
value_in_list(const char *list, const char *v)
{
	return asy_word_in(list, v);
}

static void
check_value(struct asy_decl *decl, const struct asy_ixit_row *row,
    const struct asy_ixit_value *val, struct asy_diags *d)
{
	const struct asy_cat_field *f = val->field;
	unsigned long num;

	switch (f->type) {
	case ASY_FIELD_ENUM:
		if (!value_in_list(f->values, val->value))
			asy_diag_error(d, decl->ixit_path, val->line, "'%s' is "
			    "not a valid %s of %s; use one of: %s", val->value,
			    f->name, row->id, f->values);
		break;
	case ASY_FIELD_BOOL:
		if (strcmp(val->value, "yes") != 0 &&
		    strcmp(val->value, "no") != 0)
			asy_diag_error(d, decl->ixit_path, val->line, "'%s' is "
			    "not a valid %s of %s; write yes or no",
			    val->value, f->name, row->id);
		break;
	case ASY_FIELD_INT:
		if (asy_parse_ulong(val->value, &num) < 0)
			asy_diag_error(d, decl->ixit_path, val->line, "'%s' is "
			    "not a valid %s of %s; write a whole number",
			    val->value, f->name, row->id);
		break;
	case ASY_FIELD_REF:
		for (const char *p = val->value; *p != '\0';) {
			const struct asy_ixit_row *to;
			char id[80];
			size_t n;

			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			n = strcspn(p, " \t\n");
			if (n == 0)
				break;
			if (n >= sizeof(id)) {
				asy_diag_error(d, decl->ixit_path, val->line,
				    "a reference in %s of %s is too long; use "
				    "row IDs", f->name, row->id);
				break;
			}
			memcpy(id, p, n);
			id[n] = '\0';
			p += n;
			to = asy_decl_row(decl, id);
			if (to == NULL)
				asy_diag_error(d, decl->ixit_path, val->line,
				    "%s of %s refers to '%s', which is not a "
				    "row of the IXIT; add a %s row with that "
				    "ID or fix the reference", f->name,
				    row->id, id, f->ref);
			else if (to->table != f->ref_table)
				asy_diag_error(d, decl->ixit_path, val->line,
				    "%s of %s refers to '%s', a row of %s, "
				    "but it must name a row of %s; fix the "
				    "reference", f->name, row->id, id,
				    to->table->id, f->ref);
			if (!f->multi && *p != '\0' && !asy_str_blank(p)) {
				asy_diag_error(d, decl->ixit_path, val->line,
				    "%s of %s takes one row ID, not a list; "
				    "keep one", f->name, row->id);
				break;
			}
		}
		if (f->required && asy_str_blank(val->value))
			asy_diag_error(d, decl->ixit_path, val->line, "%s of "
			    "%s is empty; name a row of %s", f->name, row->id,
			    f->ref);
		break;
	default:
		if (f->required && asy_str_blank(val->value))
			asy_diag_error(d, decl->ixit_path, val->line, "%s of "
			    "%s is empty, but it is required; fill it in",
			    f->name, row->id);
		break;
	}
}

static int
load_ixit(struct asy_decl *decl, struct asy_diags *d)
{
	const struct asy_xnode *root = asy_xdoc_root(decl->ixit_doc);
	const char *edition = asy_xnode_attr(root, "edition");
	const struct asy_cat_table **seen;
	size_t n_rows = 0, n_seen = 0;
	int r = 0;

	if (strcmp(edition, decl->edition) != 0)
		asy_diag_error(d, decl->ixit_path, root->line, "the IXIT is "
		    "for edition '%s' but the ICS is for '%s'; declare both "
		    "for the same edition", edition, decl->edition);
	for (size_t i = 0; i < root->n_children; i++)
		n_rows += root->children[i].n_children;
	decl->ixit = calloc(n_rows + 1, sizeof(*decl->ixit));
	seen = calloc(root->n_children + 1, sizeof(*seen));
	if (decl->ixit == NULL || seen == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *tn = &root->children[i];
		const char *name = asy_xnode_attr(tn, "name");
		const struct asy_cat_table *t;

		t = asy_catalogue_table(decl->cat, name);
		if (t == NULL) {
			asy_diag_error(d, decl->ixit_path, tn->line, "IXIT "
			    "table '%s' does not exist in %s; fix the name "
			    "(see assay template --edition %s)", name,
			    decl->edition, decl->edition);
			continue;
		}
		for (size_t j = 0; j < n_seen; j++)
			if (seen[j] == t)
				asy_diag_error(d, decl->ixit_path, tn->line,
				    "table %s appears twice; put all its rows "
				    "in one <table>", name);
		seen[n_seen++] = t;
		for (size_t j = 0; j < tn->n_children; j++) {
			const struct asy_xnode *rn = &tn->children[j];
			struct asy_ixit_row *row = &decl->ixit[decl->n_ixit];
			const struct asy_ixit_row *prev;

			row->id = asy_xnode_attr(rn, "id");
			row->table = t;
			row->line = rn->line;
			prev = asy_decl_row(decl, row->id);
			if (prev != NULL) {
				asy_diag_error(d, decl->ixit_path, rn->line,
				    "row ID '%s' is already used on line %lu "
				    "(table %s); every row needs its own ID",
				    row->id, prev->line, prev->table->id);
				continue;
			}
			row->values = calloc(rn->n_children + 1,
			    sizeof(*row->values));
			if (row->values == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
			r = asy_map_put(&decl->ixit_index, row->id, row);
			if (r < 0)
				goto out;
			decl->n_ixit++;
			for (size_t k = 0; k < rn->n_children; k++) {
				const struct asy_xnode *vn = &rn->children[k];
				const struct asy_cat_field *f;

				f = asy_cat_table_field(t, vn->name);
				if (f == NULL) {
					asy_diag_error(d, decl->ixit_path,
					    vn->line, "table %s has no field "
					    "'%s'; remove it or fix the name "
					    "(see assay template)", t->id,
					    vn->name);
					continue;
				}
				if (asy_ixit_get(row, f->name) != NULL) {
					asy_diag_error(d, decl->ixit_path,
					    vn->line, "field %s of %s is "
					    "given twice; keep one", f->name,
					    row->id);
					continue;
				}
				if (vn->n_children > 0)
					asy_diag_error(d, decl->ixit_path,
					    vn->children[0].line, "field %s "
					    "of %s holds an element <%s>; a "
					    "field takes text only (markup "
					    "such as XInclude is never "
					    "processed): remove it", f->name,
					    row->id, vn->children[0].name);
				row->values[row->n_values].field = f;
				row->values[row->n_values].value = vn->text;
				row->values[row->n_values].line = vn->line;
				row->n_values++;
			}
			for (size_t k = 0; k < t->n_fields; k++)
				if (t->fields[k].required &&
				    asy_ixit_get(row, t->fields[k].name) == NULL)
					asy_diag_error(d, decl->ixit_path,
					    rn->line, "row %s lacks the "
					    "required field %s (%s); add "
					    "<%s>...</%s>", row->id,
					    t->fields[k].name,
					    t->fields[k].title,
					    t->fields[k].name,
					    t->fields[k].name);
		}
	}
	/* Values and references, once every row is known. */
	for (size_t i = 0; i < decl->n_ixit; i++)
		for (size_t k = 0; k < decl->ixit[i].n_values; k++)
			check_value(decl, &decl->ixit[i],
			    &decl->ixit[i].values[k], d);
out:
	free(seen);
	return r;
}

/* Does a row show the evidence? */
static int
evidence_matches(const struct asy_cat_evidence *e,
    const struct asy_ixit_row *row)
{
	if (row->table != e->table)
		return 0;
	for (size_t i = 0; i < e->n_match; i++) {
		const char *v = asy_ixit_get(row, e->field[i]->name);

		if (v == NULL || strcmp(v, e->value[i]) != 0)
			return 0;
	}
	return 1;
}

/* Conditions and features against the IXIT rows that show them. */
static void
check_flags(struct asy_decl *decl, struct asy_diags *d)
{
	for (size_t i = 0; i < decl->n_flags; i++) {
		const struct asy_ics_flag *fl = &decl->flags[i];
		const struct asy_cat_flag *f = fl->flag;
		const struct asy_ixit_row *shown = NULL;
		char label[256];
		struct asy_buf want;

		if (f->n_ev == 0)
			continue;
		for (size_t r = 0; r < decl->n_ixit && shown == NULL; r++)
			for (size_t e = 0; e < f->n_ev; e++)
				if (evidence_matches(&f->ev[e],
				    &decl->ixit[r])) {
					shown = &decl->ixit[r];
					break;
				}
		flag_label(f, label, sizeof(label));
		if (fl->applies && shown == NULL) {
			asy_buf_init(&want, 4096);
			for (size_t e = 0; e < f->n_ev; e++) {
				if (f->ev[e].n_match > 0)
					asy_buf_printf(&want, "%sa %s row with "
					    "%s", e ? " or " : "",
					    f->ev[e].table->id,
					    f->ev[e].match);
				else
					asy_buf_printf(&want, "%sa %s row",
					    e ? " or " : "",
					    f->ev[e].table->id);
			}
			asy_diag_error(d, decl->ics_path, fl->line, "%s is "
			    "declared to apply, but the IXIT does not show it "
			    "(expected %s); declare the row in the IXIT, or "
			    "applies=\"no\"", label,
			    want.data ? want.data : "a row");
			asy_buf_release(&want);
		} else if (!fl->applies && shown != NULL) {
			asy_diag_error(d, decl->ics_path, fl->line, "%s is "
			    "declared not to apply, but IXIT row %s (%s:%lu) "
			    "shows that it does; declare applies=\"yes\" or "
			    "correct the row", label, shown->id,
			    decl->ixit_path, shown->line);
		}
	}
}

int
asy_decl_load(const struct asy_decl_paths *p, struct asy_diags *d,
    struct asy_decl **out)
{
	struct asy_decl *decl = NULL;
	unsigned long errors_before = d->n_errors;
	char *ics_xsd = NULL, *ixit_xsd = NULL;
	int r, r2;

	decl = calloc(1, sizeof(*decl));
	ics_xsd = asy_data_path("ics-ixit/schema/ics.xsd");
	ixit_xsd = asy_data_path("ics-ixit/schema/ixit.xsd");
	if (decl == NULL || ics_xsd == NULL || ixit_xsd == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	asy_map_init(&decl->ixit_index);
	/* Parse both files first, so a broken IXIT is reported alongside
	 * a broken ICS. */
	r = asy_xml_load(p->ics, ics_xsd, ASY_XML_MAX_INPUT, d,
	    &decl->ics_doc);
	r2 = asy_xml_load(p->ixit, ixit_xsd, ASY_XML_MAX_INPUT, d,
	    &decl->ixit_doc);
	if (r == ASY_E_NOMEM || r2 == ASY_E_NOMEM) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (r < 0 && r2 < 0)
		goto out;
	if (r == 0) {
		decl->ics_path = asy_xdoc_path(decl->ics_doc);
		r = load_ics(decl, p, d);
		if (r == ASY_E_NOMEM)
			goto out;
	} else if (r2 == 0) {
		/* The ICS is broken: take the edition from the IXIT, so its
		 * own problems are found too. */
		const struct asy_xnode *root = asy_xdoc_root(decl->ixit_doc);

		decl->ics_path = p->ics;
		decl->edition = asy_xnode_attr(root, "edition");
		decl->ixit_path = asy_xdoc_path(decl->ixit_doc);
		if (load_catalogue(decl, p, root->line, d) == 0)
			load_ixit(decl, d);
		goto out;
	}
	if (r < 0 || r2 < 0 || decl->cat == NULL) {
		if (r == 0)
			r = r2 < 0 ? r2 : ASY_E_INPUT;
		goto out;
	}
	decl->ixit_path = asy_xdoc_path(decl->ixit_doc);
	r = load_ixit(decl, d);
	if (r < 0)
		goto out;
	check_support(decl, d);
	check_flags(decl, d);
	if (d->n_errors > errors_before) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = decl;
	decl = NULL;
out:
	asy_decl_free(decl);
	free(ics_xsd);
	free(ixit_xsd);
	return r;
}
