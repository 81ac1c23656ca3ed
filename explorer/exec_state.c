/*
 * exec_state.c - copying an execution's state into a checkpoint and back.
 *
 * struct exec_state has room for the most sites, watched words, transitions, traced frames and
 * interrupt levels a scenario may have; an execution uses a few of each. A copy takes the
 * header and, of every array, the entries in use: the sites and watched words the scenario
 * has, the forms each site has had, the transitions so far, and of each hart its open frames
 * and interrupt levels. What lies beyond is never read before it is written (a frame or an
 * interrupt level is filled whole when it opens, a form when it is added).
 */
#include <stddef.h>
#include <string.h>

#include "exec.h"

/* Copy bytes [from, to) of one struct into another of the same type. */
#define COPY_RANGE(dst, src, from, to) \
	memcpy((char *)(dst) + (from), (const char *)(src) + (from), (to) - (from))

/* The copy below relies on this order of the fields; a field added between the ranges it
 * copies whole and the arrays it copies in part would be left out. */
#define FOLLOWS(type, a, b) (offsetof(type, b) - offsetof(type, a) - sizeof(((type *)0)->a) < 8)
_Static_assert(offsetof(struct exec_state, history) == 0 &&
		       FOLLOWS(struct exec_state, history, word_versions) &&
		       FOLLOWS(struct exec_state, word_versions, last_write) &&
		       FOLLOWS(struct exec_state, last_write, exclusive) &&
		       FOLLOWS(struct exec_state, schedule, dalt) &&
		       FOLLOWS(struct exec_state, dalt, pruned),
	       "exec_state's layout is not the one exec_state_copy copies");
_Static_assert(FOLLOWS(struct hart_state, owes_sync_call, irq) &&
		       FOLLOWS(struct hart_state, irq, frames) &&
		       sizeof(struct hart_state) - offsetof(struct hart_state, frames) -
				       sizeof(((struct hart_state *)0)->frames) < 8,
	       "hart_state's layout is not the one exec_state_copy copies");
_Static_assert(FOLLOWS(struct site_history, pending, forms),
	       "site_history's layout is not the one exec_state_copy copies");

static void copy_hart(struct hart_state *d, const struct hart_state *s)
{
	memcpy(d, s, offsetof(struct hart_state, irq));
	memcpy(d->irq, s->irq, s->nirq * sizeof(s->irq[0]));
	memcpy(d->frames, s->frames, s->depth * sizeof(s->frames[0]));
}

void exec_state_copy(struct exec_state *d, const struct exec_state *s, const struct explorer *x)
{
	for (unsigned i = 0; i < x->nsites; i++)
		memcpy(&d->history[i], &s->history[i],
		       offsetof(struct site_history, forms) +
			       s->history[i].nforms * sizeof(s->history[i].forms[0]));
	memcpy(d->word_versions, s->word_versions, x->nwatch * sizeof(s->word_versions[0]));
	memcpy(d->last_write, s->last_write, x->nwatch * sizeof(s->last_write[0]));
	COPY_RANGE(d, s, offsetof(struct exec_state, exclusive),
		   offsetof(struct exec_state, schedule));
	memcpy(d->schedule, s->schedule, s->ntransitions + 1); /* with its terminating 0 */
	memcpy(d->dalt, s->dalt, s->ntransitions);
	COPY_RANGE(d, s, offsetof(struct exec_state, pruned), offsetof(struct exec_state, harts));
	for (unsigned h = 0; h < x->nharts; h++)
		copy_hart(&d->harts[h], &s->harts[h]);
}
