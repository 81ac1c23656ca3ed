/*
 * entry_call_ops.S - the riscv64 ftrace trampoline of the CALL_OPS design (the ftrace_ops
 * image): one 4-byte word toggles, the ops come from a literal before the function, and direct
 * calls go through the ops.
 *
 * The patch site (-fpatchable-function-entry=8,4 with RVC, functions 8-byte aligned):
 *
 *     func-8:  8-byte literal: struct ftrace_ops * (ftrace_nop_ops while disabled)
 *     func+0:  auipc t0, hi(ftrace_caller - func)   written once by ftrace_init_nop
 *     func+4:  NOP  <->  jalr t0, lo(t0)            t0 = func+8, ra untouched (= the parent)
 *     func+8:  <body>
 *
 * The auipc runs on every call, enabled or not, so t0 is clobbered even while tracing is off.
 *
 * ftrace_caller
 *   In:  a0-a7   the traced function's arguments, live
 *        t0      func+8, the first body instruction (so ip = t0 - 4 = the jalr, and the literal
 *                is at t0 - 16)
 *        ra      the traced function's return address (its parent)
 *        sp      the traced function's entry SP, 16-byte aligned; stack arguments at [sp, ...)
 *        t1-t6, s0-s11, gp, tp  the caller's values
 *   First:  op = the literal; if op->direct_call is set, jump there at once (`jr t1`) with t0,
 *        ra, sp and a0-a7 untouched: the direct trampoline's entry convention.
 *   Calls:  op->func(a0 = ip = func+4, a1 = parent_ip = ra, a2 = op (the literal, read again),
 *                    a3 = &pt_regs), with regs->epc = func+8 and regs->t1 = 0
 *   Out: a0-a7, t2-t6 as the frame holds them, ra = regs->ra, t0 = regs->epc, t1 = regs->t1,
 *        sp = the entry SP; control goes to t1 if a callback set it (call_direct_funcs), else
 *        to t0 (the body, or where an IPMODIFY callback pointed epc).
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs (pt_regs at the
 *        bottom, 32 unused bytes at the top), none after. Nothing at or above the entry SP is
 *        written.
 */
#include "pt_regs.h"
#include "tramp.h"

	.section .text.ftrace, "ax", @progbits
	.p2align 2

	.globl	ftrace_caller
	.type	ftrace_caller, @function
ftrace_caller:
	ld	t1, -16(t0)
	ld	t1, OPS_DIRECT_CALL(t1)
	bnez	t1, 1f
	addi	sp, sp, -FTRACE_FRAME_SIZE
	save_regs 0
	sd	t0, PT_EPC(sp)
	sd	zero, PT_T1(sp)
	save_entry_sp
	addi	a0, t0, -4
	ld	a1, PT_RA(sp)
	ld	a2, -16(t0)
	mv	a3, sp
	ld	t1, OPS_FUNC(a2)
	jalr	t1
	restore_regs 0
	ld	t1, PT_T1(sp)
	ld	ra, PT_RA(sp)
	ld	t0, PT_EPC(sp)
	addi	sp, sp, FTRACE_FRAME_SIZE
	bnez	t1, 1f
	jr	t0
1:	jr	t1
	.size	ftrace_caller, . - ftrace_caller
