/*
 * guest.h - what the arm64 guest's C files and the host's scenarios share by name: the traced
 * functions, the trampolines, the tracer globals and the callbacks.
 *
 * Freestanding: no libc. Every symbol declared here exists in the "ftrace" image.
 */
#ifndef PATCHCHECK_ARM64_GUEST_H
#define PATCHCHECK_ARM64_GUEST_H

#include "pt_regs.h"

/* Function attributes: a traced function gets a patch site (and sits in .text.traced, right
 * after the trampolines), notrace code never does. */
#define traced  __attribute__((noinline, used, section(".text.traced")))
#define notrace __attribute__((noinline, used, patchable_function_entry(0, 0)))

/* A tracer callback, called by a trampoline with the site's ip (the BL at func+4), the traced
 * function's return address, the function_trace_op value and the saved register frame. */
typedef void (*ftrace_func_t)(unsigned long ip, unsigned long parent_ip, void *op,
			      struct pt_regs *regs);

struct ftrace_ops {
	ftrace_func_t func;
	unsigned long flags;
};

/* ---- tracer state read by the trampolines (callbacks.c) ---- */
extern ftrace_func_t ftrace_trace_function; /* called by every trampoline; ftrace_stub at reset */
extern struct ftrace_ops ftrace_global_ops;
extern struct ftrace_ops *function_trace_op; /* passed in x2; &ftrace_global_ops */
extern unsigned long pc_redirect_target;     /* redirect_pc: new pc, 0 = leave pc alone */

/* ---- callbacks (callbacks.c, never traced) ---- */
void ftrace_stub(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_kprobe(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void pc_set_callback(void *fn);
void pc_set_redirect(unsigned long target);
long pc_isb(void);

/* ---- trampolines (ftrace_entry.S); entered only by the BL at func+4 ---- */
void ftrace_caller(void);
void ftrace_regs_caller(void);
void ftrace_caller_bad_lr(void);
void ftrace_caller_clobber_x2(void);
void ftrace_regs_caller_keep_pc(void);

/* ---- traced functions and their notrace companions ---- */
#include "common/traced.h"

#endif
