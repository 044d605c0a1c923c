/*
 * Comparing two runs (see diff.h): matching, categories, and the text, XML,
 * JUnit and HTML renderers.
 */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "render.h"
#include "util.h"

/* ---- names -------------------------------------------------------------- */

static const struct {
	const char	*name;
	const char	*title;
} kinds[ASY_DIFF__COUNT] = {
	[ASY_DIFF_REGRESSION] = { "regression", "Regressions (new FAIL)" },
	[ASY_DIFF_WAIVED] = { "waived", "Waived (new FAIL, waiver in force)" },
	[ASY_DIFF_FIXED] = { "fixed", "Fixed (FAIL before)" },
	[ASY_DIFF_LOST] = { "lost", "Verdict lost (now INCONCLUSIVE or "
	    "ERROR)" },
	[ASY_DIFF_REGAINED] = { "regained", "Verdict regained (INCONCLUSIVE "
	    "or ERROR before)" },
	[ASY_DIFF_CHANGED] = { "changed", "Verdict changed" },
	[ASY_DIFF_REASON] = { "reason", "Reason changed (same verdict)" },
	[ASY_DIFF_ADDED] = { "added", "Units added (the plan changed)" },
	[ASY_DIFF_REMOVED] = { "removed", "Units removed (the plan changed)" },
};

static const char *const svc_kinds[ASY_DIFF_SVC__COUNT] = {
	[ASY_DIFF_SVC_UNDECLARED] = "new-undeclared",
	[ASY_DIFF_SVC_GONE] = "gone",
	[ASY_DIFF_SVC_OPENED] = "opened",
};

const char *
asy_diff_kind_name(enum asy_diff_kind k)
{
	return k < ASY_DIFF__COUNT ? kinds[k].name : "?";
}

const char *
asy_diff_kind_title(enum asy_diff_kind k)
{
	return k < ASY_DIFF__COUNT ? kinds[k].title : "?";
}

const char *
asy_diff_svc_kind_name(enum asy_diff_svc_kind k)
{
	return k < ASY_DIFF_SVC__COUNT ? svc_kinds[k] : "?";
}

/* ---- ordering ----------------------------------------------------------- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
asy_diff_idcmp(const char *a, const char *b)
{
	const char *p = a, *q = b;

	while (*p != '\0' && *q != '\0') {
		if (is_digit(*p) && is_digit(*q)) {
			const char *ps, *qs;
			size_t pn, qn;
			int c;

			while (*p == '0' && is_digit(p[1]))
				p++;
			while (*q == '0' && is_digit(q[1]))
				q++;
			for (ps = p; is_digit(*p); p++)
				;
			for (qs = q; is_digit(*q); q++)
				;
			pn = (size_t)(p - ps);
			qn = (size_t)(q - qs);
			if (pn != qn)
				return pn < qn ? -1 : 1;
			c = memcmp(ps, qs, pn);
			if (c != 0)
				return c;
			continue;
		}
		if (*p != *q)
			return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
		p++;
		q++;
	}
	if (*p != *q)
		return *p == '\0' ? -1 : 1;
	/* Equal as numbers ("01" and "1"): keep a total order. */
	return strcmp(a, b);
}

static int
key_cmp(const char *ca, const char *la, const char *cb, const char *lb)
{
	int c = asy_diff_idcmp(ca, cb);

	return c != 0 ? c : asy_diff_idcmp(la, lb);
}

static int
unit_ptr_cmp(const void *a, const void *b)
{
	const struct asy_run_unit *x = *(const struct asy_run_unit *const *)a;
	const struct asy_run_unit *y = *(const struct asy_run_unit *const *)b;

	return key_cmp(x->case_id, x->label, y->case_id, y->label);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct asy_diff_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return key_cmp(x->case_id, x->label, y->case_id, y->label);
}

static int
svc_cmp(const void *a, const void *b)
{
	const struct asy_diff_svc *x = a, *y = b;
	const struct asy_run_service *sx = x->new_s ? x->new_s : x->old_s;
	const struct asy_run_service *sy = y->new_s ? y->new_s : y->old_s;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(sx->proto, sy->proto);
	if (c != 0)
		return c;
	return sx->port < sy->port ? -1 : sx->port > sy->port;
}

/* ---- computing ---------------------------------------------------------- */

static int
undecided(enum asy_verdict v)
{
	return v == ASY_V_INCONCLUSIVE || v == ASY_V_ERROR || v == ASY_V_NONE;
}

/* The category of a unit in both runs, or -1 when it did not change. */
static int
classify(const struct asy_run_unit *o, const struct asy_run_unit *n)
{
	if (o->verdict == n->verdict)
		return strcmp(o->reason, n->reason) != 0 ? ASY_DIFF_REASON : -1;
	if (n->verdict == ASY_V_FAIL)
		return ASY_DIFF_REGRESSION;
	if (o->verdict == ASY_V_FAIL && !undecided(n->verdict))
		return ASY_DIFF_FIXED;
	if (!undecided(o->verdict) && undecided(n->verdict))
		return ASY_DIFF_LOST;
	if (undecided(o->verdict) && !undecided(n->verdict))
		return ASY_DIFF_REGAINED;
	return ASY_DIFF_CHANGED;
}

struct builder {
	struct asy_diff		*df;
	const struct asy_diff_opts *o;
	size_t			 cap_items;
	size_t			 cap_svcs;
	size_t			 cap_notes;
};

static int
add_item(struct builder *b, int kind, const struct asy_run_unit *o,
    const struct asy_run_unit *n)
{
	struct asy_diff *df = b->df;
	const struct asy_run_unit *u = n != NULL ? n : o;
	struct asy_diff_item *it;

	it = asy_array_add(&df->items, &df->n_items, &b->cap_items,
	    sizeof(*it));
	if (it == NULL)
		return ASY_E_NOMEM;
	it->kind = (enum asy_diff_kind)kind;
	it->group = u->group;
	it->case_id = u->case_id;
	it->label = u->label;
	it->old_u = o;
	it->new_u = n;
	if (kind == ASY_DIFF_REGRESSION && b->o->waivers != NULL) {
		it->waiver = asy_waivers_match(b->o->waivers, df->new->device,
		    u->case_id, u->label, b->o->today, &it->expired);
		if (it->waiver != NULL)
			it->kind = ASY_DIFF_WAIVED;
	}
	it->regressed = it->kind == ASY_DIFF_REGRESSION ||
	    (it->kind == ASY_DIFF_LOST && df->strict);
	return 0;
}

static int
add_note(struct builder *b, char *note)
{
	char **slot;

	if (note == NULL)
		return ASY_E_NOMEM;
	slot = asy_array_add(&b->df->notes, &b->df->n_notes, &b->cap_notes,
	    sizeof(*slot));
	if (slot == NULL) {
		free(note);
		return ASY_E_NOMEM;
	}
	*slot = note;
	return 0;
}

static const struct asy_run_unit **
sorted_units(const struct asy_runinfo *ri)
{
	const struct asy_run_unit **v;

	v = malloc((ri->n_units + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < ri->n_units; i++)
		v[i] = &ri->units[i];
	qsort(v, ri->n_units, sizeof(*v), unit_ptr_cmp);
	return v;
}

static int
diff_units(struct builder *b)
{
	const struct asy_runinfo *old = b->df->old, *new = b->df->new;
	const struct asy_run_unit **ov = NULL, **nv = NULL;
	size_t i = 0, j = 0;
	int r = 0;

	ov = sorted_units(old);
	nv = sorted_units(new);
	if (ov == NULL || nv == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	while (r == 0 && (i < old->n_units || j < new->n_units)) {
		int c, k;

		if (i == old->n_units)
			c = 1;
		else if (j == new->n_units)
			c = -1;
		else
			c = unit_ptr_cmp(&ov[i], &nv[j]);
		if (c < 0) {
			r = add_item(b, ASY_DIFF_REMOVED, ov[i++], NULL);
			continue;
		}
		if (c > 0) {
			r = add_item(b, nv[j]->verdict == ASY_V_FAIL ?
			    ASY_DIFF_REGRESSION : ASY_DIFF_ADDED, NULL,
			    nv[j]);
			j++;
			continue;
		}
		k = classify(ov[i], nv[j]);
		if (k < 0)
			b->df->n_unchanged++;
		else
			r = add_item(b, k, ov[i], nv[j]);
		i++;
		j++;
	}
out:
	free(ov);
	free(nv);
	return r;
}

static int
is_open(const char *match)
{
	return strcmp(match, "declared") == 0 ||
	    strcmp(match, "undeclared") == 0 ||
	    strcmp(match, "declared disabled") == 0;
}

static int
is_unexpected(const char *match)
{
	return strcmp(match, "undeclared") == 0 ||
	    strcmp(match, "declared disabled") == 0;
}

static const struct asy_run_service *
find_svc(const struct asy_runinfo *ri, const struct asy_run_service *s)
{
	for (size_t i = 0; i < ri->n_services; i++)
		if (ri->services[i].port == s->port &&
		    strcmp(ri->services[i].proto, s->proto) == 0)
			return &ri->services[i];
	return NULL;
}

static int
add_svc(struct builder *b, enum asy_diff_svc_kind k,
    const struct asy_run_service *o, const struct asy_run_service *n)
{
	struct asy_diff_svc *s;

	s = asy_array_add(&b->df->svcs, &b->df->n_svcs, &b->cap_svcs,
	    sizeof(*s));
	if (s == NULL)
		return ASY_E_NOMEM;
	s->kind = k;
	s->old_s = o;
	s->new_s = n;
	b->df->n_svc_kind[k]++;
	return 0;
}

static int
diff_services(struct builder *b)
{
	const struct asy_runinfo *old = b->df->old, *new = b->df->new;
	int r = 0;

	if (old->discovery_status == NULL || new->discovery_status == NULL) {
		b->df->svc_note = old->discovery_status == NULL &&
		    new->discovery_status == NULL ? "not compared: neither "
		    "run has discovery (offline runs)" :
		    old->discovery_status == NULL ? "not compared: the old "
		    "run has no discovery (an offline run)" : "not compared: "
		    "the new run has no discovery (an offline run)";
		return 0;
	}
	if (strcmp(old->discovery_status, "done") != 0 ||
	    strcmp(new->discovery_status, "done") != 0) {
		b->df->svc_note = "not compared: discovery did not finish in "
		    "at least one of the runs";
		return 0;
	}
	for (size_t i = 0; i < new->n_services && r == 0; i++) {
		const struct asy_run_service *n = &new->services[i];
		const struct asy_run_service *o = find_svc(old, n);

		if (is_unexpected(n->match) &&
		    (o == NULL || !is_unexpected(o->match)))
			r = add_svc(b, ASY_DIFF_SVC_UNDECLARED, o, n);
		else if (is_open(n->match) && (o == NULL || !is_open(o->match)))
			r = add_svc(b, ASY_DIFF_SVC_OPENED, o, n);
	}
	for (size_t i = 0; i < old->n_services && r == 0; i++) {
		const struct asy_run_service *o = &old->services[i];
		const struct asy_run_service *n = find_svc(new, o);

		if (is_open(o->match) && (n == NULL || !is_open(n->match)))
			r = add_svc(b, ASY_DIFF_SVC_GONE, o, n);
	}
	if (r == 0 && b->df->n_svcs > 1)
		qsort(b->df->svcs, b->df->n_svcs, sizeof(*b->df->svcs),
		    svc_cmp);
	return r;
}

/* Waivers matched against every FAIL of NEW that is not a regression. */
static void
match_persistent(struct builder *b)
{
	const struct asy_runinfo *new = b->df->new;

	for (size_t i = 0; i < new->n_units; i++) {
		const struct asy_run_unit *u = &new->units[i];
		const struct asy_run_unit *o;

		if (u->verdict != ASY_V_FAIL)
			continue;
		o = asy_runinfo_unit(b->df->old, u->case_id, u->label);
		if (o == NULL || o->verdict != ASY_V_FAIL)
			continue;	/* a regression: matched already */
		asy_waivers_match(b->o->waivers, new->device, u->case_id,
		    u->label, b->o->today, NULL);
	}
}

static int
compare_notes(struct builder *b)
{
	const struct asy_runinfo *old = b->df->old, *new = b->df->new;
	int r = 0;

	if (strcmp(old->device, new->device) != 0)
		r = add_note(b, asy_strdup_printf("the runs are of different "
		    "devices ('%.80s' and '%.80s'): every difference between "
		    "them is listed", old->device, new->device));
	if (r == 0 && strcmp(old->edition, new->edition) != 0)
		r = add_note(b, asy_strdup_printf("the runs use different "
		    "catalogue editions (%.40s and %.40s): their units do not "
		    "correspond", old->edition, new->edition));
	if (r == 0 && strcmp(old->mode, new->mode) != 0)
		r = add_note(b, asy_strdup_printf("one run is %.20s and the "
		    "other %.20s: functional units change with the mode, not "
		    "the device", old->mode, new->mode));
	return r;
}

void
asy_diff_free(struct asy_diff *df)
{
	if (df == NULL)
		return;
	free(df->items);
	free(df->svcs);
	for (size_t i = 0; i < df->n_notes; i++)
		free(df->notes[i]);
	free(df->notes);
	free(df->expired);
	free(df->unused);
	free(df);
}

int
asy_diff_compute(const struct asy_runinfo *old,
    const struct asy_runinfo *new, const struct asy_diff_opts *o,
    struct asy_diff **out)
{
	static const struct asy_diff_opts none = { 0 };
	struct builder b = { 0 };
	struct asy_diff *df;
	int r;

	if (o == NULL)
		o = &none;
	df = calloc(1, sizeof(*df));
	if (df == NULL)
		return ASY_E_NOMEM;
	df->old = old;
	df->new = new;
	df->strict = o->strict;
	df->waivers = o->waivers;
	asy_date_format(o->today, df->today);
	b.df = df;
	b.o = o;
	r = compare_notes(&b);
	if (r == 0)
		r = diff_units(&b);
	if (r == 0)
		r = diff_services(&b);
	if (r < 0)
		goto out;
	if (df->n_items > 1)
		qsort(df->items, df->n_items, sizeof(*df->items), item_cmp);
	for (size_t i = 0; i < df->n_items; i++) {
		df->n_kind[df->items[i].kind]++;
		if (df->items[i].regressed)
			df->n_regressions++;
	}
	df->n_regressions += df->n_svc_kind[ASY_DIFF_SVC_UNDECLARED];
	if (o->waivers != NULL) {
		match_persistent(&b);
		r = asy_waivers_list(o->waivers, o->today, 1, &df->expired,
		    &df->n_expired);
		if (r == 0)
			r = asy_waivers_list(o->waivers, o->today, 0,
			    &df->unused, &df->n_unused);
		if (r < 0)
			goto out;
	}
	*out = df;
	df = NULL;
out:
	asy_diff_free(df);
	return r;
}

int
asy_diff_exit_code(const struct asy_diff *df)
{
	return df->n_regressions > 0 ? ASY_EXIT_FAIL : ASY_EXIT_PASS;
}

/* ---- text --------------------------------------------------------------- */

/* At most this many bytes of a reason in the text rendering. */
#define TEXT_REASON_MAX	400

/*
 * Text from a report for a terminal: control bytes (an escape sequence
 * from a device's banner) become '?', and a long text is cut at a
 * character boundary with "...".
 */
static void
term(struct asy_emit *e, const char *s, size_t max)
{
	size_t n;
	int r = 0;

	if (s == NULL || e->err != 0)
		return;
	n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		r = asy_buf_putc(e->b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (r == 0 && n < strlen(s))
		r = asy_buf_puts(e->b, "...");
	if (r < 0)
		e->err = r;
}

static const char *
vname(const struct asy_run_unit *u)
{
	return u != NULL ? asy_verdict_name(u->verdict) : "(none)";
}

static void
text_run(struct asy_emit *e, const char *which, const struct asy_runinfo *ri)
{
	const char *where = ri->folder != NULL ? ri->folder : ri->report;

	asy_emit_printf(e, "%-9s ", which);
	term(e, ri->device[0] != '\0' ? ri->device : "(no device name)", 80);
	asy_emit_raw(e, " ");
	term(e, ri->id, 200);
	asy_emit_raw(e, " (");
	term(e, ri->date, 40);
	asy_emit_raw(e, ", ");
	term(e, ri->mode, 20);
	asy_emit_printf(e, "): %s\n", asy_verdict_name(ri->overall));
	if (strcmp(where, ri->id) != 0) {
		asy_emit_raw(e, "          ");
		term(e, where, 1000);
		asy_emit_raw(e, "\n");
	}
}

static void
text_waiver(struct asy_emit *e, const struct asy_waiver *wv)
{
	term(e, wv->owner, 80);
	asy_emit_raw(e, ", until ");
	term(e, wv->expires, 20);
	asy_emit_raw(e, ": ");
	term(e, wv->reason, TEXT_REASON_MAX);
}

static void
text_item(struct asy_emit *e, const struct asy_diff_item *it)
{
	const struct asy_run_unit *o = it->old_u, *n = it->new_u;

	asy_emit_raw(e, "  ");
	term(e, it->case_id, 40);
	asy_emit_raw(e, " ");
	term(e, it->label, 120);
	if (it->kind == ASY_DIFF_REASON)
		asy_emit_printf(e, "  %s\n", vname(n));
	else
		asy_emit_printf(e, "  %s -> %s\n", vname(o), vname(n));
	switch (it->kind) {
	case ASY_DIFF_WAIVED:
		asy_emit_raw(e, "      waived (");
		text_waiver(e, it->waiver);
		asy_emit_raw(e, ")\n");
		break;
	case ASY_DIFF_REASON:
		asy_emit_raw(e, "      was: ");
		term(e, o->reason, TEXT_REASON_MAX);
		asy_emit_raw(e, "\n      now: ");
		term(e, n->reason, TEXT_REASON_MAX);
		asy_emit_raw(e, "\n");
		break;
	case ASY_DIFF_REMOVED:
		break;
	default:
		if (n != NULL && n->reason[0] != '\0') {
			asy_emit_raw(e, "      now: ");
			term(e, n->reason, TEXT_REASON_MAX);
			asy_emit_raw(e, "\n");
		}
		break;
	}
	if (it->expired != NULL) {
		asy_emit_printf(e, "      not waived: the waiver on line %lu "
		    "expired on ", it->expired->line);
		term(e, it->expired->expires, 20);
		asy_emit_raw(e, "\n");
	}
}

static void
text_service(struct asy_emit *e, const struct asy_diff_svc *s)
{
	const struct asy_run_service *sv = s->new_s ? s->new_s : s->old_s;

	asy_emit_printf(e, "  %-15s ", asy_diff_svc_kind_name(s->kind));
	term(e, sv->proto, 10);
	asy_emit_printf(e, "/%u", sv->port);
	if (sv->name != NULL) {
		asy_emit_raw(e, " ");
		term(e, sv->name, 60);
	}
	if (sv->product != NULL) {
		asy_emit_raw(e, " \"");
		term(e, sv->product, 120);
		asy_emit_raw(e, "\"");
	}
	asy_emit_raw(e, " (");
	term(e, s->old_s ? s->old_s->match : "not seen", 40);
	asy_emit_raw(e, " -> ");
	term(e, s->new_s ? s->new_s->match : "not seen", 40);
	asy_emit_raw(e, ")\n");
}

static void
text_waiver_line(struct asy_emit *e, const char *what,
    const struct asy_waiver *wv)
{
	asy_emit_printf(e, "  %-8s line %lu: ", what, wv->line);
	term(e, wv->case_id, 40);
	if (wv->unit != NULL) {
		asy_emit_raw(e, " ");
		term(e, wv->unit, 120);
	}
	asy_emit_raw(e, " on ");
	term(e, wv->device, 80);
	asy_emit_raw(e, " (");
	text_waiver(e, wv);
	asy_emit_raw(e, ")\n");
}

int
asy_diff_render_text(const struct asy_diff *df, struct asy_buf *out)
{
	struct asy_emit e;
	int any = 0;

	asy_emit_init(&e, out);
	text_run(&e, "old:", df->old);
	text_run(&e, "new:", df->new);
	for (size_t i = 0; i < df->n_notes; i++) {
		asy_emit_raw(&e, "note: ");
		term(&e, df->notes[i], 1000);
		asy_emit_raw(&e, "\n");
	}
	asy_emit_printf(&e, "overall:  %s -> %s\n",
	    asy_verdict_name(df->old->overall),
	    asy_verdict_name(df->new->overall));
	asy_emit_raw(&e, "units:   ");
	for (int k = 0; k < ASY_DIFF__COUNT; k++) {
		if (df->n_kind[k] == 0)
			continue;
		asy_emit_printf(&e, "%s %lu %s", any ? "," : "", df->n_kind[k],
		    kinds[k].name);
		any = 1;
	}
	asy_emit_printf(&e, "%s %lu unchanged\n", any ? "," : "",
	    df->n_unchanged);
	if (df->svc_note != NULL)
		asy_emit_printf(&e, "services: %s\n", df->svc_note);
	else
		asy_emit_printf(&e, "services: %lu new undeclared, %lu gone, "
		    "%lu opened\n", df->n_svc_kind[ASY_DIFF_SVC_UNDECLARED],
		    df->n_svc_kind[ASY_DIFF_SVC_GONE],
		    df->n_svc_kind[ASY_DIFF_SVC_OPENED]);
	if (df->n_regressions > 0)
		asy_emit_printf(&e, "result:   REGRESSED: %lu regression%s%s\n",
		    df->n_regressions, df->n_regressions == 1 ? "" : "s",
		    df->strict ? " (--strict: lost verdicts count)" : "");
	else
		asy_emit_printf(&e, "result:   no regression%s\n",
		    df->strict ? " (--strict)" : "");
	for (int k = 0; k < ASY_DIFF__COUNT; k++) {
		if (df->n_kind[k] == 0)
			continue;
		asy_emit_printf(&e, "\n%s: %lu\n", kinds[k].title,
		    df->n_kind[k]);
		for (size_t i = 0; i < df->n_items; i++)
			if (df->items[i].kind == (enum asy_diff_kind)k)
				text_item(&e, &df->items[i]);
	}
	if (df->n_svcs > 0) {
		asy_emit_raw(&e, "\nServices:\n");
		for (size_t i = 0; i < df->n_svcs; i++)
			text_service(&e, &df->svcs[i]);
	}
	if (df->waivers != NULL && (df->n_expired > 0 || df->n_unused > 0)) {
		asy_emit_raw(&e, "\nWaivers (");
		term(&e, df->waivers->path, 1000);
		asy_emit_printf(&e, ", today %s):\n", df->today);
		for (size_t i = 0; i < df->n_expired; i++)
			text_waiver_line(&e, "expired", df->expired[i]);
		for (size_t i = 0; i < df->n_unused; i++)
			text_waiver_line(&e, "unused", df->unused[i]);
	}
	return asy_emit_end(&e);
}

/* ---- XML ---------------------------------------------------------------- */

static void
xml_text_elem(struct asy_emit *e, const char *indent, const char *name,
    const char *text)
{
	if (text == NULL)
		return;
	asy_emit_printf(e, "%s<%s>", indent, name);
	asy_emit_xml(e, text);
	asy_emit_printf(e, "</%s>\n", name);
}

static void
xml_run(struct asy_emit *e, const char *name, const struct asy_runinfo *ri)
{
	asy_emit_printf(e, "  <%s", name);
	asy_emit_attr(e, "id", ri->id);
	asy_emit_attr(e, "path", ri->folder != NULL ? ri->folder : ri->report);
	asy_emit_attr(e, "device", ri->device);
	asy_emit_attr(e, "date", ri->date);
	asy_emit_attr(e, "mode", ri->mode);
	asy_emit_attr(e, "edition", ri->edition);
	asy_emit_attr(e, "verdict", asy_verdict_name(ri->overall));
	asy_emit_raw(e, "/>\n");
}

static void
xml_waiver_attrs(struct asy_emit *e, const struct asy_waiver *wv)
{
	asy_emit_attr(e, "case", wv->case_id);
	asy_emit_attr(e, "unit", wv->unit);
	asy_emit_attr(e, "device", wv->device);
	asy_emit_attr(e, "owner", wv->owner);
	asy_emit_attr(e, "expires", wv->expires);
	asy_emit_printf(e, " line=\"%lu\"", wv->line);
}

static void
xml_waiver(struct asy_emit *e, const char *indent, const char *name,
    const struct asy_waiver *wv)
{
	asy_emit_printf(e, "%s<%s", indent, name);
	xml_waiver_attrs(e, wv);
	asy_emit_raw(e, ">");
	asy_emit_xml(e, wv->reason);
	asy_emit_printf(e, "</%s>\n", name);
}

static void
xml_item(struct asy_emit *e, const struct asy_diff_item *it)
{
	asy_emit_printf(e, "  <change kind=\"%s\"", kinds[it->kind].name);
	asy_emit_attr(e, "group", it->group);
	asy_emit_attr(e, "case", it->case_id);
	asy_emit_attr(e, "unit", it->label);
	if (it->old_u != NULL)
		asy_emit_attr(e, "old", asy_verdict_name(it->old_u->verdict));
	if (it->new_u != NULL)
		asy_emit_attr(e, "new", asy_verdict_name(it->new_u->verdict));
	asy_emit_printf(e, " regression=\"%s\">\n",
	    it->regressed ? "true" : "false");
	if (it->old_u != NULL)
		xml_text_elem(e, "    ", "old-reason", it->old_u->reason);
	if (it->new_u != NULL)
		xml_text_elem(e, "    ", "new-reason", it->new_u->reason);
	if (it->waiver != NULL)
		xml_waiver(e, "    ", "waiver", it->waiver);
	if (it->expired != NULL)
		xml_waiver(e, "    ", "expired-waiver", it->expired);
	asy_emit_raw(e, "  </change>\n");
}

static void
xml_service(struct asy_emit *e, const struct asy_diff_svc *s)
{
	const struct asy_run_service *sv = s->new_s ? s->new_s : s->old_s;

	asy_emit_printf(e, "  <service kind=\"%s\"",
	    asy_diff_svc_kind_name(s->kind));
	asy_emit_attr(e, "proto", sv->proto);
	asy_emit_printf(e, " port=\"%u\"", sv->port);
	if (s->old_s != NULL)
		asy_emit_attr(e, "old-match", s->old_s->match);
	if (s->new_s != NULL)
		asy_emit_attr(e, "new-match", s->new_s->match);
	asy_emit_attr(e, "name", sv->name);
	asy_emit_attr(e, "product", sv->product);
	asy_emit_attr(e, "row", sv->row);
	asy_emit_printf(e, " regression=\"%s\"/>\n",
	    s->kind == ASY_DIFF_SVC_UNDECLARED ? "true" : "false");
}

int
asy_diff_render_xml(const struct asy_diff *df, struct asy_buf *out)
{
	struct asy_emit e;

	asy_emit_init(&e, out);
	asy_emit_printf(&e, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<diff format=\"1\" xmlns=\"urn:assay:diff:1\" regressed=\"%s\" "
	    "regressions=\"%lu\" strict=\"%s\">\n",
	    df->n_regressions > 0 ? "true" : "false", df->n_regressions,
	    df->strict ? "true" : "false");
	xml_run(&e, "old", df->old);
	xml_run(&e, "new", df->new);
	for (size_t i = 0; i < df->n_notes; i++)
		xml_text_elem(&e, "  ", "note", df->notes[i]);
	asy_emit_raw(&e, "  <counts");
	for (int k = 0; k < ASY_DIFF__COUNT; k++)
		asy_emit_printf(&e, " %s=\"%lu\"", kinds[k].name,
		    df->n_kind[k]);
	asy_emit_printf(&e, " unchanged=\"%lu\"", df->n_unchanged);
	for (int k = 0; k < ASY_DIFF_SVC__COUNT; k++)
		asy_emit_printf(&e, " services-%s=\"%lu\"", svc_kinds[k],
		    df->n_svc_kind[k]);
	asy_emit_raw(&e, "/>\n");
	if (df->svc_note != NULL)
		xml_text_elem(&e, "  ", "services-note", df->svc_note);
	for (size_t i = 0; i < df->n_items; i++)
		xml_item(&e, &df->items[i]);
	for (size_t i = 0; i < df->n_svcs; i++)
		xml_service(&e, &df->svcs[i]);
	if (df->waivers != NULL) {
		asy_emit_raw(&e, "  <waivers");
		asy_emit_attr(&e, "file", df->waivers->path);
		asy_emit_attr(&e, "today", df->today);
		asy_emit_raw(&e, ">\n");
		for (size_t i = 0; i < df->n_expired; i++)
			xml_waiver(&e, "    ", "expired", df->expired[i]);
		for (size_t i = 0; i < df->n_unused; i++)
			xml_waiver(&e, "    ", "unused", df->unused[i]);
		asy_emit_raw(&e, "  </waivers>\n");
	}
	asy_emit_raw(&e, "</diff>\n");
	return asy_emit_end(&e);
}

/* ---- JUnit -------------------------------------------------------------- */

/*
 * One testcase per changed unit (classname the case ID, name the unit
 * label) and per changed service (classname "service", name
 * "proto/port"): regressions and new undeclared services are failures;
 * waived ones are skipped with the waiver as message; the rest pass, with
 * what changed as system-out.
 */
static void
junit_details(struct asy_emit *e, const struct asy_diff_item *it)
{
	asy_emit_printf(e, "%s: %s -> %s", kinds[it->kind].name,
	    vname(it->old_u), vname(it->new_u));
	if (it->old_u != NULL) {
		asy_emit_raw(e, "\nwas: ");
		asy_emit_xml(e, it->old_u->reason);
	}
	if (it->new_u != NULL) {
		asy_emit_raw(e, "\nnow: ");
		asy_emit_xml(e, it->new_u->reason);
		for (size_t i = 0; i < it->new_u->n_evidence; i++) {
			asy_emit_raw(e, "\nevidence: ");
			asy_emit_xml(e, it->new_u->evidence[i]);
		}
	}
	if (it->expired != NULL) {
		asy_emit_printf(e, "\nnot waived: the waiver on line %lu "
		    "expired on ", it->expired->line);
		asy_emit_xml(e, it->expired->expires);
	}
}

static void
junit_item(struct asy_emit *e, const struct asy_diff_item *it)
{
	asy_emit_raw(e, "    <testcase");
	asy_emit_attr(e, "classname", it->case_id);
	asy_emit_attr(e, "name", it->label);
	asy_emit_raw(e, ">\n");
	if (it->regressed) {
		asy_emit_printf(e, "      <failure type=\"%s\" message=\"%s -> "
		    "%s", kinds[it->kind].name, vname(it->old_u),
		    vname(it->new_u));
		if (it->new_u != NULL && it->new_u->reason[0] != '\0') {
			asy_emit_raw(e, ": ");
			asy_emit_attr_text(e, it->new_u->reason);
		}
		asy_emit_raw(e, "\">");
		junit_details(e, it);
		asy_emit_raw(e, "</failure>\n");
	} else {
		if (it->waiver != NULL) {
			asy_emit_raw(e, "      <skipped message=\"waived (");
			asy_emit_attr_text(e, it->waiver->owner);
			asy_emit_raw(e, ", until ");
			asy_emit_attr_text(e, it->waiver->expires);
			asy_emit_raw(e, ": ");
			asy_emit_attr_text(e, it->waiver->reason);
			asy_emit_raw(e, ")\"/>\n");
		}
		asy_emit_raw(e, "      <system-out>");
		junit_details(e, it);
		asy_emit_raw(e, "</system-out>\n");
	}
	asy_emit_raw(e, "    </testcase>\n");
}

static void
junit_service(struct asy_emit *e, const struct asy_diff_svc *s)
{
	const struct asy_run_service *sv = s->new_s ? s->new_s : s->old_s;

	asy_emit_raw(e, "    <testcase classname=\"service\" name=\"");
	asy_emit_attr_text(e, sv->proto);
	asy_emit_printf(e, "/%u\">\n", sv->port);
	asy_emit_printf(e, "      <%s", s->kind == ASY_DIFF_SVC_UNDECLARED ?
	    "failure type=\"new-undeclared\" message=\"new undeclared "
	    "service\">" : "system-out>");
	asy_emit_printf(e, "%s: ", asy_diff_svc_kind_name(s->kind));
	asy_emit_xml(e, s->old_s ? s->old_s->match : "not seen");
	asy_emit_raw(e, " -> ");
	asy_emit_xml(e, s->new_s ? s->new_s->match : "not seen");
	if (sv->name != NULL) {
		asy_emit_raw(e, "\nservice: ");
		asy_emit_xml(e, sv->name);
	}
	if (sv->product != NULL) {
		asy_emit_raw(e, "\nproduct: ");
		asy_emit_xml(e, sv->product);
	}
	asy_emit_printf(e, "</%s>\n    </testcase>\n",
	    s->kind == ASY_DIFF_SVC_UNDECLARED ? "failure" : "system-out");
}

static void
junit_property(struct asy_emit *e, const char *name, const char *value)
{
	asy_emit_printf(e, "      <property name=\"%s\"", name);
	asy_emit_attr(e, "value", value != NULL ? value : "");
	asy_emit_raw(e, "/>\n");
}

int
asy_diff_render_junit(const struct asy_diff *df, struct asy_buf *out)
{
	struct asy_emit e;
	unsigned long tests = df->n_items + df->n_svcs;
	unsigned long skipped = df->n_kind[ASY_DIFF_WAIVED];

	asy_emit_init(&e, out);
	asy_emit_raw(&e, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"assay diff\"");
	asy_emit_printf(&e, " tests=\"%lu\" failures=\"%lu\" errors=\"0\" "
	    "skipped=\"%lu\">\n", tests, df->n_regressions, skipped);
	asy_emit_raw(&e, "  <testsuite id=\"0\" name=\"assay diff ");
	asy_emit_attr_text(&e, df->old->id);
	asy_emit_raw(&e, " -&gt; ");
	asy_emit_attr_text(&e, df->new->id);
	asy_emit_printf(&e, "\" tests=\"%lu\" failures=\"%lu\" errors=\"0\" "
	    "skipped=\"%lu\">\n    <properties>\n", tests, df->n_regressions,
	    skipped);
	junit_property(&e, "old-run", df->old->id);
	junit_property(&e, "new-run", df->new->id);
	junit_property(&e, "device", df->new->device);
	junit_property(&e, "old-verdict", asy_verdict_name(df->old->overall));
	junit_property(&e, "new-verdict", asy_verdict_name(df->new->overall));
	junit_property(&e, "strict", df->strict ? "true" : "false");
	asy_emit_raw(&e, "    </properties>\n");
	for (size_t i = 0; i < df->n_items; i++)
		junit_item(&e, &df->items[i]);
	for (size_t i = 0; i < df->n_svcs; i++)
		junit_service(&e, &df->svcs[i]);
	asy_emit_raw(&e, "  </testsuite>\n</testsuites>\n");
	return asy_emit_end(&e);
}

/* ---- HTML --------------------------------------------------------------- */

/*
 * A fragment for a page (the dashboard's /compare): a <section
 * class="diff"> with the two runs, the counts, and a table of the changed
 * units in the order of the model (regressions first).  Verdicts are
 * <span class="v v-SLUG"> as in the report and the dashboard, whose CSS
 * colours them; rows carry class="k-KIND".  Every string from a run or a
 * waiver file is escaped (asy_emit_xml): the fragment is well-formed XML,
 * has no inline style or script, and holds no control byte.
 */
static void
html_verdict(struct asy_emit *e, const struct asy_run_unit *u)
{
	if (u == NULL) {
		asy_emit_raw(e, "<span class=\"v v-none\">(none)</span>");
		return;
	}
	asy_emit_printf(e, "<span class=\"v v-%s\">%s</span>",
	    asy_verdict_slug(u->verdict), asy_verdict_name(u->verdict));
}

static void
html_run(struct asy_emit *e, const char *which, const struct asy_runinfo *ri)
{
	asy_emit_printf(e, "<tr><th>%s</th><td>", which);
	asy_emit_xml(e, ri->device[0] != '\0' ? ri->device :
	    "(no device name)");
	asy_emit_raw(e, " <code>");
	asy_emit_xml(e, ri->id);
	asy_emit_raw(e, "</code> <span class=\"muted\">(");
	asy_emit_xml(e, ri->date);
	asy_emit_raw(e, ", ");
	asy_emit_xml(e, ri->mode);
	asy_emit_printf(e, ")</span> <span class=\"v v-%s\">%s</span>"
	    "</td></tr>\n", asy_verdict_slug(ri->overall),
	    asy_verdict_name(ri->overall));
}

static void
html_waiver(struct asy_emit *e, const struct asy_waiver *wv)
{
	asy_emit_xml(e, wv->owner);
	asy_emit_raw(e, ", until ");
	asy_emit_xml(e, wv->expires);
	asy_emit_raw(e, ": ");
	asy_emit_xml(e, wv->reason);
}

/* A reason line: "<div>was: ...</div>" and the like. */
static void
html_reason(struct asy_emit *e, const char *label, const char *reason)
{
	if (reason == NULL || reason[0] == '\0')
		return;
	asy_emit_raw(e, "<div>");
	if (label != NULL)
		asy_emit_printf(e, "<span class=\"muted\">%s</span> ", label);
	asy_emit_xml(e, reason);
	asy_emit_raw(e, "</div>");
}

static void
html_item(struct asy_emit *e, const struct asy_diff_item *it)
{
	const struct asy_run_unit *o = it->old_u, *n = it->new_u;

	asy_emit_printf(e, "<tr class=\"k-%s\"><td>%s</td><td><code>",
	    kinds[it->kind].name, kinds[it->kind].name);
	asy_emit_xml(e, it->case_id);
	asy_emit_raw(e, "</code></td><td>");
	asy_emit_xml(e, it->label);
	asy_emit_raw(e, "</td><td>");
	html_verdict(e, o);
	asy_emit_raw(e, "</td><td>");
	html_verdict(e, n);
	asy_emit_raw(e, "</td><td class=\"why\">");
	switch (it->kind) {
	case ASY_DIFF_REASON:
		html_reason(e, "was:", o->reason);
		html_reason(e, "now:", n->reason);
		break;
	case ASY_DIFF_REMOVED:
		html_reason(e, "was:", o->reason);
		break;
	default:
		html_reason(e, NULL, n != NULL ? n->reason : NULL);
		break;
	}
	if (it->waiver != NULL) {
		asy_emit_raw(e, "<div class=\"small\">waived (");
		html_waiver(e, it->waiver);
		asy_emit_raw(e, ")</div>");
	}
	if (it->expired != NULL) {
		asy_emit_printf(e, "<div class=\"small\">not waived: the "
		    "waiver on line %lu expired on ", it->expired->line);
		asy_emit_xml(e, it->expired->expires);
		asy_emit_raw(e, "</div>");
	}
	asy_emit_raw(e, "</td></tr>\n");
}

static void
html_service(struct asy_emit *e, const struct asy_diff_svc *s)
{
	const struct asy_run_service *sv = s->new_s ? s->new_s : s->old_s;

	asy_emit_printf(e, "<tr class=\"k-%s\"><td>%s</td><td><code>",
	    svc_kinds[s->kind], svc_kinds[s->kind]);
	asy_emit_xml(e, sv->proto);
	asy_emit_printf(e, "/%u</code></td><td>", sv->port);
	asy_emit_xml(e, sv->name);
	asy_emit_raw(e, "</td><td class=\"why\">");
	asy_emit_xml(e, sv->product);
	asy_emit_raw(e, "</td><td>");
	asy_emit_xml(e, s->old_s ? s->old_s->match : "not seen");
	asy_emit_raw(e, " &#8594; ");
	asy_emit_xml(e, s->new_s ? s->new_s->match : "not seen");
	asy_emit_raw(e, "</td></tr>\n");
}

static void
html_waiver_row(struct asy_emit *e, const char *what,
    const struct asy_waiver *wv)
{
	asy_emit_printf(e, "<li>%s, line %lu: <code>", what, wv->line);
	asy_emit_xml(e, wv->case_id);
	if (wv->unit != NULL) {
		asy_emit_raw(e, " ");
		asy_emit_xml(e, wv->unit);
	}
	asy_emit_raw(e, "</code> on ");
	asy_emit_xml(e, wv->device);
	asy_emit_raw(e, " (");
	html_waiver(e, wv);
	asy_emit_raw(e, ")</li>\n");
}

int
asy_diff_render_html(const struct asy_diff *df, struct asy_buf *out)
{
	struct asy_emit e;
	int any = 0;

	asy_emit_init(&e, out);
	asy_emit_raw(&e, "<section class=\"diff\">\n<table class=\"facts\">\n");
	html_run(&e, "Old", df->old);
	html_run(&e, "New", df->new);
	asy_emit_raw(&e, "</table>\n");
	for (size_t i = 0; i < df->n_notes; i++) {
		asy_emit_raw(&e, "<p class=\"why\">Note: ");
		asy_emit_xml(&e, df->notes[i]);
		asy_emit_raw(&e, "</p>\n");
	}
	asy_emit_printf(&e, "<p class=\"diff-result\"><strong>%s</strong>: ",
	    df->n_regressions > 0 ? "Regressed" : "No regression");
	for (int k = 0; k < ASY_DIFF__COUNT; k++) {
		if (df->n_kind[k] == 0)
			continue;
		asy_emit_printf(&e, "%s%lu %s", any ? ", " : "",
		    df->n_kind[k], kinds[k].name);
		any = 1;
	}
	asy_emit_printf(&e, "%s%lu unchanged", any ? ", " : "",
	    df->n_unchanged);
	if (df->n_regressions > 0)
		asy_emit_printf(&e, "; %lu counted as regression%s%s",
		    df->n_regressions, df->n_regressions == 1 ? "" : "s",
		    df->strict ? " (strict: lost verdicts count)" : "");
	asy_emit_raw(&e, ".</p>\n");
	if (df->n_items > 0) {
		asy_emit_raw(&e, "<table class=\"diff-units\">\n<thead><tr>"
		    "<th>Change</th><th>Case</th><th>Unit</th><th>Old</th>"
		    "<th>New</th><th>Reason</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < df->n_items; i++)
			html_item(&e, &df->items[i]);
		asy_emit_raw(&e, "</tbody>\n</table>\n");
	} else
		asy_emit_raw(&e, "<p class=\"muted\">No unit changed.</p>\n");
	asy_emit_raw(&e, "<h3>Services</h3>\n");
	if (df->svc_note != NULL) {
		asy_emit_raw(&e, "<p class=\"muted\">");
		asy_emit_xml(&e, df->svc_note);
		asy_emit_raw(&e, "</p>\n");
	} else if (df->n_svcs > 0) {
		asy_emit_raw(&e, "<table class=\"diff-services\">\n<thead><tr>"
		    "<th>Change</th><th>Port</th><th>Service</th>"
		    "<th>Product</th><th>Match</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < df->n_svcs; i++)
			html_service(&e, &df->svcs[i]);
		asy_emit_raw(&e, "</tbody>\n</table>\n");
	} else
		asy_emit_raw(&e, "<p class=\"muted\">No service changed."
		    "</p>\n");
	if (df->waivers != NULL && (df->n_expired > 0 || df->n_unused > 0)) {
		asy_emit_raw(&e, "<h3>Waivers</h3>\n<p class=\"muted\">");
		asy_emit_xml(&e, df->waivers->path);
		asy_emit_printf(&e, ", today %s</p>\n<ul>\n", df->today);
		for (size_t i = 0; i < df->n_expired; i++)
			html_waiver_row(&e, "expired", df->expired[i]);
		for (size_t i = 0; i < df->n_unused; i++)
			html_waiver_row(&e, "unused", df->unused[i]);
		asy_emit_raw(&e, "</ul>\n");
	}
	asy_emit_raw(&e, "</section>\n");
	return asy_emit_end(&e);
}

/* ---- the table ---------------------------------------------------------- */

const struct asy_diff_renderer asy_diff_renderers[] = {
	{ "text", "for a terminal: counts first, then changes by category",
	  asy_diff_render_text },
	{ "xml", "for tools (reports/schema/diff.xsd)", asy_diff_render_xml },
	{ "junit", "for CI: one testcase per changed unit, regressions fail",
	  asy_diff_render_junit },
	{ "html", "an HTML fragment for a page: a table of the changed units, "
	  "regressions first", asy_diff_render_html },
};
const size_t asy_n_diff_renderers = ASY_ELEMENTSOF(asy_diff_renderers);

const struct asy_diff_renderer *
asy_diff_renderer_find(const char *name)
{
	for (size_t i = 0; i < asy_n_diff_renderers; i++)
		if (strcmp(asy_diff_renderers[i].name, name) == 0)
			return &asy_diff_renderers[i];
	return NULL;
}
