/*
 * asm/linkage.h (patchcheck's kernel compatibility layer, arm64) - code is 4-byte aligned,
 * and a C-callable function starts with the BTI C landing pad (HINT #34, a NOP on a core
 * without BTI), as the arm64 kernel places one at every SYM_FUNC_START.
 */
#ifndef PC_KCOMPAT_ARM64_LINKAGE_H
#define PC_KCOMPAT_ARM64_LINKAGE_H

#define __ALIGN .balign 4
#define PC_KCOMPAT_FUNC_LANDING ASM_NL bti c

#endif
