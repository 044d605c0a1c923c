/*
 * Packet capture (harness/capture.c), on a real interface.
 *
 * Needs root and "ip netns" (else exit 77 with the reason).  Makes its own
 * network namespace assay-ut-cap with a veth pair: asy-utcap0
 * (198.18.254.1/24) here, eth0 (198.18.254.2/24) in the namespace, static
 * neighbour entries both ways (no ARP in the capture) and a socket on
 * 198.18.254.1:9 (no ICMP errors back).  A child that joined the namespace
 * sends UDP datagrams to 198.18.254.1:9: all traffic stays on the pair,
 * and every send is counted.
 *
 * Checked: two files in turn get exactly the datagrams sent while each was
 * current, with no drops, and tshark reads them back (50 and 20 frames from
 * 198.18.254.2); a file cap stops a file and says so; a bad interface or
 * filter gives ASY_E_IO with a message naming it; begin/end misuse;
 * asy_capture_filter accepts addresses only (a table).
 *
 * The namespace is removed at the end, and at the start if an earlier run
 * left it behind.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>

#include "capture.h"
#include "proc.h"
#include "ut.h"

#define NS		"assay-ut-cap"
#define NS_PATH		"/run/netns/" NS
#define IF_HOST		"asy-utcap0"
#define IF_NS		"eth0"
#define MAC_HOST	"02:00:00:a5:fe:01"
#define MAC_NS		"02:00:00:a5:fe:02"
#define IP_HOST		"198.18.254.1"
#define IP_NS		"198.18.254.2"
#define PORT		9

/* ---- running ip and tshark ---------------------------------------------- */

/* Run argv; 0 when it exited 0, else -1 with what it said in why. */
static int
cmd(char *const argv[], char *why, size_t n)
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
	if (r == 0 || r == ASY_E_NOTFOUND)
		asy_proc_describe(&res, d, sizeof(d));
	else
		snprintf(d, sizeof(d), "%s", asy_strerror(r));
	if (why != NULL) {
		snprintf(why, n, "%s: %s%s%s", argv[0], d,
		    err.len ? ": " : "", err.len ? err.data : "");
		/* One line, for a TAP skip reason. */
		for (char *p = why; *p != '\0'; p++)
			if (*p == '\n')
				*p = p[1] != '\0' ? ' ' : '\0';
	}
	asy_buf_release(&err);
	return -1;
}

#define CMD(why, ...) cmd((char *[]){ __VA_ARGS__, NULL }, (why), \
	sizeof(why))

static void
netns_down(void)
{
	char why[512];

	/* Deleting the namespace deletes its end of the pair, and so the
	 * pair; the second command is for a pair left without it. */
	CMD(why, "ip", "netns", "del", NS);
	CMD(why, "ip", "link", "del", IF_HOST);
}

/* Up, or -1 with the reason. */
static int
netns_up(char *why, size_t n)
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
		{ "ip", "-n", NS, "link", "set", "lo", "up" },
		{ "ip", "neigh", "replace", IP_NS, "lladdr", MAC_NS, "dev",
		    IF_HOST, "nud", "permanent" },
		{ "ip", "-n", NS, "neigh", "replace", IP_HOST, "lladdr",
		    MAC_HOST, "dev", IF_NS, "nud", "permanent" },
	};
	long long t0;

	for (size_t i = 0; i < ASY_ELEMENTSOF(steps); i++)
		if (cmd((char *const *)steps[i], why, n) < 0)
			return -1;
	/* Bounded wait for the carrier. */
	for (t0 = ut_now_ms(); ut_now_ms() - t0 < 3000;) {
		if (ut_file_has("/sys/class/net/" IF_HOST "/operstate", "up"))
			return 0;
		poll(NULL, 0, 20);
	}
	snprintf(why, n, IF_HOST " did not come up");
	return -1;
}

/* The IPv4 sources of the UDP frames in a pcap file, by tshark: the
 * number of lines, and how many are IP_NS.  0, or -1 when tshark is
 * missing. */
static int
tshark_count(const char *path, size_t *lines, size_t *from_ns)
{
	struct asy_buf out, err;
	struct asy_proc_opts o = { .timeout_ms = 60000, .out = &out,
	    .err = &err };
	struct asy_proc_result res;
	char *argv[] = { "tshark", "-n", "-r", (char *)path, "-Y", "udp",
	    "-T", "fields", "-e", "ip.src", NULL };
	int r;

	asy_buf_init(&out, 1 << 20);
	asy_buf_init(&err, 1 << 16);
	r = asy_proc_run(argv, &o, &res);
	if (r == ASY_E_NOTFOUND) {
		asy_buf_release(&out);
		asy_buf_release(&err);
		return -1;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_msg(res.exited && res.status == 0, "tshark: %s",
	    err.data ? err.data : "");
	*lines = *from_ns = 0;
	for (char *p = out.data; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		(*lines)++;
		if (strcmp(p, IP_NS) == 0)
			(*from_ns)++;
		p = nl != NULL ? nl + 1 : NULL;
	}
	asy_buf_release(&out);
	asy_buf_release(&err);
	return 0;
}

/* ---- traffic ------------------------------------------------------------- */

/*
 * Send n datagrams of len bytes from inside the namespace to IP_HOST:PORT,
 * in a child that joined it (only async-signal-safe calls there: this
 * process has a capture thread).  Waits at most 10 s.
 */
static void
send_from_ns(int n, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(PORT) };
	char payload[1400];
	long long t0;
	int st = 0, fd;
	pid_t pid, w = 0;

	ck_assert_uint_le(len, sizeof(payload));
	ck_assert_int_eq(inet_pton(AF_INET, IP_HOST, &to.sin_addr), 1);
	memset(payload, 'a', sizeof(payload));
	fd = open(NS_PATH, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", NS_PATH, strerror(errno));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int s;

		if (setns(fd, CLONE_NEWNET) < 0)
			_exit(2);
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			_exit(3);
		for (int i = 0; i < n; i++)
			if (sendto(s, payload, len, 0,
			    (struct sockaddr *)&to, sizeof(to)) !=
			    (ssize_t)len)
				_exit(4);
		_exit(0);
	}
	close(fd);
	for (t0 = ut_now_ms(); ut_now_ms() - t0 < 10000;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w != 0)
			break;
		poll(NULL, 0, 5);
	}
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("the sender did not finish");
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the sender failed (status %d)", st);
}

/* A socket on IP_HOST:PORT, so that the datagrams draw no ICMP errors. */
static int
sink(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(PORT) };
	int s, one = 1;

	ck_assert_int_eq(inet_pton(AF_INET, IP_HOST, &a.sin_addr), 1);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)), 0);
	ck_assert_msg(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0,
	    "bind %s:%d: %s", IP_HOST, PORT, strerror(errno));
	return s;
}

static struct asy_capture *
open_cap(unsigned long file_cap)
{
	char *filter = asy_capture_filter(IP_NS, NULL, NULL);
	struct asy_capture_opts o = { .ifname = IF_HOST, .filter = filter,
	    .snaplen = 262144, .buffer = 2UL << 20, .file_cap = file_cap };
	struct asy_capture *c = NULL;
	char err[512];
	int r;

	ck_assert_ptr_nonnull(filter);
	r = asy_capture_open(&o, &c, err, sizeof(err));
	ck_assert_msg(r == 0, "open: %s: %s", asy_strerror(r), err);
	ck_assert_ptr_nonnull(c);
	free(filter);
	return c;
}

static unsigned long long
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (unsigned long long)st.st_size;
}

/* ---- the cases ----------------------------------------------------------- */

START_TEST(test_two_files)
{
	char *dir = ut_tmpdir(), *a = asy_path_join(dir, "a.pcap");
	char *b = asy_path_join(dir, "b.pcap");
	struct asy_capture *c = open_cap(0);
	struct asy_capture_stats st;
	size_t lines = 0, from_ns = 0;
	int s = sink();

	ck_assert_int_eq(asy_capture_start(c), 0);
	ck_assert_int_eq(asy_capture_begin(c, a), 0);
	send_from_ns(50, 64);
	memset(&st, 0xa5, sizeof(st));
	ck_assert_int_eq(asy_capture_end(c, &st), 0);
	ck_assert_uint_eq(st.packets, 50);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.over_cap, 0);
	ck_assert_int_eq(st.truncated, 0);
	ck_assert_uint_eq(st.bytes, file_size(a));
	/* 24 + 50 * (16 + 14 + 20 + 8 + 64) */
	ck_assert_uint_eq(st.bytes, 24 + 50 * 122);

	ck_assert_int_eq(asy_capture_begin(c, b), 0);
	send_from_ns(20, 64);
	ck_assert_int_eq(asy_capture_end(c, &st), 0);
	ck_assert_uint_eq(st.packets, 20);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.bytes, file_size(b));
	asy_capture_close(c);
	close(s);

	if (tshark_count(a, &lines, &from_ns) < 0) {
		fprintf(stderr, "# tshark is not installed: files not read "
		    "back\n");
		goto out;
	}
	ck_assert_uint_eq(lines, 50);
	ck_assert_uint_eq(from_ns, 50);
	ck_assert_int_eq(tshark_count(b, &lines, &from_ns), 0);
	ck_assert_uint_eq(lines, 20);
	ck_assert_uint_eq(from_ns, 20);
out:
	free(b);
	free(a);
	free(dir);
}
END_TEST

/* Packets that come while no file is current are not written anywhere. */
START_TEST(test_between_files)
{
	char *dir = ut_tmpdir(), *a = asy_path_join(dir, "a.pcap");
	struct asy_capture *c = open_cap(0);
	struct asy_capture_stats st;
	int s = sink();

	ck_assert_int_eq(asy_capture_start(c), 0);
	send_from_ns(10, 64);
	poll(NULL, 0, 150);
	ck_assert_int_eq(asy_capture_begin(c, a), 0);
	send_from_ns(5, 64);
	ck_assert_int_eq(asy_capture_end(c, &st), 0);
	ck_assert_uint_eq(st.packets, 5);
	asy_capture_close(c);
	close(s);
	free(a);
	free(dir);
}
END_TEST

START_TEST(test_file_cap)
{
	char *dir = ut_tmpdir(), *a = asy_path_join(dir, "a.pcap");
	struct asy_capture *c = open_cap(2000);
	struct asy_capture_stats st;
	size_t lines = 0, from_ns = 0;
	int s = sink();

	ck_assert_int_eq(asy_capture_start(c), 0);
	ck_assert_int_eq(asy_capture_begin(c, a), 0);
	send_from_ns(50, 60);
	ck_assert_int_eq(asy_capture_end(c, &st), 0);
	ck_assert_int_eq(st.truncated, 1);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_gt(st.over_cap, 0);
	ck_assert_uint_eq(st.packets + st.over_cap, 50);
	/* (2000 - 24) / (16 + 102) whole records fit. */
	ck_assert_uint_eq(st.packets, 16);
	ck_assert_uint_le(file_size(a), 2000);
	ck_assert_uint_eq(st.bytes, file_size(a));
	asy_capture_close(c);
	close(s);
	if (tshark_count(a, &lines, &from_ns) == 0)
		ck_assert_uint_eq(from_ns, 16);
	free(a);
	free(dir);
}
END_TEST

/* Misuse: an existing file, two files at once, an end without begin. */
START_TEST(test_begin_end_misuse)
{
	char *dir = ut_tmpdir(), *a = asy_path_join(dir, "a.pcap");
	char *b = asy_path_join(dir, "b.pcap");
	struct asy_capture *c = open_cap(0);
	struct asy_capture_stats st;

	ut_write_str(a, "keep me");
	ck_assert_int_eq(asy_capture_begin(c, a), ASY_E_EXISTS);
	ck_assert(ut_file_has(a, "keep me"));
	ck_assert_int_eq(asy_capture_end(c, &st), ASY_E_INTERNAL);
	/* Before start too: the file is made, nothing is written yet. */
	ck_assert_int_eq(asy_capture_begin(c, b), 0);
	ck_assert_int_eq(asy_capture_begin(c, b), ASY_E_EXISTS);
	ck_assert_int_eq(asy_capture_start(c), 0);
	ck_assert_int_eq(asy_capture_start(c), ASY_E_INTERNAL);
	/* Closing with a file current ends it: a valid, empty pcap. */
	asy_capture_close(c);
	ck_assert_uint_eq(file_size(b), 24);
	free(b);
	free(a);
	free(dir);
}
END_TEST

START_TEST(test_bad_interface)
{
	struct asy_capture_opts o = { .ifname = "asy-nosuch0",
	    .filter = "host " IP_NS, .buffer = 1 << 20 };
	struct asy_capture *c = NULL;
	char err[512] = "x";

	ck_assert_int_eq(asy_capture_open(&o, &c, err, sizeof(err)),
	    ASY_E_IO);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "asy-nosuch0") != NULL, "%s", err);
	/* Longer than an interface name can be. */
	o.ifname = "asy-this-name-is-far-too-long";
	ck_assert_int_eq(asy_capture_open(&o, &c, err, sizeof(err)),
	    ASY_E_IO);
	ck_assert_msg(strstr(err, o.ifname) != NULL, "%s", err);
}
END_TEST

START_TEST(test_bad_filter)
{
	struct asy_capture_opts o = { .ifname = IF_HOST,
	    .filter = "host " IP_NS " and (", .buffer = 1 << 20 };
	struct asy_capture *c = NULL;
	char err[512] = "";

	ck_assert_int_eq(asy_capture_open(&o, &c, err, sizeof(err)),
	    ASY_E_IO);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "filter") != NULL && strstr(err, IF_HOST),
	    "%s", err);
}
END_TEST

static const struct {
	const char	*ipv4, *ipv6, *mac;
	const char	*want;		/* NULL: refused */
} filters[] = {
	{ "198.18.1.2", NULL, NULL, "host 198.18.1.2" },
	{ NULL, "fd00::2", NULL, "host fd00::2" },
	{ NULL, NULL, "02:00:00:00:00:02", "ether host 02:00:00:00:00:02" },
	{ "198.18.1.2", "fd00::2", "02:AB:cd:00:00:02",
	    "host 198.18.1.2 or host fd00::2 or ether host 02:AB:cd:00:00:02" },
	{ "198.18.1.2", NULL, "02:00:00:00:00:02",
	    "host 198.18.1.2 or ether host 02:00:00:00:00:02" },
	{ "", "fd00::2", "", "host fd00::2" },
	{ NULL, NULL, NULL, NULL },
	{ "1.2.3.4 or host x", NULL, NULL, NULL },
	{ "1.2.3.4", "fd00::2 or port 22", NULL, NULL },
	{ NULL, NULL, "02:00:00:00:00:02 or ip", NULL },
	{ "1.2.3", NULL, NULL, NULL },
	{ "1.2.3.256", NULL, NULL, NULL },
	{ "fd00::2", NULL, NULL, NULL },
	{ NULL, "198.18.1.2", NULL, NULL },
	{ NULL, "fe80::1%eth0", NULL, NULL },
	{ NULL, NULL, "02:00:00:00:00", NULL },
	{ NULL, NULL, "02:00:00:00:00:0g", NULL },
	{ NULL, NULL, "02-00-00-00-00-02", NULL },
	{ "198.18.1.2\n", NULL, NULL, NULL },
};

START_TEST(test_filter)
{
	char *f = asy_capture_filter(filters[_i].ipv4, filters[_i].ipv6,
	    filters[_i].mac);

	if (filters[_i].want == NULL) {
		ck_assert_msg(f == NULL, "accepted: %s", f);
		return;
	}
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f, filters[_i].want);
	free(f);
}
END_TEST

START_TEST(test_version)
{
	const char *v = asy_capture_version();

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strstr(v, "libpcap") != NULL, "%s", v);
}
END_TEST

static Suite *
capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc;

	tc = tcase_create("live");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_two_files);
	tcase_add_test(tc, test_between_files);
	tcase_add_test(tc, test_file_cap);
	tcase_add_test(tc, test_begin_end_misuse);
	tcase_add_test(tc, test_bad_interface);
	tcase_add_test(tc, test_bad_filter);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_loop_test(tc, test_filter, 0, ASY_ELEMENTSOF(filters));
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	char why[512] = "";
	int rc;

	if (getuid() != 0) {
		printf("1..0 # SKIP needs root (a network namespace and a "
		    "live capture)\n");
		return 77;
	}
	if (CMD(why, "ip", "netns", "list") < 0) {
		printf("1..0 # SKIP no \"ip netns\": %s\n", why);
		return 77;
	}
	netns_down();
	if (netns_up(why, sizeof(why)) < 0) {
		netns_down();
		printf("1..0 # SKIP cannot make the namespace: %s\n", why);
		return 77;
	}
	rc = ut_main(capture_suite());
	netns_down();
	return rc;
}
