/*
 * call_ops_arm64.c - the guest patcher for arm64 CALL_OPS sites (see
 * models/arm64/guest/call_ops.h): the 8-byte ops literal at func-8 and the BL at func+4,
 * written in the order the kernel's arm64 ftrace uses (literal first, then the instruction):
 *
 *   ftrace_ops_init_nop     literal <- &ftrace_nop_ops, then func+0 NOP -> mov x9, x30
 *   ftrace_ops_make_call    literal <- ops,             then func+4 NOP -> BL tramp
 *   ftrace_ops_make_nop     literal <- &ftrace_nop_ops, then func+4 BL tramp -> NOP
 *   ftrace_ops_modify_call  literal <- ops,             then func+4 BL old -> BL new
 *
 * The literal is one aligned 64-bit store (patch_write_u64), so every value a trampoline can
 * load is an ops pointer that was written whole: the new one, or a stale one that is still a
 * valid ops (a stale literal only calls an ops that was just removed or not yet needed).
 *
 * Flawed variants for the scenarios: *_split writes the literal as two 32-bit stores;
 * ftrace_ops_make_call_bl_first writes the BL before the literal.
 *
 * Registration (ftrace_ops_register / _unregister) keeps the users of each site in
 * ftrace_sites and derives the site from them: no users, NOP; one user, the literal is that ops
 * and the BL goes to its direct trampoline if it is a direct ops within BL range, else to
 * ftrace_caller_ops; several users, the literal is &ftrace_list_ops and the BL goes to
 * ftrace_caller_ops. A site has at most one IPMODIFY user (a second one gets -EBUSY, as
 * livepatch does after a kprobe with a post-handler took the function) and one direct user.
 */
#include "call_ops.h"
#include "patch_arch.h"
#include "patcher.h"

int patch_write_u64(unsigned long addr, unsigned long long val);
int patch_write_u64_split(unsigned long addr, unsigned long long val);

extern char _stext[], _etext[];

typedef int (*literal_writer)(unsigned long addr, unsigned long long val);

/* The ops literal of func's site: func-8, 8-byte aligned, inside text (else not traceable). */
static int literal_of(unsigned long func, unsigned long *lit)
{
	unsigned long a = func - 8;

	if (a & 7)
		return -EINVAL;
	if (a < (unsigned long)_stext || a + 8 > (unsigned long)_etext)
		return -EFAULT;
	*lit = a;
	return 0;
}

static int write_literal(unsigned long func, unsigned long ops, literal_writer write)
{
	unsigned long lit;
	int err = literal_of(func, &lit);

	return err ? err : write(lit, ops);
}

/* func+4: expected old word -> new word, validated. */
static int swap_call(unsigned long func, unsigned long old_tramp, unsigned long new_tramp)
{
	unsigned long pc = arch_ftrace_call_addr(func);
	patch_insn_t old = arch_ftrace_nop(), new = arch_ftrace_nop();
	int err = 0;

	if (old_tramp)
		err = arch_ftrace_encode_call(pc, old_tramp, &old);
	if (!err && new_tramp)
		err = arch_ftrace_encode_call(pc, new_tramp, &new);
	if (err)
		return err;
	if (old == new) { /* nothing to write, but the site must be what the caller thinks */
		patch_insn_t cur;

		err = patch_read_insn(pc, &cur);
		return err ? err : cur == old ? 0 : -EINVAL;
	}
	return patch_text_checked(pc, old, new, 1);
}

int ftrace_ops_init_nop(unsigned long func)
{
	int err = write_literal(func, (unsigned long)&ftrace_nop_ops, patch_write_u64);

	return err ? err : ftrace_init_nop(func);
}

int ftrace_ops_make_call(unsigned long func, unsigned long ops, unsigned long tramp)
{
	int err = write_literal(func, ops, patch_write_u64);

	return err ? err : swap_call(func, 0, tramp);
}

int ftrace_ops_make_nop(unsigned long func, unsigned long tramp)
{
	int err = write_literal(func, (unsigned long)&ftrace_nop_ops, patch_write_u64);

	return err ? err : swap_call(func, tramp, 0);
}

int ftrace_ops_modify_call(unsigned long func, unsigned long ops, unsigned long old_tramp,
			   unsigned long new_tramp)
{
	int err = write_literal(func, ops, patch_write_u64);

	return err ? err : swap_call(func, old_tramp, new_tramp);
}

/* FLAWED: the literal as two 32-bit stores, then NOP -> BL. */
int ftrace_ops_make_call_split(unsigned long func, unsigned long ops, unsigned long tramp)
{
	int err = write_literal(func, ops, patch_write_u64_split);

	return err ? err : swap_call(func, 0, tramp);
}

/* FLAWED: the literal as two 32-bit stores while the BL still calls the trampoline. */
int ftrace_ops_make_nop_split(unsigned long func, unsigned long tramp)
{
	int err = write_literal(func, (unsigned long)&ftrace_nop_ops, patch_write_u64_split);

	return err ? err : swap_call(func, tramp, 0);
}

/* The other order: NOP -> BL first, the literal after. */
int ftrace_ops_make_call_bl_first(unsigned long func, unsigned long ops, unsigned long tramp)
{
	int err = swap_call(func, 0, tramp);

	return err ? err : write_literal(func, ops, patch_write_u64);
}

/* ---- registration ---- */

static struct ftrace_site *site_claim(unsigned long func)
{
	struct ftrace_site *s = ftrace_site_find(func);

	if (s)
		return s;
	for (unsigned i = 0; i < FTRACE_SITES; i++) {
		s = &ftrace_sites[i];
		if (!s->func) {
			s->nusers = 0;
			s->target = 0;
			__asm__ volatile("dmb ish" ::: "memory");
			*(volatile unsigned long *)&s->func = func;
			return s;
		}
	}
	return 0;
}

/* Bring func's site in line with users[0..n): literal first, then the BL. */
static int site_apply(struct ftrace_site *s, struct ftrace_ops *const *users, unsigned long n)
{
	unsigned long lit, target;
	int err;

	if (n == 0) {
		if (!s->target)
			return 0;
		err = ftrace_ops_make_nop(s->func, s->target);
		if (!err)
			s->target = 0;
		return err;
	}
	lit = n == 1 ? (unsigned long)users[0] : (unsigned long)&ftrace_list_ops;
	target = (unsigned long)ftrace_caller_ops;
	if (n == 1 && (users[0]->flags & FTRACE_OPS_FL_DIRECT) &&
	    a64_branch_reachable(arch_ftrace_call_addr(s->func), users[0]->direct_call))
		target = users[0]->direct_call;
	if (s->target)
		err = ftrace_ops_modify_call(s->func, lit, s->target, target);
	else
		err = ftrace_ops_make_call(s->func, lit, target);
	if (!err)
		s->target = target;
	return err;
}

int ftrace_ops_register(unsigned long ops_addr, unsigned long func)
{
	struct ftrace_ops *ops = (struct ftrace_ops *)ops_addr;
	struct ftrace_site *s;
	patch_insn_t first;
	unsigned long n;
	int err = patch_read_insn(func, &first);

	if (err)
		return err;
	if (first != A64_MOV_X9_X30) /* not initialised by ftrace_ops_init_nop */
		return -EINVAL;
	s = site_claim(func);
	if (!s)
		return -ENOMEM;
	n = s->nusers;
	for (unsigned long i = 0; i < n; i++) {
		unsigned long both = s->users[i]->flags & ops->flags;

		if (s->users[i] == ops || (both & FTRACE_OPS_FL_IPMODIFY) ||
		    (both & FTRACE_OPS_FL_DIRECT))
			return -EBUSY;
	}
	if (n == FTRACE_SITE_MAX_USERS)
		return -ENOMEM;
	/* Publish the user before any site change can route a hart to the list callback. */
	*(struct ftrace_ops *volatile *)&s->users[n] = ops;
	__asm__ volatile("dmb ish" ::: "memory");
	*(volatile unsigned long *)&s->nusers = n + 1;
	__asm__ volatile("dmb ish" ::: "memory");
	err = site_apply(s, s->users, n + 1);
	if (err) {
		*(volatile unsigned long *)&s->nusers = n;
		s->users[n] = 0;
	}
	return err;
}

int ftrace_ops_unregister(unsigned long ops_addr, unsigned long func)
{
	struct ftrace_ops *ops = (struct ftrace_ops *)ops_addr;
	struct ftrace_site *s = ftrace_site_find(func);
	struct ftrace_ops *rest[FTRACE_SITE_MAX_USERS];
	unsigned long n = 0, k = FTRACE_SITE_MAX_USERS;
	int err;

	if (!s)
		return -EINVAL;
	for (unsigned long i = 0; i < s->nusers; i++) {
		if (s->users[i] == ops)
			k = i;
		else
			rest[n++] = s->users[i];
	}
	if (k == FTRACE_SITE_MAX_USERS)
		return -EINVAL;
	/* The site stops naming the ops first; the list forgets it after. */
	err = site_apply(s, rest, n);
	if (err)
		return err;
	for (unsigned long i = 0; i < n; i++)
		*(struct ftrace_ops *volatile *)&s->users[i] = rest[i];
	__asm__ volatile("dmb ish" ::: "memory");
	*(volatile unsigned long *)&s->nusers = n;
	return 0;
}
