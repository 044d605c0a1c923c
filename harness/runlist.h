/*
 * The runs folder as the dashboard sees it: every entry classified
 * (complete, running, incomplete, corrupt, foreign) with a reason, and a
 * summary read from small files only: the head of report.xml (the run,
 * the DUT and the overall verdict come before the groups) and
 * progress.json.  Nothing here writes.
 *
 * Every byte read is untrusted: a run folder may be half-written, damaged
 * or put there by someone else.  Strings in struct asy_run_info are as
 * read (entities of report.xml decoded), never escaped: escape them
 * before showing them.
 *
 * The stale-run rule: a ".partial" folder is "running" only while its
 * progress.json says running, was written on this host by a process that
 * is still alive (kill(pid, 0)), and was updated within
 * ASY_RUN_STALE_S; written on another host, only the age counts.
 * Otherwise it is "incomplete" with the reason ("stopped: process 4242
 * is gone").
 */
#ifndef ASSAY_RUNLIST_H
#define ASSAY_RUNLIST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "progress.h"
#include "verdict.h"

/* A running run whose progress.json was not updated for this long is
 * shown as stopped. */
#define ASY_RUN_STALE_S		(24 * 3600)
/* Bytes of report.xml read for the summary. */
#define ASY_REPORT_HEAD		(64 * 1024)

enum asy_run_state {
	ASY_RUN_COMPLETE = 0,	/* a finished run folder */
	ASY_RUN_RUNNING,	/* .partial, its process alive */
	ASY_RUN_INCOMPLETE,	/* .partial, stopped or failed */
	ASY_RUN_CORRUPT,	/* looks like a run, but is damaged */
	ASY_RUN_FOREIGN,	/* not a run folder at all */
	ASY_RUN__COUNT
};

/* "complete", "running", "incomplete", "corrupt", "foreign". */
const char	*asy_run_state_name(enum asy_run_state s);

/* What the head of report.xml says. */
struct asy_report_head {
	char		*id;
	char		*date;
	char		*mode;
	char		*edition;
	char		*vendor;
	char		*model;
	char		*sw;
	char		*dut_name;
	enum asy_verdict overall;
	char		*reason;
	unsigned long	 units[ASY_V__COUNT];	/* <counts level="units"> */
	int		 has_units;
};

/*
 * Parse the first bytes of a report.xml (text, len; need not be
 * NUL-terminated, may stop anywhere after </overall>).  0 and *h filled
 * (strings never NULL); ASY_E_INPUT with why ("not an assay report", "no
 * overall verdict in the first 65536 bytes"); ASY_E_NOMEM.
 */
int	asy_report_head_parse(const char *text, size_t len,
	    struct asy_report_head *h, char *why, size_t whylen);
void	asy_report_head_release(struct asy_report_head *h);

struct asy_run_info {
	char			*name;		/* the entry in the runs folder */
	enum asy_run_state	 state;
	char			*reason;	/* why not complete; "" when it is */
	char			*device;	/* "vendor model", or "" */
	char			*dut_name;
	char			*edition;
	char			*mode;
	char			*started;	/* ISO 8601 UTC, or "" */
	long long		 t_started;	/* epoch seconds (sorting) */
	int			 has_head;	/* head holds report.xml's */
	struct asy_report_head	 head;
	int			 has_progress;	/* progress holds a view */
	struct asy_progress_view progress;
	/* What the cache compares. */
	dev_t			 dev;
	ino_t			 ino;
	struct timespec		 mtime;
	struct timespec		 prog_mtime;
};

void	asy_run_info_release(struct asy_run_info *ri);

/*
 * Classify the entry name of the runs folder open at dir_fd (now: the
 * current time, for the stale rule).  Never fails for bad content: that
 * is a state with a reason.  0, or ASY_E_NOMEM; ASY_E_NOTFOUND when the
 * entry went away meanwhile.
 */
int	asy_run_load(int dir_fd, const char *name, long long now,
	    struct asy_run_info *ri);

/* ---- a cached list -------------------------------------------------------- */

struct asy_runlist;

/*
 * Open the runs folder dir for listing.  0 and *out; ASY_E_NOTFOUND when
 * it does not exist, ASY_E_NOTREG when it is not a folder, ASY_E_IO,
 * ASY_E_NOMEM.
 */
int	asy_runlist_open(const char *dir, struct asy_runlist **out);
void	asy_runlist_free(struct asy_runlist *l);

/* The folder's descriptor (for opening files of a run). */
int	asy_runlist_fd(const struct asy_runlist *l);

/*
 * Bring the list up to date, at most every ttl_ms unless the folder's
 * modification time changed: entries whose folder (and progress.json)
 * did not change are kept as they were, the rest are read again, and the
 * stale rule is applied again to running ones.  Returns 0 (also when
 * nothing was done) or ASY_E_NOMEM / ASY_E_IO; on error the old list
 * stays.  Not thread-safe: the caller locks.
 */
int	asy_runlist_refresh(struct asy_runlist *l, long ttl_ms);

/* The entries: running ones first, then newest first (then by name);
 * valid until the next refresh. */
const struct asy_run_info *asy_runlist_entries(const struct asy_runlist *l,
	    size_t *n);

/* Incremented whenever a refresh changed anything. */
unsigned long	asy_runlist_generation(const struct asy_runlist *l);

/* The entry called name, or NULL. */
const struct asy_run_info *asy_runlist_find(const struct asy_runlist *l,
	    const char *name);

#endif
