/*
 * Bounded input validation (harness/fuzz.c).
 *
 * A fake HTTP server in a thread of the test on 127.0.0.1 (a random port,
 * one connection at a time, "Connection: close" on every answer) behaves
 * as told: robust, slow, crashing (it stops listening and closes
 * everything) when a query value over 1000 bytes arrives, reflecting the
 * parameters unescaped in text/html (or escaped, or in text/plain),
 * serving /etc/passwd-like text to traversal, answering 500, or dropping
 * some requests without an answer.  Checked: crash detection (the class
 * and parameter named, the exact input in the crash file), leaks (and
 * none where the reflection is harmless), the counters, the case limit
 * and the time budget, a baseline that fails before the first input, the
 * placement of inputs in each declared parameter and then in the path,
 * every input class named in the transcript, and a transcript that never
 * holds input or answer bytes.
 *
 * MQTT: a small fake broker (CONNACK, PINGRESP) that dies on a topic over
 * 1000 bytes (crash named, the PUBLISH packet in the crash file), accepts
 * everything (counters, case limit), or refuses the CONNECT (why, nothing
 * sent); a closed port (why); and a real mosquitto on 127.0.0.1 that must
 * survive the whole table (skipped when not installed).
 *
 * Only loopback is ever contacted.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <regex.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "ut.h"

/* ---- a fake HTTP server ------------------------------------------------- */

enum mode {
	M_ROBUST,
	M_SLOW,
	M_CRASH_LONG,
	M_REFLECT_HTML,
	M_REFLECT_ESCAPED,
	M_REFLECT_PLAIN,
	M_PASSWD,
	M_ERR500,
	M_DROP_FORMAT,
	M_AUTH_BASIC,		/* 401 unless Basic user:pass */
	M_MQTT_OK,		/* a small broker: CONNACK 0, PINGRESP */
	M_MQTT_CRASH,		/* dies on a topic over 1000 bytes */
	M_MQTT_REFUSE,		/* CONNACK 5: not authorized */
};

#define FAKE_MAX_REQ	((size_t)2 << 20)
#define FAKE_MAX_LINES	512
#define FAKE_LINE	400

struct fake {
	int		 lfd;
	int		 stop[2];
	unsigned	 port;
	enum mode	 mode;
	const char	*baseline;	/* the declared path */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	int		 crashed;
	int		 reqs;
	int		 noauth;	/* requests without credentials */
	char		 lines[FAKE_MAX_LINES][FAKE_LINE]; /* request lines */
	size_t		 n_lines;
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

/* Wait until fd (or, when fd is -1, nothing) is readable or ms passed
 * (-1: forever); 1 readable, 0 timed out, -1 told to stop. */
static int
wait_in(struct fake *f, int fd, int ms)
{
	struct pollfd p[2];
	int n = 0, r;

	if (fd >= 0)
		p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[n++] = (struct pollfd){ .fd = f->stop[0], .events = POLLIN };
	do
		r = poll(p, (nfds_t)n, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0 || (p[n - 1].revents & POLLIN))
		return -1;
	return r > 0 ? 1 : 0;
}

/* A Content-Length the fake believes: up to six digits, else none. */
static size_t
body_len(const char *head)
{
	const char *p = strcasestr(head, "\r\nContent-Length:");
	size_t v = 0, n = 0;

	if (p == NULL)
		return 0;
	p += 17;
	while (*p == ' ')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, n++)
		v = v * 10 + (size_t)(*p - '0');
	return n > 0 && n <= 6 && (*p == '\r' || *p == ' ') ? v : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into b (bad escapes kept as they are). */
static void
decode(struct asy_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			asy_buf_putc(b, (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2])));
			i += 2;
		} else if (s[i] == '+') {
			asy_buf_putc(b, ' ');
		} else {
			asy_buf_putc(b, s[i]);
		}
	}
}

static void
html_escape(struct asy_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			asy_buf_puts(b, "&lt;");
		else if (s[i] == '>')
			asy_buf_puts(b, "&gt;");
		else if (s[i] == '&')
			asy_buf_puts(b, "&amp;");
		else
			asy_buf_putc(b, s[i]);
	}
}

/* The longest query value in target (up to its end or a space). */
static size_t
longest_value(const char *t, size_t n)
{
	const char *q = memchr(t, '?', n);
	size_t best = 0, cur = 0;
	int in_value = 0;

	if (q == NULL)
		return 0;
	for (const char *p = q + 1; p < t + n; p++) {
		if (*p == '&') {
			in_value = 0;
			cur = 0;
		} else if (*p == '=' && !in_value) {
			in_value = 1;
		} else if (in_value && ++cur > best) {
			best = cur;
		}
	}
	return best;
}

static void
answer(int fd, long status, const char *ctype, const char *body,
    size_t len)
{
	struct asy_buf b;

	asy_buf_init(&b, len + 512);
	asy_buf_printf(&b, "HTTP/1.1 %ld X\r\nServer: fake\r\nContent-Type: "
	    "%s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
	    ctype, len);
	asy_buf_add(&b, body, len);
	send_all(fd, b.data, b.len);
	asy_buf_release(&b);
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";

/* Serve one request on fd; 1 when the fake crashed. */
static int
serve(struct fake *f, int fd)
{
	struct asy_buf in, dec, out;
	char chunk[16384];
	const char *end, *sp1, *sp2;
	size_t head_len, tlen;
	const char *target;
	int crashed = 0;

	asy_buf_init(&in, FAKE_MAX_REQ);
	asy_buf_init(&dec, FAKE_MAX_REQ);
	asy_buf_init(&out, FAKE_MAX_REQ * 2);
	for (;;) {
		ssize_t n;

		end = in.data != NULL ? memmem(in.data, in.len, "\r\n\r\n",
		    4) : NULL;
		if (end != NULL)
			break;
		if (wait_in(f, fd, -1) <= 0)
			goto out;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n <= 0 || asy_buf_add(&in, chunk, (size_t)n) < 0)
			goto out;
	}
	head_len = (size_t)(end - in.data) + 4;
	while (in.len < head_len + body_len(in.data)) {
		ssize_t n;

		if (wait_in(f, fd, -1) <= 0)
			goto out;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n <= 0 || asy_buf_add(&in, chunk, (size_t)n) < 0)
			goto out;
	}
	sp1 = memchr(in.data, ' ', head_len);
	sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', head_len - (size_t)(sp1 + 1 -
	    in.data)) : NULL;
	if (sp2 == NULL)
		goto out;
	target = sp1 + 1;
	tlen = (size_t)(sp2 - target);
	pthread_mutex_lock(&f->mu);
	f->reqs++;
	if (f->n_lines < FAKE_MAX_LINES) {
		size_t ll = (size_t)((const char *)memmem(in.data, head_len,
		    "\r\n", 2) - in.data);

		snprintf(f->lines[f->n_lines++], FAKE_LINE, "%.*s",
		    (int)(ll < FAKE_LINE - 1 ? ll : FAKE_LINE - 1), in.data);
	}
	pthread_mutex_unlock(&f->mu);
	decode(&dec, target, tlen);
	switch (f->mode) {
	case M_ROBUST:
		answer(fd, 200, "text/plain", "ok\n", 3);
		break;
	case M_SLOW:
		wait_in(f, -1, 100);
		answer(fd, 200, "text/plain", "ok\n", 3);
		break;
	case M_CRASH_LONG:
		if (longest_value(target, tlen) > 1000) {
			crashed = 1;
			break;
		}
		answer(fd, 200, "text/plain", "ok\n", 3);
		break;
	case M_REFLECT_HTML:
	case M_REFLECT_ESCAPED:
	case M_REFLECT_PLAIN: {
		const char *q = memchr(dec.data, '?', dec.len);

		asy_buf_puts(&out, "<html><body>You asked for: ");
		if (q != NULL && f->mode == M_REFLECT_ESCAPED)
			html_escape(&out, q + 1, dec.len - (size_t)(q + 1 -
			    dec.data));
		else if (q != NULL)
			asy_buf_add(&out, q + 1, dec.len - (size_t)(q + 1 -
			    dec.data));
		asy_buf_puts(&out, "</body></html>\n");
		answer(fd, 200, f->mode == M_REFLECT_PLAIN ? "text/plain" :
		    "text/html; charset=utf-8", out.data, out.len);
		break;
	}
	case M_PASSWD:
		if (memmem(dec.data, dec.len, "etc/passwd", 10) != NULL)
			answer(fd, 200, "text/plain", passwd,
			    sizeof(passwd) - 1);
		else
			answer(fd, 200, "text/plain", "ok\n", 3);
		break;
	case M_ERR500:
		if (tlen == strlen(f->baseline) && memcmp(target, f->baseline,
		    tlen) == 0)
			answer(fd, 200, "text/plain", "ok\n", 3);
		else
			answer(fd, 500, "text/plain", "oops\n", 5);
		break;
	case M_DROP_FORMAT:
		if (memmem(target, tlen, "%25n", 4) == NULL)
			answer(fd, 200, "text/plain", "ok\n", 3);
		break;
	case M_AUTH_BASIC:
		if (memmem(in.data, head_len, "\r\nAuthorization: Basic "
		    "dXNlcjpwYXNz\r\n", 37) != NULL) {
			answer(fd, 200, "text/plain", "ok\n", 3);
			break;
		}
		pthread_mutex_lock(&f->mu);
		f->noauth++;
		pthread_mutex_unlock(&f->mu);
		send_all(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Basic "
		    "realm=\"x\"\r\nContent-Length: 0\r\nConnection: close"
		    "\r\n\r\n", 92);
		break;
	default:
		break;
	}
out:
	asy_buf_release(&in);
	asy_buf_release(&dec);
	asy_buf_release(&out);
	return crashed;
}

/* Take exactly n bytes (p NULL: drop them); 0 closed or stop. */
static int
take(struct fake *f, int fd, unsigned char *p, size_t n)
{
	unsigned char sink[4096];

	while (n > 0) {
		size_t k = p != NULL ? n : (n < sizeof(sink) ? n :
		    sizeof(sink));
		ssize_t got;

		if (wait_in(f, fd, -1) <= 0)
			return 0;
		got = recv(fd, p != NULL ? p : sink, k, 0);
		if (got <= 0)
			return 0;
		if (p != NULL)
			p += got;
		n -= (size_t)got;
	}
	return 1;
}

/* A small MQTT broker for one connection; 1 when it crashed. */
static int
serve_mqtt(struct fake *f, int fd)
{
	unsigned char first, b, *body = NULL;
	int crashed = 0;

	for (;;) {
		size_t len = 0, tlen;
		int i;

		if (!take(f, fd, &first, 1))
			break;
		for (i = 0; i < 4; i++) {
			if (!take(f, fd, &b, 1))
				goto out;
			len |= (size_t)(b & 0x7f) << (7 * i);
			if (!(b & 0x80))
				break;
		}
		if (i == 4 || len > ((size_t)1 << 20))
			break;
		free(body);
		body = malloc(len + 1);
		if (body == NULL || !take(f, fd, body, len))
			break;
		pthread_mutex_lock(&f->mu);
		f->reqs++;
		pthread_mutex_unlock(&f->mu);
		switch (first >> 4) {
		case 1:
			if (f->mode == M_MQTT_REFUSE) {
				send_all(fd, "\x20\x02\x00\x05", 4);
				goto out;
			}
			send_all(fd, "\x20\x02\x00\x00", 4);
			break;
		case 3:
			tlen = len >= 2 ? (size_t)body[0] << 8 | body[1] : 0;
			if (f->mode == M_MQTT_CRASH && tlen > 1000) {
				crashed = 1;
				goto out;
			}
			break;
		case 12:
			send_all(fd, "\xd0\x00", 2);
			break;
		default:
			goto out;
		}
	}
out:
	free(body);
	return crashed;
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;

	while (wait_in(f, f->lfd, -1) > 0) {
		int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
		int crashed;

		if (fd < 0)
			continue;
		crashed = f->mode >= M_MQTT_OK ? serve_mqtt(f, fd) :
		    serve(f, fd);
		close(fd);
		if (crashed) {
			/* Down for good: nothing listens any more. */
			pthread_mutex_lock(&f->mu);
			f->crashed = 1;
			close(f->lfd);
			f->lfd = -1;
			pthread_mutex_unlock(&f->mu);
			break;
		}
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
fake_start(struct fake *f, enum mode mode, const char *baseline)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->baseline = baseline;
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
	if (f->lfd >= 0)
		close(f->lfd);
	close(f->stop[0]);
	close(f->stop[1]);
	pthread_mutex_destroy(&f->mu);
}

static unsigned
closed_port(void)
{
	unsigned port;
	int fd = listen_any(&port);

	close(fd);
	return port;
}

/* ---- the transcript ----------------------------------------------------- */

/* Every input line well formed, none holding input bytes; the count of
 * input lines. */
static unsigned
check_transcript(const char *path)
{
	struct asy_buf b;
	regex_t re;
	unsigned n = 0;
	char *line, *nl;

	ck_assert_int_eq(regcomp(&re, "^[0-9]{3,} \\+[0-9]+\\.[0-9]{3}s "
	    "(param=[!-~]+|path|header|raw) class=[a-z0-9-]+ "
	    "status=([0-9]+ bytes=[0-9]+|none error=[a-z-]+)$",
	    REG_EXTENDED | REG_NOSUB), 0);
	ut_load(path, &b);
	ck_assert_ptr_null(strstr(b.data, "<script"));
	ck_assert_ptr_null(strstr(b.data, "AAAAAAAA"));
	ck_assert_uint_eq(strlen(b.data), b.len);
	for (line = b.data; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_uint_le(strlen(line), 300);
		if (line[0] == '#')
			continue;
		ck_assert_ptr_null(strstr(line, "passwd"));
		ck_assert_ptr_null(strstr(line, "root:"));
		ck_assert_ptr_null(strstr(line, "%25n"));
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0,
		    "bad transcript line: %s", line);
		n++;
	}
	regfree(&re);
	asy_buf_release(&b);
	return n;
}

struct run {
	struct fake		 f;
	struct asy_fuzz_opts	 o;
	struct asy_fuzz_result	 r;
	char			*dir, *tr, *crash;
	long long		 ms;
	int			 ret;
};

static void
run_start(struct run *x, enum mode mode, const char *path)
{
	memset(x, 0, sizeof(*x));
	fake_start(&x->f, mode, path);
	x->dir = ut_tmpdir();
	x->tr = asy_path_join(x->dir, "transcript.txt");
	x->crash = asy_path_join(x->dir, "crash.bin");
	x->o.addr = "127.0.0.1";
	x->o.port = x->f.port;
	x->o.path = path;
	x->o.timeout_ms = 500;
	x->o.transcript = x->tr;
	x->o.crash_file = x->crash;
}

static void
run_go(struct run *x)
{
	long long t0 = ut_now_ms();

	x->ret = asy_fuzz_http(&x->o, &x->r);
	x->ms = ut_now_ms() - t0;
}

static void
run_go_mqtt(struct run *x)
{
	long long t0 = ut_now_ms();

	x->ret = asy_fuzz_mqtt(&x->o, &x->r);
	x->ms = ut_now_ms() - t0;
}

static void
run_end(struct run *x)
{
	fake_stop(&x->f);
	asy_fuzz_result_release(&x->r);
	asy_fuzz_result_release(&x->r);
	free(x->tr);
	free(x->crash);
	free(x->dir);
}

static const char *
nn(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* ---- crashes ------------------------------------------------------------ */

START_TEST(test_crash)
{
	struct run x;
	struct asy_buf b;
	char as[1002];

	run_start(&x, M_CRASH_LONG, "/status.json");
	run_go(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_int_eq(x.r.crashed, 1);
	ck_assert_int_eq(x.f.crashed, 1);
	ck_assert_uint_eq(x.r.sent, 1);
	ck_assert_uint_eq(x.r.answered, 0);
	ck_assert_uint_eq(x.r.no_answer, 0);
	ck_assert_ptr_nonnull(x.r.crash_what);
	ck_assert_msg(strstr(x.r.crash_what, "overlong-4k") != NULL &&
	    strstr(x.r.crash_what, "parameter q") != NULL, "%s",
	    x.r.crash_what);
	ck_assert_ptr_nonnull(x.r.why);
	/* Three tries over about 5 s, then the end. */
	ck_assert_int_ge(x.ms, 4500);
	ck_assert_int_lt(x.ms, 9000);
	/* The crash file holds the input as sent. */
	ut_load(x.crash, &b);
	memset(as, 'A', sizeof(as) - 1);
	as[sizeof(as) - 1] = '\0';
	ck_assert_msg(strncmp(b.data, "GET /status.json?q=AAAA", 23) == 0,
	    "%.60s", b.data);
	ck_assert_ptr_nonnull(memmem(b.data, b.len, as, sizeof(as) - 1));
	ck_assert_ptr_nonnull(strstr(b.data, " HTTP/1.1\r\n"));
	asy_buf_release(&b);
	ck_assert_uint_eq(check_transcript(x.tr), 1);
	ck_assert(ut_file_has(x.tr, "class=overlong-4k"));
	ck_assert(ut_file_has(x.tr, "health 3/3 no answer"));
	run_end(&x);
}
END_TEST

/* ---- results of whole runs ---------------------------------------------- */

static const struct result_case {
	const char	*name;
	enum mode	 mode;
	const char	*path;
	unsigned	 max_cases;
	int		 leaked;
	const char	*leak_class;	/* in leak_what */
	int		 all_answered;	/* answered == sent */
	int		 all_5xx;	/* errors_5xx == answered */
	int		 some_dropped;	/* no_answer >= 1 */
} results[] = {
	{ "robust, 30 cases", M_ROBUST, "/status.json", 30, 0, NULL, 1, 0,
	  0 },
	{ "reflects unescaped HTML", M_REFLECT_HTML, "/search?q=x", 200, 1,
	  "markup", 0, 0, 0 },
	{ "reflects escaped HTML", M_REFLECT_ESCAPED, "/search?q=x", 200, 0,
	  NULL, 0, 0, 0 },
	{ "reflects in text/plain", M_REFLECT_PLAIN, "/search?q=x", 200, 0,
	  NULL, 0, 0, 0 },
	{ "serves /etc/passwd", M_PASSWD, "/view?file=a.txt", 200, 1,
	  "traversal", 0, 0, 0 },
	{ "answers 500", M_ERR500, "/api", 25, 0, NULL, 1, 1, 0 },
	{ "drops format strings", M_DROP_FORMAT, "/api", 12, 0, NULL, 0, 0,
	  1 },
};

START_TEST(test_results)
{
	const struct result_case *c = &results[_i];
	struct run x;

	run_start(&x, c->mode, c->path);
	x.o.max_cases = c->max_cases;
	run_go(&x);
	ck_assert_msg(x.ret == 0, "%s: %d", c->name, x.ret);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_ptr_null(x.r.crash_what);
	ck_assert(!ut_exists(x.crash));
	ck_assert_msg(x.r.leaked == c->leaked, "%s: leaked %d (%s)", c->name,
	    x.r.leaked, nn(x.r.leak_what));
	if (c->leaked) {
		ck_assert_ptr_nonnull(x.r.leak_what);
		ck_assert_msg(strstr(x.r.leak_what, c->leak_class) != NULL,
		    "%s", x.r.leak_what);
	} else {
		ck_assert_ptr_null(x.r.leak_what);
	}
	ck_assert_uint_le(x.r.sent, c->max_cases);
	if (c->max_cases <= 30)
		ck_assert_uint_eq(x.r.sent, c->max_cases);
	ck_assert_uint_le(x.r.answered + x.r.no_answer, x.r.sent);
	if (c->all_answered)
		ck_assert_uint_eq(x.r.answered, x.r.sent);
	ck_assert_uint_eq(x.r.errors_5xx, c->all_5xx ? x.r.answered : 0);
	if (c->some_dropped) {
		ck_assert_uint_ge(x.r.no_answer, 1);
		ck_assert_uint_eq(x.r.answered + x.r.no_answer, x.r.sent);
	}
	ck_assert_msg(x.r.why == NULL, "%s: why %s", c->name, nn(x.r.why));
	ck_assert_uint_eq(check_transcript(x.tr), x.r.sent);
	/* The fake saw the baseline, each input and the health checks. */
	ck_assert_int_ge(x.f.reqs, (int)x.r.answered + 1);
	run_end(&x);
}
END_TEST

/* A whole run: every class is tried and named; bytes stay out. */
static const char *const class_names[] = {
	"overlong-4k", "overlong-64k", "format-string", "format-width",
	"traversal", "traversal-encoded", "traversal-double-encoded",
	"traversal-overlong-utf8", "sql-or", "sql-drop", "shell-subst",
	"shell-backtick", "shell-semicolon", "shell-pipe", "markup",
	"percent-bad", "percent-alone", "percent-short", "nul",
	"utf8-overlong-nul", "utf8-overlong-slash", "number-huge",
	"number-negative", "empty", "repeated-1000", "header-huge-16k",
	"raw-length-negative", "raw-length-over-body", "raw-length-not-number",
	"raw-nul-in-target",
};

START_TEST(test_every_class)
{
	struct run x;
	char needle[64];

	run_start(&x, M_ROBUST, "/status.json");
	run_go(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_ptr_null(x.r.why);
	ck_assert_uint_gt(x.r.sent, 50);
	ck_assert_uint_lt(x.r.sent, 200);
	/* The fake waits for a body that never comes. */
	ck_assert_uint_ge(x.r.no_answer, 1);
	ck_assert_uint_eq(check_transcript(x.tr), x.r.sent);
	for (size_t i = 0; i < ASY_ELEMENTSOF(class_names); i++) {
		snprintf(needle, sizeof(needle), " class=%s ",
		    class_names[i]);
		ck_assert_msg(ut_file_has(x.tr, needle), "%s not tried",
		    class_names[i]);
	}
	ck_assert(ut_file_has(x.tr, "param=q class=overlong-4k"));
	ck_assert(ut_file_has(x.tr, "path class=overlong-4k"));
	ck_assert(ut_file_has(x.tr, "raw class=raw-length-negative"));
	ck_assert(ut_file_has(x.tr, "header class=header-huge-16k"));
	run_end(&x);
}
END_TEST

/* Inputs go to each declared parameter in turn, the others unchanged,
 * then to the path; format strings are percent-encoded, broken encodings
 * are not. */
static const char *const placed[] = {
	"GET /cgi/status.cgi?a=1&b=x HTTP/1.1",
	"GET /cgi/status.cgi?a=%25n%25n%25n%25s%25s%25x&b=x HTTP/1.1",
	"GET /cgi/status.cgi?a=1&b=%25n%25n%25n%25s%25s%25x HTTP/1.1",
	"GET /cgi/%25n%25n%25n%25s%25s%25x HTTP/1.1",
	"GET /cgi/status.cgi?a=%zz&b=x HTTP/1.1",
	"GET /cgi/status.cgi?a=1&b=%zz HTTP/1.1",
	"GET /cgi/%zz HTTP/1.1",
	"GET /cgi/../../../../etc/passwd HTTP/1.1",
	"GET /cgi/status.cgi?a=%3Cscript%3Eassay-",
	"GET /cgi/status.cgi?a=1&b=1&b=1&b=1&b=1",
	"GET /cgi/status.cgi?a=&b=x HTTP/1.1",
};

START_TEST(test_placement)
{
	struct run x;

	run_start(&x, M_ROBUST, "/cgi/status.cgi?a=1&b=x");
	run_go(&x);
	ck_assert_int_eq(x.ret, 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(placed); i++) {
		size_t n = strlen(placed[i]);
		int found = 0;

		for (size_t k = 0; k < x.f.n_lines && !found; k++)
			found = strncmp(x.f.lines[k], placed[i], n) == 0;
		ck_assert_msg(found, "never sent: %s", placed[i]);
	}
	ck_assert(ut_file_has(x.tr, "param=a class=format-string"));
	ck_assert(ut_file_has(x.tr, "param=b class=format-string"));
	run_end(&x);
}
END_TEST

/* Credentials: asked for once, then sent with every input, raw ones
 * included. */
START_TEST(test_auth)
{
	struct run x;

	run_start(&x, M_AUTH_BASIC, "/admin/status");
	x.o.user = "user";
	x.o.pass = "pass";
	run_go(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_ptr_null(x.r.why);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_uint_gt(x.r.sent, 50);
	ck_assert_int_eq(x.f.noauth, 1);
	ck_assert(!ut_file_has(x.tr, "status=401"));
	ck_assert(ut_file_has(x.tr, "raw class=raw-length-negative "
	    "status=200"));
	run_end(&x);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_budget)
{
	struct run x;

	run_start(&x, M_SLOW, "/status.json");
	x.o.max_cases = 1000;
	x.o.budget_ms = 2000;
	x.o.timeout_ms = 1000;
	run_go(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_int_ge(x.ms, 1900);
	ck_assert_msg(x.ms <= 2000 + 1000 + 500, "took %lld ms", x.ms);
	ck_assert_uint_gt(x.r.sent, 5);
	ck_assert_uint_lt(x.r.sent, 30);
	ck_assert_ptr_nonnull(x.r.why);
	ck_assert_ptr_nonnull(strstr(x.r.why, "budget"));
	ck_assert_uint_eq(check_transcript(x.tr), x.r.sent);
	run_end(&x);
}
END_TEST

START_TEST(test_baseline_down)
{
	struct asy_fuzz_opts o = {
		.addr = "127.0.0.1",
		.port = closed_port(),
		.path = "/",
		.timeout_ms = 500,
	};
	struct asy_fuzz_result r;
	long long t0 = ut_now_ms();

	ck_assert_int_eq(asy_fuzz_http(&o, &r), 0);
	ck_assert_int_lt(ut_now_ms() - t0, 2000);
	ck_assert_ptr_nonnull(r.why);
	ck_assert_ptr_nonnull(strstr(r.why, "baseline"));
	ck_assert_int_eq(r.crashed, 0);
	ck_assert_ptr_null(r.crash_what);
	ck_assert_uint_eq(r.sent, 0);
	asy_fuzz_result_release(&r);
}
END_TEST

START_TEST(test_bad_opts)
{
	static const char *const paths[] = { NULL, "", "status.json",
	    "/a b", "/a\r\nX: y", "/\x80" };
	struct asy_fuzz_opts o = { .addr = "127.0.0.1", .port = 1 };
	struct asy_fuzz_result r;
	struct fake f;

	for (size_t i = 0; i < ASY_ELEMENTSOF(paths); i++) {
		o.path = paths[i];
		ck_assert_int_eq(asy_fuzz_http(&o, &r), ASY_E_INPUT);
		ck_assert_ptr_nonnull(r.why);
		ck_assert_uint_eq(r.sent, 0);
		asy_fuzz_result_release(&r);
	}
	/* A transcript that cannot be written. */
	fake_start(&f, M_ROBUST, "/");
	o.port = f.port;
	o.path = "/";
	o.transcript = "/nonexistent-assay-dir/t.txt";
	ck_assert_int_eq(asy_fuzz_http(&o, &r), ASY_E_IO);
	ck_assert_uint_eq(r.sent, 0);
	asy_fuzz_result_release(&r);
	asy_fuzz_result_release(NULL);
	fake_stop(&f);
}
END_TEST

/* ---- MQTT --------------------------------------------------------------- */

static unsigned
check_mqtt_transcript(const char *path)
{
	struct asy_buf b;
	regex_t re;
	unsigned n = 0;
	char *line, *nl;

	ck_assert_int_eq(regcomp(&re, "^[0-9]{3,} \\+[0-9]+\\.[0-9]{3}s "
	    "(topic|payload|packet) class=[a-z0-9-]+ "
	    "status=(pingresp|closed|answer|none error=[a-z-]+)$",
	    REG_EXTENDED | REG_NOSUB), 0);
	ut_load(path, &b);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert_ptr_null(strstr(b.data, "TTTTTTTT"));
	for (line = b.data; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		if (line[0] == '#')
			continue;
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0,
		    "bad transcript line: %s", line);
		n++;
	}
	regfree(&re);
	asy_buf_release(&b);
	return n;
}

START_TEST(test_mqtt_crash)
{
	struct run x;
	struct asy_buf b;
	char ts[1002];

	run_start(&x, M_MQTT_CRASH, "hub/");
	run_go_mqtt(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_int_eq(x.r.crashed, 1);
	ck_assert_uint_eq(x.r.sent, 1);
	ck_assert_ptr_nonnull(x.r.crash_what);
	ck_assert_msg(strstr(x.r.crash_what, "topic-overlong-4k") != NULL,
	    "%s", x.r.crash_what);
	ck_assert_int_ge(x.ms, 4500);
	ck_assert_int_lt(x.ms, 9000);
	/* The PUBLISH packet as sent: type, length, "hub/" and the rest. */
	ut_load(x.crash, &b);
	ck_assert_uint_ge(b.len, 4100);
	ck_assert_int_eq((unsigned char)b.data[0], 0x30);
	memset(ts, 'T', sizeof(ts) - 1);
	ts[sizeof(ts) - 1] = '\0';
	ck_assert_ptr_nonnull(memmem(b.data, b.len, "hub/", 4));
	ck_assert_ptr_nonnull(memmem(b.data, b.len, ts, sizeof(ts) - 1));
	asy_buf_release(&b);
	ck_assert_uint_eq(check_mqtt_transcript(x.tr), 1);
	run_end(&x);
}
END_TEST

START_TEST(test_mqtt_fake)
{
	struct run x;

	run_start(&x, M_MQTT_OK, "hub/");
	x.o.max_cases = 15;
	run_go_mqtt(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_ptr_null(x.r.why);
	ck_assert_uint_eq(x.r.sent, 15);
	/* The fake answers every PINGREQ and takes every PUBLISH. */
	ck_assert_uint_eq(x.r.answered, 15);
	ck_assert_uint_eq(x.r.no_answer, 0);
	ck_assert_uint_eq(check_mqtt_transcript(x.tr), 15);
	run_end(&x);
}
END_TEST

START_TEST(test_mqtt_refused)
{
	struct run x;

	run_start(&x, M_MQTT_REFUSE, "hub/");
	run_go_mqtt(&x);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_uint_eq(x.r.sent, 0);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_ptr_nonnull(x.r.why);
	ck_assert_msg(strstr(x.r.why, "refused") != NULL, "%s", x.r.why);
	run_end(&x);
}
END_TEST

START_TEST(test_mqtt_down)
{
	struct asy_fuzz_opts o = {
		.addr = "127.0.0.1",
		.port = closed_port(),
		.path = "hub/",
		.timeout_ms = 500,
	};
	struct asy_fuzz_result r;

	ck_assert_int_eq(asy_fuzz_mqtt(&o, &r), 0);
	ck_assert_ptr_nonnull(r.why);
	ck_assert_ptr_nonnull(strstr(r.why, "baseline"));
	ck_assert_int_eq(r.crashed, 0);
	ck_assert_uint_eq(r.sent, 0);
	asy_fuzz_result_release(&r);
}
END_TEST

static const char *const mqtt_class_names[] = {
	"topic-overlong-4k", "topic-overlong-64k", "topic-wildcard-hash",
	"topic-empty", "topic-format-string", "topic-utf8-overlong",
	"payload-overlong-256k", "payload-binary", "payload-json-deep",
	"packet-length-5-bytes", "packet-length-over-data",
	"packet-topic-over-packet", "packet-nul-in-topic",
	"packet-connect-truncated", "packet-connect-huge-id",
};

/* A real mosquitto on 127.0.0.1 survives the whole table. */
START_TEST(test_mqtt_mosquitto)
{
	static const char *const paths[] = { "/usr/sbin/mosquitto",
	    "/usr/bin/mosquitto" };
	const char *prog = NULL, *tout = NULL;
	struct run x;
	char *conf, needle[64];
	struct asy_buf c;
	unsigned port;
	pid_t pid;
	int st;

	for (size_t i = 0; i < ASY_ELEMENTSOF(paths); i++)
		if (access(paths[i], X_OK) == 0)
			prog = paths[i];
	if (access("/usr/bin/timeout", X_OK) == 0)
		tout = "/usr/bin/timeout";
	if (prog == NULL || tout == NULL) {
		fprintf(stderr, "# mosquitto or timeout not installed, "
		    "skipped\n");
		return;
	}
	run_start(&x, M_MQTT_OK, "assay/");
	port = closed_port();
	conf = asy_path_join(x.dir, "mosquitto.conf");
	asy_buf_init(&c, 4096);
	ck_assert_int_eq(asy_buf_printf(&c, "listener %u 127.0.0.1\n"
	    "allow_anonymous true\npersistence false\n", port), 0);
	ut_write(conf, c.data, c.len);
	asy_buf_release(&c);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { (char *)tout, "60", (char *)prog, "-c", conf,
		    NULL };
		int nul = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	x.o.port = port;
	for (long long end = ut_now_ms() + 5000; ut_now_ms() < end;) {
		struct asy_fuzz_opts o = x.o;
		struct asy_fuzz_result r;

		/* Ready when a baseline answers (max_cases 1 is cheap). */
		o.max_cases = 1;
		o.transcript = NULL;
		o.crash_file = NULL;
		ck_assert_int_eq(asy_fuzz_mqtt(&o, &r), 0);
		st = r.why == NULL;
		asy_fuzz_result_release(&r);
		if (st)
			break;
		poll(NULL, 0, 100);
	}
	run_go_mqtt(&x);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_msg(x.r.why == NULL, "%s", x.r.why);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_uint_gt(x.r.sent, 30);
	ck_assert_uint_ge(x.r.answered, x.r.sent / 2);
	ck_assert_uint_eq(check_mqtt_transcript(x.tr), x.r.sent);
	for (size_t i = 0; i < ASY_ELEMENTSOF(mqtt_class_names); i++) {
		snprintf(needle, sizeof(needle), " class=%s ",
		    mqtt_class_names[i]);
		ck_assert_msg(ut_file_has(x.tr, needle), "%s not tried",
		    mqtt_class_names[i]);
	}
	/* mosquitto closes on a wildcard in a PUBLISH topic. */
	ck_assert(ut_file_has(x.tr, "class=topic-wildcard-hash "
	    "status=closed"));
	free(conf);
	run_end(&x);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fuzz");
	TCase *http = tcase_create("http");
	TCase *mqtt = tcase_create("mqtt");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(http, 60);
	tcase_add_test(http, test_crash);
	tcase_add_loop_test(http, test_results, 0,
	    (int)ASY_ELEMENTSOF(results));
	tcase_add_test(http, test_every_class);
	tcase_add_test(http, test_placement);
	tcase_add_test(http, test_auth);
	tcase_add_test(http, test_budget);
	tcase_add_test(http, test_baseline_down);
	tcase_add_test(http, test_bad_opts);
	tcase_set_timeout(mqtt, 60);
	tcase_add_test(mqtt, test_mqtt_crash);
	tcase_add_test(mqtt, test_mqtt_fake);
	tcase_add_test(mqtt, test_mqtt_refused);
	tcase_add_test(mqtt, test_mqtt_down);
	tcase_add_test(mqtt, test_mqtt_mosquitto);
	suite_add_tcase(s, http);
	suite_add_tcase(s, mqtt);
	return ut_main(s);
}
