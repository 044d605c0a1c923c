/*
 * The serial adapter: a console port (a UART behind /dev/ttyUSB0, or a
 * pty on the virtual bench) opened exclusively, in raw mode, with every
 * read and write bounded by a deadline and every byte kept bounded by a
 * cap.  It is the only file that includes termios.h.
 *
 * Everything read and written can go to a transcript with timestamps
 * relative to the open: "+0.123 < text" for the device's bytes, "+0.456 >
 * text" for ours, "+0.789 # note" for events (a break, a hang-up).  Device
 * bytes are escaped so that a transcript is printable ASCII whatever the
 * device sends; writes flagged secret appear as "> ******** (secret)".
 */
#ifndef ASSAY_SERIAL_H
#define ASSAY_SERIAL_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

struct asy_lab_iface;

enum asy_serial_flow {
	ASY_SERIAL_FLOW_NONE,
	ASY_SERIAL_FLOW_RTSCTS,
	ASY_SERIAL_FLOW_XONXOFF,
};

struct asy_serial_cfg {
	const char	*path;		/* the device node (not copied) */
	unsigned long	 baud;		/* a termios rate: 50 .. 4000000 */
	unsigned	 data_bits;	/* 5 .. 8 */
	char		 parity;	/* 'n', 'e', 'o' */
	unsigned	 stop_bits;	/* 1, 2 */
	enum asy_serial_flow flow;
};

/* 115200 8N1 without flow control on path. */
void	asy_serial_cfg_default(struct asy_serial_cfg *cfg, const char *path);

/* Fill cfg from a lab config's <serial> (its strings are borrowed);
 * ASY_E_INPUT when f is not a serial port or names an unknown flow
 * control. */
int	asy_serial_cfg_from_lab(struct asy_serial_cfg *cfg,
	    const struct asy_lab_iface *f);

/* "115200 8N1, flow none": the settings in words, into buf. */
void	asy_serial_cfg_describe(const struct asy_serial_cfg *cfg, char *buf,
	    size_t n);

struct asy_serial;

/*
 * Open cfg->path read-write without making it our controlling terminal,
 * take it exclusively (TIOCEXCL, and an flock() that holds even against
 * root), and configure raw mode with cfg's settings.  0 and *out, or:
 * ASY_E_INPUT (a setting is not supported, e.g. 12345 baud, or the path
 * is empty or not a terminal), ASY_E_NOTFOUND (no such path),
 * ASY_E_REFUSED (another program has the port), ASY_E_IO (errno kept),
 * ASY_E_NOMEM.  why (may be NULL) says which, naming the path.
 */
int	asy_serial_open(const struct asy_serial_cfg *cfg,
	    struct asy_serial **out, char *why, size_t why_len);

/* Give the output at most a second to drain (the rest is dropped),
 * restore the port's settings as found, release it, close, flush the
 * transcript, and free.  NULL is fine. */
void	asy_serial_close(struct asy_serial *s);

/* The descriptor, for poll(); never read or write it directly. */
int	asy_serial_fd(const struct asy_serial *s);

/*
 * What the driver really holds now (tcgetattr), in cfg (path borrowed
 * from s).  A pty, for instance, always reports 8 data bits and no
 * parity whatever was asked.  0 or ASY_E_IO.
 */
int	asy_serial_applied(const struct asy_serial *s,
	    struct asy_serial_cfg *cfg);

/* Milliseconds since the open. */
unsigned long asy_serial_elapsed_ms(const struct asy_serial *s);

/*
 * Keep a transcript in b (up to its cap) and/or f (a FILE the caller
 * owns and closes after asy_serial_close()), at most cap bytes in each
 * (0: 1 MiB); past the cap one line says it was cut and nothing more is
 * written.  Starts with a line naming the port and its settings.
 */
void	asy_serial_transcript(struct asy_serial *s, struct asy_buf *b,
	    FILE *f, size_t cap);

/* Write the device's text still waiting for the end of its line.
 * 0 or ASY_E_IO (writing f failed at some point). */
int	asy_serial_transcript_flush(struct asy_serial *s);

/*
 * A filter for the device's lines before they reach the transcript: it
 * may rewrite line (one line of raw device bytes, LF included when it
 * came) in place, e.g. to mask secrets.  It is called for each line in
 * order, so it may keep state across lines in ctx.
 */
typedef void	asy_serial_mask_fn(void *ctx, struct asy_buf *line);
void	asy_serial_set_mask(struct asy_serial *s, asy_serial_mask_fn *fn,
	    void *ctx);

/* Note an event in the transcript ("# text"; text is escaped). */
void	asy_serial_note(struct asy_serial *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Send all n bytes within timeout_ms.  With secret nonzero the bytes are
 * logged as "******** (secret)", and should the device echo them in a
 * line, they are masked there too.  0, ASY_E_TIMEOUT (flow control or a
 * full buffer held it), ASY_E_CLOSED (the port hung up or vanished),
 * ASY_E_IO.
 */
int	asy_serial_write(struct asy_serial *s, const void *p, size_t n,
	    int secret, unsigned long timeout_ms);
/* The same for a C string. */
int	asy_serial_puts(struct asy_serial *s, const char *str, int secret,
	    unsigned long timeout_ms);
/* Remember secret (a C string, e.g. a password put into a command) as
 * if it had been sent with secret set: from now on it is masked in what
 * is sent and in what the device echoes.  0 or ASY_E_NOMEM. */
int	asy_serial_add_secret(struct asy_serial *s, const char *secret);

/* Hold the line in break for ms milliseconds (0: 250; at most 10 s),
 * never waiting for the output to drain.  0, ASY_E_CLOSED or ASY_E_IO. */
int	asy_serial_break(struct asy_serial *s, unsigned long ms);

/*
 * Wait at most timeout_ms for bytes and append what is there (one chunk)
 * to b: the count (>0), or ASY_E_TIMEOUT (nothing came), ASY_E_TOOBIG
 * (b is at its cap before anything was read: a console that floods; b
 * holds what was kept), ASY_E_CLOSED (hang-up: the device or adapter went
 * away, or the other end of a pty closed), ASY_E_IO.  Bytes are stored as
 * they came, NULs included.
 */
long	asy_serial_read(struct asy_serial *s, struct asy_buf *b,
	    unsigned long timeout_ms);

/*
 * Read into b until the device has been quiet for quiet_ms, at most
 * timeout_ms in all.  The bytes that came (maybe 0), or ASY_E_TOOBIG,
 * ASY_E_CLOSED, ASY_E_IO as for asy_serial_read().
 */
long	asy_serial_drain(struct asy_serial *s, struct asy_buf *b,
	    unsigned long quiet_ms, unsigned long timeout_ms);

/*
 * Patterns for asy_serial_expect(): ASCII, case-insensitive substrings,
 * with two anchors: a leading '^' matches only at the start of a line
 * (the start of b, or after CR or LF) and a trailing '$' only at the end
 * of what has been read (a prompt the device waits at).  "login:$",
 * "^=> $", "incorrect".
 */
struct asy_serial_match {
	size_t	 start;		/* where in b the match starts */
	size_t	 end;		/* and ends (one past) */
};

/* Does pattern pat match b[from..len) (as in asy_serial_expect)?  1 and
 * *m (may be NULL), or 0. */
int	asy_serial_match(const struct asy_buf *b, size_t from,
	    const char *pat, struct asy_serial_match *m);

/*
 * Read into b until one of the n patterns matches in b after offset from
 * (data already there counts), the deadline passes or b's cap is hit.
 * The index of the pattern whose match starts first (lowest index on a
 * tie) with *m (may be NULL), or ASY_E_TIMEOUT, ASY_E_TOOBIG,
 * ASY_E_CLOSED, ASY_E_IO; b holds what came in every case.
 */
int	asy_serial_expect(struct asy_serial *s, struct asy_buf *b,
	    size_t from, const char *const *pats, size_t n,
	    unsigned long timeout_ms, struct asy_serial_match *m);

/*
 * Append n device bytes to out escaped for a text file or a report line:
 * printable ASCII as is except '\\' (doubled), CR LF TAB as \r \n \t,
 * every other byte (escape sequences, NULs, UTF-8) as \xNN.  0,
 * ASY_E_TOOBIG or ASY_E_NOMEM.
 */
int	asy_serial_escape(struct asy_buf *out, const void *p, size_t n);

#endif
