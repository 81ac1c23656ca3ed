/*
 * cli.h - the patchcheck command: subcommands and what they share.
 * Exit codes: 0 every verdict as expected, 1 a verdict did not match (a check failed that was
 * expected to pass, a search was inconclusive), 2 bad usage or input, 3 the environment failed
 * (results could not be recorded or written, out of memory, a lock held too long). When
 * several apply, the largest wins.
 */
#ifndef PATCHCHECK_CLI_H
#define PATCHCHECK_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../explorer/explorer.h"
#include "fd_io.h"

#define EXIT_MATCH 0
#define EXIT_MISMATCH 1
#define EXIT_BAD_INPUT 2
#define EXIT_ENVIRONMENT 3

struct cli_common {
	const char *db_path;  /* NULL: no database */
	bool quiet, verbose;
	unsigned long max_executions;
	unsigned long random_walks;  /* --random N: N seeded random walks instead of exhausting */
	unsigned long then_random;   /* --then-random N: N walks after a search the limit cut short */
	unsigned long long seed;     /* --seed S */
	const char *guest_dir;
	bool allow_inconclusive; /* an inconclusive search is skipped, not failed */
	const char *kernel_tree; /* --kernel-tree DIR: a Linux tree for kernel_sources */
	unsigned long shard_index, shard_count; /* --shard I/N (1 <= I <= N); 0/0: every scenario */
	bool shard_tree;         /* the shard splits the one scenario's search tree */
	unsigned long jobs;      /* -j N: worker processes exploring at once (0, 1: none) */
	bool outcomes;           /* run --outcomes: print litmus scenarios' final outcomes */
	const char *data_memory; /* --data-memory sc|arch: every scenario's data model; NULL */
	bool no_state_cache;     /* --no-state-cache: explore a state seen before again */
	bool step_each;          /* --step-each: no runs of plain instructions */
	bool poison_dead;        /* --poison-dead: dead registers overwritten after each transition */
	bool guest_stop;         /* --stop-machine guest: the *_stopped functions run Linux's */
};

int cmd_run(int argc, char **argv);
int cmd_gate(int argc, char **argv);   /* cmd_gate.c */
int cmd_replay(int argc, char **argv); /* cmd_replay.c */
int cmd_report(int argc, char **argv); /* cmd_report.c */
int cmd_list(int argc, char **argv);   /* cmd_list.c */
int cmd_merge(int argc, char **argv);  /* cmd_merge.c */

/* outcomes.c: a litmus scenario's outcomes and its exists: verdict, under its result line. */
void print_outcomes(const struct scenario *s, const struct scenario_result *r);

/* progress.c: a progress line on a terminal, nothing in CI or when piped. */
bool progress_enabled(void);
void progress_show(void *ud, const struct run_stats *stats);
void progress_clear(void);

/* option_number.c: the value of a numeric option, a whole number from min to max; false with
 * "patchcheck cmd: option wants a whole number from min to max ..., got 'text'" on stderr. */
bool option_number(const char *cmd, const char *option, const char *text, uint64_t min,
		   uint64_t max, uint64_t *value);

/* command_line.c: the word after option in a stored command line (a run's options), its
 * length in *len; NULL when the option is not there. */
const char *command_line_value(const char *options, const char *option, size_t *len);

/* model_options.c: --data-memory's value ("sc" or "arch"), or NULL with "patchcheck cmd:
 * --data-memory wants sc or arch, got 'text'" on stderr; and the value a stored run's options
 * gave it (NULL: none). */
const char *data_memory_option(const char *cmd, const char *text);
const char *data_memory_of_command_line(const char *options);
/* --stop-machine's value: 1 guest, 0 idealised, -1 with "patchcheck cmd: --stop-machine wants
 * guest or idealised, got 'text'" on stderr; and whether a stored run's options gave guest. */
int stop_machine_option(const char *cmd, const char *text);
bool guest_stop_of_command_line(const char *options);

/* shard.c: --shard I/N. Scenario k (from 0) of a command's ordered list belongs to shard
 * (k mod N) + 1. */
#define SHARD_MAX_COUNT 1000000ul
/* text[0..len) as I/N into index and count; false when it is not that. */
bool shard_parse(const char *text, size_t len, unsigned long *index, unsigned long *count);
/* The shard a stored command line (a run's options: arguments joined by spaces) ran, from its
 * "--shard I/N"; false when it has none. */
bool shard_of_command_line(const char *options, unsigned long *index, unsigned long *count);
/* Parse I/N into c; false with "patchcheck cmd: option wants I/N ..., got 'text'" on stderr. */
bool parse_shard_option(const char *cmd, const char *option, const char *text,
			struct cli_common *c);
/* The list has n scenarios: the places in it (from 0, ascending) of those c's shard holds,
 * every one without --shard, into a new array (free it), their number in *nheld; NULL when
 * memory ran out. A list of one is split by its search tree instead (shard_tree). */
size_t *shard_list_of(struct cli_common *c, size_t n, size_t *nheld);

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
 * --shard, -q, -v): their help lines, and parsing the one at argv[*i], consuming its value. Returns 1
 * when it was one, 0 when it was not, -1 when malformed (the message names cmd). */
void print_common_options(FILE *out);
int parse_common_option(const char *cmd, int argc, char **argv, int *i, struct cli_common *c);
/* "pass" or "fail:<invariant>" (and "error" for a result). */
const char *expected_text(const struct scenario *s, char *buf, size_t len);
const char *got_text(const struct scenario_result *r, char *buf, size_t len);
/* Why s is not explored (its skip: reason, no model of its arch in this build, kernel_sources
 * without --kernel-tree) into buf; NULL when it is explored. */
const char *skip_reason(const struct cli_common *c, const struct scenario *s, char *buf,
			size_t len);
/* Why r is inconclusive, one line, into buf. */
const char *inconclusive_reason(const struct scenario_result *r, char *buf, size_t len);
/* Is r an inconclusive verdict that c counts as skipped (--allow-inconclusive)? */
const char *search_extent(const struct scenario_result *r, char *buf, size_t len);
bool inconclusive_allowed(const struct cli_common *c, const struct scenario_result *r);
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
/* The report database around a run. */
struct run_record {
	struct report_db *db; /* NULL: no database (--no-db) */
	int64_t run_id;
	unsigned unstored;    /* scenarios that could not be stored */
};

/* Open the database and begin the run when c->db_path is set (r->db stays NULL otherwise):
 * 0, or -1 with a message when it cannot be opened or written (exit EXIT_ENVIRONMENT). */
int report_run_open(const struct cli_common *c, int argc, char **argv, struct run_record *r);
/* Store one explored scenario, the one at position (from 0) in the command's ordered list:
 * its row id, or -1 with a message (counted in r->unstored). */
int64_t report_run_add(struct run_record *r, size_t position, const struct scenario *s,
		       const struct scenario_result *res);
/* End the run with exit_code and close; the run is marked complete only when every scenario
 * was stored. Returns exit_code, raised to EXIT_ENVIRONMENT when something was not stored. */
int report_run_close(struct run_record *r, int exit_code);
/* The exit code when several apply: the largest. */
int exit_code_worst(int a, int b);
/* The exit code of counted outcomes: 3 when the environment failed a scenario, else 2 when a
 * scenario was bad input, else 1 when a verdict did not match, else 0. */
int exit_code_of_counts(int bad_input, int mismatches, int environment);

/* explore_jobs.c: the items of a run or gate explored in list order, here (-j 1) or by c->jobs
 * worker processes, each handed back to the command in the order it was fed; only the caller
 * prints and writes files. A worker that dies gives its scenario an environment error. */
#define EXPLORE_MAX_JOBS 1024ul
struct scenario_job {
	const struct scenario *scn; /* explore it; NULL: nothing to explore (a bad file, a skip) */
	void *item;                 /* the command's own record of the item */
};

struct scenario_job_ops {
	/* Item i of the list (0 <= i < n) into job; each item once, early ones out of order. */
	void (*load)(void *ud, size_t i, struct scenario_job *job);
	/* The scenario file of item i, by which the steps it took are stored (cost_data.c). */
	const char *(*path)(void *ud, size_t i);
	/* The item back, in list order, with its result (NULL when job->scn is NULL) and whether
	 * it matched; the result is freed after. */
	void (*done)(void *ud, struct scenario_job *job, struct scenario_result *res, bool matched);
};

void explore_in_order(const struct cli_common *c, const struct scenario_job_ops *ops, void *ud,
		      size_t n);
/* answers_file.c: the register-access checks' answers (machine_reg_access_load) read from
 * the cache directory, as explore_in_order does first, and written back, as it does last: a
 * cache, never an error. */
void explore_answers_load(void);
void explore_answers_save(void);

/* cost_data.c: the steps each scenario file took when last explored, kept in the cache
 * directory so that -j N starts the costly ones first; never an error. */
struct cost_entry {
	char *path; /* absolute */
	uint64_t steps;
	bool fresh; /* set by this command */
};

struct cost_data {
	struct cost_entry *e;
	size_t n, cap, sorted; /* e[0..sorted) is sorted by path */
	bool changed;
};

/* The stored costs into cd (empty when there are none). */
void cost_data_load(struct cost_data *cd);
/* What exploring the scenario file at path cost when last done: 0 when not known. */
uint64_t cost_data_get(struct cost_data *cd, const char *path);
/* The scenario file at path took steps now. */
void cost_data_set(struct cost_data *cd, const char *path, uint64_t steps);
/* The costs set since the load written back, with what other commands stored meanwhile for
 * the other files; quietly nothing when the cache cannot be written. */
void cost_data_save(struct cost_data *cd);
void cost_data_free(struct cost_data *cd);

/* result_wire.c: a result sent from a worker process to its parent (a fork of it) as bytes. */
/* Write res to fd: 0, or -1 when the write failed. */
int result_write(int fd, const struct scenario_result *res);
/* The length of the message that starts buf[0..len): 0 while its header is incomplete or
 * when it is not a result. */
size_t result_wire_length(const void *buf, size_t len);
/* The result in buf[0..len) into res (free with scenario_result_free): 0, or -1 when the
 * bytes are not one whole result or memory ran out. */
int result_read(const void *buf, size_t len, struct scenario_result *res);

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

/* output_file.c: an output written whole or not at all (a temporary file in the target's
 * directory, renamed over the target by output_commit; output_abort removes it and leaves the
 * target as it was). Each returns 0, or -1 with "path: why" in err. */
struct output_file {
	const char *path;
	char target[4096]; /* path with symlinks resolved: the file that is replaced */
	bool direct;       /* not a regular file (a device, a pipe): written as it is */
	char tmp[4096];
	FILE *f;   /* write here between open and commit */
	int error; /* the errno of a failed open or commit */
};

int output_open(struct output_file *o, const char *path, char *err, size_t errlen);
int output_commit(struct output_file *o, char *err, size_t errlen);
void output_abort(struct output_file *o);
/* After a failed open or commit: EXIT_BAD_INPUT when the path cannot name a file (a missing
 * directory), else EXIT_ENVIRONMENT (a full disk, no permission). */
int output_exit_code(const struct output_file *o);
/* Are a and b the same file (same device and inode; for a file that does not exist, the same
 * canonical directory and name)? */
bool same_file(const char *a, const char *b);
/* -1 with a message naming what ("report", "JUnit file") when output is input or one of its
 * SQLite side files (-wal, -shm, -journal). */
int output_refuse_input(const char *what, const char *output, const char *input, char *err,
			size_t errlen);

/* gate_baseline.c: gate --baseline DB[:RUN], each scenario classified against a stored run. */
enum baseline_class {
	BASELINE_UNCHANGED = 0,           /* as expected then and now */
	BASELINE_NEW_FAILURE,             /* as expected then (or not in the run), not now */
	BASELINE_FIXED,                   /* not as expected then, as expected now */
	BASELINE_STILL_FAILING_SAME,      /* the same outcome then and now */
	BASELINE_STILL_FAILING_DIFFERENT, /* another invariant (or verdict) than then */
	BASELINE_NEWLY_INCONCLUSIVE,      /* inconclusive now, something else then */
	BASELINE_NEW_SCENARIO,            /* not in the run, as expected now */
	BASELINE_NCLASSES
};

struct stored_scenario;

struct gate_baseline {
	char *db_path;
	int64_t run_id;
	struct stored_scenario *rows;
	size_t nrows;
	bool *used;                          /* rows[i] was matched to a scenario gated now */
	unsigned count[BASELINE_NCLASSES];
};

/* Read the run spec names ("DB", its newest run, or "DB:RUN") into b: 0, or -1 with
 * "--baseline SPEC: why" in err (no such file, not a report database, no such run). */
int gate_baseline_load(const char *spec, struct gate_baseline *b, char *err, size_t errlen);
void gate_baseline_free(struct gate_baseline *b);
/* The class of s's outcome against the baseline row of the same name, counted; into was
 * what the baseline held ("run 3: fail:register-preservation", "not in run 3"). */
enum baseline_class gate_baseline_classify(struct gate_baseline *b, const struct scenario *s,
					   const struct scenario_result *r, bool matched,
					   char *was, size_t waslen);
const char *baseline_class_name(enum baseline_class k);
/* Does the class fail a gate with a baseline? */
bool baseline_class_regressed(enum baseline_class k);
/* "against run 3 of DB: 1 unchanged; 0 new failure; ...": every class counted. */
void gate_baseline_print_counts(FILE *out, const struct gate_baseline *b);

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
	const char *baseline;  /* its class against gate --baseline, or NULL */
};

/* Write the cases to path as <testsuites> holding one <testsuite> per suite, everything
 * XML-escaped; the file appears whole or not at all. 0, or -1 with "path: why" in err. */
int junit_write(const char *path, const char *name, const struct junit_case *cases,
		size_t ncases, char *err, size_t errlen);

/* tap.c: the same cases as TAP version 13 (kselftest's format), written whole or not at all.
 * 0, or -1 with "path: why" in err. */
int tap_write(const char *path, const struct junit_case *cases, size_t ncases, char *err,
	      size_t errlen);

#endif
