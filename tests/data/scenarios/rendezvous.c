/*
 * rendezvous.c - guest code of fixtures/rendezvous: a stopped function that does nothing, so
 * that what is explored is the rendezvous of stop_machine alone.
 */

/* Contract: touches nothing, returns 0. */
int stop_nothing(unsigned long a, unsigned long b, unsigned long c)
{
	(void)a;
	(void)b;
	(void)c;
	return 0;
}
