/*
 * Servers on loopback for the unit tests of the connection and TLS
 * adapters (test-conn, test-tlsc): scripted fake TCP servers (a listener
 * thread that runs a table of steps: send, pause, garbage, read, trickle,
 * close, reset, on each of at most 32 connections, one after another),
 * and a real `openssl s_server` started with a deadline in its own
 * process group.  Fakes belong in unit tests only.
 */
#ifndef ASSAY_FAKESRV_H
#define ASSAY_FAKESRV_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

enum fop {
	F_SEND,		/* data, len (0: strlen) */
	F_PAUSE,	/* n ms */
	F_CLOSE,	/* close now */
	F_RESET,	/* close with RST */
	F_BULK,		/* n bytes of garbage with the high bit set */
	F_READ,		/* read n bytes (or until the peer closes) */
	F_TRICKLE,	/* one byte every 5 ms for n ms */
};

struct fstep {
	enum fop	 op;
	const char	*data;
	size_t		 len;
	size_t		 n;
};

#define SEND(s)		{ .op = F_SEND, .data = (s) }
#define SENDN(s, l)	{ .op = F_SEND, .data = (s), .len = (l) }
#define PAUSE(ms)	{ .op = F_PAUSE, .n = (ms) }
#define BULK(k)		{ .op = F_BULK, .n = (k) }
#define READ(k)		{ .op = F_READ, .n = (k) }
#define TRICKLE(ms)	{ .op = F_TRICKLE, .n = (ms) }
#define CLOSE		{ .op = F_CLOSE }
#define RESET		{ .op = F_RESET }

struct fake {
	int			 lfd;
	int			 stop[2];
	unsigned		 port;
	pthread_t		 th;
	const struct fstep	*steps;
	size_t			 n_steps;
	int			 no_accept;	/* listen only */
	size_t			 got;		/* bytes read by F_READ */
};

/* Wait for fd or the stop pipe, at most ms: 1 fd ready, 0 not, -1 stop. */
static inline int
fake_wait(struct fake *f, int fd, short ev, int ms)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = ev },
		{ .fd = f->stop[0], .events = POLLIN },
	};
	int n;

	do
		n = poll(p, 2, ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	if (p[1].revents != 0)
		return -1;
	return 1;
}

static inline int
fake_send(struct fake *f, int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w;

		if (fake_wait(f, fd, POLLOUT, 10000) <= 0)
			return -1;
		w = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Run the script on one connection; 1 when the connection was closed. */
static inline int
fake_script(struct fake *f, int fd)
{
	unsigned x = 2463534242u;

	for (size_t i = 0; i < f->n_steps; i++) {
		const struct fstep *s = &f->steps[i];
		struct linger lg = { 1, 0 };
		char buf[8192];

		switch (s->op) {
		case F_SEND:
			if (fake_send(f, fd, s->data, s->len != 0 ? s->len :
			    strlen(s->data)) < 0)
				return 0;
			break;
		case F_PAUSE:
			if (fake_wait(f, f->stop[0], POLLIN, (int)s->n) != 0)
				return 0;
			break;
		case F_CLOSE:
			close(fd);
			return 1;
		case F_RESET:
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
			return 1;
		case F_BULK:
			for (size_t done = 0; done < s->n;) {
				size_t k = s->n - done < sizeof(buf) ?
				    s->n - done : sizeof(buf);

				for (size_t j = 0; j < k; j++) {
					x ^= x << 13;
					x ^= x >> 17;
					x ^= x << 5;
					buf[j] = (char)(x | 0x80);
				}
				if (fake_send(f, fd, buf, k) < 0)
					return 0;
				done += k;
			}
			break;
		case F_READ:
			for (size_t done = 0; done < s->n;) {
				ssize_t r;

				if (fake_wait(f, fd, POLLIN, 10000) <= 0)
					return 0;
				r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
				if (r < 0 && (errno == EAGAIN ||
				    errno == EINTR))
					continue;
				if (r <= 0)
					break;
				done += (size_t)r;
				f->got += (size_t)r;
			}
			break;
		case F_TRICKLE:
			for (size_t t = 0; t < s->n; t += 5) {
				if (fake_send(f, fd, "z", 1) < 0 ||
				    fake_wait(f, f->stop[0], POLLIN, 5) != 0)
					return 0;
			}
			break;
		}
	}
	return 0;
}

static inline void *
fake_main(void *arg)
{
	struct fake *f = arg;

	if (f->no_accept) {
		fake_wait(f, f->stop[0], POLLIN, 60000);
		return NULL;
	}
	/* At most 32 connections, one after another. */
	for (int k = 0; k < 32; k++) {
		char buf[4096];
		int fd, closed;

		if (fake_wait(f, f->lfd, POLLIN, 30000) <= 0)
			break;
		fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		closed = fake_script(f, fd);
		if (closed)
			continue;
		/* Hold the connection until the client closes it. */
		for (int i = 0; i < 1000; i++) {
			ssize_t r;

			if (fake_wait(f, fd, POLLIN, 10000) <= 0)
				break;
			r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN &&
			    errno != EINTR))
				break;
		}
		close(fd);
	}
	return NULL;
}

/* Listen on addr (a loopback literal) port 0; 0, or -1 when the address
 * cannot be bound (::1 not configured). */
static inline int
fake_start(struct fake *f, const char *addr, const struct fstep *steps,
    size_t n_steps, int no_accept)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int v6 = strchr(addr, ':') != NULL;

	memset(f, 0, sizeof(*f));
	memset(&ss, 0, sizeof(ss));
	f->steps = steps;
	f->n_steps = n_steps;
	f->no_accept = no_accept;
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		len = sizeof(*s4);
	}
	f->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lfd < 0)
		return -1;
	if (bind(f->lfd, (struct sockaddr *)&ss, len) < 0) {
		close(f->lfd);
		return -1;
	}
	ck_assert_int_eq(listen(f->lfd, no_accept ? 0 : 8), 0);
	len = sizeof(ss);
	ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&ss, &len), 0);
	f->port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	ck_assert_int_eq(pipe2(f->stop, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	return 0;
}

static inline void
fake_stop(struct fake *f)
{
	ck_assert_int_eq(write(f->stop[1], "x", 1), 1);
	pthread_join(f->th, NULL);
	close(f->stop[0]);
	close(f->stop[1]);
	close(f->lfd);
}

/* A loopback port nobody listens on (bound then closed). */
static inline unsigned
closed_port(void)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	socklen_t len = sizeof(s4);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&s4, sizeof(s4)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&s4, &len), 0);
	close(fd);
	return ntohs(s4.sin_port);
}

/* ---- openssl s_server ------------------------------------------------------ */

/* A program in PATH, or NULL. */
static inline char *
which(const char *name)
{
	const char *path = getenv("PATH");

	if (path == NULL || *path == '\0')
		path = "/usr/bin:/bin";
	while (*path != '\0') {
		size_t n = strcspn(path, ":");
		char *dir = asy_strndup(path, n);
		char *full;

		ck_assert_ptr_nonnull(dir);
		full = asy_path_join(dir, name);
		free(dir);
		ck_assert_ptr_nonnull(full);
		if (n > 0 && access(full, X_OK) == 0)
			return full;
		free(full);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

struct server {
	pid_t	 pid;		/* process group leader, or 0 */
	unsigned port;
	char	*dir;
	char	*log;
};

/*
 * Start argv (openssl s_server ..., with "PORT" in an argument replaced
 * by a free loopback port) in its own process group, with a deadline of
 * 120 s (alarm() survives exec) and SIGKILL when this process dies, and
 * wait until it says ACCEPT.  0, or -1 with the reason printed.
 */
static inline int
server_start(struct server *s, char *const *argv_in, size_t argc)
{
	char *argv[32];
	char accept_arg[64];

	ck_assert_uint_lt(argc, ASY_ELEMENTSOF(argv));
	for (int attempt = 0; attempt < 3; attempt++) {
		pid_t parent = getpid(), pid;
		long long t0;

		s->port = closed_port();
		snprintf(accept_arg, sizeof(accept_arg), "127.0.0.1:%u",
		    s->port);
		for (size_t i = 0; i < argc; i++)
			argv[i] = strcmp(argv_in[i], "PORT") == 0 ?
			    accept_arg : argv_in[i];
		argv[argc] = NULL;
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			int in = open("/dev/null", O_RDONLY);
			int o = open(s->log, O_WRONLY | O_CREAT | O_TRUNC,
			    0644);

			setpgid(0, 0);
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
			    getppid() != parent)
				_exit(126);
			if (in < 0 || o < 0 || dup2(in, 0) < 0 ||
			    dup2(o, 1) < 0 || dup2(o, 2) < 0)
				_exit(126);
			signal(SIGPIPE, SIG_DFL);
			alarm(120);
			execv(argv[0], argv);
			_exit(127);
		}
		setpgid(pid, pid);
		s->pid = pid;
		t0 = ut_now_ms();
		while (ut_now_ms() - t0 < 5000) {
			int st;

			if (ut_file_has(s->log, "ACCEPT"))
				return 0;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				s->pid = 0;
				break;
			}
			poll(NULL, 0, 20);
		}
		if (s->pid != 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			s->pid = 0;
		}
	}
	printf("# s_server did not start, see %s\n", s->log);
	return -1;
}

static inline void
server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(-s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

#endif
