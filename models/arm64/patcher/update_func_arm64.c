/*
 * update_func_arm64.c - choosing the tracer callback of a trampoline that calls it directly, as
 * a Linux tree's arm64 entry-ftrace.S does: its call site, the global label ftrace_call (a BL),
 * becomes BL func. The kernel's ftrace_update_ftrace_func writes it without validating the old
 * instruction (arch/arm64/kernel/ftrace.c), and so does this one.
 *
 * The bundled trampolines call through the pointer ftrace_trace_function instead
 * (pc_set_callback); in their images ftrace_call does not exist and this returns -ENOENT.
 */
#include "patch_arch.h"
#include "patcher.h"

extern char ftrace_call[] __attribute__((weak));

int ftrace_update_ftrace_func(unsigned long func);

int ftrace_update_ftrace_func(unsigned long func)
{
	unsigned long pc = (unsigned long)ftrace_call;
	patch_insn_t insn;
	int err;

	if (!pc)
		return -ENOENT;
	err = arch_ftrace_encode_call(pc, func, &insn);
	return err ? err : patch_text_checked(pc, 0, insn, 0);
}
