/*
 * The HTTP adapter (harness/httpc.c).
 *
 * A fake HTTP server runs in a thread of the test on 127.0.0.1 (a random
 * port) and answers as told: a table of answers (a normal 200 with a
 * Server header, 100-continue before the answer, a redirect that must not
 * be followed, hostile header values, a 1 MiB header block, a body far
 * over the cap, a body cut short, binary garbage instead of HTTP, a close
 * without an answer, silence) gives the return code, the parsed fields and
 * the caps.  Then: Basic authentication (what the server received decodes
 * to user:pass), keep-alive reuse (one connection for two requests), the
 * request target sent verbatim, no proxy even when the environment names
 * one, a closed port, bad arguments refused, and asy_http_raw() with a
 * table of answers.  Last, a real lighttpd on 127.0.0.1 and
 * asy_http_raw() over TLS to openssl s_server, when installed.
 *
 * Only loopback is ever contacted.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "httpc.h"
#include "ut.h"

/* ---- a fake HTTP server ------------------------------------------------- */

enum mode {
	M_OK,
	M_CONTINUE,
	M_REDIRECT,
	M_HOSTILE,
	M_BIGHEAD,
	M_BIGBODY,
	M_BODY_5000,
	M_SHORT,
	M_GARBAGE,
	M_CLOSE,
	M_SILENT,
	M_AUTH,
	M_CHUNKED,
};

#define FAKE_MAX_REQ	((size_t)256 << 10)

struct fake {
	int		 lfd;
	int		 stop[2];
	unsigned	 port;
	enum mode	 mode;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	int		 conns;		/* connections accepted */
	int		 reqs;		/* requests read */
	char		 authz[512];	/* the last Authorization value */
	char		 line[512];	/* the last request line */
	char		 ua[128];	/* the last User-Agent value */
};

static void
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void
send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* Wait for fd to be readable; 0 when told to stop. */
static int
wait_in(struct fake *f, int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = f->stop[0], .events = POLLIN },
	};

	for (;;) {
		int r = poll(p, 2, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (p[1].revents & POLLIN))
			return 0;
		if (p[0].revents)
			return 1;
	}
}

/* The value of header name in the request head (NUL-terminated), copied
 * into out (cut to fit); 1 found. */
static int
req_header(const char *head, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p != NULL && p[2] != '\0') {
		const char *l = p + 2, *e = strstr(l, "\r\n");

		if (e == NULL)
			break;
		if ((size_t)(e - l) > nl && strncasecmp(l, name, nl) == 0 &&
		    l[nl] == ':') {
			const char *v = l + nl + 1;

			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)(e - v), v);
			return 1;
		}
		p = e;
	}
	return 0;
}

/* A Content-Length the fake believes: digits only, else none. */
static size_t
body_len(const char *s)
{
	size_t v = 0;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 6)
		return 0;
	for (; *s != '\0'; s++)
		v = v * 10 + (size_t)(*s - '0');
	return v < FAKE_MAX_REQ / 2 ? v : 0;
}

/*
 * Read one request (head and Content-Length body) from fd into b, which
 * may hold the start of the next one; 1 read (head NUL-terminated in
 * *head), 0 closed or stop.
 */
static int
read_req(struct fake *f, int fd, struct asy_buf *b, char **head,
    size_t *used)
{
	char chunk[8192], cl[32];
	size_t need;
	char *end;

	for (;;) {
		end = b->data != NULL ? strstr(b->data, "\r\n\r\n") : NULL;
		if (end != NULL)
			break;
		if (!wait_in(f, fd))
			return 0;
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);

		if (n <= 0 || asy_buf_add(b, chunk, (size_t)n) < 0)
			return 0;
	}
	need = (size_t)(end - b->data) + 4;
	*head = asy_strndup(b->data, need);
	if (*head == NULL)
		return 0;
	if (req_header(*head, "Content-Length", cl, sizeof(cl)))
		need += body_len(cl);
	while (b->len < need) {
		if (!wait_in(f, fd))
			return 0;
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);

		if (n <= 0 || asy_buf_add(b, chunk, (size_t)n) < 0)
			return 0;
	}
	*used = need;
	return 1;
}

static void
drop_front(struct asy_buf *b, size_t n)
{
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

static void
big_send(int fd, const char *prefix, char fill, size_t n)
{
	char chunk[16384];

	send_str(fd, prefix);
	memset(chunk, fill, sizeof(chunk));
	while (n > 0) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
		ssize_t w = send(fd, chunk, k, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		n -= (size_t)w;
	}
}

static const char ok_answer[] =
	"HTTP/1.1 200 OK\r\nServer: FakeHTTP/1.0\r\n"
	"Content-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n";

/* Answer one request; 0 to close the connection. */
static int
answer(struct fake *f, int fd, const char *head)
{
	char authz[512] = "", buf[256];

	req_header(head, "Authorization", authz, sizeof(authz));
	switch (f->mode) {
	case M_OK:
		send_str(fd, ok_answer);
		return 1;
	case M_CONTINUE:
		send_str(fd, "HTTP/1.1 100 Continue\r\nServer: Interim\r\n\r\n"
		    "HTTP/1.1 200 OK\r\nserver: Final\r\ncontent-length: 2"
		    "\r\n\r\nok");
		return 1;
	case M_REDIRECT:
		send_str(fd, "HTTP/1.1 301 Moved Permanently\r\n"
		    "Location: http://127.0.0.1:1/next\r\n"
		    "Content-Length: 0\r\n\r\n");
		return 1;
	case M_HOSTILE:
		send_str(fd, "HTTP/1.1 200 OK\r\n"
		    "Server: <script>alert(1)</script>\x01\x7f  \r\n"
		    "WWW-Authenticate: Basic realm=\"first\"\r\n"
		    "WWW-Authenticate: Digest realm=\"second\"\r\n"
		    "CONTENT-TYPE: text/html; charset=\"x\"\r\n"
		    "X-Nothing:\r\n");
		big_send(fd, "Location: /", 'L', 8000);
		send_str(fd, "\r\nContent-Length: 0\r\n\r\n");
		return 1;
	case M_BIGHEAD:
		send_str(fd, "HTTP/1.1 200 OK\r\n");
		for (int i = 0; i < 1024; i++) {
			snprintf(buf, sizeof(buf), "X-Junk-%d: ", i);
			big_send(fd, buf, 'j', 1000);
			send_str(fd, "\r\n");
		}
		send_str(fd, "Content-Length: 2\r\n\r\nok");
		return 0;
	case M_BIGBODY:
		big_send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10485760"
		    "\r\n\r\n", 'b', (size_t)10 << 20);
		return 0;
	case M_BODY_5000:
		big_send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n",
		    'c', 5000);
		return 1;
	case M_SHORT:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
		    "only ten..");
		return 0;
	case M_GARBAGE:
		send_all(fd, "\x00\xff\x13\x37garbage\r\n\x80\x81\r\n\r\n", 20);
		return 0;
	case M_CLOSE:
		return 0;
	case M_SILENT:
		wait_in(f, f->stop[0]);
		return 0;
	case M_AUTH:
		if (strcmp(authz, "Basic dXNlcjpwYXNz") == 0 ||
		    strcmp(authz, "Basic YWRtaW46w6Q6PjwiJw==") == 0)
			send_str(fd, ok_answer);
		else
			send_str(fd, "HTTP/1.1 401 Unauthorized\r\n"
			    "WWW-Authenticate: Basic realm=\"fake\"\r\n"
			    "Content-Length: 0\r\n\r\n");
		return 1;
	case M_CHUNKED:
		send_str(fd, "HTTP/1.1 200 OK\r\nServer: Chunky\r\n"
		    "Transfer-Encoding: chunked\r\nTrailer: Server\r\n\r\n"
		    "5\r\nhello\r\n0\r\nServer: Trailer\r\n\r\n");
		return 1;
	}
	return 0;
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;

	while (wait_in(f, f->lfd)) {
		struct asy_buf b;
		int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			continue;
		pthread_mutex_lock(&f->mu);
		f->conns++;
		pthread_mutex_unlock(&f->mu);
		asy_buf_init(&b, FAKE_MAX_REQ);
		for (;;) {
			char *head = NULL, *nl;
			size_t used = 0;
			int keep;

			if (!read_req(f, fd, &b, &head, &used))
				break;
			pthread_mutex_lock(&f->mu);
			f->reqs++;
			nl = strstr(head, "\r\n");
			snprintf(f->line, sizeof(f->line), "%.*s",
			    (int)(nl - head), head);
			f->authz[0] = '\0';
			req_header(head, "Authorization", f->authz,
			    sizeof(f->authz));
			req_header(head, "User-Agent", f->ua, sizeof(f->ua));
			pthread_mutex_unlock(&f->mu);
			keep = answer(f, fd, head);
			free(head);
			drop_front(&b, used);
			if (!keep)
				break;
		}
		asy_buf_release(&b);
		close(fd);
	}
	return NULL;
}

static int
listen_any(unsigned *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
fake_start(struct fake *f, enum mode mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->lfd = listen_any(&f->port);
	ck_assert_int_eq(pipe2(f->stop, O_CLOEXEC), 0);
	pthread_mutex_init(&f->mu, NULL);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f)
{
	ck_assert_int_eq(write(f->stop[1], "x", 1), 1);
	pthread_join(f->th, NULL);
	close(f->lfd);
	close(f->stop[0]);
	close(f->stop[1]);
	pthread_mutex_destroy(&f->mu);
}

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
static unsigned
closed_port(void)
{
	unsigned port;
	int fd = listen_any(&port);

	close(fd);
	return port;
}

static struct asy_http *
client(unsigned port, unsigned long timeout_ms, size_t max_body)
{
	struct asy_http_opts o = {
		.addr = "127.0.0.1",
		.port = port,
		.timeout_ms = timeout_ms,
		.max_body = max_body,
	};
	struct asy_http *h = NULL;

	ck_assert_int_eq(asy_http_new(&o, &h), 0);
	ck_assert_ptr_nonnull(h);
	return h;
}

static const char *
nn(const char *s)
{
	return s != NULL ? s : "(null)";
}

static void
assert_str_null(const char *what, const char *got, const char *want)
{
	ck_assert_msg((got == NULL && want == NULL) || (got != NULL &&
	    want != NULL && strcmp(got, want) == 0), "%s: got \"%s\", want "
	    "\"%s\"", what, nn(got), nn(want));
}

/* ---- a table of answers ------------------------------------------------- */

static const struct answer_case {
	const char	*name;
	enum mode	 mode;
	unsigned long	 timeout_ms;
	size_t		 max_body;
	int		 ret;
	long		 status;
	const char	*server;
	const char	*www_auth;
	const char	*location;	/* "@long": 4 KiB of a longer one */
	const char	*content_type;
	const char	*body;		/* NULL: not checked */
	size_t		 body_len;
	int		 body_cut;
	long long	 max_ms;
} answers[] = {
	{ "200", M_OK, 3000, 0, 0, 200, "FakeHTTP/1.0", NULL, NULL,
	  "text/plain", "hello\n", 6, 0, 3000 },
	{ "100-continue first", M_CONTINUE, 3000, 0, 0, 200, "Final", NULL,
	  NULL, NULL, "ok", 2, 0, 3000 },
	{ "redirect not followed", M_REDIRECT, 3000, 0, 0, 301, NULL, NULL,
	  "http://127.0.0.1:1/next", NULL, "", 0, 0, 3000 },
	{ "hostile header values", M_HOSTILE, 3000, 0, 0, 200,
	  "<script>alert(1)</script>\x01\x7f", "Basic realm=\"first\"",
	  "@long", "text/html; charset=\"x\"", "", 0, 0, 3000 },
	{ "chunked with a trailer", M_CHUNKED, 3000, 0, 0, 200, "Chunky",
	  NULL, NULL, NULL, "hello", 5, 0, 3000 },
	{ "body over the cap", M_BODY_5000, 3000, 4096, 0, 200, NULL, NULL,
	  NULL, NULL, NULL, 4096, 1, 3000 },
	{ "10 MiB body, cap 4 KiB", M_BIGBODY, 10000, 4096, 0, 200, NULL,
	  NULL, NULL, NULL, NULL, 4096, 1, 10000 },
	{ "body cut short", M_SHORT, 3000, 0, 0, 200, NULL, NULL, NULL,
	  NULL, "only ten..", 10, 0, 3000 },
	{ "binary garbage", M_GARBAGE, 3000, 0, ASY_E_PROTO, 0, NULL, NULL,
	  NULL, NULL, NULL, 0, 0, 3000 },
	{ "closed without answer", M_CLOSE, 3000, 0, ASY_E_CLOSED, 0, NULL,
	  NULL, NULL, NULL, NULL, 0, 0, 3000 },
	{ "silent server", M_SILENT, 700, 0, ASY_E_TIMEOUT, 0, NULL, NULL,
	  NULL, NULL, NULL, 0, 0, 2000 },
};

START_TEST(test_answers)
{
	const struct answer_case *c = &answers[_i];
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];
	long long t0;
	int ret;

	fake_start(&f, c->mode);
	h = client(f.port, c->timeout_ms, c->max_body);
	t0 = ut_now_ms();
	ret = asy_http_request(h, "GET", "/index.html", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why));
	ck_assert_msg(ret == c->ret, "%s: got %d (%s), want %d", c->name,
	    ret, why, c->ret);
	ck_assert_msg(ut_now_ms() - t0 <= c->max_ms, "%s: took %lld ms",
	    c->name, ut_now_ms() - t0);
	ck_assert_msg(why[0] != '\0', "%s: no why", c->name);
	if (ret < 0) {
		/* Nothing is filled, and releasing is still fine. */
		ck_assert_int_eq(r.status, 0);
		ck_assert_ptr_null(r.server);
		ck_assert_ptr_null(r.body.data);
		asy_http_resp_release(&r);
		goto done;
	}
	ck_assert_int_eq(r.status, c->status);
	assert_str_null("server", r.server, c->server);
	assert_str_null("www_auth", r.www_auth, c->www_auth);
	if (c->location != NULL && strcmp(c->location, "@long") == 0) {
		ck_assert_ptr_nonnull(r.location);
		ck_assert_uint_eq(strlen(r.location), 4096);
		ck_assert_int_eq(r.location[0], '/');
		ck_assert_int_eq(r.location[4095], 'L');
	} else {
		assert_str_null("location", r.location, c->location);
	}
	assert_str_null("content_type", r.content_type, c->content_type);
	/* On success the body is a string, even when empty. */
	ck_assert_ptr_nonnull(r.body.data);
	ck_assert_uint_eq(r.body.len, c->body_len);
	if (c->body != NULL)
		ck_assert_mem_eq(r.body.data, c->body, c->body_len);
	ck_assert_int_eq(r.body_cut, c->body_cut);
	/* The caps bound the memory as well as the length. */
	ck_assert_uint_le(r.body.alloc, r.body.max + 1);
	ck_assert_uint_le(r.headers.len, 16384);
	ck_assert_uint_le(r.headers.alloc, 16385);
	ck_assert_int_eq(r.new_conn, 1);
	ck_assert_msg(r.seconds >= 0 && r.seconds < 20, "seconds %f",
	    r.seconds);
	/* The header block is the last response's, status line first. */
	ck_assert_ptr_nonnull(r.headers.data);
	ck_assert_msg(strncmp(r.headers.data, "HTTP/1.1 ", 9) == 0, "%s",
	    r.headers.data);
	ck_assert_ptr_null(strstr(r.headers.data, "Interim"));
	ck_assert_ptr_null(strstr(r.headers.data, "Server: Trailer"));
	asy_http_resp_release(&r);
	asy_http_resp_release(&r);
done:
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

/* A 1 MiB header block: bounded either way, never kept whole. */
START_TEST(test_huge_header_block)
{
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];
	int ret;

	fake_start(&f, M_BIGHEAD);
	h = client(f.port, 5000, 0);
	ret = asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE, NULL, NULL,
	    NULL, NULL, 0, &r, why, sizeof(why));
	ck_assert_msg(ret == ASY_E_PROTO, "got %d (%s)", ret, why);
	ck_assert_ptr_null(r.headers.data);
	asy_http_resp_release(&r);
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

/* ---- authentication ----------------------------------------------------- */

static const struct auth_case {
	enum asy_http_auth	 auth;
	const char		*user, *pass;
	long			 status;
	const char		*decoded;	/* server got, or NULL */
} auth_cases[] = {
	{ ASY_HTTP_AUTH_NONE, NULL, NULL, 401, NULL },
	{ ASY_HTTP_AUTH_BASIC, "user", "pass", 200, "user:pass" },
	{ ASY_HTTP_AUTH_ANY, "user", "pass", 200, "user:pass" },
	{ ASY_HTTP_AUTH_BASIC, "user", "wrong", 401, "user:wrong" },
	{ ASY_HTTP_AUTH_BASIC, "admin", "\xc3\xa4:><\"'", 200,
	  "admin:\xc3\xa4:><\"'" },
};

START_TEST(test_auth)
{
	const struct auth_case *c = &auth_cases[_i];
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	unsigned char dec[512];
	char why[256];
	int ret, n;

	fake_start(&f, M_AUTH);
	h = client(f.port, 3000, 0);
	/* Without credentials first: the challenge. */
	ret = asy_http_request(h, "GET", "/admin/", ASY_HTTP_AUTH_NONE, NULL,
	    NULL, NULL, NULL, 0, &r, why, sizeof(why));
	ck_assert_msg(ret == 0, "%s", why);
	ck_assert_int_eq(r.status, 401);
	assert_str_null("www_auth", r.www_auth, "Basic realm=\"fake\"");
	asy_http_resp_release(&r);
	ret = asy_http_request(h, "GET", "/admin/", c->auth, c->user,
	    c->pass, NULL, NULL, 0, &r, why, sizeof(why));
	ck_assert_msg(ret == 0, "%s", why);
	ck_assert_int_eq(r.status, c->status);
	pthread_mutex_lock(&f.mu);
	if (c->decoded == NULL) {
		ck_assert_str_eq(f.authz, "");
	} else {
		ck_assert_msg(strncmp(f.authz, "Basic ", 6) == 0, "%s",
		    f.authz);
		n = EVP_DecodeBlock(dec, (const unsigned char *)f.authz + 6,
		    (int)strlen(f.authz + 6));
		ck_assert_int_ge(n, (int)strlen(c->decoded));
		ck_assert_mem_eq(dec, c->decoded, strlen(c->decoded));
	}
	/* The credentials are never in the request line. */
	ck_assert_ptr_null(strstr(f.line, "pass"));
	pthread_mutex_unlock(&f.mu);
	asy_http_resp_release(&r);
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

/* ---- connections, targets, proxies -------------------------------------- */

START_TEST(test_keepalive)
{
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];

	fake_start(&f, M_OK);
	h = client(f.port, 3000, 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(asy_http_request(h, "GET", "/", i == 1 ?
		    ASY_HTTP_AUTH_BASIC : ASY_HTTP_AUTH_NONE, "u", "p", NULL,
		    NULL, 0, &r, why, sizeof(why)), 0);
		ck_assert_int_eq(r.status, 200);
		ck_assert_int_eq(r.new_conn, i == 0);
		asy_http_resp_release(&r);
	}
	pthread_mutex_lock(&f.mu);
	ck_assert_int_eq(f.conns, 1);
	ck_assert_int_eq(f.reqs, 3);
	/* The second request's credentials did not stick to the third. */
	ck_assert_str_eq(f.authz, "");
	pthread_mutex_unlock(&f.mu);
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

/* A body far over the cap closes the connection; one a little over does
 * not. */
START_TEST(test_keepalive_after_cut)
{
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];

	fake_start(&f, M_BODY_5000);
	h = client(f.port, 3000, 4096);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(asy_http_request(h, "GET", "/",
		    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &r, why,
		    sizeof(why)), 0);
		ck_assert_int_eq(r.body_cut, 1);
		ck_assert_int_eq(r.new_conn, i == 0);
		asy_http_resp_release(&r);
	}
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

static const struct target_case {
	const char	*method;
	const char	*target;
	const char	*line;
	const char	*body;
} targets[] = {
	{ "GET", "/status.json?x=%zz", "GET /status.json?x=%zz HTTP/1.1",
	  NULL },
	{ "GET", "/../../etc/passwd", "GET /../../etc/passwd HTTP/1.1",
	  NULL },
	{ "GET", "*", "GET * HTTP/1.1", NULL },
	{ "OPTIONS", "/a%00b", "OPTIONS /a%00b HTTP/1.1", NULL },
	{ "POST", "/form", "POST /form HTTP/1.1", "a=1&b=2" },
	{ "DELETE", "/x?<script>", "DELETE /x?<script> HTTP/1.1", NULL },
};

START_TEST(test_target_verbatim)
{
	const struct target_case *c = &targets[_i];
	const char *hdrs[] = { "X-Assay: yes", NULL };
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];

	fake_start(&f, M_OK);
	h = client(f.port, 3000, 0);
	ck_assert_int_eq(asy_http_request(h, c->method, c->target,
	    ASY_HTTP_AUTH_NONE, NULL, NULL, hdrs, c->body, c->body != NULL ?
	    strlen(c->body) : 0, &r, why, sizeof(why)), 0);
	ck_assert_int_eq(r.status, 200);
	pthread_mutex_lock(&f.mu);
	ck_assert_str_eq(f.line, c->line);
	ck_assert_msg(strncmp(f.ua, "assay/", 6) == 0, "%s", f.ua);
	pthread_mutex_unlock(&f.mu);
	asy_http_resp_release(&r);
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

START_TEST(test_no_proxy)
{
	static const char *const vars[] = { "http_proxy", "HTTP_PROXY",
	    "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	struct asy_http_resp r;
	struct asy_http *h;
	struct fake f;
	char why[256];

	for (size_t i = 0; i < ASY_ELEMENTSOF(vars); i++)
		setenv(vars[i], "http://127.0.0.1:1", 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	fake_start(&f, M_OK);
	h = client(f.port, 3000, 0);
	ck_assert_msg(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(r.status, 200);
	pthread_mutex_lock(&f.mu);
	ck_assert_int_eq(f.reqs, 1);
	/* A proxy would have been sent an absolute URL. */
	ck_assert_str_eq(f.line, "GET / HTTP/1.1");
	pthread_mutex_unlock(&f.mu);
	asy_http_resp_release(&r);
	asy_http_free(h);
	fake_stop(&f);
}
END_TEST

START_TEST(test_refused)
{
	struct asy_http_resp r;
	struct asy_http *h;
	char why[256];
	long long t0 = ut_now_ms();

	h = client(closed_port(), 3000, 0);
	ck_assert_int_eq(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)), ASY_E_REFUSED);
	ck_assert_int_lt(ut_now_ms() - t0, 2000);
	ck_assert_msg(why[0] != '\0', "no why");
	asy_http_resp_release(&r);
	asy_http_free(h);
}
END_TEST

START_TEST(test_bad_args)
{
	static const struct asy_http_opts bad[] = {
		{ .addr = "localhost", .port = 80 },
		{ .addr = "10.0.0.1.2", .port = 80 },
		{ .addr = "127.0.0.1", .port = 0 },
		{ .addr = "127.0.0.1", .port = 65536 },
		{ .addr = NULL, .port = 80 },
	};
	const char *crlf[] = { "X-A: b\r\nX-Injected: 1", NULL };
	struct asy_http_resp r;
	struct asy_http *h = NULL;
	char why[256];

	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++) {
		ck_assert_int_eq(asy_http_new(&bad[i], &h), ASY_E_INPUT);
		ck_assert_ptr_null(h);
	}
	h = client(closed_port(), 1000, 0);
	ck_assert_int_eq(asy_http_request(h, "GE T", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_http_request(h, "GET", "/\r\nX: y",
	    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &r, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_http_request(h, "GET", "", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, crlf, NULL, 0, &r, why, sizeof(why)), ASY_E_INPUT);
	asy_http_resp_release(&r);
	asy_http_free(h);
	asy_http_free(NULL);
	asy_http_resp_release(NULL);
	ck_assert_ptr_nonnull(strstr(asy_http_version(), "libcurl/"));
}
END_TEST

/* IPv6 loopback, when the machine has it. */
START_TEST(test_ipv6)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct asy_http_opts o = { .addr = "::1", .timeout_ms = 2000 };
	struct asy_http_resp r;
	struct asy_http *h = NULL;
	socklen_t len = sizeof(s6);
	char why[256], buf[512];
	int fd, c;
	ssize_t n;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s6.sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)&s6, sizeof(s6)) < 0) {
		fprintf(stderr, "# no IPv6 loopback, skipped\n");
		if (fd >= 0)
			close(fd);
		return;
	}
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&s6, &len), 0);
	o.port = ntohs(s6.sin6_port);
	ck_assert_int_eq(asy_http_new(&o, &h), 0);
	/* One answer, given in a child so that the request can block. */
	if (fork() == 0) {
		c = accept(fd, NULL, NULL);
		n = recv(c, buf, sizeof(buf), 0);
		if (n > 0)
			send_str(c, ok_answer);
		close(c);
		_exit(0);
	}
	ck_assert_int_eq(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)), 0);
	ck_assert_int_eq(r.status, 200);
	asy_http_resp_release(&r);
	asy_http_free(h);
	close(fd);
	wait(NULL);
}
END_TEST

/* ---- raw requests ------------------------------------------------------- */

static const struct raw_case {
	const char	*name;
	enum mode	 mode;
	size_t		 cap;
	int		 ret;
	long		 status;
	long long	 max_ms;
} raws[] = {
	{ "answer", M_OK, 4096, 1, 200, 2000 },
	{ "not HTTP", M_GARBAGE, 4096, 1, 0, 2000 },
	{ "closed", M_CLOSE, 4096, 0, 0, 2000 },
	{ "silent", M_SILENT, 4096, ASY_E_TIMEOUT, 0, 2000 },
	{ "10 MiB into 8 KiB", M_BIGBODY, 8192, 1, 200, 3000 },
};

START_TEST(test_raw)
{
	const struct raw_case *c = &raws[_i];
	static const char req[] = "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: -1\r\n\r\nabc";
	struct asy_buf b;
	struct fake f;
	char why[256];
	long status = -1;
	long long t0;
	int ret;

	fake_start(&f, c->mode);
	asy_buf_init(&b, c->cap);
	t0 = ut_now_ms();
	ret = asy_http_raw("127.0.0.1", f.port, 0, req, sizeof(req) - 1,
	    1000, &b, &status, why, sizeof(why));
	ck_assert_msg(ret == c->ret, "%s: got %d (%s)", c->name, ret, why);
	ck_assert_int_eq(status, c->status);
	ck_assert_msg(ut_now_ms() - t0 <= c->max_ms, "%s: %lld ms", c->name,
	    ut_now_ms() - t0);
	ck_assert_uint_le(b.len, c->cap);
	if (c->ret == 1)
		ck_assert_uint_gt(b.len, 0);
	asy_buf_release(&b);
	fake_stop(&f);
}
END_TEST

START_TEST(test_raw_refused)
{
	struct asy_buf b;
	char why[256];
	long status = -1;

	asy_buf_init(&b, 1024);
	ck_assert_int_eq(asy_http_raw("127.0.0.1", closed_port(), 0, "x", 1,
	    1000, &b, &status, why, sizeof(why)), ASY_E_REFUSED);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(asy_http_raw("localhost", 80, 0, "x", 1, 1000, &b,
	    &status, why, sizeof(why)), ASY_E_INPUT);
	asy_buf_release(&b);
}
END_TEST

/* ---- a real lighttpd ---------------------------------------------------- */

static const char *
find_prog(const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Wait until something accepts on 127.0.0.1:port; 1 when it does. */
static int
wait_port(unsigned port, int ms)
{
	long long end = ut_now_ms() + ms;

	while (ut_now_ms() < end) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		struct pollfd p = { .fd = -1 };
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		sin.sin_port = htons((unsigned short)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			close(fd);
			return 1;
		}
		close(fd);
		poll(&p, 0, 50);
	}
	return 0;
}

START_TEST(test_lighttpd)
{
	static const char *const paths[] = { "/usr/sbin/lighttpd",
	    "/usr/bin/lighttpd", "/usr/local/sbin/lighttpd" };
	const char *prog = find_prog(paths, ASY_ELEMENTSOF(paths));
	const char *tout = find_prog((const char *const[]){ "/usr/bin/timeout",
	    "/bin/timeout" }, 2);
	struct asy_http_resp r;
	struct asy_http *h;
	struct asy_buf conf;
	char *dir, *www, *adm, *cf, *users, why[256];
	unsigned port;
	pid_t pid;
	int status;

	if (prog == NULL || tout == NULL) {
		fprintf(stderr, "# lighttpd or timeout not installed, "
		    "skipped\n");
		return;
	}
	dir = ut_tmpdir();
	www = asy_path_join(dir, "www");
	adm = asy_path_join(www, "admin");
	cf = asy_path_join(dir, "lighttpd.conf");
	users = asy_path_join(dir, "users");
	ck_assert_int_eq(asy_mkdir_p(adm, 0755), 0);
	ut_write_str(users, "admin:secret\n");
	{
		char *p = asy_path_join(www, "index.html");

		ut_write_str(p, "<p>hello</p>\n");
		free(p);
		p = asy_path_join(adm, "index.html");
		ut_write_str(p, "admin\n");
		free(p);
	}
	port = closed_port();
	asy_buf_init(&conf, 8192);
	ck_assert_int_eq(asy_buf_printf(&conf,
	    "server.modules = ( \"mod_access\", \"mod_auth\", "
	    "\"mod_authn_file\" )\n"
	    "server.document-root = \"%s\"\n"
	    "server.bind = \"127.0.0.1\"\n"
	    "server.port = %u\n"
	    "server.errorlog = \"%s/error.log\"\n"
	    "index-file.names = ( \"index.html\" )\n"
	    "mimetype.assign = ( \".html\" => \"text/html\" )\n"
	    "auth.backend = \"plain\"\n"
	    "auth.backend.plain.userfile = \"%s\"\n"
	    "auth.require = ( \"/admin/\" => ( \"method\" => \"basic\", "
	    "\"realm\" => \"assay\", \"require\" => \"valid-user\" ) )\n",
	    www, port, dir, users), 0);
	ut_write(cf, conf.data, conf.len);
	asy_buf_release(&conf);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { (char *)tout, "60", (char *)prog, "-D", "-f",
		    cf, NULL };
		int nul = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(nul, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (!wait_port(port, 5000)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ck_abort_msg("lighttpd did not start on port %u", port);
	}
	h = client(port, 3000, 0);
	ck_assert_msg(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &r, why, sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(r.server);
	ck_assert_msg(strncmp(r.server, "lighttpd", 8) == 0, "%s", r.server);
	ck_assert_str_eq(r.body.data, "<p>hello</p>\n");
	ck_assert_str_eq(r.content_type, "text/html");
	ck_assert_int_eq(r.new_conn, 1);
	asy_http_resp_release(&r);
	ck_assert_int_eq(asy_http_request(h, "GET", "/admin/",
	    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &r, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(r.www_auth);
	ck_assert_msg(strncmp(r.www_auth, "Basic", 5) == 0, "%s", r.www_auth);
	asy_http_resp_release(&r);
	ck_assert_int_eq(asy_http_request(h, "GET", "/admin/",
	    ASY_HTTP_AUTH_ANY, "admin", "secret", NULL, NULL, 0, &r, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.data, "admin\n");
	asy_http_resp_release(&r);
	ck_assert_int_eq(asy_http_request(h, "GET", "/nothing-here",
	    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &r, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_int_eq(r.new_conn, 0);
	asy_http_resp_release(&r);
	asy_http_free(h);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	free(www);
	free(adm);
	free(cf);
	free(users);
	free(dir);
}
END_TEST

/* asy_http_raw over TLS: openssl s_server -www on 127.0.0.1. */
START_TEST(test_raw_tls)
{
	static const char *const paths[] = { "/usr/bin/openssl",
	    "/usr/local/bin/openssl" };
	const char *prog = find_prog(paths, ASY_ELEMENTSOF(paths));
	const char *tout = find_prog((const char *const[]){ "/usr/bin/timeout",
	    "/bin/timeout" }, 2);
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	char *dir, *key, *crt, *out, *err, acc[32], why[256];
	struct asy_buf b;
	unsigned port;
	long status = -1;
	pid_t pid;
	int st, ret;

	if (prog == NULL || tout == NULL) {
		fprintf(stderr, "# openssl or timeout not installed, "
		    "skipped\n");
		return;
	}
	dir = ut_tmpdir();
	key = asy_path_join(dir, "key.pem");
	crt = asy_path_join(dir, "cert.pem");
	out = asy_path_join(dir, "out");
	err = asy_path_join(dir, "err");
	{
		char *argv[] = { (char *)prog, "req", "-x509", "-newkey", "ec",
		    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		    "-keyout", key, "-out", crt, "-days", "1", "-subj",
		    "/CN=assay-test", NULL };

		ck_assert_int_eq(ut_spawn(argv, out, err, 20000), 0);
	}
	port = closed_port();
	snprintf(acc, sizeof(acc), "127.0.0.1:%u", port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { (char *)tout, "60", (char *)prog, "s_server",
		    "-accept", acc, "-cert", crt, "-key", key, "-www", "-quiet",
		    NULL };
		int nul = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (!wait_port(port, 5000)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("openssl s_server did not start on port %u", port);
	}
	asy_buf_init(&b, 4096);
	ret = asy_http_raw("127.0.0.1", port, 1, req, sizeof(req) - 1, 3000,
	    &b, &status, why, sizeof(why));
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	ck_assert_msg(ret == 1, "got %d (%s)", ret, why);
	ck_assert_int_eq(status, 200);
	ck_assert_uint_le(b.len, 4096);
	asy_buf_release(&b);
	free(key);
	free(crt);
	free(out);
	free(err);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("httpc");
	TCase *t = tcase_create("answers");
	TCase *c = tcase_create("client");
	TCase *raw = tcase_create("raw");
	TCase *real = tcase_create("lighttpd");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(t, 30);
	tcase_add_loop_test(t, test_answers, 0, (int)ASY_ELEMENTSOF(answers));
	tcase_add_test(t, test_huge_header_block);
	tcase_set_timeout(c, 30);
	tcase_add_loop_test(c, test_auth, 0, (int)ASY_ELEMENTSOF(auth_cases));
	tcase_add_test(c, test_keepalive);
	tcase_add_test(c, test_keepalive_after_cut);
	tcase_add_loop_test(c, test_target_verbatim, 0,
	    (int)ASY_ELEMENTSOF(targets));
	tcase_add_test(c, test_no_proxy);
	tcase_add_test(c, test_refused);
	tcase_add_test(c, test_bad_args);
	tcase_add_test(c, test_ipv6);
	tcase_set_timeout(raw, 30);
	tcase_add_loop_test(raw, test_raw, 0, (int)ASY_ELEMENTSOF(raws));
	tcase_add_test(raw, test_raw_refused);
	tcase_set_timeout(real, 30);
	tcase_add_test(real, test_lighttpd);
	tcase_add_test(real, test_raw_tls);
	suite_add_tcase(s, t);
	suite_add_tcase(s, c);
	suite_add_tcase(s, raw);
	suite_add_tcase(s, real);
	return ut_main(s);
}
