#include "ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"

/* An action name: "power-off", "local-check"; lower case, digits, '-'. */
#define ACTION_MAX	32

/* The reply: this header, then what the command printed. */
struct reply {
	int32_t		 rc;
	int32_t		 exited, status, signal, timed_out, exec_errno;
	uint32_t	 elapsed_ms;
	uint32_t	 out_len;
};

int
asy_ctl_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return ASY_E_IO;
	return 0;
}

static int
action_ok(const char *s, size_t n)
{
	if (n == 0 || n > ACTION_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int
send_reply(int fd, const struct reply *h, const struct asy_buf *out)
{
	struct iovec iov[2];
	struct msghdr m = { 0 };
	ssize_t n;

	iov[0].iov_base = (void *)h;
	iov[0].iov_len = sizeof(*h);
	iov[1].iov_base = out != NULL ? out->data : NULL;
	iov[1].iov_len = out != NULL ? out->len : 0;
	m.msg_iov = iov;
	m.msg_iovlen = iov[1].iov_len > 0 ? 2 : 1;
	do
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? ASY_E_IO : 0;
}

int
asy_ctl_serve_one(int fd, const struct asy_lab_dut *dut)
{
	char req[ACTION_MAX + 1], action[ACTION_MAX + 1];
	struct asy_proc_opts po = { 0 };
	struct asy_proc_result pr = { 0 };
	const struct asy_lab_cmd *c = NULL;
	struct reply h = { 0 };
	struct asy_buf out;
	ssize_t n;
	int r;

	do
		n = recv(fd, req, sizeof(req), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	if (n < 0)
		return errno == ECONNRESET ? 1 : ASY_E_IO;
	asy_buf_init(&out, ASY_CTL_OUT_MAX);
	if ((size_t)n > ACTION_MAX || !action_ok(req, (size_t)n)) {
		h.rc = ASY_E_INPUT;
		r = send_reply(fd, &h, NULL);
		goto out;
	}
	memcpy(action, req, (size_t)n);
	action[n] = '\0';
	if (dut != NULL)
		c = asy_lab_cmd(dut, action);
	if (c == NULL) {
		h.rc = ASY_E_NOTFOUND;
		r = send_reply(fd, &h, NULL);
		goto out;
	}
	po.timeout_ms = c->timeout_ms;
	po.out = &out;
	po.err = &out;
	h.rc = asy_proc_run(c->argv, &po, &pr);
	h.exited = pr.exited;
	h.status = pr.status;
	h.signal = pr.signal;
	h.timed_out = pr.timed_out;
	h.exec_errno = pr.exec_errno;
	h.elapsed_ms = (uint32_t)pr.elapsed_ms;
	h.out_len = (uint32_t)out.len;
	r = send_reply(fd, &h, &out);
out:
	asy_buf_release(&out);
	return r;
}

int
asy_ctl_wait(int result_fd, int ctl_fd, const struct asy_lab_dut *dut,
    struct asy_buf *msg)
{
	char chunk[4096];

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = result_fd, .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
		};
		int n = poll(pf, ctl_fd >= 0 ? 2 : 1, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ASY_E_IO;
		}
		if (ctl_fd >= 0 && pf[1].revents != 0) {
			/* The child gone or a broken socket: stop serving,
			 * keep reading the result. */
			if (asy_ctl_serve_one(ctl_fd, dut) != 0)
				ctl_fd = -1;
		}
		if (pf[0].revents != 0) {
			ssize_t k = read(result_fd, chunk, sizeof(chunk));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return ASY_E_IO;
			if (k == 0)
				return 0;
			(void)asy_buf_add(msg, chunk, (size_t)k);
		}
	}
}

int
asy_ctl_request(int fd, const char *action, struct asy_buf *out,
    struct asy_ctl_result *res)
{
	/* Room for the header and the capped output, and a byte more to
	 * see a reply that is too long. */
	const size_t size = sizeof(struct reply) + ASY_CTL_OUT_MAX + 1;
	struct reply h;
	size_t len = strlen(action);
	ssize_t n;
	char *buf;
	int r = 0;

	memset(res, 0, sizeof(*res));
	if (!action_ok(action, len))
		return ASY_E_INPUT;
	do
		n = send(fd, action, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EPIPE ? ASY_E_CLOSED : ASY_E_IO;
	buf = malloc(size);
	if (buf == NULL)
		return ASY_E_NOMEM;
	do
		n = recv(fd, buf, size, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r = n == 0 ? ASY_E_CLOSED : ASY_E_IO;
		goto out;
	}
	if ((size_t)n < sizeof(h)) {
		r = ASY_E_PROTO;
		goto out;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.out_len > ASY_CTL_OUT_MAX ||
	    (size_t)n != sizeof(h) + h.out_len) {
		r = ASY_E_PROTO;
		goto out;
	}
	res->rc = h.rc;
	res->proc.exited = h.exited;
	res->proc.status = h.status;
	res->proc.signal = h.signal;
	res->proc.timed_out = h.timed_out;
	res->proc.exec_errno = h.exec_errno;
	res->proc.elapsed_ms = h.elapsed_ms;
	if (out != NULL && h.out_len > 0)
		(void)asy_buf_add(out, buf + sizeof(h), h.out_len);
out:
	free(buf);
	return r;
}
