/*
 * callbacks.c - the tracer side of the riscv64 guest: the globals the trampolines and the patcher
 * read, the callbacks a scenario installs, the direct-call helpers of the riscv
 * DYNAMIC_FTRACE_WITH_DIRECT_CALLS review (Song Shuai and Guo Ren, LKML, Nov 2022), and a few
 * one-instruction probes for the machine's special-instruction handling.
 *
 * Compiled without patchable entries: nothing here is ever a patch site. Every callback follows
 * the LP64 C ABI, so it may clobber ra, t0-t6 and a0-a7 and preserves s0-s11, sp, gp and tp; the
 * trampolines rely on exactly that. The hart id is in tp (the machine puts it there; the ABI
 * reserves tp, so compiled code never changes it).
 */
#include "guest.h"
#include "guest_abi.h"
#include "common/graph_hook.h"

/* Keeps the compiler from moving memory accesses across this point. */
#define barrier() __asm__ __volatile__("" ::: "memory")

void ftrace_stub(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
}

struct ftrace_ops ftrace_global_ops = { ftrace_stub, 0, 0 };
struct ftrace_ops ftrace_nop_ops = { ftrace_stub, 0, 0 };
struct ftrace_ops pc_direct_ops = { ftrace_stub, 0, 0 };
struct ftrace_ops *function_trace_op = &ftrace_global_ops;
struct ftrace_ops *pc_site_ops = &ftrace_global_ops;
ftrace_func_t ftrace_trace_function = ftrace_stub;
unsigned long pc_redirect_target;
/* Per hart: redirects the IPMODIFY callbacks made (the host checks that each one took effect). */
unsigned long pc_redirect_requests[PC_MAX_HARTS];
unsigned long pc_direct_target;
unsigned long pc_direct_calls[PC_MAX_HARTS];     /* per hart: direct trampoline runs */
unsigned long pc_direct_requests[PC_MAX_HARTS];  /* per hart: direct calls callbacks asked for */

static ftrace_func_t pc_ops_funcs[PC_MAX_OPS];
static unsigned pc_nops;

/* One record per hart, read by the host (see guest_abi.h). */
struct pc_record pc_records[PC_MAX_HARTS];

static inline unsigned long current_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mv %0, tp" : "=r"(id));
	return id;
}

/* A callback asked for a direct call on this hart (pc_direct_requests, for a host check that
 * every request is followed by exactly one run of the direct trampoline). */
static void count_direct_request(void)
{
	unsigned long hart = current_hart();

	if (hart < PC_MAX_HARTS)
		pc_direct_requests[hart]++;
}

/* Write one record for this hart from the frame, pc as given; seq last. regs[n] = xn. */
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
	rec->lr = regs->ra;
	rec->regs[0] = 0;
	for (i = 1; i < 32; i++)
		rec->regs[i] = regs_x(regs, i);
	barrier();
	rec->seq = rec->seq + 1;
}

/* Records what the trampoline handed over: the frame as saved, pc = the first body instruction. */
void record_regs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs->epc, regs);
}

/*
 * A function-graph-like tracer for the trampolines that pass a pt_regs: records like
 * record_regs, then replaces the return address the trampoline restores ra from (regs->ra:
 * Linux 6.1's RESTORE_ALL reloads ra from PT_RA) with the return hook pc_graph_return_tramp
 * (common/graph_hook.c, adversary.S).
 */
void graph_return(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	write_record(ip, parent_ip, regs->epc, regs);
	pc_graph_hook(current_hart(), (unsigned long *)&regs->ra);
}

/*
 * The callback of an ftrace_ops without SAVE_REGS: records ip and parent_ip only and never
 * reads the frame, which Linux's riscv ftrace_caller makes of a0-a7, t0 and ra (80 bytes), not
 * a pt_regs. pc, sp, lr and regs[] are recorded as 0 (callback_sees: ftrace-no-regs).
 */
void record_ip(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long hart = current_hart();
	volatile struct pc_record *rec;

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
 * set, makes the trampoline continue there instead of at the body. The target is entered with
 * ra = the traced function's parent and a0-a7 as at the call, so it must have the same prototype.
 */
void redirect_pc(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long target = *(volatile unsigned long *)&pc_redirect_target;

	write_record(ip, parent_ip, regs->epc, regs);
	if (target) {
		regs_set_instruction_pointer(regs, target);
		pc_redirect_requests[current_hart()]++;
	}
}

/*
 * The direct ops' callback with the t1 convention, the design merged after the riscv
 * direct-calls thread (2022): the direct trampoline goes into the t1 slot, and
 * ftrace_regs_caller leaves through `jr t1` after every ops has run. epc (the t0 the direct
 * trampoline will return through) stays the body, or whatever an IPMODIFY ops made it.
 */
void call_direct_funcs(unsigned long ip, unsigned long parent_ip, void *op, struct pt_regs *regs)
{
	unsigned long addr = *(volatile unsigned long *)&pc_direct_target;

	if (addr) {
		regs_set_direct_caller(regs, addr);
		count_direct_request();
	}
}

/*
 * FLAWED: the alternative rejected in the riscv direct-calls thread (2022) ("regs->t0 = addr",
 * no t1 dispatch). The t0 that the trampoline's final `jr t0` uses is reloaded from the frame
 * slot holding t0 at entry, which is regs->epc here, so this writes the direct trampoline over
 * the return address into the body. The direct trampoline then returns with `jr t0` to itself,
 * forever; and an IPMODIFY ops that runs after this one overwrites the same slot, losing the
 * direct call.
 */
void call_direct_funcs_t0(unsigned long ip, unsigned long parent_ip, void *op,
			  struct pt_regs *regs)
{
	unsigned long addr = *(volatile unsigned long *)&pc_direct_target;

	if (addr) {
		regs->epc = addr;
		count_direct_request();
	}
}

/* Several ops on one site: call each registered callback in registration order. */
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, void *op,
			  struct pt_regs *regs)
{
	unsigned n = *(volatile unsigned *)&pc_nops;

	for (unsigned i = 0; i < n && i < PC_MAX_OPS; i++)
		pc_ops_funcs[i](ip, parent_ip, op, regs);
}

/*
 * The setters below return 0, so a patcher hart may run them (its calls must return 0): a
 * tracer that registers or retargets while runners call the site.
 */

/* Install a callback for every trampoline (ftrace_trace_function, and ftrace_global_ops.func
 * for CALL_OPS); NULL restores ftrace_stub. */
int pc_set_callback(void *fn)
{
	ftrace_func_t func = fn ? (ftrace_func_t)fn : ftrace_stub;

	*(volatile ftrace_func_t *)&ftrace_global_ops.func = func;
	barrier();
	*(volatile ftrace_func_t *)&ftrace_trace_function = func;
	return 0;
}

/* Append a callback to the list ftrace_ops_list_func runs: 0, or -1 when PC_MAX_OPS are in. */
int pc_ops_add(void *fn)
{
	if (pc_nops < PC_MAX_OPS && fn) {
		pc_ops_funcs[pc_nops] = (ftrace_func_t)fn;
		barrier();
		pc_nops++;
		return 0;
	}
	return -1;
}

int pc_set_redirect(unsigned long target)
{
	*(volatile unsigned long *)&pc_redirect_target = target;
	return 0;
}

/* The direct trampoline: for call_direct_funcs*, and as pc_direct_ops.direct_call (CALL_OPS). */
int pc_set_direct(unsigned long tramp)
{
	*(volatile unsigned long *)&pc_direct_target = tramp;
	*(volatile unsigned long *)&pc_direct_ops.direct_call = tramp;
	return 0;
}

/* What ftrace_make_call writes into a CALL_OPS literal (default &ftrace_global_ops). */
int pc_set_site_ops(struct ftrace_ops *ops)
{
	*(struct ftrace_ops *volatile *)&pc_site_ops = ops ? ops : &ftrace_global_ops;
	return 0;
}

/* Called by my_direct_tramp (direct.S): counts the direct calls of this hart. */
void my_direct_func(unsigned long ip)
{
	unsigned long hart = current_hart();

	if (hart < PC_MAX_HARTS)
		pc_direct_calls[hart]++;
}

/* long pc_direct_hits(void): the direct calls this hart made so far, for a scenario to
 * require that its direct trampoline ran ("pc_direct_hits() == 2"). */
notrace long pc_direct_hits(void)
{
	unsigned long hart = current_hart();

	return hart < PC_MAX_HARTS ? (long)pc_direct_calls[hart] : -1;
}

/* ---- probes for the machine's handling of special instructions (tests) ---- */

/* An SBI call the machine does not perform (the base extension, EID 0x10): a trap. */
notrace void guest_ecall(void)
{
	register unsigned long a7 __asm__("a7") = 0x10;

	__asm__ __volatile__("ecall" : "+r"(a7) : : "a0", "a1", "memory");
}

/* long guest_sbi_remote_fence_i(hart_mask, hart_mask_base): the SBI's RFENCE extension
 * (EID 0x52464E43), function 0; returns the SBI error code (a0). */
notrace long guest_sbi_remote_fence_i(unsigned long mask, unsigned long base)
{
	register unsigned long a0 __asm__("a0") = mask;
	register unsigned long a1 __asm__("a1") = base;
	register unsigned long a6 __asm__("a6") = 0;
	register unsigned long a7 __asm__("a7") = 0x52464e43;

	__asm__ __volatile__("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (long)a0;
}

notrace void guest_ebreak(void)
{
	__asm__ __volatile__(".option push\n.option norvc\nebreak\n.option pop");
}

notrace void guest_c_ebreak(void)
{
	__asm__ __volatile__("c.ebreak");
}

/* x + 1 after a FENCE.I: a synchronising instruction that must step like any other. */
notrace unsigned long guest_fence_i(unsigned long x)
{
	__asm__ __volatile__("fence.i" ::: "memory");
	return x + 1;
}
