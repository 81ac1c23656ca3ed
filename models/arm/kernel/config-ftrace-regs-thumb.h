/*
 * config-ftrace-regs-thumb.h - the arm configuration whose trampolines patchcheck builds from a
 * Linux tree into the ftrace_thumb image: an ARMv7-A EABI kernel built as Thumb-2
 * (THUMB2_KERNEL), dynamic ftrace with pt_regs (DYNAMIC_FTRACE_WITH_REGS: ftrace_caller and
 * ftrace_regs_caller) and the function-graph tracer, unwound by the ARM (EHABI) unwinder, the
 * one a Thumb-2 kernel must use (the frame-pointer unwinder is A32 only).
 */
#define CONFIG_ARM 1
#define CONFIG_AEABI 1
#define CONFIG_MMU 1
#define CONFIG_CPU_32v7 1
#define __LINUX_ARM_ARCH__ 7
#define CONFIG_THUMB2_KERNEL 1
#define CONFIG_FUNCTION_TRACER 1
#define CONFIG_DYNAMIC_FTRACE 1
#define CONFIG_DYNAMIC_FTRACE_WITH_REGS 1
#define CONFIG_FUNCTION_GRAPH_TRACER 1
#define CONFIG_UNWINDER_ARM 1
#define CONFIG_ARM_UNWIND 1
