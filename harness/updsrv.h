/*
 * The rogue update server (on libmicrohttpd, started through mhd.h):
 * serves a small set of files over HTTP or HTTPS on one address and port,
 * can cut a response after a given number of bytes (the interrupted
 * update), and logs every request the device makes: time, peer, method,
 * path, headers, status and bytes sent.  The set of files can be swapped
 * while it runs, one "variant" after another; counters are kept per
 * variant.
 *
 * Hostile clients: at most max_conns connections, max_requests requests
 * in all (then 503), request bodies are not read beyond 64 KiB, header
 * values are escaped and capped in the log, idle connections are closed
 * after timeout_s.  Nothing a client sends is kept besides the log.
 *
 * Answers: GET and HEAD of a served path 200 (HEAD without the body);
 * another path 404; another method (names are case-sensitive: "get" is
 * another method) 405 with "Allow: GET, HEAD"; any request past
 * max_requests since the start 503, whatever the variant.  A request
 * body is read and thrown away before the answer; past 64 KiB the
 * connection is closed without one.
 *
 * The request log (log_path): one line per request and one per
 * connection that ended without a request line, each written with one
 * write() to a file opened O_APPEND (mode 0644, never truncated):
 *
 *   TIME PEER VARIANT METHOD "TARGET" STATUS SENT/LEN END HEADERS
 *   TIME PEER VARIANT - no request: TLS handshake failed or nothing sent
 *
 * TIME is UTC with milliseconds ("2026-11-22T11:30:00.123Z"; for a
 * request, when its request line came); PEER "192.0.2.7:40000" or
 * "[2001:db8::7]:40000"; VARIANT the name of the variant the request
 * started under ("-" before the first asy_updsrv_set()); METHOD the
 * method (32 bytes at most); TARGET the request target as sent, query
 * included (512 bytes at most); STATUS the status of our answer, or "-"
 * when there was none (the request never completed, was malformed -
 * libmicrohttpd may have sent its own 4xx - or had a body over 64 KiB);
 * SENT the body bytes sent and LEN the announced Content-Length ("0/-"
 * without an answer); END "whole" when the response was sent to its end,
 * "cut" otherwise (cut_after, or the client went away); HEADERS the
 * first 32 request headers as ' Name="value"' in the order received
 * (names at most 64 bytes, values 256), then " (N more headers)" if
 * there were more.  METHOD, TARGET, names and values are escaped as
 * asy_printable() does: every byte outside printable ASCII, '"' and '\'
 * become \xNN, and a value cut short ends in "...".  So a line holds
 * printable ASCII only and splits at spaces outside quotes.  Request
 * bodies are never logged.
 */
#ifndef ASSAY_UPDSRV_H
#define ASSAY_UPDSRV_H

#include <stddef.h>

#define ASY_UPDSRV_MAX_FILES	8

/*
 * The downgraded server: TLS 1.0 and 1.1 only, with the CBC-SHA1 suites
 * those versions have (GnuTLS priority string).  A client that follows
 * RFC 8996 refuses the handshake.
 */
#define ASY_UPDSRV_TLS_LEGACY	"NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"

/* One file served at an exact path. */
struct asy_updsrv_file {
	const char	*path;		/* "/h1/manifest.json": exact match of
					   the request path as sent, byte for
					   byte (not percent-decoded; query
					   ignored) */
	const void	*data;		/* the body; the server copies it */
	size_t		 len;
	const char	*type;		/* Content-Type (printable ASCII, at
					   most 128 bytes), or NULL:
					   application/octet-stream */
	size_t		 cut_after;	/* send only this many bytes of the
					   body, then close the connection
					   (the announced length stays len);
					   (size_t)-1: all */
};

struct asy_updsrv_opts {
	const char	*addr;		/* IPv4 or IPv6 literal to bind */
	unsigned	 port;		/* 1..65535 */
	const char	*cert_pem;	/* HTTPS: certificate chain, PEM */
	const char	*key_pem;	/* HTTPS: its key, PEM; both NULL:
					   plain HTTP */
	const char	*tls_priorities;	/* HTTPS: a GnuTLS priority
					   string, e.g. ASY_UPDSRV_TLS_LEGACY;
					   NULL: the library's default */
	const char	*log_path;	/* request log, appended to; or NULL */
	unsigned	 max_conns;	/* 0: 16 */
	unsigned	 max_requests;	/* 0: 1000 */
	unsigned	 timeout_s;	/* idle connection; 0: 10 */
};

/* What happened since the last asy_updsrv_set(). */
struct asy_updsrv_stats {
	unsigned	 conns;		/* connections accepted (beyond
					   max_conns they wait in the
					   kernel's queue, not counted) */
	unsigned	 conns_bare;	/* ... closed without a complete
					   request, i.e. none whose headers
					   all came (a refused TLS handshake
					   shows here) */
	unsigned	 requests;	/* requests answered, any status */
	unsigned	 not_found;	/* requests for a path not served */
	unsigned	 gets[ASY_UPDSRV_MAX_FILES];	/* requests per file
					   answered 200, HEAD included */
	unsigned long long sent[ASY_UPDSRV_MAX_FILES];	/* body bytes sent
					   (for a response the client broke
					   off: what was sent for sure) */
	unsigned	 whole[ASY_UPDSRV_MAX_FILES];	/* GET responses whose
					   whole body was sent (not HEAD) */
	double		 first[ASY_UPDSRV_MAX_FILES];	/* monotonic seconds
					   (asy_now_ms() / 1000.0) of the
					   first request per file, or 0 */
};

struct asy_updsrv;

/*
 * Start serving (no files yet: every path is 404).  0 and *out; or
 * ASY_E_INPUT (bad address or port, only one of cert and key, a key that
 * does not fit), ASY_E_IO (cannot bind: in use, address not on this host;
 * cannot open the log), ASY_E_NOMEM, ASY_E_INTERNAL (this libmicrohttpd
 * lacks TLS, or it failed otherwise); why says, with libmicrohttpd's own
 * words where it gave some.
 */
int	asy_updsrv_start(const struct asy_updsrv_opts *o,
	    struct asy_updsrv **out, char *why, size_t whylen);

/*
 * Serve these files from now on, under the name variant (logged with each
 * request; 1 to 64 of [A-Za-z0-9_-]), and reset the counters.  The data
 * are copied.  0, ASY_E_INPUT (more than ASY_UPDSRV_MAX_FILES, a path not
 * starting with '/' or over 1024 bytes, two equal paths, data NULL with
 * len > 0, a bad type, a bad variant name), ASY_E_NOMEM; on error the
 * files served before stay.  Requests already running finish with the
 * files they started with and count in the old variant's counters, which
 * are gone: the new counters start at zero and stay there until a request
 * arrives.
 */
int	asy_updsrv_set(struct asy_updsrv *s, const char *variant,
	    const struct asy_updsrv_file *files, size_t n);

/* The counters since the last asy_updsrv_set(). */
void	asy_updsrv_stats(struct asy_updsrv *s, struct asy_updsrv_stats *st);

/*
 * Wait until file index i (in the last set) has been requested and its
 * response has ended (whole, cut or aborted by the client), or until
 * timeout_ms.  0 (also at once when that happened before the call,
 * since the last set), or ASY_E_TIMEOUT (also at once for i >=
 * ASY_UPDSRV_MAX_FILES).  Requests answered 404, 405 or 503 do not count.
 */
int	asy_updsrv_wait(struct asy_updsrv *s, size_t i,
	    unsigned long timeout_ms);

/*
 * The monotonic times (seconds, as in stats.first) of every request for
 * file index i since the last set, oldest first, at most max; returns how
 * many were stored.  For the check interval of a device that polls.  The
 * first 10000 requests per file and variant are kept.
 */
size_t	asy_updsrv_times(struct asy_updsrv *s, size_t i, double *t,
	    size_t max);

/* Stop: close every connection, free; accepts NULL. */
void	asy_updsrv_stop(struct asy_updsrv *s);

#endif /* ASSAY_UPDSRV_H */
