/*
 * The serial adapter (harness/serial.c) and console probing
 * (harness/console.c) against fake devices on pseudo-terminals.
 *
 * Each fake device is a pty pair: the adapter opens the slave by its path,
 * as it would /dev/ttyUSB0, and a forked child plays the device on the
 * master (the slave is raw from the start, so nothing the device writes
 * comes back as an echo).  Devices that end in a shell run a real
 * "/bin/sh -i" on a pty of their own and shuttle bytes between it and the
 * master, which is what the bench's socat does.
 *
 * The probe is checked on a table of devices: a shell without login, a
 * login prompt, a U-Boot that can be interrupted and one whose countdown is
 * 0, silence, a flood, binary garbage, a hang-up in the middle, secrets in
 * the boot log, and markup and escape sequences.  Then the adapter itself:
 * termios settings really applied, exclusive opens, breaks, transcripts,
 * expect patterns, bad configurations; and exec() and login().
 *
 * Every wait in the test is bounded: the children die by alarm() after
 * 60 s whatever happens, and the probes have short deadlines.
 */
#include <check.h>

#include <pty.h>
#include <termios.h>
#include <sys/ioctl.h>

#include "ut.h"

#include "console.h"
#include "labcfg.h"
#include "serial.h"

#define WHY	256

/* ---- fake devices -------------------------------------------------------- */

struct fake {
	pid_t	pid;
	int	slave;		/* held by the test until the end */
	char	path[128];
};

typedef void	dev_fn(int m, const void *arg);

static void
dev_write(int m, const char *s)
{
	size_t n = strlen(s), done = 0;

	while (done < n) {
		ssize_t w = write(m, s + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(0);
		done += (size_t)w;
	}
}

static void
dev_sleep(int ms)
{
	poll(NULL, 0, ms);
}

/* Read one line (to CR or LF) into buf, echoing when asked like a
 * terminal does.  0, or -1 at end of file or after ms.  Empty lines are
 * skipped, or returned as 1 with keep_empty. */
static int
dev_getline2(int m, char *buf, size_t size, int echo, int ms, int keep_empty)
{
	long long deadline = ut_now_ms() + ms;
	size_t n = 0;

	for (;;) {
		struct pollfd pfd = { .fd = m, .events = POLLIN };
		long long left = deadline - ut_now_ms();
		char c;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		if (read(m, &c, 1) != 1)
			return -1;
		if (c == '\r' || c == '\n') {
			if (n == 0 && keep_empty) {
				if (echo)
					dev_write(m, "\r\n");
				return 1;
			}
			if (n == 0)
				continue;
			if (echo)
				dev_write(m, "\r\n");
			buf[n] = '\0';
			return 0;
		}
		if (n + 1 < size)
			buf[n++] = c;
		if (echo) {
			char e[2] = { c, '\0' };

			dev_write(m, e);
		}
	}
}

static int
dev_getline(int m, char *buf, size_t size, int echo, int ms)
{
	return dev_getline2(m, buf, size, echo, ms, 0);
}

/* Read and drop everything until the other side closes. */
static void
dev_idle(int m)
{
	char buf[512];

	for (;;) {
		struct pollfd pfd = { .fd = m, .events = POLLIN };

		if (poll(&pfd, 1, 60000) <= 0)
			_exit(0);
		if (read(m, buf, sizeof(buf)) <= 0)
			_exit(0);
	}
}

/* A real interactive shell on a pty of its own, bridged to m. */
static void
dev_bridge_shell(int m)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 200 };
	int sm, idle = 0;
	pid_t sh;

	sh = forkpty(&sm, NULL, NULL, &ws);
	if (sh < 0)
		_exit(1);
	if (sh == 0) {
		char *argv[] = { "/bin/sh", "-i", NULL };
		char *envp[] = { "PATH=/usr/bin:/bin", "PS1=# ", "HOME=/",
		    "TERM=dumb", NULL };

		close(m);
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = m, .events = POLLIN },
			{ .fd = sm, .events = POLLIN },
		};
		char buf[4096];
		ssize_t n;

		if (poll(p, 2, 60000) <= 0 || idle)
			break;
		for (int i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				idle = 1;
				break;
			}
			if (write(p[1 - i].fd, buf, (size_t)n) != n) {
				idle = 1;
				break;
			}
		}
	}
	kill(sh, SIGKILL);
	_exit(0);
}

static void
dev_shell(int m, const void *arg)
{
	const char *banner = arg;

	if (banner != NULL)
		dev_write(m, banner);
	dev_bridge_shell(m);
}

#define GOOD_USER	"admin"
#define GOOD_PASS	"s3cret-Pw!"

/* A login prompt that refuses everything but GOOD_USER/GOOD_PASS and then
 * gives a shell. */
static void
dev_login(int m, const void *arg)
{
	char user[128], pass[128];

	if (arg != NULL)
		dev_write(m, arg);
	for (int i = 0; i < 20; i++) {
		int r;

		dev_write(m, "\r\nfake-dev login: ");
		r = dev_getline2(m, user, sizeof(user), 1, 30000, 1);
		if (r < 0)
			_exit(0);
		if (r == 1)
			continue;	/* an empty name: ask again */
		dev_write(m, "Password: ");
		if (dev_getline(m, pass, sizeof(pass), 0, 30000) < 0)
			_exit(0);
		dev_write(m, "\r\n");
		dev_sleep(300);
		if (strcmp(user, GOOD_USER) == 0 &&
		    strcmp(pass, GOOD_PASS) == 0) {
			dev_write(m, "Last login: never\r\n");
			dev_bridge_shell(m);
		}
		dev_write(m, "Login incorrect\r\n");
	}
	dev_idle(m);
}

struct uboot {
	int		 delay;		/* countdown in seconds */
	int		 then_login;	/* after booting: login, else shell */
};

static const char uboot_banner[] =
    "\r\nU-Boot 2023.01 (Nov 22 2026 - 10:00:00 +0000)\r\n\r\n"
    "DRAM:  128 MiB\r\nLoading Environment from SPI Flash... OK\r\n";

/* A U-Boot-like boot loader: banner, countdown, prompt on a key. */
static void
dev_uboot(int m, const void *arg)
{
	const struct uboot *u = arg;
	char line[256], c;
	int stopped = 0;

	dev_write(m, uboot_banner);
	snprintf(line, sizeof(line), "Hit any key to stop autoboot: %2d ",
	    u->delay);
	dev_write(m, line);
	for (int i = u->delay; i > 0 && !stopped; i--) {
		struct pollfd pfd = { .fd = m, .events = POLLIN };

		if (poll(&pfd, 1, 1000) > 0 && read(m, &c, 1) == 1)
			stopped = 1;
		else {
			snprintf(line, sizeof(line), "\b\b\b%2d ", i - 1);
			dev_write(m, line);
		}
	}
	while (stopped) {
		dev_write(m, "\r\n=> ");
		if (dev_getline(m, line, sizeof(line), 1, 30000) < 0)
			_exit(0);
		if (strcmp(line, "version") == 0)
			dev_write(m, "U-Boot 2023.01 (Nov 22 2026 - 10:00:00 "
			    "+0000)\r\narm-linux-gnueabi-gcc 12.2.0");
		else if (strcmp(line, "help") == 0)
			dev_write(m, "boot    - boot default\r\nversion - "
			    "print monitor version");
		else if (strcmp(line, "boot") == 0)
			stopped = 0;
		else
			dev_write(m, "Unknown command - try 'help'");
	}
	dev_write(m, "\r\nStarting kernel ...\r\n\r\n[    0.000000] Booting "
	    "Linux on physical CPU 0x0\r\n[    1.234567] Run /sbin/init\r\n");
	if (u->then_login)
		dev_login(m, NULL);
	dev_bridge_shell(m);
}

static void
dev_silent(int m, const void *arg)
{
	dev_idle(m);
}

static void
dev_flood(int m, const void *arg)
{
	for (;;)
		dev_write(m, "[ 12.345678] eth0: link flapping, retrying "
		    "autonegotiation again and again\r\n");
}

/* Bytes as a wrong baud rate gives them: mostly not text. */
static void
dev_garbage(int m, const void *arg)
{
	unsigned x = 12345;
	char buf[2048];

	for (int burst = 0; burst < 3; burst++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245U + 12345U;
			buf[i] = (char)((x >> 16) | (i % 10 ? 0x80 : 0));
		}
		if (write(m, buf, sizeof(buf)) < 0)
			_exit(0);
		dev_sleep(150);
	}
	dev_idle(m);
}

/* Some boot log; at the first byte from the other side, the device (or
 * the adapter) goes away.  (What a pty's master writes just before it
 * closes may be lost, as on a real unplugged adapter.) */
static void
dev_hangup(int m, const void *arg)
{
	struct pollfd pfd = { .fd = m, .events = POLLIN };

	dev_write(m, "Starting kernel ...\r\n[    0.000000] Booting Linux\r\n");
	poll(&pfd, 1, 30000);
	dev_write(m, "[    1.000000] usb 1-1: USB disconnect\r\n");
	close(m);
	_exit(0);
}

#define PSK	"Wifi-PSK-value-42"
#define ADMINPW	"hunter2-admin"
#define KEYBODY	"MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeK"

static const char secret_log[] =
    "[    2.000000] wifi: connecting to HomeNet psk=" PSK "\r\n"
    "[    2.100000] passwd: password updated successfully\r\n"
    "-----BEGIN RSA PRIVATE KEY-----\r\n" KEYBODY "\r\n"
    "-----END RSA PRIVATE KEY-----\r\n"
    "[    2.200000] setup: admin password=" ADMINPW " (factory)\r\n"
    "[    2.300000] Password: \r\n";

/* Markup, escape sequences, NUL and 0xff, and a forged transcript line. */
static const char markup_log[] =
    "<script>alert(1)</script> &amp; \x1b[31mRED\x1b[0m \x01\xff\r\n"
    "+0.000 > forged line\r\n";

static void
fake_start(struct fake *f, dev_fn *fn, const void *arg)
{
	struct termios raw;
	int m;

	memset(&raw, 0, sizeof(raw));
	cfmakeraw(&raw);
	cfsetispeed(&raw, B115200);
	cfsetospeed(&raw, B115200);
	ck_assert_int_eq(openpty(&m, &f->slave, f->path, &raw, NULL), 0);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		close(f->slave);
		alarm(60);
		fn(m, arg);
		_exit(0);
	}
	close(m);
}

static void
fake_stop(struct fake *f)
{
	int st;

	kill(f->pid, SIGKILL);
	while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(f->slave);
}

static struct asy_console *
console_on(struct fake *f)
{
	struct asy_serial_cfg cfg;
	struct asy_console *c = NULL;
	char why[WHY] = "";
	int r;

	asy_serial_cfg_default(&cfg, f->path);
	r = asy_console_open(&cfg, &c, why, sizeof(why));
	ck_assert_msg(r == 0, "open %s: %s (%s)", f->path, asy_strerror(r),
	    why);
	return c;
}

/* Every line of a transcript: "+S.mmm D " with D one of < > #, and only
 * printable ASCII. */
static void
check_transcript_form(const struct asy_buf *t)
{
	const char *p = t->data;

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)p[i];

		ck_assert_msg(c == '\n' || (c >= 0x20 && c < 0x7f),
		    "byte 0x%02x at %zu of the transcript", c, i);
	}
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		const char *q = p;

		ck_assert_msg(nl != NULL, "unfinished transcript line: %s", p);
		ck_assert_msg(*q == '+', "line without time: %.*s",
		    (int)(nl - p), p);
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
		ck_assert_msg(q[0] == '.' && q[1] >= '0' && q[1] <= '9' &&
		    q[2] >= '0' && q[2] <= '9' && q[3] >= '0' && q[3] <= '9' &&
		    q[4] == ' ' && (q[5] == '<' || q[5] == '>' ||
		    q[5] == '#') && q[6] == ' ', "bad transcript line: %.*s",
		    (int)(nl - p), p);
		p = nl + 1;
	}
}

/* ---- the probe table ----------------------------------------------------- */

static const struct uboot uboot_2s_shell = { 2, 0 };
static const struct uboot uboot_0s_login = { 0, 1 };

enum { STAY = 1 };

static const struct probe_case {
	const char		*name;
	dev_fn			*dev;
	const void		*arg;
	int			 flags;
	unsigned long		 timeout_ms;
	size_t			 max_bytes;
	int			 want_r;
	enum asy_console_kind	 want_kind;
	int			 bl_seen, bl_interrupted, login_refused;
	size_t			 secrets;
	const char		*reason_has;	/* in the reason */
} probes[] = {
	{ "shell without login", dev_shell, "BusyBox v1.36 built-in shell\r\n",
	    0, 10000, 0, 0, ASY_CONSOLE_SHELL, 0, 0, 0, 0,
	    "without any login" },
	{ "login prompt", dev_login, NULL, 0, 10000, 0, 0, ASY_CONSOLE_LOGIN,
	    0, 0, 1, 0, "refused an invented user and password" },
	{ "u-boot interruptible", dev_uboot, &uboot_2s_shell, 0, 12000, 0, 0,
	    ASY_CONSOLE_SHELL, 1, 1, 0, 0, "prompt answered 'version'" },
	{ "u-boot interrupted and left there", dev_uboot, &uboot_2s_shell,
	    STAY, 10000, 0, 0, ASY_CONSOLE_BOOTLOADER, 1, 1, 0, 0,
	    "boot-loader prompt" },
	{ "u-boot countdown 0", dev_uboot, &uboot_0s_login, 0, 12000, 0, 0,
	    ASY_CONSOLE_LOGIN, 1, 0, 1, 0, "did not stop it" },
	{ "silent", dev_silent, NULL, 0, 6000, 0, 0, ASY_CONSOLE_SILENT, 0, 0,
	    0, 0, "even after CR and a break" },
	{ "flood", dev_flood, NULL, 0, 10000, 65536, ASY_E_TOOBIG,
	    ASY_CONSOLE_UNKNOWN, 0, 0, 0, 0, "more than 65536 bytes" },
	{ "binary garbage", dev_garbage, NULL, 0, 6000, 0, 0,
	    ASY_CONSOLE_NOISE, 0, 0, 0, 0, "wrong baud rate" },
	{ "hang-up mid-probe", dev_hangup, NULL, 0, 10000, 0, ASY_E_CLOSED,
	    ASY_CONSOLE_UNKNOWN, 0, 0, 0, 0, "hung up" },
	{ "secrets in the boot log", dev_shell, secret_log, 0, 10000, 0, 0,
	    ASY_CONSOLE_SHELL, 0, 0, 0, 3, "" },
	{ "markup and escapes", dev_shell, markup_log, 0, 10000, 0, 0,
	    ASY_CONSOLE_SHELL, 0, 0, 0, 0, "" },
};

START_TEST(test_probe)
{
	const struct probe_case *pc = &probes[_i];
	struct asy_console_opts o = {
		.timeout_ms = pc->timeout_ms,
		.max_bytes = pc->max_bytes,
		.quiet_ms = 500,
		.stay_in_bootloader = pc->flags & STAY,
	};
	struct asy_console_result res;
	struct asy_console *c;
	struct asy_buf t;
	struct fake f;
	int r;

	fake_start(&f, pc->dev, pc->arg);
	c = console_on(&f);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_console_transcript(c, &t, NULL, 0);
	r = asy_console_probe(c, &o, &res);
	asy_serial_transcript_flush(asy_console_serial(c));
	ck_assert_msg(r == pc->want_r, "%s: probe returned %s, not %s; %s\n%s",
	    pc->name, asy_strerror(r), asy_strerror(pc->want_r), res.reason,
	    t.data);
	ck_assert_msg(res.kind == pc->want_kind, "%s: %s, not %s: %s\n%s",
	    pc->name, asy_console_kind_name(res.kind),
	    asy_console_kind_name(pc->want_kind), res.reason, t.data);
	ck_assert_msg(res.bl_seen == pc->bl_seen && res.bl_interrupted ==
	    pc->bl_interrupted, "%s: boot loader seen %d interrupted %d",
	    pc->name, res.bl_seen, res.bl_interrupted);
	ck_assert_int_eq(res.login_refused, pc->login_refused);
	ck_assert_msg(res.n_secrets == pc->secrets, "%s: %zu secrets",
	    pc->name, res.n_secrets);
	ck_assert_msg(res.reason[0] != '\0' && strstr(res.reason,
	    pc->reason_has) != NULL, "%s: reason '%s' lacks '%s'", pc->name,
	    res.reason, pc->reason_has);
	ck_assert_msg(res.bytes_read > 0 || res.kind == ASY_CONSOLE_SILENT,
	    "%s: no bytes counted", pc->name);
	if (pc->max_bytes > 0) {
		ck_assert_int_eq(res.flooded, 1);
		ck_assert_uint_le(res.bytes_read, pc->max_bytes);
	}
	/* A harness or port fault is never a classification. */
	if (r < 0)
		ck_assert(res.kind == ASY_CONSOLE_UNKNOWN ||
		    res.kind == ASY_CONSOLE_NOISE);
	check_transcript_form(&t);
	ck_assert_ptr_nonnull(strstr(t.data, "# probe: "));
	for (size_t i = 0; i < res.n_evidence; i++)
		for (const char *e = res.evidence[i]; *e != '\0'; e++)
			ck_assert(*e >= 0x20 && *e < 0x7f);
	asy_console_result_release(&res);
	asy_console_close(c);
	asy_buf_release(&t);
	fake_stop(&f);
}
END_TEST

/* The secrets: named by line and kind, their values nowhere. */
START_TEST(test_probe_secrets)
{
	struct asy_console_opts o = { .timeout_ms = 10000, .quiet_ms = 500 };
	static const char *const values[] = { PSK, ADMINPW, KEYBODY };
	struct asy_console_result res;
	struct asy_console *c;
	struct asy_buf t;
	struct fake f;
	int r, pem = 0, psk = 0, pw = 0;

	fake_start(&f, dev_shell, secret_log);
	c = console_on(&f);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_console_transcript(c, &t, NULL, 0);
	r = asy_console_probe(c, &o, &res);
	ck_assert_int_eq(r, 0);
	asy_console_close(c);
	ck_assert_uint_eq(res.n_secrets, 3);
	for (size_t i = 0; i < res.n_secrets; i++) {
		const struct asy_console_secret *x = &res.secrets[i];

		if (strcmp(x->kind, "Wi-Fi PSK") == 0) {
			psk = 1;
			ck_assert_uint_eq(x->line, 1);
			ck_assert_uint_eq(x->offset, 0);
			ck_assert_ptr_nonnull(strstr(x->text, "psk=********"));
		} else if (strcmp(x->kind, "private key") == 0) {
			pem = 1;
			ck_assert_uint_eq(x->line, 3);
		} else if (strcmp(x->kind, "password") == 0) {
			pw = 1;
			ck_assert_uint_eq(x->line, 6);
			ck_assert_ptr_nonnull(strstr(x->text,
			    "password=******** (factory)"));
		}
	}
	ck_assert(pem && psk && pw);
	for (size_t v = 0; v < ASY_ELEMENTSOF(values); v++) {
		ck_assert_msg(strstr(t.data, values[v]) == NULL,
		    "secret in the transcript:\n%s", t.data);
		ck_assert(strstr(res.reason, values[v]) == NULL);
		for (size_t i = 0; i < res.n_secrets; i++)
			ck_assert(strstr(res.secrets[i].text, values[v]) ==
			    NULL);
		for (size_t i = 0; i < res.n_evidence; i++)
			ck_assert(strstr(res.evidence[i], values[v]) == NULL);
	}
	/* The PEM header stays, the body is masked. */
	ck_assert_ptr_nonnull(strstr(t.data, "BEGIN RSA PRIVATE KEY"));
	ck_assert_ptr_nonnull(strstr(t.data, "< ********\\r\\n"));
	asy_console_result_release(&res);
	asy_buf_release(&t);
	fake_stop(&f);
}
END_TEST

/* Markup stays text, control bytes are escaped, a forged line is not a
 * line of its own. */
START_TEST(test_probe_markup)
{
	struct asy_console_opts o = { .timeout_ms = 10000, .quiet_ms = 500 };
	struct asy_console_result res;
	struct asy_console *c;
	struct asy_buf t;
	struct fake f;
	const char *p;

	fake_start(&f, dev_shell, markup_log);
	c = console_on(&f);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_console_transcript(c, &t, NULL, 0);
	ck_assert_int_eq(asy_console_probe(c, &o, &res), 0);
	asy_console_close(c);
	check_transcript_form(&t);
	ck_assert_ptr_nonnull(strstr(t.data, "\\x1b[31mRED\\x1b[0m \\x01\\xff"
	    "\\r\\n"));
	ck_assert_ptr_nonnull(strstr(t.data, "< <script>alert(1)</script>"));
	p = strstr(t.data, "+0.000 > forged line");
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(p > t.data && p[-1] == ' ' && p[-2] == '<',
	    "the forged line starts a transcript line:\n%s", t.data);
	asy_console_result_release(&res);
	asy_buf_release(&t);
	fake_stop(&f);
}
END_TEST

/* ---- exec and login ------------------------------------------------------ */

static const struct exec_case {
	const char	*cmd;
	const char	*output;
	int		 status;
} execs[] = {
	{ "echo hello; echo world", "hello\nworld\n", 0 },
	{ "printf 'no newline'", "no newline", 0 },
	{ "printf '%s\\n' \"it's\" '<b>&'", "it's\n<b>&\n", 0 },
	{ "false", "", 1 },
	{ "sh -c 'exit 7'", "", 7 },
	{ "echo __ASY_00000000_E0 fake marker", "__ASY_00000000_E0 fake "
	    "marker\n", 0 },
	{ "echo one # a comment", "one\n", 0 },
	{ "true", "", 0 },
};

START_TEST(test_exec)
{
	struct asy_console *c;
	struct fake f;
	char *out = NULL;
	int r, st = -1;

	fake_start(&f, dev_shell, NULL);
	c = console_on(&f);
	for (size_t i = 0; i < ASY_ELEMENTSOF(execs); i++) {
		r = asy_console_exec(c, execs[i].cmd, 5000, 4096, &out, &st);
		ck_assert_msg(r == 0, "%s: %s", execs[i].cmd, asy_strerror(r));
		ck_assert_msg(strcmp(out, execs[i].output) == 0,
		    "%s: output '%s', not '%s'", execs[i].cmd, out,
		    execs[i].output);
		ck_assert_int_eq(st, execs[i].status);
		free(out);
		out = NULL;
	}
	/* Past the cap: ASY_E_TOOBIG, and the console stays in step. */
	r = asy_console_exec(c, "i=0; while [ $i -lt 2000 ]; do echo "
	    "line$i; i=$((i+1)); done", 20000, 1024, &out, &st);
	ck_assert_int_eq(r, ASY_E_TOOBIG);
	ck_assert_ptr_null(out);
	r = asy_console_exec(c, "echo after", 5000, 4096, &out, &st);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(out, "after\n");
	free(out);
	out = NULL;
	/* One line only. */
	ck_assert_int_eq(asy_console_exec(c, "echo a\necho b", 5000, 4096,
	    &out, &st), ASY_E_INPUT);
	ck_assert_int_eq(asy_console_exec(c, "echo a\rb", 5000, 4096, &out,
	    &st), ASY_E_INPUT);
	asy_console_close(c);
	fake_stop(&f);
}
END_TEST

/* A device that never answers: exec ends at its deadline. */
START_TEST(test_exec_silent)
{
	struct asy_console *c;
	struct fake f;
	char *out = NULL;
	int st = -1;

	fake_start(&f, dev_silent, NULL);
	c = console_on(&f);
	ck_assert_int_eq(asy_console_exec(c, "echo x", 1000, 4096, &out, &st),
	    ASY_E_TIMEOUT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(st, -1);
	asy_console_close(c);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login)
{
	struct asy_console *c;
	struct asy_buf t;
	struct fake f;
	char *out = NULL;
	int st = -1;

	fake_start(&f, dev_login, "Debian GNU/Linux 12 fake-dev ttyS0\r\n");
	c = console_on(&f);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_console_transcript(c, &t, NULL, 0);
	ck_assert_int_eq(asy_console_login(c, GOOD_USER, "wrong-Pw", 10000),
	    ASY_E_REFUSED);
	ck_assert_int_eq(asy_console_login(c, "nobody-here", GOOD_PASS,
	    10000), ASY_E_REFUSED);
	ck_assert_int_eq(asy_console_login(c, GOOD_USER, GOOD_PASS, 10000), 0);
	ck_assert_int_eq(asy_console_exec(c, "echo in", 5000, 4096, &out,
	    &st), 0);
	ck_assert_str_eq(out, "in\n");
	free(out);
	/* Line breaks in credentials are refused before anything is sent. */
	ck_assert_int_eq(asy_console_login(c, "a\rb", "x", 1000),
	    ASY_E_INPUT);
	ck_assert_int_eq(asy_console_login(c, "a", "x\ny", 1000),
	    ASY_E_INPUT);
	asy_console_close(c);
	/* The passwords typed never reach the transcript. */
	ck_assert_ptr_null(strstr(t.data, GOOD_PASS));
	ck_assert_ptr_null(strstr(t.data, "wrong-Pw"));
	ck_assert_ptr_nonnull(strstr(t.data, "> ******** (secret)"));
	check_transcript_form(&t);
	asy_buf_release(&t);
	fake_stop(&f);
}
END_TEST

/* No prompt at all (silence) and text that is no prompt. */
START_TEST(test_login_no_prompt)
{
	struct asy_console *c;
	struct fake f;

	fake_start(&f, dev_silent, NULL);
	c = console_on(&f);
	ck_assert_int_eq(asy_console_login(c, "u", "p", 1500), ASY_E_TIMEOUT);
	asy_console_close(c);
	fake_stop(&f);

	fake_start(&f, dev_flood, NULL);
	c = console_on(&f);
	ck_assert_int_eq(asy_console_login(c, "u", "p", 1500), ASY_E_PROTO);
	asy_console_close(c);
	fake_stop(&f);
}
END_TEST

/* ---- the adapter --------------------------------------------------------- */

static const struct term_case {
	unsigned long		 baud;
	speed_t			 code;
	unsigned		 bits;
	char			 parity;
	unsigned		 stop;
	enum asy_serial_flow	 flow;
} terms[] = {
	{ 115200, B115200, 8, 'n', 1, ASY_SERIAL_FLOW_NONE },
	{ 9600, B9600, 7, 'e', 2, ASY_SERIAL_FLOW_XONXOFF },
	{ 4000000, B4000000, 8, 'o', 1, ASY_SERIAL_FLOW_RTSCTS },
	{ 57600, B57600, 5, 'n', 2, ASY_SERIAL_FLOW_NONE },
	{ 921600, B921600, 6, 'o', 2, ASY_SERIAL_FLOW_RTSCTS },
	{ 50, B50, 8, 'e', 1, ASY_SERIAL_FLOW_XONXOFF },
};

/*
 * tcgetattr on the slave after configuring.  Linux's pty driver keeps the
 * rate, PARODD, CSTOPB, CRTSCTS and IXON as set but forces 8 data bits and
 * no PARENB (pty_set_termios()); for those the adapter must report what
 * the driver holds, not what was asked.
 */
START_TEST(test_termios)
{
	const struct term_case *tc = &terms[_i];
	struct asy_serial_cfg cfg, applied;
	struct termios before, t, after;
	struct asy_serial *s = NULL;
	char why[WHY] = "";
	struct fake f;
	int r;

	fake_start(&f, dev_silent, NULL);
	ck_assert_int_eq(tcgetattr(f.slave, &before), 0);
	asy_serial_cfg_default(&cfg, f.path);
	cfg.baud = tc->baud;
	cfg.data_bits = tc->bits;
	cfg.parity = tc->parity;
	cfg.stop_bits = tc->stop;
	cfg.flow = tc->flow;
	r = asy_serial_open(&cfg, &s, why, sizeof(why));
	ck_assert_msg(r == 0, "%s", why);
	ck_assert_int_eq(tcgetattr(f.slave, &t), 0);
	ck_assert_uint_eq(cfgetospeed(&t), tc->code);
	ck_assert_uint_eq(cfgetispeed(&t), tc->code);
	ck_assert_int_eq(!!(t.c_cflag & PARODD), tc->parity == 'o');
	ck_assert_int_eq(!!(t.c_cflag & CSTOPB), tc->stop == 2);
	ck_assert_int_eq(!!(t.c_cflag & CRTSCTS),
	    tc->flow == ASY_SERIAL_FLOW_RTSCTS);
	ck_assert_int_eq(!!(t.c_iflag & IXON),
	    tc->flow == ASY_SERIAL_FLOW_XONXOFF);
	ck_assert_int_eq(!!(t.c_iflag & IXOFF),
	    tc->flow == ASY_SERIAL_FLOW_XONXOFF);
	ck_assert_int_eq(t.c_cc[VSTOP], 0x13);
	ck_assert_int_eq(t.c_cc[VSTART], 0x11);
	/* Raw: no echo, no canonical mode, no CR/LF mapping. */
	ck_assert_int_eq(t.c_lflag & (ECHO | ICANON | ISIG), 0);
	ck_assert_int_eq(t.c_iflag & (ICRNL | INLCR), 0);
	ck_assert_int_eq(t.c_oflag & OPOST, 0);
	ck_assert(t.c_cflag & CLOCAL);
	ck_assert_int_eq(asy_serial_applied(s, &applied), 0);
	ck_assert_uint_eq(applied.baud, tc->baud);
	ck_assert_uint_eq(applied.stop_bits, tc->stop);
	ck_assert_int_eq(applied.flow, tc->flow);
	ck_assert_uint_eq(applied.data_bits,
	    (t.c_cflag & CSIZE) == CS8 ? 8 : (t.c_cflag & CSIZE) == CS7 ? 7 :
	    (t.c_cflag & CSIZE) == CS6 ? 6 : 5);
	ck_assert_int_eq(applied.parity, !(t.c_cflag & PARENB) ? 'n' :
	    (t.c_cflag & PARODD) ? 'o' : 'e');
	asy_serial_close(s);
	/* The settings as found are back. */
	ck_assert_int_eq(tcgetattr(f.slave, &after), 0);
	ck_assert_uint_eq(cfgetospeed(&after), cfgetospeed(&before));
	ck_assert_uint_eq(after.c_cflag, before.c_cflag);
	ck_assert_uint_eq(after.c_iflag, before.c_iflag);
	fake_stop(&f);
}
END_TEST

/* A second user of the port fails clearly (even root: the flock). */
START_TEST(test_exclusive)
{
	struct asy_serial *s = NULL, *s2 = NULL;
	struct asy_serial_cfg cfg;
	char why[WHY] = "";
	struct fake f;

	fake_start(&f, dev_silent, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	ck_assert_int_eq(asy_serial_open(&cfg, &s2, why, sizeof(why)),
	    ASY_E_REFUSED);
	ck_assert_ptr_null(s2);
	ck_assert_msg(strstr(why, "in use by another program") != NULL &&
	    strstr(why, f.path) != NULL, "%s", why);
	if (geteuid() != 0) {
		/* TIOCEXCL itself: the kernel refuses the open. */
		int fd = open(f.path, O_RDWR | O_NOCTTY | O_NONBLOCK);

		ck_assert_int_lt(fd, 0);
		ck_assert_int_eq(errno, EBUSY);
	}
	asy_serial_close(s);
	ck_assert_int_eq(asy_serial_open(&cfg, &s2, why, sizeof(why)), 0);
	asy_serial_close(s2);
	fake_stop(&f);
}
END_TEST

/* What the device hears: our writes, a break, and a secret write. */
static void
dev_record(int m, const void *arg)
{
	char line[256];

	/* Echo each line back, as a device with echo does. */
	while (dev_getline(m, line, sizeof(line), 0, 30000) == 0) {
		dev_write(m, "got ");
		dev_write(m, line);
		dev_write(m, "\r\n");
	}
	dev_idle(m);
}

START_TEST(test_write_break_transcript)
{
	struct asy_serial_match mt;
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	struct asy_buf t, b;
	char why[WHY] = "", path[256];
	static const char *const pats[] = { "nothing", "^got pw-" };
	static const char *const crlf[] = { "\r\n" };
	struct fake f;
	FILE *tf;
	char *dir;
	int r;

	dir = ut_tmpdir();
	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	tf = fopen(path, "w");
	ck_assert_ptr_nonnull(tf);
	fake_start(&f, dev_record, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_buf_init(&b, 4096);
	asy_serial_transcript(s, &t, tf, 0);
	ck_assert_int_eq(asy_serial_break(s, 100), 0);
	ck_assert_int_eq(asy_serial_break(s, 0), 0);
	ck_assert_int_eq(asy_serial_puts(s, "hello\r", 0, 2000), 0);
	ck_assert_int_eq(asy_serial_puts(s, "pw-Secret-9\r", 1, 2000), 0);
	r = asy_serial_expect(s, &b, 0, pats, 2, 5000, &mt);
	ck_assert_int_eq(r, 1);
	ck_assert_ptr_nonnull(strstr(b.data, "got hello"));
	/* The rest of that line, searched from the match on. */
	r = asy_serial_expect(s, &b, mt.end, crlf, 1, 5000, &mt);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(mt.end, b.len);
	ck_assert_int_eq(asy_serial_transcript_flush(s), 0);
	asy_serial_close(s);
	fclose(tf);
	check_transcript_form(&t);
	ck_assert_ptr_nonnull(strstr(t.data, " # serial "));
	ck_assert_ptr_nonnull(strstr(t.data, "115200 8N1, flow none"));
	ck_assert_ptr_nonnull(strstr(t.data, " # break 100 ms\n"));
	ck_assert_ptr_nonnull(strstr(t.data, " > hello\\r\n"));
	ck_assert_ptr_nonnull(strstr(t.data, " < got hello\\r\\n\n"));
	ck_assert_ptr_nonnull(strstr(t.data, " > ******** (secret)\n"));
	/* The device's echo of the secret is masked too. */
	ck_assert_ptr_nonnull(strstr(t.data, " < got ***********\\r\\n\n"));
	ck_assert_ptr_null(strstr(t.data, "Secret-9"));
	/* The file holds the same. */
	asy_buf_release(&b);
	ut_load(path, &b);
	ck_assert_str_eq(b.data, t.data);
	asy_buf_release(&t);
	asy_buf_release(&b);
	fake_stop(&f);
	ut_rmrf(dir);
	free(dir);
}
END_TEST

/* The device echoes a secret in two pieces with a pause between, and we
 * write something in the pause: both pieces of the echo are masked. */
static void
dev_split_echo(int m, const void *arg)
{
	char line[256];

	if (dev_getline(m, line, sizeof(line), 0, 30000) < 0)
		_exit(0);
	dev_write(m, "echo: ");
	dev_write(m, "pw-Sec");
	if (dev_getline(m, line, sizeof(line), 0, 30000) < 0)
		_exit(0);
	dev_write(m, "ret-9 done\r\n");
	dev_idle(m);
}

START_TEST(test_secret_echo_split)
{
	static const char *const done[] = { "done\r\n" };
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	char why[WHY] = "";
	struct asy_buf t, b;
	struct fake f;
	long n;

	fake_start(&f, dev_split_echo, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	asy_buf_init(&t, 65536);
	asy_buf_init(&b, 4096);
	asy_serial_transcript(s, &t, NULL, 0);
	ck_assert_int_eq(asy_serial_puts(s, "pw-Secret-9\r", 1, 2000), 0);
	do
		n = asy_serial_read(s, &b, 10000);
	while (n > 0 && strstr(b.data, "pw-Sec") == NULL);
	ck_assert_int_gt(n, 0);
	/* This write cuts the device's line after "pw-Sec". */
	ck_assert_int_eq(asy_serial_puts(s, "next\r", 0, 2000), 0);
	ck_assert_int_eq(asy_serial_expect(s, &b, 0, done, 1, 10000, NULL),
	    0);
	asy_serial_close(s);
	check_transcript_form(&t);
	ck_assert_msg(strstr(t.data, "Sec") == NULL &&
	    strstr(t.data, "ret-9") == NULL, "%s", t.data);
	ck_assert_ptr_nonnull(strstr(t.data, " < echo: ******\n"));
	ck_assert_ptr_nonnull(strstr(t.data, " < ***** done\\r\\n\n"));
	asy_buf_release(&t);
	asy_buf_release(&b);
	fake_stop(&f);
}
END_TEST

/* The transcript's cap: one line says it was cut, then nothing. */
START_TEST(test_transcript_cap)
{
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	struct asy_buf t, b;
	char why[WHY] = "";
	struct fake f;
	long n;

	fake_start(&f, dev_flood, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	asy_buf_init(&t, (size_t)1 << 20);
	asy_buf_init(&b, 32768);
	asy_serial_transcript(s, &t, NULL, 4096);
	/* A flood into a capped buffer: what fits, then ASY_E_TOOBIG. */
	do
		n = asy_serial_read(s, &b, 5000);
	while (n > 0);
	ck_assert_int_eq(n, ASY_E_TOOBIG);
	ck_assert_uint_eq(b.len, 32768);
	asy_serial_close(s);
	ck_assert_uint_le(t.len, 4096);
	ck_assert_ptr_nonnull(strstr(t.data, "# transcript cut at "));
	ck_assert_str_eq(t.data + t.len - 1, "\n");
	check_transcript_form(&t);
	asy_buf_release(&t);
	asy_buf_release(&b);
	fake_stop(&f);
}
END_TEST

/* A hang-up: reads and writes say ASY_E_CLOSED, nothing waits. */
START_TEST(test_hangup)
{
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	char why[WHY] = "";
	struct asy_buf b;
	struct fake f;
	long n;

	fake_start(&f, dev_hangup, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	asy_buf_init(&b, 65536);
	do
		n = asy_serial_read(s, &b, 10000);
	while (n > 0 && strstr(b.data, "Booting Linux") == NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(asy_serial_puts(s, "\r", 0, 1000), 0);
	do
		n = asy_serial_read(s, &b, 10000);
	while (n > 0);
	ck_assert_int_eq(n, ASY_E_CLOSED);
	ck_assert_int_eq(asy_serial_read(s, &b, 10000), ASY_E_CLOSED);
	ck_assert_int_eq(asy_serial_puts(s, "x", 0, 10000), ASY_E_CLOSED);
	ck_assert_int_eq(asy_serial_break(s, 10), ASY_E_CLOSED);
	asy_serial_close(s);
	asy_buf_release(&b);
	fake_stop(&f);
}
END_TEST

/* At the first byte, XOFF, then a line saying so; then nothing more. */
static void
dev_xoff(int m, const void *arg)
{
	struct pollfd pfd = { .fd = m, .events = POLLIN };

	poll(&pfd, 1, 30000);
	dev_write(m, "\x13stopped\r\n");
	for (;;)
		dev_sleep(1000);
}

/* Output held by flow control: the write ends at its deadline with
 * ASY_E_TIMEOUT, and a break and the close do not wait for it. */
START_TEST(test_flow_held)
{
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	char why[WHY] = "", *big;
	struct asy_buf b;
	struct fake f;
	long n;

	fake_start(&f, dev_xoff, NULL);
	asy_serial_cfg_default(&cfg, f.path);
	cfg.flow = ASY_SERIAL_FLOW_XONXOFF;
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)), 0);
	asy_buf_init(&b, 4096);
	ck_assert_int_eq(asy_serial_puts(s, "go\r", 0, 2000), 0);
	do
		n = asy_serial_read(s, &b, 10000);
	while (n > 0 && strstr(b.data, "stopped") == NULL);
	ck_assert_int_gt(n, 0);
	/* XOFF is flow control, not data. */
	ck_assert_ptr_null(strchr(b.data, '\x13'));
	big = malloc((size_t)1 << 20);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', (size_t)1 << 20);
	ck_assert_int_eq(asy_serial_write(s, big, (size_t)1 << 20, 0, 500),
	    ASY_E_TIMEOUT);
	ck_assert_int_eq(asy_serial_break(s, 50), 0);
	asy_serial_close(s);
	free(big);
	asy_buf_release(&b);
	fake_stop(&f);
}
END_TEST

static const struct bad_cfg {
	const char	*what;
	const char	*path;		/* NULL: a fake's pty */
	unsigned long	 baud;
	unsigned	 bits;
	char		 parity;
	unsigned	 stop;
	int		 flow;
	int		 want;
	const char	*why_has;
} bad_cfgs[] = {
	{ "unsupported baud", NULL, 12345, 8, 'n', 1, 0, ASY_E_INPUT,
	    "12345 baud is not a termios rate" },
	{ "zero baud", NULL, 0, 8, 'n', 1, 0, ASY_E_INPUT, "0 baud" },
	{ "huge baud", NULL, 4000001, 8, 'n', 1, 0, ASY_E_INPUT, "baud" },
	{ "9 data bits", NULL, 115200, 9, 'n', 1, 0, ASY_E_INPUT,
	    "9 data bits" },
	{ "parity x", NULL, 115200, 8, 'x', 1, 0, ASY_E_INPUT, "parity" },
	{ "3 stop bits", NULL, 115200, 8, 'n', 3, 0, ASY_E_INPUT,
	    "3 stop bits" },
	{ "unknown flow", NULL, 115200, 8, 'n', 1, 7, ASY_E_INPUT,
	    "flow control" },
	{ "missing path", "/nonexistent/ttyUSB9", 115200, 8, 'n', 1, 0,
	    ASY_E_NOTFOUND, "does not exist" },
	{ "empty path", "", 115200, 8, 'n', 1, 0, ASY_E_INPUT,
	    "no serial port path" },
	{ "not a tty", "/dev/null", 115200, 8, 'n', 1, 0, ASY_E_INPUT,
	    "not a terminal" },
	{ "a folder", "/", 115200, 8, 'n', 1, 0, ASY_E_INPUT,
	    "not a terminal" },
};

START_TEST(test_bad_config)
{
	const struct bad_cfg *bc = &bad_cfgs[_i];
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	char why[WHY] = "";
	struct fake f;
	int r;

	fake_start(&f, dev_silent, NULL);
	asy_serial_cfg_default(&cfg, bc->path != NULL ? bc->path : f.path);
	cfg.baud = bc->baud;
	cfg.data_bits = bc->bits;
	cfg.parity = bc->parity;
	cfg.stop_bits = bc->stop;
	cfg.flow = (enum asy_serial_flow)bc->flow;
	r = asy_serial_open(&cfg, &s, why, sizeof(why));
	ck_assert_msg(r == bc->want, "%s: %s (%s)", bc->what,
	    asy_strerror(r), why);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(why, bc->why_has) != NULL, "%s: why '%s'",
	    bc->what, why);
	fake_stop(&f);
}
END_TEST

/* A regular file is not a terminal either; and a NULL config. */
START_TEST(test_bad_config_file)
{
	struct asy_serial_cfg cfg;
	struct asy_serial *s = NULL;
	char why[WHY] = "", *dir, *file;

	dir = ut_tmpdir();
	file = asy_path_join(dir, "ttyFAKE");
	ut_write_str(file, "not a tty\n");
	asy_serial_cfg_default(&cfg, file);
	ck_assert_int_eq(asy_serial_open(&cfg, &s, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_ptr_nonnull(strstr(why, "not a terminal"));
	ck_assert_int_eq(asy_serial_open(NULL, &s, why, sizeof(why)),
	    ASY_E_INPUT);
	ck_assert_ptr_null(s);
	ut_rmrf(dir);
	free(file);
	free(dir);
}
END_TEST

START_TEST(test_cfg_from_lab)
{
	struct asy_lab_iface f = {
		.id = "tty", .kind = ASY_IFACE_SERIAL, .path = "/dev/ttyS1",
		.baud = 57600, .data_bits = 7, .parity = 'e', .stop_bits = 2,
		.flow = "rtscts",
	};
	struct asy_serial_cfg cfg;
	char d[96];

	ck_assert_int_eq(asy_serial_cfg_from_lab(&cfg, &f), 0);
	ck_assert_str_eq(cfg.path, "/dev/ttyS1");
	ck_assert_uint_eq(cfg.baud, 57600);
	ck_assert_uint_eq(cfg.data_bits, 7);
	ck_assert_int_eq(cfg.parity, 'e');
	ck_assert_uint_eq(cfg.stop_bits, 2);
	ck_assert_int_eq(cfg.flow, ASY_SERIAL_FLOW_RTSCTS);
	asy_serial_cfg_describe(&cfg, d, sizeof(d));
	ck_assert_str_eq(d, "57600 7E2, flow rtscts");
	f.flow = "xonxoff";
	ck_assert_int_eq(asy_serial_cfg_from_lab(&cfg, &f), 0);
	ck_assert_int_eq(cfg.flow, ASY_SERIAL_FLOW_XONXOFF);
	f.flow = "dtrdsr";
	ck_assert_int_eq(asy_serial_cfg_from_lab(&cfg, &f), ASY_E_INPUT);
	f.flow = "none";
	f.kind = ASY_IFACE_ETHERNET;
	ck_assert_int_eq(asy_serial_cfg_from_lab(&cfg, &f), ASY_E_INPUT);
	ck_assert_int_eq(asy_serial_cfg_from_lab(&cfg, NULL), ASY_E_INPUT);
}
END_TEST

/* ---- tables: patterns, escaping, masking --------------------------------- */

static const struct match_case {
	const char	*data;
	size_t		 n;		/* 0: strlen(data) */
	const char	*pat;
	long		 start;		/* -1: no match */
} matches[] = {
	{ "fake login: ", 0, "login:", 5 },
	{ "fake LOGIN: ", 0, "login:", 5 },
	{ "fake login: ", 0, "login: $", 5 },
	{ "fake login: x", 0, "login: $", -1 },
	{ "=> ", 0, "^=> $", 0 },
	{ "boot\r\n=> ", 0, "^=> $", 6 },
	{ "boot => ", 0, "^=> $", -1 },
	{ "a\nb", 0, "^b", 2 },
	{ "ab", 0, "^b", -1 },
	{ "Last login: Mon", 0, "login:$", -1 },
	{ "x\0login:", 8, "login:", 2 },
	{ "", 0, "x", -1 },
	{ "abc", 0, "", 0 },
	{ "abc", 0, "abcd", -1 },
};

START_TEST(test_match)
{
	const struct match_case *mc = &matches[_i];
	struct asy_serial_match m = { 0, 0 };
	size_t n = mc->n > 0 ? mc->n : strlen(mc->data);
	struct asy_buf b;
	int r;

	asy_buf_init(&b, 64);
	if (n > 0)
		ck_assert_int_eq(asy_buf_add(&b, mc->data, n), 0);
	r = asy_serial_match(&b, 0, mc->pat, &m);
	ck_assert_msg(r == (mc->start >= 0), "'%s' ~ '%s': %d", mc->data,
	    mc->pat, r);
	if (r)
		ck_assert_uint_eq(m.start, (size_t)mc->start);
	asy_buf_release(&b);
}
END_TEST

static const struct esc_case {
	const char	*in;
	size_t		 n;
	const char	*out;
} escs[] = {
	{ "plain text", 10, "plain text" },
	{ "a\r\n", 3, "a\\r\\n" },
	{ "\t\\", 2, "\\t\\\\" },
	{ "\x1b[0m", 4, "\\x1b[0m" },
	{ "\0\x7f\xff", 3, "\\x00\\x7f\\xff" },
	{ "<a href='x'>&", 13, "<a href='x'>&" },
	{ "\xc3\xa9", 2, "\\xc3\\xa9" },
};

START_TEST(test_escape)
{
	struct asy_buf b;

	asy_buf_init(&b, 256);
	ck_assert_int_eq(asy_serial_escape(&b, escs[_i].in, escs[_i].n), 0);
	ck_assert_str_eq(b.data != NULL ? b.data : "", escs[_i].out);
	asy_buf_release(&b);
}
END_TEST

static const struct mask_case {
	const char	*in;
	const char	*out;	/* NULL: unchanged */
	const char	*kind;	/* NULL: nothing found */
} masks[] = {
	{ "wifi: psk=abc123\r\n", "wifi: psk=********\r\n", "Wi-Fi PSK" },
	{ "wpa_passphrase=\"my pass phrase\"", "wpa_passphrase=\"********\"",
	    "Wi-Fi PSK" },
	{ "password=hunter2 user=admin", "password=******** user=admin",
	    "password" },
	{ "root passwd: toor", "root passwd: ********", "password" },
	{ "Password: ", NULL, NULL },
	{ "passwd: password updated successfully", NULL, NULL },
	{ "bypass=1 tokens=3", NULL, NULL },
	{ "{\"api_key\": \"k-123\", \"token\":\"t-9\"}",
	    "{\"api_key\": \"********\", \"token\":\"********\"}", "token" },
	{ "client_secret=s1;x=2", "client_secret=********;x=2", "secret" },
	{ "PSK = spaced", "PSK = ********", "Wi-Fi PSK" },
	{ "password=********", NULL, NULL },
	{ "bootargs=console=ttyS0,115200 root=/dev/mtdblock2", NULL, NULL },
	{ "-----BEGIN OPENSSH PRIVATE KEY-----", NULL, "private key" },
	{ "-----BEGIN CERTIFICATE-----", NULL, NULL },
};

START_TEST(test_mask)
{
	const struct mask_case *mc = &masks[_i];
	struct asy_buf b;
	const char *kind;
	int in_key = 0;

	asy_buf_init(&b, 256);
	ck_assert_int_eq(asy_buf_puts(&b, mc->in), 0);
	kind = asy_console_mask_line(&b, &in_key);
	if (mc->kind == NULL)
		ck_assert_msg(kind == NULL, "'%s' found %s", mc->in, kind);
	else
		ck_assert_msg(kind != NULL && strcmp(kind, mc->kind) == 0,
		    "'%s' found %s, not %s", mc->in, kind ? kind : "nothing",
		    mc->kind);
	ck_assert_str_eq(b.data, mc->out != NULL ? mc->out : mc->in);
	asy_buf_release(&b);
}
END_TEST

/* A PEM block: header kept, body masked, state ends at END. */
START_TEST(test_mask_pem)
{
	static const char *const in[] = {
		"-----BEGIN EC PRIVATE KEY-----\r\n", "MHcCAQEEIO2x\r\n",
		"AwEHoUQDQgAE\n", "-----END EC PRIVATE KEY-----\r\n",
		"after=fine\r\n",
	};
	static const char *const out[] = {
		"-----BEGIN EC PRIVATE KEY-----\r\n", "********\r\n",
		"********\n", "-----END EC PRIVATE KEY-----\r\n",
		"after=fine\r\n",
	};
	struct asy_buf b;
	int in_key = 0;

	asy_buf_init(&b, 256);
	for (size_t i = 0; i < ASY_ELEMENTSOF(in); i++) {
		asy_buf_reset(&b);
		asy_buf_puts(&b, in[i]);
		asy_console_mask_line(&b, &in_key);
		ck_assert_str_eq(b.data, out[i]);
	}
	ck_assert_int_eq(in_key, 0);
	asy_buf_release(&b);
}
END_TEST

static Suite *
serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *tc;

	tc = tcase_create("probe");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_probe, 0, ASY_ELEMENTSOF(probes));
	tcase_add_test(tc, test_probe_secrets);
	tcase_add_test(tc, test_probe_markup);
	suite_add_tcase(s, tc);

	tc = tcase_create("use");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_silent);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_login_no_prompt);
	suite_add_tcase(s, tc);

	tc = tcase_create("adapter");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_termios, 0, ASY_ELEMENTSOF(terms));
	tcase_add_test(tc, test_exclusive);
	tcase_add_test(tc, test_write_break_transcript);
	tcase_add_test(tc, test_transcript_cap);
	tcase_add_test(tc, test_secret_echo_split);
	tcase_add_test(tc, test_hangup);
	tcase_add_test(tc, test_flow_held);
	tcase_add_loop_test(tc, test_bad_config, 0, ASY_ELEMENTSOF(bad_cfgs));
	tcase_add_test(tc, test_bad_config_file);
	tcase_add_test(tc, test_cfg_from_lab);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_loop_test(tc, test_match, 0, ASY_ELEMENTSOF(matches));
	tcase_add_loop_test(tc, test_escape, 0, ASY_ELEMENTSOF(escs));
	tcase_add_loop_test(tc, test_mask, 0, ASY_ELEMENTSOF(masks));
	tcase_add_test(tc, test_mask_pem);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if (access("/dev/ptmx", R_OK | W_OK) != 0) {
		printf("1..0 # SKIP no pseudo-terminals (/dev/ptmx): %s\n",
		    strerror(errno));
		return 77;
	}
	return ut_main(serial_suite());
}
