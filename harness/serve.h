/*
 * The dashboard (assay serve) on libmicrohttpd: the list of runs in a
 * runs folder, the live progress of running ones, each run's page with
 * its reports and evidence to download, and the same as JSON.  Only
 * mhd.c (the daemon), updsrv.c and serve.c (their responses) include
 * libmicrohttpd.
 *
 * Routes (GET and HEAD only; anything else 405 with Allow):
 *
 *   /                    the run list: running first, then newest (HTML)
 *   /api/runs            the run list as JSON; ?state=running: only those
 *   /api/runs/NAME       one run as JSON
 *   /runs/NAME/          one run: summary or progress, reports, files
 *   /runs/NAME/PATH      a file of the run folder (download)
 *   /compare?a=..&b=..   501: the diff view is not built yet
 *   /static/dash.css, /static/dash.js
 *
 * What is served: only regular files inside a run folder listed in the
 * runs folder (not a foreign one), found component by component with
 * openat(O_NOFOLLOW) from the runs folder's descriptor: no "..", no ".",
 * no empty or hidden run name, no NUL or control byte (percent-decoded
 * once, by us), no symbolic link anywhere on the way.
 *
 * Access: with a token, every request needs it, as "Authorization:
 * Bearer TOKEN", as the cookie assay_token (HttpOnly, SameSite=Strict),
 * or once as ?token=TOKEN, which sets the cookie and redirects to the
 * same path without it; compared in constant time (SHA-256 of both).
 * Without a token (allowed on loopback addresses only), the Host header
 * must name a loopback address or localhost, so a web page elsewhere
 * cannot read the dashboard by DNS rebinding.
 *
 * Every page is rendered by the server with everything from outside
 * escaped; pages carry a Content-Security-Policy that allows only the
 * dashboard's own style sheet and script, files of a run folder one that
 * allows nothing (report.html: its own policy, see reports/report.h), and
 * every response X-Content-Type-Options: nosniff.
 */
#ifndef ASSAY_SERVE_H
#define ASSAY_SERVE_H

#include <stddef.h>

#define ASY_SERVE_PORT		8642
#define ASY_SERVE_TOKEN_MIN	16
#define ASY_SERVE_TOKEN_MAX	256

struct asy_serve_opts {
	const char	*runs_dir;	/* must exist */
	const char	*addr;		/* IP literal; NULL: 127.0.0.1 */
	unsigned	 port;		/* 0: any free port (see
					   asy_serve_port) */
	const char	*token;		/* NULL: no token (loopback only) */
	unsigned	 max_conns;	/* 0: 128 */
	unsigned	 timeout_s;	/* idle connection; 0: 15 */
	unsigned	 threads;	/* 0: 4 */
	long		 refresh_ms;	/* rescan the runs folder at most this
					   often unless its mtime changed;
					   0: 1000 */
};

struct asy_serve;

/*
 * Start serving (threads of libmicrohttpd's own).  0 and *out; or
 * ASY_E_USAGE (a non-loopback address without a token, a token that is
 * not 16 to 256 of [A-Za-z0-9._~+/=-]), ASY_E_INPUT (not an IP address),
 * ASY_E_NOTFOUND / ASY_E_NOTREG (the runs folder does not exist / is not
 * a folder), ASY_E_IO (cannot bind), ASY_E_NOMEM, ASY_E_INTERNAL; why
 * says what, for a person.
 */
int	asy_serve_start(const struct asy_serve_opts *o, struct asy_serve **out,
	    char *why, size_t whylen);

/* The port it listens on (the one picked when opts.port was 0). */
unsigned asy_serve_port(const struct asy_serve *s);

/* Stop: close every connection, free; accepts NULL. */
void	asy_serve_stop(struct asy_serve *s);

/* Is addr (an IP literal) a loopback address: 127.0.0.0/8, ::1,
 * ::ffff:127.x.y.z?  0 for anything else, names included. */
int	asy_addr_is_loopback(const char *addr);

/*
 * Read a token from the first line of file path (surrounding white space
 * dropped).  0 and *token (the caller frees and should wipe it);
 * ASY_E_USAGE when it is too short, too long or has other characters;
 * ASY_E_NOTFOUND, ASY_E_IO, ASY_E_TOOBIG (over 4 KiB); why says what.
 */
int	asy_serve_token_load(const char *path, char **token, char *why,
	    size_t whylen);

#endif
