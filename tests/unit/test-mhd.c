/*
 * The libmicrohttpd adapter (harness/mhd.c) on loopback, over raw
 * sockets: addresses it parses and refuses; a daemon on port 0 with one
 * polling thread and with a pool, whose handler sees the request target
 * as sent (not percent-decoded) and whose optional callbacks all get the
 * caller's cls; the start messages libmicrohttpd gives when the port is
 * taken (ASY_E_IO, "in use") and when the TLS material is garbage
 * (ASY_E_INPUT); a good certificate starts.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "mhd.h"
#include "pki.h"
#include "ut.h"

/* ---- a server that answers with the target it saw ------------------------ */

struct seen {
	pthread_mutex_t	mu;
	int		uri;		/* on_uri calls with our cls */
	int		completed;	/* on_completed calls */
	int		started;	/* connections started */
	int		closed;		/* ... and closed */
	int		wrong_cls;	/* a callback got another cls */
};

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct seen *s = cls;

	pthread_mutex_lock(&s->mu);
	s->uri++;
	pthread_mutex_unlock(&s->mu);
	return s;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct seen *s = cls;

	pthread_mutex_lock(&s->mu);
	s->completed++;
	if (*req_cls != s)
		s->wrong_cls++;
	pthread_mutex_unlock(&s->mu);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **sock_cls,
    enum MHD_ConnectionNotificationCode toe)
{
	struct seen *s = cls;

	pthread_mutex_lock(&s->mu);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		s->started++;
	else
		s->closed++;
	pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	r = MHD_create_response_from_buffer(strlen(url), (void *)url,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/* Send req to 127.0.0.1:port and read the answer to its end. */
static void
fetch(unsigned port, const char *req, struct asy_buf *out)
{
	asy_buf_init(out, 65536);
	ck_assert_int_eq(asy_buf_puts(out, ""), 0);
	ut_raw_exchange(port, req, strlen(req), out, 10000);
}

/* ---- addresses ----------------------------------------------------------- */

static const struct {
	const char	*addr;
	unsigned	 port;
	int		 want;
	int		 family;
} addrs[] = {
	{ "127.0.0.1", 8080, 0, AF_INET },
	{ "::1", 443, 0, AF_INET6 },
	{ "0.0.0.0", 0, 0, AF_INET },
	{ "fd00::7", 65535, 0, AF_INET6 },
	{ "localhost", 80, ASY_E_INPUT, 0 },
	{ "999.1.1.1", 80, ASY_E_INPUT, 0 },
	{ "", 80, ASY_E_INPUT, 0 },
	{ NULL, 80, ASY_E_INPUT, 0 },
	{ "127.0.0.1", 65536, ASY_E_INPUT, 0 },
};

START_TEST(test_parse_addr)
{
	struct sockaddr_storage ss;
	unsigned port;
	int r;

	r = asy_mhd_parse_addr(addrs[_i].addr, addrs[_i].port, &ss);
	ck_assert_msg(r == addrs[_i].want, "%s: %d", addrs[_i].addr, r);
	if (r < 0)
		return;
	ck_assert_int_eq(ss.ss_family, addrs[_i].family);
	port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	ck_assert_uint_eq(port, addrs[_i].port);
}
END_TEST

/* ---- serving ------------------------------------------------------------- */

static const unsigned pools[] = { 0, 3 };

START_TEST(test_serve)
{
	struct sockaddr_storage ss;
	struct asy_mhd_opts o = { .threads = pools[_i], .conns = 8,
	    .timeout_s = 10, .handler = on_request, .on_uri = on_uri,
	    .on_completed = on_completed, .on_connection = on_connection };
	struct asy_mhd *m = NULL;
	struct seen s = { .uri = 0 };
	struct asy_buf b;
	char msg[ASY_MHD_MSG] = "";

	pthread_mutex_init(&s.mu, NULL);
	o.cls = &s;
	ck_assert_int_eq(asy_mhd_parse_addr("127.0.0.1", 0, &ss), 0);
	o.addr = &ss;
	ck_assert_int_eq(asy_mhd_start(&o, &m, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_ne(asy_mhd_port(m), 0);
	/* The target as sent: %41 stays, the query is not part of it. */
	fetch(asy_mhd_port(m), "GET /a%41b%00c?x=%42 HTTP/1.0\r\n\r\n", &b);
	ck_assert_msg(strncmp(b.data, "HTTP/1.1 200 ", 13) == 0, "%s", b.data);
	ck_assert_msg(strstr(b.data, "\r\n\r\n/a%41b%00c") != NULL, "%s",
	    b.data);
	asy_buf_release(&b);
	fetch(asy_mhd_port(m), "GET /two HTTP/1.0\r\n\r\n", &b);
	ck_assert_msg(strstr(b.data, "\r\n\r\n/two") != NULL, "%s", b.data);
	asy_buf_release(&b);
	/* Stopping joins the daemon's threads: every callback has run. */
	asy_mhd_stop(m);
	ck_assert_int_eq(s.uri, 2);
	ck_assert_int_eq(s.completed, 2);
	ck_assert_int_eq(s.started, 2);
	ck_assert_int_eq(s.closed, 2);
	ck_assert_int_eq(s.wrong_cls, 0);
	pthread_mutex_destroy(&s.mu);
	asy_mhd_stop(NULL);
}
END_TEST

/* ---- start failures ------------------------------------------------------ */

START_TEST(test_port_in_use)
{
	struct sockaddr_storage ss;
	struct asy_mhd_opts o = { .conns = 4, .timeout_s = 5,
	    .handler = on_request };
	struct asy_mhd *m = NULL;
	char msg[ASY_MHD_MSG] = "";
	unsigned port;
	int fd, r;

	fd = ut_listen_lo(&port);
	ck_assert_int_eq(asy_mhd_parse_addr("127.0.0.1", port, &ss), 0);
	o.addr = &ss;
	r = asy_mhd_start(&o, &m, msg, sizeof(msg));
	ck_assert_msg(r == ASY_E_IO, "%d (%s)", r, msg);
	ck_assert_ptr_null(m);
	/* libmicrohttpd's own words, one line. */
	ck_assert_msg(strstr(msg, "in use") != NULL, "msg: %s", msg);
	ck_assert_ptr_null(strchr(msg, '\n'));
	/* A message buffer too small is cut, never overrun. */
	memset(msg, 'x', sizeof(msg));
	r = asy_mhd_start(&o, &m, msg, 8);
	ck_assert_int_eq(r, ASY_E_IO);
	ck_assert_uint_eq(strlen(msg), 7);
	ck_assert_int_eq(msg[8], 'x');
	close(fd);
}
END_TEST

START_TEST(test_tls)
{
	const char *names[] = { "127.0.0.1" };
	struct asy_pki_pair ca = { 0 }, a = { 0 };
	struct sockaddr_storage ss;
	struct asy_mhd_opts o = { .conns = 4, .timeout_s = 5,
	    .handler = on_request };
	struct asy_mhd *m = NULL;
	char msg[ASY_MHD_MSG] = "";
	int r;

	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "libmicrohttpd lacks TLS: test_tls skipped\n");
		return;
	}
	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, msg, sizeof(msg)), 0);
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &a, msg, sizeof(msg)),
	    0);
	ck_assert_int_eq(asy_mhd_parse_addr("127.0.0.1", 0, &ss), 0);
	o.addr = &ss;
	o.cert_pem = "garbage";
	o.key_pem = a.key_pem;
	r = asy_mhd_start(&o, &m, msg, sizeof(msg));
	ck_assert_msg(r == ASY_E_INPUT, "garbage cert: %d (%s)", r, msg);
	ck_assert_ptr_null(m);
	ck_assert_msg(msg[0] != '\0', "no message");
	o.cert_pem = a.cert_pem;
	r = asy_mhd_start(&o, &m, msg, sizeof(msg));
	ck_assert_msg(r == 0, "good cert: %d (%s)", r, msg);
	ck_assert_uint_ne(asy_mhd_port(m), 0);
	asy_mhd_stop(m);
	asy_pki_pair_release(&a);
	asy_pki_pair_release(&ca);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("mhd");
	TCase *tc = tcase_create("mhd");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_parse_addr, 0,
	    (int)ASY_ELEMENTSOF(addrs));
	tcase_add_loop_test(tc, test_serve, 0, (int)ASY_ELEMENTSOF(pools));
	tcase_add_test(tc, test_port_in_use);
	tcase_add_test(tc, test_tls);
	suite_add_tcase(su, tc);
	return ut_main(su);
}
