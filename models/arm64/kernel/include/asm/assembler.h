/*
 * asm/assembler.h (patchcheck's kernel compatibility layer, arm64) - the assembler helpers
 * the ftrace and kprobes trampolines use:
 *   adr_l dst, sym            dst = &sym, PC-relative within +-4 GiB (ADRP + ADD :lo12:)
 *   ldr_l dst, sym[, tmp]     dst = sym (ADRP + LDR :lo12:; through tmp when given)
 *   str_l src, sym, tmp       sym = src (ADRP into tmp + STR :lo12:)
 * the PSTATE condition-flag bits (Arm ARM, SPSR_EL1: N 31, Z 30, C 29, V 28), and NOKPROBE,
 * which only lists a symbol for the kprobes blacklist and adds nothing to a guest image.
 */
#ifndef PC_KCOMPAT_ARM64_ASSEMBLER_H
#define PC_KCOMPAT_ARM64_ASSEMBLER_H

#include <asm-generic/export.h>
#include <asm/asm-offsets.h>

#define PSR_N_BIT 0x80000000
#define PSR_Z_BIT 0x40000000
#define PSR_C_BIT 0x20000000
#define PSR_V_BIT 0x10000000

#define NOKPROBE(sym)

	.macro	adr_l, dst, sym
	adrp	\dst, \sym
	add	\dst, \dst, :lo12:\sym
	.endm

	.macro	ldr_l, dst, sym, tmp=
	.ifb	\tmp
	adrp	\dst, \sym
	ldr	\dst, [\dst, :lo12:\sym]
	.else
	adrp	\tmp, \sym
	ldr	\dst, [\tmp, :lo12:\sym]
	.endif
	.endm

	.macro	str_l, src, sym, tmp
	adrp	\tmp, \sym
	str	\src, [\tmp, :lo12:\sym]
	.endm

#endif
