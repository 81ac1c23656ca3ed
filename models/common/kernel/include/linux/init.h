/*
 * linux/init.h (patchcheck's kernel compatibility layer) - the section annotations of
 * assembly: boot-only code goes to .init.text, which the guest linker scripts keep with text.
 */
#ifndef PC_KCOMPAT_LINUX_INIT_H
#define PC_KCOMPAT_LINUX_INIT_H

#define __INIT .section ".init.text", "ax"
#define __FINIT .previous

#endif
