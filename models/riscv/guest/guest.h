/*
 * guest.h - what the riscv64 guest's C files and the host's scenarios share by name: the traced
 * functions, the trampolines, the tracer globals and the callbacks.
 *
 * Freestanding: no libc. Every symbol declared here exists in each riscv64 image (ftrace16,
 * ftrace8, ftrace_ops); only the trampolines differ from image to image.
 */
#ifndef PATCHCHECK_RISCV64_GUEST_H
#define PATCHCHECK_RISCV64_GUEST_H

#include "pt_regs.h"

/* Function attributes: a traced function gets a patch site (and sits in .text.traced, right
 * after the trampolines), notrace code never does. */
#define traced  __attribute__((noinline, used, section(".text.traced")))
#define notrace __attribute__((noinline, used, patchable_function_entry(0, 0)))

/* A tracer callback, called by a trampoline with the site's ip, the traced function's return
 * address, the ftrace_ops it was called for and the saved register frame. */
typedef void (*ftrace_func_t)(unsigned long ip, unsigned long parent_ip, void *op,
			      struct pt_regs *regs);

/* Offsets as in pt_regs.h (OPS_FUNC, OPS_FLAGS, OPS_DIRECT_CALL). */
struct ftrace_ops {
	ftrace_func_t func;
	unsigned long flags;
	unsigned long direct_call; /* CALL_OPS: a direct trampoline ftrace_caller jumps to at once */
};

#define PC_MAX_OPS 4

/* ---- tracer state read by the trampolines and the patcher (callbacks.c) ---- */
extern ftrace_func_t ftrace_trace_function; /* called by the detour trampolines */
extern struct ftrace_ops ftrace_global_ops;  /* func = the callback pc_set_callback chose */
extern struct ftrace_ops ftrace_nop_ops;     /* func = ftrace_stub: CALL_OPS literal when off */
extern struct ftrace_ops pc_direct_ops;      /* direct_call = pc_direct_target (CALL_OPS) */
extern struct ftrace_ops *function_trace_op; /* passed in a2 by the detour trampolines */
extern struct ftrace_ops *pc_site_ops;       /* what ftrace_make_call puts in a CALL_OPS literal */
extern unsigned long pc_redirect_target;     /* redirect_pc: new pc, 0 = leave pc alone */
extern unsigned long pc_direct_target;       /* call_direct_funcs*: the direct trampoline */
extern unsigned long pc_direct_calls[];      /* per hart: my_direct_func invocations */
extern unsigned long pc_direct_requests[];   /* per hart: direct calls call_direct_funcs* set */

/* ---- callbacks (callbacks.c, never traced) ---- */
void ftrace_stub(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_ip(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void call_direct_funcs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void call_direct_funcs_t0(unsigned long ip, unsigned long parent_ip, void *op,
			  struct pt_regs *regs);
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, void *op,
			  struct pt_regs *regs);
int pc_set_callback(void *fn);
int pc_ops_add(void *fn);
int pc_set_redirect(unsigned long target);
int pc_set_direct(unsigned long tramp);
int pc_set_site_ops(struct ftrace_ops *ops);
void my_direct_func(unsigned long ip);
void guest_ecall(void);
void guest_ebreak(void);
void guest_c_ebreak(void);
unsigned long guest_fence_i(unsigned long x);

/* ---- trampolines (entry_*.S, direct.S); entered only from a patch site ---- */
void ftrace_caller(void);
void ftrace_regs_caller(void);
void my_direct_tramp(void);

/* ---- traced functions and their notrace companions ---- */
#include "common/traced.h"

#endif
