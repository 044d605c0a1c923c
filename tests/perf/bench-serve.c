/*
 * Benchmark: the dashboard (assay serve) with 1,000 runs.
 *
 * Makes a runs folder of 1,000 synthetic complete runs (report.xml of
 * 96 KiB with the head assay writes, MANIFEST.sha256, progress.json) and
 * 3 running ones (.partial, progress.json of this process), then:
 *
 *   - times a cold scan of the folder (asy_runlist_open + refresh: every
 *     report head and progress file read), median of 5;
 *   - serves it in-process (asy_serve_start, 4 threads, loopback) and
 *     loads it with wrk (Debian's package): the run list /, /api/runs, a
 *     run's page and a report.xml download, each with 50 connections for
 *     10 s, and / with 1 connection; requests per second and latency
 *     percentiles per request, as wrk measures them.
 *
 * The target: the run list under 50 ms a request with 50
 * concurrent clients.  Nothing here asserts on time; exit 77 without wrk.
 *
 * Usage: bench-serve [RUNS]   (default 1000)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "buf.h"
#include "error.h"
#include "proc.h"
#include "runlist.h"
#include "serve.h"
#include "util.h"

#define DEF_RUNS	1000
#define REPORT_SIZE	(96 * 1024)
#define SCANS		5
#define WRK_SECONDS	"10s"

static const char *const vendors[] = { "Lumora Imaging", "Korvat Systems",
    "Nimbl", "Vendo", "Acme Labs & Co" };
static const char *const models[] = { "C20 IP camera", "H1 smart-home hub",
    "T3 battery sensor", "D1 doorbell", "Smart plug P4" };
static const char *const verdicts[] = { "FAIL", "PASS", "INCONCLUSIVE" };

static int
write_file(const char *dir, const char *name, const struct asy_buf *b)
{
	char *p = asy_path_join(dir, name);
	int fd, r = 0;

	if (p == NULL)
		return ASY_E_NOMEM;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, b->data, b->len) != (ssize_t)b->len)
		r = ASY_E_IO;
	if (fd >= 0)
		close(fd);
	free(p);
	return r;
}

/* One complete run, shaped as assay writes it. */
static int
make_run(const char *runs, unsigned i, int running)
{
	struct asy_buf b;
	char name[128], date[32], now[32], host[256], *dir;
	unsigned day = 1 + i % 28, hh = i / 60 % 24, mm = i % 60;
	const char *v = vendors[i % 5], *m = models[i % 5];
	int r;

	snprintf(date, sizeof(date), "2026-10-%02uT%02u:%02u:00Z", day, hh,
	    mm);
	snprintf(name, sizeof(name), "dev%04u-202610%02uT%02u%02u00Z%s", i, day,
	    hh, mm, running ? ".partial" : "");
	dir = asy_path_join(runs, name);
	if (dir == NULL || mkdir(dir, 0755) < 0) {
		free(dir);
		return ASY_E_IO;
	}
	asy_buf_init(&b, REPORT_SIZE + 65536);
	/* Running: this process, on this host, updated now. */
	asy_now_iso8601(now);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	r = asy_buf_printf(&b, "{\"format\": 1, \"state\": \"%s\", "
	    "\"device\": \"%s %s\", \"edition\": \"ts103701-v1.1.1\", "
	    "\"host\": \"%s\", \"pid\": %ld, \"started\": \"%s\", "
	    "\"updated\": \"%s\", \"case\": %s, \"done\": %u, \"total\": 171, "
	    "\"counts\": {\"pass\": 40, \"fail\": 15, \"na\": 0, "
	    "\"inconclusive\": %u, \"error\": 0, \"none\": 0}, \"last\": []}\n",
	    running ? "running" : "complete", v, m, host, (long)getpid(), date,
	    running ? now : date, running ? "{\"id\": \"5.1-1-2\", \"title\": "
	    "\"Passwords\", \"started\": \"2026-10-01T00:00:00Z\"}" : "null",
	    running ? 60 : 171, running ? 5 : 116);
	if (r == 0)
		r = write_file(dir, "progress.json", &b);
	if (running)
		goto out;
	asy_buf_reset(&b);
	r = asy_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<report format=\"1\" xmlns=\"urn:assay:report:1\">\n"
	    "  <run id=\"%s\" assay-version=\"0.1.0\" date=\"%s\" mode=\"live\" "
	    "edition=\"ts103701-v1.1.1\">\n    <baseline>ETSI EN 303 645 V2.1.1 "
	    "(2020-06)</baseline>\n  </run>\n  <dut vendor=\"", name, date);
	if (r == 0)
		r = asy_buf_put_xml_attr(&b, v);
	if (r == 0)
		r = asy_buf_puts(&b, "\" model=\"");
	if (r == 0)
		r = asy_buf_put_xml_attr(&b, m);
	if (r == 0)
		r = asy_buf_printf(&b, "\" hw=\"B\" sw=\"1.4.%u\" name=\"dev%u\"/>"
		    "\n  <inputs>\n", i % 10, i);
	for (int k = 0; k < 4 && r == 0; k++)
		r = asy_buf_printf(&b, "    <input role=\"r%d\" path=\"inputs/"
		    "f%d.xml\" origin=\"/srv/lab/declarations/dev%u/f%d.xml\" "
		    "sha256=\"%064d\"/>\n", k, k, i, k, k);
	if (r == 0)
		r = asy_buf_printf(&b, "  </inputs>\n  <overall verdict=\"%s\">\n"
		    "    <reason>%u of 33 mandatory test groups failed</reason>\n"
		    "    <counts level=\"groups\" none=\"0\" pass=\"10\" "
		    "fail=\"11\" na=\"20\" inconclusive=\"27\" error=\"0\" "
		    "total=\"68\"/>\n    <counts level=\"units\" none=\"0\" "
		    "pass=\"40\" fail=\"15\" na=\"0\" inconclusive=\"116\" "
		    "error=\"0\" total=\"171\"/>\n  </overall>\n  <groups>\n",
		    verdicts[i % 3], i % 11);
	while (r == 0 && b.len < REPORT_SIZE)
		r = asy_buf_puts(&b, "    <group id=\"5.1-1\" status=\"M\" "
		    "verdict=\"FAIL\"><reason>a reason of realistic length for "
		    "one group of the report</reason></group>\n");
	if (r == 0)
		r = asy_buf_puts(&b, "  </groups>\n</report>\n");
	if (r == 0)
		r = write_file(dir, "report.xml", &b);
	asy_buf_reset(&b);
	if (r == 0)
		r = asy_buf_printf(&b, "%064d  progress.json\n%064d  "
		    "report.xml\n", 0, 0);
	if (r == 0)
		r = write_file(dir, "MANIFEST.sha256", &b);
out:
	asy_buf_release(&b);
	free(dir);
	return r;
}

/* The numbers in wrk's output after label ("Requests/sec:", "99%"). */
static const char *
wrk_field(const char *out, const char *label, char *buf, size_t n)
{
	const char *p = strstr(out, label);
	size_t k = 0;

	buf[0] = '\0';
	if (p == NULL)
		return "?";
	p += strlen(label);
	while (*p == ' ')
		p++;
	while (k + 1 < n && *p != '\0' && *p != ' ' && *p != '\n')
		buf[k++] = *p++;
	buf[k] = '\0';
	return buf;
}

static int
load(unsigned port, const char *path, const char *conns,
    const char *threads, const char *secs)
{
	struct asy_proc_opts o = { 0 };
	struct asy_proc_result res;
	struct asy_buf out, err;
	char url[1024], a[32], b[32], c[32], d[32], e[32], f[32];
	char *argv[] = { "wrk", "-t", (char *)threads, "-c", (char *)conns,
	    "-d", (char *)secs, "--latency", url, NULL };
	int r;

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	asy_buf_init(&out, 1 << 16);
	asy_buf_init(&err, 1 << 16);
	o.timeout_ms = 120000;
	o.out = &out;
	o.err = &err;
	r = asy_proc_run(argv, &o, &res);
	if (r < 0 || !res.exited || res.status != 0 || out.data == NULL) {
		fprintf(stderr, "bench-serve: wrk failed on %s: %s\n", path,
		    err.data != NULL ? err.data : asy_strerror(r));
		asy_buf_release(&out);
		asy_buf_release(&err);
		return r < 0 ? r : ASY_E_IO;
	}
	printf("| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", path, conns,
	    wrk_field(out.data, "Requests/sec:", a, sizeof(a)),
	    wrk_field(out.data, "     50%", b, sizeof(b)),
	    wrk_field(out.data, "     90%", c, sizeof(c)),
	    wrk_field(out.data, "     99%", d, sizeof(d)),
	    wrk_field(out.data, "Transfer/sec:", e, sizeof(e)),
	    strstr(out.data, "Non-2xx") != NULL ? wrk_field(out.data,
	    "Non-2xx or 3xx responses:", f, sizeof(f)) : "0");
	asy_buf_release(&out);
	asy_buf_release(&err);
	return 0;
}

int
main(int argc, char **argv)
{
	struct asy_serve_opts so = { 0 };
	struct asy_serve *s = NULL;
	struct asy_runlist *l = NULL;
	struct asy_proc_opts po = { 0 };
	struct asy_proc_result pr;
	char tmpl[] = "/tmp/assay-bench-serve-XXXXXX", why[512] = "";
	char *runs = NULL, page[256];
	unsigned long n_runs = DEF_RUNS;
	double scan[SCANS], t0;
	size_t n = 0;
	int r, status = 1;

	if (argc > 1 && (asy_parse_ulong(argv[1], &n_runs) < 0 ||
	    n_runs == 0 || n_runs > 100000)) {
		fprintf(stderr, "usage: bench-serve [RUNS]\n");
		return 2;
	}
	{
		char *v[] = { "wrk", "--version", NULL };

		po.timeout_ms = 10000;
		r = asy_proc_run(v, &po, &pr);
		if (r == ASY_E_NOTFOUND) {
			printf("bench-serve: SKIP: wrk is not installed "
			    "(apt-get install wrk; tools/install-deps.sh does)"
			    "\n");
			return 77;
		}
	}
	if (mkdtemp(tmpl) == NULL)
		return 1;
	runs = asy_path_join(tmpl, "runs");
	if (runs == NULL || mkdir(runs, 0755) < 0)
		goto out;
	t0 = bench_now_ms();
	for (unsigned i = 0; i < n_runs; i++)
		if (make_run(runs, i, 0) < 0)
			goto out;
	for (unsigned i = 0; i < 3; i++)
		if (make_run(runs, (unsigned)n_runs + i, 1) < 0)
			goto out;
	printf("bench-serve: %lu complete runs (report.xml %d KiB each) and "
	    "3 running, made in %.0f ms\n\n", n_runs, REPORT_SIZE / 1024,
	    bench_now_ms() - t0);

	for (int k = 0; k < SCANS; k++) {
		t0 = bench_now_ms();
		r = asy_runlist_open(runs, &l);
		if (r == 0)
			r = asy_runlist_refresh(l, 0);
		scan[k] = bench_now_ms() - t0;
		if (r == 0)
			(void)asy_runlist_entries(l, &n);
		asy_runlist_free(l);
		l = NULL;
		if (r < 0)
			goto out;
	}
	printf("cold scan of the runs folder (%zu entries): median %.1f ms "
	    "of %d\n\n", n, bench_median(scan, SCANS), SCANS);

	so.runs_dir = runs;
	so.addr = "127.0.0.1";
	r = asy_serve_start(&so, &s, why, sizeof(why));
	if (r < 0) {
		fprintf(stderr, "bench-serve: %s\n", why);
		goto out;
	}
	snprintf(page, sizeof(page), "/runs/dev0007-20261008T000700Z/");
	printf("wrk %s per row, 2 wrk threads, 4 server threads, loopback; "
	    "latency per request:\n\n", WRK_SECONDS);
	printf("| request | connections | requests/s | p50 | p90 | p99 | "
	    "transfer/s | non-2xx |\n|---|---:|---:|---:|---:|---:|---:|"
	    "---:|\n");
	if (load(asy_serve_port(s), "/", "1", "1", "5s") < 0 ||
	    load(asy_serve_port(s), "/", "50", "2", WRK_SECONDS) < 0 ||
	    load(asy_serve_port(s), "/api/runs", "50", "2", WRK_SECONDS) < 0 ||
	    load(asy_serve_port(s), "/api/runs?state=running", "50", "2",
	    WRK_SECONDS) < 0 ||
	    load(asy_serve_port(s), page, "50", "2", WRK_SECONDS) < 0)
		goto out;
	snprintf(page, sizeof(page),
	    "/runs/dev0007-20261008T000700Z/report.xml");
	if (load(asy_serve_port(s), page, "50", "2", WRK_SECONDS) < 0)
		goto out;
	printf("\ntarget: the run list under 50 ms a request (p99) with 50 "
	    "clients\n");
	status = 0;
out:
	asy_serve_stop(s);
	if (runs != NULL) {
		char *v[] = { "rm", "-rf", tmpl, NULL };

		(void)asy_proc_run(v, &po, &pr);
	}
	free(runs);
	return status;
}
