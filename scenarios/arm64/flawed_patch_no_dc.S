/*
 * flawed_patch_no_dc.S - a flawed patch_text_nosync that does not clean the data cache; it takes the place of the bundled one (a
 * scenario's source wins over the image's weak definition).
 *
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  x0 = addr (4-byte aligned), w1 = the new instruction word.
 *   Out: x0 = 0, or -22 (-EINVAL, nothing written) if addr is misaligned.
 *   Clobbers: x0 and NZCV only. Uses no stack.
 *   Order: one aligned 32-bit STR, then DSB ISH; IC IVAU; DSB ISH; ISB: the
 *   invalidation completes, but the new word may not have reached the point of unification,
 *   so an instruction cache refilled from there may get the old word again.
 */
	.text
	.p2align 2
	.globl	patch_text_nosync
	.type	patch_text_nosync, %function
patch_text_nosync:
	tst	x0, #3
	b.ne	1f
	str	w1, [x0]
	dsb	ish
	ic	ivau, x0
	dsb	ish
	isb
	mov	x0, #0
	ret
1:	mov	x0, #-22
	ret
	.size	patch_text_nosync, . - patch_text_nosync
