/*
 * A small FTP client for logging in (built on conn.h): the greeting, then
 * USER and PASS, for the default-credential guessing (5.1-1-2 c, 5.1-5-2
 * b).  No data connection is ever opened.  Replies are read with caps on
 * a line and on the lines of a reply; what the server says is kept for
 * the transcript with every byte outside printable ASCII as '?'.
 */
#ifndef ASSAY_FTPC_H
#define ASSAY_FTPC_H

#include <stddef.h>

#include "buf.h"

/* A reply line longer than this, or a reply of more lines, is not FTP. */
#define ASY_FTP_MAX_LINE	2048
#define ASY_FTP_MAX_LINES	64

struct asy_ftp;

/*
 * Connect to addr (an IP literal) port and read the greeting.  0 and *out
 * set for a 220 greeting (a 120 "ready soon" first is waited through);
 * ASY_E_REFUSED for a refused connection or a greeting that turns the
 * client away (421 and other 4xx/5xx: too many clients, or this one
 * barred); ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_PROTO (not FTP: no reply
 * code, a line or a reply over the caps), ASY_E_IO, ASY_E_INPUT (a bad
 * address).  why says which, quoting the server escaped.  Every reply
 * line and command (passwords as "****") is appended to transcript when
 * it is not NULL, as far as its cap allows.
 */
int	asy_ftp_open(const char *addr, unsigned port, unsigned long timeout_ms,
	    struct asy_buf *transcript, struct asy_ftp **out, char *why,
	    size_t why_len);

/*
 * USER user, then PASS pass when the server asks for it (331), each reply
 * within timeout_ms.  1 accepted: 230 or 202 to USER (no password asked)
 * or to PASS, or 332 to PASS (RFC 959: the password was right and an
 * account is asked for); after it the session is logged in and the caller
 * opens a new one for another attempt.  0 refused: any other 4xx or 5xx
 * (530 mostly) to USER or PASS; the connection stays usable when the
 * server keeps it.  ASY_E_CLOSED: the server hung up or answered 421
 * (open a new connection and try again); ASY_E_TIMEOUT; ASY_E_PROTO: a
 * reply that is not FTP, or 332 to USER (an account before a password,
 * which assay does not guess); ASY_E_INPUT: CR, LF or NUL in user or pass,
 * or either over 1024 bytes.
 */
int	asy_ftp_login(struct asy_ftp *f, const char *user, const char *pass,
	    unsigned long timeout_ms);

/* The code of the last reply, and its first line's text (escaped, at most
 * 200 bytes, "" before any). */
int	asy_ftp_code(const struct asy_ftp *f);
const char *asy_ftp_text(const struct asy_ftp *f);

/* Send QUIT (best effort, not waited for), close and free; NULL is fine. */
void	asy_ftp_close(struct asy_ftp *f);

#endif
