/*
 * hooks.c - the Unicorn hooks of every hart: memory accesses (watched ranges, writes into code),
 * unmapped / protection faults, traps, and the code hook of runs of plain instructions
 * (batch.c; it returns at once outside a run). They only record into the step in progress
 * (machine->cur) and into the hart; machine_step turns that into a step_info.
 *
 * Reported: accesses into watched ranges, or, when the explorer asks, every access outside the
 * stepping hart's private memory (its stack, private_mem.c); and every write into code. One
 * READ|WRITE hook spans the whole RAM and filters in C, so ranges watched after machine_open
 * are seen without adding hooks later (hooks are not retroactive in Unicorn).
 */
#include <string.h>

#include "emu_internal.h"

bool emu_is_code(const struct machine *m, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	if (addr < m->text_end && end > m->text_begin)
		return true;
	if (addr < m->ram_base || end > m->ram_end || len == 0)
		return false;
	return m->exec_pages[(addr - m->ram_base) / EMU_PAGE] ||
	       m->exec_pages[(end - 1 - m->ram_base) / EMU_PAGE];
}

/* Is the access reported: into a watched range, or (report_shared) outside the private memory
 * (private_mem.c) of the hart that makes it? */
static bool is_watched(const struct machine *m, const struct hart *h, uint64_t addr, uint64_t len)
{
	if (m->report_shared && !emu_private_to(m, h, addr, len))
		return true;
	for (size_t i = 0; i < m->nwatch; i++)
		if (addr < m->watch[i].end && addr + len > m->watch[i].begin)
			return true;
	return false;
}

/*
 * Little-endian value of the n (<= 8) bytes at addr. With kept, bytes of a word swapped in for
 * the current step (relaxed fetch model) are taken from what RAM keeps after the step; without,
 * from what the hart's load actually returns.
 */
static uint64_t ram_value(struct machine *m, uint64_t addr, unsigned n, bool kept)
{
	const uint8_t *p = m->ram + (addr - m->ram_base);
	const struct step_ctx *c = &m->cur;
	uint64_t v = 0;

	for (unsigned i = 0; i < n && i < 8; i++) {
		uint64_t a = addr + i;
		uint8_t b = p[i];
		if (kept && c->swap_active && a >= c->swap_addr && a < c->swap_addr + c->swap_len)
			b = c->swap_ram[a - c->swap_addr];
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void record(struct machine *m, enum access_kind kind, uint64_t addr, unsigned size,
		   uint64_t value, uint64_t old)
{
	struct step_info *info = m->cur.info;

	if (!info || info->naccesses >= STEP_MAX_ACCESSES)
		return;
	struct mem_access *a = &info->accesses[info->naccesses++];
	a->kind = kind;
	a->addr = addr;
	a->size = size;
	a->value = value;
	a->old_value = old;
}

static void on_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *ud)
{
	struct hart *h = ud;
	struct machine *m = h->m;
	unsigned n = size > 0 ? (unsigned)size : 0;
	uint64_t mask = n >= 8 ? ~0ull : (1ull << (8 * n)) - 1;

	if (addr < m->ram_base || addr + n > m->ram_end)
		return;
	if (m->dm.on && m->cur.hart == h) {
		bool own = emu_private_to(m, h, addr, n);

		if (type == UC_MEM_WRITE)
			emu_data_store(m, h, addr, n, (uint64_t)value, own);
		else if (type == UC_MEM_READ)
			emu_data_load(m, h, addr, n, own); /* may put an older value in RAM first */
	}
	if (type == UC_MEM_WRITE) {
		emu_ram_written(m, (size_t)(addr - m->ram_base), n); /* for snapshots */
		bool code = emu_is_code(m, addr, n);
		if (!code && !is_watched(m, h, addr, n))
			return;
		uint64_t old = ram_value(m, addr, n, true);
		record(m, ACCESS_WRITE, addr, n, (uint64_t)value & mask, old);
		if (!code)
			return;
		machine_plain_exclude(m, addr, addr + n);
		if (m->cur.info)
			m->cur.info->wrote_code = true;
		emu_fetch_note_write(m, addr, n);
		/* A write over the word swapped in for this step lands in what RAM keeps. */
		struct step_ctx *c = &m->cur;
		for (unsigned i = 0; c->swap_active && i < n && i < 8; i++) {
			uint64_t a = addr + i;
			if (a >= c->swap_addr && a < c->swap_addr + c->swap_len)
				c->swap_ram[a - c->swap_addr] = (uint8_t)((uint64_t)value >> (8 * i));
		}
	} else if (type == UC_MEM_READ) {
		if (!is_watched(m, h, addr, n))
			return;
		uint64_t v = ram_value(m, addr, n, false);
		record(m, ACCESS_READ, addr, n, v, v);
	}
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct hart *h = ud;

	if (h->m->batch.hart)
		emu_batch_on_code(h->m, h, addr);
}

static bool on_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		       void *ud)
{
	struct hart *h = ud;

	if (!h->fault) {
		h->fault = true;
		h->fault_type = (int)type;
		h->fault_addr = addr;
	}
	return false;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct hart *h = ud;

	h->trapped = true;
	h->trap_intno = intno;
	uc_emu_stop(uc);
}

int emu_hooks_install(struct machine *m, struct hart *h)
{
	uc_hook hh;
	uc_err e;

	e = uc_hook_add(h->uc, &hh, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_mem, h,
			m->ram_base, m->ram_end - 1);
	if ((e = emu_hook_added(h, e, hh)) != UC_ERR_OK)
		return (int)e;
	e = uc_hook_add(h->uc, &hh, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, (void *)on_bad_mem, h, 1,
			0);
	if ((e = emu_hook_added(h, e, hh)) != UC_ERR_OK)
		return (int)e;
	e = uc_hook_add(h->uc, &hh, UC_HOOK_CODE, (void *)on_code, h, 1, 0);
	if ((e = emu_hook_added(h, e, hh)) != UC_ERR_OK)
		return (int)e;
	e = uc_hook_add(h->uc, &hh, UC_HOOK_INTR, (void *)on_intr, h, 1, 0);
	if ((e = emu_hook_added(h, e, hh)) != UC_ERR_OK)
		return (int)e;
	return emu_sysregs_install(m, h);
}
