/*
 * ipi_small.c - guest code of fixtures/ipi-small: an IPI whose handler stores, sent by a hart
 * that stores next, and a hart that loads and stores around where the IPI may come. Small
 * enough for every interleaving.
 */
long pc_ipi_send(unsigned long cpu, void (*fn)(unsigned long), unsigned long arg);

long ipi_a, ipi_b, ipi_c, ipi_seen; /* global: stores to them stay */

/* Contract: the IPI's function: stores v into ipi_c. */
static void store_c(unsigned long v)
{
	__atomic_store_n(&ipi_c, (long)v, __ATOMIC_RELAXED);
}

/* Contract: sends hart 1 an IPI that stores 1 into ipi_c, then stores 1 into ipi_a. Returns 0. */
long send_then_store(void)
{
	pc_ipi_send(1, store_c, 1);
	__atomic_store_n(&ipi_a, 1, __ATOMIC_RELAXED);
	return 0;
}

/* Contract: loads ipi_a, stores 1 into ipi_b, loads ipi_c; stores 2 * ipi_a + ipi_c, as
 * loaded, into ipi_seen. Returns 0. */
long load_store_load(void)
{
	long x = __atomic_load_n(&ipi_a, __ATOMIC_RELAXED);

	__atomic_store_n(&ipi_b, 1, __ATOMIC_RELAXED);
	x = 2 * x + __atomic_load_n(&ipi_c, __ATOMIC_RELAXED);
	__atomic_store_n(&ipi_seen, x, __ATOMIC_RELAXED);
	return 0;
}
