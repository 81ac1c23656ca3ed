/*
 * asm.h - what every arm guest assembly file starts with: unified syntax in the instruction set
 * the file is assembled for (-marm: A32, -mthumb: T32), and ENTRY/END for its functions (a
 * Thumb function symbol carries the Thumb bit). Included by assembly only.
 */
#ifndef PATCHCHECK_ARM_ASM_H
#define PATCHCHECK_ARM_ASM_H

	.syntax unified
#ifdef __thumb__
	.thumb
#define FUNC_ISA .thumb_func
#else
	.arm
#define FUNC_ISA
#endif

.macro	ENTRY name
	.globl	\name
	.type	\name, %function
	.p2align 2
	FUNC_ISA
\name:
.endm

.macro	END name
	.size	\name, . - \name
.endm

#endif
