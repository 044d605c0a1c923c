/*
 * The best-practice table (harness/cryptopol.c).
 *
 * Tables of names as servers and OpenSSL spell them, each weak (with a
 * word the reason must contain) or acceptable: SSH key exchange, host
 * key, cipher and MAC names, TLS versions and suites (OpenSSL and IANA
 * names), signature algorithms, key types and sizes.  Every reason is a
 * short phrase without a final period.
 *
 * asy_crypto_declared: the real IXIT sentences of the bench devices
 * (tests/bench/weak/ixit.xml and hardened/ixit.xml, 11-ComMech) against
 * what the devices offer and what they do not, the normalisations the
 * header promises one by one, and hostile declarations (1 MiB of text,
 * binary bytes, a name cut in the middle).
 */
#include <check.h>

#include "cryptopol.h"
#include "ut.h"

struct weak_case {
	const char	*name;
	const char	*reason_has;	/* NULL: acceptable */
};

static void
check_case(const char *what, const char *(*fn)(const char *),
    const struct weak_case *c)
{
	const char *r = fn(c->name);

	if (c->reason_has == NULL) {
		ck_assert_msg(r == NULL, "%s \"%s\" called weak: %s", what,
		    c->name, r != NULL ? r : "");
		return;
	}
	ck_assert_msg(r != NULL, "%s \"%s\" not called weak", what, c->name);
	ck_assert_msg(strstr(r, c->reason_has) != NULL, "%s \"%s\": reason "
	    "\"%s\" lacks \"%s\"", what, c->name, r, c->reason_has);
	ck_assert_msg(strlen(r) <= 80, "reason too long: %s", r);
	ck_assert_msg(r[strlen(r) - 1] != '.', "reason ends in '.': %s", r);
}

/* ---- SSH ---------------------------------------------------------------- */

static const struct weak_case ssh_kex[] = {
	{ "diffie-hellman-group1-sha1", "1024-bit" },
	{ "diffie-hellman-group14-sha1", "SHA-1" },
	{ "diffie-hellman-group-exchange-sha1", "SHA-1" },
	{ "rsa1024-sha1", "1024-bit RSA" },
	{ "gss-group1-sha1-toWM5Slw5Ew8Mqkay+al2g==", "SHA-1" },
	{ "gss-gex-sha1-toWM5Slw5Ew8Mqkay+al2g==", "SHA-1" },
	{ "gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g==", "SHA-1" },
	{ "some-future-sha1", "SHA-1" },
	{ "kex-sha1@vendor.example", "SHA-1" },
	{ "DIFFIE-HELLMAN-GROUP1-SHA1", "1024-bit" },
	{ "curve25519-sha256", NULL },
	{ "curve25519-sha256@libssh.org", NULL },
	{ "sntrup761x25519-sha512@openssh.com", NULL },
	{ "mlkem768x25519-sha256", NULL },
	{ "ecdh-sha2-nistp256", NULL },
	{ "ecdh-sha2-nistp521", NULL },
	{ "diffie-hellman-group14-sha256", NULL },
	{ "diffie-hellman-group16-sha512", NULL },
	{ "diffie-hellman-group-exchange-sha256", NULL },
	{ "gss-curve25519-sha256-toWM5Slw5Ew8Mqkay+al2g==", NULL },
	{ "ext-info-s", NULL },
	{ "kex-strict-s-v00@openssh.com", NULL },
	{ "kexguess2@matt.ucc.asn.au", NULL },
	{ "", NULL },
};

START_TEST(test_ssh_kex)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(ssh_kex); i++)
		check_case("kex", asy_weak_ssh_kex, &ssh_kex[i]);
}
END_TEST

static const struct weak_case ssh_hostkey[] = {
	{ "ssh-rsa", "SHA-1" },
	{ "ssh-rsa-cert-v01@openssh.com", "SHA-1" },
	{ "ssh-dss", "DSA" },
	{ "ssh-dss-cert-v01@openssh.com", "DSA" },
	{ "x509v3-sign-rsa", "SHA-1" },
	{ "x509v3-sign-dss", "DSA" },
	{ "x509v3-ssh-rsa", "SHA-1" },
	{ "x509v3-ssh-dss", "DSA" },
	{ "pgp-sign-dss", "DSA" },
	{ "ssh-ed25519", NULL },
	{ "ssh-ed448", NULL },
	{ "ssh-ed25519-cert-v01@openssh.com", NULL },
	{ "rsa-sha2-256", NULL },
	{ "rsa-sha2-512", NULL },
	{ "rsa-sha2-256-cert-v01@openssh.com", NULL },
	{ "ecdsa-sha2-nistp256", NULL },
	{ "sk-ssh-ed25519@openssh.com", NULL },
	{ "x509v3-rsa2048-sha256", NULL },
};

START_TEST(test_ssh_hostkey)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(ssh_hostkey); i++)
		check_case("host key", asy_weak_ssh_hostkey, &ssh_hostkey[i]);
}
END_TEST

static const struct weak_case ssh_cipher[] = {
	{ "3des-cbc", "Sweet32" },
	{ "3des-ctr", "64-bit block" },
	{ "blowfish-cbc", "64-bit block" },
	{ "blowfish-ctr", "64-bit block" },
	{ "cast128-cbc", "64-bit block" },
	{ "idea-cbc", "64-bit block" },
	{ "arcfour", "RC4" },
	{ "arcfour128", "RC4" },
	{ "arcfour256", "RC4" },
	{ "des", "single DES" },
	{ "des-cbc", "single DES" },
	{ "des-cbc@ssh.com", "single DES" },
	{ "none", "no encryption" },
	{ "rijndael-cbc@lysator.liu.se", "CBC mode" },
	{ "aes128-cbc", "CBC mode" },
	{ "aes192-cbc", "CBC mode" },
	{ "aes256-cbc", "CBC mode" },
	{ "twofish256-cbc", "CBC mode" },
	{ "serpent256-cbc", "CBC mode" },
	{ "AES256-CBC", "CBC mode" },
	{ "aes128-ctr", NULL },
	{ "aes192-ctr", NULL },
	{ "aes256-ctr", NULL },
	{ "aes128-gcm@openssh.com", NULL },
	{ "aes256-gcm@openssh.com", NULL },
	{ "chacha20-poly1305@openssh.com", NULL },
	{ "AEAD_AES_128_GCM", NULL },
};

START_TEST(test_ssh_cipher)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(ssh_cipher); i++)
		check_case("cipher", asy_weak_ssh_cipher, &ssh_cipher[i]);
}
END_TEST

static const struct weak_case ssh_mac[] = {
	{ "hmac-md5", "MD5" },
	{ "hmac-md5-96", "MD5" },
	{ "hmac-md5-etm@openssh.com", "MD5" },
	{ "hmac-md5-96-etm@openssh.com", "MD5" },
	{ "hmac-sha1", "SHA-1 MAC" },
	{ "hmac-sha1-96", "SHA-1 MAC" },
	{ "hmac-sha1-etm@openssh.com", "SHA-1 MAC" },
	{ "hmac-sha1-96-etm@openssh.com", "SHA-1 MAC" },
	{ "umac-64@openssh.com", "64-bit tag" },
	{ "umac-64-etm@openssh.com", "64-bit tag" },
	{ "hmac-ripemd160", "RIPEMD-160" },
	{ "hmac-ripemd160@openssh.com", "RIPEMD-160" },
	{ "hmac-ripemd160-etm@openssh.com", "RIPEMD-160" },
	{ "none", "no integrity" },
	{ "hmac-sha2-256-96", "96 bits" },
	{ "hmac-sha2-256", NULL },
	{ "hmac-sha2-512", NULL },
	{ "hmac-sha2-256-etm@openssh.com", NULL },
	{ "hmac-sha2-512-etm@openssh.com", NULL },
	{ "umac-128@openssh.com", NULL },
	{ "umac-128-etm@openssh.com", NULL },
	{ "hmac-sha256@ssh.com", NULL },
};

START_TEST(test_ssh_mac)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(ssh_mac); i++)
		check_case("MAC", asy_weak_ssh_mac, &ssh_mac[i]);
}
END_TEST

/* ---- TLS ---------------------------------------------------------------- */

static const struct weak_case tls_versions[] = {
	{ "SSLv2", "RFC 6176" },
	{ "SSLv3", "RFC 7568" },
	{ "TLSv1", "TLS 1.0" },
	{ "TLSv1.0", "TLS 1.0" },
	{ "TLS 1.0", "TLS 1.0" },
	{ "tls1_1", "TLS 1.1" },
	{ "TLSv1.1", "RFC 8996" },
	{ "TLS 1.1", "TLS 1.1" },
	{ "DTLSv1", "DTLS 1.0" },
	{ "TLSv1.2", NULL },
	{ "TLSv1.3", NULL },
	{ "TLS 1.3", NULL },
	{ "DTLSv1.2", NULL },
	{ "TLSv1.10", NULL },
	{ "", NULL },
};

START_TEST(test_tls_version)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(tls_versions); i++)
		check_case("version", asy_weak_tls_version, &tls_versions[i]);
}
END_TEST

static const struct weak_case tls_suites[] = {
	/* OpenSSL names */
	{ "NULL-SHA", "NULL cipher" },
	{ "NULL-MD5", "NULL cipher" },
	{ "ECDHE-RSA-NULL-SHA", "NULL cipher" },
	{ "ADH-AES128-SHA", "anonymous" },
	{ "AECDH-AES256-SHA", "anonymous" },
	{ "ADH-AES256-GCM-SHA384", "anonymous" },
	{ "EXP-RC4-MD5", "export" },
	{ "EXP-EDH-RSA-DES-CBC-SHA", "export" },
	{ "EXP1024-DES-CBC-SHA", "export" },
	{ "RC4-SHA", "RC4" },
	{ "RC4-MD5", "RC4" },
	{ "ECDHE-RSA-RC4-SHA", "RC4" },
	{ "DES-CBC3-SHA", "3DES" },
	{ "ECDHE-RSA-DES-CBC3-SHA", "3DES" },
	{ "EDH-RSA-DES-CBC3-SHA", "3DES" },
	{ "DES-CBC-SHA", "single DES" },
	{ "IDEA-CBC-SHA", "64-bit block" },
	{ "AES128-SHA", "forward secrecy" },
	{ "AES256-SHA256", "forward secrecy" },
	{ "AES128-GCM-SHA256", "forward secrecy" },
	{ "AES256-CCM8", "forward secrecy" },
	{ "CAMELLIA256-SHA", "forward secrecy" },
	{ "SEED-SHA", "forward secrecy" },
	{ "ARIA128-GCM-SHA256", "forward secrecy" },
	{ "PSK-AES128-GCM-SHA256", "forward secrecy" },
	{ "RSA-PSK-AES256-GCM-SHA384", "forward secrecy" },
	{ "DH-RSA-AES128-SHA256", "forward secrecy" },
	{ "ECDH-ECDSA-AES128-GCM-SHA256", "forward secrecy" },
	{ "ECDHE-RSA-AES128-SHA", "SHA-1 MAC with CBC" },
	{ "ECDHE-ECDSA-AES256-SHA", "SHA-1 MAC with CBC" },
	{ "DHE-RSA-AES256-SHA", "SHA-1 MAC with CBC" },
	{ "DHE-RSA-CAMELLIA128-SHA", "SHA-1 MAC with CBC" },
	{ "ECDHE-PSK-AES128-CBC-SHA", "SHA-1 MAC with CBC" },
	{ "ECDHE-ECDSA-AES128-GCM-SHA256", NULL },
	{ "ECDHE-RSA-AES256-GCM-SHA384", NULL },
	{ "ECDHE-ECDSA-CHACHA20-POLY1305", NULL },
	{ "DHE-RSA-AES256-GCM-SHA384", NULL },
	{ "DHE-RSA-CHACHA20-POLY1305", NULL },
	{ "ECDHE-RSA-AES128-SHA256", NULL },
	{ "ECDHE-PSK-CHACHA20-POLY1305", NULL },
	{ "DHE-PSK-AES128-GCM-SHA256", NULL },
	{ "ECDHE-ECDSA-AES128-CCM", NULL },
	/* TLS 1.3 and IANA names */
	{ "TLS_AES_128_GCM_SHA256", NULL },
	{ "TLS_AES_256_GCM_SHA384", NULL },
	{ "TLS_CHACHA20_POLY1305_SHA256", NULL },
	{ "TLS_AES_128_CCM_SHA256", NULL },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", NULL },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", "forward secrecy" },
	{ "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "3DES" },
	{ "TLS_RSA_WITH_RC4_128_SHA", "RC4" },
	{ "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export" },
	{ "TLS_DH_anon_WITH_AES_128_CBC_SHA", "anonymous" },
	{ "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "NULL cipher" },
	{ "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "forward secrecy" },
	{ "TLS_PSK_WITH_AES_128_GCM_SHA256", "forward secrecy" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "SHA-1 MAC with CBC" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", NULL },
	{ "", NULL },
};

START_TEST(test_tls_cipher)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(tls_suites); i++)
		check_case("suite", asy_weak_tls_cipher, &tls_suites[i]);
}
END_TEST

static const struct weak_case sigs[] = {
	{ "md5WithRSAEncryption", "MD5" },
	{ "md2WithRSAEncryption", "MD2" },
	{ "md4WithRSAEncryption", "MD4" },
	{ "sha1WithRSAEncryption", "SHA-1" },
	{ "ecdsa-with-SHA1", "SHA-1" },
	{ "dsaWithSHA1", "SHA-1" },
	{ "RSA-SHA1", "SHA-1" },
	{ "shaWithRSAEncryption", "SHA-0" },
	{ "ssh-rsa", "SHA-1" },
	{ "dsa_with_SHA256", "DSA" },
	{ "sha256WithRSAEncryption", NULL },
	{ "sha384WithRSAEncryption", NULL },
	{ "sha512WithRSAEncryption", NULL },
	{ "ecdsa-with-SHA256", NULL },
	{ "ecdsa-with-SHA384", NULL },
	{ "ED25519", NULL },
	{ "rsassaPss", NULL },
	{ "rsa-sha2-256", NULL },
};

START_TEST(test_sig)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(sigs); i++)
		check_case("signature", asy_weak_sig, &sigs[i]);
}
END_TEST

static const struct {
	const char	*type;
	int		 bits;
	const char	*reason_has;
} keys[] = {
	{ "RSA", 1024, "2048" },
	{ "RSA", 2047, "2048" },
	{ "RSA", 2048, NULL },
	{ "RSA", 4096, NULL },
	{ "RSA", 0, NULL },
	{ "ssh-rsa", 1024, "2048" },
	{ "ssh-rsa", 3072, NULL },
	{ "rsaEncryption", 512, "2048" },
	{ "DSA", 1024, "DSA" },
	{ "DSA", 3072, "DSA" },
	{ "DSA", 0, "DSA" },
	{ "ssh-dss", 1024, "DSA" },
	{ "DH", 1024, "DH group" },
	{ "DH", 2048, NULL },
	{ "EC P-256", 256, NULL },
	{ "EC P-192", 192, "224" },
	{ "EC P-192", 0, "224" },
	{ "EC secp160r1", 0, "224" },
	{ "EC brainpoolP160r1", 0, "224" },
	{ "EC prime256v1", 0, NULL },
	{ "EC P-224", 0, NULL },
	{ "ecdsa-sha2-nistp256", 256, NULL },
	{ "ecdsa-sha2-nistp256", 0, NULL },
	{ "EC", 0, NULL },
	{ "Ed25519", 256, NULL },
	{ "ssh-ed25519", 0, NULL },
	{ "X25519", 253, NULL },
	{ "Unknown", 64, NULL },
};

START_TEST(test_key)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(keys); i++) {
		const char *r = asy_weak_key(keys[i].type, keys[i].bits);

		if (keys[i].reason_has == NULL) {
			ck_assert_msg(r == NULL, "%s %d called weak: %s",
			    keys[i].type, keys[i].bits, r != NULL ? r : "");
			continue;
		}
		ck_assert_msg(r != NULL, "%s %d not called weak",
		    keys[i].type, keys[i].bits);
		ck_assert_msg(strstr(r, keys[i].reason_has) != NULL,
		    "%s %d: %s", keys[i].type, keys[i].bits, r);
	}
}
END_TEST

START_TEST(test_null)
{
	ck_assert_ptr_null(asy_weak_ssh_kex(NULL));
	ck_assert_ptr_null(asy_weak_ssh_hostkey(NULL));
	ck_assert_ptr_null(asy_weak_ssh_cipher(NULL));
	ck_assert_ptr_null(asy_weak_ssh_mac(NULL));
	ck_assert_ptr_null(asy_weak_tls_version(NULL));
	ck_assert_ptr_null(asy_weak_tls_cipher(NULL));
	ck_assert_ptr_null(asy_weak_sig(NULL));
	ck_assert_ptr_null(asy_weak_key(NULL, 512));
	ck_assert_int_eq(asy_crypto_declared(NULL, "aes128-ctr"), 0);
	ck_assert_int_eq(asy_crypto_declared("aes128-ctr", NULL), 0);
	ck_assert_int_eq(asy_crypto_declared("aes128-ctr", ""), 0);
	ck_assert_int_eq(asy_crypto_declared("aes128-ctr", "@openssh.com"),
	    0);
	ck_assert_int_eq(asy_crypto_declared("", "aes128-ctr"), 0);
}
END_TEST

/* ---- declarations ------------------------------------------------------- */

/* The <crypto> text of row id in a bench IXIT (no entities in these). */
static char *
ixit_crypto(const char *rel, const char *row)
{
	char *path = ut_src(rel), *start, *end, *text, *open_tag;
	struct asy_buf b;

	ut_load(path, &b);
	open_tag = asy_strdup_printf("<row id=\"%s\">", row);
	ck_assert_ptr_nonnull(open_tag);
	start = strstr(b.data, open_tag);
	ck_assert_msg(start != NULL, "%s: no row %s", rel, row);
	start = strstr(start, "<crypto>");
	ck_assert_ptr_nonnull(start);
	start += strlen("<crypto>");
	end = strstr(start, "</crypto>");
	ck_assert_ptr_nonnull(end);
	text = asy_strndup(start, (size_t)(end - start));
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strchr(text, '&') == NULL && strchr(text, '<') == NULL,
	    "%s %s: markup in the text", rel, row);
	asy_buf_release(&b);
	free(open_tag);
	free(path);
	return text;
}

struct decl_case {
	const char	*file;		/* bench IXIT, or NULL: text is given */
	const char	*row;
	const char	*text;
	const char	*algo;
	int		 declared;
};

#define HARD	"tests/bench/hardened/ixit.xml"
#define WEAK	"tests/bench/weak/ixit.xml"

static const struct decl_case decls[] = {
	/* The hardened device's SSH sentence against what its sshd offers. */
	{ HARD, "ComMech-SSH", NULL, "chacha20-poly1305@openssh.com", 1 },
	{ HARD, "ComMech-SSH", NULL, "aes256-gcm@openssh.com", 1 },
	{ HARD, "ComMech-SSH", NULL, "aes128-gcm@openssh.com", 1 },
	{ HARD, "ComMech-SSH", NULL, "hmac-sha2-256-etm@openssh.com", 1 },
	{ HARD, "ComMech-SSH", NULL, "hmac-sha2-512-etm@openssh.com", 1 },
	{ HARD, "ComMech-SSH", NULL, "ssh-ed25519", 1 },
	{ HARD, "ComMech-SSH", NULL, "curve25519-sha256", 1 },
	{ HARD, "ComMech-SSH", NULL, "curve25519-sha256@libssh.org", 1 },
	{ HARD, "ComMech-SSH", NULL, "hmac-sha1", 0 },
	{ HARD, "ComMech-SSH", NULL, "aes128-ctr", 0 },
	{ HARD, "ComMech-SSH", NULL, "aes256-ctr", 0 },
	{ HARD, "ComMech-SSH", NULL, "diffie-hellman-group14-sha256", 0 },
	{ HARD, "ComMech-SSH", NULL, "diffie-hellman-group14-sha1", 0 },
	{ HARD, "ComMech-SSH", NULL, "ecdh-sha2-nistp256", 0 },
	{ HARD, "ComMech-SSH", NULL, "ssh-rsa", 0 },
	{ HARD, "ComMech-SSH", NULL, "rsa-sha2-256", 0 },
	{ HARD, "ComMech-SSH", NULL, "hmac-sha2-256", 1 },
	{ HARD, "ComMech-SSH", NULL, "3des-cbc", 0 },
	/* Its TLS sentence: versions as OpenSSL names them. */
	{ HARD, "ComMech-HTTPS", NULL, "TLSv1.3", 1 },
	{ HARD, "ComMech-HTTPS", NULL, "TLSv1.2", 1 },
	{ HARD, "ComMech-HTTPS", NULL, "TLSv1.1", 0 },
	{ HARD, "ComMech-HTTPS", NULL, "TLSv1", 0 },
	{ HARD, "ComMech-HTTPS", NULL, "SSLv3", 0 },
	{ HARD, "ComMech-HTTPS", NULL, "AES-256-GCM", 1 },
	{ HARD, "ComMech-HTTPS", NULL, "ChaCha20-Poly1305", 1 },
	{ HARD, "ComMech-HTTPS", NULL, "AES-128-CBC", 0 },
	{ HARD, "ComMech-MQTT", NULL, "TLSv1.3", 1 },
	{ HARD, "ComMech-MQTT", NULL, "TLSv1.2", 1 },
	{ HARD, "ComMech-MQTT", NULL, "TLSv1.1", 0 },
	/* The weak device's SSH sentence (dropbear defaults). */
	{ WEAK, "ComMech-SSH", NULL, "curve25519-sha256", 1 },
	{ WEAK, "ComMech-SSH", NULL, "diffie-hellman-group14-sha256", 1 },
	{ WEAK, "ComMech-SSH", NULL, "diffie-hellman-group14-sha1", 1 },
	{ WEAK, "ComMech-SSH", NULL, "chacha20-poly1305@openssh.com", 1 },
	{ WEAK, "ComMech-SSH", NULL, "aes128-ctr", 1 },
	{ WEAK, "ComMech-SSH", NULL, "aes256-ctr", 1 },
	{ WEAK, "ComMech-SSH", NULL, "hmac-sha2-256", 1 },
	{ WEAK, "ComMech-SSH", NULL, "hmac-sha1", 1 },
	{ WEAK, "ComMech-SSH", NULL, "ssh-ed25519", 1 },
	{ WEAK, "ComMech-SSH", NULL, "ssh-rsa", 1 },
	{ WEAK, "ComMech-SSH", NULL, "rsa-sha2-256", 1 },
	{ WEAK, "ComMech-SSH", NULL, "rsa-sha2-512", 0 },
	{ WEAK, "ComMech-SSH", NULL, "diffie-hellman-group1-sha1", 0 },
	{ WEAK, "ComMech-SSH", NULL, "aes256-gcm@openssh.com", 0 },
	{ WEAK, "ComMech-SSH", NULL, "3des-cbc", 0 },
	{ WEAK, "ComMech-SSH", NULL, "hmac-sha2-512", 0 },
	{ WEAK, "ComMech-HTTP", NULL, "TLSv1.2", 0 },
	/* The normalisations of the header, one at a time. */
	{ NULL, NULL, "AES-256-GCM", "aes256-gcm@openssh.com", 1 },
	{ NULL, NULL, "aes 256 gcm", "AES256-GCM", 1 },
	{ NULL, NULL, "TLSv1.2", "TLS 1.2", 1 },
	{ NULL, NULL, "TLS 1.2", "TLSv1.2", 1 },
	{ NULL, NULL, "TLS1.2", "TLSv1.2", 1 },
	{ NULL, NULL, "TLS 1.0", "TLSv1", 1 },
	{ NULL, NULL, "TLS 1.2 or 1.3", "TLSv1.3", 1 },
	{ NULL, NULL, "TLS 1.2 and 1.3", "TLSv1.3", 1 },
	{ NULL, NULL, "TLS 1.2/1.3", "TLSv1.3", 1 },
	{ NULL, NULL, "TLS 1.0, 1.1 and 1.2", "TLSv1.1", 1 },
	{ NULL, NULL, "TLS 1.2; MQTT 1.3", "TLSv1.3", 0 },
	{ NULL, NULL, "TLS 1.2", "TLSv1.3", 0 },
	{ NULL, NULL, "TLS 1.3", "TLSv1.2", 0 },
	{ NULL, NULL, "SSL 3.0", "SSLv3", 1 },
	{ NULL, NULL, "Ed25519 host key", "ssh-ed25519", 1 },
	{ NULL, NULL, "ssh-ed25519", "Ed25519", 1 },
	{ NULL, NULL, "curve25519-sha256", "curve25519-sha256@libssh.org", 1 },
	{ NULL, NULL, "hmac-sha2-256-etm", "hmac-sha2-256-etm@openssh.com",
	  1 },
	{ NULL, NULL, "HMAC-SHA-256", "hmac-sha2-256", 1 },
	{ NULL, NULL, "hmac-sha2-256", "hmac-sha2-512", 0 },
	{ NULL, NULL, "aes1280-ctr", "aes128-ctr", 0 },
	{ NULL, NULL, "aes128", "aes128-ctr", 0 },
	{ NULL, NULL, "x25519", "curve25519-sha256", 0 },
	/* Hostile declarations. */
	{ NULL, NULL, "\x01\xff\xfe aes128-ctr \x1b[31m", "aes128-ctr", 1 },
	{ NULL, NULL, "aes128-c", "aes128-ctr", 0 },
	{ NULL, NULL, "<b>aes128-ctr</b>", "aes128-ctr", 1 },
	{ NULL, NULL, "<b>aes128</b>-<i>ctr</i>", "aes128-ctr", 0 },
	{ NULL, NULL, "@@@@@@@", "aes128-ctr", 0 },
	{ NULL, NULL, "aes128-ctr@", "aes128-ctr", 1 },
};

START_TEST(test_declared)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(decls); i++) {
		const struct decl_case *c = &decls[i];
		char *text = NULL;
		const char *t = c->text;
		int r;

		if (c->file != NULL) {
			text = ixit_crypto(c->file, c->row);
			t = text;
		}
		r = asy_crypto_declared(t, c->algo);
		ck_assert_msg(r == c->declared, "case %zu: \"%s\" %s \"%s\"",
		    i, t, c->declared ? "does not name" : "names", c->algo);
		free(text);
	}
}
END_TEST

/* A declaration of 1 MiB: the name at the very end is found, one cut in
 * the middle is not, and tokens longer than any name never match. */
START_TEST(test_declared_huge)
{
	size_t n = (size_t)1 << 20;
	char *big = malloc(n + 64);
	int r;

	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < n; i++)
		big[i] = "aes128 ctr, \x01"[i % 13];
	memcpy(big + n, " chacha20-poly1305", 19);
	r = asy_crypto_declared(big, "chacha20-poly1305@openssh.com");
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(asy_crypto_declared(big, "aes128-ctr"), 1);
	ck_assert_int_eq(asy_crypto_declared(big, "aes256-ctr"), 0);
	/* One token of 1 MiB. */
	memset(big, 'a', n);
	big[n] = '\0';
	ck_assert_int_eq(asy_crypto_declared(big, "aes128-ctr"), 0);
	ck_assert_int_eq(asy_crypto_declared(big, big), 0);
	free(big);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cryptopol");
	TCase *tc = tcase_create("tables");

	/* One test per table (each forked test costs a leak check under
	 * AddressSanitizer); failures name the entry. */
	tcase_add_test(tc, test_ssh_kex);
	tcase_add_test(tc, test_ssh_hostkey);
	tcase_add_test(tc, test_ssh_cipher);
	tcase_add_test(tc, test_ssh_mac);
	tcase_add_test(tc, test_tls_version);
	tcase_add_test(tc, test_tls_cipher);
	tcase_add_test(tc, test_sig);
	tcase_add_test(tc, test_key);
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("declared");
	tcase_add_test(tc, test_declared);
	tcase_add_test(tc, test_declared_huge);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(suite());
}
