/*
 * patch_text.c - the patcher's checked access to text: reading an instruction word, and writing
 * one over an expected old word. Both refuse an address outside the image's text or not aligned
 * to an instruction. The generic protocols (ftrace.c) and the arch hooks
 * (models/<arch>/patcher/patch_hooks.h) both read the site's words through here.
 */
#include "patch_arch.h"

/* Bounds of the writable text, from the image's linker script. */
extern char _stext[], _etext[];

#ifndef PATCH_INSN_ALIGN
#define PATCH_INSN_ALIGN PATCH_INSN_SIZE /* the arch's instructions are word-aligned */
#endif

/* Is addr an aligned instruction word inside the text? 0, -EINVAL or -EFAULT. */
static int check_text_word(unsigned long addr)
{
	unsigned long begin = (unsigned long)_stext, end = (unsigned long)_etext;

	if (addr & (PATCH_INSN_ALIGN - 1))
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
