/*
 * test_cli.c - the patchcheck command as a user runs it: exit codes 0/1/2, one-line errors with
 * file:line:col, and the report database holding the failing interleaving with its schedule and
 * a disassembled per-step trace.
 */
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCN PATCHCHECK_SOURCE_DIR "/scenarios/arm64/"

START_TEST(matching_verdicts_exit_0)
{
	char db[256];

	temp_file_name(db, sizeof(db), "cli.db");
	ck_assert_int_eq(sh("%s run --db %s %snop-to-call.yaml %sflawed-clobber-x2.yaml", TOOL, db, SCN, SCN), 0);
	expect_in_output("arm64/nop-to-call");
	expect_in_output("executions");
	expect_in_output("register-preservation: hart");
	expect_in_output("2 passed, 0 failed");
	/* The failing interleaving is stored with its schedule and a disassembled trace. */
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures WHERE invariant = 'register-preservation' AND length(schedule) > 0"), 1);
	ck_assert_int_gt(query_first_int(db, "SELECT count(*) FROM trace_steps"), 10);
	ck_assert_int_gt(query_first_int(db, "SELECT count(*) FROM trace_steps WHERE disasm LIKE 'bl%'"), 0);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM scenarios WHERE matched = 1"), 2);
	unlink(db);
}
END_TEST

START_TEST(mismatching_verdict_exits_1)
{
	/* The flawed trampoline, wrongly expected to pass. */
	static const char yaml[] =
		"name: mismatch\narch: arm64\nimage: ftrace\n"
		"setup: [\"ftrace_init_nop(traced_add3)\"]\n"
		"harts:\n"
		"  - {role: patcher, run: \"ftrace_make_call(traced_add3, ftrace_caller_clobber_x2)\"}\n"
		"  - {role: runner, run: \"traced_add3(1, 2, 3)\"}\n"
		"expect: pass\n";
	char db[256], scn[256];

	temp_file_name(db, sizeof(db), "cli.db");
	write_temp_file(scn, sizeof(scn), yaml, strlen(yaml));
	ck_assert_int_eq(sh("%s run --db %s %s", TOOL, db, scn), 1);
	expect_in_output("FAIL");
	expect_in_output("0 passed, 1 failed");
	unlink(scn);
	unlink(db);
}
END_TEST

START_TEST(bad_input_exits_2_with_position)
{
	static const char yaml[] = "name: badsym\narch: arm64\nimage: ftrace\n"
				   "harts:\n"
				   "  - {role: runner, run: \"traced_ad3(1, 2, 3)\"}\n"
				   "expect: pass\n";
	char scn[256];

	ck_assert_int_eq(sh("%s run --no-db /nonexistent.yaml", TOOL), 2);
	expect_in_output("/nonexistent.yaml");
	ck_assert_int_eq(sh("%s run --bogus x", TOOL), 2);
	ck_assert_int_eq(sh("%s frobnicate", TOOL), 2);
	write_temp_file(scn, sizeof(scn), yaml, strlen(yaml));
	ck_assert_int_eq(sh("%s run --no-db %s", TOOL, scn), 2);
	expect_in_output(":5:");
	expect_in_output("unknown symbol 'traced_ad3'");
	unlink(scn);
}
END_TEST

START_TEST(help_exits_0)
{
	ck_assert_int_eq(sh("%s --help", TOOL), 0);
	ck_assert_int_eq(sh("%s run --help", TOOL), 0);
	expect_in_output("--db");
}
END_TEST

START_TEST(list_shows_images_sites_and_functions)
{
	ck_assert_int_eq(sh("%s list --guest-dir %s", TOOL, PATCHCHECK_GUEST_DIR), 0);
	expect_in_output("arm64/ftrace ");
	expect_in_output("riscv64/ftrace_ops");
	expect_in_output("arm/ftrace_thumb");
	ck_assert_int_eq(sh("%s list --guest-dir %s arm64/ftrace", TOOL, PATCHCHECK_GUEST_DIR), 0);
	expect_in_output("  traced_add3              0x");
	expect_in_output("ftrace_make_call");
	expect_in_output("record_regs");
	ck_assert_int_eq(sh("%s list --guest-dir %s -q arm64/ftrace_ops", TOOL, PATCHCHECK_GUEST_DIR), 0);
	expect_in_output("traced_add3\n");
	ck_assert_int_eq(sh("%s list --guest-dir %s arm64/nope", TOOL, PATCHCHECK_GUEST_DIR), 2);
	expect_in_output("nope.elf: cannot open");
	ck_assert_int_eq(sh("%s list --guest-dir %s arm64", TOOL, PATCHCHECK_GUEST_DIR), 2);
}
END_TEST

/* The progress line: on a terminal only, never with CI set or TERM=dumb (run under script(1),
 * which gives the command a pseudo-terminal). PATCHCHECK_PROGRESS_AFTER=0 shows it from the
 * first 1024 executions on (the scenario runs about 2,300), whatever the speed of the machine. */
START_TEST(progress_line_only_on_a_terminal)
{
	char long_scn[256];
	FILE *f;

	temp_file_name(long_scn, sizeof(long_scn), "long.yaml");
	f = fopen(long_scn, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "name: long\narch: arm64\nimage: ftrace\n"
		   "setup: [\"ftrace_init_nop(traced_add3)\"]\n"
		   "harts:\n"
		   "  - {role: patcher, run: \"ftrace_make_call(traced_add3, ftrace_caller)\"}\n"
		   "  - {role: runner, run: \"traced_add3(1, 2, 3)\", repeat: 2}\n"
		   "  - {role: runner, run: \"traced_add3(4, 5, 6)\", repeat: 2}\n"
		   "  - {role: runner, run: \"traced_add3(7, 8, 9)\", repeat: 2}\n"
		   "  - {role: runner, run: \"traced_add3(1, 1, 1)\", repeat: 2}\n"
		   "expect: pass\n");
	fclose(f);
	ck_assert_int_eq(sh("env -u CI TERM=xterm PATCHCHECK_PROGRESS_AFTER=0 script -qec '%s run --no-db %s' /dev/null", TOOL,
			    long_scn), 0);
	expect_in_output("exec/s");
	ck_assert_int_eq(sh("env CI=true TERM=xterm PATCHCHECK_PROGRESS_AFTER=0 script -qec '%s run --no-db %s' /dev/null", TOOL,
			    long_scn), 0);
	ck_assert_ptr_null(strstr(output, "exec/s"));
	ck_assert_int_eq(sh("env -u CI TERM=dumb PATCHCHECK_PROGRESS_AFTER=0 script -qec '%s run --no-db %s' /dev/null", TOOL,
			    long_scn), 0);
	ck_assert_ptr_null(strstr(output, "exec/s"));
	unlink(long_scn);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, matching_verdicts_exit_0);
	tcase_add_test(tc, mismatching_verdict_exits_1);
	tcase_add_test(tc, bad_input_exits_2_with_position);
	tcase_add_test(tc, help_exits_0);
	tcase_add_test(tc, list_shows_images_sites_and_functions);
	tcase_add_test(tc, progress_line_only_on_a_terminal);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
