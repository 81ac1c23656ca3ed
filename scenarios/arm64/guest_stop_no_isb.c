/*
 * guest_stop_no_isb.c - a flawed text-patching callback for the guest stop_machine: the CPUs
 * that wait while the last to arrive patches go on without the ISB that
 * aarch64_insn_patch_text_cb executes on them.
 */
typedef int (*stopped_fn)(unsigned long a, unsigned long b, unsigned long c);
int stop_machine_cpus(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
		      unsigned long ncpus, int every_cpu);
int ftrace_make_call(unsigned long func, unsigned long tramp);

static unsigned long arrived, ncpus_taking_part;

/* Contract: run by every CPU in RUN; the last to arrive enables func's site calling tramp
 * and returns its result, the others wait until it has, then return 0 without an ISB. */
static int patch_cb_no_isb(unsigned long unused, unsigned long func, unsigned long tramp)
{
	int ret = 0;

	(void)unused;
	if (__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL) == ncpus_taking_part) {
		ret = ftrace_make_call(func, tramp);
		__atomic_add_fetch(&arrived, 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) <= ncpus_taking_part)
			;
	}
	return ret;
}

/* Contract: ftrace_make_call(func, tramp) inside stop_machine over ncpus CPUs, every CPU
 * running patch_cb_no_isb. Returns this CPU's result. */
int ftrace_make_call_patch_text_no_isb(unsigned long func, unsigned long tramp,
				       unsigned long ncpus)
{
	arrived = 0;
	ncpus_taking_part = ncpus;
	return stop_machine_cpus(patch_cb_no_isb, 0, func, tramp, ncpus, 1);
}
