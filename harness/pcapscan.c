/*
 * Cleartext in captures.
 *
 * Frames come from asy_capture_each() (the only reader of pcap files).
 * Each one is decoded by hand, tcpdump style: every field is read only
 * after a check that the captured bytes hold it, and a frame that fails a
 * check is skipped, never trusted.  TCP payloads go through a bounded
 * table of streams (MAX_STREAMS, the least recently used one is dropped)
 * that keeps, per direction, the next sequence number (retransmitted bytes
 * are read once), the telnet option parser, the line a client is typing
 * and the last bytes (so that a needle cut between two segments is still
 * found).  Findings name what was seen, never a password, and are made
 * printable by asy_printable() from disclose.c.
 */
#include "pcapscan.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "capture.h"
#include "disclose.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define DEF_FINDINGS	100
/* Streams followed at once, and the buckets of their hash table. */
#define MAX_STREAMS	1024
#define N_BUCKETS	2048
/* A line typed by a client (telnet one byte per packet included). */
#define MAX_LINE	256
/* What a telnet server sent last, enough for "password:". */
#define PROMPT_WIN	16
/* Kept from the end of each direction: a needle or an e-mail address
 * (64 + 1 + 253 bytes) cut between two segments is still found. */
#define TAIL_LEN	320
/* A finding's text, and the part of it that comes from the wire. */
#define MAX_WHAT	200
#define MAX_SHOWN	96
/* IPv6 extension headers skipped before giving up. */
#define MAX_EXT_HDRS	8
/* Base64 of an Authorization header read at most. */
#define MAX_B64		512
/* Bytes of one payload scanned for personal data (a frame is at most
 * 256 KiB in the files libpcap reads). */
#define MAX_SCAN	((size_t)1 << 20)

/* Link types (DLT_ values as pcap_datalink() gives them). */
#define DLT_NULL_	0
#define DLT_EN10MB_	1
#define DLT_RAW_A	12
#define DLT_RAW_B	14
#define DLT_RAW_C	101
#define DLT_LOOP_	108
#define DLT_SLL_	113
#define DLT_IPV4_	228
#define DLT_IPV6_	229
#define DLT_SLL2_	276

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd

#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17

#define TH_SYN		0x02
#define TH_ACK		0x10

static const char K_CRED[] = "credentials";
static const char K_USER[] = "user name";
static const char K_PERSONAL[] = "personal data";

/* ---- reading fields ------------------------------------------------------ */

/* Callers check that p holds the bytes first. */
static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does p (len bytes) start with lit (lowercase), ignoring case? */
static int
istarts(const unsigned char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != lit[i])
			return 0;
	return 1;
}

/* ---- packets ------------------------------------------------------------- */

struct pkt {
	int			 v6;
	unsigned char		 src[16], dst[16];
	int			 proto;
	unsigned		 sport, dport;
	unsigned		 flags;
	uint32_t		 seq;
	const unsigned char	*data;
	size_t			 len;
};

static int
decode_tcp(const unsigned char *p, size_t len, struct pkt *k)
{
	size_t off;

	if (len < 20)
		return -1;
	off = (size_t)(p[12] >> 4) * 4;
	if (off < 20 || off > len)
		return -1;
	k->sport = be16(p);
	k->dport = be16(p + 2);
	k->seq = be32(p + 4);
	k->flags = p[13];
	k->data = p + off;
	k->len = len - off;
	return 0;
}

static int
decode_udp(const unsigned char *p, size_t len, struct pkt *k)
{
	size_t ulen;

	if (len < 8)
		return -1;
	ulen = be16(p + 4);
	if (ulen < 8)
		return -1;
	if (ulen < len)
		len = ulen;
	k->sport = be16(p);
	k->dport = be16(p + 2);
	k->data = p + 8;
	k->len = len - 8;
	return 0;
}

static int
decode_transport(const unsigned char *p, size_t len, int proto,
    struct pkt *k)
{
	k->proto = proto;
	if (proto == IPPROTO_TCP_)
		return decode_tcp(p, len, k);
	if (proto == IPPROTO_UDP_)
		return decode_udp(p, len, k);
	return -1;
}

static int
decode_ipv4(const unsigned char *p, size_t len, struct pkt *k)
{
	size_t hl, tot;

	if (len < 20 || p[0] >> 4 != 4)
		return -1;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (hl < 20 || hl > len)
		return -1;
	tot = be16(p + 2);
	/* 0: segmentation offload, the length is what was captured. */
	if (tot != 0 && tot < hl)
		return -1;
	if (tot != 0 && tot < len)
		len = tot;
	/* Only a first fragment holds the transport header. */
	if ((be16(p + 6) & 0x1fff) != 0)
		return -1;
	k->v6 = 0;
	memcpy(k->src, p + 12, 4);
	memcpy(k->dst, p + 16, 4);
	return decode_transport(p + hl, len - hl, p[9], k);
}

static int
decode_ipv6(const unsigned char *p, size_t len, struct pkt *k)
{
	size_t plen, off = 40;
	int nh;

	if (len < 40 || p[0] >> 4 != 6)
		return -1;
	plen = be16(p + 4);
	if (plen != 0 && plen < len - 40)
		len = 40 + plen;
	nh = p[6];
	for (int i = 0; i <= MAX_EXT_HDRS; i++) {
		size_t hl;

		if (nh == 44)
			return -1;	/* fragments are skipped */
		if (nh != 0 && nh != 43 && nh != 60 && nh != 51)
			break;
		if (i == MAX_EXT_HDRS || len - off < 2)
			return -1;
		if (nh == 51)
			hl = ((size_t)p[off + 1] + 2) * 4;
		else
			hl = ((size_t)p[off + 1] + 1) * 8;
		if (hl > len - off)
			return -1;
		nh = p[off];
		off += hl;
	}
	k->v6 = 1;
	memcpy(k->src, p + 8, 16);
	memcpy(k->dst, p + 24, 16);
	return decode_transport(p + off, len - off, nh, k);
}

static int
decode_ip(const unsigned char *p, size_t len, unsigned type, struct pkt *k)
{
	if (type == ETH_IPV4)
		return decode_ipv4(p, len, k);
	if (type == ETH_IPV6)
		return decode_ipv6(p, len, k);
	return -1;
}

/* The network protocol of a raw IP packet from its version. */
static unsigned
ip_version_type(const unsigned char *p, size_t len)
{
	if (len < 1)
		return 0;
	if (p[0] >> 4 == 4)
		return ETH_IPV4;
	if (p[0] >> 4 == 6)
		return ETH_IPV6;
	return 0;
}

/* BSD loopback: an address family, in host (DLT_NULL) or network
 * (DLT_LOOP) byte order. */
static unsigned
loop_type(const unsigned char *p, size_t len, int net_order)
{
	unsigned af;

	if (len < 4)
		return 0;
	if (net_order || p[0] == 0)
		af = p[3];
	else
		af = p[0];
	if (af == 2)
		return ETH_IPV4;
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return ETH_IPV6;
	return 0;
}

static int
decode_frame(const struct asy_frame *f, struct pkt *k)
{
	const unsigned char *d = f->data;
	size_t len = f->caplen, off;
	unsigned type;

	if (d == NULL)
		return -1;
	switch (f->linktype) {
	case DLT_EN10MB_:
		if (len < 14)
			return -1;
		type = be16(d + 12);
		off = 14;
		/* At most two VLAN tags (802.1Q, 802.1ad, QinQ). */
		for (int t = 0; t < 2 && (type == 0x8100 || type == 0x88a8 ||
		    type == 0x9100); t++) {
			if (len - off < 4)
				return -1;
			type = be16(d + off + 2);
			off += 4;
		}
		break;
	case DLT_SLL_:
		if (len < 16)
			return -1;
		type = be16(d + 14);
		off = 16;
		break;
	case DLT_SLL2_:
		if (len < 20)
			return -1;
		type = be16(d);
		off = 20;
		break;
	case DLT_RAW_A:
	case DLT_RAW_B:
	case DLT_RAW_C:
	case DLT_IPV4_:
	case DLT_IPV6_:
		off = 0;
		type = ip_version_type(d, len);
		break;
	case DLT_NULL_:
	case DLT_LOOP_:
		off = 4;
		type = loop_type(d, len, f->linktype == DLT_LOOP_);
		break;
	default:
		return -1;
	}
	return decode_ip(d + off, len - off, type, k);
}

int
asy_frame_tcp(const struct asy_frame *f, struct asy_tcp_seg *seg)
{
	struct pkt k;

	memset(&k, 0, sizeof(k));
	if (f == NULL || decode_frame(f, &k) != 0 || k.proto != IPPROTO_TCP_)
		return ASY_E_INPUT;
	memset(seg, 0, sizeof(*seg));
	seg->v6 = k.v6;
	memcpy(seg->src, k.src, sizeof(seg->src));
	memcpy(seg->dst, k.dst, sizeof(seg->dst));
	seg->sport = k.sport;
	seg->dport = k.dport;
	seg->flags = k.flags;
	seg->seq = k.seq;
	seg->data = k.data;
	seg->len = k.len;
	return 0;
}

/* ---- streams ------------------------------------------------------------- */

enum { EXPECT_NONE, EXPECT_USER, EXPECT_PASS };
enum { IAC_DATA, IAC_CMD, IAC_OPT, IAC_SB, IAC_SB_IAC };

struct dir {
	int		 have_seq, seen;
	uint32_t	 next_seq;
	int		 iac;
	unsigned char	 line[MAX_LINE];
	size_t		 line_len;
	unsigned char	 prompt[PROMPT_WIN];
	size_t		 prompt_len;
	unsigned char	 tail[TAIL_LEN];
	size_t		 tail_len;
};

struct stream {
	int		 v6;
	unsigned char	 a[16], b[16];	/* a, ap: the lower endpoint */
	unsigned	 ap, bp;
	int		 client;	/* 0: a, 1: b, -1: not known */
	int		 tls;
	int		 expect;
	unsigned char	 user[MAX_LINE];
	size_t		 user_len;
	int		 have_user;
	struct dir	 d[2];
	unsigned long long used_at;
	unsigned	 bucket;
	int		 next;		/* in the bucket, -1 at the end */
};

/* One finding's identity: kind, protocol and value. */
struct seen_key {
	const char	*kind;
	const char	*proto;
	char		*value;
};

struct asy_clear_scan {
	const struct asy_clear_opts *o;
	size_t		  max;		/* findings this call may add */
	size_t		  added;
	struct asy_clear_finding *f;
	size_t		  n, cap;
	struct seen_key	 *keys;
	size_t		  n_keys, cap_keys;
	struct stream	 *st;
	size_t		  n_st;
	int		  bucket[N_BUCKETS];
	unsigned long long clock;
	struct asy_buf	  scratch;
	int		  err;
	unsigned long	  frame;
	const struct pkt *k;
};

static int
ep_cmp(const unsigned char *a, unsigned ap, const unsigned char *b,
    unsigned bp, size_t alen)
{
	int c = memcmp(a, b, alen);

	if (c != 0)
		return c;
	return ap < bp ? -1 : ap > bp;
}

static unsigned
stream_hash(int v6, const unsigned char *a, unsigned ap,
    const unsigned char *b, unsigned bp)
{
	size_t alen = v6 ? 16 : 4;
	uint32_t h = 2166136261u;
	unsigned char ports[4] = { (unsigned char)(ap >> 8),
	    (unsigned char)ap, (unsigned char)(bp >> 8), (unsigned char)bp };

	for (size_t i = 0; i < alen; i++)
		h = (h ^ a[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ b[i]) * 16777619u;
	for (size_t i = 0; i < 4; i++)
		h = (h ^ ports[i]) * 16777619u;
	return (unsigned)(h ^ (unsigned)v6) % N_BUCKETS;
}

static void
stream_unlink(struct asy_clear_scan *sc, int idx)
{
	struct stream *s = &sc->st[idx];
	int *pp = &sc->bucket[s->bucket];

	while (*pp != -1 && *pp != idx)
		pp = &sc->st[*pp].next;
	if (*pp == idx)
		*pp = s->next;
}

/* The stream of k and the direction of k in it (0: from a). */
static struct stream *
stream_get(struct asy_clear_scan *sc, const struct pkt *k, int *dir)
{
	size_t alen = k->v6 ? 16 : 4;
	const unsigned char *a = k->src, *b = k->dst;
	unsigned ap = k->sport, bp = k->dport, h;
	struct stream *s;
	int idx;

	*dir = 0;
	if (ep_cmp(a, ap, b, bp, alen) > 0) {
		a = k->dst;
		b = k->src;
		ap = k->dport;
		bp = k->sport;
		*dir = 1;
	}
	h = stream_hash(k->v6, a, ap, b, bp);
	for (idx = sc->bucket[h]; idx != -1; idx = sc->st[idx].next) {
		s = &sc->st[idx];
		if (s->v6 == k->v6 && s->ap == ap && s->bp == bp &&
		    memcmp(s->a, a, alen) == 0 && memcmp(s->b, b, alen) == 0) {
			s->used_at = ++sc->clock;
			return s;
		}
	}
	if (sc->n_st < MAX_STREAMS) {
		idx = (int)sc->n_st++;
	} else {
		/* Full: drop the stream that waited longest. */
		idx = 0;
		for (size_t i = 1; i < MAX_STREAMS; i++)
			if (sc->st[i].used_at < sc->st[idx].used_at)
				idx = (int)i;
		stream_unlink(sc, idx);
	}
	s = &sc->st[idx];
	memset(s, 0, sizeof(*s));
	s->v6 = k->v6;
	memcpy(s->a, a, alen);
	memcpy(s->b, b, alen);
	s->ap = ap;
	s->bp = bp;
	s->client = -1;
	s->used_at = ++sc->clock;
	s->bucket = h;
	s->next = sc->bucket[h];
	sc->bucket[h] = idx;
	return s;
}

/* A new connection on the same addresses and ports: start over. */
static void
stream_restart(struct stream *s)
{
	s->tls = 0;
	s->expect = EXPECT_NONE;
	s->have_user = 0;
	s->user_len = 0;
	memset(s->d, 0, sizeof(s->d));
}

/* ---- names and findings -------------------------------------------------- */

static const struct {
	unsigned	 port;
	int		 proto;
	const char	*name;
} port_names[] = {
	{ 21,	IPPROTO_TCP_,	"ftp" },
	{ 23,	IPPROTO_TCP_,	"telnet" },
	{ 25,	IPPROTO_TCP_,	"smtp" },
	{ 53,	IPPROTO_TCP_,	"dns" },
	{ 53,	IPPROTO_UDP_,	"dns" },
	{ 69,	IPPROTO_UDP_,	"tftp" },
	{ 80,	IPPROTO_TCP_,	"http" },
	{ 110,	IPPROTO_TCP_,	"pop3" },
	{ 143,	IPPROTO_TCP_,	"imap" },
	{ 161,	IPPROTO_UDP_,	"snmp" },
	{ 162,	IPPROTO_UDP_,	"snmp" },
	{ 514,	IPPROTO_UDP_,	"syslog" },
	{ 554,	IPPROTO_TCP_,	"rtsp" },
	{ 8554,	IPPROTO_TCP_,	"rtsp" },
	{ 1883,	IPPROTO_TCP_,	"mqtt" },
	{ 1900,	IPPROTO_UDP_,	"ssdp" },
	{ 5353,	IPPROTO_UDP_,	"mdns" },
	{ 5683,	IPPROTO_UDP_,	"coap" },
	{ 8000,	IPPROTO_TCP_,	"http" },
	{ 8080,	IPPROTO_TCP_,	"http" },
};

static const char *
port_name(unsigned port, int proto)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(port_names); i++)
		if (port_names[i].port == port && port_names[i].proto == proto)
			return port_names[i].name;
	return NULL;
}

/* The protocol of k by its ports: the destination's, the source's, or
 * "tcp" / "udp". */
static const char *
pkt_proto(const struct pkt *k)
{
	const char *n = port_name(k->dport, k->proto);

	if (n == NULL)
		n = port_name(k->sport, k->proto);
	if (n == NULL)
		n = k->proto == IPPROTO_TCP_ ? "tcp" : "udp";
	return n;
}

static char *
endpoint(const unsigned char *addr, unsigned port, int v6)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(v6 ? AF_INET6 : AF_INET, addr, a, sizeof(a)) == NULL)
		return NULL;
	if (v6)
		return asy_strdup_printf("[%s]:%u", a, port);
	return asy_strdup_printf("%s:%u", a, port);
}

static void
finding_free(struct asy_clear_finding *f)
{
	free(f->proto);
	free(f->kind);
	free(f->what);
	free(f->src);
	free(f->dst);
}

void
asy_clear_findings_free(struct asy_clear_finding *f, size_t n)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		finding_free(&f[i]);
	free(f);
}

/* Has (kind, proto, value) been found already?  If not, remember it.
 * 1 seen, 0 new, ASY_E_NOMEM. */
static int
seen_before(struct asy_clear_scan *sc, const char *kind, const char *proto,
    const char *value)
{
	struct seen_key *key;
	char *v;

	for (size_t i = 0; i < sc->n_keys; i++)
		if (sc->keys[i].kind == kind &&
		    strcmp(sc->keys[i].proto, proto) == 0 &&
		    strcmp(sc->keys[i].value, value) == 0)
			return 1;
	v = asy_strdup(value);
	if (v == NULL)
		return ASY_E_NOMEM;
	key = asy_array_add(&sc->keys, &sc->n_keys, &sc->cap_keys,
	    sizeof(*key));
	if (key == NULL) {
		free(v);
		return ASY_E_NOMEM;
	}
	key->kind = kind;
	key->proto = proto;
	key->value = v;
	return 0;
}

/*
 * Record a finding at the current frame, once per kind, protocol and
 * value (value is for telling findings apart and never printed).  what
 * is printable already and at most MAX_WHAT bytes.
 */
static void
found(struct asy_clear_scan *sc, const char *kind, const char *proto,
    const char *value, const char *what)
{
	struct asy_clear_finding *f;
	const struct pkt *k = sc->k;
	int r;

	if (sc->err != 0 || sc->added >= sc->max)
		return;
	if (what == NULL) {
		sc->err = ASY_E_NOMEM;
		return;
	}
	r = seen_before(sc, kind, proto, value);
	if (r != 0) {
		if (r < 0)
			sc->err = r;
		return;
	}
	f = asy_array_add(&sc->f, &sc->n, &sc->cap, sizeof(*f));
	if (f == NULL) {
		sc->err = ASY_E_NOMEM;
		return;
	}
	f->frame = sc->frame;
	f->proto = asy_strdup(proto);
	f->kind = asy_strdup(kind);
	f->what = asy_strndup(what, strnlen(what, MAX_WHAT));
	f->src = endpoint(k->src, k->sport, k->v6);
	f->dst = endpoint(k->dst, k->dport, k->v6);
	sc->added++;
	if (f->proto == NULL || f->kind == NULL || f->what == NULL ||
	    f->src == NULL || f->dst == NULL)
		sc->err = ASY_E_NOMEM;
}

/* A printable copy of a user name or other value from the wire. */
static char *
shown(const void *p, size_t len)
{
	return asy_printable(p, len, MAX_SHOWN);
}

/* A login of user (or of nobody known) whose password went in clear. */
static void
found_login(struct asy_clear_scan *sc, const char *proto, const char *label,
    const unsigned char *user, size_t user_len, int have_user)
{
	char *u = NULL, *what = NULL;

	if (have_user) {
		u = shown(user, user_len);
		if (u == NULL) {
			sc->err = ASY_E_NOMEM;
			return;
		}
		what = asy_strdup_printf("%s login of user \"%s\" with its "
		    "password in clear (password not shown)", label, u);
	} else {
		what = asy_strdup_printf("%s password sent in clear (password "
		    "not shown)", label);
	}
	found(sc, K_CRED, proto, have_user ? u : "", what);
	free(what);
	free(u);
}

/* ---- HTTP ---------------------------------------------------------------- */

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode the base64 at p (up to a blank or the end of line) into b; 0,
 * or -1 when it is not base64. */
static int
b64_decode(const unsigned char *p, size_t len, struct asy_buf *b)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len && i < MAX_B64; i++) {
		int v = b64_value(p[i]);

		if (p[i] == '=' || p[i] == '\r' || p[i] == '\n' ||
		    p[i] == ' ')
			break;
		if (v < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (asy_buf_putc(b, (char)(acc >> bits & 0xff)) < 0)
				return -1;
		}
	}
	return i == 0 || i == MAX_B64 ? -1 : 0;
}

static void
http_basic(struct asy_clear_scan *sc, const char *proto, const char *label,
    const unsigned char *p, size_t len)
{
	struct asy_buf b;
	char *u = NULL, *what = NULL;
	const char *colon;

	asy_buf_init(&b, MAX_B64);
	colon = NULL;
	if (b64_decode(p, len, &b) == 0 && b.data != NULL)
		colon = memchr(b.data, ':', b.len);
	if (colon == NULL) {
		what = asy_strdup_printf("%s Basic credentials in clear (not "
		    "user:password, not shown)", label);
		found(sc, K_CRED, proto, "", what);
		goto out;
	}
	u = shown(b.data, (size_t)(colon - b.data));
	if (u == NULL) {
		sc->err = ASY_E_NOMEM;
		goto out;
	}
	what = asy_strdup_printf("%s Basic credentials of user \"%s\" "
	    "(password not shown)", label, u);
	found(sc, K_CRED, proto, u, what);
out:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	free(what);
	free(u);
}

/* username="X" or username=X in a Digest header of len bytes at p. */
static void
http_digest(struct asy_clear_scan *sc, const char *proto, const char *label,
    const unsigned char *p, size_t len)
{
	char *u = NULL, *what = NULL;
	size_t i, e;

	for (i = 0; i + 9 <= len; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			return;
		if ((i == 0 || p[i - 1] == ' ' || p[i - 1] == ',') &&
		    istarts(p + i, len - i, "username="))
			break;
	}
	if (i + 9 > len)
		return;
	i += 9;
	if (i < len && p[i] == '"') {
		for (e = ++i; e < len && p[e] != '"' && p[e] != '\r' &&
		    p[e] != '\n'; e++)
			;
		if (e == len || p[e] != '"')
			return;
	} else {
		for (e = i; e < len && p[e] != ',' && p[e] != ' ' &&
		    p[e] != '\r' && p[e] != '\n'; e++)
			;
	}
	u = shown(p + i, e - i);
	if (u == NULL) {
		sc->err = ASY_E_NOMEM;
		return;
	}
	what = asy_strdup_printf("%s Digest user name \"%s\" (password not "
	    "exposed)", label, u);
	found(sc, K_USER, proto, u, what);
	free(what);
	free(u);
}

/* Authorization headers in a payload (any TCP port; RTSP's on its
 * ports, where they have HTTP's syntax). */
static void
scan_http_auth(struct asy_clear_scan *sc, const unsigned char *p, size_t len)
{
	const char *name = pkt_proto(sc->k);
	int rtsp = strcmp(name, "rtsp") == 0;
	const char *proto = rtsp ? "rtsp" : "http";
	const char *label = rtsp ? "RTSP" : "HTTP";

	for (size_t i = 0; i < len && sc->err == 0; i++) {
		size_t v;

		if (i > 0 && p[i - 1] != '\n')
			continue;
		if (istarts(p + i, len - i, "authorization:"))
			v = i + 14;
		else if (istarts(p + i, len - i, "proxy-authorization:"))
			v = i + 20;
		else
			continue;
		while (v < len && (p[v] == ' ' || p[v] == '\t'))
			v++;
		if (istarts(p + v, len - v, "basic "))
			http_basic(sc, proto, label, p + v + 6,
			    len - v - 6);
		else if (istarts(p + v, len - v, "digest "))
			http_digest(sc, proto, label, p + v + 7,
			    len - v - 7);
		else if (istarts(p + v, len - v, "bearer "))
			found(sc, K_CRED, proto, "bearer", rtsp ? "RTSP "
			    "Bearer token in clear (token not shown)" : "HTTP "
			    "Bearer token in clear (token not shown)");
	}
}

/* ---- MQTT ---------------------------------------------------------------- */

/* An MQTT variable byte integer at p[*off]; 0 or -1. */
static int
mqtt_varint(const unsigned char *p, size_t len, size_t *off, size_t *v)
{
	size_t val = 0;

	for (int i = 0; i < 4; i++) {
		if (*off >= len)
			return -1;
		val |= (size_t)(p[*off] & 0x7f) << (7 * i);
		if ((p[(*off)++] & 0x80) == 0) {
			*v = val;
			return 0;
		}
	}
	return -1;
}

/* Skip a two-byte length and that many bytes; 0 or -1. */
static int
mqtt_skip_str(const unsigned char *p, size_t len, size_t *off, size_t *slen)
{
	if (len - *off < 2)
		return -1;
	*slen = be16(p + *off);
	*off += 2;
	if (len - *off < *slen)
		return -1;
	*off += *slen;
	return 0;
}

/*
 * A CONNECT packet at p: protocol "MQTT" or "MQIsdp", level 3 to 5,
 * reserved flag clear.  Sets *flags and the user name (NULL when the
 * capture cut it off); 0, or -1 when p is no CONNECT.
 */
static int
mqtt_connect(const unsigned char *p, size_t len, unsigned *flags,
    const unsigned char **user, size_t *user_len)
{
	size_t off = 1, rl, n, level;

	if (len < 2 || p[0] != 0x10 || mqtt_varint(p, len, &off, &rl) < 0 ||
	    rl < 10)
		return -1;
	if (rl < len - off)
		len = off + rl;
	if (len - off < 2)
		return -1;
	n = be16(p + off);
	off += 2;
	if (!((n == 4 && len - off >= 4 && memcmp(p + off, "MQTT", 4) == 0) ||
	    (n == 6 && len - off >= 6 && memcmp(p + off, "MQIsdp", 6) == 0)))
		return -1;
	off += n;
	if (len - off < 4)
		return -1;
	level = p[off] & 0x7f;
	*flags = p[off + 1];
	if (level < 3 || level > 5 || (*flags & 0x01) != 0)
		return -1;
	off += 4;
	*user = NULL;
	*user_len = 0;
	if (level == 5 && (mqtt_varint(p, len, &off, &n) < 0 ||
	    len - off < n))
		return 0;
	if (level == 5)
		off += n;
	if (mqtt_skip_str(p, len, &off, &n) < 0)	/* client id */
		return 0;
	if (*flags & 0x04) {
		if (level == 5 && (mqtt_varint(p, len, &off, &n) < 0 ||
		    len - off < n))
			return 0;
		if (level == 5)
			off += n;
		if (mqtt_skip_str(p, len, &off, &n) < 0 ||
		    mqtt_skip_str(p, len, &off, &n) < 0)
			return 0;
	}
	if ((*flags & 0x80) && mqtt_skip_str(p, len, &off, &n) == 0) {
		*user = p + off - n;
		*user_len = n;
	}
	return 0;
}

static void
scan_mqtt(struct asy_clear_scan *sc, const unsigned char *p, size_t len)
{
	const unsigned char *user;
	size_t user_len;
	unsigned flags;
	char *u = NULL, *what = NULL;
	int pass;

	if (mqtt_connect(p, len, &flags, &user, &user_len) < 0 ||
	    (flags & 0xc0) == 0)
		return;
	pass = (flags & 0x40) != 0;
	if (flags & 0x80) {
		u = user != NULL ? shown(user, user_len) : asy_strdup("");
		if (u == NULL) {
			sc->err = ASY_E_NOMEM;
			return;
		}
	}
	if (u != NULL && user != NULL)
		what = asy_strdup_printf("MQTT CONNECT with user name "
		    "\"%s\" %s", u, pass ? "and password in clear" :
		    "in clear (no password)");
	else if (u != NULL)
		what = asy_strdup_printf("MQTT CONNECT with a user name%s in "
		    "clear (cut off in the capture)", pass ? " and password" :
		    "");
	else
		what = asy_strdup("MQTT CONNECT with a password in clear "
		    "(password not shown, no user name)");
	found(sc, pass ? K_CRED : K_USER, "mqtt", u != NULL ? u : "", what);
	free(what);
	free(u);
}

/* ---- SNMP ---------------------------------------------------------------- */

/* A BER tag and length at p[*off] (single-byte tags, definite lengths
 * of at most four bytes); the value must fit in len.  0 or -1. */
static int
ber_tl(const unsigned char *p, size_t len, size_t *off, unsigned *tag,
    size_t *vlen, int may_be_cut)
{
	size_t l;

	if (len - *off < 2 || (p[*off] & 0x1f) == 0x1f)
		return -1;
	*tag = p[(*off)++];
	l = p[(*off)++];
	if (l & 0x80) {
		size_t nb = l & 0x7f;

		if (nb == 0 || nb > 4 || len - *off < nb)
			return -1;
		l = 0;
		for (size_t i = 0; i < nb; i++)
			l = l << 8 | p[(*off)++];
	}
	if (l > len - *off && !may_be_cut)
		return -1;
	*vlen = l;
	return 0;
}

static void
scan_snmp(struct asy_clear_scan *sc, const unsigned char *p, size_t len)
{
	static const char *const shown_names[] = { "public", "private" };
	size_t off = 0, vlen, version = 0;
	unsigned tag;
	char *what = NULL, *key = NULL;

	if (ber_tl(p, len, &off, &tag, &vlen, 1) < 0 || tag != 0x30 ||
	    ber_tl(p, len, &off, &tag, &vlen, 0) < 0 || tag != 0x02 ||
	    vlen < 1 || vlen > 4)
		return;
	for (size_t i = 0; i < vlen; i++)
		version = version << 8 | p[off + i];
	off += vlen;
	/* v1 (0) and v2c (1) carry a community; v3 does not. */
	if (version > 1 || ber_tl(p, len, &off, &tag, &vlen, 0) < 0 ||
	    tag != 0x04)
		return;
	for (size_t i = 0; i < ASY_ELEMENTSOF(shown_names); i++) {
		if (vlen == strlen(shown_names[i]) &&
		    memcmp(p + off, shown_names[i], vlen) == 0) {
			what = asy_strdup_printf("SNMP community \"%s\" in "
			    "clear", shown_names[i]);
			key = asy_strdup(shown_names[i]);
		}
	}
	if (what == NULL) {
		uint32_t h = 2166136261u;

		/* The community is the secret: only its hash is kept. */
		for (size_t i = 0; i < vlen; i++)
			h = (h ^ p[off + i]) * 16777619u;
		what = asy_strdup("SNMP community in clear (community not "
		    "shown)");
		key = asy_strdup_printf("#%08x/%zu", (unsigned)h, vlen);
	}
	if (key == NULL)
		sc->err = ASY_E_NOMEM;
	else
		found(sc, K_CRED, "snmp", key, what);
	free(what);
	free(key);
}

/* ---- lines: telnet, FTP, POP3, IMAP -------------------------------------- */

enum svc { SVC_NONE, SVC_TELNET, SVC_FTP, SVC_POP3, SVC_IMAP };

static const struct {
	unsigned	 port;
	enum svc	 svc;
	const char	*proto, *label;
	int		 iac;		/* telnet option bytes in the stream */
} line_services[] = {
	{ 23,	SVC_TELNET,	"telnet",	"telnet",	1 },
	{ 21,	SVC_FTP,	"ftp",		"FTP",		1 },
	{ 110,	SVC_POP3,	"pop3",		"POP3",		0 },
	{ 143,	SVC_IMAP,	"imap",		"IMAP",		0 },
};

/* Feed c through the telnet option parser of d: 1 if it is data. */
static int
iac_byte(struct dir *d, unsigned char c)
{
	switch (d->iac) {
	case IAC_DATA:
		if (c != 255)
			return 1;
		d->iac = IAC_CMD;
		return 0;
	case IAC_CMD:
		if (c == 255) {
			d->iac = IAC_DATA;
			return 1;
		}
		if (c >= 251 && c <= 254)
			d->iac = IAC_OPT;
		else if (c == 250)
			d->iac = IAC_SB;
		else
			d->iac = IAC_DATA;
		return 0;
	case IAC_OPT:
		d->iac = IAC_DATA;
		return 0;
	case IAC_SB:
		if (c == 255)
			d->iac = IAC_SB_IAC;
		return 0;
	default:
		d->iac = c == 240 ? IAC_DATA : IAC_SB;
		return 0;
	}
}

/* Does the window end with lit (lowercase)? */
static int
prompt_ends(const struct dir *d, const char *lit)
{
	size_t n = strlen(lit);

	return d->prompt_len >= n &&
	    memcmp(d->prompt + d->prompt_len - n, lit, n) == 0;
}

/* A byte the telnet server sent (d its direction, cl the client's):
 * look for the prompts. */
static void
telnet_server_byte(struct stream *s, struct dir *d, struct dir *cl,
    unsigned char c)
{
	if (d->prompt_len == PROMPT_WIN) {
		memmove(d->prompt, d->prompt + 1, PROMPT_WIN - 1);
		d->prompt_len--;
	}
	d->prompt[d->prompt_len++] = (unsigned char)lower(c);
	if (c != ':')
		return;
	if (prompt_ends(d, "password:")) {
		s->expect = EXPECT_PASS;
		cl->line_len = 0;
	} else if ((prompt_ends(d, "login:") && !prompt_ends(d, "last login:"))
	    || prompt_ends(d, "username:") || prompt_ends(d, "user name:")) {
		s->expect = EXPECT_USER;
		cl->line_len = 0;
	}
}

/* The first word of a line and where the rest starts. */
static size_t
line_word(const unsigned char *l, size_t len, size_t from, size_t *end)
{
	size_t b = from, e;

	while (b < len && l[b] == ' ')
		b++;
	for (e = b; e < len && l[e] != ' '; e++)
		;
	*end = e;
	return b;
}

static int
word_is(const unsigned char *l, size_t b, size_t e, const char *lit)
{
	return e - b == strlen(lit) && istarts(l + b, e - b, lit);
}

/* A whole line the client sent on a line service. */
static void
client_line(struct asy_clear_scan *sc, struct stream *s, int svc,
    const unsigned char *l, size_t len)
{
	const char *proto = line_services[svc].proto;
	const char *label = line_services[svc].label;
	size_t b, e, b2, e2;

	if (line_services[svc].svc == SVC_TELNET) {
		if (s->expect == EXPECT_USER) {
			memcpy(s->user, l, len);
			s->user_len = len;
			s->have_user = 1;
		} else if (s->expect == EXPECT_PASS) {
			found_login(sc, proto, label, s->user, s->user_len,
			    s->have_user);
		}
		s->expect = EXPECT_NONE;
		return;
	}
	b = line_word(l, len, 0, &e);
	if (line_services[svc].svc == SVC_IMAP) {
		/* "a1 LOGIN user password" */
		b = line_word(l, len, e, &e);
		if (!word_is(l, b, e, "login"))
			return;
		b = line_word(l, len, e, &e);
		if (b < len && l[b] == '"') {
			for (e = b + 1; e < len && l[e] != '"'; e++)
				if (l[e] == '\\')
					e++;
			if (e >= len)
				return;
			b++;
		}
		b2 = line_word(l, len, e + (e < len && l[e] == '"'), &e2);
		if (b == e || b2 == e2)
			return;
		found_login(sc, proto, label, l + b, e - b, 1);
		return;
	}
	/* FTP and POP3: USER name, then PASS secret. */
	if (word_is(l, b, e, "user")) {
		b = line_word(l, len, e, &e);
		s->user_len = len - b;
		memcpy(s->user, l + b, s->user_len);
		s->have_user = 1;
	} else if (word_is(l, b, e, "pass")) {
		found_login(sc, proto, label, s->user, s->user_len,
		    s->have_user);
	}
}

static void
client_byte(struct asy_clear_scan *sc, struct stream *s, struct dir *d, int svc,
    unsigned char c)
{
	if (c == '\r' || c == '\n') {
		if (d->line_len > 0)
			client_line(sc, s, svc, d->line, d->line_len);
		explicit_bzero(d->line, d->line_len);
		d->line_len = 0;
	} else if (c == 0x08 || c == 0x7f) {
		if (d->line_len > 0)
			d->line_len--;
	} else if (c != '\0' && d->line_len < MAX_LINE) {
		d->line[d->line_len++] = c;
	}
}

static int
line_service(const struct pkt *k)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(line_services); i++)
		if (k->dport == line_services[i].port ||
		    k->sport == line_services[i].port)
			return (int)i;
	return -1;
}

static void
scan_lines(struct asy_clear_scan *sc, struct stream *s, int dir,
    const unsigned char *p, size_t len)
{
	int svc = line_service(sc->k);
	unsigned port;
	struct dir *d = &s->d[dir];
	int to_server;

	if (svc < 0)
		return;
	port = line_services[svc].port;
	to_server = sc->k->dport == port;
	if (to_server == (sc->k->sport == port))
		return;		/* both ends on the port: no telling */
	for (size_t i = 0; i < len && sc->err == 0; i++) {
		if (line_services[svc].iac && !iac_byte(d, p[i]))
			continue;
		if (to_server)
			client_byte(sc, s, d, svc, p[i]);
		else if (line_services[svc].svc == SVC_TELNET)
			telnet_server_byte(s, d, &s->d[1 - dir], p[i]);
	}
}

/* ---- personal data ------------------------------------------------------- */

static int
contains_ci(const unsigned char *h, size_t hlen, const char *needle,
    size_t n)
{
	int first = lower((unsigned char)needle[0]);

	if (n == 0 || n > hlen)
		return 0;
	for (size_t i = 0; i + n <= hlen; i++) {
		size_t k;

		if (lower(h[i]) != first)
			continue;
		for (k = 1; k < n; k++)
			if (lower(h[i + k]) != lower((unsigned char)needle[k]))
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

static void
scan_personal(struct asy_clear_scan *sc, const unsigned char *p, size_t len)
{
	const char *proto = pkt_proto(sc->k);
	const char *const *nd = sc->o != NULL ? sc->o->needles : NULL;

	for (size_t i = 0; nd != NULL && nd[i] != NULL && sc->err == 0; i++) {
		size_t n = strlen(nd[i]);
		char *v, *what, *key;

		if (n == 0 || !contains_ci(p, len, nd[i], n))
			continue;
		v = shown(nd[i], n);
		key = asy_strdup(nd[i]);
		for (size_t c = 0; key != NULL && key[c] != '\0'; c++)
			key[c] = (char)lower((unsigned char)key[c]);
		what = v != NULL ? asy_strdup_printf("personal data \"%s\" in "
		    "clear", v) : NULL;
		if (key == NULL)
			sc->err = ASY_E_NOMEM;
		else
			found(sc, K_PERSONAL, proto, key, what);
		free(what);
		free(key);
		free(v);
	}
	if (sc->o == NULL || !sc->o->emails)
		return;
	for (size_t pos = 0, st, n; sc->err == 0 &&
	    asy_email_find((const char *)p + pos, len - pos, &st, &n);
	    pos += st + n) {
		char *v = shown(p + pos + st, n), *what;

		what = v != NULL ? asy_strdup_printf("e-mail address %s", v) :
		    NULL;
		if (v != NULL) {
			for (size_t c = 0; v[c] != '\0'; c++)
				v[c] = (char)lower((unsigned char)v[c]);
			found(sc, K_PERSONAL, proto, v, what);
		} else {
			sc->err = ASY_E_NOMEM;
		}
		free(what);
		free(v);
	}
}

/* Scan the tail of d and p together, then keep the end as the tail. */
static void
scan_personal_stream(struct asy_clear_scan *sc, struct dir *d,
    const unsigned char *p, size_t len)
{
	struct asy_buf *b = &sc->scratch;
	size_t keep;

	if (len > MAX_SCAN)
		len = MAX_SCAN;
	asy_buf_reset(b);
	if (asy_buf_add(b, d->tail, d->tail_len) < 0 ||
	    asy_buf_add(b, p, len) < 0) {
		sc->err = ASY_E_NOMEM;
		return;
	}
	scan_personal(sc, (const unsigned char *)b->data, b->len);
	keep = b->len < TAIL_LEN ? b->len : TAIL_LEN;
	memcpy(d->tail, b->data + b->len - keep, keep);
	d->tail_len = keep;
}

/* ---- secrets in form and JSON fields ------------------------------------ */

/* Field names whose value is a secret, as provisioning APIs name them
 * (compared ignoring case; the whole name must match). */
static const struct {
	const char	*name;
	const char	*label;
} secret_fields[] = {
	{ "psk",		"Wi-Fi passphrase" },
	{ "wpa_psk",		"Wi-Fi passphrase" },
	{ "wpa-psk",		"Wi-Fi passphrase" },
	{ "wifi_password",	"Wi-Fi password" },
	{ "wifi_pass",		"Wi-Fi password" },
	{ "wifi_key",		"Wi-Fi key" },
	{ "wifipassword",	"Wi-Fi password" },
	{ "passphrase",		"passphrase" },
	{ "password",		"password" },
	{ "passwd",		"password" },
	{ "pass",		"password" },
	{ "pwd",		"password" },
	{ "secret",		"secret" },
};

/* Longest field name looked at. */
#define MAX_FIELD_NAME	32

static int
name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
secret_field(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(secret_fields); i++)
		if (strlen(secret_fields[i].name) == n &&
		    istarts(p, n, secret_fields[i].name))
			return (int)i;
	return -1;
}

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Is there a non-empty form value at p[v]? */
static int
form_value(const unsigned char *p, size_t len, size_t v)
{
	return v < len && p[v] != '&' && !blank(p[v]) && p[v] != ';';
}

/* Is there a JSON value other than "" and null after the name's closing
 * quote at p[v]? */
static int
json_value(const unsigned char *p, size_t len, size_t v)
{
	size_t e;

	while (v < len && blank(p[v]))
		v++;
	if (v >= len || p[v] != ':')
		return 0;
	for (v++; v < len && blank(p[v]); v++)
		;
	if (v >= len)
		return 0;
	if (p[v] == '"')
		return v + 1 < len && p[v + 1] != '"';
	/* A number or literal counts when it ends before the payload does
	 * (a cut "nul" is not a password) and is not null. */
	for (e = v; e < len && p[e] != ',' && p[e] != '}' && p[e] != ']' &&
	    !blank(p[e]); e++)
		;
	if (e == len || e == v)
		return 0;
	return !(e - v == 4 && memcmp(p + v, "null", 4) == 0);
}

/*
 * password=..., psk=... (forms, query strings) and "password": "..."
 * (JSON) with a value; one finding per field name and protocol, the value
 * never kept.
 */
static void
scan_fields(struct asy_clear_scan *sc, const unsigned char *p, size_t len)
{
	if (len > MAX_SCAN)
		len = MAX_SCAN;
	for (size_t i = 0; i < len && sc->err == 0; i++) {
		unsigned char before = i > 0 ? p[i - 1] : '&';
		size_t e;
		int idx, json;
		char *what;

		if (!name_byte(p[i]) || (i > 0 && name_byte(before)))
			continue;
		for (e = i; e < len && e - i <= MAX_FIELD_NAME &&
		    name_byte(p[e]); e++)
			;
		if (e >= len || e - i > MAX_FIELD_NAME)
			continue;
		json = before == '"' && p[e] == '"';
		if (!json && !(p[e] == '=' && (before == '&' ||
		    before == '?' || before == ';' || blank(before))))
			continue;
		idx = secret_field(p + i, e - i);
		if (idx < 0 || !(json ? json_value(p, len, e + 1) :
		    form_value(p, len, e + 1)))
			continue;
		what = asy_strdup_printf("%s in %s field \"%s\" in clear "
		    "(value not shown)", secret_fields[idx].label,
		    json ? "JSON" : "form", secret_fields[idx].name);
		found(sc, K_CRED, pkt_proto(sc->k), secret_fields[idx].name,
		    what);
		free(what);
		i = e;
	}
}

/* ---- TCP and UDP --------------------------------------------------------- */

static int
is_tls_start(const unsigned char *p, size_t len)
{
	return len >= 3 && p[0] >= 0x14 && p[0] <= 0x17 && p[1] == 0x03 &&
	    p[2] <= 0x04;
}

/* Which end is the client, when no SYN said it: the one not on a
 * well-known port, else the one on the higher port. */
static int
guess_client(const struct stream *s)
{
	int a_known = s->ap < 1024 || port_name(s->ap, IPPROTO_TCP_);
	int b_known = s->bp < 1024 || port_name(s->bp, IPPROTO_TCP_);

	if (a_known != b_known)
		return a_known ? 1 : 0;
	return s->ap > s->bp ? 0 : 1;
}

/* Cut what was seen already from a segment (retransmissions). */
static int
new_bytes(struct dir *d, const struct pkt *k, const unsigned char **p,
    size_t *len)
{
	uint32_t seq = k->seq;

	if (k->flags & TH_SYN)
		seq++;
	if (d->have_seq) {
		int32_t ahead = (int32_t)(seq - d->next_seq);

		if (ahead < 0) {
			size_t dup = (size_t)-(int64_t)ahead;

			if (dup >= *len)
				return 0;
			*p += dup;
			*len -= dup;
			seq += (uint32_t)dup;
		}
	}
	d->have_seq = 1;
	d->next_seq = seq + (uint32_t)*len;
	return *len > 0;
}

static void
scan_tcp(struct asy_clear_scan *sc, const struct pkt *k)
{
	const unsigned char *p = k->data;
	size_t len = k->len;
	struct stream *s;
	struct dir *d;
	int dir;

	s = stream_get(sc, k, &dir);
	d = &s->d[dir];
	if ((k->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		if (s->d[0].seen || s->d[1].seen)
			stream_restart(s);
		s->client = dir;
	}
	if (k->flags & TH_SYN) {
		d->have_seq = 1;
		d->next_seq = k->seq + 1;
	}
	if (len == 0 || !new_bytes(d, k, &p, &len))
		return;
	/* TLS from the first bytes on, or after STARTTLS (a ClientHello). */
	if ((!d->seen && is_tls_start(p, len)) || (len > 5 && p[0] == 0x16 &&
	    p[1] == 0x03 && p[2] <= 0x04 && p[5] == 0x01))
		s->tls = 1;
	d->seen = 1;
	if (s->tls)
		return;
	if (s->client < 0)
		s->client = guess_client(s);
	/* Authorization headers and CONNECT packets come from clients. */
	if (dir == s->client) {
		scan_http_auth(sc, p, len);
		if (p[0] == 0x10)
			scan_mqtt(sc, p, len);
	}
	scan_lines(sc, s, dir, p, len);
	if (sc->o != NULL && sc->o->fields)
		scan_fields(sc, p, len);
	scan_personal_stream(sc, d, p, len);
}

static void
scan_udp(struct asy_clear_scan *sc, const struct pkt *k)
{
	/* DTLS records: encrypted. */
	if (k->len >= 2 && k->data[0] >= 0x14 && k->data[0] <= 0x17 &&
	    k->data[1] == 0xfe)
		return;
	if (k->sport == 161 || k->dport == 161 || k->sport == 162 ||
	    k->dport == 162)
		scan_snmp(sc, k->data, k->len);
	if (sc->o != NULL && sc->o->fields)
		scan_fields(sc, k->data, k->len);
	scan_personal(sc, k->data, k->len);
}

/* One decoded packet of the current frame. */
static void
scan_pkt(struct asy_clear_scan *sc, const struct pkt *k)
{
	sc->k = k;
	if (k->proto == IPPROTO_TCP_)
		scan_tcp(sc, k);
	else
		scan_udp(sc, k);
	sc->k = NULL;
}

static int
on_frame(const struct asy_frame *f, void *ctx)
{
	struct asy_clear_scan *sc = ctx;
	struct pkt k;

	memset(&k, 0, sizeof(k));
	sc->frame = f->no;
	if (decode_frame(f, &k) == 0)
		scan_pkt(sc, &k);
	return sc->err != 0 || sc->added >= sc->max;
}

int
asy_clear_scan_new(const struct asy_clear_opts *o,
    struct asy_clear_scan **out)
{
	struct asy_clear_scan *sc;

	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return ASY_E_NOMEM;
	sc->o = o;
	sc->max = o != NULL && o->max_findings > 0 ? o->max_findings :
	    DEF_FINDINGS;
	for (size_t i = 0; i < N_BUCKETS; i++)
		sc->bucket[i] = -1;
	asy_buf_init(&sc->scratch, TAIL_LEN + MAX_SCAN);
	sc->st = calloc(MAX_STREAMS, sizeof(*sc->st));
	if (sc->st == NULL) {
		free(sc);
		return ASY_E_NOMEM;
	}
	*out = sc;
	return 0;
}

int
asy_clear_scan_ip(struct asy_clear_scan *sc, unsigned long frame,
    const void *ip, size_t len)
{
	struct pkt k;

	if (sc == NULL)
		return ASY_E_INTERNAL;
	if (sc->err != 0)
		return sc->err;
	memset(&k, 0, sizeof(k));
	sc->frame = frame;
	if (ip != NULL && decode_ip(ip, len, ip_version_type(ip, len),
	    &k) == 0 && sc->added < sc->max)
		scan_pkt(sc, &k);
	return sc->err;
}

size_t
asy_clear_scan_count(const struct asy_clear_scan *sc)
{
	return sc != NULL ? sc->n : 0;
}

int
asy_clear_scan_take(struct asy_clear_scan *sc, struct asy_clear_finding **f,
    size_t *n)
{
	struct asy_clear_finding *nf;

	if (sc == NULL || sc->n == 0)
		return 0;
	if (*n > SIZE_MAX / sizeof(*nf) - sc->n)
		return ASY_E_NOMEM;
	nf = realloc(*f, (*n + sc->n) * sizeof(*nf));
	if (nf == NULL)
		return ASY_E_NOMEM;
	/* The strings move with the structures. */
	memcpy(nf + *n, sc->f, sc->n * sizeof(*nf));
	*f = nf;
	*n += sc->n;
	free(sc->f);
	sc->f = NULL;
	sc->n = 0;
	sc->cap = 0;
	return 0;
}

void
asy_clear_scan_free(struct asy_clear_scan *sc)
{
	if (sc == NULL)
		return;
	for (size_t i = 0; i < sc->n; i++)
		finding_free(&sc->f[i]);
	free(sc->f);
	for (size_t i = 0; i < sc->n_keys; i++)
		free(sc->keys[i].value);
	free(sc->keys);
	for (size_t i = 0; sc->st != NULL && i < sc->n_st; i++)
		explicit_bzero(&sc->st[i], sizeof(sc->st[i]));
	free(sc->st);
	asy_buf_release(&sc->scratch);
	free(sc);
}

int
asy_pcap_cleartext(const char *path, const struct asy_clear_opts *o,
    struct asy_clear_finding **f, size_t *n, char *why, size_t why_len)
{
	struct asy_clear_scan *sc = NULL;
	char eb[256] = "";
	int r;

	r = asy_clear_scan_new(o, &sc);
	if (r < 0)
		return r;
	r = asy_capture_each(path, on_frame, sc, eb, sizeof(eb));
	if (r < 0) {
		asy_debug("%s: %s", path, eb);
		asy_why(why, why_len, "%s: %s", path, eb);
		goto out;
	}
	r = sc->err;
	if (r == 0)
		r = asy_clear_scan_take(sc, f, n);
out:
	asy_clear_scan_free(sc);
	return r;
}
