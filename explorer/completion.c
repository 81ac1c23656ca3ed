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

bool in_retire_function(const struct explorer *x, uint64_t pc)
{
	return retired_at(x, pc & ~1ull) >= 0;
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

/*
 * Is hart g in an exception handler whose return synchronises its fetch (Arm: an exception
 * return is a context synchronisation event; RISC-V's SRET is not)? Such a hart cannot run
 * the code it interrupted with an old version: the return comes first. What the handler
 * itself fetches before it is checked as it happens (check_completion_late).
 *
 * The kernel relies on this: arm's ftrace patches under stop_machine with no ISB on the
 * waiting CPUs (arch_ftrace_update_code), and in a preemptible kernel the stopper preempts
 * the interrupted task at the interrupt's return, after which the task resumes through an
 * exception return.
 */
static bool returns_synchronised(const struct explorer *x, unsigned g)
{
	const struct hart_state *hs = &x->st.harts[g];

	return (hs->nirq || hs->in_sync_exception) &&
	       x->arch->fetch_rule == FETCH_RULE_CACHE_MAINTENANCE;
}

/* An unfinished hart other than h that may still fetch an old version of a written code word
 * fails; one in a handler whose return synchronises it is checked at its fetches until then. */
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
			if (returns_synchronised(x, g)) {
				x->st.harts[g].owes_sync = (uint8_t)(h + 1);
				x->st.harts[g].owes_sync_call = (uint16_t)x->st.harts[h].call;
				continue;
			}
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

void check_completion_late(struct explorer *x, unsigned h, const struct step_info *info)
{
	struct hart_state *hs = &x->st.harts[h];
	char e[32], act[64], where[96];
	unsigned p;

	if (!hs->owes_sync)
		return;
	if (!info->fetch_old) {
		hs->owes_sync = 0; /* its ISB or exception return */
		return;
	}
	p = hs->owes_sync - 1u;
	snprintf(e, sizeof(e), "the newest version");
	snprintf(act, sizeof(act), "an older one (%08x)", info->len == 2 ?
		 (unsigned)(info->bytes[0] | info->bytes[1] << 8) :
		 (unsigned)(info->bytes[0] | info->bytes[1] << 8 | info->bytes[2] << 16 |
			    (uint32_t)info->bytes[3] << 24));
	check_fail(x, "completion", h, info->pc, e, act, "hart %u fetched an old version of %s "
		   "after hart %u's %s() returned, before the exception return that would have "
		   "synchronised it", h, symbolize(x, info->pc, where, sizeof(where)), p,
		   x->program[p][hs->owes_sync_call].call->func);
}
