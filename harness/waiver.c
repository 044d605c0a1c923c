/*
 * Waiver files (see waiver.h): loading with every check, matching FAILs,
 * and dates.
 */
#include "waiver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "error.h"
#include "util.h"
#include "xml.h"

/* ---- dates -------------------------------------------------------------- */

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a valid civil date (H. Hinnant's algorithm). */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
asy_date_format(long days, char buf[11])
{
	long z = days + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
}

static int
digits(const char *s, size_t n, long *out)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
asy_date_parse(const char *s, long *days, char *why, size_t why_len)
{
	static const char *const months[12] = {
		"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November",
		"December",
	};
	long y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0) {
		asy_why(why, why_len, "is not a date in the form YYYY-MM-DD");
		return ASY_E_INPUT;
	}
	if (y < 1970) {
		asy_why(why, why_len, "is before 1970");
		return ASY_E_INPUT;
	}
	if (m < 1 || m > 12) {
		asy_why(why, why_len, "has no month %ld (01 to 12)", m);
		return ASY_E_INPUT;
	}
	if (d < 1 || d > month_days(y, (int)m)) {
		asy_why(why, why_len, "is not a day: %s %ld has %d days",
		    months[m - 1], y, month_days(y, (int)m));
		return ASY_E_INPUT;
	}
	*days = days_from_civil(y, (int)m, (int)d);
	return 0;
}

int
asy_waivers_today(const char *override, long *days, char *why,
    size_t why_len)
{
	const char *env = getenv("ASSAY_TODAY");
	const char *s = override != NULL ? override :
	    env != NULL && *env != '\0' ? env : NULL;
	char inner[128];
	struct tm tm;
	time_t t;

	if (s != NULL) {
		if (asy_date_parse(s, days, inner, sizeof(inner)) == 0)
			return 0;
		asy_why(why, why_len, "%s '%.40s' %s",
		    override != NULL ? "--today" : "ASSAY_TODAY", s, inner);
		return ASY_E_INPUT;
	}
	t = time(NULL);
	gmtime_r(&t, &tm);
	*days = days_from_civil(tm.tm_year + 1900L, tm.tm_mon + 1,
	    tm.tm_mday);
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

void
asy_waivers_free(struct asy_waivers *w)
{
	if (w == NULL)
		return;
	free(w->v);
	asy_xdoc_free(w->doc);
	free(w->path);
	free(w);
}

static const struct asy_cat_group *
cat_group(const struct asy_catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->n_groups; i++)
		if (strcmp(cat->groups[i].id, id) == 0)
			return &cat->groups[i];
	return NULL;
}

/* "a" or "a:ROW-ID": a letter, then optionally ':' and a non-empty row. */
static int
unit_syntax_ok(const char *u)
{
	if (u[0] < 'a' || u[0] > 'z')
		return 0;
	if (u[1] == '\0')
		return 1;
	return u[1] == ':' && u[2] != '\0';
}

static void
check_ids(const struct asy_waiver *wv, const char *path,
    const struct asy_catalogue *cat, struct asy_diags *d)
{
	const struct asy_cat_case *c;
	size_t k;

	if (wv->unit != NULL && !unit_syntax_ok(wv->unit)) {
		asy_diag_error(d, path, wv->line, "unit '%s' is not a unit: "
		    "write a unit letter (\"a\"), LETTER:ROW-ID "
		    "(\"b:AuthMech-SSH\"), or leave unit out for every unit of "
		    "the case", wv->unit);
		return;
	}
	if (cat == NULL)
		return;
	c = asy_catalogue_case(cat, wv->case_id);
	if (c == NULL) {
		if (cat_group(cat, wv->case_id) == NULL)
			asy_diag_error(d, path, wv->line, "test case '%s' does "
			    "not exist in %s; write a case ID (\"5.1-1-2\") or "
			    "a group ID (\"5.1-2\") of that catalogue",
			    wv->case_id, cat->id);
		else if (wv->unit != NULL)
			asy_diag_error(d, path, wv->line, "'%s' is a test "
			    "group, which has no units; leave unit out to "
			    "waive the group's own FAIL (its ICS row)",
			    wv->case_id);
		return;
	}
	if (wv->unit == NULL)
		return;
	for (k = 0; k < c->n_units; k++)
		if (c->units[k].id[0] == wv->unit[0] &&
		    c->units[k].id[1] == '\0')
			break;
	if (k == c->n_units)
		asy_diag_error(d, path, wv->line, "case %s has no unit '%c' "
		    "in %s; write one of its unit letters, or leave unit out",
		    wv->case_id, wv->unit[0], cat->id);
}

static int
same_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
asy_waivers_load(const char *path, const struct asy_catalogue *cat,
    struct asy_diags *d, struct asy_waivers **out)
{
	struct asy_waivers *w = NULL;
	const struct asy_xnode *root;
	unsigned long errors_before = d->n_errors;
	size_t cap = 0;
	char *xsd = NULL;
	int r;

	w = calloc(1, sizeof(*w));
	xsd = asy_data_path("lab-config/schema/waivers.xsd");
	if (w == NULL || xsd == NULL || (w->path = asy_strdup(path)) ==
	    NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_xml_load(path, xsd, ASY_XML_MAX_INPUT, d, &w->doc);
	if (r < 0)
		goto out;
	root = asy_xdoc_root(w->doc);
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *n = &root->children[i];
		struct asy_waiver *wv;
		char why[128];

		wv = asy_array_add(&w->v, &w->n, &cap, sizeof(*wv));
		if (wv == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		wv->case_id = asy_xnode_attr(n, "case");
		wv->unit = asy_xnode_attr(n, "unit");
		wv->device = asy_xnode_attr(n, "device");
		wv->owner = asy_xnode_attr(n, "owner");
		wv->expires = asy_xnode_attr(n, "expires");
		wv->reason = n->text;
		wv->line = n->line;
		/* The schema guarantees the required attributes. */
		if (asy_date_parse(wv->expires, &wv->expiry_day, why,
		    sizeof(why)) < 0)
			asy_diag_error(d, path, n->line, "expires \"%.40s\" %s; "
			    "write the last day the waiver applies as "
			    "YYYY-MM-DD, for example 2027-01-31",
			    wv->expires, why);
		if (asy_str_blank(wv->owner))
			asy_diag_error(d, path, n->line, "the waiver has no "
			    "owner; write who answers for it in owner=\"...\"");
		if (asy_str_blank(wv->reason))
			asy_diag_error(d, path, n->line, "the waiver has no "
			    "reason; write why the FAIL is accepted as the "
			    "element's text");
		check_ids(wv, path, cat, d);
		for (size_t j = 0; j + 1 < w->n; j++) {
			const struct asy_waiver *o = &w->v[j];

			if (strcmp(o->case_id, wv->case_id) == 0 &&
			    same_opt(o->unit, wv->unit) &&
			    strcmp(o->device, wv->device) == 0) {
				asy_diag_error(d, path, n->line, "a second "
				    "waiver for case %s%s%s on device %s (the "
				    "first is on line %lu); keep one of them",
				    wv->case_id, wv->unit ? " unit " : "",
				    wv->unit ? wv->unit : "", wv->device,
				    o->line);
				break;
			}
		}
	}
	if (d->n_errors > errors_before) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = w;
	w = NULL;
out:
	asy_waivers_free(w);
	free(xsd);
	return r;
}

/* ---- matching ----------------------------------------------------------- */

int
asy_waiver_expired(const struct asy_waiver *wv, long today)
{
	return today > wv->expiry_day;
}

/*
 * How specifically wv covers (device, case, label): 0 not at all, else
 * higher is more specific.
 */
static int
specificity(const struct asy_waiver *wv, const char *device,
    const char *case_id, const char *label)
{
	int s = 1;

	if (strcmp(wv->case_id, case_id) != 0)
		return 0;
	if (strcmp(wv->device, "*") != 0) {
		if (device == NULL || strcmp(wv->device, device) != 0)
			return 0;
		s += 1;
	}
	if (wv->unit == NULL)
		return s;
	if (strcmp(wv->unit, label) == 0)
		return s + 4;
	if (wv->unit[1] == '\0' && label[0] == wv->unit[0] &&
	    label[1] == ':')
		return s + 2;
	return 0;
}

const struct asy_waiver *
asy_waivers_match(struct asy_waivers *w, const char *device,
    const char *case_id, const char *label, long today,
    const struct asy_waiver **expired)
{
	struct asy_waiver *best = NULL, *best_exp = NULL;
	int best_s = 0, best_exp_s = 0;

	if (w == NULL)
		return NULL;
	for (size_t i = 0; i < w->n; i++) {
		struct asy_waiver *wv = &w->v[i];
		int s = specificity(wv, device, case_id, label);

		if (s == 0)
			continue;
		if (asy_waiver_expired(wv, today)) {
			if (s > best_exp_s) {
				best_exp = wv;
				best_exp_s = s;
			}
		} else if (s > best_s) {
			best = wv;
			best_s = s;
		}
	}
	if (best != NULL)
		best->n_matched++;
	if (best_exp != NULL)
		best_exp->n_matched++;
	if (expired != NULL)
		*expired = best == NULL ? best_exp : NULL;
	return best;
}

int
asy_waivers_list(const struct asy_waivers *w, long today, int expired,
    const struct asy_waiver ***out, size_t *n)
{
	const struct asy_waiver **v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (w == NULL || w->n == 0)
		return 0;
	v = calloc(w->n, sizeof(*v));
	if (v == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < w->n; i++) {
		const struct asy_waiver *wv = &w->v[i];
		int exp = asy_waiver_expired(wv, today);

		if (expired ? exp : (!exp && wv->n_matched == 0))
			v[k++] = wv;
	}
	if (k == 0) {
		free(v);
		return 0;
	}
	*out = v;
	*n = k;
	return 0;
}
