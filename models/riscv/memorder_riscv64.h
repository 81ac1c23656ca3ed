/* memorder_riscv64.h - the RV64GC decoder of the data memory model (arch.h, struct mem_order). */
#ifndef PATCHCHECK_MEMORDER_RISCV64_H
#define PATCHCHECK_MEMORDER_RISCV64_H

#include "../arch.h"

void rv_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *o);

#endif
