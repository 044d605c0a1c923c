#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "error.h"

static void
to_hex(const unsigned char *md, unsigned n, char hex[ASY_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int
asy_sha256_file(const char *path, char hex[ASY_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? ASY_E_NOTFOUND : ASY_E_IO;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		r = ASY_E_CRYPTO;
		goto out;
	}
	for (;;) {
		unsigned char chunk[65536];
		ssize_t n;

		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = ASY_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1) {
			r = ASY_E_CRYPTO;
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		r = ASY_E_CRYPTO;
		goto out;
	}
	to_hex(md, mdlen, hex);
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return r;
}

int
asy_sha256_buf(const void *p, size_t n, char hex[ASY_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return ASY_E_CRYPTO;
	to_hex(md, mdlen, hex);
	return 0;
}

const char *
asy_crypto_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
