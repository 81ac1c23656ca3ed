/*
 * linux/linkage.h (patchcheck's kernel compatibility layer) - the symbol annotations a kernel
 * .S file uses, as the kernel documents them (Documentation/core-api/asm-annotations.rst):
 * a START places the symbol (global, weak or local) at an aligned address, an END gives it
 * its ELF type and size, an INNER_LABEL names a point inside another symbol. ENTRY, END and
 * ENDPROC are the older spellings some arches still use. The arch may set the alignment
 * (__ALIGN) and what a function's first instruction is in its asm/linkage.h.
 */
#ifndef PC_KCOMPAT_LINUX_LINKAGE_H
#define PC_KCOMPAT_LINUX_LINKAGE_H

#include <asm/linkage.h>

#ifndef ASM_NL
#define ASM_NL ;
#endif
#ifndef __ALIGN
#define __ALIGN .balign 4
#endif
#define ALIGN __ALIGN

/* The linkage arguments of SYM_INNER_LABEL and friends. */
#define SYM_L_GLOBAL(sym) .globl sym
#define SYM_L_WEAK(sym) .weak sym
#define SYM_L_LOCAL(sym)

#define PC_KCOMPAT_PLACE(sym, linkage) linkage(sym) ASM_NL __ALIGN ASM_NL sym:
#ifndef PC_KCOMPAT_FUNC_LANDING
#define PC_KCOMPAT_FUNC_LANDING /* the arch's first instruction of a C-callable function */
#endif

#define SYM_FUNC_START(sym) PC_KCOMPAT_PLACE(sym, SYM_L_GLOBAL) PC_KCOMPAT_FUNC_LANDING
#define SYM_FUNC_START_LOCAL(sym) PC_KCOMPAT_PLACE(sym, SYM_L_LOCAL) PC_KCOMPAT_FUNC_LANDING
#define SYM_FUNC_START_WEAK(sym) PC_KCOMPAT_PLACE(sym, SYM_L_WEAK) PC_KCOMPAT_FUNC_LANDING
#define SYM_FUNC_END(sym) .type sym, %function ASM_NL .size sym, . - sym
#define SYM_CODE_START(sym) PC_KCOMPAT_PLACE(sym, SYM_L_GLOBAL)
#define SYM_CODE_START_LOCAL(sym) PC_KCOMPAT_PLACE(sym, SYM_L_LOCAL)
#define SYM_CODE_END(sym) .type sym, %notype ASM_NL .size sym, . - sym
#define SYM_INNER_LABEL(sym, linkage) .type sym, %notype ASM_NL linkage(sym) ASM_NL sym:

#define ENTRY(sym) .globl sym ASM_NL __ALIGN ASM_NL sym:
#define END(sym) .size sym, . - sym
#define ENDPROC(sym) .type sym, %function ASM_NL .size sym, . - sym

#endif
