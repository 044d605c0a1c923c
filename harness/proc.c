#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "util.h"

extern char **environ;

/* How long output is still read after the leader exited, for members of
 * its group that keep the pipes open. */
#define GRACE_MS	200
/* SIGTERM at the deadline, SIGKILL this much later. */
#define KILL_AFTER_MS	2000
/* Without a pidfd, look for the child's exit this often. */
#define TICK_MS		100
/* Caps on the PATH search and on a command line for a report. */
#define MAX_PATH_DIRS	64
#define MAX_CMDLINE	((size_t)1 << 20)
/* getpwnam_r's buffer grows up to this. */
#define MAX_PWBUF	((size_t)1 << 20)

/* The capabilities kept by asy_priv_drop() for asy_proc_run(). */
static const int net_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };

/* What the child reports through the status pipe before exec. */
enum {
	STAGE_EXEC = 0,	/* execve failed */
	STAGE_SETUP,	/* process group, descriptors, signals */
	STAGE_CAPS,	/* ambient capabilities */
};

struct child_report {
	int	stage;
	int	err;
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Move *fd above 2 (keeping it close-on-exec), so that the child's dup2()
 * onto 0, 1 and 2 never clobbers a descriptor it still needs.
 */
static int
fd_above_stdio(int *fd)
{
	int nfd;

	if (*fd > 2)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return ASY_E_IO;
	close(*fd);
	*fd = nfd;
	return 0;
}

/* A pipe with both ends close-on-exec and above 2. */
static int
make_pipe(int p[2])
{
	p[0] = p[1] = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return ASY_E_IO;
	if (fd_above_stdio(&p[0]) < 0 || fd_above_stdio(&p[1]) < 0) {
		close_fd(&p[0]);
		close_fd(&p[1]);
		return ASY_E_IO;
	}
	return 0;
}

static void
free_paths(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * The paths the child tries in turn, as execvp() would, built here because
 * the child of a threaded process may only make async-signal-safe calls.
 * Empty PATH entries (the current folder) are skipped.
 */
static int
exec_paths(const char *name, char ***out)
{
	const char *path, *p;
	char **v = NULL;
	size_t n = 0;
	int r = 0;

	v = calloc(MAX_PATH_DIRS + 1, sizeof(*v));
	if (v == NULL)
		return ASY_E_NOMEM;
	if (strchr(name, '/') != NULL) {
		v[n] = strdup(name);
		if (v[n] == NULL)
			r = ASY_E_NOMEM;
		goto out;
	}
	path = getenv("PATH");
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0' && n < MAX_PATH_DIRS;) {
		const char *colon = strchr(p, ':');
		size_t len = colon != NULL ? (size_t)(colon - p) : strlen(p);

		if (len > 0 && len < PATH_MAX) {
			v[n] = asy_strdup_printf("%.*s/%s", (int)len, p, name);
			if (v[n] == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
			n++;
		}
		if (colon == NULL)
			break;
		p = colon + 1;
	}
out:
	if (r < 0) {
		free_paths(v);
		return r;
	}
	*out = v;
	return 0;
}

static int
capget_v3(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	return (int)syscall(SYS_capget, &h, d);
}

static int
capset_v3(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	return (int)syscall(SYS_capset, &h, d);
}

/*
 * In the child: make the network capabilities that are permitted
 * inheritable too and raise them as ambient, so that they survive exec
 * into a program without file capabilities.  Capabilities not permitted
 * are left out.  Async-signal-safe.
 */
static int
raise_ambient(void)
{
	struct __user_cap_data_struct d[2];
	int want[ASY_ELEMENTSOF(net_caps)];
	size_t n = 0;

	memset(d, 0, sizeof(d));
	if (capget_v3(d) < 0)
		return -1;
	for (size_t i = 0; i < ASY_ELEMENTSOF(net_caps); i++) {
		int cap = net_caps[i];
		uint32_t bit = (uint32_t)1 << (cap % 32);

		if ((d[cap / 32].permitted & bit) == 0)
			continue;
		d[cap / 32].inheritable |= bit;
		want[n++] = cap;
	}
	if (n == 0)
		return 0;
	if (capset_v3(d) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    (unsigned long)want[i], 0UL, 0UL) < 0)
			return -1;
	return 0;
}

static void __attribute__((noreturn))
child_fail(int fd, int stage)
{
	struct child_report rep = { stage, errno };

	if (write(fd, &rep, sizeof(rep)) < 0) {
		/* Nothing left to tell it with. */
	}
	_exit(127);
}

/*
 * The child, between fork and exec: only async-signal-safe calls.  Every
 * descriptor the parent opened is above 2 and close-on-exec; dup2() onto
 * 0, 1 and 2 clears the flag there.
 */
static void __attribute__((noreturn))
child(char *const argv[], char *const *paths, int devnull, int out_fd,
    int err_fd, int rep_fd, int keep_net_caps)
{
	struct sigaction sa;
	sigset_t all;
	int saw_eacces = 0, err = ENOENT;

	if (setpgid(0, 0) < 0)
		child_fail(rep_fd, STAGE_SETUP);
	/* Signals as a fresh program expects them. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) < 0)
		child_fail(rep_fd, STAGE_SETUP);
	if (dup2(devnull, 0) < 0 ||
	    dup2(out_fd >= 0 ? out_fd : devnull, 1) < 0 ||
	    dup2(err_fd >= 0 ? err_fd : devnull, 2) < 0)
		child_fail(rep_fd, STAGE_SETUP);
	/* Descriptors that someone else opened without O_CLOEXEC (a capture
	 * handle, a socket) are no business of the program.  An old kernel
	 * without close_range() keeps them. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	if (keep_net_caps && raise_ambient() < 0)
		child_fail(rep_fd, STAGE_CAPS);
	for (size_t i = 0; paths[i] != NULL; i++) {
		execve(paths[i], argv, environ);
		switch (errno) {
		case EACCES:
			saw_eacces = 1;
			/* FALLTHROUGH */
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			continue;
		default:
			err = errno;
			goto fail;
		}
	}
	err = saw_eacces ? EACCES : ENOENT;
fail:
	errno = err;
	child_fail(rep_fd, STAGE_EXEC);
}

/* Append what fits under the cap; the rest is dropped. */
static void
keep(struct asy_buf *b, const char *p, size_t n, int *truncated)
{
	size_t room;

	if (b == NULL)
		return;
	room = b->len < b->max ? b->max - b->len : 0;
	if (n > room) {
		*truncated = 1;
		n = room;
	}
	if (n > 0 && asy_buf_add(b, p, n) < 0)
		*truncated = 1;
}

/* Read what is there; at end of file or an error, close *fd. */
static void
drain(int *fd, struct asy_buf *b, int *truncated)
{
	char chunk[16384];
	ssize_t n;

	for (int i = 0; i < 64; i++) {
		n = read(*fd, chunk, sizeof(chunk));
		if (n > 0) {
			keep(b, chunk, (size_t)n, truncated);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_fd(fd);
		return;
	}
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return ASY_E_IO;
	return 0;
}

/* The earlier of two poll timeouts, -1 being "none". */
static int
sooner(int a, unsigned long long at, unsigned long long now)
{
	unsigned long long left = at > now ? at - now : 0;
	int t = left > INT_MAX ? INT_MAX : (int)left;

	return a < 0 || t < a ? t : a;
}

int
asy_proc_run(char *const argv[], const struct asy_proc_opts *o,
    struct asy_proc_result *res)
{
	struct child_report rep = { -1, 0 };
	struct asy_proc_result rr;
	struct stat st;
	char **paths = NULL;
	int devnull = -1, file_fd = -1, outp[2] = { -1, -1 };
	int errp[2] = { -1, -1 }, repp[2] = { -1, -1 }, pidfd = -1;
	int status = 0, exited = 0, killed = 0, lost = 0, r;
	unsigned long long start, deadline = 0, kill_at = 0, exited_at = 0;
	pid_t pid = -1;

	memset(&rr, 0, sizeof(rr));
	if (argv == NULL || argv[0] == NULL || o == NULL || res == NULL)
		return ASY_E_INTERNAL;
	r = exec_paths(argv[0], &paths);
	if (r < 0)
		goto out;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || fd_above_stdio(&devnull) < 0) {
		r = ASY_E_IO;
		goto out;
	}
	/* A damaged system where /dev/null became a plain file would feed
	 * one program what another wrote. */
	if (fstat(devnull, &st) < 0 || !S_ISCHR(st.st_mode)) {
		asy_debug("/dev/null is not a device");
		errno = ENODEV;
		r = ASY_E_IO;
		goto out;
	}
	if (o->stdout_path != NULL) {
		file_fd = open(o->stdout_path, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOCTTY, 0644);
		if (file_fd < 0) {
			r = errno == EEXIST ? ASY_E_EXISTS : ASY_E_IO;
			goto out;
		}
		if (fd_above_stdio(&file_fd) < 0) {
			r = ASY_E_IO;
			goto out;
		}
	} else if (o->out != NULL) {
		r = make_pipe(outp);
		if (r < 0)
			goto out;
	}
	if (o->err != NULL) {
		r = make_pipe(errp);
		if (r < 0)
			goto out;
	}
	r = make_pipe(repp);
	if (r < 0)
		goto out;

	start = asy_now_ms();
	pid = fork();
	if (pid < 0) {
		r = ASY_E_IO;
		goto out;
	}
	if (pid == 0)
		child(argv, paths, devnull, file_fd >= 0 ? file_fd : outp[1],
		    errp[1], repp[1], o->keep_net_caps);
	/* Both sides set the group, so that a kill at once after fork()
	 * already reaches it; after exec this fails harmlessly. */
	setpgid(pid, pid);
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&repp[1]);
	close_fd(&file_fd);
	if ((outp[0] >= 0 && set_nonblock(outp[0]) < 0) ||
	    (errp[0] >= 0 && set_nonblock(errp[0]) < 0) ||
	    set_nonblock(repp[0]) < 0)
		asy_debug("cannot make a pipe non-blocking: %s",
		    strerror(errno));
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (o->timeout_ms > 0)
		deadline = start + o->timeout_ms;

	for (;;) {
		struct pollfd pfd[4];
		unsigned long long now = asy_now_ms();
		int nfd = 0, tmo = -1, pipes, group_left, w;

		/* WNOWAIT: the leader stays a zombie until the end, so that
		 * its process group id cannot be reused by another process
		 * while we may still signal the group. */
		if (!exited) {
			siginfo_t si;

			memset(&si, 0, sizeof(si));
			w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
			    WNOWAIT);
			if (w < 0 && errno == ECHILD) {
				/* Reaped elsewhere (SIGCHLD ignored): its
				 * status is lost. */
				lost = 1;
				r = ASY_E_IO;
			}
			if ((w == 0 && si.si_pid == pid) || lost) {
				exited = 1;
				exited_at = now;
				close_fd(&pidfd);
			}
		}
		if (deadline > 0 && !rr.timed_out && !exited &&
		    now >= deadline) {
			kill(-pid, SIGTERM);
			rr.timed_out = 1;
			kill_at = now + KILL_AFTER_MS;
		}
		if (rr.timed_out && !killed && now >= kill_at) {
			kill(-pid, SIGKILL);
			killed = 1;
		}
		/* After the deadline, members of the group that still hold
		 * the pipes get until the SIGKILL to finish. */
		pipes = outp[0] >= 0 || errp[0] >= 0;
		group_left = rr.timed_out && !killed && pipes;
		if (exited && !group_left && ((!pipes && repp[0] < 0) ||
		    now >= exited_at + GRACE_MS))
			break;

		if (!exited && deadline > 0 && !rr.timed_out)
			tmo = sooner(tmo, deadline, now);
		if (rr.timed_out && !killed)
			tmo = sooner(tmo, kill_at, now);
		if (exited && !group_left)
			tmo = sooner(tmo, exited_at + GRACE_MS, now);
		if (!exited && pidfd < 0)
			tmo = sooner(tmo, now + TICK_MS, now);
		if (outp[0] >= 0)
			pfd[nfd++] = (struct pollfd){ outp[0], POLLIN, 0 };
		if (errp[0] >= 0)
			pfd[nfd++] = (struct pollfd){ errp[0], POLLIN, 0 };
		if (repp[0] >= 0)
			pfd[nfd++] = (struct pollfd){ repp[0], POLLIN, 0 };
		if (pidfd >= 0)
			pfd[nfd++] = (struct pollfd){ pidfd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)nfd, tmo) < 0 && errno != EINTR) {
			r = ASY_E_IO;
			/* Still reap it below; the group is killed. */
			kill(-pid, SIGKILL);
			break;
		}
		if (outp[0] >= 0)
			drain(&outp[0], o->out, &rr.out_truncated);
		if (errp[0] >= 0)
			drain(&errp[0], o->err, &rr.err_truncated);
		if (repp[0] >= 0) {
			ssize_t n = read(repp[0], &rep, sizeof(rep));

			if (n == 0 || (n < 0 && errno != EINTR &&
			    errno != EAGAIN))
				close_fd(&repp[0]);
			else if (n > 0 && n != (ssize_t)sizeof(rep))
				rep.stage = -1;
		}
	}
	/* Whatever is left of the group after a deadline goes now. */
	if (rr.timed_out && !killed)
		kill(-pid, SIGKILL);
	while (!lost && waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = ASY_E_IO;
			goto out;
		}
	}
	rr.elapsed_ms = (unsigned long)(asy_now_ms() - start);
	if (lost) {
		asy_debug("%s: reaped elsewhere, status unknown", argv[0]);
	} else if (WIFEXITED(status)) {
		rr.exited = 1;
		rr.status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		rr.signal = WTERMSIG(status);
	}
	if (r == 0 && rep.stage >= 0) {
		rr.exec_errno = rep.err;
		r = rep.stage == STAGE_EXEC ? ASY_E_NOTFOUND : ASY_E_IO;
		asy_debug("%s: %s: %s", argv[0], rep.stage == STAGE_EXEC ?
		    "cannot execute" : "cannot set up the child",
		    strerror(rep.err));
	}
	*res = rr;
out:
	close_fd(&pidfd);
	close_fd(&devnull);
	close_fd(&file_fd);
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&repp[0]);
	close_fd(&repp[1]);
	free_paths(paths);
	if (rep.stage > STAGE_EXEC)
		errno = rep.err;
	return r;
}

/* Bytes that need no quoting in a POSIX shell word. */
static int
shell_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-",
		    *s) == NULL)
			return 0;
	return 1;
}

char *
asy_proc_cmdline(char *const argv[])
{
	struct asy_buf b;
	int r = 0;

	if (argv == NULL)
		return NULL;
	asy_buf_init(&b, MAX_CMDLINE);
	r = asy_buf_puts(&b, "");
	for (size_t i = 0; r == 0 && argv[i] != NULL; i++) {
		const char *s = argv[i];

		if (i > 0)
			r = asy_buf_putc(&b, ' ');
		if (r == 0 && shell_safe(s)) {
			r = asy_buf_puts(&b, s);
			continue;
		}
		/* '...' with each ' as '\'' */
		if (r == 0)
			r = asy_buf_putc(&b, '\'');
		for (; r == 0 && *s != '\0'; s++)
			r = *s == '\'' ? asy_buf_puts(&b, "'\\''") :
			    asy_buf_putc(&b, *s);
		if (r == 0)
			r = asy_buf_putc(&b, '\'');
	}
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

void
asy_proc_describe(const struct asy_proc_result *res, char *buf, size_t n)
{
	unsigned long ms = res->elapsed_ms;

	if (buf == NULL || n == 0)
		return;
	if (res->exec_errno == ENOENT || res->exec_errno == ENOTDIR)
		snprintf(buf, n, "not found (%s)", strerror(res->exec_errno));
	else if (res->exec_errno != 0)
		snprintf(buf, n, "cannot execute (%s)",
		    strerror(res->exec_errno));
	else if (res->timed_out && ms >= 10000)
		snprintf(buf, n, "timed out after %lu s", ms / 1000);
	else if (res->timed_out)
		snprintf(buf, n, "timed out after %lu.%lu s", ms / 1000,
		    ms % 1000 / 100);
	else if (res->signal != 0)
		snprintf(buf, n, "killed by signal %d", res->signal);
	else if (res->exited)
		snprintf(buf, n, "exit status %d", res->status);
	else
		snprintf(buf, n, "did not run");
}

/* ---- privileges --------------------------------------------------------- */

/* uid and gid of user; 0, ASY_E_NOTFOUND, ASY_E_NOMEM or ASY_E_IO. */
static int
lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *found = NULL;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t len = hint > 0 ? (size_t)hint : 16384;
	char *buf = NULL;
	int e, r = 0;

	if (user == NULL || *user == '\0')
		return ASY_E_NOTFOUND;
	for (;;) {
		char *nb = realloc(buf, len);

		if (nb == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		buf = nb;
		e = getpwnam_r(user, &pw, buf, len, &found);
		if (e != ERANGE)
			break;
		if (len >= MAX_PWBUF) {
			r = ASY_E_TOOBIG;
			goto out;
		}
		len *= 2;
	}
	if (e != 0) {
		errno = e;
		r = ASY_E_IO;
		goto out;
	}
	if (found == NULL) {
		r = ASY_E_NOTFOUND;
		goto out;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
out:
	free(buf);
	return r;
}

static uint32_t
net_cap_mask(int word)
{
	uint32_t m = 0;

	for (size_t i = 0; i < ASY_ELEMENTSOF(net_caps); i++)
		if (net_caps[i] / 32 == word)
			m |= (uint32_t)1 << (net_caps[i] % 32);
	return m;
}

int
asy_priv_drop(const char *user)
{
	struct __user_cap_data_struct d[2];
	uid_t uid = 0, ru, eu, su;
	gid_t gid = 0, rg, eg, sg;
	int r;

	if (geteuid() != 0)
		return 0;
	r = lookup_user(user, &uid, &gid);
	if (r < 0)
		return r;
	if (uid == 0) {
		asy_debug("%s has uid 0: that drops nothing", user);
		return ASY_E_INPUT;
	}
	if (prctl(PR_SET_KEEPCAPS, 1UL, 0UL, 0UL, 0UL) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL,
	    0UL) < 0)
		goto fail;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		goto fail;
	memset(d, 0, sizeof(d));
	for (int w = 0; w < 2; w++) {
		d[w].permitted = net_cap_mask(w);
		d[w].inheritable = net_cap_mask(w);
		d[w].effective = 0;
	}
	if (capset_v3(d) < 0)
		goto fail;
	if (prctl(PR_SET_KEEPCAPS, 0UL, 0UL, 0UL, 0UL) < 0)
		goto fail;

	/* Check that it holds: root is gone for good and only the network
	 * capabilities are left, none of them effective. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		asy_debug("root could be regained after dropping to %s", user);
		errno = EPERM;
		return ASY_E_IO;
	}
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		goto fail;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid || getgroups(0, NULL) != 0) {
		asy_debug("user or group ids are not all those of %s", user);
		errno = EPERM;
		return ASY_E_IO;
	}
	memset(d, 0, sizeof(d));
	if (capget_v3(d) < 0)
		goto fail;
	for (int w = 0; w < 2; w++) {
		if (d[w].effective != 0 || d[w].permitted != net_cap_mask(w)) {
			asy_debug("capabilities left: effective %08x, "
			    "permitted %08x", d[w].effective, d[w].permitted);
			errno = EPERM;
			return ASY_E_IO;
		}
	}
	return 0;
fail:
	asy_debug("dropping privileges to %s: %s", user, strerror(errno));
	return ASY_E_IO;
}

/* nftw() passes no context: the walk in progress, one per thread. */
static _Thread_local struct {
	uid_t	uid;
	gid_t	gid;
	int	err;
} chown_walk;

static int
chown_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	if (flag == FTW_DNR || flag == FTW_NS) {
		chown_walk.err = EACCES;
		return -1;
	}
	if (lchown(path, chown_walk.uid, chown_walk.gid) < 0) {
		chown_walk.err = errno;
		asy_debug("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
asy_priv_chown_tree(const char *path, const char *user)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int r;

	if (geteuid() != 0)
		return 0;
	r = lookup_user(user, &uid, &gid);
	if (r < 0)
		return r;
	chown_walk.uid = uid;
	chown_walk.gid = gid;
	chown_walk.err = 0;
	/* FTW_PHYS: a link is changed itself, never what it points to. */
	if (nftw(path, chown_one, 16, FTW_PHYS | FTW_MOUNT) != 0) {
		if (chown_walk.err != 0)
			errno = chown_walk.err;
		return errno == ENOENT ? ASY_E_NOTFOUND : ASY_E_IO;
	}
	return 0;
}
