/*
 * patch_arch.h - the hooks the generic patcher (ftrace.c) needs from an architecture.
 *
 * Each arch provides, as static inline functions in its own header:
 *   PATCH_INSN_SIZE                       bytes per patched word (and its alignment)
 *   arch_ftrace_init_addr(func)           the word ftrace_init_nop writes
 *   arch_ftrace_init_insn()               what it writes there (over arch_ftrace_nop())
 *   arch_ftrace_call_addr(func)           the word that toggles between NOP and a call
 *   arch_ftrace_nop()                     the disabled form of that word
 *   arch_ftrace_encode_call(pc, target, &insn)  the call placed at pc: 0, -EINVAL, -ERANGE
 *   arch_hart_id()                        the id of the hart running the code
 * and, in assembly, patch_text_nosync() (patcher.h).
 */
#ifndef PATCHCHECK_PATCH_ARCH_H
#define PATCHCHECK_PATCH_ARCH_H

#include "patcher.h"

#if defined(__aarch64__)
#include "ftrace_arm64.h"
#else
#error "patcher: no arch hooks for this target"
#endif

#endif
