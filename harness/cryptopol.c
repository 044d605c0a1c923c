/*
 * The best-practice table for secure channels.  Each table is a list of
 * {pattern, reason}: the first pattern that matches (fnmatch(3), ignoring
 * case) gives the reason printed in the report, so the more specific
 * entries come first.  Sources: RFC 9142 (SSH key exchange), RFC 8332
 * (RSA SHA-2 signatures in SSH), RFC 8758 (RC4 in SSH), RFC 7465 (RC4 in
 * TLS), RFC 8996 (TLS 1.0 and 1.1), RFC 7568 (SSL 3.0), RFC 6176 (SSL 2.0),
 * RFC 9325 (TLS recommendations), NIST SP 800-131A (key sizes, SHA-1 for
 * signatures) and NIST's plan to retire SHA-1 by 2030, FIPS 186-5 (DSA
 * withdrawn), Sweet32 (64-bit block ciphers), OpenSSH's release notes
 * (what it removed and why).
 */
#include "cryptopol.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct rule {
	const char	*pattern;
	const char	*reason;
};

#define R_SHA1_KEX	"SHA-1 exchange hash (RFC 9142 phases out SHA-1)"
#define R_CBC		"CBC mode, vulnerable to plaintext-recovery " \
			"attacks, use CTR or AEAD"
#define R_SHA1_MAC	"SHA-1 MAC (NIST retires SHA-1 by 2030; use hmac-sha2)"
#define R_SHA1_SIG	"SHA-1 signature (collisions; disallowed for signing " \
			"by NIST SP 800-131A)"
#define R_DSA		"DSA (1024-bit keys and SHA-1 in SSH; withdrawn " \
			"in FIPS 186-5)"
#define R_64BIT		"64-bit block cipher (Sweet32)"
#define R_CBC_SHA1	"SHA-1 MAC with CBC (padding oracles; RFC 9325 " \
			"prefers AEAD)"
#define R_NO_FS		"no forward secrecy (static key exchange)"

/* ---- SSH ---------------------------------------------------------------- */

static const struct rule ssh_kex[] = {
	{ "diffie-hellman-group1-sha1",
	  "1024-bit DH group with SHA-1 (RFC 9142, Logjam)" },
	{ "rsa1024-sha1", "1024-bit RSA key exchange with SHA-1 (RFC 9142)" },
	{ "diffie-hellman-group14-sha1", R_SHA1_KEX },
	{ "diffie-hellman-group-exchange-sha1", R_SHA1_KEX },
	{ "gss-*sha1*", R_SHA1_KEX },
	{ "*-sha1", R_SHA1_KEX },
	{ "*-sha1@*", R_SHA1_KEX },
};

static const struct rule ssh_hostkey[] = {
	{ "ssh-rsa", "RSA with SHA-1 signatures (use rsa-sha2-256/512, "
	  "RFC 8332)" },
	{ "ssh-rsa-cert-*", "RSA with SHA-1 signatures (use "
	  "rsa-sha2-256/512, RFC 8332)" },
	{ "ssh-dss", R_DSA },
	{ "ssh-dss-cert-*", R_DSA },
	{ "x509v3-sign-dss", R_DSA },
	{ "x509v3-ssh-dss", R_DSA },
	{ "pgp-sign-dss", R_DSA },
	{ "x509v3-sign-rsa", R_SHA1_SIG },
	{ "x509v3-ssh-rsa", R_SHA1_SIG },
	{ "pgp-sign-rsa", R_SHA1_SIG },
};

static const struct rule ssh_cipher[] = {
	{ "none", "no encryption" },
	{ "arcfour*", "RC4 (broken keystream, RFC 8758)" },
	{ "des", "single DES (56-bit key)" },
	{ "des-*", "single DES (56-bit key)" },
	{ "3des-cbc", "3DES: 64-bit block (Sweet32), CBC mode" },
	{ "3des*", R_64BIT },
	{ "blowfish*", R_64BIT },
	{ "cast128*", R_64BIT },
	{ "idea*", R_64BIT },
	{ "rijndael-cbc@lysator.liu.se", R_CBC },
	{ "*-cbc", R_CBC },
	{ "*-cbc@*", R_CBC },
};

static const struct rule ssh_mac[] = {
	{ "none", "no integrity protection" },
	{ "hmac-md5*", "MD5 MAC (broken hash)" },
	{ "hmac-sha1", R_SHA1_MAC },
	{ "hmac-sha1-96", R_SHA1_MAC },
	{ "hmac-sha1-etm@*", R_SHA1_MAC },
	{ "hmac-sha1-96-etm@*", R_SHA1_MAC },
	{ "umac-64*", "64-bit tag (too short)" },
	{ "hmac-ripemd160*", "RIPEMD-160 MAC (legacy, removed from OpenSSH)" },
	{ "*-96", "MAC truncated to 96 bits" },
	{ "*-96-etm@*", "MAC truncated to 96 bits" },
};

/* ---- TLS ---------------------------------------------------------------- */

/* Versions after normalise_version(): lowercase, no 'v', no spaces. */
static const struct rule tls_version[] = {
	{ "ssl2*", "SSL 2.0 (prohibited, RFC 6176)" },
	{ "ssl3*", "SSL 3.0 (prohibited, RFC 7568)" },
	{ "tls1", "TLS 1.0 (deprecated, RFC 8996)" },
	{ "tls1.0", "TLS 1.0 (deprecated, RFC 8996)" },
	{ "tls1.1", "TLS 1.1 (deprecated, RFC 8996)" },
	{ "dtls1", "DTLS 1.0 (deprecated, RFC 8996)" },
	{ "dtls1.0", "DTLS 1.0 (deprecated, RFC 8996)" },
};

/* One part of a suite name between '-' or '_' ("DES-CBC3-SHA" has DES,
 * CBC3 and SHA; IANA names have TLS, RSA, WITH...). */
static const struct rule tls_token[] = {
	{ "NULL", "no encryption (NULL cipher)" },
	{ "eNULL", "no encryption (NULL cipher)" },
	{ "ADH", "anonymous key exchange, no server authentication" },
	{ "AECDH", "anonymous key exchange, no server authentication" },
	{ "aNULL", "anonymous key exchange, no server authentication" },
	{ "anon", "anonymous key exchange, no server authentication" },
	{ "EXP", "export-grade cipher (FREAK, Logjam)" },
	{ "EXP1024", "export-grade cipher (FREAK, Logjam)" },
	{ "EXPORT", "export-grade cipher (FREAK, Logjam)" },
	{ "EXPORT1024", "export-grade cipher (FREAK, Logjam)" },
	{ "RC4", "RC4 (prohibited, RFC 7465)" },
	{ "RC2", "RC2 (export-era cipher)" },
	{ "CBC3", "3DES: 64-bit block (Sweet32)" },
	{ "3DES", "3DES: 64-bit block (Sweet32)" },
	{ "DES", "single DES (56-bit key)" },
	{ "DES40", "single DES (40-bit export key)" },
	{ "IDEA", R_64BIT },
	{ "MD5", "MD5 MAC (broken hash)" },
};

/*
 * Key exchange without forward secrecy.  OpenSSL names a static RSA suite
 * by its cipher alone ("AES128-SHA", "DES-CBC3-SHA"), static DH and ECDH
 * as "DH-RSA-..."/"ECDH-ECDSA-...", pre-shared keys as "PSK-..." and
 * "RSA-PSK-..."; IANA names say TLS_RSA_WITH_..., TLS_DH_RSA_WITH_...
 * Matched against the whole name.
 */
static const struct rule tls_kx[] = {
	{ "AES*", R_NO_FS },
	{ "DES*", R_NO_FS },
	{ "CAMELLIA*", R_NO_FS },
	{ "SEED*", R_NO_FS },
	{ "IDEA*", R_NO_FS },
	{ "RC4*", R_NO_FS },
	{ "ARIA*", R_NO_FS },
	{ "NULL-*", R_NO_FS },
	{ "PSK-*", R_NO_FS },
	{ "RSA-PSK-*", R_NO_FS },
	{ "DH-*", R_NO_FS },
	{ "ECDH-*", R_NO_FS },
	{ "TLS_RSA_*", R_NO_FS },
	{ "TLS_DH_DSS_*", R_NO_FS },
	{ "TLS_DH_RSA_*", R_NO_FS },
	{ "TLS_ECDH_ECDSA_*", R_NO_FS },
	{ "TLS_ECDH_RSA_*", R_NO_FS },
	{ "TLS_PSK_WITH_*", R_NO_FS },
	{ "TLS_RSA_PSK_*", R_NO_FS },
};

/* A CBC suite whose MAC is SHA-1: OpenSSL names end in "-SHA" (stream and
 * AEAD ciphers were caught before or do not end so), IANA names in
 * "_CBC_SHA". */
static const struct rule tls_cbc_sha1[] = {
	{ "*-SHA", R_CBC_SHA1 },
	{ "*_CBC_SHA", R_CBC_SHA1 },
};

static const struct rule sig[] = {
	{ "*md2*", "MD2 signature (broken hash)" },
	{ "*md4*", "MD4 signature (broken hash)" },
	{ "*md5*", "MD5 signature (collisions, RFC 6151)" },
	{ "*sha1*", R_SHA1_SIG },
	{ "shaWithRSAEncryption", "SHA-0 signature (broken hash)" },
	{ "ssh-rsa", R_SHA1_SIG },
	{ "ssh-dss", R_DSA },
	{ "dsa_with*", "DSA signature (withdrawn in FIPS 186-5)" },
	{ "dsaWith*", "DSA signature (withdrawn in FIPS 186-5)" },
	{ "dsa-with*", "DSA signature (withdrawn in FIPS 186-5)" },
	{ "id-dsa-with*", "DSA signature (withdrawn in FIPS 186-5)" },
};

/* ---- keys --------------------------------------------------------------- */

enum key_kind {
	KEY_RSA = 1,
	KEY_DSA,
	KEY_DH,
	KEY_EC,
};

static const struct {
	const char	*pattern;
	enum key_kind	 kind;
} key_types[] = {
	{ "RSA*", KEY_RSA },
	{ "ssh-rsa*", KEY_RSA },
	{ "rsa-sha2-*", KEY_RSA },
	{ "rsaEncryption", KEY_RSA },
	{ "DSA*", KEY_DSA },
	{ "DSS*", KEY_DSA },
	{ "ssh-dss*", KEY_DSA },
	{ "dsaEncryption", KEY_DSA },
	{ "DH*", KEY_DH },
	{ "dhKeyAgreement", KEY_DH },
	{ "X9.42 DH", KEY_DH },
	{ "EC*", KEY_EC },
	{ "id-ecPublicKey", KEY_EC },
	{ "P-*", KEY_EC },
	{ "secp*", KEY_EC },
	{ "prime*", KEY_EC },
	{ "brainpool*", KEY_EC },
	{ "nistp*", KEY_EC },
};

static const struct {
	enum key_kind	 kind;
	int		 min_bits;
	const char	*reason;
} key_limits[] = {
	{ KEY_RSA, 2048, "RSA key below 2048 bits (NIST SP 800-131A)" },
	{ KEY_DH, 2048, "DH group below 2048 bits (Logjam, NIST SP "
	  "800-131A)" },
	{ KEY_EC, 224, "elliptic curve below 224 bits (NIST SP 800-131A)" },
};

/* ---- matching ----------------------------------------------------------- */

static const char *
match(const struct rule *rules, size_t n, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (fnmatch(rules[i].pattern, name, FNM_CASEFOLD) == 0)
			return rules[i].reason;
	return NULL;
}

#define MATCH(table, name)	match((table), ASY_ELEMENTSOF(table), (name))

const char *
asy_weak_ssh_kex(const char *name)
{
	return MATCH(ssh_kex, name);
}

const char *
asy_weak_ssh_hostkey(const char *name)
{
	return MATCH(ssh_hostkey, name);
}

const char *
asy_weak_ssh_cipher(const char *name)
{
	return MATCH(ssh_cipher, name);
}

const char *
asy_weak_ssh_mac(const char *name)
{
	return MATCH(ssh_mac, name);
}

/* "TLSv1.1", "TLS 1.1", "tls1_1" all as "tls1.1"; "" when too long. */
static void
normalise_version(const char *v, char out[32])
{
	size_t n = 0;

	for (const char *p = v; *p != '\0'; p++) {
		char c = (char)tolower((unsigned char)*p);

		if (c == ' ' || c == '-')
			continue;
		if (c == '_')
			c = '.';
		/* The 'v' of "TLSv1", "SSLv3", "DTLSv1.2". */
		if (c == 'v' && n >= 3 && isalpha((unsigned char)out[n - 1]))
			continue;
		if (n + 1 >= 32) {
			out[0] = '\0';
			return;
		}
		out[n++] = c;
	}
	out[n] = '\0';
}

const char *
asy_weak_tls_version(const char *version)
{
	char v[32];

	if (version == NULL)
		return NULL;
	normalise_version(version, v);
	return MATCH(tls_version, v);
}

const char *
asy_broken_tls_cipher(const char *suite)
{
	if (suite == NULL || *suite == '\0')
		return NULL;
	for (size_t i = 0; i < ASY_ELEMENTSOF(tls_token); i++) {
		size_t len = strlen(tls_token[i].pattern);

		for (const char *p = suite; *p != '\0';) {
			size_t n = strcspn(p, "-_");

			if (n == len && strncasecmp(p, tls_token[i].pattern,
			    len) == 0)
				return tls_token[i].reason;
			p += n;
			if (*p != '\0')
				p++;
		}
	}
	return NULL;
}

const char *
asy_weak_tls_cipher(const char *suite)
{
	const char *p, *r;

	if (suite == NULL || *suite == '\0')
		return NULL;
	/* Each part between '-' and '_' against the token table. */
	for (size_t i = 0; i < ASY_ELEMENTSOF(tls_token); i++) {
		size_t len = strlen(tls_token[i].pattern);

		for (p = suite; *p != '\0';) {
			size_t n = strcspn(p, "-_");

			if (n == len && strncasecmp(p, tls_token[i].pattern,
			    len) == 0)
				return tls_token[i].reason;
			p += n;
			if (*p != '\0')
				p++;
		}
	}
	r = MATCH(tls_kx, suite);
	if (r != NULL)
		return r;
	/* CHACHA20 and the AEAD modes never end in a bare SHA. */
	return MATCH(tls_cbc_sha1, suite);
}

const char *
asy_weak_sig(const char *s)
{
	return MATCH(sig, s);
}

/* The first number of three or more digits in s ("P-192", "secp160r1",
 * "prime256v1", "brainpoolP160r1"), or 0. */
static int
curve_bits(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		size_t n = strspn(p, "0123456789");

		if (n >= 3 && n <= 5) {
			int v = 0;

			for (size_t i = 0; i < n; i++)
				v = v * 10 + (p[i] - '0');
			return v;
		}
		if (n > 0)
			p += n - 1;
	}
	return 0;
}

const char *
asy_weak_key(const char *type, int bits)
{
	enum key_kind kind = 0;

	if (type == NULL)
		return NULL;
	for (size_t i = 0; i < ASY_ELEMENTSOF(key_types); i++) {
		if (fnmatch(key_types[i].pattern, type, FNM_CASEFOLD) == 0) {
			kind = key_types[i].kind;
			break;
		}
	}
	if (kind == KEY_DSA)
		return "DSA key (withdrawn for signatures in FIPS 186-5)";
	/* An EC type judged by its curve's name when its size is unknown. */
	if (kind == KEY_EC && bits <= 0)
		bits = curve_bits(type);
	if (kind == 0 || bits <= 0)
		return NULL;
	for (size_t i = 0; i < ASY_ELEMENTSOF(key_limits); i++)
		if (key_limits[i].kind == kind && bits < key_limits[i].min_bits)
			return key_limits[i].reason;
	return NULL;
}

/* ---- declarations ------------------------------------------------------- */

/*
 * Both texts become sequences of tokens, and the algorithm is named when
 * its tokens appear in a row in the declaration:
 *   - lowercase; letters and digits split ("aes256" is "aes" "256", so
 *     "AES-256-GCM" and "aes256-gcm" agree); a dotted number is one token
 *     ("1.2") and "N.0" is "N" ("TLS 1.0" ~ "TLSv1");
 *   - everything that is not a letter or digit separates tokens;
 *   - "@domain" suffixes are dropped, and so are the tokens "etm" and
 *     "ssh" ("ssh-ed25519" ~ "Ed25519") and the "v" of "TLSv1.2";
 *   - "sha2-256" is "sha256" (the "2" before 224, 256, 384, 512 goes);
 *   - in a declaration, "TLS 1.2 or 1.3" and "TLS 1.2/1.3" repeat "tls"
 *     before the second version.
 * The declaration is read as a stream with a window as long as the
 * algorithm, so its length does not matter.
 */
#define MAX_TOKEN	48
#define MAX_ALGO_TOKENS	24

struct token {
	char	s[MAX_TOKEN + 1];
	size_t	len;		/* MAX_TOKEN + 1: too long, equals nothing */
};

static int
tok_eq(const struct token *a, const struct token *b)
{
	return a->len <= MAX_TOKEN && a->len == b->len &&
	    memcmp(a->s, b->s, a->len) == 0;
}

static int
tok_is(const struct token *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static int
tok_number(const struct token *t)
{
	return t->len > 0 && t->len <= MAX_TOKEN &&
	    isdigit((unsigned char)t->s[0]);
}

static int
tok_dotted(const struct token *t)
{
	return tok_number(t) && memchr(t->s, '.', t->len) != NULL;
}

static int
tok_protocol(const struct token *t)
{
	return tok_is(t, "tls") || tok_is(t, "ssl") || tok_is(t, "dtls");
}

/*
 * The next raw token from *pp (lowercased, letters and digits split, a
 * dotted number kept whole, @domain skipped); 0 at the end.
 */
static int
raw_next(const char **pp, struct token *t)
{
	const unsigned char *p = (const unsigned char *)*pp;
	int digits;

	for (;;) {
		while (*p != '\0' && !isalnum(*p) && *p != '@')
			p++;
		if (*p != '@')
			break;
		/* "@openssh.com", "@libssh.org": the rest of the domain. */
		p++;
		while (isalnum(*p) || *p == '.' || *p == '-')
			p++;
	}
	if (*p == '\0') {
		*pp = (const char *)p;
		return 0;
	}
	t->len = 0;
	digits = isdigit(*p) != 0;
	while (isalnum(*p) && (isdigit(*p) != 0) == digits) {
		if (t->len < MAX_TOKEN)
			t->s[t->len] = (char)tolower(*p);
		t->len++;
		p++;
		/* "1.2": a dot between digits stays inside the number. */
		if (digits && *p == '.' && isdigit(p[1])) {
			if (t->len < MAX_TOKEN)
				t->s[t->len] = '.';
			t->len++;
			p++;
		}
	}
	if (t->len > MAX_TOKEN)
		t->len = MAX_TOKEN + 1;
	else
		t->s[t->len] = '\0';
	*pp = (const char *)p;
	return 1;
}

struct lexer {
	const char	*p;
	int		 decl;		/* apply the declaration-only rule */
	struct token	 pending;	/* to return after an inserted one */
	int		 has_pending;
	struct token	 hist[3];	/* the last tokens returned, [0] last */
	size_t		 n_hist;
};

static void
remember(struct lexer *l, const struct token *t)
{
	l->hist[2] = l->hist[1];
	l->hist[1] = l->hist[0];
	l->hist[0] = *t;
	if (l->n_hist < 3)
		l->n_hist++;
}

/* The next normalised token; 0 at the end. */
static int
lex_next(struct lexer *l, struct token *t)
{
	if (l->has_pending) {
		*t = l->pending;
		l->has_pending = 0;
		remember(l, t);
		return 1;
	}
	for (;;) {
		if (!raw_next(&l->p, t))
			return 0;
		if (tok_is(t, "ssh") || tok_is(t, "etm"))
			continue;
		/* The "v" of "TLSv1.2", "SSLv3", "DTLSv1". */
		if (t->len >= 4 && t->len <= MAX_TOKEN &&
		    t->s[t->len - 1] == 'v') {
			t->s[--t->len] = '\0';
			if (!tok_protocol(t)) {
				t->s[t->len++] = 'v';
				t->s[t->len] = '\0';
			}
		}
		/* "1.0" is "1" */
		if (tok_dotted(t) && t->len >= 3 && t->s[t->len - 2] == '.' &&
		    t->s[t->len - 1] == '0') {
			t->len -= 2;
			t->s[t->len] = '\0';
		}
		/* "sha2-256" is "sha256" */
		if (tok_is(t, "2") && l->n_hist > 0 &&
		    tok_is(&l->hist[0], "sha")) {
			const char *peek = l->p;
			struct token next;

			if (raw_next(&peek, &next) && (tok_is(&next, "224") ||
			    tok_is(&next, "256") || tok_is(&next, "384") ||
			    tok_is(&next, "512")))
				continue;
		}
		break;
	}
	/* "TLS 1.2 or 1.3", "TLS 1.2/1.3": "tls" again before "1.3". */
	if (l->decl && tok_dotted(t) && l->n_hist >= 2) {
		const struct token *proto = NULL;

		if (tok_number(&l->hist[0]) && tok_protocol(&l->hist[1]))
			proto = &l->hist[1];
		else if (l->n_hist == 3 && (tok_is(&l->hist[0], "or") ||
		    tok_is(&l->hist[0], "and")) && tok_number(&l->hist[1]) &&
		    tok_protocol(&l->hist[2]))
			proto = &l->hist[2];
		if (proto != NULL) {
			l->pending = *t;
			l->has_pending = 1;
			*t = *proto;
		}
	}
	remember(l, t);
	return 1;
}

int
asy_crypto_declared(const char *decl_text, const char *algo)
{
	struct token want[MAX_ALGO_TOKENS], window[MAX_ALGO_TOKENS], t;
	struct lexer l;
	size_t n_want = 0, seen = 0;

	if (decl_text == NULL || algo == NULL)
		return 0;
	memset(&l, 0, sizeof(l));
	l.p = algo;
	while (lex_next(&l, &t)) {
		if (n_want == MAX_ALGO_TOKENS || t.len > MAX_TOKEN)
			return 0;
		want[n_want++] = t;
	}
	if (n_want == 0)
		return 0;
	memset(&l, 0, sizeof(l));
	l.p = decl_text;
	l.decl = 1;
	while (lex_next(&l, &t)) {
		size_t i;

		/* window[] holds the last n_want tokens, oldest first once
		 * full (a ring indexed by seen). */
		window[seen % n_want] = t;
		seen++;
		if (seen < n_want)
			continue;
		for (i = 0; i < n_want; i++)
			if (!tok_eq(&window[(seen + i) % n_want], &want[i]))
				break;
		if (i == n_want)
			return 1;
	}
	return 0;
}
