/*
 * The interactive prompt, through a real pseudo-terminal.
 *
 * "assay run --offline --out DIR --assessor Tester" on the sensor example
 * runs on the slave side of a pty (forkpty), so it sees a terminal and
 * asks about every unanswered conceptual unit.  The test answers the first
 * question PASS and the second FAIL, each with a reason, then quits asking.
 * The run must finish (exit 1: there is a FAIL now); DIR/answers.xml must
 * hold exactly those two answers by "Tester", and report.xml must show the
 * two units PASS and FAIL decided by "assessor Tester" with the given
 * reasons, while every other conceptual unit stays INCONCLUSIVE (or NOT
 * APPLICABLE) and undecided.
 *
 * An operator step the same way: "assay run --offline" on the ipcam
 * example with its answers file skips every question up to 5.8-3-1 c (an
 * inspection of the casing), which must show what the declarations say
 * (the DUT, the 2-UserInfo row about sensors, the 22-ExtSens rows); it is
 * answered PASS with a reason and a photo, after a path that does not
 * exist has been refused and asked again; then asking stops.  The photo
 * must be in the run folder (byte for byte, in the manifest), named in
 * answers.xml, and listed on the unit in report.xml; a skipped operator
 * step and one after "quit" are INCONCLUSIVE, saying so.
 *
 * Every read is bounded by poll() and one deadline; the child is killed
 * after 60 s.
 */
#include <check.h>

#include <pty.h>
#include <termios.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "ut.h"

#define DEADLINE_MS	60000

/* The reasons contain markup characters: they must come back intact. */
static const char *const reasons[] = {
	"the ICS justifies every N row <checked> & fine",
	"the pairing key rationale is not convincing",
};
static const char verdict_keys[] = { 'p', 'f' };
static const char *const verdict_names[] = { "PASS", "FAIL" };

struct term {
	int		 fd;
	pid_t		 pid;
	long long	 deadline;
	struct asy_buf	 out;	/* everything the child wrote */
	size_t		 pos;	/* how far the test has read it */
	int		 eof;
};

/* Read what the child wrote, waiting at most until the deadline. */
static void
term_read(struct term *t)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	long long left = t->deadline - ut_now_ms();
	char buf[4096];
	ssize_t n;
	int r;

	if (left <= 0) {
		kill(t->pid, SIGKILL);
		ck_abort_msg("the prompt did not answer within %d ms; it said: "
		    "%s", DEADLINE_MS, t->out.data ? t->out.data + t->pos : "");
	}
	r = poll(&pfd, 1, (int)left);
	if (r < 0 && errno == EINTR)
		return;
	ck_assert_int_ge(r, 0);
	if (r == 0)
		return;
	n = read(t->fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		/* EIO: the child closed the slave side. */
		t->eof = 1;
		return;
	}
	ck_assert_int_eq(asy_buf_add(&t->out, buf, (size_t)n), 0);
}

/* Wait until needle appears after the read position; move past it and
 * return where it started. */
static size_t
term_expect(struct term *t, const char *needle)
{
	for (;;) {
		const char *hit = t->out.data ?
		    strstr(t->out.data + t->pos, needle) : NULL;

		if (hit != NULL) {
			size_t at = (size_t)(hit - t->out.data);

			t->pos = at + strlen(needle);
			return at;
		}
		if (t->eof) {
			kill(t->pid, SIGKILL);
			ck_abort_msg("assay ended before '%s'; it said: %s",
			    needle, t->out.data ? t->out.data : "");
		}
		term_read(t);
	}
}

static void
term_send(struct term *t, const char *line)
{
	size_t n = strlen(line);

	ck_assert_int_eq(write(t->fd, line, n), (ssize_t)n);
	ck_assert_int_eq(write(t->fd, "\n", 1), 1);
}

/*
 * Read one question: "== CASE unit LABEL: TITLE", then the options line.
 * CASE and LABEL into the buffers.
 */
static void
term_question(struct term *t, char *case_id, char *label, size_t size)
{
	size_t start = term_expect(t, "\n== ") + 4, end;
	const char *line, *unit, *colon;

	end = term_expect(t, "\n");
	line = t->out.data + start;
	unit = strstr(line, " unit ");
	ck_assert_msg(unit != NULL && (size_t)(unit - t->out.data) < end,
	    "not a question: %.*s", (int)(end - start), line);
	colon = strstr(unit + 6, ": ");
	ck_assert_ptr_nonnull(colon);
	ck_assert_uint_lt((size_t)(unit - line), size);
	ck_assert_uint_lt((size_t)(colon - unit - 6), size);
	memcpy(case_id, line, (size_t)(unit - line));
	case_id[unit - line] = '\0';
	memcpy(label, unit + 6, (size_t)(colon - unit - 6));
	label[colon - unit - 6] = '\0';
	term_expect(t, "verdict? ");
	term_expect(t, "asking: ");
}

/* Wait for the child to exit, within the deadline; its exit code. */
static int
term_finish(struct term *t)
{
	int status = 0;

	while (!t->eof)
		term_read(t);
	for (;;) {
		pid_t r = waitpid(t->pid, &status, WNOHANG);
		struct pollfd none = { .fd = -1 };

		if (r == t->pid)
			break;
		ck_assert_int_eq(r, 0);
		if (ut_now_ms() > t->deadline) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &status, 0);
			ck_abort_msg("assay did not exit after its output "
			    "ended");
		}
		/* The slave is closed, exit is imminent: a short bounded
		 * wait on nothing. */
		poll(&none, 1, 10);
	}
	ck_assert_msg(WIFEXITED(status), "assay died of signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* ---- checking the run folder -------------------------------------------- */

static xmlDocPtr
parse(const char *path)
{
	struct asy_buf b;
	xmlDocPtr doc;

	ut_load(path, &b);
	doc = xmlReadMemory(b.data, (int)b.len, path, NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "%s is not well-formed", path);
	asy_buf_release(&b);
	return doc;
}

static int
count(xmlXPathContextPtr ctx, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr,
	    ctx);
	int n;

	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* The text of the one node expr selects, or NULL. */
static char *
text_of(xmlXPathContextPtr ctx, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr,
	    ctx);
	char *s = NULL;

	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	if (o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

		s = strdup((const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	return s;
}

/* An XPath predicate selecting unit label ("b" or "b:ROW"). */
static void
unit_pred(const char *label, char *buf, size_t size)
{
	const char *colon = strchr(label, ':');

	if (colon == NULL)
		snprintf(buf, size, "@id='%s' and not(@row)", label);
	else
		snprintf(buf, size, "@id='%.*s' and @row='%s'",
		    (int)(colon - label), label, colon + 1);
}

/* Start argv[0] with argv on a pty with a sane terminal (canonical input,
 * echo off: less to wade through); into t. */
static void
term_start(struct term *t, char *const argv[])
{
	struct termios tio;

	asy_buf_init(&t->out, (size_t)16 << 20);
	t->deadline = ut_now_ms() + DEADLINE_MS;
	memset(&tio, 0, sizeof(tio));
	cfmakeraw(&tio);
	tio.c_iflag = ICRNL;
	tio.c_oflag = OPOST | ONLCR;
	tio.c_lflag = ICANON | ISIG;
	tio.c_cflag = CS8 | CREAD;
	tio.c_cc[VMIN] = 1;
	t->pid = forkpty(&t->fd, NULL, &tio, NULL);
	ck_assert_int_ge(t->pid, 0);
	if (t->pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
}

START_TEST(test_prompt)
{
	char *dir = NULL, *run = NULL, *sensor = NULL, *path;
	char case_id[2][128], label[2][128];
	const char *bin = ut_bin();
	struct term t = { .fd = -1 };
	xmlXPathContextPtr ctx;
	xmlDocPtr doc;
	char expr[1024], pred[512];
	int code, n_other = 0;

	ck_assert_msg(bin != NULL, "ASSAY_BIN is not set; run through meson "
	    "test");
	dir = ut_tmpdir();
	run = asy_path_join(dir, "run");
	sensor = ut_src("ics-ixit/examples/sensor");
	{
		char *argv[] = { (char *)bin, "run", "--offline", "--out", run,
		    "--assessor", "Tester", sensor, NULL };

		term_start(&t, argv);
	}

	for (int q = 0; q < 2; q++) {
		term_question(&t, case_id[q], label[q], sizeof(case_id[q]));
		term_send(&t, (char[]){ verdict_keys[q], '\0' });
		term_expect(&t, "reason (one sentence)");
		term_expect(&t, ": ");
		term_send(&t, reasons[q]);
	}
	/* The third question: stop asking. */
	{
		char c3[128], l3[128];

		term_question(&t, c3, l3, sizeof(c3));
		ck_assert(strcmp(c3, case_id[1]) != 0 ||
		    strcmp(l3, label[1]) != 0);
		term_send(&t, "q");
	}
	code = term_finish(&t);
	close(t.fd);
	ck_assert_msg(code == 1, "assay exited %d (expected 1: one FAIL); it "
	    "said: %s", code, t.out.data);
	/* Finished: the final folder, no partial one. */
	path = asy_path_join(dir, "run" ".partial");
	ck_assert(ut_exists(run) && !ut_exists(path));
	free(path);

	/* answers.xml: exactly the two answers, by Tester. */
	path = asy_path_join(run, "answers.xml");
	doc = parse(path);
	ctx = xmlXPathNewContext(doc);
	ck_assert_int_eq(count(ctx, "/answers/answer"), 2);
	for (int q = 0; q < 2; q++) {
		char *reason;

		snprintf(expr, sizeof(expr), "/answers/answer[@case='%s' and "
		    "@unit='%s' and @verdict='%s' and @assessor='Tester' and "
		    "@date]", case_id[q], label[q], verdict_names[q]);
		ck_assert_msg(count(ctx, expr) == 1, "answers.xml lacks %s",
		    expr);
		reason = text_of(ctx, expr);
		ck_assert_ptr_nonnull(reason);
		ck_assert_str_eq(reason, reasons[q]);
		free(reason);
	}
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	free(path);

	/* report.xml: the two units decided by the assessor, the rest not. */
	path = asy_path_join(run, "report.xml");
	doc = parse(path);
	ctx = xmlXPathNewContext(doc);
	ck_assert_int_eq(xmlXPathRegisterNs(ctx, (const xmlChar *)"r",
	    (const xmlChar *)"urn:assay:report:1"), 0);
	for (int q = 0; q < 2; q++) {
		char *reason;

		unit_pred(label[q], pred, sizeof(pred));
		snprintf(expr, sizeof(expr), "//r:case[@id='%s']/r:unit[%s and "
		    "@verdict='%s' and @decided-by='assessor Tester']",
		    case_id[q], pred, verdict_names[q]);
		ck_assert_msg(count(ctx, expr) == 1, "report.xml lacks %s",
		    expr);
		snprintf(expr, sizeof(expr), "//r:case[@id='%s']/r:unit[%s]/"
		    "r:reason", case_id[q], pred);
		reason = text_of(ctx, expr);
		ck_assert_ptr_nonnull(reason);
		ck_assert_str_eq(reason, reasons[q]);
		free(reason);
	}
	/* Only those two conceptual units were decided by anyone. */
	ck_assert_int_eq(count(ctx, "//r:unit[@kind='conceptual' and "
	    "@decided-by]"), 2);
	ck_assert_int_eq(count(ctx, "//r:unit[@kind='conceptual' and "
	    "@verdict!='INCONCLUSIVE' and @verdict!='NOT APPLICABLE']"), 2);
	n_other = count(ctx, "//r:unit[@kind='conceptual' and "
	    "@verdict='INCONCLUSIVE']");
	ck_assert_int_gt(n_other, 5);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	free(path);

	asy_buf_release(&t.out);
	ut_rmrf(dir);
	free(sensor);
	free(run);
	free(dir);
}
END_TEST

/* The reason of one unit (no fan-out row) in report.xml. */
static char *
unit_reason(xmlXPathContextPtr ctx, const char *case_id, const char *unit)
{
	char expr[512];

	snprintf(expr, sizeof(expr), "//r:case[@id='%s']/r:unit[@id='%s' and "
	    "not(@row)]/r:reason", case_id, unit);
	return text_of(ctx, expr);
}

START_TEST(test_operator_prompt)
{
	char *dir = NULL, *run = NULL, *ipcam = NULL, *photo, *path, *s;
	const char *bin = ut_bin();
	struct term t = { .fd = -1 };
	struct asy_buf a, b;
	xmlXPathContextPtr ctx;
	xmlDocPtr doc;
	size_t start;
	int code, skipped = 0;

	ck_assert_msg(bin != NULL, "ASSAY_BIN is not set; run through meson "
	    "test");
	dir = ut_tmpdir();
	run = asy_path_join(dir, "run");
	ipcam = ut_src("ics-ixit/examples/ipcam");
	photo = asy_path_join(dir, "casing photo.jpg");
	ut_write(photo, "\xff\xd8\xff\xe0" "casing\0\1", 12);
	{
		char *argv[] = { (char *)bin, "run", "--offline", "--out", run,
		    "--assessor", "Tester", ipcam, NULL };

		term_start(&t, argv);
	}
	/* Skip up to 5.8-3-1 c. */
	for (;;) {
		char c[128], l[128];

		start = term_expect(&t, "\n== ");
		t.pos = start;
		term_question(&t, c, l, sizeof(c));
		if (strcmp(c, "5.8-3-1") == 0 && strcmp(l, "c") == 0)
			break;
		term_send(&t, "s");
		ck_assert_int_lt(++skipped, 200);
	}
	/* What the declarations say, between the question and the
	 * verdict line. */
	s = asy_strndup(t.out.data + start, t.pos - start);
	ck_assert_ptr_nonnull(s);
	/* (The terminal turns each \n into \r\n.) */
	ck_assert_msg(strstr(s, "\r\n   the declarations say:\r\n     DUT: "
	    "Lumora") != NULL, "no declarations shown: %s", s);
	ck_assert_msg(strstr(s, "\r\n     UserInfo-Sensors (2-UserInfo): ") !=
	    NULL, "no sensors row: %s", s);
	ck_assert_msg(strstr(s, "\r\n     ExtSens-Mic (22-ExtSens): ") !=
	    NULL, "no 22-ExtSens row: %s", s);
	ck_assert_msg(strstr(s, "UserInfo-ChangeAuth") == NULL, "a row of "
	    "another topic: %s", s);
	free(s);
	term_send(&t, "p");
	term_expect(&t, "reason (one sentence)");
	term_expect(&t, ": ");
	term_send(&t, "Lens, microphone and PIR window, as documented.");
	term_expect(&t, "evidence (path to a photo or file; empty for none): ");
	term_send(&t, "/nonexistent/casing.jpg");
	term_expect(&t, "cannot attach it: there is no such file");
	term_expect(&t, "evidence (path to a photo or file; empty for none): ");
	term_send(&t, photo);
	{
		char c[128], l[128];

		term_question(&t, c, l, sizeof(c));
		term_send(&t, "q");
	}
	code = term_finish(&t);
	close(t.fd);
	ck_assert_msg(code == 1, "assay exited %d (expected 1: the example "
	    "has FAILs); it said: %s", code, t.out.data);

	/* The copy, byte for byte, and in the manifest. */
	path = asy_path_join(run, "evidence/operator/5.8-3-1_c_casing_photo."
	    "jpg");
	ut_load(photo, &a);
	ut_load(path, &b);
	ck_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	asy_buf_release(&a);
	asy_buf_release(&b);
	free(path);
	path = asy_path_join(run, "MANIFEST.sha256");
	ck_assert(ut_file_has(path, "  evidence/operator/5.8-3-1_c_casing_"
	    "photo.jpg\n"));
	free(path);
	path = asy_path_join(run, "answers.xml");
	ck_assert(ut_file_has(path, "<answer case=\"5.8-3-1\" unit=\"c\" "
	    "verdict=\"PASS\" assessor=\"Tester\""));
	ck_assert(ut_file_has(path, " evidence=\"evidence/operator/5.8-3-1_c_"
	    "casing_photo.jpg\">Lens, microphone"));
	free(path);

	path = asy_path_join(run, "report.xml");
	doc = parse(path);
	ctx = xmlXPathNewContext(doc);
	ck_assert_int_eq(xmlXPathRegisterNs(ctx, (const xmlChar *)"r",
	    (const xmlChar *)"urn:assay:report:1"), 0);
	ck_assert_int_eq(count(ctx, "//r:case[@id='5.8-3-1']/r:unit[@id='c' "
	    "and @verdict='PASS' and @decided-by='assessor Tester']/"
	    "r:evidence[@kind='operator' and @path='evidence/operator/"
	    "5.8-3-1_c_casing_photo.jpg']"), 1);
	s = unit_reason(ctx, "5.8-3-1", "a");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "operator step not answered: skipped at the "
	    "prompt; answer it in the answers file (--answers) or run "
	    "interactively");
	free(s);
	s = unit_reason(ctx, "6-1-2", "a");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "operator step not answered: the assessor "
	    "stopped answering at the prompt; answer it in the answers file "
	    "(--answers) or run interactively");
	free(s);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	free(path);

	asy_buf_release(&t.out);
	ut_rmrf(dir);
	free(photo);
	free(ipcam);
	free(run);
	free(dir);
}
END_TEST

static Suite *
prompt_suite(void)
{
	Suite *s = suite_create("prompt");
	TCase *tc = tcase_create("pty");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, test_prompt);
	tcase_add_test(tc, test_operator_prompt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ut_main(prompt_suite());
}
