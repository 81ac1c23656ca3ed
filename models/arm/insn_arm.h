/*
 * insn_arm.h - A32 (ARM) and T32 (Thumb-2) encoders and classifiers used by both the guest
 * patcher (freestanding C compiled by clang for armv7a, -marm or -mthumb) and the host arch
 * model. Only integer types and static inline functions: no libc. Encodings from the Arm ARM
 * (ARMv7-A), checked against llvm-mc-14 in tests/test_arm.c.
 *
 * A T32 instruction is held as it lies in memory, read as one little-endian 32-bit word: the
 * first halfword in bits 0-15, the second (for a 32-bit instruction) in bits 16-31. So the
 * 32-bit `bl` whose halfwords are f000 f804 is the word 0xf804f000, and a 16-bit instruction
 * only uses bits 0-15.
 */
#ifndef PATCHCHECK_INSN_ARM_H
#define PATCHCHECK_INSN_ARM_H

typedef unsigned int arm32_insn;

/* ---- A32 ---- */
#define ARM_PUSH_LR        0xe52de004u /* push {lr}  (str lr, [sp, #-4]!), as GNU as writes it */
#define ARM_PUSH_LR_STM    0xe92d4000u /* push {lr}  (stmdb sp!, {lr}), as clang writes it */
#define ARM_ADD_SP_4       0xe28dd004u /* add sp, sp, #4: the disabled site since 2022 */
#define ARM_POP_LR         0xe8bd4000u /* pop {lr}   (ldmia sp!, {lr}): the older disabled site */
#define ARM_NOP            0xe320f000u /* nop (the hint) */

#define ARM_BL_RANGE (32ll * 1024 * 1024) /* +-32 MiB */

/* ---- T32 (memory-order words, see above) ---- */
#define THUMB_PUSH_LR      0xb500u     /* push {lr} (16-bit) */
#define THUMB_ADD_W_SP_4   0x0d04f10du /* add.w sp, sp, #4 */
#define THUMB_POP_W_LR     0xeb04f85du /* pop.w {lr} (ldr.w lr, [sp], #4) */
#define THUMB_NOP          0xbf00u
#define THUMB_NOP_W        0x8000f3afu

#define THUMB_BL_RANGE (16ll * 1024 * 1024) /* +-16 MiB */

/* Length of the T32 instruction whose first halfword is hw: 4 for 0b11101, 0b11110, 0b11111. */
static inline unsigned thumb_insn_length(unsigned hw)
{
	return (hw & 0xf800u) >= 0xe800u ? 4 : 2;
}

/* ---- BL ---- */

/* Is target reachable by an A32 BL at pc (word-aligned, +-32 MiB from pc + 8)? */
static inline int arm_bl_reachable(unsigned long long pc, unsigned long long target)
{
	long long off = (long long)(target - (pc + 8));
	return (off & 3) == 0 && off >= -ARM_BL_RANGE && off < ARM_BL_RANGE;
}

/* A32 `bl target` placed at pc (cond AL). Caller checks reachability. */
static inline arm32_insn arm_encode_bl(unsigned long long pc, unsigned long long target)
{
	long long off = (long long)(target - (pc + 8)) >> 2;
	return 0xeb000000u | ((arm32_insn)off & 0x00ffffffu);
}

static inline int arm_is_bl(arm32_insn w) { return (w & 0x0f000000u) == 0x0b000000u && (w >> 28) != 0xf; }
static inline int arm_is_b(arm32_insn w) { return (w & 0x0f000000u) == 0x0a000000u && (w >> 28) != 0xf; }

static inline unsigned long long arm_branch_target(unsigned long long pc, arm32_insn w)
{
	long long off = (long long)(w & 0x00ffffffu);
	if (off & 0x00800000)
		off -= 0x01000000;
	return pc + 8 + (unsigned long long)(off * 4);
}

/* Is a T32 target (without its Thumb bit) reachable by a BL at pc (+-16 MiB from pc + 4)? */
static inline int thumb_bl_reachable(unsigned long long pc, unsigned long long target)
{
	long long off = (long long)(target - (pc + 4));
	return (off & 1) == 0 && off >= -THUMB_BL_RANGE && off < THUMB_BL_RANGE;
}

/*
 * T32 `bl target` at pc (encoding T1): S:I1:I2:imm10:imm11:0 is the offset from pc + 4,
 * J1 = NOT(I1) XOR S, J2 = NOT(I2) XOR S. Returns the memory-order word. Caller checks reach.
 */
static inline arm32_insn thumb_encode_bl(unsigned long long pc, unsigned long long target)
{
	unsigned long off = (unsigned long)(long)(target - (pc + 4));
	unsigned s = (off >> 24) & 1, i1 = (off >> 23) & 1, i2 = (off >> 22) & 1;
	unsigned j1 = (~i1 ^ s) & 1, j2 = (~i2 ^ s) & 1;
	unsigned hw0 = 0xf000u | (s << 10) | ((off >> 12) & 0x3ffu);
	unsigned hw1 = 0xd000u | (j1 << 13) | (j2 << 11) | ((off >> 1) & 0x7ffu);

	return hw0 | hw1 << 16;
}

/* T32 BL (T1, 11110 S imm10 / 11 J1 1 J2 imm11). */
static inline int thumb_is_bl(arm32_insn w)
{
	return (w & 0xf800u) == 0xf000u && (w & 0xd0000000u) == 0xd0000000u;
}

/* T32 unconditional B.W (T4, 11110 S imm10 / 10 J1 1 J2 imm11). */
static inline int thumb_is_b_w(arm32_insn w)
{
	return (w & 0xf800u) == 0xf000u && (w & 0xd0000000u) == 0x90000000u;
}

static inline unsigned long long thumb_bl_target(unsigned long long pc, arm32_insn w)
{
	unsigned hw0 = w & 0xffffu, hw1 = w >> 16;
	unsigned s = (hw0 >> 10) & 1, j1 = (hw1 >> 13) & 1, j2 = (hw1 >> 11) & 1;
	unsigned i1 = (~(j1 ^ s)) & 1, i2 = (~(j2 ^ s)) & 1;
	long long off = (long long)((s << 24) | (i1 << 23) | (i2 << 22) | ((hw0 & 0x3ffu) << 12) |
				    ((hw1 & 0x7ffu) << 1));
	if (s)
		off -= 1ll << 25;
	return pc + 4 + (unsigned long long)off;
}

/* ---- cache maintenance (CP15 c7, MCR p15, 0, Rt, c7, CRm, op2) ---- */

/* A32: cond 1110 0000 CRn 1111 op2 1 CRm with CRn = 7; T32 (hw0 ee07, hw1 Rt f op2 1 CRm). */
#define ARM_MCR_C7(crm, op2)   (0x0e070f10u | ((op2) << 5) | (crm))
#define THUMB_MCR_C7(crm, op2) (0x0f10ee07u | ((unsigned)(op2) << 21) | ((unsigned)(crm) << 16))

static inline int arm_is_mcr_c7(arm32_insn w, unsigned crm, unsigned op2)
{
	return (w & 0x0fff0fffu) == ARM_MCR_C7(crm, op2) && (w >> 28) != 0xf;
}

static inline int thumb_is_mcr_c7(arm32_insn w, unsigned crm, unsigned op2)
{
	return (w & 0x0fffffffu) == THUMB_MCR_C7(crm, op2);
}

#endif
