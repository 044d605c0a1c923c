/*
 * Benchmark: assay diff of two 1,000-unit runs.
 *
 * Writes two synthetic run folders (report.xml by the real writer, and a
 * MANIFEST.sha256) shaped like live runs: 50 groups of 4 cases of 5 units
 * (every third unit fanned out to an IXIT row), reasons and evidence of
 * realistic length, and 40 discovered services.  The new run differs from
 * the old one in about one unit in ten (new FAILs, fixes, lost verdicts,
 * reasons), in a few units added and removed, and in its services.
 *
 * Then times, median of 20 passes after a warm-up: loading both runs
 * (asy_runinfo_load: parse, schema check, model), asy_diff_compute, and
 * each renderer; and the whole, which is what 'assay diff' does.  The
 * figure is for the README; nothing here asserts on time.
 *
 * Usage: bench-diff [UNITS]   (default 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "diff.h"
#include "error.h"
#include "report.h"
#include "result.h"
#include "runread.h"
#include "util.h"

#define PASSES		20
#define TARGET_UNITS	1000
#define TARGET_MS	100.0
#define CASES		4
#define UNITS		5

static const char *const reasons[] = {
	"the DUT accepted a TLS 1.0 ClientHello offering only "
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA on tcp/8443, although the IXIT "
	    "declares \"TLS 1.2 with ECDHE & AES-GCM only\" (frames 12-18)",
	"pre-assessment confirmed by the assessor: every declared mechanism "
	    "uses a per-device or user-defined secret; checked against the "
	    "label photos of three units and the IXIT row",
	"not run: the bench lacks serial (the unit needs serial operator); "
	    "connect a USB-UART adapter to the test pads and run again",
	"no 13-SoftServ row with configuration=yes to test: the declared "
	    "services cannot change security-relevant settings",
	"200 wrong passwords for admin over ssh were all refused at 11.8 "
	    "guesses a second without any slowing down after the 5th",
};

static const char *const rows[] = {
	"AuthMech-SSH", "AuthMech-Web", "ComMech-Cloud", "SoftServ-API",
};

static const char *const matches[] = {
	"declared", "declared", "undeclared", "declared, not seen",
	"declared disabled",
};

struct gen {
	struct asy_report	*r;
	int			 err;
};

static void
set(struct gen *g, char **p, const char *s)
{
	if (g->err == 0 && asy_set_str(p, s) < 0)
		g->err = ASY_E_NOMEM;
}

/* The verdict of unit n in the old (which 0) or new (1) run. */
static enum asy_verdict
verdict_of(size_t n, int which)
{
	static const enum asy_verdict base[] = {
		ASY_V_PASS, ASY_V_PASS, ASY_V_FAIL, ASY_V_PASS, ASY_V_NA,
		ASY_V_INCONCLUSIVE, ASY_V_PASS,
	};
	enum asy_verdict v = base[n % ASY_ELEMENTSOF(base)];

	if (which == 1 && n % 10 == 3)
		v = v == ASY_V_FAIL ? ASY_V_PASS : ASY_V_FAIL;
	if (which == 1 && n % 30 == 7)
		v = ASY_V_ERROR;
	return v;
}

static int
make_run(size_t units, int which, struct asy_report **out)
{
	struct gen g = { 0 };
	size_t n = 0, slot = 0;
	struct asy_discovery *d;

	g.r = asy_report_new();
	if (g.r == NULL)
		return ASY_E_NOMEM;
	set(&g, &g.r->run_id, which ? "hub-20261123T013000Z" :
	    "hub-20261122T013000Z");
	set(&g, &g.r->assay_version, "0.1.0");
	set(&g, &g.r->date, "2026-11-22T01:30:00Z");
	set(&g, &g.r->mode, "live");
	set(&g, &g.r->edition, "ts103701-v1.1.1");
	set(&g, &g.r->dut.name, "hub");
	set(&g, &g.r->dut.model, "H1 smart-home hub");
	d = asy_report_discovery(g.r);
	if (d == NULL) {
		asy_report_free(g.r);
		return ASY_E_NOMEM;
	}
	set(&g, &d->status, "done");
	for (unsigned i = 0; i < 40 && g.err == 0; i++) {
		struct asy_observed_service *s = asy_discovery_add(d);

		if (s == NULL) {
			g.err = ASY_E_NOMEM;
			break;
		}
		set(&g, &s->proto, i % 4 ? "tcp" : "udp");
		s->port = 1000 + i + (which && i % 13 == 5 ? 20000 : 0);
		set(&g, &s->match, matches[(i + (which && i % 7 == 1)) %
		    ASY_ELEMENTSOF(matches)]);
		set(&g, &s->service, "http");
		set(&g, &s->product, "lighttpd 1.4.69");
	}
	for (size_t i = 0; n < units && g.err == 0; i++) {
		struct asy_group_result *grp = asy_report_add_group(g.r);

		if (grp == NULL) {
			g.err = ASY_E_NOMEM;
			break;
		}
		grp->id = asy_strdup_printf("5.%zu-%zu", i / 10 + 1, i % 10 + 1);
		grp->mandatory = 1;
		for (size_t j = 0; j < CASES && n < units && g.err == 0; j++) {
			struct asy_case_result *c = asy_group_add_case(grp);

			if (c == NULL) {
				g.err = ASY_E_NOMEM;
				break;
			}
			c->id = asy_strdup_printf("%s-%zu", grp->id, j + 1);
			for (size_t k = 0; k < UNITS && n < units; k++) {
				struct asy_unit_result *u;
				char id[2] = { (char)('a' + k), '\0' };
				enum asy_verdict v = verdict_of(n, which);

				/* A few units only in one run. */
				if (slot++ % 97 == 11 + (size_t)which)
					continue;
				n++;
				u = asy_case_add_unit(c);
				if (u == NULL) {
					g.err = ASY_E_NOMEM;
					break;
				}
				set(&g, &u->id, id);
				if (k % 3 == 1)
					set(&g, &u->row,
					    rows[n % ASY_ELEMENTSOF(rows)]);
				u->verdict = v;
				set(&g, &u->reason, reasons[(n + (which &&
				    n % 25 == 4)) % ASY_ELEMENTSOF(reasons)]);
				set(&g, &u->title, "Check that every "
				    "password-based mechanism uses a unique or "
				    "user-defined password.");
				if (g.err == 0)
					g.err = asy_unit_add_evidence(u,
					    "pcap/5.1-1-2.pcap", "pcap",
					    "frames 12-18");
				if (g.err == 0)
					g.err = asy_unit_add_evidence(u,
					    "transcripts/x.txt", "transcript",
					    NULL);
			}
		}
	}
	if (g.err == 0)
		g.err = asy_report_rollup(g.r);
	if (g.err < 0) {
		asy_report_free(g.r);
		return g.err;
	}
	*out = g.r;
	return 0;
}

static int
write_run(const char *folder, const struct asy_report *rep, size_t *bytes)
{
	struct asy_buf b;
	char *p = NULL;
	int r;

	if (mkdir(folder, 0755) < 0)
		return ASY_E_IO;
	asy_buf_init(&b, ASY_REPORT_MAX);
	r = asy_report_render_xml(rep, &b);
	p = asy_path_join(folder, "report.xml");
	if (r == 0)
		r = p != NULL ? asy_buf_save_file(&b, p) : ASY_E_NOMEM;
	*bytes = b.len;
	free(p);
	asy_buf_reset(&b);
	p = asy_path_join(folder, "MANIFEST.sha256");
	if (r == 0)
		r = p != NULL ? asy_buf_save_file(&b, p) : ASY_E_NOMEM;
	free(p);
	asy_buf_release(&b);
	return r;
}

static void
rm_run(const char *folder)
{
	char *p;

	p = asy_path_join(folder, "report.xml");
	if (p != NULL)
		unlink(p);
	free(p);
	p = asy_path_join(folder, "MANIFEST.sha256");
	if (p != NULL)
		unlink(p);
	free(p);
	rmdir(folder);
}

enum { T_LOAD, T_DIFF, T_TEXT, T_XML, T_JUNIT, T_ALL, T__N };

int
main(int argc, char **argv)
{
	static const char *const names[T__N] = {
		"load both runs (parse, schema, model)", "compute the diff",
		"render text", "render XML", "render JUnit", "all of it",
	};
	double ms[T__N][PASSES], cpu0, cpu;
	char dir[] = "/tmp/assay-bench-diff-XXXXXX";
	char *po = NULL, *pn = NULL;
	struct asy_report *ro = NULL, *rn = NULL;
	unsigned long units = TARGET_UNITS;
	size_t bytes_o = 0, bytes_n = 0, out_bytes[3] = { 0 };
	unsigned long n_items = 0, n_units = 0;
	int e, made = 0, ret = 1;

	if (argc > 2 || (argc == 2 && (asy_parse_ulong(argv[1], &units) < 0 ||
	    units < 20 || units > 1000000))) {
		fprintf(stderr, "usage: bench-diff [UNITS]  (20..1000000, "
		    "default %d)\n", TARGET_UNITS);
		return 2;
	}
	if (mkdtemp(dir) == NULL) {
		perror("bench-diff: mkdtemp");
		return 1;
	}
	made = 1;
	po = asy_path_join(dir, "old");
	pn = asy_path_join(dir, "new");
	e = po != NULL && pn != NULL ? 0 : ASY_E_NOMEM;
	if (e == 0)
		e = make_run(units, 0, &ro);
	if (e == 0)
		e = make_run(units, 1, &rn);
	if (e == 0)
		e = write_run(po, ro, &bytes_o);
	if (e == 0)
		e = write_run(pn, rn, &bytes_n);
	if (e < 0) {
		fprintf(stderr, "bench-diff: making the runs: %s\n",
		    asy_strerror(e));
		goto out;
	}
	cpu0 = bench_cpu_ms();
	for (int p = -1; p < PASSES; p++) {
		struct asy_runinfo *old = NULL, *new = NULL;
		struct asy_diff *df = NULL;
		struct asy_diags d;
		struct asy_buf b[3];
		double t[T__N + 1];

		asy_diags_init(&d);
		for (int i = 0; i < 3; i++)
			asy_buf_init(&b[i], ASY_REPORT_MAX);
		t[0] = bench_now_ms();
		e = asy_runinfo_load(po, &d, &old);
		if (e == 0)
			e = asy_runinfo_load(pn, &d, &new);
		t[1] = bench_now_ms();
		if (e == 0)
			e = asy_diff_compute(old, new, NULL, &df);
		t[2] = bench_now_ms();
		if (e == 0)
			e = asy_diff_render_text(df, &b[0]);
		t[3] = bench_now_ms();
		if (e == 0)
			e = asy_diff_render_xml(df, &b[1]);
		t[4] = bench_now_ms();
		if (e == 0)
			e = asy_diff_render_junit(df, &b[2]);
		t[5] = bench_now_ms();
		if (e == 0 && p >= 0) {
			for (int i = 0; i < T_ALL; i++)
				ms[i][p] = t[i + 1] - t[i];
			/* 'assay diff' renders one format: take the XML. */
			ms[T_ALL][p] = (t[2] - t[0]) + (t[4] - t[3]);
		}
		if (e == 0) {
			n_items = df->n_items;
			n_units = new->n_units;
			for (int i = 0; i < 3; i++)
				out_bytes[i] = b[i].len;
		}
		if (e < 0)
			asy_diags_print(&d, stderr);
		for (int i = 0; i < 3; i++)
			asy_buf_release(&b[i]);
		asy_diff_free(df);
		asy_runinfo_free(old);
		asy_runinfo_free(new);
		asy_diags_release(&d);
		if (e < 0) {
			fprintf(stderr, "bench-diff: %s\n", asy_strerror(e));
			goto out;
		}
	}
	cpu = (bench_cpu_ms() - cpu0) / (PASSES + 1);
	printf("bench-diff: two runs of %lu units (report.xml %.0f KiB and "
	    "%.0f KiB), %lu changes; median of %d passes\n\n", n_units,
	    bytes_o / 1024.0, bytes_n / 1024.0, n_items, PASSES);
	printf("| step | median ms |\n|---|---:|\n");
	for (int i = 0; i < T__N; i++)
		printf("| %s | %.2f |\n", names[i], bench_median(ms[i],
		    PASSES));
	printf("\noutput: text %.0f KiB, XML %.0f KiB, JUnit %.0f KiB\n",
	    out_bytes[0] / 1024.0, out_bytes[1] / 1024.0,
	    out_bytes[2] / 1024.0);
	printf("CPU per pass (all three renderers): %.2f ms; peak RSS %ld "
	    "KiB\n", cpu, bench_maxrss_kib());
	if (units == TARGET_UNITS)
		printf("target: load + diff + render under %.0f ms for %d "
		    "units: %s\n", TARGET_MS, TARGET_UNITS,
		    bench_median(ms[T_ALL], PASSES) < TARGET_MS ? "met" :
		    "NOT met");
	ret = 0;
out:
	if (made) {
		if (po != NULL)
			rm_run(po);
		if (pn != NULL)
			rm_run(pn);
		rmdir(dir);
	}
	asy_report_free(ro);
	asy_report_free(rn);
	free(po);
	free(pn);
	return ret;
}
