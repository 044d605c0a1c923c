/*
 * Growable byte buffers with a mandatory cap.
 *
 * Every buffer that holds data whose size someone else decides (a file, a
 * device's answer, a report being rendered) is a struct asy_buf with a
 * maximum; growing past it fails with ASY_E_TOOBIG instead of eating memory.
 * The data is always NUL-terminated so it can be used as a C string.
 */
#ifndef ASSAY_BUF_H
#define ASSAY_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct asy_buf {
	char	*data;	/* NUL-terminated, NULL until the first append */
	size_t	 len;
	size_t	 alloc;
	size_t	 max;	/* cap on len; 0 is a bug */
};

/* Initialise an empty buffer that may hold at most max bytes. */
void	asy_buf_init(struct asy_buf *b, size_t max);
/* Free the data; the buffer may be used again after asy_buf_init(). */
void	asy_buf_release(struct asy_buf *b);
/* Forget the contents, keep the allocation. */
void	asy_buf_reset(struct asy_buf *b);

/* Append bytes; 0 or ASY_E_TOOBIG / ASY_E_NOMEM, the buffer unchanged. */
int	asy_buf_add(struct asy_buf *b, const void *p, size_t n);
int	asy_buf_puts(struct asy_buf *b, const char *s);
int	asy_buf_putc(struct asy_buf *b, char c);
int	asy_buf_printf(struct asy_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	asy_buf_vprintf(struct asy_buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/*
 * Escaping appenders for text from outside (declarations, devices).
 * xml: & < > " ' as entities, CR as a reference, control bytes, invalid
 * UTF-8 and U+FFFE/U+FFFF as U+FFFD.  xml_attr: the same, with TAB and LF
 * as references too (for attribute values).  attr: ' name="value"'.
 * json: a JSON string body (no quotes), control bytes as \u00XX.
 */
int	asy_buf_put_xml(struct asy_buf *b, const char *s);
int	asy_buf_put_xml_attr(struct asy_buf *b, const char *s);
int	asy_buf_put_attr(struct asy_buf *b, const char *name,
	    const char *value);
int	asy_buf_put_json(struct asy_buf *b, const char *s);

/*
 * Text from outside for a terminal: at most max bytes of s (then "..."),
 * cut at a character boundary; control characters (C0, DEL, C1) and
 * invalid UTF-8 become '?', so nothing in it can drive the terminal.
 */
int	asy_buf_put_term(struct asy_buf *b, const char *s, size_t max);
/* A fresh string formatted as printf does (at most 1 MiB), or NULL. */
char	*asy_strdup_printf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Hand the data over to the caller (who frees it); the buffer is emptied. */
char	*asy_buf_steal(struct asy_buf *b);

/* Read a whole regular file into b; ASY_E_TOOBIG if it is larger than
 * b->max, ASY_E_NOTREG if it is a folder, fifo or device. */
int	asy_buf_load_file(struct asy_buf *b, const char *path);
/* Write b to path atomically (temporary file + rename). */
int	asy_buf_save_file(const struct asy_buf *b, const char *path);

#endif
