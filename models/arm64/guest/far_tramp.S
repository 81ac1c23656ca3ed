/*
 * far_tramp.S - code of the arm64 "ftrace" image linked 256 MiB above its text, out of BL's
 * +-128 MiB from every patch site: the fixture for calling a trampoline through a PLT, as a
 * module far from the kernel calls ftrace_caller.
 *
 * guest.ld links .far.text at 0x10100000 and loads it right after the image (an ELF segment
 * whose address is not its load address); the machine maps those pages a second time, read
 * and execute only, at 0x10100000 (emu/emu_internal.h), so there is no RAM for the gap.
 * A site reaches this code only through a PLT entry (ftrace_plt_arm64.c: adrp x16 / add x16 /
 * br x16).
 *
 * ftrace_caller_far - a far entry to the image's ftrace_caller.
 *   In:  as ftrace_caller: x0-x8 the arguments, x9 = the parent LR (mov x9, x30 at func+0),
 *        x30 = func+8, SP the traced function's.
 *   Out: loads ftrace_caller's address from its literal into x16 and branches there, so
 *        ftrace_caller runs with every register as the site left it except x16, which the
 *        AAPCS64 gives to veneers (IP0) and the arm64 contract lets differ at body entry.
 *   Stack: none.
 */
	.section .far.text, "ax", %progbits
	.p2align 3
	.globl	ftrace_caller_far
	.type	ftrace_caller_far, %function
ftrace_caller_far:
	ldr	x16, 1f
	br	x16
	.p2align 3
1:	.quad	ftrace_caller
	.size	ftrace_caller_far, . - ftrace_caller_far
