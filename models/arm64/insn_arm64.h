/*
 * insn_arm64.h - A64 instruction encoders and classifiers used by both the guest patcher
 * (freestanding C compiled by clang for aarch64) and the host arch model.
 *
 * Only integer types and static inline functions: no libc. Encodings from the Arm ARM.
 */
#ifndef PATCHCHECK_INSN_ARM64_H
#define PATCHCHECK_INSN_ARM64_H

typedef unsigned int a64_insn;

#define A64_NOP        0xd503201fu
#define A64_ISB        0xd5033fdfu
#define A64_DSB_ISH    0xd5033b9fu
#define A64_MOV_X9_X30 0xaa1e03e9u /* orr x9, xzr, x30 */
#define A64_MOV_X30_X9 0xaa0903feu /* orr x30, xzr, x9 */
#define A64_STP_FP_LR_PRE 0xa9bf7bfdu  /* stp x29, x30, [sp, #-16]! */
#define A64_MOV_FP_SP  0x910003fdu     /* mov x29, sp */
#define A64_LDP_FP_LR_POST 0xa8c17bfdu /* ldp x29, x30, [sp], #16 */

#define A64_BRANCH_RANGE (128ll * 1024 * 1024) /* +-128 MiB for B and BL */
#define A64_PSTATE_I    0x080u /* PSTATE.I, as UC_ARM64_REG_PSTATE holds it */
#define A64_PSTATE_DAIF 0x3c0u /* D, A, I, F */

/* Is target reachable by B/BL placed at pc? */
static inline int a64_branch_reachable(unsigned long long pc, unsigned long long target)
{
	long long off = (long long)(target - pc);
	return (off & 3) == 0 && off >= -A64_BRANCH_RANGE && off < A64_BRANCH_RANGE;
}

/* B or BL: op is 0 for B, 1 for BL. Caller checks reachability. */
static inline a64_insn a64_encode_branch(unsigned long long pc, unsigned long long target, int link)
{
	long long off = (long long)(target - pc) >> 2;
	return (link ? 0x94000000u : 0x14000000u) | ((a64_insn)off & 0x03ffffffu);
}

static inline a64_insn a64_encode_bl(unsigned long long pc, unsigned long long target)
{
	return a64_encode_branch(pc, target, 1);
}

static inline a64_insn a64_encode_b(unsigned long long pc, unsigned long long target)
{
	return a64_encode_branch(pc, target, 0);
}

static inline a64_insn a64_encode_brk(unsigned imm16)
{
	return 0xd4200000u | ((imm16 & 0xffffu) << 5);
}

static inline int a64_is_b(a64_insn w) { return (w & 0xfc000000u) == 0x14000000u; }
static inline int a64_is_bl(a64_insn w) { return (w & 0xfc000000u) == 0x94000000u; }
static inline int a64_is_brk(a64_insn w) { return (w & 0xffe0001fu) == 0xd4200000u; }
static inline int a64_is_svc(a64_insn w) { return (w & 0xffe0001fu) == 0xd4000001u; }
static inline int a64_is_hvc(a64_insn w) { return (w & 0xffe0001fu) == 0xd4000002u; }
static inline int a64_is_smc(a64_insn w) { return (w & 0xffe0001fu) == 0xd4000003u; }

/* A PLT entry / veneer to target: adrp xd, target's 4 KiB page (+-4 GiB from pc's page);
 * add xd, xd, #(target & 0xfff); br xd. The caller checks the adrp's reach (a64_adrp_reachable). */
#define A64_ADRP_RANGE (1ll << 32)

static inline int a64_adrp_reachable(unsigned long long pc, unsigned long long target)
{
	long long off = (long long)((target & ~0xfffull) - (pc & ~0xfffull));
	return off >= -A64_ADRP_RANGE && off < A64_ADRP_RANGE;
}

static inline a64_insn a64_encode_adrp(unsigned rd, unsigned long long pc, unsigned long long target)
{
	long long pages = (long long)((target & ~0xfffull) - (pc & ~0xfffull)) >> 12;
	a64_insn imm = (a64_insn)pages & 0x1fffffu;
	return 0x90000000u | ((imm & 3u) << 29) | ((imm >> 2) << 5) | (rd & 31u);
}

/* add xd, xn, #imm12 (64-bit, no shift) */
static inline a64_insn a64_encode_add_imm(unsigned rd, unsigned rn, unsigned imm12)
{
	return 0x91000000u | ((imm12 & 0xfffu) << 10) | ((rn & 31u) << 5) | (rd & 31u);
}

/* br xn */
static inline a64_insn a64_encode_br(unsigned rn)
{
	return 0xd61f0000u | ((rn & 31u) << 5);
}

/* Target of a B or BL at pc. */
static inline unsigned long long a64_branch_target(unsigned long long pc, a64_insn w)
{
	long long off = (long long)(w & 0x03ffffffu);
	if (off & 0x02000000)
		off -= 0x04000000;
	return pc + (unsigned long long)(off * 4);
}

#endif
