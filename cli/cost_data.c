/*
 * cost_data.c - what each scenario file cost when it was last explored (the instructions its
 * search stepped), kept in the cache directory as the file `costs` so that `-j N` can start a
 * costly scenario listed late before the cheap ones listed ahead of it (explore_jobs.c).
 *
 * A count of steps, not a time: the order the workers take scenarios in is the same for the
 * same cost file, whatever the host's speed. Only that order depends on it, never a result:
 * results come back in list order as -j 1 gives them. A missing, unreadable or malformed file
 * is as good as an empty one, and one that cannot be written is left as it was: this is a
 * cache, never an error. Concurrent commands may each replace the file whole (written aside,
 * then renamed); the last one's view wins.
 *
 * The file: one line per scenario, "<steps> <absolute path>", sorted by path.
 */
#define _GNU_SOURCE /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../toolchain/toolchain.h"
#include "cli.h"

#define COSTS_MAX 100000 /* entries kept: beyond them, the file is read no further */

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cost_entry *)a)->path, ((const struct cost_entry *)b)->path);
}

/* The cache directory and the cost file in it (PATH_MAX bytes each): 0, or -1 when none. */
static int costs_file(char *dir, char *file)
{
	if (toolchain_cache_dir(dir, PATH_MAX))
		return -1;
	int n = snprintf(file, PATH_MAX, "%s/costs", dir);

	return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* The entry of path (absolute), inserting one when add; NULL when none (or no memory). */
static struct cost_entry *entry_of(struct cost_data *cd, const char *path, bool add)
{
	struct cost_entry key = {.path = (char *)path}, *e;

	if (cd->sorted < cd->n) {
		qsort(cd->e, cd->n, sizeof(*cd->e), by_path);
		cd->sorted = cd->n;
	}
	e = cd->n ? bsearch(&key, cd->e, cd->n, sizeof(*cd->e), by_path) : NULL;
	if (e || !add || cd->n >= COSTS_MAX)
		return e;
	if (cd->n == cd->cap) {
		size_t cap = cd->cap ? cd->cap * 2 : 256;
		struct cost_entry *grown = realloc(cd->e, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		cd->e = grown;
		cd->cap = cap;
	}
	e = &cd->e[cd->n];
	e->path = strdup(path);
	e->steps = 0;
	e->fresh = false;
	if (!e->path)
		return NULL;
	cd->n++; /* sorted again at the next lookup */
	return e;
}

/* The lines of f into cd: every entry this command did not set takes the file's steps. */
static void read_lines(struct cost_data *cd, FILE *f)
{
	char line[PATH_MAX + 32];

	while (fgets(line, sizeof(line), f)) {
		char *end, *path;
		unsigned long long steps;
		size_t len;

		errno = 0;
		steps = strtoull(line, &end, 10);
		if (line[0] < '1' || line[0] > '9' || errno || *end != ' ' || end[1] != '/')
			continue; /* malformed: passed over */
		path = end + 1;
		len = strlen(path);
		if (len == 0 || path[len - 1] != '\n')
			continue; /* cut short */
		path[len - 1] = '\0';
		struct cost_entry *e = entry_of(cd, path, true);

		if (e && !e->fresh)
			e->steps = steps;
	}
}

void cost_data_load(struct cost_data *cd)
{
	char dir[PATH_MAX], file[PATH_MAX];
	FILE *f;

	memset(cd, 0, sizeof(*cd));
	if (costs_file(dir, file) || !(f = fopen(file, "r")))
		return;
	read_lines(cd, f);
	fclose(f);
}

uint64_t cost_data_get(struct cost_data *cd, const char *path)
{
	char abs[PATH_MAX];
	struct cost_entry *e;

	if (!cd->n || !realpath(path, abs))
		return 0;
	e = entry_of(cd, abs, false);
	return e ? e->steps : 0;
}

void cost_data_set(struct cost_data *cd, const char *path, uint64_t steps)
{
	char abs[PATH_MAX];
	struct cost_entry *e;

	if (!steps || !realpath(path, abs) || strchr(abs, '\n'))
		return;
	if ((e = entry_of(cd, abs, true))) {
		e->steps = steps;
		e->fresh = true;
		cd->changed = true;
	}
}

void cost_data_save(struct cost_data *cd)
{
	char file[PATH_MAX], tmp[PATH_MAX + 32], dir[PATH_MAX];
	FILE *f;
	int fd;

	if (!cd->changed || costs_file(dir, file))
		return;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return;
	/* What other commands stored since, for the scenarios this one did not explore. */
	if ((f = fopen(file, "r"))) {
		read_lines(cd, f);
		fclose(f);
	}
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file);
	if ((fd = mkstemp(tmp)) < 0)
		return;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return;
	}
	entry_of(cd, "/", false); /* sorted */
	for (size_t i = 0; i < cd->n; i++)
		fprintf(f, "%llu %s\n", (unsigned long long)cd->e[i].steps, cd->e[i].path);
	if (fclose(f) != 0 || rename(tmp, file) != 0)
		unlink(tmp);
}

void cost_data_free(struct cost_data *cd)
{
	for (size_t i = 0; i < cd->n; i++)
		free(cd->e[i].path);
	free(cd->e);
	memset(cd, 0, sizeof(*cd));
}
