/*
 * jprobe_traced.c - the functions jprobes are placed on (jprobe_demo.h). They have ordinary
 * 2-NOP patch sites, so the checks treat func+0 as the site start: a jprobe's BRK replaces the
 * NOP there, and the body at func+8 must find LR, SP, every register and (with stack_args) the
 * stack arguments as they were at the call. Every argument has its own weight in the result.
 */
#include "guest.h"
#include "jprobe_demo.h"

traced long jp_sum12(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
		     long a8, long a9, long a10, long a11)
{
	return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 +
	       10 * a9 + 11 * a10 + 12 * a11;
}

traced long jp_sum30(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
		     long a8, long a9, long a10, long a11, long a12, long a13, long a14, long a15,
		     long a16, long a17, long a18, long a19, long a20, long a21, long a22, long a23,
		     long a24, long a25, long a26, long a27, long a28, long a29)
{
	return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 +
	       10 * a9 + 11 * a10 + 12 * a11 + 13 * a12 + 14 * a13 + 15 * a14 + 16 * a15 +
	       17 * a16 + 18 * a17 + 19 * a18 + 20 * a19 + 21 * a20 + 22 * a21 + 23 * a22 +
	       24 * a23 + 25 * a24 + 26 * a25 + 27 * a26 + 28 * a27 + 29 * a28 + 30 * a29;
}

traced long jp_big_sum(struct jp_big s)
{
	long r = 0;

	for (int i = 0; i < JP_BIG_WORDS; i++)
		r += (i + 1) * s.v[i];
	return r;
}
