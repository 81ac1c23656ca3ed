/* my_count.c - the C half of my_tramp.S: counts traced calls (every hart adds to one word). */
unsigned long my_hits;

void my_count(unsigned long ip)
{
	(void)ip;
	__atomic_fetch_add(&my_hits, 1, __ATOMIC_RELAXED);
}
