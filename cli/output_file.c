/*
 * output_file.c - files patchcheck writes (reports, JUnit, anything later): written whole or not
 * at all, never over one of the run's own inputs.
 *
 * An output goes to a temporary file in the target's directory and is renamed over the target
 * only when everything was written, so a failure leaves an existing target as it was and never
 * deletes a file patchcheck did not create. A target that is the report database (or its -wal
 * and -shm files) or an input of the command is refused before anything is opened: the same
 * file is the same device and inode, or, for a target that does not exist yet, the same
 * canonical directory and name. A target that exists and is not a regular file (/dev/stdout, a
 * pipe) is written directly; a symlink is followed, and the file it names is replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The canonical path of path's directory joined with its last component, into out; false when
 * the directory does not resolve. */
static bool canonical_name(const char *path, char *out, size_t size)
{
	char dir_copy[PATH_MAX], base_copy[PATH_MAX], dir[PATH_MAX];

	if (snprintf(dir_copy, sizeof(dir_copy), "%s", path) >= (int)sizeof(dir_copy))
		return false;
	snprintf(base_copy, sizeof(base_copy), "%s", path);
	if (!realpath(dirname(dir_copy), dir))
		return false;
	return snprintf(out, size, "%s/%s", dir, basename(base_copy)) < (int)size;
}

bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char ca[PATH_MAX], cb[PATH_MAX];

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return canonical_name(a, ca, sizeof(ca)) && canonical_name(b, cb, sizeof(cb)) &&
	       strcmp(ca, cb) == 0;
}

int output_refuse_input(const char *what, const char *output, const char *input, char *err,
			size_t errlen)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal"};

	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		char file[PATH_MAX];

		if (snprintf(file, sizeof(file), "%s%s", input, sides[i]) >= (int)sizeof(file))
			continue;
		if (same_file(output, file)) {
			snprintf(err, errlen, "%s: the %s would overwrite %s%s, an input of this command",
				 output, what, input, sides[i]);
			return -1;
		}
	}
	return 0;
}

int output_open(struct output_file *o, const char *path, char *err, size_t errlen)
{
	char dir_copy[PATH_MAX], base_copy[PATH_MAX];
	mode_t mask;
	int fd;

	struct stat st;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		o->direct = true;
		o->f = fopen(path, "w");
		o->error = errno;
		if (!o->f) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!realpath(path, o->target))
		snprintf(o->target, sizeof(o->target), "%s", path); /* not there yet */
	snprintf(dir_copy, sizeof(dir_copy), "%s", o->target);
	snprintf(base_copy, sizeof(base_copy), "%s", o->target);
	if (snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.XXXXXX", dirname(dir_copy),
		     basename(base_copy)) >= (int)sizeof(o->tmp)) {
		snprintf(err, errlen, "%s: cannot write: name too long", path);
		return -1;
	}
	fd = mkstemp(o->tmp);
	o->error = errno;
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		o->tmp[0] = 0;
		return -1;
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask); /* as a plain fopen would have created it */
	o->f = fdopen(fd, "w");
	if (!o->f) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = 0;
		return -1;
	}
	return 0;
}

int output_commit(struct output_file *o, char *err, size_t errlen)
{
	int failed = ferror(o->f) || fflush(o->f) != 0, saved = errno;

	if (fclose(o->f) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	o->f = NULL;
	if (failed || o->direct) {
		if (!failed)
			return 0;
		o->error = saved ? saved : EIO;
		snprintf(err, errlen, "%s: cannot write: %s", o->path, strerror(o->error));
		unlink(o->tmp);
		o->tmp[0] = 0;
		return -1;
	}
	if (rename(o->tmp, o->target) != 0) {
		o->error = errno;
		snprintf(err, errlen, "%s: cannot write: %s", o->path, strerror(errno));
		unlink(o->tmp);
		o->tmp[0] = 0;
		return -1;
	}
	o->tmp[0] = 0;
	return 0;
}

int output_exit_code(const struct output_file *o)
{
	switch (o->error) {
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ENAMETOOLONG:
		return EXIT_BAD_INPUT; /* the path given cannot name a file */
	default:
		return EXIT_ENVIRONMENT;
	}
}

void output_abort(struct output_file *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}
