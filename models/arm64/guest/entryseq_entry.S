/*
 * entryseq_entry.S - trampolines for the two multi-word entry sequences of the arm64
 * ftrace-with-regs for livepatch RFC (AKASHI Takahiro and Li Bin, linux-arm-kernel, Jan 2016;
 * see entryseq.h for the site shapes). Both call the current tracer the way ftrace_entry.S does:
 *
 *     *ftrace_trace_function(x0 = ip (the BL's address), x1 = parent_ip, x2 = function_trace_op,
 *                            x3 = &pt_regs)
 *
 * with a struct pt_regs (pt_regs.h) that describes the traced function's entry state:
 * regs[n] = xn as the function received it, regs[29] = the caller's frame pointer,
 * regs[30] = the parent's return address, sp = the SP at the call, pc = the first body
 * instruction. Neither honours a callback's change to pc or to the saved registers: these are
 * tracing trampolines (the livepatch-capable one is ftrace_regs_caller), and they hand control
 * back to the rest of their site with a plain "ret".
 */
#include "pt_regs.h"

	.section .text.ftrace, "ax", %progbits
	.p2align 3

/*
 * mcount_seqa - trampoline for sequence (a), an ordinary AAPCS64 call made after the site has
 * pushed a frame record:
 *
 *     func+0   stp  x29, x30, [sp, #-16]!     frame record {caller's x29, parent LR}
 *     func+4   mov  x29, sp
 *     func+8   bl   mcount_seqa               x30 = func+12
 *     func+12  ldp  x29, x30, [sp], #16       undoes the push: x29, LR and SP as at func+0
 *     func+16  <body>
 *
 *   In:  x0-x8  the traced function's arguments; x9-x28 the caller's values (all preserved)
 *        x29    = sp = S - 16, where S is the traced function's entry SP; [x29] = caller's x29,
 *               [x29 + 8] = parent LR
 *        x30    func+12
 *   Calls: ftrace_trace_function(ip = x30 - 4 = func+8, parent_ip = [x29 + 8], op, regs) with
 *        regs[0..28] = x0..x28, regs[29] = [x29], regs[30] = [x29 + 8], sp = S = x29 + 16,
 *        pc = x30 + 4 = func+16 (the body), pstate = NZCV, orig_x0 = x0.
 *   Out: x0-x30 and SP exactly as on entry (x16, x17 are used as temporaries and reloaded);
 *        NZCV may differ. Returns with "ret" to func+12, whose ldp completes the site.
 *   Stack: PT_REGS_SIZE (304) bytes below the entry SP while it runs; nothing at or above the
 *        entry SP (the site's frame record, the stack arguments) is written.
 */
	.globl	mcount_seqa
	.type	mcount_seqa, %function
mcount_seqa:
	sub	sp, sp, #PT_REGS_SIZE
	pt_regs_save_x0_to_x27
	str	x28, [sp, #S_X(28)]
	ldp	x16, x17, [x29]			/* the site's frame record */
	stp	x16, x17, [sp, #S_FP]		/* regs[29] = caller's x29, regs[30] = parent LR */
	add	x16, x29, #16			/* S: SP at the call */
	add	x17, x30, #4			/* the body */
	stp	x16, x17, [sp, #S_SP]
	mrs	x16, nzcv
	stp	x16, x0, [sp, #S_PSTATE]	/* pstate, orig_x0 */
	str	xzr, [sp, #S_UNUSED]
	stp	x29, x30, [sp, #S_STACKFRAME]	/* this trampoline's frame record */
	add	x29, sp, #S_STACKFRAME

	sub	x0, x30, #4			/* ip = the BL */
	ldr	x1, [sp, #S_LR]			/* parent_ip */
	adrp	x2, function_trace_op
	ldr	x2, [x2, :lo12:function_trace_op]
	mov	x3, sp
	adrp	x16, ftrace_trace_function
	ldr	x16, [x16, :lo12:ftrace_trace_function]
	blr	x16

	pt_regs_load_x0_to_x27
	ldr	x28, [sp, #S_X(28)]
	ldp	x29, x30, [sp, #S_STACKFRAME]	/* x29 = the site's record, x30 = func+12 */
	add	sp, sp, #PT_REGS_SIZE
	ret
	.size	mcount_seqa, . - mcount_seqa

/*
 * ftrace_caller_seqb - trampoline for sequence (b), where the site keeps the parent LR in x9
 * across the call:
 *
 *     func+0   mov  x9, x30          x9 = parent LR
 *     func+4   bl   ftrace_caller_seqb   x30 = func+8
 *     func+8   mov  x30, x9          LR = parent again: so x9 must survive the trampoline
 *     func+12  <body>
 *
 *   In:  x0-x8  the traced function's arguments; x10-x28 the caller's values (all preserved)
 *        x9     parent LR
 *        x29    the caller's frame pointer
 *        x30    func+8
 *        sp     S, the traced function's entry SP (16-byte aligned; stack arguments at S)
 *   Calls: ftrace_trace_function(ip = x30 - 4 = func+4, parent_ip = x9, op, regs) with
 *        regs[n] = xn (regs[9] = parent LR), regs[29] = x29, regs[30] = x9, sp = S,
 *        pc = x30 + 4 = func+12 (the body), pstate = NZCV, orig_x0 = x0.
 *   Out: x0-x29 and SP exactly as on entry, x9 included (x16, x17 are used as temporaries and
 *        reloaded); x30 = func+8; NZCV may differ. Returns with "ret" to func+8.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below S while it runs: the pt_regs and a call-site
 *        frame record {x29, x9} that chains the traced function into the frame-pointer list;
 *        nothing at or above S is written.
 */
	.globl	ftrace_caller_seqb
	.type	ftrace_caller_seqb, %function
ftrace_caller_seqb:
	sub	sp, sp, #FTRACE_FRAME_SIZE
	pt_regs_save_x0_to_x27
	stp	x28, x29, [sp, #S_X(28)]
	add	x16, sp, #FTRACE_FRAME_SIZE	/* S */
	stp	x9, x16, [sp, #S_LR]		/* regs[30] = parent LR, sp = S */
	add	x17, x30, #4			/* the body */
	mrs	x16, nzcv
	stp	x17, x16, [sp, #S_PC]		/* pc, pstate */
	stp	x0, xzr, [sp, #S_ORIG_X0]
	stp	x29, x9, [sp, #S_CALLSITE_FRAME]
	add	x29, sp, #S_CALLSITE_FRAME
	stp	x29, x30, [sp, #S_STACKFRAME]
	add	x29, sp, #S_STACKFRAME

	sub	x0, x30, #4			/* ip = the BL */
	mov	x1, x9				/* parent_ip */
	adrp	x2, function_trace_op
	ldr	x2, [x2, :lo12:function_trace_op]
	mov	x3, sp
	adrp	x16, ftrace_trace_function
	ldr	x16, [x16, :lo12:ftrace_trace_function]
	blr	x16

	pt_regs_load_x0_to_x27
	ldr	x28, [sp, #S_X(28)]
	ldr	x30, [sp, #S_STACKFRAME + 8]	/* func+8 */
	ldr	x29, [sp, #S_FP]
	add	sp, sp, #FTRACE_FRAME_SIZE
	ret
	.size	ftrace_caller_seqb, . - ftrace_caller_seqb
