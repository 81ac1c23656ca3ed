/*
 * ack.c - guest code of arm64/complete-ack-isb and -ack-no-isb: a patcher that rewrites an
 * instruction with its cache maintenance, says so, and waits until the other CPU acknowledges;
 * and that CPU's two ways of acknowledging: after its own ISB, or without one.
 */
int ftrace_make_call(unsigned long func, unsigned long tramp);

static int written; /* 1 once the patcher's rewrite and its maintenance are done */
static int acked;   /* 1 once the other CPU acknowledged */

/* Contract: ftrace_make_call(func, tramp), then sets `written` (release) and spins (acquire
 * loads) until `acked` is set. Returns ftrace_make_call's result. */
int ftrace_make_call_wait_ack(unsigned long func, unsigned long tramp)
{
	int ret = ftrace_make_call(func, tramp);

	__atomic_store_n(&written, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&acked, __ATOMIC_ACQUIRE))
		;
	return ret;
}

/* Contract: spins (acquire loads) until `written` is set, executes an ISB, a context
 * synchronisation event of this CPU, then sets `acked` (release). Returns 0. */
long ack_after_isb(void)
{
	while (!__atomic_load_n(&written, __ATOMIC_ACQUIRE))
		;
	__asm__ volatile("isb" ::: "memory");
	__atomic_store_n(&acked, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Contract: spins (acquire loads) until `written` is set, then sets `acked` (release), with no
 * ISB. Returns 0. */
long ack_without_isb(void)
{
	while (!__atomic_load_n(&written, __ATOMIC_ACQUIRE))
		;
	__atomic_store_n(&acked, 1, __ATOMIC_RELEASE);
	return 0;
}
