#include "render.h"

#include <stdarg.h>
#include <stdlib.h>

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

void
asy_emit_xml(struct asy_emit *e, const char *s)
{
	if (e->err == 0 && s != NULL)
		e->err = asy_buf_put_xml(e->b, s);
}

void
asy_emit_attr_text(struct asy_emit *e, const char *s)
{
	if (e->err == 0 && s != NULL)
		e->err = asy_buf_put_xml_attr(e->b, s);
}

void
asy_emit_attr(struct asy_emit *e, const char *name, const char *value)
{
	if (e->err == 0 && value != NULL)
		e->err = asy_buf_put_attr(e->b, name, value);
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
