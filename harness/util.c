#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"

char *
asy_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return strdup(s);
}

char *
asy_strndup(const char *s, size_t n)
{
	char *p;

	p = malloc(n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
asy_freep(char **p)
{
	free(*p);
	*p = NULL;
}

int
asy_set_str(char **p, const char *s)
{
	char *c = NULL;

	if (s != NULL) {
		c = strdup(s);
		if (c == NULL)
			return ASY_E_NOMEM;
	}
	free(*p);
	*p = c;
	return 0;
}

void *
asy_array_add(void *arr_p, size_t *n, size_t *cap, size_t sz)
{
	char **arr = arr_p;
	char *elem;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char *na;

		if (ncap > SIZE_MAX / sz)
			return NULL;
		na = realloc(*arr, ncap * sz);
		if (na == NULL)
			return NULL;
		*arr = na;
		*cap = ncap;
	}
	elem = *arr + *n * sz;
	memset(elem, 0, sz);
	(*n)++;
	return elem;
}

int
asy_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (s == NULL || *s == '\0')
		return ASY_E_INPUT;
	for (const char *p = s; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return ASY_E_INPUT;
		d = (unsigned)(*p - '0');
		if (v > (~0UL - d) / 10)
			return ASY_E_INPUT;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
asy_str_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

int
asy_str_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char ca = *a, cb = *b;

		if (ca >= 'A' && ca <= 'Z')
			ca = (char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (char)(cb - 'A' + 'a');
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

void
asy_now_iso8601(char buf[32])
{
	struct tm tm;
	time_t t;

	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
asy_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	p = malloc(dl + nl + 2);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 0 && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

int
asy_mkdir_p(const char *path, unsigned mode)
{
	char *p;
	int r = 0;

	p = strdup(path);
	if (p == NULL)
		return ASY_E_NOMEM;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
				r = ASY_E_IO;
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return r;
}

long long
asy_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
asy_vwhy(char *why, size_t why_len, const char *fmt, va_list ap)
{
	if (why == NULL || why_len == 0)
		return;
	vsnprintf(why, why_len, fmt, ap);
}

void
asy_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	asy_vwhy(why, why_len, fmt, ap);
	va_end(ap);
}
