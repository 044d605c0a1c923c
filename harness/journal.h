/*
 * The run journal: what a live run has finished, written as it goes, so
 * that a run stopped by SIGINT, SIGTERM or a crash of the bench can be
 * finished later with `assay run --resume RUNDIR`.
 *
 * journal.txt in the run folder is a text file, one record a line,
 * fields separated by tabs; a field escapes backslash, tab, CR and LF as
 * \\ \t \r \n, and a missing value is \N:
 *
 *   assay-journal 1
 *   O  KEY VALUE                      an option of the run (lab, dut, ...)
 *   D  KEY VALUE                      discovery finished: what it left
 *   U  CASE UNIT ROW VERDICT BY REASON  a unit of a live case
 *   E  PATH KIND NOTE                 evidence of the unit above
 *   K  CASE                           the case is complete
 *   S  TEXT                           the run stopped, and why
 *
 * A case counts only when its K line was written: units of a case cut
 * short are run again.  Each case is one write() followed by fdatasync(),
 * so a crash leaves at most one unfinished line, which is ignored.
 */
#ifndef ASSAY_JOURNAL_H
#define ASSAY_JOURNAL_H

#include <stddef.h>

#include "diag.h"
#include "result.h"

#define ASY_JOURNAL_FILE	"journal.txt"

struct asy_journal_kv {
	char	*key, *value;
};

struct asy_journal_unit {
	char	*case_id, *unit, *row, *decided_by, *reason;
	enum asy_verdict verdict;
	struct asy_evidence *ev;
	size_t	 n_ev, cap_ev;
};

struct asy_journal {
	char	*path;
	int	 fd;			/* open for appending, or -1 */
	struct asy_journal_kv *opts, *disc;
	size_t	 n_opts, cap_opts, n_disc, cap_disc;
	struct asy_journal_unit *units;	/* of complete cases only */
	size_t	 n_units, cap_units;
	char	**done;			/* complete cases */
	size_t	 n_done, cap_done;
	char	*stopped;		/* the last S line, or NULL */
};

/*
 * Create journal.txt in dir (it must not exist) and write the header.
 * 0, ASY_E_EXISTS, ASY_E_IO or ASY_E_NOMEM; *out owned by the caller.
 */
int	asy_journal_create(const char *dir, struct asy_journal **out);

/*
 * Load dir's journal.txt and open it for appending.  A malformed line is
 * reported in d with its line number (ASY_E_INPUT); a last line cut short
 * by a crash is ignored.  ASY_E_NOTFOUND when there is no journal.
 */
int	asy_journal_load(const char *dir, struct asy_diags *d,
	    struct asy_journal **out);

void	asy_journal_free(struct asy_journal *j);

/* Append an O or D record (value may be NULL); 0 or an error. */
int	asy_journal_put_opt(struct asy_journal *j, const char *key,
	    const char *value);
int	asy_journal_put_disc(struct asy_journal *j, const char *key,
	    const char *value);
/* Append an S record (a stop and its reason). */
int	asy_journal_put_stop(struct asy_journal *j, const char *why);

/* Append every unit of a finished case, then its K line, durably. */
int	asy_journal_put_case(struct asy_journal *j,
	    const struct asy_case_result *c);

/* The value of an option or a discovery key, or NULL. */
const char *asy_journal_opt(const struct asy_journal *j, const char *key);
const char *asy_journal_disc(const struct asy_journal *j, const char *key);

/* 1 when the journal holds the complete case. */
int	asy_journal_has_case(const struct asy_journal *j, const char *case_id);

/*
 * Fill u (its id and row set) from the journal's record of the unit in
 * case_id: verdict, reason, decided_by and evidence.  1 when restored, 0
 * when the journal does not have it, ASY_E_NOMEM.
 */
int	asy_journal_restore(const struct asy_journal *j, const char *case_id,
	    struct asy_unit_result *u);

#endif
