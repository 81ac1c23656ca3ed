/*
 * memorder_arm.c - what an A32 or T32 instruction means for the data memory model (memory:
 * arch), with the ordering of ARMv8's AArch32 state (Arm ARM DDI 0487, B2.3; the A32/T32
 * barriers and exclusives are ARMv7's, DDI 0406C A3.8, A8.8.43, A8.8.75; LDA and STL are
 * ARMv8's, DDI 0487, the A32 and T32 instruction descriptions).
 *
 * Register numbering: r0..r14 are bits 0..14 (the register-file indices of model_arm.c), the
 * flags (NZCV, the CPSR's register-file index) bit 16, VFP/SIMD d0..d31 bits 17..48 (s2n and
 * s2n+1 are dn, qn is d2n and d2n+1), FPSCR bit 49. The pc (bit 15) is never set: reading it
 * depends on nothing, and writing it is a branch, which the model sees as `branch`.
 *
 * Registers come from Capstone 4's access lists (CS_MODE_V8 for LDA/STL), which leave some
 * out: an A32 `bx lr` reads no lr, `adds` writes no flags, a conditional instruction reads no
 * flags, MRS and MSR touch none, A32 LDREXD/STREXD lose their pair, CBZ writes no pc. Those
 * are added from the encoding here; for what no example caught, the decoder is not exact, so
 * the model only lets a register's view grow (dependencies over-approximated). In an IT block
 * Capstone, which decodes one instruction at a time, also lists the flags a 16-bit form sets
 * outside one: an extra write, harmless where views only grow.
 *
 * A conditional instruction (A32 condition field, or inside a T32 IT block) reads the flags
 * and is a control dependency for everything after it: the instruction's results and
 * accesses depend on the flags, as through a conditional select, and it is a branch around an
 * unconditional one besides. Either reading of conditional execution alone orders less, so
 * the model never produces an outcome one of them forbids. An IT instruction says how many
 * instructions follow it in its block (`block`): Unicorn runs them in the IT's step, and the
 * data model merges their decoding into the IT's, which reads the flags.
 */
#include <string.h>

#include <capstone/capstone.h>

#include "insn_arm.h"
#include "memorder_arm.h"

#define ARM_FLAGS 16 /* register numbers, as above */
#define ARM_D0 17
#define ARM_FPSCR 49

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t bit(unsigned r)
{
	return r == 15 ? 0 : 1ull << r;
}

/* Capstone's register id as bits of our numbering; 0 for the pc, ITSTATE and the rest. */
static uint64_t reg_bit(unsigned id)
{
	if (id >= ARM_REG_R0 && id <= ARM_REG_R12)
		return bit(id - ARM_REG_R0);
	if (id >= ARM_REG_S0 && id <= ARM_REG_S31)
		return 1ull << (ARM_D0 + (id - ARM_REG_S0) / 2);
	if (id >= ARM_REG_D0 && id <= ARM_REG_D31)
		return 1ull << (ARM_D0 + (id - ARM_REG_D0));
	if (id >= ARM_REG_Q0 && id <= ARM_REG_Q15)
		return 3ull << (ARM_D0 + 2 * (id - ARM_REG_Q0));
	switch (id) {
	case ARM_REG_SP:
		return bit(13);
	case ARM_REG_LR:
		return bit(14);
	case ARM_REG_CPSR:
	case ARM_REG_APSR:
	case ARM_REG_APSR_NZCV:
	case ARM_REG_SPSR:
		return 1ull << ARM_FLAGS;
	case ARM_REG_FPSCR:
	case ARM_REG_FPSCR_NZCV:
		return 1ull << ARM_FPSCR;
	default:
		return 0;
	}
}

static bool is_immediate_branch(const cs_insn *insn)
{
	const cs_arm *a = &insn->detail->arm;

	return (insn->id == ARM_INS_B || insn->id == ARM_INS_BL || insn->id == ARM_INS_BLX) &&
	       a->op_count == 1 && a->operands[0].type == ARM_OP_IMM;
}

/*
 * The registers from Capstone, the base registers a load or store writes back, and what only
 * the decoded instruction knows: its condition, whether it sets the flags, and whether it
 * writes the pc other than as an immediate branch (a register branch: a control dependency,
 * on the loaded value when it loads the target: LDR pc, POP {pc}, TBB, TBH).
 */
/* One handle per instruction set, shared with flow_arm.c. */
csh arm_capstone(bool thumb)
{
	static csh cs[2];
	static bool opened[2];

	if (!opened[thumb]) {
		if (cs_open(CS_ARCH_ARM, (thumb ? CS_MODE_THUMB : CS_MODE_ARM) | CS_MODE_V8,
			    &cs[thumb]) != CS_ERR_OK)
			return 0;
		cs_option(cs[thumb], CS_OPT_DETAIL, CS_OPT_ON);
		opened[thumb] = true;
	}
	return cs[thumb];
}

static void registers(bool thumb, const uint8_t *bytes, unsigned len, struct mem_order *out)
{
	csh cs = arm_capstone(thumb);
	cs_insn *insn = NULL;
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;
	bool writes_pc = false;

	if (!cs || cs_disasm(cs, bytes, len, 0, 1, &insn) != 1)
		return;
	const cs_arm *a = &insn->detail->arm;

	if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) == CS_ERR_OK) {
		for (unsigned i = 0; i < nrd; i++)
			out->reads |= reg_bit(rd[i]);
		for (unsigned i = 0; i < nwr; i++) {
			out->writes |= reg_bit(wr[i]);
			writes_pc |= wr[i] == ARM_REG_PC;
		}
	}
	if (a->update_flags)
		out->writes |= 1ull << ARM_FLAGS;
	if (a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID) {
		out->reads |= 1ull << ARM_FLAGS;
		out->branch = true;
	}
	for (unsigned i = 0; i < a->op_count; i++)
		if (a->writeback && a->operands[i].type == ARM_OP_MEM)
			out->writeback |= reg_bit(a->operands[i].mem.base);
	switch (insn->id) {
	case ARM_INS_PUSH:
	case ARM_INS_POP:
		out->writeback |= bit(13);
		break;
	case ARM_INS_LDM: case ARM_INS_LDMDA: case ARM_INS_LDMDB: case ARM_INS_LDMIB:
	case ARM_INS_STM: case ARM_INS_STMDA: case ARM_INS_STMDB: case ARM_INS_STMIB:
		if (a->writeback && a->op_count && a->operands[0].type == ARM_OP_REG)
			out->writeback |= reg_bit(a->operands[0].reg);
		break;
	case ARM_INS_CBZ:
	case ARM_INS_CBNZ:
		out->branch = true;
		break;
	case ARM_INS_TBB:
	case ARM_INS_TBH:
		out->branch = out->branch_on_load = true;
		break;
	default:
		break;
	}
	if (writes_pc && !is_immediate_branch(insn))
		out->branch = out->branch_on_load = true;
	cs_free(insn, 1);
}

/* DMB / DSB option<1:0> (A32 bits 1:0, T32 bits 17:16 of the word): LD (01: loads before,
 * everything after; ARMv8), ST (10: stores before and after), all (11; 00 is reserved and
 * acts as SY). */
static void barrier(unsigned option, struct mem_order *out)
{
	unsigned type = option & 3;

	out->fence_pred = type == 1 ? MEM_R : type == 2 ? MEM_W : MEM_R | MEM_W;
	out->fence_succ = type == 2 ? MEM_W : MEM_R | MEM_W;
}

/*
 * The load/store exclusive and load-acquire/store-release class, decoded alike in both
 * instruction sets from its fields: L (a load), ex (an exclusive: reads the newest value,
 * stores last), ordered (LDA*: acquire; STL*: release), D (a doubleword: the register pair
 * t, t2). A load writes t (and t2); a store reads t (and t2), and an exclusive store writes its
 * status register d. n is the base.
 */
struct sync_fields {
	bool load, ex, ordered, pair;
	unsigned n, t, t2, d;
};

static void sync_class(const struct sync_fields *f, struct mem_order *out)
{
	uint64_t data = bit(f->t) | (f->pair ? bit(f->t2) : 0);

	out->reads |= bit(f->n);
	if (f->load) {
		out->writes |= data;
	} else {
		out->reads |= data;
		if (f->ex)
			out->writes |= bit(f->d);
	}
	out->atomic = f->ex;
	out->acquire = f->load && f->ordered;
	out->release = !f->load && f->ordered;
}

/*
 * A32 (DDI 0406C A5.2.10, DDI 0487 F4 "Synchronization primitives and Load-Acquire/
 * Store-Release"): cond 0001 1 sz L Rn Rd|Rt 11 ex !ord 1001 Rt with sz 01 the doubleword;
 * SWP{B}: cond 0001 0B00 Rn Rt 0000 1001 Rt2, a read-modify-write.
 */
static void a32_fields(uint32_t w, struct mem_order *out)
{
	unsigned cond = w >> 28;

	if (cond == 0xf) {
		if ((w & 0xffffffe0u) == 0xf57ff040u)
			barrier(w, out); /* DSB, DMB */
		else if ((w & 0xfffffff0u) == 0xf57ff060u)
			out->ctx_sync = true; /* ISB */
		else if ((w & 0xfe50ffffu) == 0xf8100a00u)
			out->ctx_sync = out->branch = true; /* RFE */
		return;
	}
	if (arm_is_mcr_c7(w, 10, 5) || arm_is_mcr_c7(w, 10, 4)) /* CP15DMB, CP15DSB */
		barrier(3, out);
	else if (arm_is_mcr_c7(w, 5, 4)) /* CP15ISB */
		out->ctx_sync = true;
	if ((w & 0x0ffff000u) == 0x025ef000u || (w & 0x0fffffffu) == 0x01b0f00eu)
		out->ctx_sync = true; /* SUBS pc, lr, #imm; MOVS pc, lr: exception returns */
	if ((w & 0x0f800cf0u) == 0x01800c90u) {
		struct sync_fields f = {
			.load = w >> 20 & 1, .ex = w >> 9 & 1, .ordered = !(w >> 8 & 1),
			.pair = ((w >> 21) & 3) == 1, .n = (w >> 16) & 15,
			.t = w >> 20 & 1 ? (w >> 12) & 15 : w & 15, .d = (w >> 12) & 15,
		};

		f.t2 = f.t + 1;
		sync_class(&f, out);
	} else if ((w & 0x0fb00ff0u) == 0x01000090u) {
		out->reads |= bit((w >> 16) & 15) | bit(w & 15); /* SWP, SWPB */
		out->writes |= bit((w >> 12) & 15);
		out->atomic = true;
	}
	if ((w & 0x0ffffff0u) == 0x012fff10u || (w & 0x0ffffff0u) == 0x012fff30u)
		out->reads |= bit(w & 15); /* BX, BLX (register): Capstone 4 omits Rm of bx */
	if ((w & 0x0fbf0fffu) == 0x010f0000u)
		out->reads |= 1ull << ARM_FLAGS; /* MRS */
	if ((w & 0x0fb0fff0u) == 0x0120f000u || ((w & 0x0fb0f000u) == 0x0320f000u && (w & 0x000f0000u)))
		out->writes |= 1ull << ARM_FLAGS; /* MSR (register, immediate; mask 0 are hints) */
}

/*
 * T32, one little-endian word (first halfword in bits 15:0). The class of LDREX/STREX (hw1
 * e85n/e84n: word exclusives) and e8dn/e8cn with op = bits 7:4 of hw2: 0000/0001 TBB/TBH,
 * 01sz exclusives, 10sz LDA/STL, 11sz LDAEX/STLEX (sz 11: the doubleword, Rt2 in hw2 bits
 * 11:8); Rt in hw2 bits 15:12, Rd (a store's status) bits 3:0.
 */
static void t32_fields(uint32_t w, unsigned len, struct mem_order *out)
{
	uint32_t hw1 = w & 0xffffu, hw2 = w >> 16;

	if (len == 2) {
		if ((hw1 & 0xff00u) == 0xbf00u && (hw1 & 0xfu)) {
			/* IT: firstcond bits 7:4, mask bits 3:0 whose lowest set bit ends the block */
			unsigned mask = hw1 & 0xfu, n = 4;

			while (!(mask & 1)) {
				mask >>= 1;
				n--;
			}
			out->reads |= 1ull << ARM_FLAGS;
			out->branch = true;
			out->block = (uint8_t)n;
		}
		return;
	}
	if ((w & 0xffe0ffffu) == 0x8f40f3bfu)
		barrier(hw2, out); /* DSB, DMB */
	else if ((w & 0xfff0ffffu) == 0x8f60f3bfu)
		out->ctx_sync = true; /* ISB */
	else if (thumb_is_mcr_c7(w, 10, 5) || thumb_is_mcr_c7(w, 10, 4))
		barrier(3, out); /* CP15DMB, CP15DSB */
	else if (thumb_is_mcr_c7(w, 5, 4))
		out->ctx_sync = true; /* CP15ISB */
	else if ((w & 0xff00ffffu) == 0x8f00f3deu)
		out->ctx_sync = out->branch = true; /* SUBS pc, lr, #imm8 (ERET) */
	if ((hw1 & 0xffe0u) == 0xe840u) {
		struct sync_fields f = {
			.load = hw1 >> 4 & 1, .ex = true, .n = hw1 & 15, .t = hw2 >> 12,
			.d = (hw2 >> 8) & 15,
		};

		sync_class(&f, out);
	} else if ((hw1 & 0xffe0u) == 0xe8c0u && (hw2 & 0xc0u)) {
		unsigned op = (hw2 >> 4) & 15;
		struct sync_fields f = {
			.load = hw1 >> 4 & 1, .ex = (op & 0xcu) != 0x8u, .ordered = op >= 8,
			.pair = (op & 3) == 3, .n = hw1 & 15, .t = hw2 >> 12, .t2 = (hw2 >> 8) & 15,
			.d = hw2 & 15,
		};

		sync_class(&f, out);
	}
	if ((hw1 & 0xffefu) == 0xf3efu && (hw2 & 0xf0ffu) == 0x8000u)
		out->reads |= 1ull << ARM_FLAGS; /* MRS */
	if ((hw1 & 0xffe0u) == 0xf380u && (hw2 & 0xf0ffu) == 0x8000u)
		out->writes |= 1ull << ARM_FLAGS; /* MSR (register) */
}

static void decode(bool thumb, const uint8_t *bytes, unsigned len, struct mem_order *out)
{
	memset(out, 0, sizeof(*out));
	registers(thumb, bytes, len, out);
	if (thumb)
		t32_fields(len == 2 ? (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 : le32(bytes), len,
			   out);
	else
		a32_fields(le32(bytes), out);
}

void a32_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out)
{
	decode(false, bytes, len, out);
}

void t32_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out)
{
	decode(true, bytes, len, out);
}
