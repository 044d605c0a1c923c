/*
 * Several DUTs of one lab config, assessed in parallel: `assay run --lab
 * FILE --all --jobs N` (or --dut given more than once).
 *
 * Each device gets a health check first (its addresses answer; its serial
 * port opens and answers), then its own process running asy_run() with its
 * own capture and run folder RUNS/NAME-STAMP.  The batch folder
 * RUNS/batch-STAMP holds each device's log (NAME.log), and summary.txt and
 * summary.xml: per device its state (assessed, not assessed and why,
 * stopped, failed), exit code, overall verdict (read back from the run's
 * report.xml), wall time and run folder.
 * A device that fails its health check is "not assessed", never FAIL.
 */
#ifndef ASSAY_BATCH_H
#define ASSAY_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "diag.h"

struct asy_runinfo;
struct asy_waivers;

struct asy_batch_opts {
	const char	*lab;
	const char *const *duts;	/* names, or NULL: every DUT */
	size_t		 n_duts;
	unsigned	 jobs;		/* parallel devices, 1..16 */
	const char	*runs_dir;	/* NULL: "runs" */
	const char	*assessor;
	int		 accept_pre;
	const char	*waivers;	/* waiver file, or NULL */
	const char	*today;		/* for the waivers, or NULL */
	FILE		*out;		/* progress and the summary */
};

/*
 * What the batch summary says of one finished run, as its report.xml
 * gives it (read back with runread.h).
 */
struct asy_batch_tally {
	char		*overall;	/* "FAIL: reason", or "PASS" without
					   a reason */
	unsigned	 n_fail;	/* FAIL test units, as report.xml's
					   <counts level="units"> counts them */
	unsigned	 n_waived;	/* of which a waiver in force covers */
	unsigned	 n_fail_bare;	/* FAIL cases without units and groups
					   without cases (the pseudo-units) */
	unsigned	 n_waived_bare;	/* of which a waiver covers */
	int		 rest_open;	/* an INCONCLUSIVE or ERROR remains */
};

/*
 * Tally the run ri of the DUT named dut (the report's device name wins
 * when it has one).  With w (may be NULL), each FAIL is matched against
 * the waivers in force on day today (their n_matched go up).  0 or
 * ASY_E_NOMEM; the tally is the caller's, released with
 * asy_batch_tally_release() (which accepts a zeroed one).
 */
int	asy_batch_tally(const struct asy_runinfo *ri, const char *dut,
	    struct asy_waivers *w, long today, struct asy_batch_tally *t);
void	asy_batch_tally_release(struct asy_batch_tally *t);

/* Is every FAIL of the run waived, units and pseudo-units alike (and
 * there is one)? */
int	asy_batch_all_waived(const struct asy_batch_tally *t);

/*
 * The summary's lines on waived FAILs, each indented by indent spaces;
 * nothing when no FAIL is waived.  "N of M FAIL units waived" (M as the
 * report counts units), then, when cases or groups without units failed,
 * "K of L FAIL cases or groups without units waived"; the last line ends
 * in " (all: ...)" when every FAIL is waived.  0, or asy_buf's error.
 */
int	asy_batch_tally_text(const struct asy_batch_tally *t, int indent,
	    struct asy_buf *b);

/*
 * Run the batch.  Input problems (lab config, unknown DUT names, a runs
 * folder that cannot be made) go to d as ASY_E_INPUT before anything
 * runs.  Otherwise 0, with *exit_code the batch's: 1 when a device has a
 * FAIL that no waiver in force covers (a waiver never changes a verdict:
 * the summary counts the waived FAIL units beside it), else 5 when one
 * was stopped, 4 when one failed in the harness, 3 when one was not
 * assessed or is INCONCLUSIVE, else 0.
 * *batch_dir (may be NULL) gets the batch folder.
 */
int	asy_batch_run(const struct asy_batch_opts *o, struct asy_diags *d,
	    int *exit_code, char **batch_dir);

#endif
