/*
 * scenario_call.c - the call syntax of scenario files: "func(arg, arg, ...)".
 *
 * A call names a guest function and 0..SCN_MAX_ARGS arguments, optionally followed by
 * "== N", the value it must return. An argument is an integer
 * literal (decimal, 0x hex, either with a leading '-') or a symbol name, optionally plus a
 * non-negative offset ("sym+0x4"): the symbol is kept by name, the offset (or the literal) in
 * value. Whitespace between tokens is ignored. Symbols are resolved later, by the explorer,
 * against the guest image. Octal literals ("010") are rejected rather than guessed at.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

struct cursor {
	const char *s;
	size_t i;
	char *why; /* the reason of the first failure */
	size_t whylen;
};

static bool fail(struct cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
	return false;
}

static char peek(const struct cursor *c)
{
	return c->s[c->i];
}

static void skip_space(struct cursor *c)
{
	while (isspace((unsigned char)peek(c)))
		c->i++;
}

static bool symbol_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_' || ch == '.';
}

static bool symbol_char(char ch)
{
	return symbol_start(ch) || isdigit((unsigned char)ch);
}

bool scn_symbol_name_valid(const char *name)
{
	if (!symbol_start(name[0]))
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!symbol_char(*p))
			return false;
	return true;
}

static bool scan_number(struct cursor *c, bool allow_minus, uint64_t *value);

bool scn_symbol_offset_valid(const char *text)
{
	char name[64];
	const char *plus = strchr(text, '+');
	size_t n = plus ? (size_t)(plus - text) : strlen(text);
	uint64_t off;
	char why[96];
	struct cursor c = { .s = plus ? plus + 1 : "", .why = why, .whylen = sizeof(why) };

	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, text, n);
	name[n] = '\0';
	if (!scn_symbol_name_valid(name))
		return false;
	if (!plus)
		return true;
	return isdigit((unsigned char)peek(&c)) && scan_number(&c, false, &off) && peek(&c) == '\0';
}

/* A symbol name into buf; too long is an error, not a truncation. */
static bool scan_symbol(struct cursor *c, char *buf, size_t size)
{
	size_t start = c->i;

	while (symbol_char(peek(c)))
		c->i++;
	size_t len = c->i - start;
	if (len >= size)
		return fail(c, "name '%.40s...' longer than %zu characters", c->s + start,
			    size - 1);
	memcpy(buf, c->s + start, len);
	buf[len] = '\0';
	return true;
}

/* The unsigned literal digits[0..len) into *value; tok is the whole token, for messages. */
static bool convert_unsigned(struct cursor *c, const char *digits, size_t len, const char *tok,
			     uint64_t *value)
{
	switch (whole_number_parse(digits, len, value)) {
	case WHOLE_NUMBER_OK:
		return true;
	case WHOLE_NUMBER_LEADING_ZERO:
		return fail(c, "octal literal '%s' not supported (write decimal or 0x hex)", tok);
	case WHOLE_NUMBER_TOO_LARGE:
		return fail(c, "number '%s' out of range", tok);
	case WHOLE_NUMBER_MALFORMED:
		break;
	}
	return fail(c, "bad number '%s'", tok);
}

/* An integer literal, optionally negative (two's complement into 64 bits). */
static bool scan_number(struct cursor *c, bool allow_minus, uint64_t *value)
{
	char tok[64];
	size_t start = c->i;
	bool negative = allow_minus && peek(c) == '-';

	if (negative)
		c->i++;
	size_t digits = c->i;
	while (isalnum((unsigned char)peek(c)) || peek(c) == '_')
		c->i++;
	if (c->i - start >= sizeof(tok))
		return fail(c, "number '%.40s...' too long", c->s + start);
	snprintf(tok, sizeof(tok), "%.*s", (int)(c->i - start), c->s + start);
	if (!convert_unsigned(c, tok + (digits - start), c->i - digits, tok, value))
		return false;
	if (negative && *value > (uint64_t)1 << 63)
		return fail(c, "number '%s' out of range", tok);
	if (negative)
		*value = (uint64_t)0 - *value;
	return true;
}

/* "sym" or "sym + offset". */
static bool scan_symbol_arg(struct cursor *c, struct scn_arg *arg)
{
	arg->is_symbol = true;
	arg->value = 0;
	if (!scan_symbol(c, arg->symbol, sizeof(arg->symbol)))
		return false;
	skip_space(c);
	if (peek(c) != '+')
		return true;
	c->i++;
	skip_space(c);
	if (!isdigit((unsigned char)peek(c)))
		return fail(c, "expected an offset after '%s+'", arg->symbol);
	return scan_number(c, false, &arg->value);
}

static bool scan_arg(struct cursor *c, struct scn_arg *arg)
{
	char ch = peek(c);

	*arg = (struct scn_arg){ 0 };
	if (ch == ',' || ch == ')')
		return fail(c, "empty argument");
	if (isdigit((unsigned char)ch) || ch == '-') {
		arg->negative = ch == '-';
		return scan_number(c, true, &arg->value);
	}
	if (symbol_start(ch))
		return scan_symbol_arg(c, arg);
	if (ch == '\0')
		return fail(c, "missing ')'");
	return fail(c, "unexpected '%c' in an argument", ch);
}

/* The argument list after '(' up to and including ')'. */
static bool scan_args(struct cursor *c, struct scn_call *call)
{
	skip_space(c);
	if (peek(c) == ')') {
		c->i++;
		return true;
	}
	for (;;) {
		if (call->nargs == SCN_MAX_ARGS)
			return fail(c, "more than %d arguments", SCN_MAX_ARGS);
		skip_space(c);
		if (!scan_arg(c, &call->args[call->nargs++]))
			return false;
		skip_space(c);
		if (peek(c) == ')') {
			c->i++;
			return true;
		}
		if (peek(c) == '\0')
			return fail(c, "missing ')'");
		if (peek(c) != ',')
			return fail(c, "expected ',' or ')' after argument %u", call->nargs);
		c->i++;
	}
}

bool scn_call_parse(const char *text, struct scn_call *call, char *why, size_t whylen)
{
	struct cursor c = { .s = text, .why = why, .whylen = whylen };

	*call = (struct scn_call){ 0 };
	skip_space(&c);
	if (!symbol_start(peek(&c)))
		return fail(&c, "expected a function name");
	if (!scan_symbol(&c, call->func, sizeof(call->func)))
		return false;
	skip_space(&c);
	if (peek(&c) != '(')
		return fail(&c, "expected '(' after '%s'", call->func);
	c.i++;
	if (!scan_args(&c, call))
		return false;
	skip_space(&c);
	if (c.s[c.i] == '=' && c.s[c.i + 1] == '=') {
		uint64_t v;

		c.i += 2;
		skip_space(&c);
		if (!isdigit((unsigned char)peek(&c)) && peek(&c) != '-')
			return fail(&c, "expected a number after '=='");
		if (!scan_number(&c, true, &v))
			return false;
		call->has_expect = true;
		call->expect = (int64_t)v;
		skip_space(&c);
	}
	if (peek(&c) != '\0')
		return fail(&c, "unexpected text after ')'");
	return true;
}
