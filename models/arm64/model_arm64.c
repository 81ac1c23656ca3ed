/*
 * model_arm64.c - the arm64 arch model (host side): register file, ABI sets, special
 * instructions, the CMODX set, the patch-site layout, encoders.
 */
#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../arch.h"
#include "insn_arm64.h"

/* Register file order: x0..x30, sp, pc, nzcv. Index == Xn number for x0..x30. */
enum { A64_SP = 31, A64_PC = 32, A64_NZCV = 33, A64_NREGS = 34 };

static const int a64_reg_ids[A64_NREGS] = {
	UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,  UC_ARM64_REG_X4,
	UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,  UC_ARM64_REG_X8,  UC_ARM64_REG_X9,
	UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
	UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
	UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23, UC_ARM64_REG_X24,
	UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27, UC_ARM64_REG_X28, UC_ARM64_REG_X29,
	UC_ARM64_REG_X30, UC_ARM64_REG_SP,  UC_ARM64_REG_PC,  UC_ARM64_REG_NZCV,
};

static const char *const a64_reg_names[A64_NREGS] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",  "pc",  "nzcv",
};

static unsigned a64_insn_length(const uint8_t *bytes)
{
	(void)bytes;
	return 4;
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/*
 * SYS instructions are 1101 0101 0000 1 op1(3) CRn(4) CRm(4) op2(3) Rt(5).
 * IC IVAU = op1 3, C7, C5, 1; DC CVAU = op1 3, C7, C11, 1; DC CIVAC = op1 3, C7, C14, 1;
 * IC IALLU(IS) = op1 0, C7, C5|C1, 0.
 */
static void a64_decode_special(const uint8_t *bytes, struct special_insn *out)
{
	uint32_t w = le32(bytes);

	out->kind = SPECIAL_NONE;
	out->len = 4;
	out->addr_reg = -1;
	out->imm = 0;
	if ((w & 0xffffffe0u) == 0xd50b7520u) { /* IC IVAU, Xt */
		out->kind = SPECIAL_ICACHE_SYNC;
		out->addr_reg = (int)(w & 31);
	} else if (w == 0xd508751fu || w == 0xd508711fu) { /* IC IALLU, IC IALLUIS */
		out->kind = SPECIAL_ICACHE_SYNC;
	} else if ((w & 0xffffffe0u) == 0xd50b7b20u || (w & 0xffffffe0u) == 0xd50b7e20u) {
		out->kind = SPECIAL_DCACHE; /* DC CVAU / DC CIVAC */
		out->addr_reg = (int)(w & 31);
	} else if ((w & 0xfffff0ffu) == 0xd503309fu || (w & 0xfffff0ffu) == 0xd50330bfu) {
		out->kind = SPECIAL_BARRIER; /* DSB / DMB */
	} else if (w == A64_ISB) {
		out->kind = SPECIAL_ISB;
	} else if (w == 0xd503203fu || w == 0xd503205fu || w == 0xd503209fu || w == 0xd50320bfu) {
		out->kind = SPECIAL_HINT; /* YIELD, WFE, SEV, SEVL */
	} else if (a64_is_brk(w)) {
		out->kind = SPECIAL_BREAKPOINT;
		out->imm = (w >> 5) & 0xffff;
	}
}

/* DDI 0487 B2.2.5: B, BL, BRK, HVC, ISB, NOP, SMC, SVC may be modified concurrently. */
static enum cmodx_class a64_cmodx_classify(uint32_t w)
{
	if (a64_is_b(w) || a64_is_bl(w) || a64_is_brk(w) || a64_is_hvc(w) || a64_is_smc(w) ||
	    a64_is_svc(w) || w == A64_ISB || w == A64_NOP)
		return CMODX_SAFE;
	return CMODX_OTHER;
}

/*
 * -fpatchable-function-entry=N[,M]: the record is the first pad. With M pads before the symbol
 * (CALL_OPS: 2 pads = the 8-byte literal) the function starts at record + 4*M; the site is the
 * two words at func (mov x9, x30 ; bl), and the body starts at func + 8.
 */
static int a64_site_from_record(uint64_t record, unsigned pads_before, struct site_layout *out)
{
	out->func = record + 4ull * pads_before;
	out->start = out->func;
	out->bl = out->func + 4;
	out->body = out->func + 8;
	out->literal = pads_before >= 2 ? out->func - 8 : 0;
	return 0;
}

static uint32_t a64_nop(void)
{
	return A64_NOP;
}

static uint32_t a64_bl(uint64_t pc, uint64_t target)
{
	return a64_encode_bl(pc, target);
}

const struct arch_model arch_model_arm64 = {
	.name = "arm64",
	.uc_arch = UC_ARCH_ARM64,
	.uc_mode = UC_MODE_ARM,
	.uc_cpu_model = UC_CPU_ARM64_MAX,
	.cs_arch = CS_ARCH_ARM64,
	.cs_mode = CS_MODE_ARM,
	.page_size = 4096,
	.word_size = 8,
	.insn_align = 4,
	.nregs = A64_NREGS,
	.reg_ids = a64_reg_ids,
	.reg_names = a64_reg_names,
	.reg_pc = A64_PC,
	.reg_sp = A64_SP,
	.reg_lr = 30,
	.reg_ret = 0,
	.arg_regs = {0, 1, 2, 3, 4, 5, 6, 7},
	.narg_regs = 8,
	/* AAPCS64 + the ftrace convention: x9-x11, x16, x17 may differ at body entry; nzcv too. */
	.scratch_mask = (1ull << 9) | (1ull << 10) | (1ull << 11) | (1ull << 16) | (1ull << 17) |
			(1ull << A64_NZCV),
	.callee_saved_mask = 0x1ff80000ull | (1ull << 29) | (1ull << 30), /* x19-x28, fp, lr */
	.stack_align = 16,
	.hart_id_reg_id = UC_ARM64_REG_TPIDR_EL0,
	.insn_length = a64_insn_length,
	.decode_special = a64_decode_special,
	.cmodx_classify = a64_cmodx_classify,
	.site_from_record = a64_site_from_record,
	.encode_nop = a64_nop,
	.encode_bl = a64_bl,
};
