/*
 * handshake.c - guest code of arm64/init-then-isb: a flag the patcher publishes once it has
 * rewritten an instruction, and the consumer's half of the Arm ARM's protocol for code outside
 * the concurrently modifiable set (DDI 0487 B2.4.4): wait for the flag, then an ISB, then run
 * the new code.
 */

int handshake_flag; /* 0 until the patcher's rewrite (and its cache maintenance) is done */

/* Contract: publishes the flag with release order, after every store before it. Returns 0. */
long handshake_publish(void)
{
	__atomic_store_n(&handshake_flag, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Contract: spins (acquire loads) until the flag is set, then executes an ISB, a context
 * synchronisation event of this hart. Returns 0. */
long handshake_wait_then_isb(void)
{
	while (!__atomic_load_n(&handshake_flag, __ATOMIC_ACQUIRE))
		;
	__asm__ volatile("isb" ::: "memory");
	return 0;
}
