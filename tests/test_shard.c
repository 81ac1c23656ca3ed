/*
 * test_shard.c - `--shard I/N`: the shards of a gate or run together are the unsharded run
 * (the same scenarios, verdicts and failures, none in two shards, the closing counts adding
 * up), dealt out in turn along the ordered list; bad values are an error naming the option.
 * `patchcheck merge` of the shards' databases is the unsharded database, for report and
 * replay too; bad inputs are refused with exit 2 naming the file.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCENARIOS PATCHCHECK_SOURCE_DIR "/scenarios/riscv"

/* What a scenario's result is, apart from ids and times: its row and its failure's. */
#define RESULT_COLUMNS \
	"s.name, s.file, s.file_hash, s.arch, s.image_hash, s.expected, s.verdict, s.invariant," \
	" s.matched, s.executions, s.steps, s.schedule_points, s.preemption_bound, s.truncated," \
	" s.error, s.position, f.invariant, f.message, f.hart, f.step, f.pc, f.expected_value," \
	" f.actual_value, f.schedule, f.preemptions, f.minimal"
#define RESULTS_OF(schema) \
	"SELECT " RESULT_COLUMNS " FROM " schema "scenarios s" \
	" LEFT JOIN " schema "failures f ON f.scenario_id = s.id"

/* The union of RESULTS_OF over the databases attached as s1 ... sn, ordered by name. */
static void results_of_attached(char *sql, size_t size, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		char schema[8];

		snprintf(schema, sizeof(schema), "s%d.", i + 1);
		len += (size_t)snprintf(sql + len, size - len, "%s" RESULTS_OF("%s") " %s",
					i ? " UNION ALL " : "", schema, schema,
					i + 1 < n ? "" : "ORDER BY 1");
		ck_assert_uint_lt(len, size);
	}
}

/* "N passed, M failed[, K skipped]" of the last output, as three numbers. */
static void closing_counts(int counts[3])
{
	const char *line = strrchr(output, '\n');

	ck_assert_ptr_nonnull(line);
	while (line > output && line[-1] != '\n')
		line--;
	counts[2] = 0;
	ck_assert_msg(sscanf(line, "%d passed, %d failed, %d skipped", &counts[0], &counts[1],
			     &counts[2]) >= 2, "no closing line in:\n%s", output);
}

/* The scenario names of the last output's "ok", "FAIL" and "skip" lines, one per line, in
 * order (malloc'd). */
static char *scenarios_listed(void)
{
	char *text = NULL, name[256];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	for (const char *line = output; *line; line = strchr(line, '\n') + 1) {
		if ((!strncmp(line, "ok   ", 5) || !strncmp(line, "FAIL ", 5) ||
		     !strncmp(line, "skip ", 5)) && sscanf(line + 5, "%255s", name) == 1)
			fprintf(out, "%s\n", name);
		if (!strchr(line, '\n'))
			break;
	}
	fclose(out);
	return text;
}

/* Lines i, i+n, i+2n, ... of listing (from 0), in a static buffer. */
static const char *expected_listing(const char *listing, int n, int i)
{
	static char buf[1 << 14];
	size_t len = 0;
	int k = 0;

	buf[0] = 0;
	for (const char *line = listing; *line; k++) {
		const char *end = strchr(line, '\n');

		ck_assert_ptr_nonnull(end);
		if (k % n == i) {
			ck_assert_uint_lt(len + (size_t)(end - line) + 1, sizeof(buf));
			memcpy(buf + len, line, (size_t)(end - line) + 1);
			len += (size_t)(end - line) + 1;
			buf[len] = 0;
		}
		line = end + 1;
	}
	return buf;
}

/* Runs cmd over inputs unsharded, then as shards 1..n of n: the union of the shards' databases is
 * the unsharded one, row for row, each scenario in exactly one shard; shard i lists the
 * scenarios at positions i-1, i-1+n, ... of the unsharded listing (skipped ones included);
 * the closing counts add up. */
static void expect_shards_make_the_whole(const char *cmd, const char *inputs, int n)
{
	char whole[128], shard[3][128], name[32], sql[2048], *listed[4];
	const char *dbs[3];
	int counts[3], sum[3] = {0, 0, 0}, whole_rc, rc = 0;
	char *expected, *got;

	temp_file_name(whole, sizeof(whole), "whole.db");
	whole_rc = sh("%s %s --db %s %s", TOOL, cmd, whole, inputs);
	ck_assert_int_eq(whole_rc, 0);
	closing_counts(counts);
	listed[0] = scenarios_listed();
	ck_assert_int_gt(counts[0], 0);
	for (int i = 0; i < n; i++) {
		int part[3];

		snprintf(name, sizeof(name), "shard%d.db", i + 1);
		temp_file_name(shard[i], sizeof(shard[i]), name);
		dbs[i] = shard[i];
		rc = sh("%s %s --db %s --shard %d/%d %s", TOOL, cmd, shard[i], i + 1, n, inputs);
		ck_assert_msg(rc == whole_rc, "shard %d/%d: exit %d\n%s", i + 1, n, rc, output);
		closing_counts(part);
		listed[i + 1] = scenarios_listed();
		for (int k = 0; k < 3; k++)
			sum[k] += part[k];
	}
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(sum[k], counts[k]);

	/* The same rows, none twice. */
	expected = query_rows(whole, NULL, 0, RESULTS_OF("") " ORDER BY s.name");
	results_of_attached(sql, sizeof(sql), n);
	got = query_rows(whole, dbs, n, sql);
	ck_assert_str_eq(got, expected);
	free(expected);
	free(got);

	for (int i = 0; i < n; i++) {
		ck_assert_str_eq(listed[i + 1], expected_listing(listed[0], n, i));
		free(listed[i + 1]);
		remove_report_db(shard[i]);
	}
	free(listed[0]);
	remove_report_db(whole);
}

START_TEST(gate_shards_make_the_whole_gate)
{
	for (int n = 1; n <= 3; n++)
		expect_shards_make_the_whole("gate", SCENARIOS, n);
}
END_TEST

START_TEST(run_shards_make_the_whole_run)
{
	expect_shards_make_the_whole("run", SCENARIOS "/*.yaml", 2);
}
END_TEST

/* Skipped scenarios (kernel-* without a tree) are dealt out too, and a shard past the end of
 * the list runs nothing and passes. */
START_TEST(skipped_and_empty_shards)
{
	ck_assert_int_eq(sh("%s gate --no-db --shard 2/2 %s/kernel-nop-to-call.yaml"
			    " %s/kernel-call-to-nop.yaml", TOOL, SCENARIOS, SCENARIOS), 0);
	expect_in_output("skip riscv/kernel-call-to-nop");
	ck_assert_ptr_null(strstr(output, "kernel-nop-to-call"));
	expect_in_output("\n0 passed, 0 failed, 1 skipped\n");
	ck_assert_int_eq(sh("%s gate --no-db --shard 3/3 %s/direct-t1.yaml %s/direct-t0-loops.yaml",
			    TOOL, SCENARIOS, SCENARIOS), 0);
	ck_assert_str_eq(output, "0 passed, 0 failed\n");
}
END_TEST

/* Every column of every stored row but the run's times and command line. */
static const char *const stored_rows_sql[] = {
	"SELECT id, run_id, name, file, file_hash, arch, image_hash, expected, verdict, invariant,"
	" matched, executions, steps, schedule_points, preemption_bound, truncated, error, position"
	" FROM scenarios ORDER BY id",
	"SELECT * FROM failures ORDER BY id",
	"SELECT * FROM trace_steps ORDER BY failure_id, seq",
	"SELECT * FROM failure_registers ORDER BY failure_id, hart, position",
	"SELECT id, status, exit_code FROM runs",
};

#define MERGE_INPUTS SCENARIOS " " PATCHCHECK_SOURCE_DIR "/tests/data/gate/mismatch"

/* The shards of a gate (with failures and a mismatch), each written by two workers, merged in
 * any order: the same rows as the unsharded database, ids included, a report that reads the
 * same, and every stored failure replays from the merged file. */
START_TEST(merged_shards_are_the_unsharded_database)
{
	char dir[128], out[256], whole[256], line[64];
	long long nfailures;

	temp_file_name(dir, sizeof(dir), "merge");
	ck_assert_int_eq(sh("rm -rf %s && mkdir %s", dir, dir), 0);
	ck_assert_int_eq(sh("cd %s && %s gate -q --db whole.db " MERGE_INPUTS, dir, TOOL), 1);
	/* one shard holds the mismatch: it exits 1, the others 0 */
	for (int i = 1, mismatched = 0; i <= 3; i++) {
		int rc = sh("cd %s && %s gate -q -j 2 --shard %d/3 --db s%d.db " MERGE_INPUTS, dir,
			    TOOL, i, i);

		ck_assert_msg(rc == 0 || rc == 1, "shard %d exited %d", i, rc);
		mismatched += rc;
		if (i == 3)
			ck_assert_int_eq(mismatched, 1);
	}
	ck_assert_int_eq(sh("cd %s && %s merge out.db s3.db s1.db s2.db", dir, TOOL), 0);
	expect_in_output("out.db: run 1, complete, from 3 databases\n");
	snprintf(out, sizeof(out), "%s/out.db", dir);
	snprintf(whole, sizeof(whole), "%s/whole.db", dir);
	expect_same_rows(whole, out, stored_rows_sql,
			 sizeof(stored_rows_sql) / sizeof(stored_rows_sql[0]));
	nfailures = query_first_int(out, "SELECT count(*) FROM failures");
	ck_assert_int_gt(nfailures, 1);
	/* The report of a failure reads the same (but for the file named in its replay line). */
	ck_assert_int_eq(sh("cd %s && %s report --db whole.db --failure 2 | sed s/whole.db/X/ > a &&"
			    " %s report --db out.db --failure 2 | sed s/out.db/X/ > b && cmp a b",
			    dir, TOOL, TOOL), 0);
	ck_assert_int_eq(sh("cd %s && %s report --db out.db", dir, TOOL), 0);
	/* the merged run, complete, with exit 1 and every scenario of the unsharded one */
	snprintf(line, sizeof(line), "complete%8d%11lld", 1,
		 query_first_int(whole, "SELECT count(*) FROM scenarios"));
	expect_in_output(line);
	for (long long id = 1; id <= nfailures; id++) {
		ck_assert_msg(sh("cd %s && %s replay --db out.db %lld", dir, TOOL, id) == 0,
			      "failure %lld: %s", id, output);
		expect_in_output("reproduced:");
	}

	/* A shard missing: merged, but the run stays incomplete. */
	ck_assert_int_eq(sh("cd %s && %s merge part.db s1.db s3.db", dir, TOOL), 0);
	expect_in_output("1 shard of 3 missing");
	snprintf(out, sizeof(out), "%s/part.db", dir);
	ck_assert_int_eq(query_first_int(out, "SELECT count(*) FROM runs WHERE status = 'incomplete'"
					      " AND exit_code IS NOT NULL"), 1);
	ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

START_TEST(merge_refuses_bad_inputs)
{
	char dir[128], db[256];

	temp_file_name(dir, sizeof(dir), "merge-bad");
	ck_assert_int_eq(sh("rm -rf %s && mkdir %s", dir, dir), 0);
	ck_assert_int_eq(sh("cd %s && %s gate -q --db whole.db %s/direct-t1.yaml && %s gate -q"
			    " --shard 1/2 --db a.db %s/direct-t1.yaml && %s gate -q --shard 1/3"
			    " --db b.db %s/direct-t1.yaml && %s gate -q --shard 1/2 --db c.db"
			    " %s/direct-t1.yaml && echo garbage > bad.db", dir, TOOL, SCENARIOS, TOOL,
			    SCENARIOS, TOOL, SCENARIOS, TOOL, SCENARIOS), 0);
	ck_assert_int_eq(sh("cd %s && %s merge a.db a.db c.db", dir, TOOL), 2);
	expect_in_output("a.db: the merged database would overwrite a.db, an input of this command");
	ck_assert_int_eq(sh("cd %s && %s merge out.db a.db ./a.db", dir, TOOL), 2);
	expect_in_output("a.db and ./a.db are the same database");
	ck_assert_int_eq(sh("cd %s && %s merge out.db a.db c.db", dir, TOOL), 2);
	expect_in_output("a.db and c.db both hold shard 1/2");
	ck_assert_int_eq(sh("cd %s && %s merge out.db a.db b.db", dir, TOOL), 2);
	expect_in_output("a.db holds shard 1/2 but b.db holds shard 1/3");
	ck_assert_int_eq(sh("cd %s && %s merge out.db a.db whole.db", dir, TOOL), 2);
	expect_in_output("whole.db holds a run that is no shard");
	ck_assert_int_eq(sh("cd %s && %s merge out.db a.db missing.db", dir, TOOL), 2);
	expect_in_output("missing.db: no such report database");
	ck_assert_int_eq(sh("cd %s && %s merge out.db bad.db", dir, TOOL), 2);
	expect_in_output("bad.db: ");
	snprintf(db, sizeof(db), "%s/whole.db", dir);
	execute_sql(db, "DELETE FROM runs");
	ck_assert_int_eq(sh("cd %s && %s merge out.db whole.db", dir, TOOL), 2);
	expect_in_output("whole.db: holds no run");
	ck_assert_int_eq(sh("cd %s && %s merge out.db", dir, TOOL), 2);
	expect_in_output("usage: patchcheck merge OUT.db IN.db...");
	ck_assert_int_eq(sh("cd %s && %s merge --bogus out.db a.db", dir, TOOL), 2);
	/* Nothing was written by the refused merges. */
	ck_assert_int_eq(sh("test -e %s/out.db", dir), 1);
	/* An output that cannot be written: the environment. */
	ck_assert_int_eq(sh("cd %s && %s merge /proc/out.db a.db", dir, TOOL), 3);
	expect_in_output("/proc/out.db: cannot open the report database");
	ck_assert_int_eq(sh("%s merge --help", TOOL), 0);
	expect_in_output("OUT.db IN.db...");
	ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

/* A list of one scenario is split by its search tree: every shard explores it, each a part;
 * merged, the shards are one row with the unsharded verdict and failure invariant, at least
 * the unsharded distinct traces, and a failure that replays from the merged file. */
START_TEST(one_scenario_splits_its_search_tree)
{
	static const char *const cases[][2] = {
		{"arm64", "shared-lock-order-deadlock"}, /* fails, with a preemption */
		{"arm64", "shared-counter-locked"},      /* passes */
		{"arm64", "nop-to-call"},                /* passes, through its sites */
	};
	static const char *const verdict_sql[] = {
		"SELECT name, verdict, invariant, matched FROM scenarios",
	};
	char dir[128], db[256], whole[256];

	temp_file_name(dir, sizeof(dir), "tree");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		long long executions = 0, whole_executions, shard_executions, calls = 0;
		char scn[512];

		snprintf(scn, sizeof(scn), "%s/scenarios/%s/%s.yaml", PATCHCHECK_SOURCE_DIR,
			 cases[c][0], cases[c][1]);
		ck_assert_int_eq(sh("rm -rf %s && mkdir %s", dir, dir), 0);
		ck_assert_int_eq(sh("cd %s && %s run -q --db whole.db %s", dir, TOOL, scn), 0);
		snprintf(db, sizeof(db), "%s/whole.db", dir);
		whole_executions = query_first_int(db, "SELECT executions FROM scenarios");
		for (int i = 1; i <= 3; i++) {
			ck_assert_int_eq(sh("cd %s && %s run -q --db s%d.db --shard %d/3 %s", dir, TOOL,
					    i, i, scn), 0);
			snprintf(db, sizeof(db), "%s/s%d.db", dir, i);
			shard_executions = query_first_int(db, "SELECT executions FROM scenarios");
			executions += shard_executions;
			calls += query_first_int(db, "SELECT CAST(substr(coverage, 6) AS INTEGER)"
					     " FROM scenarios");
		}
		ck_assert_int_eq(sh("cd %s && %s merge out.db s2.db s3.db s1.db", dir, TOOL), 0);
		expect_in_output("out.db: run 1, complete, from 3 databases\n");
		snprintf(db, sizeof(db), "%s/out.db", dir);
		ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM scenarios"), 1);
		ck_assert_int_eq(query_first_int(db, "SELECT executions FROM scenarios"), executions);
		ck_assert_int_ge(executions, whole_executions);
		/* coverage added up kind by kind: "call=N ..." first */
		ck_assert_int_eq(query_first_int(db, "SELECT coverage LIKE 'call=%' FROM scenarios"), 1);
		ck_assert_int_eq(query_first_int(db, "SELECT CAST(substr(coverage, 6) AS INTEGER)"
						      " FROM scenarios"), calls);
		snprintf(whole, sizeof(whole), "%s/whole.db", dir);
		/* complete for a pass; a failure stops short ('first'), sharded or not */
		ck_assert_int_eq(query_first_int(db, "SELECT search = 'complete' FROM scenarios"),
				 c != 0);
		ck_assert_int_eq(query_first_int(whole, "SELECT search = 'complete' FROM scenarios"),
				 c != 0);
		ck_assert_int_ge(query_first_int(db, "SELECT distinct_traces FROM scenarios"),
				 query_first_int(whole, "SELECT distinct_traces FROM scenarios"));
		expect_same_rows(whole, db, verdict_sql, 1);
		if (c == 0) {
			ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
			ck_assert_int_eq(sh("cd %s && %s replay --db out.db 1", dir, TOOL), 0);
			expect_in_output("reproduced:");
		}
	}
	ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

START_TEST(bad_shard_values_exit_2_naming_the_option)
{
	static const char *const bad[] = {"0/3", "4/3", "a/b", "3", "1/0", "1/1000001",
					  "1/99999999999999999999", "-1/3", "1/3/3", "01/3", "/3",
					  "1/", ""};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int gate = 0; gate < 2; gate++) {
			char expected[128];

			ck_assert_msg(sh("%s %s --no-db --shard '%s' %s/direct-t1.yaml", TOOL,
					 gate ? "gate" : "run", bad[i], SCENARIOS) == 2,
				      "--shard '%s': %s", bad[i], output);
			snprintf(expected, sizeof(expected), "patchcheck %s: --shard wants I/N",
				 gate ? "gate" : "run");
			expect_in_output(expected);
			snprintf(expected, sizeof(expected), "got '%s'\n", bad[i]);
			expect_in_output(expected);
			ck_assert_ptr_null(strstr(output, "passed"));
		}
	}
	ck_assert_int_eq(sh("%s gate --no-db %s/direct-t1.yaml --shard", TOOL, SCENARIOS), 2);
	expect_in_output("'--shard'");
	ck_assert_int_eq(sh("%s gate --help", TOOL), 0);
	expect_in_output("--shard I/N");
	ck_assert_int_eq(sh("%s run --help", TOOL), 0);
	expect_in_output("--shard I/N");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shard");
	TCase *shard = tcase_create("shard");

	tcase_set_timeout(shard, 600);
	tcase_add_test(shard, gate_shards_make_the_whole_gate);
	tcase_add_test(shard, run_shards_make_the_whole_run);
	tcase_add_test(shard, skipped_and_empty_shards);
	tcase_add_test(shard, one_scenario_splits_its_search_tree);
	tcase_add_test(shard, bad_shard_values_exit_2_naming_the_option);
	tcase_add_test(shard, merged_shards_are_the_unsharded_database);
	tcase_add_test(shard, merge_refuses_bad_inputs);
	suite_add_tcase(s, shard);
	return run_check_suite(s);
}
