/*
 * answers_file.c - the register-access checks' answers (emu/reg_access.c) kept in the cache
 * directory as the file `reg-access`, read when a command starts exploring and written back
 * when it ends, so that the next command of the same build checks no word again. A cache,
 * never an error: a missing, stale or unwritable file only means the checks run.
 */
#include <limits.h>
#include <stdio.h>

#include "../emu/machine.h"
#include "../toolchain/toolchain.h"
#include "cli.h"

/* The file's path; false when there is no cache directory. */
static bool answers_file(char *file, size_t size)
{
	char dir[PATH_MAX];
	int n;

	if (toolchain_cache_dir(dir, sizeof(dir)))
		return false;
	n = snprintf(file, size, "%s/reg-access", dir);
	return n > 0 && (size_t)n < size;
}

void explore_answers_load(void)
{
	char file[PATH_MAX];

	if (answers_file(file, sizeof(file)))
		(void)machine_reg_access_load(file);
}

void explore_answers_save(void)
{
	char file[PATH_MAX];

	if (answers_file(file, sizeof(file)))
		(void)machine_reg_access_save(file);
}
