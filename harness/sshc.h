/*
 * The SSH adapter (the only file that includes libssh): what a server
 * offers, handshakes with chosen algorithms (downgrade attempts), and
 * sessions for authentication attempts.
 */
#ifndef ASSAY_SSHC_H
#define ASSAY_SSHC_H

#include <stddef.h>

#include "buf.h"

/*
 * The server's offer, read from its identification line and its first
 * SSH_MSG_KEXINIT (plain TCP, no libssh: nothing is negotiated).  Strings
 * are as the server sent them, bounded (banner 255 bytes, each list
 * 4 KiB), with bytes outside printable ASCII replaced by '?'.
 */
struct asy_ssh_offer {
	char	*banner;	/* "SSH-2.0-dropbear_2022.83" */
	char	*kex;		/* comma-separated name-lists */
	char	*hostkey;
	char	*cipher;	/* server to client */
	char	*mac;		/* server to client */
	char	*compression;
};

/* 0 and o filled, or ASY_E_TIMEOUT, ASY_E_REFUSED, ASY_E_PROTO (not SSH
 * or a malformed packet), ASY_E_IO, ASY_E_NOMEM; why says what. */
int	asy_ssh_offer(const char *addr, unsigned port,
	    unsigned long timeout_ms, struct asy_ssh_offer *o, char *why,
	    size_t why_len);
void	asy_ssh_offer_release(struct asy_ssh_offer *o);

/* What a completed handshake negotiated. */
struct asy_ssh_nego {
	char	kex[64];
	char	hostkey[64];	/* "ssh-ed25519", "rsa-sha2-256" */
	char	cipher[64];	/* server to client */
	char	mac[64];	/* "" for AEAD ciphers */
	char	key_type[32];	/* of the host key: "ssh-rsa", "ssh-ed25519" */
	int	key_bits;
};

/*
 * A handshake (key exchange only, no authentication) offering only the
 * given comma-separated lists; NULL keeps libssh's default for that list.
 * Weak algorithms libssh knows but does not offer by default may be named
 * (diffie-hellman-group1-sha1, ssh-rsa, 3des-cbc, hmac-sha1...).  1
 * completed (n filled), 0 the server refused (no algorithm in common, or it
 * closed the connection: why says), ASY_E_INPUT when libssh cannot offer
 * the list (why says), ASY_E_TIMEOUT, ASY_E_REFUSED, ASY_E_IO.
 */
int	asy_ssh_handshake(const char *addr, unsigned port,
	    unsigned long timeout_ms, const char *kex, const char *hostkey,
	    const char *cipher, const char *mac, struct asy_ssh_nego *n,
	    char *why, size_t why_len);

/* A connection for authentication attempts as one user. */
struct asy_ssh;

/* Connect and exchange keys (libssh defaults plus ssh-rsa for old
 * servers).  0 and *out, or ASY_E_TIMEOUT, ASY_E_REFUSED, ASY_E_PROTO,
 * ASY_E_IO; why says. */
int	asy_ssh_open(const char *addr, unsigned port, unsigned long timeout_ms,
	    const char *user, struct asy_ssh **out, char *why, size_t why_len);

/* Ask with method "none": 1 when the server let the user in without any
 * authentication, 0 otherwise; methods gets the methods it offers
 * ("publickey,password"), or "" when it names none.  <0 on errors. */
int	asy_ssh_methods(struct asy_ssh *s, char *methods, size_t len);

/* One password attempt: 1 accepted, 0 refused, ASY_E_CLOSED when the
 * server closed the connection (open a new one), ASY_E_TIMEOUT, <0. */
int	asy_ssh_password(struct asy_ssh *s, const char *pass);

/* The same with keyboard-interactive, answering every prompt with pass. */
int	asy_ssh_kbdint(struct asy_ssh *s, const char *pass);

/* Public-key authentication with a private key given as the text of an
 * OpenSSH or PEM key file (read by the caller; passphrase-less).  1
 * accepted, 0 refused, ASY_E_INPUT when the text is not a key, <0. */
int	asy_ssh_pubkey(struct asy_ssh *s, const char *key_text);

/*
 * After a successful authentication: run cmd in a session channel and
 * collect what it writes (stdout and stderr together) into out, which
 * keeps at most its own cap (the rest is read and dropped); wait until the
 * command ends or timeout_ms pass.  0 and *status its exit status (-1 when
 * the server sent none), ASY_E_TIMEOUT (the channel is closed; the
 * connection stays usable), ASY_E_CLOSED, ASY_E_PROTO (the server refused
 * the channel or the command), ASY_E_INPUT (cmd empty or holding a line
 * break), ASY_E_NOMEM.  A connection may run several commands in turn.
 */
int	asy_ssh_exec(struct asy_ssh *s, const char *cmd, struct asy_buf *out,
	    unsigned long timeout_ms, int *status);

/* The server's identification line, as sent (bounded, escaped as in
 * asy_ssh_offer). */
const char *asy_ssh_banner(const struct asy_ssh *s);

void	asy_ssh_close(struct asy_ssh *s);

/* libssh's version, for the report's tool list. */
const char *asy_ssh_version(void);

#endif
