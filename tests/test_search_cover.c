/*
 * test_search_cover.c - the reduced search covers every trace, checked by the traces' hashes:
 * the same distinct traces as every interleaving (explore_options every_interleaving), with
 * and without a preemption bound, when it keeps the executions spin.c drops, and the same
 * final states when it drops them; and one scenario's search tree split into shards
 * (tree_shard_index/count): the shards together explore every distinct trace the unsharded
 * search explores, no more, and find a failure exactly when it does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer.h"
#include "test_support.h"

/* A set of trace hashes, as a sorted-on-demand array. */
struct trace_set {
	uint64_t *hash;
	size_t n, cap;
};

static void trace_add(void *ud, uint64_t hash)
{
	struct trace_set *t = ud;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->hash = realloc(t->hash, t->cap * sizeof(*t->hash));
		ck_assert_ptr_nonnull(t->hash);
	}
	t->hash[t->n++] = hash;
}

static int compare_hash(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts and drops repeats. */
static void trace_set_normalise(struct trace_set *t)
{
	size_t k = 0;

	qsort(t->hash, t->n, sizeof(*t->hash), compare_hash);
	for (size_t i = 0; i < t->n; i++)
		if (!k || t->hash[k - 1] != t->hash[i])
			t->hash[k++] = t->hash[i];
	t->n = k;
}

/* How one search is run: a shard (index of count, 0/0: the whole tree), every interleaving,
 * or the reduction keeping the executions spin.c drops, with or without the states explored
 * before (state_cache.c: a point whose state was explored is cut, so its execution has no
 * trace and no final state of its own); where its traces and final states go. */
struct search_how {
	unsigned long index, count;
	bool every, keep, no_cache, step_each, keep_dead, poison;
	unsigned long cache_states; /* per generation of the state cache; 0: its own */
	struct trace_set *traces, *finals;
};

/* Two searches that made the same choices: the same verdict, executions, distinct traces and
 * steps. */
static void expect_same_search(const struct scenario_result *a, const struct scenario_result *b)
{
	ck_assert_int_eq(a->verdict, b->verdict);
	ck_assert_uint_eq(a->stats.executions, b->stats.executions);
	ck_assert_uint_eq(a->stats.distinct_traces, b->stats.distinct_traces);
	ck_assert_uint_eq(a->stats.steps, b->stats.steps);
}

/* Explores scn as how says; the result in res. */
static void explore_how(const struct scenario *scn, const struct search_how *how,
			struct scenario_result *res)
{
	struct explore_options opt = {
		.tree_shard_index = how->index,
		.tree_shard_count = how->count,
		.every_interleaving = how->every,
		.keep_dropped_executions = how->keep,
		.no_state_cache = how->no_cache,
		.state_cache_states = how->cache_states,
		.step_each = how->step_each,
		.keep_dead_registers = how->keep_dead,
		.poison_dead = how->poison,
		.trace_seen = how->traces ? trace_add : NULL,
		.trace_seen_ud = how->traces,
		.final_state_seen = how->finals ? trace_add : NULL,
		.final_state_seen_ud = how->finals,
	};

	ck_assert_int_eq(explorer_run(scn, &opt, res), 0);
	ck_assert_msg(res->verdict == VERDICT_PASS || res->verdict == VERDICT_FAIL,
		      "%s shard %lu/%lu: verdict %d (%s)", scn->name, how->index, how->count,
		      res->verdict, res->error);
}

/* Explores scn once for each of the n ways, each of which must pass; the final states of way i
 * in finals[i], normalised. */
static void explore_ways(const struct scenario *scn, unsigned n, struct search_how *ways,
			 struct scenario_result *res, struct trace_set *finals)
{
	for (unsigned i = 0; i < n; i++) {
		memset(&finals[i], 0, sizeof(finals[i]));
		ways[i].finals = &finals[i];
		explore_how(scn, &ways[i], &res[i]);
		trace_set_normalise(&finals[i]);
		ck_assert_msg(res[i].verdict == VERDICT_PASS, "way %u: verdict %d", i,
			      (int)res[i].verdict);
	}
}

static void free_ways(unsigned n, struct scenario_result *res, struct trace_set *finals)
{
	for (unsigned i = 0; i < n; i++) {
		scenario_result_free(&res[i]);
		free(finals[i].hash);
	}
}

/* Explores shard index of count (0/0: the whole tree), every interleaving when every, adding
 * its traces to set; the result in res. */
static void explore_traces(const struct scenario *scn, unsigned long index, unsigned long count,
			   bool every, struct trace_set *set, struct scenario_result *res)
{
	explore_how(scn, &(struct search_how){.index = index, .count = count, .every = every,
					      .no_cache = true, .traces = set}, res);
}

static bool sets_equal(const struct trace_set *a, const struct trace_set *b)
{
	return a->n == b->n && memcmp(a->hash, b->hash, a->n * sizeof(*a->hash)) == 0;
}

/* The union of count shards against the whole search of scenarios/dir/name. */
static void shards_cover_the_tree(const char *dir, const char *name, unsigned long count)
{
	struct scenario scn;
	struct scenario_result whole, part;
	struct trace_set all = {0}, joined = {0};
	unsigned long executions = 0, busy = 0;
	bool failed = false;

	load_bundled_scenario(&scn, dir, name);
	explore_traces(&scn, 0, 0, false, &all, &whole);
	trace_set_normalise(&all);
	for (unsigned long i = 1; i <= count; i++) {
		explore_traces(&scn, i, count, false, &joined, &part);
		executions += part.stats.executions;
		failed |= part.verdict == VERDICT_FAIL;
		if (part.verdict == VERDICT_FAIL && whole.verdict == VERDICT_FAIL)
			ck_assert_str_eq(part.failure->invariant, whole.failure->invariant);
		busy += part.stats.executions > 0;
		scenario_result_free(&part);
	}
	trace_set_normalise(&joined);
	ck_assert_msg(failed == (whole.verdict == VERDICT_FAIL),
		      "%s/%s: the %lu shards %s, the whole search %s", dir, name, count,
		      failed ? "failed" : "passed", whole.verdict == VERDICT_FAIL ? "failed" : "passed");
	if (whole.verdict == VERDICT_PASS) {
		ck_assert_msg(sets_equal(&joined, &all),
			      "%s/%s: %zu distinct traces in %lu shards, %zu in the whole search",
			      dir, name, joined.n, count, all.n);
		ck_assert_uint_ge(executions, whole.stats.executions);
		/* The work is spread: more than one shard explored executions. */
		ck_assert_msg(busy >= 2, "%s/%s: %lu of %lu shards explored anything", dir, name,
			      busy, count);
	}
	scenario_result_free(&whole);
	free(all.hash);
	free(joined.hash);
}

/*
 * The reduced search against every interleaving of scenarios/dir/name, within bound (-1:
 * none). Keeping the executions spin.c drops, it reaches the same distinct traces; dropping
 * them (the default), the same final states; each in no more executions.
 * fetch: the scenario's fetch model for this check; two_harts: only its first two harts, the
 * second making one pass (every interleaving of the larger ones is out of reach under the
 * arch fetch model, where cache maintenance and each version fetched are choices too).
 */
static void reduction_covers_every_trace(const char *dir, const char *name, int bound,
					 const char *fetch, bool two_harts)
{
	struct scenario scn;
	struct scenario_result kept, reduced, every;
	struct trace_set r = {0}, e = {0}, rf = {0}, ef = {0};

	load_bundled_scenario(&scn, dir, name);
	snprintf(scn.fetch, sizeof(scn.fetch), "%s", fetch);
	if (two_harts) {
		scn.nharts = 2;
		scn.harts[1].repeat = 1;
	}
	scn.preemptions_bounded = bound >= 0;
	scn.preemptions = bound >= 0 ? (unsigned)bound : 0;
	explore_how(&scn, &(struct search_how){.keep = true, .traces = &r}, &kept);
	explore_how(&scn, &(struct search_how){.finals = &rf}, &reduced);
	explore_how(&scn, &(struct search_how){.every = true, .traces = &e, .finals = &ef}, &every);
	trace_set_normalise(&r);
	trace_set_normalise(&e);
	trace_set_normalise(&rf);
	trace_set_normalise(&ef);
	ck_assert_int_eq(kept.verdict, every.verdict);
	ck_assert_int_eq(reduced.verdict, every.verdict);
	if (every.verdict == VERDICT_PASS) {
		ck_assert_msg(sets_equal(&r, &e),
			      "%s/%s bound %d fetch %s: %zu distinct traces reduced, %zu in every"
			      " interleaving (%lu executions)", dir, name, bound, fetch, r.n, e.n,
			      every.stats.executions);
		ck_assert_msg(sets_equal(&rf, &ef),
			      "%s/%s bound %d fetch %s: %zu final states reduced, %zu in every"
			      " interleaving (%lu executions)", dir, name, bound, fetch, rf.n, ef.n,
			      every.stats.executions);
	}
	ck_assert_uint_le(reduced.stats.executions, kept.stats.executions);
	ck_assert_uint_le(kept.stats.executions, every.stats.executions);
	scenario_result_free(&kept);
	scenario_result_free(&reduced);
	scenario_result_free(&every);
	free(r.hash);
	free(e.hash);
	free(rf.hash);
	free(ef.hash);
}

/*
 * The same verdict and final states as every interleaving, for a scenario where every
 * interleaving has traces the reduction takes for one: an iteration of a wait, run where the
 * wait was not recognised because the value it read was overwritten meanwhile.
 */
static void reduction_reaches_every_final_state(const char *dir, const char *name)
{
	struct scenario scn;
	struct scenario_result reduced, every;
	struct trace_set rf = {0}, ef = {0};

	load_bundled_scenario(&scn, dir, name);
	explore_how(&scn, &(struct search_how){.finals = &rf}, &reduced);
	explore_how(&scn, &(struct search_how){.every = true, .finals = &ef}, &every);
	trace_set_normalise(&rf);
	trace_set_normalise(&ef);
	ck_assert_msg(reduced.verdict == every.verdict, "%s/%s: verdict %d reduced, %d in every "
		      "interleaving (%s)", dir, name, reduced.verdict, every.verdict,
		      every.failure ? every.failure->message : "");
	ck_assert_msg(sets_equal(&rf, &ef), "%s/%s: %zu final states reduced, %zu in every "
		      "interleaving", dir, name, rf.n, ef.n);
	scenario_result_free(&reduced);
	scenario_result_free(&every);
	free(rf.hash);
	free(ef.hash);
}

/*
 * A hart waits on two words, loading both in each iteration, and the store it waits for lands
 * between an iteration's two loads (tests/data/scenarios/spin_two_reads.yaml): the iteration
 * ends in the state an earlier one did, but what it loaded first is already overwritten, so
 * the hart is not blocked (every interleaving reaches that order; taking the hart for blocked
 * there was a deadlock no machine reaches).
 */
START_TEST(a_wait_is_not_blocked_on_a_value_already_overwritten)
{
	reduction_reaches_every_final_state("../tests/data/scenarios", "spin_two_reads");
}
END_TEST

/* Small enough for every interleaving (nop-to-call at bound 0: 36,556 executions); with a
 * bound, every interleaving within it. The hart choices are checked under the coherent fetch
 * model; the versions a fetch may take (and cache maintenance as visible operations) under
 * the arch model, on all three arches, with two harts. */
START_TEST(reduction_covers_every_interleaving)
{
	reduction_covers_every_trace("riscv", "shared-counter-locked", -1, "coherent", false);
	reduction_covers_every_trace("litmus", "arm64-spin-wait", -1, "coherent", false);
	reduction_covers_every_trace("litmus", "arm64-exclusive-add", -1, "coherent", false);
	reduction_covers_every_trace("arm64", "nop-to-call-nmi", -1, "coherent", false);
	reduction_covers_every_trace("../tests/data/scenarios", "ipi_small", -1, "coherent",
				     false);

	reduction_covers_every_trace("arm64", "shared-lock-order-deadlock", -1, "coherent", false);
	reduction_covers_every_trace("arm64", "nop-to-call", 0, "coherent", false);
	reduction_covers_every_trace("riscv", "shared-counter-locked", 0, "coherent", false);
	reduction_covers_every_trace("arm64", "init-then-isb", 0, "coherent", false);
	reduction_covers_every_trace("riscv", "shared-counter-locked", 1, "coherent", false);
	reduction_covers_every_trace("riscv", "direct-t1", -1, "arch", true);
	reduction_covers_every_trace("arm", "nop-to-call", -1, "arch", true);
	reduction_covers_every_trace("arm64", "entryseq-a-one-step-stopped", -1, "arch", true);
}
END_TEST

/*
 * Two CPUs meet in the guest stop_machine and run nothing (tests/data/scenarios/rendezvous.yaml).
 * Each waiting CPU's first read of the state word, made before the state changed, races with
 * the write that moves it on, and keeping those executions doubles the search at every state
 * for every waiting CPU; dropping them (the reversed race reads the new state at once) leaves
 * one execution for each order of arrival, and every final state of the traces kept. (Every
 * interleaving of the rendezvous is out of reach; the search that keeps them is checked
 * against it above.)
 */
START_TEST(a_rendezvous_costs_the_orders_of_arrival)
{
	struct scenario scn;
	struct search_how ways[] = {{.keep = true}, {.no_cache = true}, {0}};
	struct scenario_result r[3];
	struct trace_set f[3];

	load_bundled_scenario(&scn, "../tests/data/scenarios", "rendezvous");
	explore_ways(&scn, 3, ways, r, f); /* kept, reduced, cached */
	ck_assert(r[1].stats.complete && r[2].stats.complete);
	ck_assert_uint_eq(r[0].stats.executions, 256);
	ck_assert_uint_eq(r[1].stats.executions, 16);
	ck_assert_uint_lt(r[2].stats.executions, r[1].stats.executions);
	ck_assert_uint_gt(r[2].stats.states_merged, 0);
	ck_assert_msg(sets_equal(&f[1], &f[0]), "%zu final states reduced, %zu keeping every "
		      "trace", f[1].n, f[0].n);
	ck_assert_msg(sets_equal(&f[2], &f[0]), "%zu final states with the states explored before "
		      "cut, %zu keeping every trace", f[2].n, f[0].n);
	free_ways(3, r, f);
}
END_TEST

/* Explores dir/name without cutting the points whose state was explored before and with the
 * cut (state_cache.c), its table keeping cache_states states per generation (0: its own size):
 * both pass, completely, and reach the same final states. The results in plain and cached, for
 * the caller to compare their executions and free. */
static void cut_with_cache_keeps_final_states(const char *dir, const char *name,
					      unsigned long cache_states,
					      struct scenario_result *plain,
					      struct scenario_result *cached)
{
	struct scenario scn;
	struct trace_set pf = {0}, cf = {0};

	load_bundled_scenario(&scn, dir, name);
	explore_how(&scn, &(struct search_how){.no_cache = true, .finals = &pf}, plain);
	explore_how(&scn, &(struct search_how){.cache_states = cache_states, .finals = &cf},
		    cached);
	trace_set_normalise(&pf);
	trace_set_normalise(&cf);
	ck_assert_int_eq(plain->verdict, VERDICT_PASS);
	ck_assert_int_eq(cached->verdict, VERDICT_PASS);
	ck_assert(plain->stats.complete && cached->stats.complete);
	ck_assert_msg(sets_equal(&cf, &pf), "%s/%s: %zu final states with the states explored "
		      "before cut (%lu kept per generation, 0: the default), %zu without", dir,
		      name, cf.n, cache_states, pf.n);
	free(pf.hash);
	free(cf.hash);
}

static void cut_keeps_final_states(const char *dir, const char *name,
				   struct scenario_result *plain, struct scenario_result *cached)
{
	cut_with_cache_keeps_final_states(dir, name, 0, plain, cached);
}

/*
 * arm64/entryseq-b-multi-step-quiesce under fetch: arch: after each code write, the runners'
 * paths meet in states explored before. The fetch model is hashed as its future reads it
 * (emu/state_hash.c: versions no hart may fetch any more left out, and the write tag of the
 * oldest fetchable one), so what happened before the writes no hart can still see does not
 * tell states apart: 1,690 executions without the cut, under a twentieth with it (169, an
 * eighth, when the tags of every version were hashed), and the same final states.
 */
START_TEST(states_meet_again_after_a_code_write)
{
	struct scenario_result plain, cached;

	cut_keeps_final_states("arm64", "entryseq-b-multi-step-quiesce", &plain, &cached);
	ck_assert_msg(cached.stats.executions * 20 <= plain.stats.executions,
		      "%lu executions with the states explored before cut, %lu without",
		      cached.stats.executions, plain.stats.executions);
	scenario_result_free(&plain);
	scenario_result_free(&cached);
}
END_TEST

/*
 * Under the data model (data_memory: arch) a state includes the model's messages and every
 * hart's views (emu/datamem.c, emu_data_hash): riscv/ops-weak-nop-to-call and
 * arm64/callops-weak-make-call reach the same final states with the cut as without it, in
 * fewer executions (6,561 to 1,924; 144 to 103).
 */
START_TEST(states_are_cut_under_the_data_model)
{
	static const char *const cases[][2] = {
		{"riscv", "ops-weak-nop-to-call"},
		{"arm64", "callops-weak-make-call"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scenario_result plain, cached;

		cut_keeps_final_states(cases[i][0], cases[i][1], &plain, &cached);
		ck_assert_msg(cached.stats.executions < plain.stats.executions,
			      "%s/%s: %lu executions with the cut, %lu without", cases[i][0],
			      cases[i][1], cached.stats.executions, plain.stats.executions);
		scenario_result_free(&plain);
		scenario_result_free(&cached);
	}
}
END_TEST

/*
 * The search for a simpler failure (search.c: below the preemptions of the one found, with the
 * executions spin.c and interrupt.c drop kept) cuts the points whose state it explored before
 * with the same preemptions spent, the same harts held back and the same hart last: it finds
 * the failure the search without the cut finds, same schedule, same preemptions. For
 * arm64/entryseq-b-multi-step-quiesce-concurrent (six preemptions) in 135 executions instead
 * of 38,435.
 */
static void simpler_failure_search_cuts(const char *dir, const char *name, unsigned ratio)
{
	struct scenario scn;
	struct scenario_result plain, cached;

	load_bundled_scenario(&scn, dir, name);
	explore_how(&scn, &(struct search_how){.no_cache = true}, &plain);
	explore_how(&scn, &(struct search_how){0}, &cached);
	ck_assert_int_eq(plain.verdict, VERDICT_FAIL);
	ck_assert_int_eq(cached.verdict, VERDICT_FAIL);
	ck_assert_uint_gt(cached.failure->preemptions, 0);
	ck_assert_uint_eq(cached.failure->preemptions, plain.failure->preemptions);
	ck_assert_str_eq(cached.failure->schedule, plain.failure->schedule);
	ck_assert_str_eq(cached.failure->message, plain.failure->message);
	ck_assert_msg(cached.stats.executions * ratio <= plain.stats.executions,
		      "%s/%s: %lu executions with the states explored before cut, %lu without",
		      dir, name, cached.stats.executions, plain.stats.executions);
	scenario_result_free(&plain);
	scenario_result_free(&cached);
}

START_TEST(the_search_for_a_simpler_failure_cuts_states_explored_before)
{
	simpler_failure_search_cuts("arm64", "entryseq-b-multi-step-quiesce-concurrent", 20);
	simpler_failure_search_cuts("arm64", "entryseq-b-multi-step-quiesce-nokick", 1);
	simpler_failure_search_cuts("arm64", "guest-stop-patch-text-no-isb", 1);
}
END_TEST

/*
 * Inside Linux's stop_machine as guest code (IPIs, the rendezvous's atomic acknowledgements,
 * the text-patching callback), on all three arches: the states the search cuts, with a stack
 * below its SP and a clear exclusive monitor's value left out of the state hash
 * (emu/state_hash.c, emu/monitor.c), reach every final state the search without the cut
 * reaches, in fewer executions.
 */
static void guest_stop_cut_reaches_every_final_state(const char *dir, const char *name)
{
	struct scenario_result plain, cached;

	cut_keeps_final_states(dir, name, &plain, &cached);
	ck_assert_uint_lt(cached.stats.executions, plain.stats.executions);
	ck_assert_uint_gt(cached.stats.states_merged, 0);
	scenario_result_free(&plain);
	scenario_result_free(&cached);
}

START_TEST(states_cut_inside_a_guest_stop_reach_every_final_state)
{
	guest_stop_cut_reaches_every_final_state("arm64", "guest-stop-patch-text-preempt");
	guest_stop_cut_reaches_every_final_state("riscv", "guest-stop-patch-text-call");
	guest_stop_cut_reaches_every_final_state("arm", "guest-stop-call-to-nop-isb");
}
END_TEST

/*
 * A three-CPU search under Linux's stop_machine as guest code, two stops of which each IPI may
 * find either runner at any of its transitions, ends: arm/stack-args-nested passes, complete,
 * in a few thousand executions. It did not end in 300,000 while the state cache forgot every
 * state whenever its table filled (every few thousand executions), nor while a state after an
 * arm interrupt's return held the host's clock.
 */
START_TEST(a_three_cpu_guest_stop_search_ends)
{
	struct explore_options opt = {.guest_stop = true, .max_executions = 20000};
	struct scenario scn;
	struct scenario_result res;

	load_bundled_scenario(&scn, "arm", "stack-args-nested");
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 0);
	ck_assert_msg(res.verdict == VERDICT_PASS && res.stats.complete,
		      "verdict %d after %lu executions (complete: %d)", res.verdict,
		      res.stats.executions, res.stats.complete);
	ck_assert_uint_gt(res.stats.states_merged, 0);
	scenario_result_free(&res);
}
END_TEST

/*
 * The state cache keeps two generations of states and forgets the older when the newer is full
 * (state_cache.c). With room for a few states per generation it forgets all the time, and a
 * state found in the older generation brings that generation's summary: the search still
 * reaches every final state, complete, and still cuts.
 */
START_TEST(a_state_cache_that_forgets_reaches_every_final_state)
{
	static const char *const cases[][2] = {
		{"arm64", "guest-stop-patch-text-preempt"},
		{"arm", "guest-stop-call-to-nop-isb"},
	};

	for (unsigned i = 0; i < 2; i++) {
		struct scenario_result plain, small;

		cut_with_cache_keeps_final_states(cases[i][0], cases[i][1], 8, &plain, &small);
		ck_assert_uint_gt(small.stats.states_merged, 0);
		ck_assert_uint_lt(small.stats.executions, plain.stats.executions);
		scenario_result_free(&plain);
		scenario_result_free(&small);
	}
}
END_TEST

/*
 * A kept state's summary is kept once for every state of its generation that has the same one,
 * and each access in it once for the whole cache (state_cache.c). arm/stack-args-nested under
 * Linux's stop_machine keeps 140K states whose summaries hold 4.8M accesses, but only 12K
 * distinct summaries (484K numbers): with room for 150,000 states per generation nothing is
 * forgotten, and the search takes the executions it takes with the default room. Written out
 * per state (4 entries of room each), the accesses filled such a generation eight times over,
 * and the search, which forgot each time, took 6,152 executions instead of 2,318.
 */
START_TEST(states_with_the_same_summary_share_it)
{
	struct scenario scn;
	struct scenario_result roomy, small;

	load_bundled_scenario(&scn, "arm", "stack-args-nested");
	ck_assert_int_eq(explorer_run(&scn, &(struct explore_options){.guest_stop = true}, &roomy),
			 0);
	ck_assert_int_eq(explorer_run(&scn, &(struct explore_options){.guest_stop = true,
			 .state_cache_states = 150000}, &small), 0);
	ck_assert(roomy.verdict == VERDICT_PASS && roomy.stats.complete);
	ck_assert(small.verdict == VERDICT_PASS && small.stats.complete);
	ck_assert_msg(small.stats.executions == roomy.stats.executions,
		      "%lu executions with 150,000 states per generation, %lu with the default",
		      small.stats.executions, roomy.stats.executions);
	scenario_result_free(&roomy);
	scenario_result_free(&small);
}
END_TEST

/*
 * A function's register liveness is analysed once per process for its image, its bytes and
 * the words a hart may write in it, and kept (liveness.c): arm64/call-to-nop, explored after
 * arm64/nop-to-call (the same image, its site written the other way), takes the analyses of
 * the functions whose bytes are the same from it and analyses the others; explored again, it
 * analyses nothing, and its search is the one it made first in a fresh process (each test
 * runs in a process of its own), with the registers the kept analyses call dead overwritten
 * after every transition (--poison-dead).
 */
START_TEST(a_function_is_analysed_once_per_image)
{
	struct scenario a, b;
	struct scenario_result alone, other, after;

	load_bundled_scenario(&b, "arm64", "call-to-nop");
	load_bundled_scenario(&a, "arm64", "nop-to-call");
	explore_how(&b, &(struct search_how){0}, &alone);
	explore_how(&a, &(struct search_how){0}, &other);
	explore_how(&b, &(struct search_how){.poison = true}, &after);
	ck_assert_uint_eq(alone.stats.functions_recalled, 0);
	ck_assert_uint_gt(alone.stats.functions_analysed, 0);
	ck_assert_uint_gt(other.stats.functions_recalled, 0);
	ck_assert_uint_gt(other.stats.functions_analysed, 0);
	ck_assert_uint_eq(after.stats.functions_analysed, 0);
	ck_assert_uint_eq(after.stats.functions_recalled, alone.stats.functions_analysed);
	expect_same_search(&after, &alone);
	ck_assert_uint_eq(after.stats.states_merged, alone.stats.states_merged);
	scenario_result_free(&alone);
	scenario_result_free(&other);
	scenario_result_free(&after);
}
END_TEST

/*
 * Three CPUs (tests/data/scenarios/rendezvous3.yaml): they decrement the acknowledgement
 * counter of each state in all six orders, and each order is a trace of its own; only which
 * CPU is last tells the states apart afterwards. A point whose state was explored before is
 * not explored again (state_cache.c): far fewer executions, and every final state the search
 * without it reaches.
 */
START_TEST(three_cpus_meet_in_states_explored_before)
{
	struct scenario_result plain, cached;

	cut_keeps_final_states("../tests/data/scenarios", "rendezvous3", &plain, &cached);
	ck_assert_uint_eq(plain.stats.executions, 1296);
	ck_assert_uint_le(cached.stats.executions * 20, plain.stats.executions);
	scenario_result_free(&plain);
	scenario_result_free(&cached);
}
END_TEST

/*
 * riscv/ops-stack-args-nested: harts that spin reach one machine state having remembered
 * different iterations of their loop (how many they ran since the last write); what a hart
 * not yet blocked remembers only decides how soon it is seen to spin, and is left out of the
 * state (state_cache.c): 251 executions with the cut, 1,404 without, the same final states
 * (722 with the cut while the remembered iterations told states apart).
 */
START_TEST(what_a_spinning_hart_remembers_does_not_tell_states_apart)
{
	struct scenario_result plain, cached;

	cut_keeps_final_states("riscv", "ops-stack-args-nested", &plain, &cached);
	ck_assert_msg(cached.stats.executions * 4 <= plain.stats.executions,
		      "%lu executions with the states explored before cut, %lu without",
		      cached.stats.executions, plain.stats.executions);
	scenario_result_free(&plain);
	scenario_result_free(&cached);
}
END_TEST

/*
 * Three CPUs in Linux's stop_machine as guest code, two of them inside traced calls
 * (tests/data/scenarios/stop_three_harts.yaml): the rendezvous and the patching callback leave
 * different values in registers that nothing reads again (which CPU was last, how many times
 * one spun), and the states that differ only there are one (explorer/liveness.c; and the
 * flags in QEMU's raw form and the stale banked SP: emu/context_layout.c): 1,107 executions
 * with every register hashed, 342 without them,
 * and the same final states. Writing a fresh
 * value into every register found dead after each transition changes no final state either.
 */
START_TEST(dead_registers_do_not_tell_states_apart)
{
	struct scenario scn;
	struct search_how ways[] = {{.keep_dead = true}, {0}, {.poison = true}};
	struct scenario_result r[3];
	struct trace_set f[3];

	load_bundled_scenario(&scn, "../tests/data/scenarios", "stop_three_harts");
	explore_ways(&scn, 3, ways, r, f); /* every register hashed, dead ones left out, poisoned */
	ck_assert(r[0].stats.complete && r[1].stats.complete && r[2].stats.complete);
	ck_assert_msg(r[1].stats.executions * 3 <= r[0].stats.executions,
		      "%lu executions leaving dead registers out, %lu hashing them",
		      r[1].stats.executions, r[0].stats.executions);
	ck_assert_msg(sets_equal(&f[1], &f[0]), "%zu final states leaving dead registers out, %zu "
		      "hashing them", f[1].n, f[0].n);
	ck_assert_msg(sets_equal(&f[2], &f[1]), "%zu final states with dead registers "
		      "overwritten, %zu without", f[2].n, f[1].n);
	free_ways(3, r, f);
}
END_TEST

/*
 * litmus/arm-ifetch-noisb (A32): the reader spins on the flag with `ldr r3, [r2]; cmp r3, #0;
 * beq 0b`, where r3 and the flags are written before they are read; left out of the spin
 * check's state (explorer/liveness.c, arm's flow from flow_arm.c), the loop is seen to spin
 * one iteration sooner: half the executions, the same final states (its outcomes).
 */
START_TEST(dead_registers_on_arm)
{
	struct scenario scn;
	struct search_how ways[] = {{.keep_dead = true}, {0}};
	struct scenario_result r[2];
	struct trace_set f[2];

	load_bundled_scenario(&scn, "litmus", "arm-ifetch-noisb");
	explore_ways(&scn, 2, ways, r, f); /* every register hashed, dead ones left out */
	ck_assert(r[0].stats.complete && r[1].stats.complete);
	ck_assert_uint_eq(r[0].stats.executions, 4);
	ck_assert_uint_eq(r[1].stats.executions, 2);
	ck_assert_msg(sets_equal(&f[1], &f[0]), "%zu final states, %zu hashing dead registers",
		      f[1].n, f[0].n);
	free_ways(2, r, f);
}
END_TEST

START_TEST(passing_scenarios_split_two_and_three_ways)
{
	static const char *const cases[][2] = {
		{"arm64", "nop-to-call"},
		{"riscv", "direct-t1"},
		{"arm64", "shared-counter-locked"},
		{"riscv", "shared-counter-locked"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (unsigned long n = 2; n <= 3; n++)
			shards_cover_the_tree(cases[i][0], cases[i][1], n);
}
END_TEST

START_TEST(failing_scenarios_fail_in_some_shard)
{
	shards_cover_the_tree("arm64", "shared-counter-racy", 2);
	shards_cover_the_tree("arm64", "shared-lock-order-deadlock", 3);
	shards_cover_the_tree("riscv", "shared-counter-racy", 4);
}
END_TEST

START_TEST(one_shard_is_the_whole_tree)
{
	struct scenario scn;
	struct scenario_result whole, one;
	struct trace_set a = {0}, b = {0};

	load_bundled_scenario(&scn, "arm64", "nop-to-call");
	explore_traces(&scn, 0, 0, false, &a, &whole);
	explore_traces(&scn, 1, 1, false, &b, &one);
	ck_assert_uint_eq(whole.stats.executions, one.stats.executions);
	ck_assert_uint_eq(whole.stats.distinct_traces, one.stats.distinct_traces);
	scenario_result_free(&whole);
	scenario_result_free(&one);
	free(a.hash);
	free(b.hash);
}
END_TEST

/*
 * Runs of plain instructions (a hart's local steps in one uc_emu_start, emu/batch.c) change
 * nothing the search finds: the executions, traces, final states, steps and the failure with
 * its trace are those of stepping each instruction alone; and the runs did run steps.
 */
static void runs_change_nothing(const char *dir, const char *name)
{
	struct scenario scn;
	struct scenario_result runs, each;
	struct trace_set tr = {0}, te = {0}, fr = {0}, fe = {0};

	load_bundled_scenario(&scn, dir, name);
	explore_how(&scn, &(struct search_how){.traces = &tr, .finals = &fr}, &runs);
	explore_how(&scn, &(struct search_how){.step_each = true, .traces = &te, .finals = &fe},
		    &each);
	ck_assert_msg(runs.stats.run_steps > runs.stats.steps / 4, "%s/%s: %llu of %llu steps in runs",
		      dir, name, runs.stats.run_steps, runs.stats.steps);
	ck_assert_uint_eq(each.stats.run_steps, 0);
	expect_same_search(&runs, &each);
	trace_set_normalise(&tr);
	trace_set_normalise(&te);
	trace_set_normalise(&fr);
	trace_set_normalise(&fe);
	ck_assert(sets_equal(&tr, &te));
	ck_assert(sets_equal(&fr, &fe));
	ck_assert_int_eq(!runs.failure, !each.failure);
	if (runs.failure) {
		const struct failure *a = runs.failure, *b = each.failure;

		ck_assert_str_eq(a->message, b->message);
		ck_assert_str_eq(a->schedule, b->schedule);
		ck_assert_uint_eq(a->ntrace, b->ntrace);
		for (size_t i = 0; i < a->ntrace; i++)
			ck_assert(a->trace[i].pc == b->trace[i].pc &&
				  a->trace[i].step == b->trace[i].step &&
				  a->trace[i].hart == b->trace[i].hart);
	}
	scenario_result_free(&runs);
	scenario_result_free(&each);
	free(tr.hash);
	free(te.hash);
	free(fr.hash);
	free(fe.hash);
}

START_TEST(runs_of_local_steps_change_nothing)
{
	runs_change_nothing("arm64", "nop-to-call");
	runs_change_nothing("arm64", "entryseq-b-multi-step-quiesce");
	runs_change_nothing("arm64", "entryseq-b-multi-step-quiesce-nokick"); /* fails cmodx */
	runs_change_nothing("arm64", "callops-weak-bl-before-literal"); /* data_memory: arch */
	runs_change_nothing("arm64", "complete-ack-in-irq-then-call"); /* interrupts */
	runs_change_nothing("riscv", "direct-t1");
	runs_change_nothing("riscv", "ops-weak-callback-must-run"); /* weak, fails regs-seen */
	runs_change_nothing("riscv", "shared-counter-racy");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("search_cover");
	TCase *tc = tcase_create("search_cover");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, reduction_covers_every_interleaving);
	tcase_add_test(tc, a_wait_is_not_blocked_on_a_value_already_overwritten);
	tcase_add_test(tc, a_rendezvous_costs_the_orders_of_arrival);
	tcase_add_test(tc, three_cpus_meet_in_states_explored_before);
	tcase_add_test(tc, a_three_cpu_guest_stop_search_ends);
	tcase_add_test(tc, a_state_cache_that_forgets_reaches_every_final_state);
	tcase_add_test(tc, states_with_the_same_summary_share_it);
	tcase_add_test(tc, dead_registers_do_not_tell_states_apart);
	tcase_add_test(tc, what_a_spinning_hart_remembers_does_not_tell_states_apart);
	tcase_add_test(tc, dead_registers_on_arm);
	tcase_add_test(tc, a_function_is_analysed_once_per_image);
	tcase_add_test(tc, states_meet_again_after_a_code_write);
	tcase_add_test(tc, the_search_for_a_simpler_failure_cuts_states_explored_before);
	tcase_add_test(tc, states_are_cut_under_the_data_model);
	tcase_add_test(tc, states_cut_inside_a_guest_stop_reach_every_final_state);
	tcase_add_test(tc, passing_scenarios_split_two_and_three_ways);
	tcase_add_test(tc, failing_scenarios_fail_in_some_shard);
	tcase_add_test(tc, one_shard_is_the_whole_tree);
	tcase_add_test(tc, runs_of_local_steps_change_nothing);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
