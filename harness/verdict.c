#include "verdict.h"

#include <string.h>

#include "error.h"
#include "util.h"

static const struct {
	const char *name;
	const char *slug;
} verdicts[ASY_V__COUNT] = {
	[ASY_V_NONE] = { "NONE", "none" },
	[ASY_V_PASS] = { "PASS", "pass" },
	[ASY_V_FAIL] = { "FAIL", "fail" },
	[ASY_V_NA] = { "NOT APPLICABLE", "na" },
	[ASY_V_INCONCLUSIVE] = { "INCONCLUSIVE", "inconclusive" },
	[ASY_V_ERROR] = { "ERROR", "error" },
};

/* Roll-up precedence: the higher wins.  NONE counts as INCONCLUSIVE. */
static const int rank[ASY_V__COUNT] = {
	[ASY_V_NA] = 0,
	[ASY_V_PASS] = 1,
	[ASY_V_NONE] = 2,
	[ASY_V_INCONCLUSIVE] = 2,
	[ASY_V_ERROR] = 3,
	[ASY_V_FAIL] = 4,
};

const char *
asy_verdict_name(enum asy_verdict v)
{
	if ((unsigned)v >= ASY_V__COUNT)
		return "NONE";
	return verdicts[v].name;
}

const char *
asy_verdict_slug(enum asy_verdict v)
{
	if ((unsigned)v >= ASY_V__COUNT)
		return "none";
	return verdicts[v].slug;
}

int
asy_verdict_parse(const char *s, enum asy_verdict *out)
{
	for (unsigned i = 0; i < ASY_V__COUNT; i++) {
		if (strcmp(s, verdicts[i].name) == 0 ||
		    strcmp(s, verdicts[i].slug) == 0) {
			*out = (enum asy_verdict)i;
			return 0;
		}
	}
	if (strcmp(s, "N/A") == 0) {
		*out = ASY_V_NA;
		return 0;
	}
	return ASY_E_INPUT;
}

enum asy_verdict
asy_verdict_fold(enum asy_verdict acc, enum asy_verdict v)
{
	if (v == ASY_V_NONE)
		v = ASY_V_INCONCLUSIVE;
	if (acc == ASY_V_NONE)
		acc = ASY_V_INCONCLUSIVE;
	return rank[v] > rank[acc] ? v : acc;
}

enum asy_verdict
asy_verdict_combine(const enum asy_verdict *v, unsigned n)
{
	enum asy_verdict acc = ASY_V_NA;

	for (unsigned i = 0; i < n; i++)
		acc = asy_verdict_fold(acc, v[i]);
	return acc;
}
