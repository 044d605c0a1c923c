/*
 * Operator steps: functional units a machine cannot finish (a casing
 * inspection, a documentation check, a button press, a phone app).  The
 * assessor answers them like conceptual units, from an answers file or at
 * a prompt; this module gives the prompt what to look for in the
 * declarations, and brings the assessor's evidence file (a photo, a
 * document) into the run folder as evidence/operator/NAME.
 */
#ifndef ASSAY_OPERATOR_H
#define ASSAY_OPERATOR_H

#include <stddef.h>

#include "buf.h"
#include "catalogue.h"
#include "decl.h"

/* Where copies go inside a run folder. */
#define ASY_OPERATOR_DIR	"evidence/operator"
/* The largest evidence file taken. */
#define ASY_OPERATOR_EVIDENCE_MAX	((size_t)64 << 20)
/* At most this many IXIT rows are shown to the operator for one unit. */
#define ASY_OPERATOR_LOOKFOR_ROWS	8

/*
 * What the declarations say that case cc reads, for the operator: the DUT
 * as the ICS names it, then the IXIT rows of the case's reads= tables (for
 * a fan-out unit only its own row; of 2-UserInfo only the rows whose topic
 * is the one of the case's provision, when there are any), one line per
 * row "ROW (TABLE): field: value; ...", secret fields left out, every
 * value cut and made safe for a terminal (asy_buf_put_term), at most
 * ASY_OPERATOR_LOOKFOR_ROWS rows and then a line saying how many more.
 * Appends to out; 0, ASY_E_NOMEM or ASY_E_TOOBIG.
 */
int	asy_operator_lookfor(const struct asy_decl *decl,
	    const struct asy_cat_case *cc, const struct asy_ixit_row *row,
	    struct asy_buf *out);

/*
 * The name of the copy of src for the answer to case_id's unit (an
 * answers-file label: "a", "b:Intf-USB", "*"), relative to the run folder:
 * "evidence/operator/5.3-16-2_a_label.jpg".  Every part is reduced to
 * A-Z a-z 0-9 . _ - (others become '_', "*" becomes "all"), src to its
 * last path component, cut to 64 bytes keeping a short extension; so the
 * name is one harmless component.  n > 1 inserts "-n" before the
 * extension (to tell apart names that come out alike).  A fresh string,
 * or NULL when out of memory.
 */
char	*asy_operator_evidence_name(const char *case_id, const char *unit,
	    const char *src, unsigned n);

/*
 * May path be taken as evidence?  It must be a regular file itself (a
 * symbolic link is refused, not followed), readable by this process, and
 * at most ASY_OPERATOR_EVIDENCE_MAX bytes.  0, or ASY_E_NOTFOUND,
 * ASY_E_NOTREG (a folder, a link, a device or fifo), ASY_E_TOOBIG or
 * ASY_E_IO (errno kept: EACCES when it may not be read), with what is
 * wrong and how to fix it in why.
 */
int	asy_operator_evidence_check(const char *path, char *why,
	    size_t why_len);

/*
 * Copy src into the folder dir as rel (ASY_OPERATOR_DIR created), with the
 * checks of asy_operator_evidence_check() on the file actually read (it
 * is opened once, without following a link).  The copy is created
 * exclusively: ASY_E_EXISTS when rel exists.  A file that grows past the
 * cap while read leaves no copy.  0 or an error with why as above.
 */
int	asy_operator_evidence_copy(const char *src, const char *dir,
	    const char *rel, char *why, size_t why_len);

#endif
