/*
 * pt_regs.h - the register frame the arm64 guest trampolines build on the stack and hand to
 * callbacks, shared by the assembly (offsets) and by C (struct pt_regs).
 *
 * Layout (8-byte fields, offsets in bytes):
 *
 *      0 .. 240  regs[0..30]   x0..x30; regs[29] is the frame pointer (S_FP = 232) and regs[30]
 *                              the traced function's return address (S_LR = 240)
 *    248         sp            SP at the traced function's entry (= SP on trampoline entry)
 *    256         pc            where execution continues: func+8, the first body instruction
 *    264         pstate        NZCV as found on trampoline entry
 *    272         orig_x0       x0 at entry (kept even if a callback rewrites regs[0])
 *    280         unused        padding, written as 0
 *    288 .. 303  stackframe    the trampoline's own frame record {x29, x30}
 *    304                       PT_REGS_SIZE, a multiple of 16
 *
 * Fixed-width fields only: the host may include this file too.
 */
#ifndef PATCHCHECK_ARM64_PT_REGS_H
#define PATCHCHECK_ARM64_PT_REGS_H

#define S_X(n)        ((n) * 8)
#define S_FP          232
#define S_LR          240
#define S_SP          248
#define S_PC          256
#define S_PSTATE      264
#define S_ORIG_X0     272
#define S_UNUSED      280
#define S_STACKFRAME  288
#define PT_REGS_SIZE  304

/*
 * A trampoline reserves PT_REGS_SIZE + 16 bytes: the pt_regs at [sp, sp+304) and the call-site
 * frame record {caller's x29, parent LR} at [sp+304, sp+320).
 */
#define S_CALLSITE_FRAME PT_REGS_SIZE
#define FTRACE_FRAME_SIZE (PT_REGS_SIZE + 16)

#ifndef __ASSEMBLER__

struct pt_regs {
	unsigned long long regs[31];
	unsigned long long sp;
	unsigned long long pc;
	unsigned long long pstate;
	unsigned long long orig_x0;
	unsigned long long unused;
	unsigned long long stackframe[2];
};

_Static_assert(__builtin_offsetof(struct pt_regs, regs[29]) == S_FP, "S_FP");
_Static_assert(__builtin_offsetof(struct pt_regs, regs[30]) == S_LR, "S_LR");
_Static_assert(__builtin_offsetof(struct pt_regs, sp) == S_SP, "S_SP");
_Static_assert(__builtin_offsetof(struct pt_regs, pc) == S_PC, "S_PC");
_Static_assert(__builtin_offsetof(struct pt_regs, pstate) == S_PSTATE, "S_PSTATE");
_Static_assert(__builtin_offsetof(struct pt_regs, orig_x0) == S_ORIG_X0, "S_ORIG_X0");
_Static_assert(__builtin_offsetof(struct pt_regs, unused) == S_UNUSED, "S_UNUSED");
_Static_assert(__builtin_offsetof(struct pt_regs, stackframe) == S_STACKFRAME, "S_STACKFRAME");
_Static_assert(sizeof(struct pt_regs) == PT_REGS_SIZE, "PT_REGS_SIZE");
_Static_assert(PT_REGS_SIZE % 16 == 0, "the frame keeps SP 16-byte aligned");

/* Accessors named after what a tracer asks for. */
static inline unsigned long long regs_return_address(const struct pt_regs *r) { return r->regs[30]; }
static inline unsigned long long regs_instruction_pointer(const struct pt_regs *r) { return r->pc; }
static inline void regs_set_instruction_pointer(struct pt_regs *r, unsigned long long pc)
{
	r->pc = pc;
}

#endif /* __ASSEMBLER__ */
#ifdef __ASSEMBLER__
/* Store x0-x17 / x18-x27 / x0-x27 into the struct pt_regs at sp (regs[n] at S_X(n)); x28-x30
 * are each routine's. */
.macro	pt_regs_save_x0_to_x17
	stp	x0, x1, [sp, #S_X(0)]
	stp	x2, x3, [sp, #S_X(2)]
	stp	x4, x5, [sp, #S_X(4)]
	stp	x6, x7, [sp, #S_X(6)]
	stp	x8, x9, [sp, #S_X(8)]
	stp	x10, x11, [sp, #S_X(10)]
	stp	x12, x13, [sp, #S_X(12)]
	stp	x14, x15, [sp, #S_X(14)]
	stp	x16, x17, [sp, #S_X(16)]
.endm

.macro	pt_regs_save_x18_to_x27
	stp	x18, x19, [sp, #S_X(18)]
	stp	x20, x21, [sp, #S_X(20)]
	stp	x22, x23, [sp, #S_X(22)]
	stp	x24, x25, [sp, #S_X(24)]
	stp	x26, x27, [sp, #S_X(26)]
.endm

.macro	pt_regs_save_x0_to_x27
	pt_regs_save_x0_to_x17
	pt_regs_save_x18_to_x27
.endm

/* Reload x0-x27 from the struct pt_regs at sp. */
.macro	pt_regs_load_x0_to_x27
	ldp	x0, x1, [sp, #S_X(0)]
	ldp	x2, x3, [sp, #S_X(2)]
	ldp	x4, x5, [sp, #S_X(4)]
	ldp	x6, x7, [sp, #S_X(6)]
	ldp	x8, x9, [sp, #S_X(8)]
	ldp	x10, x11, [sp, #S_X(10)]
	ldp	x12, x13, [sp, #S_X(12)]
	ldp	x14, x15, [sp, #S_X(14)]
	ldp	x16, x17, [sp, #S_X(16)]
	ldp	x18, x19, [sp, #S_X(18)]
	ldp	x20, x21, [sp, #S_X(20)]
	ldp	x22, x23, [sp, #S_X(22)]
	ldp	x24, x25, [sp, #S_X(24)]
	ldp	x26, x27, [sp, #S_X(26)]
.endm
#endif /* __ASSEMBLER__ */

#endif
