/* memorder_arm64.h - the A64 decoder of the data memory model (arch.h, struct mem_order). */
#ifndef PATCHCHECK_MEMORDER_ARM64_H
#define PATCHCHECK_MEMORDER_ARM64_H

#include "../arch.h"

void a64_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out);

#endif
