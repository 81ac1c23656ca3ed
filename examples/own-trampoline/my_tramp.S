/*
 * my_tramp.S - a trampoline of one's own for the arm64 ftrace site (mov x9, x30; bl <tramp>),
 * counting the calls of every traced function through my_count() (my_count.c).
 *
 * my_tramp
 *   In:  x0-x8 the traced function's arguments, x9 its parent LR, x30 func+8, sp its entry SP.
 *   Calls: my_count(x0 = ip = x30 - 4).
 *   Out: x0-x8 and x29 restored, x30 = the parent LR, continues at func+8 (ret x9); x10-x18
 *        untouched by this code and preserved by my_count (AAPCS64 lets a callee clobber them:
 *        a C callee that does is a bug this example does not have), sp = the entry SP.
 *   Stack: 96 bytes below the entry SP, 16-byte aligned, with a frame record at sp + 80.
 *
 * my_tramp_swapped: the same with one slip, x0 and x1 reloaded from the slots of x2 and x3.
 */
	.text

.macro	save_args
	sub	sp, sp, #96
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x29, x30, [sp, #80]
	add	x29, sp, #80
	sub	x0, x30, #4
	bl	my_count
.endm

.macro	leave
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldr	x8, [sp, #64]
	ldr	x30, [sp, #72]		/* the parent LR, saved from x9 */
	ldr	x9, [sp, #88]		/* func+8, saved from x30 */
	ldr	x29, [sp, #80]
	add	sp, sp, #96
	ret	x9
.endm

	.globl	my_tramp
	.type	my_tramp, %function
	.balign	4
my_tramp:
	save_args
	ldp	x0, x1, [sp, #0]
	leave
	.size	my_tramp, . - my_tramp

	.globl	my_tramp_swapped
	.type	my_tramp_swapped, %function
	.balign	4
my_tramp_swapped:
	save_args
	ldp	x0, x1, [sp, #16]	/* the slip: x2 and x3's slots */
	leave
	.size	my_tramp_swapped, . - my_tramp_swapped
