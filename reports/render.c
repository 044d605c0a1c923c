#include "render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"

void
asy_emit_init(struct asy_emit *e, struct asy_buf *b)
{
	e->b = b;
	e->err = 0;
}

int
asy_emit_end(const struct asy_emit *e)
{
	return e->err;
}

void
asy_emit_raw(struct asy_emit *e, const char *s)
{
	if (e->err < 0)
		return;
	e->err = asy_buf_puts(e->b, s);
}

void
asy_emit_printf(struct asy_emit *e, const char *fmt, ...)
{
	va_list ap;

	if (e->err < 0)
		return;
	va_start(ap, fmt);
	e->err = asy_buf_vprintf(e->b, fmt, ap);
	va_end(ap);
}

/*
 * Escape s with asy_buf_put_xml(), writing the bytes in set as numeric
 * character references instead.  The common case (none of them present)
 * costs one strcspn(); otherwise each run between them is copied so that
 * asy_buf_put_xml() sees a terminated string.
 */
static void
emit_xml_refs(struct asy_emit *e, const char *s, const char *set)
{
	char *seg = NULL;
	size_t n;
	int r = 0;

	if (e->err < 0 || s == NULL)
		return;
	for (;;) {
		n = strcspn(s, set);
		if (s[n] == '\0') {
			r = asy_buf_put_xml(e->b, s);
			goto out;
		}
		if (n > 0) {
			seg = asy_strndup(s, n);
			if (seg == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
			r = asy_buf_put_xml(e->b, seg);
			asy_freep(&seg);
			if (r < 0)
				goto out;
		}
		r = asy_buf_printf(e->b, "&#%u;", (unsigned char)s[n]);
		if (r < 0)
			goto out;
		s += n + 1;
	}
out:
	free(seg);
	e->err = r;
}

void
asy_emit_xml(struct asy_emit *e, const char *s)
{
	emit_xml_refs(e, s, "\r");
}

void
asy_emit_attr_text(struct asy_emit *e, const char *s)
{
	emit_xml_refs(e, s, "\t\n\r");
}

void
asy_emit_attr(struct asy_emit *e, const char *name, const char *value)
{
	if (value == NULL)
		return;
	asy_emit_raw(e, " ");
	asy_emit_raw(e, name);
	asy_emit_raw(e, "=\"");
	asy_emit_attr_text(e, value);
	asy_emit_raw(e, "\"");
}

void
asy_emit_json(struct asy_emit *e, const char *s)
{
	if (s == NULL) {
		asy_emit_raw(e, "null");
		return;
	}
	asy_emit_raw(e, "\"");
	if (e->err == 0)
		e->err = asy_buf_put_json(e->b, s);
	asy_emit_raw(e, "\"");
}
