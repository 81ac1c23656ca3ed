/*
 * test_riscv.c - the riscv64 arch: encoders (models/riscv/insn_riscv64.h) against llvm-mc,
 * the arch model (register file, special instructions, CMODX classes, site layouts), the LLVM
 * disassembly of traces, the three built guest images (sites, the guest patcher's writes, the
 * machine's handling of ecall / ebreak / fence.i), and every riscv64 scenario decided as its
 * file expects, with each failure replaying to the same failure.
 *
 * Expected words were produced by llvm-mc-14 -triple=riscv64 [-mattr=+c] -show-encoding.
 */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "arch.h"
#include "explorer.h"
#include "guest_abi.h"
#include "machine.h"
#include "riscv/guest/pt_regs.h"
#include "riscv/insn_riscv64.h"
#include "../patcher/patch_errno.h"
#include "test_support.h"

/* Words from llvm-mc-14. */
#define W_NOP4            0x00000013u /* nop (without +c) */
#define W_C_NOP           0x0001u     /* nop (with +c) */
#define W_AUIPC_T0_0      0x00000297u /* auipc t0, 0 */
#define W_AUIPC_RA_1      0x00001097u /* auipc ra, 1 */
#define W_AUIPC_T0_FFFFF  0xfffff297u /* auipc t0, 1048575 */
#define W_JALR_T0_16      0x010282e7u /* jalr t0, 16(t0) */
#define W_JALR_T0_M2048   0x800282e7u /* jalr t0, -2048(t0) */
#define W_JALR_T0_2047    0x7ff282e7u /* jalr t0, 2047(t0) */
#define W_JALR_RA_16      0x010080e7u /* jalr ra, 16(ra) */
#define W_JALR_RA_M4      0xffc080e7u /* jalr ra, -4(ra) */
#define W_SD_RA_M8_SP     0xfe113c23u /* sd ra, -8(sp) */
#define W_LD_RA_M8_SP     0xff813083u /* ld ra, -8(sp) */
#define W_FENCE_I         0x0000100fu
#define W_FENCE           0x0ff0000fu /* fence (iorw, iorw) */
#define W_FENCE_RW_RW     0x0330000fu
#define W_EBREAK          0x00100073u /* ebreak (without +c) */
#define W_C_EBREAK        0x9002u     /* ebreak (with +c) */
#define W_ECALL           0x00000073u
#define W_WFI             0x10500073u
#define W_JAL_RA_64       0x040000efu /* jal 64 */
#define W_JAL_RA_M64      0xfc1ff0efu /* jal -64 */
#define W_JR_T0           0x00028067u /* jalr zero, 0(t0) */
#define W_SW_A1_A0        0x00b52023u /* sw a1, 0(a0) */

static const struct arch_model *rv(void)
{
	const struct arch_model *a = arch_model_find("riscv64");

	ck_assert_ptr_nonnull(a);
	return a;
}

static void le(uint32_t w, uint8_t *b)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(w >> (8 * i));
}

/* ---- encoders ---- */

START_TEST(test_encoders)
{
	ck_assert_uint_eq(RV_NOP4, W_NOP4);
	ck_assert_uint_eq(RV_C_NOP, W_C_NOP);
	ck_assert_uint_eq(RV_C_NOP_PAIR, W_C_NOP | W_C_NOP << 16);
	ck_assert_uint_eq(RV_FENCE_I, W_FENCE_I);
	ck_assert_uint_eq(RV_FENCE, W_FENCE);
	ck_assert_uint_eq(RV_EBREAK, W_EBREAK);
	ck_assert_uint_eq(RV_C_EBREAK, W_C_EBREAK);
	ck_assert_uint_eq(RV_ECALL, W_ECALL);
	ck_assert_uint_eq(RV_WFI, W_WFI);
	ck_assert_uint_eq(RV_SD_RA_M8_SP, W_SD_RA_M8_SP);
	ck_assert_uint_eq(RV_LD_RA_M8_SP, W_LD_RA_M8_SP);

	ck_assert_uint_eq(rv_encode_auipc(RV_T0, 0), W_AUIPC_T0_0);
	ck_assert_uint_eq(rv_encode_auipc(RV_RA, 1), W_AUIPC_RA_1);
	ck_assert_uint_eq(rv_encode_auipc(RV_T0, 0xfffff), W_AUIPC_T0_FFFFF);
	ck_assert_uint_eq(rv_encode_jalr(RV_T0, RV_T0, 16), W_JALR_T0_16);
	ck_assert_uint_eq(rv_encode_jalr(RV_T0, RV_T0, -2048), W_JALR_T0_M2048);
	ck_assert_uint_eq(rv_encode_jalr(RV_T0, RV_T0, 2047), W_JALR_T0_2047);
	ck_assert_uint_eq(rv_encode_jalr(RV_RA, RV_RA, 16), W_JALR_RA_16);
	ck_assert_uint_eq(rv_encode_jalr(RV_RA, RV_RA, -4), W_JALR_RA_M4);
	ck_assert_uint_eq(rv_encode_jalr(RV_ZERO, RV_T0, 0), W_JR_T0);
	ck_assert_uint_eq(rv_encode_jal(RV_RA, 64), W_JAL_RA_64);
	ck_assert_uint_eq(rv_encode_jal(RV_RA, -64), W_JAL_RA_M64);
	ck_assert_uint_eq(rv()->encode_bl(0x100000, 0x100040), W_JAL_RA_64);
	ck_assert_uint_eq(rv()->encode_bl(0x100040, 0x100000), W_JAL_RA_M64);
	ck_assert_uint_eq(rv()->encode_bl(0x100000, 0x300000), 0); /* beyond +-1 MiB */
	ck_assert_uint_eq(rv()->encode_nop(), W_NOP4);

	/* decoders */
	ck_assert(rv_is_auipc(W_AUIPC_T0_FFFFF) && rv_rd(W_AUIPC_T0_FFFFF) == RV_T0);
	ck_assert_int_eq(rv_auipc_offset(W_AUIPC_T0_FFFFF), -4096);
	ck_assert_int_eq(rv_auipc_offset(W_AUIPC_RA_1), 4096);
	ck_assert(rv_is_jalr(W_JALR_T0_M2048) && rv_rs1(W_JALR_T0_M2048) == RV_T0);
	ck_assert_int_eq(rv_jalr_offset(W_JALR_T0_M2048), -2048);
	ck_assert_int_eq(rv_jalr_offset(W_JALR_T0_2047), 2047);
	ck_assert(!rv_is_jalr(W_AUIPC_T0_0) && !rv_is_auipc(W_JALR_T0_16));
	ck_assert(rv_is_fence_i(W_FENCE_I) && !rv_is_fence(W_FENCE_I));
	ck_assert(rv_is_fence(W_FENCE) && rv_is_fence(W_FENCE_RW_RW) && !rv_is_fence_i(W_FENCE));
}
END_TEST

/* auipc + jalr reach exactly off, for offsets around every rounding boundary and the ends. */
START_TEST(test_call_pair_roundtrip)
{
	static const long long offs[] = {
		0, 4, -4, 16, 0x7fe, 0x7ff, 0x800, 0x801, -0x800, -0x801, 0xfff, 0x1000, 0x1800,
		-0x1800, 0x12345678, -0x12345678, 0x7ffff7fe, -0x80000000ll, -0x80000800ll,
	};

	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		unsigned hi;
		int lo;

		ck_assert_msg(rv_split_offset(offs[i], &hi, &lo) == 0, "offset %lld", offs[i]);
		ck_assert(lo >= -2048 && lo <= 2047);
		rv_insn a = rv_encode_auipc(RV_T0, hi), j = rv_encode_jalr(RV_T0, RV_T0, lo);
		ck_assert_int_eq(rv_auipc_offset(a) + rv_jalr_offset(j), offs[i]);
	}
	unsigned hi;
	int lo;
	ck_assert_int_eq(rv_split_offset(0x7ffff800ll, &hi, &lo), -1);
	ck_assert_int_eq(rv_split_offset(-0x80000801ll, &hi, &lo), -1);
}
END_TEST

/* ---- the arch model ---- */

START_TEST(test_register_file)
{
	const struct arch_model *a = rv();

	ck_assert_str_eq(a->name, "riscv64");
	ck_assert_uint_eq(a->nregs, 33);
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(a->reg_ids[i], UC_RISCV_REG_X0 + i);
	ck_assert_int_eq(a->reg_pc, 32);
	ck_assert_int_eq(a->reg_ids[32], UC_RISCV_REG_PC);
	ck_assert_int_eq(a->reg_lr, 1);
	ck_assert_int_eq(a->reg_sp, 2);
	ck_assert_int_eq(a->reg_ret, 10);
	ck_assert_uint_eq(a->narg_regs, 8);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(a->arg_regs[i], 10 + i);
	ck_assert_uint_eq(a->scratch_mask, (1ull << 5) | (1ull << 6) | (1ull << 7) | (0xfull << 28));
	ck_assert_uint_eq(a->stack_align, 16);
	ck_assert_uint_eq(a->word_size, 8);
	ck_assert_uint_eq(a->insn_align, 2);
	ck_assert_uint_eq(a->hart_id_reg_id, UC_RISCV_REG_TP);
	ck_assert_int_eq(arch_reg_index(a, "a0"), 10);
	ck_assert_int_eq(arch_reg_index(a, "t0"), 5);
	ck_assert_int_eq(arch_reg_index(a, "s11"), 27);
	ck_assert_int_eq(arch_reg_index(a, "t6"), 31);
	ck_assert_int_eq(arch_reg_index(a, "pc"), 32);
	/* the pc_record holds regs[i] = xi */
	ck_assert_uint_eq(PC_RECORD_REGS, 32);
}
END_TEST

static struct special_insn decode(uint32_t word)
{
	uint8_t b[4];
	struct special_insn s;

	le(word, b);
	rv()->decode_special(b, &s);
	return s;
}

START_TEST(test_decode_special)
{
	static const struct {
		uint32_t word;
		enum special_kind kind;
		unsigned len;
	} cases[] = {
		{W_FENCE_I, SPECIAL_ISB, 4},
		{W_FENCE, SPECIAL_BARRIER, 4},
		{W_FENCE_RW_RW, SPECIAL_BARRIER, 4},
		{W_EBREAK, SPECIAL_BREAKPOINT, 4},
		{W_C_EBREAK, SPECIAL_BREAKPOINT, 2},
		{W_C_EBREAK | 0x00010000u, SPECIAL_BREAKPOINT, 2}, /* c.ebreak; c.nop */
		{W_WFI, SPECIAL_HINT, 4},
		{W_ECALL, SPECIAL_ENV_CALL, 4},
		{W_NOP4, SPECIAL_NONE, 4},
		{W_C_NOP, SPECIAL_NONE, 2},
		{RV_C_NOP_PAIR, SPECIAL_NONE, 2},
		{W_AUIPC_T0_0, SPECIAL_NONE, 4},
		{W_JALR_T0_16, SPECIAL_NONE, 4},
		{0x0000100fu | 0x00ff0000u, SPECIAL_ISB, 4}, /* fence.i ignores its imm/rs1/rd */
		{0x0000900fu, SPECIAL_ISB, 4},               /* fence.i with rs1 = ra */
		{0x0000200fu, SPECIAL_NONE, 4},              /* MISC-MEM funct3 2 (Zicbom cbo.*) */
		{0x00009002u & 0xffffu, SPECIAL_BREAKPOINT, 2},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct special_insn s = decode(cases[i].word);

		ck_assert_msg(s.kind == cases[i].kind, "%08x: kind %d, expected %d", cases[i].word,
			      s.kind, cases[i].kind);
		ck_assert_msg(s.len == cases[i].len, "%08x: len %u", cases[i].word, s.len);
		ck_assert_int_eq(s.addr_reg, -1);
	}
	uint8_t b[4];
	le(W_C_NOP | W_NOP4 << 16, b);
	ck_assert_uint_eq(rv()->insn_length(b), 2);
	le(W_NOP4, b);
	ck_assert_uint_eq(rv()->insn_length(b), 4);
	le(W_C_EBREAK, b);
	ck_assert_uint_eq(rv()->insn_length(b), 2);
}
END_TEST

/* LR opens an exclusive section and SC closes it; other AMOs are single accesses. */
START_TEST(test_decode_exclusive)
{
	static const struct {
		uint32_t word;
		enum exclusive_role role;
	} cases[] = {
		{0x1005a52fu, EXCL_OPEN},  /* lr.w a0, (a1) */
		{0x160632afu, EXCL_OPEN},  /* lr.d.aqrl t0, (a2) */
		{0x18c5a52fu, EXCL_CLOSE}, /* sc.w a0, a2, (a1) */
		{0x1a76b32fu, EXCL_CLOSE}, /* sc.d.rl t1, t2, (a3) */
		{0x00b6252fu, EXCL_NONE},  /* amoadd.w a0, a1, (a2) */
		{0x0cb6352fu, EXCL_NONE},  /* amoswap.d.aq a0, a1, (a2) */
		{W_FENCE, EXCL_NONE},
		{W_C_NOP, EXCL_NONE},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct special_insn s = decode(cases[i].word);

		ck_assert_msg(s.exclusive == cases[i].role, "%08x: exclusive %d, expected %d",
			      cases[i].word, s.exclusive, cases[i].role);
	}
}
END_TEST

/* The data model's view of RV64GC words (llvm-mc -mattr=+a,+c): FENCE sets, aq/rl, exact
 * registers of the base and compressed formats. */
static struct mem_order rv_order(const uint8_t *b, unsigned len)
{
	struct mem_order o;

	rv()->decode_mem_order(b, len, &o);
	return o;
}

#define RV_X(n) (1ull << (n))

START_TEST(test_decode_mem_order)
{
	static const uint8_t fence_ww[] = {0x0f, 0x00, 0x10, 0x01}, fence_rr[] = {0x0f, 0x00, 0x20, 0x02},
			     fence_r_rw[] = {0x0f, 0x00, 0x30, 0x02}, tso[] = {0x0f, 0x00, 0x30, 0x83},
			     swap_rl[] = {0x2f, 0x30, 0x56, 0x0a}, add_aq[] = {0x2f, 0x35, 0x06, 0x04},
			     sd[] = {0x23, 0xb0, 0x55, 0x00}, c_ld[] = {0x14, 0x67},
			     c_sd[] = {0x14, 0xe7}, c_ldsp[] = {0x42, 0x65}, c_add[] = {0x2e, 0x95},
			     c_jalr[] = {0x02, 0x95}, c_beqz[] = {0x01, 0xc1},
			     csrr[] = {0x73, 0x25, 0x00, 0x10}, c_fld[] = {0x88, 0x25},
			     fmv_x_d[] = {0x53, 0x85, 0x05, 0xe2};
	struct mem_order o;

	o = rv_order(fence_ww, 4);
	ck_assert_uint_eq(o.fence_pred, MEM_W);
	ck_assert_uint_eq(o.fence_succ, MEM_W);
	o = rv_order(fence_rr, 4);
	ck_assert_uint_eq(o.fence_pred, MEM_R);
	ck_assert_uint_eq(o.fence_succ, MEM_R);
	o = rv_order(fence_r_rw, 4);
	ck_assert_uint_eq(o.fence_pred, MEM_R);
	ck_assert_uint_eq(o.fence_succ, MEM_R | MEM_W);
	ck_assert(!o.fence_tso);
	ck_assert(rv_order(tso, 4).fence_tso);
	o = rv_order(swap_rl, 4); /* amoswap.d.rl zero, t0, (a2) */
	ck_assert(o.atomic && o.release && !o.acquire);
	ck_assert_uint_eq(o.reads, RV_X(12) | RV_X(5));
	ck_assert_uint_eq(o.writes, 0);
	o = rv_order(add_aq, 4); /* amoadd.d.aq a0, zero, (a2) */
	ck_assert(o.atomic && o.acquire && !o.release);
	ck_assert_uint_eq(o.writes, RV_X(10));
	o = rv_order(sd, 4); /* sd t0, 0(a1) */
	ck_assert_uint_eq(o.reads, RV_X(11) | RV_X(5));
	ck_assert(o.exact && !o.atomic);
	o = rv_order(c_ld, 2); /* c.ld a3, 8(a4) */
	ck_assert_uint_eq(o.reads, RV_X(14));
	ck_assert_uint_eq(o.writes, RV_X(13));
	o = rv_order(c_sd, 2); /* c.sd a3, 8(a4) */
	ck_assert_uint_eq(o.reads, RV_X(14) | RV_X(13));
	ck_assert_uint_eq(o.writes, 0);
	o = rv_order(c_ldsp, 2); /* c.ldsp a0, 16(sp) */
	ck_assert_uint_eq(o.reads, RV_X(2));
	ck_assert_uint_eq(o.writes, RV_X(10));
	o = rv_order(c_add, 2); /* c.add a0, a1 */
	ck_assert_uint_eq(o.reads, RV_X(10) | RV_X(11));
	ck_assert_uint_eq(o.writes, RV_X(10));
	o = rv_order(c_jalr, 2); /* c.jalr a0 */
	ck_assert(o.branch);
	ck_assert_uint_eq(o.reads, RV_X(10));
	ck_assert_uint_eq(o.writes, RV_X(1));
	o = rv_order(c_beqz, 2); /* c.beqz a0 */
	ck_assert(o.branch);
	ck_assert_uint_eq(o.reads, RV_X(10));
	o = rv_order(csrr, 4); /* csrr a0, sstatus */
	ck_assert_uint_eq(o.reads, 0);
	ck_assert_uint_eq(o.writes, RV_X(10));
	o = rv_order(c_fld, 2); /* c.fld fa0, 8(a1): f10 is bit 42 */
	ck_assert_uint_eq(o.reads, RV_X(11));
	ck_assert_uint_eq(o.writes, RV_X(42));
	o = rv_order(fmv_x_d, 4); /* fmv.x.d a0, fa1: carries fa1's view to a0 */
	ck_assert(o.reads & RV_X(43));
	ck_assert(o.writes & RV_X(10));
	ck_assert(!o.exact);
}
END_TEST

/* Where control goes (register liveness, explorer/liveness.c), encodings from llvm-mc. */
static struct insn_flow rv_flow(uint32_t w, unsigned len, uint64_t pc)
{
	uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
	struct insn_flow f;

	rv()->decode_flow(b, len, pc, &f);
	return f;
}

START_TEST(test_decode_flow)
{
	struct insn_flow f;

	f = rv_flow(0x010000efu, 4, 0x1000); /* jal ra, 16 */
	ck_assert(f.kind == FLOW_CALL && f.has_target && f.target == 0x1010);
	ck_assert_int_eq(rv_flow(0x00008067u, 4, 0).kind, FLOW_RETURN); /* jalr zero, 0(ra) */
	ck_assert_int_eq(rv_flow(0x8082u, 2, 0).kind, FLOW_RETURN);       /* c.ret */
	ck_assert_int_eq(rv_flow(0x8282u, 2, 0).kind, FLOW_JUMP);         /* c.jr t0 */
	ck_assert(!rv_flow(0x8282u, 2, 0).has_target);
	ck_assert_int_eq(rv_flow(0x9682u, 2, 0).kind, FLOW_CALL);         /* c.jalr a3 */
	f = rv_flow(0xfeb50ce3u, 4, 0x1000); /* beq a0, a1, -8 */
	ck_assert(f.kind == FLOW_COND && f.target == 0x0ff8);
	f = rv_flow(0xa005u, 2, 0x1000); /* c.j 32 */
	ck_assert(f.kind == FLOW_JUMP && f.target == 0x1020);
	f = rv_flow(0xc511u, 2, 0x1000); /* c.beqz a0, 12 */
	ck_assert(f.kind == FLOW_COND && f.target == 0x100c);
	ck_assert_int_eq(rv_flow(0x00000073u, 4, 0).kind, FLOW_OTHER);     /* ecall */
	ck_assert_int_eq(rv_flow(0x14102573u, 4, 0).kind, FLOW_NEXT);      /* csrr a0, sepc */
	ck_assert(rv()->reads_exception_regs((const uint8_t[]){0x73, 0x25, 0x10, 0x14}, 4));
	/* c.sdsp ra, 88(sp) reads ra, a register no state leaves out: the check still sees it */
	ck_assert(machine_reg_access_holds(rv(), (const uint8_t[]){0x86, 0xec}, 2, RV_X(1) | RV_X(2),
					   0));
	ck_assert(!machine_reg_access_holds(rv(), (const uint8_t[]){0x86, 0xec}, 2, RV_X(2), 0));
}
END_TEST

START_TEST(test_cmodx)
{
	static const uint32_t safe[] = {W_NOP4, W_AUIPC_T0_0, W_JALR_T0_16, W_SD_RA_M8_SP,
					W_LD_RA_M8_SP, W_EBREAK, W_JAL_RA_64};
	static const uint32_t other[] = {RV_C_NOP_PAIR, W_C_EBREAK | W_C_NOP << 16,
					 W_C_NOP | W_NOP4 << 16};

	for (unsigned i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		ck_assert_msg(rv()->cmodx_classify(safe[i]) == CMODX_SAFE, "%08x", safe[i]);
	for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		ck_assert_msg(rv()->cmodx_classify(other[i]) == CMODX_OTHER, "%08x", other[i]);
	ck_assert_ptr_nonnull(strstr(rv()->cmodx_set, "Ziccif"));
}
END_TEST

/* A synthetic text for find_sites: functions at fixed addresses, words chosen per test. */
#define FT 0x200000ull
struct fake_text {
	uint8_t bytes[0x200];
	const uint64_t *funcs;
	unsigned nfuncs;
};

static bool fake_func_at(void *ud, uint64_t addr, uint64_t *func)
{
	const struct fake_text *t = ud;
	uint64_t best = 0;

	for (unsigned i = 0; i < t->nfuncs; i++)
		if (t->funcs[i] <= addr && t->funcs[i] >= best)
			best = t->funcs[i];
	if (!best)
		return false;
	*func = best;
	return true;
}

static void put16(struct fake_text *t, uint64_t addr, unsigned n, uint16_t h)
{
	for (unsigned i = 0; i < n; i++) {
		t->bytes[addr - FT + 2 * i] = (uint8_t)h;
		t->bytes[addr - FT + 2 * i + 1] = (uint8_t)(h >> 8);
	}
}

static size_t fake_sites(struct fake_text *t, uint64_t record, struct site_layout *out)
{
	struct site_source src = {
		.text = t->bytes, .text_begin = FT, .text_end = FT + sizeof(t->bytes),
		.records = &record, .nrecords = 1, .ud = t, .func_at = fake_func_at,
	};

	return rv()->find_sites(&src, out, 4);
}

START_TEST(test_site_layouts_synthetic)
{
	static const uint64_t funcs[] = {FT + 0x20, FT + 0x60, FT + 0xa0, FT + 0xe2, FT + 0x124};
	struct fake_text t = {.funcs = funcs, .nfuncs = 5};
	struct site_layout s[4];

	put16(&t, FT, sizeof(t.bytes) / 2, 0x0586); /* c.slli a1, 1: no pad */
	/* =8: 16 bytes of c.nop at the symbol: the 16-byte detour */
	put16(&t, FT + 0x20, 8, W_C_NOP);
	ck_assert_uint_eq(fake_sites(&t, FT + 0x20, s), 1);
	ck_assert_uint_eq(s[0].func, FT + 0x20);
	ck_assert_uint_eq(s[0].start, FT + 0x20);
	ck_assert_uint_eq(s[0].body, FT + 0x30);
	ck_assert_uint_eq(s[0].bl, FT + 0x20);
	ck_assert_uint_eq(s[0].literal, 0);
	/* =4: 8 bytes: the t0 detour */
	put16(&t, FT + 0x60, 4, W_C_NOP);
	ck_assert_uint_eq(fake_sites(&t, FT + 0x60, s), 1);
	ck_assert_uint_eq(s[0].body, FT + 0x68);
	ck_assert_uint_eq(s[0].bl, FT + 0x60);
	/* =8,4: 8 bytes before (8-aligned literal), 8 at the symbol: CALL_OPS */
	put16(&t, FT + 0x98, 8, W_C_NOP);
	ck_assert_uint_eq(fake_sites(&t, FT + 0x98, s), 1);
	ck_assert_uint_eq(s[0].func, FT + 0xa0);
	ck_assert_uint_eq(s[0].start, FT + 0xa0);
	ck_assert_uint_eq(s[0].bl, FT + 0xa4);
	ck_assert_uint_eq(s[0].body, FT + 0xa8);
	ck_assert_uint_eq(s[0].literal, FT + 0x98);
	/* the same after ftrace_init_nop: 4-byte NOPs count as pads too */
	for (unsigned i = 0; i < 2; i++) {
		put16(&t, FT + 0xa0 + 4 * i, 1, (uint16_t)W_NOP4);
		put16(&t, FT + 0xa2 + 4 * i, 1, 0);
	}
	ck_assert_uint_eq(fake_sites(&t, FT + 0x98, s), 1);
	ck_assert_uint_eq(s[0].body, FT + 0xa8);
	/* a function that is not 4-byte aligned has no site */
	put16(&t, FT + 0xe2, 4, W_C_NOP);
	ck_assert_uint_eq(fake_sites(&t, FT + 0xe2, s), 0);
	/* a record whose bytes are no pads is no site */
	ck_assert_uint_eq(fake_sites(&t, FT + 0x124, s), 0);
}
END_TEST

START_TEST(test_pt_regs_layout)
{
	ck_assert_uint_eq(offsetof(struct pt_regs, epc), 0);
	ck_assert_uint_eq(offsetof(struct pt_regs, ra), 8);
	ck_assert_uint_eq(offsetof(struct pt_regs, sp), 16);
	ck_assert_uint_eq(offsetof(struct pt_regs, t0), 40);
	ck_assert_uint_eq(offsetof(struct pt_regs, t1), 48);
	ck_assert_uint_eq(offsetof(struct pt_regs, a0), 80);
	ck_assert_uint_eq(offsetof(struct pt_regs, a7), 136);
	ck_assert_uint_eq(offsetof(struct pt_regs, s11), 216);
	ck_assert_uint_eq(offsetof(struct pt_regs, t6), 248);
	ck_assert_uint_eq(sizeof(struct pt_regs), PT_SIZE);
	ck_assert_uint_eq(FTRACE_FRAME_SIZE % 16, 0);
	ck_assert_uint_eq(S_PARENT_SLOT, FTRACE_FRAME_SIZE - 8);
	ck_assert_uint_eq(sizeof(struct pc_record), PC_RECORD_SIZE);
}
END_TEST

/* ---- disassembly (LLVM: Capstone 4 has no RISC-V) ---- */

START_TEST(test_disasm_llvm)
{
	static const struct {
		uint32_t word;
		unsigned len;
		const char *text;
	} cases[] = {
		{W_NOP4, 4, "nop"},
		{W_C_NOP, 2, "nop"},
		{W_AUIPC_T0_0, 4, "auipc t0, 0"},
		{W_JALR_T0_16, 4, "jalr t0, 16(t0)"},
		{W_JALR_RA_M4, 4, "jalr -4(ra)"},
		{W_SD_RA_M8_SP, 4, "sd ra, -8(sp)"},
		{W_LD_RA_M8_SP, 4, "ld ra, -8(sp)"},
		{W_FENCE_I, 4, "fence.i"},
		{W_EBREAK, 4, "ebreak"},
		{W_C_EBREAK, 2, "ebreak"},
		{W_ECALL, 4, "ecall"},
		{W_JR_T0, 4, "jr t0"},
		{W_SW_A1_A0, 4, "sw a1, 0(a0)"},
	};
	struct disasm *d = disasm_open(rv());
	uint8_t b[4];

	ck_assert_ptr_nonnull(d);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		le(cases[i].word, b);
		const char *t = disasm_text(d, 0x100000, b, cases[i].len);
		ck_assert_msg(strcmp(t, cases[i].text) == 0, "%08x/%u: '%s', expected '%s'",
			      cases[i].word, cases[i].len, t, cases[i].text);
		/* cached: the same text again */
		ck_assert_str_eq(disasm_text(d, 0x100000, b, cases[i].len), cases[i].text);
	}
	/* a word no decoder knows stays a raw word */
	le(0xffffffffu, b);
	ck_assert_str_eq(disasm_text(d, 0x100000, b, 4), ".word 0xffffffff");
	disasm_close(d);
}
END_TEST

/* ---- the built guest images ---- */

struct guest {
	struct image *img;
	struct machine *m;
};

static void guest_open_fetch(struct guest *g, const char *name, unsigned nharts,
			     enum fetch_model fetch)
{
	char err[512];

	g->img = load_guest_image("riscv64", name, rv());
	g->m = machine_open(rv(), g->img, nharts, fetch, err, sizeof(err));
	ck_assert_msg(g->m != NULL, "%s", err);
}

static void guest_open(struct guest *g, const char *name, unsigned nharts)
{
	guest_open_fetch(g, name, nharts, FETCH_COHERENT);
}

static void guest_close(struct guest *g)
{
	machine_close(g->m);
	image_free(g->img);
}

static uint64_t sym(const struct guest *g, const char *name)
{
	return symbol_address(g->img, name);
}

/* Run name(args) on hart h to completion; the step status that ended it, result in *ret. */
static enum step_status call(struct guest *g, unsigned h, const char *name, uint64_t *ret,
			     struct step_info *last, unsigned nargs, ...)
{
	uint64_t args[8];
	struct step_info info;
	va_list ap;

	va_start(ap, nargs);
	for (unsigned i = 0; i < nargs && i < 8; i++)
		args[i] = va_arg(ap, uint64_t);
	va_end(ap);
	machine_call_begin(g->m, h, sym(g, name), args, nargs);
	for (unsigned n = 0; n < 100000; n++) {
		enum step_status s = machine_step(g->m, h, &info);

		if (s != STEP_OK) {
			if (last)
				*last = info;
			if (ret)
				*ret = machine_reg(g->m, h, 10);
			return s;
		}
	}
	ck_abort_msg("%s did not return", name);
	return STEP_FAULT;
}

/* A patcher call on hart 0: its int result. */
static int32_t patch_op(struct guest *g, const char *name, unsigned nargs, uint64_t a,
			uint64_t b, uint64_t c)
{
	uint64_t r = 0;

	ck_assert_int_eq(call(g, 0, name, &r, NULL, nargs, a, b, c), STEP_RETURNED);
	return (int32_t)r;
}

static uint32_t word_at(struct guest *g, uint64_t addr)
{
	uint32_t w = 0;

	ck_assert(machine_read_u32(g->m, addr, &w));
	return w;
}

/* Where the auipc/jalr pair at addr jumps to. */
static uint64_t call_pair_target(struct guest *g, uint64_t addr)
{
	uint32_t au = word_at(g, addr), j = word_at(g, addr + 4);

	return addr + (uint64_t)(rv_auipc_offset(au) + rv_jalr_offset(j));
}

static size_t find_image_sites(struct guest *g, struct site_layout *out, size_t max)
{
	struct site_source src = {
		.text_begin = image_text_begin(g->img),
		.text_end = image_text_end(g->img),
		.ud = g->img,
		.func_at = image_func_at,
	};

	src.nrecords = image_patch_records(g->img, &src.records);
	src.text = machine_ram(g->m, src.text_begin, (size_t)(src.text_end - src.text_begin));
	ck_assert_ptr_nonnull(src.text);
	return rv()->find_sites(&src, out, max);
}

static const struct site_layout *site_of(const struct site_layout *s, size_t n, uint64_t func)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].func == func)
			return &s[i];
	ck_abort_msg("no site for 0x%llx", (unsigned long long)func);
	return NULL;
}

START_TEST(test_image_sites)
{
	static const struct {
		const char *image;
		unsigned size, bl_off, align;
		bool literal;
	} images[] = {
		{"ftrace16", 16, 0, 4, false},
		{"ftrace8", 8, 0, 4, false},
		{"ftrace_ops", 8, 4, 8, true},
	};
	static const char *const traced[] = {"traced_leaf", "traced_one", "traced_add3",
					     "traced_mix", "traced_outer", "traced_saved",
					     "traced_make_quad", "traced_quad_sum"};

	for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		struct guest g;
		struct site_layout s[16];
		const uint64_t *recs;

		guest_open(&g, images[i].image, 1);
		size_t n = find_image_sites(&g, s, 16);
		ck_assert_uint_eq(n, image_patch_records(g.img, &recs));
		ck_assert_uint_eq(n, sizeof(traced) / sizeof(traced[0]));
		for (unsigned k = 0; k < sizeof(traced) / sizeof(traced[0]); k++) {
			uint64_t f = sym(&g, traced[k]);
			const struct site_layout *l = site_of(s, n, f);

			ck_assert_uint_eq(f % images[i].align, 0);
			ck_assert_uint_eq(l->start, f);
			ck_assert_uint_eq(l->body, f + images[i].size);
			ck_assert_uint_eq(l->bl, f + images[i].bl_off);
			ck_assert_uint_eq(l->literal, images[i].literal ? f - 8 : 0);
			/* the compiler's pads: c.nops at (and for CALL_OPS before) the entry */
			for (uint64_t a = images[i].literal ? f - 8 : f; a < l->body; a += 4)
				ck_assert_uint_eq(word_at(&g, a), RV_C_NOP_PAIR);
		}
		guest_close(&g);
	}
}
END_TEST

/* The guest patcher's writes, word by word, for each design. */
START_TEST(test_patcher_detour16)
{
	struct guest g;

	guest_open(&g, "ftrace16", 1);
	uint64_t f = sym(&g, "traced_add3"), tr = sym(&g, "ftrace_caller");
	uint64_t rtr = sym(&g, "ftrace_regs_caller");

	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), -EINVAL); /* not initialised */
	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(word_at(&g, f + 4 * i), RV_NOP4);
	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), -EINVAL); /* twice */
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), 0);
	ck_assert_uint_eq(word_at(&g, f), W_SD_RA_M8_SP);
	uint32_t au = word_at(&g, f + 4), j = word_at(&g, f + 8);
	ck_assert(rv_is_auipc(au) && rv_rd(au) == RV_RA);
	ck_assert(rv_is_jalr(j) && rv_rd(j) == RV_RA && rv_rs1(j) == RV_RA);
	ck_assert_uint_eq(call_pair_target(&g, f + 4), tr);
	ck_assert_uint_eq(word_at(&g, f + 12), W_LD_RA_M8_SP);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), -EINVAL); /* already on */
	ck_assert_int_eq(patch_op(&g, "ftrace_modify_call", 3, f, tr, rtr), 0);
	ck_assert_uint_eq(call_pair_target(&g, f + 4), rtr);
	ck_assert_uint_eq(word_at(&g, f), W_SD_RA_M8_SP);
	ck_assert_uint_eq(word_at(&g, f + 12), W_LD_RA_M8_SP);
	ck_assert_int_eq(patch_op(&g, "ftrace_modify_call", 3, f, rtr, tr), 0);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_nop", 2, f, rtr, 0), -EINVAL); /* wrong old */
	ck_assert_int_eq(patch_op(&g, "ftrace_make_nop", 2, f, tr, 0), 0);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(word_at(&g, f + 4 * i), RV_NOP4);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f + 2, tr, 0), -EINVAL); /* misaligned */
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, 0x10, tr, 0), -EFAULT); /* not text */
	guest_close(&g);
}
END_TEST

START_TEST(test_patcher_detour8)
{
	struct guest g;

	guest_open(&g, "ftrace8", 1);
	uint64_t f = sym(&g, "traced_one"), tr = sym(&g, "ftrace_caller");
	uint64_t rtr = sym(&g, "ftrace_regs_caller");

	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	ck_assert_uint_eq(word_at(&g, f), RV_NOP4);
	ck_assert_uint_eq(word_at(&g, f + 4), RV_NOP4);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), 0);
	uint32_t au = word_at(&g, f), j = word_at(&g, f + 4);
	ck_assert(rv_is_auipc(au) && rv_rd(au) == RV_T0);
	ck_assert(rv_is_jalr(j) && rv_rd(j) == RV_T0 && rv_rs1(j) == RV_T0);
	ck_assert_uint_eq(call_pair_target(&g, f), tr);
	ck_assert_int_eq(patch_op(&g, "ftrace_modify_call", 3, f, tr, rtr), 0);
	ck_assert_uint_eq(call_pair_target(&g, f), rtr);
	guest_close(&g);
}
END_TEST

START_TEST(test_patcher_call_ops)
{
	struct guest g;
	uint64_t lit;

	guest_open(&g, "ftrace_ops", 1);
	uint64_t f = sym(&g, "traced_add3"), tr = sym(&g, "ftrace_caller");
	uint64_t nop_ops = sym(&g, "ftrace_nop_ops"), global_ops = sym(&g, "ftrace_global_ops");

	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), -EINVAL); /* no auipc yet */
	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	ck_assert(machine_read_u64(g.m, f - 8, &lit));
	ck_assert_uint_eq(lit, nop_ops);
	uint32_t au = word_at(&g, f);
	ck_assert(rv_is_auipc(au) && rv_rd(au) == RV_T0);
	ck_assert_uint_eq(word_at(&g, f + 4), RV_NOP4);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), 0);
	ck_assert_uint_eq(word_at(&g, f), au); /* the auipc never changes */
	uint32_t j = word_at(&g, f + 4);
	ck_assert(rv_is_jalr(j) && rv_rd(j) == RV_T0);
	ck_assert_uint_eq(f + (uint64_t)(rv_auipc_offset(au) + rv_jalr_offset(j)), tr);
	ck_assert(machine_read_u64(g.m, f - 8, &lit));
	ck_assert_uint_eq(lit, global_ops);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_nop", 2, f, tr, 0), 0);
	ck_assert_uint_eq(word_at(&g, f + 4), RV_NOP4);
	ck_assert(machine_read_u64(g.m, f - 8, &lit));
	ck_assert_uint_eq(lit, nop_ops);
	/* a target beyond the jalr's 12 bits from the fixed auipc */
	uint64_t far = sym(&g, "_etext");
	if (far > f + (uint64_t)rv_auipc_offset(au) + 2047)
		ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, far & ~3ull, 0), -ERANGE);
	guest_close(&g);
}
END_TEST

/* The far-trampoline fixture (far_tramp.S): from a traced function, ftrace_caller_far needs
 * another auipc and another jalr than ftrace_caller, so the t0 detour rewrites both words and
 * CALL_OPS's fixed auipc cannot reach it. */
START_TEST(test_far_trampoline_fixture)
{
	struct guest g;

	guest_open(&g, "ftrace8", 1);
	uint64_t f = sym(&g, "traced_add3"), tr = sym(&g, "ftrace_caller");
	uint64_t far = sym(&g, "ftrace_caller_far");

	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), 0);
	uint32_t au = word_at(&g, f), j = word_at(&g, f + 4);
	ck_assert_int_eq(patch_op(&g, "ftrace_modify_call", 3, f, tr, far), 0);
	ck_assert_uint_eq(call_pair_target(&g, f), far);
	ck_assert_uint_ne(word_at(&g, f), au); /* both words changed */
	ck_assert_uint_ne(word_at(&g, f + 4), j);
	uint64_t r = 0;
	ck_assert_int_eq(call(&g, 0, "traced_add3", &r, NULL, 3, (uint64_t)1, (uint64_t)2,
			      (uint64_t)3),
			 STEP_RETURNED); /* through ftrace_caller_far, then ftrace_caller */
	ck_assert_uint_eq(r, 14);
	guest_close(&g);

	guest_open(&g, "ftrace_ops", 1);
	f = sym(&g, "traced_add3");
	tr = sym(&g, "ftrace_caller");
	far = sym(&g, "ftrace_caller_far");
	ck_assert_uint_gt(far - tr, 4096);
	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, far, 0), -ERANGE);
	ck_assert_uint_eq(word_at(&g, f + 4), RV_NOP4);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, tr, 0), 0);
	ck_assert_int_eq(patch_op(&g, "ftrace_modify_call", 3, f, tr, far), -ERANGE);
	ck_assert_uint_eq(call_pair_target(&g, f), tr);
	guest_close(&g);
}
END_TEST

/* ecall, ebreak, c.ebreak and fence.i on a hart; the hart id in tp. */
START_TEST(test_special_instructions_on_a_hart)
{
	struct guest g;
	struct step_info info;
	uint64_t r;

	guest_open(&g, "ftrace8", 2);
	ck_assert_uint_eq(machine_reg(g.m, 0, 4), 0);
	ck_assert_uint_eq(machine_reg(g.m, 1, 4), 1);

	ck_assert_int_eq(call(&g, 1, "guest_fence_i", &r, NULL, 1, (uint64_t)41), STEP_RETURNED);
	ck_assert_uint_eq(r, 42);

	/* An ecall the machine does not perform (an SBI base-extension call): Unicorn raises
	 * exception 8 and moves pc; the machine reports a fault and leaves the hart on the ecall */
	uint64_t at = sym(&g, "guest_ecall");
	ck_assert_int_eq(call(&g, 0, "guest_ecall", NULL, &info, 0), STEP_FAULT);
	ck_assert_uint_gt(info.pc, at);
	ck_assert_uint_eq(word_at(&g, info.pc), W_ECALL);
	at = info.pc;
	ck_assert_int_eq(info.special.kind, SPECIAL_ENV_CALL);
	ck_assert_uint_eq(info.len, 4);
	ck_assert_ptr_nonnull(strstr(info.fault, "exception 8"));
	ck_assert_uint_eq(machine_pc(g.m, 0), at);
	ck_assert_int_eq(machine_step(g.m, 0, &info), STEP_FAULT); /* again, never a crash */

	/* ebreak and c.ebreak: reported before Unicorn could stop on them */
	ck_assert_int_eq(call(&g, 0, "guest_ebreak", NULL, &info, 0), STEP_BREAKPOINT);
	ck_assert_uint_eq(info.pc, sym(&g, "guest_ebreak"));
	ck_assert_uint_eq(info.len, 4);
	ck_assert_int_eq(info.special.kind, SPECIAL_BREAKPOINT);
	ck_assert_int_eq(call(&g, 1, "guest_c_ebreak", NULL, &info, 0), STEP_BREAKPOINT);
	ck_assert_uint_eq(info.len, 2);
	ck_assert_uint_eq(machine_pc(g.m, 1), sym(&g, "guest_c_ebreak"));

	/* traced functions run on the pristine image (compiler c.nops) */
	ck_assert_int_eq(call(&g, 0, "traced_add3", &r, NULL, 3, (uint64_t)1, (uint64_t)2,
			      (uint64_t)3), STEP_RETURNED);
	ck_assert_uint_eq(r, 14);
	guest_close(&g);
}
END_TEST

/* How many versions of the word at addr the hart may still fetch (fetch: arch). */
static unsigned versions(struct guest *g, unsigned h, uint64_t addr)
{
	uint32_t out[8];

	return machine_fetch_versions(g->m, h, addr, out, 8);
}

/*
 * The SBI's remote fence.i (RFENCE extension, function 0), which the machine performs in place
 * of the firmware: every hart of the mask (hart_mask_base + bit i; base -1 for all) executes a
 * FENCE.I before the call returns 0. The patcher's own FENCE.I syncs only itself; its SBI call
 * syncs everyone.
 */
START_TEST(test_sbi_remote_fence_i)
{
	struct guest g;
	struct step_info info;
	uint64_t r, site, at_ecall, args[2];

	guest_open_fetch(&g, "ftrace8", 3, FETCH_ARCH);
	site = sym(&g, "traced_add3");
	at_ecall = sym(&g, "patch_remote_fence_i");
	args[0] = site;
	args[1] = W_NOP4;
	machine_call_begin(g.m, 0, sym(&g, "patch_text_nosync"), args, 2);
	while (machine_pc(g.m, 0) != at_ecall)
		ck_assert_int_eq(machine_step(g.m, 0, &info), STEP_OK);
	ck_assert_uint_eq(versions(&g, 0, site), 1); /* its own FENCE.I */
	ck_assert_uint_eq(versions(&g, 1, site), 2);
	ck_assert_uint_eq(versions(&g, 2, site), 2);

	/* Hart 1 only (mask 1, base 1), then every hart (base -1). */
	ck_assert_int_eq(call(&g, 0, "guest_sbi_remote_fence_i", &r, NULL, 2, (uint64_t)1,
			      (uint64_t)1), STEP_RETURNED);
	ck_assert_uint_eq(r, 0);
	ck_assert_uint_eq(versions(&g, 1, site), 1);
	ck_assert_uint_eq(versions(&g, 2, site), 2);
	ck_assert_int_eq(call(&g, 0, "guest_sbi_remote_fence_i", &r, NULL, 2, (uint64_t)0,
			      ~(uint64_t)0), STEP_RETURNED);
	ck_assert_uint_eq(versions(&g, 2, site), 1);

	/* The whole patcher call: every hart fetches the new word only. */
	ck_assert_int_eq(call(&g, 0, "patch_text_nosync", &r, NULL, 2, site, (uint64_t)0x00000093u),
			 STEP_RETURNED);
	ck_assert_uint_eq(r, 0);
	for (unsigned h = 0; h < 3; h++)
		ck_assert_uint_eq(versions(&g, h, site), 1);
	guest_close(&g);
}
END_TEST

/* The bundled trampolines call through ftrace_trace_function and have no ftrace_call /
 * ftrace_regs_call sites: ftrace_update_ftrace_func finds nothing to write (-ENOENT). */
START_TEST(test_update_ftrace_func_needs_the_sites)
{
	static const char *const images[] = {"ftrace16", "ftrace8", "ftrace_ops"};

	for (unsigned i = 0; i < 3; i++) {
		struct guest g;

		guest_open(&g, images[i], 2);
		ck_assert_int_eq(patch_op(&g, "ftrace_update_ftrace_func", 1, sym(&g, "record_ip"),
					  0, 0), -2);
		guest_close(&g);
	}
}
END_TEST

/* An enabled site runs the trampoline and the callback sees what the contract says. */
START_TEST(test_trampolines_record)
{
	static const struct {
		const char *image;
		uint64_t body, ip;
	} images[] = {{"ftrace16", 16, 0}, {"ftrace8", 8, 0}, {"ftrace_ops", 8, 4}};

	for (unsigned i = 0; i < 3; i++) {
		struct guest g;
		uint64_t r, rec[6 + 32];

		guest_open(&g, images[i].image, 2);
		uint64_t f = sym(&g, "traced_add3");
		ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
		ck_assert_int_eq(patch_op(&g, "pc_set_callback", 1, sym(&g, "record_regs"), 0, 0), 0);
		ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, sym(&g, "ftrace_caller"), 0), 0);
		ck_assert_int_eq(call(&g, 1, "traced_add3", &r, NULL, 3, (uint64_t)4, (uint64_t)5,
				      (uint64_t)6), STEP_RETURNED);
		ck_assert_uint_eq(r, 4 + 10 + 18);
		uint64_t base = sym(&g, "pc_records") + PC_RECORD_SIZE;
		for (unsigned k = 0; k < 6 + 32; k++)
			ck_assert(machine_read_u64(g.m, base + 8 * k, &rec[k]));
		ck_assert_uint_eq(rec[0], 1);                       /* seq */
		ck_assert_uint_eq(rec[1], f + images[i].ip);        /* ip */
		ck_assert_uint_eq(rec[2], MACHINE_MAGIC_RETURN);    /* parent_ip */
		ck_assert_uint_eq(rec[3], f + images[i].body);      /* pc = the body */
		ck_assert_uint_eq(rec[4], machine_stack_top(g.m, 1)); /* sp at entry */
		ck_assert_uint_eq(rec[5], MACHINE_MAGIC_RETURN);    /* lr = the parent */
		ck_assert_uint_eq(rec[6 + 10], 4);                  /* regs[10] = a0 */
		ck_assert_uint_eq(rec[6 + 11], 5);
		ck_assert_uint_eq(rec[6 + 12], 6);
		ck_assert_uint_eq(rec[6 + 4], 1);                   /* tp = the hart id */
		ck_assert_uint_eq(rec[6 + 2], machine_stack_top(g.m, 1)); /* regs[2] = sp */
		guest_close(&g);
	}
}
END_TEST

/*
 * The riscv direct-calls thread's (2022) coexistence on one hart, with the guest's counters
 * (the explorer's direct-call check reads the same ones): per hart, pc_direct_requests counts the direct calls the callbacks
 * asked for and pc_direct_calls the runs of my_direct_tramp. The t1 design runs the direct
 * trampoline and then the livepatch target; the t0 design with the direct ops first loses the
 * direct call without any other symptom.
 */
static void coexist(const char *tramp, const char *first, const char *second, uint64_t *result,
		    uint64_t *requests, uint64_t *calls)
{
	struct guest g;

	guest_open(&g, "ftrace8", 2);
	uint64_t f = sym(&g, "traced_add3");
	ck_assert_int_eq(patch_op(&g, "ftrace_init_nop", 1, f, 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "pc_set_direct", 1, sym(&g, "my_direct_tramp"), 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "pc_set_redirect", 1, sym(&g, "patched_add3"), 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "pc_ops_add", 1, sym(&g, first), 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "pc_ops_add", 1, sym(&g, second), 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "pc_set_callback", 1, sym(&g, "ftrace_ops_list_func"), 0, 0), 0);
	ck_assert_int_eq(patch_op(&g, "ftrace_make_call", 2, f, sym(&g, tramp), 0), 0);
	ck_assert_int_eq(call(&g, 1, "traced_add3", result, NULL, 3, (uint64_t)1, (uint64_t)2,
			      (uint64_t)3), STEP_RETURNED);
	ck_assert(machine_read_u64(g.m, sym(&g, "pc_direct_requests") + 8, requests));
	ck_assert(machine_read_u64(g.m, sym(&g, "pc_direct_calls") + 8, calls));
	guest_close(&g);
}

START_TEST(test_direct_coexistence_on_a_hart)
{
	uint64_t r, req, calls;

	/* t1: both orders run the direct trampoline once, then patched_add3 (1 + 4 + 9 + 1000) */
	coexist("ftrace_regs_caller", "call_direct_funcs", "redirect_pc", &r, &req, &calls);
	ck_assert_uint_eq(r, 1014);
	ck_assert_uint_eq(req, 1);
	ck_assert_uint_eq(calls, 1);
	coexist("ftrace_regs_caller", "redirect_pc", "call_direct_funcs", &r, &req, &calls);
	ck_assert_uint_eq(r, 1014);
	ck_assert_uint_eq(calls, 1);
	/* t0, direct first: the livepatch overwrites the saved t0, the direct call is lost */
	coexist("ftrace_regs_caller_jr_t0", "call_direct_funcs_t0", "redirect_pc", &r, &req, &calls);
	ck_assert_uint_eq(r, 1014);
	ck_assert_uint_eq(req, 1);
	ck_assert_uint_eq(calls, 0);
}
END_TEST

/* ---- every riscv64 scenario, decided as its file expects ---- */

static struct scenario scn;

static void load(const char *name)
{
	load_bundled_scenario(&scn, "riscv", name);
}

static void run(struct scenario_result *res)
{
	explore_scenario(&scn, res);
}

/* Run a scenario; if it fails, its schedule must replay to the same failure. */
static void decide_and_replay(const char *name, struct scenario_result *res)
{
	struct scenario_result again;

	load(name);
	run(res);
	ck_assert_msg(scenario_result_matches(&scn, res), "%s: expected %s%s, got %s: %s", name,
		      scn.expect == VERDICT_PASS ? "pass" : "fail:", scn.expect_invariant,
		      res->verdict == VERDICT_PASS ? "pass" : "fail",
		      res->failure ? res->failure->message : "");
	if (res->verdict != VERDICT_FAIL)
		return;
	ck_assert_uint_gt(res->failure->ntrace, 0);
	expect_replay_fails_the_same_way(&scn, name, res->failure, &again);
	ck_assert_str_eq(again.failure->message, res->failure->message);
	scenario_result_free(&again);
}

START_TEST(test_every_scenario)
{
	char dir[1024];
	DIR *d;
	struct dirent *e;
	unsigned n = 0;

	snprintf(dir, sizeof(dir), "%s/scenarios/riscv", PATCHCHECK_SOURCE_DIR);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[256];
		struct scenario_result res;

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		if (strncmp(e->d_name, "kernel-", 7) == 0)
			continue; /* they need a Linux tree: the kernel_tree_gate test runs them */
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
		decide_and_replay(name, &res);
		ck_assert_str_eq(scn.arch, "riscv64");
		ck_assert_uint_ge(scn.nharts, 2);
		scenario_result_free(&res);
		n++;
	}
	closedir(d);
	ck_assert_uint_ge(n, 15);
}
END_TEST

/* The accepted CALL_OPS design passes a complete search, one execution per trace. */
START_TEST(test_call_ops_passes_exhaustively)
{
	struct scenario_result res;

	load("ops-nop-to-call");
	run(&res);
	ck_assert(res.verdict == VERDICT_PASS);
	ck_assert(res.stats.complete);
	ck_assert_uint_gt(res.stats.executions, 4);
	ck_assert_uint_eq(res.stats.distinct_traces, res.stats.executions);
	scenario_result_free(&res);
}
END_TEST

/*
 * Stop-machine: the patcher's stopped section runs as one transition, with every runner
 * parked, so the only failure left is a runner parked inside the site: it fetched func+0
 * before the section and fetches func+4 after it. Parked is not preempted: no preemption.
 */
START_TEST(test_stop_machine_needs_a_runner_inside_the_site)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};
	struct scenario_result res;
	uint64_t func = 0;

	load("detour8-stop-machine");
	/* the section is one transition: no runner step comes between its stores */
	ck_assert_int_eq(explorer_replay(&scn, &opt, "0", &res), 0);
	ck_assert_uint_eq(res.stats.executions, 0);
	scenario_result_free(&res);

	load("detour8-stop-machine");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "site-consistency");
	ck_assert_uint_eq(res.failure->preemptions, 0);
	/* the failing runner fetched func+0 before the patcher's first write and func+4 after */
	struct failure *f = res.failure;
	size_t first_write = f->ntrace, runner_first = f->ntrace;
	for (size_t i = 0; i < f->ntrace; i++) {
		if (f->trace[i].patch_write && first_write == f->ntrace)
			first_write = i;
		if (f->trace[i].hart == f->hart && f->trace[i].watched_fetch &&
		    runner_first == f->ntrace) {
			runner_first = i;
			func = f->trace[i].pc;
		}
	}
	ck_assert_uint_lt(runner_first, first_write);
	ck_assert_uint_eq(f->pc, func + 4);
	scenario_result_free(&res);
}
END_TEST

/* Without stop-machine a runner can start the site after the patcher's first store. */
START_TEST(test_no_stop_machine_fails_on_concurrent_stores)
{
	struct scenario_result res;

	load("detour16-no-stop-machine");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	struct failure *f = res.failure;
	size_t first_write = f->ntrace, runner_first = f->ntrace;
	for (size_t i = 0; i < f->ntrace; i++) {
		if (f->trace[i].patch_write && first_write == f->ntrace)
			first_write = i;
		if (f->trace[i].hart == f->hart && f->trace[i].watched_fetch &&
		    runner_first == f->ntrace)
			runner_first = i;
	}
	ck_assert_uint_lt(first_write, runner_first);
	scenario_result_free(&res);
	/* and under stop-machine the same sequence of stores is never seen half done by a runner
	 * that enters afterwards: its only failure is the one parked inside the site */
	load("detour16-stop-machine");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	for (size_t i = 0, first = res.failure->ntrace; i < res.failure->ntrace; i++) {
		if (res.failure->trace[i].patch_write && first == res.failure->ntrace)
			first = i;
		if (res.failure->trace[i].hart == res.failure->hart &&
		    res.failure->trace[i].watched_fetch) {
			ck_assert_uint_lt(i, first); /* its pass began before the section */
			break;
		}
	}
	scenario_result_free(&res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("riscv64");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_encoders);
	tcase_add_test(tc, test_decode_mem_order);
	tcase_add_test(tc, test_decode_flow);
	tcase_add_test(tc, test_call_pair_roundtrip);
	tcase_add_test(tc, test_register_file);
	tcase_add_test(tc, test_decode_special);
	tcase_add_test(tc, test_decode_exclusive);
	tcase_add_test(tc, test_cmodx);
	tcase_add_test(tc, test_site_layouts_synthetic);
	tcase_add_test(tc, test_pt_regs_layout);
	tcase_add_test(tc, test_disasm_llvm);
	suite_add_tcase(s, tc);

	tc = tcase_create("images");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_image_sites);
	tcase_add_test(tc, test_patcher_detour16);
	tcase_add_test(tc, test_patcher_detour8);
	tcase_add_test(tc, test_patcher_call_ops);
	tcase_add_test(tc, test_far_trampoline_fixture);
	tcase_add_test(tc, test_special_instructions_on_a_hart);
	tcase_add_test(tc, test_sbi_remote_fence_i);
	tcase_add_test(tc, test_trampolines_record);
	tcase_add_test(tc, test_direct_coexistence_on_a_hart);
	suite_add_tcase(s, tc);

	tc = tcase_create("scenarios");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_update_ftrace_func_needs_the_sites);
	tcase_add_test(tc, test_every_scenario);
	tcase_add_test(tc, test_call_ops_passes_exhaustively);
	tcase_add_test(tc, test_stop_machine_needs_a_runner_inside_the_site);
	tcase_add_test(tc, test_no_stop_machine_fails_on_concurrent_stores);
	suite_add_tcase(s, tc);

	return run_check_suite(s);
}
