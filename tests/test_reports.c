/*
 * test_reports.c - the report database: what a run, its scenarios, failures and traces look like
 * when read back with SQL; reopening, refusing newer or foreign files; several processes writing
 * one file at once; runs that never finish; a full disk; and the example queries users run.
 *
 * Scenarios and results are built by hand: the report writer knows nothing of the explorer.
 */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "reports.h"
#include "test_support.h"

/* ---- a scratch directory per test ---- */

static char scratch_dir[256];
static char db_file[512];

static void make_scratch_dir(void)
{
	snprintf(scratch_dir, sizeof(scratch_dir), "%s/pc-reports-XXXXXX", temp_dir());
	ck_assert_ptr_nonnull(mkdtemp(scratch_dir));
	snprintf(db_file, sizeof(db_file), "%s/report.db", scratch_dir);
}

static void remove_scratch_dir(void)
{
	DIR *d = opendir(scratch_dir);
	struct dirent *e;
	char path[1024];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", scratch_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(scratch_dir);
}

static void scratch_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", scratch_dir, name);
}

/* ---- reading the file back with plain SQL ---- */

static sqlite3_stmt *prepare_query(sqlite3 **conn, const char *path, const char *fmt, va_list ap)
{
	char sql[2048];
	sqlite3_stmt *stmt;

	vsnprintf(sql, sizeof(sql), fmt, ap);
	ck_assert_int_eq(sqlite3_open_v2(path, conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(*conn, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(*conn));
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "no row from: %s", sql);
	return stmt;
}

static long long query_int(const char *path, const char *fmt, ...)
{
	sqlite3 *conn;
	sqlite3_stmt *stmt;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	stmt = prepare_query(&conn, path, fmt, ap);
	va_end(ap);
	ck_assert_msg(sqlite3_column_type(stmt, 0) != SQLITE_NULL, "NULL from: %s", fmt);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(conn);
	return v;
}

/* The first column of the first row as text, "<null>" for NULL. */
static const char *query_text(const char *path, const char *fmt, ...)
{
	static char buf[1024];
	sqlite3 *conn;
	sqlite3_stmt *stmt;
	const unsigned char *t;
	va_list ap;

	va_start(ap, fmt);
	stmt = prepare_query(&conn, path, fmt, ap);
	va_end(ap);
	t = sqlite3_column_text(stmt, 0);
	snprintf(buf, sizeof(buf), "%s", t ? (const char *)t : "<null>");
	sqlite3_finalize(stmt);
	sqlite3_close(conn);
	return buf;
}

/* ---- scenarios and results built by hand ---- */

static void make_scenario(struct scenario *scn, const char *name, enum verdict expect,
			  const char *expect_invariant)
{
	memset(scn, 0, sizeof(*scn));
	snprintf(scn->path, sizeof(scn->path), "scenarios/arm64/%s.yaml", name);
	snprintf(scn->name, sizeof(scn->name), "%s", name);
	snprintf(scn->arch, sizeof(scn->arch), "arm64");
	snprintf(scn->image, sizeof(scn->image), "ftrace");
	scn->nharts = 2;
	scn->preemptions = 2;
	scn->expect = expect;
	snprintf(scn->expect_invariant, sizeof(scn->expect_invariant), "%s",
		 expect_invariant ? expect_invariant : "");
}

static void make_passing_result(struct scenario_result *res)
{
	memset(res, 0, sizeof(*res));
	res->verdict = VERDICT_PASS;
	res->stats.executions = 1234;
	res->stats.schedule_points = 88;
	res->stats.steps = 5000000000ULL; /* beyond 32 bits */
	res->stats.bound_reached = 2;
	res->stats.seconds = 0.25;
	snprintf(res->image_hash, sizeof(res->image_hash), "0123456789abcdef");
}

/* Step i of a trace: harts alternate, every 5th step fetches a patched word, steps 3, 13, ... write one. */
static void make_trace_step(struct trace_step *t, unsigned i)
{
	memset(t, 0, sizeof(*t));
	t->step = 3 * i;
	t->hart = i % 2;
	t->len = 4;
	t->bytes[0] = (uint8_t)i;
	t->bytes[1] = 0x20;
	t->bytes[2] = 0x03;
	t->bytes[3] = 0xd5;
	t->pc = 0xffff800010000000ULL + 4 * i; /* above 2^63: the bit pattern must survive */
	t->watched_fetch = i % 5 == 0;
	t->version = t->watched_fetch ? i / 5 : 0;
	t->patch_write = i % 10 == 3;
	t->write_kind = t->patch_write ? (i % 20 == 3 ? TRACE_WRITE_CODE : TRACE_WRITE_DATA)
				       : TRACE_WRITE_NONE;
}

/* A failing result with an ntrace-step trace; the trace is malloc'd into res->failure. */
static void make_failing_result(struct scenario_result *res, const char *invariant, size_t ntrace)
{
	struct failure *f = calloc(1, sizeof(*f));
	size_t i;

	ck_assert_ptr_nonnull(f);
	make_passing_result(res);
	res->verdict = VERDICT_FAIL;
	res->failure = f;
	snprintf(f->invariant, sizeof(f->invariant), "%s", invariant);
	f->hart = 1;
	f->step = 147;
	f->pc = 0x400104;
	snprintf(f->expected, sizeof(f->expected), "nop or bl ftrace_caller");
	snprintf(f->actual, sizeof(f->actual), "0xd503201f/0x94000010 mix");
	snprintf(f->message, sizeof(f->message), "%s failed on hart 1 at step 147", invariant);
	snprintf(f->schedule, sizeof(f->schedule), "0*12 1*3 0*7 1");
	f->preemptions = 1;
	f->ntrace = ntrace;
	f->trace = ntrace ? calloc(ntrace, sizeof(*f->trace)) : NULL;
	for (i = 0; i < ntrace; i++)
		make_trace_step(&f->trace[i], (unsigned)i);
}

static void free_result(struct scenario_result *res)
{
	if (res->failure)
		free(res->failure->trace);
	free(res->failure);
	res->failure = NULL;
}

static const char *disassemble_for_test(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len)
{
	static char text[64];

	if (ud)
		(*(unsigned *)ud)++;
	snprintf(text, sizeof(text), "insn %u at %llx", len ? bytes[0] : 0, (unsigned long long)pc);
	return text;
}

static struct report_db *open_or_fail(const char *path)
{
	char err[1024] = "";
	struct report_db *db = report_open(path, err, sizeof(err));

	ck_assert_msg(db != NULL, "report_open: %s", err);
	return db;
}

static int64_t add_or_fail(struct report_db *db, int64_t run, const struct scenario *scn,
			   const struct scenario_result *res)
{
	char err[1024] = "";
	int64_t id = report_add_scenario(db, run, 0, scn, "feedface", res, disassemble_for_test, NULL,
					 err, sizeof(err));

	ck_assert_msg(id > 0, "report_add_scenario: %s", err);
	return id;
}

/* ---- (1) a run read back ---- */

START_TEST(stored_run_reads_back_with_every_value)
{
	char *argv[] = { "patchcheck", "run", "--db", "my file.db", "it's", NULL };
	struct scenario pass_scn, fail_scn, error_scn;
	struct scenario_result pass_res, fail_res, error_res;
	unsigned disasm_calls = 0;
	char err[1024];
	struct report_db *db = open_or_fail(db_file);
	int64_t run, pass_id, fail_id, error_id;

	run = report_begin_run(db, "0.1.0", 5, argv);
	ck_assert_int_gt(run, 0);

	make_scenario(&pass_scn, "nop_to_call", VERDICT_PASS, NULL);
	make_passing_result(&pass_res);
	pass_id = add_or_fail(db, run, &pass_scn, &pass_res);

	make_scenario(&fail_scn, "torn_site", VERDICT_FAIL, "site_atomic");
	make_failing_result(&fail_res, "site_atomic", 50);
	fail_id = report_add_scenario(db, run, 0, &fail_scn, NULL, &fail_res, disassemble_for_test,
				      &disasm_calls, err, sizeof(err));
	ck_assert_msg(fail_id > 0, "%s", err);
	ck_assert_uint_eq(disasm_calls, 50);

	make_scenario(&error_scn, "missing_symbol", VERDICT_PASS, NULL);
	memset(&error_res, 0, sizeof(error_res));
	error_res.verdict = VERDICT_ERROR;
	snprintf(error_res.error, sizeof(error_res.error), "unknown symbol 'frobnicate'");
	error_id = add_or_fail(db, run, &error_scn, &error_res);

	ck_assert_int_eq(report_end_run(db, run, 1, true), 0);
	report_close(db);

	/* the run */
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM runs"), 1);
	ck_assert_str_eq(query_text(db_file, "SELECT status FROM runs WHERE id = %lld", (long long)run),
			 "complete");
	ck_assert_int_eq(query_int(db_file, "SELECT exit_code FROM runs"), 1);
	ck_assert_str_eq(query_text(db_file, "SELECT tool_version FROM runs"), "0.1.0");
	ck_assert_str_eq(query_text(db_file, "SELECT options FROM runs"),
			 "patchcheck run --db 'my file.db' 'it'\\''s'");
	ck_assert_int_eq(query_int(db_file, "SELECT started_at GLOB"
				   " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
				   " FROM runs"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT host LIKE '_%%/_%%' FROM runs"), 1);

	/* the passing scenario */
#define PASS_ROW(col) "SELECT " col " FROM scenarios WHERE id = %lld", (long long)pass_id
	ck_assert_int_eq(query_int(db_file, PASS_ROW("run_id")), run);
	ck_assert_str_eq(query_text(db_file, PASS_ROW("name")), "nop_to_call");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("file")), "scenarios/arm64/nop_to_call.yaml");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("file_hash")), "feedface");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("arch")), "arm64");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("image_hash")), "0123456789abcdef");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("expected")), "pass");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("verdict")), "pass");
	ck_assert_str_eq(query_text(db_file, PASS_ROW("invariant")), "<null>");
	ck_assert_int_eq(query_int(db_file, PASS_ROW("matched")), 1);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("executions")), 1234);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("steps")), 5000000000LL);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("schedule_points")), 88);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("preemption_bound")), 2);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("truncated")), 0);
	ck_assert_int_eq(query_int(db_file, PASS_ROW("seconds = 0.25")), 1);
	ck_assert_str_eq(query_text(db_file, PASS_ROW("error")), "<null>");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures WHERE scenario_id = %lld",
				   (long long)pass_id), 0);
#undef PASS_ROW

	/* the failing scenario and its failure */
#define FAIL_ROW(col) "SELECT " col " FROM scenarios WHERE id = %lld", (long long)fail_id
	ck_assert_str_eq(query_text(db_file, FAIL_ROW("expected")), "fail:site_atomic");
	ck_assert_str_eq(query_text(db_file, FAIL_ROW("verdict")), "fail");
	ck_assert_str_eq(query_text(db_file, FAIL_ROW("invariant")), "site_atomic");
	ck_assert_int_eq(query_int(db_file, FAIL_ROW("matched")), 1);
	ck_assert_str_eq(query_text(db_file, FAIL_ROW("file_hash")), "<null>");
#undef FAIL_ROW
#define FAILURE(col) "SELECT " col " FROM failures WHERE scenario_id = %lld", (long long)fail_id
	ck_assert_str_eq(query_text(db_file, FAILURE("invariant")), "site_atomic");
	ck_assert_str_eq(query_text(db_file, FAILURE("message")),
			 "site_atomic failed on hart 1 at step 147");
	ck_assert_int_eq(query_int(db_file, FAILURE("hart")), 1);
	ck_assert_int_eq(query_int(db_file, FAILURE("step")), 147);
	ck_assert_int_eq(query_int(db_file, FAILURE("pc")), 0x400104);
	ck_assert_str_eq(query_text(db_file, FAILURE("expected_value")), "nop or bl ftrace_caller");
	ck_assert_str_eq(query_text(db_file, FAILURE("actual_value")), "0xd503201f/0x94000010 mix");
	ck_assert_str_eq(query_text(db_file, FAILURE("schedule")), "0*12 1*3 0*7 1");
	ck_assert_int_eq(query_int(db_file, FAILURE("preemptions")), 1);
	ck_assert_int_eq(query_int(db_file, FAILURE("minimal")), 1);
#undef FAILURE

	/* its 50-step trace, in order */
#define TRACE "FROM trace_steps t JOIN failures f ON f.id = t.failure_id WHERE f.scenario_id = %lld"
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) " TRACE, (long long)fail_id), 50);
	ck_assert_int_eq(query_int(db_file, "SELECT min(seq) = 0 AND max(seq) = 49 " TRACE,
				   (long long)fail_id), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) " TRACE " AND t.step = 3 * t.seq"
				   " AND t.hart = t.seq %% 2", (long long)fail_id), 50);
	ck_assert_str_eq(query_text(db_file, "SELECT printf('%%x', t.pc) " TRACE " AND seq = 7",
				    (long long)fail_id), "ffff80001000001c");
	ck_assert_str_eq(query_text(db_file, "SELECT t.bytes " TRACE " AND seq = 26",
				    (long long)fail_id), "1a2003d5");
	ck_assert_str_eq(query_text(db_file, "SELECT t.disasm " TRACE " AND seq = 26",
				    (long long)fail_id), "insn 26 at ffff800010000068");
	ck_assert_str_eq(query_text(db_file, "SELECT t.version " TRACE " AND seq = 7",
				    (long long)fail_id), "<null>");
	ck_assert_int_eq(query_int(db_file, "SELECT t.version " TRACE " AND seq = 0",
				   (long long)fail_id), 0);
	ck_assert_int_eq(query_int(db_file, "SELECT t.version " TRACE " AND seq = 35",
				   (long long)fail_id), 7);
	ck_assert_int_eq(query_int(db_file, "SELECT count(t.version) " TRACE, (long long)fail_id), 10);
	ck_assert_int_eq(query_int(db_file, "SELECT sum(t.watched_fetch) " TRACE, (long long)fail_id),
			 10);
	ck_assert_int_eq(query_int(db_file, "SELECT group_concat(seq) = '3,13,23,33,43' FROM"
				   " (SELECT t.seq " TRACE " AND t.patch_write = 1 ORDER BY t.seq)",
				   (long long)fail_id), 1);
#undef TRACE

	/* the scenario that could not be explored */
#define ERROR_ROW(col) "SELECT " col " FROM scenarios WHERE id = %lld", (long long)error_id
	ck_assert_str_eq(query_text(db_file, ERROR_ROW("verdict")), "error");
	ck_assert_int_eq(query_int(db_file, ERROR_ROW("matched")), 0);
	ck_assert_str_eq(query_text(db_file, ERROR_ROW("error")), "unknown symbol 'frobnicate'");
	ck_assert_str_eq(query_text(db_file, ERROR_ROW("image_hash")), "<null>");
#undef ERROR_ROW

	free_result(&fail_res);
}
END_TEST

static long long column_of_scenario(const char *column, int64_t id)
{
	return query_int(db_file, "SELECT %s FROM scenarios s LEFT JOIN failures f"
			 " ON f.scenario_id = s.id WHERE s.id = %lld", column, (long long)id);
}

START_TEST(matched_and_minimal_follow_the_result)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);
	int64_t expected_invariant, wrong_invariant, unexpected_fail, unexpected_pass, replayed;

	make_failing_result(&res, "regs_entry", 3); /* 1 preemption within bound 2 */
	make_scenario(&scn, "a", VERDICT_FAIL, "regs_entry");
	expected_invariant = add_or_fail(db, run, &scn, &res);
	make_scenario(&scn, "b", VERDICT_FAIL, "site_atomic");
	wrong_invariant = add_or_fail(db, run, &scn, &res);
	make_scenario(&scn, "c", VERDICT_PASS, NULL);
	unexpected_fail = add_or_fail(db, run, &scn, &res);
	res.stats.bound_reached = 0; /* a replayed schedule: no search behind it */
	replayed = add_or_fail(db, run, &scn, &res);
	free_result(&res);
	make_passing_result(&res);
	make_scenario(&scn, "d", VERDICT_FAIL, "site_atomic");
	unexpected_pass = add_or_fail(db, run, &scn, &res);
	report_close(db);

	ck_assert_int_eq(column_of_scenario("s.matched", expected_invariant), 1);
	ck_assert_int_eq(column_of_scenario("f.minimal", expected_invariant), 1);
	ck_assert_int_eq(column_of_scenario("s.matched", wrong_invariant), 0);
	ck_assert_int_eq(column_of_scenario("s.matched", unexpected_fail), 0);
	ck_assert_int_eq(column_of_scenario("f.minimal", replayed), 0);
	ck_assert_int_eq(column_of_scenario("s.matched", unexpected_pass), 0);
	ck_assert_str_eq(query_text(db_file, "SELECT expected FROM scenarios WHERE id = %lld",
				    (long long)unexpected_pass), "fail:site_atomic");
	ck_assert_str_eq(query_text(db_file, "SELECT options FROM runs"), "");
}
END_TEST

START_TEST(failed_scenario_leaves_no_rows)
{
	struct scenario scn;
	struct scenario_result res;
	char err[1024] = "";
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);

	make_scenario(&scn, "orphan", VERDICT_FAIL, NULL);
	make_failing_result(&res, "site_atomic", 20);

	/* no such run: the foreign key refuses the scenario row */
	ck_assert_int_eq(report_add_scenario(db, run + 100, 0, &scn, NULL, &res, NULL, NULL, err,
					     sizeof(err)), -1);
	ck_assert_msg(strstr(err, db_file) && strstr(err, "orphan") && strstr(err, "FOREIGN KEY"),
		      "%s", err);

	/* a trace that is missing: refused after the scenario and failure rows were written */
	free(res.failure->trace);
	res.failure->trace = NULL;
	err[0] = '\0';
	ck_assert_int_eq(report_add_scenario(db, run, 0, &scn, NULL, &res, NULL, NULL, err, sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, db_file) && strstr(err, "trace"), "%s", err);

	/* completing a run that does not exist */
	ck_assert_int_eq(report_end_run(db, run + 100, 0, true), -1);
	ck_assert_msg(strstr(report_last_error(db), db_file) && strstr(report_last_error(db), "no run"),
		      "%s", report_last_error(db));

	/* the connection is still good */
	res.failure->ntrace = 0;
	add_or_fail(db, run, &scn, &res);
	ck_assert_int_eq(report_end_run(db, run, 0, true), 0);
	report_close(db);

	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps"), 0);
	free_result(&res);
}
END_TEST

/* ---- (2) reopening, and files that are refused ---- */

START_TEST(reopened_file_keeps_its_rows)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t first, second;

	make_scenario(&scn, "kept", VERDICT_PASS, NULL);
	make_passing_result(&res);
	first = report_begin_run(db, "0.1.0", 0, NULL);
	add_or_fail(db, first, &scn, &res);
	ck_assert_int_eq(report_end_run(db, first, 0, true), 0);
	report_close(db);

	db = open_or_fail(db_file);
	second = report_begin_run(db, "0.1.0", 0, NULL);
	ck_assert_int_gt(second, first);
	add_or_fail(db, second, &scn, &res);
	ck_assert_int_eq(report_end_run(db, second, 0, true), 0);
	report_close(db);

	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM runs WHERE status = 'complete'"), 2);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'kept'"), 2);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM schema_version"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"),
			 REPORT_SCHEMA_VERSION);
	ck_assert_str_eq(query_text(db_file, "PRAGMA journal_mode"), "wal");
}
END_TEST

static void assert_refused(const char *path, const char *what)
{
	char err[1024] = "";
	struct report_db *db = report_open(path, err, sizeof(err));

	ck_assert_msg(db == NULL, "%s was opened", path);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "message does not name the file: %s", err);
	ck_assert_msg(strstr(err, what) != NULL, "expected \"%s\" in: %s", what, err);
}

START_TEST(newer_schema_is_refused)
{
	char what[80];

	report_close(open_or_fail(db_file));
	execute_sql(db_file, "UPDATE schema_version SET version = 99");
	snprintf(what, sizeof(what), "report schema version 99 is newer than this patchcheck (%d)",
		 REPORT_SCHEMA_VERSION);
	assert_refused(db_file, what);
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), 99);
}
END_TEST

START_TEST(unknown_older_schema_is_refused)
{
	report_close(open_or_fail(db_file));
	execute_sql(db_file, "UPDATE schema_version SET version = 0");
	assert_refused(db_file, "report schema version 0 cannot be migrated");
}
END_TEST

/* A version 1 file (no register columns) is migrated on open and keeps its rows. */
/* A run of one scenario "old" that failed site-consistency with a trace of 3 steps. */
static void store_one_failure(void)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);

	make_scenario(&scn, "old", VERDICT_FAIL, "site-consistency");
	make_failing_result(&res, "site-consistency", 3);
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	free_result(&res);
}

/* What versions 5 and 6 added, gone: a file of an older version has neither the views nor the
 * trace steps' write kind (5), nor the scenarios' coverage (6). */
#define BEFORE_VERSION_7_SQL "ALTER TABLE trace_steps DROP COLUMN interrupt;"
#define BEFORE_VERSION_5_SQL                                                                   \
	"DROP VIEW scenario_history; DROP VIEW failures_by_invariant; DROP VIEW failures_by_arch;" \
	"DROP VIEW slowest_scenarios; ALTER TABLE trace_steps DROP COLUMN write_kind;"            \
	"ALTER TABLE scenarios DROP COLUMN coverage;" BEFORE_VERSION_7_SQL

START_TEST(version_1_file_is_migrated)
{
	store_one_failure();
	execute_sql(db_file, BEFORE_VERSION_5_SQL "ALTER TABLE trace_steps DROP COLUMN registers;"
			     "DROP TABLE failure_registers;"
			     "ALTER TABLE scenarios DROP COLUMN position;"
			     "ALTER TABLE scenarios DROP COLUMN distinct_traces;"
			     "ALTER TABLE scenarios DROP COLUMN search;"
			     "UPDATE schema_version SET version = 1");

	report_close(open_or_fail(db_file));
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), REPORT_SCHEMA_VERSION);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps WHERE registers IS NULL"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failure_registers"), 0);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'old'"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"), 1);
}
END_TEST

/* A version 2 file (verdicts pass, fail, error) is migrated on open to take an inconclusive
 * verdict, and keeps its rows: the failures that refer to the rebuilt scenarios table included.
 * Before the migration, the reader already reads it. */
START_TEST(version_2_file_is_migrated)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);
	struct report_reader *reader;
	char err[512];

	make_scenario(&scn, "old", VERDICT_FAIL, "site-consistency");
	make_failing_result(&res, "site-consistency", 3);
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	free_result(&res);
	execute_sql(db_file, BEFORE_VERSION_5_SQL "ALTER TABLE scenarios DROP COLUMN position;"
			     "ALTER TABLE scenarios DROP COLUMN distinct_traces;"
			     "ALTER TABLE scenarios DROP COLUMN search;"
			     "UPDATE schema_version SET version = 2");
	/* The version 2 CHECK, put back the way SQLite rebuilds a table (foreign keys are off on
	 * this connection, so the failures stay). */
	execute_sql(db_file,
		    "CREATE TABLE s2 (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id)"
		    " ON DELETE CASCADE, name TEXT NOT NULL, file TEXT NOT NULL, file_hash TEXT,"
		    " arch TEXT NOT NULL, image_hash TEXT, expected TEXT NOT NULL, verdict TEXT NOT NULL"
		    " CHECK (verdict IN ('pass', 'fail', 'error')), invariant TEXT, matched INTEGER"
		    " NOT NULL CHECK (matched IN (0, 1)), executions INTEGER NOT NULL, steps INTEGER"
		    " NOT NULL, schedule_points INTEGER NOT NULL, preemption_bound INTEGER NOT NULL,"
		    " truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)), seconds REAL NOT NULL,"
		    " error TEXT);"
		    "INSERT INTO s2 SELECT * FROM scenarios; DROP TABLE scenarios;"
		    "ALTER TABLE s2 RENAME TO scenarios;");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"), 1);
	reader = report_reader_open(db_file, err, sizeof(err));
	ck_assert_msg(reader != NULL, "%s", err);
	report_reader_close(reader);

	db = open_or_fail(db_file);
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), REPORT_SCHEMA_VERSION);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'old'"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps"), 3);
	make_scenario(&scn, "cut-short", VERDICT_PASS, NULL);
	memset(&res, 0, sizeof(res));
	res.verdict = VERDICT_INCONCLUSIVE;
	res.stats.truncated = true;
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE verdict = 'inconclusive'"), 1);
}
END_TEST

/* Stores a passing scenario "old" in a new run (*run), turns the file into an older version
 * with downgrade_sql, and reopens it (migrated to the current version): the open database,
 * with scn a passing scenario "new" and res a passing result to store next. */
static struct report_db *store_row_then_downgrade(const char *downgrade_sql, struct scenario *scn,
						  struct scenario_result *res, int64_t *run)
{
	struct report_db *db = open_or_fail(db_file);

	*run = report_begin_run(db, "0.1.0", 0, NULL);
	make_scenario(scn, "old", VERDICT_PASS, NULL);
	memset(res, 0, sizeof(*res));
	add_or_fail(db, *run, scn, res);
	report_close(db);
	execute_sql(db_file, downgrade_sql);
	db = open_or_fail(db_file);
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), REPORT_SCHEMA_VERSION);
	make_scenario(scn, "new", VERDICT_PASS, NULL);
	return db;
}

/* A version 3 file (no scenario positions) is migrated on open: its rows keep a NULL position,
 * rows stored after have theirs. */
START_TEST(version_3_file_is_migrated)
{
	struct scenario scn;
	struct scenario_result res;
	int64_t run;
	struct report_db *db = store_row_then_downgrade(
		BEFORE_VERSION_5_SQL "ALTER TABLE scenarios DROP COLUMN position;"
		"ALTER TABLE scenarios DROP COLUMN distinct_traces;"
		"ALTER TABLE scenarios DROP COLUMN search;"
		"UPDATE schema_version SET version = 3", &scn, &res, &run);

	ck_assert_int_gt(report_add_scenario(db, run, 7, &scn, NULL, &res, NULL, NULL, NULL, 0), 0);
	report_close(db);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'old'"
					    " AND position IS NULL"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT position FROM scenarios WHERE name = 'new'"), 7);
}
END_TEST

/* A version 4 file (no views) is migrated on open: the views are there, over its rows; before,
 * the reader reads it. */
START_TEST(version_4_file_is_migrated)
{
	struct report_reader *reader;
	char err[512];

	store_one_failure();
	execute_sql(db_file, BEFORE_VERSION_5_SQL "UPDATE schema_version SET version = 4");
	reader = report_reader_open(db_file, err, sizeof(err));
	ck_assert_msg(reader != NULL, "%s", err);
	report_reader_close(reader);
	report_close(open_or_fail(db_file));
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), REPORT_SCHEMA_VERSION);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM sqlite_master WHERE type = 'view'"), 4);
	ck_assert_int_eq(query_int(db_file, "SELECT failures FROM failures_by_invariant"
					    " WHERE invariant = 'site-consistency'"), 1);
}
END_TEST

/* What each write was is stored and read back; a file of version 4 reads as writes of unknown
 * kind. */
START_TEST(write_kinds_are_stored_and_read)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);
	struct report_reader *reader;
	struct stored_failure f;
	char err[512];

	make_scenario(&scn, "writes", VERDICT_FAIL, "site-consistency");
	make_failing_result(&res, "site-consistency", 14); /* step 3 writes code, 13 data */
	res.failure->trace[5].patch_write = 1;
	res.failure->trace[5].write_kind = TRACE_WRITE_STOP_MACHINE_ENTER;
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	free_result(&res);
	ck_assert_int_eq(query_int(db_file, "SELECT seq FROM trace_steps WHERE write_kind = 'code'"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT seq FROM trace_steps WHERE write_kind = 'data'"), 13);
	ck_assert_int_eq(query_int(db_file, "SELECT seq FROM trace_steps"
					    " WHERE write_kind = 'stop-machine-enter'"), 5);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps WHERE write_kind IS NULL"), 11);
	reader = report_reader_open(db_file, err, sizeof(err));
	ck_assert_msg(reader != NULL, "%s", err);
	ck_assert_int_eq(report_read_failure(reader, 1, &f), 0);
	ck_assert_int_eq(f.trace[3].write_kind, TRACE_WRITE_CODE);
	ck_assert_int_eq(f.trace[5].write_kind, TRACE_WRITE_STOP_MACHINE_ENTER);
	ck_assert_int_eq(f.trace[13].write_kind, TRACE_WRITE_DATA);
	ck_assert_int_eq(f.trace[4].write_kind, TRACE_WRITE_NONE);
	stored_failure_release(&f);
	report_reader_close(reader);
	execute_sql(db_file, BEFORE_VERSION_5_SQL "UPDATE schema_version SET version = 4");
	reader = report_reader_open(db_file, err, sizeof(err));
	ck_assert_msg(reader != NULL, "%s", err);
	ck_assert_int_eq(report_read_failure(reader, 1, &f), 0);
	ck_assert(f.trace[13].patch_write);
	ck_assert_int_eq(f.trace[13].write_kind, TRACE_WRITE_NONE);
	stored_failure_release(&f);
	report_reader_close(reader);
}
END_TEST

/* The views answer the questions they are named for: history, failures by invariant and by
 * arch, the slowest scenarios. */
START_TEST(views_summarize_the_runs)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run1 = report_begin_run(db, "0.1.0", 0, NULL), run2;

	make_scenario(&scn, "flips", VERDICT_PASS, NULL);
	make_passing_result(&res);
	res.stats.seconds = 1.0;
	add_or_fail(db, run1, &scn, &res);
	run2 = report_begin_run(db, "0.1.0", 0, NULL);
	make_failing_result(&res, "site-consistency", 3);
	res.stats.seconds = 3.0;
	add_or_fail(db, run2, &scn, &res);
	free_result(&res);
	make_scenario(&scn, "quick", VERDICT_PASS, NULL);
	make_passing_result(&res);
	res.stats.seconds = 0.5;
	add_or_fail(db, run2, &scn, &res);
	report_close(db);

	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenario_history WHERE name = 'flips'"), 2);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenario_history WHERE name = 'flips'"
					    " AND verdict = 'fail:site-consistency' AND run_id = 2"
					    " AND failure_id > 0 AND matched = 0"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT unexpected FROM failures_by_invariant"
					    " WHERE invariant = 'site-consistency'"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT not_as_expected FROM failures_by_arch"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT scenarios FROM failures_by_arch"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT runs FROM slowest_scenarios LIMIT 1"), 2);
	ck_assert_int_eq(query_int(db_file, "SELECT max_seconds FROM slowest_scenarios LIMIT 1"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT latest_seconds FROM slowest_scenarios"
					    " WHERE name = 'flips'"), 3);
}
END_TEST

/* A version 5 file gains the coverage column: rows stored before read NULL, rows stored after
 * have each kind's count. */
START_TEST(version_5_file_is_migrated)
{
	struct scenario scn;
	struct scenario_result res;
	int64_t run;
	struct report_db *db = store_row_then_downgrade(
		"ALTER TABLE scenarios DROP COLUMN coverage;" BEFORE_VERSION_7_SQL
		"UPDATE schema_version SET version = 5",
		&scn, &res, &run);

	res.stats.covered[COVER_CALL] = 9;
	res.stats.covered[COVER_PARKED_IN_SITE] = 3;
	/* site forms: those some execution ran follow the kinds, the others are left out */
	res.stats.nforms = 3;
	snprintf(res.stats.forms[0].form, sizeof(res.stats.forms[0].form), "f:d503201f");
	res.stats.forms[0].executions = 4;
	snprintf(res.stats.forms[1].form, sizeof(res.stats.forms[1].form), "g:d503201f");
	snprintf(res.stats.forms[2].form, sizeof(res.stats.forms[2].form), "f:94000010");
	res.stats.forms[2].executions = 9;
	ck_assert_int_gt(report_add_scenario(db, run, 1, &scn, NULL, &res, NULL, NULL, NULL, 0), 0);
	report_close(db);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'old'"
					    " AND coverage IS NULL"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios WHERE name = 'new' AND"
					    " coverage = 'call=9 callback=0 redirect=0 direct=0"
					    " parked-in-site=3 interrupt=0 interrupt-in-site=0"
					    " form:f:d503201f=4 form:f:94000010=9'"), 1);
}
END_TEST

/* The step an interrupt was taken before is stored and read back; a version 6 file is migrated
 * on open, its old steps reading as no interrupt (NULL in the column). */
START_TEST(interrupt_steps_are_stored_read_and_migrated)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);
	struct report_reader *reader;
	struct stored_failure f;
	char err[512];

	make_scenario(&scn, "old", VERDICT_FAIL, "cmodx");
	make_failing_result(&res, "cmodx", 6);
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	free_result(&res);
	execute_sql(db_file, BEFORE_VERSION_7_SQL "UPDATE schema_version SET version = 6");
	db = open_or_fail(db_file);
	ck_assert_int_eq(query_int(db_file, "SELECT version FROM schema_version"), REPORT_SCHEMA_VERSION);
	make_scenario(&scn, "new", VERDICT_FAIL, "cmodx");
	make_failing_result(&res, "cmodx", 6);
	res.failure->trace[2].interrupt = 1;
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	free_result(&res);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps WHERE interrupt IS NULL"), 6);
	ck_assert_int_eq(query_int(db_file, "SELECT seq FROM trace_steps WHERE interrupt = 1"), 2);
	reader = report_reader_open(db_file, err, sizeof(err));
	ck_assert_msg(reader != NULL, "%s", err);
	ck_assert_int_eq(report_read_failure(reader, 2, &f), 0);
	ck_assert(f.trace[2].interrupt);
	ck_assert(!f.trace[1].interrupt);
	stored_failure_release(&f);
	ck_assert_int_eq(report_read_failure(reader, 1, &f), 0);
	ck_assert(!f.trace[2].interrupt);
	stored_failure_release(&f);
	report_reader_close(reader);
}
END_TEST

/* Register deltas per step and every hart's registers at the failure are stored. */
START_TEST(registers_are_stored)
{
	static const char *const names[] = {"x0", "sp"};
	static const char deltas[] = "\0x0=0x5\0sp=0x1000 x0=0x6";
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);
	struct failure *f;

	make_scenario(&scn, "regs", VERDICT_FAIL, "register-preservation");
	make_failing_result(&res, "register-preservation", 3);
	f = res.failure;
	f->deltas = malloc(sizeof(deltas));
	memcpy(f->deltas, deltas, sizeof(deltas));
	f->deltas_len = sizeof(deltas);
	f->trace[0].delta = 1;
	f->trace[2].delta = 8;
	f->nregs = 2;
	f->reg_names = names;
	f->nharts = 2;
	f->regs = calloc(2, sizeof(*f->regs));
	f->regs[0] = (struct failure_regs){.hart = 0, .actual = {7, 0x2000}};
	f->regs[1] = (struct failure_regs){.hart = 1, .has_expected = true, .actual = {3, 0x1000},
					   .expected = {2, 0x1000}};
	add_or_fail(db, run, &scn, &res);
	report_close(db);
	ck_assert_str_eq(query_text(db_file, "SELECT registers FROM trace_steps WHERE seq = 0"), "x0=0x5");
	ck_assert_str_eq(query_text(db_file, "SELECT registers FROM trace_steps WHERE seq = 2"),
			 "sp=0x1000 x0=0x6");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps WHERE registers IS NULL"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failure_registers"), 4);
	ck_assert_int_eq(query_int(db_file, "SELECT actual FROM failure_registers WHERE hart = 1 AND reg = 'x0'"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT expected FROM failure_registers WHERE hart = 1 AND reg = 'x0'"), 2);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failure_registers WHERE hart = 0 AND expected IS NULL"), 2);
	free(f->deltas);
	free(f->regs);
	free_result(&res);
}
END_TEST

START_TEST(non_database_file_is_refused)
{
	FILE *f = fopen(db_file, "w");
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 200; i++)
		fputs("this is a scenario log, not a database\n", f);
	fclose(f);
	assert_refused(db_file, "not a database");
}
END_TEST

START_TEST(foreign_sqlite_file_is_refused)
{
	execute_sql(db_file, "CREATE TABLE notes (text TEXT)");
	assert_refused(db_file, "not a patchcheck report database");
}
END_TEST

START_TEST(unopenable_path_is_refused)
{
	char path[600];

	scratch_path(path, sizeof(path), "no-such-dir/report.db");
	assert_refused(path, "cannot open");
	ck_assert_ptr_null(report_open("", NULL, 0));
}
END_TEST

START_TEST(connection_is_not_used_across_fork)
{
	struct report_db *db = open_or_fail(db_file);
	pid_t child = fork();
	int status;

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int ok = report_begin_run(db, "0.1.0", 0, NULL) == -1 &&
			 strstr(report_last_error(db), "after fork") != NULL;
		report_close(db); /* must not disturb the parent's connection */
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_gt(report_begin_run(db, "0.1.0", 0, NULL), 0);
	report_close(db);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM runs"), 1);
}
END_TEST

/* ---- (3) several processes writing one file ---- */

enum { WRITERS = 4, SCENARIOS_PER_WRITER = 50 };

static size_t trace_length_of(unsigned i)
{
	return 20 + i % 7;
}

/* A child: open after fork, wait for the start signal, store a whole run. Exits 0 on success. */
static void write_run_as_child(int start_fd, unsigned writer)
{
	char err[1024] = "", *argv[] = { "patchcheck", "gate", NULL };
	struct report_db *db;
	int64_t run;
	unsigned i;
	char c;

	while (read(start_fd, &c, 1) > 0)
		;
	db = report_open(db_file, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "writer %u: %s\n", writer, err);
		_exit(1);
	}
	run = report_begin_run(db, "0.1.0", 2, argv);
	if (run < 0) {
		fprintf(stderr, "writer %u: %s\n", writer, report_last_error(db));
		_exit(1);
	}
	for (i = 0; i < SCENARIOS_PER_WRITER; i++) {
		struct scenario scn;
		struct scenario_result res;
		char name[64];

		snprintf(name, sizeof(name), "writer%u_scenario%02u", writer, i);
		make_scenario(&scn, name, VERDICT_FAIL, "site_atomic");
		make_failing_result(&res, "site_atomic", trace_length_of(i));
		if (report_add_scenario(db, run, 0, &scn, "feedface", &res, disassemble_for_test, NULL, err,
					sizeof(err)) < 0) {
			fprintf(stderr, "writer %u: %s\n", writer, err);
			_exit(1);
		}
		free_result(&res);
	}
	if (report_end_run(db, run, 0, true)) {
		fprintf(stderr, "writer %u: %s\n", writer, report_last_error(db));
		_exit(1);
	}
	report_close(db);
	_exit(0);
}

START_TEST(concurrent_writers_lose_nothing)
{
	pid_t children[WRITERS];
	int start[2], status;
	long long trace_rows = 0;
	unsigned w, i;

	/* the file does not exist yet: the writers also race to create it */
	ck_assert_int_eq(pipe(start), 0);
	for (w = 0; w < WRITERS; w++) {
		children[w] = fork();
		ck_assert_int_ge(children[w], 0);
		if (children[w] == 0) {
			close(start[1]);
			write_run_as_child(start[0], w);
		}
	}
	close(start[0]);
	close(start[1]); /* all writers start together */
	for (w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(children[w], &status, 0), children[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %u failed", w);
	}

	for (i = 0; i < SCENARIOS_PER_WRITER; i++)
		trace_rows += (long long)trace_length_of(i);
	trace_rows *= WRITERS;
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios"),
			 WRITERS * SCENARIOS_PER_WRITER);
	ck_assert_int_eq(query_int(db_file, "SELECT count(DISTINCT name) FROM scenarios"),
			 WRITERS * SCENARIOS_PER_WRITER);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"),
			 WRITERS * SCENARIOS_PER_WRITER);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps"), trace_rows);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM runs WHERE status = 'complete'"
				   " AND exit_code = 0"), WRITERS);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM runs"), WRITERS);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM (SELECT run_id FROM scenarios"
				   " GROUP BY run_id HAVING count(*) = %d)", SCENARIOS_PER_WRITER),
			 WRITERS);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM schema_version"), 1);
	ck_assert_str_eq(query_text(db_file, "PRAGMA integrity_check"), "ok");
	ck_assert_str_eq(query_text(db_file, "PRAGMA journal_mode"), "wal");
}
END_TEST

/* ---- (4) runs that never finish ---- */

START_TEST(run_without_end_stays_incomplete)
{
	struct scenario scn;
	struct scenario_result res;
	struct report_db *db = open_or_fail(db_file);
	int64_t run = report_begin_run(db, "0.1.0", 0, NULL);

	make_scenario(&scn, "unfinished", VERDICT_PASS, NULL);
	make_passing_result(&res);
	add_or_fail(db, run, &scn, &res);
	report_close(db);

	ck_assert_str_eq(query_text(db_file, "SELECT status FROM runs"), "incomplete");
	ck_assert_str_eq(query_text(db_file, "SELECT exit_code FROM runs"), "<null>");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios"), 1);
}
END_TEST

START_TEST(killed_run_keeps_finished_scenarios_whole)
{
	pid_t child = fork();
	int status;

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct report_db *db = report_open(db_file, NULL, 0);
		struct scenario scn;
		struct scenario_result res;
		int64_t run = db ? report_begin_run(db, "0.1.0", 0, NULL) : -1;
		unsigned i;

		for (i = 0; run > 0 && i < 3; i++) {
			make_scenario(&scn, "before_the_crash", VERDICT_FAIL, NULL);
			make_failing_result(&res, "site_atomic", 30);
			if (report_add_scenario(db, run, 0, &scn, NULL, &res, NULL, NULL, NULL, 0) < 0)
				_exit(1);
		}
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	ck_assert_str_eq(query_text(db_file, "SELECT status FROM runs"), "incomplete");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios"), 3);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps"), 90);
	ck_assert_str_eq(query_text(db_file, "PRAGMA integrity_check"), "ok");
}
END_TEST

/* ---- a full disk, simulated with a file size limit ---- */

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

START_TEST(full_disk_fails_cleanly)
{
	pid_t child;
	int status;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		char err[1024] = "", wal[600], shm[600];
		struct report_db *db = report_open(db_file, err, sizeof(err));
		struct scenario scn;
		struct scenario_result res;
		struct rlimit limit;
		int64_t run = db ? report_begin_run(db, "0.1.0", 0, NULL) : -1;
		off_t largest;

		make_scenario(&scn, "small", VERDICT_FAIL, NULL);
		make_failing_result(&res, "site_atomic", 10);
		if (run < 0 || report_add_scenario(db, run, 0, &scn, NULL, &res, NULL, NULL, err,
						   sizeof(err)) < 0)
			_exit(10);
		free_result(&res);

		/* from here on no file may grow by more than 64 KiB: the disk is "full" */
		snprintf(wal, sizeof(wal), "%s-wal", db_file);
		snprintf(shm, sizeof(shm), "%s-shm", db_file);
		largest = size_of(db_file);
		if (size_of(wal) > largest)
			largest = size_of(wal);
		if (size_of(shm) > largest)
			largest = size_of(shm);
		signal(SIGXFSZ, SIG_IGN);
		limit.rlim_cur = limit.rlim_max = (rlim_t)largest + 65536;
		if (setrlimit(RLIMIT_FSIZE, &limit))
			_exit(11);

		make_scenario(&scn, "huge", VERDICT_FAIL, NULL);
		make_failing_result(&res, "site_atomic", 20000);
		if (report_add_scenario(db, run, 0, &scn, NULL, &res, disassemble_for_test, NULL, err,
					sizeof(err)) != -1)
			_exit(12);
		if (strncmp(err, db_file, strlen(db_file)) || !strstr(err, "huge")) {
			fprintf(stderr, "unclear message: %s\n", err);
			_exit(13);
		}
		report_close(db);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);

	/* the file holds the first scenario whole and nothing of the second */
	ck_assert_str_eq(query_text(db_file, "PRAGMA integrity_check"), "ok");
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM scenarios"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM failures"), 1);
	ck_assert_int_eq(query_int(db_file, "SELECT count(*) FROM trace_steps"), 10);
	report_close(open_or_fail(db_file));
}
END_TEST

/* ---- the example queries of the schema documentation ---- */

static const char latest_failure_per_scenario_sql[] =
	"SELECT name, run_id, invariant, hart, step, printf('0x%x', pc) AS pc, schedule, message\n"
	"FROM (SELECT s.name, s.run_id, f.*,\n"
	"             row_number() OVER (PARTITION BY s.name ORDER BY s.id DESC) AS newest\n"
	"      FROM failures f JOIN scenarios s ON s.id = f.scenario_id)\n"
	"WHERE newest = 1\n"
	"ORDER BY name;";

static const char invariants_failing_most_sql[] =
	"SELECT f.invariant, count(*) AS failures, count(DISTINCT s.name) AS scenarios\n"
	"FROM failures f JOIN scenarios s ON s.id = f.scenario_id\n"
	"GROUP BY f.invariant\n"
	"ORDER BY failures DESC, f.invariant;";

static const char verdict_changes_between_runs_sql[] =
	"SELECT coalesce(a.name, b.name) AS scenario, a.verdict AS old_verdict, b.verdict AS new_verdict\n"
	"FROM (SELECT name, verdict FROM scenarios WHERE run_id = :old) a\n"
	"FULL OUTER JOIN (SELECT name, verdict FROM scenarios WHERE run_id = :new) b\n"
	"  ON a.name = b.name\n"
	"WHERE a.verdict IS NOT b.verdict\n"
	"ORDER BY scenario;";

/* Run sql (binding :old and :new when present) and return its rows as "a|b|c;a|b|c;". */
static const char *rows_of(const char *sql, int64_t old_run, int64_t new_run)
{
	static char out[2048];
	sqlite3 *conn;
	sqlite3_stmt *stmt;
	size_t used = 0;
	int i, rc;

	out[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(db_file, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(conn, sql, -1, &stmt, NULL) == SQLITE_OK, "%s\n%s", sql,
		      sqlite3_errmsg(conn));
	if (sqlite3_bind_parameter_index(stmt, ":old"))
		sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":old"), old_run);
	if (sqlite3_bind_parameter_index(stmt, ":new"))
		sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":new"), new_run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(stmt); i++) {
			const unsigned char *t = sqlite3_column_text(stmt, i);

			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? "|" : "",
						 t ? (const char *)t : "NULL");
			ck_assert_uint_lt(used, sizeof(out));
		}
		used += (size_t)snprintf(out + used, sizeof(out) - used, ";");
		ck_assert_uint_lt(used, sizeof(out));
	}
	ck_assert_msg(rc == SQLITE_DONE, "%s", sqlite3_errmsg(conn));
	sqlite3_finalize(stmt);
	sqlite3_close(conn);
	return out;
}

static void add_named(struct report_db *db, int64_t run, const char *name, const char *invariant)
{
	struct scenario scn;
	struct scenario_result res;

	make_scenario(&scn, name, VERDICT_PASS, NULL);
	if (invariant)
		make_failing_result(&res, invariant, 2);
	else
		make_passing_result(&res);
	add_or_fail(db, run, &scn, &res);
	free_result(&res);
}

START_TEST(example_queries_answer_their_questions)
{
	struct report_db *db = open_or_fail(db_file);
	int64_t old_run, new_run;
	char expected[512];

	old_run = report_begin_run(db, "0.1.0", 0, NULL);
	add_named(db, old_run, "a", NULL);
	add_named(db, old_run, "b", "site_atomic");
	add_named(db, old_run, "c", "regs_entry");
	ck_assert_int_eq(report_end_run(db, old_run, 1, true), 0);
	new_run = report_begin_run(db, "0.1.0", 0, NULL);
	add_named(db, new_run, "a", "site_atomic");
	add_named(db, new_run, "b", "site_atomic");
	add_named(db, new_run, "c", NULL);
	add_named(db, new_run, "d", NULL);
	ck_assert_int_eq(report_end_run(db, new_run, 1, true), 0);
	report_close(db);

	snprintf(expected, sizeof(expected),
		 "a|%lld|site_atomic|1|147|0x400104|0*12 1*3 0*7 1|site_atomic failed on hart 1 at step 147;"
		 "b|%lld|site_atomic|1|147|0x400104|0*12 1*3 0*7 1|site_atomic failed on hart 1 at step 147;"
		 "c|%lld|regs_entry|1|147|0x400104|0*12 1*3 0*7 1|regs_entry failed on hart 1 at step 147;",
		 (long long)new_run, (long long)new_run, (long long)old_run);
	ck_assert_str_eq(rows_of(latest_failure_per_scenario_sql, 0, 0), expected);

	ck_assert_str_eq(rows_of(invariants_failing_most_sql, 0, 0),
			 "site_atomic|3|2;regs_entry|1|1;");

	ck_assert_str_eq(rows_of(verdict_changes_between_runs_sql, old_run, new_run),
			 "a|pass|fail;c|fail|pass;d|NULL|pass;");
	ck_assert_str_eq(rows_of(verdict_changes_between_runs_sql, new_run, new_run), "");
}
END_TEST

static Suite *reports_suite(void)
{
	Suite *s = suite_create("reports");
	TCase *stored = tcase_create("stored values");
	TCase *files = tcase_create("opening files");
	TCase *writers = tcase_create("concurrent writers");
	TCase *unfinished = tcase_create("unfinished runs");
	TCase *queries = tcase_create("example queries");
	TCase *all[] = { stored, files, writers, unfinished, queries };
	unsigned i;

	tcase_add_test(stored, stored_run_reads_back_with_every_value);
	tcase_add_test(stored, matched_and_minimal_follow_the_result);
	tcase_add_test(stored, failed_scenario_leaves_no_rows);
	tcase_add_test(files, reopened_file_keeps_its_rows);
	tcase_add_test(files, newer_schema_is_refused);
	tcase_add_test(files, version_1_file_is_migrated);
	tcase_add_test(files, version_2_file_is_migrated);
	tcase_add_test(files, version_3_file_is_migrated);
	tcase_add_test(files, version_4_file_is_migrated);
	tcase_add_test(files, views_summarize_the_runs);
	tcase_add_test(files, write_kinds_are_stored_and_read);
	tcase_add_test(files, version_5_file_is_migrated);
	tcase_add_test(files, interrupt_steps_are_stored_read_and_migrated);
	tcase_add_test(files, registers_are_stored);
	tcase_add_test(files, unknown_older_schema_is_refused);
	tcase_add_test(files, non_database_file_is_refused);
	tcase_add_test(files, foreign_sqlite_file_is_refused);
	tcase_add_test(files, unopenable_path_is_refused);
	tcase_add_test(files, connection_is_not_used_across_fork);
	tcase_add_test(writers, concurrent_writers_lose_nothing);
	tcase_add_test(unfinished, run_without_end_stays_incomplete);
	tcase_add_test(unfinished, killed_run_keeps_finished_scenarios_whole);
	tcase_add_test(unfinished, full_disk_fails_cleanly);
	tcase_add_test(queries, example_queries_answer_their_questions);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_add_checked_fixture(all[i], make_scratch_dir, remove_scratch_dir);
		tcase_set_timeout(all[i], 60);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

int main(void)
{
	return run_check_suite(reports_suite());
}
