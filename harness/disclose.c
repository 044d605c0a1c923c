/*
 * What a device gives away in text it sends without authentication.
 *
 * Every scanner works on (pointer, length) with bounds checks, never on C
 * strings: the text is a device's answer and may hold NULs, binary and
 * markup.  Each finding's value is cut to 128 bytes and made printable
 * with asy_printable() before it is stored.  The scanners are tables:
 * software products with the separators that may stand between name and
 * version, keys whose values are serial numbers or Wi-Fi network names,
 * keywords of the disclosure text per kind.
 */
#include "disclose.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "util.h"

/* Caps of the header. */
#define MAX_FINDINGS	200
#define MAX_VALUE	128
/* A version: at most this long (else it is not one). */
#define MAX_VERSION	48
/* A product name before '/' ("lighttpd/1.4.69"). */
#define MAX_NAME	32
/* A host name in "Linux host 6.1.0-26-amd64". */
#define MAX_HOST	64
/* Serial numbers: 4 to 64 bytes; SSIDs: 1 to 32 bytes. */
#define MIN_SERIAL	4
#define MAX_SERIAL	64
#define MAX_SSID	32
/* Markup between a key and its value: tags of at most this many bytes,
 * at most MAX_TAGS of them. */
#define MAX_TAG		128
#define MAX_TAGS	4

static const char K_EMAIL[] = "e-mail address";
static const char K_SERIAL[] = "serial number";
static const char K_MAC[] = "MAC address";
static const char K_VERSION[] = "software version";
static const char K_SSID[] = "Wi-Fi network name";

/* ---- characters ---------------------------------------------------------- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The byte at s[i] as an unsigned value, or -1 past the end. */
static int
at(const char *s, size_t len, size_t i)
{
	return i < len ? (unsigned char)s[i] : -1;
}

/* Do the bytes at s[i] start with lit (lowercase), ignoring case? */
static int
has_at(const char *s, size_t len, size_t i, const char *lit)
{
	size_t n;

	/* The first byte alone rules out most places. */
	if (i >= len || lower((unsigned char)s[i]) !=
	    lower((unsigned char)*lit))
		return *lit == '\0' && i <= len;
	n = strlen(lit);
	if (len - i < n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)s[i + k]) !=
		    lower((unsigned char)lit[k]))
			return 0;
	return 1;
}

/* ---- printable copies ---------------------------------------------------- */

static int
plain_char(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

char *
asy_printable(const char *s, size_t len, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	struct asy_buf b;
	size_t need = 0, limit;
	char *out = NULL;

	if (max < 8)
		max = 8;
	for (size_t i = 0; i < len && need <= max; i++)
		need += plain_char((unsigned char)s[i]) ? 1 : 4;
	/* Cut so that "..." fits when the whole does not. */
	limit = need <= max ? need : max - 3;
	asy_buf_init(&b, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
		int r;

		if (b.len + (plain_char(c) ? 1 : 4) > limit)
			break;
		if (plain_char(c))
			r = asy_buf_putc(&b, (char)c);
		else
			r = asy_buf_add(&b, e, sizeof(e));
		if (r < 0)
			goto out;
	}
	if (need > max && asy_buf_puts(&b, "...") < 0)
		goto out;
	out = asy_buf_steal(&b);
out:
	asy_buf_release(&b);
	return out;
}

/* ---- e-mail addresses ---------------------------------------------------- */

static int
is_local(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

/* The domain after an '@' at s[from]: its end, or 0 when it is none. */
static size_t
email_domain(const char *s, size_t len, size_t from)
{
	size_t p = from, end = 0, last = 0, labels = 0;

	for (;;) {
		size_t q = p;

		while (q < len && q - p < 64 && (is_alnum(at(s, len, q)) ||
		    s[q] == '-'))
			q++;
		if (q == p || q - p > 63 || s[p] == '-' || s[q - 1] == '-')
			return 0;
		labels++;
		last = p;
		end = q;
		if (end - from > 253)
			return 0;
		if (at(s, len, q) != '.' || !is_alnum(at(s, len, q + 1)))
			break;
		p = q + 1;
	}
	if (labels < 2 || end - from > 253 || end - last < 2 ||
	    end - last > 24)
		return 0;
	for (size_t k = last; k < end; k++)
		if (!is_alpha((unsigned char)s[k]))
			return 0;
	/* A label cut at 63 bytes, or more that cannot end an address. */
	if (is_alnum(at(s, len, end)) || at(s, len, end) == '-' ||
	    at(s, len, end) == '_' || at(s, len, end) == '@')
		return 0;
	return end;
}

int
asy_email_find(const char *s, size_t len, size_t *start, size_t *n)
{
	const char *p = s;

	while (p < s + len) {
		const char *a = memchr(p, '@', len - (size_t)(p - s));
		size_t i, b, end;

		if (a == NULL)
			break;
		i = (size_t)(a - s);
		p = a + 1;
		b = i;
		while (b > 0 && i - b <= 64 &&
		    is_local((unsigned char)s[b - 1]))
			b--;
		if (i - b > 64)
			continue;
		while (b < i && s[b] == '.')
			b++;
		if (b == i || s[i - 1] == '.')
			continue;
		end = email_domain(s, len, i + 1);
		if (end == 0)
			continue;
		*start = b;
		*n = end - b;
		return 1;
	}
	return 0;
}

/* ---- the list of findings ------------------------------------------------ */

/* Is have what asy_printable() makes of v (vlen bytes, plain bytes
 * only, not cut)?  Spares a copy for each repeated finding. */
static int
same_plain(const char *have, const char *v, size_t vlen)
{
	if (vlen > MAX_VALUE || strlen(have) != vlen)
		return 0;
	for (size_t i = 0; i < vlen; i++)
		if (!plain_char((unsigned char)v[i]) || have[i] != v[i])
			return 0;
	return 1;
}

/* Append kind / the printable value of v (vlen bytes) unless the same
 * kind and value is there already or the list is full. */
static int
add(struct asy_disclosures *acc, const char *kind, const char *v,
    size_t vlen, const char *source)
{
	struct asy_disclosure *nd, *d;
	char *value;
	int r = 0;

	if (acc->n >= MAX_FINDINGS)
		return 0;
	for (size_t i = 0; i < acc->n; i++)
		if (strcmp(acc->d[i].kind, kind) == 0 &&
		    same_plain(acc->d[i].value, v, vlen))
			return 0;
	value = asy_printable(v, vlen, MAX_VALUE);
	if (value == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < acc->n; i++)
		if (strcmp(acc->d[i].kind, kind) == 0 &&
		    strcmp(acc->d[i].value, value) == 0)
			goto out;
	nd = realloc(acc->d, (acc->n + 1) * sizeof(*nd));
	if (nd == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	acc->d = nd;
	d = &acc->d[acc->n];
	d->kind = asy_strdup(kind);
	d->source = asy_strdup(source != NULL ? source : "");
	d->value = value;
	if (d->kind == NULL || d->source == NULL) {
		free(d->kind);
		free(d->source);
		r = ASY_E_NOMEM;
		goto out;
	}
	value = NULL;
	acc->n++;
out:
	free(value);
	return r;
}

int
asy_disclosures_merge(struct asy_disclosures *acc,
    struct asy_disclosures *from)
{
	for (size_t i = 0; i < from->n; i++) {
		struct asy_disclosure *f = &from->d[i], *nd;
		int dup = 0;

		for (size_t j = 0; j < acc->n && !dup; j++)
			dup = strcmp(acc->d[j].kind, f->kind) == 0 &&
			    strcmp(acc->d[j].value, f->value) == 0 &&
			    strcmp(acc->d[j].source, f->source) == 0;
		if (dup || acc->n >= MAX_FINDINGS)
			continue;
		nd = realloc(acc->d, (acc->n + 1) * sizeof(*nd));
		if (nd == NULL)
			return ASY_E_NOMEM;
		acc->d = nd;
		acc->d[acc->n++] = *f;
		memset(f, 0, sizeof(*f));	/* handed over */
	}
	asy_disclosures_release(from);
	return 0;
}

/* "name version" as one value. */
static int
add_version(struct asy_disclosures *acc, const char *name, size_t nlen,
    const char *ver, size_t vlen, const char *source)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, MAX_NAME + MAX_HOST + MAX_VERSION + 2);
	r = asy_buf_add(&b, name, nlen);
	if (r == 0 && vlen > 0)
		r = asy_buf_putc(&b, ' ');
	if (r == 0 && vlen > 0)
		r = asy_buf_add(&b, ver, vlen);
	if (r == 0)
		r = add(acc, K_VERSION, b.data, b.len, source);
	asy_buf_release(&b);
	return r;
}

/* ---- software versions --------------------------------------------------- */

enum {
	P_INTEGER	= 1 << 0,	/* "12" is a version too */
	P_NAME_ONLY	= 1 << 1,	/* the name alone is a finding */
	P_HOST		= 1 << 2,	/* "Linux host 6.1.0-26-amd64" */
};

static const struct product {
	const char	*name;		/* as in the text, any case */
	const char	*seps[4];	/* between name and version, longest
					   first */
	int		 flags;
} products[] = {
	{ "OpenSSH",		{ "_", "/", " " },		0 },
	{ "dropbear",		{ " sshd v", "_", " v", " " },	0 },
	{ "mosquitto",		{ " version ", "/", " v", " " }, 0 },
	{ "Linux",		{ " " },			P_HOST },
	{ "Debian GNU/Linux",	{ " " },			P_INTEGER },
	{ "lighttpd",		{ "/", " " },			0 },
	{ "nginx",		{ "/", " " },			0 },
	{ "Apache",		{ "/", " " },			0 },
	{ "Boa",		{ "/", " " },			0 },
	{ "GoAhead-Webs",	{ "/", " " },			P_NAME_ONLY },
	{ "BusyBox",		{ " v", " " },			0 },
	{ "U-Boot",		{ " " },			0 },
	{ "OpenSSL",		{ "/", " " },			0 },
};

/* "Name/1.2" names that are protocols or browsers, not software. */
static const char *const not_products[] = {
	"http", "https", "rtsp", "sip", "msrp", "mozilla", "upnp", "dlnadoc",
};

static int
is_vchar(int c)
{
	return is_alnum(c) || c == '.' || c == '+' || c == '~' || c == '_' ||
	    c == '-';
}

/*
 * The version at s[i]: a digit, then [A-Za-z0-9.+~_-] without a final
 * punctuation mark, at most MAX_VERSION bytes, with a dot (or only digits
 * when integer is set).  Its length, or 0.
 */
static size_t
version_at(const char *s, size_t len, size_t i, int integer)
{
	size_t n = 0;
	int dot = 0, digits_only = 1;

	if (!is_digit(at(s, len, i)))
		return 0;
	while (i + n < len && n <= MAX_VERSION &&
	    is_vchar((unsigned char)s[i + n]))
		n++;
	if (n > MAX_VERSION)
		return 0;
	while (n > 0 && !is_alnum((unsigned char)s[i + n - 1]))
		n--;
	for (size_t k = 0; k < n; k++) {
		if (s[i + k] == '.')
			dot = 1;
		if (!is_digit((unsigned char)s[i + k]))
			digits_only = 0;
	}
	if (dot || (integer && digits_only && n <= 4))
		return n;
	return 0;
}

/* A known product starting at s[i]. */
static int
scan_product(struct asy_disclosures *acc, const char *s, size_t len,
    size_t i, const struct product *p, const char *source)
{
	size_t nlen = strlen(p->name);

	if (!has_at(s, len, i, p->name) || is_alnum(at(s, len, i + nlen)))
		return 0;
	for (size_t k = 0; k < ASY_ELEMENTSOF(p->seps) && p->seps[k]; k++) {
		size_t v = i + nlen + strlen(p->seps[k]), vlen, h;

		if (!has_at(s, len, i + nlen, p->seps[k]))
			continue;
		vlen = version_at(s, len, v, p->flags & P_INTEGER);
		if (vlen > 0)
			return add_version(acc, s + i, nlen, s + v, vlen,
			    source);
		if (!(p->flags & P_HOST) || is_digit(at(s, len, v)))
			continue;
		/* uname -a: "Linux host 6.1.0-26-amd64 #1 SMP ...". */
		for (h = v; h < len && h - v <= MAX_HOST &&
		    (is_alnum((unsigned char)s[h]) || s[h] == '.' ||
		    s[h] == '-' || s[h] == '_'); h++)
			;
		if (h == v || h - v > MAX_HOST || at(s, len, h) != ' ')
			continue;
		vlen = version_at(s, len, h + 1, 0);
		if (vlen > 0)
			return add_version(acc, s + i, nlen, s + h + 1, vlen,
			    source);
	}
	if (p->flags & P_NAME_ONLY)
		return add_version(acc, s + i, nlen, NULL, 0, source);
	return 0;
}

/* "Name/1.2.3" with the '/' at s[i] (HTTP Server and User-Agent style). */
static int
scan_slash(struct asy_disclosures *acc, const char *s, size_t len,
    size_t i, const char *source)
{
	size_t b = i, vlen;

	while (b > 0 && i - b <= MAX_NAME && (is_alnum((unsigned char)s[b -
	    1]) || s[b - 1] == '.' || s[b - 1] == '_' || s[b - 1] == '-'))
		b--;
	if (b == i || i - b > MAX_NAME || i - b < 2 ||
	    !is_alpha((unsigned char)s[b]))
		return 0;
	/* Not a part of a path or a longer token. */
	if (b > 0 && (s[b - 1] == '/' || s[b - 1] == '\\' || s[b - 1] == '@'
	    || s[b - 1] == ':'))
		return 0;
	for (size_t k = 0; k < ASY_ELEMENTSOF(not_products); k++)
		if (strlen(not_products[k]) == i - b &&
		    has_at(s, len, b, not_products[k]))
			return 0;
	vlen = version_at(s, len, i + 1, 0);
	if (vlen == 0 || at(s, len, i + 1 + vlen) == '/')
		return 0;
	return add_version(acc, s + b, i - b, s + i + 1, vlen, source);
}

/* "SSH-2.0-Name_version comment" with "SSH-" at s[i]. */
static int
scan_ssh(struct asy_disclosures *acc, const char *s, size_t len, size_t i,
    const char *source)
{
	size_t p = i + 4, b, e, split = 0, vlen;

	while (p < len && (is_digit((unsigned char)s[p]) || s[p] == '.'))
		p++;
	if (p == i + 4 || at(s, len, p) != '-')
		return 0;
	b = ++p;
	while (p < len && p - b <= 64 && (unsigned char)s[p] > 0x20 &&
	    (unsigned char)s[p] < 0x7f)
		p++;
	e = p;
	if (e == b || e - b > 64)
		return 0;
	for (size_t k = b; k < e && split == 0; k++)
		if (s[k] == '_')
			split = k;
	for (size_t k = e; split == 0 && k > b + 1; k--)
		if (s[k - 1] == '-' && is_digit((unsigned char)s[k]))
			split = k - 1;
	if (split == 0 || split == b)
		return 0;
	vlen = version_at(s, len, split + 1, 0);
	if (vlen == 0 || split + 1 + vlen != e)
		return 0;
	for (size_t k = b; k < split; k++)
		if (!is_alnum((unsigned char)s[k]) && s[k] != '.' &&
		    s[k] != '-')
			return 0;
	return add_version(acc, s + b, split - b, s + split + 1, vlen,
	    source);
}

static int
scan_versions(struct asy_disclosures *acc, const char *s, size_t len,
    const char *source)
{
	int r = 0;

	for (size_t i = 0; i < len && r == 0; i++) {
		int boundary = i == 0 || !is_alnum((unsigned char)s[i - 1]);

		if (s[i] == '/')
			r = scan_slash(acc, s, len, i, source);
		if (r < 0 || !boundary)
			continue;
		if (has_at(s, len, i, "SSH-"))
			r = scan_ssh(acc, s, len, i, source);
		for (size_t k = 0; k < ASY_ELEMENTSOF(products) && r == 0; k++)
			r = scan_product(acc, s, len, i, &products[k], source);
	}
	return r;
}

/* ---- keys and values ----------------------------------------------------- */

static const char *const serial_keys[] = {
	"serial", "serial_number", "serialNumber", "serial-number",
	"Serial number", "sn",
};

static const char *const ssid_keys[] = {
	"ssid", "wifi_ssid", "network name",
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* Skip blanks and at most MAX_TAGS whole tags from s[*p]; how many
 * tags. */
static int
skip_markup(const char *s, size_t len, size_t *p)
{
	int tags = 0;

	for (;;) {
		size_t q = *p;

		while (is_space(at(s, len, q)))
			q++;
		*p = q;
		if (at(s, len, q) != '<' || tags == MAX_TAGS)
			return tags;
		while (q < len && q - *p < MAX_TAG && s[q] != '>')
			q++;
		if (at(s, len, q) != '>')
			return tags;
		*p = q + 1;
		tags++;
	}
}

/*
 * After a key ending at s[p]: a closing quote, then ':' or '=' or markup
 * ("Serial number</th><td>"), then an opening quote.  The start of the
 * value and its quote (0 for none), or 0 when there is no separator.
 */
static size_t
value_start(const char *s, size_t len, size_t p, int *quote)
{
	int sep;

	if (at(s, len, p) == '"' || at(s, len, p) == '\'')
		p++;
	sep = skip_markup(s, len, &p) > 0;
	if (at(s, len, p) == ':' || at(s, len, p) == '=') {
		p++;
		sep = 1;
	}
	if (!sep)
		return 0;
	skip_markup(s, len, &p);
	*quote = 0;
	if (at(s, len, p) == '"' || at(s, len, p) == '\'')
		*quote = s[p++];
	return p;
}

static int
is_serial_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* A serial number at s[v]: 4 to 64 [A-Za-z0-9-_.], with a digit. */
static int
serial_value(struct asy_disclosures *acc, const char *s, size_t len,
    size_t v, int quote, const char *source)
{
	size_t e = v;
	int digit = 0;

	while (e < len && e - v <= MAX_SERIAL &&
	    is_serial_char((unsigned char)s[e])) {
		if (is_digit((unsigned char)s[e]))
			digit = 1;
		e++;
	}
	if (e - v < MIN_SERIAL || e - v > MAX_SERIAL || !digit)
		return 0;
	if (quote != 0 && at(s, len, e) != quote)
		return 0;
	return add(acc, K_SERIAL, s + v, e - v, source);
}

/* A Wi-Fi network name at s[v]: up to the closing quote, or the end of
 * the line or field; 1 to 32 bytes. */
static int
ssid_value(struct asy_disclosures *acc, const char *s, size_t len,
    size_t v, int quote, const char *source)
{
	size_t e = v;

	if (quote != 0) {
		while (e < len && e - v <= MAX_SSID && s[e] != quote)
			e++;
		if (at(s, len, e) != quote)
			return 0;
	} else {
		while (e < len && e - v <= MAX_SSID && s[e] != '\r' &&
		    s[e] != '\n' && s[e] != '<' && s[e] != '&' &&
		    s[e] != ';' && s[e] != ',' && s[e] != '\0')
			e++;
		while (e > v && is_space((unsigned char)s[e - 1]))
			e--;
	}
	if (e == v || e - v > MAX_SSID)
		return 0;
	return add(acc, K_SSID, s + v, e - v, source);
}

static int
scan_keys(struct asy_disclosures *acc, const char *s, size_t len,
    const char *source)
{
	int r = 0;

	for (size_t i = 0; i < len && r == 0; i++) {
		size_t v;
		int q;

		if (i > 0 && is_alnum((unsigned char)s[i - 1]))
			continue;
		for (size_t k = 0; k < ASY_ELEMENTSOF(serial_keys) && r == 0;
		    k++) {
			size_t e = i + strlen(serial_keys[k]);

			if (!has_at(s, len, i, serial_keys[k]) ||
			    is_alnum(at(s, len, e)) || at(s, len, e) == '_')
				continue;
			v = value_start(s, len, e, &q);
			if (v > 0)
				r = serial_value(acc, s, len, v, q, source);
		}
		for (size_t k = 0; k < ASY_ELEMENTSOF(ssid_keys) && r == 0;
		    k++) {
			size_t e = i + strlen(ssid_keys[k]);

			if (!has_at(s, len, i, ssid_keys[k]) ||
			    is_alnum(at(s, len, e)) || at(s, len, e) == '_')
				continue;
			v = value_start(s, len, e, &q);
			if (v > 0)
				r = ssid_value(acc, s, len, v, q, source);
		}
	}
	return r;
}

/* ---- MAC addresses ------------------------------------------------------- */

/* xx:xx:xx:xx:xx:xx or xx-xx-xx-xx-xx-xx at s[i], on its own, neither
 * all zeros nor broadcast. */
static int
scan_mac_at(struct asy_disclosures *acc, const char *s, size_t len,
    size_t i, const char *source)
{
	int sep = at(s, len, i + 2), zero = 1, ones = 1;

	if (len < 17 || i > len - 17 || (sep != ':' && sep != '-'))
		return 0;
	if (i > 0 && (is_alnum((unsigned char)s[i - 1]) || s[i - 1] == sep))
		return 0;
	for (size_t k = 0; k < 17; k++) {
		int c = (unsigned char)s[i + k];

		if (k % 3 == 2) {
			if (c != sep)
				return 0;
			continue;
		}
		if (!is_hex(c))
			return 0;
		if (c != '0')
			zero = 0;
		if (lower(c) != 'f')
			ones = 0;
	}
	if (is_alnum(at(s, len, i + 17)) || (at(s, len, i + 17) == sep &&
	    is_hex(at(s, len, i + 18))))
		return 0;
	if (zero || ones)
		return 0;
	return add(acc, K_MAC, s + i, 17, source);
}

static int
scan_macs(struct asy_disclosures *acc, const char *s, size_t len,
    const char *source)
{
	int r = 0;

	for (size_t i = 0; i < len && r == 0; i++)
		if (is_hex((unsigned char)s[i]))
			r = scan_mac_at(acc, s, len, i, source);
	return r;
}

static int
scan_emails(struct asy_disclosures *acc, const char *s, size_t len,
    const char *source)
{
	size_t pos = 0, st, n;
	int r = 0;

	while (r == 0 && asy_email_find(s + pos, len - pos, &st, &n)) {
		r = add(acc, K_EMAIL, s + pos + st, n, source);
		pos += st + n;
	}
	return r;
}

int
asy_disclose_scan(struct asy_disclosures *acc, const char *text, size_t len,
    const char *source)
{
	int r;

	if (text == NULL || len == 0)
		return 0;
	r = scan_emails(acc, text, len, source);
	if (r < 0)
		return r;
	r = scan_keys(acc, text, len, source);
	if (r < 0)
		return r;
	r = scan_macs(acc, text, len, source);
	if (r < 0)
		return r;
	return scan_versions(acc, text, len, source);
}

void
asy_disclosures_release(struct asy_disclosures *acc)
{
	if (acc == NULL)
		return;
	for (size_t i = 0; i < acc->n; i++) {
		free(acc->d[i].kind);
		free(acc->d[i].value);
		free(acc->d[i].source);
	}
	free(acc->d);
	acc->d = NULL;
	acc->n = 0;
}

/* ---- reviewed implementations -------------------------------------------- */

/* One "name version" in a text, both as (pointer, length). */
struct impl {
	const char	*name, *ver;
	size_t		 nlen, vlen;
};

#define MAX_IMPLS	8

static int
is_word_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
	    c == ';' || c == '(' || c == ')';
}

static const char *const connectors[] = {
	"with", "and", "on", "using", "+", "&",
};

static int
is_connector(const char *w, size_t n)
{
	for (size_t k = 0; k < ASY_ELEMENTSOF(connectors); k++)
		if (strlen(connectors[k]) == n &&
		    has_at(w, n, 0, connectors[k]))
			return 1;
	return 0;
}

/* Does w (n bytes) look like a version: a digit, or 'v' and a digit? */
static size_t
version_skip(const char *w, size_t n)
{
	if (n > 0 && is_digit((unsigned char)w[0]))
		return 0;
	if (n > 1 && (w[0] == 'v' || w[0] == 'V') &&
	    is_digit((unsigned char)w[1]))
		return 1;
	return n;
}

/*
 * Split text into "name version" pairs: "lighttpd 1.4.69 with OpenSSL 3.0"
 * gives lighttpd/1.4.69 and OpenSSL/3.0; "OpenSSH_9.2p1" and
 * "SSH-2.0-OpenSSH_9.2p1 Debian-2" give OpenSSH/9.2p1.  How many.
 */
static size_t
split_impls(const char *t, struct impl *v, size_t max)
{
	size_t len = strlen(t), i = 0, n = 0, name = SIZE_MAX, name_end = 0;

	while (i < len && n < max) {
		size_t b, e, k, sk;

		while (i < len && is_word_sep((unsigned char)t[i]))
			i++;
		if (i == len)
			break;
		b = i;
		while (i < len && !is_word_sep((unsigned char)t[i]))
			i++;
		e = i;
		/* "SSH-2.0-" before the software version. */
		if (has_at(t, e, b, "SSH-")) {
			for (k = b + 4; k < e && (is_digit((unsigned char)t[k])
			    || t[k] == '.'); k++)
				;
			if (k < e && t[k] == '-')
				b = k + 1;
		}
		if (is_connector(t + b, e - b)) {
			name = SIZE_MAX;
			continue;
		}
		sk = version_skip(t + b, e - b);
		if (sk < e - b) {
			if (name != SIZE_MAX) {
				v[n].name = t + name;
				v[n].nlen = name_end - name;
				v[n].ver = t + b + sk;
				v[n].vlen = e - b - sk;
				n++;
			}
			name = SIZE_MAX;
			continue;
		}
		/* "OpenSSH_9.2p1", "lighttpd/1.4.69". */
		for (k = b + 1; k + 1 < e; k++)
			if ((t[k] == '_' || t[k] == '/') &&
			    is_digit((unsigned char)t[k + 1]))
				break;
		if (name == SIZE_MAX)
			name = b;
		if (k + 1 < e) {
			v[n].name = t + name;
			v[n].nlen = k - name;
			v[n].ver = t + k + 1;
			v[n].vlen = e - k - 1;
			n++;
			name = SIZE_MAX;
			continue;
		}
		name_end = e;
	}
	return n;
}

/* The next byte of a name as compared: lowercase, no '_', '-', '/', one
 * ' ' for any run of blanks; -1 at the end. */
static int
name_next(const char *s, size_t len, size_t *i)
{
	while (*i < len) {
		int c = (unsigned char)s[(*i)++];

		if (c == '_' || c == '-' || c == '/')
			continue;
		if (is_word_sep(c)) {
			while (*i < len && is_word_sep((unsigned char)s[*i]))
				(*i)++;
			return *i < len ? ' ' : -1;
		}
		return lower(c);
	}
	return -1;
}

/* Equal names, or one is the other's first words ("Dropbear sshd" and
 * "dropbear"). */
static int
name_match(const struct impl *a, const struct impl *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		int x = name_next(a->name, a->nlen, &i);
		int y = name_next(b->name, b->nlen, &j);

		if (x == -1 && y == -1)
			return 1;
		if ((x == -1 && y == ' ') || (y == -1 && x == ' '))
			return 1;
		if (x != y)
			return 0;
	}
}

/* One version a prefix of the other, at a non-digit in the longer. */
static int
version_match(const struct impl *a, const struct impl *b)
{
	const struct impl *s = a->vlen <= b->vlen ? a : b;
	const struct impl *l = s == a ? b : a;

	if (s->vlen == 0)
		return 0;
	for (size_t k = 0; k < s->vlen; k++)
		if (lower((unsigned char)s->ver[k]) !=
		    lower((unsigned char)l->ver[k]))
			return 0;
	return l->vlen == s->vlen || !is_digit((unsigned char)l->ver[s->vlen]);
}

int
asy_impl_reviewed(const char *name_version, const char *const *reviewed,
    size_t n)
{
	struct impl found[MAX_IMPLS], rev[MAX_IMPLS];
	size_t nf;

	if (name_version == NULL || reviewed == NULL)
		return 0;
	nf = split_impls(name_version, found, MAX_IMPLS);
	if (nf == 0)
		return 0;
	/* Every part of the finding must be one that was reviewed. */
	for (size_t f = 0; f < nf; f++) {
		int ok = 0;

		for (size_t i = 0; i < n && !ok; i++) {
			size_t nr;

			if (reviewed[i] == NULL)
				continue;
			nr = split_impls(reviewed[i], rev, MAX_IMPLS);
			for (size_t k = 0; k < nr && !ok; k++)
				ok = name_match(&found[f], &rev[k]) &&
				    version_match(&found[f], &rev[k]);
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* ---- declared disclosures ------------------------------------------------ */

static const struct {
	const char	*kind;
	const char	*words[2];
	int		 whole;		/* as a whole word only */
} kind_words[] = {
	{ K_EMAIL,	{ "e-mail", "email" },		0 },
	{ K_SERIAL,	{ "serial", NULL },		0 },
	{ K_MAC,	{ "MAC", NULL },		1 },
	{ K_VERSION,	{ "version", NULL },		0 },
	{ K_SSID,	{ "SSID", "network name" },	0 },
};

static int
has_word(const char *t, const char *w, int whole)
{
	size_t len = strlen(t), n = strlen(w);

	for (size_t i = 0; i + n <= len; i++) {
		if (!has_at(t, len, i, w))
			continue;
		if (!whole || ((i == 0 || !is_alnum((unsigned char)t[i - 1])) &&
		    !is_alnum(at(t, len, i + n))))
			return 1;
	}
	return 0;
}

int
asy_disclosure_declared(const char *declared_text, const char *kind)
{
	if (declared_text == NULL || kind == NULL)
		return 0;
	for (size_t k = 0; k < ASY_ELEMENTSOF(kind_words); k++) {
		if (!asy_str_ieq(kind_words[k].kind, kind))
			continue;
		for (size_t w = 0; w < 2 && kind_words[k].words[w]; w++)
			if (has_word(declared_text, kind_words[k].words[w],
			    kind_words[k].whole))
				return 1;
	}
	return 0;
}
