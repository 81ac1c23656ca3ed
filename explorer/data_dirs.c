/*
 * data_dirs.c - where patchcheck's data is: the guest images, the kernel-tree compatibility
 * layer and the bundled scenarios. An installed patchcheck (PREFIX/bin/patchcheck) finds them
 * under PREFIX/share/patchcheck/, from where the program is, with no build or source tree
 * present; a patchcheck run from its build directory finds those of its build and source tree.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explorer.h"

#ifndef PATCHCHECK_GUEST_DIR
#define PATCHCHECK_GUEST_DIR "guest"
#endif
#ifndef PATCHCHECK_MODELS_DIR
#define PATCHCHECK_MODELS_DIR "models"
#endif
#ifndef PATCHCHECK_SCENARIOS_DIR
#define PATCHCHECK_SCENARIOS_DIR "scenarios"
#endif
/* The installed data directory, relative to the installed program's directory. */
#ifndef PATCHCHECK_DATA_FROM_BIN
#define PATCHCHECK_DATA_FROM_BIN "../share/patchcheck"
#endif

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PREFIX/share/patchcheck/name into buf when this program is installed with it, else
 * build_dir. */
static const char *data_dir(const char *name, const char *build_dir, char *buf, size_t size)
{
	char exe[PATH_MAX], dir[2 * PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return build_dir;
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/%s/%s", dirname(exe), PATCHCHECK_DATA_FROM_BIN, name);
	if (!is_directory(dir) || size < PATH_MAX || !realpath(dir, buf)) /* without "bin/.." */
		return build_dir;
	return buf;
}

const char *patchcheck_images_dir(void)
{
	static char buf[PATH_MAX + 64];

	return data_dir("guest", PATCHCHECK_GUEST_DIR, buf, sizeof(buf));
}

const char *patchcheck_models_dir(void)
{
	static char buf[PATH_MAX + 64];

	return data_dir("models", PATCHCHECK_MODELS_DIR, buf, sizeof(buf));
}

const char *patchcheck_scenarios_dir(void)
{
	static char buf[PATH_MAX + 64];

	return data_dir("scenarios", PATCHCHECK_SCENARIOS_DIR, buf, sizeof(buf));
}
