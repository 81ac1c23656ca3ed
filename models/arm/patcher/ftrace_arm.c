/*
 * ftrace_arm.c - the arm patcher's own pieces: finding a function's site, the choice of the
 * disabled form, and modify_call under stop-machine.
 *
 * An arm kernel learns its sites from a table the build records (__mcount_loc); these images
 * have none, so the patcher finds a site the way the host does: the first `push {lr}` in the
 * function that is followed by one of the site's forms (a BL, add sp, sp, #4, pop {lr}). The
 * frame setup clang emits before it never pushes lr alone.
 */
#include "patch_arch.h"
#include "stop_machine.h"

extern char _stext[], _etext[];

#define SITE_SCAN_BYTES 64 /* the site follows the frame setup: a few instructions in */

static patch_insn_t nop_insn;

patch_insn_t arm_ftrace_nop(void)
{
	if (nop_insn)
		return nop_insn;
#ifdef __thumb__
	return THUMB_ADD_W_SP_4;
#else
	return ARM_ADD_SP_4;
#endif
}

int ftrace_arm_legacy_nop(unsigned long on)
{
#ifdef __thumb__
	nop_insn = on ? THUMB_POP_W_LR : THUMB_ADD_W_SP_4;
#else
	nop_insn = on ? ARM_POP_LR : ARM_ADD_SP_4;
#endif
	return 0;
}

static int is_site_word(patch_insn_t w)
{
#ifdef __thumb__
	return thumb_is_bl(w) || w == THUMB_ADD_W_SP_4 || w == THUMB_POP_W_LR;
#else
	return (arm_is_bl(w) && (w >> 28) == 0xe) || w == ARM_ADD_SP_4 || w == ARM_POP_LR;
#endif
}

unsigned long arm_ftrace_site(unsigned long func)
{
	unsigned long a = func & ~1ul, end = a + SITE_SCAN_BYTES;

	if (a < (unsigned long)_stext || end > (unsigned long)_etext)
		end = (unsigned long)_etext;
#ifdef __thumb__
	for (; a >= (unsigned long)_stext && a + 6 <= end; a += 2) {
		const volatile unsigned short *p = (const volatile unsigned short *)a;

		if (p[0] == THUMB_PUSH_LR && is_site_word(p[1] | (patch_insn_t)p[2] << 16))
			return a + 2;
	}
#else
	for (; a >= (unsigned long)_stext && a + 8 <= end; a += 4) {
		const volatile patch_insn_t *p = (const volatile patch_insn_t *)a;

		if ((p[0] == ARM_PUSH_LR || p[0] == ARM_PUSH_LR_STM) && is_site_word(p[1]))
			return a + 4;
	}
#endif
	return 0;
}
