/*
 * Comparing two runs of assay (struct asy_runinfo, runread.h): what
 * changed since the baseline, as a model that renderers turn into text for
 * a terminal, XML (reports/schema/diff.xsd), JUnit and an HTML fragment.
 *
 * Units are matched by (case ID, unit label), the label carrying the IXIT
 * row of a fan-out ("b:AuthMech-SSH"); a case without units and a group
 * without cases take part as the pseudo-units "(case)" and "(group)".
 * Every changed unit lands in exactly one category:
 *
 *   regression  a new FAIL: any other verdict (or no unit at all) in OLD,
 *               FAIL in NEW
 *   waived      a regression covered by a waiver in force (waiver.h)
 *   fixed       FAIL in OLD, PASS or NOT APPLICABLE in NEW
 *   lost        a verdict (PASS, NOT APPLICABLE) in OLD, INCONCLUSIVE,
 *               ERROR or NONE in NEW: the evidence could not be collected
 *               this time; FAIL -> INCONCLUSIVE/ERROR is lost too
 *   regained    INCONCLUSIVE, ERROR or NONE in OLD, PASS or NOT
 *               APPLICABLE in NEW
 *   changed     any other change of verdict (PASS <-> NOT APPLICABLE,
 *               INCONCLUSIVE <-> ERROR)
 *   reason      the same verdict with a different reason
 *   added       a unit only in NEW (the plan changed), not a FAIL
 *   removed     a unit only in OLD
 *
 * Services of live runs (both with discovery done), matched by protocol
 * and port: "new undeclared" (undeclared or declared disabled, open in NEW
 * and not so in OLD), "gone" (open in OLD, not open in NEW), "opened"
 * (declared, open in NEW and not in OLD).
 *
 * The diff has regressed when there is a regression or a new undeclared
 * service; with strict, a lost verdict counts as a regression too.
 *
 * The model borrows from both runs and the waivers: they must outlive it.
 */
#ifndef ASSAY_DIFF_H
#define ASSAY_DIFF_H

#include <stddef.h>

#include "buf.h"
#include "runread.h"
#include "waiver.h"

enum asy_diff_kind {
	ASY_DIFF_REGRESSION,
	ASY_DIFF_WAIVED,
	ASY_DIFF_FIXED,
	ASY_DIFF_LOST,
	ASY_DIFF_REGAINED,
	ASY_DIFF_CHANGED,
	ASY_DIFF_REASON,
	ASY_DIFF_ADDED,
	ASY_DIFF_REMOVED,
	ASY_DIFF__COUNT
};

enum asy_diff_svc_kind {
	ASY_DIFF_SVC_UNDECLARED,	/* new undeclared (or disabled) open */
	ASY_DIFF_SVC_GONE,		/* open before, not now */
	ASY_DIFF_SVC_OPENED,		/* declared, open now, not before */
	ASY_DIFF_SVC__COUNT
};

/* One changed unit.  old_u or new_u is NULL for an added or removed one. */
struct asy_diff_item {
	enum asy_diff_kind	 kind;
	const char		*group;
	const char		*case_id;
	const char		*label;
	const struct asy_run_unit *old_u;
	const struct asy_run_unit *new_u;
	const struct asy_waiver	*waiver;	/* WAIVED: the one applied */
	const struct asy_waiver	*expired;	/* an expired waiver that
						   would have covered it */
	int			 regressed;	/* counts as a regression */
};

struct asy_diff_svc {
	enum asy_diff_svc_kind	 kind;
	const struct asy_run_service *old_s;	/* NULL: not in OLD */
	const struct asy_run_service *new_s;	/* NULL: not in NEW */
};

struct asy_diff_opts {
	int			 strict;	/* lost counts as regression */
	struct asy_waivers	*waivers;	/* NULL: none */
	long			 today;		/* for the waivers (waiver.h) */
};

struct asy_diff {
	const struct asy_runinfo *old;
	const struct asy_runinfo *new;
	int			 strict;
	/* Sorted by kind, then case ID (numbers in order: 5.1-9 before
	 * 5.1-10), then label. */
	struct asy_diff_item	*items;
	size_t			 n_items;
	unsigned long		 n_kind[ASY_DIFF__COUNT];
	unsigned long		 n_unchanged;
	/* Sorted by kind, protocol, port. */
	struct asy_diff_svc	*svcs;
	size_t			 n_svcs;
	unsigned long		 n_svc_kind[ASY_DIFF_SVC__COUNT];
	/* Why services were not compared (an offline run...), or NULL. */
	const char		*svc_note;
	/* Warnings about the comparison itself (other device, other
	 * edition), each one sentence; owned. */
	char			**notes;
	size_t			 n_notes;
	/* What decides the exit code. */
	unsigned long		 n_regressions;
	/* Waivers: the file (or NULL), today, and the lists of waiver.h. */
	const struct asy_waivers *waivers;
	char			 today[11];
	const struct asy_waiver	**expired;
	size_t			 n_expired;
	const struct asy_waiver	**unused;
	size_t			 n_unused;
};

/*
 * Compare old with new.  0 and *out (freed with asy_diff_free()), or
 * ASY_E_NOMEM.  Waivers are matched against every FAIL of new (so a waiver
 * of a FAIL that persists is used, not unused).
 */
int	asy_diff_compute(const struct asy_runinfo *old,
	    const struct asy_runinfo *new, const struct asy_diff_opts *o,
	    struct asy_diff **out);
void	asy_diff_free(struct asy_diff *df);

/* 0 when nothing regressed, 1 (ASY_EXIT_FAIL) when something did. */
int	asy_diff_exit_code(const struct asy_diff *df);

/* "regression", "waived", ... (the XML kind), and a heading ("Regressions"). */
const char *asy_diff_kind_name(enum asy_diff_kind k);
const char *asy_diff_kind_title(enum asy_diff_kind k);
/* "new-undeclared", "gone", "opened". */
const char *asy_diff_svc_kind_name(enum asy_diff_svc_kind k);

/* Compare case IDs with their numbers in numeric order. */
int	asy_diff_idcmp(const char *a, const char *b);

/*
 * Renderers, a table by name like the report writers: each appends the
 * rendering of df to out; 0 or a negative ASY_E_ code.  To add one, write
 * its function beside these and add a line to asy_diff_renderers[].
 *
 * html is a fragment, not a document: a <section class="diff"> for a page
 * whose stylesheet colours the report's verdict classes (v v-pass,
 * v-fail, ...) and the rows' k-KIND classes; well-formed XML, every
 * string from the runs escaped, no inline style or script.
 */
struct asy_diff_renderer {
	const char	*name;		/* "text", "xml", "junit", "html" */
	const char	*summary;	/* one line for --help */
	int		(*render)(const struct asy_diff *df,
			    struct asy_buf *out);
};

extern const struct asy_diff_renderer asy_diff_renderers[];
extern const size_t asy_n_diff_renderers;

const struct asy_diff_renderer *asy_diff_renderer_find(const char *name);

int	asy_diff_render_text(const struct asy_diff *df, struct asy_buf *out);
int	asy_diff_render_xml(const struct asy_diff *df, struct asy_buf *out);
int	asy_diff_render_junit(const struct asy_diff *df, struct asy_buf *out);
int	asy_diff_render_html(const struct asy_diff *df, struct asy_buf *out);

#endif
