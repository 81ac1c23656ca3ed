/*
 * test_tap.c - `patchcheck gate --tap FILE`: TAP version 13 as kselftest writes it, one line
 * per scenario in the gate's order, a YAML block under each "not ok", SKIP for a skipped one,
 * the same content for the same results, refused over the database, a scenario or the JUnit
 * file.
 */
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCN PATCHCHECK_SOURCE_DIR "/scenarios/arm64/"
#define MISMATCH PATCHCHECK_SOURCE_DIR "/tests/data/gate/mismatch"
#define SKIP PATCHCHECK_SOURCE_DIR "/tests/data/gate/skip"

START_TEST(tap_lists_every_scenario)
{
	char tap[256], again[256];

	temp_file_name(tap, sizeof(tap), "gate.tap");
	temp_file_name(again, sizeof(again), "again.tap");
	ck_assert_int_eq(sh("%s gate -q --no-db --tap %s %snop-to-call.yaml %s %s", TOOL, tap, SCN,
			    MISMATCH, SKIP), 1);
	ck_assert_int_eq(sh("head -2 %s", tap), 0);
	ck_assert_str_eq(output, "TAP version 13\n1..4\n");
	ck_assert_int_eq(sh("grep -c '^ok 1 - arm64: arm64/nop-to-call$' %s", tap), 0);
	ck_assert_int_eq(sh("grep -c '^not ok 2 - mismatch: gate/clobber-x2-expected-pass$' %s", tap), 0);
	ck_assert_int_eq(sh("grep -A3 '^not ok 2' %s", tap), 0);
	expect_in_output("  ---\n  severity: fail\n  type: \"register-preservation\"");
	ck_assert_int_eq(sh("grep -c '^  \\.\\.\\.$' %s", tap), 0);
	ck_assert_int_eq(atoi(output), 1);
	ck_assert_int_eq(sh("grep -c '^ok 3 - skip: gate/skipped # SKIP waits for' %s", tap), 0);
	ck_assert_int_eq(sh("grep -c '^ok 4 - skip: gate/unpatched$' %s", tap), 0);
	/* The same results give the same file. */
	ck_assert_int_eq(sh("%s gate -q --no-db --tap %s %snop-to-call.yaml %s %s", TOOL, again, SCN,
			    MISMATCH, SKIP), 1);
	ck_assert_int_eq(sh("cmp %s %s", tap, again), 0);
	unlink(tap);
	unlink(again);
}
END_TEST

START_TEST(tap_is_refused_over_an_input_or_the_junit_file)
{
	char db[256];

	temp_file_name(db, sizeof(db), "tap.db");
	ck_assert_int_eq(sh("%s gate -q --db %s --tap %s %snop-to-call.yaml", TOOL, db, db, SCN), 2);
	expect_in_output("the TAP file would overwrite");
	ck_assert_int_eq(sh("%s gate -q --no-db --tap /tmp/x.out --junit /tmp/x.out %snop-to-call.yaml",
			    TOOL, SCN), 2);
	expect_in_output("must differ");
	unlink(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tap");
	TCase *tc = tcase_create("tap");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, tap_lists_every_scenario);
	tcase_add_test(tc, tap_is_refused_over_an_input_or_the_junit_file);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
