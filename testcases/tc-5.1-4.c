/*
 * 5.1-4-2 (both editions): the authentication value can be changed, and
 * after the change the old value is refused and the new one accepted.
 *
 * With the lab's <credential-change> for the unit's 1-AuthMech row, once
 * per mechanism for the run (V1.1.1's units a and b share it):
 *
 *   1. <check> with the lab's value: it must be accepted (else the lab's
 *      credential is wrong: INCONCLUSIVE), and with the new value, made
 *      for the run, which the device never had: it must be refused (else
 *      <check> does not need the credential: INCONCLUSIVE);
 *   2. <change> to the new value; the device answering it with a failure
 *      (an HTTP status other than 2xx, an exit status) is a refusal of
 *      the documented change (FAIL); no answer is INCONCLUSIVE;
 *   3. <check> with the new value until it is accepted, at most settle
 *      seconds, then with the old one: the old refused and the new
 *      accepted PASS, anything else FAILs;
 *   4. <restore> to the lab's value (logging in with the value that works
 *      now) and <check> with it: when it is not accepted, every unit of
 *      the mechanism is ERROR and the run says loudly that the lab must
 *      reset the credential by hand.
 *
 * The new value is 24 letters and digits from getrandom(), enough for
 * any password rule; neither value reaches a report, a transcript or the
 * log (the steps are logged as written in the lab config, with {old} and
 * {new}, and what the device prints is masked).  Without a
 * <credential-change> the mechanism's units are the operator's.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "disclose.h"
#include "error.h"
#include "log.h"
#include "sshc.h"
#include "tcstate.h"

#define NEW_LEN		24
#define MASK		"********"

/* A check: accepted, refused, or no judgement (the harness, the network,
 * an answer that is neither). */
enum {
	CK_NONE = -1,
	CK_REFUSED = 0,
	CK_ACCEPTED = 1,
};

struct asy_tc_credchg {
	struct asy_tc_credchg *next;
	const struct asy_lab_credchange *cfg;
	char		*stopped;	/* the harness or the lab stopped the
					   sequence before the change: why */
	int		 error;		/* ... and it is an ERROR */
	int		 changed;	/* 1 done, 0 the DUT refused it,
					   CK_NONE not run or no answer */
	char		*change_why;
	int		 new_ok;	/* after the change, CK_* */
	int		 old_ok;
	double		 took_s;	/* until the new value worked */
	int		 restored;	/* the lab's value works again: 1 */
	char		*restore_why;	/* when it does not */
	char		*transcript;
};

static void
credchg_free(struct asy_tc_credchg *c)
{
	free(c->stopped);
	free(c->change_why);
	free(c->restore_why);
	free(c->transcript);
	free(c);
}

void
asy_tc_credchg_free(struct asy_tc_credchg *c)
{
	while (c != NULL) {
		struct asy_tc_credchg *next = c->next;

		credchg_free(c);
		c = next;
	}
}

/* NEW_LEN letters and digits, NUL-terminated, into buf. */
static int
make_value(char buf[NEW_LEN + 1])
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[NEW_LEN * 2];
	size_t n = 0;

	while (n < NEW_LEN) {
		ssize_t got = getrandom(raw, sizeof(raw), 0);

		if (got <= 0)
			return ASY_E_IO;
		/* 248 = 4 * 62: no bias. */
		for (ssize_t i = 0; i < got && n < NEW_LEN; i++)
			if (raw[i] < 248)
				buf[n++] = set[raw[i] % 62];
	}
	buf[NEW_LEN] = '\0';
	/* At least one letter and one digit for rules that want both. */
	buf[0] = set[raw[0] % 26];
	buf[1] = set[52 + raw[1] % 10];
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

/* text (len bytes) with every occurrence of the secrets masked, made
 * printable and cut to max; fresh, or NULL. */
static char *
masked(const char *text, size_t len, const char *const *secrets,
    size_t n_secrets, size_t max)
{
	struct asy_buf b;
	char *p;
	size_t i = 0;

	asy_buf_init(&b, len + 64);
	while (i < len) {
		size_t k = 0;

		for (size_t j = 0; j < n_secrets && k == 0; j++) {
			size_t m = secrets[j] != NULL ? strlen(secrets[j]) : 0;

			if (m > 0 && m <= len - i &&
			    memcmp(text + i, secrets[j], m) == 0)
				k = m;
		}
		if (k > 0) {
			if (asy_buf_puts(&b, MASK) < 0)
				goto fail;
			i += k;
		} else if (asy_buf_putc(&b, text[i++]) < 0)
			goto fail;
	}
	p = asy_printable(b.data != NULL ? b.data : "", b.len, max);
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	return p;
fail:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	asy_buf_release(&b);
	return NULL;
}

/* The state of one sequence: the values, the transcript, the output. */
struct run {
	struct asy_live	*lv;
	const struct asy_lab_credchange *cfg;
	const char	*old;
	char		 new[NEW_LEN + 1];
	struct asy_buf	 t, o;
	char		 why[512];
};

/*
 * Run step st with sub (as the changed credential with secret); log it
 * to the transcript as name, masked.  Returns asy_tc_step()'s result;
 * *refused gets whether the device refused the login.
 */
static int
run_step(struct run *R, const struct asy_lab_step *st, const char *name,
    const char *secret, const char *label, int *refused)
{
	const char *const secrets[] = { R->old, R->new };
	struct asy_tc_subst sub = { 0 };
	struct asy_ssh *ssh = NULL;
	char *out, *why;
	int r;

	*refused = 0;
	sub.old = R->old;
	sub.new = R->new;
	sub.as = R->cfg->cred;
	sub.secret = secret;
	sub.refused = refused;
	asy_buf_reset(&R->o);
	r = asy_tc_step(R->lv, st, &sub, &ssh, &R->o, R->why,
	    sizeof(R->why));
	asy_ssh_close(ssh);
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0 && R->why[0] == '\0')
		snprintf(R->why, sizeof(R->why), "%s", asy_strerror(r));
	/* Neither value leaves this function unmasked. */
	why = masked(R->why, strlen(R->why), secrets, 2, 400);
	if (why == NULL)
		return ASY_E_NOMEM;
	snprintf(R->why, sizeof(R->why), "%s", why);
	free(why);
	out = masked(R->o.data != NULL ? R->o.data : "", R->o.len, secrets,
	    2, 400);
	if (out == NULL)
		return ASY_E_NOMEM;
	if (r == 0)
		asy_tc_log(&R->t, "<%s> (line %lu)%s: ok: %s", name, st->line,
		    label, out);
	else
		asy_tc_log(&R->t, "<%s> (line %lu)%s: %s%s%s%s", name,
		    st->line, label, *refused ? "login refused: " : "failed: ",
		    R->why, *out != '\0' ? "; it printed: " : "", out);
	free(out);
	return r;
}

/* <check> with secret: CK_ACCEPTED, CK_REFUSED or CK_NONE (why in R). */
static int
check(struct run *R, const char *secret, const char *which, int *res)
{
	char label[48];
	int r, refused;

	snprintf(label, sizeof(label), " with the %s value", which);
	r = run_step(R, &R->cfg->check, "check", secret, label, &refused);
	if (r == ASY_E_NOMEM)
		return r;
	if (r == 0)
		*res = CK_ACCEPTED;
	else if (refused)
		*res = CK_REFUSED;
	else
		*res = CK_NONE;
	return 0;
}

/* Check with the new value until accepted, at most settle_ms. */
static int
await_new(struct run *R, struct asy_tc_credchg *c)
{
	long long t0 = asy_now_ms();
	long long end = t0 + (long long)R->cfg->settle_ms;
	int r;

	for (;;) {
		r = check(R, R->new, "new", &c->new_ok);
		if (r < 0)
			return r;
		if (c->new_ok == CK_ACCEPTED || asy_now_ms() >= end)
			break;
		/* Once a second, not to look like guessing. */
		(void)poll(NULL, 0, (int)(end - asy_now_ms() < 1000 ?
		    end - asy_now_ms() : 1000));
	}
	c->took_s = (double)(asy_now_ms() - t0) / 1000.0;
	return 0;
}

static int
stop(struct asy_tc_credchg *c, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
stop(struct asy_tc_credchg *c, int error, const char *fmt, ...)
{
	char why[768];
	va_list ap;

	va_start(ap, fmt);
	asy_vwhy(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->error = error;
	c->stopped = asy_strdup(why);
	return c->stopped == NULL ? ASY_E_NOMEM : 0;
}

/* Steps 2 to 4: change, judge, restore. */
static int
change_and_back(struct run *R, struct asy_tc_credchg *c)
{
	const struct asy_lab_step *ch = &R->cfg->change;
	const char *login;
	int r, refused, res;

	r = run_step(R, ch, "change", R->old, "", &refused);
	if (r == ASY_E_NOMEM)
		return r;
	if (r == 0)
		c->changed = 1;
	else if (ch->via != ASY_VIA_COMMAND && (r == ASY_E_PROTO ||
	    (r == ASY_E_REFUSED && ch->cred == R->cfg->cred)))
		c->changed = 0;		/* the DUT answered: no */
	if (r < 0) {
		c->change_why = asy_strdup(R->why);
		if (c->change_why == NULL)
			return ASY_E_NOMEM;
	}
	if (c->changed == 1) {
		r = await_new(R, c);
		if (r < 0)
			return r;
		r = check(R, R->old, "old", &c->old_ok);
		if (r < 0)
			return r;
	}
	/* Back to the lab's value, logging in with the one that works. */
	login = c->new_ok == CK_ACCEPTED ? R->new : R->old;
	r = run_step(R, &R->cfg->restore, "restore", login, "", &refused);
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0) {
		c->restore_why = asy_strdup(R->why);
		if (c->restore_why == NULL)
			return ASY_E_NOMEM;
	}
	r = check(R, R->old, "lab's", &res);
	if (r < 0)
		return r;
	c->restored = res == CK_ACCEPTED;
	if (!c->restored) {
		char *was = c->restore_why;

		c->restore_why = asy_strdup_printf("%s; then <check> with "
		    "the lab's value was %s", was != NULL ? was :
		    "<restore> ran", res == CK_REFUSED ? "refused" :
		    "not answered");
		free(was);
		asy_tc_log(&R->t, "THE LAB'S CREDENTIAL %s DOES NOT WORK ON "
		    "DUT %s: reset it by hand before the next run",
		    R->cfg->cred->id, R->lv->dut->name);
		asy_error("credential %s of DUT %s (mechanism %s) no longer "
		    "works after <restore> (lab config line %lu): reset it "
		    "on the device by hand before the next run",
		    R->cfg->cred->id, R->lv->dut->name, R->cfg->mechanism,
		    R->cfg->restore.line);
		if (c->restore_why == NULL)
			return ASY_E_NOMEM;
	} else if (c->restore_why != NULL) {
		free(c->restore_why);
		c->restore_why = NULL;
	}
	return 0;
}

static int
run_sequence(struct asy_live *lv, const struct asy_lab_credchange *cfg,
    struct asy_tc_credchg *c)
{
	struct run R = { 0 };
	int r = 0, err = 0, res;

	R.lv = lv;
	R.cfg = cfg;
	asy_buf_init(&R.t, 1 << 20);
	asy_buf_init(&R.o, ASY_TC_STEP_OUT_MAX + 1);
	asy_tc_log(&R.t, "change of the authentication value of %s on DUT "
	    "%s (lab config line %lu): credential %s, user %s; the values "
	    "are shown as {old} and {new}, and masked in what the DUT "
	    "printed", cfg->mechanism, lv->dut->name, cfg->line,
	    cfg->cred->id, cfg->cred->user);
	R.old = asy_live_secret(lv, cfg->cred, &err);
	if (R.old == NULL) {
		r = stop(c, 1, "the lab's value of credential %s cannot be "
		    "read (%s)", cfg->cred->id, asy_strerror(err));
		goto save;
	}
	r = make_value(R.new);
	if (r < 0) {
		r = stop(c, 1, "no random value could be made for the "
		    "change (%s)", asy_strerror(r));
		goto save;
	}
	/* 1. The lab's value works, and a value never set does not. */
	r = check(&R, R.old, "lab's", &res);
	if (r < 0)
		goto out;
	if (res != CK_ACCEPTED) {
		r = stop(c, 0, "before the change, <check> (lab config line "
		    "%lu) with the lab's value of credential %s was %s (%s), "
		    "so the lab's credential or the check is wrong; nothing "
		    "was changed", cfg->check.line, cfg->cred->id,
		    res == CK_REFUSED ? "refused" : "not answered", R.why);
		goto save;
	}
	r = check(&R, R.new, "new", &res);
	if (r < 0)
		goto out;
	if (res != CK_REFUSED) {
		r = stop(c, 0, "before the change, <check> (lab config line "
		    "%lu) with a value the DUT never had was %s, so it does "
		    "not tell a right value from a wrong one; give a request "
		    "that needs the credential; nothing was changed",
		    cfg->check.line, res == CK_ACCEPTED ? "accepted" :
		    "not answered");
		goto save;
	}
	/* 2 to 4. */
	r = change_and_back(&R, c);
	if (r < 0)
		goto out;
save:
	if (r == 0)
		r = asy_tc_transcript_save(lv, "credential-change", 0, &R.t,
		    &c->transcript);
out:
	explicit_bzero(R.new, sizeof(R.new));
	if (R.o.data != NULL)
		explicit_bzero(R.o.data, R.o.len);
	asy_buf_release(&R.t);
	asy_buf_release(&R.o);
	return r;
}

/* The sequence for the unit's mechanism, run once; ASY_TC_OPERATOR when
 * the lab gives none. */
static int
begin(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_tc_credchg **out)
{
	const struct asy_lab_credchange *cfg;
	struct asy_tc_state *tc;
	struct asy_tc_credchg *c;

	if (pu->row == NULL)
		return ASY_TC_OPERATOR;
	cfg = asy_lab_credchange_for(lv->dut, pu->row->id);
	if (cfg == NULL || cfg->cred == NULL)
		return ASY_TC_OPERATOR;
	tc = asy_tc_state(lv);
	if (tc == NULL)
		return ASY_E_NOMEM;
	for (c = tc->credchg; c != NULL; c = c->next)
		if (c->cfg == cfg) {
			*out = c;
			return 0;
		}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ASY_E_NOMEM;
	c->cfg = cfg;
	c->changed = CK_NONE;
	c->new_ok = CK_NONE;
	c->old_ok = CK_NONE;
	c->restored = 1;
	c->next = tc->credchg;
	tc->credchg = c;
	*out = c;
	return run_sequence(lv, cfg, c);
}

/* A restore that did not bring the lab's value back overrides all. */
static int
set_restore(struct asy_tc_credchg *c, struct asy_unit_result *u)
{
	return asy_unit_set(u, ASY_V_ERROR, "the lab's credential %s no "
	    "longer works on the DUT after the test (%s): the lab must reset "
	    "it by hand before anything else is tested", c->cfg->cred->id,
	    c->restore_why != NULL ? c->restore_why : "<restore> failed");
}

/* Unit a (V1.1.1): the value changed the documented way. */
static int
set_change(struct asy_tc_credchg *c, struct asy_unit_result *u)
{
	if (!c->restored)
		return set_restore(c, u);
	if (c->stopped != NULL)
		return asy_unit_set(u, c->error ? ASY_V_ERROR :
		    ASY_V_INCONCLUSIVE, "%s", c->stopped);
	if (c->changed == 0)
		return asy_unit_set(u, ASY_V_FAIL, "the DUT refused the "
		    "documented change of the authentication value of %s "
		    "(<change>, lab config line %lu): %s", c->cfg->mechanism,
		    c->cfg->change.line, c->change_why);
	if (c->changed != 1)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the documented "
		    "change (<change>, lab config line %lu) could not be "
		    "made: %s", c->cfg->change.line, c->change_why != NULL ?
		    c->change_why : "no answer");
	return asy_unit_set(u, ASY_V_PASS, "the authentication value of "
	    "%s was changed the documented way (<change>, lab config line "
	    "%lu) to a new value made for the run, and the DUT took it",
	    c->cfg->mechanism, c->cfg->change.line);
}

/* Unit b (V1.1.1): the old value refused, the new one accepted. */
static int
set_after(struct asy_tc_credchg *c, struct asy_unit_result *u)
{
	double settle = (double)c->cfg->settle_ms / 1000.0;

	if (!c->restored)
		return set_restore(c, u);
	if (c->stopped != NULL)
		return asy_unit_set(u, c->error ? ASY_V_ERROR :
		    ASY_V_INCONCLUSIVE, "%s", c->stopped);
	if (c->changed != 1)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "no change to "
		    "judge: the documented change was %s (%s)", c->changed == 0 ?
		    "refused" : "not made", c->change_why != NULL ?
		    c->change_why : "no answer");
	if (c->old_ok == CK_ACCEPTED)
		return asy_unit_set(u, ASY_V_FAIL, "after the change the old "
		    "value of %s is still accepted%s", c->cfg->mechanism,
		    c->new_ok == CK_ACCEPTED ? " (and the new one too)" :
		    c->new_ok == CK_REFUSED ? ", and the new one is refused: "
		    "the change did not take effect" : "");
	if (c->new_ok == CK_REFUSED)
		return asy_unit_set(u, ASY_V_FAIL, "after the change the new "
		    "value of %s is refused (checked for %.0f s)%s",
		    c->cfg->mechanism, settle, c->old_ok == CK_REFUSED ?
		    ", and so is the old one" : "");
	if (c->new_ok != CK_ACCEPTED || c->old_ok != CK_REFUSED)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "after the change "
		    "<check> did not answer with the %s value, so the values "
		    "cannot be judged", c->new_ok != CK_ACCEPTED ? "new" :
		    "old");
	return asy_unit_set(u, ASY_V_PASS, "after the change the old value "
	    "of %s is refused and the new one accepted (%.1f s after the "
	    "change); the lab's value was restored", c->cfg->mechanism,
	    c->took_s);
}

/* V2.1.1 a: both. */
static int
set_both(struct asy_tc_credchg *c, struct asy_unit_result *u)
{
	int r = set_change(c, u);

	if (r < 0 || u->verdict != ASY_V_PASS)
		return r;
	return set_after(c, u);
}

static int
unit(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u,
    int (*set)(struct asy_tc_credchg *, struct asy_unit_result *))
{
	struct asy_tc_credchg *c = NULL;
	int r;

	r = begin(lv, pu, &c);
	if (r == ASY_TC_OPERATOR || r < 0)
		return r;
	r = set(c, u);
	if (r < 0 || c->transcript == NULL)
		return r;
	return asy_unit_add_evidence(u, c->transcript, "transcript",
	    "the credential change: each <check>, <change> and <restore> "
	    "and the DUT's answer, values masked");
}

static int
unit_change(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return unit(lv, pu, u, set_change);
}

static int
unit_after(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return unit(lv, pu, u, set_after);
}

static int
unit_both(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return unit(lv, pu, u, set_both);
}

static const struct asy_tc_unit units_v1[] = {
	{ "a", unit_change },
	{ "b", unit_after },
};

static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_both },
};

const struct asy_testcase asy_tc_5_1_4_2 = {
	"ts103701-v1.1.1", "5.1-4-2", units_v1, ASY_ELEMENTSOF(units_v1),
};

const struct asy_testcase asy_tc_5_1_4_2_v2 = {
	"ts103701-v2.1.1", "5.1-4-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
