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
 *   Clobbers: a0, a1, a6, a7 and t0 only. Uses no stack.
 *   Order: one aligned 32-bit store (at the global label patch_store32), then FENCE.I: this
 *   hart's own instruction fetch sees the new word; then the SBI's remote fence.i for every
 *   hart (RFENCE extension, function 0, hart_mask_base = -1, at the global label
 *   patch_remote_fence_i), which returns once every hart has executed a FENCE.I: from then on
 *   no hart fetches the old word. Until then another hart may run either word. This is what
 *   Linux's flush_icache_all() does after a text patch.
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
	li	a7, 0x52464e43		/* SBI extension RFENCE */
	li	a6, 0			/* sbi_remote_fence_i */
	li	a0, 0			/* hart_mask (ignored) */
	li	a1, -1			/* hart_mask_base: every hart */
	.globl	patch_remote_fence_i
patch_remote_fence_i:
	ecall
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
