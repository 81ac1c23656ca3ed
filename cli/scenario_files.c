/*
 * scenario_files.c - the scenario files a gate covers: a FILE given as is, every *.yaml under a
 * DIR (recursively, hidden entries skipped, sorted by path so the order never depends on the
 * file system), each with the test suite it reports under: the directory it was found in,
 * named from the root given ("scenarios/arm64" for scenarios/arm64/nop-to-call.yaml under
 * scenarios/), the same wherever the tree is checked out.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* Directories deeper than this under a root are not entered (a symlink loop ends here). */
#define SCENARIO_DIR_MAX_DEPTH 32

static int add_file(struct scenario_files *l, const char *path, const char *suite)
{
	struct scenario_file *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct scenario_file *v = realloc(l->files, cap * sizeof(*v));

		if (!v)
			return -1;
		l->files = v;
		l->cap = cap;
	}
	f = &l->files[l->n];
	f->path = strdup(path);
	f->suite = strdup(suite);
	if (!f->path || !f->suite) {
		free(f->path);
		free(f->suite);
		return -1;
	}
	l->n++;
	return 0;
}

static bool is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* The last component of path without trailing slashes; for ".", ".." or "/" the last component
 * of its real path ("scenarios" when even that says nothing). */
static void root_label(const char *path, char *out, size_t size)
{
	char copy[PATH_MAX], real[PATH_MAX];
	size_t n;
	char *slash;

	snprintf(copy, sizeof(copy), "%s", path);
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = 0;
	slash = strrchr(copy, '/');
	snprintf(out, size, "%s", slash && slash[1] ? slash + 1 : copy);
	if (strcmp(out, ".") && strcmp(out, "..") && strcmp(out, "/") && *out)
		return;
	if (realpath(path, real) && (slash = strrchr(real, '/')) && slash[1])
		snprintf(out, size, "%s", slash + 1);
	else
		snprintf(out, size, "scenarios");
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(((const struct scenario_file *)a)->path, ((const struct scenario_file *)b)->path);
}

/* Collect the *.yaml files under dir (path as found) into l, suite being dir's suite name. */
static int walk(struct scenario_files *l, const char *dir, const char *suite, unsigned depth,
		char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s: cannot read the directory: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char path[PATH_MAX], sub[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s%s%s", dir,
			     dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) != 0)
			continue; /* a dangling link or a name too long to open: not a scenario */
		if (S_ISDIR(st.st_mode) && depth < SCENARIO_DIR_MAX_DEPTH) {
			snprintf(sub, sizeof(sub), "%s/%s", suite, e->d_name);
			rc = walk(l, path, sub, depth + 1, err, errlen);
		} else if (S_ISREG(st.st_mode) && is_yaml_name(e->d_name)) {
			if (add_file(l, path, suite)) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}

int scenario_files_add(struct scenario_files *l, const char *root, char *err, size_t errlen)
{
	char label[PATH_MAX];
	struct stat st;
	size_t first = l->n;

	if (stat(root, &st) != 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", root);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		root_label(slash ? (*dir ? dir : "/") : ".", label, sizeof(label));
		if (add_file(l, root, label)) {
			snprintf(err, errlen, "%s: out of memory", root);
			return -1;
		}
		return 0;
	}
	root_label(root, label, sizeof(label));
	if (walk(l, root, label, 0, err, errlen))
		return -1;
	if (l->n == first) {
		snprintf(err, errlen, "%s: no *.yaml scenario file in this directory or below it", root);
		return -1;
	}
	qsort(l->files + first, l->n - first, sizeof(*l->files), compare_paths);
	return 0;
}

void scenario_files_free(struct scenario_files *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->files[i].path);
		free(l->files[i].suite);
	}
	free(l->files);
	memset(l, 0, sizeof(*l));
}
