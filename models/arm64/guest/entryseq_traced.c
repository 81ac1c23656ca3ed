/*
 * entryseq_traced.c - traced functions of the "entryseq" image, with 4 pads (sequence (a)),
 * 3 pads (sequence (b)) and the image's default 2 pads, so a scenario can compare the three
 * site shapes in one image. Each result weighs every argument differently, so a lost or
 * swapped register (or stack argument) changes it.
 */
#include "entryseq.h"

traced pads4 long seqa_add3(long a, long b, long c)
{
	return a + 2 * b + 3 * c;
}

/* Ten arguments: i and j on the stack at [SP_entry] and [SP_entry + 8]. */
traced pads4 long seqa_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i,
			   long j)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

traced pads3 long seqb_add3(long a, long b, long c)
{
	return a + 2 * b + 3 * c;
}

traced pads3 long seqb_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i,
			   long j)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

traced long seq2_add3(long a, long b, long c)
{
	return a + 2 * b + 3 * c;
}
