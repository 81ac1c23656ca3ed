/*
 * call_ops_callbacks.c - the tracer side of the "ftrace_ops" image (call_ops.h): the ftrace_ops
 * objects a site's literal may point to, their callbacks, the per-site user lists the list
 * callback walks, and the flawed C "direct trampoline".
 *
 * Compiled without patchable entries. ftrace_nop_ops is const (it lands in .rodata, below
 * 4 GiB in this image); every other ops is writable data (above 4 GiB): see guest_ops.ld.
 */
#include "call_ops.h"
#include "guest_abi.h"

#define barrier() __asm__ __volatile__("" ::: "memory")

struct pc_record pc_records[PC_MAX_HARTS];
struct ftrace_site ftrace_sites[FTRACE_SITES];
/* Per hart: direct calls asked for by callbacks, and runs of a direct trampoline's work
 * (models/guest_abi.h: the host checks that they match over every traced call). */
unsigned long pc_direct_requests[PC_MAX_HARTS];
unsigned long pc_direct_calls[PC_MAX_HARTS];

static unsigned long this_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(id));
	return id < PC_MAX_HARTS ? id : 0;
}

void ftrace_ops_stub(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		     struct ftrace_regs *fregs)
{
}

/* Records what the trampoline handed over (pc = func+8, lr = the parent, sp, x0-x8, fp). */
void record_fregs(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		  struct ftrace_regs *fregs)
{
	volatile struct pc_record *rec = &pc_records[this_hart()];

	rec->ip = ip;
	rec->parent_ip = parent_ip;
	rec->pc = fregs->pc;
	rec->sp = fregs->sp;
	rec->lr = fregs->lr;
	for (unsigned i = 0; i < PC_RECORD_REGS; i++)
		rec->regs[i] = 0;
	for (unsigned i = 0; i < 9; i++)
		rec->regs[i] = fregs->regs[i];
	rec->regs[29] = fregs->fp;
	rec->regs[30] = fregs->lr;
	rec->regs[31] = fregs->sp;
	barrier();
	rec->seq = rec->seq + 1;
}

/* IPMODIFY (livepatch-like): record, then continue in op->private instead of the body. */
void lp_redirect(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		 struct ftrace_regs *fregs)
{
	record_fregs(ip, parent_ip, op, fregs);
	if (op->private)
		fregs->pc = op->private;
}

/* A direct ops sharing its site with other ops: ask the trampoline to branch to the direct
 * trampoline once every callback has run. */
void call_direct_funcs(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		       struct ftrace_regs *fregs)
{
	fregs->direct_tramp = op->direct_call;
	pc_direct_requests[this_hart()]++;
}

struct ftrace_site *ftrace_site_find(unsigned long func)
{
	for (unsigned i = 0; i < FTRACE_SITES; i++)
		if (*(volatile unsigned long *)&ftrace_sites[i].func == func)
			return &ftrace_sites[i];
	return 0;
}

/* The literal of a site with several users: call each user of the site ip belongs to. A user
 * is published (users[n] written) before nusers counts it. */
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			  struct ftrace_regs *fregs)
{
	struct ftrace_site *s = ftrace_site_find(ip - 4);
	unsigned long n;

	if (!s)
		return;
	n = *(volatile unsigned long *)&s->nusers;
	barrier();
	for (unsigned long i = 0; i < n && i < FTRACE_SITE_MAX_USERS; i++) {
		struct ftrace_ops *u = *(struct ftrace_ops *volatile *)&s->users[i];

		if (u && u->func)
			u->func(ip, parent_ip, u, fregs);
	}
}

const struct ftrace_ops ftrace_nop_ops = { ftrace_ops_stub, 0, 0, 0 };
struct ftrace_ops ftrace_list_ops = { ftrace_ops_list_func, 0, 0, 0 };
struct ftrace_ops trace_ops = { record_fregs, 0, 0, 0 };
struct ftrace_ops trace_ops2 = { record_fregs, 0, 0, 0 };
struct ftrace_ops lp_ops = { lp_redirect, FTRACE_OPS_FL_IPMODIFY, 0, (unsigned long)patched_add3 };
struct ftrace_ops lp_ops2 = { lp_redirect, FTRACE_OPS_FL_IPMODIFY, 0, (unsigned long)patched_add3 };
struct ftrace_ops direct_ops = { call_direct_funcs, FTRACE_OPS_FL_DIRECT,
				 (unsigned long)direct_tramp, 0 };
struct ftrace_ops direct_ops_c = { call_direct_funcs, FTRACE_OPS_FL_DIRECT,
				   (unsigned long)direct_tramp_c, 0 };

void direct_record(unsigned long ip, unsigned long parent_ip)
{
	pc_direct_calls[this_hart()]++;
}

long direct_hits(void)
{
	return pc_direct_calls[this_hart()];
}

/*
 * FLAWED direct trampoline: written as an ordinary C function. The site's BL enters it with
 * x30 = func+8, so its "ret" goes to the body with LR still func+8 (not the parent in x9): the
 * body's own return then lands on its first instruction again, forever.
 */
notrace void direct_tramp_c(void)
{
	pc_direct_calls[this_hart()]++;
}
