/*
 * Cleartext in captures (harness/pcapscan.c).
 *
 * The pcap files are written here, by hand (24-byte global header, 16-byte
 * record headers, Ethernet / Linux cooked v1 and v2 / raw IP, IPv4 / IPv6,
 * TCP / UDP; checksums left zero), from a table of conversations: telnet
 * logins typed one byte per packet (with option negotiation, a backspace
 * and a retransmitted segment) and one line per packet, HTTP Basic (the
 * password never appears in a finding) and Digest on port 80 and
 * elsewhere, MQTT CONNECT with and without user name and password, SNMP
 * v2c with "public" and with a secret community, v3, FTP / POP3 / IMAP
 * logins, an e-mail address in a JSON body, a needle (cut between two
 * segments too), TLS records holding an '@' address and the needle (must
 * give nothing, also after STARTTLS), an Authorization header and a
 * CONNECT sent by a server (nothing either), 802.1Q and QinQ, SLL, SLL2,
 * raw IP, IPv6 with extension headers and with a fragment header.
 *
 * Hostile frames: a table of broken frames (cut short, IPv4 IHL past the
 * end, TCP data offset past the end, zero bytes, UDP length under 8, a
 * non-first fragment that holds an Authorization header) gives no
 * finding; 1 MiB of random records per link type gives no crash and at
 * most max_findings; every 'what' is printable and at most 200 bytes.
 * Files that are not pcap files give ASY_E_IO with a reason.  Findings
 * are appended to what the caller has.
 *
 * A real capture: tcpdump on the loopback interface while this test talks
 * HTTP to itself on 127.0.0.1 (as root with tcpdump only; skipped with a
 * reason otherwise).
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "pcapscan.h"
#include "ut.h"

#define K_CRED		"credentials"
#define K_USER		"user name"
#define K_PERSONAL	"personal data"

/* ---- writing pcap files -------------------------------------------------- */

enum { L_ETH = 1, L_RAW = 101, L_SLL = 113, L_SLL2 = 276 };

static void
put(struct asy_buf *b, const void *p, size_t n)
{
	ck_assert_int_eq(asy_buf_add(b, p, n), 0);
}

static void
put_le32(struct asy_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	put(b, x, 4);
}

static void
put_be16(struct asy_buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(b, x, 2);
}

static void
put_be32(struct asy_buf *b, uint32_t v)
{
	put_be16(b, v >> 16);
	put_be16(b, v & 0xffff);
}

static void
put_u8(struct asy_buf *b, unsigned v)
{
	unsigned char x = (unsigned char)v;

	put(b, &x, 1);
}

struct pw {
	struct asy_buf	 file;
	unsigned long	 frames;
};

static void
pw_begin(struct pw *w, unsigned linktype)
{
	asy_buf_init(&w->file, (size_t)64 << 20);
	w->frames = 0;
	put_le32(&w->file, 0xa1b2c3d4);
	put(&w->file, "\x02\x00\x04\x00", 4);	/* version 2.4 */
	put_le32(&w->file, 0);			/* thiszone */
	put_le32(&w->file, 0);			/* sigfigs */
	put_le32(&w->file, 262144);		/* snaplen */
	put_le32(&w->file, linktype);
}

/* One record: caplen bytes of d, len on the wire. */
static void
pw_record(struct pw *w, const void *d, size_t caplen, size_t len)
{
	w->frames++;
	put_le32(&w->file, 1700000000u + (uint32_t)w->frames);
	put_le32(&w->file, 0);
	put_le32(&w->file, (uint32_t)caplen);
	put_le32(&w->file, (uint32_t)len);
	if (caplen > 0)
		put(&w->file, d, caplen);
}

static char *
pw_save(struct pw *w, const char *dir, const char *name)
{
	char *path = asy_path_join(dir, name);

	ck_assert_ptr_nonnull(path);
	ut_write(path, w->file.data, w->file.len);
	asy_buf_release(&w->file);
	return path;
}

/* ---- building frames ----------------------------------------------------- */

struct flow {
	int		 link;
	int		 v6;
	int		 udp;
	int		 vlans;		/* Ethernet: 0, 1 or 2 tags */
	int		 ext;		/* IPv6: 1 extension headers, 2 a
					   fragment header */
	unsigned char	 c[16], s[16];	/* client, server */
	unsigned	 cport, sport;
	uint32_t	 cseq, sseq;
};

static void
flow_init(struct flow *f, int link, int v6, int udp, unsigned cport,
    unsigned sport)
{
	memset(f, 0, sizeof(*f));
	f->link = link;
	f->v6 = v6;
	f->udp = udp;
	f->cport = cport;
	f->sport = sport;
	f->cseq = 1000;
	f->sseq = 5000;
	/* Addresses inside files only: nothing is sent to them. */
	if (v6) {
		ck_assert_int_eq(inet_pton(AF_INET6, "fd00::1", f->c), 1);
		ck_assert_int_eq(inet_pton(AF_INET6, "fd00::2", f->s), 1);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET, "198.18.1.1", f->c), 1);
		ck_assert_int_eq(inet_pton(AF_INET, "198.18.1.2", f->s), 1);
	}
}

static void
put_link(struct asy_buf *b, const struct flow *f)
{
	unsigned type = f->v6 ? 0x86dd : 0x0800;

	switch (f->link) {
	case L_ETH:
		put(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
		if (f->vlans == 2) {
			put_be16(b, 0x88a8);
			put_be16(b, 100);
		}
		if (f->vlans >= 1) {
			put_be16(b, 0x8100);
			put_be16(b, 200);
		}
		put_be16(b, type);
		break;
	case L_SLL:
		put_be16(b, 0);			/* to us */
		put_be16(b, 1);			/* ARPHRD_ETHER */
		put_be16(b, 6);
		put(b, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
		put_be16(b, type);
		break;
	case L_SLL2:
		put_be16(b, type);
		put_be16(b, 0);
		put_be32(b, 2);			/* interface index */
		put_be16(b, 1);
		put_u8(b, 0);
		put_u8(b, 6);
		put(b, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
		break;
	default:
		break;
	}
}

/* The frame of one segment, its transport header first. */
static void
build(struct asy_buf *b, const struct flow *f, int to_server, unsigned flags,
    uint32_t seq, const void *data, size_t n)
{
	const unsigned char *src = to_server ? f->c : f->s;
	const unsigned char *dst = to_server ? f->s : f->c;
	unsigned sp = to_server ? f->cport : f->sport;
	unsigned dp = to_server ? f->sport : f->cport;
	size_t th = f->udp ? 8 : 20, ext = 0;

	asy_buf_reset(b);
	put_link(b, f);
	if (f->v6) {
		ext = f->ext == 1 ? 16 : f->ext == 2 ? 8 : 0;
		put_be32(b, 0x60000000);
		put_be16(b, (unsigned)(ext + th + n));
		put_u8(b, f->ext == 1 ? 0 : f->ext == 2 ? 44 :
		    f->udp ? 17 : 6);
		put_u8(b, 64);
		put(b, src, 16);
		put(b, dst, 16);
		if (f->ext == 1) {
			/* Hop-by-hop (8 bytes), destination options (8). */
			put(b, "\x3c\x00\x01\x04\x00\x00\x00\x00", 8);
			put_u8(b, f->udp ? 17 : 6);
			put(b, "\x00\x01\x04\x00\x00\x00\x00", 7);
		} else if (f->ext == 2) {
			/* A first fragment, more to come. */
			put_u8(b, f->udp ? 17 : 6);
			put(b, "\x00\x00\x01\x00\x00\x00\x2a", 7);
		}
	} else {
		put_u8(b, 0x45);
		put_u8(b, 0);
		put_be16(b, (unsigned)(20 + th + n));
		put_be16(b, 1);
		put_be16(b, 0x4000);		/* DF */
		put_u8(b, 64);
		put_u8(b, f->udp ? 17 : 6);
		put_be16(b, 0);
		put(b, src, 4);
		put(b, dst, 4);
	}
	put_be16(b, sp);
	put_be16(b, dp);
	if (f->udp) {
		put_be16(b, (unsigned)(8 + n));
		put_be16(b, 0);
	} else {
		put_be32(b, seq);
		put_be32(b, 0);
		put_u8(b, 0x50);
		put_u8(b, flags);
		put_be16(b, 65535);
		put_be32(b, 0);
	}
	if (n > 0)
		put(b, data, n);
}

/* Write one segment (or datagram) and move its sequence number on. */
static void
send_seg(struct pw *w, struct flow *f, int to_server, unsigned flags,
    const void *data, size_t n, int advance)
{
	struct asy_buf b;
	uint32_t *seq = to_server ? &f->cseq : &f->sseq;

	asy_buf_init(&b, 1 << 20);
	build(&b, f, to_server, flags, *seq, data, n);
	pw_record(w, b.data, b.len, b.len);
	if (advance)
		*seq += (uint32_t)n + ((flags & 0x03) ? 1 : 0);
	asy_buf_release(&b);
}

static void
handshake(struct pw *w, struct flow *f)
{
	send_seg(w, f, 1, 0x02, NULL, 0, 1);	/* SYN */
	send_seg(w, f, 0, 0x12, NULL, 0, 1);	/* SYN ACK */
	send_seg(w, f, 1, 0x10, NULL, 0, 1);	/* ACK */
}

/* ---- running the scanner ------------------------------------------------- */

struct result {
	struct asy_clear_finding	*f;
	size_t				 n;
	int				 r;
	char				 why[512];
};

static void
scan(const char *path, const struct asy_clear_opts *o, struct result *res)
{
	memset(res, 0, sizeof(*res));
	res->r = asy_pcap_cleartext(path, o, &res->f, &res->n, res->why,
	    sizeof(res->why));
}

static void
dump(const struct result *res)
{
	for (size_t i = 0; i < res->n; i++)
		fprintf(stderr, "  frame %lu %s %s->%s %s: %s\n",
		    res->f[i].frame, res->f[i].proto, res->f[i].src,
		    res->f[i].dst, res->f[i].kind, res->f[i].what);
}

static void
assert_printable(const char *s)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strlen(s) <= 200, "\"%s\" is over 200 bytes", s);
	for (const char *p = s; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "byte 0x%02x in \"%s\"",
		    (unsigned char)*p, s);
}

/* Every finding complete, printable, without any of the secrets. */
static void
assert_sane(const struct result *res, const char *const *never)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct asy_clear_finding *f = &res->f[i];

		ck_assert_uint_ge(f->frame, 1);
		assert_printable(f->what);
		assert_printable(f->proto);
		assert_printable(f->kind);
		assert_printable(f->src);
		assert_printable(f->dst);
		for (size_t k = 0; never != NULL && never[k] != NULL; k++)
			ck_assert_msg(strstr(f->what, never[k]) == NULL,
			    "secret \"%s\" in \"%s\"", never[k], f->what);
	}
}

/* ---- conversations ------------------------------------------------------- */

#define SEGS	16

struct seg {
	int		 to_server;
	const char	*data;
	size_t		 len;		/* 0: strlen */
	int		 retrans;	/* sent twice */
};

struct want {
	const char	*proto, *kind, *what;
	int		 seg;		/* the finding's frame is the last
					   of this segment; -1 any */
};

struct conv {
	const char		*name;
	int			 link, v6, udp, vlans, ext;
	unsigned		 cport, sport;
	int			 one_byte;	/* client bytes one per
						   packet */
	const char *const	*needles;
	int			 emails;
	int			 back;		/* want[0] is this many
						   frames before its
						   segment's last */
	struct seg		 segs[SEGS];
	size_t			 n;
	struct want		 want[3];
	const char		*never[5];
};

/* MQTT CONNECT, level 4, client "lc20", user "dev01", password
 * "mqttpw!". */
#define MQTT_USER_PASS \
	"\x10\x20\x00\x04MQTT\x04\xc2\x00\x3c\x00\x04lc20" \
	"\x00\x05" "dev01\x00\x07mqttpw!"
/* The same without user name and password. */
#define MQTT_ANON	"\x10\x10\x00\x04MQTT\x04\x02\x00\x3c\x00\x04lc20"
/* Level 5 with properties, a will, and a user name only. */
#define MQTT5_USER \
	"\x10\x29\x00\x04MQTT\x05\x86\x00\x3c\x03\x21\x00\x0a\x00\x04lc20" \
	"\x00\x00\x04t/st\x00\x04gone\x00\x06sensor"
/* SNMP v2c get-request of sysDescr.0 with community c (6 bytes). */
#define SNMP_GET(c) \
	"\x30\x29\x02\x01\x01\x04\x06" c "\xa0\x1c\x02\x04\x00\x00\x00\x01" \
	"\x02\x01\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02" \
	"\x01\x01\x01\x00\x05\x00"
#define SNMP_GET10(c) \
	"\x30\x2d\x02\x01\x01\x04\x0a" c "\xa0\x1c\x02\x04\x00\x00\x00\x01" \
	"\x02\x01\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02" \
	"\x01\x01\x01\x00\x05\x00"
#define SNMP_V3_START	"\x30\x29\x02\x01\x03\x04\x06public"
#define BIN(s)		s, sizeof(s) - 1

#define HTTP_BASIC \
	"GET /admin/ HTTP/1.1\r\nHost: 198.18.1.2\r\nAuthorization: Basic " \
	"YWRtaW46aHVudGVyMg==\r\n\r\n"
#define BASIC_WHAT \
	"HTTP Basic credentials of user \"admin\" (password not shown)"
#define HTTP_JSON \
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" \
	"{\"serial\":\"lc20-2291-0007\",\"owner\":\"owner@example.com\"}"
#define TELNET_WHAT(u) \
	"telnet login of user \"" u "\" with its password in clear " \
	"(password not shown)"
#define TLS_HELLO \
	"\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03owner@example.com"
#define TLS_DATA \
	"\x17\x03\x03\x00\x40 serial LC20-2291-0007 a@example.com"

static const char *const serial_needle[] = { "LC20-2291-0007", NULL };

static const struct conv convs[] = {
	{ .name = "telnet, a line per packet", .link = L_ETH, .cport = 40000,
	  .sport = 23, .segs = {
		{ 0, "\xff\xfd\x18\xff\xfd\x20", 0, 0 },
		{ 1, "\xff\xfb\x18\xff\xfc\x20", 0, 0 },
		{ 0, "Debian GNU/Linux 12\r\nweak login: ", 0, 0 },
		{ 1, "root\r\n", 0, 0 },
		{ 0, "Password: ", 0, 0 },
		{ 1, "s3cret-PW\r\n", 0, 0 },
		{ 0, "\r\nLast login: Mon Jan  1 from 198.18.1.1\r\n# ", 0, 0 },
		{ 1, "ls -l\r\n", 0, 0 },
		{ 0, "total 0\r\n# ", 0, 0 },
		/* passwd: the same user (not "ls -l" after "Last login:"). */
		{ 1, "passwd\r\n", 0, 0 },
		{ 0, "New password: ", 0, 0 },
		{ 1, "n3wpass\r\n", 0, 0 } },
	  .n = 1, .want = { { "telnet", K_CRED, TELNET_WHAT("root"), 5 } },
	  .never = { "s3cret-PW", "n3wpass" } },
	{ .name = "telnet, a byte per packet", .link = L_ETH, .cport = 40001,
	  .sport = 23, .one_byte = 1, .segs = {
		{ 0, "\xff\xfd\x18", 0, 0 },
		{ 1, "\xff\xfb\x18", 0, 0 },
		{ 0, "\r\nLOGIN: ", 0, 0 },
		{ 1, "a", 0, 1 },
		/* IAC NOP and IAC SB ... IAC SE inside the name, a
		 * backspace, CR NUL at the end. */
		{ 1, BIN("d\xff\xf1m\xff\xfa\x18\x00xterm\xff\xf0x\x7fin\r\0"),
		  0 },
		{ 0, "\r\nPassword:", 0, 0 },
		{ 1, "pw123456\r\n", 0, 0 },
		{ 0, "\r\nLogin incorrect\r\nlogin: ", 0, 0 },
		{ 1, "admin\r\n", 0, 0 },
		{ 0, "Password: ", 0, 0 },
		{ 1, "pw654321\r\n", 0, 0 } },
	  /* At the CR of the password, the frame before its LF. */
	  .n = 1, .want = { { "telnet", K_CRED, TELNET_WHAT("admin"), 6 } },
	  .back = 1,
	  .never = { "pw123456", "pw654321", "123", "654" } },
	{ .name = "telnet, two users", .link = L_ETH, .cport = 40002,
	  .sport = 23, .segs = {
		{ 0, "login: ", 0, 0 },
		{ 1, "guest\n", 0, 0 },
		{ 0, "password: ", 0, 0 },
		{ 1, "guest\n", 0, 0 },
		{ 0, "\nlogin: ", 0, 0 },
		{ 1, BIN("ad\x01\x80min\r\n"), 0 },
		{ 0, "password: ", 0, 0 },
		{ 1, "x\r\n", 0, 0 } },
	  .n = 2, .want = {
		{ "telnet", K_CRED, TELNET_WHAT("guest"), 3 },
		{ "telnet", K_CRED, TELNET_WHAT("ad\\x01\\x80min"), 7 } } },
	{ .name = "HTTP Basic", .link = L_ETH, .cport = 40010, .sport = 80,
	  .segs = { { 1, HTTP_BASIC, 0, 0 },
		{ 0, "HTTP/1.1 200 OK\r\n\r\n", 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } },
	  .never = { "hunter2", "YWRtaW46aHVudGVyMg", "aHVudGVy" } },
	{ .name = "HTTP Basic, other port, twice", .link = L_ETH,
	  .cport = 40011, .sport = 8081, .segs = { { 1, HTTP_BASIC, 0, 0 },
		{ 1, HTTP_BASIC, 0, 0 },
		{ 1, "GET / HTTP/1.1\r\nauthorization:basic "
		  "dXNlcjI6cGFzczI=\r\n\r\n", 0, 0 },
		{ 1, "GET / HTTP/1.1\r\nAuthorization: Basic bm9jb2xvbg==\r\n"
		  "\r\n", 0, 0 } },
	  .n = 3, .want = { { "http", K_CRED, BASIC_WHAT, 0 },
		{ "http", K_CRED, "HTTP Basic credentials of user \"user2\" "
		  "(password not shown)", 2 },
		{ "http", K_CRED, "HTTP Basic credentials in clear (not "
		  "user:password, not shown)", 3 } },
	  .never = { "hunter2", "pass2", "nocolon" } },
	{ .name = "HTTP Digest", .link = L_ETH, .cport = 40012, .sport = 80,
	  .segs = { { 1, "GET / HTTP/1.1\r\nAuthorization: Digest username="
		  "\"operator\", realm=\"lc20\", nonce=\"abc\", uri=\"/\", "
		  "response=\"0123456789abcdef\"\r\n\r\n", 0, 0 } },
	  .n = 1, .want = { { "http", K_USER, "HTTP Digest user name "
		  "\"operator\" (password not exposed)", 0 } } },
	{ .name = "RTSP Basic on 554", .link = L_ETH, .cport = 40013,
	  .sport = 554, .segs = { { 1, "DESCRIBE rtsp://198.18.1.2:554/ "
		  "RTSP/1.0\r\nCSeq: 3\r\nAuthorization: Basic "
		  "YWRtaW46aHVudGVyMg==\r\n\r\n", 0, 0 },
		{ 0, "RTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n", 0, 0 } },
	  .n = 1, .want = { { "rtsp", K_CRED, "RTSP Basic credentials of "
		  "user \"admin\" (password not shown)", 0 } },
	  .never = { "hunter2", "YWRtaW46aHVudGVyMg", "aHVudGVy" } },
	{ .name = "RTSP Digest on 8554", .link = L_ETH, .cport = 40014,
	  .sport = 8554, .segs = { { 1, "DESCRIBE rtsp://198.18.1.2:8554/s "
		  "RTSP/1.0\r\nCSeq: 4\r\nAuthorization: Digest "
		  "username=\"viewer\", realm=\"cam\", nonce=\"n\", "
		  "uri=\"rtsp://198.18.1.2:8554/s\", response=\"00\"\r\n\r\n",
		  0, 0 } },
	  .n = 1, .want = { { "rtsp", K_USER, "RTSP Digest user name "
		  "\"viewer\" (password not exposed)", 0 } } },
	{ .name = "MQTT with user and password", .link = L_ETH,
	  .cport = 40020, .sport = 1883,
	  .segs = { { 1, BIN(MQTT_USER_PASS), 0 } },
	  .n = 1, .want = { { "mqtt", K_CRED, "MQTT CONNECT with user name "
		  "\"dev01\" and password in clear", 0 } },
	  .never = { "mqttpw" } },
	{ .name = "MQTT on another port", .link = L_ETH, .cport = 40021,
	  .sport = 11883, .segs = { { 1, BIN(MQTT_USER_PASS), 0 } },
	  .n = 1, .want = { { "mqtt", K_CRED, "MQTT CONNECT with user name "
		  "\"dev01\" and password in clear", 0 } } },
	{ .name = "MQTT 5 with a will and a user name", .link = L_ETH,
	  .cport = 40022, .sport = 1883,
	  .segs = { { 1, BIN(MQTT5_USER), 0 } },
	  .n = 1, .want = { { "mqtt", K_USER, "MQTT CONNECT with user name "
		  "\"sensor\" in clear (no password)", 0 } } },
	{ .name = "MQTT without user name", .link = L_ETH, .cport = 40023,
	  .sport = 1883, .segs = { { 1, BIN(MQTT_ANON), 0 } }, .n = 0 },
	{ .name = "SNMP v2c public", .link = L_ETH, .udp = 1, .cport = 40030,
	  .sport = 161, .segs = { { 1, BIN(SNMP_GET("public")), 0 } },
	  .n = 1, .want = { { "snmp", K_CRED, "SNMP community \"public\" in "
		  "clear", 0 } } },
	{ .name = "SNMP v2c secret", .link = L_ETH, .udp = 1, .cport = 40031,
	  .sport = 161, .segs = {
		{ 1, BIN(SNMP_GET10("s3cr3tcomm")), 0 },
		{ 1, BIN(SNMP_GET10("s3cr3tcomm")), 0 },
		{ 1, BIN(SNMP_GET10("0therc0mm1")), 0 } },
	  .n = 2, .want = { { "snmp", K_CRED, "SNMP community in clear "
		  "(community not shown)", 0 },
		{ "snmp", K_CRED, "SNMP community in clear (community not "
		  "shown)", 2 } },
	  .never = { "s3cr3t", "0therc0mm" } },
	{ .name = "SNMP v3", .link = L_ETH, .udp = 1, .cport = 40032,
	  .sport = 161, .segs = { { 1, BIN(SNMP_V3_START), 0 } }, .n = 0 },
	{ .name = "FTP", .link = L_ETH, .cport = 40040, .sport = 21, .segs = {
		{ 0, "220 FTP ready\r\n", 0, 0 },
		{ 1, "USER ftpuser\r\n", 0, 0 },
		{ 0, "331 Password required\r\n", 0, 0 },
		{ 1, "PASS ftp-secret\r\n", 0, 0 } },
	  .n = 1, .want = { { "ftp", K_CRED, "FTP login of user \"ftpuser\" "
		  "with its password in clear (password not shown)", 3 } },
	  .never = { "ftp-secret" } },
	{ .name = "POP3", .link = L_ETH, .cport = 40041, .sport = 110,
	  .segs = { { 0, "+OK POP3 ready\r\n", 0, 0 },
		{ 1, "user alice\r\npass pop-secret\r\n", 0, 0 } },
	  .n = 1, .want = { { "pop3", K_CRED, "POP3 login of user \"alice\" "
		  "with its password in clear (password not shown)", 1 } },
	  .never = { "pop-secret" } },
	{ .name = "IMAP", .link = L_ETH, .cport = 40042, .sport = 143,
	  .segs = { { 0, "* OK IMAP4rev1 ready\r\n", 0, 0 },
		{ 1, "a1 CAPABILITY\r\n", 0, 0 },
		{ 1, "a2 LOGIN \"bob\" imap-secret\r\n", 0, 0 } },
	  .n = 1, .want = { { "imap", K_CRED, "IMAP login of user \"bob\" "
		  "with its password in clear (password not shown)", 2 } },
	  .never = { "imap-secret" } },
	{ .name = "e-mail in JSON", .link = L_ETH, .cport = 40050,
	  .sport = 80, .emails = 1,
	  .segs = { { 1, "GET /status.json HTTP/1.1\r\n\r\n", 0, 0 },
		{ 0, HTTP_JSON, 0, 0 } },
	  .n = 1, .want = { { "http", K_PERSONAL, "e-mail address "
		  "owner@example.com", 1 } } },
	{ .name = "e-mail not asked for", .link = L_ETH, .cport = 40051,
	  .sport = 80, .segs = { { 0, HTTP_JSON, 0, 0 } }, .n = 0 },
	{ .name = "needle", .link = L_ETH, .cport = 40052, .sport = 80,
	  .needles = serial_needle, .segs = { { 0, HTTP_JSON, 0, 0 } },
	  .n = 1, .want = { { "http", K_PERSONAL, "personal data "
		  "\"LC20-2291-0007\" in clear", 0 } } },
	{ .name = "needle cut between segments", .link = L_ETH,
	  .cport = 40053, .sport = 1883, .needles = serial_needle,
	  .emails = 1, .segs = { { 0, "{\"sn\":\"LC20-22", 0, 0 },
		{ 0, "91-0007\",\"mail\":\"x@lumora.", 0, 0 },
		{ 0, "example\"}", 0, 0 } },
	  .n = 2, .want = { { "mqtt", K_PERSONAL, "personal data "
		  "\"LC20-2291-0007\" in clear", 1 },
		{ "mqtt", K_PERSONAL, "e-mail address x@lumora.example",
		  2 } } },
	{ .name = "TLS", .link = L_ETH, .cport = 40060, .sport = 8443,
	  .needles = serial_needle, .emails = 1, .segs = {
		{ 1, BIN(TLS_HELLO), 0 },
		{ 0, BIN("\x16\x03\x03\x00\x10 owner@example.com"), 0 },
		{ 0, BIN(TLS_DATA), 0 },
		{ 1, BIN(TLS_DATA), 0 },
		{ 1, BIN("\x17\x03\x03\x00\x40\r\nAuthorization: Basic "
		  "YWRtaW46aHVudGVyMg==\r\n"), 0 } },
	  .n = 0 },
	{ .name = "TLS on port 80, capture started late", .link = L_ETH,
	  .cport = 40061, .sport = 80, .emails = 1, .segs = {
		{ 0, BIN(TLS_DATA), 0 },
		{ 1, BIN(TLS_DATA), 0 } },
	  .n = 0 },
	{ .name = "STARTTLS", .link = L_ETH, .cport = 40062, .sport = 143,
	  .emails = 1, .segs = {
		{ 0, "* OK IMAP4rev1 ready\r\n", 0, 0 },
		{ 1, "a1 STARTTLS\r\n", 0, 0 },
		{ 0, "a1 OK begin TLS now\r\n", 0, 0 },
		{ 1, BIN(TLS_HELLO), 0 },
		{ 0, BIN(TLS_DATA), 0 } },
	  .n = 0 },
	{ .name = "Authorization in a page", .link = L_ETH, .cport = 40063,
	  .sport = 80, .segs = {
		{ 1, "GET /help HTTP/1.1\r\n\r\n", 0, 0 },
		{ 0, "HTTP/1.1 200 OK\r\n\r\nFor example:\r\n"
		  "Authorization: Basic YWRtaW46aHVudGVyMg==\r\n", 0, 0 },
		{ 0, BIN(MQTT_USER_PASS), 0 } },
	  .n = 0 },
	{ .name = "802.1Q", .link = L_ETH, .vlans = 1, .cport = 40070,
	  .sport = 80, .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "802.1ad QinQ", .link = L_ETH, .vlans = 2, .cport = 40071,
	  .sport = 80, .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "Linux cooked", .link = L_SLL, .cport = 40072, .sport = 80,
	  .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "Linux cooked v2", .link = L_SLL2, .cport = 40073,
	  .sport = 80, .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "raw IP", .link = L_RAW, .cport = 40074, .sport = 80,
	  .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "IPv6", .link = L_ETH, .v6 = 1, .cport = 40075,
	  .sport = 80, .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "IPv6 extension headers", .link = L_SLL2, .v6 = 1,
	  .ext = 1, .cport = 40076, .sport = 80,
	  .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 1, .want = { { "http", K_CRED, BASIC_WHAT, 0 } } },
	{ .name = "IPv6 UDP, extension headers", .link = L_RAW, .v6 = 1,
	  .ext = 1, .udp = 1, .cport = 40077, .sport = 162,
	  .segs = { { 1, BIN(SNMP_GET("public")), 0 } },
	  .n = 1, .want = { { "snmp", K_CRED, "SNMP community \"public\" in "
		  "clear", 0 } } },
	{ .name = "IPv6 fragment", .link = L_ETH, .v6 = 1, .ext = 2,
	  .cport = 40078, .sport = 80, .segs = { { 1, HTTP_BASIC, 0, 0 } },
	  .n = 0 },
};

/* The last frame of each segment. */
static void
write_conv(const struct conv *c, const char *path_dir, char **path,
    unsigned long *last)
{
	struct flow f;
	struct pw w;

	pw_begin(&w, (unsigned)c->link);
	flow_init(&f, c->link, c->v6, c->udp, c->cport, c->sport);
	f.vlans = c->vlans;
	f.ext = c->ext;
	if (!c->udp)
		handshake(&w, &f);
	for (size_t i = 0; i < SEGS && c->segs[i].data != NULL; i++) {
		const struct seg *s = &c->segs[i];
		size_t n = s->len ? s->len : strlen(s->data);
		unsigned flags = c->udp ? 0 : 0x18;

		if (c->one_byte && s->to_server) {
			for (size_t k = 0; k < n; k++)
				send_seg(&w, &f, 1, flags, s->data + k, 1, 1);
		} else {
			send_seg(&w, &f, s->to_server, flags, s->data, n, 1);
		}
		if (s->retrans) {
			uint32_t *seq = s->to_server ? &f.cseq : &f.sseq;

			*seq -= (uint32_t)n;
			send_seg(&w, &f, s->to_server, flags, s->data, n, 1);
		}
		last[i] = w.frames;
	}
	*path = pw_save(&w, path_dir, "conv.pcap");
}

START_TEST(test_conv)
{
	const struct conv *c = &convs[_i];
	struct asy_clear_opts o = { .needles = c->needles,
	    .emails = c->emails };
	unsigned long last[SEGS] = { 0 };
	char *dir = ut_tmpdir(), *path;
	int used[8] = { 0 };
	struct result res;

	write_conv(c, dir, &path, last);
	scan(path, &o, &res);
	ck_assert_msg(res.r == 0, "%s: %s (%s)", c->name, asy_strerror(res.r),
	    res.why);
	if (res.n != c->n)
		dump(&res);
	ck_assert_msg(res.n == c->n, "%s: %zu findings, want %zu", c->name,
	    res.n, c->n);
	for (size_t i = 0; i < c->n; i++) {
		const struct want *w = &c->want[i];
		const struct asy_clear_finding *f = NULL;

		/* The first finding with this text not matched yet. */
		for (size_t k = 0; k < res.n && k < 8 && f == NULL; k++) {
			if (!used[k] && strcmp(res.f[k].what, w->what) == 0) {
				f = &res.f[k];
				used[k] = 1;
			}
		}
		if (f == NULL)
			dump(&res);
		ck_assert_msg(f != NULL, "%s: no \"%s\"", c->name, w->what);
		ck_assert_str_eq(f->proto, w->proto);
		ck_assert_str_eq(f->kind, w->kind);
		if (w->seg >= 0) {
			unsigned long want = last[w->seg] - (i == 0 ?
			    (unsigned long)c->back : 0);

			ck_assert_msg(f->frame == want, "%s: \"%s\" at frame "
			    "%lu, want %lu", c->name, w->what, f->frame, want);
		}
	}
	assert_sane(&res, c->never);
	/* The endpoints as written, client to server for credentials. */
	for (size_t i = 0; i < res.n; i++) {
		const char *cl = c->v6 ? "[fd00::1]:" : "198.18.1.1:";
		const char *sv = c->v6 ? "[fd00::2]:" : "198.18.1.2:";

		if (strcmp(res.f[i].kind, K_PERSONAL) == 0)
			continue;
		ck_assert_msg(strncmp(res.f[i].src, cl, strlen(cl)) == 0,
		    "src %s", res.f[i].src);
		ck_assert_msg(strncmp(res.f[i].dst, sv, strlen(sv)) == 0,
		    "dst %s", res.f[i].dst);
	}
	asy_clear_findings_free(res.f, res.n);
	free(path);
	free(dir);
}
END_TEST

/* ---- broken frames ------------------------------------------------------- */

enum patch {
	P_NONE,
	P_CUT,		/* caplen cut to 'at' bytes */
	P_SET,		/* byte 'at' set to 'val', caplen cut to 'cut' */
};

static const struct broken {
	const char	*name;
	int		 link, v6, udp;
	enum patch	 patch;
	size_t		 at;
	unsigned	 val;
	size_t		 cut;
	size_t		 at2;		/* a second byte to set, or 0 */
	unsigned	 val2;
} broken[] = {
	{ "zero bytes", L_ETH, 0, 0, P_CUT, 0, 0, 0, 0, 0 },
	{ "Ethernet cut", L_ETH, 0, 0, P_CUT, 13, 0, 0, 0, 0 },
	{ "VLAN tag cut", L_ETH, 0, 0, P_SET, 12, 0x81, 15, 0, 0 },
	{ "IPv4 header cut", L_ETH, 0, 0, P_CUT, 14 + 19, 0, 0, 0, 0 },
	{ "IPv4 IHL past the end", L_ETH, 0, 0, P_SET, 14, 0x4f, 14 + 40, 0,
	  0 },
	{ "IPv4 IHL under 5", L_ETH, 0, 0, P_SET, 14, 0x44, 0, 0, 0 },
	{ "IPv4 total length under IHL", L_ETH, 0, 0, P_SET, 14 + 2, 0, 0,
	  14 + 3, 10 },
	{ "IPv4 total length cuts the payload", L_ETH, 0, 0, P_SET, 14 + 2, 0,
	  0, 14 + 3, 50 },
	{ "IPv4 not version 4", L_ETH, 0, 0, P_SET, 14, 0x65, 0, 0, 0 },
	{ "IPv4 non-first fragment", L_ETH, 0, 0, P_SET, 14 + 7, 0x10, 0, 0,
	  0 },
	{ "TCP header cut", L_ETH, 0, 0, P_CUT, 14 + 20 + 19, 0, 0, 0, 0 },
	{ "TCP data offset past the end", L_ETH, 0, 0, P_SET, 14 + 20 + 12,
	  0xf0, 14 + 20 + 40, 0, 0 },
	{ "TCP data offset under 5", L_ETH, 0, 0, P_SET, 14 + 20 + 12, 0x40,
	  0, 0, 0 },
	{ "UDP length under 8", L_ETH, 0, 1, P_SET, 14 + 20 + 5, 4, 0, 0, 0 },
	{ "UDP length cuts the community", L_ETH, 0, 1, P_SET, 14 + 20 + 5,
	  18, 0, 0, 0 },
	{ "UDP header cut", L_ETH, 0, 1, P_CUT, 14 + 20 + 7, 0, 0, 0, 0 },
	{ "IPv6 header cut", L_ETH, 1, 0, P_CUT, 14 + 39, 0, 0, 0, 0 },
	{ "IPv6 extension header past the end", L_ETH, 1, 0, P_SET, 14 + 6, 0,
	  0, 0, 0 },
	{ "IPv6 fragment header", L_ETH, 1, 0, P_SET, 14 + 6, 44, 0, 0, 0 },
	{ "SLL cut", L_SLL, 0, 0, P_CUT, 15, 0, 0, 0, 0 },
	{ "SLL2 cut", L_SLL2, 0, 0, P_CUT, 19, 0, 0, 0, 0 },
	{ "raw IP, not IP", L_RAW, 0, 0, P_SET, 0, 0x00, 0, 0, 0 },
	{ "ARP", L_ETH, 0, 0, P_SET, 13, 0x06, 0, 0, 0 },
};

START_TEST(test_broken)
{
	const struct broken *b = &broken[_i];
	struct asy_clear_opts o = { .needles = serial_needle, .emails = 1 };
	char *dir = ut_tmpdir(), *path;
	struct asy_buf fr;
	struct flow f;
	struct result res;
	struct pw w;
	size_t caplen;

	flow_init(&f, b->link, b->v6, b->udp, 40100, b->udp ? 161 : 80);
	asy_buf_init(&fr, 1 << 20);
	if (b->udp)
		build(&fr, &f, 1, 0, 0, BIN(SNMP_GET("public")));
	else
		build(&fr, &f, 1, 0x18, 1, HTTP_BASIC HTTP_JSON,
		    strlen(HTTP_BASIC HTTP_JSON));
	caplen = fr.len;
	if (b->patch == P_CUT)
		caplen = b->at;
	if (b->patch == P_SET) {
		ck_assert_uint_lt(b->at, fr.len);
		fr.data[b->at] = (char)b->val;
		if (b->at2 != 0)
			fr.data[b->at2] = (char)b->val2;
		if (b->cut)
			caplen = b->cut;
	}
	/* An IHL or data offset past the end only when cut there. */
	ck_assert_uint_le(caplen, fr.len);
	pw_begin(&w, (unsigned)b->link);
	pw_record(&w, fr.data, caplen, fr.len);
	path = pw_save(&w, dir, "broken.pcap");
	scan(path, &o, &res);
	ck_assert_msg(res.r == 0, "%s: %s", b->name, asy_strerror(res.r));
	if (res.n != 0)
		dump(&res);
	ck_assert_msg(res.n == 0, "%s: %zu findings", b->name, res.n);
	asy_clear_findings_free(res.f, res.n);
	asy_buf_release(&fr);
	free(path);
	free(dir);
}
END_TEST

/* The unbroken frame of test_broken does give findings (else the table
 * would prove nothing). */
START_TEST(test_unbroken)
{
	struct asy_clear_opts o = { .needles = serial_needle, .emails = 1 };
	char *dir = ut_tmpdir(), *path;
	struct asy_buf fr;
	struct flow f;
	struct result res;
	struct pw w;

	pw_begin(&w, L_ETH);
	asy_buf_init(&fr, 1 << 20);
	flow_init(&f, L_ETH, 0, 0, 40100, 80);
	build(&fr, &f, 1, 0x18, 1, HTTP_BASIC HTTP_JSON,
	    strlen(HTTP_BASIC HTTP_JSON));
	pw_record(&w, fr.data, fr.len, fr.len);
	flow_init(&f, L_ETH, 0, 1, 40100, 161);
	build(&fr, &f, 1, 0, 0, BIN(SNMP_GET("public")));
	pw_record(&w, fr.data, fr.len, fr.len);
	flow_init(&f, L_ETH, 1, 0, 40100, 80);
	build(&fr, &f, 1, 0x18, 1, BIN(HTTP_BASIC));
	pw_record(&w, fr.data, fr.len, fr.len);
	path = pw_save(&w, dir, "unbroken.pcap");
	scan(path, &o, &res);
	ck_assert_int_eq(res.r, 0);
	/* Basic, the needle, the e-mail address, the community; the IPv6
	 * Basic is the same finding. */
	if (res.n != 4)
		dump(&res);
	ck_assert_uint_eq(res.n, 4);
	asy_clear_findings_free(res.f, res.n);
	asy_buf_release(&fr);
	free(path);
	free(dir);
}
END_TEST

/* ---- random input -------------------------------------------------------- */

static uint32_t
xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static const int random_links[] = { L_ETH, L_SLL, L_SLL2, L_RAW };

START_TEST(test_random)
{
	static const struct {
		const char	*s;
		size_t		 n;
	} bait[] = {
		{ BIN("Authorization: Basic YTpi\r\n") }, { BIN("login: ") },
		{ BIN("Password: ") }, { BIN(MQTT_USER_PASS) },
		{ BIN(MQTT5_USER) }, { BIN("x@example.com ") },
		{ BIN(SNMP_GET("public")) }, { BIN("\xff\xfa") },
		{ BIN("\r\n") }, { BIN("USER a\r\nPASS b\r\n") },
		{ BIN("a1 LOGIN x y\r\n") }, { BIN("LC20-2291-0007") },
	};
	struct asy_clear_opts o = { .needles = serial_needle, .emails = 1,
	    .max_findings = 7 };
	int link = random_links[_i % 4];
	char *dir = ut_tmpdir(), *path;
	uint32_t x = 0x12345678u + (uint32_t)_i * 7919u;
	struct result res;
	struct asy_buf fr;
	struct flow f;
	struct pw w;
	long long t0 = ut_now_ms();

	pw_begin(&w, (unsigned)link);
	asy_buf_init(&fr, 1 << 20);
	while (w.file.len < ((size_t)1 << 20)) {
		uint32_t r = xorshift(&x);
		unsigned char junk[1600];
		size_t n = r % sizeof(junk);

		for (size_t i = 0; i < n; i++)
			junk[i] = (unsigned char)xorshift(&x);
		/* Bait for the decoders at random places. */
		if (n > 40 && (r >> 12) % 2 == 0) {
			size_t k = (r >> 16) % ASY_ELEMENTSOF(bait);
			size_t at = (r >> 4) % (n - 40);

			if (at + bait[k].n <= n)
				memcpy(junk + at, bait[k].s, bait[k].n);
		}
		if ((r >> 8) % 3 == 0) {
			/* Junk in a well-formed frame, on a few ports. */
			static const unsigned ports[] = { 23, 80, 161, 1883,
			    21, 143, 110, 5555 };

			flow_init(&f, link, (r >> 20) & 1, (r >> 21) % 4 == 0,
			    1024 + (r >> 22) % 4, ports[(r >> 25) % 8]);
			build(&fr, &f, (r >> 28) & 1, (r >> 24) & 0x3f,
			    xorshift(&x) % 64, junk, n);
			/* Sometimes cut short or longer on the wire. */
			pw_record(&w, fr.data, (r >> 29) == 0 ? fr.len / 2 :
			    fr.len, fr.len + (r >> 30));
		} else {
			pw_record(&w, junk, n, n + (r >> 30));
		}
	}
	path = pw_save(&w, dir, "random.pcap");
	scan(path, &o, &res);
	ck_assert_msg(res.r == 0, "%s: %s", asy_strerror(res.r), res.why);
	ck_assert_uint_le(res.n, 7);
	assert_sane(&res, NULL);
	ck_assert_msg(ut_now_ms() - t0 < 20000, "1 MiB took %lld ms",
	    ut_now_ms() - t0);
	asy_clear_findings_free(res.f, res.n);
	asy_buf_release(&fr);
	free(path);
	free(dir);
}
END_TEST

/* ---- caps, appending, long values ---------------------------------------- */

START_TEST(test_max_findings)
{
	struct asy_clear_opts o = { .emails = 1, .max_findings = 5 };
	char *dir = ut_tmpdir(), *path;
	struct result res;
	struct flow f;
	struct pw w;

	pw_begin(&w, L_ETH);
	flow_init(&f, L_ETH, 0, 1, 40200, 5683);
	for (int i = 0; i < 50; i++) {
		char m[64];
		int n = snprintf(m, sizeof(m), "user%d@example.com", i);

		send_seg(&w, &f, 0, 0, m, (size_t)n, 0);
	}
	path = pw_save(&w, dir, "many.pcap");
	scan(path, &o, &res);
	ck_assert_int_eq(res.r, 0);
	ck_assert_uint_eq(res.n, 5);
	ck_assert_str_eq(res.f[4].what, "e-mail address user4@example.com");
	ck_assert_str_eq(res.f[4].proto, "coap");
	ck_assert_uint_eq(res.f[4].frame, 5);
	asy_clear_findings_free(res.f, res.n);
	/* Default: 100. */
	o.max_findings = 0;
	scan(path, &o, &res);
	ck_assert_int_eq(res.r, 0);
	ck_assert_uint_eq(res.n, 50);
	asy_clear_findings_free(res.f, res.n);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_append)
{
	struct asy_clear_opts o = { .emails = 1 };
	struct asy_clear_finding *fs = NULL;
	size_t n = 0;
	char *dir = ut_tmpdir(), *path;
	struct flow f;
	struct pw w;
	char why[256];

	pw_begin(&w, L_ETH);
	flow_init(&f, L_ETH, 0, 0, 40300, 80);
	handshake(&w, &f);
	send_seg(&w, &f, 1, 0x18, BIN(HTTP_BASIC), 1);
	send_seg(&w, &f, 0, 0x18, BIN(HTTP_JSON), 1);
	path = pw_save(&w, dir, "append.pcap");
	ck_assert_int_eq(asy_pcap_cleartext(path, &o, &fs, &n, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(fs[0].what, BASIC_WHAT);
	ck_assert_uint_eq(fs[0].frame, 4);
	ck_assert_str_eq(fs[0].src, "198.18.1.1:40300");
	ck_assert_str_eq(fs[0].dst, "198.18.1.2:80");
	ck_assert_str_eq(fs[1].what, "e-mail address owner@example.com");
	ck_assert_uint_eq(fs[1].frame, 5);
	ck_assert_str_eq(fs[1].src, "198.18.1.2:80");
	/* A second file (the same) appends: findings are per call. */
	ck_assert_int_eq(asy_pcap_cleartext(path, &o, &fs, &n, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(fs[0].what, BASIC_WHAT);
	ck_assert_str_eq(fs[2].what, BASIC_WHAT);
	/* A file that cannot be read leaves the list alone. */
	ck_assert_int_eq(asy_pcap_cleartext("/nonexistent/x.pcap", &o, &fs,
	    &n, why, sizeof(why)), ASY_E_IO);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(fs[3].what, "e-mail address owner@example.com");
	asy_clear_findings_free(fs, n);
	asy_clear_findings_free(NULL, 0);
	free(path);
	free(dir);
}
END_TEST

/* A 250-byte user name and a 300-byte MQTT user: cut, escaped, <= 200. */
START_TEST(test_long_values)
{
	char *dir = ut_tmpdir(), *path;
	unsigned char mq[400];
	struct asy_buf line;
	struct result res;
	struct flow f;
	struct pw w;
	size_t n = 0;

	pw_begin(&w, L_ETH);
	flow_init(&f, L_ETH, 0, 0, 40400, 23);
	send_seg(&w, &f, 0, 0x18, "login: ", 7, 1);
	asy_buf_init(&line, 4096);
	for (int i = 0; i < 250; i++)
		ck_assert_int_eq(asy_buf_putc(&line, i % 2 ? '"' : '\x9b'), 0);
	ck_assert_int_eq(asy_buf_puts(&line, "\r\n"), 0);
	send_seg(&w, &f, 1, 0x18, line.data, line.len, 1);
	send_seg(&w, &f, 0, 0x18, "Password: ", 10, 1);
	send_seg(&w, &f, 1, 0x18, "secret\r\n", 8, 1);
	/* MQTT: user name of 300 'u' and no password. */
	memcpy(mq, "\x10\xbb\x02\x00\x04MQTT\x04\x80\x00\x3c\x00\x01x"
	    "\x01\x2c", 18);
	n = 18;
	memset(mq + n, 'u', 300);
	n += 300;
	flow_init(&f, L_ETH, 0, 0, 40401, 1883);
	send_seg(&w, &f, 1, 0x18, mq, n, 1);
	path = pw_save(&w, dir, "long.pcap");
	scan(path, NULL, &res);
	ck_assert_int_eq(res.r, 0);
	if (res.n != 2)
		dump(&res);
	ck_assert_uint_eq(res.n, 2);
	assert_sane(&res, (const char *const[]){ "secret", NULL });
	ck_assert_msg(strstr(res.f[0].what, "\\x9b\\x22\\x9b") != NULL, "%s",
	    res.f[0].what);
	ck_assert_msg(strstr(res.f[0].what, "...\" with its password") !=
	    NULL, "%s", res.f[0].what);
	ck_assert_msg(strstr(res.f[1].what, "uuuu...\" in clear") != NULL,
	    "%s", res.f[1].what);
	asy_clear_findings_free(res.f, res.n);
	asy_buf_release(&line);
	free(path);
	free(dir);
}
END_TEST

/* More streams than the table holds: old ones are dropped, the scan goes
 * on and recent streams are still followed. */
START_TEST(test_many_streams)
{
	char *dir = ut_tmpdir(), *path;
	struct result res;
	struct flow f;
	struct pw w;

	pw_begin(&w, L_ETH);
	for (unsigned i = 0; i < 3000; i++) {
		flow_init(&f, L_ETH, 0, 0, 10000 + i, 23);
		send_seg(&w, &f, 0, 0x18, "login: ", 7, 1);
	}
	/* The last stream gets its name and password. */
	send_seg(&w, &f, 1, 0x18, "late\r\n", 6, 1);
	send_seg(&w, &f, 0, 0x18, "Password: ", 10, 1);
	send_seg(&w, &f, 1, 0x18, "pw\r\n", 4, 1);
	/* The first one was dropped: its password has no user name. */
	flow_init(&f, L_ETH, 0, 0, 10000, 23);
	f.sseq += 7;
	send_seg(&w, &f, 1, 0x18, "early\r\n", 7, 1);
	path = pw_save(&w, dir, "streams.pcap");
	scan(path, NULL, &res);
	ck_assert_int_eq(res.r, 0);
	if (res.n != 1)
		dump(&res);
	ck_assert_uint_eq(res.n, 1);
	ck_assert_str_eq(res.f[0].what, TELNET_WHAT("late"));
	asy_clear_findings_free(res.f, res.n);
	free(path);
	free(dir);
}
END_TEST

/* ---- files that are not pcap files --------------------------------------- */

static const struct {
	const char	*name;
	const char	*content;	/* NULL: no file */
	size_t		 len;
} not_pcaps[] = {
	{ "text", "this is not a pcap file\n", 24 },
	{ "empty", "", 0 },
	{ "header cut", "\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8 },
	{ "missing", NULL, 0 },
	{ "folder", "", 0 },
};

START_TEST(test_not_pcap)
{
	char *dir = ut_tmpdir(), *path = asy_path_join(dir, "x.pcap");
	struct asy_clear_finding *fs = NULL;
	char why[256] = "";
	size_t n = 0;
	int r;

	ck_assert_ptr_nonnull(path);
	if (_i == 4)
		ck_assert_int_eq(mkdir(path, 0700), 0);
	else if (not_pcaps[_i].content != NULL)
		ut_write(path, not_pcaps[_i].content, not_pcaps[_i].len);
	r = asy_pcap_cleartext(path, NULL, &fs, &n, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "%s: %s", not_pcaps[_i].name,
	    asy_strerror(r));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(fs);
	ck_assert_msg(strlen(why) > strlen(path) + 2, "%s: why \"%s\"",
	    not_pcaps[_i].name, why);
	ck_assert_msg(strstr(why, path) != NULL, "why \"%s\"", why);
	/* A small why is cut, not overrun. */
	ck_assert_int_eq(asy_pcap_cleartext(path, NULL, &fs, &n, why, 4),
	    ASY_E_IO);
	ck_assert_uint_eq(strlen(why), 3);
	ck_assert_int_eq(asy_pcap_cleartext(path, NULL, &fs, &n, NULL, 0),
	    ASY_E_IO);
	free(path);
	free(dir);
}
END_TEST

/* ---- a real capture ------------------------------------------------------ */

static const char *
find_prog(const char *const *cands)
{
	for (size_t i = 0; cands[i] != NULL; i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

struct server {
	int		 fd;
	pthread_t	 th;
};

/* Answer one HTTP request (bounded reads, 5 s) with a JSON body. */
static void *
server_main(void *arg)
{
	struct server *s = arg;
	char buf[4096];
	size_t got = 0;
	int c;
	struct pollfd p;

	p.fd = s->fd;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1)
		return NULL;
	c = accept(s->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	p.fd = c;
	while (got < sizeof(buf) - 1 && poll(&p, 1, 5000) == 1) {
		ssize_t n = read(c, buf + got, sizeof(buf) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	if (write(c, HTTP_JSON, strlen(HTTP_JSON)) < 0)
		fprintf(stderr, "# server: write: %s\n", strerror(errno));
	close(c);
	return NULL;
}

START_TEST(test_real_capture)
{
	static const char *const tcpdumps[] = { "/usr/bin/tcpdump",
	    "/usr/sbin/tcpdump", "/sbin/tcpdump", NULL };
	const char *tcpdump = find_prog(tcpdumps);
	struct asy_clear_opts o = { .needles = serial_needle, .emails = 1 };
	char *dir, *path, *err, filter[64], port_s[16];
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	struct server srv;
	struct result res;
	long long deadline;
	pid_t pid;
	int c, status, listening = 0;

	if (tcpdump == NULL || geteuid() != 0 ||
	    access("/usr/bin/timeout", X_OK) != 0) {
		fprintf(stderr, "# skip real capture: needs root, tcpdump and "
		    "timeout\n");
		return;
	}
	dir = ut_tmpdir();
	path = asy_path_join(dir, "real.pcap");
	err = asy_path_join(dir, "tcpdump.err");
	srv.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(srv.fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(srv.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(srv.fd, 1), 0);
	ck_assert_int_eq(getsockname(srv.fd, (struct sockaddr *)&a, &al), 0);
	snprintf(port_s, sizeof(port_s), "%u", ntohs(a.sin_port));
	snprintf(filter, sizeof(filter), "tcp port %s", port_s);

	/* tcpdump on lo only, for this port, at most 30 s, and killed when
	 * this test process ends however it ends. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { "/usr/bin/timeout", "30", (char *)tcpdump,
		    "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0", "-Z",
		    "root", "-w",
		    path, filter, NULL };
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* timeout passes SIGTERM on to tcpdump. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (e < 0 || dup2(e, 2) < 0 || dup2(e, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	deadline = ut_now_ms() + 10000;
	while (!listening && ut_now_ms() < deadline) {
		listening = ut_file_has(err, "listening on");
		if (!listening)
			poll(NULL, 0, 50);
	}
	if (!listening) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		close(srv.fd);
		ck_abort_msg("tcpdump did not start: see %s", err);
	}
	ck_assert_int_eq(pthread_create(&srv.th, NULL, server_main, &srv), 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(write(c, HTTP_BASIC, strlen(HTTP_BASIC)),
	    (ssize_t)strlen(HTTP_BASIC));
	{
		char buf[4096];
		struct pollfd p = { .fd = c, .events = POLLIN };

		while (poll(&p, 1, 5000) == 1 && read(c, buf, sizeof(buf)) > 0)
			;
	}
	close(c);
	pthread_join(srv.th, NULL);
	close(srv.fd);
	/* Let the last packets reach the file, then stop tcpdump. */
	poll(NULL, 0, 300);
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	scan(path, &o, &res);
	ck_assert_msg(res.r == 0, "%s", res.why);
	if (res.n != 3) {
		struct asy_buf e;

		dump(&res);
		asy_buf_init(&e, 1 << 16);
		if (asy_buf_load_file(&e, err) == 0 && e.data != NULL)
			fprintf(stderr, "# tcpdump: %s\n", e.data);
		asy_buf_release(&e);
	}
	ck_assert_uint_eq(res.n, 3);
	/* The credentials by their content, the rest by the port. */
	ck_assert_str_eq(res.f[0].what, BASIC_WHAT);
	ck_assert_str_eq(res.f[0].proto, "http");
	ck_assert_str_eq(res.f[1].proto, "tcp");
	ck_assert_str_eq(res.f[2].what, "e-mail address owner@example.com");
	for (size_t i = 0; i < res.n; i++)
		ck_assert_msg(strncmp(res.f[i].src, "127.0.0.1:", 10) == 0,
		    "%s", res.f[i].src);
	assert_sane(&res, (const char *const[]){ "hunter2", NULL });
	asy_clear_findings_free(res.f, res.n);
	free(err);
	free(path);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pcapscan");
	TCase *tc = tcase_create("pcapscan");
	TCase *real = tcase_create("real");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_conv, 0, ASY_ELEMENTSOF(convs));
	tcase_add_loop_test(tc, test_broken, 0, ASY_ELEMENTSOF(broken));
	tcase_add_test(tc, test_unbroken);
	tcase_add_loop_test(tc, test_random, 0, 8);
	tcase_add_test(tc, test_max_findings);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_long_values);
	tcase_add_test(tc, test_many_streams);
	tcase_add_loop_test(tc, test_not_pcap, 0, ASY_ELEMENTSOF(not_pcaps));
	suite_add_tcase(s, tc);
	tcase_set_timeout(real, 60);
	tcase_add_test(real, test_real_capture);
	suite_add_tcase(s, real);
	return ut_main(s);
}
