/*
 * The rogue update server (harness/updsrv.c) on loopback, fetched with
 * libcurl and raw sockets.
 *
 * Ports: a free one is found by binding port 0 and closing it; the start
 * is retried on ASY_E_IO in case someone took it in between.
 *
 * Serving: files over HTTP (GET, HEAD, an empty file, a query string)
 * and over HTTPS with a certificate from asy_pki_issue() for 127.0.0.1
 * (curl trusting the CA gets the file; curl trusting another CA fails,
 * which shows as a bare connection and no request).  The cut: a short
 * body, curl error 18, whole 0 and sent == cut_after, over HTTP and TLS.
 * 404, 405 (with Allow), 503 past max_requests, a request body over
 * 64 KiB (the connection is closed).  Variants: a swap resets the
 * counters, old paths are gone, and a slow download that started before
 * the swap finishes with the old file without touching the new
 * counters.  asy_updsrv_wait after a fetch and its timeout;
 * asy_updsrv_times.  The request log: one line per request, the format of
 * updsrv.h, hostile header values and request targets escaped (no byte
 * outside printable ASCII but the newline), values capped, at most 32
 * headers, a line for a connection without a request.  A flood of 50
 * idle connections against a limit of 8; then the server still serves.
 * IPv6 on ::1 when the host has it.  Bad options and file sets.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "pki.h"
#include "updsrv.h"
#include "ut.h"

#define BIG_LEN		(100 * 1000)
#define SLOW_LEN	(4 * 1024 * 1024)

/* ---- helpers ------------------------------------------------------------- */

/* A port nobody listens on right now at addr, or 0. */
static unsigned
free_port(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, v6 = strchr(addr, ':') != NULL;
	unsigned port = 0;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return 0;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return 0;
		len = sizeof(*a);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&ss, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = v6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
		    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	close(fd);
	return port;
}

/* Start with o (port filled in here); fails the test if it cannot. */
static struct asy_updsrv *
srv_start(struct asy_updsrv_opts *o)
{
	struct asy_updsrv *s = NULL;
	char why[512] = "";
	int r = ASY_E_IO;

	for (int tries = 0; tries < 10 && r == ASY_E_IO; tries++) {
		o->port = free_port(o->addr);
		ck_assert_uint_ne(o->port, 0);
		r = asy_updsrv_start(o, &s, why, sizeof(why));
	}
	ck_assert_msg(r == 0, "cannot start on %s: %d %s", o->addr, r, why);
	ck_assert_ptr_nonnull(s);
	return s;
}

struct got {
	CURLcode	 rc;
	long		 status;
	struct asy_buf	 body;
	struct asy_buf	 head;		/* response headers */
	char		 err[CURL_ERROR_SIZE];
};

struct req {
	const char		*method;	/* NULL: GET */
	const char		*ca_pem;	/* HTTPS: trust this CA */
	struct curl_slist	*hdrs;
	const char		*post;		/* a body */
	size_t			 post_len;
	curl_off_t		 max_speed;	/* bytes/s, 0: no limit */
	long			 tls_min;	/* CURL_SSLVERSION_..., 0: any */
	long			 tls_max;	/* CURL_SSLVERSION_MAX_..., 0 */
	const char		*ciphers;	/* OpenSSL cipher list */
};

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	struct asy_buf *b = cls;

	if (asy_buf_add(b, p, size * n) < 0)
		return 0;
	return size * n;
}

static void
got_release(struct got *g)
{
	asy_buf_release(&g->body);
	asy_buf_release(&g->head);
}

/* Fetch scheme://host:port path with curl; g is filled, never fails. */
static void
fetch(const char *scheme, const char *host, unsigned port, const char *path,
    const struct req *rq, struct got *g)
{
	static const struct req plain = { NULL };
	char url[512];
	struct curl_blob blob;
	CURL *c;

	if (rq == NULL)
		rq = &plain;
	memset(g, 0, sizeof(*g));
	asy_buf_init(&g->body, (size_t)16 << 20);
	asy_buf_init(&g->head, 64 * 1024);
	snprintf(url, sizeof(url), "%s://%s:%u%s", scheme, host, port, path);
	c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 8000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &g->head);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, g->err);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "assay-test");
	if (rq->ca_pem != NULL) {
		blob.data = (void *)rq->ca_pem;
		blob.len = strlen(rq->ca_pem);
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (rq->tls_min != 0 || rq->tls_max != 0)
		curl_easy_setopt(c, CURLOPT_SSLVERSION, rq->tls_min |
		    rq->tls_max);
	if (rq->ciphers != NULL)
		curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, rq->ciphers);
	if (rq->method != NULL && strcmp(rq->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (rq->method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	if (rq->post != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)rq->post_len);
	}
	if (rq->hdrs != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, rq->hdrs);
	if (rq->max_speed > 0) {
		curl_easy_setopt(c, CURLOPT_MAX_RECV_SPEED_LARGE,
		    rq->max_speed);
		curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 16384L);
	}
	g->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g->status);
	curl_easy_cleanup(c);
}

static void
get_http(unsigned port, const char *path, const struct req *rq,
    struct got *g)
{
	fetch("http", "127.0.0.1", port, path, rq, g);
}

/* Wait (at most ms) until the stats satisfy cond. */
#define WAIT_STATS(s, st, cond, ms) do {				\
	long long dl_ = ut_now_ms() + (ms);				\
	for (;;) {							\
		asy_updsrv_stats((s), &(st));				\
		if ((cond) || ut_now_ms() > dl_)			\
			break;						\
		poll(NULL, 0, 10);					\
	}								\
} while (0)

/* Lines in the file at path that contain needle (NULL: all lines). */
static size_t
count_lines(const char *path, const char *needle)
{
	struct asy_buf b;
	size_t n = 0;
	char *p;

	ut_load(path, &b);
	p = b.data;
	while (*p != '\0') {
		char *nl = strchr(p, '\n');

		if (nl == NULL)
			break;
		*nl = '\0';
		if (needle == NULL || strstr(p, needle) != NULL)
			n++;
		p = nl + 1;
	}
	asy_buf_release(&b);
	return n;
}

/* Wait until the log at path has want lines with needle; their count. */
static size_t
wait_lines(const char *path, const char *needle, size_t want, int ms)
{
	long long dl = ut_now_ms() + ms;
	size_t n;

	for (;;) {
		n = count_lines(path, needle);
		if (n >= want || ut_now_ms() > dl)
			return n;
		poll(NULL, 0, 10);
	}
}

/* Every byte of the log printable ASCII or a newline ending a line. */
static void
assert_log_clean(const char *path)
{
	struct asy_buf b;

	ut_load(path, &b);
	ck_assert_uint_gt(b.len, 0);
	ck_assert_int_eq(b.data[b.len - 1], '\n');
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		ck_assert_msg((c >= 0x20 && c < 0x7f) || c == '\n',
		    "byte 0x%02x at %zu in the log", c, i);
	}
	asy_buf_release(&b);
}

static char *
make_big(size_t n)
{
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)((i * 7 + i / 251) & 0xff);
	return p;
}

static const char MANIFEST[] = "{\"version\":\"1.2.3\",\"url\":\"/fw.bin\"}";

/* ---- plain HTTP ---------------------------------------------------------- */

START_TEST(test_http_serve)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	char *big = make_big(BIG_LEN);
	struct asy_updsrv_file files[] = {
		{ "/h1/manifest.json", MANIFEST, sizeof(MANIFEST) - 1,
		    "application/json", (size_t)-1 },
		{ "/fw.bin", big, BIG_LEN, NULL, (size_t)-1 },
		{ "/empty", "", 0, NULL, (size_t)-1 },
	};
	struct req head = { .method = "HEAD" };
	struct got g;
	double t[8];

	s = srv_start(&o);
	/* Nothing set yet: everything is 404. */
	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert_int_eq(g.rc, CURLE_OK);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.not_found, 1);

	ck_assert_int_eq(asy_updsrv_set(s, "v1", files, 3), 0);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 0);
	ck_assert_uint_eq(st.not_found, 0);
	/* The caller's copies may go: the server copied them. */
	memset(big, 0, BIG_LEN);
	free(big);
	big = make_big(BIG_LEN);

	get_http(o.port, "/h1/manifest.json?device=42&fw=1.0", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_str_eq(g.body.data, MANIFEST);
	ck_assert_ptr_nonnull(strstr(g.head.data,
	    "Content-Type: application/json"));
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 2000), 0);

	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, BIG_LEN);
	ck_assert_int_eq(memcmp(g.body.data, big, BIG_LEN), 0);
	ck_assert_ptr_nonnull(strstr(g.head.data,
	    "Content-Type: application/octet-stream"));
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 1, 2000), 0);

	fetch("http", "127.0.0.1", o.port, "/fw.bin", &head, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, 0);
	ck_assert_ptr_nonnull(strstr(g.head.data, "Content-Length: 100000"));
	got_release(&g);

	get_http(o.port, "/empty", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, 0);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 2, 2000), 0);

	/* Paths match exactly, byte for byte. */
	get_http(o.port, "/fw.bin/", NULL, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	get_http(o.port, "/FW.BIN", NULL, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	get_http(o.port, "/fw%2Ebin", NULL, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);

	WAIT_STATS(s, st, st.whole[1] == 1 && st.gets[1] == 2, 2000);
	ck_assert_uint_eq(st.requests, 7);
	ck_assert_uint_eq(st.not_found, 3);
	ck_assert_uint_eq(st.gets[0], 1);
	ck_assert_uint_eq(st.gets[1], 2);
	ck_assert_uint_eq(st.gets[2], 1);
	ck_assert_uint_eq(st.whole[0], 1);
	ck_assert_uint_eq(st.whole[1], 1);	/* HEAD sends no body */
	ck_assert_uint_eq(st.whole[2], 1);
	ck_assert_uint_eq(st.sent[0], sizeof(MANIFEST) - 1);
	ck_assert_uint_eq(st.sent[1], BIG_LEN);
	ck_assert_uint_eq(st.sent[2], 0);
	ck_assert(st.first[0] > 0 && st.first[1] >= st.first[0]);
	ck_assert(st.first[3] == 0);
	ck_assert_uint_ge(st.conns, 7);
	ck_assert_uint_eq(st.conns_bare, 0);

	/* asy_updsrv_times: every request, oldest first, at most max. */
	ck_assert_uint_eq(asy_updsrv_times(s, 1, t, 8), 2);
	ck_assert(t[0] == st.first[1] && t[1] >= t[0]);
	ck_assert(t[1] <= (double)asy_now_ms() / 1000.0);
	ck_assert_uint_eq(asy_updsrv_times(s, 1, t, 1), 1);
	ck_assert_uint_eq(asy_updsrv_times(s, 3, t, 8), 0);
	ck_assert_uint_eq(asy_updsrv_times(s, ASY_UPDSRV_MAX_FILES, t, 8), 0);

	asy_updsrv_stop(s);
	free(big);
}
END_TEST

START_TEST(test_wait_timeout)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv_file f = { "/m", "x", 1, NULL, (size_t)-1 };
	struct asy_updsrv *s;
	long long t0, dt;
	struct got g;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "v1", &f, 1), 0);
	t0 = ut_now_ms();
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 200), ASY_E_TIMEOUT);
	dt = ut_now_ms() - t0;
	ck_assert_msg(dt >= 190 && dt < 2000, "waited %lld ms", dt);
	/* Another path does not end the wait for file 0. */
	get_http(o.port, "/other", NULL, &g);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 200), ASY_E_TIMEOUT);
	ck_assert_int_eq(asy_updsrv_wait(s, ASY_UPDSRV_MAX_FILES, 10),
	    ASY_E_TIMEOUT);
	get_http(o.port, "/m", NULL, &g);
	got_release(&g);
	t0 = ut_now_ms();
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 5000), 0);
	ck_assert_int_lt(ut_now_ms() - t0, 2000);
	/* Once ended it stays so until the next set. */
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 0), 0);
	ck_assert_int_eq(asy_updsrv_set(s, "v2", &f, 1), 0);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 50), ASY_E_TIMEOUT);
	asy_updsrv_stop(s);
}
END_TEST

/* A fetch from another thread, to wait for while it runs. */
struct bg {
	unsigned	 port;
	const char	*path;
	struct req	 rq;
	struct got	 g;
};

static void *
bg_fetch(void *arg)
{
	struct bg *b = arg;

	get_http(b->port, b->path, &b->rq, &b->g);
	return NULL;
}

START_TEST(test_wait_during_fetch)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	char *big = make_big(SLOW_LEN);
	struct asy_updsrv_file f = { "/slow", big, SLOW_LEN, NULL,
	    (size_t)-1 };
	struct asy_updsrv *s;
	struct bg b = { 0 };
	pthread_t th;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "v1", &f, 1), 0);
	b.port = o.port;
	b.path = "/slow";
	b.rq.max_speed = 8 * 1024 * 1024;
	ck_assert_int_eq(pthread_create(&th, NULL, bg_fetch, &b), 0);
	/* The response ends while we wait: woken, not timed out. */
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 8000), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(b.g.rc == CURLE_OK, "%s", b.g.err);
	ck_assert_uint_eq(b.g.body.len, SLOW_LEN);
	got_release(&b.g);
	asy_updsrv_stop(s);
	free(big);
}
END_TEST

/* ---- the cut ------------------------------------------------------------- */

static const size_t cuts[] = { 1000, 0, 1, BIG_LEN - 1 };

START_TEST(test_cut)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	char *big = make_big(BIG_LEN);
	size_t cut = cuts[_i];
	struct asy_updsrv_file f[] = {
		{ "/fw.bin", big, BIG_LEN, NULL, cut },
		/* A cut past the end sends everything. */
		{ "/whole", big, 10, NULL, 10 },
	};
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct got g;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "cut", f, 2), 0);
	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert_msg(g.rc == CURLE_PARTIAL_FILE, "cut %zu: curl %d %s", cut,
	    g.rc, g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, cut);
	ck_assert(cut == 0 || memcmp(g.body.data, big, cut) == 0);
	/* The announced length is the whole file. */
	ck_assert_ptr_nonnull(strstr(g.head.data, "Content-Length: 100000"));
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 2000), 0);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.gets[0], 1);
	ck_assert_uint_eq(st.whole[0], 0);
	ck_assert_uint_eq(st.sent[0], cut);

	get_http(o.port, "/whole", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_uint_eq(g.body.len, 10);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 1, 2000), 0);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.whole[1], 1);
	ck_assert_uint_eq(st.sent[1], 10);
	asy_updsrv_stop(s);
	free(big);
}
END_TEST

/* ---- statuses ------------------------------------------------------------ */

START_TEST(test_statuses)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1", .max_requests = 12 };
	struct asy_updsrv_file f = { "/fw.bin", "firmware", 8, NULL,
	    (size_t)-1 };
	static const char *methods[] = { "POST", "PUT", "DELETE", "OPTIONS",
	    "get", "BREW" };
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct req rq = { 0 };
	struct got g;
	char *upload;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "v1", &f, 1), 0);
	get_http(o.port, "/nope", NULL, &g);
	ck_assert_int_eq(g.rc, CURLE_OK);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	for (size_t i = 0; i < ASY_ELEMENTSOF(methods); i++) {
		rq.method = methods[i];
		get_http(o.port, "/fw.bin", &rq, &g);
		ck_assert_msg(g.rc == CURLE_OK, "%s: %s", methods[i], g.err);
		ck_assert_msg(g.status == 405, "%s: %ld", methods[i],
		    g.status);
		ck_assert_ptr_nonnull(strstr(g.head.data,
		    "Allow: GET, HEAD"));
		got_release(&g);
	}
	/* A small body is read and dropped; the answer comes after it. */
	rq.method = NULL;
	rq.post = "a=1&b=2";
	rq.post_len = 7;
	get_http(o.port, "/fw.bin", &rq, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 405);
	got_release(&g);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 8);
	ck_assert_uint_eq(st.not_found, 1);
	ck_assert_uint_eq(st.gets[0], 0);

	/* Over 64 KiB of body: closed without an answer. */
	upload = make_big(1 << 20);
	rq.post = upload;
	rq.post_len = 1 << 20;
	get_http(o.port, "/fw.bin", &rq, &g);
	ck_assert_msg(g.rc != CURLE_OK, "a 1 MiB body was answered");
	got_release(&g);
	free(upload);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 8);

	/* max_requests 12 counts the 8 answered: 4 more, then 503. */
	for (int i = 0; i < 4; i++) {
		get_http(o.port, "/fw.bin", NULL, &g);
		ck_assert_int_eq(g.status, 200);
		got_release(&g);
	}
	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert_int_eq(g.rc, CURLE_OK);
	ck_assert_int_eq(g.status, 503);
	got_release(&g);
	/* In all: a new variant does not lift it. */
	ck_assert_int_eq(asy_updsrv_set(s, "v2", &f, 1), 0);
	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert_int_eq(g.status, 503);
	got_release(&g);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 1);
	ck_assert_uint_eq(st.gets[0], 0);
	asy_updsrv_stop(s);
}
END_TEST

/* ---- variants ------------------------------------------------------------ */

START_TEST(test_variants)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	char *big = make_big(SLOW_LEN);
	struct asy_updsrv_file v1[] = {
		{ "/m", "one", 3, NULL, (size_t)-1 },
		{ "/slow", big, SLOW_LEN, NULL, (size_t)-1 },
	};
	struct asy_updsrv_file v2[] = {
		{ "/m2", "two", 3, "text/plain", (size_t)-1 },
	};
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct bg b = { 0 };
	pthread_t th;
	struct got g;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "v1", v1, 2), 0);
	get_http(o.port, "/m", NULL, &g);
	ck_assert_str_eq(g.body.data, "one");
	got_release(&g);
	WAIT_STATS(s, st, st.whole[0] == 1, 2000);
	ck_assert_uint_eq(st.gets[0], 1);

	/* A slow download of v1's big file, then the swap under it. */
	b.port = o.port;
	b.path = "/slow";
	b.rq.max_speed = 4 * 1024 * 1024;
	ck_assert_int_eq(pthread_create(&th, NULL, bg_fetch, &b), 0);
	WAIT_STATS(s, st, st.gets[1] == 1, 3000);
	ck_assert_uint_eq(st.gets[1], 1);
	ck_assert_int_eq(asy_updsrv_set(s, "v2", v2, 1), 0);
	/* The caller's v1 data may go at once. */
	memset(big, 0, SLOW_LEN);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 0);
	ck_assert_uint_eq(st.gets[0], 0);
	ck_assert_uint_eq(st.gets[1], 0);
	ck_assert_uint_eq(st.conns, 0);

	get_http(o.port, "/m", NULL, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	get_http(o.port, "/m2", NULL, &g);
	ck_assert_int_eq(g.status, 200);
	ck_assert_str_eq(g.body.data, "two");
	got_release(&g);

	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(b.g.rc == CURLE_OK, "%s", b.g.err);
	ck_assert_uint_eq(b.g.body.len, SLOW_LEN);
	free(big);
	big = make_big(SLOW_LEN);
	ck_assert_int_eq(memcmp(b.g.body.data, big, SLOW_LEN), 0);
	got_release(&b.g);

	/* The old download counted nowhere in v2. */
	poll(NULL, 0, 100);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 2);
	ck_assert_uint_eq(st.not_found, 1);
	ck_assert_uint_eq(st.gets[0], 1);
	ck_assert_uint_eq(st.gets[1], 0);
	ck_assert_uint_eq(st.whole[0], 1);
	ck_assert_uint_eq(st.whole[1], 0);
	ck_assert_uint_eq(st.sent[0], 3);
	ck_assert_uint_eq(st.sent[1], 0);
	ck_assert_uint_eq(st.conns, 2);
	ck_assert_uint_eq(st.conns_bare, 0);
	asy_updsrv_stop(s);
	free(big);
}
END_TEST

/* ---- HTTPS --------------------------------------------------------------- */

START_TEST(test_https)
{
	const char *names[] = { "127.0.0.1" };
	struct asy_pki_pair ca = { 0 }, rogue = { 0 }, srv = { 0 };
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	char *big = make_big(BIG_LEN);
	struct asy_updsrv_file f[] = {
		{ "/fw.bin", big, BIG_LEN, NULL, (size_t)-1 },
		{ "/cut.bin", big, BIG_LEN, NULL, 5000 },
	};
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct req rq = { 0 };
	struct got g;
	char why[256];

	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_ca_make("rogue", &rogue, why, sizeof(why)),
	    0);
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &srv, why, sizeof(why)),
	    0);
	o.cert_pem = srv.cert_pem;
	o.key_pem = srv.key_pem;
	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "tls", f, 2), 0);

	/* Trusting another CA: the handshake fails, no request. */
	rq.ca_pem = rogue.cert_pem;
	fetch("https", "127.0.0.1", o.port, "/fw.bin", &rq, &g);
	ck_assert_msg(g.rc == CURLE_PEER_FAILED_VERIFICATION,
	    "curl %d: %s", g.rc, g.err);
	got_release(&g);
	WAIT_STATS(s, st, st.conns_bare == 1, 3000);
	ck_assert_uint_eq(st.conns, 1);
	ck_assert_uint_eq(st.conns_bare, 1);
	ck_assert_uint_eq(st.requests, 0);

	/* Plain HTTP to the HTTPS port: no request either. */
	get_http(o.port, "/fw.bin", NULL, &g);
	ck_assert(g.rc != CURLE_OK);
	got_release(&g);
	WAIT_STATS(s, st, st.conns_bare == 2, 3000);
	ck_assert_uint_eq(st.conns_bare, 2);
	ck_assert_uint_eq(st.requests, 0);

	rq.ca_pem = ca.cert_pem;
	fetch("https", "127.0.0.1", o.port, "/fw.bin", &rq, &g);
	ck_assert_msg(g.rc == CURLE_OK, "curl %d: %s", g.rc, g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, BIG_LEN);
	ck_assert_int_eq(memcmp(g.body.data, big, BIG_LEN), 0);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 2000), 0);

	fetch("https", "127.0.0.1", o.port, "/cut.bin", &rq, &g);
	ck_assert_msg(g.rc == CURLE_PARTIAL_FILE, "curl %d: %s", g.rc,
	    g.err);
	ck_assert_uint_eq(g.body.len, 5000);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 1, 2000), 0);

	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 2);
	ck_assert_uint_eq(st.whole[0], 1);
	ck_assert_uint_eq(st.sent[0], BIG_LEN);
	ck_assert_uint_eq(st.whole[1], 0);
	ck_assert_uint_eq(st.sent[1], 5000);
	asy_updsrv_stop(s);

	asy_pki_pair_release(&srv);
	asy_pki_pair_release(&rogue);
	asy_pki_pair_release(&ca);
	free(big);
}
END_TEST

/*
 * The downgraded server (ASY_UPDSRV_TLS_LEGACY): a client that asks for
 * TLS 1.2 or later, as the hub's update agent does (curl --tlsv1.2), gets
 * no handshake and makes no request; one that allows TLS 1.0 at OpenSSL's
 * security level 0 gets the file, when this OpenSSL still can.
 */
START_TEST(test_https_legacy)
{
	const char *names[] = { "127.0.0.1" };
	struct asy_pki_pair ca = { 0 }, srv = { 0 };
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	static const char body[] = "{\"version\":\"9\"}\n";
	struct asy_updsrv_file f[] = {
		{ "/m.json", body, sizeof(body) - 1, NULL, (size_t)-1 },
	};
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct req rq = { 0 };
	struct got g;
	char why[256];

	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &srv, why, sizeof(why)),
	    0);
	o.cert_pem = srv.cert_pem;
	o.key_pem = srv.key_pem;
	o.tls_priorities = ASY_UPDSRV_TLS_LEGACY;
	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "legacy", f, 1), 0);

	rq.ca_pem = ca.cert_pem;
	rq.tls_min = CURL_SSLVERSION_TLSv1_2;
	fetch("https", "127.0.0.1", o.port, "/m.json", &rq, &g);
	ck_assert_msg(g.rc != CURLE_OK, "a TLS 1.2 client got the file");
	ck_assert_int_eq(g.status, 0);
	got_release(&g);
	WAIT_STATS(s, st, st.conns_bare == 1, 3000);
	ck_assert_uint_eq(st.conns, 1);
	ck_assert_uint_eq(st.requests, 0);

	rq.tls_min = CURL_SSLVERSION_TLSv1_0;
	rq.tls_max = CURL_SSLVERSION_MAX_TLSv1_1;
	rq.ciphers = "DEFAULT:@SECLEVEL=0";
	fetch("https", "127.0.0.1", o.port, "/m.json", &rq, &g);
	if (g.rc != CURLE_OK) {
		fprintf(stderr, "test_https_legacy: skipping the TLS 1.0 "
		    "half: this OpenSSL refuses it even at SECLEVEL=0 (curl "
		    "%d: %s)\n", (int)g.rc, g.err);
	} else {
		ck_assert_int_eq(g.status, 200);
		ck_assert_uint_eq(g.body.len, sizeof(body) - 1);
		ck_assert_int_eq(asy_updsrv_wait(s, 0, 2000), 0);
		asy_updsrv_stats(s, &st);
		ck_assert_uint_eq(st.requests, 1);
	}
	got_release(&g);
	asy_updsrv_stop(s);
	asy_pki_pair_release(&srv);
	asy_pki_pair_release(&ca);
}
END_TEST

/* TLS material that does not work: ASY_E_INPUT at start. */
START_TEST(test_https_bad_key)
{
	const char *names[] = { "127.0.0.1" };
	struct asy_pki_pair ca = { 0 }, a = { 0 }, b = { 0 };
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv *s = NULL;
	char why[512] = "";
	int r;

	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &a, why, sizeof(why)),
	    0);
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &b, why, sizeof(why)),
	    0);
	o.port = free_port(o.addr);
	o.cert_pem = a.cert_pem;
	o.key_pem = b.key_pem;
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "key of another cert: %d %s", r, why);
	ck_assert_ptr_null(s);
	o.key_pem = "garbage";
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "garbage key: %d %s", r, why);
	o.cert_pem = "garbage";
	o.key_pem = a.key_pem;
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "garbage cert: %d %s", r, why);
	o.cert_pem = a.cert_pem;
	o.key_pem = NULL;
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "no key: %d %s", r, why);
	ck_assert_ptr_null(s);
	asy_pki_pair_release(&a);
	asy_pki_pair_release(&b);
	asy_pki_pair_release(&ca);
}
END_TEST

/* ---- the request log ----------------------------------------------------- */

START_TEST(test_log)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv_file f[] = {
		{ "/m", "manifest", 8, NULL, (size_t)-1 },
		{ "/fw", "0123456789", 10, NULL, 4 },
	};
	char *dir = ut_tmpdir(), *log = asy_path_join(dir, "req.log");
	struct curl_slist *h = NULL;
	struct asy_updsrv *s;
	struct req rq = { 0 };
	struct asy_buf raw, lb;
	char longv[1100], hdr[64];
	struct got g;

	ck_assert_ptr_nonnull(log);
	/* Appended to, never truncated. */
	ut_write_str(log, "earlier line\n");
	o.log_path = log;
	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "log_v-1", f, 2), 0);

	/* Hostile header values: escape, quotes, backslash, high bytes. */
	memset(longv, 'v', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	h = curl_slist_append(h, "X-Evil: a\x1b[31m\"q\"\\b\xff\x7f" "end");
	ck_assert_ptr_nonnull(h);
	{
		char *lh = asy_strdup_printf("X-Long: %s", longv);

		ck_assert_ptr_nonnull(lh);
		h = curl_slist_append(h, lh);
		free(lh);
	}
	rq.hdrs = h;
	get_http(o.port, "/m?a=\"1\"", &rq, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	got_release(&g);
	curl_slist_free_all(h);
	h = NULL;

	/* 40 headers: 32 logged, the rest counted. */
	for (int i = 0; i < 40; i++) {
		snprintf(hdr, sizeof(hdr), "X-H%02d: %d", i, i);
		h = curl_slist_append(h, hdr);
		ck_assert_ptr_nonnull(h);
	}
	rq.hdrs = h;
	get_http(o.port, "/nope", &rq, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	curl_slist_free_all(h);

	/* The cut file, and a raw request with bytes curl would not send. */
	get_http(o.port, "/fw", NULL, &g);
	ck_assert_int_eq(g.rc, CURLE_PARTIAL_FILE);
	got_release(&g);
	asy_buf_init(&raw, 65536);
	{
		static const char req[] =
		    "GET /m\x1b[2J\x01?x=\xfe HTTP/1.1\r\n"
		    "Host: \x1b]0;pwned\x07\r\nX-Ctl: \x02\x03\x7f\r\n\r\n";

		ut_raw_exchange(o.port, req, sizeof(req) - 1, &raw, 2000);
	}
	asy_buf_release(&raw);
	/* A connection that sends nothing. */
	asy_buf_init(&raw, 64);
	ut_raw_exchange(o.port, NULL, 0, &raw, 50);
	asy_buf_release(&raw);

	ck_assert_uint_ge(wait_lines(log, "no request", 1, 3000), 1);
	ck_assert_uint_eq(wait_lines(log, NULL, 6, 3000), 6);
	asy_updsrv_stop(s);

	assert_log_clean(log);
	ck_assert_uint_eq(count_lines(log, "earlier line"), 1);
	ck_assert_uint_eq(count_lines(log, " log_v-1 "), 5);
	ck_assert_uint_eq(count_lines(log, "no request: TLS handshake failed "
	    "or nothing sent"), 1);
	ck_assert_uint_eq(count_lines(log, " 127.0.0.1:"), 5);
	ut_load(log, &lb);
	/* The format of updsrv.h, field by field. */
	ck_assert_msg(strstr(lb.data, " log_v-1 GET \"/m?a=\\x221\\x22\" 200 "
	    "8/8 whole ") != NULL, "log:\n%s", lb.data);
	ck_assert_msg(strstr(lb.data, " X-Evil=\"a\\x1b[31m\\x22q\\x22\\x5cb"
	    "\\xff\\x7fend\"") != NULL, "log:\n%s", lb.data);
	ck_assert_ptr_nonnull(strstr(lb.data, " User-Agent=\"assay-test\""));
	ck_assert_ptr_nonnull(strstr(lb.data, " GET \"/nope\" 404 10/10 "
	    "whole "));
	ck_assert_ptr_nonnull(strstr(lb.data, " X-H23=\"23\""));
	ck_assert_ptr_null(strstr(lb.data, " X-H39="));
	ck_assert_ptr_nonnull(strstr(lb.data, " more headers)"));
	ck_assert_ptr_nonnull(strstr(lb.data, " GET \"/fw\" 200 4/10 cut"));
	ck_assert_ptr_nonnull(strstr(lb.data, "\"/m\\x1b[2J\\x01?x=\\xfe\""));
	ck_assert_ptr_nonnull(strstr(lb.data, "\\x1b]0;pwned\\x07"));
	/* Values are capped at 256 bytes. */
	{
		const char *v = strstr(lb.data, " X-Long=\"");
		const char *end;

		ck_assert_ptr_nonnull(v);
		v += 9;
		end = strchr(v, '"');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_le(end - v, 256);
		ck_assert_int_ge(end - v, 200);
		ck_assert_int_eq(memcmp(end - 3, "...", 3), 0);
	}
	/* Times: UTC with milliseconds. */
	{
		const char *l = strstr(lb.data, "\n") + 1;

		ck_assert_msg(strlen(l) > 24 && l[4] == '-' && l[10] == 'T' &&
		    l[19] == '.' && l[23] == 'Z' && l[24] == ' ',
		    "time: %.30s", l);
	}
	asy_buf_release(&lb);
	{
		struct stat sb;

		ck_assert_int_eq(stat(log, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777 & ~0022, 0644 & ~0022);
	}
	free(log);
	free(dir);
}
END_TEST

/* ---- hostile clients ----------------------------------------------------- */

START_TEST(test_flood)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1", .max_conns = 8,
	    .timeout_s = 5 };
	struct asy_updsrv_file f = { "/m", "x", 1, NULL, (size_t)-1 };
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fds[50];
	struct got g;

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "v1", &f, 1), 0);
	a.sin_port = htons((uint16_t)o.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (size_t i = 0; i < ASY_ELEMENTSOF(fds); i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[i], 0);
		/* Loopback: in progress or done, the backlog takes it. */
		if (connect(fds[i], (struct sockaddr *)&a, sizeof(a)) < 0)
			ck_assert_msg(errno == EINPROGRESS || errno == EAGAIN,
			    "connect %zu: %s", i, strerror(errno));
	}
	WAIT_STATS(s, st, st.conns >= 8, 3000);
	poll(NULL, 0, 200);
	asy_updsrv_stats(s, &st);
	ck_assert_msg(st.conns == 8, "%u connections accepted, limit 8",
	    st.conns);
	ck_assert_uint_eq(st.requests, 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(fds); i++)
		close(fds[i]);

	/* The server is still there for a fetch. */
	get_http(o.port, "/m", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "after the flood: %s", g.err);
	ck_assert_int_eq(g.status, 200);
	got_release(&g);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.requests, 1);
	ck_assert_uint_ge(st.conns_bare, 8);
	asy_updsrv_stop(s);
}
END_TEST

/* An idle connection is closed after timeout_s. */
START_TEST(test_idle_timeout)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1", .timeout_s = 1 };
	struct asy_updsrv *s;
	struct asy_buf raw;
	long long t0;

	s = srv_start(&o);
	asy_buf_init(&raw, 4096);
	t0 = ut_now_ms();
	/* Half a request line, then nothing. */
	ut_raw_exchange(o.port, "GET /", 5, &raw, 5000);
	ck_assert_msg(ut_now_ms() - t0 < 4000, "closed after %lld ms",
	    ut_now_ms() - t0);
	asy_buf_release(&raw);
	asy_updsrv_stop(s);
}
END_TEST

START_TEST(test_ipv6)
{
	struct asy_updsrv_opts o = { .addr = "::1" };
	struct asy_updsrv_file f = { "/m", "six", 3, NULL, (size_t)-1 };
	char *dir, *log;
	struct asy_updsrv *s;
	struct got g;

	if (free_port("::1") == 0) {
		printf("# skip: no IPv6 loopback on this host\n");
		return;
	}
	dir = ut_tmpdir();
	log = asy_path_join(dir, "req.log");
	o.log_path = log;
	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "six", &f, 1), 0);
	fetch("http", "[::1]", o.port, "/m", NULL, &g);
	ck_assert_msg(g.rc == CURLE_OK, "%s", g.err);
	ck_assert_int_eq(g.status, 200);
	ck_assert_str_eq(g.body.data, "six");
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_wait(s, 0, 2000), 0);
	/* Bound to ::1 only. */
	get_http(o.port, "/m", NULL, &g);
	ck_assert(g.rc == CURLE_COULDNT_CONNECT);
	got_release(&g);
	ck_assert_uint_eq(wait_lines(log, " [::1]:", 1, 2000), 1);
	asy_updsrv_stop(s);
	free(log);
	free(dir);
}
END_TEST

/* ---- bad options and file sets ------------------------------------------- */

#define FREE	100000

static const struct bad_opts {
	const char	*what;
	const char	*addr;
	unsigned	 port;
	const char	*log;
	int		 want;
} bad_opts[] = {
	/* FREE: a free port found at run time. */
	{ "host name", "localhost", 8080, NULL, ASY_E_INPUT },
	{ "bad IPv4", "999.1.1.1", 8080, NULL, ASY_E_INPUT },
	{ "empty", "", 8080, NULL, ASY_E_INPUT },
	{ "NULL", NULL, 8080, NULL, ASY_E_INPUT },
	{ "port 0", "127.0.0.1", 0, NULL, ASY_E_INPUT },
	{ "port 65536", "127.0.0.1", 65536, NULL, ASY_E_INPUT },
	{ "address not here", "192.0.2.1", FREE, NULL, ASY_E_IO },
	{ "log in no folder", "127.0.0.1", FREE, "/nonexistent/x/req.log",
	    ASY_E_IO },
};

START_TEST(test_bad_opts)
{
	const struct bad_opts *b = &bad_opts[_i];
	struct asy_updsrv_opts o = { .addr = b->addr, .port = b->port,
	    .log_path = b->log };
	struct asy_updsrv *s = NULL;
	char why[512] = "";
	int r;

	if (o.port == FREE)
		o.port = free_port("127.0.0.1");
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == b->want, "%s: %d (%s)", b->what, r, why);
	ck_assert_ptr_null(s);
	ck_assert_msg(why[0] != '\0', "%s: no why", b->what);
	asy_updsrv_stop(NULL);
}
END_TEST

/* A port someone else listens on: ASY_E_IO. */
START_TEST(test_port_in_use)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv *s = NULL;
	char why[512] = "";
	int fd, r;

	fd = ut_listen_lo(&o.port);
	r = asy_updsrv_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "%d (%s)", r, why);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(why, "in use") != NULL, "why: %s", why);
	ck_assert_msg(strncmp(why, "cannot serve on 127.0.0.1 port ", 31) == 0,
	    "why: %s", why);
	close(fd);
}
END_TEST

START_TEST(test_bad_sets)
{
	struct asy_updsrv_opts o = { .addr = "127.0.0.1" };
	struct asy_updsrv_file ok = { "/a", "x", 1, NULL, (size_t)-1 };
	struct asy_updsrv_file nine[ASY_UPDSRV_MAX_FILES + 1];
	char paths[ASY_UPDSRV_MAX_FILES + 1][8];
	struct asy_updsrv_file two[2];
	struct asy_updsrv_stats st;
	struct asy_updsrv *s;
	struct got g;
	char name[80];

	s = srv_start(&o);
	ck_assert_int_eq(asy_updsrv_set(s, "good", &ok, 1), 0);
	ck_assert_int_eq(asy_updsrv_set(s, "bad name", &ok, 1), ASY_E_INPUT);
	ck_assert_int_eq(asy_updsrv_set(s, "", &ok, 1), ASY_E_INPUT);
	ck_assert_int_eq(asy_updsrv_set(s, NULL, &ok, 1), ASY_E_INPUT);
	ck_assert_int_eq(asy_updsrv_set(s, "v\x1b", &ok, 1), ASY_E_INPUT);
	memset(name, 'v', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(asy_updsrv_set(s, name, &ok, 1), ASY_E_INPUT);
	for (size_t i = 0; i < ASY_ELEMENTSOF(nine); i++) {
		snprintf(paths[i], sizeof(paths[i]), "/%zu", i);
		nine[i] = ok;
		nine[i].path = paths[i];
	}
	ck_assert_int_eq(asy_updsrv_set(s, "v", nine, ASY_ELEMENTSOF(nine)),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_updsrv_set(s, "v", nine, ASY_UPDSRV_MAX_FILES),
	    0);
	two[0] = ok;
	two[1] = ok;
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), ASY_E_INPUT);
	two[1].path = "b";
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), ASY_E_INPUT);
	two[1].path = NULL;
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), ASY_E_INPUT);
	two[1].path = "/b";
	two[1].type = "text/plain\r\nX-Injected: 1";
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), ASY_E_INPUT);
	two[1].type = NULL;
	two[1].data = NULL;
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), ASY_E_INPUT);
	two[1].len = 0;
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), 0);
	ck_assert_int_eq(asy_updsrv_set(s, "v", NULL, 0), 0);
	ck_assert_int_eq(asy_updsrv_set(s, "v", NULL, 1), ASY_E_INPUT);

	/* The refused sets left the last good one in place. */
	get_http(o.port, "/a", NULL, &g);
	ck_assert_int_eq(g.status, 404);
	got_release(&g);
	ck_assert_int_eq(asy_updsrv_set(s, "v", two, 2), 0);
	get_http(o.port, "/b", NULL, &g);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, 0);
	got_release(&g);
	asy_updsrv_stats(s, &st);
	ck_assert_uint_eq(st.gets[1], 1);
	asy_updsrv_stop(s);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("updsrv");
	TCase *serve = tcase_create("serve");
	TCase *tls = tcase_create("tls");
	TCase *log = tcase_create("log");
	TCase *hostile = tcase_create("hostile");
	TCase *bad = tcase_create("bad");
	int r;

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "curl_global_init failed\n");
		return 1;
	}
	tcase_set_timeout(serve, 30);
	tcase_add_test(serve, test_http_serve);
	tcase_add_test(serve, test_wait_timeout);
	tcase_add_test(serve, test_wait_during_fetch);
	tcase_add_loop_test(serve, test_cut, 0, (int)ASY_ELEMENTSOF(cuts));
	tcase_add_test(serve, test_statuses);
	tcase_add_test(serve, test_variants);
	tcase_add_test(serve, test_ipv6);
	tcase_set_timeout(tls, 30);
	tcase_add_test(tls, test_https);
	tcase_add_test(tls, test_https_bad_key);
	tcase_add_test(tls, test_https_legacy);
	tcase_set_timeout(log, 30);
	tcase_add_test(log, test_log);
	tcase_set_timeout(hostile, 30);
	tcase_add_test(hostile, test_flood);
	tcase_add_test(hostile, test_idle_timeout);
	tcase_set_timeout(bad, 30);
	tcase_add_loop_test(bad, test_bad_opts, 0,
	    (int)ASY_ELEMENTSOF(bad_opts));
	tcase_add_test(bad, test_port_in_use);
	tcase_add_test(bad, test_bad_sets);
	suite_add_tcase(su, serve);
	suite_add_tcase(su, tls);
	suite_add_tcase(su, log);
	suite_add_tcase(su, hostile);
	suite_add_tcase(su, bad);
	r = ut_main(su);
	curl_global_cleanup();
	return r;
}
