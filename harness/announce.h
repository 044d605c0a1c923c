/*
 * What a device announces on the LAN to anyone who asks: mDNS/DNS-SD
 * (RFC 6762, RFC 6763) and UPnP (SSDP and the device description).
 *
 * Everything is asked by unicast of the DUT's own address only, never of
 * a multicast group: a DNS-SD browse sent to udp/5353 from a random port
 * (a legacy unicast query, which the responder answers to that port), and
 * an SSDP M-SEARCH sent to udp/1900; a description is fetched only from
 * the DUT's own address.  The DNS message parser is strict and bounded
 * (lengths, counts, compression pointers that must point backwards); the
 * description is parsed by the libxml2 adapter (no network, no DTD).
 */
#ifndef ASSAY_ANNOUNCE_H
#define ASSAY_ANNOUNCE_H

#include <stddef.h>

#include "buf.h"

/* The largest datagram kept (larger ones are cut and flagged). */
#define ASY_ANN_MAX_DGRAM	9000

/* DNS record types used here. */
enum {
	ASY_DNS_A	= 1,
	ASY_DNS_PTR	= 12,
	ASY_DNS_TXT	= 16,
	ASY_DNS_AAAA	= 28,
	ASY_DNS_SRV	= 33,
};

/* A domain name: its uncompressed wire form (at most 255 bytes, with the
 * final zero) and a printable text ("LC20\ Camera" stays "LC20 Camera";
 * a '.' inside a label is "\.", other bytes outside printable ASCII and
 * '\\' are \xNN). */
struct asy_dns_name {
	unsigned char	 wire[256];
	size_t		 len;
	char		 text[1024];
};

struct asy_dns_rr {
	struct asy_dns_name name;
	unsigned	 type;
	unsigned	 rclass;	/* without the mDNS cache-flush bit */
	unsigned long	 ttl;
	struct asy_dns_name target;	/* PTR and SRV */
	unsigned	 port;		/* SRV */
	char		*text;		/* TXT: the strings, printable, one a
					   line; A, AAAA: the address; else
					   NULL */
};

struct asy_dns_msg {
	unsigned	 id;
	unsigned	 flags;
	size_t		 n_questions;
	struct asy_dns_rr *rr;		/* answers, authority, additional */
	size_t		 n_rr;
	int		 cut;		/* more records than max_rr */
};

/*
 * Parse a DNS message of len bytes (at most ASY_ANN_MAX_DGRAM), keeping
 * at most max_rr records.  0 and *m (release with asy_dns_msg_release()),
 * or ASY_E_PROTO with why saying what is wrong (a count the packet cannot
 * hold, a name past the end or longer than 255 bytes, a compression
 * pointer that does not point backwards, a record running past its
 * length, ...), ASY_E_TOOBIG, ASY_E_NOMEM.
 */
int	asy_dns_parse(const void *pkt, size_t len, size_t max_rr,
	    struct asy_dns_msg *m, char *why, size_t why_len);
void	asy_dns_msg_release(struct asy_dns_msg *m);

/* The wire form of a dotted name without escapes ("_http._tcp.local");
 * 0 or ASY_E_INPUT (empty label, label over 63, name over 255). */
int	asy_dns_name_from(const char *dotted, struct asy_dns_name *out);

/* A query with id for name with each of the n types (class IN; qu sets the
 * unicast-response bit) appended to out.  0 or a buffer error. */
int	asy_dns_query(struct asy_buf *out, unsigned id,
	    const struct asy_dns_name *name, const unsigned *types, size_t n,
	    int qu);

/*
 * Parse a UPnP device description (XML, at most max bytes) and append
 * "field: value" lines to out for every friendlyName, manufacturer,
 * modelName, modelNumber, serialNumber, UDN and presentationURL of the
 * device and its embedded devices (at most 64 lines, each value printable
 * and at most 256 bytes).  A UDN that is a version-1 UUID ends in the
 * MAC address of the device that made it: a line "MAC address in the
 * UDN: xx:xx:xx:xx:xx:xx" is added.  0, ASY_E_INPUT (not XML, a DTD:
 * why says), ASY_E_NOMEM.
 */
int	asy_upnp_desc_parse(const char *xml, size_t len, size_t max,
	    struct asy_buf *out, char *why, size_t why_len);

/*
 * Does the URL (http:// or https://) name the host addr (an IP literal;
 * compared as addresses)?  1 and *port, *tls, path (at most path_len
 * bytes, "/" when none) when it does; 0 when it names another host or a
 * name; ASY_E_INPUT when it is not an http(s) URL we can fetch.
 */
int	asy_url_on_host(const char *url, const char *addr, unsigned *port,
	    int *tls, char *path, size_t path_len);

/* Is addr an address assay may send announcements queries to: inside
 * 198.18.0.0/15, fd00::/8 or loopback?  1 or 0. */
int	asy_announce_addr_ok(const char *addr);

/* Something to search for disclosures: the text and where it came from. */
struct asy_ann_item {
	char	*source;	/* "mDNS _http._tcp TXT of \"LC20\"
				   (udp/5353)" */
	char	*text;		/* any bytes, NUL-terminated */
	size_t	 len;
};

struct asy_announce_opts {
	const char	*addr;		/* the DUT (see asy_announce_addr_ok) */
	unsigned	 mdns_port;	/* 0: 5353 */
	unsigned	 ssdp_port;	/* 0: 1900 */
	unsigned long	 timeout_ms;	/* each exchange; 0: 2000 */
	size_t		 max_services;	/* DNS-SD instances; 0: 16 */
	size_t		 max_rr;	/* records per answer; 0: 64 */
	size_t		 max_locations;	/* descriptions fetched; 0: 4 */
	size_t		 max_desc;	/* bytes of one; 0: 64 KiB */
};

struct asy_announce {
	struct asy_ann_item *items;
	size_t		 n_items;
	size_t		 cap_items;
	struct asy_buf	 log;		/* the transcript: every answer
					   escaped and decoded */
	int		 mdns;		/* 1 an mDNS responder answered */
	int		 ssdp;		/* 1 an SSDP responder answered */
	size_t		 n_instances;	/* DNS-SD service instances */
	size_t		 n_desc;	/* descriptions parsed */
};

/*
 * Ask addr what it announces (mDNS browse of _services._dns-sd._udp.local,
 * then each service type's instances and their SRV and TXT; an SSDP
 * M-SEARCH for ssdp:all, then each LOCATION on addr).  Bad answers are
 * logged and skipped; no answer is not an error.  0 with *a filled
 * (release with asy_announce_release()), ASY_E_INPUT (addr not allowed),
 * ASY_E_IO (no socket), ASY_E_NOMEM.
 */
int	asy_announce_collect(const struct asy_announce_opts *o,
	    struct asy_announce *a);
void	asy_announce_release(struct asy_announce *a);

#endif
