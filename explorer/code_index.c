/*
 * code_index.c - where the code of a prepared image is, looked up on every step: which patch
 * site (if any) a pc belongs to, whether an address is the entry of a function symbol, and
 * whether a code word is one some hart writes. prepare.c builds the function set once per image
 * and seeds the written set with the sites; the transitions add every code word written.
 */
#include "exec.h"

int site_at(const struct explorer *x, uint64_t pc)
{
	for (unsigned i = 0; i < x->nsites; i++)
		if (pc >= x->sites[i].lay.start && pc <= x->sites[i].lay.body)
			return (int)i;
	return -1;
}

/* Slot of addr in an open-addressing set of size slots (a power of two). */
static size_t set_slot(uint64_t addr, size_t size)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 40) & (size - 1);
}

static size_t func_slot(uint64_t addr)
{
	return set_slot(addr, EX_FUNC_SET);
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

void code_written_add(struct explorer *x, uint64_t addr, unsigned size)
{
	for (uint64_t w = addr & ~3ull; w < addr + size; w += 4) {
		size_t k = set_slot(w, EX_CODE_SET), probes = 0;

		if (w < x->code_lo)
			x->code_lo = w;
		if (w + 4 > x->code_hi)
			x->code_hi = w + 4;

		while (x->code_written[k] && x->code_written[k] != w && ++probes < EX_CODE_SET)
			k = (k + 1) & (EX_CODE_SET - 1);
		if (x->code_written[k] == w || probes == EX_CODE_SET)
			continue;
		x->code_written[k] = w;
		x->code_written_gen++;
		x->shared_set_grew = true;
		machine_plain_exclude(x->m, w, w + 4); /* its fetch is visible: no run goes over it */
	}
}

static bool code_word_written(const struct explorer *x, uint64_t w)
{
	for (size_t k = set_slot(w, EX_CODE_SET); x->code_written[k]; k = (k + 1) & (EX_CODE_SET - 1))
		if (x->code_written[k] == w)
			return true;
	return false;
}

/* The instruction at pc may be up to 4 bytes long and straddle two words (Thumb-2, RVC). */
bool code_written_holds(const struct explorer *x, uint64_t pc)
{
	return code_word_written(x, pc & ~3ull) || code_word_written(x, (pc + 3) & ~3ull);
}
