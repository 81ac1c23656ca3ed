/*
 * stop_machine.c - the stop-machine protocol: the patcher hart runs a patch operation while
 * every other hart is parked.
 *
 * The guest announces the section through pc_exclusive (models/guest_abi.h): while it holds
 * h + 1 only hart h runs. The other harts stop wherever they are, including between two words
 * of a patch site, which is what a preempted or interrupted CPU looks like to a stop_machine
 * writer in a preemptible kernel; they resume with a synchronised instruction fetch. The
 * protocol therefore makes a multi-word rewrite safe only for harts that are not inside the
 * site when it starts.
 *
 * Under the guest protocol (`--stop-machine guest`: the machine sets pc_stop_guest_cpus to
 * the number of harts after setup) it runs Linux's protocol instead (multi_cpu_stop.c), as a
 * preemptible kernel's text patching does: every other CPU is sent an IPI, runs its stopper
 * wherever that finds it, and the CPUs wait as the arch's text-patching callback makes them.
 */
#include "patch_arch.h"
#include "patcher.h"
#include "stop_machine.h"

volatile unsigned long long pc_exclusive;
volatile unsigned long pc_stop_guest_cpus; /* 0: the idealised stop */

int stop_machine_run(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c)
{
	int rc;

	if (pc_stop_guest_cpus)
		return stop_machine_text_kick(fn, a, b, c, pc_stop_guest_cpus);
	pc_exclusive = arch_hart_id() + 1;
	__asm__ volatile("" ::: "memory");
	rc = fn(a, b, c);
	__asm__ volatile("" ::: "memory");
	pc_exclusive = 0;
	return rc;
}

int stop_machine_use_guest(unsigned long ncpus)
{
	pc_stop_guest_cpus = ncpus;
	return 0;
}

static int init_and_call(unsigned long func, unsigned long tramp, unsigned long unused)
{
	int rc = ftrace_init_nop(func);

	(void)unused;
	return rc ? rc : ftrace_make_call(func, tramp);
}

static int make_call(unsigned long func, unsigned long tramp, unsigned long unused)
{
	(void)unused;
	return ftrace_make_call(func, tramp);
}

static int make_nop(unsigned long func, unsigned long tramp, unsigned long unused)
{
	(void)unused;
	return ftrace_make_nop(func, tramp);
}

static int modify_call(unsigned long func, unsigned long old_tramp, unsigned long new_tramp)
{
	return ftrace_modify_call(func, old_tramp, new_tramp);
}

int ftrace_init_and_call_stopped(unsigned long func, unsigned long tramp)
{
	return stop_machine_run(init_and_call, func, tramp, 0);
}

int ftrace_make_call_stopped(unsigned long func, unsigned long tramp)
{
	return stop_machine_run(make_call, func, tramp, 0);
}

int ftrace_make_nop_stopped(unsigned long func, unsigned long tramp)
{
	return stop_machine_run(make_nop, func, tramp, 0);
}

int ftrace_modify_call_stopped(unsigned long func, unsigned long old_tramp, unsigned long new_tramp)
{
	return stop_machine_run(modify_call, func, old_tramp, new_tramp);
}
