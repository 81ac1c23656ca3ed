/*
 * adversary.S - arm tracer callbacks that use every freedom AAPCS gives a callee, so a
 * trampoline that leans on a polite callback fails. Assembled for A32 and for T32.
 *
 * A C callback may change r0-r3, ip (r12), lr and the CPSR flags (AAPCS, core registers:
 * r0-r3 argument/scratch, r12 intra-procedure-call scratch; the flags are not preserved
 * across a call). r4-r11 and sp are the callee's to preserve.
 */
#include "pt_regs.h"

#include "asm.h"

/* \reg = 0xc10b00NN (NN = the register number): a value no trampoline saved. */
.macro	clobber reg, n
	movw	\reg, #\n
	movt	\reg, #0xc10b
.endm

	.text

/* Return to ip with r0-r3 and lr = 0xc10b00NN and N, Z, C, V set. */
.macro	clobber_and_return
	clobber	r0, 0
	clobber	r1, 1
	clobber	r2, 2
	clobber	r3, 3
	clobber	lr, 14
	mov	r0, #0xf0000000
	msr	APSR_nzcvq, r0
	clobber	r0, 0
	bx	ip
.endm

/*
 * clobber_all(ip, parent_ip, op, regs) - records like record_regs (which counts the call and,
 * when regs is not NULL, records the frame), then returns with r0-r3 and lr = 0xc10b00NN
 * (NN = the register number), N, Z, C, V set, and ip = the return address.
 *   In:  r0-r3 the callback arguments; lr the return address; sp 8-byte aligned.
 *   Out: r4-r11 and sp preserved; everything else clobbered.
 *   Stack: 8 bytes while record_regs runs.
 */
ENTRY clobber_all
	push	{r4, lr}
	bl	record_regs
	pop	{r4, ip}
	clobber_and_return
END clobber_all

/*
 * clobber_all_regs(ip, parent_ip, op, regs) - for the trampolines that pass a pt_regs: records
 * like record_regs, then writes the fields no arm trampoline reads back (ARM_sp, ARM_cpsr,
 * ARM_ORIG_r0: Linux 6.1's __ftrace_regs_caller reloads r0-r12, lr and pc only, as the
 * bundled ftrace_regs_caller does), then clobbers and returns as clobber_all. regs = NULL
 * writes nothing.
 *   In/out: as clobber_all. Stack: 8 bytes while record_regs runs.
 */
ENTRY clobber_all_regs
	push	{r4, lr}
	mov	r4, r3
	bl	record_regs
	cmp	r4, #0
	beq	1f
	clobber	ip, 0x53
	str	ip, [r4, #S_SP]
	clobber	ip, 0x54
	str	ip, [r4, #S_PSR]
	clobber	ip, 0x55
	str	ip, [r4, #S_OLD_R0]
1:	pop	{r4, ip}
	clobber_and_return
END clobber_all_regs

/*
 * pc_graph_return_tramp - where a traced function whose return address graph_return replaced
 * returns to: takes the replaced address back from the hart's shadow stack (pc_graph_pop) and
 * returns there (interworking), as the function-graph tracer's return handler does.
 *   In:  r0-r3 the function's results; sp as at the call.
 *   Out: r0-r11 and sp unchanged; lr = the replaced return address; ip as pc_graph_pop
 *        leaves it.
 *   Stack: 16 bytes while pc_graph_pop runs.
 */
ENTRY pc_graph_return_tramp
	push	{r0-r3}
	mrc	p15, 0, r0, c13, c0, 3		/* the hart id (TPIDRURO) */
	bl	pc_graph_pop
	mov	lr, r0
	pop	{r0-r3}
	bx	lr
END pc_graph_return_tramp
