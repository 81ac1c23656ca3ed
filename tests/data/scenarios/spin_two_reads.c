/*
 * spin_two_reads.c - guest code of fixtures/spin-two-reads: a wait whose every iteration
 * reads two shared words, and a store that can land between an iteration's two reads.
 */

volatile unsigned long spin_level, spin_limit = 1;

/* Contract: spins while spin_level <= spin_limit, each iteration loading both (two visible
 * reads); returns 0 once spin_level is above the limit. */
int wait_level(void)
{
	while (__atomic_load_n(&spin_level, __ATOMIC_ACQUIRE) <=
	       __atomic_load_n(&spin_limit, __ATOMIC_ACQUIRE))
		;
	return 0;
}

/* Contract: stores 2 to spin_level (above the limit); returns 0. */
int raise_level(void)
{
	__atomic_store_n(&spin_level, 2, __ATOMIC_RELEASE);
	return 0;
}
