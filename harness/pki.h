/*
 * Keys and certificates for the rogue update server (the only file besides
 * tlsc.c and sshc.c that uses OpenSSL's X.509 and signing API): the lab's
 * update CA, kept on disk and made when missing; throw-away CAs for the
 * man-in-the-middle attempt; server certificates issued for the server's
 * names; and signatures made with a fresh key, for the "signed with the
 * wrong key" image.
 *
 * Everything comes back as PEM or DER in memory; only asy_pki_ca_load()
 * touches the file system.
 */
#ifndef ASSAY_PKI_H
#define ASSAY_PKI_H

#include <stddef.h>

#include "buf.h"

/* A certificate and its private key, both PEM, NUL-terminated. */
struct asy_pki_pair {
	char	*cert_pem;
	char	*key_pem;
};

/* Free both strings (the key is cleared first); accepts NULL. */
void	asy_pki_pair_release(struct asy_pki_pair *p);

/*
 * The lab's update CA from cert_path and key_path.  When neither file
 * exists, make one (EC P-256, self-signed, CA:TRUE, valid from one day
 * back for 825 days, subject "O=assay lab, CN=assay update CA <date>"),
 * write the key 0600 and the certificate 0644 (both created exclusively,
 * so a second assay never overwrites them) and set *made to 1.
 * 0 and *ca filled; ASY_E_IO (unreadable or not a regular file, only
 * one of the two files exists, cannot be created), ASY_E_INPUT (not PEM,
 * an encrypted key, not a CA certificate, the key does not match the
 * certificate, expired or not valid yet, over 64 KiB), ASY_E_NOMEM; why
 * says which file and how to fix it.  *made is set only on success (0
 * when loaded).  The PEM handed back is re-encoded from what was parsed
 * (the key as unencrypted PKCS#8), so a loaded CA gives the same strings
 * as the one made.  A half-made CA (the certificate could not be
 * written) is removed again.
 */
int	asy_pki_ca_load(const char *cert_path, const char *key_path, int *made,
	    struct asy_pki_pair *ca, char *why, size_t whylen);

/* A fresh CA in memory (EC P-256, CA:TRUE, as the lab CA above) with
 * subject "O=assay lab, CN=cn".  0, ASY_E_INPUT (cn NULL, empty or over
 * 64 bytes, X.509's limit), ASY_E_NOMEM, ASY_E_INTERNAL (OpenSSL failed;
 * why says). */
int	asy_pki_ca_make(const char *cn, struct asy_pki_pair *ca, char *why,
	    size_t whylen);

/*
 * A server certificate signed by ca: EC P-256, CA:FALSE, serverAuth,
 * valid from one hour back for 30 days, subject CN the first name, and a
 * subjectAltName entry for each name (an IPv4 or IPv6 literal becomes an
 * IP entry, anything else a DNS entry).  1 to 8 names.  0, ASY_E_INPUT (no
 * name, too many, a name with characters outside [A-Za-z0-9.:-] or over
 * 64 bytes (the CN limit), a name with ':' that is not an IPv6 literal;
 * ca not PEM, its key not matching, or not a CA), ASY_E_NOMEM,
 * ASY_E_INTERNAL.
 */
int	asy_pki_issue(const struct asy_pki_pair *ca, const char *const *names,
	    size_t n_names, struct asy_pki_pair *out, char *why, size_t whylen);

/*
 * Sign data with a key made for this call and thrown away: alg is
 * "ecdsa-p256-sha256", "ecdsa-p384-sha384", "rsa2048-sha256",
 * "rsa3072-sha256" or "ed25519".  The signature is what
 * "openssl dgst -sha256 -sign KEY" (-sha384 for ecdsa-p384-sha384;
 * ECDSA: DER; RSA: PKCS#1 v1.5) or, for ed25519, "openssl pkeyutl -sign
 * -rawin" writes; appended to sig.  Each signature is verified with the
 * key's public half before it is handed out (the key never leaves this
 * call, so nobody else can).  0, ASY_E_INPUT (unknown alg), ASY_E_TOOBIG
 * (sig's cap; sig unchanged), ASY_E_NOMEM, ASY_E_INTERNAL.
 */
int	asy_pki_sign_fresh(const char *alg, const void *data, size_t len,
	    struct asy_buf *sig, char *why, size_t whylen);

/* Is alg one asy_pki_sign_fresh() knows? */
int	asy_pki_alg_known(const char *alg);

#endif /* ASSAY_PKI_H */
