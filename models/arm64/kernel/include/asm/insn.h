/* asm/insn.h (patchcheck's kernel compatibility layer, arm64) - every A64 instruction is 4 bytes. */
#ifndef PC_KCOMPAT_ARM64_INSN_H
#define PC_KCOMPAT_ARM64_INSN_H

#define AARCH64_INSN_SIZE 4

#endif
