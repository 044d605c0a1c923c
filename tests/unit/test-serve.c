/*
 * The dashboard (harness/serve.c, runlist.c) in-process on 127.0.0.1 with
 * a free port, fetched with libcurl, and the assay serve command.
 *
 * The runs folder of each test (make_runs) holds: a real offline run of
 * the ipcam example made by the assay binary (with a small pcap and a
 * transcript added, a symbolic link to /etc/passwd and one to /etc); a
 * running run (.partial, progress.json of this process, with markup in
 * its device name); a stopped one (.partial, the pid of a process that
 * is gone); a complete run whose report has markup in the vendor, model
 * and reason and whose folder name has markup too; a corrupt one (its
 * report.xml is garbage); a foreign folder; a regular file; a symbolic
 * link to the real run; a hidden folder.
 *
 * Checked: what the list, the run pages and the JSON say about each; the
 * escaping of every hostile name; the security headers; downloads with
 * their types and dispositions, HEAD; 404s; path traversal in many
 * spellings (.., %2e%2e, ..%2f, %00, //, backslashes, double encoding,
 * symlinks inside the run and in the runs folder, hidden names, absolute
 * request targets) never serving anything outside a run folder; 405 for
 * every other method; the Host check; the token (missing, wrong, Bearer,
 * ?token= planting an HttpOnly SameSite=Strict cookie, the cookie);
 * progress updates and a run that finishes seen on the next request; the
 * list cache after a new run appears; start-up refusals (a port in use
 * among them); and the command
 * itself (exit 2 for a missing runs folder or a non-loopback address
 * without a token, a clean stop on SIGTERM).
 */
#include <check.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "progress.h"
#include "runlist.h"
#include "serve.h"
#include "ut.h"

#define TOKEN	"s3cr3t-T0ken_for.the~dashboard"
#define EVIL_RUN "evil<img src=x onerror=alert(1)>-20261120T000000Z"
#define EVIL_RUN_URL "evil%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E-" \
	"20261120T000000Z"

/* ---- fixtures ----------------------------------------------------------- */

struct fx {
	char		*dir;
	char		*runs;
	char		*real;		/* the real run's name */
	char		*real_path;
	char		*running;	/* name of the running one */
	long		 dead_pid;
	struct asy_serve *s;
	unsigned	 port;
};

static char *
pjoin(const char *dir, const char *name)
{
	char *p = asy_path_join(dir, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void
mkdir_in(const char *dir, const char *name)
{
	char *p = pjoin(dir, name);

	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p,
	    strerror(errno));
	free(p);
}

static void
write_in(const char *dir, const char *name, const char *text)
{
	char *p = pjoin(dir, name);

	ut_write_str(p, text);
	free(p);
}

static void
now_iso(char buf[32], long long delta)
{
	time_t t = time(NULL) + (time_t)delta;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A progress.json for a .partial run. */
static void
write_progress(const char *run_dir, long pid, const char *device,
    unsigned done, const char *case_id)
{
	char now[32], started[32], host[256];
	struct asy_buf b;
	char *p;

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	now_iso(now, 0);
	now_iso(started, -125);
	asy_buf_init(&b, 1 << 16);
	ck_assert_int_eq(asy_buf_printf(&b, "{\"format\": 1, \"state\": "
	    "\"running\", \"device\": \"%s\", \"edition\": "
	    "\"ts103701-v1.1.1\", \"host\": \"%s\", \"pid\": %ld, "
	    "\"started\": \"%s\", \"updated\": \"%s\", \"case\": {\"id\": "
	    "\"%s\", \"title\": \"Default passwords <i>here</i>\", "
	    "\"started\": \"%s\"}, \"done\": %u, \"total\": 171, \"counts\": "
	    "{\"pass\": %u, \"fail\": 1, \"na\": 0, \"inconclusive\": 2, "
	    "\"error\": 0, \"none\": 0}, \"last\": [{\"case\": \"5.1-1-1\", "
	    "\"unit\": \"a\", \"verdict\": \"FAIL\"}]}\n", device, host, pid,
	    started, now, case_id, now, done, done > 3 ? done - 3 : 0), 0);
	p = pjoin(run_dir, ASY_PROGRESS_FILE);
	ck_assert_int_eq(asy_buf_save_file(&b, p), 0);
	free(p);
	asy_buf_release(&b);
}

static const char EVIL_REPORT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<report format=\"1\" xmlns=\"urn:assay:report:1\">\n"
    "  <run id=\"evil\" assay-version=\"0.1.0\" date=\"2026-11-20T00:00:00Z\""
    " mode=\"live\" edition=\"ts103701-v1.1.1\">\n  </run>\n"
    "  <dut vendor=\"&lt;script&gt;alert(1)&lt;/script&gt;\" "
    "model=\"Cam&quot;&gt;&lt;b&gt;x\" hw=\"A\" sw=\"1&amp;2\" "
    "name=\"evil\"/>\n"
    "  <overall verdict=\"PASS\">\n"
    "    <reason>all &lt;i&gt;fine&lt;/i&gt; &#x1; done</reason>\n"
    "    <counts level=\"units\" none=\"0\" pass=\"3\" fail=\"0\" na=\"1\" "
    "inconclusive=\"0\" error=\"0\" total=\"4\"/>\n"
    "  </overall>\n";

/* A minimal pcap file: the global header only. */
static const unsigned char PCAP[24] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 1, 0, 0, 0,
};

static void
make_runs(struct fx *f)
{
	const char *bin = ut_bin();
	char *dev = ut_src("ics-ixit/examples/ipcam");
	char *out, *err, *p;
	struct dirent *de;
	DIR *d;
	pid_t pid;
	int st = 0, code;

	memset(f, 0, sizeof(*f));
	ck_assert_msg(bin != NULL, "ASSAY_BIN is not set");
	f->dir = ut_tmpdir();
	f->runs = pjoin(f->dir, "runs");
	out = pjoin(f->dir, "out");
	err = pjoin(f->dir, "err");
	{
		char *argv[] = { (char *)bin, "run", "--offline", "--batch",
		    "--runs-dir", f->runs, dev, NULL };

		code = ut_spawn(argv, out, err, 60000);
		ck_assert_msg(code == 1, "assay run exited %d", code);
	}
	d = opendir(f->runs);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			f->real = asy_strdup(de->d_name);
	closedir(d);
	ck_assert_ptr_nonnull(f->real);
	f->real_path = pjoin(f->runs, f->real);
	/* Evidence a live run would have, and two links out. */
	mkdir_in(f->real_path, "pcap");
	mkdir_in(f->real_path, "transcripts");
	p = pjoin(f->real_path, "pcap/5.1-1-2.pcap");
	ut_write(p, PCAP, sizeof(PCAP));
	free(p);
	write_in(f->real_path, "transcripts/5.1-1-2-surfaces.txt",
	    "ssh 22: password\n");
	p = pjoin(f->real_path, "passwd");
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	free(p);
	p = pjoin(f->real_path, "etc");
	ck_assert_int_eq(symlink("/etc", p), 0);
	free(p);

	/* Running: this process, alive. */
	f->running = asy_strdup("hub-20261122T120000Z.partial");
	mkdir_in(f->runs, f->running);
	p = pjoin(f->runs, f->running);
	write_progress(p, (long)getpid(), "Korvat <b>H1</b> hub", 12,
	    "5.1-1-2");
	free(p);

	/* Stopped: a process that is gone. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	f->dead_pid = (long)pid;
	mkdir_in(f->runs, "sensor-20261101T000000Z.partial");
	p = pjoin(f->runs, "sensor-20261101T000000Z.partial");
	write_progress(p, f->dead_pid, "Nimbl T3 sensor", 40, "5.5-1-1");
	free(p);

	/* Complete, with markup everywhere. */
	mkdir_in(f->runs, EVIL_RUN);
	p = pjoin(f->runs, EVIL_RUN);
	write_in(p, "report.xml", EVIL_REPORT);
	write_in(p, "MANIFEST.sha256", "00  report.xml\n");
	free(p);

	/* Corrupt, foreign, a file, a link, a hidden folder. */
	mkdir_in(f->runs, "broken-20261121T000000Z");
	p = pjoin(f->runs, "broken-20261121T000000Z");
	write_in(p, "report.xml", "\x01\x02 not xml <report");
	free(p);
	mkdir_in(f->runs, "photos");
	p = pjoin(f->runs, "photos");
	write_in(p, "cat.jpg", "JFIF");
	free(p);
	write_in(f->runs, "notes.txt", "a file, not a run\n");
	p = pjoin(f->runs, "linked-run");
	ck_assert_int_eq(symlink(f->real_path, p), 0);
	free(p);
	mkdir_in(f->runs, ".hidden-20261122T000000Z");
	p = pjoin(f->runs, ".hidden-20261122T000000Z");
	write_in(p, "report.xml", "secret");
	free(p);
	free(out);
	free(err);
	free(dev);
}

static void
start(struct fx *f, const char *token)
{
	struct asy_serve_opts o = { 0 };
	char why[512] = "";
	int r;

	o.runs_dir = f->runs;
	o.addr = "127.0.0.1";
	o.port = 0;
	o.token = token;
	o.refresh_ms = 1;
	r = asy_serve_start(&o, &f->s, why, sizeof(why));
	ck_assert_msg(r == 0, "cannot start: %d %s", r, why);
	f->port = asy_serve_port(f->s);
	ck_assert_uint_gt(f->port, 0);
}

static void
fx_free(struct fx *f)
{
	asy_serve_stop(f->s);
	free(f->real);
	free(f->real_path);
	free(f->running);
	free(f->runs);
	free(f->dir);
}

/* ---- fetching ----------------------------------------------------------- */

struct got {
	CURLcode	 rc;
	long		 status;
	struct asy_buf	 body;
	struct asy_buf	 head;
};

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	struct asy_buf *b = cls;

	if (asy_buf_add(b, p, size * n) < 0)
		return 0;
	return size * n;
}

static void
got_release(struct got *g)
{
	asy_buf_release(&g->body);
	asy_buf_release(&g->head);
}

/* Fetch path as sent (no normalisation) with method (NULL: GET) and
 * extra header lines (NULL-terminated, or NULL). */
static void
fetch(const struct fx *f, const char *method, const char *path,
    const char *const *hdrs, struct got *g)
{
	struct curl_slist *h = NULL;
	char url[8192];
	CURL *c;

	memset(g, 0, sizeof(*g));
	asy_buf_init(&g->body, (size_t)16 << 20);
	asy_buf_init(&g->head, 64 * 1024);
	ck_assert_int_eq(asy_buf_puts(&g->body, ""), 0);
	ck_assert_int_eq(asy_buf_puts(&g->head, ""), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", f->port, path);
	c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &g->head);
	if (method != NULL && strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	for (size_t i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		h = curl_slist_append(h, hdrs[i]);
	if (h != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	g->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	ck_assert_msg(g->rc == CURLE_OK, "GET %s: curl error %d", path,
	    g->rc);
}

/* GET path, expecting status; the body is left in g. */
static void
get_expect(const struct fx *f, const char *path, long status, struct got *g)
{
	fetch(f, NULL, path, NULL, g);
	ck_assert_msg(g->status == status, "GET %s: %ld, not %ld: %.300s",
	    path, g->status, status, g->body.data);
}

static int
has(const struct got *g, const char *needle)
{
	return strstr(g->body.data, needle) != NULL;
}

static int
head_has(const struct got *g, const char *needle)
{
	return strcasestr(g->head.data, needle) != NULL;
}

#define HAS(g, s)	ck_assert_msg(has((g), (s)), "no '%s' in %.2000s", \
			    (s), (g)->body.data)
#define HASNT(g, s)	ck_assert_msg(!has((g), (s)), "'%s' in the answer", \
			    (s))

/* The body holds no byte of a file outside the runs. */
static void
assert_nothing_leaked(const struct got *g)
{
	HASNT(g, "root:");
	HASNT(g, "secret");
}

/* ---- the list ------------------------------------------------------------- */

START_TEST(test_list)
{
	struct fx f;
	struct got g;
	char buf[512];
	const char *a, *b, *c;

	make_runs(&f);
	start(&f, NULL);
	get_expect(&f, "/", 200, &g);
	ck_assert(head_has(&g, "Content-Type: text/html; charset=utf-8"));
	ck_assert(head_has(&g, "X-Content-Type-Options: nosniff"));
	ck_assert(head_has(&g, "Content-Security-Policy: default-src 'none'; "
	    "style-src 'self'; script-src 'self'"));
	ck_assert(head_has(&g, "X-Frame-Options: DENY"));
	/* The real run: device, verdict, counts, links. */
	HAS(&g, "Lumora Imaging C20 IP camera");
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/\"", f.real);
	HAS(&g, buf);
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/report.html\"", f.real);
	HAS(&g, buf);
	HAS(&g, "<span class=\"v v-fail\">FAIL</span>");
	HAS(&g, "PASS 2</i>");
	HAS(&g, "FAIL 15</i>");
	HAS(&g, "INCONCLUSIVE 158</i>");
	/* The running one: current case, counts so far, progress. */
	HAS(&g, "data-state=\"running\" data-run=\"hub-20261122T120000Z."
	    "partial\"");
	HAS(&g, "<b class=\"st-running\">running</b>");
	HAS(&g, "<progress max=\"171\" value=\"12\"></progress>");
	HAS(&g, "12 of 171 units");
	HAS(&g, "5.1-1-2 Default passwords &lt;i&gt;here&lt;/i&gt;");
	HAS(&g, "PASS 9</i>");
	HAS(&g, "running for <span class=\"p-elapsed\">2 min");
	HAS(&g, "Korvat &lt;b&gt;H1&lt;/b&gt; hub");
	/* The stopped one. */
	snprintf(buf, sizeof(buf), "stopped: process %ld is gone after 40 "
	    "of 171 units", f.dead_pid);
	HAS(&g, buf);
	HAS(&g, "stopped / incomplete");
	/* Corrupt, foreign, a file, a link. */
	HAS(&g, "<b class=\"st-corrupt\">corrupt</b>");
	HAS(&g, "report.xml: not an assay report");
	HAS(&g, "not a run folder: no report.xml, MANIFEST.sha256 or "
	    "progress.json");
	HAS(&g, "<small>notes.txt</small>");
	HAS(&g, "not a folder");
	HAS(&g, "a symbolic link: only real folders are served");
	/* Hidden entries are not runs. */
	HASNT(&g, "hidden");
	/* Markup from reports and names is escaped. */
	HAS(&g, "&lt;script&gt;alert(1)&lt;/script&gt; Cam&quot;&gt;&lt;b&gt;x");
	HAS(&g, "evil&lt;img src=x onerror=alert(1)&gt;-20261120T000000Z");
	HAS(&g, "href=\"/runs/" EVIL_RUN_URL "/\"");
	HASNT(&g, "<script>alert");
	HASNT(&g, "<img src=x");
	HASNT(&g, "<b>H1");
	HASNT(&g, "<i>here");
	/* Newest first: today's real run, then the 21st, then the 20th. */
	a = strstr(g.body.data, f.real);
	b = strstr(g.body.data, "broken-20261121T000000Z");
	c = strstr(g.body.data, "evil&lt;img");
	ck_assert(a != NULL && b != NULL && c != NULL);
	ck_assert(a < b && b < c);
	got_release(&g);
	/* HEAD: the headers, no body. */
	fetch(&f, "HEAD", "/", NULL, &g);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, 0);
	ck_assert(head_has(&g, "Content-Length: "));
	got_release(&g);
	fx_free(&f);
}
END_TEST

START_TEST(test_api)
{
	struct fx f;
	struct got g;
	char buf[512];

	make_runs(&f);
	start(&f, NULL);
	get_expect(&f, "/api/runs", 200, &g);
	ck_assert(head_has(&g, "Content-Type: application/json"));
	HAS(&g, "\"count\": 8,");
	HAS(&g, "\"state\": \"running\"");
	HAS(&g, "\"state\": \"corrupt\"");
	HAS(&g, "\"state\": \"foreign\"");
	HAS(&g, "\"state\": \"incomplete\"");
	HAS(&g, "\"overall\": \"FAIL\"");
	HAS(&g, "\"device\": \"\\u003cscript>alert(1)");
	got_release(&g);
	get_expect(&f, "/api/runs?state=running", 200, &g);
	HAS(&g, "\"name\": \"hub-20261122T120000Z.partial\"");
	HAS(&g, "\"done\": 12, \"total\": 171");
	HAS(&g, "\"case\": {\"id\": \"5.1-1-2\"");
	HAS(&g, "\"counts\": {\"pass\": 9, \"fail\": 1");
	HASNT(&g, f.real);
	HASNT(&g, "sensor");
	got_release(&g);
	get_expect(&f, "/api/runs?state=bogus", 400, &g);
	got_release(&g);
	snprintf(buf, sizeof(buf), "/api/runs/%s", f.real);
	get_expect(&f, buf, 200, &g);
	HAS(&g, "\"overall_reason\": \"10 of 33 mandatory test groups "
	    "failed");
	got_release(&g);
	get_expect(&f, "/api/runs/nope", 404, &g);
	got_release(&g);
	get_expect(&f, "/api/runs/..", 404, &g);
	got_release(&g);
	fx_free(&f);
}
END_TEST

/* ---- run pages and downloads --------------------------------------------- */

START_TEST(test_run_pages)
{
	struct fx f;
	struct got g;
	char buf[512];

	make_runs(&f);
	start(&f, NULL);
	snprintf(buf, sizeof(buf), "/runs/%s/", f.real);
	get_expect(&f, buf, 200, &g);
	HAS(&g, "<h1>Lumora Imaging C20 IP camera</h1>");
	HAS(&g, "10 of 33 mandatory test groups failed");
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/report.xml\"", f.real);
	HAS(&g, buf);
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/junit.xml\"", f.real);
	HAS(&g, buf);
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/pcap/5.1-1-2.pcap\"",
	    f.real);
	HAS(&g, buf);
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/transcripts/"
	    "5.1-1-2-surfaces.txt\"", f.real);
	HAS(&g, buf);
	snprintf(buf, sizeof(buf), "href=\"/runs/%s/inputs/ics.xml\"",
	    f.real);
	HAS(&g, buf);
	HAS(&g, "passwd <span class=\"muted\">(symbolic link, not served)");
	/* The compare form is there, and honest. */
	HAS(&g, "<form method=\"get\" action=\"/compare\">");
	HAS(&g, "value=\"" "evil&lt;img src=x onerror=alert(1)&gt;-"
	    "20261120T000000Z\"");
	HAS(&g, "what changed from the chosen run to this one");
	HASNT(&g, "<img src=x");
	got_release(&g);
	/* The diff view of two complete runs (here the real one with
	 * itself: nothing changed). */
	snprintf(buf, sizeof(buf), "/compare?old=%s&new=%s", f.real, f.real);
	get_expect(&f, buf, 200, &g);
	HAS(&g, "<h1>Compare</h1>");
	HAS(&g, "<section class=\"diff\">");
	HAS(&g, "<strong>No regression</strong>: ");
	HAS(&g, "<p class=\"muted\">No unit changed.</p>");
	HASNT(&g, "<pre");
	got_release(&g);
	/* A listed run whose report assay cannot read back (the hand-made
	 * one with markup): 422 with the reason, escaped. */
	snprintf(buf, sizeof(buf), "/compare?old=%s&new=%s", f.real,
	    "evil%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E-20261120T000000Z");
	get_expect(&f, buf, 422, &g);
	HASNT(&g, "<img src=x");
	got_release(&g);
	/* Only complete runs of the list: no paths, no partial runs. */
	get_expect(&f, "/compare?old=x&new=y", 404, &g);
	got_release(&g);
	snprintf(buf, sizeof(buf), "/compare?old=..%%2F..%%2Fetc&new=%s",
	    f.real);
	get_expect(&f, buf, 404, &g);
	got_release(&g);
	snprintf(buf, sizeof(buf), "/compare?old=%s&new=%s", f.real,
	    f.running);
	get_expect(&f, buf, 404, &g);
	got_release(&g);
	/* Without the slash: a redirect. */
	snprintf(buf, sizeof(buf), "/runs/%s", f.real);
	get_expect(&f, buf, 301, &g);
	snprintf(buf, sizeof(buf), "Location: /runs/%s/", f.real);
	ck_assert(head_has(&g, buf));
	got_release(&g);
	/* The running one, live. */
	get_expect(&f, "/runs/hub-20261122T120000Z.partial/", 200, &g);
	HAS(&g, "data-watch=\"run\"");
	HAS(&g, "12 of 171 units");
	HAS(&g, "<li><span class=\"v v-fail\">FAIL</span> 5.1-1-1 a</li>");
	got_release(&g);
	/* The hostile complete one. */
	get_expect(&f, "/runs/" EVIL_RUN_URL "/", 200, &g);
	HAS(&g, "all &lt;i&gt;fine&lt;/i&gt;");
	HAS(&g, "software 1&amp;2");
	HASNT(&g, "<script>alert");
	HASNT(&g, "<i>fine");
	got_release(&g);
	/* A foreign folder: its reason, no files. */
	get_expect(&f, "/runs/photos/", 200, &g);
	HAS(&g, "not a run folder");
	HASNT(&g, "cat.jpg");
	got_release(&g);
	get_expect(&f, "/runs/photos/cat.jpg", 403, &g);
	got_release(&g);
	get_expect(&f, "/runs/nope/", 404, &g);
	got_release(&g);
	get_expect(&f, "/nothing/here", 404, &g);
	got_release(&g);
	fx_free(&f);
}
END_TEST

START_TEST(test_downloads)
{
	static const struct {
		const char	*rel;
		const char	*type;
		const char	*disp;
		const char	*csp;
	} rows[] = {
		{ "report.html", "text/html; charset=utf-8",
		  "inline; filename=\"report.html\"", "script-src 'sha256-" },
		{ "report.xml", "application/xml",
		  "attachment; filename=\"report.xml\"", "sandbox" },
		{ "report.json", "application/json",
		  "attachment; filename=\"report.json\"", "sandbox" },
		{ "junit.xml", "application/xml", "attachment", "sandbox" },
		{ "MANIFEST.sha256", "text/plain; charset=utf-8",
		  "inline; filename=\"MANIFEST.sha256\"", "sandbox" },
		{ "pcap/5.1-1-2.pcap", "application/vnd.tcpdump.pcap",
		  "attachment; filename=\"5.1-1-2.pcap\"", "sandbox" },
		{ "transcripts/5.1-1-2-surfaces.txt",
		  "text/plain; charset=utf-8", "inline", "sandbox" },
		{ "inputs/ics.xml", "application/xml", "attachment",
		  "sandbox" },
		{ "progress.json", "application/json", "attachment",
		  "sandbox" },
	};
	struct fx f;
	struct got g;
	struct asy_buf want;
	char buf[512];

	make_runs(&f);
	start(&f, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(rows); i++) {
		char *path = pjoin(f.real_path, rows[i].rel);

		snprintf(buf, sizeof(buf), "/runs/%s/%s", f.real, rows[i].rel);
		get_expect(&f, buf, 200, &g);
		ut_load(path, &want);
		ck_assert_uint_eq(g.body.len, want.len);
		ck_assert(memcmp(g.body.data, want.data, want.len) == 0);
		snprintf(buf, sizeof(buf), "Content-Type: %s\r\n",
		    rows[i].type);
		ck_assert_msg(head_has(&g, buf), "%s: %s", rows[i].rel,
		    g.head.data);
		snprintf(buf, sizeof(buf), "Content-Disposition: %s",
		    rows[i].disp);
		ck_assert_msg(head_has(&g, buf), "%s: %s", rows[i].rel,
		    g.head.data);
		ck_assert(head_has(&g, rows[i].csp));
		ck_assert(head_has(&g, "X-Content-Type-Options: nosniff"));
		asy_buf_release(&want);
		got_release(&g);
		free(path);
	}
	/* HEAD of a file: its length, no body. */
	snprintf(buf, sizeof(buf), "/runs/%s/pcap/5.1-1-2.pcap", f.real);
	fetch(&f, "HEAD", buf, NULL, &g);
	ck_assert_int_eq(g.status, 200);
	ck_assert_uint_eq(g.body.len, 0);
	ck_assert(head_has(&g, "Content-Length: 24\r\n"));
	got_release(&g);
	/* Missing files and folders. */
	snprintf(buf, sizeof(buf), "/runs/%s/nope.txt", f.real);
	get_expect(&f, buf, 404, &g);
	got_release(&g);
	snprintf(buf, sizeof(buf), "/runs/%s/pcap", f.real);
	get_expect(&f, buf, 404, &g);
	got_release(&g);
	/* The running run's files are served too. */
	get_expect(&f, "/runs/hub-20261122T120000Z.partial/progress.json",
	    200, &g);
	HAS(&g, "\"state\": \"running\"");
	got_release(&g);
	fx_free(&f);
}
END_TEST

/* ---- traversal -------------------------------------------------------------- */

START_TEST(test_traversal)
{
	/* %R is the real run's name. */
	static const struct {
		const char	*path;
		long		 status;
	} rows[] = {
		{ "/runs/../../etc/passwd", 400 },
		{ "/runs/..", 400 },
		{ "/runs/../", 400 },
		{ "/runs/%R/../../../../etc/passwd", 400 },
		{ "/runs/%R/../%R/report.xml", 400 },
		{ "/runs/%R/./report.xml", 400 },
		{ "/runs/%R/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400 },
		{ "/runs/%R/%2E%2E/%2E%2E/etc/passwd", 400 },
		{ "/runs/%R/..%2f..%2f..%2fetc%2fpasswd", 400 },
		{ "/runs/%R/..%2F..%2Fetc%2Fpasswd", 400 },
		{ "/runs/%R/%2fetc%2fpasswd", 400 },
		{ "/runs/%R//etc/passwd", 400 },
		{ "/runs//etc/passwd", 400 },
		{ "/runs/%2e%2e/%2e%2e/etc/passwd", 400 },
		{ "/runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400 },
		{ "/runs/%R/..\\..\\..\\etc\\passwd", 400 },
		{ "/runs/%R/report.xml%00.txt", 400 },
		{ "/runs/%R/report.xml%0a", 400 },
		{ "/runs/%R/%252e%252e/%252e%252e/etc/passwd", 404 },
		{ "/runs/%R/%c0%ae%c0%ae/etc/passwd", 404 },
		{ "/runs/%R/%zz", 400 },
		{ "/runs/%R/%2", 400 },
		{ "/runs/%R/passwd", 403 },
		{ "/runs/%R/etc/passwd", 403 },
		{ "/runs/%R/etc/", 403 },
		{ "/runs/linked-run/report.xml", 403 },
		{ "/runs/linked-run/", 200 },
		{ "/runs/.hidden-20261122T000000Z/report.xml", 400 },
		{ "/runs/%2ehidden-20261122T000000Z/report.xml", 400 },
		{ "/runs/notes.txt/", 200 },
		{ "/runs/notes.txt/x", 403 },
		{ "/etc/passwd", 404 },
		{ "/static/../runs/%R/report.xml", 404 },
		{ "/static/dash.css/../../etc/passwd", 404 },
	};
	struct fx f;
	struct got g;

	make_runs(&f);
	start(&f, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(rows); i++) {
		struct asy_buf p;
		const char *s = rows[i].path;

		asy_buf_init(&p, 4096);
		for (; *s != '\0'; s++)
			if (s[0] == '%' && s[1] == 'R') {
				ck_assert_int_eq(asy_buf_puts(&p, f.real), 0);
				s++;
			} else
				ck_assert_int_eq(asy_buf_putc(&p, *s), 0);
		fetch(&f, NULL, p.data, NULL, &g);
		ck_assert_msg(g.status == rows[i].status, "%s: %ld, not %ld",
		    p.data, g.status, rows[i].status);
		assert_nothing_leaked(&g);
		got_release(&g);
		asy_buf_release(&p);
	}
	fx_free(&f);
}
END_TEST

/* Raw request targets curl would not send: absolute-form, no slash. */
static void
raw_request(unsigned port, const char *req, struct asy_buf *ans)
{
	struct sockaddr_in a;
	long long dl = ut_now_ms() + 5000;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	asy_buf_init(ans, 1 << 20);
	ck_assert_int_eq(asy_buf_puts(ans, ""), 0);
	while (ut_now_ms() < dl) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char chunk[4096];
		ssize_t n;

		if (poll(&pfd, 1, 500) <= 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		ck_assert_int_eq(asy_buf_add(ans, chunk, (size_t)n), 0);
	}
	close(fd);
}

START_TEST(test_raw_targets)
{
	static const char *const reqs[] = {
		"GET http://127.0.0.1/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1"
		"\r\nConnection: close\r\n\r\n",
		"GET etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
		"close\r\n\r\n",
		"GET /runs/../../../etc/passwd HTTP/1.0\r\n\r\n",
		"GET /runs/%R/../../../../../etc/passwd HTTP/1.0\r\n\r\n",
	};
	struct fx f;
	struct asy_buf ans;
	char req[1024];

	make_runs(&f);
	start(&f, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(reqs); i++) {
		const char *r = strstr(reqs[i], "%R");

		if (r != NULL)
			snprintf(req, sizeof(req), "%.*s%s%s",
			    (int)(r - reqs[i]), reqs[i], f.real, r + 2);
		else
			snprintf(req, sizeof(req), "%s", reqs[i]);
		raw_request(f.port, req, &ans);
		ck_assert_msg(strncmp(ans.data, "HTTP/1.", 7) == 0,
		    "no answer to %s", req);
		ck_assert_msg(strstr(ans.data, " 200 ") == NULL, "%s: %.200s",
		    req, ans.data);
		ck_assert(strstr(ans.data, "root:") == NULL);
		asy_buf_release(&ans);
	}
	fx_free(&f);
}
END_TEST

/* ---- methods, hosts, tokens ------------------------------------------------ */

START_TEST(test_methods)
{
	static const char *const methods[] = { "POST", "PUT", "DELETE",
	    "PATCH", "OPTIONS", "TRACE", "get", "PROPFIND" };
	struct fx f;
	struct got g;

	make_runs(&f);
	start(&f, NULL);
	for (size_t i = 0; i < ASY_ELEMENTSOF(methods); i++) {
		fetch(&f, methods[i], "/", NULL, &g);
		ck_assert_msg(g.status == 405, "%s: %ld", methods[i], g.status);
		ck_assert(head_has(&g, "Allow: GET, HEAD"));
		got_release(&g);
	}
	fx_free(&f);
}
END_TEST

START_TEST(test_host)
{
	static const char *const evil[] = { "Host: evil.example", NULL };
	static const char *const evil2[] = { "Host: 127.0.0.1.evil.example",
	    NULL };
	struct fx f;
	struct got g;
	char host[64];
	const char *good[] = { host, NULL };

	make_runs(&f);
	start(&f, NULL);
	fetch(&f, NULL, "/", evil, &g);
	ck_assert_int_eq(g.status, 421);
	HASNT(&g, "Lumora");
	got_release(&g);
	fetch(&f, NULL, "/api/runs", evil2, &g);
	ck_assert_int_eq(g.status, 421);
	got_release(&g);
	snprintf(host, sizeof(host), "Host: localhost:%u", f.port);
	fetch(&f, NULL, "/", good, &g);
	ck_assert_int_eq(g.status, 200);
	got_release(&g);
	fx_free(&f);
}
END_TEST

START_TEST(test_token)
{
	static const char *const bearer[] = { "Authorization: Bearer " TOKEN,
	    NULL };
	static const char *const wrong[] = { "Authorization: Bearer "
	    TOKEN "x", NULL };
	static const char *const basic[] = { "Authorization: Basic "
	    "dXNlcjpwYXNz", NULL };
	static const char *const cookie[] = { "Cookie: assay_token=" TOKEN,
	    NULL };
	static const char *const bad_cookie[] = { "Cookie: assay_token=nope",
	    NULL };
	static const char *const other_host[] = { "Authorization: Bearer "
	    TOKEN, "Host: lab-pc.example", NULL };
	struct fx f;
	struct got g;
	char buf[512];

	make_runs(&f);
	start(&f, TOKEN);
	get_expect(&f, "/", 401, &g);
	ck_assert(head_has(&g, "WWW-Authenticate: Bearer"));
	HASNT(&g, "Lumora");
	got_release(&g);
	snprintf(buf, sizeof(buf), "/runs/%s/report.xml", f.real);
	get_expect(&f, buf, 401, &g);
	HASNT(&g, "<report");
	got_release(&g);
	get_expect(&f, "/static/dash.js", 401, &g);
	got_release(&g);
	fetch(&f, NULL, "/", wrong, &g);
	ck_assert_int_eq(g.status, 401);
	got_release(&g);
	fetch(&f, NULL, "/", basic, &g);
	ck_assert_int_eq(g.status, 401);
	got_release(&g);
	fetch(&f, NULL, "/", bad_cookie, &g);
	ck_assert_int_eq(g.status, 401);
	got_release(&g);
	get_expect(&f, "/?token=wrong-token-of-some-length", 401, &g);
	got_release(&g);
	fetch(&f, NULL, "/", bearer, &g);
	ck_assert_int_eq(g.status, 200);
	HAS(&g, "Lumora");
	got_release(&g);
	fetch(&f, NULL, buf, bearer, &g);
	ck_assert_int_eq(g.status, 200);
	got_release(&g);
	/* With a token, any Host is fine. */
	fetch(&f, NULL, "/", other_host, &g);
	ck_assert_int_eq(g.status, 200);
	got_release(&g);
	/* ?token= plants the cookie and drops the token from the URL. */
	get_expect(&f, "/api/runs?token=" TOKEN, 303, &g);
	ck_assert(head_has(&g, "Set-Cookie: assay_token=" TOKEN "; Path=/; "
	    "HttpOnly; SameSite=Strict"));
	ck_assert(head_has(&g, "Location: /api/runs\r\n"));
	got_release(&g);
	fetch(&f, NULL, "/api/runs", cookie, &g);
	ck_assert_int_eq(g.status, 200);
	HAS(&g, "\"count\": 8");
	got_release(&g);
	fx_free(&f);
}
END_TEST

START_TEST(test_token_file)
{
	static const struct {
		const char	*text;
		int		 r;
	} rows[] = {
		{ TOKEN "\n", 0 },
		{ "  " TOKEN "  \r\nsecond line\n", 0 },
		{ "short\n", ASY_E_USAGE },
		{ "", ASY_E_USAGE },
		{ "has a space in the middle of it\n", ASY_E_USAGE },
		{ "quote\"inside-a-long-enough-token\n", ASY_E_USAGE },
		{ "semicolon;inside-a-long-enough-token\n", ASY_E_USAGE },
	};
	char *dir = ut_tmpdir(), *path = pjoin(dir, "token");
	char why[512];

	for (size_t i = 0; i < ASY_ELEMENTSOF(rows); i++) {
		char *tok = NULL;
		int r;

		ut_write_str(path, rows[i].text);
		r = asy_serve_token_load(path, &tok, why, sizeof(why));
		ck_assert_msg(r == rows[i].r, "row %zu: %d %s", i, r, why);
		if (r == 0)
			ck_assert_str_eq(tok, TOKEN);
		else
			ck_assert(strstr(why, path) != NULL);
		free(tok);
	}
	ck_assert_int_eq(unlink(path), 0);
	{
		char *tok = NULL;

		ck_assert_int_eq(asy_serve_token_load(path, &tok, why,
		    sizeof(why)), ASY_E_NOTFOUND);
	}
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_start_refusals)
{
	static const struct {
		const char	*addr;
		int		 loopback;
	} addrs[] = {
		{ "127.0.0.1", 1 }, { "127.1.2.3", 1 }, { "::1", 1 },
		{ "::ffff:127.0.0.1", 1 }, { "0.0.0.0", 0 }, { "::", 0 },
		{ "192.0.2.1", 0 }, { "128.0.0.1", 0 }, { "localhost", 0 },
		{ "::ffff:192.0.2.1", 0 }, { "", 0 },
	};
	struct asy_serve_opts o = { 0 };
	struct asy_serve *s = NULL;
	char *dir = ut_tmpdir(), why[512] = "";

	for (size_t i = 0; i < ASY_ELEMENTSOF(addrs); i++)
		ck_assert_msg(asy_addr_is_loopback(addrs[i].addr) ==
		    addrs[i].loopback, "%s", addrs[i].addr);
	o.runs_dir = dir;
	o.addr = "0.0.0.0";
	ck_assert_int_eq(asy_serve_start(&o, &s, why, sizeof(why)),
	    ASY_E_USAGE);
	ck_assert(strstr(why, "needs a token") != NULL);
	o.addr = "not-an-address";
	ck_assert_int_eq(asy_serve_start(&o, &s, why, sizeof(why)),
	    ASY_E_INPUT);
	o.addr = "127.0.0.1";
	o.token = "short";
	ck_assert_int_eq(asy_serve_start(&o, &s, why, sizeof(why)),
	    ASY_E_USAGE);
	o.token = NULL;
	o.runs_dir = "/nonexistent/assay/runs";
	ck_assert_int_eq(asy_serve_start(&o, &s, why, sizeof(why)),
	    ASY_E_NOTFOUND);
	ck_assert(strstr(why, "does not exist") != NULL);
	o.runs_dir = "/etc/passwd";
	ck_assert_int_eq(asy_serve_start(&o, &s, why, sizeof(why)),
	    ASY_E_NOTREG);
	ck_assert_ptr_null(s);
	free(dir);
}
END_TEST

/* A port someone else listens on: ASY_E_IO, with libmicrohttpd's reason
 * on one line. */
START_TEST(test_port_in_use)
{
	struct asy_serve_opts o = { .addr = "127.0.0.1" };
	struct asy_serve *s = NULL;
	char *dir = ut_tmpdir(), want[64], why[512] = "";
	int fd, r;

	fd = ut_listen_lo(&o.port);
	o.runs_dir = dir;
	r = asy_serve_start(&o, &s, why, sizeof(why));
	ck_assert_msg(r == ASY_E_IO, "%d (%s)", r, why);
	ck_assert_ptr_null(s);
	snprintf(want, sizeof(want), "cannot listen on 127.0.0.1 port %u: ",
	    o.port);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "why: %s", why);
	ck_assert_msg(strstr(why, "in use") != NULL, "why: %s", why);
	ck_assert_ptr_null(strchr(why, '\n'));
	close(fd);
	free(dir);
}
END_TEST

/* The ipcam answers with 5.2-1-1 a turned to FAIL, its reason markup. */
static void
make_cam2(const char *dir)
{
	static const char from[] = "case=\"5.2-1-1\" unit=\"a\" "
	    "verdict=\"PASS\"";
	static const char text[] = "The declared policy names a contact "
	    "address and an acknowledgement time and is published on a "
	    "public page.";
	static const char *const copied[] = { "ics.xml", "ixit.xml" };
	char *src = ut_src("ics-ixit/examples/ipcam"), *p, *q;
	struct asy_buf a, b;

	mkdir_in(dir, "cam2");
	for (size_t i = 0; i < ASY_ELEMENTSOF(copied); i++) {
		p = pjoin(src, copied[i]);
		ut_load(p, &a);
		free(p);
		p = asy_strdup_printf("%s/cam2/%s", dir, copied[i]);
		ck_assert_int_eq(asy_buf_save_file(&a, p), 0);
		free(p);
		asy_buf_release(&a);
	}
	p = pjoin(src, "answers.xml");
	ut_load(p, &a);
	free(p);
	p = strstr(a.data, from);
	ck_assert_ptr_nonnull(p);
	q = strstr(p, text);
	ck_assert_ptr_nonnull(q);
	asy_buf_init(&b, a.len + 1024);
	ck_assert_int_eq(asy_buf_add(&b, a.data, (size_t)(p - a.data)), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "case=\"5.2-1-1\" unit=\"a\" "
	    "verdict=\"FAIL\""), 0);
	p += strlen(from);
	ck_assert_int_eq(asy_buf_add(&b, p, (size_t)(q - p)), 0);
	ck_assert_int_eq(asy_buf_puts(&b, "no policy &lt;script&gt;alert(2)"
	    "&lt;/script&gt; &amp; no page"), 0);
	ck_assert_int_eq(asy_buf_puts(&b, q + strlen(text)), 0);
	p = asy_strdup_printf("%s/cam2/answers.xml", dir);
	ck_assert_int_eq(asy_buf_save_file(&b, p), 0);
	free(p);
	asy_buf_release(&b);
	asy_buf_release(&a);
	free(src);
}

/* The diff view of a real regression: the library's HTML table, the
 * regression row first with its verdicts coloured as in the report, and
 * the markup of its reason escaped. */
START_TEST(test_compare)
{
	const char *bin = ut_bin();
	struct fx f;
	struct got g;
	char buf[512], *cam2, *run2, *out, *err;
	int code;

	make_runs(&f);
	make_cam2(f.dir);
	cam2 = pjoin(f.dir, "cam2");
	run2 = pjoin(f.runs, "cam2-20261123T000000Z");
	out = pjoin(f.dir, "out2");
	err = pjoin(f.dir, "err2");
	{
		char *argv[] = { (char *)bin, "run", "--offline", "--batch",
		    "--out", run2, cam2, NULL };

		code = ut_spawn(argv, out, err, 60000);
		ck_assert_msg(code == 1, "assay run exited %d", code);
	}
	start(&f, NULL);
	snprintf(buf, sizeof(buf), "/compare?old=%s&new=%s", f.real,
	    "cam2-20261123T000000Z");
	get_expect(&f, buf, 200, &g);
	snprintf(buf, sizeof(buf), "<p>From <a href=\"/runs/%s/\">", f.real);
	HAS(&g, buf);
	HAS(&g, "<section class=\"diff\">");
	HAS(&g, "<strong>Regressed</strong>: 1 regression, ");
	HAS(&g, "<tbody>\n<tr class=\"k-regression\"><td>regression</td>"
	    "<td><code>5.2-1-1</code></td><td>a</td><td><span class=\"v "
	    "v-pass\">PASS</span></td><td><span class=\"v v-fail\">FAIL"
	    "</span></td><td class=\"why\"><div>no policy &lt;script&gt;"
	    "alert(2)&lt;/script&gt; &amp; no page</div></td></tr>\n");
	HASNT(&g, "<script>alert(2)");
	HASNT(&g, "<pre");
	/* Coloured by the dashboard's stylesheet, as the report is. */
	got_release(&g);
	get_expect(&f, "/static/dash.css", 200, &g);
	HAS(&g, ".v-fail{--c:#c62828;");
	HAS(&g, "tr.k-regression td");
	got_release(&g);
	free(out);
	free(err);
	free(run2);
	free(cam2);
	fx_free(&f);
}
END_TEST

/* ---- changes while serving -------------------------------------------------- */

/* GET path until its body has needle, at most ms; 1 if it came. */
static int
wait_for(const struct fx *f, const char *path, const char *needle, int ms)
{
	long long dl = ut_now_ms() + ms;
	struct got g;
	int found;

	for (;;) {
		fetch(f, NULL, path, NULL, &g);
		found = g.status == 200 && has(&g, needle);
		got_release(&g);
		if (found || ut_now_ms() > dl)
			return found;
		poll(NULL, 0, 20);
	}
}

START_TEST(test_live_changes)
{
	struct fx f;
	struct got g;
	char *run, *final, *copy;

	make_runs(&f);
	start(&f, NULL);
	run = pjoin(f.runs, f.running);
	ck_assert(wait_for(&f, "/api/runs?state=running", "\"done\": 12,",
	    5000));
	write_progress(run, (long)getpid(), "Korvat H1 hub", 57, "5.3-1-2");
	ck_assert(wait_for(&f, "/api/runs?state=running", "\"done\": 57,",
	    5000));
	ck_assert(wait_for(&f, "/", "57 of 171 units", 5000));
	ck_assert(wait_for(&f, "/", "5.3-1-2 Default passwords", 5000));
	/* The run finishes: its folder loses .partial; the old address
	 * leads to the new one. */
	final = pjoin(f.runs, "hub-20261122T120000Z");
	ck_assert_int_eq(rename(run, final), 0);
	copy = pjoin(final, "report.xml");
	ut_write_str(copy, EVIL_REPORT);
	free(copy);
	copy = pjoin(final, "MANIFEST.sha256");
	ut_write_str(copy, "00  report.xml\n");
	free(copy);
	ck_assert(wait_for(&f, "/api/runs/hub-20261122T120000Z",
	    "\"state\": \"complete\"", 5000));
	get_expect(&f, "/runs/hub-20261122T120000Z.partial/", 302, &g);
	ck_assert(head_has(&g, "Location: /runs/hub-20261122T120000Z/"));
	got_release(&g);
	get_expect(&f, "/api/runs?state=running", 200, &g);
	HAS(&g, "\"runs\": [\n]}");
	got_release(&g);
	/* A run that appears is listed. */
	mkdir_in(f.runs, "cam2-20261123T000000Z.partial");
	free(run);
	run = pjoin(f.runs, "cam2-20261123T000000Z.partial");
	write_progress(run, (long)getpid(), "Second camera", 1, "4-1-1");
	ck_assert(wait_for(&f, "/", "Second camera", 5000));
	ck_assert(wait_for(&f, "/api/runs", "\"count\": 9,", 5000));
	/* Its process goes away: stopped. */
	write_progress(run, f.dead_pid, "Second camera", 2, "4-1-1");
	ck_assert(wait_for(&f, "/api/runs/cam2-20261123T000000Z.partial",
	    "\"state\": \"incomplete\"", 5000));
	/* A half-written progress file: corrupt, with the reason. */
	copy = pjoin(run, ASY_PROGRESS_FILE);
	ut_write_str(copy, "{\"format\": 1, \"state\": \"runn");
	free(copy);
	ck_assert(wait_for(&f, "/", "progress.json: not JSON: it ends early",
	    5000));
	free(final);
	free(run);
	fx_free(&f);
}
END_TEST

/* ---- the command ------------------------------------------------------------- */

static int
run_cli(const struct fx *f, char *const argv[], const char *want_err)
{
	char *out = pjoin(f->dir, "cli.out"), *err = pjoin(f->dir, "cli.err");
	int code;

	code = ut_spawn(argv, out, err, 20000);
	if (want_err != NULL)
		ck_assert_msg(ut_file_has(err, want_err), "stderr lacks '%s'",
		    want_err);
	free(out);
	free(err);
	return code;
}

/* A port nobody listens on right now. */
static unsigned
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	unsigned port = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

START_TEST(test_cli)
{
	const char *bin = ut_bin();
	struct fx f;
	struct got g;
	char port[16], *tokfile;
	pid_t pid;
	int st = 0, up = 0;
	long long dl;

	make_runs(&f);
	{
		char *argv[] = { (char *)bin, "serve", "--runs-dir",
		    "/nonexistent/runs", NULL };

		ck_assert_int_eq(run_cli(&f, argv, "does not exist"), 2);
	}
	{
		char *argv[] = { (char *)bin, "serve", "--runs-dir", f.runs,
		    "--listen", "0.0.0.0", NULL };

		ck_assert_int_eq(run_cli(&f, argv, "needs a token "
		    "(--token-file FILE)"), 2);
	}
	{
		char *argv[] = { (char *)bin, "serve", "--port", "70000",
		    NULL };

		ck_assert_int_eq(run_cli(&f, argv, "--port takes"), 2);
	}
	tokfile = pjoin(f.dir, "token");
	ut_write_str(tokfile, "tiny\n");
	{
		char *argv[] = { (char *)bin, "serve", "--runs-dir", f.runs,
		    "--token-file", tokfile, NULL };

		ck_assert_int_eq(run_cli(&f, argv, "the token on its first "
		    "line"), 2);
	}
	/* The real thing, stopped by SIGTERM. */
	f.port = free_port();
	snprintf(port, sizeof(port), "%u", f.port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { (char *)bin, "serve", "--runs-dir", f.runs,
		    "--port", port, NULL };
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(bin, argv);
		_exit(127);
	}
	dl = ut_now_ms() + 10000;
	while (!up && ut_now_ms() < dl) {
		struct sockaddr_in a;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)f.port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		up = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(fd);
		if (!up)
			poll(NULL, 0, 20);
	}
	if (!up)
		kill(pid, SIGKILL);
	ck_assert_msg(up, "assay serve did not listen on %u", f.port);
	get_expect(&f, "/", 200, &g);
	HAS(&g, "Lumora Imaging C20 IP camera");
	got_release(&g);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	dl = ut_now_ms() + 10000;
	while (waitpid(pid, &st, WNOHANG) == 0 && ut_now_ms() < dl)
		poll(NULL, 0, 20);
	if (ut_now_ms() >= dl)
		kill(pid, SIGKILL);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "assay serve did not stop cleanly on SIGTERM: status %d", st);
	free(tokfile);
	fx_free(&f);
}
END_TEST

/* ---- the report head ------------------------------------------------------- */

START_TEST(test_report_head)
{
	struct asy_report_head h;
	char why[256] = "";
	static const char *const bad[] = {
		"",
		"<report format=\"1\">",
		"<?xml version=\"1.0\"?><report xmlns=\"urn:assay:report:1\">",
		"<report xmlns=\"urn:assay:report:1\"><run id=\"x\">"
		    "<overall verdict=\"MAYBE\">",
		"<report xmlns=\"urn:assay:report:1\"><run id=\"x\" "
		    "date=\"2026",
	};

	ck_assert_int_eq(asy_report_head_parse(EVIL_REPORT,
	    strlen(EVIL_REPORT), &h, why, sizeof(why)), 0);
	ck_assert_str_eq(h.vendor, "<script>alert(1)</script>");
	ck_assert_str_eq(h.model, "Cam\"><b>x");
	ck_assert_str_eq(h.sw, "1&2");
	ck_assert_int_eq(h.overall, ASY_V_PASS);
	ck_assert_str_eq(h.reason, "all <i>fine</i> \xef\xbf\xbd done");
	ck_assert(h.has_units);
	ck_assert_uint_eq(h.units[ASY_V_PASS], 3);
	ck_assert_uint_eq(h.units[ASY_V_NA], 1);
	asy_report_head_release(&h);
	for (size_t i = 0; i < ASY_ELEMENTSOF(bad); i++)
		ck_assert_msg(asy_report_head_parse(bad[i], strlen(bad[i]), &h,
		    why, sizeof(why)) == ASY_E_INPUT, "row %zu parsed", i);
	/* Every prefix: no crash, and either refused or complete. */
	for (size_t n = 0; n < strlen(EVIL_REPORT); n++) {
		int r = asy_report_head_parse(EVIL_REPORT, n, &h, why,
		    sizeof(why));

		ck_assert(r == 0 || r == ASY_E_INPUT);
		asy_report_head_release(&h);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("serve");

	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_api);
	tcase_add_test(tc, test_run_pages);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_downloads);
	tcase_add_test(tc, test_traversal);
	tcase_add_test(tc, test_raw_targets);
	tcase_add_test(tc, test_methods);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_token_file);
	tcase_add_test(tc, test_start_refusals);
	tcase_add_test(tc, test_port_in_use);
	tcase_add_test(tc, test_live_changes);
	tcase_add_test(tc, test_cli);
	tcase_add_test(tc, test_report_head);
	tcase_set_timeout(tc, 100);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ut_main(suite());
}
