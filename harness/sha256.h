/*
 * The OpenSSL libcrypto adapter: SHA-256 of files and buffers.  The only
 * file that includes OpenSSL headers.
 */
#ifndef ASSAY_SHA256_H
#define ASSAY_SHA256_H

#include <stddef.h>

#define ASY_SHA256_HEX	65	/* 64 hex digits and a NUL */

/* Hash a file into hex (lowercase); 0, ASY_E_IO, ASY_E_NOTFOUND, or
 * ASY_E_CRYPTO. */
int	asy_sha256_file(const char *path, char hex[ASY_SHA256_HEX]);
int	asy_sha256_buf(const void *p, size_t n, char hex[ASY_SHA256_HEX]);
/* "OpenSSL 3.0.x ...", for the report's tool list. */
const char *asy_crypto_version(void);

#endif
