/*
 * 5.13-1: the device validates input.
 *
 * 5.13-1-2 b, for each declared API (28-ExtAPI endpoint): bounded fuzzing
 * (fuzz.h) within the lab's budget: HTTP endpoints get malformed values in
 * every query parameter, the path and headers; MQTT endpoints malformed
 * topics, payloads and packets; CoAP servers malformed datagrams and
 * hostile options on every resource /.well-known/core lists.  The service must keep answering: one
 * that stops is a FAIL naming the input, which is kept as evidence; so is
 * an answer that leaks a file or reflects markup unescaped.
 *
 * 5.13-1-2 c: every open service is an interface to the device's input
 * handling; one the IXIT does not declare was never assessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "error.h"
#include "tclib.h"

/* "http://198.18.1.2/x?y=1 (tcp/80)" -> scheme, port, path. */
static int
parse_endpoint(const char *ep, char *scheme, size_t slen, unsigned *port,
    char *path, size_t plen)
{
	const char *p = strstr(ep, "://"), *host, *end;
	size_t len;

	if (p == NULL)
		return -1;
	snprintf(scheme, slen, "%.*s", (int)(p - ep), ep);
	host = p + 3;
	end = host + strcspn(host, "/ \t\n");
	*port = asy_tc_port_in(ep);
	if (*port == 0) {
		const char *c = memchr(host, ']', (size_t)(end - host));

		c = memchr(c ? c : host, ':', (size_t)(end - (c ? c : host)));
		if (c != NULL)
			*port = (unsigned)strtoul(c + 1, NULL, 10);
	}
	if (*port == 0)
		*port = strcmp(scheme, "https") == 0 ? 443 :
		    strcmp(scheme, "http") == 0 ? 80 :
		    strcmp(scheme, "mqtts") == 0 ? 8883 :
		    strcmp(scheme, "mqtt") == 0 ? 1883 :
		    strcmp(scheme, "coap") == 0 ? 5683 : 0;
	len = *end == '/' ? strcspn(end, " \t\n") : 0;
	snprintf(path, plen, "%.*s", (int)(len ? len : 1), len ? end : "/");
	return *port == 0 ? -1 : 0;
}

static int
unit_b(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	const struct asy_ixit_row *row = pu->row;
	const char *ep = row ? asy_ixit_get(row, "endpoint") : NULL;
	const char *am = row ? asy_ixit_get(row, "authmech") : NULL;
	struct asy_fuzz_opts o = { 0 };
	struct asy_fuzz_result res;
	char scheme[16], path[512], name[64], amid[128];
	char *t_rel = NULL, *c_rel = NULL, *t_abs = NULL, *c_abs = NULL;
	const char *user = NULL, *secret = NULL;
	unsigned port;
	int r, mqtt, coap;

	if (row == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	if (ep == NULL || parse_endpoint(ep, scheme, sizeof(scheme), &port,
	    path, sizeof(path)) < 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s gives no "
		    "endpoint URL assay can reach (\"%.120s\"); write it as "
		    "http://ADDRESS/PATH (tcp/PORT)", row->id, ep ? ep : "");
	mqtt = strncmp(scheme, "mqtt", 4) == 0;
	coap = strcmp(scheme, "coap") == 0;
	if (!mqtt && !coap && strncmp(scheme, "http", 4) != 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "assay has no "
		    "fuzzer for %s endpoints yet (%s)", scheme, row->id);
	if (lv->lab->budget.fuzz_cases == 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "fuzzing is off in "
		    "the lab config (budget fuzz-cases=\"0\")");
	if (am != NULL && *am != '\0') {
		snprintf(amid, sizeof(amid), "%.*s", (int)strcspn(am,
		    " \t\n,"), am);
		secret = asy_tc_secret(lv, amid, 0, &user);
	}
	snprintf(name, sizeof(name), "fuzz-%s", row->id);
	t_rel = asy_strdup_printf("transcripts/%s-%s.txt", lv->case_id, name);
	c_rel = asy_strdup_printf("transcripts/%s-%s-crash.%s", lv->case_id,
	    name, coap ? "txt" : "bin");
	t_abs = t_rel ? asy_path_join(lv->work, t_rel) : NULL;
	c_abs = c_rel ? asy_path_join(lv->work, c_rel) : NULL;
	if (t_abs == NULL || c_abs == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	{
		char *dir = asy_path_join(lv->work, "transcripts");

		r = dir ? asy_mkdir_p(dir, 0755) : ASY_E_NOMEM;
		free(dir);
		if (r < 0)
			goto out;
	}
	o.addr = asy_tc_addr(lv);
	o.port = port;
	o.tls = strcmp(scheme, "https") == 0 || strcmp(scheme, "mqtts") == 0;
	o.path = mqtt ? "assay/" : path;
	o.user = user ? user : secret ? "admin" : NULL;
	o.pass = secret;
	o.max_cases = (unsigned)lv->lab->budget.fuzz_cases;
	o.budget_ms = lv->lab->budget.fuzz_seconds * 1000;
	o.timeout_ms = lv->lab->budget.timeout_ms < 3000 ?
	    lv->lab->budget.timeout_ms : 3000;
	o.transcript = t_abs;
	o.crash_file = c_abs;
	memset(&res, 0, sizeof(res));
	r = mqtt ? asy_fuzz_mqtt(&o, &res) : coap ? asy_fuzz_coap(&o, &res) :
	    asy_fuzz_http(&o, &res);
	if (r < 0)
		goto out;
	r = asy_unit_add_evidence(u, t_rel, "transcript", "every input sent "
	    "and the answer's status");
	if (r == 0 && res.crashed && access(c_abs, F_OK) == 0)
		r = asy_unit_add_evidence(u, c_rel, "input", "the input after "
		    "which the service stopped answering");
	if (r < 0)
		goto out;
	if (res.crashed)
		r = asy_unit_set(u, ASY_V_FAIL, "%s (%s/%u) stopped answering "
		    "after %s; the input is kept in %s", row->id, scheme, port,
		    res.crash_what ? res.crash_what : "an input", c_rel);
	else if (res.leaked)
		r = asy_unit_set(u, ASY_V_FAIL, "%s (%s/%u): %s", row->id,
		    scheme, port, res.leak_what ? res.leak_what : "an answer "
		    "leaked what it must not");
	else if (res.sent == 0)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s (%s/%u): no input "
		    "could be sent: %s", row->id, scheme, port, res.why ?
		    res.why : "the service did not answer");
	else
		r = asy_unit_set(u, ASY_V_PASS, "%s (%s/%u) kept answering "
		    "through %u malformed inputs (%u answered, %u with a "
		    "server error, %u without an answer)%s%s", row->id,
		    scheme, port, res.sent, res.answered, res.errors_5xx,
		    res.no_answer, res.why ? "; stopped early: " : "",
		    res.why ? res.why : "");
	asy_fuzz_result_release(&res);
out:
	free(t_rel);
	free(c_rel);
	free(t_abs);
	free(c_abs);
	return r;
}

static int
unit_c(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, 0, "an interface for input");
}

static const struct asy_tc_unit units[] = {
	{ "b", unit_b },
	{ "c", unit_c },
};

const struct asy_testcase asy_tc_5_13_1_2 = {
	"ts103701-v1.1.1", "5.13-1-2", units, ASY_ELEMENTSOF(units),
};
