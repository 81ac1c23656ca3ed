/*
 * scenario_yaml.c - scenario_load: reads a scenario file, indexes it (scenario_doc.c), maps it
 * onto struct raw_scenario with a libcyaml schema, and hands the result to scenario_build.c.
 *
 * libcyaml rejects unknown keys, missing required keys and wrongly typed values, and explains
 * through its log callback: a message ("Unexpected key: x") then a backtrace of the fields and
 * sequence entries it was in. The log is captured (never printed), the backtrace turned back
 * into a key path, and the error rewritten as one line "file:line:col: message" with the
 * position of the offending key or value looked up in the document index.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "scenario_internal.h"

#define SCENARIO_MAX_BYTES (1024 * 1024)

/* ---- errors ---- */

/* Control characters (a newline in a quoted value, say) would break the one-line form. */
static void flatten_to_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

int scn_fail(const struct scn_errctx *ctx, struct src_pos pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ctx->err || ctx->errlen == 0)
		return 2;
	if (pos.line)
		n = snprintf(ctx->err, ctx->errlen, "%s:%u:%u: ", ctx->file, pos.line, pos.col);
	else
		n = snprintf(ctx->err, ctx->errlen, "%s: ", ctx->file);
	if (n >= 0 && (size_t)n < ctx->errlen) {
		va_start(ap, fmt);
		vsnprintf(ctx->err + n, ctx->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	flatten_to_one_line(ctx->err);
	return 2;
}

/* ---- the schema ---- */

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t bounds_fields[] = {
	CYAML_FIELD_UINT("preemptions", CYAML_FLAG_OPTIONAL, struct raw_bounds, preemptions),
	CYAML_FIELD_UINT("steps_per_call", CYAML_FLAG_OPTIONAL, struct raw_bounds, steps_per_call),
	CYAML_FIELD_UINT("max_executions", CYAML_FLAG_OPTIONAL, struct raw_bounds, max_executions),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t interrupt_fields[] = {
	CYAML_FIELD_STRING_PTR("handler", CYAML_FLAG_OPTIONAL, struct raw_interrupt, handler, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_BOOL("nmi", CYAML_FLAG_OPTIONAL, struct raw_interrupt, nmi),
	CYAML_FIELD_UINT("max", CYAML_FLAG_OPTIONAL, struct raw_interrupt, max),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t hart_fields[] = {
	CYAML_FIELD_STRING_PTR("role", CYAML_FLAG_OPTIONAL, struct raw_hart, role, 0,
			       CYAML_UNLIMITED),
	/* run: a string or a list, read from the index; it or asm: (checked by scn_build) */
	CYAML_FIELD_IGNORE("run", CYAML_FLAG_OPTIONAL),
	CYAML_FIELD_UINT("repeat", CYAML_FLAG_OPTIONAL, struct raw_hart, repeat),
	CYAML_FIELD_BOOL("complete", CYAML_FLAG_OPTIONAL, struct raw_hart, complete),
	CYAML_FIELD_STRING_PTR("asm", CYAML_FLAG_OPTIONAL, struct raw_hart, asm_text, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_IGNORE("regs", CYAML_FLAG_OPTIONAL), /* a mapping: read from the index */
	CYAML_FIELD_MAPPING_PTR("interrupt", CYAML_FLAG_OPTIONAL, struct raw_hart, interrupt,
				interrupt_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t hart_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_hart, hart_fields),
};

#define TEXT_FIELD(key, flags, member) \
	CYAML_FIELD_STRING_PTR(key, flags, struct raw_scenario, member, 0, CYAML_UNLIMITED)
#define LIST_FIELD(key, flags, member, entry) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | (flags), struct raw_scenario, member, \
			     entry, 0, CYAML_UNLIMITED)

/* List lengths are checked by scn_build, which names the limits in its messages. */
static const cyaml_schema_field_t scenario_fields[] = {
	TEXT_FIELD("name", CYAML_FLAG_DEFAULT, name),
	TEXT_FIELD("description", CYAML_FLAG_OPTIONAL, description),
	TEXT_FIELD("arch", CYAML_FLAG_DEFAULT, arch),
	TEXT_FIELD("image", CYAML_FLAG_OPTIONAL, image),
	LIST_FIELD("sources", CYAML_FLAG_OPTIONAL, sources, &string_entry),
	LIST_FIELD("traced_sources", CYAML_FLAG_OPTIONAL, traced_sources, &string_entry),
	TEXT_FIELD("elf", CYAML_FLAG_OPTIONAL, elf),
	LIST_FIELD("kernel_sources", CYAML_FLAG_OPTIONAL, kernel_sources, &string_entry),
	LIST_FIELD("setup", CYAML_FLAG_OPTIONAL, setup, &string_entry),
	LIST_FIELD("harts", CYAML_FLAG_DEFAULT, harts, &hart_entry),
	LIST_FIELD("watch", CYAML_FLAG_OPTIONAL, watch, &string_entry),
	LIST_FIELD("retire", CYAML_FLAG_OPTIONAL, retire, &string_entry),
	LIST_FIELD("redirects", CYAML_FLAG_OPTIONAL, redirects, &string_entry),
	TEXT_FIELD("callback_sees", CYAML_FLAG_OPTIONAL, callback_sees),
	CYAML_FIELD_BOOL("callback_must_run", CYAML_FLAG_OPTIONAL, struct raw_scenario,
			 callback_must_run),
	TEXT_FIELD("skip", CYAML_FLAG_OPTIONAL, skip),
	LIST_FIELD("ignore", CYAML_FLAG_OPTIONAL, ignore, &string_entry),
	LIST_FIELD("covers", CYAML_FLAG_OPTIONAL, covers, &string_entry),
	LIST_FIELD("ops", CYAML_FLAG_OPTIONAL, ops, &string_entry),
	CYAML_FIELD_UINT("stack_args", CYAML_FLAG_OPTIONAL, struct raw_scenario, stack_args),
	TEXT_FIELD("protocol", CYAML_FLAG_OPTIONAL, protocol),
	TEXT_FIELD("fetch", CYAML_FLAG_OPTIONAL, fetch),
	TEXT_FIELD("data_memory", CYAML_FLAG_OPTIONAL, data_memory),
	LIST_FIELD("cache_type", CYAML_FLAG_OPTIONAL, cache_type, &string_entry),
	CYAML_FIELD_MAPPING_PTR("bounds", CYAML_FLAG_OPTIONAL, struct raw_scenario, bounds,
				bounds_fields),
	TEXT_FIELD("expect", CYAML_FLAG_DEFAULT, expect),
	TEXT_FIELD("fails_with", CYAML_FLAG_OPTIONAL, fails_with),
	CYAML_FIELD_IGNORE("memory", CYAML_FLAG_OPTIONAL), /* a mapping: read from the index */
	LIST_FIELD("observe", CYAML_FLAG_OPTIONAL, observe, &string_entry),
	TEXT_FIELD("exists", CYAML_FLAG_OPTIONAL, exists),
	TEXT_FIELD("outcome", CYAML_FLAG_OPTIONAL, outcome),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t scenario_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_scenario, scenario_fields),
};

/* ---- libcyaml's log, captured and parsed ---- */

struct log_capture {
	char text[2048];
	size_t len;
};

static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct log_capture *cap = ctx;
	size_t room = sizeof(cap->text) - cap->len;

	if (room <= 1)
		return;
	int n = vsnprintf(cap->text + cap->len, room, fmt, args);
	if (n > 0)
		cap->len += (size_t)n < room ? (size_t)n : room - 1;
}

/* One backtrace line: "in mapping field 'k' (...)", "in sequence entry '2' (...)" (1-based),
 * or anything else ("in mapping (...)"), which adds nothing to the key path. */
struct log_frame {
	enum { FRAME_FIELD, FRAME_ENTRY, FRAME_OTHER } kind;
	char field[64];
	unsigned entry;
	struct src_pos pos;
};

#define LOG_MAX_FRAMES 16

struct cyaml_report {
	char message[256];                     /* "Unexpected key: x", without "Load: " */
	struct log_frame frames[LOG_MAX_FRAMES]; /* innermost first */
	unsigned nframes;
};

static void parse_frame(const char *line, struct log_frame *f)
{
	const char *at = strstr(line, "(line: ");

	*f = (struct log_frame){ .kind = FRAME_OTHER };
	if (at)
		sscanf(at, "(line: %u, column: %u)", &f->pos.line, &f->pos.col);
	if (sscanf(line, " in mapping field '%63[^']'", f->field) == 1)
		f->kind = FRAME_FIELD;
	else if (sscanf(line, " in sequence entry '%u'", &f->entry) == 1 && f->entry > 0)
		f->kind = FRAME_ENTRY;
}

/* Split the captured log into its first message and the backtrace frames. */
static void parse_log(const char *text, struct cyaml_report *rep)
{
	const char *line = text;

	*rep = (struct cyaml_report){ 0 };
	while (*line) {
		size_t len = strcspn(line, "\n");
		char buf[256];
		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (strncmp(buf, "  in ", 5) == 0) {
			if (rep->nframes < LOG_MAX_FRAMES)
				parse_frame(buf, &rep->frames[rep->nframes++]);
		} else if (!rep->message[0] && strcmp(buf, "Load: Backtrace:") != 0) {
			const char *msg = strncmp(buf, "Load: ", 6) == 0 ? buf + 6 : buf;
			snprintf(rep->message, sizeof(rep->message), "%s", msg);
		}
		line += len + (line[len] == '\n');
	}
}

/* The key path of frames[from..]: "harts[1].repeat" from field 'repeat' < entry '2' < field
 * 'harts'. */
static void frames_path(const struct cyaml_report *rep, unsigned from, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = rep->nframes; i-- > from && used < size;) {
		const struct log_frame *f = &rep->frames[i];
		int n = 0;
		if (f->kind == FRAME_FIELD)
			n = snprintf(buf + used, size - used, "%s%s", used ? "." : "", f->field);
		else if (f->kind == FRAME_ENTRY)
			n = snprintf(buf + used, size - used, "[%u]", f->entry - 1);
		used += n > 0 ? (size_t)n : 0;
	}
}

static const char *key_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* "a string", "a list", "an integer from 1 to 1000"... for a libcyaml type name at path. */
static const char *expected_phrase(const char *type, const char *path)
{
	const char *ints = scn_int_expectation(key_of_path(path));

	if (strcmp(type, "UINT") == 0 || strcmp(type, "INT") == 0)
		return ints ? ints : "an integer";
	if (strcmp(type, "STRING") == 0)
		return "a string";
	if (strcmp(type, "BOOL") == 0)
		return "true or false";
	if (strcmp(type, "SEQUENCE") == 0)
		return "a list";
	if (strcmp(type, "MAPPING") == 0)
		return "a mapping";
	return "something else";
}

/* "'text'" for a scalar node, else "a list" / "a mapping". */
static void describe_node(const struct doc_node *node, char *buf, size_t size)
{
	if (node->kind == DOC_SCALAR)
		snprintf(buf, size, "'%.60s'", node->value);
	else
		snprintf(buf, size, "%s", scn_doc_kind_phrase(node->kind));
}

static int report_unknown_key(const struct scn_errctx *ctx, const struct doc_index *idx,
			      const struct cyaml_report *rep, const char *key, struct src_pos pos)
{
	char path[256];
	frames_path(rep, 0, path, sizeof(path));
	const struct doc_node *node = scn_doc_find(idx, "%s%s%s", path, *path ? "." : "", key);
	return scn_fail(ctx, node ? node->key_pos : pos, "unknown key '%s'", key);
}

/* libcyaml's innermost frame at a missing key is the mapping's last (or first) field, not a
 * step towards the mapping: skip it. */
static int report_missing_key(const struct scn_errctx *ctx, const struct doc_index *idx,
			      const struct cyaml_report *rep, const char *key, struct src_pos pos)
{
	char path[256];
	unsigned from = rep->nframes && rep->frames[0].kind == FRAME_FIELD ? 1 : 0;
	frames_path(rep, from, path, sizeof(path));
	const struct doc_node *node = scn_doc_find(idx, "%s", path);
	return scn_fail(ctx, node ? node->pos : pos, "missing required key '%s'", key);
}

/* "Expecting UINT, got event: SCALAR" or "Invalid UINT value: 'x'": the value at the
 * innermost frame does not have the type the schema wants there. */
static int report_bad_value(const struct scn_errctx *ctx, const struct doc_index *idx,
			    const struct cyaml_report *rep, const char *type, struct src_pos pos)
{
	char path[256], got[80];
	frames_path(rep, 0, path, sizeof(path));
	const struct doc_node *node = scn_doc_find(idx, "%s", path);
	if (!node)
		return scn_fail(ctx, pos, "%s must be %s", path, expected_phrase(type, path));
	describe_node(node, got, sizeof(got));
	return scn_fail(ctx, node->pos, "%s must be %s, got %s", path, expected_phrase(type, path),
			got);
}

/* Turn libcyaml's log into the one-line error. */
static int report_cyaml_error(const struct scn_errctx *ctx, const struct doc_index *idx,
			      const char *log, cyaml_err_t err)
{
	struct cyaml_report rep;
	char word[64], type[32];

	parse_log(log, &rep);
	struct src_pos pos = rep.nframes ? rep.frames[0].pos : (struct src_pos){ 0 };
	if (!rep.message[0])
		return scn_fail(ctx, pos, "cannot load: %s", cyaml_strerror(err));
	if (sscanf(rep.message, "Unexpected key: %63[^\n]", word) == 1)
		return report_unknown_key(ctx, idx, &rep, word, pos);
	if (sscanf(rep.message, "Missing required mapping field: %63s", word) == 1)
		return report_missing_key(ctx, idx, &rep, word, pos);
	if (sscanf(rep.message, "Expecting %31[A-Z_],", type) == 1)
		return report_bad_value(ctx, idx, &rep, type, pos);
	/* "Invalid UINT value: '-2'", "Invalid uint64_t value: 'x'": the only scalars the schema
	 * converts are the unsigned integers */
	if (strncmp(rep.message, "Invalid ", 8) == 0 && strstr(rep.message, " value: "))
		return report_bad_value(ctx, idx, &rep, "UINT", pos);
	return scn_fail(ctx, pos, "%s", rep.message);
}

/* ---- loading ---- */

/* Where the byte at offset off of text starts: line and column (in characters, as libyaml
 * counts them), 1-based. */
static struct src_pos pos_of_offset(const char *text, size_t off)
{
	struct src_pos pos = { 1, 1 };

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			pos.line++;
			pos.col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) { /* not a UTF-8 continuation */
			pos.col++;
		}
	}
	return pos;
}

/* The whole file into a malloc'd, NUL-terminated buffer. Past SCENARIO_MAX_BYTES the error
 * names where the file crosses the limit. */
static int read_whole_file(const struct scn_errctx *ctx, char **text, size_t *len)
{
	FILE *f = fopen(ctx->file, "rb");
	if (!f)
		return scn_fail(ctx, (struct src_pos){ 0 }, "cannot open: %s", strerror(errno));
	char *buf = malloc(SCENARIO_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return scn_fail(ctx, (struct src_pos){ 0 }, "out of memory");
	}
	size_t n = fread(buf, 1, SCENARIO_MAX_BYTES + 1, f);
	int read_errno = ferror(f) ? errno : 0;
	fclose(f);
	if (read_errno) {
		free(buf);
		return scn_fail(ctx, (struct src_pos){ 0 }, "cannot read: %s", strerror(read_errno));
	}
	if (n > SCENARIO_MAX_BYTES) {
		struct src_pos at = pos_of_offset(buf, SCENARIO_MAX_BYTES);
		free(buf);
		return scn_fail(ctx, at, "a scenario file has at most %d bytes (1 MiB); this one goes "
				"past that here", SCENARIO_MAX_BYTES);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* A scenario is one mapping; say so before libcyaml does, less helpfully. */
static int check_root(const struct scn_errctx *ctx, const struct doc_index *idx)
{
	if (idx->n == 0)
		return scn_fail(ctx, (struct src_pos){ 1, 1 },
				"empty file: a scenario is a mapping of keys (name, arch, ...)");
	if (idx->nodes[0].kind != DOC_MAPPING)
		return scn_fail(ctx, idx->nodes[0].pos,
				"a scenario is a mapping of keys (name, arch, ...), got %s",
				scn_doc_kind_phrase(idx->nodes[0].kind));
	return 0;
}

/* libcyaml's pass: the text onto a raw_scenario, or the error reformatted from its log. */
static int load_raw(const struct scn_errctx *ctx, const struct doc_index *idx, const char *text,
		    size_t len, const cyaml_config_t *config, const struct log_capture *log,
		    struct raw_scenario **raw)
{
	cyaml_err_t err = cyaml_load_data((const uint8_t *)text, len, config, &scenario_schema,
					  (cyaml_data_t **)raw, NULL);
	if (err == CYAML_OK && *raw)
		return 0;
	return report_cyaml_error(ctx, idx, log->text, err);
}

static int load_scenario(const struct scn_errctx *ctx, struct scenario *out)
{
	struct log_capture log = { .len = 0 };
	const cyaml_config_t config = {
		.log_fn = capture_log,
		.log_ctx = &log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	struct doc_index idx = { 0 };
	struct raw_scenario *raw = NULL;
	char *text = NULL;
	size_t len = 0;

	int rc = read_whole_file(ctx, &text, &len);
	if (rc == 0)
		rc = scn_doc_build(&idx, text, len, ctx);
	if (rc == 0)
		rc = check_root(ctx, &idx);
	if (rc == 0)
		rc = load_raw(ctx, &idx, text, len, &config, &log, &raw);
	if (rc == 0)
		rc = scn_build(raw, &idx, ctx, out);
	if (raw)
		cyaml_free(&config, &scenario_schema, raw, 0);
	scn_doc_free(&idx);
	free(text);
	return rc;
}

int scenario_load(const char *path, struct scenario *out, char *err, size_t errlen)
{
	const struct scn_errctx ctx = { .file = path, .err = err, .errlen = errlen };
	size_t len = strlen(path);

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (len >= sizeof(out->path))
		return scn_fail(&ctx, (struct src_pos){ 0 }, "path longer than %zu characters",
				sizeof(out->path) - 1);
	int rc = load_scenario(&ctx, out);
	if (rc) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	memcpy(out->path, path, len + 1);
	return 0;
}
