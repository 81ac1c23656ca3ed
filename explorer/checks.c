/*
 * checks.c - the invariants, checked at the events the transitions report: a fetch of a site
 * word, entry into a traced body, return from a traced call, completion of a top-level call,
 * and a write into a site. Every failure names the invariant, the hart, the step, the expected
 * and the actual value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/guest_abi.h"
#include "exec.h"

const char *symbolize(const struct explorer *x, uint64_t addr, char *buf, size_t len)
{
	uint64_t off = 0;
	const struct image_symbol *sym = image_symbol_at(x->img, addr, &off);

	if (addr == MACHINE_MAGIC_RETURN)
		snprintf(buf, len, "<caller>");
	else if (sym && off)
		snprintf(buf, len, "%s+0x%llx", sym->name, (unsigned long long)off);
	else if (sym)
		snprintf(buf, len, "%s", sym->name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

int watch_index(const struct explorer *x, uint64_t addr)
{
	for (unsigned i = 0; i < x->nwatch; i++)
		if (x->watch_addr[i] == (addr & ~3ull))
			return (int)i;
	return -1;
}

bool invariant_ignored(const struct explorer *x, const char *invariant)
{
	for (unsigned i = 0; i < x->scn->nignore; i++)
		if (strcmp(x->scn->ignore[i], invariant) == 0)
			return true;
	return false;
}

void check_fail(struct explorer *x, const char *invariant, unsigned hart, uint64_t pc,
		const char *expected, const char *actual, const char *fmt, ...)
{
	struct failure *f;
	char detail[320], where[96];
	va_list ap;

	if (x->failure || invariant_ignored(x, invariant))
		return; /* the first failure of an execution is the one reported */
	f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(f->invariant, sizeof(f->invariant), "%s", invariant);
	f->hart = hart;
	f->step = x->st.step + (x->pre_step ? 1 : 0);
	f->pc = pc;
	snprintf(f->expected, sizeof(f->expected), "%s", expected);
	snprintf(f->actual, sizeof(f->actual), "%s", actual);
	snprintf(f->message, sizeof(f->message), "%s: hart %u step %llu at %s: %s: expected %s, actual %s",
		 invariant, hart, (unsigned long long)f->step, symbolize(x, pc, where, sizeof(where)),
		 detail, expected, actual);
	schedule_render(x, 0, x->st.ntransitions, f->schedule, sizeof(f->schedule));
	f->preemptions = x->st.preemptions;
	x->failure = f;
	x->stop = true;
	failure_take_registers(x, hart);
	failure_take_trace(x);
}

/* Every hart's registers now; for the failing hart also the values at its site's start. */
void failure_take_registers(struct explorer *x, unsigned failing)
{
	struct failure *f = x->failure;

	f->nregs = x->arch->nregs < FAILURE_MAX_REGS ? x->arch->nregs : FAILURE_MAX_REGS;
	f->reg_names = x->arch->reg_names;
	f->regs = calloc(x->nharts, sizeof(*f->regs));
	if (!f->regs)
		return;
	f->nharts = x->nharts;
	for (unsigned h = 0; h < x->nharts; h++) {
		const struct hart_state *hs = &x->st.harts[h];
		uint64_t regs[ARCH_MAX_REGS];

		f->regs[h].hart = h;
		machine_read_regs(x->m, h, regs);
		memcpy(f->regs[h].actual, regs, f->nregs * sizeof(regs[0]));
		if (h == failing && hs->depth) {
			f->regs[h].has_expected = true;
			memcpy(f->regs[h].expected, hs->frames[hs->depth - 1].entry_regs,
			       f->nregs * sizeof(regs[0]));
		}
	}
}

void failure_take_trace(struct explorer *x)
{
	struct failure *f = x->failure;
	size_t n = x->st.ntrace;

	free(f->trace);
	f->trace = malloc((n ? n : 1) * sizeof(*f->trace));
	f->ntrace = f->trace ? n : 0;
	if (f->trace)
		memcpy(f->trace, x->trace, n * sizeof(*f->trace));
	free(f->deltas);
	f->deltas = NULL;
	f->deltas_len = 0;
	if (x->capture && x->deltas_len && (f->deltas = malloc(x->deltas_len)) != NULL) {
		memcpy(f->deltas, x->deltas, x->deltas_len);
		f->deltas_len = x->deltas_len;
	}
}

/* The newest form of the site that agrees with every byte fetched in this pass, or -1. */
int site_form_of_pass(const struct site_history *hist, const struct frame *f, unsigned size)
{
	for (unsigned i = hist->nforms; i-- > 0;) {
		bool ok = true;

		for (unsigned b = 0; b < size && ok; b++)
			if ((f->fetched_mask & (1u << b)) && hist->forms[i][b] != f->fetched[b])
				ok = false;
		if (ok)
			return (int)i;
	}
	return -1;
}

/* "+0: d503201f, +4: 97ffff2c": the fetched instructions of the pass, by offset. */
static void describe_pass(const struct explorer *x, const struct site *s, const struct frame *f,
			  char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < s->size && n < len;) {
		uint8_t insn[4] = {0};
		unsigned ilen;

		if (!(f->fetched_mask & (1u << b))) {
			b++;
			continue;
		}
		for (unsigned k = 0; k < 4 && b + k < s->size; k++)
			insn[k] = f->fetched[b + k];
		ilen = x->arch->insn_length(insn); /* one instruction as fetched (2 or 4 bytes) */
		while (ilen > 1 && (b + ilen > s->size || !(f->fetched_mask & (1u << (b + ilen - 1)))))
			ilen--;
		n += (size_t)snprintf(buf + n, len - n, "%s+%u: ", n ? ", " : "", b);
		for (unsigned k = ilen; k-- > 0 && n < len;)
			n += (size_t)snprintf(buf + n, len - n, "%02x", f->fetched[b + k]);
		b += ilen;
	}
}

void check_site_fetch(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
		      const uint8_t *bytes, unsigned len)
{
	const struct site *s = &x->sites[f->site];
	char actual[160], expected[96];

	for (unsigned i = 0; i < len; i++) {
		uint64_t b = pc + i - s->lay.start;

		if (b >= s->size)
			break;
		f->fetched[b] = bytes[i];
		f->fetched_mask |= 1u << b;
	}
	if (site_form_of_pass(&x->st.history[f->site], f, s->size) >= 0)
		return;
	describe_pass(x, s, f, actual, sizeof(actual));
	snprintf(expected, sizeof(expected), "the instructions of one of the site's %u forms",
		 x->st.history[f->site].nforms);
	check_fail(x, "site-consistency", h, pc, expected, actual,
		   "one pass through the site of %s executed a mix of versions", s->name);
}

/* The site forms of every site that contains addr gain the site's current contents. */
/* Is every instruction of the site that has bytes in `written` written whole? Instruction
 * boundaries are read from the current bytes, from the site's start. */
static bool site_instructions_whole(const struct explorer *x, const struct site *s,
				    const uint8_t *now, uint32_t written)
{
	for (unsigned off = 0, len; off < s->size; off += len) {
		uint32_t m;

		len = x->arch->insn_length(now + off);
		if (len == 0)
			return true;
		m = (len >= 32 ? ~0u : (1u << len) - 1) << off;
		if ((written & m) && (written & m) != m)
			return false;
	}
	return true;
}

/*
 * The site forms of every site that contains the store gain the site's current contents,
 * unless the store left an instruction partly written: an instruction written as several
 * stores (Thumb-2: a 32-bit instruction at 2 mod 4, two halfword stores) only has a new form
 * once all its bytes are written, so a pass that fetched it in between saw a mix.
 */
static void record_site_forms(struct explorer *x, uint64_t addr, unsigned size)
{
	for (unsigned i = 0; i < x->nsites; i++) {
		const struct site *s = &x->sites[i];
		struct site_history *hist = &x->st.history[i];
		const uint8_t *now;

		if (addr + size <= s->lay.start || addr >= s->lay.body)
			continue;
		now = machine_ram_view(x->m, s->lay.start, s->size);
		if (!now)
			continue;
		for (uint64_t b = addr; b < addr + size; b++)
			if (b >= s->lay.start && b < s->lay.body)
				hist->pending |= 1u << (b - s->lay.start);
		if (!site_instructions_whole(x, s, now, hist->pending))
			continue;
		hist->pending = 0;
		if (hist->nforms && memcmp(hist->forms[hist->nforms - 1], now, s->size) == 0)
			continue;
		if (hist->nforms == EX_MAX_FORMS)
			hist->nforms--; /* keep the newest; older forms stay */
		memcpy(hist->forms[hist->nforms++], now, s->size);
	}
}

static uint32_t parked_harts(const struct explorer *x, unsigned writer)
{
	uint32_t mask = 0;

	if (x->st.exclusive >= 0)
		for (unsigned h = 0; h < x->nharts; h++)
			if (h != writer)
				mask |= 1u << h;
	return mask;
}

/* A store by hart h into watched memory: versions, who wrote which word from what to what,
 * site forms, and the stop-machine flag. */
void record_watched_write(struct explorer *x, unsigned h, const struct mem_access *a)
{
	for (uint64_t word = a->addr & ~3ull; word < a->addr + a->size; word += 4) {
		int w = watch_index(x, word);
		struct word_write *lw;
		uint32_t now = 0, old;

		if (w < 0)
			continue;
		machine_read_u32(x->m, word, &now);
		old = now;
		for (unsigned i = 0; i < a->size; i++) {
			uint64_t byte = a->addr + i;

			if (byte >= word && byte < word + 4) {
				unsigned sh = (unsigned)(byte - word) * 8;

				old = (old & ~(0xffu << sh)) |
				      (uint32_t)((a->old_value >> (8 * i)) & 0xff) << sh;
			}
		}
		x->st.word_versions[w]++;
		lw = &x->st.last_write[w];
		lw->writer = (int)h;
		lw->old_word = old;
		lw->new_word = now;
		lw->parked_mask = parked_harts(x, h);
		lw->step = x->st.step;
	}
	record_site_forms(x, a->addr, a->size);
	if (x->exclusive_addr && a->addr <= x->exclusive_addr && a->addr + a->size > x->exclusive_addr) {
		uint64_t v = 0;

		machine_read_u64(x->m, x->exclusive_addr, &v);
		/* Released: the parked harts resume with a context synchronisation event, as
		 * each Arm CPU leaving the kernel's patch callback does (an ISB). A RISC-V CPU
		 * leaving it executes no FENCE.I of its own: under the arch fetch model it sees
		 * the new code once the patcher's remote fence.i (the SBI call) has run. */
		bool resync = !x->fetch_choices || x->arch->fetch_rule != FETCH_RULE_FENCE_I;

		if (!v && x->st.exclusive >= 0)
			for (unsigned p = 0; p < x->nharts; p++)
				if ((int)p != x->st.exclusive) {
					if (resync)
						machine_fetch_sync(x->m, p);
					x->st.sync_step[p] = x->st.step;
				}
		x->st.exclusive = v ? (int)(v - 1) : -1;
		if (x->data_choices) /* stop_machine's entry and exit are full barriers on every CPU */
			machine_data_sync_all(x->m);
	}
}

/* The word (little-endian, as fetched at the aligned address of pc) disassembled into buf. */
static const char *disasm_word(struct explorer *x, uint64_t pc, uint32_t word, char *buf,
			       size_t len)
{
	uint8_t b[4] = {(uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16),
			(uint8_t)(word >> 24)};

	snprintf(buf, len, "%s", machine_disasm(x->m, pc & ~3ull, b, 4));
	return buf;
}

/*
 * coherence: no hart executes an instruction before it was made visible to its fetch. Hart h
 * executes a word of which it may fetch a version older than one whose write happens before
 * it (h saw, through memory, something the writer stored after it, or wrote it itself): the
 * write was ordered before h through data but not made visible to h's fetch (the writer's
 * cache maintenance or h's context synchronisation is missing). Called for a word whose
 * versions are not all concurrently modifiable; fails and returns true in that case, else
 * leaves it to cmodx (a write not ordered with h: a concurrent modification). The order is
 * the execution's conflicting accesses through memory (dpor_observed_before): under
 * data_memory: arch a load that read an older value still counts as after the store.
 */
static bool check_coherence(struct explorer *x, unsigned h, uint64_t pc)
{
	uint32_t ver[MACHINE_FETCH_VERSIONS], tag[MACHINE_FETCH_VERSIONS];
	unsigned n = machine_fetch_history(x->m, h, pc, ver, tag, MACHINE_FETCH_VERSIONS);
	const struct event *w;
	char e[256], a[160], os[64], ns[64], who[48];

	for (unsigned i = n; i-- > 1;) {
		unsigned old = 0;

		if (!tag[i] || !dpor_observed_before(x, tag[i] - 1, h))
			continue;
		while (old < i && ver[old] == ver[i])
			old++;
		if (old == i)
			continue; /* every older version it may fetch has the same bytes */
		w = &x->events[tag[i] - 1];
		disasm_word(x, pc, ver[old], os, sizeof(os));
		disasm_word(x, pc, ver[i], ns, sizeof(ns));
		snprintf(who, sizeof(who), w->hart == h ? "this hart" : "hart %u", w->hart);
		snprintf(e, sizeof(e), "fetches %08x (%s) or newer, written by %s in transition %u",
			 ver[i], ns, who, tag[i]);
		snprintf(a, sizeof(a), "may still fetch %08x (%s)", ver[old], os);
		check_fail(x, "coherence", h, pc, e, a,
			   "executed a word whose write by %s happens before this hart through memory "
			   "but was not made visible to its fetch (cache maintenance by the writer and "
			   "a context synchronisation of this hart, or FENCE.I)", who);
		return true;
	}
	return false;
}

/*
 * Under fetch: arch: hart h has executed the word at pc while the fetch model still let it
 * fetch more than one version of it (it is not synchronised with some write of it: the
 * writer's cache maintenance, or its own context synchronisation, is missing or still to
 * come). Every version it may fetch must be in the architecture's concurrently modifiable set.
 */
static void check_cmodx_versions(struct explorer *x, unsigned h, uint64_t pc)
{
	const struct arch_model *arch = x->arch;
	uint32_t v[EX_MAX_FETCH_ALTERNATIVES];
	unsigned n = machine_fetch_versions(x->m, h, pc, v, EX_MAX_FETCH_ALTERNATIVES), bad = 0;
	char e[160], a[256], d[64];
	size_t len = 0;

	if (n < 2)
		return;
	if (n > EX_MAX_FETCH_ALTERNATIVES)
		n = EX_MAX_FETCH_ALTERNATIVES;
	for (unsigned i = 0; i < n; i++)
		bad += arch->cmodx_classify(v[i]) != CMODX_SAFE;
	if (!bad || check_coherence(x, h, pc))
		return;
	for (unsigned i = 0; i < n && len < sizeof(a); i++)
		len += (size_t)snprintf(a + len, sizeof(a) - len, "%s%08x (%s)", i ? ", " : "",
					v[i], disasm_word(x, pc, v[i], d, sizeof(d)));
	snprintf(e, sizeof(e), "every version it may fetch in {%s}", arch->cmodx_set);
	check_fail(x, "cmodx", h, pc, e, a,
		   "executed a word of which it may still fetch %u versions (a write of it not yet "
		   "synchronised for this hart by cache maintenance and its own context "
		   "synchronisation)", n);
}

/* Hart h has executed the word at pc: if another hart rewrote that word while h was free to
 * run, and h has not synchronised its instruction fetch since (ISB, FENCE.I, an exception),
 * both the old and the new instruction must be concurrently modifiable. Under fetch: arch
 * the fetch model says which versions h may still fetch (check_cmodx_versions). */
void check_cmodx(struct explorer *x, unsigned h, uint64_t pc)
{
	int w = watch_index(x, pc);
	const struct word_write *lw;
	const struct arch_model *arch = x->arch;
	char e[160], a[160], os[64], ns[64];

	if (x->fetch_choices) {
		check_cmodx_versions(x, h, pc);
		return;
	}
	if (w < 0)
		return;
	lw = &x->st.last_write[w];
	if (lw->writer < 0 || lw->writer == (int)h || (lw->parked_mask & (1u << h)) ||
	    x->st.sync_step[h] > lw->step)
		return;
	if (arch->cmodx_classify(lw->old_word) == CMODX_SAFE &&
	    arch->cmodx_classify(lw->new_word) == CMODX_SAFE)
		return;
	disasm_word(x, pc, lw->old_word, os, sizeof(os));
	disasm_word(x, pc, lw->new_word, ns, sizeof(ns));
	snprintf(e, sizeof(e), "old and new in {%s}", arch->cmodx_set);
	snprintf(a, sizeof(a), "%08x (%s) -> %08x (%s)", lw->old_word, os, lw->new_word, ns);
	check_fail(x, "cmodx", h, pc, e, a,
		   "executed a word that hart %d rewrote at step %llu while this hart was not parked, "
		   "with no context synchronisation since", lw->writer, (unsigned long long)lw->step);
}

static void hex(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/* "0x1000f8 (traced_add3+0x8)", or just the number when no symbol covers it. */
static void describe(const struct explorer *x, uint64_t v, char *buf, size_t len)
{
	char sym[80];

	symbolize(x, v, sym, sizeof(sym));
	if (strncmp(sym, "0x", 2) == 0)
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
	else
		snprintf(buf, len, "0x%llx (%s)", (unsigned long long)v, sym);
}

static bool check_value(struct explorer *x, const char *inv, unsigned h, uint64_t pc,
			uint64_t expected, uint64_t actual, const char *what, const char *site)
{
	char e[128], a[128];

	if (expected == actual || invariant_ignored(x, inv))
		return true;
	describe(x, expected, e, sizeof(e));
	describe(x, actual, a, sizeof(a));
	check_fail(x, inv, h, pc, e, a, "%s %s", what, site);
	return false;
}

/* One pc_record (pre or post) against the entry state: ip, parent_ip, and unless the frame is
 * not a pt_regs (with_regs false), pc, sp (if the arch promises it), lr and the arguments. */
static bool check_record(struct explorer *x, unsigned h, const struct frame *f, uint64_t base,
			 uint64_t want_ip, uint64_t want_pc, bool with_regs, const char *who)
{
	const struct site *s = &x->sites[f->site];
	const struct arch_model *arch = x->arch;
	uint64_t pc = s->lay.body, v;
	char what[96], where[96];

	snprintf(where, sizeof(where), "(site of %s)", s->name);
	machine_read_u64(x->m, base + 8, &v);
	snprintf(what, sizeof(what), "ip argument of the %s", who);
	if (want_ip && !check_value(x, "regs-seen", h, pc, want_ip, v, what, where))
		return false;
	machine_read_u64(x->m, base + 16, &v);
	snprintf(what, sizeof(what), "parent_ip argument of the %s", who);
	if (!check_value(x, "regs-seen", h, pc, f->lr, v, what, where))
		return false;
	if (!with_regs)
		return true;
	machine_read_u64(x->m, base + 24, &v);
	snprintf(what, sizeof(what), "regs->pc seen by the %s", who);
	if (!check_value(x, "regs-seen", h, pc, want_pc, v, what, where))
		return false;
	machine_read_u64(x->m, base + 32, &v);
	snprintf(what, sizeof(what), "regs->sp seen by the %s", who);
	if (!arch->regs_sp_unchecked && !check_value(x, "regs-seen", h, pc, f->sp, v, what, where))
		return false;
	machine_read_u64(x->m, base + 40, &v);
	snprintf(what, sizeof(what), "regs->lr seen by the %s", who);
	if (!check_value(x, "regs-seen", h, pc, f->lr, v, what, where))
		return false;
	for (unsigned i = 0; i < arch->narg_regs; i++) {
		int r = arch->arg_regs[i];

		machine_read_u64(x->m, base + 48 + 8ull * (unsigned)r, &v);
		snprintf(what, sizeof(what), "regs->%s seen by the %s", arch->reg_names[r], who);
		if (!check_value(x, "regs-seen", h, pc, f->entry_regs[r], v, what, where))
			return false;
	}
	for (unsigned r = 0; r < arch->nregs && r < PC_RECORD_REGS; r++) {
		if (!(arch->regs_seen_mask & (1ull << r)))
			continue;
		machine_read_u64(x->m, base + 48 + 8ull * r, &v);
		snprintf(what, sizeof(what), "regs->%s seen by the %s", arch->reg_names[r], who);
		if (!check_value(x, "regs-seen", h, pc, f->entry_regs[r], v, what, where))
			return false;
	}
	/* The frame's copy of the first argument at the call (arm's ARM_ORIG_r0, which Linux's
	 * __ftrace_regs_caller sets to r0: models/arm/model_arm.c). */
	if (arch->regs_orig_arg0 >= 0 && arch->regs_orig_arg0 < PC_RECORD_REGS) {
		machine_read_u64(x->m, base + 48 + 8ull * (unsigned)arch->regs_orig_arg0, &v);
		snprintf(what, sizeof(what), "regs->%s seen by the %s", arch->regs_orig_arg0_name,
			 who);
		if (!check_value(x, "regs-seen", h, pc, f->entry_regs[arch->arg_regs[0]], v, what,
				 where))
			return false;
	}
	return true;
}

/*
 * What the callback saw must describe the function's entry state. As an ftrace callback
 * (callback_sees: ftrace): ip = the site's call instruction, pc = the body. As a kprobe on the
 * function riding on its ftrace site (callback_sees: kprobe, the site as one virtual
 * instruction at func+0): the pre-handler sees ip = pc = the site's start, the post-handler
 * (pc_post_records) pc = the body. As a breakpoint kprobe on the site's first word
 * (callback_sees: kprobe-brk): the pre-handler the same, the post-handler pc = the word after
 * the probed one, since only that instruction was stepped (arm64: post_kprobe_handler in
 * arch/arm64/kernel/probes/kprobes.c restores pc to the instruction after the probe before it
 * calls the post-handler). As the callback of an ftrace_ops without SAVE_REGS
 * (callback_sees: ftrace-no-regs), only ip and parent_ip are promised: the frame it gets need
 * not be a pt_regs.
 */
static void check_regs_seen(struct explorer *x, unsigned h, const struct frame *f)
{
	const struct site *s = &x->sites[f->site];
	uint64_t off = (uint64_t)h * PC_RECORD_SIZE, seq;
	bool brk = strcmp(x->scn->callback_sees, "kprobe-brk") == 0;
	bool kprobe = brk || strcmp(x->scn->callback_sees, "kprobe") == 0;
	bool with_regs = strcmp(x->scn->callback_sees, "ftrace-no-regs") != 0;
	const uint8_t *probed = brk ? machine_ram_view(x->m, s->lay.start, 4) : NULL;
	uint64_t after = probed ? s->lay.start + x->arch->insn_length(probed) : s->lay.body;
	uint64_t regs_null = 0;

	if (x->scn->callback_must_run && f->called && x->records_addr &&
	    machine_read_u64(x->m, x->records_addr + off, &seq) && seq == f->rec_seq) {
		check_fail(x, "regs-seen", h, s->lay.body, "a record from the callback", "none",
			   "the pass through the site of %s called out of it, and no callback ran",
			   s->name);
		return;
	}
	/* A callback handed regs = NULL (arm's ftrace_caller: an ops without SAVE_REGS) records
	 * ip and parent_ip only. */
	if (x->records_addr)
		machine_read_u64(x->m, x->records_addr + off + PC_RECORD_REGS_NULL, &regs_null);
	with_regs = with_regs && !regs_null;
	if (x->records_addr && machine_read_u64(x->m, x->records_addr + off, &seq) &&
	    seq != f->rec_seq)
		coverage_note(x, COVER_CALLBACK);
	if (x->records_addr && machine_read_u64(x->m, x->records_addr + off, &seq) &&
	    seq != f->rec_seq &&
	    !check_record(x, h, f, x->records_addr + off, kprobe ? s->lay.start : s->lay.bl,
			  kprobe ? s->lay.start : s->lay.body, with_regs,
			  kprobe ? "kprobe pre-handler" : "callback"))
		return;
	if (kprobe && x->post_records_addr &&
	    machine_read_u64(x->m, x->post_records_addr + off, &seq) && seq != f->post_seq)
		check_record(x, h, f, x->post_records_addr + off, 0, after, true,
			     "kprobe post-handler");
}

/* The bytes above SP at the outermost site (stack-passed arguments, caller memory) must be
 * what the body finds. */
static bool check_stack_args(struct explorer *x, unsigned h, const struct frame *f, uint64_t pc,
			     const char *where)
{
	const struct hart_state *hs = &x->st.harts[h];
	const uint8_t *now;
	char e[64], a[64];

	if (!x->scn->stack_args || f != &hs->frames[0])
		return true;
	now = machine_ram_view(x->m, f->sp, x->scn->stack_args);
	if (!now)
		return true;
	for (unsigned i = 0; i < x->scn->stack_args; i += 8) {
		uint64_t was = 0, is = 0;

		memcpy(&was, hs->stack_args + i, 8);
		memcpy(&is, now + i, 8);
		if (was == is)
			continue;
		hex(e, sizeof(e), was);
		hex(a, sizeof(a), is);
		check_fail(x, "stack-args", h, pc, e, a, "[sp+%u] at %s (stack_args: %u bytes)", i,
			   where, x->scn->stack_args);
		return false;
	}
	return true;
}

/* The return address the body must start with: the parent's, unless a callback of this pass
 * replaced it with the return hook (graph_return, as the function-graph tracer does). */
static uint64_t expected_lr(struct explorer *x, unsigned h, const struct frame *f)
{
	if (x->graph_hooks_addr && read_hart_counter(x, x->graph_hooks_addr, h) != f->graph_hooks)
		return x->graph_tramp_addr;
	return f->lr;
}

/* LR, SP and every register but the scratch ones must be as they were at the site's start
 * (LR: as the callbacks left the saved one). */
static bool check_entry_state(struct explorer *x, unsigned h, const struct frame *f, uint64_t pc,
			      const char *where)
{
	const struct arch_model *arch = x->arch;
	uint64_t regs[ARCH_MAX_REGS];
	char e[64], a[64];

	machine_read_regs(x->m, h, regs);
	if (!check_value(x, "lr-at-entry", h, pc, expected_lr(x, h, f), regs[arch->reg_lr],
			 "link register at", where))
		return false;
	if (!check_value(x, "sp-at-entry", h, pc, f->sp, regs[arch->reg_sp], "stack pointer at", where))
		return false;
	for (unsigned i = 0; i < arch->nregs; i++) {
		if ((int)i == arch->reg_pc || (int)i == arch->reg_sp || (int)i == arch->reg_lr ||
		    (arch->scratch_mask & (1ull << i)) || regs[i] == f->entry_regs[i])
			continue;
		hex(e, sizeof(e), f->entry_regs[i]);
		hex(a, sizeof(a), regs[i]);
		check_fail(x, "register-preservation", h, pc, e, a,
			   "%s at %s differs from its value at the call", arch->reg_names[i], where);
		return false;
	}
	return true;
}

void check_body_entry(struct explorer *x, unsigned h, struct frame *f)
{
	const struct site *s = &x->sites[f->site];
	char where[96], a[64];

	f->body_count++;
	coverage_note_form(x, f);
	f->fetched_mask = 0;
	if (f->redirect >= 0) {
		const struct scn_redirect *r = &x->scn->redirects[f->redirect];

		snprintf(a, sizeof(a), "the body of %s ran", s->name);
		check_fail(x, "ipmodify", h, s->lay.body, "only the redirect target runs", a,
			   "the call was redirected to %s, then the old body ran too", r->to);
		return;
	}
	if (read_hart_counter(x, x->redirect_requests_addr, h) != f->redirect_requests) {
		snprintf(a, sizeof(a), "the body of %s ran", s->name);
		check_fail(x, "ipmodify", h, s->lay.body, "the new pc runs, not the body", a,
			   "a callback changed the saved pc during the call, and the trampoline "
			   "returned into the body anyway");
		return;
	}
	if (f->body_count > 1) {
		snprintf(a, sizeof(a), "entered %u times", f->body_count);
		check_fail(x, "body-once", h, s->lay.body, "the body runs once per call", a,
			   "body of %s entered again in the same call", s->name);
		return;
	}
	snprintf(where, sizeof(where), "body entry of %s", s->name);
	if (check_entry_state(x, h, f, s->lay.body, where) &&
	    check_stack_args(x, h, f, s->lay.body, where))
		check_regs_seen(x, h, f);
}

bool check_redirect_entry(struct explorer *x, unsigned h, struct frame *f, uint64_t pc)
{
	const struct site *s = &x->sites[f->site];
	char where[160];

	if (f->redirect >= 0 || f->body_count)
		return false;
	for (unsigned r = 0; r < x->scn->nredirects; r++) {
		const struct scn_redirect *rd = &x->scn->redirects[r];

		/* & ~1: symbols of Thumb functions carry the Thumb bit, code addresses do not */
		if ((rd->to_addr & ~1ull) != pc || (rd->from_addr & ~1ull) != s->lay.func)
			continue;
		f->redirect = (int)r;
		coverage_note_form(x, f);
		f->fetched_mask = 0;
		coverage_note(x, COVER_REDIRECT);
		snprintf(where, sizeof(where), "entry of %s (the redirect of %s)", rd->to, s->name);
		if (check_entry_state(x, h, f, pc, where) && check_stack_args(x, h, f, pc, where))
			check_regs_seen(x, h, f);
		return true;
	}
	return false;
}

uint64_t read_hart_counter(struct explorer *x, uint64_t addr, unsigned h)
{
	uint64_t v = 0;
	uint32_t lo;

	if (!addr)
		return 0;
	if (x->arch->word_size == 8)
		machine_read_u64(x->m, addr + 8ull * h, &v);
	else if (machine_read_u32(x->m, addr + 4ull * h, &lo))
		v = lo;
	return v;
}

void read_direct_counters(struct explorer *x, unsigned h, uint64_t *requests, uint64_t *calls)
{
	*requests = *calls = 0;
	if (!x->direct_requests_addr)
		return;
	*requests = read_hart_counter(x, x->direct_requests_addr, h);
	*calls = read_hart_counter(x, x->direct_calls_addr, h);
}

/* Every direct call a callback requested during this traced call ran, once. (A site whose ops
 * literal names the direct trampoline calls it without any request: nothing to match.) */
static void check_direct_calls(struct explorer *x, unsigned h, const struct frame *f)
{
	uint64_t requests, calls;
	char e[64], a[64];

	read_direct_counters(x, h, &requests, &calls);
	requests -= f->direct_requests;
	calls -= f->direct_calls;
	if (calls)
		coverage_note(x, COVER_DIRECT);
	if (requests == 0 || requests == calls)
		return;
	snprintf(e, sizeof(e), "%llu direct trampoline run%s", (unsigned long long)requests,
		 requests == 1 ? "" : "s");
	snprintf(a, sizeof(a), "%llu", (unsigned long long)calls);
	check_fail(x, "direct-call", h, f->lr, e, a,
		   "callbacks requested %llu direct call%s during the call of %s",
		   (unsigned long long)requests, requests == 1 ? "" : "s", x->sites[f->site].name);
}

/* Every return address a callback replaced with the return hook during this traced call was
 * returned through once: the hook ran as many times as it was installed. */
static void check_graph_returns(struct explorer *x, unsigned h, const struct frame *f)
{
	uint64_t hooks, returns;
	char e[64], a[64];

	if (!x->graph_hooks_addr)
		return;
	hooks = read_hart_counter(x, x->graph_hooks_addr, h) - f->graph_hooks;
	returns = read_hart_counter(x, x->graph_returns_addr, h) - f->graph_returns;
	if (hooks == returns)
		return;
	snprintf(e, sizeof(e), "%llu return%s through the hook", (unsigned long long)hooks,
		 hooks == 1 ? "" : "s");
	snprintf(a, sizeof(a), "%llu", (unsigned long long)returns);
	check_fail(x, "graph-return", h, f->lr, e, a,
		   "callbacks replaced the return address of %s %llu time%s during the call",
		   x->sites[f->site].name, (unsigned long long)hooks, hooks == 1 ? "" : "s");
}

void check_frame_return(struct explorer *x, unsigned h, struct frame *f)
{
	const struct site *s = &x->sites[f->site];

	check_direct_calls(x, h, f);
	check_graph_returns(x, h, f);

	if (f->body_count == 0 && f->redirect < 0)
		check_fail(x, "body-once", h, f->lr, "the body runs once per call", "never entered",
			   "call of %s returned without running its body", s->name);
}

/* The procedure call standard at the return of a top-level call: SP and the callee-saved
 * registers (but the link register, which held the return address) are as at the call. */
void check_call_return_state(struct explorer *x, unsigned h)
{
	const struct arch_model *arch = x->arch;
	const struct hart_state *hs = &x->st.harts[h];
	const struct program_call *pc = &x->program[h][hs->call];
	uint64_t regs[ARCH_MAX_REGS], mask = arch->callee_saved_mask | (1ull << arch->reg_sp);
	char e[64], a[64];

	mask &= ~(1ull << arch->reg_lr);
	machine_read_regs(x->m, h, regs);
	for (unsigned i = 0; i < arch->nregs; i++) {
		if (!(mask & (1ull << i)) || regs[i] == hs->call_regs[i])
			continue;
		hex(e, sizeof(e), hs->call_regs[i]);
		hex(a, sizeof(a), regs[i]);
		check_fail(x, "register-preservation", h, MACHINE_MAGIC_RETURN, e, a,
			   "%s after %s() returned differs from its value at the call "
			   "(callee-saved)", arch->reg_names[i], pc->call->func);
		return;
	}
}

void check_call_result(struct explorer *x, unsigned h, uint64_t result)
{
	const struct program_call *pc = &x->program[h][x->st.harts[h].call];
	bool patcher = x->scn->harts[h].role == ROLE_PATCHER;
	char e[64], a[64];

	if (pc->call->has_expect || patcher) {
		int64_t want = pc->call->has_expect ? pc->call->expect : 0;
		int64_t got = patcher ? (int64_t)(int32_t)result : (int64_t)result;

		if (patcher)
			want = (int32_t)want;
		if (got == want)
			return;
		snprintf(e, sizeof(e), "%lld", (long long)want);
		snprintf(a, sizeof(a), "%lld", (long long)got);
		check_fail(x, patcher ? "patch-op" : "result", h, MACHINE_MAGIC_RETURN, e, a,
			   "%s() returned another value than the scenario requires", pc->call->func);
		return;
	}
	if (!pc->has_reference || pc->reference == result)
		return;
	for (unsigned i = 0; i < pc->nalternatives; i++)
		if (pc->alternatives[i] == result)
			return;
	hex(e, sizeof(e), pc->reference);
	hex(a, sizeof(a), result);
	check_fail(x, "result", h, MACHINE_MAGIC_RETURN, e, a,
		   "%s() returned a different value than the uninstrumented run", pc->call->func);
}

/* A runner's load of a site's ops literal must read one of the scenario's ops. */
void check_literal_read(struct explorer *x, unsigned h, uint64_t pc, const struct mem_access *a)
{
	char e[160], v[96];
	size_t n = 0;

	if (!x->scn->nops || x->scn->harts[h].role != ROLE_RUNNER)
		return;
	for (unsigned i = 0; i < x->nsites; i++) {
		if (!x->sites[i].lay.literal || a->addr != x->sites[i].lay.literal || a->size != 8)
			continue;
		for (unsigned k = 0; k < x->scn->nops; k++)
			if (x->scn->ops_addr[k] == a->value)
				return;
		for (unsigned k = 0; k < x->scn->nops && n < sizeof(e); k++)
			n += (size_t)snprintf(e + n, sizeof(e) - n, "%s%s", k ? ", " : "one of ",
					      x->scn->ops[k]);
		describe(x, a->value, v, sizeof(v));
		check_fail(x, "literal-consistency", h, pc, e, v,
			   "ops literal of %s read by the trampoline", x->sites[i].name);
		return;
	}
}

/* A C function called during a pass (the callback) must find SP aligned as the ABI requires,
 * and the frame records it would unwind through intact (check_frame_chain).
 * A call is recognised by its effect: pc at a function symbol and LR pointing right after the
 * previous instruction. The site's own call into the trampoline is exempt: the trampoline is the
 * code that establishes alignment. */
void check_call_alignment(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
			  uint64_t prev_pc)
{
	const struct site *s = &x->sites[f->site];
	const struct arch_model *arch = x->arch;
	const struct image_symbol *sym;
	const uint8_t *prev;
	uint64_t off, lr, sp;
	char e[96], a[64];

	if ((prev_pc >= s->lay.start && prev_pc < s->lay.body) || !is_function_start(x, pc))
		return;
	sym = image_symbol_at(x->img, pc, &off);
	if (!sym || !sym->is_func || off != 0)
		return;
	prev = machine_ram_view(x->m, prev_pc, 4);
	lr = machine_reg(x->m, h, arch->reg_lr) & ~1ull;
	if (!prev || lr != prev_pc + arch->insn_length(prev))
		return;
	check_frame_chain(x, h, f, pc, sym->name);
	sp = machine_reg(x->m, h, arch->reg_sp);
	if (x->failure || sp % arch->stack_align == 0)
		return;
	snprintf(e, sizeof(e), "sp aligned to %u bytes", arch->stack_align);
	snprintf(a, sizeof(a), "sp = 0x%llx", (unsigned long long)sp);
	check_fail(x, "stack-alignment", h, pc, e, a, "call of %s during a pass through the site of %s",
		   sym->name, s->name);
}
