/*
 * quiesce.c - a quiescence wait in guest code, in the manner of RCU tasks
 * (synchronize_rcu_tasks): it returns once every other hart has passed a voluntary schedule
 * point, or is idle, since it was called. A hart that was inside a traced function, a site or a
 * trampoline when the wait began has left it by then, which is what a multi-step code change
 * or the freeing of a trampoline needs between its steps.
 *
 * The schedule points are the machine's (explorer/quiesce.c): between two of a hart's top-level
 * calls (its program in the scenario: a kernel without preemption reaches cond_resched()
 * between two pieces of work) the explorer adds one to pc_qs_count[hart], and once the hart has
 * finished its program it sets PC_QS_IDLE there. Both writes are operations of that hart the
 * search orders like any other, so a wait spinning on a counter is blocked until it moves.
 */
#include "guest_abi.h"
#include "patch_arch.h"

/* Per hart, written by the explorer: schedule points passed, PC_QS_IDLE once done. */
volatile unsigned int pc_qs_count[PC_MAX_HARTS];
/* Harts in the scenario, written by the explorer before any runs. */
volatile unsigned int pc_qs_nharts;

/* Contract: returns 0 once every other hart has passed a schedule point since the call began,
 * or has finished. Spins on pc_qs_count with plain acquire loads. */
long pc_quiesce(void)
{
	unsigned int me = (unsigned int)arch_hart_id(), n = pc_qs_nharts, seen[PC_MAX_HARTS];

	if (n > PC_MAX_HARTS)
		n = PC_MAX_HARTS;
	for (unsigned int h = 0; h < n; h++)
		seen[h] = __atomic_load_n(&pc_qs_count[h], __ATOMIC_ACQUIRE);
	for (unsigned int h = 0; h < n; h++) {
		if (h == me || (seen[h] & PC_QS_IDLE))
			continue;
		while (__atomic_load_n(&pc_qs_count[h], __ATOMIC_ACQUIRE) == seen[h])
			;
	}
	return 0;
}
