/*
 * The TLS adapter for judging a TLS service (OpenSSL).
 *
 * Each probe is one TCP connection (conn.c) and one handshake driven on
 * the non-blocking socket with poll() against a deadline, through conn.c's
 * socket BIO (send with MSG_NOSIGNAL: a peer that hangs up never raises
 * SIGPIPE).  A fresh SSL_CTX per probe carries its versions and suites.
 *
 * What the peer did is read from OpenSSL's message callback: an alert
 * received, or a ServerHello, proves the peer speaks TLS; bytes that are
 * neither mean it speaks something else; no byte at all and the end of
 * the stream means it closed.
 */
#include "tlsc.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "buf.h"
#include "conn.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define MAX_TIMEOUT_MS	(24UL * 3600 * 1000)

/* What the peer did during one handshake. */
struct hs_seen {
	int	alert;		/* alert description received + 1, or 0 */
	int	hello;		/* a ServerHello came */
};

static void
msg_cb(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct hs_seen *seen = arg;
	const unsigned char *p = buf;

	/* Record headers (SSL3_RT_HEADER) come even for garbage: skip. */
	if (write_p)
		return;
	if (content_type == SSL3_RT_ALERT && len >= 2)
		seen->alert = p[1] + 1;
	else if (content_type == SSL3_RT_HANDSHAKE && len >= 1 &&
	    p[0] == SSL3_MT_SERVER_HELLO)
		seen->hello = 1;
}

/* Copy s into dst (n bytes), printable ASCII only, others as '?'. */
static void
copy_printable(char *dst, size_t n, const char *s, size_t len)
{
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < len && i + 1 < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		dst[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[i] = '\0';
}

static const char *
last_ssl_reason(void)
{
	const char *s = ERR_reason_error_string(ERR_peek_last_error());

	return s != NULL ? s : "unknown error";
}

/* ---- what the handshake gave --------------------------------------------- */

static void
fill_group(SSL *ssl, struct asy_tls_hello *out)
{
	EVP_PKEY *tmp = NULL;
	const char *name = NULL;
	int nid;

	nid = SSL_get_negotiated_group(ssl);
	if (nid > 0 && (nid & TLSEXT_nid_unknown) == 0) {
		name = EC_curve_nid2nist(nid);
		if (name == NULL)
			name = OBJ_nid2sn(nid);
	} else if (nid > 0)
		name = SSL_group_to_name(ssl, nid);
	if (name != NULL) {
		copy_printable(out->group, sizeof(out->group), name,
		    strlen(name));
		return;
	}
	if (nid > 0) {
		snprintf(out->group, sizeof(out->group), "0x%04x",
		    (unsigned)nid & 0xffff);
		return;
	}
	/* TLS 1.2 DHE with the server's own parameters has no group name. */
	if (SSL_get_peer_tmp_key(ssl, &tmp) == 1 && tmp != NULL) {
		if (EVP_PKEY_get_base_id(tmp) == EVP_PKEY_DH)
			snprintf(out->group, sizeof(out->group), "DH %d",
			    EVP_PKEY_get_bits(tmp));
		EVP_PKEY_free(tmp);
	}
}

static void
fill_key(EVP_PKEY *pk, struct asy_tls_hello *out)
{
	char curve[64];
	const char *nist;
	size_t clen = 0;
	int id;

	out->cert_bits = EVP_PKEY_get_bits(pk);
	if (out->cert_bits < 0)
		out->cert_bits = 0;
	id = EVP_PKEY_get_base_id(pk);
	switch (id) {
	case EVP_PKEY_RSA:
		snprintf(out->cert_key, sizeof(out->cert_key), "RSA");
		return;
	case EVP_PKEY_RSA_PSS:
		snprintf(out->cert_key, sizeof(out->cert_key), "RSA-PSS");
		return;
	case EVP_PKEY_DSA:
		snprintf(out->cert_key, sizeof(out->cert_key), "DSA");
		return;
	case EVP_PKEY_ED25519:
		snprintf(out->cert_key, sizeof(out->cert_key), "Ed25519");
		return;
	case EVP_PKEY_ED448:
		snprintf(out->cert_key, sizeof(out->cert_key), "Ed448");
		return;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
		    &clen) != 1) {
			snprintf(out->cert_key, sizeof(out->cert_key), "EC");
			return;
		}
		nist = EC_curve_nid2nist(OBJ_txt2nid(curve));
		snprintf(out->cert_key, sizeof(out->cert_key), "EC %.28s",
		    nist != NULL ? nist : curve);
		copy_printable(out->cert_key, sizeof(out->cert_key),
		    out->cert_key, strlen(out->cert_key));
		return;
	default:
		if (OBJ_nid2sn(id) != NULL)
			copy_printable(out->cert_key, sizeof(out->cert_key),
			    OBJ_nid2sn(id), strlen(OBJ_nid2sn(id)));
		return;
	}
}

static void
fill_cert(SSL *ssl, struct asy_tls_hello *out)
{
	X509 *x = NULL;
	EVP_PKEY *pk;
	BIO *mem = NULL;
	const char *ln;
	char *data = NULL;
	long len;
	int nid;

	x = SSL_get1_peer_certificate(ssl);
	if (x == NULL)
		return;
	pk = X509_get0_pubkey(x);
	if (pk != NULL)
		fill_key(pk, out);
	nid = X509_get_signature_nid(x);
	ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	if (ln != NULL)
		copy_printable(out->cert_sig, sizeof(out->cert_sig), ln,
		    strlen(ln));
	mem = BIO_new(BIO_s_mem());
	if (mem == NULL)
		goto out;
	/* One line, bytes above 0x7f escaped; control bytes replaced below. */
	if (X509_NAME_print_ex(mem, X509_get_subject_name(x), 0,
	    XN_FLAG_ONELINE) < 0)
		goto out;
	len = BIO_get_mem_data(mem, &data);
	if (len > 0 && data != NULL)
		copy_printable(out->cert_subject, sizeof(out->cert_subject),
		    data, (size_t)len);
out:
	BIO_free(mem);
	X509_free(x);
}

static void
fill_hello(SSL *ssl, struct asy_tls_hello *out)
{
	const SSL_CIPHER *ciph = SSL_get_current_cipher(ssl);
	const char *v = SSL_get_version(ssl);

	if (v != NULL)
		copy_printable(out->version, sizeof(out->version), v,
		    strlen(v));
	if (ciph != NULL && SSL_CIPHER_get_name(ciph) != NULL)
		copy_printable(out->cipher, sizeof(out->cipher),
		    SSL_CIPHER_get_name(ciph),
		    strlen(SSL_CIPHER_get_name(ciph)));
	fill_group(ssl, out);
	fill_cert(ssl, out);
}

/* ---- one handshake ------------------------------------------------------- */

static const char *
version_name(int v)
{
	switch (v) {
	case SSL3_VERSION:
		return "SSLv3";
	case TLS1_VERSION:
		return "TLSv1";
	case TLS1_1_VERSION:
		return "TLSv1.1";
	case TLS1_2_VERSION:
		return "TLSv1.2";
	case TLS1_3_VERSION:
		return "TLSv1.3";
	default:
		return "this TLS version";
	}
}

/* "this OpenSSL cannot offer ..." for the probe p. */
static void
cannot_offer(const struct asy_tls_probe *p, char *why, size_t n)
{
	if (p->cipher_list != NULL)
		snprintf(why, n, "this OpenSSL cannot offer %s suites%s%s",
		    p->cipher_list, p->max_version != 0 ? " up to " : "",
		    p->max_version != 0 ? version_name(p->max_version) : "");
	else if (p->min_version != 0 && p->min_version == p->max_version)
		snprintf(why, n, "this OpenSSL cannot offer %s",
		    version_name(p->max_version));
	else if (p->ciphersuites != NULL)
		snprintf(why, n, "this OpenSSL cannot offer the TLS 1.3 "
		    "suites %s", p->ciphersuites);
	else
		snprintf(why, n, "this OpenSSL cannot offer these versions");
}

/* An SSL_CTX set up as p asks: 0, ASY_E_INPUT (why says), ASY_E_NOMEM. */
static int
make_ctx(const struct asy_tls_probe *p, SSL_CTX **out, char *why, size_t n)
{
	SSL_CTX *ctx;
	char *list = NULL;
	int r;

	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		snprintf(why, n, "out of memory");
		return ASY_E_NOMEM;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (p->legacy) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	}
	/* 0 means the library's lowest and highest, whatever the system
	 * configuration says. */
	if (SSL_CTX_set_min_proto_version(ctx, p->min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, p->max_version) != 1) {
		cannot_offer(p, why, n);
		r = ASY_E_INPUT;
		goto out;
	}
	if (p->cipher_list != NULL || p->legacy) {
		/* Legacy without a list: everything, anonymous suites last,
		 * NULL encryption after them. */
		list = asy_strdup_printf("%s%s",
		    p->cipher_list != NULL ? p->cipher_list :
		    "ALL:+aNULL:eNULL", p->legacy ? ":@SECLEVEL=0" : "");
		if (list == NULL) {
			snprintf(why, n, "out of memory");
			r = ASY_E_NOMEM;
			goto out;
		}
		if (SSL_CTX_set_cipher_list(ctx, list) != 1) {
			cannot_offer(p, why, n);
			r = ASY_E_INPUT;
			goto out;
		}
	}
	if (p->ciphersuites != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, p->ciphersuites) != 1) {
		cannot_offer(p, why, n);
		r = ASY_E_INPUT;
		goto out;
	}
	*out = ctx;
	ctx = NULL;
	r = 0;
out:
	ERR_clear_error();
	free(list);
	SSL_CTX_free(ctx);
	return r;
}

/* Can ssl offer anything at all (versions and suites together)? */
static int
can_offer(SSL *ssl)
{
	STACK_OF(SSL_CIPHER) *sk;
	int n;

	sk = SSL_get1_supported_ciphers(ssl);
	n = sk != NULL ? sk_SSL_CIPHER_num(sk) : 0;
	sk_SSL_CIPHER_free(sk);
	ERR_clear_error();
	return n > 0;
}

/* OpenSSL's reasons for giving up after the ServerHello because the
 * server chose what was not offered: the server refused the offer. */
static const int unoffered[] = {
	SSL_R_UNSUPPORTED_PROTOCOL,
	SSL_R_WRONG_SSL_VERSION,
	SSL_R_VERSION_TOO_LOW,
	SSL_R_VERSION_TOO_HIGH,
	SSL_R_WRONG_CIPHER_RETURNED,
	SSL_R_UNKNOWN_CIPHER_RETURNED,
	SSL_R_WRONG_CURVE,
};

/* And because of this OpenSSL's own limits (a SHA-1 signature, a small
 * key): the server accepted, but the handshake cannot be finished here. */
static const int own_limits[] = {
	SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED,
	SSL_R_DH_KEY_TOO_SMALL,
	SSL_R_EE_KEY_TOO_SMALL,
	SSL_R_CA_KEY_TOO_SMALL,
	SSL_R_CA_MD_TOO_WEAK,
	SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM,
};

static int
reason_in(int reason, const int *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == reason)
			return 1;
	return 0;
}

/*
 * Why a handshake stopped (err from SSL_get_error(), e the errno after the
 * call): 0 the server refused (an alert, what was not offered, a close),
 * ASY_E_INPUT this OpenSSL cannot finish what the server chose,
 * ASY_E_PROTO the peer does not speak TLS, ASY_E_IO.  why filled.
 */
static int
failed(SSL *ssl, BIO *bio, const struct hs_seen *seen, int err, int e,
    char *why, size_t n)
{
	unsigned long code = ERR_peek_last_error();
	int reason = ERR_GET_LIB(code) == ERR_LIB_SSL ? ERR_GET_REASON(code) :
	    0;

	if (seen->alert > 0) {
		snprintf(why, n, "alert %s",
		    SSL_alert_desc_string_long(seen->alert - 1));
		return 0;
	}
	if (seen->hello && err == SSL_ERROR_SSL &&
	    reason_in(reason, own_limits, ASY_ELEMENTSOF(own_limits))) {
		snprintf(why, n, "this OpenSSL cannot finish what the server "
		    "chose (%s): %s", SSL_get_version(ssl), last_ssl_reason());
		return ASY_E_INPUT;
	}
	if (seen->hello && err == SSL_ERROR_SSL) {
		snprintf(why, n, "%s%s", reason_in(reason, unoffered,
		    ASY_ELEMENTSOF(unoffered)) ? "the server chose what was "
		    "not offered: " : "", last_ssl_reason());
		return 0;
	}
	if (seen->hello) {
		snprintf(why, n, "closed during handshake");
		return 0;
	}
	/* Not one byte came: the peer closed or reset at once. */
	if (BIO_number_read(bio) == 0 && (err != SSL_ERROR_SYSCALL || e == 0 ||
	    e == ECONNRESET || e == EPIPE)) {
		snprintf(why, n, "closed during handshake");
		return 0;
	}
	if (err == SSL_ERROR_SYSCALL) {
		snprintf(why, n, "%s", e != 0 ? strerror(e) :
		    "closed during handshake");
		return e != 0 ? ASY_E_IO : 0;
	}
	/* Bytes came, but no TLS alert and no ServerHello. */
	snprintf(why, n, "not TLS: %s", last_ssl_reason());
	return ASY_E_PROTO;
}

/*
 * asy_tls_hello() with what the peer did in *seen and the connections made
 * in *conns (0 or 1).  Additional return value: ASY_E_PROTO when the peer
 * answered with something that is not TLS.
 */
static int
hello_run(const struct asy_tls_probe *p, struct asy_tls_hello *out,
    struct hs_seen *seen, unsigned *conns)
{
	unsigned long timeout_ms = p->timeout_ms;
	long long deadline;
	struct asy_conn *c = NULL;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	BIO *bio = NULL;
	int r, fd;

	memset(out, 0, sizeof(*out));
	memset(seen, 0, sizeof(*seen));
	*conns = 0;
	if (timeout_ms > MAX_TIMEOUT_MS)
		timeout_ms = MAX_TIMEOUT_MS;
	deadline = asy_now_ms() + (long long)timeout_ms;
	r = make_ctx(p, &ctx, out->why, sizeof(out->why));
	if (r < 0)
		goto out;
	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		snprintf(out->why, sizeof(out->why), "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	/* Versions and suites that leave nothing to offer: say so without
	 * bothering the peer. */
	if (!can_offer(ssl)) {
		cannot_offer(p, out->why, sizeof(out->why));
		r = ASY_E_INPUT;
		goto out;
	}
	r = asy_conn_open(p->addr, p->port, 0, timeout_ms, &c, out->why,
	    sizeof(out->why));
	if (r < 0)
		goto out;
	*conns = 1;
	fd = asy_conn_fd(c);
	bio = asy_conn_bio_new(fd);
	if (bio == NULL) {
		snprintf(out->why, sizeof(out->why), "out of memory");
		r = ASY_E_NOMEM;
		goto out;
	}
	SSL_set_bio(ssl, bio, bio);
	SSL_set_connect_state(ssl);
	SSL_set_msg_callback(ssl, msg_cb);
	SSL_set_msg_callback_arg(ssl, seen);
	for (;;) {
		struct pollfd pfd;
		long long left;
		int ret, err, e;

		ERR_clear_error();
		errno = 0;
		ret = SSL_connect(ssl);
		if (ret == 1)
			break;
		e = errno;
		err = SSL_get_error(ssl, ret);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			r = failed(ssl, bio, seen, err, e, out->why,
			    sizeof(out->why));
			goto out;
		}
		left = deadline - asy_now_ms();
		if (left <= 0) {
			snprintf(out->why, sizeof(out->why),
			    "no answer within %lu ms", timeout_ms);
			r = ASY_E_TIMEOUT;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		ret = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (ret < 0 && errno != EINTR) {
			snprintf(out->why, sizeof(out->why), "poll: %s",
			    strerror(errno));
			r = ASY_E_IO;
			goto out;
		}
	}
	fill_hello(ssl, out);
	/* One try at close_notify; the peer may be gone already. */
	ERR_clear_error();
	SSL_shutdown(ssl);
	r = 1;
out:
	if (r != 1)
		asy_debug("%s port %u: %s", p->addr != NULL ? p->addr :
		    "(null)", p->port, out->why);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	asy_conn_close(c);
	ERR_clear_error();
	return r;
}

int
asy_tls_hello(const struct asy_tls_probe *p, struct asy_tls_hello *out)
{
	struct hs_seen seen;
	unsigned conns;

	return hello_run(p, out, &seen, &conns);
}

int
asy_tls_speaks(const char *addr, unsigned port, unsigned long timeout_ms)
{
	struct asy_tls_probe p = {
		.addr = addr,
		.port = port,
		.timeout_ms = timeout_ms,
		.legacy = 1,
	};
	struct asy_tls_hello h;
	struct hs_seen seen;
	unsigned conns;
	int r;

	r = hello_run(&p, &h, &seen, &conns);
	if (r == 1 || seen.hello || seen.alert)
		return 1;
	if (r == 0 || r == ASY_E_PROTO)
		return 0;
	return r;
}

const char *
asy_tls_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/* ---- the survey ---------------------------------------------------------- */

static const struct attempt_def {
	const char	*what;
	int		 weak;
	int		 min, max;
	const char	*ciphers;	/* TLS 1.2 and below */
	int		 version;	/* a version attempt: list it in
					   "versions" when accepted */
} attempts[] = {
	{ "SSLv3 only", 1, SSL3_VERSION, SSL3_VERSION, NULL, 1 },
	{ "TLS 1.0 only", 1, TLS1_VERSION, TLS1_VERSION, NULL, 1 },
	{ "TLS 1.1 only", 1, TLS1_1_VERSION, TLS1_1_VERSION, NULL, 1 },
	{ "TLS 1.2 only", 0, TLS1_2_VERSION, TLS1_2_VERSION, NULL, 1 },
	{ "TLS 1.3 only", 0, TLS1_3_VERSION, TLS1_3_VERSION, NULL, 1 },
	{ "RC4 suites only", 1, 0, TLS1_2_VERSION, "RC4", 0 },
	{ "3DES suites only", 1, 0, TLS1_2_VERSION, "3DES", 0 },
	{ "NULL encryption suites only", 1, 0, TLS1_2_VERSION, "eNULL", 0 },
	{ "EXPORT suites only", 1, 0, TLS1_2_VERSION, "EXPORT", 0 },
	{ "anonymous (aNULL) suites only", 1, 0, TLS1_2_VERSION, "aNULL", 0 },
	{ "static RSA key exchange only (no forward secrecy)", 1, 0,
	    TLS1_2_VERSION, "kRSA", 0 },
	{ "CBC suites with SHA-1 MACs only", 1, 0, TLS1_2_VERSION,
	    "SHA1+CBC", 0 },
};

/* After this many attempts in a row that could not connect, give up. */
#define MAX_SILENT	2

void
asy_tls_survey_free(struct asy_tls_survey *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_att; i++) {
		free(s->att[i].what);
		free(s->att[i].detail);
	}
	free(s->att);
	free(s->versions);
	free(s);
}

int
asy_tls_survey(const char *addr, unsigned port, unsigned long timeout_ms,
    unsigned max_handshakes, struct asy_tls_survey **out)
{
	struct asy_tls_probe p = {
		.addr = addr,
		.port = port,
		.timeout_ms = timeout_ms,
	};
	struct asy_tls_survey *s = NULL;
	struct asy_buf versions;
	struct asy_tls_hello h;
	struct hs_seen seen;
	const char *stop = NULL;
	unsigned conns;
	int r, silent = 0;

	asy_buf_init(&versions, 256);
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	s->att = calloc(ASY_ELEMENTSOF(attempts), sizeof(*s->att));
	if (s->att == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	/* What a default client gets. */
	r = hello_run(&p, &s->best, &seen, &conns);
	s->handshakes += conns;
	if (r == ASY_E_NOMEM)
		goto out;
	s->reachable = r == 1;
	if (r != 1 && !seen.hello && !seen.alert) {
		/* Nothing more to learn from a peer that does not speak TLS
		 * or did not answer. */
		r = 0;
		goto done;
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(attempts); i++) {
		const struct attempt_def *d = &attempts[i];
		struct asy_tls_attempt *a = &s->att[s->n_att];
		char *detail;

		a->what = asy_strdup(d->what);
		if (a->what == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		s->n_att++;
		a->weak = d->weak;
		a->result = -1;
		if (stop == NULL && max_handshakes != 0 &&
		    s->handshakes >= max_handshakes)
			stop = "not tried: the limit of handshakes was reached";
		if (stop != NULL) {
			a->detail = asy_strdup(stop);
			if (a->detail == NULL) {
				r = ASY_E_NOMEM;
				goto out;
			}
			continue;
		}
		p.min_version = d->min;
		p.max_version = d->max;
		p.cipher_list = d->ciphers;
		p.legacy = 1;
		r = hello_run(&p, &h, &seen, &conns);
		s->handshakes += conns;
		if (r == ASY_E_NOMEM)
			goto out;
		if (r == 1) {
			a->result = 1;
			detail = asy_strdup_printf("%s %s", h.version,
			    h.cipher);
			if (d->version && versions.len > 0)
				r = asy_buf_putc(&versions, ' ');
			if (d->version && r >= 0)
				r = asy_buf_puts(&versions, h.version);
			if (r == ASY_E_NOMEM) {
				free(detail);
				goto out;
			}
		} else if (r == 0 || r == ASY_E_PROTO) {
			a->result = 0;
			detail = asy_strdup(h.why);
		} else if (r == ASY_E_INPUT) {
			detail = asy_strdup(h.why);
		} else {
			detail = asy_strdup_printf("not tried: %s", h.why);
		}
		if (detail == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		a->detail = detail;
		if (r == ASY_E_REFUSED || r == ASY_E_TIMEOUT || r == ASY_E_IO)
			silent++;
		else if (conns > 0)
			silent = 0;
		if (silent >= MAX_SILENT)
			stop = "not tried: the service stopped answering";
	}
	r = 0;
done:
	s->versions = asy_buf_steal(&versions);
	if (s->versions == NULL) {
		s->versions = asy_strdup("");
		if (s->versions == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	*out = s;
	s = NULL;
out:
	asy_buf_release(&versions);
	asy_tls_survey_free(s);
	return r;
}
