/*
 * Verdicts and their roll-up: unit -> case -> group -> overall.
 *
 * PASS, FAIL and NOT APPLICABLE come from TS 103 701; INCONCLUSIVE (the
 * evidence could not be collected) and ERROR (the harness or the bench
 * failed) from lab practice.  A harness fault is never a FAIL.
 */
#ifndef ASSAY_VERDICT_H
#define ASSAY_VERDICT_H

enum asy_verdict {
	ASY_V_NONE = 0,		/* not decided (no verdict yet) */
	ASY_V_PASS,
	ASY_V_FAIL,
	ASY_V_NA,
	ASY_V_INCONCLUSIVE,
	ASY_V_ERROR,
	ASY_V__COUNT
};

/* "PASS", "FAIL", "NOT APPLICABLE", "INCONCLUSIVE", "ERROR", "NONE". */
const char	*asy_verdict_name(enum asy_verdict v);
/* Lowercase one-word form for CSS classes and JSON: pass fail na ... */
const char	*asy_verdict_slug(enum asy_verdict v);
/* Parse a name as above; 0 and *out set, or ASY_E_INPUT. */
int		 asy_verdict_parse(const char *s, enum asy_verdict *out);

/*
 * Combine the verdicts of children into the parent's: any FAIL is FAIL (a
 * device failure shown by one unit stands even if another unit could not be
 * run); else any ERROR is ERROR; else any INCONCLUSIVE or NONE is
 * INCONCLUSIVE; else any PASS is PASS; else (all NA or none) NA.
 */
enum asy_verdict asy_verdict_combine(const enum asy_verdict *v, unsigned n);
/* The same as a fold step: acc = asy_verdict_fold(acc, v), start at NA... */
enum asy_verdict asy_verdict_fold(enum asy_verdict acc, enum asy_verdict v);

#endif
