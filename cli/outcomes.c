/*
 * outcomes.c - `run --outcomes`: a litmus scenario's final outcomes, each with the number of
 * executions that ended in it (those where its exists: condition holds marked *), in the order
 * of their values, then the condition's verdict (Never, Sometimes, Always) and whether the
 * search that found them was complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static unsigned nobserve_for_sort;

static int by_values(const void *a, const void *b)
{
	const struct litmus_outcome *x = a, *y = b;

	for (unsigned i = 0; i < nobserve_for_sort; i++)
		if (x->values[i] != y->values[i])
			return x->values[i] < y->values[i] ? -1 : 1;
	return 0;
}

static const char *verdict_title(enum litmus_verdict v)
{
	static const char *const titles[] = {"Never", "Sometimes", "Always", "no verdict"};

	return v <= LITMUS_NO_VERDICT ? titles[v] : "?";
}

void print_outcomes(const struct scenario *s, const struct scenario_result *r)
{
	const struct litmus_outcomes *o = &r->outcomes;
	struct litmus_outcome *sorted;
	char text[512];

	if (!s->litmus.nobserve || r->verdict == VERDICT_ERROR)
		return;
	printf("     outcomes (search %s, %lu execution%s):\n",
	       r->stats.complete ? "complete: every reachable final state"
				 : "incomplete: only the outcomes of the executions explored",
	       o->executions, o->executions == 1 ? "" : "s");
	sorted = malloc(o->n * sizeof(*sorted) + 1);
	if (!sorted)
		return;
	memcpy(sorted, o->o, o->n * sizeof(*sorted));
	nobserve_for_sort = s->litmus.nobserve;
	qsort(sorted, o->n, sizeof(*sorted), by_values);
	for (unsigned i = 0; i < o->n; i++) {
		litmus_outcome_text(s, &sorted[i], text, sizeof(text));
		printf("     %8lu %s %s\n", sorted[i].executions, sorted[i].holds ? "*" : " ", text);
	}
	free(sorted);
	if (o->unlisted)
		printf("     %8lu   (outcomes past the first %d, not listed)\n", o->unlisted,
		       LITMUS_MAX_OUTCOMES);
	if (!s->litmus.has_exists)
		return;
	printf("     exists (%s): %s (%lu of %lu executions)", s->litmus.exists,
	       verdict_title(litmus_verdict_of(o)), o->holding, o->executions);
	if (s->litmus.expect != LITMUS_NO_VERDICT)
		printf(", expected %s", verdict_title(s->litmus.expect));
	printf("\n");
}
