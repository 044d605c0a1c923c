/*
 * The TLS adapter for judging a TLS service: single handshakes with chosen
 * versions and cipher suites (OpenSSL), and a survey that tries, one
 * handshake each, every protocol version and every class of weak suite a
 * downgrade would use.  Only this file and conn.c use OpenSSL's SSL layer.
 */
#ifndef ASSAY_TLSC_H
#define ASSAY_TLSC_H

#include <stddef.h>

/* What one handshake gave.  Strings are as the device sent them (the
 * certificate's subject): escape before printing. */
struct asy_tls_hello {
	char	version[16];		/* "TLSv1.2" */
	char	cipher[64];		/* OpenSSL's name of the suite */
	char	group[32];		/* key exchange group ("X25519"), or "" */
	char	cert_key[32];		/* "RSA", "EC P-256", "Ed25519", "" */
	int	cert_bits;		/* key size, 0 when unknown */
	char	cert_sig[48];		/* "ecdsa-with-SHA256", ... */
	char	cert_subject[256];	/* one line, truncated */
	char	why[200];		/* why the handshake did not complete */
};

struct asy_tls_probe {
	const char	*addr;		/* IPv4 or IPv6 literal */
	unsigned	 port;
	unsigned long	 timeout_ms;	/* connect + handshake */
	int		 min_version;	/* TLS1_VERSION...; 0: lowest the
					   library can do */
	int		 max_version;	/* 0: highest */
	const char	*cipher_list;	/* TLS 1.2 and below; NULL: default */
	const char	*ciphersuites;	/* TLS 1.3; NULL: default */
	int		 legacy;	/* security level 0 and legacy options:
					   offer what OpenSSL refuses by
					   default (downgrade attempts) */
};

/*
 * One handshake: 1 completed (out filled), 0 the server refused it (alert,
 * or closed the connection; out->why says how), ASY_E_TIMEOUT,
 * ASY_E_REFUSED, ASY_E_IO when it could not be tried (out->why says),
 * ASY_E_INPUT when this OpenSSL cannot offer what was asked (SSLv3, a
 * suite it lacks): out->why says so.  Also ASY_E_INPUT when the server
 * accepted but this OpenSSL cannot finish what it chose (a SHA-1
 * signature without legacy, a small key), and ASY_E_PROTO when the peer
 * answered with something that is not TLS (why: "not TLS: ...").  A bad
 * address is ASY_E_INPUT too.
 */
int	asy_tls_hello(const struct asy_tls_probe *p, struct asy_tls_hello *out);

/* One attempt of a survey. */
struct asy_tls_attempt {
	char	*what;		/* "TLS 1.0 only", "RC4 suites only" */
	int	 weak;		/* best practice says it must be refused */
	int	 result;	/* 1 accepted, 0 refused, -1 not tried (see
				   detail): this OpenSSL cannot offer it, or
				   the service did not answer */
	char	*detail;	/* what was negotiated, or why not */
};

struct asy_tls_survey {
	int		 reachable;	/* a default handshake completed */
	struct asy_tls_hello best;	/* what a default client gets */
	char		*versions;	/* accepted: "TLSv1.2 TLSv1.3" */
	struct asy_tls_attempt *att;
	size_t		 n_att;
	unsigned	 handshakes;	/* connections made */
};

/*
 * Survey a TLS service: a default handshake, then one each for SSLv3,
 * TLS 1.0, 1.1, 1.2 and 1.3 alone, then TLS 1.2 offering only one weak
 * class at a time: RC4, 3DES, NULL, EXPORT, anonymous (aNULL), static RSA
 * key exchange (no forward secrecy), CBC with SHA-1 MACs.  At most
 * max_handshakes connections (0: no limit).  0 and *out set (even when the
 * service did not answer: reachable is then 0 and best.why says why), or
 * ASY_E_NOMEM.  When the default handshake fails but the peer spoke TLS
 * (an alert or a ServerHello came), the attempts are still made; when it
 * did not (not TLS, closed, no answer), none is (n_att 0).  Attempts that
 * this OpenSSL cannot offer make no connection; after two attempts in a
 * row that could not connect, the rest are not tried.
 */
int	asy_tls_survey(const char *addr, unsigned port,
	    unsigned long timeout_ms, unsigned max_handshakes,
	    struct asy_tls_survey **out);
void	asy_tls_survey_free(struct asy_tls_survey *s);

/* Does the service at addr:port answer a TLS handshake at all (any
 * version)?  1 yes (a ServerHello, or a TLS alert, came), 0 no (it
 * answers, but not TLS, or closes), <0 unreachable. */
int	asy_tls_speaks(const char *addr, unsigned port,
	    unsigned long timeout_ms);

/* OpenSSL's version text, for the report's tool list. */
const char *asy_tls_version(void);

#endif
