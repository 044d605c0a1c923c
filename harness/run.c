#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "labcfg.h"
#include "operator.h"
#include "preassess.h"
#include "proc.h"
#include "sha256.h"
#include "util.h"
#include "xml.h"
#include "report.h"

static volatile sig_atomic_t stop_requested;

void
asy_run_request_stop(void)
{
	stop_requested = 1;
}

int
asy_run_stop_requested(void)
{
	return stop_requested != 0;
}

static int
set(char **dst, const char *s)
{
	return asy_set_str(dst, s);
}

/* Replace *dst by a formatted string; 0 or ASY_E_NOMEM. */
#define setf(dst, ...) \
	set_owned((dst), asy_strdup_printf(__VA_ARGS__))

static int
set_owned(char **dst, char *s)
{
	if (s == NULL)
		return ASY_E_NOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* What the prompt's attach() needs to copy an operator's evidence file. */
struct attach_ctx {
	const struct asy_run_opts	*o;
	const struct asy_answers	*answers;
	const char			*case_id;
	const char			*label;
};

/*
 * Copy a file named at the prompt into the run folder, under a name no
 * answer and no file there has yet.  In a live run this is the assessing
 * child, which runs as the lab's unprivileged user: a file only root may
 * read is refused with that reason, and the prompt asks again.
 */
static int
attach_evidence(void *ctx, const char *path, char **rel, char *why,
    size_t why_len)
{
	const struct attach_ctx *ac = ctx;
	int r = ASY_E_EXISTS;

	for (unsigned n = 1; n <= 100 && r == ASY_E_EXISTS; n++) {
		char *name = asy_operator_evidence_name(ac->case_id,
		    ac->label, path, n);

		if (name == NULL)
			return ASY_E_NOMEM;
		if (asy_answers_evidence_used(ac->answers, name)) {
			free(name);
			continue;
		}
		r = asy_operator_evidence_copy(path, ac->o->work_path, name,
		    why, why_len);
		if (r == ASY_E_IO && errno == EACCES && ac->o->live != NULL)
			asy_why(why, why_len, "user '%s', which assesses the "
			    "device, may not read it; make it readable to that "
			    "user or give a copy it can read",
			    ac->o->live->lab->user);
		if (r == 0) {
			*rel = name;
			return 0;
		}
		free(name);
	}
	if (r == ASY_E_EXISTS)
		asy_why(why, why_len, "too many evidence files named alike; "
		    "rename it");
	return r;
}

/* Ask the assessor at the terminal: 0 answered (*a set), 1 skipped, 2
 * stopped asking, or an error. */
static int
ask_assessor(const struct asy_decl *decl, const struct asy_plan_case *pc,
    const struct asy_plan_unit *pu, const struct asy_unit_result *u,
    const struct asy_run_opts *o, struct asy_answers *answers,
    int operator, const struct asy_answer **a)
{
	struct asy_answer got = { 0 };
	struct asy_prompt p = { 0 };
	struct attach_ctx ac;
	struct asy_buf label, look;
	int r;

	asy_buf_init(&label, 256);
	asy_buf_init(&look, 1 << 16);
	r = asy_plan_unit_label(pu, &label);
	if (r == 0 && operator)
		r = asy_operator_lookfor(decl, pc->cc, pu->row, &look);
	if (r < 0)
		goto out;
	p.case_id = pc->cc->id;
	p.unit_label = label.data;
	p.title = pc->cc->title;
	p.question = pu->cu->text;
	p.look_for = look.data;
	p.pre = u->pre;
	p.pre_reason = u->pre_reason ? u->pre_reason : "";
	p.assessor = o->assessor ? o->assessor : "assessor";
	if (operator && o->work_path != NULL) {
		ac.o = o;
		ac.answers = answers;
		ac.case_id = p.case_id;
		ac.label = p.unit_label;
		p.attach = attach_evidence;
		p.ctx = &ac;
	}
	r = asy_answers_prompt(o->in, o->out_tty, &p, &got);
	if (r != 0)
		goto out;
	r = asy_answers_add(answers, &got);
	asy_answer_release(&got);
	if (r < 0)
		goto out;
	*a = &answers->v[answers->n - 1];
out:
	asy_buf_release(&label);
	asy_buf_release(&look);
	return r;
}

/* The evidence of a unit the assessor decided. */
static int
assessor_evidence(struct asy_unit_result *u, const struct asy_answer *a)
{
	const char *base;
	char *note;
	int r;

	r = asy_unit_add_evidence(u, "answers.xml", "answers", NULL);
	if (r < 0 || a->evidence == NULL)
		return r;
	base = a->evidence_src ? strrchr(a->evidence_src, '/') : NULL;
	base = base ? base + 1 : a->evidence_src;
	note = base ? asy_strdup_printf("attached by assessor %s (%s)",
	    a->assessor, base) : asy_strdup_printf("attached by assessor %s",
	    a->assessor);
	if (note == NULL)
		return ASY_E_NOMEM;
	r = asy_unit_add_evidence(u, a->evidence, "operator", note);
	free(note);
	return r;
}

/* Why an operator step nobody answered is INCONCLUSIVE; asked is what the
 * prompt returned (1 skipped, 2 stopped asking) or 0. */
static int
operator_unanswered(struct asy_unit_result *u, const struct asy_run_opts *o,
    int asked)
{
	const char *why;

	if (asked == 1)
		why = "skipped at the prompt";
	else if (asked == 2)
		why = "the assessor stopped answering at the prompt";
	else if (o->live != NULL &&
	    o->live->lab->operator_mode == ASY_OPERATOR_NONE && o->answers ==
	    NULL)
		why = "the lab's <operator mode> is none";
	else if (o->answers != NULL)
		why = "the answers file has no answer for it";
	else
		why = "no answers file, and no terminal to ask on";
	u->verdict = ASY_V_INCONCLUSIVE;
	return setf(&u->reason, "operator step not answered: %s; answer it in "
	    "the answers file (--answers) or run interactively", why);
}

/*
 * Decide a unit the assessor answers: a conceptual unit, or an operator
 * step (operator set: a functional unit that needs an operator and no live
 * test decided).  From the answers, the prompt, or not at all.
 */
static int
decide_by_assessor(const struct asy_decl *decl,
    const struct asy_plan_case *pc, const struct asy_plan_unit *pu,
    struct asy_unit_result *u, const struct asy_run_opts *o,
    struct asy_answers *answers, int *stop_asking, int operator)
{
	const struct asy_answer *a;
	int r, asked = 0;

	a = asy_answers_find(answers, pc->cc->id, pu->cu->id,
	    pu->row ? pu->row->id : NULL);
	if (a == NULL && o->interactive && !*stop_asking) {
		r = ask_assessor(decl, pc, pu, u, o, answers, operator, &a);
		if (r < 0)
			return r;
		if (r == 2)
			*stop_asking = 1;
		asked = r;
	}
	if (a != NULL && operator && a->accept) {
		/* "accept" on a case with a pre-assessment, given for all
		 * its units ("*"): an operator step has none to accept. */
		u->verdict = ASY_V_INCONCLUSIVE;
		return set(&u->reason, "operator step not answered: its answer "
		    "accepts a pre-assessment, which an operator step does not "
		    "have; answer it in the answers file (--answers) or run "
		    "interactively");
	}
	if (a != NULL) {
		r = setf(&u->decided_by, "assessor %s", a->assessor);
		if (r == 0)
			r = assessor_evidence(u, a);
		if (r < 0)
			return r;
		if (a->accept) {
			u->verdict = u->pre;
			return setf(&u->reason, "pre-assessment confirmed by "
			    "the assessor: %s%s%s", u->pre_reason,
			    *a->reason ? "; " : "", a->reason);
		}
		u->verdict = a->verdict;
		return set(&u->reason, a->reason);
	}
	if (operator)
		return operator_unanswered(u, o, asked ? asked :
		    *stop_asking ? 2 : 0);
	if (o->accept_pre && u->pre != ASY_V_NONE) {
		u->verdict = u->pre;
		r = set(&u->decided_by, "pre-assessment accepted unattended "
		    "(--accept-pre)");
		if (r == 0)
			r = setf(&u->reason, "pre-assessment: %s",
			    u->pre_reason);
		return r;
	}
	u->verdict = ASY_V_INCONCLUSIVE;
	if (u->pre != ASY_V_NONE)
		return setf(&u->reason, "not assessed: the assessor has not "
		    "confirmed the pre-assessment (%s)",
		    asy_verdict_name(u->pre));
	return set(&u->reason, "not assessed: no answer from the assessor "
	    "for this conceptual unit");
}

static int
result_unit(const struct asy_decl *decl, const struct asy_plan_case *pc,
    const struct asy_plan_unit *pu, struct asy_case_result *c,
    const struct asy_run_opts *o, struct asy_answers *answers,
    enum asy_verdict pre, const char *pre_why, int *stop_asking, int restore)
{
	struct asy_unit_result *u;
	char needs[96];
	int r;

	u = asy_case_add_unit(c);
	if (u == NULL)
		return ASY_E_NOMEM;
	asy_needs_format(pu->cu->needs, needs, sizeof(needs));
	if (set(&u->id, pu->cu->id) < 0 ||
	    set(&u->row, pu->row ? pu->row->id : NULL) < 0 ||
	    set(&u->title, pu->cu->text) < 0 ||
	    set(&u->kind, asy_kind_name(pu->cu->kind)) < 0 ||
	    set(&u->needs, *needs ? needs : NULL) < 0)
		return ASY_E_NOMEM;
	if (pu->state == ASY_PLAN_NA) {
		u->verdict = ASY_V_NA;
		return set(&u->reason, pu->reason);
	}
	if (pu->state == ASY_PLAN_LEFT_OUT) {
		u->verdict = ASY_V_INCONCLUSIVE;
		return setf(&u->reason, "not run: %s", pu->reason);
	}
	if (pu->cu->kind == ASY_KIND_FUNCTIONAL) {
		if (restore) {
			/* Done before the run was stopped: as recorded. */
			r = asy_journal_restore(o->journal, pc->cc->id, u);
			if (r != 0)
				return r < 0 ? r : 0;
		}
		if (o->live != NULL) {
			r = asy_live_unit(o->live, pc, pu, u);
			if (r != 0)
				return r < 0 ? r : 0;
		}
		/* No live test decided it: an operator step is the
		 * assessor's, offline too (a documentation check needs no
		 * device on the network). */
		if (pu->cu->needs & ASY_NEED_OPERATOR)
			return decide_by_assessor(decl, pc, pu, u, o, answers,
			    stop_asking, 1);
		u->verdict = ASY_V_INCONCLUSIVE;
		if (o->offline)
			return set(&u->reason, "not run: offline assessment "
			    "(conceptual cases and operator steps only); run "
			    "against the device for a verdict");
		return set(&u->reason, "not run: no automated test for this "
		    "unit in this assay version");
	}
	/* Conceptual: the declarations are its evidence. */
	r = asy_unit_add_evidence(u, "inputs/ics.xml", "declaration", NULL);
	if (r == 0)
		r = asy_unit_add_evidence(u, "inputs/ixit.xml", "declaration",
		    pu->row ? pu->row->id : NULL);
	if (r < 0)
		return r;
	u->pre = pre;
	if (pre != ASY_V_NONE && set(&u->pre_reason, pre_why) < 0)
		return ASY_E_NOMEM;
	return decide_by_assessor(decl, pc, pu, u, o, answers, stop_asking, 0);
}

/* Count a decided unit in progress.json ("a", or "a:ROW" for a fan-out). */
static void
progress_unit(struct asy_progress *p, const char *case_id,
    const struct asy_unit_result *u)
{
	char *label;

	if (p == NULL)
		return;
	label = u->row != NULL ? asy_strdup_printf("%s:%s", u->id, u->row) :
	    NULL;
	asy_progress_unit(p, case_id, label != NULL ? label : u->id,
	    u->verdict);
	free(label);
}

static int
result_case(const struct asy_plan *plan, const struct asy_plan_case *pc,
    struct asy_group_result *g, const struct asy_run_opts *o,
    struct asy_answers *answers, int *stop_asking)
{
	const struct asy_cat_case *cc = pc->cc;
	enum asy_verdict pre = ASY_V_NONE;
	struct asy_case_result *c;
	struct asy_buf why;
	int r = 0, live, restore;

	c = asy_group_add_case(g);
	if (c == NULL)
		return ASY_E_NOMEM;
	if (set(&c->id, cc->id) < 0 || set(&c->title, cc->title) < 0 ||
	    set(&c->kind, asy_kind_name(cc->kind)) < 0)
		return ASY_E_NOMEM;
	c->derived = cc->derived;
	asy_buf_init(&why, 1 << 20);
	if (cc->preassess != NULL) {
		const struct asy_preassess_rule *rule;

		rule = asy_preassess_find(cc->preassess);
		if (rule == NULL)
			ASY_BUG("catalogue names an unknown rule");
		r = rule->run(plan->decl, cc, &pre, &why);
		if (r < 0)
			goto out;
	}
	live = o->live != NULL && pc->state == ASY_PLAN_RUN &&
	    asy_live_case_has_tests(o->live, pc);
	restore = live && o->journal != NULL &&
	    asy_journal_has_case(o->journal, cc->id);
	asy_progress_case(o->progress, cc->id, cc->title);
	if (live && !restore) {
		if (asy_run_stop_requested()) {
			r = ASY_E_STOPPED;
			goto out;
		}
		r = asy_live_case_begin(o->live, pc);
	}
	for (size_t i = 0; i < pc->n_units && r == 0; i++) {
		const struct asy_unit_result *u;

		r = result_unit(plan->decl, pc, &pc->units[i], c, o, answers,
		    pre, why.data ? why.data : "", stop_asking, restore);
		if (r < 0 || c->n_units == 0)
			continue;
		u = &c->units[c->n_units - 1];
		progress_unit(o->progress, cc->id, u);
	}
	if (live && !restore && r == 0)
		r = asy_live_case_end(o->live, pc, c);
	/* Record the case only when it ran to its end undisturbed. */
	if (live && !restore && r == 0 && asy_run_stop_requested())
		r = ASY_E_STOPPED;
	if (live && !restore && r == 0 && o->journal != NULL) {
		int jr = asy_journal_put_case(o->journal, c);

		if (jr < 0)
			asy_warn("cannot record case %s in the journal: %s",
			    cc->id, asy_strerror(jr));
		if (jr == ASY_E_NOMEM)
			r = jr;
	}
	if (r == 0 && pc->state != ASY_PLAN_RUN) {
		c->excluded = pc->state == ASY_PLAN_LEFT_OUT;
		c->verdict = pc->state == ASY_PLAN_NA ? ASY_V_NA :
		    ASY_V_INCONCLUSIVE;
		r = set(&c->reason, pc->reason);
	}
out:
	asy_buf_release(&why);
	return r;
}

int
asy_run_results(const struct asy_plan *plan, const struct asy_run_opts *o,
    struct asy_answers *answers, struct asy_report **out)
{
	const struct asy_decl *d = plan->decl;
	struct asy_report *rep;
	char date[32];
	int r = 0, stop_asking = 0;

	rep = asy_report_new();
	if (rep == NULL)
		return ASY_E_NOMEM;
	asy_now_iso8601(date);
	if (set(&rep->assay_version, ASSAY_VERSION) < 0 ||
	    set(&rep->date, date) < 0 ||
	    set(&rep->mode, o->offline ? "offline" : "live") < 0 ||
	    set(&rep->edition, d->cat->id) < 0 ||
	    set(&rep->baseline, d->cat->baseline) < 0 ||
	    set(&rep->method, d->cat->method) < 0 ||
	    set(&rep->catalogue_title, d->cat->title) < 0 ||
	    set(&rep->dut.vendor, d->dut.vendor) < 0 ||
	    set(&rep->dut.model, d->dut.model) < 0 ||
	    set(&rep->dut.hw, d->dut.hw) < 0 ||
	    set(&rep->dut.sw, d->dut.sw) < 0 ||
	    set(&rep->dut.name, d->dut.name) < 0 ||
	    asy_report_add_tool(rep, "assay", ASSAY_VERSION) < 0 ||
	    asy_report_add_tool(rep, "libxml2", asy_xml_version()) < 0 ||
	    asy_report_add_tool(rep, "OpenSSL", asy_crypto_version()) < 0) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < plan->n_groups && r == 0; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];
		const struct asy_cat_group *cg = pg->cg;
		struct asy_group_result *g;

		g = asy_report_add_group(rep);
		if (g == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		if (set(&g->id, cg->id) < 0 || set(&g->title, cg->title) < 0 ||
		    set(&g->status, cg->status_text) < 0 ||
		    set(&g->provision, cg->provision ? cg->provision->id :
		    NULL) < 0) {
			r = ASY_E_NOMEM;
			break;
		}
		g->mandatory = cg->status.mandatory;
		if (pg->row != NULL &&
		    (set(&g->support, asy_support_name(pg->row->support)) < 0 ||
		    set(&g->detail, pg->row->detail) < 0)) {
			r = ASY_E_NOMEM;
			break;
		}
		switch (pg->state) {
		case ASY_PLAN_NA:
			g->verdict = ASY_V_NA;
			r = set(&g->reason, pg->reason);
			break;
		case ASY_PLAN_UNSUPPORTED:
			if (g->mandatory) {
				g->verdict = ASY_V_FAIL;
				r = setf(&g->reason, "mandatory provision not "
				    "met: %s", pg->reason);
			} else {
				g->verdict = ASY_V_NA;
				r = setf(&g->reason, "recommended provision "
				    "not implemented; its justification is "
				    "assessed in the justification group "
				    "(4-1 / 5.0-1): %s", pg->reason);
			}
			break;
		default:
			for (size_t j = 0; j < pg->n_cases && r == 0; j++)
				r = result_case(plan, &pg->cases[j], g, o,
				    answers, &stop_asking);
			break;
		}
	}
	if (r == 0)
		r = asy_report_rollup(rep);
	if (r < 0)
		goto out;
	*out = rep;
	rep = NULL;
out:
	asy_report_free(rep);
	return r;
}

/* "runs/ipcam-20261122T113000Z" */
static char *
default_run_path(const struct asy_run_opts *o, const struct asy_decl *d)
{
	struct asy_buf b;
	char stamp[32];
	const char *name = d->dut.name && *d->dut.name ? d->dut.name : "dut";
	struct tm tm;
	time_t t = time(NULL);
	int r;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	asy_buf_init(&b, 8192);
	r = asy_buf_printf(&b, "%s/", o->runs_dir ? o->runs_dir : "runs");
	/* The name comes from a declaration: keep it to safe characters. */
	for (const char *p = name; *p && r == 0 && p - name < 40; p++)
		r = asy_buf_putc(&b, ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_') ? *p : '_');
	if (r == 0)
		r = asy_buf_printf(&b, "-%s", stamp);
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

/* An input copied into the run folder, recorded for the report. */
struct input_rec {
	const char	*role;
	const char	*rel;
	const char	*src;
	char		 hex[ASY_SHA256_HEX];
};

#define MAX_INPUTS	5

/* Copy the inputs a run read into inputs/; recs gets what to report. */
static int
copy_inputs(struct asy_rundir *rd, const struct asy_run_opts *o,
    const struct asy_decl *decl, struct input_rec *recs, size_t *n)
{
	const struct input_rec want[MAX_INPUTS] = {
		{ "ics", "inputs/ics.xml", o->ics, "" },
		{ "ixit", "inputs/ixit.xml", o->ixit, "" },
		{ "catalogue", "inputs/catalogue.xml", decl->cat->path, "" },
		{ "answers", "inputs/answers.xml", o->answers, "" },
		{ "lab-config", "inputs/lab.xml", o->lab, "" },
	};
	int r = 0;

	*n = 0;
	for (size_t i = 0; i < MAX_INPUTS && r == 0; i++) {
		if (want[i].src == NULL)
			continue;
		recs[*n] = want[i];
		r = asy_rundir_copy(rd, want[i].src, want[i].rel,
		    recs[*n].hex);
		(*n)++;
	}
	return r;
}

static int
add_inputs(struct asy_report *rep, const struct input_rec *recs, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = asy_report_add_input(rep, recs[i].role, recs[i].rel,
		    recs[i].src, recs[i].hex);
	return r;
}

static int
summarise(const struct asy_report *rep, struct asy_buf *out)
{
	static const enum asy_verdict order[] = {
		ASY_V_PASS, ASY_V_FAIL, ASY_V_INCONCLUSIVE, ASY_V_ERROR,
		ASY_V_NA,
	};
	static const char *const levels[] = { "groups", "cases", "units" };
	const unsigned *counts[] = { rep->n_group, rep->n_case, rep->n_unit };
	int r;

	if (rep->discovery != NULL && rep->discovery->note != NULL) {
		r = asy_buf_printf(out, "discovery:  %s\n",
		    rep->discovery->note);
		if (r < 0)
			return r;
	}
	r = asy_buf_printf(out, "overall:    %s: %s\n",
	    asy_verdict_name(rep->overall), rep->overall_reason ?
	    rep->overall_reason : "");
	for (size_t l = 0; l < 3 && r == 0; l++) {
		r = asy_buf_printf(out, "%-11s", l == 0 ? "counts:" : "");
		for (size_t i = 0; i < ASY_ELEMENTSOF(order) && r == 0; i++)
			r = asy_buf_printf(out, " %s %u%s", asy_verdict_name(
			    order[i]), counts[l][order[i]],
			    i + 1 < ASY_ELEMENTSOF(order) ? "," : "");
		if (r == 0)
			r = asy_buf_printf(out, " (%s)\n", levels[l]);
	}
	return r;
}

/* What the plan may use: everything offline (functional units are then
 * reported as not run); live, what the lab gives the DUT. */
static unsigned
bench_caps(const struct asy_lab *lab, const struct asy_lab_dut *dut)
{
	unsigned caps = ASY_NEED_OPERATOR;

	if (lab == NULL)
		return ASY_NEED_ALL;
	if (dut->iface != NULL)
		caps |= ASY_NEED_NETWORK;
	if (dut->serial != NULL)
		caps |= ASY_NEED_SERIAL;
	for (size_t i = 0; i < lab->n_ifaces; i++)
		if (lab->ifaces[i].kind == ASY_IFACE_WIFI &&
		    lab->ifaces[i].monitor)
			caps |= ASY_NEED_WIFI;
	/* A recorded onboarding is a Wi-Fi source without a sniffer. */
	if (dut->wifi != NULL)
		caps |= ASY_NEED_WIFI;
	if (asy_lab_cmd(dut, "power-off") != NULL &&
	    asy_lab_cmd(dut, "power-on") != NULL)
		caps |= ASY_NEED_POWER;
	return caps;
}

/* The units asy_run_results() will decide (groups N/A or not supported
 * have none): the total of progress.json. */
static unsigned long
plan_units(const struct asy_plan *plan)
{
	unsigned long n = 0;

	for (size_t i = 0; i < plan->n_groups; i++) {
		const struct asy_plan_group *pg = &plan->groups[i];

		if (pg->state == ASY_PLAN_NA ||
		    pg->state == ASY_PLAN_UNSUPPORTED)
			continue;
		for (size_t j = 0; j < pg->n_cases; j++)
			n += pg->cases[j].n_units;
	}
	return n;
}

/* Results, answers and reports into the run folder (not finished). */
static int
assess(const struct asy_plan *plan, const struct asy_run_opts *o,
    struct asy_answers *answers, struct asy_rundir *rd, const char *path,
    const struct input_rec *recs, size_t n_recs, struct asy_report **out)
{
	struct asy_report *rep = NULL;
	struct asy_buf b;
	int r;

	asy_buf_init(&b, ASY_REPORT_MAX);
	r = asy_run_results(plan, o, answers, &rep);
	if (r < 0)
		goto out;
	r = setf(&rep->run_id, "%s", strrchr(path, '/') ?
	    strrchr(path, '/') + 1 : path);
	if (r == 0)
		r = add_inputs(rep, recs, n_recs);
	if (r == 0 && o->live != NULL)
		r = asy_live_report(o->live, rep);
	if (r == 0)
		r = asy_answers_render(answers, &b);
	if (r == 0)
		r = asy_rundir_write(rd, "answers.xml", &b);
	if (r == 0)
		r = asy_reports_write_all(rep, rd->work_path);
	if (r < 0)
		goto out;
	*out = rep;
	rep = NULL;
out:
	asy_buf_release(&b);
	asy_report_free(rep);
	return r;
}

/* The assessing child, while the parent waits for it. */
static volatile pid_t child_pid;

static void
on_stop_signal(int sig)
{
	/* Passed on once: a scheduler's SIGTERM to the whole process group
	 * reaches the child as well, and must not end it at once. */
	if (!stop_requested && child_pid > 0)
		(void)kill(child_pid, SIGTERM);
	stop_requested = 1;
	(void)sig;
}

/* SIGINT and SIGTERM ask for a stop at the next case boundary (the case
 * under way ends within its budget); SIGKILL stops at once, and the
 * journal keeps what was finished. */
static void
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/*
 * A live run that did not finish: say so in the folder (incomplete.txt)
 * and in d, with the command that finishes it.
 */
static void
mark_incomplete(struct asy_rundir *rd, struct asy_diags *d, const char *why)
{
	struct asy_journal *j = NULL;
	struct asy_diags jd;
	struct asy_buf b;
	char now[32];
	size_t done = 0;

	/* The child wrote the journal: count what it recorded. */
	asy_diags_init(&jd);
	if (asy_journal_load(rd->work_path, &jd, &j) == 0)
		done = j->n_done;
	asy_journal_free(j);
	asy_diags_release(&jd);
	asy_now_iso8601(now);
	asy_buf_init(&b, 1 << 16);
	asy_buf_printf(&b, "This run %s (%s).\n%zu live test cases are "
	    "complete and recorded in journal.txt.\nFinish it with:\n"
	    "  assay run --resume %s\n", why, now, done, rd->work_path);
	(void)asy_rundir_write(rd, "incomplete.txt", &b);
	asy_buf_release(&b);
	asy_diag_error(d, rd->work_path, 0, "the run %s; %zu live test cases "
	    "are recorded; finish it with: assay run --resume %s", why, done,
	    rd->work_path);
}

/*
 * The live part: fork; the child drops privileges, discovers, assesses and
 * writes the reports, then sends "EXITCODE\n" and the summary through a
 * pipe; the parent (still privileged, never touching device data) waits
 * and reports back.  1 when the child failed (the folder stays partial).
 */
static int
run_live(const struct asy_plan *plan, const struct asy_run_opts *o,
    struct asy_answers *answers, struct asy_rundir *rd, const char *path,
    const struct input_rec *recs, size_t n_recs, struct asy_diags *d,
    int *exit_code, struct asy_buf *summary)
{
	struct asy_run_opts lo = *o;
	struct asy_buf msg;
	pid_t pid;
	int p[2], ctl[2] = { -1, -1 }, status = 0, r;

	r = asy_priv_chown_tree(rd->work_path, o->live->lab->user);
	if (r < 0) {
		asy_diag_error(d, o->lab, 0, "cannot hand the run folder to "
		    "user '%s' (%s); check <privileges user> in the lab config",
		    o->live->lab->user, asy_strerror(r));
		return ASY_E_INPUT;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return ASY_E_IO;
	/* The lab's control commands stay with the privileged parent. */
	if (o->live->dut->n_cmds > 0 && asy_ctl_pair(ctl) < 0) {
		close(p[0]);
		close(p[1]);
		return ASY_E_IO;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		if (ctl[0] >= 0) {
			close(ctl[0]);
			close(ctl[1]);
		}
		return ASY_E_IO;
	}
	if (pid == 0) {
		struct asy_report *rep = NULL;
		struct asy_buf out;
		int code = ASY_EXIT_HARNESS;

		close(p[0]);
		if (ctl[0] >= 0) {
			close(ctl[0]);
			o->live->ctl_fd = ctl[1];
		}
		asy_buf_init(&out, 1 << 16);
		catch_stop_signals();
		r = asy_priv_drop(o->live->lab->user);
		if (r < 0) {
			fprintf(stderr, "assay run: cannot drop privileges to "
			    "user '%s': %s\n", o->live->lab->user,
			    asy_strerror(r));
			_exit(ASY_EXIT_HARNESS);
		}
		r = asy_live_discover(o->live);
		if (r == 0)
			r = assess(plan, &lo, answers, rd, path, recs, n_recs,
			    &rep);
		if (r == ASY_E_STOPPED) {
			if (o->journal != NULL)
				(void)asy_journal_put_stop(o->journal,
				    "stopped by a signal");
			fflush(NULL);
			_exit(ASY_EXIT_STOPPED);
		}
		if (r < 0) {
			fprintf(stderr, "assay run: the assessment failed: "
			    "%s\n", asy_strerror(r));
			_exit(ASY_EXIT_HARNESS);
		}
		code = asy_report_exit_code(rep);
		asy_buf_printf(&out, "%d\n", code);
		summarise(rep, &out);
		if (out.len > 0 && write(p[1], out.data, out.len) < 0)
			_exit(ASY_EXIT_HARNESS);
		close(p[1]);
		asy_report_free(rep);
		asy_buf_release(&out);
		/* The parent finishes the folder; nothing else to flush
		 * but stdio. */
		fflush(NULL);
		_exit(0);
	}
	close(p[1]);
	if (ctl[1] >= 0)
		close(ctl[1]);
	/* The parent has no use for the capture: the child owns it.  A
	 * SIGINT or SIGTERM here is passed on, and the child stops at the
	 * next case.  Meanwhile it runs the control commands the child
	 * asks for. */
	child_pid = pid;
	catch_stop_signals();
	asy_buf_init(&msg, 1 << 16);
	(void)asy_ctl_wait(p[0], ctl[0], o->live->dut, &msg);
	close(p[0]);
	if (ctl[0] >= 0)
		close(ctl[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == ASY_EXIT_STOPPED) {
		mark_incomplete(rd, d, "was stopped by a signal before it "
		    "finished");
		asy_buf_release(&msg);
		return 2;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    msg.data == NULL) {
		char why[96];

		snprintf(why, sizeof(why), "stopped: its assessing process %s "
		    "%d", WIFSIGNALED(status) ? "was killed by signal" :
		    "exited with status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
		mark_incomplete(rd, d, why);
		asy_buf_release(&msg);
		return 1;
	}
	*exit_code = (int)strtol(msg.data, NULL, 10);
	if (summary != NULL && strchr(msg.data, '\n') != NULL)
		asy_buf_puts(summary, strchr(msg.data, '\n') + 1);
	asy_buf_release(&msg);
	return 0;
}

/* Take the DUT's files from the lab config where o does not name them. */
static int
lab_paths(struct asy_run_opts *o, const struct asy_lab *lab,
    const char *dut_name, struct asy_diags *d,
    const struct asy_lab_dut **dut_out)
{
	const struct asy_lab_dut *dut;

	dut = asy_lab_dut(lab, dut_name);
	if (dut == NULL) {
		struct asy_buf names;

		asy_buf_init(&names, 1 << 16);
		for (size_t i = 0; i < lab->n_duts; i++)
			asy_buf_printf(&names, "%s%s", i ? ", " : "",
			    lab->duts[i].name);
		if (dut_name != NULL)
			asy_diag_error(d, o->lab, 0, "no DUT named '%s' in the "
			    "lab config; it has: %s", dut_name,
			    names.data ? names.data : "none");
		else
			asy_diag_error(d, o->lab, 0, "the lab config has "
			    "several DUTs (%s); choose one with --dut NAME",
			    names.data ? names.data : "none");
		asy_buf_release(&names);
		return ASY_E_INPUT;
	}
	if (o->ics == NULL)
		o->ics = dut->ics;
	if (o->ixit == NULL)
		o->ixit = dut->ixit;
	if (o->catalogue == NULL)
		o->catalogue = dut->catalogue;
	if (o->answers == NULL && lab->operator_mode == ASY_OPERATOR_ANSWERS)
		o->answers = dut->answers;
	if (lab->operator_mode != ASY_OPERATOR_INTERACTIVE)
		o->interactive = 0;
	*dut_out = dut;
	return 0;
}

/* The options a resumed run needs, and where its inputs came from. */
static int
journal_start(struct asy_journal *j, const struct asy_run_opts *o,
    const struct asy_lab_dut *dut, const struct input_rec *recs,
    size_t n_recs)
{
	char *lab = NULL, now[32];
	int r;

	if (o->lab != NULL) {
		lab = realpath(o->lab, NULL);
		if (lab == NULL)
			return ASY_E_IO;
	}
	asy_now_iso8601(now);
	r = asy_journal_put_opt(j, "started", now);
	if (r == 0)
		r = asy_journal_put_opt(j, "lab", lab);
	if (r == 0 && dut != NULL)
		r = asy_journal_put_opt(j, "dut", dut->name);
	if (r == 0)
		r = asy_journal_put_opt(j, "assessor", o->assessor);
	if (r == 0)
		r = asy_journal_put_opt(j, "accept-pre", o->accept_pre ? "yes" :
		    "no");
	for (size_t i = 0; i < n_recs && r == 0; i++) {
		char key[64];

		snprintf(key, sizeof(key), "input %s", recs[i].role);
		r = asy_journal_put_opt(j, key, recs[i].src);
	}
	free(lab);
	return r;
}

/*
 * A resumed run: its options and inputs from its folder.  The lab config
 * is read from where it was (its credentials and paths are relative to
 * it) and must be unchanged; the declarations are the copies in inputs/.
 */
static int
resume_setup(struct asy_run_opts *o, struct asy_rundir *rd,
    struct asy_journal *j, struct asy_diags *d, struct input_rec *recs,
    size_t *n_recs, char **bufs)
{
	static const struct {
		const char *role, *rel;
	} in[MAX_INPUTS] = {
		{ "ics", "inputs/ics.xml" },
		{ "ixit", "inputs/ixit.xml" },
		{ "catalogue", "inputs/catalogue.xml" },
		{ "answers", "inputs/answers.xml" },
		{ "lab-config", "inputs/lab.xml" },
	};
	const char **dst[MAX_INPUTS] = { &o->ics, &o->ixit, &o->catalogue,
	    &o->answers, NULL };
	char lab_hex[ASY_SHA256_HEX];
	int r = 0;

	*n_recs = 0;
	o->lab = asy_journal_opt(j, "lab");
	o->dut = asy_journal_opt(j, "dut");
	if (asy_journal_opt(j, "assessor") != NULL)
		o->assessor = asy_journal_opt(j, "assessor");
	o->accept_pre = asy_journal_opt(j, "accept-pre") != NULL &&
	    strcmp(asy_journal_opt(j, "accept-pre"), "yes") == 0;
	o->offline = o->lab == NULL;
	o->answers = NULL;
	for (size_t i = 0; i < MAX_INPUTS && r == 0; i++) {
		char key[64];

		bufs[i] = asy_path_join(rd->work_path, in[i].rel);
		if (bufs[i] == NULL)
			return ASY_E_NOMEM;
		if (access(bufs[i], F_OK) < 0) {
			if (i < 3) {
				asy_diag_error(d, bufs[i], 0, "missing from the "
				    "stopped run; it cannot be resumed: start "
				    "a new run");
				return ASY_E_INPUT;
			}
			continue;
		}
		snprintf(key, sizeof(key), "input %s", in[i].role);
		recs[*n_recs].role = in[i].role;
		recs[*n_recs].rel = in[i].rel;
		recs[*n_recs].src = asy_journal_opt(j, key) ?
		    asy_journal_opt(j, key) : in[i].rel;
		r = asy_sha256_file(bufs[i], recs[*n_recs].hex);
		if (r < 0) {
			asy_diag_error(d, bufs[i], 0, "cannot read it (%s)",
			    asy_strerror(r));
			return ASY_E_INPUT;
		}
		if (dst[i] != NULL)
			*dst[i] = bufs[i];
		else
			memcpy(lab_hex, recs[*n_recs].hex, sizeof(lab_hex));
		(*n_recs)++;
	}
	if (o->lab != NULL) {
		char hex[ASY_SHA256_HEX];

		if (access(bufs[4], F_OK) < 0 ||
		    asy_sha256_file(o->lab, hex) < 0 ||
		    strcmp(hex, lab_hex) != 0) {
			asy_diag_error(d, o->lab, 0, "the lab configuration "
			    "is missing or changed since the run began (its "
			    "copy is %s); put it back as it was, or start a "
			    "new run", bufs[4]);
			return ASY_E_INPUT;
		}
	}
	return 0;
}

int
asy_run(const struct asy_run_opts *opts, struct asy_diags *d,
    char **run_path, int *exit_code, struct asy_buf *summary)
{
	struct asy_run_opts o = *opts;
	struct asy_decl_paths paths;
	struct asy_decl *decl = NULL;
	struct asy_lab *lab = NULL;
	const struct asy_lab_dut *dut = NULL;
	struct asy_live *live = NULL;
	struct asy_answers *answers = NULL;
	struct asy_plan *plan = NULL;
	struct asy_report *rep = NULL;
	struct asy_rundir *rd = NULL;
	struct asy_journal *journal = NULL;
	struct input_rec recs[MAX_INPUTS];
	char *resume_bufs[MAX_INPUTS] = { NULL };
	size_t n_recs = 0;
	char *path = NULL, *gone = NULL, *dev = NULL;
	int r, progress_done = 0;

	if (o.resume != NULL) {
		r = asy_rundir_reopen(o.resume, &rd);
		if (r == ASY_E_NOTFOUND)
			asy_diag_error(d, o.resume, 0, "no stopped run here: "
			    "give the NAME%s folder a stopped run left",
			    ASY_PARTIAL);
		else if (r == ASY_E_EXISTS)
			asy_diag_error(d, o.resume, 0, "this run is finished "
			    "already (its final folder exists); nothing to "
			    "resume");
		else if (r == ASY_E_BUSY)
			asy_diag_error(d, o.resume, 0, "another assay is "
			    "writing into this run folder right now; wait for "
			    "it to end");
		if (r == ASY_E_NOTFOUND || r == ASY_E_EXISTS ||
		    r == ASY_E_BUSY)
			r = ASY_E_INPUT;
		if (r == 0)
			r = asy_journal_load(rd->work_path, d, &journal);
		if (r == ASY_E_NOTFOUND)
			r = ASY_E_INPUT;
		if (r == 0)
			r = resume_setup(&o, rd, journal, d, recs, &n_recs,
			    resume_bufs);
		if (r < 0)
			goto out;
		path = strdup(rd->final_path);
		if (path == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	if (o.lab != NULL) {
		r = asy_lab_load(o.lab, d, &lab);
		if (r == 0)
			r = lab_paths(&o, lab, o.dut, d, &dut);
		if (r < 0)
			goto out;
		o.offline = 0;
	}
	paths.ics = o.ics;
	paths.ixit = o.ixit;
	paths.catalogue = o.catalogue;
	r = asy_decl_load(&paths, d, &decl);
	if (r < 0)
		goto out;
	/* The parent reads the evidence files named in the answers file
	 * (the assessing child of a live run may not). */
	if (o.answers != NULL && o.resume != NULL)
		r = asy_answers_load_resumed(o.answers, rd->work_path,
		    decl->cat, d, &answers);
	else if (o.answers != NULL)
		r = asy_answers_load(o.answers, decl->cat, d, &answers);
	else {
		answers = asy_answers_new();
		if (answers == NULL)
			r = ASY_E_NOMEM;
	}
	if (r < 0)
		goto out;
	/* Offline, functional units stay in the plan and are reported as
	 * not run, so the report shows what a live run would cover. */
	r = asy_plan_build(decl, bench_caps(lab, dut), &plan);
	if (r < 0)
		goto out;
	if (rd == NULL) {
		path = o.out ? strdup(o.out) : default_run_path(&o, decl);
		if (path == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (o.out == NULL) {
			r = asy_mkdir_p(o.runs_dir ? o.runs_dir : "runs",
			    0755);
			if (r < 0) {
				asy_diag_error(d, o.runs_dir ? o.runs_dir :
				    "runs", 0, "cannot create the runs folder; "
				    "check permissions or pass --out");
				r = ASY_E_IO;
				goto out;
			}
		}
		r = asy_rundir_create(path, &rd);
		if (r == ASY_E_EXISTS) {
			asy_diag_error(d, path, 0, "the run folder (or its %s) "
			    "already exists; assay never overwrites a run: "
			    "choose another --out", ASY_PARTIAL);
			r = ASY_E_USAGE;
			goto out;
		}
		if (r < 0) {
			asy_diag_error(d, path, 0, "cannot create the run "
			    "folder (%s)", asy_strerror(r));
			goto out;
		}
		r = copy_inputs(rd, &o, decl, recs, &n_recs);
		if (r == 0)
			r = asy_answers_copy_evidence(answers, o.answers,
			    rd->work_path, d);
		if (r == ASY_E_INPUT)
			goto out;
		if (r == 0)
			r = asy_journal_create(rd->work_path, &journal);
		if (r == 0)
			r = journal_start(journal, &o, dut, recs, n_recs);
		if (r < 0) {
			asy_diag_error(d, rd->work_path, 0, "copying the inputs "
			    "into the run folder failed (%s)",
			    asy_strerror(r));
			goto out;
		}
	}
	o.journal = journal;
	o.work_path = rd->work_path;
	dev = asy_strdup_printf("%s %s", decl->dut.vendor ?
	    decl->dut.vendor : "", decl->dut.model ? decl->dut.model : "");
	o.progress = asy_progress_start(rd->work_path, dev, decl->cat->id,
	    plan_units(plan));
	if (lab != NULL) {
		struct asy_live_opts lo = { lab, dut };

		/* Open the capture while we may, before the fork. */
		r = asy_live_open(&lo, decl, rd->work_path, &live);
		if (r < 0)
			goto out;
		if (live->cap_error != NULL)
			fprintf(stderr, "assay run: warning: %s; no case can "
			    "PASS without its capture\n", live->cap_error);
		live->journal = journal;
		o.live = live;
		r = run_live(plan, &o, answers, rd, path, recs, n_recs, d,
		    exit_code, summary);
		if (r != 0) {
			r = r == 2 ? ASY_E_STOPPED : r > 0 ? ASY_E_INTERNAL :
			    r;
			goto out;
		}
	} else {
		/* Decide (and prompt) only once the run folder is ours, so
		 * no answer is given for a run that cannot be written. */
		r = assess(plan, &o, answers, rd, path, recs, n_recs, &rep);
		if (r == 0) {
			*exit_code = asy_report_exit_code(rep);
			if (summary != NULL)
				summarise(rep, summary);
		}
	}
	/* A resumed run is complete now: the note of its stop goes. */
	gone = asy_path_join(rd->work_path, "incomplete.txt");
	if (gone == NULL)
		r = ASY_E_NOMEM;
	else if (unlink(gone) < 0 && errno != ENOENT)
		r = ASY_E_IO;
	/* The last word of progress.json, before the manifest lists it. */
	asy_progress_finish(o.progress, r == 0 ? ASY_PROGRESS_COMPLETE :
	    r == ASY_E_STOPPED ? ASY_PROGRESS_INCOMPLETE :
	    ASY_PROGRESS_FAILED);
	progress_done = 1;
	if (r == 0)
		r = asy_rundir_finish(rd);
	if (r < 0) {
		asy_diag_error(d, rd->work_path, 0, "writing the run folder "
		    "failed (%s); it is left incomplete", asy_strerror(r));
		goto out;
	}
	*run_path = path;
	path = NULL;
out:
	if (!progress_done)
		asy_progress_finish(o.progress, r == ASY_E_STOPPED ?
		    ASY_PROGRESS_INCOMPLETE : ASY_PROGRESS_FAILED);
	asy_progress_free(o.progress);
	free(dev);
	asy_live_free(live);
	asy_journal_free(journal);
	asy_rundir_free(rd);
	asy_report_free(rep);
	asy_plan_free(plan);
	asy_answers_free(answers);
	asy_decl_free(decl);
	asy_lab_free(lab);
	for (size_t i = 0; i < MAX_INPUTS; i++)
		free(resume_bufs[i]);
	free(gone);
	free(path);
	return r;
}
