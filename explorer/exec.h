/*
 * exec.h - explorer internals: the state of one execution, shared by the files of explorer/.
 * Not a public header: other modules use explorer.h.
 *
 * Everything that changes during an execution and must be restored on backtracking lives in
 * struct exec_state, a plain struct copied into each checkpoint next to the machine's snapshot
 * (the parts in use: exec_state_copy). The trace is an append-only array truncated back to the
 * checkpoint's length.
 */
#ifndef PATCHCHECK_EXEC_H
#define PATCHCHECK_EXEC_H

#include "../emu/machine.h"
#include "../models/guest_abi.h"
#include "explorer.h"

#define EX_MAX_SITES 32
#define EX_MAX_SITE_BYTES 16
#define EX_MAX_FORMS 24
#define EX_MAX_DEPTH 8
#define EX_MAX_PROGRAM (SCN_MAX_CALLS * 4)
#define EX_MAX_WATCH 64
#define EX_MAX_TRANSITIONS 1000
#define EX_MAX_CODE_WATCH 8
#define EX_FUNC_SET 1024 /* slots of the set of function start addresses (a power of two) */
#define EX_CODE_SET 1024 /* slots of the set of code words some hart wrote (a power of two) */
#define EX_MAX_EVENT_ACCESSES 24 /* ranges; adjacent accesses of one kind are merged */
#define EX_SPIN_WINDOW 4  /* transitions a spin loop may take per iteration */
#define EX_MAX_WAIT 8     /* shared ranges one spin iteration may read */
/* An exclusive section longer than this is not one (Arm's constrained LL/SC loops are far
 * shorter): its schedule points come back. */
#define EX_MAX_EXCLUSIVE_STEPS 64
/* A hart's instrumentation an interrupt keeps for the interrupted context: its callback and
 * post-handler records and five counters (interrupt.c). */
#define EX_IRQ_SAVED (2 * PC_RECORD_SIZE + 5 * 8)
#define EX_MAX_RESTARTS 8 /* searches begun again as what is shared grew (shared_set_grew) */
#define EX_IRQ_LEVELS 2 /* an interrupt, and a (pseudo-)NMI taken inside its handler */

/* One interrupt a hart is inside (interrupt.c). */
struct irq_level {
	bool nmi;               /* the hart's own interrupt, of interrupt: {nmi: true} */
	unsigned depth;         /* frames open when it was taken */
	uint64_t from, sp;      /* where it was taken; the SP the ERET that ends it restores */
	uint8_t saved[EX_IRQ_SAVED]; /* the interrupted context's instrumentation */
};

/*
 * Not memory: the stop-machine token. A transition that ends with its hart holding the machine
 * while other harts still run (idealised-stop-nonpreempt: they finish their sites first) writes
 * it, and for sleep sets it is dependent with every transition: taking the machine holds the
 * others back. A section where every other hart is parked is one transition and needs none.
 */
#define EX_STOP_TOKEN 0xfffffffffffff000ull

/*
 * Not memory either: the state of the caches under fetch: arch (what each hart's I-cache and
 * the point of unification hold). A DSB that completes cache maintenance writes it; an IC
 * IVAU and a context synchronisation (ISB, FENCE.I, exception entry or return) read it.
 */
#define EX_CACHE_TOKEN 0xffffffffffffe000ull

/*
 * Not memory: what the completion check reads of every other hart (completion.c): whether it
 * still runs, and the oldest version its fetch may take. Hart h writes EX_HART_TOKEN + 8h when
 * it finishes and when it synchronises its fetch (ISB, exception entry or return), if either
 * takes an older version out of its reach, so the search orders that against a patcher's
 * return.
 */
#define EX_HART_TOKEN 0xffffffffffffd000ull

/* The versions of one instruction a schedule can name (schedule_code.c). */
#define EX_MAX_FETCH_ALTERNATIVES 7

/* A range of shared memory one transition touched. */
struct ev_access {
	uint64_t addr;
	uint32_t size;
	bool write;
	bool model; /* added by the model to order the search (a token, the code at a context
		     * synchronisation, a fetch of an older version), not an access that observes
		     * memory: left out of the order coherence judges (dpor_observed_before) */
};

/* What one transition touched: two transitions of different harts are dependent when they
 * touch a common byte and one of them writes it. */
struct event_sig {
	unsigned naccesses;
	bool overflow;   /* more accesses than fit: the last one covers the rest, as a write */
	struct ev_access acc[EX_MAX_EVENT_ACCESSES];
};

/* One transition of the execution, for partial-order reduction (dpor.c). */
struct event {
	uint8_t hart;
	uint16_t index;                 /* 1, 2, ... among the hart's transitions */
	uint16_t clock[SCN_MAX_HARTS];  /* vector clock: happens-before */
	/* 0, or the position + 1 of the transition whose spin made this event a repeated
	 * iteration (spin.c): erased while that transition is part of the execution
	 * (dpor_event_erased), in no other. */
	uint16_t erased_by;
	uint8_t alt;                    /* the version its first fetch took (0: the newest), or
					 * EX_ALT_INTERRUPT: it began with the hart's interrupt */
	struct event_sig sig;
};

/* A point of the search (the state after a prefix of transitions): which harts could run,
 * which must be explored (backtrack), which were, and which need not be (sleep). */
struct dpor_node {
	uint32_t enabled, backtrack, done, sleep;
	uint32_t allowed; /* the harts the preemption bound lets go here (all enabled: no bound) */
	uint8_t nalts[SCN_MAX_HARTS]; /* versions each hart's next fetch may take (fetch: arch);
				       * 0 for a hart that cannot run */
	uint32_t irq;    /* the harts that may take their interrupt here (interrupt.c) */
	bool saved;      /* a checkpoint of this point, on the current path, is in the search's */
	unsigned branched; /* points with more than one choice before this one on the path */
	struct event_sig next[SCN_MAX_HARTS]; /* the transition each done / sleeping hart takes */
};

/* A patch site found in the image, with the words that make it up. */
struct site {
	struct site_layout lay;
	char name[64];
	unsigned size;   /* bytes in [start, body), at most EX_MAX_SITE_BYTES */
	uint64_t func_end; /* end of the function symbol: [body, func_end) is the body */
};

/* One traced call in progress on a hart. */
struct frame {
	int site;
	uint64_t entry_regs[ARCH_MAX_REGS];
	uint64_t lr, sp;
	uint64_t rec_seq;      /* the hart's pc_record seq at entry */
	uint64_t post_seq;     /* the hart's post-handler record seq at entry */
	uint64_t direct_requests, direct_calls; /* the hart's direct-call counters at entry */
	uint64_t redirect_requests; /* the hart's redirect counter at entry */
	uint64_t graph_hooks, graph_returns; /* the hart's return-hook counters at entry */
	unsigned body_count;
	int redirect;          /* index of the scenario redirect taken, or -1 */
	bool called;           /* the pass left the site for a trampoline (the call was taken) */
	bool chain_checked;    /* the first C call of the pass had its frame chain checked */
	uint32_t fetched_mask; /* which bytes of the site were fetched in this pass */
	uint8_t fetched[EX_MAX_SITE_BYTES];
};

struct hart_state {
	bool done;
	unsigned call;          /* index into the hart's flattened program */
	uint64_t call_steps;    /* steps taken in the current call */
	uint64_t steps;         /* steps taken in this execution */
	uint64_t prev_pc;       /* pc of the hart's previous step */
	uint8_t stack_args[SCN_MAX_STACK_ARGS]; /* above SP at the outermost site's start */
	uint64_t call_regs[ARCH_MAX_REGS]; /* registers when the current top-level call began */
	unsigned depth;
	/* Spin loops (spin.c): the hart's state at the end of its recent transitions that only
	 * read; when one recurs, nothing it did changed anything, and it waits for a write. */
	bool blocked;
	unsigned nspin, nwait;
	uint64_t spin_state[EX_SPIN_WINDOW];
	unsigned spin_wait_at[EX_SPIN_WINDOW]; /* nwait after that transition's reads */
	unsigned spin_event[EX_SPIN_WINDOW];   /* that transition's position in the execution */
	struct ev_access wait[EX_MAX_WAIT];    /* read since the window began; blocked: awaited */
	unsigned blocked_after; /* blocked: the position of the read that led into the loop */
	/* Steps since the hart's load-exclusive, in an exclusive section (0: not in one). */
	unsigned exclusive_steps;
	/* Interrupts (interrupt.c): how many this execution took; inside one, where it was taken
	 * and the SP the ERET that ends it restores. */
	unsigned irqs_taken;
	bool ipi_pending;       /* another hart set its pc_ipi_pending word: an IPI waits */
	unsigned ipi_sent_at;   /* ipi_pending: the position of the store that raised it */
	bool in_sync_exception; /* in the guest's handler of its breakpoint: DAIF masks even NMIs */
	uint64_t sync_sp;       /* SP the ERET that ends that handler restores */
	unsigned nirq;          /* interrupts it is inside: 0 none, 2 an NMI inside an IRQ's handler */
	/* completion.c: 1 + the complete: patcher whose return found this hart in an exception
	 * handler (whose return synchronises its fetch) able to fetch an old version; the
	 * patcher's call then. 0: none, or the hart synchronised since. */
	uint8_t owes_sync;
	uint16_t owes_sync_call;
	/* Last, as a copy takes only the first nirq and depth of them (exec_state_copy). */
	struct irq_level irq[EX_IRQ_LEVELS]; /* the outermost first */
	struct frame frames[EX_MAX_DEPTH];
};

/* The latest write of a watched word: who wrote what, and which harts were parked then. */
struct word_write {
	int writer;            /* -1: not written in this execution */
	uint32_t old_word, new_word;
	uint32_t parked_mask;  /* harts kept from running while the write happened */
	uint64_t step;         /* global step of the write */
};

/* The contents each site has had, in order: a pass must see one of them. */
struct site_history {
	unsigned nforms;
	uint32_t pending; /* site bytes stored since the last form (a partly written instruction) */
	uint8_t forms[EX_MAX_FORMS][EX_MAX_SITE_BYTES]; /* last: a copy takes the first nforms */
};

struct exec_state {
	struct site_history history[EX_MAX_SITES];
	uint32_t word_versions[EX_MAX_WATCH]; /* writes seen per watched word */
	struct word_write last_write[EX_MAX_WATCH]; /* the latest write of each watched word */
	int exclusive;          /* hart that runs alone (stop-machine), or -1 */
	bool qs_read;           /* some hart read a pc_qs_count word (quiesce.c) */
	uint64_t sync_step[SCN_MAX_HARTS]; /* step of each hart's last ISB / exception entry */
	uint64_t step;          /* global step counter of this execution */
	size_t ntrace;
	unsigned ntransitions;
	char schedule[EX_MAX_TRANSITIONS + 1];
	uint8_t dalt[EX_MAX_TRANSITIONS]; /* each transition's data choice (memory: arch), 0: none */
	bool pruned;            /* the execution repeats another one (spin.c): not explored on */
	unsigned preemptions;
	uint32_t covered;       /* coverage kinds this execution reached (1 << coverage_kind) */
	uint64_t forms_reached; /* site forms a pass of this execution ran (1 << stats.forms[i]) */
	int last_hart;          /* hart of the previous transition, -1 at start */
	unsigned run_length;    /* transitions in a row of last_hart */
	uint32_t held;          /* harts counted as descheduled in their current wait */
	int16_t last_event[SCN_MAX_HARTS]; /* position of each hart's latest transition, or -1 */
	bool retired;           /* the retire: functions are gone (the complete: patcher is done) */
	struct hart_state harts[SCN_MAX_HARTS]; /* last: checkpoints copy only the harts in use */
};

/* A call of a hart's program, with its reference result. */
struct program_call {
	const struct scn_call *call;
	bool has_reference;
	uint64_t reference; /* result of an uninstrumented run */
	unsigned nalternatives;
	uint64_t alternatives[SCN_MAX_REDIRECTS]; /* results of the call's redirect targets */
};

struct liveness;

struct explorer {
	const struct scenario *scn;
	const struct explore_options *opt;
	const struct arch_model *arch;
	struct image *img;
	struct machine *m;
	unsigned nharts;
	unsigned nsites;
	struct site sites[EX_MAX_SITES];
	uint64_t sites_lo, sites_hi;  /* quick filter: [lowest start, highest body) */
	unsigned nwatch;
	uint64_t watch_addr[EX_MAX_WATCH]; /* 4-byte watched words */
	uint64_t func_starts[EX_FUNC_SET]; /* open addressing, 0 = empty: is pc a function's entry? */
	unsigned ncode_watch;
	uint64_t code_watch[EX_MAX_CODE_WATCH]; /* watched instruction words outside sites */
	uint64_t records_addr;         /* pc_records, 0 if the image has none */
	uint64_t qs_count_addr;        /* pc_qs_count (quiesce.c), 0 if the image has none */
	uint64_t ipi_pending_addr;     /* pc_ipi_pending (interrupt.c), 0 if the image has none */
	uint64_t irq_own_addr;         /* pc_irq_own (interrupt.c), 0 if the image has none */
	uint64_t exception_code, exception_code_end; /* the vectors' own code (interrupt.c), or 0 */
	uint32_t ipi_targets;          /* harts some execution sent an IPI to (interrupt.c) */
	uint64_t exclusive_addr;       /* pc_exclusive, 0 if the image has none */
	bool nonpreempt_stop;          /* protocol idealised-stop-nonpreempt (exec_enabled) */
	uint64_t code_written[EX_CODE_SET]; /* code words (4-byte aligned) a hart may write; 0 empty */
	unsigned code_written_gen;     /* bumped when code_written grows */
	struct liveness *liveness;     /* liveness.c; NULL: the arch has no decode_flow */
	uint64_t end_live[MACHINE_MAX_HARTS]; /* registers read once the hart's program is done,
					* besides the result and the callee-saved ones (litmus) */
	bool shared_set_grew;          /* what the search takes for shared grew: a write hit a code
					* word not yet in code_written, an IPI a hart not yet in
					* ipi_targets, or a hart touched another's private memory
					* (emu/private_mem.c): the search restarts */
	bool fetch_choices;            /* fetch: arch: a fetch may take an older version */
	bool data_choices;             /* data_memory: arch: a load may read an older value, a store
					* become visible after later ones */
	unsigned data_alternatives;    /* of the last transition's data choice (1: none) */
	uint64_t code_lo, code_hi;     /* the hull of code_written: what a context sync reads */
	unsigned nretire;              /* retire: the functions' ranges [lo, hi) */
	uint64_t retire_lo[SCN_MAX_RETIRE], retire_hi[SCN_MAX_RETIRE];
	struct event *events;          /* EX_MAX_TRANSITIONS: the transitions of this execution */
	struct dpor_node *nodes;       /* EX_MAX_TRANSITIONS + 1 while searching, else NULL */
	bool bound_active;             /* a preemption bound limits the search */
	/* Keep the executions spin.c and interrupt.c drop as redundant (a waiting hart's entry
	 * read raced with the write that woke it; a hart ran on past a pending IPI for nothing):
	 * the reference searches and search_all's second pass. */
	bool keep_dropped;
	unsigned long executions_dropped; /* executions dropped so far */
	/* dpor.c: events ended so far (in every execution), and, for each position, the number of
	 * the last event that raced with the one there: what dpor_raced_with_last reads. */
	uint32_t events_ended;
	uint32_t raced_by[EX_MAX_TRANSITIONS];
	struct state_cache *cache;     /* state_cache.c: states explored before, or NULL (off) */
	char schedule_error[256];      /* why exec_run_schedule refused a schedule */
	bool replaying;                /* re-running known transitions: no races to look for */
	uint64_t post_records_addr;    /* pc_post_records (kprobe post-handlers), or 0 */
	uint64_t direct_requests_addr, direct_calls_addr; /* pc_direct_requests/_calls, or 0 */
	uint64_t redirect_requests_addr; /* pc_redirect_requests, or 0 */
	uint64_t graph_hooks_addr, graph_returns_addr; /* pc_graph_hooks/_returns, or 0 */
	uint64_t graph_tramp_addr;     /* pc_graph_return_tramp, or 0 */
	unsigned nprogram[SCN_MAX_HARTS];
	struct program_call program[SCN_MAX_HARTS][EX_MAX_PROGRAM];
	struct machine_snapshot *initial;  /* after setup, first calls begun */
	struct exec_state initial_state;

	struct exec_state st;
	struct trace_step *trace;
	size_t trace_cap;

	bool capture;        /* record register deltas per step (replaying a failure) */
	uint64_t last_regs[SCN_MAX_HARTS][ARCH_MAX_REGS];
	uint64_t run_pcs[MACHINE_RUN_MAX]; /* the instructions of a run (transition.c) */
	char *deltas;        /* capture: delta strings, deltas_len bytes used */
	size_t deltas_len, deltas_cap;
	unsigned bound;      /* preemption bound of the current DFS */
	/* Schedules with this many preemptions or more are not explored (0: no limit): a
	 * failure with that many was found, and only a simpler one could replace it. */
	unsigned prune_at;
	bool stop;           /* a failure was found, or max executions */
	bool pre_step;       /* checks run before the step numbered st.step + 1 */
	bool irq_mark;       /* the next step traced is the first of an interrupt's entry */
	struct failure *failure;
	struct run_stats stats;
	unsigned long max_executions;
	struct litmus_outcomes outcomes; /* final outcomes of the complete executions (outcome.c) */
};

/* call_check.c: the call against its function's prototype from the image's DWARF (before
 * its symbols are resolved); 0, or 2 with "file:line:col: ..." in err. Unchecked without one. */
int call_check_prototype(const struct explorer *x, const struct scn_call *c, char *err,
			 size_t errlen);

/* poison.c: the value register reg holds at the start of a hart's call number `call`, and
 * the poisoning of every register the ABI leaves to the caller (all but pc, sp, the link
 * register, the first nargs argument registers and abi_fixed_mask). */
uint64_t poison_value(const struct arch_model *arch, unsigned hart, unsigned call, unsigned reg);
void poison_registers(struct explorer *x, unsigned hart, unsigned call, unsigned nargs);

/* coverage.c: note a kind this execution reached; note a hart held inside a site while h
 * runs; note the form of its site that the pass of frame f executed, when the pass ends (at
 * the body or a redirect target); add the execution's kinds and forms to the counts; after a
 * search, the `vacuous` failure when a passing search never reached a kind the scenario
 * covers. */
void coverage_note(struct explorer *x, enum coverage_kind kind);
void coverage_note_parked(struct explorer *x, unsigned h);
void coverage_note_form(struct explorer *x, const struct frame *f);
void coverage_count_execution(struct explorer *x);
void check_vacuous(struct explorer *x);

/* outcome.c: at the end of a complete execution, count its final outcome (the values of the
 * scenario's observables); after a complete search, the `litmus-outcome` failure when the
 * exists: condition's verdict is not the scenario's outcome:. */
void litmus_note_outcome(struct explorer *x);
void litmus_check_outcome(struct explorer *x);

/* dpor.c: the transition in progress (position st.ntransitions - 1) is an event; its accesses
 * are added as its steps run, and its end finds its races with earlier events. */
void dpor_event_begin(struct explorer *x, unsigned h);
void dpor_event_access(struct explorer *x, uint64_t addr, unsigned size, bool write);
void dpor_event_end(struct explorer *x);
/* Does event e count in the partial order of the current execution? */
static inline bool dpor_event_erased(const struct explorer *x, const struct event *e)
{
	return e->erased_by && e->erased_by <= x->st.ntransitions;
}
bool dpor_dependent(const struct event_sig *a, const struct event_sig *b);
/* splitmix64's finaliser: a 64-bit mix of one value (the explorer's hashes). */
static inline uint64_t hash_mix(uint64_t v)
{
	v ^= v >> 30;
	v *= 0xbf58476d1ce4e5b9ull;
	v ^= v >> 27;
	v *= 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}
/* May the search drop a redundant execution now (spin.c, interrupt.c)? Not without the
 * search's nodes, when a known schedule runs, under a preemption bound (the reversal that
 * replaces it may lie past it), or when they are kept. */
static inline bool dpor_may_drop(const struct explorer *x)
{
	return x->nodes && !x->replaying && !x->bound_active && !x->keep_dropped;
}
/* Did the event just ended race with the one at pos (conflict with it, with no chain of
 * happens-before between them through other events)? */
bool dpor_raced_with_last(const struct explorer *x, unsigned pos);
/* What the event at pos reaches on the path so far through program order and conflicting
 * accesses (as dpor_observed_before follows them), as a hash of the harts and the accesses of
 * the events it reaches: what decides, for any continuation, which later events observe it. */
uint64_t dpor_reach_key(const struct explorer *x, unsigned pos);

/* state_cache.c: at a point with more than one choice, true when its state was explored
 * before and this visit may be skipped (its summary then joins the enclosing points'); else
 * the point is open until state_cache_leave. The transition just taken from the point at
 * pos (state_cache_event), and a backtrack point dpor.c placed at `to` for a race at `from`
 * (state_cache_escape), feed the summaries of the open points. disable: after a failure;
 * reset: when the search restarts. */
void state_cache_open(struct explorer *x);
void state_cache_close(struct explorer *x);
bool state_cache_visit(struct explorer *x, unsigned depth);
void state_cache_leave(struct explorer *x, unsigned depth);
void state_cache_event(struct explorer *x, unsigned pos);
void state_cache_branch(struct explorer *x); /* a second choice of a point runs */
void state_cache_escape(struct explorer *x, unsigned to, unsigned from, unsigned q, bool irq);
/* A failure was found: no point open on the path is kept (its future holds the failure). */
void state_cache_failed(struct explorer *x);
void state_cache_reset(struct explorer *x);
/* For sleep sets: dependent, or one of them takes the machine (which parks the other hart). */
bool dpor_sleep_dependent(const struct event_sig *a, const struct event_sig *b);
/* into |= what b touched (the transitions of one hart's several fetch alternatives). */
void dpor_sig_union(struct event_sig *into, const struct event_sig *b);
uint64_t dpor_trace_hash(const struct explorer *x);
/* The final state of the execution: every hart's registers (but those the tool does not read
 * at its end, liveness.c) and the contents of the shared memory its transitions wrote. */
uint64_t dpor_final_state_hash(const struct explorer *x);
/* As dpor_event_access, for an access the model adds (ev_access.model). */
void dpor_event_model_access(struct explorer *x, uint64_t addr, unsigned size, bool write);
/* Has hart h, before its current transition, observed the transition at position pos: is it
 * h's own, or does a chain of program order and conflicting accesses that observe memory
 * (not ev_access.model) lead from it to one of h's earlier transitions? */
bool dpor_observed_before(const struct explorer *x, unsigned pos, unsigned h);

/* spin.c: after hart h's transition: detect a spin loop (the hart blocks), and wake the harts
 * waiting on what it wrote. A deadlock: every unfinished hart blocked or parked. */
void spin_after_transition(struct explorer *x, unsigned h);

/* interrupt.c: may hart h take its interrupt now; the harts that may, as a mask; take it (the
 * transition's start; false when the entry failed, a failure recorded); after each step, end
 * the interrupt at its exception return (true then: the transition ends there, so another
 * interrupt or hart may come next). */
#define EX_ALT_INTERRUPT 0xffu /* the alternative of a transition that begins with one */
bool exec_interrupt_possible(const struct explorer *x, unsigned h);
uint32_t exec_interrupt_harts(struct explorer *x);
bool exec_take_interrupt(struct explorer *x, unsigned h);
void exec_note_ipi(struct explorer *x, const struct mem_access *a);
bool exec_interrupt_after_step(struct explorer *x, unsigned h, const struct step_info *info,
			       enum step_status s);
/* Hart h's transition just ended (dpor_event_end ran) without taking the IPI that was pending
 * when it began: drops the execution when the transition could as well have come before the
 * IPI's store (interrupt.c). */
void exec_ipi_passed(struct explorer *x, unsigned h);

/* quiesce.c: find the guest's pc_qs_count and set it up (prepare); hart h passed a schedule
 * point (a top-level call finished; idle once it is done). */
void exec_quiesce_init(struct explorer *x);
void exec_schedule_point(struct explorer *x, unsigned h);
void exec_note_quiesce_read(struct explorer *x, const struct mem_access *a);
void check_deadlock(struct explorer *x);

/* search.c: run the transitions a schedule names from the initial state; 0, or 2 with
 * x->schedule_error set when it does not fit the scenario. */
int exec_run_schedule(struct explorer *x, const char *schedule);

/* minimise.c: replace x->failure by the simplest schedule of its trace that fails the same. */
void minimise_failure(struct explorer *x);

/* litmus_source.c: the scenario's asm: harts and memory: words as generated assembly files
 * (paths into paths[], at most SCN_MAX_HARTS + 1), appended to src[*n]. 0, or 3 with err set
 * when they cannot be written. */
struct toolchain_source;
int litmus_sources(const struct scenario *scn, const struct arch_model *arch,
		   char (*paths)[4096], struct toolchain_source *src, size_t *n, char *err,
		   size_t errlen);

/* prepare.c */
const struct arch_model *image_arch(const struct arch_model *arch, const struct image *img);
int image_find_sites(const struct arch_model *arch, const struct image *img, struct machine *m,
		     struct site_layout *lays, size_t max, size_t *n, char *err, size_t errlen);
/* 0; 2 with err when the scenario is at fault (a symbol, an image, its code); 3 with err when
 * the machine is (a build of the scenario's sources that could not run: no cache directory,
 * a full disk, no compiler). */
int explorer_prepare(struct explorer *x, const struct scenario *scn, const struct explore_options *opt,
		     char *err, size_t errlen);
void explorer_release(struct explorer *x);
void exec_reset(struct explorer *x);
/* Copy the parts of src the explorer's scenario uses into dst (exec_state.c). */
void exec_state_copy(struct exec_state *dst, const struct exec_state *src,
		     const struct explorer *x);
void exec_begin_call(struct explorer *x, unsigned h);

/* transition.c: run hart h until it performs one visible operation, finishes, or fails; its
 * first step fetches the alternative-th newest version its fetch may take (0: the newest), and
 * a later step that would have a choice of versions ends the transition before it. Returns
 * false when the execution failed (x->failure set). */
bool exec_transition(struct explorer *x, unsigned h, unsigned alternative);
/* How many versions hart h's next fetch may take (1 unless fetch: arch leaves a choice). */
unsigned exec_fetch_alternatives(struct explorer *x, unsigned h);

/*
 * An alternative names the version of the transition's first fetch (or EX_ALT_INTERRUPT) in
 * its low byte and, under memory: arch, the choice of its data access above (datamem.c): the
 * value a load reads or the place a store takes, 0 for the one sequential consistency gives.
 */
#define EX_ALT_DATA_SHIFT 8
#define EX_MAX_DATA_ALTERNATIVES 36
static inline unsigned alt_fetch(unsigned alternative)
{
	return alternative & 0xffu;
}
static inline unsigned alt_data(unsigned alternative)
{
	return alternative >> EX_ALT_DATA_SHIFT;
}

/* schedule_code.c: the schedule character of a transition (its fetch alternative), and back;
 * the schedule of the current execution as text (a data choice d > 0 follows its transition's
 * character as '.' and one of "123456789a..z"), and the next transition of such a text. */
char schedule_code(unsigned hart, unsigned alternative);
bool schedule_decode(char c, unsigned *hart, unsigned *alternative);
void schedule_render(const struct explorer *x, unsigned from, unsigned to, char *out, size_t cap);
bool schedule_next(const char **text, unsigned *hart, unsigned *alternative);
bool exec_all_done(const struct explorer *x);
/* May hart h be scheduled now? (not finished, and not parked by another hart's stop-machine) */
bool exec_enabled(const struct explorer *x, unsigned h);
/* Hart h is inside a patch site: past its first instruction, before the body. */
bool exec_inside_site(const struct explorer *x, unsigned h);
/* The traced calls whose frames the hart's current code is inside: every one, or inside an
 * interrupt only those its handler opened (the interrupted passes go on after its ERET). */
static inline unsigned hart_live_depth(const struct hart_state *hs)
{
	return hs->nirq ? hs->depth - hs->irq[hs->nirq - 1].depth : hs->depth;
}

/* The hart runs the handler of its (pseudo-)NMI. */
static inline bool exec_in_nmi(const struct hart_state *hs)
{
	return hs->nirq && hs->irq[hs->nirq - 1].nmi;
}

/* code_index.c: the index of x->sites containing pc (start .. body), or -1; the set of
 * function entries (built once by index_function_starts) and a cheap per-step lookup in it. */
int site_at(const struct explorer *x, uint64_t pc);
void index_function_starts(struct explorer *x);
bool is_function_start(const struct explorer *x, uint64_t addr);
/* The code words a hart may write: their fetches are shared reads. Adding a word not yet in
 * the set marks shared_set_grew (the search restarts: earlier executions ran its fetches as
 * local steps). */
void code_written_add(struct explorer *x, uint64_t addr, unsigned size);
bool code_written_holds(const struct explorer *x, uint64_t pc);

/* liveness.c: the registers of hart h no future of the state reads (bit r: register-file
 * index r; the flags register's flags only), and a register file with them zeroed. */
void liveness_open(struct explorer *x);
void liveness_close(struct explorer *x);
uint64_t liveness_dead_regs(struct explorer *x, unsigned h);
void liveness_mask_regs(const struct explorer *x, uint64_t dead, uint64_t *regs);
/* Of a hart back from its last call, the registers the tool does not read (the same with or
 * without the analysis): what the final state of an execution leaves out. */
uint64_t liveness_dead_at_end(const struct explorer *x, unsigned h);
/* Each dead register of hart h gets a value of its own, made from the position on the path
 * (explore_options.poison_dead). */
void liveness_poison(struct explorer *x, unsigned h);

/* checks.c */
void check_fail(struct explorer *x, const char *invariant, unsigned hart, uint64_t pc,
		const char *expected, const char *actual, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Copy the execution's trace so far into the failure (again, if it grew). */
void failure_take_trace(struct explorer *x);
void failure_take_registers(struct explorer *x, unsigned failing);
/* transition.c: capture mode only: the registers the step of hart h changed, as an offset into
 * x->deltas (0 when none changed). */
uint32_t record_register_delta(struct explorer *x, unsigned h);
void check_site_fetch(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
		      const uint8_t *bytes, unsigned len);
/* The newest of a site's forms (hist) that agrees with every byte the pass of f fetched from
 * its size bytes, or -1 when none does. */
int site_form_of_pass(const struct site_history *hist, const struct frame *f, unsigned size);
void check_body_entry(struct explorer *x, unsigned h, struct frame *f);
/* frame_chain.c: at the entry of callee, called during the pass of frame f, the frame records
 * from the arch's frame register must lead back to the caller of the traced function. */
void check_frame_chain(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
		       const char *callee);
void check_call_alignment(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
			  uint64_t prev_pc);
void check_frame_return(struct explorer *x, unsigned h, struct frame *f);
/* The hart's direct-call counters (requests made by callbacks, runs of direct trampolines). */
void read_direct_counters(struct explorer *x, unsigned h, uint64_t *requests, uint64_t *calls);
/* A per-hart guest counter (an array of guest words at addr); 0 when addr is 0. */
uint64_t read_hart_counter(struct explorer *x, uint64_t addr, unsigned h);
void check_call_result(struct explorer *x, unsigned h, uint64_t result);
/* The code written so far (the hull code_lo..code_hi) as one access of the current event: what
 * a context synchronisation or a completion check reads, a remote fence.i writes. */
void exec_code_access(struct explorer *x, bool write);
/* Hart h's end or fetch synchronisation, as the completion check sees it (EX_HART_TOKEN). */
void exec_hart_view_changed(struct explorer *x, unsigned h);
/* Hart h, a complete: patcher, returned from a call: no other unfinished hart may fetch an old
 * version of a written code word; after its last call the retire: functions are retired. */
void check_completion(struct explorer *x, unsigned h);
/* Hart h's step fetched an old version (info->fetch_old) or synchronised its fetch: fails
 * completion when a complete: patcher returned while h, in an exception handler, still owed
 * that synchronisation (check_completion defers such a hart to here). */
void check_completion_late(struct explorer *x, unsigned h, const struct step_info *info);
/* Hart h is about to execute at pc: not inside a retired function. false when it failed. */
bool check_not_retired(struct explorer *x, unsigned h, uint64_t pc);
/* A step from prev_pc to pc that enters or leaves a retire: function is a visible operation (it
 * reads the function, which retiring writes): true, with the access recorded. */
bool retire_crossing(struct explorer *x, uint64_t pc, uint64_t prev_pc);
/* pc lies in a function the scenario retires (retire:), retired yet or not. */
bool in_retire_function(const struct explorer *x, uint64_t pc);
void check_call_return_state(struct explorer *x, unsigned h);
void check_literal_read(struct explorer *x, unsigned h, uint64_t pc, const struct mem_access *a);
bool invariant_ignored(const struct explorer *x, const char *invariant);
void record_watched_write(struct explorer *x, unsigned h, const struct mem_access *a);
void check_cmodx(struct explorer *x, unsigned h, uint64_t pc);
bool check_redirect_entry(struct explorer *x, unsigned h, struct frame *f, uint64_t pc);
int watch_index(const struct explorer *x, uint64_t addr);
const char *symbolize(const struct explorer *x, uint64_t addr, char *buf, size_t len);

#endif
