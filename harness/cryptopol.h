/*
 * The best-practice table for secure channels: what an assessor calls weak
 * in SSH and TLS today (SSLv3, TLS 1.0 and 1.1, RC4, 3DES, NULL and export
 * suites, SHA-1 MACs and signatures, diffie-hellman-group1, ssh-rsa with
 * SHA-1, RSA and DH below 2048 bits, ...), and the comparison of what a
 * service offers with the IXIT's words.  Tables, not code: each entry
 * names the algorithm pattern and the reason printed in the report.
 */
#ifndef ASSAY_CRYPTOPOL_H
#define ASSAY_CRYPTOPOL_H

/* Why an SSH algorithm name (as on the wire: "diffie-hellman-group1-sha1",
 * "hmac-sha1-etm@openssh.com") is weak, or NULL when it is acceptable. */
const char	*asy_weak_ssh_kex(const char *name);
const char	*asy_weak_ssh_hostkey(const char *name);
const char	*asy_weak_ssh_cipher(const char *name);
const char	*asy_weak_ssh_mac(const char *name);

/* TLS: a version as OpenSSL names it ("TLSv1.1"), a suite by OpenSSL's
 * name ("DES-CBC3-SHA"), a certificate signature algorithm
 * ("sha1WithRSAEncryption"). */
const char	*asy_weak_tls_version(const char *version);
const char	*asy_weak_tls_cipher(const char *suite);
const char	*asy_weak_sig(const char *sig);

/* The broken part of asy_weak_tls_cipher(): NULL, RC4, RC2, DES, 3DES,
 * IDEA, MD5, export and anonymous suites (what RFC 9325 prohibits), not
 * the merely dated (static RSA, CBC with SHA-1).  NULL when none. */
const char	*asy_broken_tls_cipher(const char *suite);

/* A public key: type "RSA", "DSA", "DH", "EC P-256", "ssh-rsa", "Ed25519"
 * and its size in bits (0: unknown, judged by type only). */
const char	*asy_weak_key(const char *type, int bits);

/*
 * Does the declaration text name the algorithm?  Both are normalised
 * first: case, "@openssh.com" and similar suffixes, "-etm", the
 * punctuation between words ("AES-256-GCM" ~ "aes256-gcm",
 * "TLSv1.2" ~ "TLS 1.2", "ssh-ed25519" ~ "Ed25519", "curve25519-sha256"
 * ~ "curve25519-sha256@libssh.org").  1 named, 0 not.
 */
int		 asy_crypto_declared(const char *decl_text, const char *algo);

#endif
