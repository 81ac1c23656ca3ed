/*
 * patch_riscv64.S - the riscv64 guest patcher's code writes.
 */
#include "patch_errno.h"

	.text
	.p2align 2

/*
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  a0 = addr, the word to write (must be 4-byte aligned; not checked against text here)
 *        a1 = the new instruction word (low 32 bits)
 *   Out: a0 = 0, or -EINVAL (nothing written) if addr is misaligned.
 *   Clobbers: a0 and t0 only. Uses no stack.
 *   Order: one aligned 32-bit store (at the global label patch_store32), then FENCE.I: this
 *   hart's own instruction fetch sees the new word. Local only: another hart sees it when its
 *   own fetch picks it up (until its next FENCE.I it may still run the old word); nothing here
 *   asks the other harts to synchronise.
 */
	.globl	patch_text_nosync
	.type	patch_text_nosync, @function
patch_text_nosync:
	andi	t0, a0, 3
	bnez	t0, 1f
	.globl	patch_store32
patch_store32:
	sw	a1, 0(a0)
	fence.i
	li	a0, 0
	ret
1:	li	a0, -EINVAL
	ret
	.size	patch_text_nosync, . - patch_text_nosync

/*
 * int patch_literal_nosync(unsigned long addr, unsigned long long value)
 *   In:  a0 = addr of an 8-byte ops literal before a function (must be 8-byte aligned)
 *        a1 = the new value (a struct ftrace_ops pointer)
 *   Out: a0 = 0, or -EINVAL (nothing written) if addr is misaligned.
 *   Clobbers: a0 and t0 only. Uses no stack.
 *   Order: one aligned 64-bit store (at patch_store64), single-copy atomic, so a trampoline's
 *   load sees the old or the new pointer; then FENCE RW,RW, ordering it before the code write
 *   that follows. The literal is data, read by ld, never fetched: no FENCE.I.
 */
	.globl	patch_literal_nosync
	.type	patch_literal_nosync, @function
patch_literal_nosync:
	andi	t0, a0, 7
	bnez	t0, 1f
	.globl	patch_store64
patch_store64:
	sd	a1, 0(a0)
	fence	rw, rw
	li	a0, 0
	ret
1:	li	a0, -EINVAL
	ret
	.size	patch_literal_nosync, . - patch_literal_nosync
