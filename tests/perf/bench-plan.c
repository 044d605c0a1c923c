/*
 * Benchmark: loading declarations and building the test plan.
 *
 * For N = 1,000, 10,000 and 100,000 IXIT rows, writes a synthetic IXIT (the
 * rows spread over the 29 tables of TS 103 701 V1.1.1, with valid enum
 * values and references, and at least the rows that the hub example's
 * conditions need) next to a copy of the hub example's ICS, then times
 * asy_decl_load() + asy_plan_build() in a forked child, so that the peak
 * RSS reported is that of one size alone.  Prints the median of several
 * runs per size, the median of as many cold runs (one each in a fresh
 * child, as one assay command does), and the growth ratios between sizes.
 * Rows are written one to a line with short texts (about 160 bytes each),
 * so that 100,000 rows stay under the 16 MiB cap on a declaration
 * (ASY_XML_MAX_INPUT); rows as wordy as the hub's would not.
 *
 * The figures are for the README; nothing here asserts on time.  Exit 0
 * unless the benchmark itself fails (a file cannot be written, the
 * declarations do not load).
 *
 * Usage: bench-plan [ROWS...]   (default: 1000 10000 100000)
 *        bench-plan --generate ROWS FILE
 * The second form only writes the synthetic IXIT, for profiling the assay
 * command on it (with the hub example's ICS).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "catalogue.h"
#include "decl.h"
#include "diag.h"
#include "error.h"
#include "plan.h"
#include "util.h"
#include "xml.h"

/* The budget for 10,000 rows. */
#define TARGET_ROWS	10000
#define TARGET_MS	200.0
#define TARGET_MIB	64.0

#define MAX_RUNS	5

/* ---- the synthetic IXIT ------------------------------------------------ */

/* The 29 tables of V1.1.1, in catalogue order. */
static const char *const table_names[] = {
	"1-AuthMech", "2-UserInfo", "3-VulnTypes", "4-Conf", "5-VulnMon",
	"6-SoftComp", "7-UpdMech", "8-UpdProc", "9-ReplSup", "10-SecParam",
	"11-ComMech", "12-NetSecImpl", "13-SoftServ", "14-SecMgmt",
	"15-Intf", "16-CodeMin", "17-PrivlCtrl", "18-AccCtrl", "19-SecDev",
	"20-SecBoot", "21-PersData", "22-ExtSens", "23-ResMech",
	"24-TelData", "25-DelFunc", "26-UserDec", "27-UserIntf",
	"28-ExtAPI", "29-InpVal",
};
#define N_TABLES	ASY_ELEMENTSOF(table_names)

/* Indexes of the tables other rows refer to. */
enum {
	T_AUTHMECH = 0,
	T_UPDMECH = 6,
	T_SECPARAM = 9,
	T_COMMECH = 10,
	T_INTF = 14,
};

struct gen {
	FILE		*f;
	size_t		 k;		/* the row's ordinal in its table */
	const size_t	*count;		/* rows per table */
};

static const char *
prefix(size_t t)
{
	return strchr(table_names[t], '-') + 1;
}

static void
field(struct gen *g, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
field(struct gen *g, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(g->f, "<%s>", name);
	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	fprintf(g->f, "</%s>", name);
}

/* A reference field naming n rows of table t, picked from the row's own
 * ordinal so that every referenced row exists. */
static void
ref(struct gen *g, const char *name, size_t t, size_t n)
{
	fprintf(g->f, "<%s>", name);
	for (size_t i = 0; i < n; i++)
		fprintf(g->f, "%s%s-%zu", i ? " " : "", prefix(t),
		    (g->k * 7 + i * 3) % g->count[t]);
	fprintf(g->f, "</%s>", name);
}

static const char *
pick(const char *const *v, size_t n, size_t k)
{
	return v[k % n];
}
#define PICK(v, k)	pick((v), ASY_ELEMENTSOF(v), (k))

static void
authmech(struct gen *g)
{
	/* Row 0 is a per-device PIN (conditions 1, 2 and 8), row 1 a
	 * user-defined password, as in the hub. */
	static const char *const factor[] = {
		"pin", "password", "key", "certificate", "token", "password",
	};
	static const char *const gen[] = {
		"per-device", "user-defined", "not-applicable",
	};

	field(g, "description", "Owner account password for the app and "
	    "the local API, instance %zu.", g->k);
	field(g, "factor", "%s", PICK(factor, g->k));
	field(g, "generation", "%s", PICK(gen, g->k));
	field(g, "network", "%s", g->k % 2 == 0 ? "yes" : "no");
	ref(g, "interface", T_INTF, 2);
	if (g->k % 2 == 0)
		field(g, "bruteforce", "Exponential delay after five "
		    "failures, capped at 15 minutes.");
}

static void
userinfo(struct gen *g)
{
	static const char *const topic[] = {
		"change-auth", "replacement", "sensors", "secure-setup",
		"setup-check", "personal-data", "telemetry", "deletion",
		"model-designation", "support-period", "vdp", "other",
	};

	field(g, "description", "User documentation item %zu.", g->k);
	field(g, "topic", "%s", PICK(topic, g->k));
	field(g, "location", "https://korvat.example/docs/%zu", g->k);
}

static void
vulntypes(struct gen *g)
{
	field(g, "description", "Vulnerability class %zu in the local API.",
	    g->k);
	field(g, "relevance", "Medium: attacker must be on the LAN.");
}

static void
conf(struct gen *g)
{
	field(g, "description", "Supplier statement %zu on vulnerability "
	    "handling.", g->k);
	field(g, "confirmed", "yes");
}

static void
vulnmon(struct gen *g)
{
	field(g, "description", "SBOM monitoring of release line %zu.", g->k);
	field(g, "method", "Scanned daily against public advisories.");
}

static void
softcomp(struct gen *g)
{
	field(g, "description", "Software component %zu (A/B slots).", g->k);
	field(g, "updatable", "yes");
	ref(g, "updmech", T_UPDMECH, 1);
	field(g, "crypto", "ECDSA P-256 over SHA-256.");
}

static void
updmech(struct gen *g)
{
	/* Row 0 delivers over a network: conditions 11 and 12. */
	field(g, "description", "Over-the-air update channel %zu.", g->k);
	field(g, "network", "%s", g->k % 3 != 2 ? "yes" : "no");
	field(g, "url", "https://updates.korvat.example/h1/%zu/", g->k);
	field(g, "checking", "At boot and every 24 hours with jitter.");
}

static void
updproc(struct gen *g)
{
	field(g, "description", "Security release process %zu.", g->k);
	field(g, "timeline", "Critical fixes within 30 days.");
}

static void
replsup(struct gen *g)
{
	field(g, "description", "Isolation and replacement procedure %zu.",
	    g->k);
}

static void
secparam(struct gen *g)
{
	field(g, "description", "Device key %zu for the client certificate.",
	    g->k);
	field(g, "type", "%s", g->k % 4 == 3 ? "public" : "critical");
	field(g, "protection", "Kept in the secure element.");
	field(g, "unique", "%s", g->k % 4 == 3 ? "no" : "yes");
}

static void
commech(struct gen *g)
{
	static const char *const carries[] = {
		"credentials, personal-data", "telemetry", "updates",
		"personal-data, sensitive-data",
	};

	field(g, "description", "Link %zu to the Korvat cloud.", g->k);
	ref(g, "interface", T_INTF, 1);
	field(g, "protocol", "MQTT 5 over TLS, port %zu", 8000 + g->k % 1000);
	field(g, "crypto", "TLS 1.3 AES-GCM suites; pinned root CA.");
	field(g, "carries", "%s", PICK(carries, g->k));
}

static void
netsecimpl(struct gen *g)
{
	field(g, "description", "Reviewed implementation %zu.", g->k);
	field(g, "implementation", "Mbed TLS 3.6");
	field(g, "method", "External penetration test.");
}

static void
softserv(struct gen *g)
{
	/* As in the hub: most services enabled, some without
	 * authentication (mDNS), some disabled (SSH). */
	field(g, "description", "Network service %zu.", g->k);
	field(g, "status", "%s", g->k % 3 == 2 ? "disabled" : "enabled");
	field(g, "justification", "Lets the app control the hub.");
	field(g, "configuration", "%s", g->k % 2 == 0 ? "yes" : "no");
	if (g->k % 4 != 1)
		ref(g, "authmech", T_AUTHMECH, 1 + g->k % 2);
	field(g, "port", "tcp/%zu", 1024 + g->k % 60000);
	field(g, "protocol", "HTTPS");
}

static void
secmgmt(struct gen *g)
{
	field(g, "description", "Life cycle of parameter set %zu.", g->k);
	ref(g, "param", T_SECPARAM, 2);
}

static void
intf(struct gen *g)
{
	/* Every fifth, from row 0, is a disabled physical debug port
	 * (condition 13), like the hub's UART pads. */
	static const char *const type[] = {
		"physical", "network", "radio", "logical", "radio",
	};
	int debug = g->k % 5 == 0;

	field(g, "description", "Interface %zu.", g->k);
	field(g, "type", "%s", PICK(type, g->k));
	field(g, "status", "%s", debug ? "disabled" : "enabled");
	field(g, "justification", "Connects sensors and actuators.");
	field(g, "debug", "%s", debug ? "yes" : "no");
}

static void
text_only(struct gen *g)
{
	field(g, "description", "Measure %zu: minimal image, one user per "
	    "service.", g->k);
}

static void
secboot(struct gen *g)
{
	field(g, "description", "Verified boot stage %zu.", g->k);
	field(g, "mechanism", "Boot ROM verifies the boot loader.");
}

static void
persdata(struct gen *g)
{
	field(g, "description", "Personal data item %zu.", g->k);
	field(g, "sensitive", "%s", g->k % 3 == 1 ? "yes" : "no");
	field(g, "purpose", "Event history in the app.");
	field(g, "consent", "Opt-in during setup.");
	ref(g, "commech", T_COMMECH, 1 + g->k % 2);
}

static void
extsens(struct gen *g)
{
	field(g, "description", "Sensor %zu.", g->k);
	field(g, "sensor", "Temperature and humidity sensor.");
}

static void
resmech(struct gen *g)
{
	field(g, "description", "Outage scenario %zu.", g->k);
	field(g, "resilience", "Automations run locally.");
}

static void
teldata(struct gen *g)
{
	/* Any row shows condition 6. */
	field(g, "description", "Health counter %zu.", g->k);
	field(g, "purpose", "Find faults across the fleet.");
	field(g, "personal", "no");
}

static void
delfunc(struct gen *g)
{
	field(g, "description", "Deletion function %zu.", g->k);
	field(g, "target", "User data, keys &amp; pairings.");
	field(g, "initiation", "App: Hub &gt; Reset.");
}

static void
extapi(struct gen *g)
{
	field(g, "description", "REST API %zu.", g->k);
	field(g, "endpoint", "https://hub.local:8443/api/v%zu/", g->k);
	ref(g, "authmech", T_AUTHMECH, 1);
}

static void
inpval(struct gen *g)
{
	field(g, "description", "Input validation %zu.", g->k);
	field(g, "input", "JSON request bodies.");
	field(g, "validation", "JSON schema with size limits.");
}

/* Field writers, one per table, in the order of table_names[]. */
static void (*const fill[])(struct gen *) = {
	authmech, userinfo, vulntypes, conf, vulnmon, softcomp, updmech,
	updproc, replsup, secparam, commech, netsecimpl, softserv, secmgmt,
	intf, text_only, text_only, text_only, text_only, secboot, persdata,
	extsens, resmech, teldata, delfunc, text_only, text_only, extapi,
	inpval,
};
_Static_assert(ASY_ELEMENTSOF(fill) == N_TABLES, "one writer per table");

/* Write an IXIT of n rows (n >= N_TABLES) to path; 0 or -1. */
static int
write_ixit(const char *path, size_t n)
{
	size_t count[N_TABLES];
	struct gen g = { .count = count };
	int r = 0;

	for (size_t t = 0; t < N_TABLES; t++)
		count[t] = n / N_TABLES + (t < n % N_TABLES);
	g.f = fopen(path, "w");
	if (g.f == NULL)
		return -1;
	fprintf(g.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- Synthetic IXIT of %zu rows for tests/perf/bench-plan. -->\n"
	    "<ixit format=\"1\" edition=\"ts103701-v1.1.1\">\n", n);
	for (size_t t = 0; t < N_TABLES; t++) {
		fprintf(g.f, "  <table name=\"%s\">\n", table_names[t]);
		for (g.k = 0; g.k < count[t]; g.k++) {
			fprintf(g.f, "<row id=\"%s-%zu\">", prefix(t),
			    g.k);
			fill[t](&g);
			fprintf(g.f, "</row>\n");
		}
		fprintf(g.f, "  </table>\n");
	}
	fprintf(g.f, "</ixit>\n");
	if (ferror(g.f))
		r = -1;
	if (fclose(g.f) != 0)
		r = -1;
	return r;
}

static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = NULL, *out = NULL;
	size_t n;
	int r = -1;

	in = fopen(from, "r");
	out = fopen(to, "w");
	if (in == NULL || out == NULL)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto out;
	if (!ferror(in))
		r = 0;
out:
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		r = -1;
	return r;
}

/* ---- the measurement --------------------------------------------------- */

/* What the child sends back. */
struct sample {
	int	 err;			/* 0, or an ASY_E_ code */
	int	 runs;
	double	 total_ms[MAX_RUNS];	/* load + plan, wall clock */
	double	 cpu_ms[MAX_RUNS];	/* load + plan, CPU time */
	double	 load_ms[MAX_RUNS];
	double	 plan_ms[MAX_RUNS];
	size_t	 n_ixit;		/* rows the loader saw */
	size_t	 n_plan_units;		/* units in the plan, all states */
	size_t	 n_units_run;
	long	 rss_start_kib;		/* before the first load */
	long	 rss_peak_kib;
};

static size_t
plan_units(const struct asy_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n_groups; i++)
		for (size_t j = 0; j < plan->groups[i].n_cases; j++)
			n += plan->groups[i].cases[j].n_units;
	return n;
}

/* In the child: load and plan runs times. */
static void
measure(const struct asy_decl_paths *p, int runs, struct sample *s)
{
	s->runs = runs;
	s->rss_start_kib = bench_maxrss_kib();
	for (int i = 0; i < runs; i++) {
		struct asy_diags d;
		struct asy_decl *decl = NULL;
		struct asy_plan *plan = NULL;
		double t0, t1, t2, c0, c2;
		int r;

		asy_diags_init(&d);
		c0 = bench_cpu_ms();
		t0 = bench_now_ms();
		r = asy_decl_load(p, &d, &decl);
		t1 = bench_now_ms();
		if (r == 0)
			r = asy_plan_build(decl, ASY_NEED_ALL, &plan);
		t2 = bench_now_ms();
		c2 = bench_cpu_ms();
		if (r < 0) {
			asy_diags_print(&d, stderr);
			s->err = r;
		} else {
			s->total_ms[i] = t2 - t0;
			s->cpu_ms[i] = c2 - c0;
			s->load_ms[i] = t1 - t0;
			s->plan_ms[i] = t2 - t1;
			s->n_ixit = decl->n_ixit;
			s->n_plan_units = plan_units(plan);
			s->n_units_run = plan->n_units_run;
		}
		asy_plan_free(plan);
		asy_decl_free(decl);
		asy_diags_release(&d);
		if (r < 0)
			break;
	}
	s->rss_peak_kib = bench_maxrss_kib();
	asy_xml_cleanup();
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Run measure() in a child, so that its peak RSS is this size's alone. */
static int
measure_in_child(const struct asy_decl_paths *p, int runs, struct sample *s)
{
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct sample cs;

		close(fds[0]);
		memset(&cs, 0, sizeof(cs));
		measure(p, runs, &cs);
		_exit(write_all(fds[1], &cs, sizeof(cs)) == 0 ? 0 : 1);
	}
	close(fds[1]);
	do
		n = read(fds[0], s, sizeof(*s));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (n != (ssize_t)sizeof(*s) || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

struct result {
	size_t	 rows;
	double	 file_mib;
	double	 ms, cpu_ms, load_ms, plan_ms, cold_ms;
	double	 peak_mib;
	struct sample s;
};

static double
mib(long kib)
{
	return (double)kib / 1024.0;
}

static int
bench_size(const char *dir, const char *ics, size_t rows, struct result *res)
{
	struct asy_decl_paths p = { .ics = ics };
	char ixit[4096];
	struct stat st;
	double v[MAX_RUNS];
	int runs = rows >= 100000 ? 3 : 5;
	int r = -1;

	snprintf(ixit, sizeof(ixit), "%s/ixit-%zu.xml", dir, rows);
	p.ixit = ixit;
	if (write_ixit(ixit, rows) < 0 || stat(ixit, &st) != 0) {
		fprintf(stderr, "bench-plan: cannot write %s\n", ixit);
		goto out;
	}
	memset(res, 0, sizeof(*res));
	res->rows = rows;
	res->file_mib = (double)st.st_size / (1024.0 * 1024.0);
	if (measure_in_child(&p, runs, &res->s) < 0) {
		fprintf(stderr, "bench-plan: the measuring child failed\n");
		goto out;
	}
	if (res->s.err < 0) {
		fprintf(stderr, "bench-plan: %zu rows (%.1f MiB): loading or "
		    "planning failed: %s\n", rows, res->file_mib,
		    asy_strerror(res->s.err));
		goto out;
	}
	if (res->s.n_ixit != rows) {
		fprintf(stderr, "bench-plan: the loader saw %zu rows of %zu\n",
		    res->s.n_ixit, rows);
		goto out;
	}
	memcpy(v, res->s.total_ms, sizeof(v));
	res->ms = bench_median(v, (size_t)runs);
	memcpy(v, res->s.cpu_ms, sizeof(v));
	res->cpu_ms = bench_median(v, (size_t)runs);
	memcpy(v, res->s.load_ms, sizeof(v));
	res->load_ms = bench_median(v, (size_t)runs);
	memcpy(v, res->s.plan_ms, sizeof(v));
	res->plan_ms = bench_median(v, (size_t)runs);
	res->peak_mib = mib(res->s.rss_peak_kib);
	/* Cold: one load and plan in a fresh process each, as one run of
	 * the assay command does (schemas compiled, memory faulted in). */
	for (int i = 0; i < runs; i++) {
		struct sample cold;

		if (measure_in_child(&p, 1, &cold) < 0 || cold.err < 0) {
			fprintf(stderr, "bench-plan: the cold run failed\n");
			goto out;
		}
		v[i] = cold.total_ms[0];
	}
	res->cold_ms = bench_median(v, (size_t)runs);
	r = 0;
out:
	unlink(ixit);
	return r;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-plan [ROWS...]  (each >= %zu)\n"
	    "       bench-plan --generate ROWS FILE\n", N_TABLES);
}

int
main(int argc, char **argv)
{
	static const size_t default_rows[] = { 1000, 10000, 100000 };
	char dir[] = "/tmp/assay-bench-plan-XXXXXX";
	char hub[4096], ics[4096];
	struct result res[16];
	size_t sizes[ASY_ELEMENTSOF(res)];
	size_t n_res = 0, n_sizes;
	int made = 0, ret = 1;

	if (argc > 1 && strcmp(argv[1], "--generate") == 0) {
		unsigned long v;

		if (argc != 4 || asy_parse_ulong(argv[2], &v) < 0 ||
		    v < N_TABLES) {
			usage();
			return 2;
		}
		if (write_ixit(argv[3], v) < 0) {
			fprintf(stderr, "bench-plan: cannot write %s\n",
			    argv[3]);
			return 1;
		}
		return 0;
	}
	n_sizes = argc > 1 ? (size_t)(argc - 1) : ASY_ELEMENTSOF(default_rows);
	if (n_sizes > ASY_ELEMENTSOF(sizes)) {
		usage();
		return 2;
	}
	for (size_t i = 0; i < n_sizes; i++) {
		unsigned long v;

		if (argc == 1) {
			sizes[i] = default_rows[i];
			continue;
		}
		if (asy_parse_ulong(argv[i + 1], &v) < 0 || v < N_TABLES) {
			usage();
			return 2;
		}
		sizes[i] = v;
	}
	/* Output piped into head must not skip the clean-up below. */
	signal(SIGPIPE, SIG_IGN);
	/* Catalogue and schemas from the same tree as the example. */
	setenv("ASSAY_DATADIR", bench_srcdir(), 0);
	snprintf(hub, sizeof(hub), "%s/ics-ixit/examples/hub/ics.xml",
	    bench_srcdir());
	if (mkdtemp(dir) == NULL) {
		perror("bench-plan: mkdtemp");
		goto out;
	}
	made = 1;
	snprintf(ics, sizeof(ics), "%s/ics.xml", dir);
	if (copy_file(hub, ics) < 0) {
		fprintf(stderr, "bench-plan: cannot copy %s (set "
		    "ASSAY_SRCDIR to the source tree)\n", hub);
		goto out;
	}

	printf("bench-plan: asy_decl_load + asy_plan_build (all bench "
	    "capabilities), hub ICS,\nsynthetic IXIT over the 29 V1.1.1 "
	    "tables; median of 5 runs (3 for 100k+) in one\nchild process "
	    "per size (peak RSS is that child's); cold: median of as\nmany "
	    "fresh child processes doing one run each, as one assay "
	    "command does\n\n");
	printf("%7s %8s %9s %9s %7s %8s %7s %8s %9s %6s\n", "rows",
	    "IXIT MiB", "median ms", "ms per 1k", "cpu ms", "load ms",
	    "plan ms", "cold ms", "peak RSS", "units");
	fflush(stdout);
	for (size_t i = 0; i < n_sizes; i++) {
		struct result *x = &res[n_res];

		if (bench_size(dir, ics, sizes[i], x) < 0)
			goto out;
		n_res++;
		printf("%7zu %8.1f %9.1f %9.2f %7.1f %8.1f %7.1f %8.1f "
		    "%5.1f MiB %6zu\n", x->rows, x->file_mib, x->ms,
		    x->ms / ((double)x->rows / 1000.0), x->cpu_ms,
		    x->load_ms, x->plan_ms, x->cold_ms, x->peak_mib,
		    x->s.n_plan_units);
		fflush(stdout);
	}
	printf("\nchild RSS before loading: %.1f MiB\n",
	    mib(res[0].s.rss_start_kib));
	for (size_t i = 1; i < n_res; i++)
		printf("time(%zu)/time(%zu) = %.1f, CPU time %.1f  "
		    "(rows x%.0f: linear growth gives about %.0f)\n",
		    res[i].rows,
		    res[i - 1].rows, res[i].ms / res[i - 1].ms,
		    res[i].cpu_ms / res[i - 1].cpu_ms,
		    (double)res[i].rows / (double)res[i - 1].rows,
		    (double)res[i].rows / (double)res[i - 1].rows);
	for (size_t i = 0; i < n_res; i++) {
		if (res[i].rows != TARGET_ROWS)
			continue;
		printf("target for %d rows: < %.0f ms and < %.0f MiB: "
		    "%.1f ms (%s), %.1f MiB (%s)\n", TARGET_ROWS, TARGET_MS,
		    TARGET_MIB, res[i].ms,
		    res[i].ms < TARGET_MS ? "met" : "OVER",
		    res[i].peak_mib,
		    res[i].peak_mib < TARGET_MIB ? "met" : "OVER");
	}
	ret = 0;
out:
	if (made) {
		unlink(ics);
		rmdir(dir);
	}
	return ret;
}
