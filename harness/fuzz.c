/*
 * Bounded input validation (5.13-1-2).
 *
 * The generator is a table of input classes: a name, where the input goes
 * (a value for each query parameter and the path, a header line, or a
 * whole raw request) and either a literal or a function that builds it.
 * Values are percent-encoded on the way out unless the class is already
 * in wire form (broken encodings, NUL, overlong UTF-8 and encoded
 * traversal are sent as they are: that is their point).
 *
 * Order: each class in turn, tried in each query parameter of the path
 * (or a parameter "q" when there is none), then in the path; header and
 * raw classes once each.  The run stops at max_cases inputs, when the time
 * budget is used up (the input under way may take one more timeout, a
 * health check after it at most three timeouts plus 5 s), or when the
 * service stopped answering.
 *
 * Health: the baseline is the path as declared.  After an input without
 * an answer, every HEALTH_EVERY inputs and once at the end it is asked
 * again, up to three times over HEALTH_SPAN_MS; any HTTP answer (whatever
 * its status) means alive.
 *
 * Nothing from the device and no input bytes reach the transcript: each
 * line names the class; the bytes of the input after which the service
 * died go to crash_file: a raw request, the bytes of a raw MQTT
 * connection or a PUBLISH packet exactly as sent; for a request through
 * libcurl, the request line and our extra header (libcurl adds Host,
 * User-Agent, Accept and the credentials).
 *
 * MQTT: each topic or payload input is CONNECT, PUBLISH (QoS 0), PINGREQ
 * on a fresh connection; each broken packet follows our CONNECT (or
 * replaces it) on a fresh connection.  The broker answered when it sent
 * PINGRESP or anything else, or closed the connection (what a broker must
 * do on a protocol violation); silence until the timeout is no answer.
 * The health check (CONNECT + PINGREQ) runs after every input whose
 * connection did not survive.  Leaks are not looked for over MQTT.
 */
#include "fuzz.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "coap.h"
#include "conn.h"
#include "error.h"
#include "httpc.h"
#include "log.h"
#include "mqtt.h"
#include "util.h"

#define DEF_MAX_CASES	200U
#define DEF_BUDGET_MS	60000UL
#define DEF_TIMEOUT_MS	3000UL
#define HEALTH_EVERY	20U
#define HEALTH_TRIES	3
#define HEALTH_SPAN_MS	5000LL
/* Query parameters of the declared path that get inputs. */
#define MAX_PARAMS	16
/* A body kept from an answer (for the leak checks). */
#define MAX_ANSWER	((size_t)256 << 10)
/* One input (the longest is a 64 KiB value repeated in a target). */
#define MAX_INPUT	((size_t)1 << 20)
/* The declared path. */
#define MAX_PATH	((size_t)4 << 10)
/* How a parameter name is shown in the transcript and in words. */
#define MAX_SHOWN	40
#define REPEATS		1000

enum fz_kind {
	K_VALUE,	/* in each parameter, then in the path */
	K_HEADER,	/* one header line, with the baseline path */
	K_RAW,		/* a whole request, sent with asy_http_raw() */
	K_TOPIC,	/* MQTT: a topic (after the prefix), payload "x" */
	K_PAYLOAD,	/* MQTT: a payload, topic prefix + "assay" */
	K_PACKET,	/* MQTT: raw bytes after our CONNECT */
};

enum {
	F_WIRE		= 1 << 0,	/* sent as it is, not encoded */
	F_TRAVERSAL	= 1 << 1,	/* look for /etc/passwd lines */
	F_MARKUP	= 1 << 2,	/* look for our marker, unescaped */
	F_PARAM_ONLY	= 1 << 3,	/* not in the path */
	F_REPEAT	= 1 << 4,	/* the parameter REPEATS times */
	F_NO_PREFIX	= 1 << 5,	/* MQTT topic without the prefix */
	F_FIRST		= 1 << 6,	/* MQTT packet instead of CONNECT */
};

struct fz;
struct fz_class;

typedef int	fz_build(struct fz *, const struct fz_class *,
		    struct asy_buf *);

struct fz_class {
	const char	*name;
	enum fz_kind	 kind;
	unsigned	 flags;
	const char	*lit;		/* the value, header line or length */
	fz_build	*build;		/* or NULL: lit as it is */
	size_t		 lit_len;	/* 0: strlen(lit) */
};

struct fz {
	const struct asy_fuzz_opts	*o;
	struct asy_fuzz_result		*r;
	struct asy_http			*h;
	FILE				*tr;
	enum asy_http_auth		 auth;
	unsigned			 max_cases;
	unsigned long			 budget_ms;
	unsigned long			 timeout_ms;
	long long			 t0;
	char				*base;		/* path before '?' */
	char				*dir;		/* up to the last '/' */
	char				*pieces[MAX_PARAMS]; /* "name=value" */
	size_t				 n_pieces;
	char				 marker[32];	/* "assay-1a2b3c4d" */
	unsigned			 since_check;	/* since a look */
	int				 stop;
	int				 io_failed;
	struct asy_buf			 last;		/* the last input */
	char				 last_what[256]; /* it, in words */
	/* A look at the service: 1 answered, 0 not, <0. */
	int				(*probe)(struct fz *, long *, char *,
					    size_t);
	struct asy_mqtt_opts		 mo;
	const char			*prefix;	/* MQTT topic prefix */
	/* CoAP: the resources inputs go to, the next message ID, how long
	 * an input's answer is waited for, the random generator's state. */
	char				**coap_targets;
	size_t				 n_coap_targets;
	unsigned			 coap_mid;
	unsigned long			 coap_wait_ms;
	unsigned long long		 rnd;
};

/* ---- small helpers ------------------------------------------------------ */

/* Wait ms milliseconds (poll with no descriptor: a bounded wait). */
static void
wait_ms(long long ms)
{
	long long end = asy_now_ms() + ms;

	while (ms > 0) {
		poll(NULL, 0, (int)ms);
		ms = end - asy_now_ms();
	}
}

static const struct {
	int		 err;
	const char	*word;
} err_words[] = {
	{ ASY_E_TIMEOUT,	"timeout" },
	{ ASY_E_CLOSED,		"closed" },
	{ ASY_E_REFUSED,	"refused" },
	{ ASY_E_PROTO,		"not-http" },
	{ ASY_E_IO,		"io" },
	{ ASY_E_NOMEM,		"nomem" },
	{ ASY_E_INPUT,		"refused-by-client" },
};

static const char *
err_word(int err)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(err_words); i++)
		if (err_words[i].err == err)
			return err_words[i].word;
	return "error";
}

/* s (n bytes) safe to show: printable ASCII but space and '%' as they
 * are, the rest %XX, at most MAX_SHOWN bytes of it. */
static void
shown(char *out, size_t out_len, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < out_len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == MAX_SHOWN) {
			snprintf(out + o, out_len - o, "...");
			return;
		}
		if (c > 0x20 && c < 0x7f && c != '%')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, out_len - o, "%%%02X",
			    c);
	}
	out[o < out_len ? o : out_len - 1] = '\0';
}

static int
fill(struct asy_buf *b, char c, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = asy_buf_putc(b, c);
	return r;
}

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
put_base64(struct asy_buf *b, const unsigned char *p, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64_chars[(v >> 18) & 63];
		q[1] = b64_chars[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64_chars[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64_chars[v & 63] : '=';
		r = asy_buf_add(b, q, 4);
	}
	return r;
}

/* Characters a value keeps as they are in a query or a path segment. */
static int
plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("-._~!$'()*,;:@/", c) != NULL;
}

static int
put_encoded(struct asy_buf *b, const char *v, size_t n, int wire)
{
	int r = 0;

	if (wire)
		return asy_buf_add(b, v, n);
	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c != '\0' && plain_char(c))
			r = asy_buf_putc(b, (char)c);
		else
			r = asy_buf_printf(b, "%%%02X", c);
	}
	return r;
}

/* ---- the input classes -------------------------------------------------- */

static int
build_4k(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	return fill(out, 'A', (size_t)4 << 10);
}

static int
build_64k(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	return fill(out, 'A', (size_t)64 << 10);
}

static int
build_markup(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	return asy_buf_printf(out, "<script>%s</script>", z->marker);
}

static int
build_huge_header(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	int r;

	r = asy_buf_puts(out, "X-Assay-Fuzz: ");
	if (r < 0)
		return r;
	return fill(out, 'H', (size_t)16 << 10);
}

/* The start of a raw request: the line, Host, credentials. */
static int
raw_head(struct fz *z, struct asy_buf *out, const char *method,
    const char *target, size_t target_len)
{
	const struct asy_fuzz_opts *o = z->o;
	int r;

	r = asy_buf_printf(out, "%s ", method);
	if (r == 0)
		r = asy_buf_add(out, target, target_len);
	if (r == 0)
		r = asy_buf_printf(out, " HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
		    "User-Agent: assay\r\nConnection: close\r\n",
		    strchr(o->addr, ':') != NULL ? "[" : "", o->addr,
		    strchr(o->addr, ':') != NULL ? "]" : "", o->port);
	if (r == 0 && o->user != NULL) {
		struct asy_buf cred;

		asy_buf_init(&cred, MAX_PATH);
		r = asy_buf_printf(&cred, "%s:%s", o->user, o->pass != NULL ?
		    o->pass : "");
		if (r == 0)
			r = asy_buf_puts(out, "Authorization: Basic ");
		if (r == 0)
			r = put_base64(out, (const unsigned char *)cred.data,
			    cred.len);
		if (r == 0)
			r = asy_buf_puts(out, "\r\n");
		asy_buf_release(&cred);
	}
	return r;
}

/* POST with Content-Length: lit (a bad one) and a three-byte body. */
static int
build_raw_length(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	int r;

	r = raw_head(z, out, "POST", z->o->path, strlen(z->o->path));
	if (r == 0)
		r = asy_buf_printf(out, "Content-Type: application/"
		    "x-www-form-urlencoded\r\n%s\r\n\r\nq=1", c->lit);
	return r;
}

/* A NUL byte inside the request target. */
static int
build_raw_nul(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	static const char target[] = "/index.html\0.txt";
	int r;

	r = raw_head(z, out, "GET", target, sizeof(target) - 1);
	if (r == 0)
		r = asy_buf_puts(out, "\r\n");
	return r;
}

static const struct fz_class classes[] = {
	{ "overlong-4k", K_VALUE, 0, NULL, build_4k, 0 },
	{ "overlong-64k", K_VALUE, 0, NULL, build_64k, 0 },
	{ "format-string", K_VALUE, 0, "%n%n%n%s%s%x", NULL, 0 },
	{ "format-width", K_VALUE, 0, "%99999999s", NULL, 0 },
	{ "traversal", K_VALUE, F_TRAVERSAL, "../../../../etc/passwd", NULL,
	  0 },
	{ "traversal-deep", K_VALUE, F_TRAVERSAL,
	  "../../../../../../../../../../../../etc/passwd", NULL, 0 },
	{ "traversal-encoded", K_VALUE, F_TRAVERSAL | F_WIRE,
	  "..%2f..%2f..%2f..%2fetc%2fpasswd", NULL, 0 },
	{ "traversal-all-encoded", K_VALUE, F_TRAVERSAL | F_WIRE,
	  "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", NULL, 0 },
	{ "traversal-double-encoded", K_VALUE, F_TRAVERSAL | F_WIRE,
	  "%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252fpasswd",
	  NULL, 0 },
	{ "traversal-overlong-utf8", K_VALUE, F_TRAVERSAL | F_WIRE,
	  "..%c0%af..%c0%af..%c0%af..%c0%afetc%c0%afpasswd", NULL, 0 },
	{ "traversal-absolute", K_VALUE, F_TRAVERSAL, "/etc/passwd", NULL, 0 },
	{ "sql-or", K_VALUE, 0, "' OR '1'='1", NULL, 0 },
	{ "sql-drop", K_VALUE, 0, "1;DROP TABLE x--", NULL, 0 },
	{ "shell-subst", K_VALUE, 0, "$(id)", NULL, 0 },
	{ "shell-backtick", K_VALUE, 0, "`id`", NULL, 0 },
	{ "shell-semicolon", K_VALUE, 0, ";id", NULL, 0 },
	{ "shell-pipe", K_VALUE, 0, "|id", NULL, 0 },
	{ "markup", K_VALUE, F_MARKUP, NULL, build_markup, 0 },
	{ "percent-bad", K_VALUE, F_WIRE, "%zz", NULL, 0 },
	{ "percent-alone", K_VALUE, F_WIRE, "%", NULL, 0 },
	{ "percent-short", K_VALUE, F_WIRE, "%0", NULL, 0 },
	{ "nul", K_VALUE, F_WIRE, "%00", NULL, 0 },
	{ "utf8-overlong-nul", K_VALUE, F_WIRE, "%c0%80", NULL, 0 },
	{ "utf8-overlong-slash", K_VALUE, F_WIRE, "%e0%80%af", NULL, 0 },
	{ "number-huge", K_VALUE, 0, "99999999999999999999", NULL, 0 },
	{ "number-negative", K_VALUE, 0, "-1", NULL, 0 },
	{ "number-2to32", K_VALUE, 0, "4294967296", NULL, 0 },
	{ "empty", K_VALUE, F_PARAM_ONLY, "", NULL, 0 },
	{ "repeated-1000", K_VALUE, F_PARAM_ONLY | F_REPEAT, "1", NULL, 0 },
	{ "header-huge-16k", K_HEADER, 0, NULL, build_huge_header, 0 },
	{ "header-format-string", K_HEADER, 0,
	  "User-Agent: %n%n%n%s%s%x", NULL, 0 },
	{ "header-traversal", K_HEADER, 0,
	  "Cookie: lang=../../../../etc/passwd", NULL, 0 },
	{ "raw-length-negative", K_RAW, 0, "Content-Length: -1",
	  build_raw_length, 0 },
	{ "raw-length-over-body", K_RAW, 0, "Content-Length: 1000",
	  build_raw_length, 0 },
	{ "raw-length-not-number", K_RAW, 0, "Content-Length: abc",
	  build_raw_length, 0 },
	{ "raw-length-huge", K_RAW, 0,
	  "Content-Length: 99999999999999999999", build_raw_length, 0 },
	{ "raw-length-twice", K_RAW, 0,
	  "Content-Length: 3\r\nContent-Length: 30", build_raw_length, 0 },
	{ "raw-nul-in-target", K_RAW, 0, NULL, build_raw_nul, 0 },
};

static int
build_input(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	if (c->build != NULL)
		return c->build(z, c, out);
	return asy_buf_add(out, c->lit, c->lit_len ? c->lit_len :
	    strlen(c->lit));
}

/* ---- the declared path -------------------------------------------------- */

static int
path_ok(const char *p)
{
	if (p == NULL || p[0] != '/' || strlen(p) > MAX_PATH)
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

/* Split o->path into base, dir and the query's named pieces. */
static int
parse_path(struct fz *z)
{
	const char *path = z->o->path, *q = strchr(path, '?');
	char *query = NULL, *p, *amp;
	size_t n;
	int r = ASY_E_NOMEM;

	n = q != NULL ? (size_t)(q - path) : strlen(path);
	z->base = asy_strndup(path, n);
	if (z->base == NULL)
		goto out;
	z->dir = asy_strndup(path, (size_t)(strrchr(z->base, '/') - z->base) +
	    1);
	if (z->dir == NULL)
		goto out;
	if (q != NULL) {
		query = asy_strdup(q + 1);
		if (query == NULL)
			goto out;
		for (p = query; p != NULL && z->n_pieces < MAX_PARAMS;
		    p = amp) {
			amp = strchr(p, '&');
			if (amp != NULL)
				*amp++ = '\0';
			if (*p == '\0' || *p == '=')
				continue;
			z->pieces[z->n_pieces] = asy_strdup(p);
			if (z->pieces[z->n_pieces] == NULL)
				goto out;
			z->n_pieces++;
		}
	}
	if (z->n_pieces == 0) {
		z->pieces[0] = asy_strdup("q=");
		if (z->pieces[0] == NULL)
			goto out;
		z->n_pieces = 1;
	}
	r = 0;
out:
	free(query);
	return r;
}

static size_t
name_len(const char *piece)
{
	return strcspn(piece, "=");
}

/*
 * The request target for value v in piece i (i == n_pieces: the path).
 * The other pieces keep their declared values.
 */
static int
build_target(struct fz *z, const struct fz_class *c, size_t i,
    const struct asy_buf *v, struct asy_buf *t)
{
	int wire = (c->flags & F_WIRE) != 0, r;

	if (i == z->n_pieces) {
		r = asy_buf_puts(t, z->dir);
		if (r == 0)
			r = put_encoded(t, v->data, v->len, wire);
		return r;
	}
	r = asy_buf_puts(t, z->base);
	for (size_t k = 0; k < z->n_pieces && r == 0; k++) {
		size_t nl = name_len(z->pieces[k]);
		unsigned times = (c->flags & F_REPEAT) ? REPEATS : 1;

		r = asy_buf_putc(t, k == 0 ? '?' : '&');
		if (r == 0 && k != i)
			r = asy_buf_puts(t, z->pieces[k]);
		for (unsigned j = 0; r == 0 && k == i && j < times; j++) {
			if (j > 0)
				r = asy_buf_putc(t, '&');
			if (r == 0)
				r = asy_buf_add(t, z->pieces[k], nl);
			if (r == 0)
				r = asy_buf_putc(t, '=');
			if (r == 0)
				r = put_encoded(t, v->data, v->len, wire);
		}
	}
	return r;
}

/* ---- transcript --------------------------------------------------------- */

static double
elapsed_s(const struct fz *z)
{
	return (double)(asy_now_ms() - z->t0) / 1000.0;
}

static void
tr_printf(struct fz *z, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tr_printf(struct fz *z, const char *fmt, ...)
{
	va_list ap;

	if (z->tr == NULL)
		return;
	va_start(ap, fmt);
	if (vfprintf(z->tr, fmt, ap) < 0)
		z->io_failed = 1;
	va_end(ap);
	if (fflush(z->tr) != 0)
		z->io_failed = 1;
}

/* ---- health ------------------------------------------------------------- */

/* One baseline request: 1 an HTTP answer, 0 none (why says). */
static int
baseline(struct fz *z, long *status, char *why, size_t why_len)
{
	struct asy_http_resp resp;
	int r;

	r = asy_http_request(z->h, "GET", z->o->path, z->auth, z->o->user,
	    z->o->pass, NULL, NULL, 0, &resp, why, why_len);
	*status = r == 0 ? resp.status : 0;
	asy_http_resp_release(&resp);
	if (r == ASY_E_NOMEM)
		return r;
	return r == 0 ? 1 : 0;
}

/*
 * With credentials: ask once without them and send what the challenge
 * names from then on (Basic or Digest: no unauthenticated round trip
 * before every input); anything else leaves libcurl to pick (ANY).
 */
static int
choose_auth(struct fz *z)
{
	struct asy_http_resp resp;
	char why[256];
	int r;

	if (z->o->user == NULL)
		return 0;
	z->auth = ASY_HTTP_AUTH_ANY;
	r = asy_http_request(z->h, "GET", z->o->path, ASY_HTTP_AUTH_NONE,
	    NULL, NULL, NULL, NULL, 0, &resp, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		return r;
	if (r == 0 && resp.status == 401 && resp.www_auth != NULL) {
		if (strncasecmp(resp.www_auth, "Basic", 5) == 0)
			z->auth = ASY_HTTP_AUTH_BASIC;
		else if (strncasecmp(resp.www_auth, "Digest", 6) == 0)
			z->auth = ASY_HTTP_AUTH_DIGEST;
	}
	asy_http_resp_release(&resp);
	return 0;
}

/* Up to HEALTH_TRIES baseline requests over HEALTH_SPAN_MS: 1 alive,
 * 0 the service stopped answering, <0. */
static int
health(struct fz *z)
{
	long long start = asy_now_ms();
	char why[256];
	long status;
	int r = 0;

	z->since_check = 0;
	for (int i = 0; i < HEALTH_TRIES; i++) {
		long long at = start + HEALTH_SPAN_MS * i / (HEALTH_TRIES - 1);

		if (asy_now_ms() < at)
			wait_ms(at - asy_now_ms());
		r = z->probe(z, &status, why, sizeof(why));
		if (r < 0)
			return r;
		if (r == 1) {
			tr_printf(z, "# +%.3fs health %d/%d status=%ld\n",
			    elapsed_s(z), i + 1, HEALTH_TRIES, status);
			return 1;
		}
		tr_printf(z, "# +%.3fs health %d/%d no answer\n",
		    elapsed_s(z), i + 1, HEALTH_TRIES);
	}
	return 0;
}

static int
record_crash(struct fz *z)
{
	struct asy_fuzz_result *r = z->r;
	int ret;

	r->crashed = 1;
	z->stop = 1;
	ret = asy_set_str(&r->crash_what, z->last_what);
	if (ret < 0)
		return ret;
	free(r->why);
	r->why = asy_strdup_printf("the service stopped answering after "
	    "input %u", r->sent);
	if (r->why == NULL)
		return ASY_E_NOMEM;
	tr_printf(z, "# +%.3fs the service stopped answering after %s\n",
	    elapsed_s(z), z->last_what);
	if (z->o->crash_file != NULL) {
		ret = asy_buf_save_file(&z->last, z->o->crash_file);
		if (ret < 0) {
			asy_debug("cannot write %s: %s", z->o->crash_file,
			    asy_strerror(ret));
			return ASY_E_IO;
		}
	}
	return 0;
}

/* After an input: the health check when it is due (no answer, every
 * HEALTH_EVERY inputs, or now when look_now). */
static int
after_input(struct fz *z, int answered, int look_now)
{
	int r;

	z->since_check++;
	if (answered && !look_now && z->since_check < HEALTH_EVERY)
		return 0;
	r = health(z);
	if (r < 0)
		return r;
	if (r == 0)
		return record_crash(z);
	if (!answered)
		z->r->no_answer++;
	return 0;
}

/* ---- leaks -------------------------------------------------------------- */

static int
html_or_unknown(const char *ct)
{
	if (ct == NULL)
		return 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || strncasecmp(ct, "text/html", 9) == 0;
}

static int
check_leak(struct fz *z, const struct fz_class *c, const char *body,
    size_t len, const char *ctype)
{
	struct asy_fuzz_result *r = z->r;
	const char *what = NULL;

	if (body == NULL || len == 0)
		return 0;
	if ((c->flags & F_TRAVERSAL) && (memmem(body, len, "root:x:0:0:",
	    11) != NULL || memmem(body, len, "root:*:0:0", 10) != NULL))
		what = "/etc/passwd lines in the answer";
	if ((c->flags & F_MARKUP) && html_or_unknown(ctype)) {
		char needle[64];
		int n = snprintf(needle, sizeof(needle), "<script>%s</script>",
		    z->marker);

		if (memmem(body, len, needle, (size_t)n) != NULL)
			what = "the script marker came back unescaped in HTML";
	}
	if (what == NULL)
		return 0;
	tr_printf(z, "# +%.3fs leak: %s\n", elapsed_s(z), what);
	if (r->leaked)
		return 0;
	r->leaked = 1;
	r->leak_what = asy_strdup_printf("%s: %s", z->last_what, what);
	return r->leak_what == NULL ? ASY_E_NOMEM : 0;
}

/* ---- one input ---------------------------------------------------------- */

/* Is there room for one more input?  Sets stop (and why for time). */
static int
may_send(struct fz *z)
{
	struct asy_fuzz_result *r = z->r;

	if (z->stop)
		return 0;
	if (r->sent >= z->max_cases) {
		z->stop = 1;
		return 0;
	}
	if (asy_now_ms() - z->t0 >= (long long)z->budget_ms) {
		z->stop = 1;
		r->why = asy_strdup_printf("the time budget of %lu ms was used "
		    "up after %u inputs", z->budget_ms, r->sent);
		return r->why == NULL ? ASY_E_NOMEM : 0;
	}
	return 1;
}

static void
log_line(struct fz *z, const char *where, const struct fz_class *c,
    int ret, long status, size_t bytes)
{
	if (ret < 0)
		tr_printf(z, "%03u +%.3fs %s class=%s status=none error=%s\n",
		    z->r->sent, elapsed_s(z), where, c->name, err_word(ret));
	else
		tr_printf(z, "%03u +%.3fs %s class=%s status=%ld bytes=%zu\n",
		    z->r->sent, elapsed_s(z), where, c->name, status, bytes);
}

static void
count_answer(struct fz *z, long status)
{
	z->r->answered++;
	if (status >= 500 && status <= 599)
		z->r->errors_5xx++;
}

/* An input through libcurl: a target, maybe one extra header line. */
static int
send_request(struct fz *z, const struct fz_class *c, const char *where,
    const char *target, size_t target_len, const char *header)
{
	const char *hdrs[2] = { header, NULL };
	struct asy_http_resp resp;
	char why[256];
	int r, ret;

	asy_buf_reset(&z->last);
	r = asy_buf_puts(&z->last, "GET ");
	if (r == 0)
		r = asy_buf_add(&z->last, target, target_len);
	if (r == 0)
		r = asy_buf_puts(&z->last, " HTTP/1.1\r\n");
	if (r == 0 && header != NULL)
		r = asy_buf_printf(&z->last, "%s\r\n", header);
	if (r == 0)
		r = asy_buf_puts(&z->last, "\r\n");
	if (r < 0)
		return r;
	z->r->sent++;
	ret = asy_http_request(z->h, "GET", target, z->auth, z->o->user,
	    z->o->pass, header != NULL ? hdrs : NULL, NULL, 0, &resp, why,
	    sizeof(why));
	if (ret == ASY_E_NOMEM)
		return ret;
	log_line(z, where, c, ret, resp.status, resp.body.len);
	if (ret == 0) {
		count_answer(z, resp.status);
		r = check_leak(z, c, resp.body.data, resp.body.len,
		    resp.content_type);
		asy_http_resp_release(&resp);
		if (r < 0)
			return r;
	} else {
		asy_debug("%s %s: %s", c->name, where, why);
	}
	return after_input(z, ret == 0, 0);
}

static int
send_raw(struct fz *z, const struct fz_class *c)
{
	struct asy_buf answer;
	char why[256];
	long status = 0;
	int ret, r;

	asy_buf_init(&answer, MAX_ANSWER);
	z->r->sent++;
	ret = asy_http_raw(z->o->addr, z->o->port, z->o->tls, z->last.data,
	    z->last.len, z->timeout_ms, &answer, &status, why, sizeof(why));
	if (ret == 1) {
		log_line(z, "raw", c, 0, status, answer.len);
		count_answer(z, status);
	} else {
		log_line(z, "raw", c, ret == 0 ? ASY_E_CLOSED : ret, 0, 0);
	}
	asy_buf_release(&answer);
	if (ret == ASY_E_NOMEM)
		return ret;
	r = after_input(z, ret == 1, 0);
	return r;
}

/* Class c at position i (a piece, or n_pieces: the path; ignored for
 * header and raw classes). */
static int
one_input(struct fz *z, const struct fz_class *c, size_t i)
{
	struct asy_buf v, t;
	char name[4 * MAX_SHOWN + 8], where[4 * MAX_SHOWN + 16];
	int r;

	asy_buf_init(&v, MAX_INPUT);
	asy_buf_init(&t, MAX_INPUT);
	r = may_send(z);
	if (r <= 0)
		goto out;
	if (c->kind == K_RAW) {
		asy_buf_reset(&z->last);
		r = build_input(z, c, &z->last);
		if (r < 0)
			goto out;
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, "
		    "a raw request)", z->r->sent + 1, c->name);
		r = send_raw(z, c);
		goto out;
	}
	r = build_input(z, c, &v);
	if (r < 0)
		goto out;
	if (c->kind == K_HEADER) {
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, "
		    "in a header)", z->r->sent + 1, c->name);
		r = send_request(z, c, "header", z->o->path,
		    strlen(z->o->path), v.data);
		goto out;
	}
	r = build_target(z, c, i, &v, &t);
	if (r < 0)
		goto out;
	if (i == z->n_pieces) {
		snprintf(where, sizeof(where), "path");
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, "
		    "in the path)", z->r->sent + 1, c->name);
	} else {
		shown(name, sizeof(name), z->pieces[i],
		    name_len(z->pieces[i]));
		snprintf(where, sizeof(where), "param=%s", name);
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, "
		    "in parameter %s)", z->r->sent + 1, c->name, name);
	}
	r = send_request(z, c, where, t.data, t.len, NULL);
out:
	asy_buf_release(&v);
	asy_buf_release(&t);
	return r < 0 ? r : 0;
}

/* ---- the run ------------------------------------------------------------ */

static int
check_opts(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r)
{
	const char *bad = NULL;

	if (o->addr == NULL || o->port == 0 || o->port > 65535)
		bad = "no address or port";
	else if (!path_ok(o->path))
		bad = "the path is not an origin-form request target";
	if (bad == NULL)
		return 0;
	r->why = asy_strdup(bad);
	return r->why == NULL ? ASY_E_NOMEM : ASY_E_INPUT;
}

static void
fz_release(struct fz *z)
{
	asy_http_free(z->h);
	free(z->base);
	free(z->dir);
	for (size_t i = 0; i < z->n_pieces; i++)
		free(z->pieces[i]);
	asy_coap_links_free(z->coap_targets, z->n_coap_targets);
	asy_buf_release(&z->last);
}

static void
make_marker(char *buf, size_t n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, n, "assay-%08lx", (unsigned long)(((unsigned long)
	    ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
	    (unsigned long)ts.tv_sec) & 0xffffffffUL));
}

int
asy_fuzz_http(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r)
{
	struct asy_http_opts ho;
	struct fz z;
	char why[256];
	long status;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&z, 0, sizeof(z));
	asy_buf_init(&z.last, MAX_INPUT);
	ret = check_opts(o, r);
	if (ret < 0)
		goto out;
	z.o = o;
	z.r = r;
	z.max_cases = o->max_cases ? o->max_cases : DEF_MAX_CASES;
	z.budget_ms = o->budget_ms ? o->budget_ms : DEF_BUDGET_MS;
	z.timeout_ms = o->timeout_ms ? o->timeout_ms : DEF_TIMEOUT_MS;
	z.auth = o->user != NULL ? ASY_HTTP_AUTH_ANY : ASY_HTTP_AUTH_NONE;
	z.t0 = asy_now_ms();
	z.probe = baseline;
	make_marker(z.marker, sizeof(z.marker));
	ret = parse_path(&z);
	if (ret < 0)
		goto out;
	memset(&ho, 0, sizeof(ho));
	ho.addr = o->addr;
	ho.port = o->port;
	ho.tls = o->tls;
	ho.timeout_ms = z.timeout_ms;
	ho.max_body = MAX_ANSWER;
	ret = asy_http_new(&ho, &z.h);
	if (ret < 0)
		goto out;
	if (o->transcript != NULL) {
		z.tr = fopen(o->transcript, "we");
		if (z.tr == NULL) {
			asy_debug("cannot write %s: %s", o->transcript,
			    strerror(errno));
			ret = ASY_E_IO;
			goto out;
		}
	}
	ret = choose_auth(&z);
	if (ret < 0)
		goto out;
	ret = baseline(&z, &status, why, sizeof(why));
	if (ret < 0)
		goto out;
	if (ret == 0) {
		tr_printf(&z, "# +%.3fs baseline %s: no answer\n",
		    elapsed_s(&z), o->path);
		r->why = asy_strdup_printf("the baseline request got no "
		    "answer: %s", why);
		ret = r->why == NULL ? ASY_E_NOMEM : 0;
		goto out;
	}
	tr_printf(&z, "# +%.3fs baseline status=%ld marker=%s\n",
	    elapsed_s(&z), status, z.marker);
	for (size_t ci = 0; ci < ASY_ELEMENTSOF(classes) && !z.stop; ci++) {
		const struct fz_class *c = &classes[ci];
		size_t n = c->kind == K_VALUE ? z.n_pieces + 1 : 1;

		for (size_t i = 0; i < n && !z.stop; i++) {
			if (c->kind == K_VALUE && i == z.n_pieces &&
			    (c->flags & F_PARAM_ONLY))
				continue;
			ret = one_input(&z, c, i);
			if (ret < 0)
				goto out;
		}
	}
	/* A last look, unless the last input was just checked. */
	if (!r->crashed && r->sent > 0 && z.since_check > 0) {
		ret = health(&z);
		if (ret < 0)
			goto out;
		if (ret == 0) {
			ret = record_crash(&z);
			if (ret < 0)
				goto out;
		}
	}
	tr_printf(&z, "# +%.3fs done: sent=%u answered=%u 5xx=%u "
	    "no_answer=%u crashed=%d leaked=%d\n", elapsed_s(&z), r->sent,
	    r->answered, r->errors_5xx, r->no_answer, r->crashed, r->leaked);
	ret = 0;
out:
	if (z.tr != NULL && fclose(z.tr) != 0)
		z.io_failed = 1;
	if (ret == 0 && z.io_failed)
		ret = ASY_E_IO;
	fz_release(&z);
	return ret;
}

/* ---- MQTT --------------------------------------------------------------- */

#define MQTT_CLIENT_ID	"assay-fuzz"
#define MQTT_MAX_PREFIX	((size_t)1 << 10)
#define MQTT_MAX_TOPIC	65535
/* What the broker says after a broken packet is read this far. */
#define MQTT_ANSWER	256

static int
put_u16(struct asy_buf *b, size_t v)
{
	char d[2] = { (char)(v >> 8 & 0xff), (char)(v & 0xff) };

	return asy_buf_add(b, d, 2);
}

static int
put_mqtt_str(struct asy_buf *b, const char *s, size_t n)
{
	int r;

	r = put_u16(b, n);
	if (r == 0)
		r = asy_buf_add(b, s, n);
	return r;
}

/* A packet: the first byte, the remaining length, the body. */
static int
put_packet(struct asy_buf *b, unsigned char first, const struct asy_buf *body)
{
	size_t len = body->len;
	int r;

	r = asy_buf_putc(b, (char)first);
	do {
		unsigned char d = len & 0x7f;

		len >>= 7;
		if (r == 0)
			r = asy_buf_putc(b, (char)(d | (len > 0 ? 0x80 : 0)));
	} while (len > 0);
	if (r == 0 && body->len > 0)
		r = asy_buf_add(b, body->data, body->len);
	return r;
}

/* Our CONNECT (protocol level 4, clean session, the credentials) with
 * client id id of n bytes. */
static int
put_connect(struct fz *z, struct asy_buf *b, const char *id, size_t n)
{
	const char *user = z->o->user, *pass = z->o->pass;
	unsigned char flags = 0x02;
	struct asy_buf body;
	int r;

	if (pass != NULL && user == NULL)
		user = "";
	if (user != NULL)
		flags |= 0x80;
	if (pass != NULL)
		flags |= 0x40;
	asy_buf_init(&body, 4 * 65540);
	r = put_mqtt_str(&body, "MQTT", 4);
	if (r == 0)
		r = asy_buf_putc(&body, 4);
	if (r == 0)
		r = asy_buf_putc(&body, (char)flags);
	if (r == 0)
		r = put_u16(&body, 30);
	if (r == 0)
		r = put_mqtt_str(&body, id, n);
	if (r == 0 && user != NULL)
		r = put_mqtt_str(&body, user, strlen(user));
	if (r == 0 && pass != NULL)
		r = put_mqtt_str(&body, pass, strlen(pass));
	if (r == 0)
		r = put_packet(b, 0x10, &body);
	asy_buf_release(&body);
	return r;
}

static int
build_topic_4k(struct fz *z, const struct fz_class *c, struct asy_buf *out)
{
	return fill(out, 'T', (size_t)4 << 10);
}

/* As long as a topic can be, with the prefix. */
static int
build_topic_max(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	return fill(out, 'T', MQTT_MAX_TOPIC - strlen(z->prefix));
}

static int
build_payload_256k(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	return fill(out, 'P', (size_t)256 << 10);
}

static int
build_payload_binary(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	int r = 0;

	for (unsigned i = 0; i < 256 && r == 0; i++)
		r = asy_buf_putc(out, (char)i);
	return r;
}

static int
build_payload_deep(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	int r;

	r = fill(out, '[', 10000);
	if (r == 0)
		r = fill(out, ']', 10000);
	return r;
}

static int
build_connect_twice(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	return put_connect(z, out, MQTT_CLIENT_ID "-2",
	    strlen(MQTT_CLIENT_ID "-2"));
}

static int
build_connect_huge_id(struct fz *z, const struct fz_class *c,
    struct asy_buf *out)
{
	struct asy_buf id;
	int r;

	asy_buf_init(&id, 65535);
	r = fill(&id, 'I', 65535);
	if (r == 0)
		r = put_connect(z, out, id.data, id.len);
	asy_buf_release(&id);
	return r;
}

#define PKT(s)	(s), NULL, sizeof(s) - 1

static const struct fz_class mqtt_classes[] = {
	{ "topic-overlong-4k", K_TOPIC, 0, NULL, build_topic_4k, 0 },
	{ "topic-overlong-64k", K_TOPIC, 0, NULL, build_topic_max, 0 },
	{ "topic-wildcard-hash", K_TOPIC, 0, "#", NULL, 0 },
	{ "topic-wildcard-plus", K_TOPIC, 0, "+/x", NULL, 0 },
	{ "topic-empty", K_TOPIC, F_NO_PREFIX, "", NULL, 0 },
	{ "topic-sys", K_TOPIC, F_NO_PREFIX, "$SYS/assay", NULL, 0 },
	{ "topic-format-string", K_TOPIC, 0, "%n%n%n%s%s%x", NULL, 0 },
	{ "topic-traversal", K_TOPIC, 0, "../../../../etc/passwd", NULL, 0 },
	{ "topic-utf8-overlong", K_TOPIC, 0, "\xc0\x80", NULL, 0 },
	{ "topic-utf8-invalid", K_TOPIC, 0, "\xff\xfe", NULL, 0 },
	{ "topic-shell", K_TOPIC, 0, "$(id)", NULL, 0 },
	{ "topic-markup", K_TOPIC, 0, "<script>x</script>", NULL, 0 },
	{ "payload-overlong-256k", K_PAYLOAD, 0, NULL, build_payload_256k, 0 },
	{ "payload-binary", K_PAYLOAD, 0, NULL, build_payload_binary, 0 },
	{ "payload-format-string", K_PAYLOAD, 0, "%n%n%n%s%s%x", NULL, 0 },
	{ "payload-json-deep", K_PAYLOAD, 0, NULL, build_payload_deep, 0 },
	{ "payload-json-cut", K_PAYLOAD, 0, "{\"a\":", NULL, 0 },
	{ "payload-number-huge", K_PAYLOAD, 0,
	  "{\"v\":99999999999999999999}", NULL, 0 },
	{ "payload-sql", K_PAYLOAD, 0, "' OR '1'='1", NULL, 0 },
	{ "payload-shell", K_PAYLOAD, 0, "$(id)", NULL, 0 },
	{ "payload-empty", K_PAYLOAD, 0, "", NULL, 0 },
	{ "packet-length-5-bytes", K_PACKET, 0,
	  PKT("\x30\xff\xff\xff\xff\x01") },
	{ "packet-length-over-data", K_PACKET, 0,
	  PKT("\x30\x64\x00\x05" "assay") },
	{ "packet-length-huge", K_PACKET, 0,
	  PKT("\x30\xff\xff\xff\x7f\x00\x01" "a") },
	{ "packet-topic-over-packet", K_PACKET, 0,
	  PKT("\x30\x04\xff\xff" "ab") },
	{ "packet-publish-qos3", K_PACKET, 0,
	  PKT("\x36\x08\x00\x03" "abc" "\x00\x01" "x") },
	{ "packet-nul-in-topic", K_PACKET, 0,
	  PKT("\x30\x07\x00\x03" "a\0b" "xx") },
	{ "packet-type-0", K_PACKET, 0, PKT("\x00\x00") },
	{ "packet-type-15", K_PACKET, 0, PKT("\xf0\x00") },
	{ "packet-subscribe-bad-flags", K_PACKET, 0,
	  PKT("\x80\x06\x00\x01\x00\x01#\x00") },
	{ "packet-connect-twice", K_PACKET, 0, NULL, build_connect_twice,
	  0 },
	{ "packet-connect-truncated", K_PACKET, F_FIRST,
	  PKT("\x10\x0c\x00\x04" "MQ") },
	{ "packet-connect-bad-protocol", K_PACKET, F_FIRST,
	  PKT("\x10\x0c\x00\x04" "XQTT" "\x04\x02\x00\x1e\x00\x00") },
	{ "packet-connect-level-255", K_PACKET, F_FIRST,
	  PKT("\x10\x0c\x00\x04" "MQTT" "\xff\x02\x00\x1e\x00\x00") },
	{ "packet-connect-huge-id", K_PACKET, F_FIRST, NULL,
	  build_connect_huge_id, 0 },
};

#undef PKT

/* CONNECT + PINGREQ: 1 answered (accepted and PINGRESP, or a CONNACK
 * refusal: *status its code), 0 not, <0. */
static int
mqtt_probe(struct fz *z, long *status, char *why, size_t why_len)
{
	struct asy_mqtt *m = NULL;
	int r, rc = -1;

	*status = -1;
	r = asy_mqtt_connect(&z->mo, &m, &rc, why, why_len);
	if (r == ASY_E_NOMEM)
		return r;
	if (r == 0 && rc >= 0) {
		*status = rc;
		return 1;
	}
	if (r != 1)
		return 0;
	*status = 0;
	r = asy_mqtt_ping(m, z->timeout_ms);
	asy_mqtt_close(m);
	if (r == ASY_E_NOMEM)
		return r;
	if (r != 1)
		snprintf(why, why_len, "no PINGRESP");
	return r == 1;
}

static void
log_word(struct fz *z, const char *where, const struct fz_class *c,
    const char *status)
{
	tr_printf(z, "%03u +%.3fs %s class=%s status=%s\n", z->r->sent,
	    elapsed_s(z), where, c->name, status);
}

/* A topic or payload input: CONNECT, PUBLISH, PINGREQ on a fresh
 * connection.  The PUBLISH packet is what last holds. */
static int
mqtt_publish_input(struct fz *z, const struct fz_class *c,
    const struct asy_buf *v)
{
	struct asy_buf topic, body;
	struct asy_mqtt *m = NULL;
	const char *where = c->kind == K_TOPIC ? "topic" : "payload";
	char why[256];
	int r, rc = -1, reacted = 0;

	asy_buf_init(&topic, MQTT_MAX_TOPIC + 1);
	asy_buf_init(&body, MAX_INPUT);
	r = 0;
	if (c->kind == K_PAYLOAD || !(c->flags & F_NO_PREFIX))
		r = asy_buf_puts(&topic, z->prefix);
	if (r == 0 && c->kind == K_TOPIC)
		r = asy_buf_add(&topic, v->data, v->len);
	if (r == 0 && c->kind == K_PAYLOAD)
		r = asy_buf_puts(&topic, "assay");
	if (r == 0)
		r = put_mqtt_str(&body, topic.data, topic.len);
	if (r == 0 && c->kind == K_PAYLOAD)
		r = asy_buf_add(&body, v->data, v->len);
	if (r == 0 && c->kind == K_TOPIC)
		r = asy_buf_putc(&body, 'x');
	asy_buf_reset(&z->last);
	if (r == 0)
		r = put_packet(&z->last, 0x30, &body);
	if (r < 0)
		goto out;
	snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, in the "
	    "%s)", z->r->sent + 1, c->name, where);
	z->r->sent++;
	r = asy_mqtt_connect(&z->mo, &m, &rc, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		goto out;
	if (r != 1) {
		log_word(z, where, c, "none error=connect");
		r = after_input(z, 0, 1);
		goto out;
	}
	r = asy_mqtt_publish(m, topic.data, c->kind == K_PAYLOAD ? v->data :
	    "x", c->kind == K_PAYLOAD ? v->len : 1);
	if (r == 0)
		r = asy_mqtt_ping(m, z->timeout_ms);
	if (r == ASY_E_NOMEM)
		goto out;
	if (r == 1) {
		log_word(z, where, c, "pingresp");
		reacted = 1;
	} else if (r == 0) {
		log_word(z, where, c, "none error=timeout");
	} else {
		/* A broker closes on a protocol violation (MQTT-4.8.0-1). */
		log_word(z, where, c, "closed");
		reacted = 1;
	}
	if (reacted)
		z->r->answered++;
	asy_mqtt_close(m);
	m = NULL;
	/* A closed session may be a dead broker: look at once. */
	r = after_input(z, reacted, r != 1);
out:
	asy_mqtt_close(m);
	asy_buf_release(&topic);
	asy_buf_release(&body);
	return r;
}

/* Read exactly n bytes within timeout_ms: n, or what asy_conn_read()
 * said. */
static long
read_n(struct asy_conn *c, unsigned char *p, size_t n,
    unsigned long timeout_ms)
{
	long long end = asy_now_ms() + (long long)timeout_ms;
	size_t got = 0;

	while (got < n) {
		long long left = end - asy_now_ms();
		long k;

		if (left <= 0)
			return ASY_E_TIMEOUT;
		k = asy_conn_read(c, p + got, n - got, (unsigned long)left);
		if (k < 0)
			return k;
		got += (size_t)k;
	}
	return (long)got;
}

/* A broken packet on a fresh connection, after our CONNECT unless the
 * class replaces it; last holds every byte sent. */
static int
mqtt_packet_input(struct fz *z, const struct fz_class *c,
    const struct asy_buf *v)
{
	struct asy_conn *conn = NULL;
	unsigned char ans[MQTT_ANSWER];
	char why[256];
	const char *word;
	long n;
	int r, reacted = 0;

	asy_buf_reset(&z->last);
	r = 0;
	if (!(c->flags & F_FIRST))
		r = put_connect(z, &z->last, MQTT_CLIENT_ID "-raw",
		    strlen(MQTT_CLIENT_ID "-raw"));
	if (r < 0)
		return r;
	snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, a raw "
	    "packet)", z->r->sent + 1, c->name);
	z->r->sent++;
	r = asy_conn_open(z->o->addr, z->o->port, z->o->tls, z->timeout_ms,
	    &conn, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0) {
		log_word(z, "packet", c, "none error=connect");
		return after_input(z, 0, 1);
	}
	if (!(c->flags & F_FIRST)) {
		r = asy_conn_write(conn, z->last.data, z->last.len,
		    z->timeout_ms);
		n = r < 0 ? r : read_n(conn, ans, 4, z->timeout_ms);
		if (n < 4 || ans[0] != 0x20) {
			asy_conn_close(conn);
			log_word(z, "packet", c, "none error=connack");
			return after_input(z, 0, 1);
		}
	}
	r = asy_buf_add(&z->last, v->data, v->len);
	if (r < 0)
		goto out;
	r = asy_conn_write(conn, v->data, v->len, z->timeout_ms);
	n = asy_conn_read(conn, ans, sizeof(ans), z->timeout_ms);
	if (r == ASY_E_CLOSED || n == ASY_E_CLOSED || n == ASY_E_IO) {
		word = "closed";
		reacted = 1;
	} else if (n > 0) {
		word = "answer";
		reacted = 1;
	} else {
		word = "none error=timeout";
	}
	log_word(z, "packet", c, word);
	if (reacted)
		z->r->answered++;
	asy_conn_close(conn);
	conn = NULL;
	/* A broken packet may have killed the broker: look now. */
	r = after_input(z, reacted, 1);
out:
	asy_conn_close(conn);
	return r;
}

static int
mqtt_input(struct fz *z, const struct fz_class *c)
{
	struct asy_buf v;
	int r;

	asy_buf_init(&v, MAX_INPUT);
	r = may_send(z);
	if (r <= 0)
		goto out;
	r = build_input(z, c, &v);
	if (r < 0)
		goto out;
	if (c->kind == K_PACKET)
		r = mqtt_packet_input(z, c, &v);
	else
		r = mqtt_publish_input(z, c, &v);
out:
	asy_buf_release(&v);
	return r < 0 ? r : 0;
}

int
asy_fuzz_mqtt(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r)
{
	struct fz z;
	char why[256];
	long status;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&z, 0, sizeof(z));
	asy_buf_init(&z.last, MAX_INPUT);
	ret = ASY_E_INPUT;
	if (o->addr == NULL || o->port == 0 || o->port > 65535) {
		r->why = asy_strdup("no address or port");
		goto out;
	}
	if (o->path != NULL && strlen(o->path) > MQTT_MAX_PREFIX) {
		r->why = asy_strdup("the topic prefix is over 1 KiB");
		goto out;
	}
	z.o = o;
	z.r = r;
	z.prefix = o->path != NULL ? o->path : "assay/";
	z.max_cases = o->max_cases ? o->max_cases : DEF_MAX_CASES;
	z.budget_ms = o->budget_ms ? o->budget_ms : DEF_BUDGET_MS;
	z.timeout_ms = o->timeout_ms ? o->timeout_ms : DEF_TIMEOUT_MS;
	z.t0 = asy_now_ms();
	z.probe = mqtt_probe;
	z.mo.addr = o->addr;
	z.mo.port = o->port;
	z.mo.tls = o->tls;
	z.mo.timeout_ms = z.timeout_ms;
	z.mo.client_id = MQTT_CLIENT_ID;
	z.mo.user = o->user;
	z.mo.pass = o->pass;
	if (o->transcript != NULL) {
		z.tr = fopen(o->transcript, "we");
		if (z.tr == NULL) {
			asy_debug("cannot write %s: %s", o->transcript,
			    strerror(errno));
			ret = ASY_E_IO;
			goto out;
		}
	}
	ret = mqtt_probe(&z, &status, why, sizeof(why));
	if (ret < 0)
		goto out;
	if (ret == 0 || status != 0) {
		tr_printf(&z, "# +%.3fs baseline: %s\n", elapsed_s(&z),
		    ret == 0 ? "no answer" : "refused");
		r->why = ret == 0 ? asy_strdup_printf("the baseline CONNECT "
		    "got no answer: %s", why) : asy_strdup_printf("the broker "
		    "refused the baseline CONNECT: %s", why);
		ret = r->why == NULL ? ASY_E_NOMEM : 0;
		goto out;
	}
	tr_printf(&z, "# +%.3fs baseline accepted\n", elapsed_s(&z));
	for (size_t ci = 0; ci < ASY_ELEMENTSOF(mqtt_classes) && !z.stop;
	    ci++) {
		ret = mqtt_input(&z, &mqtt_classes[ci]);
		if (ret < 0)
			goto out;
	}
	if (!r->crashed && r->sent > 0 && z.since_check > 0) {
		ret = health(&z);
		if (ret < 0)
			goto out;
		if (ret == 0) {
			ret = record_crash(&z);
			if (ret < 0)
				goto out;
		}
	}
	tr_printf(&z, "# +%.3fs done: sent=%u answered=%u no_answer=%u "
	    "crashed=%d\n", elapsed_s(&z), r->sent, r->answered, r->no_answer,
	    r->crashed);
	ret = 0;
out:
	if (ret == ASY_E_INPUT && r->why == NULL)
		ret = ASY_E_NOMEM;
	if (z.tr != NULL && fclose(z.tr) != 0)
		z.io_failed = 1;
	if (ret == 0 && z.io_failed)
		ret = ASY_E_IO;
	fz_release(&z);
	return ret;
}

/* ---- CoAP --------------------------------------------------------------- */

#define COAP_CORE		"/.well-known/core"
/* Resources that get the per-resource inputs: the declared path first,
 * then what /.well-known/core lists. */
#define COAP_MAX_TARGETS	8
/* What is kept of /.well-known/core and of an answer. */
#define COAP_MAX_PAYLOAD	((size_t)16 << 10)
/* The longest datagram built (a Uri-Path segment of 1200 bytes fits). */
#define COAP_MAX_INPUT		((size_t)4 << 10)
/* The hex-escaped input in crash_file. */
#define COAP_MAX_ESCAPED	(COAP_MAX_INPUT * 5)
/* How long an input's answer is waited for: a quarter of the request
 * timeout, 100 ms at least, 500 ms at most.  Silence is what RFC 7252
 * asks for many malformed messages, and each silent input is followed
 * by a health request with the full timeout, so a slow answer costs no
 * verdict. */
#define COAP_WAIT_MIN_MS	100UL
#define COAP_WAIT_MAX_MS	500UL

enum {
	C_PER_TARGET	= 1 << 0,	/* once for each resource */
	C_TRAVERSAL	= 1 << 1,	/* look for /etc/passwd lines */
	C_OWN		= 1 << 2,	/* not sent to a resource */
};

struct fz_coap_class;

typedef int	fz_coap_build(struct fz *, const struct fz_coap_class *,
		    const char *, struct asy_buf *);

struct fz_coap_class {
	const char	*name;
	unsigned	 flags;
	fz_coap_build	*build;
	const char	*lit;		/* bytes or a value for build */
	size_t		 lit_len;	/* 0: strlen(lit) */
	unsigned long	 arg;
};

static unsigned long long
coap_rand(struct fz *z)
{
	/* xorshift64*: reproducible enough, the input is kept anyway. */
	z->rnd ^= z->rnd >> 12;
	z->rnd ^= z->rnd << 25;
	z->rnd ^= z->rnd >> 27;
	return z->rnd * 2685821657736338717ULL;
}

/* A well-formed CON GET of target with a fresh message ID and token. */
static int
coap_start(struct fz *z, struct asy_coap_msg *m, const char *target)
{
	unsigned long long t = coap_rand(z);

	memset(m, 0, sizeof(*m));
	m->type = ASY_COAP_CON;
	m->code = ASY_COAP_GET;
	m->mid = z->coap_mid++ & 0xffff;
	m->tkl = 4;
	for (int i = 0; i < 4; i++)
		m->token[i] = (unsigned char)(t >> (8 * i));
	return asy_coap_set_path(m, target);
}

static int
coap_encode_get(struct fz *z, const char *target, struct asy_buf *out)
{
	struct asy_coap_msg m;
	int r;

	r = coap_start(z, &m, target);
	if (r == 0)
		r = asy_coap_encode(&m, out);
	return r;
}

static size_t
lit_len(const struct fz_coap_class *c)
{
	return c->lit == NULL ? 0 : c->lit_len ? c->lit_len : strlen(c->lit);
}

/* A GET of the resource with version arg in the first byte. */
static int
cb_version(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	int r;

	r = coap_encode_get(z, target, out);
	if (r == 0)
		out->data[0] = (char)(((unsigned char)out->data[0] & 0x3f) |
		    c->arg << 6);
	return r;
}

/* A header announcing a token of arg (9-15) bytes, and 15 bytes. */
static int
cb_tkl(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	unsigned mid = z->coap_mid++ & 0xffff;
	unsigned char h[4] = { (unsigned char)(0x40 | c->arg), 0x01,
	    (unsigned char)(mid >> 8), (unsigned char)(mid & 0xff) };
	int r;

	r = asy_buf_add(out, h, sizeof(h));
	if (r == 0)
		r = fill(out, 'T', 15);
	return r;
}

/* A well-formed GET of the resource, then the bytes of lit. */
static int
cb_tail(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	int r;

	r = coap_encode_get(z, target, out);
	if (r == 0 && c->lit != NULL)
		r = asy_buf_add(out, c->lit, lit_len(c));
	return r;
}

/* A GET of the resource with one more option: number arg, value lit. */
static int
cb_option(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	struct asy_coap_msg m;
	int r;

	r = coap_start(z, &m, target);
	if (r == 0)
		r = asy_coap_add_opt(&m, (unsigned)c->arg, c->lit, lit_len(c));
	if (r == 0 && c->arg == ASY_COAP_OPT_CONTENT_FORMAT) {
		m.payload = (const unsigned char *)"x";
		m.payload_len = 1;
	}
	if (r == 0)
		r = asy_coap_encode(&m, out);
	return r;
}

/* A GET of the resource with Uri-Query lit. */
static int
cb_query(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	struct asy_coap_msg m;
	int r;

	r = coap_start(z, &m, target);
	if (r == 0)
		r = asy_coap_add_opt(&m, ASY_COAP_OPT_URI_QUERY, c->lit,
		    lit_len(c));
	if (r == 0)
		r = asy_coap_encode(&m, out);
	return r;
}

/* A GET whose path is lit (its segments as Uri-Path options). */
static int
cb_path(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	return coap_encode_get(z, c->lit, out);
}

/* A GET with one Uri-Path segment of arg bytes. */
static int
cb_long_segment(struct fz *z, const struct fz_coap_class *c,
    const char *target, struct asy_buf *out)
{
	struct asy_coap_msg m;
	struct asy_buf seg;
	int r;

	asy_buf_init(&seg, COAP_MAX_INPUT);
	r = coap_start(z, &m, "/");
	if (r == 0)
		r = fill(&seg, 'S', c->arg);
	if (r == 0)
		r = asy_coap_add_opt(&m, ASY_COAP_OPT_URI_PATH, seg.data,
		    seg.len);
	if (r == 0)
		r = asy_coap_encode(&m, out);
	asy_buf_release(&seg);
	return r;
}

/* A GET with a Uri-Host of arg bytes (255 at most are allowed). */
static int
cb_long_host(struct fz *z, const struct fz_coap_class *c,
    const char *target, struct asy_buf *out)
{
	struct asy_coap_msg m;
	struct asy_buf host;
	int r;

	asy_buf_init(&host, COAP_MAX_INPUT);
	r = coap_start(z, &m, target);
	if (r == 0)
		r = fill(&host, 'h', c->arg);
	if (r == 0)
		r = asy_coap_add_opt(&m, ASY_COAP_OPT_URI_HOST, host.data,
		    host.len);
	if (r == 0)
		r = asy_coap_encode(&m, out);
	asy_buf_release(&host);
	return r;
}

/* A GET with arg Uri-Path segments "a" (more than a message may hold
 * in our decoder: written byte by byte). */
static int
cb_many_segments(struct fz *z, const struct fz_coap_class *c,
    const char *target, struct asy_buf *out)
{
	int r;

	r = coap_encode_get(z, "/", out);
	if (r == 0)
		r = asy_buf_add(out, "\xb1" "a", 2);
	for (unsigned long i = 1; i < c->arg && r == 0; i++)
		r = asy_buf_add(out, "\x01" "a", 2);
	return r;
}

/* The first arg bytes of a GET of the resource (arg 0: all but two). */
static int
cb_truncated(struct fz *z, const struct fz_coap_class *c,
    const char *target, struct asy_buf *out)
{
	int r;

	r = coap_encode_get(z, target, out);
	if (r < 0)
		return r;
	if (c->arg != 0 && c->arg < out->len)
		out->len = c->arg;
	else if (c->arg == 0 && out->len > 6)
		out->len -= 2;
	out->data[out->len] = '\0';
	return 0;
}

/* 1,400 random bytes; with arg, a CoAP GET header first. */
static int
cb_random(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	size_t i = 0;
	int r = 0;

	if (c->arg) {
		unsigned mid = z->coap_mid++ & 0xffff;
		unsigned char h[4] = { 0x40, 0x01, (unsigned char)(mid >> 8),
		    (unsigned char)(mid & 0xff) };

		r = asy_buf_add(out, h, sizeof(h));
		i = sizeof(h);
	}
	for (; i < 1400 && r == 0; i++)
		r = asy_buf_putc(out, (char)(coap_rand(z) >> 56));
	return r;
}

/* The bytes of lit as they are, with a fresh message ID in bytes 2-3. */
static int
cb_raw(struct fz *z, const struct fz_coap_class *c, const char *target,
    struct asy_buf *out)
{
	unsigned mid = z->coap_mid++ & 0xffff;
	int r;

	r = asy_buf_add(out, c->lit, lit_len(c));
	if (r == 0 && out->len >= 4) {
		out->data[2] = (char)(mid >> 8);
		out->data[3] = (char)(mid & 0xff);
	}
	return r;
}

#define LIT(s)	(s), sizeof(s) - 1

static const struct fz_coap_class coap_classes[] = {
	{ "version-0", 0, cb_version, NULL, 0, 0 },
	{ "version-2", 0, cb_version, NULL, 0, 2 },
	{ "version-3", 0, cb_version, NULL, 0, 3 },
	{ "token-length-9", C_OWN, cb_tkl, NULL, 0, 9 },
	{ "token-length-12", C_OWN, cb_tkl, NULL, 0, 12 },
	{ "token-length-15", C_OWN, cb_tkl, NULL, 0, 15 },
	{ "option-delta-15", C_PER_TARGET, cb_tail, LIT("\xf1" "x"), 0 },
	{ "option-length-15", C_PER_TARGET, cb_tail,
	  LIT("\x0f" "aaaaaaaaaaaaaaaaaaaa"), 0 },
	{ "option-delta-ext-past-end", 0, cb_tail, LIT("\xd0"), 0 },
	{ "option-length-ext-past-end", 0, cb_tail, LIT("\x0e\x01"), 0 },
	{ "option-length-past-end", C_PER_TARGET, cb_tail,
	  LIT("\x0c" "abc"), 0 },
	{ "option-length-huge", 0, cb_tail, LIT("\x0e\xff\xff" "abc"), 0 },
	{ "option-number-over-65535", 0, cb_tail, LIT("\xe1\xff\xff" "x"),
	  0 },
	{ "payload-marker-alone", C_PER_TARGET, cb_tail, LIT("\xff"), 0 },
	{ "uri-path-segment-256", C_OWN, cb_long_segment, NULL, 0, 256 },
	{ "uri-path-segment-1200", C_OWN, cb_long_segment, NULL, 0, 1200 },
	{ "uri-path-500-segments", C_OWN, cb_many_segments, NULL, 0, 500 },
	{ "uri-path-traversal", C_TRAVERSAL | C_OWN, cb_path,
	  "/../../../../etc/passwd", 0, 0 },
	{ "uri-path-format-string", C_OWN, cb_path, "/%n%n%n%s%s%x", 0, 0 },
	{ "uri-query-format-string", C_PER_TARGET, cb_query,
	  "%n%n%n%s%s%x", 0, 0 },
	{ "uri-query-format-width", C_PER_TARGET, cb_query, "%99999999s", 0,
	  0 },
	{ "uri-query-traversal", C_PER_TARGET | C_TRAVERSAL, cb_query,
	  "file=../../../../etc/passwd", 0, 0 },
	{ "uri-query-shell", C_PER_TARGET, cb_query, "q=$(id);id|id`id`", 0,
	  0 },
	{ "uri-query-sql", C_PER_TARGET, cb_query, "q=' OR '1'='1", 0, 0 },
	{ "uri-query-markup", C_PER_TARGET, cb_query,
	  "q=<script>alert(1)</script>", 0, 0 },
	{ "uri-query-nul", C_PER_TARGET, cb_query, LIT("q=a\0b"), 0 },
	{ "content-format-4-bytes", C_PER_TARGET, cb_option,
	  LIT("\xff\xff\xff\xff"), ASY_COAP_OPT_CONTENT_FORMAT },
	{ "content-format-65535", C_PER_TARGET, cb_option, LIT("\xff\xff"),
	  ASY_COAP_OPT_CONTENT_FORMAT },
	{ "block2-huge", C_PER_TARGET, cb_option, LIT("\xff\xff\xfe"),
	  ASY_COAP_OPT_BLOCK2 },
	{ "block2-szx-7", C_PER_TARGET, cb_option, LIT("\x0f"),
	  ASY_COAP_OPT_BLOCK2 },
	{ "block2-4-bytes", C_PER_TARGET, cb_option, LIT("\xff\xff\xff\xff"),
	  ASY_COAP_OPT_BLOCK2 },
	{ "accept-huge", 0, cb_option, LIT("\xff\xff\xff\xff"),
	  ASY_COAP_OPT_ACCEPT },
	{ "critical-option-9", C_PER_TARGET, cb_option, LIT("x"), 9 },
	{ "critical-option-2049", 0, cb_option, LIT("x"), 2049 },
	{ "critical-option-65535", 0, cb_option, LIT("x"), 65535 },
	{ "uri-host-1000", 0, cb_long_host, NULL, 0, 1000 },
	{ "truncated-1", 0, cb_truncated, NULL, 0, 1 },
	{ "truncated-3", 0, cb_truncated, NULL, 0, 3 },
	{ "truncated-in-token", 0, cb_truncated, NULL, 0, 6 },
	{ "truncated-in-option", C_PER_TARGET, cb_truncated, NULL, 0, 0 },
	{ "empty-with-token", C_OWN, cb_raw, LIT("\x41\x00\x00\x00" "t"), 0 },
	{ "empty-with-payload", C_OWN, cb_raw, LIT("\x40\x00\x00\x00\xff" "x"),
	  0 },
	{ "code-reserved-class", C_OWN, cb_raw, LIT("\x40\xe0\x00\x00"), 0 },
	{ "ack-unknown-id", C_OWN, cb_raw, LIT("\x60\x00\x00\x00"), 0 },
	{ "reset-unknown-id", C_OWN, cb_raw, LIT("\x70\x00\x00\x00"), 0 },
	{ "random-1400", C_OWN, cb_random, NULL, 0, 0 },
	{ "random-1400-after-header", C_OWN, cb_random, NULL, 0, 1 },
};

#undef LIT

/* The input for the crash file: every byte as \xNN, 16 a line. */
static int
coap_keep(struct fz *z, const struct fz_coap_class *c, const char *shown_t,
    const struct asy_buf *d)
{
	int r;

	asy_buf_reset(&z->last);
	r = asy_buf_printf(&z->last, "# assay CoAP input %u (%s, resource "
	    "%s): %zu bytes, one UDP datagram to %s port %u, every byte as "
	    "\\xNN\n", z->r->sent, c->name, shown_t, d->len, z->o->addr,
	    z->o->port);
	for (size_t i = 0; i < d->len && r == 0; i++)
		r = asy_buf_printf(&z->last, "\\x%02x%s",
		    (unsigned char)d->data[i], i % 16 == 15 || i + 1 == d->len ?
		    "\n" : "");
	return r;
}

/* GET /.well-known/core: 1 any answer (even a RST or a malformed one),
 * 0 none, <0. */
static int
coap_probe(struct fz *z, long *status, char *why, size_t why_len)
{
	struct asy_coap_answer a;
	int r;

	*status = -1;
	r = asy_coap_get(z->o->addr, z->o->port, COAP_CORE, z->timeout_ms, 1,
	    &a, why, why_len);
	if (r == 1)
		*status = a.type == ASY_COAP_RST ? 0 : (long)a.code;
	asy_coap_answer_release(&a);
	if (r == ASY_E_PROTO)
		return 1;
	if (r == ASY_E_NOMEM)
		return r;
	return r == 1;
}

/* The answer in words, for the transcript (nothing of its bytes). */
static void
coap_word(const unsigned char *p, size_t n, char *out, size_t len,
    struct asy_coap_msg *m, int *ok)
{
	char why[160], code[8];

	*ok = asy_coap_decode(p, n, m, why, sizeof(why)) == 0;
	if (!*ok)
		snprintf(out, len, "malformed");
	else if (m->type == ASY_COAP_RST)
		snprintf(out, len, "RST");
	else
		snprintf(out, len, "%s", asy_coap_code_str(m->code, code,
		    sizeof(code)));
}

static int
coap_one(struct fz *z, const struct fz_coap_class *c, const char *target)
{
	struct asy_buf d;
	struct asy_coap_msg m;
	unsigned char *ans = NULL;
	char t_shown[4 * MAX_SHOWN + 8], why[160], word[32];
	size_t got = 0;
	int r, ok = 0;

	asy_buf_init(&d, COAP_MAX_INPUT);
	r = may_send(z);
	if (r <= 0)
		goto out;
	r = ASY_E_NOMEM;
	ans = malloc(ASY_COAP_MAX_DGRAM);
	if (ans == NULL)
		goto out;
	r = c->build(z, c, target, &d);
	if (r < 0)
		goto out;
	if (c->flags & C_OWN)
		snprintf(t_shown, sizeof(t_shown), "-");
	else
		shown(t_shown, sizeof(t_shown), target, strlen(target));
	z->r->sent++;
	r = coap_keep(z, c, t_shown, &d);
	if (r < 0)
		goto out;
	if (c->flags & C_PER_TARGET)
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s, "
		    "on %s)", z->r->sent, c->name, t_shown);
	else
		snprintf(z->last_what, sizeof(z->last_what), "input %u (%s)",
		    z->r->sent, c->name);
	r = asy_coap_send(z->o->addr, z->o->port, d.data, d.len,
	    z->coap_wait_ms, ans, ASY_COAP_MAX_DGRAM, &got, why, sizeof(why));
	if (r < 0)
		goto out;
	if (r == 1) {
		coap_word(ans, got, word, sizeof(word), &m, &ok);
		tr_printf(z, "%03u +%.3fs resource=%s class=%s bytes=%zu "
		    "answer=%s\n", z->r->sent, elapsed_s(z), t_shown, c->name,
		    d.len, word);
		z->r->answered++;
		if (ok && m.type != ASY_COAP_RST && (m.code >> 5) == 5)
			z->r->errors_5xx++;
		if (ok && (c->flags & C_TRAVERSAL) && m.payload_len > 0 &&
		    memmem(m.payload, m.payload_len, "root:x:0:0:", 11) !=
		    NULL && !z->r->leaked) {
			z->r->leaked = 1;
			z->r->leak_what = asy_strdup_printf("%s: /etc/passwd "
			    "lines in the answer", z->last_what);
			if (z->r->leak_what == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
		}
	} else {
		tr_printf(z, "%03u +%.3fs resource=%s class=%s bytes=%zu "
		    "answer=none (%s)\n", z->r->sent, elapsed_s(z), t_shown,
		    c->name, d.len, why);
	}
	r = after_input(z, r == 1, 0);
out:
	free(ans);
	asy_buf_release(&d);
	return r < 0 ? r : 0;
}

/* The resources: the declared path, then /.well-known/core's links. */
static int
coap_targets(struct fz *z, const struct asy_coap_answer *a)
{
	char **links = NULL, **v = NULL;
	size_t n_links = 0, n = 0, cap = 0;
	int r = 0;

	if (a->code == ASY_COAP_CODE(2, 5) && a->payload.len > 0) {
		r = asy_coap_links(a->payload.data, a->payload.len, 64, &links,
		    &n_links);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i <= n_links && n < COAP_MAX_TARGETS; i++) {
		const char *p = i == 0 ? z->o->path : links[i - 1];
		int dup = 0;
		char **slot;

		if (p == NULL || !path_ok(p) || strcmp(p, COAP_CORE) == 0)
			continue;
		for (size_t k = 0; k < n; k++)
			if (strcmp(v[k], p) == 0)
				dup = 1;
		if (dup)
			continue;
		slot = asy_array_add(&v, &n, &cap, sizeof(*v));
		if (slot == NULL || (*slot = asy_strdup(p)) == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
	}
	if (r == 0 && n == 0) {
		char **slot = asy_array_add(&v, &n, &cap, sizeof(*v));

		if (slot == NULL || (*slot = asy_strdup(COAP_CORE)) == NULL)
			r = ASY_E_NOMEM;
	}
	asy_coap_links_free(links, n_links);
	z->coap_targets = v;
	z->n_coap_targets = n;
	return r;
}

int
asy_fuzz_coap(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r)
{
	struct asy_coap_answer a;
	struct fz z;
	unsigned long long seed = 0;
	char why[256], code[8];
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&z, 0, sizeof(z));
	memset(&a, 0, sizeof(a));
	asy_buf_init(&z.last, COAP_MAX_ESCAPED);
	ret = ASY_E_INPUT;
	if (o->addr == NULL || o->port == 0 || o->port > 65535) {
		r->why = asy_strdup("no address or port");
		goto out;
	}
	if (o->path != NULL && !path_ok(o->path)) {
		r->why = asy_strdup("the path is not a CoAP resource path "
		    "(\"/...\", printable ASCII)");
		goto out;
	}
	z.o = o;
	z.r = r;
	z.max_cases = o->max_cases ? o->max_cases : DEF_MAX_CASES;
	z.budget_ms = o->budget_ms ? o->budget_ms : DEF_BUDGET_MS;
	z.timeout_ms = o->timeout_ms ? o->timeout_ms : DEF_TIMEOUT_MS;
	z.coap_wait_ms = z.timeout_ms / 4;
	if (z.coap_wait_ms < COAP_WAIT_MIN_MS)
		z.coap_wait_ms = COAP_WAIT_MIN_MS;
	if (z.coap_wait_ms > COAP_WAIT_MAX_MS)
		z.coap_wait_ms = COAP_WAIT_MAX_MS;
	z.t0 = asy_now_ms();
	z.probe = coap_probe;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(seed))
		seed = (unsigned long long)z.t0 ^ (unsigned long long)getpid();
	z.rnd = seed | 1;
	z.coap_mid = (unsigned)(coap_rand(&z) & 0xffff);
	if (o->transcript != NULL) {
		z.tr = fopen(o->transcript, "we");
		if (z.tr == NULL) {
			asy_debug("cannot write %s: %s", o->transcript,
			    strerror(errno));
			ret = ASY_E_IO;
			goto out;
		}
	}
	ret = asy_coap_get(o->addr, o->port, COAP_CORE, z.timeout_ms,
	    COAP_MAX_PAYLOAD, &a, why, sizeof(why));
	if (ret == ASY_E_NOMEM || ret == ASY_E_IO)
		goto out;
	if (ret != 1) {
		tr_printf(&z, "# +%.3fs baseline GET %s: no answer\n",
		    elapsed_s(&z), COAP_CORE);
		r->why = asy_strdup_printf("the baseline GET %s got no %s"
		    "answer: %s", COAP_CORE, ret == ASY_E_PROTO ?
		    "well-formed " : "", why);
		ret = r->why == NULL ? ASY_E_NOMEM : 0;
		goto out;
	}
	tr_printf(&z, "# +%.3fs baseline GET %s: %s, %zu bytes of links\n",
	    elapsed_s(&z), COAP_CORE, a.type == ASY_COAP_RST ? "RST" :
	    asy_coap_code_str(a.code, code, sizeof(code)), a.payload.len);
	ret = coap_targets(&z, &a);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < z.n_coap_targets; i++) {
		char t_shown[4 * MAX_SHOWN + 8];

		shown(t_shown, sizeof(t_shown), z.coap_targets[i],
		    strlen(z.coap_targets[i]));
		tr_printf(&z, "# resource %s\n", t_shown);
	}
	for (size_t ci = 0; ci < ASY_ELEMENTSOF(coap_classes) && !z.stop;
	    ci++) {
		const struct fz_coap_class *c = &coap_classes[ci];
		size_t n = (c->flags & C_PER_TARGET) ? z.n_coap_targets : 1;

		for (size_t i = 0; i < n && !z.stop; i++) {
			ret = coap_one(&z, c, z.coap_targets[i]);
			if (ret < 0)
				goto out;
		}
	}
	if (!r->crashed && r->sent > 0 && z.since_check > 0) {
		ret = health(&z);
		if (ret < 0)
			goto out;
		if (ret == 0) {
			ret = record_crash(&z);
			if (ret < 0)
				goto out;
		}
	}
	tr_printf(&z, "# +%.3fs done: sent=%u answered=%u 5.xx=%u "
	    "no_answer=%u crashed=%d leaked=%d\n", elapsed_s(&z), r->sent,
	    r->answered, r->errors_5xx, r->no_answer, r->crashed, r->leaked);
	ret = 0;
out:
	if (ret == ASY_E_INPUT && r->why == NULL)
		ret = ASY_E_NOMEM;
	asy_coap_answer_release(&a);
	if (z.tr != NULL && fclose(z.tr) != 0)
		z.io_failed = 1;
	if (ret == 0 && z.io_failed)
		ret = ASY_E_IO;
	fz_release(&z);
	return ret;
}

void
asy_fuzz_result_release(struct asy_fuzz_result *r)
{
	if (r == NULL)
		return;
	asy_freep(&r->crash_what);
	asy_freep(&r->leak_what);
	asy_freep(&r->why);
}
