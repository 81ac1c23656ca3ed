/*
 * test_cli.c - the patchcheck command as a user runs it: exit codes 0/1/2, one-line errors with
 * file:line:col, and the report database holding the failing interleaving with its schedule and
 * a disassembled per-step trace.
 */
#include <check.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCN PATCHCHECK_SOURCE_DIR "/scenarios/arm64/"

static char out[65536];

/* Runs a shell command, captures stdout+stderr into out, returns the exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long long query_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void tmpdb(char *path, size_t len)
{
	snprintf(path, len, "/tmp/pc-cli-%d.db", (int)getpid());
	unlink(path);
}

START_TEST(matching_verdicts_exit_0)
{
	char db[64];

	tmpdb(db, sizeof(db));
	ck_assert_int_eq(sh("%s run --db %s %snop-to-call.yaml %sflawed-clobber-x2.yaml", TOOL, db, SCN, SCN), 0);
	ck_assert_ptr_nonnull(strstr(out, "arm64/nop-to-call"));
	ck_assert_ptr_nonnull(strstr(out, "interleavings"));
	ck_assert_ptr_nonnull(strstr(out, "register-preservation: hart"));
	ck_assert_ptr_nonnull(strstr(out, "2 passed, 0 failed"));
	/* The failing interleaving is stored with its schedule and a disassembled trace. */
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM failures WHERE invariant = 'register-preservation' AND length(schedule) > 0"), 1);
	ck_assert_int_gt(query_int(db, "SELECT count(*) FROM trace_steps"), 10);
	ck_assert_int_gt(query_int(db, "SELECT count(*) FROM trace_steps WHERE disasm LIKE 'bl%'"), 0);
	ck_assert_int_eq(query_int(db, "SELECT count(*) FROM scenarios WHERE matched = 1"), 2);
	unlink(db);
}
END_TEST

START_TEST(mismatching_verdict_exits_1)
{
	char db[64], scn[128];
	FILE *f;

	tmpdb(db, sizeof(db));
	snprintf(scn, sizeof(scn), "/tmp/pc-cli-%d.yaml", (int)getpid());
	f = fopen(scn, "w");
	ck_assert_ptr_nonnull(f);
	/* The flawed trampoline, wrongly expected to pass. */
	fprintf(f, "name: mismatch\narch: arm64\nimage: ftrace\n"
		   "setup: [\"ftrace_init_nop(traced_add3)\"]\n"
		   "harts:\n"
		   "  - {role: patcher, run: \"ftrace_make_call(traced_add3, ftrace_caller_clobber_x2)\"}\n"
		   "  - {role: runner, run: \"traced_add3(1, 2, 3)\"}\n"
		   "expect: pass\n");
	fclose(f);
	ck_assert_int_eq(sh("%s run --db %s %s", TOOL, db, scn), 1);
	ck_assert_ptr_nonnull(strstr(out, "FAIL"));
	ck_assert_ptr_nonnull(strstr(out, "0 passed, 1 failed"));
	unlink(scn);
	unlink(db);
}
END_TEST

START_TEST(bad_input_exits_2_with_position)
{
	char scn[128];
	FILE *f;

	ck_assert_int_eq(sh("%s run --no-db /nonexistent.yaml", TOOL), 2);
	ck_assert_ptr_nonnull(strstr(out, "/nonexistent.yaml"));
	ck_assert_int_eq(sh("%s run --bogus x", TOOL), 2);
	ck_assert_int_eq(sh("%s frobnicate", TOOL), 2);
	snprintf(scn, sizeof(scn), "/tmp/pc-cli-sym-%d.yaml", (int)getpid());
	f = fopen(scn, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "name: badsym\narch: arm64\nimage: ftrace\n"
		   "harts:\n"
		   "  - {role: runner, run: \"traced_ad3(1, 2, 3)\"}\n"
		   "expect: pass\n");
	fclose(f);
	ck_assert_int_eq(sh("%s run --no-db %s", TOOL, scn), 2);
	ck_assert_ptr_nonnull(strstr(out, ":5:"));
	ck_assert_ptr_nonnull(strstr(out, "unknown symbol 'traced_ad3'"));
	unlink(scn);
}
END_TEST

START_TEST(help_exits_0)
{
	ck_assert_int_eq(sh("%s --help", TOOL), 0);
	ck_assert_int_eq(sh("%s run --help", TOOL), 0);
	ck_assert_ptr_nonnull(strstr(out, "--db"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("run");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, matching_verdicts_exit_0);
	tcase_add_test(tc, mismatching_verdict_exits_1);
	tcase_add_test(tc, bad_input_exits_2_with_position);
	tcase_add_test(tc, help_exits_0);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	if (srunner_ntests_run(sr) == 0)
		failed = 1;
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
