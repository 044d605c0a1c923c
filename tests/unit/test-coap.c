/*
 * CoAP (harness/coap.c) and its fuzzer (asy_fuzz_coap in harness/fuzz.c).
 *
 * The codec: well-formed messages with extended option deltas and
 * lengths round-trip; a table of crafted malformed datagrams is refused
 * with the reason; every prefix of a message decodes or is refused
 * without reading past its end (the sanitizer build checks that); the
 * encoder refuses what it cannot write; paths become Uri-Path and
 * Uri-Query options; the link format keeps local paths only.
 *
 * The fuzzer against a fake CoAP server in a thread of the test on
 * 127.0.0.1 (UDP, a random port): one that survives everything (PASS: all
 * classes tried, every resource of its /.well-known/core), one that dies
 * on the first datagram over 1,000 bytes (the crash named, the input kept
 * hex-escaped), the case limit, a closed port (why, nothing sent), a
 * path that is not one.  A real coap-server is test-coap-server.
 */
#include <check.h>

#include <pthread.h>

#include "coap.h"
#include "fuzz.h"
#include "ut.h"

/* ---- the codec ---------------------------------------------------------- */

START_TEST(test_roundtrip)
{
	static const unsigned lens[] = { 0, 12, 13, 268, 269, 300, 1000 };
	struct asy_coap_msg m, d;
	struct asy_buf out, val;
	char why[160];

	asy_buf_init(&val, 4096);
	ck_assert_int_eq(asy_buf_printf(&val, "%01000d", 7), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(lens); i++) {
		memset(&m, 0, sizeof(m));
		m.type = ASY_COAP_NON;
		m.code = ASY_COAP_CODE(2, 5);
		m.mid = 0xbeef;
		m.tkl = 8;
		memcpy(m.token, "12345678", 8);
		/* Deltas 11, 1 (small), 20 (13 + 7), 2015 (269 + ...). */
		ck_assert_int_eq(asy_coap_add_opt(&m, 2049, "z", 1), 0);
		ck_assert_int_eq(asy_coap_add_opt(&m, 11, val.data, lens[i]),
		    0);
		ck_assert_int_eq(asy_coap_add_opt(&m, 12, "\x00\x32", 2), 0);
		ck_assert_int_eq(asy_coap_add_opt(&m, 34, NULL, 0), 0);
		m.payload = (const unsigned char *)"hello";
		m.payload_len = 5;
		asy_buf_init(&out, 8192);
		ck_assert_int_eq(asy_coap_encode(&m, &out), 0);
		ck_assert_int_eq(asy_coap_decode((unsigned char *)out.data,
		    out.len, &d, why, sizeof(why)), 0);
		ck_assert_uint_eq(d.type, ASY_COAP_NON);
		ck_assert_uint_eq(d.code, ASY_COAP_CODE(2, 5));
		ck_assert_uint_eq(d.mid, 0xbeef);
		ck_assert_uint_eq(d.tkl, 8);
		ck_assert_mem_eq(d.token, "12345678", 8);
		ck_assert_uint_eq(d.n_opts, 4);
		ck_assert_uint_eq(d.opts[0].num, 11);
		ck_assert_uint_eq(d.opts[0].len, lens[i]);
		ck_assert_uint_eq(d.opts[1].num, 12);
		ck_assert_uint_eq(d.opts[2].num, 34);
		ck_assert_uint_eq(d.opts[2].len, 0);
		ck_assert_uint_eq(d.opts[3].num, 2049);
		ck_assert_uint_eq(d.payload_len, 5);
		ck_assert_mem_eq(d.payload, "hello", 5);
		asy_buf_release(&out);
	}
	asy_buf_release(&val);
}
END_TEST

static const struct {
	const char	*bytes;
	size_t		 len;
	const char	*why;
} bad[] = {
#define B(s, w)	{ (s), sizeof(s) - 1, (w) }
	B("", "shorter than a CoAP header"),
	B("\x40\x01\x00", "shorter than a CoAP header"),
	B("\x80\x01\x00\x00", "version 2, not 1"),
	B("\x00\x01\x00\x00", "version 0, not 1"),
	B("\x49\x01\x00\x00" "123456789", "token length 9"),
	B("\x4f\x01\x00\x00" "123456789012345", "token length 15"),
	B("\x44\x01\x00\x00" "ab", "the token runs past the end"),
	B("\x40\x01\x00\x00\xf1" "x", "the reserved delta 15 at byte 4"),
	B("\x40\x01\x00\x00\xbf" "x", "the reserved length 15 at byte 4"),
	B("\x40\x01\x00\x00\xd0", "the option at byte 4 runs past the end"),
	B("\x40\x01\x00\x00\xe0\x01", "runs past the end"),
	B("\x40\x01\x00\x00\x0e\x01", "runs past the end"),
	B("\x40\x01\x00\x00\xbc" "abc", "says 12 bytes, 3 are left"),
	B("\x40\x01\x00\x00\x0e\xff\xff" "abc", "says 65804 bytes"),
	B("\x40\x01\x00\x00\xb1" "a" "\xe0\xff\xff", "over 65535"),
	B("\x40\x01\x00\x00\xff", "a payload marker at byte 4 with no "
	  "payload"),
	B("\x41\x00\x00\x00" "t", "an empty message"),
	B("\x40\x00\x00\x00\xff" "x", "an empty message"),
#undef B
};

START_TEST(test_malformed)
{
	struct asy_coap_msg m;
	char why[160];

	memset(&m, 0x5a, sizeof(m));
	ck_assert_int_eq(asy_coap_decode((const unsigned char *)bad[_i].bytes,
	    bad[_i].len, &m, why, sizeof(why)), ASY_E_PROTO);
	ck_assert_msg(strstr(why, bad[_i].why) != NULL, "%zu: \"%s\"", (size_t)_i,
	    why);
	/* m is left alone. */
	ck_assert_uint_eq(m.mid, 0x5a5a5a5aU);
}
END_TEST

START_TEST(test_too_many_options)
{
	unsigned char d[4 + 2 * 70];
	struct asy_coap_msg m;
	char why[160];

	memcpy(d, "\x40\x01\x00\x00", 4);
	d[4] = 0xb1;
	d[5] = 'a';
	for (size_t i = 1; i < 70; i++) {
		d[4 + 2 * i] = 0x01;
		d[5 + 2 * i] = 'a';
	}
	ck_assert_int_eq(asy_coap_decode(d, 4 + 2 * ASY_COAP_MAX_OPTS, &m,
	    why, sizeof(why)), 0);
	ck_assert_uint_eq(m.n_opts, ASY_COAP_MAX_OPTS);
	ck_assert_int_eq(asy_coap_decode(d, sizeof(d), &m, why, sizeof(why)),
	    ASY_E_PROTO);
	ck_assert_ptr_nonnull(strstr(why, "more than 64 options"));
}
END_TEST

/* Every prefix of a message, each in its own exact-size allocation so
 * that the sanitizer sees a read past it. */
START_TEST(test_truncated)
{
	struct asy_coap_msg m, d;
	struct asy_buf out;
	char why[160];
	size_t ok = 0;

	memset(&m, 0, sizeof(m));
	m.code = ASY_COAP_GET;
	m.tkl = 3;
	memcpy(m.token, "abc", 3);
	ck_assert_int_eq(asy_coap_set_path(&m, "/sensors/temperature?unit=C"),
	    0);
	ck_assert_int_eq(asy_coap_add_opt(&m, 300, "0123456789abcdef", 16), 0);
	m.payload = (const unsigned char *)"xy";
	m.payload_len = 2;
	asy_buf_init(&out, 4096);
	ck_assert_int_eq(asy_coap_encode(&m, &out), 0);
	for (size_t n = 0; n <= out.len; n++) {
		unsigned char *p = malloc(n ? n : 1);
		int r;

		ck_assert_ptr_nonnull(p);
		memcpy(p, out.data, n);
		r = asy_coap_decode(p, n, &d, why, sizeof(why));
		free(p);
		ck_assert(r == 0 || r == ASY_E_PROTO);
		if (n < 4 + 3)
			ck_assert_int_eq(r, ASY_E_PROTO);
		if (r == 0)
			ok++;
	}
	ck_assert_int_eq(asy_coap_decode((unsigned char *)out.data, out.len,
	    &d, why, sizeof(why)), 0);
	ck_assert_uint_eq(d.n_opts, 4);
	/* Only the cuts at an option's end (and the whole) decode: the
	 * header and token, after each of the 4 options, the payload's
	 * first and second byte.  The cut just after the marker does not. */
	ck_assert_uint_eq(ok, 1 + 4 + 2);
	asy_buf_release(&out);
}
END_TEST

START_TEST(test_encode_refuses)
{
	struct asy_coap_msg m;
	struct asy_buf out;

	asy_buf_init(&out, 1024);
	memset(&m, 0, sizeof(m));
	m.tkl = 9;
	ck_assert_int_eq(asy_coap_encode(&m, &out), ASY_E_INPUT);
	memset(&m, 0, sizeof(m));
	m.n_opts = 2;
	m.opts[0].num = 15;
	m.opts[1].num = 11;
	ck_assert_int_eq(asy_coap_encode(&m, &out), ASY_E_INPUT);
	memset(&m, 0, sizeof(m));
	m.type = 4;
	ck_assert_int_eq(asy_coap_encode(&m, &out), ASY_E_INPUT);
	memset(&m, 0, sizeof(m));
	m.n_opts = 1;
	m.opts[0].num = 11;
	m.opts[0].len = ASY_COAP_MAX_OPT_LEN + 1;
	m.opts[0].val = (const unsigned char *)"x";
	ck_assert_int_eq(asy_coap_encode(&m, &out), ASY_E_INPUT);
	ck_assert_uint_eq(out.len, 0);
	asy_buf_release(&out);
}
END_TEST

START_TEST(test_path)
{
	struct asy_coap_msg m;
	char code[8];

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(asy_coap_set_path(&m, "/a/bc?x=1&&y"), 0);
	ck_assert_uint_eq(m.n_opts, 4);
	ck_assert_uint_eq(m.opts[0].num, ASY_COAP_OPT_URI_PATH);
	ck_assert_mem_eq(m.opts[0].val, "a", 1);
	ck_assert_uint_eq(m.opts[1].len, 2);
	ck_assert_uint_eq(m.opts[2].num, ASY_COAP_OPT_URI_QUERY);
	ck_assert_mem_eq(m.opts[2].val, "x=1", 3);
	ck_assert_mem_eq(m.opts[3].val, "y", 1);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(asy_coap_set_path(&m, "/"), 0);
	ck_assert_uint_eq(m.n_opts, 0);
	ck_assert_int_eq(asy_coap_set_path(&m, "/a/"), 0);
	ck_assert_uint_eq(m.n_opts, 2);
	ck_assert_uint_eq(m.opts[1].len, 0);
	ck_assert_int_eq(asy_coap_set_path(&m, "a"), ASY_E_INPUT);
	ck_assert_str_eq(asy_coap_code_str(ASY_COAP_CODE(4, 4), code,
	    sizeof(code)), "4.04");
	ck_assert_str_eq(asy_coap_code_str(0, code, sizeof(code)), "0.00");
}
END_TEST

START_TEST(test_links)
{
	static const char doc[] = "</a>;rt=\"x,<no>\";title=\"t\", </b/c>;"
	    "if=z,<//evil/x>,<coap://198.18.1.9/x>,</a>,</sp ace>,"
	    "</ok>\n</esc\x1b>,</last>";
	char **v = NULL, big[400];
	size_t n = 0;

	ck_assert_int_eq(asy_coap_links(doc, strlen(doc), 64, &v, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(v[0], "/a");
	ck_assert_str_eq(v[1], "/b/c");
	ck_assert_str_eq(v[2], "/ok");
	ck_assert_str_eq(v[3], "/last");
	asy_coap_links_free(v, n);
	ck_assert_int_eq(asy_coap_links(doc, strlen(doc), 2, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	asy_coap_links_free(v, n);
	/* Broken: stops at the first byte that is not a link. */
	ck_assert_int_eq(asy_coap_links("</x>;a,junk,</y>", 16, 64, &v, &n),
	    0);
	ck_assert_uint_eq(n, 1);
	asy_coap_links_free(v, n);
	ck_assert_int_eq(asy_coap_links("</x", 3, 64, &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	asy_coap_links_free(v, n);
	/* A target over 255 bytes is left out. */
	big[0] = '<';
	big[1] = '/';
	memset(big + 2, 'b', 300);
	memcpy(big + 302, ">,</k>", 6);
	ck_assert_int_eq(asy_coap_links(big, 308, 64, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "/k");
	asy_coap_links_free(v, n);
}
END_TEST

/* ---- a fake CoAP server ------------------------------------------------- */

enum fmode { FM_SURVIVE, FM_DIE_OVER_1000 };

#define FAKE_LINKS	"</status>;rt=\"sensor\",</led>;if=\"actuator\""

struct fake_coap {
	int		 fd;
	int		 stop[2];
	unsigned	 port;
	enum fmode	 mode;
	pthread_t	 th;
	unsigned	 got;		/* datagrams received */
	int		 died;
};

static void
fake_answer(struct fake_coap *f, const unsigned char *d, size_t n,
    const struct sockaddr *from, socklen_t flen)
{
	struct asy_coap_msg m, a;
	struct asy_buf out, path;
	char why[160];

	asy_buf_init(&out, 2048);
	asy_buf_init(&path, 4096);
	if (asy_coap_decode(d, n, &m, why, sizeof(why)) < 0) {
		/* RST when the header can be read at all. */
		if (n >= 4 && d[0] >> 6 == 1) {
			unsigned char rst[4] = { 0x70, 0, d[2], d[3] };

			(void)sendto(f->fd, rst, 4, 0, from, flen);
		}
		goto out;
	}
	if (m.type != ASY_COAP_CON)
		goto out;
	memset(&a, 0, sizeof(a));
	a.type = ASY_COAP_ACK;
	a.mid = m.mid;
	a.tkl = m.tkl;
	memcpy(a.token, m.token, m.tkl);
	for (size_t i = 0; i < m.n_opts; i++) {
		if (m.opts[i].num == ASY_COAP_OPT_URI_PATH) {
			ck_assert_int_eq(asy_buf_putc(&path, '/'), 0);
			ck_assert_int_eq(asy_buf_add(&path, m.opts[i].val,
			    m.opts[i].len), 0);
		} else if (m.opts[i].num & 1 && m.opts[i].num !=
		    ASY_COAP_OPT_URI_QUERY && m.opts[i].num !=
		    ASY_COAP_OPT_BLOCK2 && m.opts[i].num !=
		    ASY_COAP_OPT_URI_HOST) {
			a.code = ASY_COAP_CODE(4, 2);
		}
	}
	if (a.code == 0 && m.code != ASY_COAP_GET)
		a.code = ASY_COAP_CODE(4, 5);
	if (a.code == 0 && path.data != NULL &&
	    strcmp(path.data, "/.well-known/core") == 0) {
		a.code = ASY_COAP_CODE(2, 5);
		a.payload = (const unsigned char *)FAKE_LINKS;
		a.payload_len = strlen(FAKE_LINKS);
	} else if (a.code == 0 && path.data != NULL &&
	    (strcmp(path.data, "/status") == 0 ||
	    strcmp(path.data, "/led") == 0)) {
		a.code = ASY_COAP_CODE(2, 5);
		a.payload = (const unsigned char *)"on";
		a.payload_len = 2;
	} else if (a.code == 0) {
		a.code = ASY_COAP_CODE(4, 4);
	}
	ck_assert_int_eq(asy_coap_encode(&a, &out), 0);
	(void)sendto(f->fd, out.data, out.len, 0, from, flen);
out:
	asy_buf_release(&out);
	asy_buf_release(&path);
}

static void *
fake_main(void *arg)
{
	struct fake_coap *f = arg;
	unsigned char d[65536];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = f->fd, .events = POLLIN },
			{ .fd = f->stop[0], .events = POLLIN },
		};
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		n = recvfrom(f->fd, d, sizeof(d), 0,
		    (struct sockaddr *)&from, &flen);
		if (n < 0)
			continue;
		f->got++;
		if (f->mode == FM_DIE_OVER_1000 && n > 1000) {
			/* Dead: the port closes, ICMP unreachable from now. */
			close(f->fd);
			f->fd = -1;
			f->died = 1;
			break;
		}
		fake_answer(f, d, (size_t)n, (struct sockaddr *)&from, flen);
	}
	return NULL;
}

static void
fake_start(struct fake_coap *f, enum fmode mode)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&a, &len), 0);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(f->stop), 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake_coap *f)
{
	ck_assert_int_eq(write(f->stop[1], "x", 1), 1);
	pthread_join(f->th, NULL);
	if (f->fd >= 0)
		close(f->fd);
	close(f->stop[0]);
	close(f->stop[1]);
}

/* A UDP port nobody listens on (bound, then closed). */
static unsigned
closed_udp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

struct frun {
	char			*dir, *tr, *crash;
	struct asy_fuzz_opts	 o;
	struct asy_fuzz_result	 r;
	int			 ret;
};

static void
frun_init(struct frun *x, unsigned port, const char *path)
{
	memset(x, 0, sizeof(*x));
	x->dir = ut_tmpdir();
	x->tr = asy_path_join(x->dir, "tr.txt");
	x->crash = asy_path_join(x->dir, "crash.txt");
	x->o.addr = "127.0.0.1";
	x->o.port = port;
	x->o.path = path;
	x->o.max_cases = 1000;
	x->o.budget_ms = 120000;
	x->o.timeout_ms = 400;
	x->o.transcript = x->tr;
	x->o.crash_file = x->crash;
}

static void
frun_end(struct frun *x)
{
	asy_fuzz_result_release(&x->r);
	free(x->tr);
	free(x->crash);
	free(x->dir);
}

/* Every class of the table, as the transcript names it. */
static const char *const class_names[] = {
	"version-0", "version-2", "version-3", "token-length-9",
	"token-length-12", "token-length-15", "option-delta-15",
	"option-length-15", "option-delta-ext-past-end",
	"option-length-ext-past-end", "option-length-past-end",
	"option-length-huge", "option-number-over-65535",
	"payload-marker-alone", "uri-path-segment-256",
	"uri-path-segment-1200", "uri-path-500-segments",
	"uri-path-traversal", "uri-path-format-string",
	"uri-query-format-string", "uri-query-format-width",
	"uri-query-traversal", "uri-query-shell", "uri-query-sql",
	"uri-query-markup", "uri-query-nul", "content-format-4-bytes",
	"content-format-65535", "block2-huge", "block2-szx-7",
	"block2-4-bytes", "accept-huge", "critical-option-9",
	"critical-option-2049", "critical-option-65535", "uri-host-1000",
	"truncated-1", "truncated-3", "truncated-in-token",
	"truncated-in-option", "empty-with-token", "empty-with-payload",
	"code-reserved-class", "ack-unknown-id", "reset-unknown-id",
	"random-1400", "random-1400-after-header",
};

START_TEST(test_fuzz_survives)
{
	struct fake_coap f;
	struct frun x;
	char needle[96];

	fake_start(&f, FM_SURVIVE);
	frun_init(&x, f.port, "/status");
	x.ret = asy_fuzz_coap(&x.o, &x.r);
	fake_stop(&f);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_msg(x.r.why == NULL, "%s", x.r.why);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_int_eq(x.r.leaked, 0);
	ck_assert_uint_gt(x.r.sent, 60);
	ck_assert_uint_eq(x.r.answered + x.r.no_answer, x.r.sent);
	/* The truncated ones under 4 bytes get no RST from the fake. */
	ck_assert_uint_ge(x.r.no_answer, 2);
	ck_assert(!ut_exists(x.crash));
	for (size_t i = 0; i < ASY_ELEMENTSOF(class_names); i++) {
		snprintf(needle, sizeof(needle), " class=%s ", class_names[i]);
		ck_assert_msg(ut_file_has(x.tr, needle), "%s not tried",
		    class_names[i]);
	}
	/* The declared resource and both links got the per-resource ones;
	 * /.well-known/core itself is not a target. */
	ck_assert(ut_file_has(x.tr, "# resource /status\n"));
	ck_assert(ut_file_has(x.tr, "# resource /led\n"));
	ck_assert(ut_file_has(x.tr, "resource=/led class=uri-query-shell "));
	ck_assert(!ut_file_has(x.tr, "# resource /.well-known/core"));
	ck_assert(ut_file_has(x.tr, "resource=/status class=critical-option-9 bytes=17 "
	    "answer=4.02"));
	ck_assert(ut_file_has(x.tr, "class=version-2 bytes=15 "
	    "answer=none"));
	ck_assert(ut_file_has(x.tr, "# +"));
	ck_assert(ut_file_has(x.tr, " done: sent="));
	frun_end(&x);
}
END_TEST

START_TEST(test_fuzz_dies)
{
	struct fake_coap f;
	struct frun x;
	struct asy_buf c;

	fake_start(&f, FM_DIE_OVER_1000);
	frun_init(&x, f.port, NULL);
	x.ret = asy_fuzz_coap(&x.o, &x.r);
	fake_stop(&f);
	ck_assert_int_eq(x.ret, 0);
	ck_assert(f.died);
	ck_assert_int_eq(x.r.crashed, 1);
	ck_assert_ptr_nonnull(x.r.crash_what);
	/* The first datagram over 1,000 bytes in the table. */
	ck_assert_msg(strstr(x.r.crash_what, "(uri-path-segment-1200)") !=
	    NULL, "%s", x.r.crash_what);
	ck_assert_ptr_nonnull(strstr(x.r.why, "stopped answering after"));
	ck_assert(ut_file_has(x.tr, "the service stopped answering after"));
	asy_buf_init(&c, 1 << 20);
	ck_assert_int_eq(asy_buf_load_file(&c, x.crash), 0);
	ck_assert_ptr_nonnull(strstr(c.data, "uri-path-segment-1200"));
	ck_assert_ptr_nonnull(strstr(c.data, "1211 bytes"));
	/* Every byte hex-escaped: the header of a CON GET with a 4-byte
	 * token, the Uri-Path of 1200 bytes (delta 11, length 14 + 931). */
	ck_assert_ptr_nonnull(strstr(c.data, "\n\\x44\\x01"));
	ck_assert_ptr_nonnull(strstr(c.data, "\\xbe\\x03\\xa3\\x53\\x53"));
	for (size_t i = strcspn(c.data, "\n") + 1; i < c.len; i++)
		ck_assert(c.data[i] == '\\' || c.data[i] == 'x' ||
		    c.data[i] == '\n' || (c.data[i] >= '0' &&
		    c.data[i] <= '9') || (c.data[i] >= 'a' &&
		    c.data[i] <= 'f'));
	asy_buf_release(&c);
	frun_end(&x);
}
END_TEST

START_TEST(test_fuzz_limit)
{
	struct fake_coap f;
	struct frun x;

	fake_start(&f, FM_SURVIVE);
	frun_init(&x, f.port, "/status");
	x.o.max_cases = 7;
	x.ret = asy_fuzz_coap(&x.o, &x.r);
	fake_stop(&f);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_uint_eq(x.r.sent, 7);
	ck_assert_int_eq(x.r.crashed, 0);
	frun_end(&x);
}
END_TEST

START_TEST(test_fuzz_down)
{
	struct frun x;

	frun_init(&x, closed_udp_port(), NULL);
	x.ret = asy_fuzz_coap(&x.o, &x.r);
	ck_assert_int_eq(x.ret, 0);
	ck_assert_uint_eq(x.r.sent, 0);
	ck_assert_int_eq(x.r.crashed, 0);
	ck_assert_ptr_nonnull(x.r.why);
	ck_assert_ptr_nonnull(strstr(x.r.why, "the baseline GET "
	    "/.well-known/core got no answer"));
	frun_end(&x);
}
END_TEST

START_TEST(test_fuzz_bad_opts)
{
	struct frun x;

	frun_init(&x, 5683, "no-slash");
	ck_assert_int_eq(asy_fuzz_coap(&x.o, &x.r), ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(x.r.why, "not a CoAP resource path"));
	asy_fuzz_result_release(&x.r);
	x.o.path = NULL;
	x.o.port = 0;
	ck_assert_int_eq(asy_fuzz_coap(&x.o, &x.r), ASY_E_INPUT);
	ck_assert_str_eq(x.r.why, "no address or port");
	frun_end(&x);
}
END_TEST

START_TEST(test_get)
{
	struct asy_coap_answer a;
	struct fake_coap f;
	char why[160];

	fake_start(&f, FM_SURVIVE);
	ck_assert_int_eq(asy_coap_get("127.0.0.1", f.port, "/.well-known/core",
	    2000, 10, &a, why, sizeof(why)), 1);
	ck_assert_uint_eq(a.code, ASY_COAP_CODE(2, 5));
	/* Capped at 10 bytes. */
	ck_assert_uint_eq(a.payload.len, 10);
	ck_assert_mem_eq(a.payload.data, FAKE_LINKS, 10);
	asy_coap_answer_release(&a);
	ck_assert_int_eq(asy_coap_get("127.0.0.1", f.port, "/nope", 2000,
	    100, &a, why, sizeof(why)), 1);
	ck_assert_uint_eq(a.code, ASY_COAP_CODE(4, 4));
	asy_coap_answer_release(&a);
	fake_stop(&f);
	ck_assert_int_eq(asy_coap_get("127.0.0.1", closed_udp_port(), "/",
	    300, 100, &a, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_coap_get("not-an-address", 5683, "/", 300, 100,
	    &a, why, sizeof(why)), ASY_E_INPUT);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("coap");
	TCase *codec = tcase_create("codec");
	TCase *fuzz = tcase_create("fuzz");

	tcase_add_test(codec, test_roundtrip);
	tcase_add_loop_test(codec, test_malformed, 0,
	    (int)ASY_ELEMENTSOF(bad));
	tcase_add_test(codec, test_too_many_options);
	tcase_add_test(codec, test_truncated);
	tcase_add_test(codec, test_encode_refuses);
	tcase_add_test(codec, test_path);
	tcase_add_test(codec, test_links);
	tcase_set_timeout(fuzz, 60);
	tcase_add_test(fuzz, test_get);
	tcase_add_test(fuzz, test_fuzz_survives);
	tcase_add_test(fuzz, test_fuzz_dies);
	tcase_add_test(fuzz, test_fuzz_limit);
	tcase_add_test(fuzz, test_fuzz_down);
	tcase_add_test(fuzz, test_fuzz_bad_opts);
	suite_add_tcase(s, codec);
	suite_add_tcase(s, fuzz);
	return ut_main(s);
}
