/*
 * offsets.c - the asm-offsets of a Linux tree's arm trampolines, taken from the tree's own
 * struct pt_regs: compiled with clang -S against the tree's headers (toolchain/ktree.c), each
 * value appears in the assembly as a line "->NAME VALUE", the way the kernel's own
 * asm-offsets build reads them. The names and the fields they stand for are those of
 * arch/arm/kernel/asm-offsets.c: S_R0..S_R10 = ARM_r0..ARM_r10, S_FP = ARM_fp (r11),
 * S_IP = ARM_ip (r12), S_SP, S_LR, S_PC, S_PSR = ARM_cpsr, S_OLD_R0 = ARM_ORIG_r0, and the
 * struct's size. entry-header.S tests S_R0 with #if, so they become #defines.
 */
#include <linux/stddef.h>
#include <asm/ptrace.h>

#define EMIT(name, value) asm volatile("\n.ascii \"->" #name " %0\"" : : "i"(value))
#define REG(n) EMIT(S_R##n, offsetof(struct pt_regs, ARM_r##n))

void pc_asm_offsets(void);

void pc_asm_offsets(void)
{
	REG(0); REG(1); REG(2); REG(3); REG(4); REG(5); REG(6); REG(7); REG(8); REG(9); REG(10);
	EMIT(S_FP, offsetof(struct pt_regs, ARM_fp));
	EMIT(S_IP, offsetof(struct pt_regs, ARM_ip));
	EMIT(S_SP, offsetof(struct pt_regs, ARM_sp));
	EMIT(S_LR, offsetof(struct pt_regs, ARM_lr));
	EMIT(S_PC, offsetof(struct pt_regs, ARM_pc));
	EMIT(S_PSR, offsetof(struct pt_regs, ARM_cpsr));
	EMIT(S_OLD_R0, offsetof(struct pt_regs, ARM_ORIG_r0));
	EMIT(PT_REGS_SIZE, sizeof(struct pt_regs));
}
