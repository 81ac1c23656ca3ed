/*
 * far_tramp.S - a trampoline entry placed at least 4 KiB past the others (8 KiB aligned), so a
 * BL to it and a BL to ftrace_regs_caller from the same site differ in both halfwords of a
 * Thumb-2 BL (the first halfword holds the offset's bits 12 and up): a BL -> BL rewrite then
 * changes both halves, and a rewrite stored as two halfwords can be seen torn. Assembled for
 * A32 and for T32.
 */
#include "asm.h"

	.section .text.far, "ax", %progbits
	.p2align 13

/*
 * ftrace_regs_caller_far - ftrace_regs_caller, entered from far away.
 *   In/out: exactly ftrace_regs_caller's (a plain branch: lr, sp and every register reach it
 *   as the site left them).
 */
ENTRY ftrace_regs_caller_far
	b	ftrace_regs_caller
END ftrace_regs_caller_far
