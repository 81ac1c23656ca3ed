/*
 * cpu_share.c - how much of this process's CPU time the emulator itself takes, sampled.
 *
 * A profiling timer (ITIMER_PROF: user and system time of the process) raises SIGPROF every
 * period; the handler looks at the interrupted pc. In the executable segments of the emulator
 * library (found by dl_iterate_phdr) it counts as the library; in no loaded object at all it
 * is code the emulator translated (its code buffer is anonymous memory); anywhere else, in the
 * program or another library, it counts as neither. Time the kernel spends for the process
 * (a page fault, a system call) is charged when it returns to the pc that caused it, so the
 * code that touched new memory is charged for its faults.
 */
#define _GNU_SOURCE /* dl_iterate_phdr, REG_RIP */
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

#include "cpu_share.h"

#define MAX_SEGMENTS 512

static struct segment {
	uintptr_t begin, end;
	int library; /* the emulator library's */
} segments[MAX_SEGMENTS];
static unsigned nsegments;
static volatile unsigned long samples, library, translated;

static int add_object(struct dl_phdr_info *info, size_t size, void *data)
{
	int lib = info->dlpi_name && strstr(info->dlpi_name, "libunicorn") != NULL;

	(void)size;
	for (unsigned i = 0; i < info->dlpi_phnum && nsegments < MAX_SEGMENTS; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		segments[nsegments].begin = info->dlpi_addr + ph->p_vaddr;
		segments[nsegments].end = segments[nsegments].begin + ph->p_memsz;
		segments[nsegments].library = lib;
		nsegments++;
		if (lib)
			*(int *)data = 1;
	}
	return 0;
}

static uintptr_t interrupted_pc(const void *ctx)
{
	const ucontext_t *uc = ctx;

#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0; /* counted as neither */
#endif
}

static void on_sample(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t pc = interrupted_pc(ctx);
	unsigned i;

	(void)sig;
	(void)si;
	samples++;
	if (!pc)
		return;
	for (i = 0; i < nsegments; i++)
		if (pc >= segments[i].begin && pc < segments[i].end)
			break;
	if (i == nsegments)
		translated++;
	else if (segments[i].library)
		library++;
}

int cpu_share_start(double period)
{
	struct sigaction sa;
	struct itimerval it = {0};
	int found = 0;

	nsegments = 0;
	dl_iterate_phdr(add_object, &found);
	if (!found || period <= 0)
		return -1;
	samples = library = translated = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sample;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPROF, &sa, NULL) != 0)
		return -1;
	it.it_interval.tv_sec = (time_t)period;
	it.it_interval.tv_usec = (suseconds_t)((period - (double)(time_t)period) * 1e6);
	it.it_value = it.it_interval;
	return setitimer(ITIMER_PROF, &it, NULL);
}

void cpu_share_stop(struct cpu_share *out)
{
	struct itimerval off = {0};

	setitimer(ITIMER_PROF, &off, NULL);
	signal(SIGPROF, SIG_IGN);
	out->samples = samples;
	out->library = library;
	out->translated = translated;
}
