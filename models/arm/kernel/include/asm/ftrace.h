/*
 * asm/ftrace.h (patchcheck's kernel compatibility layer, arm) - the call of an EABI mcount
 * site, `bl __gnu_mcount_nc` after `push {lr}`, is one 4-byte instruction in both instruction
 * sets: a trampoline finds the traced function's site at lr - 4 (lr without its Thumb bit).
 */
#ifndef PC_KCOMPAT_ARM_FTRACE_H
#define PC_KCOMPAT_ARM_FTRACE_H

#define MCOUNT_INSN_SIZE 4

#endif
