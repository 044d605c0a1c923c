#include "catalogue.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "preassess.h"
#include "util.h"
#include "xml.h"

static const struct {
	const char	*name;
	unsigned	 bit;
} needs_names[] = {
	{ "network", ASY_NEED_NETWORK },
	{ "serial", ASY_NEED_SERIAL },
	{ "wifi", ASY_NEED_WIFI },
	{ "operator", ASY_NEED_OPERATOR },
	{ "power", ASY_NEED_POWER },
};

static const struct {
	const char		*name;
	enum asy_field_type	 type;
} field_types[] = {
	{ "text", ASY_FIELD_TEXT },
	{ "enum", ASY_FIELD_ENUM },
	{ "bool", ASY_FIELD_BOOL },
	{ "int", ASY_FIELD_INT },
	{ "ref", ASY_FIELD_REF },
	{ "secret", ASY_FIELD_SECRET },
};

static const char *const kind_names[] = {
	[ASY_KIND_CONCEPTUAL] = "conceptual",
	[ASY_KIND_FUNCTIONAL] = "functional",
	[ASY_KIND_MIXED] = "mixed",
};

const char *
asy_kind_name(enum asy_kind k)
{
	return kind_names[k];
}

static int
kind_parse(const char *s, enum asy_kind *out)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(kind_names); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum asy_kind)i;
			return 0;
		}
	}
	return ASY_E_INPUT;
}

void
asy_needs_format(unsigned needs, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ASY_ELEMENTSOF(needs_names); i++) {
		int n;

		if (!(needs & needs_names[i].bit))
			continue;
		n = snprintf(buf + off, size - off, "%s%s", off ? " " : "",
		    needs_names[i].name);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

int
asy_needs_parse(const char *s, unsigned *out, const char **bad)
{
	unsigned v = 0;
	const char *p = s;

	while (*p != '\0') {
		size_t n, i;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ,");
		for (i = 0; i < ASY_ELEMENTSOF(needs_names); i++)
			if (strlen(needs_names[i].name) == n &&
			    strncmp(p, needs_names[i].name, n) == 0)
				break;
		if (i == ASY_ELEMENTSOF(needs_names)) {
			if (bad != NULL)
				*bad = p;
			return ASY_E_INPUT;
		}
		v |= needs_names[i].bit;
		p += n;
	}
	*out = v;
	return 0;
}

int
asy_word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);

	if (list == NULL)
		return 0;
	for (const char *p = list; *p != '\0';) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == wl && n > 0 && strncmp(p, word, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

char *
asy_data_path(const char *rel)
{
	const char *env = getenv("ASSAY_DATADIR");
	char *root, *p;

	if (env != NULL && *env != '\0')
		return asy_path_join(env, rel);
	root = asy_path_join(ASSAY_SRCDIR, "ics-ixit/catalogue");
	if (root == NULL)
		return NULL;
	if (access(root, R_OK) == 0)
		p = asy_path_join(ASSAY_SRCDIR, rel);
	else
		p = asy_path_join(ASSAY_DATADIR, rel);
	free(root);
	return p;
}

const struct asy_cat_table *
asy_catalogue_table(const struct asy_catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->n_tables; i++)
		if (strcmp(cat->tables[i].id, id) == 0)
			return &cat->tables[i];
	return NULL;
}

const struct asy_cat_field *
asy_cat_table_field(const struct asy_cat_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

const struct asy_cat_provision *
asy_catalogue_provision(const struct asy_catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->n_provisions; i++)
		if (strcmp(cat->provisions[i].id, id) == 0)
			return &cat->provisions[i];
	return NULL;
}

const struct asy_cat_flag *
asy_catalogue_flag(const struct asy_catalogue *cat, const char *id,
    int feature)
{
	for (size_t i = 0; i < cat->n_flags; i++)
		if (cat->flags[i].feature == feature &&
		    strcmp(cat->flags[i].id, id) == 0)
			return &cat->flags[i];
	return NULL;
}

const struct asy_cat_case *
asy_catalogue_case(const struct asy_catalogue *cat, const char *id)
{
	return asy_map_get(&cat->case_index, id);
}

/*
 * Status grammar:
 *   ("M" | "R") [ " " ("C" | "F" | "C F") "(" item {"," item} ")" ].
 * Numeric items name conditions, alphabetic ones features; the letters
 * before the parenthesis must say which kinds the list holds.
 */
int
asy_status_parse(const struct asy_catalogue *cat, const char *text,
    struct asy_status *out, char *err, size_t errlen)
{
	struct asy_status st = { 0 };
	const char *p = text;
	int want_c = 0, want_f = 0, saw_c = 0, saw_f = 0;

	if (*p == 'M')
		st.mandatory = 1;
	else if (*p != 'R') {
		snprintf(err, errlen, "a status starts with M or R");
		return ASY_E_INPUT;
	}
	p++;
	if (*p == '\0') {
		*out = st;
		return 0;
	}
	if (*p++ != ' ') {
		snprintf(err, errlen, "M or R is followed by a space");
		return ASY_E_INPUT;
	}
	if (strncmp(p, "C F(", 4) == 0) {
		want_c = want_f = 1;
		p += 4;
	} else if (strncmp(p, "C(", 2) == 0) {
		want_c = 1;
		p += 2;
	} else if (strncmp(p, "F(", 2) == 0) {
		want_f = 1;
		p += 2;
	} else {
		snprintf(err, errlen, "expected C(...), F(...) or C F(...)");
		return ASY_E_INPUT;
	}
	for (;;) {
		char item[8];
		size_t n = strcspn(p, ",)");
		const struct asy_cat_flag *f;
		int numeric;

		if (n == 0 || n >= sizeof(item) || p[n] == '\0') {
			snprintf(err, errlen, "malformed list of conditions "
			    "or features");
			return ASY_E_INPUT;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		numeric = item[0] >= '0' && item[0] <= '9';
		f = asy_catalogue_flag(cat, item, !numeric);
		if (f == NULL) {
			snprintf(err, errlen, "%s %s(%s) is not defined in "
			    "this edition", numeric ? "condition" : "feature",
			    numeric ? "C" : "F", item);
			return ASY_E_INPUT;
		}
		if (st.n_flags == ASY_ELEMENTSOF(st.flags)) {
			snprintf(err, errlen, "too many conditions");
			return ASY_E_INPUT;
		}
		st.flags[st.n_flags++] = f;
		if (numeric)
			saw_c = 1;
		else
			saw_f = 1;
		p += n;
		if (*p == ')') {
			p++;
			break;
		}
		p++;
	}
	if (*p != '\0' || saw_c != want_c || saw_f != want_f) {
		snprintf(err, errlen, "the letters before the list do not "
		    "match its items, or text follows it");
		return ASY_E_INPUT;
	}
	*out = st;
	return 0;
}

void
asy_catalogue_free(struct asy_catalogue *cat)
{
	if (cat == NULL)
		return;
	for (size_t i = 0; i < cat->n_flags; i++) {
		for (size_t j = 0; j < cat->flags[i].n_ev; j++)
			for (size_t k = 0; k < cat->flags[i].ev[j].n_match; k++)
				free(cat->flags[i].ev[j].value[k]);
		free(cat->flags[i].ev);
	}
	free(cat->flags);
	for (size_t i = 0; i < cat->n_tables; i++)
		free(cat->tables[i].fields);
	free(cat->tables);
	free(cat->provisions);
	for (size_t i = 0; i < cat->n_groups; i++) {
		for (size_t j = 0; j < cat->groups[i].n_cases; j++)
			free(cat->groups[i].cases[j].units);
		free(cat->groups[i].cases);
	}
	free(cat->groups);
	asy_map_release(&cat->case_index);
	asy_xdoc_free(cat->doc);
	free(cat);
}

static void *
xcalloc(size_t n, size_t sz)
{
	return calloc(n ? n : 1, sz);
}

static int
yes(const char *s)
{
	return s != NULL && strcmp(s, "yes") == 0;
}

struct loader {
	struct asy_catalogue	*cat;
	struct asy_diags	*d;
	const char		*path;
};

#define CERR(L, line, ...) \
	asy_diag_error((L)->d, (L)->path, (line), __VA_ARGS__)

static int
load_tables(struct loader *L, const struct asy_xnode *ixit)
{
	struct asy_catalogue *cat = L->cat;

	cat->tables = xcalloc(ixit->n_children, sizeof(*cat->tables));
	if (cat->tables == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < ixit->n_children; i++) {
		const struct asy_xnode *tn = &ixit->children[i];
		struct asy_cat_table *t = &cat->tables[cat->n_tables];

		t->id = asy_xnode_attr(tn, "id");
		t->prefix = asy_xnode_attr(tn, "prefix");
		t->title = asy_xnode_attr(tn, "title");
		if (asy_catalogue_table(cat, t->id) != NULL)
			CERR(L, tn->line, "IXIT table '%s' is defined twice; "
			    "keep one", t->id);
		cat->n_tables++;
		t->fields = xcalloc(tn->n_children, sizeof(*t->fields));
		if (t->fields == NULL)
			return ASY_E_NOMEM;
		for (size_t j = 0; j < tn->n_children; j++) {
			const struct asy_xnode *fn = &tn->children[j];
			struct asy_cat_field *f = &t->fields[t->n_fields];
			const char *type = asy_xnode_attr(fn, "type");

			f->name = asy_xnode_attr(fn, "name");
			f->title = asy_xnode_attr(fn, "title");
			f->required = yes(asy_xnode_attr(fn, "required"));
			f->multi = yes(asy_xnode_attr(fn, "multi"));
			f->values = asy_xnode_attr(fn, "values");
			f->ref = asy_xnode_attr(fn, "ref");
			for (size_t k = 0; k < ASY_ELEMENTSOF(field_types); k++)
				if (strcmp(type, field_types[k].name) == 0)
					f->type = field_types[k].type;
			if (asy_cat_table_field(t, f->name) != NULL)
				CERR(L, fn->line, "field '%s' of table '%s' "
				    "is defined twice; keep one", f->name,
				    t->id);
			if (f->type == ASY_FIELD_ENUM && (f->values == NULL ||
			    asy_str_blank(f->values)))
				CERR(L, fn->line, "enum field '%s' has no "
				    "values; add values=\"a b c\"", f->name);
			if (f->type == ASY_FIELD_REF && f->ref == NULL)
				CERR(L, fn->line, "ref field '%s' names no "
				    "table; add ref=\"TABLE-ID\"", f->name);
			t->n_fields++;
		}
	}
	/* References between tables, once all are known. */
	for (size_t i = 0; i < cat->n_tables; i++) {
		struct asy_cat_table *t = &cat->tables[i];

		for (size_t j = 0; j < t->n_fields; j++) {
			struct asy_cat_field *f = &t->fields[j];

			if (f->type != ASY_FIELD_REF || f->ref == NULL)
				continue;
			f->ref_table = asy_catalogue_table(cat, f->ref);
			if (f->ref_table == NULL)
				CERR(L, 0, "field '%s' of table '%s' refers "
				    "to table '%s', which does not exist; fix "
				    "the ref attribute", f->name, t->id,
				    f->ref);
		}
	}
	return 0;
}

static int
load_flags(struct loader *L, const struct asy_xnode *list, int feature)
{
	struct asy_catalogue *cat = L->cat;
	struct asy_cat_flag *nf;

	nf = realloc(cat->flags, (cat->n_flags + list->n_children + 1) *
	    sizeof(*cat->flags));
	if (nf == NULL)
		return ASY_E_NOMEM;
	cat->flags = nf;
	for (size_t i = 0; i < list->n_children; i++) {
		const struct asy_xnode *fn = &list->children[i];
		struct asy_cat_flag *f = &cat->flags[cat->n_flags];

		memset(f, 0, sizeof(*f));
		f->id = asy_xnode_attr(fn, "id");
		f->title = asy_xnode_attr(fn, "title");
		f->feature = feature;
		if (asy_catalogue_flag(cat, f->id, feature) != NULL)
			CERR(L, fn->line, "%s '%s' is defined twice; keep one",
			    feature ? "feature" : "condition", f->id);
		cat->n_flags++;
		f->ev = xcalloc(fn->n_children, sizeof(*f->ev));
		if (f->ev == NULL)
			return ASY_E_NOMEM;
		for (size_t j = 0; j < fn->n_children; j++) {
			const struct asy_xnode *en = &fn->children[j];
			struct asy_cat_evidence *e = &f->ev[f->n_ev];
			const char *tid = asy_xnode_attr(en, "table");
			const char *match = asy_xnode_attr(en, "match");

			e->table = asy_catalogue_table(cat, tid);
			e->match = match;
			if (e->table == NULL) {
				CERR(L, en->line, "evidence names table '%s', "
				    "which does not exist; fix the table "
				    "attribute", tid);
				continue;
			}
			for (const char *p = match ? match : ""; *p != '\0';) {
				const char *eq;
				char name[64];
				size_t n;

				while (*p == ' ')
					p++;
				n = strcspn(p, " ");
				if (n == 0)
					break;
				eq = memchr(p, '=', n);
				if (eq == NULL || eq == p ||
				    (size_t)(eq - p) >= sizeof(name) ||
				    e->n_match == ASY_ELEMENTSOF(e->field)) {
					CERR(L, en->line, "match=\"%s\" is not "
					    "a list of field=value pairs", match);
					break;
				}
				memcpy(name, p, (size_t)(eq - p));
				name[eq - p] = '\0';
				e->field[e->n_match] =
				    asy_cat_table_field(e->table, name);
				e->value[e->n_match] = asy_strndup(eq + 1,
				    n - (size_t)(eq - p) - 1);
				if (e->value[e->n_match] == NULL)
					return ASY_E_NOMEM;
				if (e->field[e->n_match] == NULL) {
					free(e->value[e->n_match]);
					CERR(L, en->line, "evidence names "
					    "field '%s', which table %s does "
					    "not have; fix the match attribute",
					    name, tid);
					break;
				}
				e->n_match++;
				p += n;
			}
			f->n_ev++;
		}
	}
	return 0;
}

static int
load_provisions(struct loader *L, const struct asy_xnode *list)
{
	struct asy_catalogue *cat = L->cat;

	cat->provisions = xcalloc(list->n_children, sizeof(*cat->provisions));
	if (cat->provisions == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < list->n_children; i++) {
		const struct asy_xnode *pn = &list->children[i];
		struct asy_cat_provision *p;
		char err[160];

		p = &cat->provisions[cat->n_provisions];
		p->id = asy_xnode_attr(pn, "id");
		p->title = asy_xnode_attr(pn, "title");
		p->status_text = asy_xnode_attr(pn, "status");
		if (asy_catalogue_provision(cat, p->id) != NULL)
			CERR(L, pn->line, "provision '%s' is defined twice; "
			    "keep one", p->id);
		if (asy_status_parse(cat, p->status_text, &p->status, err,
		    sizeof(err)) < 0)
			CERR(L, pn->line, "status '%s' of provision '%s' is "
			    "malformed: %s; write it as M, R, M C(1), "
			    "R F(g) or M C F(14,e)", p->status_text, p->id,
			    err);
		cat->n_provisions++;
	}
	return 0;
}

static int
load_unit(struct loader *L, struct asy_cat_case *c,
    const struct asy_xnode *un)
{
	struct asy_cat_unit *u = &c->units[c->n_units];
	const char *kind = asy_xnode_attr(un, "kind");
	const char *needs = asy_xnode_attr(un, "needs");
	const char *fanout = asy_xnode_attr(un, "fanout");
	const char *where = asy_xnode_attr(un, "where");
	const char *bad = NULL;

	u->id = asy_xnode_attr(un, "id");
	u->text = un->text;
	u->derived = yes(asy_xnode_attr(un, "derived"));
	u->kind = c->kind;
	for (size_t i = 0; i < c->n_units; i++)
		if (strcmp(c->units[i].id, u->id) == 0)
			CERR(L, un->line, "unit %s of case %s is defined "
			    "twice; keep one", u->id, c->id);
	if (c->kind == ASY_KIND_MIXED) {
		if (kind == NULL || kind_parse(kind, &u->kind) < 0 ||
		    u->kind == ASY_KIND_MIXED)
			CERR(L, un->line, "unit %s of mixed case %s needs "
			    "kind=\"conceptual\" or kind=\"functional\"",
			    u->id, c->id);
	} else if (kind != NULL && strcmp(kind, kind_names[c->kind]) != 0) {
		CERR(L, un->line, "unit %s has kind '%s' but case %s is %s; "
		    "only units of mixed cases have their own kind", u->id,
		    kind, c->id, kind_names[c->kind]);
	}
	if (needs != NULL && asy_needs_parse(needs, &u->needs, &bad) < 0)
		CERR(L, un->line, "unknown bench capability in needs=\"%s\"; "
		    "use network, serial, wifi, operator, power", needs);
	if (u->kind == ASY_KIND_FUNCTIONAL && u->needs == 0)
		CERR(L, un->line, "functional unit %s of %s says nothing "
		    "about what it needs; add needs=\"...\"", u->id, c->id);
	if (fanout != NULL) {
		u->fanout = asy_catalogue_table(L->cat, fanout);
		if (u->fanout == NULL)
			CERR(L, un->line, "fan-out table '%s' does not exist; "
			    "fix the fanout attribute", fanout);
	}
	if (where != NULL && u->fanout != NULL) {
		const char *eq = strchr(where, '=');
		char name[64];
		size_t n = eq ? (size_t)(eq - where) : 0;

		if (eq == NULL || n == 0 || n >= sizeof(name)) {
			CERR(L, un->line, "where=\"%s\" is not field=value",
			    where);
		} else {
			memcpy(name, where, n);
			name[n] = '\0';
			u->where_field = asy_cat_table_field(u->fanout, name);
			u->where_value = eq + 1;
			if (u->where_field == NULL)
				CERR(L, un->line, "where=\"%s\" names a field "
				    "that table %s does not have", where,
				    u->fanout->id);
		}
	}
	c->n_units++;
	return 0;
}

static int
load_case(struct loader *L, struct asy_cat_group *g,
    const struct asy_xnode *cn)
{
	struct asy_catalogue *cat = L->cat;
	struct asy_cat_case *c = &g->cases[g->n_cases];
	const char *reads = asy_xnode_attr(cn, "reads");
	const struct asy_xnode *title = asy_xnode_child(cn, "title");
	int r;

	c->id = asy_xnode_attr(cn, "id");
	c->title = title ? title->text : "";
	c->group = g;
	c->derived = yes(asy_xnode_attr(cn, "derived"));
	c->preassess = asy_xnode_attr(cn, "preassess");
	kind_parse(asy_xnode_attr(cn, "kind"), &c->kind);
	r = asy_map_put(&cat->case_index, c->id, c);
	if (r == ASY_E_EXISTS)
		CERR(L, cn->line, "test case %s is defined twice; keep one",
		    c->id);
	else if (r < 0)
		return r;
	if (c->preassess != NULL && asy_preassess_find(c->preassess) == NULL)
		CERR(L, cn->line, "pre-assessment rule '%s' of case %s is not "
		    "built into this assay; remove it or update assay",
		    c->preassess, c->id);
	for (const char *p = reads ? reads : ""; *p != '\0';) {
		char tid[64];
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		if (n >= sizeof(tid) ||
		    c->n_reads == ASY_ELEMENTSOF(c->reads)) {
			CERR(L, cn->line, "reads=\"%s\" is too long", reads);
			break;
		}
		memcpy(tid, p, n);
		tid[n] = '\0';
		c->reads[c->n_reads] = asy_catalogue_table(cat, tid);
		if (c->reads[c->n_reads] == NULL)
			CERR(L, cn->line, "case %s reads IXIT table '%s', "
			    "which does not exist; fix the reads attribute",
			    c->id, tid);
		else
			c->n_reads++;
		p += n;
	}
	c->units = xcalloc(cn->n_children, sizeof(*c->units));
	if (c->units == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < cn->n_children; i++) {
		if (strcmp(cn->children[i].name, "unit") != 0)
			continue;
		r = load_unit(L, c, &cn->children[i]);
		if (r < 0)
			return r;
	}
	cat->n_units += c->n_units;
	cat->n_cases++;
	g->n_cases++;
	return 0;
}

static int
load_group(struct loader *L, const struct asy_xnode *gn)
{
	struct asy_catalogue *cat = L->cat;
	struct asy_cat_group *g = &cat->groups[cat->n_groups];
	const char *prov = asy_xnode_attr(gn, "provision");
	const struct asy_xnode *title = asy_xnode_child(gn, "title");
	char err[160];
	int r;

	g->id = asy_xnode_attr(gn, "id");
	g->title = title ? title->text : "";
	g->derived = yes(asy_xnode_attr(gn, "derived"));
	g->status_text = asy_xnode_attr(gn, "status");
	for (size_t i = 0; i < cat->n_groups; i++)
		if (strcmp(cat->groups[i].id, g->id) == 0)
			CERR(L, gn->line, "test group %s is defined twice; "
			    "keep one", g->id);
	if (prov != NULL) {
		g->provision = asy_catalogue_provision(cat, prov);
		if (g->provision == NULL)
			CERR(L, gn->line, "group %s names provision '%s', "
			    "which is not in <provisions>; add it or fix the "
			    "provision attribute", g->id, prov);
		else if (g->status_text == NULL) {
			g->status_text = g->provision->status_text;
			g->status = g->provision->status;
		}
	}
	if (g->status_text == NULL) {
		CERR(L, gn->line, "group %s has neither a provision nor a "
		    "status; add one", g->id);
		g->status_text = "M";
	}
	if (g->provision == NULL || asy_xnode_attr(gn, "status") != NULL) {
		if (asy_status_parse(cat, g->status_text, &g->status, err,
		    sizeof(err)) < 0)
			CERR(L, gn->line, "status '%s' of group %s is "
			    "malformed: %s", g->status_text, g->id, err);
	}
	cat->n_groups++;
	g->cases = xcalloc(gn->n_children, sizeof(*g->cases));
	if (g->cases == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < gn->n_children; i++) {
		if (strcmp(gn->children[i].name, "case") != 0)
			continue;
		r = load_case(L, g, &gn->children[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int
asy_catalogue_load(const char *path, struct asy_diags *d,
    struct asy_catalogue **out)
{
	struct asy_catalogue *cat = NULL;
	struct loader L = { .d = d, .path = path };
	const struct asy_xnode *root, *n;
	unsigned long errors_before = d->n_errors;
	char *schema = NULL;
	size_t n_groups = 0;
	int r;

	schema = asy_data_path("ics-ixit/schema/catalogue.xsd");
	cat = calloc(1, sizeof(*cat));
	if (schema == NULL || cat == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	L.cat = cat;
	asy_map_init(&cat->case_index);
	r = asy_xml_load(path, schema, ASY_XML_MAX_INPUT, d, &cat->doc);
	if (r < 0)
		goto out;
	root = asy_xdoc_root(cat->doc);
	cat->path = asy_xdoc_path(cat->doc);
	L.path = cat->path;
	cat->id = asy_xnode_attr(root, "id");
	cat->baseline = asy_xnode_attr(root, "baseline");
	cat->method = asy_xnode_attr(root, "method");
	n = asy_xnode_child(root, "title");
	cat->title = n ? n->text : cat->id;

	r = load_tables(&L, asy_xnode_child(root, "ixit"));
	if (r == 0)
		r = load_flags(&L, asy_xnode_child(root, "conditions"), 0);
	if (r == 0)
		r = load_flags(&L, asy_xnode_child(root, "features"), 1);
	if (r == 0)
		r = load_provisions(&L, asy_xnode_child(root, "provisions"));
	if (r < 0)
		goto out;
	for (size_t i = 0; i < root->n_children; i++)
		if (strcmp(root->children[i].name, "group") == 0)
			n_groups++;
	cat->groups = xcalloc(n_groups, sizeof(*cat->groups));
	if (cat->groups == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < root->n_children && r == 0; i++)
		if (strcmp(root->children[i].name, "group") == 0)
			r = load_group(&L, &root->children[i]);
	if (r < 0)
		goto out;
	if (d->n_errors > errors_before) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = cat;
	cat = NULL;
out:
	asy_catalogue_free(cat);
	free(schema);
	return r;
}
