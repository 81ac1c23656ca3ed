/*
 * flawed_patch_local_fence_i.S - a flawed patch_text_nosync that synchronises only its own
 * hart's instruction fetch; it takes the place of the bundled one (a scenario's source wins
 * over the image's weak definition).
 *
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  a0 = addr (4-byte aligned), a1 = the new instruction word (low 32 bits).
 *   Out: a0 = 0, or -22 (-EINVAL, nothing written) if addr is misaligned.
 *   Clobbers: a0 and t0 only. Uses no stack.
 *   Order: one aligned 32-bit store, then FENCE.I, and no remote fence.i: another hart may go
 *   on fetching the old word until it executes a FENCE.I of its own.
 */
	.text
	.p2align 2
	.globl	patch_text_nosync
	.type	patch_text_nosync, @function
patch_text_nosync:
	andi	t0, a0, 3
	bnez	t0, 1f
	sw	a1, 0(a0)
	fence.i
	li	a0, 0
	ret
1:	li	a0, -22
	ret
	.size	patch_text_nosync, . - patch_text_nosync
