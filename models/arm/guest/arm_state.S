/*
 * arm_state.S - A32 (ARM-state) code, assembled with .arm into both arm images: in the Thumb-2
 * image (ftrace_thumb) it is the code of the other instruction set that interworking branches
 * must enter in the ARM state. Its symbols have bit 0 clear; the image's mapping symbols ($a)
 * tell the machine that the bytes are A32.
 *
 * patched_add3_arm(a, b, c) = a + 2b + 3c + 1000, patched_add3's result, for a redirect whose
 *   target is ARM code (scenarios arm/thumb-redirect-to-arm-*).
 *   In:  r0-r2 = a, b, c; lr = the return address (bit 0 set: a Thumb caller).
 *   Out: r0 = the result; r4 and sp as at entry (r4 is used, saved on the stack: 8 bytes, so
 *        SP stays 8-byte aligned); returns with `pop {r4, pc}`, which interworks on ARMv7.
 *   Clobbers: r1-r3, ip, the flags.
 */
	.syntax unified
	.text
	.arm
	.p2align 2
	.globl	patched_add3_arm
	.type	patched_add3_arm, %function
patched_add3_arm:
	push	{r4, lr}
	add	r4, r0, r1, lsl #1		/* a + 2b */
	add	r2, r2, r2, lsl #1		/* 3c */
	add	r0, r4, r2
	add	r0, r0, #1000
	pop	{r4, pc}
	.size	patched_add3_arm, . - patched_add3_arm
