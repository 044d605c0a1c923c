/*
 * mDNS/DNS-SD and UPnP announcements of a DUT, asked by unicast (see
 * announce.h).  Every byte of an answer is hostile: the DNS parser reads
 * through bounds-checked helpers, names follow compression pointers only
 * backwards (so every name ends), every count is checked against what the
 * packet can hold, and everything stored is printable.
 */
#include "announce.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"
#include "disclose.h"
#include "error.h"
#include "httpc.h"
#include "log.h"
#include "util.h"
#include "xml.h"

#define MAX_HOPS	64	/* compression pointers in one name */
#define MAX_TXT		4096	/* printable text of one TXT record */
#define MAX_DGRAMS	16	/* datagrams read per exchange */
#define MAX_FIELDS	64	/* description lines */
#define MAX_FIELD	256	/* one description value */
#define MAX_LOG		((size_t)1 << 20)
#define MDNS_QUIET_MS	300	/* after an answer, wait this long for more */
#define SSDP_QUIET_MS	1000	/* MX 1: responders may wait up to 1 s */

/* ---- DNS messages ---------------------------------------------------------- */

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Append one label to a name's text form. */
static void
label_text(struct asy_dns_name *n, size_t *tl, const unsigned char *l,
    size_t len)
{
	static const char hex[] = "0123456789abcdef";

	if (*tl > 0)
		n->text[(*tl)++] = '.';
	for (size_t i = 0; i < len; i++) {
		unsigned c = l[i];

		if (c == '.') {
			n->text[(*tl)++] = '\\';
			n->text[(*tl)++] = '.';
		} else if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			n->text[(*tl)++] = (char)c;
		} else {
			n->text[(*tl)++] = '\\';
			n->text[(*tl)++] = 'x';
			n->text[(*tl)++] = hex[c >> 4];
			n->text[(*tl)++] = hex[c & 15];
		}
	}
	n->text[*tl] = '\0';
}

/*
 * Read the name at p[*off].  Each compression pointer must point before
 * the previous one's target (the first: before the name itself), so the
 * walk always ends; MAX_HOPS is a second guard.  *off moves past the name
 * as it is in the packet.
 */
static int
read_name(const unsigned char *p, size_t len, size_t *off,
    struct asy_dns_name *n, char *why, size_t why_len)
{
	size_t pos = *off, lim = *off, end = 0, tl = 0;
	unsigned hops = 0;
	int jumped = 0;

	n->len = 0;
	n->text[0] = '\0';
	for (;;) {
		unsigned c;

		if (pos >= len) {
			asy_why(why, why_len, "a name at offset %zu runs past "
			    "the end of the packet", *off);
			return ASY_E_PROTO;
		}
		c = p[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t ptr;

			if (pos + 1 >= len) {
				asy_why(why, why_len, "a compression pointer "
				    "at offset %zu is cut off", pos);
				return ASY_E_PROTO;
			}
			ptr = (size_t)(c & 0x3f) << 8 | p[pos + 1];
			if (ptr >= lim || ++hops > MAX_HOPS) {
				asy_why(why, why_len, "a compression pointer "
				    "at offset %zu points to %zu, not back "
				    "(a loop)", pos, ptr);
				return ASY_E_PROTO;
			}
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			lim = ptr;
			pos = ptr;
			continue;
		}
		if (c & 0xc0) {
			asy_why(why, why_len, "label type 0x%02x at offset %zu "
			    "is not supported", c & 0xc0, pos);
			return ASY_E_PROTO;
		}
		if (c == 0) {
			pos++;
			break;
		}
		if (pos + 1 + c > len) {
			asy_why(why, why_len, "a label at offset %zu runs past "
			    "the end of the packet", pos);
			return ASY_E_PROTO;
		}
		if (n->len + 1 + c + 1 > 255) {
			asy_why(why, why_len, "a name at offset %zu is longer "
			    "than 255 bytes", *off);
			return ASY_E_PROTO;
		}
		memcpy(n->wire + n->len, p + pos, 1 + c);
		n->len += 1 + c;
		label_text(n, &tl, p + pos + 1, c);
		pos += 1 + c;
	}
	n->wire[n->len++] = 0;
	*off = jumped ? end : pos;
	return 0;
}

/* Names compare ignoring ASCII case (RFC 1035 2.3.3). */
static int
name_eq(const struct asy_dns_name *a, const struct asy_dns_name *b)
{
	if (a->len != b->len)
		return 0;
	for (size_t i = 0; i < a->len; i++) {
		unsigned x = a->wire[i], y = b->wire[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

/* TXT rdata: length-prefixed strings, each made printable, one a line. */
static int
txt_text(const unsigned char *p, size_t len, char **out, char *why,
    size_t why_len)
{
	struct asy_buf b;
	size_t i = 0;
	int r = 0;

	asy_buf_init(&b, MAX_TXT);
	while (i < len && r == 0) {
		size_t n = p[i];
		char *s;

		if (i + 1 + n > len) {
			asy_why(why, why_len, "a TXT string runs past its "
			    "record");
			asy_buf_release(&b);
			return ASY_E_PROTO;
		}
		s = asy_printable((const char *)p + i + 1, n, 512);
		if (s == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		r = asy_buf_printf(&b, "%s%s", b.len ? "\n" : "", s);
		free(s);
		i += 1 + n;
	}
	if (r == ASY_E_TOOBIG)
		r = 0;		/* the first MAX_TXT bytes are enough */
	if (r == 0)
		r = asy_buf_puts(&b, "");
	if (r == ASY_E_TOOBIG)
		r = 0;
	if (r == 0 && b.data == NULL)
		r = ASY_E_NOMEM;
	if (r == 0)
		*out = asy_buf_steal(&b);
	asy_buf_release(&b);
	return r;
}

static int
read_rdata(const unsigned char *p, size_t len, size_t off, size_t rdlen,
    struct asy_dns_rr *rr, char *why, size_t why_len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t o = off;
	int r;

	switch (rr->type) {
	case ASY_DNS_PTR:
	case ASY_DNS_SRV:
		if (rr->type == ASY_DNS_SRV) {
			if (rdlen < 7) {
				asy_why(why, why_len, "an SRV record of %zu "
				    "bytes", rdlen);
				return ASY_E_PROTO;
			}
			rr->port = get16(p + off + 4);
			o += 6;
		}
		r = read_name(p, off + rdlen, &o, &rr->target, why, why_len);
		if (r < 0)
			return r;
		if (o != off + rdlen) {
			asy_why(why, why_len, "a %s record's name does not "
			    "fill its %zu bytes", rr->type == ASY_DNS_PTR ?
			    "PTR" : "SRV", rdlen);
			return ASY_E_PROTO;
		}
		return 0;
	case ASY_DNS_TXT:
		return txt_text(p + off, rdlen, &rr->text, why, why_len);
	case ASY_DNS_A:
	case ASY_DNS_AAAA:
		if (rdlen != (rr->type == ASY_DNS_A ? 4u : 16u)) {
			asy_why(why, why_len, "an address record of %zu bytes",
			    rdlen);
			return ASY_E_PROTO;
		}
		if (inet_ntop(rr->type == ASY_DNS_A ? AF_INET : AF_INET6,
		    p + off, addr, sizeof(addr)) == NULL)
			return ASY_E_PROTO;
		rr->text = asy_strdup(addr);
		return rr->text != NULL ? 0 : ASY_E_NOMEM;
	default:
		(void)len;
		return 0;
	}
}

int
asy_dns_parse(const void *pkt, size_t len, size_t max_rr,
    struct asy_dns_msg *out, char *why, size_t why_len)
{
	const unsigned char *p = pkt;
	struct asy_dns_msg m;
	size_t qd, total, off = 12;
	int r = 0;

	memset(&m, 0, sizeof(m));
	if (len > ASY_ANN_MAX_DGRAM) {
		asy_why(why, why_len, "%zu bytes, more than the %d allowed",
		    len, ASY_ANN_MAX_DGRAM);
		return ASY_E_TOOBIG;
	}
	if (p == NULL || len < 12) {
		asy_why(why, why_len, "%zu bytes, shorter than a DNS header",
		    len);
		return ASY_E_PROTO;
	}
	m.id = get16(p);
	m.flags = get16(p + 2);
	qd = get16(p + 4);
	total = (size_t)get16(p + 6) + get16(p + 8) + get16(p + 10);
	/* A question takes at least 5 bytes, a record at least 11. */
	if (qd * 5 + total * 11 > len - 12) {
		asy_why(why, why_len, "the header counts %zu questions and %zu "
		    "records, more than %zu bytes can hold", qd, total, len);
		return ASY_E_PROTO;
	}
	m.n_questions = qd;
	if (max_rr == 0)
		max_rr = 64;
	for (size_t i = 0; i < qd; i++) {
		struct asy_dns_name n;

		r = read_name(p, len, &off, &n, why, why_len);
		if (r < 0)
			goto out;
		if (off + 4 > len) {
			asy_why(why, why_len, "question %zu is cut off", i + 1);
			r = ASY_E_PROTO;
			goto out;
		}
		off += 4;
	}
	m.rr = calloc(total < max_rr ? (total ? total : 1) : max_rr,
	    sizeof(*m.rr));
	if (m.rr == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		struct asy_dns_rr rr;
		size_t rdlen;

		memset(&rr, 0, sizeof(rr));
		r = read_name(p, len, &off, &rr.name, why, why_len);
		if (r < 0)
			goto out;
		if (off + 10 > len) {
			asy_why(why, why_len, "record %zu is cut off", i + 1);
			r = ASY_E_PROTO;
			goto out;
		}
		rr.type = get16(p + off);
		rr.rclass = get16(p + off + 2) & 0x7fff;
		rr.ttl = (unsigned long)get16(p + off + 4) << 16 |
		    get16(p + off + 6);
		rdlen = get16(p + off + 8);
		off += 10;
		if (rdlen > len - off) {
			asy_why(why, why_len, "record %zu says %zu bytes of "
			    "data, %zu are left", i + 1, rdlen, len - off);
			r = ASY_E_PROTO;
			goto out;
		}
		r = read_rdata(p, len, off, rdlen, &rr, why, why_len);
		if (r < 0) {
			free(rr.text);
			goto out;
		}
		off += rdlen;
		if (m.n_rr < max_rr)
			m.rr[m.n_rr++] = rr;
		else {
			free(rr.text);
			m.cut = 1;
		}
	}
	*out = m;
	memset(&m, 0, sizeof(m));
out:
	asy_dns_msg_release(&m);
	return r;
}

void
asy_dns_msg_release(struct asy_dns_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_rr; i++)
		free(m->rr[i].text);
	free(m->rr);
	memset(m, 0, sizeof(*m));
}

int
asy_dns_name_from(const char *dotted, struct asy_dns_name *out)
{
	struct asy_dns_name n;
	size_t tl = 0;
	const char *s = dotted;

	memset(&n, 0, sizeof(n));
	if (s == NULL || *s == '\0')
		return ASY_E_INPUT;
	while (*s != '\0') {
		size_t l = strcspn(s, ".");

		if (l == 0 || l > 63 || n.len + 1 + l + 1 > 255)
			return ASY_E_INPUT;
		n.wire[n.len] = (unsigned char)l;
		memcpy(n.wire + n.len + 1, s, l);
		label_text(&n, &tl, n.wire + n.len + 1, l);
		n.len += 1 + l;
		s += l;
		if (*s == '.' && *++s == '\0')
			break;
	}
	n.wire[n.len++] = 0;
	*out = n;
	return 0;
}

int
asy_dns_query(struct asy_buf *out, unsigned id,
    const struct asy_dns_name *name, const unsigned *types, size_t n, int qu)
{
	unsigned char h[12] = { 0 };
	int r;

	h[0] = (unsigned char)(id >> 8);
	h[1] = (unsigned char)id;
	h[5] = (unsigned char)n;
	r = asy_buf_add(out, h, sizeof(h));
	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char q[4];

		q[0] = (unsigned char)(types[i] >> 8);
		q[1] = (unsigned char)types[i];
		q[2] = qu ? 0x80 : 0;
		q[3] = 1;
		r = asy_buf_add(out, name->wire, name->len);
		if (r == 0)
			r = asy_buf_add(out, q, sizeof(q));
	}
	return r;
}

/* ---- addresses and URLs ---------------------------------------------------- */

struct ipaddr {
	int		 af;
	unsigned char	 a[16];
};

static int
ip_parse(const char *s, struct ipaddr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (s != NULL && inet_pton(AF_INET, s, ip->a) == 1)
		ip->af = AF_INET;
	else if (s != NULL && inet_pton(AF_INET6, s, ip->a) == 1)
		ip->af = AF_INET6;
	else
		return -1;
	return 0;
}

int
asy_announce_addr_ok(const char *addr)
{
	static const unsigned char v6loop[16] = { [15] = 1 };
	struct ipaddr ip;

	if (ip_parse(addr, &ip) < 0)
		return 0;
	if (ip.af == AF_INET)
		return (ip.a[0] == 198 && (ip.a[1] & 0xfe) == 18) ||
		    ip.a[0] == 127;
	return ip.a[0] == 0xfd || memcmp(ip.a, v6loop, 16) == 0;
}

int
asy_url_on_host(const char *url, const char *addr, unsigned *port,
    int *tls, char *path, size_t path_len)
{
	struct ipaddr want, have;
	char host[64];
	const char *p, *h, *he;
	unsigned long pn;
	int t;

	if (url == NULL || ip_parse(addr, &want) < 0)
		return ASY_E_INPUT;
	if (strncasecmp(url, "http://", 7) == 0) {
		t = 0;
		p = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		t = 1;
		p = url + 8;
	} else
		return ASY_E_INPUT;
	h = p;
	if (*h == '[') {
		he = strchr(h, ']');
		if (he == NULL)
			return ASY_E_INPUT;
		h++;
		p = he + 1;
	} else {
		he = h + strcspn(h, ":/?#");
		p = he;
	}
	if (he == h || (size_t)(he - h) >= sizeof(host))
		return 0;	/* a long name is no address of ours */
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	pn = t ? 443 : 80;
	if (*p == ':') {
		char num[8];
		size_t l = strspn(p + 1, "0123456789");

		if (l == 0 || l >= sizeof(num))
			return ASY_E_INPUT;
		memcpy(num, p + 1, l);
		num[l] = '\0';
		if (asy_parse_ulong(num, &pn) < 0 || pn == 0 || pn > 65535)
			return ASY_E_INPUT;
		p += 1 + l;
	}
	if (*p != '\0' && *p != '/')
		return ASY_E_INPUT;
	for (const char *c = p; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return ASY_E_INPUT;
	if (ip_parse(host, &have) < 0 || have.af != want.af ||
	    memcmp(have.a, want.a, 16) != 0)
		return 0;
	if (strlen(*p ? p : "/") >= path_len)
		return ASY_E_INPUT;
	snprintf(path, path_len, "%s", *p ? p : "/");
	*port = (unsigned)pn;
	*tls = t;
	return 1;
}

/* ---- the device description ------------------------------------------------ */

static const char *const desc_fields[] = {
	"friendlyName", "manufacturer", "modelName", "modelNumber",
	"serialNumber", "UDN", "presentationURL",
};

/* "uuid:xxxxxxxx-xxxx-1xxx-xxxx-xxxxxxxxxxxx": a version-1 UUID, whose
 * last 12 digits are the MAC address (RFC 4122 4.1.6).  1 and mac. */
static int
udn_mac(const char *udn, char mac[18])
{
	const char *u = udn;

	if (strncasecmp(u, "uuid:", 5) == 0)
		u += 5;
	if (strlen(u) < 36)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : strchr("0123456789abcdefABCDEF",
		    u[i]) == NULL || u[i] == '\0')
			return 0;
	}
	if (u[14] != '1')
		return 0;
	for (size_t i = 0; i < 6; i++) {
		mac[i * 3] = u[24 + i * 2];
		mac[i * 3 + 1] = u[25 + i * 2];
		mac[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	return 1;
}

static int
desc_walk(const struct asy_xnode *n, unsigned depth, struct asy_buf *out,
    size_t *lines)
{
	int r = 0;

	if (depth > 16)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(desc_fields); i++) {
		char *v, mac[18];

		if (*lines >= MAX_FIELDS || strcmp(n->name, desc_fields[i]) ||
		    n->text[0] == '\0')
			continue;
		v = asy_printable(n->text, strlen(n->text), MAX_FIELD);
		if (v == NULL)
			return ASY_E_NOMEM;
		r = asy_buf_printf(out, "%s: %s\n", n->name, v);
		(*lines)++;
		if (r == 0 && strcmp(n->name, "UDN") == 0 &&
		    udn_mac(v, mac) && *lines < MAX_FIELDS) {
			r = asy_buf_printf(out, "MAC address in the UDN: %s\n",
			    mac);
			(*lines)++;
		}
		free(v);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n->n_children && r == 0; i++)
		r = desc_walk(&n->children[i], depth + 1, out, lines);
	return r;
}

int
asy_upnp_desc_parse(const char *xml, size_t len, size_t max,
    struct asy_buf *out, char *why, size_t why_len)
{
	struct asy_xdoc *doc = NULL;
	struct asy_diags d;
	size_t lines = 0;
	int r;

	asy_diags_init(&d);
	r = asy_xml_parse_mem(xml, len, "description", max, &d, &doc);
	if (r < 0) {
		if (d.n > 0)
			asy_why(why, why_len, "%s", d.v[0].msg);
		else
			asy_why(why, why_len, "%s", asy_strerror(r));
		goto out;
	}
	r = desc_walk(asy_xdoc_root(doc), 0, out, &lines);
out:
	asy_xdoc_free(doc);
	asy_diags_release(&d);
	return r;
}

/* ---- UDP exchanges ----------------------------------------------------------- */

struct dgrams {
	struct asy_buf	 d[MAX_DGRAMS];
	size_t		 n;
	size_t		 cut;		/* datagrams over the cap */
	int		 refused;	/* ICMP port unreachable */
};

static void
dgrams_release(struct dgrams *g)
{
	for (size_t i = 0; i < g->n; i++)
		asy_buf_release(&g->d[i]);
	g->n = 0;
}

/* A nonblocking UDP socket connected to addr port: the kernel drops
 * datagrams from anyone else. */
static int
udp_connect(const char *addr, unsigned port, int *out)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	struct ipaddr ip;
	int fd, r;

	if (ip_parse(addr, &ip) < 0 || port == 0 || port > 65535)
		return ASY_E_INPUT;
	fd = socket(ip.af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ASY_E_IO;
	if (ip.af == AF_INET) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons((uint16_t)port);
		memcpy(&s4.sin_addr, ip.a, 4);
		r = connect(fd, (struct sockaddr *)&s4, sizeof(s4));
	} else {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons((uint16_t)port);
		memcpy(&s6.sin6_addr, ip.a, 16);
		r = connect(fd, (struct sockaddr *)&s6, sizeof(s6));
	}
	if (r < 0) {
		close(fd);
		return ASY_E_IO;
	}
	*out = fd;
	return 0;
}

/*
 * Send req (once more halfway through when nothing came) and read
 * datagrams until timeout_ms, or until quiet_ms pass without one after
 * the first.  Datagrams over ASY_ANN_MAX_DGRAM are counted, not kept.
 */
static int
exchange(const char *addr, unsigned port, const struct asy_buf *req,
    unsigned long timeout_ms, long long quiet_ms, struct dgrams *g)
{
	unsigned char *buf = NULL;
	long long start = asy_now_ms(), deadline, resend, last = 0;
	int fd = -1, sent = 0, r;

	buf = malloc(ASY_ANN_MAX_DGRAM + 1);
	if (buf == NULL)
		return ASY_E_NOMEM;
	r = udp_connect(addr, port, &fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	deadline = start + (long long)timeout_ms;
	resend = start + (long long)timeout_ms / 2;
	for (;;) {
		long long now = asy_now_ms(), until;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sent == 0 || (sent == 1 && g->n == 0 && now >= resend)) {
			n = send(fd, req->data, req->len, 0);
			if (n < 0 && errno == ECONNREFUSED) {
				g->refused = 1;
				break;
			}
			sent++;
		}
		if (g->n + g->cut >= MAX_DGRAMS || now >= deadline ||
		    (last > 0 && now - last >= quiet_ms))
			break;
		until = deadline;
		if (sent == 1 && g->n == 0 && resend < until)
			until = resend;
		if (last > 0 && last + quiet_ms < until)
			until = last + quiet_ms;
		if (poll(&pfd, 1, until > now ? (int)(until - now) : 0) <= 0)
			continue;
		n = recv(fd, buf, ASY_ANN_MAX_DGRAM + 1, 0);
		if (n < 0) {
			if (errno == ECONNREFUSED && g->n == 0) {
				g->refused = 1;
				break;
			}
			continue;
		}
		last = asy_now_ms();
		if ((size_t)n > ASY_ANN_MAX_DGRAM) {
			g->cut++;
			continue;
		}
		asy_buf_init(&g->d[g->n], ASY_ANN_MAX_DGRAM + 1);
		if (asy_buf_add(&g->d[g->n], buf, (size_t)n) < 0 ||
		    g->d[g->n].data == NULL) {
			asy_buf_release(&g->d[g->n]);
			if (n > 0) {
				r = ASY_E_NOMEM;
				break;
			}
			continue;	/* an empty datagram */
		}
		g->n++;
	}
	close(fd);
	free(buf);
	return r < 0 ? r : 0;
}

/* ---- collection ------------------------------------------------------------ */

static int
add_item(struct asy_announce *a, const char *source, const char *text,
    size_t len)
{
	struct asy_ann_item *it;
	char *s, *t;

	s = asy_strdup(source);
	t = asy_strndup(text, len);
	if (s == NULL || t == NULL) {
		free(s);
		free(t);
		return ASY_E_NOMEM;
	}
	it = asy_array_add(&a->items, &a->n_items, &a->cap_items,
	    sizeof(*a->items));
	if (it == NULL) {
		free(s);
		free(t);
		return ASY_E_NOMEM;
	}
	it->source = s;
	it->text = t;
	it->len = len;
	return 0;
}

/* Raw bytes for the transcript: printable, capped. */
static void
log_raw(struct asy_buf *log, const char *what, const char *p, size_t len)
{
	char *s = asy_printable(p, len, 4096);

	(void)asy_buf_printf(log, "%s (%zu bytes): %s\n", what, len,
	    s ? s : "(out of memory)");
	free(s);
}

static const char *
type_name(unsigned t)
{
	static const struct { unsigned t; const char *n; } names[] = {
		{ ASY_DNS_A, "A" }, { ASY_DNS_PTR, "PTR" },
		{ ASY_DNS_TXT, "TXT" }, { ASY_DNS_AAAA, "AAAA" },
		{ ASY_DNS_SRV, "SRV" },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++)
		if (names[i].t == t)
			return names[i].n;
	return "other";
}

/* Every record mDNS gave, across answers. */
struct mdns_state {
	struct asy_dns_rr *rr;
	size_t		 n, cap;
	size_t		 max;
};

static int
mdns_keep(struct mdns_state *st, struct asy_dns_msg *m, struct asy_buf *log)
{
	for (size_t i = 0; i < m->n_rr; i++) {
		struct asy_dns_rr *rr = &m->rr[i], *k;
		int dup = 0;

		for (size_t j = 0; j < st->n && !dup; j++)
			dup = st->rr[j].type == rr->type &&
			    name_eq(&st->rr[j].name, &rr->name) &&
			    name_eq(&st->rr[j].target, &rr->target) &&
			    ((st->rr[j].text == NULL && rr->text == NULL) ||
			    (st->rr[j].text && rr->text &&
			    strcmp(st->rr[j].text, rr->text) == 0));
		if (rr->type == ASY_DNS_SRV)
			(void)asy_buf_printf(log, "  SRV %s -> %s port %u\n",
			    rr->name.text, rr->target.text, rr->port);
		else if (rr->type == ASY_DNS_PTR)
			(void)asy_buf_printf(log, "  PTR %s -> %s\n",
			    rr->name.text, rr->target.text);
		else {
			(void)asy_buf_printf(log, "  %s %s%s",
			    type_name(rr->type), rr->name.text,
			    rr->text ? ":" : "");
			/* TXT strings on one line, each quoted. */
			for (const char *t = rr->text; t != NULL && *t; ) {
				size_t l = strcspn(t, "\n");

				(void)asy_buf_printf(log, " \"%.*s\"", (int)l,
				    t);
				t += l + (t[l] == '\n');
			}
			(void)asy_buf_putc(log, '\n');
		}
		if (dup || st->n >= st->max)
			continue;
		k = asy_array_add(&st->rr, &st->n, &st->cap, sizeof(*st->rr));
		if (k == NULL)
			return ASY_E_NOMEM;
		*k = *rr;
		rr->text = NULL;	/* handed over */
	}
	return 0;
}

static unsigned
new_id(void)
{
	uint16_t u = 0;

	if (getrandom(&u, sizeof(u), GRND_NONBLOCK) != (ssize_t)sizeof(u))
		u = (uint16_t)asy_now_ms();
	return u == 0 ? 1 : u;
}

/* One mDNS question (or two) and its answers into st. */
static int
mdns_ask(const struct asy_announce_opts *o, struct asy_announce *a,
    struct mdns_state *st, const struct asy_dns_name *name,
    const unsigned *types, size_t n_types)
{
	struct dgrams g;
	struct asy_buf q;
	unsigned id = new_id();
	char why[200];
	int r;

	memset(&g, 0, sizeof(g));
	asy_buf_init(&q, 600);
	r = asy_dns_query(&q, id, name, types, n_types, 0);
	if (r < 0)
		goto out;
	(void)asy_buf_printf(&a->log, "mDNS query to %s udp/%u: %s %s%s\n",
	    o->addr, o->mdns_port, type_name(types[0]), name->text,
	    n_types > 1 ? " (and TXT)" : "");
	r = exchange(o->addr, o->mdns_port, &q, o->timeout_ms, MDNS_QUIET_MS,
	    &g);
	if (r < 0)
		goto out;
	if (g.n == 0)
		(void)asy_buf_printf(&a->log, "  no answer%s\n", g.refused ?
		    " (port unreachable)" : "");
	if (g.cut > 0)
		(void)asy_buf_printf(&a->log, "  %zu answers over %d bytes "
		    "left out\n", g.cut, ASY_ANN_MAX_DGRAM);
	for (size_t i = 0; i < g.n; i++) {
		struct asy_dns_msg m;

		log_raw(&a->log, "  answer", g.d[i].data, g.d[i].len);
		r = asy_dns_parse(g.d[i].data, g.d[i].len, o->max_rr, &m, why,
		    sizeof(why));
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0) {
			(void)asy_buf_printf(&a->log, "  not a DNS message: "
			    "%s\n", why);
			r = 0;
			continue;
		}
		if (!(m.flags & 0x8000) || (m.id != id && m.id != 0)) {
			(void)asy_buf_printf(&a->log, "  not an answer to this "
			    "query (id %u, flags 0x%04x)\n", m.id, m.flags);
			asy_dns_msg_release(&m);
			continue;
		}
		a->mdns = 1;
		if (m.cut)
			(void)asy_buf_printf(&a->log, "  more than %zu records; "
			    "the rest left out\n", o->max_rr);
		r = mdns_keep(st, &m, &a->log);
		asy_dns_msg_release(&m);
		if (r < 0)
			goto out;
	}
out:
	dgrams_release(&g);
	asy_buf_release(&q);
	return r;
}

/* The targets of PTR records owned by name, not yet in list (at most
 * max in list). */
static void
ptr_targets(const struct mdns_state *st, const struct asy_dns_name *name,
    struct asy_dns_name *list, size_t *n, size_t max)
{
	for (size_t i = 0; i < st->n && *n < max; i++) {
		int seen = 0;

		if (st->rr[i].type != ASY_DNS_PTR ||
		    !name_eq(&st->rr[i].name, name))
			continue;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = name_eq(&list[j], &st->rr[i].target);
		if (!seen)
			list[(*n)++] = st->rr[i].target;
	}
}

/* The service type of an instance: its name less the first label. */
static void
instance_type(const struct asy_dns_name *inst, char *out, size_t len)
{
	const char *t = inst->text, *p = t;

	while (*p != '\0' && *p != '.')
		p += *p == '\\' ? (p[1] == '.' ? 2 : 1) : 1;
	snprintf(out, len, "%.*s", (int)(len - 1), *p == '.' ? p + 1 : t);
	/* "_http._tcp.local" -> "_http._tcp" */
	len = strlen(out);
	if (len > 6 && strcasecmp(out + len - 6, ".local") == 0)
		out[len - 6] = '\0';
}

static int
mdns_collect(const struct asy_announce_opts *o, struct asy_announce *a)
{
	static const unsigned ptr[] = { ASY_DNS_PTR };
	static const unsigned srvtxt[] = { ASY_DNS_SRV, ASY_DNS_TXT };
	struct asy_dns_name root, *types = NULL, *inst = NULL;
	struct mdns_state st = { .max = 1024 };
	struct asy_buf names;
	size_t n_types = 0, n_inst = 0, max = o->max_services;
	int r;

	asy_buf_init(&names, 65536);
	types = calloc(max, sizeof(*types));
	inst = calloc(max, sizeof(*inst));
	if (types == NULL || inst == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_dns_name_from("_services._dns-sd._udp.local", &root);
	if (r == 0)
		r = mdns_ask(o, a, &st, &root, ptr, 1);
	if (r < 0 || !a->mdns)
		goto out;
	ptr_targets(&st, &root, types, &n_types, max);
	for (size_t i = 0; i < n_types && r == 0; i++) {
		size_t before = n_inst;

		ptr_targets(&st, &types[i], inst, &n_inst, max);
		if (n_inst == before)
			r = mdns_ask(o, a, &st, &types[i], ptr, 1);
		if (r == 0)
			ptr_targets(&st, &types[i], inst, &n_inst, max);
	}
	for (size_t i = 0; i < n_inst && r == 0; i++) {
		int srv = 0, txt = 0;

		for (size_t j = 0; j < st.n; j++) {
			if (!name_eq(&st.rr[j].name, &inst[i]))
				continue;
			srv |= st.rr[j].type == ASY_DNS_SRV;
			txt |= st.rr[j].type == ASY_DNS_TXT;
		}
		if (!srv || !txt)
			r = mdns_ask(o, a, &st, &inst[i], srvtxt, 2);
	}
	if (r < 0)
		goto out;
	a->n_instances = n_inst;
	/* What to search: each TXT record, and every name the device gave. */
	for (size_t j = 0; j < st.n && r == 0; j++) {
		const struct asy_dns_rr *rr = &st.rr[j];
		char type[256], *src;

		if (rr->type == ASY_DNS_TXT && rr->text != NULL &&
		    rr->text[0] != '\0') {
			instance_type(&rr->name, type, sizeof(type));
			src = asy_strdup_printf("mDNS %s TXT of \"%.160s\" "
			    "(udp/%u)", type, rr->name.text, o->mdns_port);
			r = src ? add_item(a, src, rr->text, strlen(rr->text)) :
			    ASY_E_NOMEM;
			free(src);
		}
		if (r == 0)
			(void)asy_buf_printf(&names, "%s\n", rr->name.text);
		if (r == 0 && (rr->type == ASY_DNS_PTR ||
		    rr->type == ASY_DNS_SRV))
			(void)asy_buf_printf(&names, "%s\n", rr->target.text);
	}
	if (r == 0 && names.data != NULL) {
		char *src = asy_strdup_printf("mDNS names (udp/%u)",
		    o->mdns_port);

		r = src ? add_item(a, src, names.data, names.len) :
		    ASY_E_NOMEM;
		free(src);
	}
out:
	for (size_t j = 0; j < st.n; j++)
		free(st.rr[j].text);
	free(st.rr);
	free(types);
	free(inst);
	asy_buf_release(&names);
	return r;
}

/* The value of header name in an SSDP answer (its first line excluded),
 * at most len - 1 bytes; 1 found, 0 not. */
static int
ssdp_header(const char *p, size_t len, const char *name, char *out,
    size_t out_len)
{
	size_t i = 0, nl = strlen(name);

	while (i < len && p[i] != '\n')
		i++;
	while (i < len) {
		size_t s = ++i, e, v;

		while (i < len && p[i] != '\n')
			i++;
		e = i;
		if (e > s && p[e - 1] == '\r')
			e--;
		if (e - s <= nl || p[s + nl] != ':' ||
		    strncasecmp(p + s, name, nl) != 0)
			continue;
		v = s + nl + 1;
		while (v < e && (p[v] == ' ' || p[v] == '\t'))
			v++;
		while (e > v && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e - v >= out_len)
			return 0;
		memcpy(out, p + v, e - v);
		out[e - v] = '\0';
		return memchr(out, '\0', e - v) == NULL;
	}
	return 0;
}

static int
ssdp_fetch(const struct asy_announce_opts *o, struct asy_announce *a,
    const char *loc, const char *loc_text)
{
	struct asy_http_opts ho = { 0 };
	struct asy_http_resp resp;
	struct asy_http *h = NULL;
	struct asy_buf fields;
	char path[512], why[256], *src = NULL;
	unsigned port;
	int tls, r;

	memset(&resp, 0, sizeof(resp));
	asy_buf_init(&fields, 32768);
	r = asy_url_on_host(loc, o->addr, &port, &tls, path, sizeof(path));
	if (r <= 0) {
		(void)asy_buf_printf(&a->log, "  LOCATION %s: not fetched: "
		    "%s\n", loc_text, r == 0 ? "it names another host than "
		    "the DUT's address" : "not an http(s) URL assay fetches");
		r = 0;
		goto out;
	}
	ho.addr = o->addr;
	ho.port = port;
	ho.tls = tls;
	ho.timeout_ms = o->timeout_ms;
	ho.max_body = o->max_desc;
	r = asy_http_new(&ho, &h);
	if (r < 0)
		goto out;
	r = asy_http_request(h, "GET", path, ASY_HTTP_AUTH_NONE, NULL, NULL,
	    NULL, NULL, 0, &resp, why, sizeof(why));
	if (r < 0) {
		(void)asy_buf_printf(&a->log, "  GET %s: %s\n", loc_text, why);
		r = 0;
		goto out;
	}
	(void)asy_buf_printf(&a->log, "  GET %s: %ld\n", loc_text,
	    resp.status);
	log_raw(&a->log, "  description", resp.body.data, resp.body.len);
	if (resp.status < 200 || resp.status > 299)
		goto out;
	if (resp.body_cut) {
		(void)asy_buf_printf(&a->log, "  the description is longer "
		    "than %zu bytes; not parsed\n", o->max_desc);
		goto out;
	}
	r = asy_upnp_desc_parse(resp.body.data, resp.body.len, o->max_desc,
	    &fields, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		char *w = asy_printable(why, strlen(why), 256);

		(void)asy_buf_printf(&a->log, "  not a description: %s\n",
		    w ? w : "");
		free(w);
		r = 0;
		goto out;
	}
	a->n_desc++;
	(void)asy_buf_printf(&a->log, "  fields:\n%s", fields.data ?
	    fields.data : "  (none)\n");
	if (fields.data == NULL)
		goto out;
	src = asy_strdup_printf("UPnP description %s", loc_text);
	r = src ? add_item(a, src, fields.data, fields.len) : ASY_E_NOMEM;
out:
	free(src);
	asy_http_resp_release(&resp);
	asy_http_free(h);
	asy_buf_release(&fields);
	return r;
}

static int
ssdp_collect(const struct asy_announce_opts *o, struct asy_announce *a)
{
	char locs[8][512], loc[512], server[512];
	struct asy_buf q;
	struct dgrams g;
	size_t n_locs = 0;
	int r, v6 = strchr(o->addr, ':') != NULL;

	memset(&g, 0, sizeof(g));
	asy_buf_init(&q, 512);
	r = asy_buf_printf(&q, "M-SEARCH * HTTP/1.1\r\nHOST: %s%s%s:%u\r\n"
	    "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n",
	    v6 ? "[" : "", o->addr, v6 ? "]" : "", o->ssdp_port);
	if (r < 0)
		goto out;
	(void)asy_buf_printf(&a->log, "SSDP M-SEARCH ssdp:all to %s udp/%u\n",
	    o->addr, o->ssdp_port);
	r = exchange(o->addr, o->ssdp_port, &q, o->timeout_ms,
	    SSDP_QUIET_MS, &g);
	if (r < 0)
		goto out;
	if (g.n == 0)
		(void)asy_buf_printf(&a->log, "  no answer%s\n", g.refused ?
		    " (port unreachable)" : "");
	if (g.cut > 0)
		(void)asy_buf_printf(&a->log, "  %zu answers over %d bytes "
		    "left out\n", g.cut, ASY_ANN_MAX_DGRAM);
	for (size_t i = 0; i < g.n && r == 0; i++) {
		const char *d = g.d[i].data;
		size_t len = g.d[i].len;
		char *src;
		int seen = 0;

		log_raw(&a->log, "  answer", d, len);
		if (len < 12 || (strncmp(d, "HTTP/1.1 200", 12) != 0 &&
		    strncmp(d, "HTTP/1.0 200", 12) != 0)) {
			(void)asy_buf_puts(&a->log, "  not an SSDP answer\n");
			continue;
		}
		a->ssdp = 1;
		src = asy_strdup_printf("UPnP SSDP answer (udp/%u)",
		    o->ssdp_port);
		r = src ? add_item(a, src, d, len) : ASY_E_NOMEM;
		free(src);
		if (r == 0 && ssdp_header(d, len, "SERVER", server,
		    sizeof(server)))
			(void)asy_buf_printf(&a->log, "  SERVER: %s\n", server);
		if (r < 0 || !ssdp_header(d, len, "LOCATION", loc,
		    sizeof(loc)))
			continue;
		for (size_t k = 0; k < n_locs && !seen; k++)
			seen = strcmp(locs[k], loc) == 0;
		if (!seen && n_locs < ASY_ELEMENTSOF(locs))
			snprintf(locs[n_locs++], sizeof(locs[0]), "%s", loc);
	}
	for (size_t k = 0; k < n_locs && r == 0; k++) {
		char *t = asy_printable(locs[k], strlen(locs[k]), 200);

		if (t == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		if (k >= o->max_locations)
			(void)asy_buf_printf(&a->log, "  LOCATION %s: not "
			    "fetched: more than %zu locations\n", t,
			    o->max_locations);
		else
			r = ssdp_fetch(o, a, locs[k], t);
		free(t);
	}
out:
	dgrams_release(&g);
	asy_buf_release(&q);
	return r;
}

int
asy_announce_collect(const struct asy_announce_opts *in,
    struct asy_announce *out)
{
	struct asy_announce_opts o = *in;
	struct asy_announce a;
	int r;

	memset(&a, 0, sizeof(a));
	asy_buf_init(&a.log, MAX_LOG);
	if (!asy_announce_addr_ok(o.addr)) {
		r = ASY_E_INPUT;
		goto out;
	}
	if (o.mdns_port == 0)
		o.mdns_port = 5353;
	if (o.ssdp_port == 0)
		o.ssdp_port = 1900;
	if (o.timeout_ms == 0)
		o.timeout_ms = 2000;
	if (o.max_services == 0)
		o.max_services = 16;
	if (o.max_rr == 0)
		o.max_rr = 64;
	if (o.max_locations == 0)
		o.max_locations = 4;
	if (o.max_desc == 0)
		o.max_desc = 64 << 10;
	r = mdns_collect(&o, &a);
	if (r == 0)
		r = ssdp_collect(&o, &a);
	if (r < 0)
		goto out;
	*out = a;
	memset(&a, 0, sizeof(a));
out:
	asy_announce_release(&a);
	return r;
}

void
asy_announce_release(struct asy_announce *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_items; i++) {
		free(a->items[i].source);
		free(a->items[i].text);
	}
	free(a->items);
	asy_buf_release(&a->log);
	memset(a, 0, sizeof(a[0]));
}
