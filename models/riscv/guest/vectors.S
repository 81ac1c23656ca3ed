/*
 * vectors.S - the riscv64 guest's supervisor trap entry for interrupts (global symbol
 * "vectors": the machine sets stvec to it, direct mode).
 *
 * Trap model (the machine's, like a hart taking a supervisor interrupt, RISC-V privileged
 * spec 4.1.1, 4.1.7-4.1.9): sepc = the instruction the interrupt came before, scause =
 * interrupt bit | 9 (supervisor external interrupt), sstatus.SPIE = SIE, SIE = 0, SPP = S,
 * pc = stvec, on the same stack. "sret" resumes at sepc in S-mode with SIE = SPIE. Taking the
 * trap synchronises no instruction fetch (only FENCE.I does).
 */
#include "pt_regs.h"

	.text
	.p2align 2

/*
 * vectors - interrupt entry: a struct pt_regs at S - PT_SIZE (S: the interrupted SP, 16-byte
 * aligned), slot n = xn for n = 1..31 with sp = S, epc = sepc, status = sstatus, cause =
 * scause, orig_a0 = a0; calls pc_handle_irq(a0 = &regs) (models/common/irq.c), an LP64
 * function; then sepc = regs->epc, sstatus = regs->status, x1..x31 as saved (sp = S), sret.
 * Nothing at or above S is written.
 */
	.globl	vectors
	.type	vectors, %function
vectors:
	addi	sp, sp, -PT_SIZE
	sd	ra, PT_X(1)(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, PT_X(\n)(sp)
	.endr
	addi	t0, sp, PT_SIZE
	sd	t0, PT_SP(sp)
	csrr	t0, sepc
	sd	t0, PT_EPC(sp)
	csrr	t0, sstatus
	sd	t0, PT_STATUS(sp)
	csrr	t0, scause
	sd	t0, PT_CAUSE(sp)
	sd	zero, PT_BADADDR(sp)
	sd	a0, PT_ORIG_A0(sp)
	mv	a0, sp
	call	pc_handle_irq
	ld	t0, PT_EPC(sp)
	csrw	sepc, t0
	ld	t0, PT_STATUS(sp)
	csrw	sstatus, t0
	ld	ra, PT_X(1)(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, PT_X(\n)(sp)
	.endr
	addi	sp, sp, PT_SIZE
	sret
	.size	vectors, . - vectors
