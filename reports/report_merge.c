/*
 * report_merge.c - runs of other report databases copied into one run of a database: the
 * scenarios of each source run with their failures, traces and register states, row for row
 * (times and all), only the ids new.
 *
 * Each source is attached in turn and its rows staged in temporary tables, each scenario with
 * its place in the merged run: for shards of one split (`--shard I/N`), its position in the
 * command's list, which a shard stores as the unsharded run does, so the merged run lists the
 * scenarios in the unsharded order (and numbers their failures the same way in a new file);
 * other runs follow one another in the order given. Then one BEGIN IMMEDIATE transaction
 * stores everything in that order, so the merged run is stored whole or not at all.
 *
 * The shards of one scenario's search tree (a list of one, `--shard I/N`) all hold it at
 * place 0: they fold into one row. Its verdict is the worst of theirs (error, fail,
 * inconclusive, pass) and its failure the one with the fewest preemptions, then the shortest
 * schedule, then from the lowest shard; executions, steps, points, distinct traces and seconds
 * add up (a trace two shards both explored counts twice), coverage kind by kind too; the
 * search is truncated if any shard's was, else as the kept shard's, but complete only if
 * every shard's was.
 */
#include "reports.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "report_db_conn.h"

static const char stage_tables_sql[] =
	"DROP TABLE IF EXISTS temp.merge_scenarios;"
	"DROP TABLE IF EXISTS temp.merge_failures;"
	"DROP TABLE IF EXISTS temp.merge_trace;"
	"DROP TABLE IF EXISTS temp.merge_registers;"
	"DROP TABLE IF EXISTS temp.merge_scenario_ids;"
	"DROP TABLE IF EXISTS temp.merge_failure_ids;"
	"CREATE TEMP TABLE merge_scenarios (place INTEGER, src INTEGER, old_id INTEGER, name, file,"
	" file_hash, arch, image_hash, expected, verdict, invariant, matched, executions, steps,"
	" schedule_points, preemption_bound, truncated, seconds, error, distinct_traces, search,"
	" coverage);"
	"CREATE TEMP TABLE merge_failures (src INTEGER, old_id INTEGER, old_scenario_id INTEGER,"
	" invariant, message, hart, step, pc, expected_value, actual_value, schedule, preemptions,"
	" minimal);"
	"CREATE TEMP TABLE merge_trace (src INTEGER, old_failure_id INTEGER, seq, step, hart, pc,"
	" bytes, disasm, version, patch_write, watched_fetch, registers, write_kind, interrupt);"
	"CREATE TEMP TABLE merge_registers (src INTEGER, old_failure_id INTEGER, hart, reg,"
	" position, actual, expected);";

/* One source's run into the staging tables: ?1 its number, ?2 its run, ?3 N of its shard
 * (0: not a shard, its scenarios after those staged so far). */
static const char *const stage_source_sql[] = {
	"INSERT INTO temp.merge_scenarios SELECT"
	" CASE WHEN ?3 > 0 THEN position"
	" ELSE (SELECT coalesce(max(place) + 1, 0) FROM temp.merge_scenarios)"
	" + row_number() OVER (ORDER BY id) - 1 END,"
	" ?1, id, name, file, file_hash, arch, image_hash, expected, verdict, invariant, matched,"
	" executions, steps, schedule_points, preemption_bound, truncated, seconds, error,"
	" distinct_traces, search, %s FROM merge_src.scenarios WHERE run_id = ?2",

	"INSERT INTO temp.merge_failures SELECT ?1, f.id, f.scenario_id, f.invariant, f.message,"
	" f.hart, f.step, f.pc, f.expected_value, f.actual_value, f.schedule, f.preemptions,"
	" f.minimal FROM merge_src.failures f JOIN merge_src.scenarios s ON s.id = f.scenario_id"
	" WHERE s.run_id = ?2",

	"INSERT INTO temp.merge_trace SELECT ?1, t.failure_id, t.seq, t.step, t.hart, t.pc,"
	" t.bytes, t.disasm, t.version, t.patch_write, t.watched_fetch, t.registers,"
	" %s, %s FROM merge_src.trace_steps t JOIN merge_src.failures f ON f.id = t.failure_id"
	" JOIN merge_src.scenarios s ON s.id = f.scenario_id WHERE s.run_id = ?2",

	"INSERT INTO temp.merge_registers SELECT ?1, r.failure_id, r.hart, r.reg, r.position,"
	" r.actual, r.expected FROM merge_src.failure_registers r"
	" JOIN merge_src.failures f ON f.id = r.failure_id"
	" JOIN merge_src.scenarios s ON s.id = f.scenario_id WHERE s.run_id = ?2",
};

/* Inside the transaction: the staged rows into run ?1, new ids given in merged order. */
static const char store_staged_sql[] =
	"CREATE TEMP TABLE merge_scenario_ids AS SELECT src, old_id,"
	" (SELECT coalesce(max(id), 0) FROM main.scenarios)"
	" + row_number() OVER (ORDER BY place, src, old_id) AS new_id FROM temp.merge_scenarios;"
	"CREATE TEMP TABLE merge_failure_ids AS SELECT f.src, f.old_id, i.new_id AS scenario_id,"
	" (SELECT coalesce(max(id), 0) FROM main.failures)"
	" + row_number() OVER (ORDER BY i.new_id, f.old_id) AS new_id"
	" FROM temp.merge_failures f JOIN temp.merge_scenario_ids i"
	" ON i.src = f.src AND i.old_id = f.old_scenario_id;"
	"INSERT INTO main.scenarios (id, run_id, name, file, file_hash, arch, image_hash, expected,"
	" verdict, invariant, matched, executions, steps, schedule_points, preemption_bound,"
	" truncated, seconds, error, position, distinct_traces, search, coverage)"
	" SELECT i.new_id, (SELECT run FROM temp.merge_run), s.name, s.file, s.file_hash, s.arch,"
	" s.image_hash, s.expected, s.verdict, s.invariant, s.matched, s.executions, s.steps,"
	" s.schedule_points, s.preemption_bound, s.truncated, s.seconds, s.error, s.place,"
	" s.distinct_traces, s.search, s.coverage"
	" FROM temp.merge_scenarios s JOIN temp.merge_scenario_ids i"
	" ON i.src = s.src AND i.old_id = s.old_id ORDER BY i.new_id;"
	"INSERT INTO main.failures (id, scenario_id, invariant, message, hart, step, pc,"
	" expected_value, actual_value, schedule, preemptions, minimal)"
	" SELECT i.new_id, i.scenario_id, f.invariant, f.message, f.hart, f.step, f.pc,"
	" f.expected_value, f.actual_value, f.schedule, f.preemptions, f.minimal"
	" FROM temp.merge_failures f JOIN temp.merge_failure_ids i"
	" ON i.src = f.src AND i.old_id = f.old_id ORDER BY i.new_id;"
	"INSERT INTO main.trace_steps (failure_id, seq, step, hart, pc, bytes, disasm, version,"
	" patch_write, watched_fetch, registers, write_kind, interrupt)"
	" SELECT i.new_id, t.seq, t.step, t.hart, t.pc, t.bytes, t.disasm, t.version,"
	" t.patch_write, t.watched_fetch, t.registers, t.write_kind, t.interrupt"
	" FROM temp.merge_trace t"
	" JOIN temp.merge_failure_ids i ON i.src = t.src AND i.old_id = t.old_failure_id"
	" ORDER BY i.new_id, t.seq;"
	"INSERT INTO main.failure_registers (failure_id, hart, reg, position, actual, expected)"
	" SELECT i.new_id, r.hart, r.reg, r.position, r.actual, r.expected"
	" FROM temp.merge_registers r"
	" JOIN temp.merge_failure_ids i ON i.src = r.src AND i.old_id = r.old_failure_id"
	" ORDER BY i.new_id, r.hart, r.position;";

/*
 * coverage_sum(coverage): the "kind=N kind=N ..." values of the rows added up kind by kind, in
 * the order the kinds first appear; NULL when every value is NULL.
 */
#define COVERAGE_KINDS_MAX 96 /* the kinds and the site forms ("form:traced_add3:...") */
#define COVERAGE_KIND_LEN 128 /* coverage_sum_step reads at most 127 characters ("%127[") */

struct coverage_sum {
	unsigned n;
	char kind[COVERAGE_KINDS_MAX][COVERAGE_KIND_LEN];
	unsigned long long count[COVERAGE_KINDS_MAX];
};

static void coverage_sum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct coverage_sum *sum = sqlite3_aggregate_context(ctx, sizeof(*sum));
	const char *p = (const char *)sqlite3_value_text(argv[0]);
	char kind[COVERAGE_KIND_LEN];
	unsigned long long v;
	int used;

	(void)argc;
	if (!sum || !p)
		return;
	while (sscanf(p, " %127[^= ]=%llu%n", kind, &v, &used) == 2) {
		unsigned k = 0;

		while (k < sum->n && strcmp(sum->kind[k], kind) != 0)
			k++;
		if (k == sum->n && sum->n < COVERAGE_KINDS_MAX)
			snprintf(sum->kind[sum->n++], sizeof(sum->kind[0]), "%s", kind);
		if (k < sum->n)
			sum->count[k] += v;
		p += used;
	}
}

static void coverage_sum_final(sqlite3_context *ctx)
{
	struct coverage_sum *sum = sqlite3_aggregate_context(ctx, 0);
	char text[COVERAGE_KINDS_MAX * (COVERAGE_KIND_LEN + 24)];
	size_t len = 0;

	if (!sum || !sum->n) {
		sqlite3_result_null(ctx);
		return;
	}
	text[0] = 0;
	for (unsigned k = 0; k < sum->n && len < sizeof(text); k++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s=%llu", k ? " " : "",
					sum->kind[k], sum->count[k]);
	sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
}

/* Scenarios staged at the same place (the shards of one search tree) into one row. */
static const char fold_tree_shards_sql[] =
	"CREATE TEMP TABLE merge_keep AS SELECT src, old_id FROM (SELECT s.src, s.old_id,"
	" row_number() OVER (PARTITION BY s.place ORDER BY CASE s.verdict WHEN 'error' THEN 0"
	" WHEN 'fail' THEN 1 WHEN 'inconclusive' THEN 2 ELSE 3 END, f.preemptions,"
	" length(f.schedule), s.src, f.old_id) AS r FROM temp.merge_scenarios s"
	" LEFT JOIN temp.merge_failures f ON f.src = s.src AND f.old_scenario_id = s.old_id)"
	" WHERE r = 1;"
	"UPDATE temp.merge_scenarios SET (executions, steps, schedule_points, distinct_traces,"
	" seconds, coverage, truncated, search) = (SELECT sum(o.executions), sum(o.steps),"
	" sum(o.schedule_points), sum(o.distinct_traces), sum(o.seconds), coverage_sum(o.coverage),"
	" max(o.truncated), CASE WHEN max(o.search = 'truncated') THEN 'truncated'"
	"  WHEN merge_scenarios.search = 'complete' AND min(o.search = 'complete') = 0 THEN 'bound'"
	"  ELSE merge_scenarios.search END"
	" FROM temp.merge_scenarios o WHERE o.place = merge_scenarios.place)"
	" WHERE (src, old_id) IN (SELECT src, old_id FROM temp.merge_keep)"
	" AND place IN (SELECT place FROM temp.merge_scenarios GROUP BY place HAVING count(*) > 1);"
	"DELETE FROM temp.merge_failures WHERE (src, old_scenario_id) NOT IN"
	" (SELECT src, old_id FROM temp.merge_keep);"
	"DELETE FROM temp.merge_scenarios WHERE (src, old_id) NOT IN"
	" (SELECT src, old_id FROM temp.merge_keep);"
	"DROP TABLE temp.merge_keep;";

static const char drop_staged_sql[] =
	"DROP TABLE IF EXISTS temp.merge_keep;"
	"DROP TABLE IF EXISTS temp.merge_run;"
	"DROP TABLE IF EXISTS temp.merge_scenarios;"
	"DROP TABLE IF EXISTS temp.merge_failures;"
	"DROP TABLE IF EXISTS temp.merge_trace;"
	"DROP TABLE IF EXISTS temp.merge_registers;"
	"DROP TABLE IF EXISTS temp.merge_scenario_ids;"
	"DROP TABLE IF EXISTS temp.merge_failure_ids;";

/* The attached source's table.column, or NULL when its version lacks the column (write_kind
 * of trace_steps: version 5 on; coverage of scenarios: version 6 on; interrupt of trace_steps:
 * version 7 on). */
static const char *source_column(sqlite3 *conn, const char *table, const char *column,
				 const char *expr)
{
	sqlite3_stmt *st;
	bool has = false;

	if (sqlite3_prepare_v2(conn, "SELECT count(*) FROM pragma_table_info(?1, 'merge_src')"
				     " WHERE name = ?2", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
		has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	return has ? expr : "NULL";
}

/* Stage one source; -1 with "SOURCE: why" in err. */
static int stage_source(sqlite3 *conn, const struct report_run_source *src, int number,
			char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(conn, "ATTACH ?1 AS merge_src", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, src->path, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	} else {
		rc = -1;
	}
	if (rc) {
		snprintf(err, errlen, "%s: cannot read the report database: %s", src->path,
			 sqlite3_errmsg(conn));
		return -1;
	}
	for (size_t i = 0; i < sizeof(stage_source_sql) / sizeof(stage_source_sql[0]) && !rc; i++) {
		/* the columns later versions added, where the source has them */
		char *sql = sqlite3_mprintf(stage_source_sql[i],
					    i == 0 ? source_column(conn, "scenarios", "coverage",
								   "coverage")
						   : source_column(conn, "trace_steps", "write_kind",
								   "t.write_kind"),
					    source_column(conn, "trace_steps", "interrupt",
							  "t.interrupt"));

		if (!sql || sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK) {
			sqlite3_free(sql);
			rc = -1;
			break;
		}
		sqlite3_free(sql);
		sqlite3_bind_int(st, 1, number);
		sqlite3_bind_int64(st, 2, src->run_id);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)src->shard_count);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	}
	if (rc)
		snprintf(err, errlen, "%s: cannot read run %lld: %s", src->path,
			 (long long)src->run_id, sqlite3_errmsg(conn));
	sqlite3_exec(conn, "DETACH merge_src", NULL, NULL, NULL);
	return rc;
}

/* Store the staged rows into run_id in one transaction; -1 with the output's error noted. */
static int store_staged(struct report_db *db, sqlite3 *conn, int64_t run_id)
{
	static const char doing[] = "cannot store the merged run";
	char *sql = sqlite3_mprintf("CREATE TEMP TABLE merge_run AS SELECT %lld AS run;",
				    (long long)run_id);

	if (!sql || sqlite3_exec(conn, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		report_db_note_sqlite_error(db, doing);
		return -1;
	}
	sqlite3_free(sql);
	if (sqlite3_exec(conn, store_staged_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		report_db_note_sqlite_error(db, doing);
		if (!sqlite3_get_autocommit(conn))
			sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int report_copy_runs(struct report_db *db, int64_t run_id, const struct report_run_source *src,
		     size_t nsrc, char *err, size_t errlen)
{
	sqlite3 *conn = db ? report_db_connection(db) : NULL;
	int rc = 0;

	if (!conn) {
		snprintf(err, errlen, "%s", report_last_error(db));
		return -1;
	}
	if (sqlite3_exec(conn, stage_tables_sql, NULL, NULL, NULL) != SQLITE_OK) {
		report_db_note_sqlite_error(db, "cannot prepare the merge");
		snprintf(err, errlen, "%s", report_last_error(db));
		return -1;
	}
	for (size_t i = 0; i < nsrc && !rc; i++)
		if (stage_source(conn, &src[i], (int)i, err, errlen))
			rc = -2;
	if (!rc && (sqlite3_create_function(conn, "coverage_sum", 1, SQLITE_UTF8, NULL, NULL,
					    coverage_sum_step, coverage_sum_final) != SQLITE_OK ||
		    sqlite3_exec(conn, fold_tree_shards_sql, NULL, NULL, NULL) != SQLITE_OK)) {
		report_db_note_sqlite_error(db, "cannot fold the shards of one scenario");
		snprintf(err, errlen, "%s", report_last_error(db));
		rc = -1;
	}
	if (!rc && store_staged(db, conn, run_id)) {
		snprintf(err, errlen, "%s", report_last_error(db));
		rc = -1;
	}
	sqlite3_exec(conn, drop_staged_sql, NULL, NULL, NULL);
	return rc;
}
