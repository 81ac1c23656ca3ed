/*
 * dpor.c - source-set dynamic partial-order reduction with sleep sets (Abdulla, Aronis,
 * Jonsson and Sagonas, "Optimal dynamic partial order reduction", POPL 2014, Algorithm 1).
 *
 * Every transition of an execution is an event: the hart that took it and the shared memory
 * its visible step touched (loads, stores, the fetch of a code word some hart may write; a
 * fetch reads the word). Two events of different harts are dependent when they touch a common
 * byte and at least one writes it. Happens-before (program order plus the order of dependent
 * events) is kept as a vector clock per event.
 *
 * When an event e' is added, every earlier event e of another hart that is dependent with it
 * and not already ordered before it through other events is a race. Reversing the race is
 * another Mazurkiewicz trace: at the point just before e, some hart that can start the
 * sequence v = (the events after e that do not happen after e).e' must be explored. If none of
 * v's initial harts is already in that point's backtrack set, one is added (hart(e') when it
 * is an initial, else the lowest).
 *
 * With a preemption bound, a reversal the bound forbids at that point may be reachable by
 * scheduling q earlier (Coons, Musuvathi and McKinley, "Bounded partial-order reduction",
 * OOPSLA 2013, add it where a switch costs nothing). Preemptions here are counted as a hart
 * held back while another runs on (search.c), not as switches, so q is added at every earlier
 * point where the bound lets it go, and the search keeps no sleep sets under a bound. This is
 * conservative, not proven for this cost model: test_search_cover checks it against every
 * interleaving within the bound (the start-of-run point alone missed one of nop-to-call's 9
 * traces at bound 0; sleep sets with it missed 7).
 */
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/* Do a and b touch a common byte, at least one writing it (observing: neither access one the
 * model added)? */
static bool sigs_conflict(const struct event_sig *a, const struct event_sig *b, bool observing)
{
	for (unsigned i = 0; i < a->naccesses; i++)
		for (unsigned j = 0; j < b->naccesses; j++) {
			const struct ev_access *p = &a->acc[i], *q = &b->acc[j];

			if (!(p->write | q->write) || (observing && (p->model | q->model)))
				continue;
			if (p->addr < q->addr + q->size && q->addr < p->addr + p->size)
				return true;
		}
	return false;
}

static bool accesses_conflict(const struct event_sig *a, const struct event_sig *b)
{
	return sigs_conflict(a, b, false);
}

bool dpor_dependent(const struct event_sig *a, const struct event_sig *b)
{
	return accesses_conflict(a, b);
}

static bool takes_machine(const struct event_sig *s)
{
	for (unsigned i = 0; i < s->naccesses; i++)
		if (s->acc[i].addr == EX_STOP_TOKEN && s->acc[i].write)
			return true;
	return false;
}

bool dpor_sleep_dependent(const struct event_sig *a, const struct event_sig *b)
{
	return takes_machine(a) || takes_machine(b) || accesses_conflict(a, b);
}

void dpor_event_begin(struct explorer *x, unsigned h)
{
	struct event *e = &x->events[x->st.ntransitions - 1];

	e->hart = (uint8_t)h;
	e->alt = 0;
	e->erased_by = 0;
	e->sig.naccesses = 0;
	e->sig.overflow = false;
}

static void sig_add(struct event_sig *s, uint64_t addr, unsigned size, bool write, bool model)
{
	for (unsigned i = 0; i < s->naccesses; i++) {
		struct ev_access *a = &s->acc[i];

		if (a->addr == addr && a->size == size) {
			a->write |= write;
			a->model &= model;
			return;
		}
		if (a->write == write && a->model == model &&
		    (a->addr + a->size == addr || addr + size == a->addr)) {
			a->addr = a->addr < addr ? a->addr : addr;
			a->size += size;
			return;
		}
	}
	if (s->naccesses == EX_MAX_EVENT_ACCESSES) {
		/* More than the event can hold: one range covering all, written. Coarser, so
		 * dependent with more: sound. */
		struct ev_access *a = &s->acc[EX_MAX_EVENT_ACCESSES - 1];
		uint64_t lo = a->addr < addr ? a->addr : addr;
		uint64_t hi = a->addr + a->size > addr + size ? a->addr + a->size : addr + size;

		a->addr = lo;
		a->size = (uint32_t)(hi - lo);
		a->write = true;
		a->model = false;
		s->overflow = true;
		return;
	}
	s->acc[s->naccesses].addr = addr;
	s->acc[s->naccesses].size = size;
	s->acc[s->naccesses].write = write;
	s->acc[s->naccesses].model = model;
	s->naccesses++;
}

void dpor_event_access(struct explorer *x, uint64_t addr, unsigned size, bool write)
{
	sig_add(&x->events[x->st.ntransitions - 1].sig, addr, size, write, false);
}

void dpor_event_model_access(struct explorer *x, uint64_t addr, unsigned size, bool write)
{
	sig_add(&x->events[x->st.ntransitions - 1].sig, addr, size, write, true);
}

void dpor_sig_union(struct event_sig *into, const struct event_sig *b)
{
	for (unsigned i = 0; i < b->naccesses; i++)
		sig_add(into, b->acc[i].addr, b->acc[i].size, b->acc[i].write, b->acc[i].model);
	into->overflow |= b->overflow;
}

/* Does event a (at some position) happen before the event whose clock is c? */
static bool happens_before(const struct event *a, const uint16_t *c)
{
	return c[a->hart] >= a->index;
}

bool dpor_observed_before(const struct explorer *x, unsigned pos, unsigned h)
{
	bool reached[EX_MAX_TRANSITIONS] = {false};
	int last = x->st.last_event[h];

	if (x->events[pos].hart == h)
		return true; /* program order, the hart's current transition included */
	if (last < 0 || (unsigned)last < pos)
		return false;
	/* Backwards from h's last transition: an event is reached when a later reached one is of
	 * its hart, or observes it (a conflict through memory, not through the model). */
	for (unsigned j = (unsigned)last + 1; j-- > pos;) {
		const struct event *e = &x->events[j];

		if (dpor_event_erased(x, e))
			continue;
		reached[j] = e->hart == h;
		for (unsigned k = j + 1; k <= (unsigned)last && !reached[j]; k++)
			reached[j] = reached[k] && (x->events[k].hart == e->hart ||
						    sigs_conflict(&e->sig, &x->events[k].sig, true));
	}
	return reached[pos];
}

static unsigned lowest(uint32_t mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/*
 * Hart q must be explored at position pos. If it cannot run there (parked by another hart's
 * stop-machine, or spinning), the race can only be reversed where q could last run, before it
 * was parked: q is added at the latest earlier point where it was enabled (Flanagan and
 * Godefroid's co-enabled transition). With none, every hart that can run at pos is added. For
 * an event that began with an interrupt (irq), a point where q could only take its interrupt
 * will do; for any other, q must be able to run there.
 */
static void add_backtrack_at(struct explorer *x, unsigned pos, unsigned q, bool irq)
{
	for (unsigned j = pos + 1; j-- > 0;) {
		struct dpor_node *n = &x->nodes[j];

		if (n->nalts[q] || (irq && (n->irq & (1u << q)))) {
			n->backtrack |= 1u << q;
			state_cache_escape(x, j, pos, q, irq);
			return;
		}
	}
	x->nodes[pos].backtrack |= x->nodes[pos].enabled;
}

/* Hart q's first event in v (positions), or e2. */
static const struct event *first_of(const struct explorer *x, unsigned q, const struct event *e2,
				    const unsigned *v, unsigned nv)
{
	for (unsigned k = 0; k < nv; k++)
		if (x->events[v[k]].hart == q)
			return &x->events[v[k]];
	return e2;
}

/* The race e (at position i) ⋖ e2 (at position pos, with clock c so far): make sure one of the
 * initials of v = notdep(e).e2 is explored before e. */
static void reverse_race(struct explorer *x, unsigned i, unsigned pos, const uint16_t *c)
{
	const struct event *e = &x->events[i], *e2 = &x->events[pos];
	struct dpor_node *n = &x->nodes[i];
	uint32_t initials = 0, seen = 0;
	unsigned v[EX_MAX_TRANSITIONS], nv = 0, q;
	bool e2_initial = true;

	for (unsigned j = i + 1; j < pos; j++)
		if (!happens_before(e, x->events[j].clock))
			v[nv++] = j;
	for (unsigned k = 0; k < nv && e2_initial; k++)
		if (happens_before(&x->events[v[k]], c))
			e2_initial = false;
	if (e2_initial && ((n->backtrack | n->done) & (1u << e2->hart)) &&
	    !x->bound_active)
		return;
	/* The initials: harts whose first event in v has no predecessor in v. */
	for (unsigned k = 0; k < nv; k++) {
		const struct event *ev = &x->events[v[k]];
		bool initial = true;

		if (seen & (1u << ev->hart))
			continue;
		seen |= 1u << ev->hart;
		for (unsigned l = 0; l < k && initial; l++)
			if (happens_before(&x->events[v[l]], ev->clock))
				initial = false;
		if (initial)
			initials |= 1u << ev->hart;
	}
	if (e2_initial)
		initials |= 1u << e2->hart;
	if (!initials) /* cannot happen: the first event of v is always an initial */
		initials = 1u << e2->hart;
	q = (initials & (1u << e2->hart)) ? e2->hart : lowest(initials);
	if (!((n->backtrack | n->done) & initials))
		add_backtrack_at(x, i, q, first_of(x, q, e2, v, nv)->alt == EX_ALT_INTERRUPT);
	if (x->bound_active) {
		for (unsigned j = i; j-- > 0;)
			if ((x->nodes[j].allowed & (1u << q)) &&
			    !((x->nodes[j].backtrack | x->nodes[j].done) & (1u << q)))
				x->nodes[j].backtrack |= 1u << q;
	}
}

void dpor_event_end(struct explorer *x)
{
	unsigned pos = x->st.ntransitions - 1;
	struct event *e = &x->events[pos];
	unsigned h = e->hart;
	int prev = x->st.last_event[h];
	uint16_t c[SCN_MAX_HARTS];

	/* The hart holds the machine and others still run (they finish their sites first): its
	 * next transitions can be held back by them, so for sleep sets it depends on them all. */
	if (x->st.exclusive == (int)h)
		dpor_event_model_access(x, EX_STOP_TOKEN, 1, true);

	if (prev >= 0)
		memcpy(c, x->events[prev].clock, sizeof(c));
	else
		memset(c, 0, sizeof(c));
	e->index = (uint16_t)(prev >= 0 ? x->events[prev].index + 1 : 1);
	c[h] = e->index;
	for (unsigned i = pos; i-- > 0;) {
		const struct event *f = &x->events[i];

		if (f->hart == h || happens_before(f, c) || dpor_event_erased(x, f) ||
		    !accesses_conflict(&f->sig, &e->sig))
			continue;
		x->raced_by[i] = x->events_ended + 1;
		if (x->nodes && !x->replaying)
			reverse_race(x, i, pos, c);
		for (unsigned k = 0; k < x->nharts; k++)
			if (f->clock[k] > c[k])
				c[k] = f->clock[k];
	}
	memcpy(e->clock, c, sizeof(c));
	x->st.last_event[h] = (int16_t)pos;
	x->events_ended++;
}

bool dpor_raced_with_last(const struct explorer *x, unsigned pos)
{
	return x->events_ended && x->raced_by[pos] == x->events_ended;
}

uint64_t dpor_reach_key(const struct explorer *x, unsigned pos)
{
	struct event_sig seen = {0}; /* the observing accesses of the events reached */
	uint32_t harts = 0;
	uint64_t key = 0;

	for (unsigned j = pos; j < x->st.ntransitions && j < EX_MAX_TRANSITIONS; j++) {
		const struct event *e = &x->events[j];
		bool reached = j == pos || (harts & (1u << e->hart));

		if (j > pos && dpor_event_erased(x, e))
			continue;
		if (!reached)
			reached = sigs_conflict(&seen, &e->sig, true);
		if (!reached)
			continue;
		harts |= 1u << e->hart;
		for (unsigned k = 0; k < e->sig.naccesses; k++)
			if (!e->sig.acc[k].model)
				sig_add(&seen, e->sig.acc[k].addr, e->sig.acc[k].size,
					e->sig.acc[k].write, false);
		seen.overflow |= e->sig.overflow;
	}
	for (unsigned k = 0; k < seen.naccesses; k++)
		key += (seen.acc[k].addr * 0x9e3779b97f4a7c15ull) ^
		       ((uint64_t)seen.acc[k].size << 40) ^ ((uint64_t)seen.acc[k].write << 63);
	if (seen.overflow) /* more ranges than kept: no other visit is taken for the same */
		return hash_mix(key ^ x->events_ended ^ (uint64_t)pos << 32);
	return key ^ (uint64_t)harts << 48;
}

/*
 * The Mazurkiewicz trace of the execution so far, as a 64-bit hash: the set of its events, each
 * with what it touched, the version its first fetch read (or its interrupt) and its vector
 * clock. Equivalent executions have the same events with the
 * same happens-before, in any order, so the events' hashes are summed. An event that touched
 * nothing (a spin iteration erased by spin.c, the end of a call) is ordered by program order
 * alone and is left out, and the others are numbered without it: an execution whose hart spun
 * once more before a write is the same trace.
 */
uint64_t dpor_trace_hash(const struct explorer *x)
{
	uint16_t counted[SCN_MAX_HARTS][EX_MAX_TRANSITIONS + 1]; /* 16 KiB */
	uint64_t sum = 0;
	unsigned n = x->st.ntransitions < EX_MAX_TRANSITIONS ? x->st.ntransitions : EX_MAX_TRANSITIONS;

	/* counted[h][k]: events of hart h among its first k that touched something */
	for (unsigned h = 0; h < x->nharts; h++)
		counted[h][0] = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct event *e = &x->events[i];

		counted[e->hart][e->index] = counted[e->hart][e->index - 1] +
					     (e->sig.naccesses > 0 && !dpor_event_erased(x, e));
	}
	for (unsigned i = 0; i < n; i++) {
		const struct event *e = &x->events[i];
		uint64_t v;

		if (!e->sig.naccesses || dpor_event_erased(x, e))
			continue;
		/* which version its first fetch read, or its interrupt, is part of the trace */
		v = hash_mix(((uint64_t)e->alt << 40) | ((uint64_t)e->hart << 32) |
			counted[e->hart][e->index]);
		for (unsigned k = 0; k < x->nharts; k++)
			v = hash_mix(v ^ counted[k][e->clock[k]] ^ ((uint64_t)k << 20));
		for (unsigned k = 0; k < e->sig.naccesses; k++)
			v = hash_mix(v ^ e->sig.acc[k].addr ^ ((uint64_t)e->sig.acc[k].size << 48) ^
				((uint64_t)e->sig.acc[k].write << 63));
		sum += v;
	}
	return sum;
}

/* Is the range at events[i].sig.acc[k] one an earlier access (in the order of the events and
 * their accesses) already wrote? */
static bool written_before(const struct explorer *x, unsigned i, unsigned k)
{
	const struct ev_access *a = &x->events[i].sig.acc[k];

	for (unsigned j = 0; j <= i; j++)
		for (unsigned l = 0; l < (j == i ? k : x->events[j].sig.naccesses); l++) {
			const struct ev_access *b = &x->events[j].sig.acc[l];

			if (b->write && !b->model && b->addr == a->addr && b->size == a->size)
				return true;
		}
	return false;
}

uint64_t dpor_final_state_hash(const struct explorer *x)
{
	uint64_t regs[ARCH_MAX_REGS], sum = 0, v;

	for (unsigned h = 0; h < x->nharts; h++) {
		machine_read_regs(x->m, h, regs);
		liveness_mask_regs(x, liveness_dead_at_end(x, h), regs);
		v = hash_mix(h);
		for (unsigned r = 0; r < x->arch->nregs; r++)
			v = hash_mix(v ^ regs[r]);
		sum += v;
	}
	/* Each range written once in the sum, with its contents now. */
	for (unsigned i = 0; i < x->st.ntransitions && i < EX_MAX_TRANSITIONS; i++)
		for (unsigned k = 0; k < x->events[i].sig.naccesses; k++) {
			const struct ev_access *a = &x->events[i].sig.acc[k];
			const uint8_t *p;

			if (!a->write || a->model || written_before(x, i, k) ||
			    !(p = machine_ram_view(x->m, a->addr, a->size)))
				continue;
			v = hash_mix(a->addr ^ (uint64_t)a->size << 48);
			for (unsigned b = 0; b < a->size; b++)
				v = hash_mix(v ^ p[b]);
			sum += v;
		}
	return sum;
}
