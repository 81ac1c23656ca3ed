/*
 * asm/asm.h (patchcheck's kernel compatibility layer, riscv64) - register-sized memory access
 * in assembly: XLEN is 64, so a register is stored with sd and loaded with ld, and a register
 * or a pointer takes 8 bytes (log2 3).
 */
#ifndef PC_KCOMPAT_RISCV_ASM_H
#define PC_KCOMPAT_RISCV_ASM_H

#define REG_S sd
#define REG_L ld
#define REG_SC sc.d
#define REG_LR lr.d
#define SZREG 8
#define LGREG 3
#define RISCV_PTR .dword
#define RISCV_SZPTR 8
#define RISCV_LGPTR 3

#endif
