/*
 * flawed_patch_no_ic.S - a flawed patch_text_nosync that invalidates no instruction cache; it takes the place of the bundled one (a
 * scenario's source wins over the image's weak definition).
 *
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  x0 = addr (4-byte aligned), w1 = the new instruction word.
 *   Out: x0 = 0, or -22 (-EINVAL, nothing written) if addr is misaligned.
 *   Clobbers: x0 and NZCV only. Uses no stack.
 *   Order: one aligned 32-bit STR, then DC CVAU; DSB ISH; ISB: the line is
 *   clean to the point of unification, but an instruction cache that holds it keeps the old
 *   word, for this hart and every other.
 */
	.text
	.p2align 2
	.globl	patch_text_nosync
	.type	patch_text_nosync, %function
patch_text_nosync:
	tst	x0, #3
	b.ne	1f
	str	w1, [x0]
	dc	cvau, x0
	dsb	ish
	isb
	mov	x0, #0
	ret
1:	mov	x0, #-22
	ret
	.size	patch_text_nosync, . - patch_text_nosync
