/*
 * What is on a serial console, and using it.
 *
 * asy_console_probe() finds out what a console offers someone with a
 * cable: a shell without login, a login prompt, a boot loader that can be
 * interrupted, nothing at all, or bytes that are not text (a wrong baud
 * rate).  It listens first (the boot log), then sends CR, then acts, all
 * within one deadline and one cap on bytes, and sends nothing destructive:
 * an invented user and password at a login prompt, one harmless echo at a
 * shell, read-only commands at a boot-loader prompt.  Everything it reads
 * is scanned for secrets (private keys, passwords, Wi-Fi PSKs, tokens),
 * which are named by line but never copied: results and transcripts show
 * them masked.
 *
 * asy_console_login() and asy_console_exec() use a console: log in at its
 * prompt, and run a command at its shell capturing exactly the command's
 * output and exit status (reading a version, triggering an update,
 * reading the model designation).
 */
#ifndef ASSAY_CONSOLE_H
#define ASSAY_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "serial.h"

enum asy_console_kind {
	ASY_CONSOLE_UNKNOWN,	/* text, but no prompt recognised */
	ASY_CONSOLE_SILENT,	/* nothing at all, even after CR and break */
	ASY_CONSOLE_NOISE,	/* bytes that are mostly not text */
	ASY_CONSOLE_LOGIN,	/* a login prompt that refuses strangers */
	ASY_CONSOLE_SHELL,	/* a shell without login, proven */
	ASY_CONSOLE_BOOTLOADER,	/* left at a boot-loader prompt */
};

/* "shell", "login", "boot loader", "silent", "noise", "unknown". */
const char	*asy_console_kind_name(enum asy_console_kind kind);

/* A secret seen on the console: where, never what. */
struct asy_console_secret {
	const char	*kind;		/* "private key", "password", "Wi-Fi
					   PSK", "token", "secret" (static) */
	unsigned long	 line;		/* 1-based, in everything read */
	size_t		 offset;	/* byte offset of the line */
	char		*text;		/* the line, the value masked, escaped,
					   at most 160 bytes */
};

#define ASY_CONSOLE_MAX_SECRETS		32
#define ASY_CONSOLE_MAX_EVIDENCE	24

struct asy_console_result {
	enum asy_console_kind kind;
	int		 bl_seen;	/* a boot-loader banner or countdown */
	int		 bl_countdown;	/* an autoboot countdown */
	int		 bl_interrupted;	/* a key stopped it and its
					   prompt answered a read-only
					   command */
	int		 bl_resumed;	/* "boot" sent after that; the device
					   went on to its system */
	int		 login_refused;	/* LOGIN: an invented user and
					   password were refused */
	int		 flooded;	/* the byte cap was reached */
	char		*evidence[ASY_CONSOLE_MAX_EVIDENCE];
	size_t		 n_evidence;	/* lines, escaped, masked, bounded */
	struct asy_console_secret secrets[ASY_CONSOLE_MAX_SECRETS];
	size_t		 n_secrets;
	size_t		 n_secrets_dropped;
	size_t		 bytes_read;
	unsigned long	 elapsed_ms;
	char		 reason[320];	/* one sentence */
};

void	asy_console_result_release(struct asy_console_result *res);

struct asy_console_opts {
	unsigned long	 timeout_ms;	/* the whole probe; 0: 15000 */
	size_t		 max_bytes;	/* kept of what is read; 0: 1 MiB */
	unsigned long	 quiet_ms;	/* output counts as finished after this
					   long without a byte; 0: 1000 */
	int		 stay_in_bootloader;	/* after breaking in, leave the
					   device at the boot-loader prompt
					   instead of sending "boot" */
};

struct asy_console;

/*
 * Open the console on cfg's port (asy_serial_open(), whose errors and why
 * it returns), with the secret mask installed on its transcript.
 */
int	asy_console_open(const struct asy_serial_cfg *cfg,
	    struct asy_console **out, char *why, size_t why_len);
void	asy_console_close(struct asy_console *c);

/* The port underneath (for notes, breaks and raw reads). */
struct asy_serial *asy_console_serial(struct asy_console *c);

/* Keep the transcript (see asy_serial_transcript()); device lines that
 * hold secrets are masked. */
void	asy_console_transcript(struct asy_console *c, struct asy_buf *b,
	    FILE *f, size_t cap);

/*
 * Classify the console (o may be NULL: defaults).  res is always filled
 * (kind UNKNOWN and the reason on an error) and released by the caller.
 * 0, or ASY_E_CLOSED (the port hung up or vanished: what was learned so
 * far is in res), ASY_E_TOOBIG (it sent more than max_bytes without
 * anything recognised: a flooding console), ASY_E_TIMEOUT (the port did
 * not take what we sent: flow control held it), ASY_E_IO, ASY_E_NOMEM.  A
 * harness or port failure is never a kind of console.
 */
int	asy_console_probe(struct asy_console *c,
	    const struct asy_console_opts *o, struct asy_console_result *res);

/*
 * Log in as user with password (sent flagged secret) at the console's
 * login prompt (CR is sent when none is showing) and prove the shell that
 * follows.  0 logged in; ASY_E_REFUSED (the device said incorrect or asked
 * again), ASY_E_PROTO (no login prompt), ASY_E_TIMEOUT (no answer in
 * time: not a refusal), ASY_E_CLOSED, ASY_E_IO, ASY_E_INPUT (a user or
 * password with a line break).
 */
int	asy_console_login(struct asy_console *c, const char *user,
	    const char *password, unsigned long timeout_ms);

/*
 * Run cmd (one line) at the console's shell: exactly its output (the
 * echoed command line and the markers removed, CR LF as LF) into a fresh
 * string *output (may be NULL) and its exit status into *status (may be
 * NULL).  Delimited by markers with a nonce that only a shell's expansion
 * produces, so the echo of the input never matches.  0; ASY_E_TOOBIG
 * (more than cap bytes of output: read to its end and dropped),
 * ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_INPUT (cmd has a line break),
 * ASY_E_IO.
 */
int	asy_console_exec(struct asy_console *c, const char *cmd,
	    unsigned long timeout_ms, size_t cap, char **output, int *status);

/*
 * Scan len bytes of console output for secrets and add them to res
 * (line numbers from 1, offsets from base).  At most
 * ASY_CONSOLE_MAX_SECRETS are kept; the rest are counted.  0 or
 * ASY_E_NOMEM.
 */
int	asy_console_scan_secrets(const char *text, size_t len,
	    struct asy_console_result *res);

/*
 * Mask the secrets in one line (what asy_console_scan_secrets() finds:
 * assignment values become "********"; *in_key tracks being inside a PEM
 * private key block across lines, whose body lines are masked whole).
 * The line is rewritten in place.  Returns the kind found or NULL.
 */
const char	*asy_console_mask_line(struct asy_buf *line, int *in_key);

#endif
