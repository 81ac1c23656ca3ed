/*
 * asm/assembler.h (patchcheck's kernel compatibility layer, arm, ARMv7-A) - the assembler
 * helpers the ftrace trampolines use:
 *   fpreg                          the frame pointer register: r11 (A32), r7 (Thumb-2)
 *   badr{c} rd, label              rd = address of a code label, bit 0 set in Thumb-2 so that
 *                                  a BX or a load into pc keeps the state
 *   ret{c} reg                     return through reg: BX for lr (interworking), else mov pc
 *   mov_l rd, sym[, c]             rd = sym, a 32-bit constant (MOVW + MOVT on ARMv7)
 *   ldr_va rd, sym[, c, tmp, off]  rd = the word at sym + off (its address built with mov_l in
 *                                  tmp, or in rd itself)
 * A condition suffix c applies to every instruction of a helper.
 */
#ifndef PC_KCOMPAT_ARM_ASSEMBLER_H
#define PC_KCOMPAT_ARM_ASSEMBLER_H

#include <asm/unified.h>
#include <asm/asm-offsets.h>

ARM(	fpreg	.req	r11	)
THUMB(	fpreg	.req	r7	)

	.irp	c, , eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, hs, lo
	.macro	badr\c, rd, label
#ifdef CONFIG_THUMB2_KERNEL
	adr\c	\rd, \label + 1
#else
	adr\c	\rd, \label
#endif
	.endm

	.macro	ret\c, reg
	.ifeqs	"\reg", "lr"
	bx\c	\reg
	.else
	mov\c	pc, \reg
	.endif
	.endm
	.endr

	.macro	mov_l, rd:req, sym:req, c
	movw\c	\rd, #:lower16:\sym
	movt\c	\rd, #:upper16:\sym
	.endm

	.macro	ldr_va, rd:req, sym:req, c, tmp, off=0
	.ifnb	\tmp
	mov_l	\tmp, \sym, \c
	ldr\c	\rd, [\tmp, #\off]
	.else
	mov_l	\rd, \sym, \c
	ldr\c	\rd, [\rd, #\off]
	.endif
	.endm

#endif
