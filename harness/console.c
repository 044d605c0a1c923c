/*
 * Console probing, login and commands over the serial adapter.
 *
 * The probe reads everything into one capped buffer (the boot log
 * included), watches each chunk for an autoboot countdown (the key must go
 * out while it runs), and whenever the device falls quiet looks at the
 * last line: a login or password prompt, a boot-loader prompt, or a shell
 * prompt.  Nothing is taken on the word of a prompt: a shell counts when
 * it evaluated arithmetic we sent, a login when it refused an invented
 * user and password, a boot loader when it answered "version".  The tables
 * below hold the words; the decisions are in probe_step().
 */
#include "console.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS	15000
#define DEFAULT_MAX_BYTES	((size_t)1 << 20)
#define DEFAULT_QUIET_MS	1000
/* How long a prompt must stand without more output to count. */
#define PROMPT_QUIET_MS		300
#define WRITE_MS		2000
#define BREAK_MS		250
/* Longest answer awaited for one step of the probe. */
#define STEP_MS			5000
/* An evidence or secret line: at most this many bytes, escaped. */
#define MAX_SHOWN		160
#define MAX_CMD			4096
#define MASK			"********"
/* Below this share of text bytes, a console is noise. */
#define TEXT_PERCENT		75

struct asy_console {
	struct asy_serial	*s;
	int			 in_key;	/* transcript mask state */
	struct asy_buf		*sink;		/* the probe's copy, or NULL */
	struct asy_buf		 recent;	/* the last bytes read, for the
						   prompt a call starts at */
};

/* The window of recent bytes kept across calls. */
#define RECENT		4096

/* ---- words --------------------------------------------------------------- */

static const char *const kind_names[] = {
	[ASY_CONSOLE_UNKNOWN] = "unknown",
	[ASY_CONSOLE_SILENT] = "silent",
	[ASY_CONSOLE_NOISE] = "noise",
	[ASY_CONSOLE_LOGIN] = "login",
	[ASY_CONSOLE_SHELL] = "shell",
	[ASY_CONSOLE_BOOTLOADER] = "boot loader",
};

/* Banners that name a boot loader. */
static const char *const bl_banners[] = {
	"U-Boot ", "U-Boot SPL", "CFE version", "Broadcom CFE", "RedBoot",
	"barebox ", "Das U-Boot",
};

/* Autoboot countdowns and the key that stops each (the specific ones
 * first). */
static const struct {
	const char	*text;
	const char	*key;
} countdowns[] = {
	{ "ctrl-c to abort", "\x03" },
	{ "ctrl+c to abort", "\x03" },
	{ "^c to abort", "\x03" },
	{ "esc to abort", "\x1b" },
	{ "esc to stop", "\x1b" },
	{ "to stop autoboot", " " },
	{ "any key to abort", " " },
	{ "any key to stop", " " },
	{ "to abort autoboot", " " },
};

/* Boot-loader prompts: the whole last line, trailing blanks left out. */
static const char *const bl_prompts[] = {
	"=>", "U-Boot>", "uboot>", "CFE>", "RedBoot>", "Marvell>>", "ath>",
	"ar7240>", "IPQ40xx#", "ZynqMP>", "STM32MP>",
};

static const char *const login_prompts[] = {
	"login:", "username:", "user name:",
};
static const char *const password_prompts[] = {
	"password:", "passcode:",
};
static const char *const shell_prompts[] = {
	"#", "$", ">", "%",
};

/* Words that say a login was refused, and phrases that contain one but
 * do not (after a successful login). */
static const char *const refusals[] = {
	"incorrect", "failed", "denied", "invalid",
};
static const char *const not_refusals[] = {
	"last failed login", "failed login attempt", "failed attempts",
	"failed password attempt",
};

/* Keys whose value is a secret, as "KEY=value" or "KEY: value". */
static const struct {
	const char	*key;
	const char	*kind;
} secret_keys[] = {
	{ "wpa_passphrase", "Wi-Fi PSK" },
	{ "wpa_psk", "Wi-Fi PSK" },
	{ "wpa-psk", "Wi-Fi PSK" },
	{ "psk", "Wi-Fi PSK" },
	{ "password", "password" },
	{ "passwd", "password" },
	{ "passphrase", "password" },
	{ "pass", "password" },
	{ "pwd", "password" },
	{ "secret", "secret" },
	{ "token", "token" },
	{ "api_key", "token" },
	{ "apikey", "token" },
	{ "access_key", "token" },
};

/* ---- characters ---------------------------------------------------------- */

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
ieq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/* Find needle (ASCII, case-insensitive) in s[0..n); offset or -1. */
static long
ifind(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (s == NULL || k > n)
		return -1;
	for (size_t i = 0; i + k <= n; i++)
		if (ieq_n(s + i, needle, k))
			return (long)i;
	return -1;
}

const char *
asy_console_kind_name(enum asy_console_kind kind)
{
	if ((size_t)kind < ASY_ELEMENTSOF(kind_names) &&
	    kind_names[kind] != NULL)
		return kind_names[kind];
	return "unknown";
}

/* A random number in [lo, lo + span). */
static unsigned
nonce(unsigned lo, unsigned span)
{
	unsigned v = 0;

	if (getentropy(&v, sizeof(v)) < 0)
		v = (unsigned)asy_now_ms() ^ (unsigned)getpid() << 16;
	return lo + v % span;
}

/* ---- secrets ------------------------------------------------------------- */

/* Where the value after key at s[at] (key k bytes) lies, if this is an
 * assignment: 1 with [*vs, *ve), or 0. */
static int
assignment(const char *s, size_t n, size_t at, size_t k, size_t *vs,
    size_t *ve)
{
	size_t i = at + k;
	char sep, quote = 0;

	/* The key stands alone: "wpa_psk=" but not "bypass=" or "tokens=". */
	if (at > 0 && is_alnum(s[at - 1]))
		return 0;
	if (i < n && (s[i] == '"' || s[i] == '\''))
		i++;
	while (i < n && is_blank(s[i]))
		i++;
	if (i >= n || (s[i] != '=' && s[i] != ':'))
		return 0;
	sep = s[i++];
	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && (s[i] == '"' || s[i] == '\'')) {
		quote = s[i];
		i++;
	}
	*vs = i;
	while (i < n && s[i] != '\r' && s[i] != '\n' &&
	    (quote ? s[i] != quote : !is_blank(s[i]) && s[i] != ',' &&
	    s[i] != ';'))
		i++;
	*ve = i;
	if (*ve == *vs)
		return 0;
	/* Already masked, or a placeholder. */
	if (*ve - *vs == strlen(MASK) && memcmp(s + *vs, MASK, *ve - *vs) == 0)
		return 0;
	/* "Password: " as a prompt, "passwd: password updated": after a
	 * colon the value must end the line. */
	if (sep == ':' && !quote) {
		size_t j = *ve;

		while (j < n && is_blank(s[j]))
			j++;
		if (j < n && s[j] != '\r' && s[j] != '\n')
			return 0;
	}
	return 1;
}

const char *
asy_console_mask_line(struct asy_buf *line, int *in_key)
{
	const char *found = NULL;
	struct asy_buf out;
	size_t n, i, copied = 0;
	char *s;

	if (line->data == NULL || line->len == 0)
		return NULL;
	s = line->data;
	n = line->len;
	if (ifind(s, n, "-----BEGIN ") >= 0 &&
	    ifind(s, n, "PRIVATE KEY-----") >= 0) {
		*in_key = 1;
		return "private key";
	}
	if (*in_key) {
		int end = ifind(s, n, "-----END ") >= 0;
		size_t keep = 0;

		if (end) {
			*in_key = 0;
			return NULL;
		}
		/* The body: only the line ending survives. */
		while (keep < n && (s[n - 1 - keep] == '\r' ||
		    s[n - 1 - keep] == '\n'))
			keep++;
		asy_buf_init(&out, line->max);
		asy_buf_puts(&out, MASK);
		asy_buf_add(&out, s + n - keep, keep);
		asy_buf_reset(line);
		asy_buf_add(line, out.data, out.len);
		asy_buf_release(&out);
		return NULL;
	}
	asy_buf_init(&out, line->max + 64);
	for (i = 0; i < n; i++) {
		size_t vs = 0, ve = 0, j;

		for (j = 0; j < ASY_ELEMENTSOF(secret_keys); j++) {
			size_t k = strlen(secret_keys[j].key);

			if (i + k <= n && ieq_n(s + i, secret_keys[j].key, k) &&
			    assignment(s, n, i, k, &vs, &ve))
				break;
		}
		if (j == ASY_ELEMENTSOF(secret_keys))
			continue;
		if (found == NULL)
			found = secret_keys[j].kind;
		asy_buf_add(&out, s + copied, vs - copied);
		asy_buf_puts(&out, MASK);
		copied = ve;
		i = ve > i ? ve - 1 : i;
	}
	if (found != NULL) {
		asy_buf_add(&out, s + copied, n - copied);
		asy_buf_reset(line);
		asy_buf_add(line, out.data, out.len);
	}
	asy_buf_release(&out);
	return found;
}

/* The line masked and escaped, cut to MAX_SHOWN bytes ("..."). */
static char *
shown(const char *p, size_t n)
{
	struct asy_buf raw, esc;
	char *r;
	int in_key = 0;

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n > 4 * MAX_SHOWN)
		n = 4 * MAX_SHOWN;
	asy_buf_init(&raw, n + 1);
	asy_buf_init(&esc, 4 * n + 8);
	asy_buf_add(&raw, p, n);
	asy_console_mask_line(&raw, &in_key);
	asy_serial_escape(&esc, raw.data != NULL ? raw.data : "", raw.len);
	if (esc.len > MAX_SHOWN) {
		esc.len = MAX_SHOWN - 3;
		esc.data[esc.len] = '\0';
		asy_buf_puts(&esc, "...");
	}
	r = asy_strdup(esc.data != NULL ? esc.data : "");
	asy_buf_release(&raw);
	asy_buf_release(&esc);
	return r;
}

int
asy_console_scan_secrets(const char *text, size_t len,
    struct asy_console_result *res)
{
	unsigned long lineno = 1;
	size_t start = 0;
	int in_key = 0;

	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - text) + 1 : len;
		struct asy_buf line;
		const char *kind;

		asy_buf_init(&line, end - start + 64);
		if (asy_buf_add(&line, text + start, end - start) < 0) {
			asy_buf_release(&line);
			return ASY_E_NOMEM;
		}
		kind = asy_console_mask_line(&line, &in_key);
		if (kind != NULL && res->n_secrets == ASY_CONSOLE_MAX_SECRETS)
			res->n_secrets_dropped++;
		else if (kind != NULL) {
			struct asy_console_secret *x =
			    &res->secrets[res->n_secrets];

			/* Masked already: shown() must not unmask. */
			x->text = shown(line.data, line.len);
			if (x->text == NULL) {
				asy_buf_release(&line);
				return ASY_E_NOMEM;
			}
			x->kind = kind;
			x->line = lineno;
			x->offset = start;
			res->n_secrets++;
		}
		asy_buf_release(&line);
		start = end;
		lineno++;
	}
	return 0;
}

/* ---- results ------------------------------------------------------------- */

void
asy_console_result_release(struct asy_console_result *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->n_evidence; i++)
		free(res->evidence[i]);
	for (size_t i = 0; i < res->n_secrets; i++)
		free(res->secrets[i].text);
	memset(res, 0, sizeof(*res));
}

/* "label: the line" (masked, escaped, bounded); dropped past the cap. */
static void
evidence(struct asy_console_result *res, const char *label, const char *p,
    size_t n)
{
	char *line, *e;

	if (res->n_evidence == ASY_CONSOLE_MAX_EVIDENCE)
		return;
	line = shown(p != NULL ? p : "", p != NULL ? n : 0);
	if (line == NULL)
		return;
	e = asy_strdup_printf("%s%s%s", label, *line != '\0' ? ": " : "",
	    line);
	free(line);
	if (e != NULL)
		res->evidence[res->n_evidence++] = e;
}

static void
reason(struct asy_console_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reason(struct asy_console_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	asy_vwhy(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* ---- the console --------------------------------------------------------- */

static void
mask_cb(void *ctx, struct asy_buf *line)
{
	struct asy_console *c = ctx;

	asy_console_mask_line(line, &c->in_key);
}

int
asy_console_open(const struct asy_serial_cfg *cfg, struct asy_console **out,
    char *why, size_t why_len)
{
	struct asy_console *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ASY_E_NOMEM;
	r = asy_serial_open(cfg, &c->s, why, why_len);
	if (r < 0) {
		free(c);
		return r;
	}
	asy_serial_set_mask(c->s, mask_cb, c);
	asy_buf_init(&c->recent, RECENT + 1);
	*out = c;
	return 0;
}

void
asy_console_close(struct asy_console *c)
{
	if (c == NULL)
		return;
	asy_serial_close(c->s);
	asy_buf_release(&c->recent);
	free(c);
}

struct asy_serial *
asy_console_serial(struct asy_console *c)
{
	return c->s;
}

void
asy_console_transcript(struct asy_console *c, struct asy_buf *b, FILE *f,
    size_t cap)
{
	asy_serial_transcript(c->s, b, f, cap);
}

/* Keep the last RECENT bytes read. */
static void
remember(struct asy_console *c, const char *p, size_t n)
{
	struct asy_buf *r = &c->recent;

	if (n > RECENT / 2) {
		p += n - RECENT / 2;
		n = RECENT / 2;
	}
	if (r->len + n > RECENT) {
		size_t keep = RECENT / 2;

		memmove(r->data, r->data + r->len - keep, keep);
		r->len = keep;
		r->data[keep] = '\0';
	}
	asy_buf_add(r, p, n);
}

/* Read a chunk into b (and the probe's copy). */
static long
con_read(struct asy_console *c, struct asy_buf *b, unsigned long wait_ms)
{
	size_t before = b->len;
	long n;

	n = asy_serial_read(c->s, b, wait_ms);
	if (n <= 0)
		return n;
	if (c->sink != NULL && c->sink != b) {
		size_t room = c->sink->max - c->sink->len;
		size_t k = (size_t)n < room ? (size_t)n : room;

		asy_buf_add(c->sink, b->data + before, k);
	}
	remember(c, b->data + before, (size_t)n);
	return n;
}

static unsigned long
left(long long deadline)
{
	long long l = deadline - asy_now_ms();

	return l > 0 ? (unsigned long)l : 0;
}

/* ---- the last line ------------------------------------------------------- */

enum tail {
	T_NONE,
	T_LOGIN,
	T_PASSWORD,
	T_BOOT,
	T_SHELL,	/* a candidate only: proven by running something */
};

/* The last line of b after from, trailing blanks left out. */
static const char *
last_line(const struct asy_buf *b, size_t from, size_t *n)
{
	const char *s = b->data, *end, *p;

	*n = 0;
	if (s == NULL || b->len <= from)
		return NULL;
	end = s + b->len;
	while (end > s + from && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	p = end;
	while (p > s + from && p[-1] != '\n' && p[-1] != '\r')
		p--;
	*n = (size_t)(end - p);
	return p;
}

static int
ends_with_any(const char *s, size_t n, const char *const *v, size_t nv)
{
	for (size_t i = 0; i < nv; i++) {
		size_t k = strlen(v[i]);

		if (k <= n && ieq_n(s + n - k, v[i], k))
			return 1;
	}
	return 0;
}

static enum tail
tail_of(const struct asy_buf *b, size_t from)
{
	size_t n;
	const char *s = last_line(b, from, &n);

	if (s == NULL || n == 0)
		return T_NONE;
	for (size_t i = 0; i < ASY_ELEMENTSOF(bl_prompts); i++)
		if (strlen(bl_prompts[i]) == n && ieq_n(s, bl_prompts[i], n))
			return T_BOOT;
	if (n > 8 && ieq_n(s, "barebox@", 8) && s[n - 1] == '/')
		return T_BOOT;
	if (ends_with_any(s, n, login_prompts, ASY_ELEMENTSOF(login_prompts)))
		return T_LOGIN;
	if (ends_with_any(s, n, password_prompts,
	    ASY_ELEMENTSOF(password_prompts)))
		return T_PASSWORD;
	if (ends_with_any(s, n, shell_prompts, ASY_ELEMENTSOF(shell_prompts)))
		return T_SHELL;
	return T_NONE;
}

/* Send text and CR in one write. */
static int
send_line(struct asy_console *c, const char *text, int secret)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, strlen(text) + 2);
	r = asy_buf_puts(&b, text);
	if (r == 0)
		r = asy_buf_putc(&b, '\r');
	if (r == 0)
		r = asy_serial_write(c->s, b.data, b.len, secret, WRITE_MS);
	explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	return r;
}

/* Does the text after from say a login was refused?  Where (the offset
 * of the word) into *at when at is not NULL. */
static int
says_refused_at(const struct asy_buf *b, size_t from, size_t *at)
{
	char *low;
	size_t n;
	int found = 0;

	if (b->data == NULL || b->len <= from)
		return 0;
	n = b->len - from;
	low = malloc(n + 1);
	if (low == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = b->data[from + i] == '\0' ? ' ' :
		    lower(b->data[from + i]);
	low[n] = '\0';
	for (size_t i = 0; i < ASY_ELEMENTSOF(not_refusals); i++) {
		char *p = strstr(low, not_refusals[i]);

		while (p != NULL) {
			memset(p, ' ', strlen(not_refusals[i]));
			p = strstr(p, not_refusals[i]);
		}
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(refusals) && !found; i++) {
		const char *w = strstr(low, refusals[i]);

		found = w != NULL;
		if (found && at != NULL)
			*at = from + (size_t)(w - low);
	}
	free(low);
	return found;
}

static int
says_refused(const struct asy_buf *b, size_t from)
{
	return says_refused_at(b, from, NULL);
}

/*
 * Read into b until the device has been quiet for quiet_ms (or the
 * deadline).  0, or ASY_E_TOOBIG, ASY_E_CLOSED, ASY_E_IO.
 */
static int
quiet_wait(struct asy_console *c, struct asy_buf *b, unsigned long quiet_ms,
    long long deadline)
{
	for (;;) {
		unsigned long l = left(deadline);
		long n;

		if (l == 0)
			return 0;
		n = con_read(c, b, l < quiet_ms ? l : quiet_ms);
		if (n == ASY_E_TIMEOUT)
			return 0;
		if (n < 0)
			return (int)n;
	}
}

/* ---- running a command --------------------------------------------------- */

/* Find "__ASY_<id>_<tag>" followed by the rest of its line in b from
 * from: 1 with the marker's start, the text between it and the line end
 * (*arg, *arg_n) and the next line's start; 0 if not (complete) yet. */
static int
find_marker(const struct asy_buf *b, size_t from, const char *marker,
    size_t *at, const char **arg, size_t *arg_n, size_t *next)
{
	size_t k = strlen(marker), i, j;

	if (b->data == NULL)
		return 0;
	for (i = from; i + k <= b->len; i++) {
		if (memcmp(b->data + i, marker, k) != 0)
			continue;
		for (j = i + k; j < b->len; j++)
			if (b->data[j] == '\r' || b->data[j] == '\n')
				break;
		if (j == b->len)
			return 0;
		*at = i;
		*arg = b->data + i + k;
		*arg_n = j - (i + k);
		while (j < b->len && b->data[j] == '\r')
			j++;
		if (j < b->len && b->data[j] == '\n')
			j++;
		*next = j;
		return 1;
	}
	return 0;
}

/* The command line: begin marker, cmd under eval, end marker with $?.
 * The quotes split the markers in the echo of the line. */
static char *
exec_line(const char *cmd, const char *id)
{
	struct asy_buf b;
	char *r = NULL;

	asy_buf_init(&b, 4 * MAX_CMD + 128);
	if (asy_buf_printf(&b, "echo \"__ASY\"\"_%s_B\"; eval '", id) < 0)
		goto out;
	for (const char *p = cmd; *p != '\0'; p++)
		if ((*p == '\'' ? asy_buf_puts(&b, "'\\''") :
		    asy_buf_putc(&b, *p)) < 0)
			goto out;
	if (asy_buf_printf(&b, "'; echo \"__ASY\"\"_%s_E$?\"\r", id) < 0)
		goto out;
	r = asy_buf_steal(&b);
out:
	asy_buf_release(&b);
	return r;
}

int
asy_console_exec(struct asy_console *c, const char *cmd,
    unsigned long timeout_ms, size_t cap, char **output, int *status)
{
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	char id[16], begin[32], end[32];
	struct asy_buf w, out;
	size_t out_from = 0, at = 0, next = 0, arg_n = 0;
	const char *arg = NULL;
	unsigned long st = 0;
	int r, have_begin = 0, toobig = 0;
	char *line = NULL;

	if (cmd == NULL || strlen(cmd) > MAX_CMD || strchr(cmd, '\n') ||
	    strchr(cmd, '\r'))
		return ASY_E_INPUT;
	snprintf(id, sizeof(id), "%08x", nonce(0, 0xfffffff0U));
	snprintf(begin, sizeof(begin), "__ASY_%s_B", id);
	snprintf(end, sizeof(end), "__ASY_%s_E", id);
	asy_buf_init(&w, cap + 2 * strlen(cmd) + 8192);
	asy_buf_init(&out, cap + 1);
	/* What was waiting belongs to nobody's output. */
	r = quiet_wait(c, &w, 100, asy_now_ms() + 500);
	if (r < 0 && r != ASY_E_TOOBIG)
		goto out;
	asy_buf_reset(&w);
	line = exec_line(cmd, id);
	if (line == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_serial_puts(c->s, line, 0, WRITE_MS);
	if (r < 0)
		goto out;
	for (;;) {
		long n;

		if (!have_begin && find_marker(&w, 0, begin, &at, &arg,
		    &arg_n, &next) && arg_n == 0) {
			have_begin = 1;
			out_from = next;
		}
		if (have_begin && find_marker(&w, out_from, end, &at, &arg,
		    &arg_n, &next)) {
			char digits[16];

			if (arg_n == 0 || arg_n >= sizeof(digits)) {
				r = ASY_E_PROTO;
				goto out;
			}
			memcpy(digits, arg, arg_n);
			digits[arg_n] = '\0';
			if (asy_parse_ulong(digits, &st) < 0 || st > 255) {
				r = ASY_E_PROTO;
				goto out;
			}
			/* The output: CR LF as LF. */
			for (size_t i = out_from; i < at && !toobig; i++) {
				if (w.data[i] == '\r' && i + 1 < at &&
				    w.data[i + 1] == '\n')
					continue;
				if (asy_buf_putc(&out, w.data[i]) < 0)
					toobig = 1;
			}
			break;
		}
		if (w.len >= w.max) {
			/* Past the cap: keep reading for the end marker. */
			size_t keep = have_begin ? 64 : 4096;

			toobig = toobig || have_begin;
			if (keep > w.len)
				keep = w.len;
			memmove(w.data, w.data + w.len - keep, keep);
			w.len = keep;
			w.data[keep] = '\0';
			out_from = 0;
		}
		n = con_read(c, &w, left(deadline));
		if (n < 0) {
			r = (int)n;
			goto out;
		}
	}
	if (toobig) {
		r = ASY_E_TOOBIG;
		goto out;
	}
	if (output != NULL) {
		*output = asy_strdup(out.data != NULL ? out.data : "");
		if (*output == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	if (status != NULL)
		*status = (int)st;
	r = 0;
out:
	free(line);
	asy_buf_release(&w);
	asy_buf_release(&out);
	return r;
}

/*
 * Prove a shell: "echo ASY$((a*b))K" answered with the product, which only
 * an evaluating shell prints.  1 proven (the exchange in *said), 0 not,
 * or ASY_E_CLOSED / ASY_E_IO / ASY_E_NOMEM.
 */
static int
prove_shell(struct asy_console *c, unsigned long timeout_ms, char *said,
    size_t said_len)
{
	unsigned a = nonce(101, 898), b = nonce(101, 898);
	char cmd[64], want[32];
	char *out = NULL;
	int r, st = -1;

	snprintf(cmd, sizeof(cmd), "echo ASY$((%u*%u))K", a, b);
	snprintf(want, sizeof(want), "ASY%uK", a * b);
	r = asy_console_exec(c, cmd, timeout_ms, 4096, &out, &st);
	if (r == ASY_E_CLOSED || r == ASY_E_IO || r == ASY_E_NOMEM)
		return r;
	if (r < 0 || out == NULL || strstr(out, want) == NULL) {
		free(out);
		return 0;
	}
	asy_why(said, said_len, "sent '%s', the console answered %s", cmd,
	    want);
	free(out);
	return 1;
}

/* ---- login --------------------------------------------------------------- */

/* Wait for one of the tails in want (a bit set of 1 << T_x) standing
 * quiet, or a refusal after from when refused is not NULL.  The tail, or
 * -1 for a refusal, or ASY_E_TIMEOUT etc. */
static int
await(struct asy_console *c, struct asy_buf *b, size_t from, unsigned want,
    int *refused, long long deadline)
{
	for (;;) {
		long n;
		enum tail t;

		if (refused != NULL && says_refused(b, from)) {
			*refused = 1;
			return -1;
		}
		n = con_read(c, b, left(deadline) < PROMPT_QUIET_MS ?
		    left(deadline) : PROMPT_QUIET_MS);
		if (n == ASY_E_TIMEOUT) {
			t = tail_of(b, from);
			if (want & (1U << t))
				return (int)t;
			if (left(deadline) == 0)
				return ASY_E_TIMEOUT;
			continue;
		}
		if (n < 0)
			return (int)n;
	}
}

int
asy_console_login(struct asy_console *c, const char *user,
    const char *password, unsigned long timeout_ms)
{
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	struct asy_buf b;
	size_t from;
	int r, refused = 0;
	char said[128];

	if (user == NULL || password == NULL || strpbrk(user, "\r\n") ||
	    strpbrk(password, "\r\n") || strlen(user) > 256 ||
	    strlen(password) > 1024)
		return ASY_E_INPUT;
	asy_buf_init(&b, (size_t)1 << 20);
	r = quiet_wait(c, &b, PROMPT_QUIET_MS, deadline);
	if (r < 0)
		goto out;
	/* The prompt may have come during an earlier call. */
	if (tail_of(&c->recent, 0) != T_LOGIN) {
		from = b.len;
		r = asy_serial_puts(c->s, "\r", 0, WRITE_MS);
		if (r < 0)
			goto out;
		r = await(c, &b, from, 1U << T_LOGIN | 1U << T_SHELL, NULL,
		    deadline);
		if (r == ASY_E_TIMEOUT)
			r = b.len > from ? ASY_E_PROTO : ASY_E_TIMEOUT;
		if (r < 0)
			goto out;
		if (r == T_SHELL) {
			/* Already at a shell: that is logged in. */
			r = prove_shell(c, left(deadline), said, sizeof(said));
			r = r == 1 ? 0 : r == 0 ? ASY_E_PROTO : r;
			goto out;
		}
	}
	from = b.len;
	r = send_line(c, user, 0);
	if (r < 0)
		goto out;
	r = await(c, &b, from, 1U << T_PASSWORD | 1U << T_LOGIN |
	    1U << T_SHELL, &refused, deadline);
	if (r == -1 || r == T_LOGIN) {
		r = ASY_E_REFUSED;
		goto out;
	}
	if (r < 0)
		goto out;
	if (r == T_PASSWORD) {
		from = b.len;
		r = send_line(c, password, 1);
		if (r < 0)
			goto out;
		r = await(c, &b, from, 1U << T_LOGIN | 1U << T_PASSWORD |
		    1U << T_SHELL, &refused, deadline);
		if (r == -1 || r == T_LOGIN || r == T_PASSWORD) {
			r = ASY_E_REFUSED;
			goto out;
		}
		if (r < 0)
			goto out;
	}
	r = prove_shell(c, left(deadline), said, sizeof(said));
	r = r == 1 ? 0 : r == 0 ? ASY_E_TIMEOUT : r;
out:
	/* Pages of text and no prompt: not a login. */
	if (r == ASY_E_TOOBIG)
		r = ASY_E_PROTO;
	asy_buf_release(&b);
	return r;
}

/* ---- the probe ----------------------------------------------------------- */

struct probe {
	struct asy_console		*c;
	struct asy_console_result	*res;
	struct asy_buf			 all;	/* everything read */
	size_t				 watched;	/* scanned up to */
	long long			 deadline;
	unsigned long			 quiet_ms;
	int				 stay;
	int				 keyed;		/* key sent */
	int				 at_boot_done;	/* prompt used */
	int				 pokes;
	int				 proof_tried;
	size_t				 poke_from;	/* all.len then */
	int				 done;
};

/* The line of all around offset at. */
static void
line_around(const struct asy_buf *b, size_t at, const char **p, size_t *n)
{
	size_t s = at, e = at;

	while (s > 0 && b->data[s - 1] != '\n' && b->data[s - 1] != '\r')
		s--;
	while (e < b->len && b->data[e] != '\n' && b->data[e] != '\r')
		e++;
	*p = b->data + s;
	*n = e - s;
}

/* Look at new bytes: boot-loader banners, and a countdown, which gets
 * its key at once. */
static int
watch(struct probe *p)
{
	struct asy_console_result *res = p->res;
	size_t from = p->watched > 64 ? p->watched - 64 : 0, n, ln;
	const char *s, *lp;
	long at;
	int r;

	if (p->all.data == NULL || p->all.len <= p->watched)
		return 0;
	s = p->all.data + from;
	n = p->all.len - from;
	p->watched = p->all.len;
	if (!res->bl_seen) {
		for (size_t i = 0; i < ASY_ELEMENTSOF(bl_banners); i++) {
			at = ifind(s, n, bl_banners[i]);
			if (at < 0)
				continue;
			res->bl_seen = 1;
			line_around(&p->all, from + (size_t)at, &lp, &ln);
			evidence(res, "boot loader", lp, ln);
			break;
		}
	}
	if (p->keyed)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(countdowns); i++) {
		at = ifind(s, n, countdowns[i].text);
		if (at < 0)
			continue;
		res->bl_seen = 1;
		res->bl_countdown = 1;
		p->keyed = 1;
		line_around(&p->all, from + (size_t)at, &lp, &ln);
		evidence(res, "autoboot countdown", lp, ln);
		asy_serial_note(p->c->s, "autoboot countdown seen: sending a "
		    "key to stop it");
		r = asy_serial_puts(p->c->s, countdowns[i].key, 0, WRITE_MS);
		return r;
	}
	return 0;
}

/* Read until quiet_ms pass without a byte, watching every chunk. */
static int
listen(struct probe *p, unsigned long quiet_ms)
{
	for (;;) {
		unsigned long l = left(p->deadline);
		long n;
		int r;

		if (l == 0)
			return 0;
		n = con_read(p->c, &p->all, l < quiet_ms ? l : quiet_ms);
		if (n == ASY_E_TIMEOUT)
			return 0;
		if (n < 0)
			return (int)n;
		r = watch(p);
		if (r < 0)
			return r;
	}
}

/* At a boot-loader prompt: ask "version"; then "boot" unless told to
 * stay. */
static int
at_boot_prompt(struct probe *p)
{
	struct asy_console_result *res = p->res;
	size_t from, n, i;
	const char *s;
	int r;

	res->bl_seen = 1;
	s = last_line(&p->all, 0, &n);
	evidence(res, "boot-loader prompt", s, n);
	p->at_boot_done = 1;
	from = p->all.len;
	r = asy_serial_puts(p->c->s, "version\r", 0, WRITE_MS);
	if (r < 0)
		return r;
	r = await(p->c, &p->all, from, 1U << T_BOOT, NULL, asy_now_ms() +
	    (long long)(left(p->deadline) < STEP_MS ? left(p->deadline) :
	    STEP_MS));
	if (r == ASY_E_TIMEOUT)
		return 0;	/* it did not answer like a boot loader */
	if (r < 0)
		return r;
	/* The first line of the answer after the echo of "version". */
	s = p->all.data + from;
	n = p->all.len - from;
	for (i = 0; i < n && s[i] != '\n'; i++)
		;
	while (i < n && (s[i] == '\n' || s[i] == '\r'))
		i++;
	{
		size_t e = i;

		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		evidence(res, "boot loader answered 'version'", s + i, e - i);
	}
	res->bl_interrupted = p->keyed;
	if (p->stay) {
		res->kind = ASY_CONSOLE_BOOTLOADER;
		p->done = 1;
		return 0;
	}
	asy_serial_note(p->c->s, "leaving the boot loader: sending boot");
	r = asy_serial_puts(p->c->s, "boot\r", 0, WRITE_MS);
	if (r < 0)
		return r;
	res->bl_resumed = 1;
	return 0;
}

/* At a login (or password) prompt: an invented user and password. */
static int
at_login(struct probe *p, enum tail t)
{
	struct asy_console_result *res = p->res;
	char user[32], pass[40], said[128];
	size_t from, n;
	const char *s;
	int r, refused = 0;

	s = last_line(&p->all, 0, &n);
	evidence(res, t == T_LOGIN ? "login prompt" : "password prompt", s,
	    n);
	snprintf(user, sizeof(user), "asy-probe-%04x", nonce(0, 0xffff));
	snprintf(pass, sizeof(pass), "asy-%08x%08x", nonce(0, 0xfffffff0U),
	    nonce(0, 0xfffffff0U));
	res->kind = ASY_CONSOLE_LOGIN;
	if (t == T_LOGIN) {
		from = p->all.len;
		r = send_line(p->c, user, 0);
		if (r < 0)
			return r;
		r = await(p->c, &p->all, from, 1U << T_PASSWORD |
		    1U << T_LOGIN | 1U << T_SHELL, &refused,
		    asy_now_ms() + (long long)(left(p->deadline) < STEP_MS ?
		    left(p->deadline) : STEP_MS));
		if (r == -1 || r == T_LOGIN) {
			res->login_refused = 1;
			evidence(res, "an invented user name was refused", NULL,
			    0);
			return 0;
		}
		if (r == ASY_E_TIMEOUT) {
			reason(res, "The console shows a login prompt; it did "
			    "not answer an invented user name in time, so "
			    "whether it refuses strangers is not known.");
			return 0;
		}
		if (r < 0)
			return r;
		t = (enum tail)r;
	}
	if (t == T_PASSWORD) {
		from = p->all.len;
		r = send_line(p->c, pass, 0);
		if (r < 0)
			return r;
		/* A login waits a few seconds before it refuses. */
		r = await(p->c, &p->all, from, 1U << T_LOGIN |
		    1U << T_PASSWORD | 1U << T_SHELL, &refused, p->deadline);
		if (r == -1 || r == T_LOGIN || r == T_PASSWORD) {
			size_t at = 0;

			res->login_refused = 1;
			if (says_refused_at(&p->all, from, &at))
				line_around(&p->all, at, &s, &n);
			else
				s = last_line(&p->all, from, &n);
			evidence(res, "an invented user and password were "
			    "refused", s, n);
			return 0;
		}
		if (r == ASY_E_TIMEOUT) {
			reason(res, "The console shows a login prompt; it "
			    "neither refused nor accepted an invented user and "
			    "password in time.");
			return 0;
		}
		if (r < 0)
			return r;
	}
	/* A shell prompt after a made-up login: is it one? */
	r = prove_shell(p->c, left(p->deadline) < STEP_MS ?
	    left(p->deadline) : STEP_MS, said, sizeof(said));
	if (r < 0)
		return r;
	if (r == 1) {
		res->kind = ASY_CONSOLE_SHELL;
		evidence(res, "shell after an invented login", said,
		    strlen(said));
		reason(res, "The console's login accepted an invented user "
		    "and password and gave a shell (%s).", said);
	}
	return 0;
}

/* One decision when the device fell quiet. */
static int
probe_step(struct probe *p)
{
	struct asy_console_result *res = p->res;
	enum tail t = tail_of(&p->all, 0);
	char said[128];
	int r;

	if (t == T_BOOT && !p->at_boot_done)
		return at_boot_prompt(p);
	if (t == T_BOOT) {
		/* Back at the prompt after "boot": it stays there. */
		res->kind = ASY_CONSOLE_BOOTLOADER;
		res->bl_resumed = 0;
		p->done = 1;
		return 0;
	}
	if (t == T_LOGIN || t == T_PASSWORD) {
		r = at_login(p, t);
		p->done = 1;
		return r;
	}
	if ((t == T_SHELL || p->pokes >= 1) && !p->proof_tried &&
	    p->all.len > 0) {
		p->proof_tried = 1;
		r = prove_shell(p->c, left(p->deadline) < STEP_MS ?
		    left(p->deadline) : STEP_MS, said, sizeof(said));
		if (r < 0)
			return r;
		if (r == 1) {
			res->kind = ASY_CONSOLE_SHELL;
			evidence(res, "shell proven", said, strlen(said));
			p->done = 1;
		}
		return 0;
	}
	if (p->pokes == 0) {
		p->pokes = 1;
		p->poke_from = p->all.len;
		return asy_serial_puts(p->c->s, "\r", 0, WRITE_MS);
	}
	if (p->pokes == 1 && p->all.len == p->poke_from) {
		p->pokes = 2;
		p->poke_from = p->all.len;
		r = asy_serial_break(p->c->s, BREAK_MS);
		if (r < 0)
			return r;
		return asy_serial_puts(p->c->s, "\r", 0, WRITE_MS);
	}
	if (p->pokes == 2 && p->all.len == 0) {
		/* Nothing at all, even after CR and a break. */
		p->done = 1;
		return 0;
	}
	if (p->pokes == 1) {
		/* Something came after CR but no prompt: one more CR. */
		p->pokes = 2;
		p->poke_from = p->all.len;
		return asy_serial_puts(p->c->s, "\r", 0, WRITE_MS);
	}
	/* Text without a prompt: keep listening to the deadline. */
	return 0;
}

/* The share of bytes that are text, in percent. */
static unsigned
text_percent(const struct asy_buf *b)
{
	size_t text = 0;

	if (b->len == 0)
		return 100;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];

		if ((ch >= 0x20 && ch < 0x7f) || ch == '\r' || ch == '\n' ||
		    ch == '\t' || ch == '\b' || ch == 0x1b)
			text++;
	}
	return (unsigned)(text * 100 / b->len);
}

/* The final kind and reason when no prompt decided it. */
static void
conclude(struct probe *p, int err)
{
	struct asy_console_result *res = p->res;
	unsigned long secs = (res->elapsed_ms + 500) / 1000;
	unsigned pct = text_percent(&p->all);
	char bl[160] = "";

	if (res->bl_interrupted)
		snprintf(bl, sizeof(bl), "; its boot loader's autoboot was "
		    "stopped with a key and its prompt answered 'version'");
	else if (res->bl_countdown)
		snprintf(bl, sizeof(bl), "; a key sent during its autoboot "
		    "countdown did not stop it");
	if (err == ASY_E_CLOSED) {
		res->kind = ASY_CONSOLE_UNKNOWN;
		reason(res, "The serial port hung up after %zu bytes (the "
		    "device or its adapter went away, or the other end "
		    "closed), so nothing can be concluded about the "
		    "console.", res->bytes_read);
		return;
	}
	if (err == ASY_E_TOOBIG) {
		res->kind = pct < TEXT_PERCENT ? ASY_CONSOLE_NOISE :
		    ASY_CONSOLE_UNKNOWN;
		reason(res, "The console sent more than %zu bytes in %lu s "
		    "without a recognisable prompt (a flood); the probe "
		    "stopped reading.", p->all.max, secs);
		return;
	}
	if (err == ASY_E_TIMEOUT) {
		res->kind = ASY_CONSOLE_UNKNOWN;
		reason(res, "The serial port did not take our bytes within %d "
		    "s (flow control held them): check the lab config's flow "
		    "setting and the RTS/CTS wiring.", WRITE_MS / 1000);
		return;
	}
	if (err < 0) {
		res->kind = ASY_CONSOLE_UNKNOWN;
		reason(res, "The probe failed: %s.", asy_strerror(err));
		return;
	}
	switch (res->kind) {
	case ASY_CONSOLE_SHELL:
		if (res->reason[0] == '\0')
			reason(res, "The console gives a shell without any "
			    "login: it evaluated arithmetic sent to it%s.", bl);
		return;
	case ASY_CONSOLE_LOGIN:
		if (res->login_refused)
			reason(res, "The console asks for a login and refused "
			    "an invented user and password%s.", bl);
		else if (res->reason[0] == '\0')
			reason(res, "The console shows a login prompt; an "
			    "invented user and password were neither clearly "
			    "refused nor given a working shell%s.", bl);
		return;
	case ASY_CONSOLE_BOOTLOADER:
		reason(res, "The console is left at a boot-loader prompt "
		    "that answers commands%s.", res->bl_interrupted ?
		    " (its autoboot was stopped with a key)" : "");
		return;
	default:
		break;
	}
	if (p->all.len == 0) {
		res->kind = ASY_CONSOLE_SILENT;
		reason(res, "Nothing came from the console in %lu s, even "
		    "after CR and a break: check the wiring (TX and RX "
		    "swapped?), the port, and that the device has a "
		    "console.", secs);
	} else if (pct < TEXT_PERCENT) {
		res->kind = ASY_CONSOLE_NOISE;
		reason(res, "%zu bytes came but only %u%% of them are text: "
		    "a wrong baud rate or parity looks like this; check the "
		    "lab config's serial settings.", res->bytes_read, pct);
	} else {
		res->kind = ASY_CONSOLE_UNKNOWN;
		reason(res, "%zu bytes of text came in %lu s but no login "
		    "prompt, shell or boot-loader prompt was recognised%s.",
		    res->bytes_read, secs, bl);
	}
}

int
asy_console_probe(struct asy_console *c, const struct asy_console_opts *o,
    struct asy_console_result *res)
{
	struct asy_console_opts d = { 0 };
	struct probe p;
	long long t0 = asy_now_ms();
	int r = 0;

	if (o == NULL)
		o = &d;
	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.res = res;
	p.deadline = t0 + (long long)(o->timeout_ms > 0 ? o->timeout_ms :
	    DEFAULT_TIMEOUT_MS);
	p.quiet_ms = o->quiet_ms > 0 ? o->quiet_ms : DEFAULT_QUIET_MS;
	p.stay = o->stay_in_bootloader;
	asy_buf_init(&p.all, o->max_bytes > 0 ? o->max_bytes :
	    DEFAULT_MAX_BYTES);
	c->sink = &p.all;
	asy_serial_note(c->s, "probe: listening");
	while (!p.done && left(p.deadline) > 0) {
		r = listen(&p, p.quiet_ms);
		if (r == 0 && !p.done)
			r = probe_step(&p);
		if (r < 0)
			break;
	}
	c->sink = NULL;
	if (r == ASY_E_TOOBIG)
		res->flooded = 1;
	res->bytes_read = p.all.len;
	res->elapsed_ms = (unsigned long)(asy_now_ms() - t0);
	conclude(&p, r);
	if (p.all.len > 0 && asy_console_scan_secrets(p.all.data, p.all.len,
	    res) < 0 && r == 0)
		r = ASY_E_NOMEM;
	asy_serial_note(c->s, "probe: %s, %zu bytes, %lu ms",
	    asy_console_kind_name(res->kind), res->bytes_read,
	    res->elapsed_ms);
	asy_buf_release(&p.all);
	return r < 0 ? r : 0;
}
