/*
 * The FTP login client (see ftpc.h).
 *
 * A reply is one line "ddd text", or "ddd-text" followed by any lines up
 * to one that starts "ddd " with the same code (RFC 959 4.2).  Bytes wait
 * in a buffer of twice the longest line: a line without its LF past the
 * cap, a reply of more than ASY_FTP_MAX_LINES lines, or a first line
 * without a reply code ends the session as not FTP.  A NUL in a line is
 * kept as '?'.  Every wait is bounded by the caller's timeout.
 */
#include "ftpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define MAX_CRED	1024	/* bytes of a user name or password sent */
#define MAX_TEXT	200	/* of a reply kept for asy_ftp_text() */
#define MAX_120		3	/* "ready in n minutes" greetings waited */
#define QUIT_MS		200

struct asy_ftp {
	struct asy_conn	*c;
	struct asy_buf	*tr;
	int		 closed;
	int		 code;
	char		 text[MAX_TEXT + 1];
	char		 rx[2 * ASY_FTP_MAX_LINE + 4];
	size_t		 rx_len;
	char		 line[ASY_FTP_MAX_LINE + 1];
};

/* Bytes from the server as printable ASCII, others '?'. */
static void
printable(char *dst, size_t dst_len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dst_len && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
}

/* A transcript line: prefix, then s escaped (the transcript's cap may cut
 * it; that is not an error). */
static void
tlog(struct asy_ftp *f, const char *prefix, const char *s)
{
	if (f->tr == NULL)
		return;
	(void)asy_buf_puts(f->tr, prefix);
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		(void)asy_buf_putc(f->tr, c < 0x20 || c >= 0x7f ? '?' :
		    (char)c);
	}
	(void)asy_buf_putc(f->tr, '\n');
}

static unsigned long
left_ms(long long deadline)
{
	long long l = deadline - asy_now_ms();

	return l > 0 ? (unsigned long)l : 0;
}

/* The next line into f->line, without its line end: 0 or <0. */
static int
read_line(struct asy_ftp *f, long long deadline)
{
	for (;;) {
		char *nl = memchr(f->rx, '\n', f->rx_len);
		unsigned long wait;
		long n;

		if (nl != NULL) {
			size_t take = (size_t)(nl - f->rx) + 1;
			size_t len = take - 1;

			if (len > 0 && f->rx[len - 1] == '\r')
				len--;
			if (len > ASY_FTP_MAX_LINE)
				return ASY_E_PROTO;
			for (size_t i = 0; i < len; i++)
				f->line[i] = f->rx[i] == '\0' ? '?' :
				    f->rx[i];
			f->line[len] = '\0';
			memmove(f->rx, f->rx + take, f->rx_len - take);
			f->rx_len -= take;
			return 0;
		}
		if (f->rx_len > ASY_FTP_MAX_LINE + 1)
			return ASY_E_PROTO;
		if (f->closed)
			return ASY_E_CLOSED;
		wait = left_ms(deadline);
		if (wait == 0)
			return ASY_E_TIMEOUT;
		n = asy_conn_read(f->c, f->rx + f->rx_len,
		    sizeof(f->rx) - f->rx_len, wait);
		if (n == ASY_E_CLOSED)
			f->closed = 1;
		if (n < 0)
			return (int)n;
		f->rx_len += (size_t)n;
	}
}

/* "ddd " or "ddd-" (or "ddd" alone): the code, else -1; *more for '-'. */
static int
reply_code(const char *l, int *more)
{
	if (l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
	    l[2] < '0' || l[2] > '9')
		return -1;
	if (l[3] != ' ' && l[3] != '-' && l[3] != '\0')
		return -1;
	*more = l[3] == '-';
	return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

/* One whole reply: its code (>0) or <0. */
static int
read_reply(struct asy_ftp *f, long long deadline)
{
	int code, more, r, dummy;
	size_t lines = 1;

	r = read_line(f, deadline);
	if (r < 0)
		return r;
	tlog(f, "< ", f->line);
	code = reply_code(f->line, &more);
	if (code < 0)
		return ASY_E_PROTO;
	printable(f->text, sizeof(f->text), f->line[3] != '\0' ?
	    f->line + 4 : "");
	while (more) {
		r = read_line(f, deadline);
		if (r < 0)
			return r;
		tlog(f, "< ", f->line);
		if (++lines > ASY_FTP_MAX_LINES)
			return ASY_E_PROTO;
		if (reply_code(f->line, &dummy) == code && !dummy)
			more = 0;
	}
	f->code = code;
	return code;
}

/* "VERB arg\r\n", then its reply: the code (>0) or <0. */
static int
command(struct asy_ftp *f, const char *verb, const char *arg,
    long long deadline)
{
	struct asy_buf b;
	int r;

	if (f->closed)
		return ASY_E_CLOSED;
	asy_buf_init(&b, MAX_CRED + 16);
	r = asy_buf_printf(&b, "%s %s\r\n", verb, arg);
	if (r < 0)
		goto out;
	tlog(f, "> ", strcmp(verb, "PASS") == 0 ? "PASS ****" : b.data);
	r = asy_conn_write(f->c, b.data, b.len, left_ms(deadline) + 1);
	if (r == ASY_E_CLOSED)
		f->closed = 1;
	if (r < 0)
		goto out;
	r = read_reply(f, deadline);
out:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	return r;
}

int
asy_ftp_open(const char *addr, unsigned port, unsigned long timeout_ms,
    struct asy_buf *transcript, struct asy_ftp **out, char *why,
    size_t why_len)
{
	struct asy_ftp *f = NULL;
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	int r;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return ASY_E_NOMEM;
	f->tr = transcript;
	r = asy_conn_open(addr, port, 0, timeout_ms, &f->c, why, why_len);
	if (r < 0)
		goto out;
	for (int i = 0; i <= MAX_120; i++) {
		r = read_reply(f, deadline);
		if (r != 120)
			break;
	}
	if (r == 220) {
		*out = f;
		f = NULL;
		r = 0;
	} else if (r >= 400) {
		asy_why(why, why_len, "the server turned the client away: "
		    "%d %s", r, f->text);
		r = ASY_E_REFUSED;
	} else if (r > 0) {
		asy_why(why, why_len, "not an FTP greeting: %d %s", r,
		    f->text);
		r = ASY_E_PROTO;
	} else if (r == ASY_E_PROTO) {
		asy_why(why, why_len, "not FTP: a line without a reply code, "
		    "over %d bytes, or a reply over %d lines", ASY_FTP_MAX_LINE,
		    ASY_FTP_MAX_LINES);
	} else {
		asy_why(why, why_len, "no greeting: %s", asy_strerror(r));
	}
out:
	asy_ftp_close(f);
	return r;
}

/* What a reply to USER or PASS means (see asy_ftp_login()). */
static int
judge(struct asy_ftp *f, int code, int to_pass)
{
	if (code < 0)
		return code;
	if (code == 230 || code == 202 || (to_pass && code == 332))
		return 1;
	if (code == 421) {
		f->closed = 1;
		return ASY_E_CLOSED;
	}
	if (code >= 400 && code < 600 && code != 332)
		return 0;
	return ASY_E_PROTO;
}

static int
cred_ok(const char *s)
{
	return s != NULL && strlen(s) <= MAX_CRED && strpbrk(s, "\r\n") ==
	    NULL;
}

int
asy_ftp_login(struct asy_ftp *f, const char *user, const char *pass,
    unsigned long timeout_ms)
{
	int code;

	if (!cred_ok(user) || !cred_ok(pass))
		return ASY_E_INPUT;
	code = command(f, "USER", user, asy_now_ms() + (long long)timeout_ms);
	if (code != 331)
		return judge(f, code, 0);
	/* A failed password is often answered only after a delay. */
	code = command(f, "PASS", pass, asy_now_ms() + (long long)timeout_ms);
	return judge(f, code, 1);
}

int
asy_ftp_code(const struct asy_ftp *f)
{
	return f->code;
}

const char *
asy_ftp_text(const struct asy_ftp *f)
{
	return f->text;
}

void
asy_ftp_close(struct asy_ftp *f)
{
	if (f == NULL)
		return;
	if (f->c != NULL && !f->closed)
		(void)asy_conn_write(f->c, "QUIT\r\n", 6, QUIT_MS);
	asy_conn_close(f->c);
	free(f);
}
