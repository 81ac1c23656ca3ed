/*
 * reports.h - reports/: the SQLite report database (schema, writer) and its renderers.
 *
 * Knows nothing of Unicorn: it stores what the explorer returned. Disassembly text for trace
 * steps is supplied by the caller through a callback.
 */
#ifndef PATCHCHECK_REPORTS_H
#define PATCHCHECK_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../explorer/explorer.h"

#define REPORT_SCHEMA_VERSION 7
/* The oldest schema the reader's queries work on (3 only widened a CHECK; 4, 5 and 6 added
 * columns read only from their version on, 5 views). */
#define REPORT_SCHEMA_READABLE_SINCE 2

struct report_db;

/* How a write kind (enum trace_write_kind) is stored: "code", "data", "stop-machine-enter",
 * "stop-machine-exit"; NULL for none. */
static inline const char *report_write_kind_name(unsigned kind)
{
	static const char *const names[] = {
		[TRACE_WRITE_CODE] = "code", [TRACE_WRITE_DATA] = "data",
		[TRACE_WRITE_STOP_MACHINE_ENTER] = "stop-machine-enter",
		[TRACE_WRITE_STOP_MACHINE_EXIT] = "stop-machine-exit",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : NULL;
}

/* Open (creating if needed) the database; WAL, busy timeout, schema checked/migrated.
 * NULL on error with a message naming the file in err. A connection belongs to the process
 * that opened it: open after fork(), never before. */
struct report_db *report_open(const char *path, char *err, size_t errlen);
void report_close(struct report_db *db);

/* Message of the last failed call on db ("FILE: what failed: why"), for the calls without err. */
const char *report_last_error(const struct report_db *db);
/* The file db was opened on. */
const char *report_db_path(const struct report_db *db);

/* Start a run; returns its id (> 0) or -1. argv is stored as the run's options. */
int64_t report_begin_run(struct report_db *db, const char *tool_version, int argc, char **argv);
/* Record the run's exit code and, when complete (every scenario of the run was stored), mark
 * it complete; a run stays "incomplete" when this is never called or complete is false. */
int report_end_run(struct report_db *db, int64_t run_id, int exit_code, bool complete);

/* Disassembly for a trace step: returns text for (pc, bytes). */
typedef const char *(*report_disasm_fn)(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len);

/* Store one scenario's verdict, statistics and failure (with its trace) in one transaction;
 * position is its place (from 0) in the command's ordered list of scenarios. Returns the
 * scenario row id or -1 (err set). */
int64_t report_add_scenario(struct report_db *db, int64_t run_id, int64_t position,
			    const struct scenario *scn,
			    const char *scenario_file_hash, const struct scenario_result *res,
			    report_disasm_fn disasm, void *disasm_ud, char *err, size_t errlen);

/* ---- merging runs (report_merge.c) ---- */

/* A run of another report database to copy. */
struct report_run_source {
	const char *path;
	int64_t run_id;
	/* The run was shard I of N (--shard I/N): its scenarios take their stored positions in
	 * the merged run. 0/0: not a shard; they follow those of the sources before it. */
	unsigned long shard_index, shard_count;
};

/* Copy the scenarios of each source's run, with their failures, traces and registers, into
 * run_id of db (begun with report_begin_run), in one transaction. 0; -2 when a source could not
 * be read (err: "SOURCE: why"); -1 when db could not take them (err: "DB: why"). */
int report_copy_runs(struct report_db *db, int64_t run_id, const struct report_run_source *src,
		     size_t nsrc, char *err, size_t errlen);

/* ---- reading a report database (report_read.c) ---------------------------------------------
 * Read-only access for `patchcheck report`: never creates, migrates or writes a file. Every
 * string below is owned by the struct holding it and freed by the matching *_free/release call.
 */

struct report_reader;

/* Open an existing report database for reading. NULL with "FILE: why" in err when the file is
 * missing, is not a report database, or has another schema version. */
struct report_reader *report_reader_open(const char *path, char *err, size_t errlen);
void report_reader_close(struct report_reader *reader);
/* Message of the last failed read ("FILE: what failed: why"), e.g. "FILE: there is no run 9". */
const char *report_reader_last_error(const struct report_reader *reader);

/* A row of runs with counts over its scenarios. */
struct stored_run {
	int64_t id;
	char *started_at, *tool_version, *host, *options, *status;
	bool has_exit_code; /* false while the run is incomplete */
	int exit_code;
	unsigned long scenarios, matched, failures; /* scenarios - matched did not match */
};

/* A row of scenarios, with the id of its stored failure. */
struct stored_scenario {
	int64_t id, run_id;
	char *name, *file, *file_hash, *arch, *image_hash, *expected, *verdict;
	char *invariant, *error; /* NULL when absent */
	bool matched, truncated;
	uint64_t executions, steps, schedule_points;
	uint64_t distinct_traces; /* 0 in rows stored before schema version 4 */
	char *search;             /* complete | bound | truncated | first; NULL before version 4 */
	char *coverage;           /* "call=9 callback=9 ..." (executions reaching each kind);
				   * NULL before version 5 and for errors */
	unsigned preemption_bound;
	double seconds;
	int64_t failure_id; /* 0: no failure stored */
};

/* A row of trace_steps. */
struct stored_step {
	uint64_t step;
	unsigned hart;
	unsigned lane;      /* position of hart in its failure's harts[] */
	uint64_t pc;
	char bytes[40];     /* lowercase hex, memory order */
	char *disasm;       /* NULL when none was stored */
	bool patch_write, watched_fetch;
	enum trace_write_kind write_kind; /* of patch_write; NONE before schema version 5 */
	bool interrupt;     /* the hart took an interrupt before this step (from version 7) */
	bool has_version;
	int64_t version;    /* writes the fetched patched word had seen, when has_version */
	bool not_run;       /* the step a check failed at before it ran: not stored, added last
			     * to the trace from the failure's hart, step and pc to show it */
	char *registers;    /* registers the step changed ("x0=0x3 sp=0x..."), or NULL */
};

/* One register of one hart when the check failed. */
struct stored_register {
	unsigned hart;
	char name[16];
	uint64_t actual;
	bool has_expected;  /* failing hart: the value at its traced site's start */
	uint64_t expected;
};

/* A failure with its scenario and its trace in global step order. */
struct stored_failure {
	int64_t id;
	struct stored_scenario scenario;
	char *invariant, *message, *expected_value, *actual_value, *schedule;
	unsigned hart;
	uint64_t step, pc;
	unsigned preemptions;
	bool minimal;
	struct stored_step *trace; /* ends with the failing step, stored or not_run */
	size_t ntrace;
	size_t omitted_steps; /* earlier steps left out by stored_failure_keep_last_steps() */
	unsigned *harts;      /* the distinct harts of the whole trace, ascending: one lane each */
	size_t nharts;
	size_t failing_index; /* index in trace of the failing step */
	struct stored_register *registers; /* every hart's registers at the failure, hart order */
	size_t nregisters;
};

/* All runs, oldest first. 0, or -1 (report_reader_last_error). */
int report_read_runs(struct report_reader *reader, struct stored_run **runs, size_t *nruns);
/* One run; -1 when there is no such run. */
int report_read_run(struct report_reader *reader, int64_t run_id, struct stored_run *run);
/* The id of the newest run, 0 when the file holds none; -1 on error. */
int64_t report_read_latest_run_id(struct report_reader *reader);
/* The scenarios of a run, in the order they were stored. */
int report_read_scenarios_of_run(struct report_reader *reader, int64_t run_id,
				 struct stored_scenario **scenarios, size_t *nscenarios);
/* Every stored row of the scenario named name, or of every scenario when name is NULL, oldest
 * run first; -1 when name names none. */
int report_read_history(struct report_reader *reader, const char *name,
			struct stored_scenario **scenarios, size_t *nscenarios);
/* One failure with its scenario and trace; -1 when there is no such failure. */
int report_read_failure(struct report_reader *reader, int64_t failure_id,
			struct stored_failure *failure);

void stored_runs_free(struct stored_run *runs, size_t nruns);
void stored_run_release(struct stored_run *run);
void stored_scenarios_free(struct stored_scenario *scenarios, size_t nscenarios);
void stored_failure_release(struct stored_failure *failure);

/* Keep only the last n stored steps of the trace, and a not_run failing step after them (the
 * lanes stay those of the whole trace). */
void stored_failure_keep_last_steps(struct stored_failure *failure, size_t n);

/* ---- rendering (render_text.c, render_svg.c, render_html.c) -------------------------------- */

/* What the caller knows beyond the database, all optional: the file name to put in the replay
 * command, what each hart ran, and guest symbols for addresses. */
struct report_context {
	const char *db_path;
	const char *const *hart_roles; /* indexed by hart, e.g. "patcher: ftrace_make_call(f, t)" */
	size_t nhart_roles;
	/* Write "symbol+0xoffset" for pc into buf; false when pc is in no known symbol. */
	bool (*symbolize)(void *ud, uint64_t pc, char *buf, size_t size);
	void *symbolize_ud;
};

/* How text goes to the terminal: colors (failing step red, writes yellow) and a width to fit
 * the lanes into (0: no limit, every column as wide as its widest entry). */
struct text_style {
	bool color;
	unsigned width;
	bool details_only; /* a failure's details, without its trace and registers */
};

/* The runs, one line each. */
void report_print_runs(FILE *out, const struct stored_run *runs, size_t nruns);
/* A run's scenarios with verdict, expectation, statistics and failure ids. */
void report_print_run(FILE *out, const struct stored_run *run,
		      const struct stored_scenario *scenarios, size_t nscenarios);
/* render_history.c: the history of the runs (name NULL: one line per run, then every verdict
 * that changed from one run of a scenario to its next) or of one scenario (one line per run
 * it was in), from report_read_runs and report_read_history. */
void report_print_history(FILE *out, const char *name, const struct stored_run *runs,
			  size_t nruns, const struct stored_scenario *rows, size_t nrows);
/* A failure: its facts, then its trace side by side, one column per hart, with a legend. */
void report_print_failure(FILE *out, const struct stored_failure *failure,
			  const struct report_context *ctx, const struct text_style *style);
/* A failure as plain text for a patch review, no line over REPORT_EMAIL_WIDTH columns: the
 * scenario and its verdict, the failure's facts, the replay commands, the trace as given (see
 * stored_failure_keep_last_steps) side by side per hart, and the failing hart's registers that
 * differ from the start of its traced site. */
#define REPORT_EMAIL_WIDTH 80
void report_write_failure_email(FILE *out, const struct stored_failure *failure,
				const struct report_context *ctx);
/* A failure as a standalone SVG swimlane timeline: one vertical lane per hart, steps downwards. */
void report_write_failure_svg(FILE *out, const struct stored_failure *failure,
			      const struct report_context *ctx);
/* render_run_html.c: a run's scenarios as a standalone HTML page, each failure linked as
 * failure-N.html. */
void report_write_run_html(FILE *out, const struct stored_run *run,
			   const struct stored_scenario *scenarios, size_t nscenarios);
/* A failure as a standalone HTML page: its facts, the failing step (#failing-step) with the
 * steps before it, the timeline, and the steps in a table, each loop once. */
void report_write_failure_html(FILE *out, const struct stored_failure *failure,
			       const struct report_context *ctx);

#endif
