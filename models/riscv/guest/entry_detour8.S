/*
 * entry_detour8.S - riscv64 ftrace trampolines for the 8-byte t0 detour (the ftrace8 image),
 * with the direct-call dispatch of the riscv DYNAMIC_FTRACE_WITH_DIRECT_CALLS review (Song Shuai
 * and Guo Ren, LKML, Nov 2022).
 *
 * The patch site (-fpatchable-function-entry=4 with RVC: 4 c.nops, made 2 NOPs by
 * ftrace_init_nop; both words enabled and disabled together):
 *
 *     func+0:  auipc t0, hi(tramp - func)
 *     func+4:  jalr  t0, lo(t0)          t0 = func+8, ra untouched (= the parent)
 *     func+8:  <body>
 *
 * Common contract of the trampolines here (the flawed variant at the end breaks one clause):
 *
 *   In:  a0-a7   the traced function's arguments, live
 *        t0      func+8, the first body instruction (so ip = t0 - 8 = func)
 *        ra      the traced function's return address (its parent)
 *        sp      the traced function's entry SP, 16-byte aligned; stack arguments at [sp, ...)
 *        t1-t6, s0-s11, gp, tp  the caller's values
 *   Calls:  *ftrace_trace_function(a0 = ip = func, a1 = parent_ip = ra, a2 = function_trace_op,
 *                                  a3 = &pt_regs), with regs->epc = t0 = func+8
 *   Out: a0-a7, t2-t6 (and s0-s11, gp, tp for ftrace_regs_caller) as the frame holds them,
 *        ra = regs->ra, t0 = regs->epc (t0 is reloaded from epc, not from the t0 slot: that is
 *        how an IPMODIFY callback redirects), sp = the entry SP.
 *        ftrace_caller: control goes to t0 (`jr t0`); t1 clobbered.
 *        ftrace_regs_caller: t1 = regs->t1, which it zeroed before the callbacks; if a
 *        callback set it (call_direct_funcs) control goes to t1 (`jr t1`), the direct
 *        trampoline, which ends with `jr t0`; otherwise to t0.
 *
 *   Stack while the callback runs (sp_t = entry SP - FTRACE_FRAME_SIZE = entry SP - 320):
 *
 *     sp_t + 320               entry SP: the traced function's stack arguments start here
 *     sp_t + 288 .. 319        unused
 *     sp_t + 0 .. 287          struct pt_regs (pt_regs.h), passed in a3
 *
 * Nothing at or above the entry SP is written, so stack-passed arguments survive.
 */
#include "pt_regs.h"
#include "tramp.h"

/* Fill the frame: registers as they are, epc = t0 (the body), sp = the entry SP. */
.macro	detour8_save allregs
	addi	sp, sp, -FTRACE_FRAME_SIZE
	save_regs \allregs
	sd	t0, PT_EPC(sp)
	save_entry_sp
.endm

/* ra and t0 from the frame, free it. */
.macro	detour8_unwind
	ld	ra, PT_RA(sp)
	ld	t0, PT_EPC(sp)
	addi	sp, sp, FTRACE_FRAME_SIZE
.endm

	.section .text.ftrace, "ax", @progbits
	.p2align 2

/*
 * ftrace_caller - the default trampoline, without direct calls.
 *   In/out: the common contract above. Saves ra, gp, tp, t0-t6, s0 and a0-a7 (0 in the s1-s11
 *   slots), restores a0-a7 and t2-t6; s0-s11, gp and tp survive the C call. Leaves via jr t0.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_caller
	.type	ftrace_caller, @function
ftrace_caller:
	detour8_save 0
	call_trace_function t0, -8
	restore_regs 0
	detour8_unwind
	jr	t0
	.size	ftrace_caller, . - ftrace_caller

/*
 * ftrace_regs_caller - the trampoline for users that need every register (livepatch, kprobes,
 * direct calls next to other ops).
 *   In/out: the common contract above. Saves x1, x3-x31, writes 0 into the t1 slot (no direct
 *   trampoline yet), restores every register except ra and t0 from the frame, t1 included, and
 *   leaves via `jr t1` when a callback put a direct trampoline there, else via `jr t0`.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_regs_caller
	.type	ftrace_regs_caller, @function
ftrace_regs_caller:
	detour8_save 1
	sd	zero, PT_T1(sp)
	call_trace_function t0, -8
	restore_regs 1
	ld	t1, PT_T1(sp)
	detour8_unwind
	bnez	t1, 1f
	jr	t0
1:	jr	t1
	.size	ftrace_regs_caller, . - ftrace_regs_caller

/* ---- flawed variant: breaks one clause of the contract, on purpose ---- */

/*
 * ftrace_regs_caller_jr_t0 - FLAWED: the alternative to the t1 dispatch rejected in the riscv
 * direct-calls thread (2022). No t1 slot and no `bnez t1`: a direct call is made by a callback
 * writing the direct trampoline into the t0 the trampoline returns through
 * (call_direct_funcs_t0 writes regs->epc, which is that t0).
 *   In/out: like ftrace_regs_caller, except that t1 is clobbered and control always goes to t0.
 *   Effect: the direct trampoline is entered with t0 = its own address, so its final `jr t0`
 *   enters it again, forever; and when an IPMODIFY callback runs after the direct one, it
 *   overwrites the same slot and the direct call is lost.
 *   Caught by: termination (the call never returns within the step budget).
 */
	.globl	ftrace_regs_caller_jr_t0
	.type	ftrace_regs_caller_jr_t0, @function
ftrace_regs_caller_jr_t0:
	detour8_save 1
	call_trace_function t0, -8
	restore_regs 1
	detour8_unwind
	jr	t0
	.size	ftrace_regs_caller_jr_t0, . - ftrace_regs_caller_jr_t0

/*
 * ftrace_caller_restores_unsaved - FLAWED: saves like ftrace_caller (0 in the s1-s11 slots)
 * but reloads like ftrace_regs_caller, so s1-s11 come back from slots that were never filled.
 *   Out: s1-s11 = 0 instead of the caller's values; everything else as ftrace_caller.
 *   Caught by: register-preservation at body entry, as soon as the caller's s1-s11 are not 0
 *   (the explorer poisons them at every call).
 */
	.globl	ftrace_caller_restores_unsaved
	.type	ftrace_caller_restores_unsaved, @function
ftrace_caller_restores_unsaved:
	detour8_save 0
	call_trace_function t0, -8
	restore_regs 1			/* the flaw: should be restore_regs 0 */
	detour8_unwind
	jr	t0
	.size	ftrace_caller_restores_unsaved, . - ftrace_caller_restores_unsaved

/*
 * ftrace_caller_keeps_a6 - FLAWED: like ftrace_caller, but the reload of a6 is dropped (as if
 * no traced function took seven arguments), so a6 holds whatever the callback left in it.
 *   Out: a6 = the callback's; everything else as ftrace_caller.
 *   Caught by: register-preservation at body entry with a callback that uses its freedom to
 *   change a6 (clobber_all); record_ip happens not to touch it and hides it.
 */
	.globl	ftrace_caller_keeps_a6
	.type	ftrace_caller_keeps_a6, @function
ftrace_caller_keeps_a6:
	detour8_save 0
	call_trace_function t0, -8
	ld	t2, PT_X(7)(sp)
	ld	a0, PT_X(10)(sp)
	ld	a1, PT_X(11)(sp)
	ld	a2, PT_X(12)(sp)
	ld	a3, PT_X(13)(sp)
	ld	a4, PT_X(14)(sp)
	ld	a5, PT_X(15)(sp)
	/* the flaw: no ld a6, PT_X(16)(sp) */
	ld	a7, PT_X(17)(sp)
	ld	t3, PT_X(28)(sp)
	ld	t4, PT_X(29)(sp)
	ld	t5, PT_X(30)(sp)
	ld	t6, PT_X(31)(sp)
	detour8_unwind
	jr	t0
	.size	ftrace_caller_keeps_a6, . - ftrace_caller_keeps_a6

/*
 * ftrace_regs_caller_ra_kept - FLAWED: like ftrace_regs_caller, but the parent's ra is kept in
 * the frame's spare slot (sp_t + 312, as an unwinder's record would hold it) and reloaded from
 * there instead of from regs->ra. The two hold the same value unless a callback changes
 * regs->ra, as the function-graph tracer does to hook the return.
 *   Out: ra = the parent whatever the callback wrote; everything else as ftrace_regs_caller.
 *   Caught by: lr-at-entry with graph_return (the body starts with the parent as ra, not the
 *   return hook the callback installed); record_regs hides it.
 */
	.globl	ftrace_regs_caller_ra_kept
	.type	ftrace_regs_caller_ra_kept, @function
ftrace_regs_caller_ra_kept:
	detour8_save 1
	sd	ra, FTRACE_FRAME_SIZE - 8(sp)
	sd	zero, PT_T1(sp)
	call_trace_function t0, -8
	restore_regs 1
	ld	t1, PT_T1(sp)
	ld	ra, FTRACE_FRAME_SIZE - 8(sp)	/* the flaw: should be ld ra, PT_RA(sp) */
	ld	t0, PT_EPC(sp)
	addi	sp, sp, FTRACE_FRAME_SIZE
	bnez	t1, 1f
	jr	t0
1:	jr	t1
	.size	ftrace_regs_caller_ra_kept, . - ftrace_regs_caller_ra_kept

/*
 * ftrace_caller_fp_no_record - FLAWED: like ftrace_caller, but s0 is pointed at the top of
 * the frame (as a frame pointer) before the callback without a record {s0, ra} below it, and
 * reloaded from the frame afterwards.
 *   Out: as ftrace_caller.
 *   Caught by: frame-chain (at the callback's entry the record s0 points at is not a record:
 *   its previous frame pointer is not on the stack above it).
 */
	.globl	ftrace_caller_fp_no_record
	.type	ftrace_caller_fp_no_record, @function
ftrace_caller_fp_no_record:
	detour8_save 0
	addi	s0, sp, FTRACE_FRAME_SIZE	/* the flaw: no sd ra / sd s0 below it first */
	call_trace_function t0, -8
	restore_regs 0
	ld	s0, PT_X(8)(sp)
	detour8_unwind
	jr	t0
	.size	ftrace_caller_fp_no_record, . - ftrace_caller_fp_no_record
