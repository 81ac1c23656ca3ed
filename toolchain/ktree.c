/*
 * ktree.c - ktree_prepare(): getting a Linux tree ready to have its own trampolines assembled,
 * unmodified, against patchcheck's compatibility layer.
 *
 * The asm-offsets come from the tree: the arch's offsets program (ours, models/<arch>/kernel/)
 * is compiled with clang -S against the tree's own headers and its "->NAME VALUE" lines are
 * turned into asm/asm-offsets.h. What the kernel build would generate is made the same way:
 * generated/autoconf.h is empty (the CONFIG values the headers need are -D flags of the arch),
 * a missing asm/X.h that exists as asm-generic/X.h becomes a one-line wrapper of it (the
 * kernel's generic-y), the arch's awk-generated headers are made with the tree's own scripts,
 * and any other missing header is an empty file. The work is done in a private directory of
 * the cache; the result, asm/asm-offsets.h, is renamed into a directory named after its own
 * content, so concurrent processes never see a half-written header and agree on the path (and
 * so on the cached images built with it). A process prepares each tree and variant once.
 *
 * Across processes, an index entry (ktree-index-<key>, the key hashing the tree's path, the
 * arch variant, the compiler and the offsets program) names that directory and lists every
 * file the derivation read (the depfile of the offsets compile, the awk scripts and their
 * inputs), each with its hash. While they all still hash the same, the directory is used
 * without compiling again; a changed header, script or program derives the offsets anew.
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../models/arch.h"
#include "toolchain.h"
#include "toolchain_internal.h"

#define MAX_HEADER_ROUNDS 100

static bool is_file(const char *path)
{
	return access(path, R_OK) == 0;
}

static int write_text(const char *path, const char *text)
{
	FILE *f;
	char dir[4200], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		if (tc_make_dirs(dir))
			return -1;
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Make a header the compile found missing ("asm/foo.h", "linux/bar.h"). */
static int provide_header(const char *tree, const char *gen, const char *missing)
{
	char generic[4200], path[4200], text[600];

	if (missing[0] == '/' || strstr(missing, ".."))
		return -1; /* not a header the build generates */

	if (strncmp(missing, "asm/", 4) == 0) {
		tc_name_in(generic, sizeof(generic), tree, "include/asm-generic/%s", missing + 4);
		if (is_file(generic)) {
			tc_name_in(path, sizeof(path), gen, "arch/%s", missing);
			snprintf(text, sizeof(text), "#include <asm-generic/%s>\n", missing + 4);
			return write_text(path, text);
		}
		tc_name_in(generic, sizeof(generic), tree, "include/uapi/asm-generic/%s", missing + 4);
		if (is_file(generic)) {
			tc_name_in(path, sizeof(path), gen, "uapi/%s", missing);
			snprintf(text, sizeof(text), "#include <asm-generic/%s>\n", missing + 4);
			return write_text(path, text);
		}
		tc_name_in(path, sizeof(path), gen, "arch/%s", missing);
		return write_text(path, "");
	}
	tc_name_in(path, sizeof(path), gen, "%s", missing);
	return write_text(path, "");
}

/* The first "'name' file not found" of the compiler's log, into name. */
static bool missing_header(const char *log, char *name, size_t size)
{
	char *text = tc_read_file(log, NULL), *at = text ? strstr(text, "' file not found") : NULL;
	char *start = at;

	while (start && start > text && start[-1] != '\'')
		start--;
	if (at && start > text)
		snprintf(name, size, "%.*s", (int)(at - start), start);
	free(text);
	return at && start > text;
}

/* The headers of k->generated, made by the tree's awk scripts. */
static int generate_headers(const struct arch_kernel_tree *k, const char *tree, const char *gen,
			    char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(k->generated) / sizeof(k->generated[0]); i++) {
		char script[4200], input[4200], out[4200], dir[4200];
		char *argv[] = {"awk", "-f", script, input, NULL};

		if (!k->generated[i].header)
			continue;
		tc_name_in(script, sizeof(script), tree, "%s", k->generated[i].script);
		tc_name_in(input, sizeof(input), tree, "%s", k->generated[i].input);
		tc_name_in(out, sizeof(out), gen, "arch/%s", k->generated[i].header);
		if (!is_file(script) || !is_file(input))
			continue; /* an older tree without it: the header is made empty if needed */
		snprintf(dir, sizeof(dir), "%s", out);
		*strrchr(dir, '/') = 0;
		if (tc_make_dirs(dir) || tc_run_tool(argv, out) != 0) {
			tc_say(err, errlen, "%s: the tree's %s did not run", tree, k->generated[i].script);
			return -1;
		}
	}
	return 0;
}

/* Compile the offsets program into gen/offsets.s, providing missing headers as it asks. */
static int compile_offsets(const struct arch_kernel_tree *k, const char *tree, const char *gen,
			   const char *program, const char *cc, char *err, size_t errlen)
{
	char s_out[4200], d_out[4200], log[4200], inc[7][4200], kconfig[4200], missing[512];
	const char *argv[64];
	size_t n = 0;

	tc_name_in(s_out, sizeof(s_out), gen, "offsets.s");
	tc_name_in(d_out, sizeof(d_out), gen, "offsets.d");
	tc_name_in(log, sizeof(log), gen, "offsets.log");
	tc_name_in(inc[0], sizeof(inc[0]), tree, "arch/%s/include", k->tree_arch);
	tc_name_in(inc[1], sizeof(inc[1]), gen, "arch");
	tc_name_in(inc[2], sizeof(inc[2]), tree, "include");
	tc_name_in(inc[3], sizeof(inc[3]), tree, "arch/%s/include/uapi", k->tree_arch);
	tc_name_in(inc[4], sizeof(inc[4]), gen, "uapi");
	tc_name_in(inc[5], sizeof(inc[5]), tree, "include/uapi");
	snprintf(inc[6], sizeof(inc[6]), "%s", gen);
	tc_name_in(kconfig, sizeof(kconfig), tree, "include/linux/kconfig.h");
	argv[n++] = cc;
	for (size_t i = 0; i < ARCH_KTREE_MAX_FLAGS && k->target_flags[i]; i++)
		argv[n++] = k->target_flags[i];
	argv[n++] = "-S";
	argv[n++] = "-O2";
	argv[n++] = "-nostdinc";
	argv[n++] = "-D__KERNEL__";
	argv[n++] = "-Wno-everything";
	for (size_t i = 0; i < 7; i++) {
		argv[n++] = "-I";
		argv[n++] = inc[i];
	}
	argv[n++] = "-include";
	argv[n++] = kconfig;
	for (size_t i = 0; i < ARCH_KTREE_MAX_FLAGS && k->header_flags[i]; i++)
		argv[n++] = k->header_flags[i];
	argv[n++] = program;
	argv[n++] = "-MD";
	argv[n++] = "-MF";
	argv[n++] = d_out;
	argv[n++] = "-o";
	argv[n++] = s_out;
	argv[n] = NULL;
	for (unsigned round = 0; round < MAX_HEADER_ROUNDS; round++) {
		if (tc_run_tool((char *const *)argv, log) == 0)
			return 0;
		if (!missing_header(log, missing, sizeof(missing)) ||
		    provide_header(tree, gen, missing)) {
			tc_first_error_line(log, "deriving the asm-offsets from the tree's headers", err,
					    errlen);
			return -1;
		}
	}
	tc_say(err, errlen, "%s: the tree's headers still miss headers after %d rounds", tree,
	       MAX_HEADER_ROUNDS);
	return -1;
}

/* "->NAME VALUE" lines of the assembly as #defines in out/asm/asm-offsets.h; how many. */
static int write_offsets(const char *s_file, const char *out, unsigned *count)
{
	char *text = tc_read_file(s_file, NULL), *p = text, path[4200];
	FILE *f;

	*count = 0;
	tc_name_in(path, sizeof(path), out, "asm/asm-offsets.h");
	if (!text || write_text(path, "") || !(f = fopen(path, "w"))) {
		free(text);
		return -1;
	}
	fprintf(f, "/* asm-offsets derived from the tree's own struct definitions by patchcheck */\n"
		   "#ifndef PC_KTREE_ASM_OFFSETS_H\n#define PC_KTREE_ASM_OFFSETS_H\n");
	while ((p = strstr(p, "->"))) {
		char name[64];
		long long value;
		int used = 0;

		p += 2;
		if (sscanf(p, "%63[A-Za-z0-9_] %n", name, &used) != 1)
			continue;
		p += used;
		while (*p == '#' || *p == '$')
			p++;
		if (sscanf(p, "%lld", &value) != 1)
			continue;
		fprintf(f, "#define %s %lld\n", name, value);
		(*count)++;
	}
	fprintf(f, "#endif\n");
	free(text);
	return fclose(f);
}

/* The trees and variants this process has prepared, and where their asm-offsets went. */
#define KTREE_MEMO 8
static struct {
	char tree[PATH_MAX];
	const struct arch_kernel_tree *k;
	char dir[4096];
	unsigned noffsets;
} prepared[KTREE_MEMO];
static unsigned nprepared;

/* The index key of tree (a real path) for k with the offsets program and compiler cc. */
static uint64_t index_key(const struct arch_kernel_tree *k, const char *tree, const char *program,
			  const char *cc)
{
	uint64_t key = TC_FNV_OFFSET;
	struct stat st;

	tc_hash_text(&key, "ktree-index 1");
	tc_hash_text(&key, tree);
	tc_hash_text(&key, k->tree_arch);
	tc_hash_text(&key, k->config_header);
	for (size_t i = 0; i < ARCH_KTREE_MAX_FLAGS; i++) {
		tc_hash_text(&key, k->target_flags[i] ? k->target_flags[i] : "");
		tc_hash_text(&key, k->header_flags[i] ? k->header_flags[i] : "");
	}
	tc_hash_text(&key, cc);
	if (stat(cc, &st) == 0) { /* another compiler installed at the same path */
		tc_hash_bytes(&key, &st.st_size, sizeof(st.st_size));
		tc_hash_bytes(&key, &st.st_mtim, sizeof(st.st_mtim));
	}
	tc_hash_file(&key, program);
	return key;
}

/* The directory (and offset count) the index entry at index names, if every file it lists
 * still hashes the same and the directory is there. */
static bool index_lookup(const char *index, char *dir, size_t size, unsigned *noffsets)
{
	char path[4300], *text;
	bool ok;

	tc_name_in(path, sizeof(path), index, "deps");
	if (!tc_deps_hold(path))
		return false;
	tc_name_in(path, sizeof(path), index, "result");
	text = tc_read_file(path, NULL);
	ok = text && sscanf(text, "%u", noffsets) == 1 && strchr(text, '\n') &&
	     snprintf(dir, size, "%s", strchr(text, '\n') + 1) < (int)size;
	free(text);
	if (ok && (!*dir || dir[strlen(dir) - 1] != '\n'))
		ok = false;
	if (ok)
		dir[strlen(dir) - 1] = 0;
	tc_name_in(path, sizeof(path), dir, "asm/asm-offsets.h");
	return ok && is_file(path);
}

/* Write the index entry for the derivation in work (its depfile gen/offsets.d) that put its
 * offsets in dir: built in a directory of its own and renamed into place. Best effort: without
 * it the next process derives the offsets again. */
static void index_store(const struct arch_kernel_tree *k, const char *tree, const char *work,
			const char *index, const char *dir, unsigned noffsets)
{
	char tmp[4300], path[4300], *text = NULL, *line, *end;
	size_t len = 0, prefix = strlen(work);
	FILE *all = open_memstream(&text, &len), *out;

	if (!all)
		return;
	tc_name_in(path, sizeof(path), work, "gen/offsets.d");
	tc_record_deps(path, all);
	for (size_t i = 0; i < sizeof(k->generated) / sizeof(k->generated[0]); i++) {
		if (!k->generated[i].header)
			continue;
		tc_name_in(path, sizeof(path), tree, "%s", k->generated[i].script);
		if (is_file(path))
			tc_record_dep(path, all);
		tc_name_in(path, sizeof(path), tree, "%s", k->generated[i].input);
		if (is_file(path))
			tc_record_dep(path, all);
	}
	if (fclose(all) != 0) {
		free(text);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s-tmp-%ld", index, (long)getpid());
	tc_name_in(path, sizeof(path), tmp, "deps");
	if (tc_make_dirs(tmp) || !(out = fopen(path, "w"))) {
		free(text);
		tc_remove_tree(tmp);
		return;
	}
	/* The files made in the work directory are gone: what they were made from is listed. */
	for (line = text; *line; line = end) { /* each line "hash path\n" (tc_record_dep) */
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (strncmp(line + 17, work, prefix) != 0)
			fwrite(line, 1, (size_t)(end - line), out);
	}
	free(text);
	if (fclose(out) != 0) {
		tc_remove_tree(tmp);
		return;
	}
	tc_name_in(path, sizeof(path), tmp, "result");
	if (!(out = fopen(path, "w"))) {
		tc_remove_tree(tmp);
		return;
	}
	fprintf(out, "%u\n%s\n", noffsets, dir);
	if (fclose(out) != 0) {
		tc_remove_tree(tmp);
		return;
	}
	if (rename(tmp, index) != 0) {
		/* an entry is there already (stale, or placed meanwhile by another process): this
		 * one, just derived, takes its place; moved aside whole, never rewritten in place */
		char stale[4400];

		snprintf(stale, sizeof(stale), "%s-stale-%ld", index, (long)getpid());
		if (rename(index, stale) == 0) {
			if (rename(tmp, index) != 0)
				tc_remove_tree(tmp);
			tc_remove_tree(stale);
		}
	}
	tc_remove_tree(tmp);
}

/* Derive the asm-offsets of tree (a real path) for k into a directory of the cache named
 * after their content, into dir. 0, or -1 with err. */
static int derive_offsets(const struct arch_kernel_tree *k, const char *tree,
			  const char *models_dir, const char *cc, char *dir, size_t size,
			  unsigned *noffsets, char *err, size_t errlen)
{
	char cache[4096], work[4200], gen[4200], program[4200], s_file[4200], probe[4300];
	char index[4200];
	uint64_t key = TC_FNV_OFFSET;
	int rc = -1;

	if (toolchain_cache_dir(cache, sizeof(cache)) || tc_make_dirs(cache)) {
		tc_say(err, errlen, "no cache directory (set XDG_CACHE_HOME or HOME)");
		return -1;
	}
	tc_name_in(program, sizeof(program), models_dir, "%s", k->offsets_program);
	tc_name_in(index, sizeof(index), cache, "ktree-index-%016llx",
		   (unsigned long long)index_key(k, tree, program, cc));
	if (index_lookup(index, dir, size, noffsets))
		return 0;
	tc_name_in(work, sizeof(work), cache, "ktree-tmp-XXXXXX");
	if (!mkdtemp(work)) {
		tc_say(err, errlen, "%s: cannot create a work directory: %s", cache, strerror(errno));
		return -1;
	}
	tc_name_in(gen, sizeof(gen), work, "gen");
	tc_name_in(s_file, sizeof(s_file), gen, "offsets.s");
	tc_name_in(probe, sizeof(probe), gen, "generated/autoconf.h");
	if (tc_make_dirs(gen) || write_text(probe, "")) {
		tc_say(err, errlen, "%s: cannot write: %s", gen, strerror(errno));
		goto out;
	}
	if (generate_headers(k, tree, gen, err, errlen) ||
	    compile_offsets(k, tree, gen, program, cc, err, errlen))
		goto out;
	if (write_offsets(s_file, work, noffsets) || !*noffsets) {
		tc_say(err, errlen, "%s: no asm-offsets came out of the tree's struct pt_regs", tree);
		goto out;
	}
	tc_name_in(probe, sizeof(probe), work, "asm/asm-offsets.h");
	tc_hash_text(&key, k->tree_arch);
	tc_hash_text(&key, k->config_header);
	if (tc_hash_file(&key, probe)) {
		tc_say(err, errlen, "%s: cannot read: %s", probe, strerror(errno));
		goto out;
	}
	tc_name_in(dir, size, cache, "ktree-%s-%016llx", k->tree_arch, (unsigned long long)key);
	index_store(k, tree, work, index, dir, *noffsets);
	tc_remove_tree(gen);
	if (rename(work, dir) != 0 && errno != EEXIST && errno != ENOTEMPTY) {
		tc_say(err, errlen, "%s: cannot store the asm-offsets: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0; /* placed, or another process placed the same content first */
out:
	tc_remove_tree(work); /* gone already when it became dir */
	return rc;
}

int ktree_prepare(const struct arch_kernel_tree *k, const char *tree, const char *models_dir,
		  const char *cc, struct ktree_flags *out, char *err, size_t errlen)
{
	char real[PATH_MAX], probe[4200];
	unsigned i;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!realpath(tree, real)) {
		tc_say(err, errlen, "%s: no such kernel tree: %s", tree, strerror(errno));
		return -1;
	}
	tc_name_in(probe, sizeof(probe), real, "arch/%s/include/asm/ptrace.h", k->tree_arch);
	if (!is_file(probe)) {
		tc_say(err, errlen, "%s: not a Linux source tree with arch/%s (no %s)", tree,
		       k->tree_arch, probe);
		return -1;
	}
	for (i = 0; i < nprepared; i++)
		if (prepared[i].k == k && strcmp(prepared[i].tree, real) == 0)
			break;
	if (i < nprepared) {
		snprintf(out->dir, sizeof(out->dir), "%s", prepared[i].dir);
		out->noffsets = prepared[i].noffsets;
	} else {
		if (derive_offsets(k, real, models_dir, cc, out->dir, sizeof(out->dir),
				   &out->noffsets, err, errlen))
			return -1;
		if (nprepared < KTREE_MEMO) {
			snprintf(prepared[nprepared].tree, sizeof(prepared[0].tree), "%s", real);
			prepared[nprepared].k = k;
			snprintf(prepared[nprepared].dir, sizeof(prepared[0].dir), "%s", out->dir);
			prepared[nprepared++].noffsets = out->noffsets;
		}
	}

	/* The flags of the tree's .S files: the arch, the kernel's, our layer first. */
	for (size_t i = 0; i < ARCH_KTREE_MAX_FLAGS && k->target_flags[i]; i++)
		out->flags[n++] = k->target_flags[i];
	out->flags[n++] = "-nostdinc";
	out->flags[n++] = "-D__KERNEL__";
	out->flags[n++] = "-D__ASSEMBLY__";
	out->flags[n++] = "-fno-PIE";
	out->flags[n++] = "-I";
	out->flags[n++] = out->dir; /* asm/asm-offsets.h */
	tc_name_in(out->strings[0], sizeof(out->strings[0]), models_dir, "%s", k->compat_include);
	out->flags[n++] = "-I";
	out->flags[n++] = out->strings[0];
	tc_name_in(out->strings[1], sizeof(out->strings[1]), models_dir, "common/kernel/include");
	out->flags[n++] = "-I";
	out->flags[n++] = out->strings[1];
	tc_name_in(out->strings[2], sizeof(out->strings[2]), models_dir, "%s", k->config_header);
	out->flags[n++] = "-include";
	out->flags[n++] = out->strings[2];
	for (size_t i = 0; i < ARCH_KTREE_MAX_FLAGS && k->asm_flags[i] && n + 1 < KTREE_MAX_FLAGS; i++)
		out->flags[n++] = k->asm_flags[i];
	out->flags[n] = NULL;
	return 0;
}
