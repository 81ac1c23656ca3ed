/*
 * search.c - exhaustive depth-first search over schedules with a preemption bound, iteratively
 * deepened (0, 1, ... k preemptions) so the first failure found has the fewest preemptions;
 * checkpoints (machine snapshot + execution state) at every decision point for backtracking;
 * replay of a stored schedule.
 *
 * A schedule is the string of hart numbers, one per transition ("0112..."): with the scenario
 * and the image it determines the execution exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"

struct checkpoint {
	struct machine_snapshot *snap;
	struct exec_state st;
};

struct search {
	struct explorer *x;
	struct checkpoint *levels;
	unsigned nlevels;
	double started;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct checkpoint *level(struct search *s, unsigned depth)
{
	if (depth >= s->nlevels) {
		unsigned n = depth + 16;
		struct checkpoint *l = realloc(s->levels, n * sizeof(*l));

		if (!l)
			abort();
		for (unsigned i = s->nlevels; i < n; i++)
			l[i].snap = machine_snapshot_new(s->x->m);
		s->levels = l;
		s->nlevels = n;
	}
	return &s->levels[depth];
}

static void save(struct search *s, unsigned depth)
{
	struct checkpoint *c = level(s, depth);

	machine_snapshot_save(s->x->m, c->snap);
	memcpy(&c->st, &s->x->st, EXEC_STATE_SIZE(s->x->nharts));
}

static void restore(struct search *s, unsigned depth)
{
	struct checkpoint *c = &s->levels[depth];

	machine_snapshot_restore(s->x->m, c->snap);
	memcpy(&s->x->st, &c->st, EXEC_STATE_SIZE(s->x->nharts));
}

static void execution_complete(struct search *s)
{
	struct explorer *x = s->x;

	if (!x->stats.nharts) {
		x->stats.nharts = x->nharts;
		for (unsigned h = 0; h < x->nharts; h++)
			x->stats.first_execution_steps[h] = x->st.harts[h].steps;
	}
	/* Executions with fewer preemptions were counted by an earlier, smaller bound. */
	if (x->st.preemptions == x->bound)
		x->stats.executions++;
	if (x->max_executions && x->stats.executions >= x->max_executions) {
		x->stats.truncated = true;
		x->stop = true;
	}
	if (x->opt && x->opt->progress && (x->stats.executions & 1023) == 0) {
		x->stats.seconds = now_seconds() - s->started;
		x->opt->progress(x->opt->progress_ud, &x->stats);
	}
}

/* The harts that may take the next transition within the preemption bound, the current one
 * first (continuing it costs no preemption). */
static unsigned schedulable_harts(const struct explorer *x, unsigned order[SCN_MAX_HARTS])
{
	int cur = x->st.last_hart;
	bool cur_enabled = cur >= 0 && exec_enabled(x, (unsigned)cur);
	unsigned n = 0;

	if (cur_enabled)
		order[n++] = (unsigned)cur;
	for (unsigned h = 0; h < x->nharts; h++)
		if (exec_enabled(x, h) && (int)h != cur &&
		    (!cur_enabled || x->st.preemptions < x->bound))
			order[n++] = h;
	return n;
}

/* Hart h takes the next transition; switching away from a hart that could go on is a
 * preemption. false when the execution failed. */
static bool schedule_hart(struct explorer *x, unsigned h)
{
	int cur = x->st.last_hart;

	if (cur >= 0 && (int)h != cur && exec_enabled(x, (unsigned)cur))
		x->st.preemptions++;
	x->st.last_hart = (int)h;
	return exec_transition(x, h);
}

/* An execution that does not finish within EX_MAX_TRANSITIONS visible operations fails
 * termination. */
static bool too_many_transitions(struct explorer *x)
{
	int cur = x->st.last_hart;

	if (x->st.ntransitions < EX_MAX_TRANSITIONS)
		return false;
	check_fail(x, "termination", (unsigned)(cur < 0 ? 0 : cur), 0,
		   "at most 1000 visible operations", "more", "the execution did not finish");
	return true;
}

static void dfs(struct search *s, unsigned depth)
{
	struct explorer *x = s->x;
	unsigned order[SCN_MAX_HARTS], n;

	if (exec_all_done(x)) {
		execution_complete(s);
		return;
	}
	if (too_many_transitions(x))
		return;
	n = schedulable_harts(x, order);
	if (n > 1) {
		x->stats.schedule_points++;
		save(s, depth);
	}
	for (unsigned i = 0; i < n && !x->stop; i++) {
		unsigned h = order[i];

		if (i > 0)
			restore(s, depth);
		if (!schedule_hart(x, h))
			return; /* a failure: x->stop is set */
		dfs(s, depth + 1);
	}
}

static void search_free(struct search *s)
{
	for (unsigned i = 0; i < s->nlevels; i++)
		machine_snapshot_free(s->levels[i].snap);
	free(s->levels);
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
	exec_reset(x);
	x->bound = ~0u;
	x->deltas_len = 0;
	for (unsigned h = 0; h < x->nharts && x->capture; h++)
		machine_read_regs(x->m, h, x->last_regs[h]);
	for (const char *p = schedule; *p && !x->stop; p++) {
		unsigned h = (unsigned)(*p - '0');

		if (*p < '0' || h >= x->nharts || !exec_enabled(x, h)) {
			snprintf(res->error, sizeof(res->error),
				 "schedule '%s' does not fit scenario %s: at position %ld hart '%c' %s",
				 schedule, x->scn->name, (long)(p - schedule), *p,
				 h >= x->nharts ? "does not exist"
				 : x->st.harts[h].done ? "has already finished" : "is parked");
			res->verdict = VERDICT_ERROR;
			return 2;
		}
		schedule_hart(x, h);
	}
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
 * of the harts the preemption bound allows, uniformly. For scenarios too large to exhaust; a
 * failure found this way replays like any other (its schedule is recorded as it is walked).
 */
static void random_walks(struct explorer *x, unsigned long walks, uint64_t seed)
{
	uint64_t state = seed ? seed : 0x9e3779b97f4a7c15ull;

	x->bound = x->scn->preemptions;
	x->stats.bound_reached = x->bound;
	for (unsigned long w = 0; w < walks && !x->failure; w++) {
		exec_reset(x);
		while (!exec_all_done(x) && !x->failure && !too_many_transitions(x)) {
			unsigned order[SCN_MAX_HARTS], n = schedulable_harts(x, order);

			if (n > 1)
				x->stats.schedule_points++;
			schedule_hart(x, order[next_random(&state) % n]);
		}
		if (!x->failure)
			x->stats.executions++;
	}
	x->stats.truncated = !x->failure; /* a sample, not every schedule */
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
	if (opt && opt->random_walks)
		random_walks(&x, opt->random_walks, opt->random_seed);
	for (unsigned k = 0; k <= scn->preemptions && !x.stop && !(opt && opt->random_walks); k++) {
		x.bound = k;
		x.stats.bound_reached = k;
		exec_reset(&x);
		dfs(&s, 0);
	}
	x.stats.seconds = now_seconds() - s.started;
	if (x.failure)
		capture_failure_registers(&x, res);
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
	if (run_schedule(&x, schedule, res)) {
		explorer_release(&x);
		return 2;
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
