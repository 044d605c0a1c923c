/*
 * The TLS adapter (harness/tlsc.c), on loopback only.
 *
 * Real servers: openssl s_server on 127.0.0.1 in four flavours, each with
 * a key and self-signed certificate made for the test, started with a
 * deadline (120 s) and killed at the end of the test (and with the test
 * process if that dies): "weak" (RSA 1024, TLS 1.0 to 1.3, every suite at
 * security level 0), "strong" (EC P-256, TLS 1.2 and later, ECDHE-ECDSA
 * with AEAD only), "odd" (EC P-384, a subject with an escape sequence,
 * markup and more than 256 characters) and "ed" (Ed25519).
 *
 * asy_tls_survey: the weak server shows TLS 1.0 and 1.1 accepted and
 * flagged weak, the weak suite classes it takes, RSA 1024; the strong one
 * only TLS 1.2 and 1.3, no weak attempt accepted, EC P-256 with
 * ecdsa-with-SHA256; classes this OpenSSL lacks (checked here) are -1 with
 * "this OpenSSL cannot offer"; the handshake budget.  asy_tls_hello: a
 * table of probes (versions, suite lists, TLS 1.3 suites, legacy on and
 * off, what cannot be offered) and what they give.  Fake servers (threads
 * of this test): HTTP and markup answers, 1 MiB of garbage, a record
 * header announcing more than TLS allows, a lone alert, a close, a reset,
 * silence, a full listen queue, a closed port; each bounded in time, and
 * a survey of a service that does not speak TLS stops after one
 * handshake.
 */
#include <check.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "tlsc.h"
#include "ut.h"

#include "fakesrv.h"

/* ---- TLS against openssl s_server ---------------------------------------- */

#define STEPS(a)	(a), ASY_ELEMENTSOF(a)

/* ---- openssl s_server flavours ------------------------------------------- */

#define LONG_OU	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const struct flavour {
	const char	*name;
	const char	*newkey[4];	/* openssl req arguments */
	const char	*subj;
	const char	*extra[8];	/* s_server arguments */
} flavours[] = {
	{ "weak", { "-newkey", "rsa:1024" }, "/CN=weak.test/O=Assay Lab",
	    { "-cipher", "ALL:@SECLEVEL=0", "-min_protocol", "TLSv1" } },
	{ "strong", { "-newkey", "ec", "-pkeyopt",
	    "ec_paramgen_curve:P-256" }, "/CN=strong.test",
	    { "-cipher", "ECDHE+aECDSA+AESGCM:ECDHE+aECDSA+CHACHA20",
	    "-min_protocol", "TLSv1.2" } },
	{ "odd", { "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384" },
	    "/CN=odd\x1b[31m<b>&\"'/OU=" LONG_OU "/OU=" LONG_OU "/OU=" LONG_OU
	    "/OU=" LONG_OU "/OU=" LONG_OU, { NULL } },
	{ "ed", { "-newkey", "ed25519" }, "/CN=ed.test", { NULL } },
};

enum { WEAK, STRONG, ODD, ED };

/* Start flavour fl; 0, or -1 with the reason printed (then the caller
 * passes: the machine lacks openssl or it does not start). */
static int
tls_server(struct server *s, int fl)
{
	const struct flavour *f = &flavours[fl];
	char *openssl = which("openssl");
	char *key = NULL, *crt = NULL, *out = NULL;
	char *argv[32];
	size_t argc = 0;
	int r = -1;

	memset(s, 0, sizeof(*s));
	if (openssl == NULL) {
		printf("# skip: no openssl program\n");
		return -1;
	}
	s->dir = ut_tmpdir();
	s->log = asy_path_join(s->dir, "s_server.log");
	key = asy_path_join(s->dir, "key.pem");
	crt = asy_path_join(s->dir, "cert.pem");
	out = asy_path_join(s->dir, "req.out");
	argv[argc++] = openssl;
	argv[argc++] = "req";
	argv[argc++] = "-x509";
	for (size_t i = 0; i < ASY_ELEMENTSOF(f->newkey); i++)
		if (f->newkey[i] != NULL)
			argv[argc++] = (char *)f->newkey[i];
	argv[argc++] = "-nodes";
	argv[argc++] = "-keyout";
	argv[argc++] = key;
	argv[argc++] = "-out";
	argv[argc++] = crt;
	argv[argc++] = "-days";
	argv[argc++] = "2";
	argv[argc++] = "-subj";
	argv[argc++] = (char *)f->subj;
	argv[argc] = NULL;
	if (ut_spawn(argv, out, out, 20000) != 0) {
		printf("# openssl req failed for %s, see %s\n", f->name, out);
		goto out;
	}
	argc = 0;
	argv[argc++] = openssl;
	argv[argc++] = "s_server";
	argv[argc++] = "-accept";
	argv[argc++] = "PORT";
	argv[argc++] = "-cert";
	argv[argc++] = crt;
	argv[argc++] = "-key";
	argv[argc++] = key;
	argv[argc++] = "-www";
	for (size_t i = 0; i < ASY_ELEMENTSOF(f->extra); i++)
		if (f->extra[i] != NULL)
			argv[argc++] = (char *)f->extra[i];
	r = server_start(s, argv, argc);
out:
	free(key);
	free(crt);
	free(out);
	free(openssl);
	return r;
}

static void
tls_server_free(struct server *s)
{
	server_stop(s);
	free(s->log);
	free(s->dir);
}

/* Can this OpenSSL offer the suite class cls with TLS 1.2 or below? */
static int
offerable(const char *cls)
{
	char list[128];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	STACK_OF(SSL_CIPHER) *sk;
	int n = 0;

	ck_assert_ptr_nonnull(ctx);
	snprintf(list, sizeof(list), "%s:@SECLEVEL=0", cls);
	SSL_CTX_set_security_level(ctx, 0);
	ck_assert_int_eq(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION),
	    1);
	if (SSL_CTX_set_cipher_list(ctx, list) == 1) {
		ssl = SSL_new(ctx);
		ck_assert_ptr_nonnull(ssl);
		sk = SSL_get1_supported_ciphers(ssl);
		n = sk != NULL ? sk_SSL_CIPHER_num(sk) : 0;
		sk_SSL_CIPHER_free(sk);
		SSL_free(ssl);
	}
	SSL_CTX_free(ctx);
	return n > 0;
}

/* ---- asy_tls_survey against real servers --------------------------------- */

#ifdef OPENSSL_NO_SSL3
#define SSL3_RESULT	(-1)
#define SSL3_HELLO	ASY_E_INPUT
#else
#define SSL3_RESULT	0
#define SSL3_HELLO	0
#endif
/* Accepted by the weak server when this OpenSSL can offer it. */
#define IF_OFFERABLE	2

static const struct want_att {
	const char	*what;
	const char	*cls;		/* the suite class, for IF_OFFERABLE */
	int		 weak;
	int		 on_weak;	/* result on each server */
	int		 on_strong;
} want_att[] = {
	{ "SSLv3 only", NULL, 1, SSL3_RESULT, SSL3_RESULT },
	{ "TLS 1.0 only", NULL, 1, 1, 0 },
	{ "TLS 1.1 only", NULL, 1, 1, 0 },
	{ "TLS 1.2 only", NULL, 0, 1, 1 },
	{ "TLS 1.3 only", NULL, 0, 1, 1 },
	{ "RC4 suites only", "RC4", 1, IF_OFFERABLE, IF_OFFERABLE },
	{ "3DES suites only", "3DES", 1, IF_OFFERABLE, IF_OFFERABLE },
	/* s_server's ALL leaves out eNULL. */
	{ "NULL encryption suites only", "eNULL", 1, 0, 0 },
	{ "EXPORT suites only", "EXPORT", 1, IF_OFFERABLE, IF_OFFERABLE },
	{ "anonymous (aNULL) suites only", "aNULL", 1, 1, 0 },
	{ "static RSA key exchange only (no forward secrecy)", "kRSA", 1, 1,
	    0 },
	{ "CBC suites with SHA-1 MACs only", "SHA1+CBC", 1, 1, 0 },
};

static void
check_attempts(const struct asy_tls_survey *s, int strong)
{
	unsigned tried = 1;

	ck_assert_uint_eq(s->n_att, ASY_ELEMENTSOF(want_att));
	for (size_t i = 0; i < s->n_att; i++) {
		const struct want_att *w = &want_att[i];
		const struct asy_tls_attempt *a = &s->att[i];
		int want = strong ? w->on_strong : w->on_weak;

		if (want == IF_OFFERABLE)
			want = !offerable(w->cls) ? -1 : strong ? 0 : 1;
		ck_assert_str_eq(a->what, w->what);
		ck_assert_int_eq(a->weak, w->weak);
		ck_assert_ptr_nonnull(a->detail);
		ck_assert_msg(a->result == want, "%s: %d (%s), want %d",
		    a->what, a->result, a->detail, want);
		if (a->result == -1)
			ck_assert_msg(strncmp(a->detail,
			    "this OpenSSL cannot offer ", 26) == 0, "%s: %s",
			    a->what, a->detail);
		else
			tried++;
		if (a->result == 0)
			ck_assert_msg(strncmp(a->detail, "alert ", 6) == 0,
			    "%s: %s", a->what, a->detail);
		if (a->result == 1)
			ck_assert_msg(strncmp(a->detail, "TLSv1", 5) == 0,
			    "%s: %s", a->what, a->detail);
		/* The whole point: a strong service takes nothing weak. */
		if (strong && a->weak)
			ck_assert_int_ne(a->result, 1);
	}
	ck_assert_uint_eq(s->handshakes, tried);
}

START_TEST(test_survey_weak)
{
	struct asy_tls_survey *s = NULL;
	struct server srv;

	if (tls_server(&srv, WEAK) < 0)
		return;
	ck_assert_int_eq(asy_tls_survey("127.0.0.1", srv.port, 5000, 0, &s),
	    0);
	ck_assert_int_eq(s->reachable, 1);
	ck_assert_str_eq(s->versions, "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3");
	ck_assert_str_eq(s->best.version, "TLSv1.3");
	ck_assert_str_eq(s->best.cert_key, "RSA");
	ck_assert_int_eq(s->best.cert_bits, 1024);
	ck_assert_str_eq(s->best.cert_sig, "sha256WithRSAEncryption");
	ck_assert_str_eq(s->best.cert_subject, "CN = weak.test, O = Assay Lab");
	ck_assert_str_eq(s->best.why, "");
	ck_assert_str_eq(s->att[1].detail, "TLSv1 ECDHE-RSA-AES256-SHA");
	check_attempts(s, 0);
	asy_tls_survey_free(s);
	tls_server_free(&srv);
}
END_TEST

START_TEST(test_survey_strong)
{
	struct asy_tls_survey *s = NULL;
	struct server srv;

	if (tls_server(&srv, STRONG) < 0)
		return;
	ck_assert_int_eq(asy_tls_survey("127.0.0.1", srv.port, 5000, 0, &s),
	    0);
	ck_assert_int_eq(s->reachable, 1);
	ck_assert_str_eq(s->versions, "TLSv1.2 TLSv1.3");
	ck_assert_str_eq(s->best.version, "TLSv1.3");
	ck_assert_str_eq(s->best.group, "X25519");
	ck_assert_str_eq(s->best.cert_key, "EC P-256");
	ck_assert_int_eq(s->best.cert_bits, 256);
	ck_assert_str_eq(s->best.cert_sig, "ecdsa-with-SHA256");
	ck_assert_str_eq(s->best.cert_subject, "CN = strong.test");
	ck_assert_str_eq(s->att[1].detail, "alert protocol version");
	ck_assert_str_eq(s->att[2].detail, "alert protocol version");
	check_attempts(s, 1);
	asy_tls_survey_free(s);
	tls_server_free(&srv);
}
END_TEST

/* The budget: max_handshakes connections at most, the rest not tried. */
static const unsigned budgets[] = { 1, 3, 6 };

START_TEST(test_survey_budget)
{
	struct asy_tls_survey *s = NULL;
	struct server srv;
	unsigned max = budgets[_i], tried = 1;
	int limited = 0;

	if (tls_server(&srv, WEAK) < 0)
		return;
	ck_assert_int_eq(asy_tls_survey("127.0.0.1", srv.port, 5000, max, &s),
	    0);
	ck_assert_int_eq(s->reachable, 1);
	ck_assert_uint_eq(s->handshakes, max);
	ck_assert_uint_eq(s->n_att, ASY_ELEMENTSOF(want_att));
	for (size_t i = 0; i < s->n_att; i++) {
		int lim = strcmp(s->att[i].detail, "not tried: the limit of "
		    "handshakes was reached") == 0;

		/* Once the limit is reached, every later attempt is
		 * limited. */
		ck_assert_int_ge(lim, limited);
		limited = lim;
		if (lim)
			ck_assert_int_eq(s->att[i].result, -1);
		if (s->att[i].result != -1)
			tried++;
	}
	ck_assert_int_eq(limited, 1);
	ck_assert_uint_eq(tried, max);
	asy_tls_survey_free(s);
	tls_server_free(&srv);
}
END_TEST

/* ---- asy_tls_hello against real servers ---------------------------------- */

static const struct hello_case {
	int		 fl;
	int		 min, max;
	const char	*ciphers;
	const char	*suites;
	int		 legacy;
	int		 want;
	const char	*version;	/* or why (a prefix), when
					   want < 1 */
	const char	*cipher;	/* prefix, or NULL */
	const char	*group;		/* prefix, or NULL */
} hellos[] = {
	{ WEAK, 0, 0, NULL, NULL, 0, 1, "TLSv1.3", "TLS_", "X25519" },
	{ WEAK, TLS1_VERSION, TLS1_VERSION, NULL, NULL, 1, 1, "TLSv1",
	    "ECDHE-RSA-", "X25519" },
	/* Without legacy, OpenSSL 3 offers TLS 1.0 but will not take the
	 * server's SHA-1 signature: not the server refusing. */
	{ WEAK, TLS1_VERSION, TLS1_VERSION, NULL, NULL, 0, ASY_E_INPUT,
	    "this OpenSSL cannot finish what the server chose (TLSv1): ", NULL,
	    NULL },
	{ WEAK, TLS1_1_VERSION, TLS1_1_VERSION, NULL, NULL, 1, 1, "TLSv1.1",
	    NULL, NULL },
	{ WEAK, 0, TLS1_2_VERSION, "kRSA", NULL, 1, 1, "TLSv1.2", "AES",
	    "" },
	{ WEAK, 0, TLS1_2_VERSION, "ECDHE-RSA-AES128-SHA", NULL, 1, 1,
	    "TLSv1.2", "ECDHE-RSA-AES128-SHA", NULL },
	{ WEAK, 0, TLS1_2_VERSION, "DHE-RSA-AES128-GCM-SHA256", NULL, 1, 1,
	    "TLSv1.2", "DHE-RSA-AES128-GCM-SHA256", NULL },
	{ WEAK, TLS1_3_VERSION, 0, NULL, "TLS_CHACHA20_POLY1305_SHA256", 0, 1,
	    "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", NULL },
	{ WEAK, TLS1_3_VERSION, 0, NULL, "TLS_NO_SUCH_SUITE", 0, ASY_E_INPUT,
	    "this OpenSSL cannot offer the TLS 1.3 suites TLS_NO_SUCH_SUITE",
	    NULL, NULL },
	{ WEAK, 0, 0, "NO-SUCH-CIPHER", NULL, 1, ASY_E_INPUT,
	    "this OpenSSL cannot offer NO-SUCH-CIPHER suites", NULL, NULL },
	{ WEAK, SSL3_VERSION, SSL3_VERSION, NULL, NULL, 1, SSL3_HELLO,
	    SSL3_HELLO < 0 ? "this OpenSSL cannot offer SSLv3" :
	    "alert protocol version", NULL, NULL },
	/* TLS 1.3 suites cannot be named in the TLS 1.2 list. */
	{ WEAK, TLS1_2_VERSION, TLS1_2_VERSION, "TLS_AES_128_GCM_SHA256",
	    NULL, 1, ASY_E_INPUT, "this OpenSSL cannot offer "
	    "TLS_AES_128_GCM_SHA256 suites up to TLSv1.2", NULL, NULL },
	{ STRONG, 0, 0, NULL, NULL, 0, 1, "TLSv1.3", "TLS_", "X25519" },
	{ STRONG, 0, TLS1_2_VERSION, NULL, NULL, 0, 1, "TLSv1.2",
	    "ECDHE-ECDSA-", "X25519" },
	{ STRONG, 0, TLS1_1_VERSION, NULL, NULL, 1, 0,
	    "alert protocol version", NULL, NULL },
	{ STRONG, 0, TLS1_2_VERSION, "kRSA", NULL, 1, 0,
	    "alert handshake failure", NULL, NULL },
	{ STRONG, 0, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA", NULL, 1, 0,
	    "alert handshake failure", NULL, NULL },
};

START_TEST(test_hello)
{
	const struct hello_case *h = &hellos[_i];
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.timeout_ms = 5000,
		.min_version = h->min,
		.max_version = h->max,
		.cipher_list = h->ciphers,
		.ciphersuites = h->suites,
		.legacy = h->legacy,
	};
	struct asy_tls_hello out;
	struct server srv;
	int r;

	if (tls_server(&srv, h->fl) < 0)
		return;
	p.port = srv.port;
	memset(&out, 0x5a, sizeof(out));
	r = asy_tls_hello(&p, &out);
	ck_assert_msg(r == h->want, "case %d: %d (%s), want %d", _i, r,
	    out.why, h->want);
	if (r == 1) {
		ck_assert_str_eq(out.version, h->version);
		ck_assert_str_eq(out.why, "");
		if (h->cipher != NULL)
			ck_assert_msg(strncmp(out.cipher, h->cipher,
			    strlen(h->cipher)) == 0, "cipher %s", out.cipher);
		if (h->group != NULL && *h->group == '\0')
			ck_assert_str_eq(out.group, "");
		else if (h->group != NULL)
			ck_assert_str_eq(out.group, h->group);
		ck_assert_str_eq(out.cert_key, h->fl == WEAK ? "RSA" :
		    "EC P-256");
	} else {
		ck_assert_msg(strncmp(out.why, h->version,
		    strlen(h->version)) == 0, "why: %s", out.why);
		ck_assert_str_eq(out.version, "");
		ck_assert_str_eq(out.cipher, "");
	}
	tls_server_free(&srv);
}
END_TEST

/* Static RSA and DHE without a named group: no group, or "DH <bits>". */
START_TEST(test_hello_dh)
{
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.timeout_ms = 5000,
		.max_version = TLS1_2_VERSION,
		.cipher_list = "DHE-RSA-AES128-GCM-SHA256",
		.legacy = 1,
	};
	struct asy_tls_hello out;
	struct server srv;

	if (tls_server(&srv, WEAK) < 0)
		return;
	p.port = srv.port;
	ck_assert_int_eq(asy_tls_hello(&p, &out), 1);
	ck_assert_msg(strncmp(out.group, "DH ", 3) == 0 ||
	    strncmp(out.group, "ffdhe", 5) == 0, "group %s", out.group);
	tls_server_free(&srv);
}
END_TEST

/* Certificates: EC P-384 with a hostile subject, Ed25519. */
START_TEST(test_hello_certs)
{
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.timeout_ms = 5000,
	};
	struct asy_tls_hello out;
	struct server srv;

	if (tls_server(&srv, ODD) < 0)
		return;
	p.port = srv.port;
	ck_assert_int_eq(asy_tls_hello(&p, &out), 1);
	ck_assert_str_eq(out.cert_key, "EC P-384");
	ck_assert_int_eq(out.cert_bits, 384);
	ck_assert_str_eq(out.cert_sig, "ecdsa-with-SHA256");
	/* One line, cut at the field's size, nothing but printable
	 * ASCII. */
	ck_assert_uint_eq(strlen(out.cert_subject),
	    sizeof(out.cert_subject) - 1);
	for (const char *c = out.cert_subject; *c != '\0'; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f, "byte %02x",
		    (unsigned char)*c);
	ck_assert_msg(strncmp(out.cert_subject, "CN = \"odd\\1B[31m<b>&", 20)
	    == 0, "%s", out.cert_subject);
	tls_server_free(&srv);

	if (tls_server(&srv, ED) < 0)
		return;
	p.port = srv.port;
	ck_assert_int_eq(asy_tls_hello(&p, &out), 1);
	ck_assert_str_eq(out.cert_key, "Ed25519");
	ck_assert_int_eq(out.cert_bits, 256);
	ck_assert_str_eq(out.cert_sig, "ED25519");
	ck_assert_str_eq(out.cert_subject, "CN = ed.test");
	ck_assert_int_eq(asy_tls_speaks("127.0.0.1", srv.port, 5000), 1);
	tls_server_free(&srv);
}
END_TEST

/* ---- services that are not TLS, or not there ----------------------------- */

static const struct fstep st_http[] = {
	READ(1),
	SEND("HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\n\r\n"
	    "<html><body>Bad Request</body></html>\r\n"),
	CLOSE,
};
static const struct fstep st_banner[] = {
	SEND("SSH-2.0-dropbear_2022.83\r\n"),
};
static const struct fstep st_markup[] = {
	READ(1),
	SEND("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
	    "<x>&a;&a;&a;</x>"),
	CLOSE,
};
static const struct fstep st_garbage[] = {
	BULK(1 << 20),
};
/* A handshake record header announcing 65535 bytes, then garbage. */
static const struct fstep st_huge_record[] = {
	READ(1), SENDN("\x16\x03\x03\xff\xff", 5), BULK(70000),
};
/* A handshake record of 16 KiB that holds no handshake message. */
static const struct fstep st_bad_record[] = {
	READ(1), SENDN("\x16\x03\x03\x40\x00", 5), BULK(16384),
};
/* A lone fatal alert: TLS, refusing. */
static const struct fstep st_alert[] = {
	READ(1), SENDN("\x15\x03\x03\x00\x02\x02\x28", 7), CLOSE,
};
static const struct fstep st_close[] = {
	CLOSE,
};
static const struct fstep st_reset[] = {
	READ(1), RESET,
};
static const struct fstep st_silent[] = {
	PAUSE(1),
};
/* A record header, then one byte every 5 ms: slower than any deadline. */
static const struct fstep st_trickle[] = {
	READ(1), SENDN("\x16\x03\x03\x40\x00", 5), TRICKLE(10000),
};

static const struct hostile_case {
	const char		*name;
	const struct fstep	*steps;
	size_t			 n_steps;
	unsigned long		 timeout_ms;
	int			 hello;		/* asy_tls_hello */
	const char		*why;		/* its why, a prefix */
	int			 speaks;	/* asy_tls_speaks */
	int			 surveyed;	/* attempts made after the
						   default handshake */
} hostiles[] = {
	{ "HTTP 400", STEPS(st_http), 3000, ASY_E_PROTO, "not TLS: ", 0, 0 },
	{ "SSH banner", STEPS(st_banner), 3000, ASY_E_PROTO, "not TLS: ", 0,
	    0 },
	{ "markup", STEPS(st_markup), 3000, ASY_E_PROTO, "not TLS: ", 0, 0 },
	{ "1 MiB of garbage", STEPS(st_garbage), 3000, ASY_E_PROTO,
	    "not TLS: ", 0, 0 },
	{ "record too long", STEPS(st_huge_record), 3000, ASY_E_PROTO,
	    "not TLS: ", 0, 0 },
	{ "record of garbage", STEPS(st_bad_record), 3000, ASY_E_PROTO,
	    "not TLS: ", 0, 0 },
	{ "a lone alert", STEPS(st_alert), 3000, 0,
	    "alert handshake failure", 1, 1 },
	{ "closed at once", STEPS(st_close), 3000, 0,
	    "closed during handshake", 0, 0 },
	{ "reset", STEPS(st_reset), 3000, 0, "closed during handshake", 0,
	    0 },
	{ "silent", STEPS(st_silent), 500, ASY_E_TIMEOUT,
	    "no answer within 500 ms", ASY_E_TIMEOUT, 0 },
	{ "trickle", STEPS(st_trickle), 500, ASY_E_TIMEOUT,
	    "no answer within 500 ms", ASY_E_TIMEOUT, 0 },
};

START_TEST(test_hostile)
{
	const struct hostile_case *h = &hostiles[_i];
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.timeout_ms = h->timeout_ms,
		.legacy = 1,
	};
	struct asy_tls_survey *s = NULL;
	struct asy_tls_hello out;
	long long t0, dt;
	struct fake f;
	int r;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", h->steps, h->n_steps, 0),
	    0);
	p.port = f.port;
	t0 = ut_now_ms();
	r = asy_tls_hello(&p, &out);
	dt = ut_now_ms() - t0;
	ck_assert_msg(r == h->hello, "%s: %d (%s)", h->name, r, out.why);
	ck_assert_msg(strncmp(out.why, h->why, strlen(h->why)) == 0,
	    "%s: %s", h->name, out.why);
	ck_assert_msg(dt < (long long)h->timeout_ms + 1000, "%s: %lld ms",
	    h->name, dt);
	if (r == ASY_E_TIMEOUT)
		ck_assert_int_ge(dt, (long long)h->timeout_ms);
	ck_assert_str_eq(out.version, "");

	ck_assert_int_eq(asy_tls_speaks("127.0.0.1", f.port, h->timeout_ms),
	    h->speaks);

	t0 = ut_now_ms();
	ck_assert_int_eq(asy_tls_survey("127.0.0.1", f.port, h->timeout_ms, 0,
	    &s), 0);
	dt = ut_now_ms() - t0;
	ck_assert_int_eq(s->reachable, 0);
	ck_assert_str_eq(s->versions, "");
	ck_assert_msg(strncmp(s->best.why, h->why, strlen(h->why)) == 0,
	    "%s: %s", h->name, s->best.why);
	if (h->surveyed) {
		/* It speaks TLS (it refuses in TLS): every attempt refused or
		 * not offered, none accepted. */
		ck_assert_uint_eq(s->n_att, ASY_ELEMENTSOF(want_att));
		for (size_t i = 0; i < s->n_att; i++)
			ck_assert_int_ne(s->att[i].result, 1);
		ck_assert_uint_gt(s->handshakes, 1);
	} else {
		/* Not TLS, or no answer: one handshake, nothing more. */
		ck_assert_uint_eq(s->n_att, 0);
		ck_assert_uint_eq(s->handshakes, 1);
		ck_assert_msg(dt < (long long)h->timeout_ms + 1000,
		    "%s: survey took %lld ms", h->name, dt);
	}
	asy_tls_survey_free(s);
	fake_stop(&f);
}
END_TEST

START_TEST(test_refused)
{
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.port = closed_port(),
		.timeout_ms = 5000,
	};
	struct asy_tls_survey *s = NULL;
	struct asy_tls_hello out;
	long long t0 = ut_now_ms();

	ck_assert_int_eq(asy_tls_hello(&p, &out), ASY_E_REFUSED);
	ck_assert_str_eq(out.why, "connection refused");
	ck_assert_int_eq(asy_tls_speaks("127.0.0.1", p.port, 5000),
	    ASY_E_REFUSED);
	ck_assert_int_eq(asy_tls_survey("127.0.0.1", p.port, 5000, 0, &s), 0);
	ck_assert_int_eq(s->reachable, 0);
	ck_assert_uint_eq(s->handshakes, 0);
	ck_assert_uint_eq(s->n_att, 0);
	ck_assert_str_eq(s->best.why, "connection refused");
	ck_assert_int_lt(ut_now_ms() - t0, 1000);
	asy_tls_survey_free(s);
}
END_TEST

/* A full listen queue: the connection itself times out. */
START_TEST(test_connect_timeout)
{
	struct asy_tls_probe p = {
		.addr = "127.0.0.1",
		.timeout_ms = 400,
	};
	struct asy_tls_hello out;
	struct fake f;
	long long t0, dt;
	int held, r = 1;

	ck_assert_int_eq(fake_start(&f, "127.0.0.1", NULL, 0, 1), 0);
	p.port = f.port;
	held = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in s4 = { .sin_family = AF_INET,
		    .sin_port = htons((unsigned short)f.port) };

		s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(connect(held, (struct sockaddr *)&s4,
		    sizeof(s4)), 0);
	}
	t0 = ut_now_ms();
	r = asy_tls_hello(&p, &out);
	dt = ut_now_ms() - t0;
	ck_assert_msg(r == ASY_E_TIMEOUT, "%d: %s", r, out.why);
	ck_assert_str_eq(out.why, "no answer within 400 ms");
	ck_assert_int_ge(dt, 400);
	ck_assert_int_lt(dt, 1400);
	close(held);
	fake_stop(&f);
}
END_TEST

static const char *const bad_addrs[] = {
	"localhost", "", "127.0.0.1:443", "[::1]", "dut.example",
};

START_TEST(test_bad_addr)
{
	struct asy_tls_probe p = {
		.addr = bad_addrs[_i],
		.port = 443,
		.timeout_ms = 5000,
	};
	struct asy_tls_survey *s = NULL;
	struct asy_tls_hello out;

	ck_assert_int_eq(asy_tls_hello(&p, &out), ASY_E_INPUT);
	ck_assert_int_lt(asy_tls_speaks(bad_addrs[_i], 443, 5000), 0);
	ck_assert_int_eq(asy_tls_survey(bad_addrs[_i], 443, 5000, 0, &s), 0);
	ck_assert_int_eq(s->reachable, 0);
	ck_assert_uint_eq(s->handshakes, 0);
	ck_assert_str_ne(s->best.why, "");
	asy_tls_survey_free(s);
	asy_tls_survey_free(NULL);
}
END_TEST

START_TEST(test_version)
{
	const char *v = asy_tls_version();

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strncmp(v, "OpenSSL 3.", 10) == 0, "%s", v);
}
END_TEST

static Suite *
tlsc_suite(void)
{
	Suite *s = suite_create("tlsc");
	TCase *tc;

	tc = tcase_create("servers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_survey_weak);
	tcase_add_test(tc, test_survey_strong);
	tcase_add_loop_test(tc, test_survey_budget, 0,
	    (int)ASY_ELEMENTSOF(budgets));
	tcase_add_loop_test(tc, test_hello, 0, (int)ASY_ELEMENTSOF(hellos));
	tcase_add_test(tc, test_hello_dh);
	tcase_add_test(tc, test_hello_certs);
	suite_add_tcase(s, tc);

	tc = tcase_create("fakes");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_hostile, 0, (int)ASY_ELEMENTSOF(hostiles));
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_connect_timeout);
	tcase_add_loop_test(tc, test_bad_addr, 0,
	    (int)ASY_ELEMENTSOF(bad_addrs));
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(tlsc_suite());
}
