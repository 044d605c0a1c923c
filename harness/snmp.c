/*
 * The SNMP adapter: a minimal SNMPv1/v2c client with its own BER encoder
 * and decoder, over one connected UDP socket per request.
 *
 * Every answer is hostile: each TLV length is checked against what is
 * left of its parent before anything is read, lengths are definite and at
 * most four bytes long, integers are at most eight bytes, OID
 * subidentifiers may not overflow, and rendered values are cut at 1 KiB.
 * Answers with another request id are ignored (the agent may still send
 * the right one); an answer that is not SNMP ends the request at once.
 */
#include "snmp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "net.h"
#include "log.h"
#include "util.h"

#define MAX_OIDS	16
/* Longest rendered value (struct asy_snmp_var says 1 KiB). */
#define MAX_VALUE	1024
/* Longest community and longest value text asy_snmp_set_string() takes. */
#define MAX_COMMUNITY	255
#define MAX_SET_TEXT	4096
/* A request never grows past this (16 OIDs of 128 characters). */
#define MAX_REQUEST	((size_t)16 << 10)
/* The largest UDP payload. */
#define MAX_DGRAM	65536
#define MAX_ARCS	128
/* No deadline further away than a day: keeps the arithmetic in range. */
#define MAX_WAIT_MS	(24ULL * 3600 * 1000)

enum {
	BER_INTEGER		= 0x02,
	BER_OCTETS		= 0x04,
	BER_NULL		= 0x05,
	BER_OID			= 0x06,
	BER_SEQUENCE		= 0x30,
	SNMP_IPADDRESS		= 0x40,
	SNMP_COUNTER32		= 0x41,
	SNMP_GAUGE32		= 0x42,
	SNMP_TIMETICKS		= 0x43,
	SNMP_OPAQUE		= 0x44,
	SNMP_COUNTER64		= 0x46,
	SNMP_NOSUCHOBJECT	= 0x80,
	SNMP_NOSUCHINSTANCE	= 0x81,
	SNMP_ENDOFMIBVIEW	= 0x82,
	PDU_GET			= 0xa0,
	PDU_RESPONSE		= 0xa2,
	PDU_SET			= 0xa3,
};

/* error-status values (RFC 3416), for a why. */
static const char *const error_names[] = {
	"noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr",
	"noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue",
	"noCreation", "inconsistentValue", "resourceUnavailable",
	"commitFailed", "undoFailed", "authorizationError", "notWritable",
	"inconsistentName",
};

#define ERR_NOSUCHNAME	2

/* A read cursor over BER data. */
struct ber {
	const unsigned char	*p;
	size_t			 n;
};

/* The parts of a GetResponse that matter. */
struct resp {
	long long	reqid;
	long long	status;
	long long	index;
	struct ber	vbs;	/* the varbind list's contents */
};

static unsigned long long
deadline_in(unsigned long long ms)
{
	return asy_now_ms() + (ms < MAX_WAIT_MS ? ms : MAX_WAIT_MS);
}

/* ---- encoding ----------------------------------------------------------- */

/* Append tag, the definite length n and n bytes of p. */
static int
put_tlv(struct asy_buf *b, unsigned char tag, const void *p, size_t n)
{
	unsigned char h[4];
	size_t hl = 0;
	int r;

	h[hl++] = tag;
	if (n < 0x80)
		h[hl++] = (unsigned char)n;
	else if (n <= 0xff) {
		h[hl++] = 0x81;
		h[hl++] = (unsigned char)n;
	} else if (n <= 0xffff) {
		h[hl++] = 0x82;
		h[hl++] = (unsigned char)(n >> 8);
		h[hl++] = (unsigned char)n;
	} else
		return ASY_E_TOOBIG;
	r = asy_buf_add(b, h, hl);
	if (r < 0)
		return r;
	return asy_buf_add(b, p, n);
}

/* An INTEGER in the fewest two's complement bytes. */
static int
put_int(struct asy_buf *b, long long v)
{
	unsigned char d[8];
	size_t n = 8;

	for (size_t i = 0; i < 8; i++)
		d[7 - i] = (unsigned char)((unsigned long long)v >> (8 * i));
	/* Drop leading bytes that only repeat the sign. */
	while (n > 1 && ((d[8 - n] == 0x00 && !(d[9 - n] & 0x80)) ||
	    (d[8 - n] == 0xff && (d[9 - n] & 0x80))))
		n--;
	return put_tlv(b, BER_INTEGER, d + 8 - n, n);
}

/* One subidentifier, base 128, most significant group first. */
static int
put_subid(struct asy_buf *b, unsigned long v)
{
	unsigned char d[10];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n] = (unsigned char)((v & 0x7f) |
		    (n > 0 ? 0x80 : 0));
		v >>= 7;
		n++;
	} while (v != 0);
	return asy_buf_add(b, d + sizeof(d) - n, n);
}

/*
 * The contents of the OID s ("1.3.6.1.2.1.1.1.0", a leading dot allowed):
 * 2 to 128 arcs of at most 32 bits, the first 0..2, the second below 40
 * unless the first is 2.  ASY_E_INPUT otherwise.
 */
static int
oid_encode(const char *s, struct asy_buf *out)
{
	unsigned long arcs[MAX_ARCS];
	const char *p = s;
	size_t n = 0;
	int r = 0;

	if (s == NULL || strlen(s) >= sizeof(((struct asy_snmp_var *)0)->oid))
		return ASY_E_INPUT;
	if (*p == '.')
		p++;
	for (;;) {
		unsigned long v = 0;
		size_t digits = 0;

		while (*p >= '0' && *p <= '9') {
			unsigned long d = (unsigned long)(*p - '0');

			if (v > (0xffffffffUL - d) / 10)
				return ASY_E_INPUT;
			v = v * 10 + d;
			p++;
			digits++;
		}
		if (digits == 0 || n == MAX_ARCS)
			return ASY_E_INPUT;
		arcs[n++] = v;
		if (*p == '\0')
			break;
		if (*p != '.')
			return ASY_E_INPUT;
		p++;
	}
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) ||
	    arcs[1] > 0xffffffffUL - 80)
		return ASY_E_INPUT;
	arcs[1] += arcs[0] * 40;
	for (size_t i = 1; i < n && r == 0; i++)
		r = put_subid(out, arcs[i]);
	return r;
}

/*
 * A whole message: SEQUENCE { version, community, pdu { request-id, 0, 0,
 * varbinds } }.  value NULL: every varbind gets NULL (a GET); otherwise
 * the one OID gets the octet string value of len bytes (a SET).
 */
static int
build_request(struct asy_buf *msg, int version, const char *community,
    unsigned char pdu_tag, long long reqid, const char *const *oids,
    size_t n_oids, const void *value, size_t value_len)
{
	struct asy_buf vbs, vb, tmp, pdu, body;
	int r = 0;

	asy_buf_init(&vbs, MAX_REQUEST);
	asy_buf_init(&vb, MAX_REQUEST);
	asy_buf_init(&tmp, MAX_REQUEST);
	asy_buf_init(&pdu, MAX_REQUEST);
	asy_buf_init(&body, MAX_REQUEST);
	for (size_t i = 0; i < n_oids; i++) {
		asy_buf_reset(&vb);
		asy_buf_reset(&tmp);
		r = oid_encode(oids[i], &tmp);
		if (r < 0)
			goto out;
		r = put_tlv(&vb, BER_OID, tmp.data, tmp.len);
		if (r < 0)
			goto out;
		if (value == NULL)
			r = put_tlv(&vb, BER_NULL, NULL, 0);
		else
			r = put_tlv(&vb, BER_OCTETS, value, value_len);
		if (r < 0)
			goto out;
		r = put_tlv(&vbs, BER_SEQUENCE, vb.data, vb.len);
		if (r < 0)
			goto out;
	}
	r = put_int(&pdu, reqid);
	if (r == 0)
		r = put_int(&pdu, 0);
	if (r == 0)
		r = put_int(&pdu, 0);
	if (r == 0)
		r = put_tlv(&pdu, BER_SEQUENCE, vbs.data, vbs.len);
	if (r == 0)
		r = put_int(&body, version);
	if (r == 0)
		r = put_tlv(&body, BER_OCTETS, community, strlen(community));
	if (r == 0)
		r = put_tlv(&body, pdu_tag, pdu.data, pdu.len);
	if (r == 0)
		r = put_tlv(msg, BER_SEQUENCE, body.data, body.len);
out:
	asy_buf_release(&vbs);
	asy_buf_release(&vb);
	asy_buf_release(&tmp);
	asy_buf_release(&pdu);
	asy_buf_release(&body);
	return r;
}

/* ---- decoding ----------------------------------------------------------- */

/*
 * Take the next TLV off r: its tag and its contents.  Only low tag
 * numbers and definite lengths of at most four bytes; the contents must
 * fit in what is left.  0 or ASY_E_PROTO (r unchanged).
 */
static int
ber_next(struct ber *r, unsigned *tag, struct ber *val)
{
	size_t len, pos = 2;

	if (r->n < 2)
		return ASY_E_PROTO;
	if ((r->p[0] & 0x1f) == 0x1f)
		return ASY_E_PROTO;
	len = r->p[1];
	if (len & 0x80) {
		size_t nb = len & 0x7f;

		if (nb == 0 || nb > 4 || r->n - 2 < nb)
			return ASY_E_PROTO;
		len = 0;
		for (size_t i = 0; i < nb; i++)
			len = (len << 8) | r->p[2 + i];
		pos += nb;
	}
	if (len > r->n - pos)
		return ASY_E_PROTO;
	*tag = r->p[0];
	val->p = r->p + pos;
	val->n = len;
	r->p += pos + len;
	r->n -= pos + len;
	return 0;
}

/* The next TLV, which must have tag want. */
static int
ber_expect(struct ber *r, unsigned want, struct ber *val)
{
	unsigned tag;
	int r2;

	r2 = ber_next(r, &tag, val);
	if (r2 < 0)
		return r2;
	return tag == want ? 0 : ASY_E_PROTO;
}

/* A signed INTEGER of 1..8 bytes. */
static int
ber_int(const struct ber *v, long long *out)
{
	unsigned long long u;

	if (v->n == 0 || v->n > 8)
		return ASY_E_PROTO;
	u = (v->p[0] & 0x80) ? ~0ULL : 0;
	for (size_t i = 0; i < v->n; i++)
		u = (u << 8) | v->p[i];
	*out = (long long)u;
	return 0;
}

/* An unsigned number of at most max significant bytes (a leading zero
 * byte allowed on top); agents that drop the zero are read as unsigned. */
static int
ber_uint(const struct ber *v, size_t max, unsigned long long *out)
{
	const unsigned char *p = v->p;
	size_t n = v->n;
	unsigned long long u = 0;

	if (n == 0)
		return ASY_E_PROTO;
	if (n == max + 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > max)
		return ASY_E_PROTO;
	for (size_t i = 0; i < n; i++)
		u = (u << 8) | p[i];
	*out = u;
	return 0;
}

/* OID contents as dotted text into out (capped by out's max: then
 * ASY_E_TOOBIG); ASY_E_PROTO when they are not an OID. */
static int
oid_render(const struct ber *v, struct asy_buf *out)
{
	unsigned long long sub = 0;
	int first = 1, r;

	if (v->n == 0 || (v->p[v->n - 1] & 0x80))
		return ASY_E_PROTO;
	for (size_t i = 0; i < v->n; i++) {
		if (sub > (~0ULL >> 7))
			return ASY_E_PROTO;
		sub = (sub << 7) | (v->p[i] & 0x7f);
		if (v->p[i] & 0x80)
			continue;
		if (first) {
			unsigned a = sub < 40 ? 0 : sub < 80 ? 1 : 2;

			r = asy_buf_printf(out, "%u.%llu", a, sub - 40ULL * a);
			first = 0;
		} else
			r = asy_buf_printf(out, ".%llu", sub);
		if (r < 0)
			return r;
		sub = 0;
	}
	return 0;
}

/* Bytes as text: printable ASCII as is, anything else (the backslash
 * too, so that it can be undone) as \xNN; cut where out is full. */
static void
octets_render(const unsigned char *p, size_t n, struct asy_buf *out)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			r = asy_buf_putc(out, (char)p[i]);
		else
			r = asy_buf_printf(out, "\\x%02x", p[i]);
	}
}

/*
 * The value of a varbind as text in *out (NULL for NULL and the v2c
 * exceptions); ASY_E_PROTO for a malformed number or OID.
 */
static int
value_render(unsigned tag, const struct ber *v, char **out)
{
	struct asy_buf b;
	unsigned long long u;
	long long i;
	int r = 0;

	asy_buf_init(&b, MAX_VALUE);
	switch (tag) {
	case BER_NULL:
	case SNMP_NOSUCHOBJECT:
	case SNMP_NOSUCHINSTANCE:
	case SNMP_ENDOFMIBVIEW:
		*out = NULL;
		return 0;
	case BER_INTEGER:
		r = ber_int(v, &i);
		if (r == 0)
			r = asy_buf_printf(&b, "%lld", i);
		break;
	case SNMP_COUNTER32:
	case SNMP_GAUGE32:
	case SNMP_TIMETICKS:
		r = ber_uint(v, 4, &u);
		if (r == 0)
			r = asy_buf_printf(&b, "%llu", u);
		break;
	case SNMP_COUNTER64:
		r = ber_uint(v, 8, &u);
		if (r == 0)
			r = asy_buf_printf(&b, "%llu", u);
		break;
	case BER_OID:
		r = oid_render(v, &b);
		if (r == ASY_E_TOOBIG)
			r = 0;
		break;
	case SNMP_IPADDRESS:
		if (v->n == 4) {
			r = asy_buf_printf(&b, "%u.%u.%u.%u", v->p[0], v->p[1],
			    v->p[2], v->p[3]);
			break;
		}
		octets_render(v->p, v->n, &b);
		break;
	default:
		/* OCTET STRING, Opaque and anything unknown: the bytes. */
		octets_render(v->p, v->n, &b);
		break;
	}
	if (r < 0) {
		asy_buf_release(&b);
		return r == ASY_E_NOMEM ? r : ASY_E_PROTO;
	}
	*out = asy_buf_steal(&b);
	return *out == NULL ? ASY_E_NOMEM : 0;
}

/*
 * A message that must be a GetResponse of version: the request id, error
 * status and index, and the varbind list.  Community is not checked (some
 * agents answer with another one).
 */
static int
parse_response(const unsigned char *p, size_t n, int version,
    struct resp *out, char *why, size_t why_len)
{
	struct ber all = { p, n }, msg, v, pdu;
	unsigned tag;
	long long ver;
	int r;

	r = ber_expect(&all, BER_SEQUENCE, &msg);
	if (r < 0) {
		asy_why(why, why_len, "the answer is not an SNMP message");
		return r;
	}
	r = ber_expect(&msg, BER_INTEGER, &v);
	if (r == 0)
		r = ber_int(&v, &ver);
	if (r == 0)
		r = ber_expect(&msg, BER_OCTETS, &v);
	if (r < 0) {
		asy_why(why, why_len, "the answer has no version or community");
		return ASY_E_PROTO;
	}
	if (ver != version) {
		asy_why(why, why_len, "the answer is SNMP version %lld, not %d",
		    ver, version);
		return ASY_E_PROTO;
	}
	r = ber_next(&msg, &tag, &pdu);
	if (r < 0 || msg.n != 0) {
		asy_why(why, why_len, "the answer's PDU is malformed");
		return ASY_E_PROTO;
	}
	if (tag != PDU_RESPONSE) {
		asy_why(why, why_len, "the answer is PDU type 0x%02x, not a "
		    "response", tag);
		return ASY_E_PROTO;
	}
	r = ber_expect(&pdu, BER_INTEGER, &v);
	if (r == 0)
		r = ber_int(&v, &out->reqid);
	if (r == 0)
		r = ber_expect(&pdu, BER_INTEGER, &v);
	if (r == 0)
		r = ber_int(&v, &out->status);
	if (r == 0)
		r = ber_expect(&pdu, BER_INTEGER, &v);
	if (r == 0)
		r = ber_int(&v, &out->index);
	if (r == 0)
		r = ber_expect(&pdu, BER_SEQUENCE, &out->vbs);
	if (r < 0 || pdu.n != 0) {
		asy_why(why, why_len, "the answer's response PDU is malformed");
		return ASY_E_PROTO;
	}
	return 0;
}

static const char *
error_name(long long status)
{
	if (status >= 0 && status < (long long)ASY_ELEMENTSOF(error_names))
		return error_names[status];
	return "unknown";
}

/* ---- the socket --------------------------------------------------------- */

static long long
new_reqid(void)
{
	uint32_t u = 0;

	if (getrandom(&u, sizeof(u), GRND_NONBLOCK) != (ssize_t)sizeof(u))
		u = (uint32_t)asy_now_ms() ^ ((uint32_t)getpid() << 16);
	u &= 0x7fffffff;
	return u == 0 ? 1 : (long long)u;
}

/*
 * Send req and wait until timeout_ms for the GetResponse with reqid,
 * sending it once more halfway.  1 and *resp (pointing into dgram), 0 no
 * answer (or ICMP port unreachable), ASY_E_PROTO, ASY_E_IO.
 */
static int
transact(int fd, const struct asy_buf *req, long long reqid, int version,
    unsigned long timeout_ms, unsigned char *dgram, struct resp *resp,
    char *why, size_t why_len)
{
	unsigned long long start = asy_now_ms(), deadline, resend;
	size_t others = 0;
	int sent = 0;

	deadline = deadline_in(timeout_ms);
	resend = start + (deadline - start) / 2;
	for (;;) {
		unsigned long long now = asy_now_ms(), until;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r;

		if (sent < 2 && (sent == 0 || now >= resend)) {
			n = send(fd, req->data, req->len, 0);
			if (n < 0 && errno == ECONNREFUSED) {
				asy_why(why, why_len, "port unreachable");
				return 0;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				asy_why(why, why_len, "send: %s", strerror(errno));
				return ASY_E_IO;
			}
			sent++;
		}
		if (now >= deadline)
			break;
		until = sent < 2 ? resend : deadline;
		if (until > deadline)
			until = deadline;
		r = poll(&pfd, 1, until > now ? (int)(until - now) : 0);
		if (r < 0 && errno != EINTR) {
			asy_why(why, why_len, "poll: %s", strerror(errno));
			return ASY_E_IO;
		}
		if (r <= 0)
			continue;
		n = recv(fd, dgram, MAX_DGRAM, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ECONNREFUSED) {
				asy_why(why, why_len, "port unreachable");
				return 0;
			}
			asy_why(why, why_len, "recv: %s", strerror(errno));
			return ASY_E_IO;
		}
		r = parse_response(dgram, (size_t)n, version, resp, why,
		    why_len);
		if (r < 0)
			return r;
		if (resp->reqid != reqid) {
			asy_debug("ignored an answer with request id %lld",
			    resp->reqid);
			others++;
			continue;
		}
		return 1;
	}
	if (others > 0) {
		asy_why(why, why_len, "%zu answer(s) for another request id, none "
		    "for this one within %lu ms", others, timeout_ms);
		return ASY_E_PROTO;
	}
	asy_why(why, why_len, "no answer within %lu ms", timeout_ms);
	return 0;
}

static int
check_common(const char *community, int version, char *why, size_t why_len)
{
	if (community == NULL || strlen(community) > MAX_COMMUNITY) {
		asy_why(why, why_len, "bad community");
		return ASY_E_INPUT;
	}
	if (version != 0 && version != 1) {
		asy_why(why, why_len, "SNMP version %d is not 0 (v1) or 1 (v2c)",
		    version);
		return ASY_E_INPUT;
	}
	return 0;
}

/* ---- GET ---------------------------------------------------------------- */

/*
 * Fill tmp[map[i]] from the varbinds of a noError answer to the n OIDs
 * that map names.  The name is the agent's when it fits, else ours.
 */
static int
fill_vars(struct ber vbs, const size_t *map, size_t n,
    const char *const *oids, struct asy_snmp_var *tmp, char *why,
    size_t why_len)
{
	for (size_t i = 0; i < n; i++) {
		struct asy_snmp_var *var = &tmp[map[i]];
		struct ber vb, name, val;
		struct asy_buf nb;
		unsigned tag;
		int r;

		r = ber_expect(&vbs, BER_SEQUENCE, &vb);
		if (r == 0)
			r = ber_expect(&vb, BER_OID, &name);
		if (r == 0)
			r = ber_next(&vb, &tag, &val);
		if (r < 0 || vb.n != 0) {
			asy_why(why, why_len, "varbind %zu is malformed or missing",
			    i + 1);
			return ASY_E_PROTO;
		}
		asy_buf_init(&nb, sizeof(var->oid) - 1);
		r = oid_render(&name, &nb);
		if (r == 0)
			snprintf(var->oid, sizeof(var->oid), "%s", nb.data);
		else
			snprintf(var->oid, sizeof(var->oid), "%s",
			    oids[map[i]]);
		asy_buf_release(&nb);
		if (r == ASY_E_PROTO) {
			asy_why(why, why_len, "varbind %zu has a malformed name",
			    i + 1);
			return r;
		}
		free(var->value);
		var->value = NULL;
		r = value_render(tag, &val, &var->value);
		if (r < 0) {
			asy_why(why, why_len, "varbind %zu has a malformed value "
			    "(type 0x%02x)", i + 1, tag);
			return r;
		}
	}
	if (vbs.n != 0) {
		asy_why(why, why_len, "more varbinds than requested");
		return ASY_E_PROTO;
	}
	return 0;
}

int
asy_snmp_get(const char *addr, unsigned port, const char *community,
    int version, const char *const *oids, size_t n_oids,
    unsigned long timeout_ms, struct asy_snmp_var *vars, char *why,
    size_t why_len)
{
	struct asy_snmp_var tmp[MAX_OIDS];
	const char *active[MAX_OIDS];
	size_t map[MAX_OIDS], n_active = n_oids;
	unsigned long long deadline = deadline_in(timeout_ms);
	unsigned char *dgram = NULL;
	struct asy_buf req;
	int fd = -1, r;

	memset(tmp, 0, sizeof(tmp));
	asy_buf_init(&req, MAX_REQUEST);
	if (oids == NULL || vars == NULL || n_oids == 0 ||
	    n_oids > MAX_OIDS) {
		asy_why(why, why_len, "1 to %d OIDs", MAX_OIDS);
		r = ASY_E_INPUT;
		goto out;
	}
	r = check_common(community, version, why, why_len);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n_oids; i++) {
		r = oid_encode(oids[i], &req);
		if (r < 0) {
			asy_why(why, why_len, "bad OID \"%.128s\"",
			    oids[i] != NULL ? oids[i] : "(null)");
			goto out;
		}
		snprintf(tmp[i].oid, sizeof(tmp[i].oid), "%s", oids[i]);
		active[i] = oids[i];
		map[i] = i;
	}
	dgram = malloc(MAX_DGRAM);
	if (dgram == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_udp_connect(addr, port, &fd, why, why_len);
	if (r < 0)
		goto out;
	/*
	 * An SNMPv1 agent answers noSuchName for the whole request: drop
	 * the OID it names and ask again for the others (at most once per
	 * OID, within the same time).
	 */
	for (;;) {
		unsigned long long now = asy_now_ms();
		long long reqid = new_reqid();
		struct resp resp;

		asy_buf_reset(&req);
		r = build_request(&req, version, community, PDU_GET, reqid,
		    active, n_active, NULL, 0);
		if (r < 0)
			goto out;
		r = transact(fd, &req, reqid, version,
		    deadline > now ? deadline - now : 0, dgram, &resp, why,
		    why_len);
		if (r <= 0)
			goto out;
		if (resp.status == 0) {
			r = fill_vars(resp.vbs, map, n_active, oids, tmp, why,
			    why_len);
			if (r < 0)
				goto out;
			if (n_active == n_oids)
				asy_why(why, why_len, "the agent answered");
			break;
		}
		asy_why(why, why_len, "the agent answered %s(%lld) at %lld",
		    error_name(resp.status), resp.status, resp.index);
		if (resp.status != ERR_NOSUCHNAME || resp.index < 1 ||
		    resp.index > (long long)n_active || n_active == 1 ||
		    (unsigned long long)asy_now_ms() >= deadline)
			break;
		/* Drop the OID the agent named; the values stay NULL. */
		for (size_t i = (size_t)resp.index; i < n_active; i++) {
			active[i - 1] = active[i];
			map[i - 1] = map[i];
		}
		n_active--;
	}
	for (size_t i = 0; i < n_oids; i++) {
		vars[i] = tmp[i];
		tmp[i].value = NULL;
	}
	r = 1;
out:
	for (size_t i = 0; i < MAX_OIDS; i++)
		free(tmp[i].value);
	if (fd >= 0)
		close(fd);
	free(dgram);
	asy_buf_release(&req);
	return r;
}

/* ---- SET ---------------------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo octets_render(): \xNN becomes the byte, the rest is as is. */
static int
unescape(const char *s, struct asy_buf *out)
{
	int r = 0;

	while (*s != '\0' && r == 0) {
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			r = asy_buf_putc(out,
			    (char)(hexval(s[2]) * 16 + hexval(s[3])));
			s += 4;
		} else
			r = asy_buf_putc(out, *s++);
	}
	return r;
}

int
asy_snmp_set_string(const char *addr, unsigned port, const char *community,
    int version, const char *oid, const char *value,
    unsigned long timeout_ms, char *why, size_t why_len)
{
	const char *oids[1] = { oid };
	unsigned char *dgram = NULL;
	struct asy_buf req, val;
	long long reqid = new_reqid();
	struct resp resp;
	int fd = -1, r;

	asy_buf_init(&req, MAX_REQUEST);
	asy_buf_init(&val, MAX_SET_TEXT);
	r = check_common(community, version, why, why_len);
	if (r < 0)
		goto out;
	if (value == NULL || strlen(value) > MAX_SET_TEXT) {
		asy_why(why, why_len, "no value or a value over %d bytes",
		    MAX_SET_TEXT);
		r = ASY_E_INPUT;
		goto out;
	}
	r = unescape(value, &val);
	if (r < 0)
		goto out;
	r = build_request(&req, version, community, PDU_SET, reqid, oids, 1,
	    val.data != NULL ? val.data : "", val.len);
	if (r == ASY_E_INPUT)
		asy_why(why, why_len, "bad OID \"%.128s\"",
		    oid != NULL ? oid : "(null)");
	if (r < 0)
		goto out;
	dgram = malloc(MAX_DGRAM);
	if (dgram == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_udp_connect(addr, port, &fd, why, why_len);
	if (r < 0)
		goto out;
	r = transact(fd, &req, reqid, version, timeout_ms, dgram, &resp, why,
	    why_len);
	if (r <= 0)
		goto out;
	if (resp.status != 0) {
		asy_why(why, why_len, "the agent refused the set: %s(%lld)",
		    error_name(resp.status), resp.status);
		r = 0;
		goto out;
	}
	asy_why(why, why_len, "the agent accepted the set");
	r = 1;
out:
	if (fd >= 0)
		close(fd);
	free(dgram);
	asy_buf_release(&val);
	asy_buf_release(&req);
	return r;
}

void
asy_snmp_vars_release(struct asy_snmp_var *vars, size_t n)
{
	if (vars == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(vars[i].value);
		vars[i].value = NULL;
	}
}
