/*
 * patch_hooks.h (riscv) - riscv64 hooks of the generic patcher: the three site designs, selected per
 * guest image by a -D flag (encoders from models/riscv/insn_riscv64.h).
 *
 * PC_FTRACE_DETOUR16 (-fpatchable-function-entry=8, RVC; the 2021-era design):
 *   init:      8 c.nops -> 4 NOPs (func .. func+16)
 *   enabled:   sd ra,-8(sp) / auipc ra,hi / jalr ra,lo(ra) / ld ra,-8(sp)   (4 words, one unit)
 *   disabled:  4 NOPs
 * PC_FTRACE_DETOUR8 (=4, RVC; the t0 detour):
 *   init:      4 c.nops -> 2 NOPs (func .. func+8)
 *   enabled:   auipc t0,hi / jalr t0,lo(t0)                                  (2 words, one unit)
 *   disabled:  2 NOPs
 * PC_FTRACE_CALL_OPS (=8,4, RVC, functions 8-byte aligned; the single-word design):
 *   init:      literal at func-8 <- &ftrace_nop_ops; 4 c.nops at func -> auipc t0,hi(ftrace_caller)
 *              + NOP (the auipc never changes again)
 *   enabled:   the word at func+4: NOP -> jalr t0,lo(t0), the literal <- pc_site_ops first
 *   disabled:  the literal <- &ftrace_nop_ops first, then jalr -> NOP
 *   A call target must be within the jalr's +-2 KiB of what the fixed auipc reaches (-ERANGE
 *   otherwise); the kernel falls back to ftrace_caller there, which this model leaves to the
 *   scenario.
 *
 * The multi-word units are written word by word (patch_text_nosync per word): they are atomic
 * only if nobody runs the site meanwhile, which is what the stop-machine wrappers are for.
 */
#ifndef PATCHCHECK_PATCH_HOOKS_H
#define PATCHCHECK_PATCH_HOOKS_H

#include "patch_unit.h"
#include "patcher.h"
#include "riscv/insn_riscv64.h"

#define PATCH_INSN_SIZE 4
#define ARCH_FTRACE_UNITS 1

/* The 64-bit store of an ops literal (patch_riscv64.S): 0, or -EINVAL if addr is misaligned. */
int patch_literal_nosync(unsigned long addr, unsigned long long value);

/* The hart this code runs on (the machine puts the hart id in tp). */
static inline unsigned long arch_hart_id(void)
{
	unsigned long id;

	__asm__ volatile("mv %0, tp" : "=r"(id));
	return id;
}

/* riscv patch_text() stops every CPU (cpu_online_mask), and in patch_text_cb a CPU that waited
 * while the last to arrive patched executes smp_mb(), a full fence, and no FENCE.I: the
 * writer's remote fence.i (patch_text_nosync) has already made it execute one. */
#define ARCH_PATCH_TEXT_EVERY_CPU 1

static inline void arch_patch_text_waited(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

/* multi_cpu_stop's interrupt mask: sstatus.SIE, the kernel's local_irq_save / restore. */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & 2)
		__asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

/* The pair auipc rd / jalr rd at pc calling target: -ERANGE beyond +-2 GiB, -EINVAL if odd. */
static inline int rv_call_pair(unsigned long pc, unsigned long target, unsigned rd,
			       patch_insn_t *auipc, patch_insn_t *jalr)
{
	unsigned hi;
	int lo;

	if (target & 1)
		return -EINVAL;
	if (rv_split_offset((long long)(target - pc), &hi, &lo))
		return -ERANGE;
	*auipc = rv_encode_auipc(rd, hi);
	*jalr = rv_encode_jalr(rd, rd, lo);
	return 0;
}

#if defined(PC_FTRACE_DETOUR16)

static inline int arch_ftrace_init_unit(unsigned long func, struct patch_unit *u)
{
	u->addr = func;
	u->n = 4;
	for (unsigned i = 0; i < 4; i++) {
		u->old[i] = RV_C_NOP_PAIR;
		u->new[i] = RV_NOP4;
	}
	return 0;
}

static inline int arch_ftrace_nop_unit(unsigned long func, unsigned long *addr,
				       patch_insn_t *words)
{
	*addr = func;
	for (unsigned i = 0; i < 4; i++)
		words[i] = RV_NOP4;
	return 4;
}

static inline int arch_ftrace_call_unit(unsigned long func, unsigned long tramp,
					unsigned long *addr, patch_insn_t *words)
{
	int err = rv_call_pair(func + 4, tramp, RV_RA, &words[1], &words[2]);

	if (err)
		return err;
	*addr = func;
	words[0] = RV_SD_RA_M8_SP;
	words[3] = RV_LD_RA_M8_SP;
	return 4;
}

static inline int arch_ftrace_update_literal(unsigned long func, int enabled)
{
	(void)func;
	(void)enabled;
	return 0;
}

#elif defined(PC_FTRACE_DETOUR8)

static inline int arch_ftrace_init_unit(unsigned long func, struct patch_unit *u)
{
	u->addr = func;
	u->n = 2;
	u->old[0] = u->old[1] = RV_C_NOP_PAIR;
	u->new[0] = u->new[1] = RV_NOP4;
	return 0;
}

static inline int arch_ftrace_nop_unit(unsigned long func, unsigned long *addr,
				       patch_insn_t *words)
{
	*addr = func;
	words[0] = words[1] = RV_NOP4;
	return 2;
}

static inline int arch_ftrace_call_unit(unsigned long func, unsigned long tramp,
					unsigned long *addr, patch_insn_t *words)
{
	int err = rv_call_pair(func, tramp, RV_T0, &words[0], &words[1]);

	if (err)
		return err;
	*addr = func;
	return 2;
}

static inline int arch_ftrace_update_literal(unsigned long func, int enabled)
{
	(void)func;
	(void)enabled;
	return 0;
}

#elif defined(PC_FTRACE_CALL_OPS)

/* From the image's tracer side (models/riscv/guest/callbacks.c, entry_call_ops.S). */
extern char ftrace_caller[];
extern char ftrace_nop_ops[];
extern void *volatile pc_site_ops;

static inline int arch_ftrace_init_unit(unsigned long func, struct patch_unit *u)
{
	patch_insn_t jalr;
	int err = rv_call_pair(func, (unsigned long)ftrace_caller, RV_T0, &u->new[0], &jalr);

	if (err)
		return err;
	u->addr = func;
	u->n = 2;
	u->old[0] = u->old[1] = RV_C_NOP_PAIR;
	u->new[1] = RV_NOP4;
	return 0;
}

static inline int arch_ftrace_nop_unit(unsigned long func, unsigned long *addr,
				       patch_insn_t *words)
{
	*addr = func + 4;
	words[0] = RV_NOP4;
	return 1;
}

/* jalr t0 at func+4 completing the fixed auipc t0 at func: -EINVAL if the site has no such
 * auipc (not initialised), -ERANGE if tramp is beyond the jalr's 12 bits from it. */
static inline int arch_ftrace_call_unit(unsigned long func, unsigned long tramp,
					unsigned long *addr, patch_insn_t *words)
{
	patch_insn_t auipc;
	long long lo;
	int err = patch_read_insn(func, &auipc);

	if (err)
		return err;
	if (!rv_is_auipc(auipc) || rv_rd(auipc) != RV_T0 || (tramp & 1))
		return -EINVAL;
	lo = (long long)(tramp - (func + (unsigned long)rv_auipc_offset(auipc)));
	if (lo < -2048 || lo > 2047)
		return -ERANGE;
	*addr = func + 4;
	words[0] = rv_encode_jalr(RV_T0, RV_T0, (int)lo);
	return 1;
}

/* The literal before func: the site's ops when enabled, ftrace_nop_ops when not. */
static inline int arch_ftrace_update_literal(unsigned long func, int enabled)
{
	unsigned long ops = enabled ? (unsigned long)pc_site_ops : (unsigned long)ftrace_nop_ops;
	patch_insn_t first;
	int err = patch_read_insn(func - 8, &first); /* -EFAULT outside the text */

	return err ? err : patch_literal_nosync(func - 8, ops);
}

#else
#error "patch_hooks.h (riscv): define PC_FTRACE_DETOUR16, PC_FTRACE_DETOUR8 or PC_FTRACE_CALL_OPS"
#endif

#endif
