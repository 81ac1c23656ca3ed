/*
 * vectors.S - the arm guest's exception vector table (global symbol "vectors") and its IRQ
 * entry, A32 code in both arm images (in the Thumb-2 image, code of the other instruction set
 * that the machine decodes by its $a mapping symbols).
 *
 * Exception model (the machine's): an IRQ taken before the instruction at pc enters IRQ mode
 * with LR_irq and SPSR_irq holding the return state (ARMv7 Arm ARM B1.8.10), and the vector
 * stub's first two instructions, `srsdb sp!, #0x13` and `cps #0x13`, store that state on the
 * SVC stack and go back to SVC mode, the kernel's. The machine performs the exception and
 * those two in one step (Unicorn writes CPSR without switching register banks, so IRQ mode's
 * banked LR and SPSR cannot be held): [S - 8] = pc, [S - 4] = CPSR, SP = S - 8, CPSR.I and
 * CPSR.A set, CPSR.T clear (SCTLR.TE = 0: exceptions are taken in the ARM state), pc =
 * vectors + 0x18. The interrupted code's LR, the register IRQ mode's banking exists to keep,
 * is left as it was. `rfeia sp!` returns: pc and CPSR from the stack, SP = S.
 */
	.syntax unified
	.text
	.arm
	.p2align 5
	.globl	vectors
	.type	vectors, %function
vectors:
	b	vector_unexpected	/* 0x00 reset */
	b	vector_unexpected	/* 0x04 undefined instruction */
	b	vector_unexpected	/* 0x08 supervisor call */
	b	vector_unexpected	/* 0x0c prefetch abort */
	b	vector_unexpected	/* 0x10 data abort */
	b	vector_unexpected	/* 0x14 not used */
	b	irq_entry		/* 0x18 IRQ */
	b	vector_unexpected	/* 0x1c FIQ */
	.size	vectors, . - vectors

	.type	vector_unexpected, %function
vector_unexpected:
	b	vector_unexpected
	.size	vector_unexpected, . - vector_unexpected

/*
 * irq_entry - in SVC mode with the return state {pc, CPSR} at [sp].
 *   Saves: r0-r3, r12, lr (the AAPCS caller-saved registers and the interrupted LR), then
 *        aligns SP to 8 for C (the adjustment kept on the stack).
 *   Calls: pc_handle_irq(r0 = the saved registers) (models/common/irq.c), an AAPCS function,
 *        which preserves r4-r11.
 *   Out: every register as at the interrupt; `rfeia sp!` restores pc and CPSR (the Thumb bit
 *        and the interrupt mask of the interrupted code).
 */
	.type	irq_entry, %function
irq_entry:
	push	{r0-r3, r12, lr}
	mov	r0, sp
	and	r1, sp, #7
	sub	sp, sp, r1
	push	{r1, r2}
	bl	pc_handle_irq
	pop	{r1, r2}
	add	sp, sp, r1
	pop	{r0-r3, r12, lr}
	rfeia	sp!
	.size	irq_entry, . - irq_entry
