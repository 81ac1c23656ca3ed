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

#endif
