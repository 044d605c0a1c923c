/*
 * assay serve: the dashboard on libmicrohttpd (see serve.h for the
 * routes, what is served and who may ask).
 *
 * Threads: libmicrohttpd answers on a small pool of its own threads.  The
 * run list (runlist.c) and the rendered list pages are shared under
 * s->mu.  The list page and the list JSON are rendered once per change of
 * the list (and per second while a run is running, for its elapsed
 * time) and kept as libmicrohttpd responses, which it may queue on many
 * connections at once; every other page is rendered per request.
 *
 * GET and HEAD are answered on the handler's second call, when the
 * request is complete (so the connection can be kept alive); a body with
 * them closes the connection.  Another method is answered 405 on the
 * first call, and libmicrohttpd closes the connection instead of reading
 * its body.
 */
#include "serve.h"
#include "diff.h"
#include "mhd.h"
#include "runread.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "buf.h"
#include "disclose.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "progress.h"
#include "report.h"
#include "runlist.h"
#include "sha256.h"
#include "util.h"

#define DEF_CONNS	128
#define DEF_TIMEOUT_S	15
#define DEF_THREADS	4
#define DEF_REFRESH_MS	1000
/* A rendered page, at most. */
#define PAGE_MAX	((size_t)64 << 20)
/* Files listed on a run's page, at most, and how deep. */
#define LIST_FILES	5000
#define LIST_DEPTH	4
/* Runs offered in the compare form. */
#define COMPARE_MAX	500
#define COOKIE		"assay_token"

static const char CSP_PAGE[] =
    "default-src 'none'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";
static const char CSP_FILE[] =
    "default-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; sandbox";

struct asy_serve {
	struct asy_mhd		*mhd;
	struct asy_runlist	*list;
	pthread_mutex_t		 mu;
	char			*runs_dir;
	char			*token;
	char			 token_hash[ASY_SHA256_HEX];
	unsigned		 port;
	long			 refresh_ms;
	/* The list rendered, for this generation and second. */
	unsigned long		 c_gen;
	long long		 c_sec;
	int			 c_valid;
	struct MHD_Response	*c_html;
	struct MHD_Response	*c_json;
	struct MHD_Response	*c_json_running;
};

/* ---- output with a sticky error ------------------------------------------ */

struct out {
	struct asy_buf	b;
	int		err;
};

static void
o_init(struct out *o)
{
	asy_buf_init(&o->b, PAGE_MAX);
	o->err = asy_buf_puts(&o->b, "");
}

static void
o_raw(struct out *o, const char *s)
{
	if (o->err == 0)
		o->err = asy_buf_puts(&o->b, s);
}

__attribute__((format(printf, 2, 3)))
static void
o_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err != 0)
		return;
	va_start(ap, fmt);
	o->err = asy_buf_vprintf(&o->b, fmt, ap);
	va_end(ap);
}

/* Text from outside, escaped for HTML text and quoted attributes. */
static void
o_h(struct out *o, const char *s)
{
	if (o->err == 0)
		o->err = asy_buf_put_xml_attr(&o->b, s != NULL ? s : "");
}

/* A JSON string in quotes. */
static void
o_j(struct out *o, const char *s)
{
	o_raw(o, "\"");
	if (o->err == 0)
		o->err = asy_buf_put_json(&o->b, s != NULL ? s : "");
	o_raw(o, "\"");
}

/* A path segment percent-encoded (all but A-Za-z0-9-._~), for links. */
static void
o_seg(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' &&
	    o->err == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			o->err = asy_buf_putc(&o->b, (char)*p);
		else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			o->err = asy_buf_add(&o->b, e, 3);
		}
	}
}

static void
o_release(struct out *o)
{
	asy_buf_release(&o->b);
}

/* ---- the answer to one request ------------------------------------------- */

struct answer {
	unsigned	 status;
	struct out	 o;		/* the body */
	const char	*type;
	const char	*csp;
	char		*location;	/* a redirect */
	char		*cookie;	/* Set-Cookie */
	char		*disposition;
	int		 fd;		/* a file to send, or -1 */
	uint64_t	 size;
	int		 queued;	/* a cached response was queued */
	enum MHD_Result	 queue_result;
};

static void
answer_init(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->status = MHD_HTTP_OK;
	a->fd = -1;
	a->type = "text/html; charset=utf-8";
	a->csp = CSP_PAGE;
	o_init(&a->o);
}

static void
answer_release(struct answer *a)
{
	o_release(&a->o);
	free(a->location);
	free(a->cookie);
	free(a->disposition);
	if (a->fd >= 0)
		close(a->fd);
}

static const char PAGE_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
    "<link rel=\"icon\" href=\"/static/icon.svg\" "
    "type=\"image/svg+xml\">\n"
    "<link rel=\"stylesheet\" href=\"/static/dash.css\">\n"
    "<script src=\"/static/dash.js\" defer></script>\n<title>";

/* The page's start up to <main>; body_attrs is our own markup. */
static void
page_begin(struct out *o, const char *title, const char *body_attrs)
{
	o_raw(o, PAGE_HEAD);
	o_h(o, title);
	o_raw(o, " - assay</title>\n</head>\n<body");
	o_raw(o, body_attrs != NULL ? body_attrs : "");
	o_raw(o, ">\n<header><a class=\"home\" href=\"/\">assay</a> "
	    "<span>dashboard</span></header>\n<main>\n");
}

static void
page_end(struct out *o)
{
	o_raw(o, "</main>\n</body>\n</html>\n");
}

/* A short page for an error or a refusal. */
__attribute__((format(printf, 4, 5)))
static void
error_page(struct answer *a, unsigned status, const char *title,
    const char *fmt, ...)
{
	struct asy_buf msg;
	va_list ap;

	a->status = status;
	a->type = "text/html; charset=utf-8";
	a->csp = CSP_PAGE;
	if (a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
	}
	asy_buf_release(&a->o.b);
	o_init(&a->o);
	asy_buf_init(&msg, 4096);
	va_start(ap, fmt);
	(void)asy_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	page_begin(&a->o, title, NULL);
	o_raw(&a->o, "<h1>");
	o_h(&a->o, title);
	o_raw(&a->o, "</h1>\n<p class=\"msg\">");
	o_h(&a->o, msg.data != NULL ? msg.data : "");
	o_raw(&a->o, "</p>\n<p><a href=\"/\">All runs</a></p>\n");
	page_end(&a->o);
	asy_buf_release(&msg);
}

/* ---- words and numbers shown ---------------------------------------------- */

/* The order verdicts are shown in. */
static const enum asy_verdict shown[] = {
	ASY_V_PASS, ASY_V_FAIL, ASY_V_INCONCLUSIVE, ASY_V_ERROR, ASY_V_NA,
};

static const char *const state_label[ASY_RUN__COUNT] = {
	[ASY_RUN_COMPLETE] = "complete",
	[ASY_RUN_RUNNING] = "running",
	[ASY_RUN_INCOMPLETE] = "stopped / incomplete",
	[ASY_RUN_CORRUPT] = "corrupt",
	[ASY_RUN_FOREIGN] = "not a run",
};

/* "1 h 3 min 5 s", "4 min 0 s", "12 s" (as dash.js writes it). */
static void
o_duration(struct out *o, long long s)
{
	if (s < 0)
		s = 0;
	if (s >= 3600)
		o_printf(o, "%lld h ", s / 3600);
	if (s >= 60)
		o_printf(o, "%lld min ", s % 3600 / 60);
	o_printf(o, "%lld s", s % 60);
}

static long long
since(const char *iso, long long now)
{
	long long t;

	if (asy_iso8601_parse(iso, &t) < 0)
		return -1;
	return now - t;
}

/* The counts of a run: the report's units, or the progress so far. */
static const unsigned long *
run_counts(const struct asy_run_info *ri)
{
	if (ri->has_head && ri->head.has_units)
		return ri->head.units;
	if (ri->has_progress)
		return ri->progress.counts;
	return NULL;
}

/* The counts by verdict; zeros left out unless all (live ones keep
 * every count, for dash.js to update). */
static void
o_counts(struct out *o, const unsigned long *c, int all)
{
	size_t k = 0;

	for (size_t i = 0; c != NULL && i < ASY_ELEMENTSOF(shown); i++) {
		if (!all && c[shown[i]] == 0)
			continue;
		k++;
		o_printf(o, "<i class=\"c v-%s\">%s %lu</i>",
		    asy_verdict_slug(shown[i]), asy_verdict_name(shown[i]),
		    c[shown[i]]);
	}
	if (k == 0)
		o_raw(o, "<span class=\"muted\">none</span>");
}

static void
o_verdict(struct out *o, enum asy_verdict v)
{
	o_printf(o, "<span class=\"v v-%s\">%s</span>", asy_verdict_slug(v),
	    asy_verdict_name(v));
}

/* "2026-11-22 11:30:00 UTC" from ISO 8601, or the text as it is. */
static void
o_when(struct out *o, const char *iso)
{
	long long t;

	if (asy_iso8601_parse(iso, &t) == 0)
		o_printf(o, "%.10s %.8s UTC", iso, iso + 11);
	else if (iso != NULL && *iso != '\0')
		o_h(o, iso);
	else
		o_raw(o, "<span class=\"muted\">unknown</span>");
}

/* The live part of a running run, with the classes dash.js updates. */
static void
o_progress(struct out *o, const struct asy_run_info *ri, long long now)
{
	const struct asy_progress_view *p = &ri->progress;

	o_printf(o, "<div class=\"live\"><progress max=\"%lu\" value=\"%lu\">"
	    "</progress> <span class=\"p-done\">%lu of %lu units</span>",
	    p->total > 0 ? p->total : 1, p->done, p->done, p->total);
	o_raw(o, "<div>case <span class=\"p-case\">");
	if (p->case_id[0] != '\0') {
		o_h(o, p->case_id);
		o_raw(o, " ");
		o_h(o, p->case_title);
	} else
		o_raw(o, "between cases");
	o_raw(o, "</span> for <span class=\"p-case-time\">");
	if (p->case_id[0] != '\0')
		o_duration(o, since(p->case_started, now));
	o_raw(o, "</span></div><div>running for <span class=\"p-elapsed\">");
	o_duration(o, since(p->started, now));
	o_raw(o, "</span></div></div>");
}

/* ---- the run list ---------------------------------------------------------- */

static void
o_run_link(struct out *o, const char *name, const char *file)
{
	o_raw(o, "/runs/");
	o_seg(o, name);
	o_raw(o, "/");
	if (file != NULL)
		o_raw(o, file);
}

static void
render_list_row(struct out *o, const struct asy_run_info *ri, long long now)
{
	const char *label = state_label[ri->state];
	int live = ri->state == ASY_RUN_RUNNING && ri->has_progress;

	/* Short markup: the list may have thousands of rows.  Only live
	 * rows carry what dash.js looks for. */
	o_printf(o, "<tr class=\"s-%s\"", asy_run_state_name(ri->state));
	if (live) {
		o_raw(o, " data-state=\"running\" data-run=\"");
		o_h(o, ri->name);
		o_raw(o, "\"");
	}
	o_raw(o, "><td><a href=\"");
	o_run_link(o, ri->name, NULL);
	o_raw(o, "\">");
	o_h(o, ri->device[0] != '\0' ? ri->device : ri->name);
	o_raw(o, "</a><small>");
	o_h(o, ri->name);
	o_raw(o, "</small></td><td>");
	o_when(o, ri->started);
	o_printf(o, "</td><td><b class=\"st-%s\">%s</b>",
	    asy_run_state_name(ri->state), label);
	if (live)
		o_progress(o, ri, now);
	else if (ri->reason[0] != '\0') {
		o_raw(o, "<small class=\"why\">");
		o_h(o, ri->reason);
		o_raw(o, "</small>");
	}
	o_raw(o, "</td><td>");
	if (ri->has_head)
		o_verdict(o, ri->head.overall);
	else
		o_raw(o, ri->state == ASY_RUN_RUNNING ? "<span class=\"muted\">"
		    "in progress</span>" : "<span class=\"muted\">-</span>");
	o_raw(o, "</td><td class=\"p-counts\">");
	o_counts(o, run_counts(ri), live);
	o_raw(o, "</td><td>");
	if (ri->has_head) {
		o_raw(o, "<a href=\"");
		o_run_link(o, ri->name, "report.html");
		o_raw(o, "\">report</a>");
	}
	o_raw(o, "</td></tr>\n");
}

static void
render_list(struct asy_serve *s, struct out *o, long long now)
{
	const struct asy_run_info *v;
	unsigned long by_state[ASY_RUN__COUNT] = { 0 };
	size_t n;

	v = asy_runlist_entries(s->list, &n);
	for (size_t i = 0; i < n; i++)
		by_state[v[i].state]++;
	o_raw(o, PAGE_HEAD);
	o_raw(o, "Runs - assay</title>\n<noscript><meta http-equiv=\"refresh\" "
	    "content=\"10\"></noscript>\n</head>\n");
	o_printf(o, "<body data-watch=\"list\" data-count=\"%zu\">\n"
	    "<header><a class=\"home\" href=\"/\">assay</a> <span>dashboard"
	    "</span></header>\n<main>\n<h1>Runs</h1>\n<p class=\"muted\">", n);
	o_h(o, s->runs_dir);
	o_printf(o, ": %zu entr%s", n, n == 1 ? "y" : "ies");
	for (int st = 0; st < ASY_RUN__COUNT; st++)
		if (by_state[st] > 0)
			o_printf(o, ", %lu %s", by_state[st], state_label[st]);
	o_raw(o, "</p>\n");
	if (n == 0)
		o_raw(o, "<p class=\"empty\">No runs yet. <code>assay run "
		    "--runs-dir</code> this folder to make one.</p>\n");
	else
		o_raw(o, "<table class=\"runs\">\n<thead><tr><th>Device</th>"
		    "<th>Started</th><th>State</th><th>Verdict</th>"
		    "<th>Units</th><th></th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		render_list_row(o, &v[i], now);
	if (n > 0)
		o_raw(o, "</tbody>\n</table>\n");
	page_end(o);
}

/* One run as a JSON object. */
static void
json_run(struct out *o, const struct asy_run_info *ri, long long now)
{
	const unsigned long *c = run_counts(ri);

	o_raw(o, "{\"name\": ");
	o_j(o, ri->name);
	o_printf(o, ", \"state\": \"%s\", \"reason\": ",
	    asy_run_state_name(ri->state));
	o_j(o, ri->reason);
	o_raw(o, ", \"device\": ");
	o_j(o, ri->device);
	o_raw(o, ", \"dut\": ");
	o_j(o, ri->dut_name);
	o_raw(o, ", \"edition\": ");
	o_j(o, ri->edition);
	o_raw(o, ", \"mode\": ");
	o_j(o, ri->mode);
	o_raw(o, ", \"started\": ");
	o_j(o, ri->started);
	if (ri->has_head) {
		o_printf(o, ", \"overall\": \"%s\", \"overall_reason\": ",
		    asy_verdict_name(ri->head.overall));
		o_j(o, ri->head.reason);
	} else
		o_raw(o, ", \"overall\": null, \"overall_reason\": null");
	o_raw(o, ", \"counts\": ");
	if (c != NULL) {
		for (size_t i = 0; i < ASY_ELEMENTSOF(shown); i++)
			o_printf(o, "%s\"%s\": %lu", i ? ", " : "{",
			    asy_verdict_slug(shown[i]), c[shown[i]]);
		o_raw(o, "}");
	} else
		o_raw(o, "null");
	/* The live part: for runs that did not complete. */
	o_raw(o, ", \"progress\": ");
	if (ri->has_progress && ri->state != ASY_RUN_COMPLETE) {
		const struct asy_progress_view *p = &ri->progress;

		o_printf(o, "{\"state\": \"%s\", \"done\": %lu, \"total\": %lu, "
		    "\"pid\": %ld, \"elapsed_s\": %lld, \"updated\": ",
		    asy_progress_state_name(p->state), p->done, p->total,
		    p->pid, since(p->started, now));
		o_j(o, p->updated);
		o_raw(o, ", \"case\": ");
		if (p->case_id[0] != '\0') {
			o_raw(o, "{\"id\": ");
			o_j(o, p->case_id);
			o_raw(o, ", \"title\": ");
			o_j(o, p->case_title);
			o_raw(o, ", \"started\": ");
			o_j(o, p->case_started);
			o_printf(o, "}, \"case_elapsed_s\": %lld",
			    since(p->case_started, now));
		} else
			o_raw(o, "null, \"case_elapsed_s\": null");
		o_raw(o, ", \"last\": [");
		for (size_t i = 0; i < p->n_last; i++) {
			o_raw(o, i ? ", {\"case\": " : "{\"case\": ");
			o_j(o, p->last[i].case_id);
			o_raw(o, ", \"unit\": ");
			o_j(o, p->last[i].unit);
			o_printf(o, ", \"verdict\": \"%s\"}",
			    asy_verdict_name(p->last[i].verdict));
		}
		o_raw(o, "]}");
	} else
		o_raw(o, "null");
	o_raw(o, ", \"links\": {\"run\": \"");
	o_run_link(o, ri->name, NULL);
	o_raw(o, "\", \"report\": ");
	if (ri->has_head) {
		o_raw(o, "\"");
		o_run_link(o, ri->name, "report.html");
		o_raw(o, "\"");
	} else
		o_raw(o, "null");
	o_raw(o, "}}");
}

static void
render_json_list(struct asy_serve *s, struct out *o, long long now,
    int only_running)
{
	const struct asy_run_info *v;
	size_t n, k = 0;

	v = asy_runlist_entries(s->list, &n);
	o_printf(o, "{\"format\": 1, \"count\": %zu, \"generation\": %lu, "
	    "\"runs\": [", n, asy_runlist_generation(s->list));
	for (size_t i = 0; i < n; i++) {
		if (only_running && v[i].state != ASY_RUN_RUNNING)
			continue;
		o_raw(o, k++ ? ",\n" : "\n");
		json_run(o, &v[i], now);
	}
	o_raw(o, "\n]}\n");
}

/* ---- responses ------------------------------------------------------------- */

static int
add_common(struct MHD_Response *r, const char *type, const char *csp)
{
	return MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    type) == MHD_YES &&
	    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") ==
	    MHD_YES &&
	    MHD_add_response_header(r, "Referrer-Policy", "no-referrer") ==
	    MHD_YES &&
	    MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store") == MHD_YES &&
	    MHD_add_response_header(r, "Content-Security-Policy", csp) ==
	    MHD_YES;
}

/* A response owning a copy of the rendered body, with the headers of
 * every page; NULL on failure. */
static struct MHD_Response *
make_response(struct out *o, const char *type, const char *csp)
{
	struct MHD_Response *r;
	size_t len = o->b.len;
	char *body;

	if (o->err != 0)
		return NULL;
	body = asy_buf_steal(&o->b);
	if (body == NULL)
		return NULL;
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return NULL;
	}
	if (!add_common(r, type, csp)) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

static enum MHD_Result
send_answer(struct MHD_Connection *c, struct answer *a)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	int good = 1;

	if (a->queued)
		return a->queue_result;
	if (a->fd >= 0) {
		r = MHD_create_response_from_fd64(a->size, a->fd);
		if (r == NULL)
			return MHD_NO;
		a->fd = -1;	/* the response closes it */
		good = add_common(r, a->type, a->csp);
	} else {
		r = make_response(&a->o, a->type, a->csp);
		if (r == NULL)
			return MHD_NO;
	}
	if (good && a->location != NULL)
		good = MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
		    a->location) == MHD_YES;
	if (good && a->cookie != NULL)
		good = MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
		    a->cookie) == MHD_YES;
	if (good && a->disposition != NULL)
		good = MHD_add_response_header(r,
		    MHD_HTTP_HEADER_CONTENT_DISPOSITION, a->disposition) ==
		    MHD_YES;
	if (good && a->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		good = MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD") == MHD_YES;
	if (good && a->status == MHD_HTTP_UNAUTHORIZED)
		good = MHD_add_response_header(r,
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"assay\"") == MHD_YES;
	ok = good ? MHD_queue_response(c, a->status, r) : MHD_NO;
	MHD_destroy_response(r);
	return ok;
}

/* ---- the list, cached ---------------------------------------------------- */

static void
cache_drop(struct asy_serve *s)
{
	if (s->c_html != NULL)
		MHD_destroy_response(s->c_html);
	if (s->c_json != NULL)
		MHD_destroy_response(s->c_json);
	if (s->c_json_running != NULL)
		MHD_destroy_response(s->c_json_running);
	s->c_html = s->c_json = s->c_json_running = NULL;
	s->c_valid = 0;
}

static int
any_running(struct asy_serve *s)
{
	const struct asy_run_info *v;
	size_t n;

	v = asy_runlist_entries(s->list, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].state == ASY_RUN_RUNNING)
			return 1;
	return 0;
}

/* Refresh the list; s->mu held.  0 or an error (the old list stays). */
static int
list_refresh(struct asy_serve *s)
{
	int r;

	r = asy_runlist_refresh(s->list, s->refresh_ms);
	if (r < 0)
		asy_debug("cannot list %s: %s", s->runs_dir, asy_strerror(r));
	return r;
}

/* The cached list responses, rendered again when stale; s->mu held. */
static int
list_cached(struct asy_serve *s)
{
	long long now = (long long)time(NULL);
	unsigned long gen;
	struct out h, j, jr;
	int r;

	r = list_refresh(s);
	if (r < 0 && !s->c_valid)
		return r;
	gen = asy_runlist_generation(s->list);
	if (s->c_valid && gen == s->c_gen &&
	    (s->c_sec == now || !any_running(s)))
		return 0;
	cache_drop(s);
	o_init(&h);
	o_init(&j);
	o_init(&jr);
	render_list(s, &h, now);
	render_json_list(s, &j, now, 0);
	render_json_list(s, &jr, now, 1);
	s->c_html = make_response(&h, "text/html; charset=utf-8", CSP_PAGE);
	s->c_json = make_response(&j, "application/json", CSP_PAGE);
	s->c_json_running = make_response(&jr, "application/json", CSP_PAGE);
	o_release(&h);
	o_release(&j);
	o_release(&jr);
	if (s->c_html == NULL || s->c_json == NULL ||
	    s->c_json_running == NULL) {
		cache_drop(s);
		return ASY_E_NOMEM;
	}
	s->c_gen = gen;
	s->c_sec = now;
	s->c_valid = 1;
	return 0;
}

/* ---- request paths --------------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s once into a fresh string; NULL for a bad escape, a
 * NUL, a control byte or DEL (decoded or not), or no memory.
 */
static char *
pct_decode(const char *s)
{
	struct asy_buf b;
	size_t n = strlen(s);

	asy_buf_init(&b, n + 1);
	if (asy_buf_puts(&b, "") < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			hi = hexval(s[i + 1]);
			lo = hi >= 0 ? hexval(s[i + 2]) : -1;
			if (lo < 0)
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		(void)asy_buf_putc(&b, (char)c);
	}
	return asy_buf_steal(&b);
bad:
	asy_buf_release(&b);
	return NULL;
}

/* Can name be a path component we open?  Not empty, ".", "..", and no
 * '/' or '\'.  Run names must not be hidden either. */
static int
component_ok(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\\')
			return 0;
	return 1;
}

/* ---- files of a run -------------------------------------------------------- */

static const struct {
	const char	*ext;
	const char	*type;
	int		 inline_ok;	/* shown in the browser */
} types[] = {
	{ ".pcap", "application/vnd.tcpdump.pcap", 0 },
	{ ".html", "text/html; charset=utf-8", 0 },
	{ ".xml", "application/xml", 0 },
	{ ".json", "application/json", 0 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".log", "text/plain; charset=utf-8", 1 },
	{ ".sha256", "text/plain; charset=utf-8", 1 },
};

static void
file_type(const char *rel, const char **type, int *inline_ok)
{
	size_t n = strlen(rel);

	*type = "application/octet-stream";
	*inline_ok = 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(types); i++) {
		size_t k = strlen(types[i].ext);

		if (n > k && strcmp(rel + n - k, types[i].ext) == 0) {
			*type = types[i].type;
			*inline_ok = types[i].inline_ok;
		}
	}
}

/* attachment; filename="..." with anything but safe ASCII as '_'. */
static char *
disposition(const char *base, int is_inline)
{
	struct asy_buf b;

	asy_buf_init(&b, 512);
	if (asy_buf_puts(&b, is_inline ? "inline; filename=\"" :
	    "attachment; filename=\"") < 0)
		return NULL;
	for (const char *p = base; *p != '\0' && b.len < 400; p++) {
		unsigned char c = (unsigned char)*p;

		(void)asy_buf_putc(&b, (c > 0x20 && c < 0x7f && c != '"' &&
		    c != '\\' && c != ';') ? (char)c : '_');
	}
	if (asy_buf_putc(&b, '"') < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

/*
 * Open rel (decoded, '/'-separated) inside the run folder at run_fd,
 * component by component, never following a symbolic link.  The file's
 * descriptor, or -1 with a->status and page set.
 */
static int
open_in_run(struct answer *a, int run_fd, const char *rel, struct stat *st)
{
	const char *p = rel;
	int dfd, fd = -1;

	dfd = dup(run_fd);
	if (dfd < 0) {
		error_page(a, 500, "Server error", "cannot open the run "
		    "folder");
		return -1;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		char *name;
		int last = slash == NULL, nfd;

		if (!component_ok(p, len)) {
			error_page(a, 400, "Bad request", "a path may not hold "
			    "empty, \".\" or \"..\" parts");
			break;
		}
		name = asy_strndup(p, len);
		if (name == NULL) {
			error_page(a, 500, "Server error", "out of memory");
			break;
		}
		nfd = openat(dfd, name, (last ? O_RDONLY | O_NONBLOCK |
		    O_NOCTTY : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW |
		    O_CLOEXEC);
		free(name);
		if (nfd < 0) {
			if (errno == ELOOP || (errno == ENOTDIR && !last))
				error_page(a, 403, "Not served", "a symbolic "
				    "link (or a file where a folder should "
				    "be) is on the way: only files inside the "
				    "run folder are served");
			else if (errno == ENOENT || errno == ENOTDIR)
				error_page(a, 404, "Not found", "no such file "
				    "in this run");
			else
				error_page(a, 403, "Not served", "the file "
				    "cannot be opened");
			break;
		}
		close(dfd);
		dfd = -1;
		if (last) {
			fd = nfd;
			break;
		}
		dfd = nfd;
		p = slash + 1;
	}
	if (dfd >= 0)
		close(dfd);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		error_page(a, 404, "Not found", "only regular files are "
		    "served");
		return -1;
	}
	/* Back to blocking reads for sending. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static void
serve_file(struct answer *a, int run_fd, const char *rel)
{
	const char *base = strrchr(rel, '/'), *type;
	struct stat st;
	int fd, inline_ok, report;

	fd = open_in_run(a, run_fd, rel, &st);
	if (fd < 0)
		return;
	file_type(rel, &type, &inline_ok);
	report = strcmp(rel, "report.html") == 0;
	a->fd = fd;
	a->size = (uint64_t)st.st_size;
	a->type = type;
	a->csp = report ? asy_report_html_csp : CSP_FILE;
	a->disposition = disposition(base != NULL ? base + 1 : rel,
	    report || inline_ok);
	if (a->disposition == NULL)
		error_page(a, 500, "Server error", "out of memory");
}

/* ---- a run's page ---------------------------------------------------------- */

struct file_ent {
	char		*rel;
	long long	 size;
	int		 link;
};

static int
ent_cmp(const void *x, const void *y)
{
	const struct file_ent *a = x, *b = y;

	return strcmp(a->rel, b->rel);
}

/* Every file under dfd (prefix: its path in the run), depth-limited. */
static void
walk(int dfd, const char *prefix, int depth, struct file_ent **v, size_t *n,
    size_t *cap, int *more)
{
	DIR *d;
	struct dirent *de;
	int fd;

	fd = dup(dfd);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	for (;;) {
		struct file_ent *e;
		struct stat st;
		char *rel;

		de = readdir(d);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".progress.json.tmp") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		rel = *prefix != '\0' ? asy_strdup_printf("%s/%s", prefix,
		    de->d_name) : asy_strdup(de->d_name);
		if (rel == NULL)
			break;
		if (S_ISDIR(st.st_mode)) {
			int sub = depth < LIST_DEPTH ? openat(dfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) :
			    -1;

			if (sub >= 0) {
				walk(sub, rel, depth + 1, v, n, cap, more);
				close(sub);
			} else
				*more = 1;
			free(rel);
			continue;
		}
		if (*n >= LIST_FILES) {
			*more = 1;
			free(rel);
			break;
		}
		e = asy_array_add(v, n, cap, sizeof(**v));
		if (e == NULL) {
			free(rel);
			break;
		}
		e->rel = rel;
		e->size = (long long)st.st_size;
		e->link = S_ISLNK(st.st_mode);
	}
	closedir(d);
}

static void
o_size(struct out *o, long long n)
{
	if (n < 10 * 1024)
		o_printf(o, "%lld B", n);
	else if (n < 10LL * 1024 * 1024)
		o_printf(o, "%lld KiB", n / 1024);
	else
		o_printf(o, "%lld MiB", n / (1024 * 1024));
}

/* The reports a run folder may hold, in the order shown. */
static const struct {
	const char	*file;
	const char	*what;
} reports[] = {
	{ "report.html", "the report, for a person" },
	{ "report.xml", "the canonical report (XML)" },
	{ "report.json", "the same as JSON" },
	{ "junit.xml", "JUnit, for CI" },
	{ "answers.xml", "the assessor's answers" },
	{ ASY_MANIFEST, "SHA-256 of every file" },
};

static void
render_files(struct out *o, const char *name, int run_fd)
{
	struct file_ent *v = NULL;
	size_t n = 0, cap = 0;
	int more = 0;
	struct stat st;
	size_t shown_reports = 0;

	o_raw(o, "<section><h2>Reports</h2>\n<ul class=\"reports\">\n");
	for (size_t i = 0; i < ASY_ELEMENTSOF(reports); i++) {
		if (fstatat(run_fd, reports[i].file, &st, AT_SYMLINK_NOFOLLOW) <
		    0 || !S_ISREG(st.st_mode))
			continue;
		shown_reports++;
		o_raw(o, "<li><a href=\"");
		o_run_link(o, name, reports[i].file);
		o_printf(o, "\">%s</a> <span class=\"muted\">%s</span></li>\n",
		    reports[i].file, reports[i].what);
	}
	if (shown_reports == 0)
		o_raw(o, "<li class=\"muted\">none yet: reports are written "
		    "when the run ends</li>\n");
	o_raw(o, "</ul></section>\n");
	walk(run_fd, "", 0, &v, &n, &cap, &more);
	if (n > 1)
		qsort(v, n, sizeof(*v), ent_cmp);
	o_printf(o, "<section><h2>Files</h2>\n<p class=\"muted\">%zu file%s"
	    "%s: pcaps, transcripts, discovery, inputs.</p>\n<table "
	    "class=\"files\">\n<thead><tr><th>File</th><th>Size</th></tr>"
	    "</thead>\n<tbody>\n", n, n == 1 ? "" : "s", more ?
	    " (more not listed)" : "");
	for (size_t i = 0; i < n; i++) {
		o_raw(o, "<tr><td>");
		if (v[i].link) {
			o_h(o, v[i].rel);
			o_raw(o, " <span class=\"muted\">(symbolic link, not "
			    "served)</span>");
		} else {
			o_raw(o, "<a href=\"/runs/");
			o_seg(o, name);
			for (const char *p = v[i].rel; *p != '\0';) {
				const char *sl = strchr(p, '/');
				char *part = asy_strndup(p, sl != NULL ?
				    (size_t)(sl - p) : strlen(p));

				o_raw(o, "/");
				o_seg(o, part != NULL ? part : "");
				free(part);
				if (sl == NULL)
					break;
				p = sl + 1;
			}
			o_raw(o, "\">");
			o_h(o, v[i].rel);
			o_raw(o, "</a>");
		}
		o_raw(o, "</td><td class=\"num\">");
		o_size(o, v[i].size);
		o_raw(o, "</td></tr>\n");
		free(v[i].rel);
	}
	free(v);
	o_raw(o, "</tbody>\n</table></section>\n");
}

/*
 * The place of the diff view: a form naming this run and another; the
 * integrator's diff (another engineer's library) answers /compare.
 */
static void
render_compare(struct asy_serve *s, struct out *o,
    const struct asy_run_info *ri)
{
	const struct asy_run_info *v;
	size_t n, k = 0;

	v = asy_runlist_entries(s->list, &n);
	o_raw(o, "<section id=\"compare\"><h2>Compare</h2>\n"
	    "<form method=\"get\" action=\"/compare\">\n"
	    "<input type=\"hidden\" name=\"new\" value=\"");
	o_h(o, ri->name);
	o_raw(o, "\">\n<label>Compare with <select name=\"old\">\n");
	for (size_t i = 0; i < n && k < COMPARE_MAX; i++) {
		if (v[i].state != ASY_RUN_COMPLETE ||
		    strcmp(v[i].name, ri->name) == 0)
			continue;
		k++;
		o_raw(o, "<option value=\"");
		o_h(o, v[i].name);
		o_raw(o, "\">");
		o_h(o, v[i].device);
		o_raw(o, " - ");
		o_h(o, v[i].name);
		o_raw(o, "</option>\n");
	}
	o_raw(o, "</select></label>\n<button type=\"submit\">Compare"
	    "</button>\n<span class=\"muted\">(what changed from the chosen "
	    "run to this one, as assay diff says it)</span>\n</form>"
	    "</section>\n");
}

static void
render_run(struct asy_serve *s, struct out *o, const struct asy_run_info *ri,
    int run_fd, long long now)
{
	const unsigned long *c = run_counts(ri);
	const char *title = ri->device[0] != '\0' ? ri->device : ri->name;
	int live = ri->state == ASY_RUN_RUNNING && ri->has_progress;

	o_raw(o, PAGE_HEAD);
	o_h(o, title);
	o_raw(o, " - assay</title>\n</head>\n");
	o_printf(o, "<body%s>\n<header><a class=\"home\" href=\"/\">assay</a> "
	    "<span>dashboard</span></header>\n<main>\n", live ?
	    " data-watch=\"run\"" : "");
	o_raw(o, "<p><a href=\"/\">&larr; All runs</a></p>\n<h1>");
	o_h(o, title);
	o_printf(o, "</h1>\n<div class=\"run s-%s\" data-state=\"%s\" "
	    "data-run=\"", asy_run_state_name(ri->state),
	    asy_run_state_name(ri->state));
	o_h(o, ri->name);
	o_printf(o, "\">\n<table class=\"facts\">\n<tr><th>State</th><td>"
	    "<b class=\"st-%s\">%s</b>",
	    asy_run_state_name(ri->state), state_label[ri->state]);
	if (ri->reason[0] != '\0') {
		o_raw(o, " <span class=\"why\">");
		o_h(o, ri->reason);
		o_raw(o, "</span>");
	}
	o_raw(o, "</td></tr>\n");
	if (live) {
		o_raw(o, "<tr><th>Progress</th><td>");
		o_progress(o, ri, now);
		o_raw(o, "</td></tr>\n");
	}
	if (ri->has_head) {
		o_raw(o, "<tr><th>Verdict</th><td>");
		o_verdict(o, ri->head.overall);
		o_raw(o, " ");
		o_h(o, ri->head.reason);
		o_raw(o, "</td></tr>\n");
	}
	o_raw(o, "<tr><th>Units</th><td class=\"p-counts\">");
	o_counts(o, c, live);
	o_raw(o, "</td></tr>\n<tr><th>Run folder</th><td><code>");
	o_h(o, ri->name);
	o_raw(o, "</code></td></tr>\n<tr><th>Started</th><td>");
	o_when(o, ri->started);
	o_raw(o, "</td></tr>\n");
	if (ri->dut_name[0] != '\0' || (ri->has_head && ri->head.sw[0])) {
		o_raw(o, "<tr><th>DUT</th><td>");
		o_h(o, ri->dut_name);
		if (ri->has_head && ri->head.sw[0] != '\0') {
			o_raw(o, ", software ");
			o_h(o, ri->head.sw);
		}
		o_raw(o, "</td></tr>\n");
	}
	if (ri->edition[0] != '\0') {
		o_raw(o, "<tr><th>Edition</th><td>");
		o_h(o, ri->edition);
		if (ri->mode[0] != '\0') {
			o_raw(o, " (");
			o_h(o, ri->mode);
			o_raw(o, ")");
		}
		o_raw(o, "</td></tr>\n");
	}
	o_raw(o, "</table>\n");
	if (ri->state != ASY_RUN_COMPLETE && ri->has_progress &&
	    ri->progress.n_last > 0) {
		o_raw(o, "<h2>Latest verdicts</h2>\n<ol class=\"p-last\">\n");
		for (size_t i = 0; i < ri->progress.n_last; i++) {
			const struct asy_progress_last *l =
			    &ri->progress.last[i];

			o_raw(o, "<li>");
			o_verdict(o, l->verdict);
			o_raw(o, " ");
			o_h(o, l->case_id);
			o_raw(o, " ");
			o_h(o, l->unit);
			o_raw(o, "</li>\n");
		}
		o_raw(o, "</ol>\n");
	}
	o_raw(o, "</div>\n");
	if (run_fd >= 0)
		render_files(o, ri->name, run_fd);
	if (ri->state == ASY_RUN_COMPLETE)
		render_compare(s, o, ri);
	page_end(o);
}

/* ---- routes ---------------------------------------------------------------- */

struct req {
	struct asy_serve	*s;
	struct MHD_Connection	*c;
	const char		*path;	/* decoded */
	const char		*rest;	/* after the route's prefix */
};

static void
route_list(struct req *q, struct answer *a)
{
	struct asy_serve *s = q->s;
	int r;

	/* Queued under the lock: the cached response may be replaced (and
	 * destroyed) once it is released; queued, libmicrohttpd holds it. */
	pthread_mutex_lock(&s->mu);
	r = list_cached(s);
	if (r == 0) {
		a->queue_result = MHD_queue_response(q->c, MHD_HTTP_OK,
		    s->c_html);
		a->queued = 1;
	}
	pthread_mutex_unlock(&s->mu);
	if (r < 0)
		error_page(a, 500, "Server error", "cannot list the runs "
		    "folder: %s", asy_strerror(r));
}

/* A libmicrohttpd argument, percent-decoded; NULL if absent or bad. */
static char *
arg(struct MHD_Connection *c, const char *key)
{
	const char *v = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, key);

	return v != NULL ? pct_decode(v) : NULL;
}

static void
route_api_list(struct req *q, struct answer *a)
{
	struct asy_serve *s = q->s;
	char *st = arg(q->c, "state");
	int r, running = st != NULL && strcmp(st, "running") == 0;

	if (st != NULL && !running) {
		free(st);
		error_page(a, 400, "Bad request", "state= takes only "
		    "\"running\"");
		return;
	}
	free(st);
	pthread_mutex_lock(&s->mu);
	r = list_cached(s);
	if (r == 0) {
		a->queue_result = MHD_queue_response(q->c, MHD_HTTP_OK,
		    running ? s->c_json_running : s->c_json);
		a->queued = 1;
	}
	pthread_mutex_unlock(&s->mu);
	if (r < 0)
		error_page(a, 500, "Server error", "cannot list the runs "
		    "folder: %s", asy_strerror(r));
}

/* The entry called name (s->mu held, list refreshed), or NULL. */
static const struct asy_run_info *
lookup(struct asy_serve *s, const char *name)
{
	(void)list_refresh(s);
	return asy_runlist_find(s->list, name);
}

static void
route_api_run(struct req *q, struct answer *a)
{
	struct asy_serve *s = q->s;
	const struct asy_run_info *ri;

	if (!component_ok(q->rest, strlen(q->rest)) || q->rest[0] == '.') {
		error_page(a, 404, "Not found", "no such run");
		return;
	}
	pthread_mutex_lock(&s->mu);
	ri = lookup(s, q->rest);
	if (ri != NULL) {
		a->type = "application/json";
		json_run(&a->o, ri, (long long)time(NULL));
		o_raw(&a->o, "\n");
	}
	pthread_mutex_unlock(&s->mu);
	if (ri == NULL)
		error_page(a, 404, "Not found", "no run called %s", q->rest);
}

/* A redirect to path (our own, already encoded). */
static void
redirect(struct answer *a, unsigned status, char *location)
{
	if (location == NULL) {
		error_page(a, 500, "Server error", "out of memory");
		return;
	}
	a->status = status;
	free(a->location);
	a->location = location;
	o_raw(&a->o, "moved\n");
	a->type = "text/plain; charset=utf-8";
}

static char *
run_url(const char *name, const char *tail)
{
	struct out o;
	char *u;

	o_init(&o);
	o_run_link(&o, name, NULL);
	o_raw(&o, tail);
	u = o.err == 0 ? asy_buf_steal(&o.b) : NULL;
	o_release(&o);
	return u;
}

static void
route_runs(struct req *q, struct answer *a)
{
	struct asy_serve *s = q->s;
	const struct asy_run_info *ri;
	const char *slash = strchr(q->rest, '/');
	char *name = NULL, *other = NULL;
	int run_fd = -1, found;
	enum asy_run_state state;

	if (q->rest[0] == '\0') {
		redirect(a, MHD_HTTP_FOUND, asy_strdup("/"));
		return;
	}
	name = asy_strndup(q->rest, slash != NULL ? (size_t)(slash - q->rest) :
	    strlen(q->rest));
	if (name == NULL) {
		error_page(a, 500, "Server error", "out of memory");
		return;
	}
	if (!component_ok(name, strlen(name)) || name[0] == '.') {
		error_page(a, 400, "Bad request", "not a run name");
		goto out;
	}
	pthread_mutex_lock(&s->mu);
	ri = lookup(s, name);
	found = ri != NULL;
	state = found ? ri->state : ASY_RUN_FOREIGN;
	if (!found && strlen(name) > strlen(ASY_PARTIAL) &&
	    strcmp(name + strlen(name) - strlen(ASY_PARTIAL), ASY_PARTIAL) ==
	    0) {
		/* A run that finished meanwhile lost its suffix. */
		other = asy_strndup(name, strlen(name) - strlen(ASY_PARTIAL));
		if (other != NULL && lookup(s, other) == NULL)
			asy_freep(&other);
	}
	if (found && state != ASY_RUN_FOREIGN)
		run_fd = openat(asy_runlist_fd(s->list), name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (found && slash != NULL && slash[1] == '\0')
		render_run(s, &a->o, ri, run_fd, (long long)time(NULL));
	pthread_mutex_unlock(&s->mu);
	if (!found && other != NULL) {
		redirect(a, MHD_HTTP_FOUND, run_url(other, slash != NULL ?
		    slash + 1 : ""));
		goto out;
	}
	if (!found) {
		error_page(a, 404, "Not found", "no run called %s in the runs "
		    "folder", name);
		goto out;
	}
	if (slash == NULL) {
		redirect(a, MHD_HTTP_MOVED_PERMANENTLY, run_url(name, ""));
		goto out;
	}
	if (slash[1] == '\0')
		goto out;
	if (run_fd < 0)
		error_page(a, 403, "Not served", "%s is not a run folder: "
		    "nothing in it is served", name);
	else
		serve_file(a, run_fd, slash + 1);
out:
	if (run_fd >= 0)
		close(run_fd);
	free(name);
	free(other);
}

/* Is name a complete run of the list?  Call with s->mu held. */
static int
complete_run(struct asy_serve *s, const char *name)
{
	const struct asy_run_info *ri;

	if (name == NULL || !component_ok(name, strlen(name)) ||
	    name[0] == '.')
		return 0;
	ri = lookup(s, name);
	return ri != NULL && ri->state == ASY_RUN_COMPLETE;
}

/*
 * /compare?old=RUN&new=RUN: what changed from old to new, as `assay diff`
 * says it (harness/diff.h).  Only complete runs of the list are read, by
 * their listed names.
 */
static void
route_compare(struct req *q, struct answer *a)
{
	struct asy_serve *s = q->s;
	char *na = arg(q->c, "old"), *nb = arg(q->c, "new");
	char *pa = NULL, *pb = NULL;
	struct asy_runinfo *ra = NULL, *rb = NULL;
	struct asy_diff_opts dopt = { 0 };
	struct asy_diff *df = NULL;
	struct asy_diags d;
	struct asy_buf html;
	int ok;

	asy_diags_init(&d);
	asy_buf_init(&html, (size_t)8 << 20);
	pthread_mutex_lock(&s->mu);
	ok = complete_run(s, na) && complete_run(s, nb);
	pthread_mutex_unlock(&s->mu);
	if (!ok) {
		error_page(a, 404, "Not comparable", "compare two complete "
		    "runs of this runs folder: /compare?old=RUN&new=RUN");
		goto out;
	}
	pa = asy_path_join(s->runs_dir, na);
	pb = asy_path_join(s->runs_dir, nb);
	if (pa == NULL || pb == NULL) {
		error_page(a, 500, "Server error", "out of memory");
		goto out;
	}
	if (asy_runinfo_load(pa, &d, &ra) < 0 ||
	    asy_runinfo_load(pb, &d, &rb) < 0) {
		error_page(a, 422, "Cannot compare", "%s", d.n > 0 ?
		    d.v[0].msg : "a run cannot be read");
		goto out;
	}
	if (asy_diff_compute(ra, rb, &dopt, &df) < 0 ||
	    asy_diff_render_html(df, &html) < 0) {
		error_page(a, 500, "Server error", "out of memory");
		goto out;
	}
	page_begin(&a->o, "Compare", NULL);
	/* The verdict and the counts are the fragment's first lines. */
	o_raw(&a->o, "<h1>Compare</h1>\n<p>From <a href=\"");
	o_run_link(&a->o, na, NULL);
	o_raw(&a->o, "\">");
	o_h(&a->o, na);
	o_raw(&a->o, "</a> to <a href=\"");
	o_run_link(&a->o, nb, NULL);
	o_raw(&a->o, "\">");
	o_h(&a->o, nb);
	o_raw(&a->o, "</a>.</p>\n");
	/* The diff library's fragment: every run string in it escaped. */
	o_raw(&a->o, html.data != NULL ? html.data : "");
	page_end(&a->o);
out:
	asy_diff_free(df);
	asy_runinfo_free(ra);
	asy_runinfo_free(rb);
	asy_diags_release(&d);
	asy_buf_release(&html);
	free(pa);
	free(pb);
	free(na);
	free(nb);
}

/* ---- static files ---------------------------------------------------------- */

static const char DASH_CSS[] =
    ":root{--fg:#1f2328;--muted:#5a6470;--line:#d0d7de;--soft:#f6f8fa;"
    "--accent:#0b3d6b}\n"
    "*{box-sizing:border-box}\n"
    "section.diff table.facts{margin-bottom:8px}\n"
    "section.diff td code{white-space:nowrap}\n"
    "section.diff h3{font-size:15px;margin:20px 0 6px}\n"
    "tr.k-regression td,tr.k-new-undeclared td{background:#fdecea}\n"
    "tr.k-waived td{background:#fff5db}tr.k-fixed td{background:#e6f6ea}\n"
    "body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 "
    "system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif}\n"
    "header{background:var(--accent);color:#fff;padding:10px 28px}\n"
    "header a.home{color:#fff;font-weight:700;text-decoration:none;"
    "font-size:16px;margin-right:8px}\n"
    "header span{opacity:.8}\n"
    "main{max-width:1200px;margin:0 auto;padding:20px 28px 48px}\n"
    "h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:24px 0 8px}\n"
    "a{color:var(--accent)}\n"
    ".muted{color:var(--muted)}.small{font-size:12px}\n"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;vertical-align:top;padding:7px 10px;"
    "border-bottom:1px solid var(--line)}\n"
    "thead th{background:var(--soft);font-weight:600}\n"
    "td.num{text-align:right;white-space:nowrap}\n"
    "table.facts{width:auto}table.facts th{width:120px;color:var(--muted);"
    "font-weight:500}\n"
    ".v{display:inline-block;padding:1px 8px;border-radius:10px;"
    "font-weight:700;font-size:12px;color:#fff;background:var(--c)}\n"
    ".c{display:inline-block;margin:0 6px 2px 0;padding:0 6px;"
    "border-radius:8px;font-size:12px;color:var(--c);background:var(--cb);"
    "white-space:nowrap}\n"
    ".v-pass{--c:#1a7f37;--cb:#e6f6ea}.v-fail{--c:#c62828;--cb:#fdecea}\n"
    ".v-error{--c:#7b3fc4;--cb:#f4edfc}.v-inconclusive{--c:#a86300;"
    "--cb:#fff5db}\n"
    ".v-na{--c:#6b7580;--cb:#f1f3f5}.v-none{--c:#9aa3ad;--cb:#f6f8fa}\n"
    ".st-running{color:#0b5cad}.st-complete{color:#1a7f37}\n"
    ".st-incomplete{color:#a86300}.st-corrupt,.st-foreign{color:#c62828}\n"
    ".why{color:var(--muted);overflow-wrap:anywhere}\n"
    ".live{margin-top:4px;font-size:13px}\n"
    ".live progress{width:140px;height:10px;vertical-align:middle}\n"
    ".p-done{white-space:nowrap}\n"
    "tr.s-running td{background:#f3f8ff}\n"
    "tr.s-corrupt td,tr.s-foreign td{background:#fff8f7}\n"
    "td:first-child a{font-weight:600}\n"
    "td small{display:block;font-size:12px;color:var(--muted);"
    "overflow-wrap:anywhere}\n"
    "i.c{font-style:normal}\n"
    "ul.reports{padding-left:18px}ol.p-last{padding-left:22px}\n"
    ".msg{font-size:15px}\n"
    "form label{margin-right:8px}select{max-width:520px}\n";

static const char DASH_JS[] =
    "(function () {\n"
    "\t'use strict';\n"
    "\tvar body = document.body;\n"
    "\tvar mode = body.getAttribute('data-watch');\n"
    "\tif (!mode) return;\n"
    "\tvar count = body.getAttribute('data-count');\n"
    "\tvar rows = {};\n"
    "\tdocument.querySelectorAll('[data-run][data-state=\"running\"]')"
    ".forEach(function (el) {\n"
    "\t\trows[el.getAttribute('data-run')] = el;\n"
    "\t});\n"
    "\tvar order = [['pass', 'PASS'], ['fail', 'FAIL'], "
    "['inconclusive', 'INCONCLUSIVE'], ['error', 'ERROR'], "
    "['na', 'NOT APPLICABLE']];\n"
    "\tfunction dur(s) {\n"
    "\t\ts = Math.max(0, Math.floor(s || 0));\n"
    "\t\tvar t = '';\n"
    "\t\tif (s >= 3600) t += Math.floor(s / 3600) + ' h ';\n"
    "\t\tif (s >= 60) t += Math.floor(s % 3600 / 60) + ' min ';\n"
    "\t\treturn t + (s % 60) + ' s';\n"
    "\t}\n"
    "\tfunction text(root, sel, t) {\n"
    "\t\tvar e = root.querySelector(sel);\n"
    "\t\tif (e) e.textContent = t;\n"
    "\t}\n"
    "\tfunction update(el, run) {\n"
    "\t\tvar p = run.progress;\n"
    "\t\tvar bar = el.querySelector('progress');\n"
    "\t\tif (bar) { bar.max = p.total || 1; bar.value = p.done; }\n"
    "\t\ttext(el, '.p-done', p.done + ' of ' + p.total + ' units');\n"
    "\t\ttext(el, '.p-case', p.case ? p.case.id + ' ' + p.case.title : "
    "'between cases');\n"
    "\t\ttext(el, '.p-case-time', p.case ? dur(p.case_elapsed_s) : '');\n"
    "\t\ttext(el, '.p-elapsed', dur(p.elapsed_s));\n"
    "\t\tif (run.counts) order.forEach(function (o) {\n"
    "\t\t\ttext(el, '.p-counts .v-' + o[0], o[1] + ' ' + "
    "run.counts[o[0]]);\n"
    "\t\t});\n"
    "\t\tvar ol = el.querySelector('.p-last');\n"
    "\t\tif (ol) {\n"
    "\t\t\twhile (ol.firstChild) ol.removeChild(ol.firstChild);\n"
    "\t\t\tp.last.forEach(function (l) {\n"
    "\t\t\t\tvar li = document.createElement('li');\n"
    "\t\t\t\tvar v = document.createElement('span');\n"
    "\t\t\t\tvar slug = {'PASS': 'pass', 'FAIL': 'fail', 'ERROR': 'error',"
    " 'INCONCLUSIVE': 'inconclusive', 'NOT APPLICABLE': 'na'}[l.verdict] "
    "|| 'none';\n"
    "\t\t\t\tv.className = 'v v-' + slug;\n"
    "\t\t\t\tv.textContent = l.verdict;\n"
    "\t\t\t\tli.appendChild(v);\n"
    "\t\t\t\tli.appendChild(document.createTextNode(' ' + l.case + ' ' + "
    "l.unit));\n"
    "\t\t\t\tol.appendChild(li);\n"
    "\t\t\t});\n"
    "\t\t}\n"
    "\t}\n"
    "\tfunction tick() {\n"
    "\t\tfetch('/api/runs?state=running', {credentials: 'same-origin', "
    "cache: 'no-store'}).then(function (r) {\n"
    "\t\t\tif (!r.ok) throw new Error(r.status);\n"
    "\t\t\treturn r.json();\n"
    "\t\t}).then(function (d) {\n"
    "\t\t\tvar seen = 0, reload = mode === 'list' && "
    "String(d.count) !== count;\n"
    "\t\t\td.runs.forEach(function (run) {\n"
    "\t\t\t\tvar el = rows[run.name];\n"
    "\t\t\t\tif (!el) { if (mode === 'list') reload = true; return; }\n"
    "\t\t\t\tseen++;\n"
    "\t\t\t\tupdate(el, run);\n"
    "\t\t\t});\n"
    "\t\t\tif (seen !== Object.keys(rows).length) reload = true;\n"
    "\t\t\tif (reload) location.reload();\n"
    "\t\t\telse setTimeout(tick, 2000);\n"
    "\t\t}).catch(function () { setTimeout(tick, 5000); });\n"
    "\t}\n"
    "\tsetTimeout(tick, 2000);\n"
    "})();\n";

static const char ICON_SVG[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
    "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#0b3d6b\"/>"
    "<path d=\"M4 12 8 3l4 9M5.6 8.5h4.8\" stroke=\"#fff\" "
    "stroke-width=\"1.8\" fill=\"none\"/></svg>\n";

/* Our own files: the style sheet, the script, the icon (also as
 * /favicon.ico, which browsers ask for by themselves). */
static const struct {
	const char	*path;
	const char	*type;
	const char	*body;
} statics[] = {
	{ "/static/dash.css", "text/css; charset=utf-8", DASH_CSS },
	{ "/static/dash.js", "text/javascript; charset=utf-8", DASH_JS },
	{ "/static/icon.svg", "image/svg+xml", ICON_SVG },
	{ "/favicon.ico", "image/svg+xml", ICON_SVG },
};

static void
route_static(struct req *q, struct answer *a)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(statics); i++)
		if (strcmp(q->path, statics[i].path) == 0) {
			a->type = statics[i].type;
			o_raw(&a->o, statics[i].body);
			return;
		}
	error_page(a, 404, "Not found", "there is nothing at this address");
}

static const struct route {
	const char	*path;
	int		 prefix;	/* path is a prefix */
	void		(*fn)(struct req *, struct answer *);
} routes[] = {
	{ "/", 0, route_list },
	{ "/api/runs", 0, route_api_list },
	{ "/api/runs/", 1, route_api_run },
	{ "/runs/", 1, route_runs },
	{ "/runs", 0, route_runs },
	{ "/compare", 0, route_compare },
	{ "/static/", 1, route_static },
	{ "/favicon.ico", 0, route_static },
};

/* ---- access ---------------------------------------------------------------- */

/* Equal tokens?  Compares SHA-256 digests in constant time, so neither
 * the length nor the first difference shows in the time taken. */
static int
token_eq(const struct asy_serve *s, const char *given)
{
	char h[ASY_SHA256_HEX];
	unsigned char diff = 0;

	if (given == NULL || asy_sha256_buf(given, strlen(given), h) < 0)
		return 0;
	for (size_t i = 0; i < ASY_SHA256_HEX - 1; i++)
		diff |= (unsigned char)(h[i] ^ s->token_hash[i]);
	return diff == 0;
}

/* Is the Host header a loopback name (with our port or none)? */
static int
host_ok(const struct asy_serve *s, const char *host)
{
	static const char *const names[] = { "127.0.0.1", "localhost",
	    "[::1]" };
	char want[64];

	if (host == NULL)
		return 1;	/* HTTP/1.0 */
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		if (asy_str_ieq(host, names[i]))
			return 1;
		snprintf(want, sizeof(want), "%s:%u", names[i], s->port);
		if (asy_str_ieq(host, want))
			return 1;
	}
	return 0;
}

/*
 * May this request go on?  1 if so; 0 with a set (401, 421, or the
 * redirect that plants the cookie).
 */
static int
access_ok(struct asy_serve *s, struct MHD_Connection *c, const char *url,
    struct answer *a)
{
	const char *auth, *cookie, *host;
	char *qtok;

	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (s->token == NULL) {
		if (host_ok(s, host))
			return 1;
		error_page(a, 421, "Wrong host", "this dashboard answers only "
		    "to 127.0.0.1, [::1] or localhost; use a token "
		    "(--token-file) to serve other names");
		return 0;
	}
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0 &&
	    token_eq(s, auth + 7))
		return 1;
	cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
	if (cookie != NULL && token_eq(s, cookie))
		return 1;
	qtok = arg(c, "token");
	if (qtok != NULL && token_eq(s, qtok)) {
		/* Plant the cookie and drop the token from the address bar
		 * (and from the history). */
		a->cookie = asy_strdup_printf("%s=%s; Path=/; HttpOnly; "
		    "SameSite=Strict", COOKIE, s->token);
		free(qtok);
		redirect(a, MHD_HTTP_SEE_OTHER, asy_strdup(url));
		return 0;
	}
	free(qtok);
	error_page(a, 401, "Token needed", "this dashboard needs its token: "
	    "open it once as /?token=TOKEN (the token is in the file given "
	    "to --token-file), or send Authorization: Bearer TOKEN");
	return 0;
}

/* ---- the handler ----------------------------------------------------------- */

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct asy_serve *s = cls;
	struct answer a;
	struct req q;
	const struct route *rt = NULL;
	char *path = NULL;
	enum MHD_Result ok;

	static int seen;
	int read_only = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	/* GET and HEAD are answered on the second call, once the request
	 * is complete, so the connection may be kept alive; a body with
	 * them closes it. */
	if (read_only && *con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (read_only && *upload_data_size > 0)
		return MHD_NO;
	answer_init(&a);
	if (!read_only) {
		error_page(&a, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not "
		    "allowed", "the dashboard only reads: GET and HEAD");
		goto send;
	}
	if (url[0] != '/' || strlen(url) > 4096) {
		error_page(&a, 400, "Bad request", "the request target must "
		    "be a path");
		goto send;
	}
	path = pct_decode(url);
	if (path == NULL) {
		error_page(&a, 400, "Bad request", "the path has a bad "
		    "percent escape or a control byte");
		goto send;
	}
	if (!access_ok(s, c, url, &a))
		goto send;
	for (size_t i = 0; i < ASY_ELEMENTSOF(routes) && rt == NULL; i++) {
		size_t k = strlen(routes[i].path);

		if (routes[i].prefix ? strncmp(path, routes[i].path, k) == 0 :
		    strcmp(path, routes[i].path) == 0)
			rt = &routes[i];
	}
	if (rt == NULL) {
		error_page(&a, 404, "Not found", "there is nothing at this "
		    "address");
		goto send;
	}
	q.s = s;
	q.c = c;
	q.path = path;
	q.rest = rt->prefix ? path + strlen(rt->path) : "";
	rt->fn(&q, &a);
send:
	ok = send_answer(c, &a);
	answer_release(&a);
	free(path);
	return ok;
}

/* ---- the server ------------------------------------------------------------ */

int
asy_addr_is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (addr == NULL)
		return 0;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

static int
token_chars_ok(const char *t)
{
	size_t n = strlen(t);

	if (n < ASY_SERVE_TOKEN_MIN || n > ASY_SERVE_TOKEN_MAX)
		return 0;
	for (const char *p = t; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._~+/=-", *p) != NULL))
			return 0;
	return 1;
}

int
asy_serve_token_load(const char *path, char **token, char *why,
    size_t whylen)
{
	struct asy_buf b;
	char *start, *end;
	int r;

	asy_buf_init(&b, 4096);
	r = asy_buf_load_file(&b, path);
	if (r < 0) {
		asy_why(why, whylen, "%s: %s", path, r == ASY_E_TOOBIG ?
		    "larger than 4 KiB: not a token file" : r ==
		    ASY_E_NOTFOUND ? "no such file" : asy_strerror(r));
		goto out;
	}
	start = b.data != NULL ? b.data : "";
	while (*start == ' ' || *start == '\t' || *start == '\r' ||
	    *start == '\n')
		start++;
	end = start + strcspn(start, "\r\n");
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (!token_chars_ok(start)) {
		asy_why(why, whylen, "%s: the token on its first line must be "
		    "%d to %d characters of A-Z a-z 0-9 . _ ~ + / = -; make "
		    "one with: head -c 32 /dev/urandom | base64 > %s", path,
		    ASY_SERVE_TOKEN_MIN, ASY_SERVE_TOKEN_MAX, path);
		r = ASY_E_USAGE;
		goto out;
	}
	*token = asy_strdup(start);
	r = *token != NULL ? 0 : ASY_E_NOMEM;
out:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	return r;
}

void
asy_serve_stop(struct asy_serve *s)
{
	if (s == NULL)
		return;
	asy_mhd_stop(s->mhd);
	cache_drop(s);
	asy_runlist_free(s->list);
	pthread_mutex_destroy(&s->mu);
	if (s->token != NULL)
		explicit_bzero(s->token, strlen(s->token));
	free(s->token);
	free(s->runs_dir);
	free(s);
}

int
asy_serve_start(const struct asy_serve_opts *o, struct asy_serve **out,
    char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	struct asy_mhd_opts mo = { 0 };
	struct asy_serve *s = NULL;
	char msg[ASY_MHD_MSG];
	const char *addr;
	int r;

	addr = o->addr != NULL ? o->addr : "127.0.0.1";
	if (o->runs_dir == NULL || o->port > 65535) {
		asy_why(why, whylen, "a runs folder and a port up to 65535 "
		    "are needed");
		return ASY_E_USAGE;
	}
	if (asy_mhd_parse_addr(addr, o->port, &ss) < 0) {
		asy_why(why, whylen, "'%s' is not an IPv4 or IPv6 address",
		    addr);
		return ASY_E_INPUT;
	}
	if (o->token == NULL && !asy_addr_is_loopback(addr)) {
		asy_why(why, whylen, "%s is not a loopback address: serving "
		    "beyond this machine needs a token (--token-file FILE)",
		    addr);
		return ASY_E_USAGE;
	}
	if (o->token != NULL && !token_chars_ok(o->token)) {
		asy_why(why, whylen, "the token must be %d to %d characters "
		    "of A-Z a-z 0-9 . _ ~ + / = -", ASY_SERVE_TOKEN_MIN,
		    ASY_SERVE_TOKEN_MAX);
		return ASY_E_USAGE;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ASY_E_NOMEM;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return ASY_E_INTERNAL;
	}
	s->refresh_ms = o->refresh_ms > 0 ? o->refresh_ms : DEF_REFRESH_MS;
	s->runs_dir = asy_strdup(o->runs_dir);
	if (s->runs_dir == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (o->token != NULL) {
		s->token = asy_strdup(o->token);
		if (s->token == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		r = asy_sha256_buf(s->token, strlen(s->token), s->token_hash);
		if (r < 0)
			goto out;
	}
	r = asy_runlist_open(o->runs_dir, &s->list);
	if (r < 0) {
		asy_why(why, whylen, "the runs folder %s %s", o->runs_dir,
		    r == ASY_E_NOTFOUND ? "does not exist; give the folder "
		    "assay run writes into (--runs-dir)" : r == ASY_E_NOTREG ?
		    "is not a folder" : "cannot be opened");
		goto out;
	}
	r = asy_runlist_refresh(s->list, 0);
	if (r < 0) {
		asy_why(why, whylen, "cannot list %s: %s", o->runs_dir,
		    asy_strerror(r));
		goto out;
	}
	mo.addr = &ss;
	mo.threads = o->threads != 0 ? o->threads : DEF_THREADS;
	mo.conns = o->max_conns != 0 ? o->max_conns : DEF_CONNS;
	mo.timeout_s = o->timeout_s != 0 ? o->timeout_s : DEF_TIMEOUT_S;
	mo.handler = on_request;
	mo.cls = s;
	r = asy_mhd_start(&mo, &s->mhd, msg, sizeof(msg));
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		asy_why(why, whylen, "cannot listen on %s port %u: %s", addr,
		    o->port, msg);
		r = ASY_E_IO;
		goto out;
	}
	s->port = asy_mhd_port(s->mhd);
	*out = s;
	s = NULL;
	r = 0;
out:
	asy_serve_stop(s);
	return r;
}

unsigned
asy_serve_port(const struct asy_serve *s)
{
	return s->port;
}
