/*
 * model_riscv64.c - the riscv64 arch model (host side): register file, LP64 ABI sets, special
 * instructions, the concurrent-modification rule, the patch-site layouts of the three ftrace
 * designs, encoders.
 */
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "../arch.h"
#include "flow_riscv64.h"
#include "memorder_riscv64.h"
#include "insn_riscv64.h"

/* Register file: index i is xi (x0..x31), then pc. The pc_record's regs[] use the same order. */
enum { RV_PC = 32, RV_NREGS = 33 };

static const int rv_reg_ids[RV_NREGS] = {
	UC_RISCV_REG_X0,  UC_RISCV_REG_X1,  UC_RISCV_REG_X2,  UC_RISCV_REG_X3,  UC_RISCV_REG_X4,
	UC_RISCV_REG_X5,  UC_RISCV_REG_X6,  UC_RISCV_REG_X7,  UC_RISCV_REG_X8,  UC_RISCV_REG_X9,
	UC_RISCV_REG_X10, UC_RISCV_REG_X11, UC_RISCV_REG_X12, UC_RISCV_REG_X13, UC_RISCV_REG_X14,
	UC_RISCV_REG_X15, UC_RISCV_REG_X16, UC_RISCV_REG_X17, UC_RISCV_REG_X18, UC_RISCV_REG_X19,
	UC_RISCV_REG_X20, UC_RISCV_REG_X21, UC_RISCV_REG_X22, UC_RISCV_REG_X23, UC_RISCV_REG_X24,
	UC_RISCV_REG_X25, UC_RISCV_REG_X26, UC_RISCV_REG_X27, UC_RISCV_REG_X28, UC_RISCV_REG_X29,
	UC_RISCV_REG_X30, UC_RISCV_REG_X31, UC_RISCV_REG_PC,
};

/* psABI names, as the disassembler prints them. */
static const char *const rv_reg_names[RV_NREGS] = {
	"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
	"a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
	"s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6", "pc",
};

static unsigned rv_length(const uint8_t *bytes)
{
	return rv_insn_length((unsigned)bytes[0] | (unsigned)bytes[1] << 8);
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/*
 * FENCE.I synchronises this hart's instruction fetch with its earlier stores (and, after a
 * remote request, with other harts' stores): the ISB of this ISA. FENCE (any predecessor and
 * successor sets, FENCE.TSO and PAUSE included) orders memory only. EBREAK / C.EBREAK are
 * breakpoints the machine reports itself (Unicorn would stop emulation at them). WFI has no
 * effect the checks can see. ECALL is an environment call: the machine performs the SBI calls
 * rv_decode_firmware_call knows; any other ECALL, and illegal words, are stepped: Unicorn raises
 * an exception, which the machine reports as a fault.
 */
static void rv_decode_special(const uint8_t *bytes, struct special_insn *out)
{
	unsigned half = (unsigned)bytes[0] | (unsigned)bytes[1] << 8;

	out->kind = SPECIAL_NONE;
	out->len = rv_insn_length(half);
	out->addr_reg = -1;
	out->local = false;
	out->imm = 0;
	out->exclusive = EXCL_NONE;
	if (out->len == 2) {
		if (half == RV_C_EBREAK)
			out->kind = SPECIAL_BREAKPOINT;
		return;
	}
	uint32_t w = le32(bytes);
	/* "A" extension: AMO major opcode, funct5 (bits 31:27) 00010 LR, 00011 SC. */
	if ((w & 0x7fu) == 0x2fu && (w >> 27) == 2)
		out->exclusive = EXCL_OPEN;
	else if ((w & 0x7fu) == 0x2fu && (w >> 27) == 3)
		out->exclusive = EXCL_CLOSE;
	if (rv_is_fence_i(w))
		out->kind = SPECIAL_ISB;
	else if (rv_is_fence(w))
		out->kind = SPECIAL_BARRIER;
	else if (w == RV_EBREAK)
		out->kind = SPECIAL_BREAKPOINT;
	else if (w == RV_ECALL)
		out->kind = SPECIAL_ENV_CALL;
	else if (w == RV_SRET)
		out->kind = SPECIAL_EXC_RETURN;
	else if (w == RV_WFI)
		out->kind = SPECIAL_HINT;
}

/*
 * The SBI (RISC-V Supervisor Binary Interface specification, v0.2 and later): a7 = extension
 * ID, a6 = function ID, a0.. = arguments; the call returns an error code in a0 and a value in
 * a1. The RFENCE extension ("RFNC", 0x52464E43), function 0, is sbi_remote_fence_i(hart_mask,
 * hart_mask_base): the harts hart_mask_base + i for each bit i of hart_mask, or every hart when
 * hart_mask_base is -1, execute FENCE.I before the call returns. Linux's flush_icache_all()
 * asks for it after every text patch.
 */
#define SBI_EXT_RFENCE 0x52464e43ull
#define SBI_RFENCE_REMOTE_FENCE_I 0

static void rv_decode_firmware_call(const uint64_t *regs, struct firmware_call *out)
{
	uint64_t mask = regs[10], base = regs[11];

	memset(out, 0, sizeof(*out));
	if (regs[17] != SBI_EXT_RFENCE || regs[16] != SBI_RFENCE_REMOTE_FENCE_I)
		return;
	out->kind = FIRMWARE_REMOTE_FENCE_I;
	out->hart_mask = base == ~0ull ? ~0ull : base < 64 ? mask << base : 0;
	out->nret = 2;
	out->ret_reg[0] = 10; /* a0: SBI_SUCCESS */
	out->ret_reg[1] = 11; /* a1: 0 */
}

/*
 * There is no list of "safe" instructions on RISC-V: Ziccif makes the fetch of any naturally
 * aligned 32-bit instruction atomic, so a concurrent rewrite is seen as the old or the new
 * instruction. A word that holds 16-bit instructions is fetched as two halves, and a hart that
 * executed the first half can fetch the second half of the new word (the compiler's c.nop pairs
 * before ftrace_init_nop makes them 4-byte NOPs): not concurrently modifiable.
 */
static enum cmodx_class rv_cmodx_classify(uint32_t w)
{
	return rv_insn_length(w & 0xffffu) == 4 ? CMODX_SAFE : CMODX_OTHER;
}

static bool read_half(const struct site_source *src, uint64_t addr, unsigned *h)
{
	if (addr < src->text_begin || addr + 2 > src->text_end)
		return false;
	const uint8_t *p = src->text + (addr - src->text_begin);
	*h = (unsigned)p[0] | (unsigned)p[1] << 8;
	return true;
}

/* Bytes of padding (c.nop = 2, NOP4 = 4) at addr, at most max. */
static unsigned pad_bytes(const struct site_source *src, uint64_t addr, unsigned max)
{
	unsigned n = 0, h, h2;

	while (n < max && read_half(src, addr + n, &h)) {
		if (h == RV_C_NOP)
			n += 2;
		else if (h == (RV_NOP4 & 0xffffu) && read_half(src, addr + n + 2, &h2) &&
			 h2 == RV_NOP4 >> 16 && n + 4 <= max)
			n += 4;
		else
			break;
	}
	return n;
}

/*
 * -fpatchable-function-entry=N[,M] records the first pad; the site is the padding at the
 * function's entry, and M pads before the symbol mean the CALL_OPS literal. With RVC the pads
 * are c.nops (2 bytes), which ftrace_init_nop turns into 4-byte NOPs. Three layouts:
 *
 *   =8 (16 bytes at func)       sd ra,-8(sp) / auipc ra / jalr ra / ld ra,-8(sp)
 *                               ip = func, body = func+16
 *   =4 (8 bytes at func)        auipc t0 / jalr t0           ip = func, body = func+8
 *   =8,4 (8 before, 8 at func)  literal at func-8 (8-byte aligned); auipc t0 at func (fixed),
 *                               jalr t0 at func+4 toggles    ip = func+4, body = func+8
 *
 * The words are patched with aligned 32-bit stores, so a function that is not 4-byte aligned
 * (or a literal that is not 8-byte aligned) has no site: the kernel refuses those too.
 */
static bool rv_site_for_record(const struct site_source *src, uint64_t record,
			       struct site_layout *out)
{
	uint64_t func = 0, f;
	unsigned before, at;

	for (uint64_t a = record; a <= record + 16; a += 2) {
		if (src->func_at(src->ud, a, &f) && f == a) {
			func = a;
			break;
		}
	}
	if (!func || func % 4 != 0)
		return false;
	before = (unsigned)(func - record);
	if (before && pad_bytes(src, record, before) != before)
		return false;
	at = pad_bytes(src, func, 16);
	out->func = func;
	out->start = func;
	out->literal = 0;
	if (before) {
		if (before != 8 || func % 8 != 0 || at < 8)
			return false;
		out->body = func + 8;
		out->bl = func + 4;
		out->literal = func - 8;
		return true;
	}
	if (at < 8)
		return false;
	out->body = func + (at >= 16 ? 16 : 8);
	out->bl = func;
	return true;
}

static size_t rv_find_sites(const struct site_source *src, struct site_layout *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < src->nrecords && n < max; i++)
		if (rv_site_for_record(src, src->records[i], &out[n]))
			n++;
	return n;
}

/* Traps go to stvec, direct mode (its low bits 0). */
static int rv_set_vectors(void *uc, uint64_t vectors)
{
	return uc_reg_write(uc, UC_RISCV_REG_STVEC, &vectors);
}

#define RV_SSTATUS_SIE  (1ull << 1)
#define RV_SSTATUS_SPIE (1ull << 5)
#define RV_SSTATUS_SPP  (1ull << 8)
#define RV_SCAUSE_INTERRUPT (1ull << 63)
#define RV_IRQ_S_EXT 9

/*
 * A supervisor external interrupt taken before the instruction at pc (RISC-V privileged spec,
 * 4.1.1 sstatus, 4.1.7 sepc, 4.1.8 scause): sepc = pc, scause = interrupt | 9, SPIE = SIE,
 * SIE = 0, SPP = S, pc = stvec. SRET undoes it and leaves the hart in S-mode, the kernel's.
 */
static int rv_take_interrupt(void *uc, uint64_t pc, uint64_t vectors)
{
	uint64_t sstatus = 0, cause = RV_SCAUSE_INTERRUPT | RV_IRQ_S_EXT, zero = 0;
	int e;

	if ((e = uc_reg_read(uc, UC_RISCV_REG_SSTATUS, &sstatus)))
		return e;
	sstatus = (sstatus & ~(RV_SSTATUS_SPIE | RV_SSTATUS_SIE)) | RV_SSTATUS_SPP |
		  ((sstatus & RV_SSTATUS_SIE) ? RV_SSTATUS_SPIE : 0);
	if ((e = uc_reg_write(uc, UC_RISCV_REG_SSTATUS, &sstatus)) ||
	    (e = uc_reg_write(uc, UC_RISCV_REG_SEPC, &pc)) ||
	    (e = uc_reg_write(uc, UC_RISCV_REG_SCAUSE, &cause)) ||
	    (e = uc_reg_write(uc, UC_RISCV_REG_STVAL, &zero)))
		return e;
	return uc_reg_write(uc, UC_RISCV_REG_PC, &vectors);
}

/* sstatus.SIE clear masks supervisor interrupts (local_irq_disable: csrc sstatus, SIE). */
static bool rv_interrupts_masked(void *uc)
{
	uint64_t sstatus = 0;

	uc_reg_read(uc, UC_RISCV_REG_SSTATUS, &sstatus);
	return !(sstatus & RV_SSTATUS_SIE);
}

static int rv_unmask_interrupts(void *uc)
{
	uint64_t sstatus = 0;
	int e = uc_reg_read(uc, UC_RISCV_REG_SSTATUS, &sstatus);

	if (e)
		return e;
	sstatus |= RV_SSTATUS_SIE;
	return uc_reg_write(uc, UC_RISCV_REG_SSTATUS, &sstatus);
}

static uint32_t rv_nop(void)
{
	return RV_NOP4;
}

/* The designs call through auipc + jalr pairs (insn_riscv64.h); the one-word call is JAL ra
 * (+-1 MiB), or 0 when the target is out of its reach. */
static uint32_t rv_jal(uint64_t pc, uint64_t target)
{
	long long off = (long long)(target - pc);

	if ((off & 1) || off < -(1ll << 20) || off >= (1ll << 20))
		return 0;
	return rv_encode_jal(RV_RA, off);
}

/*
 * A Linux tree's riscv trampolines (toolchain/ktree.c): arch/riscv/kernel/mcount-dyn.S and
 * mcount.S. The target flags are the bundled images' (RV64IMAC, LP64, medany) with linker
 * relaxation off: the kernel links with --no-relax, and the trampoline's `call` sites must stay
 * the 8-byte auipc + jalr pairs that ftrace_update_ftrace_func rewrites. ktree.c adds -fno-PIE
 * for every arch (without it clang's default PIC makes `la` GOT-relative). The CONFIG values
 * are the ones the tree's headers need to parse struct pt_regs and STACK_ALIGN.
 */
static const struct arch_kernel_tree rv_kernel_tree = {
	.tree_arch = "riscv",
	.target_flags = {"--target=riscv64-linux-gnu", "-march=rv64imac", "-mabi=lp64",
			 "-mcmodel=medany", "-mno-relax"},
	.header_flags = {"-DCONFIG_64BIT=1", "-DCONFIG_RISCV=1", "-DCONFIG_ARCH_RV64I=1",
			 "-DCONFIG_MMU=1", "-DCONFIG_PAGE_OFFSET=0xff60000000000000",
			 "-DCONFIG_RISCV_ISA_C=1"},
	.offsets_program = "riscv/kernel/offsets.c",
	.compat_include = "riscv/kernel/include",
	.config_header = "riscv/kernel/config-ftrace-regs.h",
	.glue = "riscv/kernel/glue.c",
};

/* A CSR instruction on SEPC, SCAUSE or STVAL (0x141-0x143; privileged spec, "Supervisor CSRs"). */
static bool rv_reads_exception_regs(const uint8_t *bytes, unsigned len)
{
	uint32_t w = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
		     (uint32_t)bytes[3] << 24;
	unsigned csr = w >> 20;

	(void)len;
	return (w & 0x7f) == 0x73 && ((w >> 12) & 7) != 0 && ((w >> 12) & 7) != 4 &&
	       csr >= 0x141 && csr <= 0x143;
}

const struct arch_model arch_model_riscv64 = {
	.name = "riscv64",
	.uc_arch = UC_ARCH_RISCV,
	.uc_mode = UC_MODE_RISCV64,
	.uc_cpu_model = -1,
	.monitor_probe = {0x1005b52fu /* lr.d a0, (a1) */, 0x18a5b62fu /* sc.d a2, a0, (a1) */},
#if defined(CS_API_MAJOR) && CS_API_MAJOR >= 5
	.cs_arch = CS_ARCH_RISCV,
	.cs_mode = CS_MODE_RISCV64 | CS_MODE_RISCVC,
#else
	.cs_arch = -1, /* Capstone 4 has no RISC-V: emu/disasm.c uses LLVM's disassembler */
	.cs_mode = 0,
#endif
	.page_size = 4096,
	.word_size = 8,
	.insn_align = 2,
	.nregs = RV_NREGS,
	.reg_ids = rv_reg_ids,
	.reg_names = rv_reg_names,
	.reg_pc = RV_PC,
	.reg_sp = RV_SP,
	.reg_lr = RV_RA,
	.reg_ret = 10,
	.arg_regs = {10, 11, 12, 13, 14, 15, 16, 17},
	.narg_regs = 8,
	/*
	 * The temporaries t0-t6 (x5-x7, x28-x31): the LP64 psABI makes them caller-saved and passes
	 * nothing in them, so no value is live in them at a function's entry, and a trampoline may
	 * leave them changed. Linux's riscv ftrace_caller (arch/riscv/kernel/mcount-dyn.S, 6.1)
	 * relies on exactly that: it saves a0-a7, t0 and ra only and calls C, which may clobber
	 * t1-t6. The bundled designs use t0 (the sites' link register, the `jr t0` return) and t1
	 * (the ops pointer, the direct-call dispatch). See models/riscv/CONTRACT.md.
	 */
	.scratch_mask = (1ull << RV_T0) | (1ull << RV_T1) | (1ull << 7) | (0xfull << 28),
	/*
	 * regs->sp as a callback sees it is not compared with the entry SP: 6.1's
	 * ftrace_regs_caller stores sp after reserving its frame (PT_SP = entry SP - PT_SIZE_ON_STACK)
	 * and restores sp from that slot; a callback may rely on epc, ra and a0-a7.
	 */
	.regs_sp_unchecked = true,
	/* 6.1's mcount-dyn.S never writes orig_a0: no copy to compare. */
	.regs_orig_arg0 = -1,
	.callee_saved_mask = (1ull << 8) | (1ull << 9) | 0x0ffc0000ull, /* s0, s1, s2-s11 */
	/* psABI: zero is hard-wired, gp and tp are fixed for the whole program (Linux: tp is the
	 * current task, gp the global pointer; here tp is the hart id). */
	.abi_fixed_mask = (1ull << RV_ZERO) | (1ull << 3) | (1ull << RV_TP),
	.stack_align = 16,
	/* With frame pointers, s0 points just above a record {previous s0 at -16, ra at -8}
	 * (the psABI's frame pointer convention, as arch/riscv/kernel/stacktrace.c walks it).
	 * Linux 6.1's mcount-dyn.S builds no record of its own: s0 reaches the callback
	 * unchanged, so the chain only has to stay intact, not show the traced function. */
	.frame_reg = 8,
	.frame_next_off = -16,
	.frame_lr_off = -8,
	.frame_shows_traced = false,
	.hart_id_reg_id = UC_RISCV_REG_TP,
	.asm_isa = "",
	.asm_return = "ret",
	.insn_length = rv_length,
	.decode_special = rv_decode_special,
	.decode_mem_order = rv_decode_mem_order,
	/* The LP64 psABI ("Integer Register Convention"): a callee preserves s0-s11 and sp (gp,
	 * tp are fixed) and returns through ra; a0-a1 carry the result, a0-a7 the arguments;
	 * t0-t6 and a0-a7 are not the caller's after a call but for the result. No flags. */
	.decode_flow = rv_decode_flow,
	.live_at_return = (1ull << RV_RA) | (1ull << RV_SP) | (1ull << 3) | (1ull << RV_TP) |
			  (1ull << 8) | (1ull << 9) | 0x0ffc0000ull,
	.live_at_call = (1ull << RV_SP) | (1ull << 3) | (1ull << RV_TP),
	.call_args_all = 0x3fc00ull, /* a0-a7 */
	.liveness_regs = 0xffffffe0ull, /* x5-x31: not zero, ra, sp, gp, tp */
	.flags_bit = -1,
	.flags_reg = -1,
	/* Privileged spec, "Trap entry": a trap into S-mode writes sepc, scause and stval; sret
	 * and the handler's CSR reads read them. */
	.exception_reg_ids = {UC_RISCV_REG_SEPC, UC_RISCV_REG_SCAUSE, UC_RISCV_REG_STVAL},
	.nexception_regs = 3,
	.reads_exception_regs = rv_reads_exception_regs,
	.data_granule = 8,
	.cmodx_set = "any naturally aligned 32-bit instruction (Ziccif)",
	.cmodx_classify = rv_cmodx_classify,
	.fetch_rule = FETCH_RULE_FENCE_I,
	.decode_firmware_call = rv_decode_firmware_call,
	.set_vectors = rv_set_vectors,
	.take_interrupt = rv_take_interrupt,
	.interrupts_masked = rv_interrupts_masked,
	.unmask_interrupts = rv_unmask_interrupts,
	.cache_line = 64,
	.find_sites = rv_find_sites,
	.encode_nop = rv_nop,
	.encode_bl = rv_jal,
	.kernel_tree = &rv_kernel_tree,
};
