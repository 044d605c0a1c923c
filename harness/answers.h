/*
 * The assessor's answers: decisions on conceptual units (and later on
 * operator steps), from an answers file or from a prompt on a terminal.
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
	char		*origin;	/* "answers.xml:12" or "prompt" */
};

struct asy_answers {
	struct asy_answer	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Load an answers file and check it against the catalogue: every case and
 * unit must exist; "accept" needs a case with a pre-assessment; a verdict
 * needs its reason; one answer per unit.  Problems go to d; then
 * ASY_E_INPUT.
 */
int	asy_answers_load(const char *path, const struct asy_catalogue *cat,
	    struct asy_diags *d, struct asy_answers **out);
struct asy_answers *asy_answers_new(void);
void	asy_answers_free(struct asy_answers *a);
/* Free the strings of one answer (not the struct). */
void	asy_answer_release(struct asy_answer *ans);
int	asy_answers_add(struct asy_answers *a, const struct asy_answer *src);

/* The answer for a unit: by "letter:row", then "letter", then "*". */
const struct asy_answer *asy_answers_find(const struct asy_answers *a,
	    const char *case_id, const char *letter, const char *row);

/* Render every answer as an answers file (format 1). */
int	asy_answers_render(const struct asy_answers *a, struct asy_buf *out);

/*
 * Ask on a terminal.  Prints the question to out, reads a line from in:
 * p(ass), f(ail), n(ot applicable), a(ccept pre-assessment), s(kip), q(uit
 * asking); then a reason.  0 with *ans filled, 1 for skip, 2 for quit/EOF.
 */
int	asy_answers_prompt(FILE *in, FILE *out, const char *case_id,
	    const char *unit_label, const char *title, const char *question,
	    enum asy_verdict pre, const char *pre_reason,
	    const char *assessor, struct asy_answer *ans);

#endif
