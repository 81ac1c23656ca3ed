/* flow_arm.h - where an A32 or T32 instruction sends control (arch.h, struct insn_flow). */
#ifndef PATCHCHECK_FLOW_ARM_H
#define PATCHCHECK_FLOW_ARM_H

#include "../arch.h"

void a32_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out);
void t32_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out);

#endif
