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
	const char *guest_dir;
};

int cmd_run(int argc, char **argv);

/* progress.c: a progress line on a terminal, nothing in CI or when piped. */
bool progress_enabled(void);
void progress_show(void *ud, const struct run_stats *stats);
void progress_clear(void);

/* util: 64-bit FNV-1a of a file, 16 hex digits; "" when unreadable. */
void file_hash(const char *path, char out[17]);

#endif
