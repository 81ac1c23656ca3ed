/*
 * batch.c - machine_run_plain: a run of plain instructions of one hart in one uc_emu_start.
 *
 * An instruction is plain when machine_step would only hand it to Unicorn: it lies in the text,
 * it is no special instruction (the arch's decode_special: no hint, barrier, cache maintenance,
 * breakpoint, environment call, exception return or exclusive access), and its word was never
 * written and never had fetch versions (a write, a poke and a new version take it out). The caller takes out more (machine_plain_exclude: the
 * places its own per-step checks look at). Instructions of the other instruction set (arm's
 * Thumb interworking) are never run so: an image of an arch with an instruction-set state has
 * no plain instruction.
 *
 * A code hook over all code, inert outside a run, records each instruction the run begins and
 * ends the run (uc_emu_stop in a code hook stops before that instruction executes) before the
 * first instruction that is not plain or is the caller's stop address, and after the first one
 * whose accesses machine_step would report: that one is the run's last, and its accesses are
 * the run's step_info. Memory hooks, the clock and code-write publication work as in a step;
 * under the data model (memory: arch) the hook does the model's work before and after each
 * instruction, and an instruction with a choice of values ends the run as its last.
 */
#include <string.h>

#include "emu_internal.h"

static unsigned plain_unit(const struct machine *m)
{
	return m->arch->insn_align ? m->arch->insn_align : 4;
}

/* One flag per unit (2 or 4 bytes: the arch's instruction alignment) of the text: 0 not
 * plain, PLAIN, or PLAIN_ENTRY (plain when the run does not stop at entries). */
#define PLAIN 1
#define PLAIN_ENTRY 2

static unsigned plain_flag(const struct machine *m, uint64_t pc)
{
	uint64_t off = pc - m->text_begin; /* wraps below the text: past its end */

	return m->plain && off < m->text_end - m->text_begin ? m->plain[off >> m->plain_shift] : 0;
}

static bool plain_at(const struct machine *m, uint64_t pc)
{
	unsigned f = plain_flag(m, pc);

	return f == PLAIN || (f == PLAIN_ENTRY && !m->batch.entries);
}

bool machine_is_plain(const struct machine *m, uint64_t pc)
{
	return plain_flag(m, pc) != 0;
}

void machine_plain_mark_entry(struct machine *m, uint64_t pc)
{
	if (plain_flag(m, pc) == PLAIN)
		m->plain[(pc - m->text_begin) >> m->plain_shift] = PLAIN_ENTRY;
}

void machine_plain_reset(struct machine *m)
{
	const struct arch_model *arch = m->arch;
	unsigned unit = plain_unit(m);
	size_t n = m->text_end > m->text_begin ? (size_t)(m->text_end - m->text_begin) / unit : 0;

	free(m->plain);
	m->plain = NULL;
	m->plain_decoded = true;
	m->plain_shift = unit == 2 ? 1 : 2;
	if (!n || arch->isa_state_mask)
		return;
	if (!(m->plain = calloc(n, 1)))
		return; /* no runs: every instruction is stepped */
	for (size_t i = 0; i < n; i++) {
		uint64_t pc = m->text_begin + (uint64_t)i * unit;
		const uint8_t *b = emu_ram_ptr(m, pc, 4);
		struct special_insn sp = {.addr_reg = -1};

		if (!b) /* the last bytes of the text: stepped one at a time */
			continue;
		arch->decode_special(b, &sp);
		m->plain[i] = PLAIN * (sp.kind == SPECIAL_NONE && sp.exclusive == EXCL_NONE &&
			      arch->insn_length(b) != 0 && !emu_fetch_word_seen(m, pc) &&
			      !emu_fetch_word_seen(m, pc + 2));
	}
}

void machine_plain_exclude(struct machine *m, uint64_t begin, uint64_t end)
{
	unsigned unit;

	if (!m->plain || end <= m->text_begin || begin >= m->text_end)
		return;
	unit = plain_unit(m);
	if (begin < m->text_begin)
		begin = m->text_begin;
	if (end > m->text_end)
		end = m->text_end;
	/* an instruction that begins before begin and reaches into it: up to 4 bytes back */
	begin = begin - m->text_begin >= 4 ? begin - 4 + unit : m->text_begin;
	for (uint64_t a = begin; a < end; a += unit)
		m->plain[(a - m->text_begin) / unit] = 0;
}

/* The data model's view of the instruction before (memory: arch): what machine_step does
 * after its step; whether that instruction had a choice of values or places, or filled the
 * model, which a step reports. */
static bool data_model_after(struct machine *m, struct hart *h)
{
	const struct step_ctx *c = &m->cur;

	if (!m->batch.data_pending)
		return false;
	m->batch.data_pending = false;
	emu_data_after_step(m, h);
	return c->data_alternatives > 1 || c->data_choice_used || m->dm.full;
}

void emu_batch_on_code(struct machine *m, struct hart *h, uint64_t pc)
{
	struct plain_batch *b = &m->batch;
	const struct step_info *info = m->cur.info;
	bool data_choice;

	if (b->hart != h)
		return;
	data_choice = data_model_after(m, h);
	if (b->n >= b->max || !plain_at(m, pc) ||
	    (b->n > 0 && (pc == b->stop_pc || info->naccesses || info->wrote_code || data_choice ||
			  h->fault || h->trapped))) {
		uc_emu_stop(h->uc);
		return;
	}
	b->pc[b->n++] = pc;
	if (m->dm.on) {
		const uint8_t *bytes = emu_ram_ptr(m, pc, 4); /* plain: 4 bytes of text */

		emu_data_before_step(m, h, m->arch, pc, bytes, m->arch->insn_length(bytes));
		b->data_pending = true;
	}
}

uint64_t emu_batch_steps_before(const struct machine *m, const struct hart *h)
{
	return m->batch.hart == h && m->batch.n ? m->batch.n - 1 : 0;
}

unsigned machine_run_plain(struct machine *m, unsigned hart, unsigned max, uint64_t stop_pc,
			   bool entries, uint64_t *pcs, struct step_info *last)
{
	struct hart *h = &m->harts[hart];
	struct step_ctx *c = &m->cur;
	struct plain_batch *b = &m->batch;
	uint64_t pc = emu_hart_pc(m, h);
	unsigned n;
	uc_err e;

	memset(last, 0, sizeof(*last));
	last->special.kind = SPECIAL_NONE;
	last->special.addr_reg = -1;
	last->data_alternatives = 1;
	if (max > MACHINE_RUN_MAX)
		max = MACHINE_RUN_MAX;
	if (!m->plain_decoded) /* a machine's first run: the text as it is now */
		machine_plain_reset(m);
	b->entries = entries;
	if (!max || !plain_at(m, pc) || pc == stop_pc)
		return 0;
	c->hart = h;
	c->info = last;
	c->ncode = 0;
	c->swap_active = false;
	c->versions_full = false;
	h->fault = false;
	h->trapped = false;
	b->hart = h;
	b->data_pending = false;
	b->n = 0;
	b->max = max;
	b->stop_pc = stop_pc;
	b->pc = pcs;
	e = uc_emu_start(h->uc, pc, 0, 0, max);
	n = b->n;
	data_model_after(m, h);
	b->hart = NULL;
	emu_hart_changed(h);
	if (m->dm.on) { /* as machine_step reports its step's */
		last->data_alternatives = c->data_alternatives;
		last->data_choice = c->data_chosen;
		if (c->data_choice_used)
			h->data_choice = 0; /* a choice holds for one access */
		last->data_full = m->dm.full;
	}
	emu_fetch_publish(m);
	c->info = NULL;
	c->hart = NULL;
	if (e != UC_ERR_OK || h->fault || h->trapped || c->versions_full) {
		/* The last instruction did not complete (or, a branch to unmapped memory, Unicorn
		 * left pc on it): machine_step runs it again and reports. */
		uint64_t again;

		if (!n)
			return 0;
		again = pcs[--n];
		uc_reg_write(h->uc, m->arch->reg_ids[m->arch->reg_pc], &again);
		emu_hart_changed(h);
		last->naccesses = 0;
		last->wrote_code = false;
	}
	h->steps += n;
	if (n) {
		const uint8_t *bytes = emu_ram_ptr(m, pcs[n - 1], 4);

		last->pc = pcs[n - 1];
		if (bytes) {
			memcpy(last->bytes, bytes, 4);
			last->len = m->arch->insn_length(bytes);
		}
	}
	return n;
}
