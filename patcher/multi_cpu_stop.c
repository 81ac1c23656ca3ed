/*
 * multi_cpu_stop.c - stop_machine as guest code, following the protocol of Linux's
 * multi_cpu_stop() (kernel/stop_machine.c), and the two ways Linux patches text inside it:
 *
 *  - every CPU takes part through its stopper, and each joins at its own time: the initiator
 *    in stop_machine_cpus(), every other CPU where its program calls stop_machine_join() (a
 *    schedule point of a kernel without preemption: no CPU is stopped inside a function), or,
 *    in a preemptible kernel (stop_machine_cpus_kick()), wherever the IPI that wakes its
 *    stopper finds it: the stopper then runs in the interrupt's handler, as the stopper thread
 *    preempts the interrupted task on the way out of the interrupt;
 *  - the CPUs step together through the states PREPARE, DISABLE_IRQ, RUN, EXIT: the last CPU
 *    to acknowledge a state (an atomic counter) moves everyone on to the next;
 *  - in RUN the active CPUs call the function: with no CPU mask (stop_machine(fn, data,
 *    NULL)) only the first online CPU, CPU 0; with every CPU in the mask, each of them.
 *
 * ftrace (arm and riscv: ftrace_run_stop_machine and arm's arch_ftrace_update_code) passes no
 * mask: CPU 0 rewrites the site while the others spin in the state loop and then go on with
 * nothing more. Text patching (arm64 aarch64_insn_patch_text, riscv patch_text) passes every
 * CPU, and its callback makes the last CPU to arrive write while the others spin on a counter
 * and then run arch_patch_text_waited() (arm64: ISB; riscv: a full fence); arm's patch_text
 * passes no mask (ARCH_PATCH_TEXT_EVERY_CPU 0).
 *
 * Nothing here tells the machine to park a hart (no pc_exclusive): what the CPUs do while the
 * text changes is this code's. Waiting CPUs spin on memory, which the explorer treats as
 * blocked until another hart writes what they read. In DISABLE_IRQ each CPU masks its
 * interrupts, as Linux's local_irq_disable, and at the end it puts the mask back as it found
 * it; an NMI passes the mask. A stop that another may follow returns once every CPU
 * acknowledged EXIT (multi_stop_end).
 */
#include "patch_arch.h"
#include "patcher.h"
#include "stop_machine.h"

/* MS_DONE: every CPU acknowledged EXIT (what the last one sets), and none reads the state
 * again: the next stop may begin. */
enum multi_stop_state { MS_NONE, MS_PREPARE, MS_DISABLE_IRQ, MS_RUN, MS_EXIT, MS_DONE };

struct multi_stop {
	unsigned long state;   /* enum multi_stop_state */
	unsigned long ack;     /* CPUs yet to acknowledge state */
	unsigned long ncpus;   /* CPUs taking part, the initiator included */
	unsigned long every;   /* 1: fn runs on every CPU; 0: on CPU 0 only */
	stopped_fn fn;
	unsigned long a, b, c;
};

static struct multi_stop ms;

/* The text-patching callback's rendezvous: CPUs arrived, plus 1 once the text is written. */
static unsigned long patch_cpu_count;

static void set_state(unsigned long state)
{
	__atomic_store_n(&ms.ack, ms.ncpus, __ATOMIC_RELAXED);
	__atomic_store_n(&ms.state, state, __ATOMIC_RELEASE);
}

/* The last CPU to acknowledge a state starts the next. */
static void ack_state(unsigned long state)
{
	if (__atomic_sub_fetch(&ms.ack, 1, __ATOMIC_ACQ_REL) == 0)
		set_state(state + 1);
}

/* Each CPU's part, from the first state it sees to EXIT: fn's result on this CPU (0 where it
 * is not active). */
static int multi_cpu_stop(void)
{
	unsigned long cur = MS_NONE, now, flags = 0;
	int active = ms.every || arch_hart_id() == 0, masked = 0;
	int err = 0;

	do {
		now = __atomic_load_n(&ms.state, __ATOMIC_ACQUIRE);
		if (now != cur) {
			cur = now;
			if (cur == MS_DISABLE_IRQ) {
				flags = arch_local_irq_save();
				masked = 1;
			}
			if (cur == MS_RUN && active)
				err = ms.fn(ms.a, ms.b, ms.c);
			ack_state(cur);
		}
	} while (cur != MS_EXIT);
	if (masked)
		arch_local_irq_restore(flags);
	return err;
}

/* Where the initiator returns. Linux's stop_machine returns once every stopper completed; so
 * does a stop that another may follow (stop_machine_text_kick, the one --stop-machine guest
 * runs): it waits until every CPU acknowledged EXIT (DONE), after which none reads the state
 * again, so the next stop cannot be taken for this one. The single stops of the bundled
 * guest-stop scenarios return at the initiator's own EXIT, sooner, which leaves a CPU still
 * leaving its stopper when the patcher returns: a harder case for the completion check. */
static int multi_stop_end(int err, int wait_done)
{
	while (wait_done && __atomic_load_n(&ms.state, __ATOMIC_ACQUIRE) != MS_DONE)
		;
	return err;
}

static void multi_stop_begin(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
			     unsigned long ncpus, int every_cpu)
{
	ms.fn = fn;
	ms.a = a;
	ms.b = b;
	ms.c = c;
	ms.ncpus = ncpus;
	ms.every = every_cpu != 0;
	patch_cpu_count = 0;
	set_state(MS_PREPARE);
}

int stop_machine_cpus(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
		      unsigned long ncpus, int every_cpu)
{
	multi_stop_begin(fn, a, b, c, ncpus, every_cpu);
	return multi_stop_end(multi_cpu_stop(), 0);
}

/* The IPI's function: this CPU's stopper, in the interrupt handler (models/common/irq.c). */
static void stopper_ipi(unsigned long unused)
{
	(void)unused;
	multi_cpu_stop();
}

long pc_ipi_send(unsigned long cpu, void (*fn)(unsigned long), unsigned long arg);

static int cpus_kick(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
		     unsigned long ncpus, int every_cpu, int wait_done)
{
	unsigned long me = arch_hart_id();

	multi_stop_begin(fn, a, b, c, ncpus, every_cpu);
	for (unsigned long cpu = 0; cpu < ncpus; cpu++)
		if (cpu != me)
			pc_ipi_send(cpu, stopper_ipi, 0);
	return multi_stop_end(multi_cpu_stop(), wait_done);
}

int stop_machine_cpus_kick(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
			   unsigned long ncpus, int every_cpu)
{
	return cpus_kick(fn, a, b, c, ncpus, every_cpu, 0);
}

int stop_machine_join(void)
{
	/* PREPARE: a stop has begun, and it stays there until this CPU acknowledged it (the
	 * last stop's EXIT may not be NONE yet) */
	while (__atomic_load_n(&ms.state, __ATOMIC_ACQUIRE) != MS_PREPARE)
		;
	return multi_cpu_stop();
}

/* ftrace's function: op 1 enables func's site calling tramp, op 0 disables it. */
static int ftrace_modify_cb(unsigned long op, unsigned long func, unsigned long tramp)
{
	return op ? ftrace_make_call(func, tramp) : ftrace_make_nop(func, tramp);
}

/* What the text-patching callback runs on the CPU that writes. */
static stopped_fn text_fn;

/* The text-patching callback every CPU runs in RUN: the last to arrive runs text_fn; the
 * others wait for it and then run arch_patch_text_waited(). On CPU 0 alone (arm) it just
 * runs text_fn. */
static int patch_text_cb(unsigned long a, unsigned long b, unsigned long c)
{
	int ret = 0;

	if (!ms.every)
		return text_fn(a, b, c);
	if (__atomic_add_fetch(&patch_cpu_count, 1, __ATOMIC_ACQ_REL) == ms.ncpus) {
		ret = text_fn(a, b, c);
		__atomic_add_fetch(&patch_cpu_count, 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&patch_cpu_count, __ATOMIC_ACQUIRE) <= ms.ncpus)
			;
		arch_patch_text_waited();
	}
	return ret;
}

int ftrace_make_call_multi_stop(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	return stop_machine_cpus(ftrace_modify_cb, 1, func, tramp, ncpus, 0);
}

int ftrace_make_nop_multi_stop(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	return stop_machine_cpus(ftrace_modify_cb, 0, func, tramp, ncpus, 0);
}

int ftrace_make_call_multi_stop_kick(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	return stop_machine_cpus_kick(ftrace_modify_cb, 1, func, tramp, ncpus, 0);
}

int stop_machine_text_kick(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
			   unsigned long ncpus)
{
	text_fn = fn;
	return cpus_kick(patch_text_cb, a, b, c, ncpus, ARCH_PATCH_TEXT_EVERY_CPU, 1);
}

int ftrace_make_call_patch_text_kick(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	text_fn = ftrace_modify_cb;
	return cpus_kick(patch_text_cb, 1, func, tramp, ncpus, ARCH_PATCH_TEXT_EVERY_CPU, 0);
}

int ftrace_make_call_patch_text(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	text_fn = ftrace_modify_cb;
	return stop_machine_cpus(patch_text_cb, 1, func, tramp, ncpus, ARCH_PATCH_TEXT_EVERY_CPU);
}

int ftrace_make_nop_patch_text(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	text_fn = ftrace_modify_cb;
	return stop_machine_cpus(patch_text_cb, 0, func, tramp, ncpus, ARCH_PATCH_TEXT_EVERY_CPU);
}
