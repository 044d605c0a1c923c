#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* 1 answered (connected or refused), 0 no answer; why filled. */
static int
probe(const struct sockaddr *sa, socklen_t len, unsigned long timeout_ms,
    char *why, size_t why_len)
{
	struct pollfd pfd;
	int fd, r, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		snprintf(why, why_len, "socket: %s", strerror(errno));
		return 0;
	}
	r = connect(fd, sa, len);
	if (r == 0) {
		close(fd);
		return 1;
	}
	if (errno != EINPROGRESS) {
		err = errno;
		goto done;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		r = poll(&pfd, 1, (int)timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		close(fd);
		snprintf(why, why_len, "no answer within %lu ms", timeout_ms);
		return 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
done:
	close(fd);
	if (err == 0 || err == ECONNREFUSED)
		return 1;
	snprintf(why, why_len, "%s", strerror(err));
	return 0;
}

int
asy_net_alive(const char *addr, const unsigned *ports, size_t n,
    unsigned long timeout_ms, char *why, size_t why_len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	struct sockaddr *sa;
	socklen_t len;
	int v6;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		v6 = 0;
		s4.sin_family = AF_INET;
		sa = (struct sockaddr *)&s4;
		len = sizeof(s4);
	} else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
		v6 = 1;
		s6.sin6_family = AF_INET6;
		sa = (struct sockaddr *)&s6;
		len = sizeof(s6);
	} else
		return ASY_E_INPUT;
	snprintf(why, why_len, "no port to try");
	for (size_t i = 0; i < n && i < 8; i++) {
		if (ports[i] == 0 || ports[i] > 65535)
			continue;
		if (v6)
			s6.sin6_port = htons((unsigned short)ports[i]);
		else
			s4.sin_port = htons((unsigned short)ports[i]);
		if (probe(sa, len, timeout_ms, why, why_len))
			return 1;
	}
	return 0;
}

int
asy_udp_connect(const char *addr, unsigned port, int *out, char *why,
    size_t why_len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	struct sockaddr *sa;
	socklen_t len;
	int fd;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (addr == NULL || port == 0 || port > 65535) {
		asy_why(why, why_len, "bad address or port");
		return ASY_E_INPUT;
	}
	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		s4.sin_port = htons((unsigned short)port);
		sa = (struct sockaddr *)&s4;
		len = sizeof(s4);
	} else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons((unsigned short)port);
		sa = (struct sockaddr *)&s6;
		len = sizeof(s6);
	} else {
		asy_why(why, why_len, "not an IP address literal");
		return ASY_E_INPUT;
	}
	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		asy_why(why, why_len, "socket: %s", strerror(errno));
		return ASY_E_IO;
	}
	/* Connected: the kernel drops datagrams from anyone else and
	 * reports ICMP port unreachable as ECONNREFUSED. */
	if (connect(fd, sa, len) < 0) {
		asy_why(why, why_len, "connect: %s", strerror(errno));
		close(fd);
		return ASY_E_IO;
	}
	*out = fd;
	return 0;
}
