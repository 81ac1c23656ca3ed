/*
 * tramp.h - assembler building blocks shared by the riscv64 trampolines (entry_*.S): filling and
 * reloading struct pt_regs (pt_regs.h), and calling the tracer. Included by assembly only.
 *
 * Every macro works on a frame of FTRACE_FRAME_SIZE bytes at sp that the trampoline reserved.
 */
#ifndef PATCHCHECK_RISCV64_TRAMP_H
#define PATCHCHECK_RISCV64_TRAMP_H

#include "pt_regs.h"

/*
 * Save registers into their pt_regs slots as they are now. allregs = 1: x1 and x3..x31;
 * allregs = 0: the registers a C callback may clobber (ra, t0-t6, a0-a7) and gp, tp, s0, with 0
 * written to the s1-s11 slots (the callback preserves those under the ABI). Both: status,
 * badaddr and cause = 0, orig_a0 = a0. Leaves epc and the sp slot to the caller, which knows
 * what they are for its site. Clobbers nothing.
 */
.macro	save_regs allregs
	sd	ra, PT_X(1)(sp)
	sd	gp, PT_X(3)(sp)
	sd	tp, PT_X(4)(sp)
	sd	t0, PT_X(5)(sp)
	sd	t1, PT_X(6)(sp)
	sd	t2, PT_X(7)(sp)
	sd	s0, PT_X(8)(sp)
	sd	a0, PT_X(10)(sp)
	sd	a1, PT_X(11)(sp)
	sd	a2, PT_X(12)(sp)
	sd	a3, PT_X(13)(sp)
	sd	a4, PT_X(14)(sp)
	sd	a5, PT_X(15)(sp)
	sd	a6, PT_X(16)(sp)
	sd	a7, PT_X(17)(sp)
	sd	t3, PT_X(28)(sp)
	sd	t4, PT_X(29)(sp)
	sd	t5, PT_X(30)(sp)
	sd	t6, PT_X(31)(sp)
	.if \allregs
	sd	s1, PT_X(9)(sp)
	sd	s2, PT_X(18)(sp)
	sd	s3, PT_X(19)(sp)
	sd	s4, PT_X(20)(sp)
	sd	s5, PT_X(21)(sp)
	sd	s6, PT_X(22)(sp)
	sd	s7, PT_X(23)(sp)
	sd	s8, PT_X(24)(sp)
	sd	s9, PT_X(25)(sp)
	sd	s10, PT_X(26)(sp)
	sd	s11, PT_X(27)(sp)
	.else
	sd	zero, PT_X(9)(sp)
	sd	zero, PT_X(18)(sp)
	sd	zero, PT_X(19)(sp)
	sd	zero, PT_X(20)(sp)
	sd	zero, PT_X(21)(sp)
	sd	zero, PT_X(22)(sp)
	sd	zero, PT_X(23)(sp)
	sd	zero, PT_X(24)(sp)
	sd	zero, PT_X(25)(sp)
	sd	zero, PT_X(26)(sp)
	sd	zero, PT_X(27)(sp)
	.endif
	sd	zero, PT_STATUS(sp)
	sd	zero, PT_BADADDR(sp)
	sd	zero, PT_CAUSE(sp)
	sd	a0, PT_ORIG_A0(sp)
.endm

/* regs->sp = the SP the traced function had: the frame's top. Clobbers t1. */
.macro	save_entry_sp
	addi	t1, sp, FTRACE_FRAME_SIZE
	sd	t1, PT_SP(sp)
.endm

/*
 * Call the tracer the detour designs use: ftrace_trace_function(a0 = ip = \base + \off,
 * a1 = parent_ip = regs->ra, a2 = function_trace_op, a3 = &pt_regs). Clobbers what a C call
 * clobbers (ra, t0-t6, a0-a7); \base is read before anything is clobbered.
 */
.macro	call_trace_function base, off
	addi	a0, \base, \off
	ld	a1, PT_RA(sp)
	lla	a2, function_trace_op
	ld	a2, 0(a2)
	mv	a3, sp
	lla	t1, ftrace_trace_function
	ld	t1, 0(t1)
	jalr	t1
.endm

/*
 * Reload the registers save_regs saved, from the frame (a callback's change to any of them takes
 * effect), except ra, t0 and t1, which each trampoline sets itself on the way out. allregs = 0
 * reloads a0-a7 and t2-t6 only: everything else survived the C call. Clobbers nothing else.
 */
.macro	restore_regs allregs
	ld	t2, PT_X(7)(sp)
	ld	a0, PT_X(10)(sp)
	ld	a1, PT_X(11)(sp)
	ld	a2, PT_X(12)(sp)
	ld	a3, PT_X(13)(sp)
	ld	a4, PT_X(14)(sp)
	ld	a5, PT_X(15)(sp)
	ld	a6, PT_X(16)(sp)
	ld	a7, PT_X(17)(sp)
	ld	t3, PT_X(28)(sp)
	ld	t4, PT_X(29)(sp)
	ld	t5, PT_X(30)(sp)
	ld	t6, PT_X(31)(sp)
	.if \allregs
	ld	gp, PT_X(3)(sp)
	ld	tp, PT_X(4)(sp)
	ld	s0, PT_X(8)(sp)
	ld	s1, PT_X(9)(sp)
	ld	s2, PT_X(18)(sp)
	ld	s3, PT_X(19)(sp)
	ld	s4, PT_X(20)(sp)
	ld	s5, PT_X(21)(sp)
	ld	s6, PT_X(22)(sp)
	ld	s7, PT_X(23)(sp)
	ld	s8, PT_X(24)(sp)
	ld	s9, PT_X(25)(sp)
	ld	s10, PT_X(26)(sp)
	ld	s11, PT_X(27)(sp)
	.endif
.endm

#endif
