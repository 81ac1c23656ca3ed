/*
 * minimise.c - a failure's schedule made as simple as its trace allows.
 *
 * The failing transition depends only on the transitions that happen before it (its causal
 * past: program order and the order of dependent accesses). Every other transition can be
 * left out, and the causal past can be run in any order that respects happens-before: each is
 * the same Mazurkiewicz trace up to the failure. Two such orders are tried, one that keeps a
 * hart running while it can and one that takes the harts in turn; each is replayed, and kept
 * when it fails the same invariant on the same hart at the same pc with fewer preemptions (or
 * as many and fewer transitions).
 */
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/* The causal past of event last, ordered: round_robin takes harts in turn, otherwise the
 * current hart goes on while its next event is ready. Writes a schedule string. */
static void linearise(const struct explorer *x, unsigned last, bool round_robin, char *out)
{
	const struct event *ev = x->events;
	bool keep[EX_MAX_TRANSITIONS] = {0}, done[EX_MAX_TRANSITIONS] = {0};
	unsigned n = 0, total = 0, cur = ev[last].hart;

	for (unsigned i = 0; i <= last; i++)
		if (i == last || ev[last].clock[ev[i].hart] >= ev[i].index) {
			keep[i] = true;
			total++;
		}
	while (n < total) {
		int pick = -1;

		/* The next kept event of each hart is ready when every kept event before it that
		 * happens before it is done: by construction, its own clock says which. */
		for (unsigned k = 0; k < x->nharts && pick < 0; k++) {
			unsigned h = round_robin ? (cur + 1 + k) % x->nharts : (cur + k) % x->nharts;

			for (unsigned i = 0; i <= last; i++) {
				bool ready = true;

				if (!keep[i] || done[i] || ev[i].hart != h)
					continue;
				for (unsigned j = 0; j < i && ready; j++)
					if (keep[j] && !done[j] && ev[i].clock[ev[j].hart] >= ev[j].index)
						ready = false;
				if (ready)
					pick = (int)i;
				break; /* only the hart's next kept event can go */
			}
		}
		if (pick < 0) /* cannot happen: the oldest pending event is always ready */
			break;
		done[pick] = true;
		cur = ev[pick].hart;
		schedule_render(x, (unsigned)pick, (unsigned)pick + 1, out + n, 4);
		n += strlen(out + n); /* the hart, the version it fetched, its data choice */
	}
	out[n] = 0;
}

static bool same_failure(const struct failure *a, const struct failure *b)
{
	return strcmp(a->invariant, b->invariant) == 0 && a->hart == b->hart && a->pc == b->pc;
}

static bool simpler(const struct failure *a, const struct failure *b)
{
	return a->preemptions < b->preemptions ||
	       (a->preemptions == b->preemptions && strlen(a->schedule) < strlen(b->schedule));
}

void minimise_failure(struct explorer *x)
{
	struct failure *best = x->failure;
	char candidates[2][3 * EX_MAX_TRANSITIONS + 1];
	unsigned last;

	x->failure = NULL;
	x->stop = false;
	if (exec_run_schedule(x, best->schedule) || !x->failure || !same_failure(x->failure, best)) {
		if (x->failure)
			scenario_result_free(&(struct scenario_result){.failure = x->failure});
		x->failure = best;
		return;
	}
	scenario_result_free(&(struct scenario_result){.failure = x->failure});
	x->failure = NULL;
	last = x->st.ntransitions - 1;
	linearise(x, last, false, candidates[0]);
	linearise(x, last, true, candidates[1]);
	for (unsigned c = 0; c < 2; c++) {
		x->stop = false;
		if (exec_run_schedule(x, candidates[c]) == 0 && x->failure &&
		    same_failure(x->failure, best) && simpler(x->failure, best)) {
			scenario_result_free(&(struct scenario_result){.failure = best});
			best = x->failure;
		} else if (x->failure) {
			scenario_result_free(&(struct scenario_result){.failure = x->failure});
		}
		x->failure = NULL;
	}
	x->failure = best;
	x->stop = false;
}
