/*
 * patch_arm.S - the arm guest patcher's only code write, for A32 and T32 images.
 */
#include "patch_errno.h"

	.syntax unified
#ifdef __thumb__
	.thumb
#else
	.arm
#endif
	.text
	.p2align 2

/*
 * int patch_text_nosync(unsigned long addr, patch_insn_t insn)
 *   In:  r0 = addr, the instruction to write (A32: 4-byte aligned; T32: 2-byte aligned)
 *        r1 = the new instruction, in memory order (T32: first halfword in bits 0-15)
 *   Out: r0 = 0, or -EINVAL (nothing written) if addr is misaligned.
 *   Clobbers: r0-r3 and the flags only. Uses no stack.
 *   Stores, as an arm kernel's __patch_text writes an instruction:
 *     A32, or a 32-bit T32 instruction at 0 mod 4: one 32-bit STR (global label
 *       patch_store32);
 *     a 32-bit T32 instruction at 2 mod 4: two 16-bit STRH, the first halfword then the
 *       second (labels patch_store16_first, patch_store16_second); another hart can fetch
 *       between them and see half of each instruction;
 *     a 16-bit T32 instruction: one STRH.
 *   Then maintenance of the written bytes for instruction fetch, local to this hart (the
 *   lines of addr and of addr + 2, which differ when the instruction straddles a line):
 *     DCCMVAU   clean the data cache line to the point of unification
 *     DSB ISH   the clean completes
 *     ICIMVAU   invalidate the instruction cache line
 *     BPIALL    invalidate the branch predictor
 *     DSB ISH   the invalidations complete
 *     ISB       this hart's own fetch sees the new instruction
 *   Other harts see it when their own fetch picks it up (under stop-machine: when they resume).
 */
	.globl	patch_text_nosync
	.type	patch_text_nosync, %function
#ifdef __thumb__
	.thumb_func
patch_text_nosync:
	tst	r0, #1
	bne	3f
	uxth	r2, r1
	cmp	r2, #0xe800
	blo	2f			/* a 16-bit instruction */
	tst	r0, #2
	bne	1f
	.globl	patch_store32
patch_store32:
	str	r1, [r0]
	b	4f
1:
	.globl	patch_store16_first
patch_store16_first:
	strh	r1, [r0]
	lsrs	r2, r1, #16
	.globl	patch_store16_second
patch_store16_second:
	strh	r2, [r0, #2]
	b	4f
2:	strh	r1, [r0]
#else
patch_text_nosync:
	tst	r0, #3
	bne	3f
	.globl	patch_store32
patch_store32:
	str	r1, [r0]
#endif
4:	add	r3, r0, #2
	mcr	p15, 0, r0, c7, c11, 1		/* DCCMVAU addr */
	mcr	p15, 0, r3, c7, c11, 1		/* DCCMVAU addr + 2 */
	dsb	ish
	mcr	p15, 0, r0, c7, c5, 1		/* ICIMVAU addr */
	mcr	p15, 0, r3, c7, c5, 1		/* ICIMVAU addr + 2 */
	mcr	p15, 0, r0, c7, c5, 6		/* BPIALL */
	dsb	ish
	isb
	mov	r0, #0
	bx	lr
3:	mvn	r0, #(EINVAL - 1)
	bx	lr
	.size	patch_text_nosync, . - patch_text_nosync
