/*
 * The rogue update server on libmicrohttpd (started and stopped through
 * mhd.c): one daemon with an internal polling thread, bound to one address
 * and port, plain HTTP or TLS (GnuTLS inside libmicrohttpd).
 *
 * Threads: every libmicrohttpd callback runs on its polling thread; the
 * caller's thread sets variants, reads counters and waits.  Everything
 * both touch (the current variant, reference counts, counters, the
 * request total) is under s->mu; s->cv wakes asy_updsrv_wait().
 *
 * A variant ("fileset") holds copies of its files and its own counters.
 * It is reference counted: the server holds the current one, each
 * connection the one current when it was accepted, each request the one
 * current when its request line came.  A request that outlives a swap
 * finishes with its old files and counts in its old variant's counters,
 * which nobody reads any more; the new variant starts at zero.
 *
 * A request's context ("req") is made when its request line arrives (the
 * URI log callback, which also makes libmicrohttpd report the end of
 * every request that got that far) and is held by libmicrohttpd's request
 * and by the response that reads from it; the last one frees it.  The
 * handler answers only on its last call (after the body, which is
 * counted and thrown away; past 64 KiB the connection is closed), so a
 * client never gets an answer while it is still sending.
 *
 * Every body, files and error pages alike, comes from one content reader
 * that knows where to cut: it serves bytes up to the cut and then returns
 * MHD_CONTENT_READER_END_WITH_ERROR, on which libmicrohttpd closes the
 * connection with the announced Content-Length not reached.  The reader
 * is called for position p only once every byte before p has been sent,
 * so the last position it saw is a lower bound of what the client got;
 * a response that completed sent everything.
 */
#include "updsrv.h"
#include "mhd.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "buf.h"
#include "disclose.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define DEF_CONNS	16
#define DEF_REQUESTS	1000
#define DEF_TIMEOUT_S	10

/* Request bodies are read and dropped up to this much, then we close. */
#define MAX_UPLOAD	(64 * 1024)
#define MAX_VARIANT	64
#define MAX_PATH	1024
#define MAX_TYPE	128
/* Request times kept per file and variant (asy_updsrv_times). */
#define MAX_TIMES	10000
/* The body is handed to libmicrohttpd in blocks of at most this. */
#define BLOCK		(16 * 1024)

/* Caps of the request log. */
#define LOG_TARGET	512
#define LOG_METHOD	32
#define LOG_NAME	64
#define LOG_VALUE	256
#define LOG_HEADERS	32
#define LOG_HDR_BUF	(LOG_HEADERS * (LOG_NAME + LOG_VALUE + 8) + 64)
#define LOG_LINE	(LOG_HDR_BUF + LOG_TARGET + LOG_METHOD + 1024)

struct vfile {
	char	*path;
	char	*data;
	size_t	 len;
	char	*type;
	size_t	 cut;		/* body bytes to send; >= len: all */
};

struct fileset {
	unsigned		 refs;
	char			 variant[MAX_VARIANT + 1];
	struct vfile		 f[ASY_UPDSRV_MAX_FILES];
	size_t			 n;
	struct asy_updsrv_stats	 st;
	unsigned		 ended[ASY_UPDSRV_MAX_FILES];
	double			*times[ASY_UPDSRV_MAX_FILES];
	size_t			 n_times[ASY_UPDSRV_MAX_FILES];
	size_t			 cap_times[ASY_UPDSRV_MAX_FILES];
};

struct asy_updsrv {
	struct asy_mhd		*mhd;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct fileset		*cur;
	unsigned long		 served;	/* requests in all */
	unsigned long		 max_requests;
	int			 log_fd;
};

/* One TCP connection. */
struct conn {
	struct fileset	*set;
	char		 peer[NI_MAXHOST + 16];
	int		 had_uri;	/* a request line came */
	int		 had_request;	/* ... and its headers: the handler
					   was called */
};

/* One request. */
struct req {
	struct asy_updsrv *s;
	struct fileset	*set;
	unsigned	 refs;		/* under s->mu */
	char		 when[40];
	char		 peer[NI_MAXHOST + 16];
	char		*target;	/* escaped request target */
	char		*method;	/* escaped; NULL before the handler */
	struct asy_buf	 hdrs;		/* ' name="value"' ... */
	unsigned	 n_hdrs;
	int		 called;
	int		 answered;
	int		 head;
	unsigned	 status;
	int		 file;		/* index in set, or -1 */
	const char	*body;
	size_t		 len;
	size_t		 cut;
	uint64_t	 pos;		/* body bytes known to be sent */
	size_t		 upload;
};

static const char BODY_404[] = "not found\n";
static const char BODY_405[] = "method not allowed\n";
static const char BODY_503[] = "too many requests\n";

/* ---- variants ------------------------------------------------------------ */

static void
set_free(struct fileset *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < ASY_UPDSRV_MAX_FILES; i++) {
		free(fs->f[i].path);
		free(fs->f[i].data);
		free(fs->f[i].type);
		free(fs->times[i]);
	}
	free(fs);
}

/* Drop a reference; s->mu held. */
static void
set_unref_locked(struct fileset *fs)
{
	if (fs != NULL && --fs->refs == 0)
		set_free(fs);
}

static int
variant_ok(const char *v)
{
	size_t n = 0;

	if (v == NULL)
		return 0;
	for (const char *p = v; *p != '\0'; p++, n++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return n >= 1 && n <= MAX_VARIANT;
}

/* A Content-Type must be printable ASCII: it goes into a header. */
static int
type_ok(const char *t)
{
	size_t n = 0;

	for (const char *p = t; *p != '\0'; p++, n++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return 0;
	return n >= 1 && n <= MAX_TYPE;
}

/* A fresh variant with copies of the files; ASY_E_INPUT, ASY_E_NOMEM. */
static int
set_new(const char *variant, const struct asy_updsrv_file *files, size_t n,
    struct fileset **out)
{
	struct fileset *fs = NULL;
	int r = ASY_E_INPUT;

	if (!variant_ok(variant) || n > ASY_UPDSRV_MAX_FILES ||
	    (files == NULL && n > 0))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct asy_updsrv_file *f = &files[i];

		if (f->path == NULL || f->path[0] != '/' ||
		    strlen(f->path) > MAX_PATH ||
		    (f->data == NULL && f->len > 0) ||
		    (f->type != NULL && !type_ok(f->type)))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (strcmp(files[j].path, f->path) == 0)
				goto out;
	}
	r = ASY_E_NOMEM;
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL)
		goto out;
	memcpy(fs->variant, variant, strlen(variant) + 1);
	for (size_t i = 0; i < n; i++) {
		const struct asy_updsrv_file *f = &files[i];
		struct vfile *v = &fs->f[i];

		v->path = asy_strdup(f->path);
		v->type = asy_strdup(f->type != NULL ? f->type :
		    "application/octet-stream");
		/* One byte more: malloc(0) may give NULL. */
		v->data = malloc(f->len + 1);
		if (v->path == NULL || v->type == NULL || v->data == NULL)
			goto out;
		if (f->len > 0)
			memcpy(v->data, f->data, f->len);
		v->len = f->len;
		v->cut = f->cut_after;
		fs->n++;
	}
	fs->refs = 1;
	*out = fs;
	fs = NULL;
	r = 0;
out:
	set_free(fs);
	return r;
}

/* ---- the request log ----------------------------------------------------- */

/* UTC with milliseconds: "2026-11-22T11:30:00.123Z". */
static void
utc_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03uZ", sec,
	    (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

/* "192.0.2.1:40000" or "[2001:db8::1]:40000" for the connection's peer. */
static void
peer_of(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	char host[NI_MAXHOST], serv[8];
	socklen_t len;

	snprintf(buf, n, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	else
		return;
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	if (sa->sa_family == AF_INET6)
		snprintf(buf, n, "[%s]:%s", host, serv);
	else
		snprintf(buf, n, "%s:%s", host, serv);
}

/* Write one line with one write() (O_APPEND keeps lines whole). */
static void
log_write(struct asy_updsrv *s, const struct asy_buf *b)
{
	size_t off = 0;

	if (s->log_fd < 0 || b->data == NULL)
		return;
	while (off < b->len) {
		ssize_t n = write(s->log_fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			asy_debug("request log: %s", n < 0 ? strerror(errno) :
			    "nothing written");
			return;
		}
		off += (size_t)n;
	}
}

/* Append the escaped n bytes at p, at most max bytes of escapes. */
static int
put_escaped(struct asy_buf *b, const char *p, size_t n, size_t max)
{
	char *e;
	int r;

	e = asy_printable(p != NULL ? p : "", p != NULL ? n : 0, max);
	if (e == NULL)
		return ASY_E_NOMEM;
	r = asy_buf_puts(b, e);
	free(e);
	return r;
}

static void
log_request(struct asy_updsrv *s, struct req *q, uint64_t sent, int whole)
{
	struct asy_buf b;
	int r;

	if (s->log_fd < 0)
		return;
	asy_buf_init(&b, LOG_LINE);
	r = asy_buf_printf(&b, "%s %s %s %s \"%s\" ", q->when, q->peer,
	    q->set->variant, q->method != NULL ? q->method : "-",
	    q->target != NULL ? q->target : "?");
	if (r == 0 && q->answered)
		r = asy_buf_printf(&b, "%u %llu/%zu", q->status,
		    (unsigned long long)sent, q->len);
	else if (r == 0)
		r = asy_buf_puts(&b, "- 0/-");
	if (r == 0)
		r = asy_buf_puts(&b, whole ? " whole" : " cut");
	if (r == 0 && q->hdrs.data != NULL)
		r = asy_buf_add(&b, q->hdrs.data, q->hdrs.len);
	if (r == 0 && q->n_hdrs > LOG_HEADERS)
		r = asy_buf_printf(&b, " (%u more headers)",
		    q->n_hdrs - LOG_HEADERS);
	if (r == 0)
		r = asy_buf_putc(&b, '\n');
	if (r == 0)
		log_write(s, &b);
	else
		asy_debug("request log: %s", asy_strerror(r));
	asy_buf_release(&b);
}

static void
log_bare(struct asy_updsrv *s, struct conn *cn)
{
	struct asy_buf b;
	char when[40];

	if (s->log_fd < 0)
		return;
	utc_now(when, sizeof(when));
	asy_buf_init(&b, LOG_LINE);
	if (asy_buf_printf(&b, "%s %s %s - no request: TLS handshake failed "
	    "or nothing sent\n", when, cn->peer, cn->set->variant) == 0)
		log_write(s, &b);
	asy_buf_release(&b);
}

/* ---- requests ------------------------------------------------------------ */

static void
req_unref(struct req *q)
{
	struct asy_updsrv *s;
	int last;

	if (q == NULL)
		return;
	s = q->s;
	pthread_mutex_lock(&s->mu);
	last = --q->refs == 0;
	if (last)
		set_unref_locked(q->set);
	pthread_mutex_unlock(&s->mu);
	if (!last)
		return;
	free(q->target);
	free(q->method);
	asy_buf_release(&q->hdrs);
	free(q);
}

/*
 * The request line came (before any header): make the request's context.
 * uri is the request target as sent, query included.
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct asy_updsrv *s = cls;
	const union MHD_ConnectionInfo *ci;
	struct conn *cn = NULL;
	struct req *q;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL)
		cn = ci->socket_context;
	if (cn != NULL)
		cn->had_uri = 1;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->s = s;
	q->refs = 1;
	q->file = -1;
	asy_buf_init(&q->hdrs, LOG_HDR_BUF);
	utc_now(q->when, sizeof(q->when));
	if (cn != NULL)
		memcpy(q->peer, cn->peer, sizeof(q->peer));
	else
		peer_of(c, q->peer, sizeof(q->peer));
	q->target = asy_printable(uri != NULL ? uri : "",
	    uri != NULL ? strlen(uri) : 0, LOG_TARGET);
	pthread_mutex_lock(&s->mu);
	q->set = s->cur;
	q->set->refs++;
	pthread_mutex_unlock(&s->mu);
	return q;
}

static enum MHD_Result
on_header(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct req *q = cls;
	int r;

	if (q->n_hdrs++ >= LOG_HEADERS)
		return MHD_YES;
	r = asy_buf_putc(&q->hdrs, ' ');
	if (r == 0)
		r = put_escaped(&q->hdrs, key, key_size, LOG_NAME);
	if (r == 0)
		r = asy_buf_puts(&q->hdrs, "=\"");
	if (r == 0)
		r = put_escaped(&q->hdrs, value, value_size, LOG_VALUE);
	if (r == 0)
		r = asy_buf_putc(&q->hdrs, '"');
	return r == 0 ? MHD_YES : MHD_NO;
}

static ssize_t
read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct req *q = cls;
	size_t limit = q->cut < q->len ? q->cut : q->len, n;

	q->pos = pos;
	if (pos >= limit)
		return limit < q->len ? MHD_CONTENT_READER_END_WITH_ERROR :
		    MHD_CONTENT_READER_END_OF_STREAM;
	n = limit - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, q->body + pos, n);
	return (ssize_t)n;
}

static void
free_body(void *cls)
{
	req_unref(cls);
}

/* Decide the answer under s->mu and count it. */
static void
answer_pick(struct asy_updsrv *s, struct req *q, const char *url,
    const char *method)
{
	struct fileset *fs = q->set;
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;

	q->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	pthread_mutex_lock(&s->mu);
	s->served++;
	fs->st.requests++;
	if (s->served > s->max_requests) {
		q->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		q->body = BODY_503;
	} else if (!get && !q->head) {
		q->status = MHD_HTTP_METHOD_NOT_ALLOWED;
		q->body = BODY_405;
	} else {
		for (size_t i = 0; i < fs->n; i++)
			if (strcmp(fs->f[i].path, url) == 0)
				q->file = (int)i;
		if (q->file < 0) {
			q->status = MHD_HTTP_NOT_FOUND;
			q->body = BODY_404;
			fs->st.not_found++;
		}
	}
	if (q->file >= 0) {
		size_t i = (size_t)q->file;
		double now = (double)asy_now_ms() / 1000.0;

		q->status = MHD_HTTP_OK;
		q->body = fs->f[i].data;
		q->len = fs->f[i].len;
		q->cut = fs->f[i].cut;
		fs->st.gets[i]++;
		if (fs->st.first[i] == 0)
			fs->st.first[i] = now;
		if (fs->n_times[i] < MAX_TIMES) {
			double *t = asy_array_add(&fs->times[i],
			    &fs->n_times[i], &fs->cap_times[i], sizeof(*t));

			if (t != NULL)
				*t = now;
		}
	} else {
		q->len = strlen(q->body);
		q->cut = q->len;
	}
	/* The response about to be made holds the request too. */
	q->refs++;
	pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result
answer(struct asy_updsrv *s, struct MHD_Connection *c, struct req *q,
    const char *url, const char *method)
{
	struct MHD_Response *resp;
	const char *type = "text/plain";
	enum MHD_Result ok;

	answer_pick(s, q, url, method);
	resp = MHD_create_response_from_callback(q->len, BLOCK, read_body, q,
	    free_body);
	if (resp == NULL) {
		req_unref(q);
		return MHD_NO;
	}
	if (q->file >= 0)
		type = q->set->f[q->file].type;
	ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    type);
	if (ok == MHD_YES && q->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	if (ok == MHD_YES)
		ok = MHD_queue_response(c, q->status, resp);
	MHD_destroy_response(resp);
	q->answered = ok == MHD_YES;
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct asy_updsrv *s = cls;
	struct req *q = *con_cls;

	if (q == NULL)
		return MHD_NO;
	if (!q->called) {
		const union MHD_ConnectionInfo *ci;

		q->called = 1;
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci != NULL && ci->socket_context != NULL)
			((struct conn *)ci->socket_context)->had_request = 1;
		q->method = asy_printable(method, strlen(method), LOG_METHOD);
		MHD_get_connection_values_n(c, MHD_HEADER_KIND, on_header, q);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Never kept, never looked at: counted and dropped. */
		q->upload += *upload_data_size;
		*upload_data_size = 0;
		return q->upload > MAX_UPLOAD ? MHD_NO : MHD_YES;
	}
	if (q->answered)
		return MHD_YES;
	return answer(s, c, q, url, method);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct asy_updsrv *s = cls;
	struct req *q = *con_cls;
	int done = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
	uint64_t sent;

	if (q == NULL)
		return;
	*con_cls = NULL;
	if (!q->answered || q->head)
		sent = 0;
	else if (done)
		sent = q->len;
	else
		sent = q->pos;
	if (q->file >= 0) {
		size_t i = (size_t)q->file;

		pthread_mutex_lock(&s->mu);
		q->set->st.sent[i] += sent;
		if (done && !q->head)
			q->set->st.whole[i]++;
		q->set->ended[i]++;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	log_request(s, q, sent, q->answered && done);
	req_unref(q);
}

/* ---- connections --------------------------------------------------------- */

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct asy_updsrv *s = cls;
	struct conn *cn;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cn = calloc(1, sizeof(*cn));
		if (cn != NULL)
			peer_of(c, cn->peer, sizeof(cn->peer));
		pthread_mutex_lock(&s->mu);
		s->cur->st.conns++;
		if (cn != NULL) {
			cn->set = s->cur;
			cn->set->refs++;
		}
		pthread_mutex_unlock(&s->mu);
		*socket_context = cn;
		return;
	}
	cn = *socket_context;
	if (cn == NULL)
		return;
	*socket_context = NULL;
	if (!cn->had_uri)
		log_bare(s, cn);
	pthread_mutex_lock(&s->mu);
	if (!cn->had_request)
		cn->set->st.conns_bare++;
	set_unref_locked(cn->set);
	pthread_mutex_unlock(&s->mu);
	free(cn);
}

/* ---- the server ---------------------------------------------------------- */

int
asy_updsrv_start(const struct asy_updsrv_opts *o, struct asy_updsrv **out,
    char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	struct asy_mhd_opts mo = { 0 };
	pthread_condattr_t ca;
	struct asy_updsrv *s = NULL;
	char msg[ASY_MHD_MSG];
	int tls, r, mu_ok = 0, cv_ok = 0;

	if (o == NULL) {
		asy_why(why, whylen, "no options");
		return ASY_E_INPUT;
	}
	if (o->addr == NULL || o->port < 1 || o->port > 65535) {
		asy_why(why, whylen, "an IP address and a port from 1 to "
		    "65535 are needed");
		return ASY_E_INPUT;
	}
	r = asy_mhd_parse_addr(o->addr, o->port, &ss);
	if (r < 0) {
		asy_why(why, whylen, "not an IPv4 or IPv6 address");
		return r;
	}
	if ((o->cert_pem == NULL) != (o->key_pem == NULL)) {
		asy_why(why, whylen, "HTTPS needs both a certificate and its "
		    "key");
		return ASY_E_INPUT;
	}
	tls = o->cert_pem != NULL;
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		asy_why(why, whylen, "this libmicrohttpd was built without "
		    "TLS");
		return ASY_E_INTERNAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ASY_E_NOMEM;
	s->log_fd = -1;
	s->max_requests = o->max_requests != 0 ? o->max_requests :
	    DEF_REQUESTS;
	r = ASY_E_INTERNAL;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		asy_why(why, whylen, "cannot make a mutex");
		goto out;
	}
	mu_ok = 1;
	if (pthread_condattr_init(&ca) != 0) {
		asy_why(why, whylen, "cannot make a condition variable");
		goto out;
	}
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&s->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		asy_why(why, whylen, "cannot make a condition variable");
		goto out;
	}
	pthread_condattr_destroy(&ca);
	cv_ok = 1;
	r = set_new("-", NULL, 0, &s->cur);
	if (r < 0)
		goto out;
	if (o->log_path != NULL) {
		s->log_fd = open(o->log_path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0644);
		if (s->log_fd < 0) {
			asy_why(why, whylen, "cannot open the request log %s: "
			    "%s", o->log_path, strerror(errno));
			r = ASY_E_IO;
			goto out;
		}
	}
	/* One polling thread; paths are matched as sent, byte for byte,
	 * so "%00" cannot make "/fw.bin%00.txt" into "/fw.bin". */
	mo.addr = &ss;
	mo.conns = o->max_conns != 0 ? o->max_conns : DEF_CONNS;
	mo.timeout_s = o->timeout_s != 0 ? o->timeout_s : DEF_TIMEOUT_S;
	mo.cert_pem = o->cert_pem;
	mo.key_pem = o->key_pem;
	mo.tls_priorities = o->tls_priorities;
	mo.handler = on_request;
	mo.cls = s;
	mo.on_uri = on_uri;
	mo.on_completed = on_completed;
	mo.on_connection = on_connection;
	r = asy_mhd_start(&mo, &s->mhd, msg, sizeof(msg));
	if (r < 0) {
		if (r != ASY_E_NOMEM)
			asy_why(why, whylen, "cannot serve on %s port %u: %s",
			    o->addr, o->port, msg);
		goto out;
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	if (s != NULL) {
		if (s->log_fd >= 0)
			close(s->log_fd);
		set_free(s->cur);
		if (cv_ok)
			pthread_cond_destroy(&s->cv);
		if (mu_ok)
			pthread_mutex_destroy(&s->mu);
		free(s);
	}
	return r;
}

int
asy_updsrv_set(struct asy_updsrv *s, const char *variant,
    const struct asy_updsrv_file *files, size_t n)
{
	struct fileset *fs = NULL, *old;
	int r;

	r = set_new(variant, files, n, &fs);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->mu);
	old = s->cur;
	s->cur = fs;
	set_unref_locked(old);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

void
asy_updsrv_stats(struct asy_updsrv *s, struct asy_updsrv_stats *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->cur->st;
	pthread_mutex_unlock(&s->mu);
}

int
asy_updsrv_wait(struct asy_updsrv *s, size_t i, unsigned long timeout_ms)
{
	struct timespec ts;
	int done;

	if (i >= ASY_UPDSRV_MAX_FILES)
		return ASY_E_TIMEOUT;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(timeout_ms / 1000);
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (s->cur->ended[i] == 0)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
			break;
	done = s->cur->ended[i] > 0;
	pthread_mutex_unlock(&s->mu);
	return done ? 0 : ASY_E_TIMEOUT;
}

size_t
asy_updsrv_times(struct asy_updsrv *s, size_t i, double *t, size_t max)
{
	size_t n = 0;

	if (i >= ASY_UPDSRV_MAX_FILES)
		return 0;
	pthread_mutex_lock(&s->mu);
	n = s->cur->n_times[i];
	if (n > max)
		n = max;
	if (n > 0)
		memcpy(t, s->cur->times[i], n * sizeof(*t));
	pthread_mutex_unlock(&s->mu);
	return n;
}

void
asy_updsrv_stop(struct asy_updsrv *s)
{
	if (s == NULL)
		return;
	/* Joins the polling thread; every request and connection ends, so
	 * every reference but s->cur's is dropped. */
	asy_mhd_stop(s->mhd);
	set_unref_locked(s->cur);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	if (s->log_fd >= 0)
		close(s->log_fd);
	free(s);
}
