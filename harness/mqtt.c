/*
 * The MQTT adapter: an MQTT 3.1.1 (protocol level 4) client on conn.h,
 * written for probing brokers: CONNECT and its CONNACK, SUBSCRIBE at QoS 0
 * and collecting PUBLISH packets, PUBLISH at QoS 0, PINGREQ, DISCONNECT.
 *
 * Every packet from the broker is hostile: the remaining length is a
 * varint of at most four bytes, packets over MAX_PACKET are refused (a
 * PUBLISH is kept up to MAX_PACKET and the rest read and thrown away,
 * within a deadline), and every length inside a packet is checked
 * against the packet.
 */
#include "mqtt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* The largest packet kept whole. */
#define MAX_PACKET	((size_t)256 << 10)
/* What the remaining length can say at most (four varint bytes). */
#define MAX_REMAINING	268435455UL
/* Once a packet started, its rest must come within this. */
#define PACKET_MS	3000UL
#define WRITE_MS	5000UL
#define KEEPALIVE_S	30
/* During a long collect, a PINGREQ this often keeps the broker happy. */
#define PING_EVERY_MS	20000ULL
#define MAX_STRING	65535
#define RX_CHUNK	16384
/* No deadline further away than a day: keeps the arithmetic in range. */
#define MAX_WAIT_MS	(24ULL * 3600 * 1000)

enum {
	T_CONNECT	= 1,
	T_CONNACK	= 2,
	T_PUBLISH	= 3,
	T_PUBACK	= 4,
	T_PUBREC	= 5,
	T_PUBREL	= 6,
	T_PUBCOMP	= 7,
	T_SUBSCRIBE	= 8,
	T_SUBACK	= 9,
	T_UNSUBSCRIBE	= 10,
	T_UNSUBACK	= 11,
	T_PINGREQ	= 12,
	T_PINGRESP	= 13,
	T_DISCONNECT	= 14,
};

struct asy_mqtt {
	struct asy_conn		*c;
	unsigned char		 rx[RX_CHUNK];
	size_t			 rx_off;
	size_t			 rx_len;
	unsigned		 next_id;
	unsigned long long	 last_tx;
	int			 broken;	/* out of step */
};

struct packet {
	unsigned	 type;
	unsigned	 flags;
	size_t		 len;	/* remaining length, as sent */
	unsigned char	*body;	/* its first kept bytes */
	size_t		 kept;
};

static unsigned long long
deadline_in(unsigned long long ms)
{
	return asy_now_ms() + (ms < MAX_WAIT_MS ? ms : MAX_WAIT_MS);
}

/* ---- writing ------------------------------------------------------------ */

static int
put_u16(struct asy_buf *b, size_t v)
{
	unsigned char d[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	return asy_buf_add(b, d, 2);
}

/* A length-prefixed string (or binary data) of at most 65535 bytes. */
static int
put_str(struct asy_buf *b, const void *p, size_t n)
{
	int r;

	if (n > MAX_STRING)
		return ASY_E_INPUT;
	r = put_u16(b, n);
	if (r == 0)
		r = asy_buf_add(b, p, n);
	return r;
}

/* Send the fixed header (type and flags, remaining length) and body. */
static int
send_packet(struct asy_mqtt *m, unsigned char first, const struct asy_buf *body)
{
	struct asy_buf pkt;
	size_t len = body != NULL ? body->len : 0;
	unsigned char hdr[5];
	size_t hl = 0;
	int r;

	if (len > MAX_REMAINING)
		return ASY_E_INPUT;
	hdr[hl++] = first;
	do {
		unsigned char byte = len & 0x7f;

		len >>= 7;
		hdr[hl++] = (unsigned char)(byte | (len > 0 ? 0x80 : 0));
	} while (len > 0);
	asy_buf_init(&pkt, MAX_REMAINING + sizeof(hdr));
	r = asy_buf_add(&pkt, hdr, hl);
	if (r == 0 && body != NULL)
		r = asy_buf_add(&pkt, body->data, body->len);
	if (r == 0)
		r = asy_conn_write(m->c, pkt.data, pkt.len, WRITE_MS);
	asy_buf_release(&pkt);
	if (r == ASY_E_TIMEOUT)
		r = ASY_E_IO;
	if (r == ASY_E_CLOSED || r == ASY_E_IO)
		m->broken = 1;
	if (r == 0)
		m->last_tx = asy_now_ms();
	return r;
}

/* A packet that is just a type and a packet id (PUBACK, PUBREC, ...). */
static int
send_ack(struct asy_mqtt *m, unsigned char first, unsigned id)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, 2);
	r = put_u16(&b, id);
	if (r == 0)
		r = send_packet(m, first, &b);
	asy_buf_release(&b);
	return r;
}

/* ---- reading ------------------------------------------------------------ */

/*
 * Take n bytes off the stream into p (NULL: throw them away), reading
 * until deadline at most: 0, ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_IO.
 */
static int
rx_take(struct asy_mqtt *m, unsigned char *p, size_t n,
    unsigned long long deadline)
{
	while (n > 0) {
		size_t k;

		if (m->rx_off == m->rx_len) {
			unsigned long long now = asy_now_ms();
			long got;

			got = asy_conn_read(m->c, m->rx, sizeof(m->rx),
			    deadline > now ? (unsigned long)(deadline - now) :
			    0);
			if (got < 0)
				return (int)got;
			m->rx_off = 0;
			m->rx_len = (size_t)got;
		}
		k = m->rx_len - m->rx_off;
		if (k > n)
			k = n;
		if (p != NULL) {
			memcpy(p, m->rx + m->rx_off, k);
			p += k;
		}
		m->rx_off += k;
		n -= k;
	}
	return 0;
}

static void
packet_free(struct packet *pk)
{
	free(pk->body);
	pk->body = NULL;
}

/*
 * Read one packet, waiting for its first byte until deadline and for the
 * rest PACKET_MS more at most; expect nonzero: it must be of that type.
 * 0 and *pk (body NULL when empty; free with packet_free()),
 * ASY_E_TIMEOUT (nothing came), ASY_E_CLOSED, ASY_E_PROTO (another type
 * than expected, a varint over four bytes, a packet over MAX_PACKET that
 * is not a PUBLISH, a packet cut short), ASY_E_IO.  After a failure
 * inside a packet the connection is out of step (broken).
 */
static int
read_packet(struct asy_mqtt *m, struct packet *pk, unsigned expect,
    unsigned long long deadline, char *why, size_t why_len)
{
	unsigned long long rest;
	unsigned char b;
	size_t len = 0;
	int r;

	memset(pk, 0, sizeof(*pk));
	if (m->broken) {
		asy_why(why, why_len, "the connection is out of step");
		return ASY_E_PROTO;
	}
	r = rx_take(m, &b, 1, deadline);
	if (r < 0)
		return r;
	pk->type = b >> 4;
	pk->flags = b & 0x0f;
	/* Not what must come next: no need to wait for the rest of it. */
	if (expect != 0 && pk->type != expect) {
		asy_why(why, why_len, "a packet of type %u, not %u", pk->type,
		    expect);
		r = ASY_E_PROTO;
		goto fail;
	}
	rest = asy_now_ms() + PACKET_MS;
	for (int i = 0;; i++) {
		if (i == 4) {
			asy_why(why, why_len, "a remaining length of more than "
			    "four bytes");
			r = ASY_E_PROTO;
			goto fail;
		}
		r = rx_take(m, &b, 1, rest);
		if (r < 0)
			goto fail;
		len |= (size_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	pk->len = len;
	pk->kept = len;
	if (len > MAX_PACKET) {
		if (pk->type != T_PUBLISH) {
			asy_why(why, why_len, "a packet of type %u and %zu bytes "
			    "(at most %zu taken)", pk->type, len, MAX_PACKET);
			r = ASY_E_PROTO;
			goto fail;
		}
		pk->kept = MAX_PACKET;
	}
	if (pk->kept > 0) {
		pk->body = malloc(pk->kept);
		if (pk->body == NULL) {
			r = ASY_E_NOMEM;
			goto fail;
		}
	}
	r = rx_take(m, pk->body, pk->kept, rest);
	if (r == 0 && len > pk->kept)
		r = rx_take(m, NULL, len - pk->kept, rest);
	if (r < 0)
		goto fail;
	return 0;
fail:
	if (r == ASY_E_TIMEOUT) {
		asy_why(why, why_len, "the broker stopped in the middle of a "
		    "packet");
		r = ASY_E_PROTO;
	}
	m->broken = 1;
	packet_free(pk);
	return r;
}

static unsigned
get_u16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* ---- connecting --------------------------------------------------------- */

static const char *const connack_names[] = {
	"accepted", "unacceptable protocol version", "identifier rejected",
	"server unavailable", "bad user name or password", "not authorized",
};

void
asy_mqtt_close(struct asy_mqtt *m)
{
	if (m == NULL)
		return;
	if (!m->broken)
		send_packet(m, T_DISCONNECT << 4, NULL);
	asy_conn_close(m->c);
	free(m);
}

static int
build_connect(const struct asy_mqtt_opts *o, struct asy_buf *b)
{
	char idbuf[32];
	const char *id = o->client_id;
	const char *user = o->user;
	unsigned char flags = 0x02;	/* clean session */
	int r;

	if (id == NULL) {
		snprintf(idbuf, sizeof(idbuf), "assay-%ld", (long)getpid());
		id = idbuf;
	}
	/* A password needs a user name in 3.1.1: an empty one then. */
	if (o->pass != NULL && user == NULL)
		user = "";
	if (user != NULL)
		flags |= 0x80;
	if (o->pass != NULL)
		flags |= 0x40;
	r = put_str(b, "MQTT", 4);
	if (r == 0)
		r = asy_buf_putc(b, 4);
	if (r == 0)
		r = asy_buf_putc(b, (char)flags);
	if (r == 0)
		r = put_u16(b, KEEPALIVE_S);
	if (r == 0)
		r = put_str(b, id, strlen(id));
	if (r == 0 && user != NULL)
		r = put_str(b, user, strlen(user));
	if (r == 0 && o->pass != NULL)
		r = put_str(b, o->pass, strlen(o->pass));
	return r;
}

int
asy_mqtt_connect(const struct asy_mqtt_opts *o, struct asy_mqtt **out,
    int *rc, char *why, size_t why_len)
{
	unsigned long long deadline;
	struct asy_mqtt *m = NULL;
	struct asy_buf body;
	struct packet pk = { 0 };
	int r;

	asy_buf_init(&body, 3 * (MAX_STRING + 2) + 16);
	if (o == NULL || out == NULL || rc == NULL) {
		r = ASY_E_INPUT;
		goto out;
	}
	deadline = deadline_in(o->timeout_ms);
	r = build_connect(o, &body);
	if (r < 0) {
		asy_why(why, why_len, "client id, user name or password too long");
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	m->next_id = 1;
	r = asy_conn_open(o->addr, o->port, o->tls, o->timeout_ms, &m->c, why,
	    why_len);
	if (r < 0)
		goto out;
	r = send_packet(m, T_CONNECT << 4, &body);
	if (r == ASY_E_CLOSED) {
		asy_why(why, why_len, "the broker closed the connection before "
		    "the CONNECT");
		*rc = -1;
		r = 0;
		goto out;
	}
	if (r < 0) {
		asy_why(why, why_len, "cannot send CONNECT: %s", asy_strerror(r));
		goto out;
	}
	r = read_packet(m, &pk, T_CONNACK, deadline, why, why_len);
	if (r == ASY_E_CLOSED) {
		asy_why(why, why_len, "the broker closed the connection without "
		    "a CONNACK");
		*rc = -1;
		r = 0;
		goto out;
	}
	if (r == ASY_E_TIMEOUT)
		asy_why(why, why_len, "no CONNACK within %lu ms", o->timeout_ms);
	if (r == ASY_E_PROTO)
		asy_why(why, why_len, "the answer to CONNECT is not a CONNACK");
	if (r < 0)
		goto out;
	if (pk.type != T_CONNACK || pk.flags != 0 || pk.len != 2 ||
	    (pk.body[0] & 0xfe) != 0) {
		asy_why(why, why_len, "the answer to CONNECT is not a CONNACK "
		    "(type %u, %zu bytes)", pk.type, pk.len);
		r = ASY_E_PROTO;
		goto out;
	}
	if (pk.body[1] != 0) {
		*rc = pk.body[1];
		asy_why(why, why_len, "the broker refused: %u (%s)", pk.body[1],
		    pk.body[1] < ASY_ELEMENTSOF(connack_names) ?
		    connack_names[pk.body[1]] : "unknown code");
		r = 0;
		goto out;
	}
	asy_why(why, why_len, "the broker accepted the connection");
	*rc = 0;
	*out = m;
	m = NULL;
	r = 1;
out:
	if (m != NULL)
		m->broken = 1;	/* no DISCONNECT after a refusal */
	asy_mqtt_close(m);
	packet_free(&pk);
	asy_buf_release(&body);
	return r;
}

/* ---- collecting --------------------------------------------------------- */

/*
 * A PUBLISH from the broker: its topic and payload (cut at max_payload)
 * into *msg, and the acknowledgement QoS 1 and 2 ask for.
 */
static int
take_publish(struct asy_mqtt *m, const struct packet *pk, size_t max_payload,
    struct asy_mqtt_msg *msg)
{
	unsigned qos = (pk->flags >> 1) & 3;
	size_t tlen, off, plen;
	unsigned id = 0;
	int r;

	if (qos == 3 || pk->kept < 2)
		return ASY_E_PROTO;
	tlen = get_u16(pk->body);
	off = 2 + tlen;
	if (off > pk->kept)
		return ASY_E_PROTO;
	if (qos > 0) {
		if (pk->kept - off < 2)
			return ASY_E_PROTO;
		id = get_u16(pk->body + off);
		off += 2;
	}
	plen = pk->kept - off;
	if (plen > max_payload)
		plen = max_payload;
	msg->topic = asy_strndup((const char *)pk->body + 2, tlen);
	msg->payload = (unsigned char *)asy_strndup((const char *)pk->body +
	    off, plen);
	if (msg->topic == NULL || msg->payload == NULL)
		return ASY_E_NOMEM;
	msg->len = plen;
	msg->retained = pk->flags & 1;
	if (qos == 1) {
		r = send_ack(m, T_PUBACK << 4, id);
		if (r < 0)
			return r;
	} else if (qos == 2) {
		r = send_ack(m, T_PUBREC << 4, id);
		if (r < 0)
			return r;
	}
	return 0;
}

void
asy_mqtt_msgs_free(struct asy_mqtt_msg *msgs, size_t n)
{
	if (msgs == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(msgs[i].topic);
		free(msgs[i].payload);
	}
	free(msgs);
}

static int
send_subscribe(struct asy_mqtt *m, const char *const *filters,
    size_t n_filters, unsigned *id)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, MAX_REMAINING);
	*id = m->next_id;
	m->next_id = m->next_id % 65535 + 1;
	r = put_u16(&b, *id);
	for (size_t i = 0; i < n_filters && r == 0; i++) {
		if (filters[i] == NULL) {
			r = ASY_E_INPUT;
			break;
		}
		r = put_str(&b, filters[i], strlen(filters[i]));
		if (r == 0)
			r = asy_buf_putc(&b, 0);	/* QoS 0 */
	}
	if (r == 0)
		r = send_packet(m, T_SUBSCRIBE << 4 | 0x02, &b);
	asy_buf_release(&b);
	return r;
}

int
asy_mqtt_collect(struct asy_mqtt *m, const char *const *filters,
    size_t n_filters, unsigned long wait_ms, size_t max_msgs,
    size_t max_payload, struct asy_mqtt_msg **msgs, size_t *n,
    size_t *refused)
{
	unsigned long long deadline = deadline_in(wait_ms);
	struct asy_mqtt_msg *arr = NULL;
	size_t n_arr = 0, cap = 0, n_refused = 0;
	int got_suback = 0, r;
	unsigned id;

	if (m == NULL || filters == NULL || n_filters == 0 || msgs == NULL ||
	    n == NULL)
		return ASY_E_INPUT;
	if (m->broken)
		return ASY_E_PROTO;
	r = send_subscribe(m, filters, n_filters, &id);
	if (r < 0)
		goto out;
	for (;;) {
		unsigned long long now = asy_now_ms(), until = deadline;
		struct packet pk;
		char why[128];

		if (got_suback && n_arr >= max_msgs)
			break;
		if (now >= m->last_tx + PING_EVERY_MS) {
			r = send_packet(m, T_PINGREQ << 4, NULL);
			if (r < 0)
				goto out;
		}
		if (m->last_tx + PING_EVERY_MS < until)
			until = m->last_tx + PING_EVERY_MS;
		r = read_packet(m, &pk, 0, until, why, sizeof(why));
		if (r == ASY_E_TIMEOUT) {
			if ((unsigned long long)asy_now_ms() >= deadline)
				break;
			continue;
		}
		if (r < 0) {
			asy_debug("%s", r == ASY_E_PROTO ? why :
			    asy_strerror(r));
			goto out;
		}
		switch (pk.type) {
		case T_PUBLISH:
			if (n_arr < max_msgs) {
				struct asy_mqtt_msg *msg;

				msg = asy_array_add(&arr, &n_arr, &cap,
				    sizeof(*arr));
				r = msg == NULL ? ASY_E_NOMEM :
				    take_publish(m, &pk, max_payload, msg);
			} else {
				struct asy_mqtt_msg dropped = { 0 };

				/* Still acknowledged, and still checked. */
				r = take_publish(m, &pk, 0, &dropped);
				free(dropped.topic);
				free(dropped.payload);
			}
			break;
		case T_SUBACK:
			if (pk.len < 2 || get_u16(pk.body) != id ||
			    pk.len - 2 != n_filters || pk.flags != 0) {
				r = ASY_E_PROTO;
				break;
			}
			for (size_t i = 2; i < pk.len; i++)
				if (pk.body[i] & 0x80)
					n_refused++;
			got_suback = 1;
			break;
		case T_PUBREL:
			/* The end of a QoS 2 delivery. */
			r = pk.len == 2 ? send_ack(m, T_PUBCOMP << 4,
			    get_u16(pk.body)) : ASY_E_PROTO;
			break;
		case T_PUBACK:
		case T_PUBREC:
		case T_PUBCOMP:
		case T_UNSUBACK:
		case T_PINGRESP:
			break;
		default:
			/* CONNACK again, or what only clients send. */
			r = ASY_E_PROTO;
			break;
		}
		packet_free(&pk);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	if (r == 0 || r == ASY_E_CLOSED) {
		*msgs = arr;
		*n = n_arr;
		if (refused != NULL)
			*refused = n_refused;
		arr = NULL;
	} else if (r == ASY_E_TIMEOUT)
		r = ASY_E_IO;
	asy_mqtt_msgs_free(arr, n_arr);
	return r;
}

/* ---- publishing and pinging --------------------------------------------- */

int
asy_mqtt_publish(struct asy_mqtt *m, const char *topic, const void *payload,
    size_t len)
{
	struct asy_buf b;
	int r;

	if (m == NULL || topic == NULL || (payload == NULL && len > 0))
		return ASY_E_INPUT;
	if (m->broken)
		return ASY_E_IO;
	asy_buf_init(&b, MAX_REMAINING);
	r = put_str(&b, topic, strlen(topic));
	if (r == 0 && len > 0)
		r = asy_buf_add(&b, payload, len);
	if (r == ASY_E_TOOBIG)
		r = ASY_E_INPUT;
	if (r == 0)
		r = send_packet(m, T_PUBLISH << 4, &b);
	asy_buf_release(&b);
	return r;
}

int
asy_mqtt_ping(struct asy_mqtt *m, unsigned long timeout_ms)
{
	unsigned long long deadline = deadline_in(timeout_ms);
	int r;

	if (m == NULL)
		return ASY_E_INPUT;
	if (m->broken)
		return ASY_E_IO;
	r = send_packet(m, T_PINGREQ << 4, NULL);
	if (r < 0)
		return r;
	for (;;) {
		struct packet pk;
		unsigned type;
		size_t len;
		char why[128];

		r = read_packet(m, &pk, 0, deadline, why, sizeof(why));
		if (r == ASY_E_TIMEOUT)
			return 0;
		if (r < 0)
			return r;
		type = pk.type;
		len = pk.len;
		/* What the broker sent meanwhile is dropped, QoS 0 only. */
		packet_free(&pk);
		if (type == T_PINGRESP)
			return len == 0 ? 1 : ASY_E_PROTO;
		if (type != T_PUBLISH && type != T_PUBACK && type != T_SUBACK &&
		    type != T_UNSUBACK)
			return ASY_E_PROTO;
	}
}
