/*
 * datamem.c - the data memory model of memory: arch: which value a hart's load may read.
 *
 * Memory sequentially consistent (memory: sc, the default) is what RAM holds. Under memory:
 * arch, arm64, RISC-V and arm (with ARMv8's AArch32 ordering; a word is the arch's
 * data_granule) are modelled as other-multi-copy-atomic machines in the style of
 * Promising-ARM/RISC-V (Pulte, Pichon-Pharabod, Kang, Lee, Hur, "Promising-ARM/RISC-V: a
 * simpler and faster operational concurrency model", PLDI 2019), without promises:
 *
 *  - Memory is a list of messages (stores to shared data words) in timestamp order; the
 *    initial value of every word is timestamp 0. The list of one word is in the order its
 *    stores ran (coherence order), so RAM always holds each word's newest message.
 *  - Each hart keeps views (timestamps): per word the newest it has seen (coh), the newest it
 *    read (vrold) and wrote (vwold), lower bounds for later loads and stores set by barriers
 *    (vrnew, vwnew), its control and address dependencies (vcap), its last release (vrel),
 *    and one per register: what the register's value depends on.
 *  - A load of word w with pre-view pre = (address registers) | vrnew (| vrel for LDAR after
 *    STLR) may read any message of w from the newest one at or below max(pre, coh[w]) up to
 *    the newest; which is a choice of the search. Its value's view is max(pre, timestamp).
 *  - A store gets a timestamp above its pre-view (address and data registers, vwnew, vcap,
 *    and for a release everything the hart read or wrote), above every message of its word and
 *    above every hart's view of its word (so that no load already made could have read it);
 *    it may be placed below messages of other words stored earlier: that is how two stores to
 *    different words become visible out of program order. Where it goes is a choice too, for
 *    a word another hart has touched; a word only its own hart has touched so far gets the
 *    lowest place (most freedom for every hart: a hart that touches the word later is ordered
 *    before or after the store by the search, and then has the choices).
 *  - A read-modify-write or an exclusive load reads the newest value and its store goes last.
 *  - Fences (DMB, DSB, FENCE) raise vrnew / vwnew by their predecessor and successor sets;
 *    acquire loads raise both after them; ISB raises vrnew to vcap. A branch raises vcap to
 *    the registers it reads, and to its load when it branches to a loaded target.
 *  - A step that runs several instructions (a T32 IT block, with its IT) is decoded as one.
 *
 * A hart's own stack is private while no other hart has touched a word of it: a load from it
 * carries the greatest view the hart ever stored there, so a value spilled and reloaded keeps
 * its dependencies (over-approximated). The harness's words (pc_*) are sequentially
 * consistent: a load of one sees everything stored so far, as after a full barrier.
 *
 * Not modelled, so never found: load buffering (a store visible before an earlier load of the
 * same hart reads, which needs promises), forwarding a store to the same hart before other harts
 * see it, and older values for accesses that span two words (they read the newest). Exception
 * entry is a context synchronisation on Arm, as an ISB is. Registers whose decoder is not
 * exact (arm64, arm: Capstone 4's lists) only gain views: dependencies are over-approximated.
 * So every outcome this model produces is allowed by the architecture; not every allowed one
 * is produced.
 */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

static dm_ts vmax(dm_ts a, dm_ts b)
{
	return a > b ? a : b;
}

static uint64_t granule(const struct machine *m)
{
	return m->arch->data_granule ? m->arch->data_granule : 8;
}

static int word_index(const struct datamem *d, uint64_t addr)
{
	for (unsigned i = 0; i < d->nwords; i++)
		if (d->word_addr[i] == addr)
			return (int)i;
	return -1;
}

static uint64_t ram_word(struct machine *m, uint64_t addr, unsigned g)
{
	const uint8_t *p = emu_ram_ptr(m, addr, g);
	uint64_t v = 0;

	for (unsigned i = 0; p && i < g; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The index of the word at base, tracked from now on with its value in RAM as its initial
 * one (loads track it too: a hart's view of it must hold back later stores); -1 when full. */
static int word_track(struct machine *m, uint64_t base)
{
	struct datamem *d = &m->dm;
	int w = word_index(d, base);

	if (w >= 0)
		return w;
	if (d->nwords == DM_MAX_WORDS) {
		d->full = true;
		return -1;
	}
	w = (int)d->nwords++;
	d->word_addr[w] = base;
	d->init[w] = ram_word(m, base, (unsigned)granule(m));
	d->touched[w] = 0;
	return w;
}

/* The view of the registers in mask. */
static dm_ts regs_view(const struct dm_view *v, uint64_t mask)
{
	dm_ts out = 0;

	for (unsigned r = 0; mask && r < DM_NREGS; r++, mask >>= 1)
		if (mask & 1)
			out = vmax(out, v->reg[r]);
	return out;
}

/* Newest message of word w with timestamp <= bound (0: its initial value). */
static unsigned newest_at_or_below(const struct datamem *d, unsigned w, unsigned bound)
{
	for (unsigned t = bound < d->nmsgs ? bound : d->nmsgs; t > 0; t--)
		if (d->msg[t - 1].word == w)
			return t;
	return 0;
}

static uint64_t value_at(const struct datamem *d, unsigned w, unsigned t)
{
	return t ? d->msg[t - 1].val : d->init[w];
}

/*
 * The values a load may read, from the messages it may read (ts[0..n), newest first): the
 * newest, then for each value the oldest message that holds it. Of two messages with one value
 * the older gives the lower view, and a lower view only widens what the hart may do after, so
 * the newer is not a choice of its own (the newest stays the first, sequentially consistent,
 * choice). Compacts ts; returns how many are left.
 */
static unsigned distinct_values(const struct datamem *d, unsigned w, unsigned *ts, unsigned n)
{
	unsigned kept = 1;

	for (unsigned k = 1; k < n; k++) {
		bool older_same = false;

		for (unsigned j = k + 1; j < n && !older_same; j++)
			older_same = value_at(d, w, ts[j]) == value_at(d, w, ts[k]);
		if (!older_same)
			ts[kept++] = ts[k];
	}
	return kept;
}

/* Every view at or above timestamp ts moves up by one: a message is inserted at ts. */
static void shift_views(struct datamem *d, unsigned nharts, unsigned ts)
{
	for (unsigned h = 0; h < nharts; h++) {
		struct dm_view *v = &d->h[h];
		dm_ts *fields[] = { &v->vrold, &v->vwold, &v->vrnew, &v->vwnew, &v->vcap,
				    &v->vrel, &v->vstack };

		for (unsigned i = 0; i < d->nwords; i++)
			if (v->coh[i] >= ts)
				v->coh[i]++;
		for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (*fields[i] >= ts)
				(*fields[i])++;
		for (unsigned r = 0; r < DM_NREGS; r++)
			if (v->reg[r] >= ts)
				v->reg[r]++;
	}
}

/* The step's data choice goes to the first access that has one: how many it had, which. */
static unsigned take_choice(struct machine *m, unsigned count)
{
	struct step_ctx *c = &m->cur;
	unsigned d;

	if (c->data_choice_used || count <= 1)
		return 0;
	c->data_choice_used = true;
	c->data_alternatives = count;
	d = c->hart->data_choice > 0 ? (unsigned)c->hart->data_choice : 0;
	return d < count ? d : count - 1;
}

/* The instructions a step runs after the first (a T32 IT block, which Unicorn runs with its IT
 * as one step), decoded from memory after it and merged into mo: every field at its
 * strongest; a register is written back only if no instruction of the step loads into it. */
static void merge_block(struct machine *m, const struct arch_model *arch, uint64_t at,
			struct mem_order *mo)
{
	for (unsigned i = 0; i < mo->block; i++) {
		const uint8_t *p = emu_ram_ptr(m, at, 4);
		struct mem_order n;
		unsigned len;

		if (!p || !(len = arch->insn_length(p)))
			return;
		arch->decode_mem_order(p, len, &n);
		mo->writeback = (mo->writeback | n.writeback) &
				~((mo->writes & ~mo->writeback) | (n.writes & ~n.writeback));
		mo->reads |= n.reads;
		mo->writes |= n.writes;
		mo->exact = mo->exact && n.exact;
		mo->branch |= n.branch;
		mo->branch_on_load |= n.branch_on_load;
		mo->atomic |= n.atomic;
		mo->acquire |= n.acquire;
		mo->acquire_pc |= n.acquire_pc;
		mo->release |= n.release;
		mo->ctx_sync |= n.ctx_sync;
		mo->fence_pred |= n.fence_pred;
		mo->fence_succ |= n.fence_succ;
		mo->fence_tso |= n.fence_tso;
		at += len;
	}
}

void emu_data_before_step(struct machine *m, struct hart *h, const struct arch_model *arch,
			  uint64_t pc, const uint8_t *bytes, unsigned len)
{
	struct step_ctx *c = &m->cur;
	const struct dm_view *v = &m->dm.h[h->id];

	c->data_choice_used = false;
	c->data_alternatives = 1;
	c->data_chosen = 0;
	c->dswap_active = false;
	c->loaded = false;
	c->load_post = 0;
	arch->decode_mem_order(bytes, len, &c->mo);
	merge_block(m, arch, pc + len, &c->mo);
	c->vin = regs_view(v, c->mo.exact ? c->mo.reads : c->mo.reads | c->mo.writes);
}

/* A word of the harness (pc_records, pc_exclusive ...): how the machine watches the guest,
 * not code under test; it stays sequentially consistent. */
static bool outside_model(const struct machine *m, uint64_t addr, unsigned n)
{
	for (size_t i = 0; i < m->ndm_outside; i++)
		if (addr < m->dm_outside[i].end && addr + n > m->dm_outside[i].begin)
			return true;
	return false;
}

void emu_data_load(struct machine *m, struct hart *h, uint64_t addr, unsigned n, bool own_stack)
{
	struct datamem *d = &m->dm;
	struct step_ctx *c = &m->cur;
	struct dm_view *v = &d->h[h->id];
	uint64_t g = granule(m), base = addr & ~(g - 1);
	dm_ts pre = vmax(c->vin, v->vrnew);
	unsigned readable[DM_MAX_MSGS + 1], count = 0, t, pick;
	int w;

	if (c->mo.acquire && !c->mo.acquire_pc)
		pre = vmax(pre, v->vrel); /* LDAR after STLR (RCsc) */
	c->loaded = true;
	if (own_stack && word_index(d, base) < 0) {
		/* private so far (no other hart stored there): a spilled value keeps what it
		 * depended on (Arm: (addr | data); rfi) */
		c->load_post = vmax(c->load_post, vmax(pre, v->vstack));
		return;
	}
	if (outside_model(m, addr, n)) {
		/* the harness's words are read as they are now: as if after a full barrier */
		c->load_post = vmax(c->load_post, (dm_ts)d->nmsgs);
		return;
	}
	if (addr + n > base + g) { /* spanning two words: the newest values, seen from now on */
		for (uint64_t b = base; b < addr + n; b += g) {
			w = word_track(m, b);
			if (w >= 0)
				v->coh[w] = vmax(v->coh[w], (dm_ts)d->nmsgs);
		}
		c->load_post = vmax(c->load_post, (dm_ts)d->nmsgs);
		return;
	}
	w = word_track(m, base);
	if (w < 0) { /* more words than fit: the newest value */
		c->load_post = vmax(c->load_post, (dm_ts)d->nmsgs);
		return;
	}
	d->touched[w] |= (uint8_t)(1u << h->id);
	unsigned lowest = newest_at_or_below(d, (unsigned)w, vmax(pre, v->coh[w]));
	for (t = d->nmsgs; t > lowest; t--)
		if (d->msg[t - 1].word == (unsigned)w)
			readable[count++] = t;
	readable[count++] = lowest;
	count = distinct_values(d, (unsigned)w, readable, count);
	pick = c->mo.atomic ? 0 : take_choice(m, count);
	t = readable[pick];
	if (pick) { /* the step's one choice: its only swap */
		uint8_t *p = emu_ram_ptr(m, base, g);
		uint64_t val = value_at(d, (unsigned)w, t);

		c->dswap_active = true;
		c->dswap_addr = base;
		memcpy(c->dswap_saved, p, g);
		for (unsigned i = 0; i < g; i++)
			p[i] = (uint8_t)(val >> (8 * i));
		c->data_chosen = pick;
	}
	dm_ts post = vmax(pre, (dm_ts)t);
	c->load_post = vmax(c->load_post, post);
	v->coh[w] = vmax(v->coh[w], post);
}

void emu_data_store(struct machine *m, struct hart *h, uint64_t addr, unsigned n, uint64_t value,
		    bool own_stack)
{
	struct datamem *d = &m->dm;
	struct step_ctx *c = &m->cur;
	struct dm_view *v = &d->h[h->id];
	uint64_t g = granule(m), base = addr & ~(g - 1);
	int w;

	if (own_stack && word_index(d, base) < 0) {
		/* private so far: the view of what it stored is all that matters */
		v->vstack = vmax(v->vstack, c->vin);
		c->stored = true;
		return;
	}
	if (outside_model(m, addr, n)) {
		/* a harness word: after everything the hart did (a release) */
		c->stored = true;
		return;
	}
	if (addr + n > base + g) { /* spanning two words: each half on its own */
		unsigned first = (unsigned)(base + g - addr);

		emu_data_store(m, h, addr, first, value, false);
		emu_data_store(m, h, base + g, n - first, first < 8 ? value >> (8 * first) : 0,
			       false);
		return;
	}
	w = word_track(m, base);
	if (w < 0 || d->nmsgs == DM_MAX_MSGS) {
		d->full = true;
		return;
	}
	uint64_t val = ram_word(m, base, (unsigned)g);
	for (unsigned i = 0; i < n; i++) {
		unsigned sh = (unsigned)(addr - base + i) * 8;

		val = (val & ~(0xffull << sh)) | (((value >> (8 * i)) & 0xff) << sh);
	}
	/* lowest index it may take: above its pre-view and every message of its word */
	dm_ts pre = vmax(vmax(c->vin, v->vwnew), vmax(v->vcap, v->coh[w]));
	if (c->mo.release)
		pre = vmax(pre, vmax(v->vrold, v->vwold));
	pre = vmax(pre, (dm_ts)newest_at_or_below(d, (unsigned)w, d->nmsgs));
	/* and above every hart's view of the word: a load that ran with a view of ts read the
	 * newest message of the word at or below ts, and must stay such a load */
	for (unsigned g2 = 0; g2 < m->nharts; g2++)
		pre = vmax(pre, d->h[g2].coh[w]);
	/* Where it goes (an index into msg): a read-modify-write last; a store to a word no
	 * other hart has touched yet as low as it may go, which leaves every hart the most
	 * freedom (a hart that touches the word later is ordered against this store by the
	 * search, and finds it shared); else any place from there up, a choice. */
	bool shared = (d->touched[w] & ~(1u << h->id)) != 0;
	unsigned below = shared && !c->mo.atomic ? take_choice(m, d->nmsgs - pre + 1) : 0;
	unsigned at = c->mo.atomic ? d->nmsgs : !shared ? pre : d->nmsgs - below;

	d->touched[w] |= (uint8_t)(1u << h->id);
	if (below)
		c->data_chosen = below;
	if (at < d->nmsgs) {
		memmove(&d->msg[at + 1], &d->msg[at], (d->nmsgs - at) * sizeof(d->msg[0]));
		shift_views(d, m->nharts, at + 1);
	}
	d->nmsgs++;
	d->msg[at].word = (uint16_t)w;
	d->msg[at].hart = (uint8_t)h->id;
	d->msg[at].val = val;
	dm_ts ts = (dm_ts)(at + 1);
	v->coh[w] = vmax(v->coh[w], ts);
	v->vwold = vmax(v->vwold, ts);
	if (c->mo.release)
		v->vrel = vmax(v->vrel, ts);
	c->stored = true;
}

/* After the step: RAM gets back what a load's older value covered, and the hart's views
 * follow what the instruction read, wrote and ordered. */
void emu_data_after_step(struct machine *m, struct hart *h)
{
	struct step_ctx *c = &m->cur;
	struct dm_view *v = &m->dm.h[h->id];
	const struct mem_order *mo = &c->mo;
	uint64_t g = granule(m);

	if (c->dswap_active) {
		memcpy(emu_ram_ptr(m, c->dswap_addr, g), c->dswap_saved, g);
		c->dswap_active = false;
	}
	for (unsigned r = 0; r < DM_NREGS; r++) {
		dm_ts nv;

		if (!(mo->writes >> r & 1))
			continue;
		nv = c->loaded && !(mo->writeback >> r & 1) ? c->load_post : c->vin;
		v->reg[r] = mo->exact ? nv : vmax(v->reg[r], nv);
	}
	if (c->loaded) {
		v->vrold = vmax(v->vrold, c->load_post);
		if (mo->acquire || mo->acquire_pc) {
			v->vrnew = vmax(v->vrnew, c->load_post);
			v->vwnew = vmax(v->vwnew, c->load_post);
		}
	}
	if (c->loaded || c->stored || mo->branch)
		v->vcap = vmax(v->vcap, c->vin);
	if (mo->branch && mo->branch_on_load && c->loaded)
		v->vcap = vmax(v->vcap, c->load_post); /* a branch to a loaded target */
	if (mo->fence_tso) {
		v->vrnew = vmax(v->vrnew, v->vrold);
		v->vwnew = vmax(v->vwnew, vmax(v->vrold, v->vwold));
	} else if (mo->fence_pred && mo->fence_succ) {
		dm_ts before = vmax(mo->fence_pred & MEM_R ? v->vrold : 0,
				      mo->fence_pred & MEM_W ? v->vwold : 0);

		if (mo->fence_succ & MEM_R)
			v->vrnew = vmax(v->vrnew, before);
		if (mo->fence_succ & MEM_W)
			v->vwnew = vmax(v->vwnew, before);
	}
	if (mo->ctx_sync)
		v->vrnew = vmax(v->vrnew, v->vcap);
	c->loaded = false;
	c->stored = false;
}

/* Every hart sees memory as it is now: what RAM holds is every word's initial value. */
static void settle(struct machine *m)
{
	bool on = m->dm.on;

	memset(&m->dm, 0, sizeof(m->dm));
	m->dm.on = on;
}

void emu_data_forget(struct machine *m, uint64_t begin, uint64_t end)
{
	struct datamem *d = &m->dm;
	uint64_t g = granule(m);

	/* A host write is seen by every hart at once: when it hits a word the model tracks, the
	 * model starts over from RAM (host writes come between runs, not inside one). */
	for (unsigned w = 0; w < d->nwords; w++)
		if (d->word_addr[w] + g > begin && d->word_addr[w] < end) {
			settle(m);
			return;
		}
}

/*
 * The model's state as its future sees it, for the state hash. Words are numbered in the order
 * an execution first touched them, which says nothing of the state: each word counts by its
 * address (its initial value, who touched it, every hart's coherence view of it), in any
 * order. The messages count in timestamp order, each with its word's address: timestamps are
 * positions in that order, so equal lists give equal views.
 */
uint64_t emu_data_hash(const struct machine *m, uint64_t (*mix)(uint64_t))
{
	const struct datamem *d = &m->dm;
	uint64_t words = 0, v = mix((uint64_t)d->nmsgs << 1 | d->full);

	if (!d->on)
		return 0;
	for (unsigned w = 0; w < d->nwords; w++) {
		uint64_t x = mix(d->word_addr[w] ^ (uint64_t)d->touched[w] << 56);

		x = mix(x ^ d->init[w]);
		for (unsigned h = 0; h < m->nharts; h++)
			x = mix(x ^ d->h[h].coh[w] ^ (uint64_t)h << 32);
		words += x;
	}
	for (unsigned i = 0; i < d->nmsgs; i++)
		v = mix(v ^ d->msg[i].val ^
			mix(d->word_addr[d->msg[i].word] ^ (uint64_t)d->msg[i].hart << 60));
	for (unsigned h = 0; h < m->nharts; h++) {
		const struct dm_view *hv = &d->h[h];

		v = mix(v ^ hv->vrold ^ (uint64_t)hv->vwold << 16 ^ (uint64_t)hv->vrnew << 32 ^
			(uint64_t)hv->vwnew << 48);
		v = mix(v ^ hv->vcap ^ (uint64_t)hv->vrel << 16 ^ (uint64_t)hv->vstack << 32);
		v = mix(v ^ machine_hash_bytes(hv->reg, sizeof(hv->reg), h));
	}
	return mix(v ^ words);
}

void machine_set_data_model(struct machine *m, bool arch)
{
	const struct image_symbol *syms;
	size_t n = image_symbols(m->img, &syms);

	m->dm.on = arch && m->arch->decode_mem_order;
	settle(m);
	free(m->dm_outside);
	m->dm_outside = NULL;
	m->ndm_outside = 0;
	if (!m->dm.on)
		return;
	m->dm_outside = calloc(n ? n : 1, sizeof(*m->dm_outside));
	if (!m->dm_outside)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!syms[i].is_func && syms[i].size && !strncmp(syms[i].name, "pc_", 3)) {
			m->dm_outside[m->ndm_outside].begin = syms[i].addr;
			m->dm_outside[m->ndm_outside++].end = syms[i].addr + syms[i].size;
		}
}

void emu_data_context_sync(struct machine *m, struct hart *h)
{
	struct dm_view *v = &m->dm.h[h->id];

	if (m->dm.on)
		v->vrnew = vmax(v->vrnew, v->vcap);
}

void emu_data_copy(struct datamem *dst, const struct datamem *src)
{
	dst->on = src->on;
	dst->full = src->full;
	dst->nwords = src->nwords;
	dst->nmsgs = src->nmsgs;
	memcpy(dst->word_addr, src->word_addr, src->nwords * sizeof(src->word_addr[0]));
	memcpy(dst->init, src->init, src->nwords * sizeof(src->init[0]));
	memcpy(dst->touched, src->touched, src->nwords * sizeof(src->touched[0]));
	memcpy(dst->msg, src->msg, src->nmsgs * sizeof(src->msg[0]));
	memcpy(dst->h, src->h, sizeof(src->h));
}

void machine_data_sync_all(struct machine *m)
{
	struct datamem *d = &m->dm;

	for (unsigned h = 0; h < m->nharts; h++) {
		d->h[h].vrnew = vmax(d->h[h].vrnew, (dm_ts)d->nmsgs);
		d->h[h].vwnew = vmax(d->h[h].vwnew, (dm_ts)d->nmsgs);
	}
}

void machine_choose_data(struct machine *m, unsigned hart, unsigned alternative)
{
	if (hart < m->nharts)
		m->harts[hart].data_choice = (int)alternative;
}
