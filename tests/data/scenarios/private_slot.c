/*
 * private_slot.c - guest code of fixtures/private-slot: a hart that reads another hart's slot
 * of the harness's per-hart counters, which each hart otherwise keeps to itself.
 */

extern unsigned long pc_direct_calls[];

/* Contract: stores 1, then 2, into hart 0's slot of pc_direct_calls (the caller is hart 0:
 * its own slot, where its accesses are local steps until another hart touches it); returns 0. */
int count_twice(void)
{
	__atomic_store_n(&pc_direct_calls[0], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&pc_direct_calls[0], 2, __ATOMIC_RELAXED);
	return 0;
}

/* Contract: returns 1 when hart 0's slot of pc_direct_calls, as this hart loads it, holds 1,
 * else 0. */
int slot0_is_one(void)
{
	return __atomic_load_n(&pc_direct_calls[0], __ATOMIC_RELAXED) == 1;
}
