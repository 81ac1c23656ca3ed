/* asm/ftrace.h (patchcheck's kernel compatibility layer, arm64) - the ftrace call is one BL. */
#ifndef PC_KCOMPAT_ARM64_FTRACE_H
#define PC_KCOMPAT_ARM64_FTRACE_H

#include <asm/insn.h>

#define MCOUNT_INSN_SIZE AARCH64_INSN_SIZE

#endif
