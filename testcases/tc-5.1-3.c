/*
 * 5.1-3: authentication mechanisms use best-practice cryptography.
 *
 * 5.1-3-2 a, for each network authentication mechanism (1-AuthMech,
 * network=yes): every open service whose 13-SoftServ row names the
 * mechanism has its channel assessed (tclib.h: SSH algorithms and
 * downgrades, TLS versions, suites and certificate, or plain text) against
 * the best-practice table and the IXIT's words, those of the mechanism
 * and of the communication mechanisms on the same port.  Authentication
 * is always sensitive: plain text is a FAIL, named with the captured
 * frames that carried credentials.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "tclib.h"

/* The crypto words of the mechanism and of every channel on port. */
static int
decl_text(struct asy_live *lv, const struct asy_ixit_row *am, unsigned port,
    struct asy_buf *out)
{
	static const char *const f[] = { "crypto", NULL };
	int r;

	r = asy_tc_row_text(am, f, out);
	for (size_t i = 0; r == 0 && i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *c = &lv->decl->ixit[i];

		if (strcmp(c->table->id, "11-ComMech") == 0 &&
		    asy_tc_port_in(asy_ixit_get(c, "protocol")) == port)
			r = asy_tc_row_text(c, f, out);
	}
	return r == ASY_E_TOOBIG ? 0 : r;
}

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	const struct asy_ixit_row *am = pu->row;
	size_t parts = 0;
	int r;

	if (am == NULL)
		return asy_unit_set(u, ASY_V_ERROR, "the unit has no IXIT row");
	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		struct asy_unit_result part;
		struct asy_buf decl;
		const struct asy_surface *s;
		char label[160];

		if (strcmp(row->table->id, "13-SoftServ") != 0 ||
		    !asy_tc_names(asy_ixit_get(row, "authmech"), am->id))
			continue;
		s = asy_tc_surface_of(lv, row);
		if (s == NULL || strcmp(s->o->proto, "tcp") != 0)
			continue;
		memset(&part, 0, sizeof(part));
		asy_buf_init(&decl, 16384);
		r = decl_text(lv, am, s->port, &decl);
		if (r == 0)
			r = asy_tc_channel(lv, s->port, decl.data, 1, &part);
		asy_buf_release(&decl);
		snprintf(label, sizeof(label), "%s on tcp/%u", row->id,
		    s->port);
		if (r == 0)
			r = asy_tc_fold(u, &part, label);
		asy_tc_part_release(&part);
		if (r < 0)
			return r;
		parts++;
	}
	if (parts == 0)
		return asy_unit_set(u, ASY_V_INCONCLUSIVE, "no open TCP service "
		    "is declared (13-SoftServ authmech) to use %s, so its "
		    "exchange could not be captured", am->id);
	return 0;
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
};

const struct asy_testcase asy_tc_5_1_3_2 = {
	"ts103701-v1.1.1", "5.1-3-2", units, ASY_ELEMENTSOF(units),
};
