/*
 * The test plan: a pure function of (catalogue, declarations, bench
 * capabilities).  Every group of the catalogue appears, applicable or with
 * the reason it is left out; every applicable case lists its units, IXIT
 * rows fanned out into one unit each, and what each functional unit needs
 * from the bench.
 */
#ifndef ASSAY_PLAN_H
#define ASSAY_PLAN_H

#include <stddef.h>

#include "buf.h"
#include "catalogue.h"
#include "decl.h"

enum asy_plan_state {
	ASY_PLAN_RUN,		/* applicable: its cases are run */
	ASY_PLAN_NA,		/* ICS N/A, or a condition does not hold */
	ASY_PLAN_UNSUPPORTED,	/* ICS N: not run; M fails, R is justified */
	ASY_PLAN_LEFT_OUT,	/* case or unit: the bench cannot run it */
};

struct asy_plan_unit {
	const struct asy_cat_unit *cu;
	const struct asy_ixit_row *row;		/* fan-out row, or NULL */
	enum asy_plan_state	 state;
	char			*reason;	/* why left out, or NULL */
};

struct asy_plan_case {
	const struct asy_cat_case *cc;
	enum asy_plan_state	 state;
	char			*reason;
	struct asy_plan_unit	*units;
	size_t			 n_units;
};

struct asy_plan_group {
	const struct asy_cat_group *cg;
	const struct asy_ics_row *row;		/* NULL: no ICS row (4-1) */
	enum asy_plan_state	 state;
	char			*reason;
	struct asy_plan_case	*cases;
	size_t			 n_cases;
};

struct asy_plan {
	const struct asy_decl	*decl;
	unsigned		 caps;		/* bench capabilities */
	struct asy_plan_group	*groups;
	size_t			 n_groups;
	/* Applicable counts. */
	size_t			 n_groups_run, n_cases_run, n_units_run;
	size_t			 n_functional_run;
};

/*
 * Build the plan for decl on a bench with capabilities caps (ASY_NEED_*).
 * 0, or ASY_E_NOMEM.  Free with asy_plan_free().
 */
int	asy_plan_build(const struct asy_decl *decl, unsigned caps,
	    struct asy_plan **out);
void	asy_plan_free(struct asy_plan *plan);

/* Render as text for a terminal, or as XML (see reports/schema/plan.xsd). */
int	asy_plan_render_text(const struct asy_plan *plan, struct asy_buf *out);
int	asy_plan_render_xml(const struct asy_plan *plan, struct asy_buf *out);

/* "b" or "b:AuthMech-SSH": the label answers files use for a unit. */
int	asy_plan_unit_label(const struct asy_plan_unit *u, struct asy_buf *out);

#endif
