/*
 * callbacks.c - the tracer side of the arm guest: the globals the trampolines read, and the
 * callbacks a scenario installs with pc_set_callback().
 *
 * Compiled without -pg: nothing here is ever a patch site. Every callback follows the C ABI
 * (AAPCS), so it may clobber r0-r3, ip, lr and the flags, and preserves r4-r11 and SP; the
 * trampolines rely on exactly that. The records are written with 64-bit fields, as on every
 * arch (models/guest_abi.h).
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

/* One record per hart, read by the host (see guest_abi.h), and a count of callback runs. */
struct pc_record pc_records[PC_MAX_HARTS];
unsigned long long pc_calls[PC_MAX_HARTS];

/* The hart id: the machine puts it in TPIDRURO (CP15 c13, c0, 3) before the hart runs. */
static inline unsigned long current_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrc p15, 0, %0, c13, c0, 3" : "=r"(id));
	return id;
}

static void count_call(unsigned long hart)
{
	if (hart < PC_MAX_HARTS)
		*(volatile unsigned long long *)&pc_calls[hart] = pc_calls[hart] + 1;
}

/*
 * Write one record for this hart from the frame; seq last: regs[] holds uregs[0..17], r0-r15,
 * ARM_cpsr and ARM_ORIG_r0. Code addresses are recorded as addresses: the Thumb bit of ARM_pc
 * is dropped (regs[15] keeps it). Whether the trampoline
 * kept that bit shows in execution itself: returning to a Thumb body without it runs the body
 * in the ARM state, which the machine reports as a fault.
 */
static void write_record(unsigned long ip, unsigned long parent_ip, const struct pt_regs *regs)
{
	unsigned long hart = current_hart();
	volatile struct pc_record *rec;
	unsigned i;

	count_call(hart);
	if (hart >= PC_MAX_HARTS)
		return;
	rec = &pc_records[hart];
	rec->ip = ip;
	rec->parent_ip = parent_ip;
	rec->regs_null = !regs;
	rec->pc = regs ? regs->ARM_pc & ~1ul : 0;
	rec->sp = regs ? regs->ARM_sp : 0;
	rec->lr = regs ? regs->ARM_lr : 0;
	for (i = 0; i < 18; i++) /* r0-r15, then ARM_cpsr and ARM_ORIG_r0 */
		rec->regs[i] = regs ? regs->uregs[i] : 0;
	barrier();
	rec->seq = rec->seq + 1;
}

/* Records what the trampoline handed over. From ftrace_caller (regs == NULL): ip and parent_ip,
 * with regs_null set. */
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs);
}

/*
 * A function-graph-like tracer for ftrace_regs_caller: records like record_regs, then replaces
 * the return address the trampoline restores lr from (ARM_lr: Linux 6.1's
 * __ftrace_regs_caller reloads lr from S_LR) with the return hook pc_graph_return_tramp
 * (common/graph_hook.c, adversary.S). With regs = NULL it only records.
 */
void graph_return(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs);
	if (regs)
		pc_graph_hook(current_hart(), (unsigned long *)&regs->ARM_lr);
}

/*
 * The callback of an ftrace_ops without SAVE_REGS: records ip and parent_ip only and never
 * reads regs, which Linux's arm ftrace_caller passes as NULL (r3 = 0). pc, sp, lr and regs[]
 * are recorded as 0 (callback_sees: ftrace-no-regs).
 */
void record_ip(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long hart = current_hart();
	volatile struct pc_record *rec;

	count_call(hart);
	if (hart >= PC_MAX_HARTS)
		return;
	rec = &pc_records[hart];
	rec->ip = ip;
	rec->parent_ip = parent_ip;
	rec->pc = 0;
	rec->sp = 0;
	rec->lr = 0;
	barrier();
	rec->seq = rec->seq + 1;
}

/*
 * An IPMODIFY user (livepatch-like): records like record_regs, then, if pc_redirect_target is
 * set, makes the trampoline continue there instead of in the body. The target is a function
 * pointer, so in the Thumb image it carries bit 0 and the trampoline's interworking return
 * (ldr pc / bx) enters it in the Thumb state. It is entered with LR = the traced function's
 * parent and r0-r3 as at the call, so it must have the same prototype.
 */
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long target = *(volatile unsigned long *)&pc_redirect_target;

	write_record(ip, parent_ip, regs);
	if (target && regs) {
		regs_set_instruction_pointer(regs, target);
		pc_redirect_requests[current_hart()]++;
	}
}

/*
 * FLAWED: redirect_pc with the target's Thumb bit cleared, as code that treats a function
 * pointer as a plain address would write it. In the ARM image it is the same as redirect_pc;
 * in the Thumb image the trampoline's interworking return enters the Thumb function in the
 * ARM state. Caught by: guest-fault (the machine's instruction-set state check).
 */
void redirect_pc_arm_state(unsigned long ip, unsigned long parent_ip, void *op,
			   struct pt_regs *regs)
{
	unsigned long target = *(volatile unsigned long *)&pc_redirect_target;

	write_record(ip, parent_ip, regs);
	if (target && regs) {
		regs_set_instruction_pointer(regs, target & ~1ul);
		pc_redirect_requests[current_hart()]++;
	}
}

/* Install a callback for every trampoline; NULL restores ftrace_stub. Returns 0, so that a
 * patcher hart may run it (its calls must return 0): a tracer that chooses its callback while
 * runners call the site. */
int pc_set_callback(void *fn)
{
	ftrace_func_t func = fn ? (ftrace_func_t)fn : ftrace_stub;

	*(volatile ftrace_func_t *)&ftrace_global_ops.func = func;
	barrier();
	*(volatile ftrace_func_t *)&ftrace_trace_function = func;
	return 0;
}

void pc_set_redirect(unsigned long target)
{
	*(volatile unsigned long *)&pc_redirect_target = target;
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
