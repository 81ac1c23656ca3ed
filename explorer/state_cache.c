/*
 * state_cache.c - points whose state the search explored before.
 *
 * Executions that order conflicting steps differently are different Mazurkiewicz traces, and
 * DPOR explores each; but many of them meet again in the same state a few transitions later
 * (the CPUs of a stop_machine rendezvous decrement its acknowledgement counter in every order,
 * and only who is last matters) and then explore the same futures. At each point with more
 * than one choice the search hashes the state: the machine's (RAM, every CPU context, the fetch
 * model: state_hash.c) and the execution's (exec_hash below: what the checks and the scheduling
 * carry forward, with what depends on positions on the path left out or mapped to what it
 * decides). A point whose state an earlier visit explored completely, without a failure, is not
 * explored again (after Yang, Chen, Gopalakrishnan and Kirby, "Efficient stateful dynamic
 * partial order reduction", SPIN 2008), when:
 *  - the earlier visit slept on no hart this one would explore (its sleep set is a subset);
 *  - the budgets of the termination checks hold: no hart's call, and not the path, runs longer
 *    than they allow when the earlier future is added to this point's.
 * Then the earlier future's races with this path get their backtrack points, as dpor.c would
 * have given them had the future run here: the future's accesses are kept per hart and range
 * (the summary), each with the harts whose steps after the point it depends on and some of the
 * accesses after the point it depends on; a step of the path that conflicts with one, and does
 * not happen before it through those, may race with it, and every hart that could begin the
 * reversal is added where dpor.c would add it. The backtrack points the earlier future placed
 * above its point (a hart added where it last could run: dpor.c) are placed on this path too.
 * A point whose future held a failure is not kept. Once a failure is found, the search goes on
 * below its preemptions only (search.c), and a state then includes what the future may still
 * spend: the preemptions spent, the harts held back and the hart that ran last, which decide
 * the schedules it may explore (a state kept before the failure, hashed without them, is not
 * found again). The same holds in the search for a simpler failure with the dropped
 * executions kept, whose table starts empty, since the first search's futures left out what
 * it dropped. Under the data model (memory: arch) the machine's hash includes its messages and
 * views, and a point where a hart's spin window holds a read of an older value is not cut or
 * kept (spin.c drops the execution if that loop comes back: the path before decides). Off under
 * a preemption bound, with every interleaving or the dropped executions kept (options), for a
 * shard of a tree, and for litmus scenarios (their outcomes are counted per execution).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define SC_MAX_ENTRIES 512      /* accesses in one point's summary; more: not kept */
#define SC_INDEX 1024           /* open-addressing index over them (a power of two) */
/* The states kept in one generation (a 64-byte slot each, a table at most half full), with room
 * for 16 summary entries per state (a 4-byte number each: an access is kept once, in the table
 * of kinds, and a summary once for all the states that have it): two generations hold 2M states
 * and 32M entries, about 470 MiB at most. When the newer is full, the older is forgotten and a
 * new one begins (forgetting is always sound, but the futures forgotten are explored again).
 * The three-CPU searches under Linux's stop_machine keep hundreds of thousands of states, with
 * about 35 accesses each: with each access written out per state (32 bytes), a generation's 4M
 * entries were full after 125K states, and a search that needs 700K forgot all it learnt again
 * and again and did not end. */
#define SC_GEN_STATES (1u << 20)
#define SC_GEN_ENTRIES_PER_STATE 16
/* Distinct kept accesses (32 bytes each). The summaries of a search hold few: the 4M entries
 * of 125K states of a three-CPU stop held 440 distinct ones. When the table is full, it and
 * every kept state are forgotten. */
#define SC_MAX_KINDS (1u << 16)
/* A point whose future took fewer transitions, or was a single execution, is not kept:
 * finding it again would save less than keeping every such point costs. */
#define SC_MIN_WORK 16
#define SC_PAST_SCAN 32 /* transitions before a step looked at for its past */

#define SC_MAX_PAST 4 /* accesses after the point that an access's step depends on, kept */

struct sc_range {
	uint64_t addr;
	uint32_t size;
	bool write;
};

/* What a step after the point depends on among the steps after the point: the accesses of
 * those steps (some of them: fewer is conservative), itself included. */
struct sc_past {
	uint8_t n;
	struct sc_range r[SC_MAX_PAST];
};

/* An access of the future of a point on the current path, with what the steps that made it
 * all depend on: the earliest clock, the accesses common to their pasts. */
struct sc_access {
	uint64_t addr;
	uint32_t size;
	uint8_t hart;
	bool write;
	uint16_t clock[SCN_MAX_HARTS];
	struct sc_past past;
};

/* The same, kept with a state: the harts whose steps after the point it depends on (a mask),
 * and its past as numbers in the cache's table of ranges. */
struct sc_kept {
	uint64_t addr;
	uint32_t size;
	uint8_t hart, write, npast, after;
	uint32_t past[SC_MAX_PAST];
};

#define SC_MAX_RANGES (1u << 16) /* distinct ranges in pasts; more are left out */

struct sc_point {
	bool open;
	bool failed;                         /* a failure was found in its future */
	uint64_t hash;
	uint32_t sleep;
	uint16_t count[SCN_MAX_HARTS];       /* each hart's transitions before the point */
	unsigned call[SCN_MAX_HARTS];        /* each hart's call at the point, */
	uint64_t call_steps[SCN_MAX_HARTS];  /* its steps in it then, */
	uint64_t max_steps[SCN_MAX_HARTS];   /* and the most the future took in that call */
	unsigned max_depth;                  /* the longest path through the point */
	unsigned long work;                  /* transitions its future took, in all */
	unsigned long branches;              /* points in its future where a second choice ran */
	uint32_t escape, escape_irq;         /* backtracks its future placed above it */
	bool overflow;
	unsigned n;
	struct sc_access *acc;               /* SC_MAX_ENTRIES */
	uint16_t *index;                     /* SC_INDEX: entry + 1, 0 empty */
};

struct sc_state {
	uint64_t hash; /* 0: empty slot */
	uint32_t sleep, escape, escape_irq;
	unsigned longer;                     /* transitions the longest future took */
	uint32_t more_steps[SCN_MAX_HARTS];  /* steps each hart's future took in its call (at
					      * most UINT32_MAX: more only cuts less) */
	uint32_t first, n; /* its summary in the pool */
};

/* A summary kept once for all the states of a generation whose summaries are the same set (a
 * three-CPU stop's 725K states had 32K distinct summaries): pool[first .. first + n). */
struct sc_summary {
	uint64_t hash; /* 0: empty slot */
	uint32_t first, n;
};

/* One generation of kept states: open addressing on the hash, and their summaries, each a set
 * of numbers in the table of kinds, ascending, in the pool. */
struct sc_gen {
	struct sc_state *slots;
	size_t cap, used;
	uint32_t *pool;
	size_t npool, pool_cap;
	struct sc_summary *sums;
	size_t sums_cap, nsums;
};

struct state_cache {
	struct sc_point *points;   /* EX_MAX_TRANSITIONS + 1, by depth */
	unsigned *open;            /* depths of the open points on the path, outermost first */
	unsigned nopen;
	struct sc_gen gen[2];      /* gen[newer] is filled; the other is only looked in */
	unsigned newer;
	size_t gen_states, gen_pool; /* a generation's most */
	struct sc_range *ranges;   /* SC_MAX_RANGES, numbered from 0 */
	uint32_t *range_index;     /* 2 * SC_MAX_RANGES slots: number + 1, 0 empty */
	unsigned nranges;
	struct sc_kept *kinds;     /* SC_MAX_KINDS distinct kept accesses, numbered from 0 */
	uint32_t *kind_index;      /* 2 * SC_MAX_KINDS slots: number + 1, 0 empty */
	unsigned nkinds;
};

static uint64_t add(uint64_t v, uint64_t w)
{
	return hash_mix(v ^ w) + 0x9e3779b97f4a7c15ull;
}

/* n bytes into the hash. */
static uint64_t add_bytes(uint64_t v, const void *p, size_t n)
{
	return add(v, machine_hash_bytes(p, n, 0));
}

/* ---- the state ---- */

static uint64_t tag_key(void *ud, uint32_t tag)
{
	return dpor_reach_key(ud, tag - 1);
}

/* Times (global step numbers) are compared only with one another and with later ones: each
 * is hashed as its rank among them. */
static uint64_t time_rank(const struct explorer *x, uint64_t t)
{
	uint64_t below = 0;

	for (unsigned w = 0; w < x->nwatch; w++)
		below += x->st.last_write[w].writer >= 0 && x->st.last_write[w].step < t;
	for (unsigned h = 0; h < x->nharts; h++)
		below += x->st.sync_step[h] < t;
	return below;
}

static uint64_t frame_hash(uint64_t v, const struct explorer *x, const struct frame *f)
{
	v = add(v, (uint64_t)(uint32_t)f->site ^ (uint64_t)f->body_count << 32);
	v = add_bytes(v, f->entry_regs, x->arch->nregs * sizeof(f->entry_regs[0]));
	v = add(v, f->lr);
	v = add(v, f->sp);
	v = add(v, f->rec_seq);
	v = add(v, f->post_seq);
	v = add(v, f->direct_requests);
	v = add(v, f->direct_calls);
	v = add(v, f->redirect_requests);
	v = add(v, f->graph_hooks);
	v = add(v, f->graph_returns);
	v = add(v, (uint64_t)(uint32_t)f->redirect | (uint64_t)f->called << 32 |
		       (uint64_t)f->chain_checked << 33);
	v = add(v, f->fetched_mask);
	for (unsigned b = 0; b < EX_MAX_SITE_BYTES; b++)
		if (f->fetched_mask & (1u << b))
			v ^= (uint64_t)f->fetched[b] << (8 * (b & 7)) << (b & 8 ? 1 : 0);
	return add(v, 0);
}

/* What a hart's future depends on. Left out: its step counts (call_steps is a budget the
 * lookup compares; steps is the clock, which the machine hashes once the guest reads it), the
 * positions on the path of the transitions its spin window and its pending IPI came from
 * (they decide only which executions are dropped as redundant), and the spin window of a hart
 * not blocked: the states its loop went through and what they read decide only how soon it is
 * seen to spin. From one machine state, with no write in between, its loop goes through the
 * same states whatever it remembers, and blocks once one repeats within the window (sooner
 * with more remembered, the iterations in between erased either way: spin.c); what it waits
 * for once blocked is hashed. */
static uint64_t hart_hash(uint64_t v, const struct explorer *x, const struct hart_state *hs)
{
	v = add(v, (uint64_t)hs->done | (uint64_t)hs->call << 1 | (uint64_t)hs->depth << 32);
	v = add(v, hs->prev_pc);
	v = add_bytes(v, hs->stack_args, sizeof(hs->stack_args));
	v = add_bytes(v, hs->call_regs, x->arch->nregs * sizeof(hs->call_regs[0]));
	for (unsigned d = 0; d < hs->depth && d < EX_MAX_DEPTH; d++)
		v = frame_hash(v, x, &hs->frames[d]);
	v = add(v, (uint64_t)hs->blocked);
	for (unsigned j = 0; hs->blocked && j < hs->nwait; j++)
		v = add(v, hs->wait[j].addr ^ (uint64_t)hs->wait[j].size << 40 ^
			       (uint64_t)hs->wait[j].write << 62 ^ (uint64_t)hs->wait[j].model << 63);
	v = add(v, (uint64_t)hs->exclusive_steps | (uint64_t)hs->irqs_taken << 16 |
		       (uint64_t)hs->ipi_pending << 40 | (uint64_t)hs->in_sync_exception << 41 |
		       (uint64_t)hs->nirq << 42);
	v = add(v, hs->sync_sp);
	for (unsigned l = 0; l < hs->nirq; l++) {
		v = add(v, hs->irq[l].depth | (uint64_t)hs->irq[l].nmi << 32);
		v = add(v, hs->irq[l].from);
		v = add(v, hs->irq[l].sp);
		v = add_bytes(v, hs->irq[l].saved, sizeof(hs->irq[l].saved));
	}
	return add(v, hs->owes_sync | (uint64_t)hs->owes_sync_call << 8);
}

/* The explorer's part: what the execution's checks and scheduling carry forward. Left out:
 * the trace, the schedule, the transition count (a budget the lookup compares), coverage (a
 * cut path's kinds join stats.covered_cut) and the preemption accounting, except in the search
 * for a simpler failure (prune_at), where it decides what may still be explored. */
static uint64_t exec_hash(const struct explorer *x)
{
	const struct exec_state *st = &x->st;
	uint64_t v = 0;

	for (unsigned s = 0; s < x->nsites; s++) {
		const struct site_history *hi = &st->history[s];

		v = add(v, hi->nforms | (uint64_t)hi->pending << 32);
		v = add_bytes(v, hi->forms, (hi->nforms < EX_MAX_FORMS ? hi->nforms : EX_MAX_FORMS) *
					       sizeof(hi->forms[0]));
	}
	/* Under fetch: arch, check_cmodx asks the fetch model (hashed with the machine) and reads
	 * neither the watched words' last writes nor the harts' synchronisation times, and
	 * word_versions only numbers the trace's versions: left out. */
	for (unsigned w = 0; w < x->nwatch && !x->fetch_choices; w++) {
		const struct word_write *lw = &st->last_write[w];

		v = add(v, st->word_versions[w]);
		v = add(v, (uint64_t)(uint32_t)lw->writer | (uint64_t)lw->parked_mask << 32);
		if (lw->writer >= 0)
			v = add(add(v, lw->old_word | (uint64_t)lw->new_word << 32),
				time_rank(x, lw->step));
	}
	for (unsigned h = 0; h < x->nharts && !x->fetch_choices; h++)
		v = add(v, time_rank(x, st->sync_step[h]));
	v = add(v, (uint64_t)(uint32_t)st->exclusive | (uint64_t)st->qs_read << 32 |
		       (uint64_t)st->retired << 33);
	if (x->prune_at) /* what the future may still spend decides what it explores */
		v = add(v, st->preemptions | (uint64_t)st->held << 32 |
			       (uint64_t)(uint8_t)st->last_hart << 56);
	for (unsigned h = 0; h < x->nharts; h++)
		v = hart_hash(add(v, h), x, &st->harts[h]);
	return v;
}

/* ---- the summaries ---- */

static struct sc_point *point(struct state_cache *c, unsigned depth)
{
	struct sc_point *p = &c->points[depth];

	if (!p->acc) {
		p->acc = malloc(SC_MAX_ENTRIES * sizeof(*p->acc));
		p->index = malloc(SC_INDEX * sizeof(*p->index));
		if (!p->acc || !p->index)
			abort();
	}
	return p;
}

static struct sc_point *innermost(struct state_cache *c)
{
	return c->nopen ? &c->points[c->open[c->nopen - 1]] : NULL;
}

static void past_add(struct sc_past *p, uint64_t addr, uint32_t size, bool write)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->r[i].addr == addr && p->r[i].size == size && p->r[i].write == write)
			return;
	if (p->n < SC_MAX_PAST) /* past that: left out, which claims less order */
		p->r[p->n++] = (struct sc_range){.addr = addr, .size = size, .write = write};
}

/* Keeps what both pasts hold: a step of either depends on at least that. */
static void past_meet(struct sc_past *into, const struct sc_past *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < into->n; i++)
		for (unsigned j = 0; j < b->n; j++)
			if (into->r[i].addr == b->r[j].addr && into->r[i].size == b->r[j].size &&
			    into->r[i].write == b->r[j].write) {
				into->r[n++] = into->r[i];
				break;
			}
	into->n = (uint8_t)n;
}

/* The number of a range in the cache's table, added if new; -1 when the table is full. */
static long range_number(struct state_cache *c, const struct sc_range *r)
{
	uint64_t k = hash_mix(r->addr ^ (uint64_t)r->size << 40 ^ (uint64_t)r->write << 63);
	unsigned i = (unsigned)k & (2 * SC_MAX_RANGES - 1);

	for (; c->range_index[i]; i = (i + 1) & (2 * SC_MAX_RANGES - 1)) {
		const struct sc_range *q = &c->ranges[c->range_index[i] - 1];

		if (q->addr == r->addr && q->size == r->size && q->write == r->write)
			return (long)c->range_index[i] - 1;
	}
	if (c->nranges == SC_MAX_RANGES)
		return -1;
	c->ranges[c->nranges] = *r;
	c->range_index[i] = ++c->nranges;
	return (long)c->nranges - 1;
}

static bool same_kind(const struct sc_kept *a, const struct sc_kept *b)
{
	if (a->addr != b->addr || a->size != b->size || a->hart != b->hart ||
	    a->write != b->write || a->npast != b->npast || a->after != b->after)
		return false;
	for (unsigned i = 0; i < a->npast; i++)
		if (a->past[i] != b->past[i])
			return false;
	return true;
}

/* The number of a kept access in the cache's table of kinds, added if new; -1 when the table
 * is full. */
static long kind_number(struct state_cache *c, const struct sc_kept *k)
{
	uint64_t v = hash_mix(k->addr ^ (uint64_t)k->size << 40 ^ (uint64_t)k->hart << 48 ^
			      (uint64_t)k->write << 56 ^ (uint64_t)k->after << 57);
	unsigned i;

	for (unsigned j = 0; j < k->npast; j++)
		v = hash_mix(v ^ k->past[j]);
	for (i = (unsigned)v & (2 * SC_MAX_KINDS - 1); c->kind_index[i];
	     i = (i + 1) & (2 * SC_MAX_KINDS - 1))
		if (same_kind(&c->kinds[c->kind_index[i] - 1], k))
			return (long)c->kind_index[i] - 1;
	if (c->nkinds == SC_MAX_KINDS)
		return -1;
	c->kinds[c->nkinds] = *k;
	c->kind_index[i] = ++c->nkinds;
	return (long)c->nkinds - 1;
}

static void past_of_kept(const struct state_cache *c, const struct sc_kept *k,
			 struct sc_past *out)
{
	out->n = k->npast;
	for (unsigned i = 0; i < k->npast; i++)
		out->r[i] = c->ranges[k->past[i]];
}

/* Adds an access with what the step that made it depends on (the merge keeps what every
 * step that made it depends on: the earlier clock, the common past). */
static void note_access(struct sc_point *p, unsigned nharts, uint64_t addr, uint32_t size,
			unsigned hart, bool write, const uint16_t *clock, const struct sc_past *past)
{
	uint64_t k = hash_mix(addr ^ (uint64_t)size << 40 ^ (uint64_t)hart << 56 ^ (uint64_t)write << 63);
	unsigned i = (unsigned)k & (SC_INDEX - 1);

	for (; p->index[i]; i = (i + 1) & (SC_INDEX - 1)) {
		struct sc_access *a = &p->acc[p->index[i] - 1];

		if (a->addr == addr && a->size == size && a->hart == hart && a->write == write) {
			for (unsigned g = 0; g < nharts; g++)
				if (clock[g] < a->clock[g])
					a->clock[g] = clock[g];
			past_meet(&a->past, past);
			return;
		}
	}
	if (p->n == SC_MAX_ENTRIES || 2 * (p->n + 1) > SC_INDEX) {
		p->overflow = true;
		return;
	}
	p->acc[p->n] = (struct sc_access){.addr = addr, .size = size, .hart = (uint8_t)hart,
					  .write = write, .past = *past};
	memcpy(p->acc[p->n].clock, clock, sizeof(p->acc[p->n].clock));
	p->index[i] = (uint16_t)++p->n;
}

static void note_budget(struct sc_point *p, const struct explorer *x, unsigned depth)
{
	if (depth > p->max_depth)
		p->max_depth = depth;
	for (unsigned h = 0; h < x->nharts; h++) {
		const struct hart_state *hs = &x->st.harts[h];

		if (hs->call == p->call[h] && hs->call_steps > p->max_steps[h])
			p->max_steps[h] = hs->call_steps;
	}
}

void state_cache_event(struct explorer *x, unsigned pos)
{
	struct state_cache *c = x->cache;
	struct sc_point *p;
	const struct event *e = &x->events[pos];
	struct sc_past past = {0};

	if (!c || !(p = innermost(c)))
		return;
	p->work++;
	note_budget(p, x, pos + 1);
	if (e->sig.overflow)
		p->overflow = true;
	/* its past since the point: the steps there it depends on, itself included (the
	 * nearest SC_PAST_SCAN of them: fewer is conservative) */
	unsigned from = c->open[c->nopen - 1];

	if (pos - from > SC_PAST_SCAN)
		from = pos - SC_PAST_SCAN;
	for (unsigned u = from; u <= pos; u++) {
		const struct event *f = &x->events[u];

		if (dpor_event_erased(x, f) || (u < pos && e->clock[f->hart] < f->index))
			continue;
		for (unsigned i = 0; i < f->sig.naccesses; i++)
			past_add(&past, f->sig.acc[i].addr, f->sig.acc[i].size, f->sig.acc[i].write);
	}
	for (unsigned i = 0; i < e->sig.naccesses; i++)
		note_access(p, x->nharts, e->sig.acc[i].addr, e->sig.acc[i].size, e->hart,
			    e->sig.acc[i].write, e->clock, &past);
}

void state_cache_branch(struct explorer *x)
{
	struct state_cache *c = x->cache;
	struct sc_point *p;

	if (c && (p = innermost(c)))
		p->branches++;
}

void state_cache_escape(struct explorer *x, unsigned to, unsigned from, unsigned q, bool irq)
{
	struct state_cache *c = x->cache;

	if (!c)
		return;
	for (unsigned k = c->nopen; k-- > 0;) {
		unsigned d = c->open[k];

		if (d <= to)
			break;
		if (d <= from) {
			if (irq)
				c->points[d].escape_irq |= 1u << q;
			else
				c->points[d].escape |= 1u << q;
		}
	}
}

/* ---- the table ---- */

/* The slot of hash in g: its state, or the empty slot it would take; NULL without a table. */
static struct sc_state *slot_of(struct sc_gen *g, uint64_t hash)
{
	size_t i;

	if (!g->cap)
		return NULL;
	for (i = hash & (g->cap - 1); g->slots[i].hash; i = (i + 1) & (g->cap - 1))
		if (g->slots[i].hash == hash)
			return &g->slots[i];
	return &g->slots[i];
}

/* The state kept for hash, in either generation, with that generation; NULL when none is. */
static struct sc_state *find_kept(struct state_cache *c, uint64_t hash, struct sc_gen **in)
{
	for (unsigned k = 0; k < 2; k++) {
		struct sc_gen *g = &c->gen[c->newer ^ k];
		struct sc_state *s = slot_of(g, hash);

		if (s && s->hash) {
			*in = g;
			return s;
		}
	}
	return NULL;
}

static void forget_gen(struct sc_gen *g)
{
	if (g->slots)
		memset(g->slots, 0, g->cap * sizeof(*g->slots));
	if (g->sums)
		memset(g->sums, 0, g->sums_cap * sizeof(*g->sums));
	g->used = 0;
	g->npool = 0;
	g->nsums = 0;
}

static void forget_states(struct state_cache *c)
{
	forget_gen(&c->gen[0]);
	forget_gen(&c->gen[1]);
	c->newer = 0;
}

/* A table of twice old_cap entries (4096 for none) of size bytes each, whose first member is
 * a 64-bit hash (0: empty slot), holding old's entries by open addressing on the hash; the new
 * capacity into *cap. NULL when memory ran out. */
static void *doubled(const void *old, size_t old_cap, size_t size, size_t *cap)
{
	size_t c = old_cap ? 2 * old_cap : 4096;
	uint8_t *n = calloc(c, size);

	if (!n)
		return NULL;
	for (size_t i = 0; i < old_cap; i++) {
		const uint8_t *e = (const uint8_t *)old + i * size;
		uint64_t h, other;
		size_t k;

		memcpy(&h, e, sizeof(h));
		if (!h)
			continue;
		for (k = h & (c - 1);; k = (k + 1) & (c - 1)) {
			memcpy(&other, n + k * size, sizeof(other));
			if (!other)
				break;
		}
		memcpy(n + k * size, e, size);
	}
	*cap = c;
	return n;
}

_Static_assert(offsetof(struct sc_state, hash) == 0, "doubled() finds the hash first");
_Static_assert(offsetof(struct sc_summary, hash) == 0, "doubled() finds the hash first");

/* Doubles g's table, which holds fewer than most states (cannot fail but for memory). */
static bool grow(struct sc_gen *g, size_t most)
{
	struct sc_state *n;

	if ((g->cap ? 2 * g->cap : 4096) > 4 * most + 4096)
		return false; /* cannot happen: a full generation is replaced first */
	if (!(n = doubled(g->slots, g->cap, sizeof(*n), &g->cap)))
		return false;
	free(g->slots);
	g->slots = n;
	return true;
}

static int id_order(const void *a, const void *b)
{
	uint32_t u = *(const uint32_t *)a, v = *(const uint32_t *)b;

	return u < v ? -1 : u > v;
}

/* The slot of the summary ids[0..n) (its hash h) in g's table of summaries: the summary, or
 * the empty slot it would take; NULL without a table. */
static struct sc_summary *summary_slot(struct sc_gen *g, uint64_t h, const uint32_t *ids,
				       unsigned n)
{
	size_t i;

	if (!g->sums_cap)
		return NULL;
	for (i = h & (g->sums_cap - 1); g->sums[i].hash; i = (i + 1) & (g->sums_cap - 1))
		if (g->sums[i].hash == h && g->sums[i].n == n &&
		    !memcmp(&g->pool[g->sums[i].first], ids, n * sizeof(*ids)))
			return &g->sums[i];
	return &g->sums[i];
}

/* Doubles g's table of summaries (cannot fail but for memory). */
static bool grow_summaries(struct sc_gen *g)
{
	struct sc_summary *n = doubled(g->sums, g->sums_cap, sizeof(*n), &g->sums_cap);

	if (!n)
		return false;
	free(g->sums);
	g->sums = n;
	return true;
}

/* Where ids[0..n) is in g's pool, added if new; -1 when g has no room (or memory). */
static long add_summary(struct state_cache *c, struct sc_gen *g, const uint32_t *ids,
			unsigned n)
{
	uint64_t h = n;
	struct sc_summary *sum;

	for (unsigned i = 0; i < n; i++)
		h = hash_mix(h ^ ids[i]);
	h |= 1;
	if ((sum = summary_slot(g, h, ids, n)) && sum->hash)
		return sum->first;
	if (g->npool + n > c->gen_pool)
		return -1;
	if (2 * (g->nsums + 1) > g->sums_cap) {
		if (!grow_summaries(g))
			return -1;
		sum = summary_slot(g, h, ids, n);
	}
	if (g->npool + n > g->pool_cap) {
		size_t cap = g->pool_cap ? 2 * g->pool_cap : 65536;
		uint32_t *pool;

		while (cap < g->npool + n)
			cap *= 2;
		if (!(pool = realloc(g->pool, cap * sizeof(*pool))))
			return -1;
		g->pool = pool;
		g->pool_cap = cap;
	}
	memcpy(&g->pool[g->npool], ids, n * sizeof(*ids));
	*sum = (struct sc_summary){.hash = h, .first = (uint32_t)g->npool, .n = n};
	g->nsums++;
	g->npool += n;
	return sum->first;
}

static void keep_state(struct explorer *x, unsigned depth, const struct sc_point *p)
{
	struct state_cache *c = x->cache;
	struct sc_gen *g;
	struct sc_state *s;
	uint32_t ids[SC_MAX_ENTRIES];
	long first;

	if (p->overflow || p->n > c->gen_pool || find_kept(c, p->hash, &g))
		return; /* the first visit's stays */
	for (unsigned i = 0; i < p->n; i++) {
		const struct sc_access *a = &p->acc[i];
		struct sc_kept kept = {.addr = a->addr, .size = a->size, .hart = a->hart,
				       .write = a->write};
		long kind;

		for (unsigned h = 0; h < x->nharts; h++)
			if (a->clock[h] > p->count[h])
				kept.after |= (uint8_t)(1u << h);
		for (unsigned r = 0; r < a->past.n; r++) {
			long id = range_number(c, &a->past.r[r]);

			if (id >= 0) /* a range left out claims less order */
				kept.past[kept.npast++] = (uint32_t)id;
		}
		if ((kind = kind_number(c, &kept)) < 0) { /* every state and kind forgotten */
			forget_states(c);
			memset(c->kind_index, 0, 2 * SC_MAX_KINDS * sizeof(*c->kind_index));
			c->nkinds = 0;
			return;
		}
		ids[i] = (uint32_t)kind;
	}
	/* a set: in one order, the same summaries are kept once */
	qsort(ids, p->n, sizeof(ids[0]), id_order);
	g = &c->gen[c->newer];
	if (g->used + 1 > c->gen_states || (first = add_summary(c, g, ids, p->n)) < 0) {
		c->newer ^= 1u;
		g = &c->gen[c->newer];
		forget_gen(g);
		if ((first = add_summary(c, g, ids, p->n)) < 0)
			return;
	}
	if (2 * (g->used + 1) > g->cap && !grow(g, c->gen_states))
		return;
	s = slot_of(g, p->hash);
	*s = (struct sc_state){.hash = p->hash, .sleep = p->sleep, .escape = p->escape,
			       .escape_irq = p->escape_irq, .longer = p->max_depth - depth,
			       .first = (uint32_t)first, .n = p->n};
	for (unsigned h = 0; h < x->nharts; h++)
		s->more_steps[h] = p->max_steps[h] - p->call_steps[h] > UINT32_MAX
					   ? UINT32_MAX : (uint32_t)(p->max_steps[h] - p->call_steps[h]);
	g->used++;
}

/* ---- a visit ---- */

/* The harts at whose position (their latest transition) the event at pos has happened. */
static uint32_t happened_for(const struct explorer *x, const struct event *e)
{
	uint32_t mask = 1u << e->hart;

	for (unsigned g = 0; g < x->nharts; g++) {
		int l = x->st.last_event[g];

		if (l >= 0 && x->events[l].clock[e->hart] >= e->index)
			mask |= 1u << g;
	}
	return mask;
}

static bool overlaps(const struct ev_access *a, uint64_t addr, uint32_t size, bool write)
{
	return (a->write || write) && a->addr < addr + size && addr < a->addr + a->size;
}

static bool conflicts(const struct event_sig *s, const struct sc_kept *k)
{
	for (unsigned i = 0; i < s->naccesses; i++)
		if (overlaps(&s->acc[i], k->addr, k->size, k->write))
			return true;
	return false;
}

/* Does a step of the path after the event (whose accesses are `later`) conflict with a step
 * in the kept access's past? Then the event happens before it. */
static bool ordered_through(const struct state_cache *c, const struct event_sig *later,
			    const struct sc_kept *k)
{
	if (later->overflow) /* a coarser range would claim more order than there is */
		return false;
	for (unsigned i = 0; i < later->naccesses; i++)
		for (unsigned j = 0; j < k->npast; j++) {
			const struct sc_range *r = &c->ranges[k->past[j]];

			if (overlaps(&later->acc[i], r->addr, r->size, r->write))
				return true;
		}
	return false;
}

/* Backtrack points for a possible race of the event at pos with a step of a kept future:
 * whatever dpor.c would add for it, whichever hart begins its reversal. Every hart is added
 * where it last could run at or above pos (add_backtrack_at), and every hart that can run at
 * pos is added there. More than the race needs, never less. */
static void reverse_possible_race(struct explorer *x, unsigned pos)
{
	for (unsigned r = 0; r < x->nharts; r++)
		for (unsigned j = pos + 1; j-- > 0;) {
			struct dpor_node *n = &x->nodes[j];

			if (n->nalts[r] || (n->irq & (1u << r))) {
				n->backtrack |= 1u << r;
				state_cache_escape(x, j, pos, r, false);
				state_cache_escape(x, j, pos, r, true);
				break;
			}
		}
	x->nodes[pos].backtrack |= x->nodes[pos].enabled;
}

/*
 * The races a step of the kept future may have with a step of the path before depth get
 * their backtrack points. An event e of the path happens before a future step t when some hart
 * whose steps after the point t depends on had seen e by the point (its position then is after
 * e), or when a step of the path after e, that e happens before, conflicts with a step after
 * the point in t's past. Otherwise, if they conflict, it may be a race.
 */
static void reverse_races_with_path(struct explorer *x, unsigned depth, const struct sc_gen *g,
				    const struct sc_state *s)
{
	const uint32_t *kinds = &g->pool[s->first];
	uint32_t all = (1u << x->nharts) - 1;

	for (unsigned i = 0; i < depth; i++) {
		const struct event *e = &x->events[i];
		struct event_sig later = {0};
		uint32_t before;
		bool built = false;

		if (dpor_event_erased(x, e) || (before = happened_for(x, e)) == all)
			continue;
		for (unsigned j = 0; j < s->n; j++) {
			const struct sc_kept *k = &x->cache->kinds[kinds[j]];

			if (k->hart == e->hart || (k->after & before) || !conflicts(&e->sig, k))
				continue;
			if (!built) {
				for (unsigned l = i + 1; l < depth; l++) {
					const struct event *f = &x->events[l];

					if (dpor_event_erased(x, f) || f->clock[e->hart] < e->index)
						continue;
					dpor_sig_union(&later, &f->sig);
				}
				built = true;
			}
			if (!ordered_through(x->cache, &later, k)) {
				x->stats.state_races++;
				reverse_possible_race(x, i);
				break;
			}
		}
	}
}

/* Where on this path, above depth, hart q last could run (or, irq, take its interrupt). */
static int last_able(const struct explorer *x, unsigned depth, unsigned q, bool irq)
{
	for (unsigned j = depth; j-- > 0;)
		if (x->nodes[j].nalts[q] || (irq && (x->nodes[j].irq & (1u << q))))
			return (int)j;
	return -1;
}

static bool escapes_fit(const struct explorer *x, unsigned depth, const struct sc_state *s)
{
	for (unsigned q = 0; q < x->nharts; q++) {
		if ((s->escape & (1u << q)) && last_able(x, depth, q, false) < 0)
			return false;
		if ((s->escape_irq & (1u << q)) && last_able(x, depth, q, true) < 0)
			return false;
	}
	return true;
}

static void place_escapes(struct explorer *x, unsigned depth, const struct sc_state *s)
{
	for (unsigned q = 0; q < x->nharts; q++)
		for (int irq = 0; irq < 2; irq++) {
			int j;

			if (!((irq ? s->escape_irq : s->escape) & (1u << q)))
				continue;
			j = last_able(x, depth, q, irq);
			x->nodes[j].backtrack |= 1u << q;
			state_cache_escape(x, (unsigned)j, depth, q, irq);
		}
}

/* The kept future becomes part of the enclosing open point's. */
static void absorb(struct explorer *x, const struct sc_gen *g, const struct sc_state *s)
{
	struct state_cache *c = x->cache;
	struct sc_point *p = innermost(c);
	uint16_t count[SCN_MAX_HARTS], clock[SCN_MAX_HARTS];

	if (!p)
		return;
	for (unsigned g = 0; g < x->nharts; g++) {
		int l = x->st.last_event[g];

		count[g] = l >= 0 ? x->events[l].index : 0;
	}
	for (unsigned j = 0; j < s->n; j++) {
		const struct sc_kept *k = &c->kinds[g->pool[s->first + j]];
		struct sc_past past;

		memset(clock, 0, sizeof(clock));
		for (unsigned g = 0; g < x->nharts; g++)
			if (k->after & (1u << g))
				clock[g] = (uint16_t)(count[g] + 1);
		past_of_kept(c, k, &past);
		note_access(p, x->nharts, k->addr, k->size, k->hart, k->write, clock, &past);
	}
	p->work += SC_MIN_WORK; /* a kept state's future took at least that */
	p->branches++;
	if (x->st.ntransitions + s->longer > p->max_depth)
		p->max_depth = x->st.ntransitions + s->longer;
	for (unsigned h = 0; h < x->nharts; h++) {
		const struct hart_state *hs = &x->st.harts[h];

		if (hs->call == p->call[h] && hs->call_steps + s->more_steps[h] > p->max_steps[h])
			p->max_steps[h] = hs->call_steps + s->more_steps[h];
	}
}

/* A hart whose spin window holds a read of an older value (memory: arch): spin.c drops the
 * execution if the loop comes back, which depends on the path before the point. */
static bool window_read_older(const struct explorer *x, unsigned h)
{
	const struct hart_state *hs = &x->st.harts[h];

	for (unsigned p = hs->nspin ? hs->spin_event[0] + 1 : x->st.ntransitions;
	     p < x->st.ntransitions; p++)
		if (x->events[p].hart == h && x->st.dalt[p])
			return true;
	return false;
}

static bool cacheable(const struct explorer *x)
{
	if (x->st.pruned)
		return false;
	for (unsigned h = 0; h < x->nharts; h++)
		if (x->st.harts[h].exclusive_steps || window_read_older(x, h))
			return false;
	return true;
}

bool state_cache_visit(struct explorer *x, unsigned depth)
{
	struct state_cache *c = x->cache;
	struct dpor_node *n = &x->nodes[depth];
	struct sc_state *s;
	struct sc_gen *g = NULL;
	struct sc_point *p;
	uint64_t hash, dead[MACHINE_MAX_HARTS];

	if (!c || !cacheable(x))
		return false;
	for (unsigned h = 0; h < x->nharts; h++)
		dead[h] = liveness_dead_regs(x, h);
	hash = hash_mix(machine_state_hash_live(x->m, dead, tag_key, x) ^ hash_mix(exec_hash(x))) | 1;
	s = find_kept(c, hash, &g);
	if (s && !(s->sleep & ~n->sleep) && depth + s->longer < EX_MAX_TRANSITIONS) {
		bool fits = true;

		for (unsigned h = 0; h < x->nharts && fits; h++)
			fits = x->st.harts[h].call_steps + s->more_steps[h] <= x->scn->steps_per_call;
		if (fits && escapes_fit(x, depth, s)) {
			reverse_races_with_path(x, depth, g, s);
			place_escapes(x, depth, s);
			absorb(x, g, s);
			x->stats.states_merged++;
			x->stats.covered_cut |= x->st.covered;
			return true;
		}
	}
	p = point(c, depth);
	p->open = true;
	p->failed = false;
	p->hash = hash;
	p->sleep = n->sleep;
	p->escape = p->escape_irq = 0;
	p->overflow = false;
	p->n = 0;
	memset(p->index, 0, SC_INDEX * sizeof(*p->index));
	for (unsigned g = 0; g < x->nharts; g++) {
		int l = x->st.last_event[g];

		p->count[g] = l >= 0 ? x->events[l].index : 0;
		p->call[g] = x->st.harts[g].call;
		p->call_steps[g] = p->max_steps[g] = x->st.harts[g].call_steps;
	}
	p->max_depth = depth;
	p->work = 0;
	p->branches = 0;
	c->open[c->nopen++] = depth;
	return false;
}

void state_cache_leave(struct explorer *x, unsigned depth)
{
	struct state_cache *c = x->cache;
	struct sc_point *p, *outer;

	if (!c || !c->nopen || c->open[c->nopen - 1] != depth)
		return;
	p = &c->points[depth];
	c->nopen--;
	p->open = false;
	if (!x->stop && !p->failed && p->work >= SC_MIN_WORK && p->branches)
		keep_state(x, depth, p);
	if ((outer = innermost(c))) {
		outer->failed |= p->failed;
		outer->overflow |= p->overflow;
		outer->work += p->work;
		outer->branches += p->branches;
		for (unsigned i = 0; i < p->n; i++)
			note_access(outer, x->nharts, p->acc[i].addr, p->acc[i].size,
				    p->acc[i].hart, p->acc[i].write, p->acc[i].clock, &p->acc[i].past);
		if (p->max_depth > outer->max_depth)
			outer->max_depth = p->max_depth;
		for (unsigned h = 0; h < x->nharts; h++)
			if (p->call[h] == outer->call[h] && p->max_steps[h] > outer->max_steps[h])
				outer->max_steps[h] = p->max_steps[h];
	}
}

void state_cache_failed(struct explorer *x)
{
	struct state_cache *c = x->cache;

	for (unsigned k = 0; c && k < c->nopen; k++)
		c->points[c->open[k]].failed = true;
}

void state_cache_reset(struct explorer *x)
{
	struct state_cache *c = x->cache;

	if (!c)
		return;
	for (unsigned d = 0; d <= EX_MAX_TRANSITIONS; d++)
		c->points[d].open = false;
	c->nopen = 0;
	forget_states(c);
}

void state_cache_open(struct explorer *x)
{
	struct state_cache *c = calloc(1, sizeof(*c));

	if (!c || !(c->points = calloc(EX_MAX_TRANSITIONS + 1, sizeof(*c->points))) ||
	    !(c->open = calloc(EX_MAX_TRANSITIONS + 1, sizeof(*c->open))) ||
	    !(c->ranges = malloc(SC_MAX_RANGES * sizeof(*c->ranges))) ||
	    !(c->range_index = calloc(2 * SC_MAX_RANGES, sizeof(*c->range_index))) ||
	    !(c->kinds = malloc(SC_MAX_KINDS * sizeof(*c->kinds))) ||
	    !(c->kind_index = calloc(2 * SC_MAX_KINDS, sizeof(*c->kind_index))))
		abort();
	c->gen_states = x->opt && x->opt->state_cache_states ? x->opt->state_cache_states
							     : SC_GEN_STATES;
	c->gen_pool = SC_GEN_ENTRIES_PER_STATE * c->gen_states > SC_MAX_ENTRIES
			      ? SC_GEN_ENTRIES_PER_STATE * c->gen_states : SC_MAX_ENTRIES;
	x->cache = c;
}

void state_cache_close(struct explorer *x)
{
	struct state_cache *c = x->cache;

	if (!c)
		return;
	for (unsigned d = 0; d <= EX_MAX_TRANSITIONS; d++) {
		free(c->points[d].acc);
		free(c->points[d].index);
	}
	free(c->points);
	free(c->open);
	for (unsigned k = 0; k < 2; k++) {
		free(c->gen[k].slots);
		free(c->gen[k].pool);
		free(c->gen[k].sums);
	}
	free(c->ranges);
	free(c->range_index);
	free(c->kinds);
	free(c->kind_index);
	free(c);
	x->cache = NULL;
}
