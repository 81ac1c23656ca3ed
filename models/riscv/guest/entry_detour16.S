/*
 * entry_detour16.S - riscv64 ftrace trampolines for the 16-byte detour (the ftrace16 image).
 *
 * The patch site (-fpatchable-function-entry=8 with RVC: 8 c.nops, made 4 NOPs by
 * ftrace_init_nop; enabled and disabled as a whole):
 *
 *     func+0:  sd    ra, -8(sp)          the parent's return address, just below SP
 *     func+4:  auipc ra, hi(tramp - (func+4))
 *     func+8:  jalr  ra, lo(ra)          ra = func+12
 *     func+12: ld    ra, -8(sp)          ra = the parent again
 *     func+16: <body>
 *
 * Common contract of the trampolines here:
 *
 *   In:  a0-a7   the traced function's arguments, live
 *        ra      func+12, the site's last word (so ip = ra - 12 = func)
 *        sp      the traced function's entry SP, 16-byte aligned; [sp - 8] = the parent's return
 *                address (stored by the site); stack arguments at [sp, ...)
 *        t0-t6, s0-s11, gp, tp  the caller's values
 *   Calls:  *ftrace_trace_function(a0 = ip = func, a1 = parent_ip, a2 = function_trace_op,
 *                                  a3 = &pt_regs), with regs->epc = func+16 (the body),
 *                                  regs->ra = the parent, regs->sp = the entry SP
 *   Out: a0-a7, t2-t6 (and s0-s11, gp, tp for ftrace_regs_caller) as the frame holds them (a
 *        callback's change takes effect); [entry sp - 8] = regs->ra; sp = the entry SP;
 *        t0 and t1 clobbered. Then either
 *          regs->epc unchanged: ra = func+12 and control goes there, so the site's own
 *            `ld ra, -8(sp)` reloads the parent (possibly changed by a callback) and falls into
 *            the body;
 *          regs->epc changed (IPMODIFY): ra = regs->ra and control goes to regs->epc.
 *
 *   Stack while the callback runs (sp_t = entry SP - FTRACE_FRAME_SIZE = entry SP - 320):
 *
 *     sp_t + 320               entry SP: the traced function's stack arguments start here
 *     sp_t + 312  (S_PARENT_SLOT)  the parent's return address, where the site put it
 *     sp_t + 304               unused (the 16-byte call-site area's lower word)
 *     sp_t + 296               unused
 *     sp_t + 288  (S_SITE_RET) func+12
 *     sp_t + 0 .. 287          struct pt_regs (pt_regs.h), passed in a3
 *
 * Nothing at or above the entry SP is written, so stack-passed arguments survive; the word
 * below it is written back with the (possibly changed) parent, as the site expects.
 */
#include "pt_regs.h"
#include "tramp.h"

/*
 * Fill the frame: the registers as they are, then the three that this site carries elsewhere
 * (the body as epc, the parent as ra, the entry SP as sp) and the way back into the site.
 * Clobbers t0 and t1 after saving them.
 */
.macro	detour16_save allregs
	addi	sp, sp, -FTRACE_FRAME_SIZE
	save_regs \allregs
	sd	ra, S_SITE_RET(sp)
	addi	t0, ra, 4
	sd	t0, PT_EPC(sp)
	ld	t0, S_PARENT_SLOT(sp)
	sd	t0, PT_RA(sp)
	save_entry_sp
.endm

/* Leave as the contract says: back into the site, or to a changed epc. */
.macro	detour16_return
	ld	t1, PT_RA(sp)
	sd	t1, S_PARENT_SLOT(sp)
	ld	t0, PT_EPC(sp)
	ld	ra, S_SITE_RET(sp)
	addi	t1, ra, 4
	beq	t0, t1, 1f
	ld	ra, PT_RA(sp)
	j	2f
1:	mv	t0, ra
2:	addi	sp, sp, FTRACE_FRAME_SIZE
	jr	t0
.endm

	.section .text.ftrace, "ax", @progbits
	.p2align 2

/*
 * ftrace_caller - the default trampoline.
 *   In/out: the common contract above. Saves ra, gp, tp, t0-t6, s0 and a0-a7 (0 in the s1-s11
 *   slots), restores a0-a7 and t2-t6; s0-s11, gp and tp survive the C call.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_caller
	.type	ftrace_caller, @function
ftrace_caller:
	detour16_save 0
	ld	t0, S_SITE_RET(sp)
	call_trace_function t0, -12
	restore_regs 0
	detour16_return
	.size	ftrace_caller, . - ftrace_caller

/*
 * ftrace_regs_caller - the trampoline for users that need every register (livepatch,
 * kprobes): a separate call target, so a modify_call between the two is a real rewrite.
 *   In/out: the common contract above. Saves x1, x3-x31 and restores all of them except ra,
 *   t0 and t1, so a callback may change any of a0-a7, s0-s11, t2-t6, gp, tp.
 *   Stack: FTRACE_FRAME_SIZE (320) bytes below the entry SP while it runs, none after.
 */
	.globl	ftrace_regs_caller
	.type	ftrace_regs_caller, @function
ftrace_regs_caller:
	detour16_save 1
	ld	t0, S_SITE_RET(sp)
	call_trace_function t0, -12
	restore_regs 1
	detour16_return
	.size	ftrace_regs_caller, . - ftrace_regs_caller
