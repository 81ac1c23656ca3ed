/*
 * spin.c - harts that wait: spin loops detected from the code the guest runs, and deadlock.
 *
 * A hart that spins on shared memory (a lock word, a rendezvous flag, a wait loop with WFE or
 * a pause hint) runs iterations that load, compare and branch back, and store nothing. Such an
 * iteration is recognised, as stateless model checkers do, by the hart coming back to the same
 * state: at the end of a transition that only read shared memory, the hart's pc, registers,
 * stack (from SP to its top) and other private memory are hashed; when the hash equals one
 * from an earlier transition in the window, with no store in between, the iteration changed
 * nothing and the next one would repeat it. The hart is then blocked on the shared memory the iteration read: not runnable,
 * so its waiting costs no preemption and no budget, until another hart writes that memory.
 *
 * A state where every unfinished hart is blocked, or parked behind one that is, is a deadlock.
 */
#include <stdio.h>
#include <string.h>

#include "exec.h"

/* One 64-bit word into the running hash (a multiply and a fold: every bit of w reaches v). */
static uint64_t hash_word(uint64_t v, uint64_t w)
{
	v = (v ^ w) * 0x9e3779b97f4a7c15ull;
	return v ^ (v >> 32);
}

/* A hash of the hart's place in its program, its registers (pc among them), the live part of
 * its stack and the rest of its private memory. */
static uint64_t hart_state_hash(struct explorer *x, unsigned h)
{
	uint64_t regs[ARCH_MAX_REGS], v = 0xcbf29ce484222325ull;
	uint64_t sp, top = machine_stack_top(x->m, h);
	const uint8_t *stack;

	machine_read_regs(x->m, h, regs);
	liveness_mask_regs(x, liveness_dead_regs(x, h), regs); /* what it left behind is no state */
	/* Where the hart is in its program: the same call repeated is progress, not a spin. */
	v = hash_word(v, x->st.harts[h].call);
	for (unsigned r = 0; r < x->arch->nregs; r++)
		v = hash_word(v, regs[r]);
	sp = regs[x->arch->reg_sp];
	if (sp < top && top - sp <= MACHINE_STACK_SIZE &&
	    (stack = machine_ram_view(x->m, sp, top - sp)))
		v = hash_word(v, machine_hash_bytes(stack, top - sp, 1));
	/* What it keeps to itself besides its stack (a counter its loop bumps is progress). */
	return hash_word(v, machine_private_hash(x->m, h));
}

static void forget_window(struct hart_state *hs)
{
	hs->nspin = 0;
	hs->nwait = 0;
}

/*
 * Hart b is woken by the write just made. Its entry read (the read that led it into the loop,
 * which stays in the partial order) read the value this write replaced, and when the two race
 * (they conflict and the entry read does not happen before the write), dpor.c has just made
 * sure the reversed order is explored: the write first, and the hart's read finds the new
 * value at once. Everything this execution goes on to do, that one does without the wait,
 * so this one is dropped. Without it, every waiting hart doubles the executions at every
 * rendezvous: its entry read, made before the state changed, is not part of the loop, which
 * is recognised from its second iteration.
 *
 * Which executions are dropped depends on the order the search takes, so the reduced search
 * reaches every final state but not every trace: test_search_cover checks the final states
 * against every interleaving, and the traces with the rule off (keep_dropped). Off under
 * a preemption bound (the reversal may lie past it) and when a known schedule is re-run.
 */
static bool woken_by_a_race(const struct explorer *x, const struct hart_state *hs, unsigned b)
{
	if (!dpor_may_drop(x))
		return false;
	return x->events[hs->blocked_after].hart == b &&
	       dpor_raced_with_last(x, hs->blocked_after);
}

/* Wake the harts blocked on memory this event wrote. A hart not blocked forgets its window
 * when the write hits what the window read: an iteration that comes back to the same state
 * after it read a value since overwritten has not shown that nothing changes (the next one
 * reads the new value), and the hart must not wait for a write that was already made. */
static void wake_waiters(struct explorer *x, unsigned writer, const struct event_sig *s)
{
	for (unsigned b = 0; b < x->nharts; b++) {
		struct hart_state *hs = &x->st.harts[b];
		struct event_sig waits = {.naccesses = hs->nwait};

		if (b == writer || !hs->nwait)
			continue;
		memcpy(waits.acc, hs->wait, hs->nwait * sizeof(hs->wait[0]));
		if (!dpor_dependent(&waits, s))
			continue;
		if (hs->blocked && woken_by_a_race(x, hs, b)) {
			x->st.pruned = true;
			x->executions_dropped++;
		}
		hs->blocked = false;
		forget_window(hs);
	}
}

/*
 * The iteration that brought hart h back to the state it had after the transition at position
 * from changed nothing: it only read, and the hart is where it was. It is erased from the
 * partial order (dpor_event_erased: its events count for nothing in any execution that has
 * this transition): whether it ran before or after another hart's write is not a different
 * execution, since the hart that spins reads that write when it wakes. The read that led
 * into the loop stays: what it read decided the state the loop repeats.
 */
static void forget_iteration(struct explorer *x, unsigned h, unsigned from)
{
	for (unsigned p = from + 1; p < x->st.ntransitions; p++)
		if (x->events[p].hart == h && !dpor_event_erased(x, &x->events[p]))
			x->events[p].erased_by = (uint16_t)x->st.ntransitions;
}

void spin_after_transition(struct explorer *x, unsigned h)
{
	struct hart_state *hs = &x->st.harts[h];
	const struct event_sig *s = &x->events[x->st.ntransitions - 1].sig;
	unsigned nread = 0;
	uint64_t state;
	bool wrote = s->overflow;

	for (unsigned i = 0; i < s->naccesses; i++) /* its own fetch state wakes no one */
		wrote |= s->acc[i].write && !(s->acc[i].addr >= EX_HART_TOKEN &&
					      s->acc[i].addr < EX_CACHE_TOKEN);
	if (wrote) {
		wake_waiters(x, h, s);
		forget_window(hs);
		return;
	}
	if (hs->done && !hs->nirq) /* an idle hart spins only in an interrupt's handler */
		return;
	/* Append what this transition read (the stop-machine token is not memory). */
	for (unsigned i = 0; i < s->naccesses; i++) {
		if (s->acc[i].addr == EX_STOP_TOKEN)
			continue;
		if (hs->nwait == EX_MAX_WAIT) {
			forget_window(hs);
			return;
		}
		hs->wait[hs->nwait++] = s->acc[i];
		nread++;
	}
	if (!nread)
		return;
	state = hart_state_hash(x, h);
	for (unsigned j = 0; j < hs->nspin; j++) {
		if (hs->spin_state[j] != state)
			continue;
		/* The iteration since entry j: it read wait[spin_wait_at[j] ..], and nothing else. */
		unsigned from = hs->spin_wait_at[j], n = hs->nwait - from;

		/* A read of an older value (data_memory: arch) that led the hart back where it was
		 * only delayed it: the execution where it read the newest is explored too, and
		 * this one would wait for a write that was already made. Dropped. */
		for (unsigned p = hs->spin_event[j] + 1; p < x->st.ntransitions; p++)
			if (x->events[p].hart == h && x->st.dalt[p]) {
				x->st.pruned = true;
				return;
			}

		memmove(hs->wait, hs->wait + from, n * sizeof(hs->wait[0]));
		hs->nwait = n;
		forget_iteration(x, h, hs->spin_event[j]);
		hs->blocked_after = hs->spin_event[j];
		hs->nspin = 0;
		hs->blocked = true;
		return;
	}
	if (hs->nspin == EX_SPIN_WINDOW) { /* keep the newest entries */
		unsigned drop = hs->spin_wait_at[0];

		memmove(hs->spin_state, hs->spin_state + 1, (EX_SPIN_WINDOW - 1) * sizeof(uint64_t));
		memmove(hs->spin_wait_at, hs->spin_wait_at + 1,
			(EX_SPIN_WINDOW - 1) * sizeof(unsigned));
		memmove(hs->spin_event, hs->spin_event + 1, (EX_SPIN_WINDOW - 1) * sizeof(unsigned));
		hs->nspin--;
		memmove(hs->wait, hs->wait + drop, (hs->nwait - drop) * sizeof(hs->wait[0]));
		hs->nwait -= drop;
		for (unsigned j = 0; j < hs->nspin; j++)
			hs->spin_wait_at[j] -= drop;
	}
	hs->spin_state[hs->nspin] = state;
	hs->spin_wait_at[hs->nspin] = hs->nwait;
	hs->spin_event[hs->nspin] = x->st.ntransitions - 1;
	hs->nspin++;
}

/* Nobody can run and somebody has not finished: name what each unfinished hart waits for. */
void check_deadlock(struct explorer *x)
{
	char actual[160], detail[320], where[96];
	size_t n = 0;
	unsigned first = 0;
	bool any = false;

	for (unsigned h = 0; h < x->nharts; h++) {
		const struct hart_state *hs = &x->st.harts[h];

		if (hs->done && !hs->nirq)
			continue;
		if (!any)
			first = h;
		any = true;
		if (hs->blocked && hs->nwait) {
			uint64_t v = 0;
			const uint8_t *p = machine_ram_view(x->m, hs->wait[0].addr, 8);

			if (p)
				memcpy(&v, p, hs->wait[0].size < 8 ? hs->wait[0].size : 8);
			v &= hs->wait[0].size >= 8 ? ~0ull : (1ull << (8 * hs->wait[0].size)) - 1;
			n += (size_t)snprintf(detail + n, n < sizeof(detail) ? sizeof(detail) - n : 0,
					      "%shart %u spins on %s (= 0x%llx)", n ? "; " : "", h,
					      symbolize(x, hs->wait[0].addr, where, sizeof(where)),
					      (unsigned long long)v);
		} else {
			n += (size_t)snprintf(detail + n, n < sizeof(detail) ? sizeof(detail) - n : 0,
					      "%shart %u is parked by hart %d", n ? "; " : "", h,
					      x->st.exclusive);
		}
	}
	if (!any)
		return;
	snprintf(actual, sizeof(actual), "no hart can run");
	check_fail(x, "deadlock", first, machine_pc(x->m, first), "a hart that can make progress",
		   actual, "%s", detail);
}
