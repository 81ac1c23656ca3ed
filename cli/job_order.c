/*
 * job_order.c - which items of a list `-j N` starts before their turn.
 *
 * N workers take the items of a list in order, each the next one when it is free. With the
 * items' costs known, that is simulated, and so is the order of longest-processing-time
 * scheduling (costliest first), which ends within 4/3 of the best any order could. When the
 * list's order ends more than 1/32 later than that one (costs are counts of steps, not times:
 * closer is noise), the costliest item that ends after it is started first instead, and so
 * on, the costliest of the items started early first, until the simulated order ends as early
 * or no late item is left. A list whose own order ends as early is left alone, however its
 * costs are spread.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdbool.h>
#include <stdlib.h>

#include "job_order.h"

typedef unsigned __int128 u128;

/* When the last item ends, the items taken in order (order[0..n)) by jobs workers; each item's
 * end into end (by its index), the workers' free times in free_at (jobs of them). */
static u128 simulate(const uint64_t *cost, const size_t *order, size_t n, unsigned long jobs,
		     u128 *free_at, u128 *end)
{
	u128 last = 0;

	for (unsigned long w = 0; w < jobs; w++)
		free_at[w] = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned long first = 0;

		for (unsigned long w = 1; w < jobs; w++)
			if (free_at[w] < free_at[first])
				first = w;
		free_at[first] += cost[order[k]];
		end[order[k]] = free_at[first];
		if (free_at[first] > last)
			last = free_at[first];
	}
	return last;
}

/* The early items first (early[0..k)), then the others in list order. */
static void make_order(size_t n, const size_t *early, size_t k, const bool *is_early,
		       size_t *order)
{
	size_t m = 0;

	for (size_t i = 0; i < k; i++)
		order[m++] = early[i];
	for (size_t i = 0; i < n; i++)
		if (!is_early[i])
			order[m++] = i;
}

/* early[0..k) with item i put in its place: costliest first, the earlier item first between
 * equal costs. */
static void insert_early(const uint64_t *cost, size_t *early, size_t k, size_t i)
{
	size_t at = k;

	while (at > 0 && (cost[early[at - 1]] < cost[i] ||
			  (cost[early[at - 1]] == cost[i] && early[at - 1] > i))) {
		early[at] = early[at - 1];
		at--;
	}
	early[at] = i;
}

static int costlier(const void *a, const void *b, void *costs)
{
	const uint64_t *cost = costs;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (cost[i] != cost[j])
		return cost[i] > cost[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

size_t job_order_early(const uint64_t *cost, size_t n, unsigned long jobs, size_t *early,
		       size_t max)
{
	u128 total = 0, bound, *free_at, *end;
	size_t *order, *lpt, k = 0;
	bool *is_early;

	if (jobs < 2 || max == 0 || n == 0)
		return 0;
	if (jobs > n)
		jobs = n;
	for (size_t i = 0; i < n; i++)
		total += cost[i];
	free_at = malloc(jobs * sizeof(*free_at));
	end = malloc(n * sizeof(*end));
	order = malloc(n * sizeof(*order));
	lpt = malloc(n * sizeof(*lpt));
	is_early = calloc(n, sizeof(*is_early));
	if (!total || !free_at || !end || !order || !lpt || !is_early)
		goto out;
	for (size_t i = 0; i < n; i++)
		lpt[i] = i;
	qsort_r(lpt, n, sizeof(*lpt), costlier, (void *)cost);
	bound = simulate(cost, lpt, n, jobs, free_at, end);
	bound += bound / 32;
	while (k < max) {
		size_t late = n;

		make_order(n, early, k, is_early, order);
		if (simulate(cost, order, n, jobs, free_at, end) <= bound)
			break;
		for (size_t i = 0; i < n; i++)
			if (!is_early[i] && end[i] > bound && (late == n || cost[i] > cost[late]))
				late = i;
		if (late == n)
			break;
		insert_early(cost, early, k++, late);
		is_early[late] = true;
	}
out:
	free(free_at);
	free(lpt);
	free(end);
	free(order);
	free(is_early);
	return k;
}
