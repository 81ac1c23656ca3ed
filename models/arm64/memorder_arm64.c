/*
 * memorder_arm64.c - what an A64 instruction means for the data memory model (memory: arch).
 *
 * Registers read and written come from Capstone's register-access lists. Capstone 4 leaves
 * some out (`cmp x1, x2` lists x1 as written, not read: fix_sources adds what the encoding
 * says for the common classes), so they are not exact: the model then only lets a register's
 * view grow. Barriers, acquire and release are read from the encoding
 * (Arm ARM DDI 0487, C6: DMB/DSB CRm, the load/store exclusive and ordered class, LSE atomics,
 * LDAPR).
 */
#include <string.h>

#include <capstone/capstone.h>

#include "memorder_arm64.h"

#define A64_NZCV 32 /* register numbers: x0..x30 are 0..30, sp 31, the flags 32, SIMD/FP
		     * v0..v30 33..63 */

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Capstone's register id as a bit of our numbering; 0 for the zero registers and the rest. */
static uint64_t reg_bit(csh cs, uint16_t id)
{
	const char *n = cs_reg_name(cs, id);
	unsigned r;

	if (!n)
		return 0;
	if (!strcmp(n, "sp") || !strcmp(n, "wsp"))
		return 1ull << 31;
	if (!strcmp(n, "nzcv"))
		return 1ull << A64_NZCV;
	if (!strcmp(n, "fp"))
		return 1ull << 29;
	if (!strcmp(n, "lr"))
		return 1ull << 30;
	if (strchr("xwbhsdqv", n[0]) && n[1] >= '0' && n[1] <= '9') {
		r = (unsigned)(n[1] - '0');
		if (n[2] >= '0' && n[2] <= '9')
			r = r * 10 + (unsigned)(n[2] - '0');
		if (n[0] == 'x' || n[0] == 'w')
			return r <= 30 ? 1ull << r : 0;
		/* SIMD/FP: bits 33..63, v31 sharing v30's (views only grow here) */
		return r <= 31 ? 1ull << (A64_NZCV + 1 + (r < 30 ? r : 30)) : 0;
	}
	return 0;
}

static void registers(const uint8_t *bytes, struct mem_order *out)
{
	static csh cs;
	static bool opened;
	cs_insn *insn = NULL;
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;

	if (!opened) {
		if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) != CS_ERR_OK)
			return;
		cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
		opened = true;
	}
	if (cs_disasm(cs, bytes, 4, 0, 1, &insn) != 1)
		return;
	if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) == CS_ERR_OK) {
		for (unsigned i = 0; i < nrd; i++)
			out->reads |= reg_bit(cs, rd[i]);
		for (unsigned i = 0; i < nwr; i++)
			out->writes |= reg_bit(cs, wr[i]);
	}
	if (insn->detail->arm64.writeback)
		for (unsigned i = 0; i < insn->detail->arm64.op_count; i++)
			if (insn->detail->arm64.operands[i].type == ARM64_OP_MEM)
				out->writeback |= reg_bit(cs, (uint16_t)insn->detail->arm64.operands[i].mem.base);
	cs_free(insn, 1);
}

/* A register field of an encoding (31: the zero register or sp, taken as sp: views only
 * grow here). */
static uint64_t reg_field(uint32_t v)
{
	return 1ull << (v & 31);
}

/* CAS, CASP, LSE atomics, LDAPR: Capstone 4 gives them no registers. Rt (bits 4:0), Rn (9:5)
 * and Rs (20:16) are read, Rt and Rs written (CAS returns the old value in Rs); CASP's pairs
 * are Rs, Rs+1 and Rt, Rt+1. Over-approximated, as arm64's registers are (views only grow). */
static void fields_rmw(uint32_t w, struct mem_order *out)
{
	uint64_t rt = reg_field(w) | reg_field(w + 1), rs = reg_field(w >> 16) | reg_field((w >> 16) + 1);

	out->reads |= rt | reg_field(w >> 5) | rs;
	out->writes |= rt | rs;
}

/* Capstone 4 drops the sources of the aliases whose destination is the zero register (CMP,
 * CMN, TST: `cmp x1, x2` lists x1 as written) and gives MSR (immediate), which writes a PSTATE
 * field, the flags. ADD/SUB (immediate, shifted and extended register) and the logical
 * instructions (immediate, shifted register) always read Rn (bits 9:5) and, in the register
 * forms, Rm (20:16): added here (DDI 0487 C4.1.2, C4.1.5). MSR (immediate) touches no
 * register of ours. */
static void fix_sources(uint32_t w, struct mem_order *out)
{
	if ((w & 0x1f800000u) == 0x11000000u || (w & 0x1f800000u) == 0x12000000u)
		out->reads |= reg_field(w >> 5);
	else if ((w & 0x1f000000u) == 0x0b000000u || (w & 0x1f000000u) == 0x0a000000u)
		out->reads |= reg_field(w >> 5) | reg_field(w >> 16);
	else if ((w & 0xfff8f01fu) == 0xd500401fu)
		out->reads = out->writes = 0;
}

/* DMB / DSB: CRm<1:0> is LD (01: loads before, everything after), ST (10: stores before and
 * after), or all (11; 00 is a full barrier too for the DSB forms that use it). */
static void barrier(uint32_t w, struct mem_order *out)
{
	unsigned type = (w >> 8) & 3;

	out->fence_pred = type == 1 ? MEM_R : type == 2 ? MEM_W : MEM_R | MEM_W;
	out->fence_succ = type == 2 ? MEM_W : MEM_R | MEM_W;
}

/* The pointer-authenticated branches (BRAA, BRAAZ, BLRAA, ..., RETAA, RETAB, ERETAA, ERETAB):
 * register branches Capstone 4 does not decode. They read Rn (bits 9:5) and the modifier Rm
 * (4:0; 31 is sp, or zero in the Z forms); RETA* and ERETA* read x30 and sp. */
static bool pac_branch(uint32_t w, struct mem_order *out)
{
	unsigned opc = (w >> 21) & 0xf;

	if ((w & 0xfe1ff800u) != 0xd61f0800u)
		return false;
	if (opc == 2 || opc == 4) { /* RETAA/RETAB, ERETAA/ERETAB */
		out->reads |= 1ull << 30 | 1ull << 31;
		out->ctx_sync = opc == 4;
	} else {
		out->reads |= reg_field(w >> 5) | reg_field(w);
		if (opc & 1) /* BLRA*: the link register */
			out->writes |= 1ull << 30;
	}
	return true;
}

void a64_decode_mem_order(const uint8_t *bytes, unsigned len, struct mem_order *out)
{
	uint32_t w = le32(bytes);

	(void)len;
	memset(out, 0, sizeof(*out));
	registers(bytes, out);
	fix_sources(w, out);
	if ((w & 0xfffff0ffu) == 0xd50330bfu || (w & 0xfffff0ffu) == 0xd503309fu) {
		barrier(w, out); /* DMB, DSB */
	} else if ((w & 0xfffff3ffu) == 0xd503323fu) {
		out->fence_pred = out->fence_succ = MEM_R | MEM_W; /* DSB <domain>nXS: full */
	} else if ((w & 0x3f200c00u) == 0x19000000u) {
		/* STLUR*, LDAPUR* (RCpc, unscaled offset), which Capstone 4 does not decode:
		 * opc bits 23:22 00 a store-release, else a load-acquire RCpc; Rn bits 9:5 */
		bool store = ((w >> 22) & 3) == 0;

		out->reads |= reg_field(w >> 5) | (store ? reg_field(w) : 0);
		out->writes |= store ? 0 : reg_field(w);
		out->release = store;
		out->acquire_pc = !store;
	} else if (w == 0xd5033fdfu || w == 0xd69f03e0u) {
		out->ctx_sync = true; /* ISB, ERET */
	} else if ((w & 0x3f000000u) == 0x08000000u) {
		/* load/store exclusive, load-acquire / store-release, CAS: L bit 22, o0 bit 15 */
		bool load = w >> 22 & 1, ordered = w >> 15 & 1, o2 = w >> 23 & 1, o1 = w >> 21 & 1;
		bool casp = !o2 && o1 && !(w >> 31 & 1); /* CASP: size 0x; LDXP/STXP are 1x */

		if ((o2 && o1) || casp) { /* CAS{A}{L}, CASP{A}{L}: A is bit 22, L bit 15 */
			fields_rmw(w, out);
			out->atomic = true;
			out->acquire = load;
			out->release = ordered;
		} else {
			out->atomic = !o2; /* the exclusives; LDAR/STLR are plain accesses */
			out->acquire = load && ordered;
			out->release = !load && ordered;
		}
	} else if ((w & 0x3f200c00u) == 0x38200000u) {
		/* LSE atomics and LDAPR: A bit 23, R bit 22, o3 bit 15, opc bits 14:12 */
		fields_rmw(w, out);
		if ((w >> 15 & 1) && ((w >> 12) & 7) == 4) {
			out->acquire_pc = true; /* LDAPR */
		} else {
			out->atomic = true;
			out->acquire = w >> 23 & 1;
			out->release = w >> 22 & 1;
		}
	}
	if ((w & 0xff9ffc1fu) == 0xd61f0000u)   /* BR, BLR, RET: Rn (Capstone 4 omits RET's x30) */
		out->reads |= reg_field(w >> 5);
	out->branch = pac_branch(w, out) ||
		      (w & 0xff000010u) == 0x54000000u ||   /* B.cond */
		      (w & 0x7e000000u) == 0x34000000u ||   /* CBZ, CBNZ */
		      (w & 0x7e000000u) == 0x36000000u ||   /* TBZ, TBNZ */
		      (w & 0xff9ffc1fu) == 0xd61f0000u;     /* BR, BLR, RET */
	if (out->branch && (w & 0xff000010u) == 0x54000000u)
		out->reads |= 1ull << A64_NZCV;
}
