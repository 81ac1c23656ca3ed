/*
 * host_heap.c - the process's heap, set up for a run of many scenarios.
 *
 * Each scenario allocates and frees tens of MB: every hart's engine (Unicorn's translation
 * hash tables, TLBs and register tables), the search's checkpoints and the state cache. The
 * heap's high-water mark is reached again and again, and each of its 4 KiB pages is faulted in
 * once per process: about 20,000 faults for the bundled gate, in every -j worker anew. On a
 * virtual machine a fault costs several microseconds.
 *
 * So the heap is reserved once, HEAP_RESERVE bytes past its top, and asked for transparent huge
 * pages (madvise MADV_HUGEPAGE: honoured when the kernel's THP mode is "always" or "madvise",
 * ignored under "never"): a fault then maps 2 MiB. The reservation is address space; pages
 * are faulted in as they are first used (under strict overcommit, vm.overcommit_memory 2, it
 * counts as committed memory, in each -j worker too). Allocations below 32 MiB stay on that
 * heap (glibc would otherwise map large ones apart and unmap them on free), and the heap is not
 * trimmed, so the pages faulted in are used again by the next scenario. Results never depend
 * on any of this.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine.h"

#define HEAP_RESERVE (128u << 20)      /* address space added to the heap at once */
#define HEAP_MMAP_THRESHOLD (32u << 20) /* glibc's largest: allocations below it use the heap */
#define HEAP_TRIM_THRESHOLD (1u << 30)  /* free space at the top kept, never given back */
#define HEAP_TOP_PAD (128u << 10)       /* glibc's default growth beyond a request */
#define HUGE_PAGE (2u << 20)

void machine_heap_setup(void)
{
	mallopt(M_MMAP_THRESHOLD, (int)HEAP_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, (int)HEAP_TRIM_THRESHOLD);
	mallopt(M_TOP_PAD, (int)HEAP_RESERVE);
	/* Grows the heap by the reservation (one sbrk, nothing faulted in). */
	void *probe = malloc(HUGE_PAGE);
	uintptr_t top = (uintptr_t)sbrk(0);
	uintptr_t lo = ((uintptr_t)probe + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);

	if (probe && lo < top)
		(void)madvise((void *)lo, top - lo, MADV_HUGEPAGE); /* best effort */
	free(probe);
	mallopt(M_TOP_PAD, (int)HEAP_TOP_PAD);
}
