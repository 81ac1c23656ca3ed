/* memorder_arm.h - the A32 and T32 decoders of the data memory model (arch.h, struct mem_order). */
#ifndef PATCHCHECK_MEMORDER_ARM_H
#define PATCHCHECK_MEMORDER_ARM_H

#include "../arch.h"

#include <capstone/capstone.h>

/* Capstone for A32 (thumb false) or T32, with details, opened on first use; 0 when it cannot
 * be. */
csh arm_capstone(bool thumb);

void a32_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out);
void t32_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out);

#endif
