/*
 * scenario_doc.c - the scenario loader's first pass: a plain libyaml walk over the file that
 * indexes every node by its key path ("expect", "bounds.preemptions", "harts[1].run[0]") with
 * its kind, source position and scalar text.
 *
 * libcyaml maps values onto structs but forgets where they were; the index remembers, so the
 * semantic checks after libcyaml can name the exact line and column of a bad value, and the
 * explorer can later do the same for an unknown symbol. This pass also rejects what would make
 * the index ambiguous or the file unreasonable: YAML syntax errors, several documents, aliases,
 * non-scalar or duplicate keys, nesting deeper than DOC_MAX_DEPTH, more than DOC_MAX_NODES nodes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "scenario_internal.h"

#define DOC_MAX_DEPTH 16
#define DOC_MAX_NODES 4096
#define DOC_MAX_PATH 256

/* An open sequence or mapping while walking the events. */
struct doc_frame {
	size_t node;             /* its index in idx->nodes */
	unsigned entries;        /* children seen so far */
	bool have_key;           /* mapping: a key was read, its value comes next */
	char key[DOC_MAX_PATH];
	struct src_pos key_pos;
};

struct doc_walk {
	const char *text;        /* the document, NUL-terminated */
	struct doc_index *idx;
	const struct scn_errctx *ctx;
	struct doc_frame stack[DOC_MAX_DEPTH];
	unsigned depth;
	unsigned documents;
};

static struct src_pos pos_of_mark(yaml_mark_t mark)
{
	/* libyaml counts from 0 */
	return (struct src_pos){ .line = (unsigned)mark.line + 1,
				 .col = (unsigned)mark.column + 1 };
}

const char *scn_doc_kind_phrase(enum doc_kind kind)
{
	switch (kind) {
	case DOC_SCALAR: return "a scalar";
	case DOC_SEQUENCE: return "a list";
	case DOC_MAPPING: return "a mapping";
	}
	return "a node";
}

bool scn_doc_is_null(const struct doc_node *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (node->kind != DOC_SCALAR || node->quoted)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(node->value, nulls[i]) == 0)
			return true;
	return false;
}

void scn_doc_free(struct doc_index *idx)
{
	for (size_t i = 0; i < idx->n; i++) {
		free(idx->nodes[i].path);
		free(idx->nodes[i].value);
	}
	free(idx->nodes);
	*idx = (struct doc_index){ 0 };
}

/* The first node from nodes[from] on whose path is path, or NULL. */
static const struct doc_node *find_path_from(const struct doc_index *idx, size_t from,
					     const char *path)
{
	for (size_t i = from; i < idx->n; i++)
		if (strcmp(idx->nodes[i].path, path) == 0)
			return &idx->nodes[i];
	return NULL;
}

const struct doc_node *scn_doc_find(const struct doc_index *idx, const char *fmt, ...)
{
	char path[DOC_MAX_PATH];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	return find_path_from(idx, 0, path);
}

/* Make room for one more node; fails on the node limit or out of memory. */
static int reserve_node(struct doc_walk *w, struct src_pos pos)
{
	struct doc_index *idx = w->idx;

	if (idx->n == DOC_MAX_NODES)
		return scn_fail(w->ctx, pos, "too many YAML nodes (more than %d)", DOC_MAX_NODES);
	if (idx->n < idx->cap)
		return 0;
	size_t cap = idx->cap ? idx->cap * 2 : 64;
	struct doc_node *nodes = realloc(idx->nodes, cap * sizeof(*nodes));
	if (!nodes)
		return scn_fail(w->ctx, pos, "out of memory");
	idx->nodes = nodes;
	idx->cap = cap;
	return 0;
}

/* The key path of the next child of the innermost open collection ("" for the root). */
static int child_path(const struct doc_walk *w, char *buf, size_t size)
{
	int n;

	if (w->depth == 0) {
		n = snprintf(buf, size, "%s", "");
	} else {
		const struct doc_frame *f = &w->stack[w->depth - 1];
		const char *parent = w->idx->nodes[f->node].path;

		if (w->idx->nodes[f->node].kind == DOC_SEQUENCE)
			n = snprintf(buf, size, "%s[%u]", parent, f->entries);
		else
			n = snprintf(buf, size, "%s%s%s", parent, *parent ? "." : "", f->key);
	}
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* Where the text of a block scalar (| or >) whose indicator is on line `line` starts: its
 * first line that is not blank, after its indentation. */
static struct src_pos block_content_pos(const char *text, unsigned line)
{
	const char *p = text;
	struct src_pos pos = { line, 1 };

	for (unsigned l = 1; l < line && *p; p++) /* to the start of the indicator's line */
		l += *p == '\n';
	p += strcspn(p, "\n");
	while (*p == '\n') {
		size_t blanks = strspn(p + 1, " ");

		pos.line++;
		pos.col = (unsigned)blanks + 1;
		p += 1 + blanks;
		if (*p != '\n' && *p != '\r')
			break;
	}
	return pos;
}

/* Where a scalar's text starts: past the opening quote, on the first line of a block. */
static struct src_pos scalar_content_pos(const struct doc_walk *w, const yaml_event_t *ev,
					 struct src_pos pos)
{
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return (struct src_pos){ pos.line, pos.col + 1 };
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		return block_content_pos(w->text, pos.line);
	default:
		return pos;
	}
}

/* Record a value node (scalar, sequence or mapping start) as the next child. */
static int add_node(struct doc_walk *w, enum doc_kind kind, const yaml_event_t *ev)
{
	struct src_pos pos = pos_of_mark(ev->start_mark);
	struct doc_frame *parent = w->depth ? &w->stack[w->depth - 1] : NULL;
	bool in_mapping = parent && w->idx->nodes[parent->node].kind == DOC_MAPPING;
	char path[DOC_MAX_PATH];

	if (reserve_node(w, pos))
		return 2;
	if (child_path(w, path, sizeof(path)))
		return scn_fail(w->ctx, pos, "key path too long");
	if (in_mapping && find_path_from(w->idx, parent->node, path))
		return scn_fail(w->ctx, parent->key_pos, "duplicate key '%s'", parent->key);

	struct doc_node *node = &w->idx->nodes[w->idx->n];
	*node = (struct doc_node){ .kind = kind, .pos = pos,
				   .key_pos = in_mapping ? parent->key_pos : pos };
	node->path = strdup(path);
	if (kind == DOC_SCALAR) {
		node->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		node->literal = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
		node->content_pos = scalar_content_pos(w, ev, pos);
	}
	if (!node->path || (kind == DOC_SCALAR && !node->value)) {
		free(node->path);
		free(node->value);
		return scn_fail(w->ctx, pos, "out of memory");
	}
	w->idx->n++;
	if (parent) {
		parent->entries++;
		parent->have_key = false;
	}
	return 0;
}

/* A mapping key: a scalar that can be part of a key path unambiguously. Keys holding '.', '['
 * or ']' (or empty ones) are not in the schema, so they are reported as unknown right here. */
static int take_key(struct doc_walk *w, const yaml_event_t *ev)
{
	struct doc_frame *f = &w->stack[w->depth - 1];
	struct src_pos pos = pos_of_mark(ev->start_mark);

	if (ev->type != YAML_SCALAR_EVENT)
		return scn_fail(w->ctx, pos, "mapping keys must be plain words");
	const char *key = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	if (len == 0 || strlen(key) != len || strpbrk(key, ".[]"))
		return scn_fail(w->ctx, pos, "unknown key '%s'", key);
	if (len >= sizeof(f->key))
		return scn_fail(w->ctx, pos, "unknown key '%.40s...'", key);
	memcpy(f->key, key, len + 1);
	f->key_pos = pos;
	f->have_key = true;
	return 0;
}

static bool expecting_key(const struct doc_walk *w)
{
	if (w->depth == 0)
		return false;
	const struct doc_frame *f = &w->stack[w->depth - 1];
	return w->idx->nodes[f->node].kind == DOC_MAPPING && !f->have_key;
}

static int open_collection(struct doc_walk *w, enum doc_kind kind, const yaml_event_t *ev)
{
	if (w->depth == DOC_MAX_DEPTH)
		return scn_fail(w->ctx, pos_of_mark(ev->start_mark),
				"nesting deeper than %d levels", DOC_MAX_DEPTH);
	if (add_node(w, kind, ev))
		return 2;
	w->stack[w->depth++] = (struct doc_frame){ .node = w->idx->n - 1 };
	return 0;
}

static void close_collection(struct doc_walk *w)
{
	struct doc_frame *f = &w->stack[--w->depth];
	w->idx->nodes[f->node].count = f->entries;
}

static int take_scalar(struct doc_walk *w, const yaml_event_t *ev)
{
	if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length)
		return scn_fail(w->ctx, pos_of_mark(ev->start_mark),
				"value contains a NUL character");
	return add_node(w, DOC_SCALAR, ev);
}

/* Feed one parser event to the walk. */
static int take_event(struct doc_walk *w, const yaml_event_t *ev)
{
	struct src_pos pos = pos_of_mark(ev->start_mark);

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++w->documents > 1)
			return scn_fail(w->ctx, pos, "a scenario file holds one YAML document");
		return 0;
	case YAML_ALIAS_EVENT:
		return scn_fail(w->ctx, pos, "YAML aliases are not supported");
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (expecting_key(w))
			return take_key(w, ev);
		if (ev->type == YAML_SCALAR_EVENT)
			return take_scalar(w, ev);
		return open_collection(w, ev->type == YAML_MAPPING_START_EVENT ? DOC_MAPPING
									      : DOC_SEQUENCE, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(w);
		return 0;
	default:
		return 0;
	}
}

static int syntax_error(const struct doc_walk *w, const yaml_parser_t *parser)
{
	struct src_pos pos = pos_of_mark(parser->problem_mark);

	if (parser->error == YAML_MEMORY_ERROR)
		return scn_fail(w->ctx, (struct src_pos){ 0 }, "out of memory");
	if (parser->context) {
		struct src_pos at = pos_of_mark(parser->context_mark);
		return scn_fail(w->ctx, pos, "YAML syntax error: %s (%s started at %u:%u)",
				parser->problem, parser->context, at.line, at.col);
	}
	return scn_fail(w->ctx, pos, "YAML syntax error: %s",
			parser->problem ? parser->problem : "unreadable input");
}

int scn_doc_build(struct doc_index *idx, const char *text, size_t len,
		  const struct scn_errctx *ctx)
{
	struct doc_walk w = { .text = text, .idx = idx, .ctx = ctx };
	yaml_parser_t parser;
	int rc = 0;

	*idx = (struct doc_index){ 0 };
	if (!yaml_parser_initialize(&parser))
		return scn_fail(ctx, (struct src_pos){ 0 }, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (bool done = false; !done && rc == 0;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(&w, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = take_event(&w, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (rc)
		scn_doc_free(idx);
	return rc;
}
