#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

void
asy_buf_init(struct asy_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void
asy_buf_release(struct asy_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void
asy_buf_reset(struct asy_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
static int
buf_reserve(struct asy_buf *b, size_t n)
{
	size_t need, nalloc;
	char *nd;

	if (n > b->max || b->len > b->max - n)
		return ASY_E_TOOBIG;
	need = b->len + n + 1;
	if (need <= b->alloc)
		return 0;
	nalloc = b->alloc ? b->alloc : 256;
	while (nalloc < need)
		nalloc *= 2;
	if (nalloc > b->max + 1)
		nalloc = b->max + 1;
	nd = realloc(b->data, nalloc);
	if (nd == NULL)
		return ASY_E_NOMEM;
	b->data = nd;
	b->alloc = nalloc;
	return 0;
}

int
asy_buf_add(struct asy_buf *b, const void *p, size_t n)
{
	int r;

	r = buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
asy_buf_puts(struct asy_buf *b, const char *s)
{
	return asy_buf_add(b, s, strlen(s));
}

int
asy_buf_putc(struct asy_buf *b, char c)
{
	return asy_buf_add(b, &c, 1);
}

int
asy_buf_vprintf(struct asy_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, r;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return ASY_E_INTERNAL;
	r = buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
asy_buf_printf(struct asy_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = asy_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static const char replacement[] = "\xef\xbf\xbd";

/*
 * The XML escaper.  A CR is written as a reference so that parsers keep it;
 * in attribute values TAB and LF are too, since attribute-value
 * normalisation would turn them into spaces.
 */
static int
put_xml(struct asy_buf *b, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	int r = 0;

	while (*p != '\0' && r == 0) {
		const unsigned char *start = p;
		size_t n;

		/* Copy the longest run that needs no escaping in one go. */
		while (*p >= 0x20 && *p < 0x80 && *p != '&' && *p != '<' &&
		    *p != '>' && *p != '"' && *p != '\'')
			p++;
		if (p > start) {
			r = asy_buf_add(b, start, (size_t)(p - start));
			continue;
		}
		switch (*p) {
		case '&': r = asy_buf_puts(b, "&amp;"); p++; continue;
		case '<': r = asy_buf_puts(b, "&lt;"); p++; continue;
		case '>': r = asy_buf_puts(b, "&gt;"); p++; continue;
		case '"': r = asy_buf_puts(b, "&quot;"); p++; continue;
		case '\'': r = asy_buf_puts(b, "&#39;"); p++; continue;
		case '\r': r = asy_buf_puts(b, "&#13;"); p++; continue;
		case '\t':
			r = attr ? asy_buf_puts(b, "&#9;") : asy_buf_putc(b, '\t');
			p++;
			continue;
		case '\n':
			r = attr ? asy_buf_puts(b, "&#10;") : asy_buf_putc(b, '\n');
			p++;
			continue;
		default:
			break;
		}
		if (*p < 0x20) {
			r = asy_buf_puts(b, replacement);
			p++;
			continue;
		}
		n = utf8_len(p);
		/* U+FFFE and U+FFFF are not XML characters. */
		if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe) {
			r = asy_buf_puts(b, replacement);
			p += 3;
		} else if (n == 0) {
			r = asy_buf_puts(b, replacement);
			p++;
		} else {
			r = asy_buf_add(b, p, n);
			p += n;
		}
	}
	return r;
}

int
asy_buf_put_xml(struct asy_buf *b, const char *s)
{
	return put_xml(b, s, 0);
}

int
asy_buf_put_xml_attr(struct asy_buf *b, const char *s)
{
	return put_xml(b, s, 1);
}

int
asy_buf_put_attr(struct asy_buf *b, const char *name, const char *value)
{
	int r;

	r = asy_buf_printf(b, " %s=\"", name);
	if (r == 0)
		r = put_xml(b, value, 1);
	if (r == 0)
		r = asy_buf_putc(b, '"');
	return r;
}

int
asy_buf_put_term(struct asy_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;
	int r = 0;

	while (*p != '\0' && r == 0) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);

		if (used + (n ? n : 1) > max)
			return asy_buf_puts(b, "...");
		if (n == 1 && *p >= 0x20 && *p != 0x7f)
			r = asy_buf_putc(b, (char)*p);
		else if (n < 2 || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0))
			r = asy_buf_putc(b, '?');
		else
			r = asy_buf_add(b, p, n);
		used += n ? n : 1;
		p += n ? n : 1;
	}
	return r;
}

char *
asy_strdup_printf(const char *fmt, ...)
{
	struct asy_buf b;
	va_list ap;
	int r;

	asy_buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	r = asy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

int
asy_buf_put_json(struct asy_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int r = 0;

	while (*p != '\0' && r == 0) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };

			r = asy_buf_add(b, esc, 2);
			p++;
		} else if (*p < 0x20) {
			r = asy_buf_printf(b, "\\u%04x", *p);
			p++;
		} else if (*p == '<') {
			/* Keep "</script>" harmless if JSON is embedded in HTML. */
			r = asy_buf_puts(b, "\\u003c");
			p++;
		} else if (*p < 0x80) {
			r = asy_buf_putc(b, (char)*p);
			p++;
		} else if ((n = utf8_len(p)) == 0) {
			r = asy_buf_puts(b, "\\ufffd");
			p++;
		} else {
			r = asy_buf_add(b, p, n);
			p += n;
		}
	}
	return r;
}

char *
asy_buf_steal(struct asy_buf *b)
{
	char *d = b->data;

	if (d == NULL)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return d;
}

int
asy_buf_load_file(struct asy_buf *b, const char *path)
{
	struct stat st;
	int fd, r = 0;

	/* O_NONBLOCK: opening a fifo must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? ASY_E_NOTFOUND : ASY_E_IO;
	if (fstat(fd, &st) < 0) {
		r = ASY_E_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = ASY_E_NOTREG;
		goto out;
	}
	if ((unsigned long long)st.st_size > b->max) {
		r = ASY_E_TOOBIG;
		goto out;
	}
	/* One allocation of the right size instead of doublings. */
	r = buf_reserve(b, (size_t)st.st_size);
	if (r < 0)
		goto out;
	b->data[b->len] = '\0';
	for (;;) {
		char chunk[65536];
		ssize_t n;

		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = ASY_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		r = asy_buf_add(b, chunk, (size_t)n);
		if (r < 0)
			goto out;
	}
	if (b->data == NULL)
		r = asy_buf_add(b, "", 0);
out:
	close(fd);
	return r;
}

int
asy_buf_save_file(const struct asy_buf *b, const char *path)
{
	struct asy_buf tmp;
	size_t off = 0;
	int fd = -1, r;

	asy_buf_init(&tmp, 4096 + strlen(path));
	r = asy_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (r < 0)
		goto out;
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = ASY_E_IO;
		goto out;
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = ASY_E_IO;
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0) {
		r = ASY_E_IO;
		goto out;
	}
	r = close(fd) < 0 ? ASY_E_IO : 0;
	fd = -1;
	if (r < 0)
		goto out;
	if (rename(tmp.data, path) < 0) {
		r = ASY_E_IO;
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (r < 0 && tmp.data != NULL)
		unlink(tmp.data);
	asy_buf_release(&tmp);
	return r;
}
