/*
 * engine_pool.c - hart engines kept from closed machines for the next machines of their arch.
 *
 * A gate opens a machine per image, and most scenarios build an image of their own: about a
 * hundred machines and 250 hart engines. Opening an engine initialises Unicorn's CPU model and
 * translator (the translator's prologue faults in 2 MiB of a fresh code buffer) and closing it
 * tears that down: about a millisecond a hart, a tenth of the gate's time.
 *
 * So a closed machine's wholly set-up engines are emptied and kept: every translation over the
 * machine's mappings dropped (remove_cache per region: Unicorn keys translations by its own
 * RAM offsets, which a later mapping may reuse), the machine's hooks deleted, its mappings
 * unmapped. A machine taking one restores the CPU state saved when the engine was initialised
 * (uc_context: every register the guest or a step can change, as the snapshots rely on), then
 * maps, hooks and sets it up as a new one. What Unicorn keeps beyond that (its code buffer,
 * its RAM offsets) changes no step's result, only where translations land. An engine is kept
 * for ENGINE_POOL_USES machines, and not once it dropped half the translations after which a
 * machine replaces a worn engine (EMU_RENEW_AFTER): its code buffer is never reused.
 */
#include <string.h>

#include "emu_internal.h"

/* Engines kept, of every arch, the oldest dropped first. The gate's machines have 2 or 3 harts
 * and mostly follow one of their arch: with 4 or 8 kept, 85 of its 255 engine opens remain;
 * 24 kept 70 MB more (engines' tables and code buffers) and the gate ran slower for it. */
#define ENGINE_POOL_MAX 4
#define ENGINE_POOL_USES 64 /* machines one engine serves, at most */

struct pooled {
	const struct arch_model *arch;
	uc_engine *uc;
	uc_context *pristine;
	uint64_t invalidations;
	unsigned uses;
};

static struct pooled pool[ENGINE_POOL_MAX];
static unsigned npool;

/* The kept engine p closed, with its saved state. */
static void close_pooled(const struct pooled *p)
{
	uc_context_free(p->pristine);
	uc_close(p->uc);
}

uc_err emu_engine_take(const struct arch_model *arch, struct hart *h)
{
	uc_err e;

	h->nhooks = 0;
	h->ready = false;
	for (unsigned i = npool; i-- > 0;) {
		struct pooled p = pool[i];

		if (p.arch != arch)
			continue;
		memmove(pool + i, pool + i + 1, (--npool - i) * sizeof(pool[0]));
		if ((e = uc_context_restore(p.uc, p.pristine)) != UC_ERR_OK) {
			close_pooled(&p);
			break;
		}
		h->uc = p.uc;
		h->pristine = p.pristine;
		h->invalidations = p.invalidations;
		h->uses = p.uses + 1;
		return UC_ERR_OK;
	}
	h->pristine = NULL;
	h->invalidations = 0;
	h->uses = 1;
	if ((e = emu_engine_open(arch, &h->uc)) != UC_ERR_OK)
		return e;
	/* The state as initialised, restored when the engine serves its next machine (none
	 * kept: the engine is closed with its machine). */
	if (uc_context_alloc(h->uc, &h->pristine) != UC_ERR_OK)
		h->pristine = NULL;
	else if (uc_context_save(h->uc, h->pristine) != UC_ERR_OK) {
		uc_context_free(h->pristine);
		h->pristine = NULL;
	}
	return UC_ERR_OK;
}

void emu_engine_close(struct hart *h)
{
	if (h->pristine)
		uc_context_free(h->pristine);
	if (h->uc)
		uc_close(h->uc);
	h->pristine = NULL;
	h->uc = NULL;
}

/* Drops m's translations, hooks and mappings from h's engine; false when one could not be
 * dropped (the engine is then closed, not kept). */
static bool empty(struct machine *m, struct hart *h)
{
	uint64_t pg = emu_map_page(m->arch);
	uint64_t magic = MACHINE_MAGIC_RETURN & ~(pg - 1);

	for (unsigned r = 0; r < m->nregions; r++)
		emu_invalidate_hart(h, m->regions[r].begin, m->regions[r].end);
	emu_invalidate_hart(h, magic, magic + pg);
	for (unsigned i = 0; i < h->nhooks; i++)
		if (uc_hook_del(h->uc, h->hooks[i]) != UC_ERR_OK)
			return false;
	h->nhooks = 0;
	for (unsigned r = 0; r < m->nregions; r++)
		if (uc_mem_unmap(h->uc, m->regions[r].begin,
				 (size_t)(m->regions[r].end - m->regions[r].begin)) != UC_ERR_OK)
			return false;
	return uc_mem_unmap(h->uc, magic, (size_t)pg) == UC_ERR_OK;
}

void emu_engine_give_back(struct machine *m, struct hart *h)
{
	if (!h->uc)
		return;
	if (!h->ready || !h->pristine || h->uses >= ENGINE_POOL_USES ||
	    h->invalidations > EMU_RENEW_AFTER / 2 || !empty(m, h)) {
		emu_engine_close(h);
		return;
	}
	if (npool == ENGINE_POOL_MAX) { /* the engine kept longest goes */
		close_pooled(&pool[0]);
		memmove(pool, pool + 1, --npool * sizeof(pool[0]));
	}
	pool[npool++] = (struct pooled){.arch = m->arch, .uc = h->uc, .pristine = h->pristine,
					.invalidations = h->invalidations, .uses = h->uses};
	h->uc = NULL;
	h->pristine = NULL;
}
