/*
 * assay diff as a library: runread.c, diff.c and waiver.c.
 *
 * Runs are made here: a result model (harness/result.h) rendered by the
 * real report writer into RUN/report.xml, with a MANIFEST.sha256 beside
 * it, so runread reads exactly what assay writes.
 *
 * Tables: unit changes with the category each must land in (every kind,
 * both directions between a verdict and INCONCLUSIVE/ERROR, added and
 * removed units, the pseudo-units of a case without units and a group
 * without cases); --strict; services of live runs; case ID ordering.
 * Renderers: the XML is valid against reports/schema/diff.xsd even with
 * hostile reasons; the JUnit has one testcase per change, regressions as
 * failures and waived ones skipped; the text has no control bytes; the
 * HTML fragment is well-formed, a row per change with regressions first,
 * every hostile string escaped.
 * Waivers: a table of bad files (each error on its line), the expiry
 * boundary, the most specific waiver winning, expired and unused lists,
 * dates.  runread: corrupt, foreign, wrong namespace or format, partial
 * and unfinished folders, duplicate units.
 */
#include <check.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "catalogue.h"
#include "diff.h"
#include "report.h"
#include "result.h"
#include "runread.h"
#include "ut.h"
#include "waiver.h"

#define ABSENT	(-1)

/* ---- making runs -------------------------------------------------------- */

struct urow {
	const char	*case_id;
	const char	*unit;		/* "" for a case without units */
	const char	*row;		/* fan-out row, or NULL */
	int		 old_v;		/* enum asy_verdict, or ABSENT */
	int		 new_v;
	const char	*old_reason;
	const char	*new_reason;
	int		 kind;		/* enum asy_diff_kind, or -1 unchanged */
};

#define P	ASY_V_PASS
#define F	ASY_V_FAIL
#define NA	ASY_V_NA
#define INC	ASY_V_INCONCLUSIVE
#define ERR	ASY_V_ERROR
#define NO	ASY_V_NONE

/* Every category, and both directions between a verdict and
 * INCONCLUSIVE or ERROR.  Case IDs are distinct so each row is its own
 * case (and group). */
static const struct urow changes[] = {
	{ "5.1-1-1", "a", NULL, P, P, "same", "same", -1 },
	{ "5.1-1-2", "a", NULL, P, F, "ok", "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-3", "a", NULL, NA, F, "n/a", "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-4", "a", NULL, INC, F, "?", "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-5", "a", NULL, ERR, F, "!", "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-6", "a", NULL, NO, F, "", "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-7", "a", NULL, F, P, "bad", "ok", ASY_DIFF_FIXED },
	{ "5.1-1-8", "a", NULL, F, NA, "bad", "n/a", ASY_DIFF_FIXED },
	{ "5.1-1-9", "a", NULL, P, INC, "ok", "?", ASY_DIFF_LOST },
	{ "5.1-1-10", "a", NULL, P, ERR, "ok", "!", ASY_DIFF_LOST },
	{ "5.1-1-11", "a", NULL, F, INC, "bad", "?", ASY_DIFF_LOST },
	{ "5.1-1-12", "a", NULL, NA, NO, "n/a", "", ASY_DIFF_LOST },
	{ "5.1-1-13", "a", NULL, INC, P, "?", "ok", ASY_DIFF_REGAINED },
	{ "5.1-1-14", "a", NULL, ERR, NA, "!", "n/a", ASY_DIFF_REGAINED },
	{ "5.1-1-15", "a", NULL, P, NA, "ok", "n/a", ASY_DIFF_CHANGED },
	{ "5.1-1-16", "a", NULL, INC, ERR, "?", "!", ASY_DIFF_CHANGED },
	{ "5.1-1-17", "a", NULL, ERR, INC, "!", "?", ASY_DIFF_CHANGED },
	{ "5.1-1-18", "a", NULL, F, F, "bad 1", "bad 2", ASY_DIFF_REASON },
	{ "5.1-1-19", "a", NULL, P, P, "ok 1", "ok 2", ASY_DIFF_REASON },
	{ "5.1-1-20", "a", NULL, ABSENT, P, NULL, "ok", ASY_DIFF_ADDED },
	{ "5.1-1-21", "a", NULL, ABSENT, F, NULL, "bad", ASY_DIFF_REGRESSION },
	{ "5.1-1-22", "a", NULL, F, ABSENT, "bad", NULL, ASY_DIFF_REMOVED },
	/* Fan-out rows are part of the key. */
	{ "5.1-5-2", "a", "AuthMech-SSH", P, F, "ok", "guessed",
	  ASY_DIFF_REGRESSION },
	{ "5.1-5-3", "a", "AuthMech-Web", P, ABSENT, "ok", NULL,
	  ASY_DIFF_REMOVED },
	{ "5.1-5-3", "a", "AuthMech-Telnet", ABSENT, P, NULL, "ok",
	  ASY_DIFF_ADDED },
	/* A case left out of the plan: the pseudo-unit "(case)". */
	{ "5.2-1-1", "", NULL, NA, F, "n/a", "mandatory, declared N",
	  ASY_DIFF_REGRESSION },
};

static void
set(char **p, const char *s)
{
	*p = s != NULL ? asy_strdup(s) : NULL;
	ck_assert(s == NULL || *p != NULL);
}

/* One unit (or a case without units) of a run. */
struct spec_unit {
	const char	*case_id;
	const char	*unit;
	const char	*row;
	int		 verdict;
	const char	*reason;
};

struct spec_svc {
	const char	*proto;
	unsigned	 port;
	const char	*match;
};

struct spec {
	const char		*device;
	const char		*mode;
	const struct spec_unit	*units;
	size_t			 n_units;
	/* A group without cases with this verdict (-1: none). */
	int			 bare_group;
	const struct spec_svc	*svcs;	/* with discovery when not NULL */
	size_t			 n_svcs;
};

static void
write_run(const char *folder, const struct spec *s)
{
	struct asy_report *rep = asy_report_new();
	struct asy_buf b;
	char *path;
	int r;

	ck_assert_ptr_nonnull(rep);
	set(&rep->run_id, strrchr(folder, '/') + 1);
	set(&rep->assay_version, "0.1.0");
	set(&rep->date, "2026-11-22T11:30:00Z");
	set(&rep->mode, s->mode != NULL ? s->mode : "offline");
	set(&rep->edition, "ts103701-v1.1.1");
	set(&rep->dut.name, s->device);
	for (size_t i = 0; i < s->n_units; i++) {
		const struct spec_unit *su = &s->units[i];
		struct asy_group_result *g = NULL;
		struct asy_case_result *c = NULL;

		/* One group per case; consecutive units share it. */
		if (i > 0 && strcmp(s->units[i - 1].case_id, su->case_id) == 0) {
			g = &rep->groups[rep->n_groups - 1];
			c = &g->cases[g->n_cases - 1];
		} else {
			g = asy_report_add_group(rep);
			ck_assert_ptr_nonnull(g);
			g->id = asy_strdup_printf("g%zu", rep->n_groups);
			g->mandatory = 1;
			g->verdict = ASY_V_NA;
			c = asy_group_add_case(g);
			ck_assert_ptr_nonnull(c);
			set(&c->id, su->case_id);
		}
		if (su->unit[0] == '\0') {
			c->excluded = 1;
			c->verdict = (enum asy_verdict)su->verdict;
			set(&c->reason, su->reason);
		} else {
			struct asy_unit_result *u = asy_case_add_unit(c);

			ck_assert_ptr_nonnull(u);
			set(&u->id, su->unit);
			set(&u->row, su->row);
			u->verdict = (enum asy_verdict)su->verdict;
			set(&u->reason, su->reason);
			ck_assert_int_eq(asy_unit_add_evidence(u,
			    "pcap/x.pcap", "pcap", NULL), 0);
		}
	}
	if (s->bare_group >= 0) {
		struct asy_group_result *g = asy_report_add_group(rep);

		ck_assert_ptr_nonnull(g);
		set(&g->id, "5.9-9");
		g->mandatory = 1;
		g->verdict = (enum asy_verdict)s->bare_group;
		set(&g->reason, "ICS row");
	}
	if (s->svcs != NULL) {
		struct asy_discovery *d = asy_report_discovery(rep);

		ck_assert_ptr_nonnull(d);
		set(&d->status, "done");
		for (size_t i = 0; i < s->n_svcs; i++) {
			struct asy_observed_service *o = asy_discovery_add(d);

			ck_assert_ptr_nonnull(o);
			set(&o->proto, s->svcs[i].proto);
			o->port = s->svcs[i].port;
			set(&o->match, s->svcs[i].match);
			set(&o->service, "svc");
		}
	}
	ck_assert_int_eq(asy_report_rollup(rep), 0);
	ck_assert_int_eq(mkdir(folder, 0755), 0);
	asy_buf_init(&b, ASY_REPORT_MAX);
	r = asy_report_render_xml(rep, &b);
	ck_assert_int_eq(r, 0);
	path = asy_path_join(folder, "report.xml");
	ck_assert_int_eq(asy_buf_save_file(&b, path), 0);
	free(path);
	path = asy_path_join(folder, "MANIFEST.sha256");
	ut_write_str(path, "");
	free(path);
	asy_buf_release(&b);
	asy_report_free(rep);
}

/* Two runs from the changes[] table, old and new, in a fresh folder. */
static void
make_change_runs(char **tmp, struct asy_runinfo **old,
    struct asy_runinfo **new, int old_group, int new_group)
{
	struct spec_unit ou[ASY_ELEMENTSOF(changes)], nu[ASY_ELEMENTSOF(changes)];
	struct spec so = { "cam", NULL, ou, 0, old_group, NULL, 0 };
	struct spec sn = { "cam", NULL, nu, 0, new_group, NULL, 0 };
	char *po, *pn;

	*tmp = ut_tmpdir();
	for (size_t i = 0; i < ASY_ELEMENTSOF(changes); i++) {
		const struct urow *c = &changes[i];

		if (c->old_v != ABSENT)
			ou[so.n_units++] = (struct spec_unit){ c->case_id,
			    c->unit, c->row, c->old_v, c->old_reason };
		if (c->new_v != ABSENT)
			nu[sn.n_units++] = (struct spec_unit){ c->case_id,
			    c->unit, c->row, c->new_v, c->new_reason };
	}
	po = asy_path_join(*tmp, "old");
	pn = asy_path_join(*tmp, "new");
	write_run(po, &so);
	write_run(pn, &sn);
	*old = ut_run_load(po);
	*new = ut_run_load(pn);
	free(po);
	free(pn);
}

static const struct asy_diff_item *
find_item(const struct asy_diff *df, const char *case_id, const char *label)
{
	for (size_t i = 0; i < df->n_items; i++)
		if (strcmp(df->items[i].case_id, case_id) == 0 &&
		    strcmp(df->items[i].label, label) == 0)
			return &df->items[i];
	return NULL;
}

static void
label_of(const struct urow *c, char *buf, size_t n)
{
	if (c->unit[0] == '\0')
		snprintf(buf, n, "%s", ASY_RUN_LABEL_CASE);
	else if (c->row != NULL)
		snprintf(buf, n, "%s:%s", c->unit, c->row);
	else
		snprintf(buf, n, "%s", c->unit);
}

/* ---- categories --------------------------------------------------------- */

START_TEST(test_categories)
{
	struct asy_runinfo *old, *new;
	struct asy_diff *df = NULL;
	unsigned long want[ASY_DIFF__COUNT] = { 0 }, unchanged = 0, regr = 0;
	char *tmp;

	make_change_runs(&tmp, &old, &new, ASY_V_NA, ASY_V_FAIL);
	ck_assert_int_eq(asy_diff_compute(old, new, NULL, &df), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(changes); i++) {
		const struct urow *c = &changes[i];
		const struct asy_diff_item *it;
		char label[80];

		label_of(c, label, sizeof(label));
		it = find_item(df, c->case_id, label);
		if (c->kind < 0) {
			ck_assert_msg(it == NULL, "%s %s: listed as %s, but "
			    "it did not change", c->case_id, label,
			    it ? asy_diff_kind_name(it->kind) : "");
			unchanged++;
			continue;
		}
		ck_assert_msg(it != NULL, "%s %s: not listed", c->case_id,
		    label);
		ck_assert_msg(it->kind == (enum asy_diff_kind)c->kind,
		    "%s %s: %s, want %s", c->case_id, label,
		    asy_diff_kind_name(it->kind),
		    asy_diff_kind_name((enum asy_diff_kind)c->kind));
		ck_assert_int_eq(it->regressed, c->kind == ASY_DIFF_REGRESSION);
		ck_assert(it->old_u == NULL ? c->old_v == ABSENT :
		    (int)it->old_u->verdict == c->old_v);
		want[c->kind]++;
		regr += c->kind == ASY_DIFF_REGRESSION;
	}
	/* The group without cases: NA -> FAIL, a regression too. */
	ck_assert_ptr_nonnull(find_item(df, "5.9-9", ASY_RUN_LABEL_GROUP));
	ck_assert_int_eq(find_item(df, "5.9-9", ASY_RUN_LABEL_GROUP)->kind,
	    ASY_DIFF_REGRESSION);
	want[ASY_DIFF_REGRESSION]++;
	regr++;
	for (int k = 0; k < ASY_DIFF__COUNT; k++)
		ck_assert_msg(df->n_kind[k] == want[k], "%s: %lu, want %lu",
		    asy_diff_kind_name((enum asy_diff_kind)k), df->n_kind[k],
		    want[k]);
	ck_assert_uint_eq(df->n_unchanged, unchanged);
	ck_assert_uint_eq(df->n_regressions, regr);
	ck_assert_int_eq(asy_diff_exit_code(df), ASY_EXIT_FAIL);
	/* Sorted: kinds in order, case IDs in numeric order within. */
	for (size_t i = 1; i < df->n_items; i++) {
		const struct asy_diff_item *a = &df->items[i - 1];
		const struct asy_diff_item *b = &df->items[i];

		ck_assert(a->kind <= b->kind);
		if (a->kind == b->kind)
			ck_assert_msg(asy_diff_idcmp(a->case_id, b->case_id) <
			    0 || (strcmp(a->case_id, b->case_id) == 0 &&
			    strcmp(a->label, b->label) < 0), "%s before %s",
			    a->case_id, b->case_id);
	}
	ck_assert_str_eq(find_item(df, "5.1-1-10", "a")->group, "g10");
	asy_diff_free(df);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(tmp);
}
END_TEST

START_TEST(test_strict)
{
	struct asy_runinfo *old, *new;
	struct asy_diff *df = NULL;
	struct asy_diff_opts o = { .strict = 1 };
	unsigned long lost = 0, regr = 0;
	char *tmp;

	make_change_runs(&tmp, &old, &new, -1, -1);
	ck_assert_int_eq(asy_diff_compute(old, new, &o, &df), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(changes); i++) {
		lost += changes[i].kind == ASY_DIFF_LOST;
		regr += changes[i].kind == ASY_DIFF_REGRESSION;
	}
	ck_assert_uint_gt(lost, 0);
	ck_assert_uint_eq(df->n_kind[ASY_DIFF_LOST], lost);
	ck_assert_uint_eq(df->n_regressions, regr + lost);
	ck_assert_int_eq(find_item(df, "5.1-1-9", "a")->regressed, 1);
	ck_assert_int_eq(find_item(df, "5.1-1-13", "a")->regressed, 0);
	asy_diff_free(df);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(tmp);
}
END_TEST

/* A run against itself: nothing changed, exit code 0. */
START_TEST(test_identical)
{
	struct asy_runinfo *old, *new;
	struct asy_diff *df = NULL;
	struct asy_buf b;
	char *tmp;

	make_change_runs(&tmp, &old, &new, -1, -1);
	ck_assert_int_eq(asy_diff_compute(new, new, NULL, &df), 0);
	ck_assert_uint_eq(df->n_items, 0);
	ck_assert_uint_eq(df->n_unchanged, new->n_units);
	ck_assert_int_eq(asy_diff_exit_code(df), 0);
	asy_buf_init(&b, 1 << 20);
	ck_assert_int_eq(asy_diff_render_text(df, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "result:   no regression"));
	asy_buf_release(&b);
	asy_diff_free(df);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(tmp);
}
END_TEST

static const struct {
	const char	*a;
	const char	*b;
	int		 sign;
} idcmps[] = {
	{ "5.1-9", "5.1-10", -1 },
	{ "5.1-10-1", "5.1-2-1", 1 },
	{ "5.10-1", "5.9-1", 1 },
	{ "4-1-1", "5.0-1-1", -1 },
	{ "5.1-1", "5.1-1", 0 },
	{ "5.1-01", "5.1-1", -1 },	/* equal numbers: a total order */
	{ "a", "b", -1 },
	{ "b:AuthMech-2", "b:AuthMech-10", -1 },
	{ "5.1-1", "5.1-1-1", -1 },
};

START_TEST(test_idcmp)
{
	int c = asy_diff_idcmp(idcmps[_i].a, idcmps[_i].b);
	int back = asy_diff_idcmp(idcmps[_i].b, idcmps[_i].a);

	ck_assert_msg((c > 0) - (c < 0) == idcmps[_i].sign, "%s vs %s: %d",
	    idcmps[_i].a, idcmps[_i].b, c);
	ck_assert_int_eq((back > 0) - (back < 0), -idcmps[_i].sign);
}
END_TEST

/* ---- services ----------------------------------------------------------- */

static const struct spec_svc svc_old[] = {
	{ "tcp", 22, "declared" },
	{ "tcp", 23, "undeclared" },
	{ "udp", 161, "declared, not seen" },
	{ "tcp", 8080, "undeclared" },
};

static const struct spec_svc svc_new[] = {
	{ "tcp", 22, "declared" },
	{ "udp", 161, "undeclared" },		/* new undeclared */
	{ "tcp", 80, "declared" },		/* opened */
	{ "tcp", 8080, "undeclared" },		/* unchanged */
	{ "tcp", 443, "declared disabled" },	/* new undeclared */
	/* tcp/23 gone */
};

static const struct spec_unit one_unit[] = {
	{ "5.1-1-1", "a", NULL, ASY_V_PASS, "ok" },
};

START_TEST(test_services)
{
	struct spec so = { "cam", "live", one_unit, 1, -1, svc_old,
	    ASY_ELEMENTSOF(svc_old) };
	struct spec sn = { "cam", "live", one_unit, 1, -1, svc_new,
	    ASY_ELEMENTSOF(svc_new) };
	struct spec off = { "cam", "offline", one_unit, 1, -1, NULL, 0 };
	struct asy_runinfo *old, *new, *offline;
	struct asy_diff *df = NULL;
	char *tmp = ut_tmpdir(), *po, *pn, *pf;

	po = asy_path_join(tmp, "old");
	pn = asy_path_join(tmp, "new");
	pf = asy_path_join(tmp, "off");
	write_run(po, &so);
	write_run(pn, &sn);
	write_run(pf, &off);
	old = ut_run_load(po);
	new = ut_run_load(pn);
	offline = ut_run_load(pf);
	ck_assert_str_eq(new->discovery_status, "done");
	ck_assert_uint_eq(new->n_services, ASY_ELEMENTSOF(svc_new));
	ck_assert_int_eq(asy_diff_compute(old, new, NULL, &df), 0);
	ck_assert_ptr_null(df->svc_note);
	ck_assert_uint_eq(df->n_svcs, 4);
	ck_assert_uint_eq(df->n_svc_kind[ASY_DIFF_SVC_UNDECLARED], 2);
	ck_assert_uint_eq(df->n_svc_kind[ASY_DIFF_SVC_GONE], 1);
	ck_assert_uint_eq(df->n_svc_kind[ASY_DIFF_SVC_OPENED], 1);
	/* Sorted by kind, protocol, port. */
	ck_assert_int_eq(df->svcs[0].kind, ASY_DIFF_SVC_UNDECLARED);
	ck_assert_str_eq(df->svcs[0].new_s->proto, "tcp");
	ck_assert_uint_eq(df->svcs[0].new_s->port, 443);
	ck_assert_uint_eq(df->svcs[1].new_s->port, 161);
	ck_assert_str_eq(df->svcs[1].old_s->match, "declared, not seen");
	ck_assert_int_eq(df->svcs[2].kind, ASY_DIFF_SVC_GONE);
	ck_assert_uint_eq(df->svcs[2].old_s->port, 23);
	ck_assert_ptr_null(df->svcs[2].new_s);
	ck_assert_uint_eq(df->svcs[3].new_s->port, 80);
	/* Undeclared services regress, with no unit changed. */
	ck_assert_uint_eq(df->n_items, 0);
	ck_assert_uint_eq(df->n_regressions, 2);
	ck_assert_int_eq(asy_diff_exit_code(df), ASY_EXIT_FAIL);
	asy_diff_free(df);
	/* An offline run on either side: not compared, and said so. */
	ck_assert_int_eq(asy_diff_compute(offline, new, NULL, &df), 0);
	ck_assert_uint_eq(df->n_svcs, 0);
	ck_assert_ptr_nonnull(df->svc_note);
	ck_assert_ptr_nonnull(strstr(df->svc_note, "old run"));
	ck_assert_uint_gt(df->n_notes, 0);	/* offline against live */
	asy_diff_free(df);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	asy_runinfo_free(offline);
	free(po);
	free(pn);
	free(pf);
	free(tmp);
}
END_TEST

/* ---- renderers ---------------------------------------------------------- */

static const char hostile[] = "<b>&amp;\"'</b> ]]> \x1b[31mred\x1b[0m "
    "\x01\x7f bad \xff\xfe utf-8 \xef\xbf\xbe";

static const struct spec_unit hostile_old[] = {
	{ "5.1-1-1", "a", "Row<&>\"", ASY_V_PASS, "ok" },
	{ "5.1-1-2", "a", NULL, ASY_V_PASS, hostile },
	{ "5.1-1-3", "a", NULL, ASY_V_FAIL, "bad" },
	{ "5.1-1-4", "a", NULL, ASY_V_PASS, "ok" },
	{ "5.1-1-5", "a", NULL, ASY_V_PASS, "ok" },
};

static const struct spec_unit hostile_new[] = {
	{ "5.1-1-1", "a", "Row<&>\"", ASY_V_FAIL, hostile },
	{ "5.1-1-2", "a", NULL, ASY_V_PASS, "ok" },
	{ "5.1-1-3", "a", NULL, ASY_V_PASS, hostile },
	{ "5.1-1-4", "a", NULL, ASY_V_FAIL, "waived one" },
	{ "5.1-1-5", "a", NULL, ASY_V_INCONCLUSIVE, "lost" },
};

static void
validate(const char *xsd_rel, const struct asy_buf *x)
{
	char *xsd = ut_src(xsd_rel);
	xmlSchemaParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx;
	xmlSchemaPtr schema;
	struct asy_buf s;
	xmlDocPtr doc;

	ut_load(xsd, &s);
	pctx = xmlSchemaNewMemParserCtxt(s.data, (int)s.len);
	ck_assert_ptr_nonnull(pctx);
	schema = xmlSchemaParse(pctx);
	ck_assert_msg(schema != NULL, "%s does not parse", xsd_rel);
	vctx = xmlSchemaNewValidCtxt(schema);
	doc = xmlReadMemory(x->data, (int)x->len, "diff.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "not well-formed:\n%s", x->data);
	ck_assert_msg(xmlSchemaValidateDoc(vctx, doc) == 0,
	    "not valid against %s:\n%s", xsd_rel, x->data);
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	asy_buf_release(&s);
	free(xsd);
}

static unsigned long
count_elems(xmlNodePtr n, const char *name)
{
	unsigned long k = 0;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			k++;
		k += count_elems(n->children, name);
	}
	return k;
}

static const char *
root_attr(xmlDocPtr doc, const char *name, char *buf, size_t n)
{
	xmlChar *v = xmlGetProp(xmlDocGetRootElement(doc),
	    (const xmlChar *)name);

	ck_assert_ptr_nonnull(v);
	snprintf(buf, n, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

START_TEST(test_renderers)
{
	struct spec so = { "cam<1>", "live", hostile_old,
	    ASY_ELEMENTSOF(hostile_old), -1, svc_old,
	    ASY_ELEMENTSOF(svc_old) };
	struct spec sn = { "cam<1>", "live", hostile_new,
	    ASY_ELEMENTSOF(hostile_new), -1, svc_new,
	    ASY_ELEMENTSOF(svc_new) };
	struct asy_runinfo *old, *new;
	struct asy_waivers *w = NULL;
	struct asy_diags d;
	struct asy_diff *df = NULL;
	struct asy_diff_opts o = { 0 };
	struct asy_buf b;
	char *tmp = ut_tmpdir(), *po, *pn, *pw, buf[64];
	xmlDocPtr doc;

	po = asy_path_join(tmp, "old");
	pn = asy_path_join(tmp, "new");
	pw = asy_path_join(tmp, "w.xml");
	write_run(po, &so);
	write_run(pn, &sn);
	old = ut_run_load(po);
	new = ut_run_load(pn);
	ut_write_str(pw, "<waivers format=\"1\">\n"
	    "<waiver case=\"5.1-1-4\" device=\"*\" owner=\"o&lt;x&gt;\" "
	    "expires=\"2027-01-31\">known &amp; accepted</waiver>\n"
	    "<waiver case=\"5.1-1-9\" device=\"*\" owner=\"o\" "
	    "expires=\"2020-01-31\">expired</waiver>\n"
	    "<waiver case=\"5.1-1-8\" device=\"cam\" owner=\"o\" "
	    "expires=\"2030-01-31\">unused</waiver>\n</waivers>\n");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_waivers_load(pw, NULL, &d, &w), 0);
	asy_diags_release(&d);
	o.waivers = w;
	ck_assert_int_eq(asy_date_parse("2027-01-01", &o.today, NULL, 0), 0);
	ck_assert_int_eq(asy_diff_compute(old, new, &o, &df), 0);
	ck_assert_uint_eq(df->n_kind[ASY_DIFF_REGRESSION], 1);
	ck_assert_uint_eq(df->n_kind[ASY_DIFF_WAIVED], 1);
	ck_assert_uint_eq(df->n_expired, 1);
	ck_assert_uint_eq(df->n_unused, 1);
	ck_assert_uint_eq(df->n_regressions, 3);	/* 1 unit, 2 services */

	/* XML: valid, and counts as computed. */
	asy_buf_init(&b, 1 << 22);
	ck_assert_int_eq(asy_diff_render_xml(df, &b), 0);
	validate("reports/schema/diff.xsd", &b);
	doc = xmlReadMemory(b.data, (int)b.len, "d.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_str_eq(root_attr(doc, "regressed", buf, sizeof(buf)),
	    "true");
	ck_assert_str_eq(root_attr(doc, "regressions", buf, sizeof(buf)),
	    "3");
	ck_assert_uint_eq(count_elems(doc->children, "change"), df->n_items);
	ck_assert_uint_eq(count_elems(doc->children, "service"), df->n_svcs);
	ck_assert_uint_eq(count_elems(doc->children, "expired"), 1);
	ck_assert_uint_eq(count_elems(doc->children, "unused"), 1);
	ck_assert_uint_eq(count_elems(doc->children, "waiver"), 1);
	xmlFreeDoc(doc);
	ck_assert_ptr_null(strstr(b.data, "\x1b"));

	/* JUnit: one testcase per change; failures are the regressions,
	 * the waived one is skipped. */
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_diff_render_junit(df, &b), 0);
	doc = xmlReadMemory(b.data, (int)b.len, "j.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "JUnit not well-formed:\n%s", b.data);
	ck_assert_uint_eq(count_elems(doc->children, "testcase"),
	    df->n_items + df->n_svcs);
	ck_assert_uint_eq(count_elems(doc->children, "failure"), 3);
	ck_assert_uint_eq(count_elems(doc->children, "skipped"), 1);
	ck_assert_str_eq(root_attr(doc, "failures", buf, sizeof(buf)), "3");
	ck_assert_str_eq(root_attr(doc, "tests", buf, sizeof(buf)), "9");
	xmlFreeDoc(doc);

	/* Text: counts first, no control byte from a reason. */
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_diff_render_text(df, &b), 0);
	for (size_t i = 0; i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] >= 0x20 ||
		    b.data[i] == '\n', "control byte 0x%02x in the text",
		    (unsigned char)b.data[i]);
	ck_assert_ptr_nonnull(strstr(b.data, "1 regression, 1 waived"));
	ck_assert_ptr_nonnull(strstr(b.data, "REGRESSED: 3 regressions"));
	ck_assert_ptr_nonnull(strstr(b.data, "waived (o<x>, until "
	    "2027-01-31: known & accepted)"));
	ck_assert_ptr_nonnull(strstr(b.data, "expired  line 3"));
	ck_assert_ptr_nonnull(strstr(b.data, "unused   line 4"));
	ck_assert_ptr_nonnull(strstr(b.data, "new-undeclared  udp/161"));
	ck_assert(strstr(b.data, "Regressions") < strstr(b.data, "Waived"));
	asy_buf_release(&b);

	/* HTML: a well-formed fragment with a row per change, regressions
	 * first, verdicts in the report's classes, every hostile string
	 * escaped, no control byte, no inline style or script. */
	asy_buf_reset(&b);
	ck_assert_int_eq(asy_diff_render_html(df, &b), 0);
	doc = xmlReadMemory(b.data, (int)b.len, "h.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "HTML not well-formed:\n%s", b.data);
	ck_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name,
	    "section");
	ck_assert_uint_eq(count_elems(doc->children, "tr"),
	    2 + 1 + df->n_items + 1 + df->n_svcs);
	xmlFreeDoc(doc);
	{
		size_t rows = 0;

		for (const char *p = b.data; (p = strstr(p, "<tr class=\"k-"))
		    != NULL; p++)
			rows++;
		ck_assert_uint_eq(rows, df->n_items + df->n_svcs);
	}
	ck_assert_ptr_nonnull(strstr(b.data, "<tbody>\n<tr class=\"k-"
	    "regression\"><td>regression</td><td><code>5.1-1-1</code></td>"
	    "<td>a:Row&lt;&amp;&gt;&quot;</td><td><span class=\"v v-pass\">"
	    "PASS</span></td><td><span class=\"v v-fail\">FAIL</span></td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;b&gt;&amp;amp;&quot;"
	    "&#39;&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(b.data, "<b>"));
	ck_assert_ptr_nonnull(strstr(b.data, "waived (o&lt;x&gt;, until "
	    "2027-01-31: known &amp; accepted)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<strong>Regressed</strong>: "
	    "1 regression, 1 waived"));
	ck_assert_ptr_nonnull(strstr(b.data, "<tr class=\"k-new-undeclared\">"
	    "<td>new-undeclared</td><td><code>udp/161</code>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<li>expired, line 3: "));
	ck_assert_ptr_null(strstr(b.data, "style="));
	ck_assert_ptr_null(strstr(b.data, "<script"));
	for (size_t i = 0; i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] >= 0x20 ||
		    b.data[i] == '\n', "control byte 0x%02x in the HTML",
		    (unsigned char)b.data[i]);
	ck_assert(strstr(b.data, "k-regression") < strstr(b.data, "k-waived"));
	asy_buf_release(&b);

	/* The table of renderers. */
	ck_assert_ptr_nonnull(asy_diff_renderer_find("junit"));
	ck_assert(asy_diff_renderer_find("html")->render ==
	    asy_diff_render_html);
	ck_assert_ptr_null(asy_diff_renderer_find("pdf"));

	asy_diff_free(df);
	asy_waivers_free(w);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(po);
	free(pn);
	free(pw);
	free(tmp);
}
END_TEST

/* ---- waivers ------------------------------------------------------------ */

static const struct {
	const char	*body;		/* the <waiver .../> lines */
	unsigned long	 line;		/* of the first error */
	const char	*needle;	/* in its message */
} bad_waivers[] = {
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-02-30\">r</waiver>", 3, "February 2027 has 28 days" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2100-02-29\">r</waiver>", 3, "February 2100 has 28 days" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"31/01/2027\">r</waiver>", 3, "YYYY-MM-DD" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-1-31\">r</waiver>", 3, "YYYY-MM-DD" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31T00:00\">r</waiver>", 3, "YYYY-MM-DD" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-00-10\">r</waiver>", 3, "no month 0" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"1969-12-31\">r</waiver>", 3, "before 1970" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"\">r</waiver>", 3, "YYYY-MM-DD" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"  \" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "no owner" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "'owner' is required" },
	{ "<waiver case=\"5.1-1-1\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "'device' is required" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">  </waiver>", 3, "no reason" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\"/>", 3, "no reason" },
	{ "<waiver case=\"9.9-9-9\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "does not exist" },
	{ "<waiver case=\"5.1-1-1\" unit=\"q\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "has no unit 'q'" },
	{ "<waiver case=\"5.1-1-1\" unit=\"A\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "is not a unit" },
	{ "<waiver case=\"5.1-1-1\" unit=\"a:\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "is not a unit" },
	{ "<waiver case=\"5.1-1\" unit=\"a\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>", 3, "is a test group" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver>\n"
	  "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"p\" "
	  "expires=\"2028-01-31\">s</waiver>", 4, "first is on line 3" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\" color=\"red\">r</waiver>", 3, "color" },
	{ "<exemption case=\"5.1-1-1\"/>", 3, "exemption" },
	{ "<waiver case=\"5.1-1-1\" device=\"x\" owner=\"o\" "
	  "expires=\"2027-01-31\">r</waiver", 4, "expected '>'" },
};

static struct asy_catalogue *
v1_catalogue(void)
{
	struct asy_catalogue *cat = NULL;
	struct asy_diags d;
	char *p = ut_src("ics-ixit/catalogue/ts103701-v1.1.1.xml");

	asy_diags_init(&d);
	ck_assert_int_eq(asy_catalogue_load(p, &d, &cat), 0);
	asy_diags_release(&d);
	free(p);
	return cat;
}

START_TEST(test_bad_waivers)
{
	struct asy_catalogue *cat = v1_catalogue();
	struct asy_waivers *w = NULL;
	struct asy_diags d;
	struct asy_buf body;
	char *tmp = ut_tmpdir(), *p;
	int r, found = 0;

	p = asy_path_join(tmp, "w.xml");
	asy_buf_init(&body, 1 << 16);
	ck_assert_int_eq(asy_buf_printf(&body, "<?xml version=\"1.0\"?>\n"
	    "<waivers format=\"1\">\n%s\n</waivers>\n", bad_waivers[_i].body),
	    0);
	ut_write_str(p, body.data);
	asy_diags_init(&d);
	r = asy_waivers_load(p, cat, &d, &w);
	ck_assert_int_eq(r, ASY_E_INPUT);
	ck_assert_ptr_null(w);
	for (size_t i = 0; i < d.n; i++) {
		ck_assert_str_eq(d.v[i].file, p);
		if (d.v[i].line == bad_waivers[_i].line &&
		    strstr(d.v[i].msg, bad_waivers[_i].needle) != NULL)
			found = 1;
	}
	if (!found)
		asy_diags_print(&d, stderr);
	ck_assert_msg(found, "case %d: no error on line %lu with '%s'", _i,
	    bad_waivers[_i].line, bad_waivers[_i].needle);
	asy_diags_release(&d);
	asy_buf_release(&body);
	asy_catalogue_free(cat);
	free(p);
	free(tmp);
}
END_TEST

/* Without a catalogue, unknown case IDs are not checked. */
START_TEST(test_waiver_no_catalogue)
{
	struct asy_waivers *w = NULL;
	struct asy_diags d;
	char *tmp = ut_tmpdir(), *p = asy_path_join(tmp, "w.xml");

	ut_write_str(p, "<waivers format=\"1\"><waiver case=\"9.9-9-9\" "
	    "device=\"*\" owner=\"o\" expires=\"2027-01-31\">r</waiver>"
	    "</waivers>");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_waivers_load(p, NULL, &d, &w), 0);
	ck_assert_uint_eq(w->n, 1);
	ck_assert_ptr_null(w->v[0].unit);
	ck_assert_str_eq(w->v[0].reason, "r");
	asy_waivers_free(w);
	asy_diags_release(&d);
	free(p);
	free(tmp);
}
END_TEST

static long
day(const char *s)
{
	long d;

	ck_assert_int_eq(asy_date_parse(s, &d, NULL, 0), 0);
	return d;
}

START_TEST(test_waiver_match)
{
	struct asy_catalogue *cat = v1_catalogue();
	struct asy_waivers *w = NULL;
	struct asy_diags d;
	const struct asy_waiver *wv, *exp, **list;
	char *tmp = ut_tmpdir(), *p = asy_path_join(tmp, "w.xml");
	size_t n;

	ut_write_str(p, "<?xml version=\"1.0\"?>\n<waivers format=\"1\">\n"
	    /* 3 */ "<waiver case=\"5.1-5-2\" device=\"*\" owner=\"all\" "
	    "expires=\"2027-01-31\">every unit, every device</waiver>\n"
	    /* 4 */ "<waiver case=\"5.1-5-2\" device=\"weak\" owner=\"w\" "
	    "expires=\"2027-01-31\">every unit of weak</waiver>\n"
	    /* 5 */ "<waiver case=\"5.1-5-2\" unit=\"a\" device=\"weak\" "
	    "owner=\"wa\" expires=\"2027-01-31\">unit a of weak</waiver>\n"
	    /* 6 */ "<waiver case=\"5.1-5-2\" unit=\"a:AuthMech-SSH\" "
	    "device=\"weak\" owner=\"ssh\" expires=\"2026-06-30\">SSH "
	    "only</waiver>\n"
	    /* 7 */ "<waiver case=\"5.1-2\" device=\"weak\" owner=\"g\" "
	    "expires=\"2027-01-31\">the group</waiver>\n"
	    /* 8 */ "<waiver case=\"5.1-1-2\" device=\"weak\" owner=\"u\" "
	    "expires=\"2027-01-31\">never matched</waiver>\n"
	    "</waivers>\n");
	asy_diags_init(&d);
	ck_assert_int_eq(asy_waivers_load(p, cat, &d, &w), 0);
	ck_assert_uint_eq(w->n, 6);

	/* The most specific waiver in force wins. */
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "a:AuthMech-SSH",
	    day("2026-06-30"), &exp);
	ck_assert_str_eq(wv->owner, "ssh");
	ck_assert_ptr_null(exp);
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "a:AuthMech-Web",
	    day("2026-06-30"), NULL);
	ck_assert_str_eq(wv->owner, "wa");
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "b", day("2026-06-30"),
	    NULL);
	ck_assert_str_eq(wv->owner, "w");
	wv = asy_waivers_match(w, "hardened", "5.1-5-2", "a", day("2026-06-30"),
	    NULL);
	ck_assert_str_eq(wv->owner, "all");
	wv = asy_waivers_match(w, "weak", "5.1-2", ASY_RUN_LABEL_GROUP,
	    day("2026-06-30"), NULL);
	ck_assert_str_eq(wv->owner, "g");
	ck_assert_ptr_null(asy_waivers_match(w, "weak", "5.1-5-1", "a",
	    day("2026-06-30"), NULL));

	/* The expiry day still applies; the next day it does not, and the
	 * next most specific one in force takes over. */
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "a:AuthMech-SSH",
	    day("2026-07-01"), &exp);
	ck_assert_str_eq(wv->owner, "wa");
	ck_assert_ptr_null(exp);
	ck_assert_int_eq(asy_waiver_expired(&w->v[3], day("2026-06-30")), 0);
	ck_assert_int_eq(asy_waiver_expired(&w->v[3], day("2026-07-01")), 1);
	/* When everything has expired: none applies, the expired one is
	 * named. */
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "a:AuthMech-SSH",
	    day("2027-02-01"), &exp);
	ck_assert_ptr_null(wv);
	ck_assert_str_eq(exp->owner, "ssh");
	wv = asy_waivers_match(w, "weak", "5.1-5-2", "a", day("2027-01-31"),
	    &exp);
	ck_assert_str_eq(wv->owner, "wa");

	/* Lists: expired ones on 2026-07-01; unused ones in force. */
	ck_assert_int_eq(asy_waivers_list(w, day("2026-07-01"), 1, &list, &n),
	    0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(list[0]->line, 6);
	free(list);
	ck_assert_int_eq(asy_waivers_list(w, day("2026-07-01"), 0, &list, &n),
	    0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(list[0]->line, 8);
	free(list);
	ck_assert_int_eq(asy_waivers_list(w, day("2027-02-01"), 1, &list, &n),
	    0);
	ck_assert_uint_eq(n, 6);
	free(list);

	asy_waivers_free(w);
	asy_catalogue_free(cat);
	asy_diags_release(&d);
	free(p);
	free(tmp);
}
END_TEST

static const struct {
	const char	*s;
	int		 ok;
} dates[] = {
	{ "1970-01-01", 1 }, { "2000-02-29", 1 }, { "2024-02-29", 1 },
	{ "2027-12-31", 1 }, { "9999-12-31", 1 }, { "2023-02-29", 0 },
	{ "2100-02-29", 0 }, { "2027-04-31", 0 }, { "2027-13-01", 0 },
	{ "2027-00-01", 0 }, { "2027-01-00", 0 }, { "2027-1-1", 0 },
	{ "27-01-01", 0 }, { "2027/01/01", 0 }, { " 2027-01-01", 0 },
	{ "2027-01-01 ", 0 }, { "+027-01-01", 0 }, { "", 0 },
	{ "1969-12-31", 0 },
};

START_TEST(test_dates)
{
	char back[11], why[128] = "";
	long d = -1;
	int r = asy_date_parse(dates[_i].s, &d, why, sizeof(why));

	ck_assert_msg((r == 0) == dates[_i].ok, "'%s': %d (%s)", dates[_i].s,
	    r, why);
	if (!dates[_i].ok) {
		ck_assert_int_ne(why[0], '\0');
		return;
	}
	asy_date_format(d, back);
	ck_assert_str_eq(back, dates[_i].s);
}
END_TEST

START_TEST(test_today)
{
	long d;
	char why[128];

	ck_assert_int_eq(asy_date_parse("1970-01-02", &d, NULL, 0), 0);
	ck_assert_int_eq(d, 1);
	ck_assert_int_eq(setenv("ASSAY_TODAY", "2027-03-01", 1), 0);
	ck_assert_int_eq(asy_waivers_today(NULL, &d, why, sizeof(why)), 0);
	ck_assert_int_eq(d, day("2027-03-01"));
	ck_assert_int_eq(asy_waivers_today("2026-01-05", &d, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(d, day("2026-01-05"));
	ck_assert_int_eq(asy_waivers_today("2026-02-30", &d, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(why, "--today"));
	ck_assert_int_eq(setenv("ASSAY_TODAY", "soon", 1), 0);
	ck_assert_int_eq(asy_waivers_today(NULL, &d, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(why, "ASSAY_TODAY"));
	unsetenv("ASSAY_TODAY");
	ck_assert_int_eq(asy_waivers_today(NULL, &d, why, sizeof(why)), 0);
	ck_assert_int_gt(d, day("2024-01-01"));
}
END_TEST

/* ---- runread ------------------------------------------------------------ */

enum {
	RR_FILE,	/* write content as the path itself */
	RR_FOLDER,	/* a folder with content as report.xml and a manifest */
	RR_NOMANIFEST,	/* a folder with report.xml only */
	RR_PARTIAL,	/* NAME.partial/ with a report, NAME given */
	RR_PARTIAL_DIR,	/* NAME.partial/ given */
	RR_EMPTY_DIR,	/* a folder without report.xml */
	RR_MISSING,	/* nothing at all */
};

static const struct {
	int		 how;
	const char	*content;	/* NULL: a valid report */
	const char	*needle;
} bad_runs[] = {
	{ RR_FILE, "<report format=\"1\" xmlns=\"urn:assay:report:1\">"
	  "<run id=\"x\"", "Premature end" },
	{ RR_FILE, "<?xml version=\"1.0\"?>\n<testsuites/>\n",
	  "not a complete report written by assay" },
	{ RR_FILE, "<report format=\"1\" xmlns=\"urn:other\"/>",
	  "{urn:other}report" },
	{ RR_FILE, "<report format=\"1\"/>", "No matching global" },
	{ RR_FILE, "not xml at all", "not a complete report" },
	{ RR_FILE, "", "not a complete report" },
	{ RR_FILE, "<!DOCTYPE r [<!ENTITY x \"y\">]><report/>", "DOCTYPE" },
	{ RR_FOLDER, "<report format=\"2\" xmlns=\"urn:assay:report:1\"/>",
	  "format" },
	{ RR_NOMANIFEST, NULL, "no MANIFEST.sha256" },
	{ RR_PARTIAL, NULL, "did not finish" },
	{ RR_PARTIAL_DIR, NULL, "unfinished" },
	{ RR_EMPTY_DIR, NULL, "not a run folder" },
	{ RR_MISSING, NULL, "cannot read it" },
};

START_TEST(test_bad_runs)
{
	struct spec s = { "cam", NULL, one_unit, 1, -1, NULL, 0 };
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	char *tmp = ut_tmpdir(), *path, *aux = NULL, *rep;
	int r, found = 0;

	path = asy_path_join(tmp, "run");
	switch (bad_runs[_i].how) {
	case RR_FILE:
		ut_write_str(path, bad_runs[_i].content);
		break;
	case RR_FOLDER:
		write_run(path, &s);
		rep = asy_path_join(path, "report.xml");
		ut_write_str(rep, bad_runs[_i].content);
		free(rep);
		break;
	case RR_NOMANIFEST:
		write_run(path, &s);
		aux = asy_path_join(path, "MANIFEST.sha256");
		ck_assert_int_eq(unlink(aux), 0);
		break;
	case RR_PARTIAL:
	case RR_PARTIAL_DIR:
		aux = asy_strdup_printf("%s.partial", path);
		write_run(aux, &s);
		if (bad_runs[_i].how == RR_PARTIAL_DIR) {
			free(path);
			path = asy_strdup(aux);
		}
		break;
	case RR_EMPTY_DIR:
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	default:
		break;
	}
	asy_diags_init(&d);
	r = asy_runinfo_load(path, &d, &ri);
	ck_assert_int_eq(r, ASY_E_INPUT);
	ck_assert_ptr_null(ri);
	ck_assert_uint_gt(d.n_errors, 0);
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].file, "run") != NULL &&
		    strstr(d.v[i].msg, bad_runs[_i].needle) != NULL)
			found = 1;
	if (!found)
		asy_diags_print(&d, stderr);
	ck_assert_msg(found, "case %d: no error with '%s'", _i,
	    bad_runs[_i].needle);
	asy_diags_release(&d);
	free(aux);
	free(path);
	free(tmp);
}
END_TEST

/* A report edited to hold one unit twice is refused. */
START_TEST(test_duplicate_units)
{
	static const struct spec_unit twice[] = {
		{ "5.1-1-1", "a", NULL, ASY_V_PASS, "ok" },
		{ "5.1-1-1", "a", NULL, ASY_V_FAIL, "bad" },
	};
	struct spec s = { "cam", NULL, twice, 2, -1, NULL, 0 };
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	char *tmp = ut_tmpdir(), *path = asy_path_join(tmp, "run");

	write_run(path, &s);
	asy_diags_init(&d);
	ck_assert_int_eq(asy_runinfo_load(path, &d, &ri), ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "appears twice"));
	asy_diags_release(&d);
	free(path);
	free(tmp);
}
END_TEST

/* What runread gives back of a report, and the same from report.xml. */
START_TEST(test_runread_model)
{
	struct asy_runinfo *old, *new, *byfile;
	const struct asy_run_unit *u;
	char *tmp, *rep;

	make_change_runs(&tmp, &old, &new, -1, ASY_V_FAIL);
	ck_assert_str_eq(new->device, "cam");
	ck_assert_str_eq(new->id, "new");
	ck_assert_str_eq(new->edition, "ts103701-v1.1.1");
	ck_assert_str_eq(new->mode, "offline");
	ck_assert_ptr_null(new->discovery_status);
	ck_assert_int_eq(new->overall, ASY_V_FAIL);
	u = asy_runinfo_unit(new, "5.1-5-2", "a:AuthMech-SSH");
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(u->verdict, ASY_V_FAIL);
	ck_assert_str_eq(u->reason, "guessed");
	ck_assert_uint_eq(u->n_evidence, 1);
	ck_assert_str_eq(u->evidence[0], "pcap/x.pcap");
	ck_assert_int_eq(u->mandatory, 1);
	u = asy_runinfo_unit(new, "5.9-9", ASY_RUN_LABEL_GROUP);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->group, "5.9-9");
	ck_assert_ptr_nonnull(asy_runinfo_unit(new, "5.2-1-1",
	    ASY_RUN_LABEL_CASE));
	rep = asy_path_join(new->folder, "report.xml");
	byfile = ut_run_load(rep);
	ck_assert_ptr_null(byfile->folder);
	ck_assert_uint_eq(byfile->n_units, new->n_units);
	asy_runinfo_free(byfile);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(rep);
	free(tmp);
}
END_TEST

static const struct {
	const char	*in;
	const char	*key;
} keys[] = {
	{ "weak", "weak" }, { "", "dut" }, { "a/b", "a_b" },
	{ "../x", "___x" }, { "cam 1", "cam_1" },
	{ "0123456789012345678901234567890123456789xyz",
	  "0123456789012345678901234567890123456789" },
};

START_TEST(test_device_key)
{
	char *k = asy_runinfo_device_key(keys[_i].in);

	ck_assert_str_eq(k, keys[_i].key);
	free(k);
}
END_TEST

static Suite *
diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *diff = tcase_create("diff");
	TCase *waiv = tcase_create("waivers");
	TCase *rr = tcase_create("runread");

	tcase_add_test(diff, test_categories);
	tcase_add_test(diff, test_strict);
	tcase_add_test(diff, test_identical);
	tcase_add_loop_test(diff, test_idcmp, 0, (int)ASY_ELEMENTSOF(idcmps));
	tcase_add_test(diff, test_services);
	tcase_add_test(diff, test_renderers);
	tcase_add_loop_test(waiv, test_bad_waivers, 0,
	    (int)ASY_ELEMENTSOF(bad_waivers));
	tcase_add_test(waiv, test_waiver_no_catalogue);
	tcase_add_test(waiv, test_waiver_match);
	tcase_add_loop_test(waiv, test_dates, 0, (int)ASY_ELEMENTSOF(dates));
	tcase_add_test(waiv, test_today);
	tcase_add_loop_test(rr, test_bad_runs, 0,
	    (int)ASY_ELEMENTSOF(bad_runs));
	tcase_add_test(rr, test_duplicate_units);
	tcase_add_test(rr, test_runread_model);
	tcase_add_loop_test(rr, test_device_key, 0, (int)ASY_ELEMENTSOF(keys));
	suite_add_tcase(s, diff);
	suite_add_tcase(s, waiv);
	suite_add_tcase(s, rr);
	return s;
}

int
main(void)
{
	return ut_main(diff_suite());
}
