/* flow_riscv64.h - where an RV64GC instruction sends control (arch.h, struct insn_flow). */
#ifndef PATCHCHECK_FLOW_RISCV64_H
#define PATCHCHECK_FLOW_RISCV64_H

#include "../arch.h"

void rv_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out);

#endif
