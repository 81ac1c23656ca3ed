/*
 * traced.c - the traced functions of the 64-bit guests (arm64, riscv64): the code whose entry
 * sites get patched.
 *
 * Compiled with the image's patchable-entry flags (arm64 -fpatchable-function-entry=2 or =4,2,
 * riscv64 =8, =4 or =8,4; see each arch's CMakeLists.txt), unless marked notrace; "guest.h" is
 * the arch's, found through the image's include path, and defines `traced` and `notrace`. Each
 * function computes a deterministic value in which every argument has its own weight, so a lost
 * or swapped register changes the result. Arities differ on purpose: none, one, three, ten (two
 * on the stack), a nested traced call, heavy callee-saved use (x19-x28, s-registers), and a
 * struct returned through the indirect-result register (x8, a0).
 */
#include "guest.h"

/* No arguments, no frame: the smallest body. */
traced long traced_leaf(void)
{
	return 0x5eed;
}

traced long traced_one(long a)
{
	return a * 5 + 3;
}

traced long traced_add3(long a, long b, long c)
{
	return a + 2 * b + 3 * c;
}

/* Ten arguments: a..h in the eight argument registers, i and j on the stack at [SP_entry] and
 * [SP_entry + 8]. */
traced long traced_mix(long a, long b, long c, long d, long e, long f, long g, long h, long i,
		       long j)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

/* Calls another traced function and uses its result, so the call is not a tail call. */
traced long traced_outer(long a, long b)
{
	long r = traced_add3(a, b, a ^ b);

	return r * 3 + b;
}

/* Not traced: a call that traced_saved keeps its values alive across. */
notrace long notrace_scramble(long a, long b)
{
	return (a * 31) ^ (b + 17);
}

/*
 * Ten values live across a call: they must sit in callee-saved registers (the empty asm keeps
 * the compiler from computing them after the call), so the function saves and restores them,
 * and a hook that corrupts any of them changes the result.
 */
traced long traced_saved(long a, long b)
{
	long v0 = a + 1, v1 = b * 3, v2 = a ^ b, v3 = a - b, v4 = a * b;
	long v5 = a + 7 * b, v6 = ~a, v7 = b << 4, v8 = a >> 1, v9 = a | b;
	long r;

	__asm__ __volatile__("" : "+r"(v0), "+r"(v1), "+r"(v2), "+r"(v3), "+r"(v4), "+r"(v5),
				  "+r"(v6), "+r"(v7), "+r"(v8), "+r"(v9));
	r = notrace_scramble(a, b);
	return r + v0 + 2 * v1 + 3 * v2 + 4 * v3 + 5 * v4 + 6 * v5 + 7 * v6 + 8 * v7 + 9 * v8 +
	       10 * v9;
}

/* Returns a 32-byte struct: the caller passes the result address in x8 (arm64) or a0
 * (riscv64), live at entry. */
traced struct traced_quad traced_make_quad(long a, long b)
{
	struct traced_quad q;

	q.w = a + b;
	q.x = a - b;
	q.y = a * 3;
	q.z = b * 5;
	return q;
}

traced long traced_quad_sum(long a, long b)
{
	struct traced_quad q = traced_make_quad(a, b);

	return q.w + 2 * q.x + 3 * q.y + 4 * q.z;
}

/*
 * Not traced: the replacement a livepatch-like redirect (redirect_pc with pc_redirect_target)
 * sends traced_add3's callers to. Same prototype, a visibly different result.
 */
notrace long patched_add3(long a, long b, long c)
{
	return a + 2 * b + 3 * c + 1000;
}
