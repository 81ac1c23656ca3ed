/*
 * scenario_litmus.c - the litmus keys of a scenario file: a hart's code inline (asm:, with its
 * initial registers regs:), named memory words (memory:), the values each outcome records
 * (observe:), the final condition (exists:) and its expected verdict (outcome:).
 *
 * A hart with asm: runs routine litmus_hart<N>, whose body is the block (explorer/
 * litmus_source.c writes it out for the toolchain); its one call takes no arguments, and
 * regs: sets registers before the first instruction. memory: names words of shared data:
 * `x: 0` (a word of the arch's register width) or `x: {value: 0, size: 4}`.
 */
#include <stdio.h>
#include <string.h>

#include "../models/arch.h"
#include "scenario_internal.h"

static struct src_pos pos_of(const struct doc_index *idx, const char *path)
{
	const struct doc_node *node = scn_doc_find(idx, "%s", path);

	return node ? node->pos : (struct src_pos){ 0 };
}

/* Where offset `at` of a scalar's text is in the file (counting the lines it spans). */
static struct src_pos pos_in_scalar(const struct doc_node *node, const char *text, size_t at)
{
	struct src_pos pos = node->content_pos;

	for (size_t i = 0; i < at && text[i]; i++) {
		if (text[i] == '\n') {
			pos.line++;
			pos.col = node->content_pos.col;
		} else {
			pos.col++;
		}
	}
	return pos;
}

/* A whole number, optionally negative, fitting width bytes, into value; false if not. */
static bool signed_whole_number(const char *text, unsigned width, uint64_t *value)
{
	return litmus_value_parse(text, strlen(text), width, value) == WHOLE_NUMBER_OK;
}

/* The direct entries of the mapping at path, in order: calls fn with each key's node. */
static int for_each_entry(const struct doc_index *idx, const char *path,
			  int (*fn)(void *ud, const struct doc_node *node, const char *key),
			  void *ud)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < idx->n; i++) {
		const char *p = idx->nodes[i].path;
		int rc;

		if (strncmp(p, path, len) != 0 || p[len] != '.' || strpbrk(p + len + 1, ".["))
			continue;
		if ((rc = fn(ud, &idx->nodes[i], p + len + 1)))
			return rc;
	}
	return 0;
}

struct litmus_build {
	const struct doc_index *idx;
	const struct scn_errctx *ctx;
	struct scenario *out;
	const struct arch_model *arch;
	unsigned hart;
};

/* ---- memory: ---- */

static int take_location(void *ud, const struct doc_node *node, const char *key)
{
	struct litmus_build *b = ud;
	struct litmus_spec *l = &b->out->litmus;
	struct scn_location *loc;
	const struct doc_node *value = node, *size;
	uint64_t n;

	if (l->nlocations >= SCN_MAX_LOCATIONS)
		return scn_fail(b->ctx, node->key_pos, "memory: has at most %d locations",
				SCN_MAX_LOCATIONS);
	if (!scn_symbol_name_valid(key) || strlen(key) >= sizeof(loc->name))
		return scn_fail(b->ctx, node->key_pos, "memory location '%s' is not a symbol name",
				key);
	loc = &l->locations[l->nlocations];
	snprintf(loc->name, sizeof(loc->name), "%s", key);
	loc->pos = node->key_pos;
	loc->size = b->arch->word_size;
	if (node->kind == DOC_MAPPING) {
		value = scn_doc_find(b->idx, "%s.value", node->path);
		size = scn_doc_find(b->idx, "%s.size", node->path);
		if (node->count != (unsigned)(value != NULL) + (size != NULL))
			return scn_fail(b->ctx, node->pos, "memory.%s takes value: and size: only",
					key);
		if (!value)
			return scn_fail(b->ctx, node->pos, "memory.%s has no value:", key);
		if (size && (size->kind != DOC_SCALAR || size->quoted ||
			     !whole_number_in_range(size->value, 1, 8, &n) || (n & (n - 1))))
			return scn_fail(b->ctx, size->pos, "memory.%s.size must be 1, 2, 4 or 8, "
					"got '%s'", key, size->value ? size->value : "");
		if (size)
			loc->size = (unsigned)n;
	}
	if (value->kind != DOC_SCALAR || value->quoted ||
	    !signed_whole_number(value->value, loc->size, &loc->value))
		return scn_fail(b->ctx, value->pos, "memory.%s must be a whole number that fits %u "
				"bytes, got %s'%s'", key, loc->size, value->quoted ? "the text " : "",
				value->value ? value->value : "a mapping");
	for (unsigned i = 0; i < l->nlocations; i++)
		if (strcmp(l->locations[i].name, key) == 0)
			return scn_fail(b->ctx, node->key_pos, "duplicate location '%s'", key);
	l->nlocations++;
	return 0;
}

static int take_memory(struct litmus_build *b)
{
	const struct doc_node *mem = scn_doc_find(b->idx, "memory");

	if (!mem)
		return 0;
	if (mem->kind != DOC_MAPPING)
		return scn_fail(b->ctx, mem->pos, "memory must be a mapping of locations (x: 0), got %s",
				scn_doc_kind_phrase(mem->kind));
	return for_each_entry(b->idx, "memory", take_location, b);
}

/* ---- asm: and regs: ---- */

static int take_init_reg(void *ud, const struct doc_node *node, const char *key)
{
	struct litmus_build *b = ud;
	struct scn_hart *hart = &b->out->harts[b->hart];
	const struct arch_model *arch = b->arch;
	struct scn_init_reg *r;
	int reg = arch_reg_index(arch, key);

	if (hart->ninit >= SCN_MAX_INIT_REGS)
		return scn_fail(b->ctx, node->key_pos, "regs: sets at most %d registers",
				SCN_MAX_INIT_REGS);
	if (reg < 0 || reg == arch->reg_pc || reg == arch->reg_sp || reg == arch->reg_lr ||
	    (arch->abi_fixed_mask & (1ull << reg)))
		return scn_fail(b->ctx, node->key_pos, "'%s' is not a register a hart's code can "
				"start with on %s (not pc, sp, the link register or a fixed one)",
				key, arch->name);
	r = &hart->init[hart->ninit];
	*r = (struct scn_init_reg){.reg = reg, .pos = node->pos};
	if (node->kind != DOC_SCALAR || node->quoted)
		return scn_fail(b->ctx, node->pos, "harts[%u].regs.%s must be a whole number or a "
				"symbol", b->hart, key);
	if (!signed_whole_number(node->value, arch->word_size, &r->value)) {
		if (!scn_symbol_name_valid(node->value) || strlen(node->value) >= sizeof(r->symbol))
			return scn_fail(b->ctx, node->pos, "harts[%u].regs.%s must be a whole number "
					"that fits a register or a symbol, got '%s'", b->hart, key,
					node->value);
		r->is_symbol = true;
		snprintf(r->symbol, sizeof(r->symbol), "%s", node->value);
	}
	hart->ninit++;
	return 0;
}

static int take_asm_hart(struct litmus_build *b, const char *text)
{
	struct scn_hart *hart = &b->out->harts[b->hart];
	const struct doc_node *node = scn_doc_find(b->idx, "harts[%u].asm", b->hart);
	const struct doc_node *regs = scn_doc_find(b->idx, "harts[%u].regs", b->hart);
	size_t len = strlen(text);

	if (len == 0)
		return scn_fail(b->ctx, node->pos, "harts[%u].asm must not be empty", b->hart);
	if (len >= sizeof(hart->asm_text))
		return scn_fail(b->ctx, node->pos, "harts[%u].asm is too long (%zu bytes, at most "
				"%zu)", b->hart, len, sizeof(hart->asm_text) - 1);
	memcpy(hart->asm_text, text, len + 1);
	hart->pos_asm = node->content_pos;
	if (node->literal) /* the block's lines are the file's from the one after the '|' */
		hart->pos_asm.line = node->pos.line + 1;
	hart->ncalls = 1;
	snprintf(hart->calls[0].func, sizeof(hart->calls[0].func), "litmus_hart%u", b->hart);
	hart->calls[0].pos = node->pos;
	if (!regs)
		return 0;
	if (regs->kind != DOC_MAPPING)
		return scn_fail(b->ctx, regs->pos, "harts[%u].regs must be a mapping (x0: 1), got %s",
				b->hart, scn_doc_kind_phrase(regs->kind));
	char path[32];

	snprintf(path, sizeof(path), "harts[%u].regs", b->hart);
	return for_each_entry(b->idx, path, take_init_reg, b);
}

static int take_harts_code(const struct raw_scenario *raw, struct litmus_build *b)
{
	for (unsigned h = 0; h < raw->harts_count; h++) {
		const struct doc_node *regs = scn_doc_find(b->idx, "harts[%u].regs", h);

		b->hart = h;
		if (raw->harts[h].asm_text) {
			if (take_asm_hart(b, raw->harts[h].asm_text))
				return 2;
		} else if (regs) {
			return scn_fail(b->ctx, regs->key_pos, "harts[%u].regs sets the registers of "
					"asm: code; this hart runs calls", h);
		}
	}
	return 0;
}

/* ---- observe:, exists:, outcome: ---- */

static int take_observe(const struct raw_scenario *raw, struct litmus_build *b)
{
	for (unsigned i = 0; i < raw->observe_count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "observe[%u]", i);
		char why[160];
		size_t at;

		if (!litmus_observable_parse(b->out, raw->observe[i], &at, why, sizeof(why)))
			return scn_fail(b->ctx, pos_in_scalar(node, raw->observe[i], at),
					"observe[%u]: %s", i, why);
	}
	return 0;
}

static int take_exists(const struct raw_scenario *raw, struct litmus_build *b)
{
	struct litmus_spec *l = &b->out->litmus;
	const struct doc_node *node = scn_doc_find(b->idx, "exists");
	char why[160];
	size_t at;

	if (!raw->exists)
		return 0;
	if (strlen(raw->exists) >= sizeof(l->exists))
		return scn_fail(b->ctx, node->pos, "exists is too long (at most %zu characters)",
				sizeof(l->exists) - 1);
	l->pos_exists = node->pos;
	if (!litmus_cond_parse(b->out, raw->exists, &at, why, sizeof(why)))
		return scn_fail(b->ctx, pos_in_scalar(node, raw->exists, at), "exists: %s", why);
	snprintf(l->exists, sizeof(l->exists), "%s", raw->exists);
	l->has_exists = true;
	return 0;
}

static int take_outcome(const struct raw_scenario *raw, struct litmus_build *b)
{
	static const char *const names[] = {"never", "sometimes", "always"};
	struct litmus_spec *l = &b->out->litmus;

	l->expect = LITMUS_NO_VERDICT;
	if (!raw->outcome)
		return 0;
	l->pos_outcome = pos_of(b->idx, "outcome");
	if (!l->has_exists)
		return scn_fail(b->ctx, l->pos_outcome, "outcome: is the verdict of exists:, which "
				"this scenario does not have");
	for (unsigned v = 0; v < 3; v++)
		if (strcmp(raw->outcome, names[v]) == 0)
			l->expect = (enum litmus_verdict)v;
	if (l->expect == LITMUS_NO_VERDICT)
		return scn_fail(b->ctx, l->pos_outcome, "outcome must be one of 'never', "
				"'sometimes', 'always', got '%s'", raw->outcome);
	return 0;
}

/* Outcomes are only final when every execution was explored: no preemption bound. */
static int check_complete_search(struct litmus_build *b)
{
	if (!b->out->litmus.nobserve || !b->out->preemptions_bounded)
		return 0;
	return scn_fail(b->ctx, pos_of(b->idx, "bounds.preemptions"),
			"a scenario with exists: or observe: needs every execution: no "
			"bounds.preemptions");
}

int scn_take_litmus(const struct raw_scenario *raw, const struct doc_index *idx,
		    const struct scn_errctx *ctx, struct scenario *out)
{
	struct litmus_build b = {.idx = idx, .ctx = ctx, .out = out,
				 .arch = arch_model_find(out->arch)};

	if (!b.arch)
		return scn_fail(ctx, pos_of(idx, "arch"), "arch '%s' has no model in this build",
				out->arch);
	if (take_memory(&b) || take_harts_code(raw, &b) || take_exists(raw, &b) ||
	    take_observe(raw, &b) || take_outcome(raw, &b))
		return 2;
	return check_complete_search(&b);
}

bool scenario_has_litmus_code(const struct scenario *scn)
{
	if (scn->litmus.nlocations)
		return true;
	for (unsigned h = 0; h < scn->nharts; h++)
		if (scn->harts[h].role == ROLE_LITMUS)
			return true;
	return false;
}
