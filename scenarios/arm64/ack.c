/*
 * ack.c - guest code of arm64/complete-ack-*: a patcher that rewrites an instruction with its
 * cache maintenance, says so, and waits until the other CPU acknowledges; that CPU's ways of
 * acknowledging: after its own ISB, without one, or in the handler of an IPI the patcher sends.
 */
int ftrace_make_call(unsigned long func, unsigned long tramp);
long pc_ipi_send(unsigned long cpu, void (*fn)(unsigned long), unsigned long arg);
long traced_add3(long a, long b, long c);

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

/* Contract: the IPI's function (models/common/irq.c), in the handler of the CPU it was sent
 * to: spins (acquire loads) until `written` is set, then sets `acked` (release), with no ISB;
 * when then_call, calls traced_add3(7, 8, 9) before the handler returns. */
static void ack_in_handler(unsigned long then_call)
{
	while (!__atomic_load_n(&written, __ATOMIC_ACQUIRE))
		;
	__atomic_store_n(&acked, 1, __ATOMIC_RELEASE);
	if (then_call)
		traced_add3(7, 8, 9);
}

/* Contract: sends CPU 1 an IPI whose function waits for the rewrite and acknowledges it
 * (ack_in_handler(then_call)), then ftrace_make_call(func, tramp), sets `written` (release)
 * and spins (acquire loads) until `acked` is set. Returns ftrace_make_call's result. */
int ftrace_make_call_ipi_ack(unsigned long func, unsigned long tramp, unsigned long then_call)
{
	int ret;

	pc_ipi_send(1, ack_in_handler, then_call);
	ret = ftrace_make_call(func, tramp);
	__atomic_store_n(&written, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&acked, __ATOMIC_ACQUIRE))
		;
	return ret;
}
