/*
 * Logging.  Library code logs at debug level and returns an error; the
 * caller reports once.  Messages are lowercase without a final period.
 */
#ifndef ASSAY_LOG_H
#define ASSAY_LOG_H

enum asy_log_level {
	ASY_LOG_ERROR,
	ASY_LOG_WARNING,
	ASY_LOG_INFO,
	ASY_LOG_DEBUG,
};

void	asy_log_set_level(enum asy_log_level level);
enum asy_log_level asy_log_get_level(void);
void	asy_log_at(enum asy_log_level level, const char *func,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define asy_error(...)	asy_log_at(ASY_LOG_ERROR, __func__, __VA_ARGS__)
#define asy_warn(...)	asy_log_at(ASY_LOG_WARNING, __func__, __VA_ARGS__)
#define asy_info(...)	asy_log_at(ASY_LOG_INFO, __func__, __VA_ARGS__)
#define asy_debug(...)	asy_log_at(ASY_LOG_DEBUG, __func__, __VA_ARGS__)

/* A bug in assay, never bad input: print and abort. */
#define ASY_BUG(msg)	asy_bug(__FILE__, __LINE__, __func__, (msg))
void	asy_bug(const char *file, int line, const char *func, const char *msg)
	    __attribute__((noreturn));

#endif
