/*
 * progress.json: the writer a run calls at each case and unit, and the
 * defensive reader of the dashboard.  See progress.h for the format.
 *
 * The reader is a small pull parser for the JSON this file writes: an
 * object of known keys whose values are strings, integers, null, one
 * nested object level ("case", "counts") and an array of small objects
 * ("last").  Unknown keys are skipped whatever their value, within the
 * nesting cap.  Strict JSON (RFC 8259): raw control bytes in strings,
 * bad escapes, trailing commas and trailing data are errors.
 */
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define TMP_NAME	".progress.json.tmp"
#define OUT_MAX		(32 * 1024)
/* Nesting of values skipped under unknown keys. */
#define MAX_DEPTH	8
/* Elements of "last" looked at, at most. */
#define MAX_ELEMS	1000

static const char *const state_names[ASY_PROGRESS__COUNT] = {
	[ASY_PROGRESS_RUNNING] = "running",
	[ASY_PROGRESS_COMPLETE] = "complete",
	[ASY_PROGRESS_INCOMPLETE] = "incomplete",
	[ASY_PROGRESS_FAILED] = "failed",
};

const char *
asy_progress_state_name(enum asy_progress_state s)
{
	if ((unsigned)s >= ASY_PROGRESS__COUNT)
		return "incomplete";
	return state_names[s];
}

int
asy_iso8601_parse(const char *s, long long *t)
{
	struct tm tm;
	const char *end;
	time_t v;

	if (s == NULL || strlen(s) != 20)
		return ASY_E_INPUT;
	for (size_t i = 0; i < 20; i++) {
		char c = s[i], want = "dddd-dd-ddTdd:dd:ddZ"[i];

		if (want == 'd' ? (c < '0' || c > '9') : c != want)
			return ASY_E_INPUT;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return ASY_E_INPUT;
	v = timegm(&tm);
	if (v == (time_t)-1)
		return ASY_E_INPUT;
	*t = (long long)v;
	return 0;
}

/* ---- the writer ---------------------------------------------------------- */

struct asy_progress {
	char			*dir;
	char			*path;
	char			*tmp;
	char			*device;
	char			*edition;
	char			 host[256];
	long			 pid;
	char			 started[32];
	enum asy_progress_state	 state;
	char			*case_id;
	char			*case_title;
	char			 case_started[32];
	unsigned long		 done;
	unsigned long		 total;
	unsigned long		 counts[ASY_V__COUNT];
	struct asy_progress_last last[ASY_PROGRESS_LAST];
	size_t			 n_last;
};

static int
put_kv_str(struct asy_buf *b, const char *key, const char *val, int comma)
{
	int r;

	r = asy_buf_printf(b, "%s\n  \"%s\": \"", comma ? "," : "", key);
	if (r == 0)
		r = asy_buf_put_json(b, val != NULL ? val : "");
	if (r == 0)
		r = asy_buf_putc(b, '"');
	return r;
}

static int
render(const struct asy_progress *p, struct asy_buf *b)
{
	char now[32];
	int r;

	asy_now_iso8601(now);
	r = asy_buf_puts(b, "{\n  \"format\": 1");
	if (r == 0)
		r = put_kv_str(b, "state", asy_progress_state_name(p->state),
		    1);
	if (r == 0)
		r = put_kv_str(b, "device", p->device, 1);
	if (r == 0)
		r = put_kv_str(b, "edition", p->edition, 1);
	if (r == 0)
		r = put_kv_str(b, "host", p->host, 1);
	if (r == 0)
		r = asy_buf_printf(b, ",\n  \"pid\": %ld", p->pid);
	if (r == 0)
		r = put_kv_str(b, "started", p->started, 1);
	if (r == 0)
		r = put_kv_str(b, "updated", now, 1);
	if (r == 0 && p->case_id != NULL) {
		r = asy_buf_puts(b, ",\n  \"case\": {\"id\": \"");
		if (r == 0)
			r = asy_buf_put_json(b, p->case_id);
		if (r == 0)
			r = asy_buf_puts(b, "\", \"title\": \"");
		if (r == 0)
			r = asy_buf_put_json(b, p->case_title != NULL ?
			    p->case_title : "");
		if (r == 0)
			r = asy_buf_printf(b, "\", \"started\": \"%s\"}",
			    p->case_started);
	} else if (r == 0)
		r = asy_buf_puts(b, ",\n  \"case\": null");
	if (r == 0)
		r = asy_buf_printf(b, ",\n  \"done\": %lu,\n  \"total\": %lu,"
		    "\n  \"counts\": {", p->done, p->total);
	for (int v = ASY_V_PASS; v < ASY_V__COUNT && r == 0; v++)
		r = asy_buf_printf(b, "%s\"%s\": %lu", v > ASY_V_PASS ?
		    ", " : "", asy_verdict_slug((enum asy_verdict)v),
		    p->counts[v]);
	if (r == 0)
		r = asy_buf_printf(b, ", \"%s\": %lu},\n  \"last\": [",
		    asy_verdict_slug(ASY_V_NONE), p->counts[ASY_V_NONE]);
	for (size_t i = 0; i < p->n_last && r == 0; i++) {
		const struct asy_progress_last *l = &p->last[i];

		r = asy_buf_printf(b, "%s\n    {\"case\": \"", i ? "," : "");
		if (r == 0)
			r = asy_buf_put_json(b, l->case_id);
		if (r == 0)
			r = asy_buf_puts(b, "\", \"unit\": \"");
		if (r == 0)
			r = asy_buf_put_json(b, l->unit);
		if (r == 0)
			r = asy_buf_printf(b, "\", \"verdict\": \"%s\"}",
			    asy_verdict_name(l->verdict));
	}
	if (r == 0)
		r = asy_buf_puts(b, p->n_last ? "\n  ]\n}\n" : "]\n}\n");
	return r;
}

/* Write the file: temporary file in the same folder, then rename.  No
 * fsync: a lost update after a power cut is harmless. */
static void
save(const struct asy_progress *p)
{
	struct asy_buf b;
	size_t off = 0;
	int fd = -1, r;

	asy_buf_init(&b, OUT_MAX);
	r = render(p, &b);
	if (r < 0)
		goto out;
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0) {
		r = ASY_E_IO;
		goto out;
	}
	while (off < b.len) {
		ssize_t n = write(fd, b.data + off, b.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = ASY_E_IO;
			goto out;
		}
		off += (size_t)n;
	}
	r = close(fd) < 0 ? ASY_E_IO : 0;
	fd = -1;
	if (r == 0 && rename(p->tmp, p->path) < 0)
		r = ASY_E_IO;
out:
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		asy_debug("cannot write %s: %s (%s); the run goes on without "
		    "it", p->path, asy_strerror(r), strerror(errno));
		unlink(p->tmp);
	}
	asy_buf_release(&b);
}

void
asy_progress_free(struct asy_progress *p)
{
	if (p == NULL)
		return;
	free(p->dir);
	free(p->path);
	free(p->tmp);
	free(p->device);
	free(p->edition);
	free(p->case_id);
	free(p->case_title);
	for (size_t i = 0; i < p->n_last; i++) {
		free(p->last[i].case_id);
		free(p->last[i].unit);
	}
	free(p);
}

struct asy_progress *
asy_progress_start(const char *run_dir, const char *device,
    const char *edition, unsigned long total)
{
	struct asy_progress *p;

	if (run_dir == NULL)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->dir = asy_strdup(run_dir);
	p->path = asy_path_join(run_dir, ASY_PROGRESS_FILE);
	p->tmp = asy_path_join(run_dir, TMP_NAME);
	p->device = asy_strdup(device != NULL ? device : "");
	p->edition = asy_strdup(edition != NULL ? edition : "");
	if (p->dir == NULL || p->path == NULL || p->tmp == NULL ||
	    p->device == NULL || p->edition == NULL) {
		asy_progress_free(p);
		return NULL;
	}
	if (gethostname(p->host, sizeof(p->host)) < 0)
		p->host[0] = '\0';
	p->host[sizeof(p->host) - 1] = '\0';
	p->pid = (long)getpid();
	p->total = total;
	p->state = ASY_PROGRESS_RUNNING;
	asy_now_iso8601(p->started);
	save(p);
	return p;
}

void
asy_progress_case(struct asy_progress *p, const char *case_id,
    const char *title)
{
	char *id, *t;

	if (p == NULL)
		return;
	id = asy_strdup(case_id != NULL ? case_id : "");
	t = asy_strdup(title != NULL ? title : "");
	if (id == NULL || t == NULL) {
		free(id);
		free(t);
		return;
	}
	free(p->case_id);
	free(p->case_title);
	p->case_id = id;
	p->case_title = t;
	asy_now_iso8601(p->case_started);
	save(p);
}

void
asy_progress_unit(struct asy_progress *p, const char *case_id,
    const char *unit, enum asy_verdict v)
{
	struct asy_progress_last l;

	if (p == NULL)
		return;
	if ((unsigned)v >= ASY_V__COUNT)
		v = ASY_V_NONE;
	p->done++;
	p->counts[v]++;
	l.case_id = asy_strdup(case_id != NULL ? case_id : "");
	l.unit = asy_strdup(unit != NULL ? unit : "");
	l.verdict = v;
	if (l.case_id != NULL && l.unit != NULL) {
		if (p->n_last == ASY_PROGRESS_LAST) {
			free(p->last[0].case_id);
			free(p->last[0].unit);
			memmove(&p->last[0], &p->last[1],
			    (ASY_PROGRESS_LAST - 1) * sizeof(p->last[0]));
			p->n_last--;
		}
		p->last[p->n_last++] = l;
	} else {
		free(l.case_id);
		free(l.unit);
	}
	save(p);
}

/* Take over what another process of this run wrote (see progress.h). */
static void
adopt(struct asy_progress *p)
{
	struct asy_progress_view v = { 0 };
	char why[128];

	if (asy_progress_read(p->dir, &v, why, sizeof(why)) < 0)
		return;
	if (v.pid != p->pid || strcmp(v.started, p->started) != 0 ||
	    v.done <= p->done)
		goto out;
	p->done = v.done;
	memcpy(p->counts, v.counts, sizeof(p->counts));
	for (size_t i = 0; i < p->n_last; i++) {
		free(p->last[i].case_id);
		free(p->last[i].unit);
	}
	memcpy(p->last, v.last, sizeof(p->last));
	p->n_last = v.n_last;
	v.n_last = 0;
out:
	asy_progress_view_release(&v);
}

void
asy_progress_finish(struct asy_progress *p, enum asy_progress_state st)
{
	if (p == NULL)
		return;
	adopt(p);
	p->state = (unsigned)st < ASY_PROGRESS__COUNT ? st :
	    ASY_PROGRESS_INCOMPLETE;
	free(p->case_id);
	free(p->case_title);
	p->case_id = NULL;
	p->case_title = NULL;
	save(p);
}

/* ---- the reader ---------------------------------------------------------- */

struct jp {
	const char	*s;
	size_t		 n;
	size_t		 i;
	int		 bad;		/* an error was recorded */
	char		*why;
	size_t		 whylen;
};

__attribute__((format(printf, 2, 3)))
static int
jfail(struct jp *j, const char *fmt, ...)
{
	va_list ap;

	if (!j->bad) {
		va_start(ap, fmt);
		asy_vwhy(j->why, j->whylen, fmt, ap);
		va_end(ap);
	}
	j->bad = 1;
	return ASY_E_INPUT;
}

static int
jsyntax(struct jp *j)
{
	if (j->i >= j->n)
		return jfail(j, "not JSON: it ends early (at byte %zu): a "
		    "half-written file", j->i);
	return jfail(j, "not JSON at byte %zu", j->i);
}

static void
jws(struct jp *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

/* The next significant byte, or -1 at the end. */
static int
jpeek(struct jp *j)
{
	jws(j);
	return j->i < j->n ? (unsigned char)j->s[j->i] : -1;
}

static int
jexpect(struct jp *j, char c)
{
	if (jpeek(j) != (unsigned char)c)
		return jsyntax(j);
	j->i++;
	return 0;
}

static int
hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;

	if (j->n - j->i < 4)
		return jsyntax(j);
	for (int k = 0; k < 4; k++) {
		char c = j->s[j->i++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return jfail(j, "bad \\u escape at byte %zu", j->i);
	}
	*out = v;
	return 0;
}

/* Append code point cp as UTF-8 (NUL and surrogates as U+FFFD). */
static void
put_utf8(struct asy_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	/* Past the cap the rest is dropped: strings are cut, not refused. */
	(void)asy_buf_add(b, u, n);
}

/*
 * A string into b (capped at its max: the rest is read and dropped).  b
 * may be NULL to skip.  ASY_E_INPUT on bad JSON.
 */
static int
jstring(struct jp *j, struct asy_buf *b)
{
	int r;

	r = jexpect(j, '"');
	if (r < 0)
		return r;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i++];
		unsigned cp, lo;

		if (c == '"')
			return 0;
		if (c < 0x20)
			return jfail(j, "a control byte inside a string at "
			    "byte %zu", j->i - 1);
		if (c != '\\') {
			if (b != NULL && b->len < b->max)
				(void)asy_buf_putc(b, (char)c);
			continue;
		}
		if (j->i >= j->n)
			break;
		c = (unsigned char)j->s[j->i++];
		switch (c) {
		case '"': case '\\': case '/':
			cp = c;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			r = hex4(j, &cp);
			if (r < 0)
				return r;
			if (cp >= 0xd800 && cp <= 0xdbff && j->n - j->i >= 6 &&
			    j->s[j->i] == '\\' && j->s[j->i + 1] == 'u') {
				size_t save_i = j->i;

				j->i += 2;
				r = hex4(j, &lo);
				if (r < 0)
					return r;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					j->i = save_i;
			}
			break;
		default:
			return jfail(j, "bad escape at byte %zu", j->i - 1);
		}
		if (b != NULL && b->len < b->max)
			put_utf8(b, cp);
	}
	return jsyntax(j);
}

/* A number; *out gets it when it is an integer from 0 to LONG_MAX, and
 * *is_uint says so. */
static int
jnumber(struct jp *j, unsigned long *out, int *is_uint)
{
	size_t start;
	unsigned long v = 0;
	int neg = 0, frac = 0, over = 0, digits = 0;

	jws(j);
	start = j->i;
	if (j->i < j->n && j->s[j->i] == '-') {
		neg = 1;
		j->i++;
	}
	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
		unsigned d = (unsigned)(j->s[j->i++] - '0');

		if (v > (0x7fffffffUL - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
		digits++;
	}
	if (digits == 0 || (digits > 1 && j->s[start + (size_t)neg] == '0'))
		return jsyntax(j);
	if (j->i < j->n && j->s[j->i] == '.') {
		frac = 1;
		j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			return jsyntax(j);
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		frac = 1;
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			return jsyntax(j);
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	*is_uint = !neg && !frac && !over;
	*out = *is_uint ? v : 0;
	return 0;
}

static int
jliteral(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	jws(j);
	if (j->n - j->i < n || memcmp(j->s + j->i, lit, n) != 0)
		return jsyntax(j);
	j->i += n;
	return 0;
}

static int jskip(struct jp *j, int depth);

/* Walk an object or array, skipping every value. */
static int
jskip_container(struct jp *j, int depth, char open, char close)
{
	int r, first = 1;

	if (depth > MAX_DEPTH)
		return jfail(j, "nested deeper than %d levels", MAX_DEPTH);
	r = jexpect(j, open);
	while (r == 0) {
		if (jpeek(j) == (unsigned char)close && first) {
			j->i++;
			return 0;
		}
		if (open == '{') {
			r = jstring(j, NULL);
			if (r == 0)
				r = jexpect(j, ':');
		}
		if (r == 0)
			r = jskip(j, depth + 1);
		if (r < 0)
			return r;
		first = 0;
		if (jpeek(j) == ',') {
			j->i++;
			continue;
		}
		return jexpect(j, close);
	}
	return r;
}

static int
jskip(struct jp *j, int depth)
{
	unsigned long u;
	int c = jpeek(j), is_uint;

	switch (c) {
	case '"':
		return jstring(j, NULL);
	case '{':
		return jskip_container(j, depth, '{', '}');
	case '[':
		return jskip_container(j, depth, '[', ']');
	case 't':
		return jliteral(j, "true");
	case 'f':
		return jliteral(j, "false");
	case 'n':
		return jliteral(j, "null");
	default:
		return jnumber(j, &u, &is_uint);
	}
}

/*
 * Iterate an object: call first with *first = 1 after '{' was read.
 * Returns 1 with the key in key (cut to its cap) and ':' consumed, 0 at
 * the closing '}', or an error.
 */
static int
jnext_key(struct jp *j, int *first, struct asy_buf *key)
{
	int r;

	if (*first) {
		*first = 0;
		if (jpeek(j) == '}') {
			j->i++;
			return 0;
		}
	} else {
		if (jpeek(j) == '}') {
			j->i++;
			return 0;
		}
		r = jexpect(j, ',');
		if (r < 0)
			return r;
	}
	asy_buf_reset(key);
	r = jstring(j, key);
	if (r == 0)
		r = jexpect(j, ':');
	if (r < 0)
		return r;
	if (key->data == NULL)
		(void)asy_buf_puts(key, "");
	return 1;
}

/* A string value into a fresh string (*dst replaced). */
static int
jstr_value(struct jp *j, char **dst)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, ASY_PROGRESS_STR);
	r = jstring(j, &b);
	if (r == 0) {
		if (b.data == NULL)
			r = asy_buf_puts(&b, "");
		free(*dst);
		*dst = r == 0 ? asy_buf_steal(&b) : NULL;
		if (*dst == NULL)
			r = ASY_E_NOMEM;
	}
	asy_buf_release(&b);
	return r;
}

static int
juint_value(struct jp *j, const char *key, unsigned long *out)
{
	int r, is_uint;

	if (jpeek(j) == '-' || (jpeek(j) >= '0' && jpeek(j) <= '9')) {
		r = jnumber(j, out, &is_uint);
		if (r == 0 && !is_uint)
			r = jfail(j, "\"%s\" is not a whole number from 0 to "
			    "2147483647", key);
		return r;
	}
	return jfail(j, "\"%s\" is not a number", key);
}

static int
parse_case(struct jp *j, struct asy_progress_view *v, struct asy_buf *key)
{
	int r, first = 1;

	if (jpeek(j) == 'n')
		return jliteral(j, "null");
	r = jexpect(j, '{');
	while (r == 0) {
		r = jnext_key(j, &first, key);
		if (r != 1)
			break;
		if (strcmp(key->data, "id") == 0)
			r = jstr_value(j, &v->case_id);
		else if (strcmp(key->data, "title") == 0)
			r = jstr_value(j, &v->case_title);
		else if (strcmp(key->data, "started") == 0)
			r = jstr_value(j, &v->case_started);
		else
			r = jskip(j, 2);
	}
	return r;
}

static int
parse_counts(struct jp *j, struct asy_progress_view *v, struct asy_buf *key)
{
	int r, first = 1, found;

	r = jexpect(j, '{');
	while (r == 0) {
		r = jnext_key(j, &first, key);
		if (r != 1)
			break;
		found = 0;

		for (int k = 0; k < ASY_V__COUNT && !found; k++)
			if (strcmp(key->data, asy_verdict_slug(
			    (enum asy_verdict)k)) == 0) {
				found = 1;
				r = juint_value(j, key->data, &v->counts[k]);
			}
		if (!found)
			r = jskip(j, 2);
	}
	return r;
}

static void
last_release(struct asy_progress_last *l)
{
	free(l->case_id);
	free(l->unit);
	l->case_id = l->unit = NULL;
}

static int
parse_last_one(struct jp *j, struct asy_progress_last *l,
    struct asy_buf *key)
{
	struct asy_buf val;
	int r, first = 1;

	asy_buf_init(&val, 64);
	l->verdict = ASY_V_NONE;
	r = jexpect(j, '{');
	while (r == 0) {
		r = jnext_key(j, &first, key);
		if (r != 1)
			break;
		if (strcmp(key->data, "case") == 0)
			r = jstr_value(j, &l->case_id);
		else if (strcmp(key->data, "unit") == 0)
			r = jstr_value(j, &l->unit);
		else if (strcmp(key->data, "verdict") == 0) {
			asy_buf_reset(&val);
			r = jstring(j, &val);
			if (r == 0 && (val.data == NULL ||
			    asy_verdict_parse(val.data, &l->verdict) < 0))
				r = jfail(j, "a verdict in \"last\" is not "
				    "known");
		} else
			r = jskip(j, 3);
	}
	asy_buf_release(&val);
	if (r == 0 && (l->case_id == NULL || l->unit == NULL)) {
		if (l->case_id == NULL)
			r = asy_set_str(&l->case_id, "");
		if (r == 0 && l->unit == NULL)
			r = asy_set_str(&l->unit, "");
	}
	return r;
}

static int
parse_last(struct jp *j, struct asy_progress_view *v, struct asy_buf *key)
{
	size_t n = 0;
	int r;

	r = jexpect(j, '[');
	if (r == 0 && jpeek(j) == ']') {
		j->i++;
		return 0;
	}
	while (r == 0) {
		struct asy_progress_last l = { 0 };

		if (++n > MAX_ELEMS)
			return jfail(j, "\"last\" has more than %d elements",
			    MAX_ELEMS);
		r = parse_last_one(j, &l, key);
		if (r < 0) {
			last_release(&l);
			return r;
		}
		/* Keep the most recent ones: a window over the array. */
		if (v->n_last == ASY_PROGRESS_LAST) {
			last_release(&v->last[0]);
			memmove(&v->last[0], &v->last[1],
			    (ASY_PROGRESS_LAST - 1) * sizeof(v->last[0]));
			v->n_last--;
		}
		v->last[v->n_last++] = l;
		if (jpeek(j) == ',') {
			j->i++;
			continue;
		}
		return jexpect(j, ']');
	}
	return r;
}

/* What the top level has seen besides the view. */
struct top {
	int	format;		/* -1: absent */
	int	has_state;
};

static int
parse_format(struct jp *j, struct asy_progress_view *v, struct asy_buf *key,
    struct top *t)
{
	unsigned long u;
	int r;

	r = juint_value(j, "format", &u);
	t->format = r == 0 && u <= 1000 ? (int)u : 1001;
	return r;
}

static int
parse_state(struct jp *j, struct asy_progress_view *v, struct asy_buf *key,
    struct top *t)
{
	int r;

	asy_buf_reset(key);
	r = jstring(j, key);
	if (r < 0)
		return r;
	for (int s = 0; s < ASY_PROGRESS__COUNT; s++)
		if (key->data != NULL && strcmp(key->data, state_names[s]) ==
		    0) {
			v->state = (enum asy_progress_state)s;
			t->has_state = 1;
			return 0;
		}
	return jfail(j, "the state is not running, complete, incomplete or "
	    "failed");
}

static int
parse_pid(struct jp *j, struct asy_progress_view *v, struct asy_buf *key,
    struct top *t)
{
	unsigned long u;
	int r;

	r = juint_value(j, "pid", &u);
	v->pid = (long)u;
	return r;
}

static int
parse_case_f(struct jp *j, struct asy_progress_view *v, struct asy_buf *key,
    struct top *t)
{
	return parse_case(j, v, key);
}

static int
parse_counts_f(struct jp *j, struct asy_progress_view *v,
    struct asy_buf *key, struct top *t)
{
	return parse_counts(j, v, key);
}

static int
parse_last_f(struct jp *j, struct asy_progress_view *v, struct asy_buf *key,
    struct top *t)
{
	return parse_last(j, v, key);
}

#define VSTR(f)		offsetof(struct asy_progress_view, f), 0, NULL
#define VUINT(f)	0, offsetof(struct asy_progress_view, f), NULL
#define VFN(fn)		0, 0, (fn)

/* The top-level keys: a string, a number, or a parser of its own. */
static const struct top_field {
	const char	*key;
	size_t		 str_off;
	size_t		 uint_off;
	int		(*fn)(struct jp *, struct asy_progress_view *,
			    struct asy_buf *, struct top *);
} top_fields[] = {
	{ "format", VFN(parse_format) },
	{ "state", VFN(parse_state) },
	{ "device", VSTR(device) },
	{ "edition", VSTR(edition) },
	{ "host", VSTR(host) },
	{ "pid", VFN(parse_pid) },
	{ "started", VSTR(started) },
	{ "updated", VSTR(updated) },
	{ "case", VFN(parse_case_f) },
	{ "done", VUINT(done) },
	{ "total", VUINT(total) },
	{ "counts", VFN(parse_counts_f) },
	{ "last", VFN(parse_last_f) },
};

static int
parse_top(struct jp *j, struct asy_progress_view *v, struct top *t)
{
	const struct top_field *f;
	struct asy_buf key;
	int r, first = 1;

	asy_buf_init(&key, 64);
	r = jexpect(j, '{');
	while (r == 0) {
		r = jnext_key(j, &first, &key);
		if (r != 1)
			break;
		f = NULL;
		for (size_t i = 0; i < ASY_ELEMENTSOF(top_fields); i++)
			if (strcmp(key.data, top_fields[i].key) == 0)
				f = &top_fields[i];
		if (f == NULL)
			r = jskip(j, 1);
		else if (f->fn != NULL)
			r = f->fn(j, v, &key, t);
		else if (f->str_off != 0)
			r = jstr_value(j, (char **)((char *)v + f->str_off));
		else
			r = juint_value(j, f->key, (unsigned long *)
			    ((char *)v + f->uint_off));
	}
	asy_buf_release(&key);
	return r;
}

void
asy_progress_view_release(struct asy_progress_view *v)
{
	if (v == NULL)
		return;
	free(v->device);
	free(v->edition);
	free(v->host);
	free(v->started);
	free(v->updated);
	free(v->case_id);
	free(v->case_title);
	free(v->case_started);
	for (size_t i = 0; i < v->n_last && i < ASY_PROGRESS_LAST; i++)
		last_release(&v->last[i]);
	memset(v, 0, sizeof(*v));
}

int
asy_progress_parse(const char *text, size_t len, struct asy_progress_view *v,
    char *why, size_t whylen)
{
	struct asy_progress_view got = { 0 };
	struct jp j = { text, len, 0, 0, why, whylen };
	char **strs[] = { &got.device, &got.edition, &got.host, &got.started,
	    &got.updated, &got.case_id, &got.case_title, &got.case_started };
	struct top t = { -1, 0 };
	int r;

	memset(v, 0, sizeof(*v));
	if (len > ASY_PROGRESS_MAX) {
		asy_why(why, whylen, "larger than %d bytes", ASY_PROGRESS_MAX);
		return ASY_E_TOOBIG;
	}
	if (text == NULL || len == 0) {
		asy_why(why, whylen, "empty: a half-written file");
		return ASY_E_INPUT;
	}
	r = parse_top(&j, &got, &t);
	if (r == 0 && jpeek(&j) != -1)
		r = jfail(&j, "data after the object at byte %zu", j.i);
	if (r == 0 && t.format < 0)
		r = jfail(&j, "no \"format\"");
	else if (r == 0 && t.format != 1)
		r = jfail(&j, "format %d is not known (this assay reads 1)",
		    t.format);
	if (r == 0 && !t.has_state)
		r = jfail(&j, "no \"state\"");
	for (size_t i = 0; r == 0 && i < ASY_ELEMENTSOF(strs); i++)
		if (*strs[i] == NULL)
			r = asy_set_str(strs[i], "");
	if (r < 0) {
		asy_progress_view_release(&got);
		return r;
	}
	*v = got;
	return 0;
}

int
asy_progress_read(const char *dir, struct asy_progress_view *v, char *why,
    size_t whylen)
{
	struct asy_buf b;
	struct stat st;
	char *path;
	int fd = -1, r;

	memset(v, 0, sizeof(*v));
	asy_buf_init(&b, ASY_PROGRESS_MAX + 1);
	path = asy_path_join(dir, ASY_PROGRESS_FILE);
	if (path == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0) {
		r = errno == ENOENT ? ASY_E_NOTFOUND : errno == ELOOP ?
		    ASY_E_NOTREG : ASY_E_IO;
		asy_why(why, whylen, "%s", r == ASY_E_NOTFOUND ? "missing" :
		    r == ASY_E_NOTREG ? "a symbolic link" : strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = ASY_E_NOTREG;
		asy_why(why, whylen, "not a regular file");
		goto out;
	}
	if (st.st_size > ASY_PROGRESS_MAX) {
		r = ASY_E_TOOBIG;
		asy_why(why, whylen, "larger than %d bytes", ASY_PROGRESS_MAX);
		goto out;
	}
	for (;;) {
		char chunk[8192];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = ASY_E_IO;
			asy_why(why, whylen, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		r = asy_buf_add(&b, chunk, (size_t)n);
		if (r < 0) {
			asy_why(why, whylen, "larger than %d bytes",
			    ASY_PROGRESS_MAX);
			goto out;
		}
	}
	r = asy_progress_parse(b.data, b.len, v, why, whylen);
out:
	if (fd >= 0)
		close(fd);
	free(path);
	asy_buf_release(&b);
	return r;
}
