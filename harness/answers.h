/*
 * The assessor's answers: decisions on conceptual units and on operator
 * steps (functional units that need an operator), from an answers file or
 * from a prompt on a terminal, each optionally with an evidence file that
 * is copied into the run folder (operator.h).
 */
#ifndef ASSAY_ANSWERS_H
#define ASSAY_ANSWERS_H

#include <stdio.h>

#include "buf.h"
#include "catalogue.h"
#include "diag.h"
#include "verdict.h"

struct asy_answer {
	char		*case_id;
	char		*unit;		/* "a", "b:AuthMech-SSH" or "*" */
	int		 accept;	/* take the pre-assessment */
	enum asy_verdict verdict;	/* when not accept */
	char		*assessor;
	char		*date;		/* or NULL */
	char		*reason;	/* "" when none */
	char		*origin;	/* "answers line 12" or "prompt" */
	unsigned long	 line;		/* in the answers file (0: prompt) */
	/*
	 * The evidence file, or both NULL.  evidence_src is where it is
	 * copied from (resolved against the answers file's folder);
	 * evidence the copy's path in the run folder
	 * ("evidence/operator/NAME"), valid once evidence_copied is set.
	 */
	char		*evidence_src;
	char		*evidence;
	int		 evidence_copied;
};

struct asy_answers {
	struct asy_answer	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Load an answers file and check it against the catalogue: every case and
 * unit must exist; "accept" needs a case with a pre-assessment; a verdict
 * needs its reason; one answer per unit.  An evidence="PATH" (absolute, or
 * relative to the answers file's folder and below it) must name a regular
 * file this process may read, of at most ASY_OPERATOR_EVIDENCE_MAX bytes;
 * each gets the name of its copy (asy_operator_evidence_name(), made
 * unique in the file).  Problems go to d; then ASY_E_INPUT.
 */
int	asy_answers_load(const char *path, const struct asy_catalogue *cat,
	    struct asy_diags *d, struct asy_answers **out);
/*
 * The same for the copy a stopped run keeps (RUN/inputs/answers.xml): the
 * evidence is not read from where the file names it but is the copy the
 * run made before it stopped, which must be in run_dir.
 */
int	asy_answers_load_resumed(const char *path, const char *run_dir,
	    const struct asy_catalogue *cat, struct asy_diags *d,
	    struct asy_answers **out);
/*
 * Copy every evidence file not copied yet into the run folder dir, as its
 * answer's evidence name.  A file that went missing or bad since it was
 * loaded is reported in d against path (the answers file): ASY_E_INPUT.
 */
int	asy_answers_copy_evidence(struct asy_answers *a, const char *path,
	    const char *dir, struct asy_diags *d);
/* Does an answer already use rel as its evidence name? */
int	asy_answers_evidence_used(const struct asy_answers *a,
	    const char *rel);
struct asy_answers *asy_answers_new(void);
void	asy_answers_free(struct asy_answers *a);
/* Free the strings of one answer (not the struct). */
void	asy_answer_release(struct asy_answer *ans);
int	asy_answers_add(struct asy_answers *a, const struct asy_answer *src);

/* The answer for a unit: by "letter:row", then "letter", then "*". */
const struct asy_answer *asy_answers_find(const struct asy_answers *a,
	    const char *case_id, const char *letter, const char *row);

/* Render every answer as an answers file (format 1).  evidence= names the
 * copy in the run folder (the file is written into the run folder, so the
 * path is relative to it), or the source before it is copied. */
int	asy_answers_render(const struct asy_answers *a, struct asy_buf *out);

/* One question at the prompt. */
struct asy_prompt {
	const char	*case_id;
	const char	*unit_label;	/* "b" or "b:AuthMech-SSH" */
	const char	*title;		/* the case's */
	const char	*question;	/* the unit's text */
	const char	*look_for;	/* what the declarations say (lines),
					   or NULL */
	enum asy_verdict pre;		/* ASY_V_NONE: no pre-assessment */
	const char	*pre_reason;
	const char	*assessor;
	/*
	 * Operator steps: after the reason, ask for an evidence file and
	 * hand a non-empty answer to attach(), which copies it into the run
	 * folder and sets *rel (a fresh string: the copy's path).  A
	 * negative return re-asks with why.  NULL: no evidence question.
	 */
	int		(*attach)(void *ctx, const char *path, char **rel,
			    char *why, size_t why_len);
	void		*ctx;
};

/*
 * Ask on a terminal.  Prints the question (and what to look for) to out,
 * reads lines from in: p(ass), f(ail), n(ot applicable), a(ccept
 * pre-assessment), s(kip), q(uit asking); then a reason; then, for an
 * operator step, an evidence path.  0 with *ans filled (its evidence, if
 * any, copied already), 1 for skip, 2 for quit/EOF, or ASY_E_NOMEM.
 */
int	asy_answers_prompt(FILE *in, FILE *out, const struct asy_prompt *p,
	    struct asy_answer *ans);

#endif
