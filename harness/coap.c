/*
 * CoAP (RFC 7252) messages, one request, and the CoRE link format.
 *
 * The wire form (RFC 7252 section 3): one byte of version (2 bits, 1),
 * type (2 bits) and token length (4 bits, 0-8; 9-15 are a format error),
 * the code, a 16-bit message ID, the token, the options and, after a 0xff
 * marker, the payload.  Each option is one byte of delta and length
 * nibbles, 13 and 14 announcing one or two more bytes (value - 13, value -
 * 269), 15 reserved (a delta of 15 with a length of 15 is the payload
 * marker).
 */
#include "coap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "net.h"
#include "log.h"
#include "util.h"

/* A link target kept from /.well-known/core. */
#define MAX_LINK	255

/* ---- decoding ----------------------------------------------------------- */

/* The extended part of a delta or length nibble at p[*at]: 0 or -1. */
static int
ext_value(const unsigned char *p, size_t n, size_t *at, unsigned nib,
    unsigned long *out)
{
	if (nib < 13) {
		*out = nib;
		return 0;
	}
	if (nib == 13) {
		if (*at + 1 > n)
			return -1;
		*out = 13UL + p[*at];
		*at += 1;
		return 0;
	}
	/* 14; 15 is caught by the caller. */
	if (*at + 2 > n)
		return -1;
	*out = 269UL + ((unsigned long)p[*at] << 8 | p[*at + 1]);
	*at += 2;
	return 0;
}

int
asy_coap_decode(const unsigned char *p, size_t n, struct asy_coap_msg *m,
    char *why, size_t why_len)
{
	struct asy_coap_msg t;
	unsigned long num = 0;
	size_t at;

	memset(&t, 0, sizeof(t));
	if (n < 4) {
		asy_why(why, why_len, "%zu bytes, shorter than a CoAP header",
		    n);
		return ASY_E_PROTO;
	}
	if (p[0] >> 6 != 1) {
		asy_why(why, why_len, "version %u, not 1", p[0] >> 6);
		return ASY_E_PROTO;
	}
	t.type = p[0] >> 4 & 3;
	t.tkl = p[0] & 15;
	t.code = p[1];
	t.mid = (unsigned)p[2] << 8 | p[3];
	if (t.tkl > 8) {
		asy_why(why, why_len, "token length %zu (9-15 are reserved)",
		    t.tkl);
		return ASY_E_PROTO;
	}
	if (4 + t.tkl > n) {
		asy_why(why, why_len, "the token runs past the end");
		return ASY_E_PROTO;
	}
	memcpy(t.token, p + 4, t.tkl);
	at = 4 + t.tkl;
	while (at < n) {
		unsigned dn = p[at] >> 4, ln = p[at] & 15;
		unsigned long delta, len;
		size_t start = at;

		if (p[at] == 0xff) {
			at++;
			if (at == n) {
				asy_why(why, why_len, "a payload marker at "
				    "byte %zu with no payload", start);
				return ASY_E_PROTO;
			}
			t.payload = p + at;
			t.payload_len = n - at;
			break;
		}
		if (dn == 15 || ln == 15) {
			asy_why(why, why_len, "the reserved %s 15 at byte %zu",
			    dn == 15 ? "delta" : "length", start);
			return ASY_E_PROTO;
		}
		at++;
		if (ext_value(p, n, &at, dn, &delta) < 0 ||
		    ext_value(p, n, &at, ln, &len) < 0) {
			asy_why(why, why_len, "the option at byte %zu runs "
			    "past the end", start);
			return ASY_E_PROTO;
		}
		if (len > n - at) {
			asy_why(why, why_len, "the option at byte %zu says %lu "
			    "bytes, %zu are left", start, len, n - at);
			return ASY_E_PROTO;
		}
		num += delta;
		if (num > 65535) {
			asy_why(why, why_len, "option number %lu at byte %zu "
			    "(over 65535)", num, start);
			return ASY_E_PROTO;
		}
		if (t.n_opts == ASY_COAP_MAX_OPTS) {
			asy_why(why, why_len, "more than %d options",
			    ASY_COAP_MAX_OPTS);
			return ASY_E_PROTO;
		}
		t.opts[t.n_opts].num = (unsigned)num;
		t.opts[t.n_opts].val = len > 0 ? p + at : NULL;
		t.opts[t.n_opts].len = len;
		t.n_opts++;
		at += len;
	}
	if (t.code == 0 && (t.tkl > 0 || at > 4 || t.payload_len > 0)) {
		asy_why(why, why_len, "an empty message (0.00) with a token, "
		    "options or payload");
		return ASY_E_PROTO;
	}
	*m = t;
	return 0;
}

/* ---- encoding ----------------------------------------------------------- */

static int
put_nibble_ext(struct asy_buf *b, unsigned long v)
{
	unsigned char e[2];

	if (v < 13)
		return 0;
	if (v < 269) {
		e[0] = (unsigned char)(v - 13);
		return asy_buf_add(b, e, 1);
	}
	e[0] = (unsigned char)((v - 269) >> 8);
	e[1] = (unsigned char)((v - 269) & 0xff);
	return asy_buf_add(b, e, 2);
}

static unsigned
nibble(unsigned long v)
{
	return v < 13 ? (unsigned)v : v < 269 ? 13 : 14;
}

int
asy_coap_encode(const struct asy_coap_msg *m, struct asy_buf *out)
{
	unsigned char h[4];
	unsigned last = 0;
	int r;

	if (m->type > 3 || m->code > 255 || m->mid > 65535 || m->tkl > 8 ||
	    m->n_opts > ASY_COAP_MAX_OPTS)
		return ASY_E_INPUT;
	for (size_t i = 0; i < m->n_opts; i++)
		if (m->opts[i].num < last || m->opts[i].num > 65535 ||
		    m->opts[i].len > ASY_COAP_MAX_OPT_LEN ||
		    (m->opts[i].len > 0 && m->opts[i].val == NULL))
			return ASY_E_INPUT;
		else
			last = m->opts[i].num;
	h[0] = (unsigned char)(1 << 6 | m->type << 4 | m->tkl);
	h[1] = (unsigned char)m->code;
	h[2] = (unsigned char)(m->mid >> 8);
	h[3] = (unsigned char)(m->mid & 0xff);
	r = asy_buf_add(out, h, 4);
	if (r == 0 && m->tkl > 0)
		r = asy_buf_add(out, m->token, m->tkl);
	last = 0;
	for (size_t i = 0; i < m->n_opts && r == 0; i++) {
		unsigned long d = m->opts[i].num - last, l = m->opts[i].len;
		unsigned char first = (unsigned char)(nibble(d) << 4 |
		    nibble(l));

		r = asy_buf_add(out, &first, 1);
		if (r == 0)
			r = put_nibble_ext(out, d);
		if (r == 0)
			r = put_nibble_ext(out, l);
		if (r == 0 && l > 0)
			r = asy_buf_add(out, m->opts[i].val, l);
		last = m->opts[i].num;
	}
	if (r == 0 && m->payload_len > 0) {
		r = asy_buf_putc(out, (char)0xff);
		if (r == 0)
			r = asy_buf_add(out, m->payload, m->payload_len);
	}
	return r;
}

int
asy_coap_add_opt(struct asy_coap_msg *m, unsigned num, const void *val,
    size_t len)
{
	size_t i;

	if (m->n_opts == ASY_COAP_MAX_OPTS)
		return ASY_E_TOOBIG;
	for (i = m->n_opts; i > 0 && m->opts[i - 1].num > num; i--)
		m->opts[i] = m->opts[i - 1];
	m->opts[i].num = num;
	m->opts[i].val = len > 0 ? val : NULL;
	m->opts[i].len = len;
	m->n_opts++;
	return 0;
}

int
asy_coap_set_path(struct asy_coap_msg *m, const char *path)
{
	const char *q, *s, *end;
	int r = 0;

	if (path == NULL || path[0] != '/')
		return ASY_E_INPUT;
	q = strchr(path, '?');
	end = q != NULL ? q : path + strlen(path);
	/* "/" alone is the root: no Uri-Path at all. */
	for (s = path + 1; s < end && r == 0; ) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *e = slash != NULL ? slash : end;

		r = asy_coap_add_opt(m, ASY_COAP_OPT_URI_PATH, s,
		    (size_t)(e - s));
		s = slash != NULL ? slash + 1 : end;
		if (slash != NULL && s == end && r == 0)
			r = asy_coap_add_opt(m, ASY_COAP_OPT_URI_PATH, s, 0);
	}
	for (s = q != NULL ? q + 1 : NULL; s != NULL && *s != '\0' && r == 0;
	    ) {
		const char *amp = strchr(s, '&');
		size_t len = amp != NULL ? (size_t)(amp - s) : strlen(s);

		if (len > 0)
			r = asy_coap_add_opt(m, ASY_COAP_OPT_URI_QUERY, s, len);
		s = amp != NULL ? amp + 1 : NULL;
	}
	return r;
}

char *
asy_coap_code_str(unsigned code, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%02u", code >> 5 & 7, code & 31);
	return buf;
}

/* ---- the socket --------------------------------------------------------- */

/* Send once: 1 sent, 0 port unreachable, ASY_E_IO. */
static int
udp_send(int fd, const void *p, size_t n, char *why, size_t why_len)
{
	ssize_t k;

	do
		k = send(fd, p, n, 0);
	while (k < 0 && errno == EINTR);
	if (k < 0 && errno == ECONNREFUSED) {
		asy_why(why, why_len, "port unreachable");
		return 0;
	}
	if (k < 0 && errno != EAGAIN) {
		asy_why(why, why_len, "send: %s", strerror(errno));
		return ASY_E_IO;
	}
	return 1;
}

/* Wait until the deadline (asy_now_ms) for one datagram: 1 (*got bytes),
 * 0 none or port unreachable, ASY_E_IO. */
static int
udp_recv(int fd, long long deadline, unsigned char *p, size_t max,
    size_t *got, char *why, size_t why_len)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - asy_now_ms();
		ssize_t k;
		int r;

		if (left <= 0) {
			asy_why(why, why_len, "no answer in time");
			return 0;
		}
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno != EINTR) {
			asy_why(why, why_len, "poll: %s", strerror(errno));
			return ASY_E_IO;
		}
		if (r <= 0)
			continue;
		k = recv(fd, p, max, 0);
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ECONNREFUSED) {
				asy_why(why, why_len, "port unreachable");
				return 0;
			}
			asy_why(why, why_len, "recv: %s", strerror(errno));
			return ASY_E_IO;
		}
		*got = (size_t)k;
		return 1;
	}
}

int
asy_coap_send(const char *addr, unsigned port, const void *dgram, size_t n,
    unsigned long wait_ms, unsigned char *ans, size_t ans_max,
    size_t *ans_len, char *why, size_t why_len)
{
	int fd = -1, r;

	r = asy_udp_connect(addr, port, &fd, why, why_len);
	if (r < 0)
		return r;
	r = udp_send(fd, dgram, n, why, why_len);
	if (r == 1)
		r = udp_recv(fd, asy_now_ms() + (long long)wait_ms, ans,
		    ans_max, ans_len, why, why_len);
	close(fd);
	return r;
}

/* ---- one request -------------------------------------------------------- */

static void
random_bytes(void *p, size_t n)
{
	if (getrandom(p, n, GRND_NONBLOCK) != (ssize_t)n) {
		unsigned long long x = (unsigned long long)asy_now_ms() ^
		    ((unsigned long long)getpid() << 20);

		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			((unsigned char *)p)[i] = (unsigned char)(x >> 56);
		}
	}
}

static int
keep_answer(const struct asy_coap_msg *m, struct asy_coap_answer *a)
{
	size_t n = m->payload_len;

	a->type = m->type;
	a->code = m->type == ASY_COAP_RST ? 0 : m->code;
	a->block_more = 0;
	for (size_t i = 0; i < m->n_opts; i++)
		if (m->opts[i].num == ASY_COAP_OPT_BLOCK2 &&
		    m->opts[i].len > 0)
			a->block_more = (m->opts[i].val[m->opts[i].len - 1] &
			    0x08) != 0;
	asy_buf_reset(&a->payload);
	if (n > a->payload.max)
		n = a->payload.max;
	if (n == 0)
		return 0;
	return asy_buf_add(&a->payload, m->payload, n);
}

int
asy_coap_get(const char *addr, unsigned port, const char *path,
    unsigned long timeout_ms, size_t max_payload,
    struct asy_coap_answer *a, char *why, size_t why_len)
{
	struct asy_coap_msg req, m;
	struct asy_buf out;
	unsigned char *dgram = NULL, rnd[6];
	long long start, deadline, resend;
	int fd = -1, r, sent = 0, acked = 0, bad = 0;
	char bwhy[160] = "", w[160] = "";

	memset(a, 0, sizeof(*a));
	asy_buf_init(&a->payload, max_payload > 0 ? max_payload : 1);
	asy_buf_init(&out, ASY_COAP_MAX_DGRAM);
	memset(&req, 0, sizeof(req));
	random_bytes(rnd, sizeof(rnd));
	req.type = ASY_COAP_CON;
	req.code = ASY_COAP_GET;
	req.mid = (unsigned)rnd[0] << 8 | rnd[1];
	req.tkl = 4;
	memcpy(req.token, rnd + 2, 4);
	r = asy_coap_set_path(&req, path);
	if (r == 0)
		r = asy_coap_encode(&req, &out);
	if (r < 0) {
		asy_why(why, why_len, "the path cannot be sent as CoAP");
		r = r == ASY_E_NOMEM ? r : ASY_E_INPUT;
		goto out;
	}
	dgram = malloc(ASY_COAP_MAX_DGRAM);
	if (dgram == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_udp_connect(addr, port, &fd, w, sizeof(w));
	if (r < 0)
		goto out;
	start = asy_now_ms();
	deadline = start + (long long)timeout_ms;
	resend = start + (long long)timeout_ms / 2;
	for (;;) {
		size_t got = 0;

		if (!acked && sent < 2 && (sent == 0 ||
		    asy_now_ms() >= resend)) {
			r = udp_send(fd, out.data, out.len, w, sizeof(w));
			if (r <= 0)
				goto out;
			sent++;
		}
		r = udp_recv(fd, acked || sent == 2 ? deadline : resend <
		    deadline ? resend : deadline, dgram, ASY_COAP_MAX_DGRAM,
		    &got, w, sizeof(w));
		if (r < 0)
			goto out;
		if (r == 0) {
			if (strcmp(w, "port unreachable") == 0 ||
			    asy_now_ms() >= deadline)
				break;
			continue;
		}
		if (asy_coap_decode(dgram, got, &m, bwhy, sizeof(bwhy)) < 0) {
			asy_debug("ignored a malformed datagram: %s", bwhy);
			bad++;
			continue;
		}
		if ((m.type == ASY_COAP_ACK || m.type == ASY_COAP_RST) &&
		    m.mid == req.mid) {
			if (m.type == ASY_COAP_ACK && m.code == 0) {
				/* A separate response follows. */
				acked = 1;
				continue;
			}
			if (m.type == ASY_COAP_RST || (m.tkl == req.tkl &&
			    memcmp(m.token, req.token, m.tkl) == 0)) {
				r = keep_answer(&m, a);
				if (r == 0)
					r = 1;
				goto out;
			}
			continue;
		}
		if ((m.type == ASY_COAP_CON || m.type == ASY_COAP_NON) &&
		    m.code >= ASY_COAP_CODE(2, 0) && m.tkl == req.tkl &&
		    memcmp(m.token, req.token, m.tkl) == 0) {
			if (m.type == ASY_COAP_CON) {
				unsigned char ack[4] = { 0x60, 0,
				    (unsigned char)(m.mid >> 8),
				    (unsigned char)(m.mid & 0xff) };

				(void)udp_send(fd, ack, sizeof(ack), NULL, 0);
			}
			r = keep_answer(&m, a);
			if (r == 0)
				r = 1;
			goto out;
		}
		asy_debug("ignored a CoAP message for another request");
	}
	if (acked) {
		/* Acknowledged, the response did not come in time. */
		a->type = ASY_COAP_ACK;
		a->code = 0;
		r = 1;
		goto out;
	}
	if (bad > 0) {
		asy_why(w, sizeof(w), "only malformed answers (%s)", bwhy);
		r = ASY_E_PROTO;
		goto out;
	}
	if (strcmp(w, "port unreachable") != 0)
		asy_why(w, sizeof(w), "no answer within %lu ms (%d tries)",
		    timeout_ms, sent);
	r = 0;
out:
	if (r <= 0 && w[0] != '\0')
		asy_why(why, why_len, "%s", w);
	if (fd >= 0)
		close(fd);
	free(dgram);
	asy_buf_release(&out);
	if (r != 1)
		asy_buf_release(&a->payload);
	return r;
}

void
asy_coap_answer_release(struct asy_coap_answer *a)
{
	if (a != NULL)
		asy_buf_release(&a->payload);
}

/* ---- link format -------------------------------------------------------- */

static int
link_ok(const char *s, size_t n)
{
	if (n == 0 || n > MAX_LINK || s[0] != '/' || (n > 1 && s[1] == '/'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int
asy_coap_links(const char *s, size_t n, size_t max, char ***out,
    size_t *n_out)
{
	char **v = NULL;
	size_t nv = 0, cap = 0, i = 0;
	int r = 0;

	while (i < n && nv < max) {
		const char *gt;
		size_t start;
		int quoted = 0, dup = 0;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n'))
			i++;
		if (i == n || s[i] != '<')
			break;
		start = ++i;
		gt = memchr(s + start, '>', n - start);
		if (gt == NULL)
			break;
		i = (size_t)(gt - s);
		for (size_t k = 0; k < nv; k++)
			if (strlen(v[k]) == i - start &&
			    memcmp(v[k], s + start, i - start) == 0)
				dup = 1;
		if (!dup && link_ok(s + start, i - start)) {
			char **slot = asy_array_add(&v, &nv, &cap, sizeof(*v));

			if (slot == NULL) {
				r = ASY_E_NOMEM;
				break;
			}
			*slot = asy_strndup(s + start, i - start);
			if (*slot == NULL) {
				r = ASY_E_NOMEM;
				break;
			}
		}
		/* The attributes, to the next ',' outside quotes. */
		for (i++; i < n; i++) {
			if (s[i] == '"')
				quoted = !quoted;
			else if (s[i] == ',' && !quoted)
				break;
		}
		if (i < n)
			i++;
	}
	if (r < 0) {
		asy_coap_links_free(v, nv);
		return r;
	}
	*out = v;
	*n_out = nv;
	return 0;
}

void
asy_coap_links_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
