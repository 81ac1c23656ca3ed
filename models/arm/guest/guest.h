/*
 * guest.h - what the arm guest's C files and the host's scenarios share by name: the traced
 * functions, the trampolines, the tracer globals and the callbacks.
 *
 * Freestanding: no libc. Every symbol declared here exists in both arm images, "ftrace_arm"
 * (all A32) and "ftrace_thumb" (all T32); in the Thumb image function symbols have bit 0 set,
 * and a function pointer passed around (a callback, a redirect target) keeps it.
 */
#ifndef PATCHCHECK_ARM_GUEST_H
#define PATCHCHECK_ARM_GUEST_H

#include "pt_regs.h"

/* Function attributes: a traced function gets a patch site (traced.c is compiled with -pg
 * -meabi gnu) and sits in .text.traced, word-aligned so that where its site falls mod 4 depends
 * only on its own prologue; notrace code in the same file gets none. */
#define traced  __attribute__((noinline, used, aligned(4), section(".text.traced")))
#define notrace __attribute__((noinline, used, no_instrument_function))

/* A tracer callback, called by a trampoline with the site's ip (the BL after push {lr}), the
 * traced function's return address, the function_trace_op value and the saved register frame
 * (NULL from ftrace_caller, which saves none). */
typedef void (*ftrace_func_t)(unsigned long ip, unsigned long parent_ip, void *op,
			      struct pt_regs *regs);

struct ftrace_ops {
	ftrace_func_t func;
	unsigned long flags;
};

/* ---- tracer state read by the trampolines (callbacks.c) ---- */
extern ftrace_func_t ftrace_trace_function; /* called by every trampoline; ftrace_stub at reset */
extern struct ftrace_ops ftrace_global_ops;
extern struct ftrace_ops *function_trace_op; /* passed in r2; &ftrace_global_ops */
extern unsigned long pc_redirect_target;     /* redirect_pc: new pc, 0 = leave pc alone */
extern unsigned long long pc_calls[];        /* callbacks run per hart (any callback here) */

/* ---- callbacks (callbacks.c, never traced) ---- */
void ftrace_stub(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void record_ip(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs);
void redirect_pc_arm_state(unsigned long ip, unsigned long parent_ip, void *op,
			   struct pt_regs *regs);
int pc_set_callback(void *fn);
void pc_set_redirect(unsigned long target);

/* ---- the mcount entry and the trampolines (ftrace_entry.S) ---- */
void __gnu_mcount_nc(void);
void ftrace_caller(void);
void ftrace_regs_caller(void);
void ftrace_regs_caller_posted(void);
void ftrace_regs_caller_review_misaligned(void);
void ftrace_regs_caller_review_aligned(void);
void ftrace_regs_caller_ip_as_pc(void);

/* ---- traced functions and their notrace companions ---- */
#include "common/traced.h"

#endif
