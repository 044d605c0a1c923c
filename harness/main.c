/*
 * assay: the command line.  Subcommands come from the table commands[];
 * each parses its own options and returns an exit code (see error.h).
 */
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "buf.h"
#include "batch.h"
#include "catalogue.h"
#include "cli.h"
#include "decl.h"
#include "diag.h"
#include "error.h"
#include "evidence.h"
#include "labcfg.h"
#include "log.h"
#include "plan.h"
#include "report.h"
#include "run.h"
#include "serve.h"
#include "template.h"
#include "util.h"
#include "wifi.h"
#include "xml.h"

struct command {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*summary;
	const char	*usage;		/* options and arguments */
	const char	*help;		/* what they mean */
	const char	*exit_help;	/* its own exit codes, or NULL for
					   exit_codes_help */
};

static const struct command *find_command(const char *name);

static const char exit_codes_help[] =
    "Exit codes:\n"
    "  0  every applicable test case passed (verify: the run folder is "
    "intact)\n"
    "  1  at least one FAIL (verify: files changed, missing or added)\n"
    "  2  usage or input error; nothing was run and no run folder written\n"
    "  3  no FAIL, but INCONCLUSIVE or ERROR verdicts remain\n"
    "  4  the harness itself failed (I/O, memory); a run folder is left "
    "with .partial\n"
    "  5  the run was stopped (SIGINT, SIGTERM) before it finished; "
    "finish it with\n     assay run --resume RUNDIR.partial\n";

#define DEVICE_HELP \
    "  DEVICE_DIR             a folder holding ics.xml and ixit.xml (and " \
    "answers.xml)\n" \
    "  --ics FILE, --ixit FILE  the declarations, when not in one folder\n" \
    "  --catalogue FILE       use this catalogue instead of the ICS's " \
    "edition's own\n"

/* Options every command that reads declarations shares. */
struct decl_args {
	const char	*ics;
	const char	*ixit;
	const char	*catalogue;
	const char	*answers;
	char		*ics_buf;
	char		*ixit_buf;
	char		*answers_buf;
};

static void
decl_args_release(struct decl_args *a)
{
	free(a->ics_buf);
	free(a->ixit_buf);
	free(a->answers_buf);
}

static int
usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "assay %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay %s --help'.\n", cmd);
	return ASY_EXIT_INPUT;
}

/* Resolve DEVICE_DIR or --ics/--ixit into paths; 0 or an exit code. */
static int
decl_args_finish(const char *cmd, struct decl_args *a, int argc, char **argv,
    int want_answers)
{
	struct stat st;

	if (optind < argc) {
		const char *dir = argv[optind++];

		if (a->ics != NULL || a->ixit != NULL)
			return usage_error(cmd, "give a DEVICE_DIR or "
			    "--ics/--ixit, not both");
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return usage_error(cmd, "'%s' is not a folder with "
			    "ics.xml and ixit.xml", dir);
		a->ics = a->ics_buf = asy_path_join(dir, "ics.xml");
		a->ixit = a->ixit_buf = asy_path_join(dir, "ixit.xml");
		if (want_answers && a->answers == NULL) {
			a->answers_buf = asy_path_join(dir, "answers.xml");
			if (a->answers_buf != NULL &&
			    access(a->answers_buf, F_OK) == 0)
				a->answers = a->answers_buf;
		}
		if (a->ics == NULL || a->ixit == NULL)
			return ASY_EXIT_HARNESS;
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	if (a->ics == NULL || a->ixit == NULL)
		return usage_error(cmd, "which device? Give a DEVICE_DIR, or "
		    "both --ics and --ixit");
	return 0;
}

enum {
	OPT_ICS = 1000,
	OPT_IXIT,
	OPT_CATALOGUE,
	OPT_ANSWERS,
	OPT_FORMAT,
	OPT_BENCH,
	OPT_LAB,
	OPT_DUT,
	OPT_OFFLINE,
	OPT_ACCEPT_PRE,
	OPT_BATCH,
	OPT_ASSESSOR,
	OPT_RUNS_DIR,
	OPT_EDITION,
	OPT_RESUME,
	OPT_WAIVERS,
	OPT_TODAY,
	OPT_ALL,
	OPT_JOBS,
	OPT_LISTEN,
	OPT_PORT,
	OPT_TOKEN_FILE,
	OPT_HELP,
};

#define DECL_OPTIONS \
	{ "ics", required_argument, NULL, OPT_ICS }, \
	{ "ixit", required_argument, NULL, OPT_IXIT }, \
	{ "catalogue", required_argument, NULL, OPT_CATALOGUE }, \
	{ "help", no_argument, NULL, OPT_HELP }

static int
show_help(const char *name)
{
	const struct command *c = find_command(name);

	printf("usage: assay %s %s\n\n%s\n\n%s", c->name, c->usage, c->summary,
	    c->help);
	printf("\n%s", c->exit_help != NULL ? c->exit_help : exit_codes_help);
	return 0;
}

int
asy_cli_help(const char *cmd)
{
	return show_help(cmd);
}

int
asy_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "assay %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay %s --help'.\n", cmd);
	return ASY_EXIT_INPUT;
}

/* Handle an option shared by the declaration commands; 1 if it was one. */
static int
decl_option(int opt, struct decl_args *a)
{
	switch (opt) {
	case OPT_ICS:
		a->ics = optarg;
		return 1;
	case OPT_IXIT:
		a->ixit = optarg;
		return 1;
	case OPT_CATALOGUE:
		a->catalogue = optarg;
		return 1;
	case OPT_ANSWERS:
		a->answers = optarg;
		return 1;
	default:
		return 0;
	}
}

static int
report_diags(struct asy_diags *d)
{
	asy_diags_print(d, stderr);
	if (d->n_errors > 0)
		fprintf(stderr, "assay: %lu error%s, %lu warning%s\n",
		    d->n_errors, d->n_errors == 1 ? "" : "s", d->n_warnings,
		    d->n_warnings == 1 ? "" : "s");
	return 0;
}

/* validate --lab: the lab config, then each DUT's declarations. */
static int
validate_lab(const char *lab_path, const char *dut_name, struct asy_diags *d)
{
	struct asy_lab *lab = NULL;
	int r, bad = 0;

	r = asy_lab_load(lab_path, d, &lab);
	if (r < 0)
		return r;
	if (dut_name != NULL && asy_lab_dut(lab, dut_name) == NULL) {
		asy_diag_error(d, lab_path, 0, "no DUT named '%s' in the lab "
		    "config", dut_name);
		asy_lab_free(lab);
		return ASY_E_INPUT;
	}
	printf("%s: valid lab configuration '%s' (%zu DUT%s, %zu "
	    "interface%s)\n", lab_path, lab->name, lab->n_duts,
	    lab->n_duts == 1 ? "" : "s", lab->n_ifaces,
	    lab->n_ifaces == 1 ? "" : "s");
	for (size_t i = 0; i < lab->n_duts; i++) {
		const struct asy_lab_dut *dut = &lab->duts[i];
		struct asy_decl_paths p = { dut->ics, dut->ixit,
		    dut->catalogue };
		struct asy_decl *decl = NULL;
		struct asy_answers *ans = NULL;

		if (dut_name != NULL && strcmp(dut->name, dut_name) != 0)
			continue;
		r = asy_decl_load(&p, d, &decl);
		if (r == 0 && dut->answers != NULL)
			r = asy_answers_load(dut->answers, decl->cat, d, &ans);
		if (r == 0)
			printf("  DUT %s: valid %s declarations for %s %s\n",
			    dut->name, decl->cat->id, decl->dut.vendor,
			    decl->dut.model);
		else if (r == ASY_E_NOMEM) {
			asy_decl_free(decl);
			asy_lab_free(lab);
			return r;
		} else
			bad = 1;
		asy_answers_free(ans);
		asy_decl_free(decl);
	}
	asy_lab_free(lab);
	return bad ? ASY_E_INPUT : 0;
}

static int
cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		DECL_OPTIONS,
		{ "answers", required_argument, NULL, OPT_ANSWERS },
		{ "lab", required_argument, NULL, OPT_LAB },
		{ "dut", required_argument, NULL, OPT_DUT },
		{ NULL, 0, NULL, 0 },
	};
	struct decl_args a = { 0 };
	struct asy_decl_paths p;
	struct asy_decl *decl = NULL;
	struct asy_answers *ans = NULL;
	struct asy_diags d;
	const char *lab = NULL, *dut = NULL;
	int opt, r, ret;

	asy_diags_init(&d);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (decl_option(opt, &a))
			continue;
		if (opt == OPT_LAB) {
			lab = optarg;
			continue;
		}
		if (opt == OPT_DUT) {
			dut = optarg;
			continue;
		}
		if (opt == OPT_HELP)
			return show_help("validate");
		return usage_error("validate", "unknown option or "
		    "missing value: '%s'", argv[optind - 1]);
	}
	if (lab != NULL) {
		if (optind < argc || a.ics || a.ixit || a.answers)
			return usage_error("validate", "--lab takes the "
			    "declarations from the lab config: give no "
			    "DEVICE_DIR, --ics, --ixit or --answers with it");
		r = validate_lab(lab, dut, &d);
		report_diags(&d);
		ret = r == 0 ? 0 : r == ASY_E_NOMEM ? ASY_EXIT_HARNESS :
		    ASY_EXIT_INPUT;
		goto out;
	}
	if (dut != NULL)
		return usage_error("validate", "--dut needs --lab");
	ret = decl_args_finish("validate", &a, argc, argv, 1);
	if (ret != 0)
		goto out;
	p.ics = a.ics;
	p.ixit = a.ixit;
	p.catalogue = a.catalogue;
	r = asy_decl_load(&p, &d, &decl);
	if (r == 0 && a.answers != NULL)
		r = asy_answers_load(a.answers, decl->cat, &d, &ans);
	report_diags(&d);
	if (r == ASY_E_NOMEM) {
		fprintf(stderr, "assay: out of memory\n");
		ret = ASY_EXIT_HARNESS;
	} else if (r < 0) {
		ret = ASY_EXIT_INPUT;
	} else {
		printf("%s: valid %s declarations for %s %s (%zu ICS rows, "
		    "%zu IXIT rows%s%s)%s\n", a.ics, decl->cat->id,
		    decl->dut.vendor, decl->dut.model, decl->n_rows,
		    decl->n_ixit, ans ? ", answers: " : "",
		    ans ? a.answers : "", d.n_warnings ? "; see the warnings"
		    : "");
		ret = 0;
	}
out:
	asy_answers_free(ans);
	asy_decl_free(decl);
	asy_diags_release(&d);
	decl_args_release(&a);
	return ret;
}

static int
cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		DECL_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "bench", required_argument, NULL, OPT_BENCH },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct decl_args a = { 0 };
	struct asy_decl_paths p;
	struct asy_decl *decl = NULL;
	struct asy_plan *plan = NULL;
	struct asy_diags d;
	struct asy_buf b;
	const char *format = "text", *output = NULL, *bad = NULL;
	unsigned caps = ASY_NEED_ALL;
	int opt, r, ret;

	asy_diags_init(&d);
	asy_buf_init(&b, (size_t)256 << 20);
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (decl_option(opt, &a))
			continue;
		switch (opt) {
		case OPT_FORMAT:
			format = optarg;
			if (strcmp(format, "text") != 0 &&
			    strcmp(format, "xml") != 0)
				return usage_error("plan", "--format is text "
				    "or xml, not '%s'", format);
			break;
		case OPT_BENCH:
			if (strcmp(optarg, "none") == 0)
				caps = 0;
			else if (asy_needs_parse(optarg, &caps, &bad) < 0)
				return usage_error("plan", "unknown bench "
				    "capability in '%s'; use network, serial, "
				    "wifi, operator, power or none", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_HELP:
			return show_help("plan");
		default:
			return usage_error("plan", "unknown option or "
			    "missing value: '%s'", argv[optind - 1]);
		}
	}
	ret = decl_args_finish("plan", &a, argc, argv, 0);
	if (ret != 0)
		goto out;
	p.ics = a.ics;
	p.ixit = a.ixit;
	p.catalogue = a.catalogue;
	r = asy_decl_load(&p, &d, &decl);
	report_diags(&d);
	if (r < 0) {
		ret = r == ASY_E_NOMEM ? ASY_EXIT_HARNESS : ASY_EXIT_INPUT;
		goto out;
	}
	r = asy_plan_build(decl, caps, &plan);
	if (r == 0)
		r = strcmp(format, "xml") == 0 ?
		    asy_plan_render_xml(plan, &b) :
		    asy_plan_render_text(plan, &b);
	if (r == 0 && output != NULL)
		r = asy_buf_save_file(&b, output);
	else if (r == 0)
		fwrite(b.data, 1, b.len, stdout);
	if (r < 0) {
		fprintf(stderr, "assay plan: %s\n", asy_strerror(r));
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	ret = 0;
out:
	asy_buf_release(&b);
	asy_plan_free(plan);
	asy_decl_free(decl);
	asy_diags_release(&d);
	decl_args_release(&a);
	return ret;
}

/* assay run --lab FILE (--all | --dut A --dut B ...) [--jobs N]. */
static int
run_batch(const struct asy_run_opts *o, const struct decl_args *a, int argc,
    const char *const *duts, size_t n_duts, unsigned jobs,
    const char *waivers, const char *today)
{
	struct asy_batch_opts bo = { 0 };
	struct asy_diags d;
	char *bdir = NULL;
	int r, code = 0;

	if (o->lab == NULL)
		return usage_error("run", "--all, --jobs and several --dut "
		    "assess the DUTs of a lab config: give --lab FILE");
	if (o->resume != NULL || o->offline || o->out != NULL ||
	    a->ics != NULL || a->ixit != NULL || a->catalogue != NULL ||
	    a->answers != NULL || optind < argc)
		return usage_error("run", "several DUTs take their declarations "
		    "from the lab config and get a run folder each under "
		    "--runs-dir: --resume, --offline, --out, DEVICE_DIR, "
		    "--ics, --ixit, --catalogue and --answers do not apply "
		    "(resume each device's run on its own)");
	if (n_duts > 0 && duts == NULL)
		return ASY_EXIT_HARNESS;
	bo.lab = o->lab;
	bo.duts = n_duts > 0 ? duts : NULL;
	bo.n_duts = n_duts;
	bo.jobs = jobs;
	bo.runs_dir = o->runs_dir;
	bo.assessor = o->assessor ? o->assessor : getenv("USER") ?
	    getenv("USER") : "assessor";
	bo.accept_pre = o->accept_pre;
	bo.waivers = waivers;
	bo.today = today;
	bo.out = stdout;
	asy_diags_init(&d);
	r = asy_batch_run(&bo, &d, &code, &bdir);
	report_diags(&d);
	asy_diags_release(&d);
	free(bdir);
	if (r == ASY_E_INPUT || r == ASY_E_USAGE)
		return ASY_EXIT_INPUT;
	if (r < 0) {
		fprintf(stderr, "assay run: %s\n", asy_strerror(r));
		return ASY_EXIT_HARNESS;
	}
	return code;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		DECL_OPTIONS,
		{ "answers", required_argument, NULL, OPT_ANSWERS },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "accept-pre", no_argument, NULL, OPT_ACCEPT_PRE },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "assessor", required_argument, NULL, OPT_ASSESSOR },
		{ "out", required_argument, NULL, 'o' },
		{ "runs-dir", required_argument, NULL, OPT_RUNS_DIR },
		{ "lab", required_argument, NULL, OPT_LAB },
		{ "dut", required_argument, NULL, OPT_DUT },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "waivers", required_argument, NULL, OPT_WAIVERS },
		{ "today", required_argument, NULL, OPT_TODAY },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct decl_args a = { 0 };
	struct asy_run_opts o = { 0 };
	struct asy_diags d;
	struct asy_buf summary;
	const char *duts[16];
	size_t n_duts = 0;
	unsigned long jobs = 0;
	const char *waivers = NULL, *today = NULL;
	char *path = NULL;
	int opt, r, ret, batch = 0, code = 0, all = 0;

	asy_diags_init(&d);
	asy_buf_init(&summary, 1 << 16);
	while ((opt = getopt_long(argc, argv, "o:j:", opts, NULL)) != -1) {
		if (decl_option(opt, &a))
			continue;
		switch (opt) {
		case OPT_OFFLINE:
			o.offline = 1;
			break;
		case OPT_ACCEPT_PRE:
			o.accept_pre = 1;
			break;
		case OPT_BATCH:
			batch = 1;
			break;
		case OPT_ASSESSOR:
			o.assessor = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case OPT_RUNS_DIR:
			o.runs_dir = optarg;
			break;
		case OPT_LAB:
			o.lab = optarg;
			break;
		case OPT_DUT:
			if (n_duts == ASY_ELEMENTSOF(duts))
				return usage_error("run", "at most %zu --dut; "
				    "use --all for every DUT of the lab",
				    ASY_ELEMENTSOF(duts));
			duts[n_duts++] = optarg;
			o.dut = optarg;
			break;
		case OPT_ALL:
			all = 1;
			break;
		case OPT_WAIVERS:
			waivers = optarg;
			break;
		case OPT_TODAY:
			today = optarg;
			break;
		case 'j':
			if (asy_parse_ulong(optarg, &jobs) < 0 || jobs < 1 ||
			    jobs > 16)
				return usage_error("run", "--jobs takes a number "
				    "from 1 to 16, not '%s'", optarg);
			break;
		case OPT_RESUME:
			o.resume = optarg;
			break;
		case OPT_HELP:
			return show_help("run");
		default:
			return usage_error("run", "unknown option or "
			    "missing value: '%s'", argv[optind - 1]);
		}
	}
	if (all && n_duts > 0) {
		ret = usage_error("run", "give --all or --dut, not both");
		goto out;
	}
	if (all || n_duts > 1 || jobs > 0) {
		ret = run_batch(&o, &a, argc, duts, all ? 0 : n_duts,
		    jobs ? (unsigned)jobs : 1, waivers, today);
		goto out;
	}
	if (waivers != NULL || today != NULL) {
		ret = usage_error("run", "--waivers and --today belong to a "
		    "batch (--all, --jobs or several --dut); for one run use "
		    "'assay diff --waivers'");
		goto out;
	}
	if (o.resume != NULL && (o.lab != NULL || o.dut != NULL ||
	    o.offline || o.out != NULL || o.runs_dir != NULL ||
	    a.ics != NULL || a.ixit != NULL || a.catalogue != NULL ||
	    a.answers != NULL || o.accept_pre || optind < argc)) {
		ret = usage_error("run", "--resume takes the stopped run's own "
		    "inputs and options; give it alone (with --batch if "
		    "needed)");
		goto out;
	}
	/* With --lab, the declarations come from the lab config unless
	 * given here. */
	if (o.resume != NULL)
		;
	else if (o.lab == NULL || optind < argc || a.ics != NULL ||
	    a.ixit != NULL) {
		ret = decl_args_finish("run", &a, argc, argv, 1);
		if (ret != 0)
			goto out;
	}
	if (o.resume == NULL && o.lab != NULL && o.offline) {
		ret = usage_error("run", "--offline and --lab exclude each "
		    "other: --lab assesses the device live");
		goto out;
	}
	if (o.lab == NULL && o.dut != NULL) {
		ret = usage_error("run", "--dut needs --lab");
		goto out;
	}
	if (o.resume == NULL && o.lab == NULL && !o.offline) {
		ret = usage_error("run", "a live run needs the bench: give "
		    "--lab LAB.xml (see lab-config/examples/), or --offline "
		    "to judge the declarations only");
		goto out;
	}
	o.ics = a.ics;
	o.ixit = a.ixit;
	o.catalogue = a.catalogue;
	o.answers = a.answers;
	o.interactive = !batch && isatty(STDIN_FILENO) &&
	    isatty(STDERR_FILENO);
	o.in = stdin;
	o.out_tty = stderr;
	if (o.assessor == NULL)
		o.assessor = getenv("USER") ? getenv("USER") : "assessor";
	r = asy_run(&o, &d, &path, &code, &summary);
	report_diags(&d);
	if (r == ASY_E_INPUT || r == ASY_E_USAGE) {
		ret = ASY_EXIT_INPUT;
		goto out;
	}
	if (r == ASY_E_STOPPED) {
		ret = ASY_EXIT_STOPPED;
		goto out;
	}
	if (r < 0) {
		if (d.n_errors == 0)
			fprintf(stderr, "assay run: %s\n", asy_strerror(r));
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	printf("run folder: %s\n", path);
	printf("report:     %s/report.html\n", path);
	if (summary.data != NULL)
		fputs(summary.data, stdout);
	ret = code;
	printf("exit code:  %d (%s)\n", code, code == ASY_EXIT_PASS ?
	    "every applicable case passed" : code == ASY_EXIT_FAIL ?
	    "at least one FAIL" : "no FAIL, but INCONCLUSIVE or ERROR remain");
out:
	asy_buf_release(&summary);
	free(path);
	asy_diags_release(&d);
	decl_args_release(&a);
	return ret;
}

static int
write_new(const char *dir, const char *name, const struct asy_buf *b)
{
	char *path;
	int r;

	path = asy_path_join(dir, name);
	if (path == NULL)
		return ASY_E_NOMEM;
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "assay template: %s exists; assay does not "
		    "overwrite declarations: choose another --out-dir\n", path);
		free(path);
		return ASY_E_EXISTS;
	}
	r = asy_buf_save_file(b, path);
	if (r == 0)
		printf("wrote %s\n", path);
	free(path);
	return r;
}

static int
cmd_template(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "edition", required_argument, NULL, OPT_EDITION },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct asy_catalogue *cat = NULL;
	struct asy_diags d;
	struct asy_buf b, rel;
	const char *edition = NULL, *dir = ".";
	char *path = NULL;
	int opt, r, ret = ASY_EXIT_INPUT;

	asy_diags_init(&d);
	asy_buf_init(&b, (size_t)16 << 20);
	asy_buf_init(&rel, 4096);
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_EDITION:
			edition = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case OPT_HELP:
			return show_help("template");
		default:
			return usage_error("template", "unknown option or "
			    "missing value: '%s'", argv[optind - 1]);
		}
	}
	if (edition == NULL || optind < argc)
		return usage_error("template", "give --edition (for example "
		    "ts103701-v1.1.1)");
	if (strchr(edition, '/') != NULL || edition[0] == '.')
		return usage_error("template", "'%s' is not an edition ID",
		    edition);
	r = asy_buf_printf(&rel, "ics-ixit/catalogue/%s.xml", edition);
	path = r == 0 ? asy_data_path(rel.data) : NULL;
	if (path == NULL || access(path, R_OK) != 0) {
		ret = usage_error("template", "edition '%s' is not known; "
		    "'assay catalogue' lists them", edition);
		goto out;
	}
	r = asy_catalogue_load(path, &d, &cat);
	report_diags(&d);
	if (r < 0)
		goto out;
	if (asy_mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "assay template: cannot create %s\n", dir);
		goto out;
	}
	r = asy_template_ics(cat, &b);
	if (r == 0)
		r = write_new(dir, "ics.xml", &b);
	asy_buf_reset(&b);
	if (r == 0)
		r = asy_template_ixit(cat, &b);
	if (r == 0)
		r = write_new(dir, "ixit.xml", &b);
	ret = r == 0 ? 0 : r == ASY_E_EXISTS ? ASY_EXIT_INPUT :
	    ASY_EXIT_HARNESS;
out:
	free(path);
	asy_catalogue_free(cat);
	asy_buf_release(&b);
	asy_buf_release(&rel);
	asy_diags_release(&d);
	return ret;
}

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct asy_diags d;
	unsigned long n = 0;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_HELP)
			return show_help("verify");
		return usage_error("verify", "unknown option or "
		    "missing value: '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return usage_error("verify", "give one run folder");
	asy_diags_init(&d);
	r = asy_verify_rundir(argv[optind], &d, &n);
	asy_diags_print(&d, stderr);
	asy_diags_release(&d);
	if (r == 0) {
		printf("%s: intact (%lu files match the manifest)\n",
		    argv[optind], n);
		return 0;
	}
	if (r == ASY_E_MISMATCH) {
		printf("%s: NOT intact (see above)\n", argv[optind]);
		return ASY_EXIT_FAIL;
	}
	return r == ASY_E_INPUT ? ASY_EXIT_INPUT : ASY_EXIT_HARNESS;
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs-dir", required_argument, NULL, OPT_RUNS_DIR },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct asy_serve_opts o = { 0 };
	struct asy_serve *s = NULL;
	const char *token_file = NULL;
	char why[1024] = "", *token = NULL;
	unsigned long port = ASY_SERVE_PORT;
	sigset_t stop;
	int opt, r, sig = 0;

	o.runs_dir = "runs";
	o.addr = "127.0.0.1";
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_RUNS_DIR:
			o.runs_dir = optarg;
			break;
		case OPT_LISTEN:
			o.addr = optarg;
			break;
		case OPT_PORT:
			if (asy_parse_ulong(optarg, &port) < 0 || port < 1 ||
			    port > 65535)
				return usage_error("serve", "--port takes a "
				    "number from 1 to 65535, not '%s'", optarg);
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_HELP:
			return show_help("serve");
		default:
			return usage_error("serve", "unknown option or "
			    "missing value: '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("serve", "unexpected argument '%s'",
		    argv[optind]);
	if (token_file != NULL) {
		r = asy_serve_token_load(token_file, &token, why, sizeof(why));
		if (r < 0) {
			fprintf(stderr, "assay serve: %s\n", why);
			return r == ASY_E_NOMEM ? ASY_EXIT_HARNESS :
			    ASY_EXIT_INPUT;
		}
	}
	o.port = (unsigned)port;
	o.token = token;
	/* Block the stop signals before libmicrohttpd's threads start, so
	 * that they inherit the mask and only sigwait() below sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = asy_serve_start(&o, &s, why, sizeof(why));
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	if (r < 0) {
		fprintf(stderr, "assay serve: %s\n", why);
		return r == ASY_E_IO || r == ASY_E_NOMEM ||
		    r == ASY_E_INTERNAL ? ASY_EXIT_HARNESS : ASY_EXIT_INPUT;
	}
	printf("assay serve: the runs in %s at http://%s%s%s:%u/%s\n",
	    o.runs_dir, strchr(o.addr, ':') ? "[" : "", o.addr,
	    strchr(o.addr, ':') ? "]" : "", asy_serve_port(s),
	    token_file != NULL ? "?token=TOKEN (the token is in the token "
	    "file)" : "");
	printf("assay serve: Ctrl-C (SIGINT) or SIGTERM stops it\n");
	fflush(stdout);
	while (sigwait(&stop, &sig) != 0)
		;
	asy_serve_stop(s);
	printf("assay serve: stopped by %s\n", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	return 0;
}

static int
cmd_catalogue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	char *dir;
	struct dirent **names = NULL;
	int opt, n, ret = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_HELP)
			return show_help("catalogue");
		return usage_error("catalogue", "unknown option or "
		    "missing value: '%s'", argv[optind - 1]);
	}
	dir = asy_data_path("ics-ixit/catalogue");
	n = dir ? scandir(dir, &names, NULL, alphasort) : -1;
	if (n < 0) {
		fprintf(stderr, "assay catalogue: cannot list %s\n",
		    dir ? dir : "the catalogue folder");
		free(dir);
		return ASY_EXIT_HARNESS;
	}
	for (int i = 0; i < n; i++) {
		struct asy_catalogue *cat = NULL;
		struct asy_diags d;
		size_t len = strlen(names[i]->d_name);
		char *path;

		if (len < 5 || strcmp(names[i]->d_name + len - 4, ".xml") != 0)
			goto next;
		path = asy_path_join(dir, names[i]->d_name);
		asy_diags_init(&d);
		if (path != NULL && asy_catalogue_load(path, &d, &cat) == 0)
			printf("%-17s %s / %s: %zu provisions, %zu groups, "
			    "%zu cases, %zu units\n", cat->id, cat->baseline,
			    cat->method, cat->n_provisions, cat->n_groups,
			    cat->n_cases, cat->n_units);
		else {
			report_diags(&d);
			ret = ASY_EXIT_INPUT;
		}
		asy_catalogue_free(cat);
		asy_diags_release(&d);
		free(path);
next:
		free(names[i]);
	}
	free(names);
	free(dir);
	return ret;
}

static int
cmd_version(int argc, char **argv)
{
	printf("assay %s (libxml2 %s, %s)\n", ASSAY_VERSION, asy_xml_version(),
	    asy_crypto_version());
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "validate", cmd_validate,
	  "Check an ICS and IXIT (and an answers file), or a lab config, "
	  "against their schemas.",
	  "[--answers FILE] [--catalogue FILE] (DEVICE_DIR | --ics FILE "
	  "--ixit FILE)\n       assay validate --lab FILE [--dut NAME]",
	  "Every problem is reported, as FILE:LINE: error: what is wrong; "
	  "how to fix it.\nWarnings (an N without justification, an N/A "
	  "without rationale) do not fail\nvalidation; the assessment "
	  "judges them.\n\n" DEVICE_HELP
	  "  --answers FILE         also check an assessor's answers file\n"
	  "  --lab FILE             check a lab configuration and the "
	  "declarations of its DUTs\n"
	  "  --dut NAME             only this DUT's declarations\n",
	  NULL },
	{ "plan", cmd_plan,
	  "Print the test plan: applicable groups, cases and units, and why "
	  "the rest are left out.",
	  "[--format text|xml] [--bench CAPS] [-o FILE] (DEVICE_DIR | --ics "
	  "FILE --ixit FILE)",
	  DEVICE_HELP
	  "  --format text|xml      text for a person (default), XML for "
	  "tools\n"
	  "  --bench CAPS           what the bench offers: a comma list of "
	  "network,serial,wifi,\n"
	  "                         operator,power, or none (default: all)\n"
	  "  -o, --output FILE      write to FILE instead of standard "
	  "output\n",
	  NULL },
	{ "run", cmd_run,
	  "Assess a device and write a run folder with reports and evidence.",
	  "(--lab FILE [--dut NAME] | --offline) [--answers FILE] "
	  "[--accept-pre] [--batch]\n       [--assessor NAME] [--out DIR | "
	  "--runs-dir DIR] [DEVICE_DIR | --ics FILE --ixit FILE]\n"
	  "       assay run --resume RUNDIR.partial [--batch]\n"
	  "       assay run --lab FILE (--all | --dut NAME --dut NAME...) "
	  "[--jobs N] [--runs-dir DIR]\n"
	  "                 [--waivers FILE [--today YYYY-MM-DD]]",
	  DEVICE_HELP
	  "  --lab FILE             assess live on the bench this lab "
	  "configuration describes;\n"
	  "                         the DUT's declarations and answers come "
	  "from it\n"
	  "  --dut NAME             which DUT of the lab config (needed when "
	  "it has several)\n"
	  "  --offline              judge the declarations: conceptual "
	  "cases and operator\n"
	  "                         steps (other functional units are "
	  "INCONCLUSIVE, not run)\n"
	  "  --answers FILE         the assessor's answers (DEVICE_DIR/"
	  "answers.xml by default)\n"
	  "  --accept-pre           take the harness's pre-assessment where "
	  "no answer is given\n"
	  "  --batch                never prompt, even on a terminal\n"
	  "  --assessor NAME        name recorded with answers given at the "
	  "prompt\n"
	  "  -o, --out DIR          the run folder to create (never "
	  "overwritten)\n"
	  "  --runs-dir DIR         make runs/NAME-TIMESTAMP here (default: "
	  "./runs)\n"
	  "  --all                  every DUT of the lab config, each in its "
	  "own process\n"
	  "                         (so does --dut given more than once); a "
	  "health check\n"
	  "                         first, a summary in RUNS/batch-STAMP/ "
	  "at the end\n"
	  "  -j, --jobs N           assess N devices at a time (1-16, "
	  "default 1)\n"
	  "  --waivers FILE         a batch's summary counts the FAIL units "
	  "these waivers\n"
	  "                         cover (verdicts never change); --today "
	  "sets the date\n"
	  "  --resume RUNDIR        finish a run stopped by SIGINT, SIGTERM or "
	  "a crash: its\n"
	  "                         recorded cases are kept, the rest run "
	  "(same inputs, options)\n"
	  "\nOn a terminal, assay asks the assessor about every unanswered "
	  "conceptual unit.\nThe run folder holds report.html, report.xml, "
	  "report.json, junit.xml,\nanswers.xml, inputs/ (with SHA-256), "
	  "progress.json and MANIFEST.sha256;\na live run adds discovery/ "
	  "(nmap XML and command) and pcap/ (one capture\nper test case). "
	  "Run as root, assay opens the capture, then works as the\nlab's "
	  "<privileges> user (default nobody).\n",
	  NULL },
	{ "template", cmd_template,
	  "Write a blank, commented ICS and IXIT for an edition.",
	  "--edition ID [--out-dir DIR]",
	  "  --edition ID           the catalogue edition ('assay catalogue' "
	  "lists them)\n"
	  "  -o, --out-dir DIR      where to write ics.xml and ixit.xml "
	  "(default: .);\n"
	  "                         existing files are never overwritten\n",
	  NULL },
	{ "wifi", asy_cmd_wifi, asy_cmd_wifi_summary, asy_cmd_wifi_usage,
	  asy_cmd_wifi_help, NULL },
	{ "verify", cmd_verify,
	  "Check a run folder against its SHA-256 manifest.",
	  "RUNDIR",
	  "Reports every file that changed, is missing, or was added.\n",
	  NULL },
	{ "diff", asy_cmd_diff,
	  "Compare two runs: new FAILs, fixed cases, changed reasons and "
	  "services.",
	  "[--format text|xml|junit|html] [-o FILE] [--waivers FILE] "
	  "[--today DATE] [--strict]\n"
	  "       (OLD NEW | --baseline NEW [--runs-dir DIR])",
	  "  OLD, NEW               run folders (or their report.xml); NEW "
	  "is compared with OLD\n"
	  "  --baseline             compare NEW with its device's pinned "
	  "baseline ('assay\n"
	  "                         baseline pin'), found in "
	  "DIR/baselines/DEVICE\n"
	  "  --runs-dir DIR         where the baselines are (default: the "
	  "folder holding NEW)\n"
	  "  --format text|xml|junit|html  text for a person (default), "
	  "XML (reports/\n"
	  "                         schema/diff.xsd) for tools, JUnit for CI, "
	  "an HTML\n"
	  "                         fragment (a table) for a page\n"
	  "  -o, --output FILE      write to FILE (replaced atomically) "
	  "instead of standard\n"
	  "                         output; with another format than "
	  "text, the text still\n"
	  "                         goes to standard output.  Never into a "
	  "run folder.\n"
	  "  --waivers FILE         a waiver file (lab-config/schema/"
	  "waivers.xsd): a new FAIL\n"
	  "                         it covers is 'waived', not a regression; "
	  "expired and\n"
	  "                         unused waivers are listed\n"
	  "  --today YYYY-MM-DD     the date waivers expire against "
	  "(default: $ASSAY_TODAY,\n"
	  "                         else today in UTC)\n"
	  "  --strict               a verdict lost to INCONCLUSIVE or ERROR "
	  "is a regression too\n"
	  "\nUnits are matched by case and unit (with the IXIT row of a "
	  "fan-out, b:AuthMech-SSH).\nA regression is a new FAIL, or a "
	  "service open and undeclared that was not before.\nBy default a "
	  "verdict that became INCONCLUSIVE or ERROR is listed as 'lost' "
	  "but\ndoes not regress: the bench, not the device, may have "
	  "failed.\n",
	  "Exit codes:\n"
	  "  0  nothing regressed\n"
	  "  1  regressed: a new FAIL no waiver covers, or a new undeclared "
	  "service (with\n"
	  "     --strict, also a verdict lost to INCONCLUSIVE or ERROR)\n"
	  "  2  usage or input error: a run that is missing, unfinished or "
	  "not assay's, a bad\n"
	  "     waiver file, no baseline pinned; nothing was written\n"
	  "  4  the harness itself failed (memory, writing the output)\n" },
	{ "baseline", asy_cmd_baseline,
	  "Pin, show or unpin the baseline run of a device for 'diff "
	  "--baseline'.",
	  "pin RUNDIR [--runs-dir DIR]\n"
	  "       assay baseline (show|unpin) DEVICE [--runs-dir DIR]\n"
	  "       assay baseline list [--runs-dir DIR]",
	  "  pin RUNDIR             make the finished run RUNDIR its device's "
	  "baseline; says\n"
	  "                         which baseline it replaced\n"
	  "  show DEVICE            the device's baseline run and its "
	  "verdict\n"
	  "  unpin DEVICE           remove the device's baseline (the run "
	  "itself stays)\n"
	  "  list                   every device with a baseline\n"
	  "  --runs-dir DIR         where baselines are kept, in "
	  "DIR/baselines/ (default for\n"
	  "                         pin: the folder holding RUNDIR; else "
	  "./runs)\n"
	  "\nDEVICE is the DUT's name from its ICS (<dut name>), as run "
	  "folders are named.\nA baseline is a relative symbolic link "
	  "DIR/baselines/DEVICE to the run folder,\nreplaced atomically.\n",
	  "Exit codes:\n"
	  "  0  done\n"
	  "  2  usage or input error: no such run or baseline, an unfinished "
	  "run; nothing\n"
	  "     was changed\n"
	  "  4  the harness itself failed (I/O, memory)\n" },
	  	{ "serve", cmd_serve,
	  "Serve a dashboard of the runs in a folder: list, live progress, "
	  "reports, evidence.",
	  "[--runs-dir DIR] [--listen ADDR] [--port N] [--token-file FILE]",
	  "  --runs-dir DIR         the folder assay run writes runs into "
	  "(default: ./runs);\n"
	  "                         it must exist\n"
	  "  --listen ADDR          the IP address to listen on (default: "
	  "127.0.0.1); any\n"
	  "                         address that is not loopback needs "
	  "--token-file\n"
	  "  --port N               the TCP port (default: 8642)\n"
	  "  --token-file FILE      every request must carry the token on "
	  "the first line of\n"
	  "                         FILE: open /?token=TOKEN once (it sets a "
	  "cookie), or send\n"
	  "                         Authorization: Bearer TOKEN\n"
	  "\nOnly GET and HEAD are answered, and only files inside the run "
	  "folders are\nserved. SIGINT or SIGTERM stops it (exit 0). Exit 2: "
	  "bad options, a missing\nruns folder, a bad token file, or a "
	  "non-loopback address without a token;\nexit 4: it cannot listen "
	  "(the port is taken, the address is not here).\n",
	  NULL },
	{ "catalogue", cmd_catalogue,
	  "List the catalogue editions this assay knows.",
	  "",
	  "",
	  NULL },
	{ "version", cmd_version,
	  "Print the version of assay and its libraries.",
	  "",
	  "",
	  NULL },
	{ "help", cmd_help,
	  "Show help for assay or one of its commands.",
	  "[COMMAND]",
	  "",
	  NULL },
};

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
print_overview(FILE *out)
{
	fprintf(out, "usage: assay [-v] COMMAND [OPTIONS]\n\n"
	    "assay assesses consumer-IoT devices against ETSI EN 303 645 "
	    "with the method of\nETSI TS 103 701.\n\nCommands:\n");
	for (size_t i = 0; i < ASY_ELEMENTSOF(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out, "\nGlobal options: -v (more log output), --version, "
	    "--help.\n'assay help COMMAND' or 'assay COMMAND --help' for "
	    "details.\n\n%s", exit_codes_help);
}

static int
cmd_help(int argc, char **argv)
{
	if (argc > 1 && find_command(argv[1]) != NULL)
		return show_help(argv[1]);
	if (argc > 1)
		return usage_error("help", "no command '%s'", argv[1]);
	print_overview(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	int r, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			asy_log_set_level(asy_log_get_level() + 1);
		else if (strcmp(argv[i], "--version") == 0)
			return cmd_version(0, NULL);
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			print_overview(stdout);
			return 0;
		} else {
			fprintf(stderr, "assay: unknown option '%s'\n",
			    argv[i]);
			print_overview(stderr);
			return ASY_EXIT_INPUT;
		}
	}
	if (i >= argc) {
		print_overview(stderr);
		return ASY_EXIT_INPUT;
	}
	c = find_command(argv[i]);
	if (c == NULL) {
		fprintf(stderr, "assay: '%s' is not a command; see 'assay "
		    "--help'\n", argv[i]);
		return ASY_EXIT_INPUT;
	}
	optind = 1;
	opterr = 0;	/* each command says what was wrong itself */
	r = c->fn(argc - i, argv + i);
	asy_xml_cleanup();
	fflush(stdout);
	if (ferror(stdout))
		return ASY_EXIT_HARNESS;
	return r;
}
