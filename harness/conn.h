/*
 * Connections to a DUT: TCP, optionally inside TLS, with a deadline on
 * every step and a cap on everything read.  The protocol clients (telnet,
 * MQTT, raw HTTP) are built on this; it is the only place besides tlsc.c
 * that drives OpenSSL's SSL layer.
 *
 * TLS here is for reaching a service, not for judging it: the peer's
 * certificate is not verified (the harness inspects, it does not trust);
 * tlsc.h is what judges a TLS service.
 */
#ifndef ASSAY_CONN_H
#define ASSAY_CONN_H

#include <stddef.h>

#include "buf.h"

struct asy_conn;

/*
 * Connect to addr (an IPv4 or IPv6 literal, never a name) port port, and
 * when tls is nonzero run a TLS handshake (TLS 1.2 or later, no
 * verification, SNI not sent).  timeout_ms bounds connect and handshake
 * together.  0 and *out set, or ASY_E_REFUSED (RST), ASY_E_TIMEOUT,
 * ASY_E_PROTO (TLS handshake failed), ASY_E_IO, ASY_E_INPUT (bad address),
 * ASY_E_NOMEM; why (may be NULL) then says what happened in a phrase:
 * "connection refused", "no answer within 5000 ms", "TLS handshake
 * failed: alert handshake failure".
 */
int	asy_conn_open(const char *addr, unsigned port, int tls,
	    unsigned long timeout_ms, struct asy_conn **out, char *why,
	    size_t why_len);

/* Send all n bytes within timeout_ms: 0, ASY_E_TIMEOUT, ASY_E_CLOSED,
 * ASY_E_IO. */
int	asy_conn_write(struct asy_conn *c, const void *p, size_t n,
	    unsigned long timeout_ms);

/* Read what is there, up to n bytes, waiting at most timeout_ms for the
 * first byte: the count (>0), ASY_E_CLOSED at end of stream,
 * ASY_E_TIMEOUT, ASY_E_IO. */
long	asy_conn_read(struct asy_conn *c, void *p, size_t n,
	    unsigned long timeout_ms);

/*
 * Read into b (appending; b's cap bounds it) until the data appended
 * contains one of the needles (ASCII, case-insensitive), for at most
 * timeout_ms in all.  The index of the needle found first, or
 * ASY_E_TIMEOUT, ASY_E_CLOSED (what came is in b), ASY_E_TOOBIG (b full),
 * ASY_E_IO.  Bytes are stored as they came (NULs included, b->len counts
 * them).
 */
int	asy_conn_expect(struct asy_conn *c, struct asy_buf *b,
	    const char *const *needles, size_t n_needles,
	    unsigned long timeout_ms);

/* The socket, for poll() (TLS: data may also be buffered in OpenSSL). */
int	asy_conn_fd(const struct asy_conn *c);

/* Does OpenSSL hold data already read from the socket (so that poll() on
 * asy_conn_fd() may not show it)?  1 or 0; always 0 for plain TCP. */
int	asy_conn_pending(const struct asy_conn *c);

/* Close (TLS: close_notify, best effort) and free; NULL is fine. */
void	asy_conn_close(struct asy_conn *c);

/*
 * For tlsc.c, which drives its own handshakes on a plain connection: a new
 * OpenSSL socket BIO (a BIO *) on fd that reads with recv() and writes
 * with send(MSG_NOSIGNAL), so that a peer that has gone never raises
 * SIGPIPE, and that never closes fd.  Give it to SSL_set_bio(); NULL when
 * memory ran out.
 */
struct bio_st	*asy_conn_bio_new(int fd);

#endif
