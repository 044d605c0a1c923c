/*
 * Benchmark: rendering the reports of a 1,000-unit run.
 *
 * Builds a synthetic result model in memory (harness/result.h) shaped like
 * a live run of a full catalogue: 60 groups that were run, with 4 cases of
 * 4 or 5 units each (1,000 units in all, every verdict, evidence, reasons
 * and pre-assessments of realistic length, some text that needs escaping),
 * plus groups left out by the ICS.  Then times every writer of
 * asy_report_writers[] (median of 20 passes after one warm-up), and
 * asy_reports_write_all() into a temporary folder.
 *
 * The figures are for the README; nothing here asserts on time.  Exit 0
 * unless the benchmark itself fails.
 *
 * Usage: bench-render [UNITS]   (default 1000)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "error.h"
#include "report.h"
#include "result.h"
#include "util.h"

#define PASSES		20
#define TARGET_UNITS	1000
#define TARGET_MS	500.0

#define N_GROUPS	60
#define CASES_PER_GROUP	4

/* ---- the synthetic result model ---------------------------------------- */

/* Unit verdicts, cycled: mostly PASS, every other verdict present. */
static const enum asy_verdict verdicts[] = {
	ASY_V_PASS, ASY_V_PASS, ASY_V_PASS, ASY_V_FAIL, ASY_V_PASS,
	ASY_V_NA, ASY_V_PASS, ASY_V_INCONCLUSIVE, ASY_V_PASS, ASY_V_PASS,
	ASY_V_ERROR, ASY_V_PASS, ASY_V_PASS, ASY_V_NA, ASY_V_PASS,
	ASY_V_PASS, ASY_V_INCONCLUSIVE, ASY_V_PASS, ASY_V_NONE, ASY_V_PASS,
};

/* One sentence per verdict, as the run and the assessors write them. */
static const char *const reasons[ASY_V__COUNT] = {
	[ASY_V_NONE] = "not assessed: no answer from the assessor for this "
	    "conceptual unit",
	[ASY_V_PASS] = "pre-assessment confirmed by the assessor: every "
	    "declared mechanism uses a per-device or user-defined secret; "
	    "checked against the label photos of three units (serials "
	    "ending 0412, 0413 and 0977) and the IXIT row",
	[ASY_V_FAIL] = "the DUT accepted a TLS 1.0 ClientHello offering only "
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA on tcp/8443, although the IXIT "
	    "declares \"TLS 1.2 with ECDHE & AES-GCM only\" (see frames "
	    "12-18 of the capture)",
	[ASY_V_NA] = "no 13-SoftServ row with configuration=yes to test: "
	    "the declared services cannot change security-relevant settings",
	[ASY_V_INCONCLUSIVE] = "not run: the bench lacks serial (the unit "
	    "needs serial operator); connect a USB-UART adapter to the test "
	    "pads and run again",
	[ASY_V_ERROR] = "harness error: nmap exited with status 1 after "
	    "12.4 s (\"Failed to open device eth1\"); the device was not "
	    "judged <error code=\"-3\">",
};

static const char *const rows[] = {
	"AuthMech-Account", "AuthMech-SetupCode", "ComMech-Cloud",
	"ComMech-LocalAPI", "SoftServ-LocalAPI", "SoftServ-Onboarding",
	"PersData-History", "ExtAPI-Local",
};

static const char *const titles[] = {
	"Check in the IXIT that every password-based mechanism uses a "
	    "per-device unique or user-defined password in all states other "
	    "than factory default.",
	"Capture the authentication exchange, attempt a downgrade and "
	    "confirm that the cryptography in use matches the IXIT.",
	"Check that the declared security guarantees of each communication "
	    "mechanism suit its use case and are delivered by the protocol.",
	"Sweep the DUT for open ports and services and confirm that every "
	    "one found is declared in the IXIT with a justification.",
	"Confirm that the user can erase personal data from the device in a "
	    "simple way and that the device confirms the deletion.",
};

struct gen {
	struct asy_report	*r;
	size_t			 units_left;
	size_t			 n;		/* units made so far */
	int			 err;
};

static void
set(struct gen *g, char **p, const char *s)
{
	if (g->err == 0 && asy_set_str(p, s) < 0)
		g->err = ASY_E_NOMEM;
}

static void
setf(struct gen *g, char **p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setf(struct gen *g, char **p, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set(g, p, buf);
}

static void
evidence(struct gen *g, struct asy_unit_result *u, const char *path,
    const char *kind, const char *note)
{
	if (g->err == 0)
		g->err = asy_unit_add_evidence(u, path, kind, note);
}

static void
make_unit(struct gen *g, struct asy_case_result *c, size_t k)
{
	struct asy_unit_result *u;
	enum asy_verdict v = verdicts[g->n % ASY_ELEMENTSOF(verdicts)];
	char id[2] = { (char)('a' + k), '\0' };
	char path[128];
	int functional;

	if (g->err < 0)
		return;
	functional = strcmp(c->kind, "functional") == 0;
	u = asy_case_add_unit(c);
	if (u == NULL) {
		g->err = ASY_E_NOMEM;
		return;
	}
	g->n++;
	set(g, &u->id, id);
	if (k % 2 == 1)
		set(g, &u->row, rows[g->n % ASY_ELEMENTSOF(rows)]);
	set(g, &u->title, titles[g->n % ASY_ELEMENTSOF(titles)]);
	set(g, &u->kind, c->kind);
	u->verdict = v;
	set(g, &u->reason, reasons[v]);
	if (functional) {
		set(g, &u->needs, k % 2 ? "network operator" : "network");
		if (v != ASY_V_NA && v != ASY_V_INCONCLUSIVE)
			set(g, &u->decided_by, "harness");
		snprintf(path, sizeof(path), "captures/%s-%s.pcap", c->id, id);
		evidence(g, u, path, "pcap", v == ASY_V_FAIL ?
		    "frames 12-18: ClientHello and the DUT's ServerHello "
		    "choosing TLS_RSA_WITH_3DES_EDE_CBC_SHA" : NULL);
		snprintf(path, sizeof(path), "tools/%s-%s.nmap.xml", c->id, id);
		evidence(g, u, path, "nmap", "ports tcp/8443 tcp/8883 "
		    "udp/5353 open");
		snprintf(path, sizeof(path), "transcripts/%s-%s.txt", c->id,
		    id);
		evidence(g, u, path, "transcript", NULL);
	} else {
		u->pre = v == ASY_V_NONE ? ASY_V_PASS : v;
		set(g, &u->pre_reason, "harness pre-assessment: every "
		    "1-AuthMech row declares generation per-device or "
		    "user-defined; none is universal");
		set(g, &u->decided_by, v == ASY_V_NONE ? NULL : g->n % 3 ?
		    "assessor Jane Q. Assessor" : "pre-assessment accepted "
		    "unattended (--accept-pre)");
		evidence(g, u, "inputs/ics.xml", "declaration", NULL);
		evidence(g, u, "inputs/ixit.xml", "declaration", u->row);
		if (g->n % 3)
			evidence(g, u, "answers.xml", "answers", NULL);
	}
}

static void
make_group(struct gen *g, size_t i)
{
	static const char *const status[] = { "M", "M C(1)", "R", "R C(12)",
	    "M C(5)" };
	struct asy_group_result *grp;

	grp = asy_report_add_group(g->r);
	if (grp == NULL) {
		g->err = ASY_E_NOMEM;
		return;
	}
	setf(g, &grp->id, "5.%zu-%zu", i / 8 + 1, i % 8 + 1);
	set(g, &grp->provision, grp->id);
	setf(g, &grp->title, "Provision %s: communication uses best-practice "
	    "cryptography & keys stay confidential", grp->id);
	set(g, &grp->status, status[i % ASY_ELEMENTSOF(status)]);
	grp->mandatory = grp->status != NULL && grp->status[0] == 'M';
	set(g, &grp->support, "Y");
	set(g, &grp->detail, "TLS 1.3 (1.2 accepted with ECDHE and AES-GCM "
	    "only) for cloud, local API and updates; Zigbee 3.0 with install "
	    "codes; BLE LE Secure Connections.");
	for (size_t j = 0; j < CASES_PER_GROUP && g->err == 0; j++) {
		struct asy_case_result *c = asy_group_add_case(grp);
		size_t n_units;

		if (c == NULL) {
			g->err = ASY_E_NOMEM;
			return;
		}
		setf(g, &c->id, "%s-%zu", grp->id, j + 1);
		set(g, &c->title, j % 2 ? "Functional check of the "
		    "communication cryptography" : "Design review of the "
		    "declared cryptography");
		set(g, &c->kind, j % 2 ? "functional" : "conceptual");
		c->derived = i % 7 == 3 && j == 3;
		/* Spread what is left evenly over the remaining cases. */
		n_units = g->units_left /
		    ((N_GROUPS - i) * CASES_PER_GROUP - j);
		for (size_t k = 0; k < n_units && g->err == 0; k++)
			make_unit(g, c, k);
		g->units_left -= n_units;
	}
}

/* Groups the ICS leaves out: no cases, verdict from the ICS row. */
static void
make_left_out(struct gen *g, size_t i)
{
	struct asy_group_result *grp = asy_report_add_group(g->r);
	int na = i % 2 == 0;

	if (grp == NULL) {
		g->err = ASY_E_NOMEM;
		return;
	}
	setf(g, &grp->id, "6-%zu", i + 1);
	set(g, &grp->provision, grp->id);
	set(g, &grp->title, "Non-updatable devices can be isolated and their "
	    "hardware replaced");
	set(g, &grp->status, na ? "R C(3,4)" : "R");
	set(g, &grp->support, na ? "N/A" : "N");
	set(g, &grp->detail, "Condition 3 does not apply: all hub software "
	    "is updateable over the air.");
	grp->verdict = ASY_V_NA;
	set(g, &grp->reason, na ? "the ICS declares this provision N/A: "
	    "Condition 3 does not apply" : "recommended provision not "
	    "implemented; its justification is assessed in the "
	    "justification group (4-1 / 5.0-1)");
}

static int
make_report(size_t units, struct asy_report **out)
{
	struct gen g = { .units_left = units };
	struct asy_report *r;

	r = asy_report_new();
	if (r == NULL)
		return ASY_E_NOMEM;
	g.r = r;
	set(&g, &r->run_id, "run-20261122-113000-hub");
	set(&g, &r->assay_version, "0.1.0");
	set(&g, &r->date, "2026-11-22T11:30:00Z");
	set(&g, &r->mode, "live");
	set(&g, &r->edition, "ts103701-v1.1.1");
	set(&g, &r->baseline, "ETSI EN 303 645 V2.1.1 (2020-06)");
	set(&g, &r->method, "ETSI TS 103 701 V1.1.1 (2021-08)");
	set(&g, &r->catalogue_title, "Conformance assessment of consumer IoT "
	    "security (TS 103 701 V1.1.1 against EN 303 645 V2.1.1)");
	set(&g, &r->dut.vendor, "Korvat Systems");
	set(&g, &r->dut.model, "H1 smart-home hub");
	set(&g, &r->dut.hw, "2.0");
	set(&g, &r->dut.sw, "3.2.0");
	set(&g, &r->dut.name, "hub");
	if (g.err == 0)
		g.err = asy_report_add_input(r, "ics", "inputs/ics.xml",
		    "/home/lab/korvat/h1/ics.xml", "60303ae22b998861bce3b28f33"
		    "eec1be758a213c86c93c076dbe9f558c11c752");
	if (g.err == 0)
		g.err = asy_report_add_input(r, "ixit", "inputs/ixit.xml",
		    "/home/lab/korvat/h1/ixit.xml", "2cf24dba5fb0a30e26e83b2ac5"
		    "b9e29e1b161e5c1fa7425e73043362938b9824");
	if (g.err == 0)
		g.err = asy_report_add_input(r, "catalogue",
		    "inputs/catalogue.xml", NULL, "e3b0c44298fc1c149afbf4c8996f"
		    "b92427ae41e4649b934ca495991b7852b855");
	if (g.err == 0)
		g.err = asy_report_add_tool(r, "assay", "0.1.0");
	if (g.err == 0)
		g.err = asy_report_add_tool(r, "nmap", "7.93");
	if (g.err == 0)
		g.err = asy_report_add_tool(r, "libssh", "0.10.4");
	for (size_t i = 0; i < N_GROUPS && g.err == 0; i++)
		make_group(&g, i);
	for (size_t i = 0; i < 8 && g.err == 0; i++)
		make_left_out(&g, i);
	if (g.err == 0)
		g.err = asy_report_rollup(r);
	if (g.err < 0) {
		asy_report_free(r);
		return g.err;
	}
	*out = r;
	return 0;
}

/* ---- the measurement --------------------------------------------------- */

static int
rm_reports(const char *dir)
{
	int r = 0;

	for (size_t i = 0; i < asy_n_report_writers; i++) {
		char *p = asy_path_join(dir, asy_report_writers[i].file);

		if (p == NULL)
			return ASY_E_NOMEM;
		if (unlink(p) != 0)
			r = ASY_E_IO;
		free(p);
	}
	return r;
}

int
main(int argc, char **argv)
{
	double ms[16][PASSES], total[PASSES], wr[PASSES];
	size_t bytes[16] = { 0 };
	char dir[] = "/tmp/assay-bench-render-XXXXXX";
	struct asy_report *rep = NULL;
	unsigned long units = TARGET_UNITS;
	size_t n_units = 0;
	double t0, t_all, med_total, med_write;
	int made = 0, e, ret = 1;

	if (argc > 2 || (argc == 2 && (asy_parse_ulong(argv[1], &units) < 0 ||
	    units < N_GROUPS * CASES_PER_GROUP || units > 26 * N_GROUPS *
	    CASES_PER_GROUP))) {
		fprintf(stderr, "usage: bench-render [UNITS]  (%d..%d, "
		    "default %d)\n", N_GROUPS * CASES_PER_GROUP,
		    26 * N_GROUPS * CASES_PER_GROUP, TARGET_UNITS);
		return 2;
	}
	if (asy_n_report_writers > ASY_ELEMENTSOF(ms)) {
		fprintf(stderr, "bench-render: too many writers\n");
		return 1;
	}
	e = make_report(units, &rep);
	if (e < 0) {
		fprintf(stderr, "bench-render: building the model: %s\n",
		    asy_strerror(e));
		goto out;
	}
	for (size_t i = 0; i < rep->n_groups; i++)
		for (size_t j = 0; j < rep->groups[i].n_cases; j++)
			n_units += rep->groups[i].cases[j].n_units;

	/* One warm-up pass, then PASSES timed ones; the writers take turns
	 * within a pass so that noise falls on all of them alike. */
	for (int p = -1; p < PASSES; p++) {
		double sum = 0;

		for (size_t w = 0; w < asy_n_report_writers; w++) {
			struct asy_buf b;
			double t;

			asy_buf_init(&b, ASY_REPORT_MAX);
			t = bench_now_ms();
			e = asy_report_writers[w].render(rep, &b);
			t = bench_now_ms() - t;
			bytes[w] = b.len;
			asy_buf_release(&b);
			if (e < 0) {
				fprintf(stderr, "bench-render: %s: %s\n",
				    asy_report_writers[w].name,
				    asy_strerror(e));
				goto out;
			}
			if (p >= 0)
				ms[w][p] = t;
			sum += t;
		}
		if (p >= 0)
			total[p] = sum;
	}

	if (mkdtemp(dir) == NULL) {
		perror("bench-render: mkdtemp");
		goto out;
	}
	made = 1;
	for (int p = -1; p < PASSES; p++) {
		t0 = bench_now_ms();
		e = asy_reports_write_all(rep, dir);
		t_all = bench_now_ms() - t0;
		if (e < 0) {
			fprintf(stderr, "bench-render: writing the reports: "
			    "%s\n", asy_strerror(e));
			goto out;
		}
		if (p >= 0)
			wr[p] = t_all;
	}

	printf("bench-render: %zu groups, %zu units (every verdict, with "
	    "evidence);\nmedian of %d passes after one warm-up, each render "
	    "into a fresh buffer\n\n", rep->n_groups, n_units, PASSES);
	/* bench_median() sorts: v[0] is the minimum after it. */
	med_total = bench_median(total, PASSES);
	med_write = bench_median(wr, PASSES);
	printf("%-8s %-12s %10s %10s %10s\n", "writer", "file", "median ms",
	    "min ms", "size KiB");
	for (size_t w = 0; w < asy_n_report_writers; w++) {
		double med = bench_median(ms[w], PASSES);

		printf("%-8s %-12s %10.2f %10.2f %10.1f\n",
		    asy_report_writers[w].name, asy_report_writers[w].file, med,
		    ms[w][0], (double)bytes[w] / 1024.0);
	}
	printf("%-8s %-12s %10.2f %10.2f\n", "all", "(render)", med_total,
	    total[0]);
	printf("\nasy_reports_write_all(): %.2f ms (median; each file "
	    "fsync'd and renamed)\n", med_write);
	if (n_units == TARGET_UNITS)
		printf("target for %d units: all reports < %.0f ms: render "
		    "%.1f ms, write %.1f ms (%s)\n", TARGET_UNITS, TARGET_MS,
		    med_total, med_write,
		    med_write < TARGET_MS && med_total < TARGET_MS ? "met" :
		    "OVER");
	ret = 0;
out:
	if (made) {
		rm_reports(dir);
		rmdir(dir);
	}
	asy_report_free(rep);
	return ret;
}
