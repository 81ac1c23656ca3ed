/*
 * patcher.h - the guest patcher's public API: what a patcher hart runs to change patch sites.
 *
 * Guest code (freestanding C, one copy per arch image); the host calls these functions by name
 * on a patcher hart, with integer arguments, and reads the return value. Each returns 0 or a
 * negative error code from patch_errno.h, and never faults on bad arguments: an address outside
 * the image's text gives -EFAULT, a word that is not the expected old instruction -EINVAL (and
 * nothing is written), an unreachable trampoline -ERANGE.
 *
 * Every change is one aligned 32-bit store by patch_text_nosync() followed by cache maintenance
 * for that word on the patcher hart (on riscv: its FENCE.I, then the SBI's remote fence.i for
 * every hart); no other hart is stopped. There is no lock: one patcher hart per site at a time.
 *
 * The image's linker script must define _stext and _etext around the code the patcher may write.
 */
#ifndef PATCHCHECK_PATCHER_H
#define PATCHCHECK_PATCHER_H

#include "patch_errno.h"

typedef unsigned int patch_insn_t; /* one 32-bit instruction word */

/* Boot-time site initialisation: the word at func+0 NOP -> mov x9, x30 (arm64). Must run
 * while no hart can execute func (the pair is not concurrently modifiable). */
int ftrace_init_nop(unsigned long func);

/* Enable: the call word (func+4 on arm64) NOP -> BL tramp. */
int ftrace_make_call(unsigned long func, unsigned long tramp);

/* Disable: the call word BL tramp -> NOP. */
int ftrace_make_nop(unsigned long func, unsigned long tramp);

/* Retarget: the call word BL old_tramp -> BL new_tramp. */
int ftrace_modify_call(unsigned long func, unsigned long old_tramp, unsigned long new_tramp);

/* The same operations under the stop-machine protocol (stop_machine.c): every other hart is
 * parked, wherever it is, while the words change. ftrace_init_and_call_stopped does the boot
 * step and the enable in one stopped section. */
int ftrace_init_and_call_stopped(unsigned long func, unsigned long tramp);
int ftrace_make_call_stopped(unsigned long func, unsigned long tramp);
int ftrace_make_nop_stopped(unsigned long func, unsigned long tramp);
int ftrace_modify_call_stopped(unsigned long func, unsigned long old_tramp, unsigned long new_tramp);

/* Read the instruction word at addr into *insn: 0, -EINVAL if misaligned, -EFAULT outside text. */
int patch_read_insn(unsigned long addr, patch_insn_t *insn);

/* The single low-level write (arch assembly): store insn at addr with one aligned 32-bit store
 * (at the global label patch_store32), then make it visible to instruction fetch. Returns 0, or
 * -EINVAL if addr is misaligned. Does not check that addr is text: callers do. */
int patch_text_nosync(unsigned long addr, patch_insn_t insn);

/* Checked form of patch_text_nosync for any word of text (e.g. a breakpoint): validates the
 * address and, if validate is non-zero, that the current word is old. */
int patch_text_checked(unsigned long addr, patch_insn_t old, patch_insn_t insn, int validate);

#endif
