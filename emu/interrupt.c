/*
 * interrupt.c - asynchronous exceptions: whether a hart's interrupts are masked, and taking an
 * interrupt before its next instruction through the guest's own vector table; what any
 * exception entry synchronises.
 */
#include <stdio.h>

#include "emu_internal.h"

bool machine_has_interrupts(const struct machine *m)
{
	return m->vectors && m->arch->take_interrupt && m->arch->interrupts_masked;
}

bool machine_interrupts_masked(struct machine *m, unsigned hart)
{
	return !machine_has_interrupts(m) || hart >= m->nharts ||
	       m->arch->interrupts_masked(m->harts[hart].uc);
}

int machine_take_interrupt(struct machine *m, unsigned hart, char *err, size_t errlen)
{
	const struct arch_model *arch = m->arch;
	struct hart *h;
	int e;

	if (!machine_has_interrupts(m) || hart >= m->nharts) {
		snprintf(err, errlen, "no interrupt vector for hart %u", hart);
		return -1;
	}
	h = &m->harts[hart];
	uint64_t sp = 0, entry_sp = 0;
	uc_reg_read(h->uc, arch->reg_ids[arch->reg_sp], &sp);
	e = arch->take_interrupt(h->uc, emu_hart_pc(m, h), m->vectors);
	emu_hart_changed(h);
	/* An entry that pushed the return state (arm) wrote the stack below SP: snapshots must
	 * know. */
	uc_reg_read(h->uc, arch->reg_ids[arch->reg_sp], &entry_sp);
	if (entry_sp < sp && entry_sp >= m->ram_base)
		emu_ram_written(m, (size_t)(entry_sp - m->ram_base), (size_t)(sp - entry_sp));
	if (e) {
		snprintf(err, errlen, "interrupt entry: %s", uc_strerror((uc_err)e));
		return -1;
	}
	emu_exception_entered(m, h);
	return 0;
}

void emu_exception_entered(struct machine *m, struct hart *h)
{
	/* a context synchronisation event on Arm (DDI 0487 D1.10; ARMv7 B1.8.1), for the
	 * hart's instruction fetch and its data accesses alike; not on RISC-V */
	if (m->arch->fetch_rule != FETCH_RULE_CACHE_MAINTENANCE)
		return;
	if (m->fetch == FETCH_ARCH)
		emu_fetch_sync(m, h);
	emu_data_context_sync(m, h);
}
