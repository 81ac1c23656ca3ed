/*
 * irq.c - the guest side of interrupts: the C entry every arch's interrupt vector calls, and
 * the handler each hart's interrupt runs, which the explorer sets from the scenario
 * (interrupt: {handler: NAME}) before any hart starts.
 */
#include "guest_abi.h"
#include "patch_arch.h"

typedef void (*pc_irq_handler_fn)(void);

/* Per hart (arch_hart_id()); NULL: the interrupt does nothing but enter and return. */
pc_irq_handler_fn pc_irq_handlers[PC_MAX_HARTS];

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
 * unused here); runs this hart's handler and returns to the entry, which restores it. */
void pc_handle_irq(void *regs)
{
	unsigned long hart = arch_hart_id();
	pc_irq_handler_fn fn = hart < PC_MAX_HARTS ? pc_irq_handlers[hart] : 0;

	(void)regs;
	if (fn)
		fn();
}
