/*
 * Diagnostics about input files: every problem found, not just the first,
 * each as "FILE:LINE: error: what is wrong; how to fix it".
 */
#ifndef ASSAY_DIAG_H
#define ASSAY_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum asy_severity {
	ASY_SEV_ERROR,
	ASY_SEV_WARNING,
};

struct asy_diag {
	enum asy_severity sev;
	char		*file;
	unsigned long	 line;	/* 0 when the problem has no line */
	char		*msg;
};

/* At most this many diagnostics are kept; the rest are only counted. */
#define ASY_DIAG_MAX	500

struct asy_diags {
	struct asy_diag	*v;
	size_t		 n;
	size_t		 cap;
	unsigned long	 n_errors;
	unsigned long	 n_warnings;
	unsigned long	 n_dropped;
};

void	asy_diags_init(struct asy_diags *d);
void	asy_diags_release(struct asy_diags *d);

/*
 * Record a problem.  msg should read "what is wrong; how to fix it".
 * Returns ASY_E_NOMEM only when it could not even count it.
 */
int	asy_diag(struct asy_diags *d, enum asy_severity sev, const char *file,
	    unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#define asy_diag_error(d, f, l, ...) \
	asy_diag((d), ASY_SEV_ERROR, (f), (l), __VA_ARGS__)
#define asy_diag_warn(d, f, l, ...) \
	asy_diag((d), ASY_SEV_WARNING, (f), (l), __VA_ARGS__)

/* Print every diagnostic in file order, then a count line if any were
 * dropped. */
void	asy_diags_print(const struct asy_diags *d, FILE *out);

#endif
