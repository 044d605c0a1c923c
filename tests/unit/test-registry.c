/*
 * The functional test registry (testcases/registry.c) against the
 * catalogues: every registered case and unit exists in its edition, is a
 * functional unit there and needs what a test reaches by itself (the
 * network, the serial port or Wi-Fi; power through the lab's control
 * commands; an operator only as the fallback when the lab gives no way),
 * the units judged from the Wi-Fi onboarding capture need wifi, and
 * nothing is registered twice.  Also the
 * lookup the runner uses.
 */
#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "diag.h"
#include "error.h"
#include "live.h"
#include "ut.h"
#include "xml.h"

static struct asy_catalogue *
load_edition(const char *edition)
{
	struct asy_catalogue *cat = NULL;
	struct asy_diags d;
	char *rel, *path;
	int r;

	rel = asy_strdup_printf("ics-ixit/catalogue/%s.xml", edition);
	ck_assert_ptr_nonnull(rel);
	path = ut_src(rel);
	asy_diags_init(&d);
	r = asy_catalogue_load(path, &d, &cat);
	ck_assert_msg(r == 0, "cannot load the catalogue %s", path);
	asy_diags_release(&d);
	free(path);
	free(rel);
	return cat;
}

START_TEST(registered_units_exist)
{
	static const char *const editions[] = {
		"ts103701-v1.1.1", "ts103701-v2.1.1",
	};
	size_t seen = 0;

	ck_assert_uint_gt(asy_n_testcases, 0);
	for (size_t e = 0; e < ASY_ELEMENTSOF(editions); e++) {
		struct asy_catalogue *cat = load_edition(editions[e]);

		for (size_t i = 0; i < asy_n_testcases; i++) {
			const struct asy_testcase *tc = asy_testcases[i];
			const struct asy_cat_case *cc;

			if (strcmp(tc->edition, editions[e]) != 0)
				continue;
			seen++;
			cc = asy_catalogue_case(cat, tc->id);
			ck_assert_msg(cc != NULL, "%s: case %s is not in the "
			    "catalogue", tc->edition, tc->id);
			ck_assert_uint_gt(tc->n_units, 0);
			for (size_t j = 0; j < tc->n_units; j++) {
				const struct asy_cat_unit *cu = NULL;

				for (size_t k = 0; k < cc->n_units; k++)
					if (strcmp(cc->units[k].id,
					    tc->units[j].unit) == 0)
						cu = &cc->units[k];
				ck_assert_msg(cu != NULL, "%s %s: no unit %s",
				    tc->edition, tc->id, tc->units[j].unit);
				ck_assert_msg(cu->kind == ASY_KIND_FUNCTIONAL,
				    "%s %s %s is not functional", tc->edition,
				    tc->id, cu->id);
				/* Something a test reaches by itself; power
				 * through the lab's control commands, and an
				 * operator only as the way out a test takes
				 * (ASY_TC_OPERATOR) when the lab gives none. */
				ck_assert_msg((cu->needs &
				    (unsigned)(ASY_NEED_NETWORK |
				    ASY_NEED_SERIAL | ASY_NEED_WIFI)) != 0,
				    "%s %s %s needs neither the network, the "
				    "serial port nor Wi-Fi: no automated test "
				    "can do it", tc->edition, tc->id, cu->id);
				ck_assert(tc->units[j].run != NULL);
				/* Listening to the DUT's radio. */
				if (strcmp(tc->id, "5.6-3-2") == 0)
					ck_assert_msg(cu->needs &
					    ASY_NEED_WIFI, "%s %s %s reads "
					    "the Wi-Fi capture but does not "
					    "need wifi", tc->edition, tc->id,
					    cu->id);
			}
			/* Registered once per edition. */
			for (size_t k = i + 1; k < asy_n_testcases; k++)
				ck_assert_msg(strcmp(asy_testcases[k]->edition,
				    tc->edition) != 0 || strcmp(
				    asy_testcases[k]->id, tc->id) != 0,
				    "%s %s registered twice", tc->edition,
				    tc->id);
		}
		asy_catalogue_free(cat);
	}
	ck_assert_uint_eq(seen, asy_n_testcases);
}
END_TEST

START_TEST(lookup)
{
	ck_assert(asy_testcase_find("ts103701-v1.1.1", "5.1-1-2",
	    "a") != NULL);
	ck_assert(asy_testcase_find("ts103701-v1.1.1", "5.1-1-2",
	    "b") == NULL);
	ck_assert(asy_testcase_find("ts103701-v1.1.1", "5.1-1-1",
	    "a") == NULL);
	ck_assert(asy_testcase_find("ts103701-v9", "5.1-1-2", "a") == NULL);
	ck_assert(asy_testcase_find("ts103701-v2.1.1", "5.6-1-2",
	    "a") != NULL);
	ck_assert(asy_testcase_find("ts103701-v2.1.1", "5.6-1-2",
	    "b") == NULL);
	/* 5.6-3-2: only c, from the Wi-Fi onboarding capture. */
	ck_assert(asy_testcase_find("ts103701-v1.1.1", "5.6-3-2",
	    "c") != NULL);
	ck_assert(asy_testcase_find("ts103701-v1.1.1", "5.6-3-2",
	    "a") == NULL);
}
END_TEST

static Suite *
registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, registered_units_exist);
	tcase_add_test(tc, lookup);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int r;

	r = ut_main(registry_suite());
	asy_xml_cleanup();
	return r;
}
