/*
 * Cleartext in captures: credentials and personal data that crossed the
 * wire unencrypted, named by frame number (1-based, as Wireshark numbers
 * them).  Reads pcap files through capture.h; decodes Ethernet, IPv4,
 * IPv6, TCP and UDP with bounds checks on every field.
 */
#ifndef ASSAY_PCAPSCAN_H
#define ASSAY_PCAPSCAN_H

#include <stddef.h>
#include <stdint.h>

struct asy_frame;

struct asy_clear_finding {
	unsigned long	 frame;
	char		*proto;		/* "telnet", "http", "mqtt", "ftp",
					   "snmp", "pop3", "imap", ... */
	char		*kind;		/* "credentials", "personal data",
					   "user name" (a user name without
					   its password: HTTP Digest, MQTT
					   without a password) */
	char		*what;		/* in words, secrets never printed:
					   "HTTP Basic credentials of user
					   \"admin\" (password not shown)",
					   "e-mail address owner@example.com" */
	char		*src, *dst;	/* "198.18.1.1:40000" */
};

struct asy_clear_opts {
	const char *const *needles;	/* personal data to look for
					   (declared serial numbers, ...),
					   NULL-terminated, or NULL */
	int		 emails;	/* also any e-mail address */
	int		 fields;	/* also secrets in form and JSON
					   fields (psk=..., "password":
					   "..."), as provisioning sends
					   them */
	size_t		 max_findings;	/* 0: 100 */
};

/*
 * Scan one pcap file.  Credentials: HTTP Authorization Basic (and Digest
 * user names), telnet logins (what the client sends after a login and a
 * password prompt), MQTT CONNECT with user name or password, SNMP
 * communities, FTP/POP3/IMAP USER/PASS/LOGIN.  Personal data: the needles
 * and e-mail addresses in any TCP or UDP payload.  Findings are appended
 * to *f / *n (grown; free with asy_clear_findings_free()); one finding per
 * kind, protocol and value.  0, ASY_E_IO (the file cannot be read: why),
 * ASY_E_NOMEM.
 */
int	asy_pcap_cleartext(const char *path, const struct asy_clear_opts *o,
	    struct asy_clear_finding **f, size_t *n, char *why,
	    size_t why_len);
void	asy_clear_findings_free(struct asy_clear_finding *f, size_t n);

/*
 * The same scanner for IP packets that come from elsewhere than an
 * Ethernet-like pcap (802.11 data frames after their LLC/SNAP header, see
 * wifi.c).  asy_clear_scan_new() makes one (o may be NULL; it must outlive
 * the scan); asy_clear_scan_ip() feeds one IPv4 or IPv6 packet (told apart
 * by its first byte) of frame number frame: what is not TCP or UDP, or
 * fails a bounds check, is skipped; 0 or ASY_E_NOMEM (the scan is then
 * spent).  asy_clear_scan_count() says how many findings the scan holds;
 * asy_clear_scan_take() appends them to *f / *n (0, or ASY_E_NOMEM with
 * both unchanged) and empties the scan.  asy_clear_scan_free() accepts
 * NULL.
 */
struct asy_clear_scan;

int	asy_clear_scan_new(const struct asy_clear_opts *o,
	    struct asy_clear_scan **out);
int	asy_clear_scan_ip(struct asy_clear_scan *sc, unsigned long frame,
	    const void *ip, size_t len);
size_t	asy_clear_scan_count(const struct asy_clear_scan *sc);
int	asy_clear_scan_take(struct asy_clear_scan *sc,
	    struct asy_clear_finding **f, size_t *n);
void	asy_clear_scan_free(struct asy_clear_scan *sc);

/*
 * One frame's TCP segment, decoded as the scanner decodes frames (every
 * link type it knows, IPv4 and IPv6, bounds checked): 0, or ASY_E_INPUT
 * when the frame holds no whole TCP header.  data points into the frame.
 */
struct asy_tcp_seg {
	int			 v6;
	unsigned char		 src[16], dst[16];	/* 4 bytes for IPv4 */
	unsigned		 sport, dport;
	unsigned		 flags;			/* SYN 0x02, ... */
	uint32_t		 seq;
	const unsigned char	*data;			/* the payload */
	size_t			 len;
};

int	asy_frame_tcp(const struct asy_frame *f, struct asy_tcp_seg *seg);

#endif
