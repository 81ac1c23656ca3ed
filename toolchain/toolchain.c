/*
 * toolchain.c - toolchain_build(): a bundled image's recipe plus a scenario's sources, compiled
 * and linked by the image's own toolchain into a content-addressed cache entry.
 *
 * Recipe lines (written by cmake/guest_image.cmake, one value per line):
 *   cc PATH | objcopy PATH | cflag ARG | traced_cflag ARG | link_flag ARG | object PATH
 * An installed recipe (cmake/install.cmake) writes its installed files as @DATA@/..., @DATA@
 * standing for the data directory the recipe is in (DATA/guest/<arch>/<image>.recipe).
 * An entry is <cache>/<key>/ with image.elf and deps (one "hash path" line per header the
 * sources included). The key hashes the recipe, the bundled objects, the compiler's --version
 * output and every source (path, traced or not, its own flags, content); an entry whose deps
 * changed is rebuilt. An entry is built in a temporary directory and renamed into place, so
 * concurrent builds of the same key are harmless.
 */
#define _GNU_SOURCE /* mkdtemp, posix_spawn file actions */
#include "toolchain.h"
#include "toolchain_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 256
#define MAX_SOURCES 32

struct recipe {
	char *text;
	const char *cc, *objcopy;
	const char *cflags[MAX_ARGS], *traced[MAX_ARGS], *link[MAX_ARGS], *objects[MAX_ARGS];
	size_t ncflags, ntraced, nlink, nobjects;
};

void tc_say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void tc_name_in(char *out, size_t size, const char *dir, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, size, "%s/", dir);

	if (n < 0 || (size_t)n >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(out + n, size - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---- files and hashes ---- */

char *tc_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			char *b = realloc(buf, cap + 262144);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
			cap += 262144;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) { /* not the whole file: no bytes at all, never a part */
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

void tc_hash_bytes(uint64_t *h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		*h ^= p[i];
		*h *= 1099511628211ull;
	}
}

void tc_hash_text(uint64_t *h, const char *s)
{
	tc_hash_bytes(h, s, strlen(s) + 1);
}

/* ---- running a tool ---- */

/* Runs argv with stdout and stderr into log; its exit status, or -1 when it could not start. */
int tc_run_tool(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line of log that reports an error (the tool's own "file:line:col: error: ..."),
 * else its first line, into err. */
void tc_first_error_line(const char *log, const char *what, char *err, size_t errlen)
{
	char *text = tc_read_file(log, NULL), *line = text, *pick = NULL;
	unsigned lines = 0;

	for (char *p = text; p && *p; p++)
		lines += *p == '\n';
	while (line && *line) {
		char *end = strchr(line, '\n');

		if (end)
			*end = 0;
		if (!pick && strstr(line, "error"))
			pick = line;
		line = end ? end + 1 : NULL;
	}
	if (!pick && text && *text)
		pick = text;
	if (pick)
		tc_say(err, errlen, "%s (%s; %u line%s of output)", pick, what, lines, lines == 1 ? "" : "s");
	else
		tc_say(err, errlen, "%s failed with no output", what);
	free(text);
}

/* ---- the recipe ---- */

static int add_arg(const char **v, size_t *n, const char *arg)
{
	if (*n >= MAX_ARGS)
		return -1;
	v[(*n)++] = arg;
	return 0;
}

/* text with every @DATA@ replaced by the data directory of the recipe at path; text is
 * freed. NULL when memory ran out. */
static char *with_data_dir(char *text, const char *path)
{
	static const char mark[] = "@DATA@";
	char *dir = strdup(path), *out = NULL;
	size_t len = 0, marks = 0;
	FILE *f;

	for (const char *at = text; (at = strstr(at, mark)); at += strlen(mark))
		marks++;
	if (!marks || !dir) {
		free(dir);
		return marks ? (free(text), NULL) : text;
	}
	*strrchr(dir, '/') = 0; /* DATA/guest/<arch> */
	for (int up = 0; up < 2; up++) { /* DATA/guest, DATA */
		char *slash = strrchr(dir, '/');

		if (!slash) {
			strcpy(dir, "."); /* "guest/<arch>/<image>.recipe": DATA is here */
			break;
		}
		*slash = 0;
	}
	f = open_memstream(&out, &len);
	for (const char *at = text, *next; f && at; at = next ? next + strlen(mark) : NULL) {
		next = strstr(at, mark);
		fprintf(f, "%.*s%s", next ? (int)(next - at) : (int)strlen(at), at, next ? dir : "");
	}
	if (f)
		fclose(f);
	free(dir);
	free(text);
	return out;
}

static int read_recipe(const char *path, struct recipe *r, char *err, size_t errlen)
{
	char *line;

	memset(r, 0, sizeof(*r));
	r->text = tc_read_file(path, NULL);
	if (!r->text) {
		tc_say(err, errlen, "%s: no build recipe for this image (%s): is it a bundled image of this"
		    " build?", path, strerror(errno));
		return -1;
	}
	r->text = strchr(path, '/') ? with_data_dir(r->text, path) : r->text;
	if (!r->text) {
		tc_say(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (line = r->text; line && *line;) {
		char *end = strchr(line, '\n'), *value = strchr(line, ' ');
		int bad = 0;

		if (end)
			*end = 0;
		if (value) {
			*value++ = 0;
			if (!strcmp(line, "cc"))
				r->cc = value;
			else if (!strcmp(line, "objcopy"))
				r->objcopy = value;
			else if (!strcmp(line, "cflag"))
				bad = add_arg(r->cflags, &r->ncflags, value);
			else if (!strcmp(line, "traced_cflag"))
				bad = add_arg(r->traced, &r->ntraced, value);
			else if (!strcmp(line, "link_flag"))
				bad = add_arg(r->link, &r->nlink, value);
			else if (!strcmp(line, "object"))
				bad = add_arg(r->objects, &r->nobjects, value);
		}
		if (bad) {
			tc_say(err, errlen, "%s: too many entries", path);
			return -1;
		}
		line = end ? end + 1 : NULL;
	}
	if (!r->cc || !r->objcopy || !r->nobjects) {
		tc_say(err, errlen, "%s: not a complete build recipe (cc, objcopy and objects needed)", path);
		return -1;
	}
	return 0;
}

int toolchain_recipe_compiler(const char *recipe, char *cc, size_t size, char *err, size_t errlen)
{
	struct recipe r;
	int rc = read_recipe(recipe, &r, err, errlen);

	if (!rc)
		snprintf(cc, size, "%s", r.cc);
	free(r.text);
	return rc ? -1 : 0;
}

/* The recipe as it was read (the parse cut it at spaces and newlines), for the key. */
static void hash_recipe(uint64_t *h, const struct recipe *r)
{
	tc_hash_text(h, r->cc);
	tc_hash_text(h, r->objcopy);
	for (size_t i = 0; i < r->ncflags; i++)
		tc_hash_text(h, r->cflags[i]);
	tc_hash_text(h, "--traced--");
	for (size_t i = 0; i < r->ntraced; i++)
		tc_hash_text(h, r->traced[i]);
	tc_hash_text(h, "--link--");
	for (size_t i = 0; i < r->nlink; i++)
		tc_hash_text(h, r->link[i]);
}

/* ---- the cache ---- */

int toolchain_cache_dir(char *buf, size_t size)
{
	const char *own = getenv("PATCHCHECK_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
		   *home = getenv("HOME");
	int n;

	if (own && *own)
		n = snprintf(buf, size, "%s", own);
	else if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/patchcheck", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.cache/patchcheck", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* mkdir -p */
int tc_make_dirs(const char *path)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

/* Does every "hash path" line of deps still hold? */
bool tc_deps_hold(const char *deps)
{
	char *text = tc_read_file(deps, NULL), *line = text;
	bool ok = text != NULL;

	while (ok && line && *line) {
		char *end = strchr(line, '\n'), want[17], now[17];
		uint64_t h = 1469598103934665603ull;

		if (end)
			*end = 0;
		if (strlen(line) < 18 || line[16] != ' ') {
			ok = false;
			break;
		}
		snprintf(want, sizeof(want), "%.16s", line);
		ok = tc_hash_file(&h, line + 17) == 0;
		snprintf(now, sizeof(now), "%016llx", (unsigned long long)h);
		ok = ok && strcmp(want, now) == 0;
		line = end ? end + 1 : NULL;
	}
	free(text);
	return ok;
}

/* Appends "hash path" for every dependency named in the depfile to out. */
/* One dependency: "hash path", or a hash that never holds when the file cannot be read (the
 * entry is then rebuilt every time rather than trusted). */
void tc_record_dep(const char *path, FILE *out)
{
	uint64_t h = TC_FNV_OFFSET;

	if (tc_hash_file(&h, path) == 0)
		fprintf(out, "%016llx %s\n", (unsigned long long)h, path);
	else
		fprintf(out, "unreadable------ %s\n", path);
}

/* Appends a line for every dependency the depfile names (Make syntax: "target: dep dep \",
 * a space in a name written "\ ", a '$' written "$$"; a backslash ending a line continues the
 * list and separates names, as a space does). */
void tc_record_deps(const char *depfile, FILE *out)
{
	char *text = tc_read_file(depfile, NULL), name[4096];
	size_t n = 0;
	bool in_targets = true;

	for (const char *p = text; p; p++) {
		char c = *p;

		if (c == '\\' && (p[1] == ' ' || p[1] == '#')) {
			c = *++p;
		} else if (c == '$' && p[1] == '$') {
			p++;
		} else if (c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
			   (c == '\\' && (p[1] == '\n' || p[1] == '\r'))) {
			name[n] = 0;
			if (n && in_targets) /* "x.o:" ends the targets */
				in_targets = name[n - 1] != ':';
			else if (n && strcmp(name, ":") != 0)
				tc_record_dep(name, out);
			n = 0;
			if (c == 0)
				break;
			continue;
		}
		if (n + 1 < sizeof(name))
			name[n++] = c;
	}
	free(text);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

void tc_remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- building ---- */

/* The build directory tmp (cache/tmp-XXXXXX), made the first time it is needed: a build that
 * the cache already holds needs none. tmp is "" until then. 0, or -1 with err set. */
static int make_build_dir(char *tmp, size_t size, const char *cache, char *err, size_t errlen)
{
	if (tmp[0])
		return 0;
	tc_name_in(tmp, size, cache, "tmp-XXXXXX");
	if (!mkdtemp(tmp)) {
		tc_say(err, errlen, "%s: cannot create a build directory: %s", cache, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	return 0;
}

/* The compiler's --version output, hashed: once per compiler path per process, and kept in the
 * cache directory under what stat says of the compiler (device, inode, size, modification and
 * change times: reinstalling or upgrading the file changes them), so that a process that finds
 * it there does not start the compiler (about 0.1 s of CPU for clang, once per -j worker).
 * Only for a compiler named by its path: a bare name is found through PATH when it runs, so it
 * is asked every time. A wrapper script's file does not change when the compiler it starts
 * does: a recipe names the compiler itself. */
static int hash_compiler(uint64_t *h, const struct recipe *r, const char *cache, char *tmp,
			 size_t tmp_size, char *err, size_t errlen)
{
	static char known_cc[4096];
	static uint64_t known;
	char log[4200], kept[4200] = "", next[4300];
	char *argv[] = {(char *)r->cc, "--version", NULL};
	uint64_t v = 1469598103934665603ull, id = 1469598103934665603ull;
	unsigned long long got;
	struct stat st;
	FILE *f = NULL, *w;

	if (strcmp(known_cc, r->cc) == 0) {
		tc_hash_bytes(h, &known, sizeof(known));
		return 0;
	}
	if (strchr(r->cc, '/') && stat(r->cc, &st) == 0) {
		int64_t fields[] = {(int64_t)st.st_dev, (int64_t)st.st_ino, (int64_t)st.st_size,
				    (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec,
				    (int64_t)st.st_ctim.tv_sec, (int64_t)st.st_ctim.tv_nsec};

		tc_hash_text(&id, r->cc);
		tc_hash_bytes(&id, fields, sizeof(fields));
		tc_name_in(kept, sizeof(kept), cache, "cc-%016llx", (unsigned long long)id);
		f = fopen(kept, "r");
	}
	if (f && fscanf(f, "%llx", &got) == 1) {
		v = got;
	} else {
		if (make_build_dir(tmp, tmp_size, cache, err, errlen)) {
			if (f)
				fclose(f);
			return -1;
		}
		tc_name_in(log, sizeof(log), tmp, "cc-version");
		if (tc_run_tool(argv, log) != 0 || tc_hash_file(&v, log)) {
			if (f)
				fclose(f);
			tc_say(err, errlen, "%s: the guest compiler does not run", r->cc);
			return -1;
		}
		/* written aside and renamed: a reader never sees half of it */
		tc_name_in(next, sizeof(next), tmp, "cc-identity");
		w = kept[0] ? fopen(next, "w") : NULL;
		if (w) {
			bool ok = fprintf(w, "%016llx\n", (unsigned long long)v) > 0;

			if (fclose(w) == 0 && ok)
				(void)rename(next, kept);
		}
	}
	if (f)
		fclose(f);
	snprintf(known_cc, sizeof(known_cc), "%s", r->cc);
	known = v;
	tc_hash_bytes(h, &known, sizeof(known));
	return 0;
}

static int compile_source(const struct recipe *r, const struct toolchain_source *s, const char *tmp,
			  unsigned i, bool *compile_error, char *err, size_t errlen)
{
	const char *argv[MAX_ARGS * 2 + 16];
	char obj[4200], dep[4200], log[4200];
	size_t n = 0;

	tc_name_in(obj, sizeof(obj), tmp, "user%u.o", i);
	tc_name_in(dep, sizeof(dep), tmp, "user%u.d", i);
	tc_name_in(log, sizeof(log), tmp, "user%u.log", i);
	argv[n++] = r->cc;
	for (size_t k = 0; s->own_flags && s->own_flags[k] && n < MAX_ARGS; k++)
		argv[n++] = s->own_flags[k];
	for (size_t k = 0; !s->own_flags && k < r->ncflags; k++)
		argv[n++] = r->cflags[k];
	for (size_t k = 0; !s->own_flags && s->traced && k < r->ntraced; k++)
		argv[n++] = r->traced[k];
	argv[n++] = "-MD";
	argv[n++] = "-MF";
	argv[n++] = dep;
	argv[n++] = "-c";
	argv[n++] = s->path;
	argv[n++] = "-o";
	argv[n++] = obj;
	argv[n] = NULL;
	if (tc_run_tool((char *const *)argv, log) != 0) {
		tc_first_error_line(log, "compiling with the image's flags", err, errlen);
		*compile_error = true;
		return -1;
	}
	return 0;
}

/* A copy of a bundled object with every global definition weak, so a user's wins. */
static int weakened_copy(const struct recipe *r, size_t i, const char *tmp, char *err, size_t errlen)
{
	char out[4200], log[4200];
	char *argv[] = {(char *)r->objcopy, "--weaken", (char *)r->objects[i], out, NULL};

	tc_name_in(out, sizeof(out), tmp, "bundled%zu.o", i);
	tc_name_in(log, sizeof(log), tmp, "objcopy.log");
	if (tc_run_tool(argv, log) != 0) {
		tc_first_error_line(log, "weakening the bundled objects", err, errlen);
		return -1;
	}
	return 0;
}

static int link_image(const struct recipe *r, size_t nsources, const char *tmp,
		      bool *compile_error, char *err, size_t errlen)
{
	static char paths[MAX_SOURCES + MAX_ARGS][4200];
	const char *argv[MAX_ARGS * 3 + 16];
	char elf[4200], log[4200];
	size_t n = 0, p = 0;

	tc_name_in(elf, sizeof(elf), tmp, "image.elf");
	tc_name_in(log, sizeof(log), tmp, "link.log");
	argv[n++] = r->cc;
	for (size_t k = 0; k < r->nlink; k++)
		argv[n++] = r->link[k];
	argv[n++] = "-o";
	argv[n++] = elf;
	for (size_t i = 0; i < nsources; i++, p++) {
		tc_name_in(paths[p], sizeof(paths[p]), tmp, "user%zu.o", i);
		argv[n++] = paths[p];
	}
	for (size_t i = 0; i < r->nobjects; i++, p++) {
		tc_name_in(paths[p], sizeof(paths[p]), tmp, "bundled%zu.o", i);
		argv[n++] = paths[p];
	}
	argv[n] = NULL;
	if (tc_run_tool((char *const *)argv, log) != 0) {
		tc_first_error_line(log, "linking with the image's objects", err, errlen);
		*compile_error = true;
		return -1;
	}
	return 0;
}

static int build_entry(const struct recipe *r, const struct toolchain_source *sources, size_t n,
		       const char *tmp, bool *compile_error, char *err, size_t errlen)
{
	char deps[4200], dep[4200];
	FILE *out;

	for (size_t i = 0; i < n; i++)
		if (compile_source(r, &sources[i], tmp, (unsigned)i, compile_error, err, errlen))
			return -1;
	for (size_t i = 0; i < r->nobjects; i++)
		if (weakened_copy(r, i, tmp, err, errlen))
			return -1;
	if (link_image(r, n, tmp, compile_error, err, errlen))
		return -1;
	tc_name_in(deps, sizeof(deps), tmp, "deps");
	out = fopen(deps, "w");
	if (!out) {
		tc_say(err, errlen, "%s: cannot write: %s", deps, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		tc_name_in(dep, sizeof(dep), tmp, "user%zu.d", i);
		tc_record_deps(dep, out);
	}
	if (fclose(out) != 0) {
		tc_say(err, errlen, "%s: cannot write: %s", deps, strerror(errno));
		return -1;
	}
	return 0;
}

int toolchain_build(const char *recipe, const struct toolchain_source *sources, size_t n,
		    char *elf, size_t elf_size, bool *compile_error, char *err, size_t errlen)
{
	struct recipe r;
	struct toolchain_source real[MAX_SOURCES];
	char cache[4096], tmp[4200] = "", entry[4200], deps[4300], paths[MAX_SOURCES][4096];
	uint64_t key = 1469598103934665603ull;
	int rc = -1;

	*compile_error = false;
	memset(&r, 0, sizeof(r));
	if (n > MAX_SOURCES) {
		tc_say(err, errlen, "at most %d sources", MAX_SOURCES);
		*compile_error = true;
		return -1;
	}
	if (toolchain_cache_dir(cache, sizeof(cache)) || tc_make_dirs(cache)) {
		tc_say(err, errlen, "no cache directory for built images (set XDG_CACHE_HOME or HOME)");
		return -1;
	}
	if (read_recipe(recipe, &r, err, errlen))
		goto out;
	hash_recipe(&key, &r);
	if (hash_compiler(&key, &r, cache, tmp, sizeof(tmp), err, errlen))
		goto out_tmp;
	for (size_t i = 0; i < r.nobjects; i++)
		if (tc_hash_file(&key, r.objects[i])) {
			tc_say(err, errlen, "%s: a bundled object is missing: rebuild patchcheck", r.objects[i]);
			goto out_tmp;
		}
	for (size_t i = 0; i < n; i++) { /* by their canonical paths: the same build from anywhere */
		if (!realpath(sources[i].path, paths[i])) {
			tc_say(err, errlen, "%s: cannot read: %s", sources[i].path, strerror(errno));
			*compile_error = true;
			goto out_tmp;
		}
		real[i] = sources[i];
		real[i].path = paths[i];
	}
	sources = real;
	for (size_t i = 0; i < n; i++) {
		tc_hash_text(&key, sources[i].path);
		tc_hash_text(&key, sources[i].traced ? "traced" : "plain");
		for (size_t k = 0; sources[i].own_flags && sources[i].own_flags[k]; k++)
			tc_hash_text(&key, sources[i].own_flags[k]);
		if (tc_hash_file(&key, sources[i].path)) {
			tc_say(err, errlen, "%s: cannot read: %s", sources[i].path, strerror(errno));
			*compile_error = true;
			goto out_tmp;
		}
	}
	tc_name_in(entry, sizeof(entry), cache, "%016llx", (unsigned long long)key);
	tc_name_in(deps, sizeof(deps), entry, "deps");
	if (!tc_deps_hold(deps)) {
		if (make_build_dir(tmp, sizeof(tmp), cache, err, errlen) ||
		    build_entry(&r, sources, n, tmp, compile_error, err, errlen))
			goto out_tmp;
		if (rename(tmp, entry) != 0) {
			char stale[4200];

			if (errno != EEXIST && errno != ENOTEMPTY) {
				tc_say(err, errlen, "%s: cannot store the built image: %s", entry,
				       strerror(errno));
				goto out_tmp;
			}
			/* An entry is there: placed meanwhile by another process (use it), or stale
			 * (a header changed): moved aside whole, never deleted in place, so a process
			 * that is loading it keeps its files. */
			tc_name_in(stale, sizeof(stale), cache, "stale-%016llx-%ld",
				   (unsigned long long)key, (long)getpid());
			if (!tc_deps_hold(deps) && rename(entry, stale) == 0) {
				if (rename(tmp, entry) != 0 && errno != EEXIST && errno != ENOTEMPTY) {
					tc_say(err, errlen, "%s: cannot store the built image: %s", entry,
					       strerror(errno));
					tc_remove_tree(stale);
					goto out_tmp;
				}
				tc_remove_tree(stale);
			}
		}
	}
	if (snprintf(elf, elf_size, "%s/image.elf", entry) >= (int)elf_size) {
		tc_say(err, errlen, "%s: path too long", entry);
		goto out_tmp;
	}
	rc = 0;
out_tmp:
	if (tmp[0])
		tc_remove_tree(tmp); /* gone already when it became the entry */
out:
	free(r.text);
	return rc;
}
