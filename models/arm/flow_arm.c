/*
 * flow_arm.c - where an A32 or T32 instruction sends control (arch.h, struct insn_flow), for
 * the register liveness of compiled code (explorer/liveness.c), from Capstone 4's decoding:
 *   - B, BL, BLX and CBZ/CBNZ with an immediate: their target (B with a condition, CBZ and
 *     CBNZ also fall through); BL and BLX are calls;
 *   - BX LR and MOV PC, LR: a return; POP or LDM from SP with the pc in its list, and LDR PC,
 *     [SP], #4: a return through the stack (how AAPCS code returns; in assembly, anything);
 *   - BLX Rm: a call through a register; BX Rm: a jump through one;
 *   - any other write of the pc (LDR pc, TBB, TBH, ADD pc), SVC, BKPT, UDF, ERET, and whatever
 *     Capstone cannot decode: leaves the line.
 * A32's condition field makes an instruction conditional (it may do nothing); T32's IT makes
 * the instructions of its block so, which the caller tracks (mem_order.block).
 */
#include <string.h>

#include <capstone/capstone.h>

#include "flow_arm.h"
#include "memorder_arm.h"

static bool writes_pc(csh cs, const cs_insn *insn)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;

	if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return true;
	for (unsigned i = 0; i < nwr; i++)
		if (wr[i] == ARM_REG_PC)
			return true;
	return false;
}

/* Does the register list of a POP / LDM (operands from first on) hold the pc? */
static bool list_has_pc(const cs_arm *a, unsigned first)
{
	for (unsigned i = first; i < a->op_count; i++)
		if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg == ARM_REG_PC)
			return true;
	return false;
}

static void decode(bool thumb, const uint8_t *bytes, unsigned len, uint64_t pc,
		   struct insn_flow *out)
{
	csh cs = arm_capstone(thumb);
	cs_insn *insn = NULL;
	const cs_arm *a;

	memset(out, 0, sizeof(*out));
	out->kind = FLOW_OTHER;
	if (!cs || cs_disasm(cs, bytes, len, pc, 1, &insn) != 1)
		return;
	a = &insn->detail->arm;
	out->conditional = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
	switch (insn->id) {
	case ARM_INS_B:
	case ARM_INS_BL:
	case ARM_INS_BLX:
	case ARM_INS_CBZ:
	case ARM_INS_CBNZ: {
		const cs_arm_op *t = a->op_count ? &a->operands[a->op_count - 1] : NULL;

		if (t && t->type == ARM_OP_IMM) {
			out->has_target = true;
			out->target = (uint32_t)t->imm;
			out->kind = insn->id == ARM_INS_B ? (out->conditional ? FLOW_COND : FLOW_JUMP)
				  : insn->id == ARM_INS_CBZ || insn->id == ARM_INS_CBNZ ? FLOW_COND
				  : FLOW_CALL;
		} else if (insn->id == ARM_INS_BLX && t && t->type == ARM_OP_REG) {
			out->kind = FLOW_CALL;
		}
		break;
	}
	case ARM_INS_BX:
		if (a->op_count == 1 && a->operands[0].type == ARM_OP_REG)
			out->kind = a->operands[0].reg == ARM_REG_LR ? FLOW_RETURN : FLOW_JUMP;
		break;
	case ARM_INS_MOV:
		if (a->op_count == 2 && a->operands[0].type == ARM_OP_REG &&
		    a->operands[0].reg == ARM_REG_PC)
			out->kind = a->operands[1].type == ARM_OP_REG &&
					    a->operands[1].reg == ARM_REG_LR ? FLOW_RETURN : FLOW_OTHER;
		else
			out->kind = writes_pc(cs, insn) ? FLOW_OTHER : FLOW_NEXT;
		break;
	case ARM_INS_POP:
		out->kind = list_has_pc(a, 0) ? FLOW_RETURN : FLOW_NEXT;
		out->pops_pc = out->kind == FLOW_RETURN;
		break;
	case ARM_INS_LDM:
		if (a->op_count && a->operands[0].type == ARM_OP_REG &&
		    a->operands[0].reg == ARM_REG_SP && a->writeback && list_has_pc(a, 1)) {
			out->kind = FLOW_RETURN;
			out->pops_pc = true;
		} else {
			out->kind = writes_pc(cs, insn) ? FLOW_OTHER : FLOW_NEXT;
		}
		break;
	case ARM_INS_LDR:
		if (a->op_count >= 2 && a->operands[0].type == ARM_OP_REG &&
		    a->operands[0].reg == ARM_REG_PC && a->operands[1].type == ARM_OP_MEM &&
		    a->operands[1].mem.base == ARM_REG_SP && a->writeback) {
			out->kind = FLOW_RETURN; /* ldr pc, [sp], #4 */
			out->pops_pc = true;
		} else {
			out->kind = writes_pc(cs, insn) ? FLOW_OTHER : FLOW_NEXT;
		}
		break;
	case ARM_INS_SVC:
	case ARM_INS_BKPT:
	case ARM_INS_UDF:
	case ARM_INS_ERET:
	case ARM_INS_TBB:
	case ARM_INS_TBH:
		break;
	default:
		out->kind = writes_pc(cs, insn) ? FLOW_OTHER : FLOW_NEXT;
		break;
	}
	cs_free(insn, 1);
}

void a32_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out)
{
	decode(false, bytes, len, pc, out);
}

void t32_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out)
{
	decode(true, bytes, len, pc, out);
}
