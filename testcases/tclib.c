/*
 * The functional test library (see tclib.h): services, transcripts,
 * secrets, the login probers for the guessing engine, authentication
 * surfaces and what answers without authentication.  Secure channels and
 * cleartext are in tcchan.c.
 */
#include "tclib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "catalogue.h"
#include "coap.h"
#include "conn.h"
#include "error.h"
#include "ftpc.h"
#include "httpc.h"
#include "log.h"
#include "sha256.h"
#include "mqtt.h"
#include "snmp.h"
#include "sshc.h"
#include "tcstate.h"
#include "telnet.h"
#include "util.h"

#define NOTE_MAX	((size_t)64 << 10)	/* a transcript's cap */

/* ---- State -------------------------------------------------------------- */

struct asy_tc_state *
asy_tc_state(struct asy_live *lv)
{
	if (lv->tc == NULL)
		lv->tc = calloc(1, sizeof(*lv->tc));
	return lv->tc;
}

void
asy_tc_state_free(struct asy_tc_state *tc)
{
	if (tc == NULL)
		return;
	for (size_t i = 0; i < tc->n_surf; i++) {
		struct asy_surface *s = &tc->surf[i];

		free(s->note);
		free(s->found_user);
		free(s->found_pass);
		free(s->transcript);
	}
	free(tc->surf);
	free(tc->surf_transcript);
	asy_disclosures_release(&tc->unauth.found);
	free(tc->unauth.transcript);
	free(tc->unauth.sources);
	for (size_t i = 0; i < tc->n_chan; i++) {
		if (tc->chan[i].free_data != NULL)
			tc->chan[i].free_data(tc->chan[i].data);
		free(tc->chan[i].transcript);
	}
	free(tc->chan);
	asy_credlist_release(&tc->defaults);
	asy_credlist_release(&tc->communities);
	asy_tc_upd_free(tc->upd, tc->n_upd);
	asy_console_result_release(&tc->con);
	free(tc->con_transcript);
	asy_tc_outages_free(tc->outages);
	asy_tc_erase_free(tc->erase);
	asy_tc_priv_free(tc->priv);
	asy_tc_credchg_free(tc->credchg);
	asy_tc_wifi_release(tc);
	free(tc);
}

/* ---- Services ----------------------------------------------------------- */

static const char *const kind_names[] = {
	[ASY_PK_OTHER] = "other",
	[ASY_PK_SSH] = "ssh",
	[ASY_PK_TELNET] = "telnet",
	[ASY_PK_HTTP] = "http",
	[ASY_PK_HTTPS] = "https",
	[ASY_PK_MQTT] = "mqtt",
	[ASY_PK_MQTTS] = "mqtts",
	[ASY_PK_SNMP] = "snmp",
	[ASY_PK_FTP] = "ftp",
	[ASY_PK_COAP] = "coap",
	[ASY_PK_RTSP] = "rtsp",
};

const char *
asy_proto_kind_name(enum asy_proto_kind k)
{
	return (size_t)k < ASY_ELEMENTSOF(kind_names) ? kind_names[k] : "?";
}

const char *
asy_tc_addr(const struct asy_live *lv)
{
	if (lv->dut->ipv4 != NULL && asy_lab_in_scope(lv->lab, lv->dut->ipv4))
		return lv->dut->ipv4;
	if (lv->dut->ipv6 != NULL && asy_lab_in_scope(lv->lab, lv->dut->ipv6))
		return lv->dut->ipv6;
	return NULL;
}

/* nmap's service names, then well-known ports when nmap had none. */
static const struct {
	const char	*name;
	unsigned	 port;
	enum asy_proto_kind	 plain, tls;
} kinds[] = {
	{ "ssh",		22,	ASY_PK_SSH,	ASY_PK_SSH },
	{ "telnet",		23,	ASY_PK_TELNET, ASY_PK_OTHER },
	{ "http",		80,	ASY_PK_HTTP,	ASY_PK_HTTPS },
	{ "http-alt",		8080,	ASY_PK_HTTP,	ASY_PK_HTTPS },
	{ "http-proxy",		0,	ASY_PK_HTTP,	ASY_PK_HTTPS },
	{ "https",		443,	ASY_PK_HTTPS,	ASY_PK_HTTPS },
	{ "https-alt",		8443,	ASY_PK_HTTPS,	ASY_PK_HTTPS },
	{ "mqtt",		1883,	ASY_PK_MQTT,	ASY_PK_MQTTS },
	{ "secure-mqtt",	8883,	ASY_PK_MQTTS,	ASY_PK_MQTTS },
	{ "snmp",		161,	ASY_PK_SNMP,	ASY_PK_SNMP },
	{ "ftp",		21,	ASY_PK_FTP,	ASY_PK_OTHER },
	{ "rtsp",		554,	ASY_PK_RTSP,	ASY_PK_OTHER },
	{ "rtsp-alt",		8554,	ASY_PK_RTSP,	ASY_PK_OTHER },
};

enum asy_proto_kind
asy_tc_kind(const struct asy_observed *o)
{
	const char *name = o->svc != NULL ? o->svc->name : NULL;
	int tls = o->svc != NULL && o->svc->tunnel != NULL &&
	    strcmp(o->svc->tunnel, "ssl") == 0;

	if (strcmp(o->proto, "udp") == 0 && (o->port == 5683 ||
	    (name && strcmp(name, "coap") == 0)))
		return ASY_PK_COAP;
	if (strcmp(o->proto, "udp") == 0)
		return o->port == 161 || (name && strcmp(name, "snmp") == 0) ?
		    ASY_PK_SNMP : ASY_PK_OTHER;
	for (size_t i = 0; name != NULL && i < ASY_ELEMENTSOF(kinds); i++)
		if (strcmp(name, kinds[i].name) == 0)
			return tls ? kinds[i].tls : kinds[i].plain;
	for (size_t i = 0; i < ASY_ELEMENTSOF(kinds); i++)
		if (kinds[i].port != 0 && kinds[i].port == o->port &&
		    kinds[i].plain != ASY_PK_SNMP)
			return tls ? kinds[i].tls : kinds[i].plain;
	return ASY_PK_OTHER;
}

const struct asy_observed *
asy_tc_service(const struct asy_live *lv, const char *proto, unsigned port)
{
	if (lv->obs == NULL)
		return NULL;
	for (size_t i = 0; i < lv->obs->n; i++) {
		const struct asy_observed *o = &lv->obs->v[i];

		if (o->svc != NULL && o->port == port &&
		    strcmp(o->proto, proto) == 0)
			return o;
	}
	return NULL;
}

unsigned
asy_tc_port_in(const char *text)
{
	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		unsigned long v = 0;
		const char *q;

		if (strncasecmp(p, "tcp", 3) != 0 && strncasecmp(p, "udp", 3)
		    != 0)
			continue;
		q = p + 3;
		if (*q == '/' || *q == ' ')
			q++;
		if (*q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9' && v <= 65535)
			v = v * 10 + (unsigned long)(*q++ - '0');
		if (v >= 1 && v <= 65535)
			return (unsigned)v;
	}
	return 0;
}

int
asy_tc_row_text(const struct asy_ixit_row *row, const char *const *fields,
    struct asy_buf *out)
{
	int r = 0;

	for (size_t i = 0; row != NULL && fields[i] != NULL && r == 0; i++) {
		const char *v = asy_ixit_get(row, fields[i]);

		if (v == NULL || *v == '\0')
			continue;
		if (out->len > 0)
			r = asy_buf_puts(out, "; ");
		if (r == 0)
			r = asy_buf_puts(out, v);
	}
	return r;
}

/* ---- Evidence ----------------------------------------------------------- */

/* "transcripts/5.1-1-2-surfaces.txt": names are ours, made safe anyway. */
static char *
transcript_rel(const struct asy_live *lv, const char *name)
{
	char *rel = asy_strdup_printf("transcripts/%s-%s.txt",
	    lv->case_id ? lv->case_id : "run", name);

	for (char *p = rel ? rel + strlen("transcripts/") : NULL;
	    p != NULL && *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '_';
	return rel;
}

/* The run folder's transcripts/, created on first use. */
static int
transcripts_dir(const struct asy_live *lv)
{
	char *dir = asy_path_join(lv->work, "transcripts");
	int r;

	if (dir == NULL)
		return ASY_E_NOMEM;
	r = asy_mkdir_p(dir, 0755);
	free(dir);
	return r;
}

/* Save text as a transcript; *rel_out gets its relative path. */
static int
save_transcript(struct asy_live *lv, const char *name,
    const struct asy_buf *text, char **rel_out)
{
	char *rel = NULL, *abs = NULL, *dir = NULL;
	struct asy_buf empty;
	int r;

	asy_buf_init(&empty, 1);
	rel = transcript_rel(lv, name);
	dir = asy_path_join(lv->work, "transcripts");
	abs = rel ? asy_path_join(lv->work, rel) : NULL;
	if (rel == NULL || dir == NULL || abs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_mkdir_p(dir, 0755);
	if (r < 0)
		goto out;
	r = asy_buf_save_file(text != NULL && text->data != NULL ? text :
	    &empty, abs);
	if (r < 0)
		goto out;
	*rel_out = rel;
	rel = NULL;
out:
	free(rel);
	free(abs);
	free(dir);
	return r;
}

int
asy_tc_transcript_save(struct asy_live *lv, const char *name, unsigned port,
    const struct asy_buf *t, char **rel)
{
	char full[96];

	if (port != 0)
		snprintf(full, sizeof(full), "%s-%u", name, port);
	else
		snprintf(full, sizeof(full), "%s", name);
	return save_transcript(lv, full, t, rel);
}

int
asy_tc_transcript(struct asy_live *lv, struct asy_unit_result *u,
    const char *name, const struct asy_buf *text, const char *note)
{
	char *rel = NULL;
	int r;

	r = save_transcript(lv, name, text, &rel);
	if (r < 0)
		return r;
	r = asy_unit_add_evidence(u, rel, "transcript", note);
	free(rel);
	return r;
}

/* ---- Secrets ------------------------------------------------------------ */

const char *
asy_tc_secret(const struct asy_live *lv, const char *row_id, int ssh_key,
    const char **user)
{
	const struct asy_lab_cred *c = asy_lab_cred_for(lv->dut, row_id,
	    ssh_key);

	*user = NULL;
	if (c == NULL)
		return NULL;
	*user = c->user;
	return asy_live_secret(lv, c, NULL);
}

/* ---- Login probers ------------------------------------------------------ */

struct prober_cfg {
	char		 addr[64];
	unsigned	 port;
	unsigned long	 timeout_ms;
	int		 tls;
	char		 path[160];	/* HTTP, RTSP */
	enum asy_http_auth auth;	/* HTTP, RTSP */
	int		 rtsp;
};

struct sess {
	const struct prober_cfg	*cfg;
	struct asy_ssh		*ssh;
	struct asy_telnet	*tn;
	struct asy_http		*http;
	struct asy_ftp		*ftp;
	int			 done;	/* logged in: reopen for the next */
};

static int
sess_new(const void *cfg, struct sess **out)
{
	struct sess *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return ASY_E_NOMEM;
	s->cfg = cfg;
	*out = s;
	return 0;
}

static void
sess_close(void *p)
{
	struct sess *s = p;

	if (s == NULL)
		return;
	asy_ssh_close(s->ssh);
	asy_telnet_close(s->tn);
	asy_http_free(s->http);
	asy_ftp_close(s->ftp);
	free(s);
}

static int
ssh_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct prober_cfg *c = cfg;
	struct sess *s;
	int r;

	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	r = asy_ssh_open(c->addr, c->port, c->timeout_ms, user, &s->ssh, why,
	    why_len);
	if (r < 0) {
		sess_close(s);
		return r;
	}
	*out = s;
	return 0;
}

static int
ssh_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	int r;

	if (s->done)
		return ASY_E_CLOSED;
	r = asy_ssh_password(s->ssh, pass);
	if (r == 1)
		s->done = 1;
	return r;
}

static const struct asy_guess_ops ssh_ops = {
	"ssh", ssh_open, ssh_attempt, sess_close, 0,
};

static int
telnet_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct prober_cfg *c = cfg;
	struct sess *s;
	int r;

	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	r = asy_telnet_open(c->addr, c->port, c->timeout_ms, NULL, &s->tn,
	    why, why_len);
	if (r != 1) {
		sess_close(s);
		if (r >= 0) {
			snprintf(why, why_len, "no login prompt");
			return ASY_E_PROTO;
		}
		return r;
	}
	*out = s;
	return 0;
}

static int
telnet_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	int r;

	if (s->done)
		return ASY_E_CLOSED;
	/* A failed login is answered after the device's delay: allow it. */
	r = asy_telnet_login(s->tn, user, pass, s->cfg->timeout_ms + 5000);
	if (r == 1)
		s->done = 1;
	return r;
}

static const struct asy_guess_ops telnet_ops = {
	"telnet", telnet_open, telnet_attempt, sess_close, 0,
};

static int
http_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct prober_cfg *c = cfg;
	struct asy_http_opts o = { 0 };
	struct sess *s;
	int r;

	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	o.addr = c->addr;
	o.port = c->port;
	o.tls = c->tls;
	o.rtsp = c->rtsp;
	o.timeout_ms = c->timeout_ms;
	o.max_body = 64 << 10;
	r = asy_http_new(&o, &s->http);
	if (r < 0) {
		sess_close(s);
		snprintf(why, why_len, "%s", asy_strerror(r));
		return r;
	}
	*out = s;
	return 0;
}

static int
http_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	struct asy_http_resp resp;
	char why[160];
	int r;

	memset(&resp, 0, sizeof(resp));
	r = asy_http_request(s->http, "GET", s->cfg->path, s->cfg->auth,
	    user, pass, NULL, NULL, 0, &resp, why, sizeof(why));
	if (r < 0)
		return r;
	r = resp.status == 401 || resp.status == 403 ? 0 :
	    resp.status >= 200 && resp.status < 400 ? 1 : ASY_E_PROTO;
	asy_http_resp_release(&resp);
	return r;
}

static const struct asy_guess_ops http_ops = {
	"http", http_open, http_attempt, sess_close, 0,
};

/* RTSP: DESCRIBE of the protected path, the connection kept. */
static int
rtsp_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	struct asy_http_resp resp;
	char why[160];
	int r;

	memset(&resp, 0, sizeof(resp));
	r = asy_http_request(s->http, "DESCRIBE", s->cfg->path, s->cfg->auth,
	    user, pass, NULL, NULL, 0, &resp, why, sizeof(why));
	if (r < 0)
		return r;
	r = resp.status == 401 || resp.status == 403 ? 0 :
	    resp.status >= 200 && resp.status < 300 ? 1 : ASY_E_PROTO;
	asy_http_resp_release(&resp);
	return r;
}

static const struct asy_guess_ops rtsp_ops = {
	"rtsp", http_open, rtsp_attempt, sess_close, 0,
};

static int
ftp_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct prober_cfg *c = cfg;
	struct sess *s;
	int r;

	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	r = asy_ftp_open(c->addr, c->port, c->timeout_ms, NULL, &s->ftp, why,
	    why_len);
	if (r < 0) {
		sess_close(s);
		return r;
	}
	*out = s;
	return 0;
}

/* FTP: USER/PASS on one connection until the server hangs up or one is
 * accepted. */
static int
ftp_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	int r;

	if (s->done)
		return ASY_E_CLOSED;
	/* A failed login is answered after the device's delay: allow it. */
	r = asy_ftp_login(s->ftp, user, pass, s->cfg->timeout_ms + 5000);
	if (r == 1)
		s->done = 1;
	return r;
}

static const struct asy_guess_ops ftp_ops = {
	"ftp", ftp_open, ftp_attempt, sess_close, 0,
};

static int
mqtt_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	struct sess *s;
	int r;

	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	*out = s;
	return 0;
}

/* MQTT: a connection per attempt (a refused CONNECT ends it anyway). */
static int
mqtt_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	struct asy_mqtt_opts o = { 0 };
	struct asy_mqtt *m = NULL;
	char why[160];
	int r, rc = 0;

	o.addr = s->cfg->addr;
	o.port = s->cfg->port;
	o.tls = s->cfg->tls;
	o.timeout_ms = s->cfg->timeout_ms;
	o.user = user;
	o.pass = pass;
	r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
	asy_mqtt_close(m);
	return r;
}

static const struct asy_guess_ops mqtt_ops = {
	"mqtt", mqtt_open, mqtt_attempt, sess_close, 1,
};

/* SNMP: the password is tried as a community; no answer is a refusal. */
static int
snmp_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;
	const char *oids[] = { ASY_OID_SYSNAME };
	struct asy_snmp_var v[1];
	char why[160];
	int r;

	memset(v, 0, sizeof(v));
	if (*pass == '\0')
		return 0;
	r = asy_snmp_get(s->cfg->addr, s->cfg->port, pass, 1, oids, 1,
	    s->cfg->timeout_ms < 1500 ? s->cfg->timeout_ms : 1500, v, why,
	    sizeof(why));
	if (r == 1)
		asy_snmp_vars_release(v, 1);
	return r;
}

static const struct asy_guess_ops snmp_ops = {
	"snmp", mqtt_open, snmp_attempt, sess_close, 1,
};

/* The connection-rate probe: a TCP connection is the whole attempt. */
static int
connect_open(const void *cfg, const char *user, void **out, char *why,
    size_t why_len)
{
	const struct prober_cfg *c = cfg;
	struct asy_conn *k = NULL;
	struct sess *s;
	int r;

	r = asy_conn_open(c->addr, c->port, 0, c->timeout_ms, &k, why,
	    why_len);
	if (r < 0)
		return r;
	asy_conn_close(k);
	r = sess_new(cfg, &s);
	if (r < 0)
		return r;
	*out = s;
	return 0;
}

static int
connect_attempt(void *p, const char *user, const char *pass)
{
	return 0;
}

static const struct asy_guess_ops connect_ops = {
	"tcp-connect", connect_open, connect_attempt, sess_close, 1,
};

static struct prober_cfg *
prober_cfg(struct asy_live *lv, unsigned port)
{
	struct prober_cfg *c = calloc(1, sizeof(*c));
	const char *addr = asy_tc_addr(lv);

	if (c == NULL || addr == NULL) {
		free(c);
		return NULL;
	}
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->port = port;
	c->timeout_ms = lv->lab->budget.timeout_ms;
	return c;
}

const struct asy_guess_ops *
asy_tc_prober(struct asy_live *lv, const struct asy_surface *s, void **cfg)
{
	const struct asy_guess_ops *ops = NULL;
	struct prober_cfg *c;

	switch (s->kind) {
	case ASY_PK_SSH:
		ops = &ssh_ops;
		break;
	case ASY_PK_TELNET:
		ops = &telnet_ops;
		break;
	case ASY_PK_HTTP:
	case ASY_PK_HTTPS:
		ops = s->path[0] != '\0' ? &http_ops : NULL;
		break;
	case ASY_PK_MQTT:
	case ASY_PK_MQTTS:
		ops = &mqtt_ops;
		break;
	case ASY_PK_SNMP:
		ops = &snmp_ops;
		break;
	case ASY_PK_FTP:
		ops = &ftp_ops;
		break;
	case ASY_PK_RTSP:
		ops = s->path[0] != '\0' ? &rtsp_ops : NULL;
		break;
	default:
		break;
	}
	if (ops == NULL)
		return NULL;
	c = prober_cfg(lv, s->port);
	if (c == NULL)
		return NULL;
	c->tls = s->kind == ASY_PK_HTTPS || s->kind == ASY_PK_MQTTS;
	c->rtsp = s->kind == ASY_PK_RTSP;
	snprintf(c->path, sizeof(c->path), "%s", s->path);
	c->auth = strstr(s->method, "Digest") != NULL ? ASY_HTTP_AUTH_DIGEST :
	    ASY_HTTP_AUTH_BASIC;
	*cfg = c;
	return ops;
}

const struct asy_guess_ops *
asy_tc_connect_prober(struct asy_live *lv, unsigned port, void **cfg)
{
	struct prober_cfg *c = prober_cfg(lv, port);

	if (c == NULL)
		return NULL;
	/* A dropped SYN is retried after 1 s: a shorter wait tells a
	 * throttled connection from an accepted one. */
	c->timeout_ms = 1500;
	*cfg = c;
	return &connect_ops;
}

void
asy_tc_prober_free(void *cfg)
{
	free(cfg);
}

/* ---- Surfaces ----------------------------------------------------------- */

/* Is p the first '/' after "scheme://host[:port]" in text? */
static int
after_host(const char *text, const char *p)
{
	const char *q = p;

	while (q > text && (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	    "OPQRSTUVWXYZ0123456789.:[]-", q[-1]) != NULL) && q[-1] != '\0')
		q--;
	return q < p && q - text >= 3 && q[-1] == '/' && q[-2] == '/' &&
	    q[-3] == ':';
}

/* Paths in the IXIT's words about the service ("/admin/", and with urls
 * "rtsp://198.18.1.2:554/stream1" too), then the usual ones (n_usual of
 * them). */
static size_t
path_candidates(const struct asy_observed *o, const struct asy_decl *decl,
    int urls, const char *const *usual, size_t n_usual, char paths[][160],
    size_t max)
{
	struct asy_buf text;
	size_t n = 0;

	asy_buf_init(&text, 8192);
	if (o->row != NULL) {
		const char *fields[] = { "description", "justification",
		    NULL };
		const char *am = asy_ixit_get(o->row, "authmech");

		(void)asy_tc_row_text(o->row, fields, &text);
		if (am != NULL) {
			const char *f2[] = { "description", "crypto", NULL };
			char id[128];

			snprintf(id, sizeof(id), "%.*s",
			    (int)strcspn(am, " \t\n"), am);
			(void)asy_tc_row_text(asy_decl_row(decl, id), f2,
			    &text);
		}
	}
	for (const char *p = text.data; p != NULL && *p != '\0' && n < max;
	    p++) {
		size_t len;

		if (*p != '/' || (p > text.data && p[-1] != ' ' &&
		    p[-1] != '(' && p[-1] != '"' && !(urls &&
		    after_host(text.data, p))))
			continue;
		len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789/._-");
		if (len < 2 || len >= 160)
			continue;
		snprintf(paths[n++], 160, "%.*s", (int)len, p);
	}
	for (size_t i = 0; i < n_usual && n < max; i++)
		snprintf(paths[n++], 160, "%s", usual[i]);
	asy_buf_release(&text);
	return n;
}

/* The usual places of a device's login, after the IXIT's paths. */
static size_t
http_candidates(const struct asy_observed *o, const struct asy_decl *decl,
    char paths[][160], size_t max)
{
	static const char *const usual[] = {
		"/", "/admin/", "/login", "/cgi-bin/", "/setup", "/config",
	};

	return path_candidates(o, decl, 0, usual, ASY_ELEMENTSOF(usual),
	    paths, max);
}

/* Append a line to a transcript; a full transcript just stops growing. */
void
asy_tc_log(struct asy_buf *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)asy_buf_vprintf(t, fmt, ap);
	va_end(ap);
	(void)asy_buf_putc(t, '\n');
}

/* Text from a device, for a transcript line: printable, capped. */
static void
tlog_text(struct asy_buf *t, const char *label, const char *s, size_t len)
{
	(void)asy_buf_printf(t, "%s: ", label);
	for (size_t i = 0; i < len && i < 2048; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			(void)asy_buf_puts(t, "\\n");
		else if (c == '\r')
			(void)asy_buf_puts(t, "\\r");
		else if (c < 0x20 || c >= 0x7f)
			(void)asy_buf_printf(t, "\\x%02x", c);
		else
			(void)asy_buf_putc(t, (char)c);
	}
	(void)asy_buf_putc(t, '\n');
}

static void
probe_ssh(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_ssh *ssh = NULL;
	char why[200], methods[96] = "";
	int r;

	r = asy_ssh_open(asy_tc_addr(lv), s->port, lv->lab->budget.timeout_ms,
	    "root", &ssh, why, sizeof(why));
	if (r < 0) {
		asy_tc_log(t, "ssh tcp/%u: cannot connect: %s", s->port, why);
		s->note = asy_strdup_printf("could not connect: %s", why);
		return;
	}
	s->probed = 1;
	r = asy_ssh_methods(ssh, methods, sizeof(methods));
	tlog_text(t, "ssh banner", asy_ssh_banner(ssh),
	    strlen(asy_ssh_banner(ssh)));
	if (r == 1) {
		s->auth = 0;
		snprintf(s->method, sizeof(s->method), "none");
		s->note = asy_strdup("the server let a user in without any "
		    "authentication (method none)");
	} else if (r == 0) {
		s->auth = 1;
		s->password = strstr(methods, "password") != NULL ||
		    strstr(methods, "keyboard-interactive") != NULL;
		snprintf(s->method, sizeof(s->method), "%s", methods);
		s->note = asy_strdup_printf("offers the methods %s", methods);
	} else {
		s->auth = -1;
		s->note = asy_strdup_printf("no answer to the method "
		    "query: %s", asy_strerror(r));
	}
	asy_tc_log(t, "ssh tcp/%u: methods '%s' (%d)", s->port, methods, r);
	asy_ssh_close(ssh);
}

static void
probe_telnet(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_telnet *tn = NULL;
	struct asy_buf seen;
	char why[200];
	int r;

	asy_buf_init(&seen, 8192);
	r = asy_telnet_open(asy_tc_addr(lv), s->port,
	    lv->lab->budget.timeout_ms, &seen, &tn, why, sizeof(why));
	tlog_text(t, "telnet says", seen.data ? seen.data : "", seen.len);
	if (r < 0) {
		s->note = asy_strdup_printf("could not connect: %s", why);
	} else {
		s->probed = 1;
		s->auth = r == 1 || r == 3 ? 1 : r == 2 ? 0 : -1;
		s->password = r == 1 || r == 3;
		snprintf(s->method, sizeof(s->method), "%s", r == 2 ? "none "
		    "(a shell without login)" : s->password ? "telnet login" :
		    "unknown");
		s->note = asy_strdup(r == 2 ? "a shell prompt without any "
		    "login" : r == 1 ? "a login prompt" : r == 3 ?
		    "a password prompt" : "neither a login nor a shell");
	}
	asy_telnet_close(tn);
	asy_buf_release(&seen);
}

static void
probe_http(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_http_opts o = { 0 };
	struct asy_http *h = NULL;
	char paths[16][160], why[200];
	size_t n;
	int r, redirects = 0, answers = 0, open_pages = 0;

	o.addr = asy_tc_addr(lv);
	o.port = s->port;
	o.tls = s->kind == ASY_PK_HTTPS;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	o.max_body = 256 << 10;
	if (asy_http_new(&o, &h) < 0)
		return;
	n = http_candidates(s->o, lv->decl, paths, ASY_ELEMENTSOF(paths));
	for (size_t i = 0; i < n; i++) {
		struct asy_http_resp resp;

		memset(&resp, 0, sizeof(resp));
		r = asy_http_request(h, "GET", paths[i], ASY_HTTP_AUTH_NONE,
		    NULL, NULL, NULL, NULL, 0, &resp, why, sizeof(why));
		if (r < 0) {
			asy_tc_log(t, "GET %s: no answer: %s", paths[i], why);
			continue;
		}
		answers++;
		asy_tc_log(t, "GET %s: %ld%s%s", paths[i], resp.status,
		    resp.www_auth ? " WWW-Authenticate present" : "",
		    resp.location ? " (redirect)" : "");
		if (resp.status >= 300 && resp.status < 400)
			redirects++;
		else if (resp.status >= 200 && resp.status < 300)
			open_pages++;
		if (resp.status == 200 && resp.body.data != NULL &&
		    strcasestr(resp.body.data, "type=\"password\"") != NULL &&
		    s->path[0] == '\0') {
			s->password = 1;
			s->auth = 1;
			snprintf(s->method, sizeof(s->method), "HTML form");
			snprintf(s->path, sizeof(s->path), "%s", paths[i]);
		}
		if ((resp.status == 401 || resp.status == 403) &&
		    resp.www_auth != NULL) {
			s->auth = 1;
			s->password = 1;
			snprintf(s->method, sizeof(s->method), "HTTP %s",
			    strncasecmp(resp.www_auth, "digest", 6) == 0 ?
			    "Digest" : strncasecmp(resp.www_auth, "basic", 5)
			    == 0 ? "Basic" : "authentication");
			snprintf(s->path, sizeof(s->path), "%s", paths[i]);
			asy_http_resp_release(&resp);
			break;
		}
		asy_http_resp_release(&resp);
	}
	s->probed = answers > 0;
	if (s->auth != 1 && answers > 0)
		s->auth = 0;
	if (s->auth == 1)
		s->note = asy_strdup_printf("%s on %s", s->method, s->path);
	else if (answers > 0 && redirects == answers)
		s->note = asy_strdup("every page asked for is a redirect; "
		    "nothing asks for authentication");
	else if (answers > 0)
		s->note = asy_strdup_printf("%d page(s) served without "
		    "authentication and none of %zu asked for it",
		    open_pages, n);
	else
		s->note = asy_strdup("no answer to any request");
	asy_http_free(h);
}

static void
probe_mqtt(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_mqtt_opts o = { 0 };
	struct asy_mqtt *m = NULL;
	char why[200];
	int r, rc = 0;

	o.addr = asy_tc_addr(lv);
	o.port = s->port;
	o.tls = s->kind == ASY_PK_MQTTS;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
	asy_mqtt_close(m);
	asy_tc_log(t, "mqtt tcp/%u: anonymous CONNECT: %s (return code %d)",
	    s->port, r == 1 ? "accepted" : r == 0 ? "refused" : why, rc);
	if (r < 0) {
		s->note = asy_strdup_printf("could not connect: %s", why);
		return;
	}
	s->probed = 1;
	s->auth = r == 1 ? 0 : 1;
	s->password = r == 0;
	snprintf(s->method, sizeof(s->method), "%s", r == 1 ? "none "
	    "(anonymous clients accepted)" : "MQTT user name and password");
	s->note = asy_strdup(r == 1 ? "an anonymous client is accepted" :
	    "an anonymous client is refused");
}

/* CoAP over UDP: a GET of /.well-known/core without credentials; 4.01
 * (Unauthorized) or 4.03 (Forbidden) ask for authorization (an OSCORE or
 * DTLS identity, not a password), a 2.xx answers anyone. */
static void
probe_coap(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_coap_answer a;
	char why[200], code[16];
	int r;

	memset(&a, 0, sizeof(a));
	if (strcmp(s->o->proto, "udp") != 0) {
		asy_tc_log(t, "%s/%u: no prober for CoAP over TCP",
		    s->o->proto, s->port);
		return;
	}
	r = asy_coap_get(asy_tc_addr(lv), s->port, "/.well-known/core",
	    lv->lab->budget.timeout_ms, 4096, &a, why, sizeof(why));
	if (r != 1) {
		asy_tc_log(t, "coap udp/%u: GET /.well-known/core: %s",
		    s->port, r == 0 ? why : asy_strerror(r));
		s->note = asy_strdup_printf("no CoAP answer to GET "
		    "/.well-known/core: %s", r == 0 ? why : asy_strerror(r));
		asy_coap_answer_release(&a);
		return;
	}
	asy_coap_code_str(a.code, code, sizeof(code));
	asy_tc_log(t, "coap udp/%u: GET /.well-known/core without "
	    "credentials: %s", s->port, code);
	s->probed = 1;
	if (a.code >> 5 == 2) {
		s->auth = 0;
		snprintf(s->method, sizeof(s->method), "none (CoAP answers "
		    "anyone)");
		s->note = asy_strdup_printf("a CoAP GET of /.well-known/core "
		    "without credentials is answered (%s)", code);
	} else if (a.code == (4 << 5 | 1) || a.code == (4 << 5 | 3)) {
		s->auth = 1;
		snprintf(s->method, sizeof(s->method), "CoAP authorization "
		    "(%s)", code);
		s->note = asy_strdup_printf("a CoAP GET without credentials "
		    "is refused (%s)", code);
	} else {
		s->probed = 0;
		s->note = asy_strdup_printf("a CoAP GET of /.well-known/core "
		    "got %s", code);
	}
	asy_coap_answer_release(&a);
}

/* Does the IXIT declare anonymous access to the service: "anonymous" in
 * its row's or its AuthMech's words, not after a "no", "not" or "without"
 * in the 24 characters before it? */
static int
declares_anonymous(const struct asy_observed *o, const struct asy_decl *decl)
{
	const char *fields[] = { "description", "justification", NULL };
	const char *am = o->row != NULL ? asy_ixit_get(o->row, "authmech") :
	    NULL;
	struct asy_buf text;
	int yes = 0;

	asy_buf_init(&text, 8192);
	(void)asy_tc_row_text(o->row, fields, &text);
	if (am != NULL) {
		char id[128];

		snprintf(id, sizeof(id), "%.*s", (int)strcspn(am, " \t\n,"),
		    am);
		(void)asy_tc_row_text(asy_decl_row(decl, id), fields, &text);
	}
	for (const char *p = text.data; p != NULL && !yes &&
	    (p = strcasestr(p, "anonymous")) != NULL; p++) {
		size_t back = (size_t)(p - text.data) < 24 ?
		    (size_t)(p - text.data) : 24;
		char before[32];

		snprintf(before, sizeof(before), " %.*s", (int)back, p - back);
		yes = strcasestr(before, " no ") == NULL &&
		    strcasestr(before, " not ") == NULL &&
		    strcasestr(before, "without") == NULL;
	}
	asy_buf_release(&text);
	return yes;
}

/* FTP: the greeting, then an anonymous login. */
static void
probe_ftp(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	struct asy_ftp *f = NULL;
	char why[200];
	int r, declared;

	asy_tc_log(t, "ftp tcp/%u:", s->port);
	r = asy_ftp_open(asy_tc_addr(lv), s->port, lv->lab->budget.timeout_ms,
	    t, &f, why, sizeof(why));
	if (r < 0) {
		asy_tc_log(t, "ftp tcp/%u: %s", s->port, why);
		s->note = asy_strdup_printf("could not log in: %s", why);
		return;
	}
	s->probed = 1;
	s->password = 1;
	snprintf(s->method, sizeof(s->method), "FTP USER/PASS");
	r = asy_ftp_login(f, "anonymous", "assay@example.invalid",
	    lv->lab->budget.timeout_ms + 5000);
	declared = declares_anonymous(s->o, lv->decl);
	if (r == 1) {
		s->auth = declared ? 1 : 0;
		s->note = asy_strdup(declared ? "USER/PASS; an anonymous "
		    "login is accepted, as the IXIT declares" : "an anonymous "
		    "login (USER anonymous) is accepted: it lets anyone in, "
		    "and the IXIT declares no anonymous access");
	} else if (r == 0 || r == ASY_E_CLOSED) {
		s->auth = 1;
		s->note = asy_strdup_printf("USER/PASS; an anonymous login is "
		    "refused (%d %s)", asy_ftp_code(f), asy_ftp_text(f));
	} else {
		s->auth = 1;
		s->note = asy_strdup_printf("USER/PASS; an anonymous login got "
		    "no clear answer (%s)", asy_strerror(r));
	}
	asy_tc_log(t, "ftp tcp/%u: anonymous login %s", s->port, r == 1 ?
	    "accepted" : r == 0 ? "refused" : asy_strerror(r));
	asy_ftp_close(f);
}

/* RTSP: OPTIONS, then DESCRIBE of / and the IXIT's paths without
 * credentials, until one asks for them. */
static void
probe_rtsp(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	static const char *const usual[] = { "/" };
	struct asy_http_opts o = { 0 };
	struct asy_http_resp resp;
	struct asy_http *h = NULL;
	char paths[8][160], why[200], open_path[160] = "";
	size_t n;
	int r, answers = 0;

	o.addr = asy_tc_addr(lv);
	o.port = s->port;
	o.rtsp = 1;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	o.max_body = 64 << 10;
	if (asy_http_new(&o, &h) < 0)
		return;
	memset(&resp, 0, sizeof(resp));
	r = asy_http_request(h, "OPTIONS", "/", ASY_HTTP_AUTH_NONE, NULL,
	    NULL, NULL, NULL, 0, &resp, why, sizeof(why));
	asy_tc_log(t, "rtsp tcp/%u: OPTIONS: %ld", s->port, r < 0 ? 0L :
	    resp.status);
	if (r < 0)
		tlog_text(t, "  no answer", why, strlen(why));
	asy_http_resp_release(&resp);
	n = path_candidates(s->o, lv->decl, 1, usual, ASY_ELEMENTSOF(usual),
	    paths, ASY_ELEMENTSOF(paths));
	for (size_t i = 0; i < n; i++) {
		memset(&resp, 0, sizeof(resp));
		r = asy_http_request(h, "DESCRIBE", paths[i],
		    ASY_HTTP_AUTH_NONE, NULL, NULL, NULL, NULL, 0, &resp, why,
		    sizeof(why));
		if (r < 0) {
			asy_tc_log(t, "rtsp DESCRIBE %s: no answer: %s",
			    paths[i], why);
			continue;
		}
		answers++;
		asy_tc_log(t, "rtsp DESCRIBE %s: %ld%s", paths[i], resp.status,
		    resp.www_auth ? " WWW-Authenticate present" : "");
		if (resp.www_auth != NULL)
			tlog_text(t, "  WWW-Authenticate", resp.www_auth,
			    strlen(resp.www_auth));
		if (resp.status >= 200 && resp.status < 300 &&
		    open_path[0] == '\0')
			snprintf(open_path, sizeof(open_path), "%.159s", paths[i]);
		if ((resp.status == 401 || resp.status == 403) &&
		    resp.www_auth != NULL && s->auth != 1) {
			s->auth = 1;
			s->password = 1;
			snprintf(s->method, sizeof(s->method), "RTSP %s",
			    strncasecmp(resp.www_auth, "digest", 6) == 0 ?
			    "Digest" : strncasecmp(resp.www_auth, "basic", 5)
			    == 0 ? "Basic" : "authentication");
			snprintf(s->path, sizeof(s->path), "%.159s", paths[i]);
		}
		asy_http_resp_release(&resp);
	}
	s->probed = answers > 0;
	if (open_path[0] != '\0') {
		/* One stream described to anyone is enough. */
		s->auth = 0;
		s->note = asy_strdup_printf("DESCRIBE %s is answered without "
		    "credentials: the stream lets anyone in", open_path);
	} else if (s->auth == 1) {
		s->note = asy_strdup_printf("%s on %s", s->method, s->path);
	} else {
		s->note = asy_strdup(answers > 0 ? "no stream was described "
		    "and none asked for credentials" : "no answer to any "
		    "request");
	}
	asy_http_free(h);
}

static void
probe_snmp(struct asy_live *lv, struct asy_surface *s, struct asy_buf *t)
{
	s->probed = 1;
	s->auth = 1;
	s->password = 1;
	snprintf(s->method, sizeof(s->method), "SNMP community");
	s->note = asy_strdup("SNMP v1/v2c: the community string is a "
	    "password sent in clear");
	asy_tc_log(t, "snmp udp/%u: community-based access", s->port);
}

static const char *const communities[] = {
	"public", "private", "community", "manager", "admin", "default",
	"snmp", "secret", "monitor", "read", "write",
};

static int
load_defaults(struct asy_live *lv, struct asy_tc_state *tc)
{
	struct asy_diags d;
	char *path;
	int r;

	if (tc->defaults_done)
		return 0;
	tc->defaults_done = 1;
	asy_diags_init(&d);
	path = asy_data_path("lab-config/credentials/defaults.txt");
	if (path == NULL)
		return ASY_E_NOMEM;
	r = asy_credlist_load(&tc->defaults, path, &d);
	free(path);
	for (size_t i = 0; r >= 0 && i < lv->lab->n_wordlists; i++)
		r = asy_credlist_load(&tc->defaults, lv->lab->wordlists[i],
		    &d);
	if (r < 0 && r != ASY_E_NOMEM)
		asy_warn("the credential lists could not be read whole (%s); "
		    "%zu pairs", asy_strerror(r), tc->defaults.n);
	/* SNMP communities: the usual ones, then every password of the
	 * lists (a community is a password). */
	for (size_t i = 0; r != ASY_E_NOMEM && i < ASY_ELEMENTSOF(communities);
	    i++)
		r = asy_credlist_add(&tc->communities, "-", communities[i]);
	for (size_t i = 0; r != ASY_E_NOMEM && i < tc->defaults.n; i++)
		if (*tc->defaults.pairs[i].pass != '\0')
			r = asy_credlist_add(&tc->communities, "-",
			    tc->defaults.pairs[i].pass);
	asy_diags_release(&d);
	return r == ASY_E_NOMEM ? r : 0;
}

/* Guess the default list on a password surface, within the budget. */
static int
guess_surface(struct asy_live *lv, struct asy_surface *s,
    struct asy_tc_state *tc, struct asy_buf *t)
{
	struct asy_guess_opts go = { 0 };
	const struct asy_guess_ops *ops;
	const struct asy_credlist *list;
	char *rel = NULL, *abs = NULL, name[64];
	void *cfg = NULL;
	int r;

	ops = asy_tc_prober(lv, s, &cfg);
	list = s->kind == ASY_PK_SNMP ? &tc->communities : &tc->defaults;
	if (ops == NULL || list->n == 0) {
		asy_tc_log(t, "%s %s/%u: no guessing (%s)", asy_proto_kind_name(s->kind),
		    s->o->proto, s->port, ops == NULL ? "no prober for this "
		    "login" : "no credential list");
		asy_tc_prober_free(cfg);
		return 0;
	}
	snprintf(name, sizeof(name), "guess-%s-%u", s->o->proto, s->port);
	rel = transcript_rel(lv, name);
	abs = rel ? asy_path_join(lv->work, rel) : NULL;
	if (abs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = transcripts_dir(lv);
	if (r < 0)
		goto out;
	go.ops = ops;
	go.cfg = cfg;
	go.list = list;
	go.max_attempts = (unsigned)lv->lab->budget.attempts;
	go.budget_ms = lv->lab->budget.seconds * 1000;
	go.workers = (unsigned)lv->lab->budget.workers;
	/* A telnet login waits out the device's delay: one at a time per
	 * connection, so several connections. */
	go.stop_on_success = 0;
	go.transcript = abs;
	r = asy_guess_run(&go, &s->g);
	if (r < 0)
		goto out;
	s->guessed = 1;
	s->transcript = rel;
	rel = NULL;
	if (s->g.found >= 0 && (size_t)s->g.found < list->n) {
		s->found_user = asy_strdup(list->pairs[s->g.found].user);
		s->found_pass = asy_strdup(list->pairs[s->g.found].pass);
	}
	asy_tc_log(t, "%s %s/%u: %u guesses in %.1f s (%.1f a second), %u "
	    "accepted%s%s", asy_proto_kind_name(s->kind), s->o->proto, s->port,
	    s->g.attempts, s->g.seconds, s->g.rate, s->g.accepted,
	    s->g.why[0] ? "; " : "", s->g.why);
out:
	asy_tc_prober_free(cfg);
	free(rel);
	free(abs);
	return r;
}

int
asy_tc_preload(struct asy_live *lv)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	int r;

	if (tc == NULL)
		return ASY_E_NOMEM;
	r = load_defaults(lv, tc);
	if (r == 0)
		r = asy_tc_upd_preload(lv, tc);
	return r;
}

int
asy_tc_surfaces(struct asy_live *lv, struct asy_surface **out, size_t *n_out)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	struct asy_buf t;
	size_t cap = 0;
	int r = 0;

	if (tc == NULL)
		return ASY_E_NOMEM;
	if (tc->surf_done)
		goto done;
	tc->surf_done = 1;
	tc->surf_case = lv->case_id;
	if (lv->obs == NULL || asy_tc_addr(lv) == NULL)
		goto done;
	r = load_defaults(lv, tc);
	if (r < 0)
		return r;
	asy_buf_init(&t, NOTE_MAX);
	asy_tc_log(&t, "# authentication surfaces of %s, probed by assay",
	    asy_tc_addr(lv));
	for (size_t i = 0; i < lv->obs->n; i++) {
		const struct asy_observed *o = &lv->obs->v[i];
		struct asy_surface *s;

		if (o->svc == NULL)
			continue;
		s = asy_array_add(&tc->surf, &tc->n_surf, &cap, sizeof(*s));
		if (s == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		s->o = o;
		s->kind = asy_tc_kind(o);
		s->port = o->port;
		s->auth = -1;
		s->by_case = lv->case_id;
		switch (s->kind) {
		case ASY_PK_SSH:
			probe_ssh(lv, s, &t);
			break;
		case ASY_PK_TELNET:
			probe_telnet(lv, s, &t);
			break;
		case ASY_PK_HTTP:
		case ASY_PK_HTTPS:
			probe_http(lv, s, &t);
			break;
		case ASY_PK_MQTT:
		case ASY_PK_MQTTS:
			probe_mqtt(lv, s, &t);
			break;
		case ASY_PK_SNMP:
			probe_snmp(lv, s, &t);
			break;
		case ASY_PK_COAP:
			probe_coap(lv, s, &t);
			break;
		case ASY_PK_FTP:
			probe_ftp(lv, s, &t);
			break;
		case ASY_PK_RTSP:
			probe_rtsp(lv, s, &t);
			break;
		default:
			asy_tc_log(&t, "%s/%u: no prober for %s", o->proto, o->port,
			    o->svc->name ? o->svc->name : "this service");
			break;
		}
		if (s->password) {
			r = guess_surface(lv, s, tc, &t);
			if (r < 0)
				break;
		}
	}
	if (r == 0)
		r = save_transcript(lv, "surfaces", &t, &tc->surf_transcript);
	asy_buf_release(&t);
done:
	*out = tc->surf;
	*n_out = tc->n_surf;
	return r;
}

int
asy_tc_surface_evidence(struct asy_live *lv, const struct asy_surface *s,
    struct asy_unit_result *u)
{
	struct asy_tc_state *tc = lv->tc;
	char note[128];
	int r = 0;

	if (tc != NULL && tc->surf_transcript != NULL)
		r = asy_unit_add_evidence(u, tc->surf_transcript, "transcript",
		    "authentication probes of every service");
	if (r == 0 && s != NULL && s->transcript != NULL) {
		snprintf(note, sizeof(note), "guesses on %s/%u",
		    s->o->proto, s->port);
		r = asy_unit_add_evidence(u, s->transcript, "transcript", note);
	}
	if (r == 0 && s != NULL && s->by_case != NULL &&
	    (lv->case_id == NULL || strcmp(s->by_case, lv->case_id) != 0)) {
		char *p = asy_strdup_printf("pcap/%s.pcap", s->by_case);

		snprintf(note, sizeof(note), "the probes' traffic (collected "
		    "in %s)", s->by_case);
		r = p ? asy_unit_add_evidence(u, p, "pcap", note) :
		    ASY_E_NOMEM;
		free(p);
	}
	return r;
}

/* ---- Without authentication --------------------------------------------- */

static void
unauth_http(struct asy_live *lv, const struct asy_surface *s,
    struct asy_unauth *ua, struct asy_buf *t, struct asy_buf *src)
{
	struct asy_http_opts o = { 0 };
	struct asy_http *h = NULL;
	char paths[16][160], why[200], label[256];
	size_t n;

	o.addr = asy_tc_addr(lv);
	o.port = s->port;
	o.tls = s->kind == ASY_PK_HTTPS;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	o.max_body = 256 << 10;
	if (asy_http_new(&o, &h) < 0)
		return;
	n = http_candidates(s->o, lv->decl, paths, ASY_ELEMENTSOF(paths));
	/* The declared APIs' endpoints on this port, and the usual status
	 * pages. */
	for (size_t i = 0; i < lv->decl->n_ixit && n < 16; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		const char *ep = asy_ixit_get(row, "endpoint");
		const char *p;

		if (ep == NULL || asy_tc_port_in(ep) != s->port)
			continue;
		p = strstr(ep, "://");
		p = p ? strchr(p + 3, '/') : NULL;
		if (p != NULL)
			snprintf(paths[n++], 160, "%.*s", (int)strcspn(p,
			    " ?\t\n"), p);
	}
	if (n < 16)
		snprintf(paths[n++], 160, "/status.json");
	if (n < 16)
		snprintf(paths[n++], 160, "/status.html");
	for (size_t i = 0; i < n; i++) {
		struct asy_http_resp resp;
		int r;

		memset(&resp, 0, sizeof(resp));
		r = asy_http_request(h, "GET", paths[i], ASY_HTTP_AUTH_NONE,
		    NULL, NULL, NULL, NULL, 0, &resp, why, sizeof(why));
		if (r < 0)
			continue;
		snprintf(label, sizeof(label), "HTTP GET %.150s (%s/%u)",
		    paths[i], s->o->proto, s->port);
		asy_tc_log(t, "%s: %ld", label, resp.status);
		if (resp.headers.data != NULL) {
			tlog_text(t, "  headers", resp.headers.data,
			    resp.headers.len);
			(void)asy_disclose_scan(&ua->found, resp.headers.data,
			    resp.headers.len, label);
		}
		if (resp.status >= 200 && resp.status < 300 &&
		    resp.body.data != NULL) {
			tlog_text(t, "  body", resp.body.data, resp.body.len);
			(void)asy_disclose_scan(&ua->found, resp.body.data,
			    resp.body.len, label);
		}
		asy_http_resp_release(&resp);
	}
	(void)asy_buf_printf(src, "%sHTTP %s/%u", src->len ? ", " : "",
	    s->o->proto, s->port);
	asy_http_free(h);
}

static void
unauth_mqtt(struct asy_live *lv, const struct asy_surface *s,
    struct asy_unauth *ua, struct asy_buf *t, struct asy_buf *src)
{
	static const char *const filters[] = { "#", "$SYS/#" };
	struct asy_mqtt_opts o = { 0 };
	struct asy_mqtt_msg *msgs = NULL;
	struct asy_mqtt *m = NULL;
	size_t n = 0, refused = 0;
	char why[200], label[512];
	int r, rc = 0;

	if (s->auth != 0)
		return;		/* only what anyone may read */
	o.addr = asy_tc_addr(lv);
	o.port = s->port;
	o.tls = s->kind == ASY_PK_MQTTS;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	r = asy_mqtt_connect(&o, &m, &rc, why, sizeof(why));
	if (r != 1) {
		asy_mqtt_close(m);
		return;
	}
	r = asy_mqtt_collect(m, filters, ASY_ELEMENTSOF(filters), 2000, 200,
	    4096, &msgs, &n, &refused);
	asy_tc_log(t, "MQTT %s/%u anonymous, subscribed to # and $SYS/#: %zu "
	    "messages, %zu subscriptions refused", s->o->proto, s->port, n,
	    refused);
	for (size_t i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "MQTT topic %.200s (%s/%u)",
		    msgs[i].topic, s->o->proto, s->port);
		tlog_text(t, label, (const char *)msgs[i].payload,
		    msgs[i].len);
		(void)asy_disclose_scan(&ua->found,
		    (const char *)msgs[i].payload, msgs[i].len, label);
	}
	(void)asy_buf_printf(src, "%sMQTT %s/%u (%zu messages)",
	    src->len ? ", " : "", s->o->proto, s->port, n);
	asy_mqtt_msgs_free(msgs, n);
	asy_mqtt_close(m);
}

/* CoAP: what GET /.well-known/core tells anyone (the resources, often
 * with titles, names and versions). */
static void
unauth_coap(struct asy_live *lv, const struct asy_surface *s,
    struct asy_unauth *ua, struct asy_buf *t, struct asy_buf *src)
{
	struct asy_coap_answer a;
	char why[200], label[128], code[8];
	int r;

	r = asy_coap_get(asy_tc_addr(lv), s->port, "/.well-known/core",
	    lv->lab->budget.timeout_ms, 16 << 10, &a, why, sizeof(why));
	if (r != 1) {
		asy_tc_log(t, "CoAP udp/%u GET /.well-known/core: no answer "
		    "(%s)", s->port, why);
		return;
	}
	snprintf(label, sizeof(label), "CoAP GET /.well-known/core "
	    "(udp/%u)", s->port);
	asy_tc_log(t, "%s: %s", label, a.type == ASY_COAP_RST ? "RST" :
	    asy_coap_code_str(a.code, code, sizeof(code)));
	if (a.code == ASY_COAP_CODE(2, 5) && a.payload.len > 0) {
		tlog_text(t, "  links", a.payload.data, a.payload.len);
		(void)asy_disclose_scan(&ua->found, a.payload.data,
		    a.payload.len, label);
	}
	(void)asy_buf_printf(src, "%sCoAP udp/%u /.well-known/core",
	    src->len ? ", " : "", s->port);
	asy_coap_answer_release(&a);
}

static void
unauth_snmp(struct asy_live *lv, const struct asy_surface *s,
    struct asy_unauth *ua, struct asy_buf *t, struct asy_buf *src)
{
	static const char *const oids[] = {
		ASY_OID_SYSDESCR, ASY_OID_SYSCONTACT, ASY_OID_SYSNAME,
		ASY_OID_SYSLOCATION,
	};
	static const char *const names[] = {
		"sysDescr.0", "sysContact.0", "sysName.0", "sysLocation.0",
	};
	struct asy_snmp_var v[4];
	const char *community = s->found_pass != NULL ? s->found_pass :
	    "public";
	char why[200], label[128];
	int r;

	memset(v, 0, sizeof(v));
	r = asy_snmp_get(asy_tc_addr(lv), s->port, community, 1, oids, 4,
	    2000, v, why, sizeof(why));
	if (r != 1) {
		asy_tc_log(t, "SNMP udp/%u: no answer with the community of the "
		    "default list", s->port);
		return;
	}
	for (size_t i = 0; i < 4; i++) {
		if (v[i].value == NULL)
			continue;
		snprintf(label, sizeof(label), "SNMP %s (udp/%u)", names[i],
		    s->port);
		tlog_text(t, label, v[i].value, strlen(v[i].value));
		(void)asy_disclose_scan(&ua->found, v[i].value,
		    strlen(v[i].value), label);
	}
	(void)asy_buf_printf(src, "%sSNMP udp/%u (default community)",
	    src->len ? ", " : "", s->port);
	asy_snmp_vars_release(v, 4);
}

/*
 * What the DUT announces to anyone who asks by unicast: mDNS/DNS-SD and
 * UPnP (announce.h), whether or not discovery saw udp/5353 or udp/1900
 * (a lab may scan no UDP); only when its address is in the lab's scope.
 */
static void
unauth_announce(struct asy_live *lv, struct asy_unauth *ua,
    struct asy_buf *t, struct asy_buf *src)
{
	struct asy_announce_opts o = { 0 };
	struct asy_disclosures found = { 0 };
	struct asy_announce a;
	int r;

	o.addr = asy_tc_addr(lv);
	if (o.addr == NULL || !asy_lab_in_scope(lv->lab, o.addr) ||
	    !asy_announce_addr_ok(o.addr))
		return;
	o.timeout_ms = lv->lab->budget.timeout_ms;
	r = asy_announce_collect(&o, &a);
	if (r < 0) {
		asy_tc_log(t, "mDNS and SSDP: not asked (%s)", asy_strerror(r));
		return;
	}
	if (a.log.data != NULL)
		(void)asy_buf_puts(t, a.log.data);
	/* Each source scanned apart and merged: a serial number the status
	 * page or an mDNS record gave too is still named with its UPnP
	 * source. */
	for (size_t i = 0; i < a.n_items; i++) {
		(void)asy_disclose_scan(&found, a.items[i].text,
		    a.items[i].len, a.items[i].source);
		(void)asy_disclosures_merge(&ua->found, &found);
	}
	if (a.mdns)
		(void)asy_buf_printf(src, "%smDNS udp/5353 (%zu service "
		    "instances)", src->len ? ", " : "", a.n_instances);
	if (a.ssdp)
		(void)asy_buf_printf(src, "%sUPnP udp/1900 (%zu descriptions)",
		    src->len ? ", " : "", a.n_desc);
	asy_announce_release(&a);
}

int
asy_tc_unauth(struct asy_live *lv, struct asy_unauth **out)
{
	struct asy_tc_state *tc;
	struct asy_surface *surf;
	struct asy_buf t, src;
	size_t n;
	int r;

	r = asy_tc_surfaces(lv, &surf, &n);
	if (r < 0)
		return r;
	tc = lv->tc;
	if (tc->unauth_done)
		goto done;
	tc->unauth_done = 1;
	tc->unauth.by_case = lv->case_id;
	asy_buf_init(&t, NOTE_MAX);
	asy_buf_init(&src, 4096);
	asy_tc_log(&t, "# what %s answers without authentication",
	    asy_tc_addr(lv) ? asy_tc_addr(lv) : "the DUT");
	for (size_t i = 0; i < n; i++) {
		struct asy_surface *s = &surf[i];
		const struct asy_service *svc = s->o->svc;
		char label[128];

		/* What discovery already has: banners and products. */
		if (svc != NULL && svc->product != NULL) {
			char pv[512];

			snprintf(pv, sizeof(pv), "%s%s%s", svc->product,
			    svc->version ? " " : "", svc->version ?
			    svc->version : "");
			snprintf(label, sizeof(label), "banner of %s/%u "
			    "(nmap)", s->o->proto, s->port);
			(void)asy_disclose_scan(&tc->unauth.found, pv,
			    strlen(pv), label);
		}
		switch (s->kind) {
		case ASY_PK_SSH:
			if (svc != NULL && svc->extrainfo != NULL) {
				snprintf(label, sizeof(label), "SSH banner "
				    "(tcp/%u)", s->port);
				(void)asy_disclose_scan(&tc->unauth.found,
				    svc->extrainfo, strlen(svc->extrainfo),
				    label);
			}
			break;
		case ASY_PK_HTTP:
		case ASY_PK_HTTPS:
			unauth_http(lv, s, &tc->unauth, &t, &src);
			break;
		case ASY_PK_MQTT:
		case ASY_PK_MQTTS:
			unauth_mqtt(lv, s, &tc->unauth, &t, &src);
			break;
		case ASY_PK_SNMP:
			if (s->found_pass != NULL)
				unauth_snmp(lv, s, &tc->unauth, &t, &src);
			break;
		case ASY_PK_COAP:
			unauth_coap(lv, s, &tc->unauth, &t, &src);
			break;
		case ASY_PK_TELNET: {
			struct asy_telnet *tn = NULL;
			struct asy_buf seen;
			char why[200];

			asy_buf_init(&seen, 8192);
			(void)asy_telnet_open(asy_tc_addr(lv), s->port,
			    lv->lab->budget.timeout_ms, &seen, &tn, why,
			    sizeof(why));
			asy_telnet_close(tn);
			snprintf(label, sizeof(label), "telnet banner "
			    "(tcp/%u)", s->port);
			if (seen.data != NULL) {
				tlog_text(&t, label, seen.data, seen.len);
				(void)asy_disclose_scan(&tc->unauth.found,
				    seen.data, seen.len, label);
			}
			(void)asy_buf_printf(&src, "%stelnet tcp/%u",
			    src.len ? ", " : "", s->port);
			asy_buf_release(&seen);
			break;
		}
		default:
			break;
		}
	}
	unauth_announce(lv, &tc->unauth, &t, &src);
	for (size_t i = 0; i < tc->unauth.found.n; i++) {
		const struct asy_disclosure *d = &tc->unauth.found.d[i];

		asy_tc_log(&t, "found: %s '%s' in %s", d->kind, d->value, d->source);
	}
	tc->unauth.sources = asy_buf_steal(&src);
	r = save_transcript(lv, "unauthenticated", &t,
	    &tc->unauth.transcript);
	asy_buf_release(&t);
	asy_buf_release(&src);
	if (r < 0)
		return r;
done:
	*out = &tc->unauth;
	return 0;
}

/* ---- Units of several parts ---------------------------------------------- */

static int
rank(enum asy_verdict v)
{
	switch (v) {
	case ASY_V_FAIL:
		return 5;
	case ASY_V_ERROR:
		return 4;
	case ASY_V_INCONCLUSIVE:
		return 3;
	case ASY_V_PASS:
		return 2;
	case ASY_V_NA:
		return 1;
	default:
		return 0;
	}
}

int
asy_tc_fold(struct asy_unit_result *u, struct asy_unit_result *part,
    const char *label)
{
	struct asy_buf b;
	int r = 0;

	asy_buf_init(&b, (size_t)64 << 10);
	if (u->reason != NULL)
		r = asy_buf_printf(&b, "%s; ", u->reason);
	if (r == 0)
		r = asy_buf_printf(&b, "%s%s%s", label ? label : "",
		    label ? ": " : "", part->reason ? part->reason :
		    "no result");
	if (r == ASY_E_TOOBIG)
		r = 0;		/* a very long reason stops growing */
	if (r == 0 && rank(part->verdict) > rank(u->verdict))
		u->verdict = part->verdict;
	if (r == 0) {
		free(u->reason);
		u->reason = asy_buf_steal(&b);
		if (u->reason == NULL)
			r = ASY_E_NOMEM;
	}
	for (size_t i = 0; r == 0 && i < part->n_ev; i++) {
		const struct asy_evidence *e = &part->ev[i];
		size_t k;

		for (k = 0; k < u->n_ev; k++)
			if (strcmp(u->ev[k].path, e->path) == 0)
				break;
		if (k == u->n_ev)
			r = asy_unit_add_evidence(u, e->path, e->kind,
			    e->note);
	}
	asy_buf_release(&b);
	asy_tc_part_release(part);
	return r;
}

void
asy_tc_part_release(struct asy_unit_result *part)
{
	for (size_t i = 0; i < part->n_ev; i++) {
		free(part->ev[i].path);
		free(part->ev[i].kind);
		free(part->ev[i].note);
	}
	free(part->ev);
	free(part->reason);
	memset(part, 0, sizeof(*part));
}

/* The 1-AuthMech rows a row's authmech field names: the first or the
 * one asked for. */
void
asy_tc_token(char tok[ASY_TC_TOKEN_LEN])
{
	static unsigned long counter;
	char seed[96], hex[ASY_SHA256_HEX];

	snprintf(seed, sizeof(seed), "%lld-%ld-%lu", asy_now_ms(),
	    (long)getpid(), ++counter);
	if (asy_sha256_buf(seed, strlen(seed), hex) < 0)
		snprintf(hex, sizeof(hex), "%016lx", counter);
	snprintf(tok, ASY_TC_TOKEN_LEN, "assay%.16s", hex);
}

const char *
asy_tc_pw_related(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), diff = 0;

	if (strcmp(a, b) == 0)
		return "the same password";
	if (la != lb || la < 4)
		return NULL;
	for (size_t i = 0; i < la; i++)
		diff += a[i] != b[i];
	return diff <= 2 ? "a password that differs in at most two "
	    "characters (a counter or a check digit?)" : NULL;
}

int
asy_tc_names(const char *list, const char *id)
{
	size_t n = strlen(id);

	while (list != NULL && *list != '\0') {
		size_t len = strcspn(list, " \t\n,");

		if (len == n && strncmp(list, id, n) == 0)
			return 1;
		list += len;
		list += strspn(list, " \t\n,");
	}
	return 0;
}

const struct asy_surface *
asy_tc_surface_of(struct asy_live *lv, const struct asy_ixit_row *row)
{
	struct asy_surface *s;
	size_t n;
	unsigned port;
	const char *p;

	if (asy_tc_surfaces(lv, &s, &n) < 0)
		return NULL;
	/* A row may name several ports (CoAP over UDP and TCP): the one
	 * whose authentication could be told first. */
	for (size_t i = 0; i < n; i++)
		if (s[i].o->row == row && s[i].auth != -1)
			return &s[i];
	for (size_t i = 0; i < n; i++)
		if (s[i].o->row == row)
			return &s[i];
	p = asy_ixit_get(row, "port");
	port = asy_tc_port_in(p);
	for (size_t i = 0; port != 0 && i < n; i++)
		if (s[i].port == port && p != NULL &&
		    strncasecmp(p, s[i].o->proto, 3) == 0)
			return &s[i];
	return NULL;
}

/* ---- Channels of the IXIT ------------------------------------------------ */

int
asy_tc_commech(struct asy_live *lv, const struct asy_ixit_row *row,
    int sensitive, struct asy_unit_result *u)
{
	static const char *const f[] = { "protocol", "crypto", "guarantees",
	    NULL };
	const char *carries = asy_ixit_get(row, "carries");
	struct asy_buf decl;
	unsigned port;
	int r;

	if (row == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	if (asy_tc_onboarding_row(lv, row))
		return asy_tc_wifi_commech(lv, row, u);
	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	port = asy_tc_port_in(asy_ixit_get(row, "protocol"));
	if (port == 0) {
		r = asy_tc_update_channel(lv, row, u);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (port == 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s names no port "
		    "of the device (protocol \"%.120s\"): the device opens "
		    "this channel itself, and no connection of its own was "
		    "made during this run for assay to observe", row->id,
		    asy_ixit_get(row, "protocol") ? asy_ixit_get(row,
		    "protocol") : "");
	if (asy_tc_service(lv, "tcp", port) == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s is declared on "
		    "tcp/%u, which discovery did not find open", row->id,
		    port);
	if (sensitive < 0)
		sensitive = carries != NULL && !asy_str_blank(carries);
	asy_buf_init(&decl, 16384);
	r = asy_tc_row_text(row, f, &decl);
	if (r == 0 || r == ASY_E_TOOBIG)
		r = asy_tc_channel(lv, port, decl.data, sensitive, u);
	asy_buf_release(&decl);
	return r;
}

int
asy_tc_persdata(struct asy_live *lv, const struct asy_ixit_row *pd,
    struct asy_unit_result *u)
{
	const char *list = asy_ixit_get(pd, "commech");
	size_t parts = 0;
	int r = 0;

	if (pd == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	for (const char *p = list; p != NULL && *p != '\0' && r == 0;) {
		size_t len = strcspn(p, " \t\n,");
		struct asy_unit_result part;
		char id[128];

		snprintf(id, sizeof(id), "%.*s", (int)(len < 127 ? len : 127),
		    p);
		p += len;
		p += strspn(p, " \t\n,");
		if (len == 0)
			continue;
		memset(&part, 0, sizeof(part));
		if (asy_decl_row(lv->decl, id) == NULL)
			r = asy_unit_set(&part, ASY_V_INCONCLUSIVE, "no IXIT row "
			    "%s", id);
		else
			r = asy_tc_commech(lv, asy_decl_row(lv->decl, id), 1,
			    &part);
		if (r == 0)
			r = asy_tc_fold(u, &part, id);
		asy_tc_part_release(&part);
		parts++;
	}
	if (r == 0 && parts == 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s names no "
		    "communication mechanism (21-PersData commech), so there "
		    "is no channel to capture", pd->id);
	return r;
}

/* ---- Intervals in IXIT words -------------------------------------------- */

static const struct {
	const char	*word;
	double		 seconds;
} interval_units[] = {
	{ "second", 1 }, { "sec", 1 }, { "s", 1 },
	{ "minute", 60 }, { "min", 60 },
	{ "hour", 3600 }, { "h", 3600 },
	{ "day", 86400 }, { "week", 604800 },
};

static const struct {
	const char	*word;
	double		 seconds;
} interval_words[] = {
	{ "hourly", 3600 }, { "daily", 86400 }, { "nightly", 86400 },
	{ "weekly", 604800 },
};

/* Does the word at p (case-insensitive) equal w, ending there? */
static int
word_is(const char *p, const char *w)
{
	size_t n = strlen(w);

	if (strncasecmp(p, w, n) != 0)
		return 0;
	return !((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'));
}

double
asy_tc_interval_s(const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		const char *q;
		double n = 1;
		char *end;

		if (p != text && ((p[-1] >= 'a' && p[-1] <= 'z') ||
		    (p[-1] >= 'A' && p[-1] <= 'Z') || p[-1] == '-'))
			continue;
		for (size_t i = 0; i < ASY_ELEMENTSOF(interval_words); i++)
			if (word_is(p, interval_words[i].word))
				return interval_words[i].seconds;
		if (!word_is(p, "every"))
			continue;
		q = p + 5;
		while (*q == ' ')
			q++;
		if (*q >= '0' && *q <= '9') {
			n = strtod(q, &end);
			if (n <= 0 || n > 1e7)
				continue;
			q = end;
			while (*q == ' ')
				q++;
		}
		for (size_t i = 0; i < ASY_ELEMENTSOF(interval_units); i++) {
			const char *w = interval_units[i].word;
			size_t wl = strlen(w);

			/* "hour", "hours"; "s" alone only after a number. */
			if (strncasecmp(q, w, wl) != 0)
				continue;
			if (q[wl] == 's' && wl > 1)
				wl++;
			if ((q[wl] >= 'a' && q[wl] <= 'z') ||
			    (q[wl] >= 'A' && q[wl] <= 'Z'))
				continue;
			return n * interval_units[i].seconds;
		}
	}
	return -1;
}

int
asy_tc_console_save(struct asy_live *lv, char **rel)
{
	int r;

	if (lv->console == NULL)
		return 0;
	(void)asy_serial_transcript_flush(asy_console_serial(lv->console));
	asy_freep(rel);
	r = asy_tc_transcript_save(lv, "console", 0, &lv->console_log, rel);
	return r == ASY_E_NOMEM ? r : 0;
}

int
asy_tc_console(struct asy_live *lv, struct asy_tc_state **out)
{
	struct asy_tc_state *tc = asy_tc_state(lv);

	if (tc == NULL)
		return ASY_E_NOMEM;
	*out = tc;
	if (tc->con_done || lv->console == NULL)
		return 0;
	tc->con_done = 1;
	tc->con_err = asy_console_probe(lv->console, NULL, &tc->con);
	/* Hung up before a byte came: the console behind the port was
	 * replaced since the run opened it (a login program that timed
	 * out).  Open it again, once, and probe that. */
	if (tc->con_err == ASY_E_CLOSED && tc->con.bytes_read == 0) {
		int r = asy_live_console_reopen(lv);

		if (r < 0)
			return r;
		if (lv->console == NULL) {
			tc->con_err = ASY_E_CLOSED;
			snprintf(tc->con.reason, sizeof(tc->con.reason), "the "
			    "serial port hung up and could not be opened "
			    "again: %s", lv->console_error);
			return asy_tc_console_save(lv, &tc->con_transcript);
		}
		asy_console_result_release(&tc->con);
		memset(&tc->con, 0, sizeof(tc->con));
		tc->con_err = asy_console_probe(lv->console, NULL, &tc->con);
	}
	if (tc->con_err == ASY_E_NOMEM)
		return ASY_E_NOMEM;
	return asy_tc_console_save(lv, &tc->con_transcript);
}

/* ---- Outages and restarts ----------------------------------------------- */

/* Most services waited for. */
#define BACK_MAX	32

int
asy_tc_services_back(struct asy_live *lv, long long t0,
    unsigned long deadline_ms, struct asy_buf *t, char **silent)
{
	unsigned ports[BACK_MAX];
	int up[BACK_MAX] = { 0 };
	const char *addr = asy_tc_addr(lv);
	long long end = t0 + (long long)deadline_ms;
	size_t n = 0, left;
	struct asy_buf miss;

	*silent = NULL;
	for (size_t i = 0; lv->obs != NULL && i < lv->obs->n && n < BACK_MAX;
	    i++)
		if (lv->obs->v[i].svc != NULL &&
		    strcmp(lv->obs->v[i].proto, "tcp") == 0)
			ports[n++] = lv->obs->v[i].port;
	left = addr != NULL ? n : 0;
	while (left > 0) {
		for (size_t i = 0; i < n; i++) {
			struct asy_conn *c = NULL;
			char why[128];

			if (up[i] || asy_conn_open(addr, ports[i], 0, 1000, &c,
			    why, sizeof(why)) != 0)
				continue;
			asy_conn_close(c);
			up[i] = 1;
			left--;
			asy_tc_log(t, "  +%.1f s: tcp/%u answers",
			    (double)(asy_now_ms() - t0) / 1000.0, ports[i]);
		}
		if (left == 0 || asy_now_ms() >= end)
			break;
		(void)poll(NULL, 0, 250);
	}
	if (left == 0)
		return 0;
	asy_buf_init(&miss, 4096);
	for (size_t i = 0; i < n; i++)
		if (!up[i])
			(void)asy_buf_printf(&miss, "%stcp/%u", miss.len ? ", " :
			    "", ports[i]);
	*silent = asy_buf_steal(&miss);
	if (*silent == NULL)
		return ASY_E_NOMEM;
	asy_tc_log(t, "  still silent after %.0f s: %s",
	    (double)deadline_ms / 1000.0, *silent);
	return ASY_E_TIMEOUT;
}

char *
asy_tc_text_diff(const char *a, const char *b, const char *name_a,
    const char *name_b)
{
	unsigned long line = 1;
	char *pa, *pb, *d;
	size_t na, nb;

	for (;;) {
		na = strcspn(a, "\n");
		nb = strcspn(b, "\n");
		while (na > 0 && strchr(" \t\r", a[na - 1]) != NULL)
			na--;
		while (nb > 0 && strchr(" \t\r", b[nb - 1]) != NULL)
			nb--;
		if (na != nb || memcmp(a, b, na) != 0)
			break;
		a += strcspn(a, "\n");
		b += strcspn(b, "\n");
		if (*a == '\0' && *b == '\0')
			return NULL;
		a += *a != '\0';
		b += *b != '\0';
		line++;
	}
	pa = asy_printable(a, na, 120);
	pb = asy_printable(b, nb, 120);
	d = asy_strdup_printf("line %lu was \"%s\" %s and is \"%s\" %s",
	    line, pa ? pa : "", name_a, pb ? pb : "", name_b);
	free(pa);
	free(pb);
	return d;
}
