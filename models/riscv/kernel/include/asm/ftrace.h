/*
 * asm/ftrace.h (patchcheck's kernel compatibility layer, riscv64) - what the ftrace assembly
 * asks of it: the name clang (13 and later) gives the -pg hook (_mcount), the size of one
 * auipc + jalr call (8 bytes), that the trampolines pass the ftrace_ops (ARCH_SUPPORTS_FTRACE_OPS),
 * and HAVE_FUNCTION_GRAPH_FP_TEST when the graph tracer can check the frame pointer (it needs
 * CONFIG_FRAME_POINTER).
 */
#ifndef PC_KCOMPAT_RISCV_FTRACE_H
#define PC_KCOMPAT_RISCV_FTRACE_H

#if defined(CONFIG_FUNCTION_GRAPH_TRACER) && defined(CONFIG_FRAME_POINTER)
#define HAVE_FUNCTION_GRAPH_FP_TEST
#endif
#define HAVE_FUNCTION_GRAPH_RET_ADDR_PTR
#define ARCH_SUPPORTS_FTRACE_OPS 1
#define MCOUNT_NAME _mcount
#define MCOUNT_INSN_SIZE 8

#endif
