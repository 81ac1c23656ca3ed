/*
 * call_ops_misaligned.S - a traced function of the ftrace_ops image (CALL_OPS) whose entry is
 * NOT 8-byte aligned: the fixture for code that must cope with a function the kernel cannot
 * trace with CALL_OPS.
 *
 * The compiler's -fpatchable-function-entry=4,2 -falign-functions=8 puts every C traced
 * function at 0 mod 8, so its two pre-function pads (the 64-bit ops literal) sit at func-8,
 * 8-byte aligned, and one 64-bit store writes the literal atomically. This function is laid
 * out by hand the same way (two pads before it, two at its entry, an 8-byte record in
 * __patchable_function_entries pointing at the first pad), but at 4 mod 8, as a function
 * compiled without FUNCTION_ALIGNMENT_8B (or an assembly function that forgot it) would be.
 * Its literal would straddle two 8-byte granules; no single-copy-atomic store can write it.
 * The kernel's ftrace_call_adjust() warns "Misaligned patch-site" and gives the record no
 * address, so the function is not traceable; the guest patcher refuses it with -EINVAL
 * (ftrace_ops_init_nop, ftrace_ops_make_call, ftrace_ops_register) and the arch model finds no
 * site in it, so the pads stay NOPs and no trampoline can ever load its literal.
 *
 *   traced_add3_misaligned_pad  the first pre-function pad (func-8), at 4 mod 8
 *   traced_add3_misaligned      long (long a, long b, long c): a + 2b + 3c, like traced_add3
 *     In: x0-x2; Out: x0; clobbers nothing else; no stack.
 *
 * It is the image's last object, so its text follows all other code and the addresses of the
 * image's other functions do not move.
 */
	.section .text.misaligned, "ax", %progbits
	.p2align 3
	nop					/* to 4 mod 8 */
	.globl	traced_add3_misaligned_pad
traced_add3_misaligned_pad:
	nop					/* func-8: literal, low half */
	nop					/* func-4: literal, high half */
	.globl	traced_add3_misaligned
	.type	traced_add3_misaligned, %function
traced_add3_misaligned:
	nop					/* func+0: mov x9, x30 slot */
	nop					/* func+4: BL slot */
	add	x0, x0, x1, lsl #1
	add	x2, x2, x2, lsl #1
	add	x0, x0, x2
	ret
	.size	traced_add3_misaligned, . - traced_add3_misaligned

	.section __patchable_function_entries, "aw", %progbits
	.p2align 3
	.quad	traced_add3_misaligned_pad
