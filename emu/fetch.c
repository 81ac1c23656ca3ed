/*
 * fetch.c - instruction fetch: when does a hart see a write into code?
 *
 * Unicorn caches translations per engine and never invalidates another engine's cache, so the
 * machine decides explicitly. After every step that wrote code, every engine drops its
 * translations over the written words: a cached translation is always of the bytes RAM holds.
 * A hart that fetches other bytes (an older version) has them swapped into RAM for its one
 * step (step.c).
 *
 * Coherent model: every hart fetches what RAM holds.
 *
 * The other two keep, for every code word written during the run, its versions (fetch_word),
 * and per hart the oldest version it may still fetch (its floor).
 *
 * Relaxed model: a hart fetches its floor, the oldest, until it executes a context
 * synchronisation (ISB, FENCE.I), which raises its floor to the newest version.
 *
 * Arch model: a fetch may take any version from the hart's floor to the newest (distinct bytes
 * only); which one is a choice the explorer makes (machine_choose_fetch). Instruction fetch is
 * not coherent: one fetch may see the new word and a later one the old. What raises a floor:
 *
 *  Arm (FETCH_RULE_CACHE_MAINTENANCE). Arm ARM DDI 0487 B2.4.4 "Concurrent modification and
 *  execution of instructions" and D7.5 (cache maintenance); ARMv7 DDI 0406C A3.5.4 and B2.2.9;
 *  Simner et al., "ARMv8-A system semantics: instruction fetch in relaxed architectures",
 *  ESOP 2020. Per word:
 *   - pou: the newest version cleaned to the point of unification. DC CVAU (DCCMVAU) of its
 *     line by hart h takes the newest version now, and it counts once a DSB of h completes it.
 *     With CTR_EL0.IDC every write is at the PoU at once.
 *   - icache[g]: the oldest version hart g's instruction cache can hold. IC IVAU (ICIMVAU) of
 *     the line by h targets pou as it is when the IC executes (so the clean must have completed
 *     before: DC CVAU; DSB; IC IVAU), and once a DSB of h completes it, every hart's icache
 *     rises to the target (the invalidation is broadcast in the inner shareable domain, as IC
 *     IALLUIS / ICIALLUIS are; IC IALLU / ICIALLU act on hart h's own cache only). With
 *     CTR_EL0.DIC icache follows pou.
 *   - floor[g] rises to icache[g] at g's next context synchronisation event: ISB, exception
 *     entry, exception return. Instructions fetched before it may be older (the pipeline).
 *  RISC-V (FETCH_RULE_FENCE_I). Unprivileged spec, "Zifencei": FENCE.I makes the stores visible
 *  to the hart visible to its own later fetches: floor = newest, for that hart only. Other
 *  harts need their own FENCE.I (a remote fence.i through an IPI or the SBI). Exception entry
 *  and return do not synchronise fetch.
 *
 * Granule: a version is of an aligned 4-byte word, fetched atomically (arm64 B2.2.1 and the
 * RISC-V Ziccif extension for an aligned 32-bit instruction; ARMv7 A3.5.3 for A32 and for a
 * T32 instruction within one word). An instruction that spans two words (a 32-bit Thumb or
 * RISC-V instruction at 2 mod 4) is fetched as two halves, each its own choice.
 *
 * A host write (machine_poke) is visible to every hart at once: it forgets the versions.
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

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void emu_invalidate_hart(struct hart *h, uint64_t begin, uint64_t end)
{
	h->invalidations++;
	uc_ctl_remove_cache(h->uc, (uint64_t)align_down4(begin), (uint64_t)align_up4(end));
}

void emu_invalidate_all(struct machine *m, uint64_t begin, uint64_t end)
{
	for (unsigned i = 0; i < m->nharts; i++)
		emu_invalidate_hart(&m->harts[i], begin, end);
}

static bool keeps_versions(const struct machine *m)
{
	return m->fetch == FETCH_RELAXED || m->fetch == FETCH_ARCH;
}

static bool word_seen(const struct machine *m, uint64_t off)
{
	return m->fw_seen[off / 256] >> (off / 4 % 64) & 1;
}

static void word_mark_seen(struct machine *m, uint64_t off)
{
	m->fw_seen[off / 256] |= 1ull << (off / 4 % 64);
	machine_plain_exclude(m, m->ram_base + off, m->ram_base + off + 4);
}

bool emu_fetch_word_seen(const struct machine *m, uint64_t addr)
{
	if (addr < m->ram_base || addr >= m->ram_end)
		return false;
	return word_seen(m, (addr - m->ram_base) & ~3ull);
}

static struct fetch_word *word_find(const struct machine *m, uint64_t off)
{
	if (!word_seen(m, off))
		return NULL;
	for (size_t i = 0; i < m->fw.n; i++)
		if (m->fw.v[i].off == off)
			return &m->fw.v[i];
	return NULL;
}

/* The RAM offset of the aligned word holding guest addr, or false outside RAM. */
static bool word_offset(struct machine *m, uint64_t addr, uint64_t *off)
{
	const uint8_t *p = emu_ram_ptr(m, align_down4(addr), 4);

	if (!p)
		return false;
	*off = (uint64_t)(p - m->ram);
	return true;
}

/* The 4 bytes RAM holds at offset off, as they were before the write in progress (the step's
 * fetched bytes may be swapped in there). */
static uint32_t word_before(struct machine *m, uint64_t off)
{
	const struct step_ctx *c = &m->cur;
	const uint8_t *swap = c->swap_active ? emu_ram_ptr(m, c->swap_addr, c->swap_len) : NULL;
	uint8_t out[4];

	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *b = m->ram + off + i;

		out[i] = swap && b >= swap && b < swap + c->swap_len ? c->swap_ram[b - swap] : *b;
	}
	return le32_at(out);
}

static uint32_t word_now(const struct machine *m, uint64_t off)
{
	return le32_at(m->ram + off);
}

/* The word's tracking record, made (with its current bytes as version 0) if it has none. */
static struct fetch_word *word_track(struct machine *m, uint64_t off)
{
	struct fetch_word *w = word_find(m, off);

	if (w)
		return w;
	if (m->fw.n == m->fw.cap) {
		size_t cap = m->fw.cap ? 2 * m->fw.cap : 16;
		struct fetch_word *v = realloc(m->fw.v, cap * sizeof(*v));

		if (!v)
			abort();
		m->fw.v = v;
		m->fw.cap = cap;
	}
	w = &m->fw.v[m->fw.n++];
	memset(w, 0, sizeof(*w));
	w->off = off;
	w->nver = 1;
	word_mark_seen(m, off);
	w->ver[0] = word_before(m, off);
	return w;
}

unsigned emu_fetch_word_low(const struct machine *m, const struct fetch_word *w)
{
	unsigned low = w->nver - 1;

	for (unsigned h = 0; h < m->nharts; h++)
		if (w->floor[h] < low)
			low = w->floor[h];
	return low;
}

/* Drops the versions no hart may fetch any more, renumbering the rest. */
static void word_compact(struct machine *m, struct fetch_word *w)
{
	unsigned low = emu_fetch_word_low(m, w);

	if (low == 0)
		return;
	memmove(w->ver, w->ver + low, (w->nver - low) * sizeof(w->ver[0]));
	memmove(w->tag, w->tag + low, (w->nver - low) * sizeof(w->tag[0]));
	w->nver = (uint8_t)(w->nver - low);
	w->pou = fetch_rebase(w->pou, low);
	for (unsigned h = 0; h < m->nharts; h++) {
		w->floor[h] = fetch_rebase(w->floor[h], low);
		w->icache[h] = fetch_rebase(w->icache[h], low);
		w->clean_pending[h] = fetch_rebase_pending(w->clean_pending[h], low);
		w->inval_pending[h] = fetch_rebase_pending(w->inval_pending[h], low);
	}
}

/* With DIC, each hart's I-cache holds what the PoU holds. */
static void follow_pou(struct machine *m, struct fetch_word *w)
{
	if (!m->cache_dic)
		return;
	for (unsigned h = 0; h < m->nharts; h++)
		if (w->icache[h] < w->pou)
			w->icache[h] = w->pou;
}

/* The word holds new bytes (RAM): a new version, fetchable by every hart from now on. */
static void word_add_version(struct machine *m, struct fetch_word *w)
{
	uint32_t now = word_now(m, w->off);

	if (now == w->ver[w->nver - 1])
		return;
	if (w->nver == FETCH_MAX_VERSIONS)
		word_compact(m, w);
	if (w->nver == FETCH_MAX_VERSIONS) {
		/* Every version is still fetchable by some hart: the oldest is dropped and the
		 * step reports it (a finding, not a silent loss). */
		m->cur.versions_full = true;
		for (unsigned h = 0; h < m->nharts; h++)
			if (w->floor[h] == 0)
				w->floor[h] = 1;
		word_compact(m, w);
	}
	w->tag[w->nver] = m->write_tag;
	w->ver[w->nver++] = now;
	if (m->cache_idc)
		w->pou = (uint8_t)(w->nver - 1);
	follow_pou(m, w);
}

void emu_fetch_note_write(struct machine *m, uint64_t addr, unsigned size)
{
	struct step_ctx *c = &m->cur;
	uint64_t b = align_down4(addr), e = align_up4(addr + size);

	if (keeps_versions(m)) {
		for (uint64_t a = b; a < e; a += 4) {
			bool seen = false;
			uint64_t off;

			if (!word_offset(m, a, &off))
				continue;
			word_track(m, off);
			for (unsigned i = 0; i < c->nwritten && !seen; i++)
				seen = c->written[i] == off;
			if (!seen && c->nwritten < sizeof(c->written) / sizeof(c->written[0]))
				c->written[c->nwritten++] = off;
		}
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

	for (unsigned i = 0; i < c->nwritten; i++) {
		struct fetch_word *w = word_find(m, c->written[i]);

		if (w)
			word_add_version(m, w);
	}
	c->nwritten = 0;
	if (m->invalidate)
		for (unsigned i = 0; i < c->ncode; i++)
			emu_invalidate_all(m, c->code[i].begin, c->code[i].end);
	c->ncode = 0;
}

bool emu_fetch_sync(struct machine *m, struct hart *h)
{
	bool raised = false;

	for (size_t i = 0; i < m->fw.n; i++) {
		struct fetch_word *w = &m->fw.v[i];
		uint8_t to = m->fetch == FETCH_ARCH && m->arch->fetch_rule ==
			FETCH_RULE_CACHE_MAINTENANCE ? w->icache[h->id] : (uint8_t)(w->nver - 1);

		if (w->floor[h->id] < to) {
			w->floor[h->id] = to;
			raised = true;
		}
	}
	return raised;
}

/* The lines [addr, addr + line) a maintenance instruction by address acts on, or every word
 * when it has no address. */
static bool in_line(struct machine *m, const struct fetch_word *w, bool by_addr, uint64_t addr)
{
	uint64_t line = m->arch->cache_line ? m->arch->cache_line : 64, off;

	if (!by_addr)
		return true;
	/* The line of addr, as RAM offsets (an alias maps whole pages, so lines stay lines). */
	if (!word_offset(m, addr & ~(line - 1), &off))
		return false;
	return w->off >= off && w->off < off + line;
}

void emu_fetch_maintain(struct machine *m, struct hart *h, const struct special_insn *sp,
			uint64_t addr)
{
	unsigned id = h->id;

	if (m->fetch != FETCH_ARCH || m->arch->fetch_rule != FETCH_RULE_CACHE_MAINTENANCE)
		return;
	for (size_t i = 0; i < m->fw.n; i++) {
		struct fetch_word *w = &m->fw.v[i];

		switch (sp->kind) {
		case SPECIAL_DCACHE:
			if (in_line(m, w, sp->addr_reg >= 0, addr))
				w->clean_pending[id] = w->nver; /* the newest, + 1 */
			break;
		case SPECIAL_ICACHE_SYNC:
			if (!in_line(m, w, sp->addr_reg >= 0, addr))
				break;
			if (w->inval_pending[id] < w->pou + 1)
				w->inval_pending[id] = (uint8_t)(w->pou + 1);
			w->inval_broadcast[id] |= !sp->local;
			break;
		case SPECIAL_DSB:
			if (w->clean_pending[id] && w->clean_pending[id] - 1 > w->pou)
				w->pou = (uint8_t)(w->clean_pending[id] - 1);
			w->clean_pending[id] = 0;
			follow_pou(m, w);
			if (w->inval_pending[id]) {
				uint8_t to = (uint8_t)(w->inval_pending[id] - 1);

				for (unsigned g = 0; g < m->nharts; g++)
					if ((g == id || w->inval_broadcast[id]) && w->icache[g] < to)
						w->icache[g] = to;
				w->inval_pending[id] = 0;
				w->inval_broadcast[id] = false;
			}
			break;
		default:
			return;
		}
	}
}

void emu_fetch_forget(struct machine *m, uint64_t begin, uint64_t end)
{
	size_t k = 0;
	const uint8_t *p = emu_ram_ptr(m, begin, (size_t)(end - begin));
	uint64_t b, e;

	if (!p)
		return;
	b = (uint64_t)(p - m->ram);
	e = b + (end - begin);
	for (size_t j = 0; j < m->fw.n; j++)
		if (m->fw.v[j].off + 4 <= b || m->fw.v[j].off >= e)
			m->fw.v[k++] = m->fw.v[j];
	m->fw.n = k;
}

void emu_fetch_words_free(struct fetch_words *fw)
{
	free(fw->v);
	fw->v = NULL;
	fw->n = fw->cap = 0;
}

int emu_fetch_words_copy(struct fetch_words *dst, const struct fetch_words *src)
{
	if (dst->cap < src->n) {
		struct fetch_word *v = realloc(dst->v, src->n * sizeof(*v));
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

void emu_fetch_words_seen(struct machine *m)
{
	for (size_t i = 0; i < m->fw.n; i++)
		word_mark_seen(m, m->fw.v[i].off);
}

/* The versions of word the hart may fetch now, newest first, distinct bytes only: *n of them
 * (at least 1: RAM, for a word with no versions). */
static unsigned word_candidates(struct machine *m, const struct hart *h, uint64_t word,
				uint32_t *out)
{
	const struct fetch_word *w = NULL;
	const uint8_t *p = emu_ram_ptr(m, word, 4);
	unsigned n = 0;

	if (p && keeps_versions(m))
		w = word_find(m, (uint64_t)(p - m->ram));
	if (!w) {
		out[0] = p ? le32_at(p) : 0;
		return 1;
	}
	if (m->fetch == FETCH_RELAXED) {
		out[0] = w->ver[w->floor[h->id]];
		return 1;
	}
	for (int v = w->nver - 1; v >= (int)w->floor[h->id]; v--) {
		bool dup = false;

		for (unsigned i = 0; i < n && !dup; i++)
			dup = out[i] == w->ver[v];
		if (!dup)
			out[n++] = w->ver[v];
	}
	return n;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The instructions the hart may fetch at pc, in the order of their alternative numbers: for
 * each candidate of the first word (newest first), the bytes at pc; when that instruction
 * spans into the next word, one alternative per candidate of the next word. Fills the
 * alternative's n bytes into out when want < the count; returns the count.
 */
static unsigned alternatives(struct machine *m, const struct hart *h, uint64_t pc,
			     unsigned n, unsigned (*insn_length)(const uint8_t *), unsigned want,
			     uint8_t *out)
{
	uint32_t first[FETCH_MAX_VERSIONS], second[FETCH_MAX_VERSIONS];
	uint64_t w0 = align_down4(pc);
	unsigned off = (unsigned)(pc - w0), nfirst, nsecond = 0, count = 0;

	nfirst = word_candidates(m, h, w0, first);
	for (unsigned i = 0; i < nfirst; i++) {
		uint8_t bytes[8];
		unsigned len;

		put_le32(bytes, first[i]);
		memset(bytes + 4, 0, 4);
		if (off + n > 4 && !nsecond)
			nsecond = word_candidates(m, h, w0 + 4, second);
		if (off + n > 4)
			put_le32(bytes + 4, second[0]);
		len = insn_length(bytes + off);
		if (off + len <= 4) {
			if (count++ == want)
				memcpy(out, bytes + off, n);
			continue;
		}
		for (unsigned j = 0; j < nsecond; j++) {
			put_le32(bytes + 4, second[j]);
			if (count++ == want)
				memcpy(out, bytes + off, n);
		}
	}
	return count;
}

bool emu_fetch_view(struct machine *m, struct hart *h, uint64_t pc, const uint8_t *ram,
		    uint8_t *out, unsigned n, unsigned (*insn_length)(const uint8_t *),
		    struct step_info *info)
{
	unsigned want = (unsigned)(h->fetch_choice > 0 ? h->fetch_choice : 0), count;

	memcpy(out, ram, n);
	info->fetch_alternatives = 1;
	info->fetch_choice = 0;
	info->fetch_old = false;
	if (!keeps_versions(m) || m->fw.n == 0)
		return want == 0;
	count = alternatives(m, h, pc, n, insn_length, want, out);
	info->fetch_alternatives = count;
	if (want >= count) {
		memcpy(out, ram, n);
		return false;
	}
	info->fetch_choice = want;
	info->fetch_old = memcmp(out, ram, n) != 0;
	return true;
}

unsigned machine_fetch_alternatives(struct machine *m, unsigned hart)
{
	uint64_t pc;
	const uint8_t *ram;
	unsigned avail = 4;
	uint8_t scratch[4];

	if (hart >= m->nharts || m->fetch != FETCH_ARCH || m->fw.n == 0)
		return 1;
	pc = machine_pc(m, hart);
	while (avail > 0 && !(ram = emu_ram_ptr(m, pc, avail)))
		avail -= 2;
	if (!avail)
		return 1;
	return alternatives(m, &m->harts[hart], pc, avail, m->arch->insn_length, ~0u, scratch);
}

unsigned machine_fetch_versions(struct machine *m, unsigned hart, uint64_t addr, uint32_t *out,
				unsigned max)
{
	uint32_t all[FETCH_MAX_VERSIONS];
	unsigned n;

	if (hart >= m->nharts)
		return 0;
	n = word_candidates(m, &m->harts[hart], align_down4(addr), all);
	memcpy(out, all, (n < max ? n : max) * sizeof(*out));
	return n;
}

void machine_set_write_tag(struct machine *m, uint32_t tag)
{
	m->write_tag = tag;
}

unsigned machine_fetch_history(struct machine *m, unsigned hart, uint64_t addr, uint32_t *words,
			       uint32_t *tags, unsigned max)
{
	const struct fetch_word *w;
	uint64_t off;
	unsigned n = 0;

	if (hart >= m->nharts || m->fetch != FETCH_ARCH || !word_offset(m, addr, &off) ||
	    !(w = word_find(m, off)))
		return 0;
	for (unsigned v = w->floor[hart]; v < w->nver && n < max; v++, n++) {
		words[n] = w->ver[v];
		tags[n] = w->tag[v];
	}
	return n;
}

void machine_choose_fetch(struct machine *m, unsigned hart, unsigned alternative)
{
	if (hart < m->nharts)
		m->harts[hart].fetch_choice = (int)alternative;
}

/* May the hart still fetch, at w, bytes other than what RAM holds? */
static bool word_stale(const struct machine *m, const struct fetch_word *w, unsigned hart)
{
	uint32_t now = word_now(m, w->off);

	for (unsigned v = w->floor[hart]; v < w->nver; v++)
		if (w->ver[v] != now)
			return true;
	return false;
}

bool machine_fetch_stale(struct machine *m, unsigned hart, uint64_t addr)
{
	const struct fetch_word *w;
	uint64_t off;

	return hart < m->nharts && keeps_versions(m) && word_offset(m, addr, &off) &&
	       (w = word_find(m, off)) && word_stale(m, w, hart);
}

bool machine_fetch_any_stale(struct machine *m, unsigned hart)
{
	if (hart >= m->nharts || !keeps_versions(m))
		return false;
	for (size_t i = 0; i < m->fw.n; i++)
		if (word_stale(m, &m->fw.v[i], hart))
			return true;
	return false;
}

void machine_set_invalidation(struct machine *m, bool on)
{
	m->invalidate = on;
}

void machine_set_engine_renewal(struct machine *m, uint64_t after)
{
	m->renew_after = after;
}

unsigned long machine_engine_renewals(const struct machine *m)
{
	return m->renewals;
}

void machine_set_cache_type(struct machine *m, bool idc, bool dic)
{
	m->cache_idc = idc;
	m->cache_dic = dic;
}

void machine_fetch_settle(struct machine *m)
{
	m->fw.n = 0;
}

void machine_fetch_sync(struct machine *m, unsigned hart)
{
	if (hart < m->nharts)
		emu_fetch_sync(m, &m->harts[hart]);
}
