/*
 * ftrace.c - the generic guest patcher: which word of a site each ftrace operation changes,
 * what must be there before, and what is written. Arch details come from patch_arch.h.
 *
 * Every operation is "validate, then one word write": read the word, compare it with the
 * expected old instruction (-EINVAL and no write on a mismatch), then patch_text_nosync().
 */
#include "patch_arch.h"

/* Bounds of the writable text, from the image's linker script. */
extern char _stext[], _etext[];

/* Is addr an aligned instruction word inside the text? 0, -EINVAL or -EFAULT. */
static int check_text_word(unsigned long addr)
{
	unsigned long begin = (unsigned long)_stext, end = (unsigned long)_etext;

	if (addr & (PATCH_INSN_SIZE - 1))
		return -EINVAL;
	if (addr < begin || addr >= end || end - addr < PATCH_INSN_SIZE)
		return -EFAULT;
	return 0;
}

int patch_read_insn(unsigned long addr, patch_insn_t *insn)
{
	int err = check_text_word(addr);

	if (err)
		return err;
	*insn = *(const volatile patch_insn_t *)addr;
	return 0;
}

int patch_text_checked(unsigned long addr, patch_insn_t old, patch_insn_t insn, int validate)
{
	patch_insn_t cur;
	int err = patch_read_insn(addr, &cur);

	if (err)
		return err;
	if (validate && cur != old)
		return -EINVAL;
	return patch_text_nosync(addr, insn);
}

int ftrace_init_nop(unsigned long func)
{
	return patch_text_checked(arch_ftrace_init_addr(func), arch_ftrace_nop(),
				  arch_ftrace_init_insn(), 1);
}

int ftrace_make_call(unsigned long func, unsigned long tramp)
{
	unsigned long pc = arch_ftrace_call_addr(func);
	patch_insn_t call;
	int err = arch_ftrace_encode_call(pc, tramp, &call);

	if (err)
		return err;
	return patch_text_checked(pc, arch_ftrace_nop(), call, 1);
}

int ftrace_make_nop(unsigned long func, unsigned long tramp)
{
	unsigned long pc = arch_ftrace_call_addr(func);
	patch_insn_t call;
	int err = arch_ftrace_encode_call(pc, tramp, &call);

	if (err)
		return err;
	return patch_text_checked(pc, call, arch_ftrace_nop(), 1);
}

int ftrace_modify_call(unsigned long func, unsigned long old_tramp, unsigned long new_tramp)
{
	unsigned long pc = arch_ftrace_call_addr(func);
	patch_insn_t old_call, new_call;
	int err = arch_ftrace_encode_call(pc, old_tramp, &old_call);

	if (err)
		return err;
	err = arch_ftrace_encode_call(pc, new_tramp, &new_call);
	if (err)
		return err;
	return patch_text_checked(pc, old_call, new_call, 1);
}
