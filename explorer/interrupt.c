/*
 * interrupt.c - interrupts as choices of the search: a hart whose scenario gives it an
 * interrupt: may take it before any of its transitions, within the hart's mask, and the
 * transition then begins with the exception entry (emu/interrupt.c) and runs the guest's vector
 * and handler up to their first visible operation, like any other.
 *
 * When: the hart has not finished, has taken fewer than interrupt.max this execution, and is
 * not inside one already (an interrupt is taken with every mask set, and the handler returns
 * with ERET before another may come; but an NMI may come inside an IRQ's handler:
 * nmi_may_nest). An IRQ also needs the hart's own mask clear (DAIF.I, sstatus.SIE, CPSR.I)
 * and the hart not parked by the idealised stop, whose CPUs wait with interrupts disabled; an
 * NMI (nmi: true; arm64's pseudo-NMI) ignores both. A hart that spins, blocked, can take one
 * too: the interrupt wakes it.
 *
 * IPIs: a hart that stores a non-zero word into another hart's pc_ipi_pending
 * (models/common/irq.c) raises an interrupt there, which the target takes as an IRQ (within
 * its mask, not while parked), also once it has finished its program: an idle CPU takes IPIs,
 * and an execution does not end while one waits for a hart that can take it. A transition
 * the target runs while its IPI waits is dropped when it could as well have come before the
 * IPI (exec_ipi_passed).
 * The guest's handler then runs the IPI's function. An IPI does not count against max.
 */
#include <string.h>

#include "../models/guest_abi.h"
#include "exec.h"

/*
 * arm64's pseudo-NMI inside an IRQ's handler: Linux's GICv3 driver, once it has acknowledged
 * an ordinary interrupt, masks those by priority (ICC_PMR_EL1) and clears PSTATE.I, so an NMI
 * can come while the handler runs (gic_handle_irq, drivers/irqchip/irq-gic-v3.c; the stopper
 * of stop_machine, with interrupts disabled by priority, takes NMIs too). Not in the vector's
 * own code (the image's pc_exception_code .. pc_exception_code_end), which runs with PSTATE.I
 * set by the exception, and not inside an NMI: one level only.
 */
static bool nmi_may_nest(const struct explorer *x, unsigned h)
{
	const struct scn_hart *sh = &x->scn->harts[h];
	const struct hart_state *hs = &x->st.harts[h];
	uint64_t pc = machine_pc(x->m, h);

	if (!sh->irq || !sh->irq_nmi || hs->done || hs->irqs_taken >= sh->irq_max ||
	    hs->nirq != 1 || hs->irq[0].nmi || !x->exception_code_end)
		return false;
	return pc < x->exception_code || pc >= x->exception_code_end;
}

bool exec_interrupt_possible(const struct explorer *x, unsigned h)
{
	const struct scn_hart *sh = &x->scn->harts[h];
	const struct hart_state *hs = &x->st.harts[h];
	bool parked = x->st.exclusive >= 0 && x->st.exclusive != (int)h &&
		      !x->st.harts[x->st.exclusive].done;

	if (hs->in_sync_exception)
		return false;
	if (hs->nirq)
		return nmi_may_nest(x, h);
	if (hs->ipi_pending)
		return !parked && !machine_interrupts_masked(x->m, h);
	if (!sh->irq || hs->done || hs->irqs_taken >= sh->irq_max ||
	    machine_pc(x->m, h) == MACHINE_MAGIC_RETURN)
		return false;
	return sh->irq_nmi || (!parked && !machine_interrupts_masked(x->m, h));
}

uint32_t exec_interrupt_harts(struct explorer *x)
{
	uint32_t mask = 0;

	for (unsigned h = 0; h < x->nharts; h++)
		if ((x->scn->harts[h].irq || x->st.harts[h].ipi_pending) &&
		    exec_interrupt_possible(x, h))
			mask |= 1u << h;
	return mask;
}

/*
 * The per-hart instrumentation a traced call's checks read (its callback's record, its
 * post-handler's record, its direct-call, redirect and return-hook counters) belongs to the
 * interrupted context: a traced call inside the handler leaves its own there. It is set aside
 * at the entry and put back at the ERET, once the handler's own calls have been checked.
 */
static void keep_instrumentation(struct explorer *x, unsigned h, uint8_t *saved, bool restore)
{
	const uint64_t counters[5] = {x->direct_requests_addr, x->direct_calls_addr,
				      x->redirect_requests_addr, x->graph_hooks_addr,
				      x->graph_returns_addr};
	uint64_t addr[7] = {x->records_addr, x->post_records_addr};
	unsigned size[7] = {PC_RECORD_SIZE, PC_RECORD_SIZE}, word = x->arch->word_size, at = 0;

	addr[0] += addr[0] ? (uint64_t)h * PC_RECORD_SIZE : 0;
	addr[1] += addr[1] ? (uint64_t)h * PC_RECORD_SIZE : 0;
	for (unsigned i = 0; i < 5; i++) {
		addr[2 + i] = counters[i] ? counters[i] + (uint64_t)h * word : 0;
		size[2 + i] = word;
	}
	for (unsigned i = 0; i < 7; at += size[i], i++) {
		uint8_t *ram;

		if (!addr[i] || !(ram = machine_ram(x->m, addr[i], size[i])))
			continue;
		if (restore)
			memcpy(ram, saved + at, size[i]);
		else
			memcpy(saved + at, ram, size[i]);
	}
}

/* The machine delivers the hart's own interrupt, not an IPI: pc_irq_own[hart] tells the guest's
 * pc_handle_irq (models/common/irq.c), as an interrupt controller's acknowledge register tells
 * a handler which interrupt it took. An NMI inside an IPI's handler needs it: the IPI's flag is
 * still set then. */
static void set_own_interrupt(struct explorer *x, unsigned h)
{
	uint8_t *flag = x->irq_own_addr ? machine_ram(x->m, x->irq_own_addr + 4ull * h, 4) : NULL;

	if (flag)
		memcpy(flag, &(uint32_t){1}, 4);
}

bool exec_take_interrupt(struct explorer *x, unsigned h)
{
	struct hart_state *hs = &x->st.harts[h];
	struct irq_level *l = &hs->irq[hs->nirq];
	uint64_t pc = machine_pc(x->m, h);
	bool ipi = !hs->nirq && hs->ipi_pending; /* else the hart's own interrupt */
	char why[128], where[96];
	bool stale;

	if (exec_inside_site(x, h))
		coverage_note(x, COVER_INTERRUPT_IN_SITE);
	l->sp = machine_reg(x->m, h, x->arch->reg_sp);
	stale = x->fetch_choices && machine_fetch_any_stale(x->m, h);
	if (machine_take_interrupt(x->m, h, why, sizeof(why))) {
		symbolize(x, pc, where, sizeof(where));
		check_fail(x, "guest-fault", h, pc, "an interrupt taken", why,
			   "hart %u could not take its interrupt at %s", h, where);
		return false;
	}
	coverage_note(x, COVER_INTERRUPT);
	if (x->fetch_choices && x->arch->fetch_rule == FETCH_RULE_CACHE_MAINTENANCE) {
		/* the entry synchronised this hart's fetch, as an ISB does (transition.c) */
		dpor_event_model_access(x, EX_CACHE_TOKEN, 8, false);
		exec_code_access(x, false);
		if (stale)
			exec_hart_view_changed(x, h);
	}
	keep_instrumentation(x, h, l->saved, false);
	l->depth = hs->depth;
	l->from = pc;
	l->nmi = !ipi && x->scn->harts[h].irq_nmi;
	hs->nirq++;
	if (ipi) {
		hs->ipi_pending = false; /* the handler runs the IPI's function */
	} else {
		hs->irqs_taken++;
		set_own_interrupt(x, h);
	}
	hs->blocked = false; /* the interrupt runs whatever the hart waited for */
	hs->nspin = 0;
	hs->nwait = 0;
	x->irq_mark = true;
	return true;
}

/* A store of hart h into a pc_ipi_pending word: a non-zero one raises the target's IPI. */
void exec_note_ipi(struct explorer *x, const struct mem_access *a)
{
	uint64_t lo = x->ipi_pending_addr, hi = lo + 4ull * PC_MAX_HARTS;
	unsigned t;

	if (!lo || a->addr < lo || a->addr >= hi || !a->value)
		return;
	t = (unsigned)((a->addr - lo) / 4);
	if (t >= x->nharts || t >= SCN_MAX_IRQ_HARTS) /* harts 6 and 7 take none: the sender waits */
		return;
	if (!x->st.harts[t].ipi_pending)
		x->st.harts[t].ipi_sent_at = x->st.ntransitions - 1;
	x->st.harts[t].ipi_pending = true;
	if (!(x->ipi_targets & (1u << t))) {
		/* From now on t's transitions read its flag (transition.c); the executions so far
		 * did not, so the search starts again, as for a newly written code word. */
		x->ipi_targets |= 1u << t;
		x->shared_set_grew = true;
	}
}

bool exec_interrupt_after_step(struct explorer *x, unsigned h, const struct step_info *info,
			       enum step_status s)
{
	struct hart_state *hs = &x->st.harts[h];
	uint64_t sp = machine_reg(x->m, h, x->arch->reg_sp);

	/* A breakpoint the guest handles (kprobes) runs with every interrupt masked, NMIs too,
	 * until the ERET that restores the stack it was taken on. */
	if (info->special.kind == SPECIAL_BREAKPOINT && s == STEP_OK && !hs->in_sync_exception) {
		hs->in_sync_exception = true;
		hs->sync_sp = sp;
		return false;
	}
	if (hs->in_sync_exception && info->special.kind == SPECIAL_EXC_RETURN && sp == hs->sync_sp) {
		hs->in_sync_exception = false;
		return false;
	}

	/* The exception return that brings the stack back to where the interrupt found it ends
	 * it. Traced calls of the handler whose return was not seen (a frame's SP is taken after
	 * the prologue on arm) returned by then: they are checked as returned now. */
	if (hs->nirq && info->special.kind == SPECIAL_EXC_RETURN && sp == hs->irq[hs->nirq - 1].sp) {
		struct irq_level *l = &hs->irq[hs->nirq - 1];
		uint32_t flag = 0;

		while (hs->depth > l->depth && !x->failure)
			check_frame_return(x, h, &hs->frames[--hs->depth]);
		keep_instrumentation(x, h, l->saved, true);
		if (--hs->nirq)
			return true; /* back in the handler the NMI came into */
		/* An IPI that came while the handler ran was served by it, or still waits. */
		if (x->ipi_pending_addr && h < SCN_MAX_IRQ_HARTS)
			machine_read_u32(x->m, x->ipi_pending_addr + 4ull * h, &flag);
		hs->ipi_pending = flag != 0;
		return true;
	}
	return false;
}

/*
 * Hart h ran a transition while an IPI was pending and did not take it. Every transition of a
 * hart that is sent IPIs reads its pending flag (transition.c), so the search also runs this
 * one before the IPI's store, as the reversal of that race. When nothing since the store
 * (its own transitions, or another hart's that touched what this one touched) holds it after
 * the store, the two executions do the same: this one is dropped, and where the IPI may be
 * taken is explored once for each place the store can fall, not once for each place the store
 * falls and each later place the IPI is taken. Off where spin.c's drops are off.
 */
void exec_ipi_passed(struct explorer *x, unsigned h)
{
	unsigned pos = x->st.ntransitions - 1;
	const struct event *t = &x->events[pos];
	uint64_t flag = x->ipi_pending_addr + 4ull * h;
	struct event_sig mine = {0};

	if (!dpor_may_drop(x))
		return;
	for (unsigned i = 0; i < t->sig.naccesses; i++) /* what it touched, its flag aside */
		if (t->sig.acc[i].addr != flag)
			mine.acc[mine.naccesses++] = t->sig.acc[i];
	mine.overflow = t->sig.overflow;
	for (unsigned j = x->st.harts[h].ipi_sent_at; j < pos; j++) {
		const struct event *e = &x->events[j];

		if (dpor_event_erased(x, e))
			continue;
		if ((e->hart == h && j != x->st.harts[h].ipi_sent_at) || mine.overflow ||
		    dpor_dependent(&mine, &e->sig))
			return;
	}
	x->st.pruned = true;
	x->executions_dropped++;
}
