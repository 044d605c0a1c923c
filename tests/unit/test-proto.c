/*
 * The FTP login client (harness/ftpc.h) and the RTSP side of the HTTP
 * adapter (harness/httpc.h, asy_http_opts.rtsp) against fake servers on
 * loopback: accepting, refusing, anonymous, 230 without a password, 332,
 * 421, multi-line replies, Basic and Digest (checked by the fake with its
 * own MD5 from libcrypto), a stream open to anyone, hostile long lines,
 * answers that are not the protocol, early closes, CSeq order and one
 * connection for several attempts; then the guessing engine driving both
 * as testcases/tclib.c does (found pair, reconnects, counts).
 */
#include "ut.h"

#include <openssl/evp.h>
#include <pthread.h>

#include "ftpc.h"
#include "guess.h"
#include "httpc.h"

#define TMO	5000UL

/* ---- a fake server: one connection at a time, a handler each ------------ */

struct fsrv;

/* One connection, served on its own thread. */
struct fconn {
	struct fsrv	*s;
	int		 fd;
	pthread_t	 th;
};

struct fsrv {
	int		 lfd;
	int		 stop[2];
	unsigned	 port;
	pthread_t	 th;
	pthread_mutex_t	 mu;		/* the counters below */
	struct fconn	 c[32];
	size_t		 n_c;
	void		(*serve)(struct fsrv *, int);
	const void	*cfg;
	/* What the server saw (read after the thread ended). */
	unsigned	 conns, users, requests;
	long		 cseq[64];
	size_t		 n_cseq;
};

/* Wait for fd or the stop pipe: 1 ready, 0 timeout, -1 stop. */
static int
fs_wait(struct fsrv *s, int fd, short ev, int ms)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = ev },
		{ .fd = s->stop[0], .events = POLLIN },
	};
	int n;

	do
		n = poll(p, 2, ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	return p[1].revents != 0 ? -1 : 1;
}

static void
fs_send(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
fs_puts(int fd, const char *p)
{
	fs_send(fd, p, strlen(p));
}

/* Read up to and including the end mark (one of "\n", "\r\n\r\n") into
 * buf: 0, or -1 when the peer closed, the server stops, or it is full. */
static int
fs_read_until(struct fsrv *s, int fd, char *buf, size_t len,
    const char *end)
{
	size_t n = 0, el = strlen(end);

	while (n + 1 < len) {
		if (fs_wait(s, fd, POLLIN, 5000) <= 0)
			return -1;
		if (recv(fd, buf + n, 1, 0) != 1)
			return -1;
		n++;
		buf[n] = '\0';
		if (n >= el && memcmp(buf + n - el, end, el) == 0)
			return 0;
	}
	return -1;
}

static void *
fs_conn_main(void *arg)
{
	struct fconn *c = arg;

	c->s->serve(c->s, c->fd);
	close(c->fd);
	return NULL;
}

static void *
fs_main(void *arg)
{
	struct fsrv *s = arg;

	while (s->n_c < ASY_ELEMENTSOF(s->c)) {
		struct fconn *c = &s->c[s->n_c];

		if (fs_wait(s, s->lfd, POLLIN, 20000) <= 0)
			break;
		c->fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c->fd < 0)
			continue;
		c->s = s;
		pthread_mutex_lock(&s->mu);
		s->conns++;
		pthread_mutex_unlock(&s->mu);
		if (pthread_create(&c->th, NULL, fs_conn_main, c) != 0) {
			close(c->fd);
			continue;
		}
		s->n_c++;
	}
	for (size_t i = 0; i < s->n_c; i++)
		pthread_join(s->c[i].th, NULL);
	return NULL;
}

static void
fs_start(struct fsrv *s, void (*serve)(struct fsrv *, int), const void *cfg)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->serve = serve;
	s->cfg = cfg;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(pipe2(s->stop, O_CLOEXEC), 0);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s->lfd, 0);
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s->lfd, 16), 0);
	ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s->th, NULL, fs_main, s), 0);
}

static void
fs_stop(struct fsrv *s)
{
	ck_assert_int_eq(write(s->stop[1], "x", 1), 1);
	pthread_join(s->th, NULL);
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->mu);
}

/* ---- FTP ------------------------------------------------------------------ */

struct ftpcfg {
	const char	*greeting;	/* NULL: close at once */
	const char	*user, *pass;	/* the account */
	int		 anon;		/* anonymous accepted */
	int		 max_fails;	/* hang up after so many 530s */
	const char	*on_user;	/* instead of the reply to USER */
	const char	*on_pass;	/* instead of the reply to PASS */
};

static void
ftp_serve(struct fsrv *s, int fd)
{
	const struct ftpcfg *c = s->cfg;
	char line[512], user[256] = "";
	int fails = 0;

	if (c->greeting == NULL)
		return;
	fs_puts(fd, c->greeting);
	while (fs_read_until(s, fd, line, sizeof(line), "\n") == 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "USER ", 5) == 0) {
			pthread_mutex_lock(&s->mu);
			s->users++;
			pthread_mutex_unlock(&s->mu);
			if (c->on_user != NULL && *c->on_user == '\0')
				return;
			snprintf(user, sizeof(user), "%.255s", line + 5);
			fs_puts(fd, c->on_user != NULL ? c->on_user :
			    "331 Please specify the password.\r\n");
		} else if (strncmp(line, "PASS ", 5) == 0) {
			int ok = (c->anon && strcmp(user, "anonymous") == 0) ||
			    (strcmp(user, c->user) == 0 &&
			    strcmp(line + 5, c->pass) == 0);

			if (c->on_pass != NULL) {
				fs_puts(fd, c->on_pass);
			} else if (ok) {
				fs_puts(fd, "230-Welcome\r\n230 Login "
				    "successful.\r\n");
			} else {
				fs_puts(fd, "530 Login incorrect.\r\n");
				if (c->max_fails > 0 && ++fails >= c->max_fails)
					return;
			}
		} else if (strncmp(line, "QUIT", 4) == 0) {
			fs_puts(fd, "221 Goodbye.\r\n");
			return;
		} else {
			fs_puts(fd, "500 Unknown command.\r\n");
		}
	}
}

#define HELLO	"220 (vsFTPd 3.0.3)\r\n"

static char long_line[4000];
static char many_lines[80 * 12 + 32];

static void
make_hostile(void)
{
	size_t n = 0;

	memset(long_line, 'A', sizeof(long_line) - 3);
	memcpy(long_line, "220 ", 4);
	memcpy(long_line + sizeof(long_line) - 3, "\r\n", 3);
	n += (size_t)snprintf(many_lines, sizeof(many_lines), "220-hi\r\n");
	for (int i = 0; i < 79; i++)
		n += (size_t)snprintf(many_lines + n, sizeof(many_lines) - n,
		    " line %d\r\n", i);
	snprintf(many_lines + n, sizeof(many_lines) - n, "220 end\r\n");
}

static const struct {
	const char	*name;
	struct ftpcfg	 cfg;
	int		 open;		/* asy_ftp_open's result */
	const char	*user, *pass;
	int		 login;		/* asy_ftp_login's result */
	int		 code;		/* the last reply's code */
} ftp_cases[] = {
	{ "accepted", { HELLO, "admin", "admin", 0, 0, NULL, NULL }, 0,
	  "admin", "admin", 1, 230 },
	{ "refused", { HELLO, "admin", "admin", 0, 0, NULL, NULL }, 0,
	  "admin", "wrong", 0, 530 },
	{ "unknown user refused at USER", { HELLO, "admin", "admin", 0, 0,
	  "530 This FTP server is anonymous only.\r\n", NULL }, 0, "root",
	  "x", 0, 530 },
	{ "multi-line greeting", { "220-Welcome\r\n220-to the camera\r\n"
	  "220 ready\r\n", "admin", "admin", 0, 0, NULL, NULL }, 0, "admin",
	  "admin", 1, 230 },
	{ "120 first", { "120 ready in 1 minute\r\n" HELLO, "admin", "admin",
	  0, 0, NULL, NULL }, 0, "admin", "admin", 1, 230 },
	{ "anonymous accepted", { HELLO, "admin", "admin", 1, 0, NULL, NULL },
	  0, "anonymous", "assay@example.invalid", 1, 230 },
	{ "anonymous refused", { HELLO, "admin", "admin", 0, 0, NULL, NULL },
	  0, "anonymous", "assay@example.invalid", 0, 530 },
	{ "230 without a password", { HELLO, "admin", "admin", 0, 0,
	  "230 Already logged in.\r\n", NULL }, 0, "admin", "x", 1, 230 },
	{ "332 to PASS", { HELLO, "admin", "admin", 0, 0, NULL,
	  "332 Need account for login.\r\n" }, 0, "admin", "admin", 1, 332 },
	{ "332 to USER", { HELLO, "admin", "admin", 0, 0,
	  "332 Need account.\r\n", NULL }, 0, "admin", "admin", ASY_E_PROTO,
	  332 },
	{ "421 to USER", { HELLO, "admin", "admin", 0, 0,
	  "421 Too many users.\r\n", NULL }, 0, "admin", "admin",
	  ASY_E_CLOSED, 421 },
	{ "not FTP after USER", { HELLO, "admin", "admin", 0, 0,
	  "HTTP/1.1 400 Bad Request\r\n", NULL }, 0, "admin", "admin",
	  ASY_E_PROTO, 220 },
	{ "closed after USER", { HELLO, "admin", "admin", 0, 0, "", NULL },
	  0, "admin", "admin", ASY_E_CLOSED, 220 },
	{ "421 greeting", { "421 Too many connections.\r\n", "a", "b", 0, 0,
	  NULL, NULL }, ASY_E_REFUSED, NULL, NULL, 0, 0 },
	{ "530 greeting", { "530 Go away.\r\n", "a", "b", 0, 0, NULL, NULL },
	  ASY_E_REFUSED, NULL, NULL, 0, 0 },
	{ "SSH banner", { "SSH-2.0-dropbear\r\n", "a", "b", 0, 0, NULL,
	  NULL }, ASY_E_PROTO, NULL, NULL, 0, 0 },
	{ "200 greeting", { "200 What?\r\n", "a", "b", 0, 0, NULL, NULL },
	  ASY_E_PROTO, NULL, NULL, 0, 0 },
	{ "long line", { long_line, "a", "b", 0, 0, NULL, NULL },
	  ASY_E_PROTO, NULL, NULL, 0, 0 },
	{ "too many lines", { many_lines, "a", "b", 0, 0, NULL, NULL },
	  ASY_E_PROTO, NULL, NULL, 0, 0 },
	{ "closed at once", { NULL, "a", "b", 0, 0, NULL, NULL },
	  ASY_E_CLOSED, NULL, NULL, 0, 0 },
};

START_TEST(test_ftp_login)
{
	struct fsrv s;
	struct asy_ftp *f = NULL;
	struct asy_buf t;
	char why[200] = "";
	int r;

	make_hostile();
	asy_buf_init(&t, 64 << 10);
	fs_start(&s, ftp_serve, &ftp_cases[_i].cfg);
	r = asy_ftp_open("127.0.0.1", s.port, TMO, &t, &f, why, sizeof(why));
	ck_assert_msg(r == ftp_cases[_i].open, "%s: open %d (%s), want %d",
	    ftp_cases[_i].name, r, why, ftp_cases[_i].open);
	if (r == 0) {
		r = asy_ftp_login(f, ftp_cases[_i].user, ftp_cases[_i].pass,
		    TMO);
		ck_assert_msg(r == ftp_cases[_i].login, "%s: login %d, want "
		    "%d", ftp_cases[_i].name, r, ftp_cases[_i].login);
		ck_assert_int_eq(asy_ftp_code(f), ftp_cases[_i].code);
		/* The password never reaches the transcript. */
		if (ftp_cases[_i].pass != NULL) {
			char pl[128];

			snprintf(pl, sizeof(pl), "PASS %s", ftp_cases[_i].pass);
			ck_assert_ptr_null(strstr(t.data, pl));
		}
	} else {
		ck_assert_ptr_null(f);
		ck_assert_str_ne(why, "");
		for (const char *p = why; *p != '\0'; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 &&
			    (unsigned char)*p < 0x7f, "why is not escaped");
	}
	asy_ftp_close(f);
	fs_stop(&s);
	asy_buf_release(&t);
}
END_TEST

/* A refusal keeps the connection: the next pair goes over it. */
START_TEST(test_ftp_retry_same_conn)
{
	static const struct ftpcfg c = { HELLO, "admin", "admin", 0, 0, NULL,
	    NULL };
	struct fsrv s;
	struct asy_ftp *f = NULL;
	char why[200];

	fs_start(&s, ftp_serve, &c);
	ck_assert_int_eq(asy_ftp_open("127.0.0.1", s.port, TMO, NULL, &f,
	    why, sizeof(why)), 0);
	ck_assert_int_eq(asy_ftp_login(f, "admin", "1234", TMO), 0);
	ck_assert_int_eq(asy_ftp_login(f, "root", "root", TMO), 0);
	ck_assert_int_eq(asy_ftp_login(f, "admin", "admin", TMO), 1);
	asy_ftp_close(f);
	fs_stop(&s);
	ck_assert_uint_eq(s.conns, 1);
	ck_assert_uint_eq(s.users, 3);
}
END_TEST

/* Control bytes in a reply are not passed on; CR/LF in a name are not
 * sent. */
START_TEST(test_ftp_escape_and_input)
{
	static const struct ftpcfg c = { "220 \x1b[31mred\x07 camera\r\n",
	    "admin", "admin", 0, 0, NULL, NULL };
	struct fsrv s;
	struct asy_ftp *f = NULL;
	struct asy_buf t;
	char why[200];

	asy_buf_init(&t, 4096);
	fs_start(&s, ftp_serve, &c);
	ck_assert_int_eq(asy_ftp_open("127.0.0.1", s.port, TMO, &t, &f, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(asy_ftp_text(f), "?[31mred? camera");
	ck_assert_ptr_null(strchr(t.data, '\x1b'));
	ck_assert_int_eq(asy_ftp_login(f, "admin\r\nDELE x", "a", TMO),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_ftp_login(f, "admin", "a\nb", TMO), ASY_E_INPUT);
	asy_ftp_close(f);
	fs_stop(&s);
	ck_assert_uint_eq(s.users, 0);
	asy_buf_release(&t);
}
END_TEST

/* A server that never greets: a timeout, not a refusal. */
START_TEST(test_ftp_silent)
{
	static const struct ftpcfg c = { "", "a", "b", 0, 0, NULL, NULL };
	struct fsrv s;
	struct asy_ftp *f = NULL;
	char why[200];

	fs_start(&s, ftp_serve, &c);
	ck_assert_int_eq(asy_ftp_open("127.0.0.1", s.port, 300, NULL, &f, why,
	    sizeof(why)), ASY_E_TIMEOUT);
	ck_assert_ptr_null(f);
	fs_stop(&s);
}
END_TEST

/* ---- RTSP ----------------------------------------------------------------- */

enum rmode { R_BASIC, R_DIGEST, R_OPEN };

struct rtspcfg {
	enum rmode	 mode;
	const char	*user, *pass;
	unsigned	 close_after;	/* requests on a connection; 0 no cap */
	const char	*raw;		/* sent instead of any answer, then
					   the connection closes */
	size_t		 raw_len;
};

#define REALM	"LC20"
#define NONCE	"5f2a0c1e9b"
#define SDP	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=LC20\r\nm=video 0 " \
		"RTP/AVP 96\r\n"

/* The value of "name: " in a request head, cut at its line end. */
static void
head_field(const char *head, const char *name, char *out, size_t len)
{
	const char *p = strcasestr(head, name);

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(name);
	while (*p == ' ')
		p++;
	snprintf(out, len, "%.*s", (int)strcspn(p, "\r\n"), p);
}

/* key="value" in a Digest header. */
static void
digest_param(const char *h, const char *key, char *out, size_t len)
{
	char k[32];
	const char *p;

	snprintf(k, sizeof(k), "%s=\"", key);
	out[0] = '\0';
	p = strstr(h, k);
	if (p != NULL) {
		p += strlen(k);
		snprintf(out, len, "%.*s", (int)strcspn(p, "\""), p);
	}
}

static void
md5_hex(const char *s, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	ck_assert_int_eq(EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL), 1);
	for (unsigned i = 0; i < n && i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int
digest_ok(const struct rtspcfg *c, const char *method, const char *auth)
{
	char user[64], uri[256], resp[64], a[512], ha1[33], ha2[33], want[33];

	if (strncmp(auth, "Digest ", 7) != 0)
		return 0;
	digest_param(auth, "username", user, sizeof(user));
	digest_param(auth, "uri", uri, sizeof(uri));
	digest_param(auth, "response", resp, sizeof(resp));
	snprintf(a, sizeof(a), "%s:" REALM ":%s", user, c->pass);
	md5_hex(a, ha1);
	snprintf(a, sizeof(a), "%s:%s", method, uri);
	md5_hex(a, ha2);
	snprintf(a, sizeof(a), "%s:" NONCE ":%s", ha1, ha2);
	md5_hex(a, want);
	return strcmp(user, c->user) == 0 && strcmp(resp, want) == 0;
}

static int
basic_ok(const struct rtspcfg *c, const char *auth)
{
	unsigned char b64[256];
	char plain[128];

	snprintf(plain, sizeof(plain), "%s:%s", c->user, c->pass);
	EVP_EncodeBlock(b64, (const unsigned char *)plain, (int)strlen(plain));
	return strncmp(auth, "Basic ", 6) == 0 && strcmp(auth + 6,
	    (const char *)b64) == 0;
}

static void
rtsp_serve(struct fsrv *s, int fd)
{
	const struct rtspcfg *c = s->cfg;
	char head[8192], cseq[32], auth[1024], method[16], ans[1024];
	unsigned served = 0;

	while (fs_read_until(s, fd, head, sizeof(head), "\r\n\r\n") == 0) {
		head_field(head, "CSeq:", cseq, sizeof(cseq));
		head_field(head, "Authorization:", auth, sizeof(auth));
		snprintf(method, sizeof(method), "%.*s", (int)strcspn(head,
		    " "), head);
		pthread_mutex_lock(&s->mu);
		s->requests++;
		if (s->n_cseq < ASY_ELEMENTSOF(s->cseq))
			s->cseq[s->n_cseq++] = strtol(cseq, NULL, 10);
		pthread_mutex_unlock(&s->mu);
		if (c->raw != NULL) {
			fs_send(fd, c->raw, c->raw_len ? c->raw_len :
			    strlen(c->raw));
			return;
		}
		if (strcmp(method, "OPTIONS") == 0) {
			snprintf(ans, sizeof(ans), "RTSP/1.0 200 OK\r\nCSeq: "
			    "%s\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n", cseq);
		} else if (c->mode == R_OPEN || (c->mode == R_BASIC &&
		    basic_ok(c, auth)) || (c->mode == R_DIGEST &&
		    digest_ok(c, method, auth))) {
			snprintf(ans, sizeof(ans), "RTSP/1.0 200 OK\r\nCSeq: "
			    "%s\r\nContent-Type: application/sdp\r\n"
			    "Content-Length: %zu\r\n\r\n%s", cseq,
			    strlen(SDP), SDP);
		} else {
			snprintf(ans, sizeof(ans), "RTSP/1.0 401 Unauthorized"
			    "\r\nCSeq: %s\r\nWWW-Authenticate: %s\r\n"
			    "Content-Length: 0\r\n\r\n", cseq,
			    c->mode == R_DIGEST ? "Digest realm=\"" REALM
			    "\", nonce=\"" NONCE "\"" : "Basic realm=\""
			    REALM "\"");
		}
		fs_puts(fd, ans);
		if (c->close_after > 0 && ++served >= c->close_after)
			return;
	}
}

static int
rtsp_describe(struct asy_http *h, enum asy_http_auth auth, const char *user,
    const char *pass, long *status, struct asy_http_resp *keep)
{
	struct asy_http_resp resp;
	char why[200];
	int r;

	r = asy_http_request(h, "DESCRIBE", "/stream1", auth, user, pass,
	    NULL, NULL, 0, &resp, why, sizeof(why));
	*status = r == 0 ? resp.status : 0;
	if (r == 0 && keep != NULL)
		*keep = resp;
	else if (r == 0)
		asy_http_resp_release(&resp);
	return r;
}

static struct asy_http *
rtsp_client(unsigned port)
{
	struct asy_http_opts o = { .addr = "127.0.0.1", .port = port,
	    .timeout_ms = TMO, .rtsp = 1, .max_body = 4096 };
	struct asy_http *h = NULL;

	ck_assert_int_eq(asy_http_new(&o, &h), 0);
	return h;
}

/* CSeq 1, 2, 3... as the server saw them (a request lost on a connection
 * the server had closed is sent again with the next CSeq). */
static void
assert_cseq(const struct fsrv *s, int consecutive)
{
	ck_assert_uint_gt(s->n_cseq, 0);
	ck_assert_int_eq(s->cseq[0], 1);
	for (size_t i = 1; i < s->n_cseq; i++)
		ck_assert_msg(consecutive ? s->cseq[i] == s->cseq[i - 1] + 1 :
		    s->cseq[i] > s->cseq[i - 1], "request %zu had CSeq %ld "
		    "after %ld", i, s->cseq[i], s->cseq[i - 1]);
}

START_TEST(test_rtsp_basic)
{
	static const struct rtspcfg c = { R_BASIC, "admin", "admin", 0, NULL,
	    0 };
	struct asy_http_resp resp;
	struct asy_http *h;
	struct fsrv s;
	long st;
	char why[200];

	fs_start(&s, rtsp_serve, &c);
	h = rtsp_client(s.port);
	ck_assert_int_eq(asy_http_request(h, "OPTIONS", "*",
	    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &resp, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(resp.status, 200);
	asy_http_resp_release(&resp);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_NONE, NULL, NULL, &st,
	    &resp), 0);
	ck_assert_int_eq(st, 401);
	ck_assert_ptr_nonnull(resp.www_auth);
	ck_assert_str_eq(resp.www_auth, "Basic realm=\"" REALM "\"");
	asy_http_resp_release(&resp);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_BASIC, "admin", "1234",
	    &st, NULL), 0);
	ck_assert_int_eq(st, 401);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_BASIC, "admin",
	    "admin", &st, &resp), 0);
	ck_assert_int_eq(st, 200);
	ck_assert_str_eq(resp.body.data, SDP);
	asy_http_resp_release(&resp);
	asy_http_free(h);
	fs_stop(&s);
	ck_assert_uint_eq(s.conns, 1);
	ck_assert_uint_eq(s.requests, 4);
	assert_cseq(&s, 1);
}
END_TEST

START_TEST(test_rtsp_digest)
{
	static const struct rtspcfg c = { R_DIGEST, "admin", "admin", 0, NULL,
	    0 };
	struct asy_http_resp resp;
	struct asy_http *h;
	struct fsrv s;
	long st;

	fs_start(&s, rtsp_serve, &c);
	h = rtsp_client(s.port);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_NONE, NULL, NULL, &st,
	    &resp), 0);
	ck_assert_int_eq(st, 401);
	ck_assert_ptr_nonnull(strstr(resp.www_auth, "Digest"));
	asy_http_resp_release(&resp);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_DIGEST, "admin",
	    "wrong", &st, NULL), 0);
	ck_assert_int_eq(st, 401);
	ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_DIGEST, "admin",
	    "admin", &st, &resp), 0);
	ck_assert_int_eq(st, 200);
	ck_assert_str_eq(resp.body.data, SDP);
	asy_http_resp_release(&resp);
	asy_http_free(h);
	fs_stop(&s);
	/* Digest: a challenge, then the answer, for each attempt. */
	ck_assert_uint_eq(s.requests, 5);
	assert_cseq(&s, 1);
}
END_TEST

/* A stream described to anyone, and a server that closes after every
 * answer (a new connection each time, the CSeq still going on). */
START_TEST(test_rtsp_open_and_closing)
{
	static const struct rtspcfg c = { R_OPEN, "admin", "admin", 1, NULL,
	    0 };
	struct asy_http *h;
	struct fsrv s;
	long st;

	fs_start(&s, rtsp_serve, &c);
	h = rtsp_client(s.port);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rtsp_describe(h, ASY_HTTP_AUTH_NONE, NULL,
		    NULL, &st, NULL), 0);
		ck_assert_int_eq(st, 200);
	}
	asy_http_free(h);
	fs_stop(&s);
	ck_assert_uint_eq(s.conns, 3);
	assert_cseq(&s, 0);
}
END_TEST

static char huge_header[300 << 10];

static const struct {
	const char	*name;
	struct rtspcfg	 cfg;
} rtsp_hostile[] = {
	{ "closed at once", { R_BASIC, "a", "b", 0, "", 0 } },
	{ "HTTP, not RTSP", { R_BASIC, "a", "b", 0,
	  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0 } },
	{ "no CSeq", { R_BASIC, "a", "b", 0, "RTSP/1.0 200 OK\r\n"
	  "Content-Length: 0\r\n\r\n", 0 } },
	{ "wrong CSeq", { R_BASIC, "a", "b", 0, "RTSP/1.0 200 OK\r\n"
	  "CSeq: 99\r\nContent-Length: 0\r\n\r\n", 0 } },
	{ "a header line of 300 KiB", { R_BASIC, "a", "b", 0, huge_header,
	  sizeof(huge_header) } },
	{ "binary", { R_BASIC, "a", "b", 0, "\x80\x81\x82\r\n\r\n", 0 } },
};

START_TEST(test_rtsp_hostile)
{
	struct asy_http *h;
	struct fsrv s;
	long st = -1;
	int r;

	memcpy(huge_header, "RTSP/1.0 200 OK\r\nCSeq: 1\r\nX: ", 30);
	memset(huge_header + 30, 'x', sizeof(huge_header) - 30 - 4);
	memcpy(huge_header + sizeof(huge_header) - 4, "\r\n\r\n", 4);
	fs_start(&s, rtsp_serve, &rtsp_hostile[_i].cfg);
	h = rtsp_client(s.port);
	r = rtsp_describe(h, ASY_HTTP_AUTH_BASIC, "admin", "admin", &st,
	    NULL);
	ck_assert_msg(r < 0, "%s: %d (status %ld)", rtsp_hostile[_i].name, r,
	    st);
	ck_assert_msg(r != ASY_E_TIMEOUT && r != ASY_E_NOMEM, "%s: %s",
	    rtsp_hostile[_i].name, asy_strerror(r));
	asy_http_free(h);
	fs_stop(&s);
}
END_TEST

/* What an RTSP client will not send. */
START_TEST(test_rtsp_input)
{
	struct asy_http_opts o = { .addr = "127.0.0.1", .port = 554,
	    .rtsp = 1, .tls = 1 };
	struct asy_http_resp resp;
	struct asy_http *h = NULL;
	char why[200];

	ck_assert_int_eq(asy_http_new(&o, &h), ASY_E_INPUT);
	h = rtsp_client(9);
	ck_assert_int_eq(asy_http_request(h, "GET", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &resp, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_http_request(h, "DESCRIBE", "stream",
	    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &resp, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_http_request(h, "DESCRIBE", "/", ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, "x", 1, &resp, why, sizeof(why)), ASY_E_INPUT);
	asy_http_free(h);
}
END_TEST

/* ---- the guessing engine over both, as tclib.c drives them --------------- */

struct pcfg {
	unsigned		 port;
	int			 rtsp;
	enum asy_http_auth	 auth;
};

struct psess {
	const struct pcfg	*c;
	struct asy_ftp		*ftp;
	struct asy_http		*http;
	int			 done;
};

static void
p_close(void *p)
{
	struct psess *s = p;

	if (s == NULL)
		return;
	asy_ftp_close(s->ftp);
	asy_http_free(s->http);
	free(s);
}

static int
p_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct pcfg *c = cfg;
	struct psess *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return ASY_E_NOMEM;
	s->c = c;
	if (c->rtsp) {
		s->http = rtsp_client(c->port);
		r = 0;
	} else {
		r = asy_ftp_open("127.0.0.1", c->port, TMO, NULL, &s->ftp, why,
		    why_len);
	}
	if (r < 0) {
		p_close(s);
		return r;
	}
	*out = s;
	return 0;
}

static int
p_attempt(void *p, const char *user, const char *pass)
{
	struct psess *s = p;
	long st;
	int r;

	if (s->done)
		return ASY_E_CLOSED;
	if (s->c->rtsp) {
		r = rtsp_describe(s->http, s->c->auth, user, pass, &st, NULL);
		if (r == 0)
			r = st == 401 ? 0 : st == 200 ? 1 : ASY_E_PROTO;
	} else {
		r = asy_ftp_login(s->ftp, user, pass, TMO);
	}
	if (r == 1)
		s->done = 1;
	return r;
}

static const struct asy_guess_ops p_ops = {
	"proto", p_open, p_attempt, p_close, 0,
};

static void
guess(const struct pcfg *c, struct asy_guess_result *g)
{
	static const char *const pairs[][2] = {
		{ "admin", "1234" }, { "admin", "password" },
		{ "admin", "12345" }, { "admin", "admin" }, { "admin", "" },
	};
	struct asy_guess_opts o = { 0 };
	struct asy_credlist l = { 0 };

	for (size_t i = 0; i < ASY_ELEMENTSOF(pairs); i++)
		ck_assert_int_eq(asy_credlist_add(&l, pairs[i][0],
		    pairs[i][1]), 0);
	o.ops = &p_ops;
	o.cfg = c;
	o.list = &l;
	o.budget_ms = 30000;
	o.workers = 1;
	ck_assert_int_eq(asy_guess_run(&o, g), 0);
	asy_credlist_release(&l);
}

/* FTP: the server hangs up after two failures; the engine reconnects,
 * finds admin/admin (index 3) and goes on to the end of the list. */
START_TEST(test_guess_ftp)
{
	static const struct ftpcfg c = { HELLO, "admin", "admin", 0, 2, NULL,
	    NULL };
	struct asy_guess_result g;
	struct pcfg pc = { 0 };
	struct fsrv s;

	fs_start(&s, ftp_serve, &c);
	pc.port = s.port;
	guess(&pc, &g);
	fs_stop(&s);
	ck_assert_int_eq(g.found, 3);
	ck_assert_uint_eq(g.accepted, 1);
	ck_assert_uint_eq(g.refused, 4);
	ck_assert_uint_eq(g.errors, 0);
	ck_assert_uint_ge(g.opens, 3);
	ck_assert_uint_eq(s.conns, g.opens);
	ck_assert_str_eq(g.why, "");
}
END_TEST

/* RTSP Basic and Digest: one connection until the pair is found. */
START_TEST(test_guess_rtsp)
{
	static const struct rtspcfg cb = { R_BASIC, "admin", "admin", 0, NULL,
	    0 };
	static const struct rtspcfg cd = { R_DIGEST, "admin", "admin", 0, NULL,
	    0 };
	const struct rtspcfg *c = _i == 0 ? &cb : &cd;
	struct asy_guess_result g;
	struct pcfg pc = { 0 };
	struct fsrv s;

	fs_start(&s, rtsp_serve, c);
	pc.port = s.port;
	pc.rtsp = 1;
	pc.auth = _i == 0 ? ASY_HTTP_AUTH_BASIC : ASY_HTTP_AUTH_DIGEST;
	guess(&pc, &g);
	fs_stop(&s);
	ck_assert_int_eq(g.found, 3);
	ck_assert_uint_eq(g.accepted, 1);
	ck_assert_uint_eq(g.refused, 4);
	ck_assert_uint_eq(g.errors, 0);
	/* The session is closed after the pair accepted: two.  Basic
	 * goes over one connection until then; libcurl ties a Digest
	 * connection to its credentials: one per attempt, and a challenge
	 * and an answer on each. */
	ck_assert_uint_eq(g.opens, 2);
	ck_assert_uint_eq(s.conns, _i == 0 ? 2 : 5);
	ck_assert_uint_eq(s.requests, _i == 0 ? 5 : 10);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("ftp");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ftp_login, 0, ASY_ELEMENTSOF(ftp_cases));
	tcase_add_test(tc, test_ftp_retry_same_conn);
	tcase_add_test(tc, test_ftp_escape_and_input);
	tcase_add_test(tc, test_ftp_silent);
	suite_add_tcase(s, tc);
	tc = tcase_create("rtsp");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rtsp_basic);
	tcase_add_test(tc, test_rtsp_digest);
	tcase_add_test(tc, test_rtsp_open_and_closing);
	tcase_add_loop_test(tc, test_rtsp_hostile, 0,
	    ASY_ELEMENTSOF(rtsp_hostile));
	tcase_add_test(tc, test_rtsp_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("guess");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_guess_ftp);
	tcase_add_loop_test(tc, test_guess_rtsp, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(suite());
}
