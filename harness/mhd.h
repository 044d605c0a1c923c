/*
 * The libmicrohttpd adapter shared by assay serve (serve.c) and the rogue
 * update server (updsrv.c): it starts a daemon on one socket address,
 * captures libmicrohttpd's complaints, and stops it.  Both callers still
 * build their own responses with libmicrohttpd; what they shared (the
 * logger, the start sequence, the TLS material's lifetime, the request
 * target taken as sent) lives here once.
 *
 * libmicrohttpd says why a start failed only through its logger.  The
 * adapter keeps the first message logged before the daemon runs (cut to
 * ASY_MHD_MSG bytes) for the caller's error message; once the daemon
 * runs, every message goes to the debug log, escaped and cut to 256
 * bytes (they may quote what a client sent).
 *
 * Request targets reach the handler as sent: the adapter installs an
 * unescape callback that decodes nothing.
 */
#ifndef ASSAY_MHD_H
#define ASSAY_MHD_H

#include <stddef.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* libmicrohttpd's start message is kept to this many bytes at most. */
#define ASY_MHD_MSG	512

struct asy_mhd;

/* Called when a request line came, before its headers
 * (MHD_OPTION_URI_LOG_CALLBACK); what it returns is the request's
 * context. */
typedef void *(*asy_mhd_uri_fn)(void *cls, const char *uri,
    struct MHD_Connection *c);

struct asy_mhd_opts {
	const struct sockaddr_storage *addr;	/* bound as is (port 0: any
						   free port) */
	unsigned	 threads;	/* 0: one polling thread on poll();
					   N: a pool of N threads on what
					   libmicrohttpd finds best */
	unsigned	 conns;		/* connection limit (> 0) */
	unsigned	 timeout_s;	/* idle connection timeout (> 0) */
	const char	*cert_pem;	/* HTTPS: certificate chain, PEM; */
	const char	*key_pem;	/* its key; both NULL: plain HTTP.
					   The adapter keeps copies. */
	const char	*tls_priorities;	/* GnuTLS priority string
					   (MHD_OPTION_HTTPS_PRIORITIES), or
					   NULL: libmicrohttpd's default */
	MHD_AccessHandlerCallback handler;	/* required */
	void		*cls;		/* given to every callback */
	asy_mhd_uri_fn	 on_uri;	/* optional */
	MHD_RequestCompletedCallback on_completed;	/* optional */
	MHD_NotifyConnectionCallback on_connection;	/* optional */
};

/*
 * An IPv4 or IPv6 literal (no host names) and a port as a socket address
 * to bind; 0 or ASY_E_INPUT.  Callers say what was wrong in their own
 * words.
 */
int	 asy_mhd_parse_addr(const char *addr, unsigned port,
	    struct sockaddr_storage *ss);

/*
 * Start a daemon.  On success *out holds it (asy_mhd_stop() frees it) and
 * the handler may be called at once.  On failure *out is untouched and
 * msg (NULL or msglen 0: none) holds the first line of libmicrohttpd's
 * first complaint, or "no reason given".  Returns 0; ASY_E_IO when that
 * complaint names the socket (bind, listen: address not here, port in
 * use); ASY_E_INPUT when TLS was asked for and it failed otherwise (the
 * certificate or key does not load or does not match); ASY_E_INTERNAL for
 * anything else; ASY_E_NOMEM.
 */
int	 asy_mhd_start(const struct asy_mhd_opts *o, struct asy_mhd **out,
	    char *msg, size_t msglen);

/* The port the daemon listens on (the one chosen when 0 was asked). */
unsigned asy_mhd_port(const struct asy_mhd *m);

/* Stop the daemon: waits for its threads, so no callback runs after it
 * returns.  Accepts NULL. */
void	 asy_mhd_stop(struct asy_mhd *m);

#endif
