/*
 * litmus_cond.c - a litmus scenario's exists: condition, herd-style: atoms "H:reg=V" (register
 * reg of hart H at the end) and "loc=V" or "[loc]=V" (memory location loc at the end), joined
 * by "/\" (and), "\/" (or), "~" (not) and parentheses; "true" and "false". V is a whole number
 * (decimal or 0x hex), optionally negative (two's complement at the value's width). And binds
 * tighter than or; ~ tightest. Parsed into struct cond_node (explorer.h), evaluated over the
 * observables' final values.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../models/arch.h"
#include "explorer.h"

struct cond_parser {
	struct scenario *scn;
	const struct arch_model *arch;
	const char *text;
	size_t pos;
	size_t err_at;
	char *why;
	size_t whylen;
	bool failed;
};

static bool fail_at(struct cond_parser *p, size_t at, const char *fmt, const char *arg)
{
	if (!p->failed) {
		p->failed = true;
		p->err_at = at;
		snprintf(p->why, p->whylen, fmt, arg);
	}
	return false;
}

static void skip_blanks(struct cond_parser *p)
{
	while (p->text[p->pos] && isspace((unsigned char)p->text[p->pos]))
		p->pos++;
}

static bool at_text(struct cond_parser *p, const char *s)
{
	skip_blanks(p);
	return strncmp(p->text + p->pos, s, strlen(s)) == 0;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* A name ([A-Za-z0-9_.]+) at the current position into buf; false when there is none. */
static bool take_name(struct cond_parser *p, char *buf, size_t size)
{
	size_t n = 0;

	skip_blanks(p);
	while (is_name_char(p->text[p->pos + n]))
		n++;
	if (n == 0)
		return false;
	if (n >= size)
		return fail_at(p, p->pos, "name too long at '%.20s'", p->text + p->pos);
	memcpy(buf, p->text + p->pos, n);
	buf[n] = '\0';
	p->pos += n;
	return true;
}

static int new_node(struct cond_parser *p, enum cond_kind kind, int a, int b)
{
	struct litmus_spec *l = &p->scn->litmus;

	if (l->ncond >= SCN_MAX_COND_NODES) {
		fail_at(p, p->pos, "the condition is too long (at most %s atoms and operators)",
			"64");
		return -1;
	}
	l->cond[l->ncond] = (struct cond_node){.kind = (uint8_t)kind, .a = (uint8_t)(a < 0 ? 0 : a),
					       .b = (uint8_t)(b < 0 ? 0 : b)};
	return (int)l->ncond++;
}

/* The index of the observable in the scenario's list, added if new; -1 when the list is full. */
static int observable_index(struct litmus_spec *l, int hart, unsigned index)
{
	for (unsigned i = 0; i < l->nobserve; i++)
		if (l->observe[i].hart == hart && l->observe[i].index == index)
			return (int)i;
	if (l->nobserve >= SCN_MAX_OBSERVE)
		return -1;
	l->observe[l->nobserve] = (struct scn_observable){.hart = hart, .index = index};
	return (int)l->nobserve++;
}

static int location_index(const struct litmus_spec *l, const char *name)
{
	for (unsigned i = 0; i < l->nlocations; i++)
		if (strcmp(l->locations[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "H:reg" or "loc" or "[loc]" at the current position: its observable index, or -1. Also the
 * width in bytes of its value. */
static int take_observable(struct cond_parser *p, unsigned *width)
{
	char name[64];
	size_t start;
	bool bracket;
	int idx;

	skip_blanks(p);
	start = p->pos;
	if (isdigit((unsigned char)p->text[p->pos])) {
		unsigned hart = 0;

		while (isdigit((unsigned char)p->text[p->pos]) && hart < 100)
			hart = hart * 10 + (unsigned)(p->text[p->pos++] - '0');
		if (p->text[p->pos] != ':')
			return fail_at(p, p->pos, "expected ':' after the hart number, got '%.1s'",
				       p->text + p->pos), -1;
		p->pos++;
		if (hart >= p->scn->nharts) {
			char n[16];

			snprintf(n, sizeof(n), "%u", hart);
			return fail_at(p, start, "hart %s does not exist", n), -1;
		}
		start = p->pos;
		if (!take_name(p, name, sizeof(name)))
			return fail_at(p, p->pos, "expected a register name after '%.20s'",
				       p->text + start - 2), -1;
		idx = arch_reg_index(p->arch, name);
		if (idx < 0)
			return fail_at(p, start, "'%s' is not a register of this arch", name), -1;
		*width = p->arch->word_size;
		idx = observable_index(&p->scn->litmus, (int)hart, (unsigned)idx);
	} else {
		bracket = p->text[p->pos] == '[';
		p->pos += bracket;
		start = p->pos;
		if (!take_name(p, name, sizeof(name)))
			return fail_at(p, p->pos, "expected an atom (H:reg=V or loc=V), got '%.20s'",
				       p->text + p->pos), -1;
		idx = location_index(&p->scn->litmus, name);
		if (idx < 0)
			return fail_at(p, start, "'%s' is not a location of memory:", name), -1;
		*width = p->scn->litmus.locations[idx].size;
		if (bracket && !at_text(p, "]"))
			return fail_at(p, p->pos, "expected ']', got '%.20s'", p->text + p->pos), -1;
		p->pos += bracket;
		idx = observable_index(&p->scn->litmus, -1, (unsigned)idx);
	}
	if (idx < 0)
		return fail_at(p, start, "more than %s values observed", "16"), -1;
	return idx;
}

enum whole_number_status litmus_value_parse(const char *text, size_t len, unsigned width,
					    uint64_t *value)
{
	uint64_t v, max = width >= 8 ? UINT64_MAX : (1ull << (8 * width)) - 1;
	bool negative = len > 0 && text[0] == '-';
	enum whole_number_status st = whole_number_parse(text + negative, len - negative, &v);

	if (st != WHOLE_NUMBER_OK)
		return st;
	if (negative ? v > max / 2 + 1 : v > max)
		return WHOLE_NUMBER_TOO_LARGE;
	*value = negative ? (0 - v) & max : v;
	return WHOLE_NUMBER_OK;
}

/* A value at the current position: a whole number, optionally negative, fitting width bytes. */
static bool take_value(struct cond_parser *p, unsigned width, uint64_t *value)
{
	size_t start, n = 0;
	char token[32];
	enum whole_number_status st;

	skip_blanks(p);
	start = p->pos;
	n = p->text[p->pos] == '-';
	while (is_name_char(p->text[p->pos + n]))
		n++;
	snprintf(token, sizeof(token), "%.*s", (int)n, p->text + start);
	st = litmus_value_parse(p->text + start, n, width, value);
	if (st == WHOLE_NUMBER_TOO_LARGE)
		return fail_at(p, start, "value '%s' does not fit the observed value's width",
			       token);
	if (st != WHOLE_NUMBER_OK)
		return fail_at(p, start, "expected a whole number, got '%s'", token);
	p->pos += n;
	return true;
}

static int parse_or(struct cond_parser *p);

static int parse_unary(struct cond_parser *p)
{
	char word[8];
	size_t save;
	unsigned width;
	int a;

	if (at_text(p, "~")) {
		p->pos++;
		a = parse_unary(p);
		return a < 0 ? -1 : new_node(p, COND_NOT, a, -1);
	}
	if (at_text(p, "(")) {
		size_t open = p->pos++;

		a = parse_or(p);
		if (a < 0)
			return -1;
		if (!at_text(p, ")"))
			return fail_at(p, p->text[p->pos] ? p->pos : open,
				       "expected ')' to close the '(' here%s", ""), -1;
		p->pos++;
		return a;
	}
	save = p->pos;
	if (take_name(p, word, sizeof(word)) && !at_text(p, "=") &&
	    (strcmp(word, "true") == 0 || strcmp(word, "false") == 0))
		return new_node(p, strcmp(word, "true") == 0 ? COND_TRUE : COND_FALSE, -1, -1);
	p->failed = false;
	p->pos = save;
	int obs = take_observable(p, &width);
	if (obs < 0)
		return -1;
	if (!at_text(p, "="))
		return fail_at(p, p->pos, "expected '=', got '%.20s'", p->text + p->pos), -1;
	p->pos++;
	a = new_node(p, COND_ATOM, -1, -1);
	if (a < 0)
		return -1;
	p->scn->litmus.cond[a].observable = (uint8_t)obs;
	if (!take_value(p, width, &p->scn->litmus.cond[a].value))
		return -1;
	return a;
}

/* The binary operators, loosest first: or, then and. */
static const struct {
	const char *text;
	enum cond_kind kind;
} binary_ops[] = {
	{ "\\/", COND_OR },
	{ "/\\", COND_AND },
};

#define NBINARY_OPS (sizeof(binary_ops) / sizeof(binary_ops[0]))

/* Operands joined by the operator of this level, left to right; the operands bind tighter. */
static int parse_binary(struct cond_parser *p, unsigned level)
{
	int a;

	if (level == NBINARY_OPS)
		return parse_unary(p);
	a = parse_binary(p, level + 1);
	while (a >= 0 && at_text(p, binary_ops[level].text)) {
		p->pos += strlen(binary_ops[level].text);
		int b = parse_binary(p, level + 1);

		a = b < 0 ? -1 : new_node(p, binary_ops[level].kind, a, b);
	}
	return a;
}

static int parse_or(struct cond_parser *p)
{
	return parse_binary(p, 0);
}

/* A parser of text for scn, with the scenario's arch model; false (at 0, why set) when the
 * arch has none. */
static bool parser_start(struct cond_parser *p, struct scenario *scn, const char *text,
			 size_t *at, char *why, size_t whylen)
{
	*p = (struct cond_parser){.scn = scn, .arch = arch_model_find(scn->arch), .text = text,
				  .why = why, .whylen = whylen};
	*at = 0;
	if (!p->arch) {
		snprintf(why, whylen, "arch '%s' has no model in this build", scn->arch);
		return false;
	}
	return true;
}

bool litmus_cond_parse(struct scenario *scn, const char *text, size_t *at, char *why,
		       size_t whylen)
{
	struct cond_parser p;
	int root;

	if (!parser_start(&p, scn, text, at, why, whylen))
		return false;
	scn->litmus.ncond = 0;
	skip_blanks(&p);
	if (!text[p.pos]) {
		snprintf(why, whylen, "the condition is empty");
		return false;
	}
	root = parse_or(&p);
	if (root >= 0) {
		skip_blanks(&p);
		if (text[p.pos])
			root = fail_at(&p, p.pos, "unexpected '%.20s' (an operator /\\ or \\/ "
				       "expected)", text + p.pos) ? root : -1;
	}
	if (root < 0) {
		*at = p.err_at;
		return false;
	}
	scn->litmus.cond_root = (unsigned)root;
	return true;
}

static bool node_holds(const struct litmus_spec *l, unsigned n, const uint64_t *values)
{
	const struct cond_node *c = &l->cond[n];

	switch (c->kind) {
	case COND_ATOM:
		return values[c->observable] == c->value;
	case COND_NOT:
		return !node_holds(l, c->a, values);
	case COND_AND:
		return node_holds(l, c->a, values) && node_holds(l, c->b, values);
	case COND_OR:
		return node_holds(l, c->a, values) || node_holds(l, c->b, values);
	case COND_TRUE:
		return true;
	default:
		return false;
	}
}

bool litmus_cond_holds(const struct litmus_spec *l, const uint64_t *values)
{
	return l->has_exists && node_holds(l, l->cond_root, values);
}

bool litmus_observable_parse(struct scenario *scn, const char *text, size_t *at, char *why,
			     size_t whylen)
{
	struct cond_parser p;
	unsigned width;

	if (!parser_start(&p, scn, text, at, why, whylen))
		return false;
	if (take_observable(&p, &width) >= 0) {
		skip_blanks(&p);
		if (!text[p.pos])
			return true;
		fail_at(&p, p.pos, "unexpected '%.20s' after the value named (H:reg or loc)",
			text + p.pos);
	}
	*at = p.err_at;
	return false;
}
