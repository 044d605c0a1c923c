/*
 * Several DUTs in parallel (see batch.h).
 */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "labcfg.h"
#include "log.h"
#include "net.h"
#include "run.h"
#include "runread.h"
#include "util.h"
#include "waiver.h"

#define MAX_JOBS	16
#define HEALTH_MS	2000	/* one probe of the health check */

enum dev_state {
	DEV_WAITING,
	DEV_RUNNING,
	DEV_DONE,		/* its run ended; see code */
	DEV_UNHEALTHY,		/* not assessed: the health check failed */
	DEV_NOT_STARTED,	/* the batch was stopped first */
};

struct dev {
	const struct asy_lab_dut *dut;
	enum dev_state	 state;
	pid_t		 pid;
	int		 code;		/* its exit code */
	char		*run;		/* run folder (final name) */
	char		*log;		/* batch/NAME.log */
	char		*why;		/* health check: why not assessed */
	long long	 t0, t1;	/* ms */
	struct asy_batch_tally t;	/* its run read back; overall NULL
					   when it could not be */
};

static volatile sig_atomic_t batch_stop;

static void
on_batch_signal(int sig)
{
	batch_stop = 1;
	(void)sig;
}

/* Is the DUT there?  Any address answering a TCP probe (a refusal counts),
 * and the serial port opening.  1 healthy, 0 not (why set). */
static int
health_check(const struct asy_lab *lab, const struct asy_lab_dut *dut,
    char *why, size_t why_len)
{
	static const unsigned ports[] = { 1, 22, 80, 443 };
	const char *addrs[2] = { dut->ipv4, dut->ipv6 };
	int any = 0;

	snprintf(why, why_len, "no address answered");
	for (size_t i = 0; i < 2; i++) {
		if (addrs[i] == NULL || !asy_lab_in_scope(lab, addrs[i]))
			continue;
		any = 1;
		if (asy_net_alive(addrs[i], ports, ASY_ELEMENTSOF(ports),
		    HEALTH_MS, why, why_len) == 1) {
			any = 2;
			break;
		}
	}
	if (any == 1) {
		char *tmp = asy_strdup(why);

		asy_why(why, why_len, "not reachable at %s%s%s (%s)",
		    dut->ipv4 ? dut->ipv4 : "", dut->ipv4 && dut->ipv6 ?
		    " or " : "", dut->ipv6 ? dut->ipv6 : "", tmp ? tmp :
		    "no answer");
		free(tmp);
		return 0;
	}
	if (dut->serial != NULL) {
		struct stat st;

		/* Present and ours to open, but not opened: opening a
		 * console can restart it (a pty behind socat, a USB adapter
		 * that resets the board), and the run opens it next. */
		if (stat(dut->serial->path, &st) < 0 ||
		    !S_ISCHR(st.st_mode)) {
			asy_why(why, why_len, "its serial port %s is not there "
			    "(no such terminal device)", dut->serial->path);
			return 0;
		}
		if (access(dut->serial->path, R_OK | W_OK) < 0) {
			asy_why(why, why_len, "its serial port %s cannot be "
			    "opened (%s)", dut->serial->path, strerror(errno));
			return 0;
		}
	}
	if (any == 0 && dut->serial == NULL) {
		snprintf(why, why_len, "it has neither an address in scope nor "
		    "a serial port to check");
		return 0;
	}
	return 1;
}

/* The device's run, in this (forked) process: output into its log. */
static void __attribute__((noreturn))
dev_child(const struct asy_batch_opts *o, struct dev *dv)
{
	struct asy_run_opts ro = { 0 };
	struct asy_diags d;
	struct asy_buf summary;
	char *path = NULL;
	int fd, r, code = ASY_EXIT_HARNESS;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	fd = open(dv->log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		_exit(ASY_EXIT_HARNESS);
	close(fd);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)dup2(fd, STDIN_FILENO);
		close(fd);
	}
	asy_diags_init(&d);
	asy_buf_init(&summary, 1 << 16);
	ro.lab = o->lab;
	ro.dut = dv->dut->name;
	ro.out = dv->run;
	ro.assessor = o->assessor;
	ro.accept_pre = o->accept_pre;
	ro.in = stdin;
	ro.out_tty = stderr;
	printf("assay run --lab %s --dut %s --out %s\n", o->lab,
	    dv->dut->name, dv->run);
	fflush(stdout);
	r = asy_run(&ro, &d, &path, &code, &summary);
	asy_diags_print(&d, stderr);
	if (r == ASY_E_INPUT || r == ASY_E_USAGE)
		code = ASY_EXIT_INPUT;
	else if (r == ASY_E_STOPPED)
		code = ASY_EXIT_STOPPED;
	else if (r < 0) {
		fprintf(stderr, "assay run: %s\n", asy_strerror(r));
		code = ASY_EXIT_HARNESS;
	}
	if (r == 0)
		printf("run folder: %s\n%s", path, summary.data ?
		    summary.data : "");
	fflush(NULL);
	_exit(code);
}

static const char *
code_words(int code)
{
	static const char *const w[] = {
		[ASY_EXIT_PASS] = "every applicable case passed",
		[ASY_EXIT_FAIL] = "at least one FAIL",
		[ASY_EXIT_INPUT] = "input error, not run",
		[ASY_EXIT_INCOMPLETE] = "no FAIL, INCONCLUSIVE or ERROR remain",
		[ASY_EXIT_HARNESS] = "the harness failed",
		[ASY_EXIT_STOPPED] = "stopped before the end",
	};

	if (code < 0 || (size_t)code >= ASY_ELEMENTSOF(w) || w[code] == NULL)
		return "unknown";
	return w[code];
}

static const char *
state_word(const struct dev *dv)
{
	switch (dv->state) {
	case DEV_UNHEALTHY:
		return "not assessed";
	case DEV_NOT_STARTED:
		return "not started";
	case DEV_DONE:
		return dv->code == ASY_EXIT_STOPPED ? "stopped" :
		    dv->code == ASY_EXIT_HARNESS || dv->code == ASY_EXIT_INPUT ?
		    "failed" : "assessed";
	default:
		return "unknown";
	}
}

void
asy_batch_tally_release(struct asy_batch_tally *t)
{
	if (t == NULL)
		return;
	free(t->overall);
	memset(t, 0, sizeof(*t));
}

int
asy_batch_tally(const struct asy_runinfo *ri, const char *dut,
    struct asy_waivers *w, long today, struct asy_batch_tally *t)
{
	const char *device = *ri->device != '\0' ? ri->device : dut;
	int waived;

	memset(t, 0, sizeof(*t));
	t->overall = *ri->overall_reason != '\0' ?
	    asy_strdup_printf("%s: %s", asy_verdict_name(ri->overall),
	    ri->overall_reason) : asy_strdup(asy_verdict_name(ri->overall));
	if (t->overall == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < ri->n_units; i++) {
		const struct asy_run_unit *u = &ri->units[i];

		if (u->verdict == ASY_V_INCONCLUSIVE ||
		    u->verdict == ASY_V_ERROR)
			t->rest_open = 1;
		if (u->verdict != ASY_V_FAIL)
			continue;
		waived = w != NULL && asy_waivers_match(w, device,
		    u->case_id, u->label, today, NULL) != NULL;
		if (asy_run_unit_is_pseudo(u)) {
			t->n_fail_bare++;
			t->n_waived_bare += waived;
		} else {
			t->n_fail++;
			t->n_waived += waived;
		}
	}
	return 0;
}

int
asy_batch_all_waived(const struct asy_batch_tally *t)
{
	return t->n_fail + t->n_fail_bare > 0 && t->n_waived == t->n_fail &&
	    t->n_waived_bare == t->n_fail_bare;
}

int
asy_batch_tally_text(const struct asy_batch_tally *t, int indent,
    struct asy_buf *b)
{
	const char *all = asy_batch_all_waived(t) ? " (all: the verdict "
	    "stays FAIL, the batch does not count it)" : "";
	int r;

	if (t->n_waived + t->n_waived_bare == 0)
		return 0;
	r = asy_buf_printf(b, "%*s%u of %u FAIL units waived%s\n", indent, "",
	    t->n_waived, t->n_fail, t->n_fail_bare == 0 ? all : "");
	if (r == 0 && t->n_fail_bare > 0)
		r = asy_buf_printf(b, "%*s%u of %u FAIL cases or groups "
		    "without units waived%s\n", indent, "", t->n_waived_bare,
		    t->n_fail_bare, all);
	return r;
}

/*
 * A finished run read back: its overall verdict for the summary, and with
 * a waiver file, how many of a failed device's FAIL units a waiver in
 * force covers.  The verdict stays FAIL; only the summary and the batch's
 * exit code take the waivers into account.
 */
static void
read_run(struct asy_waivers *w, long today, struct dev *dv)
{
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;

	asy_diags_init(&d);
	if (asy_runinfo_load(dv->run, &d, &ri) < 0 ||
	    asy_batch_tally(ri, dv->dut->name, dv->code == ASY_EXIT_FAIL ?
	    w : NULL, today, &dv->t) < 0) {
		asy_warn("cannot read %s back for the summary", dv->run);
		asy_batch_tally_release(&dv->t);
	}
	asy_runinfo_free(ri);
	asy_diags_release(&d);
}

/* The expired and unused waivers, for the summary. */
static int
waiver_notes(const struct asy_waivers *w, long today, struct asy_buf *t)
{
	static const char *const what[2] = { "unused (matched no FAIL)",
	    "expired (no longer applies)" };
	int r = 0;

	for (int ex = 1; ex >= 0 && r == 0; ex--) {
		const struct asy_waiver **v = NULL;
		size_t n = 0;

		r = asy_waivers_list(w, today, ex, &v, &n);
		for (size_t i = 0; i < n && r == 0; i++)
			r = asy_buf_printf(t, "waiver %s:%lu %s: %s %s%s%s "
			    "(%s, until %s)\n", w->path, v[i]->line,
			    what[ex], v[i]->device, v[i]->case_id,
			    v[i]->unit ? " " : "", v[i]->unit ? v[i]->unit :
			    "", v[i]->owner, v[i]->expires);
		free(v);
	}
	return r;
}

static int
write_summary(const struct asy_batch_opts *o, const char *bdir,
    struct dev *devs, size_t n, const char *started, int code,
    long long wall, const struct asy_waivers *w, long today)
{
	struct asy_buf t, x;
	char finished[32], *p;
	int r;

	asy_now_iso8601(finished);
	asy_buf_init(&t, 1 << 20);
	asy_buf_init(&x, 1 << 20);
	r = asy_buf_printf(&t, "batch:      %s (%zu devices, %u at a time, "
	    "%.1f s)\n", bdir, n, o->jobs, wall / 1000.0);
	if (r == 0)
		r = asy_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		    "\n<batch xmlns=\"urn:assay:batch:1\" format=\"1\"");
	if (r == 0)
		r = asy_buf_put_attr(&x, "lab", o->lab);
	if (r == 0)
		r = asy_buf_put_attr(&x, "started", started);
	if (r == 0)
		r = asy_buf_put_attr(&x, "finished", finished);
	if (r == 0)
		r = asy_buf_printf(&x, " jobs=\"%u\" exit-code=\"%d\">\n",
		    o->jobs, code);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct dev *dv = &devs[i];
		const char *detail = dv->state == DEV_UNHEALTHY ? dv->why :
		    dv->state == DEV_NOT_STARTED ? "the batch was stopped "
		    "before its turn" : dv->t.overall ? dv->t.overall :
		    code_words(dv->code);
		double secs = dv->t1 > dv->t0 ? (dv->t1 - dv->t0) / 1000.0 :
		    0.0;

		r = asy_buf_printf(&t, "  %-16s %-13s", dv->dut->name,
		    state_word(dv));
		if (r == 0 && dv->state == DEV_DONE)
			r = asy_buf_printf(&t, " exit %d, %6.1f s: %s\n"
			    "%33s run %s%s, log %s\n", dv->code, secs,
			    detail, "", dv->run,
			    dv->code == ASY_EXIT_STOPPED ||
			    dv->code == ASY_EXIT_HARNESS ? ".partial" : "",
			    dv->log);
		else if (r == 0)
			r = asy_buf_printf(&t, " %s\n", detail);
		if (r == 0)
			r = asy_buf_puts(&x, "  <device");
		if (r == 0)
			r = asy_buf_put_attr(&x, "name", dv->dut->name);
		if (r == 0)
			r = asy_buf_put_attr(&x, "state", state_word(dv));
		if (r == 0)
			r = asy_batch_tally_text(&dv->t, 34, &t);
		if (r == 0 && dv->state == DEV_DONE)
			r = asy_buf_printf(&x, " exit-code=\"%d\" "
			    "seconds=\"%.1f\"", dv->code, secs);
		if (r == 0 && dv->t.n_waived + dv->t.n_waived_bare > 0)
			r = asy_buf_printf(&x, " fail-units=\"%u\" "
			    "waived=\"%u\"", dv->t.n_fail, dv->t.n_waived);
		if (r == 0 && dv->t.n_waived + dv->t.n_waived_bare > 0 &&
		    dv->t.n_fail_bare > 0)
			r = asy_buf_printf(&x, " fail-bare=\"%u\" "
			    "waived-bare=\"%u\"", dv->t.n_fail_bare,
			    dv->t.n_waived_bare);
		if (r == 0 && dv->state == DEV_DONE)
			r = asy_buf_put_attr(&x, "run", dv->run);
		if (r == 0 && dv->state == DEV_DONE)
			r = asy_buf_put_attr(&x, "log", dv->log);
		if (r == 0)
			r = asy_buf_puts(&x, ">");
		if (r == 0)
			r = asy_buf_put_xml(&x, detail);
		if (r == 0)
			r = asy_buf_puts(&x, "</device>\n");
	}
	if (r == 0 && w != NULL)
		r = waiver_notes(w, today, &t);
	if (r == 0)
		r = asy_buf_printf(&t, "exit code:  %d (%s)\n", code,
		    code_words(code));
	if (r == 0)
		r = asy_buf_puts(&x, "</batch>\n");
	if (r == 0) {
		p = asy_path_join(bdir, "summary.txt");
		r = p ? asy_buf_save_file(&t, p) : ASY_E_NOMEM;
		free(p);
	}
	if (r == 0) {
		p = asy_path_join(bdir, "summary.xml");
		r = p ? asy_buf_save_file(&x, p) : ASY_E_NOMEM;
		free(p);
	}
	if (r == 0 && t.data != NULL)
		fputs(t.data, o->out);
	asy_buf_release(&t);
	asy_buf_release(&x);
	return r;
}

/* Make RUNS/batch-STAMP (a new one: -2, -3 ... when taken). */
static int
make_batch_dir(const char *runs, const char *stamp, char **out)
{
	for (unsigned k = 1; k < 100; k++) {
		char *p = k == 1 ? asy_strdup_printf("%s/batch-%s", runs,
		    stamp) : asy_strdup_printf("%s/batch-%s-%u", runs, stamp,
		    k);

		if (p == NULL)
			return ASY_E_NOMEM;
		if (mkdir(p, 0755) == 0) {
			*out = p;
			return 0;
		}
		free(p);
		if (errno != EEXIST)
			return ASY_E_IO;
	}
	return ASY_E_EXISTS;
}

static void
devs_free(struct dev *devs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(devs[i].run);
		free(devs[i].log);
		free(devs[i].why);
		asy_batch_tally_release(&devs[i].t);
	}
	free(devs);
}

static int
batch_code(const struct dev *devs, size_t n)
{
	int fail = 0, stopped = 0, harness = 0, incomplete = 0;

	for (size_t i = 0; i < n; i++) {
		if (devs[i].state != DEV_DONE) {
			incomplete = 1;
			continue;
		}
		switch (devs[i].code) {
		case ASY_EXIT_PASS:
			break;
		case ASY_EXIT_FAIL:
			/* Every FAIL waived: what remains decides. */
			if (asy_batch_all_waived(&devs[i].t))
				incomplete |= devs[i].t.rest_open;
			else
				fail = 1;
			break;
		case ASY_EXIT_STOPPED:
			stopped = 1;
			break;
		case ASY_EXIT_INCOMPLETE:
			incomplete = 1;
			break;
		default:
			harness = 1;
			break;
		}
	}
	return fail ? ASY_EXIT_FAIL : stopped ? ASY_EXIT_STOPPED : harness ?
	    ASY_EXIT_HARNESS : incomplete ? ASY_EXIT_INCOMPLETE : ASY_EXIT_PASS;
}

int
asy_batch_run(const struct asy_batch_opts *o, struct asy_diags *d,
    int *exit_code, char **batch_dir)
{
	const char *runs = o->runs_dir ? o->runs_dir : "runs";
	struct asy_lab *lab = NULL;
	struct asy_waivers *w = NULL;
	struct dev *devs = NULL;
	size_t n = 0, next = 0, running = 0;
	long today = 0;
	char stamp[32], started[32], *bdir = NULL;
	struct sigaction sa, old_int, old_term;
	long long t0;
	struct tm tm;
	time_t now;
	int r;

	r = asy_lab_load(o->lab, d, &lab);
	if (r < 0)
		goto out;
	if (o->waivers != NULL) {
		char why[160];

		r = asy_waivers_today(o->today, &today, why, sizeof(why));
		if (r < 0) {
			asy_diag_error(d, o->today ? "--today" : "ASSAY_TODAY",
			    0, "%s", why);
			goto out;
		}
		r = asy_waivers_load(o->waivers, NULL, d, &w);
		if (r < 0)
			goto out;
	}
	n = o->duts != NULL ? o->n_duts : lab->n_duts;
	devs = calloc(n ? n : 1, sizeof(*devs));
	if (devs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		devs[i].dut = o->duts ? asy_lab_dut(lab, o->duts[i]) :
		    &lab->duts[i];
		if (devs[i].dut == NULL) {
			asy_diag_error(d, o->lab, 0, "no DUT named '%s' in the "
			    "lab config; 'assay validate --lab %s' lists them",
			    o->duts[i], o->lab);
			r = ASY_E_INPUT;
		}
		for (size_t k = 0; k < i && r == 0; k++)
			if (devs[k].dut == devs[i].dut) {
				asy_diag_error(d, o->lab, 0, "DUT '%s' is named "
				    "twice; give each --dut once",
				    devs[i].dut->name);
				r = ASY_E_INPUT;
			}
	}
	if (r < 0)
		goto out;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	asy_now_iso8601(started);
	r = asy_mkdir_p(runs, 0755);
	if (r == 0)
		r = make_batch_dir(runs, stamp, &bdir);
	if (r < 0) {
		asy_diag_error(d, runs, 0, "cannot create the batch folder "
		    "(%s); check permissions or pass --runs-dir",
		    asy_strerror(r));
		r = ASY_E_INPUT;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = devs[i].dut->name;

		devs[i].run = asy_strdup_printf("%s/%s-%s", runs, name, stamp);
		devs[i].log = asy_strdup_printf("%s/%s.log", bdir, name);
		if (devs[i].run == NULL || devs[i].log == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_batch_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	t0 = asy_now_ms();
	fprintf(o->out, "batch: %zu devices, %u at a time, into %s\n", n,
	    o->jobs, bdir);
	fflush(o->out);
	while (next < n || running > 0) {
		int status;
		pid_t pid;

		while (!batch_stop && next < n && running < o->jobs) {
			struct dev *dv = &devs[next++];
			char why[256];

			if (!health_check(lab, dv->dut, why, sizeof(why))) {
				dv->state = DEV_UNHEALTHY;
				dv->why = asy_strdup(why);
				fprintf(o->out, "  %s: not assessed: %s\n",
				    dv->dut->name, why);
				continue;
			}
			fflush(NULL);
			dv->t0 = asy_now_ms();
			pid = fork();
			if (pid < 0) {
				dv->state = DEV_DONE;
				dv->code = ASY_EXIT_HARNESS;
				continue;
			}
			if (pid == 0)
				dev_child(o, dv);
			dv->pid = pid;
			dv->state = DEV_RUNNING;
			running++;
			fprintf(o->out, "  %s: started (log %s)\n",
			    dv->dut->name, dv->log);
			fflush(o->out);
		}
		if (running == 0)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR) {
			/* Stop: every device stops at its next case. */
			for (size_t i = 0; i < n && batch_stop == 1; i++)
				if (devs[i].state == DEV_RUNNING)
					(void)kill(devs[i].pid, SIGTERM);
			if (batch_stop == 1)
				batch_stop = 2;
			continue;
		}
		if (pid < 0)
			break;
		for (size_t i = 0; i < n; i++) {
			struct dev *dv = &devs[i];

			if (dv->state != DEV_RUNNING || dv->pid != pid)
				continue;
			dv->state = DEV_DONE;
			dv->t1 = asy_now_ms();
			dv->code = WIFEXITED(status) ? WEXITSTATUS(status) :
			    ASY_EXIT_HARNESS;
			if (dv->code == ASY_EXIT_PASS ||
			    dv->code == ASY_EXIT_FAIL ||
			    dv->code == ASY_EXIT_INCOMPLETE)
				read_run(w, today, dv);
			running--;
			fprintf(o->out, "  %s: done in %.1f s, exit %d (%s)\n",
			    dv->dut->name, (dv->t1 - dv->t0) / 1000.0,
			    dv->code, code_words(dv->code));
			fflush(o->out);
		}
	}
	for (size_t i = next; i < n; i++)
		devs[i].state = DEV_NOT_STARTED;
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	*exit_code = batch_code(devs, n);
	r = write_summary(o, bdir, devs, n, started, *exit_code,
	    asy_now_ms() - t0, w, today);
	if (r == 0 && batch_dir != NULL) {
		*batch_dir = bdir;
		bdir = NULL;
	}
out:
	devs_free(devs, n);
	asy_waivers_free(w);
	asy_lab_free(lab);
	free(bdir);
	return r;
}
