/*
 * linux/cfi_types.h (patchcheck's kernel compatibility layer) - with CONFIG_CFI_CLANG off, as
 * in every configuration patchcheck builds, a type-annotated function start is a plain one.
 */
#ifndef PC_KCOMPAT_LINUX_CFI_TYPES_H
#define PC_KCOMPAT_LINUX_CFI_TYPES_H

#include <linux/linkage.h>

#define SYM_TYPED_FUNC_START(sym) SYM_FUNC_START(sym)

#endif
