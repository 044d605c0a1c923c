/*
 * Several DUTs of one lab config, assessed in parallel: `assay run --lab
 * FILE --all --jobs N` (or --dut given more than once).
 *
 * Each device gets a health check first (its addresses answer; its serial
 * port opens and answers), then its own process running asy_run() with its
 * own capture and run folder RUNS/NAME-STAMP.  The batch folder
 * RUNS/batch-STAMP holds each device's log (NAME.log), and summary.txt and
 * summary.xml: per device its state (assessed, not assessed and why,
 * stopped, failed), exit code, overall verdict, wall time and run folder.
 * A device that fails its health check is "not assessed", never FAIL.
 */
#ifndef ASSAY_BATCH_H
#define ASSAY_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

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
 * Run the batch.  Input problems (lab config, unknown DUT names, a runs
 * folder that cannot be made) go to d as ASY_E_INPUT before anything
 * runs.  Otherwise 0, with *exit_code the batch's: 1 when a device has a
 * FAIL that no waiver in force covers (a waiver never changes a verdict:
 * the summary counts the waived FAIL units beside it), else 5 when one was stopped, 4 when one failed in the
 * harness, 3 when one was not assessed or is INCONCLUSIVE, else 0.
 * *batch_dir (may be NULL) gets the batch folder.
 */
int	asy_batch_run(const struct asy_batch_opts *o, struct asy_diags *d,
	    int *exit_code, char **batch_dir);

#endif
