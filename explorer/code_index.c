/*
 * code_index.c - where the code of a prepared image is, looked up on every step: which patch
 * site (if any) a pc belongs to, and whether an address is the entry of a function symbol.
 * prepare.c builds the function set once per image; the checks and the transition read both.
 */
#include "exec.h"

int site_at(const struct explorer *x, uint64_t pc)
{
	for (unsigned i = 0; i < x->nsites; i++)
		if (pc >= x->sites[i].lay.start && pc <= x->sites[i].lay.body)
			return (int)i;
	return -1;
}

static size_t func_slot(uint64_t addr)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 40) & (EX_FUNC_SET - 1);
}

/* The entries of the image's function symbols (Thumb bit cleared), for per-step lookups. */
void index_function_starts(struct explorer *x)
{
	const struct image_symbol *syms;
	size_t n = image_symbols(x->img, &syms), used = 0;

	for (size_t i = 0; i < n && used < EX_FUNC_SET / 2; i++) {
		uint64_t a = syms[i].addr & ~1ull;
		size_t k = func_slot(a);

		if (!syms[i].is_func || !a)
			continue;
		while (x->func_starts[k] && x->func_starts[k] != a)
			k = (k + 1) & (EX_FUNC_SET - 1);
		if (!x->func_starts[k])
			used++;
		x->func_starts[k] = a;
	}
}

bool is_function_start(const struct explorer *x, uint64_t addr)
{
	for (size_t k = func_slot(addr); x->func_starts[k]; k = (k + 1) & (EX_FUNC_SET - 1))
		if (x->func_starts[k] == addr)
			return true;
	return false;
}
