/*
 * poison.c - the registers a call starts with: every register the ABI leaves to the caller
 * holds a value of its own, distinct per hart, per call and per register, so a trampoline
 * that restores a register from the wrong slot, swaps two saves or forgets one hands the
 * body or the caller a value that cannot be right by accident.
 *
 * Poisoned: every register of the arch's register file but pc, sp, the link register, the
 * arguments the call passes and the arch's abi_fixed_mask. The values are a pure function
 * of (hart, call, register): the same scenario gives the same values in every run.
 */
#include "exec.h"

/* 0xbad0_HHCC_CCCC_RR5e on 64-bit harts, 0xbHCC_CRRd on 32-bit ones: a tag that reads as
 * poison in a register dump, then the hart, the call index and the register. */
uint64_t poison_value(const struct arch_model *arch, unsigned hart, unsigned call, unsigned reg)
{
	if (arch->word_size == 4)
		return 0xb0000000u | (uint32_t)(hart & 0xf) << 24 | (uint32_t)(call & 0xfff) << 12 |
		       (uint32_t)(reg & 0xff) << 4 | 0xdu;
	return 0xbad0000000000000ull | (uint64_t)(hart & 0xff) << 44 |
	       (uint64_t)(call & 0xffffff) << 20 | (uint64_t)(reg & 0xff) << 12 | 0x5eull;
}

void poison_registers(struct explorer *x, unsigned hart, unsigned call, unsigned nargs)
{
	const struct arch_model *arch = x->arch;
	uint64_t keep = arch->abi_fixed_mask | 1ull << arch->reg_pc | 1ull << arch->reg_sp |
			1ull << arch->reg_lr;

	for (unsigned i = 0; i < nargs && i < arch->narg_regs; i++)
		keep |= 1ull << arch->arg_regs[i];
	for (unsigned r = 0; r < arch->nregs; r++)
		if (!(keep & (1ull << r)))
			machine_set_reg(x->m, hart, (int)r, poison_value(arch, hart, call, r));
}
