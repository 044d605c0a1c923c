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

/* Is p the UTF-8 form of U+FFFE or U+FFFF (valid UTF-8, not an XML Char)? */
static int
xml_nonchar(const char *p)
{
	return p[0] == '\xef' && p[1] == '\xbf' &&
	    (p[2] == '\xbe' || p[2] == '\xbf');
}

/*
 * Escape s with asy_buf_put_xml(), writing the ASCII bytes in stops as
 * numeric character references instead, and U+FFFE and U+FFFF (which
 * asy_buf_put_xml() passes as valid UTF-8 but XML 1.0 forbids) as U+FFFD.
 * stops also holds 0xef, the lead byte of those two.
 * The common case (none of them present) costs one strcspn(); otherwise
 * each run between them is copied so that asy_buf_put_xml() sees a
 * terminated string.  Runs end only on ASCII bytes or before a lead byte,
 * so no valid UTF-8 sequence is split.
 */
static void
emit_xml_refs(struct asy_emit *e, const char *s, const char *stops)
{
	const char *start, *scan, *q;
	char *seg = NULL;
	int r = 0;

	if (e->err < 0 || s == NULL)
		return;
	start = scan = s;
	for (;;) {
		q = scan + strcspn(scan, stops);
		if (*q == '\xef' && !xml_nonchar(q)) {
			scan = q + 1;
			continue;
		}
		if (*q == '\0') {
			r = asy_buf_put_xml(e->b, start);
			goto out;
		}
		if (q > start) {
			seg = asy_strndup(start, (size_t)(q - start));
			if (seg == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
			r = asy_buf_put_xml(e->b, seg);
			asy_freep(&seg);
			if (r < 0)
				goto out;
		}
		if (*q == '\xef') {
			r = asy_buf_puts(e->b, "\xef\xbf\xbd");
			q += 3;
		} else {
			r = asy_buf_printf(e->b, "&#%u;", (unsigned char)*q);
			q++;
		}
		if (r < 0)
			goto out;
		start = scan = q;
	}
out:
	free(seg);
	e->err = r;
}

void
asy_emit_xml(struct asy_emit *e, const char *s)
{
	emit_xml_refs(e, s, "\r\xef");
}

void
asy_emit_attr_text(struct asy_emit *e, const char *s)
{
	emit_xml_refs(e, s, "\t\n\r\xef");
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
