/*
 * Keys and certificates for the rogue update server (OpenSSL 3).
 *
 * Every key is EC P-256 made with EVP_EC_gen(); certificates are X.509 v3
 * with a random positive 16-byte serial number and SHA-256 signatures.
 * PEM goes in and out through memory BIOs; keys only through secure-heap
 * BIOs (BIO_s_secmem), which clear their memory when freed, and every
 * other copy of a key is cleared with OPENSSL_cleanse() before it is
 * freed.  PEM is never read with OpenSSL's default passphrase callback
 * (it would prompt on the terminal): an encrypted key is just not PEM we
 * can use.
 *
 * asy_pki_sign_fresh() checks each signature with the public half of the
 * key it made before handing it out, so that a signature that would not
 * verify under the right key never reaches a test of a device (the
 * device must refuse it for having the wrong key, not for being broken).
 */
#include "pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "error.h"
#include "util.h"

/* A PEM file of the CA: far more than a certificate or a key needs. */
#define MAX_PEM_FILE	(64 * 1024)
/* X.509's upper bound for a common name (ub-common-name). */
#define MAX_CN		64
#define MAX_NAMES	8
#define SERIAL_BYTES	16

#define DAY_S		(24L * 3600)

/* ---- OpenSSL errors ------------------------------------------------------ */

/* The reason of the last OpenSSL error, for a why; clears the queue. */
static const char *
ossl_reason(void)
{
	const char *s = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return s != NULL ? s : "unknown error";
}

/* ASY_E_INTERNAL with "what: reason" in why. */
static int
ossl_fail(char *why, size_t whylen, const char *what)
{
	asy_why(why, whylen, "openssl: %s: %s", what, ossl_reason());
	return ASY_E_INTERNAL;
}

/* A passphrase callback that refuses: never prompt on the terminal. */
static int
no_pass(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/* ---- PEM in memory ------------------------------------------------------- */

/* Copy what bio holds into a fresh NUL-terminated string. */
static char *
bio_string(BIO *bio)
{
	char *data = NULL, *s;
	long len;

	len = BIO_get_mem_data(bio, &data);
	if (len <= 0 || data == NULL)
		return NULL;
	s = malloc((size_t)len + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	return s;
}

/* x as PEM in *out (a fresh string); 0, ASY_E_NOMEM, ASY_E_INTERNAL. */
static int
cert_pem(X509 *x, char **out, char *why, size_t whylen)
{
	BIO *bio = NULL;
	char *s = NULL;
	int r;

	bio = BIO_new(BIO_s_mem());
	if (bio == NULL) {
		r = ossl_fail(why, whylen, "memory BIO");
		goto out;
	}
	if (PEM_write_bio_X509(bio, x) != 1) {
		r = ossl_fail(why, whylen, "writing a certificate");
		goto out;
	}
	s = bio_string(bio);
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	*out = s;
	r = 0;
out:
	BIO_free(bio);
	return r;
}

/* The private key as unencrypted PKCS#8 PEM in *out. */
static int
key_pem(EVP_PKEY *k, char **out, char *why, size_t whylen)
{
	BIO *bio = NULL;
	char *s = NULL;
	int r;

	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL) {
		r = ossl_fail(why, whylen, "memory BIO");
		goto out;
	}
	if (PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) !=
	    1) {
		r = ossl_fail(why, whylen, "writing a key");
		goto out;
	}
	s = bio_string(bio);
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	*out = s;
	r = 0;
out:
	BIO_free(bio);
	return r;
}

/* A read-only BIO over a PEM text, or NULL (too long, no memory). */
static BIO *
pem_bio(const char *pem, size_t len)
{
	if (len > MAX_PEM_FILE)
		return NULL;
	return BIO_new_mem_buf(pem, (int)len);
}

/* Parse a PEM certificate; NULL when it is not one. */
static X509 *
read_cert(const char *pem, size_t len)
{
	BIO *bio = pem_bio(pem, len);
	X509 *x;

	if (bio == NULL)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, no_pass, NULL);
	BIO_free(bio);
	return x;
}

/* Parse a PEM private key (not encrypted); NULL when it is not one. */
static EVP_PKEY *
read_key(const char *pem, size_t len)
{
	BIO *bio = pem_bio(pem, len);
	EVP_PKEY *k;

	if (bio == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(bio, NULL, no_pass, NULL);
	BIO_free(bio);
	return k;
}

void
asy_pki_pair_release(struct asy_pki_pair *p)
{
	if (p == NULL)
		return;
	if (p->key_pem != NULL) {
		OPENSSL_cleanse(p->key_pem, strlen(p->key_pem));
		free(p->key_pem);
	}
	free(p->cert_pem);
	p->key_pem = NULL;
	p->cert_pem = NULL;
}

/* Both of x and k as PEM into *out. */
static int
pair_make(X509 *x, EVP_PKEY *k, struct asy_pki_pair *out, char *why,
    size_t whylen)
{
	struct asy_pki_pair p = { NULL, NULL };
	int r;

	r = cert_pem(x, &p.cert_pem, why, whylen);
	if (r < 0)
		goto out;
	r = key_pem(k, &p.key_pem, why, whylen);
	if (r < 0)
		goto out;
	*out = p;
	p.cert_pem = NULL;
	p.key_pem = NULL;
out:
	asy_pki_pair_release(&p);
	return r;
}

/* ---- certificates -------------------------------------------------------- */

/* A random positive serial number of SERIAL_BYTES bytes. */
static int
set_serial(X509 *x, char *why, size_t whylen)
{
	unsigned char raw[SERIAL_BYTES];
	BIGNUM *bn = NULL;
	int r = ASY_E_INTERNAL;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		r = ossl_fail(why, whylen, "random serial number");
		goto out;
	}
	/* Positive in DER (top bit clear) and never zero. */
	raw[0] &= 0x7f;
	raw[0] |= 0x01;
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn,
	    X509_get_serialNumber(x)) == NULL) {
		r = ossl_fail(why, whylen, "serial number");
		goto out;
	}
	r = 0;
out:
	BN_free(bn);
	return r;
}

/* Validity from now + from_s to now + to_s. */
static int
set_validity(X509 *x, long from_s, long to_s, char *why, size_t whylen)
{
	if (X509_gmtime_adj(X509_getm_notBefore(x), from_s) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), to_s) == NULL)
		return ossl_fail(why, whylen, "validity");
	return 0;
}

/* Add one extension given in OpenSSL's configuration syntax. */
static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, char *why,
    size_t whylen)
{
	X509_EXTENSION *ext;
	int ok;

	ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (ext == NULL)
		return ossl_fail(why, whylen, OBJ_nid2sn(nid));
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ok != 1)
		return ossl_fail(why, whylen, OBJ_nid2sn(nid));
	return 0;
}

/* Add a name entry (UTF-8); ASY_E_INTERNAL when OpenSSL refuses it. */
static int
add_name(X509_NAME *n, const char *field, const char *value, char *why,
    size_t whylen)
{
	if (X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
	    (const unsigned char *)value, -1, -1, 0) != 1)
		return ossl_fail(why, whylen, field);
	return 0;
}

/* A fresh EC P-256 key. */
static int
new_ec_key(EVP_PKEY **out, char *why, size_t whylen)
{
	EVP_PKEY *k;

	k = EVP_EC_gen("P-256");
	if (k == NULL)
		return ossl_fail(why, whylen, "EC P-256 key");
	*out = k;
	return 0;
}

int
asy_pki_ca_make(const char *cn, struct asy_pki_pair *ca, char *why,
    size_t whylen)
{
	X509V3_CTX ctx;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	EVP_PKEY *k = NULL;
	int r;

	ERR_clear_error();
	if (cn == NULL || *cn == '\0' || strlen(cn) > MAX_CN) {
		asy_why(why, whylen, "a CA common name must have 1 to %d bytes",
		    MAX_CN);
		r = ASY_E_INPUT;
		goto out;
	}
	r = new_ec_key(&k, why, whylen);
	if (r < 0)
		goto out;
	x = X509_new();
	name = X509_NAME_new();
	if (x == NULL || name == NULL) {
		r = ossl_fail(why, whylen, "new certificate");
		goto out;
	}
	if (X509_set_version(x, X509_VERSION_3) != 1) {
		r = ossl_fail(why, whylen, "version");
		goto out;
	}
	r = set_serial(x, why, whylen);
	if (r < 0)
		goto out;
	/* From one day back, 825 days long. */
	r = set_validity(x, -DAY_S, 824 * DAY_S, why, whylen);
	if (r < 0)
		goto out;
	r = add_name(name, "O", "assay lab", why, whylen);
	if (r < 0)
		goto out;
	r = add_name(name, "CN", cn, why, whylen);
	if (r < 0)
		goto out;
	if (X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, k) != 1) {
		r = ossl_fail(why, whylen, "names");
		goto out;
	}
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	r = add_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0", why, whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign", why, whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_subject_key_identifier, "hash", why,
		    whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_authority_key_identifier,
		    "keyid:always", why, whylen);
	if (r < 0)
		goto out;
	if (X509_sign(x, k, EVP_sha256()) <= 0) {
		r = ossl_fail(why, whylen, "signing the CA certificate");
		goto out;
	}
	r = pair_make(x, k, ca, why, whylen);
out:
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return r;
}

/* Is name made only of [A-Za-z0-9.:-]? */
static int
name_chars_ok(const char *name)
{
	for (const char *p = name; *p != '\0'; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == ':' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

/*
 * The subjectAltName of names: IP literals as IP entries, the rest DNS.
 * A name with ':' that is not an IPv6 literal is refused (ASY_E_INPUT).
 */
static int
add_san(X509 *x, const char *const *names, size_t n, char *why,
    size_t whylen)
{
	GENERAL_NAMES *gens = NULL;
	GENERAL_NAME *g = NULL;
	int r = ASY_E_INTERNAL;

	gens = sk_GENERAL_NAME_new_null();
	if (gens == NULL) {
		r = ossl_fail(why, whylen, "subjectAltName");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ip[16];
		ASN1_OCTET_STRING *os = NULL;
		ASN1_IA5STRING *ia5 = NULL;
		size_t iplen = 0;

		if (inet_pton(AF_INET, names[i], ip) == 1)
			iplen = 4;
		else if (inet_pton(AF_INET6, names[i], ip) == 1)
			iplen = 16;
		else if (strchr(names[i], ':') != NULL) {
			asy_why(why, whylen, "name %zu has ':' but is not an "
			    "IPv6 address", i + 1);
			r = ASY_E_INPUT;
			goto out;
		}
		g = GENERAL_NAME_new();
		if (g == NULL) {
			r = ossl_fail(why, whylen, "subjectAltName");
			goto out;
		}
		if (iplen > 0) {
			os = ASN1_OCTET_STRING_new();
			if (os == NULL ||
			    ASN1_OCTET_STRING_set(os, ip, (int)iplen) != 1) {
				ASN1_OCTET_STRING_free(os);
				r = ossl_fail(why, whylen, "IP entry");
				goto out;
			}
			GENERAL_NAME_set0_value(g, GEN_IPADD, os);
		} else {
			ia5 = ASN1_IA5STRING_new();
			if (ia5 == NULL || ASN1_STRING_set(ia5, names[i],
			    -1) != 1) {
				ASN1_IA5STRING_free(ia5);
				r = ossl_fail(why, whylen, "DNS entry");
				goto out;
			}
			GENERAL_NAME_set0_value(g, GEN_DNS, ia5);
		}
		if (sk_GENERAL_NAME_push(gens, g) <= 0) {
			r = ossl_fail(why, whylen, "subjectAltName");
			goto out;
		}
		g = NULL;
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) != 1) {
		r = ossl_fail(why, whylen, "subjectAltName");
		goto out;
	}
	r = 0;
out:
	GENERAL_NAME_free(g);
	GENERAL_NAMES_free(gens);
	return r;
}

/*
 * Parse a CA pair given as PEM: both parse, the key fits the certificate,
 * and it is a CA.  ASY_E_INPUT with why otherwise.
 */
static int
ca_parse(const struct asy_pki_pair *ca, X509 **xo, EVP_PKEY **ko, char *why,
    size_t whylen)
{
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int r = ASY_E_INPUT;

	if (ca == NULL || ca->cert_pem == NULL || ca->key_pem == NULL) {
		asy_why(why, whylen, "no CA certificate or key");
		goto out;
	}
	x = read_cert(ca->cert_pem, strlen(ca->cert_pem));
	if (x == NULL) {
		asy_why(why, whylen, "the CA certificate is not PEM: %s",
		    ossl_reason());
		goto out;
	}
	k = read_key(ca->key_pem, strlen(ca->key_pem));
	if (k == NULL) {
		asy_why(why, whylen, "the CA key is not PEM: %s",
		    ossl_reason());
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		asy_why(why, whylen, "the CA key does not match its "
		    "certificate");
		goto out;
	}
	if (X509_check_ca(x) != 1) {
		asy_why(why, whylen, "the CA certificate is not a CA "
		    "(basicConstraints CA:TRUE missing)");
		goto out;
	}
	*xo = x;
	*ko = k;
	x = NULL;
	k = NULL;
	r = 0;
out:
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return r;
}

int
asy_pki_issue(const struct asy_pki_pair *ca, const char *const *names,
    size_t n_names, struct asy_pki_pair *out, char *why, size_t whylen)
{
	X509V3_CTX ctx;
	X509 *cax = NULL, *x = NULL;
	EVP_PKEY *cak = NULL, *k = NULL;
	X509_NAME *name = NULL;
	int r = ASY_E_INPUT;

	ERR_clear_error();
	if (names == NULL || n_names == 0 || n_names > MAX_NAMES) {
		asy_why(why, whylen, "a certificate needs 1 to %d names",
		    MAX_NAMES);
		goto out;
	}
	for (size_t i = 0; i < n_names; i++) {
		if (names[i] == NULL || *names[i] == '\0' ||
		    strlen(names[i]) > MAX_CN || !name_chars_ok(names[i])) {
			asy_why(why, whylen, "name %zu: 1 to %d characters of "
			    "[A-Za-z0-9.:-] expected", i + 1, MAX_CN);
			goto out;
		}
	}
	r = ca_parse(ca, &cax, &cak, why, whylen);
	if (r < 0)
		goto out;
	r = new_ec_key(&k, why, whylen);
	if (r < 0)
		goto out;
	x = X509_new();
	name = X509_NAME_new();
	if (x == NULL || name == NULL) {
		r = ossl_fail(why, whylen, "new certificate");
		goto out;
	}
	if (X509_set_version(x, X509_VERSION_3) != 1) {
		r = ossl_fail(why, whylen, "version");
		goto out;
	}
	r = set_serial(x, why, whylen);
	if (r < 0)
		goto out;
	/* From one hour back, 30 days long. */
	r = set_validity(x, -3600L, 30 * DAY_S - 3600L, why, whylen);
	if (r < 0)
		goto out;
	r = add_name(name, "CN", names[0], why, whylen);
	if (r < 0)
		goto out;
	if (X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(cax)) != 1 ||
	    X509_set_pubkey(x, k) != 1) {
		r = ossl_fail(why, whylen, "names");
		goto out;
	}
	X509V3_set_ctx(&ctx, cax, x, NULL, NULL, 0);
	r = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE", why,
	    whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_key_usage,
		    "critical,digitalSignature", why, whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_ext_key_usage, "serverAuth", why,
		    whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_subject_key_identifier, "hash", why,
		    whylen);
	if (r == 0)
		r = add_ext(x, &ctx, NID_authority_key_identifier,
		    "keyid:always", why, whylen);
	if (r == 0)
		r = add_san(x, names, n_names, why, whylen);
	if (r < 0)
		goto out;
	if (X509_sign(x, cak, EVP_sha256()) <= 0) {
		r = ossl_fail(why, whylen, "signing the certificate");
		goto out;
	}
	r = pair_make(x, k, out, why, whylen);
out:
	X509_NAME_free(name);
	X509_free(x);
	X509_free(cax);
	EVP_PKEY_free(k);
	EVP_PKEY_free(cak);
	ERR_clear_error();
	return r;
}

/* ---- the lab CA on disk -------------------------------------------------- */

/* Does path exist?  1, 0 (ENOENT), or ASY_E_IO with why. */
static int
file_exists(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	asy_why(why, whylen, "%s: %s", path, strerror(errno));
	return ASY_E_IO;
}

/* Write s to a new file path (created exclusively with mode). */
static int
write_new(const char *path, const char *s, mode_t mode, char *why,
    size_t whylen)
{
	size_t len = strlen(s), off = 0;
	int fd, r = ASY_E_IO;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		asy_why(why, whylen, "cannot create %s: %s", path,
		    strerror(errno));
		return ASY_E_IO;
	}
	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			asy_why(why, whylen, "cannot write %s: %s", path,
			    n < 0 ? strerror(errno) : "nothing written");
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0) {
		asy_why(why, whylen, "cannot write %s: %s", path,
		    strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (close(fd) < 0 && r == 0) {
		asy_why(why, whylen, "cannot write %s: %s", path,
		    strerror(errno));
		r = ASY_E_IO;
	}
	/* We created it: removing a half-written file hurts nobody. */
	if (r < 0)
		unlink(path);
	return r;
}

/* Make the lab CA and store it; the key first, so that a crash in
 * between leaves a state that ca_load reports ("only the key"). */
static int
ca_create(const char *cert_path, const char *key_path,
    struct asy_pki_pair *ca, char *why, size_t whylen)
{
	struct asy_pki_pair p = { NULL, NULL };
	char cn[64], day[16];
	struct tm tm;
	time_t now;
	int r;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(cn, sizeof(cn), "assay update CA %s", day);
	r = asy_pki_ca_make(cn, &p, why, whylen);
	if (r < 0)
		goto out;
	r = write_new(key_path, p.key_pem, 0600, why, whylen);
	if (r < 0)
		goto out;
	r = write_new(cert_path, p.cert_pem, 0644, why, whylen);
	if (r < 0) {
		unlink(key_path);
		goto out;
	}
	*ca = p;
	p.cert_pem = NULL;
	p.key_pem = NULL;
out:
	asy_pki_pair_release(&p);
	return r;
}

/* Read a PEM file (at most MAX_PEM_FILE bytes) into b. */
static int
read_pem_file(const char *path, struct asy_buf *b, char *why, size_t whylen)
{
	int r;

	r = asy_buf_load_file(b, path);
	if (r == ASY_E_TOOBIG) {
		asy_why(why, whylen, "%s: too large for a PEM certificate or "
		    "key", path);
		return ASY_E_INPUT;
	}
	if (r == ASY_E_NOTREG) {
		asy_why(why, whylen, "cannot read %s: not a regular file",
		    path);
		return ASY_E_IO;
	}
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0 || b->data == NULL) {
		asy_why(why, whylen, "cannot read %s: %s", path,
		    r < 0 ? strerror(errno) : "empty file");
		return r < 0 ? ASY_E_IO : ASY_E_INPUT;
	}
	return 0;
}

int
asy_pki_ca_load(const char *cert_path, const char *key_path, int *made,
    struct asy_pki_pair *ca, char *why, size_t whylen)
{
	struct asy_pki_pair p = { NULL, NULL };
	struct asy_buf cb, kb;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int have_c, have_k, r;

	asy_buf_init(&cb, MAX_PEM_FILE);
	asy_buf_init(&kb, MAX_PEM_FILE);
	ERR_clear_error();
	have_c = file_exists(cert_path, why, whylen);
	if (have_c < 0) {
		r = have_c;
		goto out;
	}
	have_k = file_exists(key_path, why, whylen);
	if (have_k < 0) {
		r = have_k;
		goto out;
	}
	if (!have_c && !have_k) {
		r = ca_create(cert_path, key_path, ca, why, whylen);
		if (r == 0)
			*made = 1;
		goto out;
	}
	if (!have_c || !have_k) {
		asy_why(why, whylen, "the update CA is half there: %s exists "
		    "but %s does not; remove %s to have a new CA made, or "
		    "supply the missing %s", have_c ? cert_path : key_path,
		    have_c ? key_path : cert_path, have_c ? cert_path :
		    key_path, have_c ? "key" : "certificate");
		r = ASY_E_IO;
		goto out;
	}
	r = read_pem_file(cert_path, &cb, why, whylen);
	if (r < 0)
		goto out;
	r = read_pem_file(key_path, &kb, why, whylen);
	if (r < 0)
		goto out;
	r = ASY_E_INPUT;
	x = read_cert(cb.data, cb.len);
	if (x == NULL) {
		asy_why(why, whylen, "%s: not a PEM certificate (%s)",
		    cert_path, ossl_reason());
		goto out;
	}
	k = read_key(kb.data, kb.len);
	if (k == NULL) {
		asy_why(why, whylen, "%s: not a PEM private key without a "
		    "passphrase (%s)", key_path, ossl_reason());
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		asy_why(why, whylen, "%s does not match the certificate %s: "
		    "supply the right key, or remove both files to have a new "
		    "CA made", key_path, cert_path);
		goto out;
	}
	if (X509_check_ca(x) != 1) {
		asy_why(why, whylen, "%s is not a CA certificate "
		    "(basicConstraints CA:TRUE missing)", cert_path);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		asy_why(why, whylen, "%s has expired: remove it and %s to have "
		    "a new CA made", cert_path, key_path);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0) {
		asy_why(why, whylen, "%s is not valid yet (check the clock)",
		    cert_path);
		goto out;
	}
	r = pair_make(x, k, &p, why, whylen);
	if (r < 0)
		goto out;
	*ca = p;
	p.cert_pem = NULL;
	p.key_pem = NULL;
	*made = 0;
out:
	asy_pki_pair_release(&p);
	X509_free(x);
	EVP_PKEY_free(k);
	if (kb.data != NULL)
		OPENSSL_cleanse(kb.data, kb.len);
	asy_buf_release(&kb);
	asy_buf_release(&cb);
	ERR_clear_error();
	return r;
}

/* ---- signatures with a fresh key ----------------------------------------- */

enum key_kind { K_EC, K_RSA, K_ED25519 };

static const struct sig_alg {
	const char	*name;
	enum key_kind	 kind;
	const char	*curve;		/* K_EC */
	unsigned	 bits;		/* K_RSA */
	const char	*md;		/* NULL: none (ed25519 signs raw) */
} sig_algs[] = {
	{ "ecdsa-p256-sha256",	K_EC,		"P-256", 0,	"SHA256" },
	{ "ecdsa-p384-sha384",	K_EC,		"P-384", 0,	"SHA384" },
	{ "rsa2048-sha256",	K_RSA,		NULL,	2048,	"SHA256" },
	{ "rsa3072-sha256",	K_RSA,		NULL,	3072,	"SHA256" },
	{ "ed25519",		K_ED25519,	NULL,	0,	NULL },
};

static const struct sig_alg *
sig_alg_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < ASY_ELEMENTSOF(sig_algs); i++)
		if (strcmp(sig_algs[i].name, name) == 0)
			return &sig_algs[i];
	return NULL;
}

int
asy_pki_alg_known(const char *alg)
{
	return sig_alg_find(alg) != NULL;
}

static EVP_PKEY *
sig_keygen(const struct sig_alg *a)
{
	switch (a->kind) {
	case K_EC:
		return EVP_EC_gen(a->curve);
	case K_RSA:
		return EVP_RSA_gen(a->bits);
	case K_ED25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
	return NULL;
}

/*
 * Check sig against data with k's public half, as a device with the
 * right key would (RSA: PKCS#1 v1.5, the default padding).
 */
static int
sig_check(EVP_PKEY *k, const EVP_MD *md, const void *data, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *mctx;
	int ok = 0;

	mctx = EVP_MD_CTX_new();
	if (mctx == NULL)
		return 0;
	if (EVP_DigestVerifyInit(mctx, NULL, md, NULL, k) == 1)
		ok = EVP_DigestVerify(mctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(mctx);
	return ok;
}

int
asy_pki_sign_fresh(const char *alg, const void *data, size_t len,
    struct asy_buf *sig, char *why, size_t whylen)
{
	const struct sig_alg *a;
	EVP_MD_CTX *mctx = NULL;
	EVP_MD *md = NULL;
	EVP_PKEY *k = NULL;
	unsigned char *s = NULL;
	size_t slen = 0;
	int r = ASY_E_INTERNAL;

	ERR_clear_error();
	a = sig_alg_find(alg);
	if (a == NULL) {
		asy_why(why, whylen, "unknown signature algorithm");
		return ASY_E_INPUT;
	}
	if (data == NULL && len > 0) {
		asy_why(why, whylen, "no data to sign");
		return ASY_E_INPUT;
	}
	if (a->md != NULL) {
		md = EVP_MD_fetch(NULL, a->md, NULL);
		if (md == NULL) {
			r = ossl_fail(why, whylen, a->md);
			goto out;
		}
	}
	k = sig_keygen(a);
	if (k == NULL) {
		r = ossl_fail(why, whylen, "key generation");
		goto out;
	}
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	/* md NULL is what ed25519 needs: it hashes inside. */
	if (EVP_DigestSignInit(mctx, NULL, md, NULL, k) != 1) {
		r = ossl_fail(why, whylen, "signing");
		goto out;
	}
	if (EVP_DigestSign(mctx, NULL, &slen, data, len) != 1 || slen == 0) {
		r = ossl_fail(why, whylen, "signature size");
		goto out;
	}
	s = malloc(slen);
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (EVP_DigestSign(mctx, s, &slen, data, len) != 1) {
		r = ossl_fail(why, whylen, "signing");
		goto out;
	}
	if (!sig_check(k, md, data, len, s, slen)) {
		r = ossl_fail(why, whylen, "the signature just made does not "
		    "verify");
		goto out;
	}
	r = asy_buf_add(sig, s, slen);
	if (r < 0)
		asy_why(why, whylen, "no room for a %zu-byte signature: %s",
		    slen, asy_strerror(r));
out:
	free(s);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(k);
	EVP_MD_free(md);
	ERR_clear_error();
	return r;
}
