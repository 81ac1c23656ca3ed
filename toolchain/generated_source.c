/*
 * generated_source.c - a source file patchcheck writes itself (a scenario's inline asm:, its
 * memory: words) put where toolchain_build can take it like any user source: in the cache
 * directory, under generated/, named by the hash of its content, so two scenarios (or two
 * worker processes) with the same text share one file and never write each other's. The file
 * is written under a temporary name and renamed into place.
 */
#include "toolchain.h"
#include "toolchain_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int toolchain_write_generated(const char *text, const char *ext, char *path, size_t size,
			      char *err, size_t errlen)
{
	char dir[4096], tmp[4200];
	uint64_t h = TC_FNV_OFFSET;
	size_t len = strlen(text);
	FILE *f;
	bool ok;

	if (toolchain_cache_dir(dir, sizeof(dir) - 16)) {
		tc_say(err, errlen, "no cache directory: set PATCHCHECK_CACHE_DIR, XDG_CACHE_HOME or HOME");
		return -1;
	}
	strcat(dir, "/generated");
	if (tc_make_dirs(dir)) {
		tc_say(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	tc_hash_text(&h, text);
	tc_hash_text(&h, ext);
	tc_name_in(path, size, dir, "%016llx%s", (unsigned long long)h, ext);
	if (access(path, R_OK) == 0)
		return 0;
	tc_name_in(tmp, sizeof(tmp), dir, ".%016llx.%ld.tmp", (unsigned long long)h, (long)getpid());
	f = fopen(tmp, "wb");
	ok = f && fwrite(text, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0) {
		tc_say(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
