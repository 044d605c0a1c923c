/*
 * 5.1-4-2 (testcases/tc-5.1-4.c) against a fake device on loopback: a
 * libmicrohttpd server with HTTP Basic authentication, a page that needs
 * the password (/check) and a password change page (/passwd?new=...)
 * that behaves as the table says: the change really made (PASS), ignored
 * (FAIL: the old still works), garbled (FAIL: the new is refused), the
 * lab's value wrong from the start (INCONCLUSIVE), the restore refused
 * (ERROR), no device at all (INCONCLUSIVE).  Neither the lab's value nor
 * the one assay made may appear in a reason or the transcript; the change
 * page echoes the new value to make sure it is masked.
 */
#include <check.h>

#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "error.h"
#include "live.h"
#include "mhd.h"
#include "result.h"
#include "tclib.h"
#include "ut.h"
#include "verdict.h"

#define LAB_VALUE	"LabValue4711"

enum mode {
	M_REAL,		/* the change replaces the password */
	M_IGNORED,	/* "password changed", but nothing changes */
	M_GARBLED,	/* the password becomes something else */
	M_NORESTORE,	/* the change works; putting the old back does not */
	M_WRONGLAB,	/* the device's password is not the lab's */
};

struct fakedev {
	enum mode	 mode;
	char		 cur[128];	/* the password now */
	char		 seen_new[128];	/* the last value asked for */
	unsigned	 changes;
};

static void
b64(const char *in, char *out, size_t len)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	size_t n = strlen(in), o = 0;

	for (size_t i = 0; i < n && o + 5 < len; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = t[(v >> 18) & 63];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = i + 1 < n ? t[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate",
		    "Basic realm=\"fake\"");
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **req_cls)
{
	struct fakedev *f = cls;
	const char *auth, *nv;
	char pair[160], want[256], body[256];

	(void)method;
	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req_cls;
	snprintf(pair, sizeof(pair), "admin:%s", f->cur);
	memcpy(want, "Basic ", 6);
	b64(pair, want + 6, sizeof(want) - 6);
	/* M_GARBLED: the change page is the owner's (the lab's value),
	 * what it changes is the user's. */
	if (f->mode == M_GARBLED && strncmp(url, "/passwd", 7) == 0) {
		memcpy(want, "Basic ", 6);
		b64("admin:" LAB_VALUE, want + 6, sizeof(want) - 6);
	}
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization");
	if (auth == NULL || strcmp(auth, want) != 0)
		return answer(c, 401, "who are you?");
	if (strncmp(url, "/check", 6) == 0)
		return answer(c, 200, "hello admin");
	if (strncmp(url, "/passwd", 7) != 0)
		return answer(c, 404, "no such page");
	nv = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "new");
	if (nv == NULL || strlen(nv) >= sizeof(f->cur))
		return answer(c, 400, "new= is missing");
	f->changes++;
	if (strcmp(nv, LAB_VALUE) != 0)
		snprintf(f->seen_new, sizeof(f->seen_new), "%s", nv);
	switch (f->mode) {
	case M_IGNORED:
		break;
	case M_GARBLED:
		if (strcmp(nv, LAB_VALUE) == 0)
			snprintf(f->cur, sizeof(f->cur), "%s", nv);
		else
			snprintf(f->cur, sizeof(f->cur), "%.20sX", nv);
		break;
	case M_NORESTORE:
		if (strcmp(nv, LAB_VALUE) == 0)
			return answer(c, 500, "cannot write the password file");
		snprintf(f->cur, sizeof(f->cur), "%s", nv);
		break;
	default:
		snprintf(f->cur, sizeof(f->cur), "%s", nv);
		break;
	}
	/* The device shows the value it was given. */
	snprintf(body, sizeof(body), "password changed to %s", nv);
	return answer(c, 200, body);
}

static const struct {
	const char	*name;
	enum mode	 mode;
	int		 no_device;
	enum asy_verdict v1a, v1b, v2a;
	const char	*text;		/* in the reason of b (V1) */
} cases[] = {
	{ "real", M_REAL, 0, ASY_V_PASS, ASY_V_PASS, ASY_V_PASS,
	  "old value of AuthMech-Web is refused and the new one accepted" },
	{ "ignored", M_IGNORED, 0, ASY_V_PASS, ASY_V_FAIL, ASY_V_FAIL,
	  "old value of AuthMech-Web is still accepted, and the new one is "
	  "refused" },
	{ "garbled", M_GARBLED, 0, ASY_V_PASS, ASY_V_FAIL, ASY_V_FAIL,
	  "the new value of AuthMech-Web is refused (checked for 1 s), and "
	  "so is the old one" },
	{ "wrong-lab", M_WRONGLAB, 0, ASY_V_INCONCLUSIVE, ASY_V_INCONCLUSIVE,
	  ASY_V_INCONCLUSIVE, "with the lab's value of credential web was "
	  "refused" },
	{ "no-restore", M_NORESTORE, 0, ASY_V_ERROR, ASY_V_ERROR, ASY_V_ERROR,
	  "reset it by hand" },
	{ "no-device", M_REAL, 1, ASY_V_INCONCLUSIVE, ASY_V_INCONCLUSIVE,
	  ASY_V_INCONCLUSIVE, "was not answered" },
};

/* No port is listening: bind one and close it. */
static unsigned
dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void
assert_masked(const struct fakedev *f, const char *dir, const char *what,
    const struct asy_unit_result *u)
{
	ck_assert_ptr_nonnull(u->reason);
	ck_assert_msg(strstr(u->reason, LAB_VALUE) == NULL, "%s: the lab's "
	    "value in the reason: %s", what, u->reason);
	ck_assert_msg(f->seen_new[0] == '\0' ||
	    strstr(u->reason, f->seen_new) == NULL, "%s: the new value in "
	    "the reason: %s", what, u->reason);
	for (size_t i = 0; i < u->n_ev; i++) {
		char *p = asy_path_join(dir, u->ev[i].path);

		ck_assert_ptr_nonnull(p);
		ck_assert_msg(!ut_file_has(p, LAB_VALUE), "%s: the lab's value "
		    "in %s", what, p);
		if (f->seen_new[0] != '\0')
			ck_assert_msg(!ut_file_has(p, f->seen_new), "%s: the "
			    "new value in %s", what, p);
		ck_assert(ut_file_has(p, "<change>") ||
		    ut_file_has(p, "<check>"));
		free(p);
	}
}

static void
run_unit(struct asy_live *lv, const char *edition, const char *unit,
    const struct asy_plan_unit *pu, enum asy_verdict want,
    const struct fakedev *f, const char *label, const char *text)
{
	asy_unit_fn *fn = asy_testcase_find(edition, "5.1-4-2", unit);
	struct asy_unit_result u = { 0 };
	int r;

	ck_assert(fn != NULL);
	r = fn(lv, pu, &u);
	ck_assert_int_eq(r, 0);
	ck_assert_msg(u.verdict == want, "%s %s %s: %s, want %s: %s", label,
	    edition, unit, asy_verdict_name(u.verdict),
	    asy_verdict_name(want), u.reason ? u.reason : "");
	if (text != NULL)
		ck_assert_msg(strstr(u.reason, text) != NULL, "%s: '%s' not "
		    "in '%s'", label, text, u.reason);
	ck_assert_uint_ge(u.n_ev, 1);
	assert_masked(f, lv->work, label, &u);
	asy_tc_part_release(&u);
}

START_TEST(test_sequence)
{
	char *dir = ut_tmpdir();
	char cred_id[] = "web", user[] = "admin", mech[] = "AuthMech-Web";
	char check_t[] = "/check", change_t[] = "/passwd?new={new}";
	char restore_t[] = "/passwd?new={old}", name[] = "fake";
	char addr[] = "127.0.0.1", secret[] = LAB_VALUE;
	struct asy_lab_net net = { .family = AF_INET, .addr = { 127 },
	    .prefix = 8 };
	struct asy_lab lab = { .scope = &net, .n_scope = 1 };
	struct asy_lab_cred cred = { .id = cred_id, .user = user };
	struct asy_lab_credchange cc = { .mechanism = mech, .cred = &cred,
	    .settle_ms = 1000, .line = 7 };
	struct asy_lab_dut dut = { .name = name, .ipv4 = addr,
	    .credchanges = &cc, .n_credchanges = 1 };
	struct asy_live_secret sec = { .cred = &cred, .secret = secret };
	struct asy_ixit_row row = { .id = "AuthMech-Web" };
	struct asy_plan_unit pu = { .row = &row };
	struct fakedev f = { .mode = cases[_i].mode };
	struct sockaddr_storage ss;
	struct asy_mhd_opts o = { .addr = &ss, .conns = 8, .timeout_s = 5,
	    .handler = on_request, .cls = &f };
	struct asy_mhd *m = NULL;
	char msg[ASY_MHD_MSG] = "";
	unsigned port;
	const char *const editions[] = { "ts103701-v1.1.1", "ts103701-v2.1.1" };

	snprintf(f.cur, sizeof(f.cur), "%s", cases[_i].mode == M_WRONGLAB ?
	    "SomethingElse1" : LAB_VALUE);
	if (cases[_i].no_device)
		port = dead_port();
	else {
		ck_assert_int_eq(asy_mhd_parse_addr("127.0.0.1", 0, &ss), 0);
		ck_assert_int_eq(asy_mhd_start(&o, &m, msg, sizeof(msg)), 0);
		port = asy_mhd_port(m);
	}
	for (size_t e = 0; e < ASY_ELEMENTSOF(editions); e++) {
		struct asy_live lv = { 0 };
		struct asy_lab_step *steps[] = { &cc.change, &cc.check,
		    &cc.restore };
		char *texts[] = { change_t, check_t, restore_t };

		for (size_t i = 0; i < ASY_ELEMENTSOF(steps); i++) {
			memset(steps[i], 0, sizeof(*steps[i]));
			steps[i]->via = ASY_VIA_HTTP;
			steps[i]->text = texts[i];
			steps[i]->cred = &cred;
			steps[i]->port = port;
			steps[i]->timeout_ms = 3000;
			steps[i]->line = 8 + i;
		}
		lv.lab = &lab;
		lv.dut = &dut;
		lv.work = dir;
		lv.case_id = "5.1-4-2";
		lv.secrets = &sec;
		lv.n_secrets = 1;
		if (e == 0) {
			run_unit(&lv, editions[e], "a", &pu, cases[_i].v1a, &f,
			    cases[_i].name, NULL);
			unsigned before = f.changes;

			/* b reuses the sequence a ran. */
			run_unit(&lv, editions[e], "b", &pu, cases[_i].v1b, &f,
			    cases[_i].name, cases[_i].text);
			ck_assert_uint_eq(f.changes, before);
		} else
			run_unit(&lv, editions[e], "a", &pu, cases[_i].v2a, &f,
			    cases[_i].name, NULL);
		asy_tc_state_free(lv.tc);
		/* The device has the lab's value again, unless the restore
		 * failed or it never had it. */
		if (!cases[_i].no_device && cases[_i].mode != M_NORESTORE &&
		    cases[_i].mode != M_WRONGLAB)
			ck_assert_str_eq(f.cur, LAB_VALUE);
		if (cases[_i].mode == M_NORESTORE)
			snprintf(f.cur, sizeof(f.cur), "%s", LAB_VALUE);
	}
	/* Without a <credential-change> for the row: the operator's. */
	{
		struct asy_live lv = { .lab = &lab, .dut = &dut, .work = dir,
		    .case_id = "5.1-4-2", .secrets = &sec, .n_secrets = 1 };
		struct asy_ixit_row other = { .id = "AuthMech-SSH" };
		struct asy_plan_unit opu = { .row = &other };
		struct asy_unit_result u = { 0 };
		asy_unit_fn *fn = asy_testcase_find("ts103701-v1.1.1",
		    "5.1-4-2", "a");

		ck_assert_int_eq(fn(&lv, &opu, &u), ASY_TC_OPERATOR);
		ck_assert_int_eq(u.verdict, ASY_V_NONE);
		asy_tc_state_free(lv.tc);
	}
	asy_mhd_stop(m);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("credchange");
	TCase *tc = tcase_create("sequence");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sequence, 0,
	    (int)ASY_ELEMENTSOF(cases));
	suite_add_tcase(s, tc);
	return ut_main(s);
}
