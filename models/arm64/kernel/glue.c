/*
 * glue.c - what a Linux tree's arm64 trampolines call that the kernel's C code would provide,
 * for an image that runs them (built with the image's flags beside the tree's files). The
 * callback, function_trace_op and ftrace_stub come from the image's runtime (callbacks.c) or
 * from the tree itself.
 *
 * ftrace_return_to_handler(frame_pointer): return_to_handler asks it for the return address a
 * function-graph tracer replaced. No bundled callback replaces one yet, so nothing reaches it;
 * it returns 0, and a pass that did reach it would fault at 0 and be reported as a guest fault.
 *
 * Return probes (kretprobes) through the tree's __kretprobe_trampoline
 * (arch/arm64/kernel/probes/kprobes_trampoline.S), with the kernel's protocol as Linux 6.1
 * runs it on arm64 (kernel/kprobes.c, arch/arm64/kernel/probes/kprobes.c):
 *   kretprobe_entry     the pre-handler of a breakpoint probe on func+0 (pre_handler_kretprobe
 *                       and arch_prepare_kretprobe): it keeps the return address regs[30] and
 *                       the frame pointer regs[29] in an instance of this hart, and writes
 *                       &__kretprobe_trampoline into regs[30]. Install it with
 *                       register_brk_kprobe(func, kretprobe_entry, 0) in the kprobes image.
 *   trampoline_probe_handler(regs)
 *                       called by the trampoline with the pt_regs it built after the function
 *                       returned into it: takes this hart's newest instance, sets regs->pc to
 *                       its return address (instruction_pointer_set, before the handlers run),
 *                       runs the return handler (ours records what regs holds) and returns the
 *                       return address, which the trampoline returns to.
 * Only the fields of struct user_pt_regs (the uapi head of pt_regs: regs[31], sp, pc, pstate,
 * the same in every tree and in the bundled pt_regs.h) are read here.
 *
 * The return handler checks what it was given against the entry: regs->sp must be the SP at
 * the call (the trampoline runs on the caller's stack after the return), regs[29] the frame
 * pointer at entry (6.1 warns and runs no handler otherwise), x19-x28 what they were at entry
 * (the function restored them). It records regs[0], the return value. A scenario reads
 * kretprobe_hits(), kretprobe_seen_x0() and kretprobe_mismatches() of its own hart.
 */
#include "guest_abi.h"
#include "pt_regs.h"

unsigned long ftrace_return_to_handler(unsigned long frame_pointer);

unsigned long ftrace_return_to_handler(unsigned long frame_pointer)
{
	(void)frame_pointer;
	return 0;
}

#define KRETPROBE_DEPTH 4 /* nested probed calls per hart */

/* The tree's trampoline; weak, so an image without it (0) still links, and arms no probe. Its
 * address is kept in data (an absolute relocation), not formed PC-relative in code. */
extern char __kretprobe_trampoline[] __attribute__((weak));
static void *volatile kretprobe_trampoline_addr = __kretprobe_trampoline;

struct kretprobe_instance {
	unsigned long long ret_addr, fp, sp;
	unsigned long long callee_saved[10]; /* x19-x28 at entry */
};

struct kretprobe_hart {
	unsigned long depth;
	struct kretprobe_instance ri[KRETPROBE_DEPTH];
	long hits, missed, mismatches;
	unsigned long long seen_x0;
};

static struct kretprobe_hart kretprobe_harts[PC_MAX_HARTS];

static struct kretprobe_hart *this_kretprobe_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(id));
	return &kretprobe_harts[id < PC_MAX_HARTS ? id : 0];
}

struct kprobe;
int kretprobe_entry(struct kprobe *p, struct pt_regs *regs);
void *trampoline_probe_handler(struct pt_regs *regs);
long kretprobe_hits(void);
long kretprobe_mismatches(void);
unsigned long kretprobe_seen_x0(void);

int kretprobe_entry(struct kprobe *p, struct pt_regs *regs)
{
	struct kretprobe_hart *k = this_kretprobe_hart();
	struct kretprobe_instance *ri;
	void *tramp = kretprobe_trampoline_addr;

	(void)p;
	if (!tramp || k->depth == KRETPROBE_DEPTH) { /* no trampoline, no free instance */
		k->missed++;
		return 0;
	}
	ri = &k->ri[k->depth++];
	ri->ret_addr = regs->regs[30];
	ri->fp = regs->regs[29];
	ri->sp = regs->sp;
	for (unsigned i = 0; i < 10; i++)
		ri->callee_saved[i] = regs->regs[19 + i];
	regs->regs[30] = (unsigned long long)(unsigned long)tramp;
	return 0;
}

void *trampoline_probe_handler(struct pt_regs *regs)
{
	struct kretprobe_hart *k = this_kretprobe_hart();
	struct kretprobe_instance *ri;
	int bad = 0;

	if (k->depth == 0) /* the kernel's BUG(): returning 0 faults, a guest fault */
		return 0;
	ri = &k->ri[--k->depth];
	regs->pc = ri->ret_addr;
	bad |= regs->regs[29] != ri->fp;
	bad |= regs->sp != ri->sp;
	for (unsigned i = 0; i < 10; i++)
		bad |= regs->regs[19 + i] != ri->callee_saved[i];
	k->mismatches += bad;
	k->seen_x0 = regs->regs[0];
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

unsigned long kretprobe_seen_x0(void)
{
	return this_kretprobe_hart()->seen_x0;
}
