/*
 * coverage.c - what the executions of a scenario reached (enum coverage_kind in explorer.h):
 * each execution collects the kinds it reached in exec_state.covered, a complete execution
 * adds them to run_stats.covered, and a search that passes without reaching a kind the
 * scenario's `covers:` demands fails as `vacuous`: a pass that never exercised what the
 * scenario is about says nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

void coverage_note(struct explorer *x, enum coverage_kind kind)
{
	x->st.covered |= 1u << kind;
}

/* Before hart h's transition: every other unfinished hart standing inside a site (past its
 * first instruction, before the body) is held there while h runs. */
void coverage_note_parked(struct explorer *x, unsigned h)
{
	for (unsigned p = 0; p < x->nharts; p++) {
		uint64_t pc;
		int s;

		if (p == h || x->st.harts[p].done)
			continue;
		pc = machine_pc(x->m, p);
		s = site_at(x, pc);
		if (s >= 0 && pc > x->sites[s].lay.start && pc < x->sites[s].lay.body) {
			coverage_note(x, COVER_PARKED_IN_SITE);
			return;
		}
	}
}

void coverage_count_execution(struct explorer *x)
{
	for (unsigned k = 0; k < COVER_KINDS; k++)
		if (x->st.covered & (1u << k))
			x->stats.covered[k]++;
}

void check_vacuous(struct explorer *x)
{
	struct failure *f;

	if (x->failure || x->stats.truncated || !x->scn->covers)
		return;
	for (unsigned k = 0; k < COVER_KINDS; k++) {
		if (!(x->scn->covers & (1u << k)) || x->stats.covered[k])
			continue;
		f = calloc(1, sizeof(*f));
		if (!f)
			abort();
		snprintf(f->invariant, sizeof(f->invariant), "vacuous");
		snprintf(f->expected, sizeof(f->expected), "an execution that reaches %s",
			 coverage_name(k));
		snprintf(f->actual, sizeof(f->actual), "none of %lu", x->stats.executions);
		snprintf(f->message, sizeof(f->message),
			 "vacuous: hart 0 step 0 at the end of the search: the scenario covers %s, "
			 "and no execution reached it: expected %s, actual %s", coverage_name(k),
			 f->expected, f->actual);
		x->failure = f;
		return;
	}
}
