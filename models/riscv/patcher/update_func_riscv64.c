/*
 * update_func_riscv64.c - choosing the tracer callback of trampolines that call it directly, as
 * a Linux tree's riscv mcount-dyn.S does: its two call sites, the global labels ftrace_call (in
 * ftrace_caller) and ftrace_regs_call (in ftrace_regs_caller), each an 8-byte
 * `auipc ra / jalr ra` pair, become a call of func, ftrace_call first. The kernel's
 * ftrace_update_ftrace_func (arch/riscv/kernel/ftrace.c) writes them without validating the
 * old instructions, and so does this one.
 *
 * The kernel writes each pair with one 8-byte patch_text_nosync while every other CPU is held
 * in stop_machine (ftrace_modify_all_code runs under ftrace_run_stop_machine), so no CPU can be
 * inside a pair while it changes; here each pair is two aligned 32-bit stores. The two differ
 * only for a hart that runs the trampoline meanwhile, which the kernel rules out: scenarios call
 * this in setup, on one hart.
 *
 * The bundled trampolines call through the pointer ftrace_trace_function instead
 * (pc_set_callback); in their images the labels do not exist and this returns -ENOENT.
 */
#include "patch_arch.h"
#include "patcher.h"

extern char ftrace_call[] __attribute__((weak));
extern char ftrace_regs_call[] __attribute__((weak));

int ftrace_update_ftrace_func(unsigned long func);

/* The call pair at site becomes auipc ra / jalr ra to func. */
static int write_call_ra(unsigned long site, unsigned long func)
{
	patch_insn_t auipc, jalr;
	int err = rv_call_pair(site, func, RV_RA, &auipc, &jalr);

	if (!err)
		err = patch_text_checked(site, 0, auipc, 0);
	if (!err)
		err = patch_text_checked(site + 4, 0, jalr, 0);
	return err;
}

int ftrace_update_ftrace_func(unsigned long func)
{
	unsigned long call = (unsigned long)ftrace_call;
	unsigned long regs_call = (unsigned long)ftrace_regs_call;
	int err;

	if (!call || !regs_call)
		return -ENOENT;
	err = write_call_ra(call, func);
	return err ? err : write_call_ra(regs_call, func);
}
