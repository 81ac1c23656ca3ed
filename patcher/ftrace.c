/*
 * ftrace.c - the generic guest patcher: which words of a site each ftrace operation changes,
 * what must be there before, and what is written. Arch details come from patch_arch.h.
 *
 * Every operation works on a patch unit (patch_unit.h): the words of the site that change as a
 * whole, one on arm64, up to four on riscv. It is "validate, then write": read every word of the
 * unit and compare it with the expected old instruction (-EINVAL and nothing written on any
 * mismatch), update the arch's ops literal if it has one, then write the words in address order,
 * each with patch_text_nosync() (so a unit of several words is several stores, each followed by
 * the arch's fetch maintenance on this hart). Reads of text go through patch_text.c, which the
 * arch hooks use too.
 */
#include "patch_arch.h"
#include "patch_unit.h"

#ifndef ARCH_FTRACE_UNITS
/* One-word arches: the unit hooks from the one-word hooks of patch_arch.h (an arch whose boot
 * step starts from something else than a NOP defines ARCH_FTRACE_INIT_UNIT and its own). */
#ifndef ARCH_FTRACE_INIT_UNIT
static inline int arch_ftrace_init_unit(unsigned long func, struct patch_unit *u)
{
	u->addr = arch_ftrace_init_addr(func);
	u->n = 1;
	u->old[0] = arch_ftrace_nop();
	u->new[0] = arch_ftrace_init_insn();
	return 0;
}
#endif

static inline int arch_ftrace_nop_unit(unsigned long func, unsigned long *addr,
				       patch_insn_t *words)
{
	*addr = arch_ftrace_call_addr(func);
	words[0] = arch_ftrace_nop();
	return 1;
}

static inline int arch_ftrace_call_unit(unsigned long func, unsigned long tramp,
					unsigned long *addr, patch_insn_t *words)
{
	int err;

	*addr = arch_ftrace_call_addr(func);
	err = arch_ftrace_encode_call(*addr, tramp, &words[0]);
	return err ? err : 1;
}

static inline int arch_ftrace_update_literal(unsigned long func, int enabled)
{
	(void)func;
	(void)enabled;
	return 0;
}
#endif

/* Every word of the unit is text and holds the expected old instruction. */
static int unit_validate(const struct patch_unit *u)
{
	for (unsigned i = 0; i < u->n; i++) {
		patch_insn_t cur;
		int err = patch_read_insn(u->addr + i * PATCH_INSN_SIZE, &cur);

		if (err)
			return err;
		if (cur != u->old[i])
			return -EINVAL;
	}
	return 0;
}

static int unit_write(const struct patch_unit *u)
{
	for (unsigned i = 0; i < u->n; i++) {
		int err = patch_text_nosync(u->addr + i * PATCH_INSN_SIZE, u->new[i]);

		if (err)
			return err;
	}
	return 0;
}

/* The site's call unit, enabled (tramp != 0) or disabled: number of words, or an error. */
static int call_words(unsigned long func, unsigned long tramp, unsigned long *addr,
		      patch_insn_t *words)
{
	if (tramp)
		return arch_ftrace_call_unit(func, tramp, addr, words);
	return arch_ftrace_nop_unit(func, addr, words);
}

/* Change the site from calling `from` to calling `to` (0: disabled). */
static int change_site(unsigned long func, unsigned long from, unsigned long to)
{
	struct patch_unit u;
	unsigned long to_addr;
	int n_old = call_words(func, from, &u.addr, u.old), n_new, err;

	if (n_old < 0)
		return n_old;
	n_new = call_words(func, to, &to_addr, u.new);
	if (n_new < 0)
		return n_new;
	if (n_old != n_new || to_addr != u.addr || n_old > PATCH_MAX_WORDS)
		return -EINVAL;
	u.n = (unsigned)n_old;
	err = unit_validate(&u);
	if (!err)
		err = arch_ftrace_update_literal(func, to != 0);
	return err ? err : unit_write(&u);
}

int ftrace_init_nop(unsigned long func)
{
	struct patch_unit u;
	int err = arch_ftrace_init_unit(func, &u);

	if (!err)
		err = unit_validate(&u);
	if (!err)
		err = arch_ftrace_update_literal(func, 0);
	return err ? err : unit_write(&u);
}

int ftrace_make_call(unsigned long func, unsigned long tramp)
{
	if (!tramp)
		return -EINVAL;
	return change_site(func, 0, tramp);
}

int ftrace_make_nop(unsigned long func, unsigned long tramp)
{
	if (!tramp)
		return -EINVAL;
	return change_site(func, tramp, 0);
}

int ftrace_modify_call(unsigned long func, unsigned long old_tramp, unsigned long new_tramp)
{
	if (!old_tramp || !new_tramp)
		return -EINVAL;
	return change_site(func, old_tramp, new_tramp);
}
