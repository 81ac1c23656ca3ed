/*
 * context_layout.c - where the engine keeps each register of the arch's register file in the
 * bytes uc_context_save fills, found by writing a marker into one register at a time in a
 * scratch engine and seeing which bytes change (the flags register: its flags bits set, then
 * clear; QEMU keeps them in fields of their own, each a 32-bit word). The state hash zeroes
 * a dead register's bytes (emu_context_clear_regs) so that two states that differ only there
 * are one.
 *
 * Looked for once per process and arch. A register whose bytes are not found, or not where
 * the layout says, keeps its bytes: the hash then only merges fewer states.
 */
#include <string.h>

#include "emu_internal.h"

#define LAYOUT_MAX_SPANS 4

struct reg_span {
	uint16_t off, len;
};

struct context_layout {
	const struct arch_model *arch; /* NULL: a free slot */
	bool found;
	unsigned nspans[ARCH_MAX_REGS];
	struct reg_span spans[ARCH_MAX_REGS][LAYOUT_MAX_SPANS];
};

static struct context_layout layouts[4]; /* one per arch model */

/* The bytes where a and b differ, as spans grown to whole words of `unit` bytes; false when
 * there are more than LAYOUT_MAX_SPANS or none. */
static bool spans_of(const uint8_t *a, const uint8_t *b, size_t n, unsigned unit,
		     struct reg_span *out, unsigned *nout)
{
	*nout = 0;
	for (size_t i = 0; i < n; i += unit) {
		if (!memcmp(a + i, b + i, unit < n - i ? unit : n - i))
			continue;
		if (*nout && out[*nout - 1].off + out[*nout - 1].len == i) {
			out[*nout - 1].len = (uint16_t)(out[*nout - 1].len + unit);
			continue;
		}
		if (*nout == LAYOUT_MAX_SPANS || i + unit > 0xffff)
			return false;
		out[(*nout)++] = (struct reg_span){(uint16_t)i, (uint16_t)unit};
	}
	return *nout > 0;
}

static void probe(const struct arch_model *arch, struct context_layout *l)
{
	uc_engine *uc;
	uc_context *a = NULL, *b = NULL;
	size_t n;

	if (uc_open((uc_arch)arch->uc_arch, (uc_mode)arch->uc_mode, &uc) != UC_ERR_OK)
		return;
	if ((arch->uc_cpu_model >= 0 && uc_ctl_set_cpu_model(uc, arch->uc_cpu_model)) ||
	    uc_context_alloc(uc, &a) || uc_context_alloc(uc, &b))
		goto out;
	n = uc_context_size(uc);
	for (unsigned r = 0; r < arch->nregs && r < ARCH_MAX_REGS; r++) {
		uint64_t held = 0, x, y;
		unsigned unit = arch->word_size;

		if ((int)r == arch->reg_pc || (int)r == arch->reg_sp)
			continue;
		uc_reg_read(uc, arch->reg_ids[r], &held);
		if (arch->decode_flow && (int)r == arch->flags_reg) {
			x = held | arch->flags_value_mask; /* every flag set, then every flag clear */
			y = held & ~arch->flags_value_mask;
			unit = 4;
		} else {
			x = 0x8877665544332211ull & (arch->word_size == 4 ? 0xffffffffull : ~0ull);
			y = ~x & (arch->word_size == 4 ? 0xffffffffull : ~0ull);
		}
		if (uc_reg_write(uc, arch->reg_ids[r], &x))
			continue;
		uc_context_save(uc, a);
		uc_reg_write(uc, arch->reg_ids[r], &y);
		uc_context_save(uc, b);
		uc_reg_write(uc, arch->reg_ids[r], &held);
		if (!spans_of((const uint8_t *)a, (const uint8_t *)b, n, unit, l->spans[r],
			      &l->nspans[r]))
			l->nspans[r] = 0;
	}
	l->found = true;
out:
	if (a)
		uc_context_free(a);
	if (b)
		uc_context_free(b);
	uc_close(uc);
}

static const struct context_layout *layout_of(const struct arch_model *arch)
{
	struct context_layout *l = layouts;

	while (l < layouts + 4 && l->arch && l->arch != arch)
		l++;
	if (l == layouts + 4)
		return NULL;
	if (!l->arch) {
		l->arch = arch;
		probe(arch, l);
	}
	return l->found ? l : NULL;
}

void emu_context_clear_regs(const struct arch_model *arch, uint8_t *ctx, size_t n, uint64_t regs)
{
	const struct context_layout *l = regs ? layout_of(arch) : NULL;

	for (unsigned r = 0; l && r < arch->nregs && r < ARCH_MAX_REGS; r++)
		for (unsigned s = 0; (regs >> r & 1) && s < l->nspans[r]; s++)
			if ((size_t)l->spans[r][s].off + l->spans[r][s].len <= n)
				memset(ctx + l->spans[r][s].off, 0, l->spans[r][s].len);
}

unsigned machine_context_reg_bytes(const struct arch_model *arch, unsigned reg)
{
	const struct context_layout *l = layout_of(arch);
	unsigned total = 0;

	for (unsigned s = 0; l && reg < ARCH_MAX_REGS && s < l->nspans[reg]; s++)
		total += l->spans[reg][s].len;
	return total;
}
