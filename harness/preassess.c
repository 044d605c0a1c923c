#include "preassess.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "decl.h"
#include "error.h"
#include "util.h"

/* ---- deprecated cryptography ------------------------------------------ */

#define MAX_PARTS	16
#define WINDOW		4	/* tokens kept: two back, current, next */

struct token {
	char	 text[48];		/* uppercase, as written */
	char	 part[MAX_PARTS][24];	/* split at - and _ */
	size_t	 n_parts;
	int	 valid;
};

struct findings {
	struct asy_buf	*out;
	int		 n;
	int		 err;
	int		 tls_ctx;	/* tokens left in which a bare version
				   number still belongs to TLS */
};

static void
found(struct findings *f, const char *what)
{
	const char *p;
	size_t wl = strlen(what);

	if (f->err < 0)
		return;
	/* Once each. */
	if (f->out->data != NULL) {
		for (p = f->out->data; (p = strstr(p, what)) != NULL; p += wl)
			if ((p == f->out->data || p[-1] == ' ') &&
			    (p[wl] == ',' || p[wl] == '\0'))
				return;
	}
	if (f->out->len > 0)
		f->err = asy_buf_puts(f->out, ", ");
	if (f->err == 0)
		f->err = asy_buf_puts(f->out, what);
	f->n++;
}

static int
is_sep(char c)
{
	return strchr(" \t\r\n,;()/:+|\"'[]{}", c) != NULL;
}

/*
 * Read the next token from *pp into t; 0 at the end of the text.  Tokens
 * are streamed, so a text of any length is scanned in constant memory.
 */
static int
next_token(const char **pp, struct token *t)
{
	const char *p = *pp;
	size_t len = 0;
	char *s;

	memset(t, 0, sizeof(*t));
	for (;;) {
		while (*p != '\0' && is_sep(*p))
			p++;
		if (*p == '\0') {
			*pp = p;
			return 0;
		}
		len = 0;
		while (*p != '\0' && !is_sep(*p)) {
			char c = *p++;

			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (len + 1 < sizeof(t->text))
				t->text[len++] = c;
		}
		t->text[len] = '\0';
		/* A full stop ends a sentence, not a version: "TLS 1.0." */
		while (len > 0 && t->text[len - 1] == '.')
			t->text[--len] = '\0';
		if (len > 0)
			break;
	}
	s = t->text;
	while (*s != '\0' && t->n_parts < MAX_PARTS) {
		size_t pl = strcspn(s, "-_");

		if (pl > 0 && pl < sizeof(t->part[0])) {
			memcpy(t->part[t->n_parts], s, pl);
			t->part[t->n_parts][pl] = '\0';
			t->n_parts++;
		}
		s += pl;
		if (*s != '\0')
			s++;
	}
	t->valid = 1;
	*pp = p;
	return 1;
}

/* A number of bits at the start of s ("1024", "1024BIT"), or 0. */
static unsigned long
bits_of(const char *s)
{
	unsigned long v = 0;
	int digits = 0;

	for (; *s >= '0' && *s <= '9' && digits < 7; s++, digits++)
		v = v * 10 + (unsigned long)(*s - '0');
	if (digits == 0 || (*s != '\0' && strcmp(s, "BIT") != 0 &&
	    strcmp(s, "BITS") != 0))
		return 0;
	return v;
}

/* "1.0" "V1" "V1.1" "1" -> minor version of TLS 1.x, or -1. */
static int
tls_minor(const char *s)
{
	if (*s == 'V')
		s++;
	if (strcmp(s, "1") == 0 || strcmp(s, "1.0") == 0 ||
	    strcmp(s, "10") == 0)
		return 0;
	if (strcmp(s, "1.1") == 0 || strcmp(s, "11") == 0)
		return 1;
	if (strcmp(s, "1.2") == 0 || strcmp(s, "12") == 0)
		return 2;
	if (strcmp(s, "1.3") == 0 || strcmp(s, "13") == 0)
		return 3;
	return -1;
}

static void
found_tls(struct findings *f, int minor)
{
	if (minor == 0)
		found(f, "TLS 1.0");
	else if (minor == 1)
		found(f, "TLS 1.1");
}

static const struct {
	const char	*part;
	const char	*finding;
} weak_parts[] = {
	{ "MD5", "MD5" },
	{ "MD5SUM", "MD5" },
	{ "MD4", "MD4" },
	{ "MD2", "MD2" },
	{ "SHA1", "SHA-1" },
	{ "SHA1SUM", "SHA-1" },
	{ "3DES", "3DES" },
	{ "TDES", "3DES" },
	{ "TDEA", "3DES" },
	{ "TRIPLEDES", "3DES" },
	{ "DESEDE", "3DES" },
	{ "DESEDE3", "3DES" },
	{ "EDE", "3DES" },
	{ "EDE3", "3DES" },
	{ "CBC3", "3DES" },
	{ "RC4", "RC4" },
	{ "ARCFOUR", "RC4" },
	{ "RC2", "RC2" },
	{ "SSLV2", "SSL 2.0" },
	{ "SSL2", "SSL 2.0" },
	{ "SSLV3", "SSL 3.0" },
	{ "SSL3", "SSL 3.0" },
	{ "EXPORT", "export-grade suites" },
	{ "EXP", "export-grade suites" },
	{ "ECB", "ECB mode" },
	{ "DSS", "DSA" },
	{ "DSA", "DSA" },
	{ "WEP", "WEP" },
	{ "TKIP", "TKIP" },
	{ "GROUP1", "Diffie-Hellman group 1 (768/1024-bit)" },
	{ "ANON", "anonymous key exchange" },
	{ "ADH", "anonymous key exchange" },
	{ "AECDH", "anonymous key exchange" },
	{ "PLAINTEXT", "no encryption (cleartext)" },
	{ "CLEARTEXT", "no encryption (cleartext)" },
	{ "UNENCRYPTED", "no encryption (cleartext)" },
};

/* Words that, followed by the next word, say there is no encryption. */
static const struct {
	const char	*first;
	const char	*second;
} cleartext_pairs[] = {
	{ "PLAIN", "TEXT" },
	{ "CLEAR", "TEXT" },
	{ "NO", "ENCRYPTION" },
	{ "NO", "TLS" },
	{ "WITHOUT", "TLS" },
	{ "WITHOUT", "ENCRYPTION" },
	{ "NOT", "ENCRYPTED" },
};

static void
scan_token(struct findings *f, const struct token *w)
{
	const struct token *pp = &w[0], *prev = &w[1], *t = &w[2];
	const struct token *next = &w[3];
	char buf[64];

	for (size_t k = 0; k < ASY_ELEMENTSOF(cleartext_pairs); k++)
		if (strcmp(t->text, cleartext_pairs[k].first) == 0 &&
		    next->valid && strcmp(next->text,
		    cleartext_pairs[k].second) == 0)
			found(f, "no encryption (cleartext)");
	/* "TLS 1.0, 1.1 and 1.2" and "TLS 1.0-1.2": bare versions after
	 * a mention of TLS belong to it. */
	if (f->tls_ctx > 0) {
		int lo = 9, hi = -1;

		f->tls_ctx--;
		for (size_t i = 0; i < t->n_parts; i++) {
			int m = tls_minor(t->part[i]);

			if (m < 0)
				continue;
			lo = m < lo ? m : lo;
			hi = m > hi ? m : hi;
		}
		/* A range "1.0-1.2" includes what lies between. */
		for (int m = lo; m <= hi; m++)
			found_tls(f, m);
	}
	for (size_t i = 0; i < t->n_parts; i++) {
		const char *p = t->part[i];
		const char *nx = i + 1 < t->n_parts ? t->part[i + 1] : NULL;

		for (size_t k = 0; k < ASY_ELEMENTSOF(weak_parts); k++)
			if (strcmp(p, weak_parts[k].part) == 0)
				found(f, weak_parts[k].finding);
		if (strcmp(p, "DES") == 0) {
			int triple = (i > 0 && strcmp(t->part[i - 1], "3") ==
			    0) || (i == 0 && prev->valid &&
			    strcmp(prev->text, "TRIPLE") == 0) ||
			    (nx != NULL && (strncmp(nx, "EDE", 3) == 0 ||
			    strcmp(nx, "CBC3") == 0));

			found(f, triple ? "3DES" : "DES");
		}
		/* SHA-1 written SHA-1 or SHA 1; a suite ending in -SHA uses
		 * an HMAC-SHA-1 record MAC. */
		if (strcmp(p, "SHA") == 0) {
			if (nx != NULL && strcmp(nx, "1") == 0)
				found(f, "SHA-1");
			else if (nx == NULL && i >= 2)
				found(f, "SHA-1");
			else if (nx == NULL && t->n_parts == 1 &&
			    next->valid && strcmp(next->text, "1") == 0)
				found(f, "SHA-1");
		}
		if (strcmp(p, "NULL") == 0 && t->n_parts >= 2)
			found(f, "NULL cipher");
		/* Protocol versions: TLS and DTLS. */
		if (strncmp(p, "TLS", 3) == 0 || strncmp(p, "DTLS", 4) == 0) {
			const char *rest = p + (p[0] == 'D' ? 4 : 3);
			int m = -1;

			if (*rest != '\0')
				m = tls_minor(rest);
			else if (nx != NULL)
				m = tls_minor(nx);
			else if (t->n_parts == 1 && next->valid)
				m = tls_minor(next->part[0]);
			found_tls(f, m);
			f->tls_ctx = 4;
		}
		if (strcmp(p, "SSL") == 0) {
			const char *v = nx ? nx : (t->n_parts == 1 &&
			    next->valid) ? next->text : "";

			if (strcmp(v, "2") == 0 || strcmp(v, "2.0") == 0 ||
			    strcmp(v, "V2") == 0)
				found(f, "SSL 2.0");
			else if (strcmp(v, "3") == 0 || strcmp(v, "3.0") == 0 ||
			    strcmp(v, "V3") == 0)
				found(f, "SSL 3.0");
		}
		/* Key sizes below 2048 bits for RSA, DSA and finite-field DH. */
		if (strncmp(p, "RSA", 3) == 0 || strncmp(p, "DH", 2) == 0 ||
		    strncmp(p, "FFDHE", 5) == 0) {
			const char *alg = p[0] == 'R' ? "RSA" : "DH";
			unsigned long b = 0;
			size_t al = p[0] == 'R' ? 3 : p[0] == 'F' ? 5 :
			    p[2] == 'E' ? 3 : 2;

			if (p[al] != '\0')
				b = bits_of(p + al);
			else if (nx != NULL)
				b = bits_of(nx);
			else if (t->n_parts == 1 && next->valid)
				b = bits_of(next->part[0]);
			if (b == 0 && i == 0 && prev->valid &&
			    prev->n_parts >= 1)
				b = bits_of(prev->part[0]);
			/* "1024 bit RSA" */
			if (b == 0 && i == 0 && prev->valid && pp->valid &&
			    strcmp(prev->text, "BIT") == 0)
				b = bits_of(pp->part[0]);
			if (b >= 256 && b < 2048) {
				snprintf(buf, sizeof(buf), "%s-%lu", alg, b);
				found(f, buf);
			}
		}
	}
	/* ssh-rsa signs with SHA-1. */
	if (strcmp(t->text, "SSH-RSA") == 0)
		found(f, "ssh-rsa (SHA-1 signatures)");
}

int
asy_crypto_scan(const char *text, struct asy_buf *out)
{
	struct findings f = { .out = out };
	struct token w[WINDOW];
	const char *p = text;

	memset(w, 0, sizeof(w));
	/* The window: w[0] two back, w[1] previous, w[2] current, w[3]
	 * next.  Prime it with the first two tokens. */
	next_token(&p, &w[2]);
	next_token(&p, &w[3]);
	if (w[2].valid && asy_str_ieq(w[2].text, "NONE") && !w[3].valid)
		found(&f, "no encryption (cleartext)");
	while (w[2].valid) {
		scan_token(&f, w);
		memmove(&w[0], &w[1], 3 * sizeof(w[0]));
		next_token(&p, &w[3]);
	}
	return f.err < 0 ? f.err : f.n;
}

/* ---- rules -------------------------------------------------------------- */

static int
rule_justify(const struct asy_decl *d, const struct asy_cat_case *c,
    enum asy_verdict *v, struct asy_buf *why)
{
	unsigned n_n = 0, n_bad = 0;
	int r = 0;

	for (size_t i = 0; i < d->n_rows; i++)
		if (d->rows[i].support != ASY_SUPPORT_Y) {
			n_n++;
			if (asy_str_blank(d->rows[i].detail))
				n_bad++;
		}
	if (n_bad == 0) {
		*v = ASY_V_PASS;
		if (n_n == 0)
			return asy_buf_puts(why, "no provision is declared "
			    "N or N/A");
		return asy_buf_printf(why, "all %u provisions declared N or "
		    "N/A carry a justification or rationale in the ICS", n_n);
	}
	*v = ASY_V_FAIL;
	r = asy_buf_printf(why, "%u of %u provisions declared N or N/A have "
	    "no justification:", n_bad, n_n);
	for (size_t i = 0, k = 0; i < d->n_rows && r == 0; i++)
		if (d->rows[i].support != ASY_SUPPORT_Y &&
		    asy_str_blank(d->rows[i].detail))
			r = asy_buf_printf(why, "%s %s (%s, %s, ICS line %lu)",
			    k++ ? "," : "", d->rows[i].prov->id,
			    asy_support_name(d->rows[i].support),
			    d->rows[i].prov->status.mandatory ? "M" : "R",
			    d->rows[i].line);
	return r;
}

static int
is_password(const struct asy_ixit_row *row)
{
	const char *f = asy_ixit_get(row, "factor");

	return f != NULL && (strcmp(f, "password") == 0 ||
	    strcmp(f, "pin") == 0);
}

static int
rule_password_generation(const struct asy_decl *d,
    const struct asy_cat_case *c, enum asy_verdict *v, struct asy_buf *why)
{
	unsigned n_pw = 0, n_bad = 0;
	int r = 0;

	for (size_t i = 0; i < d->n_ixit; i++) {
		const char *g;

		if (strcmp(d->ixit[i].table->prefix, "AuthMech") != 0 ||
		    !is_password(&d->ixit[i]))
			continue;
		n_pw++;
		g = asy_ixit_get(&d->ixit[i], "generation");
		if (g == NULL || (strcmp(g, "user-defined") != 0 &&
		    strcmp(g, "per-device") != 0))
			n_bad++;
	}
	if (n_bad == 0) {
		*v = ASY_V_PASS;
		if (n_pw == 0)
			return asy_buf_puts(why, "no password-based "
			    "authentication mechanism is declared");
		return asy_buf_printf(why, "all %u password mechanisms are "
		    "user-defined or unique per device", n_pw);
	}
	*v = ASY_V_FAIL;
	r = asy_buf_printf(why, "%u of %u password mechanisms are neither "
	    "user-defined nor unique per device:", n_bad, n_pw);
	for (size_t i = 0, k = 0; i < d->n_ixit && r == 0; i++) {
		const char *g;

		if (strcmp(d->ixit[i].table->prefix, "AuthMech") != 0 ||
		    !is_password(&d->ixit[i]))
			continue;
		g = asy_ixit_get(&d->ixit[i], "generation");
		if (g != NULL && (strcmp(g, "user-defined") == 0 ||
		    strcmp(g, "per-device") == 0))
			continue;
		r = asy_buf_printf(why, "%s %s (generation %s)", k++ ? "," : "",
		    d->ixit[i].id, g ? g : "not declared");
	}
	return r;
}

static int
case_reads(const struct asy_cat_case *c, const struct asy_cat_table *t)
{
	for (size_t i = 0; i < c->n_reads; i++)
		if (c->reads[i] == t)
			return 1;
	return 0;
}

static int
rule_crypto(const struct asy_decl *d, const struct asy_cat_case *c,
    enum asy_verdict *v, struct asy_buf *why)
{
	struct asy_buf hits, missing;
	unsigned n_rows = 0, n_bad = 0, n_missing = 0;
	int r = 0;

	asy_buf_init(&hits, 1 << 16);
	asy_buf_init(&missing, 1 << 16);
	for (size_t i = 0; i < d->n_ixit && r >= 0; i++) {
		const struct asy_ixit_row *row = &d->ixit[i];
		struct asy_buf one;
		const char *crypto;

		if (!case_reads(c, row->table) ||
		    asy_cat_table_field(row->table, "crypto") == NULL)
			continue;
		n_rows++;
		crypto = asy_ixit_get(row, "crypto");
		if (crypto == NULL || asy_str_blank(crypto)) {
			n_missing++;
			r = asy_buf_printf(&missing, "%s%s",
			    n_missing > 1 ? ", " : "", row->id);
			continue;
		}
		asy_buf_init(&one, 4096);
		r = asy_crypto_scan(crypto, &one);
		if (r > 0) {
			n_bad++;
			r = asy_buf_printf(&hits, "%s%s: %s", n_bad > 1 ?
			    "; " : "", row->id, one.data);
		}
		asy_buf_release(&one);
	}
	if (r < 0)
		goto out;
	if (n_bad > 0) {
		*v = ASY_V_FAIL;
		r = asy_buf_printf(why, "deprecated cryptography declared in "
		    "%u of %u rows: %s", n_bad, n_rows, hits.data);
	} else if (n_missing > 0) {
		*v = ASY_V_INCONCLUSIVE;
		r = asy_buf_printf(why, "%u of %u rows declare no "
		    "cryptographic details (%s), so they cannot be judged",
		    n_missing, n_rows, missing.data);
	} else if (n_rows == 0) {
		*v = ASY_V_INCONCLUSIVE;
		r = asy_buf_puts(why, "no IXIT row this case reads declares "
		    "cryptographic details");
	} else {
		*v = ASY_V_PASS;
		r = asy_buf_printf(why, "no deprecated algorithm, protocol "
		    "version or key size in the cryptographic details of %u "
		    "rows", n_rows);
	}
out:
	asy_buf_release(&hits);
	asy_buf_release(&missing);
	return r < 0 ? r : 0;
}

static int
rule_enabled_justified(const struct asy_decl *d,
    const struct asy_cat_case *c, enum asy_verdict *v, struct asy_buf *why)
{
	unsigned n_on = 0, n_bad = 0;
	int r = 0;

	for (int pass = 0; pass < 2 && r == 0; pass++) {
		for (size_t i = 0, k = 0; i < d->n_ixit && r == 0; i++) {
			const struct asy_ixit_row *row = &d->ixit[i];
			const char *st, *j;

			if (!case_reads(c, row->table) ||
			    asy_cat_table_field(row->table, "justification") ==
			    NULL)
				continue;
			st = asy_ixit_get(row, "status");
			if (st == NULL || strcmp(st, "enabled") != 0)
				continue;
			j = asy_ixit_get(row, "justification");
			if (pass == 0) {
				n_on++;
				if (j == NULL || asy_str_blank(j))
					n_bad++;
			} else if (j == NULL || asy_str_blank(j)) {
				r = asy_buf_printf(why, "%s %s (%s)",
				    k++ ? "," : "", row->id, row->table->id);
			}
		}
		if (pass == 0 && n_bad == 0)
			break;
		if (pass == 0)
			r = asy_buf_printf(why, "%u of %u enabled entries have "
			    "no justification:", n_bad, n_on);
	}
	if (n_bad > 0) {
		*v = ASY_V_FAIL;
		return r;
	}
	*v = ASY_V_PASS;
	return asy_buf_printf(why, "all %u enabled entries carry a "
	    "justification", n_on);
}

const struct asy_preassess_rule asy_preassess_rules[] = {
	{ "justify-unsupported",
	  "every provision declared N carries a justification",
	  rule_justify },
	{ "password-generation",
	  "every password is user-defined or unique per device",
	  rule_password_generation },
	{ "crypto-deprecated",
	  "declared cryptography avoids deprecated algorithms and key sizes",
	  rule_crypto },
	{ "enabled-justified",
	  "every enabled interface or service is justified",
	  rule_enabled_justified },
};
const size_t asy_n_preassess_rules = ASY_ELEMENTSOF(asy_preassess_rules);

const struct asy_preassess_rule *
asy_preassess_find(const char *name)
{
	for (size_t i = 0; i < asy_n_preassess_rules; i++)
		if (strcmp(asy_preassess_rules[i].name, name) == 0)
			return &asy_preassess_rules[i];
	return NULL;
}
