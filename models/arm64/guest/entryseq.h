/*
 * entryseq.h - the "entryseq" guest image: traced functions whose entry has 2, 3 or 4 pads, one
 * image holding all three, and the trampolines that fit the two multi-word entry sequences of
 * the 2015-2016 arm64 "ftrace with regs" design discussion (the arm64 ftrace-with-regs for
 * livepatch RFC, AKASHI Takahiro and Li Bin, linux-arm-kernel, Jan 2016):
 *
 *   sequence (a), 4 pads                         sequence (b), 3 pads
 *     func+0   stp  x29, x30, [sp, #-16]!          func+0  mov  x9, x30
 *     func+4   mov  x29, sp                        func+4  bl   ftrace_caller_seqb
 *     func+8   bl   mcount_seqa                    func+8  mov  x30, x9
 *     func+12  ldp  x29, x30, [sp], #16            func+12 <body>
 *     func+16  <body>
 *
 * Each sequence has four forms: A (enabled, as above), A' (word 0 = "b <body>", the rest as in
 * A), B (all NOPs) and B' (word 0 = "b <body>", the rest NOPs). ../patcher/entry_seq_arm64.c
 * moves a site between them.
 *
 * The 2-pad functions use the accepted design (mov x9, x30 written once, NOP <-> BL) with
 * ftrace_caller from ftrace_entry.S.
 */
#ifndef PATCHCHECK_ARM64_ENTRYSEQ_H
#define PATCHCHECK_ARM64_ENTRYSEQ_H

#include "guest.h"

/* Per-function pad counts (the image's default is 2). */
#define pads4 __attribute__((patchable_function_entry(4, 0)))
#define pads3 __attribute__((patchable_function_entry(3, 0)))

/* ---- trampolines (entryseq_entry.S) ---- */
void mcount_seqa(void);
void ftrace_caller_seqb(void);

/* ---- traced functions (entryseq_traced.c) ---- */
long seqa_add3(long a, long b, long c);
long seqa_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j);
long seqb_add3(long a, long b, long c);
long seqb_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j);
long seq2_add3(long a, long b, long c);

#endif
