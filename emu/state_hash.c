/*
 * state_hash.c - a hash of the machine's whole state, for a search that recognises a state it
 * has explored before: RAM, every hart's CPU context, the fetch model, the data model
 * (memory: arch, emu_data_hash), and the harts' clocks once the guest has read one.
 *
 * A CPU context is hashed whole, as the opaque bytes uc_context_save fills (every register the
 * engine keeps, system registers and banked copies included): two states that differ in any
 * of it hash differently, and a field that varies without meaning only costs a merge (but for
 * the exclusive monitor's value while the monitor is clear: monitor.c; the registers the
 * caller knows dead, machine_state_hash_live, and the flags, hashed as the architecture has
 * them rather than in QEMU's raw form: context_layout.c). The hash is kept with the hart until
 * its engine may change (emu_hart_changed).
 *
 * RAM is hashed a page at a time, each page's hash kept until a write into the page
 * (emu_ram_written, a snapshot restore); the part of a hart's stack below its SP is dead and
 * left out (dead_stacks).
 *
 * The fetch model's versions carry the write tag of the transition that wrote each; what a tag
 * means depends on the path (the position of a transition), so the caller maps each tag to what
 * it decides for the path's future (tag_key).
 */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

static uint64_t mix(uint64_t v)
{
	v ^= v >> 30;
	v *= 0xbf58476d1ce4e5b9ull;
	v ^= v >> 27;
	v *= 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

/* One 64-bit word into a lane of the hash: a multiply and a fold. */
static uint64_t lane(uint64_t v, uint64_t w)
{
	v = (v ^ w) * 0xff51afd7ed558ccdull;
	return v ^ (v >> 32);
}

/*
 * A hash of n bytes: four lanes take a 64-bit word each in turn, so the multiplies of one
 * round do not wait for each other; the words left over go to the first, a tail shorter
 * than a word and the length are folded in at the end.
 */
uint64_t machine_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const uint8_t *b = p;
	uint64_t v0 = seed ^ 0x9e3779b97f4a7c15ull, v1 = seed ^ 0xc2b2ae3d27d4eb4full,
		 v2 = seed ^ 0x165667b19e3779f9ull, v3 = seed ^ 0x27d4eb2f165667c5ull, w[4];
	size_t i;

	for (i = 0; i + 32 <= n; i += 32) {
		memcpy(w, b + i, 32);
		v0 = lane(v0, w[0]);
		v1 = lane(v1, w[1]);
		v2 = lane(v2, w[2]);
		v3 = lane(v3, w[3]);
	}
	for (; i + 8 <= n; i += 8) {
		memcpy(w, b + i, 8);
		v0 = lane(v0, w[0]);
	}
	for (w[0] = 0; i < n; i++)
		w[0] = w[0] << 8 | b[i];
	return mix(mix(mix(mix(v0) ^ v1) ^ v2) ^ v3 ^ w[0] ^ (uint64_t)n << 48);
}

/*
 * The part of each hart's stack below its SP, as host offsets [lo, hi) ({0, 0} while SP is
 * outside the hart's stack). It is dead: no program reads it before it has written it (AAPCS64
 * 6.4.5.1 and AAPCS 5.2.1.1: a process may only access the stack between SP and its base;
 * the RISC-V psABI and Linux give riscv no red zone either), and an interrupt may overwrite it
 * at any time. Two states that differ only there (a handler's frame, a callee's locals, left
 * behind in a different order) are one state.
 */
static void dead_stacks(struct machine *m, size_t *lo, size_t *hi)
{
	for (unsigned h = 0; h < m->nharts; h++) {
		uint64_t base = m->stack_base[h], sp = machine_reg(m, h, m->arch->reg_sp);

		lo[h] = hi[h] = 0;
		if (sp > base && sp <= m->stack_top[h]) {
			lo[h] = (size_t)(base - m->ram_base);
			hi[h] = (size_t)(sp - m->ram_base);
		}
	}
}

/* The hash of page p (its bytes from b, n of them), the dead stack left out: nothing for a
 * page wholly below a hart's SP, the live part for the page SP is in. */
static uint64_t page_hash(struct machine *m, size_t p, size_t b, size_t n, const size_t *lo,
			  const size_t *hi)
{
	for (unsigned h = 0; h < m->nharts; h++) {
		if (b + n <= lo[h] || b >= hi[h])
			continue;
		if (b + n <= hi[h])
			return 0;
		return machine_hash_bytes(m->ram + hi[h], b + n - hi[h], p);
	}
	if (!m->page_hashed[p]) {
		m->page_hash[p] = machine_hash_bytes(m->ram + b, n, p);
		m->page_hashed[p] = 1;
	}
	return m->page_hash[p];
}

static uint64_t ram_hash(struct machine *m)
{
	size_t lo[MACHINE_MAX_HARTS], hi[MACHINE_MAX_HARTS];
	uint64_t sum = 0;

	if (!m->page_hash) {
		m->page_hash = calloc(m->npages, sizeof(*m->page_hash));
		m->page_hashed = calloc(m->npages, sizeof(*m->page_hashed));
		if (!m->page_hash || !m->page_hashed)
			abort();
	}
	dead_stacks(m, lo, hi);
	for (size_t p = 0; p < m->npages; p++) {
		size_t b = p * EMU_PAGE;

		sum += page_hash(m, p, b, m->ram_size - b < EMU_PAGE ? m->ram_size - b : EMU_PAGE,
				 lo, hi);
	}
	return sum;
}

/* Kept with the hart, with the dead registers it left out, until its engine may change
 * (emu_hart_changed). */
static uint64_t context_hash(struct machine *m, unsigned i, uint64_t dead)
{
	struct hart *h = &m->harts[i];
	uint64_t flags;
	size_t n;

	if (h->ctx_hashed && h->ctx_dead == dead)
		return h->ctx_hash;
	if (!m->hash_ctx[i] && uc_context_alloc(h->uc, &m->hash_ctx[i]) != UC_ERR_OK)
		abort();
	uc_context_save(h->uc, m->hash_ctx[i]);
	n = uc_context_size(h->uc);
	emu_monitor_canonical(m->arch, (uint8_t *)m->hash_ctx[i], n);
	flags = emu_context_canonical_regs(m->arch, h->uc, (uint8_t *)m->hash_ctx[i], n, dead);
	h->ctx_hash = machine_hash_bytes(m->hash_ctx[i], n, i) ^ mix(flags);
	h->ctx_dead = dead;
	h->ctx_hashed = true;
	return h->ctx_hash;
}

/* The fetch model as its future sees it. Versions below every hart's floor can no longer be
 * fetched (word_compact would drop them, renumbering the rest, as here); and a version's write
 * tag is read only by check_coherence, for versions above the reading hart's floor: the tag of
 * the lowest version still fetchable is never read, and is left out. Without this, the tag of
 * the newest version (dpor_reach_key: every access reached from the write so far) makes the
 * state of every path after a code write its own. */
static uint64_t fetch_hash(const struct machine *m, uint64_t (*tag_key)(void *, uint32_t),
			   void *ud)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < m->fw.n; i++) {
		const struct fetch_word *w = &m->fw.v[i];
		unsigned low = emu_fetch_word_low(m, w);
		uint64_t v = mix(w->off ^ (uint64_t)(w->nver - low) << 56 ^
				 (uint64_t)fetch_rebase(w->pou, low) << 48);

		for (unsigned h = 0; h < m->nharts; h++) /* numbered as word_compact would */
			v = mix(v ^ fetch_rebase(w->floor[h], low) ^
				(uint64_t)fetch_rebase(w->icache[h], low) << 8 ^
				(uint64_t)fetch_rebase_pending(w->clean_pending[h], low) << 16 ^
				(uint64_t)fetch_rebase_pending(w->inval_pending[h], low) << 24 ^
				(uint64_t)w->inval_broadcast[h] << 32 ^ (uint64_t)h << 40);
		for (unsigned k = low; k < w->nver; k++)
			v = mix(v ^ w->ver[k] ^
				(k > low && w->tag[k] ? tag_key(ud, w->tag[k]) : 0) << 1);
		sum += v; /* the words in any order */
	}
	return sum;
}

uint64_t machine_state_hash(struct machine *m, uint64_t (*tag_key)(void *ud, uint32_t tag),
			    void *ud)
{
	return machine_state_hash_live(m, NULL, tag_key, ud);
}

uint64_t machine_state_hash_live(struct machine *m, const uint64_t *dead,
				 uint64_t (*tag_key)(void *ud, uint32_t tag), void *ud)
{
	uint64_t v = mix(ram_hash(m));

	for (unsigned i = 0; i < m->nharts; i++) {
		v = mix(v ^ context_hash(m, i, dead ? dead[i] : 0));
		if (m->clock_read)
			v = mix(v ^ m->harts[i].steps);
	}
	v = mix(v ^ emu_data_hash(m, mix));
	return mix(v ^ fetch_hash(m, tag_key, ud));
}


