/*
 * shared_counter.c - guest code of the shared-data scenarios: harts that add to one counter
 * with and without a spin lock, meet at a rendezvous, and take two locks in either order.
 * Nothing here is a patch site: the races are on plain data, found without a watch: list.
 */

unsigned long shared_counter;   /* what the harts add to */
unsigned long shared_arrived;   /* harts that reached the rendezvous */
int counter_lock_word;          /* 0 free, 1 held */
int lock_a, lock_b;

/* Contract: adds one to shared_counter with a separate load and store (no lock, no atomic):
 * two harts can both load the old value and one update is lost. Returns 0. */
long counter_add_racy(void)
{
	unsigned long v = *(volatile unsigned long *)&shared_counter;

	*(volatile unsigned long *)&shared_counter = v + 1;
	return 0;
}

/* Contract: takes *lock (test-and-test-and-set: spins on plain loads while it is held). */
static void spin_lock(int *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			;
}

static void spin_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* Contract: the same update under counter_lock_word: none is lost. Returns 0. */
long counter_add_locked(void)
{
	spin_lock(&counter_lock_word);
	counter_add_racy();
	spin_unlock(&counter_lock_word);
	return 0;
}

/* Contract: announces this hart, waits (spinning) until n harts have arrived, and returns
 * shared_counter as it is then: every hart's update is done by the time all have arrived. */
unsigned long counter_arrive_and_read(unsigned long n)
{
	__atomic_fetch_add(&shared_arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&shared_arrived, __ATOMIC_ACQUIRE) < n)
		;
	return *(volatile unsigned long *)&shared_counter;
}

/* Contract: takes lock_a then lock_b, releases both, returns 0. */
long lock_a_then_b(void)
{
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
	return 0;
}

/* Contract: takes lock_b then lock_a (the opposite order), releases both, returns 0. */
long lock_b_then_a(void)
{
	spin_lock(&lock_b);
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
	return 0;
}
