/*
 * The password-guessing engine and credential lists (see guess.h).
 *
 * Engine: N worker threads share one cursor over the list under a mutex.
 * A worker takes a pair, opens a connection for its user when it has none
 * (a session opened for one user is reused only for pairs of that same
 * user: SSH servers refuse a change of user on one connection), tries the
 * pair, and goes on.  Everything is bounded: the pairs of the list, the
 * decided attempts (max_attempts), the time (budget_ms, checked before each
 * open and each attempt, so that the run ends at most one operation
 * timeout of the prober after the budget), the retries of a pair whose
 * connection closed (3) and the consecutive failed opens of a worker (3,
 * with a short backoff between them).
 */
#include "guess.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* ---- credential lists --------------------------------------------------- */

#define CRED_MAX_PAIRS	10000		/* from one file */
#define CRED_MAX_LINE	255		/* bytes, without the line end */
#define CRED_MAX_FILE	((size_t)4 << 20)

/*
 * struct asy_credlist has no capacity field: the allocation is always at
 * least the smallest 8 * 2^k >= n, so it grows when n is 0, 8, 16, 32...
 * A list is therefore built only with asy_credlist_add() and _load().
 */
static int
credlist_grow(struct asy_credlist *l)
{
	struct asy_cred_pair *np;
	size_t want;

	if (l->n != 0 && (l->n < 8 || (l->n & (l->n - 1)) != 0))
		return 0;
	want = l->n == 0 ? 8 : l->n * 2;
	if (want > SIZE_MAX / sizeof(*np))
		return ASY_E_NOMEM;
	np = realloc(l->pairs, want * sizeof(*np));
	if (np == NULL)
		return ASY_E_NOMEM;
	l->pairs = np;
	return 0;
}

/* Append a pair whose strings the list takes over. */
static int
credlist_push(struct asy_credlist *l, char *user, char *pass)
{
	int r;

	r = credlist_grow(l);
	if (r < 0)
		return r;
	l->pairs[l->n].user = user;
	l->pairs[l->n].pass = pass;
	l->n++;
	return 0;
}

int
asy_credlist_add(struct asy_credlist *l, const char *user, const char *pass)
{
	char *u = NULL, *p = NULL;
	int r;

	if (user == NULL)
		return ASY_E_INPUT;
	u = asy_strdup(user);
	p = asy_strdup(pass != NULL ? pass : "");
	if (u == NULL || p == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = credlist_push(l, u, p);
	if (r < 0)
		goto out;
	u = NULL;
	p = NULL;
out:
	free(u);
	free(p);
	return r;
}

/* Free the pairs from index from on and shorten the list to from. */
static void
credlist_truncate(struct asy_credlist *l, size_t from)
{
	for (size_t i = from; i < l->n; i++) {
		free(l->pairs[i].user);
		free(l->pairs[i].pass);
	}
	if (l->n > from)
		l->n = from;
}

void
asy_credlist_release(struct asy_credlist *l)
{
	if (l == NULL)
		return;
	credlist_truncate(l, 0);
	free(l->pairs);
	l->pairs = NULL;
	l->n = 0;
}

/*
 * A set of the pairs of a list (open addressing over list indexes + 1),
 * so that loading 10000 pairs does not compare each with every other.
 */
struct pairset {
	size_t	*slot;
	size_t	 mask;
};

static uint64_t
pair_hash(const char *u, size_t ulen, const char *p, size_t plen)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < ulen; i++)
		h = (h ^ (unsigned char)u[i]) * 1099511628211ULL;
	h = (h ^ 0xffU) * 1099511628211ULL;
	for (size_t i = 0; i < plen; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static int
pairset_init(struct pairset *s, size_t want)
{
	size_t n = 16;

	while (n < want * 2) {
		if (n > SIZE_MAX / 4 / sizeof(*s->slot))
			return ASY_E_NOMEM;
		n *= 2;
	}
	s->slot = calloc(n, sizeof(*s->slot));
	if (s->slot == NULL)
		return ASY_E_NOMEM;
	s->mask = n - 1;
	return 0;
}

/*
 * Is (u, p) already in l?  When not and add is set, remember index idx for
 * it.  The set holds at most half its slots, so a free slot always ends
 * the search.
 */
static int
pairset_has(struct pairset *s, const struct asy_credlist *l, const char *u,
    size_t ulen, const char *p, size_t plen, int add, size_t idx)
{
	size_t i = (size_t)pair_hash(u, ulen, p, plen) & s->mask;

	for (; s->slot[i] != 0; i = (i + 1) & s->mask) {
		const struct asy_cred_pair *x = &l->pairs[s->slot[i] - 1];

		if (strlen(x->user) == ulen && memcmp(x->user, u, ulen) == 0 &&
		    strlen(x->pass) == plen && memcmp(x->pass, p, plen) == 0)
			return 1;
	}
	if (add)
		s->slot[i] = idx + 1;
	return 0;
}

struct loader {
	struct asy_credlist	*l;
	struct pairset		 set;
	const char		*path;
	struct asy_diags	*d;
	size_t			 n_pairs;	/* pair lines in this file */
};

/*
 * One line without its line end.  0, ASY_E_NOMEM, or ASY_E_TOOBIG when the
 * file has too many pairs to go on.
 */
static int
load_line(struct loader *L, unsigned long line, const char *s, size_t len)
{
	const char *colon;
	char *u = NULL, *p = NULL;
	size_t i, ulen;
	int r;

	if (memchr(s, '\0', len) != NULL) {
		asy_diag_error(L->d, L->path, line, "the line holds a NUL "
		    "byte; a credential list is text: remove it");
		return 0;
	}
	if (len > CRED_MAX_LINE) {
		asy_diag_error(L->d, L->path, line, "the line is %zu bytes "
		    "long, more than %d; shorten it", len, CRED_MAX_LINE);
		return 0;
	}
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len || s[i] == '#')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			asy_diag_error(L->d, L->path, line, "the line holds "
			    "the control byte 0x%02x at column %zu; remove "
			    "it", c, i + 1);
			return 0;
		}
	}
	colon = memchr(s, ':', len);
	if (colon == NULL) {
		asy_diag_error(L->d, L->path, line, "there is no ':' between "
		    "user and password; write user:password (user: for an "
		    "empty password)");
		return 0;
	}
	ulen = (size_t)(colon - s);
	if (ulen == 0) {
		asy_diag_error(L->d, L->path, line, "the user name is empty; "
		    "write user:password");
		return 0;
	}
	if (++L->n_pairs > CRED_MAX_PAIRS) {
		asy_diag_error(L->d, L->path, line, "the file has more than "
		    "%d pairs; keep the most common ones or split the list",
		    CRED_MAX_PAIRS);
		return ASY_E_TOOBIG;
	}
	if (pairset_has(&L->set, L->l, s, ulen, colon + 1, len - ulen - 1, 1,
	    L->l->n))
		return 0;
	u = asy_strndup(s, ulen);
	p = asy_strndup(colon + 1, len - ulen - 1);
	if (u == NULL || p == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = credlist_push(L->l, u, p);
	if (r < 0)
		goto out;
	u = NULL;
	p = NULL;
out:
	free(u);
	free(p);
	return r;
}

int
asy_credlist_load(struct asy_credlist *l, const char *path,
    struct asy_diags *d)
{
	struct loader L = { .l = l, .path = path, .d = d };
	unsigned long errors_before = d->n_errors, line = 0;
	size_t n_before = l->n, n_lines = 1;
	const char *p, *end;
	struct asy_buf b;
	int r, err;

	asy_buf_init(&b, CRED_MAX_FILE);
	r = asy_buf_load_file(&b, path);
	err = errno;
	if (r == ASY_E_NOMEM)
		goto out;
	if (r == ASY_E_TOOBIG) {
		asy_diag_error(d, path, 0, "the file is larger than %zu MiB; "
		    "a list holds at most %d pairs: shorten it",
		    CRED_MAX_FILE >> 20, CRED_MAX_PAIRS);
	} else if (r == ASY_E_NOTREG) {
		asy_diag_error(d, path, 0, "this is not a regular file; give "
		    "the path of a credential list");
	} else if (r < 0) {
		asy_diag_error(d, path, 0, "cannot read the credential list "
		    "(%s); check the path and its permissions", strerror(err));
	}
	if (r < 0) {
		r = ASY_E_INPUT;
		goto out;
	}
	p = b.data != NULL ? b.data : "";
	end = p + b.len;
	for (const char *q = p; q < end; q++)
		if (*q == '\n')
			n_lines++;
	if (n_lines > CRED_MAX_PAIRS + 1)
		n_lines = CRED_MAX_PAIRS + 1;
	r = pairset_init(&L.set, l->n + n_lines);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < l->n; i++)
		pairset_has(&L.set, l, l->pairs[i].user,
		    strlen(l->pairs[i].user), l->pairs[i].pass,
		    strlen(l->pairs[i].pass), 1, i);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);

		line++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		r = load_line(&L, line, p, len);
		if (r == ASY_E_TOOBIG)
			break;
		if (r < 0)
			goto out;
		p = nl != NULL ? nl + 1 : end;
	}
	r = d->n_errors > errors_before ? ASY_E_INPUT : 0;
out:
	if (r < 0)
		credlist_truncate(l, n_before);
	free(L.set.slot);
	asy_buf_release(&b);
	return r;
}

/* ---- the engine ---------------------------------------------------------- */

#define GUESS_MAX_WORKERS	16
#define GUESS_DEF_ATTEMPTS	100
#define GUESS_DEF_BUDGET_MS	60000UL
#define GUESS_RETRIES		3	/* of a pair whose connection closed */
#define GUESS_OPEN_TRIES	3	/* consecutive failed opens, a worker */
#define GUESS_BACKOFF_MS	100	/* after a failed open, doubling */
#define GUESS_WINDOW		10	/* attempts for rate_first/_last */
#define THROTTLE_FACTOR		3.0
/* Slowing down by less than this (per attempt) is jitter, not a
 * protection: a fake or a fast device going from 0.1 to 0.5 ms is not
 * throttling. */
#define THROTTLE_MIN_S		0.050

/* One decided attempt, in seconds since the start. */
struct guess_rec {
	double	start, end;
};

struct engine {
	const struct asy_guess_opts	*o;
	const struct asy_credlist	*list;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;	/* state changed */
	FILE				*tr;
	double				 t0, deadline;	/* monotonic, s */
	unsigned			 max;
	size_t				 next;		/* cursor */
	size_t				 back[GUESS_MAX_WORKERS];
	size_t				 n_back;	/* given back */
	unsigned			 inflight;	/* held by workers */
	int				 stop;
	int				 budget_hit;
	unsigned			 accepted, refused, errors;
	unsigned			 opens, open_failures;
	int				 open_fail_after_ok;
	long				 found;
	char				 why[160];	/* first failed open */
	struct guess_rec		*recs;
	size_t				 n_recs, cap_recs;
};

struct worker {
	struct engine	*e;
	unsigned	 id;		/* 1.. */
	pthread_t	 th;
};

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait (the mutex held) for a change, at most until 'until' and the
 * deadline; a wake-up may come early. */
static void
wait_locked(struct engine *e, double until)
{
	struct timespec ts;

	if (until > e->deadline)
		until = e->deadline;
	ts.tv_sec = (time_t)until;
	ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec < 0)
		ts.tv_nsec = 0;
	if (ts.tv_nsec > 999999999L)
		ts.tv_nsec = 999999999L;
	pthread_cond_timedwait(&e->cv, &e->mu, &ts);
}

static int
pairs_left_locked(const struct engine *e)
{
	return e->n_back > 0 || e->next < e->list->n;
}

/* The time is up: stop everyone.  Called with the mutex held. */
static void
budget_over_locked(struct engine *e)
{
	e->stop = 1;
	e->budget_hit = 1;
	pthread_cond_broadcast(&e->cv);
}

/*
 * The index of the next pair for a worker, or -1 when it should stop: the
 * run stopped, no pair is left, the time is up, or max_attempts attempts
 * are decided.  While other workers hold pairs that would reach
 * max_attempts, wait: one of them may end in an error and leave room.
 */
static long
take_pair(struct engine *e)
{
	long k = -1;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		unsigned decided = e->accepted + e->refused;

		if (e->stop || !pairs_left_locked(e))
			break;
		if (mono_s() >= e->deadline) {
			budget_over_locked(e);
			break;
		}
		if (decided + e->inflight < e->max) {
			if (e->n_back > 0)
				k = (long)e->back[--e->n_back];
			else
				k = (long)e->next++;
			e->inflight++;
			break;
		}
		if (e->inflight == 0) {
			e->stop = 1;
			e->budget_hit = 1;
			pthread_cond_broadcast(&e->cv);
			break;
		}
		wait_locked(e, e->deadline);
	}
	pthread_mutex_unlock(&e->mu);
	return k;
}

/* A worker stops holding pair k undecided: another may take it. */
static void
give_back(struct engine *e, long k)
{
	pthread_mutex_lock(&e->mu);
	if (e->n_back >= GUESS_MAX_WORKERS)
		ASY_BUG("more pairs given back than workers");
	e->back[e->n_back++] = (size_t)k;
	e->inflight--;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

/* May a worker start an open or an attempt now? */
static int
may_go(struct engine *e)
{
	int go;

	pthread_mutex_lock(&e->mu);
	if (!e->stop && mono_s() >= e->deadline)
		budget_over_locked(e);
	go = !e->stop;
	pthread_mutex_unlock(&e->mu);
	return go;
}

/* Result words of the transcript: no spaces, so a line splits at them. */
static const struct {
	int		 code;
	const char	*word;
} result_words[] = {
	{ 1,			"accepted" },
	{ 0,			"refused" },
	{ ASY_E_CLOSED,		"closed" },
	{ ASY_E_TIMEOUT,	"timeout" },
	{ ASY_E_REFUSED,	"conn-refused" },
	{ ASY_E_PROTO,		"proto-error" },
};

static const char *
result_word(int r)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(result_words); i++)
		if (result_words[i].code == r)
			return result_words[i].word;
	return "error";
}

/*
 * One transcript line (the mutex held): "+0.123s w2 admin accepted 45ms".
 * The user is printed with white space and control bytes as '?', at most
 * CRED_MAX_LINE bytes of it; the password never.
 */
static void
transcript_locked(struct engine *e, unsigned worker, const char *user,
    const char *prefix, int r, double start, double end)
{
	const unsigned char *u = (const unsigned char *)user;

	if (e->tr == NULL)
		return;
	fprintf(e->tr, "+%.3fs w%u ", end - e->t0, worker);
	for (size_t i = 0; u[i] != '\0' && i < CRED_MAX_LINE; i++)
		putc(u[i] <= 0x20 || u[i] == 0x7f ? '?' : u[i], e->tr);
	fprintf(e->tr, " %s%s %.0fms\n", prefix, result_word(r),
	    (end - start) * 1000.0);
}

/* Copy a phrase from a prober, control bytes as '?'. */
static void
copy_phrase(char *dst, size_t dst_len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dst_len && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
}

/* Open a session for pair's user; counts opens and failed opens. */
static int
open_session(struct engine *e, const struct worker *w,
    const struct asy_cred_pair *pair, void **sess)
{
	char why[200];
	double t1, t2;
	void *s = NULL;
	int r;

	memset(why, 0, sizeof(why));
	t1 = mono_s();
	r = e->o->ops->open(e->o->cfg, pair->user, &s, why, sizeof(why));
	t2 = mono_s();
	why[sizeof(why) - 1] = '\0';
	pthread_mutex_lock(&e->mu);
	if (r >= 0) {
		e->opens++;
		*sess = s;
		r = 0;
	} else {
		e->open_failures++;
		if (e->opens > 0)
			e->open_fail_after_ok = 1;
		if (e->why[0] == '\0')
			copy_phrase(e->why, sizeof(e->why), why[0] != '\0' ?
			    why : asy_strerror(r));
		transcript_locked(e, w->id, pair->user, "open-", r, t1, t2);
	}
	pthread_mutex_unlock(&e->mu);
	return r;
}

/*
 * After the n-th failed open in a row: try again (after a backoff) only
 * when some open worked before (the server throttles; it did not just go
 * away), fewer than GUESS_OPEN_TRIES failed in a row, and the run goes on.
 */
static int
open_retry(struct engine *e, unsigned n)
{
	double until;
	int retry;

	pthread_mutex_lock(&e->mu);
	retry = e->opens > 0 && n < GUESS_OPEN_TRIES && !e->stop &&
	    mono_s() < e->deadline;
	if (retry) {
		until = mono_s() + GUESS_BACKOFF_MS / 1000.0 *
		    (double)(1U << (n - 1));
		while (!e->stop && mono_s() < until && mono_s() < e->deadline)
			wait_locked(e, until);
	}
	pthread_mutex_unlock(&e->mu);
	return retry;
}

/* A try that the server cut short: it is logged, the pair is retried. */
static void
note_closed(struct engine *e, const struct worker *w,
    const struct asy_cred_pair *pair, double t1, double t2)
{
	pthread_mutex_lock(&e->mu);
	transcript_locked(e, w->id, pair->user, "", ASY_E_CLOSED, t1, t2);
	pthread_mutex_unlock(&e->mu);
}

/* Pair k is done: 1 accepted, 0 refused, anything else an error. */
static void
decide(struct engine *e, const struct worker *w, long k, int r, double t1,
    double t2)
{
	const struct asy_cred_pair *pair = &e->list->pairs[k];

	pthread_mutex_lock(&e->mu);
	e->inflight--;
	if (r == 0 || r == 1) {
		if (e->n_recs >= e->cap_recs)
			ASY_BUG("more decided attempts than pairs");
		e->recs[e->n_recs].start = t1 - e->t0;
		e->recs[e->n_recs].end = t2 - e->t0;
		e->n_recs++;
		if (r == 1) {
			e->accepted++;
			if (e->found < 0 || k < e->found)
				e->found = k;
			if (e->o->stop_on_success)
				e->stop = 1;
		} else
			e->refused++;
	} else {
		e->errors++;
		if (r > 1)
			r = ASY_E_INTERNAL;
	}
	transcript_locked(e, w->id, pair->user, "", r, t1, t2);
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *e = w->e;
	const struct asy_guess_ops *ops = e->o->ops;
	const struct asy_cred_pair *pair;
	const char *sess_user = NULL;
	unsigned tries = 0, open_fails = 0;
	void *sess = NULL;
	int have_sess = 0, r;
	double t1, t2;
	long k = -1;

	for (;;) {
		if (k < 0) {
			k = take_pair(e);
			if (k < 0)
				break;
			tries = 0;
		}
		pair = &e->list->pairs[k];
		if (have_sess && strcmp(sess_user, pair->user) != 0) {
			ops->close(sess);
			have_sess = 0;
		}
		if (!have_sess) {
			if (!may_go(e))
				break;
			sess = NULL;
			r = open_session(e, w, pair, &sess);
			if (r < 0) {
				if (!open_retry(e, ++open_fails))
					break;
				continue;
			}
			have_sess = 1;
			open_fails = 0;
			sess_user = pair->user;
		}
		if (!may_go(e))
			break;
		t1 = mono_s();
		r = ops->attempt(sess, pair->user, pair->pass);
		t2 = mono_s();
		if (r != 0 || ops->one_per_conn) {
			ops->close(sess);
			have_sess = 0;
		}
		if (r == ASY_E_CLOSED && tries < GUESS_RETRIES) {
			tries++;
			note_closed(e, w, pair, t1, t2);
			continue;
		}
		decide(e, w, k, r, t1, t2);
		k = -1;
	}
	if (have_sess)
		ops->close(sess);
	if (k >= 0)
		give_back(e, k);
	return NULL;
}

static int
cmp_rec_end(const void *a, const void *b)
{
	const struct guess_rec *x = a, *y = b;

	if (x->end < y->end)
		return -1;
	return x->end > y->end;
}

/*
 * Rate and mean latency of the n decided attempts recs[0..n) (sorted by
 * finish time): rate = n / (finish of the last of them - earliest start
 * among them), so the first window runs from the start of the first
 * attempt to the finish of the 10th, the last window from the earliest
 * start among the last 10 to the finish of the last; latency = the mean
 * of finish - start.  With fewer than 20 attempts the two windows overlap.
 */
static void
window(const struct guess_rec *recs, size_t n, double *rate, double *lat_ms)
{
	double first = recs[0].start, sum = 0.0, span;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].start < first)
			first = recs[i].start;
		sum += recs[i].end - recs[i].start;
	}
	span = recs[n - 1].end - first;
	*rate = span > 0.0 ? (double)n / span : 0.0;
	*lat_ms = sum / (double)n * 1000.0;
}

static void
summarise(struct engine *e, double seconds, struct asy_guess_result *res)
{
	size_t n = e->n_recs, k = n < GUESS_WINDOW ? n : GUESS_WINDOW;

	memset(res, 0, sizeof(*res));
	res->attempts = e->accepted + e->refused;
	res->accepted = e->accepted;
	res->refused = e->refused;
	res->errors = e->errors;
	res->opens = e->opens;
	res->open_failures = e->open_failures;
	res->seconds = seconds;
	res->rate = seconds > 0.0 ? (double)res->attempts / seconds : 0.0;
	res->budget_hit = e->budget_hit;
	res->found = e->found;
	if (n > 0) {
		qsort(e->recs, n, sizeof(*e->recs), cmp_rec_end);
		window(e->recs, k, &res->rate_first, &res->latency_first_ms);
		window(e->recs + (n - k), k, &res->rate_last,
		    &res->latency_last_ms);
	}
	/* Slower by THROTTLE_FACTOR and by THROTTLE_MIN_S an attempt, in
	 * latency or in rate (the rate also shows delays in opening). */
	if (e->open_fail_after_ok)
		res->throttled = 1;
	if (n >= 2 && res->latency_last_ms >= THROTTLE_FACTOR *
	    res->latency_first_ms && res->latency_last_ms -
	    res->latency_first_ms >= THROTTLE_MIN_S * 1000.0)
		res->throttled = 1;
	if (n >= 2 && res->rate_last > 0.0 && res->rate_first > 0.0 &&
	    res->rate_first >= THROTTLE_FACTOR * res->rate_last &&
	    1.0 / res->rate_last - 1.0 / res->rate_first >= THROTTLE_MIN_S)
		res->throttled = 1;
	if (e->list->n == 0)
		snprintf(res->why, sizeof(res->why), "the list of pairs is "
		    "empty");
	else if (e->opens == 0 && e->open_failures > 0)
		snprintf(res->why, sizeof(res->why), "could not connect: %s",
		    e->why);
	else if (e->opens == 0 && e->budget_hit)
		snprintf(res->why, sizeof(res->why), "the time budget ended "
		    "before the first connection");
}

int
asy_guess_run(const struct asy_guess_opts *o, struct asy_guess_result *r)
{
	struct worker w[GUESS_MAX_WORKERS];
	struct asy_guess_result res;
	pthread_condattr_t ca;
	struct engine e;
	unsigned long budget_ms;
	unsigned nw, started = 0;
	int mu_ok = 0, cv_ok = 0, rc = 0;

	if (o == NULL || r == NULL || o->ops == NULL || o->list == NULL ||
	    o->ops->open == NULL || o->ops->attempt == NULL ||
	    o->ops->close == NULL)
		ASY_BUG("asy_guess_run without ops or list");
	memset(&e, 0, sizeof(e));
	e.o = o;
	e.list = o->list;
	e.found = -1;
	e.max = o->max_attempts != 0 ? o->max_attempts : GUESS_DEF_ATTEMPTS;
	budget_ms = o->budget_ms != 0 ? o->budget_ms : GUESS_DEF_BUDGET_MS;
	nw = o->workers != 0 ? o->workers : 1;
	if (nw > GUESS_MAX_WORKERS)
		nw = GUESS_MAX_WORKERS;
	if (nw > e.list->n)
		nw = (unsigned)e.list->n;
	e.cap_recs = e.list->n < e.max ? e.list->n : e.max;
	e.recs = calloc(e.cap_recs != 0 ? e.cap_recs : 1, sizeof(*e.recs));
	if (e.recs == NULL) {
		rc = ASY_E_NOMEM;
		goto out;
	}
	if (pthread_mutex_init(&e.mu, NULL) != 0) {
		rc = ASY_E_NOMEM;
		goto out;
	}
	mu_ok = 1;
	if (pthread_condattr_init(&ca) != 0) {
		rc = ASY_E_NOMEM;
		goto out;
	}
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&e.cv, &ca) == 0)
		cv_ok = 1;
	pthread_condattr_destroy(&ca);
	if (!cv_ok) {
		rc = ASY_E_NOMEM;
		goto out;
	}
	if (o->transcript != NULL) {
		e.tr = fopen(o->transcript, "we");
		if (e.tr == NULL) {
			asy_debug("cannot open %s: %s", o->transcript,
			    strerror(errno));
			rc = ASY_E_IO;
			goto out;
		}
	}
	e.t0 = mono_s();
	e.deadline = e.t0 + (double)budget_ms / 1000.0;
	for (unsigned i = 0; i < nw; i++) {
		w[i].e = &e;
		w[i].id = i + 1;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (nw > 0 && started == 0) {
		rc = ASY_E_NOMEM;
		goto out;
	}
	/* Each worker checks the budget before every open and attempt, so
	 * this waits at most one operation timeout past it. */
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].th, NULL);
	summarise(&e, mono_s() - e.t0, &res);
	asy_debug("%s: %u attempts (%u accepted) in %.2f s, %u errors, "
	    "%u opens, %u failed opens%s", o->ops->name != NULL ?
	    o->ops->name : "?", res.attempts, res.accepted, res.seconds,
	    res.errors, res.opens, res.open_failures,
	    res.throttled ? ", throttled" : "");
	if (e.tr != NULL) {
		int bad = ferror(e.tr);

		bad |= fclose(e.tr) != 0;
		e.tr = NULL;
		if (bad) {
			asy_debug("cannot write %s", o->transcript);
			rc = ASY_E_IO;
			goto out;
		}
	}
	*r = res;
out:
	if (e.tr != NULL)
		fclose(e.tr);
	if (cv_ok)
		pthread_cond_destroy(&e.cv);
	if (mu_ok)
		pthread_mutex_destroy(&e.mu);
	free(e.recs);
	return rc;
}
