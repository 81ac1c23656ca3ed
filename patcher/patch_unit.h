/*
 * patch_unit.h - a patch unit: the consecutive instruction words of a site that one ftrace
 * operation changes as a whole, with what must be there before and what is written.
 *
 * arm64 (and any arch whose hooks are the one-word ones of patch_arch.h) changes one word per
 * operation; riscv changes up to four (the 16-byte detour). An arch with multi-word units
 * defines ARCH_FTRACE_UNITS and the unit hooks (see patch_arch.h); ftrace.c derives them from
 * the one-word hooks otherwise.
 */
#ifndef PATCHCHECK_PATCH_UNIT_H
#define PATCHCHECK_PATCH_UNIT_H

#include "patcher.h"

#define PATCH_MAX_WORDS 4

struct patch_unit {
	unsigned long addr;                 /* the first word, PATCH_INSN_SIZE-aligned */
	unsigned n;                         /* words, 1..PATCH_MAX_WORDS */
	patch_insn_t old[PATCH_MAX_WORDS];  /* expected before the change */
	patch_insn_t new[PATCH_MAX_WORDS];  /* written, in address order */
};

#endif
