/*
 * Small helpers shared by the library unit tests (test-catalogue,
 * test-preassess, test-verdict, test-plan, test-evidence, test-prompt):
 * paths into the source tree, whole-file reads, tab-separated fact tables,
 * scratch folders, and running the assay binary from an argv array with a
 * deadline.  Everything is static inline so that a test that uses only part
 * of it builds without unused-function warnings.
 *
 * Environment: ASSAY_SRCDIR (source root), ASSAY_BIN (the assay binary).
 */
#ifndef ASSAY_UT_H
#define ASSAY_UT_H

#include <check.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "buf.h"
#include "error.h"
#include "util.h"

/* A heap path to rel inside the source tree. */
static inline char *
ut_src(const char *rel)
{
	const char *root = getenv("ASSAY_SRCDIR");
	char *p;

	if (root == NULL || *root == '\0')
		root = ASSAY_SRCDIR;
	p = asy_path_join(root, rel);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* The assay binary under test, or NULL when the environment lacks it. */
static inline const char *
ut_bin(void)
{
	const char *b = getenv("ASSAY_BIN");

	return b != NULL && *b != '\0' ? b : NULL;
}

/* Read a whole file (at most 64 MiB) into b, which the caller releases. */
static inline void
ut_load(const char *path, struct asy_buf *b)
{
	int r;

	asy_buf_init(b, (size_t)64 << 20);
	r = asy_buf_load_file(b, path);
	ck_assert_msg(r == 0, "cannot read %s: %s", path, asy_strerror(r));
	ck_assert_ptr_nonnull(b->data);
}

static inline void
ut_write(const char *path, const void *p, size_t n)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, n + 1);
	r = asy_buf_add(&b, p, n);
	ck_assert_int_eq(r, 0);
	r = asy_buf_save_file(&b, path);
	ck_assert_msg(r == 0, "cannot write %s: %s", path, asy_strerror(r));
	asy_buf_release(&b);
}

static inline void
ut_write_str(const char *path, const char *s)
{
	ut_write(path, s, strlen(s));
}

/* ---- tab-separated fact tables ------------------------------------------ */

#define UT_TSV_COLS	8

struct ut_tsv {
	struct asy_buf	  raw;
	const char	*(*row)[UT_TSV_COLS];	/* row[i][col], "" if absent */
	size_t		  n_rows;		/* without the header */
	const char	 *head[UT_TSV_COLS];
	size_t		  n_cols;
};

/* Split line (NUL-terminated, modified in place) at tabs into cells. */
static inline size_t
ut_tsv_split(char *line, const char **cells)
{
	size_t n = 0;

	for (size_t i = 0; i < UT_TSV_COLS; i++)
		cells[i] = "";
	while (n < UT_TSV_COLS) {
		char *tab = strchr(line, '\t');

		cells[n++] = line;
		if (tab == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

static inline void
ut_tsv_load(const char *path, struct ut_tsv *t)
{
	size_t cap = 0;
	char *p;

	memset(t, 0, sizeof(*t));
	ut_load(path, &t->raw);
	for (p = t->raw.data; *p != '\0'; p++)
		if (*p == '\n')
			cap++;
	t->row = calloc(cap + 2, sizeof(*t->row));
	ck_assert_ptr_nonnull(t->row);
	p = t->raw.data;
	for (int first = 1; *p != '\0'; first = 0) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (nl != NULL && nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (first)
			t->n_cols = ut_tsv_split(p, t->head);
		else if (*p != '\0')
			ut_tsv_split(p, t->row[t->n_rows++]);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	ck_assert_msg(t->n_cols >= 2 && t->n_rows > 0, "%s: empty table",
	    path);
}

static inline void
ut_tsv_free(struct ut_tsv *t)
{
	free(t->row);
	asy_buf_release(&t->raw);
}

/* ---- scratch folders ---------------------------------------------------- */

static inline int
ut_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf path (never follows links). */
static inline void
ut_rmrf(const char *path)
{
	if (path != NULL)
		nftw(path, ut_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Scratch folders live in one folder per test program, made by ut_main()
 * and removed by it after every test ran, so that a failed assertion
 * (which ends the forked test process at once) leaves nothing behind.
 */
static char ut_root[256];

static inline char *
ut_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (ut_root[0] != '\0')
		base = ut_root;
	else if (base == NULL || *base == '\0')
		base = "/tmp";
	tmpl = asy_path_join(base, "assay-ut-XXXXXX");
	ck_assert_ptr_nonnull(tmpl);
	ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
	return tmpl;
}

static inline int
ut_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- time --------------------------------------------------------------- */

static inline long long
ut_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sockets ------------------------------------------------------------ */

/* A socket listening on 127.0.0.1 at a port the kernel chose (*port): a
 * port in use for a server under test.  The caller closes it. */
static inline int
ut_listen_lo(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Connect to 127.0.0.1:port, send n bytes, read the answer until the
 * server closes or ms pass (a guard, not a timed assertion); what came
 * is appended to out. */
static inline void
ut_raw_exchange(unsigned port, const char *req, size_t n, struct asy_buf *out,
    int ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long long dl = ut_now_ms() + ms;
	int fd;

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (n > 0)
		ck_assert_int_eq(send(fd, req, n, MSG_NOSIGNAL), (ssize_t)n);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = dl - ut_now_ms();
		char buf[4096];
		ssize_t k;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		k = recv(fd, buf, sizeof(buf), 0);
		if (k <= 0)
			break;
		if (asy_buf_add(out, buf, (size_t)k) < 0)
			break;
	}
	close(fd);
}

#ifdef ASSAY_RUNREAD_H
/* ---- runs read back (for tests that include runread.h first) ----------- */

/* The run at path read with runread, or the test fails with its
 * diagnostics on stderr. */
static inline struct asy_runinfo *
ut_run_load(const char *path)
{
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	int r;

	asy_diags_init(&d);
	r = asy_runinfo_load(path, &d, &ri);
	if (r != 0)
		asy_diags_print(&d, stderr);
	ck_assert_int_eq(r, 0);
	asy_diags_release(&d);
	return ri;
}
#endif

/* ---- running a program -------------------------------------------------- */

/*
 * Run argv[0] (a path, no shell, no PATH search) with stdin from /dev/null
 * and stdout and stderr into the files out and err.  Waits at most
 * timeout_ms, polling a pipe whose write end only the child holds (its
 * end of file means the child is gone), then kills it.  Returns the exit
 * code, or -1 after a signal or the deadline.
 */
static inline int
ut_spawn(char *const argv[], const char *out, const char *err,
    int timeout_ms)
{
	long long deadline = ut_now_ms() + timeout_ms;
	int alive[2], status = 0, timed_out = 0;
	pid_t pid;

	ck_assert_int_eq(pipe2(alive, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 ||
		    dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		/* Keep the write end open across exec. */
		if (fcntl(alive[1], F_SETFD, 0) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(alive[1]);
	for (;;) {
		struct pollfd pfd = { .fd = alive[0], .events = POLLIN };
		long long left = deadline - ut_now_ms();
		char c;
		int n;

		if (left <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		if (n > 0 && read(alive[0], &c, 1) <= 0)
			break;
	}
	close(alive[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ck_assert_msg(!timed_out, "%s did not finish within %d ms", argv[0],
	    timeout_ms);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/* Does the file at path contain needle? */
static inline int
ut_file_has(const char *path, const char *needle)
{
	struct asy_buf b;
	int found;

	asy_buf_init(&b, (size_t)64 << 20);
	if (asy_buf_load_file(&b, path) < 0 || b.data == NULL) {
		asy_buf_release(&b);
		return 0;
	}
	found = strstr(b.data, needle) != NULL;
	asy_buf_release(&b);
	return found;
}

/* Run a Check suite with TAP output (CK_TAP_LOG_FILE_NAME) and exit. */
static inline int
ut_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	const char *base = getenv("TMPDIR");
	int failed;

	/* Not ut_tmpdir(): Check's asserts work only inside a test. */
	if (base == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(ut_root, sizeof(ut_root), "%s/assay-ut-XXXXXX",
	    base) >= sizeof(ut_root) || mkdtemp(ut_root) == NULL)
		ut_root[0] = '\0';
	srunner_run_all(sr, CK_SILENT);
	if (ut_root[0] != '\0')
		ut_rmrf(ut_root);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

#endif
