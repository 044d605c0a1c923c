/*
 * Waivers: known FAILs that a lab has accepted for a while.
 *
 * A waiver file (lab-config/schema/waivers.xsd, format 1) lists
 *
 *   <waivers format="1">
 *     <waiver case="5.1-5-2" unit="a" device="weak" owner="j.doe"
 *         expires="2027-01-31">the vendor's fix ships in 1.5</waiver>
 *   </waivers>
 *
 * case is a test case ID, or a group ID for a group decided by its ICS
 * row.  unit is optional: absent, every unit of the case; "a", unit a and
 * every fan-out of it ("a:AuthMech-SSH"); "a:ROW", that one fan-out.
 * device is required: a DUT name as the ICS gives it (<dut name>), or "*"
 * for every device.  owner and the text (the reason) must not be blank.
 * expires is a date, YYYY-MM-DD: the waiver applies up to and including
 * that day, and from the next day on it is expired, applies to nothing and
 * is reported.
 *
 * A waiver turns a FAIL into "waived" in a diff or a summary; it never
 * changes a verdict in a report.
 */
#ifndef ASSAY_WAIVER_H
#define ASSAY_WAIVER_H

#include <stddef.h>

#include "diag.h"

struct asy_catalogue;

struct asy_waiver {
	const char	*case_id;
	const char	*unit;		/* NULL: every unit of the case */
	const char	*device;	/* a DUT name, or "*" */
	const char	*owner;
	const char	*expires;	/* "YYYY-MM-DD" as written */
	const char	*reason;
	unsigned long	 line;		/* in the waiver file */
	long		 expiry_day;	/* expires, in days since 1970-01-01 */
	unsigned long	 n_matched;	/* FAILs it matched (asy_waivers_match) */
};

struct asy_waivers {
	char			*path;
	struct asy_waiver	*v;	/* in file order */
	size_t			 n;
	struct asy_xdoc		*doc;	/* owns the strings */
};

/*
 * Load a waiver file.  With cat (may be NULL), case IDs, group IDs and unit
 * letters are checked against that catalogue.  Every problem goes to d as
 * FILE:LINE: error: what; how to fix it (a bad or impossible date, a blank
 * owner or reason, an unknown case or unit, a duplicate waiver), then
 * ASY_E_INPUT; ASY_E_NOMEM on no memory.  *out is the caller's, freed with
 * asy_waivers_free().
 */
int	asy_waivers_load(const char *path, const struct asy_catalogue *cat,
	    struct asy_diags *d, struct asy_waivers **out);
void	asy_waivers_free(struct asy_waivers *w);

/*
 * The waiver that covers a FAIL of unit label ("a", "b:AuthMech-SSH", or a
 * pseudo-unit of runread.h) of case_id on device, on day today; NULL if
 * none.  The most specific one wins (a fan-out over a unit letter over the
 * whole case; a named device over "*"), and its n_matched goes up.  A
 * waiver that would have matched but has expired is not returned; the most
 * specific such one goes to *expired (when expired is not NULL), also
 * counted in its n_matched.
 */
const struct asy_waiver *asy_waivers_match(struct asy_waivers *w,
	    const char *device, const char *case_id, const char *label,
	    long today, const struct asy_waiver **expired);

/* Has wv expired by day today? */
int	asy_waiver_expired(const struct asy_waiver *wv, long today);

/*
 * The waivers that have expired by today (expired != 0) or that are in
 * force and matched nothing so far (expired == 0), in file order, as a
 * fresh array of pointers into w (the caller frees the array only).
 * 0 (*out NULL when *n is 0) or ASY_E_NOMEM.
 */
int	asy_waivers_list(const struct asy_waivers *w, long today, int expired,
	    const struct asy_waiver ***out, size_t *n);

/*
 * Dates.  asy_date_parse: "YYYY-MM-DD" (a real day of the Gregorian
 * calendar, years 1970-9999) into days since 1970-01-01; 0 or ASY_E_INPUT
 * with why (if not NULL) saying what is wrong.  asy_date_format: the
 * reverse, into buf.
 */
int	asy_date_parse(const char *s, long *days, char *why, size_t why_len);
void	asy_date_format(long days, char buf[11]);

/*
 * Today for waivers: the date override (--today) if not NULL, else
 * $ASSAY_TODAY if set, else today's date in UTC.  0, or ASY_E_INPUT when
 * the override or the variable is not a date (why says which and why).
 */
int	asy_waivers_today(const char *override, long *days, char *why,
	    size_t why_len);

#endif
