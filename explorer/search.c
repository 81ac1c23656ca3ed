/*
 * search.c - the exhaustive search over schedules: dynamic partial-order reduction (dpor.c) in
 * depth-first order, with checkpoints (machine snapshot + execution state) at every point with
 * more than one choice; an optional preemption bound; the failure with the fewest preemptions
 * (the bound tightens each time one is found); random walks; replay of a stored schedule.
 *
 * A schedule is the string of hart numbers, one per transition ("0112..."; a letter where a hart
 * fetches an older version of an instruction: schedule_code.c): with the scenario and the
 * image it determines the execution exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"

#define CHECKPOINT_EVERY 8 /* points between checkpoints on a path: fewer copies, some re-runs */

/* A checkpoint: the machine and the execution state (the parts exec_state_copy takes). */
struct checkpoint {
	struct machine_snapshot *snap;
	struct exec_state *st;
};

struct search {
	struct explorer *x;
	struct checkpoint *levels; /* by depth; made when a checkpoint is first saved there */
	unsigned nlevels;
	double started;
	uint64_t *traces;        /* hashes of the distinct traces seen (open addressing, 0 empty) */
	size_t traces_cap;
	struct failure *best;    /* the failure with the fewest preemptions found so far */
	bool restart;            /* a code word nobody was known to write was written */
	/* This shard of the tree (split_index of split_count; 0: the whole tree): the schedule
	 * prefixes up to split_depth branch points are dealt out in turn. */
	unsigned long split_index, split_count, prefixes;
	unsigned split_depth;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct checkpoint *level(struct search *s, unsigned depth)
{
	struct checkpoint *c;

	if (depth >= s->nlevels) {
		unsigned n = depth + 64;
		struct checkpoint *l = realloc(s->levels, n * sizeof(*l));

		if (!l)
			abort();
		memset(l + s->nlevels, 0, (n - s->nlevels) * sizeof(*l));
		s->levels = l;
		s->nlevels = n;
	}
	c = &s->levels[depth];
	if (!c->snap) {
		c->snap = machine_snapshot_new(s->x->m);
		c->st = malloc(sizeof(*c->st));
		if (!c->st)
			abort();
	}
	return c;
}

static void save(struct search *s, unsigned depth)
{
	struct checkpoint *c = level(s, depth);

	machine_snapshot_save(s->x->m, c->snap);
	exec_state_copy(c->st, &s->x->st, s->x);
}

static void restore_level(struct search *s, unsigned depth)
{
	struct checkpoint *c = &s->levels[depth];

	machine_snapshot_restore(s->x->m, c->snap);
	exec_state_copy(&s->x->st, c->st, s->x);
}

static bool schedule_hart(struct explorer *x, unsigned h, unsigned alternative);

/*
 * Back to the point after depth transitions of the current path. Checkpoints are kept only
 * every CHECKPOINT_EVERY points: the nearest one at or before depth is restored (or the initial
 * state) and the path's transitions from there are run again; the machine is deterministic,
 * so they do exactly what they did, and their races were already found.
 */
static void restore(struct search *s, unsigned depth)
{
	struct explorer *x = s->x;
	char path[EX_MAX_TRANSITIONS + 1];
	uint8_t data[EX_MAX_TRANSITIONS];
	int from = (int)depth;

	while (from >= 0 && !x->nodes[from].saved)
		from--;
	if (depth > EX_MAX_TRANSITIONS)
		abort(); /* cannot happen: the search stops at EX_MAX_TRANSITIONS */
	memcpy(path, x->st.schedule, depth);
	memcpy(data, x->st.dalt, depth);
	if (from >= 0)
		restore_level(s, (unsigned)from);
	else
		exec_reset(x);
	x->replaying = true;
	for (unsigned i = from < 0 ? 0 : (unsigned)from; i < depth; i++) {
		unsigned h, alt;

		schedule_decode(path[i], &h, &alt);
		schedule_hart(x, h, alt | (unsigned)data[i] << EX_ALT_DATA_SHIFT);
	}
	x->replaying = false;
}

/* Save a checkpoint at depth when the last one on the path is CHECKPOINT_EVERY points back. */
static void save_if_due(struct search *s, unsigned depth)
{
	struct explorer *x = s->x;

	for (unsigned j = depth; j + CHECKPOINT_EVERY > depth; j--) {
		if (x->nodes[j].saved)
			return;
		if (j == 0)
			break;
	}
	save(s, depth);
	x->nodes[depth].saved = true;
}

/* Adds the trace hash to the set; true if it was new. */
static bool trace_seen_first(struct search *s, uint64_t hash)
{
	size_t k;

	hash |= 1; /* 0 marks an empty slot */
	if (2 * (s->x->stats.distinct_traces + 1) > s->traces_cap) {
		size_t cap = s->traces_cap ? 2 * s->traces_cap : 1024;
		uint64_t *t = calloc(cap, sizeof(*t));

		if (!t)
			abort();
		for (size_t i = 0; i < s->traces_cap; i++) {
			if (!s->traces[i])
				continue;
			for (k = s->traces[i] & (cap - 1); t[k]; k = (k + 1) & (cap - 1))
				;
			t[k] = s->traces[i];
		}
		free(s->traces);
		s->traces = t;
		s->traces_cap = cap;
	}
	for (k = hash & (s->traces_cap - 1); s->traces[k]; k = (k + 1) & (s->traces_cap - 1))
		if (s->traces[k] == hash)
			return false;
	s->traces[k] = hash;
	return true;
}

static void execution_complete(struct search *s)
{
	struct explorer *x = s->x;
	uint64_t hash;

	if (!x->stats.nharts) {
		x->stats.nharts = x->nharts;
		for (unsigned h = 0; h < x->nharts; h++)
			x->stats.first_execution_steps[h] = x->st.harts[h].steps;
	}
	x->stats.executions++;
	coverage_count_execution(x);
	litmus_note_outcome(x);
	hash = dpor_trace_hash(x);
	if (trace_seen_first(s, hash)) {
		x->stats.distinct_traces++;
		if (x->opt && x->opt->trace_seen)
			x->opt->trace_seen(x->opt->trace_seen_ud, hash);
	}
	if (x->opt && x->opt->final_state_seen)
		x->opt->final_state_seen(x->opt->final_state_seen_ud, dpor_final_state_hash(x));
	if (x->shared_set_grew) {
		s->restart = true;
		x->stop = true;
	}
	if (x->max_executions && x->stats.executions >= x->max_executions) {
		x->stats.truncated = true;
		x->stop = true;
	}
	if (x->opt && x->opt->progress && (x->stats.executions & 63) == 0) {
		x->stats.seconds = now_seconds() - s->started;
		x->opt->progress(x->opt->progress_ud, &x->stats);
	}
}

/*
 * The preemptions scheduling hart h now would add. Harts on their own CPUs run concurrently,
 * and alternating between them one visible operation at a time costs nothing. A hart is
 * descheduled when it has begun, could run, and is held back while another hart takes two or
 * more transitions in a row; each such wait counts once. A hart that has not begun yet, is
 * parked by stop-machine or spins on memory is not held back.
 */
static uint32_t held_back_by(const struct explorer *x, unsigned h)
{
	uint32_t held = 0;

	if (x->st.last_hart != (int)h)
		return 0;
	for (unsigned a = 0; a < x->nharts; a++)
		if (a != h && !(x->st.held & (1u << a)) && x->st.last_event[a] >= 0 &&
		    exec_enabled(x, a))
			held |= 1u << a;
	return held;
}

/* The harts of mask that can take the next transition without passing the preemption bound. */
static uint32_t within_bound(const struct explorer *x, uint32_t mask)
{
	unsigned limit = x->bound_active ? x->bound : ~0u;

	if (x->prune_at && x->prune_at - 1 < limit)
		limit = x->prune_at - 1;
	for (unsigned h = 0; h < x->nharts && limit != ~0u; h++)
		if ((mask & (1u << h)) &&
		    x->st.preemptions + (unsigned)__builtin_popcount(held_back_by(x, h)) > limit)
			mask &= ~(1u << h);
	return mask;
}

/* Hart h takes the next transition, its first fetch taking the alternative-th newest version.
 * false when the execution failed. */
static bool schedule_hart(struct explorer *x, unsigned h, unsigned alternative)
{
	uint32_t held = held_back_by(x, h);
	bool ok;

	x->st.preemptions += (unsigned)__builtin_popcount(held);
	x->st.held = (x->st.held | held) & ~(1u << h);
	x->st.run_length = x->st.last_hart == (int)h ? x->st.run_length + 1 : 1;
	x->st.last_hart = (int)h;
	bool pending = x->st.harts[h].ipi_pending && alt_fetch(alternative) != EX_ALT_INTERRUPT;

	ok = exec_transition(x, h, alternative);
	dpor_event_end(x);
	if (ok && pending && x->st.harts[h].ipi_pending)
		exec_ipi_passed(x, h);
	spin_after_transition(x, h);
	return ok;
}

/* An execution that does not finish within EX_MAX_TRANSITIONS visible operations fails
 * termination. */
static bool too_many_transitions(struct explorer *x)
{
	int cur = x->st.last_hart;
	char e[64];

	if (x->st.ntransitions < EX_MAX_TRANSITIONS)
		return false;
	snprintf(e, sizeof(e), "at most %d visible operations", EX_MAX_TRANSITIONS);
	check_fail(x, "termination", (unsigned)(cur < 0 ? 0 : cur), 0, e, "more",
		   "the execution did not finish");
	return true;
}

/* The harts that may run now, as a mask. */
static uint32_t enabled_harts(const struct explorer *x)
{
	uint32_t en = 0;

	for (unsigned h = 0; h < x->nharts; h++)
		if (exec_enabled(x, h))
			en |= 1u << h;
	return en;
}

/*
 * The execution failed (x->failure). Keep the failure with the fewest preemptions (then the
 * shortest schedule; the first found among equals) and search on, among the schedules with
 * fewer preemptions only (x->prune_at), so the one kept is the simplest the reduction reaches
 * (minimise.c then drops what it does not need). A failure without preemptions cannot be
 * beaten: the search stops.
 */
static void failure_found(struct search *s)
{
	struct explorer *x = s->x;
	struct failure *f = x->failure;

	state_cache_failed(x);
	x->failure = NULL;
	x->stop = false;
	if (x->shared_set_grew) {
		s->restart = true;
		x->stop = true;
	}
	if (s->best && (f->preemptions > s->best->preemptions ||
			(f->preemptions == s->best->preemptions &&
			 strlen(f->schedule) >= strlen(s->best->schedule)))) {
		scenario_result_free(&(struct scenario_result){.failure = f});
		return;
	}
	if (s->best)
		scenario_result_free(&(struct scenario_result){.failure = s->best});
	s->best = f;
	if (f->preemptions == 0)
		x->stop = true;
	else if (!x->prune_at || f->preemptions < x->prune_at)
		x->prune_at = f->preemptions;
}

/*
 * Sharding one scenario's tree. Near the root every choice is taken (no backtrack sets, no
 * sleep sets) until split_depth points with more than one choice have passed; each schedule
 * prefix that ends there (or ends the execution earlier) is dealt to the next shard in turn,
 * and the shard that holds it runs source-set DPOR below it from an empty sleep set. DPOR from
 * a state with an empty sleep set explores every trace of the executions through that state,
 * and the prefixes together are every way to begin, so the shards together cover every trace
 * the whole search covers (a trace that can begin in two ways may be explored by two shards).
 * Every shard walks the same prefixes in the same order: the deal is the same everywhere.
 * A shard whose search restarts (it wrote a code word nobody was known to write, which would
 * cut the transitions near the root differently) searches the whole tree: still sound, and
 * the deal of the others does not depend on it.
 */
static bool in_split(const struct search *s, unsigned depth)
{
	return s->split_count && s->x->nodes[depth].branched < s->split_depth;
}

/* Does the point at depth take every choice (near the root of a split tree, or everywhere
 * when the options ask for every interleaving)? */
static bool every_choice(const struct search *s, unsigned depth)
{
	return in_split(s, depth) || (s->x->opt && s->x->opt->every_interleaving);
}

/* A prefix ends here: it is dealt to the next shard in turn. Is that this one? */
static bool deal_prefix(struct search *s)
{
	return s->prefixes++ % s->split_count + 1 == s->split_index;
}

/* Does the point at depth end a prefix that another shard holds? Deals the prefix if it ends
 * one. */
static bool prefix_elsewhere(struct search *s, unsigned depth)
{
	struct explorer *x = s->x;

	if (!s->split_count || (depth > 0 && !in_split(s, depth - 1)))
		return false;
	if (in_split(s, depth) && !exec_all_done(x) && x->st.ntransitions < EX_MAX_TRANSITIONS &&
	    enabled_harts(x))
		return false;
	return !deal_prefix(s);
}

/* A transition near the root failed: the prefix ends there. Keeps the failure if this shard
 * holds it, else drops it. */
static void split_failure(struct search *s)
{
	struct explorer *x = s->x;

	if (deal_prefix(s)) {
		failure_found(s);
		return;
	}
	scenario_result_free(&(struct scenario_result){.failure = x->failure});
	x->failure = NULL;
	x->stop = false;
}

/*
 * Source-set DPOR over the state after depth transitions (dpor.c finds the races that add
 * harts to the backtrack sets of earlier points). Within the preemption bound; the first
 * choice continues the hart that ran last.
 */
/* The choices hart h has at point n: its fetch's versions when it can run, and its
 * interrupt when it may take one. */
static unsigned choices_of(const struct dpor_node *n, unsigned h)
{
	return n->nalts[h] + ((n->irq >> h) & 1u);
}

static void explore(struct search *s, unsigned depth)
{
	struct explorer *x = s->x;
	struct dpor_node *n = &x->nodes[depth];
	uint32_t runnable;
	unsigned first;
	bool split, multi;

	if (prefix_elsewhere(s, depth))
		return;
	if (exec_all_done(x)) {
		execution_complete(s);
		return;
	}
	if (too_many_transitions(x)) {
		failure_found(s);
		return;
	}
	n->enabled = enabled_harts(x);
	n->done = 0;
	n->saved = false;
	for (unsigned h = 0; h < x->nharts; h++)
		n->nalts[h] = (uint8_t)((n->enabled & (1u << h)) ? exec_fetch_alternatives(x, h) : 0);
	/* A hart that may take its interrupt has that choice too, even while it waits. */
	n->irq = exec_interrupt_harts(x);
	n->enabled |= n->irq;
	if (!n->enabled) {
		check_deadlock(x);
		if (x->failure)
			failure_found(s);
		return;
	}
	runnable = n->enabled & ~n->sleep;
	if (!runnable) {
		x->stats.sleep_blocked++;
		return;
	}
	/* Within the bound: the harts that can go without passing it (computed here, where the
	 * state is the point's own). The first choice is one of them (the hart that ran last, if
	 * it can): a point where only choices past the bound were tried would explore nothing. */
	n->allowed = within_bound(x, n->enabled);
	runnable &= n->allowed;
	if (!runnable)
		return;
	first = x->st.last_hart >= 0 && (runnable & (1u << x->st.last_hart))
		? (unsigned)x->st.last_hart : (unsigned)__builtin_ctz(runnable);
	split = in_split(s, depth);
	n->backtrack = every_choice(s, depth) ? runnable : 1u << first;
	multi = __builtin_popcount(runnable) > 1;
	for (unsigned h = 0; h < x->nharts; h++)
		multi |= (runnable & (1u << h)) && choices_of(n, h) > 1;
	if (multi)
		x->stats.schedule_points++;
	if (multi && state_cache_visit(x, depth))
		return;
	for (;;) {
		uint32_t todo = n->backtrack & runnable & ~n->done & ~n->sleep;
		unsigned p;

		if (!todo || x->stop)
			break;
		p = (todo & (1u << first)) ? first : (unsigned)__builtin_ctz(todo);
		/* Every version hart p's fetch may take is explored along with p (fetch: arch), and
		 * so is its interrupt; p sleeps afterwards on what any of them touched. */
		for (unsigned k = 0, d = 0, ndata = 1; k < choices_of(n, p) && !x->stop;
		     d + 1 < ndata ? d++ : (k++, d = 0, ndata = 1)) {
			unsigned a = k < n->nalts[p] ? k : EX_ALT_INTERRUPT;
			bool ok;

			if (n->done || k || d) {
				restore(s, depth);
				state_cache_branch(x);
			}
			else if (multi)
				save_if_due(s, depth);
			n->done |= 1u << p;
			ok = schedule_hart(x, p, a | d << EX_ALT_DATA_SHIFT);
			state_cache_event(x, depth);
			if (d == 0) { /* memory: arch: the values its load, the places its store had */
				ndata = x->data_alternatives;
				if (ndata > EX_MAX_DATA_ALTERNATIVES) {
					x->stats.truncated = true;
					ndata = EX_MAX_DATA_ALTERNATIVES;
				}
				if (ndata > 1 && !multi && k == 0)
					x->stats.schedule_points++;
			}
			if (k == 0 && d == 0)
				n->next[p] = x->events[depth].sig;
			else
				dpor_sig_union(&n->next[p], &x->events[depth].sig);
			if (!ok) {
				if (split)
					split_failure(s);
				else
					failure_found(s);
			} else if (x->st.pruned) {
				x->stats.dropped++;
			} else {
				struct dpor_node *child = &x->nodes[depth + 1];

				child->branched = n->branched + multi;
				child->sleep = 0;
				for (unsigned q = 0; q < x->nharts; q++)
					if ((n->sleep & (1u << q)) &&
					    !dpor_sleep_dependent(&n->next[q],
								  &x->events[depth].sig)) {
						child->sleep |= 1u << q;
						child->next[q] = n->next[q];
					}
				explore(s, depth + 1);
			}
		}
		if (!every_choice(s, depth) && !x->bound_active) /* no sleep sets: dpor.c */
			n->sleep |= 1u << p;
	}
	state_cache_leave(x, depth);
}

/*
 * The search's points, EX_MAX_TRANSITIONS + 1 of them (3 MB): one array per process, taken by
 * each search in turn and not cleared. A point is set when the search first reaches it
 * (explore sets it from its parent; search_from_root clears the root), so a search touches
 * only the pages as deep as it goes, and a gate neither clears nor faults in 3 MB per scenario.
 */
static struct dpor_node *nodes_spare;

static void nodes_take(struct explorer *x)
{
	x->nodes = nodes_spare ? nodes_spare : malloc((EX_MAX_TRANSITIONS + 1) * sizeof(*x->nodes));
	nodes_spare = NULL;
	if (!x->nodes)
		abort();
}

static void nodes_give_back(struct explorer *x)
{
	if (!nodes_spare)
		nodes_spare = x->nodes;
	else
		free(x->nodes);
	x->nodes = NULL;
}

static void search_free(struct search *s)
{
	for (unsigned i = 0; i < s->nlevels; i++) {
		machine_snapshot_free(s->levels[i].snap);
		free(s->levels[i].st);
	}
	free(s->levels);
	free(s->traces);
	if (s->best)
		scenario_result_free(&(struct scenario_result){.failure = s->best});
	nodes_give_back(s->x);
}

static void fill_result(struct explorer *x, struct scenario_result *res)
{
	if (x->failure)
		res->verdict = VERDICT_FAIL;
	else
		res->verdict = x->stats.truncated ? VERDICT_INCONCLUSIVE : VERDICT_PASS;
	res->failure = x->failure;
	x->failure = NULL;
	res->stats = x->stats;
	res->outcomes = x->outcomes;
	snprintf(res->image_hash, sizeof(res->image_hash), "%s", image_hash(x->img));
	res->arch = x->arch;
}

static int prepare_or_error(struct explorer *x, const struct scenario *scn,
			    const struct explore_options *opt, struct scenario_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = explorer_prepare(x, scn, opt, res->error, sizeof(res->error)))) {
		res->verdict = VERDICT_ERROR;
		res->environment = rc == 3;
		if (x->img)
			snprintf(res->image_hash, sizeof(res->image_hash), "%s", image_hash(x->img));
		explorer_release(x);
		return 2;
	}
	return 0;
}

/* Run the transitions a schedule names, from the initial state. 0, or 2 with res->error set
 * when the schedule does not fit the scenario. */
static int run_schedule(struct explorer *x, const char *schedule, struct scenario_result *res)
{
	if (exec_run_schedule(x, schedule)) {
		snprintf(res->error, sizeof(res->error), "%s", x->schedule_error);
		res->verdict = VERDICT_ERROR;
		return 2;
	}
	return 0;
}

static int run_known_schedule(struct explorer *x, const char *schedule);

/* A known schedule: its races are not looked for (replaying), nothing is dropped (spin.c). */
int exec_run_schedule(struct explorer *x, const char *schedule)
{
	bool was = x->replaying;
	int rc;

	x->replaying = true;
	rc = run_known_schedule(x, schedule);
	x->replaying = was;
	return rc;
}

static int run_known_schedule(struct explorer *x, const char *schedule)
{
	exec_reset(x);
	x->bound = ~0u;
	x->deltas_len = 0;
	for (unsigned h = 0; h < x->nharts && x->capture; h++)
		machine_read_regs(x->m, h, x->last_regs[h]);
	for (const char *p = schedule; *p && !x->stop;) {
		const char *at = p;
		unsigned h = 0, alt = 0, nalt = 1, data;
		bool known = schedule_next(&p, &h, &alt), fits;

		data = alt_data(alt);
		alt = alt_fetch(alt);
		if (known && h < x->nharts && exec_enabled(x, h))
			nalt = exec_fetch_alternatives(x, h);
		if (known && h < x->nharts && alt == EX_ALT_INTERRUPT)
			fits = exec_interrupt_possible(x, h);
		else
			fits = known && h < x->nharts && exec_enabled(x, h) && alt < nalt;
		if (!fits) {
			snprintf(x->schedule_error, sizeof(x->schedule_error),
				 "schedule '%s' does not fit scenario %s: at position %ld hart '%c' %s",
				 schedule, x->scn->name, (long)(at - schedule), *at,
				 !known || h >= x->nharts ? "does not exist"
				 : x->st.harts[h].done ? "has already finished"
				 : alt == EX_ALT_INTERRUPT ? "cannot take an interrupt there"
				 : x->st.harts[h].blocked ? "is blocked"
				 : !exec_enabled(x, h) ? "is parked"
				 : "has fewer versions of its next instruction to fetch");
			return 2;
		}
		schedule_hart(x, h, alt | data << EX_ALT_DATA_SHIFT);
		if (data && data >= x->data_alternatives && !x->failure) {
			snprintf(x->schedule_error, sizeof(x->schedule_error),
				 "schedule '%.40s' does not fit scenario %.40s: at position %ld hart "
				 "'%c' has %u choice%s of a value to load or a place to store, not %u",
				 schedule, x->scn->name, (long)(at - schedule), *at,
				 x->data_alternatives, x->data_alternatives == 1 ? "" : "s", data + 1);
			return 2;
		}
	}
	if (!x->failure && !exec_all_done(x) && !enabled_harts(x) && !exec_interrupt_harts(x))
		check_deadlock(x);
	if (!x->failure && !exec_all_done(x))
		too_many_transitions(x);
	return 0;
}

/* Replay the failure found by the search with register capture on, so that it carries the
 * register deltas of every step; the replay reproduces the same failure. */
static void capture_failure_registers(struct explorer *x, struct scenario_result *res)
{
	struct failure *found = x->failure;
	struct run_stats searched = x->stats;
	char schedule[sizeof(found->schedule)];

	snprintf(schedule, sizeof(schedule), "%s", found->schedule);
	x->failure = NULL;
	x->stop = false;
	x->capture = true;
	if (run_schedule(x, schedule, res) == 0 && x->failure &&
	    strcmp(x->failure->message, found->message) == 0) {
		x->failure->preemptions = found->preemptions;
		scenario_result_free(&(struct scenario_result){.failure = found});
		x->stats = searched;
		return;
	}
	x->stats = searched;
	if (x->failure) /* cannot happen for a deterministic machine; keep what the search found */
		scenario_result_free(&(struct scenario_result){.failure = x->failure});
	x->failure = found;
}

/* xorshift64*: a small, seedable generator (never seeded from the host). */
static uint64_t next_random(uint64_t *state)
{
	uint64_t v = *state;

	v ^= v >> 12;
	v ^= v << 25;
	v ^= v >> 27;
	*state = v;
	return v * 0x2545f4914f6cdd1dull;
}

/*
 * Random walks: each execution starts from the initial state and picks, at every decision, one
 * of the harts the preemption bound allows: the one that ran last, with the walk's chance of
 * staying, or one drawn uniformly; then one of its choices (the versions its fetch may take,
 * its interrupt) uniformly. For scenarios too large to exhaust; a failure found this way
 * replays like any other (its schedule is recorded as it is walked).
 */
static void random_walks(struct explorer *x, unsigned long walks, uint64_t seed)
{
	uint64_t state = seed ? seed : 0x9e3779b97f4a7c15ull;

	x->bound = x->scn->preemptions;
	x->bound_active = x->scn->preemptions_bounded;
	x->stats.bound_reached = x->bound;
	for (unsigned long w = 0; w < walks && !x->failure; w++) {
		/* In eighths, how often this walk keeps the hart that ran last (when it may):
		 * most walks switch seldom, as most bugs need few switches at the right places
		 * (Musuvathi and Qadeer, PLDI 2007); every fourth switches at random. */
		static const unsigned stay_eighths[] = {6, 7, 4, 0};
		unsigned stay = stay_eighths[w % 4];

		exec_reset(x);
		while (!exec_all_done(x) && !x->failure && !too_many_transitions(x)) {
			uint32_t run = enabled_harts(x), irq = exec_interrupt_harts(x);
			uint32_t allowed = within_bound(x, run | irq);
			unsigned order[SCN_MAX_HARTS], n = 0, h, nalt, k;

			if (!(run | irq)) {
				check_deadlock(x);
				break;
			}
			for (h = 0; h < x->nharts; h++)
				if (allowed & (1u << h))
					order[n++] = h;
			h = order[next_random(&state) % n];
			if (x->st.last_hart >= 0 && (allowed >> x->st.last_hart & 1) &&
			    next_random(&state) % 8 < stay)
				h = (unsigned)x->st.last_hart;
			nalt = (run >> h) & 1u ? exec_fetch_alternatives(x, h) : 0;
			k = nalt + ((irq >> h) & 1u);
			if (n > 1 || k > 1)
				x->stats.schedule_points++;
			k = k > 1 ? (unsigned)(next_random(&state) % k) : 0;
			schedule_hart(x, h, k < nalt ? k : EX_ALT_INTERRUPT);
		}
		x->stats.walks++;
		if (!x->failure) {
			x->stats.executions++;
			coverage_count_execution(x);
			litmus_note_outcome(x);
		}
	}
	x->stats.truncated = !x->failure; /* a sample, not every schedule */
}

/* The search from the initial state, restarted (at most a few times) when an execution wrote
 * a code word not known to be written: fetches of it were local steps until then. Only
 * schedules with fewer preemptions than prune_at (0: any) are explored. */
static void search_from_root(struct explorer *x, struct search *s, unsigned prune_at)
{
	const struct scenario *scn = x->scn;

	for (unsigned attempt = 0;; attempt++) {
		x->bound = scn->preemptions_bounded ? scn->preemptions : ~0u;
		x->bound_active = scn->preemptions_bounded;
		x->prune_at = prune_at;
		x->stop = false;
		x->shared_set_grew = false;
		s->restart = false;
		memset(x->nodes, 0, sizeof(x->nodes[0]));
		exec_reset(x);
		state_cache_reset(x);
		s->prefixes = 0;
		explore(s, 0);
		if (!s->restart)
			break;
		if (attempt == EX_MAX_RESTARTS) { /* still growing: what was explored is a sample */
			x->stats.truncated = true;
			break;
		}
		s->split_count = 0; /* the whole tree from now on: see in_split */
		prune_at = 0;       /* and every preemption count: the failure found is dropped */
		x->stats = (struct run_stats){0};
		memset(&x->outcomes, 0, sizeof(x->outcomes));
		if (s->traces)
			memset(s->traces, 0, s->traces_cap * sizeof(*s->traces));
		if (s->best)
			scenario_result_free(&(struct scenario_result){.failure = s->best});
		s->best = NULL;
	}
}

/*
 * The whole search. A failure found with preemptions is searched for again below them with
 * the executions spin.c and interrupt.c drop kept: the order that replaces a dropped one
 * (the hart holding back instead of waiting, or running before the IPI's store) can cost a
 * preemption the dropped one did not. The failure kept is still the simplest. That search
 * cuts the points whose state (the preemption accounting included) it explored before.
 */
static void search_all(struct explorer *x, struct search *s)
{
	const struct scenario *scn = x->scn;

	search_from_root(x, s, 0);
	if (s->best && s->best->preemptions > 0 && x->executions_dropped &&
	    !x->keep_dropped && !x->stats.truncated) {
		x->keep_dropped = true;
		search_from_root(x, s, s->best->preemptions);
	}
	/* Complete: every trace was explored (a failure ends it, or prunes what follows). The
	 * preemption bound reached is the scenario's, or 0. */
	x->stats.bound_reached = scn->preemptions_bounded ? scn->preemptions : 0;
	x->stats.complete = !scn->preemptions_bounded && !x->stats.truncated && !s->best;
	x->failure = s->best;
	s->best = NULL;
}

/*
 * The exhaustive search stopped at its execution limit without a failure: random walks look
 * for one. The depth-first order exhausts the last branch points first, so a failure that needs
 * an early choice (where an IPI finds a CPU, in a stop of several) can lie past any limit;
 * a walk chooses anew at every point. Not for a shard of one tree (its walks would repeat
 * the other shards'). The walks run without the search's nodes: nothing is dropped.
 */
static void walks_after_limit(struct explorer *x, struct search *s,
			      const struct explore_options *opt)
{
	if (!opt || !opt->walks_after_limit || !x->stats.truncated || x->failure ||
	    s->split_count)
		return;
	nodes_give_back(x);
	x->stop = false;
	random_walks(x, opt->walks_after_limit, opt->random_seed);
}

int explorer_run(const struct scenario *scn, const struct explore_options *opt,
		 struct scenario_result *res)
{
	struct explorer x;
	struct search s = {.x = &x};

	if (prepare_or_error(&x, scn, opt, res))
		return 2;
	s.started = now_seconds();
	x.max_executions = opt && opt->max_executions ? opt->max_executions : scn->max_executions;
	if (opt && opt->random_walks) {
		random_walks(&x, opt->random_walks, opt->random_seed);
	} else {
		x.keep_dropped = opt && (opt->keep_dropped_executions || opt->every_interleaving);
		nodes_take(&x);
		if (opt && opt->tree_shard_count > 1) {
			s.split_index = opt->tree_shard_index;
			s.split_count = opt->tree_shard_count;
			/* Enough branch points for about two prefixes per shard. */
			for (s.split_depth = 1; (1ul << (s.split_depth - 1)) < s.split_count &&
			     s.split_depth < 24; s.split_depth++)
				;
		}
		if (!s.split_count && !scn->preemptions_bounded && !scn->litmus.nobserve &&
		    !x.keep_dropped && !(opt && opt->no_state_cache))
			state_cache_open(&x);
		search_all(&x, &s);
		state_cache_close(&x);
		walks_after_limit(&x, &s, opt);
	}
	x.stats.seconds = now_seconds() - s.started;
	if (!s.split_count) /* a shard of one tree covers a part: coverage is the whole tree's */
		check_vacuous(&x);
	if (x.failure && strcmp(x.failure->invariant, "vacuous") != 0) {
		struct run_stats searched = x.stats;

		minimise_failure(&x);
		x.stats = searched;
		if (!(opt && opt->skip_register_capture))
			capture_failure_registers(&x, res);
	}
	if (!s.split_count) /* of the whole search, as vacuous: not of a shard */
		litmus_check_outcome(&x);
	fill_result(&x, res);
	search_free(&s);
	explorer_release(&x);
	return 0;
}

int explorer_replay(const struct scenario *scn, const struct explore_options *opt,
		    const char *schedule, struct scenario_result *res)
{
	struct explorer x;
	double started;

	if (prepare_or_error(&x, scn, opt, res))
		return 2;
	started = now_seconds();
	x.capture = true;
	for (unsigned attempt = 0;; attempt++) {
		int rc;

		x.shared_set_grew = false;
		rc = run_schedule(&x, schedule, res);
		/* The run found more memory shared (another hart's private word, a code word
		 * written), as the search that made the schedule had before it: run it again. */
		if (!x.shared_set_grew || attempt == EX_MAX_RESTARTS || (!rc && x.failure)) {
			if (rc) {
				explorer_release(&x);
				return 2;
			}
			break;
		}
		scenario_result_free(&(struct scenario_result){.failure = x.failure});
		x.failure = NULL;
		x.stop = false;
		memset(res, 0, sizeof(*res));
	}
	if (!x.failure && exec_all_done(&x))
		x.stats.executions = 1;
	x.stats.seconds = now_seconds() - started;
	fill_result(&x, res);
	explorer_release(&x);
	return 0;
}

void scenario_result_free(struct scenario_result *res)
{
	if (res->failure) {
		free(res->failure->trace);
		free(res->failure->deltas);
		free(res->failure->regs);
		free(res->failure);
		res->failure = NULL;
	}
}

bool scenario_result_matches(const struct scenario *scn, const struct scenario_result *res)
{
	if (res->verdict == VERDICT_ERROR)
		return false;
	if (scn->expect == VERDICT_PASS)
		return res->verdict == VERDICT_PASS;
	return res->verdict == VERDICT_FAIL && res->failure &&
	       strcmp(res->failure->invariant, scn->expect_invariant) == 0;
}
