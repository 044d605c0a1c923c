/*
 * tlshello.c: ClientHellos from OpenSSL itself (a client over memory BIOs,
 * nothing on the network), crafted and truncated ones, one-byte
 * mutations of a real one, a capture with a hello split over segments and
 * a retransmission, OpenSSL's names against the table, the declared
 * versions, and the judgement.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdint.h>

#include "ut.h"

#include "buf.h"
#include "tlshello.h"

/* The bytes an OpenSSL client sends first: its ClientHello. */
static void
openssl_hello(int min, int max, const char *ciphers, struct asy_buf *out)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	BIO *rb, *wb;
	SSL *ssl;
	char *p;
	long n;

	ck_assert_ptr_nonnull(ctx);
	if (min != 0)
		ck_assert_int_eq(SSL_CTX_set_min_proto_version(ctx, min), 1);
	if (max != 0)
		ck_assert_int_eq(SSL_CTX_set_max_proto_version(ctx, max), 1);
	if (ciphers != NULL)
		ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, ciphers), 1);
	ssl = SSL_new(ctx);
	ck_assert_ptr_nonnull(ssl);
	rb = BIO_new(BIO_s_mem());
	wb = BIO_new(BIO_s_mem());
	SSL_set_bio(ssl, rb, wb);
	SSL_set_tlsext_host_name(ssl, "update.example");
	ck_assert_int_le(SSL_connect(ssl), 0);
	n = BIO_get_mem_data(wb, &p);
	ck_assert_int_gt(n, 0);
	asy_buf_init(out, (size_t)1 << 20);
	ck_assert_int_eq(asy_buf_add(out, p, (size_t)n), 0);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static int
has(const unsigned *v, size_t n, unsigned x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

START_TEST(test_openssl_default)
{
	struct asy_tls_hello h;
	struct asy_buf b;

	openssl_hello(TLS1_2_VERSION, 0, NULL, &b);
	ck_assert_int_eq(asy_tls_client_hello((unsigned char *)b.data, b.len,
	    &h), 0);
	ck_assert(h.has_sv);
	ck_assert_uint_eq(h.legacy_version, 0x0303);
	ck_assert_uint_eq(h.n_versions, 2);
	ck_assert(has(h.versions, h.n_versions, 0x0304));
	ck_assert(has(h.versions, h.n_versions, 0x0303));
	ck_assert(has(h.suites, h.n_suites, 0x1302));
	ck_assert(has(h.suites, h.n_suites, 0xc02f));
	ck_assert(!has(h.suites, h.n_suites, 0x00ff));	/* SCSV left out */
	ck_assert_uint_ge(h.n_suites_wire, h.n_suites);
	/* Every suite of OpenSSL's default is in the table. */
	for (size_t i = 0; i < h.n_suites; i++)
		ck_assert_msg(asy_tls_suite_name(h.suites[i]) != NULL,
		    "suite 0x%04x not named", h.suites[i]);
	/* Every prefix is "more to come", never a hello or a crash. */
	for (size_t n = 0; n < b.len; n++)
		ck_assert_int_eq(asy_tls_client_hello((unsigned char *)b.data,
		    n, &h), ASY_E_CLOSED);
	asy_buf_release(&b);
}
END_TEST

START_TEST(test_openssl_tls10)
{
	struct asy_tls_hello h;
	struct asy_buf b;

	openssl_hello(TLS1_VERSION, TLS1_VERSION, "DEFAULT:@SECLEVEL=0", &b);
	ck_assert_int_eq(asy_tls_client_hello((unsigned char *)b.data, b.len,
	    &h), 0);
	ck_assert(!h.has_sv);
	ck_assert_uint_eq(h.legacy_version, 0x0301);
	ck_assert_uint_eq(h.n_versions, 1);
	ck_assert_uint_eq(h.versions[0], 0x0301);
	asy_buf_release(&b);
}
END_TEST

/* The table's names are OpenSSL's, for every suite this OpenSSL knows. */
START_TEST(test_names)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	STACK_OF(SSL_CIPHER) *sk;
	SSL *ssl;
	int checked = 0;

	ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx,
	    "ALL:COMPLEMENTOFALL:@SECLEVEL=0"), 1);
	ssl = SSL_new(ctx);
	sk = SSL_get_ciphers(ssl);
	for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		unsigned id = SSL_CIPHER_get_protocol_id(c);
		const char *ours = asy_tls_suite_name(id);

		if (ours == NULL)
			continue;
		ck_assert_msg(strcmp(ours, SSL_CIPHER_get_name(c)) == 0,
		    "0x%04x: ours %s, OpenSSL %s", id, ours,
		    SSL_CIPHER_get_name(c));
		checked++;
	}
	ck_assert_int_gt(checked, 30);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ck_assert_str_eq(asy_tls_version_name(0x0302), "TLSv1.1");
	ck_assert_ptr_null(asy_tls_version_name(0x0305));
	ck_assert_ptr_null(asy_tls_suite_name(0xffff));
}
END_TEST

/* ---- crafted hellos ----------------------------------------------------- */

static void
be16(struct asy_buf *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	ck_assert_int_eq(asy_buf_add(b, c, 2), 0);
}

static void
u8(struct asy_buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;

	ck_assert_int_eq(asy_buf_add(b, &c, 1), 0);
}

/*
 * A hello body: version, random, session id of sid bytes, the suites,
 * one compression method, then the extension bytes ext (ext_len; with
 * ext NULL and ext_len (size_t)-1 no extension block at all).
 */
static void
body(struct asy_buf *b, unsigned ver, unsigned sid, const unsigned *s,
    size_t ns, const unsigned char *ext, size_t ext_len)
{
	static const unsigned char zero[64];

	asy_buf_init(b, 1 << 20);
	be16(b, ver);
	ck_assert_int_eq(asy_buf_add(b, zero, 32), 0);
	u8(b, sid);
	ck_assert_int_eq(asy_buf_add(b, zero, sid < 64 ? sid : 64), 0);
	be16(b, (unsigned)ns * 2);
	for (size_t i = 0; i < ns; i++)
		be16(b, s[i]);
	u8(b, 1);
	u8(b, 0);
	if (ext_len != (size_t)-1) {
		be16(b, (unsigned)ext_len);
		if (ext_len > 0)
			ck_assert_int_eq(asy_buf_add(b, ext, ext_len), 0);
	}
}

/* Wrap a body in a handshake header (type) and records of at most frag
 * bytes each. */
static void
wrap(const struct asy_buf *bd, unsigned type, size_t frag, struct asy_buf *out)
{
	struct asy_buf hs;

	asy_buf_init(&hs, 1 << 20);
	u8(&hs, type);
	u8(&hs, (unsigned)(bd->len >> 16));
	be16(&hs, (unsigned)(bd->len & 0xffff));
	ck_assert_int_eq(asy_buf_add(&hs, bd->data, bd->len), 0);
	asy_buf_init(out, 1 << 20);
	for (size_t off = 0; off < hs.len; off += frag) {
		size_t n = hs.len - off < frag ? hs.len - off : frag;

		u8(out, 22);
		be16(out, 0x0301);
		be16(out, (unsigned)n);
		ck_assert_int_eq(asy_buf_add(out, hs.data + off, n), 0);
	}
	asy_buf_release(&hs);
}

static const unsigned good_suites[] = { 0x0a0a, 0x1301, 0xc02f, 0x00ff };
/* supported_versions: GREASE, 1.3, 1.2; then an unknown extension. */
static const unsigned char sv_ext[] = {
	0x00, 0x2b, 0x00, 0x07, 0x06, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03,
	0xff, 0x01, 0x00, 0x01, 0x00,
};

START_TEST(test_crafted_good)
{
	struct asy_buf bd, rec;
	struct asy_tls_hello h;

	body(&bd, 0x0303, 32, good_suites, 4, sv_ext, sizeof(sv_ext));
	/* One record, then the same hello in 7-byte records. */
	for (size_t frag = 0; frag < 2; frag++) {
		wrap(&bd, 1, frag == 0 ? 16384 : 7, &rec);
		ck_assert_int_eq(asy_tls_client_hello((unsigned char *)rec.data,
		    rec.len, &h), 0);
		ck_assert_uint_eq(h.n_suites, 2);
		ck_assert_uint_eq(h.suites[0], 0x1301);
		ck_assert_uint_eq(h.suites[1], 0xc02f);
		ck_assert_uint_eq(h.n_suites_wire, 4);
		ck_assert_uint_eq(h.n_versions, 2);
		ck_assert_uint_eq(h.versions[0], 0x0304);
		ck_assert_uint_eq(h.versions[1], 0x0303);
		asy_buf_release(&rec);
	}
	asy_buf_release(&bd);

	/* No extension block: the legacy version is what is offered. */
	body(&bd, 0x0302, 0, good_suites + 1, 1, NULL, (size_t)-1);
	wrap(&bd, 1, 16384, &rec);
	ck_assert_int_eq(asy_tls_client_hello((unsigned char *)rec.data,
	    rec.len, &h), 0);
	ck_assert(!h.has_sv);
	ck_assert_uint_eq(h.n_versions, 1);
	ck_assert_uint_eq(h.versions[0], 0x0302);
	asy_buf_release(&rec);
	asy_buf_release(&bd);
}
END_TEST

static const struct bad {
	const char		*name;
	unsigned		 hs_type;
	unsigned		 sid;
	size_t			 ns;		/* suites from good_suites */
	const unsigned char	*ext;
	size_t			 ext_len;
	size_t			 trim;		/* bytes cut off the body's
						   end, the header saying so */
} bads[] = {
	{ "a ServerHello", 2, 0, 4, sv_ext, sizeof(sv_ext), 0 },
	{ "session id of 33", 1, 33, 4, sv_ext, sizeof(sv_ext), 0 },
	{ "no suites", 1, 0, 0, sv_ext, sizeof(sv_ext), 0 },
	{ "extension block cut", 1, 0, 4, sv_ext, sizeof(sv_ext), 3 },
	{ "extensions length 1", 1, 0, 4, (const unsigned char *)"\x00", 1,
	  0 },
	{ "extension past its block", 1, 0, 4,
	  (const unsigned char *)"\x00\x2b\x00\x09\x02\x03\x04", 7, 0 },
	{ "versions list odd", 1, 0, 4,
	  (const unsigned char *)"\x00\x2b\x00\x02\x01\x03", 6, 0 },
	{ "versions list empty", 1, 0, 4,
	  (const unsigned char *)"\x00\x2b\x00\x01\x00", 5, 0 },
	{ "versions list longer than the extension", 1, 0, 4,
	  (const unsigned char *)"\x00\x2b\x00\x03\x04\x03\x04", 7, 0 },
	{ "supported_versions twice", 1, 0, 4,
	  (const unsigned char *)"\x00\x2b\x00\x03\x02\x03\x04"
	  "\x00\x2b\x00\x03\x02\x03\x03", 14, 0 },
};

START_TEST(test_crafted_bad)
{
	const struct bad *t = &bads[_i];
	struct asy_buf bd, rec;
	struct asy_tls_hello h;

	body(&bd, 0x0303, t->sid, good_suites, t->ns, t->ext, t->ext_len);
	bd.len -= t->trim;
	wrap(&bd, t->hs_type, 16384, &rec);
	ck_assert_msg(asy_tls_client_hello((unsigned char *)rec.data, rec.len,
	    &h) == ASY_E_PROTO, "%s accepted", t->name);
	asy_buf_release(&rec);
	asy_buf_release(&bd);
}
END_TEST

START_TEST(test_records_bad)
{
	static const unsigned char appdata[] = { 23, 3, 3, 0, 1, 0 };
	static const unsigned char sslv2[] = { 0x80, 0x2e, 0x01, 0x03, 0x01 };
	static const unsigned char empty_rec[] = { 22, 3, 1, 0, 0 };
	static const unsigned char huge[] = { 22, 3, 1, 0, 4, 1, 0x02, 0, 0 };
	static const unsigned char badver[] = { 22, 9, 1, 0, 4, 1, 0, 0, 1 };
	static const unsigned char mixed[] = { 22, 3, 1, 0, 4, 1, 0, 0, 9,
	    23, 3, 1, 0, 1, 0 };
	struct asy_tls_hello h;

	ck_assert_int_eq(asy_tls_client_hello(appdata, sizeof(appdata), &h),
	    ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(sslv2, sizeof(sslv2), &h),
	    ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(empty_rec, sizeof(empty_rec),
	    &h), ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(huge, sizeof(huge), &h),
	    ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(badver, sizeof(badver), &h),
	    ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(mixed, sizeof(mixed), &h),
	    ASY_E_PROTO);
	ck_assert_int_eq(asy_tls_client_hello(mixed, 3, &h), ASY_E_CLOSED);
}
END_TEST

/* Every byte of a real hello flipped: whatever comes back stays in
 * bounds (ASan watches), and a parse that succeeds is sane. */
START_TEST(test_mutations)
{
	struct asy_tls_hello h;
	struct asy_buf b;

	openssl_hello(0, 0, NULL, &b);
	for (size_t i = 0; i < b.len; i++) {
		int r;

		for (unsigned x = 1; x < 256; x <<= 1) {
			b.data[i] ^= (char)x;
			r = asy_tls_client_hello((unsigned char *)b.data, b.len,
			    &h);
			b.data[i] ^= (char)x;
			ck_assert(r == 0 || r == ASY_E_PROTO ||
			    r == ASY_E_CLOSED);
			if (r == 0) {
				ck_assert_uint_le(h.n_suites,
				    ASY_TLS_MAX_SUITES);
				ck_assert_uint_le(h.n_versions,
				    ASY_TLS_MAX_VERSIONS);
			}
		}
	}
	asy_buf_release(&b);
}
END_TEST

/* ---- captures ----------------------------------------------------------- */

struct pw {
	struct asy_buf	 b;
	uint32_t	 seq_c;
	unsigned	 cport;
};

static void
le32(struct asy_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	ck_assert_int_eq(asy_buf_add(b, c, 4), 0);
}

/* One Ethernet/IPv4/TCP frame from 198.18.2.2:cport to dst:dport. */
static void
seg(struct pw *w, const unsigned char dst[4], unsigned dport, uint32_t seq,
    unsigned flags, const void *p, size_t n)
{
	static const unsigned char src[4] = { 198, 18, 2, 2 };
	static const unsigned char mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0,
	    0, 2 };
	size_t len = 14 + 20 + 20 + n;

	le32(&w->b, 1);
	le32(&w->b, 0);
	le32(&w->b, (uint32_t)len);
	le32(&w->b, (uint32_t)len);
	ck_assert_int_eq(asy_buf_add(&w->b, mac, 12), 0);
	be16(&w->b, 0x0800);
	u8(&w->b, 0x45);
	u8(&w->b, 0);
	be16(&w->b, (unsigned)(20 + 20 + n));
	be16(&w->b, 0);
	be16(&w->b, 0);
	u8(&w->b, 64);
	u8(&w->b, 6);
	be16(&w->b, 0);
	ck_assert_int_eq(asy_buf_add(&w->b, src, 4), 0);
	ck_assert_int_eq(asy_buf_add(&w->b, dst, 4), 0);
	be16(&w->b, w->cport);
	be16(&w->b, dport);
	be16(&w->b, seq >> 16);
	be16(&w->b, seq & 0xffff);
	be16(&w->b, 0);
	be16(&w->b, 0);
	u8(&w->b, 0x50);
	u8(&w->b, flags);
	be16(&w->b, 65535);
	be16(&w->b, 0);
	be16(&w->b, 0);
	if (n > 0)
		ck_assert_int_eq(asy_buf_add(&w->b, p, n), 0);
}

START_TEST(test_pcap)
{
	static const unsigned char srv[4] = { 198, 18, 2, 1 };
	static const unsigned char other[4] = { 198, 18, 2, 9 };
	static const char http[] = "GET / HTTP/1.0\r\n\r\n";
	struct asy_tls_seen *seen = NULL;
	struct asy_buf hello;
	struct pw w;
	size_t n = 0, half;
	char dir[] = "/tmp/test-tlshello-XXXXXX", *path, why[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = asy_path_join(dir, "s.pcap");
	openssl_hello(TLS1_2_VERSION, 0, NULL, &hello);
	half = hello.len / 2;
	asy_buf_init(&w.b, 1 << 20);
	le32(&w.b, 0xa1b2c3d4);
	be16(&w.b, 0x0200);	/* 2, little-endian */
	be16(&w.b, 0x0400);	/* 4 */
	le32(&w.b, 0);
	le32(&w.b, 0);
	le32(&w.b, 65535);
	le32(&w.b, 1);
	/* Frame 1: SYN; 2-3: the hello in two, 4: the first half again;
	 * 5: the same to another server; 6-7: HTTP on the port. */
	w.cport = 40000;
	seg(&w, srv, 8443, 1000, 0x02, NULL, 0);
	seg(&w, srv, 8443, 1001, 0x18, hello.data, half);
	seg(&w, srv, 8443, 1001 + (uint32_t)half, 0x18, hello.data + half,
	    hello.len - half);
	seg(&w, srv, 8443, 1001, 0x18, hello.data, half);
	w.cport = 40001;
	seg(&w, other, 8443, 5, 0x18, hello.data, hello.len);
	w.cport = 40002;
	seg(&w, srv, 8443, 7000, 0x02, NULL, 0);
	seg(&w, srv, 8443, 7001, 0x18, http, sizeof(http) - 1);
	ut_write(path, w.b.data, w.b.len);

	ck_assert_int_eq(asy_pcap_client_hellos(path, "198.18.2.1", 8443, 0,
	    &seen, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seen[0].frame, 2);
	ck_assert_str_eq(seen[0].client, "198.18.2.2:40000");
	ck_assert(has(seen[0].h.versions, seen[0].h.n_versions, 0x0304));
	free(seen);
	seen = NULL;
	/* Any server: the second connection too. */
	ck_assert_int_eq(asy_pcap_client_hellos(path, NULL, 8443, 0, &seen,
	    &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(seen[1].frame, 5);
	free(seen);
	seen = NULL;
	/* Another port: none. */
	ck_assert_int_eq(asy_pcap_client_hellos(path, NULL, 443, 0, &seen,
	    &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(seen);
	ck_assert_int_eq(asy_pcap_client_hellos(path, "nohost", 443, 0, &seen,
	    &n, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_pcap_client_hellos("/nonexistent/x.pcap", NULL,
	    443, 0, &seen, &n, why, sizeof(why)), ASY_E_IO);
	unlink(path);
	rmdir(dir);
	free(path);
	asy_buf_release(&w.b);
	asy_buf_release(&hello);
}
END_TEST

/* ---- judging ------------------------------------------------------------ */

START_TEST(test_named)
{
	ck_assert_uint_eq(asy_tls_versions_named("HTTPS, TLS 1.2 or 1.3"),
	    (1u << 3) | (1u << 4));
	ck_assert_uint_eq(asy_tls_versions_named("TLSv1.2+"),
	    (1u << 3) | (1u << 4));
	ck_assert_uint_eq(asy_tls_versions_named("tls 1.0, 1.1 and 1.2"),
	    (1u << 1) | (1u << 2) | (1u << 3));
	ck_assert_uint_eq(asy_tls_versions_named("SSLv3/TLS 1.3"),
	    (1u << 0) | (1u << 4));
	ck_assert_uint_eq(asy_tls_versions_named("HTTPS with TLS"), 0);
	ck_assert_uint_eq(asy_tls_versions_named("MQTTS 1.2"), 0);
	ck_assert_uint_eq(asy_tls_versions_named(NULL), 0);
}
END_TEST

static void
seen_of(struct asy_tls_seen *s, unsigned long frame, const unsigned *v,
    size_t nv, const unsigned *su, size_t ns)
{
	memset(s, 0, sizeof(*s));
	s->frame = frame;
	snprintf(s->client, sizeof(s->client), "198.18.2.2:40000");
	s->h.has_sv = nv > 1;
	s->h.legacy_version = 0x0303;
	memcpy(s->h.versions, v, nv * sizeof(*v));
	s->h.n_versions = nv;
	memcpy(s->h.suites, su, ns * sizeof(*su));
	s->h.n_suites = ns;
}

START_TEST(test_judge)
{
	static const unsigned v13[] = { 0x0304, 0x0303 };
	static const unsigned v11[] = { 0x0304, 0x0303, 0x0302 };
	static const unsigned good[] = { 0x1302, 0xc02f, 0x002f };
	static const unsigned rc4[] = { 0xc02f, 0x0005 };
	struct asy_tls_seen s[2];
	struct asy_buf b;

	asy_buf_init(&b, 16384);
	seen_of(&s[0], 12, v13, 2, good, 3);
	seen_of(&s[1], 40, v13, 2, good, 3);
	ck_assert_int_eq(asy_tls_hellos_judge(s, 2, "HTTPS, TLS 1.2 or 1.3",
	    &b), 0);
	ck_assert_msg(strstr(b.data, "2 ClientHellos (frames 12, 40) offer "
	    "TLSv1.3, TLSv1.2 and 3 suites: TLS_AES_256_GCM_SHA384 "
	    "ECDHE-RSA-AES128-GCM-SHA256 AES128-SHA") != NULL, "%s", b.data);
	ck_assert_msg(strstr(b.data, "1 of the suites are dated") != NULL,
	    "%s", b.data);
	ck_assert_ptr_null(strstr(b.data, "WEAK"));

	/* TLS 1.1 offered: weak, and not declared. */
	asy_buf_reset(&b);
	seen_of(&s[0], 12, v11, 3, good, 3);
	ck_assert_int_eq(asy_tls_hellos_judge(s, 1, "TLS 1.2 or 1.3", &b), 1);
	ck_assert_msg(strstr(b.data, "WEAK: offers TLSv1.1: TLS 1.1 "
	    "(deprecated, RFC 8996)") != NULL, "%s", b.data);
	ck_assert_msg(strstr(b.data, "offers TLSv1.1, which the IXIT does "
	    "not declare") != NULL, "%s", b.data);

	/* RC4 offered. */
	asy_buf_reset(&b);
	seen_of(&s[0], 3, v13, 2, rc4, 2);
	ck_assert_int_eq(asy_tls_hellos_judge(s, 1, NULL, &b), 1);
	ck_assert_msg(strstr(b.data, "WEAK: offers RC4-SHA: RC4") != NULL,
	    "%s", b.data);

	/* TLS 1.3 only declared, 1.2 offered: a deviation. */
	asy_buf_reset(&b);
	seen_of(&s[0], 3, v13, 2, good, 1);
	ck_assert_int_eq(asy_tls_hellos_judge(s, 1, "TLS 1.3 only", &b), 1);
	ck_assert_msg(strstr(b.data, "offers TLSv1.2, which the IXIT") !=
	    NULL, "%s", b.data);

	ck_assert_int_eq(asy_tls_hellos_judge(s, 0, NULL, &b), ASY_E_INPUT);
	asy_buf_release(&b);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("tlshello");
	TCase *tc = tcase_create("hello");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_openssl_default);
	tcase_add_test(tc, test_openssl_tls10);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_crafted_good);
	tcase_add_loop_test(tc, test_crafted_bad, 0,
	    (int)ASY_ELEMENTSOF(bads));
	tcase_add_test(tc, test_records_bad);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_pcap);
	tcase_add_test(tc, test_named);
	tcase_add_test(tc, test_judge);
	suite_add_tcase(su, tc);
	return ut_main(su);
}
