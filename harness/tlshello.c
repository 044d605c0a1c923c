/*
 * TLS ClientHellos from a client's bytes and from captures.  RFC 8446
 * section 4.1.2 (the hello), 4.2.1 (supported_versions), RFC 8701
 * (GREASE), RFC 5746 and 7507 (the signalling suite values), the IANA
 * registry of cipher suites and OpenSSL's names for them.
 */
#include "tlshello.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "capture.h"
#include "cryptopol.h"
#include "error.h"
#include "log.h"
#include "pcapscan.h"
#include "util.h"

#define REC_HDR		5
#define REC_HANDSHAKE	22
#define HS_HDR		4
#define HS_CLIENT_HELLO	1
#define HELLO_MAX	((size_t)64 << 10)	/* a hello, all records */
#define EXT_SV		43			/* supported_versions */
#define DEF_MAX		64
#define MAX_STREAMS	64
#define STREAM_MAX	(HELLO_MAX + 1024)	/* with record headers */

/* ---- the suite table ---------------------------------------------------- */

static const struct {
	unsigned	 code;
	const char	*name;
} suites[] = {
	/* TLS 1.3 */
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	/* ECDHE and DHE, AEAD */
	{ 0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ 0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ 0xc030, "ECDHE-RSA-AES256-GCM-SHA384" },
	{ 0xcca8, "ECDHE-RSA-CHACHA20-POLY1305" },
	{ 0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ 0xccaa, "DHE-RSA-CHACHA20-POLY1305" },
	{ 0x009e, "DHE-RSA-AES128-GCM-SHA256" },
	{ 0x009f, "DHE-RSA-AES256-GCM-SHA384" },
	{ 0x00a2, "DHE-DSS-AES128-GCM-SHA256" },
	{ 0x00a3, "DHE-DSS-AES256-GCM-SHA384" },
	{ 0xc0ac, "ECDHE-ECDSA-AES128-CCM" },
	{ 0xc0ad, "ECDHE-ECDSA-AES256-CCM" },
	{ 0xc0ae, "ECDHE-ECDSA-AES128-CCM8" },
	{ 0xc0af, "ECDHE-ECDSA-AES256-CCM8" },
	{ 0xc09e, "DHE-RSA-AES128-CCM" },
	{ 0xc09f, "DHE-RSA-AES256-CCM" },
	/* ECDHE and DHE, CBC */
	{ 0xc023, "ECDHE-ECDSA-AES128-SHA256" },
	{ 0xc024, "ECDHE-ECDSA-AES256-SHA384" },
	{ 0xc027, "ECDHE-RSA-AES128-SHA256" },
	{ 0xc028, "ECDHE-RSA-AES256-SHA384" },
	{ 0xc009, "ECDHE-ECDSA-AES128-SHA" },
	{ 0xc00a, "ECDHE-ECDSA-AES256-SHA" },
	{ 0xc013, "ECDHE-RSA-AES128-SHA" },
	{ 0xc014, "ECDHE-RSA-AES256-SHA" },
	{ 0x0067, "DHE-RSA-AES128-SHA256" },
	{ 0x006b, "DHE-RSA-AES256-SHA256" },
	{ 0x0040, "DHE-DSS-AES128-SHA256" },
	{ 0x006a, "DHE-DSS-AES256-SHA256" },
	{ 0x0033, "DHE-RSA-AES128-SHA" },
	{ 0x0039, "DHE-RSA-AES256-SHA" },
	{ 0x0032, "DHE-DSS-AES128-SHA" },
	{ 0x0038, "DHE-DSS-AES256-SHA" },
	{ 0x0045, "DHE-RSA-CAMELLIA128-SHA" },
	{ 0x0088, "DHE-RSA-CAMELLIA256-SHA" },
	/* static RSA */
	{ 0x009c, "AES128-GCM-SHA256" },
	{ 0x009d, "AES256-GCM-SHA384" },
	{ 0x003c, "AES128-SHA256" },
	{ 0x003d, "AES256-SHA256" },
	{ 0x002f, "AES128-SHA" },
	{ 0x0035, "AES256-SHA" },
	{ 0x0041, "CAMELLIA128-SHA" },
	{ 0x0084, "CAMELLIA256-SHA" },
	{ 0x0096, "SEED-SHA" },
	{ 0xc09c, "AES128-CCM" },
	{ 0xc09d, "AES256-CCM" },
	/* pre-shared keys */
	{ 0x008c, "PSK-AES128-CBC-SHA" },
	{ 0x008d, "PSK-AES256-CBC-SHA" },
	{ 0x00a8, "PSK-AES128-GCM-SHA256" },
	{ 0x00a9, "PSK-AES256-GCM-SHA384" },
	{ 0x00ae, "PSK-AES128-CBC-SHA256" },
	{ 0xc0a4, "PSK-AES128-CCM" },
	{ 0xc0a8, "PSK-AES128-CCM8" },
	{ 0xccab, "PSK-CHACHA20-POLY1305" },
	{ 0xccac, "ECDHE-PSK-CHACHA20-POLY1305" },
	{ 0xc035, "ECDHE-PSK-AES128-CBC-SHA" },
	/* 3DES, DES, RC4, RC2, IDEA */
	{ 0x000a, "DES-CBC3-SHA" },
	{ 0x0016, "EDH-RSA-DES-CBC3-SHA" },
	{ 0x0013, "EDH-DSS-DES-CBC3-SHA" },
	{ 0xc008, "ECDHE-ECDSA-DES-CBC3-SHA" },
	{ 0xc012, "ECDHE-RSA-DES-CBC3-SHA" },
	{ 0x0009, "DES-CBC-SHA" },
	{ 0x0015, "EDH-RSA-DES-CBC-SHA" },
	{ 0x0012, "EDH-DSS-DES-CBC-SHA" },
	{ 0x0004, "RC4-MD5" },
	{ 0x0005, "RC4-SHA" },
	{ 0xc007, "ECDHE-ECDSA-RC4-SHA" },
	{ 0xc011, "ECDHE-RSA-RC4-SHA" },
	{ 0x0007, "IDEA-CBC-SHA" },
	/* export */
	{ 0x0003, "EXP-RC4-MD5" },
	{ 0x0006, "EXP-RC2-CBC-MD5" },
	{ 0x0008, "EXP-DES-CBC-SHA" },
	{ 0x0011, "EXP-EDH-DSS-DES-CBC-SHA" },
	{ 0x0014, "EXP-EDH-RSA-DES-CBC-SHA" },
	{ 0x0017, "EXP-ADH-RC4-MD5" },
	{ 0x0019, "EXP-ADH-DES-CBC-SHA" },
	{ 0x0062, "EXP1024-DES-CBC-SHA" },
	{ 0x0064, "EXP1024-RC4-SHA" },
	/* NULL */
	{ 0x0001, "NULL-MD5" },
	{ 0x0002, "NULL-SHA" },
	{ 0x003b, "NULL-SHA256" },
	{ 0xc006, "ECDHE-ECDSA-NULL-SHA" },
	{ 0xc010, "ECDHE-RSA-NULL-SHA" },
	{ 0x002c, "PSK-NULL-SHA" },
	/* anonymous */
	{ 0x0018, "ADH-RC4-MD5" },
	{ 0x001a, "ADH-DES-CBC-SHA" },
	{ 0x001b, "ADH-DES-CBC3-SHA" },
	{ 0x0034, "ADH-AES128-SHA" },
	{ 0x003a, "ADH-AES256-SHA" },
	{ 0x006c, "ADH-AES128-SHA256" },
	{ 0x006d, "ADH-AES256-SHA256" },
	{ 0x00a6, "ADH-AES128-GCM-SHA256" },
	{ 0x00a7, "ADH-AES256-GCM-SHA384" },
	{ 0xc015, "AECDH-NULL-SHA" },
	{ 0xc016, "AECDH-RC4-SHA" },
	{ 0xc017, "AECDH-DES-CBC3-SHA" },
	{ 0xc018, "AECDH-AES128-SHA" },
	{ 0xc019, "AECDH-AES256-SHA" },
	/* static ECDH */
	{ 0xc004, "ECDH-ECDSA-AES128-SHA" },
	{ 0xc005, "ECDH-ECDSA-AES256-SHA" },
	{ 0xc00e, "ECDH-RSA-AES128-SHA" },
	{ 0xc00f, "ECDH-RSA-AES256-SHA" },
};

static const struct {
	unsigned	 code;
	const char	*name;
} versions[] = {
	{ 0x0300, "SSLv3" },
	{ 0x0301, "TLSv1" },
	{ 0x0302, "TLSv1.1" },
	{ 0x0303, "TLSv1.2" },
	{ 0x0304, "TLSv1.3" },
};

const char *
asy_tls_suite_name(unsigned code)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(suites); i++)
		if (suites[i].code == code)
			return suites[i].name;
	return NULL;
}

const char *
asy_tls_version_name(unsigned v)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(versions); i++)
		if (versions[i].code == v)
			return versions[i].name;
	return NULL;
}

/* ---- the hello ---------------------------------------------------------- */

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
static int
grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A cursor over bytes whose every read is checked. */
struct rd {
	const unsigned char	*p;
	size_t			 left;
};

static int
take(struct rd *r, size_t n, const unsigned char **out)
{
	if (n > r->left)
		return -1;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

static int
take16(struct rd *r, unsigned *v)
{
	const unsigned char *q;

	if (take(r, 2, &q) < 0)
		return -1;
	*v = be16(q);
	return 0;
}

static int
take8(struct rd *r, unsigned *v)
{
	const unsigned char *q;

	if (take(r, 1, &q) < 0)
		return -1;
	*v = q[0];
	return 0;
}

/* The body of a ClientHello (after its 4-byte header), exactly len. */
static int
parse_body(const unsigned char *p, size_t len, struct asy_tls_hello *h)
{
	struct rd r = { p, len }, ex;
	const unsigned char *q;
	unsigned n, v;

	memset(h, 0, sizeof(*h));
	if (take16(&r, &h->legacy_version) < 0 || take(&r, 32, &q) < 0 ||
	    take8(&r, &n) < 0 || n > 32 || take(&r, n, &q) < 0)
		return ASY_E_PROTO;
	if (take16(&r, &n) < 0 || n < 2 || n % 2 != 0 || take(&r, n, &q) < 0)
		return ASY_E_PROTO;
	for (unsigned i = 0; i < n; i += 2) {
		v = be16(q + i);
		h->n_suites_wire++;
		if (grease(v) || v == 0x00ff || v == 0x5600)
			continue;
		if (h->n_suites < ASY_TLS_MAX_SUITES)
			h->suites[h->n_suites++] = v;
	}
	if (take8(&r, &n) < 0 || n < 1 || take(&r, n, &q) < 0)
		return ASY_E_PROTO;
	/* No extension block at all: a TLS 1.0-era client. */
	if (r.left > 0 && (take16(&r, &n) < 0 || n != r.left))
		return ASY_E_PROTO;
	while (r.left > 0) {
		unsigned type, elen;

		if (take16(&r, &type) < 0 || take16(&r, &elen) < 0 ||
		    take(&r, elen, &q) < 0)
			return ASY_E_PROTO;
		if (type != EXT_SV)
			continue;
		if (h->has_sv)
			return ASY_E_PROTO;	/* twice: RFC 8446 4.2 */
		h->has_sv = 1;
		ex.p = q;
		ex.left = elen;
		if (take8(&ex, &n) < 0 || n < 2 || n % 2 != 0 ||
		    n != ex.left)
			return ASY_E_PROTO;
		while (ex.left > 0) {
			(void)take16(&ex, &v);
			if (grease(v))
				continue;
			if (h->n_versions < ASY_TLS_MAX_VERSIONS)
				h->versions[h->n_versions++] = v;
		}
	}
	if (!h->has_sv) {
		h->versions[0] = h->legacy_version;
		h->n_versions = 1;
	}
	return 0;
}

int
asy_tls_client_hello(const unsigned char *p, size_t len,
    struct asy_tls_hello *h)
{
	struct asy_buf hs;
	struct asy_tls_hello tmp;
	size_t off = 0, want = 0;
	int r;

	if (len > 0 && p[0] != REC_HANDSHAKE)
		return ASY_E_PROTO;	/* another record, or SSL 2.0 */
	asy_buf_init(&hs, HELLO_MAX + HS_HDR);
	for (;;) {
		size_t rlen;

		if (len - off < REC_HDR) {
			r = ASY_E_CLOSED;
			goto out;
		}
		/* Every record of the hello is a handshake record of a
		 * plausible version (3.x). */
		if (p[off] != REC_HANDSHAKE || p[off + 1] != 3) {
			r = ASY_E_PROTO;
			goto out;
		}
		rlen = be16(p + off + 3);
		if (rlen == 0 || rlen > 16384 + 2048) {
			r = ASY_E_PROTO;
			goto out;
		}
		if (len - off - REC_HDR < rlen) {
			r = ASY_E_CLOSED;
			goto out;
		}
		r = asy_buf_add(&hs, p + off + REC_HDR, rlen);
		if (r == ASY_E_TOOBIG)
			r = ASY_E_PROTO;
		if (r < 0)
			goto out;
		off += REC_HDR + rlen;
		if (want == 0 && hs.len >= HS_HDR) {
			const unsigned char *d = (const unsigned char *)hs.data;

			if (d[0] != HS_CLIENT_HELLO) {
				r = ASY_E_PROTO;
				goto out;
			}
			want = (size_t)d[1] << 16 | (size_t)d[2] << 8 | d[3];
			if (want > HELLO_MAX) {
				r = ASY_E_PROTO;
				goto out;
			}
			want += HS_HDR;
		}
		if (want != 0 && hs.len >= want)
			break;
	}
	r = parse_body((const unsigned char *)hs.data + HS_HDR,
	    want - HS_HDR, &tmp);
	if (r == 0)
		*h = tmp;
out:
	asy_buf_release(&hs);
	return r;
}

/* ---- captures ----------------------------------------------------------- */

struct stream {
	int		 v6;
	unsigned char	 addr[16];	/* the client's */
	unsigned	 port;
	uint32_t	 next;		/* the sequence number expected */
	int		 synced;	/* next is known */
	int		 done;		/* decided: a hello or not one */
	unsigned long	 first;		/* the frame of its first byte */
	struct asy_buf	 b;
};

struct walk {
	int		 any_server, v6;
	unsigned char	 server[16];
	unsigned	 port;
	struct stream	*st;
	size_t		 n_st;
	struct asy_tls_seen *out;
	size_t		 n, max;
	int		 err;
};

static struct stream *
stream_of(struct walk *w, const struct asy_tcp_seg *s)
{
	struct stream *t;

	for (size_t i = 0; i < w->n_st; i++) {
		t = &w->st[i];
		if (t->v6 == s->v6 && t->port == s->sport &&
		    memcmp(t->addr, s->src, 16) == 0)
			return t;
	}
	if (w->n_st == MAX_STREAMS) {
		/* Reuse a decided one: a new connection from another
		 * port. */
		for (size_t i = 0; i < w->n_st; i++)
			if (w->st[i].done) {
				t = &w->st[i];
				asy_buf_release(&t->b);
				goto fill;
			}
		return NULL;
	}
	t = &w->st[w->n_st++];
fill:
	memset(t, 0, sizeof(*t));
	t->v6 = s->v6;
	memcpy(t->addr, s->src, 16);
	t->port = s->sport;
	asy_buf_init(&t->b, STREAM_MAX);
	return t;
}

static void
endpoint(const struct stream *t, char out[64])
{
	char a[INET6_ADDRSTRLEN] = "?";

	(void)inet_ntop(t->v6 ? AF_INET6 : AF_INET, t->addr, a, sizeof(a));
	snprintf(out, 64, t->v6 ? "[%s]:%u" : "%s:%u", a, t->port);
}

static int
on_frame(const struct asy_frame *f, void *ctx)
{
	struct walk *w = ctx;
	struct asy_tcp_seg s;
	struct stream *t;
	struct asy_tls_hello h;
	int r;

	if (asy_frame_tcp(f, &s) < 0 || s.dport != w->port)
		return 0;
	if (!w->any_server && (s.v6 != w->v6 ||
	    memcmp(s.dst, w->server, s.v6 ? 16 : 4) != 0))
		return 0;
	t = stream_of(w, &s);
	if (t == NULL)
		return 0;
	if (s.flags & 0x02) {
		/* A SYN: a connection (again) from this port. */
		asy_buf_reset(&t->b);
		t->done = 0;
		t->first = 0;
		t->next = s.seq + 1;
		t->synced = 1;
		return 0;
	}
	if (t->done || s.len == 0)
		return 0;
	if (!t->synced) {
		/* The capture began after the SYN. */
		t->next = s.seq;
		t->synced = 1;
	}
	if (s.seq != t->next) {
		/* Behind: a retransmission; ahead: a gap we cannot fill. */
		if ((int32_t)(s.seq - t->next) > 0)
			t->done = 1;
		return 0;
	}
	if (t->first == 0)
		t->first = f->no;
	r = asy_buf_add(&t->b, s.data, s.len);
	if (r == ASY_E_NOMEM) {
		w->err = r;
		return 1;
	}
	if (r < 0) {
		t->done = 1;
		return 0;
	}
	t->next += (uint32_t)s.len;
	r = asy_tls_client_hello((const unsigned char *)t->b.data, t->b.len,
	    &h);
	if (r == ASY_E_CLOSED)
		return 0;
	t->done = 1;
	if (r == ASY_E_NOMEM) {
		w->err = r;
		return 1;
	}
	if (r < 0 || w->n >= w->max)
		return 0;
	w->out[w->n].frame = t->first;
	endpoint(t, w->out[w->n].client);
	w->out[w->n].h = h;
	w->n++;
	asy_buf_release(&t->b);
	return 0;
}

int
asy_pcap_client_hellos(const char *path, const char *server, unsigned port,
    size_t max, struct asy_tls_seen **out, size_t *n, char *why,
    size_t whylen)
{
	struct walk w;
	char eb[256] = "";
	int r;

	memset(&w, 0, sizeof(w));
	w.port = port;
	w.max = max != 0 ? max : DEF_MAX;
	if (server == NULL)
		w.any_server = 1;
	else if (inet_pton(AF_INET, server, w.server) == 1)
		w.v6 = 0;
	else if (inet_pton(AF_INET6, server, w.server) == 1)
		w.v6 = 1;
	else {
		asy_why(why, whylen, "not an IPv4 or IPv6 address: %.64s",
		    server);
		return ASY_E_INPUT;
	}
	w.st = calloc(MAX_STREAMS, sizeof(*w.st));
	w.out = calloc(w.max, sizeof(*w.out));
	if (w.st == NULL || w.out == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_capture_each(path, on_frame, &w, eb, sizeof(eb));
	if (r < 0) {
		asy_debug("%s: %s", path, eb);
		asy_why(why, whylen, "%s: %s", path, eb);
		goto out;
	}
	r = w.err;
	if (r < 0)
		goto out;
	if (w.n == 0) {
		free(w.out);
		w.out = NULL;
	}
	*out = w.out;
	*n = w.n;
	w.out = NULL;
out:
	for (size_t i = 0; i < w.n_st; i++)
		asy_buf_release(&w.st[i].b);
	free(w.st);
	free(w.out);
	return r;
}

/* ---- judging ------------------------------------------------------------ */

#define SHOWN_SUITES	64

/* "1.2" at p: the minor version (0..3) and the length, or -1. */
static int
minor_at(const char *p, size_t *used)
{
	if (p[0] == '1' && p[1] == '.' && p[2] >= '0' && p[2] <= '3' &&
	    !isdigit((unsigned char)p[3])) {
		*used = 3;
		return p[2] - '0';
	}
	return -1;
}

unsigned
asy_tls_versions_named(const char *text)
{
	unsigned set = 0;

	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		size_t used;
		int m;

		if (strncasecmp(p, "SSLv3", 5) == 0 ||
		    strncasecmp(p, "SSL 3.0", 7) == 0) {
			set |= 1u << 0;
			continue;
		}
		if (strncasecmp(p, "TLS", 3) != 0 ||
		    (p > text && isalnum((unsigned char)p[-1])))
			continue;
		p += 3;
		/* "TLS 1.2 or 1.3", "TLSv1.2, 1.3", "TLS 1.2/1.3", "1.2+" */
		for (;;) {
			while (*p == ' ' || *p == 'v' || *p == 'V')
				p++;
			m = minor_at(p, &used);
			if (m < 0)
				break;
			set |= 1u << (m + 1);
			p += used;
			if (*p == '+') {
				for (int k = m + 1; k <= 3; k++)
					set |= 1u << (k + 1);
				p++;
			}
			while (*p == ' ' || *p == ',' || *p == '/' ||
			    *p == '&')
				p++;
			if (strncasecmp(p, "or ", 3) == 0)
				p += 3;
			else if (strncasecmp(p, "and ", 4) == 0)
				p += 4;
		}
		if (*p == '\0')
			break;
	}
	return set;
}

static void
name_version(unsigned v, char out[16])
{
	const char *nm = asy_tls_version_name(v);

	if (nm != NULL)
		snprintf(out, 16, "%s", nm);
	else
		snprintf(out, 16, "0x%04x", v & 0xffff);
}

int
asy_tls_hellos_judge(const struct asy_tls_seen *s, size_t n,
    const char *decl, struct asy_buf *why)
{
	unsigned vers[ASY_TLS_MAX_VERSIONS], suite[ASY_TLS_MAX_SUITES];
	size_t nv = 0, ns = 0, dated = 0, start = why->len;
	unsigned named = asy_tls_versions_named(decl);
	int weak = 0, legacy_only = 0, r;
	char vn[16];

	if (n == 0)
		return ASY_E_INPUT;
	for (size_t i = 0; i < n; i++) {
		const struct asy_tls_hello *h = &s[i].h;
		size_t k;

		if (!h->has_sv)
			legacy_only = 1;
		for (size_t j = 0; j < h->n_versions; j++) {
			for (k = 0; k < nv; k++)
				if (vers[k] == h->versions[j])
					break;
			if (k == nv && nv < ASY_TLS_MAX_VERSIONS)
				vers[nv++] = h->versions[j];
		}
		for (size_t j = 0; j < h->n_suites; j++) {
			for (k = 0; k < ns; k++)
				if (suite[k] == h->suites[j])
					break;
			if (k == ns && ns < ASY_TLS_MAX_SUITES)
				suite[ns++] = h->suites[j];
		}
	}
	(void)asy_buf_printf(why, "%zu ClientHello%s (frame%s", n,
	    n == 1 ? "" : "s", n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < 16; i++)
		(void)asy_buf_printf(why, "%s %lu", i ? "," : "", s[i].frame);
	(void)asy_buf_printf(why, "%s) offer%s ", n > 16 ? ", ..." : "",
	    n == 1 ? "s" : "");
	for (size_t k = 0; k < nv; k++) {
		name_version(vers[k], vn);
		(void)asy_buf_printf(why, "%s%s", k ? ", " : "", vn);
	}
	if (legacy_only)
		(void)asy_buf_puts(why, " (no supported_versions extension: "
		    "the highest version only)");
	(void)asy_buf_printf(why, " and %zu suite%s:", ns, ns == 1 ? "" : "s");
	for (size_t k = 0; k < ns && k < SHOWN_SUITES; k++) {
		const char *nm = asy_tls_suite_name(suite[k]);

		if (nm != NULL)
			(void)asy_buf_printf(why, " %s", nm);
		else
			(void)asy_buf_printf(why, " 0x%04x", suite[k]);
	}
	if (ns > SHOWN_SUITES)
		(void)asy_buf_printf(why, " (and %zu more)", ns - SHOWN_SUITES);
	for (size_t k = 0; k < nv; k++) {
		const char *nm = asy_tls_version_name(vers[k]);
		const char *bad = nm != NULL ? asy_weak_tls_version(nm) : NULL;

		name_version(vers[k], vn);
		if (nm == NULL && vers[k] < 0x0300)
			bad = "older than SSL 3.0";
		if (bad != NULL) {
			weak = 1;
			(void)asy_buf_printf(why, "; WEAK: offers %s: %s", vn,
			    bad);
		}
		if (named != 0 && (vers[k] & 0xff00) == 0x0300 &&
		    (vers[k] & 0xff) <= 4 &&
		    !(named & (1u << (vers[k] & 0xf)))) {
			weak = 1;
			(void)asy_buf_printf(why, "; offers %s, which the "
			    "IXIT does not declare", vn);
		}
	}
	for (size_t k = 0; k < ns; k++) {
		const char *nm = asy_tls_suite_name(suite[k]);
		const char *bad = asy_broken_tls_cipher(nm);

		if (bad != NULL) {
			weak = 1;
			(void)asy_buf_printf(why, "; WEAK: offers %s: %s", nm,
			    bad);
		} else if (asy_weak_tls_cipher(nm) != NULL)
			dated++;
	}
	if (dated > 0)
		(void)asy_buf_printf(why, "; %zu of the suites are dated "
		    "(no forward secrecy, or CBC with SHA-1), left to the "
		    "server's choice", dated);
	r = asy_buf_putc(why, '\0');
	if (r < 0) {
		why->len = start;
		return r;
	}
	why->len--;
	return weak;
}
