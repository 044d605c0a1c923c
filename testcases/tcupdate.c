/*
 * Update sessions: assay plays the update server of one IXIT 7-UpdMech
 * row and offers the device, one after another, the misuse scenarios of
 * TS 103 701 5.3-1-2 and 5.3-2-2 (and 5.3-9-2 of V2.1.1):
 *
 *   flipped      the new image with one byte flipped (manifest checksum
 *                recomputed, as an attacker who controls the server would)
 *   unsigned     the new image without its signature
 *   wrong-key    the new image signed with a key made for this run
 *   oversize     the new image padded beyond the declared maximum
 *   interrupted  the new image, the connection cut after half of it
 *   mitm         (https) the new image behind a certificate from a CA the
 *                device has never seen
 *   downgrade    (https) the new image from a server that speaks only TLS
 *                1.0 and 1.1 (ASY_UPDSRV_TLS_LEGACY): the device must not
 *                complete the handshake
 *   genuine      the new image as released: the control, it must install
 *   rollback     then the older genuine image: it must not install
 *
 * After each attempt the installed version is read back the way the lab
 * config says (HTTP, SSH or a lab command).  The offered version showing
 * up after a misuse attempt is a FAIL naming the attempt; a device that
 * took one is brought back (the lab's reset step, or the older genuine
 * image) before the next, and one that cannot be makes the rest
 * INCONCLUSIVE.  A device that never contacts the server, a step that
 * fails, a version that cannot be read: INCONCLUSIVE with the reason,
 * never FAIL.
 *
 * The session runs once per mechanism, in the first case that needs it
 * (its pcap holds the traffic); later cases point at it.  Everything goes
 * into a transcript and the server's request log.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "error.h"
#include "httpc.h"
#include "log.h"
#include "pki.h"
#include "proc.h"
#include "sha256.h"
#include "sshc.h"
#include "tclib.h"
#include "tcstate.h"
#include "tlshello.h"
#include "updsrv.h"

#define IMAGE_MAX	((size_t)64 << 20)	/* a lab's image file */
#define SIG_MAX		((size_t)64 << 10)	/* a detached signature */
#define OVERSIZE_MAX	((size_t)64 << 20)	/* the padded image */
#define STEP_OUT_MAX	ASY_TC_STEP_OUT_MAX
#define POLL_MS		500			/* version polling */
#define NOTE_MAX	((size_t)256 << 10)	/* the transcript */

enum attempt_kind {
	AT_FLIPPED,
	AT_UNSIGNED,
	AT_WRONG_KEY,
	AT_OVERSIZE,
	AT_INTERRUPTED,
	AT_MITM,
	AT_DOWNGRADE,
	AT_GENUINE,
	AT_ROLLBACK,
	AT_N
};

/* What the units check: which attempts each reads. */
#define MISUSE_MASK	((1u << AT_FLIPPED) | (1u << AT_UNSIGNED) | \
			 (1u << AT_WRONG_KEY) | (1u << AT_OVERSIZE) | \
			 (1u << AT_INTERRUPTED) | (1u << AT_MITM) | \
			 (1u << AT_ROLLBACK))
#define VERIFY_MASK	((1u << AT_FLIPPED) | (1u << AT_UNSIGNED) | \
			 (1u << AT_WRONG_KEY) | (1u << AT_OVERSIZE))

static const struct {
	const char	*name;
	const char	*what;
} attempts[AT_N] = {
	{ "flipped", "the new image with one byte flipped" },
	{ "unsigned", "the new image without its signature" },
	{ "wrong-key", "the new image signed with a key that is not the "
	    "vendor's" },
	{ "oversize", "the new image padded beyond its declared size" },
	{ "interrupted", "the new image, the download cut halfway" },
	{ "mitm", "the new image from a server whose certificate comes from "
	    "a CA the device has never seen" },
	{ "downgrade", "the new image from a server that speaks only TLS 1.0 "
	    "and 1.1" },
	{ "genuine", "the new image as released (the control)" },
	{ "rollback", "the older genuine image, after the newer one" },
};

enum outcome {
	OC_NOT_RUN,		/* not applicable or not reached */
	OC_REFUSED,		/* the version stayed */
	OC_INSTALLED,		/* the offered version showed up */
	OC_TRUSTED,		/* mitm, downgrade: a request over the
				   rogue or downgraded TLS */
	OC_NO_CONTACT,		/* the device never asked the server */
	OC_UNKNOWN,		/* the step failed or the version is neither */
};

struct attempt {
	enum outcome	 oc;
	char		*why;		/* not run, unknown: why; else detail */
	char		 before[40], after[40];
	struct asy_updsrv_stats st;
	char		 sha[ASY_SHA256_HEX];	/* of the image served */
	size_t		 size;
};

/* One mechanism's session. */
struct asy_tc_upd {
	const struct asy_lab_update *cfg;
	const char		*mech;		/* IXIT row ID */
	/* Read before privileges were dropped. */
	struct asy_buf		 img_old, img_new, sig_old, sig_new;
	struct asy_pki_pair	 ca;
	int			 ca_made;
	char			*load_err;	/* the material is missing */
	/* The session. */
	int			 done;
	const char		*by_case;
	char			*fatal;		/* the session could not run */
	int			 fatal_harness;	/* ... through our fault */
	struct attempt		 at[AT_N];
	char			 v0[40], v_end[40];
	char			*transcript;	/* relative paths */
	char			*server_log;
	char			*url;		/* the manifest's address */
	unsigned		 paths_seen;	/* distinct paths requested */
	unsigned		 not_found;	/* requests for other paths */
	/* The device's own checks, watched at the end (observe=). */
	int			 observed;	/* the window ran */
	double			 obs_window;	/* seconds watched */
	size_t			 obs_n;		/* manifest requests seen */
	double			 obs_median;	/* between them, seconds */
	/* Connections the steps use. */
	struct asy_ssh		*ssh;
	struct asy_buf		 log;
};

/* ---- Preloading --------------------------------------------------------- */

static int
read_capped(const char *path, size_t cap, struct asy_buf *b, char **err,
    const char *what)
{
	int r;

	asy_buf_init(b, cap);
	if (path == NULL)
		return 0;
	r = asy_buf_load_file(b, path);
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0 && *err == NULL) {
		*err = asy_strdup_printf("cannot read the %s %s (%s); check "
		    "the <update> of the lab config%s", what, path,
		    asy_strerror(r), r == ASY_E_TOOBIG ? " (too big)" : "");
		if (*err == NULL)
			return ASY_E_NOMEM;
	}
	return 0;
}

static void
upd_free(struct asy_tc_upd *s)
{
	asy_buf_release(&s->img_old);
	asy_buf_release(&s->img_new);
	asy_buf_release(&s->sig_old);
	asy_buf_release(&s->sig_new);
	asy_pki_pair_release(&s->ca);
	free(s->load_err);
	free(s->fatal);
	for (size_t i = 0; i < AT_N; i++)
		free(s->at[i].why);
	free(s->transcript);
	free(s->server_log);
	free(s->url);
	asy_ssh_close(s->ssh);
	asy_buf_release(&s->log);
}

void
asy_tc_upd_free(struct asy_tc_upd *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		upd_free(&v[i]);
	free(v);
}

int
asy_tc_upd_preload(struct asy_live *lv, struct asy_tc_state *tc)
{
	const struct asy_lab_dut *t = lv->dut;
	int r = 0;

	if (t == NULL || t->n_updates == 0 || tc->upd != NULL)
		return 0;
	tc->upd = calloc(t->n_updates, sizeof(*tc->upd));
	if (tc->upd == NULL)
		return ASY_E_NOMEM;
	tc->n_upd = t->n_updates;
	for (size_t i = 0; i < t->n_updates && r == 0; i++) {
		const struct asy_lab_update *c = &t->updates[i];
		struct asy_tc_upd *s = &tc->upd[i];
		char why[512] = "";

		s->cfg = c;
		s->mech = c->mechanism;
		asy_buf_init(&s->log, NOTE_MAX);
		r = read_capped(c->installed.file, IMAGE_MAX, &s->img_old,
		    &s->load_err, "installed image");
		if (r == 0)
			r = read_capped(c->newer.file, IMAGE_MAX, &s->img_new,
			    &s->load_err, "new image");
		if (r == 0)
			r = read_capped(c->installed.signature, SIG_MAX,
			    &s->sig_old, &s->load_err, "signature");
		if (r == 0)
			r = read_capped(c->newer.signature, SIG_MAX,
			    &s->sig_new, &s->load_err, "signature");
		if (r < 0 || !c->tls || s->load_err != NULL)
			continue;
		/* The lab's CA: made here, as root, when it does not exist
		 * yet; its key never leaves this process's memory. */
		r = asy_pki_ca_load(c->ca_cert, c->ca_key, &s->ca_made,
		    &s->ca, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			break;
		if (r < 0) {
			s->load_err = asy_strdup_printf("the lab's update CA: "
			    "%s", why);
			r = s->load_err != NULL ? 0 : ASY_E_NOMEM;
		} else if (s->ca_made)
			asy_info("made the lab's update CA %s; a device that "
			    "pins it must be given this certificate",
			    c->ca_cert);
	}
	return r;
}

/* ---- Steps -------------------------------------------------------------- */

/* Run one step of s (tcstep.c) with its {url} and {ca}. */
static int
run_step(struct asy_live *lv, struct asy_tc_upd *s,
    const struct asy_lab_step *st, struct asy_buf *out, char *why,
    size_t len)
{
	struct asy_tc_subst sub = { 0 };

	sub.url = s->url;
	sub.ca = s->cfg->tls ? s->cfg->ca_cert : NULL;
	return asy_tc_step(lv, st, &sub, &s->ssh, out, why, len);
}

/* The first line of what a step printed, escaped, for the transcript. */
static char *
first_line(const struct asy_buf *b)
{
	size_t n = 0;

	while (n < b->len && b->data[n] != '\n' && b->data[n] != '\r')
		n++;
	return asy_printable(b->data != NULL ? b->data : "", n, 160);
}

/* Read the installed version into v (40 bytes).  0, or <0 with why. */
static int
read_version(struct asy_live *lv, struct asy_tc_upd *s, char v[40],
    char *why, size_t len)
{
	struct asy_buf out;
	size_t n = 0, i = 0;
	int r;

	asy_buf_init(&out, STEP_OUT_MAX);
	r = run_step(lv, s, &s->cfg->version, &out, why, len);
	if (r < 0)
		goto out;
	/* The first word of the first non-empty line. */
	while (i < out.len && (out.data[i] == ' ' || out.data[i] == '\t' ||
	    out.data[i] == '\r' || out.data[i] == '\n'))
		i++;
	while (i + n < out.len && n < 39) {
		char c = out.data[i + n];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("._+-", c) != NULL))
			break;
		n++;
	}
	if (n == 0 || (i + n < out.len && out.data[i + n] != '\n' &&
	    out.data[i + n] != '\r' && out.data[i + n] != ' ')) {
		char *shown = first_line(&out);

		snprintf(why, len, "the version step printed '%s', not a "
		    "version", shown != NULL ? shown : "?");
		free(shown);
		r = ASY_E_PROTO;
		goto out;
	}
	memcpy(v, out.data + i, n);
	v[n] = '\0';
out:
	asy_buf_release(&out);
	return r;
}

/* ---- The served files --------------------------------------------------- */

/* The last part of a lab path, if it is a safe URL segment. */
static const char *
file_name(const char *path, const char *fallback)
{
	const char *b = path != NULL ? strrchr(path, '/') : NULL;

	b = b != NULL ? b + 1 : path;
	if (b == NULL || *b == '\0' || strlen(b) > 64)
		return fallback;
	for (const char *p = b; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || strchr("._-", *p) != NULL))
			return fallback;
	return b;
}

/* One variant: manifest, image, signature. */
struct variant {
	char		 mpath[256], ipath[256], spath[256];
	char		*manifest;
	const void	*img;
	size_t		 img_len;
	const void	*sig;		/* NULL: none served */
	size_t		 sig_len;
	size_t		 cut;
	const char	*version;
};

static int
make_manifest(const struct asy_tc_upd *s, struct variant *v,
    const char *origin, const char *sha)
{
	const char *tpl = s->cfg->manifest;
	char img_url[512], sig_url[512], size[32];
	struct asy_buf b;

	snprintf(img_url, sizeof(img_url), "%s%s", origin, v->ipath);
	if (v->sig != NULL)
		snprintf(sig_url, sizeof(sig_url), "%s%s", origin, v->spath);
	else
		sig_url[0] = '\0';
	snprintf(size, sizeof(size), "%zu", v->img_len);
	asy_buf_init(&b, 65536);
	if (tpl == NULL) {
		asy_buf_printf(&b, "{\"version\":\"%s\",\"image\":\"%s\","
		    "\"size\":%s,\"sha256\":\"%s\"", v->version, img_url, size,
		    sha);
		if (v->sig != NULL)
			asy_buf_printf(&b, ",\"signature\":\"%s\"", sig_url);
		asy_buf_puts(&b, "}\n");
	} else {
		static const char *const keys[] = {
			"{version}", "{image}", "{size}", "{sha256}",
			"{signature}",
		};
		const char *vals[] = { v->version, img_url, size, sha, sig_url };

		for (const char *p = tpl; *p != '\0';) {
			size_t k;

			for (k = 0; k < ASY_ELEMENTSOF(keys); k++)
				if (strncmp(p, keys[k], strlen(keys[k])) == 0)
					break;
			if (k < ASY_ELEMENTSOF(keys)) {
				asy_buf_puts(&b, vals[k]);
				p += strlen(keys[k]);
			} else
				asy_buf_putc(&b, *p++);
		}
	}
	if (asy_buf_putc(&b, '\0') < 0) {
		asy_buf_release(&b);
		return ASY_E_NOMEM;
	}
	v->manifest = asy_buf_steal(&b);
	return v->manifest != NULL ? 0 : ASY_E_NOMEM;
}

/* Serve v under the name of attempt k (or "restore"). */
static int
serve(struct asy_updsrv *srv, const struct asy_tc_upd *s, const char *origin,
    const char *name, struct variant *v, struct attempt *a)
{
	struct asy_updsrv_file f[3];
	char sha[ASY_SHA256_HEX];
	size_t n = 0;
	int r;

	r = asy_sha256_buf(v->img, v->img_len, sha);
	if (r < 0)
		return r;
	free(v->manifest);
	v->manifest = NULL;
	r = make_manifest(s, v, origin, sha);
	if (r < 0)
		return r;
	if (a != NULL) {
		memcpy(a->sha, sha, sizeof(a->sha));
		a->size = v->img_len;
	}
	f[n].path = v->mpath;
	f[n].data = v->manifest;
	f[n].len = strlen(v->manifest);
	f[n].type = s->cfg->manifest_type != NULL ? s->cfg->manifest_type :
	    "application/json";
	f[n++].cut_after = (size_t)-1;
	f[n].path = v->ipath;
	f[n].data = v->img;
	f[n].len = v->img_len;
	f[n].type = NULL;
	f[n++].cut_after = v->cut;
	if (v->sig != NULL) {
		f[n].path = v->spath;
		f[n].data = v->sig;
		f[n].len = v->sig_len;
		f[n].type = NULL;
		f[n++].cut_after = (size_t)-1;
	}
	return asy_updsrv_set(srv, name, f, n);
}

/* ---- The session -------------------------------------------------------- */

enum srv_mode {
	SRV_LAB,		/* the lab CA's certificate */
	SRV_ROGUE,		/* a certificate from a CA made now */
	SRV_LEGACY,		/* the lab's, TLS 1.0 and 1.1 only */
};

/* Start the server as mode says. */
static int
start_server(struct asy_tc_upd *s, const char *log_abs, enum srv_mode mode,
    struct asy_updsrv **out, char *why, size_t len)
{
	const struct asy_lab_update *c = s->cfg;
	struct asy_updsrv_opts o = { 0 };
	struct asy_pki_pair other = { 0 }, cert = { 0 };
	const char *names[1] = { c->listen };
	int r = 0;

	o.addr = c->listen;
	o.port = c->port;
	o.log_path = log_abs;
	o.max_conns = 16;
	o.max_requests = 1000;
	o.timeout_s = 10;
	if (c->tls) {
		int rogue = mode == SRV_ROGUE;

		if (mode == SRV_LEGACY)
			o.tls_priorities = ASY_UPDSRV_TLS_LEGACY;
		if (rogue)
			r = asy_pki_ca_make("assay rogue CA (must not be "
			    "trusted)", &other, why, len);
		if (r == 0)
			r = asy_pki_issue(rogue ? &other : &s->ca, names, 1,
			    &cert, why, len);
		if (r < 0)
			goto out;
		o.cert_pem = cert.cert_pem;
		o.key_pem = cert.key_pem;
	}
	r = asy_updsrv_start(&o, out, why, len);
out:
	asy_pki_pair_release(&other);
	asy_pki_pair_release(&cert);
	return r;
}

static void
set_why(struct attempt *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_why(struct attempt *a, const char *fmt, ...)
{
	va_list ap;

	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(a->why);
	a->why = strdup(buf);
}

/*
 * Offer variant v: trigger, wait for the download, read the version until
 * it changes or settle passes.  Fills a (outcome, versions, counters).
 */
static int
offer(struct asy_live *lv, struct asy_tc_upd *s, struct asy_updsrv *srv,
    const char *origin, const char *name, const char *what,
    struct variant *v, struct attempt *a, const char *before)
{
	const struct asy_lab_update *c = s->cfg;
	struct asy_buf out;
	char why[512], *said = NULL;
	long long end;
	int r;

	snprintf(a->before, sizeof(a->before), "%s", before);
	r = serve(srv, s, origin, name, v, a);
	if (r < 0)
		return r;
	asy_buf_init(&out, STEP_OUT_MAX);
	asy_tc_log(&s->log, "## %s: %s", name, what);
	if (c->trigger.via != ASY_VIA_WAIT) {
		r = run_step(lv, s, &c->trigger, &out, why, sizeof(why));
		said = first_line(&out);
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0)
			/* A device may fail the step because it refused the
			 * update: the version decides. */
			asy_tc_log(&s->log, "trigger failed: %s (the version "
			    "read decides)", why);
		else
			asy_tc_log(&s->log, "trigger done");
		if (said != NULL && *said != '\0')
			asy_tc_log(&s->log, "  the device answered: %s", said);
	}
	/*
	 * The download.  A trigger that returned may have let the device
	 * finish already; one that only asked (or waiting for the device's
	 * own check) needs the manifest first, unless the device connected
	 * and gave up (a refused TLS handshake).  Then the image's response
	 * must end: whole, cut or dropped.
	 */
	asy_updsrv_stats(srv, &a->st);
	if (a->st.gets[0] == 0 && a->st.conns == 0)
		(void)asy_updsrv_wait(srv, 0, c->wait_ms);
	asy_updsrv_stats(srv, &a->st);
	if (a->st.gets[0] > 0)
		(void)asy_updsrv_wait(srv, 1, a->st.gets[1] > 0 ? c->wait_ms :
		    1000);
	end = asy_now_ms() + (long long)c->settle_ms;
	for (;;) {
		r = read_version(lv, s, a->after, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			goto out;
		if (r == 0 && strcmp(a->after, before) != 0)
			break;
		if (asy_now_ms() + POLL_MS > end)
			break;
		(void)poll(NULL, 0, POLL_MS);
	}
	asy_updsrv_stats(srv, &a->st);
	if (r < 0) {
		a->oc = OC_UNKNOWN;
		a->after[0] = '\0';
		set_why(a, "the version could not be read after the attempt: "
		    "%s", why);
	} else if (strcmp(name, "mitm") == 0 && a->st.requests > 0) {
		a->oc = OC_TRUSTED;
		set_why(a, "the device completed the TLS handshake with a "
		    "certificate from an unknown CA and made %u request%s",
		    a->st.requests, a->st.requests == 1 ? "" : "s");
	} else if (strcmp(name, "downgrade") == 0 && a->st.requests > 0) {
		a->oc = OC_TRUSTED;
		set_why(a, "the device completed a TLS 1.0/1.1 handshake with "
		    "the downgraded server and made %u request%s",
		    a->st.requests, a->st.requests == 1 ? "" : "s");
	} else if (strcmp(a->after, v->version) == 0 &&
	    strcmp(before, v->version) != 0)
		a->oc = OC_INSTALLED;
	else if (strcmp(a->after, before) == 0) {
		if (a->st.requests == 0 && a->st.conns == 0) {
			a->oc = OC_NO_CONTACT;
			set_why(a, "the device did not contact the update "
			    "server within %lu s", c->wait_ms / 1000);
		} else
			a->oc = OC_REFUSED;
	} else {
		a->oc = OC_UNKNOWN;
		set_why(a, "the device now reports version %s, neither the "
		    "one before (%s) nor the one offered (%s)", a->after,
		    before, v->version);
	}
	asy_tc_log(&s->log, "  server: %u connection(s), %u without a "
	    "request, %u request(s); manifest %u, image %u (%llu of %zu "
	    "bytes%s), signature %u", a->st.conns, a->st.conns_bare,
	    a->st.requests, a->st.gets[0], a->st.gets[1], a->st.sent[1],
	    v->img_len, a->st.whole[1] ? ", whole" : "", a->st.gets[2]);
	asy_tc_log(&s->log, "  version before %s, after %s: %s", before,
	    a->after[0] != '\0' ? a->after : "?",
	    a->oc == OC_INSTALLED ? "INSTALLED" :
	    a->oc == OC_REFUSED ? "refused" :
	    a->oc == OC_TRUSTED ? (strcmp(name, "downgrade") == 0 ?
	    "ACCEPTED THE DOWNGRADED TLS" : "TRUSTED THE ROGUE CERTIFICATE") :
	    a->oc == OC_NO_CONTACT ? "no contact" : "unknown");
	if (a->why != NULL)
		asy_tc_log(&s->log, "  %s", a->why);
	s->not_found += a->st.not_found;
	r = 0;
out:
	free(said);
	asy_buf_release(&out);
	return r;
}

/* Bring the device back to the installed version.  1 done, 0 not, <0. */
static int
restore(struct asy_live *lv, struct asy_tc_upd *s, struct asy_updsrv *srv,
    const char *origin, struct variant *old, const char *from)
{
	const struct asy_lab_update *c = s->cfg;
	struct attempt tmp = { 0 };
	struct asy_buf out;
	char why[512], v[40];
	int r;

	if (c->reset.via != ASY_VIA_NONE) {
		asy_buf_init(&out, STEP_OUT_MAX);
		r = run_step(lv, s, &c->reset, &out, why, sizeof(why));
		asy_buf_release(&out);
		asy_tc_log(&s->log, "reset: %s", r == 0 ? "done" : why);
		if (r == ASY_E_NOMEM)
			return r;
	} else {
		r = offer(lv, s, srv, origin, "restore", "the installed "
		    "genuine image, to bring the device back", old, &tmp,
		    from);
		free(tmp.why);
		if (r < 0)
			return r;
	}
	r = read_version(lv, s, v, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		return r;
	asy_tc_log(&s->log, "after restoring: %s", r == 0 ? v : why);
	return r == 0 && strcmp(v, c->installed.version) == 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Watch the device's own checks: serve "no update" (the version it runs)
 * and record when it asks for the manifest, for observe_ms or until four
 * requests (three intervals) are seen.
 */
static int
observe(struct asy_live *lv, struct asy_tc_upd *s, struct asy_updsrv *srv,
    const char *origin, struct variant *nv, struct variant *ov)
{
	const struct asy_lab_update *c = s->cfg;
	struct variant *v = NULL;
	double t[64], d[63];
	char now[40], why[512];
	long long t0, end;
	size_t n = 0;
	int r;

	r = read_version(lv, s, now, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		return r;
	if (r == 0 && strcmp(now, nv->version) == 0)
		v = nv;
	else if (r == 0 && strcmp(now, ov->version) == 0)
		v = ov;
	if (v == NULL) {
		asy_tc_log(&s->log, "## observe: not run: the device's version "
		    "is %s", r == 0 ? now : why);
		return 0;
	}
	r = serve(srv, s, origin, "observe", v, NULL);
	if (r < 0)
		return r;
	t0 = asy_now_ms();
	end = t0 + (long long)c->observe_ms;
	while (asy_now_ms() < end) {
		n = asy_updsrv_times(srv, 0, t, ASY_ELEMENTSOF(t));
		if (n >= 4)
			break;
		(void)poll(NULL, 0, 250);
	}
	n = asy_updsrv_times(srv, 0, t, ASY_ELEMENTSOF(t));
	s->observed = 1;
	s->obs_window = (double)(asy_now_ms() - t0) / 1000.0;
	s->obs_n = n;
	for (size_t i = 1; i < n; i++)
		d[i - 1] = t[i] - t[i - 1];
	if (n >= 2) {
		qsort(d, n - 1, sizeof(d[0]), cmp_double);
		s->obs_median = d[(n - 1) / 2];
	}
	asy_tc_log(&s->log, "## observe: the device's own checks, %s served "
	    "(no update), watched %.1f s", v->version, s->obs_window);
	for (size_t i = 0; i < n; i++)
		asy_tc_log(&s->log, "  manifest request at +%.1f s",
		    t[i] - (double)t0 / 1000.0);
	if (n >= 2)
		asy_tc_log(&s->log, "  checked on its own %zu times, every "
		    "%.1f s (median)", n, s->obs_median);
	else
		asy_tc_log(&s->log, "  checked on its own %zu time%s", n,
		    n == 1 ? "" : "s");
	free(v->manifest);
	v->manifest = NULL;
	return 0;
}

static int
session(struct asy_live *lv, struct asy_tc_upd *s)
{
	const struct asy_lab_update *c = s->cfg;
	struct asy_updsrv *srv = NULL;
	struct variant nv = { 0 }, ov = { 0 }, tv = { 0 };
	struct asy_buf flipped, padded, badsig;
	char origin[160], why[512], *log_abs = NULL, host[80];
	const char *nname, *oname;
	int r = 0, broken = 0;

	asy_buf_init(&flipped, IMAGE_MAX);
	asy_buf_init(&padded, OVERSIZE_MAX);
	asy_buf_init(&badsig, SIG_MAX);
	s->done = 1;
	s->by_case = lv->case_id;
	if (s->load_err != NULL) {
		s->fatal = strdup(s->load_err);
		r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
		goto out;
	}
	if (strchr(c->listen, ':') != NULL)
		snprintf(host, sizeof(host), "[%s]", c->listen);
	else
		snprintf(host, sizeof(host), "%s", c->listen);
	snprintf(origin, sizeof(origin), "%s://%s:%u", c->tls ? "https" :
	    "http", host, c->port);
	nname = file_name(c->newer.file, "new.img");
	oname = file_name(c->installed.file, "installed.img");
	if (strcmp(nname, oname) == 0) {
		nname = "new.img";
		oname = "installed.img";
	}
	snprintf(nv.mpath, sizeof(nv.mpath), "%smanifest.json", c->base);
	snprintf(nv.ipath, sizeof(nv.ipath), "%s%s", c->base, nname);
	snprintf(nv.spath, sizeof(nv.spath), "%s%s.sig", c->base, nname);
	memcpy(ov.mpath, nv.mpath, sizeof(ov.mpath));
	snprintf(ov.ipath, sizeof(ov.ipath), "%s%s", c->base, oname);
	snprintf(ov.spath, sizeof(ov.spath), "%s%s.sig", c->base, oname);
	s->url = asy_strdup_printf("%s%s", origin, nv.mpath);
	if (s->url == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	nv.img = s->img_new.data;
	nv.img_len = s->img_new.len;
	nv.sig = c->sig_alg != NULL ? s->sig_new.data : NULL;
	nv.sig_len = s->sig_new.len;
	nv.cut = (size_t)-1;
	nv.version = c->newer.version;
	ov.img = s->img_old.data;
	ov.img_len = s->img_old.len;
	ov.sig = c->sig_alg != NULL ? s->sig_old.data : NULL;
	ov.sig_len = s->sig_old.len;
	ov.cut = (size_t)-1;
	ov.version = c->installed.version;

	asy_tc_log(&s->log, "# update session for %s, %s", s->mech,
	    s->url);
	asy_tc_log(&s->log, "installed %s (%zu bytes), new %s (%zu bytes), "
	    "signature %s", c->installed.version, s->img_old.len,
	    c->newer.version, s->img_new.len, c->sig_alg != NULL ?
	    c->sig_alg : "none declared");
	/* The request log beside the transcripts: .log, not .txt. */
	s->server_log = asy_strdup_printf("transcripts/%s-update-%s.log",
	    lv->case_id != NULL ? lv->case_id : "run", s->mech);
	if (s->server_log == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (char *p = s->server_log + strlen("transcripts/"); *p != '\0';
	    p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	{
		char *dir = asy_path_join(lv->work, "transcripts");

		r = dir != NULL ? asy_mkdir_p(dir, 0755) : ASY_E_NOMEM;
		free(dir);
		if (r < 0)
			goto out;
	}
	log_abs = asy_path_join(lv->work, s->server_log);
	if (log_abs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = start_server(s, log_abs, SRV_LAB, &srv, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		s->fatal = asy_strdup_printf("the update server cannot start "
		    "on %s: %s", origin, why);
		s->fatal_harness = 1;
		r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
		goto out;
	}

	/* Where the device stands. */
	r = read_version(lv, s, s->v0, why, sizeof(why));
	if (r == 0 && strcmp(s->v0, c->installed.version) != 0 &&
	    c->reset.via != ASY_VIA_NONE) {
		asy_tc_log(&s->log, "the device runs %s, not %s: reset first",
		    s->v0, c->installed.version);
		r = restore(lv, s, srv, origin, &ov, s->v0);
		if (r < 0)
			goto out;
		r = read_version(lv, s, s->v0, why, sizeof(why));
	}
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		s->fatal = asy_strdup_printf("the installed version cannot be "
		    "read: %s", why);
		r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
		goto out;
	}
	asy_tc_log(&s->log, "installed version: %s", s->v0);
	if (strcmp(s->v0, c->installed.version) != 0) {
		s->fatal = asy_strdup_printf("the device runs version %s, but "
		    "the lab config's installed image is %s; bring the device "
		    "to %s, or give a <reset> step", s->v0,
		    c->installed.version, c->installed.version);
		r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
		goto out;
	}
	if (c->point.via != ASY_VIA_NONE) {
		struct asy_buf out;

		asy_buf_init(&out, STEP_OUT_MAX);
		r = run_step(lv, s, &c->point, &out, why, sizeof(why));
		asy_buf_release(&out);
		if (r == ASY_E_NOMEM)
			goto out;
		if (r < 0) {
			s->fatal = asy_strdup_printf("pointing the device at "
			    "%s failed: %s", s->url, why);
			r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
			goto out;
		}
		asy_tc_log(&s->log, "pointed the device at %s", s->url);
	}

	for (int k = 0; k < AT_N; k++) {
		struct attempt *a = &s->at[k];
		struct variant *v = &tv;

		if (broken) {
			set_why(a, "not run: the device could not be brought "
			    "back to version %s", c->installed.version);
			continue;
		}
		tv = nv;
		tv.manifest = NULL;
		switch (k) {
		case AT_FLIPPED:
			r = asy_buf_add(&flipped, nv.img, nv.img_len);
			if (r < 0)
				goto out;
			if (flipped.len > 0)
				flipped.data[flipped.len / 2] ^= 0x01;
			tv.img = flipped.data;
			break;
		case AT_UNSIGNED:
			if (c->sig_alg == NULL) {
				set_why(a, "not applicable: the lab config "
				    "declares no signature for this "
				    "mechanism's images");
				continue;
			}
			tv.sig = NULL;
			break;
		case AT_WRONG_KEY:
			if (c->sig_alg == NULL) {
				set_why(a, "not applicable: the lab config "
				    "declares no signature for this "
				    "mechanism's images");
				continue;
			}
			r = asy_pki_sign_fresh(c->sig_alg, nv.img, nv.img_len,
			    &badsig, why, sizeof(why));
			if (r < 0)
				goto out;
			tv.sig = badsig.data;
			tv.sig_len = badsig.len;
			break;
		case AT_OVERSIZE: {
			size_t want = c->max_size != 0 ? c->max_size + 4096 :
			    nv.img_len * 4 + ((size_t)1 << 20);

			if (want > OVERSIZE_MAX)
				want = OVERSIZE_MAX;
			if (want <= nv.img_len) {
				set_why(a, "not run: the declared maximum "
				    "is above what assay serves (%zu bytes)",
				    (size_t)OVERSIZE_MAX);
				continue;
			}
			r = asy_buf_add(&padded, nv.img, nv.img_len);
			while (r == 0 && padded.len < want) {
				static const char zeros[4096];
				size_t n = want - padded.len;

				r = asy_buf_add(&padded, zeros, n <
				    sizeof(zeros) ? n : sizeof(zeros));
			}
			if (r < 0)
				goto out;
			tv.img = padded.data;
			tv.img_len = padded.len;
			break;
		}
		case AT_INTERRUPTED:
			tv.cut = nv.img_len / 2;
			break;
		case AT_MITM:
			if (!c->tls) {
				set_why(a, "not applicable: the mechanism "
				    "uses plain HTTP, so there is no server "
				    "certificate to forge; every other attempt "
				    "is what a man in the middle would serve");
				continue;
			}
			asy_updsrv_stop(srv);
			srv = NULL;
			r = start_server(s, log_abs, SRV_ROGUE, &srv, why,
			    sizeof(why));
			if (r < 0) {
				set_why(a, "not run: the server with the "
				    "rogue certificate cannot start: %s", why);
				r = 0;
				goto restart;
			}
			break;
		case AT_DOWNGRADE:
			if (!c->tls) {
				set_why(a, "not applicable: the mechanism "
				    "uses plain HTTP, so there is no TLS to "
				    "downgrade");
				continue;
			}
			asy_updsrv_stop(srv);
			srv = NULL;
			r = start_server(s, log_abs, SRV_LEGACY, &srv, why,
			    sizeof(why));
			if (r < 0) {
				set_why(a, "not run: the server of TLS 1.0 "
				    "and 1.1 cannot start: %s", why);
				r = 0;
				goto restart;
			}
			break;
		case AT_GENUINE:
			break;
		case AT_ROLLBACK:
			if (s->at[AT_GENUINE].oc != OC_INSTALLED) {
				set_why(a, "not run: the newer genuine image "
				    "did not install, so there is nothing to "
				    "roll back from");
				continue;
			}
			v = &ov;
			break;
		}
		r = offer(lv, s, srv, origin, attempts[k].name,
		    attempts[k].what, v, a,
		    k == AT_ROLLBACK ? c->newer.version : c->installed.version);
		free(tv.manifest);
		tv.manifest = NULL;
		free(ov.manifest);
		ov.manifest = NULL;
		if (r < 0)
			goto out;
restart:
		if (k == AT_MITM || k == AT_DOWNGRADE) {
			asy_updsrv_stop(srv);
			srv = NULL;
			r = start_server(s, log_abs, SRV_LAB, &srv, why,
			    sizeof(why));
			if (r < 0) {
				s->fatal = asy_strdup_printf("the update server "
				    "cannot start again: %s", why);
				s->fatal_harness = 1;
				r = s->fatal != NULL ? 0 : ASY_E_NOMEM;
				goto out;
			}
		}
		if (k == AT_GENUINE || k == AT_ROLLBACK)
			continue;
		if (a->oc == OC_INSTALLED || a->oc == OC_UNKNOWN ||
		    (a->oc == OC_TRUSTED && strcmp(a->after,
		    c->installed.version) != 0)) {
			r = restore(lv, s, srv, origin, &ov, a->after[0] != '\0' ?
			    a->after : "?");
			free(ov.manifest);
			ov.manifest = NULL;
			if (r < 0)
				goto out;
			broken = r == 0;
		}
	}
	if (!broken && c->observe_ms > 0) {
		r = observe(lv, s, srv, origin, &nv, &ov);
		if (r < 0)
			goto out;
	}
	for (int k = 0; k < AT_N; k++)
		if (s->at[k].oc == OC_NOT_RUN && s->at[k].why != NULL)
			asy_tc_log(&s->log, "## %s: %s", attempts[k].name,
			    s->at[k].why);
	/* Leave the device as found when the lab can. */
	r = read_version(lv, s, s->v_end, why, sizeof(why));
	if (r == 0 && strcmp(s->v_end, c->installed.version) != 0 &&
	    c->reset.via != ASY_VIA_NONE) {
		r = restore(lv, s, srv, origin, &ov, s->v_end);
		if (r < 0)
			goto out;
		r = read_version(lv, s, s->v_end, why, sizeof(why));
	}
	if (r == ASY_E_NOMEM)
		goto out;
	asy_tc_log(&s->log, "left at version %s", r == 0 ? s->v_end : "?");
	r = 0;
out:
	asy_updsrv_stop(srv);
	asy_ssh_close(s->ssh);
	s->ssh = NULL;
	free(nv.manifest);
	free(ov.manifest);
	free(log_abs);
	asy_buf_release(&flipped);
	asy_buf_release(&padded);
	asy_buf_release(&badsig);
	if (r == 0 && s->fatal != NULL)
		asy_tc_log(&s->log, "stopped: %s", s->fatal);
	if (r == 0) {
		char name[96];

		snprintf(name, sizeof(name), "update-%s", s->mech);
		r = asy_tc_transcript_save(lv, name, 0, &s->log,
		    &s->transcript);
	}
	return r;
}

/* ---- Units -------------------------------------------------------------- */

static struct asy_tc_upd *
find_session(struct asy_live *lv, const char *mech)
{
	struct asy_tc_state *tc = asy_tc_state(lv);

	for (size_t i = 0; tc != NULL && i < tc->n_upd; i++)
		if (strcmp(tc->upd[i].mech, mech) == 0)
			return &tc->upd[i];
	return NULL;
}

static int
evidence(struct asy_live *lv, struct asy_tc_upd *s,
    struct asy_unit_result *u)
{
	int r = 0;

	if (s->transcript != NULL)
		r = asy_unit_add_evidence(u, s->transcript, "transcript",
		    "the update session: every attempt, versions before and "
		    "after, the device's answers");
	if (r == 0 && s->server_log != NULL)
		r = asy_unit_add_evidence(u, s->server_log, "log",
		    "the update server's request log");
	if (r == 0 && s->by_case != NULL && lv->case_id != NULL &&
	    strcmp(s->by_case, lv->case_id) != 0) {
		char *p = asy_strdup_printf("pcap/%s.pcap", s->by_case);

		r = p != NULL ? asy_unit_add_evidence(u, p, "pcap",
		    "the update session's traffic") : ASY_E_NOMEM;
		free(p);
	}
	return r;
}

/* "flipped: refused; unsigned: refused; ..." for the attempts in mask. */
static int
summary(const struct asy_tc_upd *s, unsigned mask, struct asy_buf *b)
{
	for (int k = 0; k < AT_N; k++) {
		const struct attempt *a = &s->at[k];

		if (!(mask & (1u << k)))
			continue;
		if (b->len > 0)
			asy_buf_puts(b, "; ");
		switch (a->oc) {
		case OC_REFUSED:
			if ((k == AT_MITM || k == AT_DOWNGRADE) &&
			    a->st.requests == 0) {
				asy_buf_printf(b, "%s refused (no TLS "
				    "handshake completed: %u connection%s "
				    "without a request; version stayed %s)",
				    attempts[k].name, a->st.conns_bare,
				    a->st.conns_bare == 1 ? "" : "s",
				    a->after);
				break;
			}
			asy_buf_printf(b, "%s refused (version stayed %s%s)",
			    attempts[k].name, a->after,
			    a->st.gets[1] == 0 ? ", image not fetched" :
			    a->st.whole[1] ? ", image fetched whole" :
			    ", image fetched in part");
			break;
		case OC_INSTALLED:
			asy_buf_printf(b, "%s INSTALLED (%s -> %s)",
			    attempts[k].name, a->before, a->after);
			break;
		case OC_TRUSTED:
			asy_buf_printf(b, "%s: %s", attempts[k].name, a->why);
			break;
		default:
			asy_buf_printf(b, "%s: %s", attempts[k].name,
			    a->why != NULL ? a->why : "not run");
			break;
		}
	}
	return asy_buf_putc(b, '\0');
}

/* The verdict over the attempts in mask: FAIL when one was installed or
 * trusted, INCONCLUSIVE when one could not be decided, else PASS. */
static int
judge(struct asy_tc_upd *s, unsigned mask, const char *pass_words,
    struct asy_unit_result *u)
{
	struct asy_buf b;
	int fail = 0, open = 0, ran = 0, r;
	const struct attempt *g = &s->at[AT_GENUINE];

	for (int k = 0; k < AT_N; k++) {
		if (!(mask & (1u << k)))
			continue;
		switch (s->at[k].oc) {
		case OC_INSTALLED:
		case OC_TRUSTED:
			fail = 1;
			ran = 1;
			break;
		case OC_REFUSED:
			ran = 1;
			break;
		case OC_NOT_RUN:
			if (s->at[k].why != NULL &&
			    strncmp(s->at[k].why, "not applicable", 14) == 0)
				break;
			open = 1;
			break;
		default:
			open = 1;
			break;
		}
	}
	asy_buf_init(&b, 16384);
	r = summary(s, mask, &b);
	if (r < 0)
		goto out;
	if (fail)
		r = asy_unit_set(u, ASY_V_FAIL, "%s accepted a misuse "
		    "attempt: %s", s->mech, b.data);
	else if (g->oc != OC_INSTALLED)
		/* Refusals prove nothing when the genuine image is refused
		 * as well. */
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: the genuine "
		    "image did not install either (%s), so the refusals do "
		    "not show that the device checks anything; %s",
		    s->mech, g->why != NULL ? g->why : g->oc == OC_REFUSED ?
		    "refused" : "not run", b.data);
	else if (open || !ran)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: not every "
		    "attempt could be decided: %s", s->mech, b.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "%s %s, and installed the "
		    "genuine %s: %s", s->mech, pass_words, g->after, b.data);
out:
	asy_buf_release(&b);
	return r;
}

/* 5.3-4A-2 a: the device checks on its own, as often as declared. */
static int
auto_unit(const struct asy_tc_upd *s, const struct asy_ixit_row *mech,
    struct asy_unit_result *u)
{
	const char *checking = asy_ixit_get(mech, "checking");
	double decl = checking != NULL ? asy_tc_interval_s(checking) : -1;
	char *shown = checking != NULL ? asy_printable(checking,
	    strlen(checking), 120) : NULL;
	int r;

	if (!s->observed)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: the device's own "
		    "checks were not watched; add observe=\"SECONDS\" (twice "
		    "the declared interval or more) to the <update> of the lab "
		    "config", s->mech);
	else if (decl <= 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: the IXIT's update "
		    "checking (\"%s\") names no interval to compare with; the "
		    "device checked %zu times in %.0f s", s->mech,
		    shown != NULL ? shown : "", s->obs_n, s->obs_window);
	else if (s->at[AT_GENUINE].oc != OC_INSTALLED)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: the genuine image "
		    "did not install when offered, so the server's address may "
		    "not be the one the device uses", s->mech);
	else if (s->obs_n < 2 && s->obs_window < 2 * decl + 5)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: %zu check%s in "
		    "%.0f s, too short a watch for the declared interval of "
		    "%.0f s; set observe= to %.0f or more", s->mech, s->obs_n,
		    s->obs_n == 1 ? "" : "s", s->obs_window, decl,
		    2 * decl + 5);
	else if (s->obs_n < 2)
		r = asy_unit_set(u, ASY_V_FAIL, "%s did not check for updates "
		    "on its own as declared (\"%s\"): %zu request%s for the "
		    "manifest in %.0f s", s->mech, shown != NULL ? shown : "",
		    s->obs_n, s->obs_n == 1 ? "" : "s", s->obs_window);
	else if (s->obs_median > 1.5 * decl + 2)
		r = asy_unit_set(u, ASY_V_FAIL, "%s checks for updates every "
		    "%.1f s (median of %zu checks), not every %.0f s as declared "
		    "(\"%s\")", s->mech, s->obs_median, s->obs_n, decl,
		    shown != NULL ? shown : "");
	else
		r = asy_unit_set(u, ASY_V_PASS, "%s checked for updates on its "
		    "own every %.1f s (median of %zu checks in %.0f s), within "
		    "the declared %.0f s (\"%s\"), and installed the genuine "
		    "%s when offered", s->mech, s->obs_median, s->obs_n,
		    s->obs_window, decl, shown != NULL ? shown : "",
		    s->at[AT_GENUINE].after);
	free(shown);
	return r;
}

static int
unit_for(struct asy_live *lv, const struct asy_ixit_row *mech,
    enum asy_upd_unit what, struct asy_unit_result *u)
{
	const char *net = asy_ixit_get(mech, "network");
	struct asy_tc_upd *s;
	int r;

	if (net != NULL && strcmp(net, "no") == 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s is not a "
		    "network mechanism (network: no); an operator applies "
		    "it", mech->id);
	s = find_session(lv, mech->id);
	if (s == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the lab config "
		    "says nothing on how to serve updates to %s; add <update "
		    "mechanism=\"%s\" ...> to DUT %s (see README, Update "
		    "tests)", mech->id, mech->id, lv->dut->name);
	if (!s->done) {
		r = session(lv, s);
		if (r < 0)
			return r;
	}
	r = evidence(lv, s, u);
	if (r < 0)
		return r;
	if (s->fatal != NULL)
		return asy_unit_set(u, s->fatal_harness ? ASY_V_ERROR :
		    ASY_V_INCONCLUSIVE, "%s: %s", s->mech, s->fatal);
	switch (what) {
	case ASY_UPD_INSTALL: {
		const struct attempt *g = &s->at[AT_GENUINE];

		if (g->oc == OC_INSTALLED)
			return asy_unit_set(u, ASY_V_PASS, "%s installed the "
			    "genuine image: version %s -> %s (sha256 %.16s..., "
			    "%zu bytes)", s->mech, g->before, g->after, g->sha,
			    g->size);
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s: the genuine "
		    "image %s did not install (%s); check the images and "
		    "steps in the lab config before concluding on the "
		    "device", s->mech, s->cfg->newer.version,
		    g->why != NULL ? g->why : g->oc == OC_REFUSED ?
		    "the version stayed" : "not run");
	}
	case ASY_UPD_PREPARE: {
		size_t n = 0;

		for (int k = 0; k < AT_N; k++)
			if (s->at[k].oc != OC_NOT_RUN)
				n++;
		return asy_unit_set(u, ASY_V_PASS, "%zu scenarios prepared "
		    "and served for %s from %s: interception (assay as the "
		    "server%s), downgrade (%s after %s), altered images "
		    "(flipped byte, padding%s), interrupted transfer "
		    "(cut at half)", n, s->mech, s->url, s->cfg->tls ?
		    ", a certificate from an unknown CA and a server of TLS 1.0 "
		    "and 1.1 only" : "",
		    s->cfg->installed.version, s->cfg->newer.version,
		    s->cfg->sig_alg != NULL ? ", stripped and wrong-key "
		    "signatures" : "");
	}
	case ASY_UPD_MISUSE:
		return judge(s, MISUSE_MASK, "refused every misuse attempt",
		    u);
	case ASY_UPD_VERIFY:
		return judge(s, VERIFY_MASK, "rejected the unsigned and "
		    "altered images", u);
	case ASY_UPD_AUTO:
		return auto_unit(s, mech, u);
	case ASY_UPD_ENDPOINTS:
		if (s->not_found > 0)
			return asy_unit_set(u, ASY_V_INCONCLUSIVE, "during the "
			    "update session the device asked %u time%s for "
			    "paths other than the ones served (see the "
			    "server's log); they may be update endpoints the "
			    "IXIT does not name", s->not_found,
			    s->not_found == 1 ? "" : "s");
		return asy_unit_set(u, ASY_V_PASS, "during the update "
		    "session the device fetched only the manifest, image and "
		    "signature served at the declared mechanism's address "
		    "(%s)", s->url);
	}
	return asy_unit_set(u, ASY_V_ERROR, "unknown update unit");
}

int
asy_tc_update(struct asy_live *lv, const struct asy_ixit_row *mech,
    enum asy_upd_unit what, struct asy_unit_result *u)
{
	size_t n = 0;
	int r;

	if (mech != NULL)
		return unit_for(lv, mech, what, u);
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		struct asy_unit_result part = { 0 };

		if (strcmp(row->table->id, "7-UpdMech") != 0)
			continue;
		n++;
		r = unit_for(lv, row, what, &part);
		if (r == 0)
			r = asy_tc_fold(u, &part, row->id);
		asy_tc_part_release(&part);
		if (r < 0)
			return r;
	}
	if (n == 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the IXIT declares "
		    "no update mechanism (7-UpdMech), so there is nothing to "
		    "serve");
	return 0;
}

int
asy_tc_update_configured(const struct asy_live *lv)
{
	return lv->dut != NULL && lv->dut->n_updates > 0;
}

/* ---- The update channel (11-ComMech) ------------------------------------ */

/* Does the row's carries name updates ("updates", "update", "firmware
 * updates")? */
static int
carries_updates(const struct asy_ixit_row *row)
{
	const char *c = asy_ixit_get(row, "carries");

	return c != NULL && strcasestr(c, "update") != NULL;
}

/* The session whose scheme is the protocol's first word (HTTPS, HTTP). */
static struct asy_tc_upd *
channel_session(struct asy_live *lv, const struct asy_ixit_row *row)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	const char *proto = asy_ixit_get(row, "protocol");
	size_t n;
	int tls;

	if (tc == NULL || proto == NULL)
		return NULL;
	proto += strspn(proto, " \t\n");
	n = strcspn(proto, " \t\n,;/");
	if (n == 5 && strncasecmp(proto, "https", 5) == 0)
		tls = 1;
	else if (n == 4 && strncasecmp(proto, "http", 4) == 0)
		tls = 0;
	else
		return NULL;
	for (size_t i = 0; i < tc->n_upd; i++)
		if (tc->upd[i].cfg->tls == tls)
			return &tc->upd[i];
	return NULL;
}

/* What the session's server-side attempts say of the channel: appended to
 * b; 1 when one shows a weakness, 0 when not, 2 when the downgrade could
 * not be decided. */
static int
channel_attempts(const struct asy_tc_upd *s, struct asy_buf *b)
{
	const struct attempt *d = &s->at[AT_DOWNGRADE];
	const struct attempt *m = &s->at[AT_MITM];
	int res = 0;

	if (d->oc == OC_TRUSTED) {
		(void)asy_buf_printf(b, "; FAIL: it accepted a downgrade: %s",
		    d->why);
		res = 1;
	} else if (d->oc == OC_REFUSED && d->st.requests == 0)
		(void)asy_buf_printf(b, "; it refused a server of TLS 1.0 and "
		    "1.1 only (%u connection%s, no request, version stayed %s)",
		    d->st.conns, d->st.conns == 1 ? "" : "s", d->after);
	else {
		(void)asy_buf_printf(b, "; the downgrade (a server of TLS 1.0 "
		    "and 1.1 only) was not decided: %s", d->why != NULL ?
		    d->why : d->oc == OC_REFUSED ? "the version stayed, but "
		    "requests were made" : "not run");
		res = 2;
	}
	if (m->oc == OC_TRUSTED) {
		(void)asy_buf_printf(b, "; FAIL: it does not verify the "
		    "server: %s", m->why);
		res = 1;
	} else if (m->oc == OC_REFUSED && m->st.requests == 0)
		(void)asy_buf_printf(b, "; it verifies the server (the update "
		    "session's mitm attempt: a certificate from an unknown CA "
		    "was refused)");
	else
		(void)asy_buf_printf(b, "; whether it verifies the server is "
		    "not known (mitm: %s)", m->why != NULL ? m->why :
		    "not decided");
	return res;
}

int
asy_tc_update_channel(struct asy_live *lv, const struct asy_ixit_row *row,
    struct asy_unit_result *u)
{
	struct asy_tls_seen *seen = NULL;
	struct asy_tc_upd *s;
	struct asy_buf b;
	size_t n = 0;
	char *rel = NULL, *abs = NULL, why[512];
	int r, weak, att;

	if (!carries_updates(row))
		return 0;
	s = channel_session(lv, row);
	if (s == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s names no port "
		    "of the device: the device opens this channel itself, and "
		    "the lab config gives no <update> session for it (add one "
		    "with the scheme of its protocol to observe the channel; "
		    "see README, Update tests)", row->id) < 0 ? ASY_E_NOMEM :
		    1;
	if (!s->done) {
		r = session(lv, s);
		if (r < 0)
			return r;
	}
	r = evidence(lv, s, u);
	if (r < 0)
		return r;
	if (s->fatal != NULL)
		return asy_unit_set(u, s->fatal_harness ? ASY_V_ERROR :
		    ASY_V_INCONCLUSIVE, "%s is the update channel of %s, whose "
		    "session did not run: %s", row->id, s->mech, s->fatal) < 0 ?
		    ASY_E_NOMEM : 1;
	if (!s->cfg->tls)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s is the update "
		    "channel of %s, served over plain HTTP as the lab config "
		    "says: there is no TLS to judge (5.3-x-2 judge the "
		    "images)", row->id, s->mech) < 0 ? ASY_E_NOMEM : 1;
	rel = asy_strdup_printf("pcap/%s.pcap", s->by_case != NULL ?
	    s->by_case : "run");
	abs = rel != NULL ? asy_path_join(lv->work, rel) : NULL;
	asy_buf_init(&b, 32768);
	if (abs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	/* What the current case just captured is written within a
	 * dispatch. */
	if (s->by_case != NULL && lv->case_id != NULL &&
	    strcmp(s->by_case, lv->case_id) == 0)
		(void)poll(NULL, 0, 300);
	r = asy_pcap_client_hellos(abs, s->cfg->listen, s->cfg->port, 0, &seen,
	    &n, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s is the update "
		    "channel of %s, but the session's capture cannot be read: "
		    "%s", row->id, s->mech, why);
		goto done;
	}
	(void)asy_buf_printf(&b, "%s is the update channel of %s (carries "
	    "updates; assay served it at %s): ", row->id, s->mech, s->url);
	weak = 0;
	if (n > 0) {
		struct asy_buf decl;
		static const char *const f[] = { "protocol", "crypto", NULL };

		asy_buf_init(&decl, 16384);
		r = asy_tc_row_text(row, f, &decl);
		if (r == 0 || r == ASY_E_TOOBIG) {
			(void)asy_buf_printf(&b, "in %s the device's ", rel);
			r = asy_tls_hellos_judge(seen, n, decl.data, &b);
		}
		asy_buf_release(&decl);
		if (r < 0)
			goto out;
		weak = r;
	} else
		(void)asy_buf_printf(&b, "no ClientHello of the device to "
		    "%s:%u in %s", s->cfg->listen, s->cfg->port, rel);
	att = channel_attempts(s, &b);
	if (asy_buf_putc(&b, '\0') < 0) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (weak || att == 1)
		r = asy_unit_set(u, ASY_V_FAIL, "%s", b.data);
	else if (n == 0 || att == 2)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s", b.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "%s", b.data);
	if (r == 0 && n > 0) {
		struct asy_buf note;

		asy_buf_init(&note, 4096);
		(void)asy_buf_puts(&note, "the update session's traffic; the "
		    "device's ClientHellos in frames");
		for (size_t i = 0; i < n && i < 32; i++)
			(void)asy_buf_printf(&note, "%s %lu", i ? "," : "",
			    seen[i].frame);
		r = asy_buf_putc(&note, '\0');
		/* evidence() named the pcap of another case already. */
		for (size_t i = 0; r == 0 && i < u->n_ev; i++)
			if (strcmp(u->ev[i].path, rel) == 0) {
				free(u->ev[i].note);
				u->ev[i].note = asy_buf_steal(&note);
				r = u->ev[i].note != NULL ? 1 : ASY_E_NOMEM;
			}
		if (r == 0)
			r = asy_unit_add_evidence(u, rel, "pcap", note.data);
		else if (r == 1)
			r = 0;
		asy_buf_release(&note);
	}
done:
	if (r == 0)
		r = 1;
out:
	free(seen);
	free(rel);
	free(abs);
	asy_buf_release(&b);
	return r;
}
