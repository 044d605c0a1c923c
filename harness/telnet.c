/*
 * The telnet adapter: a client that refuses every option (DO x is answered
 * WONT x, WILL x DONT x), so that what remains is NVT text, and that
 * recognises login, password and shell prompts in it.
 *
 * Option negotiation is parsed byte by byte across reads; a subnegotiation
 * is skipped up to MAX_SB bytes (past that its bytes count as text again),
 * and each option is answered at most MAX_ANSWERS times, so that a server
 * flooding requests cannot make us send without end.  Prompts are looked
 * for on the last line of a sliding window of recent text; everything the
 * server sent goes to the caller's transcript up to its cap.
 */
#include "telnet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* How long the output must be quiet before a shell prompt counts. */
#define QUIET_MS	300
/* ... and before text without any prompt counts as a logged-in session. */
#define QUIET_TEXT_MS	1500
/* After a refusal, how long to wait at most for the next prompt. */
#define REPROMPT_MS	1000
/* Visible characters that make "substantial output" after a login. */
#define SUBSTANTIAL	32
/* A banner longer than this without a prompt is not a login service. */
#define MAX_BANNER	((size_t)64 << 10)
/* The window of recent text that prompts are looked for in. */
#define WINDOW		((size_t)16 << 10)
#define MAX_SB		1024
#define MAX_ANSWERS	4
/* Longest user name or password sent. */
#define MAX_CRED	1024
#define CHUNK		4096
#define WRITE_MS	5000
/* No deadline further away than a day: keeps the arithmetic in range. */
#define MAX_WAIT_MS	(24ULL * 3600 * 1000)

enum {
	IAC	= 255,
	DONT	= 254,
	DO	= 253,
	WONT	= 252,
	WILL	= 251,
	SB	= 250,
	SE	= 240,
};

enum parse_state {
	S_DATA,
	S_IAC,
	S_OPT,
	S_SB,
	S_SB_IAC,
};

/* Where the conversation stands. */
enum at {
	AT_NOTHING,
	AT_LOGIN,
	AT_SHELL,
	AT_PASSWORD,
};

struct asy_telnet {
	struct asy_conn	*c;
	struct asy_buf	*transcript;	/* the caller's, or NULL */
	struct asy_buf	 text;		/* recent text, no NULs */
	size_t		 total;		/* text since a reset */
	unsigned long long last_rx;	/* when text last came */
	enum parse_state state;
	unsigned char	 cmd;
	size_t		 sb_len;
	int		 last_cr;
	unsigned char	 answered[2][256];
	enum at		 at;
	int		 closed;
};

/* Words that say a login was refused, and phrases that contain one but
 * do not (pam_lastlog and friends after a successful login). */
static const char *const refusals[] = {
	"incorrect", "failed", "denied", "invalid",
};
static const char *const not_refusals[] = {
	"last failed login", "failed login attempt", "failed attempts",
	"failed password attempt",
};

static const char *const login_prompts[] = {
	"login:", "username:", "user name:",
};
static const char *const shell_prompts[] = {
	"$ ", "# ", "> ",
};

static unsigned long long
deadline_in(unsigned long long ms)
{
	return asy_now_ms() + (ms < MAX_WAIT_MS ? ms : MAX_WAIT_MS);
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* ---- receiving ----------------------------------------------------------- */

/* Append what fits of p to b (a full transcript just stops growing). */
static void
add_capped(struct asy_buf *b, const void *p, size_t n)
{
	size_t room;

	if (b == NULL || b->len >= b->max)
		return;
	room = b->max - b->len;
	asy_buf_add(b, p, n < room ? n : room);
}

static void
forget_text(struct asy_telnet *t)
{
	asy_buf_reset(&t->text);
	t->total = 0;
}

/* One byte of text: to the transcript, and (NULs left out) the window,
 * which keeps its newer half when full. */
static void
text_byte(struct asy_telnet *t, unsigned char c)
{
	char ch = (char)c;

	/* CR NUL is how NVT sends a bare CR: the NUL is not text. */
	if (t->last_cr && c == 0) {
		t->last_cr = 0;
		return;
	}
	t->last_cr = c == '\r';
	add_capped(t->transcript, &ch, 1);
	if (c == 0)
		return;
	if (t->text.len + 1 > t->text.max) {
		size_t keep = t->text.max / 2;

		memmove(t->text.data, t->text.data + t->text.len - keep, keep);
		t->text.len = keep;
		t->text.data[keep] = '\0';
	}
	asy_buf_putc(&t->text, ch);
	t->total++;
}

/* Refuse what the server asks for (once per option, a few times at
 * most); the answer is queued in out. */
static void
answer(struct asy_telnet *t, unsigned char cmd, unsigned char opt,
    struct asy_buf *out)
{
	unsigned char reply[3] = { IAC, 0, opt };
	int i;

	if (cmd == DO) {
		reply[1] = WONT;
		i = 0;
	} else if (cmd == WILL) {
		reply[1] = DONT;
		i = 1;
	} else
		return;	/* WONT and DONT: off is what we want */
	if (t->answered[i][opt] >= MAX_ANSWERS)
		return;
	t->answered[i][opt]++;
	asy_buf_add(out, reply, sizeof(reply));
}

/* Take n received bytes apart: text and commands. */
static void
parse(struct asy_telnet *t, const unsigned char *p, size_t n,
    struct asy_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (t->state) {
		case S_DATA:
			if (c == IAC)
				t->state = S_IAC;
			else
				text_byte(t, c);
			break;
		case S_IAC:
			t->state = S_DATA;
			if (c == IAC)
				text_byte(t, c);
			else if (c >= WILL && c <= DONT) {
				t->cmd = c;
				t->state = S_OPT;
			} else if (c == SB) {
				t->sb_len = 0;
				t->state = S_SB;
			}
			/* Anything else is a two-byte command: ignored. */
			break;
		case S_OPT:
			answer(t, t->cmd, c, out);
			t->state = S_DATA;
			break;
		case S_SB:
			if (c == IAC)
				t->state = S_SB_IAC;
			else if (++t->sb_len > MAX_SB)
				t->state = S_DATA;
			break;
		case S_SB_IAC:
			if (c == SE)
				t->state = S_DATA;
			else if (++t->sb_len > MAX_SB)
				t->state = S_DATA;
			else
				t->state = S_SB;
			break;
		}
	}
}

/*
 * Read once, waiting at most wait_ms: the number of text bytes that came
 * (0 if only commands did), or ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_IO.
 */
static long
pump(struct asy_telnet *t, unsigned long wait_ms)
{
	unsigned char chunk[CHUNK];
	struct asy_buf out;
	size_t before = t->total;
	long n;
	int r;

	if (t->closed)
		return ASY_E_CLOSED;
	n = asy_conn_read(t->c, chunk, sizeof(chunk), wait_ms);
	if (n == ASY_E_CLOSED)
		t->closed = 1;
	if (n < 0)
		return n;
	/* At most a reply per 3 bytes of a chunk. */
	asy_buf_init(&out, CHUNK);
	parse(t, chunk, (size_t)n, &out);
	if (out.len > 0) {
		r = asy_conn_write(t->c, out.data, out.len, WRITE_MS);
		if (r == ASY_E_CLOSED)
			t->closed = 1;
		if (r < 0 && r != ASY_E_CLOSED) {
			asy_buf_release(&out);
			return r == ASY_E_TIMEOUT ? ASY_E_IO : r;
		}
	}
	asy_buf_release(&out);
	if (t->total > before)
		t->last_rx = asy_now_ms();
	return (long)(t->total - before);
}

/* ---- judging the text ---------------------------------------------------- */

/* Does s[0..n) end with suffix, ignoring ASCII case? */
static int
ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	if (k > n)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (lower(s[n - k + i]) != lower(suffix[i]))
			return 0;
	return 1;
}

/* The prompt the window ends with: AT_LOGIN, AT_PASSWORD, AT_SHELL (only
 * a candidate: it counts once the output is quiet) or AT_NOTHING. */
static enum at
classify(const struct asy_telnet *t)
{
	const char *s = t->text.data, *line;
	size_t n = t->text.len, ln, trimmed;

	if (s == NULL || n == 0)
		return AT_NOTHING;
	line = s + n;
	while (line > s && line[-1] != '\n' && line[-1] != '\r')
		line--;
	ln = (size_t)(s + n - line);
	trimmed = ln;
	while (trimmed > 0 && (line[trimmed - 1] == ' ' ||
	    line[trimmed - 1] == '\t'))
		trimmed--;
	for (size_t i = 0; i < ASY_ELEMENTSOF(login_prompts); i++)
		if (ends_with_ci(line, trimmed, login_prompts[i]))
			return AT_LOGIN;
	if (ends_with_ci(line, trimmed, "password:"))
		return AT_PASSWORD;
	for (size_t i = 0; i < ASY_ELEMENTSOF(shell_prompts); i++)
		if (ends_with_ci(line, ln, shell_prompts[i]))
			return AT_SHELL;
	return AT_NOTHING;
}

/* Where the text starts once an echo of what we sent is skipped. */
static size_t
skip_echo(const struct asy_telnet *t, const char *sent)
{
	const char *s = t->text.data;
	size_t i = 0, k = sent != NULL ? strlen(sent) : 0;

	if (s == NULL)
		return 0;
	while (i < t->text.len && (s[i] == '\r' || s[i] == '\n' ||
	    s[i] == ' '))
		i++;
	if (k > 0 && t->text.len - i >= k && memcmp(s + i, sent, k) == 0)
		return i + k;
	return 0;
}

/* Does the text after the echo of sent say the login was refused? */
static int
says_refused(const struct asy_telnet *t, const char *sent)
{
	size_t from = skip_echo(t, sent), n;
	char *low;
	int found = 0;

	if (t->text.data == NULL || t->text.len <= from)
		return 0;
	n = t->text.len - from;
	low = malloc(n + 1);
	if (low == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = lower(t->text.data[from + i]);
	low[n] = '\0';
	/* Blank out the phrases that only look like a refusal. */
	for (size_t i = 0; i < ASY_ELEMENTSOF(not_refusals); i++) {
		char *p = strstr(low, not_refusals[i]);

		while (p != NULL) {
			memset(p, ' ', strlen(not_refusals[i]));
			p = strstr(p, not_refusals[i]);
		}
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(refusals) && !found; i++)
		found = strstr(low, refusals[i]) != NULL;
	free(low);
	return found;
}

/* Visible characters in the text after the echo of sent. */
static size_t
visible(const struct asy_telnet *t, const char *sent)
{
	size_t n = 0;

	for (size_t i = skip_echo(t, sent); i < t->text.len; i++) {
		unsigned char c = (unsigned char)t->text.data[i];

		if (c > 0x20 && c != 0x7f)
			n++;
	}
	return n;
}

/* ---- opening ------------------------------------------------------------ */

static int
send_line(struct asy_telnet *t, const char *s)
{
	struct asy_buf line;
	int r;

	/* A 0xff in a name or password must go out doubled. */
	asy_buf_init(&line, 2 * MAX_CRED + 2);
	r = 0;
	for (const char *p = s; *p != '\0' && r == 0; p++) {
		if ((unsigned char)*p == IAC)
			r = asy_buf_putc(&line, (char)IAC);
		if (r == 0)
			r = asy_buf_putc(&line, *p);
	}
	if (r == 0)
		r = asy_buf_add(&line, "\r\n", 2);
	if (r == 0)
		r = asy_conn_write(t->c, line.data, line.len, WRITE_MS);
	asy_buf_release(&line);
	if (r == ASY_E_CLOSED)
		t->closed = 1;
	if (r == ASY_E_TIMEOUT)
		r = ASY_E_IO;
	return r;
}

void
asy_telnet_close(struct asy_telnet *t)
{
	if (t == NULL)
		return;
	asy_conn_close(t->c);
	asy_buf_release(&t->text);
	free(t);
}

/* How long to wait next: until the deadline, or until a shell prompt
 * candidate has been quiet for quiet_ms. */
static unsigned long
next_wait(const struct asy_telnet *t, unsigned long long deadline,
    unsigned long quiet_ms, int candidate)
{
	unsigned long long now = asy_now_ms(), until = deadline;

	if (candidate && t->last_rx + quiet_ms < until)
		until = t->last_rx + quiet_ms;
	return until > now ? (unsigned long)(until - now) : 0;
}

int
asy_telnet_open(const char *addr, unsigned port, unsigned long timeout_ms,
    struct asy_buf *transcript, struct asy_telnet **out, char *why,
    size_t why_len)
{
	unsigned long long deadline = deadline_in(timeout_ms);
	struct asy_telnet *t = NULL;
	enum at at = AT_NOTHING;
	int r;

	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		asy_why(why, why_len, "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	asy_buf_init(&t->text, WINDOW);
	t->transcript = transcript;
	r = asy_conn_open(addr, port, 0, timeout_ms, &t->c, why, why_len);
	if (r < 0)
		goto out;
	t->last_rx = asy_now_ms();
	for (;;) {
		unsigned long long now;
		long n;

		n = pump(t, next_wait(t, deadline, QUIET_MS,
		    at == AT_SHELL));
		now = asy_now_ms();
		if (n == ASY_E_TIMEOUT) {
			if (at == AT_SHELL && now >= t->last_rx + QUIET_MS) {
				asy_why(why, why_len, "a shell prompt without "
				    "login");
				r = 2;
				goto out;
			}
			if (now < deadline)
				continue;
			if (t->total > 0) {
				asy_why(why, why_len, "no login prompt in %zu "
				    "bytes within %lu ms", t->total,
				    timeout_ms);
				r = 0;
			} else {
				asy_why(why, why_len, "nothing within %lu ms",
				    timeout_ms);
				r = ASY_E_TIMEOUT;
			}
			goto out;
		}
		if (n < 0) {
			asy_why(why, why_len, n == ASY_E_CLOSED ? "the server "
			    "closed the connection after %zu bytes" :
			    "read failed after %zu bytes", t->total);
			r = (int)n;
			goto out;
		}
		at = classify(t);
		if (at == AT_LOGIN || at == AT_PASSWORD) {
			asy_why(why, why_len, at == AT_LOGIN ? "a login prompt" :
			    "a password prompt");
			r = at == AT_LOGIN ? 1 : 3;
			goto out;
		}
		if (t->total > MAX_BANNER) {
			asy_why(why, why_len, "no prompt in the first %zu bytes",
			    MAX_BANNER);
			r = 0;
			goto out;
		}
	}
out:
	if (r >= 1 && r <= 3) {
		t->at = r == 1 ? AT_LOGIN : r == 2 ? AT_SHELL : AT_PASSWORD;
		*out = t;
		t = NULL;
	}
	asy_telnet_close(t);
	return r;
}

/* ---- logging in --------------------------------------------------------- */

/* After a refusal: wait a little for the next prompt so that the next
 * attempt starts at it. */
static void
await_prompt(struct asy_telnet *t, unsigned long long deadline)
{
	unsigned long long until = asy_now_ms() + REPROMPT_MS;

	if (until > deadline)
		until = deadline;
	t->at = AT_NOTHING;
	for (;;) {
		unsigned long long now = asy_now_ms();
		enum at at;
		long n;

		/* The prompt may have come with the refusal. */
		at = classify(t);
		if (at == AT_LOGIN || at == AT_PASSWORD) {
			t->at = at;
			return;
		}
		if (now >= until)
			return;
		n = pump(t, (unsigned long)(until - now));
		if (n < 0)
			return;
	}
}

int
asy_telnet_login(struct asy_telnet *t, const char *user, const char *pass,
    unsigned long timeout_ms)
{
	unsigned long long deadline = deadline_in(timeout_ms);
	const char *sent;
	int phase_pass, r;
	enum at at = AT_NOTHING;

	if (t == NULL || user == NULL || pass == NULL ||
	    strlen(user) > MAX_CRED || strlen(pass) > MAX_CRED)
		return ASY_E_INPUT;
	if (t->at == AT_SHELL)
		return 1;
	if (t->closed)
		return ASY_E_CLOSED;
	forget_text(t);
	phase_pass = t->at == AT_PASSWORD;
	sent = phase_pass ? pass : user;
	r = send_line(t, sent);
	if (r < 0)
		return r;
	t->at = AT_NOTHING;
	t->last_rx = asy_now_ms();
	for (;;) {
		unsigned long quiet = at == AT_SHELL ? QUIET_MS :
		    QUIET_TEXT_MS;
		int candidate = at == AT_SHELL ||
		    (phase_pass && visible(t, sent) >= SUBSTANTIAL);
		unsigned long long now;
		long n;

		n = pump(t, next_wait(t, deadline, quiet, candidate));
		now = asy_now_ms();
		if (n == ASY_E_TIMEOUT) {
			if ((candidate && now >= t->last_rx + quiet) ||
			    (candidate && now >= deadline)) {
				t->at = AT_SHELL;
				return 1;
			}
			if (now >= deadline)
				return ASY_E_TIMEOUT;
			continue;
		}
		if (n < 0) {
			if (n == ASY_E_CLOSED && says_refused(t, sent))
				return 0;
			return (int)n;
		}
		if (says_refused(t, sent)) {
			asy_debug("refused: the server says so");
			await_prompt(t, deadline);
			return 0;
		}
		at = classify(t);
		if (at == AT_LOGIN || (at == AT_PASSWORD && phase_pass)) {
			/* Asked again: refused. */
			t->at = at;
			return 0;
		}
		if (at == AT_PASSWORD) {
			forget_text(t);
			phase_pass = 1;
			sent = pass;
			r = send_line(t, pass);
			if (r < 0)
				return r;
			t->last_rx = asy_now_ms();
			at = AT_NOTHING;
		}
	}
}
