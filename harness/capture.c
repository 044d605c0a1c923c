#include "capture.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* Defaults and caps for the options. */
#define DEF_SNAPLEN	262144UL
#define MAX_SNAPLEN	262144UL
/* 802.11: the largest MPDU (11454 bytes) with room for radiotap. */
#define DEF_SNAPLEN_80211 65535UL
#define MAX_BUFFER	(1UL << 30)
/* The thread looks at the stop flag at least this often. */
#define POLL_MS		50
/*
 * Not immediate mode: libpcap then uses TPACKET_V2, whose ring has fixed
 * slots of the snapshot length (256 KiB on an interface with offloads), so
 * that a 2 MiB buffer holds 7 packets and a burst of 50 small ones already
 * loses some.  TPACKET_V3 packs packets into blocks; the kernel hands over
 * a block when it is full or after this timeout, so a packet waits at most
 * this long (well under asy_capture_end()'s QUIET_MS).
 */
#define BLOCK_MS	10
/* asy_capture_end(): done when nothing came for QUIET_MS, or at most
 * after DRAIN_MS. */
#define QUIET_MS	100
#define DRAIN_MS	250
/* A pcap file's global header and each record's header, in bytes. */
#define FILE_HDR	24
#define REC_HDR		16
/* Cap on a filter built by asy_capture_filter(). */
#define MAX_FILTER	1024

struct asy_capture {
	pcap_t		*p;
	int		 fd;		/* selectable */
	pthread_t	 thread;
	int		 running;	/* the thread was started */
	atomic_int	 stop;
	/* The mutex is held by the thread around pcap_dispatch() (so also
	 * in the callback) and by the callers around everything else that
	 * touches the handle or the current file. */
	pthread_mutex_t	 mu;
	int		 thread_err;	/* the thread ended on an error */
	char		 errmsg[PCAP_ERRBUF_SIZE];
	unsigned long	 file_cap;
	/* The current file, if any. */
	pcap_dumper_t	*dumper;
	unsigned long long packets, bytes, over_cap;
	int		 truncated;
	unsigned int	 drop0, ifdrop0;	/* pcap_stats() at begin */
	/* Seen by the callback, file or not. */
	unsigned long long seen, unsaved;
	unsigned long long last_ms;	/* when packets last came */
};

static void
seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* The 802.11 link types, best first: radiotap, then plain frames. */
static const int dlt_80211[] = { DLT_IEEE802_11_RADIO, DLT_IEEE802_11 };

/* Switch an activated handle to an 802.11 link type; ASY_E_INPUT when the
 * interface offers none (it is not in monitor mode). */
static int
use_80211(pcap_t *p, const char *ifname, char *errbuf, size_t errlen)
{
	int *dlts = NULL, n, cur = pcap_datalink(p), r = ASY_E_INPUT;

	n = pcap_list_datalinks(p, &dlts);
	for (size_t k = 0; k < ASY_ELEMENTSOF(dlt_80211) && r < 0; k++) {
		if (cur == dlt_80211[k]) {
			r = 0;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (dlts[i] != dlt_80211[k])
				continue;
			if (pcap_set_datalink(p, dlt_80211[k]) == 0)
				r = 0;
			break;
		}
	}
	if (dlts != NULL)
		pcap_free_datalinks(dlts);
	if (r < 0)
		seterr(errbuf, errlen, "%s: not a monitor-mode Wi-Fi interface "
		    "(its link type is %s, not 802.11 radiotap); put it in "
		    "monitor mode or name the monitor interface", ifname,
		    asy_capture_linktype_name(cur));
	return r;
}

/*
 * Open and activate a handle.  monitor: an 802.11 monitor-mode handle
 * (radiotap or plain 802.11 frames, no promiscuous mode, no filter) and
 * errors told apart: ASY_E_NOTFOUND (no such interface), ASY_E_INPUT (not
 * in monitor mode), ASY_E_IO (the rest: permission, ...).  Otherwise every
 * error is ASY_E_IO.
 */
static int
capture_open(const struct asy_capture_opts *o, int monitor,
    struct asy_capture **out, char *errbuf, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct asy_capture *c = NULL;
	unsigned long snaplen;
	int r = 0, st, have_prog = 0;

	if (errbuf != NULL && errlen > 0)
		*errbuf = '\0';
	if (o == NULL || out == NULL)
		return ASY_E_INTERNAL;
	if (o->ifname == NULL || *o->ifname == '\0' ||
	    strlen(o->ifname) >= IF_NAMESIZE) {
		seterr(errbuf, errlen, "%s: not an interface name",
		    o->ifname != NULL ? o->ifname : "(none)");
		return ASY_E_IO;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ASY_E_NOMEM;
	c->fd = -1;
	c->file_cap = o->file_cap;
	atomic_init(&c->stop, 0);
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return ASY_E_NOMEM;
	}
	eb[0] = '\0';
	c->p = pcap_create(o->ifname, eb);
	if (c->p == NULL) {
		seterr(errbuf, errlen, "%s: %s", o->ifname, eb);
		r = ASY_E_IO;
		goto out;
	}
	snaplen = o->snaplen == 0 ? DEF_SNAPLEN : o->snaplen;
	if (snaplen > MAX_SNAPLEN)
		snaplen = MAX_SNAPLEN;
	if (pcap_set_snaplen(c->p, (int)snaplen) != 0 ||
	    pcap_set_promisc(c->p, !monitor) != 0 ||
	    pcap_set_timeout(c->p, BLOCK_MS) != 0 ||
	    (o->buffer > 0 && pcap_set_buffer_size(c->p,
	    (int)(o->buffer > MAX_BUFFER ? MAX_BUFFER : o->buffer)) != 0)) {
		seterr(errbuf, errlen, "%s: cannot set the capture options",
		    o->ifname);
		r = ASY_E_IO;
		goto out;
	}
	st = pcap_activate(c->p);
	if (st < 0) {
		const char *msg = pcap_geterr(c->p);

		/* libpcap's text names the interface only sometimes. */
		seterr(errbuf, errlen, "%s: %s%s%s%s", o->ifname,
		    pcap_statustostr(st), msg != NULL && *msg ? " (" : "",
		    msg != NULL ? msg : "", msg != NULL && *msg ? ")" : "");
		r = ASY_E_IO;
		if (monitor && st == PCAP_ERROR_NO_SUCH_DEVICE)
			r = ASY_E_NOTFOUND;
		goto out;
	}
	if (monitor) {
		r = use_80211(c->p, o->ifname, errbuf, errlen);
		if (r < 0)
			goto out;
	}
	if (st > 0)
		asy_debug("%s: %s: %s", o->ifname, pcap_statustostr(st),
		    pcap_geterr(c->p));
	if (o->filter != NULL && !monitor) {
		if (pcap_compile(c->p, &prog, o->filter, 1,
		    PCAP_NETMASK_UNKNOWN) < 0) {
			seterr(errbuf, errlen, "%s: filter \"%s\": %s",
			    o->ifname, o->filter, pcap_geterr(c->p));
			r = ASY_E_IO;
			goto out;
		}
		have_prog = 1;
		if (pcap_setfilter(c->p, &prog) < 0) {
			seterr(errbuf, errlen, "%s: cannot set the filter: %s",
			    o->ifname, pcap_geterr(c->p));
			r = ASY_E_IO;
			goto out;
		}
	}
	if (pcap_setnonblock(c->p, 1, eb) < 0) {
		seterr(errbuf, errlen, "%s: %s", o->ifname, eb);
		r = ASY_E_IO;
		goto out;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0) {
		seterr(errbuf, errlen, "%s: no descriptor to wait on",
		    o->ifname);
		r = ASY_E_IO;
		goto out;
	}
out:
	if (have_prog)
		pcap_freecode(&prog);
	if (r < 0) {
		asy_capture_close(c);
		return r;
	}
	*out = c;
	return 0;
}

int
asy_capture_open(const struct asy_capture_opts *o, struct asy_capture **out,
    char *errbuf, size_t errlen)
{
	return capture_open(o, 0, out, errbuf, errlen);
}

int
asy_capture_open_monitor(const char *ifname, unsigned long snaplen,
    unsigned long file_cap, struct asy_capture **out, char *errbuf,
    size_t errlen)
{
	struct asy_capture_opts o = {
		.ifname = ifname,
		.snaplen = snaplen == 0 ? DEF_SNAPLEN_80211 : snaplen,
		.file_cap = file_cap,
	};

	return capture_open(&o, 1, out, errbuf, errlen);
}

unsigned long long
asy_capture_packets(struct asy_capture *c)
{
	unsigned long long n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	n = c->dumper != NULL ? c->packets : 0;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* In the thread, with the mutex held (inside pcap_dispatch()). */
static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct asy_capture *c = (struct asy_capture *)user;
	unsigned long long rec = REC_HDR + (unsigned long long)h->caplen;

	c->seen++;
	if (c->dumper == NULL) {
		c->unsaved++;
		return;
	}
	if (c->file_cap > 0 && c->bytes + rec > c->file_cap) {
		c->over_cap++;
		c->truncated = 1;
		return;
	}
	pcap_dump((u_char *)c->dumper, h, bytes);
	c->bytes += rec;
	c->packets++;
}

static void *
capture_thread(void *arg)
{
	struct asy_capture *c = arg;

	while (!atomic_load(&c->stop)) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int n;

		n = poll(&pfd, 1, POLL_MS);
		if (n < 0 && errno != EINTR) {
			pthread_mutex_lock(&c->mu);
			snprintf(c->errmsg, sizeof(c->errmsg), "poll: %s",
			    strerror(errno));
			c->thread_err = 1;
			pthread_mutex_unlock(&c->mu);
			break;
		}
		if (n <= 0)
			continue;
		pthread_mutex_lock(&c->mu);
		/* -1: what the buffer holds now; non-blocking, so it
		 * returns at once when that is nothing. */
		n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
		if (n > 0)
			c->last_ms = asy_now_ms();
		/* Tests read the current file while the case runs (the
		 * cleartext scan): what was written is on disk within one
		 * dispatch, at most a hundred flushes a second. */
		if (n > 0 && c->dumper != NULL)
			(void)pcap_dump_flush(c->dumper);
		if (n == PCAP_ERROR) {
			snprintf(c->errmsg, sizeof(c->errmsg), "%s",
			    pcap_geterr(c->p));
			c->thread_err = 1;
		}
		pthread_mutex_unlock(&c->mu);
		if (n == PCAP_ERROR)
			break;
	}
	return NULL;
}

int
asy_capture_start(struct asy_capture *c)
{
	if (c == NULL || c->running)
		return ASY_E_INTERNAL;
	atomic_store(&c->stop, 0);
	if (pthread_create(&c->thread, NULL, capture_thread, c) != 0)
		return ASY_E_NOMEM;
	c->running = 1;
	return 0;
}

/* ps_drop + ps_ifdrop now, with the mutex held. */
static int
drops_now(struct asy_capture *c, unsigned int *drop, unsigned int *ifdrop)
{
	struct pcap_stat ps;

	memset(&ps, 0, sizeof(ps));
	if (pcap_stats(c->p, &ps) < 0) {
		asy_debug("pcap_stats: %s", pcap_geterr(c->p));
		return ASY_E_IO;
	}
	*drop = ps.ps_drop;
	*ifdrop = ps.ps_ifdrop;
	return 0;
}

int
asy_capture_begin(struct asy_capture *c, const char *path)
{
	pcap_dumper_t *d = NULL;
	FILE *f = NULL;
	int fd = -1, r = 0;
	unsigned int drop = 0, ifdrop = 0;

	if (c == NULL || path == NULL)
		return ASY_E_INTERNAL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
	    0644);
	if (fd < 0)
		return errno == EEXIST ? ASY_E_EXISTS : ASY_E_IO;
	f = fdopen(fd, "wb");
	if (f == NULL) {
		r = ASY_E_IO;
		goto out;
	}
	fd = -1;
	pthread_mutex_lock(&c->mu);
	if (c->dumper != NULL) {
		pthread_mutex_unlock(&c->mu);
		asy_debug("a capture file is current already");
		r = ASY_E_INTERNAL;
		goto out;
	}
	r = drops_now(c, &drop, &ifdrop);
	if (r == 0) {
		d = pcap_dump_fopen(c->p, f);
		if (d == NULL) {
			asy_debug("%s: %s", path, pcap_geterr(c->p));
			r = ASY_E_IO;
		}
	}
	if (r == 0) {
		f = NULL;	/* the dumper's now */
		c->dumper = d;
		c->packets = 0;
		c->bytes = FILE_HDR;
		c->over_cap = 0;
		c->truncated = 0;
		c->drop0 = drop;
		c->ifdrop0 = ifdrop;
	}
	pthread_mutex_unlock(&c->mu);
out:
	if (f != NULL) {
		fclose(f);
		unlink(path);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	return r;
}

/*
 * Let the thread write what is still in flight: done when nothing came
 * for QUIET_MS (counted from now at the earliest), at most DRAIN_MS.
 */
static void
drain(struct asy_capture *c)
{
	unsigned long long t0 = asy_now_ms(), last;

	for (;;) {
		unsigned long long now = asy_now_ms();

		pthread_mutex_lock(&c->mu);
		last = c->last_ms;
		pthread_mutex_unlock(&c->mu);
		if (last < t0)
			last = t0;
		if (now >= last + QUIET_MS || now >= t0 + DRAIN_MS)
			break;
		poll(NULL, 0, 10);
	}
}

/* Close the current file, with the mutex held; 0 or ASY_E_IO. */
static int
close_file(struct asy_capture *c, struct asy_capture_stats *st)
{
	unsigned int drop = 0, ifdrop = 0;
	int r = 0;

	if (drops_now(c, &drop, &ifdrop) < 0)
		r = ASY_E_IO;
	if (pcap_dump_flush(c->dumper) < 0 ||
	    ferror(pcap_dump_file(c->dumper)))
		r = ASY_E_IO;
	pcap_dump_close(c->dumper);
	c->dumper = NULL;
	if (st != NULL) {
		memset(st, 0, sizeof(*st));
		st->packets = c->packets;
		st->bytes = c->bytes;
		/* 32-bit counters: unsigned differences survive a wrap. */
		st->dropped = (unsigned long long)(unsigned int)(drop -
		    c->drop0) + (unsigned int)(ifdrop - c->ifdrop0);
		st->over_cap = c->over_cap;
		st->truncated = c->truncated;
	}
	return r;
}

int
asy_capture_end(struct asy_capture *c, struct asy_capture_stats *st)
{
	struct asy_capture_stats s;
	int r;

	if (c == NULL)
		return ASY_E_INTERNAL;
	if (c->running)
		drain(c);
	pthread_mutex_lock(&c->mu);
	if (c->dumper == NULL) {
		pthread_mutex_unlock(&c->mu);
		return ASY_E_INTERNAL;
	}
	r = close_file(c, &s);
	if (r == 0 && c->thread_err) {
		asy_debug("the capture thread stopped: %s", c->errmsg);
		r = ASY_E_IO;
	}
	pthread_mutex_unlock(&c->mu);
	if (r < 0)
		return r;
	if (st != NULL)
		*st = s;
	return 0;
}

void
asy_capture_close(struct asy_capture *c)
{
	if (c == NULL)
		return;
	if (c->running) {
		atomic_store(&c->stop, 1);
		pthread_join(c->thread, NULL);
		c->running = 0;
	}
	if (c->dumper != NULL)
		close_file(c, NULL);
	if (c->unsaved > 0)
		asy_debug("%llu packets came while no file was current",
		    c->unsaved);
	if (c->p != NULL)
		pcap_close(c->p);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- filters ------------------------------------------------------------ */

static int
valid_mac(const char *s)
{
	/* xx:xx:xx:xx:xx:xx, hex digits only */
	if (strlen(s) != 17)
		return 0;
	for (size_t i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* Present: not NULL and not empty. */
static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

char *
asy_capture_filter(const char *ipv4, const char *ipv6, const char *mac)
{
	unsigned char a[16];
	struct asy_buf b;
	int r = 0;

	/* Only addresses reach the filter: never BPF syntax from outside. */
	if (given(ipv4) && inet_pton(AF_INET, ipv4, a) != 1)
		return NULL;
	if (given(ipv6) && inet_pton(AF_INET6, ipv6, a) != 1)
		return NULL;
	if (given(mac) && !valid_mac(mac))
		return NULL;
	if (!given(ipv4) && !given(ipv6) && !given(mac))
		return NULL;
	asy_buf_init(&b, MAX_FILTER);
	if (given(ipv4))
		r = asy_buf_printf(&b, "host %s", ipv4);
	if (r == 0 && given(ipv6))
		r = asy_buf_printf(&b, "%shost %s", b.len ? " or " : "", ipv6);
	if (r == 0 && given(mac))
		r = asy_buf_printf(&b, "%sether host %s", b.len ? " or " : "",
		    mac);
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

int
asy_capture_each(const char *path, asy_frame_fn *fn, void *ctx,
    char *errbuf, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	unsigned long no = 0;
	int r = 0, n;

	p = pcap_open_offline(path, eb);
	if (p == NULL) {
		snprintf(errbuf, errlen, "%s", eb);
		return ASY_E_IO;
	}
	for (;;) {
		struct asy_frame f;

		n = pcap_next_ex(p, &h, &data);
		if (n == PCAP_ERROR_BREAK)
			break;		/* end of file */
		if (n != 1) {
			/* A file still being written may end inside a
			 * record: what came before it stands. */
			snprintf(errbuf, errlen, "%s", pcap_geterr(p));
			if (no == 0) {
				r = ASY_E_IO;
				goto out;
			}
			break;
		}
		f.no = ++no;
		f.ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
		f.data = data;
		f.caplen = h->caplen;
		f.len = h->len;
		f.linktype = pcap_datalink(p);
		if (fn(&f, ctx) != 0)
			break;
	}
out:
	pcap_close(p);
	return r;
}

int
asy_capture_file_linktype(const char *path, int *linktype, char *errbuf,
    size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	p = pcap_open_offline(path, eb);
	if (p == NULL) {
		seterr(errbuf, errlen, "%s", eb);
		return ASY_E_IO;
	}
	*linktype = pcap_datalink(p);
	pcap_close(p);
	return 0;
}

const char *
asy_capture_linktype_name(int linktype)
{
	const char *n = pcap_datalink_val_to_name(linktype);

	return n != NULL ? n : "unknown";
}

const char *
asy_capture_version(void)
{
	return pcap_lib_version();
}
