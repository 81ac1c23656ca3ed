/*
 * adversary.S - arm64 tracer callbacks that use every freedom AAPCS64 gives a callee, so a
 * trampoline that leans on a polite callback fails.
 *
 * A C callback called by a trampoline may change x0-x17, x30 and NZCV (AAPCS64 §6.1.1: x0-x15
 * argument and temporary registers, x16/x17 intra-procedure-call scratch, x30 the link
 * register; the flags are not preserved across a call). x18 is not among them: Linux builds
 * with the Shadow Call Stack keep x18 out of C code (-ffixed-x18), and entry-ftrace.S counts
 * it as live across the callback. x19-x29 and SP are the callee's to preserve.
 */
#include "pt_regs.h"

/* \reg = 0xc10b0000000000NN: a value no trampoline can mistake for one it saved. */
.macro	clobber reg, n
	movz	\reg, #0xc10b, lsl #48
	movk	\reg, #\n
.endm

	.text
	.p2align 2

/*
 * clobber_all(ip, parent_ip, op, regs) - records like record_regs, then returns with x0-x17
 * and x30 set to 0xc10b00000000000N (N = the register number; x30 after the return: its
 * value, since the return goes through x17) and NZCV = 0b1111.
 *   In:  x0-x3 the callback arguments; x30 the return address; sp 16-byte aligned.
 *   Out: x19-x29 and sp preserved; x18 untouched; everything else clobbered.
 *   Stack: 16 bytes while record_regs runs.
 */
	.globl	clobber_all
	.type	clobber_all, %function
clobber_all:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	record_regs
	ldp	x29, x17, [sp], #16	/* x17 = where to return */
	clobber	x0, 0
	clobber	x1, 1
	clobber	x2, 2
	clobber	x3, 3
	clobber	x4, 4
	clobber	x5, 5
	clobber	x6, 6
	clobber	x7, 7
	clobber	x8, 8
	clobber	x9, 9
	clobber	x10, 10
	clobber	x11, 11
	clobber	x12, 12
	clobber	x13, 13
	clobber	x14, 14
	clobber	x15, 15
	clobber	x16, 16
	clobber	x30, 30
	mov	x16, #0xf0000000	/* N, Z, C, V all set */
	msr	nzcv, x16
	clobber	x16, 16
	ret	x17
	.size	clobber_all, . - clobber_all

/*
 * clobber_all_regs(ip, parent_ip, op, regs) - clobber_all, after writing the pt_regs fields no
 * arm64 trampoline reads back: pstate and orig_x0 (Linux 6.1's ftrace_common_return reloads
 * x0-x8, fp, lr and pc only; the bundled trampolines x0-x29 but x9, lr and pc). For the
 * trampolines that pass a pt_regs (every arm64 flavour here does); regs = NULL writes nothing.
 *   In/out: as clobber_all.
 */
	.globl	clobber_all_regs
	.type	clobber_all_regs, %function
clobber_all_regs:
	cbz	x3, 1f
	clobber	x16, 0x33
	str	x16, [x3, #S_PSTATE]
	clobber	x16, 0x34
	str	x16, [x3, #S_ORIG_X0]
1:	b	clobber_all
	.size	clobber_all_regs, . - clobber_all_regs

/*
 * pc_graph_return_tramp - where a traced function whose return address graph_return replaced
 * returns to: takes the replaced address back from the hart's shadow stack (pc_graph_pop) and
 * returns there, as the function-graph tracer's return handler does.
 *   In:  x0-x7 the function's results, x8 the indirect result address; sp as at the call.
 *   Out: x0-x8, x19-x29 and sp unchanged; x30 = the replaced return address; x9-x18 as
 *        pc_graph_pop leaves them (the caller keeps nothing there across a call).
 *   Stack: 80 bytes while pc_graph_pop runs.
 */
	.globl	pc_graph_return_tramp
	.type	pc_graph_return_tramp, %function
pc_graph_return_tramp:
	stp	x0, x1, [sp, #-80]!
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	str	x8, [sp, #64]
	mrs	x0, tpidr_el0
	bl	pc_graph_pop
	mov	x30, x0
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldr	x8, [sp, #64]
	ldp	x0, x1, [sp], #80
	ret
	.size	pc_graph_return_tramp, . - pc_graph_return_tramp
