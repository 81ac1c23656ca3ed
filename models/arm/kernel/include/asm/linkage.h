/*
 * asm/linkage.h (patchcheck's kernel compatibility layer, arm) - arm code symbols get no extra
 * alignment (.align 0: Thumb-2 code is only halfword aligned, and so are its labels), and a
 * function's type is spelled %function, since `@` starts a comment in arm assembly.
 */
#ifndef PC_KCOMPAT_ARM_LINKAGE_H
#define PC_KCOMPAT_ARM_LINKAGE_H

#define __ALIGN .align 0

#endif
