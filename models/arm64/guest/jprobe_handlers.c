/*
 * jprobe_handlers.c - jprobe handlers and the wrappers runners call (jprobe_demo.h). Not traced.
 *
 * A handler has the probed function's prototype and runs on its stack with its arguments. Like
 * any C function it owns its incoming argument memory: here it records a checksum of the
 * arguments and then reuses that memory, which is what MAX_STACK_SIZE's copy is meant to undo.
 */
#include "guest.h"
#include "guest_abi.h"
#include "jprobe_demo.h"
#include "kprobes.h"

static long last_seen[PC_MAX_HARTS];

static unsigned long hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(id));
	return id < PC_MAX_HARTS ? id : 0;
}

static void note(long sum)
{
	*(volatile long *)&last_seen[hart()] = sum;
}

long jprobe_last_seen(void)
{
	return *(volatile long *)&last_seen[hart()];
}

/* Checksum, then a sibling call with the arguments reversed: the compiler writes the new stack
 * arguments over the incoming ones at [SP, SP + 32) and branches to jp_tail12. */
notrace long jp_entry12(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
			long a8, long a9, long a10, long a11)
{
	note(a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 +
	     10 * a9 + 11 * a10 + 12 * a11);
	return jp_tail12(a11, a10, a9, a8, a7, a6, a5, a4, a3, a2, a1, a0);
}

/* The same with 22 stack arguments: the sibling call rewrites [SP, SP + 176). */
notrace long jp_entry30(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
			long a8, long a9, long a10, long a11, long a12, long a13, long a14, long a15,
			long a16, long a17, long a18, long a19, long a20, long a21, long a22,
			long a23, long a24, long a25, long a26, long a27, long a28, long a29)
{
	note(a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 +
	     10 * a9 + 11 * a10 + 12 * a11 + 13 * a12 + 14 * a13 + 15 * a14 + 16 * a15 +
	     17 * a16 + 18 * a17 + 19 * a18 + 20 * a19 + 21 * a20 + 22 * a21 + 23 * a22 +
	     24 * a23 + 25 * a24 + 26 * a25 + 27 * a26 + 28 * a27 + 29 * a28 + 30 * a29);
	return jp_tail30(a29, a28, a27, a26, a25, a24, a23, a22, a21, a20, a19, a18, a17, a16,
			 a15, a14, a13, a12, a11, a10, a9, a8, a7, a6, a5, a4, a3, a2, a1, a0);
}

/* Reuse the struct the caller copied for us (ours under AAPCS64) as scratch space. */
static void __attribute__((noinline)) scribble(struct jp_big *s)
{
	volatile long *v = s->v;

	for (int i = 0; i < JP_BIG_WORDS; i++)
		v[i] = ~v[i];
}

notrace long jp_entry_big(struct jp_big s)
{
	long sum = 0;

	for (int i = 0; i < JP_BIG_WORDS; i++)
		sum += (i + 1) * s.v[i];
	note(sum);
	scribble(&s);
	jprobe_return();
}

/*
 * keep[] puts 128 bytes of the wrapper's own frame above the callee's stack arguments, so a
 * copy of MAX_STACK_SIZE bytes from the callee's SP stays inside the stack; the wrapper checks
 * them afterwards (keep_check is s, plus the damage, if any).
 */
static void keep_fill(volatile long *keep, long s)
{
	for (int i = 0; i < 16; i++)
		keep[i] = s + i;
}

static long keep_check(volatile long *keep, long s)
{
	long r = s;

	for (int i = 0; i < 16; i++)
		r += keep[i] - (s + i);
	return r;
}

notrace long jp_call12(long s)
{
	volatile long keep[16];
	long r;

	keep_fill(keep, s);
	r = jp_sum12(s, s + 1, s + 2, s + 3, s + 4, s + 5, s + 6, s + 7, s + 8, s + 9, s + 10,
		     s + 11);
	return r + keep_check(keep, s);
}

notrace long jp_call30(long s)
{
	volatile long keep[16];
	long r;

	keep_fill(keep, s);
	r = jp_sum30(s, s + 1, s + 2, s + 3, s + 4, s + 5, s + 6, s + 7, s + 8, s + 9, s + 10,
			s + 11, s + 12, s + 13, s + 14, s + 15, s + 16, s + 17, s + 18, s + 19,
			s + 20, s + 21, s + 22, s + 23, s + 24, s + 25, s + 26, s + 27, s + 28,
			s + 29);
	return r + keep_check(keep, s);
}

notrace long jp_call_big(long s)
{
	struct jp_big b;

	for (int i = 0; i < JP_BIG_WORDS; i++)
		b.v[i] = s + i;
	return jp_big_sum(b) + 1;
}
