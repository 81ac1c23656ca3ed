/*
 * irq.c - the guest side of interrupts: the C entry every arch's interrupt vector calls, the
 * handler each hart's asynchronous interrupt runs (the explorer sets it from the scenario,
 * interrupt: {handler: NAME}, before any hart starts), and inter-processor interrupts.
 *
 * An IPI is a mailbox per target hart: the sender fills in a function and its argument, then
 * sets pc_ipi_pending[target]; the machine sees that store and raises an interrupt on the
 * target, which takes it as any IRQ (within its mask, and while idle too), runs the function in
 * its handler and clears the flag, which tells the sender it is done (smp_call_function with
 * wait). kick_all_cpus_sync() is such an IPI to every other hart with nothing to do: what it is
 * for is the exception entry and return, which synchronise each hart's instruction fetch on
 * Arm.
 */
#include "guest_abi.h"
#include "patch_arch.h"

typedef void (*pc_irq_handler_fn)(void);
typedef void (*pc_ipi_fn)(unsigned long arg);

/* Per hart (arch_hart_id()); NULL: the interrupt does nothing but enter and return. */
pc_irq_handler_fn pc_irq_handlers[PC_MAX_HARTS];

/* The IPI mailboxes, per target hart. */
volatile pc_ipi_fn pc_ipi_fns[PC_MAX_HARTS];
volatile unsigned long pc_ipi_args[PC_MAX_HARTS];
volatile unsigned int pc_ipi_pending[PC_MAX_HARTS];

/* Per hart: the machine sets it to 1 when it delivers the hart's own interrupt rather than an
 * IPI (an interrupt controller's acknowledge register tells a handler the same); the handler
 * clears it. An NMI inside an IPI's handler comes while the IPI's flag is still set. */
volatile unsigned int pc_irq_own[PC_MAX_HARTS];

/* Interrupts each hart's pc_irq_count handled. */
unsigned long pc_irqs_counted[PC_MAX_HARTS];

/* Contract: a handler a scenario can name: counts the interrupt in pc_irqs_counted[hart]. */
void pc_irq_count(void)
{
	unsigned long hart = arch_hart_id();

	if (hart < PC_MAX_HARTS)
		pc_irqs_counted[hart]++;
}

/* Contract: called by the arch's interrupt entry with the interrupted context saved (regs,
 * unused here); runs this hart's asynchronous handler when the machine delivered the hart's
 * own interrupt (pc_irq_own), else its pending IPI function, else its handler, and returns to
 * the entry, which restores the context. */
void pc_handle_irq(void *regs)
{
	unsigned long hart = arch_hart_id();
	pc_irq_handler_fn fn;

	(void)regs;
	if (hart >= PC_MAX_HARTS)
		return;
	if (pc_irq_own[hart]) {
		pc_irq_own[hart] = 0;
	} else if (__atomic_load_n(&pc_ipi_pending[hart], __ATOMIC_ACQUIRE)) {
		pc_ipi_fns[hart](pc_ipi_args[hart]);
		__atomic_store_n(&pc_ipi_pending[hart], 0, __ATOMIC_RELEASE);
		return;
	}
	fn = pc_irq_handlers[hart];
	if (fn)
		fn();
}

/* Contract: has hart cpu run fn(arg) in its interrupt handler: waits until the target's
 * mailbox is free (its last IPI's function has returned, as Linux's csd_lock waits for a
 * call's data to be unlocked before it is used again), fills it and returns. Returns 0. */
long pc_ipi_send(unsigned long cpu, pc_ipi_fn fn, unsigned long arg)
{
	while (__atomic_load_n(&pc_ipi_pending[cpu], __ATOMIC_ACQUIRE))
		;
	pc_ipi_fns[cpu] = fn;
	pc_ipi_args[cpu] = arg;
	__atomic_store_n(&pc_ipi_pending[cpu], 1, __ATOMIC_RELEASE);
	return 0;
}

/* Contract: pc_ipi_send, then returns once hart cpu has run fn. Returns 0. */
long pc_ipi_call(unsigned long cpu, pc_ipi_fn fn, unsigned long arg)
{
	pc_ipi_send(cpu, fn, arg);
	while (__atomic_load_n(&pc_ipi_pending[cpu], __ATOMIC_ACQUIRE))
		;
	return 0;
}

static void do_nothing(unsigned long arg)
{
	(void)arg;
}

/* Contract: an IPI to each of the first ncpus harts but this one, waiting for each (Linux's
 * kick_all_cpus_sync); returns 0 once every one has taken its interrupt. */
long pc_kick_all_cpus_sync(unsigned long ncpus)
{
	unsigned long me = arch_hart_id();

	for (unsigned long cpu = 0; cpu < ncpus && cpu < PC_MAX_HARTS; cpu++)
		if (cpu != me)
			pc_ipi_call(cpu, do_nothing, 0);
	return 0;
}
