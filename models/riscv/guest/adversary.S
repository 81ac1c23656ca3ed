/*
 * adversary.S - riscv64 tracer callbacks that use every freedom the psABI gives a callee, so
 * a trampoline that leans on a polite callback fails.
 *
 * A C callback may change ra, t0-t6 and a0-a7 (RISC-V psABI, integer calling convention:
 * all caller-saved); s0-s11 and sp are the callee's to preserve, gp and tp are fixed for the
 * whole program and never written.
 */
#include "pt_regs.h"

/* \reg = 0xc10b0000000000NN (NN = the register number): a value no trampoline saved. */
.macro	clobber reg, n
	li	\reg, 0xc10b000000000000 + \n
.endm

/* Overwrite a0-a7, t0-t5 and ra, and return through t6. */
.macro	clobber_and_return
	clobber	a0, 10
	clobber	a1, 11
	clobber	a2, 12
	clobber	a3, 13
	clobber	a4, 14
	clobber	a5, 15
	clobber	a6, 16
	clobber	a7, 17
	clobber	t0, 5
	clobber	t1, 6
	clobber	t2, 7
	clobber	t3, 28
	clobber	t4, 29
	clobber	t5, 30
	mv	t6, ra
	clobber	ra, 1
	jr	t6
.endm

	.text
	.p2align 2

/*
 * clobber_all(ip, parent_ip, op, regs) - records like record_ip (never reads the frame, which
 * need not be a pt_regs), then returns with a0-a7, t0-t5 and ra = 0xc10b00000000NN
 * (NN = the register number) and t6 = the return address.
 *   In:  a0-a3 the callback arguments; ra the return address; sp 16-byte aligned.
 *   Out: s0-s11, sp, gp, tp preserved; everything else clobbered.
 *   Stack: 16 bytes while record_ip runs.
 */
	.globl	clobber_all
	.type	clobber_all, @function
clobber_all:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	record_ip
	ld	ra, 8(sp)
	addi	sp, sp, 16
	clobber_and_return
	.size	clobber_all, . - clobber_all

/*
 * clobber_all_regs(ip, parent_ip, op, regs) - for the trampolines that pass a pt_regs: writes
 * the fields no riscv trampoline reads back (status, badaddr, cause, orig_a0: Linux 6.1's
 * RESTORE_ALL reloads epc and x1-x31 only, the bundled trampolines fewer), records like
 * record_regs, then clobbers and returns as clobber_all.
 *   In/out: as clobber_all. Stack: 16 bytes while record_regs runs.
 */
	.globl	clobber_all_regs
	.type	clobber_all_regs, @function
clobber_all_regs:
	clobber	t0, 0x40
	sd	t0, PT_STATUS(a3)
	clobber	t0, 0x41
	sd	t0, PT_BADADDR(a3)
	clobber	t0, 0x42
	sd	t0, PT_CAUSE(a3)
	clobber	t0, 0x43
	sd	t0, PT_ORIG_A0(a3)
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	record_regs
	ld	ra, 8(sp)
	addi	sp, sp, 16
	clobber_and_return
	.size	clobber_all_regs, . - clobber_all_regs

/*
 * pc_graph_return_tramp - where a traced function whose return address graph_return replaced
 * returns to: takes the replaced address back from the hart's shadow stack (pc_graph_pop) and
 * returns there, as the function-graph tracer's return handler does.
 *   In:  a0, a1 the function's results; sp as at the call.
 *   Out: a0, a1, s0-s11 and sp unchanged; ra = the replaced return address; the other
 *        caller-saved registers as pc_graph_pop leaves them.
 *   Stack: 16 bytes while pc_graph_pop runs.
 */
	.globl	pc_graph_return_tramp
	.type	pc_graph_return_tramp, @function
pc_graph_return_tramp:
	addi	sp, sp, -16
	sd	a0, 0(sp)
	sd	a1, 8(sp)
	mv	a0, tp
	call	pc_graph_pop
	mv	ra, a0
	ld	a0, 0(sp)
	ld	a1, 8(sp)
	addi	sp, sp, 16
	ret
	.size	pc_graph_return_tramp, . - pc_graph_return_tramp
