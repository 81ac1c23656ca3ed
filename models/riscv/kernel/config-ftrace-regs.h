/*
 * config-ftrace-regs.h - the riscv64 configuration whose trampolines patchcheck builds from a
 * Linux tree: dynamic ftrace with pt_regs (DYNAMIC_FTRACE_WITH_REGS: ftrace_caller with its
 * argument-register frame, ftrace_regs_caller with a pt_regs), the function-graph tracer with
 * frame pointers (its FP test passes s0), RVC; no CFI.
 */
#define CONFIG_RISCV 1
#define CONFIG_64BIT 1
#define CONFIG_ARCH_RV64I 1
#define CONFIG_RISCV_ISA_C 1
#define CONFIG_FUNCTION_TRACER 1
#define CONFIG_DYNAMIC_FTRACE 1
#define CONFIG_DYNAMIC_FTRACE_WITH_REGS 1
#define CONFIG_FUNCTION_GRAPH_TRACER 1
#define CONFIG_FRAME_POINTER 1
