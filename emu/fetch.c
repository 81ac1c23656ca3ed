/*
 * fetch.c - instruction-fetch views: when does a hart see a write into code?
 *
 * Unicorn caches translations per engine and never invalidates another engine's cache, so the
 * machine decides explicitly, and keeps every engine's translations in step with that decision:
 *
 * Coherent model: after a step that wrote code, every engine drops its translations over the
 * written words, so every hart's next fetch sees memory.
 *
 * Relaxed model: a code write leaves every hart (the writer too) with a "stale word": the bytes
 * that word held before the write. A hart fetches RAM overlaid with its stale words until it
 * executes a context synchronisation (ISB / FENCE.I), which drops its stale words and its
 * translations of them. The old bytes are executed exactly, whether or not the hart had a cached
 * translation: for that step the machine drops the hart's translation at pc, puts the old bytes
 * into RAM, steps, puts RAM back and drops the translation again (step.c). Limits: during that
 * one step the hart's own data loads of that word return the old bytes too; a stale word is
 * tracked per aligned 4-byte word; an ISB makes every earlier write visible to the hart, whether
 * or not the writer completed its cache maintenance (IC IVAU is reported, not modelled).
 *
 * Invariant kept by both models: a hart's cached translation starting at an address that is not
 * one of its stale words was made from the bytes RAM holds now. So the bytes the machine reads
 * from the view before a step are the bytes executed.
 */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

static uint64_t align_down4(uint64_t a)
{
	return a & ~3ull;
}

static uint64_t align_up4(uint64_t a)
{
	return (a + 3) & ~3ull;
}

void emu_invalidate_hart(struct hart *h, uint64_t begin, uint64_t end)
{
	uc_ctl_remove_cache(h->uc, (uint64_t)align_down4(begin), (uint64_t)align_up4(end));
}

void emu_invalidate_all(struct machine *m, uint64_t begin, uint64_t end)
{
	for (unsigned i = 0; i < m->nharts; i++)
		emu_invalidate_hart(&m->harts[i], begin, end);
}

static struct stale_word *stale_find(const struct stale_list *l, uint64_t word)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].addr == word)
			return &l->v[i];
	return NULL;
}

void emu_fetch_view(struct machine *m, struct hart *h, uint64_t pc, const uint8_t *ram, uint8_t *out,
		    unsigned n)
{
	memcpy(out, ram, n);
	if (h->stale.n == 0)
		return;
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = pc + i;
		const struct stale_word *w = stale_find(&h->stale, align_down4(a));
		if (w)
			out[i] = w->old[a & 3];
	}
}

static int stale_add(struct stale_list *l, uint64_t word, const uint8_t *old)
{
	if (stale_find(l, word))
		return 0; /* the hart still sees the oldest bytes */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct stale_word *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].addr = word;
	memcpy(l->v[l->n].old, old, 4);
	l->n++;
	return 0;
}

/* The 4 bytes RAM holds at word (aligned), as they were before the write in progress. */
static void word_before(struct machine *m, uint64_t word, uint8_t *out)
{
	const struct step_ctx *c = &m->cur;

	for (unsigned i = 0; i < 4; i++) {
		uint64_t a = word + i;
		if (a < m->ram_base || a >= m->ram_end)
			out[i] = 0;
		else if (c->swap_active && a >= c->swap_addr && a < c->swap_addr + c->swap_len)
			out[i] = c->swap_ram[a - c->swap_addr];
		else
			out[i] = m->ram[a - m->ram_base];
	}
}

void emu_fetch_note_write(struct machine *m, uint64_t addr, unsigned size)
{
	struct step_ctx *c = &m->cur;
	uint64_t b = align_down4(addr), e = align_up4(addr + size);

	if (m->fetch == FETCH_RELAXED) {
		for (uint64_t w = b; w < e; w += 4) {
			uint8_t old[4];
			word_before(m, w, old);
			for (unsigned i = 0; i < m->nharts; i++) {
				struct hart *h = &m->harts[i];
				/* Out of memory: that hart sees the write at once instead. The
				 * running engine needs nothing: it sees its own writes. */
				if (stale_add(&h->stale, w, old) != 0 && h != c->hart)
					emu_invalidate_hart(h, w, w + 4);
			}
		}
		return;
	}
	for (unsigned i = 0; i < c->ncode; i++) {
		if (b <= c->code[i].end && e >= c->code[i].begin) {
			if (b < c->code[i].begin)
				c->code[i].begin = b;
			if (e > c->code[i].end)
				c->code[i].end = e;
			return;
		}
	}
	if (c->ncode < EMU_MAX_CODE_WRITES) {
		c->code[c->ncode].begin = b;
		c->code[c->ncode].end = e;
		c->ncode++;
		return;
	}
	/* More distinct ranges than remembered: widen the last one (over-invalidating is safe). */
	struct range *r = &c->code[EMU_MAX_CODE_WRITES - 1];
	if (b < r->begin)
		r->begin = b;
	if (e > r->end)
		r->end = e;
}

void emu_fetch_publish(struct machine *m)
{
	struct step_ctx *c = &m->cur;

	if (m->invalidate)
		for (unsigned i = 0; i < c->ncode; i++)
			emu_invalidate_all(m, c->code[i].begin, c->code[i].end);
	c->ncode = 0;
}

void emu_fetch_sync(struct machine *m, struct hart *h)
{
	for (size_t i = 0; i < h->stale.n; i++)
		emu_invalidate_hart(h, h->stale.v[i].addr, h->stale.v[i].addr + 4);
	h->stale.n = 0;
}

void emu_fetch_forget(struct machine *m, uint64_t begin, uint64_t end)
{
	for (unsigned i = 0; i < m->nharts; i++) {
		struct stale_list *l = &m->harts[i].stale;
		size_t k = 0;
		for (size_t j = 0; j < l->n; j++)
			if (l->v[j].addr + 4 <= begin || l->v[j].addr >= end)
				l->v[k++] = l->v[j];
		l->n = k;
	}
}

void emu_stale_free(struct stale_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int emu_stale_copy(struct stale_list *dst, const struct stale_list *src)
{
	if (dst->cap < src->n) {
		struct stale_word *v = realloc(dst->v, src->n * sizeof(*v));
		if (!v)
			return -1;
		dst->v = v;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
	return 0;
}

bool machine_fetch_stale(struct machine *m, unsigned hart, uint64_t addr)
{
	if (hart >= m->nharts || addr < m->ram_base || addr >= m->ram_end)
		return false;
	const struct stale_word *w = stale_find(&m->harts[hart].stale, align_down4(addr));
	if (!w)
		return false;
	uint64_t word = align_down4(addr);
	for (unsigned i = 0; i < 4; i++)
		if (word + i < m->ram_end && w->old[i] != m->ram[word + i - m->ram_base])
			return true;
	return false;
}

void machine_set_invalidation(struct machine *m, bool on)
{
	m->invalidate = on;
}

void machine_fetch_sync(struct machine *m, unsigned hart)
{
	if (hart < m->nharts)
		emu_fetch_sync(m, &m->harts[hart]);
}
