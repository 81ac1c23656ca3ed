/*
 * kprobe_entry.S - the exception side of the arm64 guest's breakpoint kprobes that is not the
 * vector table (vectors.S, whose synchronous entry calls kprobes.c's do_el1_sync): the
 * out-of-line slots and jprobe_return.
 */
#include "kprobes.h"
#include "pt_regs.h"

	.text

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
