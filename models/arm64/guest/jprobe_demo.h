/*
 * jprobe_demo.h - functions of the "kprobes" image for the jprobe stack-copy question of the
 * arm64 kprobes single-stepping review (David Long, Catalin Marinas, Marc Zyngier, LKML,
 * Jul 2016): where do a function's stack-passed arguments live, and does a copy of
 * MAX_STACK_SIZE (128) bytes from the SP at the probe cover them?
 *
 *   jp_sum12   12 long arguments: 4 on the stack, [SP, SP + 32) at entry (inside the window)
 *   jp_sum30   30 long arguments: 22 on the stack, [SP, SP + 176) (beyond the window)
 *   jp_big_sum a 160-byte struct: passed by reference to a copy the caller made in its own
 *              frame, at [SP, SP + 160) when called from jp_call_big (partly beyond)
 *
 * Each has a jprobe handler with the same prototype (jp_entry12, jp_entry30, jp_entry_big) that
 * records a checksum of what it received and then, as a compiler is allowed to, reuses the
 * argument memory it owns: a sibling call that rewrites the incoming stack arguments in place
 * (jp_entry12, jp_entry30), or a write into the by-reference struct (jp_entry_big); it ends in
 * jprobe_return(). The jp_call* wrappers are what runners call (they keep at least 128 bytes
 * of their own frame above the SP of the call, so the copy never leaves the stack).
 */
#ifndef PATCHCHECK_ARM64_JPROBE_DEMO_H
#define PATCHCHECK_ARM64_JPROBE_DEMO_H

#define JP_BIG_WORDS 20

struct jp_big {
	long v[JP_BIG_WORDS];
};

/* traced (jprobe_traced.c) */
long jp_sum12(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
	      long a9, long a10, long a11);
long jp_sum30(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
	      long a9, long a10, long a11, long a12, long a13, long a14, long a15, long a16,
	      long a17, long a18, long a19, long a20, long a21, long a22, long a23, long a24,
	      long a25, long a26, long a27, long a28, long a29);
long jp_big_sum(struct jp_big s);

/* handlers and wrappers (jprobe_handlers.c) */
long jp_entry12(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
		long a9, long a10, long a11);
long jp_entry30(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
		long a9, long a10, long a11, long a12, long a13, long a14, long a15, long a16,
		long a17, long a18, long a19, long a20, long a21, long a22, long a23, long a24,
		long a25, long a26, long a27, long a28, long a29);
long jp_entry_big(struct jp_big s);
long jp_call12(long seed);
long jp_call30(long seed);
long jp_call_big(long seed);
/* The checksum sum((i + 1) * arg_i) the last jprobe handler on this hart computed (0: none). */
long jprobe_last_seen(void);

/* probe_targets.S: the tails the handlers end in ("b jprobe_return"). */
long jp_tail12(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
	       long a9, long a10, long a11);
long jp_tail30(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
	       long a9, long a10, long a11, long a12, long a13, long a14, long a15, long a16,
	       long a17, long a18, long a19, long a20, long a21, long a22, long a23, long a24,
	       long a25, long a26, long a27, long a28, long a29);

#endif
