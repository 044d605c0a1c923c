#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "labcfg.h"
#include "preassess.h"
#include "proc.h"
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
		if (o->live != NULL) {
			r = asy_live_unit(o->live, pc, pu, u);
			if (r != 0)
				return r < 0 ? r : 0;
		}
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
	int r = 0, live;

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
	asy_progress_case(o->progress, cc->id, cc->title);
	if (live)
		r = asy_live_case_begin(o->live, pc);
	for (size_t i = 0; i < pc->n_units && r == 0; i++) {
		const struct asy_unit_result *u;

		r = result_unit(pc, &pc->units[i], c, o, answers, pre,
		    why.data ? why.data : "", stop_asking);
		if (r < 0 || c->n_units == 0)
			continue;
		u = &c->units[c->n_units - 1];
		progress_unit(o->progress, cc->id, u);
	}
	if (live && r == 0)
		r = asy_live_case_end(o->live, pc, c);
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

/* Read all of fd (at most max bytes kept). */
static void
read_all(int fd, struct asy_buf *b)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		(void)asy_buf_add(b, chunk, (size_t)n);
	}
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
	int p[2], status = 0, r;

	r = asy_priv_chown_tree(rd->work_path, o->live->lab->user);
	if (r < 0) {
		asy_diag_error(d, o->lab, 0, "cannot hand the run folder to "
		    "user '%s' (%s); check <privileges user> in the lab config",
		    o->live->lab->user, asy_strerror(r));
		return ASY_E_INPUT;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return ASY_E_IO;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return ASY_E_IO;
	}
	if (pid == 0) {
		struct asy_report *rep = NULL;
		struct asy_buf out;
		int code = ASY_EXIT_HARNESS;

		close(p[0]);
		asy_buf_init(&out, 1 << 16);
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
	/* The parent has no use for the capture: the child owns it. */
	asy_buf_init(&msg, 1 << 16);
	read_all(p[0], &msg);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    msg.data == NULL) {
		asy_diag_error(d, rd->work_path, 0, "the assessment process "
		    "%s %d; the run folder is left incomplete",
		    WIFSIGNALED(status) ? "was killed by signal" :
		    "exited with status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
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
	struct input_rec recs[MAX_INPUTS];
	size_t n_recs = 0;
	char *path = NULL, *dev = NULL;
	int r, progress_done = 0;

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
	if (o.answers != NULL)
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
	path = o.out ? strdup(o.out) : default_run_path(&o, decl);
	if (path == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (o.out == NULL) {
		r = asy_mkdir_p(o.runs_dir ? o.runs_dir : "runs", 0755);
		if (r < 0) {
			asy_diag_error(d, o.runs_dir ? o.runs_dir : "runs",
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
	dev = asy_strdup_printf("%s %s", decl->dut.vendor ?
	    decl->dut.vendor : "", decl->dut.model ? decl->dut.model : "");
	o.progress = asy_progress_start(rd->work_path, dev, decl->cat->id,
	    plan_units(plan));
	r = copy_inputs(rd, &o, decl, recs, &n_recs);
	if (r < 0) {
		asy_diag_error(d, rd->work_path, 0, "copying the inputs into "
		    "the run folder failed (%s)", asy_strerror(r));
		goto out;
	}
	if (lab != NULL) {
		struct asy_live_opts lo = { lab, dut };

		/* Open the capture while we may, before the fork. */
		r = asy_live_open(&lo, decl, rd->work_path, &live);
		if (r < 0)
			goto out;
		if (live->cap_error != NULL)
			fprintf(stderr, "assay run: warning: %s; no case can "
			    "PASS without its capture\n", live->cap_error);
		o.live = live;
		r = run_live(plan, &o, answers, rd, path, recs, n_recs, d,
		    exit_code, summary);
		if (r != 0) {
			r = r > 0 ? ASY_E_INTERNAL : r;
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
	/* The last word of progress.json, before the manifest lists it. */
	asy_progress_finish(o.progress, r == 0 ? ASY_PROGRESS_COMPLETE :
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
		asy_progress_finish(o.progress, ASY_PROGRESS_FAILED);
	asy_progress_free(o.progress);
	free(dev);
	asy_live_free(live);
	asy_rundir_free(rd);
	asy_report_free(rep);
	asy_plan_free(plan);
	asy_answers_free(answers);
	asy_decl_free(decl);
	asy_lab_free(lab);
	free(path);
	return r;
}
