/*
 * call_check.c - a scenario's call against the prototype of the function it calls, before it
 * runs: the number of arguments, and whether each argument fits its parameter.
 *
 * The prototype comes from the image's DWARF (image_function_prototype, emu/image_dwarf.c),
 * so bundled guest code and a scenario's own sources are checked alike. A function without
 * one (assembly trampolines and handlers, an image built without -g) is not checked. The
 * rules, per parameter:
 *   - an integer of N bytes takes a literal from -2^(8N-1) to 2^(8N) - 1, whatever its
 *     signedness: the value's two's complement in N bytes is what C's conversion gives it
 *     (-1 to an unsigned int is 0xffffffff, 0xffffffff to an int is -1), so both are allowed;
 *     a literal outside that range would lose bits;
 *   - a pointer takes any literal that fits its size, and any symbol;
 *   - a symbol (an address) needs an integer at least as wide as a pointer;
 *   - a struct or union passed by value, or a floating-point value, cannot be written in a
 *     scenario call at all.
 * Arguments past the named parameters of a variadic function are not checked.
 */
#include <stdio.h>
#include <string.h>

#include "exec.h"

/* "long a, long b, long c" (", ..." when variadic), cut to size. */
static void params_text(const struct image_prototype *p, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < p->nparams && used < size; i++) {
		const char *text = i < IMAGE_MAX_PARAMS ? p->params[i].text : "...";
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", text);
		used += n > 0 ? (size_t)n : 0;
	}
	if (p->variadic && used < size)
		snprintf(buf + used, size - used, "%s...", used ? ", " : "");
}

static int arity_error(const struct explorer *x, const struct scn_call *c,
		       const struct image_prototype *p, char *err, size_t errlen)
{
	char params[512];

	params_text(p, params, sizeof(params));
	if (p->nparams == 0 && !p->variadic)
		snprintf(err, errlen, "%s:%u:%u: %s takes no arguments, the call gives %u",
			 x->scn->path, c->pos.line, c->pos.col, c->func, c->nargs);
	else
		snprintf(err, errlen, "%s:%u:%u: %s takes %s%u argument%s (%s), the call gives %u",
			 x->scn->path, c->pos.line, c->pos.col, c->func,
			 p->variadic ? "at least " : "", p->nparams, p->nparams == 1 ? "" : "s",
			 params, c->nargs);
	return 2;
}

/* Does the literal fit an N-byte parameter (see the rules above)? */
static bool literal_fits(const struct scn_arg *a, unsigned bytes)
{
	unsigned bits = bytes * 8;

	if (bits >= 64)
		return true;
	if (a->negative) /* value holds the two's complement of the literal */
		return (int64_t)a->value >= -((int64_t)1 << (bits - 1));
	return a->value <= (UINT64_MAX >> (64 - bits));
}

/* The literal, whichever way it was written: -5, 7, 256 (0x100). */
static const char *literal_text(const struct scn_arg *a, char *buf, size_t size)
{
	if (a->negative)
		snprintf(buf, size, "-%llu", (unsigned long long)(0 - a->value));
	else if (a->value > 9)
		snprintf(buf, size, "%llu (0x%llx)", (unsigned long long)a->value,
			 (unsigned long long)a->value);
	else
		snprintf(buf, size, "%llu", (unsigned long long)a->value);
	return buf;
}

/* Argument i (0-based) against its parameter. */
static int check_argument(const struct explorer *x, const struct scn_call *c, unsigned i,
			  const struct image_param *p, char *err, size_t errlen)
{
	const struct scn_arg *a = &c->args[i];
	char value[96];

	if (p->kind == PARAM_UNSUPPORTED) {
		snprintf(err, errlen, "%s:%u:%u: argument %u of %s (%s) is neither an integer nor a "
			 "pointer: a scenario call cannot pass it", x->scn->path, c->pos.line,
			 c->pos.col, i + 1, c->func, p->text);
		return 2;
	}
	if (a->is_symbol) {
		if (p->size >= x->arch->word_size)
			return 0;
		if (a->value)
			snprintf(value, sizeof(value), "%s+0x%llx", a->symbol,
				 (unsigned long long)a->value);
		else
			snprintf(value, sizeof(value), "%s", a->symbol);
		snprintf(err, errlen, "%s:%u:%u: argument %u of %s (%s) holds %u byte%s, fewer than "
			 "an address: %s does not fit", x->scn->path, c->pos.line, c->pos.col, i + 1,
			 c->func, p->text, p->size, p->size == 1 ? "" : "s", value);
		return 2;
	}
	if (literal_fits(a, p->size))
		return 0;
	snprintf(err, errlen, "%s:%u:%u: argument %u of %s (%s) holds %u byte%s: %s does not fit",
		 x->scn->path, c->pos.line, c->pos.col, i + 1, c->func, p->text, p->size,
		 p->size == 1 ? "" : "s", literal_text(a, value, sizeof(value)));
	return 2;
}

int call_check_prototype(const struct explorer *x, const struct scn_call *c, char *err,
			 size_t errlen)
{
	const struct image_prototype *p = image_function_prototype(x->img, c->func);

	if (!p)
		return 0;
	if (c->nargs < p->nparams || (c->nargs > p->nparams && !p->variadic))
		return arity_error(x, c, p, err, errlen);
	for (unsigned i = 0; i < p->nparams && i < IMAGE_MAX_PARAMS; i++)
		if (check_argument(x, c, i, &p->params[i], err, errlen))
			return 2;
	return 0;
}
