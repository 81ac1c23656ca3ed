/*
 * glue.c - what a Linux tree's riscv trampolines call that the kernel's C code would provide,
 * for an image that runs them (built with the image's flags beside the tree's files). The
 * callback, function_trace_op and the ftrace_ops come from the image's runtime (callbacks.c);
 * ftrace_stub and return_to_handler come from the tree's own mcount.S.
 *
 * ftrace_return_to_handler(frame_pointer): return_to_handler (mcount.S) asks it for the return
 * address a function-graph tracer replaced. No scenario enables the graph call sites
 * (ftrace_graph_call, ftrace_graph_regs_call stay `call ftrace_stub`), so nothing reaches it;
 * it returns 0, and a pass that did reach it would fault at 0 and be reported as a guest fault.
 */
unsigned long ftrace_return_to_handler(unsigned long frame_pointer);

unsigned long ftrace_return_to_handler(unsigned long frame_pointer)
{
	(void)frame_pointer;
	return 0;
}

/*
 * Return probes (kretprobes) through the tree's __kretprobe_trampoline
 * (arch/riscv/kernel/probes/kprobes_trampoline.S), armed as Linux 6.1 arms one on riscv, where
 * a probe on a function's address rides on its ftrace site (KPROBES_ON_FTRACE,
 * arch/riscv/kernel/probes/ftrace.c) with a pt_regs (ftrace_regs_caller):
 *   kretprobe_ftrace_entry  the ftrace callback (kprobe_ftrace_handler, pre_handler_kretprobe
 *                           and arch_prepare_kretprobe of arch/riscv/kernel/probes/kprobes.c):
 *                           keeps regs->ra in an instance of this hart and writes
 *                           &__kretprobe_trampoline there; ftrace_regs_caller's RESTORE_ALL
 *                           reloads ra from the pt_regs. Install it with
 *                           ftrace_update_ftrace_func(kretprobe_ftrace_entry).
 *   trampoline_probe_handler(regs)
 *                           called by the trampoline after the function returned into it:
 *                           takes this hart's newest instance, sets regs->epc to its return
 *                           address (before the handlers, as kernel/kprobes.c does), compares
 *                           s0-s11 in regs with the entry and regs->sp with the entry SP,
 *                           records regs->a0, and returns the return address (the trampoline
 *                           puts it in ra and returns there).
 * riscv passes no frame pointer (ri->fp is NULL in 6.1), so none is compared. The entry SP is
 * regs->sp + PT_SIZE_ON_STACK at ftrace_regs_caller, whose 6.1 SAVE_ALL stores sp after
 * reserving its frame, and PT_SP of the return trampoline's frame is the SP after the return.
 * The fields read here are the uapi user_regs_struct head of pt_regs (pc, ra, sp, ..., t6),
 * the same in every tree and in the bundled pt_regs.h. A scenario reads kretprobe_hits(),
 * kretprobe_seen_a0() and kretprobe_mismatches() of its own hart.
 */
#include "guest_abi.h"
#include "pt_regs.h"

#define KRETPROBE_DEPTH 4                     /* nested probed calls per hart */
#define FTRACE_REGS_FRAME 288                 /* 6.1 PT_SIZE_ON_STACK */

/* The tree's trampoline; weak, so an image without it (0) still links, and arms no probe. Its
 * address is kept in data (an absolute relocation), not formed PC-relative in code. */
extern char __kretprobe_trampoline[] __attribute__((weak));
static void *volatile kretprobe_trampoline_addr = __kretprobe_trampoline;

struct kretprobe_instance {
	unsigned long long ret_addr, sp;
	unsigned long long s[12]; /* s0-s11 at entry */
};

struct kretprobe_hart {
	unsigned long depth;
	struct kretprobe_instance ri[KRETPROBE_DEPTH];
	long hits, missed, mismatches;
	unsigned long long seen_a0;
};

static struct kretprobe_hart kretprobe_harts[PC_MAX_HARTS];

static struct kretprobe_hart *this_kretprobe_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mv %0, tp" : "=r"(id));
	return &kretprobe_harts[id < PC_MAX_HARTS ? id : 0];
}

static void saved_regs(const struct pt_regs *regs, unsigned long long s[12])
{
	s[0] = regs->s0;
	s[1] = regs->s1;
	s[2] = regs->s2;
	s[3] = regs->s3;
	s[4] = regs->s4;
	s[5] = regs->s5;
	s[6] = regs->s6;
	s[7] = regs->s7;
	s[8] = regs->s8;
	s[9] = regs->s9;
	s[10] = regs->s10;
	s[11] = regs->s11;
}

void kretprobe_ftrace_entry(unsigned long ip, unsigned long parent_ip, void *op,
			    struct pt_regs *regs);
void *trampoline_probe_handler(struct pt_regs *regs);
long kretprobe_hits(void);
long kretprobe_mismatches(void);
unsigned long kretprobe_seen_a0(void);

void kretprobe_ftrace_entry(unsigned long ip, unsigned long parent_ip, void *op,
			    struct pt_regs *regs)
{
	struct kretprobe_hart *k = this_kretprobe_hart();
	struct kretprobe_instance *ri;
	void *tramp = kretprobe_trampoline_addr;

	(void)ip;
	(void)parent_ip;
	(void)op;
	if (!tramp || k->depth == KRETPROBE_DEPTH) { /* no trampoline, no free instance */
		k->missed++;
		return;
	}
	ri = &k->ri[k->depth++];
	ri->ret_addr = regs->ra;
	ri->sp = regs->sp + FTRACE_REGS_FRAME;
	saved_regs(regs, ri->s);
	regs->ra = (unsigned long long)(unsigned long)tramp;
}

void *trampoline_probe_handler(struct pt_regs *regs)
{
	struct kretprobe_hart *k = this_kretprobe_hart();
	struct kretprobe_instance *ri;
	unsigned long long s[12];
	int bad = 0;

	if (k->depth == 0) /* the kernel's BUG(): returning 0 faults, a guest fault */
		return 0;
	ri = &k->ri[--k->depth];
	regs->epc = ri->ret_addr;
	bad |= regs->sp != ri->sp;
	saved_regs(regs, s);
	for (unsigned i = 0; i < 12; i++)
		bad |= s[i] != ri->s[i];
	k->mismatches += bad;
	k->seen_a0 = regs->a0;
	k->hits++;
	return (void *)(unsigned long)ri->ret_addr;
}

long kretprobe_hits(void)
{
	return this_kretprobe_hart()->hits;
}

long kretprobe_mismatches(void)
{
	return this_kretprobe_hart()->mismatches;
}

unsigned long kretprobe_seen_a0(void)
{
	return this_kretprobe_hart()->seen_a0;
}
