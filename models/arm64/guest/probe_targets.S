/*
 * probe_targets.S - small functions for breakpoint kprobes (the arm64 kprobes single-stepping
 * review: David Long, Catalin Marinas, Marc Zyngier, LKML, Jul 2016), written in assembly so
 * that each probed instruction sits at a fixed, documented offset whatever the compiler does.
 * None has a patch site. Each begins by loading probe_data (a word scenarios may watch, which
 * makes that load a schedule point right before the probed instruction) and folds it into the
 * result, so a wrong register or a wrong address changes the returned value.
 *
 *   function          probed at   instruction there
 *   probe_alu         +8          add  x0, x0, x0, lsl #1      plain ALU: stepped out of line
 *   probe_load        +8          ldr  x2, [x1, #lo12(probe_data + 8)]  load: stepped out of line
 *   probe_adr         +8          adr  x2, <label>             PC-relative: must be simulated
 *   probe_ldr_lit     +8          ldr  x2, <literal>           PC-relative: must be simulated
 *   probe_bcond       +12         b.lt <label>                 PC-relative: must be simulated
 *   probe_cbz         +8          cbz  x0, <label>             PC-relative: must be simulated
 *   kret_target       +0          stp  x29, x30, [sp, #-48]!   store: stepped out of line (the
 *                                                              entry probe of a kretprobe)
 */

	.data
	.p2align 6
	.globl	probe_data
	.type	probe_data, %object
probe_data:
	.quad	0x100                   /* probe_data: read at +4 of every target */
	.quad	0x7000                  /* probe_data + 8: read by probe_load's probed load */
	.size	probe_data, . - probe_data

	.text
	.p2align 2

/* long probe_alu(long a) = 3a + 7 + probe_data */
	.globl	probe_alu
	.type	probe_alu, %function
probe_alu:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	add	x0, x0, x0, lsl #1
	add	x0, x0, #7
	add	x0, x0, x3
	ret
	.size	probe_alu, . - probe_alu

/* long probe_load(long a) = a + 2 * probe_data[1] + probe_data[0] */
	.globl	probe_load
	.type	probe_load, %function
probe_load:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	ldr	x2, [x1, :lo12:probe_data + 8]
	add	x0, x0, x2, lsl #1
	add	x0, x0, x3
	ret
	.size	probe_load, . - probe_load

/* long probe_adr(long a) = a + probe_data + (address adr computed - address of 1f) = a + probe_data */
	.globl	probe_adr
	.type	probe_adr, %function
probe_adr:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	adr	x2, 1f
	adrp	x4, 1f
	add	x4, x4, :lo12:1f
	sub	x2, x2, x4
	add	x0, x0, x2
1:	add	x0, x0, x3
	ret
	.size	probe_adr, . - probe_adr

/* long probe_ldr_lit(long a) = a + 0x5eed0000 + probe_data */
	.globl	probe_ldr_lit
	.type	probe_ldr_lit, %function
probe_ldr_lit:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	ldr	x2, 2f
	add	x0, x0, x2
	add	x0, x0, x3
	ret
	.p2align 3
2:	.quad	0x5eed0000
	.size	probe_ldr_lit, . - probe_ldr_lit

/* long probe_bcond(long a) = (a < 10 ? a - 100 : a + 100) + probe_data */
	.globl	probe_bcond
	.type	probe_bcond, %function
probe_bcond:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	cmp	x0, #10
	b.lt	1f
	add	x0, x0, #100
	add	x0, x0, x3
	ret
1:	sub	x0, x0, #100
	add	x0, x0, x3
	ret
	.size	probe_bcond, . - probe_bcond

/* long probe_cbz(long a) = (a == 0 ? 0x55 : 2a) + probe_data */
	.globl	probe_cbz
	.type	probe_cbz, %function
probe_cbz:
	adrp	x1, probe_data
	ldr	x3, [x1, :lo12:probe_data]
	cbz	x0, 1f
	add	x0, x0, x0
	add	x0, x0, x3
	ret
1:	mov	x0, #0x55
	add	x0, x0, x3
	ret
	.size	probe_cbz, . - probe_cbz

/*
 * long kret_target(long a) = probe_alu(a) + 17a + 256 * probe_data = 20a + 7 + 257 * probe_data
 * A function for return probes: a frame record, and x19-x21 live across a call, restored in
 * the epilogue, so what reaches the caller through a return trampoline is what the function
 * restored. The value depends on a, so a return into the wrong call is seen in the result.
 */
	.globl	kret_target
	.type	kret_target, %function
kret_target:
	stp	x29, x30, [sp, #-48]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	str	x21, [sp, #32]
	mov	x19, x0
	adrp	x20, probe_data
	ldr	x20, [x20, :lo12:probe_data]
	lsl	x21, x0, #4
	bl	probe_alu
	add	x0, x0, x19
	add	x0, x0, x21
	add	x0, x0, x20, lsl #8
	ldr	x21, [sp, #32]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #48
	ret
	.size	kret_target, . - kret_target

/*
 * jp_tail12, jp_tail30 - where the jprobe handlers of jprobe_handlers.c end: their sibling call
 * lands here, after rewriting the stack arguments, and goes on to jprobe_return (never
 * returns). In assembly so the compiler cannot see that they do not return.
 */
	.globl	jp_tail12
	.type	jp_tail12, %function
jp_tail12:
	b	jprobe_return
	.size	jp_tail12, . - jp_tail12

	.globl	jp_tail30
	.type	jp_tail30, %function
jp_tail30:
	b	jprobe_return
	.size	jp_tail30, . - jp_tail30
