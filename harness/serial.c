/*
 * The termios adapter.  The port is opened non-blocking; every wait is a
 * poll() with what is left of a deadline, so nothing blocks past it.  A
 * hang-up (POLLHUP, EIO, ENXIO, end of file) is ASY_E_CLOSED: a USB
 * adapter pulled out and a pty whose other side closed look alike.
 *
 * The transcript takes the device's bytes a line at a time (a line ends
 * at LF, at MAX_LINE bytes, or when we write or note something), so that
 * a mask filter sees whole lines and a line of the transcript carries the
 * time its first byte came.
 */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "labcfg.h"
#include "log.h"
#include "util.h"

#define CHUNK		4096
/* A device line longer than this goes to the transcript in pieces. */
#define MAX_LINE	512
#define DEFAULT_CAP	((size_t)1 << 20)
/* Room kept at the end of a transcript for the line saying it was cut. */
#define CUT_ROOM	80
/* Secrets written that are masked when echoed. */
#define MAX_SECRETS	4
#define MAX_SECRET_LEN	1024
#define MASK		"********"
#define DEFAULT_BREAK_MS	250
#define MAX_BREAK_MS		10000
/* On close, how long the output may take to drain before it is dropped. */
#define DRAIN_MS		1000
/* No deadline further away than a day. */
#define MAX_WAIT_MS	(24UL * 3600 * 1000)

struct asy_serial {
	int		 fd;
	char		*path;
	struct asy_serial_cfg cfg;	/* as asked; path points to ->path */
	struct termios	 saved;		/* as found, restored on close */
	int		 saved_ok;
	long long	 t0;
	int		 hung_up;
	/* transcript */
	struct asy_buf	*tb;
	FILE		*tf;
	size_t		 tcap;
	size_t		 tlen;		/* bytes written to each */
	int		 tcut;
	int		 terr;
	struct asy_buf	 pend;		/* device bytes of the current line */
	long long	 pend_t;
	asy_serial_mask_fn *mask;
	void		*mask_ctx;
	char		*secrets[MAX_SECRETS];
	size_t		 n_secrets;
	size_t		 carry;		/* a cut piece ended in the first */
	size_t		 carry_len;	/* carry_len bytes of secrets[carry] */
};

/* The rates termios has a constant for (the same list as labcfg.c). */
static const struct {
	unsigned long	rate;
	speed_t		code;
} speeds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
	{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
	{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
	{ 921600, B921600 }, { 1000000, B1000000 }, { 1152000, B1152000 },
	{ 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
	{ 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
};

static const struct {
	const char		*name;
	enum asy_serial_flow	 flow;
} flows[] = {
	{ "none", ASY_SERIAL_FLOW_NONE },
	{ "rtscts", ASY_SERIAL_FLOW_RTSCTS },
	{ "xonxoff", ASY_SERIAL_FLOW_XONXOFF },
};

static const struct {
	unsigned	bits;
	tcflag_t	flag;
} sizes[] = {
	{ 5, CS5 }, { 6, CS6 }, { 7, CS7 }, { 8, CS8 },
};

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static long long
deadline_in(unsigned long ms)
{
	return asy_now_ms() + (long long)(ms < MAX_WAIT_MS ? ms : MAX_WAIT_MS);
}

static int
left_ms(long long deadline)
{
	long long left = deadline - asy_now_ms();

	return left > 0 ? (int)left : 0;
}

/* ---- configuration ------------------------------------------------------- */

void
asy_serial_cfg_default(struct asy_serial_cfg *cfg, const char *path)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->baud = 115200;
	cfg->data_bits = 8;
	cfg->parity = 'n';
	cfg->stop_bits = 1;
	cfg->flow = ASY_SERIAL_FLOW_NONE;
}

int
asy_serial_cfg_from_lab(struct asy_serial_cfg *cfg,
    const struct asy_lab_iface *f)
{
	size_t i;

	if (f == NULL || f->kind != ASY_IFACE_SERIAL)
		return ASY_E_INPUT;
	asy_serial_cfg_default(cfg, f->path);
	cfg->baud = f->baud;
	cfg->data_bits = f->data_bits;
	cfg->parity = f->parity;
	cfg->stop_bits = f->stop_bits;
	for (i = 0; i < ASY_ELEMENTSOF(flows); i++)
		if (f->flow == NULL || strcmp(f->flow, flows[i].name) == 0)
			break;
	if (i == ASY_ELEMENTSOF(flows))
		return ASY_E_INPUT;
	cfg->flow = flows[i].flow;
	return 0;
}

static const char *
flow_name(enum asy_serial_flow flow)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(flows); i++)
		if (flows[i].flow == flow)
			return flows[i].name;
	return "?";
}

void
asy_serial_cfg_describe(const struct asy_serial_cfg *cfg, char *buf,
    size_t n)
{
	char p = cfg->parity == 'e' ? 'E' : cfg->parity == 'o' ? 'O' :
	    cfg->parity == 'n' ? 'N' : '?';

	snprintf(buf, n, "%lu %u%c%u, flow %s", cfg->baud, cfg->data_bits, p,
	    cfg->stop_bits, flow_name(cfg->flow));
}

/* Build the termios for cfg on top of t; ASY_E_INPUT and why when a
 * setting is not one we support. */
static int
make_termios(const struct asy_serial_cfg *cfg, struct termios *t,
    char *why, size_t why_len)
{
	size_t sp, sz;

	for (sp = 0; sp < ASY_ELEMENTSOF(speeds); sp++)
		if (speeds[sp].rate == cfg->baud)
			break;
	if (sp == ASY_ELEMENTSOF(speeds)) {
		asy_why(why, why_len, "%lu baud is not a termios rate; use "
		    "one of 9600, 19200, 38400, 57600, 115200, 230400, "
		    "460800, 921600 (or another from 50 to 4000000)",
		    cfg->baud);
		return ASY_E_INPUT;
	}
	for (sz = 0; sz < ASY_ELEMENTSOF(sizes); sz++)
		if (sizes[sz].bits == cfg->data_bits)
			break;
	if (sz == ASY_ELEMENTSOF(sizes)) {
		asy_why(why, why_len, "%u data bits is not valid; use 5, 6, 7 "
		    "or 8", cfg->data_bits);
		return ASY_E_INPUT;
	}
	if (cfg->parity != 'n' && cfg->parity != 'e' && cfg->parity != 'o') {
		asy_why(why, why_len, "parity '%c' is not valid; use none, "
		    "even or odd", cfg->parity >= ' ' && cfg->parity < 0x7f ?
		    cfg->parity : '?');
		return ASY_E_INPUT;
	}
	if (cfg->stop_bits != 1 && cfg->stop_bits != 2) {
		asy_why(why, why_len, "%u stop bits is not valid; use 1 or 2",
		    cfg->stop_bits);
		return ASY_E_INPUT;
	}
	if (cfg->flow != ASY_SERIAL_FLOW_NONE &&
	    cfg->flow != ASY_SERIAL_FLOW_RTSCTS &&
	    cfg->flow != ASY_SERIAL_FLOW_XONXOFF) {
		asy_why(why, why_len, "unknown flow control; use none, rtscts "
		    "or xonxoff");
		return ASY_E_INPUT;
	}
	cfmakeraw(t);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS |
	    HUPCL);
	t->c_cflag |= sizes[sz].flag | CLOCAL | CREAD;
	t->c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY | INPCK | ISTRIP);
	if (cfg->parity != 'n') {
		t->c_cflag |= PARENB;
		t->c_iflag |= INPCK;
	}
	if (cfg->parity == 'o')
		t->c_cflag |= PARODD;
	if (cfg->stop_bits == 2)
		t->c_cflag |= CSTOPB;
	if (cfg->flow == ASY_SERIAL_FLOW_RTSCTS)
		t->c_cflag |= CRTSCTS;
	else if (cfg->flow == ASY_SERIAL_FLOW_XONXOFF)
		t->c_iflag |= IXON | IXOFF;
	t->c_cc[VMIN] = 0;
	t->c_cc[VTIME] = 0;
	/* XON/XOFF means DC1/DC3, whatever the port held before. */
	t->c_cc[VSTART] = 0x11;
	t->c_cc[VSTOP] = 0x13;
	if (cfsetispeed(t, speeds[sp].code) < 0 ||
	    cfsetospeed(t, speeds[sp].code) < 0) {
		asy_why(why, why_len, "%lu baud is not supported here",
		    cfg->baud);
		return ASY_E_INPUT;
	}
	return 0;
}

/* ---- opening and closing ------------------------------------------------- */

int
asy_serial_open(const struct asy_serial_cfg *cfg, struct asy_serial **out,
    char *why, size_t why_len)
{
	struct asy_serial *s = NULL;
	struct termios t, back;
	int r, fd = -1;

	if (cfg == NULL || cfg->path == NULL || *cfg->path == '\0') {
		asy_why(why, why_len, "no serial port path given; name the "
		    "device node (e.g. /dev/ttyUSB0) in the lab config");
		return ASY_E_INPUT;
	}
	memset(&t, 0, sizeof(t));
	r = make_termios(cfg, &t, why, why_len);
	if (r < 0)
		return r;
	fd = open(cfg->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT || e == ENXIO || e == ENODEV) {
			asy_why(why, why_len, "%s does not exist; check the "
			    "path and that the adapter is plugged in",
			    cfg->path);
			r = ASY_E_NOTFOUND;
		} else if (e == EISDIR) {
			asy_why(why, why_len, "%s is a folder, not a terminal; "
			    "name a serial device node", cfg->path);
			r = ASY_E_INPUT;
		} else if (e == EBUSY) {
			asy_why(why, why_len, "%s is in use by another program "
			    "(opened exclusively); close it and retry",
			    cfg->path);
			r = ASY_E_REFUSED;
		} else {
			asy_why(why, why_len, "cannot open %s: %s", cfg->path,
			    strerror(e));
			r = ASY_E_IO;
		}
		errno = e;
		goto out;
	}
	if (!isatty(fd)) {
		asy_why(why, why_len, "%s is not a terminal; name a serial "
		    "device node", cfg->path);
		r = ASY_E_INPUT;
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		asy_why(why, why_len, "%s is in use by another program "
		    "(locked); close it and retry", cfg->path);
		r = errno == EWOULDBLOCK ? ASY_E_REFUSED : ASY_E_IO;
		goto out;
	}
	if (ioctl(fd, TIOCEXCL) < 0) {
		asy_why(why, why_len, "cannot take %s exclusively: %s",
		    cfg->path, strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	s->fd = -1;
	s->path = asy_strdup(cfg->path);
	if (s->path == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (tcgetattr(fd, &s->saved) < 0) {
		asy_why(why, why_len, "cannot read the settings of %s: %s",
		    cfg->path, strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	s->saved_ok = 1;
	/* The settings as found with ours on top (line discipline kept). */
	t = s->saved;
	r = make_termios(cfg, &t, why, why_len);
	if (r < 0)
		goto out;
	if (tcsetattr(fd, TCSANOW, &t) < 0 || tcgetattr(fd, &back) < 0) {
		asy_why(why, why_len, "cannot configure %s: %s", cfg->path,
		    strerror(errno));
		r = errno == EINVAL ? ASY_E_INPUT : ASY_E_IO;
		goto out;
	}
	if (cfgetospeed(&back) != cfgetospeed(&t)) {
		asy_why(why, why_len, "the driver of %s does not take %lu baud",
		    cfg->path, cfg->baud);
		r = ASY_E_INPUT;
		goto out;
	}
	s->cfg = *cfg;
	s->cfg.path = s->path;
	s->fd = fd;
	fd = -1;
	s->t0 = asy_now_ms();
	asy_buf_init(&s->pend, MAX_LINE + 1);
	*out = s;
	s = NULL;
	r = 0;
out:
	if (s != NULL) {
		free(s->path);
		free(s);
	}
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return r;
}

static void	flush_pending(struct asy_serial *s);

/*
 * Give what we wrote DRAIN_MS to leave, then drop the rest: a driver's
 * close waits for its output (30 s by default for a UART), and flow
 * control can hold it for ever.
 */
static void
drain_output(struct asy_serial *s)
{
	long long deadline = deadline_in(DRAIN_MS);
	int queued = 0;

	while (ioctl(s->fd, TIOCOUTQ, &queued) == 0 && queued > 0 &&
	    left_ms(deadline) > 0)
		poll(NULL, 0, 10);
	tcflush(s->fd, TCOFLUSH);
}

void
asy_serial_close(struct asy_serial *s)
{
	if (s == NULL)
		return;
	flush_pending(s);
	if (s->tf != NULL)
		fflush(s->tf);
	if (s->fd >= 0) {
		if (!s->hung_up)
			drain_output(s);
		if (s->saved_ok && !s->hung_up)
			tcsetattr(s->fd, TCSANOW, &s->saved);
		ioctl(s->fd, TIOCNXCL);
		close(s->fd);
	}
	for (size_t i = 0; i < s->n_secrets; i++) {
		explicit_bzero(s->secrets[i], strlen(s->secrets[i]));
		free(s->secrets[i]);
	}
	asy_buf_release(&s->pend);
	free(s->path);
	free(s);
}

int
asy_serial_fd(const struct asy_serial *s)
{
	return s->fd;
}

unsigned long
asy_serial_elapsed_ms(const struct asy_serial *s)
{
	long long d = asy_now_ms() - s->t0;

	return d > 0 ? (unsigned long)d : 0;
}

int
asy_serial_applied(const struct asy_serial *s, struct asy_serial_cfg *cfg)
{
	struct termios t;
	speed_t sp;

	if (tcgetattr(s->fd, &t) < 0)
		return ASY_E_IO;
	asy_serial_cfg_default(cfg, s->path);
	cfg->baud = 0;
	sp = cfgetospeed(&t);
	for (size_t i = 0; i < ASY_ELEMENTSOF(speeds); i++)
		if (speeds[i].code == sp)
			cfg->baud = speeds[i].rate;
	for (size_t i = 0; i < ASY_ELEMENTSOF(sizes); i++)
		if ((t.c_cflag & CSIZE) == sizes[i].flag)
			cfg->data_bits = sizes[i].bits;
	cfg->parity = !(t.c_cflag & PARENB) ? 'n' :
	    (t.c_cflag & PARODD) ? 'o' : 'e';
	cfg->stop_bits = (t.c_cflag & CSTOPB) ? 2 : 1;
	cfg->flow = (t.c_cflag & CRTSCTS) ? ASY_SERIAL_FLOW_RTSCTS :
	    (t.c_iflag & IXON) ? ASY_SERIAL_FLOW_XONXOFF :
	    ASY_SERIAL_FLOW_NONE;
	return 0;
}

/* ---- the transcript ------------------------------------------------------ */

int
asy_serial_escape(struct asy_buf *out, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *c = p;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		char e[4] = { '\\', 'x', hex[c[i] >> 4], hex[c[i] & 15] };

		if (c[i] == '\\')
			r = asy_buf_add(out, "\\\\", 2);
		else if (c[i] == '\r')
			r = asy_buf_add(out, "\\r", 2);
		else if (c[i] == '\n')
			r = asy_buf_add(out, "\\n", 2);
		else if (c[i] == '\t')
			r = asy_buf_add(out, "\\t", 2);
		else if (c[i] >= 0x20 && c[i] < 0x7f)
			r = asy_buf_putc(out, (char)c[i]);
		else
			r = asy_buf_add(out, e, sizeof(e));
	}
	return r;
}

/* Write one finished transcript line (LF included) to b and f, or the
 * line saying the transcript was cut once it would pass the cap. */
static void
emit(struct asy_serial *s, const char *line, size_t n)
{
	char cut[CUT_ROOM];
	long long ms = asy_now_ms() - s->t0;
	size_t room;

	if (s->tcut || (s->tb == NULL && s->tf == NULL))
		return;
	room = s->tcap > CUT_ROOM ? s->tcap - CUT_ROOM : 0;
	if (s->tb != NULL && (s->tb->len >= s->tb->max ||
	    s->tb->max - s->tb->len < n + CUT_ROOM))
		room = 0;
	if (s->tlen + n > room) {
		snprintf(cut, sizeof(cut), "+%lld.%03lld # transcript cut at "
		    "%zu bytes\n", ms / 1000, ms % 1000, s->tlen);
		line = cut;
		n = strlen(cut);
		s->tcut = 1;
	}
	/* A buffer too small even for the cut line just stays short. */
	if (s->tb != NULL)
		asy_buf_add(s->tb, line, n);
	if (s->tf != NULL && fwrite(line, 1, n, s->tf) != n)
		s->terr = 1;
	s->tlen += n;
}

/* One transcript line: "+S.mmm D " and the escaped bytes. */
static void
log_line(struct asy_serial *s, long long when, char dir, const void *p,
    size_t n, int raw)
{
	long long ms = when - s->t0;
	struct asy_buf line;

	if (s->tcut || (s->tb == NULL && s->tf == NULL))
		return;
	if (ms < 0)
		ms = 0;
	asy_buf_init(&line, 4 * n + 64);
	asy_buf_printf(&line, "+%lld.%03lld %c ", ms / 1000, ms % 1000, dir);
	if (raw)
		asy_buf_add(&line, p, n);
	else
		asy_serial_escape(&line, p, n);
	if (asy_buf_putc(&line, '\n') == 0)
		emit(s, line.data, line.len);
	asy_buf_release(&line);
}

/* Replace every echo of a secret we wrote in the pending line. */
/*
 * Replace every echo of a secret we wrote in the pending piece of a line.
 * A piece cut before its line ended (we wrote or noted something, or the
 * line was long) may end in the first part of a secret: that part is
 * masked, and the rest, should it start the next piece, too.
 */
static void
mask_echoed_secrets(struct asy_serial *s)
{
	char *d = s->pend.data;
	size_t n = s->pend.len;

	if (d == NULL || n == 0)
		return;
	if (s->carry_len > 0) {
		const char *rest = s->secrets[s->carry] + s->carry_len;
		size_t k = strlen(rest), m = k < n ? k : n;

		s->carry_len = 0;
		if (memcmp(d, rest, m) == 0) {
			memset(d, '*', m);
			if (m < k) {
				s->carry_len = strlen(s->secrets[s->carry]) -
				    k + m;
				return;
			}
		}
	}
	for (size_t i = 0; i < s->n_secrets; i++) {
		size_t k = strlen(s->secrets[i]);

		for (size_t at = 0; at + k <= n; at++)
			if (memcmp(d + at, s->secrets[i], k) == 0)
				memset(d + at, '*', k);
	}
	if (d[n - 1] == '\n')
		return;
	for (size_t i = 0; i < s->n_secrets; i++) {
		size_t k = strlen(s->secrets[i]) - 1;

		for (k = k < n ? k : n; k > 0; k--)
			if (memcmp(d + n - k, s->secrets[i], k) == 0)
				break;
		if (k > 0) {
			memset(d + n - k, '*', k);
			s->carry = i;
			s->carry_len = k;
			return;
		}
	}
}

static void
flush_pending(struct asy_serial *s)
{
	if (s->pend.len == 0)
		return;
	mask_echoed_secrets(s);
	if (s->mask != NULL)
		s->mask(s->mask_ctx, &s->pend);
	log_line(s, s->pend_t, '<', s->pend.data, s->pend.len, 0);
	asy_buf_reset(&s->pend);
}

/* Device bytes to the transcript, a line at a time. */
static void
log_in(struct asy_serial *s, const char *p, size_t n)
{
	long long now = asy_now_ms();

	if (s->tb == NULL && s->tf == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s->pend.len == 0)
			s->pend_t = now;
		asy_buf_putc(&s->pend, p[i]);
		if (p[i] == '\n' || s->pend.len >= MAX_LINE)
			flush_pending(s);
	}
}

void
asy_serial_transcript(struct asy_serial *s, struct asy_buf *b, FILE *f,
    size_t cap)
{
	char settings[96], when[32];
	struct asy_buf head;

	flush_pending(s);
	s->tb = b;
	s->tf = f;
	s->tcap = cap > 0 ? cap : DEFAULT_CAP;
	s->tlen = 0;
	s->tcut = 0;
	asy_serial_cfg_describe(&s->cfg, settings, sizeof(settings));
	asy_now_iso8601(when);
	asy_buf_init(&head, 4 * 4096);
	asy_buf_printf(&head, "serial ");
	asy_serial_escape(&head, s->path, strlen(s->path));
	asy_buf_printf(&head, " %s, opened %s", settings, when);
	log_line(s, s->t0, '#', head.data, head.len, 1);
	asy_buf_release(&head);
}

int
asy_serial_transcript_flush(struct asy_serial *s)
{
	flush_pending(s);
	if (s->tf != NULL && fflush(s->tf) != 0)
		s->terr = 1;
	return s->terr ? ASY_E_IO : 0;
}

void
asy_serial_set_mask(struct asy_serial *s, asy_serial_mask_fn *fn, void *ctx)
{
	flush_pending(s);
	s->mask = fn;
	s->mask_ctx = ctx;
}

void
asy_serial_note(struct asy_serial *s, const char *fmt, ...)
{
	struct asy_buf text, esc;
	va_list ap;

	flush_pending(s);
	asy_buf_init(&text, MAX_LINE);
	asy_buf_init(&esc, 4 * MAX_LINE);
	va_start(ap, fmt);
	asy_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (text.data != NULL) {
		asy_serial_escape(&esc, text.data, text.len);
		log_line(s, asy_now_ms(), '#', esc.data, esc.len, 1);
	}
	asy_buf_release(&text);
	asy_buf_release(&esc);
}

/* ---- writing ------------------------------------------------------------- */

static int
remember_secret(struct asy_serial *s, const void *p, size_t n)
{
	char *copy;

	if (n == 0 || n > MAX_SECRET_LEN || memchr(p, '\0', n) != NULL)
		return 0;
	/* Without its line ending: that is what an echo would show. */
	while (n > 0 && (((const char *)p)[n - 1] == '\r' ||
	    ((const char *)p)[n - 1] == '\n'))
		n--;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < s->n_secrets; i++)
		if (strlen(s->secrets[i]) == n &&
		    memcmp(s->secrets[i], p, n) == 0)
			return 0;
	if (s->n_secrets == MAX_SECRETS) {
		explicit_bzero(s->secrets[0], strlen(s->secrets[0]));
		free(s->secrets[0]);
		memmove(s->secrets, s->secrets + 1,
		    (MAX_SECRETS - 1) * sizeof(s->secrets[0]));
		s->n_secrets--;
		if (s->carry == 0)
			s->carry_len = 0;
		else
			s->carry--;
	}
	copy = asy_strndup(p, n);
	if (copy == NULL)
		return ASY_E_NOMEM;
	s->secrets[s->n_secrets++] = copy;
	return 0;
}

int
asy_serial_add_secret(struct asy_serial *s, const char *secret)
{
	return remember_secret(s, secret, strlen(secret));
}

/* What we send, with every secret remembered so far masked. */
static void
log_sent(struct asy_serial *s, const char *p, size_t n)
{
	struct asy_buf b;
	size_t i = 0;

	if (s->n_secrets == 0 || (s->tb == NULL && s->tf == NULL)) {
		log_line(s, asy_now_ms(), '>', p, n, 0);
		return;
	}
	asy_buf_init(&b, 4 * MAX_LINE);
	while (i < n) {
		size_t k = 0;

		for (size_t j = 0; j < s->n_secrets && k == 0; j++) {
			size_t m = strlen(s->secrets[j]);

			if (m <= n - i && memcmp(p + i, s->secrets[j], m) == 0)
				k = m;
		}
		if (k > 0) {
			asy_buf_puts(&b, MASK);
			i += k;
		} else
			asy_buf_putc(&b, p[i++]);
	}
	log_line(s, asy_now_ms(), '>', b.data != NULL ? b.data : "",
	    b.len, 0);
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
}

int
asy_serial_write(struct asy_serial *s, const void *p, size_t n, int secret,
    unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	const char *c = p;
	size_t done = 0;
	int r;

	if (s->hung_up)
		return ASY_E_CLOSED;
	flush_pending(s);
	if (secret) {
		r = remember_secret(s, p, n);
		if (r < 0)
			return r;
		log_line(s, asy_now_ms(), '>', MASK " (secret)",
		    strlen(MASK " (secret)"), 1);
	} else
		log_sent(s, p, n);
	while (done < n) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
		ssize_t w;

		w = write(s->fd, c + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EIO || errno == ENXIO ||
		    errno == ENODEV)) {
			s->hung_up = 1;
			asy_serial_note(s, "hang-up while writing");
			return ASY_E_CLOSED;
		}
		if (w < 0 && errno != EAGAIN)
			return ASY_E_IO;
		r = poll(&pfd, 1, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ASY_E_IO;
		if (r == 0) {
			asy_serial_note(s, "write held for %lu ms (%zu of %zu "
			    "bytes sent)", timeout_ms, done, n);
			return ASY_E_TIMEOUT;
		}
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
			s->hung_up = 1;
			asy_serial_note(s, "hang-up while writing");
			return ASY_E_CLOSED;
		}
	}
	return 0;
}

int
asy_serial_puts(struct asy_serial *s, const char *str, int secret,
    unsigned long timeout_ms)
{
	return asy_serial_write(s, str, strlen(str), secret, timeout_ms);
}

int
asy_serial_break(struct asy_serial *s, unsigned long ms)
{
	int r;

	if (s->hung_up)
		return ASY_E_CLOSED;
	/* Not tcsendbreak(): it first waits, without a deadline, for the
	 * output to drain, which flow control can hold for ever. */
	if (ms == 0)
		ms = DEFAULT_BREAK_MS;
	if (ms > MAX_BREAK_MS)
		ms = MAX_BREAK_MS;
	asy_serial_note(s, "break %lu ms", ms);
	r = ioctl(s->fd, TIOCSBRK);
	if (r == 0) {
		poll(NULL, 0, (int)ms);
		r = ioctl(s->fd, TIOCCBRK);
	}
	if (r < 0 && (errno == EIO || errno == ENXIO || errno == ENODEV)) {
		s->hung_up = 1;
		return ASY_E_CLOSED;
	}
	return r < 0 ? ASY_E_IO : 0;
}

/* ---- reading ------------------------------------------------------------- */

long
asy_serial_read(struct asy_serial *s, struct asy_buf *b,
    unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	char chunk[CHUNK];
	size_t room;

	if (s->hung_up)
		return ASY_E_CLOSED;
	if (b->len >= b->max)
		return ASY_E_TOOBIG;
	room = b->max - b->len;
	if (room > sizeof(chunk))
		room = sizeof(chunk);
	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		ssize_t n;
		int r;

		r = poll(&pfd, 1, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ASY_E_IO;
		if (r == 0)
			return ASY_E_TIMEOUT;
		if (!(pfd.revents & POLLIN) &&
		    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			goto hangup;
		n = read(s->fd, chunk, room);
		if (n > 0) {
			if (asy_buf_add(b, chunk, (size_t)n) < 0)
				return ASY_E_NOMEM;
			log_in(s, chunk, (size_t)n);
			return (long)n;
		}
		if (n == 0)
			goto hangup;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		if (errno == EIO || errno == ENXIO || errno == ENODEV)
			goto hangup;
		return ASY_E_IO;
	}
hangup:
	s->hung_up = 1;
	asy_serial_note(s, "hang-up: the port went away");
	return ASY_E_CLOSED;
}

long
asy_serial_drain(struct asy_serial *s, struct asy_buf *b,
    unsigned long quiet_ms, unsigned long timeout_ms)
{
	long long deadline = deadline_in(timeout_ms);
	long total = 0;

	for (;;) {
		long long left = deadline - asy_now_ms();
		unsigned long wait = quiet_ms;
		long n;

		if (left <= 0)
			return total;
		if ((unsigned long long)left < wait)
			wait = (unsigned long)left;
		n = asy_serial_read(s, b, wait);
		if (n == ASY_E_TIMEOUT)
			return total;
		if (n < 0)
			return n;
		total += n;
	}
}

/* Does pat (without its anchors: p, k) match at b[at]?  The caller has
 * checked that k bytes are there. */
static int
match_here(const char *d, size_t at, const char *p, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (lower(d[at + i]) != lower(p[i]))
			return 0;
	return 1;
}

/* Search b[lo..len) for pat; positions before lo are not tried (they were
 * tried before), but a '^' looks at the byte before. */
static int
match_from(const struct asy_buf *b, size_t from, size_t lo, const char *pat,
    struct asy_serial_match *m)
{
	const char *d = b->data, *p = pat;
	size_t k = strlen(pat), at;
	int head = 0, tail = 0;

	if (k > 0 && p[0] == '^') {
		head = 1;
		p++;
		k--;
	}
	if (k > 0 && p[k - 1] == '$') {
		tail = 1;
		k--;
	}
	if (d == NULL || b->len < from || b->len - from < k)
		return 0;
	if (tail) {
		at = b->len - k;
		if (at < from)
			return 0;
		if (head && at > 0 && d[at - 1] != '\n' && d[at - 1] != '\r')
			return 0;
		if (!match_here(d, at, p, k))
			return 0;
		goto found;
	}
	if (lo < from)
		lo = from;
	for (at = lo; at + k <= b->len; at++) {
		if (head && at > 0 && d[at - 1] != '\n' && d[at - 1] != '\r')
			continue;
		if (match_here(d, at, p, k))
			goto found;
	}
	return 0;
found:
	if (m != NULL) {
		m->start = at;
		m->end = at + k;
	}
	return 1;
}

int
asy_serial_match(const struct asy_buf *b, size_t from, const char *pat,
    struct asy_serial_match *m)
{
	return match_from(b, from, from, pat, m);
}

/* The pattern whose match in b starts first, searching from lo on. */
static int
first_match(const struct asy_buf *b, size_t from, size_t lo,
    const char *const *pats, size_t n, struct asy_serial_match *m)
{
	struct asy_serial_match best = { 0, 0 }, x;
	int which = -1;

	for (size_t i = 0; i < n; i++) {
		if (!match_from(b, from, lo, pats[i], &x))
			continue;
		if (which < 0 || x.start < best.start) {
			best = x;
			which = (int)i;
		}
	}
	if (which >= 0 && m != NULL)
		*m = best;
	return which;
}

int
asy_serial_expect(struct asy_serial *s, struct asy_buf *b, size_t from,
    const char *const *pats, size_t n, unsigned long timeout_ms,
    struct asy_serial_match *m)
{
	long long deadline = deadline_in(timeout_ms);
	size_t longest = 0, lo = from;
	int which;

	for (size_t i = 0; i < n; i++)
		if (strlen(pats[i]) > longest)
			longest = strlen(pats[i]);
	for (;;) {
		size_t before = b->len;
		long got;

		which = first_match(b, from, lo, pats, n, m);
		if (which >= 0)
			return which;
		/* A match may straddle what was there and what comes. */
		lo = before > longest ? before - longest : 0;
		got = asy_serial_read(s, b, (unsigned long)left_ms(deadline));
		if (got < 0)
			return (int)got;
	}
}
