/*
 * Benchmark: packet capture under load, assay's capture against tcpdump.
 *
 * Needs root (else it says why and exits 77).  Makes a network namespace
 * assay-perfcap with a veth pair: asy-perfcap0 (198.18.253.1/24) here,
 * eth0 (198.18.253.2/24) in the namespace, static neighbour entries and a
 * socket on 198.18.253.1:9 (no ARP, no ICMP errors in the capture).  A
 * child that joined the namespace sends UDP datagrams (64-byte payload)
 * to 198.18.253.1:9 at a target rate for a bounded time, paced on the
 * monotonic clock in sendmmsg() batches, and reports what it really sent.
 *
 * Rates: 100,000 packets/s, doubling up to a bound (default 1,600,000);
 * it stops early when the sender cannot reach a rate.  At each rate:
 *   (a) assay: asy_capture_* on asy-perfcap0, a 2 MiB buffer, filter
 *       "host 198.18.253.2", one file in a temporary folder; packets
 *       written and dropped (ps_drop + ps_ifdrop) as asy_capture_end()
 *       gives them;
 *   (b) tcpdump -i asy-perfcap0 -B 2048 -s 262144 -w FILE with the same
 *       buffer and filter, stopped with SIGINT after the sender; its "packets
 *       captured" and "dropped by kernel/interface" lines are parsed.
 * Each run has its own sender; the interface's rx_dropped counter is read
 * around each (drops before any tap, in the veth backlog).  CPU is user +
 * system time of the capturing process (for assay, this process, whose
 * main thread only waits).
 *
 * The figures are for the README; nothing is asserted.  The namespace is
 * removed in every path (and at the start if left over).
 *
 * Usage: bench-capture [SECONDS [MAX_RATE [BUFFER_KIB]]]
 *        (default: 2 1600000 2048; a smaller buffer shows drops sooner)
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "bench.h"
#include "buf.h"
#include "capture.h"
#include "error.h"
#include "proc.h"
#include "util.h"

#define NS		"assay-perfcap"
#define NS_PATH		"/run/netns/" NS
#define IF_HOST		"asy-perfcap0"
#define IF_NS		"eth0"
#define MAC_HOST	"02:00:00:a5:fd:01"
#define MAC_NS		"02:00:00:a5:fd:02"
#define IP_HOST		"198.18.253.1"
#define IP_NS		"198.18.253.2"
#define PORT		9

#define PAYLOAD		64
#define BATCH		32
#define FIRST_RATE	100000UL
#define MAX_RATE	1600000UL	/* default bound */
#define MAX_RATE_CAP	10000000UL	/* bound on the bound */
#define MAX_SECONDS	30UL
#define BUFFER_KIB	2048UL
#define MAX_BUFFER_KIB	(1UL << 20)
#define SNAPLEN		262144UL
/* A rate counts as reached at this share of the target. */
#define REACHED		0.95

static volatile sig_atomic_t interrupted;
static unsigned long buffer_kib = BUFFER_KIB;
static char buffer_arg[32];

static void
on_signal(int sig)
{
	interrupted = 1;
}

/* ---- helpers ------------------------------------------------------------- */

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep ms, or less when interrupted. */
static void
nap(int ms)
{
	if (!interrupted)
		poll(NULL, 0, ms);
}

/* Run argv (no shell) with a deadline; 0 when it exited 0. */
static int
cmd(char *const argv[], int quiet)
{
	struct asy_buf err;
	struct asy_proc_opts o = { .timeout_ms = 20000, .err = &err };
	struct asy_proc_result res;
	char d[128];
	int r;

	asy_buf_init(&err, 4096);
	r = asy_proc_run(argv, &o, &res);
	if (r == 0 && res.exited && res.status == 0) {
		asy_buf_release(&err);
		return 0;
	}
	if (!quiet) {
		asy_proc_describe(&res, d, sizeof(d));
		fprintf(stderr, "bench-capture: %s: %s%s%s", argv[0],
		    r == 0 || r == ASY_E_NOTFOUND ? d : asy_strerror(r),
		    err.len ? ": " : "\n", err.len ? err.data : "");
	}
	asy_buf_release(&err);
	return -1;
}

#define CMD(quiet, ...) cmd((char *[]){ __VA_ARGS__, NULL }, (quiet))

static void
netns_down(void)
{
	CMD(1, "ip", "netns", "del", NS);
	CMD(1, "ip", "link", "del", IF_HOST);
}

static int
netns_up(void)
{
	static const char *const steps[][16] = {
		{ "ip", "netns", "add", NS },
		{ "ip", "link", "add", IF_HOST, "address", MAC_HOST, "type",
		    "veth", "peer", "name", IF_NS, "address", MAC_NS, "netns",
		    NS },
		{ "ip", "addr", "add", IP_HOST "/24", "dev", IF_HOST },
		{ "ip", "link", "set", IF_HOST, "up" },
		{ "ip", "-n", NS, "addr", "add", IP_NS "/24", "dev", IF_NS },
		{ "ip", "-n", NS, "link", "set", IF_NS, "up" },
		{ "ip", "neigh", "replace", IP_NS, "lladdr", MAC_NS, "dev",
		    IF_HOST, "nud", "permanent" },
		{ "ip", "-n", NS, "neigh", "replace", IP_HOST, "lladdr",
		    MAC_HOST, "dev", IF_NS, "nud", "permanent" },
	};
	struct asy_buf b;
	double t0;

	for (size_t i = 0; i < ASY_ELEMENTSOF(steps); i++)
		if (cmd((char *const *)steps[i], 0) < 0)
			return -1;
	for (t0 = bench_now_ms(); bench_now_ms() - t0 < 3000;) {
		int up;

		asy_buf_init(&b, 8192);
		up = asy_buf_load_file(&b, "/sys/class/net/" IF_HOST
		    "/operstate") == 0 && b.data != NULL &&
		    strncmp(b.data, "up", 2) == 0;
		asy_buf_release(&b);
		if (up)
			return 0;
		nap(20);
	}
	fprintf(stderr, "bench-capture: %s did not come up\n", IF_HOST);
	return -1;
}

/* The interface's rx_dropped counter (packets lost before any tap). */
static unsigned long long
rx_dropped(void)
{
	struct asy_buf b;
	unsigned long v = 0;

	asy_buf_init(&b, 8192);
	if (asy_buf_load_file(&b, "/sys/class/net/" IF_HOST
	    "/statistics/rx_dropped") == 0 && b.data != NULL) {
		b.data[strcspn(b.data, "\n")] = '\0';
		if (asy_parse_ulong(b.data, &v) < 0)
			v = 0;
	}
	asy_buf_release(&b);
	return v;
}

/* A socket on IP_HOST:PORT, so that the datagrams draw no ICMP errors. */
static int
sink(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(PORT) };
	int s, one = 1;

	if (inet_pton(AF_INET, IP_HOST, &a.sin_addr) != 1)
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* ---- the sender ---------------------------------------------------------- */

struct sent {
	unsigned long long	n;	/* datagrams handed to the kernel */
	unsigned long long	errors;	/* failed sendmmsg() calls */
	long long		ns;	/* from first to last send */
};

/*
 * In the child: join the namespace and send rate datagrams a second for
 * secs seconds (at most rate * secs, and never longer than secs + 2 s),
 * then write a struct sent to fd.  Only async-signal-safe calls: the
 * parent may have a capture thread.
 */
static void __attribute__((noreturn))
sender(int nsfd, int fd, unsigned long rate, unsigned long secs)
{
	static char payload[PAYLOAD];
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(PORT) };
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { payload, sizeof(payload) };
	unsigned long long total = (unsigned long long)rate * secs;
	struct sent out = { 0, 0, 0 };
	long long t0, hard, now = 0;
	int s;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		_exit(2);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || inet_pton(AF_INET, IP_HOST, &to.sin_addr) != 1 ||
	    connect(s, (struct sockaddr *)&to, sizeof(to)) < 0)
		_exit(3);
	memset(payload, 'a', sizeof(payload));
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	hard = t0 + ((long long)secs + 2) * 1000000000LL;
	while (out.n < total) {
		unsigned long long due, n;
		int r;

		now = now_ns();
		if (now >= hard)
			break;
		/* Datagrams due by now, at the target rate. */
		due = (unsigned long long)(now - t0) * rate / 1000000000ULL;
		if (due <= out.n) {
			long long at = t0 + (long long)((out.n + 1) *
			    1000000000ULL / rate);
			struct timespec ts = { at / 1000000000LL,
			    at % 1000000000LL };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
			    NULL);
			continue;
		}
		n = due - out.n;
		if (n > BATCH)
			n = BATCH;
		if (n > total - out.n)
			n = total - out.n;
		r = sendmmsg(s, msgs, (unsigned int)n, 0);
		if (r < 0) {
			out.errors++;
			continue;
		}
		out.n += (unsigned long long)r;
	}
	out.ns = now_ns() - t0;
	if (write(fd, &out, sizeof(out)) != (ssize_t)sizeof(out))
		_exit(4);
	_exit(0);
}

/* Send from a child and wait for it (bounded); 0 or -1. */
static int
send_burst(unsigned long rate, unsigned long secs, struct sent *res)
{
	long long deadline = now_ns() + ((long long)secs + 5) * 1000000000LL;
	int p[2] = { -1, -1 }, nsfd, st = 0, r = -1;
	size_t got = 0;
	pid_t pid;

	nsfd = open(NS_PATH, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "bench-capture: %s: %s\n", NS_PATH,
		    strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0)
		sender(nsfd, p[1], rate, secs);
	close(p[1]);
	p[1] = -1;
	while (got < sizeof(*res)) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long long left = (deadline - now_ns()) / 1000000;
		ssize_t n;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		n = read(p[0], (char *)res + got, sizeof(*res) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(*res))
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof(*res) && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		r = 0;
	else
		fprintf(stderr, "bench-capture: the sender failed (status "
		    "%d)\n", st);
out:
	if (nsfd >= 0)
		close(nsfd);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return r;
}

/* ---- one measurement ----------------------------------------------------- */

struct row {
	unsigned long		rate;
	struct sent		sent;
	unsigned long long	captured, dropped;
	unsigned long long	ifdrop;		/* rx_dropped during the run */
	unsigned long long	kernel_drop, iface_drop;	/* tcpdump's */
	double			cpu_ms;
	int			ok;
};

static double
rusage_ms(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec * 1e3 +
	    (double)ru->ru_utime.tv_usec / 1e3 +
	    (double)ru->ru_stime.tv_sec * 1e3 +
	    (double)ru->ru_stime.tv_usec / 1e3;
}

static int
run_assay(unsigned long rate, unsigned long secs, const char *dir,
    struct row *row)
{
	char *filter = asy_capture_filter(IP_NS, NULL, NULL);
	char *path = asy_path_join(dir, "assay.pcap");
	struct asy_capture_opts o = { .ifname = IF_HOST, .filter = filter,
	    .snaplen = SNAPLEN, .buffer = buffer_kib << 10, .file_cap = 0 };
	struct asy_capture *c = NULL;
	struct asy_capture_stats st;
	struct rusage r0, r1;
	unsigned long long if0;
	char err[512];
	int r = -1;

	memset(row, 0, sizeof(*row));
	row->rate = rate;
	if (filter == NULL || path == NULL)
		goto out;
	if (asy_capture_open(&o, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench-capture: %s\n", err);
		goto out;
	}
	getrusage(RUSAGE_SELF, &r0);
	if (asy_capture_start(c) < 0 || asy_capture_begin(c, path) < 0)
		goto out;
	if0 = rx_dropped();
	if (send_burst(rate, secs, &row->sent) < 0)
		goto out;
	if (asy_capture_end(c, &st) < 0)
		goto out;
	row->ifdrop = rx_dropped() - if0;
	asy_capture_close(c);
	c = NULL;
	getrusage(RUSAGE_SELF, &r1);
	row->cpu_ms = rusage_ms(&r1) - rusage_ms(&r0);
	row->captured = st.packets;
	row->dropped = st.dropped;
	row->ok = 1;
	r = 0;
out:
	asy_capture_close(c);
	if (path != NULL)
		unlink(path);
	free(path);
	free(filter);
	return r;
}

/* The number at the start of the line of text that contains what. */
static int
line_number(const char *text, const char *what, unsigned long long *v)
{
	const char *p = text != NULL ? strstr(text, what) : NULL;
	char *end = NULL;

	*v = 0;
	if (p == NULL)
		return -1;
	while (p > text && p[-1] != '\n')
		p--;
	errno = 0;
	*v = strtoull(p, &end, 10);
	return errno != 0 || end == p ? -1 : 0;
}

/* Read tcpdump's stderr into b until it shows needle, it ends, or the
 * deadline (ms) passes; 1 when needle was seen. */
static int
read_until(int fd, struct asy_buf *b, const char *needle, int ms)
{
	double deadline = bench_now_ms() + ms;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = deadline - bench_now_ms();
		char chunk[4096];
		ssize_t n;

		if (needle != NULL && b->data != NULL &&
		    strstr(b->data, needle) != NULL)
			return 1;
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)left + 1) < 0 && errno != EINTR)
			return 0;
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (asy_buf_add(b, chunk, (size_t)n) < 0)
			return 0;
	}
}

static int
run_tcpdump(unsigned long rate, unsigned long secs, const char *dir,
    struct row *row)
{
	char *path = asy_path_join(dir, "tcpdump.pcap");
	char *argv[] = { "tcpdump", "-i", IF_HOST, "-B", buffer_arg, "-s",
	    "262144", "-n", "-Z", "root", "-w", path, "host " IP_NS, NULL };
	int p[2] = { -1, -1 }, devnull = -1, st = 0, r = -1;
	unsigned long long if0;
	struct asy_buf err;
	struct rusage ru;
	pid_t pid = -1;

	memset(row, 0, sizeof(*row));
	row->rate = rate;
	asy_buf_init(&err, 1 << 16);
	if (path == NULL || pipe2(p, O_CLOEXEC) < 0)
		goto out;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		goto out;
	/* This process has no other thread now: execvp() is fine. */
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(p[1], 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	p[1] = -1;
	if (!read_until(p[0], &err, "listening on", 10000)) {
		fprintf(stderr, "bench-capture: tcpdump did not start: %s\n",
		    err.data != NULL ? err.data : "");
		goto out;
	}
	if0 = rx_dropped();
	if (send_burst(rate, secs, &row->sent) < 0)
		goto out;
	/* tcpdump hands over a block after 1 s at the latest. */
	nap(1200);
	row->ifdrop = rx_dropped() - if0;
	kill(pid, SIGINT);
	read_until(p[0], &err, NULL, 10000);
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	pid = -1;
	row->cpu_ms = rusage_ms(&ru);
	if (line_number(err.data, "captured", &row->captured) < 0 ||
	    line_number(err.data, "dropped by kernel", &row->kernel_drop) < 0) {
		fprintf(stderr, "bench-capture: tcpdump said: %s\n",
		    err.data != NULL ? err.data : "");
		goto out;
	}
	/* Printed only when not 0. */
	line_number(err.data, "dropped by interface", &row->iface_drop);
	row->dropped = row->kernel_drop + row->iface_drop;
	row->ok = 1;
	r = 0;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (devnull >= 0)
		close(devnull);
	if (path != NULL)
		unlink(path);
	free(path);
	asy_buf_release(&err);
	return r;
}

/* ---- the table ----------------------------------------------------------- */

static double
achieved(const struct sent *s)
{
	return s->ns > 0 ? (double)s->n * 1e9 / (double)s->ns : 0;
}

static void
print_header(void)
{
	printf("%9s  %-7s  %10s %9s  %10s %8s %11s %8s %7s\n", "target",
	    "tool", "sent", "achieved", "captured", "dropped", "(kern/if)",
	    "if-drop", "cpu");
	printf("%9s  %-7s  %10s %9s  %10s %8s %11s %8s %7s\n", "pps", "", "",
	    "pps", "", "", "", "", "ms");
}

static void
print_line(const char *tool, const struct row *r, int split)
{
	char kif[32] = "";

	if (split)
		snprintf(kif, sizeof(kif), "(%llu/%llu)", r->kernel_drop,
		    r->iface_drop);
	printf("%9lu  %-7s  %10llu %9.0f  %10llu %8llu %11s %8llu %7.0f\n",
	    r->rate, tool, r->sent.n, achieved(&r->sent), r->captured,
	    r->dropped, kif, r->ifdrop, r->cpu_ms);
}

static void
print_row(const struct row *a, const struct row *t)
{
	print_line("assay", a, 0);
	print_line("tcpdump", t, 1);
	fflush(stdout);
}

static int
parse_arg(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *v)
{
	return asy_parse_ulong(s, v) == 0 && *v >= lo && *v <= hi ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct row rows[2][8];
	size_t n = 0;
	unsigned long secs = 2, max_rate = MAX_RATE;
	char *dir = NULL, *tmpl = NULL;
	const char *base = getenv("TMPDIR");
	struct sigaction sa;
	int status = 1, s = -1, have_ns = 0, reach_note = 0;

	if ((argc > 1 && parse_arg(argv[1], 1, MAX_SECONDS, &secs) < 0) ||
	    (argc > 2 && parse_arg(argv[2], FIRST_RATE, MAX_RATE_CAP,
	    &max_rate) < 0) || (argc > 3 && parse_arg(argv[3], 64,
	    MAX_BUFFER_KIB, &buffer_kib) < 0) || argc > 4) {
		fprintf(stderr, "usage: bench-capture [SECONDS (1-%lu) "
		    "[MAX_RATE (%lu-%lu) [BUFFER_KIB (64-%lu)]]]\n",
		    MAX_SECONDS, FIRST_RATE, MAX_RATE_CAP, MAX_BUFFER_KIB);
		return 2;
	}
	snprintf(buffer_arg, sizeof(buffer_arg), "%lu", buffer_kib);
	if (getuid() != 0) {
		printf("bench-capture: skipped: needs root (a network "
		    "namespace, a live capture, tcpdump)\n");
		return 77;
	}
	if (CMD(1, "ip", "netns", "list") < 0) {
		printf("bench-capture: skipped: no \"ip netns\"\n");
		return 77;
	}
	if (CMD(1, "tcpdump", "--version") < 0) {
		printf("bench-capture: skipped: tcpdump is not installed\n");
		return 77;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (base == NULL || *base == '\0')
		base = "/tmp";
	tmpl = asy_path_join(base, "assay-bench-capture-XXXXXX");
	if (tmpl == NULL || mkdtemp(tmpl) == NULL) {
		fprintf(stderr, "bench-capture: cannot make a temporary "
		    "folder in %s\n", base);
		goto out;
	}
	dir = tmpl;
	tmpl = NULL;
	netns_down();
	have_ns = 1;
	if (netns_up() < 0)
		goto out;
	s = sink();
	if (s < 0) {
		fprintf(stderr, "bench-capture: cannot bind %s:%d: %s\n",
		    IP_HOST, PORT, strerror(errno));
		goto out;
	}

	printf("capture under load: UDP, %d-byte payload (%d-byte frames), "
	    "%lu s per run, %lu KiB buffer, snaplen %lu, veth pair\n",
	    PAYLOAD, PAYLOAD + 42, secs, buffer_kib, SNAPLEN);
	printf("%s; %ld CPUs\n", asy_capture_version(),
	    sysconf(_SC_NPROCESSORS_ONLN));
	printf("dropped: ps_drop + ps_ifdrop; if-drop: the interface's "
	    "rx_dropped during the run\n\n");
	print_header();
	for (unsigned long rate = FIRST_RATE; rate <= max_rate &&
	    n < ASY_ELEMENTSOF(rows[0]) && !interrupted; rate *= 2) {
		struct row *a = &rows[0][n], *t = &rows[1][n];
		int r;

		r = run_assay(rate, secs, dir, a);
		nap(300);
		if (r == 0 && !interrupted)
			r = run_tcpdump(rate, secs, dir, t);
		nap(300);
		if (r < 0 || interrupted)
			break;
		print_row(a, t);
		n++;
		if (achieved(&a->sent) < REACHED * (double)rate ||
		    achieved(&t->sent) < REACHED * (double)rate) {
			reach_note = 1;
			break;
		}
	}
	if (interrupted) {
		fprintf(stderr, "bench-capture: interrupted\n");
		goto out;
	}
	if (n == 0)
		goto out;

	printf("\n");
	printf("at %lu pps: assay dropped %llu of %llu sent (%s)\n",
	    rows[0][0].rate, rows[0][0].dropped, rows[0][0].sent.n,
	    rows[0][0].dropped == 0 ? "no drops" : "DROPS");
	{
		size_t i;

		for (i = 0; i < n && rows[1][i].dropped == 0; i++)
			;
		if (i == n)
			printf("tcpdump dropped nothing up to %lu pps\n",
			    rows[0][n - 1].rate);
		else
			printf("first rate where tcpdump drops: %lu pps: "
			    "tcpdump dropped %llu, assay %llu: assay dropped "
			    "%s than tcpdump\n", rows[1][i].rate,
			    rows[1][i].dropped, rows[0][i].dropped,
			    rows[0][i].dropped <= rows[1][i].dropped ?
			    "no more" : "MORE");
	}
	if (reach_note) {
		const struct row *a = &rows[0][n - 1], *t = &rows[1][n - 1];

		printf("the sender cannot reach %lu pps on this machine "
		    "(%.0f and %.0f pps achieved): higher rates not "
		    "tried\n", a->rate, achieved(&a->sent),
		    achieved(&t->sent));
	} else {
		printf("the sender reached every rate up to %lu pps (the "
		    "bound)\n", rows[0][n - 1].rate);
	}
	status = 0;
out:
	if (s >= 0)
		close(s);
	if (have_ns)
		netns_down();
	if (dir != NULL)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	free(tmpl);
	return status;
}
