/*
 * Privileged control (ctl.c): the parent runs the lab's control command of
 * an action the unprivileged side names, and nothing else.
 *
 * A server process (asy_ctl_wait(), as the run's parent) serves a fake DUT
 * whose commands print, fail, hang past their deadline, flood and do not
 * exist.  Each request's reply is checked: the exit status, the output and
 * its cap, the deadline, an action the DUT has no command for, a name that
 * is not an action (refused before sending, and by the server when sent
 * raw), and a parent that has gone.  The server reads the result pipe to
 * its end meanwhile.
 */
#include <check.h>

#include <sys/socket.h>

#include "ctl.h"
#include "ut.h"

static char *say_argv[] = { "/bin/sh", "-c",
    "echo hello; echo oops >&2", NULL };
static char *fail_argv[] = { "/bin/sh", "-c", "exit 3", NULL };
static char *hang_argv[] = { "/bin/sleep", "30", NULL };
static char *flood_argv[] = { "/bin/sh", "-c",
    "head -c 200000 /dev/zero | tr '\\0' x", NULL };
static char *gone_argv[] = { "/nonexistent/pdu-ctl", "off", NULL };

static struct asy_lab_cmd cmds[] = {
	{ "power-off", say_argv, 3, 5000, 10 },
	{ "power-on", fail_argv, 3, 5000, 11 },
	{ "network-down", hang_argv, 2, 1000, 12 },
	{ "network-up", flood_argv, 3, 5000, 13 },
	{ "local-check", gone_argv, 2, 5000, 14 },
};

static struct asy_lab_dut dut;
static int ctl[2], res_pipe[2];
static pid_t server;

static void
start_server(void)
{
	dut.name = "fake";
	dut.cmds = cmds;
	dut.n_cmds = ASY_ELEMENTSOF(cmds);
	ck_assert_int_eq(asy_ctl_pair(ctl), 0);
	ck_assert_int_eq(pipe(res_pipe), 0);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0) {
		struct asy_buf msg;

		close(ctl[1]);
		close(res_pipe[1]);
		asy_buf_init(&msg, 1024);
		if (asy_ctl_wait(res_pipe[0], ctl[0], &dut, &msg) != 0)
			_exit(2);
		/* What the "assessment" wrote comes through whole. */
		_exit(msg.len == 6 && memcmp(msg.data, "0\nok\n\n", 6) == 0 ?
		    0 : 3);
	}
	close(ctl[0]);
	close(res_pipe[0]);
}

static int
stop_server(void)
{
	int status;

	if (write(res_pipe[1], "0\nok\n\n", 6) != 6)
		return -1;
	close(res_pipe[1]);
	close(ctl[1]);
	ck_assert_int_eq(waitpid(server, &status, 0), server);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

START_TEST(test_requests)
{
	struct asy_ctl_result res;
	struct asy_buf out;

	start_server();
	asy_buf_init(&out, 1 << 20);

	/* Runs, exit 0, stdout and stderr both kept. */
	ck_assert_int_eq(asy_ctl_request(ctl[1], "power-off", &out, &res), 0);
	ck_assert_int_eq(res.rc, 0);
	ck_assert(res.proc.exited);
	ck_assert_int_eq(res.proc.status, 0);
	ck_assert_ptr_nonnull(memmem(out.data, out.len, "hello\n", 6));
	ck_assert_ptr_nonnull(memmem(out.data, out.len, "oops\n", 5));

	/* Its exit status comes back. */
	asy_buf_reset(&out);
	ck_assert_int_eq(asy_ctl_request(ctl[1], "power-on", &out, &res), 0);
	ck_assert_int_eq(res.rc, 0);
	ck_assert(res.proc.exited);
	ck_assert_int_eq(res.proc.status, 3);

	/* The lab's deadline is kept: killed, marked timed out. */
	ck_assert_int_eq(asy_ctl_request(ctl[1], "network-down", &out,
	    &res), 0);
	ck_assert_int_eq(res.rc, 0);
	ck_assert(res.proc.timed_out);
	ck_assert(!res.proc.exited);

	/* A flood is capped, and the reply still parses. */
	asy_buf_reset(&out);
	ck_assert_int_eq(asy_ctl_request(ctl[1], "network-up", &out, &res),
	    0);
	ck_assert_int_eq(res.rc, 0);
	ck_assert_int_eq(res.proc.status, 0);
	ck_assert_uint_le(out.len, ASY_CTL_OUT_MAX);
	ck_assert_uint_gt(out.len, ASY_CTL_OUT_MAX / 2);

	/* A program that does not exist. */
	ck_assert_int_eq(asy_ctl_request(ctl[1], "local-check", NULL, &res),
	    0);
	ck_assert_int_eq(res.rc, ASY_E_NOTFOUND);
	ck_assert_int_eq(res.proc.exec_errno, ENOENT);

	/* An action the DUT has no command for. */
	ck_assert_int_eq(asy_ctl_request(ctl[1], "reset", NULL, &res), 0);
	ck_assert_int_eq(res.rc, ASY_E_NOTFOUND);

	/* Not an action name: refused here, and by the server when sent
	 * raw (it answers and goes on serving). */
	ck_assert_int_eq(asy_ctl_request(ctl[1], "power-off;reboot", NULL,
	    &res), ASY_E_INPUT);
	ck_assert_int_eq(asy_ctl_request(ctl[1], "", NULL, &res),
	    ASY_E_INPUT);
	{
		struct asy_ctl_result r2;
		char reply[64];

		ck_assert_int_eq(send(ctl[1], "../bin/sh", 9, 0), 9);
		ck_assert_int_ge(recv(ctl[1], reply, sizeof(reply), 0), 8);
		ck_assert_int_eq(asy_ctl_request(ctl[1], "power-on", NULL,
		    &r2), 0);
		ck_assert_int_eq(r2.proc.status, 3);
	}
	asy_buf_release(&out);
	ck_assert_int_eq(stop_server(), 0);
}
END_TEST

START_TEST(test_parent_gone)
{
	struct asy_ctl_result res;
	int fds[2];

	ck_assert_int_eq(asy_ctl_pair(fds), 0);
	close(fds[0]);
	ck_assert_int_lt(asy_ctl_request(fds[1], "power-off", NULL, &res),
	    0);
	close(fds[1]);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_requests);
	tcase_add_test(tc, test_parent_gone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(ctl_suite());
}
