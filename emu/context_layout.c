/*
 * context_layout.c - where the engine keeps each register of the arch's register file in the
 * bytes uc_context_save fills, found by writing a marker into one register at a time in a
 * scratch engine and seeing which bytes change (the flags register: its flags bits set, then
 * clear; QEMU keeps them in fields of their own, each a 32-bit word), and the same for the
 * arch's exception registers and banked stack pointer; and the bytes the engine fills from
 * the host's clock, found by running the arch's exception return twice from one state, the
 * clock having moved on in between. The state hash zeroes a dead register's bytes
 * (emu_context_canonical_regs) so that two states that differ only there are one: the
 * registers the caller says are dead, the exception registers outside a handler
 * (MACHINE_DEAD_EXCEPTION_REGS), the banked stack pointer while the engine leaves it stale,
 * the flags' raw form (hashed as the architecture has them instead), and always the host's
 * clock, which no guest state has as its own (the bundled guests never read the PMU).
 *
 * Looked for once per process and arch. A register whose bytes are not found, or not where
 * the layout says, keeps its bytes: the hash then only merges fewer states.
 */
#include <string.h>
#include <time.h>

#include "emu_internal.h"

#define LAYOUT_MAX_SPANS 4
#define SLOT_EXCEPTION ARCH_MAX_REGS      /* then the arch's exception registers */
#define SLOT_BANKED_SP (ARCH_MAX_REGS + 4) /* and its banked stack pointer */
#define SLOT_HOST_CLOCK (ARCH_MAX_REGS + 5) /* and what the host's clock fills */
#define SLOT_START_COPY (ARCH_MAX_REGS + 6) /* and where the engine last started */
#define LAYOUT_SLOTS (ARCH_MAX_REGS + 7)
#define PROBE_PAGE 0x10000ull /* where the exception return runs, */
#define PROBE_OTHER 0x10008ull /* and again, from elsewhere */

struct reg_span {
	uint16_t off, len;
};

struct context_layout {
	const struct arch_model *arch; /* NULL: not set up yet */
	bool found;
	unsigned nspans[LAYOUT_SLOTS];
	struct reg_span spans[LAYOUT_SLOTS][LAYOUT_MAX_SPANS];
};

static struct context_layout layouts[EMU_ARCH_SLOTS];

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

/* Where Unicorn register id lives: the context with x in it against the one with y, in words
 * of unit bytes, into slot. */
static void probe_reg(uc_engine *uc, uc_context *a, uc_context *b, size_t n, int id, uint64_t x,
		      uint64_t y, unsigned unit, struct context_layout *l, unsigned slot)
{
	uint64_t held = 0;

	l->nspans[slot] = 0;
	if (uc_reg_read(uc, id, &held) || uc_reg_write(uc, id, &x))
		return;
	uc_context_save(uc, a);
	uc_reg_write(uc, id, &y);
	uc_context_save(uc, b);
	uc_reg_write(uc, id, &held);
	if (!spans_of((const uint8_t *)a, (const uint8_t *)b, n, unit, l->spans[slot],
		      &l->nspans[slot]))
		l->nspans[slot] = 0;
}

static uint64_t host_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The words of b that hold where the engine was started (PROBE_PAGE) where c's hold PROBE_OTHER,
 * the start of the same instruction's run from there: a copy of the address the engine last
 * started at that running the instruction does not move on (the AArch64 pc field of QEMU's
 * arm CPU, which Unicorn's arm engine sets with the pc and AArch32 execution never reads: it
 * uses r15). The arch's own pc moves on, to the same return address in both. */
static void find_start_copies(const struct arch_model *arch, const uint8_t *b, const uint8_t *c,
			      size_t n, struct context_layout *l)
{
	unsigned w = arch->word_size, *k = &l->nspans[SLOT_START_COPY];

	*k = 0;
	for (size_t i = 0; i + w <= n && *k < LAYOUT_MAX_SPANS; i += w) {
		uint64_t vb = 0, vc = 0;

		memcpy(&vb, b + i, w);
		memcpy(&vc, c + i, w);
		if (vb == PROBE_PAGE && vc == PROBE_OTHER)
			l->spans[SLOT_START_COPY][(*k)++] = (struct reg_span){(uint16_t)i, (uint16_t)w};
	}
}

/* What the arch's exception return shows. First the bytes the engine fills from the host's
 * clock: the return runs from one state, then again once the clock has moved on by a
 * microsecond (QEMU keeps nanoseconds), the two results compared in 8-byte words (QEMU's
 * counters are 64-bit); what the return does apart from that is the same both times. A few
 * tries, should the clock read the same. Then it runs once more from another address:
 * find_start_copies. */
static void probe_exception_return(const struct arch_model *arch, uc_engine *uc, uc_context *a,
				   uc_context *b, size_t n, struct context_layout *l)
{
	uc_context *start = NULL;

	l->nspans[SLOT_HOST_CLOCK] = l->nspans[SLOT_START_COPY] = 0;
	if (!arch->exception_return_len || uc_context_alloc(uc, &start) ||
	    uc_mem_map(uc, PROBE_PAGE, 0x1000, UC_PROT_ALL) ||
	    uc_mem_write(uc, PROBE_PAGE, arch->exception_return, arch->exception_return_len) ||
	    uc_mem_write(uc, PROBE_OTHER, arch->exception_return, arch->exception_return_len))
		goto out;
	uc_context_save(uc, start);
	for (int try = 0; try < 3 && !l->nspans[SLOT_HOST_CLOCK]; try++) {
		uint64_t t0;

		uc_context_restore(uc, start);
		uc_emu_start(uc, PROBE_PAGE, 0, 0, 1);
		uc_context_save(uc, a);
		for (t0 = host_ns(); host_ns() - t0 < 1000;)
			;
		uc_context_restore(uc, start);
		uc_emu_start(uc, PROBE_PAGE, 0, 0, 1);
		uc_context_save(uc, b);
		if (!spans_of((const uint8_t *)a, (const uint8_t *)b, n, 8,
			      l->spans[SLOT_HOST_CLOCK], &l->nspans[SLOT_HOST_CLOCK]))
			l->nspans[SLOT_HOST_CLOCK] = 0;
	}
	uc_context_restore(uc, start);
	uc_emu_start(uc, PROBE_OTHER, 0, 0, 1);
	uc_context_save(uc, a);
	find_start_copies(arch, (const uint8_t *)b, (const uint8_t *)a, n, l);
	uc_context_restore(uc, start);
out:
	if (start)
		uc_context_free(start);
}

static void probe(const struct arch_model *arch, struct context_layout *l)
{
	const uint64_t x = 0x8877665544332211ull & (arch->word_size == 4 ? 0xffffffffull : ~0ull);
	const uint64_t y = ~x & (arch->word_size == 4 ? 0xffffffffull : ~0ull);
	uc_engine *uc;
	uc_context *a = NULL, *b = NULL;
	size_t n;

	if (emu_engine_open(arch, &uc) != UC_ERR_OK)
		return;
	if (uc_context_alloc(uc, &a) || uc_context_alloc(uc, &b))
		goto out;
	n = uc_context_size(uc);
	for (unsigned r = 0; r < arch->nregs && r < ARCH_MAX_REGS; r++) {
		uint64_t held = 0;

		if ((int)r == arch->reg_pc || (int)r == arch->reg_sp)
			continue;
		uc_reg_read(uc, arch->reg_ids[r], &held);
		if (arch->decode_flow && (int)r == arch->flags_reg) /* every flag set, then clear */
			probe_reg(uc, a, b, n, arch->reg_ids[r], held | arch->flags_value_mask,
				  held & ~arch->flags_value_mask, 4, l, r);
		else
			probe_reg(uc, a, b, n, arch->reg_ids[r], x, y, arch->word_size, l, r);
	}
	for (unsigned k = 0; k < arch->nexception_regs && k < 4; k++)
		probe_reg(uc, a, b, n, arch->exception_reg_ids[k], x, y, 4, l, SLOT_EXCEPTION + k);
	if (arch->banked_sp_stale)
		probe_reg(uc, a, b, n, arch->banked_sp_reg_id, x, y, arch->word_size, l,
			  SLOT_BANKED_SP);
	probe_exception_return(arch, uc, a, b, n, l); /* last: it runs the engine */
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
	int i = emu_arch_slot(arch);
	struct context_layout *l = i >= 0 ? &layouts[i] : NULL;

	if (!l)
		return NULL;
	if (!l->arch) {
		l->arch = arch;
		probe(arch, l);
	}
	return l->found ? l : NULL;
}

static void clear_reg(const struct context_layout *l, unsigned r, uint8_t *ctx, size_t n)
{
	for (unsigned s = 0; s < l->nspans[r]; s++)
		if ((size_t)l->spans[r][s].off + l->spans[r][s].len <= n)
			memset(ctx + l->spans[r][s].off, 0, l->spans[r][s].len);
}

uint64_t emu_context_canonical_regs(const struct arch_model *arch, uc_engine *uc, uint8_t *ctx,
				    size_t n, uint64_t dead)
{
	const struct context_layout *l = arch->decode_flow ? layout_of(arch) : NULL;
	uint64_t flags = 0;

	if (!l)
		return 0;
	for (unsigned r = 0; r < arch->nregs && r < ARCH_MAX_REGS; r++)
		if (dead >> r & 1)
			clear_reg(l, r, ctx, n);
	for (unsigned k = 0; (dead & MACHINE_DEAD_EXCEPTION_REGS) && k < arch->nexception_regs &&
			     k < 4; k++)
		clear_reg(l, SLOT_EXCEPTION + k, ctx, n);
	if (arch->banked_sp_stale && arch->banked_sp_stale(uc))
		clear_reg(l, SLOT_BANKED_SP, ctx, n);
	clear_reg(l, SLOT_HOST_CLOCK, ctx, n);
	clear_reg(l, SLOT_START_COPY, ctx, n);
	/* The flags as the architecture has them: QEMU keeps Z as "ZF == 0" and N, V as the sign
	 * of a word, so equal flags come in many raw forms. */
	if (arch->flags_reg >= 0 && l->nspans[arch->flags_reg]) {
		if (!(dead >> arch->flags_reg & 1) &&
		    uc_reg_read(uc, arch->reg_ids[arch->flags_reg], &flags) == UC_ERR_OK)
			flags = (flags & arch->flags_value_mask) | 1;
		clear_reg(l, (unsigned)arch->flags_reg, ctx, n);
	}
	return flags;
}

unsigned machine_context_reg_bytes(const struct arch_model *arch, unsigned reg)
{
	const struct context_layout *l = layout_of(arch);
	unsigned total = 0;

	for (unsigned s = 0; l && reg < ARCH_MAX_REGS && s < l->nspans[reg]; s++)
		total += l->spans[reg][s].len;
	return total;
}
