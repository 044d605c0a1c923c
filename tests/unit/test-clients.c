/*
 * The telnet, SNMP and MQTT clients (telnet.h, snmp.h, mqtt.h).
 *
 * Fake servers written here (forked children on 127.0.0.1, each bounded
 * by alarm() and killed with this process) give the hostile answers:
 * garbage BER, lengths past the datagram, answers for another request,
 * MQTT varints of five bytes, topics past their packet, 1 MiB packets,
 * telnet option floods, endless subnegotiations, 1 MiB without a prompt,
 * servers that hang up or say nothing.  They also check the bytes the
 * clients send (BER requests against net-snmp's own encoding, CONNECT and
 * SUBSCRIBE packets, refused telnet options).
 *
 * The real daemons give the behaviour users rely on: snmpd (communities,
 * v1 and v2c, SET write-back, IPv6), mosquitto (anonymous, password and
 * TLS listeners, a retained message, $SYS) and inetutils telnetd with
 * /bin/login inside a private mount namespace whose /etc/passwd and
 * /etc/shadow are temporary copies with a test account (the host's are
 * never touched).  Each daemon runs on 127.0.0.1 on a free port under
 * timeout(1), in its own process group, killed when the test ends, even
 * after a failed assertion (atexit) or a crash (PR_SET_PDEATHSIG).
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "mqtt.h"
#include "snmp.h"
#include "telnet.h"
#include "ut.h"

/* ---- processes ----------------------------------------------------------- */

#define MAX_KIDS	16
/* Fakes end on their own after this (seconds). */
#define FAKE_LIFE	30

static pid_t kids[MAX_KIDS];
static size_t n_kids;
static int kids_hooked;

/* Kill every process group this test started.  Runs at exit, so after a
 * failed assertion too. */
static void
kill_kids(void)
{
	for (size_t i = 0; i < n_kids; i++) {
		kill(-kids[i], SIGKILL);
		kill(kids[i], SIGKILL);
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	n_kids = 0;
}

static void
track(pid_t pid)
{
	if (!kids_hooked) {
		ck_assert_int_eq(atexit(kill_kids), 0);
		kids_hooked = 1;
	}
	ck_assert_uint_lt(n_kids, MAX_KIDS);
	kids[n_kids++] = pid;
}

/* In a new child: own process group, dies with us, nothing inherited
 * past stderr. */
static void
child_setup(int sig)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, sig);
	signal(SIGPIPE, SIG_IGN);
}

static void
close_from(int lowest, int keep)
{
	for (int fd = lowest; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

/*
 * Start argv[0] (found in PATH by timeout(1)) with a deadline of 90 s,
 * output into log, env (NULL or "NAME=value") added, pre (may be NULL)
 * run in the child first.
 */
static void
spawn(char *const argv[], const char *log, char *env, int (*pre)(void *),
    void *arg)
{
	char *args[32] = { "/usr/bin/timeout", "-k", "2", "90" };
	size_t n = 4;
	pid_t pid;

	for (size_t i = 0; argv[i] != NULL; i++) {
		ck_assert_uint_lt(n, ASY_ELEMENTSOF(args) - 1);
		args[n++] = argv[i];
	}
	args[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		/* timeout(1) passes SIGTERM on to the daemon. */
		child_setup(SIGTERM);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(out, 2) < 0)
			_exit(126);
		close_from(3, -1);
		if (env != NULL && putenv(env) != 0)
			_exit(126);
		if (pre != NULL && pre(arg) < 0)
			_exit(125);
		execv(args[0], args);
		_exit(127);
	}
	setpgid(pid, pid);
	track(pid);
}

/* Is prog (an absolute path) there to run? */
static int
have(const char *prog)
{
	if (access(prog, X_OK) == 0)
		return 1;
	fprintf(stderr, "# skipped: %s is not installed\n", prog);
	return 0;
}

/* n distinct free loopback ports of type (held open together). */
static void
free_ports(int type, unsigned *ports, size_t n)
{
	int fds[8];

	ck_assert_uint_le(n, ASY_ELEMENTSOF(fds));
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, type | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(bind(fds[i], (struct sockaddr *)&sa,
		    sizeof(sa)), 0);
		ck_assert_int_eq(getsockname(fds[i], (struct sockaddr *)&sa,
		    &len), 0);
		ports[i] = ntohs(sa.sin_port);
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* Wait (10 s at most) until something listens on 127.0.0.1 port. */
static void
wait_tcp(unsigned port, const char *what, const char *log)
{
	long long deadline = ut_now_ms() + 10000;

	for (;;) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int fd, r;

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons((unsigned short)port);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fd, 0);
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		if (r == 0)
			return;
		ck_assert_msg(ut_now_ms() < deadline, "%s does not listen on "
		    "%u (see %s)", what, port, log);
		poll(NULL, 0, 50);
	}
}

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- fake servers -------------------------------------------------------- */

/* Hex digits (spaces ignored) to bytes; -1 on a bad digit. */
static int
unhex(const char *hex, struct asy_buf *out)
{
	int hi = -1;

	for (const char *p = hex; *p != '\0'; p++) {
		int v;

		if (*p == ' ')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (asy_buf_putc(out, (char)(hi * 16 + v)) < 0)
			return -1;
		hi = -1;
	}
	return hi < 0 ? 0 : -1;
}

static void
tohex(const unsigned char *p, size_t n, struct asy_buf *out)
{
	for (size_t i = 0; i < n; i++)
		asy_buf_printf(out, "%02x", p[i]);
}

static void
fk_send(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(0);	/* the client left, so does the fake */
		s += w;
		n -= (size_t)w;
	}
}

static void
fk_puts(int fd, const char *s)
{
	fk_send(fd, s, strlen(s));
}

static void
fk_hex(int fd, const char *hex)
{
	struct asy_buf b;

	asy_buf_init(&b, 1 << 20);
	if (unhex(hex, &b) < 0) {
		fprintf(stderr, "fake: bad hex %s\n", hex);
		_exit(1);
	}
	fk_send(fd, b.data, b.len);
	asy_buf_release(&b);
}

/* Up to n bytes within ms: the count, 0 at the end or at the deadline. */
static size_t
fk_recv(int fd, void *p, size_t n, long long ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;

	if (ms < 0)
		ms = 0;
	if (poll(&pfd, 1, (int)ms) <= 0)
		return 0;
	r = recv(fd, p, n, 0);
	return r > 0 ? (size_t)r : 0;
}

/* Exactly n bytes before deadline, or 0. */
static int
fk_recv_all(int fd, unsigned char *p, size_t n, long long deadline)
{
	while (n > 0) {
		size_t got = fk_recv(fd, p, n, deadline - ut_now_ms());

		if (got == 0)
			return 0;
		p += got;
		n -= got;
	}
	return 1;
}

static void
fk_sleep(int ms)
{
	poll(NULL, 0, ms);
}

/* Read and drop what comes for ms, or until the client closes. */
static void
fk_linger(int fd, int ms)
{
	long long deadline = ut_now_ms() + ms;
	char junk[4096];

	while (ut_now_ms() < deadline)
		if (fk_recv(fd, junk, sizeof(junk), deadline - ut_now_ms()) ==
		    0 && ut_now_ms() < deadline)
			return;
}

typedef void	(*fake_fn)(int fd, const void *arg);

/*
 * A fake TCP server: a child that accepts conns connections on a fresh
 * 127.0.0.1 port, one after the other, and gives each to fn.  Its port.
 */
static unsigned
fake_tcp(fake_fn fn, const void *arg, int conns)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	pid_t pid;
	int ls;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 8), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sa, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		child_setup(SIGKILL);
		alarm(FAKE_LIFE);
		for (int i = 0; i < conns; i++) {
			int fd = accept(ls, NULL, NULL);

			if (fd < 0)
				_exit(1);
			fn(fd, arg);
			close(fd);
		}
		_exit(0);
	}
	setpgid(pid, pid);
	close(ls);
	track(pid);
	return ntohs(sa.sin_port);
}

typedef void	(*fake_udp_fn)(int fd, const unsigned char *req, size_t n,
		    const struct sockaddr *from, socklen_t flen, int count,
		    const void *arg);

/* A fake UDP server on 127.0.0.1 (or ::1): fn gets every datagram, and
 * the count of those before it.  Its port. */
static unsigned
fake_udp(fake_udp_fn fn, const void *arg, int v6)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	pid_t pid;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, v6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static unsigned char req[65536];

		child_setup(SIGKILL);
		alarm(FAKE_LIFE);
		for (int count = 0;; count++) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof(from);
			ssize_t n;

			n = recvfrom(fd, req, sizeof(req), 0,
			    (struct sockaddr *)&from, &flen);
			if (n < 0)
				_exit(1);
			fn(fd, req, (size_t)n, (struct sockaddr *)&from, flen,
			    count, arg);
		}
	}
	setpgid(pid, pid);
	close(fd);
	track(pid);
	return v6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* ---- SNMP: fake agents --------------------------------------------------- */

/* One BER TLV (length in short, 0x81 or 0x82 form). */
static void
tlv(struct asy_buf *b, unsigned tag, const void *p, size_t n)
{
	unsigned char h[4] = { (unsigned char)tag };
	size_t hl = 2;

	if (n < 0x80)
		h[1] = (unsigned char)n;
	else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (unsigned char)n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	}
	asy_buf_add(b, h, hl);
	asy_buf_add(b, p, n);
}

/* The header of the TLV at p[off]: its size, *len the contents' length;
 * 0 when it does not fit. */
static size_t
ber_hdr(const unsigned char *p, size_t n, size_t off, size_t *len)
{
	if (off + 2 > n)
		return 0;
	if (p[off + 1] < 0x80) {
		*len = p[off + 1];
		return 2;
	}
	if (p[off + 1] == 0x81 && off + 3 <= n) {
		*len = p[off + 2];
		return 3;
	}
	if (p[off + 1] == 0x82 && off + 4 <= n) {
		*len = (size_t)p[off + 2] << 8 | p[off + 3];
		return 4;
	}
	return 0;
}

/* Where things are in a request of ours: version TLV at ver, the PDU tag
 * at pdu, the request-id TLV from id to id_end. */
struct req_at {
	size_t	ver;
	size_t	pdu;
	size_t	id;
	size_t	id_end;
};

static int
req_parse(const unsigned char *p, size_t n, struct req_at *at)
{
	size_t off, len, h;

	h = ber_hdr(p, n, 0, &len);
	if (h == 0 || p[0] != 0x30)
		return -1;
	at->ver = off = h;
	h = ber_hdr(p, n, off, &len);		/* version */
	if (h == 0)
		return -1;
	off += h + len;
	h = ber_hdr(p, n, off, &len);		/* community */
	if (h == 0)
		return -1;
	off += h + len;
	at->pdu = off;
	h = ber_hdr(p, n, off, &len);		/* PDU */
	if (h == 0)
		return -1;
	off += h;
	at->id = off;
	h = ber_hdr(p, n, off, &len);		/* request-id */
	if (h == 0 || off + h + len > n)
		return -1;
	at->id_end = off + h + len;
	return 0;
}

enum sn_mode {
	SN_VALUE,	/* a response carrying the value TLV hex */
	SN_RAW,		/* the datagram hex, as is */
	SN_OTHER_ID,	/* the right response, but for another request id */
	SN_OTHER_FIRST,	/* one for another id, then the right one */
	SN_SECOND,	/* only the second copy of the request is answered */
	SN_SILENT,	/* nothing */
	SN_TWO_VBS,	/* two varbinds for one OID */
	SN_VERSION,	/* another SNMP version */
	SN_REPORT,	/* a Report PDU instead of a Response */
	SN_CUT,		/* the right response, its last byte cut off */
	SN_STATUS,	/* error-status from hex (decimal) */
	SN_ECHO,	/* the value is the request in hex (see echo_hex) */
	SN_SETCMP,	/* noError if the request is hex (see echo_hex), else
			   genErr */
};

struct sn_case {
	const char	*name;
	enum sn_mode	 mode;
	const char	*hex;
	int		 want;
	const char	*value;		/* this value (NULL: none) */
	size_t		 value_len;	/* nonzero: this length only */
};

/* "VERSION+COMMUNITY|PDU-TAG|AFTER-REQUEST-ID" in hex: the request
 * without the random request id. */
static void
echo_hex(const unsigned char *req, size_t n, const struct req_at *at,
    struct asy_buf *out)
{
	tohex(req + at->ver, at->pdu - at->ver, out);
	asy_buf_putc(out, '|');
	tohex(req + at->pdu, 1, out);
	asy_buf_putc(out, '|');
	tohex(req + at->id_end, n - at->id_end, out);
}

/* Build a response: version, the request id TLV, status, varbinds. */
static void
sn_response(struct asy_buf *msg, unsigned version, unsigned pdu_tag,
    const unsigned char *id, size_t id_len, unsigned status,
    const struct asy_buf *value, int two)
{
	static const unsigned char sysdescr[] = { 0x06, 0x08, 0x2b, 0x06, 0x01,
	    0x02, 0x01, 0x01, 0x01, 0x00 };
	struct asy_buf vb, vbl, pdu, body;
	unsigned char st[3] = { 0x02, 0x01, (unsigned char)status };
	static const unsigned char idx0[] = { 0x02, 0x01, 0x00 };
	unsigned char ver[3] = { 0x02, 0x01, (unsigned char)version };

	asy_buf_init(&vb, 1 << 17);
	asy_buf_init(&vbl, 1 << 17);
	asy_buf_init(&pdu, 1 << 17);
	asy_buf_init(&body, 1 << 17);
	asy_buf_add(&vb, sysdescr, sizeof(sysdescr));
	asy_buf_add(&vb, value->data, value->len);
	tlv(&vbl, 0x30, vb.data, vb.len);
	if (two)
		tlv(&vbl, 0x30, vb.data, vb.len);
	asy_buf_add(&pdu, id, id_len);
	asy_buf_add(&pdu, st, sizeof(st));
	asy_buf_add(&pdu, idx0, sizeof(idx0));
	tlv(&pdu, 0x30, vbl.data, vbl.len);
	asy_buf_add(&body, ver, sizeof(ver));
	tlv(&body, 0x04, "public", 6);
	tlv(&body, pdu_tag, pdu.data, pdu.len);
	tlv(msg, 0x30, body.data, body.len);
	asy_buf_release(&vb);
	asy_buf_release(&vbl);
	asy_buf_release(&pdu);
	asy_buf_release(&body);
}

static void
sn_fake(int fd, const unsigned char *req, size_t n,
    const struct sockaddr *from, socklen_t flen, int count, const void *arg)
{
	const struct sn_case *c = arg;
	struct asy_buf value, msg, other, echo;
	unsigned char id[8];
	struct req_at at;
	unsigned version, status = 0;
	size_t id_len;

	if (req_parse(req, n, &at) < 0 || at.id_end - at.id > sizeof(id)) {
		fprintf(stderr, "fake agent: cannot parse the request\n");
		return;
	}
	version = req[at.ver + 2];
	id_len = at.id_end - at.id;
	memcpy(id, req + at.id, id_len);
	asy_buf_init(&value, 1 << 17);
	asy_buf_init(&msg, 1 << 17);
	asy_buf_init(&other, 1 << 17);
	asy_buf_init(&echo, 1 << 17);
	if (c->mode == SN_ECHO || c->mode == SN_SETCMP) {
		echo_hex(req, n, &at, &echo);
		if (c->mode == SN_ECHO)
			tlv(&value, 0x04, echo.data, echo.len);
		else {
			status = strcmp(echo.data, c->hex) == 0 ? 0 : 5;
			if (status != 0)
				fprintf(stderr, "fake agent: got  %s\n"
				    "fake agent: want %s\n", echo.data,
				    c->hex);
			asy_buf_add(&value, "\x05\x00", 2);
		}
	} else if (c->mode == SN_STATUS) {
		status = (unsigned)strtoul(c->hex, NULL, 10);
		asy_buf_add(&value, "\x05\x00", 2);
	} else if (c->mode != SN_RAW && unhex(c->hex, &value) < 0)
		_exit(1);
	switch (c->mode) {
	case SN_RAW:
		unhex(c->hex, &msg);
		break;
	case SN_SILENT:
		goto out;
	case SN_SECOND:
		if (count == 0)
			goto out;
		sn_response(&msg, version, 0xa2, id, id_len, 0, &value, 0);
		break;
	case SN_OTHER_ID:
	case SN_OTHER_FIRST:
		id[id_len - 1] ^= 0x55;
		sn_response(&other, version, 0xa2, id, id_len, 0, &value, 0);
		sendto(fd, other.data, other.len, 0, from, flen);
		if (c->mode == SN_OTHER_ID)
			goto out;
		id[id_len - 1] ^= 0x55;
		sn_response(&msg, version, 0xa2, id, id_len, 0, &value, 0);
		break;
	case SN_TWO_VBS:
		sn_response(&msg, version, 0xa2, id, id_len, 0, &value, 1);
		break;
	case SN_VERSION:
		sn_response(&msg, version ^ 1, 0xa2, id, id_len, 0, &value, 0);
		break;
	case SN_REPORT:
		sn_response(&msg, version, 0xa8, id, id_len, 0, &value, 0);
		break;
	case SN_CUT:
		sn_response(&msg, version, 0xa2, id, id_len, 0, &value, 0);
		msg.len--;
		break;
	default:
		sn_response(&msg, version, 0xa2, id, id_len, status, &value,
		    0);
		break;
	}
	sendto(fd, msg.data, msg.len, 0, from, flen);
out:
	asy_buf_release(&value);
	asy_buf_release(&msg);
	asy_buf_release(&other);
	asy_buf_release(&echo);
}

#define LONG_OCTETS(byte)	"04 82 07d0 " byte

static const struct sn_case sn_cases[] = {
	/* Values. */
	{ "octets", SN_VALUE, "0405 68656c6c6f", 1, "hello", 0 },
	{ "empty octets", SN_VALUE, "0400", 1, "", 0 },
	{ "binary octets", SN_VALUE, "0406 00415c0aff7f", 1,
	    "\\x00A\\x5c\\x0a\\xff\\x7f", 0 },
	{ "markup octets", SN_VALUE, "040f 3c7363726970743e616c6572743c2f",
	    1, "<script>alert</", 0 },
	{ "integer", SN_VALUE, "0201fb", 1, "-5", 0 },
	{ "integer max", SN_VALUE, "0208 7fffffffffffffff", 1,
	    "9223372036854775807", 0 },
	{ "integer min", SN_VALUE, "0208 8000000000000000", 1,
	    "-9223372036854775808", 0 },
	{ "counter32", SN_VALUE, "4105 00ffffffff", 1, "4294967295", 0 },
	{ "counter32 unsigned", SN_VALUE, "4104 ffffffff", 1, "4294967295",
	    0 },
	{ "gauge32", SN_VALUE, "4201 05", 1, "5", 0 },
	{ "timeticks", SN_VALUE, "4302 0100", 1, "256", 0 },
	{ "counter64", SN_VALUE, "4609 00ffffffffffffffff", 1,
	    "18446744073709551615", 0 },
	{ "ipaddress", SN_VALUE, "4004 0a010203", 1, "10.1.2.3", 0 },
	{ "ipaddress short", SN_VALUE, "4003 0a0102", 1, "\\x0a\\x01\\x02",
	    0 },
	{ "oid", SN_VALUE, "060a 2b06010401bf0803020a", 1,
	    "1.3.6.1.4.1.8072.3.2.10", 0 },
	{ "oid 2.x", SN_VALUE, "0603 883703", 1, "2.999.3", 0 },
	{ "opaque", SN_VALUE, "4402 abcd", 1, "\\xab\\xcd", 0 },
	{ "null", SN_VALUE, "0500", 1, NULL, 0 },
	{ "noSuchObject", SN_VALUE, "8000", 1, NULL, 0 },
	{ "noSuchInstance", SN_VALUE, "8100", 1, NULL, 0 },
	{ "endOfMibView", SN_VALUE, "8200", 1, NULL, 0 },
	/* 2000 bytes: cut at 1 KiB, never inside an escape. */
	{ "long text", SN_VALUE, LONG_OCTETS("@2000x41"), 1, NULL, 1024 },
	{ "long binary", SN_VALUE, LONG_OCTETS("@2000x01"), 1, NULL, 1024 },
	/* Malformed values. */
	{ "integer 9 bytes", SN_VALUE, "0209 000000000000000001", ASY_E_PROTO,
	    NULL, 0 },
	{ "integer empty", SN_VALUE, "0200", ASY_E_PROTO, NULL, 0 },
	{ "counter32 6 bytes", SN_VALUE, "4106 000000000001", ASY_E_PROTO,
	    NULL, 0 },
	{ "oid unfinished", SN_VALUE, "0603 2b0681", ASY_E_PROTO, NULL, 0 },
	{ "oid overflow", SN_VALUE, "060b 2bffffffffffffffffff7f",
	    ASY_E_PROTO, NULL, 0 },
	{ "oid empty", SN_VALUE, "0600", ASY_E_PROTO, NULL, 0 },
	{ "high tag", SN_VALUE, "1f0100", ASY_E_PROTO, NULL, 0 },
	{ "length past datagram", SN_VALUE, "0484 7fffffff 41", ASY_E_PROTO,
	    NULL, 0 },
	{ "length of 5 bytes", SN_VALUE, "0485 0000000001 41", ASY_E_PROTO,
	    NULL, 0 },
	{ "indefinite length", SN_VALUE, "0480 41 0000", ASY_E_PROTO, NULL,
	    0 },
	/* Whole answers. */
	{ "not snmp", SN_RAW, "485454502f312e30203430300d0a0d0a",
	    ASY_E_PROTO, NULL, 0 },
	{ "empty datagram", SN_RAW, "", ASY_E_PROTO, NULL, 0 },
	{ "one byte", SN_RAW, "30", ASY_E_PROTO, NULL, 0 },
	{ "empty sequence", SN_RAW, "3000", ASY_E_PROTO, NULL, 0 },
	{ "huge outer length", SN_RAW, "3084ffffffff020100", ASY_E_PROTO,
	    NULL, 0 },
	{ "cut short", SN_CUT, "0405 68656c6c6f", ASY_E_PROTO, NULL, 0 },
	{ "two varbinds", SN_TWO_VBS, "0405 68656c6c6f", ASY_E_PROTO, NULL,
	    0 },
	{ "other version", SN_VERSION, "0405 68656c6c6f", ASY_E_PROTO, NULL,
	    0 },
	{ "report pdu", SN_REPORT, "0405 68656c6c6f", ASY_E_PROTO, NULL, 0 },
	/* Timing. */
	{ "other request id", SN_OTHER_ID, "0405 68656c6c6f", ASY_E_PROTO,
	    NULL, 0 },
	{ "other id, then ours", SN_OTHER_FIRST, "0405 68656c6c6f", 1,
	    "hello", 0 },
	{ "answers the retry", SN_SECOND, "0405 68656c6c6f", 1, "hello", 0 },
	{ "silent", SN_SILENT, "", 0, NULL, 0 },
	{ "error status", SN_STATUS, "5", 1, NULL, 0 },
};

/* hex with "@COUNTxHH" expanded into COUNT bytes HH (for long values). */
static char *
expand_hex(const char *hex)
{
	struct asy_buf b;
	const char *at = strchr(hex, '@');
	unsigned long count = 0;
	char byte[3] = "";

	asy_buf_init(&b, 1 << 20);
	if (at == NULL) {
		asy_buf_puts(&b, hex);
		return asy_buf_steal(&b);
	}
	asy_buf_add(&b, hex, (size_t)(at - hex));
	ck_assert_int_eq(sscanf(at + 1, "%lux%2s", &count, byte), 2);
	for (unsigned long i = 0; i < count; i++)
		asy_buf_puts(&b, byte);
	return asy_buf_steal(&b);
}

START_TEST(test_snmp_fake)
{
	struct sn_case c = sn_cases[_i];
	const char *oids[] = { ASY_OID_SYSDESCR };
	struct asy_snmp_var var = { .value = NULL };
	unsigned long timeout = 800;
	char why[256] = "", *hex = expand_hex(c.hex);
	long long t0, took;
	unsigned port;
	int r;

	c.hex = hex;
	port = fake_udp(sn_fake, &c, 0);
	t0 = ut_now_ms();
	r = asy_snmp_get("127.0.0.1", port, "public", 1, oids, 1, timeout,
	    &var, why, sizeof(why));
	took = ut_now_ms() - t0;
	ck_assert_msg(r == c.want, "%s: got %d (%s), want %d: %s", c.name, r,
	    asy_strerror(r), c.want, why);
	ck_assert_msg(took < (long long)timeout + 500, "%s: took %lld ms",
	    c.name, took);
	/* Hostile answers end the request at once, timeouts do not. */
	if (c.want == ASY_E_PROTO && c.mode != SN_OTHER_ID)
		ck_assert_msg(took < 500, "%s: took %lld ms", c.name, took);
	ck_assert_msg(r == 1 || why[0] != '\0', "%s: no why", c.name);
	if (r == 1) {
		ck_assert_str_eq(var.oid, ASY_OID_SYSDESCR);
		if (c.value_len > 0) {
			ck_assert_ptr_nonnull(var.value);
			ck_assert_uint_le(strlen(var.value), c.value_len);
			ck_assert_uint_ge(strlen(var.value), c.value_len - 3);
			/* Whole escapes only. */
			if (var.value[0] == '\\')
				ck_assert_uint_eq(strlen(var.value) % 4, 0);
		} else if (c.value == NULL)
			ck_assert_msg(var.value == NULL, "%s: value \"%s\"",
			    c.name, var.value);
		else {
			ck_assert_ptr_nonnull(var.value);
			ck_assert_str_eq(var.value, c.value);
		}
		asy_snmp_vars_release(&var, 1);
	}
	ck_assert_ptr_null(var.value);
	free(hex);
}
END_TEST

/* The requests, byte for byte, as net-snmp 5.9 encodes them (snmpget -d),
 * the random request id left out. */
static const struct {
	int		 version;
	const char	*community;	/* NULL: 200 times 'c' */
	const char	*oids[3];
	const char	*want;
} encodings[] = {
	{ 0, "public", { "1.3.6.1.2.1.1.1.0" },
	    "02010004067075626c6963|a0|020100020100300e300c06082b060102010101"
	    "000500" },
	{ 1, "public", { "1.3.6.1.4.1.4294967295.1" },
	    "02010104067075626c6963|a0|0201000201003011300f060b2b060104018fff"
	    "ffff7f010500" },
	{ 1, "x", { "2.999.3" },
	    "020101040178|a0|0201000201003009300706038837030500" },
	{ 1, "x", { "1.3.6.1.4.1.8072.3.2.10", "0.0", "1.39" },
	    "020101040178|a0|020100020100301e300e060a2b06010401bf0803020a0500"
	    "30050601000500300506014f0500" },
	{ 1, "x", { ".1.3.6.1.2.1.1.5.0" },
	    "020101040178|a0|020100020100300e300c06082b060102010105000500" },
	{ 1, NULL, { "1.3.6.1.2.1.1.5.0" }, NULL },
};

START_TEST(test_snmp_encode)
{
	struct sn_case c = { "echo", SN_ECHO, "", 1, NULL, 0 };
	struct asy_snmp_var vars[3];
	struct asy_buf want;
	char community[201], why[256] = "";
	const char *comm = encodings[_i].community;
	size_t n = 0;
	unsigned port;
	int r;

	memset(vars, 0, sizeof(vars));
	asy_buf_init(&want, 4096);
	while (n < 3 && encodings[_i].oids[n] != NULL)
		n++;
	if (comm == NULL) {
		memset(community, 'c', 200);
		community[200] = '\0';
		comm = community;
		/* The community needs the long length form. */
		asy_buf_puts(&want, "0201010481c8");
		for (size_t i = 0; i < 200; i++)
			asy_buf_puts(&want, "63");
		asy_buf_puts(&want, "|a0|020100020100300e300c06082b0601020101"
		    "05000500");
	} else
		asy_buf_puts(&want, encodings[_i].want);
	port = fake_udp(sn_fake, &c, 0);
	r = asy_snmp_get("127.0.0.1", port, comm, encodings[_i].version,
	    encodings[_i].oids, n, 2000, vars, why, sizeof(why));
	/* The fake answers one varbind for any number of OIDs. */
	if (n > 1) {
		ck_assert_msg(r == ASY_E_PROTO, "%d: %s", r, why);
		goto out;
	}
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_ptr_nonnull(vars[0].value);
	ck_assert_str_eq(vars[0].value, want.data);
	asy_snmp_vars_release(vars, n);
out:
	asy_buf_release(&want);
}
END_TEST

/* The multi-OID request's bytes, seen by a fake that compares. */
START_TEST(test_snmp_encode_multi)
{
	struct sn_case c = { "cmp", SN_SETCMP, encodings[3].want, 1, NULL, 0 };
	struct asy_snmp_var vars[3];
	char why[256] = "";
	unsigned port;
	int r;

	memset(vars, 0, sizeof(vars));
	port = fake_udp(sn_fake, &c, 0);
	r = asy_snmp_get("127.0.0.1", port, "x", 1, encodings[3].oids, 3, 2000,
	    vars, why, sizeof(why));
	/* Equal: noError with one varbind for three (PROTO); different:
	 * genErr (answered, values NULL). */
	ck_assert_msg(r == ASY_E_PROTO, "%d: %s", r, why);
	ck_assert_ptr_nonnull(strstr(why, "varbind"));
}
END_TEST

static const struct {
	const char	*name;
	const char	*value;		/* as given to set_string */
	const char	*want;		/* the request, as echo_hex() */
} set_encodings[] = {
	{ "plain", "ab", "020101040770726976617465|a3|0201000201003010300e060"
	    "82b06010201010400040261 62" },
	/* \xNN escapes (as asy_snmp_get() gives them) become bytes again. */
	{ "escapes", "a\\x5cb\\x00", "020101040770726976617465|a3|02010002010"
	    "03012301006082b060102010104000404615c6200" },
	{ "empty", "", "020101040770726976617465|a3|020100020100300e300c06082"
	    "b0601020101040004 00" },
	{ "lone backslash", "a\\b\\x4", "020101040770726976617465|a3|02010002"
	    "01003014301206082b060102010104000406615c625c7834" },
};

START_TEST(test_snmp_set_encode)
{
	struct asy_buf want;
	struct sn_case c = { "setcmp", SN_SETCMP, NULL, 1, NULL, 0 };
	char why[256] = "";
	unsigned port;
	int r;

	asy_buf_init(&want, 4096);
	for (const char *p = set_encodings[_i].want; *p != '\0'; p++)
		if (*p != ' ')
			asy_buf_putc(&want, *p);
	c.hex = want.data;
	port = fake_udp(sn_fake, &c, 0);
	r = asy_snmp_set_string("127.0.0.1", port, "private", 1,
	    ASY_OID_SYSCONTACT, set_encodings[_i].value, 2000, why,
	    sizeof(why));
	ck_assert_msg(r == 1, "%s: %d: %s", set_encodings[_i].name, r, why);
	asy_buf_release(&want);
}
END_TEST

/* SET answers: noError is accepted, an error status or silence is not. */
START_TEST(test_snmp_set_answers)
{
	static const struct sn_case cases[] = {
		{ "noError", SN_STATUS, "0", 1, NULL, 0 },
		{ "notWritable", SN_STATUS, "17", 0, NULL, 0 },
		{ "noSuchName", SN_STATUS, "2", 0, NULL, 0 },
		{ "silent", SN_SILENT, "", 0, NULL, 0 },
		{ "garbage", SN_RAW, "00ff00ff", ASY_E_PROTO, NULL, 0 },
		{ "other id", SN_OTHER_ID, "0500", ASY_E_PROTO, NULL, 0 },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(cases); i++) {
		char why[256] = "";
		unsigned port = fake_udp(sn_fake, &cases[i], 0);
		long long t0 = ut_now_ms();
		int r;

		r = asy_snmp_set_string("127.0.0.1", port, "private", 1,
		    ASY_OID_SYSCONTACT, "x", 800, why, sizeof(why));
		ck_assert_msg(r == cases[i].want, "%s: %d (%s)", cases[i].name,
		    r, why);
		ck_assert_int_lt(ut_now_ms() - t0, 1300);
		if (r == 0 && cases[i].mode == SN_STATUS)
			ck_assert_ptr_nonnull(strstr(why,
			    cases[i].hex[0] == '1' ? "notWritable" :
			    "noSuchName"));
	}
}
END_TEST

/* What callers get wrong is refused before anything is sent. */
START_TEST(test_snmp_input)
{
	static const char *const bad_oids[] = {
		"", ".", "1", "3.1", "1.40", "1..3", "1.3.", "a.b", "1.3.6 ",
		"-1.3", "1.3.6.1.4294967296", "1.3.0x10", " 1.3",
		/* Longer than struct asy_snmp_var holds. */
		"1.3.6.1.4.1.4294967295.4294967295.4294967295.4294967295."
		"4294967295.4294967295.4294967295.4294967295.4294967295."
		"4294967295.4294967295.42",
	};
	const char *many[17];
	struct asy_snmp_var vars[17];
	char arcs[400], why[256];
	size_t n = 0;

	memset(vars, 0, sizeof(vars));
	for (size_t i = 0; i < ASY_ELEMENTSOF(bad_oids); i++) {
		const char *oids[] = { bad_oids[i] };

		why[0] = '\0';
		ck_assert_msg(asy_snmp_get("127.0.0.1", 9, "public", 1, oids,
		    1, 500, vars, why, sizeof(why)) == ASY_E_INPUT,
		    "accepted OID \"%s\"", bad_oids[i]);
		ck_assert_msg(asy_snmp_set_string("127.0.0.1", 9, "public", 1,
		    bad_oids[i], "x", 500, why, sizeof(why)) == ASY_E_INPUT,
		    "set accepted OID \"%s\"", bad_oids[i]);
	}
	/* 129 arcs. */
	for (size_t i = 0; i < 129; i++)
		n += (size_t)snprintf(arcs + n, sizeof(arcs) - n, "%s1",
		    i == 0 ? "" : ".");
	many[0] = arcs;
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, "public", 1, many, 1,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	for (size_t i = 0; i < 17; i++)
		many[i] = ASY_OID_SYSDESCR;
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, "public", 1, many, 17,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, "public", 1, many, 0,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, "public", 2, many, 1,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, NULL, 1, many, 1,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("localhost", 161, "public", 1, many, 1,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 0, "public", 1, many, 1,
	    500, vars, why, sizeof(why)), ASY_E_INPUT);
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 70000, "public", 1, many,
	    1, 500, vars, why, sizeof(why)), ASY_E_INPUT);
	for (size_t i = 0; i < 17; i++)
		ck_assert_ptr_null(vars[i].value);
	/* why may be NULL. */
	ck_assert_int_eq(asy_snmp_get("127.0.0.1", 9, "public", 2, many, 1,
	    500, vars, NULL, 0), ASY_E_INPUT);
}
END_TEST

/* A closed UDP port answers ICMP port unreachable: no answer, at once. */
START_TEST(test_snmp_unreachable)
{
	const char *oids[] = { ASY_OID_SYSDESCR };
	struct asy_snmp_var var = { .value = NULL };
	unsigned port;
	char why[256] = "";
	long long t0;
	int r;

	free_ports(SOCK_DGRAM, &port, 1);
	t0 = ut_now_ms();
	r = asy_snmp_get("127.0.0.1", port, "public", 1, oids, 1, 3000, &var,
	    why, sizeof(why));
	ck_assert_msg(r == 0, "%d: %s", r, why);
	ck_assert_int_lt(ut_now_ms() - t0, 1000);
	ck_assert_ptr_nonnull(strstr(why, "unreachable"));
}
END_TEST

/* The IPv6 literal path, on ::1. */
START_TEST(test_snmp_ipv6)
{
	struct sn_case c = { "v6", SN_VALUE, "0403 763621", 1, NULL, 0 };
	const char *oids[] = { ASY_OID_SYSDESCR };
	struct asy_snmp_var var = { .value = NULL };
	char why[256] = "";
	unsigned port;
	int fd, r;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !ut_file_has("/proc/net/if_inet6",
	    "00000000000000000000000000000001")) {
		fprintf(stderr, "# skipped: no IPv6 loopback\n");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	port = fake_udp(sn_fake, &c, 1);
	r = asy_snmp_get("::1", port, "public", 1, oids, 1, 2000, &var, why,
	    sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_str_eq(var.value, "v6!");
	asy_snmp_vars_release(&var, 1);
}
END_TEST

/* ---- SNMP: snmpd --------------------------------------------------------- */

#define AGENT_DESCR	"assay unit test agent"
#define AGENT_LOCATION	"Lab bench 7"

static int
have_ipv6_loopback(void)
{
	return ut_file_has("/proc/net/if_inet6",
	    "00000000000000000000000000000001");
}

/*
 * snmpd on 127.0.0.1 (and ::1) on a free port: public read-only, private
 * read-write.  sysContact is left out of the configuration: snmpd makes
 * what is configured there notWritable, and the write-back test needs a
 * writable one (sysLocation, configured, gives the notWritable case).
 * 0 when snmpd is not installed.
 */
static int
start_snmpd(unsigned *port)
{
	static char env[512];
	char *dir, *conf, *log, *persist, addr[128];
	const char *oids[] = { ASY_OID_SYSDESCR };
	long long deadline;
	struct asy_buf b;
	int v6 = have_ipv6_loopback();

	if (!have("/usr/sbin/snmpd"))
		return 0;
	dir = ut_tmpdir();
	conf = join(dir, "snmpd.conf");
	log = join(dir, "snmpd.log");
	persist = join(dir, "persist");
	free_ports(SOCK_DGRAM, port, 1);
	asy_buf_init(&b, 4096);
	asy_buf_puts(&b, "rocommunity public 127.0.0.1\n"
	    "rwcommunity private 127.0.0.1\n"
	    "sysDescr " AGENT_DESCR "\n"
	    "sysLocation " AGENT_LOCATION "\n");
	if (v6)
		asy_buf_puts(&b, "rocommunity6 public ::1\n");
	ut_write(conf, b.data, b.len);
	asy_buf_release(&b);
	snprintf(addr, sizeof(addr), v6 ? "udp:127.0.0.1:%u,udp6:[::1]:%u" :
	    "udp:127.0.0.1:%u", *port, *port);
	snprintf(env, sizeof(env), "SNMP_PERSISTENT_DIR=%s", persist);
	{
		char *argv[] = { "/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c",
		    conf, "-I", "-smux", "-M", "/dev/null", "-m", "", addr,
		    NULL };

		spawn(argv, log, env, NULL, NULL);
	}
	/* Ready when it answers. */
	deadline = ut_now_ms() + 10000;
	for (;;) {
		struct asy_snmp_var var = { .value = NULL };
		char why[256];
		int r;

		r = asy_snmp_get("127.0.0.1", *port, "public", 1, oids, 1, 300,
		    &var, why, sizeof(why));
		asy_snmp_vars_release(&var, 1);
		if (r == 1)
			break;
		ck_assert_msg(ut_now_ms() < deadline, "snmpd does not answer "
		    "(%s; see %s)", why, log);
	}
	free(conf);
	free(log);
	free(persist);
	free(dir);
	return 1;
}

static const struct {
	int		 version;
	const char	*community;
	int		 want;
} agent_gets[] = {
	{ 1, "public", 1 },
	{ 0, "public", 1 },
	{ 1, "private", 1 },
	{ 0, "private", 1 },
	{ 1, "wrong", 0 },
	{ 0, "wrong", 0 },
	{ 1, "", 0 },
	{ 1, "PUBLIC", 0 },
	{ 0, "public\n", 0 },
};

/* Communities: the right ones are answered, a wrong one is not (0 within
 * the timeout, nothing filled in). */
START_TEST(test_snmpd_get)
{
	const char *oids[] = { ASY_OID_SYSDESCR, ASY_OID_SYSLOCATION };
	unsigned port;

	if (!start_snmpd(&port))
		return;
	for (size_t i = 0; i < ASY_ELEMENTSOF(agent_gets); i++) {
		struct asy_snmp_var vars[2];
		char why[256] = "";
		long long t0 = ut_now_ms();
		int r;

		memset(vars, 0, sizeof(vars));
		r = asy_snmp_get("127.0.0.1", port, agent_gets[i].community,
		    agent_gets[i].version, oids, 2, 500, vars, why,
		    sizeof(why));
		ck_assert_msg(r == agent_gets[i].want, "v%d \"%s\": %d (%s)",
		    agent_gets[i].version, agent_gets[i].community, r, why);
		ck_assert_int_lt(ut_now_ms() - t0, 1000);
		if (r != 1) {
			ck_assert(vars[0].value == NULL &&
			    vars[1].value == NULL);
			ck_assert_str_eq(vars[0].oid, "");
			continue;
		}
		ck_assert_str_eq(vars[0].oid, ASY_OID_SYSDESCR);
		ck_assert_str_eq(vars[1].oid, ASY_OID_SYSLOCATION);
		ck_assert_ptr_nonnull(vars[0].value);
		ck_assert_ptr_nonnull(vars[1].value);
		ck_assert_str_eq(vars[0].value, AGENT_DESCR);
		ck_assert_str_eq(vars[1].value, AGENT_LOCATION);
		asy_snmp_vars_release(vars, 2);
	}
	if (have_ipv6_loopback()) {
		struct asy_snmp_var var = { .value = NULL };
		char why[256] = "";

		ck_assert_int_eq(asy_snmp_get("::1", port, "public", 1, oids,
		    1, 2000, &var, why, sizeof(why)), 1);
		ck_assert_str_eq(var.value, AGENT_DESCR);
		asy_snmp_vars_release(&var, 1);
	}
}
END_TEST

/* Missing objects: v2c answers exceptions per varbind, v1 noSuchName for
 * the request (the client drops that OID and asks again for the rest).
 * Large arcs and a 2.x OID make the round trip through snmpd. */
START_TEST(test_snmpd_missing)
{
	const char *v2[] = { ASY_OID_SYSDESCR, "1.3.6.1.2.1.1.99.0",
	    "1.3.6.1.2.1.1.1", "1.3.6.1.4.1.4294967295.1", "2.999.3" };
	const char *v1[] = { "1.3.6.1.2.1.1.99.0", ASY_OID_SYSDESCR,
	    "1.3.6.1.2.1.1.98.0", ASY_OID_SYSLOCATION };
	const char *v1_one[] = { "1.3.6.1.2.1.1.99.0" };
	struct asy_snmp_var vars[5];
	char why[256] = "";
	unsigned port;
	int r;

	if (!start_snmpd(&port))
		return;
	memset(vars, 0, sizeof(vars));
	r = asy_snmp_get("127.0.0.1", port, "public", 1, v2, 5, 2000, vars,
	    why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_str_eq(vars[0].value, AGENT_DESCR);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(vars[i].oid, v2[i]);
		if (i > 0)
			ck_assert_msg(vars[i].value == NULL, "%s: \"%s\"",
			    v2[i], vars[i].value);
	}
	asy_snmp_vars_release(vars, 5);

	r = asy_snmp_get("127.0.0.1", port, "public", 0, v1, 4, 3000, vars,
	    why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_ptr_null(vars[0].value);
	ck_assert_str_eq(vars[1].value, AGENT_DESCR);
	ck_assert_ptr_null(vars[2].value);
	ck_assert_str_eq(vars[3].value, AGENT_LOCATION);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(vars[i].oid, v1[i]);
	asy_snmp_vars_release(vars, 4);

	r = asy_snmp_get("127.0.0.1", port, "public", 0, v1_one, 1, 2000,
	    vars, why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_ptr_null(vars[0].value);
	ck_assert_ptr_nonnull(strstr(why, "noSuchName"));
}
END_TEST

static char *
get_contact(unsigned port)
{
	const char *oids[] = { ASY_OID_SYSCONTACT };
	struct asy_snmp_var var = { .value = NULL };
	char why[256] = "";
	int r;

	r = asy_snmp_get("127.0.0.1", port, "public", 1, oids, 1, 2000, &var,
	    why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_ptr_nonnull(var.value);
	return var.value;
}

static const struct {
	const char	*community;
	int		 version;
	const char	*oid;
	int		 want;
	const char	*why;
} agent_sets[] = {
	{ "private", 1, ASY_OID_SYSCONTACT, 1, "accepted" },
	{ "private", 0, ASY_OID_SYSCONTACT, 1, "accepted" },
	{ "public", 1, ASY_OID_SYSCONTACT, 0, "noAccess" },
	{ "public", 0, ASY_OID_SYSCONTACT, 0, "noSuchName" },
	{ "wrong", 1, ASY_OID_SYSCONTACT, 0, "no answer" },
	{ "wrong", 0, ASY_OID_SYSCONTACT, 0, "no answer" },
	{ "private", 1, ASY_OID_SYSLOCATION, 0, "notWritable" },
	{ "private", 1, "1.3.6.1.2.1.1.99.0", 0, "" },
};

/* SET writes back what was read: accepted with the read-write community
 * only; the value read and written back round-trips, bytes included. */
START_TEST(test_snmpd_set)
{
	const char *bytes = "a\\x01b\\x5cc\\xff";
	char why[256] = "", *orig, *now, big[300];
	unsigned port;
	int r;

	if (!start_snmpd(&port))
		return;
	orig = get_contact(port);
	for (size_t i = 0; i < ASY_ELEMENTSOF(agent_sets); i++) {
		long long t0 = ut_now_ms();

		why[0] = '\0';
		r = asy_snmp_set_string("127.0.0.1", port,
		    agent_sets[i].community, agent_sets[i].version,
		    agent_sets[i].oid, orig, 500, why, sizeof(why));
		ck_assert_msg(r == agent_sets[i].want, "%s v%d %s: %d (%s)",
		    agent_sets[i].community, agent_sets[i].version,
		    agent_sets[i].oid, r, why);
		ck_assert_msg(strstr(why, agent_sets[i].why) != NULL,
		    "why \"%s\"", why);
		ck_assert_int_lt(ut_now_ms() - t0, 1000);
	}
	now = get_contact(port);
	ck_assert_str_eq(now, orig);
	free(now);

	/* Bytes that are not text go as \xNN and come back the same. */
	r = asy_snmp_set_string("127.0.0.1", port, "private", 1,
	    ASY_OID_SYSCONTACT, bytes, 2000, why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	now = get_contact(port);
	ck_assert_str_eq(now, bytes);
	free(now);
	/* sysContact is at most 255 bytes: wrongLength. */
	memset(big, 'x', 256);
	big[256] = '\0';
	r = asy_snmp_set_string("127.0.0.1", port, "private", 1,
	    ASY_OID_SYSCONTACT, big, 2000, why, sizeof(why));
	ck_assert_msg(r == 0, "%d: %s", r, why);
	ck_assert_ptr_nonnull(strstr(why, "wrongLength"));
	r = asy_snmp_set_string("127.0.0.1", port, "private", 0,
	    ASY_OID_SYSCONTACT, orig, 2000, why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	now = get_contact(port);
	ck_assert_str_eq(now, orig);
	free(now);
	free(orig);
}
END_TEST

/* ---- MQTT: fake brokers -------------------------------------------------- */

enum mq_op {
	MQ_END,
	MQ_SEND,	/* hex */
	MQ_READ,	/* a packet of type n from the client */
	MQ_EXPECT,	/* a packet from the client, exactly hex */
	MQ_CLOSE,
	MQ_SLEEP,	/* n ms */
	MQ_BIGPUB,	/* a PUBLISH to "big" with n bytes of payload */
};

struct mq_step {
	enum mq_op	 op;
	const char	*hex;
	size_t		 n;
};

/* A packet from the client into b (at most 64 KiB), within 3 s; 0 if
 * none. */
static int
fk_mqtt_packet(int fd, struct asy_buf *b)
{
	long long deadline = ut_now_ms() + 3000;
	unsigned char c, body[65536];
	size_t len = 0;

	asy_buf_reset(b);
	if (!fk_recv_all(fd, &c, 1, deadline))
		return 0;
	asy_buf_putc(b, (char)c);
	for (int i = 0; i < 4; i++) {
		if (!fk_recv_all(fd, &c, 1, deadline))
			return 0;
		asy_buf_putc(b, (char)c);
		len |= (size_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80))
			break;
	}
	if (len > sizeof(body) || !fk_recv_all(fd, body, len, deadline))
		return 0;
	asy_buf_add(b, body, len);
	return 1;
}

static void
mq_fake(int fd, const void *arg)
{
	const struct mq_step *s = arg;
	struct asy_buf pkt, hex;

	asy_buf_init(&pkt, 1 << 17);
	asy_buf_init(&hex, 1 << 18);
	/* Every fake starts by reading the CONNECT. */
	if (!fk_mqtt_packet(fd, &pkt) || (unsigned char)pkt.data[0] != 0x10) {
		fprintf(stderr, "fake broker: no CONNECT\n");
		return;
	}
	for (; s->op != MQ_END; s++) {
		switch (s->op) {
		case MQ_SEND:
			fk_hex(fd, s->hex);
			break;
		case MQ_READ:
		case MQ_EXPECT:
			if (!fk_mqtt_packet(fd, &pkt)) {
				fprintf(stderr, "fake broker: no packet\n");
				return;
			}
			asy_buf_reset(&hex);
			tohex((unsigned char *)pkt.data, pkt.len, &hex);
			if ((s->op == MQ_READ && (unsigned char)pkt.data[0] >>
			    4 != s->n) || (s->op == MQ_EXPECT &&
			    strcmp(hex.data, s->hex) != 0)) {
				fprintf(stderr, "fake broker: got %s\n",
				    hex.data);
				return;
			}
			break;
		case MQ_CLOSE:
			return;
		case MQ_SLEEP:
			fk_sleep((int)s->n);
			break;
		case MQ_BIGPUB: {
			size_t rem = 2 + 3 + s->n;
			unsigned char h[8] = { 0x30 }, chunk[4096];
			size_t hl = 1;

			do {
				h[hl] = (unsigned char)(rem & 0x7f);
				rem >>= 7;
				if (rem > 0)
					h[hl] |= 0x80;
				hl++;
			} while (rem > 0);
			fk_send(fd, h, hl);
			fk_send(fd, "\x00\x03" "big", 5);
			memset(chunk, 'B', sizeof(chunk));
			for (size_t left = s->n; left > 0;) {
				size_t k = left < sizeof(chunk) ? left :
				    sizeof(chunk);

				fk_send(fd, chunk, k);
				left -= k;
			}
			break;
		}
		case MQ_END:
			break;
		}
	}
	fk_linger(fd, 10000);
	asy_buf_release(&pkt);
	asy_buf_release(&hex);
}

#define CONNACK_OK	{ MQ_SEND, "20020000", 0 }
#define SUBSCRIBED	{ MQ_READ, NULL, 8 }, { MQ_SEND, "9003000100", 0 }
/* PUBLISH "a/b" "hi", retained. */
#define PUB_RETAINED	"3107 0003612f62 6869"
#define PUB_PLAIN	"3007 0003612f62 6869"

enum mq_do {
	DO_CONNECT,
	DO_COLLECT,	/* connect, then collect "#" */
	DO_COLLECT2,	/* connect, then collect "#" and "$SYS/#" */
	DO_PING,	/* connect, then ping */
	DO_PUBLISH,	/* connect, then publish "t/x" "data" and ping */
};

struct mq_case {
	const char	*name;
	struct mq_step	 steps[16];
	enum mq_do	 what;
	int		 want;		/* connect's, or the step's */
	int		 want_rc;	/* connect's *rc */
	size_t		 want_n;
	size_t		 want_refused;
	size_t		 max_msgs;
	size_t		 max_payload;
};

static const struct mq_case mq_cases[] = {
	/* CONNACK. */
	{ .name = "accepted", { CONNACK_OK }, DO_CONNECT, 1 },
	{ .name = "session present", { { MQ_SEND, "20020100" } }, DO_CONNECT, 1,
	    0 },
	{ .name = "not authorized", { { MQ_SEND, "20020005" } }, DO_CONNECT, 0,
	    5 },
	{ .name = "bad password", { { MQ_SEND, "20020004" } },
	    DO_CONNECT, 0, 4 },
	{ .name = "unknown code", { { MQ_SEND, "20020099" } }, DO_CONNECT, 0,
	    0x99 },
	{ .name = "closed", { { MQ_CLOSE, NULL } }, DO_CONNECT, 0, -1 },
	{ .name = "silent", { { MQ_SLEEP, NULL, 5000 } },
	    DO_CONNECT, ASY_E_TIMEOUT },
	{ .name = "connack long", { { MQ_SEND, "2003000000" } }, DO_CONNECT,
	    ASY_E_PROTO },
	{ .name = "connack short", { { MQ_SEND, "200100" } }, DO_CONNECT,
	    ASY_E_PROTO },
	{ .name = "connack flags", { { MQ_SEND, "21020000" } }, DO_CONNECT,
	    ASY_E_PROTO },
	{ .name = "connack reserved bits", { { MQ_SEND, "20020200" } },
	    DO_CONNECT, ASY_E_PROTO },
	{ .name = "varint of 5 bytes", { { MQ_SEND, "20ffffffff7f" } },
	    DO_CONNECT, ASY_E_PROTO },
	{ .name = "varint of 5 bytes for 2",
	    { { MQ_SEND, "2082808080000000" } },
	    DO_CONNECT, ASY_E_PROTO },
	{ .name = "varint 0xffffffff", { { MQ_SEND, "20ffffffff0f" } },
	    DO_CONNECT, ASY_E_PROTO },
	{ .name = "http", { { MQ_SEND, "485454502f312e31203430300d0a0d0a" } },
	    DO_CONNECT, ASY_E_PROTO },
	{ .name = "suback first", { { MQ_SEND, "9003000100" } }, DO_CONNECT,
	    ASY_E_PROTO },
	{ .name = "cut connack", { { MQ_SEND, "2002" }, { MQ_CLOSE, NULL } },
	    DO_CONNECT, 0, -1 },
	/* SUBSCRIBE and PUBLISH. */
	{ .name = "retained", { CONNACK_OK,
	    { MQ_EXPECT, "820600010001" "2300" },
	    { MQ_SEND, "9003000100" }, { MQ_SEND, PUB_RETAINED } },
	    DO_COLLECT, 0, 0, 1 },
	{ .name = "two filters", { CONNACK_OK,
	    { MQ_EXPECT, "820f000100012300000624535953 2f2300" },
	    { MQ_SEND, "900400010000" } }, DO_COLLECT2 },
	{ .name = "refused filter", { CONNACK_OK, { MQ_READ, NULL, 8 },
	    { MQ_SEND, "900400010080" } }, DO_COLLECT2, 0, 0, 0, 1 },
	{ .name = "suback count", { CONNACK_OK, { MQ_READ, NULL, 8 },
	    { MQ_SEND, "90050001000000" } }, DO_COLLECT2, ASY_E_PROTO },
	{ .name = "suback other id", { CONNACK_OK, { MQ_READ, NULL, 8 },
	    { MQ_SEND, "9003000200" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "topic past packet", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3005 0010 616263" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "topic length cut", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3001 00" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "empty publish",
	    { CONNACK_OK, SUBSCRIBED, { MQ_SEND, "3000" } },
	    DO_COLLECT, ASY_E_PROTO },
	{ .name = "publish varint of 5 bytes", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3087808080 00 0003612f62 6869" } }, DO_COLLECT,
	    ASY_E_PROTO },
	{ .name = "publish varint", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "30ffffffffff01" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "qos 3", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3607 0003612f62 0001" } }, DO_COLLECT,
	    ASY_E_PROTO },
	{ .name = "qos 1 without id", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3205 0003612f62" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "connack again", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "20020000" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "subscribe from broker", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "8206000100012300" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "huge suback", { CONNACK_OK, { MQ_READ, NULL, 8 },
	    { MQ_SEND, "9080808001" } }, DO_COLLECT, ASY_E_PROTO },
	{ .name = "stops mid-packet", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3010 0003" } }, DO_COLLECT, ASY_E_PROTO },
	/* QoS 1 is acknowledged (the fake then sends one more), QoS 2 goes
	 * PUBREC, PUBREL, PUBCOMP. */
	{ .name = "qos 1", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3209 0003612f62 0007 6869" },
	    { MQ_EXPECT, "40020007" }, { MQ_SEND, PUB_PLAIN } },
	    DO_COLLECT, 0, 0, 2 },
	{ .name = "qos 2", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3409 0003612f62 0009 6869" },
	    { MQ_EXPECT, "50020009" }, { MQ_SEND, "62020009" },
	    { MQ_EXPECT, "70020009" }, { MQ_SEND, PUB_PLAIN } },
	    DO_COLLECT, 0, 0, 2 },
	{ .name = "pingresp and acks ignored", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "d000 40020001 b0020001" },
	    { MQ_SEND, PUB_PLAIN } }, DO_COLLECT, 0, 0, 1 },
	{ .name = "binary topic", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3008 0003 00ff0a 004142" } }, DO_COLLECT, 0, 0,
	    1 },
	{ .name = "payload cut", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, "3017 0001 78 3031323334353637383961626364656667686"
	    "96a" } }, DO_COLLECT, 0, 0, 1, 0, 100, 10 },
	/* 1 MiB: kept up to the cap, the rest read past, the next message
	 * still understood. */
	{ .name = "big publish", { CONNACK_OK, SUBSCRIBED,
	    { MQ_BIGPUB, NULL, (size_t)1 << 20 }, { MQ_SEND, PUB_PLAIN } },
	    DO_COLLECT, 0, 0, 2, 0, 100, (size_t)1 << 20 },
	{ .name = "max msgs", { CONNACK_OK, SUBSCRIBED, { MQ_SEND,
	    PUB_PLAIN PUB_PLAIN PUB_PLAIN PUB_PLAIN PUB_PLAIN PUB_PLAIN } },
	    DO_COLLECT, 0, 0, 3, 0, 3 },
	{ .name = "closes", { CONNACK_OK, SUBSCRIBED,
	    { MQ_SEND, PUB_RETAINED PUB_PLAIN }, { MQ_CLOSE, NULL } },
	    DO_COLLECT, ASY_E_CLOSED, 0, 2 },
	/* PINGREQ. */
	{ .name = "ping", { CONNACK_OK, { MQ_EXPECT, "c000" },
	    { MQ_SEND, "d000" } }, DO_PING, 1 },
	{ .name = "ping unanswered", { CONNACK_OK, { MQ_READ, NULL, 12 } },
	    DO_PING,
	    0 },
	{ .name = "pingresp with body", { CONNACK_OK, { MQ_READ, NULL, 12 },
	    { MQ_SEND, "d00100" } }, DO_PING, ASY_E_PROTO },
	{ .name = "ping closed", { CONNACK_OK, { MQ_READ, NULL, 12 },
	    { MQ_CLOSE, NULL } }, DO_PING, ASY_E_CLOSED },
	/* PUBLISH, then a PING to see the broker got it. */
	{ .name = "publish", { CONNACK_OK,
	    { MQ_EXPECT, "300900037 42f78 64617461" },
	    { MQ_READ, NULL, 12 }, { MQ_SEND, "d000" } }, DO_PUBLISH, 1 },
};

START_TEST(test_mqtt_fake)
{
	const struct mq_case *c = &mq_cases[_i];
	struct mq_step steps[16];
	struct asy_mqtt_opts o = { .addr = "127.0.0.1", .timeout_ms = 1000 };
	const char *filters[] = { "#", "$SYS/#" };
	struct asy_mqtt_msg *msgs = NULL;
	struct asy_mqtt *m = NULL;
	size_t n = 0, refused = 99;
	char why[256] = "";
	long long t0;
	int r, rc = -99;

	/* Hex with spaces is for reading; the fake compares without. */
	memcpy(steps, c->steps, sizeof(steps));
	for (size_t i = 0; i < ASY_ELEMENTSOF(steps); i++) {
		if (steps[i].op != MQ_EXPECT)
			continue;
		struct asy_buf b;

		asy_buf_init(&b, 4096);
		for (const char *p = steps[i].hex; *p != '\0'; p++)
			if (*p != ' ')
				asy_buf_putc(&b, *p);
		steps[i].hex = asy_buf_steal(&b);
	}
	o.port = fake_tcp(mq_fake, steps, 1);
	t0 = ut_now_ms();
	r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
	if (c->what == DO_CONNECT) {
		ck_assert_msg(r == c->want, "%s: %d (%s), want %d", c->name, r,
		    why, c->want);
		ck_assert_int_lt(ut_now_ms() - t0, 2500);
		if (r >= 0)
			ck_assert_int_eq(rc, c->want_rc);
		if (r == 1)
			ck_assert_ptr_nonnull(m);
		else
			ck_assert_ptr_null(m);
		ck_assert_msg(why[0] != '\0', "no why");
		asy_mqtt_close(m);
		return;
	}
	ck_assert_msg(r == 1, "%s: connect %d (%s)", c->name, r, why);
	t0 = ut_now_ms();
	switch (c->what) {
	case DO_COLLECT:
	case DO_COLLECT2:
		r = asy_mqtt_collect(m, filters, c->what == DO_COLLECT ? 1 : 2,
		    250, c->max_msgs ? c->max_msgs : 100,
		    c->max_payload ? c->max_payload : 4096, &msgs, &n,
		    &refused);
		ck_assert_msg(r == c->want, "%s: collect %d (%s)", c->name, r,
		    asy_strerror(r));
		ck_assert_int_lt(ut_now_ms() - t0, 4500);
		if (r < 0 && r != ASY_E_CLOSED) {
			ck_assert_uint_eq(refused, 99);
			break;
		}
		ck_assert_uint_eq(n, c->want_n);
		ck_assert_uint_eq(refused, c->want_refused);
		break;
	case DO_PING:
		r = asy_mqtt_ping(m, 800);
		ck_assert_msg(r == c->want, "%s: ping %d", c->name, r);
		break;
	case DO_PUBLISH:
		ck_assert_int_eq(asy_mqtt_publish(m, "t/x", "data", 4), 0);
		ck_assert_int_eq(asy_mqtt_ping(m, 2000), 1);
		break;
	case DO_CONNECT:
		break;
	}
	/* What each message case must have kept. */
	if (strcmp(c->name, "retained") == 0) {
		ck_assert_str_eq(msgs[0].topic, "a/b");
		ck_assert_str_eq((char *)msgs[0].payload, "hi");
		ck_assert_uint_eq(msgs[0].len, 2);
		ck_assert_int_eq(msgs[0].retained, 1);
	} else if (strcmp(c->name, "binary topic") == 0) {
		ck_assert(memcmp(msgs[0].topic, "\x00\xff\x0a", 4) == 0);
		ck_assert_uint_eq(msgs[0].len, 3);
		ck_assert(memcmp(msgs[0].payload, "\x00" "AB", 4) == 0);
		ck_assert_int_eq(msgs[0].retained, 0);
	} else if (strcmp(c->name, "payload cut") == 0) {
		ck_assert_str_eq(msgs[0].topic, "x");
		ck_assert_uint_eq(msgs[0].len, 10);
		ck_assert_str_eq((char *)msgs[0].payload, "0123456789");
	} else if (strcmp(c->name, "big publish") == 0) {
		ck_assert_str_eq(msgs[0].topic, "big");
		/* Kept up to the packet cap (256 KiB), not the caller's. */
		ck_assert_uint_lt(msgs[0].len, (size_t)1 << 20);
		ck_assert_uint_ge(msgs[0].len, (size_t)64 << 10);
		ck_assert_uint_eq(strspn((char *)msgs[0].payload, "B"),
		    msgs[0].len);
		ck_assert_str_eq(msgs[1].topic, "a/b");
		ck_assert_str_eq((char *)msgs[1].payload, "hi");
	} else if (strcmp(c->name, "max msgs") == 0) {
		/* Done when full, before the wait is over. */
		ck_assert_int_lt(ut_now_ms() - t0, 200);
	} else if (strcmp(c->name, "closes") == 0) {
		ck_assert_int_eq(msgs[0].retained, 1);
		ck_assert_int_eq(msgs[1].retained, 0);
	}
	asy_mqtt_msgs_free(msgs, n);
	asy_mqtt_close(m);
	for (size_t i = 0; i < ASY_ELEMENTSOF(steps); i++)
		if (steps[i].op == MQ_EXPECT)
			free((char *)steps[i].hex);
}
END_TEST

/*
 * Connect with o to a fake that accepts, hands the CONNECT it read back
 * (as hex, into got) and answers CONNACK 0.
 */
static void
capture_connect(struct asy_mqtt_opts *o, struct asy_buf *got)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct asy_mqtt *m = NULL;
	unsigned char buf[512];
	char why[256] = "";
	int fds[2], ls, rc = -99, r;
	size_t k;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    fds), 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sa, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct asy_buf pkt;
		int fd;

		child_setup(SIGKILL);
		alarm(FAKE_LIFE);
		asy_buf_init(&pkt, 1 << 17);
		fd = accept(ls, NULL, NULL);
		if (fd < 0 || !fk_mqtt_packet(fd, &pkt))
			_exit(1);
		fk_send(fds[1], pkt.data, pkt.len);
		fk_hex(fd, "20020000");
		fk_linger(fd, 5000);
		_exit(0);
	}
	setpgid(pid, pid);
	track(pid);
	close(ls);
	close(fds[1]);
	o->addr = "127.0.0.1";
	o->port = ntohs(sa.sin_port);
	o->timeout_ms = 2000;
	r = asy_mqtt_connect(o, &m, &rc, why, sizeof(why));
	ck_assert_msg(r == 1, "%d: %s", r, why);
	ck_assert_int_eq(rc, 0);
	k = fk_recv(fds[0], buf, sizeof(buf), 2000);
	tohex(buf, k, got);
	asy_mqtt_close(m);
	close(fds[0]);
}

/* The CONNECT packet, byte for byte (MQTT 3.1.1 section 3.1): clean
 * session, keepalive 30, the flags for what is given. */
static const struct {
	const char	*client_id;
	const char	*user;
	const char	*pass;
	const char	*want;
} connects[] = {
	{ "ut", NULL, NULL, "100e00044d5154540402001e00027574" },
	{ "ut", "u", NULL, "10110004 4d515454 04 82 001e 0002 7574 0001 75" },
	{ "ut", "u", "p", "10140004 4d515454 04 c2 001e 0002 7574 0001 75 "
	    "0001 70" },
	/* A password needs a user name: an empty one. */
	{ "ut", NULL, "p", "10130004 4d515454 04 c2 001e 0002 7574 0000 0001 "
	    "70" },
	{ "", NULL, NULL, "100c00044d5154540402001e0000" },
};

START_TEST(test_mqtt_connect_bytes)
{
	struct asy_mqtt_opts o = { .client_id = connects[_i].client_id,
	    .user = connects[_i].user, .pass = connects[_i].pass };
	struct asy_buf want, got;

	asy_buf_init(&want, 4096);
	asy_buf_init(&got, 4096);
	for (const char *p = connects[_i].want; *p != '\0'; p++)
		if (*p != ' ')
			asy_buf_putc(&want, *p);
	capture_connect(&o, &got);
	ck_assert_ptr_nonnull(got.data);
	ck_assert_str_eq(got.data, want.data);
	asy_buf_release(&want);
	asy_buf_release(&got);
}
END_TEST

/* Without a client id the broker sees "assay-<pid>". */
START_TEST(test_mqtt_default_id)
{
	struct asy_mqtt_opts o = { .client_id = NULL };
	struct asy_buf want, got;
	char id[32];
	size_t n;

	n = (size_t)snprintf(id, sizeof(id), "assay-%ld", (long)getpid());
	asy_buf_init(&want, 4096);
	asy_buf_init(&got, 4096);
	asy_buf_printf(&want, "10%02zx00044d5154540402001e%04zx", 12 + n, n);
	tohex((const unsigned char *)id, n, &want);
	capture_connect(&o, &got);
	ck_assert_ptr_nonnull(got.data);
	ck_assert_str_eq(got.data, want.data);
	asy_buf_release(&want);
	asy_buf_release(&got);
}
END_TEST

START_TEST(test_mqtt_input)
{
	struct asy_mqtt_opts o = { .addr = "127.0.0.1", .timeout_ms = 1000 };
	struct asy_mqtt_opts bad = { .addr = "localhost", .port = 1883,
	    .timeout_ms = 1000 };
	struct asy_mqtt *m = NULL;
	char why[256] = "", *longid;
	int rc = -99;
	unsigned port;

	ck_assert_int_eq(asy_mqtt_connect(&bad, &m, &rc, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_ptr_null(m);
	/* Nobody listens: refused. */
	free_ports(SOCK_STREAM, &port, 1);
	o.port = port;
	ck_assert_int_eq(asy_mqtt_connect(&o, &m, &rc, why, sizeof(why)),
	    ASY_E_REFUSED);
	ck_assert_int_eq(rc, -99);
	/* A client id over 65535 bytes cannot be encoded. */
	longid = malloc(70000);
	ck_assert_ptr_nonnull(longid);
	memset(longid, 'i', 69999);
	longid[69999] = '\0';
	o.client_id = longid;
	ck_assert_int_eq(asy_mqtt_connect(&o, &m, &rc, why, sizeof(why)),
	    ASY_E_INPUT);
	free(longid);
	asy_mqtt_close(NULL);
	asy_mqtt_msgs_free(NULL, 0);
}
END_TEST

/* ---- MQTT: mosquitto ----------------------------------------------------- */

#define MQ_USER		"assay-ut"
#define MQ_PASS		"s3cret-pass"
#define MQ_RETAINED	"assay/ut/retained"

struct broker {
	unsigned	anon;	/* anonymous allowed */
	unsigned	auth;	/* password file, no anonymous */
	unsigned	tls;	/* TLS, anonymous allowed */
};

/* Run a helper program to its end (30 s at most); its exit status. */
static int
run_tool(char *const argv[], const char *dir)
{
	char *out = join(dir, "tool.out"), *err = join(dir, "tool.err");
	int r = ut_spawn(argv, out, err, 30000);

	if (r != 0) {
		struct asy_buf b;

		ut_load(err, &b);
		fprintf(stderr, "%s: exit %d: %s\n", argv[0], r, b.data);
		asy_buf_release(&b);
	}
	free(out);
	free(err);
	return r;
}

/*
 * mosquitto on 127.0.0.1 with three listeners, a password file made with
 * mosquitto_passwd, a key and certificate made with openssl, and a
 * retained message published with mosquitto_pub -r.  0 when a program is
 * missing.
 */
static int
start_mosquitto(struct broker *br)
{
	char *dir, *conf, *log, *pw, *key, *cert;
	char port_s[16];
	unsigned ports[3];
	struct asy_buf b;

	if (!have("/usr/sbin/mosquitto") || !have("/usr/bin/mosquitto_pub") ||
	    !have("/usr/bin/mosquitto_passwd") || !have("/usr/bin/openssl"))
		return 0;
	dir = ut_tmpdir();
	conf = join(dir, "mosquitto.conf");
	log = join(dir, "mosquitto.log");
	pw = join(dir, "passwd");
	key = join(dir, "key.pem");
	cert = join(dir, "cert.pem");
	{
		char *argv[] = { "/usr/bin/mosquitto_passwd", "-c", "-b", pw,
		    MQ_USER, MQ_PASS, NULL };

		ck_assert_int_eq(run_tool(argv, dir), 0);
	}
	{
		char *argv[] = { "/usr/bin/openssl", "req", "-x509", "-newkey",
		    "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		    "-keyout", key, "-out", cert, "-days", "2", "-subj",
		    "/CN=127.0.0.1", NULL };

		ck_assert_int_eq(run_tool(argv, dir), 0);
	}
	free_ports(SOCK_STREAM, ports, 3);
	br->anon = ports[0];
	br->auth = ports[1];
	br->tls = ports[2];
	asy_buf_init(&b, 4096);
	asy_buf_printf(&b, "per_listener_settings true\n"
	    "persistence false\n"
	    "user root\n"
	    "log_dest stdout\n"
	    "listener %u 127.0.0.1\n"
	    "allow_anonymous true\n"
	    "listener %u 127.0.0.1\n"
	    "allow_anonymous false\n"
	    "password_file %s\n"
	    "listener %u 127.0.0.1\n"
	    "allow_anonymous true\n"
	    "certfile %s\n"
	    "keyfile %s\n", br->anon, br->auth, pw, br->tls, cert, key);
	ut_write(conf, b.data, b.len);
	asy_buf_release(&b);
	{
		char *argv[] = { "/usr/sbin/mosquitto", "-c", conf, NULL };

		spawn(argv, log, NULL, NULL, NULL);
	}
	wait_tcp(br->anon, "mosquitto", log);
	wait_tcp(br->auth, "mosquitto", log);
	wait_tcp(br->tls, "mosquitto", log);
	snprintf(port_s, sizeof(port_s), "%u", br->anon);
	{
		char *argv[] = { "/usr/bin/mosquitto_pub", "-h", "127.0.0.1",
		    "-p", port_s, "-t", MQ_RETAINED, "-m", "retained-hello",
		    "-r", "-q", "1", NULL };

		ck_assert_int_eq(run_tool(argv, dir), 0);
	}
	free(conf);
	free(log);
	free(pw);
	free(key);
	free(cert);
	free(dir);
	return 1;
}

/* Which listener, which credentials, what CONNECT gives. */
static const struct {
	const char	*name;
	int		 listener;	/* anon, auth, tls, closed */
	int		 tls;
	const char	*user;
	const char	*pass;
	int		 want;
	int		 rc_lo, rc_hi;	/* *rc when want is 0 */
} broker_connects[] = {
	{ "anonymous", 0, 0, NULL, NULL, 1, 0, 0 },
	{ "anonymous with a name", 0, 0, "someone", "x", 1, 0, 0 },
	{ "anonymous refused", 1, 0, NULL, NULL, 0, 4, 5 },
	{ "wrong password", 1, 0, MQ_USER, "wrong", 0, 4, 5 },
	{ "unknown user", 1, 0, "nobody-here", MQ_PASS, 0, 4, 5 },
	{ "user without password", 1, 0, MQ_USER, NULL, 0, 4, 5 },
	{ "right password", 1, 0, MQ_USER, MQ_PASS, 1, 0, 0 },
	{ "tls", 2, 1, NULL, NULL, 1, 0, 0 },
	{ "plain to tls", 2, 0, NULL, NULL, 0, -1, -1 },
	{ "tls to plain", 0, 1, NULL, NULL, ASY_E_PROTO, 0, 0 },
	{ "nobody listens", 3, 0, NULL, NULL, ASY_E_REFUSED, 0, 0 },
};

START_TEST(test_mosquitto_connect)
{
	struct broker br;
	unsigned closed;

	if (!start_mosquitto(&br))
		return;
	free_ports(SOCK_STREAM, &closed, 1);
	for (size_t i = 0; i < ASY_ELEMENTSOF(broker_connects); i++) {
		const unsigned ports[] = { br.anon, br.auth, br.tls, closed };
		struct asy_mqtt_opts o = { .addr = "127.0.0.1",
		    .port = ports[broker_connects[i].listener],
		    .tls = broker_connects[i].tls, .timeout_ms = 3000,
		    .user = broker_connects[i].user,
		    .pass = broker_connects[i].pass };
		struct asy_mqtt *m = NULL;
		char why[256] = "";
		int rc = -99, r;

		r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
		ck_assert_msg(r == broker_connects[i].want, "%s: %d (%s)",
		    broker_connects[i].name, r, why);
		if (r == 0)
			ck_assert_msg(rc >= broker_connects[i].rc_lo &&
			    rc <= broker_connects[i].rc_hi, "%s: rc %d",
			    broker_connects[i].name, rc);
		if (r == 1) {
			ck_assert_int_eq(rc, 0);
			ck_assert_int_eq(asy_mqtt_ping(m, 2000), 1);
		}
		asy_mqtt_close(m);
	}
}
END_TEST

static const struct asy_mqtt_msg *
find_msg(const struct asy_mqtt_msg *msgs, size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(msgs[i].topic, prefix, strlen(prefix)) == 0)
			return &msgs[i];
	return NULL;
}

/* "#" gets the retained message with retained=1, "$SYS/#" the broker's
 * version; what is published arrives; over TLS and with a password too. */
START_TEST(test_mosquitto_collect)
{
	const char *all[] = { "#" }, *sys[] = { "$SYS/#" };
	const char *none[] = { "assay/ut/none" };
	struct broker br;
	struct asy_mqtt_msg *msgs = NULL;
	const struct asy_mqtt_msg *msg;
	struct asy_mqtt *m = NULL;
	size_t n = 0, refused = 99;
	char why[256] = "";
	int rc, r;

	if (!start_mosquitto(&br))
		return;
	for (int listener = 0; listener < 3; listener++) {
		const unsigned ports[] = { br.anon, br.auth, br.tls };
		struct asy_mqtt_opts o = { .addr = "127.0.0.1",
		    .port = ports[listener], .tls = listener == 2,
		    .timeout_ms = 3000, .user = listener == 1 ? MQ_USER : NULL,
		    .pass = listener == 1 ? MQ_PASS : NULL };

		r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
		ck_assert_msg(r == 1, "listener %d: %d (%s)", listener, r,
		    why);
		r = asy_mqtt_collect(m, all, 1, 300, 100, 4096, &msgs, &n,
		    &refused);
		ck_assert_int_eq(r, 0);
		ck_assert_uint_eq(refused, 0);
		msg = find_msg(msgs, n, MQ_RETAINED);
		ck_assert_msg(msg != NULL, "listener %d: no retained message "
		    "in %zu", listener, n);
		ck_assert_str_eq(msg->topic, MQ_RETAINED);
		ck_assert_str_eq((char *)msg->payload, "retained-hello");
		ck_assert_uint_eq(msg->len, strlen("retained-hello"));
		ck_assert_int_eq(msg->retained, 1);
		/* "#" does not match $SYS topics. */
		ck_assert_ptr_null(find_msg(msgs, n, "$SYS"));
		asy_mqtt_msgs_free(msgs, n);

		r = asy_mqtt_collect(m, sys, 1, 300, 500, 4096, &msgs, &n,
		    &refused);
		ck_assert_int_eq(r, 0);
		msg = find_msg(msgs, n, "$SYS/broker/version");
		ck_assert_msg(msg != NULL, "no $SYS/broker/version in %zu", n);
		ck_assert_msg(strncmp((char *)msg->payload, "mosquitto "
		    "version", 17) == 0, "version \"%s\"", msg->payload);
		asy_mqtt_msgs_free(msgs, n);

		/* Still subscribed to "#": our own publication comes back,
		 * not retained. */
		ck_assert_int_eq(asy_mqtt_publish(m, "assay/ut/live", "x\0y",
		    3), 0);
		r = asy_mqtt_collect(m, none, 1, 300, 100, 4096, &msgs, &n,
		    &refused);
		ck_assert_int_eq(r, 0);
		msg = find_msg(msgs, n, "assay/ut/live");
		ck_assert_msg(msg != NULL, "own message not seen in %zu", n);
		ck_assert_uint_eq(msg->len, 3);
		ck_assert(memcmp(msg->payload, "x\0y", 4) == 0);
		ck_assert_int_eq(msg->retained, 0);
		asy_mqtt_msgs_free(msgs, n);
		asy_mqtt_close(m);
		m = NULL;
	}
}
END_TEST

/* ---- telnet: fake servers ------------------------------------------------ */

#define TN_IAC		"\xff"
#define TRANSCRIPT_MAX	((size_t)256 << 10)

/* A line from a telnet client (its IAC replies left out), within ms. */
static int
fk_line(int fd, char *line, size_t cap, int ms)
{
	long long deadline = ut_now_ms() + ms;
	size_t n = 0;
	int skip = 0;

	for (;;) {
		unsigned char c;

		if (fk_recv(fd, &c, 1, deadline - ut_now_ms()) != 1)
			return 0;
		if (skip > 0) {
			skip--;
			continue;
		}
		if (c == 0xff) {
			skip = 2;
			continue;
		}
		if (c == '\n') {
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			return 1;
		}
		if (n + 1 < cap)
			line[n++] = (char)c;
	}
}

/* A login conversation: banner (ending in a prompt), then per attempt:
 * the user name, "Password: " (or after_user), the password, then
 * after_pass or the refusal. */
struct tn_case {
	const char	*name;
	const char	*banner;
	int		 echo_user;	/* echo the user name back */
	const char	*after_user;	/* NULL: "Password: " */
	int		 close_after_user;
	const char	*after_pass;	/* for the password "good" */
	int		 delay_ms;	/* before answering a password */
	int		 close_after_pass;
	const char	*user, *pass;	/* what the client sends */
	unsigned long	 timeout_ms;
	int		 want;
	int		 no_user;	/* only a password is asked */
};

static void
tn_fake(int fd, const void *arg)
{
	const struct tn_case *c = arg;
	char user[256], pass[256];

	fk_puts(fd, c->banner);
	for (int attempt = 0; attempt < 3; attempt++) {
		if (c->no_user)
			goto password;
		if (!fk_line(fd, user, sizeof(user), 10000))
			return;
		if (c->echo_user) {
			fk_puts(fd, user);
			fk_puts(fd, "\r\n");
		}
		if (c->close_after_user)
			return;
		fk_puts(fd, c->after_user != NULL ? c->after_user :
		    "Password: ");
password:
		if (!fk_line(fd, pass, sizeof(pass), 10000))
			return;
		fk_sleep(c->delay_ms);
		if (strcmp(pass, "good") == 0) {
			fk_puts(fd, c->after_pass);
			if (c->close_after_pass)
				return;
			fk_linger(fd, 10000);
			return;
		}
		fk_puts(fd, "\r\nLogin incorrect\r\nfake login: ");
	}
}

#define TN_LOGIN	"\r\nFake device\r\n\r\nfake login: "

static const struct tn_case tn_logins[] = {
	{ "accepted", TN_LOGIN, 0, NULL, 0, "\r\nLast login: today\r\n$ ", 0,
	    0, "admin", "good", 3000, 1, 0 },
	{ "accepted root", TN_LOGIN, 1, NULL, 0, "\r\n~ # ", 0, 0, "root",
	    "good", 3000, 1, 0 },
	{ "menu without prompt", TN_LOGIN, 0, NULL, 0, "\r\nMain menu\r\n"
	    " 1) Status\r\n 2) Network settings\r\n 3) Reboot\r\nChoice",
	    0, 0, "admin", "good", 5000, 1, 0 },
	{ "last failed login", TN_LOGIN, 0, NULL, 0, "\r\nLast failed login: "
	    "Tue Nov 18 10:00 on pts/1\r\nThere were 2 failed login attempts "
	    "since the last successful login.\r\n$ ", 0, 0, "admin", "good",
	    3000, 1, 0 },
	{ "user name echoed", TN_LOGIN, 1, NULL, 0, "\r\n$ ", 0, 0,
	    "invalid", "good", 3000, 1, 0 },
	{ "no password asked", TN_LOGIN, 0, "\r\nWelcome\r\n$ ", 0, NULL, 0,
	    0, "admin", "good", 3000, 1, 0 },
	{ "incorrect", TN_LOGIN, 0, NULL, 0, NULL, 300, 0, "admin", "bad",
	    3000, 0, 0 },
	{ "access denied", TN_LOGIN, 0, NULL, 0, "\r\n% Access denied\r\n",
	    0, 1, "admin", "good", 3000, 0, 0 },
	{ "authentication failed", TN_LOGIN, 0, NULL, 0, "\r\n% "
	    "Authentication failed\r\n", 0, 0, "admin", "good", 3000, 0, 0 },
	{ "invalid", TN_LOGIN, 0, NULL, 0, "\r\nInvalid credentials\r\n", 0,
	    0, "admin", "good", 3000, 0, 0 },
	{ "asks again", TN_LOGIN, 0, NULL, 0, "\r\nfake login: ", 0, 0,
	    "admin", "good", 3000, 0, 0 },
	{ "password again", TN_LOGIN, 0, NULL, 0, "\r\nPassword: ", 0, 0,
	    "admin", "good", 3000, 0, 0 },
	{ "hangs up", TN_LOGIN, 0, NULL, 0, "", 0, 1, "admin", "good", 3000,
	    ASY_E_CLOSED, 0 },
	{ "hangs up after user", TN_LOGIN, 0, NULL, 1, NULL, 0, 0, "admin",
	    "good", 3000, ASY_E_CLOSED, 0 },
	{ "says nothing", TN_LOGIN, 0, NULL, 0, "", 0, 0, "admin", "good",
	    1500, ASY_E_TIMEOUT, 0 },
	{ "slow refusal", TN_LOGIN, 0, NULL, 0, NULL, 2500, 0, "admin", "bad",
	    1000, ASY_E_TIMEOUT, 0 },
	{ "password only", "\r\nUser Access Verification\r\n\r\nPassword: ",
	    0, NULL, 0, "\r\nrouter> ", 0, 0, "admin", "good", 3000, 1, 1 },
};

START_TEST(test_telnet_login)
{
	const struct tn_case *c = &tn_logins[_i];
	struct asy_telnet *t = NULL;
	struct asy_buf tr;
	char why[256] = "";
	long long t0;
	unsigned port;
	int r;

	asy_buf_init(&tr, TRANSCRIPT_MAX);
	port = fake_tcp(tn_fake, c, 1);
	r = asy_telnet_open("127.0.0.1", port, 3000, &tr, &t, why,
	    sizeof(why));
	ck_assert_msg(r == (c->no_user ? 3 : 1), "%s: open %d (%s)", c->name,
	    r, why);
	ck_assert_ptr_nonnull(t);
	t0 = ut_now_ms();
	r = asy_telnet_login(t, c->user, c->pass, c->timeout_ms);
	ck_assert_msg(r == c->want, "%s: login %d (%s), want %d; transcript: "
	    "%s", c->name, r, asy_strerror(r), c->want, tr.data);
	ck_assert_msg(ut_now_ms() - t0 < (long long)c->timeout_ms + 400,
	    "%s: took %lld ms", c->name, ut_now_ms() - t0);
	/* The transcript has what came after the login too. */
	if (c->after_user == NULL && !c->close_after_user)
		ck_assert_ptr_nonnull(strstr(tr.data, "Password: "));
	if (c->after_pass != NULL && strcmp(c->pass, "good") == 0)
		ck_assert_ptr_nonnull(strstr(tr.data, c->after_pass));
	asy_telnet_close(t);
	asy_buf_release(&tr);
}
END_TEST

/* Refused, then the same connection takes another try at the next
 * prompt; a server that hangs up after the last try is closed. */
START_TEST(test_telnet_retry)
{
	struct tn_case c = tn_logins[0];
	struct asy_telnet *t = NULL;
	char why[256] = "";
	unsigned port;
	int r;

	c.delay_ms = 200;
	port = fake_tcp(tn_fake, &c, 2);
	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 3000, NULL, &t,
	    why, sizeof(why)), 1);
	ck_assert_int_eq(asy_telnet_login(t, "admin", "bad", 3000), 0);
	ck_assert_int_eq(asy_telnet_login(t, "admin", "bad2", 3000), 0);
	ck_assert_int_eq(asy_telnet_login(t, "admin", "good", 3000), 1);
	/* Logged in: nothing more to do. */
	ck_assert_int_eq(asy_telnet_login(t, "admin", "good", 3000), 1);
	asy_telnet_close(t);

	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 3000, NULL, &t,
	    why, sizeof(why)), 1);
	for (int i = 0; i < 3; i++) {
		r = asy_telnet_login(t, "admin", "bad", 3000);
		ck_assert_msg(r == 0, "try %d: %d", i, r);
	}
	r = asy_telnet_login(t, "admin", "good", 3000);
	ck_assert_msg(r == ASY_E_CLOSED, "after the last try: %d", r);
	asy_telnet_close(t);
}
END_TEST

/* Options: each request refused, once (the fake checks the replies), the
 * subnegotiation skipped, IAC IAC a 0xff byte of text. */
static void
tn_negotiate(int fd, const void *arg)
{
	static const unsigned char want[] = {
		0xff, 0xfc, 24,		/* WONT TERMINAL-TYPE */
		0xff, 0xfe, 1,		/* DONT ECHO */
		0xff, 0xfe, 3,		/* DONT SUPPRESS-GO-AHEAD */
		0xff, 0xfc, 31,		/* WONT NAWS */
	};
	unsigned char got[sizeof(want)];

	(void)arg;
	fk_send(fd, "\xff\xfd\x18\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"
	    "\xff\xfc\x05\xff\xfe\x06", 18);
	/* And nothing for WONT and DONT. */
	if (!fk_recv_all(fd, got, sizeof(got), ut_now_ms() + 3000) ||
	    memcmp(got, want, sizeof(want)) != 0 ||
	    fk_recv(fd, got, 1, 300) != 0) {
		fk_puts(fd, "bad negotiation\r\n");
		return;
	}
	fk_send(fd, "\xff\xfa\x18\x01\xff\xff\xff\xf0", 8);
	fk_send(fd, "\r\nFake\xff\xff" "device\r\n\xff\xf1\xff\xf9", 20);
	fk_send(fd, "ok\r\0x\r\nfake login: ", 19);
	fk_linger(fd, 5000);
}

START_TEST(test_telnet_negotiation)
{
	struct asy_telnet *t = NULL;
	struct asy_buf tr;
	char why[256] = "";
	unsigned port;
	int r;

	asy_buf_init(&tr, TRANSCRIPT_MAX);
	port = fake_tcp(tn_negotiate, NULL, 1);
	r = asy_telnet_open("127.0.0.1", port, 3000, &tr, &t, why,
	    sizeof(why));
	ck_assert_msg(r == 1, "%d (%s): %s", r, why, tr.data);
	ck_assert_uint_eq(tr.len, strlen("\r\nFake\xff" "device\r\nok\rx\r\n"
	    "fake login: "));
	ck_assert(memcmp(tr.data, "\r\nFake\xff" "device\r\nok\rx\r\nfake "
	    "login: ", tr.len) == 0);
	asy_telnet_close(t);
	asy_buf_release(&tr);
}
END_TEST

/* What a server says before any login, and what open() makes of it. */
static void
tn_say(int fd, const void *arg)
{
	fk_puts(fd, arg);
	fk_linger(fd, 10000);
}

static void
tn_close(int fd, const void *arg)
{
	fk_puts(fd, arg);
}

/* 1 MiB of text without a prompt. */
static void
tn_huge(int fd, const void *arg)
{
	char line[1024];

	(void)arg;
	memset(line, 'A', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 1024; i++)
		fk_send(fd, line, sizeof(line));
	fk_linger(fd, 10000);
}

/* 33280 option requests, then how many reply bytes came, and a prompt. */
static void
tn_flood(int fd, const void *arg)
{
	unsigned char req[3 * 2 * 256], junk[65536];
	size_t total = 0, got;
	char msg[64];

	(void)arg;
	for (int i = 0; i < 256; i++) {
		req[6 * i] = 0xff;
		req[6 * i + 1] = 0xfd;		/* DO */
		req[6 * i + 2] = (unsigned char)i;
		req[6 * i + 3] = 0xff;
		req[6 * i + 4] = 0xfb;		/* WILL */
		req[6 * i + 5] = (unsigned char)i;
	}
	for (int round = 0; round < 65; round++) {
		fk_send(fd, req, sizeof(req));
		do {
			got = fk_recv(fd, junk, sizeof(junk), 0);
			total += got;
		} while (got > 0);
	}
	do {
		got = fk_recv(fd, junk, sizeof(junk), 500);
		total += got;
	} while (got > 0);
	snprintf(msg, sizeof(msg), "\r\nreplies=%zu\r\nlogin: ", total);
	fk_puts(fd, msg);
	fk_linger(fd, 10000);
}

/* A subnegotiation that never ends, then text and a prompt. */
static void
tn_endless_sb(int fd, const void *arg)
{
	char x[20000];

	(void)arg;
	memset(x, 'x', sizeof(x));
	fk_send(fd, "\xff\xfa\x18", 3);
	fk_send(fd, x, sizeof(x));
	fk_puts(fd, "\r\nlogin: ");
	fk_linger(fd, 10000);
}

/* 64 KiB of pseudo-random bytes (IAC sequences among them). */
static void
tn_garbage(int fd, const void *arg)
{
	unsigned char b[65536];
	unsigned x = 12345;

	(void)arg;
	for (size_t i = 0; i < sizeof(b); i++) {
		x = x * 1103515245 + 12345;
		b[i] = (unsigned char)(x >> 16);
	}
	fk_send(fd, b, sizeof(b));
	fk_puts(fd, "\r\n");
	fk_linger(fd, 10000);
}

/* Text, a pause longer than the quiet time, then the prompt. */
static void
tn_slow(int fd, const void *arg)
{
	fk_puts(fd, "\r\nBooting services...\r\n");
	fk_sleep(500);
	fk_puts(fd, arg);
	fk_linger(fd, 10000);
}

/* A shell-like "$ " that is not the end: a login prompt follows at once. */
static void
tn_not_yet(int fd, const void *arg)
{
	fk_puts(fd, "\r\nSystem ready.\r\n$ ");
	fk_sleep(100);
	fk_puts(fd, arg);
	fk_linger(fd, 10000);
}

static const struct {
	const char	*name;
	fake_fn		 fn;
	const char	*arg;
	int		 want;
	long long	 max_ms;
} tn_opens[] = {
	{ "login prompt", tn_say, "\r\nDebian GNU/Linux 12\r\n\r\nhost login: ",
	    1, 500 },
	{ "username prompt", tn_say, "\r\nUsername: ", 1, 500 },
	{ "user name prompt", tn_say, "User Name:", 1, 500 },
	{ "upper case", tn_say, "LOGIN:  ", 1, 500 },
	{ "password prompt", tn_say, "\r\nUser Access Verification\r\n\r\n"
	    "Password: ", 3, 500 },
	{ "root shell", tn_say, "\r\nBusyBox v1.31.1 built-in shell (ash)\r\n"
	    "\r\n~ # ", 2, 1000 },
	{ "user shell", tn_say, "welcome\r\nuser@cam:~$ ", 2, 1000 },
	{ "cli", tn_say, "\r\nrouter> ", 2, 1000 },
	{ "prompt in the middle", tn_say, "Last login: here\r\nno prompt "
	    "here\r\n", 0, 1500 },
	{ "ssh banner", tn_say, "SSH-2.0-OpenSSH_9.2p1\r\n", 0, 1500 },
	{ "markup", tn_say, "<html><body>login:</body></html>\r\n", 0,
	    1500 },
	{ "silent", tn_say, "", ASY_E_TIMEOUT, 1500 },
	{ "closes at once", tn_close, "", ASY_E_CLOSED, 500 },
	{ "closes after a banner", tn_close, "Too many connections\r\n",
	    ASY_E_CLOSED, 500 },
	{ "closes at the prompt", tn_close, "login: ", 1, 500 },
	{ "slow banner", tn_slow, "login: ", 1, 1500 },
	{ "shell after a pause", tn_slow, "# ", 2, 2000 },
	{ "not quiet yet", tn_not_yet, "\r\nlogin: ", 1, 1000 },
	{ "1 MiB without prompt", tn_huge, NULL, 0, 1500 },
	{ "option flood", tn_flood, NULL, 1, 2000 },
	{ "endless subnegotiation", tn_endless_sb, NULL, 1, 1000 },
	{ "garbage", tn_garbage, NULL, 0, 1500 },
};

START_TEST(test_telnet_open)
{
	struct asy_telnet *t = NULL;
	struct asy_buf tr;
	char why[256] = "";
	long long t0, took;
	unsigned port;
	int r;

	asy_buf_init(&tr, TRANSCRIPT_MAX);
	port = fake_tcp(tn_opens[_i].fn, tn_opens[_i].arg, 1);
	t0 = ut_now_ms();
	r = asy_telnet_open("127.0.0.1", port, 1000, &tr, &t, why,
	    sizeof(why));
	took = ut_now_ms() - t0;
	ck_assert_msg(r == tn_opens[_i].want, "%s: %d (%s), want %d",
	    tn_opens[_i].name, r, why, tn_opens[_i].want);
	ck_assert_msg(took <= tn_opens[_i].max_ms, "%s: took %lld ms",
	    tn_opens[_i].name, took);
	ck_assert_msg(why[0] != '\0', "no why");
	if (r >= 1 && r <= 3)
		ck_assert_ptr_nonnull(t);
	else
		ck_assert_ptr_null(t);
	ck_assert_uint_le(tr.len, TRANSCRIPT_MAX);
	if (tn_opens[_i].arg != NULL && tn_opens[_i].fn != tn_slow &&
	    tn_opens[_i].fn != tn_not_yet)
		ck_assert_str_eq(tr.len > 0 ? tr.data : "", tn_opens[_i].arg);
	if (tn_opens[_i].fn == tn_flood) {
		const char *p = strstr(tr.data, "replies=");
		unsigned long replies;

		ck_assert_ptr_nonnull(p);
		replies = strtoul(p + 8, NULL, 10);
		/* 256 options, DO and WILL, answered a few times each. */
		ck_assert_uint_ge(replies, 2 * 256 * 3);
		ck_assert_uint_le(replies, 2 * 256 * 3 * 4);
		ck_assert_ptr_null(memchr(tr.data, 0xff, tr.len));
	}
	if (tn_opens[_i].fn == tn_endless_sb) {
		/* Skipped up to its cap, the rest is text. */
		ck_assert_uint_gt(tr.len, 18000);
		ck_assert_uint_lt(tr.len, 20000);
	}
	if (tn_opens[_i].fn == tn_huge)
		ck_assert_uint_le(tr.len, (size_t)1 << 20);
	asy_telnet_close(t);
	asy_buf_release(&tr);
}
END_TEST

/* A transcript smaller than what comes stops growing at its cap. */
START_TEST(test_telnet_transcript_cap)
{
	struct asy_telnet *t = NULL;
	struct asy_buf tr;
	char why[256] = "";
	unsigned port;
	int r;

	asy_buf_init(&tr, 100);
	port = fake_tcp(tn_huge, NULL, 1);
	r = asy_telnet_open("127.0.0.1", port, 2000, &tr, &t, why,
	    sizeof(why));
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(tr.len, 100);
	ck_assert_uint_eq(strspn(tr.data, "A"), 100);
	/* NULL transcript, bad address, nobody listening. */
	port = fake_tcp(tn_say, "login: ", 1);
	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 2000, NULL, &t,
	    why, sizeof(why)), 1);
	asy_telnet_close(t);
	t = NULL;
	ck_assert_int_eq(asy_telnet_open("host.example", 23, 2000, NULL, &t,
	    why, sizeof(why)), ASY_E_INPUT);
	free_ports(SOCK_STREAM, &port, 1);
	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 2000, NULL, &t,
	    why, sizeof(why)), ASY_E_REFUSED);
	ck_assert_ptr_null(t);
	asy_telnet_close(NULL);
	asy_buf_release(&tr);
}
END_TEST

/* ---- telnet: inetutils telnetd and /bin/login ---------------------------- */

#define TD_PASS		"Assay-ut-7f3k"

/* The files mounted over the host's inside the daemon's namespace. */
static const char *const ns_targets[] = {
	"/etc/passwd", "/etc/shadow", "/var/log/wtmp", "/var/log/btmp",
	"/var/log/lastlog", "/var/log/faillog",
};

struct ns_files {
	char	*src[ASY_ELEMENTSOF(ns_targets)];
};

/*
 * In the daemon's child, before exec: a private mount namespace where
 * /etc/passwd and /etc/shadow are our copies with the test account, the
 * login records are scratch files and /run is an empty tmpfs (so PAM's
 * motd and utmp land there).  Nothing of the host is written.
 */
static int
enter_ns(void *arg)
{
	const struct ns_files *f = arg;

	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	for (size_t i = 0; i < ASY_ELEMENTSOF(ns_targets); i++) {
		/* Login records that do not exist are not made. */
		if (i >= 2 && access(ns_targets[i], F_OK) < 0)
			continue;
		if (mount(f->src[i], ns_targets[i], NULL, MS_BIND, NULL) < 0)
			return -1;
	}
	if (mount("tmpfs", "/run", "tmpfs", 0, "mode=0755,size=8m") < 0)
		return -1;
	return 0;
}

/* Can this process make a mount namespace (root, not a locked-down
 * container)?  Tried in a child. */
static int
can_unshare(void)
{
	pid_t pid = fork();
	int st = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) == 0 ? 0 : 1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * telnetd (one per connection, behind socat) on 127.0.0.1 with /bin/login
 * and an account user / TD_PASS that exists only in its namespace.  0 when
 * that cannot be done here (not root, a program missing, no namespaces).
 */
static int
start_telnetd(unsigned *port, char *user, size_t user_len)
{
	static struct ns_files files;
	char *dir, *log, *hashfile, listen[96];
	struct asy_buf b, hash;
	unsigned uid = 64990;

	if (getuid() != 0) {
		fprintf(stderr, "# skipped: telnetd with /bin/login needs "
		    "root\n");
		return 0;
	}
	if (!have("/usr/sbin/telnetd") || !have("/usr/bin/socat") ||
	    !have("/bin/login") || !have("/usr/bin/openssl"))
		return 0;
	if (!can_unshare()) {
		fprintf(stderr, "# skipped: no mount namespaces here\n");
		return 0;
	}
	while (getpwuid(uid) != NULL)
		uid++;
	snprintf(user, user_len, "assayut%u", uid);
	ck_assert_ptr_null(getpwnam(user));
	dir = ut_tmpdir();
	log = join(dir, "telnetd.log");
	hashfile = join(dir, "hash");
	{
		char *argv[] = { "/usr/bin/openssl", "passwd", "-6", TD_PASS,
		    NULL };
		char *err = join(dir, "openssl.err");

		ck_assert_int_eq(ut_spawn(argv, hashfile, err, 30000), 0);
		free(err);
	}
	ut_load(hashfile, &hash);
	hash.data[strcspn(hash.data, "\r\n")] = '\0';
	ck_assert_msg(strncmp(hash.data, "$6$", 3) == 0, "hash %s",
	    hash.data);
	for (size_t i = 0; i < ASY_ELEMENTSOF(ns_targets); i++) {
		const char *base = strrchr(ns_targets[i], '/') + 1;

		files.src[i] = join(dir, base);
		asy_buf_init(&b, (size_t)16 << 20);
		if (i < 2) {
			ck_assert_int_eq(asy_buf_load_file(&b,
			    ns_targets[i]), 0);
			if (b.len > 0 && b.data[b.len - 1] != '\n')
				asy_buf_putc(&b, '\n');
		}
		if (i == 0)
			asy_buf_printf(&b, "%s:x:%u:%u:assay unit test:/:"
			    "/bin/sh\n", user, uid, uid);
		else if (i == 1)
			asy_buf_printf(&b, "%s:%s:19000:0:99999:7:::\n", user,
			    hash.data);
		ut_write(files.src[i], b.data != NULL ? b.data : "", b.len);
		asy_buf_release(&b);
	}
	ck_assert_int_eq(chmod(files.src[1], 0600), 0);
	asy_buf_release(&hash);
	free_ports(SOCK_STREAM, port, 1);
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%u,bind=127.0.0.1,reuseaddr,fork", *port);
	{
		char *argv[] = { "/usr/bin/socat", listen,
		    "EXEC:/usr/sbin/telnetd,nofork", NULL };

		spawn(argv, log, NULL, enter_ns, &files);
	}
	wait_tcp(*port, "socat/telnetd", log);
	free(hashfile);
	free(log);
	free(dir);
	return 1;
}

/* The real thing: a login prompt, the right password gives a shell. */
START_TEST(test_telnetd_login)
{
	struct asy_telnet *t = NULL;
	struct asy_buf tr;
	char user[64], why[256] = "";
	unsigned port;
	int r;

	if (!start_telnetd(&port, user, sizeof(user)))
		return;
	asy_buf_init(&tr, TRANSCRIPT_MAX);
	r = asy_telnet_open("127.0.0.1", port, 10000, &tr, &t, why,
	    sizeof(why));
	ck_assert_msg(r == 1, "%d (%s): %s", r, why, tr.data);
	ck_assert_ptr_nonnull(strstr(tr.data, "login: "));
	ck_assert_ptr_null(memchr(tr.data, 0xff, tr.len));
	r = asy_telnet_login(t, user, TD_PASS, 10000);
	ck_assert_msg(r == 1, "%d: %s", r, tr.data);
	ck_assert_msg(tr.len >= 2 && strcmp(tr.data + tr.len - 2, "$ ") == 0,
	    "no shell prompt at the end: %s", tr.data);
	asy_telnet_close(t);
	asy_buf_release(&tr);
}
END_TEST

/* Refusals: /bin/login answers "Login incorrect" after pam_faildelay's
 * 3 s and asks again, on the same connection; a timeout shorter than the
 * delay is a timeout, not a refusal. */
START_TEST(test_telnetd_refused)
{
	struct asy_telnet *t = NULL;
	char user[64], why[256] = "";
	unsigned port;
	long long t0;
	int r;

	if (!start_telnetd(&port, user, sizeof(user)))
		return;
	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 10000, NULL, &t,
	    why, sizeof(why)), 1);
	t0 = ut_now_ms();
	r = asy_telnet_login(t, user, "wrong", 10000);
	ck_assert_int_eq(r, 0);
	ck_assert_int_lt(ut_now_ms() - t0, 9000);
	r = asy_telnet_login(t, user, TD_PASS, 10000);
	ck_assert_int_eq(r, 1);
	asy_telnet_close(t);

	ck_assert_int_eq(asy_telnet_open("127.0.0.1", port, 10000, NULL, &t,
	    why, sizeof(why)), 1);
	t0 = ut_now_ms();
	r = asy_telnet_login(t, user, "wrong", 1000);
	ck_assert_int_eq(r, ASY_E_TIMEOUT);
	ck_assert_int_lt(ut_now_ms() - t0, 1500);
	asy_telnet_close(t);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

static Suite *
clients_suite(void)
{
	Suite *s = suite_create("clients");
	TCase *tc;

	tc = tcase_create("snmp");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_snmp_fake, 0, ASY_ELEMENTSOF(sn_cases));
	tcase_add_loop_test(tc, test_snmp_encode, 0,
	    ASY_ELEMENTSOF(encodings));
	tcase_add_test(tc, test_snmp_encode_multi);
	tcase_add_loop_test(tc, test_snmp_set_encode, 0,
	    ASY_ELEMENTSOF(set_encodings));
	tcase_add_test(tc, test_snmp_set_answers);
	tcase_add_test(tc, test_snmp_input);
	tcase_add_test(tc, test_snmp_unreachable);
	tcase_add_test(tc, test_snmp_ipv6);
	tcase_add_test(tc, test_snmpd_get);
	tcase_add_test(tc, test_snmpd_missing);
	tcase_add_test(tc, test_snmpd_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("mqtt");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_mqtt_fake, 0, ASY_ELEMENTSOF(mq_cases));
	tcase_add_loop_test(tc, test_mqtt_connect_bytes, 0,
	    ASY_ELEMENTSOF(connects));
	tcase_add_test(tc, test_mqtt_default_id);
	tcase_add_test(tc, test_mqtt_input);
	tcase_add_test(tc, test_mosquitto_connect);
	tcase_add_test(tc, test_mosquitto_collect);
	suite_add_tcase(s, tc);

	tc = tcase_create("telnet");
	tcase_set_timeout(tc, 40);
	tcase_add_loop_test(tc, test_telnet_open, 0, ASY_ELEMENTSOF(tn_opens));
	tcase_add_loop_test(tc, test_telnet_login, 0,
	    ASY_ELEMENTSOF(tn_logins));
	tcase_add_test(tc, test_telnet_retry);
	tcase_add_test(tc, test_telnet_negotiation);
	tcase_add_test(tc, test_telnet_transcript_cap);
	tcase_add_test(tc, test_telnetd_login);
	tcase_add_test(tc, test_telnetd_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(clients_suite());
}
