/*
 * The password-guessing engine and credential lists (harness/guess.c).
 *
 * Engine, with fake probers written here (no network): the first accepted
 * pair and stop_on_success; max_attempts (errors do not count) and the
 * time budget; a server that slows down (throttled, rate_last below
 * rate_first) and one that does not; connections closed by the server
 * (the same pair is retried, none is skipped or decided twice, at most 3
 * retries); opens that fail after some worked (throttled) or always (why);
 * 8 workers deciding each pair exactly once; sessions reused only for one
 * user; hostile probers (out-of-range results, an unterminated why full of
 * control bytes); the transcript (one line per attempt, never a password).
 *
 * One test runs the engine with a prober over real TCP sockets against a
 * line-based login server of this test on 127.0.0.1 that answers one
 * attempt with 64 KiB of binary and markup, and stops listening after 5
 * connections.
 *
 * Credential lists: a table of good and bad files (comments, CRLF, empty
 * passwords, missing ':', long lines, NUL and control bytes, duplicates,
 * 10000 and 10001 pairs, a 5 MiB file, binary garbage), two files into one
 * list, and lab-config/credentials/defaults.txt itself.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "diag.h"
#include "guess.h"
#include "ut.h"

/* ---- fake probers -------------------------------------------------------- */

#define SESS_MAGIC	0x5e55105eU
#define MAX_PAIRS	1000

struct fake {
	pthread_mutex_t	 mu;
	/* behaviour */
	long		 accept[4];	/* indexes accepted; -1 ends */
	unsigned	 delay_ms;	/* each attempt */
	unsigned	 slow_after;	/* from this call on the delay grows
					   to max_mult times, 0 never */
	unsigned	 max_mult;
	unsigned	 closed_every;	/* every n-th call: ASY_E_CLOSED,
					   once a pair */
	int		 always_ret;	/* != 0: every attempt returns it */
	int		 err_even;	/* even indexes: ASY_E_TIMEOUT */
	int		 open_ok_max;	/* opens that work, -1 all */
	unsigned	 open_slow_after; /* later opens take 100 ms, 0 never */
	int		 open_err;	/* what a failed open returns */
	const char	*open_why;
	int		 why_garbage;	/* fill why without a NUL */
	/* what happened */
	unsigned	 calls, opens, open_calls, closes, closed_ret;
	unsigned	 user_mismatch, bad_sess;
	int		 live, max_live;
	unsigned	 decided[MAX_PAIRS];
	unsigned	 closed_pair[MAX_PAIRS];
};

struct fsess {
	unsigned	 magic;
	struct fake	*f;
	char		 user[64];
};

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(f->accept); i++)
		f->accept[i] = -1;
	f->open_ok_max = -1;
	f->max_mult = 10;
	f->open_err = ASY_E_REFUSED;
	f->open_why = "connection refused";
}

static void
delay_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The pair index is in the password: "pw-<index>-SECRET...". */
static long
pair_index(const char *pass)
{
	char *end;
	unsigned long k;

	if (strncmp(pass, "pw-", 3) != 0)
		return -1;
	k = strtoul(pass + 3, &end, 10);
	if (*end != '-' || k >= MAX_PAIRS)
		return -1;
	return (long)k;
}

static int
fake_open(const void *cfg, const char *user, void **sess, char *why,
    size_t why_len)
{
	struct fake *f = (struct fake *)cfg;
	struct fsess *s;
	int ok;

	pthread_mutex_lock(&f->mu);
	f->open_calls++;
	ok = f->open_ok_max < 0 || f->opens < (unsigned)f->open_ok_max;
	if (ok) {
		f->opens++;
		f->live++;
		if (f->live > f->max_live)
			f->max_live = f->live;
	}
	if (ok && f->open_slow_after != 0 && f->opens > f->open_slow_after) {
		pthread_mutex_unlock(&f->mu);
		delay_ms(100);
	} else
		pthread_mutex_unlock(&f->mu);
	if (!ok) {
		if (f->why_garbage)
			memset(why, '\x1b', why_len);
		else
			snprintf(why, why_len, "%s", f->open_why);
		return f->open_err;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ASY_E_NOMEM;
	s->magic = SESS_MAGIC;
	s->f = f;
	snprintf(s->user, sizeof(s->user), "%s", user);
	*sess = s;
	return 0;
}

static int
fake_attempt(void *sess, const char *user, const char *pass)
{
	struct fsess *s = sess;
	struct fake *f;
	unsigned call, d;
	long k = pair_index(pass);
	int r = 0;

	if (s == NULL || s->magic != SESS_MAGIC)
		return ASY_E_INTERNAL;	/* counted by the engine as error */
	f = s->f;
	pthread_mutex_lock(&f->mu);
	call = f->calls++;
	if (strcmp(s->user, user) != 0)
		f->user_mismatch++;
	pthread_mutex_unlock(&f->mu);
	d = f->delay_ms;
	if (f->slow_after != 0 && call >= f->slow_after) {
		unsigned m = 1 + (call - f->slow_after);

		d *= m < f->max_mult ? m : f->max_mult;
	}
	if (d > 0)
		delay_ms(d);
	if (f->always_ret != 0)
		return f->always_ret;
	if (k < 0) {
		pthread_mutex_lock(&f->mu);
		f->bad_sess++;
		pthread_mutex_unlock(&f->mu);
		return ASY_E_PROTO;
	}
	/* Every n-th call closes, but a pair at most once: with several
	 * workers the retry of a pair may land on any call number. */
	if (f->closed_every != 0 && call % f->closed_every ==
	    f->closed_every - 1) {
		int first;

		pthread_mutex_lock(&f->mu);
		first = f->closed_pair[k]++ == 0;
		if (first)
			f->closed_ret++;
		pthread_mutex_unlock(&f->mu);
		if (first)
			return ASY_E_CLOSED;
	}
	if (f->err_even && k % 2 == 0)
		return ASY_E_TIMEOUT;
	for (size_t i = 0; i < ASY_ELEMENTSOF(f->accept); i++)
		if (f->accept[i] == k)
			r = 1;
	pthread_mutex_lock(&f->mu);
	f->decided[k]++;
	pthread_mutex_unlock(&f->mu);
	return r;
}

static void
fake_close(void *sess)
{
	struct fsess *s = sess;
	struct fake *f;

	if (s == NULL || s->magic != SESS_MAGIC)
		return;
	f = s->f;
	pthread_mutex_lock(&f->mu);
	f->closes++;
	f->live--;
	pthread_mutex_unlock(&f->mu);
	s->magic = 0;
	free(s);
}

static const struct asy_guess_ops fake_ops = {
	"fake", fake_open, fake_attempt, fake_close, 0,
};

static const struct asy_guess_ops fake_ops_one = {
	"fake-one", fake_open, fake_attempt, fake_close, 1,
};

/* n pairs "admin":"pw-<i>-SECRET-<i>" (or users u0, u1, u0... when
 * alternate is set). */
static void
make_list(struct asy_credlist *l, size_t n, int alternate)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		char user[16], pass[64];

		snprintf(user, sizeof(user), alternate ? "u%zu" : "admin",
		    i % 2);
		snprintf(pass, sizeof(pass), "pw-%zu-SECRET-%zu", i, i);
		ck_assert_int_eq(asy_credlist_add(l, user, pass), 0);
	}
	ck_assert_uint_eq(l->n, n);
}

static void
run_ok(const struct asy_guess_opts *o, struct asy_guess_result *r)
{
	int rc;

	memset(r, 0xa5, sizeof(*r));
	rc = asy_guess_run(o, r);
	ck_assert_msg(rc == 0, "asy_guess_run: %s", asy_strerror(rc));
	ck_assert_uint_eq(r->attempts, r->accepted + r->refused);
	ck_assert_msg(memchr(r->why, '\0', sizeof(r->why)) != NULL,
	    "why is not terminated");
}

/* Every pair of [0, n) decided exactly once by the fake. */
static void
assert_each_once(const struct fake *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(f->decided[i] == 1, "pair %zu decided %u times",
		    i, f->decided[i]);
}

/* ---- the first accepted pair -------------------------------------------- */

static const struct found_case {
	size_t		 n;
	long		 k;		/* accepted index */
	unsigned	 workers;
	int		 stop;
} found_cases[] = {
	{ 30, 0, 1, 1 },
	{ 30, 7, 1, 1 },
	{ 30, 29, 1, 1 },
	{ 30, 7, 1, 0 },
	{ 60, 20, 4, 1 },
	{ 60, 20, 4, 0 },
	{ 60, 59, 16, 1 },
};

/*
 * Attempts decided after the accepted one, in the transcript's order (the
 * order of decisions).  With stop_on_success no pair is taken after it, so
 * only those already in flight at that moment may follow: at most one per
 * other worker, however the threads were scheduled.
 */
static unsigned
after_accepted(const char *tr)
{
	struct asy_buf b;
	unsigned n = 0;
	int seen = 0;
	char *p, *nl;

	ut_load(tr, &b);
	for (p = b.data; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		if (seen)
			n++;
		else if (strstr(p, " accepted ") != NULL)
			seen = 1;
	}
	ck_assert_msg(seen, "no accepted attempt in the transcript");
	asy_buf_release(&b);
	return n;
}

START_TEST(test_found)
{
	const struct found_case *c = &found_cases[_i];
	char *dir = ut_tmpdir(), *tr = asy_path_join(dir, "transcript");
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.accept[0] = c->k;
	make_list(&l, c->n, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = c->workers;
	o.stop_on_success = c->stop;
	o.transcript = tr;
	run_ok(&o, &r);
	ck_assert_int_eq(r.found, c->k);
	ck_assert_uint_eq(r.accepted, 1);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_int_eq(r.budget_hit, 0);
	ck_assert_str_eq(r.why, "");
	if (!c->stop)
		ck_assert_uint_eq(r.attempts, c->n);
	else if (c->workers == 1)
		ck_assert_uint_eq(r.attempts, (unsigned)c->k + 1);
	else
		ck_assert_uint_le(after_accepted(tr), c->workers - 1);
	ck_assert_int_eq(f.live, 0);
	asy_credlist_release(&l);
	free(tr);
	free(dir);
}
END_TEST

/* Several accepted: found is the lowest index, whatever finished first. */
START_TEST(test_found_lowest)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.accept[0] = 40;
	f.accept[1] = 12;
	f.accept[2] = 13;
	make_list(&l, 50, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = 3;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.accepted, 3);
	ck_assert_int_eq(r.found, 12);
	ck_assert_uint_eq(r.attempts, 50);
	/* An accepted session is not used again: 3 more opens. */
	ck_assert_uint_le(r.opens, 3 + 3);
	ck_assert_uint_eq(r.opens, f.opens);
	asy_credlist_release(&l);
}
END_TEST

/* ---- max_attempts -------------------------------------------------------- */

static const struct refuse_case {
	size_t		 n;
	unsigned	 max;		/* 0: the default, 100 */
	unsigned	 workers;
} refuse_cases[] = {
	{ 10, 0, 1 },
	{ 150, 0, 1 },
	{ 150, 0, 5 },
	{ 50, 20, 1 },
	{ 50, 20, 7 },
	{ 50, 50, 3 },
	{ 50, 1, 4 },
	{ 3, 10, 16 },
	{ 500, 400, 16 },
};

START_TEST(test_refuse_all)
{
	const struct refuse_case *c = &refuse_cases[_i];
	unsigned max = c->max != 0 ? c->max : 100;
	unsigned want = c->n < max ? (unsigned)c->n : max;
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	make_list(&l, c->n, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.max_attempts = c->max;
	o.workers = c->workers;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, want);
	ck_assert_uint_eq(r.refused, want);
	ck_assert_uint_eq(r.accepted, 0);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_int_eq(r.found, -1);
	ck_assert_int_eq(r.budget_hit, c->n > max);
	ck_assert_int_eq(r.throttled, 0);
	ck_assert_uint_eq(r.open_failures, 0);
	ck_assert_str_eq(r.why, "");
	/* The fake saw exactly the pairs decided, each once. */
	assert_each_once(&f, want);
	for (size_t i = want; i < c->n; i++)
		ck_assert_uint_eq(f.decided[i], 0);
	ck_assert_int_le(f.max_live, (int)c->workers);
	ck_assert_int_eq(f.live, 0);
	ck_assert_uint_eq(f.closes, f.opens);
	asy_credlist_release(&l);
}
END_TEST

/* Errors do not count as attempts: with every other pair timing out,
 * max_attempts 5 still decides exactly 5. */
START_TEST(test_max_with_errors)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.err_even = 1;
	f.delay_ms = 2;
	make_list(&l, 40, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.max_attempts = 5;
	o.workers = 4;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 5);
	ck_assert_uint_ge(r.errors, 4);
	ck_assert_int_eq(r.budget_hit, 1);
	asy_credlist_release(&l);
}
END_TEST

/* ---- the time budget ----------------------------------------------------- */

START_TEST(test_budget)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	long long t0;
	struct fake f;

	fake_init(&f);
	f.delay_ms = 50;
	make_list(&l, 200, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.max_attempts = 1000;
	o.budget_ms = 500;
	o.workers = 2;
	t0 = ut_now_ms();
	run_ok(&o, &r);
	ck_assert_int_lt(ut_now_ms() - t0, 800);
	ck_assert_double_ge(r.seconds, 0.45);
	ck_assert_double_lt(r.seconds, 0.8);
	ck_assert_uint_ge(r.attempts, 16);
	ck_assert_uint_le(r.attempts, 24);
	ck_assert_int_eq(r.budget_hit, 1);
	ck_assert_int_eq(r.throttled, 0);
	ck_assert_str_eq(r.why, "");
	/* 2 workers, 50 ms each: about 40 a second. */
	ck_assert_double_gt(r.rate, 25.0);
	ck_assert_double_lt(r.rate, 55.0);
	asy_credlist_release(&l);
}
END_TEST

/* ---- slowing down ------------------------------------------------------- */

static const struct slow_case {
	unsigned	 slow_after;	/* 0: a steady server */
	unsigned	 delay_ms;	/* at first */
	unsigned	 max_mult;	/* it grows to this many times */
	size_t		 n;
	unsigned	 workers;
	int		 throttled;
} slow_cases[] = {
	{ 15, 10, 10, 35, 1, 1 },
	{ 15, 10, 10, 35, 2, 1 },
	{ 0, 10, 1, 35, 1, 0 },
	{ 0, 10, 1, 35, 3, 0 },
	/* Slow but steady, or twice as slow (not 3 times), is not
	 * throttling. */
	{ 0, 80, 1, 12, 1, 0 },
	{ 10, 60, 2, 25, 1, 0 },
};

START_TEST(test_slowing)
{
	const struct slow_case *c = &slow_cases[_i];
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.delay_ms = c->delay_ms;
	f.slow_after = c->slow_after;
	f.max_mult = c->max_mult;
	make_list(&l, c->n, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = c->workers;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, c->n);
	ck_assert_int_eq(r.throttled, c->throttled);
	ck_assert_double_gt(r.rate_first, 0.0);
	ck_assert_double_gt(r.rate_last, 0.0);
	ck_assert_double_ge(r.latency_first_ms, c->delay_ms - 1.0);
	if (c->throttled) {
		ck_assert_double_lt(r.rate_last * 3.0, r.rate_first);
		ck_assert_double_gt(r.latency_last_ms,
		    3.0 * r.latency_first_ms);
		ck_assert_double_ge(r.latency_last_ms, 90.0);
	} else {
		ck_assert_double_lt(r.latency_last_ms,
		    2.5 * r.latency_first_ms);
		ck_assert_double_gt(r.rate_last * 2.5, r.rate_first);
	}
	asy_credlist_release(&l);
}
END_TEST

/* A server that delays new connections (a tarpit): the attempts stay fast,
 * the rate shows it. */
START_TEST(test_open_slowing)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.delay_ms = 5;
	f.open_slow_after = 10;
	make_list(&l, 25, 0);
	o.ops = &fake_ops_one;
	o.cfg = &f;
	o.list = &l;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 25);
	ck_assert_uint_eq(r.opens, 25);
	ck_assert_double_lt(r.latency_last_ms, 50.0);
	ck_assert_double_lt(r.rate_last * 3.0, r.rate_first);
	ck_assert_int_eq(r.throttled, 1);
	asy_credlist_release(&l);
}
END_TEST

/* ---- closed connections -------------------------------------------------- */

static const struct closed_case {
	size_t		 n;
	unsigned	 workers;
	int		 one_per_conn;
} closed_cases[] = {
	{ 30, 1, 0 },
	{ 30, 1, 1 },
	{ 90, 4, 0 },
	{ 90, 8, 1 },
};

START_TEST(test_closed_retry)
{
	const struct closed_case *c = &closed_cases[_i];
	char *dir = ut_tmpdir(), *tr = asy_path_join(dir, "transcript");
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct asy_buf b;
	size_t closed_lines = 0;
	struct fake f;

	fake_init(&f);
	f.closed_every = 3;
	make_list(&l, c->n, 0);
	o.ops = c->one_per_conn ? &fake_ops_one : &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.max_attempts = 1000;
	o.workers = c->workers;
	o.transcript = tr;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, c->n);
	ck_assert_uint_eq(r.errors, 0);
	assert_each_once(&f, c->n);
	ck_assert_uint_gt(f.closed_ret, 0);
	ck_assert_uint_eq(r.opens, f.opens);
	ck_assert_uint_eq(f.closes, f.opens);
	if (c->one_per_conn)
		ck_assert_uint_eq(r.opens, c->n + f.closed_ret);
	else if (c->workers == 1)
		ck_assert_uint_eq(r.opens, 1 + f.closed_ret);
	else
		ck_assert_uint_le(r.opens, c->workers + f.closed_ret);
	/* Each closed try is a line of its own. */
	ut_load(tr, &b);
	for (const char *p = b.data; (p = strstr(p, " closed ")) != NULL;
	    p++)
		closed_lines++;
	ck_assert_uint_eq(closed_lines, f.closed_ret);
	asy_buf_release(&b);
	asy_credlist_release(&l);
	free(tr);
	free(dir);
}
END_TEST

/* A server that always closes: 1 try + 3 retries a pair, then an error. */
START_TEST(test_closed_always)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.always_ret = ASY_E_CLOSED;
	make_list(&l, 10, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = 2;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 0);
	ck_assert_uint_eq(r.errors, 10);
	ck_assert_uint_eq(f.calls, 40);
	ck_assert_uint_eq(r.opens, 40);
	ck_assert_int_eq(r.found, -1);
	ck_assert_int_eq(r.budget_hit, 0);
	asy_credlist_release(&l);
}
END_TEST

/* ---- opens that fail ----------------------------------------------------- */

/* Five connections, then none accepted in time: throttling. */
START_TEST(test_open_throttle)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	long long t0;
	struct fake f;

	fake_init(&f);
	f.open_ok_max = 5;
	f.open_err = ASY_E_TIMEOUT;
	f.open_why = "no answer within 1000 ms";
	make_list(&l, 20, 0);
	o.ops = &fake_ops_one;
	o.cfg = &f;
	o.list = &l;
	t0 = ut_now_ms();
	run_ok(&o, &r);
	ck_assert_int_lt(ut_now_ms() - t0, 2000);
	ck_assert_uint_eq(r.attempts, 5);
	ck_assert_uint_eq(r.opens, 5);
	ck_assert_uint_gt(r.open_failures, 0);
	ck_assert_uint_le(r.open_failures, 3);
	ck_assert_int_eq(r.throttled, 1);
	ck_assert_int_eq(r.budget_hit, 0);
	ck_assert_str_eq(r.why, "");
	assert_each_once(&f, 5);
	asy_credlist_release(&l);
}
END_TEST

static const struct never_case {
	unsigned	 workers;
	int		 err;
	int		 garbage;
	const char	*why;
	const char	*want;
} never_cases[] = {
	{ 1, ASY_E_REFUSED, 0, "connection refused",
	  "could not connect: connection refused" },
	{ 4, ASY_E_TIMEOUT, 0, "no answer within 5000 ms",
	  "could not connect: no answer within 5000 ms" },
	{ 2, ASY_E_PROTO, 0, "banner \x1b[31m<b>x</b>\r\n",
	  "could not connect: banner ?[31m<b>x</b>??" },
	{ 1, ASY_E_IO, 0, "", "could not connect: input/output error" },
	{ 3, ASY_E_REFUSED, 1, NULL, NULL },
};

START_TEST(test_never_open)
{
	const struct never_case *c = &never_cases[_i];
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	long long t0;
	struct fake f;

	fake_init(&f);
	f.open_ok_max = 0;
	f.open_err = c->err;
	f.open_why = c->why;
	f.why_garbage = c->garbage;
	make_list(&l, 20, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = c->workers;
	t0 = ut_now_ms();
	run_ok(&o, &r);
	ck_assert_int_lt(ut_now_ms() - t0, 1000);
	ck_assert_uint_eq(r.attempts, 0);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(r.opens, 0);
	ck_assert_uint_eq(r.open_failures, c->workers);
	ck_assert_int_eq(r.throttled, 0);
	ck_assert_int_eq(r.found, -1);
	ck_assert_uint_eq(f.calls, 0);
	if (c->want != NULL)
		ck_assert_str_eq(r.why, c->want);
	ck_assert_msg(strncmp(r.why, "could not connect: ", 19) == 0,
	    "why: %s", r.why);
	for (const char *p = r.why; *p != '\0'; p++)
		ck_assert_msg((unsigned char)*p >= 0x20, "control byte in why");
	asy_credlist_release(&l);
}
END_TEST

/* ---- workers ------------------------------------------------------------- */

START_TEST(test_workers8)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.accept[0] = 300;
	f.accept[1] = 100;
	f.delay_ms = 1;
	make_list(&l, 500, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.max_attempts = 1000;
	o.workers = 8;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 500);
	ck_assert_uint_eq(r.accepted, 2);
	ck_assert_int_eq(r.found, 100);
	ck_assert_uint_eq(r.errors, 0);
	assert_each_once(&f, 500);
	ck_assert_int_ge(f.max_live, 2);
	ck_assert_int_le(f.max_live, 8);
	ck_assert_int_eq(f.live, 0);
	ck_assert_uint_eq(f.user_mismatch, 0);
	ck_assert_uint_eq(f.bad_sess, 0);
	asy_credlist_release(&l);
}
END_TEST

/* A session opened for one user serves only that user's pairs. */
static const struct reuse_case {
	int		 alternate;
	int		 one_per_conn;
	unsigned	 want_opens;
} reuse_cases[] = {
	{ 0, 0, 1 },
	{ 1, 0, 20 },
	{ 0, 1, 20 },
	{ 1, 1, 20 },
};

START_TEST(test_session_user)
{
	const struct reuse_case *c = &reuse_cases[_i];
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	make_list(&l, 20, c->alternate);
	o.ops = c->one_per_conn ? &fake_ops_one : &fake_ops;
	o.cfg = &f;
	o.list = &l;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 20);
	ck_assert_uint_eq(r.opens, c->want_opens);
	ck_assert_uint_eq(f.user_mismatch, 0);
	ck_assert_uint_eq(f.closes, f.opens);
	asy_credlist_release(&l);
}
END_TEST

/* ---- hostile probers ----------------------------------------------------- */

static const int hostile_rets[] = { 7, -999, ASY_E_PROTO, ASY_E_TIMEOUT,
	2147483647, -2147483647 - 1 };

START_TEST(test_hostile_ops)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.always_ret = hostile_rets[_i];
	make_list(&l, 12, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = 3;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 0);
	ck_assert_uint_eq(r.errors, 12);
	ck_assert_int_eq(r.found, -1);
	ck_assert_uint_eq(f.calls, 12);
	/* After an error the session is not trusted: one open a pair. */
	ck_assert_uint_eq(r.opens, 12);
	ck_assert_int_eq(f.live, 0);
	asy_credlist_release(&l);
}
END_TEST

START_TEST(test_empty_list)
{
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l = { 0 };
	struct fake f;

	fake_init(&f);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = 4;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 0);
	ck_assert_uint_eq(r.opens, 0);
	ck_assert_uint_eq(f.open_calls, 0);
	ck_assert_int_eq(r.budget_hit, 0);
	ck_assert_int_eq(r.found, -1);
	ck_assert_str_eq(r.why, "the list of pairs is empty");
	ck_assert_double_eq(r.rate_first, 0.0);
}
END_TEST

/* ---- the transcript ------------------------------------------------------ */

START_TEST(test_transcript)
{
	char *dir = ut_tmpdir(), *tr = asy_path_join(dir, "transcript");
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct asy_buf b;
	size_t lines = 0, acc = 0;
	char *p, *nl;
	struct fake f;

	fake_init(&f);
	f.accept[0] = 3;
	make_list(&l, 20, 1);
	ck_assert_int_eq(asy_credlist_add(&l, "evil\x1b[2J user\t",
	    "pw-20-SECRET-evil"), 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.workers = 2;
	o.transcript = tr;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 21);
	ck_assert_uint_eq(r.accepted, 1);
	ut_load(tr, &b);
	ck_assert_msg(strstr(b.data, "SECRET") == NULL &&
	    strstr(b.data, "pw-") == NULL, "a password in the transcript");
	ck_assert_msg(strchr(b.data, '\x1b') == NULL, "control byte");
	for (p = b.data; *p != '\0'; p = nl + 1) {
		char user[64], res[32];
		unsigned w;
		double t, ms;
		int n;

		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		n = sscanf(p, "+%lfs w%u %63s %31s %lfms", &t, &w, user,
		    res, &ms);
		ck_assert_msg(n == 5, "bad line: %s", p);
		ck_assert_double_ge(t, 0.0);
		ck_assert_double_lt(t, 10.0);
		ck_assert_uint_ge(w, 1);
		ck_assert_uint_le(w, 2);
		ck_assert_msg(strcmp(user, "u0") == 0 ||
		    strcmp(user, "u1") == 0 ||
		    strcmp(user, "evil?[2J?user?") == 0, "user %s", user);
		ck_assert_msg(strcmp(res, "accepted") == 0 ||
		    strcmp(res, "refused") == 0, "result %s", res);
		if (strcmp(res, "accepted") == 0) {
			acc++;
			ck_assert_str_eq(user, "u1");
		}
		lines++;
	}
	ck_assert_uint_eq(lines, 21);
	ck_assert_uint_eq(acc, 1);
	asy_buf_release(&b);
	asy_credlist_release(&l);
	free(tr);
	free(dir);
}
END_TEST

/* Failed opens are in the transcript too. */
START_TEST(test_transcript_opens)
{
	char *dir = ut_tmpdir(), *tr = asy_path_join(dir, "transcript");
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	f.open_ok_max = 0;
	f.open_err = ASY_E_TIMEOUT;
	make_list(&l, 5, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.transcript = tr;
	run_ok(&o, &r);
	ck_assert(ut_file_has(tr, " w1 admin open-timeout "));
	asy_credlist_release(&l);
	free(tr);
	free(dir);
}
END_TEST

START_TEST(test_transcript_unwritable)
{
	char *dir = ut_tmpdir(), *tr = asy_path_join(dir, "no/such/dir/t");
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct asy_credlist l;
	struct fake f;

	fake_init(&f);
	make_list(&l, 5, 0);
	o.ops = &fake_ops;
	o.cfg = &f;
	o.list = &l;
	o.transcript = tr;
	ck_assert_int_eq(asy_guess_run(&o, &r), ASY_E_IO);
	ck_assert_uint_eq(f.open_calls, 0);
	o.transcript = "/dev/full";
	ck_assert_int_eq(asy_guess_run(&o, &r), ASY_E_IO);
	asy_credlist_release(&l);
	free(tr);
	free(dir);
}
END_TEST

/* ---- real sockets on loopback -------------------------------------------- */

/*
 * A line-based login server: each connection reads "user pass\n" and
 * answers "ok\n" for the password "right", "no\n" otherwise, and 64 KiB
 * of binary and markup for the password with index hostile_idx.  After
 * max_conns connections it closes its listening socket: the next
 * connections are refused.  Everything has a deadline.
 */
struct lserver {
	int		 lfd;
	unsigned short	 port;
	unsigned	 max_conns;
	unsigned	 conns;
	long		 hostile_idx;
	pthread_t	 th;
};

static long long
now_ms(void)
{
	return ut_now_ms();
}

/* Read a line of at most cap-1 bytes before deadline; its length or -1. */
static ssize_t
read_line(int fd, char *buf, size_t cap, long long deadline)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t k;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		k = recv(fd, buf + n, 1, 0);
		if (k <= 0)
			return n == 0 && k == 0 ? 0 : -1;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return (ssize_t)n;
		}
		n++;
	}
	return -1;
}

static void *
lserver_main(void *arg)
{
	struct lserver *s = arg;
	long long end = now_ms() + 15000;
	static const char pat[] = "<a href=\"x\">\x1b[31m&#0;\xff";
	static char junk[65536];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = i % 7 == 0 ? '\0' : pat[i % (sizeof(pat) - 1)];
	while (s->conns < s->max_conns && now_ms() < end) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };
		char line[512];
		const char *pass;
		int c;

		if (poll(&p, 1, 200) <= 0)
			continue;
		c = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		s->conns++;
		/* Refuse the next ones before this one is answered. */
		if (s->conns == s->max_conns) {
			close(s->lfd);
			s->lfd = -1;
		}
		if (read_line(c, line, sizeof(line), now_ms() + 3000) > 0) {
			pass = strchr(line, ' ');
			pass = pass != NULL ? pass + 1 : "";
			if (strcmp(pass, "right") == 0)
				send(c, "ok\n", 3, MSG_NOSIGNAL);
			else if (pair_index(pass) == s->hostile_idx)
				send(c, junk, sizeof(junk),
				    MSG_NOSIGNAL | MSG_DONTWAIT);
			else
				send(c, "no\n", 3, MSG_NOSIGNAL);
		}
		close(c);
	}
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
	return NULL;
}

struct tsess {
	int	fd;
};

static int
tcp_open(const void *cfg, const char *user, void **sess, char *why,
    size_t why_len)
{
	const struct lserver *s = cfg;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct pollfd p;
	struct tsess *t;
	int fd, r, err = 0;
	socklen_t el = sizeof(err);

	a.sin_port = htons(s->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ASY_E_IO;
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (r < 0 && errno == EINPROGRESS) {
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, 2000) <= 0) {
			close(fd);
			snprintf(why, why_len, "no answer within 2000 ms");
			return ASY_E_TIMEOUT;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		r = err == 0 ? 0 : -1;
		errno = err;
	}
	if (r < 0) {
		err = errno;
		close(fd);
		snprintf(why, why_len, "%s", strerror(err));
		return err == ECONNREFUSED ? ASY_E_REFUSED : ASY_E_IO;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		close(fd);
		return ASY_E_NOMEM;
	}
	t->fd = fd;
	*sess = t;
	return 0;
}

static int
tcp_attempt(void *sess, const char *user, const char *pass)
{
	struct tsess *t = sess;
	char line[128], ans[64];
	int n;
	ssize_t k;

	n = snprintf(line, sizeof(line), "%s %s\n", user, pass);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ASY_E_TOOBIG;
	if (send(t->fd, line, (size_t)n, MSG_NOSIGNAL) != n)
		return ASY_E_CLOSED;
	/* At most 64 bytes of answer, whatever the server sends. */
	k = read_line(t->fd, ans, sizeof(ans), now_ms() + 2000);
	if (k == 0)
		return ASY_E_CLOSED;
	if (k < 0)
		return ASY_E_PROTO;
	if (strcmp(ans, "ok") == 0)
		return 1;
	if (strcmp(ans, "no") == 0)
		return 0;
	return ASY_E_PROTO;
}

static void
tcp_close(void *sess)
{
	struct tsess *t = sess;

	if (t == NULL)
		return;
	close(t->fd);
	free(t);
}

static const struct asy_guess_ops tcp_ops = {
	"tcp-line", tcp_open, tcp_attempt, tcp_close, 1,
};

START_TEST(test_real_socket)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct lserver s = { .max_conns = 5, .hostile_idx = 2 };
	struct asy_credlist l;
	long long t0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s.lfd, 0);
	ck_assert_int_eq(bind(s.lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s.lfd, 16), 0);
	ck_assert_int_eq(getsockname(s.lfd, (struct sockaddr *)&a, &al), 0);
	s.port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s.th, NULL, lserver_main, &s), 0);
	make_list(&l, 20, 0);
	o.ops = &tcp_ops;
	o.cfg = &s;
	o.list = &l;
	o.budget_ms = 10000;
	t0 = ut_now_ms();
	run_ok(&o, &r);
	pthread_join(s.th, NULL);
	ck_assert_int_lt(ut_now_ms() - t0, 5000);
	ck_assert_uint_eq(s.conns, 5);
	ck_assert_uint_eq(r.opens, 5);
	/* Pair 2 got 64 KiB of junk: an error, read only 64 bytes of. */
	ck_assert_uint_eq(r.errors, 1);
	ck_assert_uint_eq(r.attempts, 4);
	ck_assert_uint_eq(r.refused, 4);
	ck_assert_uint_gt(r.open_failures, 0);
	ck_assert_int_eq(r.throttled, 1);
	ck_assert_int_eq(r.budget_hit, 0);
	ck_assert_str_eq(r.why, "");
	asy_credlist_release(&l);
}
END_TEST

/* Nothing listens: why says what connect said. */
START_TEST(test_real_socket_closed)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	struct asy_guess_opts o = { 0 };
	struct asy_guess_result r;
	struct lserver s = { 0 };
	struct asy_credlist l;
	int fd;

	/* A free port: bind one, then close it. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	s.port = ntohs(a.sin_port);
	close(fd);
	make_list(&l, 3, 0);
	o.ops = &tcp_ops;
	o.cfg = &s;
	o.list = &l;
	run_ok(&o, &r);
	ck_assert_uint_eq(r.attempts, 0);
	ck_assert_uint_eq(r.opens, 0);
	ck_assert_uint_eq(r.open_failures, 1);
	ck_assert_str_eq(r.why, "could not connect: Connection refused");
	asy_credlist_release(&l);
}
END_TEST

/* ---- credential lists ---------------------------------------------------- */

struct want_pair {
	const char	*user, *pass;
};

static const struct cred_case {
	const char		*name;
	const char		*data;
	size_t			 len;		/* 0: strlen(data) */
	int			 r;
	size_t			 n;		/* pairs after loading */
	unsigned long		 errors;
	unsigned long		 line;		/* of the first error */
	const char		*msg_has;	/* in the first error */
	struct want_pair	 pairs[4];
} cred_cases[] = {
	{ "basic", "admin:admin\nroot:\n# a comment\n\n  \t\nuser:pa:ss\n",
	  0, 0, 3, 0, 0, NULL,
	  { { "admin", "admin" }, { "root", "" }, { "user", "pa:ss" } } },
	{ "crlf", "a:b\r\n# c\r\n\r\nc:d\r\n", 0, 0, 2, 0, 0, NULL,
	  { { "a", "b" }, { "c", "d" } } },
	{ "no final newline", "a:b\nc:d", 0, 0, 2, 0, 0, NULL,
	  { { "a", "b" }, { "c", "d" } } },
	{ "spaces kept", "a: b \n", 0, 0, 1, 0, 0, NULL,
	  { { "a", " b " } } },
	{ "indented comment", "   # x:y\na:#b\n", 0, 0, 1, 0, 0, NULL,
	  { { "a", "#b" } } },
	{ "duplicates", "a:b\na:b\nA:b\na:B\na:b\r\n", 0, 0, 3, 0, 0, NULL,
	  { { "a", "b" }, { "A", "b" }, { "a", "B" } } },
	{ "empty", "", 0, 0, 0, 0, 0, NULL, { { NULL, NULL } } },
	{ "only comments", "# x\n#\n", 0, 0, 0, 0, 0, NULL,
	  { { NULL, NULL } } },
	{ "utf-8", "jos\xc3\xa9:caf\xc3\xa9\n", 0, 0, 1, 0, 0, NULL,
	  { { "jos\xc3\xa9", "caf\xc3\xa9" } } },
	{ "no colon", "a:b\nnocolon\n", 0, ASY_E_INPUT, 0, 1, 2, "no ':'",
	  { { NULL, NULL } } },
	{ "empty user", "a:b\n:pw\n", 0, ASY_E_INPUT, 0, 1, 2,
	  "user name is empty", { { NULL, NULL } } },
	{ "nul byte", "a:b\nc:\0d\ne:f\n", 13, ASY_E_INPUT, 0, 1, 2,
	  "NUL", { { NULL, NULL } } },
	{ "escape", "a:b\x1b[31m\n", 0, ASY_E_INPUT, 0, 1, 1, "0x1b",
	  { { NULL, NULL } } },
	{ "tab", "a\tb:c\n", 0, ASY_E_INPUT, 0, 1, 1, "0x09",
	  { { NULL, NULL } } },
	{ "lone cr", "a:b\rc\n", 0, ASY_E_INPUT, 0, 1, 1, "0x0d",
	  { { NULL, NULL } } },
	{ "every error", "x\ny\na:b\n:z\n", 0, ASY_E_INPUT, 0, 3, 1,
	  "no ':'", { { NULL, NULL } } },
};

START_TEST(test_credlist_table)
{
	const struct cred_case *c = &cred_cases[_i];
	char *dir = ut_tmpdir(), *path = asy_path_join(dir, "creds.txt");
	struct asy_credlist l = { 0 };
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	ut_write(path, c->data, c->len != 0 ? c->len : strlen(c->data));
	r = asy_credlist_load(&l, path, &d);
	ck_assert_msg(r == c->r, "%s: %s", c->name, asy_strerror(r));
	ck_assert_msg(l.n == c->n, "%s: %zu pairs", c->name, l.n);
	ck_assert_uint_eq(d.n_errors, c->errors);
	if (c->errors > 0) {
		ck_assert_str_eq(d.v[0].file, path);
		ck_assert_uint_eq(d.v[0].line, c->line);
		ck_assert_msg(strstr(d.v[0].msg, c->msg_has) != NULL &&
		    strchr(d.v[0].msg, ';') != NULL, "%s: %s", c->name,
		    d.v[0].msg);
	}
	for (size_t i = 0; i < c->n && i < ASY_ELEMENTSOF(c->pairs); i++) {
		if (c->pairs[i].user == NULL)
			break;
		ck_assert_str_eq(l.pairs[i].user, c->pairs[i].user);
		ck_assert_str_eq(l.pairs[i].pass, c->pairs[i].pass);
	}
	asy_credlist_release(&l);
	ck_assert_ptr_null(l.pairs);
	ck_assert_uint_eq(l.n, 0);
	asy_diags_release(&d);
	free(path);
	free(dir);
}
END_TEST

/* Generated files: line lengths, pair counts, size, garbage. */
enum { GEN_LINE255, GEN_LINE256, GEN_LINE_HUGE, GEN_10000, GEN_10001,
	GEN_10001_DUP, GEN_5MIB, GEN_BINARY };

static const struct gen_case {
	const char	*name;
	int		 kind;
	int		 r;
	size_t		 n;
	unsigned long	 line;
	const char	*msg_has;
} gen_cases[] = {
	{ "line of 255 bytes", GEN_LINE255, 0, 2, 0, NULL },
	{ "line of 256 bytes", GEN_LINE256, ASY_E_INPUT, 0, 2, "256 bytes" },
	{ "line of 1 MiB", GEN_LINE_HUGE, ASY_E_INPUT, 0, 2, "more than" },
	{ "10000 pairs", GEN_10000, 0, 10000, 0, NULL },
	{ "10001 pairs", GEN_10001, ASY_E_INPUT, 0, 10002, "10000" },
	{ "10001 lines, duplicates", GEN_10001_DUP, ASY_E_INPUT, 0, 10001,
	  "10000" },
	{ "5 MiB", GEN_5MIB, ASY_E_INPUT, 0, 0, "larger than" },
	{ "binary", GEN_BINARY, ASY_E_INPUT, 0, 1, ";" },
};

static void
gen_file(int kind, struct asy_buf *b)
{
	int r = 0;

	asy_buf_init(b, (size_t)8 << 20);
	switch (kind) {
	case GEN_LINE255:
	case GEN_LINE256:
		r = asy_buf_puts(b, "a:b\nu:");
		for (size_t i = 2; i < (kind == GEN_LINE255 ? 255U : 256U) &&
		    r == 0; i++)
			r = asy_buf_putc(b, 'p');
		break;
	case GEN_LINE_HUGE:
		r = asy_buf_puts(b, "a:b\nu:");
		for (size_t i = 0; i < ((size_t)1 << 20) && r == 0; i++)
			r = asy_buf_putc(b, 'p');
		if (r == 0)
			r = asy_buf_puts(b, "\nc:d\n");
		break;
	case GEN_10000:
	case GEN_10001:
		r = asy_buf_puts(b, "# generated\n");
		for (unsigned i = 0; i < (kind == GEN_10000 ? 10000U :
		    10001U) && r == 0; i++)
			r = asy_buf_printf(b, "user%u:pass%u\n", i, i);
		break;
	case GEN_10001_DUP:
		for (unsigned i = 0; i < 10001 && r == 0; i++)
			r = asy_buf_puts(b, "admin:admin\n");
		break;
	case GEN_5MIB:
		for (size_t i = 0; i < ((size_t)5 << 20) / 16 && r == 0; i++)
			r = asy_buf_puts(b, "#23456789abcdef\n");
		break;
	case GEN_BINARY:
		for (unsigned i = 0, x = 12345; i < 100000 && r == 0; i++) {
			x = x * 1103515245U + 12345U;
			r = asy_buf_putc(b, (char)(x >> 16));
		}
		break;
	default:
		ck_abort_msg("unknown kind");
	}
	ck_assert_int_eq(r, 0);
}

START_TEST(test_credlist_generated)
{
	const struct gen_case *c = &gen_cases[_i];
	char *dir = ut_tmpdir(), *path = asy_path_join(dir, "creds.txt");
	struct asy_credlist l = { 0 };
	struct asy_diags d;
	struct asy_buf b;
	long long t0;
	int r;

	asy_diags_init(&d);
	gen_file(c->kind, &b);
	ut_write(path, b.data, b.len);
	asy_buf_release(&b);
	t0 = ut_now_ms();
	r = asy_credlist_load(&l, path, &d);
	ck_assert_int_lt(ut_now_ms() - t0, 5000);
	ck_assert_msg(r == c->r, "%s: %s", c->name, asy_strerror(r));
	ck_assert_msg(l.n == c->n, "%s: %zu pairs", c->name, l.n);
	if (c->r != 0) {
		ck_assert_uint_ge(d.n_errors, 1);
		ck_assert_uint_eq(d.v[0].line, c->line);
		ck_assert_msg(strstr(d.v[0].msg, c->msg_has) != NULL,
		    "%s: %s", c->name, d.v[0].msg);
		/* Bounded: at most one error a line, and the cap holds. */
		ck_assert_uint_le(d.n, ASY_DIAG_MAX);
	} else
		ck_assert_uint_eq(d.n_errors, 0);
	asy_credlist_release(&l);
	asy_diags_release(&d);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_credlist_not_a_file)
{
	char *dir = ut_tmpdir(), *missing = asy_path_join(dir, "missing");
	const char *paths[] = { missing, dir };
	struct asy_credlist l = { 0 };
	struct asy_diags d;

	for (size_t i = 0; i < ASY_ELEMENTSOF(paths); i++) {
		asy_diags_init(&d);
		ck_assert_int_eq(asy_credlist_load(&l, paths[i], &d),
		    ASY_E_INPUT);
		ck_assert_uint_eq(l.n, 0);
		ck_assert_uint_eq(d.n_errors, 1);
		ck_assert_str_eq(d.v[0].file, paths[i]);
		ck_assert_uint_eq(d.v[0].line, 0);
		asy_diags_release(&d);
	}
	asy_credlist_release(&l);
	free(missing);
	free(dir);
}
END_TEST

/* Two files into one list: duplicates across them are skipped, and a bad
 * second file leaves the first one's pairs alone. */
START_TEST(test_credlist_two_files)
{
	char *dir = ut_tmpdir(), *a = asy_path_join(dir, "a"),
	    *b = asy_path_join(dir, "b"), *bad = asy_path_join(dir, "bad");
	struct asy_credlist l = { 0 };
	struct asy_diags d;

	asy_diags_init(&d);
	ut_write_str(a, "admin:admin\nroot:\n");
	ut_write_str(b, "root:\nvendor:s3cret\nadmin:admin\n");
	ut_write_str(bad, "x:y\nbroken\n");
	ck_assert_int_eq(asy_credlist_load(&l, a, &d), 0);
	ck_assert_int_eq(asy_credlist_load(&l, b, &d), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.pairs[2].user, "vendor");
	ck_assert_str_eq(l.pairs[2].pass, "s3cret");
	ck_assert_int_eq(asy_credlist_load(&l, bad, &d), ASY_E_INPUT);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.pairs[0].user, "admin");
	ck_assert_str_eq(l.pairs[1].user, "root");
	ck_assert_str_eq(l.pairs[1].pass, "");
	/* The list still grows after the failed load. */
	ck_assert_int_eq(asy_credlist_load(&l, b, &d), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_int_eq(asy_credlist_add(&l, "x", "y"), 0);
	ck_assert_uint_eq(l.n, 4);
	asy_credlist_release(&l);
	asy_diags_release(&d);
	free(a);
	free(b);
	free(bad);
	free(dir);
}
END_TEST

START_TEST(test_credlist_add)
{
	struct asy_credlist l = { 0 };
	char u[32], p[32];

	ck_assert_int_eq(asy_credlist_add(&l, "root", NULL), 0);
	ck_assert_str_eq(l.pairs[0].pass, "");
	ck_assert_int_eq(asy_credlist_add(&l, NULL, "x"), ASY_E_INPUT);
	ck_assert_uint_eq(l.n, 1);
	for (unsigned i = 1; i < 1000; i++) {
		snprintf(u, sizeof(u), "u%u", i);
		snprintf(p, sizeof(p), "p%u", i);
		ck_assert_int_eq(asy_credlist_add(&l, u, p), 0);
	}
	ck_assert_uint_eq(l.n, 1000);
	for (unsigned i = 1; i < 1000; i++) {
		snprintf(u, sizeof(u), "u%u", i);
		snprintf(p, sizeof(p), "p%u", i);
		ck_assert_str_eq(l.pairs[i].user, u);
		ck_assert_str_eq(l.pairs[i].pass, p);
	}
	asy_credlist_release(&l);
	asy_credlist_release(&l);
	asy_credlist_release(NULL);
}
END_TEST

START_TEST(test_defaults)
{
	char *path = ut_src("lab-config/credentials/defaults.txt");
	struct asy_credlist l = { 0 };
	struct asy_diags d;
	static const struct want_pair must[] = {
		{ "root", "" }, { "admin", "" }, { "pi", "raspberry" },
		{ "root", "xc3511" }, { "ubnt", "ubnt" },
	};

	asy_diags_init(&d);
	ck_assert_int_eq(asy_credlist_load(&l, path, &d), 0);
	ck_assert_uint_eq(d.n_errors, 0);
	ck_assert_uint_eq(d.n_warnings, 0);
	ck_assert_uint_ge(l.n, 60);
	ck_assert_uint_le(l.n, 100);
	ck_assert_str_eq(l.pairs[0].user, "admin");
	ck_assert_str_eq(l.pairs[0].pass, "admin");
	for (size_t i = 0; i < ASY_ELEMENTSOF(must); i++) {
		size_t k;

		for (k = 0; k < l.n; k++)
			if (strcmp(l.pairs[k].user, must[i].user) == 0 &&
			    strcmp(l.pairs[k].pass, must[i].pass) == 0)
				break;
		ck_assert_msg(k < l.n && k < 30, "%s:%s missing or late",
		    must[i].user, must[i].pass);
	}
	/* No duplicate in the file itself: loading skips none. */
	ck_assert(ut_file_has(path, "\nadmin:\n"));
	{
		struct asy_buf b;
		size_t lines = 0;

		ut_load(path, &b);
		for (const char *p = b.data; *p != '\0';) {
			const char *nl = strchr(p, '\n');

			if (*p != '#' && *p != '\n')
				lines++;
			if (nl == NULL)
				break;
			p = nl + 1;
		}
		ck_assert_uint_eq(lines, l.n);
		asy_buf_release(&b);
	}
	asy_credlist_release(&l);
	asy_diags_release(&d);
	free(path);
}
END_TEST

static Suite *
guess_suite(void)
{
	Suite *s = suite_create("guess");
	TCase *eng = tcase_create("engine");
	TCase *net = tcase_create("sockets");
	TCase *cred = tcase_create("credlist");

	tcase_set_timeout(eng, 60);
	tcase_add_loop_test(eng, test_found, 0,
	    (int)ASY_ELEMENTSOF(found_cases));
	tcase_add_test(eng, test_found_lowest);
	tcase_add_loop_test(eng, test_refuse_all, 0,
	    (int)ASY_ELEMENTSOF(refuse_cases));
	tcase_add_test(eng, test_max_with_errors);
	tcase_add_test(eng, test_budget);
	tcase_add_loop_test(eng, test_slowing, 0,
	    (int)ASY_ELEMENTSOF(slow_cases));
	tcase_add_test(eng, test_open_slowing);
	tcase_add_loop_test(eng, test_closed_retry, 0,
	    (int)ASY_ELEMENTSOF(closed_cases));
	tcase_add_test(eng, test_closed_always);
	tcase_add_test(eng, test_open_throttle);
	tcase_add_loop_test(eng, test_never_open, 0,
	    (int)ASY_ELEMENTSOF(never_cases));
	tcase_add_test(eng, test_workers8);
	tcase_add_loop_test(eng, test_session_user, 0,
	    (int)ASY_ELEMENTSOF(reuse_cases));
	tcase_add_loop_test(eng, test_hostile_ops, 0,
	    (int)ASY_ELEMENTSOF(hostile_rets));
	tcase_add_test(eng, test_empty_list);
	tcase_add_test(eng, test_transcript);
	tcase_add_test(eng, test_transcript_opens);
	tcase_add_test(eng, test_transcript_unwritable);
	tcase_set_timeout(net, 30);
	tcase_add_test(net, test_real_socket);
	tcase_add_test(net, test_real_socket_closed);
	tcase_set_timeout(cred, 60);
	tcase_add_loop_test(cred, test_credlist_table, 0,
	    (int)ASY_ELEMENTSOF(cred_cases));
	tcase_add_loop_test(cred, test_credlist_generated, 0,
	    (int)ASY_ELEMENTSOF(gen_cases));
	tcase_add_test(cred, test_credlist_not_a_file);
	tcase_add_test(cred, test_credlist_two_files);
	tcase_add_test(cred, test_credlist_add);
	tcase_add_test(cred, test_defaults);
	suite_add_tcase(s, eng);
	suite_add_tcase(s, net);
	suite_add_tcase(s, cred);
	return s;
}

int
main(void)
{
	return ut_main(guess_suite());
}
