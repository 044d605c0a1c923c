/*
 * The HTTP adapter: the only file that includes libcurl.
 *
 * One CURL easy handle per struct asy_http, so that requests to the same
 * server reuse a kept-alive connection.  Every request starts from
 * curl_easy_reset() (which keeps the live connection) and sets every
 * option again, so nothing leaks from one request into the next.  What
 * libcurl must never do here: use a proxy from the environment, follow a
 * redirect, speak anything but HTTP(S) (or RTSP on a client made for it),
 * verify a certificate (the harness
 * inspects, it does not trust), read .netrc, or decompress a body.
 *
 * Answers are hostile: the header block and the body go into capped
 * buffers; far over the cap the transfer is aborted (see body_cb()).
 *
 * asy_http_raw() has its own small socket code for plain TCP (libcurl
 * will not send a bad Content-Length); TLS goes through conn.h.
 */
#include "httpc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* The default cap on a body kept. */
#define DEFAULT_MAX_BODY	((size_t)1 << 20)
/* The raw header block kept (the contract says 16 KiB). */
#define MAX_HEADERS		((size_t)16 << 10)
/* Header bytes read in all (every response of a request) before the
 * transfer is aborted as not HTTP: far over what any device sends, and
 * under libcurl's own limit (300 KiB), which would look like a broken
 * connection. */
#define MAX_HEADERS_TOTAL	((size_t)256 << 10)
/* One parsed header value (Server, Location, ...) at most. */
#define MAX_FIELD		((size_t)4 << 10)
/* The default request timeout when the options give none. */
#define DEFAULT_TIMEOUT_MS	10000UL
/* asy_http_raw: an answer ends after this long without a byte. */
#define RAW_QUIET_MS		500L

struct asy_http {
	CURL		*curl;
	char		*url;		/* "http://[::1]:8080/" */
	char		*base;		/* RTSP: "rtsp://[::1]:554", else NULL */
	long		 cseq;		/* RTSP: the next CSeq sent */
	unsigned long	 timeout_ms;
	size_t		 max_body;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* What the callbacks of one request fill. */
struct xfer {
	struct asy_http_resp	*r;
	size_t			 max_body;
	size_t			 body_seen;	/* body bytes that came */
	size_t			 header_seen;	/* header bytes, all answers */
	int			 header_done;	/* the blank line came */
	int			 aborted_body;	/* we stopped: body far over */
	int			 aborted_head;	/* we stopped: headers huge */
	int			 nomem;
};

/* ---- libcurl, once ------------------------------------------------------ */

static pthread_once_t	global_once = PTHREAD_ONCE_INIT;
static CURLcode		global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int
ensure_global(void)
{
	int r;

	r = pthread_once(&global_once, global_init);
	if (r != 0 || global_rc != CURLE_OK)
		return ASY_E_NOMEM;
	return 0;
}

const char *
asy_http_version(void)
{
	return curl_version();
}

/* ---- small helpers ------------------------------------------------------ */

/* Write s into why (may be NULL) with control and non-ASCII bytes as '?'
 * (libcurl's messages may quote what the server sent). */
static void
set_why(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	for (char *p = why; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* Append what fits of p into b; 1 when something was left out. */
static int
add_capped(struct asy_buf *b, const void *p, size_t n, int *nomem)
{
	size_t room = b->max - b->len;
	int r;

	if (n > room) {
		r = asy_buf_add(b, p, room);
		if (r == ASY_E_NOMEM)
			*nomem = 1;
		return 1;
	}
	r = asy_buf_add(b, p, n);
	if (r == ASY_E_NOMEM)
		*nomem = 1;
	return 0;
}

static int
valid_token(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

/* No CR, LF: they would make a request we did not mean. */
static int
one_line(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

/* ---- the client --------------------------------------------------------- */

int
asy_http_new(const struct asy_http_opts *o, struct asy_http **out)
{
	struct asy_http *h = NULL;
	unsigned char a[16];
	int r, v6;

	if (o == NULL || o->addr == NULL || o->port == 0 || o->port > 65535)
		return ASY_E_INPUT;
	if (inet_pton(AF_INET, o->addr, a) == 1)
		v6 = 0;
	else if (inet_pton(AF_INET6, o->addr, a) == 1)
		v6 = 1;
	else
		return ASY_E_INPUT;
	r = ensure_global();
	if (r < 0)
		goto out;
	r = ASY_E_NOMEM;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		goto out;
	if (o->rtsp && o->tls) {
		r = ASY_E_INPUT;
		goto out;
	}
	h->url = asy_strdup_printf("%s://%s%s%s:%u/", o->rtsp ? "rtsp" :
	    o->tls ? "https" : "http", v6 ? "[" : "", o->addr, v6 ? "]" : "",
	    o->port);
	if (h->url == NULL)
		goto out;
	if (o->rtsp) {
		h->base = asy_strdup_printf("rtsp://%s%s%s:%u", v6 ? "[" : "",
		    o->addr, v6 ? "]" : "", o->port);
		if (h->base == NULL)
			goto out;
		h->cseq = 1;
	}
	h->curl = curl_easy_init();
	if (h->curl == NULL)
		goto out;
	h->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	h->max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY;
	*out = h;
	h = NULL;
	r = 0;
out:
	asy_http_free(h);
	return r;
}

void
asy_http_free(struct asy_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->url);
	free(h->base);
	free(h);
}

static void
resp_init(struct asy_http_resp *r, size_t max_body)
{
	memset(r, 0, sizeof(*r));
	asy_buf_init(&r->headers, MAX_HEADERS);
	asy_buf_init(&r->body, max_body);
}

void
asy_http_resp_release(struct asy_http_resp *r)
{
	if (r == NULL)
		return;
	asy_freep(&r->server);
	asy_freep(&r->www_auth);
	asy_freep(&r->location);
	asy_freep(&r->content_type);
	asy_buf_release(&r->headers);
	asy_buf_release(&r->body);
}

/* ---- callbacks ---------------------------------------------------------- */

/* The value of header line p (n bytes) when its name is name, trimmed
 * and cut at MAX_FIELD or a NUL; NULL otherwise or on no memory. */
static char *
field_value(const char *p, size_t n, const char *name)
{
	size_t nl = strlen(name), i, end;

	if (n <= nl || p[nl] != ':' || strncasecmp(p, name, nl) != 0)
		return NULL;
	i = nl + 1;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	end = n;
	while (end > i && (p[end - 1] == '\r' || p[end - 1] == '\n' ||
	    p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	for (size_t j = i; j < end; j++)
		if (p[j] == '\0') {
			end = j;
			break;
		}
	if (end - i > MAX_FIELD)
		end = i + MAX_FIELD;
	return asy_strndup(p + i, end - i);
}

static void
take_field(char **dst, const char *p, size_t n, const char *name,
    int *nomem)
{
	char *v;

	if (*dst != NULL)
		return;
	if (n <= strlen(name) || strncasecmp(p, name, strlen(name)) != 0)
		return;
	v = field_value(p, n, name);
	if (v == NULL && p[strlen(name)] == ':')
		*nomem = 1;
	*dst = v;
}

/*
 * One header line (libcurl passes them one at a time, the status lines of
 * 100-continue and authentication round trips included).  A status line
 * starts the block again, so that only the last response's headers are
 * kept and parsed.  Past MAX_HEADERS_TOTAL header bytes for one request
 * the transfer is aborted.
 */
static size_t
header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	struct asy_http_resp *r = x->r;
	size_t n = size * nmemb;

	x->header_seen += n;
	if (x->header_seen > MAX_HEADERS_TOTAL) {
		x->aborted_head = 1;
		return 0;
	}
	if (n >= 5 && (memcmp(p, "HTTP/", 5) == 0 ||
	    memcmp(p, "RTSP/", 5) == 0)) {
		asy_buf_reset(&r->headers);
		asy_freep(&r->server);
		asy_freep(&r->www_auth);
		asy_freep(&r->location);
		asy_freep(&r->content_type);
		x->header_done = 0;
	} else if (x->header_done) {
		/* Trailers after a chunked body: not the header block. */
		return n;
	}
	add_capped(&r->headers, p, n, &x->nomem);
	if ((n == 2 && p[0] == '\r' && p[1] == '\n') || (n == 1 &&
	    p[0] == '\n')) {
		x->header_done = 1;
		return n;
	}
	take_field(&r->server, p, n, "Server", &x->nomem);
	take_field(&r->www_auth, p, n, "WWW-Authenticate", &x->nomem);
	take_field(&r->location, p, n, "Location", &x->nomem);
	take_field(&r->content_type, p, n, "Content-Type", &x->nomem);
	return n;
}

/*
 * Body bytes: kept up to max_body, body_cut set beyond.  The rest is read
 * and dropped (so that the connection can be kept) until the body passes
 * twice the cap plus 64 KiB; then the transfer is aborted (the connection
 * is closed) and the request still succeeds with what was kept.
 */
static size_t
body_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	x->body_seen += n;
	if (add_capped(&x->r->body, p, n, &x->nomem))
		x->r->body_cut = 1;
	if (x->body_seen > 2 * x->max_body + ((size_t)64 << 10)) {
		x->aborted_body = 1;
		return 0;
	}
	return n;
}

/* ---- errors ------------------------------------------------------------- */

static const struct {
	CURLcode	 code;
	int		 err;
} curl_errors[] = {
	{ CURLE_COULDNT_CONNECT,	ASY_E_REFUSED },
	{ CURLE_OPERATION_TIMEDOUT,	ASY_E_TIMEOUT },
	{ CURLE_GOT_NOTHING,		ASY_E_CLOSED },
	{ CURLE_RECV_ERROR,		ASY_E_CLOSED },
	{ CURLE_SEND_ERROR,		ASY_E_CLOSED },
	{ CURLE_WEIRD_SERVER_REPLY,	ASY_E_PROTO },
	{ CURLE_RTSP_CSEQ_ERROR,	ASY_E_PROTO },
	{ CURLE_RTSP_SESSION_ERROR,	ASY_E_PROTO },
	{ CURLE_UNSUPPORTED_PROTOCOL,	ASY_E_PROTO },
	{ CURLE_HTTP2,			ASY_E_PROTO },
	{ CURLE_BAD_CONTENT_ENCODING,	ASY_E_PROTO },
	{ CURLE_SSL_CONNECT_ERROR,	ASY_E_PROTO },
	{ CURLE_PEER_FAILED_VERIFICATION, ASY_E_PROTO },
	{ CURLE_OUT_OF_MEMORY,		ASY_E_NOMEM },
	{ CURLE_URL_MALFORMAT,		ASY_E_INPUT },
	{ CURLE_BAD_FUNCTION_ARGUMENT,	ASY_E_INPUT },
};

static int
map_curl(CURLcode c)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(curl_errors); i++)
		if (curl_errors[i].code == c)
			return curl_errors[i].err;
	return ASY_E_IO;
}

/* ---- one request -------------------------------------------------------- */

static const struct {
	enum asy_http_auth	 auth;
	unsigned long		 curl;
} auths[] = {
	{ ASY_HTTP_AUTH_BASIC,	CURLAUTH_BASIC },
	{ ASY_HTTP_AUTH_DIGEST,	CURLAUTH_DIGEST },
	{ ASY_HTTP_AUTH_ANY,	CURLAUTH_ANY },
};

/*
 * RTSP Basic as our own header line appended to *hdrs: libcurl ties an
 * RTSP connection to the credentials set with CURLOPT_USERNAME (a new
 * connection for every pair guessed), but not to a header, so this keeps
 * one connection for the whole guessing.  0 or ASY_E_NOMEM / ASY_E_INPUT
 * (over 1024 bytes).
 */
static int
basic_header(const char *user, const char *pass, struct curl_slist **hdrs)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	struct asy_buf in, out;
	struct curl_slist *t;
	int r;

	asy_buf_init(&in, 2100);
	asy_buf_init(&out, 3000);
	r = asy_buf_printf(&in, "%s:%s", user != NULL ? user : "",
	    pass != NULL ? pass : "");
	if (r == 0 && in.len > 2048)
		r = ASY_E_INPUT;
	if (r == 0)
		r = asy_buf_puts(&out, "Authorization: Basic ");
	for (size_t i = 0; r == 0 && i < in.len; i += 3) {
		const unsigned char *p = (const unsigned char *)in.data + i;
		size_t left = in.len - i;
		unsigned long v = (unsigned long)p[0] << 16 |
		    (left > 1 ? (unsigned long)p[1] << 8 : 0) |
		    (left > 2 ? p[2] : 0);
		char q[4];

		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = left > 1 ? b64[v >> 6 & 63] : '=';
		q[3] = left > 2 ? b64[v & 63] : '=';
		r = asy_buf_add(&out, q, 4);
	}
	if (r == ASY_E_TOOBIG)
		r = ASY_E_INPUT;
	if (r == 0) {
		t = curl_slist_append(*hdrs, out.data);
		if (t == NULL)
			r = ASY_E_NOMEM;
		else
			*hdrs = t;
	}
	if (in.data != NULL)
		explicit_bzero(in.data, in.len);
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	asy_buf_release(&in);
	asy_buf_release(&out);
	return r;
}

/* Free a header list, our Authorization line wiped first. */
static void
free_headers(struct curl_slist *hdrs)
{
	for (struct curl_slist *t = hdrs; t != NULL; t = t->next)
		if (t->data != NULL && strncmp(t->data, "Authorization:", 14)
		    == 0)
			explicit_bzero(t->data, strlen(t->data));
	curl_slist_free_all(hdrs);
}

/* The RTSP requests a client may make (asy_http_opts.rtsp). */
static const struct {
	const char	*method;
	long		 req;
} rtsp_methods[] = {
	{ "OPTIONS",	CURL_RTSPREQ_OPTIONS },
	{ "DESCRIBE",	CURL_RTSPREQ_DESCRIBE },
};

static long
rtsp_request(const char *method)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(rtsp_methods); i++)
		if (strcmp(rtsp_methods[i].method, method) == 0)
			return rtsp_methods[i].req;
	return -1;
}

/* Every option of one request, from a reset handle. */
static int
set_options(struct asy_http *h, const char *method, long rtsp_req,
    const char *target, enum asy_http_auth auth, const char *user, const char *pass,
    struct curl_slist *hdrs, const void *body, size_t body_len,
    struct xfer *x)
{
	CURL *c = h->curl;
	CURLcode rc = CURLE_OK;

#define SET(opt, val)							\
	do {								\
		if (rc == CURLE_OK)					\
			rc = curl_easy_setopt(c, opt, val);		\
	} while (0)

	h->errbuf[0] = '\0';
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_URL, h->url);
	if (h->base != NULL) {
		/* RTSP: the request names the stream's URI; the CSeq goes on
		 * from the last request's on this handle (libcurl checks
		 * that each answer carries the CSeq it sent). */
		SET(CURLOPT_RTSP_REQUEST, rtsp_req);
		SET(CURLOPT_RTSP_STREAM_URI, target);
		SET(CURLOPT_RTSP_CLIENT_CSEQ, h->cseq);
		SET(CURLOPT_PROTOCOLS_STR, "rtsp");
		SET(CURLOPT_REDIR_PROTOCOLS_STR, "rtsp");
		/* Digest still needs a connection per credential: keep
		 * only the newest open. */
		SET(CURLOPT_MAXCONNECTS, 1L);
	} else {
		SET(CURLOPT_REQUEST_TARGET, target);
		SET(CURLOPT_CUSTOMREQUEST, method);
		if (strcmp(method, "HEAD") == 0)
			SET(CURLOPT_NOBODY, 1L);
		SET(CURLOPT_PROTOCOLS_STR, "http,https");
		SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	}
	/* Never a proxy, whatever the environment says. */
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	SET(CURLOPT_SSL_VERIFYPEER, 0L);
	SET(CURLOPT_SSL_VERIFYHOST, 0L);
	SET(CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)h->timeout_ms);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "assay/" ASSAY_VERSION);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_WRITEFUNCTION, body_cb);
	SET(CURLOPT_WRITEDATA, x);
	if (auth != ASY_HTTP_AUTH_NONE) {
		unsigned long a = CURLAUTH_NONE;

		for (size_t i = 0; i < ASY_ELEMENTSOF(auths); i++)
			if (auths[i].auth == auth)
				a = auths[i].curl;
		SET(CURLOPT_HTTPAUTH, a);
		SET(CURLOPT_USERNAME, user != NULL ? user : "");
		SET(CURLOPT_PASSWORD, pass != NULL ? pass : "");
	}
	if (hdrs != NULL)
		SET(CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		SET(CURLOPT_POSTFIELDS, body);
	}
#undef SET
	if (rc != CURLE_OK)
		return rc == CURLE_OUT_OF_MEMORY ? ASY_E_NOMEM : ASY_E_INTERNAL;
	return 0;
}

/* Does one of the caller's header lines name this header? */
static int
has_header(const char *const *headers, const char *name)
{
	size_t n = strlen(name);

	if (headers == NULL)
		return 0;
	for (size_t i = 0; headers[i] != NULL; i++)
		if (strncasecmp(headers[i], name, n) == 0 &&
		    (headers[i][n] == ':' || headers[i][n] == ';'))
			return 1;
	return 0;
}

int
asy_http_request(struct asy_http *h, const char *method, const char *target,
    enum asy_http_auth auth, const char *user, const char *pass,
    const char *const *headers, const void *body, size_t body_len,
    struct asy_http_resp *r, char *why, size_t why_len)
{
	struct asy_http_resp resp;
	struct curl_slist *hdrs = NULL, *t;
	struct xfer x;
	CURLcode rc;
	long code = 0, conns = 0, cseq = 0, rtsp_req = -1;
	char *uri = NULL;
	double secs = 0;
	int ret;

	resp_init(&resp, h->max_body);
	if (r != NULL)
		resp_init(r, h->max_body);
	memset(&x, 0, sizeof(x));
	x.r = &resp;
	x.max_body = h->max_body;
	set_why(why, why_len, "no request made");
	ret = ASY_E_INPUT;
	if (r == NULL || !valid_token(method) || target == NULL ||
	    *target == '\0' || !one_line(target)) {
		set_why(why, why_len, "bad method or request target");
		goto out;
	}
	if (h->base != NULL) {
		rtsp_req = rtsp_request(method);
		if (rtsp_req < 0 || body != NULL || (*target != '/' &&
		    strcmp(target, "*") != 0)) {
			set_why(why, why_len, "not an RTSP request assay makes");
			goto out;
		}
		ret = ASY_E_NOMEM;
		uri = *target == '/' ? asy_strdup_printf("%s%s", h->base,
		    target) : asy_strdup(target);
		if (uri == NULL)
			goto out;
	}
	ret = ASY_E_NOMEM;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (!one_line(headers[i])) {
			ret = ASY_E_INPUT;
			set_why(why, why_len, "a header line holds CR or LF");
			goto out;
		}
		t = curl_slist_append(hdrs, headers[i]);
		if (t == NULL)
			goto out;
		hdrs = t;
	}
	/* A body of any size goes at once, without waiting for 100. */
	if (body != NULL && !has_header(headers, "Expect")) {
		t = curl_slist_append(hdrs, "Expect:");
		if (t == NULL)
			goto out;
		hdrs = t;
	}
	if (h->base != NULL && auth == ASY_HTTP_AUTH_BASIC) {
		ret = basic_header(user, pass, &hdrs);
		if (ret < 0) {
			set_why(why, why_len, "the credentials are too long");
			goto out;
		}
		auth = ASY_HTTP_AUTH_NONE;
	}
	curl_easy_reset(h->curl);
	ret = set_options(h, method, rtsp_req, uri != NULL ? uri : target,
	    auth, user, pass, hdrs, body, body_len, &x);
	if (ret < 0)
		goto out;
	rc = curl_easy_perform(h->curl);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &conns);
	curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME, &secs);
	if (h->base != NULL &&
	    curl_easy_getinfo(h->curl, CURLINFO_RTSP_CLIENT_CSEQ, &cseq) ==
	    CURLE_OK && cseq > h->cseq)
		h->cseq = cseq;
	if (x.nomem) {
		ret = ASY_E_NOMEM;
		set_why(why, why_len, "out of memory");
		goto out;
	}
	if (x.aborted_head) {
		ret = ASY_E_PROTO;
		set_why(why, why_len, "the header block is over %zu bytes",
		    MAX_HEADERS_TOTAL);
		goto out;
	}
	if (rc == CURLE_PARTIAL_FILE && code > 0) {
		/* An answer came, cut short: it is still an answer. */
		set_why(why, why_len, "the answer was cut short");
	} else if (rc == CURLE_WRITE_ERROR && x.aborted_body) {
		set_why(why, why_len, "the body went far over %zu bytes; "
		    "stopped reading", h->max_body);
	} else if (rc == CURLE_OUT_OF_MEMORY && (x.header_seen > 0 ||
	    strstr(h->errbuf, "header") != NULL)) {
		/* libcurl's word for a header line over its limit (100 KiB)
		 * once an answer has begun. */
		ret = ASY_E_PROTO;
		set_why(why, why_len, "a header line of the answer is over "
		    "libcurl's limit");
		goto out;
	} else if (rc != CURLE_OK) {
		ret = map_curl(rc);
		set_why(why, why_len, "%s", h->errbuf[0] != '\0' ? h->errbuf :
		    curl_easy_strerror(rc));
		asy_debug("%s %s: %s", method, h->url, curl_easy_strerror(rc));
		goto out;
	} else {
		set_why(why, why_len, "answered");
	}
	/* Both blocks are strings on success, empty ones included. */
	if (asy_buf_add(&resp.body, "", 0) < 0 ||
	    asy_buf_add(&resp.headers, "", 0) < 0) {
		ret = ASY_E_NOMEM;
		set_why(why, why_len, "out of memory");
		goto out;
	}
	resp.status = code;
	resp.new_conn = conns > 0;
	resp.seconds = secs;
	*r = resp;
	resp_init(&resp, h->max_body);
	ret = 0;
out:
	free_headers(hdrs);
	free(uri);
	asy_http_resp_release(&resp);
	if (h != NULL && h->curl != NULL) {
		/* Nothing set for this request may outlive it. */
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, NULL);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, NULL);
	}
	return ret;
}

/* ---- raw requests ------------------------------------------------------- */

/* "HTTP/1.1 200 ..." at the start of p: the status, else 0. */
static long
parse_status(const char *p, size_t n)
{
	size_t i = 5;
	long v = 0;

	if (n < 5 || memcmp(p, "HTTP/", 5) != 0)
		return 0;
	while (i < n && i < 9 && ((p[i] >= '0' && p[i] <= '9') ||
	    p[i] == '.'))
		i++;
	if (i == 5 || i >= n || p[i] != ' ')
		return 0;
	i++;
	if (n - i < 3)
		return 0;
	for (size_t j = 0; j < 3; j++) {
		if (p[i + j] < '0' || p[i + j] > '9')
			return 0;
		v = v * 10 + (p[i + j] - '0');
	}
	if (n - i > 3 && p[i + 3] != ' ' && p[i + 3] != '\r' &&
	    p[i + 3] != '\n')
		return 0;
	return v >= 100 ? v : 0;
}

static int
raw_connect(const char *addr, unsigned port, long long deadline, int *fdp,
    char *why, size_t why_len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct pollfd pfd;
	socklen_t len, elen;
	int fd = -1, r, err = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		len = sizeof(*s6);
	} else {
		set_why(why, why_len, "not an IPv4 or IPv6 address");
		return ASY_E_INPUT;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		set_why(why, why_len, "socket: %s", strerror(errno));
		return ASY_E_IO;
	}
	r = connect(fd, (struct sockaddr *)&ss, len);
	if (r < 0 && errno != EINPROGRESS) {
		err = errno;
		goto failed;
	}
	if (r < 0) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		for (;;) {
			long long left = deadline - asy_now_ms();

			if (left <= 0) {
				close(fd);
				set_why(why, why_len, "no connection within "
				    "the timeout");
				return ASY_E_TIMEOUT;
			}
			r = poll(&pfd, 1, (int)left);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				err = errno;
				goto failed;
			}
			if (r > 0)
				break;
		}
		elen = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err != 0)
			goto failed;
	}
	*fdp = fd;
	return 0;
failed:
	close(fd);
	set_why(why, why_len, "connect: %s", strerror(err));
	return err == ECONNREFUSED ? ASY_E_REFUSED : ASY_E_IO;
}

/* Send all of p; 0, or 1 when the peer stopped reading (its answer may
 * still be there), or ASY_E_TIMEOUT / ASY_E_IO. */
static int
raw_send(int fd, const char *p, size_t n, long long deadline, char *why,
    size_t why_len)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		long long left = deadline - asy_now_ms();
		ssize_t w;
		int r;

		if (left <= 0) {
			set_why(why, why_len, "the request could not be sent "
			    "within the timeout");
			return ASY_E_TIMEOUT;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_why(why, why_len, "poll: %s", strerror(errno));
			return ASY_E_IO;
		}
		if (r == 0)
			continue;
		w = send(fd, p + done, n - done, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return 1;
		if (w < 0) {
			set_why(why, why_len, "send: %s", strerror(errno));
			return ASY_E_IO;
		}
		done += (size_t)w;
	}
	return 0;
}

/* Read into answer until the peer closes, is quiet for RAW_QUIET_MS
 * after a byte, the answer is full or the deadline; bytes that came. */
static int
raw_recv_fd(int fd, struct asy_buf *answer, long long deadline,
    size_t *got, char *why, size_t why_len)
{
	char chunk[4096];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - asy_now_ms();
		size_t room = answer->max - answer->len;
		ssize_t n;
		int r;

		if (room == 0)
			return 0;
		if (left <= 0 && *got > 0)
			return 0;
		if (left <= 0) {
			set_why(why, why_len, "no answer within the timeout");
			return ASY_E_TIMEOUT;
		}
		if (*got > 0 && left > RAW_QUIET_MS)
			left = RAW_QUIET_MS;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_why(why, why_len, "poll: %s", strerror(errno));
			return ASY_E_IO;
		}
		if (r == 0) {
			if (*got > 0)
				return 0;
			continue;
		}
		n = recv(fd, chunk, room < sizeof(chunk) ? room :
		    sizeof(chunk), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 && errno != ECONNRESET) {
			set_why(why, why_len, "recv: %s", strerror(errno));
			return ASY_E_IO;
		}
		if (n <= 0)
			return 0;
		r = asy_buf_add(answer, chunk, (size_t)n);
		if (r < 0) {
			set_why(why, why_len, "%s", asy_strerror(r));
			return r;
		}
		*got += (size_t)n;
	}
}

/* The same over TLS, through conn.h. */
static int
raw_tls(const char *addr, unsigned port, const void *req, size_t len,
    unsigned long timeout_ms, long long deadline, struct asy_buf *answer,
    size_t *got, char *why, size_t why_len)
{
	struct asy_conn *c = NULL;
	char chunk[4096];
	int r;

	r = asy_conn_open(addr, port, 1, timeout_ms, &c, why, why_len);
	if (r < 0)
		goto out;
	r = asy_conn_write(c, req, len, (unsigned long)(deadline - asy_now_ms() >
	    0 ? deadline - asy_now_ms() : 1));
	if (r == ASY_E_TIMEOUT || r == ASY_E_IO) {
		set_why(why, why_len, "the request could not be sent: %s",
		    asy_strerror(r));
		goto out;
	}
	for (;;) {
		long long left = deadline - asy_now_ms();
		size_t room = answer->max - answer->len;
		long n;

		r = 0;
		if (room == 0)
			break;
		if (left <= 0 && *got == 0) {
			set_why(why, why_len, "no answer within the timeout");
			r = ASY_E_TIMEOUT;
		}
		if (left <= 0)
			break;
		if (*got > 0 && left > RAW_QUIET_MS)
			left = RAW_QUIET_MS;
		n = asy_conn_read(c, chunk, room < sizeof(chunk) ? room :
		    sizeof(chunk), (unsigned long)left);
		if (n == ASY_E_TIMEOUT && *got > 0)
			break;
		if (n == ASY_E_TIMEOUT)
			continue;
		if (n == ASY_E_CLOSED)
			break;
		if (n < 0) {
			r = *got > 0 ? 0 : (int)n;
			break;
		}
		r = asy_buf_add(answer, chunk, (size_t)n);
		if (r < 0)
			break;
		*got += (size_t)n;
	}
out:
	asy_conn_close(c);
	return r;
}

int
asy_http_raw(const char *addr, unsigned port, int tls, const void *req,
    size_t len, unsigned long timeout_ms, struct asy_buf *answer,
    long *status, char *why, size_t why_len)
{
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	size_t start = answer->len, got = 0;
	int fd = -1, r;

	*status = 0;
	if (addr == NULL || port == 0 || port > 65535 || timeout_ms == 0) {
		set_why(why, why_len, "bad address, port or timeout");
		return ASY_E_INPUT;
	}
	if (tls) {
		r = raw_tls(addr, port, req, len, timeout_ms, deadline, answer,
		    &got, why, why_len);
	} else {
		r = raw_connect(addr, port, deadline, &fd, why, why_len);
		if (r < 0)
			goto out;
		r = raw_send(fd, req, len, deadline, why, why_len);
		if (r < 0)
			goto out;
		r = raw_recv_fd(fd, answer, deadline, &got, why, why_len);
	}
	if (r < 0)
		goto out;
	if (got == 0) {
		set_why(why, why_len, "the server closed without answering");
		r = 0;
		goto out;
	}
	*status = parse_status(answer->data + start, answer->len - start);
	set_why(why, why_len, "%zu bytes came", got);
	r = 1;
out:
	if (fd >= 0)
		close(fd);
	return r;
}
