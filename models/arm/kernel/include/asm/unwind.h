/*
 * asm/unwind.h (patchcheck's kernel compatibility layer, arm) - UNWIND(x) keeps the EHABI
 * unwind annotations x (.fnstart, .save, .pad, .fnend) when the kernel unwinds with the ARM
 * unwinder (CONFIG_ARM_UNWIND), and drops them otherwise.
 */
#ifndef PC_KCOMPAT_ARM_UNWIND_H
#define PC_KCOMPAT_ARM_UNWIND_H

#ifdef CONFIG_ARM_UNWIND
#define UNWIND(x...) x
#else
#define UNWIND(x...)
#endif

#endif
