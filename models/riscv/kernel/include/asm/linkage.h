/*
 * asm/linkage.h (patchcheck's kernel compatibility layer, riscv64) - code is 4-byte aligned;
 * a function's first instruction is its own (no landing pad).
 */
#ifndef PC_KCOMPAT_RISCV_LINKAGE_H
#define PC_KCOMPAT_RISCV_LINKAGE_H

#define __ALIGN .balign 4

#endif
