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

/* By path; for one path, the entry this command set first, then the fewest steps. */
static int by_path(const void *a, const void *b)
{
	const struct cost_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c || x->fresh != y->fresh)
		return c ? c : y->fresh - x->fresh;
	return (x->steps > y->steps) - (x->steps < y->steps);
}

/* The cache directory and the cost file in it (PATH_MAX bytes each): 0, or -1 when none. */
static int costs_file(char *dir, char *file)
{
	if (toolchain_cache_dir(dir, PATH_MAX))
		return -1;
	int n = snprintf(file, PATH_MAX, "%s/costs", dir);

	return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* The entries added since the last sort sorted in, one kept per path: the one this command set
 * if any, else the one with the fewest steps (a malformed file may list a path twice). */
static void settle(struct cost_data *cd)
{
	size_t kept = 0;

	if (cd->sorted == cd->n)
		return;
	qsort(cd->e, cd->n, sizeof(*cd->e), by_path);
	for (size_t i = 0; i < cd->n; i++) {
		if (kept && strcmp(cd->e[kept - 1].path, cd->e[i].path) == 0)
			free(cd->e[i].path);
		else
			cd->e[kept++] = cd->e[i];
	}
	cd->n = cd->sorted = kept;
}

/* The entry of path among the sorted ones (those added since are not looked at): NULL when
 * none. */
static struct cost_entry *find(struct cost_data *cd, const char *path)
{
	struct cost_entry *e = cd->e;
	size_t n = cd->sorted;

	while (n) { /* a binary search by path alone: the steps only order a path listed twice */
		size_t half = n / 2;
		int c = strcmp(path, e[half].path);

		if (c == 0)
			return &e[half];
		if (c < 0) {
			n = half;
		} else {
			e += half + 1;
			n -= half + 1;
		}
	}
	return NULL;
}

/* A new entry for path at the end (unsorted until settle); NULL when full or out of memory. */
static struct cost_entry *append(struct cost_data *cd, const char *path, uint64_t steps)
{
	struct cost_entry *e;

	if (cd->n >= COSTS_MAX)
		return NULL;
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
	e->steps = steps;
	e->fresh = false;
	if (!e->path)
		return NULL;
	cd->n++;
	return e;
}

/* The lines of f into cd, for the scenarios this command did not set. */
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
		if (!append(cd, path, steps))
			break;
	}
	settle(cd);
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
	e = find(cd, abs);
	return e ? e->steps : 0;
}

void cost_data_set(struct cost_data *cd, const char *path, uint64_t steps)
{
	char abs[PATH_MAX];
	struct cost_entry *e;

	if (!steps || !realpath(path, abs) || strchr(abs, '\n'))
		return;
	e = find(cd, abs);
	for (size_t i = cd->sorted; !e && i < cd->n; i++) /* set before by this command */
		if (strcmp(cd->e[i].path, abs) == 0)
			e = &cd->e[i];
	if (e || (e = append(cd, abs, steps))) {
		e->steps = steps;
		e->fresh = true;
		cd->changed = true;
	}
}

/* Only the entries this command set are kept (still sorted). */
static void forget_loaded(struct cost_data *cd)
{
	size_t kept = 0;

	settle(cd);
	for (size_t i = 0; i < cd->n; i++) {
		if (cd->e[i].fresh)
			cd->e[kept++] = cd->e[i];
		else
			free(cd->e[i].path);
	}
	cd->n = cd->sorted = kept;
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
	/* What other commands stored since, for the scenarios this one did not explore: the file
	 * as it is now replaces what was loaded. */
	forget_loaded(cd);
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
	settle(cd);
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
