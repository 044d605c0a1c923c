/*
 * The HTTP adapter (the only file that includes libcurl): requests to a
 * DUT's web server over one kept-alive connection, with or without
 * credentials, every answer capped; RTSP (OPTIONS, DESCRIBE) the same way
 * for cameras; and raw requests for what libcurl will not send (bad
 * lengths, broken encodings).
 */
#ifndef ASSAY_HTTPC_H
#define ASSAY_HTTPC_H

#include <stddef.h>

#include "buf.h"

enum asy_http_auth {
	ASY_HTTP_AUTH_NONE,
	ASY_HTTP_AUTH_BASIC,
	ASY_HTTP_AUTH_DIGEST,
	ASY_HTTP_AUTH_ANY,	/* what the server asks for */
};

struct asy_http_opts {
	const char	*addr;		/* IPv4 or IPv6 literal */
	unsigned	 port;
	int		 tls;		/* https, certificate not verified */
	unsigned long	 timeout_ms;	/* each request, connect included */
	size_t		 max_body;	/* cap on a body kept (0: 1 MiB) */
	int		 rtsp;		/* speak RTSP 1.0 instead (not with
					   tls): see asy_http_request() */
};

/* An answer.  Strings are as the device sent them (escape to print). */
struct asy_http_resp {
	long		 status;	/* 200; 0 when none */
	char		*server;	/* Server header, or NULL */
	char		*www_auth;	/* first WWW-Authenticate, or NULL */
	char		*location;	/* Location, or NULL */
	char		*content_type;	/* or NULL */
	struct asy_buf	 headers;	/* the raw header block, 16 KiB cap */
	struct asy_buf	 body;		/* capped at max_body */
	int		 body_cut;	/* the body was longer than the cap */
	int		 new_conn;	/* a connection was opened for it */
	double		 seconds;	/* total time of the request */
};

struct asy_http;

/* A client for one server; no connection is made yet.  0 or NOMEM
 * (ASY_E_INPUT: addr is not an IP literal, port is 0 or over 65535). */
int	asy_http_new(const struct asy_http_opts *o, struct asy_http **out);

/*
 * One request: method ("GET", "POST", ...), target sent verbatim as the
 * request target ("/status.json?x=%zz"), credentials with auth (user and
 * pass NULL with ASY_HTTP_AUTH_NONE), extra header lines
 * ("X-Foo: bar"; NULL-terminated, or NULL), body (NULL: none).  0 and *r
 * filled (release with asy_http_resp_release()), or ASY_E_TIMEOUT,
 * ASY_E_REFUSED, ASY_E_CLOSED (no answer), ASY_E_PROTO (not HTTP),
 * ASY_E_IO; why says.  Also ASY_E_INPUT (a bad method, an empty target,
 * CR or LF in the target or a header line) and ASY_E_NOMEM.  On success
 * body.data and headers.data are never NULL; an answer cut short still
 * counts (0); a body past twice the cap plus 64 KiB is not read further
 * (0, body_cut, the connection closed).  On error *r is left empty.
 *
 * On an RTSP client the method is "OPTIONS" or "DESCRIBE", target a path
 * ("/stream1", sent as rtsp://ADDR:PORT/stream1) or "*", and there are no
 * body and no other method (ASY_E_INPUT).  Requests carry CSeq 1, 2, ...
 * on the client (Digest's second request included) over one connection
 * while the server keeps it; an answer without the CSeq sent, or not
 * RTSP, is ASY_E_PROTO.  The status and WWW-Authenticate are read as for
 * HTTP; a 401 with auth BASIC, DIGEST or ANY is answered by libcurl.
 */
int	asy_http_request(struct asy_http *h, const char *method,
	    const char *target, enum asy_http_auth auth, const char *user,
	    const char *pass, const char *const *headers, const void *body,
	    size_t body_len, struct asy_http_resp *r, char *why,
	    size_t why_len);

void	asy_http_resp_release(struct asy_http_resp *r);
void	asy_http_free(struct asy_http *h);

/*
 * Send the bytes req over a fresh connection (TLS when tls) and read the
 * answer until the server closes or is quiet for 500 ms, at most
 * timeout_ms in all; the answer goes to answer (its cap bounds it).  1 an
 * answer came (its status line parsed into *status, 0 when it is not
 * HTTP), 0 the server closed without a byte, ASY_E_TIMEOUT (no byte
 * within timeout_ms), ASY_E_REFUSED, ASY_E_IO (and ASY_E_INPUT for a bad
 * address, ASY_E_PROTO for a failed TLS handshake).  A full answer
 * buffer ends the reading.
 */
int	asy_http_raw(const char *addr, unsigned port, int tls,
	    const void *req, size_t len, unsigned long timeout_ms,
	    struct asy_buf *answer, long *status, char *why, size_t why_len);

/* libcurl's version text, for the report's tool list. */
const char *asy_http_version(void);

#endif
