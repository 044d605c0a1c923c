/*
 * 5.1-1: no universal default passwords.
 *
 * 5.1-1-2 a: sweep the DUT for password-based authentication and confirm
 * every mechanism found is declared.  From discovery: an open service whose
 * protocol offers passwords (SSH, telnet, HTTP, MQTT, SNMP communities,
 * FTP, RTSP...) and that no IXIT row declares is an undeclared password
 * mechanism.
 *
 * 5.1-1-2 c: pre-installed passwords follow the declared rule.  Every
 * password surface is tried with the common default credentials
 * (lab-config/credentials/defaults.txt and the lab's own lists) within the
 * lab's budget: one accepted is a universal default.  The lab's own
 * pre-installed passwords of the DUT are checked against the rule a
 * per-device password must meet: long enough, not in the default list,
 * not derived from the MAC address or a serial number the device
 * discloses.  When the lab config names other units of the same model
 * (<dut model="">), each pre-installed password is compared with theirs
 * for the same mechanism: the same password, or one that differs in no
 * more than two characters (a counter, a check digit), is not unique per
 * device.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "tclib.h"
#include "tcstate.h"

static int
unit_a(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	return asy_live_completeness(lv, u, ASY_SVC_PASSWORD,
	    "password-based authentication");
}

/* Lowercase hex digits of a MAC ("02a55a010002"), or "" */
static void
mac_hex(const char *mac, char out[13])
{
	size_t n = 0;

	for (const char *p = mac; p != NULL && *p != '\0' && n < 12; p++)
		if (isxdigit((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
}

/* Case-insensitive substring of at least 6 characters of needle in s. */
static int
derived(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n >= 6 && i + 6 <= n; i++) {
		char part[7];

		memcpy(part, needle + i, 6);
		part[6] = '\0';
		if (strcasestr(s, part) != NULL)
			return 1;
	}
	return 0;
}

/* Why a pre-installed password breaks the rule, or NULL. */
static const char *
rule_broken(struct asy_live *lv, const char *pw, const struct asy_unauth *ua)
{
	struct asy_tc_state *tc = lv->tc;
	char mac[13];

	if (strlen(pw) < 8)
		return "shorter than 8 characters";
	for (size_t i = 0; tc != NULL && i < tc->defaults.n; i++)
		if (strcmp(tc->defaults.pairs[i].pass, pw) == 0)
			return "in the list of common default passwords";
	mac_hex(lv->dut->mac, mac);
	if (mac[0] != '\0' && derived(pw, mac + 6))
		return "derived from the MAC address";
	for (size_t i = 0; ua != NULL && i < ua->found.n; i++)
		if (strcmp(ua->found.d[i].kind, "serial number") == 0 &&
		    derived(pw, ua->found.d[i].value))
			return "derived from the serial number the device "
			    "discloses";
	return NULL;
}

/* Do two credentials serve the same rows (both any, or a row in
 * common)? */
static int
same_use(const char *a, const char *b)
{
	char id[128];
	size_t k;

	if (a == NULL || b == NULL)
		return 1;
	while (*a != '\0') {
		a += strspn(a, " \t,");
		k = strcspn(a, " \t,");
		if (k > 0 && k < sizeof(id)) {
			memcpy(id, a, k);
			id[k] = '\0';
			if (asy_tc_names(b, id))
				return 1;
		}
		a += k;
	}
	return 0;
}

/*
 * The DUT's pre-installed passwords against the other units' (secrets
 * with a unit): findings appended to found, what was compared to cmp.
 * Returns the number of other units.
 */
static size_t
compare_units(const struct asy_live *lv, struct asy_buf *found,
    struct asy_buf *cmp)
{
	const struct asy_lab_dut *seen[16];
	size_t n_units = 0;

	for (size_t j = 0; j < lv->n_secrets; j++) {
		const struct asy_live_secret *o = &lv->secrets[j];
		size_t k;

		if (o->unit == NULL || o->limited)
			continue;
		for (k = 0; k < n_units && seen[k] != o->unit; k++)
			;
		if (k == n_units && n_units < ASY_ELEMENTSOF(seen))
			seen[n_units++] = o->unit;
		if (o->cred->ssh_key)
			continue;
		for (size_t i = 0; i < lv->n_secrets; i++) {
			const struct asy_live_secret *m = &lv->secrets[i];
			const char *why;

			if (m->unit != NULL || m->limited ||
			    m->cred->ssh_key || m->secret == NULL ||
			    !same_use(m->cred_for, o->cred_for))
				continue;
			if (o->secret == NULL) {
				(void)asy_buf_printf(cmp, "%scredential %s of "
				    "unit %s could not be read (%s)", cmp->len ?
				    "; " : "", o->cred->id, o->unit->name,
				    asy_strerror(o->err));
				break;
			}
			why = asy_tc_pw_related(m->secret, o->secret);
			(void)asy_buf_printf(cmp, "%scredential %s compared with "
			    "%s of unit %s: %s", cmp->len ? "; " : "",
			    m->cred->id, o->cred->id, o->unit->name,
			    why ? why : "unrelated");
			if (why != NULL)
				(void)asy_buf_printf(found, "%sthe lab's "
				    "pre-installed password %s is %s as unit "
				    "%s has (%s): not unique per device",
				    found->len ? ", " : "", m->cred->id,
				    strcmp(why, "the same password") == 0 ?
				    "the same password" : "close to the one",
				    o->unit->name, o->cred->id);
		}
	}
	return n_units;
}

static int
unit_c(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	struct asy_surface *s;
	struct asy_unauth *ua = NULL;
	struct asy_buf found, tried, rule, cmp;
	size_t n, n_pw = 0, n_units;
	int r;

	r = asy_live_need_discovery(lv, u);
	if (r != 0)
		return r < 0 ? r : 0;
	r = asy_tc_surfaces(lv, &s, &n);
	if (r == 0)
		r = asy_tc_unauth(lv, &ua);
	if (r < 0)
		return r;
	asy_buf_init(&found, 8192);
	asy_buf_init(&tried, 8192);
	asy_buf_init(&rule, 8192);
	asy_buf_init(&cmp, 8192);
	for (size_t i = 0; i < n; i++) {
		if (!s[i].password)
			continue;
		n_pw++;
		r = asy_tc_surface_evidence(lv, &s[i], u);
		if (r < 0)
			goto out;
		if (s[i].found_user != NULL)
			(void)asy_buf_printf(&found, "%s%s/%s on %s/%u (%s)",
			    found.len ? ", " : "", s[i].found_user,
			    *s[i].found_pass ? s[i].found_pass :
			    "(empty password)", s[i].o->proto, s[i].port,
			    s[i].method);
		else if (s[i].guessed)
			(void)asy_buf_printf(&tried, "%s%s/%u: %u refused",
			    tried.len ? ", " : "", s[i].o->proto, s[i].port,
			    s[i].g.refused);
		else
			(void)asy_buf_printf(&tried, "%s%s/%u: not tried (%s)",
			    tried.len ? ", " : "", s[i].o->proto, s[i].port,
			    s[i].method);
	}
	/* The lab's pre-installed passwords of the DUT. */
	for (size_t i = 0; i < lv->n_secrets; i++) {
		const struct asy_live_secret *sec = &lv->secrets[i];
		const char *why;

		if (sec->unit != NULL || sec->limited || sec->cred->ssh_key ||
		    sec->secret == NULL)
			continue;
		why = rule_broken(lv, sec->secret, ua);
		(void)asy_buf_printf(&rule, "%scredential %s %s", rule.len ?
		    "; " : "", sec->cred->id, why ? why : "follows the rule "
		    "(8 characters or more, not a common default, not "
		    "derived from the MAC address or a disclosed serial "
		    "number)");
		if (why != NULL)
			(void)asy_buf_printf(&found, "%sthe lab's pre-installed "
			    "password %s is %s", found.len ? ", " : "",
			    sec->cred->id, why);
	}
	n_units = compare_units(lv, &found, &cmp);
	if (n_units == 0)
		(void)asy_buf_printf(&cmp, "the lab config names no other unit "
		    "of this model (<dut model=\"...\">), so passwords of two "
		    "units were not compared");
	if (found.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "default or rule-breaking "
		    "passwords: %s; %s", found.data, cmp.data);
	else if (n_pw == 0)
		r = asy_unit_set(u, ASY_V_PASS, "no open service asks for a "
		    "password%s%s; %s", rule.len ? "; " : "", rule.len ?
		    rule.data : "", cmp.data);
	else
		r = asy_unit_set(u, ASY_V_PASS, "no common default "
		    "credential was accepted on %zu password surface(s) (%s)"
		    "%s%s; %s", n_pw, tried.data, rule.len ? "; " : "",
		    rule.len ? rule.data : "", cmp.data);
out:
	asy_buf_release(&found);
	asy_buf_release(&tried);
	asy_buf_release(&rule);
	asy_buf_release(&cmp);
	return r;
}

static const struct asy_tc_unit units[] = {
	{ "a", unit_a },
	{ "c", unit_c },
};

const struct asy_testcase asy_tc_5_1_1_2 = {
	"ts103701-v1.1.1", "5.1-1-2", units, ASY_ELEMENTSOF(units),
};
const struct asy_testcase asy_tc_5_1_1_2_v2 = {
	"ts103701-v2.1.1", "5.1-1-2", units, ASY_ELEMENTSOF(units),
};
