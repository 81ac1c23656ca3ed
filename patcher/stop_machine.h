/*
 * stop_machine.h - the stop-machine protocol (stop_machine.c) for patcher code beyond the
 * ftrace operations of patcher.h: run one function while every other hart is parked.
 *
 * A parked hart stops wherever it is, inside a patch site included, and resumes there with a
 * synchronised instruction fetch once the function returned.
 */
#ifndef PATCHCHECK_STOP_MACHINE_H
#define PATCHCHECK_STOP_MACHINE_H

typedef int (*stopped_fn)(unsigned long a, unsigned long b, unsigned long c);

/* Runs fn(a, b, c) on this hart alone and returns its result. */
int stop_machine_run(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c);
/* From now on stop_machine_run() (and so every *_stopped operation) runs Linux's protocol over
 * ncpus CPUs, stop_machine_text_kick() below, as --stop-machine guest makes it: for a scenario's
 * setup: that is decided under the kernel's protocol only. Returns 0. */
int stop_machine_use_guest(unsigned long ncpus);

/* multi_cpu_stop.c, the stop_machine protocol as guest code: fn(a, b, c) runs in the RUN state
 * on every one of ncpus CPUs (every_cpu), or on CPU 0 alone (Linux's NULL CPU mask); this CPU
 * and ncpus - 1 others that call stop_machine_join() take part. Returns fn's result on this
 * CPU (0 where it did not run). */
int stop_machine_cpus(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
		      unsigned long ncpus, int every_cpu);
/* A CPU's stopper: waits for a stop_machine_cpus() to begin, takes part, returns fn's result
 * on this CPU. */
int stop_machine_join(void);
/* stop_machine_cpus() in a preemptible kernel: every other CPU is sent an IPI
 * (models/common/irq.c) whose handler runs its stopper wherever the interrupt finds it. */
int stop_machine_cpus_kick(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
			   unsigned long ncpus, int every_cpu);
/* The arch's text patching around any function: stop_machine_cpus_kick() over ncpus CPUs
 * with the text-patching callback (ftrace_make_call_patch_text below), the last CPU to arrive
 * running fn(a, b, c); returns once every CPU acknowledged EXIT, so another stop may follow.
 * What stop_machine_run() does under the guest protocol. */
int stop_machine_text_kick(stopped_fn fn, unsigned long a, unsigned long b, unsigned long c,
			   unsigned long ncpus);
/* ftrace's way (ftrace_run_stop_machine): ftrace_make_call / ftrace_make_nop on CPU 0 inside
 * stop_machine_cpus() over ncpus CPUs; the others only pass through the states. */
int ftrace_make_call_multi_stop(unsigned long func, unsigned long tramp, unsigned long ncpus);
int ftrace_make_nop_multi_stop(unsigned long func, unsigned long tramp, unsigned long ncpus);
/* The arch's text patching (arm64 aarch64_insn_patch_text, riscv patch_text): the same
 * rewrite by the last CPU to arrive, while the others wait and then run
 * arch_patch_text_waited(); on arm, CPU 0 alone (its patch_text passes no mask). */
int ftrace_make_call_patch_text(unsigned long func, unsigned long tramp, unsigned long ncpus);
/* The same two with stop_machine_cpus_kick(): a preemptible kernel's stop. */
int ftrace_make_call_multi_stop_kick(unsigned long func, unsigned long tramp, unsigned long ncpus);
int ftrace_make_call_patch_text_kick(unsigned long func, unsigned long tramp, unsigned long ncpus);
int ftrace_make_nop_patch_text(unsigned long func, unsigned long tramp, unsigned long ncpus);

#endif
