/*
 * patch_arm64.S - the arm64 guest patcher's only code write.
 */
#include "patch_errno.h"

	.text
	.p2align 2

/*
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  x0 = addr, the word to write (must be 4-byte aligned; not checked against text here)
 *        w1 = the new instruction word
 *   Out: x0 = 0, or -EINVAL (nothing written) if addr is misaligned.
 *   Clobbers: x0 and NZCV only. Uses no stack.
 *   Order: one aligned 32-bit STR (at the global label patch_store32), then maintenance of
 *   that word for instruction fetch, local to this hart (no IPI, no other hart waits):
 *     DC CVAU, addr   clean the data cache line to the point of unification
 *     DSB ISH         the clean completes
 *     IC IVAU, addr   invalidate the instruction cache line
 *     DSB ISH         the invalidation completes
 *     ISB             this hart's own fetch sees the new word
 *   Other harts see the new word when their own fetch picks it up (until their next context
 *   synchronisation they may still run the old one).
 */
	.globl	patch_text_nosync
	.type	patch_text_nosync, %function
patch_text_nosync:
	tst	x0, #3
	b.ne	1f
	.globl	patch_store32
patch_store32:
	str	w1, [x0]
	dc	cvau, x0
	dsb	ish
	ic	ivau, x0
	dsb	ish
	isb
	mov	x0, #0
	ret
1:	mov	x0, #-EINVAL
	ret
	.size	patch_text_nosync, . - patch_text_nosync
