/*
 * CoAP (RFC 7252) over UDP, written here: a strict message encoder and
 * decoder, one request with bounded retransmission, and the CoRE link
 * format (RFC 6690) of /.well-known/core read into a list of paths.
 *
 * Every byte a device sends is hostile: the decoder checks each length
 * against what is left of the datagram, rejects the reserved nibble 15 in
 * an option's delta or length, a token longer than 8 bytes, a version
 * other than 1 and a payload marker without a payload.  Decoded options
 * and the payload point into the caller's datagram; nothing is copied.
 */
#ifndef ASSAY_COAP_H
#define ASSAY_COAP_H

#include <stddef.h>

#include "buf.h"

#define ASY_COAP_PORT		5683
/* What is read of one datagram (larger ones are cut by the kernel). */
#define ASY_COAP_MAX_DGRAM	2048
/* Options kept of one message: more is a decode error. */
#define ASY_COAP_MAX_OPTS	64
/* The largest option value the format can carry (14-bit extension). */
#define ASY_COAP_MAX_OPT_LEN	(65535 + 269)

enum asy_coap_type {
	ASY_COAP_CON = 0,
	ASY_COAP_NON = 1,
	ASY_COAP_ACK = 2,
	ASY_COAP_RST = 3,
};

/* A code as class.detail: ASY_COAP_CODE(2, 5) is 2.05 Content. */
#define ASY_COAP_CODE(c, d)	((unsigned)(c) << 5 | (unsigned)(d))
#define ASY_COAP_GET		ASY_COAP_CODE(0, 1)

enum {
	ASY_COAP_OPT_URI_HOST		= 3,
	ASY_COAP_OPT_URI_PATH		= 11,
	ASY_COAP_OPT_CONTENT_FORMAT	= 12,
	ASY_COAP_OPT_URI_QUERY		= 15,
	ASY_COAP_OPT_ACCEPT		= 17,
	ASY_COAP_OPT_BLOCK2		= 23,
	ASY_COAP_OPT_PROXY_URI		= 35,
};

struct asy_coap_opt {
	unsigned		 num;
	const unsigned char	*val;	/* len bytes; NULL when len is 0 */
	size_t			 len;
};

struct asy_coap_msg {
	unsigned		 type;		/* enum asy_coap_type */
	unsigned		 code;		/* class << 5 | detail */
	unsigned		 mid;		/* message ID, 0..65535 */
	size_t			 tkl;		/* 0..8 */
	unsigned char		 token[8];
	struct asy_coap_opt	 opts[ASY_COAP_MAX_OPTS];
	size_t			 n_opts;	/* ascending by num */
	const unsigned char	*payload;
	size_t			 payload_len;
};

/*
 * Decode the n bytes at p into m (options and payload point into p).
 * 0, or ASY_E_PROTO with why saying what is wrong and where (the byte
 * offset): shorter than 4 bytes, version not 1, token length 9-15, a
 * token or option running past the end, nibble 15 in a delta or length,
 * an option number over 65535, more than ASY_COAP_MAX_OPTS options, a
 * payload marker with nothing after it, an empty message (0.00) with a
 * token, options or payload.  m is unchanged on error.
 */
int	asy_coap_decode(const unsigned char *p, size_t n,
	    struct asy_coap_msg *m, char *why, size_t why_len);

/*
 * Append m in wire form to out: 0, ASY_E_INPUT (type over 3, code over
 * 255, message ID over 65535, token over 8 bytes, options not ascending
 * or a value over ASY_COAP_MAX_OPT_LEN), or what asy_buf says.
 */
int	asy_coap_encode(const struct asy_coap_msg *m, struct asy_buf *out);

/*
 * Add one option to m (kept ascending: equal numbers keep their order).
 * The value is not copied.  0 or ASY_E_TOOBIG (no room).
 */
int	asy_coap_add_opt(struct asy_coap_msg *m, unsigned num,
	    const void *val, size_t len);

/*
 * The Uri-Path and Uri-Query options of path ("/a/b?x=1&y"): one
 * Uri-Path per segment between '/', one Uri-Query per piece between '&';
 * no percent-decoding.  The options point into path, which must outlive
 * m.  0, ASY_E_INPUT (path does not start with '/'), ASY_E_TOOBIG.
 */
int	asy_coap_set_path(struct asy_coap_msg *m, const char *path);

/* "2.05", "4.04", "0.00" into buf (at least 8 bytes); returns buf. */
char	*asy_coap_code_str(unsigned code, char *buf, size_t len);

/*
 * Send the n bytes at dgram to addr (an IPv4 or IPv6 literal) and port
 * from a fresh UDP socket, and wait at most wait_ms for one datagram
 * back: 1 with its bytes in ans (*ans_len of them, at most ans_max), 0
 * none (why: no answer in time, or ICMP port unreachable), ASY_E_INPUT
 * (not an address), ASY_E_IO.
 */
int	asy_coap_send(const char *addr, unsigned port, const void *dgram,
	    size_t n, unsigned long wait_ms, unsigned char *ans,
	    size_t ans_max, size_t *ans_len, char *why, size_t why_len);

struct asy_coap_answer {
	unsigned	 type;		/* ACK, CON or NON; RST */
	unsigned	 code;		/* 0 for a RST or an empty ACK */
	struct asy_buf	 payload;	/* the answer's payload (capped) */
	int		 block_more;	/* a Block2 option said more follows */
};

/*
 * A confirmable GET of path ("/.well-known/core") within timeout_ms: sent
 * once, and once more at half the time when nothing came (at most two
 * tries).  Answers with another message ID or token are ignored; an empty
 * ACK makes it wait for the separate response until the deadline (which
 * it acknowledges).  Only the first block of a Block2 answer is read.
 * 1: an answer in a (code 0 for a RST or an ACK with nothing after it;
 * payload capped at max_payload bytes, release with
 * asy_coap_answer_release()), 0: none (why says), ASY_E_PROTO (only
 * malformed datagrams came back), ASY_E_INPUT, ASY_E_IO, ASY_E_NOMEM.
 */
int	asy_coap_get(const char *addr, unsigned port, const char *path,
	    unsigned long timeout_ms, size_t max_payload,
	    struct asy_coap_answer *a, char *why, size_t why_len);
void	asy_coap_answer_release(struct asy_coap_answer *a);

/*
 * The paths of a CoRE link-format document (RFC 6690) of n bytes:
 * "</sensors/temp>;rt=\"x\",</led>;if=...".  Only targets that are paths
 * on the same server ("/..." without "//") are kept, each at most 255
 * bytes of printable ASCII, at most max of them, without duplicates;
 * parsing stops at the first byte that breaks the format.  0 with a fresh
 * array in *out (free with asy_coap_links_free()), or ASY_E_NOMEM.
 */
int	asy_coap_links(const char *s, size_t n, size_t max, char ***out,
	    size_t *n_out);
void	asy_coap_links_free(char **v, size_t n);

#endif
