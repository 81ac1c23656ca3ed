/*
 * far_tramp.S - a second entry to the image's ftrace_caller, placed so that a call to it from a
 * traced function needs another auipc upper part (hi20) and another jalr low part (lo12) than a
 * call to ftrace_caller: the fixture for retargeting a site across a 4 KiB line.
 *
 * The section starts on a 4 KiB boundary after all other code (guest.ld puts .far.text last),
 * and the entry sits 0x400 into it. ftrace_caller is the first code of the image, the traced
 * functions right after it, so from any traced function the two targets are more than 4 KiB
 * and not a multiple of 4 KiB apart:
 *   - with the 8-byte t0 detour (ftrace8) retargeting a site from ftrace_caller to
 *     ftrace_caller_far rewrites both words of `auipc t0 / jalr t0`;
 *   - with CALL_OPS (ftrace_ops) the fixed auipc reaches ftrace_caller +- 2 KiB only, so
 *     ftrace_caller_far is out of the jalr's reach (-ERANGE).
 *
 * ftrace_caller_far - the image's ftrace_caller, entered from farther away.
 *   In/out: exactly ftrace_caller's contract (t0 = the return into the body, ra = the parent,
 *   a0-a7 the arguments): `j` changes no register, so ftrace_caller sees the same state.
 */
	.section .far.text, "ax", @progbits
	.p2align 12
	.fill	0x100, 4, 0			/* 0x400 bytes of c.unimp pairs: never executed */
	.globl	ftrace_caller_far
	.type	ftrace_caller_far, @function
ftrace_caller_far:
	j	ftrace_caller
	.size	ftrace_caller_far, . - ftrace_caller_far
