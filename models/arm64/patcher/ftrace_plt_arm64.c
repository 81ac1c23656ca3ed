/*
 * ftrace_plt_arm64.c - ftrace PLT entries for the arm64 guest patcher: how a patch site calls
 * a trampoline beyond BL's +-128 MiB.
 *
 * The kernel's arm64 ftrace_make_call / make_nop / modify_call branch straight to the
 * trampoline when it is in BL range; otherwise, for module text, to the module's ftrace PLT,
 * an entry `adrp x16, target ; add x16, x16, #lo12 ; br x16` written when the module is
 * loaded, before any of its code can run. x16 (IP0) is the register the AAPCS64 lets a veneer
 * clobber; the trampoline contract lets x9-x17 differ at body entry. With no PLT for the
 * target, the call cannot be placed (Linux reports -EINVAL from ftrace_find_callable_addr();
 * this patcher's API says -ERANGE for every unreachable target).
 *
 *   ftrace_plt_init(target)      the load-time step: an entry for target (0; -ENOMEM when the
 *                                entries are used up; -ERANGE beyond adrp's +-4 GiB)
 *   ftrace_plt_for(target)       the entry reaching target, or 0 (patch_hooks.h calls it for
 *                                an out-of-range target, so the generic make_call /
 *                                make_nop / modify_call branch to the entry)
 * Flawed variants, for the scenarios:
 *   ftrace_plt_init_x18(target)  an entry built on x18, the platform register (the shadow
 *                                call stack pointer), which a veneer must not touch
 *   ftrace_make_call_plt_late(func, target)  NOP -> BL to an empty entry first, the entry
 *                                written after: the order the load-time step exists to avoid
 */
#include "patch_arch.h"

#define FTRACE_NR_PLTS 2
#define PLT_WORDS 4 /* adrp, add, br, and an unused udf #0 */
#define A64_IP0 16
#define A64_PLATFORM_REG 18

extern patch_insn_t ftrace_plts[FTRACE_NR_PLTS * PLT_WORDS]; /* ftrace_plt_arm64.S */

/* What each entry was filled to reach (0: empty), as the kernel keeps its module's PLT
 * entries by the trampoline they serve. */
static unsigned long plt_target[FTRACE_NR_PLTS];

static unsigned long plt_entry(unsigned i)
{
	return (unsigned long)&ftrace_plts[i * PLT_WORDS];
}

unsigned long ftrace_plt_for(unsigned long target)
{
	for (unsigned i = 0; i < FTRACE_NR_PLTS; i++)
		if (target && plt_target[i] == target)
			return plt_entry(i);
	return 0;
}

/* Fill entry i: its three words over zeros, each with the text write and its maintenance,
 * then remember it. */
static int plt_fill(unsigned i, unsigned long target, unsigned reg)
{
	unsigned long e = plt_entry(i);
	patch_insn_t w[3];

	if (target & 3)
		return -EINVAL;
	if (!a64_adrp_reachable(e, target))
		return -ERANGE;
	w[0] = a64_encode_adrp(reg, e, target);
	w[1] = a64_encode_add_imm(reg, reg, (unsigned)(target & 0xfff));
	w[2] = a64_encode_br(reg);
	for (unsigned k = 0; k < 3; k++) {
		int err = patch_text_checked(e + 4 * k, 0, w[k], 1);

		if (err)
			return err;
	}
	plt_target[i] = target;
	return 0;
}

/* The first empty entry, or FTRACE_NR_PLTS. */
static unsigned plt_free(void)
{
	unsigned i = 0;

	while (i < FTRACE_NR_PLTS && plt_target[i])
		i++;
	return i;
}

static int plt_init(unsigned long target, unsigned reg)
{
	unsigned i;

	if (ftrace_plt_for(target))
		return 0;
	i = plt_free();
	return i < FTRACE_NR_PLTS ? plt_fill(i, target, reg) : -ENOMEM;
}

int ftrace_plt_init(unsigned long target)
{
	return plt_init(target, A64_IP0);
}

/* FLAWED: the entry clobbers x18. */
int ftrace_plt_init_x18(unsigned long target)
{
	return plt_init(target, A64_PLATFORM_REG);
}

/* FLAWED: the BL to the entry is written before the entry. */
int ftrace_make_call_plt_late(unsigned long func, unsigned long target)
{
	unsigned long pc = arch_ftrace_call_addr(func);
	unsigned i = plt_free();
	int err;

	if (i == FTRACE_NR_PLTS)
		return -ENOMEM;
	if (!a64_branch_reachable(pc, plt_entry(i)))
		return -ERANGE;
	err = patch_text_checked(pc, arch_ftrace_nop(), a64_encode_bl(pc, plt_entry(i)), 1);
	return err ? err : plt_fill(i, target, A64_IP0);
}
