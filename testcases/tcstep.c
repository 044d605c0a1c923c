/*
 * Steps the lab config gives for a DUT (<update>, <resilience>, <erase>,
 * <credential-change>): an HTTP request, a command over SSH or on the
 * serial console, or a command on the lab's side, with {url}, {ca},
 * {token}, {old} and {new} filled in.
 */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "error.h"
#include "httpc.h"
#include "proc.h"
#include "serial.h"
#include "sshc.h"
#include "tclib.h"
#include "tcstate.h"

#define STEP_OUT_MAX	ASY_TC_STEP_OUT_MAX

/* Replace {url}, {ca}, {token}, {old} and {new} in text; pct:
 * percent-encode them (an HTTP target).  A placeholder without a value is left as it is. */
static char *
expand(const char *text, const struct asy_tc_subst *sub, int pct)
{
	struct asy_buf b;
	const char *p = text;

	asy_buf_init(&b, 8192);
	while (*p != '\0') {
		const char *val = NULL;
		size_t skip = 0;

		if (strncmp(p, "{url}", 5) == 0 && sub->url != NULL) {
			val = sub->url;
			skip = 5;
		} else if (strncmp(p, "{ca}", 4) == 0 && sub->url != NULL) {
			val = sub->ca != NULL ? sub->ca : "";
			skip = 4;
		} else if (strncmp(p, "{token}", 7) == 0 &&
		    sub->token != NULL) {
			val = sub->token;
			skip = 7;
		} else if (strncmp(p, "{old}", 5) == 0 && sub->old != NULL) {
			val = sub->old;
			skip = 5;
		} else if (strncmp(p, "{new}", 5) == 0 && sub->new != NULL) {
			val = sub->new;
			skip = 5;
		}
		if (val == NULL) {
			if (asy_buf_putc(&b, *p++) < 0)
				goto fail;
			continue;
		}
		for (const char *v = val; *v != '\0'; v++) {
			unsigned char c = (unsigned char)*v;
			int keep = (c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    strchr("-._~", c) != NULL;

			if (pct && !keep) {
				if (asy_buf_printf(&b, "%%%02X", c) < 0)
					goto fail;
			} else if (asy_buf_putc(&b, (char)c) < 0)
				goto fail;
		}
		p += skip;
	}
	if (asy_buf_putc(&b, '\0') < 0)
		goto fail;
	return asy_buf_steal(&b);
fail:
	asy_buf_release(&b);
	return NULL;
}

int
asy_tc_step(struct asy_live *lv, const struct asy_lab_step *st,
    const struct asy_tc_subst *sub, struct asy_ssh **ssh, struct asy_buf *out,
    char *why, size_t len)
{
	const char *addr = asy_tc_addr(lv);
	const char *secret = NULL;
	char *text = NULL;
	int r = 0, err = 0;

	*why = '\0';
	if (st->cred != NULL && sub->as == st->cred && sub->secret != NULL)
		secret = sub->secret;
	else if (st->cred != NULL) {
		secret = asy_live_secret(lv, st->cred, &err);
		if (secret == NULL) {
			snprintf(why, len, "the secret of credential %s cannot "
			    "be read (%s)", st->cred->id, asy_strerror(err));
			return ASY_E_NOTFOUND;
		}
	}
	switch (st->via) {
	case ASY_VIA_HTTP: {
		struct asy_http_opts ho = { 0 };
		struct asy_http_resp resp;
		struct asy_http *h = NULL;

		text = expand(st->text, sub, 1);
		if (text == NULL)
			return ASY_E_NOMEM;
		ho.addr = addr;
		ho.port = st->port != 0 ? st->port : st->tls ? 443 : 80;
		ho.tls = st->tls;
		ho.timeout_ms = st->timeout_ms;
		ho.max_body = STEP_OUT_MAX;
		r = asy_http_new(&ho, &h);
		if (r == 0)
			r = asy_http_request(h, "GET", text, st->cred != NULL ?
			    ASY_HTTP_AUTH_ANY : ASY_HTTP_AUTH_NONE,
			    st->cred != NULL ? st->cred->user : NULL, secret,
			    NULL, NULL, 0, &resp, why, len);
		if (r == 0) {
			asy_buf_add(out, resp.body.data, resp.body.len);
			if (resp.status < 200 || resp.status > 299) {
				snprintf(why, len, "HTTP status %ld", resp.status);
				r = ASY_E_PROTO;
			}
			if (st->cred != NULL && (resp.status == 401 ||
			    resp.status == 403)) {
				r = ASY_E_REFUSED;
				if (sub->refused != NULL)
					*sub->refused = 1;
			}
			asy_http_resp_release(&resp);
		}
		asy_http_free(h);
		break;
	}
	case ASY_VIA_SSH: {
		int status = -1;

		text = expand(st->text, sub, 0);
		if (text == NULL)
			return ASY_E_NOMEM;
		for (int tries = 0; tries < 2; tries++) {
			if (*ssh == NULL) {
				r = asy_ssh_open(addr, st->port != 0 ? st->port :
				    22, st->timeout_ms, st->cred->user, &*ssh,
				    why, len);
				if (r < 0)
					break;
				r = st->cred->ssh_key ?
				    asy_ssh_pubkey(*ssh, secret) :
				    asy_ssh_password(*ssh, secret);
				if (r != 1) {
					snprintf(why, len, "the device refused "
					    "credential %s over SSH (%s); check "
					    "the lab config", st->cred->id,
					    r == 0 ? "refused" : asy_strerror(r));
					asy_ssh_close(*ssh);
					*ssh = NULL;
					if (r == 0 && sub->refused != NULL)
						*sub->refused = 1;
					r = r < 0 ? r : ASY_E_REFUSED;
					break;
				}
			}
			r = asy_ssh_exec(*ssh, text, out, st->timeout_ms,
			    &status);
			if (r != ASY_E_CLOSED)
				break;
			/* The device closed an idle connection: once more. */
			asy_ssh_close(*ssh);
			*ssh = NULL;
		}
		if (r == 0 && status != 0) {
			snprintf(why, len, "the command exited with status %d",
			    status);
			r = ASY_E_PROTO;
		} else if (r < 0 && *why == '\0')
			snprintf(why, len, "SSH: %s", asy_strerror(r));
		break;
	}
	case ASY_VIA_SERIAL: {
		struct asy_tc_state *tc;
		char *output = NULL;
		int status = -1;

		if (lv->console == NULL) {
			snprintf(why, len, "%s", lv->console_error ?
			    lv->console_error : "the DUT's serial port is not "
			    "open");
			return ASY_E_NOTFOUND;
		}
		/* The first use of the console probes it: its boot log is
		 * read and it is left at its shell or login prompt. */
		r = asy_tc_console(lv, &tc);
		if (r < 0)
			return r;
		text = expand(st->text, sub, 0);
		if (text == NULL)
			return ASY_E_NOMEM;
		if (st->cred != NULL && tc->con.kind != ASY_CONSOLE_SHELL) {
			r = asy_console_login(lv->console, st->cred->user,
			    secret, st->timeout_ms);
			if (r == ASY_E_PROTO)	/* no prompt: at a shell */
				r = 0;
			else if (r == ASY_E_REFUSED) {
				snprintf(why, len, "the console refused "
				    "credential %s; check the lab config",
				    st->cred->id);
				if (sub->refused != NULL)
					*sub->refused = 1;
			}
		}
		/* {old} and {new} are masked in the console's transcript,
		 * in what is sent and in what the device echoes. */
		if (r == 0 && sub->old != NULL)
			r = asy_serial_add_secret(asy_console_serial(
			    lv->console), sub->old);
		if (r == 0 && sub->new != NULL)
			r = asy_serial_add_secret(asy_console_serial(
			    lv->console), sub->new);
		if (r == 0)
			r = asy_console_exec(lv->console, text, st->timeout_ms,
			    STEP_OUT_MAX, &output, &status);
		if (output != NULL)
			asy_buf_puts(out, output);
		free(output);
		if (r == 0 && status != 0) {
			snprintf(why, len, "the command exited with status %d",
			    status);
			r = ASY_E_PROTO;
		} else if (r < 0 && *why == '\0')
			snprintf(why, len, "serial console: %s",
			    asy_strerror(r));
		break;
	}
	case ASY_VIA_COMMAND: {
		struct asy_proc_opts po = { 0 };
		struct asy_proc_result res;
		char **argv = calloc(st->argc + 1, sizeof(*argv));

		if (argv == NULL)
			return ASY_E_NOMEM;
		for (size_t i = 0; i < st->argc && r == 0; i++) {
			argv[i] = expand(st->argv[i], sub, 0);
			if (argv[i] == NULL)
				r = ASY_E_NOMEM;
		}
		po.timeout_ms = st->timeout_ms;
		po.out = out;
		po.err = out;
		if (r == 0)
			r = asy_proc_run(argv, &po, &res);
		if (r == 0 && !(res.exited && res.status == 0)) {
			asy_proc_describe(&res, why, len);
			r = ASY_E_PROTO;
		} else if (r < 0 && r != ASY_E_NOMEM)
			snprintf(why, len, "cannot run %s: %s", argv[0],
			    asy_strerror(r));
		for (size_t i = 0; i < st->argc; i++)
			free(argv[i]);
		free(argv);
		break;
	}
	default:
		break;
	}
	free(text);
	return r;
}

