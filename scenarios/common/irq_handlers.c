/*
 * irq_handlers.c - interrupt handlers for the interrupt scenarios of every arch: each runs
 * traced code, as a timer, perf or watchdog handler may.
 */
long traced_add3(long a, long b, long c);

/* Contract: calls traced_add3(7, 8, 9) once and returns. */
void irq_calls_traced_add3(void)
{
	traced_add3(7, 8, 9);
}
