/*
 * Live progress of a run: progress.json in the run folder.
 *
 * The writer keeps a small JSON file in the run folder (the .partial one
 * while the run goes on) and rewrites it whole at each case start and each
 * unit verdict: a temporary file in the same folder, then rename(), so a
 * reader sees the old file or the new one, never half of one.  It is never
 * fatal to a run: every I/O error is logged at debug level and forgotten,
 * every function accepts a NULL writer and does nothing, so a caller never
 * checks anything.
 *
 * The format (version 1; keys in this order, unknown keys ignored by the
 * reader; strings are UTF-8 with JSON escapes):
 *
 *   {
 *     "format": 1,
 *     "state": "running",            running | complete | incomplete | failed
 *     "device": "Lumora C20 IP camera",   vendor and model, as declared
 *     "edition": "ts103701-v1.1.1",
 *     "host": "lab-pc-3",            gethostname() of the writer
 *     "pid": 4242,                   the process that started the run
 *     "started": "2026-11-22T11:30:00Z",
 *     "updated": "2026-11-22T11:31:07Z",
 *     "case": {"id": "5.1-1-1", "title": "...", "started": "..."} | null,
 *     "done": 12,                    units decided so far
 *     "total": 171,                  units in the plan
 *     "counts": {"pass": 2, "fail": 1, "na": 0, "inconclusive": 9,
 *                "error": 0, "none": 0},
 *     "last": [{"case": "5.1-1-1", "unit": "a", "verdict": "PASS"}, ...]
 *   }
 *
 * "last" holds the ASY_PROGRESS_LAST most recent unit verdicts, oldest
 * first.  Times are UTC, ISO 8601, to the second.
 *
 * The reader parses defensively: the file may be half-written by a
 * crashed run, or written by someone hostile.  At most ASY_PROGRESS_MAX
 * bytes are read, strings are cut at ASY_PROGRESS_STR bytes, nesting and
 * arrays are bounded; anything that is not the format above is an error
 * with a reason, never a crash.
 */
#ifndef ASSAY_PROGRESS_H
#define ASSAY_PROGRESS_H

#include <stddef.h>

#include "verdict.h"

#define ASY_PROGRESS_FILE	"progress.json"
#define ASY_PROGRESS_MAX	(64 * 1024)	/* bytes read at most */
#define ASY_PROGRESS_STR	512		/* bytes kept per string */
#define ASY_PROGRESS_LAST	5		/* recent verdicts kept */

enum asy_progress_state {
	ASY_PROGRESS_RUNNING = 0,
	ASY_PROGRESS_COMPLETE,
	ASY_PROGRESS_INCOMPLETE,	/* stopped before the end (a harness
					   failure, an interrupted run) */
	ASY_PROGRESS_FAILED,		/* the assessment process failed */
	ASY_PROGRESS__COUNT
};

/* "running", "complete", "incomplete", "failed". */
const char	*asy_progress_state_name(enum asy_progress_state s);

/* ---- the writer (used by the run) ---------------------------------------- */

struct asy_progress;

/*
 * Start the progress file of the run being written into run_dir (the
 * .partial folder): state running, total units, this process's pid.
 * device and edition may be NULL.  Writes the file at once.  Returns the
 * writer, or NULL only when out of memory (every call below accepts NULL,
 * so the run goes on without progress).
 */
struct asy_progress *asy_progress_start(const char *run_dir,
	    const char *device, const char *edition, unsigned long total);

/* A case begins: its ID and title become the current case. */
void	asy_progress_case(struct asy_progress *p, const char *case_id,
	    const char *title);

/* A unit was decided (unit is its letter, with ":ROW" for a fan-out, or
 * NULL); counts it and rewrites the file. */
void	asy_progress_unit(struct asy_progress *p, const char *case_id,
	    const char *unit, enum asy_verdict v);

/*
 * The run ends in state st; rewrites the file with no current case.  When
 * the file on disk was advanced by another process of the same run (a
 * live run's assessing child writes the progress of the parent's writer
 * copy), its counts are taken over first, so the parent may call this
 * after the child is gone.  Does not free.
 */
void	asy_progress_finish(struct asy_progress *p,
	    enum asy_progress_state st);

/* Free the writer (the file stays); accepts NULL. */
void	asy_progress_free(struct asy_progress *p);

/* ---- the reader (used by the dashboard) ---------------------------------- */

struct asy_progress_last {
	char			*case_id;
	char			*unit;
	enum asy_verdict	 verdict;
};

/* What a progress.json says.  Strings are never NULL after a successful
 * read ("" when absent); everything is as read, not yet trusted: escape
 * it before showing it. */
struct asy_progress_view {
	enum asy_progress_state	 state;
	char			*device;
	char			*edition;
	char			*host;
	long			 pid;		/* 0: absent */
	char			*started;
	char			*updated;
	char			*case_id;	/* "" when between cases */
	char			*case_title;
	char			*case_started;
	unsigned long		 done;
	unsigned long		 total;
	unsigned long		 counts[ASY_V__COUNT];
	struct asy_progress_last last[ASY_PROGRESS_LAST];
	size_t			 n_last;
};

/*
 * Parse the text of a progress.json (len bytes, need not be
 * NUL-terminated).  0 and *v filled (release it); ASY_E_INPUT with why
 * saying what is wrong ("not JSON at byte 120", "format 2 is not known",
 * "no state"); ASY_E_TOOBIG past ASY_PROGRESS_MAX; ASY_E_NOMEM.  On error
 * *v is left empty (releasing it is harmless).
 */
int	asy_progress_parse(const char *text, size_t len,
	    struct asy_progress_view *v, char *why, size_t whylen);

/* Read and parse dir/progress.json (not following a symlink at the last
 * component); as asy_progress_parse(), or ASY_E_NOTFOUND, ASY_E_NOTREG,
 * ASY_E_IO. */
int	asy_progress_read(const char *dir, struct asy_progress_view *v,
	    char *why, size_t whylen);

void	asy_progress_view_release(struct asy_progress_view *v);

/* ISO 8601 UTC "2026-11-22T11:30:00Z" to seconds since the epoch; 0 and
 * *t, or ASY_E_INPUT.  For elapsed times and the stale-run rule. */
int	asy_iso8601_parse(const char *s, long long *t);

#endif
