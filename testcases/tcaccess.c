/*
 * Access to a declared service (5.5-4-2, 5.5-5-2 a): is what must be
 * refused refused, is what must be granted granted, and is the
 * authentication the one declared?  Built on the surfaces of tclib.c;
 * the lab's <function> requests and the factory state are tcpriv.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "sshc.h"
#include "tclib.h"
#include "util.h"

/*
 * One login through the surface's prober (or libssh for keys): 1
 * accepted, 0 refused, <0 no answer (why says).
 */
int
asy_tc_login(struct asy_live *lv, const struct asy_surface *s,
    const char *user, const char *secret, int key, char *why, size_t len)
{
	const struct asy_guess_ops *ops;
	void *cfg = NULL, *sess = NULL;
	int r;

	snprintf(why, len, "no answer");
	if (s->kind == ASY_PK_SSH) {
		struct asy_ssh *ssh = NULL;

		r = asy_ssh_open(asy_tc_addr(lv), s->port,
		    lv->lab->budget.timeout_ms, user, &ssh, why, len);
		if (r < 0)
			return r;
		r = key ? asy_ssh_pubkey(ssh, secret) :
		    asy_ssh_password(ssh, secret);
		asy_ssh_close(ssh);
		if (r < 0)
			snprintf(why, len, "%s", asy_strerror(r));
		return r;
	}
	if (key) {
		snprintf(why, len, "a key cannot log in to %s",
		    asy_proto_kind_name(s->kind));
		return ASY_E_INPUT;
	}
	ops = asy_tc_prober(lv, s, &cfg);
	if (ops == NULL) {
		snprintf(why, len, "assay has no login prober for %s",
		    asy_proto_kind_name(s->kind));
		return ASY_E_INPUT;
	}
	r = ops->open(cfg, user, &sess, why, len);
	if (r == 0) {
		r = ops->attempt(sess, user, secret);
		ops->close(sess);
		if (r < 0)
			snprintf(why, len, "%s", asy_strerror(r));
	}
	asy_tc_prober_free(cfg);
	return r;
}

/* "AuthMech-SSH" from a SoftServ row's authmech, or NULL. */
static const struct asy_ixit_row *
authmech_of(const struct asy_live *lv, const struct asy_ixit_row *row)
{
	const char *am = asy_ixit_get(row, "authmech");
	char id[128];

	if (am == NULL || *am == '\0')
		return NULL;
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(am, " \t\n,"), am);
	return asy_decl_row(lv->decl, id);
}

/* A wrong password nobody would choose. */
static void
wrong_secret(char *buf, size_t len)
{
	snprintf(buf, len, "assay-wrong-%ld-%d", (long)time(NULL),
	    (int)getpid());
}

static int
unit_a(struct asy_live *lv, const struct asy_ixit_row *row,
    const struct asy_ixit_row *am, const struct asy_surface *s,
    struct asy_unit_result *u)
{
	const char *user = NULL;
	char wrong[64], why[200];
	int r;

	if (am == NULL) {
		if (s->auth == 1)
			return asy_unit_set(u, ASY_V_PASS, "no authentication "
			    "is declared, yet %s/%u asks for it (%s)",
			    s->o->proto, s->port, s->note ? s->note : "");
		if (s->auth == 0 && (s->kind == ASY_PK_HTTP ||
		    s->kind == ASY_PK_HTTPS) && s->note != NULL &&
		    strstr(s->note, "redirect") != NULL)
			return asy_unit_set(u, ASY_V_PASS, "%s/%u serves only "
			    "redirects (%s): there is nothing to protect",
			    s->o->proto, s->port, s->note);
		if (s->auth == 0)
			return asy_unit_set(u, ASY_V_FAIL, "%s/%u lets anyone "
			    "use it without authentication: %s; the IXIT "
			    "declares no authentication for it",
			    s->o->proto, s->port, s->note ? s->note : "");
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "how %s/%u "
		    "authenticates could not be told: %s", s->o->proto,
		    s->port, s->note ? s->note : "no answer");
	}
	if (s->auth == 0)
		return asy_unit_set(u, ASY_V_FAIL, "%s/%u is declared to "
		    "authenticate with %s, but it let an unauthenticated "
		    "client in: %s", s->o->proto, s->port, am->id,
		    s->note ? s->note : "");
	if (s->auth != 1)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "how %s/%u "
		    "authenticates could not be told: %s", s->o->proto,
		    s->port, s->note ? s->note : "no answer");
	/* A wrong password, as the declared user when the lab names one. */
	(void)asy_tc_secret(lv, am->id, 0, &user);
	wrong_secret(wrong, sizeof(wrong));
	r = asy_tc_login(lv, s, user ? user : "admin", wrong, 0, why,
	    sizeof(why));
	if (r == 1)
		return asy_unit_set(u, ASY_V_FAIL, "%s/%u accepted a wrong "
		    "password for user %s", s->o->proto, s->port,
		    user ? user : "admin");
	if (r < 0 && r != ASY_E_INPUT)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "an unauthenticated "
		    "request was refused (%s), but the wrong-password attempt "
		    "got no answer (%s)", s->note ? s->note : "",
		    why);
	return asy_unit_set(u, ASY_V_PASS, "refused: a client without "
	    "credentials (%s)%s%s", s->note ? s->note : "", r == 0 ?
	    " and a wrong password for user " : "", r == 0 ?
	    (user ? user : "admin") : "");
}

/* Does the lab config give a <function> for the row? */
static int
function_given(const struct asy_lab_dut *d, const char *id)
{
	for (size_t i = 0; i < d->n_functions; i++)
		if (strcmp(d->functions[i].service, id) == 0)
			return 1;
	return 0;
}

/* The lab's <function> requests of the row (tcpriv.c) folded into u. */
static int
fold_functions(struct asy_live *lv, const struct asy_ixit_row *row,
    enum asy_fn_part what, struct asy_unit_result *u)
{
	struct asy_unit_result part = { 0 };
	int r;

	r = asy_tc_functions(lv, row, what, &part);
	if (r == 0)
		r = asy_tc_fold(u, &part, NULL);
	asy_tc_part_release(&part);
	return r;
}

static int
unit_b(struct asy_live *lv, const struct asy_ixit_row *row,
    const struct asy_ixit_row *am, const struct asy_surface *s,
    struct asy_unit_result *u)
{
	const char *factor, *user = NULL, *secret;
	char why[200];
	int key, r;

	if (am == NULL)
		return asy_unit_set(u, s->auth == 0 ? ASY_V_PASS :
		    ASY_V_INCONCLUSIVE, "no authentication is declared for "
		    "%s/%u; %s", s->o->proto, s->port, s->auth == 0 ?
		    "it answered without credentials" : "it did not let a "
		    "client in without credentials either");
	factor = asy_ixit_get(am, "factor");
	key = factor != NULL && strcmp(factor, "key") == 0;
	secret = asy_tc_secret(lv, am->id, key, &user);
	if (secret == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the lab config "
		    "gives no readable %s credential for %s; add <credential "
		    "%s.../> and <uses credential=\"...\" for=\"%s\"/>",
		    key ? "ssh-key" : "password", am->id, key ?
		    "type=\"ssh-key\" " : "", am->id);
	r = asy_tc_login(lv, s, user ? user : "admin", secret, key, why,
	    sizeof(why));
	if (r == 1)
		return asy_unit_set(u, ASY_V_PASS, "the lab's credential for "
		    "%s (user %s, %s) was accepted on %s/%u", am->id,
		    user ? user : "admin", key ? "key" : "password",
		    s->o->proto, s->port);
	return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the lab's credential for "
	    "%s (user %s) was %s on %s/%u: check the lab config's "
	    "credential before reading this as the device's fault",
	    am->id, user ? user : "admin", r == 0 ? "refused" : why,
	    s->o->proto, s->port);
}

static int
unit_c(struct asy_live *lv, const struct asy_ixit_row *row,
    const struct asy_ixit_row *am, const struct asy_surface *s,
    struct asy_unit_result *u)
{
	const char *factor;

	if (am == NULL)
		return asy_unit_set(u, ASY_V_PASS, "no authentication is "
		    "declared and %s", s->auth == 0 ? "none is asked for" :
		    "the service asks for some anyway");
	factor = asy_ixit_get(am, "factor");
	if (s->auth == 0)
		return asy_unit_set(u, ASY_V_FAIL, "%s declares %s "
		    "authentication, but %s/%u asks for none", am->id,
		    factor ? factor : "some", s->o->proto, s->port);
	if (s->auth != 1)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "how %s/%u "
		    "authenticates could not be told", s->o->proto, s->port);
	if (factor != NULL && strcmp(factor, "key") == 0 && s->password)
		return asy_unit_set(u, ASY_V_FAIL, "%s declares key-based "
		    "authentication only, but %s/%u also offers passwords "
		    "(%s)", am->id, s->o->proto, s->port, s->method);
	if (factor != NULL && strcmp(factor, "password") == 0 &&
	    !s->password)
		return asy_unit_set(u, ASY_V_FAIL, "%s declares passwords, "
		    "but %s/%u offers %s", am->id, s->o->proto, s->port,
		    s->method);
	return asy_unit_set(u, ASY_V_PASS, "%s/%u authenticates with %s, "
	    "as %s declares (%s)", s->o->proto, s->port, s->method, am->id,
	    factor ? factor : "factor not given");
}

int
asy_tc_access(struct asy_live *lv, const struct asy_ixit_row *row,
    char unit, struct asy_unit_result *u)
{
	const struct asy_ixit_row *am;
	const struct asy_surface *s;
	int r;

	if (row == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	s = asy_tc_surface_of(lv, row);
	if (s == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s (%s) is "
		    "declared enabled but was not found open, so it could not "
		    "be tried", row->id, asy_ixit_get(row, "port") ?
		    asy_ixit_get(row, "port") : "no port declared");
	r = asy_tc_surface_evidence(lv, s, u);
	if (r < 0)
		return r;
	am = authmech_of(lv, row);
	switch (unit) {
	case 'a':
	case 'f':
		r = unit_a(lv, row, am, s, u);
		if (r == 0)
			r = fold_functions(lv, row, ASY_FN_REFUSED, u);
		if (r == 0 && unit == 'f')
			r = fold_functions(lv, row, ASY_FN_FACTORY, u);
		return r;
	case 'b':
		r = unit_b(lv, row, am, s, u);
		if (r == 0 && function_given(lv->dut, row->id))
			r = fold_functions(lv, row, ASY_FN_GRANTED, u);
		return r;
	default:
		return unit_c(lv, row, am, s, u);
	}
}
