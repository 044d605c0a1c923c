/*
 * Running an assessment: declarations -> plan -> results -> run folder.
 */
#ifndef ASSAY_RUN_H
#define ASSAY_RUN_H

#include <stdio.h>

#include "answers.h"
#include "journal.h"
#include "live.h"
#include "diag.h"
#include "plan.h"
#include "progress.h"
#include "result.h"

struct asy_run_opts {
	const char	*ics;
	const char	*ixit;
	const char	*catalogue;	/* or NULL */
	const char	*answers;	/* or NULL */
	const char	*out;		/* the run folder, or NULL */
	const char	*runs_dir;	/* where to make one when out is NULL */
	int		 offline;	/* conceptual cases and operator
					   steps only */
	int		 accept_pre;	/* unanswered: take pre-assessments */
	int		 interactive;	/* ask on the terminal */
	const char	*assessor;	/* name recorded for prompt answers */
	FILE		*in, *out_tty;	/* prompt streams */
	const char	*lab;		/* lab config: a live run */
	const char	*dut;		/* the DUT's name in it, or NULL */
	struct asy_live	*live;		/* set by asy_run() in a live run */
	const char	*resume;	/* finish this stopped run folder */
	struct asy_journal *journal;	/* set by asy_run(): what is done */
	struct asy_progress *progress;	/* progress.json writer, set by
					   asy_run(); NULL: none */
	const char	*work_path;	/* the run folder being written, set
					   by asy_run(): evidence named at the
					   prompt is copied into it (NULL: the
					   prompt asks for none) */
};

/*
 * Ask a running assessment to stop at the next case boundary (from a
 * signal handler: it only sets a flag).  The case under way is not
 * recorded, so a resumed run does it again.
 */
void	asy_run_request_stop(void);
int	asy_run_stop_requested(void);

/*
 * Build the result model from a plan: pre-assessments, answers (answers
 * given at the prompt are added to *answers), and verdicts.  Conceptual
 * units and operator steps (functional units that need an operator and
 * that no live test decided) are the assessor's: from answers or the
 * prompt; unanswered, INCONCLUSIVE.  0 or an error.
 */
int	asy_run_results(const struct asy_plan *plan,
	    const struct asy_run_opts *o, struct asy_answers *answers,
	    struct asy_report **out);

/*
 * The whole assessment: offline, or live when o->lab is set (the DUT's
 * declarations, answers and catalogue then come from the lab config unless
 * o names them).  A live run opens the capture, then forks: the child drops
 * privileges to the lab's user and talks to the device; the parent waits
 * and finishes the run folder (manifest, rename).  Problems with the input go to d (then
 * ASY_E_INPUT); *run_path gets the finished run folder, *exit_code the
 * verdict's exit code, and summary (if not NULL) a few lines for a
 * terminal: the overall verdict, its reason and the counts.
 *
 * Every run keeps journal.txt (journal.h) and holds a lock on its folder.
 * A live run stopped by SIGINT or SIGTERM, or whose assessing process
 * died, leaves FINAL.partial/ with incomplete.txt saying why and how to go
 * on: ASY_E_STOPPED (stopped) or ASY_E_INTERNAL (died), the diagnostics in
 * d.  With o->resume, the run's own inputs and options are taken from that
 * folder, finished cases are restored from the journal, and the rest run.
 */
int	asy_run(const struct asy_run_opts *o, struct asy_diags *d,
	    char **run_path, int *exit_code, struct asy_buf *summary);

#endif
