/*
 * offsets.c - the asm-offsets of a Linux tree's riscv trampolines, taken from the tree's own
 * struct pt_regs: compiled with clang -S against the tree's headers (toolchain/ktree.c), each
 * value appears in the assembly as a line "->NAME VALUE", the way the kernel's own
 * asm-offsets build reads them. The names are those of arch/riscv/kernel/asm-offsets.c:
 * PT_<REG> is the slot of that register (PT_EPC the saved pc, PT_FP = PT_S0), PT_SIZE the
 * struct's size and PT_SIZE_ON_STACK that size rounded up to the stack alignment
 * (STACK_ALIGN, from the tree's asm/processor.h).
 */
#include <linux/stddef.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

#define EMIT(name, value) asm volatile("\n.ascii \"->" #name " %0\"" : : "i"(value))
#define SLOT(NAME, field) EMIT(PT_##NAME, offsetof(struct pt_regs, field))
#define ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))

void pc_asm_offsets(void);

void pc_asm_offsets(void)
{
	SLOT(EPC, epc); SLOT(RA, ra); SLOT(SP, sp); SLOT(GP, gp); SLOT(TP, tp);
	SLOT(T0, t0); SLOT(T1, t1); SLOT(T2, t2); SLOT(T3, t3); SLOT(T4, t4); SLOT(T5, t5);
	SLOT(T6, t6);
	SLOT(S0, s0); SLOT(FP, s0); SLOT(S1, s1); SLOT(S2, s2); SLOT(S3, s3); SLOT(S4, s4);
	SLOT(S5, s5); SLOT(S6, s6); SLOT(S7, s7); SLOT(S8, s8); SLOT(S9, s9); SLOT(S10, s10);
	SLOT(S11, s11);
	SLOT(A0, a0); SLOT(A1, a1); SLOT(A2, a2); SLOT(A3, a3); SLOT(A4, a4); SLOT(A5, a5);
	SLOT(A6, a6); SLOT(A7, a7);
	SLOT(STATUS, status); SLOT(BADADDR, badaddr); SLOT(CAUSE, cause);
	SLOT(ORIG_A0, orig_a0);
	EMIT(PT_SIZE, sizeof(struct pt_regs));
	EMIT(PT_SIZE_ON_STACK, ROUND_UP(sizeof(struct pt_regs), STACK_ALIGN));
}
