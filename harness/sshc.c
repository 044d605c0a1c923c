/*
 * The SSH adapter: the only file that includes libssh.
 *
 * asy_ssh_offer() does not use libssh: it speaks just enough of RFC 4253
 * over a plain connection (conn.h) to read the server's identification
 * line and its first SSH_MSG_KEXINIT, with every length checked against
 * the packet and every string capped.  Handshakes and authentication
 * sessions use libssh on a socket that conn.h connected first and hands
 * over (SSH_OPTIONS_FD), so that "nobody listens" and "no answer" are
 * told apart from what happens inside SSH.
 *
 * libssh never reads ~/.ssh/config, /etc/ssh/ssh_config or a known_hosts
 * file here, and host keys are never checked: the harness inspects, it
 * does not trust.
 *
 * What libssh 0.10.6 (the OpenSSL build installed here) can offer, tried
 * with ssh_options_set() one name at a time:
 *   kex      curve25519-sha256, curve25519-sha256@libssh.org,
 *            ecdh-sha2-nistp256/384/521, diffie-hellman-group18-sha512,
 *            -group16-sha512, -group14-sha256, -group-exchange-sha256,
 *            and the weak diffie-hellman-group14-sha1, -group1-sha1 and
 *            -group-exchange-sha1; not sntrup761x25519-sha512@openssh.com
 *            nor rsa1024-sha1
 *   hostkey  ssh-ed25519, ecdsa-sha2-nistp256/384/521, rsa-sha2-512/256,
 *            sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com,
 *            the *-cert-v01@openssh.com forms, and the weak ssh-rsa (RSA
 *            with SHA-1); not ssh-dss (libssh built without DSA)
 *   cipher   chacha20-poly1305@openssh.com, aes256-gcm@openssh.com,
 *            aes128-gcm@openssh.com, aes256/192/128-ctr, and the weak
 *            aes256/192/128-cbc and 3des-cbc; not blowfish-cbc,
 *            cast128-cbc, arcfour*, des-cbc, rijndael-cbc@lysator.liu.se
 *            nor none
 *   mac      hmac-sha2-256/512 and their -etm@openssh.com forms, and the
 *            weak hmac-sha1 and hmac-sha1-etm@openssh.com; not
 *            hmac-sha1-96, hmac-md5*, umac-*, hmac-ripemd160 nor none
 * libssh itself silently drops the names of a list it does not know and
 * offers the rest; asy_ssh_handshake() refuses such a list (ASY_E_INPUT)
 * instead, so that a downgrade attempt never tests less than it says.
 * Weak algorithms that libssh cannot offer are judged from the server's
 * offer (asy_ssh_offer) only.  A MAC list matters only with a cipher that
 * is not AEAD: with chacha20-poly1305 or AES-GCM no MAC is negotiated, so
 * a downgrade to a weak MAC must name a CTR or CBC cipher too.
 *
 * What sshc.h leaves open, decided here:
 *   - a server that closes the connection, or sends SSH_MSG_DISCONNECT,
 *     before its identification line or its KEXINIT gives ASY_E_CLOSED
 *     (from asy_ssh_offer, asy_ssh_handshake and asy_ssh_open alike): it
 *     turned us away, and no algorithm was judged.  A handshake that the
 *     server ends after its identification line is a refusal (0).
 *   - a server that is not SSH 2 (SSH-1.5, HTTP, a banner too long) gives
 *     ASY_E_PROTO from asy_ssh_handshake as from asy_ssh_offer.
 *   - asy_ssh_open offers, after libssh's defaults, ssh-rsa and also
 *     diffie-hellman-group14-sha1, -group-exchange-sha1, -group1-sha1,
 *     aes*-cbc, 3des-cbc and hmac-sha1(-etm): old devices must be reachable
 *     for their passwords to be tried.  No algorithm in common gives
 *     ASY_E_PROTO.
 *   - a partial success (the password or key was right, the server wants
 *     another method as well) counts as accepted (1).
 *   - an authentication step that times out gives ASY_E_TIMEOUT; the
 *     connection is then unusable and later calls give ASY_E_CLOSED.
 *   - asy_ssh_methods lists what the server named in the fixed order
 *     publickey, password, keyboard-interactive, hostbased,
 *     gssapi-with-mic (libssh keeps a bit mask, not the server's order);
 *     ASY_E_TOOBIG when they do not fit.
 *   - the negotiated host key algorithm comes from libssh's log (see
 *     capture_log); when that is missing, from the list offered when it
 *     had one name, else from the key type unless the key is RSA ("").
 */
#include "sshc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <openssl/evp.h>

#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

/* RFC 4253 4.2: an identification line is at most 255 bytes with CR LF
 * (taken here as 255 before the LF); the lines a server may send before it
 * are capped the same way. */
#define MAX_LINE		255
/* Lines before the identification line, at most. */
#define MAX_PRE_LINES		64
/* RFC 4253 6.1: implementations must handle packets of 35000 bytes. */
#define MAX_PACKET		35000U
/* SSH_MSG_IGNORE, SSH_MSG_DEBUG... skipped before SSH_MSG_KEXINIT. */
#define MAX_SKIPPED_PACKETS	8
/* Each name-list kept from an offer. */
#define MAX_LIST		4096
/* Algorithm lists given to asy_ssh_handshake(): names and whole lists. */
#define MAX_NAME		64
#define MAX_ALGO_LIST		1024
/* A private key text given to asy_ssh_pubkey(). */
#define MAX_KEY_TEXT		((size_t)64 << 10)
/* Rounds of keyboard-interactive questions answered in one attempt. */
#define MAX_KBDINT_ROUNDS	8
/* A host key blob, decoded from base64. */
#define MAX_KEY_BLOB		((size_t)16 << 10)
/* The smallest RSA host key libssh accepts (its default is 1024): the
 * harness wants to see small keys, not refuse them. */
#define RSA_MIN_BITS		768

#define SSH_MSG_DISCONNECT	1
#define SSH_MSG_IGNORE		2
#define SSH_MSG_UNIMPLEMENTED	3
#define SSH_MSG_DEBUG		4
#define SSH_MSG_KEXINIT		20

static const char client_ident[] = "SSH-2.0-assay\r\n";

/* The user name sent when only keys are exchanged. */
static const char probe_user[] = "assay";

/*
 * asy_ssh_open(): libssh 0.10's default lists (kex.c) followed by what old
 * servers may need, last so that nothing better is ever passed over.
 */
static const char open_kex[] =
    "curve25519-sha256,curve25519-sha256@libssh.org,"
    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group18-sha512,diffie-hellman-group16-sha512,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,"
    "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group1-sha1";
static const char open_hostkeys[] =
    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa";
static const char open_ciphers[] =
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"
    "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,"
    "aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc";
static const char open_macs[] =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1";
static const char open_pubkey_types[] =
    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa";

struct algos {
	const char	*kex;
	const char	*hostkey;
	const char	*cipher;
	const char	*mac;
	const char	*pubkey_types;
};

/* Why a started connection did not complete its key exchange. */
enum refusal {
	REFUSED_NOMATCH = 1,	/* no algorithm in common */
	REFUSED_DISCONNECT,	/* the server sent SSH_MSG_DISCONNECT */
	REFUSED_CLOSED,		/* the server closed the connection */
};

struct asy_ssh {
	ssh_session	 session;
	char		*banner;
	unsigned long	 timeout_ms;
	/* A timeout left libssh waiting for an answer: nothing more can be
	 * asked on this connection. */
	int		 broken;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

static void
init_libssh(void)
{
	init_result = ssh_init();
}

static int
lib_init(void)
{
	pthread_once(&init_once, init_libssh);
	return init_result == SSH_OK ? 0 : ASY_E_INTERNAL;
}

/* Copy n bytes of s into d (of size cap, cap > 0) with every byte outside
 * printable ASCII as '?'; NUL-terminated, cut at cap - 1. */
static void
copy_sanitized(char *d, size_t cap, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++)
		d[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	d[i] = '\0';
}

/* A fresh sanitized copy of n bytes, or NULL. */
static char *
dup_sanitized(const void *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL)
		copy_sanitized(d, n + 1, s, n);
	return d;
}

/* ---- the offer: RFC 4253 by hand ---------------------------------------- */

/* A reader over a connection with one deadline for everything. */
struct reader {
	struct asy_conn	*c;
	long long	 deadline;
	unsigned long	 timeout_ms;
	unsigned char	 chunk[4096];
	size_t		 pos, len;
	int		 got_any;	/* anything at all came */
};

/* More bytes into the chunk: 0, ASY_E_TIMEOUT, ASY_E_CLOSED, ASY_E_IO. */
static int
reader_fill(struct reader *r)
{
	long long left = r->deadline - asy_now_ms();
	long n;

	if (left <= 0)
		return ASY_E_TIMEOUT;
	n = asy_conn_read(r->c, r->chunk, sizeof(r->chunk),
	    (unsigned long)left);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return ASY_E_CLOSED;
	r->pos = 0;
	r->len = (size_t)n;
	r->got_any = 1;
	return 0;
}

/* Exactly n bytes into p. */
static int
reader_get(struct reader *r, void *p, size_t n)
{
	unsigned char *d = p;
	int e;

	while (n > 0) {
		size_t k;

		if (r->pos == r->len) {
			e = reader_fill(r);
			if (e < 0)
				return e;
		}
		k = r->len - r->pos;
		if (k > n)
			k = n;
		memcpy(d, r->chunk + r->pos, k);
		r->pos += k;
		d += k;
		n -= k;
	}
	return 0;
}

/*
 * One line ending in LF into line (of MAX_LINE + 1 bytes), without its
 * CR LF; *len is its length.  ASY_E_PROTO when MAX_LINE bytes pass
 * without one.
 */
static int
reader_line(struct reader *r, char *line, size_t *len)
{
	size_t n = 0;
	int e;

	for (;;) {
		unsigned char c;

		if (r->pos == r->len) {
			e = reader_fill(r);
			if (e < 0)
				return e;
		}
		c = r->chunk[r->pos++];
		if (c == '\n')
			break;
		if (n == MAX_LINE)
			return ASY_E_PROTO;
		line[n++] = (char)c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	*len = n;
	return 0;
}

/* A bounds-checked view of a packet's payload. */
struct cursor {
	const unsigned char	*p;
	size_t			 n;
};

static int
get_u8(struct cursor *c, unsigned *v)
{
	if (c->n < 1)
		return ASY_E_PROTO;
	*v = c->p[0];
	c->p++;
	c->n--;
	return 0;
}

static int
get_u32(struct cursor *c, uint32_t *v)
{
	if (c->n < 4)
		return ASY_E_PROTO;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | (uint32_t)c->p[3];
	c->p += 4;
	c->n -= 4;
	return 0;
}

static int
get_bytes(struct cursor *c, size_t n, const unsigned char **p)
{
	if (c->n < n)
		return ASY_E_PROTO;
	*p = c->p;
	c->p += n;
	c->n -= n;
	return 0;
}

/* An SSH string (uint32 length and bytes), the length checked against
 * what is left. */
static int
get_string(struct cursor *c, const unsigned char **p, size_t *len)
{
	uint32_t n;
	int r;

	r = get_u32(c, &n);
	if (r < 0)
		return r;
	r = get_bytes(c, n, p);
	if (r < 0)
		return r;
	*len = n;
	return 0;
}

/* A name-list as a fresh sanitized string of at most MAX_LIST bytes, cut
 * after the last whole name when longer. */
static char *
list_dup(const unsigned char *p, size_t n)
{
	if (n > MAX_LIST) {
		size_t cut = MAX_LIST;

		while (cut > 0 && p[cut] != ',')
			cut--;
		n = cut > 0 ? cut : MAX_LIST;
	}
	return dup_sanitized(p, n);
}

static const char *const kexinit_fields[] = {
	"kex_algorithms", "server_host_key_algorithms",
	"encryption_algorithms_client_to_server",
	"encryption_algorithms_server_to_client",
	"mac_algorithms_client_to_server", "mac_algorithms_server_to_client",
	"compression_algorithms_client_to_server",
	"compression_algorithms_server_to_client",
	"languages_client_to_server", "languages_server_to_client",
};

/* Fill o's lists from a KEXINIT payload (after its message number). */
static int
parse_kexinit(const unsigned char *p, size_t n, struct asy_ssh_offer *o,
    char *why, size_t why_len)
{
	char **keep[ASY_ELEMENTSOF(kexinit_fields)] = {
		&o->kex, &o->hostkey, NULL, &o->cipher, NULL, &o->mac, NULL,
		&o->compression, NULL, NULL,
	};
	struct cursor c = { p, n };
	const unsigned char *cookie;
	uint32_t reserved;
	unsigned follows;
	int r;

	r = get_bytes(&c, 16, &cookie);
	if (r < 0) {
		asy_why(why, why_len, "KEXINIT shorter than its cookie");
		return r;
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(kexinit_fields); i++) {
		const unsigned char *s;
		size_t len;

		r = get_string(&c, &s, &len);
		if (r < 0) {
			asy_why(why, why_len, "KEXINIT %s runs past the packet",
			    kexinit_fields[i]);
			return r;
		}
		if (keep[i] == NULL)
			continue;
		*keep[i] = list_dup(s, len);
		if (*keep[i] == NULL) {
			asy_why(why, why_len, "out of memory");
			return ASY_E_NOMEM;
		}
	}
	r = get_u8(&c, &follows);
	if (r == 0)
		r = get_u32(&c, &reserved);
	if (r < 0) {
		asy_why(why, why_len, "KEXINIT ends before "
		    "first_kex_packet_follows");
		return r;
	}
	return 0;
}

/* A sanitized description from a DISCONNECT payload, for why. */
static void
disconnect_reason(const unsigned char *p, size_t n, char *d, size_t cap)
{
	struct cursor c = { p, n };
	const unsigned char *s;
	uint32_t code;
	size_t len;

	if (get_u32(&c, &code) < 0 || get_string(&c, &s, &len) < 0) {
		copy_sanitized(d, cap, "", 0);
		return;
	}
	copy_sanitized(d, cap, s, len);
}

/* What a reader error means while waiting for what. */
static int
read_failed(int e, const struct reader *r, const char *what, char *why,
    size_t why_len)
{
	if (e == ASY_E_TIMEOUT)
		asy_why(why, why_len, "no %s within %lu ms", what, r->timeout_ms);
	else if (e == ASY_E_CLOSED)
		asy_why(why, why_len, "the server closed the connection before "
		    "%s", what);
	else
		asy_why(why, why_len, "reading %s: %s", what, asy_strerror(e));
	return e;
}

/* The identification line into o->banner. */
static int
read_ident(struct reader *r, struct asy_ssh_offer *o, char *why,
    size_t why_len)
{
	char line[MAX_LINE + 1];
	size_t len = 0;
	int e;

	for (int i = 0; i <= MAX_PRE_LINES; i++) {
		e = reader_line(r, line, &len);
		if (e == ASY_E_PROTO) {
			asy_why(why, why_len, "%s longer than %d bytes",
			    i == 0 ? "first line" : "a line", MAX_LINE);
			return e;
		}
		if (e == ASY_E_CLOSED && (r->got_any || i > 0)) {
			asy_why(why, why_len, "the server closed the connection "
			    "before an identification line");
			return ASY_E_PROTO;
		}
		if (e < 0)
			return read_failed(e, r, "identification line", why,
			    why_len);
		if (len >= 4 && memcmp(line, "SSH-", 4) == 0)
			break;
		if (i == MAX_PRE_LINES) {
			asy_why(why, why_len, "no identification line in the "
			    "first %d lines", MAX_PRE_LINES);
			return ASY_E_PROTO;
		}
	}
	o->banner = dup_sanitized(line, len);
	if (o->banner == NULL) {
		asy_why(why, why_len, "out of memory");
		return ASY_E_NOMEM;
	}
	if (strncmp(line, "SSH-2.0-", 8) != 0 &&
	    strncmp(line, "SSH-1.99-", 9) != 0) {
		asy_why(why, why_len, "not SSH 2: \"%s\"", o->banner);
		return ASY_E_PROTO;
	}
	return 0;
}

/* Read packets until SSH_MSG_KEXINIT and parse it into o. */
static int
read_kexinit(struct reader *r, struct asy_ssh_offer *o, char *why,
    size_t why_len)
{
	unsigned char *pkt = NULL, hdr[4];
	int e;

	for (int i = 0; i <= MAX_SKIPPED_PACKETS; i++) {
		uint32_t plen, pad;
		size_t payload;
		struct cursor c;
		unsigned type;

		free(pkt);
		pkt = NULL;
		e = reader_get(r, hdr, sizeof(hdr));
		if (e < 0) {
			read_failed(e, r, "KEXINIT", why, why_len);
			goto out;
		}
		c = (struct cursor){ hdr, sizeof(hdr) };
		get_u32(&c, &plen);
		if (plen < 2 || plen > MAX_PACKET) {
			asy_why(why, why_len, "packet length %lu (allowed 2 to %u)",
			    (unsigned long)plen, MAX_PACKET);
			e = ASY_E_PROTO;
			goto out;
		}
		pkt = malloc(plen);
		if (pkt == NULL) {
			asy_why(why, why_len, "out of memory");
			e = ASY_E_NOMEM;
			goto out;
		}
		e = reader_get(r, pkt, plen);
		if (e == ASY_E_CLOSED) {
			asy_why(why, why_len, "packet cut short: %lu bytes "
			    "announced", (unsigned long)plen);
			e = ASY_E_PROTO;
			goto out;
		}
		if (e < 0) {
			read_failed(e, r, "the rest of a packet", why, why_len);
			goto out;
		}
		pad = pkt[0];
		if (pad + 1 >= plen) {
			asy_why(why, why_len, "padding of %lu bytes in a packet of "
			    "%lu", (unsigned long)pad, (unsigned long)plen);
			e = ASY_E_PROTO;
			goto out;
		}
		payload = plen - pad - 1;
		type = pkt[1];
		if (type == SSH_MSG_KEXINIT) {
			e = parse_kexinit(pkt + 2, payload - 1, o, why,
			    why_len);
			goto out;
		}
		if (type == SSH_MSG_DISCONNECT) {
			char reason[128];

			disconnect_reason(pkt + 2, payload - 1, reason,
			    sizeof(reason));
			asy_why(why, why_len, "the server disconnected: \"%s\"",
			    reason);
			e = ASY_E_CLOSED;
			goto out;
		}
		if (type != SSH_MSG_IGNORE && type != SSH_MSG_DEBUG &&
		    type != SSH_MSG_UNIMPLEMENTED) {
			asy_why(why, why_len, "message %u where KEXINIT (20) was "
			    "due", type);
			e = ASY_E_PROTO;
			goto out;
		}
	}
	asy_why(why, why_len, "no KEXINIT in the first %d packets",
	    MAX_SKIPPED_PACKETS + 1);
	e = ASY_E_PROTO;
out:
	free(pkt);
	return e;
}

int
asy_ssh_offer(const char *addr, unsigned port, unsigned long timeout_ms,
    struct asy_ssh_offer *o, char *why, size_t why_len)
{
	struct asy_ssh_offer got = { 0 };
	struct reader *r = NULL;
	struct asy_conn *c = NULL;
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	long long left;
	int e;

	asy_why(why, why_len, "%s", "");
	if (o == NULL) {
		asy_why(why, why_len, "nowhere to put the offer");
		e = ASY_E_INPUT;
		goto out;
	}
	e = asy_conn_open(addr, port, 0, timeout_ms, &c, why, why_len);
	if (e < 0)
		goto out;
	left = deadline - asy_now_ms();
	e = left > 0 ? asy_conn_write(c, client_ident, sizeof(client_ident) - 1,
	    (unsigned long)left) : ASY_E_TIMEOUT;
	if (e < 0) {
		asy_why(why, why_len, "sending our identification: %s",
		    asy_strerror(e));
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		asy_why(why, why_len, "out of memory");
		e = ASY_E_NOMEM;
		goto out;
	}
	r->c = c;
	r->deadline = deadline;
	r->timeout_ms = timeout_ms;
	e = read_ident(r, &got, why, why_len);
	if (e < 0)
		goto out;
	e = read_kexinit(r, &got, why, why_len);
	if (e < 0)
		goto out;
	*o = got;
	memset(&got, 0, sizeof(got));
	e = 0;
out:
	if (e < 0)
		asy_debug("%s port %u: %s", addr != NULL ? addr : "(null)",
		    port, why != NULL ? why : asy_strerror(e));
	asy_ssh_offer_release(&got);
	free(r);
	asy_conn_close(c);
	return e;
}

void
asy_ssh_offer_release(struct asy_ssh_offer *o)
{
	if (o == NULL)
		return;
	free(o->banner);
	free(o->kex);
	free(o->hostkey);
	free(o->cipher);
	free(o->mac);
	free(o->compression);
	memset(o, 0, sizeof(*o));
}

/* ---- algorithm lists ---------------------------------------------------- */

static const struct {
	enum ssh_options_e	 opt;
	const char		*what;
} list_opts[] = {
	{ SSH_OPTIONS_KEY_EXCHANGE,	"key exchange" },
	{ SSH_OPTIONS_HOSTKEYS,		"host key" },
	{ SSH_OPTIONS_CIPHERS_C_S,	"cipher" },
	{ SSH_OPTIONS_HMAC_C_S,		"MAC" },
};

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '@' ||
	    c == '_' || c == '+';
}

/*
 * Can libssh offer every name in list?  Each is tried alone on a scratch
 * session, because libssh accepts a list as long as one name in it is
 * known.  0, or ASY_E_INPUT with why naming the first that is not.
 */
static int
check_list(ssh_session scratch, size_t which, const char *list, char *why,
    size_t why_len)
{
	const char *what = list_opts[which].what;
	const char *p = list;

	if (strlen(list) > MAX_ALGO_LIST) {
		asy_why(why, why_len, "%s list longer than %d bytes", what,
		    MAX_ALGO_LIST);
		return ASY_E_INPUT;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		char name[MAX_NAME + 1];
		int r;

		if (n == 0 || n > MAX_NAME) {
			asy_why(why, why_len, "%s list \"%s\": %s name", what,
			    list, n == 0 ? "an empty" : "a too long");
			return ASY_E_INPUT;
		}
		for (size_t i = 0; i < n; i++) {
			if (!name_char(p[i])) {
				asy_why(why, why_len, "%s list: bad character "
				    "0x%02x", what, (unsigned char)p[i]);
				return ASY_E_INPUT;
			}
		}
		memcpy(name, p, n);
		name[n] = '\0';
		r = ssh_options_set(scratch, list_opts[which].opt, name);
		if (r < 0) {
			asy_why(why, why_len, "libssh %s cannot offer %s %s",
			    ssh_version(0), what, name);
			return ASY_E_INPUT;
		}
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static int
check_algos(const struct algos *a, char *why, size_t why_len)
{
	const char *lists[] = { a->kex, a->hostkey, a->cipher, a->mac };
	ssh_session scratch = NULL;
	int r = 0;

	scratch = ssh_new();
	if (scratch == NULL) {
		asy_why(why, why_len, "out of memory");
		return ASY_E_NOMEM;
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(lists) && r == 0; i++)
		if (lists[i] != NULL)
			r = check_list(scratch, i, lists[i], why, why_len);
	ssh_free(scratch);
	return r;
}

/* ---- starting a libssh session ------------------------------------------ */

/*
 * The host key algorithm libssh negotiated, which 0.10 has no call for,
 * comes from its "Negotiated kex,hostkey,..." log line (SSH_LOG_PROTOCOL),
 * caught with a log callback.  libssh 0.10 keeps the log level, callback
 * and user data per thread (LIBSSH_THREAD), so sessions in other threads
 * are not affected; they are put back after ssh_connect().
 */
struct capture {
	char	hostkey[64];
};

static void
capture_log(int priority, const char *function, const char *buffer,
    void *userdata)
{
	struct capture *cap = userdata;
	const char *p, *comma;
	size_t n;

	if (cap == NULL || cap->hostkey[0] != '\0' || buffer == NULL)
		return;
	p = strstr(buffer, "Negotiated ");
	if (p == NULL)
		return;
	p = strchr(p, ',');
	if (p == NULL)
		return;
	p++;
	comma = strchr(p, ',');
	n = comma != NULL ? (size_t)(comma - p) : strlen(p);
	copy_sanitized(cap->hostkey, sizeof(cap->hostkey), p, n);
}

struct log_state {
	int			 level;
	ssh_logging_callback	 cb;
	void			*userdata;
};

static void
capture_begin(struct capture *cap, struct log_state *saved)
{
	saved->level = ssh_get_log_level();
	saved->cb = ssh_get_log_callback();
	saved->userdata = ssh_get_log_userdata();
	memset(cap, 0, sizeof(*cap));
	ssh_set_log_userdata(cap);
	ssh_set_log_callback(capture_log);
	ssh_set_log_level(SSH_LOG_PROTOCOL);
}

static void
capture_end(const struct log_state *saved)
{
	ssh_set_log_level(saved->level);
	ssh_set_log_callback(saved->cb);
	ssh_set_log_userdata(saved->userdata);
}

/* Bound libssh's waits to ms (at least 1 ms: 0 would mean its default). */
static int
set_timeout(ssh_session s, long long ms)
{
	long sec, usec;
	int r;

	if (ms < 1)
		ms = 1;
	sec = (long)(ms / 1000);
	usec = (long)(ms % 1000) * 1000;
	r = ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
	if (r == 0)
		r = ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
	return r;
}

/* Options that never change: no configuration files, no known hosts. */
static int
set_fixed_options(ssh_session s, const char *addr, unsigned port,
    const char *user)
{
	static const char *const no_file = "/dev/null";
	int iport = (int)port, rsa_min = RSA_MIN_BITS, strict = 0;
	bool no = false;

	if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, addr) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &iport) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, no_file) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, no_file) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_RSA_MIN_SIZE, &rsa_min) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict) < 0)
		return -1;
	return 0;
}

static int
set_algos(ssh_session s, const struct algos *a)
{
	const struct {
		enum ssh_options_e	 opt;
		const char		*list;
	} set[] = {
		{ SSH_OPTIONS_KEY_EXCHANGE,		a->kex },
		{ SSH_OPTIONS_HOSTKEYS,			a->hostkey },
		{ SSH_OPTIONS_CIPHERS_C_S,		a->cipher },
		{ SSH_OPTIONS_CIPHERS_S_C,		a->cipher },
		{ SSH_OPTIONS_HMAC_C_S,			a->mac },
		{ SSH_OPTIONS_HMAC_S_C,			a->mac },
		{ SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES,	a->pubkey_types },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(set); i++)
		if (set[i].list != NULL &&
		    ssh_options_set(s, set[i].opt, set[i].list) < 0)
			return -1;
	return 0;
}

static int
contains(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/*
 * Why ssh_connect() failed: 0 with *refusal when the server took part in
 * SSH and turned us down, else an error.  libssh 0.10 reports everything
 * as SSH_FATAL, so its message and the session's state are what tell.
 */
static int
connect_failed(ssh_session s, long long deadline, unsigned long timeout_ms,
    enum refusal *refusal, char *why, size_t why_len)
{
	const char *err = ssh_get_error(s);
	const char *banner, *bye = NULL;
	char safe[256];

	/* Copied first: the calls below may replace libssh's message. */
	copy_sanitized(safe, sizeof(safe), err != NULL ? err : "",
	    err != NULL ? strlen(err) : 0);
	banner = ssh_get_serverbanner(s);
	if ((ssh_get_status(s) & SSH_CLOSED) != 0)
		bye = ssh_get_disconnect_message(s);
	/*
	 * libssh's message first: after some errors (a banner too long)
	 * ssh_connect() still waits out the timeout before it returns.
	 */
	if (contains(safe, "banner") || contains(safe, "SSH protocol") ||
	    contains(safe, "Protocol mismatch") || (banner != NULL &&
	    strncmp(banner, "SSH-2.0-", 8) != 0 &&
	    strncmp(banner, "SSH-1.99-", 9) != 0)) {
		asy_why(why, why_len, "not an SSH 2 server: %s", safe);
		return ASY_E_PROTO;
	}
	if (contains(safe, "Timeout") || (banner == NULL &&
	    asy_now_ms() >= deadline)) {
		asy_why(why, why_len, "no %s within %lu ms", banner == NULL ?
		    "identification line" : "complete key exchange",
		    timeout_ms);
		return ASY_E_TIMEOUT;
	}
	if (banner == NULL) {
		asy_why(why, why_len, "the server closed the connection before "
		    "its identification line");
		return ASY_E_CLOSED;
	}
	if (contains(safe, "no match for method")) {
		asy_why(why, why_len, "no algorithm in common: %s", safe);
		*refusal = REFUSED_NOMATCH;
		return 0;
	}
	if (bye != NULL) {
		char msg[200];

		copy_sanitized(msg, sizeof(msg), bye, strlen(bye));
		asy_why(why, why_len, "the server disconnected during the key "
		    "exchange: \"%s\"", msg);
		*refusal = REFUSED_DISCONNECT;
		return 0;
	}
	if (contains(safe, "Socket error") || contains(safe, "disconnected") ||
	    (ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
		asy_why(why, why_len, "the server closed the connection during "
		    "the key exchange (%s)", safe);
		*refusal = REFUSED_CLOSED;
		return 0;
	}
	if (asy_now_ms() >= deadline) {
		asy_why(why, why_len, "no complete key exchange within %lu ms "
		    "(%s)", timeout_ms, safe);
		return ASY_E_TIMEOUT;
	}
	asy_why(why, why_len, "key exchange failed: %s", safe);
	return ASY_E_PROTO;
}

/*
 * Disconnect and free.  libssh 0.10.6 forgets, without closing it, a
 * socket it was given when ssh_connect() timed out before the server's
 * identification line; such a socket, still the same one afterwards (same
 * inode: a number reused by another thread is another socket), is closed
 * here.
 */
static void
end_session(ssh_session s)
{
	struct stat before, after;
	int fd, have;

	if (s == NULL)
		return;
	fd = ssh_get_fd(s);
	have = fd >= 0 && fstat(fd, &before) == 0;
	ssh_disconnect(s);
	ssh_free(s);
	if (have && fstat(fd, &after) == 0 && after.st_dev == before.st_dev &&
	    after.st_ino == before.st_ino)
		close(fd);
}

/*
 * Connect (conn.h) and exchange keys (libssh) offering a's lists.  1 and
 * *out (with hostkey, when known, the negotiated host key algorithm), 0
 * and *refusal when the server refused, or an error; why says.
 */
static int
start(const char *addr, unsigned port, unsigned long timeout_ms,
    const struct algos *a, const char *user, ssh_session *out,
    struct capture *cap, enum refusal *refusal, char *why, size_t why_len)
{
	long long deadline = asy_now_ms() + (long long)timeout_ms;
	struct asy_conn *c = NULL;
	ssh_session s = NULL;
	struct log_state saved;
	int fd = -1, r, rc;

	r = lib_init();
	if (r < 0) {
		asy_why(why, why_len, "ssh_init failed");
		goto out;
	}
	r = asy_conn_open(addr, port, 0, timeout_ms, &c, why, why_len);
	if (r < 0)
		goto out;
	/* libssh closes the socket it is given; conn.h closes its own. */
	fd = fcntl(asy_conn_fd(c), F_DUPFD_CLOEXEC, 3);
	asy_conn_close(c);
	c = NULL;
	if (fd < 0) {
		asy_why(why, why_len, "dup: %s", strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	s = ssh_new();
	if (s == NULL) {
		asy_why(why, why_len, "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	r = set_fixed_options(s, addr, port, user);
	if (r == 0)
		r = set_algos(s, a);
	if (r == 0)
		r = set_timeout(s, deadline - asy_now_ms());
	if (r == 0)
		r = ssh_options_set(s, SSH_OPTIONS_FD, &fd);
	if (r < 0) {
		asy_why(why, why_len, "libssh refused an option: %s",
		    ssh_get_error(s));
		r = ASY_E_INPUT;
		goto out;
	}
	if (deadline - asy_now_ms() <= 0) {
		asy_why(why, why_len, "no time left after connecting (%lu ms)",
		    timeout_ms);
		r = ASY_E_TIMEOUT;
		goto out;
	}
	/* From here on the socket is libssh's. */
	capture_begin(cap, &saved);
	fd = -1;
	rc = ssh_connect(s);
	capture_end(&saved);
	if (rc != SSH_OK) {
		r = connect_failed(s, deadline, timeout_ms, refusal, why,
		    why_len);
		goto out;
	}
	*out = s;
	s = NULL;
	r = 1;
out:
	if (r < 0)
		asy_debug("%s port %u: %s", addr != NULL ? addr : "(null)",
		    port, why != NULL ? why : asy_strerror(r));
	end_session(s);
	if (fd >= 0)
		close(fd);
	asy_conn_close(c);
	return r;
}


/* ---- the negotiated algorithms and the host key ------------------------- */

static int
is_aead(const char *cipher)
{
	return contains(cipher, "-gcm") || contains(cipher, "poly1305");
}

static void
set_name(char *d, size_t cap, const char *s)
{
	copy_sanitized(d, cap, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* The number of significant bits of a big-endian unsigned number (an SSH
 * mpint, whose sign byte is 0 for the numbers in keys). */
static int
mpint_bits(const unsigned char *p, size_t n)
{
	int bits;

	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	if (n == 0 || n > 8192)
		return 0;
	bits = (int)(n - 1) * 8;

	for (unsigned char b = p[0]; b != 0; b >>= 1)
		bits++;
	return bits;
}

/*
 * The size in bits of a public key from its wire form (RFC 4253 6.6,
 * RFC 5656 3.1, RFC 8709): the modulus for RSA, p for DSA, the curve for
 * ECDSA and EdDSA; certificates have a nonce before the key.  0 when the
 * blob is not understood.
 */
static int
blob_bits(const unsigned char *blob, size_t n)
{
	struct cursor c = { blob, n };
	const unsigned char *s;
	char type[64];
	size_t len;

	if (get_string(&c, &s, &len) < 0 || len >= sizeof(type))
		return 0;
	memcpy(type, s, len);
	type[len] = '\0';
	if (strstr(type, "-cert-v01@openssh.com") != NULL &&
	    get_string(&c, &s, &len) < 0)
		return 0;
	if (strncmp(type, "ssh-rsa", 7) == 0) {
		/* e, then n */
		if (get_string(&c, &s, &len) < 0 ||
		    get_string(&c, &s, &len) < 0)
			return 0;
		return mpint_bits(s, len);
	}
	if (strncmp(type, "ssh-dss", 7) == 0) {
		if (get_string(&c, &s, &len) < 0)
			return 0;
		return mpint_bits(s, len);
	}
	if (strstr(type, "nistp256") != NULL)
		return 256;
	if (strstr(type, "nistp384") != NULL)
		return 384;
	if (strstr(type, "nistp521") != NULL)
		return 521;
	if (strstr(type, "ed25519") != NULL)
		return 256;
	if (strstr(type, "ed448") != NULL)
		return 456;
	return 0;
}

/* The server's host key type and size into n. */
static void
host_key(ssh_session s, struct asy_ssh_nego *n)
{
	ssh_key key = NULL;
	char *b64 = NULL;
	unsigned char *blob = NULL;
	size_t len;
	int dec;

	if (ssh_get_server_publickey(s, &key) != SSH_OK || key == NULL)
		return;
	set_name(n->key_type, sizeof(n->key_type),
	    ssh_key_type_to_char(ssh_key_type(key)));
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK || b64 == NULL)
		goto out;
	len = strlen(b64);
	if (len == 0 || len > MAX_KEY_BLOB / 3 * 4)
		goto out;
	blob = malloc(len / 4 * 3 + 3);
	if (blob == NULL)
		goto out;
	dec = EVP_DecodeBlock(blob, (const unsigned char *)b64, (int)len);
	if (dec > 0)
		n->key_bits = blob_bits(blob, (size_t)dec);
out:
	free(blob);
	ssh_string_free_char(b64);
	ssh_key_free(key);
}

/*
 * The host key algorithm: from libssh's log when it was caught, else the
 * only name offered, else what the key's type allows (an RSA key may have
 * signed with ssh-rsa, rsa-sha2-256 or rsa-sha2-512: left empty).
 */
static void
host_key_algo(const struct capture *cap, const char *offered,
    struct asy_ssh_nego *n)
{
	if (cap->hostkey[0] != '\0')
		set_name(n->hostkey, sizeof(n->hostkey), cap->hostkey);
	else if (offered != NULL && strchr(offered, ',') == NULL)
		set_name(n->hostkey, sizeof(n->hostkey), offered);
	else if (strncmp(n->key_type, "ssh-rsa", 7) != 0)
		set_name(n->hostkey, sizeof(n->hostkey), n->key_type);
}

int
asy_ssh_handshake(const char *addr, unsigned port, unsigned long timeout_ms,
    const char *kex, const char *hostkey, const char *cipher,
    const char *mac, struct asy_ssh_nego *n, char *why, size_t why_len)
{
	struct algos a = { kex, hostkey, cipher, mac, NULL };
	struct asy_ssh_nego got;
	struct capture cap;
	enum refusal refusal = 0;
	ssh_session s = NULL;
	int r;

	asy_why(why, why_len, "%s", "");
	memset(&got, 0, sizeof(got));
	if (n == NULL) {
		asy_why(why, why_len, "nowhere to put the result");
		r = ASY_E_INPUT;
		goto out;
	}
	r = lib_init();
	if (r < 0) {
		asy_why(why, why_len, "ssh_init failed");
		goto out;
	}
	r = check_algos(&a, why, why_len);
	if (r < 0)
		goto out;
	r = start(addr, port, timeout_ms, &a, probe_user, &s, &cap, &refusal,
	    why, why_len);
	if (r <= 0)
		goto out;
	set_name(got.kex, sizeof(got.kex), ssh_get_kex_algo(s));
	set_name(got.cipher, sizeof(got.cipher), ssh_get_cipher_in(s));
	if (!is_aead(got.cipher))
		set_name(got.mac, sizeof(got.mac), ssh_get_hmac_in(s));
	host_key(s, &got);
	host_key_algo(&cap, hostkey, &got);
	*n = got;
	r = 1;
out:
	end_session(s);
	return r;
}

/* ---- sessions for authentication ---------------------------------------- */

int
asy_ssh_open(const char *addr, unsigned port, unsigned long timeout_ms,
    const char *user, struct asy_ssh **out, char *why, size_t why_len)
{
	struct algos a = { open_kex, open_hostkeys, open_ciphers, open_macs,
	    open_pubkey_types };
	struct asy_ssh *t = NULL;
	enum refusal refusal = 0;
	struct capture cap;
	const char *banner;
	int r;

	asy_why(why, why_len, "%s", "");
	if (out == NULL || user == NULL || *user == '\0' ||
	    strlen(user) > 256) {
		asy_why(why, why_len, "no user name, or a too long one");
		r = ASY_E_INPUT;
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		asy_why(why, why_len, "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	t->timeout_ms = timeout_ms;
	r = start(addr, port, timeout_ms, &a, user, &t->session, &cap,
	    &refusal, why, why_len);
	if (r == 0)
		r = refusal == REFUSED_NOMATCH ? ASY_E_PROTO : ASY_E_CLOSED;
	if (r < 0)
		goto out;
	/* Each authentication step gets the whole timeout again. */
	r = set_timeout(t->session, (long long)timeout_ms);
	if (r < 0) {
		asy_why(why, why_len, "libssh refused the timeout");
		r = ASY_E_INTERNAL;
		goto out;
	}
	banner = ssh_get_serverbanner(t->session);
	t->banner = dup_sanitized(banner != NULL ? banner : "",
	    banner != NULL ? strnlen(banner, MAX_LINE) : 0);
	if (t->banner == NULL) {
		asy_why(why, why_len, "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	*out = t;
	t = NULL;
	r = 0;
out:
	asy_ssh_close(t);
	return r;
}

/* Is the connection gone? */
static int
gone(const struct asy_ssh *s)
{
	return s->broken || !ssh_is_connected(s->session) ||
	    (ssh_get_status(s->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

/* An SSH_AUTH_* answer as ours.  A partial success (the password was
 * right, the server wants another method too) counts as accepted. */
static int
auth_result(struct asy_ssh *s, int rc)
{
	switch (rc) {
	case SSH_AUTH_SUCCESS:
	case SSH_AUTH_PARTIAL:
		return 1;
	case SSH_AUTH_DENIED:
		return 0;
	case SSH_AUTH_AGAIN:
		/* libssh in blocking mode: the timeout passed. */
		s->broken = 1;
		return ASY_E_TIMEOUT;
	default:
		if (gone(s))
			return ASY_E_CLOSED;
		asy_debug("libssh: %s", ssh_get_error(s->session));
		return ASY_E_IO;
	}
}

int
asy_ssh_methods(struct asy_ssh *s, char *methods, size_t len)
{
	static const struct {
		int		 bit;
		const char	*name;
	} names[] = {
		{ SSH_AUTH_METHOD_PUBLICKEY,		"publickey" },
		{ SSH_AUTH_METHOD_PASSWORD,		"password" },
		{ SSH_AUTH_METHOD_INTERACTIVE,	"keyboard-interactive" },
		{ SSH_AUTH_METHOD_HOSTBASED,		"hostbased" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC,		"gssapi-with-mic" },
	};
	int r, mask, n = 0;

	if (s == NULL || methods == NULL || len == 0)
		return ASY_E_INPUT;
	methods[0] = '\0';
	if (gone(s))
		return ASY_E_CLOSED;
	r = auth_result(s, ssh_userauth_none(s->session, NULL));
	if (r < 0)
		return r;
	mask = ssh_userauth_list(s->session, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		int w;

		if ((mask & names[i].bit) == 0)
			continue;
		w = snprintf(methods + n, len - (size_t)n, "%s%s",
		    n > 0 ? "," : "", names[i].name);
		if (w < 0 || (size_t)w >= len - (size_t)n) {
			methods[n] = '\0';
			return ASY_E_TOOBIG;
		}
		n += w;
	}
	return r;
}

int
asy_ssh_password(struct asy_ssh *s, const char *pass)
{
	if (s == NULL || pass == NULL)
		return ASY_E_INPUT;
	if (gone(s))
		return ASY_E_CLOSED;
	return auth_result(s, ssh_userauth_password(s->session, NULL, pass));
}

int
asy_ssh_kbdint(struct asy_ssh *s, const char *pass)
{
	int rc;

	if (s == NULL || pass == NULL)
		return ASY_E_INPUT;
	if (gone(s))
		return ASY_E_CLOSED;
	rc = ssh_userauth_kbdint(s->session, NULL, NULL);
	for (int round = 0; rc == SSH_AUTH_INFO; round++) {
		int prompts;

		if (round == MAX_KBDINT_ROUNDS) {
			/* A server that keeps asking has not let us in. */
			asy_debug("more than %d rounds of questions",
			    MAX_KBDINT_ROUNDS);
			return 0;
		}
		prompts = ssh_userauth_kbdint_getnprompts(s->session);
		if (prompts < 0)
			return auth_result(s, SSH_AUTH_ERROR);
		for (int i = 0; i < prompts; i++) {
			if (ssh_userauth_kbdint_setanswer(s->session,
			    (unsigned)i, pass) < 0)
				return gone(s) ? ASY_E_CLOSED : ASY_E_NOMEM;
		}
		rc = ssh_userauth_kbdint(s->session, NULL, NULL);
	}
	return auth_result(s, rc);
}

int
asy_ssh_pubkey(struct asy_ssh *s, const char *key_text)
{
	ssh_key key = NULL;
	int r;

	if (s == NULL || key_text == NULL ||
	    strnlen(key_text, MAX_KEY_TEXT + 1) > MAX_KEY_TEXT)
		return ASY_E_INPUT;
	if (ssh_pki_import_privkey_base64(key_text, NULL, NULL, NULL,
	    &key) != SSH_OK || key == NULL)
		return ASY_E_INPUT;
	if (gone(s)) {
		r = ASY_E_CLOSED;
		goto out;
	}
	r = auth_result(s, ssh_userauth_publickey(s->session, NULL, key));
out:
	ssh_key_free(key);
	return r;
}

/* Keep what fits under out's cap; drop the rest. */
static int
keep(struct asy_buf *out, const char *p, size_t n)
{
	size_t room = out->max > out->len ? out->max - out->len : 0;

	if (n > room)
		n = room;
	if (n == 0)
		return 0;
	return asy_buf_add(out, p, n);
}

/* Read what one stream of ch (stderr or not) has, waiting up to ms (0:
 * not at all), into out.  0, or ASY_E_CLOSED, ASY_E_PROTO, ASY_E_NOMEM. */
static int
drain(struct asy_ssh *s, ssh_channel ch, int is_stderr, int ms,
    struct asy_buf *out)
{
	char chunk[4096];
	int n;

	if (ms > 0)
		n = ssh_channel_read_timeout(ch, chunk, sizeof(chunk),
		    is_stderr, ms);
	else
		n = ssh_channel_read_nonblocking(ch, chunk, sizeof(chunk),
		    is_stderr);
	if (n == SSH_ERROR)
		return gone(s) ? ASY_E_CLOSED : ASY_E_PROTO;
	if (n > 0 && keep(out, chunk, (size_t)n) < 0)
		return ASY_E_NOMEM;
	return 0;
}

int
asy_ssh_exec(struct asy_ssh *s, const char *cmd, struct asy_buf *out,
    unsigned long timeout_ms, int *status)
{
	ssh_channel ch = NULL;
	long long end = asy_now_ms() + (long long)timeout_ms;
	int r;

	if (s == NULL || cmd == NULL || cmd[0] == '\0' ||
	    strpbrk(cmd, "\r\n") != NULL)
		return ASY_E_INPUT;
	if (gone(s))
		return ASY_E_CLOSED;
	ch = ssh_channel_new(s->session);
	if (ch == NULL)
		return ASY_E_NOMEM;
	if (ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		r = gone(s) ? ASY_E_CLOSED : ASY_E_PROTO;
		goto out;
	}
	for (;;) {
		long long left = end - asy_now_ms();

		if (left <= 0) {
			r = ASY_E_TIMEOUT;
			goto out;
		}
		/* Both streams: what a device prints on stderr explains a
		 * refusal as well as stdout does. */
		r = drain(s, ch, 0, left > 250 ? 250 : (int)left, out);
		if (r == 0)
			r = drain(s, ch, 1, 0, out);
		if (r < 0)
			goto out;
		if (ssh_channel_is_eof(ch) &&
		    ssh_channel_poll(ch, 0) <= 0 && ssh_channel_poll(ch, 1) <= 0)
			break;
	}
	*status = ssh_channel_get_exit_status(ch);
	r = 0;
out:
	if (ch != NULL) {
		if (ssh_channel_is_open(ch))
			ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return r;
}

const char *
asy_ssh_banner(const struct asy_ssh *s)
{
	return s != NULL && s->banner != NULL ? s->banner : "";
}

void
asy_ssh_close(struct asy_ssh *s)
{
	if (s == NULL)
		return;
	end_session(s->session);
	free(s->banner);
	free(s);
}

const char *
asy_ssh_version(void)
{
	return ssh_version(0);
}
