/*
 * scenario_internal.h - private interfaces between the files of the scenario loader.
 *
 * scenario_load (scenario_yaml.c) reads a file and runs three passes over it:
 *   1. scenario_doc.c   plain libyaml: an index of every node by key path ("harts[1].run[0]")
 *                       with its source position and scalar text; catches YAML syntax errors;
 *   2. scenario_yaml.c  libcyaml: maps the file onto struct raw_scenario through a schema,
 *                       rejecting unknown keys, missing keys and wrongly typed values;
 *   3. scenario_build.c semantic checks (enums, ranges, call syntax via scenario_call.c) and
 *                       the copy into struct scenario, with positions taken from the index.
 * Every error is one line "file:line:col: message" made by scn_fail.
 */
#ifndef PATCHCHECK_SCENARIO_INTERNAL_H
#define PATCHCHECK_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "explorer.h"

/* ---- errors ---- */

struct scn_errctx {
	const char *file; /* as given to scenario_load */
	char *err;
	size_t errlen;
};

/* Format "file:line:col: message" (or "file: message" when pos.line is 0) into ctx->err as a
 * single line; returns 2, the bad-input exit code. */
int scn_fail(const struct scn_errctx *ctx, struct src_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- pass 1: the document index (scenario_doc.c) ---- */

enum doc_kind { DOC_SCALAR, DOC_SEQUENCE, DOC_MAPPING };

struct doc_node {
	char *path;             /* "" for the root, "bounds.preemptions", "harts[1].run[0]" */
	enum doc_kind kind;
	struct src_pos pos;     /* where the value starts (1-based) */
	struct src_pos key_pos; /* where its key starts, for mapping values; else pos */
	char *value;            /* scalar text; NULL for sequences and mappings */
	bool quoted;            /* a scalar written in quotes (or as a block): always text */
	bool literal;           /* a literal block scalar (|): its lines are the file's lines */
	struct src_pos content_pos; /* a scalar: where its text starts (past a quote, in a block) */
	unsigned count;         /* entries of a sequence or mapping */
};

struct doc_index {
	struct doc_node *nodes; /* in document order; nodes[0] is the root */
	size_t n, cap;
};

/* Index a YAML text of one document. Returns 0, or 2 with the error in ctx. */
int scn_doc_build(struct doc_index *idx, const char *text, size_t len,
		  const struct scn_errctx *ctx);
void scn_doc_free(struct doc_index *idx);

/* The node at a key path built from a printf format, or NULL. */
const struct doc_node *scn_doc_find(const struct doc_index *idx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A plain scalar YAML reads as null: "~", "null", "Null", "NULL", or nothing at all. */
bool scn_doc_is_null(const struct doc_node *node);

/* "a scalar", "a list", "a mapping": for messages. */
const char *scn_doc_kind_phrase(enum doc_kind kind);

/* ---- pass 2: what libcyaml fills (scenario_yaml.c) ---- */

/* Integer and boolean fields are in the schema so that libcyaml checks they are scalars; their
 * values are read again from the index's text by scn_build, strictly (libcyaml's conversion
 * takes "1e3" as 1 and "maybe" as true), and range-checked there. Absent keys read 0 (or
 * NULL): presence is told by the index. */
struct raw_bounds {
	unsigned long preemptions;
	unsigned long steps_per_call;
	unsigned long max_executions;
};

struct raw_interrupt {
	char *handler;
	bool nmi;
	unsigned long max;
};

struct raw_hart {
	struct raw_interrupt *interrupt;
	char *role;
	char *asm_text;         /* asm: (regs: is read from the index) */
	unsigned long repeat;
	bool complete;
	/* run: a string or a list, which a libcyaml schema cannot express; read from the index */
};

struct raw_scenario {
	char *name, *description, *arch, *image;
	char **sources;
	unsigned sources_count;
	char **traced_sources;
	unsigned traced_sources_count;
	char *elf;
	char **kernel_sources;
	unsigned kernel_sources_count;
	char **setup;
	unsigned setup_count;
	struct raw_hart *harts;
	unsigned harts_count;
	char **watch;
	unsigned watch_count;
	char **retire;
	unsigned retire_count;
	char **redirects;
	unsigned redirects_count;
	char *callback_sees;
	bool callback_must_run;
	char *skip;
	char **ignore;
	unsigned ignore_count;
	char **covers;
	unsigned covers_count;
	char **ops;
	unsigned ops_count;
	unsigned long stack_args;
	char *protocol, *fetch, *data_memory;
	char **cache_type;
	unsigned cache_type_count;
	struct raw_bounds *bounds;
	char *expect, *fails_with;
	/* litmus (memory: is read from the index) */
	char **observe;
	unsigned observe_count;
	char *exists, *outcome;
};

/* ---- pass 3: semantic checks and the copy (scenario_build.c, scenario_call.c) ---- */

/* Check raw against the rules libcyaml cannot express and fill out. Returns 0 or 2. */
int scn_build(const struct raw_scenario *raw, const struct doc_index *idx,
	      const struct scn_errctx *ctx, struct scenario *out);

/* scenario_sources.c: sources, traced_sources and elf, resolved against the file's directory
 * and checked to be readable. Returns 0 or 2. */
int scn_take_sources(const struct raw_scenario *raw, const struct doc_index *idx,
		     const struct scn_errctx *ctx, struct scenario *out);

/* scenario_litmus.c: asm: harts' code and initial registers, memory:, observe:, exists: and
 * outcome:. After the harts are taken. Returns 0 or 2. */
int scn_take_litmus(const struct raw_scenario *raw, const struct doc_index *idx,
		    const struct scn_errctx *ctx, struct scenario *out);

/* What an integer key must hold, e.g. "an integer from 1 to 1000"; NULL for unknown keys. */
const char *scn_int_expectation(const char *key);

/* Parse "func(arg, ...)" into call (func_addr left 0). On failure returns false with the
 * reason (e.g. "empty argument") in why. */
bool scn_call_parse(const char *text, struct scn_call *call, char *why, size_t whylen);

/* [A-Za-z_.][A-Za-z0-9_.]* */
bool scn_symbol_name_valid(const char *name);
/* A symbol name, optionally followed by "+N" (decimal or 0x hex). */
bool scn_symbol_offset_valid(const char *text);

#endif
