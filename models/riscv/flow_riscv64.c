/*
 * flow_riscv64.c - where an RV64GC instruction sends control (arch.h, struct insn_flow), for
 * the register liveness of compiled code (explorer/liveness.c), from the base and compressed
 * formats (unprivileged spec, "Control Transfer Instructions" and "C Standard Extension"):
 *   - JAL x0 / C.J: a jump to its target; JAL ra or t0 (the alternate link register): a call;
 *   - the conditional branches and C.BEQZ / C.BNEZ: their target or the next;
 *   - JALR x0, 0(ra) / C.JR ra: a return; JALR x0 / C.JR through another register: a jump
 *     through it; JALR ra or t0 / C.JALR: a call through a register;
 *   - a JAL or JALR linking any other register, ECALL, EBREAK, xRET, WFI: leave the line.
 */
#include <string.h>

#include "flow_riscv64.h"
#include "insn_riscv64.h"

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void jump(struct insn_flow *out, unsigned rd, uint64_t target)
{
	out->kind = rd == 0 ? FLOW_JUMP : rd == RV_RA || rd == RV_T0 ? FLOW_CALL : FLOW_OTHER;
	out->has_target = out->kind != FLOW_OTHER;
	out->target = target;
}

static void jump_reg(struct insn_flow *out, unsigned rd, unsigned rs1, int64_t imm)
{
	if (rd == 0)
		out->kind = rs1 == RV_RA && imm == 0 ? FLOW_RETURN : FLOW_JUMP;
	else
		out->kind = rd == RV_RA || rd == RV_T0 ? FLOW_CALL : FLOW_OTHER;
}

static void compressed(uint32_t c, uint64_t pc, struct insn_flow *out)
{
	unsigned op = c & 3, f3 = (c >> 13) & 7, rs1 = (c >> 7) & 31;

	if (op == 1 && f3 == 5) { /* C.J: imm[11|4|9:8|10|6|7|3:1|5] */
		uint64_t imm = ((c >> 12) & 1) << 11 | ((c >> 11) & 1) << 4 | ((c >> 9) & 3) << 8 |
			       ((c >> 8) & 1) << 10 | ((c >> 7) & 1) << 6 | ((c >> 6) & 1) << 7 |
			       ((c >> 3) & 7) << 1 | ((c >> 2) & 1) << 5;

		jump(out, 0, pc + (uint64_t)sext(imm, 12));
	} else if (op == 1 && (f3 == 6 || f3 == 7)) { /* C.BEQZ, C.BNEZ: imm[8|4:3], [7:6|2:1|5] */
		uint64_t imm = ((c >> 12) & 1) << 8 | ((c >> 10) & 3) << 3 | ((c >> 5) & 3) << 6 |
			       ((c >> 3) & 3) << 1 | ((c >> 2) & 1) << 5;

		out->kind = FLOW_COND;
		out->has_target = true;
		out->target = pc + (uint64_t)sext(imm, 9);
	} else if (op == 2 && f3 == 4 && ((c >> 2) & 31) == 0 && rs1) {
		/* C.JR (bit 12 clear) or C.JALR; with rs1 = 0 and bit 12 set, C.EBREAK */
		if ((c >> 12) & 1)
			jump_reg(out, RV_RA, rs1, 0);
		else
			jump_reg(out, 0, rs1, 0);
	} else if (op == 2 && f3 == 4 && ((c >> 2) & 31) == 0 && ((c >> 12) & 1)) {
		out->kind = FLOW_OTHER; /* C.EBREAK */
	} else if (c == 0) {
		out->kind = FLOW_OTHER; /* the defined illegal instruction */
	}
}

void rv_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out)
{
	uint32_t w = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8;
	unsigned rd, rs1;

	memset(out, 0, sizeof(*out));
	if (len == 2 || (w & 3) != 3) {
		compressed(w, pc, out);
		return;
	}
	w |= (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
	rd = (w >> 7) & 31;
	rs1 = (w >> 15) & 31;
	switch (w & 0x7f) {
	case 0x6f: { /* JAL: imm[20|10:1|11|19:12] */
		uint64_t imm = ((w >> 31) & 1) << 20 | ((w >> 21) & 0x3ff) << 1 |
			       ((w >> 20) & 1) << 11 | ((w >> 12) & 0xff) << 12;

		jump(out, rd, pc + (uint64_t)sext(imm, 21));
		break;
	}
	case 0x67: /* JALR */
		jump_reg(out, rd, rs1, sext(w >> 20, 12));
		break;
	case 0x63: { /* BEQ ... BGEU: imm[12|10:5], [4:1|11] */
		uint64_t imm = ((w >> 31) & 1) << 12 | ((w >> 25) & 0x3f) << 5 |
			       ((w >> 8) & 0xf) << 1 | ((w >> 7) & 1) << 11;

		out->kind = FLOW_COND;
		out->has_target = true;
		out->target = pc + (uint64_t)sext(imm, 13);
		break;
	}
	case 0x73: /* SYSTEM: ECALL, EBREAK, xRET, WFI; the CSR instructions go on */
		out->kind = ((w >> 12) & 7) == 0 ? FLOW_OTHER : FLOW_NEXT;
		break;
	default:
		break;
	}
}
