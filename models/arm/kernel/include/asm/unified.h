/*
 * asm/unified.h (patchcheck's kernel compatibility layer, arm) - one source for both
 * instruction sets: unified assembler syntax, and the selectors a kernel .S file writes
 * around code that only one of them has:
 *   ARM(x)    x only in an A32 build
 *   THUMB(x)  x only in a Thumb-2 build (CONFIG_THUMB2_KERNEL)
 *   W(insn)   insn with the .w suffix in Thumb-2 (the 32-bit encoding, so that it keeps the
 *             size of its A32 counterpart), insn unchanged in A32
 * The kernel build includes this header before every assembly file (-include asm/unified.h).
 */
#ifndef PC_KCOMPAT_ARM_UNIFIED_H
#define PC_KCOMPAT_ARM_UNIFIED_H

	.syntax unified

#ifdef CONFIG_THUMB2_KERNEL
#define ARM(x...)
#define THUMB(x...) x
#define W(insn) insn.w
#else
#define ARM(x...) x
#define THUMB(x...)
#define W(insn) insn
#endif

#endif
