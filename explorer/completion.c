/*
 * completion.c - the completion invariant: once a patch operation and the synchronisation it
 * relies on have returned (a patcher with complete: true, at the return of each of its calls),
 * no other hart may fetch an old version of a code word any more; and once that patcher is
 * done, the functions the scenario retires (retire:) are gone: any hart that executes in one
 * afterwards uses freed code. Under fetch: arch this gives the writer's maintenance a visible
 * consequence even for a pair (NOP <-> BL) that may be fetched either way while in flight.
 */
#include <stdio.h>

#include "exec.h"

/* The retired function holding pc, or -1. */
static int retired_at(const struct explorer *x, uint64_t pc)
{
	for (unsigned i = 0; i < x->nretire; i++)
		if (pc >= x->retire_lo[i] && pc < x->retire_hi[i])
			return (int)i;
	return -1;
}

/* Retired function i as a DPOR access: freeing it writes it, running in it reads it. */
static void retired_access(struct explorer *x, int i, bool write)
{
	dpor_event_model_access(x, x->retire_lo[i], (unsigned)(x->retire_hi[i] - x->retire_lo[i]), write);
}

bool retire_crossing(struct explorer *x, uint64_t pc, uint64_t prev_pc)
{
	int now, before;

	if (!x->nretire || !prev_pc)
		return false;
	now = retired_at(x, pc & ~1ull);
	before = retired_at(x, prev_pc & ~1ull);
	if (now == before)
		return false;
	if (now >= 0)
		retired_access(x, now, false);
	if (before >= 0)
		retired_access(x, before, false);
	return true;
}

bool check_not_retired(struct explorer *x, unsigned h, uint64_t pc)
{
	char where[96];
	int r;

	if (!x->st.retired || (r = retired_at(x, pc & ~1ull)) < 0)
		return true;
	check_fail(x, "completion", h, pc, "no hart in retired code", symbolize(x, pc, where,
		   sizeof(where)), "executes %s after the patcher's last call returned and "
		   "retired it", x->scn->retire[r]);
	return x->failure == NULL;
}

/* Is the word at a a site's ops literal: data in the text, read by loads, never fetched? */
static bool is_literal(const struct explorer *x, uint64_t a)
{
	for (unsigned i = 0; i < x->nsites; i++)
		if (x->sites[i].lay.literal && a >= x->sites[i].lay.literal &&
		    a < x->sites[i].lay.literal + 8)
			return true;
	return false;
}

/* An unfinished hart other than h that may still fetch an old version of a written code word
 * fails. */
static void check_no_old_fetch(struct explorer *x, unsigned h)
{
	for (uint64_t a = x->code_lo; a < x->code_hi && !x->failure; a += 4) {
		if (is_literal(x, a))
			continue;
		for (unsigned g = 0; g < x->nharts && !x->failure; g++) {
			uint32_t v[4];
			char e[32], act[64], where[96];
			unsigned n;

			if (g == h || x->st.harts[g].done)
				continue;
			n = machine_fetch_versions(x->m, g, a, v, 4);
			if (n < 2)
				continue;
			snprintf(e, sizeof(e), "only %08x", v[0]);
			snprintf(act, sizeof(act), "%08x too (%u versions)", v[1], n);
			check_fail(x, "completion", g, a, e, act, "hart %u may still fetch an old "
				   "version of %s after hart %u's %s() returned", g,
				   symbolize(x, a, where, sizeof(where)), h,
				   x->program[h][x->st.harts[h].call].call->func);
		}
	}
}

void check_completion(struct explorer *x, unsigned h)
{
	if (!x->scn->harts[h].complete)
		return;
	/* What it reads: the caches' state, every hart's fetch state and whether it still runs
	 * (EX_HART_TOKEN), and the code; so the reduction orders it against them. */
	if (x->fetch_choices) {
		dpor_event_model_access(x, EX_CACHE_TOKEN, 8, false);
		dpor_event_model_access(x, EX_HART_TOKEN, 8 * x->nharts, false);
		exec_code_access(x, false);
	}
	check_no_old_fetch(x, h);
	if (x->failure || x->st.harts[h].call + 1 < x->nprogram[h] || !x->nretire)
		return;
	/* Its last call: the retired functions are gone (freed: written), and no hart may be
	 * inside one. */
	x->st.retired = true;
	for (unsigned i = 0; i < x->nretire; i++)
		retired_access(x, (int)i, true);
	for (unsigned g = 0; g < x->nharts && !x->failure; g++)
		if (g != h && !x->st.harts[g].done)
			check_not_retired(x, g, machine_pc(x->m, g));
}
