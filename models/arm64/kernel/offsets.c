/*
 * offsets.c - the asm-offsets of a Linux tree's arm64 trampolines, taken from the tree's own
 * struct pt_regs: compiled with clang -S against the tree's headers (toolchain/ktree.c), each
 * value appears in the assembly as a line "->NAME VALUE", the way the kernel's own
 * asm-offsets build reads them. The names and the fields they stand for are those of
 * arch/arm64/kernel/asm-offsets.c: S_Xn = regs[n], S_FP = regs[29], S_LR = regs[30], then
 * sp, pc, pstate, orig_x0, syscallno, the frame record stackframe[], and the struct's size.
 */
#include <linux/stddef.h>
#include <asm/ptrace.h>

#define EMIT(name, value) asm volatile("\n.ascii \"->" #name " %0\"" : : "i"(value))
#define REG(n) EMIT(S_X##n, offsetof(struct pt_regs, regs[n]))

void pc_asm_offsets(void);

void pc_asm_offsets(void)
{
	REG(0); REG(1); REG(2); REG(3); REG(4); REG(5); REG(6); REG(7); REG(8); REG(9);
	REG(10); REG(11); REG(12); REG(13); REG(14); REG(15); REG(16); REG(17); REG(18);
	REG(19); REG(20); REG(21); REG(22); REG(23); REG(24); REG(25); REG(26); REG(27); REG(28);
	EMIT(S_FP, offsetof(struct pt_regs, regs[29]));
	EMIT(S_LR, offsetof(struct pt_regs, regs[30]));
	EMIT(S_SP, offsetof(struct pt_regs, sp));
	EMIT(S_PC, offsetof(struct pt_regs, pc));
	EMIT(S_PSTATE, offsetof(struct pt_regs, pstate));
	EMIT(S_ORIG_X0, offsetof(struct pt_regs, orig_x0));
	EMIT(S_SYSCALLNO, offsetof(struct pt_regs, syscallno));
	EMIT(S_STACKFRAME, offsetof(struct pt_regs, stackframe));
	EMIT(PT_REGS_SIZE, sizeof(struct pt_regs));
}
