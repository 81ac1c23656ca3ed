/*
 * scenario_sources.c - a scenario's own code: `sources:` and `traced_sources:` (.c or .S files
 * built into the named bundled image with its toolchain and flags, toolchain/toolchain.h) or
 * `elf:` (a prebuilt ELF used in place of a bundled image). Paths are relative to the scenario
 * file's directory; each must name a readable file of the right kind, and the two ways exclude
 * each other. `kernel_sources:` names files inside a Linux tree (given at run time with
 * --kernel-tree), relative paths without "..".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenario_internal.h"

static struct src_pos pos_of(const struct doc_index *idx, const char *path)
{
	const struct doc_node *node = scn_doc_find(idx, "%s", path);

	return node ? node->pos : (struct src_pos){ 0 };
}

/* path resolved against the directory of the scenario file into out; 2 with a message when it
 * does not fit, cannot be read, or (when exts is given) does not end in one of them. */
static int resolve(const struct scn_errctx *ctx, struct src_pos pos, const char *what,
		   const char *path, const char *const *exts, char *out, size_t size)
{
	const char *slash = strrchr(ctx->file, '/');
	int n, ok = !exts;

	if (!*path)
		return scn_fail(ctx, pos, "%s must not be empty", what);
	for (; exts && *exts; exts++) {
		size_t lp = strlen(path), le = strlen(*exts);

		ok |= lp > le && strcmp(path + lp - le, *exts) == 0;
	}
	if (!ok)
		return scn_fail(ctx, pos, "%s '%s' is neither C (.c) nor assembly (.S)", what, path);
	if (path[0] == '/' || !slash)
		n = snprintf(out, size, "%s", path);
	else
		n = snprintf(out, size, "%.*s/%s", (int)(slash - ctx->file), ctx->file, path);
	if (n < 0 || (size_t)n >= size)
		return scn_fail(ctx, pos, "%s '%s': path too long", what, path);
	if (access(out, R_OK) != 0)
		return scn_fail(ctx, pos, "%s '%s': cannot read %s: %s", what, path, out,
				strerror(errno));
	return 0;
}

static int take_list(const struct doc_index *idx, const struct scn_errctx *ctx,
		     const char *key, char **list, unsigned count, bool traced, struct scenario *out)
{
	static const char *const exts[] = {".c", ".S", NULL};

	for (unsigned i = 0; i < count; i++) {
		char what[48];
		struct src_pos pos;

		snprintf(what, sizeof(what), "%s[%u]", key, i);
		pos = pos_of(idx, what);
		if (out->nsources >= SCN_MAX_SOURCES)
			return scn_fail(ctx, pos, "at most %d sources in all", SCN_MAX_SOURCES);
		if (resolve(ctx, pos, what, list[i], exts, out->sources[out->nsources],
			    sizeof(out->sources[0])))
			return 2;
		out->source_traced[out->nsources] = traced;
		out->pos_sources[out->nsources++] = pos;
	}
	return 0;
}

int scn_take_sources(const struct raw_scenario *raw, const struct doc_index *idx,
		     const struct scn_errctx *ctx, struct scenario *out)
{
	out->nsources = 0;
	out->elf[0] = 0;
	if (raw->elf && raw->kernel_sources_count)
		return scn_fail(ctx, pos_of(idx, "elf"),
				"elf names a prebuilt image, kernel_sources build one: give one or the other");
	if (raw->elf && (raw->sources_count || raw->traced_sources_count))
		return scn_fail(ctx, pos_of(idx, "elf"),
				"elf names a prebuilt image, sources build one: give one or the other");
	if (raw->elf && raw->image)
		return scn_fail(ctx, pos_of(idx, "image"),
				"image names a bundled image, elf a prebuilt one: give one or the other");
	if (raw->elf) {
		out->pos_elf = pos_of(idx, "elf");
		return resolve(ctx, out->pos_elf, "elf", raw->elf, NULL, out->elf, sizeof(out->elf));
	}
	out->nkernel_sources = 0;
	for (unsigned i = 0; i < raw->kernel_sources_count; i++) {
		char what[48];
		const char *p = raw->kernel_sources[i];
		struct src_pos pos;

		snprintf(what, sizeof(what), "kernel_sources[%u]", i);
		pos = pos_of(idx, what);
		if (i >= SCN_MAX_SOURCES)
			return scn_fail(ctx, pos, "at most %d kernel sources", SCN_MAX_SOURCES);
		if (!*p || p[0] == '/' || strstr(p, "..") || strlen(p) >= sizeof(out->kernel_sources[0]))
			return scn_fail(ctx, pos, "%s '%s' is not a path inside a kernel tree", what, p);
		snprintf(out->kernel_sources[i], sizeof(out->kernel_sources[0]), "%s", p);
		out->pos_kernel_sources[i] = pos;
		out->nkernel_sources++;
	}
	if (take_list(idx, ctx, "sources", raw->sources, raw->sources_count, false, out) ||
	    take_list(idx, ctx, "traced_sources", raw->traced_sources, raw->traced_sources_count,
		      true, out))
		return 2;
	return 0;
}
