/*
 * model_arm64.c - the arm64 arch model (host side): register file, ABI sets, special
 * instructions, the CMODX set, the patch-site layout, encoders.
 */
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../arch.h"
#include "memorder_arm64.h"
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
/*
 * DDI 0487 C4.1.66, load/store exclusive: bits 29:24 = 001000, o2 (bit 23) = 0, L (bit 22)
 * loads; o1 (bit 21) with bit 31 clear is CASP, not an exclusive. CLREX ends a section too.
 */
static enum exclusive_role a64_exclusive_role(uint32_t w)
{
	if ((w & 0xfffff0ffu) == 0xd503305fu)
		return EXCL_CLOSE;
	if ((w & 0x3f800000u) != 0x08000000u || (!(w >> 31) && (w & (1u << 21))))
		return EXCL_NONE;
	return (w & (1u << 22)) ? EXCL_OPEN : EXCL_CLOSE;
}

static void a64_decode_special(const uint8_t *bytes, struct special_insn *out)
{
	uint32_t w = le32(bytes);

	out->kind = SPECIAL_NONE;
	out->len = 4;
	out->addr_reg = -1;
	out->local = false;
	out->imm = 0;
	out->exclusive = a64_exclusive_role(w);
	if ((w & 0xffffffe0u) == 0xd50b7520u) { /* IC IVAU, Xt */
		out->kind = SPECIAL_ICACHE_SYNC;
		out->addr_reg = (int)(w & 31);
	} else if (w == 0xd508751fu || w == 0xd508711fu) { /* IC IALLU, IC IALLUIS */
		out->kind = SPECIAL_ICACHE_SYNC;
		out->local = w == 0xd508751fu; /* IALLU: this PE's cache only */
	} else if ((w & 0xffffffe0u) == 0xd50b7b20u || (w & 0xffffffe0u) == 0xd50b7e20u) {
		out->kind = SPECIAL_DCACHE; /* DC CVAU / DC CIVAC */
		out->addr_reg = (int)(w & 31);
	} else if ((w & 0xfffff0ffu) == 0xd503309fu || (w & 0xfffff3ffu) == 0xd503323fu) {
		out->kind = SPECIAL_DSB; /* DSB, DSB <domain>nXS */
	} else if ((w & 0xfffff0ffu) == 0xd50330bfu) {
		out->kind = SPECIAL_BARRIER; /* DMB */
	} else if (w == 0xd69f03e0u || w == 0xd69f0bffu || w == 0xd69f0fffu) {
		out->kind = SPECIAL_EXC_RETURN; /* ERET, ERETAA, ERETAB */
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

static bool read_word(const struct site_source *src, uint64_t addr, uint32_t *w)
{
	if (addr < src->text_begin || addr + 4 > src->text_end)
		return false;
	*w = le32(src->text + (addr - src->text_begin));
	return true;
}

/*
 * -fpatchable-function-entry=N[,M] records the first of N NOPs, M of them before the symbol
 * (CALL_OPS: M = 2, the 8-byte ops literal at func-8). The site is the NOPs at and after the
 * function's entry (after a BTI C when there is one): 2 words (`mov x9, x30 ; bl`), 3 for the
 * `mov x9,x30 / bl / mov x30,x9` sequence, 4 for `stp / mov x29,sp / bl / ldp`; the body starts
 * right after them.
 */
static bool a64_site_for_record(const struct site_source *src, uint64_t record,
				struct site_layout *out)
{
	uint64_t func = 0, a;
	uint32_t w;
	unsigned before = 0, at_entry = 0;

	for (a = record; a <= record + 16; a += 4) {
		uint64_t f;

		if (src->func_at(src->ud, a, &f) && f == a) {
			func = a;
			before = (unsigned)((a - record) / 4);
			break;
		}
	}
	if (!func) { /* a BTI C at the symbol: the record points inside the function */
		if (!src->func_at(src->ud, record, &func))
			return false;
		a = record;
	} else {
		a = func;
	}
	out->func = func;
	out->start = a;
	while (at_entry < 4 && read_word(src, a + 4ull * at_entry, &w) && w == A64_NOP)
		at_entry++;
	if (at_entry < 2)
		return false;
	out->body = a + 4ull * at_entry;
	out->bl = a + (at_entry == 4 ? 8 : 4);
	out->literal = before >= 2 ? func - 8 : 0;
	if (out->literal & 7) /* a single 64-bit store needs it aligned: the function is not traceable */
		return false;
	return true;
}

static size_t a64_find_sites(const struct site_source *src, struct site_layout *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < src->nrecords && n < max; i++)
		if (a64_site_for_record(src, src->records[i], &out[n]))
			n++;
	return n;
}

/* A branch offset field of w: bits [lo, lo + n), signed, in words. */
static uint64_t a64_branch_offset(uint32_t w, unsigned lo, unsigned n)
{
	int64_t v = (int64_t)((uint64_t)(w >> lo) << (64 - n)) >> (64 - n);

	return (uint64_t)(v * 4);
}

/* Where an A64 instruction sends control (DDI 0487 C4.1.3, branches, exception generating and
 * system instructions): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ by their offsets; BLR a call and BR
 * a jump through a register; RET x30 a return; every other register branch (RET xN, the
 * pointer-authenticated ones), ERET and the exception-generating class leave the line. */
static void a64_decode_flow(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out)
{
	uint32_t w = le32(bytes);

	(void)len;
	memset(out, 0, sizeof(*out));
	if ((w & 0x7c000000u) == 0x14000000u) { /* B, BL: imm26 */
		out->kind = w >> 31 ? FLOW_CALL : FLOW_JUMP;
		out->has_target = true;
		out->target = pc + a64_branch_offset(w, 0, 26);
	} else if ((w & 0xff000010u) == 0x54000000u || (w & 0x7e000000u) == 0x34000000u) {
		out->kind = FLOW_COND; /* B.cond, CBZ, CBNZ: imm19 at bit 5 */
		out->has_target = true;
		out->target = pc + a64_branch_offset(w >> 5, 0, 19);
	} else if ((w & 0x7e000000u) == 0x36000000u) {
		out->kind = FLOW_COND; /* TBZ, TBNZ: imm14 at bit 5 */
		out->has_target = true;
		out->target = pc + a64_branch_offset(w >> 5, 0, 14);
	} else if ((w & 0xfffffc1fu) == 0xd63f0000u) {
		out->kind = FLOW_CALL; /* BLR */
	} else if ((w & 0xfffffc1fu) == 0xd61f0000u) {
		out->kind = FLOW_JUMP; /* BR */
	} else if (w == 0xd65f03c0u) {
		out->kind = FLOW_RETURN; /* RET (x30) */
	} else if ((w & 0xfe000000u) == 0xd6000000u || (w & 0xff000000u) == 0xd4000000u ||
		   (w & 0xffff0000u) == 0) {
		out->kind = FLOW_OTHER; /* register branches, ERET; SVC, HVC, SMC, BRK, HLT; UDF */
	}
}

static int a64_set_vectors(void *uc, uint64_t vectors)
{
	return uc_reg_write(uc, UC_ARM64_REG_VBAR_EL1, &vectors);
}

/*
 * Exception entry at EL1 with SP_EL1 selected (DDI 0487 D1.10): ELR_EL1 = return, SPSR_EL1 =
 * PSTATE, PSTATE.DAIF masked, pc = VBAR_EL1 + offset. The handler runs on the same stack;
 * `eret` undoes all of it.
 */
static int a64_enter_el1(void *uc, uint64_t ret, uint64_t target)
{
	uint64_t pstate = 0;
	int e;

	uc_arm64_cp_reg spsr = {.op0 = 3, .op1 = 0, .crn = 4, .crm = 0, .op2 = 0}; /* SPSR_EL1 */

	if ((e = uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate)))
		return e;
	spsr.val = pstate;
	if ((e = uc_reg_write(uc, UC_ARM64_REG_CP_REG, &spsr)) ||
	    (e = uc_reg_write(uc, UC_ARM64_REG_ELR_EL1, &ret)))
		return e;
	pstate |= A64_PSTATE_DAIF;
	if ((e = uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate)))
		return e;
	return uc_reg_write(uc, UC_ARM64_REG_PC, &target);
}

/* A BRK: ELR_EL1 = the BRK's address, ESR_EL1 = EC 0x3C (BRK in AArch64) | IL | imm16, the
 * vector "current EL, SP_ELx, synchronous" (0x200). */
static int a64_take_breakpoint(void *uc, uint64_t pc, uint32_t imm, uint64_t vectors)
{
	uint64_t esr = (0x3cull << 26) | (1ull << 25) | (imm & 0xffff);
	int e = uc_reg_write(uc, UC_ARM64_REG_ESR_EL1, &esr);

	return e ? e : a64_enter_el1(uc, pc, vectors + 0x200);
}

/* An IRQ (or a pseudo-NMI, also an IRQ to the PE) taken before the instruction at pc:
 * ELR_EL1 = pc, the vector "current EL, SP_ELx, IRQ" (0x280). */
static int a64_take_interrupt(void *uc, uint64_t pc, uint64_t vectors)
{
	return a64_enter_el1(uc, pc, vectors + 0x280);
}

/* MRS Xt of ELR_EL1, SPSR_EL1, ESR_EL1 or FAR_EL1 (op0 3, op1 0, CRn 4/5/6). */
static bool a64_reads_exception_regs(const uint8_t *bytes, unsigned len)
{
	uint32_t w = le32(bytes) & 0xffffffe0u;

	(void)len;
	return w == 0xd5384020u || w == 0xd5384000u || w == 0xd5385200u || w == 0xd5386000u;
}

/* EL1 with SP_EL1 selected (PSTATE.M = EL1h): SP is SP_EL1, and the engine's banked copy of
 * it is not read until SPSel or the exception level changes, which write it first. */
static bool a64_banked_sp_stale(void *uc)
{
	uint64_t pstate = 0;

	return uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate) == UC_ERR_OK && (pstate & 0xf) == 5;
}

/* Clears PSTATE.DAIF, as an arm64 kernel thread runs (the PE resets with all four set). */
static int a64_unmask_interrupts(void *uc)
{
	uint64_t pstate = 0;
	int e = uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate);

	if (e)
		return e;
	pstate &= ~(uint64_t)A64_PSTATE_DAIF;
	return uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate);
}

/* PSTATE.I masks IRQs (DDI 0487 D1.7: the DAIF mask bits). */
static bool a64_interrupts_masked(void *uc)
{
	uint64_t pstate = 0;

	uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate);
	return (pstate & A64_PSTATE_I) != 0;
}

static uint32_t a64_nop(void)
{
	return A64_NOP;
}

static uint32_t a64_bl(uint64_t pc, uint64_t target)
{
	return a64_encode_bl(pc, target);
}

/* A Linux tree's arm64 trampolines (toolchain/ktree.c). The CONFIG values are the ones the
 * tree's page-table headers need to parse; struct pt_regs does not depend on them. */
static const struct arch_kernel_tree a64_kernel_tree = {
	.tree_arch = "arm64",
	.target_flags = {"--target=aarch64-linux-gnu", "-mgeneral-regs-only"},
	.header_flags = {"-DCONFIG_64BIT=1", "-DCONFIG_ARM64_PAGE_SHIFT=12",
			 "-DCONFIG_ARM64_VA_BITS=48", "-DCONFIG_ARM64_PA_BITS=48",
			 "-DCONFIG_PGTABLE_LEVELS=4"},
	.generated = {{"asm/cpucaps.h", "arch/arm64/tools/gen-cpucaps.awk", "arch/arm64/tools/cpucaps"},
		      {"asm/sysreg-defs.h", "arch/arm64/tools/gen-sysreg.awk", "arch/arm64/tools/sysreg"}},
	.offsets_program = "arm64/kernel/offsets.c",
	.compat_include = "arm64/kernel/include",
	.config_header = "arm64/kernel/config-ftrace-regs.h",
	.glue = "arm64/kernel/glue.c",
};

const struct arch_model arch_model_arm64 = {
	.name = "arm64",
	.uc_arch = UC_ARCH_ARM64,
	.uc_mode = UC_MODE_ARM,
	.uc_cpu_model = UC_CPU_ARM64_MAX,
	.monitor_probe = {0xc85f7c20u /* ldxr x0, [x1] */, 0xd503305fu /* clrex */},
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
	/* The kernel's rule at an ftrace site (CONTRACT.md): x9-x17 may differ at body entry;
	 * NZCV too. */
	.scratch_mask = 0x3fe00ull | (1ull << A64_NZCV),
	.callee_saved_mask = 0x1ff80000ull | (1ull << 29) | (1ull << 30), /* x19-x28, fp, lr */
	/* 6.1's entry-ftrace.S never writes orig_x0: no copy to compare. */
	.regs_orig_arg0 = -1,
	/* AAPCS64 fixes no general register at a call (x18, the platform register, is the
	 * kernel's to keep or clobber: see scratch_mask); NZCV is not a value register. */
	.abi_fixed_mask = 1ull << A64_NZCV,
	.stack_align = 16,
	/* AAPCS64 §6.2.3 (the frame chain): x29 points at a record {previous x29, LR}. Linux's
	 * arm64 ftrace trampolines (entry-ftrace.S, 6.1) push a call-site record {x29, parent LR}
	 * and their own {x29, func+8}, so the unwinder (arch/arm64/kernel/stacktrace.c) shows the
	 * traced function between the callback and its caller. */
	.frame_reg = 29,
	.frame_next_off = 0,
	.frame_lr_off = 8,
	.frame_shows_traced = true,
	.hart_id_reg_id = UC_ARM64_REG_TPIDR_EL0,
	.asm_isa = "",
	.asm_return = "ret\n\t.ltorg",
	.insn_length = a64_insn_length,
	.decode_special = a64_decode_special,
	.decode_mem_order = a64_decode_mem_order,
	/* AAPCS64 (IHI 0055) 6.4.1: a callee preserves x19-x29 and SP (and returns through x30);
	 * x18 is a temporary where the platform does not reserve it (guest C is built without
	 * -ffixed-x18); x0-x17 and NZCV are not the caller's after a call but for the result
	 * (6.9: x0, x0-x1 for 16 bytes). A callee reads its arguments in x0-x7 (6.8.2) and x8
	 * (the address of a result returned in memory), and SP. */
	.decode_flow = a64_decode_flow,
	.live_at_return = 0x7ff80000ull | 1ull << 31,
	.live_at_call = 1ull << 31,
	.call_args_all = 0x1ffull,
	.liveness_regs = 0x7fffffffull, /* x0-x30 */
	.flags_bit = 32,
	.flags_reg = A64_NZCV,
	.flags_value_mask = 0xf0000000ull,
	/* DDI 0487 D1.10: exception entry to EL1 writes ELR_EL1 and ESR_EL1 (FAR_EL1 for an
	 * abort); ERET and the handler's MRS read them. */
	.exception_reg_ids = {UC_ARM64_REG_ELR_EL1, UC_ARM64_REG_ESR_EL1, UC_ARM64_REG_FAR_EL1},
	.nexception_regs = 3,
	.reads_exception_regs = a64_reads_exception_regs,
	.banked_sp_reg_id = UC_ARM64_REG_SP_EL1,
	.banked_sp_stale = a64_banked_sp_stale,
	.exception_return = {0xe0, 0x03, 0x9f, 0xd6}, /* eret */
	.exception_return_len = 4,
	.data_granule = 8,
	.cmodx_set = "B, BL, BRK, HVC, ISB, NOP, SMC, SVC",
	.cmodx_classify = a64_cmodx_classify,
	.fetch_rule = FETCH_RULE_CACHE_MAINTENANCE,
	.cache_line = 64,
	.find_sites = a64_find_sites,
	.set_vectors = a64_set_vectors,
	.take_breakpoint = a64_take_breakpoint,
	.take_interrupt = a64_take_interrupt,
	.interrupts_masked = a64_interrupts_masked,
	.unmask_interrupts = a64_unmask_interrupts,
	.sync_handler_symbol = "do_el1_sync",
	.encode_nop = a64_nop,
	.encode_bl = a64_bl,
	.kernel_tree = &a64_kernel_tree,
};
