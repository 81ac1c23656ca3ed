/*
 * cpu_share.h - how much of this process's CPU time the emulator itself takes, sampled.
 */
#ifndef PATCHCHECK_BENCH_CPU_SHARE_H
#define PATCHCHECK_BENCH_CPU_SHARE_H

struct cpu_share {
	unsigned long samples;    /* every sample taken */
	unsigned long library;    /* the pc was in the emulator library's code */
	unsigned long translated; /* the pc was in no loaded object: the emulator's translations */
};

/* Starts sampling this process's CPU time (user and system) every period seconds (the kernel
 * rounds it up to its clock tick). -1 when the emulator library is not loaded or the timer
 * cannot be set. */
int cpu_share_start(double period);

/* Stops sampling and gives the counts since cpu_share_start. */
void cpu_share_stop(struct cpu_share *out);

#endif
