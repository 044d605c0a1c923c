#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "util.h"

void
asy_diags_init(struct asy_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
asy_diags_release(struct asy_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int
asy_diag(struct asy_diags *d, enum asy_severity sev, const char *file,
    unsigned long line, const char *fmt, ...)
{
	struct asy_diag *e;
	struct asy_buf b;
	va_list ap;
	int r;

	if (sev == ASY_SEV_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (d->n >= ASY_DIAG_MAX) {
		d->n_dropped++;
		return 0;
	}
	asy_buf_init(&b, 4096);
	va_start(ap, fmt);
	r = asy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == ASY_E_TOOBIG) {
		/* Keep what fits: a message is for a person, not a record. */
		asy_buf_reset(&b);
		r = asy_buf_puts(&b, "(message too long)");
	}
	if (r < 0)
		goto out;
	e = asy_array_add(&d->v, &d->n, &d->cap, sizeof(*d->v));
	if (e == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	e->sev = sev;
	e->line = line;
	e->file = asy_strdup(file ? file : "(unknown)");
	e->msg = asy_buf_steal(&b);
	if (e->file == NULL || e->msg == NULL)
		r = ASY_E_NOMEM;
out:
	asy_buf_release(&b);
	return r;
}

/*
 * Print a message with control bytes made visible: a message may quote a
 * value from the file, and a terminal must not take it for escape codes.
 */
static void
print_safe(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct asy_diag *x = a, *y = b;
	int c;

	c = strcmp(x->file, y->file);
	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

void
asy_diags_print(const struct asy_diags *d, FILE *out)
{
	struct asy_diag *sorted;

	sorted = malloc(d->n * sizeof(*sorted) + 1);
	if (sorted != NULL && d->n > 0) {
		memcpy(sorted, d->v, d->n * sizeof(*sorted));
		qsort(sorted, d->n, sizeof(*sorted), diag_cmp);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct asy_diag *e = sorted ? &sorted[i] : &d->v[i];

		print_safe(out, e->file);
		if (e->line > 0)
			fprintf(out, ":%lu", e->line);
		fprintf(out, ": %s: ", e->sev == ASY_SEV_ERROR ?
		    "error" : "warning");
		print_safe(out, e->msg);
		fputc('\n', out);
	}
	if (d->n_dropped > 0)
		fprintf(out, "assay: %lu more problems not shown\n",
		    d->n_dropped);
	free(sorted);
}
