/*
 * report_db.c - the writer of the report database: opening a file (WAL, busy timeout, schema),
 * recording runs, and storing each explored scenario with its failure and trace.
 *
 * Every write is one BEGIN IMMEDIATE transaction, so several processes can write to one file and
 * a scenario is stored whole or not at all; a run whose process dies keeps status 'incomplete'.
 * A connection belongs to the process that opened it: open the database after fork(), never
 * before. Errors come back as NULL or -1 with a message naming the file, never as a crash.
 */
#include "reports.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "report_db_conn.h"
#include "report_schema.h"

/* How long a writer waits for another process's transaction before giving up:
 * REPORT_BUSY_TIMEOUT_MS, or $PATCHCHECK_BUSY_TIMEOUT_MS (milliseconds, 0 to 3600000). */
#define REPORT_BUSY_TIMEOUT_MS 10000

static int busy_timeout_ms(void)
{
	const char *v = getenv("PATCHCHECK_BUSY_TIMEOUT_MS");
	char *end;
	long ms;

	if (!v || !*v)
		return REPORT_BUSY_TIMEOUT_MS;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > 3600000)
		return REPORT_BUSY_TIMEOUT_MS;
	return (int)ms;
}

struct report_db {
	sqlite3 *conn;
	char *path;
	pid_t opener; /* the process that opened conn: the only one that may use it */
	char last_error[1024];
	sqlite3_stmt *insert_run;
	sqlite3_stmt *complete_run;
	sqlite3_stmt *insert_scenario;
	sqlite3_stmt *insert_failure;
	sqlite3_stmt *insert_trace_step;
	sqlite3_stmt *insert_failure_register;
};

static const char insert_run_sql[] =
	"INSERT INTO runs (started_at, tool_version, host, options, status)"
	" VALUES (?, ?, ?, ?, 'incomplete')";

static const char complete_run_sql[] =
	"UPDATE runs SET status = CASE WHEN ?3 THEN 'complete' ELSE 'incomplete' END, exit_code = ?1"
	" WHERE id = ?2";

static const char insert_scenario_sql[] =
	"INSERT INTO scenarios (run_id, name, file, file_hash, arch, image_hash, expected, verdict,"
	" invariant, matched, executions, steps, schedule_points, preemption_bound, truncated,"
	" seconds, error, position, distinct_traces, search, coverage)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char insert_failure_sql[] =
	"INSERT INTO failures (scenario_id, invariant, message, hart, step, pc, expected_value,"
	" actual_value, schedule, preemptions, minimal)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char insert_trace_step_sql[] =
	"INSERT INTO trace_steps (failure_id, seq, step, hart, pc, bytes, disasm, version,"
	" patch_write, watched_fetch, registers, write_kind, interrupt)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char insert_failure_register_sql[] =
	"INSERT INTO failure_registers (failure_id, hart, reg, position, actual, expected)"
	" VALUES (?, ?, ?, ?, ?, ?)";

/* ---- messages ---- */

static void note_error(struct report_db *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_error(struct report_db *db, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(db->last_error, sizeof(db->last_error), "%s: ", db->path);
	if (n < 0 || (size_t)n >= sizeof(db->last_error))
		return;
	va_start(ap, fmt);
	vsnprintf(db->last_error + n, sizeof(db->last_error) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* "PATH: DOING: sqlite's message", taken before anything else can overwrite sqlite's message. */
static void note_sqlite_error(struct report_db *db, const char *doing)
{
	note_error(db, "%s: %s", doing, sqlite3_errmsg(db->conn));
}

static void copy_error(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* A connection carried across fork() must not be touched by the child. */
static int database_is_usable(struct report_db *db)
{
	if (!db->conn) {
		note_error(db, "the report database is not open");
		return 0;
	}
	if (getpid() != db->opener) {
		note_error(db, "report database opened by process %ld cannot be used by process %ld"
			   " (open it after fork)", (long)db->opener, (long)getpid());
		return 0;
	}
	return 1;
}

sqlite3 *report_db_connection(struct report_db *db)
{
	return database_is_usable(db) ? db->conn : NULL;
}

void report_db_note_sqlite_error(struct report_db *db, const char *doing)
{
	note_sqlite_error(db, doing);
}

/* ---- transactions ---- */

static int begin_write(struct report_db *db, const char *doing)
{
	if (sqlite3_exec(db->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		note_sqlite_error(db, doing);
		return -1;
	}
	return 0;
}

/* Roll back whatever is still open; sqlite may already have done so after an I/O error. */
static void abandon_write(struct report_db *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int commit_write(struct report_db *db, const char *doing)
{
	if (sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		note_sqlite_error(db, doing);
		abandon_write(db);
		return -1;
	}
	return 0;
}

/* Step an INSERT/UPDATE once and make it reusable; 0 when it ran to completion. */
static int execute_statement(struct report_db *db, sqlite3_stmt *stmt, const char *doing)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE)
		note_sqlite_error(db, doing);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- binding values ---- */

/* Bind a fixed-size char array, never reading past its end even without a terminator. */
static void bind_text_field(sqlite3_stmt *stmt, int idx, const char *field, size_t size)
{
	sqlite3_bind_text(stmt, idx, field, (int)strnlen(field, size), SQLITE_STATIC);
}

/* As bind_text_field, but an empty field is stored as NULL. */
static void bind_text_field_or_null(sqlite3_stmt *stmt, int idx, const char *field, size_t size)
{
	if (field && size && field[0])
		bind_text_field(stmt, idx, field, size);
	else
		sqlite3_bind_null(stmt, idx);
}

static void bind_unsigned(sqlite3_stmt *stmt, int idx, uint64_t value)
{
	sqlite3_bind_int64(stmt, idx, (sqlite3_int64)value); /* addresses keep their bit pattern */
}

#define BIND_FIELD(stmt, idx, array) bind_text_field(stmt, idx, array, sizeof(array))
#define BIND_FIELD_OR_NULL(stmt, idx, array) \
	bind_text_field_or_null(stmt, idx, array, sizeof(array))

/* ---- opening and closing ---- */

static void finalize_statements(struct report_db *db)
{
	sqlite3_finalize(db->insert_run);
	sqlite3_finalize(db->complete_run);
	sqlite3_finalize(db->insert_scenario);
	sqlite3_finalize(db->insert_failure);
	sqlite3_finalize(db->insert_trace_step);
	sqlite3_finalize(db->insert_failure_register);
	db->insert_run = db->complete_run = db->insert_scenario = NULL;
	db->insert_failure = db->insert_trace_step = db->insert_failure_register = NULL;
}

static int prepare_statements(struct report_db *db)
{
	if (sqlite3_prepare_v2(db->conn, insert_run_sql, -1, &db->insert_run, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, complete_run_sql, -1, &db->complete_run, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, insert_scenario_sql, -1, &db->insert_scenario, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, insert_failure_sql, -1, &db->insert_failure, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, insert_trace_step_sql, -1, &db->insert_trace_step, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, insert_failure_register_sql, -1,
			       &db->insert_failure_register, NULL) != SQLITE_OK) {
		note_sqlite_error(db, "cannot prepare the report statements");
		return -1;
	}
	return 0;
}

/* Run a journal_mode pragma; its result (the mode now in force) goes to mode. An sqlite code. */
static int run_journal_mode_pragma(struct report_db *db, const char *sql, char *mode, size_t size)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db->conn, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);

		snprintf(mode, size, "%s", text ? (const char *)text : "");
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int journal_mode_is_usable(const char *mode)
{
	return !strcmp(mode, "wal") || !strcmp(mode, "memory"); /* "memory": an in-memory database */
}

static long milliseconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/*
 * The journal mode is stored in the file, so only the first open of a new file switches it to
 * WAL. That switch needs the file to itself, and SQLite does not run the busy handler for it:
 * a process racing others to create the same file retries here instead, within the same budget
 * as the busy timeout. Once the file is in WAL mode no lock is taken at all.
 */
static int use_write_ahead_log(struct report_db *db)
{
	struct timespec start;
	unsigned pause_ms = 1;
	char mode[16];

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int rc = run_journal_mode_pragma(db, "PRAGMA journal_mode", mode, sizeof(mode));

		if (rc == SQLITE_OK && journal_mode_is_usable(mode))
			return 0;
		if (rc == SQLITE_OK)
			rc = run_journal_mode_pragma(db, "PRAGMA journal_mode = WAL", mode, sizeof(mode));
		if (rc == SQLITE_OK) {
			if (journal_mode_is_usable(mode))
				return 0;
			note_error(db, "cannot switch the report database to WAL mode (it stays in %s mode)",
				   mode);
			return -1;
		}
		if ((rc & 0xff) != SQLITE_BUSY || milliseconds_since(&start) >= busy_timeout_ms()) {
			note_sqlite_error(db, "cannot open the report database");
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = pause_ms * 1000000L }, NULL);
		if (pause_ms < 64)
			pause_ms *= 2;
	}
}

static int configure_connection(struct report_db *db)
{
	sqlite3_busy_timeout(db->conn, busy_timeout_ms());
	sqlite3_extended_result_codes(db->conn, 1);
	if (use_write_ahead_log(db))
		return -1;
	if (sqlite3_exec(db->conn, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", NULL,
			 NULL, NULL) != SQLITE_OK) {
		note_sqlite_error(db, "cannot configure the report database");
		return -1;
	}
	return 0;
}

static void release(struct report_db *db)
{
	finalize_statements(db);
	sqlite3_close(db->conn);
	free(db->path);
	free(db);
}

struct report_db *report_open(const char *path, char *err, size_t errlen)
{
	struct report_db *db;
	int rc;

	if (!path || !*path) {
		copy_error(err, errlen, "report database: no file name given");
		return NULL;
	}
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open the report database: out of memory", path);
		return NULL;
	}
	db->opener = getpid();

	rc = sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		note_error(db, "cannot open the report database: %s",
			   db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		goto fail;
	}
	if (configure_connection(db))
		goto fail;
	if (report_schema_prepare(db->conn, path, db->last_error, sizeof(db->last_error)))
		goto fail;
	if (prepare_statements(db))
		goto fail;
	db->last_error[0] = '\0';
	return db;

fail:
	copy_error(err, errlen, db->last_error);
	release(db);
	return NULL;
}

void report_close(struct report_db *db)
{
	if (!db)
		return;
	if (getpid() != db->opener) {
		/* Inherited across fork(): closing it here could disturb the parent's locks and WAL.
		 * Leave the connection to its owner and free only our own memory. */
		free(db->path);
		free(db);
		return;
	}
	release(db);
}

const char *report_db_path(const struct report_db *db)
{
	return db->path;
}

const char *report_last_error(const struct report_db *db)
{
	return db ? db->last_error : "report database: not open";
}

/* ---- runs ---- */

static void format_utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "unknown");
}

static void format_host(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(buf, size, "%s/%s", u.nodename, u.machine);
	else
		snprintf(buf, size, "unknown");
}

/* An argument needs quoting unless it is made only of characters a shell leaves alone. */
static int argument_needs_quotes(const char *arg)
{
	if (!*arg)
		return 1;
	for (; *arg; arg++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%^", *arg))
			return 1;
	return 0;
}

static void append_shell_quoted(sqlite3_str *out, const char *arg)
{
	if (!argument_needs_quotes(arg)) {
		sqlite3_str_appendall(out, arg);
		return;
	}
	sqlite3_str_appendchar(out, 1, '\'');
	for (; *arg; arg++) {
		if (*arg == '\'')
			sqlite3_str_appendall(out, "'\\''");
		else
			sqlite3_str_appendchar(out, 1, *arg);
	}
	sqlite3_str_appendchar(out, 1, '\'');
}

/* argv joined by spaces, quoted where a shell would need it; sqlite3_free() the result. */
static char *join_command_line(sqlite3 *conn, int argc, char **argv)
{
	sqlite3_str *out = sqlite3_str_new(conn);
	int i;

	for (i = 0; argv && i < argc; i++) {
		if (!argv[i])
			continue;
		if (sqlite3_str_length(out))
			sqlite3_str_appendchar(out, 1, ' ');
		append_shell_quoted(out, argv[i]);
	}
	return sqlite3_str_finish(out); /* NULL when empty (or out of memory): stored as "" */
}

int64_t report_begin_run(struct report_db *db, const char *tool_version, int argc, char **argv)
{
	static const char doing[] = "cannot record the run";
	char started_at[32], host[2 * sizeof(((struct utsname *)0)->nodename) + 2];
	char *options;
	int64_t run_id = -1;

	if (!db || !database_is_usable(db))
		return -1;
	format_utc_now(started_at, sizeof(started_at));
	format_host(host, sizeof(host));
	options = join_command_line(db->conn, argc, argv);

	if (begin_write(db, doing))
		goto out;
	sqlite3_bind_text(db->insert_run, 1, started_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->insert_run, 2, tool_version ? tool_version : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(db->insert_run, 3, host, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->insert_run, 4, options ? options : "", -1, SQLITE_STATIC);
	if (execute_statement(db, db->insert_run, doing)) {
		abandon_write(db);
		goto out;
	}
	run_id = sqlite3_last_insert_rowid(db->conn);
	if (commit_write(db, doing))
		run_id = -1;
out:
	sqlite3_free(options);
	return run_id;
}

int report_end_run(struct report_db *db, int64_t run_id, int exit_code, bool complete)
{
	static const char doing[] = "cannot record the end of the run";

	if (!db || !database_is_usable(db))
		return -1;
	if (begin_write(db, doing))
		return -1;
	sqlite3_bind_int(db->complete_run, 1, exit_code);
	sqlite3_bind_int64(db->complete_run, 2, run_id);
	sqlite3_bind_int(db->complete_run, 3, complete ? 1 : 0);
	if (execute_statement(db, db->complete_run, doing)) {
		abandon_write(db);
		return -1;
	}
	if (sqlite3_changes(db->conn) != 1) {
		note_error(db, "%s: there is no run %lld", doing, (long long)run_id);
		abandon_write(db);
		return -1;
	}
	return commit_write(db, doing);
}

/* ---- scenarios ---- */

static const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_ERROR:
		return "error";
	case VERDICT_INCONCLUSIVE:
		return "inconclusive";
	}
	return NULL;
}

/* 'pass', 'fail', 'fail:<invariant>' or 'error'. */
static void format_expectation(const struct scenario *scn, char *buf, size_t size)
{
	const char *name = verdict_name(scn->expect);
	int inv_len = (int)strnlen(scn->expect_invariant, sizeof(scn->expect_invariant));

	if (scn->expect == VERDICT_FAIL && inv_len)
		snprintf(buf, size, "fail:%.*s", inv_len, scn->expect_invariant);
	else
		snprintf(buf, size, "%s", name ? name : "unknown");
}

/*
 * The rule of the explorer's scenario_result_matches(), which this library cannot call: an error
 * never matches, an expected pass needs a pass, an expected failure needs a failure of the
 * expected invariant.
 */
static int result_matches_expectation(const struct scenario *scn,
				      const struct scenario_result *res)
{
	if (res->verdict == VERDICT_ERROR)
		return 0;
	if (scn->expect == VERDICT_PASS)
		return res->verdict == VERDICT_PASS;
	return res->verdict == VERDICT_FAIL && res->failure &&
	       !strncmp(res->failure->invariant, scn->expect_invariant, sizeof(scn->expect_invariant));
}

/* Room for the scenarios.coverage value: every kind, then every site form with its count. */
#define COVERAGE_TEXT_MAX (COVER_KINDS * 40 + RUN_MAX_SITE_FORMS * (SITE_FORM_NAME_MAX + 32))

/* The scenarios.coverage value of a result: "call=9 callback=9 redirect=0 ...", then each
 * site form some execution ran, "form:traced_add3:d503201f.94000010=9". */
static void coverage_text(const struct scenario_result *res, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < COVER_KINDS && used < size; k++) {
		int n = snprintf(buf + used, size - used, "%s%s=%lu", k ? " " : "", coverage_name(k),
				 res->stats.covered[k]);

		used += n > 0 ? (size_t)n : 0;
	}
	for (unsigned i = 0; i < res->stats.nforms && i < RUN_MAX_SITE_FORMS && used < size; i++) {
		const struct site_form_count *fc = &res->stats.forms[i];
		int n;

		if (!fc->executions)
			continue;
		n = snprintf(buf + used, size - used, " form:%.*s=%lu", SITE_FORM_NAME_MAX - 1,
			     fc->form, fc->executions);
		used += n > 0 ? (size_t)n : 0;
	}
}

static int store_scenario_row(struct report_db *db, int64_t run_id, int64_t position,
			      const struct scenario *scn, const char *file_hash,
			      const struct scenario_result *res, const char *doing)
{
	sqlite3_stmt *s = db->insert_scenario;
	char expected[sizeof(scn->expect_invariant) + 8];

	format_expectation(scn, expected, sizeof(expected));
	sqlite3_bind_int64(s, 1, run_id);
	BIND_FIELD(s, 2, scn->name);
	BIND_FIELD(s, 3, scn->path);
	if (file_hash)
		sqlite3_bind_text(s, 4, file_hash, -1, SQLITE_STATIC);
	BIND_FIELD(s, 5, scn->arch);
	BIND_FIELD_OR_NULL(s, 6, res->image_hash);
	sqlite3_bind_text(s, 7, expected, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, verdict_name(res->verdict), -1, SQLITE_STATIC);
	if (res->failure)
		BIND_FIELD(s, 9, res->failure->invariant);
	sqlite3_bind_int(s, 10, result_matches_expectation(scn, res));
	bind_unsigned(s, 11, res->stats.executions);
	bind_unsigned(s, 12, res->stats.steps);
	bind_unsigned(s, 13, res->stats.schedule_points);
	bind_unsigned(s, 14, res->stats.bound_reached);
	sqlite3_bind_int(s, 15, res->stats.truncated ? 1 : 0);
	sqlite3_bind_double(s, 16, res->stats.seconds);
	if (res->verdict == VERDICT_ERROR)
		BIND_FIELD_OR_NULL(s, 17, res->error);
	sqlite3_bind_int64(s, 18, position);
	if (res->verdict != VERDICT_ERROR) {
		char coverage[COVERAGE_TEXT_MAX];

		bind_unsigned(s, 19, res->stats.distinct_traces);
		sqlite3_bind_text(s, 20, scenario_result_search(res), -1, SQLITE_STATIC);
		coverage_text(res, coverage, sizeof(coverage));
		sqlite3_bind_text(s, 21, coverage, -1, SQLITE_TRANSIENT);
	}
	return execute_statement(db, s, doing);
}

/*
 * A failure is minimal when every schedule with fewer preemptions was explored and passed. The
 * search deepens its preemption bound one at a time and stops at the first failure, so that holds
 * when the failure's preemptions are within the bound it reached; a replayed schedule (bound 0)
 * is minimal only without preemptions.
 */
static int store_failure_row(struct report_db *db, int64_t scenario_id,
			     const struct scenario_result *res, const char *doing)
{
	const struct failure *f = res->failure;
	sqlite3_stmt *s = db->insert_failure;

	sqlite3_bind_int64(s, 1, scenario_id);
	BIND_FIELD(s, 2, f->invariant);
	BIND_FIELD(s, 3, f->message);
	sqlite3_bind_int64(s, 4, f->hart);
	bind_unsigned(s, 5, f->step);
	bind_unsigned(s, 6, f->pc);
	BIND_FIELD(s, 7, f->expected);
	BIND_FIELD(s, 8, f->actual);
	BIND_FIELD(s, 9, f->schedule);
	sqlite3_bind_int64(s, 10, f->preemptions);
	sqlite3_bind_int(s, 11, f->preemptions <= res->stats.bound_reached);
	return execute_statement(db, s, doing);
}

static void format_bytes_as_hex(const struct trace_step *t, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	unsigned i, len = t->len < sizeof(t->bytes) ? t->len : sizeof(t->bytes);

	for (i = 0; i < len && 2 * i + 2 < size; i++) {
		buf[2 * i] = digits[t->bytes[i] >> 4];
		buf[2 * i + 1] = digits[t->bytes[i] & 15];
	}
	buf[2 * i] = '\0';
}

static int store_trace_rows(struct report_db *db, int64_t failure_id, const struct failure *f,
			    report_disasm_fn disasm, void *disasm_ud, const char *doing)
{
	sqlite3_stmt *s = db->insert_trace_step;
	size_t seq;

	if (f->ntrace && !f->trace) {
		note_error(db, "%s: the failure has %zu trace steps but no trace", doing, f->ntrace);
		return -1;
	}
	for (seq = 0; seq < f->ntrace; seq++) {
		const struct trace_step *t = &f->trace[seq];
		unsigned len = t->len < sizeof(t->bytes) ? t->len : sizeof(t->bytes);
		char hex[2 * sizeof(t->bytes) + 1];
		const char *text = disasm ? disasm(disasm_ud, t->pc, t->bytes, len) : NULL;

		format_bytes_as_hex(t, hex, sizeof(hex));
		sqlite3_bind_int64(s, 1, failure_id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
		sqlite3_bind_int64(s, 3, t->step);
		sqlite3_bind_int(s, 4, t->hart);
		bind_unsigned(s, 5, t->pc);
		sqlite3_bind_text(s, 6, hex, -1, SQLITE_TRANSIENT);
		if (text)
			sqlite3_bind_text(s, 7, text, -1, SQLITE_TRANSIENT);
		if (t->watched_fetch)
			sqlite3_bind_int64(s, 8, t->version);
		sqlite3_bind_int(s, 9, t->patch_write ? 1 : 0);
		sqlite3_bind_int(s, 10, t->watched_fetch ? 1 : 0);
		if (t->delta && f->deltas && t->delta < f->deltas_len)
			sqlite3_bind_text(s, 11, f->deltas + t->delta, -1, SQLITE_STATIC);
		if (report_write_kind_name(t->write_kind))
			sqlite3_bind_text(s, 12, report_write_kind_name(t->write_kind), -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 13, t->interrupt ? 1 : 0);
		if (execute_statement(db, s, doing))
			return -1;
	}
	return 0;
}

static int store_register_rows(struct report_db *db, int64_t failure_id, const struct failure *f,
			       const char *doing)
{
	sqlite3_stmt *s = db->insert_failure_register;

	for (unsigned h = 0; f->regs && h < f->nharts; h++) {
		const struct failure_regs *r = &f->regs[h];

		for (unsigned i = 0; i < f->nregs && i < FAILURE_MAX_REGS; i++) {
			sqlite3_bind_int64(s, 1, failure_id);
			sqlite3_bind_int(s, 2, (int)r->hart);
			sqlite3_bind_text(s, 3, f->reg_names[i], -1, SQLITE_STATIC);
			sqlite3_bind_int(s, 4, (int)i);
			bind_unsigned(s, 5, r->actual[i]);
			if (r->has_expected)
				bind_unsigned(s, 6, r->expected[i]);
			if (execute_statement(db, s, doing))
				return -1;
		}
	}
	return 0;
}

static int64_t store_scenario_in_transaction(struct report_db *db, int64_t run_id,
					     int64_t position, const struct scenario *scn, const char *file_hash,
					     const struct scenario_result *res,
					     report_disasm_fn disasm, void *disasm_ud,
					     const char *doing)
{
	int64_t scenario_id, failure_id;

	if (store_scenario_row(db, run_id, position, scn, file_hash, res, doing))
		return -1;
	scenario_id = sqlite3_last_insert_rowid(db->conn);
	if (!res->failure)
		return scenario_id;
	if (store_failure_row(db, scenario_id, res, doing))
		return -1;
	failure_id = sqlite3_last_insert_rowid(db->conn);
	if (store_trace_rows(db, failure_id, res->failure, disasm, disasm_ud, doing) ||
	    store_register_rows(db, failure_id, res->failure, doing))
		return -1;
	return scenario_id;
}

int64_t report_add_scenario(struct report_db *db, int64_t run_id, int64_t position,
			    const struct scenario *scn,
			    const char *scenario_file_hash, const struct scenario_result *res,
			    report_disasm_fn disasm, void *disasm_ud, char *err, size_t errlen)
{
	char doing[sizeof(scn->name) + 40];
	int64_t scenario_id;

	if (!db) {
		copy_error(err, errlen, "report database: not open");
		return -1;
	}
	if (!scn || !res) {
		note_error(db, "cannot store a scenario: no %s given", scn ? "result" : "scenario");
		goto fail;
	}
	snprintf(doing, sizeof(doing), "cannot store scenario '%.*s'",
		 (int)strnlen(scn->name, sizeof(scn->name)), scn->name);
	if (!verdict_name(res->verdict)) {
		note_error(db, "%s: unknown verdict %d", doing, (int)res->verdict);
		goto fail;
	}
	if (!database_is_usable(db) || begin_write(db, doing))
		goto fail;
	scenario_id = store_scenario_in_transaction(db, run_id, position, scn, scenario_file_hash,
						    res, disasm, disasm_ud, doing);
	if (scenario_id < 0) {
		abandon_write(db);
		goto fail;
	}
	if (commit_write(db, doing))
		goto fail;
	return scenario_id;

fail:
	copy_error(err, errlen, db->last_error);
	return -1;
}
