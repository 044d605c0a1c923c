/*
 * The libmicrohttpd adapter (see mhd.h).
 *
 * Threads: the logger runs on whichever thread libmicrohttpd complains
 * from, the caller's during MHD_start_daemon() and the daemon's own
 * afterwards; m->mu guards the start message and the running flag.
 */
#include "mhd.h"

#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* Options in the array handed to libmicrohttpd, at most (END included). */
#define MAX_OPTS	16

struct asy_mhd {
	struct MHD_Daemon	*d;
	pthread_mutex_t		 mu;
	int			 running;	/* past MHD_start_daemon */
	char			 start_msg[ASY_MHD_MSG];	/* its first
								   complaint */
	unsigned		 port;
	char			*cert;		/* copies for libmicrohttpd */
	char			*key;
};

int
asy_mhd_parse_addr(const char *addr, unsigned port,
    struct sockaddr_storage *ss)
{
	struct addrinfo hints, *ai = NULL;
	char serv[8];
	int r;

	if (addr == NULL || port > 65535)
		return ASY_E_INPUT;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(serv, sizeof(serv), "%u", port);
	r = getaddrinfo(addr, serv, &hints, &ai);
	if (r != 0 || ai == NULL || ai->ai_addrlen > sizeof(*ss)) {
		if (ai != NULL)
			freeaddrinfo(ai);
		return ASY_E_INPUT;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

/* The port in a socket address, host order. */
static unsigned
ss_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* The request target as sent: callers decode it themselves, once. */
static size_t
no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

/* libmicrohttpd's complaints: kept for the caller while starting, debug
 * later (escaped: they may quote what a client sent). */
__attribute__((format(printf, 2, 0)))
static void
on_log(void *cls, const char *fmt, va_list ap)
{
	struct asy_mhd *m = cls;
	char msg[ASY_MHD_MSG], *e;
	int running;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	pthread_mutex_lock(&m->mu);
	running = m->running;
	if (!running && m->start_msg[0] == '\0')
		snprintf(m->start_msg, sizeof(m->start_msg), "%s", msg);
	pthread_mutex_unlock(&m->mu);
	if (!running)
		return;
	e = asy_printable(msg, strcspn(msg, "\n"), 256);
	if (e != NULL)
		asy_debug("libmicrohttpd: %s", e);
	free(e);
}

/* Does libmicrohttpd's first complaint say it could not bind? */
static int
msg_is_socket(const char *s)
{
	return strstr(s, "bind") != NULL || strstr(s, "listen") != NULL ||
	    strstr(s, "socket") != NULL;
}

static void
add_opt(struct MHD_OptionItem *v, size_t *n, enum MHD_OPTION opt,
    intptr_t value, void *ptr)
{
	if (*n + 1 >= MAX_OPTS)
		ASY_BUG("too many libmicrohttpd options");
	v[*n].option = opt;
	v[*n].value = value;
	v[*n].ptr_value = ptr;
	(*n)++;
	v[*n].option = MHD_OPTION_END;
	v[*n].value = 0;
	v[*n].ptr_value = NULL;
}

void
asy_mhd_stop(struct asy_mhd *m)
{
	if (m == NULL)
		return;
	if (m->d != NULL)
		MHD_stop_daemon(m->d);
	pthread_mutex_destroy(&m->mu);
	if (m->key != NULL)
		explicit_bzero(m->key, strlen(m->key));
	free(m->key);
	free(m->cert);
	free(m);
}

int
asy_mhd_start(const struct asy_mhd_opts *o, struct asy_mhd **out,
    char *msg, size_t msglen)
{
	struct MHD_OptionItem ops[MAX_OPTS];
	const union MHD_DaemonInfo *di;
	struct asy_mhd *m = NULL;
	const char *why;
	unsigned flags;
	size_t n = 0;
	int tls, r;

	if (o == NULL || o->addr == NULL || o->handler == NULL ||
	    (o->cert_pem == NULL) != (o->key_pem == NULL))
		ASY_BUG("asy_mhd_start without an address, a handler or "
		    "with half the TLS material");
	tls = o->cert_pem != NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return ASY_E_NOMEM;
	if (pthread_mutex_init(&m->mu, NULL) != 0) {
		free(m);
		return ASY_E_INTERNAL;
	}
	if (tls) {
		m->cert = asy_strdup(o->cert_pem);
		m->key = asy_strdup(o->key_pem);
		if (m->cert == NULL || m->key == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	ops[0].option = MHD_OPTION_END;
	add_opt(ops, &n, MHD_OPTION_SOCK_ADDR, 0, (void *)o->addr);
	add_opt(ops, &n, MHD_OPTION_CONNECTION_LIMIT, o->conns, NULL);
	add_opt(ops, &n, MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, NULL);
	add_opt(ops, &n, MHD_OPTION_UNESCAPE_CALLBACK,
	    (intptr_t)no_unescape, o->cls);
	if (o->threads > 0)
		add_opt(ops, &n, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		    NULL);
	if (o->on_uri != NULL)
		add_opt(ops, &n, MHD_OPTION_URI_LOG_CALLBACK,
		    (intptr_t)o->on_uri, o->cls);
	if (o->on_completed != NULL)
		add_opt(ops, &n, MHD_OPTION_NOTIFY_COMPLETED,
		    (intptr_t)o->on_completed, o->cls);
	if (o->on_connection != NULL)
		add_opt(ops, &n, MHD_OPTION_NOTIFY_CONNECTION,
		    (intptr_t)o->on_connection, o->cls);
	if (tls) {
		add_opt(ops, &n, MHD_OPTION_HTTPS_MEM_CERT, 0, m->cert);
		add_opt(ops, &n, MHD_OPTION_HTTPS_MEM_KEY, 0, m->key);
		if (o->tls_priorities != NULL)
			add_opt(ops, &n, MHD_OPTION_HTTPS_PRIORITIES, 0,
			    (void *)o->tls_priorities);
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	flags |= o->threads > 0 ? MHD_USE_AUTO : MHD_USE_POLL;
	if (o->addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls)
		flags |= MHD_USE_TLS;
	m->d = MHD_start_daemon(flags, (uint16_t)ss_port(o->addr), NULL, NULL,
	    o->handler, o->cls,
	    /* First, or what comes before it goes to stderr. */
	    MHD_OPTION_EXTERNAL_LOGGER, on_log, m,
	    MHD_OPTION_ARRAY, ops,
	    MHD_OPTION_END);
	if (m->d == NULL) {
		why = m->start_msg[0] != '\0' ? m->start_msg :
		    "no reason given";
		if (msg_is_socket(why))
			r = ASY_E_IO;
		else if (tls)
			r = ASY_E_INPUT;
		else
			r = ASY_E_INTERNAL;
		asy_why(msg, msglen, "%.*s", (int)strcspn(why, "\n"), why);
		goto out;
	}
	pthread_mutex_lock(&m->mu);
	m->running = 1;
	pthread_mutex_unlock(&m->mu);
	di = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);
	m->port = di != NULL && di->port != 0 ? di->port : ss_port(o->addr);
	*out = m;
	m = NULL;
	r = 0;
out:
	asy_mhd_stop(m);
	return r;
}

unsigned
asy_mhd_port(const struct asy_mhd *m)
{
	return m->port;
}
