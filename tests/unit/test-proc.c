/*
 * Running programs and dropping privileges (harness/proc.c).
 *
 * asy_proc_run: exit status and signals, the deadline (SIGTERM to the whole
 * group, SIGKILL 2 s later for a group that ignores it, a grandchild
 * included), caps on captured output (10 MB into 64 KiB neither hangs nor
 * grows), stderr, stdout into a file that must not exist, stdin from
 * /dev/null, no leaked descriptors, programs that cannot be executed.
 * asy_proc_cmdline and asy_proc_describe: tables.
 *
 * As root only (else those cases say why and pass): asy_priv_drop("nobody")
 * in a forked child leaves only uid/gid 65534, no groups, no way back to
 * root, CAP_NET_ADMIN and CAP_NET_RAW permitted but not effective, and a
 * program run with keep_net_caps gets them as ambient capabilities, enough
 * for "nmap --privileged -sS -sU" on loopback; asy_priv_chown_tree changes
 * links, not what they point to.
 */
#include <check.h>

#include <grp.h>
#include <sys/prctl.h>

#include "proc.h"
#include "ut.h"

#define NOBODY_ID	65534
/* CAP_NET_ADMIN (12) and CAP_NET_RAW (13) */
#define NET_CAPS	0x3000ULL

static int
run(char *const argv[], const struct asy_proc_opts *o,
    struct asy_proc_result *res)
{
	memset(res, 0xa5, sizeof(*res));
	return asy_proc_run(argv, o, res);
}

/* ---- exit status and signals -------------------------------------------- */

static const struct {
	const char	*script;
	int		 exited, status, signal;
	const char	*describe;
} ends[] = {
	{ "exit 0",		1, 0, 0,	"exit status 0" },
	{ "exit 3",		1, 3, 0,	"exit status 3" },
	{ "exit 255",		1, 255, 0,	"exit status 255" },
	{ "kill -9 $$",		0, 0, SIGKILL,	"killed by signal 9" },
	{ "kill -TERM $$",	0, 0, SIGTERM,	"killed by signal 15" },
};

START_TEST(test_exit_status)
{
	struct asy_proc_opts o = { .timeout_ms = 10000 };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", (char *)ends[_i].script, NULL };
	char d[128];

	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.exited, ends[_i].exited);
	if (res.exited)
		ck_assert_int_eq(res.status, ends[_i].status);
	ck_assert_int_eq(res.signal, ends[_i].signal);
	ck_assert_int_eq(res.timed_out, 0);
	ck_assert_int_eq(res.exec_errno, 0);
	asy_proc_describe(&res, d, sizeof(d));
	ck_assert_str_eq(d, ends[_i].describe);
}
END_TEST

/* ---- the deadline -------------------------------------------------------- */

START_TEST(test_deadline)
{
	struct asy_proc_opts o = { .timeout_ms = 300 };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", "sleep 30", NULL };
	long long t0 = ut_now_ms();
	char d[128];

	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_lt(ut_now_ms() - t0, 5000);
	ck_assert_int_eq(res.timed_out, 1);
	ck_assert_int_eq(res.exited, 0);
	ck_assert_int_eq(res.signal, SIGTERM);
	ck_assert_uint_ge(res.elapsed_ms, 300);
	ck_assert_uint_lt(res.elapsed_ms, 5000);
	asy_proc_describe(&res, d, sizeof(d));
	ck_assert_msg(strncmp(d, "timed out after 0.", 18) == 0, "%s", d);
}
END_TEST

/* A group that ignores SIGTERM gets SIGKILL 2 s later. */
START_TEST(test_deadline_kill)
{
	struct asy_proc_opts o = { .timeout_ms = 300 };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", "trap '' TERM; sleep 30; sleep 30",
	    NULL };
	long long t0 = ut_now_ms();

	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_lt(ut_now_ms() - t0, 5000);
	ck_assert_int_eq(res.timed_out, 1);
	ck_assert_int_eq(res.signal, SIGKILL);
	ck_assert_uint_ge(res.elapsed_ms, 2000);
}
END_TEST

/*
 * The grandchild (a background sleep) goes with the group.  This process
 * becomes a subreaper, so that the orphaned grandchild is reparented to it
 * and its end can be seen with waitpid().
 */
START_TEST(test_group_killed)
{
	char *dir = ut_tmpdir(), *pidfile = asy_path_join(dir, "pid");
	char *script = asy_strdup_printf("sleep 30 & echo $! > %s; wait",
	    pidfile);
	struct asy_proc_opts o = { .timeout_ms = 300 };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", script, NULL };
	unsigned long gpid = 0;
	long long t0;
	struct asy_buf b;
	int st = 0;
	pid_t w = 0;

	ck_assert_ptr_nonnull(script);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL),
	    0);
	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.timed_out, 1);
	ut_load(pidfile, &b);
	b.data[strcspn(b.data, "\n")] = '\0';
	ck_assert_int_eq(asy_parse_ulong(b.data, &gpid), 0);
	ck_assert_uint_gt(gpid, 1);
	/* Bounded: it is dead already, at most being reparented. */
	t0 = ut_now_ms();
	while (ut_now_ms() - t0 < 3000) {
		w = waitpid((pid_t)gpid, &st, WNOHANG);
		if (w != 0)
			break;
		poll(NULL, 0, 20);
	}
	ck_assert_int_eq(w, (pid_t)gpid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
	asy_buf_release(&b);
	free(script);
	free(pidfile);
	free(dir);
}
END_TEST

/* ---- output -------------------------------------------------------------- */

/* 10 MB into 64 KiB: kept up to the cap, the rest read and dropped. */
START_TEST(test_stdout_cap)
{
	struct asy_buf out;
	struct asy_proc_opts o = { .timeout_ms = 30000, .out = &out };
	struct asy_proc_result res;
	char *argv[] = { "head", "-c", "10485760", "/dev/zero", NULL };

	asy_buf_init(&out, 65536);
	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.timed_out, 0);
	ck_assert_int_eq(res.exited, 1);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(out.len, 65536);
	ck_assert_int_eq(res.out_truncated, 1);
	ck_assert_int_eq(res.err_truncated, 0);
	asy_buf_release(&out);
}
END_TEST

START_TEST(test_stderr)
{
	struct asy_buf out, err;
	struct asy_proc_opts o = { .timeout_ms = 10000, .out = &out,
	    .err = &err };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", "echo to-out; echo to-err >&2; exit 1",
	    NULL };

	asy_buf_init(&out, 4096);
	asy_buf_init(&err, 4096);
	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.status, 1);
	ck_assert_str_eq(out.data, "to-out\n");
	ck_assert_str_eq(err.data, "to-err\n");
	ck_assert_int_eq(res.out_truncated, 0);
	ck_assert_int_eq(res.err_truncated, 0);
	asy_buf_release(&out);
	asy_buf_release(&err);
}
END_TEST

/* No buffer: the output goes to /dev/null, and the run still ends. */
START_TEST(test_no_output)
{
	struct asy_proc_opts o = { .timeout_ms = 10000 };
	struct asy_proc_result res;
	char *argv[] = { "sh", "-c", "echo lost; echo lost >&2", NULL };

	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.exited, 1);
	ck_assert_int_eq(res.status, 0);
}
END_TEST

START_TEST(test_stdout_path)
{
	char *dir = ut_tmpdir(), *path = asy_path_join(dir, "out.txt");
	char *marker = asy_path_join(dir, "marker");
	char *script = asy_strdup_printf("echo second > %s", marker);
	struct asy_proc_opts o = { .timeout_ms = 10000, .stdout_path = path };
	struct asy_proc_result res;
	char *argv1[] = { "sh", "-c", "echo first; echo line 2", NULL };
	char *argv2[] = { "sh", "-c", script, NULL };
	struct asy_buf b;
	struct stat st;
	mode_t mask = umask(0);

	umask(mask);
	ck_assert_ptr_nonnull(script);
	ck_assert_int_eq(run(argv1, &o, &res), 0);
	ck_assert_int_eq(res.status, 0);
	ut_load(path, &b);
	ck_assert_str_eq(b.data, "first\nline 2\n");
	asy_buf_release(&b);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644 & ~mask);
	/* An existing file is not overwritten, and nothing runs. */
	ck_assert_int_eq(run(argv2, &o, &res), ASY_E_EXISTS);
	ck_assert(!ut_exists(marker));
	ut_load(path, &b);
	ck_assert_str_eq(b.data, "first\nline 2\n");
	asy_buf_release(&b);
	free(script);
	free(marker);
	free(path);
	free(dir);
}
END_TEST

/* stdin is /dev/null: cat ends at once with nothing. */
START_TEST(test_stdin_null)
{
	struct asy_buf out;
	struct asy_proc_opts o = { .timeout_ms = 10000, .out = &out };
	struct asy_proc_result res;
	char *argv[] = { "cat", NULL };

	asy_buf_init(&out, 4096);
	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.timed_out, 0);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(out.len == 0, "cat printed \"%s\"", out.data);
	asy_buf_release(&out);
}
END_TEST

/* A descriptor opened without O_CLOEXEC does not reach the program. */
START_TEST(test_no_leaked_fds)
{
	struct asy_buf out;
	struct asy_proc_opts o = { .timeout_ms = 10000, .out = &out };
	struct asy_proc_result res;
	char *argv[] = { "ls", "/proc/self/fd", NULL };
	int fd = open("/dev/null", O_RDONLY);
	char name[32];
	int leaked = 0;

	ck_assert_int_ge(fd, 3);
	asy_buf_init(&out, 4096);
	ck_assert_int_eq(run(argv, &o, &res), 0);
	ck_assert_int_eq(res.status, 0);
	snprintf(name, sizeof(name), "\n%d\n", fd);
	leaked = strstr(out.data, name) != NULL;
	ck_assert_msg(!leaked, "descriptor %d leaked: %s", fd, out.data);
	ck_assert_ptr_nonnull(strstr(out.data, "0\n1\n2\n"));
	close(fd);
	asy_buf_release(&out);
}
END_TEST

/* A caller that ignores SIGCHLD loses the status, but the run still ends
 * at once instead of spinning. */
START_TEST(test_sigchld_ignored)
{
	struct asy_proc_opts o = { .timeout_ms = 10000 };
	struct asy_proc_result res;
	char *argv[] = { "true", NULL };
	long long t0 = ut_now_ms();

	ck_assert(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(run(argv, &o, &res), ASY_E_IO);
	ck_assert_int_eq(res.exited, 0);
	ck_assert_int_lt(ut_now_ms() - t0, 5000);
}
END_TEST

/* ---- programs that cannot be executed ------------------------------------ */

START_TEST(test_not_found)
{
	char *dir = ut_tmpdir(), *plain = asy_path_join(dir, "plain");
	struct {
		char		*prog;
		int		 err;
		const char	*describe;
	} t[] = {
		{ "assay-no-such-program-xyz", ENOENT,
		    "not found (No such file or directory)" },
		{ "/nonexistent/prog", ENOENT,
		    "not found (No such file or directory)" },
		{ plain, EACCES, "cannot execute (Permission denied)" },
	};
	struct asy_buf err;
	struct asy_proc_opts o = { .timeout_ms = 10000, .err = &err };

	/* A PATH folder this user may not search would make it EACCES,
	 * as execvp() says. */
	ck_assert_int_eq(setenv("PATH", "/usr/bin:/bin", 1), 0);
	ut_write_str(plain, "#!/bin/sh\nexit 0\n");
	ck_assert_int_eq(chmod(plain, 0644), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(t); i++) {
		struct asy_proc_result res;
		char *argv[] = { t[i].prog, "arg", NULL };
		char d[128];

		asy_buf_init(&err, 4096);
		ck_assert_int_eq(run(argv, &o, &res), ASY_E_NOTFOUND);
		ck_assert_int_eq(res.exec_errno, t[i].err);
		ck_assert_int_eq(res.timed_out, 0);
		asy_proc_describe(&res, d, sizeof(d));
		ck_assert_str_eq(d, t[i].describe);
		/* The child said nothing of its own. */
		ck_assert_uint_eq(err.len, 0);
		asy_buf_release(&err);
	}
	free(plain);
	free(dir);
}
END_TEST

/* ---- tables -------------------------------------------------------------- */

static const struct {
	const char	*argv[6];
	const char	*want;
} cmdlines[] = {
	{ { "nmap", "-n", "-Pn", "198.18.1.2", NULL },
	    "nmap -n -Pn 198.18.1.2" },
	{ { "nmap", "-p", "T:22,U:161", "-oX", "/tmp/a b.xml", NULL },
	    "nmap -p T:22,U:161 -oX '/tmp/a b.xml'" },
	{ { "sh", "-c", "echo $HOME; it's", NULL },
	    "sh -c 'echo $HOME; it'\\''s'" },
	{ { "prog", "", "x", NULL }, "prog '' x" },
	{ { "a", "*", "~user", "tab\there", NULL },
	    "a '*' '~user' 'tab\there'" },
	{ { "a", "--opt=v@l%1+2", NULL }, "a --opt=v@l%1+2" },
	{ { "only", NULL }, "only" },
	{ { "a", "\"q\"", "back\\slash", NULL },
	    "a '\"q\"' 'back\\slash'" },
};

START_TEST(test_cmdline)
{
	char *s = asy_proc_cmdline((char *const *)cmdlines[_i].argv);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, cmdlines[_i].want);
	free(s);
}
END_TEST

static const struct {
	struct asy_proc_result	 res;
	const char		*want;
} describes[] = {
	{ { .exited = 1, .status = 0 }, "exit status 0" },
	{ { .exited = 1, .status = 1 }, "exit status 1" },
	{ { .signal = 9 }, "killed by signal 9" },
	{ { .timed_out = 1, .signal = 15, .elapsed_ms = 900004 },
	    "timed out after 900 s" },
	{ { .timed_out = 1, .signal = 9, .elapsed_ms = 2312 },
	    "timed out after 2.3 s" },
	{ { .exec_errno = ENOENT }, "not found (No such file or directory)" },
	{ { .exec_errno = EACCES }, "cannot execute (Permission denied)" },
	{ { .exited = 0 }, "did not run" },
};

START_TEST(test_describe)
{
	char d[128], small[8];

	asy_proc_describe(&describes[_i].res, d, sizeof(d));
	ck_assert_str_eq(d, describes[_i].want);
	/* A short buffer is cut, still terminated. */
	asy_proc_describe(&describes[_i].res, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), 7);
	ck_assert(strncmp(small, describes[_i].want, 7) == 0);
}
END_TEST

/* ---- privileges (root only) ---------------------------------------------- */

static int
need_root(void)
{
	if (getuid() == 0)
		return 1;
	fprintf(stderr, "# skipped: privilege tests need root\n");
	return 0;
}

/* A failed check in a child: say what and return nonzero. */
#define CHILD_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		snprintf(msg, n, __VA_ARGS__);				\
		return 1;						\
	}								\
} while (0)

/*
 * Run fn in a forked child (privileges dropped there stay there); its
 * message, if it fails, becomes the assertion's.  Waits at most 90 s.
 */
static void
in_child(int (*fn)(char *msg, size_t n))
{
	long long deadline = ut_now_ms() + 90000;
	char msg[1024] = "";
	size_t got = 0;
	int p[2], st = 0;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char m[1024] = "";
		int rc;

		close(p[0]);
		rc = fn(m, sizeof(m));
		if (write(p[1], m, strlen(m)) < 0)
			rc = 1;
		_exit(rc == 0 ? 0 : 1);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long long left = deadline - ut_now_ms();
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		n = read(p[0], msg + got, sizeof(msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(msg) - 1)
			break;
	}
	msg[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
	    got > 0 ? msg : "died");
}

/* The value of a "CapXxx:\t%016llx" line of /proc/.../status text. */
static int
cap_field(const char *status, const char *key, unsigned long long *v)
{
	const char *p = strstr(status, key);
	char *end = NULL;

	if (p == NULL)
		return -1;
	p += strlen(key);
	while (*p == ':' || *p == '\t' || *p == ' ')
		p++;
	errno = 0;
	*v = strtoull(p, &end, 16);
	return errno != 0 || end == p ? -1 : 0;
}

static int
drop_checks(char *msg, size_t n)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	unsigned long long v = 0;
	struct asy_buf b, out;
	struct asy_proc_opts o = { .timeout_ms = 10000, .out = &out,
	    .keep_net_caps = 1 };
	struct asy_proc_result res;
	char *argv[] = { "cat", "/proc/self/status", NULL };
	int r;

	/* The root process has supplementary groups to lose. */
	gid_t extra[] = { 4, 27 };
	CHILD_CHECK(setgroups(2, extra) == 0, "setgroups: %s",
	    strerror(errno));
	r = asy_priv_drop("nobody");
	CHILD_CHECK(r == 0, "asy_priv_drop: %s (%s)", asy_strerror(r),
	    strerror(errno));
	CHILD_CHECK(getresuid(&ru, &eu, &su) == 0 && ru == NOBODY_ID &&
	    eu == NOBODY_ID && su == NOBODY_ID, "uids %u %u %u",
	    (unsigned)ru, (unsigned)eu, (unsigned)su);
	CHILD_CHECK(getresgid(&rg, &eg, &sg) == 0 && rg == NOBODY_ID &&
	    eg == NOBODY_ID && sg == NOBODY_ID, "gids %u %u %u",
	    (unsigned)rg, (unsigned)eg, (unsigned)sg);
	CHILD_CHECK(getgroups(0, NULL) == 0, "%d supplementary groups",
	    getgroups(0, NULL));
	CHILD_CHECK(setuid(0) < 0, "setuid(0) succeeded");
	CHILD_CHECK(setgid(0) < 0, "setgid(0) succeeded");

	asy_buf_init(&b, 65536);
	CHILD_CHECK(asy_buf_load_file(&b, "/proc/self/status") == 0 &&
	    b.data != NULL, "cannot read /proc/self/status");
	CHILD_CHECK(strstr(b.data, "\nCapEff:\t0000000000000000\n") != NULL,
	    "effective capabilities left");
	CHILD_CHECK(cap_field(b.data, "\nCapPrm", &v) == 0 &&
	    (v & NET_CAPS) == NET_CAPS && (v & ~NET_CAPS) == 0,
	    "CapPrm %016llx", v);
	CHILD_CHECK(cap_field(b.data, "\nCapAmb", &v) == 0 && v == 0,
	    "CapAmb %016llx in this process", v);
	asy_buf_release(&b);

	/* The program run with keep_net_caps has them, as ambient ones. */
	asy_buf_init(&out, 65536);
	r = asy_proc_run(argv, &o, &res);
	CHILD_CHECK(r == 0 && res.exited && res.status == 0, "cat: %s",
	    asy_strerror(r));
	CHILD_CHECK(cap_field(out.data, "\nCapAmb", &v) == 0 &&
	    (v & NET_CAPS) == NET_CAPS, "child CapAmb %016llx", v);
	CHILD_CHECK(cap_field(out.data, "\nCapEff", &v) == 0 &&
	    v == NET_CAPS, "child CapEff %016llx", v);
	/* And without keep_net_caps it has none. */
	asy_buf_reset(&out);
	o.keep_net_caps = 0;
	r = asy_proc_run(argv, &o, &res);
	CHILD_CHECK(r == 0 && res.status == 0, "cat: %s", asy_strerror(r));
	CHILD_CHECK(cap_field(out.data, "\nCapEff", &v) == 0 && v == 0,
	    "child without keep_net_caps: CapEff %016llx", v);
	CHILD_CHECK(cap_field(out.data, "\nCapAmb", &v) == 0 && v == 0,
	    "child without keep_net_caps: CapAmb %016llx", v);
	asy_buf_release(&out);
	return 0;
}

START_TEST(test_priv_drop)
{
	if (!need_root()) {
		ck_assert_int_eq(asy_priv_drop("nobody"), 0);
		return;
	}
	in_child(drop_checks);
}
END_TEST

static int
unknown_checks(char *msg, size_t n)
{
	int r;

	r = asy_priv_drop("assay-no-such-user");
	CHILD_CHECK(r == ASY_E_NOTFOUND, "unknown user: %s", asy_strerror(r));
	r = asy_priv_drop("");
	CHILD_CHECK(r == ASY_E_NOTFOUND, "empty user: %s", asy_strerror(r));
	r = asy_priv_drop("root");
	CHILD_CHECK(r == ASY_E_INPUT, "root: %s", asy_strerror(r));
	CHILD_CHECK(getuid() == 0 && geteuid() == 0, "no longer root");
	r = asy_priv_chown_tree("/", "assay-no-such-user");
	CHILD_CHECK(r == ASY_E_NOTFOUND, "chown to unknown user: %s",
	    asy_strerror(r));
	return 0;
}

START_TEST(test_priv_unknown)
{
	if (!need_root())
		return;
	in_child(unknown_checks);
}
END_TEST

/*
 * The point of it all: nmap --privileged, run by an unprivileged user with
 * the two capabilities, can send SYN and UDP probes (to loopback only).
 */
static int
nmap_checks(char *msg, size_t n)
{
	struct asy_buf out, err;
	struct asy_proc_opts o = { .timeout_ms = 60000, .out = &out,
	    .err = &err, .keep_net_caps = 1 };
	struct asy_proc_result res;
	char *argv[] = { "nmap", "--privileged", "-sS", "-sU", "-p",
	    "T:22,U:161", "-n", "-Pn", "127.0.0.1", "-oX", "-", NULL };
	char d[128];
	int r;

	CHILD_CHECK(chdir("/") == 0, "chdir: %s", strerror(errno));
	r = asy_priv_drop("nobody");
	CHILD_CHECK(r == 0, "asy_priv_drop: %s", asy_strerror(r));
	asy_buf_init(&out, 1 << 20);
	asy_buf_init(&err, 1 << 16);
	r = asy_proc_run(argv, &o, &res);
	asy_proc_describe(&res, d, sizeof(d));
	CHILD_CHECK(r == 0 && res.exited && res.status == 0, "nmap: %s, %s: "
	    "%s", asy_strerror(r), d, err.data ? err.data : "");
	CHILD_CHECK(strstr(out.data, "<scaninfo type=\"syn\"") != NULL &&
	    strstr(out.data, "<scaninfo type=\"udp\"") != NULL,
	    "no SYN and UDP scan info");
	CHILD_CHECK(strstr(out.data, "protocol=\"tcp\" portid=\"22\"><state "
	    "state=\"") != NULL, "no state for TCP 22");
	CHILD_CHECK(strstr(out.data, "protocol=\"udp\" portid=\"161\"><state "
	    "state=\"") != NULL, "no state for UDP 161");
	CHILD_CHECK(strstr(out.data, "exit=\"success\"") != NULL,
	    "nmap did not finish");
	asy_buf_release(&out);
	asy_buf_release(&err);
	return 0;
}

START_TEST(test_priv_nmap)
{
	struct asy_proc_opts o = { .timeout_ms = 10000 };
	struct asy_proc_result res;
	char *argv[] = { "nmap", "--version", NULL };

	if (!need_root())
		return;
	if (asy_proc_run(argv, &o, &res) == ASY_E_NOTFOUND) {
		fprintf(stderr, "# skipped: nmap is not installed\n");
		return;
	}
	in_child(nmap_checks);
}
END_TEST

START_TEST(test_chown_tree)
{
	char *dir = ut_tmpdir(), *other = ut_tmpdir();
	char *tree = asy_path_join(dir, "tree");
	char *sub = asy_path_join(tree, "sub");
	char *file = asy_path_join(sub, "f.pcap");
	char *link = asy_path_join(tree, "link");
	char *target = asy_path_join(other, "outside");
	const char *mine[] = { tree, sub, file, link };
	struct stat st;

	if (!need_root()) {
		ck_assert_int_eq(asy_priv_chown_tree(dir, "nobody"), 0);
		goto out;
	}
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ut_write_str(file, "x");
	ut_write_str(target, "not mine");
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(asy_priv_chown_tree(tree, "nobody"), 0);
	for (size_t i = 0; i < ASY_ELEMENTSOF(mine); i++) {
		ck_assert_int_eq(lstat(mine[i], &st), 0);
		ck_assert_msg(st.st_uid == NOBODY_ID && st.st_gid == NOBODY_ID,
		    "%s: %u:%u", mine[i], (unsigned)st.st_uid,
		    (unsigned)st.st_gid);
	}
	/* What the link points to is not the tree's. */
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0);
	ck_assert_int_eq(asy_priv_chown_tree("/nonexistent/assay", "nobody"),
	    ASY_E_NOTFOUND);
out:
	free(target);
	free(link);
	free(file);
	free(sub);
	free(tree);
	free(other);
	free(dir);
}
END_TEST

static Suite *
proc_suite(void)
{
	Suite *s = suite_create("proc");
	TCase *tc;

	tc = tcase_create("run");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_exit_status, 0, ASY_ELEMENTSOF(ends));
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_deadline_kill);
	tcase_add_test(tc, test_group_killed);
	tcase_add_test(tc, test_stdout_cap);
	tcase_add_test(tc, test_stderr);
	tcase_add_test(tc, test_no_output);
	tcase_add_test(tc, test_stdout_path);
	tcase_add_test(tc, test_stdin_null);
	tcase_add_test(tc, test_no_leaked_fds);
	tcase_add_test(tc, test_sigchld_ignored);
	tcase_add_test(tc, test_not_found);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_loop_test(tc, test_cmdline, 0, ASY_ELEMENTSOF(cmdlines));
	tcase_add_loop_test(tc, test_describe, 0, ASY_ELEMENTSOF(describes));
	suite_add_tcase(s, tc);

	tc = tcase_create("privileges");
	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, test_priv_drop);
	tcase_add_test(tc, test_priv_unknown);
	tcase_add_test(tc, test_priv_nmap);
	tcase_add_test(tc, test_chown_tree);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(proc_suite());
}
