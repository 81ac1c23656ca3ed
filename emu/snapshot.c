/*
 * snapshot.c - saving and restoring the whole machine for backtracking: every hart's CPU context
 * and clock, RAM, the fetch model's versions of the code words written, and the data model.
 *
 * A Unicorn context holds registers only; translations are not part of it. So a restore copies
 * RAM back and then drops, in every engine, the translations over code whose bytes differ
 * between the current RAM and the snapshot, so that no hart runs code that the restored state
 * never held.
 *
 * RAM is copied by pages, only those whose version (emu_internal.h) differs between the machine
 * and the snapshot: a save copies the pages written since the snapshot's state, a restore those
 * written since the machine left it. Versions name contents, not times, so any snapshot of a
 * stack of them (the search's checkpoints) restores correctly after any other.
 */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

struct machine_snapshot {
	unsigned nharts;
	size_t ram_size;
	uint8_t *ram;
	uint64_t machine;          /* serial of the machine the versions are of */
	uint64_t *page_version;    /* of the bytes in ram; 0: not copied yet */
	uc_context *ctx[MACHINE_MAX_HARTS];
	uint64_t steps[MACHINE_MAX_HARTS];
	struct fetch_words fw;
	bool dm_saved;             /* the data model was on: dm holds its state */
	struct datamem *dm;        /* allocated at the first save with the data model on (40 KB) */
};

struct machine_snapshot *machine_snapshot_new(struct machine *m)
{
	struct machine_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->nharts = m->nharts;
	s->ram_size = m->ram_size;
	s->ram = malloc(m->ram_size);
	s->page_version = calloc(m->npages, sizeof(*s->page_version));
	if (!s->ram || !s->page_version)
		goto fail;
	for (unsigned i = 0; i < m->nharts; i++)
		if (uc_context_alloc(m->harts[i].uc, &s->ctx[i]) != UC_ERR_OK) {
			s->ctx[i] = NULL;
			goto fail;
		}
	machine_snapshot_save(m, s);
	return s;
fail:
	machine_snapshot_free(s);
	return NULL;
}

void machine_snapshot_free(struct machine_snapshot *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nharts; i++) {
		if (s->ctx[i])
			uc_context_free(s->ctx[i]);
	}
	emu_fetch_words_free(&s->fw);
	free(s->dm);
	free(s->ram);
	free(s->page_version);
	free(s);
}

void machine_snapshot_save(struct machine *m, struct machine_snapshot *s)
{
	if (!s || s->nharts != m->nharts || s->ram_size != m->ram_size)
		return;
	for (unsigned i = 0; i < m->nharts; i++) {
		uc_context_save(m->harts[i].uc, s->ctx[i]);
		s->steps[i] = m->harts[i].steps;
	}
	if (emu_fetch_words_copy(&s->fw, &m->fw) != 0)
		abort(); /* out of memory: a restore would lose the versions */
	s->dm_saved = m->dm.on;
	if (m->dm.on) {
		if (!s->dm && !(s->dm = malloc(sizeof(*s->dm))))
			abort(); /* out of memory: a restore would lose the data model's state */
		emu_data_copy(s->dm, &m->dm);
	}
	if (s->machine != m->serial) { /* saved from another machine: its versions mean nothing */
		memset(s->page_version, 0, m->npages * sizeof(*s->page_version));
		s->machine = m->serial;
	}
	for (size_t p = 0; p < m->npages; p++) {
		if (s->page_version[p] == m->page_version[p])
			continue;
		size_t b = p * EMU_PAGE, n = m->ram_size - b < EMU_PAGE ? m->ram_size - b : EMU_PAGE;
		memcpy(s->ram + b, m->ram + b, n);
		s->page_version[p] = m->page_version[p];
	}
	m->shared_versions = m->last_version; /* the snapshot holds them now */
}

/*
 * Drops every engine's translations over the words of [begin, end) (offsets into RAM) whose
 * bytes differ between cur and old, merging adjacent changed words into one range. Blocks of
 * 64 bytes that agree are passed over whole; words are compared only inside those that differ.
 */
static void invalidate_changed(struct machine *m, const uint8_t *cur, const uint8_t *old,
			       size_t begin, size_t end)
{
	size_t run = SIZE_MAX;

	for (size_t blk = begin; blk < end; blk += 64) {
		size_t bend = end - blk < 64 ? end : blk + 64;

		if (memcmp(cur + blk, old + blk, bend - blk) == 0) {
			if (run != SIZE_MAX) {
				emu_invalidate_all(m, m->ram_base + run, m->ram_base + blk);
				run = SIZE_MAX;
			}
			continue;
		}
		for (size_t off = blk; off < bend; off += 4) {
			size_t n = bend - off < 4 ? bend - off : 4;
			bool changed = memcmp(cur + off, old + off, n) != 0;

			if (changed && run == SIZE_MAX)
				run = off;
			if (!changed && run != SIZE_MAX) {
				emu_invalidate_all(m, m->ram_base + run, m->ram_base + off);
				run = SIZE_MAX;
			}
		}
	}
	if (run != SIZE_MAX)
		emu_invalidate_all(m, m->ram_base + run, m->ram_base + end);
}

void machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s)
{
	if (!s || s->nharts != m->nharts || s->ram_size != m->ram_size)
		return;
	for (unsigned i = 0; i < m->nharts; i++) {
		struct hart *h = &m->harts[i];

		emu_renew_if_worn(m, i);
		uc_context_restore(h->uc, s->ctx[i]);
		emu_hart_changed(h);
		h->steps = s->steps[i];
		h->fetch_choice = 0;
		h->data_choice = 0;
	}
	if (emu_fetch_words_copy(&m->fw, &s->fw) != 0)
		abort();
	emu_fetch_words_seen(m); /* the snapshot may be another machine's */
	if (m->dm.on && s->dm_saved) /* else the data model is off, or set up after this */
		emu_data_copy(&m->dm, s->dm);

	/* Pages whose contents differ are copied back; over code (the text range, 4-byte
	 * aligned, and every page some hart fetched from) the changed words are invalidated. */
	size_t tb = m->text_begin > m->ram_base ? (size_t)(m->text_begin - m->ram_base) : 0;
	size_t te = m->text_end < m->ram_end ? (size_t)(m->text_end - m->ram_base) : m->ram_size;
	tb &= ~(size_t)3;
	te = (te + 3) & ~(size_t)3;
	if (te > m->ram_size)
		te = m->ram_size;
	bool foreign = s->machine != m->serial; /* saved from another machine: copy every page */
	for (size_t p = 0; p < m->npages; p++) {
		if (!foreign && m->page_version[p] == s->page_version[p])
			continue;
		size_t b = p * EMU_PAGE, e = m->ram_size - b < EMU_PAGE ? m->ram_size : b + EMU_PAGE;
		if (m->exec_pages[p])
			invalidate_changed(m, m->ram, s->ram, b, e);
		else if (b < te && e > tb)
			invalidate_changed(m, m->ram, s->ram, b > tb ? b : tb, e < te ? e : te);
		memcpy(m->ram + b, s->ram + b, e - b);
		if (m->ram_base + b < m->private_hi && m->ram_base + e > m->private_lo)
			emu_private_written(m, m->ram_base + b, e - b);
		m->page_version[p] = foreign ? ++m->last_version : s->page_version[p];
		if (m->page_hashed)
			m->page_hashed[p] = 0;
	}
	m->shared_versions = m->last_version;
}
