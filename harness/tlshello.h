/*
 * The TLS ClientHello a device sends, read from the bytes of a TCP
 * connection or from a capture: the versions it offers (supported_versions
 * extension, else its legacy version) and its cipher suites, named as
 * OpenSSL names them so that cryptopol.h can judge them.  A device's bytes
 * are hostile: every length is checked against what is there and against
 * what encloses it, and a hello may span at most 64 KiB of records.
 */
#ifndef ASSAY_TLSHELLO_H
#define ASSAY_TLSHELLO_H

#include <stddef.h>

#define ASY_TLS_MAX_SUITES	256
#define ASY_TLS_MAX_VERSIONS	16

struct asy_tls_hello {
	unsigned	 legacy_version;	/* client_version: 0x0303 is
						   TLS 1.2 */
	int		 has_sv;		/* supported_versions there */
	unsigned	 versions[ASY_TLS_MAX_VERSIONS];	/* offered,
						   in the client's order,
						   GREASE left out */
	size_t		 n_versions;
	unsigned	 suites[ASY_TLS_MAX_SUITES];	/* in the client's
						   order, GREASE and the
						   signalling values 0x00ff
						   and 0x5600 left out */
	size_t		 n_suites;
	size_t		 n_suites_wire;		/* as many as were sent */
};

/*
 * Parse the ClientHello at the start of what a client sent on a TCP
 * connection (TLS records of type handshake, the hello possibly spread
 * over several).  0 and *h; ASY_E_CLOSED when the bytes end before the
 * hello does (more may come); ASY_E_PROTO when they are not a TLS
 * ClientHello (another record type, an SSL 2.0 hello, a length that does
 * not fit, a hello over 64 KiB); ASY_E_NOMEM.  Extensions other than
 * supported_versions are skipped after their lengths are checked.
 */
int	asy_tls_client_hello(const unsigned char *p, size_t len,
	    struct asy_tls_hello *h);

/* "TLSv1.2" (as OpenSSL names it; also "SSLv3", "TLSv1", "TLSv1.3") for
 * a version code, or NULL when it is none of SSL 3.0 to TLS 1.3. */
const char	*asy_tls_version_name(unsigned v);

/* OpenSSL's name of a cipher suite ("ECDHE-RSA-AES128-GCM-SHA256",
 * "TLS_AES_128_GCM_SHA256", "RC4-MD5") for its code, or NULL when the
 * table does not hold it. */
const char	*asy_tls_suite_name(unsigned code);

/* One ClientHello seen in a capture. */
struct asy_tls_seen {
	unsigned long	 frame;		/* where its first byte came (1-based,
					   as Wireshark numbers frames) */
	char		 client[64];	/* "198.18.2.2:40000", "[fd00::2]:1" */
	struct asy_tls_hello h;
};

/*
 * Every ClientHello sent to server (an IPv4 or IPv6 literal; NULL: any
 * address) on TCP port port in the pcap file at path, in the order the
 * connections began, at most max (0: 64).  Each connection's bytes from
 * the client are taken in sequence order as they came (a retransmission
 * is skipped; a connection whose bytes come out of order is given up);
 * what is not a ClientHello is skipped.  The array goes to *out (free()
 * it; NULL when none) and its length to *n.  0; ASY_E_IO with why when
 * the file cannot be read; ASY_E_INPUT for a server that is no address;
 * ASY_E_NOMEM.
 */
int	asy_pcap_client_hellos(const char *path, const char *server,
	    unsigned port, size_t max, struct asy_tls_seen **out, size_t *n,
	    char *why, size_t whylen);

/*
 * Judge the ClientHellos of one channel: the union of what they offer
 * against cryptopol.h (a version asy_weak_tls_version() names, a suite
 * asy_broken_tls_cipher() names) and against the TLS versions the
 * declaration's words name (decl: "TLS 1.2 or 1.3", "TLSv1.2+"; NULL or
 * naming none: not compared).  Suites only dated (static RSA, CBC with
 * SHA-1) are counted, not held against the device: the server chooses.
 * A sentence goes to why: the frames, the versions, the suites by name
 * (at most 64), and every weakness.  1 weak, 0 not, ASY_E_NOMEM, or
 * ASY_E_INPUT for n == 0.
 */
struct asy_buf;
int	asy_tls_hellos_judge(const struct asy_tls_seen *s, size_t n,
	    const char *decl, struct asy_buf *why);

/* The TLS versions text names, as a bit set of (1 << (code & 0xf)) for
 * 0x0300 (SSL 3.0) to 0x0304 (TLS 1.3); 0 when it names none. */
unsigned	asy_tls_versions_named(const char *text);

#endif
