/*
 * patch_arch.h - the hooks the generic patcher (ftrace.c) needs from an architecture.
 *
 * Each arch provides them in its own models/<arch>/patcher/patch_hooks.h (that directory is on
 * the include path of the arch's images, the way Linux's generic ftrace includes <asm/ftrace.h>),
 * as static inline functions:
 *   PATCH_INSN_SIZE                       bytes per patched word (and its alignment)
 *   PATCH_INSN_ALIGN                      optional: a smaller alignment of a patched word
 *                                         (Thumb-2: 2, a 32-bit instruction at 2 mod 4)
 *   arch_ftrace_init_addr(func)           the word ftrace_init_nop writes
 *   arch_ftrace_init_insn()               what it writes there (over arch_ftrace_nop())
 *   arch_ftrace_call_addr(func)           the word that toggles between NOP and a call
 *   arch_ftrace_nop()                     the disabled form of that word
 *   arch_ftrace_encode_call(pc, target, &insn)  the call placed at pc: 0, -EINVAL, -ERANGE
 *   arch_hart_id()                        the id of the hart running the code
 *   ARCH_PATCH_TEXT_EVERY_CPU             1: the arch's patch_text stops every CPU and the
 *                                         last to arrive writes; 0: CPU 0 alone writes
 *   arch_patch_text_waited()              what a CPU that waited in that callback executes
 *                                         once the text is written
 *   arch_local_irq_save(), arch_local_irq_restore(flags)  the CPU's interrupt mask (IRQs
 *                                         off, and back as they were), for multi_cpu_stop
 * and, in assembly, patch_text_nosync() (patcher.h). An arch whose boot step does not start
 * from a NOP (arm: the compiler's bl __gnu_mcount_nc) defines ARCH_FTRACE_INIT_UNIT and its own
 * arch_ftrace_init_unit() (below) in place of the two init hooks.
 *
 * An arch whose sites change several words at once (riscv) defines ARCH_FTRACE_UNITS and, in
 * place of the init/call/nop/encode hooks above, the unit hooks (struct patch_unit,
 * patch_unit.h):
 *   arch_ftrace_init_unit(func, &unit)            the boot-time change: 0 or an error
 *   arch_ftrace_nop_unit(func, &addr, words)      the disabled form: number of words
 *   arch_ftrace_call_unit(func, tramp, &addr, words)  the enabled form calling tramp: number of
 *                                                 words, or -EINVAL / -ERANGE
 *   arch_ftrace_update_literal(func, enabled)     the ops literal before func (CALL_OPS), 0
 *                                                 when the arch has none
 */
#ifndef PATCHCHECK_PATCH_ARCH_H
#define PATCHCHECK_PATCH_ARCH_H

#include "patcher.h"

#include "patch_hooks.h"

#endif
