/*
 * report_schema.c - the schema of the report database: its tables, its version, and the steps
 * that migrate an older file to the current version.
 *
 * ---------------------------------------------------------------------------------------------
 * The report database (schema version 6)
 *
 * One SQLite file holds any number of runs. It is in WAL mode, so several patchcheck processes
 * may write to it at once; every write is one BEGIN IMMEDIATE transaction, and each scenario is
 * stored whole (its row, its failure and the failure's trace) or not at all.
 *
 * schema_version(version INTEGER)
 *     One row: the version of this schema. A file with an older version is migrated when it is
 *     opened; a file with a newer version is refused.
 *
 * runs: one invocation of patchcheck.
 *     id            INTEGER PRIMARY KEY
 *     started_at    TEXT     UTC time the run began, ISO-8601 ("2024-05-01T12:34:56Z"); metadata
 *                            only, nothing is decided by it
 *     tool_version  TEXT     patchcheck version
 *     host          TEXT     "nodename/machine" from uname
 *     options       TEXT     the command line, arguments joined by spaces (shell-quoted when needed)
 *     status        TEXT     'incomplete' from the start; 'complete' once the run ended normally.
 *                            A run whose process died stays 'incomplete', with every scenario it
 *                            finished stored whole.
 *     exit_code     INTEGER  the process exit code, NULL while incomplete
 *
 * scenarios: one scenario explored in a run.
 *     id               INTEGER PRIMARY KEY
 *     run_id           INTEGER  -> runs(id)
 *     name             TEXT     scenario name
 *     file             TEXT     path of the scenario file as given
 *     file_hash        TEXT     hash of the scenario file's content (NULL if not supplied)
 *     arch             TEXT     arm64 | riscv64 | arm32
 *     image_hash       TEXT     hash of the guest image explored (NULL if none was loaded)
 *     expected         TEXT     'pass', 'fail', 'fail:<invariant>' or 'error'
 *     verdict          TEXT     'pass' | 'fail' | 'error' | 'inconclusive' (no failure found in a
 *                              search that stopped short: an execution limit, random walks)
 *     invariant        TEXT     the invariant that failed, NULL when no failure was found
 *     matched          INTEGER  1 when the result matches the expectation: a pass for 'pass', a
 *                               failure of that invariant for 'fail:<invariant>'; never for 'error'
 *     executions       INTEGER  complete executions explored
 *     steps            INTEGER  instructions stepped over all executions
 *     schedule_points  INTEGER  decision points with more than one choice
 *     preemption_bound INTEGER  the preemption bound the search explored up to
 *     truncated        INTEGER  1 when the execution limit cut the search short
 *     seconds          REAL     time spent exploring (statistics only)
 *     error            TEXT     why the verdict is 'error', else NULL
 *     position         INTEGER  its place (from 0) in the command's ordered list of scenarios,
 *                               skipped ones counted: the same in a shard (--shard I/N) as in
 *                               the unsharded run, so `patchcheck merge` restores that order
 *                               (version 4; NULL in rows stored before)
 *     distinct_traces  INTEGER  Mazurkiewicz traces among the executions (executions that differ
 *                               only in the order of independent operations are one trace)
 *                               (version 4; NULL before)
 *     search           TEXT     how much of the scenario the search covered: 'complete' (every
 *                               trace), 'bound' (every execution within preemption_bound),
 *                               'truncated' (an execution limit, random walks), 'first' (it
 *                               stopped at a failure without preemptions) (version 4; NULL before)
 *     coverage         TEXT     how many executions reached each coverage kind, as
 *                               'call=9 callback=9 redirect=0 direct=0 parked-in-site=3'
 *                               (version 6; NULL before, and for an error)
 *
 * failures: the failing interleaving of a scenario (at most one per scenario).
 *     id              INTEGER PRIMARY KEY
 *     scenario_id     INTEGER  -> scenarios(id)
 *     invariant       TEXT     the invariant that failed
 *     message         TEXT     one line naming invariant, hart, step, expected and actual
 *     hart            INTEGER  hart on which the check failed
 *     step            INTEGER  global step at which it failed
 *     pc              INTEGER  guest pc at that step
 *     expected_value  TEXT     what the invariant expected
 *     actual_value    TEXT     what was found
 *     schedule        TEXT     the schedule; `patchcheck replay` re-executes it
 *     preemptions     INTEGER  preemptions in that schedule
 *     minimal         INTEGER  1 when every schedule with fewer preemptions was explored and
 *                              passed (the search deepens its bound one preemption at a time);
 *                              0 otherwise, e.g. for a replayed schedule with preemptions
 *
 * trace_steps: the per-step trace of a failing interleaving, all harts interleaved.
 *     failure_id     INTEGER  -> failures(id)
 *     seq            INTEGER  position in the trace, from 0
 *     step           INTEGER  global step number in the execution
 *     hart           INTEGER  hart that executed the step
 *     pc             INTEGER  address of the instruction
 *     bytes          TEXT     instruction bytes in memory order, lowercase hex ("1f2003d5")
 *     disasm         TEXT     disassembly of those bytes (NULL if none was available)
 *     version        INTEGER  for a fetch of a patched word: how many writes to that word the
 *                             hart had seen; NULL when the step fetched no patched word
 *     patch_write    INTEGER  1 when the step wrote a patched (watched) word
 *     watched_fetch  INTEGER  1 when the step fetched a patched (watched) word
 *     registers      TEXT     the registers the step changed, "x0=0x3 sp=0x107fe0" (NULL: none,
 *                             or a failure stored by schema version 1)
 *     write_kind     TEXT     what the step's write of a watched word was: 'code' (a patched
 *                             word), 'data', 'stop-machine-enter' (it took the machine: the
 *                             other harts park), 'stop-machine-exit'; NULL when it wrote none,
 *                             and in rows stored before version 5
 *     interrupt      INTEGER  1 on the first step of an interrupt the hart took (its vector's
 *                             first instruction), else 0; NULL in rows stored before version 7
 *     PRIMARY KEY (failure_id, seq)
 *
 * failure_registers: every hart's registers when the check failed (schema version 2).
 *     failure_id     INTEGER  -> failures(id)
 *     hart           INTEGER  the hart
 *     reg            TEXT     register name ("x0", "sp", "pc", ...)
 *     position       INTEGER  its place in the arch's register file
 *     actual         INTEGER  its value when the check failed
 *     expected       INTEGER  for the failing hart, its value at the start of the traced site it
 *                             was in (what entry checks compare with); NULL for the other harts
 *     PRIMARY KEY (failure_id, hart, position)
 *
 * Views (version 5), for queries by hand; patchcheck itself reads the tables:
 *   scenario_history       one row per scenario per run: run_id, started_at, run_status, name,
 *                          arch, expected, verdict ('fail:<invariant>' for a failure), matched,
 *                          executions, distinct_traces, steps, search, seconds, failure_id
 *   failures_by_invariant  invariant, failures, unexpected (of scenarios not as expected),
 *                          scenarios, arches (comma-separated), latest_run
 *   failures_by_arch       arch, scenarios (rows), not_as_expected, failures, invariants
 *   slowest_scenarios      name, arch, runs, mean_seconds, max_seconds, latest_seconds,
 *                          mean_executions; the slowest (by mean) first
 *
 * Indexes: scenarios(run_id), scenarios(name), failures(scenario_id).
 * Deleting a run deletes its scenarios, failures and trace steps (ON DELETE CASCADE; SQLite
 * needs PRAGMA foreign_keys=ON on the connection for that).
 *
 * Addresses (pc) are stored as 64-bit integers with the address's bit pattern, so an address
 * at or above 2^63 reads back negative; printf('%x', pc) shows any address in hex.
 * Row ids grow in the order rows were stored: "latest" means the highest id.
 *
 * Example queries
 *
 *   -- The latest failure of each scenario (from the newest run in which it failed):
 *   SELECT name, run_id, invariant, hart, step, printf('0x%x', pc) AS pc, schedule, message
 *   FROM (SELECT s.name, s.run_id, f.*,
 *                row_number() OVER (PARTITION BY s.name ORDER BY s.id DESC) AS newest
 *         FROM failures f JOIN scenarios s ON s.id = f.scenario_id)
 *   WHERE newest = 1
 *   ORDER BY name;
 *
 *   -- Which invariants fail most:
 *   SELECT f.invariant, count(*) AS failures, count(DISTINCT s.name) AS scenarios
 *   FROM failures f JOIN scenarios s ON s.id = f.scenario_id
 *   GROUP BY f.invariant
 *   ORDER BY failures DESC, f.invariant;
 *
 *   -- Scenarios whose verdict differs between two runs (sqlite3 shell: .parameter set :old 1
 *   -- and .parameter set :new 2 first); NULL means the scenario is absent from that run:
 *   SELECT coalesce(a.name, b.name) AS scenario, a.verdict AS old_verdict, b.verdict AS new_verdict
 *   FROM (SELECT name, verdict FROM scenarios WHERE run_id = :old) a
 *   FULL OUTER JOIN (SELECT name, verdict FROM scenarios WHERE run_id = :new) b
 *     ON a.name = b.name
 *   WHERE a.verdict IS NOT b.verdict
 *   ORDER BY scenario;
 *
 * Changing the schema: edit the CREATE statements below to the new shape, raise
 * REPORT_SCHEMA_VERSION, and append a migration step from the previous version.
 * ---------------------------------------------------------------------------------------------
 */
#include "report_schema.h"

#include <stdio.h>

#include "reports.h"

/* Registers of every hart when the check failed (version 2). */
#define FAILURE_REGISTERS_TABLE_SQL \
	"CREATE TABLE failure_registers (" \
	" failure_id INTEGER NOT NULL REFERENCES failures(id) ON DELETE CASCADE," \
	" hart INTEGER NOT NULL," \
	" reg TEXT NOT NULL," \
	" position INTEGER NOT NULL," \
	" actual INTEGER NOT NULL," \
	" expected INTEGER," \
	" PRIMARY KEY (failure_id, hart, position)" \
	") WITHOUT ROWID;"

/* Scenario rows (version 3: the verdict may be inconclusive). */
#define SCENARIOS_TABLE_SQL(name) \
	"CREATE TABLE " name " (" \
	" id INTEGER PRIMARY KEY," \
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE," \
	" name TEXT NOT NULL," \
	" file TEXT NOT NULL," \
	" file_hash TEXT," \
	" arch TEXT NOT NULL," \
	" image_hash TEXT," \
	" expected TEXT NOT NULL," \
	" verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'error', 'inconclusive'))," \
	" invariant TEXT," \
	" matched INTEGER NOT NULL CHECK (matched IN (0, 1))," \
	" executions INTEGER NOT NULL," \
	" steps INTEGER NOT NULL," \
	" schedule_points INTEGER NOT NULL," \
	" preemption_bound INTEGER NOT NULL," \
	" truncated INTEGER NOT NULL CHECK (truncated IN (0, 1))," \
	" seconds REAL NOT NULL," \
	" error TEXT" \
	");"

/* The scenario's place in its command's list, the distinct traces among its executions and
 * how much of its space the search covered (version 4). */
#define SCENARIO_POSITION_COLUMN_SQL \
	"ALTER TABLE scenarios ADD COLUMN position INTEGER;" \
	"ALTER TABLE scenarios ADD COLUMN distinct_traces INTEGER;" \
	"ALTER TABLE scenarios ADD COLUMN search TEXT;"

/* Views for queries by hand (version 5). */
#define REPORT_VIEWS_SQL \
	"CREATE VIEW scenario_history AS" \
	" SELECT r.id AS run_id, r.started_at, r.status AS run_status, s.name, s.arch, s.expected," \
	" CASE WHEN s.verdict = 'fail' AND s.invariant IS NOT NULL THEN 'fail:' || s.invariant" \
	"  ELSE s.verdict END AS verdict," \
	" s.matched, s.executions, s.distinct_traces, s.steps, s.search, s.seconds," \
	" (SELECT max(f.id) FROM failures f WHERE f.scenario_id = s.id) AS failure_id" \
	" FROM scenarios s JOIN runs r ON r.id = s.run_id;" \
	"CREATE VIEW failures_by_invariant AS" \
	" SELECT f.invariant, count(*) AS failures, sum(s.matched = 0) AS unexpected," \
	" count(DISTINCT s.name) AS scenarios, group_concat(DISTINCT s.arch) AS arches," \
	" max(s.run_id) AS latest_run" \
	" FROM failures f JOIN scenarios s ON s.id = f.scenario_id GROUP BY f.invariant;" \
	"CREATE VIEW failures_by_arch AS" \
	" SELECT s.arch, count(*) AS scenarios, sum(s.matched = 0) AS not_as_expected," \
	" count(f.id) AS failures, count(DISTINCT f.invariant) AS invariants" \
	" FROM scenarios s LEFT JOIN failures f ON f.scenario_id = s.id GROUP BY s.arch;" \
	"CREATE VIEW slowest_scenarios AS" \
	" SELECT s.name, s.arch, count(*) AS runs, avg(s.seconds) AS mean_seconds," \
	" max(s.seconds) AS max_seconds," \
	" (SELECT l.seconds FROM scenarios l WHERE l.name = s.name ORDER BY l.id DESC LIMIT 1)" \
	"  AS latest_seconds," \
	" avg(s.executions) AS mean_executions" \
	" FROM scenarios s GROUP BY s.name, s.arch ORDER BY mean_seconds DESC, s.name;"

/* How many executions reached each coverage kind (version 6). */
#define SCENARIO_COVERAGE_COLUMN_SQL "ALTER TABLE scenarios ADD COLUMN coverage TEXT;"

#define SCENARIO_INDEXES_SQL \
	"CREATE INDEX scenarios_by_run ON scenarios(run_id);" \
	"CREATE INDEX scenarios_by_name ON scenarios(name);"

/* The current schema, created in an empty file. */
static const char schema_tables_sql[] =
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"

	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" started_at TEXT NOT NULL,"
	" tool_version TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" options TEXT NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'incomplete' CHECK (status IN ('incomplete', 'complete')),"
	" exit_code INTEGER"
	");"

	SCENARIOS_TABLE_SQL("scenarios")
	SCENARIO_POSITION_COLUMN_SQL
	SCENARIO_COVERAGE_COLUMN_SQL

	"CREATE TABLE failures ("
	" id INTEGER PRIMARY KEY,"
	" scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,"
	" invariant TEXT NOT NULL,"
	" message TEXT NOT NULL,"
	" hart INTEGER NOT NULL,"
	" step INTEGER NOT NULL,"
	" pc INTEGER NOT NULL,"
	" expected_value TEXT NOT NULL,"
	" actual_value TEXT NOT NULL,"
	" schedule TEXT NOT NULL,"
	" preemptions INTEGER NOT NULL,"
	" minimal INTEGER NOT NULL CHECK (minimal IN (0, 1))"
	");"

	"CREATE TABLE trace_steps ("
	" failure_id INTEGER NOT NULL REFERENCES failures(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" step INTEGER NOT NULL,"
	" hart INTEGER NOT NULL,"
	" pc INTEGER NOT NULL,"
	" bytes TEXT NOT NULL,"
	" disasm TEXT,"
	" version INTEGER,"
	" patch_write INTEGER NOT NULL CHECK (patch_write IN (0, 1)),"
	" watched_fetch INTEGER NOT NULL CHECK (watched_fetch IN (0, 1)),"
	" registers TEXT,"
	" write_kind TEXT,"
	" interrupt INTEGER CHECK (interrupt IN (0, 1)),"
	" PRIMARY KEY (failure_id, seq)"
	") WITHOUT ROWID;"

	FAILURE_REGISTERS_TABLE_SQL

	SCENARIO_INDEXES_SQL
	"CREATE INDEX failures_by_scenario ON failures(scenario_id);"

	REPORT_VIEWS_SQL;

/*
 * One migration step takes a file at from_version to from_version + 1. The steps run in order,
 * all in the transaction that opened the file, so a file is migrated completely or not at
 * all. Version 1 files gain the register columns of version 2. Version 2 files get the
 * scenarios table rebuilt with the wider verdict CHECK of version 3 (SQLite cannot alter a
 * CHECK in place; foreign keys are off while a file is prepared, so dropping the old table
 * does not cascade into the failures that refer to its rows). Version 3 files gain the
 * scenarios' position column of version 4, version 4 files the trace steps' write kind and the
 * views of version 5, version 5 files the scenarios' coverage of version 6, version 6 files the
 * trace steps' interrupt mark of version 7.
 */
struct schema_migration {
	int from_version;
	const char *sql;
};

static const struct schema_migration schema_migrations[] = {
	/* 1 -> 2: register deltas per trace step, register states at the failure */
	{ 1, "ALTER TABLE trace_steps ADD COLUMN registers TEXT;" FAILURE_REGISTERS_TABLE_SQL },
	/* 2 -> 3: the verdict 'inconclusive' (a search that did not cover its declared space) */
	{ 2, SCENARIOS_TABLE_SQL("scenarios_v3")
	     "INSERT INTO scenarios_v3 SELECT * FROM scenarios;"
	     "DROP TABLE scenarios;"
	     "ALTER TABLE scenarios_v3 RENAME TO scenarios;"
	     SCENARIO_INDEXES_SQL },
	/* 3 -> 4: each scenario's place in its command's list, for merging shards */
	{ 3, SCENARIO_POSITION_COLUMN_SQL },
	/* 4 -> 5: what each write was; views for queries by hand */
	{ 4, "ALTER TABLE trace_steps ADD COLUMN write_kind TEXT;" REPORT_VIEWS_SQL },
	/* 5 -> 6: each scenario's coverage counts */
	{ 5, SCENARIO_COVERAGE_COLUMN_SQL },
	/* 6 -> 7: the step an interrupt was taken before */
	{ 6, "ALTER TABLE trace_steps ADD COLUMN interrupt INTEGER CHECK (interrupt IN (0, 1));" },
	{ 0, NULL },
};

static int fail_with_sqlite_error(sqlite3 *conn, const char *path, const char *doing, char *err,
				  size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", path, doing, sqlite3_errmsg(conn));
	return -1;
}

/* Run a query that yields one integer; -1 (err set) if it fails or yields no row. */
static int query_single_integer(sqlite3 *conn, const char *path, const char *sql, int64_t *out,
				char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(conn, sql, -1, &stmt, NULL) != SQLITE_OK)
		return fail_with_sqlite_error(conn, path, "cannot read the report schema", err, errlen);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_INTEGER) {
		*out = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
		return 0;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		snprintf(err, errlen, "%s: the report schema version is missing", path);
	else
		fail_with_sqlite_error(conn, path, "cannot read the report schema", err, errlen);
	sqlite3_finalize(stmt);
	return -1;
}

static int store_schema_version(sqlite3 *conn, const char *path, char *err, size_t errlen)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d);",
		 REPORT_SCHEMA_VERSION);
	if (sqlite3_exec(conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail_with_sqlite_error(conn, path, "cannot store the report schema version", err,
					      errlen);
	return 0;
}

static int create_schema(sqlite3 *conn, const char *path, char *err, size_t errlen)
{
	if (sqlite3_exec(conn, schema_tables_sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail_with_sqlite_error(conn, path, "cannot create the report schema", err, errlen);
	return store_schema_version(conn, path, err, errlen);
}

static const struct schema_migration *find_migration_from(int64_t version)
{
	const struct schema_migration *m;

	for (m = schema_migrations; m->sql; m++)
		if (m->from_version == version)
			return m;
	return NULL;
}

static int migrate_schema(sqlite3 *conn, const char *path, int64_t version, char *err,
			  size_t errlen)
{
	while (version < REPORT_SCHEMA_VERSION) {
		const struct schema_migration *m = find_migration_from(version);
		char doing[80];

		if (!m) {
			snprintf(err, errlen,
				 "%s: report schema version %lld cannot be migrated to this patchcheck (%d)",
				 path, (long long)version, REPORT_SCHEMA_VERSION);
			return -1;
		}
		if (sqlite3_exec(conn, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(doing, sizeof(doing), "cannot migrate the report schema from version %lld",
				 (long long)version);
			return fail_with_sqlite_error(conn, path, doing, err, errlen);
		}
		version++;
	}
	return store_schema_version(conn, path, err, errlen);
}

/* Inside the open transaction: create, check or migrate. */
static int prepare_schema_in_transaction(sqlite3 *conn, const char *path, char *err,
					 size_t errlen)
{
	int64_t has_version_table, tables, version;

	if (query_single_integer(conn, path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE type = 'table' AND name = 'schema_version'",
				 &has_version_table, err, errlen))
		return -1;
	if (!has_version_table) {
		if (query_single_integer(conn, path, "SELECT count(*) FROM sqlite_master", &tables, err,
					 errlen))
			return -1;
		if (tables) {
			snprintf(err, errlen,
				 "%s: not a patchcheck report database (an SQLite file without a schema_version table)",
				 path);
			return -1;
		}
		return create_schema(conn, path, err, errlen);
	}

	if (query_single_integer(conn, path, "SELECT max(version) FROM schema_version", &version,
				 err, errlen))
		return -1;
	if (version > REPORT_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: report schema version %lld is newer than this patchcheck (%d)",
			 path, (long long)version, REPORT_SCHEMA_VERSION);
		return -1;
	}
	if (version < REPORT_SCHEMA_VERSION)
		return migrate_schema(conn, path, version, err, errlen);
	return 0;
}

/* Is PRAGMA foreign_keys on for conn? */
static bool foreign_keys_on(sqlite3 *conn)
{
	sqlite3_stmt *stmt;
	bool on = false;

	if (sqlite3_prepare_v2(conn, "PRAGMA foreign_keys", -1, &stmt, NULL) == SQLITE_OK) {
		on = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) != 0;
		sqlite3_finalize(stmt);
	}
	return on;
}

static int prepare_schema(sqlite3 *conn, const char *path, char *err, size_t errlen)
{
	if (sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_with_sqlite_error(conn, path, "cannot open the report database", err,
					      errlen);
	if (prepare_schema_in_transaction(conn, path, err, errlen)) {
		sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail_with_sqlite_error(conn, path, "cannot store the report schema", err, errlen);
		sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int report_schema_prepare(sqlite3 *conn, const char *path, char *err, size_t errlen)
{
	bool fk = foreign_keys_on(conn);
	int rc;

	/* A no-op inside a transaction, so set around it. */
	sqlite3_exec(conn, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	rc = prepare_schema(conn, path, err, errlen);
	if (fk)
		sqlite3_exec(conn, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc;
}
