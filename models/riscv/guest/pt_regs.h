/*
 * pt_regs.h - the register frame the riscv64 guest trampolines build on the stack and hand to
 * callbacks, shared by the assembly (offsets) and by C (struct pt_regs).
 *
 * Layout (8-byte fields, offsets in bytes): slot n holds xn for n = 1..31, and slot 0, where
 * x0 would go, holds epc:
 *
 *      0         epc           where the traced function continues: its first body instruction
 *                              (func+16 for the 16-byte detour, func+8 otherwise); a callback
 *                              that changes it redirects the call (IPMODIFY)
 *      8         ra  (x1)      the traced function's return address (its parent)
 *     16         sp  (x2)      SP at the traced function's entry (= SP on trampoline entry)
 *     24, 32     gp, tp
 *     40, 48     t0, t1        t1 is the direct-call slot in ftrace_regs_caller: 0 on entry to
 *                              the callbacks, and if a callback sets it the trampoline leaves
 *                              through `jr t1` (direct trampoline) instead of `jr t0`
 *     56         t2
 *     64, 72     s0, s1
 *     80 .. 136  a0 .. a7      the arguments
 *    144 .. 216  s2 .. s11
 *    224 .. 248  t3 .. t6
 *    256         status        0 (no trap happened)
 *    264         badaddr       0
 *    272         cause         0
 *    280         orig_a0       a0 at entry (kept even if a callback rewrites a0)
 *    288                       PT_SIZE, a multiple of 16
 *
 * A trampoline reserves FTRACE_FRAME_SIZE bytes: pt_regs at [sp, sp+288), the return address
 * into the site (16-byte detour only) at sp+288, 8 bytes of padding, and the 16-byte call-site
 * area just below the entry SP, whose upper word is where the 16-byte detour's `sd ra, -8(sp)`
 * put the parent's return address.
 *
 * Fixed-width fields only: the host may include this file too.
 */
#ifndef PATCHCHECK_RISCV64_PT_REGS_H
#define PATCHCHECK_RISCV64_PT_REGS_H

#define PT_X(n)      ((n) * 8)
#define PT_EPC       0
#define PT_RA        PT_X(1)
#define PT_SP        PT_X(2)
#define PT_T0        PT_X(5)
#define PT_T1        PT_X(6)
#define PT_A0        PT_X(10)
#define PT_STATUS    256
#define PT_BADADDR   264
#define PT_CAUSE     272
#define PT_ORIG_A0   280
#define PT_SIZE      288

#define S_SITE_RET        PT_SIZE          /* 16-byte detour: func+12, the site's `ld ra` */
#define S_CALLSITE        (PT_SIZE + 16)   /* [entry SP - 16, entry SP) */
#define S_PARENT_SLOT     (PT_SIZE + 24)   /* entry SP - 8: the detour's saved ra */
#define FTRACE_FRAME_SIZE (PT_SIZE + 32)

/* struct ftrace_ops as the trampolines read it. */
#define OPS_FUNC        0
#define OPS_FLAGS       8
#define OPS_DIRECT_CALL 16

#ifndef __ASSEMBLER__

struct pt_regs {
	unsigned long long epc;
	unsigned long long ra, sp, gp, tp, t0, t1, t2, s0, s1;
	unsigned long long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	unsigned long long t3, t4, t5, t6;
	unsigned long long status, badaddr, cause, orig_a0;
};

_Static_assert(__builtin_offsetof(struct pt_regs, ra) == PT_RA, "PT_RA");
_Static_assert(__builtin_offsetof(struct pt_regs, sp) == PT_SP, "PT_SP");
_Static_assert(__builtin_offsetof(struct pt_regs, t0) == PT_T0, "PT_T0");
_Static_assert(__builtin_offsetof(struct pt_regs, t1) == PT_T1, "PT_T1");
_Static_assert(__builtin_offsetof(struct pt_regs, a0) == PT_A0, "PT_A0");
_Static_assert(__builtin_offsetof(struct pt_regs, t6) == PT_X(31), "PT_X(31)");
_Static_assert(__builtin_offsetof(struct pt_regs, status) == PT_STATUS, "PT_STATUS");
_Static_assert(__builtin_offsetof(struct pt_regs, orig_a0) == PT_ORIG_A0, "PT_ORIG_A0");
_Static_assert(sizeof(struct pt_regs) == PT_SIZE, "PT_SIZE");
_Static_assert(PT_SIZE % 16 == 0 && FTRACE_FRAME_SIZE % 16 == 0, "frames keep SP 16-aligned");

/* xn as saved, n = 1..31 (slot 0 is epc). */
static inline unsigned long long regs_x(const struct pt_regs *r, unsigned n)
{
	return ((const unsigned long long *)r)[n];
}

/* Accessors named after what a tracer asks for. */
static inline unsigned long long regs_return_address(const struct pt_regs *r) { return r->ra; }
static inline unsigned long long regs_instruction_pointer(const struct pt_regs *r) { return r->epc; }
static inline void regs_set_instruction_pointer(struct pt_regs *r, unsigned long long pc)
{
	r->epc = pc;
}
/* arch_ftrace_set_direct_caller: leave through the direct trampoline. */
static inline void regs_set_direct_caller(struct pt_regs *r, unsigned long long addr)
{
	r->t1 = addr;
}

#endif /* __ASSEMBLER__ */
#endif
