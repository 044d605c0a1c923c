/*
 * The SSH adapter (harness/sshc.c).
 *
 * Fake servers written here (forked children on 127.0.0.1, each bounded by
 * alarm() and killed with this process) give asy_ssh_offer() a table of
 * answers: good ones (lines before the identification line, SSH-1.99, a
 * bare LF, SSH_MSG_IGNORE first, bytes one at a time, a 10 KiB name-list,
 * control bytes to escape) and hostile ones (1 MiB without a newline, 100
 * lines of chatter, a 300-byte line, SSH-1.5, packet lengths of 0xffffffff
 * and 1, padding longer than the packet, a name-list length past the
 * packet, a packet cut short, another message, DISCONNECT, too many
 * IGNOREs, silence, a connection closed at once).  libssh's side meets
 * silence, an early close and SSH-1.5 too; a closed port is refused at
 * once; bad addresses and lists that libssh cannot offer are refused
 * before anything is sent; no descriptor is left behind.
 *
 * Real servers (as root, skipped with the reason otherwise): dropbear with
 * an RSA-1024 and an Ed25519 host key, OpenSSH's sshd with an Ed25519 key
 * only and one algorithm of each kind, and a second sshd that lets a
 * password in through keyboard-interactive (PAM).  The daemons run in a
 * private mount namespace whose /etc/passwd and /etc/shadow are temporary
 * copies with a test account (the host's files are never touched), on
 * 127.0.0.1 on a free port, under timeout(1), in their own process group,
 * killed when the test ends, even after a failed assertion (atexit) or a
 * crash (PR_SET_PDEATHSIG).  They give: what each offers; downgrades
 * (diffie-hellman-group1-sha1, ssh-rsa, 3DES, CBC, SHA-1) refused or
 * accepted as configured; the negotiated names and host key sizes; the
 * methods each names; passwords right and wrong; a server that hangs up
 * after too many failures (ASY_E_CLOSED, not a hang); public keys right
 * and wrong; keyboard-interactive; four threads at once.
 */
#include <check.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "sshc.h"
#include "ut.h"

/* ---- processes ---------------------------------------------------------- */

#define MAX_KIDS	16
/* Fakes end on their own after this (seconds). */
#define FAKE_LIFE	30
/* Daemons end on their own after this (seconds). */
#define DAEMON_LIFE	"90"

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

/* In a new child: own process group, dies with us. */
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

static char *
join(const char *a, const char *b)
{
	char *p = asy_path_join(a, b);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* A free loopback TCP port (nobody listens on it once this returns). */
static unsigned
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
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

/* How many descriptors this process has open; what they are in list. */
static int
count_fds(struct asy_buf *list)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	asy_buf_reset(list);
	ck_assert_int_eq(asy_buf_puts(list, ""), 0);
	while ((e = readdir(d)) != NULL) {
		char path[300], target[256];
		ssize_t k;

		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		k = readlink(path, target, sizeof(target) - 1);
		target[k > 0 ? k : 0] = '\0';
		ck_assert_int_eq(asy_buf_printf(list, " %s=%s", e->d_name,
		    target), 0);
	}
	closedir(d);
	return n;
}

/* ---- fake servers ------------------------------------------------------- */

enum fake_mode {
	FAKE_FIN,	/* send, end our side, read until the client goes */
	FAKE_HOLD,	/* send, then keep the connection open and read */
	FAKE_SLOW,	/* send a byte each millisecond, then as FAKE_FIN */
	FAKE_CLOSE,	/* close at once, reading nothing */
};

struct fake {
	const void	*data;
	size_t		 len;
	enum fake_mode	 mode;
};

static void
send_all(int fd, const unsigned char *p, size_t n, int slow)
{
	while (n > 0) {
		ssize_t w = send(fd, p, slow ? 1 : n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
		if (slow)
			poll(NULL, 0, 1);
	}
}

static void
drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void
fake_serve(int fd, const struct fake *f)
{
	if (f->mode == FAKE_CLOSE)
		return;
	send_all(fd, f->data, f->len, f->mode == FAKE_SLOW);
	if (f->mode != FAKE_HOLD)
		shutdown(fd, SHUT_WR);
	drain(fd);
}

/* A child on 127.0.0.1 that serves conns connections as f says; its port.
 * f's bytes are the parent's, copied with the fork. */
static unsigned
fake_tcp(const struct fake *f, int conns)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	pid_t pid;
	int lfd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		child_setup(SIGKILL);
		alarm(FAKE_LIFE);
		for (int i = 0; i < conns; i++) {
			int fd = accept(lfd, NULL, NULL);

			if (fd < 0)
				_exit(1);
			fake_serve(fd, f);
			close(fd);
		}
		_exit(0);
	}
	setpgid(pid, pid);
	track(pid);
	close(lfd);
	return ntohs(sa.sin_port);
}

/* ---- SSH packets, built by hand ----------------------------------------- */

static void
put_u32(struct asy_buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };

	ck_assert_int_eq(asy_buf_add(b, x, 4), 0);
}

static void
put_str(struct asy_buf *b, const char *s)
{
	put_u32(b, (uint32_t)strlen(s));
	ck_assert_int_eq(asy_buf_add(b, s, strlen(s)), 0);
}

/* A binary packet (no MAC) around payload: padded to a multiple of 8 with
 * at least 4 bytes, as RFC 4253 6 says. */
static void
put_packet(struct asy_buf *b, const void *payload, size_t n)
{
	static const unsigned char zeros[16];
	size_t pad = 8 - (4 + 1 + n) % 8;

	if (pad < 4)
		pad += 8;
	put_u32(b, (uint32_t)(1 + n + pad));
	ck_assert_int_eq(asy_buf_putc(b, (char)pad), 0);
	ck_assert_int_eq(asy_buf_add(b, payload, n), 0);
	ck_assert_int_eq(asy_buf_add(b, zeros, pad), 0);
}

/* The ten name-lists of a KEXINIT, client to server before server to
 * client where there are two. */
static const char *const good_lists[10] = {
	"curve25519-sha256,diffie-hellman-group1-sha1",
	"ssh-rsa,ssh-ed25519",
	"aes256-ctr",			/* client to server: not kept */
	"aes128-cbc,aes128-ctr",
	"hmac-sha2-256",		/* client to server: not kept */
	"hmac-md5,hmac-\x01x",
	"zlib",
	"none",
	"",
	"",
};

/* A KEXINIT payload with lists; trailer: the boolean and reserved word. */
static void
put_kexinit(struct asy_buf *b, const char *const lists[10], int trailer)
{
	struct asy_buf p;

	asy_buf_init(&p, 1 << 20);
	ck_assert_int_eq(asy_buf_putc(&p, 20), 0);
	ck_assert_int_eq(asy_buf_add(&p, "0123456789abcdef", 16), 0);
	for (int i = 0; i < 10; i++)
		put_str(&p, lists[i]);
	if (trailer) {
		ck_assert_int_eq(asy_buf_putc(&p, 0), 0);
		put_u32(&p, 0);
	}
	put_packet(b, p.data, p.len);
	asy_buf_release(&p);
}

static void
put_ignore(struct asy_buf *b)
{
	static const unsigned char ignore[] = { 2, 0, 0, 0, 3, 'x', 'y', 'z' };

	put_packet(b, ignore, sizeof(ignore));
}

#define IDENT	"SSH-2.0-Fake_1.0\r\n"

static void
mk_good(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "Welcome to the <b>device</b>\r\n"
	    "second line\r\nSSH-2.0-Fake_1.0 \x1b[31mred\r\n"), 0);
	put_ignore(b);
	put_kexinit(b, good_lists, 1);
}

static void
mk_lf_only(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "SSH-2.0-Fake_1.0\n"), 0);
	put_kexinit(b, good_lists, 1);
}

static void
mk_199(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "SSH-1.99-Old\r\n"), 0);
	put_kexinit(b, good_lists, 1);
}

static void
mk_nul_banner(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_add(b, "SSH-2.0-a\0b\xff\r\n", 14), 0);
	put_kexinit(b, good_lists, 1);
}

static void
mk_empty_lists(struct asy_buf *b)
{
	static const char *const empty[10] = { "", "", "", "", "", "", "", "",
	    "", "" };

	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_kexinit(b, empty, 1);
}

/* A kex list of about 10 KiB: names "kex-NNNN-padding...". */
static void
mk_long_list(struct asy_buf *b)
{
	struct asy_buf l;
	const char *lists[10];

	asy_buf_init(&l, 1 << 20);
	for (int i = 0; l.len < 10240; i++)
		ck_assert_int_eq(asy_buf_printf(&l, "%skex-%04d-abcdefghijklm",
		    i > 0 ? "," : "", i), 0);
	memcpy(lists, good_lists, sizeof(lists));
	lists[0] = l.data;
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_kexinit(b, lists, 1);
	asy_buf_release(&l);
}

static void
mk_garbage_mib(struct asy_buf *b)
{
	for (int i = 0; i < 1 << 20; i++)
		ck_assert_int_eq(asy_buf_putc(b, (char)('A' + i % 26)), 0);
}

static void
mk_chatter(struct asy_buf *b)
{
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(asy_buf_puts(b, "hello there\r\n"), 0);
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
}

static void
mk_long_line(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "SSH-2.0-"), 0);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(asy_buf_putc(b, 'x'), 0);
	ck_assert_int_eq(asy_buf_puts(b, "\r\n"), 0);
}

static void
mk_ssh1(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "SSH-1.5-Ancient\r\n"), 0);
}

static void
mk_http(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, "HTTP/1.1 400 Bad Request\r\n"
	    "Content-Length: 0\r\n\r\n"), 0);
}

static void
mk_len_huge(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_u32(b, 0xffffffffU);
	for (int i = 0; i < 4096; i++)
		ck_assert_int_eq(asy_buf_putc(b, 'z'), 0);
}

static void
mk_len_one(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_u32(b, 1);
	ck_assert_int_eq(asy_buf_add(b, "\0\0\0\0\0\0\0\0", 8), 0);
}

static void
mk_big_padding(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_u32(b, 12);
	ck_assert_int_eq(asy_buf_putc(b, (char)200), 0);
	ck_assert_int_eq(asy_buf_add(b, "\x14" "abcdefghij", 11), 0);
}

/* A KEXINIT whose first name-list says 0x7fffffff bytes. */
static void
mk_list_past(struct asy_buf *b)
{
	struct asy_buf p;

	asy_buf_init(&p, 4096);
	ck_assert_int_eq(asy_buf_putc(&p, 20), 0);
	ck_assert_int_eq(asy_buf_add(&p, "0123456789abcdef", 16), 0);
	put_u32(&p, 0x7fffffffU);
	ck_assert_int_eq(asy_buf_puts(&p, "curve25519-sha256"), 0);
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_packet(b, p.data, p.len);
	asy_buf_release(&p);
}

/* The fifth name-list runs one byte past the packet. */
static void
mk_list_past_later(struct asy_buf *b)
{
	struct asy_buf p;

	asy_buf_init(&p, 4096);
	ck_assert_int_eq(asy_buf_putc(&p, 20), 0);
	ck_assert_int_eq(asy_buf_add(&p, "0123456789abcdef", 16), 0);
	for (int i = 0; i < 4; i++)
		put_str(&p, good_lists[i]);
	put_u32(&p, 6);
	ck_assert_int_eq(asy_buf_puts(&p, "hmac-"), 0);
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	/* No padding beyond the minimum that could hide the overrun. */
	put_u32(b, (uint32_t)(1 + p.len + 4));
	ck_assert_int_eq(asy_buf_putc(b, 4), 0);
	ck_assert_int_eq(asy_buf_add(b, p.data, p.len), 0);
	ck_assert_int_eq(asy_buf_add(b, "\0\0\0\0", 4), 0);
	asy_buf_release(&p);
}

static void
mk_no_trailer(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_kexinit(b, good_lists, 0);
}

static void
mk_truncated(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_u32(b, 500);
	ck_assert_int_eq(asy_buf_add(b, "\x04\x14" "0123456789", 12), 0);
}

static void
mk_newkeys(struct asy_buf *b)
{
	static const unsigned char newkeys[] = { 21 };

	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_packet(b, newkeys, sizeof(newkeys));
}

static void
mk_disconnect(struct asy_buf *b)
{
	struct asy_buf p;

	asy_buf_init(&p, 4096);
	ck_assert_int_eq(asy_buf_putc(&p, 1), 0);
	put_u32(&p, 7);
	put_str(&p, "Too many connections\x07\x1b[2J");
	put_str(&p, "en");
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	put_packet(b, p.data, p.len);
	asy_buf_release(&p);
}

static void
mk_many_ignores(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
	for (int i = 0; i < 9; i++)
		put_ignore(b);
	put_kexinit(b, good_lists, 1);
}

static void
mk_nothing(struct asy_buf *b)
{
	(void)b;
}

static void
mk_ident_only(struct asy_buf *b)
{
	ck_assert_int_eq(asy_buf_puts(b, IDENT), 0);
}

/* Checks beyond the table's fields. */
static void
check_long_list(const struct asy_ssh_offer *o)
{
	size_t n = strlen(o->kex);

	ck_assert_msg(n > 4000 && n <= 4096, "kex list of %zu bytes", n);
	ck_assert_msg(strncmp(o->kex, "kex-0000-abcdefghijklm,", 23) == 0,
	    "kex list starts \"%.30s\"", o->kex);
	/* Cut after a whole name. */
	ck_assert_msg(strcmp(o->kex + n - 13, "abcdefghijklm") == 0,
	    "kex list ends \"%s\"", o->kex + n - 20);
	ck_assert_str_eq(o->hostkey, "ssh-rsa,ssh-ed25519");
}

struct offer_case {
	const char	*name;
	void		(*make)(struct asy_buf *);
	enum fake_mode	 mode;
	unsigned long	 timeout_ms;
	int		 want;
	const char	*why_has;	/* on errors */
	const char	*banner;	/* on success, NULL: not checked */
	const char	*kex, *hostkey, *cipher, *mac, *compression;
	void		(*check)(const struct asy_ssh_offer *);
};

#define GOOD_LISTS	"curve25519-sha256,diffie-hellman-group1-sha1", \
			"ssh-rsa,ssh-ed25519", "aes128-cbc,aes128-ctr", \
			"hmac-md5,hmac-?x", "none"

/* A case that fails: no fields to compare. */
#define FAILS(name, make, mode, ms, want, why) \
	{ name, make, mode, ms, want, why, .check = NULL }

static const struct offer_case offers[] = {
	{ "good", mk_good, FAKE_FIN, 3000, 0, NULL,
	  "SSH-2.0-Fake_1.0 ?[31mred", GOOD_LISTS, NULL },
	{ "lf only", mk_lf_only, FAKE_FIN, 3000, 0, NULL, "SSH-2.0-Fake_1.0",
	  GOOD_LISTS, NULL },
	{ "ssh-1.99", mk_199, FAKE_FIN, 3000, 0, NULL, "SSH-1.99-Old",
	  GOOD_LISTS, NULL },
	{ "slow", mk_good, FAKE_SLOW, 5000, 0, NULL,
	  "SSH-2.0-Fake_1.0 ?[31mred", GOOD_LISTS, NULL },
	{ "held open", mk_good, FAKE_HOLD, 3000, 0, NULL,
	  "SSH-2.0-Fake_1.0 ?[31mred", GOOD_LISTS, NULL },
	{ "nul in banner", mk_nul_banner, FAKE_FIN, 3000, 0, NULL,
	  "SSH-2.0-a?b?", GOOD_LISTS, NULL },
	{ "empty lists", mk_empty_lists, FAKE_FIN, 3000, 0, NULL,
	  "SSH-2.0-Fake_1.0", "", "", "", "", "", NULL },
	{ "10 KiB list", mk_long_list, FAKE_FIN, 3000, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, check_long_list },
	FAILS("1 MiB garbage", mk_garbage_mib, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "longer than 255"),
	FAILS("chatter", mk_chatter, FAKE_FIN, 3000, ASY_E_PROTO,
	  "no identification line"),
	FAILS("300-byte line", mk_long_line, FAKE_FIN, 3000, ASY_E_PROTO,
	  "longer than 255"),
	FAILS("ssh-1.5", mk_ssh1, FAKE_HOLD, 3000, ASY_E_PROTO, "not SSH 2"),
	FAILS("http", mk_http, FAKE_FIN, 3000, ASY_E_PROTO,
	  "before an identification line"),
	FAILS("length 0xffffffff", mk_len_huge, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "packet length 4294967295"),
	FAILS("length 1", mk_len_one, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "packet length 1"),
	FAILS("padding", mk_big_padding, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "padding of 200"),
	FAILS("list past packet", mk_list_past, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "kex_algorithms runs past"),
	FAILS("later list past", mk_list_past_later, FAKE_HOLD, 3000,
	  ASY_E_PROTO, "mac_algorithms_client_to_server runs past"),
	FAILS("no trailer", mk_no_trailer, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "first_kex_packet_follows"),
	FAILS("cut short", mk_truncated, FAKE_FIN, 3000, ASY_E_PROTO,
	  "cut short"),
	FAILS("newkeys", mk_newkeys, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "message 21"),
	FAILS("disconnect", mk_disconnect, FAKE_FIN, 3000, ASY_E_CLOSED,
	  "Too many connections??[2J"),
	FAILS("ignores", mk_many_ignores, FAKE_HOLD, 3000, ASY_E_PROTO,
	  "no KEXINIT in the first"),
	FAILS("silent", mk_nothing, FAKE_HOLD, 700, ASY_E_TIMEOUT,
	  "no identification line within 700 ms"),
	FAILS("banner then silent", mk_ident_only, FAKE_HOLD, 700,
	  ASY_E_TIMEOUT, "no KEXINIT within 700 ms"),
	FAILS("closed at once", mk_nothing, FAKE_CLOSE, 3000, ASY_E_CLOSED,
	  "closed the connection"),
};

static void
assert_field(const char *what, const char *got, const char *want)
{
	if (want == NULL)
		return;
	ck_assert_msg(got != NULL, "%s: NULL", what);
	ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\", want \"%s\"", what,
	    got, want);
}

START_TEST(test_offer_fake)
{
	const struct offer_case *c = &offers[_i];
	struct asy_ssh_offer o;
	struct fake f;
	struct asy_buf b;
	char why[512];
	long long t0, took;
	unsigned port;
	int r;

	asy_buf_init(&b, 8 << 20);
	c->make(&b);
	f = (struct fake){ b.data, b.len, c->mode };
	port = fake_tcp(&f, 1);
	memset(&o, 0x5a, sizeof(o));
	t0 = ut_now_ms();
	r = asy_ssh_offer("127.0.0.1", port, c->timeout_ms, &o, why,
	    sizeof(why));
	took = ut_now_ms() - t0;
	ck_assert_msg(r == c->want, "%s: %d (%s), want %d", c->name, r, why,
	    c->want);
	ck_assert_msg(took < (long long)c->timeout_ms + 1000, "%s: %lld ms",
	    c->name, took);
	if (c->want == ASY_E_TIMEOUT)
		ck_assert_msg(took >= (long long)c->timeout_ms - 50,
		    "%s: gave up after %lld ms", c->name, took);
	if (r < 0) {
		ck_assert_msg(strstr(why, c->why_has) != NULL, "%s: why \"%s\" "
		    "lacks \"%s\"", c->name, why, c->why_has);
		asy_buf_release(&b);
		return;
	}
	ck_assert_str_eq(why, "");
	assert_field("banner", o.banner, c->banner);
	assert_field("kex", o.kex, c->kex);
	assert_field("hostkey", o.hostkey, c->hostkey);
	assert_field("cipher", o.cipher, c->cipher);
	assert_field("mac", o.mac, c->mac);
	assert_field("compression", o.compression, c->compression);
	if (c->check != NULL)
		c->check(&o);
	asy_ssh_offer_release(&o);
	ck_assert_ptr_null(o.banner);
	asy_ssh_offer_release(&o);
	asy_ssh_offer_release(NULL);
	asy_buf_release(&b);
}
END_TEST

/* ---- libssh against fakes, bad input, closed ports ---------------------- */

struct hs_fake_case {
	const char	*name;
	void		(*make)(struct asy_buf *);
	enum fake_mode	 mode;
	int		 want_handshake;
	int		 want_open;
};

static const struct hs_fake_case hs_fakes[] = {
	{ "silent", mk_nothing, FAKE_HOLD, ASY_E_TIMEOUT, ASY_E_TIMEOUT },
	{ "banner then silent", mk_ident_only, FAKE_HOLD, ASY_E_TIMEOUT,
	  ASY_E_TIMEOUT },
	{ "closed at once", mk_nothing, FAKE_CLOSE, ASY_E_CLOSED,
	  ASY_E_CLOSED },
	{ "ssh-1.5", mk_ssh1, FAKE_HOLD, ASY_E_PROTO, ASY_E_PROTO },
	{ "1 MiB garbage", mk_garbage_mib, FAKE_FIN, ASY_E_PROTO,
	  ASY_E_PROTO },
};

START_TEST(test_libssh_fake)
{
	const struct hs_fake_case *c = &hs_fakes[_i];
	struct asy_ssh_nego n;
	struct asy_ssh *s = NULL;
	struct fake f;
	struct asy_buf b;
	char why[512];
	long long t0, took;
	unsigned port;
	int r;

	asy_buf_init(&b, 8 << 20);
	c->make(&b);
	f = (struct fake){ b.data, b.len, c->mode };
	port = fake_tcp(&f, 2);
	t0 = ut_now_ms();
	r = asy_ssh_handshake("127.0.0.1", port, 800, NULL, NULL, NULL, NULL,
	    &n, why, sizeof(why));
	took = ut_now_ms() - t0;
	ck_assert_msg(r == c->want_handshake, "%s: handshake %d (%s)", c->name,
	    r, why);
	ck_assert_msg(took < 1800, "%s: handshake took %lld ms", c->name,
	    took);
	ck_assert_str_ne(why, "");
	t0 = ut_now_ms();
	r = asy_ssh_open("127.0.0.1", port, 800, "someone", &s, why,
	    sizeof(why));
	took = ut_now_ms() - t0;
	ck_assert_msg(r == c->want_open, "%s: open %d (%s)", c->name, r, why);
	ck_assert_msg(took < 1800, "%s: open took %lld ms", c->name, took);
	ck_assert_ptr_null(s);
	asy_buf_release(&b);
}
END_TEST

/* Nobody listens: refused at once by all three. */
START_TEST(test_closed_port)
{
	unsigned port = free_port();
	struct asy_ssh_offer o;
	struct asy_ssh_nego n;
	struct asy_ssh *s = NULL;
	long long t0 = ut_now_ms();
	char why[256];

	ck_assert_int_eq(asy_ssh_offer("127.0.0.1", port, 5000, &o, why,
	    sizeof(why)), ASY_E_REFUSED);
	ck_assert_str_eq(why, "connection refused");
	ck_assert_int_eq(asy_ssh_handshake("127.0.0.1", port, 5000, NULL, NULL,
	    NULL, NULL, &n, why, sizeof(why)), ASY_E_REFUSED);
	ck_assert_int_eq(asy_ssh_open("127.0.0.1", port, 5000, "root", &s,
	    why, sizeof(why)), ASY_E_REFUSED);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(asy_ssh_offer("::1", port, 5000, &o, NULL, 0) < 0, 1);
	ck_assert_msg(ut_now_ms() - t0 < 1000, "refusals took %lld ms",
	    ut_now_ms() - t0);
}
END_TEST

/* Refused before anything is sent: nothing listens on the port, so a
 * connection attempt would say ASY_E_REFUSED instead. */
static const struct {
	const char	*addr;
	unsigned	 port;
	const char	*kex, *hostkey, *cipher, *mac;
	const char	*why_has;
} bad_inputs[] = {
	{ "localhost", 22, NULL, NULL, NULL, NULL, "" },
	{ "127.0.0.1", 0, NULL, NULL, NULL, NULL, "" },
	{ "127.0.0.1", 70000, NULL, NULL, NULL, NULL, "" },
	{ NULL, 22, NULL, NULL, NULL, NULL, "" },
	{ "127.0.0.1", 1, "bogus-kex", NULL, NULL, NULL, "bogus-kex" },
	{ "127.0.0.1", 1, "curve25519-sha256,rsa1024-sha1", NULL, NULL, NULL,
	  "rsa1024-sha1" },
	{ "127.0.0.1", 1, NULL, "ssh-dss", NULL, NULL, "ssh-dss" },
	{ "127.0.0.1", 1, NULL, NULL, "blowfish-cbc", NULL, "blowfish-cbc" },
	{ "127.0.0.1", 1, NULL, NULL, "arcfour", NULL, "arcfour" },
	{ "127.0.0.1", 1, NULL, NULL, "none", NULL, "none" },
	{ "127.0.0.1", 1, NULL, NULL, NULL, "hmac-md5", "hmac-md5" },
	{ "127.0.0.1", 1, NULL, NULL, NULL, "umac-64@openssh.com", "umac-64" },
	{ "127.0.0.1", 1, "", NULL, NULL, NULL, "empty" },
	{ "127.0.0.1", 1, "curve25519-sha256,", NULL, NULL, NULL, "empty" },
	{ "127.0.0.1", 1, NULL, NULL, "aes128-ctr,,aes256-ctr", NULL,
	  "empty" },
	{ "127.0.0.1", 1, NULL, "ssh-rsa;id", NULL, NULL, "character" },
	{ "127.0.0.1", 1, NULL, "ssh-ed25519\n", NULL, NULL, "character" },
};

START_TEST(test_bad_input)
{
	struct asy_ssh_nego n;
	char why[256];
	int r;

	for (size_t i = 0; i < ASY_ELEMENTSOF(bad_inputs); i++) {
		r = asy_ssh_handshake(bad_inputs[i].addr, bad_inputs[i].port,
		    2000, bad_inputs[i].kex, bad_inputs[i].hostkey,
		    bad_inputs[i].cipher, bad_inputs[i].mac, &n, why,
		    sizeof(why));
		ck_assert_msg(r == ASY_E_INPUT, "case %zu: %d (%s)", i, r, why);
		ck_assert_msg(strstr(why, bad_inputs[i].why_has) != NULL,
		    "case %zu: why \"%s\"", i, why);
	}
}
END_TEST

START_TEST(test_misc)
{
	struct asy_ssh_offer o;
	struct asy_ssh *s = NULL;
	char m[8];

	ck_assert_int_eq(asy_ssh_offer("host.example", 22, 1000, &o, NULL, 0),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_open("127.0.0.1", 22, 1000, "", &s, NULL, 0),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_open("127.0.0.1", 22, 1000, NULL, &s, NULL,
	    0), ASY_E_INPUT);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(asy_ssh_methods(NULL, m, sizeof(m)), ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_password(NULL, "x"), ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_kbdint(NULL, "x"), ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_pubkey(NULL, "x"), ASY_E_INPUT);
	ck_assert_str_eq(asy_ssh_banner(NULL), "");
	asy_ssh_close(NULL);
	ck_assert_msg(strncmp(asy_ssh_version(), "0.", 2) == 0, "version %s",
	    asy_ssh_version());
}
END_TEST

/* Every path above, again, leaves no descriptor open. */
START_TEST(test_no_fd_leak)
{
	static const struct fake hold = { "", 0, FAKE_HOLD };
	struct asy_ssh_offer o;
	struct asy_ssh_nego n;
	struct asy_ssh *s = NULL;
	struct asy_buf b, l0, l1;
	struct fake good;
	unsigned port;
	int before, after;

	asy_buf_init(&b, 1 << 20);
	mk_good(&b);
	good = (struct fake){ b.data, b.len, FAKE_FIN };
	/* libssh's first use may open files for good; not counted. */
	asy_ssh_handshake("127.0.0.1", free_port(), 500, NULL, NULL, NULL,
	    NULL, &n, NULL, 0);
	asy_buf_init(&l0, 1 << 16);
	asy_buf_init(&l1, 1 << 16);
	before = count_fds(&l0);
	port = fake_tcp(&good, 1);
	ck_assert_int_eq(asy_ssh_offer("127.0.0.1", port, 2000, &o, NULL, 0),
	    0);
	asy_ssh_offer_release(&o);
	port = fake_tcp(&hold, 3);
	ck_assert_int_eq(asy_ssh_offer("127.0.0.1", port, 300, &o, NULL, 0),
	    ASY_E_TIMEOUT);
	ck_assert_int_eq(asy_ssh_handshake("127.0.0.1", port, 300, NULL, NULL,
	    NULL, NULL, &n, NULL, 0), ASY_E_TIMEOUT);
	ck_assert_int_eq(asy_ssh_open("127.0.0.1", port, 300, "x", &s, NULL,
	    0), ASY_E_TIMEOUT);
	ck_assert_int_eq(asy_ssh_handshake("127.0.0.1", free_port(), 300,
	    NULL, NULL, NULL, NULL, &n, NULL, 0), ASY_E_REFUSED);
	ck_assert_int_eq(asy_ssh_handshake("127.0.0.1", 1, 300, "bogus", NULL,
	    NULL, NULL, &n, NULL, 0), ASY_E_INPUT);
	after = count_fds(&l1);
	ck_assert_msg(after == before, "descriptors before:%s after:%s",
	    l0.data, l1.data);
	asy_buf_release(&l0);
	asy_buf_release(&l1);
	asy_buf_release(&b);
}
END_TEST

/* ---- real servers ------------------------------------------------------- */

#define TEST_PASS	"Assay-ut-9q2w"

/* The files mounted over the host's inside the daemons' namespace. */
static const char *const ns_targets[] = {
	"/etc/passwd", "/etc/shadow", "/var/log/wtmp", "/var/log/btmp",
	"/var/log/lastlog", "/var/log/faillog",
};

struct ns_files {
	char	*src[ASY_ELEMENTSOF(ns_targets)];
};

static struct ns_files ns_files;

/*
 * In a daemon's child, before exec: a private mount namespace where
 * /etc/passwd and /etc/shadow are our copies with the test account and
 * the login records are scratch files.  Nothing of the host is written.
 */
static int
enter_ns(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	for (size_t i = 0; i < ASY_ELEMENTSOF(ns_targets); i++) {
		if (i >= 2 && access(ns_targets[i], F_OK) < 0)
			continue;
		if (mount(ns_files.src[i], ns_targets[i], NULL, MS_BIND,
		    NULL) < 0)
			return -1;
	}
	return 0;
}

/* Can this process make a mount namespace?  Tried in a child. */
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

static const char *const needed[] = {
	"/usr/sbin/dropbear", "/usr/bin/dropbearkey", "/usr/sbin/sshd",
	"/usr/bin/ssh-keygen", "/usr/bin/openssl", "/usr/bin/timeout",
};

/* Can the real servers run here?  When not, why says so for the TAP log. */
static int
servers_possible(char *why, size_t why_len)
{
	if (getuid() != 0) {
		snprintf(why, why_len, "the daemons need root (a mount "
		    "namespace with a test account)");
		return 0;
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(needed); i++) {
		if (access(needed[i], X_OK) < 0) {
			snprintf(why, why_len, "%s is not installed",
			    needed[i]);
			return 0;
		}
	}
	if (!can_unshare()) {
		snprintf(why, why_len, "no mount namespaces here");
		return 0;
	}
	return 1;
}

/* Skip a server test (it passes) with the reason on stderr. */
#define NEED_SERVERS()							\
	do {								\
		char why_[256];						\
									\
		if (!servers_possible(why_, sizeof(why_))) {		\
			fprintf(stderr, "# skipped: %s\n", why_);	\
			return;						\
		}							\
	} while (0)

/* Run argv (absolute paths) to the end within 30 s; must succeed. */
static void
run_ok(const char *dir, char *const argv[])
{
	char *out = join(dir, "run.out"), *err = join(dir, "run.err");
	int r;

	r = ut_spawn(argv, out, err, 30000);
	ck_assert_msg(r == 0, "%s failed (%d), see %s", argv[0], r, err);
	free(out);
	free(err);
}

struct server {
	char		*dir;
	unsigned	 port;
	char		 user[32];
	char		*log;
	char		*key_ok;	/* accepted private key text (sshd) */
	char		*key_other;	/* a key the server does not know */
};

/*
 * The test account and the namespace files, once per test process: the
 * host's passwd and shadow plus "assaytest" (or assaytestUID when the
 * host has that name) with TEST_PASS.
 */
static void
make_account(struct server *sv)
{
	static int done;
	static char user[32];
	char *dir, *hashfile;
	struct asy_buf b, hash;
	unsigned uid = 64980;

	if (done) {
		snprintf(sv->user, sizeof(sv->user), "%s", user);
		return;
	}
	while (getpwuid(uid) != NULL)
		uid++;
	snprintf(user, sizeof(user), "assaytest");
	if (getpwnam(user) != NULL)
		snprintf(user, sizeof(user), "assaytest%u", uid);
	ck_assert_ptr_null(getpwnam(user));
	dir = ut_tmpdir();
	hashfile = join(dir, "hash");
	{
		char *argv[] = { "/usr/bin/openssl", "passwd", "-6", TEST_PASS,
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

		ns_files.src[i] = join(dir, base);
		asy_buf_init(&b, (size_t)16 << 20);
		if (i < 2) {
			ck_assert_int_eq(asy_buf_load_file(&b,
			    ns_targets[i]), 0);
			if (b.len > 0 && b.data[b.len - 1] != '\n')
				ck_assert_int_eq(asy_buf_putc(&b, '\n'), 0);
		}
		if (i == 0)
			ck_assert_int_eq(asy_buf_printf(&b, "%s:x:%u:%u:assay "
			    "unit test:/:/bin/sh\n", user, uid, uid), 0);
		else if (i == 1)
			ck_assert_int_eq(asy_buf_printf(&b, "%s:%s:19000:0:"
			    "99999:7:::\n", user, hash.data), 0);
		ut_write(ns_files.src[i], b.data != NULL ? b.data : "", b.len);
		asy_buf_release(&b);
	}
	ck_assert_int_eq(chmod(ns_files.src[1], 0600), 0);
	asy_buf_release(&hash);
	free(hashfile);
	free(dir);
	snprintf(sv->user, sizeof(sv->user), "%s", user);
	done = 1;
}

/* Start a daemon (argv of absolute paths) in the namespace under
 * timeout(1), output into sv->log, and wait until it listens. */
static void
spawn_daemon(struct server *sv, char *const argv[], const char *what)
{
	char *args[32] = { "/usr/bin/timeout", "-k", "2", DAEMON_LIFE };
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
		int out = open(sv->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		/* timeout(1) passes SIGTERM on to the daemon. */
		child_setup(SIGTERM);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(out, 2) < 0)
			_exit(126);
		close_from(3, -1);
		if (enter_ns() < 0)
			_exit(125);
		execv(args[0], args);
		_exit(127);
	}
	setpgid(pid, pid);
	track(pid);
	wait_tcp(sv->port, what, sv->log);
}

static void
server_init(struct server *sv)
{
	memset(sv, 0, sizeof(*sv));
	make_account(sv);
	sv->dir = ut_tmpdir();
	/* sshd reads authorized_keys as the test account. */
	ck_assert_int_eq(chmod(ut_root, 0711), 0);
	ck_assert_int_eq(chmod(sv->dir, 0755), 0);
	sv->log = join(sv->dir, "daemon.log");
	sv->port = free_port();
}

static void
server_free(struct server *sv)
{
	free(sv->dir);
	free(sv->log);
	free(sv->key_ok);
	free(sv->key_other);
}

/* dropbear with an RSA-1024 and an Ed25519 host key, its defaults
 * otherwise (password and public-key authentication). */
static void
start_dropbear(struct server *sv)
{
	char *rsa, *ed, listen[64];

	server_init(sv);
	rsa = join(sv->dir, "rsa1024");
	ed = join(sv->dir, "ed25519");
	{
		char *a1[] = { "/usr/bin/dropbearkey", "-t", "rsa", "-s",
		    "1024", "-f", rsa, NULL };
		char *a2[] = { "/usr/bin/dropbearkey", "-t", "ed25519", "-f",
		    ed, NULL };

		run_ok(sv->dir, a1);
		run_ok(sv->dir, a2);
	}
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", sv->port);
	{
		char *argv[] = { "/usr/sbin/dropbear", "-F", "-E", "-p",
		    listen, "-r", rsa, "-r", ed, NULL };

		spawn_daemon(sv, argv, "dropbear");
	}
	free(rsa);
	free(ed);
}

/* A fresh passphrase-less Ed25519 key pair: the private key's text, and
 * the public key appended to authorized (NULL: not). */
static char *
make_key(const char *dir, const char *name, const char *authorized)
{
	char *path = join(dir, name), *pub;
	struct asy_buf priv, p, a;

	{
		char *argv[] = { "/usr/bin/ssh-keygen", "-q", "-t", "ed25519",
		    "-N", "", "-C", "assay-ut", "-f", path, NULL };

		run_ok(dir, argv);
	}
	ut_load(path, &priv);
	if (authorized != NULL) {
		pub = asy_strdup_printf("%s.pub", path);
		ck_assert_ptr_nonnull(pub);
		ut_load(pub, &p);
		asy_buf_init(&a, 1 << 20);
		if (ut_exists(authorized))
			ut_load(authorized, &a);
		ck_assert_int_eq(asy_buf_add(&a, p.data, p.len), 0);
		ut_write(authorized, a.data, a.len);
		ck_assert_int_eq(chmod(authorized, 0644), 0);
		asy_buf_release(&a);
		asy_buf_release(&p);
		free(pub);
	}
	free(path);
	return asy_buf_steal(&priv);
}

/*
 * OpenSSH's sshd with one algorithm of each kind and public keys only; or
 * (kbdint) with keyboard-interactive through PAM as its only method.
 */
static void
start_sshd(struct server *sv, int kbdint)
{
	char *conf, *hostkey, *authorized, *text;
	struct asy_buf b;

	server_init(sv);
	if (access("/run/sshd", F_OK) < 0)
		ck_assert_int_eq(mkdir("/run/sshd", 0755), 0);
	conf = join(sv->dir, "sshd_config");
	hostkey = join(sv->dir, "hostkey");
	authorized = join(sv->dir, "authorized_keys");
	text = make_key(sv->dir, "hostkey", NULL);
	free(text);
	sv->key_ok = make_key(sv->dir, "user_key", authorized);
	sv->key_other = make_key(sv->dir, "other_key", NULL);
	asy_buf_init(&b, 1 << 20);
	ck_assert_int_eq(asy_buf_printf(&b,
	    "ListenAddress 127.0.0.1:%u\n"
	    "HostKey %s\n"
	    "PidFile none\n"
	    "KexAlgorithms curve25519-sha256\n"
	    "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com\n"
	    "MACs hmac-sha2-256-etm@openssh.com\n"
	    "PubkeyAuthentication %s\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication %s\n"
	    "UsePAM %s\n"
	    "AuthorizedKeysFile %s\n"
	    "StrictModes no\n"
	    "PermitRootLogin no\n"
	    "MaxAuthTries 6\n"
	    "LogLevel VERBOSE\n",
	    sv->port, hostkey, kbdint ? "no" : "yes", kbdint ? "yes" : "no",
	    kbdint ? "yes" : "no", authorized), 0);
	ut_write(conf, b.data, b.len);
	asy_buf_release(&b);
	{
		char *argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", conf,
		    NULL };

		spawn_daemon(sv, argv, "sshd");
	}
	free(conf);
	free(hostkey);
	free(authorized);
}

static int
has_name(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, name, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

START_TEST(test_offer_dropbear)
{
	static const struct {
		const char	*field;
		const char	*name;
	} want[] = {
		{ "kex", "curve25519-sha256" },
		{ "kex", "diffie-hellman-group14-sha1" },
		{ "kex", "diffie-hellman-group14-sha256" },
		{ "hostkey", "ssh-ed25519" },
		{ "hostkey", "rsa-sha2-256" },
		{ "hostkey", "ssh-rsa" },
		{ "cipher", "chacha20-poly1305@openssh.com" },
		{ "cipher", "aes128-ctr" },
		{ "mac", "hmac-sha1" },
		{ "mac", "hmac-sha2-256" },
		{ "compression", "none" },
	};
	struct asy_ssh_offer o;
	struct server sv;
	char why[256];
	int r;

	NEED_SERVERS();
	start_dropbear(&sv);
	r = asy_ssh_offer("127.0.0.1", sv.port, 5000, &o, why, sizeof(why));
	ck_assert_msg(r == 0, "offer: %d %s", r, why);
	ck_assert_msg(strncmp(o.banner, "SSH-2.0-dropbear", 16) == 0,
	    "banner %s", o.banner);
	for (size_t i = 0; i < ASY_ELEMENTSOF(want); i++) {
		const char *f = want[i].field;
		const char *list = strcmp(f, "kex") == 0 ? o.kex :
		    strcmp(f, "hostkey") == 0 ? o.hostkey :
		    strcmp(f, "cipher") == 0 ? o.cipher :
		    strcmp(f, "mac") == 0 ? o.mac : o.compression;

		ck_assert_msg(has_name(list, want[i].name), "%s \"%s\" lacks "
		    "%s", f, list, want[i].name);
	}
	ck_assert(!has_name(o.kex, "diffie-hellman-group1-sha1"));
	ck_assert(!has_name(o.cipher, "3des-cbc"));
	asy_ssh_offer_release(&o);
	server_free(&sv);
}
END_TEST

START_TEST(test_offer_sshd)
{
	struct asy_ssh_offer o;
	struct server sv;
	char why[256];
	int r;

	NEED_SERVERS();
	start_sshd(&sv, 0);
	r = asy_ssh_offer("127.0.0.1", sv.port, 5000, &o, why, sizeof(why));
	ck_assert_msg(r == 0, "offer: %d %s", r, why);
	ck_assert_msg(strncmp(o.banner, "SSH-2.0-OpenSSH_", 16) == 0,
	    "banner %s", o.banner);
	/* One key exchange, plus the markers OpenSSH adds. */
	ck_assert_msg(strncmp(o.kex, "curve25519-sha256,", 18) == 0 ||
	    strcmp(o.kex, "curve25519-sha256") == 0, "kex %s", o.kex);
	ck_assert(!has_name(o.kex, "diffie-hellman-group14-sha256"));
	ck_assert_str_eq(o.hostkey, "ssh-ed25519");
	ck_assert_str_eq(o.cipher,
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com");
	ck_assert_str_eq(o.mac, "hmac-sha2-256-etm@openssh.com");
	ck_assert(has_name(o.compression, "none"));
	asy_ssh_offer_release(&o);
	server_free(&sv);
}
END_TEST

enum { DROPBEAR, SSHD };

struct hs_case {
	int		 server;
	const char	*kex, *hostkey, *cipher, *mac;
	int		 want;
	/* when completed */
	const char	*n_kex, *n_hostkey, *n_cipher, *n_mac, *n_key_type;
	int		 n_bits;
};

#define REFUSED(server, kex, hostkey, cipher, mac) \
	{ server, kex, hostkey, cipher, mac, 0, .n_kex = NULL }

static const struct hs_case handshakes[] = {
	/* Downgrade attempts refused. */
	REFUSED(DROPBEAR, "diffie-hellman-group1-sha1", NULL, NULL, NULL),
	REFUSED(SSHD, "diffie-hellman-group1-sha1", NULL, NULL, NULL),
	REFUSED(SSHD, "diffie-hellman-group14-sha1", NULL, NULL, NULL),
	REFUSED(SSHD, NULL, "ssh-rsa", NULL, NULL),
	REFUSED(DROPBEAR, NULL, NULL, "3des-cbc", NULL),
	REFUSED(DROPBEAR, NULL, NULL, "aes128-cbc,aes256-cbc", NULL),
	REFUSED(SSHD, NULL, NULL, "aes128-ctr", NULL),
	REFUSED(SSHD, NULL, NULL, "aes128-ctr", "hmac-sha1"),
	REFUSED(DROPBEAR, NULL, "rsa-sha2-512", NULL, NULL),
	/* What each does agree to, and what it was. */
	{ DROPBEAR, "curve25519-sha256", NULL, NULL, NULL, 1,
	  "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "", "ssh-ed25519", 256 },
	{ SSHD, "curve25519-sha256", NULL, NULL, NULL, 1,
	  "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "", "ssh-ed25519", 256 },
	{ DROPBEAR, "diffie-hellman-group14-sha1", NULL, NULL, NULL, 1,
	  "diffie-hellman-group14-sha1", "ssh-ed25519", NULL, NULL, NULL, 0 },
	{ DROPBEAR, NULL, "ssh-rsa", NULL, NULL, 1, NULL, "ssh-rsa", NULL,
	  NULL, "ssh-rsa", 1024 },
	{ DROPBEAR, NULL, "rsa-sha2-512,rsa-sha2-256", NULL, NULL, 1, NULL,
	  "rsa-sha2-256", NULL, NULL, "ssh-rsa", 1024 },
	{ DROPBEAR, NULL, NULL, "aes128-ctr", "hmac-sha1", 1, NULL, NULL,
	  "aes128-ctr", "hmac-sha1", NULL, 0 },
	{ DROPBEAR, "ecdh-sha2-nistp256", NULL, "aes256-ctr",
	  "hmac-sha2-256", 1, "ecdh-sha2-nistp256", NULL, "aes256-ctr",
	  "hmac-sha2-256", NULL, 0 },
	{ SSHD, NULL, NULL, "aes256-gcm@openssh.com", NULL, 1, NULL, NULL,
	  "aes256-gcm@openssh.com", "", NULL, 0 },
	{ SSHD, NULL, NULL, NULL, NULL, 1, "curve25519-sha256", "ssh-ed25519",
	  "chacha20-poly1305@openssh.com", "", "ssh-ed25519", 256 },
};

START_TEST(test_handshake)
{
	const struct hs_case *c = &handshakes[_i];
	struct asy_ssh_nego n;
	struct server sv;
	char why[512];
	long long t0;
	int r;

	NEED_SERVERS();
	if (c->server == DROPBEAR)
		start_dropbear(&sv);
	else
		start_sshd(&sv, 0);
	memset(&n, 0, sizeof(n));
	t0 = ut_now_ms();
	r = asy_ssh_handshake("127.0.0.1", sv.port, 10000, c->kex, c->hostkey,
	    c->cipher, c->mac, &n, why, sizeof(why));
	ck_assert_msg(r == c->want, "case %d: %d (%s)", _i, r, why);
	ck_assert_msg(ut_now_ms() - t0 < 5000, "case %d took %lld ms", _i,
	    ut_now_ms() - t0);
	if (r == 0) {
		ck_assert_msg(strstr(why, "no algorithm in common") != NULL,
		    "case %d: why \"%s\"", _i, why);
		ck_assert_str_eq(n.kex, "");
	} else {
		ck_assert_str_eq(why, "");
		assert_field("kex", n.kex, c->n_kex);
		assert_field("hostkey", n.hostkey, c->n_hostkey);
		assert_field("cipher", n.cipher, c->n_cipher);
		assert_field("mac", n.mac, c->n_mac);
		assert_field("key_type", n.key_type, c->n_key_type);
		if (c->n_bits != 0)
			ck_assert_int_eq(n.key_bits, c->n_bits);
		ck_assert_str_ne(n.kex, "");
		ck_assert_str_ne(n.cipher, "");
		ck_assert_str_ne(n.key_type, "");
		ck_assert_int_gt(n.key_bits, 0);
	}
	server_free(&sv);
}
END_TEST

START_TEST(test_sshd_auth)
{
	struct asy_ssh *s = NULL;
	struct server sv;
	struct asy_buf l0, l1;
	char why[256], methods[128];
	int r, fds;

	NEED_SERVERS();
	start_sshd(&sv, 0);
	asy_buf_init(&l0, 1 << 16);
	asy_buf_init(&l1, 1 << 16);
	fds = count_fds(&l0);
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, sv.user, &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_msg(strncmp(asy_ssh_banner(s), "SSH-2.0-OpenSSH_", 16) == 0,
	    "banner %s", asy_ssh_banner(s));
	r = asy_ssh_methods(s, methods, sizeof(methods));
	ck_assert_int_eq(r, 0);
	ck_assert_msg(has_name(methods, "publickey"), "methods %s", methods);
	ck_assert_msg(!has_name(methods, "password"), "methods %s", methods);
	ck_assert_msg(!has_name(methods, "keyboard-interactive"), "methods %s",
	    methods);
	/* Too small a buffer for "publickey". */
	ck_assert_int_eq(asy_ssh_methods(s, methods, 4), ASY_E_TOOBIG);
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), 0);
	ck_assert_int_eq(asy_ssh_kbdint(s, TEST_PASS), 0);
	ck_assert_int_eq(asy_ssh_pubkey(s, "not a key"), ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_pubkey(s, ""), ASY_E_INPUT);
	ck_assert_int_eq(asy_ssh_pubkey(s, sv.key_other), 0);
	ck_assert_int_eq(asy_ssh_pubkey(s, sv.key_ok), 1);
	/* Commands, one after another on the same connection. */
	{
		struct asy_buf out;
		int status = 99;

		asy_buf_init(&out, 1000);
		r = asy_ssh_exec(s, "echo hello; echo oops >&2; exit 3", &out,
		    5000, &status);
		ck_assert_msg(r == 0, "exec: %s", asy_strerror(r));
		ck_assert_int_eq(status, 3);
		ck_assert_ptr_nonnull(out.data);
		ck_assert_msg(memmem(out.data, out.len, "hello", 5) != NULL &&
		    memmem(out.data, out.len, "oops", 4) != NULL,
		    "output: %.*s", (int)out.len, out.data);
		asy_buf_reset(&out);
		/* A command that does not end in time. */
		r = asy_ssh_exec(s, "sleep 5", &out, 300, &status);
		ck_assert_int_eq(r, ASY_E_TIMEOUT);
		/* More output than the cap: kept to the cap, the rest
		 * dropped, the status still read. */
		asy_buf_reset(&out);
		status = 99;
		r = asy_ssh_exec(s, "head -c 200000 /dev/zero | tr '\\0' x",
		    &out, 5000, &status);
		ck_assert_msg(r == 0, "exec: %s", asy_strerror(r));
		ck_assert_int_eq(status, 0);
		ck_assert_uint_le(out.len, 1000);
		ck_assert_uint_gt(out.len, 0);
		ck_assert_int_eq(asy_ssh_exec(s, "a\nb", &out, 1000, &status),
		    ASY_E_INPUT);
		ck_assert_int_eq(asy_ssh_exec(s, "", &out, 1000, &status),
		    ASY_E_INPUT);
		asy_buf_reset(&out);
		r = asy_ssh_exec(s, "printf '%s\\n' 3.2.1", &out, 5000,
		    &status);
		ck_assert_msg(r == 0, "exec: %s", asy_strerror(r));
		ck_assert_int_eq(status, 0);
		ck_assert_uint_eq(out.len, 6);
		ck_assert(memcmp(out.data, "3.2.1\n", 6) == 0);
		asy_buf_release(&out);
	}
	asy_ssh_close(s);
	/* The right key for a user that does not exist is refused. */
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, "assay-nobody", &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_int_eq(asy_ssh_pubkey(s, sv.key_ok), 0);
	asy_ssh_close(s);
	ck_assert_msg(count_fds(&l1) == fds, "descriptors before:%s after:%s",
	    l0.data, l1.data);
	asy_buf_release(&l0);
	asy_buf_release(&l1);
	server_free(&sv);
}
END_TEST

START_TEST(test_dropbear_password)
{
	struct asy_ssh *s = NULL;
	struct server sv;
	char why[256], methods[128];
	int r;

	NEED_SERVERS();
	start_dropbear(&sv);
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, sv.user, &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_msg(strncmp(asy_ssh_banner(s), "SSH-2.0-dropbear", 16) == 0,
	    "banner %s", asy_ssh_banner(s));
	ck_assert_int_eq(asy_ssh_methods(s, methods, sizeof(methods)), 0);
	ck_assert_str_eq(methods, "publickey,password");
	ck_assert_int_eq(asy_ssh_password(s, "wrong"), 0);
	ck_assert_int_eq(asy_ssh_password(s, ""), 0);
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS "x"), 0);
	/* dropbear has no keyboard-interactive. */
	ck_assert_int_eq(asy_ssh_kbdint(s, TEST_PASS), 0);
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), 1);
	asy_ssh_close(s);
	/* An unknown user with the right password. */
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, "assay-nobody", &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), 0);
	asy_ssh_close(s);
	server_free(&sv);
}
END_TEST

/* dropbear hangs up after ten failures: ASY_E_CLOSED, soon, every time. */
START_TEST(test_dropbear_closes)
{
	struct asy_ssh *s = NULL;
	struct server sv;
	struct asy_buf l0, l1;
	char why[256];
	long long t0;
	int r = 0, tries, fds;

	NEED_SERVERS();
	start_dropbear(&sv);
	asy_buf_init(&l0, 1 << 16);
	asy_buf_init(&l1, 1 << 16);
	fds = count_fds(&l0);
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, sv.user, &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	t0 = ut_now_ms();
	for (tries = 0; tries < 30; tries++) {
		r = asy_ssh_password(s, "wrong");
		if (r != 0)
			break;
	}
	ck_assert_msg(r == ASY_E_CLOSED, "after %d tries: %d", tries, r);
	ck_assert_msg(tries >= 3 && tries <= 20, "closed after %d tries",
	    tries);
	ck_assert_msg(ut_now_ms() - t0 < 30000, "took %lld ms",
	    ut_now_ms() - t0);
	/* The right password cannot help any more; nor can anything else. */
	t0 = ut_now_ms();
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), ASY_E_CLOSED);
	ck_assert_int_eq(asy_ssh_kbdint(s, TEST_PASS), ASY_E_CLOSED);
	ck_assert_int_eq(asy_ssh_methods(s, why, sizeof(why)), ASY_E_CLOSED);
	ck_assert_msg(ut_now_ms() - t0 < 500, "closed calls took %lld ms",
	    ut_now_ms() - t0);
	asy_ssh_close(s);
	/* A new connection works. */
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, sv.user, &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), 1);
	asy_ssh_close(s);
	ck_assert_msg(count_fds(&l1) == fds, "descriptors before:%s after:%s",
	    l0.data, l1.data);
	asy_buf_release(&l0);
	asy_buf_release(&l1);
	server_free(&sv);
}
END_TEST

START_TEST(test_sshd_kbdint)
{
	struct asy_ssh *s = NULL;
	struct server sv;
	char why[256], methods[128];
	int r;

	NEED_SERVERS();
	start_sshd(&sv, 1);
	r = asy_ssh_open("127.0.0.1", sv.port, 5000, sv.user, &s, why,
	    sizeof(why));
	ck_assert_msg(r == 0, "open: %d %s", r, why);
	ck_assert_int_eq(asy_ssh_methods(s, methods, sizeof(methods)), 0);
	ck_assert_str_eq(methods, "keyboard-interactive");
	ck_assert_int_eq(asy_ssh_password(s, TEST_PASS), 0);
	ck_assert_int_eq(asy_ssh_kbdint(s, "wrong"), 0);
	ck_assert_int_eq(asy_ssh_kbdint(s, TEST_PASS), 1);
	asy_ssh_close(s);
	server_free(&sv);
}
END_TEST

/*
 * Four threads at once, each with its own sessions: a handshake and a
 * public key with sshd, two passwords with dropbear (four connections
 * before authentication is below dropbear's limit of five per address).
 */
struct worker {
	unsigned	 sshd_port, dropbear_port;
	const char	*user, *key;
	int		 results[6];
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct asy_ssh_nego n;
	struct asy_ssh *s = NULL;

	w->results[0] = asy_ssh_handshake("127.0.0.1", w->sshd_port, 10000,
	    "curve25519-sha256", NULL, NULL, NULL, &n, NULL, 0);
	w->results[1] = asy_ssh_open("127.0.0.1", w->dropbear_port, 10000,
	    w->user, &s, NULL, 0);
	if (w->results[1] == 0) {
		w->results[2] = asy_ssh_password(s, "wrong");
		w->results[3] = asy_ssh_password(s, TEST_PASS);
	}
	asy_ssh_close(s);
	s = NULL;
	w->results[4] = asy_ssh_open("127.0.0.1", w->sshd_port, 10000,
	    w->user, &s, NULL, 0);
	if (w->results[4] == 0)
		w->results[5] = asy_ssh_pubkey(s, w->key);
	asy_ssh_close(s);
	return NULL;
}

START_TEST(test_threads)
{
	static const int want[6] = { 1, 0, 0, 1, 0, 1 };
	struct worker w[4];
	pthread_t t[4];
	struct server db, sshd;

	NEED_SERVERS();
	start_dropbear(&db);
	start_sshd(&sshd, 0);
	for (size_t i = 0; i < 4; i++) {
		w[i] = (struct worker){ sshd.port, db.port, db.user,
		    sshd.key_ok, { -99, -99, -99, -99, -99, -99 } };
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (size_t i = 0; i < 4; i++)
		for (size_t k = 0; k < 6; k++)
			ck_assert_msg(w[i].results[k] == want[k], "thread %zu "
			    "step %zu: %d", i, k, w[i].results[k]);
	server_free(&db);
	server_free(&sshd);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("sshc");
	TCase *tc;

	tc = tcase_create("offer");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_offer_fake, 0, ASY_ELEMENTSOF(offers));
	suite_add_tcase(s, tc);
	tc = tcase_create("libssh");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_libssh_fake, 0,
	    ASY_ELEMENTSOF(hs_fakes));
	tcase_add_test(tc, test_closed_port);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_misc);
	tcase_add_test(tc, test_no_fd_leak);
	suite_add_tcase(s, tc);
	tc = tcase_create("servers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_offer_dropbear);
	tcase_add_test(tc, test_offer_sshd);
	tcase_add_loop_test(tc, test_handshake, 0,
	    ASY_ELEMENTSOF(handshakes));
	tcase_add_test(tc, test_sshd_auth);
	tcase_add_test(tc, test_dropbear_password);
	tcase_add_test(tc, test_dropbear_closes);
	tcase_add_test(tc, test_sshd_kbdint);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(suite());
}
