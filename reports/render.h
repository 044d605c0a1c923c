/*
 * Helpers shared by the report writers (reports/ only, not a public API).
 *
 * A struct asy_emit wraps the output buffer with a sticky error: once an
 * append fails, every later call does nothing and asy_emit_end() returns
 * the first error.  A writer can then emit a whole document as straight-line
 * code and check once, instead of testing every one of hundreds of appends.
 *
 * Every string that comes from the result model goes through one of the
 * escaping calls (asy_emit_xml, asy_emit_attr, asy_emit_json); asy_emit_raw
 * and asy_emit_printf are for the writer's own markup and numbers only.
 */
#ifndef ASSAY_RENDER_H
#define ASSAY_RENDER_H

#include "buf.h"

struct asy_emit {
	struct asy_buf	*b;
	int		 err;	/* first error, 0 while all went well */
};

void	asy_emit_init(struct asy_emit *e, struct asy_buf *b);
/* The first error (a negative ASY_E_ code) or 0. */
int	asy_emit_end(const struct asy_emit *e);

/* Trusted text: the writer's own markup, never model strings. */
void	asy_emit_raw(struct asy_emit *e, const char *s);
void	asy_emit_printf(struct asy_emit *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Model text as XML/HTML character data, escaped by asy_buf_put_xml(); a
 * carriage return becomes &#13; so a parser keeps it.  NULL emits nothing.
 */
void	asy_emit_xml(struct asy_emit *e, const char *s);
/*
 * Model text inside a quoted attribute value: as asy_emit_xml(), and tab,
 * newline and carriage return become character references so that
 * attribute-value normalisation does not turn them into spaces.
 */
void	asy_emit_attr_text(struct asy_emit *e, const char *s);
/* ` name="value"`, or nothing when value is NULL. */
void	asy_emit_attr(struct asy_emit *e, const char *name,
	    const char *value);

/* A JSON string in quotes (escaped by asy_buf_put_json), or null. */
void	asy_emit_json(struct asy_emit *e, const char *s);

#endif
