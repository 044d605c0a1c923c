/*
 * Unit tests of announce.c: the DNS message parser on crafted, truncated
 * and hostile packets (the bench's prepared answer among them), queries,
 * URLs and addresses, the UPnP description parser, and the whole
 * collection against fake mDNS and SSDP responders and an HTTP server on
 * loopback (hostile answers included: looping names, huge datagrams, a
 * LOCATION on another host).
 */
#include <pthread.h>

#include "announce.h"
#include "disclose.h"
#include "fakesrv.h"
#include "ut.h"

/* The bench's prepared mDNS answer (tests/bench/weak/mdns-answer.hex). */
static void
load_hex(const char *rel, struct asy_buf *out)
{
	struct asy_buf b;
	char *path = ut_src(rel);
	int hi = -1, comment = 0;

	ut_load(path, &b);
	free(path);
	asy_buf_init(out, 65536);
	for (size_t i = 0; i < b.len; i++) {
		int c = (unsigned char)b.data[i], v;

		if (c == '\n')
			comment = 0;
		if (c == '#')
			comment = 1;
		if (comment || strchr("0123456789abcdef", c) == NULL || c == 0)
			continue;
		v = c <= '9' ? c - '0' : c - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_int_eq(asy_buf_putc(out, (char)(hi << 4 | v)), 0);
		hi = -1;
	}
	ck_assert_int_eq(hi, -1);
	asy_buf_release(&b);
}

static const struct asy_dns_rr *
find_rr(const struct asy_dns_msg *m, unsigned type)
{
	for (size_t i = 0; i < m->n_rr; i++)
		if (m->rr[i].type == type)
			return &m->rr[i];
	return NULL;
}

START_TEST(test_bench_answer)
{
	struct asy_dns_msg m;
	const struct asy_dns_rr *rr;
	struct asy_buf p;
	char why[200];

	load_hex("tests/bench/weak/mdns-answer.hex", &p);
	ck_assert_int_eq(asy_dns_parse(p.data, p.len, 0, &m, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(m.n_rr, 5);
	ck_assert_uint_eq(m.flags & 0x8000, 0x8000);
	ck_assert_str_eq(m.rr[0].name.text, "_services._dns-sd._udp.local");
	ck_assert_str_eq(m.rr[0].target.text, "_http._tcp.local");
	ck_assert_str_eq(m.rr[1].target.text, "LC20 Camera._http._tcp.local");
	rr = find_rr(&m, ASY_DNS_SRV);
	ck_assert_ptr_nonnull(rr);
	ck_assert_uint_eq(rr->port, 80);
	ck_assert_uint_eq(rr->rclass, 1);
	ck_assert_str_eq(rr->target.text, "lc20-cam.local");
	rr = find_rr(&m, ASY_DNS_TXT);
	ck_assert_ptr_nonnull(rr);
	ck_assert_ptr_nonnull(strstr(rr->text, "\nserial=LC20-2291-0007\n"));
	rr = find_rr(&m, ASY_DNS_A);
	ck_assert_str_eq(rr->text, "198.18.1.2");
	asy_dns_msg_release(&m);

	/* Every truncation is refused, never read past. */
	for (size_t len = 0; len < p.len; len++) {
		int r = asy_dns_parse(p.data, len, 0, &m, why, sizeof(why));

		ck_assert_msg(r == ASY_E_PROTO, "length %zu: %d", len, r);
	}
	/* At most max_rr records are kept. */
	ck_assert_int_eq(asy_dns_parse(p.data, p.len, 2, &m, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(m.n_rr, 2);
	ck_assert_int_eq(m.cut, 1);
	asy_dns_msg_release(&m);
	asy_buf_release(&p);
}
END_TEST

/* Crafted packets: header, then bytes. */
static const struct {
	const char	*name;
	const char	*pkt;
	size_t		 len;
	int		 want;		/* 0 or the error */
	const char	*why;		/* in the reason */
	const char	*text;		/* the first record's name */
} crafted[] = {
	{ "pointer to itself",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\xc0\x0c" "\0\1\0\1\0\0\0\0\0\0",
	  24, ASY_E_PROTO, "not back", NULL },
	{ "pointer forward",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\xc0\x0e" "\0\1\0\1\0\0\0\0\0\0",
	  24, ASY_E_PROTO, "not back", NULL },
	{ "two pointers in a loop",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\1a\xc0\x0c" "\xc0\x0c"
	  "\0\1\0\1\0\0\0\0\0\0", 28, ASY_E_PROTO, "not back", NULL },
	{ "counts the packet cannot hold",
	  "\0\0\x84\0\0\0\xff\xff\0\0\0\0" "\0\0\1\0\1\0\0\0\0\0\0", 23,
	  ASY_E_PROTO, "more than", NULL },
	{ "data past the end",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\0\0\x10\0\1\0\0\0\0\0\x20\3abc",
	  27, ASY_E_PROTO, "bytes of data", NULL },
	{ "TXT string past its record",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\0\0\x10\0\1\0\0\0\0\0\4\5abc",
	  27, ASY_E_PROTO, "TXT", NULL },
	{ "label type 0x40",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\x41" "\0\1\0\1\0\0\0\0\0\0", 23,
	  ASY_E_PROTO, "label type", NULL },
	{ "A of 3 bytes",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\0\0\1\0\1\0\0\0\0\0\3\1\2\3", 26,
	  ASY_E_PROTO, "address record", NULL },
	{ "PTR name filling its record",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\0\0\x0c\0\1\0\0\0\0\0\3\1a\0", 26,
	  0, NULL, "" },
	{ "PTR name longer than its record",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\0\0\x0c\0\1\0\0\0\0\0\2\1a\0", 26,
	  ASY_E_PROTO, "past the end", NULL },
	{ "escaped label",
	  "\0\0\x84\0\0\0\0\1\0\0\0\0" "\4a.\x01\\\0" "\0\x63\0\1\0\0\0\0\0\0",
	  28, 0, NULL, "a\\.\\x01\\x5c" },
};

START_TEST(test_crafted)
{
	struct asy_dns_msg m;
	char why[200] = "";
	int r;

	r = asy_dns_parse(crafted[_i].pkt, crafted[_i].len, 0, &m, why,
	    sizeof(why));
	ck_assert_msg(r == crafted[_i].want, "%s: %d (%s)", crafted[_i].name,
	    r, why);
	if (r < 0) {
		ck_assert_msg(strstr(why, crafted[_i].why) != NULL, "%s: %s",
		    crafted[_i].name, why);
		return;
	}
	ck_assert_uint_eq(m.n_rr, 1);
	ck_assert_str_eq(m.rr[0].name.text, crafted[_i].text);
	asy_dns_msg_release(&m);
}
END_TEST

START_TEST(test_long_name)
{
	unsigned char p[600];
	struct asy_dns_msg m;
	size_t n = 12;
	char why[200];

	/* Five labels of 63 bytes: 320 bytes, over 255. */
	memset(p, 0, sizeof(p));
	p[7] = 1;
	for (int i = 0; i < 5; i++) {
		p[n++] = 63;
		memset(p + n, 'a', 63);
		n += 63;
	}
	p[n++] = 0;
	p[n + 1] = 1;
	p[n + 3] = 1;
	n += 10;
	ck_assert_int_eq(asy_dns_parse(p, n, 0, &m, why, sizeof(why)),
	    ASY_E_PROTO);
	ck_assert_ptr_nonnull(strstr(why, "longer than 255"));
	ck_assert_int_eq(asy_dns_parse(p, ASY_ANN_MAX_DGRAM + 1, 0, &m, why,
	    sizeof(why)), ASY_E_TOOBIG);
}
END_TEST

START_TEST(test_query)
{
	static const unsigned t[] = { ASY_DNS_SRV, ASY_DNS_TXT };
	struct asy_dns_name n;
	struct asy_dns_msg m;
	struct asy_buf q;
	char why[200];

	ck_assert_int_eq(asy_dns_name_from("_http._tcp.local", &n), 0);
	ck_assert_uint_eq(n.len, 18);
	ck_assert_str_eq(n.text, "_http._tcp.local");
	ck_assert_int_eq(asy_dns_name_from("a..b", &n), ASY_E_INPUT);
	ck_assert_int_eq(asy_dns_name_from("", &n), ASY_E_INPUT);
	ck_assert_int_eq(asy_dns_name_from("local.", &n), 0);
	ck_assert_str_eq(n.text, "local");
	asy_dns_name_from("_http._tcp.local", &n);
	asy_buf_init(&q, 1024);
	ck_assert_int_eq(asy_dns_query(&q, 0x1234, &n, t, 2, 1), 0);
	ck_assert_uint_eq(q.len, 12 + 2 * (18 + 4));
	ck_assert_int_eq((unsigned char)q.data[0], 0x12);
	ck_assert_int_eq((unsigned char)q.data[12 + 18 + 2], 0x80);
	ck_assert_int_eq(asy_dns_parse(q.data, q.len, 0, &m, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(m.n_questions, 2);
	ck_assert_uint_eq(m.n_rr, 0);
	asy_dns_msg_release(&m);
	asy_buf_release(&q);
}
END_TEST

static const struct {
	const char	*url, *addr;
	int		 want;
	unsigned	 port;
	int		 tls;
	const char	*path;
} urls[] = {
	{ "http://198.18.1.2/upnp/desc.xml", "198.18.1.2", 1, 80, 0,
	  "/upnp/desc.xml" },
	{ "HTTP://198.18.1.2:49152", "198.18.1.2", 1, 49152, 0, "/" },
	{ "https://[fd00:a55a:1::2]:8443/d.xml", "fd00:a55a:1::2", 1, 8443,
	  1, "/d.xml" },
	{ "http://198.18.1.3/desc.xml", "198.18.1.2", 0, 0, 0, NULL },
	{ "http://192.0.2.1/desc.xml", "198.18.1.2", 0, 0, 0, NULL },
	{ "http://lc20.local/desc.xml", "198.18.1.2", 0, 0, 0, NULL },
	{ "http://198.18.1.2.evil.example/", "198.18.1.2", 0, 0, 0, NULL },
	{ "http://198.18.1.2@192.0.2.1/", "198.18.1.2", 0, 0, 0, NULL },
	{ "ftp://198.18.1.2/desc.xml", "198.18.1.2", ASY_E_INPUT, 0, 0, NULL },
	{ "http://198.18.1.2:0/", "198.18.1.2", ASY_E_INPUT, 0, 0, NULL },
	{ "http://198.18.1.2:99999/", "198.18.1.2", ASY_E_INPUT, 0, 0, NULL },
	{ "http://198.18.1.2/a b", "198.18.1.2", ASY_E_INPUT, 0, 0, NULL },
	{ "http://198.18.1.2/a\r\nX: y", "198.18.1.2", ASY_E_INPUT, 0, 0,
	  NULL },
};

START_TEST(test_urls)
{
	char path[64] = "";
	unsigned port = 0;
	int tls = -1, r;

	r = asy_url_on_host(urls[_i].url, urls[_i].addr, &port, &tls, path,
	    sizeof(path));
	ck_assert_msg(r == urls[_i].want, "%s: %d", urls[_i].url, r);
	if (r != 1)
		return;
	ck_assert_uint_eq(port, urls[_i].port);
	ck_assert_int_eq(tls, urls[_i].tls);
	ck_assert_str_eq(path, urls[_i].path);
}
END_TEST

START_TEST(test_addr_ok)
{
	ck_assert_int_eq(asy_announce_addr_ok("198.18.1.2"), 1);
	ck_assert_int_eq(asy_announce_addr_ok("198.19.255.1"), 1);
	ck_assert_int_eq(asy_announce_addr_ok("127.0.0.1"), 1);
	ck_assert_int_eq(asy_announce_addr_ok("::1"), 1);
	ck_assert_int_eq(asy_announce_addr_ok("fd00:a55a:1::2"), 1);
	ck_assert_int_eq(asy_announce_addr_ok("198.20.0.1"), 0);
	ck_assert_int_eq(asy_announce_addr_ok("224.0.0.251"), 0);
	ck_assert_int_eq(asy_announce_addr_ok("239.255.255.250"), 0);
	ck_assert_int_eq(asy_announce_addr_ok("ff02::fb"), 0);
	ck_assert_int_eq(asy_announce_addr_ok("192.168.1.1"), 0);
	ck_assert_int_eq(asy_announce_addr_ok("lc20.local"), 0);
	ck_assert_int_eq(asy_announce_addr_ok(NULL), 0);
}
END_TEST

static const char desc_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
    "<friendlyName>LC20 Camera</friendlyName>"
    "<serialNumber>LC20-2291-0007</serialNumber>"
    "<UDN>uuid:4c433230-1dd2-11b2-8000-02a55a010002</UDN>"
    "<deviceList><device><modelName>sub&quot;unit</modelName>"
    "<UDN>uuid:12345678-1234-4234-8234-0123456789ab</UDN>"
    "</device></deviceList></device></root>";

START_TEST(test_desc)
{
	static const char *const bad[] = {
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"serial\">]>"
		"<root><device><serialNumber>&x;</serialNumber></device>"
		"</root>",
		"<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM "
		"\"http://192.0.2.1/x.dtd\"><root/>",
		"not xml at all",
		"<root><device>",
	};
	struct asy_buf out;
	struct asy_buf f;
	char why[300];
	char *path;

	asy_buf_init(&out, 65536);
	ck_assert_int_eq(asy_upnp_desc_parse(desc_xml, strlen(desc_xml),
	    65536, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(out.data, "friendlyName: LC20 Camera\n"
	    "serialNumber: LC20-2291-0007\n"
	    "UDN: uuid:4c433230-1dd2-11b2-8000-02a55a010002\n"
	    "MAC address in the UDN: 02:a5:5a:01:00:02\n"
	    "modelName: sub\\x22unit\n"
	    "UDN: uuid:12345678-1234-4234-8234-0123456789ab\n");
	asy_buf_reset(&out);
	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++) {
		ck_assert_int_eq(asy_upnp_desc_parse(bad[i], strlen(bad[i]),
		    65536, &out, why, sizeof(why)), ASY_E_INPUT);
		ck_assert_uint_eq(out.len, 0);
	}
	/* Over the cap. */
	ck_assert_int_eq(asy_upnp_desc_parse(desc_xml, strlen(desc_xml), 64,
	    &out, why, sizeof(why)), ASY_E_INPUT);
	/* The bench's description. */
	path = ut_src("tests/bench/weak/www/upnp/desc.xml");
	ut_load(path, &f);
	ck_assert_int_eq(asy_upnp_desc_parse(f.data, f.len, 65536, &out, why,
	    sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(out.data,
	    "serialNumber: LC20-2291-0007\n"));
	ck_assert_ptr_nonnull(strstr(out.data,
	    "MAC address in the UDN: 02:a5:5a:01:00:02\n"));
	free(path);
	asy_buf_release(&f);
	asy_buf_release(&out);
}
END_TEST

/* ---- fake responders on loopback ------------------------------------------ */

struct udpfake {
	int		 fd;
	int		 stop[2];
	unsigned	 port;
	pthread_t	 th;
	const char	*ans[3];	/* sent, in order, to each query */
	size_t		 len[3];
	size_t		 n_ans;
	size_t		 queries;
	size_t		 bad_queries;	/* not DNS, for an mDNS fake */
	int		 dns;
};

static void *
udpfake_main(void *arg)
{
	struct udpfake *u = arg;
	unsigned char buf[2048];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = u->fd, .events = POLLIN },
			{ .fd = u->stop[0], .events = POLLIN },
		};
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(p, 2, 10000) <= 0 || (p[1].revents & POLLIN))
			break;
		n = recvfrom(u->fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		u->queries++;
		if (u->dns) {
			struct asy_dns_msg m;

			if (asy_dns_parse(buf, (size_t)n, 0, &m, NULL, 0) < 0 ||
			    m.n_questions == 0 || (m.flags & 0x8000))
				u->bad_queries++;
			asy_dns_msg_release(&m);
		}
		for (size_t i = 0; i < u->n_ans; i++)
			(void)sendto(u->fd, u->ans[i], u->len[i], 0,
			    (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void
udpfake_start(struct udpfake *u)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(u->fd, 0);
	ck_assert_int_eq(bind(u->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(u->fd, (struct sockaddr *)&a, &al), 0);
	u->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(u->stop), 0);
	ck_assert_int_eq(pthread_create(&u->th, NULL, udpfake_main, u), 0);
}

static void
udpfake_stop(struct udpfake *u)
{
	ck_assert_int_eq(write(u->stop[1], "x", 1), 1);
	pthread_join(u->th, NULL);
	close(u->fd);
	close(u->stop[0]);
	close(u->stop[1]);
}

static const struct asy_ann_item *
item_with(const struct asy_announce *a, const char *source_part)
{
	for (size_t i = 0; i < a->n_items; i++)
		if (strstr(a->items[i].source, source_part) != NULL)
			return &a->items[i];
	return NULL;
}

static int
found(const struct asy_disclosures *d, const char *kind, const char *value,
    const char *source_part)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->d[i].kind, kind) == 0 &&
		    strcmp(d->d[i].value, value) == 0 &&
		    strstr(d->d[i].source, source_part) != NULL)
			return 1;
	return 0;
}

START_TEST(test_collect)
{
	struct udpfake md = { .dns = 1 }, sd = { 0 };
	struct asy_announce_opts o = { 0 };
	struct asy_disclosures d = { 0 }, h = { 0 };
	const struct asy_ann_item *it;
	struct asy_announce a;
	struct asy_buf pkt, ssdp, ssdp2, http;
	struct fake web;
	struct fstep steps[1];

	load_hex("tests/bench/weak/mdns-answer.hex", &pkt);
	md.ans[0] = pkt.data;
	md.len[0] = pkt.len;
	md.n_ans = 1;
	udpfake_start(&md);

	asy_buf_init(&http, 8192);
	asy_buf_printf(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    strlen(desc_xml), desc_xml);
	steps[0] = (struct fstep)SENDN(http.data, http.len);
	ck_assert_int_eq(fake_start(&web, "127.0.0.1", steps, 1, 0), 0);

	asy_buf_init(&ssdp, 4096);
	asy_buf_printf(&ssdp, "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800"
	    "\r\nEXT:\r\nLOCATION: http://127.0.0.1:%u/upnp/desc.xml\r\n"
	    "SERVER: Linux/6.1 UPnP/1.0 LC20/1.4.2\r\nST: upnp:rootdevice\r\n"
	    "USN: uuid:4c433230-1dd2-11b2-8000-02a55a010002::upnp:rootdevice"
	    "\r\n\r\n", web.port);
	asy_buf_init(&ssdp2, 4096);
	asy_buf_printf(&ssdp2, "HTTP/1.1 200 OK\r\nLOCATION: "
	    "http://192.0.2.1/evil.xml\r\nST: upnp:rootdevice\r\n\r\n");
	sd.ans[0] = ssdp.data;
	sd.len[0] = ssdp.len;
	sd.ans[1] = ssdp2.data;
	sd.len[1] = ssdp2.len;
	sd.n_ans = 2;
	udpfake_start(&sd);

	o.addr = "127.0.0.1";
	o.mdns_port = md.port;
	o.ssdp_port = sd.port;
	o.timeout_ms = 3000;
	ck_assert_int_eq(asy_announce_collect(&o, &a), 0);
	udpfake_stop(&md);
	udpfake_stop(&sd);
	fake_stop(&web);

	ck_assert_int_eq(a.mdns, 1);
	ck_assert_int_eq(a.ssdp, 1);
	ck_assert_uint_eq(a.n_instances, 1);
	ck_assert_uint_eq(a.n_desc, 1);
	ck_assert_uint_eq(md.bad_queries, 0);
	/* The answer holds SRV and TXT already: one browse is enough. */
	ck_assert_uint_eq(md.queries, 1);
	it = item_with(&a, "mDNS _http._tcp TXT of \"LC20 Camera._http._tcp"
	    ".local\"");
	ck_assert_ptr_nonnull(it);
	ck_assert_ptr_nonnull(strstr(it->text, "serial=LC20-2291-0007"));
	it = item_with(&a, "UPnP description http://127.0.0.1:");
	ck_assert_ptr_nonnull(it);
	ck_assert_ptr_nonnull(strstr(it->text, "serialNumber: "
	    "LC20-2291-0007"));
	ck_assert_ptr_nonnull(item_with(&a, "UPnP SSDP answer"));
	ck_assert_ptr_nonnull(strstr(a.log.data, "LOCATION "
	    "http://192.0.2.1/evil.xml: not fetched: it names another host"));
	ck_assert_ptr_nonnull(strstr(a.log.data, "serial=LC20-2291-0007"));

	/* What 5.6-2-2 then finds, by source. */
	for (size_t i = 0; i < a.n_items; i++)
		ck_assert_int_eq(asy_disclose_scan(&d, a.items[i].text,
		    a.items[i].len, a.items[i].source), 0);
	ck_assert(found(&d, "serial number", "LC20-2291-0007", "mDNS "));
	ck_assert(found(&d, "MAC address", "02:a5:5a:01:00:02", "mDNS "));
	ck_assert(found(&d, "software version", "LC20 1.4.2",
	    "UPnP SSDP answer"));
	for (size_t i = 0; i < d.n; i++)
		ck_assert_msg(strcasecmp(d.d[i].value, "UPnP 1.0") != 0,
		    "a protocol taken for software");
	/* Merged after the status page gave the same serial number: both
	 * sources are named (as asy_tc_unauth() does). */
	ck_assert_int_eq(asy_disclose_scan(&h, "{\"serial\":\"LC20-2291-0007\"}",
	    27, "HTTP GET /status.json"), 0);
	ck_assert_int_eq(asy_disclosures_merge(&h, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(found(&h, "serial number", "LC20-2291-0007", "HTTP GET"));
	ck_assert(found(&h, "serial number", "LC20-2291-0007", "mDNS "));
	asy_disclosures_release(&h);
	/* The serial number from UPnP alone (the first source is kept). */
	it = item_with(&a, "UPnP description");
	ck_assert_int_eq(asy_disclose_scan(&d, it->text, it->len, it->source),
	    0);
	ck_assert(found(&d, "serial number", "LC20-2291-0007", "UPnP "
	    "description http://127.0.0.1:"));
	ck_assert(found(&d, "MAC address", "02:a5:5a:01:00:02", "UPnP "));
	asy_disclosures_release(&d);

	asy_announce_release(&a);
	asy_buf_release(&pkt);
	asy_buf_release(&ssdp);
	asy_buf_release(&ssdp2);
	asy_buf_release(&http);
}
END_TEST

START_TEST(test_collect_hostile)
{
	static const char loop[] = "\0\0\x84\0\0\0\0\1\0\0\0\0" "\1a\xc0\x0c"
	    "\xc0\x0c" "\0\x10\0\1\0\0\0\0\0\0";
	struct udpfake md = { .dns = 1 }, sd = { 0 };
	struct asy_announce_opts o = { 0 };
	struct asy_announce a;
	char *huge = malloc(9500), *junk = "HTTP/1.1 404 Nope\r\n\r\n";

	ck_assert_ptr_nonnull(huge);
	memset(huge, 'A', 9500);
	md.ans[0] = loop;
	md.len[0] = sizeof(loop) - 1;
	md.ans[1] = huge;
	md.len[1] = 9500;
	md.n_ans = 2;
	udpfake_start(&md);
	sd.ans[0] = huge;
	sd.len[0] = 9500;
	sd.ans[1] = junk;
	sd.len[1] = strlen(junk);
	sd.n_ans = 2;
	udpfake_start(&sd);
	o.addr = "127.0.0.1";
	o.mdns_port = md.port;
	o.ssdp_port = sd.port;
	o.timeout_ms = 2000;
	ck_assert_int_eq(asy_announce_collect(&o, &a), 0);
	udpfake_stop(&md);
	udpfake_stop(&sd);
	ck_assert_int_eq(a.mdns, 0);
	ck_assert_int_eq(a.ssdp, 0);
	ck_assert_uint_eq(a.n_items, 0);
	ck_assert_ptr_nonnull(strstr(a.log.data, "not a DNS message: a "
	    "compression pointer"));
	ck_assert_ptr_nonnull(strstr(a.log.data, "over 9000 bytes left out"));
	ck_assert_ptr_nonnull(strstr(a.log.data, "not an SSDP answer"));
	asy_announce_release(&a);

	/* Nobody there: no answer, no error; not an allowed address. */
	o.mdns_port = closed_port();
	o.ssdp_port = closed_port();
	ck_assert_int_eq(asy_announce_collect(&o, &a), 0);
	ck_assert_uint_eq(a.n_items, 0);
	ck_assert_ptr_nonnull(strstr(a.log.data, "no answer"));
	asy_announce_release(&a);
	o.addr = "224.0.0.251";
	ck_assert_int_eq(asy_announce_collect(&o, &a), ASY_E_INPUT);
	o.addr = "192.168.1.1";
	ck_assert_int_eq(asy_announce_collect(&o, &a), ASY_E_INPUT);
	free(huge);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("announce");
	TCase *tc = tcase_create("announce");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bench_answer);
	tcase_add_loop_test(tc, test_crafted, 0, ASY_ELEMENTSOF(crafted));
	tcase_add_test(tc, test_long_name);
	tcase_add_test(tc, test_query);
	tcase_add_loop_test(tc, test_urls, 0, ASY_ELEMENTSOF(urls));
	tcase_add_test(tc, test_addr_ok);
	tcase_add_test(tc, test_desc);
	tcase_add_test(tc, test_collect);
	tcase_add_test(tc, test_collect_hostile);
	suite_add_tcase(s, tc);
	return ut_main(s);
}
