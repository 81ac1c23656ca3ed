/*
 * test_arm.c - the arm32 arch: A32 and T32 encoders and classifiers (models/arm/insn_arm.h)
 * against llvm-mc-14, the arch models' special-instruction decoding and CMODX classes, the patch
 * sites of both built images (ftrace_arm, ftrace_thumb), Thumb stepping on the machine, the
 * guest patcher and trampolines run directly on a machine, and every scenario of
 * scenarios/arm decided as it expects, each failure replaying to the same failure.
 *
 * Expected words were produced by llvm-mc-14 -triple=armv7a|thumbv7a -show-encoding; a T32
 * word is the instruction's bytes read little-endian (first halfword in bits 0-15).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arm/guest/pt_regs.h"
#include "arm/insn_arm.h"
#include "explorer.h"
#include "guest_abi.h"
#include "machine.h"
#include "test_support.h"

extern const struct arch_model arch_model_arm, arch_model_arm_thumb;

#define PC 0x100000ull /* where the branches under test sit */

/* A32 words from llvm-mc-14 -triple=armv7a. */
#define A_BL_8         0xeb000002u /* bl #8 */
#define A_BL_M8        0xebfffffeu /* bl #-8 */
#define A_BL_MAX       0xeb7fffffu /* bl #33554428 */
#define A_BL_MIN       0xeb800000u /* bl #-33554432 */
#define A_BL_0         0xeb000000u /* bl #0 */
#define A_ADD_SP_4     0xe28dd004u /* add sp, sp, #4 */
#define A_LDM_SP_LR    0xe8bd4000u /* ldm sp!, {lr} */
#define A_PUSH_LR      0xe52de004u /* push {lr} */
#define A_ICIMVAU_R3   0xee073f35u /* mcr p15, #0, r3, c7, c5, #1 */
#define A_DCCMVAU_R7   0xee077f3bu /* mcr p15, #0, r7, c7, c11, #1 */
#define A_ICIALLU      0xee070f15u /* mcr p15, #0, r0, c7, c5, #0 */
#define A_BPIALL       0xee070fd5u /* mcr p15, #0, r0, c7, c5, #6 */
#define A_CP15ISB      0xee070f95u /* mcr p15, #0, r0, c7, c5, #4 */
#define A_DSB_ISH      0xf57ff04bu
#define A_DMB_ISH      0xf57ff05bu
#define A_ISB_SY       0xf57ff06fu
#define A_BKPT_1234    0xe1212374u /* bkpt #0x1234 */
#define A_WFE          0xe320f002u
#define A_YIELD        0xe320f001u
#define A_SEV          0xe320f004u
#define A_NOP          0xe320f000u
#define A_ADD          0xe0810002u /* add r0, r1, r2 */
#define A_B_16         0xea000004u /* b #16 */
#define A_SVC_5        0xef000005u
#define A_MOVNE        0x13a00001u /* movne r0, #1 */
#define A_MOV_R0_R0    0xe1a00000u

/* T32 words from llvm-mc-14 -triple=thumbv7a. */
#define T_BL_8         0xf804f000u /* bl #8 */
#define T_BL_M4        0xfffef7ffu /* bl #-4 */
#define T_BL_12        0xf806f000u /* bl #12 */
#define T_BL_MAX       0xd7fff3ffu /* bl #16777214 */
#define T_BL_MIN       0xd000f400u /* bl #-16777216 */
#define T_BL_M1M       0xf800f700u /* bl #-1048576 */
#define T_ADD_W_SP_4   0x0d04f10du /* add.w sp, sp, #4 */
#define T_POP_W_LR     0xeb04f85du /* ldr lr, [sp], #4 (pop.w {lr}) */
#define T_PUSH_LR      0xb500u
#define T_ICIMVAU_R3   0x3f35ee07u
#define T_DCCMVAU_R7   0x7f3bee07u
#define T_ICIALLU      0x0f15ee07u
#define T_DSB_ISH      0x8f4bf3bfu
#define T_ISB_SY       0x8f6ff3bfu
#define T_BKPT_12      0xbe12u
#define T_WFE          0xbf20u
#define T_YIELD        0xbf10u
#define T_WFE_W        0x8002f3afu
#define T_YIELD_W      0x8001f3afu
#define T_NOP          0xbf00u
#define T_NOP_W        0x8000f3afu
#define T_ADDS         0x1888u     /* adds r0, r1, r2 */
#define T_B_W_1024     0xba00f000u /* b.w #1024 */
#define T_B_16         0xe008u     /* b #16 */
#define T_SVC_5        0xdf05u
#define T_PUSH_R7_LR   0xb580u
#define T_IT_NE        0xbf18u

static void put32(uint8_t *b, uint32_t w)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(w >> (8 * i));
}

/* ---- encoders ---- */

START_TEST(test_arm_bl)
{
	static const struct {
		int64_t off;
		uint32_t word;
	} cases[] = {{8, A_BL_8}, {-8, A_BL_M8}, {33554428, A_BL_MAX}, {-33554432, A_BL_MIN},
		     {0, A_BL_0}};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t target = PC + 8 + (uint64_t)cases[i].off;

		ck_assert_uint_eq(arm_encode_bl(PC, target), cases[i].word);
		ck_assert_uint_eq(arch_model_arm.encode_bl(PC, target), cases[i].word);
		ck_assert(arm_is_bl(cases[i].word));
		ck_assert(!arm_is_b(cases[i].word));
		ck_assert_uint_eq(arm_branch_target(PC, cases[i].word), target);
		ck_assert(arm_bl_reachable(PC, target));
	}
	ck_assert(!arm_bl_reachable(PC, PC + 8 + 33554432));
	ck_assert(!arm_bl_reachable(PC, PC + 8 - 33554436));
	ck_assert(!arm_bl_reachable(PC, PC + 10));
	ck_assert(arm_is_b(A_B_16));
	ck_assert(!arm_is_bl(A_B_16));
}
END_TEST

START_TEST(test_thumb_bl)
{
	static const struct {
		int64_t off;
		uint32_t word;
	} cases[] = {{8, T_BL_8}, {-4, T_BL_M4}, {12, T_BL_12}, {16777214, T_BL_MAX},
		     {-16777216, T_BL_MIN}, {-1048576, T_BL_M1M}};

	/* The offset is from pc + 4 whether the BL is at 0 or at 2 mod 4 (only BLX aligns). */
	for (uint64_t pc = PC; pc <= PC + 2; pc += 2) {
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			uint64_t target = pc + 4 + (uint64_t)cases[i].off;

			ck_assert_uint_eq(thumb_encode_bl(pc, target), cases[i].word);
			/* the host model takes function pointers: bit 0 set */
			ck_assert_uint_eq(arch_model_arm_thumb.encode_bl(pc, target | 1),
					  cases[i].word);
			ck_assert(thumb_is_bl(cases[i].word));
			ck_assert(!thumb_is_b_w(cases[i].word));
			ck_assert_uint_eq(thumb_bl_target(pc, cases[i].word), target);
			ck_assert(thumb_bl_reachable(pc, target));
			ck_assert_uint_eq(thumb_insn_length(cases[i].word & 0xffff), 4);
		}
		ck_assert(!thumb_bl_reachable(pc, pc + 4 + 16777216));
		ck_assert(!thumb_bl_reachable(pc, pc + 4 - 16777218));
		ck_assert(!thumb_bl_reachable(pc, pc + 5));
	}
	ck_assert(thumb_is_b_w(T_B_W_1024));
	ck_assert(!thumb_is_bl(T_B_W_1024));
}
END_TEST

START_TEST(test_site_words)
{
	ck_assert_uint_eq(ARM_ADD_SP_4, A_ADD_SP_4);
	ck_assert_uint_eq(ARM_POP_LR, A_LDM_SP_LR);
	ck_assert_uint_eq(ARM_PUSH_LR, A_PUSH_LR);
	ck_assert_uint_eq(ARM_NOP, A_NOP);
	ck_assert_uint_eq(THUMB_ADD_W_SP_4, T_ADD_W_SP_4);
	ck_assert_uint_eq(THUMB_POP_W_LR, T_POP_W_LR);
	ck_assert_uint_eq(THUMB_PUSH_LR, T_PUSH_LR);
	ck_assert_uint_eq(THUMB_NOP_W, T_NOP_W);
	ck_assert_uint_eq(arch_model_arm.encode_nop(), A_ADD_SP_4);
	ck_assert_uint_eq(arch_model_arm_thumb.encode_nop(), T_ADD_W_SP_4);
	ck_assert_uint_eq(thumb_insn_length(T_ADD_W_SP_4 & 0xffff), 4);
	ck_assert_uint_eq(thumb_insn_length(T_POP_W_LR & 0xffff), 4);
	ck_assert_uint_eq(thumb_insn_length(T_PUSH_LR), 2);
	ck_assert_uint_eq(thumb_insn_length(T_ADDS), 2);
	ck_assert_uint_eq(thumb_insn_length(T_B_16), 2);
	ck_assert_uint_eq(thumb_insn_length(0xe7ffu), 2); /* b #-2: 0b11100 is 16-bit */
	/* the pt_regs the trampolines build (pt_regs.h: the 72-byte layout the arm ftrace-with-regs thread (2017) settled on) */
	ck_assert_uint_eq(S_IP, 48);
	ck_assert_uint_eq(S_SP, 52);
	ck_assert_uint_eq(S_LR, 56);
	ck_assert_uint_eq(S_PC, 60);
	ck_assert_uint_eq(S_PSR, 64);
	ck_assert_uint_eq(S_OLD_R0, 68);
	ck_assert_uint_eq(sizeof(struct pt_regs), 72);
}
END_TEST

/* ---- decoding ---- */

static void decode(const struct arch_model *arch, uint32_t word, struct special_insn *out)
{
	uint8_t b[4];

	put32(b, word);
	arch->decode_special(b, out);
}

static void expect_special(const struct arch_model *arch, uint32_t word, enum special_kind kind,
			   unsigned len, int addr_reg)
{
	struct special_insn s;
	uint8_t b[4];

	decode(arch, word, &s);
	ck_assert_msg(s.kind == kind, "%s %08x: kind %d, expected %d", arch->cs_mode ? "T32" : "A32",
		      word, s.kind, kind);
	ck_assert_uint_eq(s.len, len);
	ck_assert_int_eq(s.addr_reg, addr_reg);
	put32(b, word);
	ck_assert_uint_eq(arch->insn_length(b), len);
}

START_TEST(test_decode_special_arm)
{
	const struct arch_model *a = &arch_model_arm;
	struct special_insn s;

	expect_special(a, A_ICIMVAU_R3, SPECIAL_ICACHE_SYNC, 4, 3);
	expect_special(a, A_ICIMVAU_R3 & 0x1fffffffu, SPECIAL_ICACHE_SYNC, 4, 3); /* cond NE */
	expect_special(a, A_DCCMVAU_R7, SPECIAL_DCACHE, 4, 7);
	expect_special(a, A_ICIALLU, SPECIAL_ICACHE_SYNC, 4, -1);
	expect_special(a, A_BPIALL, SPECIAL_HINT, 4, -1); /* branch predictors: not kept */
	expect_special(a, A_CP15ISB, SPECIAL_ISB, 4, -1);
	expect_special(a, A_DSB_ISH, SPECIAL_DSB, 4, -1);
	expect_special(a, A_DMB_ISH, SPECIAL_BARRIER, 4, -1);
	expect_special(a, A_ISB_SY, SPECIAL_ISB, 4, -1);
	expect_special(a, A_WFE, SPECIAL_HINT, 4, -1);
	expect_special(a, A_YIELD, SPECIAL_HINT, 4, -1);
	expect_special(a, A_SEV, SPECIAL_HINT, 4, -1);
	expect_special(a, A_BKPT_1234, SPECIAL_BREAKPOINT, 4, -1);
	decode(a, A_BKPT_1234, &s);
	ck_assert_uint_eq(s.imm, 0x1234);
	expect_special(a, A_NOP, SPECIAL_NONE, 4, -1);
	expect_special(a, A_ADD, SPECIAL_NONE, 4, -1);
	expect_special(a, A_BL_8, SPECIAL_NONE, 4, -1);
	expect_special(a, A_ADD_SP_4, SPECIAL_NONE, 4, -1);
	/* T32 words mean something else in A32 */
	expect_special(a, T_ICIMVAU_R3, SPECIAL_NONE, 4, -1);
}
END_TEST

/* Exclusive sections in both instruction sets: the words as llvm-mc assembles them (T32 with
 * its first halfword low). */
START_TEST(test_decode_exclusive)
{
	static const struct {
		bool thumb;
		uint32_t word;
		enum exclusive_role role;
	} cases[] = {
		{false, 0xe1910f9fu, EXCL_OPEN},  /* ldrex r0, [r1] */
		{false, 0xe1b42f9fu, EXCL_OPEN},  /* ldrexd r2, r3, [r4] */
		{false, 0xe1d10f9fu, EXCL_OPEN},  /* ldrexb r0, [r1] */
		{false, 0xe1f10f9fu, EXCL_OPEN},  /* ldrexh r0, [r1] */
		{false, 0xe1812f90u, EXCL_CLOSE}, /* strex r2, r0, [r1] */
		{false, 0xe1a41f92u, EXCL_CLOSE}, /* strexd r1, r2, r3, [r4] */
		{false, 0xe1c12f90u, EXCL_CLOSE}, /* strexb r2, r0, [r1] */
		{false, 0xf57ff01fu, EXCL_CLOSE}, /* clrex */
		{false, 0xe5910000u, EXCL_NONE},  /* ldr r0, [r1] */
		{false, 0xe1020091u, EXCL_NONE},  /* swp r0, r1, [r2] */
		{true, 0x0f00e851u, EXCL_OPEN},   /* ldrex r0, [r1] */
		{true, 0x237fe8d4u, EXCL_OPEN},   /* ldrexd r2, r3, [r4] */
		{true, 0x0f4fe8d1u, EXCL_OPEN},   /* ldrexb r0, [r1] */
		{true, 0x0f5fe8d1u, EXCL_OPEN},   /* ldrexh r0, [r1] */
		{true, 0x0200e841u, EXCL_CLOSE},  /* strex r2, r0, [r1] */
		{true, 0x2371e8c4u, EXCL_CLOSE},  /* strexd r1, r2, r3, [r4] */
		{true, 0x0f42e8c1u, EXCL_CLOSE},  /* strexb r2, r0, [r1] */
		{true, 0x8f2ff3bfu, EXCL_CLOSE},  /* clrex */
		{true, 0xf001e8d0u, EXCL_NONE},   /* tbb [r0, r1] */
		{true, T_BL_8, EXCL_NONE},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct special_insn s;

		decode(cases[i].thumb ? &arch_model_arm_thumb : &arch_model_arm, cases[i].word, &s);
		ck_assert_msg(s.exclusive == cases[i].role, "%s %08x: exclusive %d, expected %d",
			      cases[i].thumb ? "T32" : "A32", cases[i].word, s.exclusive,
			      cases[i].role);
	}
}
END_TEST

/*
 * The data model's view of A32 and T32 words (llvm-mc -triple=armv7a|thumbv7a -mattr=+v8
 * -show-encoding): r0..r14 as bits 0..14, the flags bit 16, d0..d31 bits 17..48; barriers by
 * their option, exclusives, acquire and release, writeback, branches, conditions, IT blocks.
 */
#define MO_R(n) (1ull << (n))
#define MO_FLAGS (1ull << 16)
#define MO_D(n) (1ull << (17 + (n)))

static struct mem_order order_of(const struct arch_model *arch, uint32_t w)
{
	struct mem_order o;
	uint8_t b[4];

	put32(b, w);
	arch->decode_mem_order(b, arch->insn_length(b), &o);
	return o;
}

static struct mem_order a32(uint32_t w)
{
	return order_of(&arch_model_arm, w);
}

static struct mem_order t32(uint32_t w)
{
	return order_of(&arch_model_arm_thumb, w);
}

static void expect_fence(struct mem_order o, unsigned pred, unsigned succ)
{
	ck_assert_uint_eq(o.fence_pred, pred);
	ck_assert_uint_eq(o.fence_succ, succ);
}

START_TEST(test_decode_mem_order)
{
	struct mem_order o;

	expect_fence(a32(A_DMB_ISH), MEM_R | MEM_W, MEM_R | MEM_W);
	expect_fence(a32(0xf57ff05au), MEM_W, MEM_W);                /* dmb ishst */
	expect_fence(a32(0xf57ff059u), MEM_R, MEM_R | MEM_W);        /* dmb ishld */
	expect_fence(a32(0xf57ff05fu), MEM_R | MEM_W, MEM_R | MEM_W); /* dmb sy */
	expect_fence(a32(A_DSB_ISH), MEM_R | MEM_W, MEM_R | MEM_W);
	expect_fence(a32(0xee070fbau), MEM_R | MEM_W, MEM_R | MEM_W); /* mcr CP15DMB */
	ck_assert(a32(A_ISB_SY).ctx_sync && !a32(A_ISB_SY).fence_pred);
	ck_assert(a32(0xe25ef004u).ctx_sync); /* subs pc, lr, #4 */
	o = a32(0xe1910f9fu); /* ldrex r0, [r1] */
	ck_assert(o.atomic && !o.acquire && !o.release);
	ck_assert_uint_eq(o.reads, MO_R(1));
	ck_assert_uint_eq(o.writes, MO_R(0));
	o = a32(0xe1812f90u); /* strex r2, r0, [r1] */
	ck_assert(o.atomic && !o.release);
	ck_assert_uint_eq(o.reads, MO_R(0) | MO_R(1));
	ck_assert_uint_eq(o.writes, MO_R(2));
	o = a32(0xe1b24f9fu); /* ldrexd r4, r5, [r2]: Capstone 4 lists neither of the pair */
	ck_assert_uint_eq(o.writes, MO_R(4) | MO_R(5));
	o = a32(0xe1a23f94u); /* strexd r3, r4, r5, [r2] */
	ck_assert_uint_eq(o.reads, MO_R(2) | MO_R(4) | MO_R(5));
	ck_assert_uint_eq(o.writes, MO_R(3));
	o = a32(0xe1910c9fu); /* lda r0, [r1] */
	ck_assert(o.acquire && !o.atomic && !o.release);
	ck_assert_uint_eq(o.writes, MO_R(0));
	o = a32(0xe181fc90u); /* stl r0, [r1] */
	ck_assert(o.release && !o.atomic && !o.acquire);
	ck_assert_uint_eq(o.reads, MO_R(0) | MO_R(1));
	o = a32(0xe1910e9fu); /* ldaex r0, [r1] */
	ck_assert(o.acquire && o.atomic);
	o = a32(0xe1812e90u); /* stlex r2, r0, [r1] */
	ck_assert(o.release && o.atomic);
	ck_assert(a32(0xe1020091u).atomic); /* swp r0, r1, [r2] */
	o = a32(0xe5910000u); /* ldr r0, [r1] */
	ck_assert(!o.exact && !o.atomic && !o.acquire && !o.branch && !o.fence_pred);
	ck_assert_uint_eq(o.reads, MO_R(1));
	ck_assert_uint_eq(o.writes, MO_R(0));
	ck_assert_uint_eq(a32(0xe7810002u).reads, MO_R(0) | MO_R(1) | MO_R(2)); /* str r0, [r1, r2] */
	o = a32(0xe4910004u); /* ldr r0, [r1], #4 */
	ck_assert_uint_eq(o.writes, MO_R(0) | MO_R(1));
	ck_assert_uint_eq(o.writeback, MO_R(1));
	ck_assert_uint_eq(a32(0xe8b00006u).writeback, MO_R(0)); /* ldm r0!, {r1, r2} */
	ck_assert_uint_eq(a32(0xe92d4010u).writeback, MO_R(13)); /* push {r4, lr} */
	o = a32(0xe8bd8010u); /* pop {r4, pc}: a branch to a loaded target */
	ck_assert(o.branch && o.branch_on_load);
	ck_assert_uint_eq(o.writeback, MO_R(13));
	ck_assert_uint_eq(o.writes, MO_R(4) | MO_R(13));
	ck_assert_uint_eq(a32(0xe0910002u).writes, MO_R(0) | MO_FLAGS); /* adds r0, r1, r2 */
	o = a32(A_MOVNE); /* movne r0, #1: conditional, reads the flags */
	ck_assert(o.branch && (o.reads & MO_FLAGS));
	o = a32(0x0a000002u); /* beq #8 */
	ck_assert(o.branch && !o.branch_on_load && o.reads == MO_FLAGS);
	ck_assert(!a32(0xea000002u).branch); /* b #8 */
	ck_assert(!a32(A_BL_8).branch);
	o = a32(0xe12fff1eu); /* bx lr: Capstone 4 lists no lr */
	ck_assert(o.branch);
	ck_assert_uint_eq(o.reads, MO_R(14));
	ck_assert_uint_eq(a32(0xe10f0000u).reads, MO_FLAGS); /* mrs r0, apsr */
	ck_assert(a32(0xe128f000u).writes & MO_FLAGS);     /* msr APSR_nzcvq, r0 */
	ck_assert_uint_eq(a32(0xe59f0004u).reads, 0);       /* ldr r0, [pc, #4] */
	ck_assert_uint_eq(a32(0xed931b00u).writes, MO_D(1)); /* vldr d1, [r3] */

	expect_fence(t32(0x8f5bf3bfu), MEM_R | MEM_W, MEM_R | MEM_W); /* dmb ish */
	expect_fence(t32(0x8f5af3bfu), MEM_W, MEM_W);                 /* dmb ishst */
	expect_fence(t32(0x8f59f3bfu), MEM_R, MEM_R | MEM_W);         /* dmb ishld */
	ck_assert(t32(T_ISB_SY).ctx_sync);
	ck_assert(t32(0x8f04f3deu).ctx_sync); /* subs pc, lr, #4 */
	o = t32(0x0f00e851u); /* ldrex r0, [r1] */
	ck_assert(o.atomic && !o.acquire);
	ck_assert_uint_eq(o.writes, MO_R(0));
	o = t32(0x0200e841u); /* strex r2, r0, [r1] */
	ck_assert(o.atomic && !o.release);
	ck_assert_uint_eq(o.writes, MO_R(2));
	ck_assert_uint_eq(t32(0x457fe8d2u).writes, MO_R(4) | MO_R(5)); /* ldrexd r4, r5, [r2] */
	o = t32(0x0fafe8d1u); /* lda r0, [r1] */
	ck_assert(o.acquire && !o.atomic);
	o = t32(0x0fafe8c1u); /* stl r0, [r1] */
	ck_assert(o.release && !o.atomic);
	o = t32(0x0fefe8d1u); /* ldaex r0, [r1] */
	ck_assert(o.acquire && o.atomic);
	o = t32(0x0fe2e8c1u); /* stlex r2, r0, [r1] */
	ck_assert(o.release && o.atomic);
	o = t32(0x45f3e8c2u); /* stlexd r3, r4, r5, [r2] */
	ck_assert(o.release && o.atomic);
	ck_assert_uint_eq(o.reads, MO_R(2) | MO_R(4) | MO_R(5));
	ck_assert_uint_eq(o.writes, MO_R(3));
	o = t32(0x6808u); /* ldr r0, [r1] (16-bit) */
	ck_assert_uint_eq(o.reads, MO_R(1));
	ck_assert_uint_eq(o.writes, MO_R(0));
	ck_assert_uint_eq(t32(0x0b04f851u).writeback, MO_R(1)); /* ldr r0, [r1], #4 */
	o = t32(0xbd10u); /* pop {r4, pc} */
	ck_assert(o.branch && o.branch_on_load);
	ck_assert_uint_eq(o.writeback, MO_R(13));
	ck_assert_uint_eq(t32(0xb510u).writeback, MO_R(13)); /* push {r4, lr} */
	ck_assert(t32(0x1888u).writes & MO_FLAGS); /* adds r0, r1, r2 */
	ck_assert_uint_eq(t32(0x2801u).writes, MO_FLAGS); /* cmp r0, #1 */
	o = t32(0xbf06u); /* itte eq: three instructions follow in the block */
	ck_assert(o.branch && o.reads == MO_FLAGS);
	ck_assert_uint_eq(o.block, 3);
	ck_assert_uint_eq(t32(T_IT_NE).block, 1);
	ck_assert_uint_eq(t32(T_NOP).block, 0);
	o = t32(0xd004u); /* beq #8 */
	ck_assert(o.branch && o.reads == MO_FLAGS);
	o = t32(0xb120u); /* cbz r0, #8: Capstone 4 lists no pc written */
	ck_assert(o.branch && o.reads == MO_R(0));
	o = t32(0xf001e8d0u); /* tbb [r0, r1]: branches by the byte it loads */
	ck_assert(o.branch && o.branch_on_load && !o.atomic);
	ck_assert(!t32(T_BL_8).branch);
	ck_assert(!t32(T_B_W_1024).branch);
	o = t32(0x4770u); /* bx lr */
	ck_assert(o.branch && o.reads == MO_R(14));
	ck_assert(t32(0xfb04f85du).branch_on_load); /* ldr pc, [sp], #4 */
	ck_assert_uint_eq(t32(0x8000f3efu).reads, MO_FLAGS); /* mrs r0, apsr */
	ck_assert(t32(0x8800f380u).writes & MO_FLAGS);     /* msr APSR_nzcvq, r0 */
}
END_TEST

START_TEST(test_decode_special_thumb)
{
	const struct arch_model *t = &arch_model_arm_thumb;
	struct special_insn s;

	expect_special(t, T_ICIMVAU_R3, SPECIAL_ICACHE_SYNC, 4, 3);
	expect_special(t, T_DCCMVAU_R7, SPECIAL_DCACHE, 4, 7);
	expect_special(t, T_ICIALLU, SPECIAL_ICACHE_SYNC, 4, -1);
	expect_special(t, T_DSB_ISH, SPECIAL_DSB, 4, -1);
	expect_special(t, T_ISB_SY, SPECIAL_ISB, 4, -1);
	expect_special(t, T_WFE, SPECIAL_HINT, 2, -1);
	expect_special(t, T_YIELD, SPECIAL_HINT, 2, -1);
	expect_special(t, T_WFE_W, SPECIAL_HINT, 4, -1);
	expect_special(t, T_YIELD_W, SPECIAL_HINT, 4, -1);
	expect_special(t, T_BKPT_12, SPECIAL_BREAKPOINT, 2, -1);
	decode(t, T_BKPT_12, &s);
	ck_assert_uint_eq(s.imm, 0x12);
	expect_special(t, T_NOP, SPECIAL_NONE, 2, -1);
	expect_special(t, T_NOP_W, SPECIAL_NONE, 4, -1);
	expect_special(t, T_IT_NE, SPECIAL_NONE, 2, -1);
	expect_special(t, T_ADDS, SPECIAL_NONE, 2, -1);
	expect_special(t, T_BL_8, SPECIAL_NONE, 4, -1);
	expect_special(t, T_ADD_W_SP_4, SPECIAL_NONE, 4, -1);
	/* the 16-bit hints decode from the first halfword whatever follows */
	expect_special(t, T_WFE | 0xb5000000u, SPECIAL_HINT, 2, -1);
}
END_TEST

START_TEST(test_cmodx)
{
	const struct arch_model *a = &arch_model_arm, *t = &arch_model_arm_thumb;

	ck_assert_int_eq(a->cmodx_classify(A_BL_8), CMODX_SAFE);
	ck_assert_int_eq(a->cmodx_classify(A_B_16), CMODX_SAFE);
	ck_assert_int_eq(a->cmodx_classify(A_NOP), CMODX_SAFE);
	ck_assert_int_eq(a->cmodx_classify(A_BKPT_1234), CMODX_SAFE);
	ck_assert_int_eq(a->cmodx_classify(A_SVC_5), CMODX_SAFE);
	ck_assert_int_eq(a->cmodx_classify(A_ADD_SP_4), CMODX_OTHER);
	ck_assert_int_eq(a->cmodx_classify(A_LDM_SP_LR), CMODX_OTHER);
	ck_assert_int_eq(a->cmodx_classify(A_MOV_R0_R0), CMODX_OTHER);
	ck_assert_int_eq(a->cmodx_classify(A_ADD), CMODX_OTHER);
	ck_assert_int_eq(a->cmodx_classify(A_PUSH_LR), CMODX_OTHER);
	/* a word that is one 32-bit T32 instruction */
	ck_assert_int_eq(t->cmodx_classify(T_BL_8), CMODX_SAFE);
	ck_assert_int_eq(t->cmodx_classify(T_B_W_1024), CMODX_SAFE);
	ck_assert_int_eq(t->cmodx_classify(T_NOP_W), CMODX_SAFE);
	ck_assert_int_eq(t->cmodx_classify(T_ADD_W_SP_4), CMODX_OTHER);
	ck_assert_int_eq(t->cmodx_classify(T_POP_W_LR), CMODX_OTHER);
	/* two 16-bit instructions */
	ck_assert_int_eq(t->cmodx_classify(T_NOP | T_B_16 << 16), CMODX_SAFE);
	ck_assert_int_eq(t->cmodx_classify(T_SVC_5 | T_BKPT_12 << 16), CMODX_SAFE);
	ck_assert_int_eq(t->cmodx_classify(T_PUSH_LR | T_NOP << 16), CMODX_OTHER);
	/* the word of a site at 2 mod 4: push {lr}, then the first half of a BL */
	ck_assert_int_eq(t->cmodx_classify(T_PUSH_LR | (T_BL_8 & 0xffff) << 16), CMODX_OTHER);
	ck_assert_int_eq(t->cmodx_classify(T_NOP | (T_BL_8 & 0xffff) << 16), CMODX_OTHER);
}
END_TEST

/* ---- the built images ---- */

struct loaded {
	struct image *img;
	struct machine *m;
	const struct arch_model *arch;
};

static bool src_lookup(void *ud, const char *name, uint64_t *addr)
{
	return image_lookup(ud, name, addr);
}

static void load_image(const char *name, unsigned nharts, struct loaded *l)
{
	char err[512];
	struct site_source src = {.func_at = image_func_at, .lookup = src_lookup};

	l->img = load_guest_image("arm", name, &arch_model_arm);
	src.ud = l->img;
	l->arch = arch_model_for_image(&arch_model_arm, &src);
	l->m = machine_open(l->arch, l->img, nharts, FETCH_COHERENT, err, sizeof(err));
	ck_assert_msg(l->m != NULL, "%s", err);
}

static void unload(struct loaded *l)
{
	machine_close(l->m);
	image_free(l->img);
}

static uint64_t sym(const struct loaded *l, const char *name)
{
	return symbol_address(l->img, name);
}

static const char *const traced_names[] = {
	"traced_leaf", "traced_one", "traced_add3", "traced_mix", "traced_outer", "traced_saved",
	"traced_make_quad", "traced_quad_sum",
};
#define NTRACED (sizeof(traced_names) / sizeof(traced_names[0]))

static size_t sites_of(const struct loaded *l, struct site_layout *out, size_t max)
{
	struct site_source src = {
		.text_begin = image_text_begin(l->img),
		.text_end = image_text_end(l->img),
		.ud = l->img,
		.func_at = image_func_at,
		.lookup = src_lookup,
	};

	src.text = machine_ram(l->m, src.text_begin, (size_t)(src.text_end - src.text_begin));
	ck_assert_ptr_nonnull(src.text);
	return l->arch->find_sites(&src, out, max);
}

static const struct site_layout *site_of(const struct site_layout *s, size_t n, uint64_t func)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].func == (func & ~1ull))
			return &s[i];
	return NULL;
}

/* Every traced function has one site: push {lr}, then the linker's BL to __gnu_mcount_nc,
 * which the model's encoder reproduces. */
static void check_sites(const char *image, bool thumb)
{
	struct loaded l;
	struct site_layout s[32];
	size_t n;
	uint64_t mcount;

	load_image(image, 1, &l);
	ck_assert_ptr_eq(l.arch, thumb ? &arch_model_arm_thumb : &arch_model_arm);
	mcount = sym(&l, "__gnu_mcount_nc");
	ck_assert_uint_eq(mcount & 1, thumb ? 1 : 0);
	n = sites_of(&l, s, 32);
	ck_assert_uint_eq(n, NTRACED);
	for (unsigned i = 0; i < NTRACED; i++) {
		uint64_t func = sym(&l, traced_names[i]);
		const struct site_layout *site = site_of(s, n, func);
		uint32_t push = 0, call = 0;

		ck_assert_msg(site, "no site in %s", traced_names[i]);
		ck_assert_uint_eq(func & 1, thumb ? 1 : 0);
		ck_assert_uint_eq(site->bl, site->start + (thumb ? 2 : 4));
		ck_assert_uint_eq(site->body, site->bl + 4);
		ck_assert_uint_eq(site->literal, 0);
		ck_assert_uint_gt(site->start, func & ~1ull); /* after the frame setup */
		ck_assert(machine_read_u32(l.m, site->start, &push));
		ck_assert(machine_read_u32(l.m, site->bl, &call));
		if (thumb)
			ck_assert_uint_eq(push & 0xffff, T_PUSH_LR);
		else
			ck_assert(push == ARM_PUSH_LR || push == ARM_PUSH_LR_STM);
		ck_assert_uint_eq(call, l.arch->encode_bl(site->bl, mcount));
	}
	if (thumb) {
		/* both placements of the call word exist, and the scenarios rely on which is which */
		ck_assert_uint_eq(site_of(s, n, sym(&l, "traced_mix"))->bl % 4, 2);
		ck_assert_uint_eq(site_of(s, n, sym(&l, "traced_outer"))->bl % 4, 2);
		ck_assert_uint_eq(site_of(s, n, sym(&l, "traced_add3"))->bl % 4, 0);
	}
	unload(&l);
}

START_TEST(test_sites_arm)
{
	check_sites("ftrace_arm", false);
}
END_TEST

START_TEST(test_sites_thumb)
{
	check_sites("ftrace_thumb", true);
}
END_TEST

/* Run func(args) on a hart to completion; every step of it in the model's instruction set.
 * Returns r0; *its counts IT instructions, which must each run as a step with their block. */
static uint64_t call_on(struct loaded *l, unsigned hart, const char *func, const uint64_t *args,
			unsigned nargs, unsigned *its)
{
	struct step_info info;
	uint64_t f = sym(l, func);
	unsigned n = 0;

	machine_call_begin(l->m, hart, f, args, nargs);
	for (;;) {
		uint64_t pc = machine_pc(l->m, hart);
		uint64_t cpsr = machine_reg(l->m, hart, 16);
		enum step_status st;

		if (pc == MACHINE_MAGIC_RETURN)
			break;
		ck_assert_msg((cpsr & 0x20) == (l->arch == &arch_model_arm_thumb ? 0x20u : 0u),
			      "%s: cpsr %llx at %llx", func, (unsigned long long)cpsr,
			      (unsigned long long)pc);
		st = machine_step(l->m, hart, &info);
		ck_assert_msg(st == STEP_OK, "%s: step at %llx: %d %s", func,
			      (unsigned long long)info.pc, st, info.fault);
		if (its && info.len == 2 && (info.bytes[1] == 0xbf) && (info.bytes[0] & 0x0f)) {
			/* it<cond>: the block runs in the same step */
			ck_assert_uint_gt(machine_pc(l->m, hart), info.pc + 2);
			(*its)++;
		}
		ck_assert_uint_lt(++n, 100000);
	}
	return machine_reg(l->m, hart, 0);
}

/* Run the code at f (bit 0: the Thumb state) to its return, whatever the instruction set. */
static uint64_t call_on_any_state(struct loaded *l, unsigned hart, uint64_t f,
				  const uint64_t *args, unsigned nargs)
{
	struct step_info info;
	unsigned n = 0;

	machine_call_begin(l->m, hart, f, args, nargs);
	while (machine_pc(l->m, hart) != MACHINE_MAGIC_RETURN) {
		ck_assert_msg(machine_step(l->m, hart, &info) == STEP_OK, "step at %llx: %s",
			      (unsigned long long)info.pc, info.fault);
		ck_assert_uint_lt(++n, 1000);
	}
	return machine_reg(l->m, hart, 0);
}

static long native_mix(const long *v)
{
	long r = 0;

	for (int i = 0; i < 10; i++)
		r += (i + 1) * v[i];
	return r;
}

/* traced_saved on the host; the guest's b << 4 is b * 16 here (a negative b shifted is UB in C). */
static long native_saved(long a, long b)
{
	long v0 = a + 1, v1 = b * 3, v2 = a ^ b, v3 = a - b, v4 = a * b;
	long v5 = a + 7 * b, v6 = ~a, v7 = b * 16;
	long r = (a * 31) ^ (b + 17);

	return r + v0 + 2 * v1 + 3 * v2 + 4 * v3 + 5 * v4 + 6 * v5 + 7 * v6 + 8 * v7;
}

static long native_quad_sum(long a, long b)
{
	return (a + b) + 2 * (a - b) + 3 * (a * 3) + 4 * (b * 5);
}

static void check_unpatched_calls(const char *image)
{
	struct loaded l;
	const long mixv[10] = {1, -2, 3, 4, 5, 6, 7, 8, 9, 10};
	uint64_t args[10];
	unsigned its = 0;

	load_image(image, 2, &l);
	for (int i = 0; i < 10; i++)
		args[i] = (uint64_t)(uint32_t)mixv[i];
	ck_assert_int_eq((int32_t)call_on(&l, 1, "traced_mix", args, 10, NULL), native_mix(mixv));
	args[0] = 3;
	args[1] = (uint64_t)(uint32_t)-5;
	ck_assert_int_eq((int32_t)call_on(&l, 1, "traced_saved", args, 2, NULL), native_saved(3, -5));
	args[0] = 7;
	args[1] = 2;
	ck_assert_int_eq((int32_t)call_on(&l, 0, "traced_quad_sum", args, 2, NULL),
			 native_quad_sum(7, 2));
	args[1] = 11;
	ck_assert_int_eq((int32_t)call_on(&l, 0, "traced_outer", args, 2, NULL),
			 (7 + 2 * 11 + 3 * (7 ^ 11)) * 3 + 11);
	args[0] = 0;
	call_on(&l, 0, "pc_set_callback", args, 1, &its);
	if (l.arch == &arch_model_arm_thumb)
		ck_assert_uint_gt(its, 0);
	unload(&l);
}

START_TEST(test_thumb_stepping)
{
	check_unpatched_calls("ftrace_thumb");
}
END_TEST

START_TEST(test_arm_stepping)
{
	check_unpatched_calls("ftrace_arm");
}
END_TEST

/* A32 code inside the Thumb image (arm_state.S): the mapping symbols mark it, a call in the
 * ARM state runs it with the A32 model, and entering it in the Thumb state faults. */
START_TEST(test_arm_code_in_thumb_image)
{
	struct loaded l;
	struct step_info info;
	uint64_t f, args[3] = {1, 2, 3};

	load_image("ftrace_thumb", 1, &l);
	f = sym(&l, "patched_add3_arm");
	ck_assert_uint_eq(f & 1, 0);
	ck_assert_int_eq(image_code_kind_at(l.img, f), 'a');
	ck_assert_int_eq(image_code_kind_at(l.img, sym(&l, "traced_add3") & ~1ull), 't');
	ck_assert_int_eq(image_code_kind_at(l.img, 0), 0);
	ck_assert_int_eq((int32_t)call_on_any_state(&l, 0, f, args, 3), 1 + 4 + 9 + 1000);

	machine_call_begin(l.m, 0, f | 1, args, 3); /* the Thumb state at A32 code */
	ck_assert_int_eq(machine_step(l.m, 0, &info), STEP_FAULT);
	ck_assert_msg(strstr(info.fault, "instruction-set state 0x20") &&
		      strstr(info.fault, "$a"), "%s", info.fault);
	unload(&l);
}
END_TEST

/* The guest patcher enables a site, then a traced call goes through ftrace_regs_caller: its
 * result is the function's, and the record holds the function's entry state. */
static void check_patched_call(const char *image, const char *func, uint64_t site_mod4)
{
	struct loaded l;
	struct site_layout s[32];
	const struct site_layout *site;
	uint64_t args[10], rec, v;
	unsigned nregargs = strcmp(func, "traced_mix") == 0 ? 4 : 3;
	size_t n;

	load_image(image, 2, &l);
	n = sites_of(&l, s, 32);
	site = site_of(s, n, sym(&l, func));
	ck_assert_ptr_nonnull(site);
	ck_assert_uint_eq(site->bl % 4, site_mod4);
	args[0] = sym(&l, func);
	ck_assert_int_eq((int32_t)call_on(&l, 0, "ftrace_init_nop", args, 1, NULL), 0);
	ck_assert(machine_read_u32(l.m, site->bl, (uint32_t *)&v));
	ck_assert_uint_eq((uint32_t)v, l.arch->encode_nop());
	args[0] = sym(&l, "record_regs");
	call_on(&l, 0, "pc_set_callback", args, 1, NULL);
	args[0] = sym(&l, func);
	args[1] = sym(&l, "ftrace_regs_caller");
	ck_assert_int_eq((int32_t)call_on(&l, 0, "ftrace_make_call", args, 2, NULL), 0);
	ck_assert(machine_read_u32(l.m, site->bl, (uint32_t *)&v));
	ck_assert_uint_eq((uint32_t)v, l.arch->encode_bl(site->bl, args[1]));
	/* enabling it again is refused: the old word is not the disabled form */
	ck_assert_int_eq((int32_t)call_on(&l, 0, "ftrace_make_call", args, 2, NULL), -22);

	for (int i = 0; i < 10; i++)
		args[i] = (uint64_t)(i + 1);
	if (strcmp(func, "traced_mix") == 0) {
		const long mixv[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

		ck_assert_int_eq((int32_t)call_on(&l, 1, func, args, 10, NULL), native_mix(mixv));
	} else {
		ck_assert_int_eq((int32_t)call_on(&l, 1, func, args, 3, NULL), 1 + 2 * 2 + 3 * 3);
	}
	rec = sym(&l, "pc_records") + PC_RECORD_SIZE;
	ck_assert(machine_read_u64(l.m, rec, &v));
	ck_assert_uint_eq(v, 1); /* seq */
	ck_assert(machine_read_u64(l.m, rec + 8, &v));
	ck_assert_uint_eq(v, site->bl); /* ip */
	ck_assert(machine_read_u64(l.m, rec + 16, &v));
	ck_assert_uint_eq(v, MACHINE_MAGIC_RETURN); /* parent_ip */
	ck_assert(machine_read_u64(l.m, rec + 24, &v));
	ck_assert_uint_eq(v, site->body); /* ARM_pc, Thumb bit dropped */
	ck_assert(machine_read_u64(l.m, rec + 48 + 8 * 15, &v));
	ck_assert_uint_eq(v, site->body | (l.arch == &arch_model_arm_thumb)); /* raw ARM_pc */
	ck_assert(machine_read_u64(l.m, rec + 40, &v));
	ck_assert_uint_eq(v, MACHINE_MAGIC_RETURN); /* ARM_lr */
	ck_assert(machine_read_u64(l.m, rec + 32, &v));
	ck_assert_uint_eq(v % 8, 0); /* ARM_sp: SP before the push */
	ck_assert_uint_lt(v, machine_stack_top(l.m, 1));
	for (unsigned r = 0; r < nregargs; r++) {
		ck_assert(machine_read_u64(l.m, rec + 48 + 8 * r, &v));
		ck_assert_uint_eq(v, r + 1);
	}
	unload(&l);
}

START_TEST(test_patched_call_arm)
{
	check_patched_call("ftrace_arm", "traced_add3", 0);
}
END_TEST

START_TEST(test_patched_call_thumb_aligned)
{
	check_patched_call("ftrace_thumb", "traced_add3", 0);
}
END_TEST

START_TEST(test_patched_call_thumb_halfwords)
{
	check_patched_call("ftrace_thumb", "traced_mix", 2);
}
END_TEST

/* ---- the scenarios ---- */

static struct scenario scn;

static void load_scenario(const char *file)
{
	load_bundled_scenario(&scn, "arm", file);
}

static void run(struct scenario_result *res)
{
	explore_scenario(&scn, res);
}

/* The scenario is decided as it expects; a failure replays to the same failure. */
static void decide(const char *file)
{
	struct scenario_result res, again;

	load_scenario(file);
	ck_assert_str_eq(scn.arch, "arm");
	if (scn.nkernel_sources) /* a Linux tree's trampolines: the kernel_tree_gate test */
		return;
	ck_assert_uint_ge(scn.nharts, 2); /* the guest stop_machine's scenarios have two CPUs */
	ck_assert_int_eq(scn.harts[0].role, ROLE_PATCHER);
	ck_assert_msg(strlen(scn.description) > 80, "%s: say which discussion it checks", file);
	run(&res);
	ck_assert_msg(scenario_result_matches(&scn, &res), "%s: expected %s%s, got %s%s", file,
		      scn.expect == VERDICT_PASS ? "pass" : "fail:", scn.expect_invariant,
		      res.verdict == VERDICT_PASS ? "pass" : "fail: ",
		      res.failure ? res.failure->message : "");
	ck_assert_ptr_eq(res.arch, strcmp(scn.image, "ftrace_thumb") == 0 ? &arch_model_arm_thumb
									 : &arch_model_arm);
	if (res.verdict == VERDICT_PASS) {
		ck_assert_uint_gt(res.stats.executions, 1);
		scenario_result_free(&res);
		return;
	}
	ck_assert_uint_gt(res.failure->ntrace, 0);
	expect_replay_fails_the_same_way(&scn, file, res.failure, &again);
	ck_assert_str_eq(again.failure->message, res.failure->message);
	scenario_result_free(&again);
	scenario_result_free(&res);
}

START_TEST(test_every_scenario)
{
	char dir[1024];
	DIR *d;
	struct dirent *e;
	unsigned n = 0;

	snprintf(dir, sizeof(dir), "%s/scenarios/arm", PATCHCHECK_SOURCE_DIR);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		decide(e->d_name);
		n++;
	}
	closedir(d);
	ck_assert_uint_ge(n, 20);
}
END_TEST

/* The torn BL: a runner on another CPU fetches the site between the patcher's two halfword
 * stores. Running concurrently is enough, no preemption: bounded at 0 the explorer finds the
 * runner that sees half of each. Under the coherent fetch model that is only after the first
 * store and before the second; under the arch model (the scenario's) the runner, never
 * synchronised, may also fetch the halves from different versions after both. */
START_TEST(test_torn_bl_between_the_halfwords)
{
	struct scenario_result res;
	uint64_t first = 0, second = 0;
	struct image *img;
	bool saw_first = false, saw_second = false;

	load_scenario("thumb-torn-bl.yaml");
	ck_assert_str_eq(scn.fetch, "arch");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "site-consistency");
	ck_assert_uint_eq(res.failure->preemptions, 0);
	scenario_result_free(&res);

	load_scenario("thumb-torn-bl.yaml");
	snprintf(scn.fetch, sizeof(scn.fetch), "coherent");
	scn.preemptions = 0;
	scn.preemptions_bounded = true;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "site-consistency");
	ck_assert_uint_eq(res.failure->preemptions, 0);
	img = load_guest_image("arm", "ftrace_thumb", &arch_model_arm);
	first = symbol_address(img, "patch_store16_first");
	second = symbol_address(img, "patch_store16_second");
	image_free(img);
	for (size_t i = 0; i < res.failure->ntrace; i++) {
		const struct trace_step *t = &res.failure->trace[i];

		if (t->hart == 0 && t->pc == (first & ~1ull) && t->patch_write)
			saw_first = true;
		if (t->hart == 0 && t->pc == (second & ~1ull))
			saw_second = true;
	}
	ck_assert(saw_first);
	ck_assert(!saw_second);
	scenario_result_free(&res);

	/* Without ignoring it, the cmodx rule fails first: ADD.W is not in the set. */
	load_scenario("thumb-torn-bl.yaml");
	scn.nignore = 0;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "cmodx");
	scenario_result_free(&res);
}
END_TEST

/* The redirect happens: undeclared, the call that ran patched_add3 never ran its body. */
START_TEST(test_thumb_redirect_happens)
{
	struct scenario_result res;

	load_scenario("thumb-livepatch-redirect.yaml");
	scn.nredirects = 0;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "body-once");
	scenario_result_free(&res);
}
END_TEST

/* Under stop_machine the arm site survives a runner preempted inside it (the push is common
 * to every form), where arm64's two-word site does not. */
START_TEST(test_arm_stop_machine_preempted_inside_the_site)
{
	struct scenario_result res;

	load_scenario("init-and-call-stopped-preempted.yaml");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	ck_assert_uint_gt(res.stats.executions, 1);
	scenario_result_free(&res);
}
END_TEST

/* The frame chain a callback unwinds through: in the A32 image a trampoline that leaves r11
 * pointing at pt_regs fails frame-chain at the callback's entry, with nothing else wrong (the
 * same search with frame-chain ignored passes). The Thumb-2 image has no frame-pointer
 * unwinder to satisfy (models/arm/model_arm.c): the same trampoline passes there. */
START_TEST(test_frame_chain_a32_only)
{
	struct scenario_result res;

	load_scenario("flawed-fp-as-base.yaml");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "frame-chain");
	ck_assert_ptr_nonnull(strstr(res.failure->message, "at record_regs:"));
	scenario_result_free(&res);

	load_scenario("flawed-fp-as-base.yaml");
	snprintf(scn.ignore[scn.nignore++], sizeof(scn.ignore[0]), "frame-chain");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);

	load_scenario("flawed-fp-as-base.yaml");
	snprintf(scn.image, sizeof(scn.image), "ftrace_thumb");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert_uint_gt(res.stats.executions, 1);
	scenario_result_free(&res);
}
END_TEST

/* ARM_ORIG_r0 is r0 at the site, as Linux's __ftrace_regs_caller stores it: the review's
 * aligned sketch, which clears it, fails regs-seen on that field after every other field
 * matched; the trampoline with the kernel's frame passes (arm/clobber-all and the others). */
START_TEST(test_orig_r0_is_r0_at_the_site)
{
	struct scenario_result res;

	load_scenario("regs-review-aligned.yaml");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "regs-seen");
	ck_assert_msg(strstr(res.failure->message, "regs->ARM_ORIG_r0 seen by the callback") &&
		      strstr(res.failure->message, "expected 0x1, actual 0x0"), "%s",
		      res.failure->message);
	scenario_result_free(&res);

	load_scenario("regs-review-aligned.yaml");
	snprintf(scn.harts[0].calls[0].args[1].symbol,
		 sizeof(scn.harts[0].calls[0].args[1].symbol),
		 "ftrace_regs_caller");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm");
	TCase *enc = tcase_create("encoders"), *img = tcase_create("images");
	TCase *exp = tcase_create("scenarios");

	tcase_add_test(enc, test_arm_bl);
	tcase_add_test(enc, test_thumb_bl);
	tcase_add_test(enc, test_site_words);
	tcase_add_test(enc, test_decode_special_arm);
	tcase_add_test(enc, test_decode_special_thumb);
	tcase_add_test(enc, test_decode_exclusive);
	tcase_add_test(enc, test_decode_mem_order);
	tcase_add_test(enc, test_cmodx);
	suite_add_tcase(s, enc);
	tcase_set_timeout(img, 60);
	tcase_add_test(img, test_sites_arm);
	tcase_add_test(img, test_sites_thumb);
	tcase_add_test(img, test_thumb_stepping);
	tcase_add_test(img, test_arm_stepping);
	tcase_add_test(img, test_arm_code_in_thumb_image);
	tcase_add_test(img, test_patched_call_arm);
	tcase_add_test(img, test_patched_call_thumb_aligned);
	tcase_add_test(img, test_patched_call_thumb_halfwords);
	suite_add_tcase(s, img);
	tcase_set_timeout(exp, 300);
	tcase_add_test(exp, test_every_scenario);
	tcase_add_test(exp, test_torn_bl_between_the_halfwords);
	tcase_add_test(exp, test_thumb_redirect_happens);
	tcase_add_test(exp, test_arm_stop_machine_preempted_inside_the_site);
	tcase_add_test(exp, test_frame_chain_a32_only);
	tcase_add_test(exp, test_orig_r0_is_r0_at_the_site);
	suite_add_tcase(s, exp);
	return run_check_suite(s);
}
