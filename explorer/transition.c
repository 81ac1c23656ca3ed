/*
 * transition.c - one transition of one hart: its local steps up to and including its next
 * visible operation, with the per-step bookkeeping the checks need.
 *
 * A visible operation is a step whose order against other harts can matter: it fetches a word
 * of a patch site, or loads/stores a watched word (site words, ops literals, declared shared
 * data), or writes anywhere in the text. All other steps touch only the hart's own registers and
 * stack, so they commute with every other hart's steps and need no schedule choice: running
 * them eagerly loses no behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/guest_abi.h"
#include "exec.h"

/* One step of hart h into the trace: the instruction at pc, its bytes (len of them). */
static void trace_append_insn(struct explorer *x, unsigned h, uint64_t pc, const uint8_t *bytes,
			      unsigned len, uint32_t version, enum trace_write_kind wrote,
			      bool fetched)
{
	struct trace_step *t;

	if (x->st.ntrace == x->trace_cap) {
		size_t cap = x->trace_cap * 2;
		struct trace_step *n = realloc(x->trace, cap * sizeof(*n));

		if (!n)
			return; /* the trace is best effort; checks do not depend on it */
		x->trace = n;
		x->trace_cap = cap;
	}
	t = &x->trace[x->st.ntrace++];
	t->step = (uint32_t)x->st.step;
	t->hart = (uint8_t)h;
	t->len = (uint8_t)len;
	memcpy(t->bytes, bytes, sizeof(t->bytes));
	t->pc = pc;
	t->version = version;
	t->patch_write = wrote != TRACE_WRITE_NONE;
	t->write_kind = (uint8_t)wrote;
	t->watched_fetch = fetched;
	t->interrupt = x->irq_mark;
	x->irq_mark = false;
	t->delta = 0;
}

static void trace_append(struct explorer *x, unsigned h, const struct step_info *info,
			 uint32_t version, enum trace_write_kind wrote, bool fetched)
{
	trace_append_insn(x, h, info->pc, info->bytes, info->len, version, wrote, fetched);
}

/* An access of hart h into another hart's private memory (its stack, its instrumentation
 * slot): the bytes are shared after all, and the owner's earlier accesses to them were local
 * steps, so the search restarts with them shared. */
static void share_if_private(struct explorer *x, unsigned h, const struct mem_access *a)
{
	int owner = machine_private_owner(x->m, a->addr, a->size);

	if (owner >= 0 && owner != (int)h) {
		machine_share(x->m, a->addr, a->size);
		x->shared_set_grew = true;
	}
}

/* Appends "x0=0x3 x9=0x100350" (the registers that changed since the hart's last step) to the
 * delta buffer; the buffer starts with one NUL so that offset 0 means "none". */
uint32_t record_register_delta(struct explorer *x, unsigned h)
{
	const struct arch_model *arch = x->arch;
	uint64_t regs[ARCH_MAX_REGS];
	char text[1024];
	size_t n = 0, need;
	uint32_t at;

	machine_read_regs(x->m, h, regs);
	for (unsigned i = 0; i < arch->nregs && n < sizeof(text); i++) {
		if ((int)i == arch->reg_pc || regs[i] == x->last_regs[h][i])
			continue;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s=0x%llx", n ? " " : "",
				      arch->reg_names[i], (unsigned long long)regs[i]);
	}
	memcpy(x->last_regs[h], regs, sizeof(regs));
	if (!n)
		return 0;
	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	need = x->deltas_len + n + 1 + (x->deltas_len ? 0 : 1);
	if (need > x->deltas_cap) {
		size_t cap = x->deltas_cap ? 2 * x->deltas_cap : 65536;
		char *d;

		while (cap < need)
			cap *= 2;
		if (!(d = realloc(x->deltas, cap)))
			return 0;
		x->deltas = d;
		x->deltas_cap = cap;
	}
	if (!x->deltas_len)
		x->deltas[x->deltas_len++] = 0;
	at = (uint32_t)x->deltas_len;
	memcpy(x->deltas + at, text, n);
	x->deltas[at + n] = 0;
	x->deltas_len += n + 1;
	return at;
}

/* A check failed before the instruction at pc ran: the trace still shows that instruction. */
static void trace_pending_step(struct explorer *x, unsigned h, uint64_t pc, uint32_t version,
				bool watched)
{
	struct step_info info = {.pc = pc};
	const uint8_t *bytes = machine_ram_view(x->m, pc, 4);

	if (!bytes)
		return;
	memcpy(info.bytes, bytes, 4);
	info.len = x->arch->insn_length(bytes);
	x->st.step++; /* numbered as the step it would have been */
	trace_append(x, h, &info, version, TRACE_WRITE_NONE, watched);
	x->st.step--;
	failure_take_trace(x);
}

/* Hart h has begun a patch site and not yet left it (its pc is past the site's first word). */
bool exec_inside_site(const struct explorer *x, unsigned h)
{
	uint64_t pc = machine_reg(x->m, h, x->arch->reg_pc);
	int s = site_at(x, pc);

	return s >= 0 && pc > x->sites[s].lay.start && pc < x->sites[s].lay.body;
}

/*
 * While a hart holds the machine (stop_machine), the others are parked. In a kernel without
 * preemption (protocol idealised-stop-nonpreempt) a CPU reaches the stopper only at a schedule
 * point, and the inside of a patch site is never one: a hart that has begun a site runs on
 * until it has left it, and the holder waits for that before it may write.
 */
bool exec_enabled(const struct explorer *x, unsigned h)
{
	int ex = x->st.exclusive;

	if ((x->st.harts[h].done && !x->st.harts[h].nirq) || x->st.harts[h].blocked)
		return false;
	if (ex < 0 || x->st.harts[ex].done)
		return true;
	if (exec_in_nmi(&x->st.harts[h]))
		return true; /* a parked CPU runs its NMI handler all the same */
	if (x->nonpreempt_stop) {
		for (unsigned p = 0; p < x->nharts; p++)
			if ((int)p != ex && !x->st.harts[p].done && exec_inside_site(x, p))
				return (int)h != ex && exec_inside_site(x, h);
	}
	return ex == (int)h;
}

/*
 * Hart h holds the machine (stop-machine) and every other hart is parked: nothing can come
 * between its operations, so they are local to it. The section from taking the machine to
 * releasing it is then one transition, atomic as the protocol makes it. Not while a parked
 * hart may take an NMI: its handler runs during the section.
 */
static bool holds_machine_alone(const struct explorer *x, unsigned h)
{
	if (x->st.exclusive != (int)h)
		return false;
	for (unsigned p = 0; p < x->nharts; p++)
		if (p != h && (exec_enabled(x, p) || exec_interrupt_possible(x, p)))
			return false;
	return true;
}

/* Every hart finished, none is in an interrupt, and none can take an IPI that waits for it:
 * an idle CPU takes its IPIs, so an execution where one never runs would not be complete. */
bool exec_all_done(const struct explorer *x)
{
	for (unsigned h = 0; h < x->nharts; h++)
		if (!x->st.harts[h].done || x->st.harts[h].nirq ||
		    (x->st.harts[h].ipi_pending &&
		     exec_interrupt_possible(x, h)))
			return false;
	return true;
}

/* The hart's top-level call returned: check its result, begin the next one or finish. */
static void finish_call(struct explorer *x, unsigned h)
{
	struct hart_state *hs = &x->st.harts[h];

	while (hs->depth && !x->failure) /* traced calls that returned straight to the caller */
		check_frame_return(x, h, &hs->frames[--hs->depth]);
	if (x->failure)
		return;
	check_call_result(x, h, machine_reg(x->m, h, x->arch->reg_ret));
	if (!x->failure && x->scn->harts[h].role != ROLE_LITMUS) /* asm: keeps no registers */
		check_call_return_state(x, h);
	if (!x->failure)
		check_completion(x, h);
	hs->call++;
	hs->call_steps = 0;
	hs->prev_pc = 0;
	hs->depth = 0;
	if (hs->call >= x->nprogram[h]) {
		hs->done = true;
		if (x->fetch_choices && machine_fetch_any_stale(x->m, h))
			exec_hart_view_changed(x, h);
	}
	exec_schedule_point(x, h);
	if (!hs->done)
		exec_begin_call(x, h);
}

static void push_frame(struct explorer *x, unsigned h, int site)
{
	struct hart_state *hs = &x->st.harts[h];
	struct frame *f;

	if (hs->depth == EX_MAX_DEPTH) {
		char e[48], a[32];

		snprintf(e, sizeof(e), "traced call depth below %d", EX_MAX_DEPTH);
		snprintf(a, sizeof(a), "depth %d", EX_MAX_DEPTH);
		check_fail(x, "termination", h, machine_pc(x->m, h), e, a,
			   "entered traced sites %d deep without returning (last: %s)", EX_MAX_DEPTH,
			   x->sites[site].name);
		return;
	}
	f = &hs->frames[hs->depth++];
	memset(f, 0, sizeof(*f));
	f->site = site;
	f->redirect = -1;
	machine_read_regs(x->m, h, f->entry_regs);
	f->lr = f->entry_regs[x->arch->reg_lr];
	f->sp = f->entry_regs[x->arch->reg_sp];
	if (x->records_addr)
		machine_read_u64(x->m, x->records_addr + (uint64_t)h * PC_RECORD_SIZE, &f->rec_seq);
	if (x->post_records_addr)
		machine_read_u64(x->m, x->post_records_addr + (uint64_t)h * PC_RECORD_SIZE,
				 &f->post_seq);
	read_direct_counters(x, h, &f->direct_requests, &f->direct_calls);
	f->redirect_requests = read_hart_counter(x, x->redirect_requests_addr, h);
	f->graph_hooks = read_hart_counter(x, x->graph_hooks_addr, h);
	f->graph_returns = read_hart_counter(x, x->graph_returns_addr, h);
	if (hs->depth == 1 && x->scn->stack_args) {
		const uint8_t *above = machine_ram_view(x->m, f->sp, x->scn->stack_args);

		if (above)
			memcpy(hs->stack_args, above, x->scn->stack_args);
	}
}

/* The site of the hart's innermost traced call, if pc lies in its patchable bytes. */
static struct frame *frame_fetching_site(struct explorer *x, unsigned h, uint64_t pc)
{
	struct hart_state *hs = &x->st.harts[h];
	struct frame *top;

	if (!hart_live_depth(hs))
		return NULL;
	top = &hs->frames[hs->depth - 1];
	if (pc < x->sites[top->site].lay.start || pc >= x->sites[top->site].lay.body)
		return NULL;
	return top;
}

/* Frame bookkeeping and body-entry checks before hart h executes the instruction at pc.
 * Returns true if that instruction lies in a site (its fetch is a visible operation). */
static bool before_step_in_sites(struct explorer *x, unsigned h, uint64_t pc, uint64_t prev_pc)
{
	struct hart_state *hs = &x->st.harts[h];
	int s;

	if (hart_live_depth(hs)) {
		struct frame *top = &hs->frames[hs->depth - 1];

		/* lr & ~1: a return address into Thumb code carries the Thumb bit */
		if (pc == (top->lr & ~1ull) && machine_reg(x->m, h, x->arch->reg_sp) == top->sp) {
			check_frame_return(x, h, top);
			hs->depth--;
		} else if (top->body_count == 0 && prev_pc) {
			const struct site *site = &x->sites[top->site];

			if (prev_pc >= site->lay.start && prev_pc < site->lay.body &&
			    (pc < site->lay.start || pc > site->lay.body)) {
				top->called = true;
				coverage_note(x, COVER_CALL);
			}
			check_call_alignment(x, h, top, pc, prev_pc);
		}
	}
	if (hart_live_depth(hs) && x->scn->nredirects &&
	    check_redirect_entry(x, h, &hs->frames[hs->depth - 1], pc))
		return false;
	if (pc < x->sites_lo || pc > x->sites_hi || (s = site_at(x, pc)) < 0)
		return code_written_holds(x, pc);
	if (pc == x->sites[s].lay.start)
		push_frame(x, h, s);
	if (hart_live_depth(hs) && hs->frames[hs->depth - 1].site == s) {
		const struct site *site = &x->sites[s];

		if (pc == site->lay.body && !(prev_pc >= site->lay.body && prev_pc < site->func_end))
			check_body_entry(x, h, &hs->frames[hs->depth - 1]);
	}
	return pc >= x->sites[s].lay.start && pc < x->sites[s].lay.body;
}

/* before_step_in_sites, after the retired-code check; entering or leaving a retired function
 * is a visible operation too. */
static bool before_step(struct explorer *x, unsigned h, uint64_t pc, uint64_t prev_pc)
{
	bool crossing;

	if (!check_not_retired(x, h, pc))
		return false;
	crossing = retire_crossing(x, pc, prev_pc);
	return before_step_in_sites(x, h, pc, prev_pc) || crossing;
}

static void step_failed(struct explorer *x, unsigned h, enum step_status s,
			const struct step_info *info)
{
	char where[96], actual[160];

	symbolize(x, info->pc, where, sizeof(where));
	if (s == STEP_BREAKPOINT) {
		snprintf(actual, sizeof(actual), "brk #0x%x at %s", info->special.imm, where);
		check_fail(x, "guest-fault", h, info->pc, "no breakpoint without a handler", actual,
			   "unhandled breakpoint at %s", where);
	} else {
		snprintf(actual, sizeof(actual), "%s", info->fault);
		check_fail(x, "guest-fault", h, info->pc, "no fault", actual, "fault at %s: %s", where,
			   info->fault);
	}
}

/* What a step that wrote (or not) was, from the code it wrote and who held the machine before. */
static enum trace_write_kind write_kind(const struct explorer *x, bool wrote, bool wrote_code,
					int exclusive_before)
{
	if (!wrote)
		return TRACE_WRITE_NONE;
	if (x->st.exclusive != exclusive_before)
		return x->st.exclusive >= 0 ? TRACE_WRITE_STOP_MACHINE_ENTER
					    : TRACE_WRITE_STOP_MACHINE_EXIT;
	return wrote_code ? TRACE_WRITE_CODE : TRACE_WRITE_DATA;
}

unsigned exec_fetch_alternatives(struct explorer *x, unsigned h)
{
	unsigned n;

	if (!x->fetch_choices || machine_pc(x->m, h) == MACHINE_MAGIC_RETURN)
		return 1;
	n = machine_fetch_alternatives(x->m, h);
	if (n > EX_MAX_FETCH_ALTERNATIVES) {
		x->stats.truncated = true; /* versions a schedule cannot name: not every one tried */
		n = EX_MAX_FETCH_ALTERNATIVES;
	}
	return n;
}

void exec_code_access(struct explorer *x, bool write)
{
	if (x->code_hi > x->code_lo)
		dpor_event_model_access(x, x->code_lo, (unsigned)(x->code_hi - x->code_lo), write);
}

void exec_hart_view_changed(struct explorer *x, unsigned h)
{
	dpor_event_model_access(x, EX_HART_TOKEN + 8ull * h, 8, true);
}

/*
 * Under fetch: arch, cache maintenance and context synchronisation touch the caches' state (the
 * EX_CACHE_TOKEN) and the code they act on: they are visible operations, dependent with the
 * writes and the maintenance of other harts. Returns whether the step was one.
 */
static bool cache_accesses(struct explorer *x, unsigned h, const struct step_info *info,
			   enum step_status s)
{
	const struct special_insn *sp = &info->special;
	uint64_t line = x->arch->cache_line ? x->arch->cache_line : 64, addr;

	if (!x->fetch_choices)
		return false;
	switch (sp->kind) {
	case SPECIAL_DCACHE:
	case SPECIAL_ICACHE_SYNC:
		if (sp->addr_reg >= 0) {
			addr = machine_reg(x->m, h, sp->addr_reg) & ~(line - 1);
			dpor_event_model_access(x, addr, (unsigned)line, false);
		} else {
			exec_code_access(x, false);
		}
		if (sp->kind == SPECIAL_ICACHE_SYNC)
			dpor_event_model_access(x, EX_CACHE_TOKEN, 8, false);
		return true;
	case SPECIAL_DSB:
		dpor_event_model_access(x, EX_CACHE_TOKEN, 8, true);
		return true;
	case SPECIAL_ENV_CALL: /* performed by the machine (a remote fence.i) when it went on */
		if (s != STEP_OK)
			return false;
		dpor_event_model_access(x, EX_CACHE_TOKEN, 8, true);
		exec_code_access(x, true); /* other harts' fetches of the code change */
		return true;
	case SPECIAL_BREAKPOINT: /* taken as an exception when the step went on */
	case SPECIAL_ISB:
	case SPECIAL_EXC_RETURN:
		if (sp->kind == SPECIAL_BREAKPOINT && s != STEP_OK)
			return false;
		if (sp->kind != SPECIAL_ISB && x->arch->fetch_rule != FETCH_RULE_CACHE_MAINTENANCE)
			return false; /* RISC-V: a trap or SRET synchronises no fetch */
		dpor_event_model_access(x, EX_CACHE_TOKEN, 8, false);
		exec_code_access(x, false);
		if (info->fetch_synced)
			exec_hart_view_changed(x, h);
		return true;
	default:
		return false;
	}
}

/*
 * An exclusive section (load-exclusive to store-exclusive, arch.h) runs as part of one
 * transition: another hart's store inside it would only make the store-exclusive fail and the
 * loop retry, as if that store had come before the load-exclusive, which the search orders
 * anyway. The section's accesses stay in the transition's event, so the reduction still
 * orders them against every other hart's.
 */
static void note_exclusive_section(struct hart_state *hs, const struct step_info *info)
{
	if (info->special.exclusive == EXCL_OPEN)
		hs->exclusive_steps = 1;
	else if (info->special.exclusive == EXCL_CLOSE ||
		 (hs->exclusive_steps && ++hs->exclusive_steps > EX_MAX_EXCLUSIVE_STEPS))
		hs->exclusive_steps = 0;
}

/*
 * Runs the hart's plain instructions from pc in one go (machine_run_plain) where the per-step
 * look adds nothing: no register deltas are captured, no exclusive section is open, the step
 * before left no site and no retire: function (the checks that compare a pc with the one
 * before), and the call's step budget has room. The run stops at the top frame's return
 * address, where the return is checked, and at function entries while a pass through a site
 * has not reached the body (check_call_alignment). Every instruction but a last one whose
 * accesses are reported is accounted for here, as a local step; returns 1 when that last one
 * is left in info for the caller's step path, 0 when the run covered everything it ran (or ran
 * nothing: the caller steps).
 */
static int run_plain(struct explorer *x, unsigned h, unsigned *nsteps, struct step_info *info)
{
	struct hart_state *hs = &x->st.harts[h];
	uint64_t budget = x->scn->steps_per_call, stop = 0, prev = hs->prev_pc;
	bool entries = false, reported;
	unsigned n, local;

	if (x->capture || (x->opt && x->opt->step_each) || hs->exclusive_steps ||
	    hs->call_steps >= budget ||
	    (prev && (site_at(x, prev) >= 0 || in_retire_function(x, prev))))
		return 0;
	if (hart_live_depth(hs)) {
		stop = hs->frames[hs->depth - 1].lr & ~1ull;
		entries = hs->frames[hs->depth - 1].body_count == 0;
	}
	n = machine_run_plain(x->m, h, (unsigned)(budget - hs->call_steps < MACHINE_RUN_MAX
						  ? budget - hs->call_steps : MACHINE_RUN_MAX),
			      stop, entries, x->run_pcs, info);
	reported = n && (info->naccesses || info->wrote_code || info->data_alternatives > 1 ||
			 info->data_full);
	local = reported ? n - 1 : n;
	for (unsigned i = 0; i < local; i++) {
		/* plain: in the text, so the 4 bytes are there (the run checked) */
		const uint8_t *bytes = machine_ram_view(x->m, x->run_pcs[i], 4);

		x->st.step++;
		trace_append_insn(x, h, x->run_pcs[i], bytes, x->arch->insn_length(bytes), 0,
				  TRACE_WRITE_NONE, false);
	}
	x->stats.steps += local;
	x->stats.run_steps += n;
	hs->call_steps += local;
	hs->steps += local;
	*nsteps += local;
	if (local)
		hs->prev_pc = x->run_pcs[local - 1];
	return reported ? 1 : 0;
}

static bool transition_run(struct explorer *x, unsigned h, unsigned alternative);

bool exec_transition(struct explorer *x, unsigned h, unsigned alternative)
{
	bool ok = transition_run(x, h, alternative);

	if (ok && x->opt && x->opt->poison_dead && !x->failure)
		liveness_poison(x, h);
	return ok;
}

static bool transition_run(struct explorer *x, unsigned h, unsigned alternative)
{
	struct hart_state *hs = &x->st.harts[h];
	struct step_info info;
	unsigned nsteps = 0;
	bool counted = true; /* the point before this transition counted its first fetch's versions */

	unsigned data = alt_data(alternative);

	alternative = alt_fetch(alternative);
	if (x->st.ntransitions < EX_MAX_TRANSITIONS) {
		x->st.dalt[x->st.ntransitions] = (uint8_t)data;
		x->st.schedule[x->st.ntransitions++] = schedule_code(h, alternative);
		x->st.schedule[x->st.ntransitions] = 0;
	}
	x->data_alternatives = 1;
	machine_set_write_tag(x->m, x->st.ntransitions); /* the code it writes: position + 1 */
	if (x->data_choices)
		machine_choose_data(x->m, h, data); /* for the transition's first access with one */
	dpor_event_begin(x, h);
	/* Before each transition a hart that is sent IPIs looks for a pending one: another hart's
	 * store to its flag is dependent with it, so the search orders the two, and the IPI can
	 * come before any of its transitions. */
	if (x->ipi_targets & (1u << h))
		dpor_event_access(x, x->ipi_pending_addr + 4ull * h, 4, false);
	coverage_note_parked(x, h);
	x->events[x->st.ntransitions - 1].alt = (uint8_t)alternative;
	if (alternative == EX_ALT_INTERRUPT) {
		if (!exec_take_interrupt(x, h))
			return false;
		alternative = 0; /* the vector's first fetch: code nobody writes */
	}
	for (;;) {
		uint64_t pc = machine_pc(x->m, h);
		bool visible, visible_fetch, wrote = false;
		int exclusive_before = x->st.exclusive;
		uint32_t version = 0;
		enum step_status s;

		if (pc == MACHINE_MAGIC_RETURN) {
			if (hs->done)
				return true; /* an idle hart back from an IPI */
			finish_call(x, h);
			if (x->failure)
				return false;
			if (hs->done || x->st.qs_read) /* its schedule point: a point of the search */
				return true;
			counted = false;
			continue;
		}
		if (exec_fetch_alternatives(x, h) > 1) {
			/* A choice of versions is a point of the search of its own. */
			if (nsteps > 0 || !counted)
				return true;
			machine_choose_fetch(x->m, h, alternative);
		}
		if (run_plain(x, h, &nsteps, &info)) {
			/* the run's last instruction made accesses: the step path below takes it */
			pc = info.pc;
			visible = visible_fetch = false;
			s = STEP_OK;
		} else if (machine_pc(x->m, h) != pc) {
			continue; /* a run of local steps: the next instruction is looked at again */
		} else {
			x->pre_step = true;
			visible = before_step(x, h, pc, hs->prev_pc);
			x->pre_step = false;
			visible_fetch = visible;
			if (visible) {
				int w = watch_index(x, pc);

				version = w >= 0 ? x->st.word_versions[w] : 0;
			}
			if (x->failure) {
				trace_pending_step(x, h, pc, version, visible);
				return false;
			}
			s = machine_step(x->m, h, &info);
		}
		nsteps++;
		if (info.data_alternatives > 1 && x->data_alternatives == 1)
			x->data_alternatives = info.data_alternatives;
		if (info.data_full) { /* past what the data model holds: not explored on */
			x->stats.truncated = true;
			x->st.pruned = true;
			return true;
		}
		x->st.step++;
		x->stats.steps++;
		hs->call_steps++;
		hs->steps++;
		for (unsigned i = 0; i < info.naccesses; i++) {
			const struct mem_access *a = &info.accesses[i];

			visible = true;
			share_if_private(x, h, a);
			dpor_event_access(x, a->addr, a->size, a->kind == ACCESS_WRITE);
			if (a->kind == ACCESS_WRITE) {
				wrote = true;
				exec_note_ipi(x, a);
				record_watched_write(x, h, a);
				if (info.wrote_code)
					code_written_add(x, a->addr, a->size);
			} else {
				check_literal_read(x, h, info.pc, a);
				exec_note_quiesce_read(x, a);
			}
		}
		if (visible_fetch && info.len) { /* an older version observes no newer write */
			if (info.fetch_old)
				dpor_event_model_access(x, info.pc, info.len, false);
			else
				dpor_event_access(x, info.pc, info.len, false);
			/* in a handler, what the completion check reads of this hart (completion.c) */
			if (info.fetch_old && (hs->nirq || hs->in_sync_exception))
				exec_hart_view_changed(x, h);
		}
		if (hs->owes_sync && (info.fetch_old || info.special.kind == SPECIAL_ISB ||
				      info.special.kind == SPECIAL_EXC_RETURN))
			check_completion_late(x, h, &info);
		if (info.wrote_code || cache_accesses(x, h, &info, s))
			visible = true;
		trace_append(x, h, &info, version, write_kind(x, wrote, info.wrote_code, exclusive_before),
			     visible && !wrote && info.naccesses == 0);
		if (x->capture && x->st.ntrace)
			x->trace[x->st.ntrace - 1].delta = record_register_delta(x, h);
		if (x->failure) { /* found while the step ran: its trace ends with that step */
			failure_take_trace(x);
			return false;
		}
		/* A fetch is checked even when the instruction then faulted: a mix of versions
		 * (a torn instruction, say) is the cause, the fault its consequence. */
		if ((s == STEP_OK || (s == STEP_FAULT && info.len)) && visible_fetch) {
			struct frame *f = frame_fetching_site(x, h, info.pc);

			check_cmodx(x, h, info.pc);
			if (f && !x->failure)
				check_site_fetch(x, h, f, info.pc, info.bytes, info.len);
			if (x->failure)
				return false;
		}
		/* ISB, FENCE.I, an exception entry: the fetches after this step are synchronised */
		if (info.special.kind == SPECIAL_ISB ||
		    (info.special.kind == SPECIAL_BREAKPOINT && s == STEP_OK))
			x->st.sync_step[h] = x->st.step;
		if (s == STEP_FAULT || s == STEP_BREAKPOINT) {
			step_failed(x, h, s, &info);
			return false;
		}
		if (hs->call_steps > x->scn->steps_per_call) {
			char where[96], actual[128], expected[64];

			symbolize(x, machine_pc(x->m, h), where, sizeof(where));
			snprintf(expected, sizeof(expected), "return within %u steps",
				 x->scn->steps_per_call);
			snprintf(actual, sizeof(actual), "still running at %s", where);
			check_fail(x, "termination", h, info.pc, expected, actual,
				   "call %s() did not return within %u steps",
				   hs->done ? "of an idle hart's interrupt: the handler"
					    : x->program[h][hs->call].call->func,
				   x->scn->steps_per_call);
			return false;
		}
		if (x->failure)
			return false;
		hs->prev_pc = pc;
		note_exclusive_section(hs, &info);
		if (exec_interrupt_after_step(x, h, &info, s))
			return !x->failure;
		if (visible && !hs->exclusive_steps && !holds_machine_alone(x, h))
			return true;
	}
}
