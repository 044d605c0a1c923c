/*
 * Small socket helpers for talking to a DUT directly (no third-party
 * library): is it alive?
 */
#ifndef ASSAY_NET_H
#define ASSAY_NET_H

#include <stddef.h>

/*
 * Is the host at addr (IPv4 or IPv6 literal) up?  Tries a TCP connection
 * to each port in turn (at most 8, each with timeout_ms); an accepted
 * connection or a refusal (RST) both prove the host answers.  1 alive,
 * 0 not (why says what happened to the last attempt), negative on a bad
 * address (ASY_E_INPUT).
 */
int	asy_net_alive(const char *addr, const unsigned *ports, size_t n,
	    unsigned long timeout_ms, char *why, size_t why_len);

/*
 * A UDP socket connected to addr (an IPv4 or IPv6 literal) and port, non-
 * blocking: the kernel drops datagrams from anyone else and reports ICMP
 * port unreachable as ECONNREFUSED.  0 with *out, ASY_E_INPUT (not an
 * address, bad port) or ASY_E_IO, with why.
 */
int	asy_udp_connect(const char *addr, unsigned port, int *out, char *why,
	    size_t why_len);

#endif
