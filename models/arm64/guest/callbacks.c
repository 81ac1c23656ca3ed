/*
 * callbacks.c - the tracer side of the arm64 guest: the globals the trampolines read, and the
 * callbacks a scenario installs with pc_set_callback().
 *
 * Compiled without patchable entries: nothing here is ever a patch site. Every callback follows
 * the C ABI (AAPCS64), so it may clobber x0-x18 and x30 and preserves x19-x29 and SP; the
 * trampolines rely on exactly that.
 */
#include "guest.h"
#include "guest_abi.h"
#include "common/graph_hook.h"

/* Keeps the compiler from moving memory accesses across this point. */
#define barrier() __asm__ __volatile__("" ::: "memory")

void ftrace_stub(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
}

struct ftrace_ops ftrace_global_ops = { ftrace_stub, 0 };
struct ftrace_ops *function_trace_op = &ftrace_global_ops;
ftrace_func_t ftrace_trace_function = ftrace_stub;
unsigned long pc_redirect_target;
/* Per hart: redirects the IPMODIFY callbacks made (the host checks that each one took effect). */
unsigned long pc_redirect_requests[PC_MAX_HARTS];

/* One record per hart, read by the host (see guest_abi.h). */
struct pc_record pc_records[PC_MAX_HARTS];

/* The hart id: the machine puts it in TPIDR_EL0 before the hart runs. */
static inline unsigned long current_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(id));
	return id;
}

/* Write one record for this hart from the frame, pc as given; seq last. */
static void write_record(unsigned long ip, unsigned long parent_ip, unsigned long long pc,
			 const struct pt_regs *regs)
{
	unsigned long hart = current_hart();
	volatile struct pc_record *rec;
	unsigned i;

	if (hart >= PC_MAX_HARTS)
		return;
	rec = &pc_records[hart];
	rec->ip = ip;
	rec->parent_ip = parent_ip;
	rec->pc = pc;
	rec->sp = regs->sp;
	rec->lr = regs->regs[30];
	for (i = 0; i < 31; i++)
		rec->regs[i] = regs->regs[i];
	rec->regs[31] = regs->sp; /* model order: x0..x30, sp */
	barrier();
	rec->seq = rec->seq + 1;
}

/* Records what the trampoline handed over: the frame as saved, pc = func+8. */
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs->pc, regs);
}

/*
 * An IPMODIFY user (livepatch-like): records like record_regs, then, if pc_redirect_target is
 * set, makes the trampoline continue there instead of at func+8. The target is entered with
 * LR = the traced function's parent and x0-x8 as at the call, so it must have the same prototype.
 */
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long target = *(volatile unsigned long *)&pc_redirect_target;

	write_record(ip, parent_ip, regs->pc, regs);
	if (target) {
		regs_set_instruction_pointer(regs, target);
		pc_redirect_requests[current_hart()]++;
	}
}

/*
 * A kprobe riding on the ftrace site: the two-word site counts as one virtual instruction at
 * func+0, so the pre-handler's view has pc = func+0 (ip - 4), as a breakpoint there would give.
 * The record shows that view; the frame's pc is left as it was, so execution resumes at func+8.
 */
void record_kprobe(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, ip - 4, regs);
}

/*
 * A function-graph-like tracer: records like record_regs, then replaces the return address
 * the trampoline restores x30 from (regs->regs[30]: Linux 6.1's ftrace_common_return reloads
 * x30 from that slot, and the graph tracer's prepare_ftrace_return rewrites it) with the return
 * hook pc_graph_return_tramp (common/graph_hook.c, adversary.S).
 */
void graph_return(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs->pc, regs);
	pc_graph_hook(current_hart(), (unsigned long *)&regs->regs[30]);
}

/* Install a callback for every trampoline; NULL restores ftrace_stub. */
void pc_set_callback(void *fn)
{
	ftrace_func_t func = fn ? (ftrace_func_t)fn : ftrace_stub;

	*(volatile ftrace_func_t *)&ftrace_global_ops.func = func;
	barrier();
	*(volatile ftrace_func_t *)&ftrace_trace_function = func;
}

void pc_set_redirect(unsigned long target)
{
	*(volatile unsigned long *)&pc_redirect_target = target;
}

/*
 * long pc_isb(void): a context synchronisation event on the calling hart, as a CPU takes one
 * before it runs code another CPU rewrote (the consumer's half of the Arm ARM's protocol for
 * instructions outside the concurrently-modifiable set). Returns 0.
 */
notrace long pc_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
	return 0;
}

/*
 * long pc_record_seq(void): how many records the callbacks wrote for the calling hart so far,
 * for a scenario to require that a call it made reached the tracer ("pc_record_seq() == 1").
 */
notrace long pc_record_seq(void)
{
	unsigned long hart = current_hart();

	return hart < PC_MAX_HARTS ? (long)pc_records[hart].seq : -1;
}
