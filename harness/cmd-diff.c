/*
 * assay diff and assay baseline: thin command-line layers over runread.h,
 * diff.h and waiver.h.  Their help texts are in main.c's commands[].
 *
 * A baseline is a relative symbolic link DIR/baselines/DEVICE naming a run
 * folder, made as a temporary link and renamed over the old one, so a
 * reader sees the old baseline or the new one, never none.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "catalogue.h"
#include "cli.h"
#include "diag.h"
#include "diff.h"
#include "error.h"
#include "report.h"
#include "runread.h"
#include "util.h"
#include "waiver.h"

#define BASELINES	"baselines"

enum {
	OPT_FORMAT = 1000,
	OPT_WAIVERS,
	OPT_TODAY,
	OPT_STRICT,
	OPT_BASELINE,
	OPT_RUNS_DIR,
	OPT_HELP,
};

static void
print_diags(struct asy_diags *d)
{
	asy_diags_print(d, stderr);
}

/* The folder holding path (a fresh string), or NULL on no memory. */
static char *
dir_of(const char *path)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	slash = memrchr(path, '/', n);
	if (slash == NULL)
		return asy_strdup(".");
	if (slash == path)
		return asy_strdup("/");
	return asy_strndup(path, (size_t)(slash - path));
}

/* The run folder of a loaded run: its folder, or the folder of its
 * report.xml. */
static char *
run_folder(const struct asy_runinfo *ri)
{
	return ri->folder != NULL ? asy_strdup(ri->folder) :
	    dir_of(ri->report);
}

/* A device name given on the command line must be a file name already. */
static int
device_ok(const char *device)
{
	char *key = asy_runinfo_device_key(device);
	int ok = key != NULL && strcmp(key, device) == 0;

	free(key);
	return ok;
}

/*
 * A link's target relative to the folder dir, as a path a person reads:
 * "runs/baselines" and "../r1" give "runs/r1".
 */
static char *
resolve(const char *dir, const char *target)
{
	char *base = asy_strdup(dir), *res;

	while (base != NULL && strncmp(target, "../", 3) == 0) {
		const char *last = strrchr(base, '/');
		char *up;

		last = last != NULL ? last + 1 : base;
		if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0 ||
		    *last == '\0')
			break;
		up = dir_of(base);
		free(base);
		base = up;
		target += 3;
	}
	if (base == NULL)
		return NULL;
	res = strcmp(base, ".") == 0 ? asy_strdup(target) :
	    asy_path_join(base, target);
	free(base);
	return res;
}

/*
 * The target of the baseline link DIR/baselines/KEY into *target and the
 * run folder it names (relative to the baselines folder) into *run.
 * ASY_E_NOTFOUND when there is none, ASY_E_INPUT when it is not a link.
 */
static int
baseline_read(const char *runs_dir, const char *key, char **link_path,
    char **target, char **run)
{
	char *dir = NULL, *link = NULL, *t = NULL;
	struct stat st;
	ssize_t n;
	int r;

	dir = asy_path_join(runs_dir, BASELINES);
	link = dir ? asy_path_join(dir, key) : NULL;
	t = malloc(PATH_MAX + 1);
	if (link == NULL || t == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (lstat(link, &st) < 0) {
		r = errno == ENOENT ? ASY_E_NOTFOUND : ASY_E_IO;
		goto out;
	}
	if (!S_ISLNK(st.st_mode)) {
		r = ASY_E_INPUT;
		goto out;
	}
	n = readlink(link, t, PATH_MAX);
	if (n < 0) {
		r = ASY_E_IO;
		goto out;
	}
	t[n] = '\0';
	if (run != NULL) {
		*run = t[0] == '/' ? asy_strdup(t) : resolve(dir, t);
		if (*run == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	}
	if (link_path != NULL) {
		*link_path = link;
		link = NULL;
	}
	*target = t;
	t = NULL;
	r = 0;
out:
	free(dir);
	free(link);
	free(t);
	return r;
}

/* Say what a baseline lookup found wrong; returns the exit code. */
static int
baseline_error(const char *cmd, int r, const char *runs_dir,
    const char *key)
{
	if (r == ASY_E_NOTFOUND)
		fprintf(stderr, "assay %s: no baseline is pinned for device "
		    "'%s' in %s/%s; pin one with 'assay baseline pin RUNDIR'\n",
		    cmd, key, runs_dir, BASELINES);
	else if (r == ASY_E_INPUT)
		fprintf(stderr, "assay %s: %s/%s/%s is not a baseline link; "
		    "move it away and pin again\n", cmd, runs_dir, BASELINES,
		    key);
	else
		fprintf(stderr, "assay %s: cannot read the baseline of '%s' in "
		    "%s/%s: %s\n", cmd, key, runs_dir, BASELINES,
		    asy_strerror(r));
	return r == ASY_E_NOMEM || r == ASY_E_IO ? ASY_EXIT_HARNESS :
	    ASY_EXIT_INPUT;
}

/* Is path (a file to write) inside the run folder dir? */
static int
inside(const char *path, const char *dir)
{
	char *parent = dir_of(path), *rp = NULL, *rd = NULL;
	int in = 0;

	if (parent != NULL) {
		rp = realpath(parent, NULL);
		rd = realpath(dir, NULL);
	}
	if (rp != NULL && rd != NULL) {
		size_t n = strlen(rd);

		in = strncmp(rp, rd, n) == 0 && (rp[n] == '\0' ||
		    rp[n] == '/');
	}
	free(parent);
	free(rp);
	free(rd);
	return in;
}

/* Would writing path change a file of the run ri? */
static int
in_run(const char *path, const struct asy_runinfo *ri)
{
	char *folder = run_folder(ri);
	int in = folder != NULL && inside(path, folder);

	free(folder);
	return in;
}

/* Load the catalogue of an edition named in a report, or NULL. */
static struct asy_catalogue *
edition_catalogue(const char *edition, struct asy_diags *d)
{
	struct asy_catalogue *cat = NULL;
	struct asy_diags quiet;
	char *rel, *path;

	if (edition[0] == '\0' || edition[0] == '.' ||
	    strchr(edition, '/') != NULL)
		return NULL;
	rel = asy_strdup_printf("ics-ixit/catalogue/%s.xml", edition);
	path = rel ? asy_data_path(rel) : NULL;
	asy_diags_init(&quiet);
	if (path != NULL && access(path, R_OK) == 0 &&
	    asy_catalogue_load(path, &quiet, &cat) < 0)
		cat = NULL;
	if (cat == NULL)
		asy_diag_warn(d, edition, 0, "this catalogue edition is not "
		    "installed: waiver case IDs are not checked");
	asy_diags_release(&quiet);
	free(rel);
	free(path);
	return cat;
}

struct diff_args {
	const char	*format;
	const char	*output;
	const char	*waivers;
	const char	*today;
	const char	*runs_dir;
	int		 strict;
	int		 baseline;
};

static int
diff_parse(int argc, char **argv, struct diff_args *a, int *done)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "waivers", required_argument, NULL, OPT_WAIVERS },
		{ "today", required_argument, NULL, OPT_TODAY },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "baseline", no_argument, NULL, OPT_BASELINE },
		{ "runs-dir", required_argument, NULL, OPT_RUNS_DIR },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*done = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			a->format = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_WAIVERS:
			a->waivers = optarg;
			break;
		case OPT_TODAY:
			a->today = optarg;
			break;
		case OPT_STRICT:
			a->strict = 1;
			break;
		case OPT_BASELINE:
			a->baseline = 1;
			break;
		case OPT_RUNS_DIR:
			a->runs_dir = optarg;
			break;
		case OPT_HELP:
			*done = 1;
			return asy_cli_help("diff");
		default:
			return asy_cli_usage_error("diff", "unknown option or "
			    "missing value: '%s'", argv[optind - 1]);
		}
	}
	if (asy_diff_renderer_find(a->format) == NULL)
		return asy_cli_usage_error("diff", "--format is text, xml, "
		    "junit or html, not '%s'", a->format);
	if (a->baseline && optind + 1 != argc)
		return asy_cli_usage_error("diff", "--baseline takes one run, "
		    "NEW; its device's pinned baseline is OLD");
	if (!a->baseline && optind + 2 != argc)
		return asy_cli_usage_error("diff", "give two runs, OLD and "
		    "NEW (run folders or report.xml files), or --baseline "
		    "NEW");
	if (!a->baseline && a->runs_dir != NULL)
		return asy_cli_usage_error("diff", "--runs-dir goes with "
		    "--baseline");
	return 0;
}

/* The pinned baseline of new's device into *old_path. */
static int
diff_baseline_path(const struct diff_args *a, const struct asy_runinfo *new,
    char **old_path)
{
	char *runs = NULL, *folder = NULL, *key = NULL, *target = NULL;
	int r, ret;

	key = asy_runinfo_device_key(new->device);
	folder = run_folder(new);
	runs = a->runs_dir != NULL ? asy_strdup(a->runs_dir) :
	    folder != NULL ? dir_of(folder) : NULL;
	if (key == NULL || runs == NULL) {
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	r = baseline_read(runs, key, NULL, &target, old_path);
	if (r < 0) {
		ret = baseline_error("diff", r, runs, key);
		goto out;
	}
	ret = 0;
out:
	free(runs);
	free(folder);
	free(key);
	free(target);
	return ret;
}

int
asy_cmd_diff(int argc, char **argv)
{
	struct diff_args a = { .format = "text" };
	struct asy_runinfo *old = NULL, *new = NULL;
	struct asy_waivers *waivers = NULL;
	struct asy_catalogue *cat = NULL;
	struct asy_diff *df = NULL;
	struct asy_diff_opts o = { 0 };
	struct asy_diags d;
	struct asy_buf b, text;
	const struct asy_diff_renderer *ren;
	char *old_path = NULL;
	char why[256];
	struct stat st;
	int r, r2, ret, done;

	asy_diags_init(&d);
	asy_buf_init(&b, ASY_REPORT_MAX);
	asy_buf_init(&text, ASY_REPORT_MAX);
	ret = diff_parse(argc, argv, &a, &done);
	if (ret != 0 || done)
		goto out;
	ren = asy_diff_renderer_find(a.format);
	if (a.waivers != NULL || a.today != NULL) {
		r = asy_waivers_today(a.today, &o.today, why, sizeof(why));
		if (r < 0) {
			ret = asy_cli_usage_error("diff", "%s; write the date "
			    "as YYYY-MM-DD", why);
			goto out;
		}
	}
	/* Read both runs, so that every problem is reported at once. */
	if (a.baseline) {
		r = asy_runinfo_load(argv[optind], &d, &new);
		if (r == 0) {
			ret = diff_baseline_path(&a, new, &old_path);
			if (ret != 0)
				goto out;
			r = asy_runinfo_load(old_path, &d, &old);
		}
	} else {
		r = asy_runinfo_load(argv[optind], &d, &old);
		r2 = asy_runinfo_load(argv[optind + 1], &d, &new);
		if (r == 0 || r == ASY_E_INPUT)
			r = r2 == ASY_E_NOMEM ? r2 : r == 0 ? r2 : r;
	}
	if (r == 0 && a.waivers != NULL) {
		cat = edition_catalogue(new->edition, &d);
		r = asy_waivers_load(a.waivers, cat, &d, &waivers);
	}
	if (r < 0) {
		print_diags(&d);
		ret = r == ASY_E_NOMEM ? ASY_EXIT_HARNESS : ASY_EXIT_INPUT;
		goto out;
	}
	print_diags(&d);
	if (a.output != NULL && stat(a.output, &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		ret = asy_cli_usage_error("diff", "-o %s is a folder or not a "
		    "regular file; give the path of the file to write",
		    a.output);
		goto out;
	}
	if (a.output != NULL && (in_run(a.output, old) ||
	    in_run(a.output, new))) {
		ret = asy_cli_usage_error("diff", "-o %s is inside a run "
		    "folder, whose files the manifest seals; write it "
		    "elsewhere", a.output);
		goto out;
	}
	o.strict = a.strict;
	o.waivers = waivers;
	r = asy_diff_compute(old, new, &o, &df);
	if (r == 0)
		r = ren->render(df, &b);
	if (r == 0 && a.output != NULL && ren->render != asy_diff_render_text)
		r = asy_diff_render_text(df, &text);
	if (r == 0 && a.output != NULL) {
		r = asy_buf_save_file(&b, a.output);
		if (r < 0) {
			fprintf(stderr, "assay diff: cannot write %s: %s\n",
			    a.output, asy_strerror(r));
			ret = ASY_EXIT_HARNESS;
			goto out;
		}
		if (text.data != NULL)
			fwrite(text.data, 1, text.len, stdout);
		printf("wrote %s (%s)\n", a.output, a.format);
	} else if (r == 0) {
		fwrite(b.data, 1, b.len, stdout);
	}
	if (r < 0) {
		fprintf(stderr, "assay diff: %s\n", asy_strerror(r));
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	ret = asy_diff_exit_code(df);
out:
	asy_diff_free(df);
	asy_waivers_free(waivers);
	asy_catalogue_free(cat);
	asy_runinfo_free(old);
	asy_runinfo_free(new);
	free(old_path);
	asy_buf_release(&b);
	asy_buf_release(&text);
	asy_diags_release(&d);
	return ret;
}

/* ---- assay baseline ----------------------------------------------------- */

/* Split an absolute canonical path into its components (in place). */
static size_t
components(char *p, char **v, size_t max)
{
	size_t n = 0;

	for (char *s = strtok_r(p, "/", &p); s != NULL && n < max;
	    s = strtok_r(NULL, "/", &p))
		v[n++] = s;
	return n;
}

#define MAX_DEPTH	256

/*
 * The path of to relative to the folder from (both existing), e.g.
 * "../ipcam-20261122T114734Z"; a fresh string, or NULL (no memory, or a
 * path that cannot be resolved).
 */
static char *
relative_path(const char *from, const char *to)
{
	char *rf = realpath(from, NULL), *rt = realpath(to, NULL);
	char **vf = NULL, **vt = NULL;
	struct asy_buf b;
	size_t nf, nt, k = 0;
	char *res = NULL;
	int r = 0;

	asy_buf_init(&b, PATH_MAX);
	vf = calloc(MAX_DEPTH, sizeof(*vf));
	vt = calloc(MAX_DEPTH, sizeof(*vt));
	if (rf == NULL || rt == NULL || vf == NULL || vt == NULL)
		goto out;
	nf = components(rf, vf, MAX_DEPTH);
	nt = components(rt, vt, MAX_DEPTH);
	while (k < nf && k < nt && strcmp(vf[k], vt[k]) == 0)
		k++;
	for (size_t i = k; i < nf && r == 0; i++)
		r = asy_buf_puts(&b, "../");
	for (size_t i = k; i < nt && r == 0; i++)
		r = asy_buf_printf(&b, "%s%s", vt[i], i + 1 < nt ? "/" : "");
	if (r == 0 && b.len == 0)
		r = asy_buf_puts(&b, ".");
	if (r == 0)
		res = asy_buf_steal(&b);
out:
	asy_buf_release(&b);
	free(vf);
	free(vt);
	free(rf);
	free(rt);
	return res;
}

static int
baseline_pin(const char *rundir, const char *runs_opt)
{
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	char *runs = NULL, *dir = NULL, *key = NULL, *target = NULL;
	char *link = NULL, *tmp = NULL, *old_target = NULL;
	int r, ret;

	asy_diags_init(&d);
	r = asy_runinfo_load(rundir, &d, &ri);
	print_diags(&d);
	if (r < 0) {
		ret = r == ASY_E_NOMEM ? ASY_EXIT_HARNESS : ASY_EXIT_INPUT;
		goto out;
	}
	if (ri->folder == NULL) {
		ret = asy_cli_usage_error("baseline", "%s is a report, not a "
		    "run folder: pin the folder 'assay run' wrote", rundir);
		goto out;
	}
	key = asy_runinfo_device_key(ri->device);
	runs = runs_opt != NULL ? asy_strdup(runs_opt) : dir_of(ri->folder);
	dir = runs != NULL ? asy_path_join(runs, BASELINES) : NULL;
	link = dir != NULL && key != NULL ? asy_path_join(dir, key) : NULL;
	tmp = link != NULL ? asy_strdup_printf("%s/.%s.tmp.%ld", dir, key,
	    (long)getpid()) : NULL;
	if (tmp == NULL) {
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	if (asy_mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "assay baseline: cannot create %s: %s\n", dir,
		    strerror(errno));
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	target = relative_path(dir, ri->folder);
	if (target == NULL) {
		fprintf(stderr, "assay baseline: cannot resolve %s\n",
		    ri->folder);
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	r = baseline_read(runs, key, NULL, &old_target, NULL);
	if (r == ASY_E_INPUT || (r < 0 && r != ASY_E_NOTFOUND)) {
		ret = baseline_error("baseline", r, runs, key);
		goto out;
	}
	if (r == 0 && strcmp(old_target, target) == 0) {
		printf("baseline of %s: %s (already pinned, unchanged)\n", key,
		    ri->id);
		ret = 0;
		goto out;
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		fprintf(stderr, "assay baseline: cannot write %s: %s\n", link,
		    strerror(errno));
		unlink(tmp);
		ret = ASY_EXIT_HARNESS;
		goto out;
	}
	printf("baseline of %s: %s (%s -> %s)\n", key, ri->id, link, target);
	if (old_target != NULL)
		printf("replaced the previous baseline %s\n", old_target);
	ret = 0;
out:
	asy_runinfo_free(ri);
	asy_diags_release(&d);
	free(runs);
	free(dir);
	free(key);
	free(target);
	free(link);
	free(tmp);
	free(old_target);
	return ret;
}

static int
baseline_show(const char *device, const char *runs)
{
	struct asy_runinfo *ri = NULL;
	struct asy_diags d;
	char *link = NULL, *target = NULL, *run = NULL;
	int r, ret;

	asy_diags_init(&d);
	r = baseline_read(runs, device, &link, &target, &run);
	if (r < 0) {
		ret = baseline_error("baseline", r, runs, device);
		goto out;
	}
	r = asy_runinfo_load(run, &d, &ri);
	if (r < 0) {
		print_diags(&d);
		fprintf(stderr, "assay baseline: the baseline of %s (%s -> %s) "
		    "is not a readable run; pin another one\n", device, link,
		    target);
		ret = r == ASY_E_NOMEM ? ASY_EXIT_HARNESS : ASY_EXIT_INPUT;
		goto out;
	}
	printf("baseline of %s: %s\n  folder:  %s\n  link:    %s -> %s\n"
	    "  date:    %s (%s)\n  overall: %s\n", device, ri->id, run, link,
	    target, ri->date, ri->mode, asy_verdict_name(ri->overall));
	ret = 0;
out:
	asy_runinfo_free(ri);
	asy_diags_release(&d);
	free(link);
	free(target);
	free(run);
	return ret;
}

static int
baseline_unpin(const char *device, const char *runs)
{
	char *link = NULL, *target = NULL;
	int r, ret;

	r = baseline_read(runs, device, &link, &target, NULL);
	if (r < 0)
		return baseline_error("baseline", r, runs, device);
	if (unlink(link) < 0) {
		fprintf(stderr, "assay baseline: cannot remove %s: %s\n", link,
		    strerror(errno));
		ret = ASY_EXIT_HARNESS;
	} else {
		printf("unpinned the baseline of %s (was %s; the run folder "
		    "stays)\n", device, target);
		ret = 0;
	}
	free(link);
	free(target);
	return ret;
}

static int
baseline_list(const char *runs)
{
	struct dirent **names = NULL;
	char *dir;
	int n, ret = 0;

	dir = asy_path_join(runs, BASELINES);
	if (dir == NULL)
		return ASY_EXIT_HARNESS;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			printf("no baselines in %s\n", dir);
		else {
			fprintf(stderr, "assay baseline: cannot list %s: %s\n",
			    dir, strerror(errno));
			ret = ASY_EXIT_HARNESS;
		}
		free(dir);
		return ret;
	}
	for (int i = 0; i < n; i++) {
		char *target = NULL;

		if (names[i]->d_name[0] != '.' &&
		    baseline_read(runs, names[i]->d_name, NULL, &target,
		    NULL) == 0)
			printf("%s -> %s\n", names[i]->d_name, target);
		free(target);
		free(names[i]);
	}
	free(names);
	free(dir);
	return 0;
}

int
asy_cmd_baseline(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs-dir", required_argument, NULL, OPT_RUNS_DIR },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *runs = NULL, *sub, *arg = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_RUNS_DIR) {
			runs = optarg;
			continue;
		}
		if (opt == OPT_HELP)
			return asy_cli_help("baseline");
		return asy_cli_usage_error("baseline", "unknown option or "
		    "missing value: '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return asy_cli_usage_error("baseline", "give pin, show, unpin "
		    "or list");
	sub = argv[optind++];
	if (strcmp(sub, "list") == 0) {
		if (optind != argc)
			return asy_cli_usage_error("baseline", "list takes no "
			    "argument");
		return baseline_list(runs != NULL ? runs : "runs");
	}
	if (optind + 1 != argc)
		return asy_cli_usage_error("baseline", "%s takes one argument",
		    sub);
	arg = argv[optind];
	if (strcmp(sub, "pin") == 0)
		return baseline_pin(arg, runs);
	if (strcmp(sub, "show") != 0 && strcmp(sub, "unpin") != 0)
		return asy_cli_usage_error("baseline", "'%s' is not pin, show, "
		    "unpin or list", sub);
	if (!device_ok(arg))
		return asy_cli_usage_error("baseline", "'%s' is not a device "
		    "name (letters, digits, '-' and '_')", arg);
	if (runs == NULL)
		runs = "runs";
	return strcmp(sub, "show") == 0 ? baseline_show(arg, runs) :
	    baseline_unpin(arg, runs);
}
