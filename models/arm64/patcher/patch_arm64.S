/*
 * patch_arm64.S - the arm64 guest patcher's writes into text: one instruction word
 * (patch_text_nosync), and the 8-byte ops literal of a CALL_OPS site (patch_write_u64, and its
 * flawed two-store variant patch_write_u64_split).
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

/*
 * int patch_write_u64(unsigned long addr, unsigned long long val)
 *   In:  x0 = addr (must be 8-byte aligned), x1 = the new 64-bit value
 *   Out: x0 = 0, or -EINVAL (nothing written) if addr is misaligned.
 *   Clobbers: x0 and NZCV only. Uses no stack.
 *   Order: one aligned 64-bit STR (at the global label patch_store64), single-copy atomic, so
 *   a reader's 64-bit load sees the old or the new value; then DMB ISH, so the store is
 *   ordered before any later write (such as the BL that starts reading it). No instruction
 *   cache maintenance: the literal is data, loaded by the trampoline, never executed.
 */
	.globl	patch_write_u64
	.type	patch_write_u64, %function
patch_write_u64:
	tst	x0, #7
	b.ne	1f
	.globl	patch_store64
patch_store64:
	str	x1, [x0]
	dmb	ish
	mov	x0, #0
	ret
1:	mov	x0, #-EINVAL
	ret
	.size	patch_write_u64, . - patch_write_u64

/*
 * int patch_write_u64_split(unsigned long addr, unsigned long long val) - FLAWED
 *   As patch_write_u64, but the value is stored as two 32-bit halves, low word first (labels
 *   patch_store64_lo, patch_store64_hi): between the two stores the literal holds the new low
 *   half and the old high half, a value that was never written as a whole.
 */
	.globl	patch_write_u64_split
	.type	patch_write_u64_split, %function
patch_write_u64_split:
	tst	x0, #7
	b.ne	1f
	.globl	patch_store64_lo
patch_store64_lo:
	str	w1, [x0]
	lsr	x1, x1, #32
	.globl	patch_store64_hi
patch_store64_hi:
	str	w1, [x0, #4]
	dmb	ish
	mov	x0, #0
	ret
1:	mov	x0, #-EINVAL
	ret
	.size	patch_write_u64_split, . - patch_write_u64_split
