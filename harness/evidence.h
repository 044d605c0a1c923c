/*
 * Run folders and their manifest.
 *
 * A run is written into "FINAL.partial/" and renamed to FINAL only when
 * every file and the manifest are in place, so a folder without the suffix
 * is always complete, and a crash leaves an obviously incomplete one.  The
 * partial folder is created with mkdir, which fails if it exists: a second
 * assay cannot write into the same run.
 *
 * MANIFEST.sha256 lists every other file as "HEX  PATH" (sha256sum -c reads
 * it too), sorted by path.
 */
#ifndef ASSAY_EVIDENCE_H
#define ASSAY_EVIDENCE_H

#include <stdio.h>

#include "buf.h"
#include "diag.h"
#include "sha256.h"

#define ASY_MANIFEST	"MANIFEST.sha256"
#define ASY_PARTIAL	".partial"

struct asy_rundir {
	char	*final_path;
	char	*work_path;
	int	 lock_fd;	/* the partial folder, flock()ed */
};

/*
 * Start a run folder that will become final_path.  ASY_E_EXISTS if
 * final_path or its partial folder exists (nothing is overwritten).
 */
int	asy_rundir_create(const char *final_path, struct asy_rundir **out);
/*
 * Take up a stopped run again: path is its partial folder (or the final
 * name, whose partial folder must exist).  ASY_E_NOTFOUND when there is no
 * partial folder, ASY_E_EXISTS when the run was finished already.
 */
int	asy_rundir_reopen(const char *path, struct asy_rundir **out);
/*
 * Both hold an exclusive flock() on the partial folder until
 * asy_rundir_free(), so a second assay (a run, a resume) gets ASY_E_BUSY
 * instead of writing into the same folder.  The lock follows the folder
 * through the rename and is inherited (not exec'd) by children.
 */

/* Copy src into the run folder as rel (subfolders created); its SHA-256
 * into hex. */
int	asy_rundir_copy(struct asy_rundir *rd, const char *src, const char *rel,
	    char hex[ASY_SHA256_HEX]);
/* Write b as rel. */
int	asy_rundir_write(struct asy_rundir *rd, const char *rel,
	    const struct asy_buf *b);
/* Write the manifest and rename the folder to its final name. */
int	asy_rundir_finish(struct asy_rundir *rd);
/* Free; an unfinished folder stays, with its .partial name. */
void	asy_rundir_free(struct asy_rundir *rd);

/*
 * Check a run folder against its manifest: every listed file present with
 * its hash, nothing added.  Each difference goes to d (as an error naming
 * the file).  0 when intact, ASY_E_MISMATCH when not, ASY_E_INPUT when the
 * manifest is missing or malformed.
 */
int	asy_verify_rundir(const char *dir, struct asy_diags *d,
	    unsigned long *n_files);

#endif
