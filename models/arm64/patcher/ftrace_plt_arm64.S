/*
 * ftrace_plt_arm64.S - the ftrace PLT entries of the arm64 "ftrace" image: the slots the
 * patcher fills (ftrace_plt_arm64.c) so that a patch site can call a trampoline beyond BL's
 * +-128 MiB, the way an arm64 module reaches the kernel's ftrace trampoline through the PLT in
 * its .text.ftrace_trampoline section.
 *
 * ftrace_plts: FTRACE_NR_PLTS entries of 16 bytes, each filled as
 *     adrp x16, <target page> ; add x16, x16, #<target & 0xfff> ; br x16 ; (udf #0)
 * Before they are filled the words are 0 (udf #0): a call through an empty entry faults.
 * In the text (the patcher writes them with its text write), after all other code (guest.ld
 * places .ftrace_plt last), so they are within BL range of every traced function.
 */
	.section .ftrace_plt, "ax", %progbits
	.p2align 4
	.globl	ftrace_plts
	.type	ftrace_plts, %object
ftrace_plts:
	.fill	2 * 4, 4, 0
	.size	ftrace_plts, . - ftrace_plts
