/*
 * step.c - machine_step: exactly one instruction of one hart.
 *
 * The hot path. Before the step the machine reads pc, fetches the bytes from the hart's view
 * (fetch.c), and asks the arch model whether they are special: hints are skipped without
 * Unicorn, breakpoints are reported without stepping, the firmware calls the arch model knows
 * (the RISC-V SBI's remote fence.i) are performed without stepping, and cache maintenance,
 * DSB, ISB and ERET feed the fetch model (fetch.c). Everything else is one
 * uc_emu_start(count = 1) with exits enabled and empty (never a timeout, never count 0, never
 * an `until` that is code), started at pc | 1 when the arch model's instruction-set state says
 * so (arm: CPSR.T, Thumb; an IT block then runs as one step). After the step, code writes are published to the other harts
 * according to the fetch model.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emu_internal.h"

static const char *mem_type_name(int type)
{
	switch (type) {
	case UC_MEM_READ_UNMAPPED:
		return "unmapped read";
	case UC_MEM_WRITE_UNMAPPED:
		return "unmapped write";
	case UC_MEM_FETCH_UNMAPPED:
		return "unmapped fetch";
	case UC_MEM_READ_PROT:
		return "protected read";
	case UC_MEM_WRITE_PROT:
		return "protected write";
	case UC_MEM_FETCH_PROT:
		return "protected fetch";
	default:
		return "memory fault";
	}
}

__attribute__((format(printf, 2, 3))) static enum step_status fault(struct step_info *info,
								     const char *fmt, ...)
{
	va_list ap;

	info->status = STEP_FAULT;
	va_start(ap, fmt);
	vsnprintf(info->fault, sizeof(info->fault), fmt, ap);
	va_end(ap);
	return STEP_FAULT;
}

/*
 * Swaps the hart's view of [pc, pc+len) into RAM if it differs (an older version), and
 * drops the hart's translation there, which may have been made from other bytes (the new ones,
 * before a snapshot restore brought the stale word back).
 */
static void swap_in(struct machine *m, struct hart *h, uint8_t *ram, const uint8_t *view,
		    uint64_t pc, unsigned len)
{
	struct step_ctx *c = &m->cur;

	if (memcmp(ram, view, len) == 0)
		return;
	emu_invalidate_hart(h, pc, pc + len);
	c->swap_active = true;
	c->swap_addr = pc;
	c->swap_len = len;
	memcpy(c->swap_ram, ram, len);
	memcpy(ram, view, len);
}

static void swap_out(struct machine *m, struct hart *h, uint8_t *ram)
{
	struct step_ctx *c = &m->cur;

	memcpy(ram, c->swap_ram, c->swap_len);
	c->swap_active = false;
	/* The translation just made holds the old bytes: it must not outlive this step. */
	emu_invalidate_hart(h, c->swap_addr, c->swap_addr + c->swap_len);
}

/* The firmware's work for a call the machine performs (RISC-V SBI remote fence.i): every hart of
 * the mask executes a FENCE.I before the call returns; the return registers are written. */
static void perform_firmware_call(struct machine *m, struct hart *h, const struct firmware_call *fw)
{
	const struct arch_model *arch = m->arch;

	if (fw->kind == FIRMWARE_REMOTE_FENCE_I)
		for (unsigned t = 0; t < m->nharts && t < 64; t++)
			if (fw->hart_mask >> t & 1)
				emu_fetch_sync(m, &m->harts[t]);
	for (unsigned i = 0; i < fw->nret && i < 2; i++)
		uc_reg_write(h->uc, arch->reg_ids[fw->ret_reg[i]], &fw->ret[i]);
}

/* The hart goes on at next without its instruction being stepped (a hint skipped, a firmware
 * call performed). */
static enum step_status go_on_at(struct hart *h, const struct arch_model *arch, uint64_t next)
{
	uc_reg_write(h->uc, arch->reg_ids[arch->reg_pc], &next);
	emu_hart_changed(h);
	h->steps++;
	return STEP_OK;
}

enum step_status machine_step(struct machine *m, unsigned hart, struct step_info *info)
{
	struct step_info scratch;
	const struct arch_model *arch = m->arch;

	if (!info)
		info = &scratch;
	info->status = STEP_OK;
	info->len = 0;
	info->naccesses = 0;
	info->wrote_code = false;
	info->fetch_synced = false;
	info->fault[0] = '\0';
	info->special.kind = SPECIAL_NONE;
	info->special.len = 0;
	info->special.addr_reg = -1;
	info->special.local = false;
	info->special.imm = 0;
	info->special.exclusive = EXCL_NONE;
	info->data_alternatives = 1;
	info->data_choice = 0;
	info->data_full = false;
	if (hart >= m->nharts) {
		info->pc = 0;
		return fault(info, "no hart %u", hart);
	}

	struct hart *h = &m->harts[hart];
	uint64_t pc = emu_hart_pc(m, h);
	info->pc = pc;
	if (pc == MACHINE_MAGIC_RETURN) {
		info->status = STEP_RETURNED;
		return STEP_RETURNED;
	}

	/* Instruction-set state (arm: CPSR.T): Unicorn takes it from bit 0 of every pc written,
	 * the start address included, so each restart and each pc write carries it. The state
	 * must be the one of the code at pc: the image's, or, where the mapping symbols say the
	 * code is of the other set (isa_other), that one's; the step then decodes with it. */
	uint64_t isa_bit = 0;
	if (arch->isa_state_mask) {
		const struct arch_model *other = arch->isa_other;
		char kind = arch->isa_code_kind ? image_code_kind_at(m->img, pc) : 0;
		bool other_code = other && kind == other->isa_code_kind;
		uint64_t state = 0;

		uc_reg_read(h->uc, arch->reg_ids[arch->isa_state_reg], &state);
		state &= arch->isa_state_mask;
		if (other_code && state == other->isa_state_value)
			arch = other;
		else if (other_code)
			return fault(info, "instruction-set state 0x%" PRIx64 " at 0x%" PRIx64
				     ": the code there is $%c (its mapping symbol), which runs in "
				     "state 0x%x", state, pc, kind, (unsigned)other->isa_state_value);
		else if (state != arch->isa_state_value)
			return fault(info, "instruction-set state 0x%" PRIx64 " at 0x%" PRIx64
				     ": this image's code runs in state 0x%x",
				     state, pc, (unsigned)arch->isa_state_value);
		isa_bit = state ? 1 : 0;
	}

	/* Fetch from the hart's view. */
	uint8_t *ram = NULL;
	unsigned avail = 4;
	while (avail > 0 && !(ram = emu_ram_ptr(m, pc, avail)))
		avail -= arch->insn_align ? arch->insn_align : 4;
	if (!ram)
		return fault(info, "fetch from unmapped 0x%" PRIx64, pc);
	if (arch->insn_align > 1 && pc % arch->insn_align != 0)
		return fault(info, "misaligned fetch at 0x%" PRIx64, pc);
	memset(info->bytes, 0, sizeof(info->bytes));
	emu_fetch_view(m, h, pc, ram, info->bytes, avail, arch->insn_length, info);
	h->fetch_choice = 0; /* a choice holds for one step */
	unsigned len = arch->insn_length(info->bytes);
	if (len > avail || len == 0)
		return fault(info, "fetch from unmapped 0x%" PRIx64, pc + avail);
	info->len = len;
	arch->decode_special(info->bytes, &info->special);

	switch (info->special.kind) {
	case SPECIAL_HINT:
		return go_on_at(h, arch, (pc + len) | isa_bit);
	case SPECIAL_BREAKPOINT:
		if (m->sync_to_guest) { /* the guest handles it: enter the exception like the hardware */
			int e = arch->take_breakpoint(h->uc, pc, info->special.imm, m->vectors);

			emu_hart_changed(h);
			if (!e)
				emu_exception_entered(m, h);
			if (e)
				return fault(info, "breakpoint exception at 0x%" PRIx64 ": %s", pc,
					     uc_strerror((uc_err)e));
			h->steps++;
			info->status = STEP_OK;
			return STEP_OK;
		}
		info->status = STEP_BREAKPOINT;
		return STEP_BREAKPOINT;
	case SPECIAL_ISB:
	case SPECIAL_EXC_RETURN:
		/* Affects the instructions after it, and this hart fetches nothing before: its
		 * floor rises now, before the ISB (a no-op in Unicorn) or ERET is stepped. An
		 * exception return synchronises context on Arm, not on RISC-V (SRET). */
		if (info->special.kind == SPECIAL_ISB ||
		    arch->fetch_rule == FETCH_RULE_CACHE_MAINTENANCE)
			info->fetch_synced = emu_fetch_sync(m, h);
		break;
	case SPECIAL_ENV_CALL:
		/* A firmware call the machine knows is performed here, in place of the firmware,
		 * and never stepped: the hart goes on at the next instruction. Any other is
		 * stepped (Unicorn raises an exception, reported as a trap). */
		if (arch->decode_firmware_call) {
			uint64_t regs[ARCH_MAX_REGS] = {0};
			struct firmware_call fw;

			for (unsigned i = 0; i < arch->nregs && i < ARCH_MAX_REGS; i++)
				uc_reg_read(h->uc, arch->reg_ids[i], &regs[i]);
			arch->decode_firmware_call(regs, &fw);
			if (fw.kind != FIRMWARE_NONE) {
				perform_firmware_call(m, h, &fw);
				return go_on_at(h, arch, (pc + len) | isa_bit);
			}
		}
		break;
	case SPECIAL_DCACHE:
	case SPECIAL_ICACHE_SYNC:
	case SPECIAL_DSB: {
		uint64_t addr = 0;

		if (info->special.addr_reg >= 0 && (unsigned)info->special.addr_reg < arch->nregs)
			uc_reg_read(h->uc, arch->reg_ids[info->special.addr_reg], &addr);
		emu_fetch_maintain(m, h, &info->special, addr);
		break;
	}
	default:
		break;
	}

	const uint8_t *at = emu_ram_ptr(m, pc, 1);
	if (at)
		m->exec_pages[(size_t)(at - m->ram) / EMU_PAGE] = 1;
	struct step_ctx *c = &m->cur;
	c->hart = h;
	c->info = info;
	c->ncode = 0;
	c->swap_active = false;
	h->fault = false;
	h->trapped = false;
	c->versions_full = false;
	if (info->fetch_old)
		swap_in(m, h, ram, info->bytes, pc, len);
	if (m->dm.on)
		emu_data_before_step(m, h, arch, pc, info->bytes, len);

	uc_err e = uc_emu_start(h->uc, pc | isa_bit, 0, 0, 1);

	emu_hart_changed(h);
	if (c->swap_active)
		swap_out(m, h, ram);
	if (m->dm.on) {
		emu_data_after_step(m, h);
		info->data_alternatives = c->data_alternatives;
		info->data_choice = c->data_chosen;
		if (c->data_choice_used)
			h->data_choice = 0; /* a choice holds for one access */
	}
	emu_fetch_publish(m);
	c->info = NULL;
	c->hart = NULL;
	if (c->versions_full)
		return fault(info, "the step at 0x%" PRIx64 " wrote a code word that already had %d "
			     "versions some hart could still fetch: the oldest was dropped", pc,
			     FETCH_MAX_VERSIONS);
	info->data_full = m->dm.full; /* the model cannot go on: the execution is cut short */

	/*
	 * After a branch to unmapped memory Unicorn looks up the next block before it stops, and
	 * reports a fetch fault at the branch target: the branch itself completed. The fault
	 * belongs to the next step, which reports it from the pc.
	 */
	if (h->fault && !h->trapped &&
	    (h->fault_type == UC_MEM_FETCH_UNMAPPED || h->fault_type == UC_MEM_FETCH_PROT)) {
		uint64_t now = emu_hart_pc(m, h);
		if (now == h->fault_addr && now != pc) {
			h->steps++;
			return STEP_OK;
		}
	}
	if (e != UC_ERR_OK || h->fault || h->trapped) {
		if (h->fault)
			fault(info, "%s at 0x%" PRIx64 ": %s", mem_type_name(h->fault_type),
			      h->fault_addr, uc_strerror(e));
		else if (h->trapped)
			fault(info, "exception %u at 0x%" PRIx64, h->trap_intno, pc);
		else
			fault(info, "%s at 0x%" PRIx64, uc_strerror(e), pc);
		/* The faulting instruction did not complete: the hart stays on it. */
		uint64_t again = pc | isa_bit;
		uc_reg_write(h->uc, arch->reg_ids[arch->reg_pc], &again);
		emu_hart_changed(h);
		return STEP_FAULT;
	}
	h->steps++;
	return STEP_OK;
}
