/*
 * update_func_arm.c - choosing the tracer callback of trampolines that call it directly, as a
 * Linux tree's arm entry-ftrace.S does: its call sites, the global labels ftrace_call (in
 * ftrace_caller) and ftrace_regs_call (in ftrace_regs_caller, DYNAMIC_FTRACE_WITH_REGS), are
 * each a BL, and both become BL func. The kernel's arm ftrace_update_ftrace_func writes them
 * without validating the old instruction (arch/arm/kernel/ftrace.c), ftrace_call first, and so
 * does this one. In a Thumb-2 build the labels are only halfword aligned; patch_text_nosync
 * writes a BL at 2 mod 4 as two halfword stores, as it does at a function's site.
 *
 * The bundled trampolines call through the pointer ftrace_trace_function instead
 * (pc_set_callback); in their images ftrace_call does not exist and this returns -ENOENT. A
 * tree built without regs has no ftrace_regs_call, and only ftrace_call is written.
 */
#include "patch_arch.h"
#include "patcher.h"

extern char ftrace_call[] __attribute__((weak));
extern char ftrace_regs_call[] __attribute__((weak));

int ftrace_update_ftrace_func(unsigned long func);

/* BL func at the call site pc, the old instruction not checked. */
static int write_call(unsigned long pc, unsigned long func)
{
	patch_insn_t insn;
	int err = arch_ftrace_encode_call(pc, func, &insn);

	return err ? err : patch_text_checked(pc, 0, insn, 0);
}

int ftrace_update_ftrace_func(unsigned long func)
{
	unsigned long call = (unsigned long)ftrace_call, regs_call = (unsigned long)ftrace_regs_call;
	int err;

	if (!call)
		return -ENOENT;
	err = write_call(call, func);
	if (!err && regs_call)
		err = write_call(regs_call, func);
	return err;
}
