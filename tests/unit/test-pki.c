/*
 * Keys and certificates for the rogue update server (harness/pki.c).
 *
 * The lab CA on disk: made once (key 0600, certificate 0644) and loaded
 * again as the same certificate; only one of the two files, a key of
 * another CA, garbage, a certificate that is not a CA and an expired CA
 * (made here with OpenSSL) are refused with the error code the header
 * names and a why that names the file.  asy_pki_issue: the certificate
 * verifies against its CA (X509_verify_cert, SSL server purpose), carries
 * the names as IPv4, IPv6 and DNS entries of the subjectAltName, CN the
 * first name, CA:FALSE, and its key; it does not verify against another
 * CA; a table of bad name lists is refused.
 *
 * asy_pki_sign_fresh: the key is thrown away, so the tests cannot verify
 * a signature themselves; pki.c verifies each signature with the public
 * half of its key before handing it out (an error otherwise).  What the
 * tests check from outside: the format per algorithm (ECDSA: one DER
 * ECDSA-Sig-Value with r and s in 1..n-1 for the curve's order n; RSA:
 * exactly the modulus length; ed25519: 64 bytes), that two calls give
 * different signatures (fresh keys), that the signature is appended, and
 * that unknown algorithms and a full buffer are refused.
 */
#include <check.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "ut.h"

static X509 *
pem_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x;

	ck_assert_ptr_nonnull(b);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ck_assert_ptr_nonnull(x);
	return x;
}

static EVP_PKEY *
pem_key(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	ck_assert_ptr_nonnull(b);
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	ck_assert_ptr_nonnull(k);
	return k;
}

/* Does cert_pem verify against ca_pem as an SSL server certificate? */
static int
verifies(const char *cert_pem, const char *ca_pem)
{
	X509 *x = pem_cert(cert_pem), *ca = pem_cert(ca_pem);
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(X509_STORE_add_cert(st, ca), 1);
	ck_assert_int_eq(X509_STORE_CTX_init(ctx, st, x, NULL), 1);
	ck_assert_int_eq(X509_STORE_CTX_set_purpose(ctx,
	    X509_PURPOSE_SSL_SERVER), 1);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	X509_free(ca);
	X509_free(x);
	return ok;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p = asy_path_join(dir, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 0777;
}

/* ---- the lab CA on disk -------------------------------------------------- */

START_TEST(test_ca_made_then_loaded)
{
	struct asy_pki_pair a = { 0 }, b = { 0 };
	char *dir = ut_tmpdir(), *crt = path_in(dir, "ca.pem");
	char *key = path_in(dir, "ca.key"), why[512] = "";
	X509 *x;
	int made = -1, r;

	r = asy_pki_ca_load(crt, key, &made, &a, why, sizeof(why));
	ck_assert_msg(r == 0, "%d %s", r, why);
	ck_assert_int_eq(made, 1);
	ck_assert_ptr_nonnull(a.cert_pem);
	ck_assert_ptr_nonnull(a.key_pem);
	ck_assert_int_eq(mode_of(key) & 077, 0);
	ck_assert_int_eq(mode_of(crt) & 0600, 0600);
	ck_assert(ut_file_has(crt, "BEGIN CERTIFICATE"));
	ck_assert(ut_file_has(key, "PRIVATE KEY"));

	/* The certificate is what the header says. */
	x = pem_cert(a.cert_pem);
	ck_assert_int_eq(X509_check_ca(x), 1);
	ck_assert_int_eq(X509_check_issued(x, x), X509_V_OK);
	ck_assert_int_lt(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
	ck_assert_int_gt(X509_cmp_time(X509_get0_notAfter(x), NULL), 0);
	{
		char cn[128] = "", o[64] = "";
		int days = 0, secs = 0;

		X509_NAME_get_text_by_NID(X509_get_subject_name(x),
		    NID_commonName, cn, sizeof(cn));
		X509_NAME_get_text_by_NID(X509_get_subject_name(x),
		    NID_organizationName, o, sizeof(o));
		ck_assert_msg(strncmp(cn, "assay update CA 20", 18) == 0,
		    "CN %s", cn);
		ck_assert_str_eq(o, "assay lab");
		ck_assert_int_eq(ASN1_TIME_diff(&days, &secs,
		    X509_get0_notBefore(x), X509_get0_notAfter(x)), 1);
		ck_assert_int_eq(days, 825);
		ck_assert_int_eq(secs, 0);
		ck_assert_int_eq(EVP_PKEY_get_base_id(X509_get0_pubkey(x)),
		    EVP_PKEY_EC);
	}
	X509_free(x);

	/* Loaded again: the same certificate and key, nothing made. */
	made = -1;
	r = asy_pki_ca_load(crt, key, &made, &b, why, sizeof(why));
	ck_assert_msg(r == 0, "%d %s", r, why);
	ck_assert_int_eq(made, 0);
	ck_assert_str_eq(a.cert_pem, b.cert_pem);
	ck_assert_str_eq(a.key_pem, b.key_pem);

	asy_pki_pair_release(&a);
	asy_pki_pair_release(&b);
	ck_assert_ptr_null(a.cert_pem);
	ck_assert_ptr_null(a.key_pem);
	asy_pki_pair_release(&a);
	asy_pki_pair_release(NULL);
	free(crt);
	free(key);
	free(dir);
}
END_TEST

/* Only one of the two files: ASY_E_IO, why names both, nothing made. */
START_TEST(test_ca_half_there)
{
	struct asy_pki_pair ca = { 0 }, out = { 0 };
	char *dir = ut_tmpdir(), *crt = path_in(dir, "ca.pem");
	char *key = path_in(dir, "ca.key"), why[512] = "";
	int made = -1, r;

	r = asy_pki_ca_make("t", &ca, why, sizeof(why));
	ck_assert_int_eq(r, 0);

	ut_write_str(crt, ca.cert_pem);
	r = asy_pki_ca_load(crt, key, &made, &out, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_IO);
	ck_assert_int_eq(made, -1);
	ck_assert_ptr_null(out.cert_pem);
	ck_assert_msg(strstr(why, crt) != NULL && strstr(why, key) != NULL &&
	    strstr(why, "remove") != NULL, "why: %s", why);
	ck_assert(!ut_exists(key));

	ck_assert_int_eq(unlink(crt), 0);
	ut_write_str(key, ca.key_pem);
	why[0] = '\0';
	r = asy_pki_ca_load(crt, key, &made, &out, why, sizeof(why));
	ck_assert_int_eq(r, ASY_E_IO);
	ck_assert_msg(strstr(why, crt) != NULL && strstr(why, key) != NULL &&
	    strstr(why, "certificate") != NULL, "why: %s", why);
	ck_assert(!ut_exists(crt));

	asy_pki_pair_release(&ca);
	free(crt);
	free(key);
	free(dir);
}
END_TEST

/* An expired self-signed CA made here; its key in *key_pem. */
static char *
expired_ca(char **key_pem)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	BIO *b;
	char *data, *cert;
	long len;

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x),
	    -10L * 86400));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x),
	    -1L * 86400));
	n = X509_get_subject_name(x);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"old CA", -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, n), 1);
	ck_assert_int_eq(X509_set_pubkey(x, k), 1);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE");
	ck_assert_ptr_nonnull(ext);
	ck_assert_int_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);

	b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
	len = BIO_get_mem_data(b, &data);
	cert = asy_strndup(data, (size_t)len);
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	len = BIO_get_mem_data(b, &data);
	*key_pem = asy_strndup(data, (size_t)len);
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	return cert;
}

/* Files that are there but wrong: ASY_E_INPUT, the files left alone. */
START_TEST(test_ca_bad_files)
{
	struct asy_pki_pair a = { 0 }, b = { 0 }, leaf = { 0 }, out = { 0 };
	const char *names[] = { "ca.example" };
	char *dir = ut_tmpdir(), *crt = path_in(dir, "ca.pem");
	char *key = path_in(dir, "ca.key"), why[512];
	char *old_cert, *old_key;
	int made, r;

	ck_assert_int_eq(asy_pki_ca_make("a", &a, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_ca_make("b", &b, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_issue(&a, names, 1, &leaf, why,
	    sizeof(why)), 0);
	old_cert = expired_ca(&old_key);
	{
		const struct {
			const char	*what;
			const char	*cert;
			const char	*key;
			const char	*in_why;
		} cases[] = {
			{ "key of another CA", a.cert_pem, b.key_pem, key },
			{ "garbage certificate", "garbage\n", a.key_pem, crt },
			{ "garbage key", a.cert_pem, "-----BEGIN PRIVATE "
			    "KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
			    key },
			{ "certificate and key swapped", a.key_pem,
			    a.cert_pem, crt },
			{ "empty certificate", "", a.key_pem, crt },
			{ "not a CA", leaf.cert_pem, leaf.key_pem, crt },
			{ "expired", old_cert, old_key, "expired" },
		};

		for (size_t i = 0; i < ASY_ELEMENTSOF(cases); i++) {
			ut_write_str(crt, cases[i].cert);
			ut_write_str(key, cases[i].key);
			made = -1;
			why[0] = '\0';
			r = asy_pki_ca_load(crt, key, &made, &out, why,
			    sizeof(why));
			ck_assert_msg(r == ASY_E_INPUT, "%s: %d (%s)",
			    cases[i].what, r, why);
			ck_assert_int_eq(made, -1);
			ck_assert_ptr_null(out.cert_pem);
			ck_assert_msg(strstr(why, cases[i].in_why) != NULL,
			    "%s: why: %s", cases[i].what, why);
			/* Never overwritten. */
			ck_assert(cases[i].cert[0] == '\0' ||
			    ut_file_has(crt, cases[i].cert));
		}
	}
	/* A folder where the certificate should be: unreadable. */
	ck_assert_int_eq(unlink(crt), 0);
	ck_assert_int_eq(mkdir(crt, 0700), 0);
	r = asy_pki_ca_load(crt, key, &made, &out, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "folder: %d (%s)", r, why);
	ck_assert_msg(strstr(why, crt) != NULL, "why: %s", why);
	ck_assert_int_eq(rmdir(crt), 0);

	free(old_cert);
	free(old_key);
	asy_pki_pair_release(&a);
	asy_pki_pair_release(&b);
	asy_pki_pair_release(&leaf);
	free(crt);
	free(key);
	free(dir);
}
END_TEST

/* Two assays at once: the second never overwrites the first's files. */
START_TEST(test_ca_no_overwrite)
{
	struct asy_pki_pair a = { 0 };
	char *dir = ut_tmpdir(), *crt = path_in(dir, "ca.pem");
	char *key = path_in(dir, "no/such/dir/ca.key"), why[512] = "";
	int made = -1, r;

	/* The key cannot be made: no certificate is left behind. */
	r = asy_pki_ca_load(crt, key, &made, &a, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "%d %s", r, why);
	ck_assert_int_eq(made, -1);
	ck_assert(!ut_exists(crt));
	free(key);
	key = path_in(dir, "ca.key");
	/* A dangling link is "there": creating through it is refused. */
	ck_assert_int_eq(symlink("/nonexistent/assay-ca.key", key), 0);
	r = asy_pki_ca_load(crt, key, &made, &a, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "%d %s", r, why);
	ck_assert(!ut_exists(crt));
	asy_pki_pair_release(&a);
	free(crt);
	free(key);
	free(dir);
}
END_TEST

START_TEST(test_ca_make)
{
	struct asy_pki_pair ca = { 0 };
	char why[256], long_cn[80];
	X509 *x;
	EVP_PKEY *k;

	ck_assert_int_eq(asy_pki_ca_make("mitm CA", &ca, why, sizeof(why)),
	    0);
	x = pem_cert(ca.cert_pem);
	k = pem_key(ca.key_pem);
	ck_assert_int_eq(X509_check_private_key(x, k), 1);
	ck_assert_int_eq(X509_check_ca(x), 1);
	X509_free(x);
	EVP_PKEY_free(k);
	asy_pki_pair_release(&ca);

	memset(long_cn, 'a', sizeof(long_cn) - 1);
	long_cn[sizeof(long_cn) - 1] = '\0';
	ck_assert_int_eq(asy_pki_ca_make(long_cn, &ca, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_pki_ca_make("", &ca, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_pki_ca_make(NULL, &ca, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_ptr_null(ca.cert_pem);
}
END_TEST

/* ---- server certificates ------------------------------------------------- */

/* Is there a SAN entry of type with the len bytes at v? */
static int
has_san(X509 *x, int type, const void *v, size_t len)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	int found = 0;

	ck_assert_ptr_nonnull(gens);
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		int t;
		ASN1_STRING *s = GENERAL_NAME_get0_value(g, &t);

		if (t == type && (size_t)ASN1_STRING_length(s) == len &&
		    memcmp(ASN1_STRING_get0_data(s), v, len) == 0)
			found = 1;
	}
	GENERAL_NAMES_free(gens);
	return found;
}

START_TEST(test_issue)
{
	static const unsigned char v4[] = { 127, 0, 0, 1 };
	static const unsigned char v6[16] = { [15] = 1 };
	static const unsigned char v6b[16] = { 0xfe, 0x80, [15] = 0x2a };
	const char *names[] = { "127.0.0.1", "::1", "update.example.com",
	    "fe80::2a", "UPD-1",
	    /* 64 bytes, the most a name may have. */
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.com" };
	struct asy_pki_pair ca = { 0 }, other = { 0 }, leaf = { 0 };
	struct asy_pki_pair leaf2 = { 0 };
	char why[256] = "", cn[64] = "";
	X509 *x, *cax;
	EVP_PKEY *k;
	int days = 0, secs = 0, r;

	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_ca_make("rogue", &other, why, sizeof(why)),
	    0);
	r = asy_pki_issue(&ca, names, ASY_ELEMENTSOF(names), &leaf, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "%d %s", r, why);

	ck_assert(verifies(leaf.cert_pem, ca.cert_pem));
	ck_assert(!verifies(leaf.cert_pem, other.cert_pem));

	x = pem_cert(leaf.cert_pem);
	k = pem_key(leaf.key_pem);
	cax = pem_cert(ca.cert_pem);
	ck_assert_int_eq(X509_check_private_key(x, k), 1);
	ck_assert_int_eq(X509_check_ca(x), 0);
	ck_assert_int_eq(X509_check_issued(cax, x), X509_V_OK);
	ck_assert(has_san(x, GEN_IPADD, v4, sizeof(v4)));
	ck_assert(has_san(x, GEN_IPADD, v6, sizeof(v6)));
	ck_assert(has_san(x, GEN_IPADD, v6b, sizeof(v6b)));
	ck_assert(has_san(x, GEN_DNS, "update.example.com", 18));
	ck_assert(has_san(x, GEN_DNS, "UPD-1", 5));
	ck_assert(has_san(x, GEN_DNS, names[5], 64));
	ck_assert(!has_san(x, GEN_DNS, "127.0.0.1", 9));
	ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "::1", 0), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.2", 0), 0);
	ck_assert_int_eq(X509_check_host(x, "update.example.com", 0, 0,
	    NULL), 1);
	ck_assert_int_eq(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0),
	    1);
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    cn, sizeof(cn));
	ck_assert_str_eq(cn, "127.0.0.1");
	ck_assert_int_eq(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x),
	    X509_get0_notAfter(x)), 1);
	ck_assert_int_eq(days, 30);
	ck_assert_int_eq(secs, 0);
	ck_assert_int_lt(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
	ck_assert_int_eq(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
	ck_assert_int_eq(EVP_PKEY_get_bits(k), 256);

	/* Another certificate: another key, another serial number. */
	r = asy_pki_issue(&ca, names, 1, &leaf2, why, sizeof(why));
	ck_assert_msg(r == 0, "%d %s", r, why);
	{
		X509 *y = pem_cert(leaf2.cert_pem);
		const ASN1_INTEGER *s1 = X509_get0_serialNumber(x);
		const ASN1_INTEGER *s2 = X509_get0_serialNumber(y);
		BIGNUM *bn = ASN1_INTEGER_to_BN(s1, NULL);

		ck_assert_int_ne(ASN1_INTEGER_cmp(s1, s2), 0);
		ck_assert_ptr_nonnull(bn);
		ck_assert(!BN_is_negative(bn) && !BN_is_zero(bn));
		ck_assert_int_le(BN_num_bytes(bn), 16);
		ck_assert_int_ge(BN_num_bytes(bn), 9);
		BN_free(bn);
		ck_assert_str_ne(leaf.key_pem, leaf2.key_pem);
		X509_free(y);
	}

	X509_free(cax);
	X509_free(x);
	EVP_PKEY_free(k);
	asy_pki_pair_release(&leaf);
	asy_pki_pair_release(&leaf2);
	asy_pki_pair_release(&ca);
	asy_pki_pair_release(&other);
}
END_TEST

static const struct bad_names {
	const char	*what;
	const char	*names[10];
	size_t		 n;
} bad_names[] = {
	{ "no name", { NULL }, 0 },
	{ "nine names", { "a", "b", "c", "d", "e", "f", "g", "h", "i" }, 9 },
	{ "empty", { "" }, 1 },
	{ "NULL", { NULL }, 1 },
	{ "space", { "a b" }, 1 },
	{ "underscore", { "a_b" }, 1 },
	{ "wildcard", { "*.example.com" }, 1 },
	{ "newline", { "host\n" }, 1 },
	{ "escape", { "x\x1b[31m" }, 1 },
	{ "slash", { "a/b" }, 1 },
	{ "high bit", { "h\xc3\xa9" }, 1 },
	{ "second bad", { "ok.example", "bad name" }, 2 },
	{ "colon but no IPv6", { "a:b" }, 1 },
	{ "IPv6 with a zone", { "fe80::1%eth0" }, 1 },
	/* 65 bytes. */
	{ "too long", { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa" }, 1 },
};

START_TEST(test_issue_bad_names)
{
	const struct bad_names *b = &bad_names[_i];
	struct asy_pki_pair ca = { 0 }, leaf = { 0 };
	char why[256] = "";
	int r;

	ck_assert_int_eq(asy_pki_ca_make("lab", &ca, why, sizeof(why)), 0);
	why[0] = '\0';
	r = asy_pki_issue(&ca, b->n > 0 ? b->names : NULL, b->n, &leaf, why,
	    sizeof(why));
	ck_assert_msg(r == ASY_E_INPUT, "%s: %d", b->what, r);
	ck_assert_msg(why[0] != '\0', "%s: no why", b->what);
	ck_assert_ptr_null(leaf.cert_pem);
	ck_assert_ptr_null(leaf.key_pem);
	asy_pki_pair_release(&ca);
}
END_TEST

/* A CA that is not one, or not PEM: ASY_E_INPUT. */
START_TEST(test_issue_bad_ca)
{
	const char *names[] = { "127.0.0.1" };
	struct asy_pki_pair ca = { 0 }, b = { 0 }, leaf = { 0 }, mixed;
	struct asy_pki_pair junk = { "junk", "junk" }, none = { NULL, NULL };
	char why[256];

	ck_assert_int_eq(asy_pki_ca_make("a", &ca, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_ca_make("b", &b, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_pki_issue(&junk, names, 1, &leaf, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_pki_issue(&none, names, 1, &leaf, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_pki_issue(NULL, names, 1, &leaf, why,
	    sizeof(why)), ASY_E_INPUT);
	mixed.cert_pem = ca.cert_pem;
	mixed.key_pem = b.key_pem;
	ck_assert_int_eq(asy_pki_issue(&mixed, names, 1, &leaf, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_msg(strstr(why, "does not match") != NULL, "why: %s", why);
	/* A server certificate is no CA. */
	ck_assert_int_eq(asy_pki_issue(&ca, names, 1, &leaf, why,
	    sizeof(why)), 0);
	{
		struct asy_pki_pair leaf2 = { 0 };

		ck_assert_int_eq(asy_pki_issue(&leaf, names, 1, &leaf2, why,
		    sizeof(why)), ASY_E_INPUT);
		ck_assert_ptr_null(leaf2.cert_pem);
	}
	asy_pki_pair_release(&leaf);
	asy_pki_pair_release(&ca);
	asy_pki_pair_release(&b);
}
END_TEST

/* ---- signatures with a fresh key ----------------------------------------- */

static const struct sig_case {
	const char	*alg;
	int		 ec_nid;	/* ECDSA: the curve */
	size_t		 len;		/* RSA, ed25519: exact length */
} sig_cases[] = {
	{ "ecdsa-p256-sha256", NID_X9_62_prime256v1, 0 },
	{ "ecdsa-p384-sha384", NID_secp384r1, 0 },
	{ "rsa2048-sha256", 0, 256 },
	{ "rsa3072-sha256", 0, 384 },
	{ "ed25519", 0, 64 },
};

/* A DER ECDSA-Sig-Value with 0 < r, s < the order of curve nid. */
static void
check_ecdsa(const unsigned char *der, size_t len, int nid)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	const BIGNUM *order;
	ECDSA_SIG *sig;

	ck_assert_ptr_nonnull(g);
	order = EC_GROUP_get0_order(g);
	sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	ck_assert_ptr_nonnull(sig);
	ck_assert_msg(p == der + len, "junk after the DER signature");
	ECDSA_SIG_get0(sig, &r, &s);
	ck_assert(!BN_is_zero(r) && !BN_is_negative(r));
	ck_assert(!BN_is_zero(s) && !BN_is_negative(s));
	ck_assert_int_lt(BN_cmp(r, order), 0);
	ck_assert_int_lt(BN_cmp(s, order), 0);
	ECDSA_SIG_free(sig);
	EC_GROUP_free(g);
}

START_TEST(test_sign_fresh)
{
	const struct sig_case *c = &sig_cases[_i];
	static const char data[] = "firmware image 1.2.3";
	struct asy_buf a, b;
	char why[256] = "";
	int r;

	ck_assert(asy_pki_alg_known(c->alg));
	asy_buf_init(&a, 4096);
	asy_buf_init(&b, 4096);
	/* Appended: what was there stays. */
	ck_assert_int_eq(asy_buf_puts(&a, "SIG:"), 0);
	r = asy_pki_sign_fresh(c->alg, data, sizeof(data) - 1, &a, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "%s: %d %s", c->alg, r, why);
	ck_assert_int_eq(memcmp(a.data, "SIG:", 4), 0);
	r = asy_pki_sign_fresh(c->alg, data, sizeof(data) - 1, &b, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "%s: %d %s", c->alg, r, why);
	ck_assert_msg(a.len - 4 != b.len ||
	    memcmp(a.data + 4, b.data, b.len) != 0,
	    "%s: two fresh keys gave the same signature", c->alg);
	if (c->ec_nid != 0) {
		check_ecdsa((unsigned char *)a.data + 4, a.len - 4, c->ec_nid);
		check_ecdsa((unsigned char *)b.data, b.len, c->ec_nid);
	} else {
		ck_assert_uint_eq(a.len - 4, c->len);
		ck_assert_uint_eq(b.len, c->len);
	}
	/* Empty data is data too. */
	asy_buf_reset(&b);
	r = asy_pki_sign_fresh(c->alg, "", 0, &b, why, sizeof(why));
	ck_assert_msg(r == 0, "%s empty: %d %s", c->alg, r, why);
	ck_assert_uint_gt(b.len, 0);
	asy_buf_release(&a);
	asy_buf_release(&b);
}
END_TEST

START_TEST(test_sign_refused)
{
	static const char *unknown[] = { "", "ecdsa", "ECDSA-P256-SHA256",
	    "rsa1024-sha1", "ed448", "ed25519 ", "dsa-sha1" };
	struct asy_buf b;
	char why[256];

	asy_buf_init(&b, 4096);
	for (size_t i = 0; i < ASY_ELEMENTSOF(unknown); i++) {
		ck_assert(!asy_pki_alg_known(unknown[i]));
		ck_assert_int_eq(asy_pki_sign_fresh(unknown[i], "x", 1, &b, why,
		    sizeof(why)), ASY_E_INPUT);
	}
	ck_assert(!asy_pki_alg_known(NULL));
	ck_assert_int_eq(asy_pki_sign_fresh(NULL, "x", 1, &b, why,
	    sizeof(why)), ASY_E_INPUT);
	ck_assert_uint_eq(b.len, 0);
	asy_buf_release(&b);

	/* No room for the signature: the buffer's cap wins. */
	asy_buf_init(&b, 16);
	ck_assert_int_eq(asy_pki_sign_fresh("ed25519", "x", 1, &b, why,
	    sizeof(why)), ASY_E_TOOBIG);
	ck_assert_uint_eq(b.len, 0);
	asy_buf_release(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pki");
	TCase *ca = tcase_create("ca");
	TCase *iss = tcase_create("issue");
	TCase *sig = tcase_create("sign");

	tcase_set_timeout(ca, 30);
	tcase_add_test(ca, test_ca_made_then_loaded);
	tcase_add_test(ca, test_ca_half_there);
	tcase_add_test(ca, test_ca_bad_files);
	tcase_add_test(ca, test_ca_no_overwrite);
	tcase_add_test(ca, test_ca_make);
	tcase_set_timeout(iss, 30);
	tcase_add_test(iss, test_issue);
	tcase_add_loop_test(iss, test_issue_bad_names, 0,
	    (int)ASY_ELEMENTSOF(bad_names));
	tcase_add_test(iss, test_issue_bad_ca);
	tcase_set_timeout(sig, 60);
	tcase_add_loop_test(sig, test_sign_fresh, 0,
	    (int)ASY_ELEMENTSOF(sig_cases));
	tcase_add_test(sig, test_sign_refused);
	suite_add_tcase(s, ca);
	suite_add_tcase(s, iss);
	suite_add_tcase(s, sig);
	return ut_main(s);
}
