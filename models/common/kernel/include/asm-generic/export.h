/*
 * asm-generic/export.h (patchcheck's kernel compatibility layer) - a guest image has no module
 * symbol table: exporting a symbol adds nothing.
 */
#ifndef PC_KCOMPAT_ASM_GENERIC_EXPORT_H
#define PC_KCOMPAT_ASM_GENERIC_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#endif
