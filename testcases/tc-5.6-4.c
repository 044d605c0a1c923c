/*
 * 5.6-4: physically accessible debug interfaces are disabled in software.
 *
 * 5.6-4-2 b (V1.1.1), 5.6-4A-2 a and 5.6-4B-2 a (V2.1.1): the lab's cable
 * on the DUT's serial port (<dut serial> in the lab config) is the
 * "standard cable and tool".  The console is probed once (console.h):
 * listened to, then a CR, then a break, and what it offers is proven: a
 * shell without login (it must evaluate arithmetic sent to it), a boot
 * loader whose autoboot a key stops (its prompt must answer a read-only
 * command), or a login prompt that refuses an invented user.  Secrets it
 * prints (private keys, passwords, Wi-Fi PSKs) are named by line, masked.
 *
 * FAIL: a shell without login, a boot loader broken into, or a secret
 * printed.  PASS: only a login prompt that refuses strangers, or a silent
 * port.  INCONCLUSIVE: the port cannot be opened, hangs up, floods, or
 * answers with bytes that are not text (a wrong baud rate); never FAIL for
 * what the bench or the cable did.
 */
#include <string.h>

#include "console.h"
#include "error.h"
#include "tcstate.h"

/* "private key at line 28; Wi-Fi PSK at line 26" */
static void
secrets_text(const struct asy_console_result *c, struct asy_buf *b)
{
	for (size_t i = 0; i < c->n_secrets; i++)
		(void)asy_buf_printf(b, "%s%s at line %lu", i ? "; " : "",
		    c->secrets[i].kind, c->secrets[i].line);
	if (c->n_secrets_dropped > 0)
		(void)asy_buf_printf(b, " and %zu more",
		    c->n_secrets_dropped);
}

static int
judge(struct asy_live *lv, struct asy_unit_result *u)
{
	const struct asy_console_result *c;
	struct asy_tc_state *tc;
	struct asy_buf sec, bad;
	const char *port;
	int r;

	if (lv->dut->serial == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "the lab config "
		    "gives this DUT no serial port (<dut serial>), so its "
		    "debug interfaces were not tried");
	port = lv->dut->serial->path;
	if (lv->console == NULL)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s; nothing was "
		    "tried on the console", lv->console_error ?
		    lv->console_error : "the serial port is not open");
	r = asy_tc_console(lv, &tc);
	if (r == 0)		/* the whole console so far, under this case */
		r = asy_tc_console_save(lv, &tc->con_transcript);
	if (r < 0)
		return r;
	c = &tc->con;
	if (tc->con_transcript != NULL) {
		r = asy_unit_add_evidence(u, tc->con_transcript, "transcript",
		    "the serial console, both ways, timestamped");
		if (r < 0)
			return r;
	}
	asy_buf_init(&sec, 8192);
	asy_buf_init(&bad, 16384);
	secrets_text(c, &sec);
	if (c->kind == ASY_CONSOLE_SHELL)
		(void)asy_buf_printf(&bad, "a shell without any login (it "
		    "evaluated arithmetic sent to it)");
	if (c->bl_interrupted)
		(void)asy_buf_printf(&bad, "%sits boot loader's autoboot "
		    "was stopped with a key and the boot-loader prompt "
		    "answered", bad.len ? "; " : "");
	if (sec.len > 0)
		(void)asy_buf_printf(&bad, "%sit prints secrets (masked in "
		    "the transcript): %s", bad.len ? "; " : "", sec.data);
	if (bad.len > 0) {
		r = asy_unit_set(u, ASY_V_FAIL, "the console on %s gives "
		    "access in the default state: %s", port, bad.data);
		goto out;
	}
	if (tc->con_err < 0) {
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the console on %s "
		    "could not be assessed (%s): %s", port,
		    asy_strerror(tc->con_err), c->reason);
		goto out;
	}
	switch (c->kind) {
	case ASY_CONSOLE_LOGIN:
		if (!c->login_refused) {
			r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the console "
			    "on %s shows a login prompt, but whether it "
			    "refuses strangers was not seen: %s", port,
			    c->reason);
			break;
		}
		r = asy_unit_set(u, ASY_V_PASS, "the console on %s asks for "
		    "a login and refused an invented user; no shell, boot "
		    "loader or secret was reached%s", port,
		    c->bl_countdown ? " (an autoboot countdown was seen but "
		    "had passed: power-cycle the DUT while assay listens to "
		    "try it)" : "");
		break;
	case ASY_CONSOLE_SILENT:
		r = asy_unit_set(u, ASY_V_PASS, "the console on %s is silent: "
		    "nothing came back after a CR and a break", port);
		break;
	default:
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "the console on %s "
		    "answered, but not with anything recognisable (%s): %s",
		    port, asy_console_kind_name(c->kind), c->reason);
		break;
	}
out:
	asy_buf_release(&sec);
	asy_buf_release(&bad);
	return r;
}

static int
unit_judge(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return judge(lv, u);
}

static const struct asy_tc_unit units_v1[] = {
	{ "b", unit_judge },
};

const struct asy_testcase asy_tc_5_6_4_2 = {
	"ts103701-v1.1.1", "5.6-4-2", units_v1, ASY_ELEMENTSOF(units_v1),
};

static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_judge },
};

const struct asy_testcase asy_tc_5_6_4A_2_v2 = {
	"ts103701-v2.1.1", "5.6-4A-2", units_v2, ASY_ELEMENTSOF(units_v2),
};

const struct asy_testcase asy_tc_5_6_4B_2_v2 = {
	"ts103701-v2.1.1", "5.6-4B-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
