/*
 * config-ftrace-regs.h - the arm64 configuration whose trampolines patchcheck builds from a
 * Linux tree: dynamic ftrace with pt_regs (DYNAMIC_FTRACE_WITH_REGS: mov x9, x30 / bl at
 * function entry) and the function-graph tracer; no CFI, no shadow call stack.
 */
#define CONFIG_ARM64 1
#define CONFIG_64BIT 1
#define CONFIG_FUNCTION_TRACER 1
#define CONFIG_DYNAMIC_FTRACE 1
#define CONFIG_DYNAMIC_FTRACE_WITH_REGS 1
#define CONFIG_FUNCTION_GRAPH_TRACER 1
#define CONFIG_KPROBES 1
