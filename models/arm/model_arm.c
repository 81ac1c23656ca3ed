/*
 * model_arm.c - the arm32 arch model (host side): register file, ABI sets, special
 * instructions, the CMODX set, the EABI mcount patch site, encoders (the data memory model's
 * decoder is memorder_arm.c).
 *
 * One arch, "arm", two instruction sets. A guest image is A32 (ARM) or T32 (Thumb-2), as an
 * arm kernel is built one way or the other, so there are two model structs that share
 * everything but decoding: arch_model_arm (A32, the one arch_model_find returns) and
 * arch_model_arm_thumb (T32). model_for_image picks the one for an image from the instruction
 * set of its __gnu_mcount_nc symbol (bit 0 set: Thumb). Both also declare CPSR.T as the
 * instruction-set state, so the machine restarts each step at pc | T and faults a hart that
 * ends up in the other state (a return without the Thumb bit, say) instead of running Thumb
 * code as ARM or the reverse. Code of the other set inside an image (an A32 function, .arm,
 * in the Thumb image) is known from the ELF mapping symbols ($a, $t): a hart in ARM state
 * there runs it with the A32 model (isa_other), and a hart in the wrong state faults.
 *
 * The patch site (clang -pg -meabi gnu, placed after the function's own frame setup):
 *
 *     A32:  start:    push {lr}              (stmdb sp!, {lr} or str lr, [sp, #-4]!)
 *           start+4:  bl __gnu_mcount_nc     <-> add sp, sp, #4 / pop {lr} / bl <trampoline>
 *           start+8:  body
 *     T32:  start:    push {lr}              (16-bit)
 *           start+2:  bl __gnu_mcount_nc     <-> add.w sp, sp, #4 / pop.w {lr} / bl <tramp>
 *           start+6:  body                   (the BL is at 2 mod 4 when start is 0 mod 4)
 *
 * There is no record section: find_sites scans the text for push {lr} followed by a BL to
 * __gnu_mcount_nc, inside a function.
 */
#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../arch.h"
#include "insn_arm.h"
#include "flow_arm.h"
#include "memorder_arm.h"

/* Register file: r0..r15 at their architectural numbers (pc_record regs[] are indexed the same
 * way), then CPSR. */
enum { ARM_SP = 13, ARM_LR = 14, ARM_PC = 15, ARM_CPSR = 16, ARM_NREGS = 17 };

/* pc_record regs[] slot of pt_regs' ARM_ORIG_r0 (uregs[17]; the guest records uregs[0..17]). */
#define ARM_ORIG_R0 17

#define CPSR_T (1u << 5)
#define CPSR_I (1u << 7)
#define CPSR_A (1u << 8)

static const int arm_reg_ids[ARM_NREGS] = {
	UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,  UC_ARM_REG_R4,
	UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7,  UC_ARM_REG_R8,  UC_ARM_REG_R9,
	UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
	UC_ARM_REG_PC, UC_ARM_REG_CPSR,
};

static const char *const arm_reg_names[ARM_NREGS] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "ip",
	"sp", "lr", "pc", "cpsr",
};

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint32_t le16(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8;
}

static unsigned arm_insn_length(const uint8_t *bytes)
{
	(void)bytes;
	return 4;
}

static unsigned thumb_length(const uint8_t *bytes)
{
	return thumb_insn_length(le16(bytes));
}

static void special_init(struct special_insn *out, unsigned len)
{
	out->kind = SPECIAL_NONE;
	out->len = len;
	out->addr_reg = -1;
	out->local = false;
	out->imm = 0;
	out->exclusive = EXCL_NONE;
}

/*
 * CP15 c7 maintenance by MCR (ARMv7 B4.2.1), the same operations in both instruction sets:
 * by MVA (Rt holds the address): ICIMVAU c5,1; DCCMVAU c11,1; DCCMVAC c10,1; DCCIMVAC c14,1;
 * whole-cache: ICIALLU c5,0; ICIALLUIS c1,0; BPIALL c5,6; BPIALLIS c1,6; the CP15 barriers
 * CP15ISB c5,4, CP15DSB c10,4, CP15DMB c10,5. Rt is given by the caller.
 */
static bool decode_mcr_c7(bool is_mcr_c7(arm32_insn, unsigned, unsigned), arm32_insn w, int rt,
			  struct special_insn *out)
{
	if (is_mcr_c7(w, 5, 1)) {
		out->kind = SPECIAL_ICACHE_SYNC;
		out->addr_reg = rt;
	} else if (is_mcr_c7(w, 5, 0) || is_mcr_c7(w, 1, 0)) {
		out->kind = SPECIAL_ICACHE_SYNC; /* ICIALLU, ICIALLUIS: the whole I-cache */
		out->local = is_mcr_c7(w, 5, 0); /* ICIALLU: this PE's only */
	} else if (is_mcr_c7(w, 5, 6) || is_mcr_c7(w, 1, 6)) {
		/* BPIALL, BPIALLIS: branch predictors, which the fetch model does not keep */
		out->kind = SPECIAL_HINT;
	} else if (is_mcr_c7(w, 11, 1) || is_mcr_c7(w, 10, 1) || is_mcr_c7(w, 14, 1)) {
		out->kind = SPECIAL_DCACHE;
		out->addr_reg = rt;
	} else if (is_mcr_c7(w, 5, 4)) {
		out->kind = SPECIAL_ISB;
	} else if (is_mcr_c7(w, 10, 4)) {
		out->kind = SPECIAL_DSB; /* CP15DSB */
	} else if (is_mcr_c7(w, 10, 5)) {
		out->kind = SPECIAL_BARRIER; /* CP15DMB */
	} else {
		return false;
	}
	return true;
}

static bool arm_mcr(arm32_insn w, unsigned crm, unsigned op2)
{
	return arm_is_mcr_c7(w, crm, op2) != 0;
}

static bool thumb_mcr(arm32_insn w, unsigned crm, unsigned op2)
{
	return thumb_is_mcr_c7(w, crm, op2) != 0;
}

/*
 * A32: DSB/DMB/ISB are 0xf57ff04x/5x/6x; the hints YIELD, WFE, WFI, SEV are cond 0320f00{1,2,3,4}
 * (WFE and YIELD stop Unicorn with UC_ERR_INSN_INVALID: the machine skips every hint); BKPT is
 * 0xe12 imm12 7 imm4.
 */
static void arm_decode_special(const uint8_t *bytes, struct special_insn *out)
{
	uint32_t w = le32(bytes);
	uint32_t hint = w & 0x0fffffffu;

	special_init(out, 4);
	/* DDI 0406C A8.8.75-78 / A8.8.212-215: LDREX{,D,B,H} cond 0001 1xx1 Rn Rt 1111 1001 1111,
	 * STREX{,D,B,H} cond 0001 1xx0 Rn Rd 1111 1001 Rt; CLREX f57ff01f. */
	/* Exception returns (B9.1.7): RFE{IA,IB,DA,DB} Rn{!}, SUBS pc, lr, #imm, MOVS pc, lr. */
	if ((w & 0xfe50ffffu) == 0xf8100a00u || (w & 0x0ffff000u) == 0x025ef000u ||
	    (w & 0x0fffffffu) == 0x01b0f00eu)
		out->kind = SPECIAL_EXC_RETURN;
	if ((w & 0x0f900fffu) == 0x01900f9fu)
		out->exclusive = EXCL_OPEN;
	else if ((w & 0x0f900ff0u) == 0x01800f90u || w == 0xf57ff01fu)
		out->exclusive = EXCL_CLOSE;
	if (decode_mcr_c7(arm_mcr, w, (int)((w >> 12) & 15), out))
		return;
	if ((w & 0xfffffff0u) == 0xf57ff040u) {
		out->kind = SPECIAL_DSB;
	} else if ((w & 0xfffffff0u) == 0xf57ff050u) {
		out->kind = SPECIAL_BARRIER; /* DMB */
	} else if ((w & 0xfffffff0u) == 0xf57ff060u) {
		out->kind = SPECIAL_ISB;
	} else if ((w >> 28) != 0xf && (hint == 0x0320f001u || hint == 0x0320f002u ||
					 hint == 0x0320f003u || hint == 0x0320f004u)) {
		out->kind = SPECIAL_HINT;
	} else if ((w & 0xfff000f0u) == 0xe1200070u) {
		out->kind = SPECIAL_BREAKPOINT;
		out->imm = ((w >> 4) & 0xfff0u) | (w & 0xfu);
	}
}

/*
 * T32: 16-bit BKPT 0xbexx and hints YIELD/WFE/WFI/SEV 0xbf10/20/30/40; 32-bit DSB/DMB/ISB
 * f3bf 8f4x/5x/6x, the .W hints f3af 800{1,2,3,4}, and MCR ee07 (Rt in bits 28-31 of the word).
 */
static void thumb_decode_special(const uint8_t *bytes, struct special_insn *out)
{
	uint32_t hw = le16(bytes);

	special_init(out, thumb_insn_length(hw));
	if (out->len == 2) {
		if ((hw & 0xff00u) == 0xbe00u) {
			out->kind = SPECIAL_BREAKPOINT;
			out->imm = hw & 0xffu;
		} else if (hw == 0xbf10u || hw == 0xbf20u || hw == 0xbf30u || hw == 0xbf40u) {
			out->kind = SPECIAL_HINT;
		}
		return;
	}
	uint32_t w = le32(bytes);

	/* T32 (low halfword first): LDREX e85n Rt:1111:imm8, LDREX{B,H,D} e8dn with op 0100,
	 * 0101, 0111 in bits 7:4 of the second halfword; STREX e84n, STREX{B,H,D} e8cn with op
	 * 01xx; CLREX f3bf 8f2f. */
	uint32_t hw2 = w >> 16;
	if (((w & 0xfff0u) == 0xe850u && (hw2 & 0x0f00u) == 0x0f00u) ||
	    ((w & 0xfff0u) == 0xe8d0u && (hw2 & 0xcfu) == 0x4fu))
		out->exclusive = EXCL_OPEN;
	else if ((w & 0xfff0u) == 0xe840u || ((w & 0xfff0u) == 0xe8c0u && (hw2 & 0xc0u) == 0x40u) ||
		 w == 0x8f2ff3bfu)
		out->exclusive = EXCL_CLOSE;
	if (decode_mcr_c7(thumb_mcr, w, (int)(w >> 28), out))
		return;
	if ((w & 0xfff0ffffu) == 0x8f40f3bfu)
		out->kind = SPECIAL_DSB;
	else if ((w & 0xfff0ffffu) == 0x8f50f3bfu)
		out->kind = SPECIAL_BARRIER; /* DMB */
	else if ((w & 0xfff0ffffu) == 0x8f60f3bfu)
		out->kind = SPECIAL_ISB;
	else if (w == 0x8001f3afu || w == 0x8002f3afu || w == 0x8003f3afu || w == 0x8004f3afu)
		out->kind = SPECIAL_HINT;
}

/*
 * ARMv7 A3.5.4: the instructions whose concurrent modification and execution gives either the
 * old or the new instruction. A32: B, BL, NOP, BKPT, SVC, HVC, SMC. `add sp, sp, #4` and
 * `pop {lr}`, the disabled forms of the site, are not among them: that is why arm patches
 * under stop_machine.
 */
static enum cmodx_class arm_cmodx_classify(uint32_t w)
{
	uint32_t cond = w >> 28;

	if (arm_is_b(w) || arm_is_bl(w) || (w & 0x0fffffffu) == 0x0320f000u ||
	    (w & 0xfff000f0u) == 0xe1200070u ||                     /* BKPT */
	    (cond != 0xf && (w & 0x0f000000u) == 0x0f000000u) ||    /* SVC */
	    (w & 0xfff000f0u) == 0xe1400070u ||                     /* HVC */
	    (w & 0x0ffffff0u) == 0x01600070u)                       /* SMC */
		return CMODX_SAFE;
	return CMODX_OTHER;
}

/* 16-bit T32 in the set: B (conditional and not), NOP, BKPT, SVC. */
static bool thumb16_safe(uint32_t hw)
{
	return (hw & 0xf800u) == 0xe000u ||                           /* B T2 */
	       ((hw & 0xf000u) == 0xd000u && (hw & 0x0e00u) != 0x0e00u) || /* B<c> T1 */
	       hw == THUMB_NOP || (hw & 0xff00u) == 0xbe00u ||        /* NOP, BKPT */
	       (hw & 0xff00u) == 0xdf00u;                             /* SVC */
}

/*
 * The explorer classifies aligned words. A word that starts with a 32-bit instruction is that
 * instruction (B.W, BL and NOP.W are in the set). A word that starts with a 16-bit instruction
 * holds it and the next halfword: safe only if both are 16-bit instructions of the set, since a
 * 32-bit instruction that straddles two words cannot be written by one store (that is the
 * Thumb-2 site at 2 mod 4). A word whose first halfword is the tail of a straddling
 * instruction is read as if it began one: the classification is exact for words that start
 * on an instruction boundary.
 */
static enum cmodx_class thumb_cmodx_classify(uint32_t w)
{
	uint32_t lo = w & 0xffffu, hi = w >> 16;

	if (thumb_insn_length(lo) == 4)
		return thumb_is_bl(w) || thumb_is_b_w(w) || w == THUMB_NOP_W ? CMODX_SAFE
									   : CMODX_OTHER;
	if (thumb16_safe(lo) && thumb_insn_length(hi) == 2 && thumb16_safe(hi))
		return CMODX_SAFE;
	return CMODX_OTHER;
}

/* ---- patch sites ---- */

static bool symbol(const struct site_source *src, const char *name, uint64_t *addr)
{
	return src->lookup && src->lookup(src->ud, name, addr);
}

static bool fill_site(const struct site_source *src, uint64_t start, unsigned push_len,
		      struct site_layout *out)
{
	uint64_t func;

	if (!src->func_at(src->ud, start, &func))
		return false;
	out->func = func & ~1ull;
	out->start = start;
	out->bl = start + push_len;
	out->body = out->bl + 4;
	out->literal = 0;
	return true;
}

static size_t arm_find_sites(const struct site_source *src, struct site_layout *out, size_t max)
{
	uint64_t mcount, a;
	size_t n = 0;

	if (!src->text || !symbol(src, "__gnu_mcount_nc", &mcount) || (mcount & 1))
		return 0;
	for (a = (src->text_begin + 3) & ~3ull; a + 8 <= src->text_end && n < max; a += 4) {
		const uint8_t *p = src->text + (a - src->text_begin);
		uint32_t push = le32(p), call = le32(p + 4);

		if ((push == ARM_PUSH_LR || push == ARM_PUSH_LR_STM) && arm_is_bl(call) &&
		    (call >> 28) == 0xe && arm_branch_target(a + 4, call) == mcount &&
		    fill_site(src, a, 4, &out[n]))
			n++;
	}
	return n;
}

static size_t thumb_find_sites(const struct site_source *src, struct site_layout *out, size_t max)
{
	uint64_t mcount, a;
	size_t n = 0;

	if (!src->text || !symbol(src, "__gnu_mcount_nc", &mcount) || !(mcount & 1))
		return 0;
	for (a = (src->text_begin + 1) & ~1ull; a + 6 <= src->text_end && n < max; a += 2) {
		const uint8_t *p = src->text + (a - src->text_begin);
		uint32_t call = le32(p + 2);

		if (le16(p) == THUMB_PUSH_LR && thumb_is_bl(call) &&
		    thumb_bl_target(a + 2, call) == (mcount & ~1ull) && fill_site(src, a, 2, &out[n]))
			n++;
	}
	return n;
}

/* ---- the instruction set of an image ---- */

extern const struct arch_model arch_model_arm, arch_model_arm_thumb;

/* An image is Thumb when its mcount entry is (bit 0 of the symbol); without one it is ARM. */
static const struct arch_model *arm_model_for_image(const struct site_source *src)
{
	uint64_t mcount;

	if (symbol(src, "__gnu_mcount_nc", &mcount) && (mcount & 1))
		return &arch_model_arm_thumb;
	return &arch_model_arm;
}

/* ---- encoders ---- */

/* The machine enters the vector itself (arm_take_interrupt): nothing to program. */
static int arm_set_vectors(void *uc, uint64_t vectors)
{
	(void)uc;
	(void)vectors;
	return 0;
}

/*
 * An IRQ before the instruction at pc, with the vector stub's `srsdb sp!, #0x13; cps #0x13`
 * (models/arm/guest/vectors.S says why they are one step): the return state {pc, CPSR} pushed
 * on the SVC stack, CPSR.I and CPSR.A set, the ARM state, pc = vectors + 0x18 (ARMv7 Arm ARM
 * B1.8.1, B1.8.10).
 */
static int arm_take_interrupt(void *uc, uint64_t pc, uint64_t vectors)
{
	uint32_t cpsr = 0, sp = 0, frame[2], target = (uint32_t)vectors + 0x18;
	int e;

	if ((e = uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr)) || (e = uc_reg_read(uc, UC_ARM_REG_SP, &sp)))
		return e;
	frame[0] = (uint32_t)pc & ~1u;
	frame[1] = cpsr;
	sp -= 8;
	if ((e = uc_mem_write(uc, sp, frame, sizeof(frame))) ||
	    (e = uc_reg_write(uc, UC_ARM_REG_SP, &sp)))
		return e;
	cpsr = (cpsr | CPSR_I | CPSR_A) & ~CPSR_T;
	if ((e = uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr)))
		return e;
	return uc_reg_write(uc, UC_ARM_REG_PC, &target);
}

static bool arm_interrupts_masked(void *uc)
{
	uint32_t cpsr = 0;

	uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);
	return (cpsr & CPSR_I) != 0;
}

/* Clears CPSR.I, as local_irq_enable (cpsie i) does. */
static int arm_unmask_interrupts(void *uc)
{
	uint32_t cpsr = 0;
	int e = uc_reg_read(uc, UC_ARM_REG_CPSR, &cpsr);

	if (e)
		return e;
	cpsr &= ~CPSR_I;
	return uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr);
}

static uint32_t arm_nop(void)
{
	return ARM_ADD_SP_4;
}

static uint32_t arm_bl(uint64_t pc, uint64_t target)
{
	return arm_encode_bl(pc, target);
}

static uint32_t thumb_nop(void)
{
	return THUMB_ADD_W_SP_4;
}

static uint32_t thumb_bl(uint64_t pc, uint64_t target)
{
	return thumb_encode_bl(pc, target & ~1ull);
}

/*
 * A Linux tree's arm trampolines (toolchain/ktree.c), one way per image: an arm kernel is
 * built all A32 or all Thumb-2, and the tree's entry-ftrace.S is assembled for the image's
 * instruction set. For Thumb-2 that takes what the kernel's arch/arm/Makefile passes: -mthumb,
 * and -Wa,-mthumb, without which clang's assembler silently emits A32 code from a .S file,
 * and implicit IT blocks. Every kernel .S file starts with asm/unified.h (-include). The
 * CONFIG values are the ones the tree's headers need to parse struct pt_regs.
 */
#define ARM_KTREE_COMMON                                                                       \
	.tree_arch = "arm",                                                                     \
	.header_flags = {"-march=armv7-a", "-DCONFIG_ARM=1", "-DCONFIG_MMU=1", "-DCONFIG_AEABI=1", \
			 "-DCONFIG_CPU_32v7=1", "-D__LINUX_ARM_ARCH__=7",                        \
			 "-DCONFIG_PAGE_OFFSET=0xC0000000"},                                    \
	.offsets_program = "arm/kernel/offsets.c", .compat_include = "arm/kernel/include",     \
	.glue = "arm/kernel/glue.c"

static const struct arch_kernel_tree arm_kernel_tree_thumb = {
	ARM_KTREE_COMMON,
	.image = "ftrace_thumb",
	.target_flags = {"--target=armv7a-linux-gnueabihf", "-mfloat-abi=soft", "-mthumb",
			 "-Wa,-mthumb", "-Wa,-mimplicit-it=always"},
	.config_header = "arm/kernel/config-ftrace-regs-thumb.h",
	.asm_flags = {"-include", "asm/unified.h"},
};

static const struct arch_kernel_tree arm_kernel_tree = {
	ARM_KTREE_COMMON,
	.image = "ftrace_arm",
	.target_flags = {"--target=armv7a-linux-gnueabihf", "-mfloat-abi=soft", "-marm"},
	.config_header = "arm/kernel/config-ftrace-regs-arm.h",
	.asm_flags = {"-include", "asm/unified.h"},
	.other = &arm_kernel_tree_thumb,
};

/*
 * Shared by both models. Scratch at body entry: ip (r12), which AAPCS lets any BL corrupt
 * (veneers, interworking stubs), so the compiler keeps nothing in it across the site's BL and
 * a trampoline that calls C without saving it is correct (ftrace_caller here saves r0-r3 and lr
 * only); and CPSR, whose flags are not preserved across a call (its T bit and mode are the
 * machine's instruction-set check). Callee-saved: r4-r11. A regs callback (pt_regs) must see
 * r0-r11 as at the site. Not ip: being scratch across the site's BL, it holds no value of the
 * call when the trampoline runs (a veneer may have rewritten it), so no frame can hold "ip as
 * at the site" and no callback may read it; arm's frame from 2017 to 2022 kept the body
 * address there (arm/regs-ip-as-pc). ARM_ORIG_r0 must be r0 as at the site: Linux's
 * __ftrace_regs_caller (arch/arm/kernel/entry-ftrace.S, 6.1, as merged in 2017) stores r0
 * into the OLD_R0 slot, over the parent LR the site pushed. The rules and their sources:
 * models/arm/CONTRACT.md. The CPU is Unicorn's `max`, which runs ARMv8's AArch32 additions
 * (LDA, STL and their exclusives) that its default Cortex-A15 leaves undefined.
 */
/*
 * Liveness of registers (explorer/liveness.c), AAPCS (IHI 0042) 5.1.1: a callee preserves
 * r4-r11 and SP (r9 too: Linux's platform register rule makes it callee-saved) and returns
 * through LR; r0-r3 and r12 (ip) are not the caller's after a call but for the result (6.5:
 * r0, r0-r1 for 8 bytes); a callee reads its arguments in r0-r3 (6.5) and SP. The flags are
 * CPSR's NZCV.
 */
#define ARM_LIVENESS                                                                           \
	.live_at_return = 0x0ff0ull | 1ull << ARM_SP | 1ull << ARM_LR,                         \
	.live_at_call = 1ull << ARM_SP, .call_args_all = 0xfull,                               \
	.liveness_regs = 0x1fffull | 1ull << ARM_LR, .flags_bit = 16, .flags_reg = ARM_CPSR,    \
	.flags_value_mask = 0xf0000000ull

#define ARM_COMMON                                                                             \
	.name = "arm", .uc_arch = UC_ARCH_ARM, .uc_cpu_model = UC_CPU_ARM_MAX,                  \
	.cs_arch = CS_ARCH_ARM, .page_size = 1024, .word_size = 4, .nregs = ARM_NREGS,          \
	.reg_ids = arm_reg_ids, .reg_names = arm_reg_names, .reg_pc = ARM_PC, .reg_sp = ARM_SP, \
	.reg_lr = ARM_LR, .reg_ret = 0, .arg_regs = {0, 1, 2, 3}, .narg_regs = 4,               \
	.scratch_mask = (1ull << 12) | (1ull << ARM_CPSR), .regs_seen_mask = 0x0fffull,        \
	.regs_orig_arg0 = ARM_ORIG_R0, .regs_orig_arg0_name = "ARM_ORIG_r0",                    \
	.callee_saved_mask = 0x0ff0ull, .abi_fixed_mask = 1ull << ARM_CPSR,                     \
	.stack_align = 8, .hart_id_reg_id = UC_ARM_REG_C13_C0_3, .isa_state_reg = ARM_CPSR,    \
	.isa_state_mask = CPSR_T, .model_for_image = arm_model_for_image,                      \
	.kernel_tree = &arm_kernel_tree, .set_vectors = arm_set_vectors,                       \
	.take_interrupt = arm_take_interrupt, .interrupts_masked = arm_interrupts_masked,      \
	.unmask_interrupts = arm_unmask_interrupts, .data_granule = 4,                         \
	.exception_return = {0x0e, 0xf0, 0xb0, 0xe1} /* movs pc, lr */,                        \
	.exception_return_len = 4,                                                             \
	ARM_LIVENESS

/*
 * Frame records (explorer/frame_chain.c), as Linux 6.1's arm frame-pointer unwinder walks them
 * (arch/arm/kernel/stacktrace.c, unwind_frame with CONFIG_FRAME_POINTER and no ARM_UNWIND).
 * Built with clang (CONFIG_CC_IS_CLANG, as these images are), fp (r11) points at a two-word
 * record {previous fp, return address}, like arm64's: the next fp is at fp + 0, the pc at
 * fp + 4, and the next record must lie at least a word above the last one. (A GCC APCS build
 * instead points fp at the saved pc of a {fp, sp, lr, pc} frame: next fp at fp - 12, pc at
 * fp - 4; the bundled and kernel-tree images are built with clang.) The frame-pointer
 * unwinder exists only for A32 kernels (arch/arm/Kconfig.debug: UNWINDER_FRAME_POINTER
 * depends on !THUMB2_KERNEL; a Thumb-2 kernel unwinds by the EHABI tables of
 * arch/arm/kernel/unwind.c, where r7 is only a register the tables restore), so the Thumb
 * model checks no frame chain. Linux's arm trampolines build no record of their own
 * (entry-ftrace.S leaves fpreg alone and describes its frame to the table unwinder with
 * UNWIND(.pad) / UNWIND(.save)); the site follows the traced function's prologue, whose
 * record fp already points at, so a callback's unwind goes from its own record straight to
 * the traced function's: fp unchanged at the callback passes, and a trampoline that moves fp
 * must point it at records that lead back there.
 */
const struct arch_model arch_model_arm = {
	ARM_COMMON,
	.frame_reg = 11,
	.frame_next_off = 0,
	.frame_lr_off = 4,
	.frame_shows_traced = false,
	.uc_mode = UC_MODE_ARM,
	.monitor_probe = {0xe1910f9fu /* ldrex r0, [r1] */, 0xf57ff01fu /* clrex */},
	.cs_mode = CS_MODE_ARM,
	.insn_align = 4,
	.isa_state_value = 0,
	.isa_code_kind = 'a',
	.isa_other = &arch_model_arm_thumb,
	.asm_isa = ".arm",
	.asm_return = "bx lr\n\t.ltorg",
	.insn_length = arm_insn_length,
	.decode_special = arm_decode_special,
	.decode_mem_order = a32_decode_mem_order,
	.decode_flow = a32_decode_flow,
	.cmodx_set = "B, BL, NOP, BKPT, SVC, HVC, SMC",
	.cmodx_classify = arm_cmodx_classify,
	.fetch_rule = FETCH_RULE_CACHE_MAINTENANCE,
	.cache_line = 64,
	.find_sites = arm_find_sites,
	.encode_nop = arm_nop,
	.encode_bl = arm_bl,
};

const struct arch_model arch_model_arm_thumb = {
	ARM_COMMON,
	.frame_reg = -1, /* a Thumb-2 kernel has no frame-pointer unwinder (above) */
	.uc_mode = UC_MODE_THUMB,
	/* ldrex r0, [r1]; clrex (T32: each halfword in order, little-endian) */
	.monitor_probe = {0x0f00e851u, 0x8f2ff3bfu},
	.cs_mode = CS_MODE_THUMB,
	.insn_align = 2,
	.isa_state_value = CPSR_T,
	.isa_code_kind = 't',
	.isa_other = &arch_model_arm,
	.asm_isa = ".thumb\n\t.thumb_func",
	.asm_return = "bx lr\n\t.ltorg",
	.insn_length = thumb_length,
	.decode_special = thumb_decode_special,
	.decode_mem_order = t32_decode_mem_order,
	.decode_flow = t32_decode_flow,
	.cmodx_set = "16-bit B, NOP, BKPT, SVC; 32-bit B, BL, NOP.W within one word",
	.cmodx_classify = thumb_cmodx_classify,
	.fetch_rule = FETCH_RULE_CACHE_MAINTENANCE,
	.cache_line = 64,
	.find_sites = thumb_find_sites,
	.encode_nop = thumb_nop,
	.encode_bl = thumb_bl,
};
