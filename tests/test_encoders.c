/*
 * test_encoders.c - the A64 encoders and classifiers (models/arm64/insn_arm64.h), the arm64 arch
 * model's CMODX classes and special-instruction decoding, the guest pt_regs layout, and the
 * built arm64 guest image (patch sites, records, the patcher's store).
 *
 * Expected words were produced by llvm-mc-14 -triple=aarch64 -show-encoding.
 */
#include <check.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arm64/guest/pt_regs.h"
#include "arm64/insn_arm64.h"
#include "guest_abi.h"
#include "../patcher/patch_errno.h"
#include "test_support.h"

#define PC 0x100000ull /* where the branches under test sit */

/* Words from llvm-mc-14. */
#define W_BL_FWD_40   0x94000010u /* bl #0x40 */
#define W_BL_BACK_40  0x97fffff0u /* bl #-0x40 */
#define W_BL_MAX_FWD  0x95ffffffu /* bl #0x7fffffc */
#define W_BL_MAX_BACK 0x96000000u /* bl #-0x8000000 */
#define W_B_FWD_40    0x14000010u /* b #0x40 */
#define W_B_MAX_FWD   0x15ffffffu /* b #0x7fffffc */
#define W_B_MAX_BACK  0x16000000u /* b #-0x8000000 */
#define W_ADRP_X16_256M  0x90080010u /* adrp x16, #0x10000000 */
#define W_ADRP_X16_M4K   0xf0fffff0u /* adrp x16, #-4096 */
#define W_ADRP_X16_M4G   0x90800010u /* adrp x16, #-0x100000000 */
#define W_ADD_X16_123    0x91048e10u /* add x16, x16, #0x123 */
#define W_ADD_X18_FFF    0x913ffe52u /* add x18, x18, #0xfff */
#define W_BR_X16         0xd61f0200u
#define W_BR_X18         0xd61f0240u
#define W_BRK_0       0xd4200000u
#define W_BRK_1234    0xd4224680u
#define W_BRK_FFFF    0xd43fffe0u
#define W_HVC_0       0xd4000002u
#define W_HVC_1234    0xd4024682u
#define W_SMC_0       0xd4000003u
#define W_SMC_FFFF    0xd41fffe3u
#define W_SVC_0       0xd4000001u
#define W_SVC_80      0xd4001001u
#define W_STP_X0_X1   0xa90107e0u /* stp x0, x1, [sp, #16] */
#define W_LDR_X0_X1   0xf9400020u /* ldr x0, [x1] */
#define W_ADD         0x8b020020u /* add x0, x1, x2 */
#define W_DSB_SY      0xd5033f9fu
#define W_DMB_ISH     0xd5033bbfu
#define W_YIELD       0xd503203fu
#define W_WFE         0xd503205fu
#define W_SEV         0xd503209fu
#define W_BTI_C       0xd503245fu
#define W_HLT_0       0xd4400000u
#define W_DCPS1       0xd4a00001u
#define W_RET         0xd65f03c0u
#define W_IC_IVAU_X0  0xd50b7520u
#define W_IC_IVAU_X5  0xd50b7525u
#define W_DC_CVAU_X0  0xd50b7b20u
#define W_DC_CVAU_X7  0xd50b7b27u
#define W_DC_CIVAC_X3 0xd50b7e23u
#define W_IC_IALLU    0xd508751fu
#define W_IC_IALLUIS  0xd508711fu
#define W_STR_W1_X0   0xb9000001u /* str w1, [x0] */

static const struct arch_model *arm64(void)
{
	const struct arch_model *a = arch_model_find("arm64");

	ck_assert_ptr_nonnull(a);
	return a;
}

/* ---- encoders ---- */

START_TEST(test_constants)
{
	ck_assert_uint_eq(A64_NOP, 0xd503201fu);
	ck_assert_uint_eq(A64_ISB, 0xd5033fdfu);
	ck_assert_uint_eq(A64_DSB_ISH, 0xd5033b9fu);
	ck_assert_uint_eq(A64_MOV_X9_X30, 0xaa1e03e9u);
	ck_assert_uint_eq(A64_MOV_X30_X9, 0xaa0903feu);
	ck_assert_uint_eq(A64_STP_FP_LR_PRE, 0xa9bf7bfdu);
	ck_assert_uint_eq(A64_MOV_FP_SP, 0x910003fdu);
	ck_assert_uint_eq(A64_LDP_FP_LR_POST, 0xa8c17bfdu);
	ck_assert_uint_eq(arm64()->encode_nop(), A64_NOP);
}
END_TEST

START_TEST(test_bl)
{
	ck_assert_uint_eq(a64_encode_bl(PC, PC + 0x40), W_BL_FWD_40);
	ck_assert_uint_eq(a64_encode_bl(PC, PC - 0x40), W_BL_BACK_40);
	ck_assert_uint_eq(a64_encode_bl(PC, PC + 0x7fffffc), W_BL_MAX_FWD);
	ck_assert_uint_eq(a64_encode_bl(PC, PC - 0x8000000), W_BL_MAX_BACK);
	ck_assert_uint_eq(a64_encode_branch(PC, PC + 0x40, 1), W_BL_FWD_40);
	/* the host model encodes the same words */
	ck_assert_uint_eq(arm64()->encode_bl(PC, PC + 0x40), W_BL_FWD_40);
	ck_assert_uint_eq(arm64()->encode_bl(PC, PC - 0x8000000), W_BL_MAX_BACK);
	/* offset zero: bl to itself */
	ck_assert_uint_eq(a64_encode_bl(PC, PC), 0x94000000u);
}
END_TEST

/* The PLT entry words: adrp reaches +-4 GiB of pages from pc's page, whatever pc's offset. */
START_TEST(test_plt_words)
{
	ck_assert_uint_eq(a64_encode_adrp(16, PC, PC + 0x10000000), W_ADRP_X16_256M);
	ck_assert_uint_eq(a64_encode_adrp(16, PC + 0xffc, PC + 0x10000123), W_ADRP_X16_256M);
	ck_assert_uint_eq(a64_encode_adrp(16, PC, PC - 1), W_ADRP_X16_M4K);
	ck_assert_uint_eq(a64_encode_adrp(16, 0x100000000ull, 0), W_ADRP_X16_M4G);
	ck_assert(a64_adrp_reachable(0x100000000ull, 0));
	ck_assert(!a64_adrp_reachable(0x100001000ull, 0));
	ck_assert(a64_adrp_reachable(PC, PC + 0xfffff000ull));
	ck_assert(!a64_adrp_reachable(PC, PC + 0x100000000ull));
	ck_assert_uint_eq(a64_encode_add_imm(16, 16, 0x123), W_ADD_X16_123);
	ck_assert_uint_eq(a64_encode_add_imm(18, 18, 0xfff), W_ADD_X18_FFF);
	ck_assert_uint_eq(a64_encode_br(16), W_BR_X16);
	ck_assert_uint_eq(a64_encode_br(18), W_BR_X18);
}
END_TEST

START_TEST(test_b)
{
	ck_assert_uint_eq(a64_encode_b(PC, PC + 0x40), W_B_FWD_40);
	ck_assert_uint_eq(a64_encode_b(PC, PC + 0x7fffffc), W_B_MAX_FWD);
	ck_assert_uint_eq(a64_encode_b(PC, PC - 0x8000000), W_B_MAX_BACK);
	ck_assert_uint_eq(a64_encode_branch(PC, PC + 0x40, 0), W_B_FWD_40);
}
END_TEST

START_TEST(test_brk)
{
	ck_assert_uint_eq(a64_encode_brk(0), W_BRK_0);
	ck_assert_uint_eq(a64_encode_brk(0x1234), W_BRK_1234);
	ck_assert_uint_eq(a64_encode_brk(0xffff), W_BRK_FFFF);
	ck_assert_uint_eq(a64_encode_brk(0x1ffff), W_BRK_FFFF); /* imm16 only */
	ck_assert(a64_is_brk(W_BRK_1234));
	ck_assert(!a64_is_brk(W_HLT_0));
	ck_assert(!a64_is_brk(W_SVC_0));
}
END_TEST

START_TEST(test_classifiers)
{
	ck_assert(a64_is_bl(W_BL_FWD_40) && !a64_is_b(W_BL_FWD_40));
	ck_assert(a64_is_b(W_B_FWD_40) && !a64_is_bl(W_B_FWD_40));
	ck_assert(a64_is_svc(W_SVC_0) && a64_is_svc(W_SVC_80));
	ck_assert(a64_is_hvc(W_HVC_0) && a64_is_hvc(W_HVC_1234));
	ck_assert(a64_is_smc(W_SMC_0) && a64_is_smc(W_SMC_FFFF));
	ck_assert(!a64_is_svc(W_HVC_0) && !a64_is_hvc(W_SMC_0) && !a64_is_smc(W_SVC_0));
	ck_assert(!a64_is_svc(W_DCPS1));
	ck_assert(!a64_is_b(A64_NOP) && !a64_is_bl(A64_NOP) && !a64_is_bl(W_RET));
}
END_TEST

/* encode -> target decode gives back the target, for B and BL, across the whole range. */
START_TEST(test_branch_roundtrip)
{
	static const long long offs[] = {
		0, 4, -4, 0x40, -0x40, 0x1000, -0x1000, 0x123454, -0x123454,
		0x7fffffc, -0x8000000, 0x4000000, -0x4000000, 0x3fffffc,
	};
	static const unsigned long long pcs[] = { PC, 0x8000000ull, 0xffffffff00000000ull };

	for (unsigned p = 0; p < sizeof(pcs) / sizeof(pcs[0]); p++) {
		for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			unsigned long long pc = pcs[p], target = pc + (unsigned long long)offs[i];

			ck_assert(a64_branch_reachable(pc, target));
			ck_assert_uint_eq(a64_branch_target(pc, a64_encode_bl(pc, target)), target);
			ck_assert_uint_eq(a64_branch_target(pc, a64_encode_b(pc, target)), target);
			ck_assert(a64_is_bl(a64_encode_bl(pc, target)));
			ck_assert(a64_is_b(a64_encode_b(pc, target)));
		}
	}
	/* decode of assembler-produced words */
	ck_assert_uint_eq(a64_branch_target(PC, W_BL_BACK_40), PC - 0x40);
	ck_assert_uint_eq(a64_branch_target(PC, W_BL_MAX_FWD), PC + 0x7fffffc);
	ck_assert_uint_eq(a64_branch_target(PC, W_B_MAX_BACK), PC - 0x8000000);
}
END_TEST

START_TEST(test_reachability)
{
	ck_assert(a64_branch_reachable(PC, PC + 0x7fffffc));  /* last reachable forward */
	ck_assert(!a64_branch_reachable(PC, PC + 0x8000000)); /* first unreachable forward */
	ck_assert(a64_branch_reachable(PC, PC - 0x8000000));  /* last reachable backward */
	ck_assert(!a64_branch_reachable(PC, PC - 0x8000004)); /* first unreachable backward */
	ck_assert(!a64_branch_reachable(PC, PC + 2));         /* misaligned */
	ck_assert(!a64_branch_reachable(PC, PC - 1));
	ck_assert(!a64_branch_reachable(PC, PC + 0x100000000ull));
	ck_assert(!a64_branch_reachable(0, 0xfffffffff0000000ull)); /* -256 MiB */
	ck_assert(a64_branch_reachable(0x10, 0xfffffffffffffff0ull)); /* wraps: -0x20 */
	ck_assert(a64_branch_reachable(PC, PC));
}
END_TEST

/* ---- the arm64 arch model ---- */

START_TEST(test_cmodx_safe)
{
	static const uint32_t safe[] = {
		W_B_FWD_40, W_B_MAX_BACK, W_BL_FWD_40, W_BL_MAX_BACK, W_BRK_0, W_BRK_FFFF, W_HVC_0,
		W_HVC_1234, A64_ISB, A64_NOP, W_SMC_0, W_SMC_FFFF, W_SVC_0, W_SVC_80,
	};
	const struct arch_model *a = arm64();

	for (unsigned i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		ck_assert_msg(a->cmodx_classify(safe[i]) == CMODX_SAFE, "%08x should be SAFE", safe[i]);
}
END_TEST

START_TEST(test_cmodx_other)
{
	static const uint32_t other[] = {
		A64_MOV_X9_X30, A64_MOV_X30_X9, A64_STP_FP_LR_PRE, W_STP_X0_X1, W_LDR_X0_X1,
		W_ADD, A64_DSB_ISH, W_DSB_SY, W_DMB_ISH, W_YIELD, W_WFE, W_SEV, W_BTI_C, W_HLT_0,
		W_DCPS1, W_RET, W_IC_IVAU_X0, W_DC_CVAU_X0, 0x00000000u /* udf #0 */,
	};
	const struct arch_model *a = arm64();

	for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		ck_assert_msg(a->cmodx_classify(other[i]) == CMODX_OTHER, "%08x should be OTHER",
			      other[i]);
}
END_TEST

static struct special_insn decode(uint32_t w)
{
	uint8_t b[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24) };
	struct special_insn s;

	memset(&s, 0xa5, sizeof(s));
	arm64()->decode_special(b, &s);
	ck_assert_uint_eq(s.len, 4);
	return s;
}

/* w decodes as kind with its address in register addr_reg (-1: none). */
static void expect_special(uint32_t w, enum special_kind kind, int addr_reg)
{
	struct special_insn s = decode(w);

	ck_assert_msg(s.kind == kind, "%08x: kind %d, expected %d", w, s.kind, kind);
	ck_assert_msg(s.addr_reg == addr_reg, "%08x: address register %d, expected %d", w,
		      s.addr_reg, addr_reg);
}

START_TEST(test_decode_special)
{
	struct special_insn s;

	expect_special(W_IC_IVAU_X0, SPECIAL_ICACHE_SYNC, 0);
	expect_special(W_IC_IVAU_X5, SPECIAL_ICACHE_SYNC, 5);
	expect_special(W_IC_IALLU, SPECIAL_ICACHE_SYNC, -1);
	ck_assert_int_eq(decode(W_IC_IALLUIS).kind, SPECIAL_ICACHE_SYNC);
	expect_special(W_DC_CVAU_X0, SPECIAL_DCACHE, 0);
	expect_special(W_DC_CVAU_X7, SPECIAL_DCACHE, 7);
	expect_special(W_DC_CIVAC_X3, SPECIAL_DCACHE, 3);
	ck_assert_int_eq(decode(A64_DSB_ISH).kind, SPECIAL_DSB);
	ck_assert_int_eq(decode(W_DSB_SY).kind, SPECIAL_DSB);
	ck_assert_int_eq(decode(W_DMB_ISH).kind, SPECIAL_BARRIER);
	ck_assert_int_eq(decode(A64_ISB).kind, SPECIAL_ISB);
	ck_assert_int_eq(decode(0xd69f03e0u /* eret */).kind, SPECIAL_EXC_RETURN);
	ck_assert_int_eq(decode(0xd69f0bffu /* eretaa */).kind, SPECIAL_EXC_RETURN);
	ck_assert_int_eq(decode(0xd69f0fffu /* eretab */).kind, SPECIAL_EXC_RETURN);
	ck_assert_int_eq(decode(0xd5033a3fu /* dsb ishnxs */).kind, SPECIAL_DSB);
	ck_assert_int_eq(decode(0xd5033e3fu /* dsb synxs */).kind, SPECIAL_DSB);
	s = decode(W_BRK_1234);
	ck_assert_int_eq(s.kind, SPECIAL_BREAKPOINT);
	ck_assert_uint_eq(s.imm, 0x1234);
	s = decode(W_BRK_0);
	ck_assert_int_eq(s.kind, SPECIAL_BREAKPOINT);
	ck_assert_uint_eq(s.imm, 0);
	ck_assert_int_eq(decode(W_WFE).kind, SPECIAL_HINT);
	ck_assert_int_eq(decode(W_YIELD).kind, SPECIAL_HINT);
	ck_assert_int_eq(decode(W_SEV).kind, SPECIAL_HINT);
	/* ordinary instructions */
	static const uint32_t plain[] = { A64_NOP, W_BL_FWD_40, W_ADD, W_LDR_X0_X1, A64_MOV_X9_X30,
					  W_SVC_0, W_STR_W1_X0, W_RET };
	for (unsigned i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		s = decode(plain[i]);
		ck_assert_msg(s.kind == SPECIAL_NONE, "%08x should be SPECIAL_NONE", plain[i]);
		ck_assert_int_eq(s.addr_reg, -1);
	}
}
END_TEST

/* Exclusive sections: the words as llvm-mc assembles them. */
START_TEST(test_decode_exclusive)
{
	static const struct {
		uint32_t word;
		enum exclusive_role role;
	} cases[] = {
		{0xc85f7c20u, EXCL_OPEN},  /* ldxr x0, [x1] */
		{0x885ffc62u, EXCL_OPEN},  /* ldaxr w2, [x3] */
		{0xc87f0440u, EXCL_OPEN},  /* ldxp x0, x1, [x2] */
		{0x085ffc20u, EXCL_OPEN},  /* ldaxrb w0, [x1] */
		{0xc8027c20u, EXCL_CLOSE}, /* stxr w2, x0, [x1] */
		{0x8804fcc5u, EXCL_CLOSE}, /* stlxr w4, w5, [x6] */
		{0xc8230440u, EXCL_CLOSE}, /* stxp w3, x0, x1, [x2] */
		{0xd5033f5fu, EXCL_CLOSE}, /* clrex */
		{0x48207c82u, EXCL_NONE},  /* casp x0, x1, x2, x3, [x4] */
		{0x88a07c41u, EXCL_NONE},  /* cas w0, w1, [x2] */
		{0xc8dffc20u, EXCL_NONE},  /* ldar x0, [x1] */
		{0xc89ffc20u, EXCL_NONE},  /* stlr x0, [x1] */
		{0xb8200041u, EXCL_NONE},  /* ldadd w0, w1, [x2] */
		{W_LDR_X0_X1, EXCL_NONE},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct special_insn s = decode(cases[i].word);

		ck_assert_msg(s.exclusive == cases[i].role, "%08x: exclusive %d, expected %d",
			      cases[i].word, s.exclusive, cases[i].role);
		ck_assert_int_eq(s.kind, SPECIAL_NONE);
	}
}
END_TEST

/* The data model's view of A64 words (llvm-mc -mattr=+lse,+rcpc): barriers by CRm, acquire and
 * release by encoding, atomics, registers, a load's written-back base, branches. */
static struct mem_order order_of(uint32_t w)
{
	struct mem_order o;
	uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};

	arm64()->decode_mem_order(b, 4, &o);
	return o;
}

START_TEST(test_decode_mem_order)
{
	struct mem_order o;

	o = order_of(0xd5033bbfu); /* dmb ish */
	ck_assert_uint_eq(o.fence_pred, MEM_R | MEM_W);
	ck_assert_uint_eq(o.fence_succ, MEM_R | MEM_W);
	o = order_of(0xd50339bfu); /* dmb ishld */
	ck_assert_uint_eq(o.fence_pred, MEM_R);
	ck_assert_uint_eq(o.fence_succ, MEM_R | MEM_W);
	o = order_of(0xd5033abfu); /* dmb ishst */
	ck_assert_uint_eq(o.fence_pred, MEM_W);
	ck_assert_uint_eq(o.fence_succ, MEM_W);
	o = order_of(0xd5033b9fu); /* dsb ish */
	ck_assert_uint_eq(o.fence_pred, MEM_R | MEM_W);
	o = order_of(0xc8dffc20u); /* ldar x0, [x1] */
	ck_assert(o.acquire && !o.atomic && !o.release);
	ck_assert_uint_eq(o.reads, 1u << 1);
	ck_assert_uint_eq(o.writes, 1u << 0);
	o = order_of(0xc89ffc20u); /* stlr x0, [x1] */
	ck_assert(o.release && !o.acquire && !o.atomic);
	o = order_of(0xf8bfc020u); /* ldapr x0, [x1] */
	ck_assert(o.acquire_pc && !o.acquire && !o.atomic);
	o = order_of(0xf8e00041u); /* ldaddal x0, x1, [x2] */
	ck_assert(o.atomic && o.acquire && o.release);
	o = order_of(0xf8200041u); /* ldadd x0, x1, [x2]: registers from the encoding */
	ck_assert(o.atomic && !o.acquire && !o.release);
	ck_assert((o.reads & 0x5u) == 0x5u && (o.writes & 0x2u));
	o = order_of(0x48607c82u); /* caspa x0, x1, x2, x3, [x4]: a CASP, not an exclusive pair */
	ck_assert(o.atomic && o.acquire && !o.release);
	o = order_of(0xd65f03c0u); /* ret: reads x30 */
	ck_assert(o.branch && (o.reads >> 30 & 1));
	o = order_of(0xc8e0fc41u); /* casal x0, x1, [x2] */
	ck_assert(o.atomic && o.acquire && o.release);
	o = order_of(0xc85ffc20u); /* ldaxr x0, [x1] */
	ck_assert(o.atomic && o.acquire);
	o = order_of(0xc802fc20u); /* stlxr w2, x0, [x1] */
	ck_assert(o.atomic && o.release);
	o = order_of(0xf8408420u); /* ldr x0, [x1], #8: x1 written back */
	ck_assert_uint_eq(o.writeback, 1u << 1);
	ck_assert(o.writes & 1u);
	o = order_of(0xf8646823u); /* ldr x3, [x1, x4] */
	ck_assert_uint_eq(o.reads, (1u << 1) | (1u << 4));
	ck_assert(!o.exact); /* Capstone's lists: views only grow */
	o = order_of(0x54000000u); /* b.eq . */
	ck_assert(o.branch);
	o = order_of(0xb4000000u); /* cbz x0, . */
	ck_assert(o.branch && (o.reads & 1u));
	o = order_of(A64_ISB);
	ck_assert(o.ctx_sync && !o.branch);
	o = order_of(W_LDR_X0_X1);
	ck_assert(!o.acquire && !o.release && !o.atomic && !o.fence_pred && !o.branch);
	/* llvm-mc -mattr=+v8.7a,+rcpc-immo,+pauth,+xs: forms Capstone 4 does not decode */
	o = order_of(0xd9008041u); /* stlur x1, [x2, #8] */
	ck_assert(o.release && !o.acquire_pc && !o.atomic);
	ck_assert_uint_eq(o.reads, (1u << 1) | (1u << 2));
	o = order_of(0x19000041u); /* stlurb w1, [x2] */
	ck_assert(o.release);
	o = order_of(0xd95f8083u); /* ldapur x3, [x4, #-8] */
	ck_assert(o.acquire_pc && !o.release && !o.acquire);
	ck_assert_uint_eq(o.reads, 1u << 4);
	ck_assert_uint_eq(o.writes, 1u << 3);
	o = order_of(0x99800083u); /* ldapursw x3, [x4] */
	ck_assert(o.acquire_pc && (o.writes & (1u << 3)));
	o = order_of(0xd71f0822u); /* braa x1, x2 */
	ck_assert(o.branch && !o.ctx_sync);
	ck_assert_uint_eq(o.reads, (1u << 1) | (1u << 2));
	o = order_of(0xd73f087fu); /* blraa x3, sp: writes the link register */
	ck_assert(o.branch && (o.reads >> 3 & 1) && (o.reads >> 31 & 1) && (o.writes >> 30 & 1));
	o = order_of(0xd61f083fu); /* braaz x1 */
	ck_assert(o.branch && (o.reads >> 1 & 1));
	o = order_of(0xd65f0bffu); /* retaa: x30 and sp */
	ck_assert(o.branch && !o.ctx_sync);
	ck_assert_uint_eq(o.reads, (1ull << 30) | (1ull << 31));
	o = order_of(0xd69f0bffu); /* eretaa: an exception return */
	ck_assert(o.branch && o.ctx_sync);
	o = order_of(0xd5033a3fu); /* dsb ishnxs */
	ck_assert_uint_eq(o.fence_pred, MEM_R | MEM_W);
	ck_assert_uint_eq(o.fence_succ, MEM_R | MEM_W);
	o = order_of(0xd503323fu); /* dsb oshnxs */
	ck_assert_uint_eq(o.fence_succ, MEM_R | MEM_W);
}
END_TEST

/* A fake image for find_sites: text at 0x100000, one function per entry of `funcs`. */
struct fake_image {
	uint32_t text[64];
	const uint64_t *funcs;
	unsigned nfuncs;
};

static bool fake_func_at(void *ud, uint64_t addr, uint64_t *func)
{
	const struct fake_image *img = ud;

	for (unsigned i = img->nfuncs; i-- > 0;)
		if (addr >= img->funcs[i]) {
			*func = img->funcs[i];
			return true;
		}
	return false;
}

static size_t fake_sites(struct fake_image *img, const uint64_t *records, size_t nrecords,
			 struct site_layout *out)
{
	struct site_source src = {
		.text = (const uint8_t *)img->text,
		.text_begin = 0x100000,
		.text_end = 0x100000 + sizeof(img->text),
		.records = records,
		.nrecords = nrecords,
		.ud = img,
		.func_at = fake_func_at,
	};

	return arm64()->find_sites(&src, out, 4);
}

static void fill_words(struct fake_image *img, unsigned from, unsigned n, uint32_t w)
{
	for (unsigned i = 0; i < n; i++)
		img->text[from + i] = w;
}

/* The site find_sites makes of the one patch record rec; fails the test unless there is one. */
static struct site_layout only_site(struct fake_image *img, uint64_t rec)
{
	struct site_layout s[4];

	ck_assert_uint_eq(fake_sites(img, &rec, 1, s), 1);
	return s[0];
}

START_TEST(test_site_layout)
{
	static const uint64_t funcs[] = {0x100000, 0x100040, 0x100080};
	struct fake_image img = {.funcs = funcs, .nfuncs = 3};
	struct site_layout s[4], site;
	uint64_t rec;

	fill_words(&img, 0, 64, W_ADD);
	/* -fpatchable-function-entry=2: two NOPs at the symbol. */
	fill_words(&img, 0, 2, A64_NOP);
	site = only_site(&img, 0x100000);
	ck_assert_uint_eq(site.func, 0x100000);
	ck_assert_uint_eq(site.start, 0x100000);
	ck_assert_uint_eq(site.bl, 0x100004);
	ck_assert_uint_eq(site.body, 0x100008);
	ck_assert_uint_eq(site.literal, 0);
	/* =4,2 (CALL_OPS): the literal's two NOPs before the symbol, two at it. */
	fill_words(&img, 14, 4, A64_NOP);
	site = only_site(&img, 0x100038);
	ck_assert_uint_eq(site.func, 0x100040);
	ck_assert_uint_eq(site.literal, 0x100038);
	ck_assert_uint_eq(site.body, 0x100048);
	/* =4: four NOPs, the BL of `stp / mov / bl / ldp` is the third. */
	fill_words(&img, 32, 4, A64_NOP);
	site = only_site(&img, 0x100080);
	ck_assert_uint_eq(site.bl, 0x100088);
	ck_assert_uint_eq(site.body, 0x100090);
	/* A record whose words are not NOPs is no site. */
	rec = 0x100020;
	ck_assert_uint_eq(fake_sites(&img, &rec, 1, s), 0);
}
END_TEST

/* ---- layouts shared by guest and host ---- */

START_TEST(test_pt_regs_layout)
{
	ck_assert_uint_eq(offsetof(struct pt_regs, regs[0]), 0);
	ck_assert_uint_eq(offsetof(struct pt_regs, regs[29]), 232);
	ck_assert_uint_eq(offsetof(struct pt_regs, regs[30]), 240);
	ck_assert_uint_eq(offsetof(struct pt_regs, sp), 248);
	ck_assert_uint_eq(offsetof(struct pt_regs, pc), 256);
	ck_assert_uint_eq(offsetof(struct pt_regs, pstate), 264);
	ck_assert_uint_eq(sizeof(struct pt_regs), PT_REGS_SIZE);
	ck_assert_uint_eq(FTRACE_FRAME_SIZE % 16, 0);
	ck_assert_uint_eq(sizeof(struct pc_record), PC_RECORD_SIZE);
	ck_assert_int_eq(EFAULT, 14);
	ck_assert_int_eq(EBUSY, 16);
	ck_assert_int_eq(EINVAL, 22);
	ck_assert_int_eq(ERANGE, 34);
	ck_assert_int_eq(EILSEQ, 84);
}
END_TEST

/* ---- the built guest image (a minimal ELF64 reader; the emulator has the real loader) ---- */

struct elf_file {
	uint8_t *data;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
};

static void elf_open(struct elf_file *f, const char *path)
{
	FILE *fp = fopen(path, "rb");

	ck_assert_msg(fp != NULL, "%s missing: build the guest_images target first", path);
	fseek(fp, 0, SEEK_END);
	f->size = (size_t)ftell(fp);
	rewind(fp);
	f->data = malloc(f->size);
	ck_assert(f->data != NULL && fread(f->data, 1, f->size, fp) == f->size);
	fclose(fp);
	f->eh = (const Elf64_Ehdr *)f->data;
	ck_assert(f->size > sizeof(Elf64_Ehdr) && memcmp(f->eh->e_ident, ELFMAG, SELFMAG) == 0);
	ck_assert_int_eq(f->eh->e_machine, EM_AARCH64);
	ck_assert(f->eh->e_shoff + (size_t)f->eh->e_shnum * sizeof(Elf64_Shdr) <= f->size);
	f->sh = (const Elf64_Shdr *)(f->data + f->eh->e_shoff);
}

static const Elf64_Shdr *elf_section(const struct elf_file *f, const char *name)
{
	const char *names = (const char *)f->data + f->sh[f->eh->e_shstrndx].sh_offset;

	for (unsigned i = 0; i < f->eh->e_shnum; i++)
		if (strcmp(names + f->sh[i].sh_name, name) == 0)
			return &f->sh[i];
	return NULL;
}

/* Symbol value by name; 0 if absent. */
static uint64_t elf_symbol(const struct elf_file *f, const char *name)
{
	const Elf64_Shdr *symtab = elf_section(f, ".symtab");
	const Elf64_Sym *syms = (const Elf64_Sym *)(f->data + symtab->sh_offset);
	const char *str = (const char *)f->data + f->sh[symtab->sh_link].sh_offset;

	for (size_t i = 0; i < symtab->sh_size / sizeof(Elf64_Sym); i++)
		if (strcmp(str + syms[i].st_name, name) == 0)
			return syms[i].st_value;
	return 0;
}

/* The 32-bit word at a text address. */
static uint32_t elf_word(const struct elf_file *f, uint64_t addr)
{
	const Elf64_Shdr *text = elf_section(f, ".text");
	uint32_t w;

	ck_assert(addr >= text->sh_addr && addr + 4 <= text->sh_addr + text->sh_size);
	memcpy(&w, f->data + text->sh_offset + (addr - text->sh_addr), 4);
	return w;
}

static int is_record(const uint64_t *recs, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (recs[i] == addr)
			return 1;
	return 0;
}

START_TEST(test_guest_image)
{
	struct elf_file f;
	const Elf64_Shdr *pfe, *symtab;
	const uint64_t *recs;
	size_t nrecs, ntraced = 0;

	elf_open(&f, PATCHCHECK_GUEST_DIR "/arm64/ftrace.elf");
	pfe = elf_section(&f, "__patchable_function_entries");
	ck_assert_ptr_nonnull(pfe);
	ck_assert(pfe->sh_flags & SHF_ALLOC);
	ck_assert_uint_eq(elf_symbol(&f, "__start___patchable_function_entries"), pfe->sh_addr);
	ck_assert_uint_eq(elf_symbol(&f, "__stop___patchable_function_entries"),
			  pfe->sh_addr + pfe->sh_size);
	recs = (const uint64_t *)(f.data + pfe->sh_offset);
	nrecs = pfe->sh_size / 8;
	ck_assert_uint_ge(nrecs, 6);

	/* every record is a traced_* function starting with nop; nop */
	for (size_t i = 0; i < nrecs; i++) {
		ck_assert_uint_eq(elf_word(&f, recs[i]), A64_NOP);
		ck_assert_uint_eq(elf_word(&f, recs[i] + 4), A64_NOP);
	}
	symtab = elf_section(&f, ".symtab");
	const Elf64_Sym *syms = (const Elf64_Sym *)(f.data + symtab->sh_offset);
	const char *str = (const char *)f.data + f.sh[symtab->sh_link].sh_offset;
	for (size_t i = 0; i < symtab->sh_size / sizeof(Elf64_Sym); i++) {
		const char *name = str + syms[i].st_name;

		if (ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC)
			continue;
		if (strncmp(name, "traced_", 7) == 0) {
			ntraced++;
			ck_assert_msg(is_record(recs, nrecs, syms[i].st_value), "%s has no record", name);
		} else {
			ck_assert_msg(!is_record(recs, nrecs, syms[i].st_value),
				      "%s must not be a patch site", name);
		}
	}
	ck_assert_uint_eq(ntraced, nrecs);

	/* the exported names scenarios use */
	static const char *const names[] = {
		"ftrace_caller", "ftrace_regs_caller", "ftrace_caller_bad_lr",
		"ftrace_caller_clobber_x2", "ftrace_stub", "record_regs", "redirect_pc",
		"record_kprobe", "pc_set_callback", "pc_set_redirect", "ftrace_trace_function",
		"function_trace_op", "ftrace_global_ops", "pc_records", "pc_redirect_target",
		"ftrace_init_nop", "ftrace_make_call", "ftrace_make_nop", "ftrace_modify_call",
		"patch_text_nosync", "patch_store32", "patch_text_checked", "patch_read_insn",
		"traced_add3", "traced_mix", "traced_outer", "patched_add3", "_stext", "_etext",
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(elf_symbol(&f, names[i]) != 0, "symbol %s missing", names[i]);

	/* the patcher's only code write and its maintenance sequence */
	uint64_t st = elf_symbol(&f, "patch_store32");
	static const uint32_t seq[] = { W_STR_W1_X0, W_DC_CVAU_X0, A64_DSB_ISH, W_IC_IVAU_X0,
					A64_DSB_ISH, A64_ISB };
	for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		ck_assert_uint_eq(elf_word(&f, st + 4 * i), seq[i]);

	/* small (its data starts at the page after the text: under 32 KiB), and the text bounds
	 * the patcher checks cover every site */
	ck_assert_uint_lt(elf_symbol(&f, "_end") - elf_symbol(&f, "_stext"), 0x8000);
	for (size_t i = 0; i < nrecs; i++)
		ck_assert(recs[i] >= elf_symbol(&f, "_stext") && recs[i] + 8 <= elf_symbol(&f, "_etext"));
	free(f.data);
}
END_TEST

static Suite *encoders_suite(void)
{
	Suite *s = suite_create("encoders");
	TCase *tc = tcase_create("a64");

	tcase_add_test(tc, test_constants);
	tcase_add_test(tc, test_bl);
	tcase_add_test(tc, test_b);
	tcase_add_test(tc, test_plt_words);
	tcase_add_test(tc, test_brk);
	tcase_add_test(tc, test_classifiers);
	tcase_add_test(tc, test_branch_roundtrip);
	tcase_add_test(tc, test_reachability);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, test_cmodx_safe);
	tcase_add_test(tc, test_cmodx_other);
	tcase_add_test(tc, test_decode_special);
	tcase_add_test(tc, test_decode_exclusive);
	tcase_add_test(tc, test_decode_mem_order);
	tcase_add_test(tc, test_site_layout);
	tcase_add_test(tc, test_pt_regs_layout);
	suite_add_tcase(s, tc);

	tc = tcase_create("guest_image");
	tcase_add_test(tc, test_guest_image);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_check_suite(encoders_suite());
}
