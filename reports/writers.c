/*
 * The table of report writers and the loop that runs them.  Adding a
 * writer means one render function in its own file and one line here.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"

const struct asy_report_writer asy_report_writers[] = {
	{ "xml", "report.xml",
	    "canonical XML report (reports/schema/report.xsd)",
	    asy_report_render_xml },
	{ "html", "report.html",
	    "self-contained HTML report for the customer",
	    asy_report_render_html },
	{ "junit", "junit.xml",
	    "JUnit XML for CI: one testsuite per group, one testcase per unit",
	    asy_report_render_junit },
	{ "json", "report.json",
	    "the canonical report as JSON",
	    asy_report_render_json },
};

const size_t asy_n_report_writers = ASY_ELEMENTSOF(asy_report_writers);

const struct asy_report_writer *
asy_report_writer_find(const char *name)
{
	for (size_t i = 0; i < asy_n_report_writers; i++)
		if (strcmp(asy_report_writers[i].name, name) == 0)
			return &asy_report_writers[i];
	return NULL;
}

int
asy_reports_write_all(const struct asy_report *r, const char *dir)
{
	struct asy_buf b;
	char *path = NULL;
	int e = 0;

	asy_buf_init(&b, ASY_REPORT_MAX);
	for (size_t i = 0; i < asy_n_report_writers; i++) {
		const struct asy_report_writer *w = &asy_report_writers[i];

		/* Keep the allocation: the next report is about as big. */
		asy_buf_reset(&b);
		e = w->render(r, &b);
		if (e < 0)
			goto out;
		path = asy_path_join(dir, w->file);
		if (path == NULL) {
			e = ASY_E_NOMEM;
			goto out;
		}
		e = asy_buf_save_file(&b, path);
		if (e < 0)
			goto out;
		asy_freep(&path);
	}
out:
	free(path);
	asy_buf_release(&b);
	return e;
}
