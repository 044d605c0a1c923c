/*
 * Connections to a DUT: TCP on a non-blocking socket, optionally inside
 * TLS (OpenSSL), every step waited for with poll() against a deadline.
 *
 * SIGPIPE: a write to a connection the peer has reset raises SIGPIPE,
 * which kills the process unless it is ignored.  Ignoring it globally is
 * not ours to decide (we are a library), so nothing here ever calls
 * write(): plain data goes out with send(MSG_NOSIGNAL), and TLS goes
 * through a small BIO of our own (sock_meth below) whose write is
 * send(MSG_NOSIGNAL) too, instead of OpenSSL's socket BIO, which uses
 * write().
 */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "error.h"
#include "log.h"
#include "util.h"

/* No deadline further away than a day: keeps the arithmetic in range. */
#define MAX_TIMEOUT_MS	(24UL * 3600 * 1000)
/* What one read in asy_conn_expect() asks for at most. */
#define EXPECT_CHUNK	4096

struct asy_conn {
	int	 fd;
	SSL_CTX	*ctx;		/* NULL for plain TCP */
	SSL	*ssl;
	int	 alert;		/* last alert received + 1, or 0 */
	int	 fatal;		/* TLS: what a fatal error gave (the SSL
				   object may not be used again), or 0 */
};

/* ---- time ---------------------------------------------------------------- */

static long long
deadline_in(unsigned long timeout_ms)
{
	if (timeout_ms > MAX_TIMEOUT_MS)
		timeout_ms = MAX_TIMEOUT_MS;
	return asy_now_ms() + (long long)timeout_ms;
}

/*
 * Wait until fd is ready for events or the deadline passes: 0 ready (or
 * an error or hang-up is pending, which the next call will report),
 * ASY_E_TIMEOUT, ASY_E_IO.  Callers try their I/O before waiting, so a
 * deadline already past means no more waiting at all: a peer that trickles
 * data cannot stretch a call beyond its deadline.
 */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int r;

	for (;;) {
		left = deadline - asy_now_ms();
		if (left <= 0)
			return ASY_E_TIMEOUT;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ASY_E_IO;
		if (r > 0)
			return 0;
	}
}

/* ---- a socket BIO that never raises SIGPIPE ------------------------------ */

static BIO_METHOD *sock_meth;
static pthread_once_t sock_once = PTHREAD_ONCE_INIT;

static int
sock_fd(BIO *b)
{
	return (int)(intptr_t)BIO_get_data(b);
}

static int
sock_write(BIO *b, const char *p, int n)
{
	ssize_t r;

	BIO_clear_retry_flags(b);
	if (n <= 0)
		return 0;
	do
		r = send(sock_fd(b), p, (size_t)n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		BIO_set_retry_write(b);
	return (int)r;
}

static int
sock_read(BIO *b, char *p, int n)
{
	ssize_t r;

	BIO_clear_retry_flags(b);
	if (n <= 0)
		return 0;
	do
		r = recv(sock_fd(b), p, (size_t)n, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		BIO_set_retry_read(b);
	if (r == 0)
		BIO_set_flags(b, BIO_FLAGS_IN_EOF);
	return (int)r;
}

static int
sock_puts(BIO *b, const char *s)
{
	size_t n = strlen(s);

	return sock_write(b, s, n > INT_MAX ? INT_MAX : (int)n);
}

static long
sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	switch (cmd) {
	case BIO_C_GET_FD:
		if (ptr != NULL)
			*(int *)ptr = sock_fd(b);
		return sock_fd(b);
	case BIO_CTRL_EOF:
		/* OpenSSL asks this to tell an unexpected end from an error. */
		return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
	case BIO_CTRL_FLUSH:
	case BIO_CTRL_DUP:
		return 1;
	default:
		return 0;
	}
}

static int
sock_create(BIO *b)
{
	BIO_set_data(b, (void *)(intptr_t)-1);
	BIO_set_init(b, 0);
	return 1;
}

static int
sock_destroy(BIO *b)
{
	/* The descriptor belongs to the connection, not to the BIO. */
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

static void
sock_meth_make(void)
{
	BIO_METHOD *m;
	int type;

	type = BIO_get_new_index();
	if (type < 0)
		return;
	m = BIO_meth_new(type | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
	    "assay socket");
	if (m == NULL)
		return;
	if (BIO_meth_set_write(m, sock_write) != 1 ||
	    BIO_meth_set_read(m, sock_read) != 1 ||
	    BIO_meth_set_puts(m, sock_puts) != 1 ||
	    BIO_meth_set_ctrl(m, sock_ctrl) != 1 ||
	    BIO_meth_set_create(m, sock_create) != 1 ||
	    BIO_meth_set_destroy(m, sock_destroy) != 1) {
		BIO_meth_free(m);
		return;
	}
	/* Made once, kept for the life of the process (as OpenSSL's own). */
	sock_meth = m;
}

BIO *
asy_conn_bio_new(int fd)
{
	BIO *b;

	if (fd < 0)
		return NULL;
	pthread_once(&sock_once, sock_meth_make);
	if (sock_meth == NULL)
		return NULL;
	b = BIO_new(sock_meth);
	if (b == NULL)
		return NULL;
	BIO_set_data(b, (void *)(intptr_t)fd);
	BIO_set_init(b, 1);
	return b;
}

/* ---- TCP ----------------------------------------------------------------- */

static int
parse_addr(const char *addr, unsigned port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (addr == NULL || port == 0 || port > 65535)
		return ASY_E_INPUT;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*s6);
		return 0;
	}
	return ASY_E_INPUT;
}

static int
errno_code(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
		return ASY_E_REFUSED;
	case ETIMEDOUT:
		return ASY_E_TIMEOUT;
	default:
		return ASY_E_IO;
	}
}

/* Connect before deadline; *fdp set on success; why filled on failure. */
static int
tcp_connect(const struct sockaddr_storage *ss, socklen_t len,
    unsigned long timeout_ms, long long deadline, int *fdp, char *why,
    size_t why_len)
{
	socklen_t elen = sizeof(int);
	int fd, r, err = 0, one = 1;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		snprintf(why, why_len, "socket: %s", strerror(errno));
		return errno == ENOMEM || errno == ENOBUFS ? ASY_E_NOMEM :
		    ASY_E_IO;
	}
	r = connect(fd, (const struct sockaddr *)ss, len);
	if (r < 0 && errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	if (r < 0) {
		r = wait_fd(fd, POLLOUT, deadline);
		if (r == ASY_E_TIMEOUT) {
			snprintf(why, why_len, "no answer within %lu ms",
			    timeout_ms);
			close(fd);
			return ASY_E_TIMEOUT;
		}
		if (r < 0) {
			err = errno;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err != 0)
			goto fail;
	}
	/* Requests and answers are small; do not let Nagle hold them. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*fdp = fd;
	return 0;
fail:
	close(fd);
	if (err == ECONNREFUSED)
		snprintf(why, why_len, "connection refused");
	else if (err == ETIMEDOUT)
		snprintf(why, why_len, "no answer within %lu ms", timeout_ms);
	else
		snprintf(why, why_len, "%s", strerror(err));
	errno = err;
	return errno_code(err);
}

/* ---- TLS ----------------------------------------------------------------- */

static void
msg_cb(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct asy_conn *c = arg;
	const unsigned char *p = buf;

	if (!write_p && content_type == SSL3_RT_ALERT && len >= 2)
		c->alert = p[1] + 1;
}

/* OpenSSL's phrase for its last error. */
static const char *
ssl_reason(void)
{
	const char *s = ERR_reason_error_string(ERR_peek_last_error());

	return s != NULL ? s : "unknown error";
}

/* Is the current OpenSSL error an end of stream without close_notify? */
static int
ssl_unexpected_eof(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

/*
 * What to do after an SSL call failed with err: 0 wait was satisfied (call
 * again), ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_IO.
 */
static int
ssl_wait(struct asy_conn *c, int err, int saved_errno, long long deadline)
{
	switch (err) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(c->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(c->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return ASY_E_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (saved_errno == 0 || saved_errno == ECONNRESET ||
		    saved_errno == EPIPE)
			c->fatal = ASY_E_CLOSED;
		else
			c->fatal = ASY_E_IO;
		errno = saved_errno;
		return c->fatal;
	case SSL_ERROR_SSL:
		c->fatal = ssl_unexpected_eof() ? ASY_E_CLOSED : ASY_E_IO;
		return c->fatal;
	default:
		return ASY_E_IO;
	}
}

static int
tls_start(struct asy_conn *c, unsigned long timeout_ms, long long deadline,
    char *why, size_t why_len)
{
	BIO *bio = NULL;
	int r, err, e;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL)
		goto nomem;
	/*
	 * Reaching a service, not judging it: TLS 1.2 or later, but at
	 * security level 0 so that a device with a small key or SHA-1
	 * signatures can still be talked to.  DEFAULT leaves out the
	 * anonymous and NULL suites.
	 */
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(c->ctx, 0) != 1 ||
	    SSL_CTX_set_cipher_list(c->ctx, "DEFAULT:@SECLEVEL=0") != 1) {
		snprintf(why, why_len, "cannot set up TLS: %s",
		    ssl_reason());
		return ASY_E_IO;
	}
	SSL_CTX_set_security_level(c->ctx, 0);
	SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL)
		goto nomem;
	bio = asy_conn_bio_new(c->fd);
	if (bio == NULL)
		goto nomem;
	SSL_set_bio(c->ssl, bio, bio);
	SSL_set_connect_state(c->ssl);
	SSL_set_msg_callback(c->ssl, msg_cb);
	SSL_set_msg_callback_arg(c->ssl, c);
	for (;;) {
		ERR_clear_error();
		errno = 0;
		r = SSL_connect(c->ssl);
		if (r == 1)
			break;
		e = errno;
		err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			r = ssl_wait(c, err, e, deadline);
			if (r == ASY_E_TIMEOUT) {
				snprintf(why, why_len,
				    "no answer within %lu ms", timeout_ms);
				return r;
			}
			if (r < 0) {
				snprintf(why, why_len, "poll: %s",
				    strerror(errno));
				return r;
			}
			continue;
		}
		if (c->alert > 0)
			snprintf(why, why_len, "TLS handshake failed: alert %s",
			    SSL_alert_desc_string_long(c->alert - 1));
		else if (ssl_wait(c, err, e, deadline) == ASY_E_CLOSED)
			snprintf(why, why_len, "TLS handshake failed: "
			    "connection closed by the peer");
		else if (err == SSL_ERROR_SYSCALL)
			snprintf(why, why_len, "TLS handshake failed: %s",
			    strerror(e));
		else
			snprintf(why, why_len, "TLS handshake failed: %s",
			    ssl_reason());
		asy_debug("%s", why);
		return ASY_E_PROTO;
	}
	return 0;
nomem:
	snprintf(why, why_len, "out of memory");
	return ASY_E_NOMEM;
}

int
asy_conn_open(const char *addr, unsigned port, int tls,
    unsigned long timeout_ms, struct asy_conn **out, char *why,
    size_t why_len)
{
	struct sockaddr_storage ss;
	struct asy_conn *c = NULL;
	long long deadline = deadline_in(timeout_ms);
	char dummy[8];
	socklen_t len = 0;
	int r;

	if (why == NULL || why_len == 0) {
		why = dummy;
		why_len = sizeof(dummy);
	}
	why[0] = '\0';
	r = parse_addr(addr, port, &ss, &len);
	if (r < 0) {
		snprintf(why, why_len, "not an IP address and port: %s:%u",
		    addr != NULL ? addr : "(null)", port);
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(why, why_len, "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	c->fd = -1;
	r = tcp_connect(&ss, len, timeout_ms, deadline, &c->fd, why, why_len);
	if (r < 0)
		goto out;
	if (tls) {
		r = tls_start(c, timeout_ms, deadline, why, why_len);
		if (r < 0)
			goto out;
	}
	*out = c;
	c = NULL;
	r = 0;
out:
	if (r < 0)
		asy_debug("%s port %u: %s", addr != NULL ? addr : "(null)",
		    port, why);
	asy_conn_close(c);
	return r;
}

/* ---- I/O ----------------------------------------------------------------- */

int
asy_conn_write(struct asy_conn *c, const void *p, size_t n,
    unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	const char *s = p;
	size_t done = 0;
	int r;

	while (done < n) {
		size_t chunk = n - done;

		if (c->fatal < 0)
			return c->fatal;
		if (chunk > INT_MAX)
			chunk = INT_MAX;
		if (c->ssl != NULL) {
			size_t w = 0;
			int err, e;

			ERR_clear_error();
			errno = 0;
			if (SSL_write_ex(c->ssl, s + done, chunk, &w) == 1) {
				done += w;
				continue;
			}
			e = errno;
			err = SSL_get_error(c->ssl, 0);
			r = ssl_wait(c, err, e, deadline);
		} else {
			ssize_t w;

			w = send(c->fd, s + done, chunk, MSG_NOSIGNAL);
			if (w >= 0) {
				done += (size_t)w;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return ASY_E_CLOSED;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return ASY_E_IO;
			r = wait_fd(c->fd, POLLOUT, deadline);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

long
asy_conn_read(struct asy_conn *c, void *p, size_t n, unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	int r;

	if (n == 0)
		return 0;
	if (n > INT_MAX)
		n = INT_MAX;
	for (;;) {
		if (c->fatal < 0)
			return c->fatal;
		if (c->ssl != NULL) {
			size_t got = 0;
			int err, e;

			/* Data OpenSSL already holds comes out here first. */
			ERR_clear_error();
			errno = 0;
			if (SSL_read_ex(c->ssl, p, n, &got) == 1)
				return (long)got;
			e = errno;
			err = SSL_get_error(c->ssl, 0);
			r = ssl_wait(c, err, e, deadline);
		} else {
			ssize_t got;

			got = recv(c->fd, p, n, 0);
			if (got > 0)
				return (long)got;
			if (got == 0)
				return ASY_E_CLOSED;
			if (errno == EINTR)
				continue;
			if (errno == ECONNRESET)
				return ASY_E_CLOSED;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return ASY_E_IO;
			r = wait_fd(c->fd, POLLIN, deadline);
		}
		if (r < 0)
			return r;
	}
}

/* The first occurrence of needle (lower case) in h[0..n), ignoring ASCII
 * case, or -1. */
static long
find_ci(const unsigned char *h, size_t n, const unsigned char *needle,
    size_t nlen)
{
	if (nlen > n)
		return -1;
	for (size_t i = 0; i + nlen <= n; i++) {
		size_t j = 0;

		while (j < nlen && (h[i + j] >= 'A' && h[i + j] <= 'Z' ?
		    h[i + j] + ('a' - 'A') : h[i + j]) == needle[j])
			j++;
		if (j == nlen)
			return (long)i;
	}
	return -1;
}

/*
 * Which needle has its first occurrence in b->data[start..] end first,
 * considering only matches that end after done (those ending earlier were
 * looked for already); ties go to the lower index.  The index or -1.
 * Because a match is judged by where it ends, the answer does not depend
 * on how the data was cut into reads.
 */
static int
match_first(const struct asy_buf *b, size_t start, size_t done,
    char *const *lower, const size_t *lens, size_t n_needles)
{
	size_t best_end = SIZE_MAX;
	int best = -1;

	for (size_t i = 0; i < n_needles; i++) {
		size_t from = start;
		long pos;

		if (lower[i] == NULL)
			continue;
		if (lens[i] == 0)
			return (int)i;
		if (done > start + lens[i] - 1)
			from = done - (lens[i] - 1);
		if (b->data == NULL || b->len < from)
			continue;
		pos = find_ci((const unsigned char *)b->data + from,
		    b->len - from, (const unsigned char *)lower[i], lens[i]);
		if (pos < 0)
			continue;
		if (from + (size_t)pos + lens[i] < best_end) {
			best_end = from + (size_t)pos + lens[i];
			best = (int)i;
		}
	}
	return best;
}

int
asy_conn_expect(struct asy_conn *c, struct asy_buf *b,
    const char *const *needles, size_t n_needles, unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	char **lower = NULL;
	size_t *lens = NULL, start = b->len, done = b->len;
	char chunk[EXPECT_CHUNK];
	int r;

	if (n_needles > 0) {
		lower = calloc(n_needles, sizeof(*lower));
		lens = calloc(n_needles, sizeof(*lens));
		if (lower == NULL || lens == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < n_needles; i++) {
		if (needles[i] == NULL)
			continue;
		lens[i] = strlen(needles[i]);
		lower[i] = malloc(lens[i] + 1);
		if (lower[i] == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		for (size_t j = 0; j <= lens[i]; j++) {
			unsigned char ch = (unsigned char)needles[i][j];

			lower[i][j] = (char)(ch >= 'A' && ch <= 'Z' ?
			    ch + ('a' - 'A') : ch);
		}
	}
	/* An empty needle is in any data, even none. */
	r = match_first(b, start, done, lower, lens, n_needles);
	if (r >= 0)
		goto out;
	for (int first = 1;; first = 0) {
		long long left = deadline - asy_now_ms();
		size_t room = b->max > b->len ? b->max - b->len : 0;
		long got;

		if (room == 0) {
			r = ASY_E_TOOBIG;
			goto out;
		}
		/* A steady stream must not keep us past the deadline. */
		if (left <= 0 && !first) {
			r = ASY_E_TIMEOUT;
			goto out;
		}
		if (left < 0)
			left = 0;
		got = asy_conn_read(c, chunk, room < sizeof(chunk) ? room :
		    sizeof(chunk), (unsigned long)left);
		if (got < 0) {
			r = (int)got;
			goto out;
		}
		r = asy_buf_add(b, chunk, (size_t)got);
		if (r < 0)
			goto out;
		r = match_first(b, start, done, lower, lens, n_needles);
		if (r >= 0)
			goto out;
		done = b->len;
	}
out:
	for (size_t i = 0; lower != NULL && i < n_needles; i++)
		free(lower[i]);
	free(lower);
	free(lens);
	return r;
}

int
asy_conn_fd(const struct asy_conn *c)
{
	return c != NULL ? c->fd : -1;
}

int
asy_conn_pending(const struct asy_conn *c)
{
	if (c == NULL || c->ssl == NULL || c->fatal < 0)
		return 0;
	return SSL_has_pending(c->ssl) ? 1 : 0;
}

void
asy_conn_close(struct asy_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		/* One try at close_notify; a peer gone or slow is fine. */
		ERR_clear_error();
		if (c->fatal == 0 && SSL_is_init_finished(c->ssl))
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		ERR_clear_error();
	}
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
