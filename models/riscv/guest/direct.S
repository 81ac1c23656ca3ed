/*
 * direct.S - a direct-call trampoline (DYNAMIC_FTRACE_WITH_DIRECT_CALLS, as in the riscv
 * DYNAMIC_FTRACE_WITH_DIRECT_CALLS review: Song Shuai and Guo Ren, LKML, Nov 2022): custom code
 * a site reaches through ftrace_regs_caller's `jr t1` or the CALL_OPS `ops->direct_call`, in
 * the shape of the samples that thread discusses: save t0 and ra, call a C function, restore,
 * `jr t0`.
 *
 * my_direct_tramp
 *   In:  t0   where the traced function continues: its body (func+8), or where an IPMODIFY
 *             callback pointed the saved epc
 *        ra   the traced function's return address (its parent)
 *        sp   the traced function's entry SP, 16-byte aligned; a0-a7 its arguments
 *   Calls:  my_direct_func(a0 = t0)
 *   Out: every register as on entry except t1 (clobbered); control goes to t0 (`jr t0`). So if
 *        t0 is this trampoline's own address (the "regs->t0 = addr" design that thread
 *        rejected), it calls itself forever.
 *   Stack: 128 bytes below the entry SP while it runs (ra, t0, t2, a0-a7, t3-t6), none after.
 */
	.section .text.ftrace, "ax", @progbits
	.p2align 2

	.globl	my_direct_tramp
	.type	my_direct_tramp, @function
my_direct_tramp:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t2, 16(sp)
	sd	a0, 24(sp)
	sd	a1, 32(sp)
	sd	a2, 40(sp)
	sd	a3, 48(sp)
	sd	a4, 56(sp)
	sd	a5, 64(sp)
	sd	a6, 72(sp)
	sd	a7, 80(sp)
	sd	t3, 88(sp)
	sd	t4, 96(sp)
	sd	t5, 104(sp)
	sd	t6, 112(sp)
	mv	a0, t0
	call	my_direct_func
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t2, 16(sp)
	ld	a0, 24(sp)
	ld	a1, 32(sp)
	ld	a2, 40(sp)
	ld	a3, 48(sp)
	ld	a4, 56(sp)
	ld	a5, 64(sp)
	ld	a6, 72(sp)
	ld	a7, 80(sp)
	ld	t3, 88(sp)
	ld	t4, 96(sp)
	ld	t5, 104(sp)
	ld	t6, 112(sp)
	addi	sp, sp, 128
	jr	t0
	.size	my_direct_tramp, . - my_direct_tramp
