/*
 * Under-privileged requests and the factory state (testcases/tcpriv.c,
 * 5.5-4-2 a and b, 5.5-5-2 a) against a fake web device on loopback
 * (libmicrohttpd): the lab's <function> tried without credentials, with a
 * wrong password, with the limited account and with the admin's, and
 * again after the factory reset; and the lab config's <uses
 * privilege="limited"> and <function> as loaded.
 */
#include <pthread.h>

#include "decl.h"
#include "catalogue.h"
#include "labcfg.h"
#include "live.h"
#include "mhd.h"
#include "result.h"
#include "tclib.h"
#include "ut.h"

#define ADMIN_PASS	"Adm1n-secret-7"
#define VIEWER_PASS	"V1ewer-secret-3"

/* How the fake device answers /cfg (the function) and /reset. */
enum dev_mode {
	D_GOOD,		/* admin 200, viewer 403, others 401 */
	D_VIEWER_IN,	/* viewer 200 too (the weak camera) */
	D_OPEN,		/* anyone 200 */
	D_ANY_PASS,	/* user admin with any password 200 */
	D_404,		/* everything 404 */
	D_NOBODY,	/* everyone 401, the admin too */
	D_FACTORY_OPEN,	/* D_GOOD until /reset, then anyone 200 */
	D_HOSTILE,	/* D_OPEN with a body of control bytes */
};

struct dev {
	pthread_mutex_t	 mu;
	enum dev_mode	 mode;
	int		 factory;	/* /reset was called */
	int		 resets;
	int		 cfg_admin;	/* /cfg granted to the admin */
	int		 requests;
	char		 admin_hdr[160], viewer_hdr[160];
};

static void
b64(const char *in, char *out, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		ck_assert_uint_lt(o + 4, len);
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

static void
basic(const char *user, const char *pass, char *out, size_t len)
{
	char up[96], enc[128];

	snprintf(up, sizeof(up), "%s:%s", user, pass);
	b64(up, enc, sizeof(enc));
	snprintf(out, len, "Basic %s", enc);
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
    size_t *upload_size, void **req_cls)
{
	static const char hostile[] = "\x01\x1b[31m<script>alert(1)</script>";
	struct dev *d = cls;
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization");
	int admin, viewer, wrong_admin;
	unsigned st;

	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req_cls;
	pthread_mutex_lock(&d->mu);
	d->requests++;
	admin = auth != NULL && strcmp(auth, d->admin_hdr) == 0;
	viewer = auth != NULL && strcmp(auth, d->viewer_hdr) == 0;
	wrong_admin = auth != NULL && !admin && !viewer &&
	    strncmp(auth, "Basic YWRtaW46", 14) == 0;	/* "admin:" */
	if (strcmp(url, "/reset") == 0) {
		st = admin ? 200 : 401;
		if (admin) {
			d->factory = 1;
			d->resets++;
		}
		pthread_mutex_unlock(&d->mu);
		return answer(c, st, st == 200 ? "reset\n" : "login\n");
	}
	if (strcmp(url, "/cfg") != 0) {
		pthread_mutex_unlock(&d->mu);
		return answer(c, 404, "no such page\n");
	}
	switch (d->mode) {
	case D_OPEN:
	case D_HOSTILE:
		st = 200;
		break;
	case D_404:
		st = 404;
		break;
	case D_NOBODY:
		st = 401;
		break;
	case D_FACTORY_OPEN:
		st = d->factory || admin ? 200 : viewer ? 403 : 401;
		break;
	case D_VIEWER_IN:
		st = admin || viewer ? 200 : 401;
		break;
	case D_ANY_PASS:
		st = admin || wrong_admin ? 200 : viewer ? 403 : 401;
		break;
	default:
		st = admin ? 200 : viewer ? 403 : 401;
		break;
	}
	if (admin && st == 200)
		d->cfg_admin++;
	pthread_mutex_unlock(&d->mu);
	return answer(c, st, d->mode == D_HOSTILE ? hostile :
	    st == 200 ? "name=changed\n" : "refused\n");
}

/* ---- The lab config the tests load -------------------------------------- */

struct fx {
	char		*dir;
	struct dev	 dev;
	struct asy_mhd	*mhd;
	struct asy_lab	*lab;
	struct asy_live	 lv;
	struct asy_cat_field am_field;
	struct asy_ixit_value am_value;
	struct asy_ixit_row row;
};

enum lab_opts {
	L_LIMITED = 1,		/* <uses privilege="limited"> */
	L_ERASE = 2,		/* <erase> with <delete> = /reset */
	L_RESET_FAILS = 4,	/* <control action="reset"> exiting 3 */
	L_ANY = 8,		/* privilege="any" */
	L_NO_FUNCTION = 16,	/* no <function> */
	L_DEAD_PORT = 32,	/* the function on a port nobody listens on */
};

static unsigned
dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	unsigned port;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void
fx_open(struct fx *f, enum dev_mode mode, unsigned opts)
{
	struct sockaddr_storage ss;
	struct asy_mhd_opts mo = { 0 };
	struct asy_diags d;
	struct asy_buf x;
	char msg[ASY_MHD_MSG], fn[512], erase[512], *path, *ics, *ixit;
	unsigned port;
	int r;

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->dev.mu, NULL);
	f->dev.mode = mode;
	basic("admin", ADMIN_PASS, f->dev.admin_hdr, sizeof(f->dev.admin_hdr));
	basic("viewer", VIEWER_PASS, f->dev.viewer_hdr,
	    sizeof(f->dev.viewer_hdr));
	ck_assert_int_eq(asy_mhd_parse_addr("127.0.0.1", 0, &ss), 0);
	mo.addr = &ss;
	mo.conns = 16;
	mo.timeout_s = 10;
	mo.handler = on_request;
	mo.cls = &f->dev;
	r = asy_mhd_start(&mo, &f->mhd, msg, sizeof(msg));
	ck_assert_msg(r == 0, "cannot start the fake device: %s", msg);
	port = opts & L_DEAD_PORT ? dead_port() : asy_mhd_port(f->mhd);

	f->dir = ut_tmpdir();
	ics = ut_src("tests/bench/hardened/ics.xml");
	ixit = ut_src("tests/bench/hardened/ixit.xml");
	setenv("UT_PRIV_ADMIN", ADMIN_PASS, 1);
	setenv("UT_PRIV_VIEWER", VIEWER_PASS, 1);
	snprintf(fn, sizeof(fn), "    <function service=\"SoftServ-Web\" "
	    "via=\"http\" port=\"%u\" timeout=\"5\" privilege=\"%s\" "
	    "changes=\"yes\">/cfg?name={token}</function>\n", port,
	    opts & L_ANY ? "any" : "admin");
	snprintf(erase, sizeof(erase), "    <erase settle=\"5\"><create "
	    "via=\"http\">/cfg?o={token}</create><read via=\"http\">/cfg"
	    "</read><delete via=\"http\" credential=\"adm\" port=\"%u\">"
	    "/reset</delete></erase>\n", asy_mhd_port(f->mhd));
	asy_buf_init(&x, 1 << 20);
	r = asy_buf_printf(&x, "<lab format=\"1\" name=\"priv\">\n"
	    "  <scope><net>127.0.0.0/8</net></scope>\n"
	    "  <interfaces><ethernet id=\"lo\" name=\"lo\"/></interfaces>\n"
	    "  <credential id=\"adm\" user=\"admin\" env=\"UT_PRIV_ADMIN\"/>\n"
	    "  <credential id=\"view\" user=\"viewer\" env=\"UT_PRIV_VIEWER\"/>\n"
	    "  <dut name=\"fake\">\n"
	    "    <address ipv4=\"127.0.0.1\"/>\n"
	    "    <declarations ics=\"%s\" ixit=\"%s\"/>\n"
	    "    <uses credential=\"adm\" for=\"AuthMech-Web\"/>\n"
	    "%s%s%s%s"
	    "  </dut>\n</lab>\n", ics, ixit,
	    opts & L_LIMITED ? "    <uses credential=\"view\" "
	    "for=\"AuthMech-Web\" privilege=\"limited\"/>\n" : "",
	    opts & L_RESET_FAILS ? "    <control action=\"reset\" timeout="
	    "\"10\"><arg>/bin/sh</arg><arg>-c</arg><arg>exit 3</arg>"
	    "</control>\n" : "",
	    opts & L_ERASE ? erase : "",
	    opts & L_NO_FUNCTION ? "" : fn);
	ck_assert_int_eq(r, 0);
	path = asy_path_join(f->dir, "lab.xml");
	ut_write(path, x.data, x.len);
	asy_buf_release(&x);
	asy_diags_init(&d);
	r = asy_lab_load(path, &d, &f->lab);
	ck_assert_msg(r == 0, "the test's lab config does not load: %s",
	    d.n > 0 ? d.v[0].msg : "no message");
	asy_diags_release(&d);
	free(path);
	free(ics);
	free(ixit);

	f->lv.lab = f->lab;
	f->lv.dut = &f->lab->duts[0];
	f->lv.work = f->dir;
	f->lv.case_id = "5.5-4-2";
	f->lv.ctl_fd = -1;
	f->lv.secrets = calloc(f->lv.dut->n_creds, sizeof(*f->lv.secrets));
	ck_assert_ptr_nonnull(f->lv.secrets);
	for (size_t i = 0; i < f->lv.dut->n_creds; i++) {
		struct asy_live_secret *s = &f->lv.secrets[f->lv.n_secrets++];

		s->cred = f->lv.dut->creds[i];
		s->err = asy_lab_secret(s->cred, &s->secret);
	}
	f->am_field.name = "authmech";
	f->am_value.field = &f->am_field;
	f->am_value.value = "AuthMech-Web";
	f->row.id = "SoftServ-Web";
	f->row.values = &f->am_value;
	f->row.n_values = 1;
}

static void
fx_close(struct fx *f)
{
	for (size_t i = 0; i < f->lv.n_secrets; i++)
		asy_secret_free(f->lv.secrets[i].secret);
	free(f->lv.secrets);
	asy_tc_state_free(f->lv.tc);
	asy_mhd_stop(f->mhd);
	asy_lab_free(f->lab);
	ut_rmrf(f->dir);
	free(f->dir);
	pthread_mutex_destroy(&f->dev.mu);
}

/* One part of a unit: verdict and reason. */
static void
part(struct fx *f, enum asy_fn_part what, struct asy_unit_result *u)
{
	int r;

	memset(u, 0, sizeof(*u));
	r = asy_tc_functions(&f->lv, &f->row, what, u);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_nonnull(u->reason);
}

/* Every text in want ("a & b": both) is in the reason. */
static void
assert_says(const struct asy_unit_result *u, enum asy_verdict v,
    const char *want)
{
	char buf[512];

	ck_assert_msg(u->verdict == v, "verdict %s, want %s: %s",
	    asy_verdict_name(u->verdict), asy_verdict_name(v), u->reason);
	snprintf(buf, sizeof(buf), "%s", want);
	for (char *p = buf, *e; p != NULL && *p != '\0'; p = e) {
		e = strstr(p, " & ");
		if (e != NULL) {
			*e = '\0';
			e += 3;
		}
		ck_assert_msg(strstr(u->reason, p) != NULL, "reason lacks "
		    "'%s': %s", p, u->reason);
	}
}

/* ---- The table ----------------------------------------------------------- */

static const struct {
	const char	*name;
	enum dev_mode	 mode;
	unsigned	 opts;
	enum asy_verdict a;
	const char	*a_says;
	enum asy_verdict b;
	const char	*b_says;
	enum asy_verdict fac;
	const char	*fac_says;
} rows[] = {
	{ "hardened: viewer refused, factory state refused", D_GOOD,
	  L_LIMITED | L_ERASE,
	  ASY_V_PASS, "refused without credentials (HTTP 401), with a wrong "
	  "password (HTTP 401), with the limited credential of user viewer "
	  "(HTTP 403); granted to the admin (user admin, HTTP 200)",
	  ASY_V_PASS, "granted to the lab's credential (user admin, HTTP 200)",
	  ASY_V_PASS, "in the factory state too (after <erase><delete> & "
	  "refused without credentials (HTTP 401), with a wrong password "
	  "(HTTP 401)" },
	{ "weak: the viewer gets in", D_VIEWER_IN, L_LIMITED | L_ERASE,
	  ASY_V_FAIL, "with the limited credential of user viewer got in "
	  "(HTTP/1.1 200 OK, body \"name=changed\\x0a\")",
	  ASY_V_PASS, "granted",
	  ASY_V_PASS, "in the factory state too" },
	{ "open to anyone", D_OPEN, L_LIMITED | L_ERASE,
	  ASY_V_FAIL, "without credentials got in (HTTP/1.1 200 OK & "
	  "with a wrong password got in & of user viewer got in",
	  ASY_V_PASS, "granted",
	  ASY_V_FAIL, "in the factory state (after <erase><delete> (lab "
	  "config line & a request that changes the configuration got in: & "
	  "without credentials got in" },
	{ "any password for admin", D_ANY_PASS, L_LIMITED,
	  ASY_V_FAIL, "with a wrong password got in (HTTP/1.1 200",
	  ASY_V_PASS, "granted",
	  ASY_V_PASS, "only the state the device was in was tried: the lab "
	  "config gives no factory reset" },
	{ "the request is wrong for the device", D_404, L_LIMITED,
	  ASY_V_INCONCLUSIVE, "was answered neither granted nor refused "
	  "(HTTP/1.1 404 Not Found",
	  ASY_V_INCONCLUSIVE, "was not granted to the lab's credential",
	  ASY_V_PASS, "no factory reset" },
	{ "the admin is refused too", D_NOBODY, L_LIMITED,
	  ASY_V_INCONCLUSIVE, "but the lab's admin credential (user admin) "
	  "did not get in either",
	  ASY_V_INCONCLUSIVE, "check the lab config's request",
	  ASY_V_PASS, "no factory reset" },
	{ "no limited credential", D_GOOD, L_ERASE,
	  ASY_V_PASS, "names no readable lower-privileged credential for "
	  "AuthMech-Web (<uses privilege=\"limited\">), so no "
	  "under-privileged request was tried",
	  ASY_V_PASS, "granted",
	  ASY_V_PASS, "in the factory state too" },
	{ "privilege any", D_VIEWER_IN, L_LIMITED | L_ANY,
	  ASY_V_PASS, "privilege=\"any\"), so no limited credential was tried",
	  ASY_V_PASS, "granted",
	  ASY_V_PASS, "no factory reset" },
	{ "open in the factory state", D_FACTORY_OPEN, L_LIMITED | L_ERASE,
	  ASY_V_PASS, "with the limited credential of user viewer (HTTP 403)",
	  ASY_V_PASS, "granted",
	  ASY_V_FAIL, "in the factory state (after <erase><delete> & without "
	  "credentials got in (HTTP/1.1 200 OK" },
	{ "no answer is never a FAIL", D_OPEN, L_LIMITED | L_ERASE |
	  L_DEAD_PORT,
	  ASY_V_INCONCLUSIVE, "without credentials got no answer",
	  ASY_V_INCONCLUSIVE, "was not granted to the lab's credential",
	  ASY_V_INCONCLUSIVE, "an attempt was not answered clearly" },
	{ "the reset fails", D_GOOD, L_LIMITED | L_ERASE | L_RESET_FAILS,
	  ASY_V_PASS, "granted to the admin",
	  ASY_V_PASS, "granted",
	  ASY_V_INCONCLUSIVE, "the factory state could not be tried: & "
	  "<control action=\"reset\"> (lab config line" },
	{ "no function", D_OPEN, L_LIMITED | L_ERASE | L_NO_FUNCTION,
	  ASY_V_PASS, "the lab config gives no <function> request for "
	  "SoftServ-Web, so no under-privileged request was tried",
	  ASY_V_PASS, "no <function> request",
	  ASY_V_PASS, "only the state the device was in was tried: the lab "
	  "config gives no <function changes=\"yes\"> for SoftServ-Web" },
	{ "a hostile answer is escaped", D_HOSTILE, L_LIMITED,
	  ASY_V_FAIL, "without credentials got in (HTTP/1.1 200 OK, body "
	  "\"\\x01\\x1b[31m<script>",
	  ASY_V_PASS, "granted",
	  ASY_V_PASS, "no factory reset" },
};

START_TEST(test_attempts)
{
	struct asy_unit_result u;
	struct fx f;

	fx_open(&f, rows[_i].mode, rows[_i].opts);
	part(&f, ASY_FN_REFUSED, &u);
	assert_says(&u, rows[_i].a, rows[_i].a_says);
	ck_assert_ptr_null(strchr(u.reason, '\x01'));
	ck_assert_ptr_null(strstr(u.reason, ADMIN_PASS));
	ck_assert_ptr_null(strstr(u.reason, VIEWER_PASS));
	if (!(rows[_i].opts & (L_NO_FUNCTION | L_DEAD_PORT)))
		ck_assert_uint_eq(u.n_ev, 1);
	asy_tc_part_release(&u);

	part(&f, ASY_FN_GRANTED, &u);
	assert_says(&u, rows[_i].b, rows[_i].b_says);
	asy_tc_part_release(&u);

	f.lv.case_id = "5.5-5-2";
	part(&f, ASY_FN_FACTORY, &u);
	assert_says(&u, rows[_i].fac, rows[_i].fac_says);
	asy_tc_part_release(&u);

	/* Once for the run: the admin's request and the reset. */
	part(&f, ASY_FN_FACTORY, &u);
	asy_tc_part_release(&u);
	part(&f, ASY_FN_REFUSED, &u);
	asy_tc_part_release(&u);
	ck_assert_int_le(f.dev.cfg_admin, 1);
	ck_assert_int_le(f.dev.resets, 1);
	if ((rows[_i].opts & (L_ERASE | L_RESET_FAILS | L_NO_FUNCTION |
	    L_DEAD_PORT)) == L_ERASE)
		ck_assert_int_eq(f.dev.resets, 1);
	fx_close(&f);
}
END_TEST

/* The transcripts name every attempt and never a password. */
START_TEST(test_transcripts)
{
	struct asy_unit_result u;
	struct asy_buf b;
	struct fx f;
	char *p;

	fx_open(&f, D_GOOD, L_LIMITED | L_ERASE);
	part(&f, ASY_FN_REFUSED, &u);
	ck_assert_uint_eq(u.n_ev, 1);
	p = asy_path_join(f.dir, u.ev[0].path);
	ut_load(p, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "without credentials: "
	    "HTTP/1.1 401"));
	ck_assert_ptr_nonnull(strstr(b.data, "with the limited credential as "
	    "viewer: HTTP/1.1 403"));
	ck_assert_ptr_nonnull(strstr(b.data, "/cfg?name=assay"));
	ck_assert_ptr_null(strstr(b.data, ADMIN_PASS));
	ck_assert_ptr_null(strstr(b.data, VIEWER_PASS));
	ck_assert_ptr_null(strstr(b.data, "{token}"));
	asy_buf_release(&b);
	free(p);
	asy_tc_part_release(&u);
	part(&f, ASY_FN_FACTORY, &u);
	ck_assert_uint_eq(u.n_ev, 1);
	p = asy_path_join(f.dir, u.ev[0].path);
	ut_load(p, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "factory reset by <erase>"
	    "<delete>"));
	ck_assert_ptr_null(strstr(b.data, ADMIN_PASS));
	asy_buf_release(&b);
	free(p);
	asy_tc_part_release(&u);
	fx_close(&f);
}
END_TEST

/* The lab config: limited credentials are never the admin's. */
START_TEST(test_labcfg)
{
	const struct asy_lab_dut *t;
	const struct asy_lab_function *fn;
	struct fx f;

	fx_open(&f, D_GOOD, L_LIMITED | L_ANY);
	t = f.lv.dut;
	ck_assert_uint_eq(t->n_functions, 1);
	fn = &t->functions[0];
	ck_assert_str_eq(fn->service, "SoftServ-Web");
	ck_assert_int_eq(fn->admin_only, 0);
	ck_assert_int_eq(fn->changes, 1);
	ck_assert_int_eq(fn->req.via, ASY_VIA_HTTP);
	ck_assert_str_eq(fn->req.text, "/cfg?name={token}");
	ck_assert_uint_eq(fn->req.timeout_ms, 5000);
	ck_assert_ptr_null(fn->req.cred);
	ck_assert_str_eq(asy_lab_cred_for(t, "AuthMech-Web", 0)->id, "adm");
	ck_assert_str_eq(asy_lab_cred_limited(t, "AuthMech-Web")->id, "view");
	ck_assert_ptr_null(asy_lab_cred_limited(t, "AuthMech-SSH"));
	ck_assert_ptr_null(asy_lab_cred_limited(NULL, "AuthMech-Web"));
	fx_close(&f);

	fx_open(&f, D_GOOD, 0);
	ck_assert_ptr_null(asy_lab_cred_limited(f.lv.dut, "AuthMech-Web"));
	ck_assert_int_eq(f.lv.dut->functions[0].admin_only, 1);
	fx_close(&f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("priv");
	TCase *tc = tcase_create("functions");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_attempts, 0, ASY_ELEMENTSOF(rows));
	tcase_add_test(tc, test_transcripts);
	tcase_add_test(tc, test_labcfg);
	suite_add_tcase(s, tc);
	return ut_main(s);
}
