/*
 * A small telnet client for logging in (built on conn.h): every option the
 * server asks for is refused, so the stream is plain text; what the server
 * sends is kept, capped, for the transcript.
 */
#ifndef ASSAY_TELNET_H
#define ASSAY_TELNET_H

#include <stddef.h>

#include "buf.h"

struct asy_telnet;

/*
 * Connect and read until a login prompt ("login:", "username:", "user
 * name:"), a password prompt, or a shell prompt without any login (a line
 * ending in "$ ", "# " or "> " after the output stops for a moment).
 * Every byte received (option negotiation removed) is appended to
 * transcript (capped by its max; may be NULL).  Returns 1 login prompt,
 * 2 shell without login, 3 password prompt only, 0 something else (the
 * service is not a login), or ASY_E_TIMEOUT, ASY_E_REFUSED, ASY_E_CLOSED,
 * ASY_E_IO; why says.  *out is set for 1, 2 and 3 only (close it with
 * asy_telnet_close()); otherwise the connection is already closed.
 */
int	asy_telnet_open(const char *addr, unsigned port,
	    unsigned long timeout_ms, struct asy_buf *transcript,
	    struct asy_telnet **out, char *why, size_t why_len);

/*
 * Log in as user with pass at the prompt asy_telnet_open() (or a previous
 * refused attempt) left: 1 accepted (a shell prompt or the text that
 * follows a login, and no "incorrect"/"failed"/"denied"), 0 refused (the
 * server says so, or asks for the login again), ASY_E_CLOSED (the server
 * hung up: refused, open a new connection), ASY_E_TIMEOUT (neither within
 * timeout_ms: the caller must not count it as refused).
 */
int	asy_telnet_login(struct asy_telnet *t, const char *user,
	    const char *pass, unsigned long timeout_ms);

void	asy_telnet_close(struct asy_telnet *t);

#endif
