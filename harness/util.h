/*
 * Small helpers shared by every part of assay.
 */
#ifndef ASSAY_UTIL_H
#define ASSAY_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ASY_ELEMENTSOF(a)	(sizeof(a) / sizeof((a)[0]))

/* A heap copy of s, or NULL when s is NULL or memory ran out. */
char	*asy_strdup(const char *s);
/* A heap copy of at most n bytes of s, NUL-terminated; NULL on no memory. */
char	*asy_strndup(const char *s, size_t n);
/* Free *p and set it to NULL. */
void	 asy_freep(char **p);
/* Replace *p by a copy of s; 0 or ASY_E_NOMEM (*p unchanged). */
int	 asy_set_str(char **p, const char *s);

/* Grow *arr (of *n elements of size sz) by one zeroed element; NULL on
 * no memory.  Capacity doubles; *cap holds it. */
void	*asy_array_add(void *arr_p, size_t *n, size_t *cap, size_t sz);

/* Parse a decimal unsigned number that fits in unsigned long; 0 or
 * ASY_E_INPUT (no sign, no trailing junk, no overflow). */
int	 asy_parse_ulong(const char *s, unsigned long *out);

/* Does s (not NULL) consist only of white space? */
int	 asy_str_blank(const char *s);
/* Compare ignoring ASCII case. */
int	 asy_str_ieq(const char *a, const char *b);

/* The current time as ISO 8601 UTC ("2026-11-22T11:30:00Z") in buf. */
void	 asy_now_iso8601(char buf[32]);

/* Milliseconds on the monotonic clock, from an arbitrary origin: for
 * deadlines and durations. */
long long asy_now_ms(void);

/* printf into an adapter's "why" out-parameter (NULL or why_len 0: no
 * output); the message is cut to fit. */
void	 asy_why(char *why, size_t why_len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 asy_vwhy(char *why, size_t why_len, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

/* Join a folder and a name into a fresh string; NULL on no memory. */
char	*asy_path_join(const char *dir, const char *name);
/* mkdir -p; 0 or ASY_E_IO. */
int	 asy_mkdir_p(const char *path, unsigned mode);

#endif
