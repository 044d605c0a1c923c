/*
 * The CoAP client and fuzzer (harness/coap.c, asy_fuzz_coap) against a
 * real libcoap server: Debian's coap-server-notls (libcoap3-bin) on
 * 127.0.0.1 at a free port, run under timeout(1) in its own process.
 * GET /.well-known/core lists its resources; the whole fuzzing table runs
 * and the server's fate is recorded as the fuzzer saw it: libcoap 4.3.1
 * keeps answering (every malformed datagram gets a RST or a 4.xx, or
 * nothing), so the run must end without a crash; a libcoap that dies is
 * a FAIL here with the input named, which is what 5.13-1-2 would report.
 * Skips (77) without the server or timeout(1).
 */
#include <check.h>

#include <sys/prctl.h>

#include "coap.h"
#include "fuzz.h"
#include "ut.h"

static const char *const servers[] = {
	"/usr/bin/coap-server-notls", "/usr/bin/coap-server-openssl",
	"/usr/bin/coap-server-gnutls", "/usr/bin/coap-server",
};

static const char *prog;

static unsigned
free_udp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static pid_t
server_start(unsigned port)
{
	char p[16];
	pid_t pid;

	snprintf(p, sizeof(p), "%u", port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { "/usr/bin/timeout", "120", (char *)prog, "-A",
		    "127.0.0.1", "-p", p, NULL };
		int nul = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

START_TEST(test_real_server)
{
	struct asy_fuzz_opts o = { 0 };
	struct asy_fuzz_result r;
	struct asy_coap_answer a;
	char why[200], *dir, *tr, *crash, **links = NULL;
	size_t n_links = 0;
	unsigned port = free_udp_port();
	pid_t pid = server_start(port);
	int ret = 0, st, found = 0;

	/* Ready when it answers (a guard, not a timed assertion). */
	for (long long end = ut_now_ms() + 10000; ut_now_ms() < end;) {
		ret = asy_coap_get("127.0.0.1", port, "/.well-known/core", 500,
		    16 << 10, &a, why, sizeof(why));
		if (ret == 1)
			break;
		poll(NULL, 0, 100);
	}
	ck_assert_msg(ret == 1, "%s did not answer: %s", prog, why);
	ck_assert_uint_eq(a.code, ASY_COAP_CODE(2, 5));
	ck_assert_int_eq(asy_coap_links(a.payload.data, a.payload.len, 64,
	    &links, &n_links), 0);
	for (size_t i = 0; i < n_links; i++)
		if (strcmp(links[i], "/time") == 0)
			found = 1;
	ck_assert_msg(found, "no /time in %s", a.payload.data);
	asy_coap_links_free(links, n_links);
	asy_coap_answer_release(&a);

	dir = ut_tmpdir();
	tr = asy_path_join(dir, "tr.txt");
	crash = asy_path_join(dir, "crash.txt");
	o.addr = "127.0.0.1";
	o.port = port;
	o.path = "/time";
	o.max_cases = 1000;
	o.budget_ms = 100000;
	o.timeout_ms = 1000;
	o.transcript = tr;
	o.crash_file = crash;
	ret = asy_fuzz_coap(&o, &r);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(ret, 0);
	ck_assert_msg(r.why == NULL, "%s", r.why);
	ck_assert_msg(!r.crashed, "%s stopped answering after %s", prog,
	    r.crash_what);
	ck_assert_int_eq(r.leaked, 0);
	ck_assert_uint_gt(r.sent, 80);
	/* libcoap answers nearly everything (RST to format errors). */
	ck_assert_uint_ge(r.answered, r.sent - 10);
	ck_assert(ut_file_has(tr, "# resource /time\n"));
	ck_assert(ut_file_has(tr, "class=version-2 bytes=13 answer=RST"));
	ck_assert(ut_file_has(tr, "class=critical-option-2049 bytes=17 "
	    "answer=4.02"));
	ck_assert(!ut_exists(crash));
	fprintf(stderr, "# %s: %u inputs, %u answered, %u without an answer, "
	    "%u 5.xx, survived\n", prog, r.sent, r.answered, r.no_answer,
	    r.errors_5xx);
	asy_fuzz_result_release(&r);
	free(tr);
	free(crash);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("coap-server");
	TCase *tc = tcase_create("libcoap");

	for (size_t i = 0; i < ASY_ELEMENTSOF(servers) && prog == NULL; i++)
		if (access(servers[i], X_OK) == 0)
			prog = servers[i];
	if (prog == NULL) {
		printf("1..0 # SKIP no libcoap coap-server (apt-get install "
		    "libcoap3-bin)\n");
		return 77;
	}
	if (access("/usr/bin/timeout", X_OK) != 0) {
		printf("1..0 # SKIP no /usr/bin/timeout (coreutils)\n");
		return 77;
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_real_server);
	suite_add_tcase(s, tc);
	return ut_main(s);
}
