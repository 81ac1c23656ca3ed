/*
 * thumb_line_cross.S - a traced Thumb-2 function whose 32-bit call word spans two 64-byte
 * cache lines: its `push {lr}` is at 60 mod 64, the `bl __gnu_mcount_nc` at 62 mod 64.
 *
 * long traced_line_cross(long a, long b)
 *   In: r0 = a, r1 = b. Out: r0 = a + b. Clobbers: flags. The site follows the -pg call
 *   sequence (push {lr}; bl __gnu_mcount_nc), which __gnu_mcount_nc returns from with the
 *   push undone.
 */
	.syntax	unified
	.thumb
	.text
	.balign	64
	.rept	30
	nop				/* 2 bytes each: the function starts at 60 mod 64 */
	.endr
	.globl	traced_line_cross
	.type	traced_line_cross, %function
	.thumb_func
traced_line_cross:
	push	{lr}
	bl	__gnu_mcount_nc
	adds	r0, r0, r1
	bx	lr
	.size	traced_line_cross, . - traced_line_cross
