/*
 * vectors.S - the arm64 guest's EL1 vector table (global symbol "vectors": the machine sets
 * VBAR_EL1 to it) and its two exception entries, which save a struct pt_regs, call C and
 * return with ERET.
 *
 * Exception model (the machine's, like hardware at EL1 with SP_EL1): an exception leaves
 * ELR_EL1 = where the interrupted code goes on (a BRK's own address; for an interrupt, the
 * instruction it was taken before), SPSR_EL1 = PSTATE, PSTATE.DAIF all set, and continues at
 * vectors + 0x200 (synchronous: BRK, with ESR_EL1 = (0x3c << 26) | imm16; the machine delivers
 * BRK to the guest only in an image that defines do_el1_sync) or vectors + 0x280 (IRQ, or a
 * pseudo-NMI, which Linux also takes through the IRQ vector) on the same stack. "eret"
 * resumes at ELR_EL1 with PSTATE = SPSR_EL1.
 *
 * pc_exception_code .. pc_exception_code_end bracket the entries' own code, which runs with
 * PSTATE.I as the exception set it. The C they call runs as Linux's GICv3 driver has it once
 * an ordinary interrupt is acknowledged, ordinary interrupts masked by priority and PSTATE.I
 * clear, so a pseudo-NMI may come inside it (explorer/interrupt.c).
 */
#include "pt_regs.h"

	.text
	.weak	do_el1_sync

/*
 * vectors - 16 entries of 0x80 bytes, 2 KiB aligned. Only "current EL with SP_ELx" synchronous
 * (0x200) and IRQ (0x280) are expected; every other entry parks the hart in el1_unexpected (a
 * loop the step budget reports).
 */
	.p2align 11
	.globl	vectors
	.type	vectors, %function
	.globl	pc_exception_code
pc_exception_code:	/* from here to pc_exception_code_end: code run with PSTATE.I set */
vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.p2align 7
	.if \n == 4
	b	el1_sync_entry
	.elseif \n == 5
	b	el1_irq_entry
	.else
	b	el1_unexpected
	.endif
	.endr
	.p2align 7
	.size	vectors, . - vectors

	.type	el1_unexpected, %function
el1_unexpected:
	b	el1_unexpected
	.size	el1_unexpected, . - el1_unexpected

/*
 * el1_entry_save - the common part of both entries: a full struct pt_regs at S - PT_REGS_SIZE,
 * where S is the interrupted code's SP (16-aligned): regs[0..30] = x0..x30, sp = S,
 * pc = ELR_EL1, pstate = SPSR_EL1, orig_x0 = x0, stackframe = {x29, ELR_EL1} with x29 pointing
 * at it (so a backtrace passes through the interrupted code). Leaves x0 = &regs.
 * el1_exit_restore - x0-x30 = regs[0..30], ELR_EL1 = regs->pc, SPSR_EL1 = regs->pstate,
 * SP = S (regs->sp is not reloaded: a handler cannot move the stack), then ERET. Nothing at or
 * above S is written.
 */
.macro	el1_entry_save
	sub	sp, sp, #PT_REGS_SIZE
	pt_regs_save_x0_to_x27
	stp	x28, x29, [sp, #S_X(28)]
	add	x1, sp, #PT_REGS_SIZE		/* S */
	stp	x30, x1, [sp, #S_LR]		/* regs[30], sp */
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #S_PC]		/* pc, pstate */
	stp	x0, xzr, [sp, #S_ORIG_X0]
	stp	x29, x1, [sp, #S_STACKFRAME]
	add	x29, sp, #S_STACKFRAME
	mov	x0, sp
.endm

.macro	el1_exit_restore
	ldp	x1, x2, [sp, #S_PC]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	pt_regs_load_x0_to_x27
	ldp	x28, x29, [sp, #S_X(28)]
	ldr	x30, [sp, #S_LR]
	add	sp, sp, #PT_REGS_SIZE
	eret
.endm

/*
 * el1_sync_entry - synchronous exception at EL1 (SP_EL1).
 *   In:  every register as at the exception; ESR_EL1 = the syndrome.
 *   Calls: do_el1_sync(x0 = &regs, x1 = ESR_EL1), an AAPCS64 function that may change any of
 *        regs[0..30], pc and pstate.
 *   Out: as el1_exit_restore.
 */
	.type	el1_sync_entry, %function
el1_sync_entry:
	el1_entry_save
	mrs	x1, esr_el1
	bl	do_el1_sync
	el1_exit_restore
	.size	el1_sync_entry, . - el1_sync_entry

/*
 * el1_irq_entry - an interrupt at EL1 (SP_EL1): an IRQ, or a pseudo-NMI.
 *   In:  every register as at the interrupted instruction boundary.
 *   Calls: pc_handle_irq(x0 = &regs) (models/common/irq.c), an AAPCS64 function.
 *   Out: as el1_exit_restore: the interrupted code goes on with every register as it was.
 */
	.type	el1_irq_entry, %function
el1_irq_entry:
	el1_entry_save
	bl	pc_handle_irq
	el1_exit_restore
	.size	el1_irq_entry, . - el1_irq_entry
	.globl	pc_exception_code_end
pc_exception_code_end:
