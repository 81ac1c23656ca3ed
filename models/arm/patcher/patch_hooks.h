/*
 * patch_hooks.h (arm) - arm hooks of the generic patcher, for A32 and T32 images alike (the image's
 * instruction set is the compiler's: __thumb__). Encoders from models/arm/insn_arm.h.
 *
 * Site (clang -pg -meabi gnu, after the function's frame setup; no record section, so
 * arm_ftrace_site() finds it by its code):
 *   push {lr}
 *   bl __gnu_mcount_nc  -> add sp, sp, #4      once, by ftrace_init_nop (or pop {lr}, see
 *                                             ftrace_arm_legacy_nop)
 *   add sp, sp, #4     <-> bl <tramp>          by make_call / make_nop / modify_call
 * One 32-bit instruction per operation (a unit of one word). In a Thumb image that word is at
 * 2 mod 4 when the push is at 0 mod 4, and patch_text_nosync (patch_arm.S) writes it as two
 * halfword stores.
 */
#ifndef PATCHCHECK_PATCH_HOOKS_H
#define PATCHCHECK_PATCH_HOOKS_H

#include "arm/insn_arm.h"
#include "patch_unit.h"
#include "patcher.h"

#define PATCH_INSN_SIZE 4
#ifdef __thumb__
#define PATCH_INSN_ALIGN 2
#else
#define PATCH_INSN_ALIGN 4
#endif

#define ARCH_FTRACE_INIT_UNIT 1

/* ftrace_arm.c */
/* The site's call word of the traced function func (the instruction after its push {lr}), or 0
 * when none is found within the first instructions of func. */
unsigned long arm_ftrace_site(unsigned long func);
/* The disabled form the patcher writes and expects: add sp, sp, #4, or pop {lr}. */
patch_insn_t arm_ftrace_nop(void);
/* Select the older disabled form, pop {lr} (on != 0), or the current add sp, sp, #4. */
int ftrace_arm_legacy_nop(unsigned long on);

extern char __gnu_mcount_nc[];

/* The hart this code runs on (the machine puts the hart id in TPIDRURO, CP15 c13 c0 3). */
static inline unsigned long arch_hart_id(void)
{
	unsigned long id;

	__asm__ volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(id));
	return id;
}

/* arm's patch_text() calls stop_machine with no CPU mask: CPU 0 alone patches, and the
 * others do nothing after waiting. */
#define ARCH_PATCH_TEXT_EVERY_CPU 0

static inline void arch_patch_text_waited(void)
{
}

/* multi_cpu_stop's interrupt mask: CPSR.I, the kernel's local_irq_save / restore. */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (!(flags & 0x80))
		__asm__ volatile("cpsie i" ::: "memory");
}

/* BL target placed at pc: -EINVAL for a target in the other instruction set (that needs a
 * BLX) or misaligned, -ERANGE beyond the BL's reach. */
static inline int arch_ftrace_encode_call(unsigned long pc, unsigned long target,
					  patch_insn_t *insn)
{
#ifdef __thumb__
	if (!(target & 1))
		return -EINVAL;
	if (!thumb_bl_reachable(pc, target & ~1ul))
		return -ERANGE;
	*insn = thumb_encode_bl(pc, target & ~1ul);
#else
	if (target & 3)
		return -EINVAL;
	if (!arm_bl_reachable(pc, target))
		return -ERANGE;
	*insn = arm_encode_bl(pc, target);
#endif
	return 0;
}

/* Boot: the compiler's bl __gnu_mcount_nc becomes the disabled form. */
static inline int arch_ftrace_init_unit(unsigned long func, struct patch_unit *u)
{
	u->addr = arm_ftrace_site(func);
	u->n = 1;
	u->new[0] = arm_ftrace_nop();
	return arch_ftrace_encode_call(u->addr, (unsigned long)__gnu_mcount_nc, &u->old[0]);
}

/* The word that toggles: the BL of the site; its disabled form. */
static inline unsigned long arch_ftrace_call_addr(unsigned long func)
{
	return arm_ftrace_site(func);
}

static inline patch_insn_t arch_ftrace_nop(void)
{
	return arm_ftrace_nop();
}

#endif
