/*
 * report_read.c - reading a report database back: its runs with their counts, a run's
 * scenarios, and a failure with its per-step trace, the lanes (harts) of that trace and the
 * position of the failing step in it.
 *
 * The file is opened read-only and never created, migrated or written, so reading a report is
 * safe while patchcheck processes write to it (WAL readers do not block writers). Errors come
 * back as NULL or -1 with a message naming the file.
 */
#include "reports.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

/* How long a reader waits when a writer holds the file exclusively (WAL switch, checkpoint). */
#define REPORT_READ_BUSY_TIMEOUT_MS 10000

struct report_reader {
	sqlite3 *conn;
	char *path;
	int64_t version;      /* the file's schema version */
	char last_error[1024];
};

static const char runs_sql[] =
	"SELECT r.id, r.started_at, r.tool_version, r.host, r.options, r.status, r.exit_code,"
	" (SELECT count(*) FROM scenarios s WHERE s.run_id = r.id),"
	" (SELECT count(*) FROM scenarios s WHERE s.run_id = r.id AND s.matched = 1),"
	" (SELECT count(*) FROM failures f JOIN scenarios s ON s.id = f.scenario_id"
	"  WHERE s.run_id = r.id)"
	" FROM runs r";

static const char scenario_columns_sql[] =
	"s.id, s.run_id, s.name, s.file, s.file_hash, s.arch, s.image_hash, s.expected, s.verdict,"
	" s.invariant, s.error, s.matched, s.truncated, s.executions, s.steps, s.schedule_points,"
	" s.preemption_bound, s.seconds,"
	" (SELECT max(f.id) FROM failures f WHERE f.scenario_id = s.id), "; /* + traces_columns */
#define SCENARIO_COLUMNS 22

/* The last three scenario columns: the file's, or NULL in a file from before the version that
 * added them (distinct_traces and search: 4; coverage: 6). */
static const char *traces_columns(const struct report_reader *reader)
{
	if (reader->version >= 6)
		return "s.distinct_traces, s.search, s.coverage";
	return reader->version >= 4 ? "s.distinct_traces, s.search, NULL" : "NULL, NULL, NULL";
}

static const char failure_columns_sql[] =
	"f.id, f.invariant, f.message, f.expected_value, f.actual_value, f.schedule, f.hart, f.step,"
	" f.pc, f.preemptions, f.minimal";

static const char trace_sql[] =
	"SELECT step, hart, pc, bytes, disasm, version, patch_write, watched_fetch, registers, %s,"
	" %s FROM trace_steps WHERE failure_id = ? ORDER BY seq";

static const char registers_sql[] =
	"SELECT hart, reg, actual, expected FROM failure_registers WHERE failure_id = ?"
	" ORDER BY hart, position";

/* ---- messages ---- */

static void note_error(struct report_reader *reader, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_error(struct report_reader *reader, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(reader->last_error, sizeof(reader->last_error), "%s: ", reader->path);
	if (n < 0 || (size_t)n >= sizeof(reader->last_error))
		return;
	va_start(ap, fmt);
	vsnprintf(reader->last_error + n, sizeof(reader->last_error) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void note_sqlite_error(struct report_reader *reader, const char *doing)
{
	note_error(reader, "%s: %s", doing, sqlite3_errmsg(reader->conn));
}

const char *report_reader_last_error(const struct report_reader *reader)
{
	return reader ? reader->last_error : "report database: not open";
}

/* ---- opening ---- */

static int query_schema_version(struct report_reader *reader, int64_t *version)
{
	static const char doing[] = "cannot read the report schema";
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(reader->conn,
			       "SELECT count(*) FROM sqlite_master"
			       " WHERE type = 'table' AND name = 'schema_version'",
			       -1, &stmt, NULL) != SQLITE_OK) {
		note_sqlite_error(reader, doing);
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == 0) {
		sqlite3_finalize(stmt);
		note_error(reader, "not a patchcheck report database (no schema_version table)");
		return -1;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW) {
		note_sqlite_error(reader, doing);
		return -1;
	}
	if (sqlite3_prepare_v2(reader->conn, "SELECT max(version) FROM schema_version", -1, &stmt,
			       NULL) != SQLITE_OK) {
		note_sqlite_error(reader, doing);
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW || sqlite3_column_type(stmt, 0) != SQLITE_INTEGER) {
		sqlite3_finalize(stmt);
		note_error(reader, "the report schema version is missing");
		return -1;
	}
	*version = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

static int check_schema_version(struct report_reader *reader)
{
	int64_t version;

	if (query_schema_version(reader, &version))
		return -1;
	reader->version = version;
	if (version > REPORT_SCHEMA_VERSION) {
		note_error(reader, "report schema version %lld is newer than this patchcheck (%d)",
			   (long long)version, REPORT_SCHEMA_VERSION);
		return -1;
	}
	if (version < REPORT_SCHEMA_READABLE_SINCE) {
		note_error(reader, "report schema version %lld is older than this patchcheck's (%d):"
			   " 'patchcheck run --db' on it migrates it", (long long)version,
			   REPORT_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

void report_reader_close(struct report_reader *reader)
{
	if (!reader)
		return;
	sqlite3_close(reader->conn);
	free(reader->path);
	free(reader);
}

struct report_reader *report_reader_open(const char *path, char *err, size_t errlen)
{
	struct report_reader *reader;
	struct stat st;

	if (!path || !*path) {
		snprintf(err, errlen, "report database: no file name given");
		return NULL;
	}
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: no such report database", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a report database (not a regular file)", path);
		return NULL;
	}
	reader = calloc(1, sizeof(*reader));
	if (!reader || !(reader->path = strdup(path))) {
		free(reader);
		snprintf(err, errlen, "%s: cannot open the report database: out of memory", path);
		return NULL;
	}
	if (sqlite3_open_v2(path, &reader->conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		note_error(reader, "cannot open the report database: %s",
			   reader->conn ? sqlite3_errmsg(reader->conn) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(reader->conn, REPORT_READ_BUSY_TIMEOUT_MS);
	if (check_schema_version(reader))
		goto fail;
	return reader;

fail:
	snprintf(err, errlen, "%s", reader->last_error);
	report_reader_close(reader);
	return NULL;
}

/* ---- columns ---- */

/* A copy of a text column; NULL for SQL NULL (and when out of memory). */
static char *copy_text_or_null(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return text ? strdup((const char *)text) : NULL;
}

/* A copy of a text column, "" for SQL NULL, so the renderers never meet NULL where a value is
 * always stored. */
static char *copy_text(sqlite3_stmt *stmt, int col)
{
	char *text = copy_text_or_null(stmt, col);

	return text ? text : strdup("");
}

static uint64_t column_unsigned(sqlite3_stmt *stmt, int col)
{
	return (uint64_t)sqlite3_column_int64(stmt, col); /* addresses keep their bit pattern */
}

/* Prepare sql, bind id to its only parameter (when it has one). */
static sqlite3_stmt *prepare_with_id(struct report_reader *reader, const char *sql, int64_t id,
				     const char *doing)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(reader->conn, sql, -1, &stmt, NULL) != SQLITE_OK) {
		note_sqlite_error(reader, doing);
		return NULL;
	}
	if (sqlite3_bind_parameter_count(stmt) > 0)
		sqlite3_bind_int64(stmt, 1, id);
	return stmt;
}

/* ---- runs ---- */

void stored_run_release(struct stored_run *run)
{
	if (!run)
		return;
	free(run->started_at);
	free(run->tool_version);
	free(run->host);
	free(run->options);
	free(run->status);
	memset(run, 0, sizeof(*run));
}

void stored_runs_free(struct stored_run *runs, size_t nruns)
{
	for (size_t i = 0; runs && i < nruns; i++)
		stored_run_release(&runs[i]);
	free(runs);
}

static void read_run_row(sqlite3_stmt *stmt, void *row)
{
	struct stored_run *run = row;

	run->id = sqlite3_column_int64(stmt, 0);
	run->started_at = copy_text(stmt, 1);
	run->tool_version = copy_text(stmt, 2);
	run->host = copy_text(stmt, 3);
	run->options = copy_text(stmt, 4);
	run->status = copy_text(stmt, 5);
	run->has_exit_code = sqlite3_column_type(stmt, 6) != SQLITE_NULL;
	run->exit_code = sqlite3_column_int(stmt, 6);
	run->scenarios = (unsigned long)sqlite3_column_int64(stmt, 7);
	run->matched = (unsigned long)sqlite3_column_int64(stmt, 8);
	run->failures = (unsigned long)sqlite3_column_int64(stmt, 9);
}

/*
 * Step a query to its end, growing *rows (each elem_size bytes) by one zeroed row per result
 * and handing each to read_row. 0, or -1 with everything read so far released by release_rows.
 */
static int read_all_rows(struct report_reader *reader, sqlite3_stmt *stmt, size_t elem_size,
			 void **rows, size_t *nrows, void (*read_row)(sqlite3_stmt *, void *),
			 const char *doing)
{
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*nrows = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*nrows == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			void *grown = realloc(*rows, ncap * elem_size);

			if (!grown) {
				note_error(reader, "%s: out of memory", doing);
				return -1;
			}
			*rows = grown;
			cap = ncap;
		}
		memset((char *)*rows + *nrows * elem_size, 0, elem_size);
		read_row(stmt, (char *)*rows + *nrows * elem_size);
		(*nrows)++;
	}
	if (rc != SQLITE_DONE) {
		note_sqlite_error(reader, doing);
		return -1;
	}
	return 0;
}

int report_read_runs(struct report_reader *reader, struct stored_run **runs, size_t *nruns)
{
	static const char doing[] = "cannot read the runs";
	char sql[sizeof(runs_sql) + 32];
	sqlite3_stmt *stmt;
	void *rows;
	int rc;

	snprintf(sql, sizeof(sql), "%s ORDER BY r.id", runs_sql);
	stmt = prepare_with_id(reader, sql, 0, doing);
	if (!stmt)
		return -1;
	rc = read_all_rows(reader, stmt, sizeof(**runs), &rows, nruns, read_run_row, doing);
	sqlite3_finalize(stmt);
	*runs = rows;
	if (rc) {
		stored_runs_free(*runs, *nruns);
		*runs = NULL;
		*nruns = 0;
	}
	return rc;
}

int report_read_run(struct report_reader *reader, int64_t run_id, struct stored_run *run)
{
	static const char doing[] = "cannot read the run";
	char sql[sizeof(runs_sql) + 32];
	sqlite3_stmt *stmt;
	int rc;

	memset(run, 0, sizeof(*run));
	snprintf(sql, sizeof(sql), "%s WHERE r.id = ?", runs_sql);
	stmt = prepare_with_id(reader, sql, run_id, doing);
	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_run_row(stmt, run);
	else if (rc == SQLITE_DONE)
		note_error(reader, "there is no run %lld", (long long)run_id);
	else
		note_sqlite_error(reader, doing);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

int64_t report_read_latest_run_id(struct report_reader *reader)
{
	sqlite3_stmt *stmt = prepare_with_id(reader, "SELECT coalesce(max(id), 0) FROM runs", 0,
					     "cannot read the runs");
	int64_t id = -1;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	else
		note_sqlite_error(reader, "cannot read the runs");
	sqlite3_finalize(stmt);
	return id;
}

/* ---- scenarios ---- */

static void release_scenario(struct stored_scenario *s)
{
	free(s->name);
	free(s->file);
	free(s->file_hash);
	free(s->arch);
	free(s->image_hash);
	free(s->expected);
	free(s->verdict);
	free(s->invariant);
	free(s->error);
	free(s->search);
	free(s->coverage);
	memset(s, 0, sizeof(*s));
}

void stored_scenarios_free(struct stored_scenario *scenarios, size_t nscenarios)
{
	for (size_t i = 0; scenarios && i < nscenarios; i++)
		release_scenario(&scenarios[i]);
	free(scenarios);
}

/* The SCENARIO_COLUMNS columns of scenario_columns_sql, starting at column first. */
static void read_scenario_columns(sqlite3_stmt *stmt, int first, struct stored_scenario *s)
{
	s->id = sqlite3_column_int64(stmt, first + 0);
	s->run_id = sqlite3_column_int64(stmt, first + 1);
	s->name = copy_text(stmt, first + 2);
	s->file = copy_text(stmt, first + 3);
	s->file_hash = copy_text(stmt, first + 4);
	s->arch = copy_text(stmt, first + 5);
	s->image_hash = copy_text(stmt, first + 6);
	s->expected = copy_text(stmt, first + 7);
	s->verdict = copy_text(stmt, first + 8);
	s->invariant = copy_text_or_null(stmt, first + 9);
	s->error = copy_text_or_null(stmt, first + 10);
	s->matched = sqlite3_column_int(stmt, first + 11) != 0;
	s->truncated = sqlite3_column_int(stmt, first + 12) != 0;
	s->executions = column_unsigned(stmt, first + 13);
	s->steps = column_unsigned(stmt, first + 14);
	s->schedule_points = column_unsigned(stmt, first + 15);
	s->preemption_bound = (unsigned)sqlite3_column_int64(stmt, first + 16);
	s->seconds = sqlite3_column_double(stmt, first + 17);
	s->failure_id = sqlite3_column_int64(stmt, first + 18); /* NULL reads as 0 */
	s->distinct_traces = column_unsigned(stmt, first + 19); /* NULL (before version 4): 0 */
	s->search = copy_text_or_null(stmt, first + 20);
	s->coverage = copy_text_or_null(stmt, first + 21);
}

static void read_scenario_row_into(sqlite3_stmt *stmt, void *row)
{
	read_scenario_columns(stmt, 0, row);
}

/* The scenario rows "SELECT ... FROM scenarios s <rest>" selects, rest binding ?1 to id, or to
 * name when name is not NULL. */
static int read_scenario_rows(struct report_reader *reader, const char *rest, int64_t id,
			      const char *name, const char *doing,
			      struct stored_scenario **scenarios, size_t *nscenarios)
{
	char sql[sizeof(scenario_columns_sql) + 160];
	sqlite3_stmt *stmt;
	void *rows;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s%s FROM scenarios s %s", scenario_columns_sql,
		 traces_columns(reader), rest);
	stmt = prepare_with_id(reader, sql, id, doing);
	if (!stmt)
		return -1;
	if (name)
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	rc = read_all_rows(reader, stmt, sizeof(**scenarios), &rows, nscenarios,
			   read_scenario_row_into, doing);
	sqlite3_finalize(stmt);
	*scenarios = rows;
	if (!rc && name && !*nscenarios) {
		note_error(reader, "no scenario named '%s' was stored", name);
		rc = -1;
	}
	if (rc) {
		stored_scenarios_free(*scenarios, *nscenarios);
		*scenarios = NULL;
		*nscenarios = 0;
	}
	return rc;
}

int report_read_scenarios_of_run(struct report_reader *reader, int64_t run_id,
				 struct stored_scenario **scenarios, size_t *nscenarios)
{
	return read_scenario_rows(reader, "WHERE s.run_id = ? ORDER BY s.id", run_id, NULL,
				  "cannot read the scenarios", scenarios, nscenarios);
}

/* Every stored row of the scenario named name (of every scenario when name is NULL), oldest
 * run first. */
int report_read_history(struct report_reader *reader, const char *name,
			struct stored_scenario **scenarios, size_t *nscenarios)
{
	return read_scenario_rows(reader,
				  name ? "WHERE s.name = ? ORDER BY s.run_id, s.id"
				       : "ORDER BY s.run_id, s.id",
				  0, name, "cannot read the scenarios' history", scenarios,
				  nscenarios);
}

/* ---- failures ---- */

static void release_trace(struct stored_step *trace, size_t ntrace)
{
	for (size_t i = 0; trace && i < ntrace; i++) {
		free(trace[i].disasm);
		free(trace[i].registers);
	}
}

void stored_failure_release(struct stored_failure *f)
{
	if (!f)
		return;
	release_scenario(&f->scenario);
	free(f->invariant);
	free(f->message);
	free(f->expected_value);
	free(f->actual_value);
	free(f->schedule);
	release_trace(f->trace, f->ntrace);
	free(f->trace);
	free(f->harts);
	free(f->registers);
	memset(f, 0, sizeof(*f));
}

static void read_failure_columns(sqlite3_stmt *stmt, struct stored_failure *f)
{
	f->id = sqlite3_column_int64(stmt, 0);
	f->invariant = copy_text(stmt, 1);
	f->message = copy_text(stmt, 2);
	f->expected_value = copy_text(stmt, 3);
	f->actual_value = copy_text(stmt, 4);
	f->schedule = copy_text(stmt, 5);
	f->hart = (unsigned)sqlite3_column_int64(stmt, 6);
	f->step = column_unsigned(stmt, 7);
	f->pc = column_unsigned(stmt, 8);
	f->preemptions = (unsigned)sqlite3_column_int64(stmt, 9);
	f->minimal = sqlite3_column_int(stmt, 10) != 0;
	read_scenario_columns(stmt, 11, &f->scenario);
}

static void read_step_row_into(sqlite3_stmt *stmt, void *row)
{
	struct stored_step *t = row;
	const unsigned char *bytes = sqlite3_column_text(stmt, 3);

	t->step = column_unsigned(stmt, 0);
	t->hart = (unsigned)sqlite3_column_int64(stmt, 1);
	t->pc = column_unsigned(stmt, 2);
	snprintf(t->bytes, sizeof(t->bytes), "%s", bytes ? (const char *)bytes : "");
	t->disasm = copy_text_or_null(stmt, 4);
	t->has_version = sqlite3_column_type(stmt, 5) != SQLITE_NULL;
	t->version = sqlite3_column_int64(stmt, 5);
	t->patch_write = sqlite3_column_int(stmt, 6) != 0;
	t->watched_fetch = sqlite3_column_int(stmt, 7) != 0;
	t->registers = copy_text_or_null(stmt, 8);
	t->write_kind = TRACE_WRITE_NONE;
	for (unsigned k = TRACE_WRITE_CODE; k <= TRACE_WRITE_STOP_MACHINE_EXIT; k++)
		if (sqlite3_column_text(stmt, 9) &&
		    !strcmp((const char *)sqlite3_column_text(stmt, 9), report_write_kind_name(k)))
			t->write_kind = (enum trace_write_kind)k;
	t->interrupt = sqlite3_column_int(stmt, 10) != 0;
}

static void read_register_row_into(sqlite3_stmt *stmt, void *row)
{
	struct stored_register *r = row;
	const unsigned char *name = sqlite3_column_text(stmt, 1);

	r->hart = (unsigned)sqlite3_column_int64(stmt, 0);
	snprintf(r->name, sizeof(r->name), "%s", name ? (const char *)name : "?");
	r->actual = column_unsigned(stmt, 2);
	r->has_expected = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
	r->expected = column_unsigned(stmt, 3);
}

static int read_registers(struct report_reader *reader, struct stored_failure *f)
{
	static const char doing[] = "cannot read the registers at the failure";
	sqlite3_stmt *stmt = prepare_with_id(reader, registers_sql, f->id, doing);
	void *rows;
	int rc;

	if (!stmt)
		return -1;
	rc = read_all_rows(reader, stmt, sizeof(*f->registers), &rows, &f->nregisters,
			   read_register_row_into, doing);
	sqlite3_finalize(stmt);
	f->registers = rows;
	return rc;
}

static int compare_harts(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* One lane per distinct hart of the trace (which holds the failing step). */
static int assign_lanes(struct stored_failure *f)
{
	size_t i, n = 0;

	f->harts = malloc((f->ntrace ? f->ntrace : 1) * sizeof(*f->harts));
	if (!f->harts)
		return -1;
	for (i = 0; i < f->ntrace; i++)
		f->harts[n++] = f->trace[i].hart;
	qsort(f->harts, n, sizeof(*f->harts), compare_harts);
	f->nharts = 0;
	for (i = 0; i < n; i++)
		if (!f->nharts || f->harts[f->nharts - 1] != f->harts[i])
			f->harts[f->nharts++] = f->harts[i];
	for (i = 0; i < f->ntrace; i++) {
		unsigned *lane = bsearch(&f->trace[i].hart, f->harts, f->nharts, sizeof(*f->harts),
					 compare_harts);

		f->trace[i].lane = (unsigned)(lane - f->harts);
	}
	return 0;
}

static size_t index_of_failing_step(const struct stored_failure *f)
{
	for (size_t i = f->ntrace; i-- > 0;)
		if (f->trace[i].step == f->step && f->trace[i].hart == f->hart)
			return i;
	return f->ntrace;
}

/*
 * The failing step is the last trace step with the failure's step number on its hart. A check
 * that fails before a step runs (a fetch it refuses) numbers the failure with the step about to
 * run, which the trace does not hold: that step is added at the end, marked not_run.
 */
static int find_failing_step(struct stored_failure *f)
{
	struct stored_step *grown;

	f->failing_index = index_of_failing_step(f);
	if (f->failing_index < f->ntrace)
		return 0;
	grown = realloc(f->trace, (f->ntrace + 1) * sizeof(*f->trace));
	if (!grown)
		return -1;
	f->trace = grown;
	f->trace[f->ntrace] = (struct stored_step){ .step = f->step, .hart = f->hart, .pc = f->pc,
						    .not_run = true };
	f->failing_index = f->ntrace++;
	return 0;
}

static int read_trace(struct report_reader *reader, struct stored_failure *f)
{
	static const char doing[] = "cannot read the trace";
	char sql[sizeof(trace_sql) + 32];
	sqlite3_stmt *stmt;
	void *rows;
	int rc;

	/* what each write was: version 5 on; interrupts: version 7 on */
	snprintf(sql, sizeof(sql), trace_sql, reader->version >= 5 ? "write_kind" : "NULL",
		 reader->version >= 7 ? "interrupt" : "NULL");
	stmt = prepare_with_id(reader, sql, f->id, doing);

	if (!stmt)
		return -1;
	rc = read_all_rows(reader, stmt, sizeof(*f->trace), &rows, &f->ntrace, read_step_row_into,
			   doing);
	sqlite3_finalize(stmt);
	f->trace = rows;
	if (rc)
		return -1;
	if (find_failing_step(f) || assign_lanes(f)) {
		note_error(reader, "%s: out of memory", doing);
		return -1;
	}
	return 0;
}

int report_read_failure(struct report_reader *reader, int64_t failure_id,
			struct stored_failure *f)
{
	static const char doing[] = "cannot read the failure";
	char sql[sizeof(failure_columns_sql) + sizeof(scenario_columns_sql) + 160];
	sqlite3_stmt *stmt;
	int rc;

	memset(f, 0, sizeof(*f));
	snprintf(sql, sizeof(sql),
		 "SELECT %s, %s%s FROM failures f JOIN scenarios s ON s.id = f.scenario_id"
		 " WHERE f.id = ?", failure_columns_sql, scenario_columns_sql,
		 traces_columns(reader));
	stmt = prepare_with_id(reader, sql, failure_id, doing);
	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_failure_columns(stmt, f);
	else if (rc == SQLITE_DONE)
		note_error(reader, "there is no failure %lld", (long long)failure_id);
	else
		note_sqlite_error(reader, doing);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW || read_trace(reader, f) || read_registers(reader, f)) {
		stored_failure_release(f);
		return -1;
	}
	return 0;
}

void stored_failure_keep_last_steps(struct stored_failure *f, size_t n)
{
	size_t drop;

	if (f->ntrace && f->trace[f->ntrace - 1].not_run)
		n++; /* n stored steps, then the failing step that did not run */
	if (n >= f->ntrace)
		return;
	drop = f->ntrace - n;
	release_trace(f->trace, drop);
	memmove(f->trace, f->trace + drop, n * sizeof(*f->trace));
	f->ntrace = n;
	f->omitted_steps += drop;
	f->failing_index = f->failing_index >= drop ? f->failing_index - drop : f->ntrace;
}
