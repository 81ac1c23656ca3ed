/*
 * memorder_riscv64.c - what an RV64GC instruction means for the data memory model (memory:
 * arch): its registers (x0..x31 as bits 0..31, f0..f31 as 32..63), decoded exactly from the
 * base formats (unprivileged spec, "RV32I Base
 * Integer Instruction Set" and "C Standard Extension"), FENCE's predecessor and successor
 * sets, and the aq/rl bits of the A extension (RVWMO: an aq access is ordered before every
 * later access, an rl access after every earlier one; "RVWMO Memory Consistency Model").
 */
#include <string.h>

#include "memorder_riscv64.h"

static uint64_t bit(unsigned r)
{
	return r ? 1ull << r : 0; /* x0 carries nothing */
}

/* Floating-point register f: bit 32 + f. */
static uint64_t fbit(unsigned f)
{
	return 1ull << (32 + (f & 31));
}

/* C.* register fields rd', rs1', rs2' name x8..x15. */
static unsigned creg(uint32_t field)
{
	return 8 + (field & 7);
}

static void compressed(uint32_t c, struct mem_order *o)
{
	unsigned op = c & 3, f3 = (c >> 13) & 7, rd = (c >> 7) & 31, rs2 = (c >> 2) & 31;
	unsigned rdp = creg(c >> 2), rs1p = creg(c >> 7);

	if (op == 0) {
		if (f3 == 0) { /* C.ADDI4SPN */
			o->reads = bit(2);
			o->writes = bit(rdp);
		} else if (f3 < 4) { /* C.FLD, C.LW, C.LD */
			o->reads = bit(rs1p);
			o->writes = f3 == 1 ? fbit(rdp) : bit(rdp);
		} else if (f3 > 4) { /* C.FSD, C.SW, C.SD */
			o->reads = bit(rs1p) | (f3 == 5 ? fbit(rdp) : bit(rdp));
		}
	} else if (op == 1) {
		if (f3 == 0 || f3 == 1) { /* C.ADDI, C.ADDIW */
			o->reads = bit(rd);
			o->writes = bit(rd);
		} else if (f3 == 2 || f3 == 3) { /* C.LI, C.LUI / C.ADDI16SP */
			o->reads = f3 == 3 && rd == 2 ? bit(2) : 0;
			o->writes = bit(rd);
		} else if (f3 == 4) { /* C.SRLI .. C.AND: rd' op= (rs2' or imm) */
			o->reads = bit(rs1p) | (((c >> 10) & 3) == 3 ? bit(creg(c >> 2)) : 0);
			o->writes = bit(rs1p);
		} else if (f3 == 6 || f3 == 7) { /* C.BEQZ, C.BNEZ */
			o->reads = bit(rs1p);
			o->branch = true;
		}
	} else if (op == 2) {
		if (f3 == 0) { /* C.SLLI */
			o->reads = bit(rd);
			o->writes = bit(rd);
		} else if (f3 >= 1 && f3 <= 3) { /* C.FLDSP, C.LWSP, C.LDSP */
			o->reads = bit(2);
			o->writes = f3 == 1 ? fbit(rd) : bit(rd);
		} else if (f3 == 4) {
			bool b12 = c >> 12 & 1;

			if (rs2 == 0) { /* C.JR, C.JALR (C.EBREAK: nothing) */
				o->reads = bit(rd);
				o->writes = b12 && rd ? bit(1) : 0;
				o->branch = rd != 0;
			} else { /* C.MV, C.ADD */
				o->reads = bit(rs2) | (b12 ? bit(rd) : 0);
				o->writes = bit(rd);
			}
		} else { /* C.FSDSP, C.SWSP, C.SDSP */
			o->reads = bit(2) | (f3 == 5 ? fbit(rs2) : bit(rs2));
		}
	}
}

void rv_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *o)
{
	uint32_t w = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8;
	unsigned opcode, rd, rs1, rs2, f3;

	memset(o, 0, sizeof(*o));
	o->exact = true;
	if (len == 2) {
		compressed(w, o);
		return;
	}
	w |= (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
	opcode = w & 0x7f;
	rd = (w >> 7) & 31;
	f3 = (w >> 12) & 7;
	rs1 = (w >> 15) & 31;
	rs2 = (w >> 20) & 31;
	switch (opcode) {
	case 0x37: /* LUI */
	case 0x17: /* AUIPC */
	case 0x6f: /* JAL */
		o->writes = bit(rd);
		break;
	case 0x67: /* JALR */
		o->reads = bit(rs1);
		o->writes = bit(rd);
		o->branch = true;
		break;
	case 0x63: /* BRANCH */
		o->reads = bit(rs1) | bit(rs2);
		o->branch = true;
		break;
	case 0x03: /* LOAD */
	case 0x13: /* OP-IMM */
	case 0x1b: /* OP-IMM-32 */
		o->reads = bit(rs1);
		o->writes = bit(rd);
		break;
	case 0x07: /* LOAD-FP */
		o->reads = bit(rs1);
		o->writes = fbit(rd);
		break;
	case 0x23: /* STORE */
		o->reads = bit(rs1) | bit(rs2);
		break;
	case 0x27: /* STORE-FP */
		o->reads = bit(rs1) | fbit(rs2);
		break;
	case 0x53: /* OP-FP: integer or FP operands and result, by funct: both, views only grow */
		o->reads = bit(rs1) | bit(rs2) | fbit(rs1) | fbit(rs2);
		o->writes = bit(rd) | fbit(rd);
		o->exact = false;
		break;
	case 0x43: /* FMADD, FMSUB, FNMSUB, FNMADD */
	case 0x47:
	case 0x4b:
	case 0x4f:
		o->reads = fbit(rs1) | fbit(rs2) | fbit(w >> 27);
		o->writes = fbit(rd);
		break;
	case 0x33: /* OP */
	case 0x3b: /* OP-32 */
		o->reads = bit(rs1) | bit(rs2);
		o->writes = bit(rd);
		break;
	case 0x2f: /* AMO, LR, SC */
		o->reads = bit(rs1) | (((w >> 27) & 31) == 2 ? 0 : bit(rs2));
		o->writes = bit(rd);
		o->atomic = true;
		o->acquire = w >> 26 & 1;
		o->release = w >> 25 & 1;
		break;
	case 0x0f: /* MISC-MEM */
		if (f3 == 0) {
			unsigned pred = (w >> 24) & 15, succ = (w >> 20) & 15; /* I O R W */

			o->fence_pred = (uint8_t)((pred & 2 ? MEM_R : 0) | (pred & 1 ? MEM_W : 0));
			o->fence_succ = (uint8_t)((succ & 2 ? MEM_R : 0) | (succ & 1 ? MEM_W : 0));
			o->fence_tso = (w >> 28) == 8 && pred == 3 && succ == 3;
		}
		break;
	case 0x73: /* SYSTEM: CSR instructions read rs1 and write rd */
		if (f3 != 0) {
			o->reads = f3 & 4 ? 0 : bit(rs1);
			o->writes = bit(rd);
		}
		break;
	default:
		break;
	}
}
