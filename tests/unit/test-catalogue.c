/*
 * The two catalogues against the facts.
 *
 * Loads ics-ixit/catalogue/ts103701-v1.1.1.xml and ts103701-v2.1.1.xml with
 * asy_catalogue_load() and compares them with the tab-separated facts in
 * tests/data/catalogue-facts/ (a copy of the shared facts): counts, every
 * case's group, kind, unit letters and IXIT tables, every provision's
 * status, the V2.1.1 cases the partial facts list, and "derived" on the
 * rest.  Attributes the loader resolves (preassess, fanout, where) are
 * checked against the raw XML read independently with libxml2 XPath.
 * Finally a table of status strings goes through asy_status_parse().
 */
#include <check.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "catalogue.h"
#include "diag.h"
#include "preassess.h"
#include "ut.h"

#define V1	"ics-ixit/catalogue/ts103701-v1.1.1.xml"
#define V2	"ics-ixit/catalogue/ts103701-v2.1.1.xml"
#define FACTS	"tests/data/catalogue-facts/"

static struct asy_catalogue *
load(const char *rel)
{
	struct asy_catalogue *cat = NULL;
	struct asy_diags d;
	char *path = ut_src(rel);
	int r;

	asy_diags_init(&d);
	r = asy_catalogue_load(path, &d, &cat);
	if (r < 0)
		asy_diags_print(&d, stderr);
	ck_assert_msg(r == 0, "%s does not load: %s", path, asy_strerror(r));
	ck_assert_ptr_nonnull(cat);
	ck_assert_uint_eq(d.n_errors, 0);
	asy_diags_release(&d);
	free(path);
	return cat;
}

/* "abc" from the unit IDs of a case, in catalogue order. */
static void
unit_letters(const struct asy_cat_case *c, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n_units; i++) {
		int n = snprintf(buf + off, size - off, "%s", c->units[i].id);

		ck_assert(n > 0 && (size_t)n < size - off);
		off += (size_t)n;
	}
}

/* The facts write the one mixed case as "conceptual/functional". */
static enum asy_kind
fact_kind(const char *s)
{
	if (strcmp(s, "conceptual") == 0)
		return ASY_KIND_CONCEPTUAL;
	if (strcmp(s, "functional") == 0)
		return ASY_KIND_FUNCTIONAL;
	ck_assert_msg(strcmp(s, "conceptual/functional") == 0,
	    "unknown kind '%s' in the facts", s);
	return ASY_KIND_MIXED;
}

static int
case_reads(const struct asy_cat_case *c, const char *table, size_t len)
{
	for (size_t i = 0; i < c->n_reads; i++)
		if (strlen(c->reads[i]->id) == len &&
		    strncmp(c->reads[i]->id, table, len) == 0)
			return 1;
	return 0;
}

/* ---- V1.1.1 ------------------------------------------------------------- */

START_TEST(test_v1_counts)
{
	struct asy_catalogue *cat = load(V1);
	size_t kinds[3] = { 0 }, n_cases = 0, n_units = 0;

	ck_assert_str_eq(cat->id, "ts103701-v1.1.1");
	ck_assert_uint_eq(cat->n_groups, 68);
	ck_assert_uint_eq(cat->n_provisions, 67);
	ck_assert_uint_eq(cat->n_cases, 109);
	ck_assert_uint_eq(cat->n_units, 226);
	for (size_t i = 0; i < cat->n_groups; i++) {
		for (size_t j = 0; j < cat->groups[i].n_cases; j++) {
			const struct asy_cat_case *c = &cat->groups[i].cases[j];

			kinds[c->kind]++;
			n_units += c->n_units;
			n_cases++;
			ck_assert_ptr_eq(c->group, &cat->groups[i]);
			ck_assert_ptr_eq(asy_catalogue_case(cat, c->id), c);
		}
	}
	/* The totals are the sums over the tree, not separate counters. */
	ck_assert_uint_eq(n_cases, 109);
	ck_assert_uint_eq(n_units, 226);
	ck_assert_uint_eq(kinds[ASY_KIND_CONCEPTUAL], 62);
	ck_assert_uint_eq(kinds[ASY_KIND_FUNCTIONAL], 46);
	ck_assert_uint_eq(kinds[ASY_KIND_MIXED], 1);
	ck_assert_int_eq(asy_catalogue_case(cat, "5.3-10-1")->kind,
	    ASY_KIND_MIXED);
	/* Group 4-1 stands in for 5.0-1, which V2.1.1 has no provision for. */
	ck_assert_ptr_null(asy_catalogue_provision(cat, "5.0-1"));
	ck_assert_str_eq(cat->groups[0].id, "4-1");
	ck_assert_ptr_null(cat->groups[0].provision);
	ck_assert_int_eq(cat->groups[0].status.mandatory, 1);
	asy_catalogue_free(cat);
}
END_TEST

START_TEST(test_v1_cases)
{
	struct asy_catalogue *cat = load(V1);
	char *path = ut_src(FACTS "ts103701-v1.1.1-cases.tsv");
	struct ut_tsv t;
	size_t kinds[3] = { 0 }, n_units = 0;

	ut_tsv_load(path, &t);
	ck_assert_str_eq(t.head[0], "case");
	ck_assert_str_eq(t.head[4], "ixit");
	/* Every case of the catalogue is in the facts and vice versa. */
	ck_assert_uint_eq(t.n_rows, cat->n_cases);
	for (size_t i = 0; i < t.n_rows; i++) {
		const char *const *f = t.row[i];
		const struct asy_cat_case *c = asy_catalogue_case(cat, f[0]);
		enum asy_kind k = fact_kind(f[2]);
		size_t n_tables = 0;
		char letters[64];

		ck_assert_msg(c != NULL, "case %s is missing", f[0]);
		ck_assert_msg(strcmp(c->group->id, f[1]) == 0,
		    "case %s: group %s, facts say %s", f[0], c->group->id,
		    f[1]);
		ck_assert_msg(c->kind == k, "case %s: kind %s, facts say %s",
		    f[0], asy_kind_name(c->kind), f[2]);
		unit_letters(c, letters, sizeof(letters));
		ck_assert_msg(strcmp(letters, f[3]) == 0,
		    "case %s: units '%s', facts say '%s'", f[0], letters, f[3]);
		/* The IXIT tables read: the same set, no more, no fewer. */
		for (const char *p = f[4]; *p != '\0';) {
			size_t n = strcspn(p, ",");

			ck_assert_msg(case_reads(c, p, n), "case %s does not "
			    "read %.*s", f[0], (int)n, p);
			n_tables++;
			p += n;
			if (*p == ',')
				p++;
		}
		ck_assert_msg(c->n_reads == n_tables, "case %s reads %zu "
		    "tables, facts say %zu (%s)", f[0], c->n_reads, n_tables,
		    f[4]);
		kinds[k]++;
		n_units += strlen(f[3]);
	}
	/* The facts themselves add up to the published numbers. */
	ck_assert_uint_eq(kinds[ASY_KIND_CONCEPTUAL], 62);
	ck_assert_uint_eq(kinds[ASY_KIND_FUNCTIONAL], 46);
	ck_assert_uint_eq(kinds[ASY_KIND_MIXED], 1);
	ck_assert_uint_eq(n_units, 226);
	ut_tsv_free(&t);
	free(path);
	asy_catalogue_free(cat);
}
END_TEST

/*
 * Every provision's status equals the facts' column for the baseline of
 * the catalogue; provisions marked "-" do not exist in it.
 */
static void
check_statuses(const char *cat_rel, const char *column, size_t expect_n)
{
	struct asy_catalogue *cat = load(cat_rel);
	char *path = ut_src(FACTS "en303645-ics-status.tsv");
	struct ut_tsv t;
	size_t col = 0, n = 0;

	ut_tsv_load(path, &t);
	for (size_t i = 0; i < t.n_cols; i++)
		if (strcmp(t.head[i], column) == 0)
			col = i;
	ck_assert_msg(col > 0, "no column %s in the facts", column);
	for (size_t i = 0; i < t.n_rows; i++) {
		const char *id = t.row[i][0], *want = t.row[i][col];
		const struct asy_cat_provision *p;
		struct asy_status st;
		char err[160];

		p = asy_catalogue_provision(cat, id);
		if (strcmp(want, "-") == 0 || want[0] == '(') {
			ck_assert_msg(p == NULL, "%s: provision %s should not "
			    "exist (facts: %s)", cat->id, id, want);
			continue;
		}
		n++;
		ck_assert_msg(p != NULL, "%s: provision %s is missing",
		    cat->id, id);
		ck_assert_msg(strcmp(p->status_text, want) == 0,
		    "%s: provision %s has status '%s', facts say '%s'",
		    cat->id, id, p->status_text, want);
		/* The parsed form agrees with the text. */
		ck_assert_int_eq(asy_status_parse(cat, want, &st, err,
		    sizeof(err)), 0);
		ck_assert_int_eq(p->status.mandatory, want[0] == 'M');
		ck_assert_uint_eq(p->status.n_flags, st.n_flags);
		for (size_t k = 0; k < st.n_flags; k++)
			ck_assert_ptr_eq(p->status.flags[k], st.flags[k]);
	}
	ck_assert_uint_eq(n, expect_n);
	ck_assert_uint_eq(cat->n_provisions, expect_n);
	/* Each provision has its own group, with its status. */
	for (size_t i = 0; i < cat->n_provisions; i++) {
		const struct asy_cat_provision *p = &cat->provisions[i];
		size_t groups = 0;

		for (size_t g = 0; g < cat->n_groups; g++) {
			if (cat->groups[g].provision != p)
				continue;
			groups++;
			ck_assert_str_eq(cat->groups[g].id, p->id);
			ck_assert_str_eq(cat->groups[g].status_text,
			    p->status_text);
		}
		ck_assert_msg(groups == 1, "%s: provision %s has %zu groups",
		    cat->id, p->id, groups);
	}
	ut_tsv_free(&t);
	free(path);
	asy_catalogue_free(cat);
}

START_TEST(test_v1_statuses)
{
	check_statuses(V1, "v2.1.1_status", 67);
}
END_TEST

/* ---- V2.1.1 ------------------------------------------------------------- */

START_TEST(test_v2_statuses)
{
	check_statuses(V2, "v3.1.3_status", 78);
}
END_TEST

START_TEST(test_v2_cases)
{
	struct asy_catalogue *cat = load(V2);
	char *path = ut_src(FACTS "ts103701-v2.1.1-cases-partial.tsv");
	struct ut_tsv t;
	size_t n_derived = 0, n_listed = 0;

	ck_assert_str_eq(cat->id, "ts103701-v2.1.1");
	ut_tsv_load(path, &t);
	for (size_t i = 0; i < t.n_rows; i++) {
		const char *const *f = t.row[i];
		const struct asy_cat_case *c = asy_catalogue_case(cat, f[0]);
		char letters[64];

		ck_assert_msg(c != NULL, "case %s is missing", f[0]);
		ck_assert_msg(strcmp(c->group->id, f[1]) == 0,
		    "case %s: group %s, facts say %s", f[0], c->group->id,
		    f[1]);
		ck_assert_msg(c->kind == fact_kind(f[2]),
		    "case %s: kind %s, facts say %s", f[0],
		    asy_kind_name(c->kind), f[2]);
		if (strcmp(f[3], "-") == 0)
			continue;
		unit_letters(c, letters, sizeof(letters));
		ck_assert_msg(strcmp(letters, f[3]) == 0,
		    "case %s: units '%s', facts say '%s'", f[0], letters, f[3]);
	}
	/* Whatever the partial facts do not list was derived. */
	for (size_t g = 0; g < cat->n_groups; g++) {
		for (size_t j = 0; j < cat->groups[g].n_cases; j++) {
			const struct asy_cat_case *c = &cat->groups[g].cases[j];
			int listed = 0;

			for (size_t i = 0; i < t.n_rows && !listed; i++)
				listed = strcmp(t.row[i][0], c->id) == 0;
			if (listed) {
				n_listed++;
				continue;
			}
			ck_assert_msg(c->derived || c->group->derived,
			    "case %s is not in the partial facts but is not "
			    "marked derived", c->id);
			n_derived++;
		}
	}
	ck_assert_uint_eq(n_listed, t.n_rows);
	ck_assert_uint_gt(n_derived, 0);
	ck_assert_uint_eq(n_listed + n_derived, cat->n_cases);
	ut_tsv_free(&t);
	free(path);
	asy_catalogue_free(cat);
}
END_TEST

/* ---- resolved attributes against the raw XML ---------------------------- */

static const char *const catalogues[] = { V1, V2 };

/* Parsed from memory: the adapter's entity loader refuses every file. */
static xmlDocPtr
raw_doc(const char *rel)
{
	char *path = ut_src(rel);
	struct asy_buf b;
	xmlDocPtr doc;

	ut_load(path, &b);
	doc = xmlReadMemory(b.data, (int)b.len, path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	ck_assert_msg(doc != NULL, "libxml2 cannot parse %s", path);
	asy_buf_release(&b);
	free(path);
	return doc;
}

static xmlXPathObjectPtr
xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;

	ck_assert_ptr_nonnull(ctx);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlXPathFreeContext(ctx);
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(o->nodesetval);
	return o;
}

static const char *
prop(xmlNodePtr n, const char *name, xmlChar **hold)
{
	*hold = xmlGetProp(n, (const xmlChar *)name);
	return (const char *)*hold;
}

START_TEST(test_preassess_names)
{
	struct asy_catalogue *cat = load(catalogues[_i]);
	xmlDocPtr doc = raw_doc(catalogues[_i]);
	xmlXPathObjectPtr o = xpath(doc, "//case[@preassess]");
	size_t n_loaded = 0;

	ck_assert_int_gt(o->nodesetval->nodeNr, 0);
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		xmlChar *id_h, *rule_h;
		const char *id = prop(n, "id", &id_h);
		const char *rule = prop(n, "preassess", &rule_h);
		const struct asy_cat_case *c = asy_catalogue_case(cat, id);
		const struct asy_preassess_rule *pr;

		ck_assert_msg(c != NULL, "case %s is missing", id);
		ck_assert_msg(c->preassess != NULL &&
		    strcmp(c->preassess, rule) == 0, "case %s: preassess "
		    "'%s' was not loaded", id, rule);
		pr = asy_preassess_find(c->preassess);
		ck_assert_msg(pr != NULL, "case %s: rule '%s' does not "
		    "resolve", id, rule);
		ck_assert_str_eq(pr->name, rule);
		ck_assert(pr->run != NULL);
		xmlFree(id_h);
		xmlFree(rule_h);
	}
	/* No case got a rule the file does not give it. */
	for (size_t g = 0; g < cat->n_groups; g++)
		for (size_t j = 0; j < cat->groups[g].n_cases; j++)
			if (cat->groups[g].cases[j].preassess != NULL)
				n_loaded++;
	ck_assert_uint_eq(n_loaded, (size_t)o->nodesetval->nodeNr);
	/* And the lookup says no to what is not a rule. */
	ck_assert_ptr_null(asy_preassess_find("no-such-rule"));
	ck_assert_ptr_null(asy_preassess_find(""));
	xmlXPathFreeObject(o);
	xmlFreeDoc(doc);
	asy_catalogue_free(cat);
}
END_TEST

static const struct asy_cat_unit *
find_unit(const struct asy_cat_case *c, const char *id)
{
	for (size_t i = 0; i < c->n_units; i++)
		if (strcmp(c->units[i].id, id) == 0)
			return &c->units[i];
	return NULL;
}

START_TEST(test_fanout)
{
	struct asy_catalogue *cat = load(catalogues[_i]);
	xmlDocPtr doc = raw_doc(catalogues[_i]);
	xmlXPathObjectPtr o = xpath(doc, "//case/unit[@fanout]");
	size_t n_loaded = 0, n_where = 0;

	ck_assert_int_gt(o->nodesetval->nodeNr, 0);
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		xmlChar *cid_h, *uid_h, *fan_h, *where_h;
		const char *cid = prop(n->parent, "id", &cid_h);
		const char *uid = prop(n, "id", &uid_h);
		const char *fan = prop(n, "fanout", &fan_h);
		const char *where = prop(n, "where", &where_h);
		const struct asy_cat_case *c = asy_catalogue_case(cat, cid);
		const struct asy_cat_unit *u;

		ck_assert_msg(c != NULL, "case %s is missing", cid);
		u = find_unit(c, uid);
		ck_assert_msg(u != NULL, "unit %s of %s is missing", uid, cid);
		ck_assert_msg(u->fanout != NULL, "%s %s: fan-out table %s not "
		    "resolved", cid, uid, fan);
		ck_assert_str_eq(u->fanout->id, fan);
		ck_assert_ptr_eq(u->fanout, asy_catalogue_table(cat, fan));
		if (where != NULL) {
			const char *eq = strchr(where, '=');

			ck_assert_ptr_nonnull(eq);
			ck_assert_msg(u->where_field != NULL, "%s %s: where "
			    "field of '%s' not resolved", cid, uid, where);
			ck_assert_uint_eq(strlen(u->where_field->name),
			    (size_t)(eq - where));
			ck_assert(strncmp(u->where_field->name, where,
			    (size_t)(eq - where)) == 0);
			ck_assert_str_eq(u->where_value, eq + 1);
			/* The field belongs to the fanned-out table. */
			ck_assert_ptr_eq(u->where_field, asy_cat_table_field(
			    u->fanout, u->where_field->name));
			n_where++;
		} else {
			ck_assert_ptr_null(u->where_field);
		}
		xmlFree(cid_h);
		xmlFree(uid_h);
		xmlFree(fan_h);
		xmlFree(where_h);
	}
	for (size_t g = 0; g < cat->n_groups; g++)
		for (size_t j = 0; j < cat->groups[g].n_cases; j++)
			for (size_t k = 0; k < cat->groups[g].cases[j].n_units;
			    k++)
				if (cat->groups[g].cases[j].units[k].fanout)
					n_loaded++;
	ck_assert_uint_eq(n_loaded, (size_t)o->nodesetval->nodeNr);
	ck_assert_uint_gt(n_where, 0);
	xmlXPathFreeObject(o);
	xmlFreeDoc(doc);
	asy_catalogue_free(cat);
}
END_TEST

/* Every flag a condition's or feature's evidence names exists. */
START_TEST(test_flag_evidence)
{
	struct asy_catalogue *cat = load(catalogues[_i]);
	size_t n_ev = 0;

	for (size_t i = 0; i < cat->n_flags; i++) {
		const struct asy_cat_flag *f = &cat->flags[i];

		ck_assert_ptr_eq(asy_catalogue_flag(cat, f->id, f->feature), f);
		for (size_t e = 0; e < f->n_ev; e++) {
			ck_assert_ptr_nonnull(f->ev[e].table);
			for (size_t m = 0; m < f->ev[e].n_match; m++) {
				ck_assert_ptr_nonnull(f->ev[e].field[m]);
				ck_assert_ptr_eq(f->ev[e].field[m],
				    asy_cat_table_field(f->ev[e].table,
				    f->ev[e].field[m]->name));
			}
			n_ev++;
		}
	}
	ck_assert_uint_gt(n_ev, 0);
	asy_catalogue_free(cat);
}
END_TEST

/* ---- status parsing ----------------------------------------------------- */

static const struct status_case {
	const char	*text;
	int		 cat;		/* 0: V1.1.1, 1: V2.1.1 */
	int		 ok;
	int		 mandatory;
	const char	*flags;		/* "C1 Fe": kind letter, ID */
} status_cases[] = {
	{ "M", 0, 1, 1, "" },
	{ "R", 0, 1, 0, "" },
	{ "M", 1, 1, 1, "" },
	{ "R", 1, 1, 0, "" },
	{ "M C(1)", 0, 1, 1, "C1" },
	{ "R C(9,12)", 0, 1, 0, "C9 C12" },
	{ "M C(11,12)", 0, 1, 1, "C11 C12" },
	{ "R C(3,4)", 0, 1, 0, "C3 C4" },
	{ "M F(a)", 1, 1, 1, "Fa" },
	{ "M C F(14,e)", 1, 1, 1, "C14 Fe" },
	{ "M C F(e,14)", 1, 1, 1, "Fe C14" },
	{ "R F(aa)", 1, 1, 0, "Faa" },
	{ "M C(16)", 1, 1, 1, "C16" },
	{ "M C(15)", 1, 1, 1, "C15" },
	/* Conditions and features belong to their edition. */
	{ "M C(1)", 1, 0, 0, NULL },
	{ "R C(9,12)", 1, 0, 0, NULL },
	{ "M F(a)", 0, 0, 0, NULL },
	{ "R F(aa)", 0, 0, 0, NULL },
	{ "M C F(14,e)", 0, 0, 0, NULL },
	/* Malformed in either. */
	{ "X", 0, 0, 0, NULL },
	{ "X", 1, 0, 0, NULL },
	{ "M C(99)", 0, 0, 0, NULL },
	{ "M C(99)", 1, 0, 0, NULL },
	{ "M F(1)", 0, 0, 0, NULL },
	{ "M F(1)", 1, 0, 0, NULL },
	{ "M F(zz)", 1, 0, 0, NULL },
	{ "M C(a)", 0, 0, 0, NULL },
	{ "M C(a)", 1, 0, 0, NULL },
	{ "M C(1", 0, 0, 0, NULL },
	{ "M F(a", 1, 0, 0, NULL },
	{ "M  C(1)", 0, 0, 0, NULL },
	{ "M C(1) x", 0, 0, 0, NULL },
	{ "M C(1) ", 0, 0, 0, NULL },
	{ "M C(1)(2)", 0, 0, 0, NULL },
	{ "", 0, 0, 0, NULL },
	{ "", 1, 0, 0, NULL },
	{ "m", 0, 0, 0, NULL },
	{ " M", 0, 0, 0, NULL },
	{ "M ", 0, 0, 0, NULL },
	{ "MC(1)", 0, 0, 0, NULL },
	{ "M c(1)", 0, 0, 0, NULL },
	{ "M C()", 0, 0, 0, NULL },
	{ "M C(1,)", 0, 0, 0, NULL },
	{ "M C(,1)", 0, 0, 0, NULL },
	{ "M C(01)", 0, 0, 0, NULL },
	{ "M C(1 )", 0, 0, 0, NULL },
	{ "M C F(14)", 1, 0, 0, NULL },
	{ "M C F(e)", 1, 0, 0, NULL },
	{ "M F C(14,e)", 1, 0, 0, NULL },
	{ "M C(1,2,3,4,5,6,7,8,9)", 0, 0, 0, NULL },
	{ "M C(123456789)", 0, 0, 0, NULL },
};

START_TEST(test_status_parse)
{
	static struct asy_catalogue *cats[2];
	const struct status_case *t = &status_cases[_i];
	struct asy_status st, sentinel;
	char err[160], flags[64];
	size_t off = 0;
	int r;

	/* Each loop iteration runs in its own process: load what it needs. */
	if (cats[t->cat] == NULL)
		cats[t->cat] = load(catalogues[t->cat]);
	memset(&sentinel, 0x5a, sizeof(sentinel));
	st = sentinel;
	err[0] = '\0';
	r = asy_status_parse(cats[t->cat], t->text, &st, err, sizeof(err));
	if (!t->ok) {
		ck_assert_msg(r == ASY_E_INPUT, "'%s' (%s) was accepted",
		    t->text, cats[t->cat]->id);
		ck_assert_msg(err[0] != '\0', "'%s': no description of the "
		    "fault", t->text);
		/* Output parameters are set only on success. */
		ck_assert_msg(memcmp(&st, &sentinel, sizeof(st)) == 0,
		    "'%s': *out changed on failure", t->text);
		return;
	}
	ck_assert_msg(r == 0, "'%s' (%s) was refused: %s", t->text,
	    cats[t->cat]->id, err);
	ck_assert_int_eq(st.mandatory, t->mandatory);
	flags[0] = '\0';
	for (size_t i = 0; i < st.n_flags; i++) {
		int n = snprintf(flags + off, sizeof(flags) - off, "%s%c%s",
		    i ? " " : "", st.flags[i]->feature ? 'F' : 'C',
		    st.flags[i]->id);

		ck_assert(n > 0 && (size_t)n < sizeof(flags) - off);
		off += (size_t)n;
		ck_assert_ptr_eq(st.flags[i], asy_catalogue_flag(cats[t->cat],
		    st.flags[i]->id, st.flags[i]->feature));
	}
	ck_assert_msg(strcmp(flags, t->flags) == 0, "'%s': flags '%s', "
	    "expected '%s'", t->text, flags, t->flags);
}
END_TEST

static Suite *
catalogue_suite(void)
{
	Suite *s = suite_create("catalogue");
	TCase *tc = tcase_create("facts");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_v1_counts);
	tcase_add_test(tc, test_v1_cases);
	tcase_add_test(tc, test_v1_statuses);
	tcase_add_test(tc, test_v2_statuses);
	tcase_add_test(tc, test_v2_cases);
	tcase_add_loop_test(tc, test_preassess_names, 0,
	    (int)ASY_ELEMENTSOF(catalogues));
	tcase_add_loop_test(tc, test_fanout, 0,
	    (int)ASY_ELEMENTSOF(catalogues));
	tcase_add_loop_test(tc, test_flag_evidence, 0,
	    (int)ASY_ELEMENTSOF(catalogues));
	tcase_add_loop_test(tc, test_status_parse, 0,
	    (int)ASY_ELEMENTSOF(status_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(catalogue_suite());
}
