/*
 * kprobe_entry.S - the exception side of the arm64 guest's breakpoint kprobes: the EL1 vector
 * table (global symbol "vectors", which makes the machine set VBAR_EL1 and deliver BRK as an
 * exception), the synchronous-exception entry and exit, the out-of-line slots, and
 * jprobe_return.
 *
 * Exception model (the machine's, like hardware at EL1 with SP_EL1): a BRK #imm leaves
 * ELR_EL1 = the BRK's address, SPSR_EL1 = PSTATE, ESR_EL1 = (0x3c << 26) | imm16, and continues
 * at vectors + 0x200 on the same stack. "eret" resumes at ELR_EL1 with PSTATE = SPSR_EL1.
 */
#include "kprobes.h"
#include "pt_regs.h"

	.text

/*
 * vectors - 16 entries of 0x80 bytes, 2 KiB aligned. Only "current EL with SP_ELx,
 * synchronous" (offset 0x200) is expected; every other entry parks the hart in
 * el1_unexpected (a loop the step budget reports).
 */
	.p2align 11
	.globl	vectors
	.type	vectors, %function
vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.p2align 7
	.if \n == 4
	b	el1_sync_entry
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
 * el1_sync_entry - synchronous exception at EL1 (SP_EL1): save a full struct pt_regs on the
 * current stack, call do_el1_sync(regs, esr), restore, eret.
 *   In:  every register as at the exception; ELR_EL1 = the faulting instruction, SPSR_EL1 =
 *        its PSTATE, ESR_EL1 = the syndrome. SP = S (the interrupted code's SP, 16-aligned).
 *   Frame (at S - PT_REGS_SIZE): regs[0..30] = x0..x30, sp = S, pc = ELR_EL1,
 *        pstate = SPSR_EL1, orig_x0 = x0, stackframe = {x29, ELR_EL1} with x29 pointing at it
 *        (so a backtrace passes through the interrupted code).
 *   Calls: do_el1_sync(x0 = &regs, x1 = ESR_EL1), an AAPCS64 function that may change any of
 *        regs[0..30], pc and pstate.
 *   Out: x0-x30 = regs[0..30], ELR_EL1 = regs->pc, SPSR_EL1 = regs->pstate, SP = S (regs->sp
 *        is not reloaded: the handler cannot move the stack); eret.
 *   Nothing at or above S is written.
 */
	.type	el1_sync_entry, %function
el1_sync_entry:
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
	mrs	x1, esr_el1
	bl	do_el1_sync

	ldp	x1, x2, [sp, #S_PC]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	pt_regs_load_x0_to_x27
	ldp	x28, x29, [sp, #S_X(28)]
	ldr	x30, [sp, #S_LR]
	add	sp, sp, #PT_REGS_SIZE
	eret
	.size	el1_sync_entry, . - el1_sync_entry

/*
 * jprobe_return - the last call of a jprobe handler: never returns.
 *   In:  any state; this hart's control block holds the SP the probed function had at the
 *        breakpoint (kprobe_ctlblks[hart].jprobe_saved_sp).
 *   Does: SP = that saved SP (the handler's own frames are abandoned), then BRK
 *        #JPROBE_BRK_IMM, whose handler restores the saved registers and stack bytes and goes
 *        on with the probed instruction.
 *   Clobbers: x0-x2 (the handler restores every register anyway).
 */
	.p2align 2
	.globl	jprobe_return
	.type	jprobe_return, %function
jprobe_return:
	mrs	x0, tpidr_el0
	adrp	x1, kprobe_ctlblks
	add	x1, x1, :lo12:kprobe_ctlblks
	mov	x2, #KCB_SIZE
	madd	x1, x0, x2, x1
	ldr	x0, [x1, #KCB_JPROBE_SP]
	mov	sp, x0
	brk	#JPROBE_BRK_IMM
1:	b	1b
	.size	jprobe_return, . - jprobe_return

/*
 * kprobe_insn_slots - KPROBE_MAX out-of-line slots of two words each, in text so the patcher
 * can write them: [the probed instruction, BRK #KPROBE_SS_BRK_IMM]. Unused words hold
 * BRK #KPROBE_SLOT_FILL, which the handler never expects.
 */
	.p2align 3
	.globl	kprobe_insn_slots
	.type	kprobe_insn_slots, %object
kprobe_insn_slots:
	.rept	KPROBE_MAX * 2
	brk	#KPROBE_SLOT_FILL
	.endr
	.size	kprobe_insn_slots, . - kprobe_insn_slots
