/*
 * job_order.h - which items of a list `-j N` starts before their turn (job_order.c): apart
 * from cli.h so that a test can use it alone.
 */
#ifndef PATCHCHECK_CLI_JOB_ORDER_H
#define PATCHCHECK_CLI_JOB_ORDER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Of the n items of a list whose costs are cost[0..n) (0: not known), the ones jobs workers
 * start first so that the list ends no later than any order could make it, as far as starting
 * at most max items early can: their indices into early, in the order to start them
 * (costliest first, the earlier item first between equal costs); how many.
 */
size_t job_order_early(const uint64_t *cost, size_t n, unsigned long jobs, size_t *early,
		       size_t max);

#endif
