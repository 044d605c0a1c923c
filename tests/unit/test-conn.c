/*
 * Connections (harness/conn.c), against fake servers on loopback only.
 *
 * Fake servers are threads of this test that follow a script (send, pause,
 * read, close, reset, a flood of garbage).  asy_conn_expect: a table of
 * answers and needles (case, NUL bytes, a needle split across reads and
 * across the read size, which needle wins, data already in the buffer,
 * the cap, end of stream, reset, timeouts).  asy_conn_open: bad addresses
 * and ports, a closed port (refused, fast), a full listen queue (connect
 * timeout), a silent server under TLS (handshake timeout), a server that
 * answers the ClientHello with HTTP, IPv6 on ::1 (skipped when ::1 is not
 * configured).  Reads and writes: partial reads, timeouts, 2 MiB out in
 * one call, writes to a peer that has gone (ASY_E_CLOSED, not SIGPIPE).
 * TLS: openssl s_server -rev on 127.0.0.1 (started here with a deadline,
 * killed at the end, and with the test process if that dies): a round
 * trip, data buffered inside OpenSSL read with a zero timeout, expect, a
 * server limited to TLS 1.1 (refused: alert protocol version), and writes
 * after the server was killed.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "conn.h"
#include "proc.h"
#include "ut.h"

#include "fakesrv.h"

static struct asy_conn *
open_ok(const char *addr, unsigned port, int tls)
{
	struct asy_conn *c = NULL;
	char why[200];
	int r;

	r = asy_conn_open(addr, port, tls, 5000, &c, why, sizeof(why));
	ck_assert_msg(r == 0, "open %s port %u: %s (%s)", addr, port,
	    asy_strerror(r), why);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_ge(asy_conn_fd(c), 0);
	return c;
}

#define STEPS(a)	(a), ASY_ELEMENTSOF(a)

/* ---- asy_conn_expect ----------------------------------------------------- */

static const struct fstep st_login[] = {
	SEND("Welcome to the DUT\r\nlogin: "),
};
static const struct fstep st_upper[] = {
	SEND("BusyBox\r\nEnter PASSWORD: "),
};
static const struct fstep st_nul[] = {
	SENDN("\0\0\xff\0LoGiN:\0", 11),
};
static const struct fstep st_split[] = {
	SEND("lo"), PAUSE(150), SEND("GIN:"),
};
static const struct fstep st_split3[] = {
	SEND("pass"), PAUSE(100), SEND("Wo"),
	PAUSE(100), SEND("rd: "),
};
static const struct fstep st_both[] = {
	SEND("xx ok yy login:"),
};
static const struct fstep st_tie[] = {
	SEND("login:"),
};
static const struct fstep st_closed[] = {
	SEND("partial"), CLOSE,
};
static const struct fstep st_reset[] = {
	SEND("x"), PAUSE(100), RESET,
};
static const struct fstep st_hello[] = {
	SEND("hello"),
};
static const struct fstep st_flood[] = {
	BULK(1 << 20),
};
static const struct fstep st_tight[] = {
	SEND("0123456789login:"),
};
static const struct fstep st_far[] = {
	BULK(9000), SEND("Login:"),
};
/* 4094 bytes then the needle, in one send: a read of 4096 cuts it. */
static const struct fstep st_straddle[] = {
	BULK(4094), SEND("login:"),
};
static const struct fstep st_abc[] = {
	SEND("abc"), CLOSE,
};
static const struct fstep st_in[] = {
	SEND("in:"), CLOSE,
};
static const struct fstep st_silent[] = {
	PAUSE(1),
};
static const struct fstep st_trickle[] = {
	TRICKLE(5000),
};

static const struct expect_case {
	const char		*name;
	const struct fstep	*steps;
	size_t			 n_steps;
	const char		*needles[3];
	size_t			 n_needles;
	const char		*prefill;	/* in the buffer before */
	size_t			 max;
	unsigned long		 timeout_ms;
	int			 want;
	const char		*want_data;	/* NULL: not checked */
	size_t			 want_len;	/* checked when nonzero or
						   when want_data is set */
	long long		 min_ms;	/* elapsed at least */
} expects[] = {
	{ "simple", STEPS(st_login), { "password:", "login:" }, 2, NULL,
	    4096, 5000, 1, "Welcome to the DUT\r\nlogin: ", 0, 0 },
	{ "case-insensitive", STEPS(st_upper), { "login:", "Password:" }, 2,
	    NULL, 4096, 5000, 1, "BusyBox\r\nEnter PASSWORD: ", 0, 0 },
	{ "NUL bytes kept and counted", STEPS(st_nul), { "login:" }, 1, NULL,
	    4096, 5000, 0, "\0\0\xff\0LoGiN:\0", 11, 0 },
	{ "needle split across reads", STEPS(st_split), { "login:" }, 1,
	    NULL, 4096, 5000, 0, "loGIN:", 0, 100 },
	{ "needle split in three", STEPS(st_split3), { "login:",
	    "password:" }, 2, NULL, 4096, 5000, 1, "passWord: ", 0, 150 },
	{ "the match that ends first wins", STEPS(st_both), { "login:",
	    "ok" }, 2, NULL, 4096, 5000, 1, "xx ok yy login:", 0, 0 },
	{ "same end: the lower index", STEPS(st_tie), { "in:", "login:" }, 2,
	    NULL, 4096, 5000, 0, "login:", 0, 0 },
	{ "closed, data kept", STEPS(st_closed), { "login:" }, 1, NULL, 4096,
	    5000, ASY_E_CLOSED, "partial", 0, 0 },
	{ "reset", STEPS(st_reset), { "login:" }, 1, NULL, 4096, 5000,
	    ASY_E_CLOSED, NULL, 0, 0 },
	{ "timeout, data kept", STEPS(st_hello), { "login:" }, 1, NULL, 4096,
	    300, ASY_E_TIMEOUT, "hello", 0, 300 },
	{ "silent", STEPS(st_silent), { "login:" }, 1, NULL, 4096, 200,
	    ASY_E_TIMEOUT, "", 0, 200 },
	{ "a trickle does not stretch the deadline", STEPS(st_trickle),
	    { "login:" }, 1, NULL, 65536, 300, ASY_E_TIMEOUT, NULL, 0, 300 },
	{ "1 MiB flood into 4 KiB", STEPS(st_flood), { "login:" }, 1, NULL,
	    4096, 10000, ASY_E_TOOBIG, NULL, 4096, 0 },
	{ "needle ends at the cap", STEPS(st_tight), { "login:" }, 1, NULL,
	    16, 5000, 0, "0123456789login:", 0, 0 },
	{ "needle beyond the cap", STEPS(st_tight), { "login:" }, 1, NULL,
	    12, 5000, ASY_E_TOOBIG, "0123456789lo", 0, 0 },
	{ "needle after 9000 bytes", STEPS(st_far), { "login:" }, 1, NULL,
	    65536, 5000, 0, NULL, 9006, 0 },
	{ "needle across the read size", STEPS(st_straddle), { "login:" }, 1,
	    NULL, 65536, 5000, 0, NULL, 4100, 0 },
	{ "no needles: read to the end", STEPS(st_abc), { NULL }, 0, NULL,
	    4096, 5000, ASY_E_CLOSED, "abc", 0, 0 },
	{ "data already there is not searched", STEPS(st_abc), { "login:" },
	    1, "login:", 4096, 5000, ASY_E_CLOSED, "login:abc", 0, 0 },
	{ "nor joined with what comes", STEPS(st_in), { "login:" }, 1, "log",
	    4096, 5000, ASY_E_CLOSED, "login:", 0, 0 },
	{ "an empty needle matches at once", STEPS(st_hello), { "zzz", "" },
	    2, NULL, 4096, 5000, 1, "", 0, 0 },
};

START_TEST(test_expect)
{
	const struct expect_case *e = &expects[_i];
	struct asy_conn *c;
	struct asy_buf b;
	struct fake f;
	long long t0, dt;
	int r;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", e->steps, e->n_steps, 0),
	    0);
	c = open_ok("127.0.0.1", f.port, 0);
	asy_buf_init(&b, e->max);
	if (e->prefill != NULL)
		ck_assert_int_eq(asy_buf_puts(&b, e->prefill), 0);
	t0 = ut_now_ms();
	r = asy_conn_expect(c, &b, e->needles, e->n_needles, e->timeout_ms);
	dt = ut_now_ms() - t0;
	ck_assert_msg(r == e->want, "%s: got %d (%s), want %d", e->name, r,
	    asy_strerror(r), e->want);
	ck_assert_msg(dt >= e->min_ms && dt < (long long)e->timeout_ms + 1000,
	    "%s: took %lld ms", e->name, dt);
	if (e->want_data != NULL) {
		size_t n = e->want_len ? e->want_len : strlen(e->want_data);

		ck_assert_msg(b.len == n, "%s: %zu bytes, want %zu", e->name,
		    b.len, n);
		ck_assert_msg(n == 0 || memcmp(b.data, e->want_data, n) == 0,
		    "%s: got \"%s\"", e->name, b.data);
	} else if (e->want_len != 0)
		ck_assert_msg(b.len == e->want_len, "%s: %zu bytes, want %zu",
		    e->name, b.len, e->want_len);
	ck_assert_uint_le(b.len, e->max);
	asy_conn_close(c);
	fake_stop(&f);
	asy_buf_release(&b);
}
END_TEST

/* ---- asy_conn_open ------------------------------------------------------- */

static const struct {
	const char	*addr;
	unsigned	 port;
} bad_addrs[] = {
	{ "localhost", 80 },
	{ "example.com", 80 },
	{ "", 80 },
	{ NULL, 80 },
	{ "127.0.0.1 ", 80 },
	{ " 127.0.0.1", 80 },
	{ "1.2.3", 80 },
	{ "256.1.1.1", 80 },
	{ "127.0.0.1:80", 80 },
	{ "[::1]", 80 },
	{ "::1%lo", 80 },
	{ "127.0.0.1", 0 },
	{ "127.0.0.1", 65536 },
	{ "::1", 100000 },
};

START_TEST(test_open_bad)
{
	struct asy_conn *c = (struct asy_conn *)&c;
	long long t0 = ut_now_ms();
	char why[200] = "";
	int r;

	r = asy_conn_open(bad_addrs[_i].addr, bad_addrs[_i].port, _i % 2,
	    5000, &c, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_INPUT);
	ck_assert_ptr_eq(c, (struct asy_conn *)&c);	/* untouched */
	ck_assert_msg(strstr(why, "not an IP address") != NULL, "%s", why);
	ck_assert_int_lt(ut_now_ms() - t0, 100);
	/* why may be NULL. */
	r = asy_conn_open(bad_addrs[_i].addr, bad_addrs[_i].port, 0, 5000, &c,
	    NULL, 0);
	ck_assert_int_eq(r, ASY_E_INPUT);
}
END_TEST

START_TEST(test_open_refused)
{
	struct asy_conn *c = NULL;
	unsigned port = closed_port();
	long long t0;
	char why[200];
	int r;

	for (int tls = 0; tls <= 1; tls++) {
		t0 = ut_now_ms();
		r = asy_conn_open("127.0.0.1", port, tls, 5000, &c, why,
		    sizeof(why));
		ck_assert_int_eq(r, ASY_E_REFUSED);
		ck_assert_str_eq(why, "connection refused");
		ck_assert_ptr_null(c);
		ck_assert_int_lt(ut_now_ms() - t0, 1000);
	}
}
END_TEST

/* A listen queue of one that nobody accepts from: once it is full, SYNs
 * are dropped and connect() waits. */
START_TEST(test_open_connect_timeout)
{
	struct asy_conn *held[4] = { NULL }, *c = NULL;
	struct fake f;
	long long t0 = 0, dt;
	char why[200];
	size_t n = 0;
	int r = 0;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", NULL, 0, 1), 0);
	for (n = 0; n < ASY_ELEMENTSOF(held); n++) {
		t0 = ut_now_ms();
		r = asy_conn_open("127.0.0.1", f.port, 0, 300, &held[n], why,
		    sizeof(why));
		if (r < 0)
			break;
	}
	dt = ut_now_ms() - t0;
	ck_assert_msg(r == ASY_E_TIMEOUT, "%d (%s) after %zu", r, why, n);
	ck_assert_str_eq(why, "no answer within 300 ms");
	ck_assert_int_ge(dt, 300);
	ck_assert_int_lt(dt, 1300);
	ck_assert_ptr_null(held[n]);
	ck_assert_ptr_null(c);
	for (size_t i = 0; i < n; i++)
		asy_conn_close(held[i]);
	fake_stop(&f);
}
END_TEST

/* Accepted, then nothing: the TLS handshake runs out of time. */
START_TEST(test_open_tls_silent)
{
	struct asy_conn *c = NULL;
	struct fake f;
	long long t0, dt;
	char why[200];
	int r;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_silent), 0), 0);
	t0 = ut_now_ms();
	r = asy_conn_open("127.0.0.1", f.port, 1, 400, &c, why, sizeof(why));
	dt = ut_now_ms() - t0;
	ck_assert_int_eq(r, ASY_E_TIMEOUT);
	ck_assert_str_eq(why, "no answer within 400 ms");
	ck_assert_int_ge(dt, 400);
	ck_assert_int_lt(dt, 1400);
	ck_assert_ptr_null(c);
	fake_stop(&f);
}
END_TEST

/* Hostile answers to a ClientHello: a handshake failure, never a crash. */
static const struct fstep st_http[] = {
	READ(1),
	SEND("HTTP/1.0 400 Bad Request\r\n\r\n<html>no</html>"),
	CLOSE,
};
static const struct fstep st_garbage[] = {
	BULK(1 << 20),
};

static const struct {
	const struct fstep	*steps;
	size_t			 n_steps;
	const char		*why;
} tls_hostile[] = {
	{ STEPS(st_http), "TLS handshake failed: " },
	{ STEPS(st_garbage), "TLS handshake failed: " },
	{ STEPS(st_closed), "TLS handshake failed: " },
	{ STEPS(st_reset), "TLS handshake failed: " },
};

START_TEST(test_open_tls_hostile)
{
	struct asy_conn *c = NULL;
	struct fake f;
	long long t0;
	char why[200];
	int r;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", tls_hostile[_i].steps,
	    tls_hostile[_i].n_steps, 0), 0);
	t0 = ut_now_ms();
	r = asy_conn_open("127.0.0.1", f.port, 1, 5000, &c, why, sizeof(why));
	ck_assert_msg(r == ASY_E_PROTO, "%d: %s", r, why);
	ck_assert_msg(strncmp(why, tls_hostile[_i].why,
	    strlen(tls_hostile[_i].why)) == 0, "%s", why);
	ck_assert_int_lt(ut_now_ms() - t0, 3000);
	ck_assert_ptr_null(c);
	fake_stop(&f);
}
END_TEST

START_TEST(test_ipv6)
{
	static const char *const needles[] = { "login:" };
	struct asy_conn *c;
	struct asy_buf b;
	struct fake f;

	if (fake_start(&f, "::1", STEPS(st_login), 0) < 0) {
		printf("# skip: ::1 is not configured here\n");
		return;
	}
	c = open_ok("::1", f.port, 0);
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_conn_expect(c, &b, needles, 1, 5000), 0);
	ck_assert_str_eq(b.data, "Welcome to the DUT\r\nlogin: ");
	asy_conn_close(c);
	fake_stop(&f);
	asy_buf_release(&b);
}
END_TEST

/* ---- read and write ------------------------------------------------------ */

static const struct fstep st_abcdef[] = {
	SEND("abcdef"), PAUSE(100), CLOSE,
};

START_TEST(test_read)
{
	struct asy_conn *c;
	struct fake f;
	char buf[16];
	long n;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_abcdef), 0), 0);
	c = open_ok("127.0.0.1", f.port, 0);
	n = asy_conn_read(c, buf, 3, 5000);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(memcmp(buf, "abc", 3), 0);
	ck_assert_int_eq(asy_conn_pending(c), 0);
	n = asy_conn_read(c, buf, sizeof(buf), 5000);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(memcmp(buf, "def", 3), 0);
	n = asy_conn_read(c, buf, sizeof(buf), 5000);
	ck_assert_int_eq(n, ASY_E_CLOSED);
	n = asy_conn_read(c, buf, sizeof(buf), 5000);
	ck_assert_int_eq(n, ASY_E_CLOSED);
	asy_conn_close(c);
	fake_stop(&f);
}
END_TEST

START_TEST(test_read_timeout)
{
	static const unsigned long ms[] = { 0, 150, 400 };
	struct asy_conn *c;
	struct fake f;
	char buf[16];

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_silent), 0), 0);
	c = open_ok("127.0.0.1", f.port, 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(ms); i++) {
		long long t0 = ut_now_ms(), dt;

		ck_assert_int_eq(asy_conn_read(c, buf, sizeof(buf), ms[i]),
		    ASY_E_TIMEOUT);
		dt = ut_now_ms() - t0;
		ck_assert_int_ge(dt, (long long)ms[i]);
		ck_assert_int_lt(dt, (long long)ms[i] + 500);
	}
	asy_conn_close(c);
	fake_stop(&f);
}
END_TEST

#define BIG	((size_t)2 << 20)

static const struct fstep st_sink[] = {
	READ(BIG), SEND("done"),
};

START_TEST(test_write_big)
{
	static const char *const needles[] = { "done" };
	struct asy_conn *c;
	struct asy_buf b;
	struct fake f;
	char *big = malloc(BIG);

	ck_assert_ptr_nonnull(big);
	memset(big, 'z', BIG);
	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_sink), 0), 0);
	c = open_ok("127.0.0.1", f.port, 0);
	ck_assert_int_eq(asy_conn_write(c, big, BIG, 10000), 0);
	asy_buf_init(&b, 64);
	ck_assert_int_eq(asy_conn_expect(c, &b, needles, 1, 10000), 0);
	ck_assert_uint_eq(f.got, BIG);
	ck_assert_int_eq(asy_conn_write(c, big, 0, 0), 0);
	asy_conn_close(c);
	fake_stop(&f);
	asy_buf_release(&b);
	free(big);
}
END_TEST

/* A peer that never reads: the socket buffers fill and the deadline
 * comes. */
static const struct fstep st_stall[] = {
	PAUSE(20000),
};

START_TEST(test_write_timeout)
{
	struct asy_conn *c;
	struct fake f;
	char *big = calloc(1, (size_t)64 << 20);
	long long t0, dt;

	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_stall), 0), 0);
	c = open_ok("127.0.0.1", f.port, 0);
	t0 = ut_now_ms();
	ck_assert_int_eq(asy_conn_write(c, big, (size_t)64 << 20, 300),
	    ASY_E_TIMEOUT);
	dt = ut_now_ms() - t0;
	ck_assert_int_ge(dt, 300);
	ck_assert_int_lt(dt, 1300);
	asy_conn_close(c);
	fake_stop(&f);
	free(big);
}
END_TEST

/* Writing to a peer that has gone: ASY_E_CLOSED, and the process lives on
 * with SIGPIPE at its default (deadly) disposition. */
static const struct fstep st_gone[] = {
	PAUSE(100), RESET,
};

START_TEST(test_write_closed)
{
	struct asy_conn *c;
	struct fake f;
	char buf[65536];
	int r = 0;

	signal(SIGPIPE, SIG_DFL);
	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(fake_start(&f, "127.0.0.1", STEPS(st_gone), 0), 0);
	c = open_ok("127.0.0.1", f.port, 0);
	/* Bounded: a reset peer fails a write within a few tries. */
	for (int i = 0; i < 50 && r == 0; i++) {
		r = asy_conn_write(c, buf, sizeof(buf), 1000);
		poll(NULL, 0, 10);
	}
	ck_assert_int_eq(r, ASY_E_CLOSED);
	asy_conn_close(c);
	fake_stop(&f);
}
END_TEST

START_TEST(test_null)
{
	asy_conn_close(NULL);
	ck_assert_int_eq(asy_conn_fd(NULL), -1);
	ck_assert_int_eq(asy_conn_pending(NULL), 0);
}
END_TEST

/* ---- TLS against openssl s_server ---------------------------------------- */

/* An EC P-256 key and certificate in s->dir; 0 or -1 (reason printed). */
static int
make_cert(struct server *s, const char *openssl)
{
	char *key = asy_path_join(s->dir, "key.pem");
	char *crt = asy_path_join(s->dir, "cert.pem");
	char *out = asy_path_join(s->dir, "req.out");
	char *argv[] = { (char *)openssl, "req", "-x509", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
	    "-out", crt, "-days", "2", "-subj", "/CN=conn.test", NULL };
	int r;

	r = ut_spawn(argv, out, out, 20000);
	free(key);
	free(crt);
	free(out);
	if (r != 0) {
		printf("# openssl req failed (%d)\n", r);
		return -1;
	}
	return 0;
}

/* s_server -rev (answers each line reversed) with extra arguments; 0,
 * or -1 when openssl is missing or does not start (reason printed). */
static int
tls_server(struct server *s, const char *const *extra, size_t n_extra)
{
	char *openssl = which("openssl");
	char *key, *crt;
	char *argv[24];
	size_t argc = 0;
	int r;

	memset(s, 0, sizeof(*s));
	if (openssl == NULL) {
		printf("# skip: no openssl program\n");
		return -1;
	}
	s->dir = ut_tmpdir();
	s->log = asy_path_join(s->dir, "s_server.log");
	key = asy_path_join(s->dir, "key.pem");
	crt = asy_path_join(s->dir, "cert.pem");
	r = make_cert(s, openssl);
	if (r == 0) {
		argv[argc++] = openssl;
		argv[argc++] = "s_server";
		argv[argc++] = "-accept";
		argv[argc++] = "PORT";
		argv[argc++] = "-cert";
		argv[argc++] = crt;
		argv[argc++] = "-key";
		argv[argc++] = key;
		argv[argc++] = "-rev";
		for (size_t i = 0; i < n_extra; i++)
			argv[argc++] = (char *)extra[i];
		r = server_start(s, argv, argc);
	}
	free(key);
	free(crt);
	free(openssl);
	return r;
}

static void
tls_server_free(struct server *s)
{
	server_stop(s);
	free(s->log);
	free(s->dir);
}

START_TEST(test_tls_round_trip)
{
	static const char *const needles[] = { "OLLEH" };
	struct asy_conn *c;
	struct asy_buf b;
	struct server s;
	char buf[16];
	long n;

	if (tls_server(&s, NULL, 0) < 0)
		return;
	c = open_ok("127.0.0.1", s.port, 1);
	ck_assert_int_eq(asy_conn_write(c, "hello\n", 6, 5000), 0);
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_conn_expect(c, &b, needles, 1, 5000), 0);
	ck_assert_msg(strstr(b.data, "olleh") != NULL, "%s", b.data);
	/* One byte at a time: the rest of the record is inside OpenSSL, and
	 * a zero timeout must still find it. */
	ck_assert_int_eq(asy_conn_write(c, "abcdef\n", 7, 5000), 0);
	n = asy_conn_read(c, buf, 1, 5000);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(buf[0], 'f');
	for (const char *p = "edcba"; *p != '\0'; p++) {
		ck_assert_int_eq(asy_conn_pending(c), 1);
		n = asy_conn_read(c, buf, 1, 0);
		ck_assert_int_eq(n, 1);
		ck_assert_int_eq(buf[0], *p);
	}
	asy_conn_close(c);
	tls_server_free(&s);
	asy_buf_release(&b);
}
END_TEST

/* The server allows TLS 1.1 at most; we offer 1.2 and later. */
START_TEST(test_tls_old_server)
{
	static const char *const extra[] = { "-cipher", "ALL:@SECLEVEL=0",
	    "-max_protocol", "TLSv1.1", "-min_protocol", "TLSv1" };
	struct asy_conn *c = NULL;
	struct server s;
	char why[200];
	int r;

	if (tls_server(&s, extra, ASY_ELEMENTSOF(extra)) < 0)
		return;
	r = asy_conn_open("127.0.0.1", s.port, 1, 5000, &c, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_PROTO);
	ck_assert_str_eq(why, "TLS handshake failed: alert protocol version");
	ck_assert_ptr_null(c);
	tls_server_free(&s);
}
END_TEST

/* The server dies under an open TLS connection: writes end with
 * ASY_E_CLOSED, reads too, and SIGPIPE does not kill us. */
START_TEST(test_tls_peer_gone)
{
	struct asy_conn *c;
	struct server s;
	char buf[16384];
	int r = 0;
	long n;

	signal(SIGPIPE, SIG_DFL);
	if (tls_server(&s, NULL, 0) < 0)
		return;
	c = open_ok("127.0.0.1", s.port, 1);
	server_stop(&s);
	memset(buf, 'w', sizeof(buf));
	for (int i = 0; i < 50 && r == 0; i++) {
		r = asy_conn_write(c, buf, sizeof(buf), 1000);
		poll(NULL, 0, 10);
	}
	ck_assert_int_eq(r, ASY_E_CLOSED);
	n = asy_conn_read(c, buf, sizeof(buf), 1000);
	ck_assert_int_eq(n, ASY_E_CLOSED);
	asy_conn_close(c);
	tls_server_free(&s);
}
END_TEST

static Suite *
conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc;

	tc = tcase_create("expect");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_expect, 0, (int)ASY_ELEMENTSOF(expects));
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_open_bad, 0,
	    (int)ASY_ELEMENTSOF(bad_addrs));
	tcase_add_test(tc, test_open_refused);
	tcase_add_test(tc, test_open_connect_timeout);
	tcase_add_test(tc, test_open_tls_silent);
	tcase_add_loop_test(tc, test_open_tls_hostile, 0,
	    (int)ASY_ELEMENTSOF(tls_hostile));
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_read);
	tcase_add_test(tc, test_read_timeout);
	tcase_add_test(tc, test_write_big);
	tcase_add_test(tc, test_write_timeout);
	tcase_add_test(tc, test_write_closed);
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tls_round_trip);
	tcase_add_test(tc, test_tls_old_server);
	tcase_add_test(tc, test_tls_peer_gone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(conn_suite());
}
