/*
 * reports.h - reports/: the SQLite report database (schema, writer) and its renderers.
 *
 * Knows nothing of Unicorn: it stores what the explorer returned. Disassembly text for trace
 * steps is supplied by the caller through a callback.
 */
#ifndef PATCHCHECK_REPORTS_H
#define PATCHCHECK_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "../explorer/explorer.h"

#define REPORT_SCHEMA_VERSION 1

struct report_db;

/* Open (creating if needed) the database; WAL, busy timeout, schema checked/migrated.
 * NULL on error with a message naming the file in err. A connection belongs to the process
 * that opened it: open after fork(), never before. */
struct report_db *report_open(const char *path, char *err, size_t errlen);
void report_close(struct report_db *db);

/* Message of the last failed call on db ("FILE: what failed: why"), for the calls without err. */
const char *report_last_error(const struct report_db *db);

/* Start a run; returns its id (> 0) or -1. argv is stored as the run's options. */
int64_t report_begin_run(struct report_db *db, const char *tool_version, int argc, char **argv);
/* Mark the run complete (it stays "incomplete" if this is never called). */
int report_end_run(struct report_db *db, int64_t run_id, int exit_code);

/* Disassembly for a trace step: returns text for (pc, bytes). */
typedef const char *(*report_disasm_fn)(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len);

/* Store one scenario's verdict, statistics and failure (with its trace) in one transaction.
 * Returns the scenario row id or -1 (err set). */
int64_t report_add_scenario(struct report_db *db, int64_t run_id, const struct scenario *scn,
			    const char *scenario_file_hash, const struct scenario_result *res,
			    report_disasm_fn disasm, void *disasm_ud, char *err, size_t errlen);

#endif
