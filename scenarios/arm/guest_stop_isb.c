/*
 * guest_stop_isb.c - arm's ftrace update inside the guest stop_machine with the waiting CPUs
 * synchronised: every CPU runs the callback, the last to arrive rewrites the site, and the
 * others wait for it and then execute ISB (the protocol of arm64's
 * aarch64_insn_patch_text_cb, which arm's own callback does not follow).
 */
typedef int (*stopped_fn)(unsigned long a, unsigned long b, unsigned long c);
int stop_machine_cpus(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
		      unsigned long ncpus, int every_cpu);
int ftrace_make_nop(unsigned long func, unsigned long tramp);

static unsigned long arrived, ncpus_taking_part;

/* Contract: run by every CPU in RUN; the last to arrive disables func's site and returns its
 * result, the others wait until it has, execute ISB and return 0. */
static int make_nop_cb_isb(unsigned long unused, unsigned long func, unsigned long tramp)
{
	int ret = 0;

	(void)unused;
	if (__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL) == ncpus_taking_part) {
		ret = ftrace_make_nop(func, tramp);
		__atomic_add_fetch(&arrived, 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) <= ncpus_taking_part)
			;
		__asm__ volatile("isb" ::: "memory");
	}
	return ret;
}

/* Contract: ftrace_make_nop(func, tramp) inside stop_machine over ncpus CPUs, every CPU
 * running make_nop_cb_isb. Returns this CPU's result. */
int ftrace_make_nop_stop_isb(unsigned long func, unsigned long tramp, unsigned long ncpus)
{
	arrived = 0;
	ncpus_taking_part = ncpus;
	return stop_machine_cpus(make_nop_cb_isb, 0, func, tramp, ncpus, 1);
}
