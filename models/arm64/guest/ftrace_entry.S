/*
 * ftrace_entry.S - arm64 ftrace trampolines: the code a patched site's BL enters.
 *
 * The patch site (-fpatchable-function-entry=2, initialised by ftrace_init_nop):
 *
 *     func+0: mov  x9, x30          x9 = the traced function's return address (parent LR)
 *     func+4: bl   <trampoline>     x30 = func+8; toggles with NOP
 *     func+8: <body>
 *
 * Common contract of every trampoline here (the correct ones; the flawed variants at the end
 * break exactly one clause each):
 *
 *   In:  x0-x8   the traced function's arguments (x8: indirect result address), live
 *        x9      parent LR (from mov x9, x30 at func+0)
 *        x30     func+8, the first body instruction (the BL is at x30 - 4)
 *        sp      the traced function's entry SP, 16-byte aligned; stack arguments at [sp, ...)
 *        x10-x18, x19-x29  the caller's values
 *   Calls:  *ftrace_trace_function(x0 = ip = x30 - 4, x1 = parent_ip = x9,
 *                                  x2 = function_trace_op, x3 = &pt_regs)
 *   Out: x0-x8, x10-x18 restored from the frame (a callback's change to regs[n] takes effect),
 *        x19-x28 preserved (saved in the frame and restored by ftrace_regs_caller; left to the
 *        callback's AAPCS64 obligations by ftrace_caller), x29 restored,
 *        x30 = regs->regs[30] (the parent LR, possibly changed by the callback),
 *        x9  = regs->pc = where execution continues (func+8 unless a callback changed it),
 *        sp  = the entry SP; NZCV may differ.
 *        Control goes to regs->pc via "ret x9".
 *
 *   Stack while the callback runs (sp_t = entry SP - FTRACE_FRAME_SIZE, offsets from sp_t;
 *   see pt_regs.h for the names):
 *
 *     sp_t + 320                entry SP: the traced function's stack arguments start here
 *     sp_t + 312  (+8)          parent LR       \ call-site frame record; it chains the
 *     sp_t + 304  (+0)          caller's x29    / traced function into the frame-pointer list
 *     sp_t + 296  stackframe[1] func+8          \ the trampoline's own frame record;
 *     sp_t + 288  stackframe[0] sp_t + 304      / x29 = sp_t + 288 during the call
 *     sp_t + 280  unused        0
 *     sp_t + 272  orig_x0       x0 at entry
 *     sp_t + 264  pstate        NZCV at entry
 *     sp_t + 256  pc            func+8
 *     sp_t + 248  sp            entry SP (sp_t + 320)
 *     sp_t + 240  regs[30]      parent LR (x9 at entry)
 *     sp_t + 232  regs[29]      caller's x29
 *     sp_t + 8n   regs[n]       xn at entry, n = 0..28 (regs[9] = parent LR;
 *                               ftrace_caller writes 0 to regs[19..28])
 *     sp_t                      struct pt_regs *, passed in x3
 *
 * Nothing at or above the entry SP is written, so stack-passed arguments survive.
 */
#include "pt_regs.h"

/* ---- building blocks ---- */

/*
 * Reserve the frame and fill struct pt_regs and both frame records. allregs = 1 saves x0-x29;
 * allregs = 0 saves x0-x18 and x29 and writes 0 to regs[19..28]. Clobbers x10 and x11 after
 * saving them; x29 points at the trampoline's frame record afterwards (link = 0, the flaw of
 * ftrace_caller_unlinked: x29 stays the caller's).
 */
.macro	tramp_save allregs, link=1
	sub	sp, sp, #FTRACE_FRAME_SIZE
	pt_regs_save_x0_to_x17
	.if \allregs
	pt_regs_save_x18_to_x27
	stp	x28, x29, [sp, #S_X(28)]
	.else
	stp	x18, xzr, [sp, #S_X(18)]
	stp	xzr, xzr, [sp, #S_X(20)]
	stp	xzr, xzr, [sp, #S_X(22)]
	stp	xzr, xzr, [sp, #S_X(24)]
	stp	xzr, xzr, [sp, #S_X(26)]
	stp	xzr, x29, [sp, #S_X(28)]
	.endif
	add	x10, sp, #FTRACE_FRAME_SIZE	/* the entry SP */
	stp	x9, x10, [sp, #S_LR]		/* regs[30] = parent LR, sp = entry SP */
	mrs	x11, nzcv
	stp	x30, x11, [sp, #S_PC]		/* pc = func+8, pstate = NZCV */
	stp	x0, xzr, [sp, #S_ORIG_X0]
	stp	x29, x9, [sp, #S_CALLSITE_FRAME]
	add	x29, sp, #S_CALLSITE_FRAME
	stp	x29, x30, [sp, #S_STACKFRAME]
	.if \link
	add	x29, sp, #S_STACKFRAME
	.endif
.endm

/* Load function_trace_op into \reg. */
.macro	load_trace_op reg
	adrp	\reg, function_trace_op
	ldr	\reg, [\reg, :lo12:function_trace_op]
.endm

/* Call the current tracer: x0 = ip, x1 = parent_ip, x2 = op, x3 = regs. Clobbers x16. */
.macro	tramp_call
	sub	x0, x30, #4
	mov	x1, x9
	load_trace_op x2
	mov	x3, sp
	adrp	x16, ftrace_trace_function
	ldr	x16, [x16, :lo12:ftrace_trace_function]
	blr	x16
.endm

/* Reload x3-x8 and x10-x18 (x0-x2 are done by the caller of this macro). */
.macro	restore_x3_to_x18
	ldr	x3, [sp, #S_X(3)]
	ldp	x4, x5, [sp, #S_X(4)]
	ldp	x6, x7, [sp, #S_X(6)]
	ldr	x8, [sp, #S_X(8)]
	ldp	x10, x11, [sp, #S_X(10)]
	ldp	x12, x13, [sp, #S_X(12)]
	ldp	x14, x15, [sp, #S_X(14)]
	ldp	x16, x17, [sp, #S_X(16)]
	ldr	x18, [sp, #S_X(18)]
.endm

/* Reload x19-x29 (allregs = 1) or only x29 (allregs = 0). */
.macro	restore_x19_to_x29 allregs
	.if \allregs
	ldp	x19, x20, [sp, #S_X(19)]
	ldp	x21, x22, [sp, #S_X(21)]
	ldp	x23, x24, [sp, #S_X(23)]
	ldp	x25, x26, [sp, #S_X(25)]
	ldp	x27, x28, [sp, #S_X(27)]
	.endif
	ldr	x29, [sp, #S_FP]
.endm

/* Leave: x30 = \lr_slot of the frame, x9 = regs->pc, free the frame, continue at x9. */
.macro	tramp_return lr_slot
	ldr	x30, [sp, #\lr_slot]
	ldr	x9, [sp, #S_PC]
	add	sp, sp, #FTRACE_FRAME_SIZE
	ret	x9
.endm

	.section .text.ftrace, "ax", %progbits
	.p2align 3

/*
 * ftrace_caller - the default trampoline.
 *   In/out: the common contract above. Saves x0-x18 and x29 into the frame, writes 0 to
 *   regs[19..28] and restores x0-x8, x10-x18, x29; x19-x28 are never touched (the callback
 *   preserves them under AAPCS64). x9 = regs->pc on exit.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_caller
	.type	ftrace_caller, %function
ftrace_caller:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 0
	tramp_return S_LR
	.size	ftrace_caller, . - ftrace_caller

/*
 * ftrace_regs_caller - the trampoline for users that need the full register set (livepatch,
 * kprobes): a separate BL target, so BL ftrace_caller <-> BL ftrace_regs_caller is a real
 * modify_call.
 *   In/out: the common contract above. Saves x0-x29 into the frame and restores every one of
 *   them except x9, which carries regs->pc; so a callback may change any of x0-x8, x10-x29.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_regs_caller
	.type	ftrace_regs_caller, %function
ftrace_regs_caller:
	tramp_save 1
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 1
	tramp_return S_LR
	.size	ftrace_regs_caller, . - ftrace_regs_caller

/* ---- flawed variants: each breaks one clause of the contract, on purpose ---- */

/*
 * ftrace_caller_bad_lr - FLAWED: like ftrace_caller, but x30 is reloaded from the pc slot
 * (regs->pc = func+8) instead of the lr slot (regs->regs[30] = parent LR).
 *   Out: x30 = func+8 instead of the parent LR; everything else as ftrace_caller.
 *   Effect: the body starts with LR = func+8, so its RET lands on its own first instruction and
 *   it runs again, forever.
 *   Caught by: lr-at-entry (LR at body entry is not the parent's return address), then
 *   body-once (the body is entered again in the same call) and termination (the step budget)
 *   if the run goes on.
 */
	.globl	ftrace_caller_bad_lr
	.type	ftrace_caller_bad_lr, %function
ftrace_caller_bad_lr:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 0
	tramp_return S_PC		/* the flaw: should be S_LR */
	.size	ftrace_caller_bad_lr, . - ftrace_caller_bad_lr

/*
 * ftrace_caller_clobber_x2 - FLAWED: like ftrace_caller, but after the callback it loads
 * function_trace_op into x2 again (as if to pass it on to a second ops call) and never reloads
 * the caller's x2 from the frame.
 *   Out: x2 = function_trace_op (&ftrace_global_ops) instead of the third argument; everything
 *   else as ftrace_caller. Deterministic whatever the callback does.
 *   Caught by: register-preservation (x2 at body entry differs from its value at the call; x2
 *   is an argument register, not one of the scratch x9-x11, x16, x17), and the functional
 *   result of any traced function that takes three or more arguments.
 */
	.globl	ftrace_caller_clobber_x2
	.type	ftrace_caller_clobber_x2, %function
ftrace_caller_clobber_x2:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	load_trace_op x2		/* the flaw: should be ldr x2, [sp, #S_X(2)] */
	restore_x3_to_x18
	restore_x19_to_x29 0
	tramp_return S_LR
	.size	ftrace_caller_clobber_x2, . - ftrace_caller_clobber_x2

/*
 * ftrace_regs_caller_keep_pc - FLAWED: like ftrace_regs_caller, but it returns to the address
 * the site's BL left in x30 (kept in its frame record) instead of regs->pc, so a callback that
 * changes the saved pc (livepatch, a kprobe pre-handler) has no effect.
 *   Out: x9 = func+8 whatever regs->pc says; everything else as ftrace_regs_caller.
 *   Caught by: ipmodify (a callback redirected the call, and the old body ran).
 */
	.globl	ftrace_regs_caller_keep_pc
	.type	ftrace_regs_caller_keep_pc, %function
ftrace_regs_caller_keep_pc:
	tramp_save 1
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 1
	ldr	x30, [sp, #S_LR]
	ldr	x9, [sp, #S_STACKFRAME + 8]	/* the flaw: should be ldr x9, [sp, #S_PC] */
	add	sp, sp, #FTRACE_FRAME_SIZE
	ret	x9
	.size	ftrace_regs_caller_keep_pc, . - ftrace_regs_caller_keep_pc

/*
 * ftrace_caller_restores_unsaved - FLAWED: saves like ftrace_caller (0 in regs[19..28]) but
 * restores like ftrace_regs_caller, so x19-x28 come back from slots that were never filled.
 *   Out: x19-x28 = 0 instead of the caller's values; everything else as ftrace_caller.
 *   Caught by: register-preservation at body entry, as soon as the caller's x19-x28 are not
 *   0 (the explorer poisons them at every call).
 */
	.globl	ftrace_caller_restores_unsaved
	.type	ftrace_caller_restores_unsaved, %function
ftrace_caller_restores_unsaved:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 1		/* the flaw: should be restore_x19_to_x29 0 */
	tramp_return S_LR
	.size	ftrace_caller_restores_unsaved, . - ftrace_caller_restores_unsaved

/*
 * ftrace_caller_keeps_x6_x7 - FLAWED: like ftrace_caller, but the reload of x6 and x7 is
 * dropped (as if no traced function took more than six arguments), so they hold whatever the
 * callback left in them.
 *   Out: x6, x7 = the callback's; everything else as ftrace_caller.
 *   Caught by: register-preservation at body entry with a callback that uses its freedom to
 *   change x6 and x7 (clobber_all); record_regs happens not to touch them and hides it.
 */
	.globl	ftrace_caller_keeps_x6_x7
	.type	ftrace_caller_keeps_x6_x7, %function
ftrace_caller_keeps_x6_x7:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	ldr	x3, [sp, #S_X(3)]
	ldp	x4, x5, [sp, #S_X(4)]
	/* the flaw: no ldp x6, x7, [sp, #S_X(6)] */
	ldr	x8, [sp, #S_X(8)]
	ldp	x10, x11, [sp, #S_X(10)]
	ldp	x12, x13, [sp, #S_X(12)]
	ldp	x14, x15, [sp, #S_X(14)]
	ldp	x16, x17, [sp, #S_X(16)]
	ldr	x18, [sp, #S_X(18)]
	restore_x19_to_x29 0
	tramp_return S_LR
	.size	ftrace_caller_keeps_x6_x7, . - ftrace_caller_keeps_x6_x7

/*
 * ftrace_caller_lr_from_record - FLAWED: like ftrace_caller, but x30 is reloaded from the
 * call-site frame record (which holds the parent LR for the unwinder) instead of regs[30].
 * The two hold the same value unless a callback changes regs[30], as the function-graph
 * tracer does to hook the return.
 *   Out: x30 = the parent LR whatever the callback wrote; everything else as ftrace_caller.
 *   Caught by: lr-at-entry with graph_return (the body starts with the parent LR, not the
 *   return hook the callback installed); record_regs hides it.
 */
	.globl	ftrace_caller_lr_from_record
	.type	ftrace_caller_lr_from_record, %function
ftrace_caller_lr_from_record:
	tramp_save 0
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 0
	tramp_return (S_CALLSITE_FRAME + 8)	/* the flaw: should be S_LR */
	.size	ftrace_caller_lr_from_record, . - ftrace_caller_lr_from_record

/*
 * ftrace_caller_unlinked - FLAWED: like ftrace_caller, but x29 is left at the call-site record
 * instead of the trampoline's own {call-site record, func+8}, so from the callback the
 * unwinder goes to the parent without passing through the traced function.
 *   Out: as ftrace_caller (x29 is reloaded from the frame all the same).
 *   Caught by: frame-chain (at the callback's entry no record returns into the traced
 *   function).
 */
	.globl	ftrace_caller_unlinked
	.type	ftrace_caller_unlinked, %function
ftrace_caller_unlinked:
	tramp_save 0, 0			/* the flaw: should be tramp_save 0 */
	tramp_call
	ldp	x0, x1, [sp, #S_X(0)]
	ldr	x2, [sp, #S_X(2)]
	restore_x3_to_x18
	restore_x19_to_x29 0
	tramp_return S_LR
	.size	ftrace_caller_unlinked, . - ftrace_caller_unlinked
