/*
 * scenario_build.c - the scenario loader's last pass: the rules a libcyaml schema cannot
 * express, and the copy of the loaded values into struct scenario.
 *
 * Enumerations are loaded as strings and checked here, so a bad value gets a message that lists
 * the choices; integer ranges, list lengths, call syntax and string lengths (too long is an
 * error, never a truncation) are checked here too, and defaults are applied. Integers and
 * booleans are read from their text, strictly, and a YAML null is never taken for a value.
 * Every message names the line and column of the offending value, taken from the document
 * index.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

struct build {
	const struct raw_scenario *raw;
	const struct doc_index *idx;
	const struct scn_errctx *ctx;
	struct scenario *out;
};

/* ---- integer fields ---- */

struct int_rule {
	const char *key;
	unsigned long min, max;
	const char *expectation;
};

static const struct int_rule int_rules[] = {
	{ "repeat", 1, SCN_MAX_REPEAT, "an integer from 1 to 1000" },
	{ "preemptions", 0, SCN_MAX_PREEMPTIONS, "an integer from 0 to 32" },
	{ "steps_per_call", 1, SCN_MAX_STEPS_PER_CALL, "an integer from 1 to 10000000" },
	{ "max_executions", 0, SCN_MAX_EXECUTIONS,
	  "an integer from 0 (no limit) to 1000000000" },
	{ "stack_args", 0, SCN_MAX_STACK_ARGS, "an integer from 0 to 256" },
	{ "max", 1, SCN_MAX_IRQS, "an integer from 1 to 8" },
};

static const struct int_rule *int_rule_find(const char *key)
{
	for (size_t i = 0; i < sizeof(int_rules) / sizeof(int_rules[0]); i++)
		if (strcmp(int_rules[i].key, key) == 0)
			return &int_rules[i];
	return NULL;
}

const char *scn_int_expectation(const char *key)
{
	const struct int_rule *rule = int_rule_find(key);
	return rule ? rule->expectation : NULL;
}

/* ---- helpers ---- */

static struct src_pos node_pos(const struct doc_node *node)
{
	return node ? node->pos : (struct src_pos){ 0 };
}

/* Where the value at a key path starts ({0, 0} when absent). */
static struct src_pos pos_at(const struct build *b, const char *path)
{
	return node_pos(scn_doc_find(b->idx, "%s", path));
}

/* Copy src into dst[size]; a value that does not fit is an error naming what. */
static int copy_text(const struct build *b, const struct doc_node *node, const char *what,
		     char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return scn_fail(b->ctx, node_pos(node),
				"%s is too long (%zu characters, at most %zu)", what, len, size - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

/* Is value one of the choices? If not, the error lists them: "'a' or 'b'", "one of 'a', ...". */
static int check_choice(const struct build *b, const char *what, const char *value,
			const char *const *choices, size_t nchoices)
{
	char list[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < nchoices; i++)
		if (strcmp(value, choices[i]) == 0)
			return 0;
	for (size_t i = 0; i < nchoices && used < sizeof(list); i++) {
		const char *sep = i == 0 ? (nchoices > 2 ? "one of " : "")
					 : (nchoices == 2 ? " or " : ", ");
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s'%s'", sep, choices[i]);
	}
	return scn_fail(b->ctx, pos_at(b, what), "%s must be %s, got '%s'", what, list, value);
}

/* A choice with a default when the key is absent (value NULL), copied into dst. */
static int take_choice(const struct build *b, const char *what, const char *value,
		       const char *const *choices, size_t nchoices, char *dst, size_t size)
{
	if (!value)
		value = choices[0];
	if (check_choice(b, what, value, choices, nchoices))
		return 2;
	return copy_text(b, scn_doc_find(b->idx, "%s", what), what, dst, size, value);
}

#define CHOICES(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

/* An integer at path, checked against the rule for its key; def when absent. libcyaml has
 * checked that it is a scalar, but its conversion is lenient (strtoull: "1e3" reads 1, "010"
 * 8, "-2" 2^64 - 2), so the value is read again from the text: decimal or 0x hex, nothing
 * else (whole_number.c), unquoted (a quoted scalar is text). */
static int take_int(const struct build *b, const char *path, const char *key,
		    unsigned long def, unsigned long *value)
{
	const struct int_rule *rule = int_rule_find(key);
	const struct doc_node *node = scn_doc_find(b->idx, "%s", path);
	uint64_t v;

	if (!node) {
		*value = def;
		return 0;
	}
	if (node->kind != DOC_SCALAR || node->quoted ||
	    !whole_number_in_range(node->value, rule->min, rule->max, &v))
		return scn_fail(b->ctx, node->pos, "%s must be %s, got %s'%s'", path,
				rule->expectation, node->quoted ? "the quoted text " : "",
				node->value ? node->value : "");
	*value = (unsigned long)v;
	return 0;
}

/* A boolean at path: true or false, unquoted; def when absent. libcyaml reads anything but a
 * few false words ("maybe", "~") as true. */
static int take_bool(const struct build *b, const char *path, bool def, bool *value)
{
	const struct doc_node *node = scn_doc_find(b->idx, "%s", path);

	if (!node) {
		*value = def;
		return 0;
	}
	if (node->kind == DOC_SCALAR && !node->quoted &&
	    (strcmp(node->value, "true") == 0 || strcmp(node->value, "false") == 0)) {
		*value = strcmp(node->value, "true") == 0;
		return 0;
	}
	return scn_fail(b->ctx, node->pos, "%s must be true or false, got %s'%s'", path,
			node->quoted ? "the quoted text " : "", node->value ? node->value : "");
}

/* A plain "~", "null" or empty value where a value belongs: libcyaml takes it as the text
 * "~" (a scenario named "~") or "". No key of a scenario takes null. */
static int reject_nulls(const struct build *b)
{
	for (size_t i = 1; i < b->idx->n; i++) {
		const struct doc_node *node = &b->idx->nodes[i];

		if (!scn_doc_is_null(node))
			continue;
		if (node->value[0] == '\0')
			return scn_fail(b->ctx, node->pos, "%s has no value", node->path);
		return scn_fail(b->ctx, node->pos,
				"%s is null ('%s'); write \"%s\" if that text is meant", node->path,
				node->value, node->value);
	}
	return 0;
}

/* A list at path may hold at most max entries (and at least min). */
static int check_count(const struct build *b, const char *path, unsigned count, unsigned min,
		       unsigned max, const char *noun)
{
	if (count >= min && count <= max)
		return 0;
	return scn_fail(b->ctx, pos_at(b, path),
			"%s must have %u to %u %s, got %u", path, min, max, noun, count);
}

/* Parse the call string held by a scalar node. */
static int take_call(const struct build *b, const struct doc_node *node, struct scn_call *call)
{
	char why[160];

	if (!scn_call_parse(node->value, call, why, sizeof(why)))
		return scn_fail(b->ctx, node->pos, "bad call '%s': %s", node->value, why);
	call->pos = node->pos;
	return 0;
}

/* ---- the parts of a scenario ---- */

static int take_required_text(const struct build *b, const char *key, const char *value,
			      char *dst, size_t size)
{
	const struct doc_node *node = scn_doc_find(b->idx, "%s", key);

	if (!value || value[0] == '\0') /* a key with no value: YAML's null */
		return scn_fail(b->ctx, node_pos(node), "%s must not be empty", key);
	return copy_text(b, node, key, dst, size, value);
}

/* The name heads reports and CI lines: one line of printable text. */
static int take_name(const struct build *b)
{
	const char *name = b->raw->name;

	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return scn_fail(b->ctx, pos_at(b, "name"),
					"name must be one line of printable text");
	return take_required_text(b, "name", name, b->out->name, sizeof(b->out->name));
}

/* The description without the line break (and blanks) a folded or literal block ends with. */
static int take_description(const struct build *b)
{
	const char *text = b->raw->description ? b->raw->description : "";
	size_t len = strlen(text);
	char *dst = b->out->description;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len >= sizeof(b->out->description))
		return scn_fail(b->ctx, pos_at(b, "description"),
				"description is too long (%zu characters, at most %zu)", len,
				sizeof(b->out->description) - 1);
	memcpy(dst, text, len);
	dst[len] = '\0';
	return 0;
}

/* A bundled image is named, not given by path: letters, digits, '_' and '-'. */
static int take_image(const struct build *b)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	const char *image = b->raw->image;

	if (!image && b->raw->elf) { /* a prebuilt ELF: named after its file */
		const char *base = strrchr(b->raw->elf, '/');

		snprintf(b->out->image, sizeof(b->out->image), "%s", base ? base + 1 : b->raw->elf);
		return 0;
	}
	if (take_required_text(b, "image", image, b->out->image, sizeof(b->out->image)))
		return 2;
	if (strspn(image, allowed) != strlen(image))
		return scn_fail(b->ctx, b->out->pos_image,
				"image '%s' is not a bundled image name (letters, digits, '_', '-')",
				image);
	return 0;
}

static int take_identity(const struct build *b)
{
	const struct raw_scenario *raw = b->raw;
	struct scenario *out = b->out;

	out->pos_image = pos_at(b, "image");
	if (take_name(b) ||
	    take_description(b) ||
	    take_choice(b, "arch", raw->arch, CHOICES("arm64", "riscv64", "arm"), out->arch,
			sizeof(out->arch)) ||
	    take_image(b))
		return 2;
	return 0;
}

static int take_setup(const struct build *b)
{
	if (check_count(b, "setup", b->raw->setup_count, 0, SCN_MAX_SETUP, "calls"))
		return 2;
	for (unsigned i = 0; i < b->raw->setup_count; i++)
		if (take_call(b, scn_doc_find(b->idx, "setup[%u]", i), &b->out->setup[i]))
			return 2;
	b->out->nsetup = b->raw->setup_count;
	return 0;
}

/* run: one call string, or a list of them. */
static int take_run(const struct build *b, unsigned h, struct scn_hart *hart)
{
	const struct doc_node *run = scn_doc_find(b->idx, "harts[%u].run", h);
	char path[32];

	snprintf(path, sizeof(path), "harts[%u].run", h);
	if (!run) /* libcyaml has checked that run is there: only a broken index gets here */
		return scn_fail(b->ctx, hart->pos, "missing required key 'run'");
	if (run->kind == DOC_SCALAR) {
		hart->ncalls = 1;
		return take_call(b, run, &hart->calls[0]);
	}
	if (run->kind != DOC_SEQUENCE)
		return scn_fail(b->ctx, run->pos, "%s must be a call or a list of calls, got %s",
				path, scn_doc_kind_phrase(run->kind));
	if (check_count(b, path, run->count, 1, SCN_MAX_CALLS, "calls"))
		return 2;
	for (unsigned i = 0; i < run->count; i++) {
		const struct doc_node *call = scn_doc_find(b->idx, "%s[%u]", path, i);
		if (call->kind != DOC_SCALAR)
			return scn_fail(b->ctx, call->pos, "%s[%u] must be a call, got %s", path, i,
					scn_doc_kind_phrase(call->kind));
		if (take_call(b, call, &hart->calls[i]))
			return 2;
	}
	hart->ncalls = run->count;
	return 0;
}

/* harts[h].interrupt: {handler: SYMBOL, nmi: BOOL, max: N}. */
static int take_interrupt(const struct build *b, unsigned h, struct scn_hart *hart)
{
	const struct raw_interrupt *raw = b->raw->harts[h].interrupt;
	const struct doc_node *node = scn_doc_find(b->idx, "harts[%u].interrupt", h);
	const struct doc_node *handler;
	char path[48];
	unsigned long max;

	if (!node)
		return 0;
	if (h >= SCN_MAX_IRQ_HARTS)
		return scn_fail(b->ctx, node->key_pos, "harts[%u].interrupt: only harts 0 to %u "
				"take interrupts", h, SCN_MAX_IRQ_HARTS - 1);
	snprintf(path, sizeof(path), "harts[%u].interrupt.handler", h);
	handler = scn_doc_find(b->idx, "%s", path);
	if (!raw || !raw->handler || !handler)
		return scn_fail(b->ctx, node->key_pos, "harts[%u].interrupt needs handler: the "
				"function the interrupt runs", h);
	if (!scn_symbol_offset_valid(raw->handler) || strchr(raw->handler, '+'))
		return scn_fail(b->ctx, node_pos(handler), "%s '%s' is not a symbol", path,
				raw->handler);
	if (copy_text(b, handler, path, hart->irq_handler, sizeof(hart->irq_handler),
		      raw->handler))
		return 2;
	snprintf(path, sizeof(path), "harts[%u].interrupt.nmi", h);
	if (take_bool(b, path, false, &hart->irq_nmi))
		return 2;
	snprintf(path, sizeof(path), "harts[%u].interrupt.max", h);
	if (take_int(b, path, "max", 1, &max))
		return 2;
	hart->irq = true;
	hart->irq_max = (unsigned)max;
	hart->pos_irq = node_pos(handler);
	return 0;
}

static int take_hart(const struct build *b, unsigned h)
{
	const struct raw_hart *raw = &b->raw->harts[h];
	struct scn_hart *hart = &b->out->harts[h];
	char path[32], role[16];
	unsigned long repeat;

	hart->pos = node_pos(scn_doc_find(b->idx, "harts[%u]", h));
	if (raw->asm_text) { /* its code inline: scenario_litmus.c takes it */
		const struct doc_node *other = scn_doc_find(b->idx, "harts[%u].run", h);

		if (!other)
			other = scn_doc_find(b->idx, "harts[%u].role", h);
		if (other)
			return scn_fail(b->ctx, other->key_pos, "harts[%u] runs its asm: code; it "
					"takes neither run: nor role:", h);
		hart->role = ROLE_LITMUS;
		if (raw->complete)
			return scn_fail(b->ctx,
					scn_doc_find(b->idx, "harts[%u].complete", h)->key_pos,
					"harts[%u].complete applies to a patcher, not to asm: code", h);
		snprintf(path, sizeof(path), "harts[%u].repeat", h);
		if (take_int(b, path, "repeat", 1, &repeat))
			return 2;
		hart->repeat = (unsigned)repeat;
		return take_interrupt(b, h, hart);
	}
	snprintf(path, sizeof(path), "harts[%u].role", h);
	if (take_choice(b, path, raw->role, CHOICES("runner", "patcher"), role, sizeof(role)))
		return 2;
	hart->role = strcmp(role, "patcher") == 0 ? ROLE_PATCHER : ROLE_RUNNER;
	if (raw->complete && hart->role != ROLE_PATCHER)
		return scn_fail(b->ctx, scn_doc_find(b->idx, "harts[%u].complete", h)->key_pos,
				"harts[%u].complete applies to a patcher: a runner completes no "
				"patch", h);
	hart->complete = raw->complete;
	snprintf(path, sizeof(path), "harts[%u].repeat", h);
	if (take_int(b, path, "repeat", 1, &repeat))
		return 2;
	hart->repeat = (unsigned)repeat;
	if (take_interrupt(b, h, hart))
		return 2;
	return take_run(b, h, hart);
}

static int take_harts(const struct build *b)
{
	if (check_count(b, "harts", b->raw->harts_count, 1, SCN_MAX_HARTS, "entries"))
		return 2;
	for (unsigned h = 0; h < b->raw->harts_count; h++)
		if (take_hart(b, h))
			return 2;
	b->out->nharts = b->raw->harts_count;
	return 0;
}

static int take_watch(const struct build *b)
{
	if (check_count(b, "watch", b->raw->watch_count, 0, SCN_MAX_WATCH, "symbols"))
		return 2;
	for (unsigned i = 0; i < b->raw->watch_count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "watch[%u]", i);
		const char *sym = b->raw->watch[i];
		char path[32];
		snprintf(path, sizeof(path), "watch[%u]", i);
		if (!scn_symbol_offset_valid(sym))
			return scn_fail(b->ctx, node_pos(node),
					"%s '%s' is not a symbol or symbol+offset", path, sym);
		b->out->pos_watch[i] = node_pos(node);
		if (copy_text(b, node, path, b->out->watch[i], sizeof(b->out->watch[0]), sym))
			return 2;
	}
	b->out->nwatch = b->raw->watch_count;
	return 0;
}

/* Functions retired once the complete: patcher is done (needs one such patcher). */
static int take_retire(const struct build *b)
{
	bool completes = false;

	if (check_count(b, "retire", b->raw->retire_count, 0, SCN_MAX_RETIRE, "symbols"))
		return 2;
	for (unsigned h = 0; h < b->out->nharts; h++)
		completes |= b->out->harts[h].complete;
	for (unsigned i = 0; i < b->raw->retire_count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "retire[%u]", i);
		const char *sym = b->raw->retire[i];
		char path[32];

		snprintf(path, sizeof(path), "retire[%u]", i);
		if (!scn_symbol_name_valid(sym))
			return scn_fail(b->ctx, node_pos(node), "%s '%s' is not a symbol", path, sym);
		if (!completes)
			return scn_fail(b->ctx, node_pos(node), "%s: code is retired when a patcher "
					"with complete: true is done, and no hart has it", path);
		b->out->pos_retire[i] = node_pos(node);
		if (copy_text(b, node, path, b->out->retire[i], sizeof(b->out->retire[0]), sym))
			return 2;
	}
	b->out->nretire = b->raw->retire_count;
	return 0;
}

/* "from -> to": calls of `from` may run `to` instead (a callback that changes the saved pc). */
static int take_redirects(const struct build *b)
{
	if (check_count(b, "redirects", b->raw->redirects_count, 0, SCN_MAX_REDIRECTS, "entries"))
		return 2;
	for (unsigned i = 0; i < b->raw->redirects_count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "redirects[%u]", i);
		const char *text = b->raw->redirects[i], *arrow = strstr(text, "->");
		struct scn_redirect *r = &b->out->redirects[i];
		char from[80], to[80];
		size_t n;

		if (!arrow)
			return scn_fail(b->ctx, node_pos(node),
					"redirects[%u] must be 'from -> to', got '%s'", i, text);
		n = (size_t)(arrow - text);
		while (n && text[n - 1] == ' ')
			n--;
		while (*text == ' ' && n) {
			text++;
			n--;
		}
		snprintf(from, sizeof(from), "%.*s", (int)(n < 79 ? n : 79), text);
		arrow += 2;
		while (*arrow == ' ')
			arrow++;
		snprintf(to, sizeof(to), "%s", arrow);
		for (n = strlen(to); n && to[n - 1] == ' '; n--)
			to[n - 1] = 0;
		if (!scn_symbol_name_valid(from) || !scn_symbol_name_valid(to) ||
		    strlen(from) >= sizeof(r->from) || strlen(to) >= sizeof(r->to))
			return scn_fail(b->ctx, node_pos(node),
					"redirects[%u] must name two symbols as 'from -> to', got '%s'",
					i, b->raw->redirects[i]);
		snprintf(r->from, sizeof(r->from), "%s", from);
		snprintf(r->to, sizeof(r->to), "%s", to);
		r->pos = node_pos(node);
	}
	b->out->nredirects = b->raw->redirects_count;
	return 0;
}

static int take_bounds(const struct build *b)
{
	unsigned long preemptions, steps;

	/* Without a bound the search is complete (partial-order reduction keeps it small). */
	b->out->preemptions_bounded = scn_doc_find(b->idx, "bounds.preemptions") != NULL;
	if (take_int(b, "bounds.preemptions", "preemptions", 0, &preemptions) ||
	    take_int(b, "bounds.steps_per_call", "steps_per_call", 20000, &steps) ||
	    take_int(b, "bounds.max_executions", "max_executions", 0, &b->out->max_executions))
		return 2;
	b->out->preemptions = (unsigned)preemptions;
	b->out->steps_per_call = (unsigned)steps;
	return 0;
}

static int take_model(const struct build *b)
{
	struct scenario *out = b->out;

	if (take_choice(b, "protocol", b->raw->protocol,
			CHOICES("single-word", "idealised-stop", "idealised-stop-nonpreempt",
				"stop-machine", "staged", "breakpoint"),
			out->protocol, sizeof(out->protocol)) ||
	    take_choice(b, "fetch", b->raw->fetch, CHOICES("arch", "coherent", "relaxed"),
			out->fetch, sizeof(out->fetch)) ||
	    take_choice(b, "data_memory", b->raw->data_memory, CHOICES("sc", "arch"),
			out->data_memory, sizeof(out->data_memory)))
		return 2;
	for (unsigned i = 0; i < b->raw->cache_type_count; i++) {
		const char *t = b->raw->cache_type[i];
		struct src_pos at = node_pos(scn_doc_find(b->idx, "cache_type[%u]", i));

		if (strcmp(t, "idc") && strcmp(t, "dic"))
			return scn_fail(b->ctx, at, "cache_type[%u] '%s' is not a cache type bit "
					"(one of: idc, dic)", i, t);
		if (strcmp(out->arch, "arm64"))
			return scn_fail(b->ctx, at, "cache_type is arm64's CTR_EL0.IDC/DIC; this "
					"scenario is %s", out->arch);
		if (strcmp(out->fetch, "arch"))
			return scn_fail(b->ctx, at, "cache_type matters only under fetch: arch, "
					"and this scenario has fetch: %s", out->fetch);
		if (!strcmp(t, "idc"))
			out->cache_idc = true;
		else
			out->cache_dic = true;
	}
	return take_bounds(b);
}

/* A list of symbol names (ops, ...) copied into out[n][size]. */
static int take_symbols(const struct build *b, const char *key, char **raw, unsigned count,
			unsigned max, char *out, size_t size, struct src_pos *pos, unsigned *n)
{
	if (check_count(b, key, count, 0, max, "symbols"))
		return 2;
	for (unsigned i = 0; i < count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "%s[%u]", key, i);
		char path[48];

		snprintf(path, sizeof(path), "%s[%u]", key, i);
		if (!scn_symbol_name_valid(raw[i]))
			return scn_fail(b->ctx, node_pos(node), "%s '%s' is not a symbol name", path,
					raw[i]);
		pos[i] = node_pos(node);
		if (copy_text(b, node, path, out + i * size, size, raw[i]))
			return 2;
	}
	*n = count;
	return 0;
}

static void list_invariants(char *buf, size_t size);

/* What the checks look at beyond the defaults: callback convention, ignored invariants, the
 * coverage a pass must reach, stack arguments, valid ops literal values. */
static int take_checks(const struct build *b)
{
	struct scenario *out = b->out;
	unsigned long stack_args;
	char names[512];

	if (take_choice(b, "callback_sees", b->raw->callback_sees,
			CHOICES("ftrace", "ftrace-no-regs", "kprobe", "kprobe-brk"),
			out->callback_sees, sizeof(out->callback_sees)))
		return 2;
	if (take_bool(b, "callback_must_run", false, &out->callback_must_run))
		return 2;
	if (b->raw->skip && copy_text(b, scn_doc_find(b->idx, "skip"), "skip", out->skip,
				      sizeof(out->skip), b->raw->skip))
		return 2;
	if (check_count(b, "ignore", b->raw->ignore_count, 0, SCN_MAX_IGNORE, "invariants"))
		return 2;
	for (unsigned i = 0; i < b->raw->ignore_count; i++) {
		const struct doc_node *node = scn_doc_find(b->idx, "ignore[%u]", i);

		if (!invariant_known(b->raw->ignore[i])) {
			list_invariants(names, sizeof(names));
			return scn_fail(b->ctx, node_pos(node), "ignore[%u] '%s' is not an invariant (one of: %s)",
					i, b->raw->ignore[i], names);
		}
		snprintf(out->ignore[i], sizeof(out->ignore[i]), "%s", b->raw->ignore[i]);
	}
	out->nignore = b->raw->ignore_count;
	for (unsigned i = 0; i < b->raw->covers_count; i++) {
		int k = coverage_kind_find(b->raw->covers[i]);

		if (k < 0)
			return scn_fail(b->ctx, node_pos(scn_doc_find(b->idx, "covers[%u]", i)),
					"covers[%u] '%s' is not a coverage kind (one of: call, "
					"callback, redirect, direct, parked-in-site)", i,
					b->raw->covers[i]);
		out->covers |= 1u << k;
	}
	if (take_int(b, "stack_args", "stack_args", 0, &stack_args))
		return 2;
	if (stack_args % 8)
		return scn_fail(b->ctx, pos_at(b, "stack_args"),
				"stack_args must be a multiple of 8 (whole stack slots), got %lu",
				stack_args);
	out->stack_args = (unsigned)stack_args;
	return take_symbols(b, "ops", b->raw->ops, b->raw->ops_count, SCN_MAX_OPS, &out->ops[0][0],
			    sizeof(out->ops[0]), out->pos_ops, &out->nops);
}

/* "site-consistency, cmodx, ...": the invariant names for a message. */
static void list_invariants(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; invariant_names[i] && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
					 invariant_names[i]);
}

static int take_fails_with(const struct build *b)
{
	const char *name = b->raw->fails_with;
	const struct doc_node *node = scn_doc_find(b->idx, "fails_with");
	char names[512];

	if (b->out->expect == VERDICT_PASS) {
		if (name)
			return scn_fail(b->ctx, node->pos,
					"fails_with is only allowed with expect: fail");
		return 0;
	}
	if (!name)
		return scn_fail(b->ctx, b->out->pos_expect, "missing required key 'fails_with' "
				"(required when expect is 'fail')");
	if (!invariant_known(name)) {
		list_invariants(names, sizeof(names));
		return scn_fail(b->ctx, node->pos,
				"fails_with '%s' is not an invariant (one of: %s)", name, names);
	}
	return copy_text(b, node, "fails_with", b->out->expect_invariant,
			 sizeof(b->out->expect_invariant), name);
}

static int take_expectation(const struct build *b)
{
	b->out->pos_expect = pos_at(b, "expect");
	if (check_choice(b, "expect", b->raw->expect, CHOICES("pass", "fail")))
		return 2;
	b->out->expect = strcmp(b->raw->expect, "fail") == 0 ? VERDICT_FAIL : VERDICT_PASS;
	return take_fails_with(b);
}

int scn_build(const struct raw_scenario *raw, const struct doc_index *idx,
	      const struct scn_errctx *ctx, struct scenario *out)
{
	const struct build b = { .raw = raw, .idx = idx, .ctx = ctx, .out = out };

	if (reject_nulls(&b) || take_identity(&b) || scn_take_sources(raw, idx, ctx, out) ||
	    take_setup(&b) || take_harts(&b) || take_watch(&b) || take_retire(&b) ||
	    take_redirects(&b) || take_model(&b) || take_checks(&b) ||
	    take_expectation(&b) || scn_take_litmus(raw, idx, ctx, out))
		return 2;
	return 0;
}
