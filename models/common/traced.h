/*
 * traced.h - the traced functions every guest image has (models/common/traced.c for the 64-bit
 * guests, models/arm/guest/traced.c for arm), by the names scenarios call them.
 */
#ifndef PATCHCHECK_TRACED_H
#define PATCHCHECK_TRACED_H

long traced_leaf(void);
long traced_one(long a);
long traced_add3(long a, long b, long c);
long traced_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j);
long traced_outer(long a, long b);
long traced_saved(long a, long b);
struct traced_quad {
	long w, x, y, z;
};
struct traced_quad traced_make_quad(long a, long b);
long traced_quad_sum(long a, long b);
long patched_add3(long a, long b, long c);

#endif
