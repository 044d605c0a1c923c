#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static enum asy_log_level current = ASY_LOG_WARNING;

static const char *const prefixes[] = {
	[ASY_LOG_ERROR] = "error",
	[ASY_LOG_WARNING] = "warning",
	[ASY_LOG_INFO] = "info",
	[ASY_LOG_DEBUG] = "debug",
};

void
asy_log_set_level(enum asy_log_level level)
{
	current = level;
}

enum asy_log_level
asy_log_get_level(void)
{
	return current;
}

void
asy_log_at(enum asy_log_level level, const char *func, const char *fmt, ...)
{
	va_list ap;

	if (level > current)
		return;
	if (level == ASY_LOG_DEBUG)
		fprintf(stderr, "assay: debug: %s: ", func);
	else
		fprintf(stderr, "assay: %s: ", prefixes[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
asy_bug(const char *file, int line, const char *func, const char *msg)
{
	fprintf(stderr, "assay: BUG at %s:%d (%s): %s\n", file, line, func, msg);
	abort();
}
