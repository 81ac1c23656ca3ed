/*
 * cli.h - the patchcheck command: subcommands and what they share.
 * Exit codes: 0 every verdict as expected, 1 a check failed or a verdict did not match,
 * 2 bad usage or input.
 */
#ifndef PATCHCHECK_CLI_H
#define PATCHCHECK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../explorer/explorer.h"

#define EXIT_MATCH 0
#define EXIT_MISMATCH 1
#define EXIT_BAD_INPUT 2

struct cli_common {
	const char *db_path;  /* NULL: no database */
	bool quiet, verbose;
	unsigned long max_executions;
	unsigned long random_walks;  /* --random N: N seeded random walks instead of exhausting */
	unsigned long long seed;     /* --seed S */
	const char *guest_dir;
};

int cmd_run(int argc, char **argv);
int cmd_gate(int argc, char **argv);   /* cmd_gate.c */
int cmd_replay(int argc, char **argv); /* cmd_replay.c */
int cmd_report(int argc, char **argv); /* cmd_report.c */
int cmd_list(int argc, char **argv);   /* cmd_list.c */

/* progress.c: a progress line on a terminal, nothing in CI or when piped. */
bool progress_enabled(void);
void progress_show(void *ud, const struct run_stats *stats);
void progress_clear(void);

/* scenario_file_hash.c: 64-bit FNV-1a of a file, 16 hex digits; "" when unreadable. */
void file_hash(const char *path, char out[17]);
/* The file of a scenario stored as stored_path, under the current layout of the bundled tree
 * (stored_path itself, or where a rename of the tree moved it), into path; and into hash the
 * hash to compare with the stored one: the file's own, or, for a moved file, the hash it had
 * before the rename ("" when unreadable). */
void stored_scenario_file(const char *stored_path, char *path, size_t size, char hash[17]);

/* scenario_runner.c: what the exploring commands (run, gate) share. */
struct report_db;

/* The options every exploring command takes (--db, --no-db, --max-executions, --guest-dir,
 * -q, -v): their help lines, and parsing the one at argv[*i], consuming its value. Returns 1
 * when it was one, 0 when it was not, -1 when malformed (the message names cmd). */
void print_common_options(FILE *out);
int parse_common_option(const char *cmd, int argc, char **argv, int *i, struct cli_common *c);
/* "pass" or "fail:<invariant>" (and "error" for a result). */
const char *expected_text(const struct scenario *s, char *buf, size_t len);
const char *got_text(const struct scenario_result *r, char *buf, size_t len);
/* Explore s with c's options (a progress line on a terminal); true when the verdict matches. */
bool explore_scenario(const struct cli_common *c, const struct scenario *s,
		      struct scenario_result *res);
/* The scenario's line(s): ok/FAIL, name, verdict, statistics, failure message. */
void print_scenario_result(const struct cli_common *c, const struct scenario *s,
			   const struct scenario_result *r, bool matched);
/* The closing line "N passed, M failed" (", K skipped" when K > 0). */
void print_summary(int passed, int failed, int skipped);
/* Disassembly of a trace step for reports; ud is a struct disasm * (emu/machine.h). */
const char *disasm_of_step(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len);
/* The report database around a run: open it and begin the run when c->db_path is set (*db is
 * NULL otherwise; -1 with a message when it cannot be opened), store one explored scenario
 * (its row id, or -1 with a message), end the run with its exit code and close. */
int report_run_open(const struct cli_common *c, int argc, char **argv, struct report_db **db,
		    int64_t *run_id);
int64_t report_run_add(struct report_db *db, int64_t run_id, const struct scenario *s,
		       const struct scenario_result *res);
void report_run_close(struct report_db *db, int64_t run_id, int exit_code);

/* scenario_files.c: the scenario files a gate covers, in a deterministic order. */
struct scenario_file {
	char *path;  /* as found: the root given, joined with the path below it */
	char *suite; /* the directory it reports under, e.g. "scenarios/arm64" */
};

struct scenario_files {
	struct scenario_file *files;
	size_t n, cap;
};

/* Add root: a file as is, or every *.yaml under a directory, recursively, sorted by path.
 * -1 with "root: why" in err when root is missing or a directory holds no scenario. */
int scenario_files_add(struct scenario_files *l, const char *root, char *err, size_t errlen);
void scenario_files_free(struct scenario_files *l);

/* junit.c: results as JUnit XML, as GitLab, Jenkins and GitHub test reporters read it. */
enum junit_outcome { JUNIT_PASSED = 0, JUNIT_FAILED, JUNIT_ERROR, JUNIT_SKIPPED };

struct junit_case {
	const char *suite;     /* its <testsuite>: one per distinct suite, in first-seen order */
	const char *classname; /* <testcase classname> */
	const char *name;      /* <testcase name> */
	const char *file;      /* <testcase file>, or NULL */
	double seconds;
	enum junit_outcome outcome;
	const char *message;   /* the failure's, error's or skip's message attribute (one line) */
	const char *type;      /* the failure's or error's type attribute */
	const char *text;      /* the failure's or error's body */
};

/* Write the cases to path as <testsuites> holding one <testsuite> per suite, everything
 * XML-escaped; the file appears whole or not at all. 0, or -1 with "path: why" in err. */
int junit_write(const char *path, const char *name, const struct junit_case *cases,
		size_t ncases, char *err, size_t errlen);

#endif
