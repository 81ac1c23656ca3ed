/*
 * patch_hooks.h (arm64) - arm64 hooks of the generic patcher: where the site's words are and how they
 * are encoded (encoders from models/arm64/insn_arm64.h).
 *
 * Site (-fpatchable-function-entry=2, no BTI, no pre-function literal):
 *   func+0  NOP  -> mov x9, x30   once, by ftrace_init_nop
 *   func+4  NOP <-> BL <tramp>    by make_call / make_nop / modify_call
 *                                 (BL <tramp's PLT entry> when tramp is out of BL range)
 */
#ifndef PATCHCHECK_PATCH_HOOKS_H
#define PATCHCHECK_PATCH_HOOKS_H

#include "arm64/insn_arm64.h"
#include "patcher.h"

#define PATCH_INSN_SIZE 4

/* The hart this code runs on (the machine puts the hart id in TPIDR_EL0). */
static inline unsigned long arch_hart_id(void)
{
	unsigned long id;

	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(id));
	return id;
}

/* aarch64_insn_patch_text() stops every CPU (cpu_online_mask), and in its callback a CPU that
 * waited while the last to arrive patched executes ISB (its own context synchronisation: Arm
 * ARM B2.4.4). */
#define ARCH_PATCH_TEXT_EVERY_CPU 1

static inline void arch_patch_text_waited(void)
{
	__asm__ volatile("isb" ::: "memory");
}

/* multi_cpu_stop's interrupt mask: PSTATE.I, the kernel's local_irq_save / restore (with
 * pseudo-NMIs the kernel masks through the GIC's PMR; an NMI passes either way). */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (!(flags & 0x80))
		__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline unsigned long arch_ftrace_init_addr(unsigned long func)
{
	return func;
}

static inline patch_insn_t arch_ftrace_init_insn(void)
{
	return A64_MOV_X9_X30;
}

static inline unsigned long arch_ftrace_call_addr(unsigned long func)
{
	return func + 4;
}

static inline patch_insn_t arch_ftrace_nop(void)
{
	return A64_NOP;
}

/* The ftrace PLT entry that reaches target, or 0 (ftrace_plt_arm64.c, in the images built with
 * -DPC_ARM64_FTRACE_PLTS). Elsewhere there are none: every out-of-range target is unreachable. */
#ifdef PC_ARM64_FTRACE_PLTS
unsigned long ftrace_plt_for(unsigned long target);
#else
static inline unsigned long ftrace_plt_for(unsigned long target)
{
	(void)target;
	return 0;
}
#endif

/* BL target placed at pc: -EINVAL for a misaligned target; beyond +-128 MiB a BL to the
 * target's PLT entry (the kernel's module PLT), or -ERANGE when there is none in reach. */
static inline int arch_ftrace_encode_call(unsigned long pc, unsigned long target,
					  patch_insn_t *insn)
{
	if (target & 3)
		return -EINVAL;
	if (!a64_branch_reachable(pc, target)) {
		unsigned long plt = ftrace_plt_for(target);

		if (!plt || !a64_branch_reachable(pc, plt))
			return -ERANGE;
		target = plt;
	}
	*insn = a64_encode_bl(pc, target);
	return 0;
}

#endif
