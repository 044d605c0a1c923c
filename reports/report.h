/*
 * Report writers.  Each renders the result model (harness/result.h) into
 * one file of the run folder; the table asy_report_writers[] lists them and
 * asy_reports_write_all() runs every one.
 */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <stddef.h>

#include "buf.h"
#include "result.h"

/* Cap on one rendered report: 256 MiB. */
#define ASY_REPORT_MAX	((size_t)256 << 20)

struct asy_report_writer {
	const char	*name;		/* "xml", "html", "junit", "json" */
	const char	*file;		/* "report.xml" ... in the run folder */
	const char	*summary;	/* one line for --help */
	/* Append the rendering of r to out; 0 or a negative ASY_E_ code. */
	int		(*render)(const struct asy_report *r, struct asy_buf *out);
};

extern const struct asy_report_writer asy_report_writers[];
extern const size_t asy_n_report_writers;

int	asy_report_render_xml(const struct asy_report *r, struct asy_buf *out);
int	asy_report_render_html(const struct asy_report *r, struct asy_buf *out);
int	asy_report_render_junit(const struct asy_report *r,
	    struct asy_buf *out);
int	asy_report_render_json(const struct asy_report *r, struct asy_buf *out);

/*
 * The Content-Security-Policy that report.html carries in its <meta>: a
 * server that serves a report sends it as a header too (only the
 * report's own script may run).
 */
extern const char asy_report_html_csp[];

/* Look a writer up by name; NULL if there is none. */
const struct asy_report_writer *asy_report_writer_find(const char *name);

/*
 * Render every report into dir (which must exist), each written atomically.
 * 0, or the first error (later writers are not tried).
 */
int	asy_reports_write_all(const struct asy_report *r, const char *dir);

#endif
