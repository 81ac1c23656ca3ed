/*
 * test_gate.c - `patchcheck gate` and `patchcheck replay` as CI runs them: the gate over the
 * bundled scenarios passes with one line per scenario and the closing count; a mismatching
 * verdict exits 1, a bad file 2 with file:line:col, an arch without a model is skipped; the
 * JUnit file parses as XML with the right counts and the failing invariant; every failure the
 * bundled scenarios store replays to the same invariant and step; replay refuses another guest
 * image or a changed scenario file; with --baseline a known failure passes the gate and a
 * regression fails it, named, the class written to the JUnit and TAP files.
 */
#define _GNU_SOURCE /* nftw */
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define BUNDLED PATCHCHECK_SOURCE_DIR "/scenarios"
#define FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/gate"

/* Prints "counts TESTS FAILURES ERRORS SKIPPED", the sum of the suites' tests, then one line
 * per failure/error/skipped element; exits non-zero when the file is not well-formed XML or
 * a testcase lacks classname, name or time. */
#define JUNIT_SUMMARY_PY                                                                       \
	"import sys, xml.etree.ElementTree as E\n"                                             \
	"r = E.parse(sys.argv[1]).getroot()\n"                                                 \
	"assert r.tag == 'testsuites', r.tag\n"                                               \
	"print('counts', *[r.get(k) for k in ('tests', 'failures', 'errors', 'skipped')])\n" \
	"print('suites-tests', sum(int(s.get('tests')) for s in r.findall('testsuite')))\n"  \
	"for c in r.iter('testcase'):\n"                                                      \
	"    assert c.get('classname') and c.get('name') and c.get('time'), c.attrib\n"      \
	"    for e in c:\n"                                                                   \
	"        print(e.tag, e.get('type'), e.get('message'), repr(e.text))\n"

static void remove_db(const char *db)
{
	char side[256];

	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
}

/* The first column of the first row of sql as text, into buf ("" when no row). */
static void query_text(const char *db, const char *sql, char *buf, size_t size)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	buf[0] = 0;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static int yaml_files, kernel_tree_files;

static int count_yaml(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 5 && strcmp(path + n - 5, ".yaml") == 0) {
		yaml_files++;
		kernel_tree_files += strstr(path, "/kernel-") != NULL;
	}
	return 0;
}

/* The scenario files under the bundled directory, counted the way the gate finds them. */
static int bundled_scenarios(void)
{
	yaml_files = kernel_tree_files = 0;
	ck_assert_int_eq(nftw(BUNDLED, count_yaml, 16, FTW_PHYS), 0);
	ck_assert_int_gt(yaml_files, 0);
	return yaml_files;
}

/* The JUnit summary of file (see JUNIT_SUMMARY_PY) into output; fails the test when it does not
 * parse. */
static void summarize_junit(const char *xml)
{
	ck_assert_msg(sh("python3 -c \"$PC_JUNIT_PY\" %s", xml) == 0, "%s does not parse: %s", xml,
		      output);
}

/* With the Linux tree the build extracted, the kernel-tree families run too; without one they
 * are skipped. */
#ifdef PATCHCHECK_LINUX_TREE
#define KERNEL_TREE_OPTION " --kernel-tree " PATCHCHECK_LINUX_TREE
#else
#define KERNEL_TREE_OPTION ""
#endif

START_TEST(bundled_scenarios_pass_the_gate)
{
	char db[128], xml[128], line[128];
	int n = bundled_scenarios(), skipped = 0;

	temp_file_name(db, sizeof(db), "bundled.db");
	temp_file_name(xml, sizeof(xml), "bundled.xml");
	ck_assert_int_eq(sh("cd /tmp && %s gate --db %s --junit %s" KERNEL_TREE_OPTION, TOOL, db, xml),
			 0);
#ifdef PATCHCHECK_LINUX_TREE
	snprintf(line, sizeof(line), "\n%d passed, 0 failed\n", n);
#else
	skipped = kernel_tree_files;
	snprintf(line, sizeof(line), "\n%d passed, 0 failed, %d skipped\n", n - skipped, skipped);
#endif
	expect_in_output(line);
	expect_in_output("ok   arm64/nop-to-call");
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM scenarios WHERE matched = 1"),
			 n - skipped);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM runs WHERE status = 'complete'"
					     " AND exit_code = 0"), 1);
	summarize_junit(xml);
	snprintf(line, sizeof(line), "counts %d 0 0 %d\nsuites-tests %d\n", n, skipped, n);
	expect_in_output(line);
	remove_db(db);
	unlink(xml);
}
END_TEST

#ifdef PATCHCHECK_LINUX_TREE
/* The asm-offsets a tree gives are derived once per cache: a second process finds them through
 * the index entry (its deps file and the offsets directory left as they were), and an entry
 * whose listed files no longer hash as recorded is derived again and replaced. */
START_TEST(kernel_tree_offsets_are_derived_once_per_cache)
{
	char dir[128], before[4096];
	const char *run = "PATCHCHECK_CACHE_DIR=%s/cache %s run -q --no-db --kernel-tree "
			  PATCHCHECK_LINUX_TREE " " BUNDLED "/arm64/kernel-nop-to-call.yaml";
	const char *listing = "cd %s/cache && ls -i -d ktree-* ktree-index-*/deps | sort -k2";

	temp_file_name(dir, sizeof(dir), "ktree-cache");
	ck_assert_int_eq(sh("rm -rf %s && mkdir %s", dir, dir), 0);
	ck_assert_int_eq(sh(run, dir, TOOL), 0);
	ck_assert_int_eq(sh(listing, dir), 0);
	expect_in_output("ktree-index-");
	expect_in_output("ktree-arm64-");
	snprintf(before, sizeof(before), "%s", output);
	ck_assert_int_eq(sh(run, dir, TOOL), 0);
	ck_assert_int_eq(sh(listing, dir), 0);
	ck_assert_str_eq(output, before);
	/* A listed file that changed (here: its recorded hash) is derived again. */
	ck_assert_int_eq(sh("cd %s/cache && sed -i '1s/^[0-9a-f]/x/' ktree-index-*/deps", dir), 0);
	ck_assert_int_eq(sh(run, dir, TOOL), 0);
	ck_assert_int_eq(sh(listing, dir), 0);
	ck_assert_str_ne(output, before);
	ck_assert_int_eq(sh("cd %s/cache && grep -c '^x' ktree-index-*/deps", dir), 1);
	ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST
#endif

START_TEST(mismatching_verdict_fails_the_gate)
{
	char db[128], xml[128];

	temp_file_name(db, sizeof(db), "mismatch.db");
	temp_file_name(xml, sizeof(xml), "mismatch.xml");
	ck_assert_int_eq(sh("%s gate --db %s --junit %s %s/mismatch", TOOL, db, xml, FIXTURES), 1);
	expect_in_output("FAIL gate/clobber-x2-expected-pass");
	expect_in_output("expected pass, got fail:register-preservation");
	expect_in_output("\n0 passed, 1 failed\n");
	summarize_junit(xml);
	expect_in_output("counts 1 1 0 0\n");
	/* The failure names the invariant, hart, step, values, and how to replay it. */
	expect_in_output("failure register-preservation expected pass, got fail:register-preservation");
	expect_in_output("register-preservation: hart 1 step ");
	expect_in_output("expected: 0x3");
	expect_in_output("patchcheck replay --db");
	expect_in_output("--schedule ");
	remove_db(db);
	unlink(xml);
}
END_TEST

START_TEST(bad_file_is_reported_and_others_still_run)
{
	char xml[128];

	temp_file_name(xml, sizeof(xml), "bad.xml");
	ck_assert_int_eq(sh("%s gate --no-db --junit %s %s/bad-file", TOOL, xml, FIXTURES), 2);
	expect_in_output("bad-file/broken.yaml:8:1: YAML syntax error");
	expect_in_output("ok   gate/unpatched");
	expect_in_output("\n1 passed, 1 failed\n");
	summarize_junit(xml);
	expect_in_output("counts 2 0 1 0\n");
	expect_in_output("error bad-scenario-file");
	unlink(xml);
}
END_TEST

START_TEST(skipped_scenario_is_counted_not_failed)
{
	char xml[128];

	temp_file_name(xml, sizeof(xml), "skip.xml");
	ck_assert_int_eq(sh("%s gate --no-db --junit %s %s/skip", TOOL, xml, FIXTURES), 0);
	expect_in_output("skip gate/skipped");
	expect_in_output("waits for the relaxed fetch model");
	expect_in_output("\n1 passed, 0 failed, 1 skipped\n");
	summarize_junit(xml);
	expect_in_output("counts 2 0 0 1\n");
	expect_in_output("skipped None waits for the relaxed fetch model");
	unlink(xml);
}
END_TEST

/* A tree with a known failure adopts the gate with --baseline: the known failure stays a
 * failure in the count but passes the gate; a scenario that regresses fails it, named. */
START_TEST(baseline_passes_known_failures_and_fails_a_regression)
{
	char base[128], after[128], xml[128], tap[128];

	temp_file_name(base, sizeof(base), "baseline.db");
	temp_file_name(after, sizeof(after), "baseline-after.db");
	temp_file_name(xml, sizeof(xml), "baseline.xml");
	temp_file_name(tap, sizeof(tap), "baseline.tap");
	ck_assert_int_eq(sh("%s gate --db %s %s/mismatch %s/baseline/before", TOOL, base, FIXTURES,
			    FIXTURES), 1);
	expect_in_output("\n1 passed, 1 failed\n");

	/* Nothing regressed: exit 0, the closing line as without a baseline. */
	ck_assert_int_eq(sh("%s gate --db %s --baseline %s --junit %s --tap %s %s/mismatch"
			    " %s/baseline/before", TOOL, base, base, xml, tap, FIXTURES, FIXTURES), 0);
	expect_in_output("baseline: still failing, same invariant (run 1: fail:register-preservation)");
	expect_in_output("against run 1 of ");
	expect_in_output(": 1 unchanged; 0 new failure; 0 fixed; 1 still failing, same invariant;");
	expect_in_output("\n1 passed, 1 failed\n");
	ck_assert_ptr_null(strstr(output, "regressed:"));
	summarize_junit(xml);
	expect_in_output("counts 2 1 0 0\n");
	expect_in_output("properties None None None");
	expect_in_output("failure register-preservation still failing, same invariant: expected pass");
	ck_assert_int_eq(sh("grep -c 'baseline: \"' %s", tap), 0);
	expect_in_output("2\n");
	ck_assert_int_eq(sh("cat %s", xml), 0);
	expect_in_output("<property name=\"baseline\" value=\"unchanged\"/>");

	/* One scenario regresses (run 1, named explicitly; run 2 is the newest): exit 1, named. */
	ck_assert_int_eq(sh("%s gate --db %s --baseline %s:1 --junit %s --tap %s %s/mismatch"
			    " %s/baseline/after", TOOL, after, base, xml, tap, FIXTURES, FIXTURES), 1);
	expect_in_output("baseline: new failure (run 1: as expected)");
	expect_in_output("\nregressed: gate/baseline-site (new failure)\n");
	expect_in_output(": 0 unchanged; 1 new failure; 0 fixed; 1 still failing, same invariant;");
	expect_in_output("\n0 passed, 2 failed\n");
	ck_assert_int_eq(sh("cat %s", tap), 0);
	expect_in_output("not ok 2 - after: gate/baseline-site\n  ---\n  severity: fail\n");
	expect_in_output("  baseline: \"new failure\"\n");
	summarize_junit(xml);
	expect_in_output("failure register-preservation new failure: expected pass");

	/* The other way round, the change fixes it: exit 0, "fixed". */
	ck_assert_int_eq(sh("%s gate --no-db -q --baseline %s %s/baseline/before", TOOL, after,
			    FIXTURES), 0);
	expect_in_output("ok   gate/baseline-site                 baseline: fixed (run 1: "
			 "fail:register-preservation)\n");
	expect_in_output("of its scenarios not explored now");
	remove_db(base);
	remove_db(after);
	unlink(xml);
	unlink(tap);
}
END_TEST

START_TEST(bad_baseline_exits_2)
{
	char db[128];

	temp_file_name(db, sizeof(db), "bad-baseline.db");
	ck_assert_int_eq(sh("%s gate --no-db --baseline /nonexistent.db %s/skip", TOOL, FIXTURES), 2);
	expect_in_output("--baseline /nonexistent.db: /nonexistent.db: no such report database");
	ck_assert_int_eq(sh("%s gate --db %s -q %s/skip", TOOL, db, FIXTURES), 0);
	ck_assert_int_eq(sh("%s gate --no-db --baseline %s:7 %s/skip", TOOL, db, FIXTURES), 2);
	expect_in_output(": there is no run 7");
	ck_assert_int_eq(sh("%s gate --no-db --baseline %s:0 %s/skip", TOOL, db, FIXTURES), 2);
	expect_in_output("RUN wants a run id from 1, got '0'");
	ck_assert_int_eq(sh("%s gate --no-db --baseline %s/skip/unpatched.yaml %s/skip", TOOL,
			    FIXTURES, FIXTURES), 2);
	expect_in_output("unpatched.yaml");
	ck_assert_int_eq(sh("%s gate --no-db --baseline", TOOL), 2);
	remove_db(db);
}
END_TEST

START_TEST(bad_usage_exits_2)
{
	ck_assert_int_eq(sh("%s gate --no-db /nonexistent-dir", TOOL), 2);
	expect_in_output("/nonexistent-dir");
	ck_assert_int_eq(sh("%s gate --bogus", TOOL), 2);
	ck_assert_int_eq(sh("%s replay", TOOL), 2);
	ck_assert_int_eq(sh("%s replay --db /nonexistent.db 1", TOOL), 2);
	expect_in_output("/nonexistent.db");
	ck_assert_int_eq(sh("%s gate --help", TOOL), 0);
	expect_in_output("--junit");
	ck_assert_int_eq(sh("%s replay --help", TOOL), 0);
	expect_in_output("--schedule");
}
END_TEST

/* Every failure the bundled failing scenarios store replays to the same invariant and step. */
START_TEST(every_stored_failure_replays)
{
	char db[128], expect[128];
	long long nfailures, id;

	temp_file_name(db, sizeof(db), "replay.db");
	ck_assert_int_eq(sh("cd /tmp && %s gate -q --db %s", TOOL, db), 0);
	nfailures = query_first_int(db, "SELECT count(*) FROM failures");
	ck_assert_int_gt(nfailures, 0);
	ck_assert_int_eq(nfailures, query_first_int(db, "SELECT count(*) FROM scenarios WHERE expected LIKE 'fail:%'"));
	for (id = 1; id <= nfailures; id++) {
		char sql[160], inv[64];
		long long step;

		snprintf(sql, sizeof(sql), "SELECT invariant FROM failures WHERE id = %lld", id);
		query_text(db, sql, inv, sizeof(inv));
		snprintf(sql, sizeof(sql), "SELECT step FROM failures WHERE id = %lld", id);
		step = query_first_int(db, sql);
		ck_assert_msg(sh("%s replay --db %s %lld", TOOL, db, id) == 0, "failure %lld: %s", id, output);
		snprintf(expect, sizeof(expect), "\n%s: hart ", inv);
		expect_in_output(expect);
		snprintf(expect, sizeof(expect), " step %lld ", step);
		expect_in_output(expect);
		expect_in_output("reproduced:");
	}
	/* --trace shows the steps with their disassembly. */
	ck_assert_int_eq(sh("%s replay --trace --db %s 1", TOOL, db), 0);
	expect_in_output("instruction");
	expect_in_output("  <- ");
	remove_db(db);
}
END_TEST

START_TEST(replay_refuses_another_guest_image)
{
	char db[128];

	temp_file_name(db, sizeof(db), "image.db");
	ck_assert_int_eq(sh("%s gate -q --db %s %s/arm64/flawed-bad-lr.yaml", TOOL, db, BUNDLED), 0);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 0);
	execute_sql(db, "UPDATE scenarios SET image_hash = '0000'");
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 2);
	expect_in_output("hash 0000");
	expect_in_output("this build's image has hash");
	ck_assert_int_eq(sh("%s replay --force --db %s 1", TOOL, db), 2);
	remove_db(db);
}
END_TEST

START_TEST(replay_refuses_a_changed_scenario_unless_forced)
{
	char db[128], scn[128];

	temp_file_name(db, sizeof(db), "changed.db");
	temp_file_name(scn, sizeof(scn), "changed.yaml");
	ck_assert_int_eq(sh("cp %s/arm64/flawed-clobber-x2.yaml %s", BUNDLED, scn), 0);
	ck_assert_int_eq(sh("%s gate -q --db %s %s", TOOL, db, scn), 0);
	ck_assert_int_eq(sh("echo '# edited' >> %s", scn), 0);
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 2);
	expect_in_output("changed since failure 1 was stored");
	ck_assert_int_eq(sh("%s replay --force --db %s 1", TOOL, db), 0);
	expect_in_output("register-preservation: hart 1");
	unlink(scn);
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 2);
	expect_in_output("cannot be read");
	remove_db(db);
}
END_TEST

/* A database written before the bundled tree renamed scenarios/riscv64/ to scenarios/riscv/
 * (and each scenario's name with it) still reports and replays: the stored file is found at its
 * new path and counts as unchanged. Any other edit is still a change. */
START_TEST(database_from_before_the_riscv_rename_replays)
{
	char db[128], tree[128];

	temp_file_name(db, sizeof(db), "rename.db");
	temp_file_name(tree, sizeof(tree), "rename-tree");
	/* The old layout: scenarios/riscv64/<file> named riscv64/<name>, gated into db. */
	ck_assert_int_eq(sh("rm -rf %s && mkdir -p %s/scenarios/riscv64 && sed 's#^name: riscv/#name: riscv64/#'"
			    " %s/riscv/direct-t0-loops.yaml > %s/scenarios/riscv64/direct-t0-loops.yaml",
			    tree, tree, BUNDLED, tree), 0);
	ck_assert_int_eq(sh("cd %s && %s gate -q --db %s scenarios/riscv64/direct-t0-loops.yaml", tree,
			    TOOL, db), 0);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
	/* The rename, as the tree made it. */
	ck_assert_int_eq(sh("cd %s/scenarios && mv riscv64 riscv && sed -i 's#^name: riscv64/#name: riscv/#'"
			    " riscv/direct-t0-loops.yaml", tree), 0);
	ck_assert_int_eq(sh("cd %s && %s replay --db %s 1", tree, TOOL, db), 0);
	expect_in_output("is now scenarios/riscv/direct-t0-loops.yaml");
	expect_in_output("reproduced");
	ck_assert_int_eq(sh("cd %s && %s report --db %s --failure 1", tree, TOOL, db), 0);
	expect_in_output("riscv64/direct-t0-loops");
	expect_in_output("traced_add3(1, 2, 3)"); /* the harts' roles: the file was recognised */
	/* An edit beyond the rename is a change. */
	ck_assert_int_eq(sh("echo '# edited' >> %s/scenarios/riscv/direct-t0-loops.yaml", tree), 0);
	ck_assert_int_eq(sh("cd %s && %s replay --db %s 1", tree, TOOL, db), 2);
	expect_in_output("changed since failure 1 was stored");
	ck_assert_int_eq(sh("rm -rf %s", tree), 0);
	remove_db(db);
}
END_TEST

/* A failure stored before schema 4 (no search column) whose schedule no longer reproduces: the
 * replay says why schedules of earlier versions differ. */
START_TEST(replay_of_an_older_schedule_explains_it)
{
	char db[128];

	temp_file_name(db, sizeof(db), "older.db");
	ck_assert_int_eq(sh("%s gate -q --db %s %s/arm64/flawed-bad-lr.yaml", TOOL, db, BUNDLED), 0);
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 0);
	ck_assert_ptr_null(strstr(output, "earlier patchcheck"));
	/* as an earlier version stored it: no search column, a schedule of other transitions */
	execute_sql(db, "UPDATE scenarios SET search = NULL, distinct_traces = NULL;"
			"UPDATE failures SET schedule = '0001'");
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 1);
	expect_in_output("not reproduced");
	expect_in_output("note: failure 1 was stored by an earlier patchcheck");
	remove_db(db);
}
END_TEST

START_TEST(replay_of_a_scenario_and_schedule)
{
	char db[128], schedule[128], message[512], *at;

	temp_file_name(db, sizeof(db), "schedule.db");
	ck_assert_int_eq(sh("%s gate -q --db %s %s/arm64/flawed-bad-lr.yaml", TOOL, db, BUNDLED), 0);
	query_text(db, "SELECT schedule FROM failures WHERE id = 1", schedule, sizeof(schedule));
	query_text(db, "SELECT message FROM failures WHERE id = 1", message, sizeof(message));
	ck_assert_str_ne(schedule, "");
	remove_db(db);

	/* Without a database: the same failure, up to "at <where>". */
	ck_assert_int_eq(sh("%s replay %s/arm64/flawed-bad-lr.yaml --schedule %s", TOOL, BUNDLED,
			    schedule), 0);
	at = strstr(message, " at ");
	ck_assert_ptr_nonnull(at);
	*at = 0;
	expect_in_output(message);
	/* One transition of the patcher alone fails nothing: exit 1. */
	ck_assert_int_eq(sh("%s replay %s/arm64/flawed-bad-lr.yaml --schedule 0", TOOL, BUNDLED), 1);
	expect_in_output("no failure");
	ck_assert_int_eq(sh("%s replay %s/arm64/flawed-bad-lr.yaml --schedule 9", TOOL, BUNDLED), 2);
	expect_in_output("does not exist");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gate");
	TCase *gate = tcase_create("gate"), *replay = tcase_create("replay");

	setenv("PC_JUNIT_PY", JUNIT_SUMMARY_PY, 1);
	tcase_set_timeout(gate, 300);
	tcase_set_timeout(replay, 300);
	tcase_add_test(gate, bundled_scenarios_pass_the_gate);
	tcase_add_test(gate, mismatching_verdict_fails_the_gate);
#ifdef PATCHCHECK_LINUX_TREE
	tcase_add_test(gate, kernel_tree_offsets_are_derived_once_per_cache);
#endif
	tcase_add_test(gate, bad_file_is_reported_and_others_still_run);
	tcase_add_test(gate, skipped_scenario_is_counted_not_failed);
	tcase_add_test(gate, bad_usage_exits_2);
	tcase_add_test(gate, baseline_passes_known_failures_and_fails_a_regression);
	tcase_add_test(gate, bad_baseline_exits_2);
	tcase_add_test(replay, every_stored_failure_replays);
	tcase_add_test(replay, replay_refuses_another_guest_image);
	tcase_add_test(replay, replay_refuses_a_changed_scenario_unless_forced);
	tcase_add_test(replay, database_from_before_the_riscv_rename_replays);
	tcase_add_test(replay, replay_of_a_scenario_and_schedule);
	tcase_add_test(replay, replay_of_an_older_schedule_explains_it);
	suite_add_tcase(s, gate);
	suite_add_tcase(s, replay);
	return run_check_suite(s);
}
