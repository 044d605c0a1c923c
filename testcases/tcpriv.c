/*
 * Under-privileged requests and the factory state (5.5-4-2 a and b,
 * 5.5-5-2 a): the lab's <function> requests of a service, tried without
 * credentials, with a wrong password, with the DUT's lower-privileged
 * credential and with the admin's, once for the run; and, after one
 * factory reset for the run, the configuration functions (changes="yes")
 * again without credentials and with a wrong password.
 *
 * An answer is granted when its status is 2xx and refused when it is 401
 * or 403; any other status is neither (the request is likely wrong for
 * this device), and no answer is the bench's or the DUT's network's
 * failure: both make the part INCONCLUSIVE, never FAIL.
 *
 * The factory reset is the lab's <control action="reset"> when it gives
 * one (a lab's fixture on the reset button), else the declared erase
 * function, <erase><delete>, which 5.11-1-2 already takes as the way back
 * to the factory state.  Without either, only the state the DUT was in is
 * tried, and the unit says so without becoming INCONCLUSIVE: most labs
 * test a device as it is delivered and configured, and an INCONCLUSIVE for
 * every device without a reset fixture would hide the results that were
 * collected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclose.h"
#include "error.h"
#include "httpc.h"
#include "sha256.h"
#include "sshc.h"
#include "tcstate.h"

/* The attempts, in the order they are made: the admin's last, as it
 * changes the DUT. */
enum who {
	W_NONE,
	W_WRONG,
	W_LIMITED,
	W_ADMIN,
	W_N
};

static const char *const who_words[W_N] = {
	[W_NONE] = "without credentials",
	[W_WRONG] = "with a wrong password",
	[W_LIMITED] = "with the limited credential",
	[W_ADMIN] = "with the admin's credential",
};

/* What one attempt got. */
enum got {
	G_NOT_TRIED,
	G_GRANTED,		/* 2xx */
	G_REFUSED,		/* 401, 403 */
	G_OTHER,		/* another status */
	G_NO_ANSWER,		/* transport failure */
};

struct try {
	enum got	 got;
	long		 status;
	char		*seen;		/* status line and first bytes,
					   escaped; or why there was no
					   answer */
};

/* One <function>'s attempts. */
struct fnres {
	int		 done, fdone;
	struct try	 cur[W_N];
	struct try	 fac[2];	/* W_NONE, W_WRONG after the reset */
	const char	*admin_user;	/* NULL: no admin credential */
	const char	*limited_user;	/* NULL: none */
	char		*no_admin;	/* why the admin's was not tried */
	char		*transcript;	/* the attempts (relative) */
};

struct asy_tc_priv {
	struct fnres	*fn;		/* one per lab->dut function */
	size_t		 n;
	int		 reset_done;
	char		*reset_how;	/* "<erase><delete> (line 12)" */
	char		*reset_fail;	/* why the reset did not work, or
					   NULL */
	double		 back_s;
	char		*fac_transcript;	/* the reset and after */
};

static void
try_release(struct try *t)
{
	free(t->seen);
	memset(t, 0, sizeof(*t));
}

void
asy_tc_priv_free(struct asy_tc_priv *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < W_N; k++)
			try_release(&p->fn[i].cur[k]);
		for (size_t k = 0; k < 2; k++)
			try_release(&p->fn[i].fac[k]);
		free(p->fn[i].no_admin);
		free(p->fn[i].transcript);
	}
	free(p->fn);
	free(p->reset_how);
	free(p->reset_fail);
	free(p->fac_transcript);
	free(p);
}

static struct asy_tc_priv *
priv_state(struct asy_live *lv)
{
	struct asy_tc_state *tc = asy_tc_state(lv);
	struct asy_tc_priv *p;

	if (tc == NULL)
		return NULL;
	if (tc->priv != NULL)
		return tc->priv;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->fn = calloc(lv->dut->n_functions + 1, sizeof(*p->fn));
	if (p->fn == NULL) {
		free(p);
		return NULL;
	}
	p->n = lv->dut->n_functions;
	tc->priv = p;
	return p;
}

/* The first 1-AuthMech ID a 13-SoftServ row names, into id. */
static void
authmech_id(const struct asy_ixit_row *row, char *id, size_t len)
{
	const char *am = asy_ixit_get(row, "authmech");

	*id = '\0';
	if (am != NULL)
		snprintf(id, len, "%.*s", (int)strcspn(am, " \t\n,"), am);
}

/* The request target with {token} replaced (the marker needs no
 * percent-encoding). */
static char *
target_of(const char *text, const char *tok)
{
	struct asy_buf b;

	asy_buf_init(&b, 8192);
	for (const char *p = text; *p != '\0';) {
		if (strncmp(p, "{token}", 7) == 0) {
			if (asy_buf_puts(&b, tok) < 0)
				goto fail;
			p += 7;
		} else if (asy_buf_putc(&b, *p++) < 0)
			goto fail;
	}
	if (asy_buf_putc(&b, '\0') < 0)
		goto fail;
	return asy_buf_steal(&b);
fail:
	asy_buf_release(&b);
	return NULL;
}

/* "HTTP/1.1 200 OK, body \"...\"": what the DUT answered, escaped. */
static char *
seen_of(const struct asy_http_resp *resp)
{
	const char *h = resp->headers.data != NULL ? resp->headers.data : "";
	char *line, *body, *s;

	line = asy_printable(h, strcspn(h, "\r\n"), 80);
	body = asy_printable(resp->body.data != NULL ? resp->body.data : "",
	    resp->body.len, 60);
	s = asy_strdup_printf("%s, body \"%s\"", line && *line ? line :
	    "no status line", body ? body : "");
	free(line);
	free(body);
	return s;
}

/* One GET of function f as user with pass (NULL: none) into tr. */
static int
attempt(struct asy_live *lv, const struct asy_lab_function *f,
    enum who w, const char *user, const char *pass, struct try *tr,
    struct asy_buf *t)
{
	struct asy_http_opts ho = { 0 };
	struct asy_http_resp resp;
	struct asy_http *h = NULL;
	char tok[ASY_TC_TOKEN_LEN], why[256], *target = NULL;
	int r;

	asy_tc_token(tok);
	target = target_of(f->req.text, tok);
	if (target == NULL)
		return ASY_E_NOMEM;
	ho.addr = asy_tc_addr(lv);
	ho.port = f->req.port != 0 ? f->req.port : f->req.tls ? 443 : 80;
	ho.tls = f->req.tls;
	ho.timeout_ms = f->req.timeout_ms;
	ho.max_body = 4096;
	*why = '\0';
	r = ho.addr == NULL ? ASY_E_INPUT : asy_http_new(&ho, &h);
	if (r == ASY_E_INPUT && ho.addr == NULL)
		snprintf(why, sizeof(why), "the DUT has no address in the "
		    "lab's scope");
	if (r == 0)
		r = asy_http_request(h, "GET", target, pass != NULL ?
		    ASY_HTTP_AUTH_ANY : ASY_HTTP_AUTH_NONE, pass ? user : NULL,
		    pass, NULL, NULL, 0, &resp, why, sizeof(why));
	asy_http_free(h);
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		tr->got = G_NO_ANSWER;
		tr->seen = asy_strdup_printf("no answer (%s)", *why ? why :
		    asy_strerror(r));
		asy_tc_log(t, "GET %s %s%s%s: %s", target, who_words[w],
		    pass ? " as " : "", pass ? user : "", tr->seen ?
		    tr->seen : "");
		r = tr->seen == NULL ? ASY_E_NOMEM : 0;
		goto out;
	}
	tr->status = resp.status;
	tr->got = resp.status >= 200 && resp.status <= 299 ? G_GRANTED :
	    resp.status == 401 || resp.status == 403 ? G_REFUSED : G_OTHER;
	tr->seen = seen_of(&resp);
	asy_http_resp_release(&resp);
	if (tr->seen == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	asy_tc_log(t, "GET %s %s%s%s: %s", target, who_words[w],
	    pass ? " as " : "", pass ? user : "", tr->seen);
out:
	free(target);
	return r;
}

/* A wrong password nobody would choose. */
static void
wrong_secret(char *buf, size_t len)
{
	snprintf(buf, len, "assay-wrong-%lld-%d", asy_now_ms(),
	    (int)getpid());
}

/* The admin's credential of f: its own, else the mechanism's. */
static const struct asy_lab_cred *
admin_cred(const struct asy_live *lv, const struct asy_lab_function *f,
    const char *am)
{
	if (f->req.cred != NULL)
		return f->req.cred;
	return asy_lab_cred_for(lv->dut, *am ? am : NULL, 0);
}

/* The four attempts on function i, once for the run. */
static int
run_current(struct asy_live *lv, struct asy_tc_priv *p, size_t i,
    const char *am, struct asy_buf *t)
{
	const struct asy_lab_function *f = &lv->dut->functions[i];
	struct fnres *fr = &p->fn[i];
	const struct asy_lab_cred *ac, *lc;
	const char *asecret = NULL, *lsecret = NULL;
	char wrong[64];
	int err = 0, r;

	if (fr->done)
		return 0;
	fr->done = 1;
	ac = admin_cred(lv, f, am);
	if (ac != NULL) {
		asecret = asy_live_secret(lv, ac, &err);
		if (asecret == NULL)
			fr->no_admin = asy_strdup_printf("the secret of "
			    "credential %s cannot be read (%s)", ac->id,
			    asy_strerror(err));
		else
			fr->admin_user = ac->user ? ac->user : "admin";
	} else
		fr->no_admin = asy_strdup_printf("the lab config gives no "
		    "password credential for %s; add <uses credential=\"ID\" "
		    "for=\"%s\"/> or credential=\"ID\" on the <function>",
		    *am ? am : f->service, *am ? am : "AuthMech-...");
	if (ac != NULL && asecret == NULL && fr->no_admin == NULL)
		return ASY_E_NOMEM;
	if (ac == NULL && fr->no_admin == NULL)
		return ASY_E_NOMEM;
	lc = f->admin_only ? asy_lab_cred_limited(lv->dut, *am ? am : NULL) :
	    NULL;
	if (lc != NULL) {
		lsecret = asy_live_secret(lv, lc, NULL);
		if (lsecret != NULL)
			fr->limited_user = lc->user;
	}
	asy_tc_log(t, "<function> for %s (lab config line %lu), privilege "
	    "%s%s", f->service, f->line, f->admin_only ? "admin" : "any",
	    f->changes ? ", changes the configuration" : "");
	r = attempt(lv, f, W_NONE, NULL, NULL, &fr->cur[W_NONE], t);
	if (r < 0)
		return r;
	wrong_secret(wrong, sizeof(wrong));
	r = attempt(lv, f, W_WRONG, fr->admin_user ? fr->admin_user :
	    "admin", wrong, &fr->cur[W_WRONG], t);
	if (r < 0)
		return r;
	if (fr->limited_user != NULL) {
		r = attempt(lv, f, W_LIMITED, fr->limited_user, lsecret,
		    &fr->cur[W_LIMITED], t);
		if (r < 0)
			return r;
	}
	if (fr->admin_user != NULL)
		r = attempt(lv, f, W_ADMIN, fr->admin_user, asecret,
		    &fr->cur[W_ADMIN], t);
	return r;
}

/* "the request without credentials got in: ..." for each attempt of
 * tries[0..n) that got what; 1 when one did. */
static int
list_got(struct asy_buf *b, const struct try *tries, size_t n, enum got what,
    const char *limited_user)
{
	int any = 0;

	for (size_t k = 0; k < n; k++) {
		if (tries[k].got != what)
			continue;
		(void)asy_buf_printf(b, "%s%s%s%s%s (%s)", any ? "; " : "",
		    who_words[k], k == W_LIMITED ? " of user " : "",
		    k == W_LIMITED ? limited_user : "",
		    what == G_GRANTED ? " got in" : what == G_OTHER ?
		    " was answered neither granted nor refused" :
		    " got no answer", tries[k].seen ? tries[k].seen : "");
		any = 1;
	}
	return any;
}

/* "401 without credentials, 401 with a wrong password": refusals. */
static void
list_refused(struct asy_buf *b, const struct try *tries, size_t n,
    const char *limited_user)
{
	int first = 1;

	for (size_t k = 0; k < n; k++) {
		if (tries[k].got != G_REFUSED)
			continue;
		(void)asy_buf_printf(b, "%s%s%s%s (HTTP %ld)", first ? "" :
		    ", ", who_words[k], k == W_LIMITED ? " of user " : "",
		    k == W_LIMITED ? limited_user : "", tries[k].status);
		first = 0;
	}
}

/* The part of 5.5-4-2 a for function i: b gets its words. */
static enum asy_verdict
judge_refused(const struct asy_lab_dut *dut, size_t i,
    const struct fnres *fr, const char *am, struct asy_buf *b)
{
	const struct asy_lab_function *f = &dut->functions[i];
	const struct try *adm = &fr->cur[W_ADMIN];

	(void)asy_buf_printf(b, "function %s (lab config line %lu): ",
	    f->req.text, f->line);
	if (list_got(b, fr->cur, W_ADMIN, G_GRANTED, fr->limited_user))
		return ASY_V_FAIL;
	if (list_got(b, fr->cur, W_ADMIN, G_NO_ANSWER, fr->limited_user) ||
	    list_got(b, fr->cur, W_ADMIN, G_OTHER, fr->limited_user))
		return ASY_V_INCONCLUSIVE;
	(void)asy_buf_puts(b, "refused ");
	list_refused(b, fr->cur, W_ADMIN, fr->limited_user);
	if (fr->admin_user == NULL) {
		(void)asy_buf_printf(b, ", but it was not shown that the "
		    "device grants it at all: %s", fr->no_admin ?
		    fr->no_admin : "no admin credential");
		return ASY_V_INCONCLUSIVE;
	}
	if (adm->got != G_GRANTED) {
		(void)asy_buf_printf(b, ", but the lab's admin credential "
		    "(user %s) did not get in either (%s): check the "
		    "function's request and the credential", fr->admin_user,
		    adm->seen ? adm->seen : "no answer");
		return ASY_V_INCONCLUSIVE;
	}
	(void)asy_buf_printf(b, "; granted to the admin (user %s, HTTP "
	    "%ld)", fr->admin_user, adm->status);
	if (!f->admin_only)
		(void)asy_buf_puts(b, "; any authenticated user may use it "
		    "(privilege=\"any\"), so no limited credential was tried");
	else if (fr->limited_user == NULL)
		(void)asy_buf_printf(b, "; the lab config names no readable "
		    "lower-privileged credential for %s (<uses "
		    "privilege=\"limited\">), so no under-privileged request "
		    "was tried", *am ? am : f->service);
	return ASY_V_PASS;
}

/* The part of 5.5-4-2 b: the admin's attempt. */
static enum asy_verdict
judge_granted(const struct asy_lab_dut *dut, size_t i,
    const struct fnres *fr, struct asy_buf *b)
{
	const struct asy_lab_function *f = &dut->functions[i];
	const struct try *adm = &fr->cur[W_ADMIN];

	(void)asy_buf_printf(b, "function %s (lab config line %lu) ",
	    f->req.text, f->line);
	if (fr->admin_user == NULL) {
		(void)asy_buf_printf(b, "was not tried with an admin "
		    "credential: %s", fr->no_admin ? fr->no_admin : "none");
		return ASY_V_INCONCLUSIVE;
	}
	if (adm->got == G_GRANTED) {
		(void)asy_buf_printf(b, "was granted to the lab's credential "
		    "(user %s, HTTP %ld)", fr->admin_user, adm->status);
		return ASY_V_PASS;
	}
	(void)asy_buf_printf(b, "was not granted to the lab's credential "
	    "(user %s): %s; check the lab config's request and credential "
	    "before reading this as the device's fault", fr->admin_user,
	    adm->seen ? adm->seen : "no answer");
	return ASY_V_INCONCLUSIVE;
}

/* The factory reset, once for the run: 0 (p->reset_fail says whether it
 * worked) or <0. */
static int
factory_reset(struct asy_live *lv, struct asy_tc_priv *p, struct asy_buf *t)
{
	const struct asy_lab_dut *d = lv->dut;
	const struct asy_lab_cmd *c = asy_lab_cmd(d, "reset");
	unsigned long settle = d->erase.line != 0 ? d->erase.settle_ms :
	    120000;
	char why[512], *silent = NULL;
	long long t0;
	int r;

	if (c != NULL) {
		p->reset_how = asy_strdup_printf("<control action=\"reset\"> "
		    "(lab config line %lu)", c->line);
		if (p->reset_how == NULL)
			return ASY_E_NOMEM;
		r = asy_live_control(lv, "reset", t, why, sizeof(why));
		if (r == ASY_E_NOMEM)
			return r;
		if (r != 1) {
			p->reset_fail = asy_strdup(*why ? why :
			    asy_strerror(r));
			return p->reset_fail != NULL ? 0 : ASY_E_NOMEM;
		}
	} else {
		struct asy_tc_subst sub = { 0 };
		struct asy_ssh *ssh = NULL;
		struct asy_buf out;
		char tok[ASY_TC_TOKEN_LEN];

		p->reset_how = asy_strdup_printf("<erase><delete> (lab config "
		    "line %lu)", d->erase.del.line);
		if (p->reset_how == NULL)
			return ASY_E_NOMEM;
		asy_tc_token(tok);
		sub.token = tok;
		asy_buf_init(&out, ASY_TC_STEP_OUT_MAX + 1);
		r = asy_tc_step(lv, &d->erase.del, &sub, &ssh, &out, why,
		    sizeof(why));
		asy_ssh_close(ssh);
		asy_buf_release(&out);
		if (r == ASY_E_NOMEM)
			return r;
		asy_tc_log(t, "factory reset by %s: %s", p->reset_how,
		    r == 0 ? "done" : *why ? why : asy_strerror(r));
		if (r < 0) {
			p->reset_fail = asy_strdup(*why ? why :
			    asy_strerror(r));
			return p->reset_fail != NULL ? 0 : ASY_E_NOMEM;
		}
	}
	t0 = asy_now_ms();
	r = asy_tc_services_back(lv, t0, settle, t, &silent);
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0) {
		p->reset_fail = asy_strdup_printf("after the factory reset %s "
		    "did not answer within %.0f s", silent ? silent :
		    "the services", (double)settle / 1000.0);
		free(silent);
		return p->reset_fail != NULL ? 0 : ASY_E_NOMEM;
	}
	p->back_s = (double)(asy_now_ms() - t0) / 1000.0;
	asy_tc_log(t, "every service answers again after %.1f s", p->back_s);
	return 0;
}

/* The reset and the attempts on every configuration function, once. */
static int
run_factory(struct asy_live *lv, struct asy_tc_priv *p)
{
	const struct asy_lab_dut *d = lv->dut;
	struct asy_buf t;
	char wrong[64];
	int r;

	if (p->reset_done)
		return 0;
	p->reset_done = 1;
	asy_buf_init(&t, 1 << 20);
	asy_tc_log(&t, "the factory state of DUT %s", d->name);
	r = factory_reset(lv, p, &t);
	if (r < 0 || p->reset_fail != NULL)
		goto save;
	for (size_t i = 0; i < d->n_functions; i++) {
		const struct asy_lab_function *f = &d->functions[i];
		const char *user = "admin";
		const struct asy_lab_cred *ac;
		struct fnres *fr = &p->fn[i];

		if (!f->changes)
			continue;
		fr->fdone = 1;
		ac = f->req.cred;
		if (ac != NULL && ac->user != NULL)
			user = ac->user;
		else if (fr->admin_user != NULL)
			user = fr->admin_user;
		asy_tc_log(&t, "<function> for %s (lab config line %lu) in "
		    "the factory state", f->service, f->line);
		r = attempt(lv, f, W_NONE, NULL, NULL, &fr->fac[0], &t);
		if (r < 0)
			goto out;
		wrong_secret(wrong, sizeof(wrong));
		r = attempt(lv, f, W_WRONG, user, wrong, &fr->fac[1], &t);
		if (r < 0)
			goto out;
	}
save:
	if (r >= 0)
		r = asy_tc_transcript_save(lv, "factory-state", 0, &t,
		    &p->fac_transcript);
out:
	asy_buf_release(&t);
	return r;
}

static int
judge_factory(struct asy_live *lv, struct asy_tc_priv *p,
    const struct asy_ixit_row *row, struct asy_unit_result *u)
{
	const struct asy_lab_dut *d = lv->dut;
	enum asy_verdict v = ASY_V_PASS;
	struct asy_buf b;
	int any = 0, r;

	asy_buf_init(&b, 16384);
	for (size_t i = 0; i < d->n_functions; i++) {
		const struct asy_lab_function *f = &d->functions[i];
		struct fnres *fr = &p->fn[i];
		struct asy_buf one;

		if (!f->changes || strcmp(f->service, row->id) != 0 ||
		    !fr->fdone)
			continue;
		asy_buf_init(&one, 8192);
		(void)asy_buf_printf(&one, "%sfunction %s: ", any ? "; " : "",
		    f->req.text);
		if (list_got(&one, fr->fac, 2, G_GRANTED, NULL))
			v = ASY_V_FAIL;
		else if (list_got(&one, fr->fac, 2, G_NO_ANSWER, NULL) ||
		    list_got(&one, fr->fac, 2, G_OTHER, NULL)) {
			if (v == ASY_V_PASS)
				v = ASY_V_INCONCLUSIVE;
		} else {
			(void)asy_buf_puts(&one, "refused ");
			list_refused(&one, fr->fac, 2, NULL);
		}
		(void)asy_buf_add(&b, one.data, one.len);
		asy_buf_release(&one);
		any = 1;
	}
	(void)asy_buf_putc(&b, '\0');
	if (v == ASY_V_FAIL)
		r = asy_unit_set(u, v, "in the factory state (after %s) a "
		    "request that changes the configuration got in: %s",
		    p->reset_how, b.data ? b.data : "");
	else if (v == ASY_V_INCONCLUSIVE)
		r = asy_unit_set(u, v, "in the factory state (after %s) an "
		    "attempt was not answered clearly: %s", p->reset_how,
		    b.data ? b.data : "");
	else
		r = asy_unit_set(u, v, "in the factory state too (after %s; "
		    "every service answered again %.1f s later): %s",
		    p->reset_how, p->back_s, b.data ? b.data : "");
	asy_buf_release(&b);
	if (r == 0 && p->fac_transcript != NULL)
		r = asy_unit_add_evidence(u, p->fac_transcript, "transcript",
		    "the factory reset and the attempts after it");
	return r;
}

/* Does the DUT have a function for row (with changes when asked)? */
static int
has_function(const struct asy_lab_dut *d, const char *id, int changes)
{
	for (size_t i = 0; i < d->n_functions; i++)
		if (strcmp(d->functions[i].service, id) == 0 &&
		    (!changes || d->functions[i].changes))
			return 1;
	return 0;
}

int
asy_tc_functions(struct asy_live *lv, const struct asy_ixit_row *row,
    enum asy_fn_part what, struct asy_unit_result *u)
{
	const struct asy_lab_dut *d = lv->dut;
	struct asy_tc_priv *p;
	enum asy_verdict v = ASY_V_PASS;
	struct asy_buf b, t;
	char am[128], name[96];
	char *rel = NULL;
	int r = 0, any = 0;

	if (what == ASY_FN_FACTORY) {
		if (!has_function(d, row->id, 1))
			return asy_unit_set(u, ASY_V_PASS, "only the state the "
			    "device was in was tried: the lab config gives no "
			    "<function changes=\"yes\"> for %s to repeat in "
			    "the factory state", row->id);
		if (asy_lab_cmd(d, "reset") == NULL && d->erase.line == 0)
			return asy_unit_set(u, ASY_V_PASS, "only the state the "
			    "device was in was tried: the lab config gives no "
			    "factory reset (<control action=\"reset\"> or "
			    "<erase><delete>)");
		p = priv_state(lv);
		if (p == NULL)
			return ASY_E_NOMEM;
		r = run_factory(lv, p);
		if (r < 0)
			return r;
		if (p->reset_fail != NULL) {
			r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the factory "
			    "state could not be tried: %s by %s", p->reset_fail,
			    p->reset_how ? p->reset_how : "the reset");
			if (r == 0 && p->fac_transcript != NULL)
				r = asy_unit_add_evidence(u, p->fac_transcript,
				    "transcript", "the factory reset");
			return r;
		}
		return judge_factory(lv, p, row, u);
	}
	if (!has_function(d, row->id, 0))
		return asy_unit_set(u, ASY_V_PASS, "the lab config gives no "
		    "<function> request for %s, so no under-privileged "
		    "request was tried", row->id);
	p = priv_state(lv);
	if (p == NULL)
		return ASY_E_NOMEM;
	authmech_id(row, am, sizeof(am));
	asy_buf_init(&t, 1 << 20);
	asy_buf_init(&b, 32768);
	for (size_t i = 0; i < d->n_functions && r >= 0; i++) {
		if (strcmp(d->functions[i].service, row->id) == 0 &&
		    !p->fn[i].done) {
			r = run_current(lv, p, i, am, &t);
			any = 1;
		}
	}
	snprintf(name, sizeof(name), "functions-%s", row->id);
	if (r >= 0 && any)
		r = asy_tc_transcript_save(lv, name, 0, &t, &rel);
	for (size_t i = 0; rel != NULL && r >= 0 && i < d->n_functions; i++)
		if (strcmp(d->functions[i].service, row->id) == 0 &&
		    p->fn[i].transcript == NULL) {
			p->fn[i].transcript = asy_strdup(rel);
			if (p->fn[i].transcript == NULL)
				r = ASY_E_NOMEM;
		}
	free(rel);
	for (size_t i = 0, n = 0; i < d->n_functions && r >= 0; i++) {
		enum asy_verdict one;

		if (strcmp(d->functions[i].service, row->id) != 0)
			continue;
		if (n++ > 0)
			(void)asy_buf_puts(&b, "; ");
		one = what == ASY_FN_GRANTED ?
		    judge_granted(d, i, &p->fn[i], &b) :
		    judge_refused(d, i, &p->fn[i], am, &b);
		if (one == ASY_V_FAIL || (one == ASY_V_INCONCLUSIVE &&
		    v == ASY_V_PASS))
			v = one;
	}
	if (r >= 0 && asy_buf_putc(&b, '\0') < 0)
		r = ASY_E_NOMEM;
	if (r >= 0)
		r = asy_unit_set(u, v, "%s", b.data);
	for (size_t i = 0; r >= 0 && i < d->n_functions; i++) {
		const char *tr = p->fn[i].transcript;
		size_t k;

		if (tr == NULL || strcmp(d->functions[i].service, row->id) != 0)
			continue;
		for (k = 0; k < u->n_ev; k++)
			if (strcmp(u->ev[k].path, tr) == 0)
				break;
		if (k == u->n_ev)
			r = asy_unit_add_evidence(u, tr, "transcript", "the "
			    "<function> requests with and without "
			    "credentials");
	}
	asy_buf_release(&b);
	asy_buf_release(&t);
	return r < 0 ? r : 0;
}
