/*
 * The registry of functional test cases: the runner reaches a test only
 * through this table.  Adding a test case is its own file under testcases/
 * and one line here; the lint test testcases-registered fails when a
 * struct asy_testcase defined in testcases/ is missing from this list, and
 * the unit test test-registry when a listed case or unit is not in its
 * edition's catalogue.
 */
#include "live.h"

extern const struct asy_testcase asy_tc_5_1_1_2, asy_tc_5_1_1_2_v2;
extern const struct asy_testcase asy_tc_5_1_3_2;
extern const struct asy_testcase asy_tc_5_1_4_2, asy_tc_5_1_4_2_v2;
extern const struct asy_testcase asy_tc_5_1_5_2, asy_tc_5_1_5_2_v2;
extern const struct asy_testcase asy_tc_5_3_1_2, asy_tc_5_3_1_2_v2;
extern const struct asy_testcase asy_tc_5_3_2_2, asy_tc_5_3_2_2_v2;
extern const struct asy_testcase asy_tc_5_3_4A_2_v2, asy_tc_5_3_9_2_v2;
extern const struct asy_testcase asy_tc_5_3_10_1, asy_tc_5_3_10_1_v2;
extern const struct asy_testcase asy_tc_5_3_16_2, asy_tc_5_3_16_2_v2;
extern const struct asy_testcase asy_tc_5_5_1_2, asy_tc_5_5_2_2;
extern const struct asy_testcase asy_tc_5_5_4_2, asy_tc_5_5_5_2;
extern const struct asy_testcase asy_tc_5_5_6_2, asy_tc_5_5_7_2;
extern const struct asy_testcase asy_tc_5_6_1_2, asy_tc_5_6_1_2_v2;
extern const struct asy_testcase asy_tc_5_6_2_2, asy_tc_5_6_3_2;
extern const struct asy_testcase asy_tc_5_6_4_2, asy_tc_5_6_4A_2_v2;
extern const struct asy_testcase asy_tc_5_6_4B_2_v2;
extern const struct asy_testcase asy_tc_5_8_1_2, asy_tc_5_8_2_2;
extern const struct asy_testcase asy_tc_5_9_1_2, asy_tc_5_9_1_2_v2;
extern const struct asy_testcase asy_tc_5_9_2_2, asy_tc_5_9_2_2_v2;
extern const struct asy_testcase asy_tc_5_9_3_2, asy_tc_5_9_3_2_v2;
extern const struct asy_testcase asy_tc_5_11_1_2, asy_tc_5_11_1_2_v2;
extern const struct asy_testcase asy_tc_5_13_1_2;

const struct asy_testcase *const asy_testcases[] = {
	&asy_tc_5_1_1_2,
	&asy_tc_5_1_1_2_v2,
	&asy_tc_5_1_3_2,
	&asy_tc_5_1_4_2,
	&asy_tc_5_1_4_2_v2,
	&asy_tc_5_1_5_2,
	&asy_tc_5_1_5_2_v2,
	&asy_tc_5_3_1_2,
	&asy_tc_5_3_1_2_v2,
	&asy_tc_5_3_2_2,
	&asy_tc_5_3_2_2_v2,
	&asy_tc_5_3_4A_2_v2,
	&asy_tc_5_3_9_2_v2,
	&asy_tc_5_3_10_1,
	&asy_tc_5_3_10_1_v2,
	&asy_tc_5_3_16_2,
	&asy_tc_5_3_16_2_v2,
	&asy_tc_5_5_1_2,
	&asy_tc_5_5_2_2,
	&asy_tc_5_5_4_2,
	&asy_tc_5_5_5_2,
	&asy_tc_5_5_6_2,
	&asy_tc_5_5_7_2,
	&asy_tc_5_6_1_2,
	&asy_tc_5_6_1_2_v2,
	&asy_tc_5_6_2_2,
	&asy_tc_5_6_3_2,
	&asy_tc_5_6_4_2,
	&asy_tc_5_6_4A_2_v2,
	&asy_tc_5_6_4B_2_v2,
	&asy_tc_5_8_1_2,
	&asy_tc_5_8_2_2,
	&asy_tc_5_9_1_2,
	&asy_tc_5_9_1_2_v2,
	&asy_tc_5_9_2_2,
	&asy_tc_5_9_2_2_v2,
	&asy_tc_5_9_3_2,
	&asy_tc_5_9_3_2_v2,
	&asy_tc_5_11_1_2,
	&asy_tc_5_11_1_2_v2,
	&asy_tc_5_13_1_2,
};

const size_t asy_n_testcases = ASY_ELEMENTSOF(asy_testcases);
