#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "preassess.h"
#include "sha256.h"
#include "util.h"
#include "xml.h"
#include "report.h"

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

/* Decide a conceptual unit from the answers, the prompt, or not at all. */
static int
decide_conceptual(const struct asy_plan_case *pc,
    const struct asy_plan_unit *pu, struct asy_unit_result *u,
    const struct asy_run_opts *o, struct asy_answers *answers,
    int *stop_asking)
{
	const char *case_id = pc->cc->id;
	const struct asy_answer *a;
	int r;

	a = asy_answers_find(answers, case_id, pu->cu->id,
	    pu->row ? pu->row->id : NULL);
	if (a == NULL && o->interactive && !*stop_asking) {
		struct asy_answer got = { 0 };
		struct asy_buf label;

		asy_buf_init(&label, 256);
		r = asy_plan_unit_label(pu, &label);
		if (r == 0)
			r = asy_answers_prompt(o->in, o->out_tty, case_id,
			    label.data, pc->cc->title, pu->cu->text, u->pre,
			    u->pre_reason ? u->pre_reason : "",
			    o->assessor ? o->assessor : "assessor", &got);
		asy_buf_release(&label);
		if (r < 0)
			return r;
		if (r == 2)
			*stop_asking = 1;
		if (r == 0) {
			r = asy_answers_add(answers, &got);
			asy_answer_release(&got);
			if (r < 0)
				return r;
			a = &answers->v[answers->n - 1];
		}
	}
	if (a != NULL) {
		r = setf(&u->decided_by, "assessor %s", a->assessor);
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
result_unit(const struct asy_plan_case *pc, const struct asy_plan_unit *pu,
    struct asy_case_result *c, const struct asy_run_opts *o,
    struct asy_answers *answers, enum asy_verdict pre, const char *pre_why,
    int *stop_asking)
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
		u->verdict = ASY_V_INCONCLUSIVE;
		if (o->offline)
			return set(&u->reason, "not run: offline assessment "
			    "(conceptual cases only); run against the device "
			    "for a verdict");
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
	r = decide_conceptual(pc, pu, u, o, answers, stop_asking);
	if (r == 0 && u->decided_by != NULL &&
	    strncmp(u->decided_by, "assessor", 8) == 0)
		r = asy_unit_add_evidence(u, "answers.xml", "answers", NULL);
	return r;
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
	int r = 0;

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
	for (size_t i = 0; i < pc->n_units && r == 0; i++)
		r = result_unit(pc, &pc->units[i], c, o, answers, pre,
		    why.data ? why.data : "", stop_asking);
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

static int
copy_input(struct asy_rundir *rd, struct asy_report *rep, const char *role,
    const char *src, const char *rel)
{
	char hex[ASY_SHA256_HEX];
	int r;

	r = asy_rundir_copy(rd, src, rel, hex);
	if (r < 0)
		return r;
	return asy_report_add_input(rep, role, rel, src, hex);
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

int
asy_run(const struct asy_run_opts *o, struct asy_diags *d, char **run_path,
    int *exit_code, struct asy_buf *summary)
{
	struct asy_decl_paths paths = {
		.ics = o->ics, .ixit = o->ixit, .catalogue = o->catalogue,
	};
	struct asy_decl *decl = NULL;
	struct asy_answers *answers = NULL;
	struct asy_plan *plan = NULL;
	struct asy_report *rep = NULL;
	struct asy_rundir *rd = NULL;
	struct asy_buf b;
	char *path = NULL;
	int r;

	asy_buf_init(&b, ASY_REPORT_MAX);
	r = asy_decl_load(&paths, d, &decl);
	if (r < 0)
		goto out;
	if (o->answers != NULL)
		r = asy_answers_load(o->answers, decl->cat, d, &answers);
	else {
		answers = asy_answers_new();
		if (answers == NULL)
			r = ASY_E_NOMEM;
	}
	if (r < 0)
		goto out;
	/* Offline, functional units stay in the plan and are reported as
	 * not run, so the report shows what a live run would cover. */
	r = asy_plan_build(decl, ASY_NEED_ALL, &plan);
	if (r < 0)
		goto out;
	path = o->out ? strdup(o->out) : default_run_path(o, decl);
	if (path == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (o->out == NULL) {
		r = asy_mkdir_p(o->runs_dir ? o->runs_dir : "runs", 0755);
		if (r < 0) {
			asy_diag_error(d, o->runs_dir ? o->runs_dir : "runs",
			    0, "cannot create the runs folder; check "
			    "permissions or pass --out");
			r = ASY_E_IO;
			goto out;
		}
	}
	r = asy_rundir_create(path, &rd);
	if (r == ASY_E_EXISTS) {
		asy_diag_error(d, path, 0, "the run folder (or its %s) "
		    "already exists; assay never overwrites a run: choose "
		    "another --out", ASY_PARTIAL);
		r = ASY_E_USAGE;
		goto out;
	}
	if (r < 0) {
		asy_diag_error(d, path, 0, "cannot create the run folder (%s)",
		    asy_strerror(r));
		goto out;
	}
	/* Decide (and prompt) only once the run folder is ours, so no
	 * answer is given for a run that cannot be written. */
	r = asy_run_results(plan, o, answers, &rep);
	if (r < 0)
		goto out;

	r = setf(&rep->run_id, "%s", strrchr(path, '/') ?
	    strrchr(path, '/') + 1 : path);
	if (r == 0)
		r = copy_input(rd, rep, "ics", o->ics, "inputs/ics.xml");
	if (r == 0)
		r = copy_input(rd, rep, "ixit", o->ixit, "inputs/ixit.xml");
	if (r == 0)
		r = copy_input(rd, rep, "catalogue", decl->cat->path,
		    "inputs/catalogue.xml");
	if (r == 0 && o->answers != NULL)
		r = copy_input(rd, rep, "answers", o->answers,
		    "inputs/answers.xml");
	if (r == 0)
		r = asy_answers_render(answers, &b);
	if (r == 0)
		r = asy_rundir_write(rd, "answers.xml", &b);
	if (r == 0)
		r = asy_reports_write_all(rep, rd->work_path);
	if (r == 0)
		r = asy_rundir_finish(rd);
	if (r < 0) {
		asy_diag_error(d, rd->work_path, 0, "writing the run folder "
		    "failed (%s); it is left incomplete", asy_strerror(r));
		goto out;
	}
	*exit_code = asy_report_exit_code(rep);
	if (summary != NULL)
		summarise(rep, summary);
	*run_path = path;
	path = NULL;
out:
	asy_buf_release(&b);
	asy_rundir_free(rd);
	asy_report_free(rep);
	asy_plan_free(plan);
	asy_answers_free(answers);
	asy_decl_free(decl);
	free(path);
	return r;
}
