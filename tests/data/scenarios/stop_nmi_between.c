/*
 * stop_nmi_between.c - guest code of fixtures/stop-nmi-between: two stores inside a stop_machine
 * section, and an NMI handler on a parked CPU that must not see the first alone.
 */
#include "stop_machine.h"

volatile unsigned long between_x;

/* Contract: stores 1, then 2, to between_x; returns 0. Run stopped: every other CPU parked. */
static int store_twice(unsigned long a, unsigned long b, unsigned long c)
{
	(void)a, (void)b, (void)c;
	__atomic_store_n(&between_x, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&between_x, 2, __ATOMIC_RELAXED);
	return 0;
}

/* Contract: runs store_twice under the idealised stop; returns its result. */
int store_twice_stopped(void)
{
	return stop_machine_run(store_twice, 0, 0, 0);
}

/* Contract: an NMI handler: traps (a guest fault) if between_x holds 1, the value the stop's
 * first store leaves only until its second. */
void nmi_sees_between(void)
{
	if (__atomic_load_n(&between_x, __ATOMIC_RELAXED) == 1)
		__builtin_trap();
}

/* Contract: does nothing; returns 0 (a CPU the stop parks). */
int idle_cpu(void)
{
	return 0;
}
