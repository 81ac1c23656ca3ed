/*
 * call_ops_entry.S - trampolines of the "ftrace_ops" image (CALL_OPS + DIRECT_CALLS; see
 * call_ops.h for the site and the structures).
 */
#include "call_ops.h"

	.section .text.ftrace, "ax", %progbits
	.p2align 3

/*
 * ftrace_caller_ops - the common trampoline of a CALL_OPS site.
 *   In:  x0-x8  the traced function's arguments; x9 = parent LR (mov x9, x30 at func+0);
 *        x30 = func+8; SP = S, the traced function's entry SP; x19-x29 the caller's values.
 *   Does: x11 = ops = the 8-byte literal at ((x30 & ~7) - 16) = func-8 (one 64-bit load).
 *        If ops->direct_call is set, branches there at once with every register as on entry
 *        (the direct-trampoline convention: x30 = func+8, x9 = parent, SP = S).
 *        Otherwise builds a struct ftrace_regs at S - (CALLER_OPS_FRAME + 48): x0-x8,
 *        direct_tramp = 0, fp = x29, lr = x9, sp = S, pc = x30; pushes the call-site frame
 *        record {x29, x9} at +128 and its own {x29, x30} at +112 (x29 = sp + 112), and calls
 *        ops->func(x0 = ip = x30 - 4, x1 = parent_ip = x9, x2 = ops, x3 = &fregs).
 *   Out: x0-x8 = fregs->regs[0..8] (a callback's change takes effect), x29 = fregs->fp,
 *        x12-x15 and x18 reloaded from a save area (a C callback may use them), x19-x28
 *        preserved by the callback (AAPCS64), SP = S; x9-x11, x16, x17 and NZCV change
 *        (the designated scratch registers of the convention). Then:
 *        - fregs->direct_tramp == 0: x30 = fregs->lr (the parent), x9 = fregs->pc, "ret x9"
 *          (normally func+8; an IPMODIFY callback's new pc otherwise);
 *        - fregs->direct_tramp != 0: x9 = fregs->lr, x30 = fregs->pc, x17 = direct_tramp,
 *          "br x17": the direct trampoline convention again.
 *   Stack: CALLER_OPS_FRAME (144) bytes for the fregs and frame records, then a 48-byte save
 *        area, below S while it runs; nothing at or above S is written.
 */
	.globl	ftrace_caller_ops
	.type	ftrace_caller_ops, %function
ftrace_caller_ops:
	bic	x11, x30, #7
	ldr	x11, [x11, #-16]			/* the ops literal at func-8 */
	ldr	x17, [x11, #OPS_DIRECT_CALL]
	cbnz	x17, 9f

	mov	x10, sp					/* S */
	sub	sp, sp, #(CALLER_OPS_FRAME + 48)
	stp	x12, x13, [sp, #CALLER_OPS_FRAME]	/* registers a C callback may clobber */
	stp	x14, x15, [sp, #CALLER_OPS_FRAME + 16]
	str	x18, [sp, #CALLER_OPS_FRAME + 32]
	stp	x0, x1, [sp, #FREGS_X(0)]
	stp	x2, x3, [sp, #FREGS_X(2)]
	stp	x4, x5, [sp, #FREGS_X(4)]
	stp	x6, x7, [sp, #FREGS_X(6)]
	stp	x8, xzr, [sp, #FREGS_X(8)]		/* x8, direct_tramp = 0 */
	stp	x29, x9, [sp, #FREGS_FP]		/* fp, lr = parent */
	stp	x10, x30, [sp, #FREGS_SP]		/* sp = S, pc = func+8 */
	stp	x29, x9, [sp, #FREGS_SIZE + 16]		/* call-site frame record */
	add	x29, sp, #FREGS_SIZE + 16
	stp	x29, x30, [sp, #FREGS_SIZE]		/* this trampoline's frame record */
	add	x29, sp, #FREGS_SIZE

	sub	x0, x30, #4				/* ip = the BL */
	mov	x1, x9					/* parent_ip */
	mov	x2, x11					/* ops */
	mov	x3, sp					/* fregs */
	ldr	x4, [x2, #OPS_FUNC]
	blr	x4

	ldp	x0, x1, [sp, #FREGS_X(0)]
	ldp	x2, x3, [sp, #FREGS_X(2)]
	ldp	x4, x5, [sp, #FREGS_X(4)]
	ldp	x6, x7, [sp, #FREGS_X(6)]
	ldr	x8, [sp, #FREGS_X(8)]
	ldp	x12, x13, [sp, #CALLER_OPS_FRAME]
	ldp	x14, x15, [sp, #CALLER_OPS_FRAME + 16]
	ldr	x18, [sp, #CALLER_OPS_FRAME + 32]
	ldr	x29, [sp, #FREGS_FP]
	ldr	x17, [sp, #FREGS_DIRECT_TRAMP]
	cbnz	x17, 8f
	ldr	x30, [sp, #FREGS_LR]
	ldr	x9, [sp, #FREGS_PC]
	add	sp, sp, #(CALLER_OPS_FRAME + 48)
	ret	x9

8:	ldr	x9, [sp, #FREGS_LR]			/* a callback asked for a direct trampoline */
	ldr	x30, [sp, #FREGS_PC]
	add	sp, sp, #(CALLER_OPS_FRAME + 48)
9:	br	x17
	.size	ftrace_caller_ops, . - ftrace_caller_ops

/*
 * direct_tramp - a direct-call trampoline in the arm64 convention.
 *   In:  x30 = the return into the traced function's body (func+8), x9 = the parent LR,
 *        SP = the traced function's SP; x0-x8 its arguments; every other register the caller's.
 *   Calls: direct_record(ip = x30 - 4, parent_ip = x9), saving around it every register a C
 *        function may clobber (x0-x9, x12-x15, x18, x30).
 *   Out: every register as on entry except x10 (x9 and x30 swapped into place): LR = x9 (the
 *        parent), then "ret x10" to the old x30. SP as on entry; 160 bytes used below it.
 */
	.globl	direct_tramp
	.type	direct_tramp, %function
direct_tramp:
	sub	sp, sp, #160
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x12, x13, [sp, #80]
	stp	x14, x15, [sp, #96]
	stp	x18, x30, [sp, #112]
	stp	x29, x30, [sp, #128]			/* frame record */
	add	x29, sp, #128
	sub	x0, x30, #4
	mov	x1, x9
	bl	direct_record
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x12, x13, [sp, #80]
	ldp	x14, x15, [sp, #96]
	ldp	x18, x30, [sp, #112]
	ldr	x29, [sp, #128]
	add	sp, sp, #160
	mov	x10, x30				/* back into the body */
	mov	x30, x9					/* LR = the parent */
	ret	x10
	.size	direct_tramp, . - direct_tramp
