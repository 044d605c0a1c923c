/*
 * Secure channels and cleartext (see tclib.h): one SSH or TLS assessment
 * per port, judged against the best-practice table (cryptopol.h) and the
 * IXIT's words each time a case asks; and the credentials and personal
 * data that crossed the wire in clear, from the run's captures.
 */
#include <dirent.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cryptopol.h"
#include "error.h"
#include "pcapscan.h"
#include "sshc.h"
#include "tclib.h"
#include "tcstate.h"
#include "tlsc.h"
#include "util.h"

/* What was measured on a port, kept for every case that asks. */
struct chan_data {
	int			 kind;		/* 0 plain, 1 SSH, 2 TLS, -1
						   unreachable */
	char			*why;
	struct asy_ssh_offer	 offer;
	int			 dg[4];		/* downgrades: 1 accepted, 0
						   refused, <0 not tried */
	char			 dg_detail[4][96];
	int			 rsa_bits;
	struct asy_tls_survey	*tls;
};

/*
 * The SSH downgrade attempts: only weak algorithms of one kind, and every
 * algorithm this libssh can offer of the others, so that a refusal comes
 * from the weak kind alone.  (libssh cannot offer ssh-dss, hmac-md5,
 * blowfish or arcfour; an AEAD cipher negotiates no MAC, so the MAC
 * attempt offers CTR and CBC ciphers only.)
 */
#define ALL_KEX		"curve25519-sha256,curve25519-sha256@libssh.org," \
			"ecdh-sha2-nistp256,ecdh-sha2-nistp384," \
			"ecdh-sha2-nistp521,diffie-hellman-group18-sha512," \
			"diffie-hellman-group16-sha512," \
			"diffie-hellman-group-exchange-sha256," \
			"diffie-hellman-group14-sha256"
#define ALL_HOSTKEY	"ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384," \
			"ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"
#define ALL_CIPHER	"chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
			"aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"
#define ALL_MAC		"hmac-sha2-256-etm@openssh.com," \
			"hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512"

static const struct {
	const char	*what;
	const char	*kex, *hostkey, *cipher, *mac;
} downgrades[4] = {
	{ "SHA-1 and 1024-bit key exchange",
	  "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
	  "diffie-hellman-group-exchange-sha1", ALL_HOSTKEY ",ssh-rsa",
	  ALL_CIPHER, ALL_MAC },
	{ "SHA-1 host key signatures (ssh-rsa)", ALL_KEX, "ssh-rsa",
	  ALL_CIPHER, ALL_MAC },
	{ "CBC and 3DES ciphers", ALL_KEX, ALL_HOSTKEY ",ssh-rsa",
	  "aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc", ALL_MAC },
	{ "SHA-1 MACs", ALL_KEX, ALL_HOSTKEY ",ssh-rsa",
	  "aes256-ctr,aes192-ctr,aes128-ctr,aes256-cbc,aes128-cbc",
	  "hmac-sha1,hmac-sha1-etm@openssh.com" },
};

static void
chan_data_free(struct chan_data *c)
{
	if (c == NULL)
		return;
	free(c->why);
	asy_ssh_offer_release(&c->offer);
	asy_tls_survey_free(c->tls);
	free(c);
}

static void
measure_ssh(struct asy_live *lv, unsigned port, struct chan_data *c,
    struct asy_buf *t)
{
	const char *addr = asy_tc_addr(lv);
	unsigned long to = lv->lab->budget.timeout_ms;
	struct asy_ssh_nego n;
	char why[200];
	int r;

	for (int k = 0; k < 4; k++) {
		r = asy_ssh_offer(addr, port, to, &c->offer, why, sizeof(why));
		if (r != ASY_E_CLOSED)
			break;
		(void)poll(NULL, 0, 300 << k);
	}
	if (r < 0) {
		c->kind = -1;
		c->why = asy_strdup_printf("the SSH server's offer could not "
		    "be read: %s", why);
		asy_tc_log(t, "offer: %s", why);
		return;
	}
	asy_tc_log(t, "banner: %s", c->offer.banner ? c->offer.banner : "");
	asy_tc_log(t, "kex: %s", c->offer.kex ? c->offer.kex : "");
	asy_tc_log(t, "host key: %s", c->offer.hostkey ? c->offer.hostkey : "");
	asy_tc_log(t, "ciphers: %s", c->offer.cipher ? c->offer.cipher : "");
	asy_tc_log(t, "MACs: %s", c->offer.mac ? c->offer.mac : "");
	for (size_t i = 0; i < ASY_ELEMENTSOF(downgrades); i++) {
		/* A server that closes before its banner is busy (dropbear
		 * takes five unauthenticated connections per address): try
		 * again a little later, three times at most. */
		for (int k = 0; k < 4; k++) {
			memset(&n, 0, sizeof(n));
			r = asy_ssh_handshake(addr, port, to,
			    downgrades[i].kex, downgrades[i].hostkey,
			    downgrades[i].cipher, downgrades[i].mac, &n, why,
			    sizeof(why));
			if (r != ASY_E_CLOSED)
				break;
			(void)poll(NULL, 0, 300 << k);
		}
		c->dg[i] = r;
		if (r == 1)
			snprintf(c->dg_detail[i], sizeof(c->dg_detail[i]),
			    "negotiated %.63s", i == 0 ? n.kex : i == 1 ?
			    n.hostkey : i == 2 ? n.cipher : n.mac);
		else
			snprintf(c->dg_detail[i], sizeof(c->dg_detail[i]),
			    "%.90s", why);
		asy_tc_log(t, "downgrade offering only %s: %s (%s)",
		    downgrades[i].what, r == 1 ? "ACCEPTED" : r == 0 ?
		    "refused" : "not tried", c->dg_detail[i]);
	}
	if (c->offer.hostkey != NULL && strstr(c->offer.hostkey, "rsa")) {
		for (int k = 0; k < 4; k++) {
			memset(&n, 0, sizeof(n));
			r = asy_ssh_handshake(addr, port, to, ALL_KEX
			    ",diffie-hellman-group14-sha1",
			    "rsa-sha2-512,rsa-sha2-256,ssh-rsa", ALL_CIPHER,
			    ALL_MAC ",hmac-sha1", &n, why, sizeof(why));
			if (r != ASY_E_CLOSED)
				break;
			(void)poll(NULL, 0, 300 << k);
		}
		if (r == 1)
			c->rsa_bits = n.key_bits;
		asy_tc_log(t, "RSA host key: %d bits%s%s", c->rsa_bits,
		    r == 1 ? "" : ": ", r == 1 ? "" : why);
	}
	c->kind = 1;
}

static void
measure_tls(struct asy_live *lv, unsigned port, struct chan_data *c,
    struct asy_buf *t)
{
	const struct asy_tls_survey *s;
	int r;

	r = asy_tls_survey(asy_tc_addr(lv), port, lv->lab->budget.timeout_ms,
	    24, &c->tls);
	if (r < 0 || c->tls == NULL) {
		c->kind = -1;
		c->why = asy_strdup("the TLS survey failed");
		return;
	}
	s = c->tls;
	/* A device that only completes a weak handshake (TLS 1.0 alone)
	 * fails the default client, yet its attempts tell the story. */
	for (size_t i = 0; !s->reachable && i < s->n_att; i++)
		if (s->att[i].result == 1) {
			c->kind = 2;
			asy_tc_log(t, "the default handshake failed (%s); judged by "
			    "the attempts", s->best.why);
			return;
		}
	if (!s->reachable) {
		c->kind = -1;
		c->why = asy_strdup_printf("no TLS handshake completed: %s",
		    s->best.why);
		return;
	}
	c->kind = 2;
	asy_tc_log(t, "default handshake: %s %s, group %s", s->best.version,
	    s->best.cipher, s->best.group);
	asy_tc_log(t, "certificate: %s %d bits, signed %s, subject %s",
	    s->best.cert_key, s->best.cert_bits, s->best.cert_sig,
	    s->best.cert_subject);
	asy_tc_log(t, "versions accepted: %s", s->versions ? s->versions : "");
	for (size_t i = 0; i < s->n_att; i++)
		asy_tc_log(t, "%s: %s (%s)", s->att[i].what, s->att[i].result == 1 ?
		    "ACCEPTED" : s->att[i].result == 0 ? "refused" :
		    "not tried", s->att[i].detail ? s->att[i].detail : "");
}

/* The measurement of port, done once. */
static int
measure(struct asy_live *lv, unsigned port, struct asy_tc_chan **out,
    struct chan_data **data)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	const struct asy_observed *o;
	struct chan_data *c;
	struct asy_tc_chan *ch;
	struct asy_buf t;
	int r;

	if (tc == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < tc->n_chan; i++)
		if (tc->chan[i].port == port) {
			*out = &tc->chan[i];
			*data = tc->chan[i].data;
			return 0;
		}
	c = calloc(1, sizeof(*c));
	ch = c ? asy_array_add(&tc->chan, &tc->n_chan, &tc->cap_chan,
	    sizeof(*ch)) : NULL;
	if (ch == NULL) {
		free(c);
		return ASY_E_NOMEM;
	}
	ch->port = port;
	ch->by_case = lv->case_id;
	ch->data = c;
	ch->free_data = (void (*)(void *))chan_data_free;
	asy_buf_init(&t, (size_t)64 << 10);
	asy_tc_log(&t, "# channel tcp/%u of %s, assessed by assay", port,
	    asy_tc_addr(lv));
	o = asy_tc_service(lv, "tcp", port);
	if (o != NULL && asy_tc_kind(o) == ASY_PK_SSH) {
		measure_ssh(lv, port, c, &t);
	} else {
		r = asy_tls_speaks(asy_tc_addr(lv), port,
		    lv->lab->budget.timeout_ms);
		asy_tc_log(&t, "TLS: %s", r == 1 ? "spoken" : r == 0 ? "not spoken" :
		    asy_strerror(r));
		if (r == 1)
			measure_tls(lv, port, c, &t);
		else if (r == 0)
			c->kind = 0;
		else {
			c->kind = -1;
			c->why = asy_strdup_printf("tcp/%u did not answer "
			    "(%s)", port, asy_strerror(r));
		}
	}
	r = asy_tc_transcript_save(lv, "channel", port, &t, &ch->transcript);
	asy_buf_release(&t);
	if (r < 0)
		return r;
	*out = ch;
	*data = c;
	return 0;
}

/* Pseudo-algorithms that announce extensions, not algorithms. */
static int
pseudo(const char *name, size_t len)
{
	return (len >= 8 && strncmp(name, "ext-info", 8) == 0) ||
	    (len >= 10 && strncmp(name, "kex-strict", 10) == 0) ||
	    (len >= 8 && strncmp(name, "kexguess", 8) == 0);
}

/* Judge each name of a comma-separated list. */
static void
judge_list(const char *list, const char *(*weak)(const char *),
    const char *decl, struct asy_buf *bad, struct asy_buf *undecl)
{
	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");
		char name[128];
		const char *why;

		snprintf(name, sizeof(name), "%.*s", (int)(len < 127 ? len :
		    127), p);
		if (len > 0 && !pseudo(name, len)) {
			why = weak(name);
			if (why != NULL)
				(void)asy_buf_printf(bad, "%s%s (%s)",
				    bad->len ? ", " : "", name, why);
			else if (decl != NULL && *decl != '\0' &&
			    !asy_crypto_declared(decl, name))
				(void)asy_buf_printf(undecl, "%s%s",
				    undecl->len ? ", " : "", name);
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

static int
verdict_ssh(const struct chan_data *c, const char *decl,
    struct asy_unit_result *u)
{
	struct asy_buf bad, undecl, refused, untried;
	int r;

	asy_buf_init(&bad, 4096);
	asy_buf_init(&undecl, 4096);
	asy_buf_init(&refused, 1024);
	asy_buf_init(&untried, 1024);
	judge_list(c->offer.kex, asy_weak_ssh_kex, decl, &bad, &undecl);
	judge_list(c->offer.hostkey, asy_weak_ssh_hostkey, decl, &bad,
	    &undecl);
	judge_list(c->offer.cipher, asy_weak_ssh_cipher, decl, &bad, &undecl);
	judge_list(c->offer.mac, asy_weak_ssh_mac, decl, &bad, &undecl);
	if (c->rsa_bits > 0 && asy_weak_key("ssh-rsa", c->rsa_bits) != NULL)
		(void)asy_buf_printf(&bad, "%sRSA host key of %d bits (%s)",
		    bad.len ? ", " : "", c->rsa_bits,
		    asy_weak_key("ssh-rsa", c->rsa_bits));
	for (size_t i = 0; i < ASY_ELEMENTSOF(downgrades); i++) {
		if (c->dg[i] == 1)
			(void)asy_buf_printf(&bad, "%sa handshake offering "
			    "only %s was accepted (%s)", bad.len ? ", " : "",
			    downgrades[i].what, c->dg_detail[i]);
		else if (c->dg[i] == 0)
			(void)asy_buf_printf(&refused, "%s%s", refused.len ?
			    ", " : "", downgrades[i].what);
		else
			(void)asy_buf_printf(&untried, "%s%s (%s)",
			    untried.len ? ", " : "", downgrades[i].what,
			    c->dg_detail[i]);
	}
	if (bad.len > 0 || undecl.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "SSH %s: %s%s%s%s%s",
		    c->offer.banner ? c->offer.banner : "server",
		    bad.len ? "weak: " : "", bad.len ? bad.data : "",
		    bad.len && undecl.len ? "; " : "",
		    undecl.len ? "offered but not named in the IXIT: " : "",
		    undecl.len ? undecl.data : "");
	else
		r = asy_unit_set(u, ASY_V_PASS, "SSH %s offers only "
		    "algorithms the IXIT names and best practice accepts "
		    "(kex %s; ciphers %s; MACs %s; host keys %s); downgrades "
		    "refused: %s%s%s", c->offer.banner ? c->offer.banner :
		    "server", c->offer.kex, c->offer.cipher, c->offer.mac,
		    c->offer.hostkey, refused.len ? refused.data : "none "
		    "could be tried", untried.len ? "; not tried: " : "",
		    untried.len ? untried.data : "");
	asy_buf_release(&untried);
	asy_buf_release(&bad);
	asy_buf_release(&undecl);
	asy_buf_release(&refused);
	return r;
}

static int
verdict_tls(const struct chan_data *c, const char *decl,
    struct asy_unit_result *u)
{
	const struct asy_tls_survey *s = c->tls;
	struct asy_buf bad, undecl, refused;
	const char *why;
	int r, names_versions;

	asy_buf_init(&bad, 4096);
	asy_buf_init(&undecl, 1024);
	asy_buf_init(&refused, 2048);
	for (size_t i = 0; i < s->n_att; i++) {
		const struct asy_tls_attempt *a = &s->att[i];

		if (a->weak && a->result == 1)
			(void)asy_buf_printf(&bad, "%s%s accepted (%s)",
			    bad.len ? ", " : "", a->what, a->detail ?
			    a->detail : "");
		else if (a->weak && a->result == 0)
			(void)asy_buf_printf(&refused, "%s%s", refused.len ?
			    ", " : "", a->what);
	}
	why = asy_weak_key(s->best.cert_key, s->best.cert_bits);
	if (why != NULL)
		(void)asy_buf_printf(&bad, "%scertificate key %s %d bits (%s)",
		    bad.len ? ", " : "", s->best.cert_key, s->best.cert_bits,
		    why);
	why = asy_weak_sig(s->best.cert_sig);
	if (why != NULL)
		(void)asy_buf_printf(&bad, "%scertificate signature %s (%s)",
		    bad.len ? ", " : "", s->best.cert_sig, why);
	/* Versions: only when the IXIT names versions at all. */
	names_versions = decl != NULL && (asy_crypto_declared(decl,
	    "TLSv1.2") || asy_crypto_declared(decl, "TLSv1.3"));
	for (const char *p = s->versions; names_versions && p && *p;) {
		size_t len = strcspn(p, " ");
		char v[32];

		snprintf(v, sizeof(v), "%.*s", (int)(len < 31 ? len : 31), p);
		if (len > 0 && !asy_crypto_declared(decl, v))
			(void)asy_buf_printf(&undecl, "%s%s", undecl.len ?
			    ", " : "", v);
		p += len;
		p += strspn(p, " ");
	}
	if (bad.len > 0 || undecl.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "TLS: %s%s%s%s%s",
		    bad.len ? "weak: " : "", bad.len ? bad.data : "",
		    bad.len && undecl.len ? "; " : "",
		    undecl.len ? "versions accepted but not named in the "
		    "IXIT: " : "", undecl.len ? undecl.data : "");
	else
		r = asy_unit_set(u, ASY_V_PASS, "TLS: accepts %s only, "
		    "negotiates %s with %s; certificate %s %d bits signed "
		    "with %s; refused every downgrade tried (%s)",
		    s->versions, s->best.version, s->best.cipher,
		    s->best.cert_key, s->best.cert_bits, s->best.cert_sig,
		    refused.len ? refused.data : "none");
	asy_buf_release(&bad);
	asy_buf_release(&undecl);
	asy_buf_release(&refused);
	return r;
}

/* Does a declaration claim encryption? */
static int
claims_crypto(const char *decl)
{
	static const char *const words[] = { "TLS", "SSH", "encrypt",
	    "AES", "ChaCha" };

	if (decl == NULL)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(words); i++)
		if (strcasestr(decl, words[i]) != NULL)
			return 1;
	return 0;
}

int
asy_tc_channel(struct asy_live *lv, unsigned port, const char *decl,
    int sensitive, struct asy_unit_result *u)
{
	struct asy_tc_chan *ch;
	struct chan_data *c;
	struct asy_buf clear;
	char note[128];
	long n;
	int r;

	if (asy_tc_addr(lv) == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "not run: the DUT "
		    "has no address inside the lab's scope");
	r = measure(lv, port, &ch, &c);
	if (r < 0)
		return r;
	snprintf(note, sizeof(note), "what tcp/%u offered and accepted%s%s",
	    port, ch->by_case && lv->case_id && strcmp(ch->by_case,
	    lv->case_id) != 0 ? ", assessed in " : "",
	    ch->by_case && lv->case_id && strcmp(ch->by_case, lv->case_id)
	    != 0 ? ch->by_case : "");
	r = asy_unit_add_evidence(u, ch->transcript, "transcript", note);
	if (r == 0 && ch->by_case && lv->case_id &&
	    strcmp(ch->by_case, lv->case_id) != 0) {
		char *p = asy_strdup_printf("pcap/%s.pcap", ch->by_case);

		r = p ? asy_unit_add_evidence(u, p, "pcap", "the handshakes "
		    "of this assessment") : ASY_E_NOMEM;
		free(p);
	}
	if (r < 0)
		return r;
	switch (c->kind) {
	case 1:
		return verdict_ssh(c, decl, u);
	case 2:
		return verdict_tls(c, decl, u);
	case 0:
		break;
	default:
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s", c->why ?
		    c->why : "the channel could not be assessed");
	}
	/* Plain text. */
	asy_buf_init(&clear, 8192);
	n = asy_tc_cleartext(lv, port, &clear, 8);
	if (n < 0) {
		asy_buf_release(&clear);
		return (int)n;
	}
	if (sensitive)
		r = asy_unit_set(u, ASY_V_FAIL, "tcp/%u speaks no TLS or SSH: "
		    "what the IXIT says it carries crosses the network "
		    "unencrypted%s%s", port, n > 0 ? "; in the captures: " :
		    "", n > 0 ? clear.data : "");
	else if (claims_crypto(decl))
		r = asy_unit_set(u, ASY_V_FAIL, "the IXIT describes this "
		    "channel's cryptography (\"%.120s\") but tcp/%u answers "
		    "in plain text", decl, port);
	else
		r = asy_unit_set(u, ASY_V_PASS, "tcp/%u is plain text, as "
		    "the IXIT declares, and carries nothing the IXIT calls "
		    "sensitive%s%s", port, n > 0 ? "; but note in the "
		    "captures: " : "", n > 0 ? clear.data : "");
	asy_buf_release(&clear);
	return r;
}

/* ---- Cleartext in captures ---------------------------------------------- */

/* Does "198.18.1.2:80" end in ":port"? */
static int
on_port(const char *ep, unsigned port)
{
	const char *c = ep ? strrchr(ep, ':') : NULL;
	unsigned long v;

	return c != NULL && asy_parse_ulong(c + 1, &v) == 0 && v == port;
}

static int
scan_file(struct asy_live *lv, const char *rel, unsigned port,
    struct asy_buf *out, size_t max, long *count)
{
	struct asy_clear_opts o = { 0 };
	struct asy_clear_finding *f = NULL;
	size_t n = 0;
	char why[200], *abs;
	int r;

	abs = asy_path_join(lv->work, rel);
	if (abs == NULL)
		return ASY_E_NOMEM;
	o.emails = 1;
	o.max_findings = 50;
	r = asy_pcap_cleartext(abs, &o, &f, &n, why, sizeof(why));
	free(abs);
	if (r == ASY_E_NOMEM)
		return r;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (port != 0 && !on_port(f[i].src, port) &&
		    !on_port(f[i].dst, port))
			continue;
		/* Once per finding across files. */
		if (out->data != NULL && strstr(out->data, f[i].what) != NULL)
			continue;
		if ((size_t)*count >= max)
			break;
		(*count)++;
		(void)asy_buf_printf(out, "%s%s (frame %lu of %s, %s to %s)",
		    out->len ? "; " : "", f[i].what, f[i].frame, rel,
		    f[i].src, f[i].dst);
	}
	asy_clear_findings_free(f, n);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long
asy_tc_cleartext(struct asy_live *lv, unsigned port, struct asy_buf *out,
    size_t max)
{
	char *dirp, *names[256];
	size_t n = 0;
	long count = 0;
	DIR *d;
	int r = 0;

	/* What the current case just sent is written within a dispatch. */
	(void)poll(NULL, 0, 300);
	if (lv->disc_pcap != NULL) {
		r = scan_file(lv, lv->disc_pcap, port, out, max, &count);
		if (r < 0)
			return r;
	}
	dirp = asy_path_join(lv->work, "pcap");
	if (dirp == NULL)
		return ASY_E_NOMEM;
	d = opendir(dirp);
	free(dirp);
	if (d == NULL)
		return count;
	for (struct dirent *e = readdir(d); e != NULL && n < 256;
	    e = readdir(d)) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".pcap") != 0)
			continue;
		names[n] = asy_strdup_printf("pcap/%s", e->d_name);
		if (names[n] == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = scan_file(lv, names[i], port, out, max, &count);
		free(names[i]);
	}
	return r < 0 ? r : count;
}
