/*
 * explorer.h - explorer/: scenarios, executions, schedules, search, invariant checks, replay.
 *
 * A scenario (loaded from YAML) names an arch, a guest image, setup calls, and per hart a program
 * of guest calls. The explorer runs the harts on a machine under every schedule within the bounds
 * and checks the invariants at every step. Knows nothing of SQLite or output formats.
 */
#ifndef PATCHCHECK_EXPLORER_H
#define PATCHCHECK_EXPLORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_ARGS 12
#define SCN_MAX_CALLS 16
#define SCN_MAX_HARTS 8
#define SCN_MAX_IRQ_HARTS 6 /* harts that may take interrupts: a schedule names each with one
			     * character (explorer/schedule_code.c) */
#define SCN_MAX_IRQS 8      /* interrupt.max */
#define SCN_MAX_SETUP 16
#define SCN_MAX_WATCH 8
#define SCN_MAX_RETIRE 4
#define SCN_MAX_REDIRECTS 8
#define SCN_MAX_IGNORE 8
#define SCN_MAX_OPS 8
#define SCN_MAX_STACK_ARGS 256
#define SCN_MAX_SOURCES 16
#define SCN_MAX_ASM 2048        /* bytes of one hart's inline asm: */
#define SCN_MAX_INIT_REGS 16    /* initial registers of one hart: regs: */
#define SCN_MAX_LOCATIONS 8     /* named memory words: memory: */
#define SCN_MAX_OBSERVE 16      /* values an outcome records: exists: and observe: */
#define SCN_MAX_COND_NODES 64   /* atoms and operators of an exists: condition */
#define LITMUS_MAX_OUTCOMES 64  /* distinct final outcomes a result lists */
/* Budgets past these are typing mistakes, not plans: an error, never a run without end. */
#define SCN_MAX_REPEAT 1000
#define SCN_MAX_PREEMPTIONS 32
#define SCN_MAX_STEPS_PER_CALL 10000000ul
#define SCN_MAX_EXECUTIONS 1000000000ul   /* bounds.max_executions, --max-executions */
#define SCN_MAX_RANDOM_WALKS 1000000ul    /* --random */

/* ---- whole numbers, as scenario files and the command line write them ---- */

enum whole_number_status {
	WHOLE_NUMBER_OK = 0,
	WHOLE_NUMBER_MALFORMED,    /* not decimal or 0x hex: "1e3", "2.9", "10k", "-1", "" */
	WHOLE_NUMBER_LEADING_ZERO, /* "010": octal to C and YAML 1.1, decimal to a reader */
	WHOLE_NUMBER_TOO_LARGE,    /* past 2^64 - 1 */
};

/* text[0..len) as plain decimal or 0x hex, the whole of it (whole_number.c). */
enum whole_number_status whole_number_parse(const char *text, size_t len, uint64_t *value);
/* A NUL-terminated text that is a whole number from min to max. */
bool whole_number_in_range(const char *text, uint64_t min, uint64_t max, uint64_t *value);

/* ---- scenarios ---- */

/* Where a value came from in its file, for messages "file:line:col: ...". */
struct src_pos {
	unsigned line, col;
};

struct scn_arg {
	bool is_symbol;
	bool negative;  /* an integer literal written with '-' (value holds its two's complement) */
	char symbol[64];
	uint64_t value; /* integer literal, or symbol address once resolved */
};

struct scn_call {
	char func[64];
	uint64_t func_addr; /* resolved */
	unsigned nargs;
	struct scn_arg args[SCN_MAX_ARGS];
	bool has_expect;    /* "f(...) == N": the call must return N */
	int64_t expect;
	struct src_pos pos;
};

/* ROLE_LITMUS: a hart whose code is given inline (asm:); its routine's result is not checked
 * and its registers are its own (no callee-saved rule): the final state is what it is about. */
enum hart_role { ROLE_RUNNER = 0, ROLE_PATCHER, ROLE_LITMUS };

/* A register a litmus hart starts its routine with: a whole number, or a symbol's address. */
struct scn_init_reg {
	int reg;          /* index in the arch's register file */
	bool is_symbol;
	char symbol[64];
	uint64_t value;   /* the number, or the symbol's address once resolved */
	struct src_pos pos;
};

struct scn_hart {
	enum hart_role role;
	unsigned ncalls;
	struct scn_call calls[SCN_MAX_CALLS];
	unsigned repeat; /* the call list runs this many times (>= 1) */
	struct src_pos pos;
	/* ROLE_LITMUS: the body of routine litmus_hart<N> (its one call), as written, and where
	 * its first line starts in the file (assembler messages point there). */
	char asm_text[SCN_MAX_ASM];
	struct src_pos pos_asm;
	unsigned ninit;
	struct scn_init_reg init[SCN_MAX_INIT_REGS];
	/* complete: (patchers) each call, when it returns, has finished its patch: no other
	 * hart may still fetch an old version of a written code word (invariant completion) */
	bool complete;
	/* interrupt: the hart may take an interrupt before any of its transitions where its mask
	 * (DAIF.I, sstatus.SIE, CPSR.I) is clear, or where it is not already in one (irq_nmi: a
	 * non-maskable or pseudo-NMI), at most irq_max times per execution; the guest's vector
	 * runs irq_handler. */
	bool irq;
	bool irq_nmi;
	unsigned irq_max;
	char irq_handler[64];
	uint64_t irq_handler_addr; /* resolved against the image */
	struct src_pos pos_irq;
};

/* A named memory word of a litmus scenario (memory:), defined in shared data. */
struct scn_location {
	char name[64];
	unsigned size;    /* 1, 2, 4 or 8 bytes */
	uint64_t value;   /* initial value */
	uint64_t addr;    /* resolved */
	struct src_pos pos;
};

/* A value of the final state: a register of a hart, or a memory location. */
struct scn_observable {
	int hart;         /* -1: the memory location `index` */
	unsigned index;   /* register index in the arch's file, or location index */
};

/* A node of an exists: condition; atoms compare an observable with a value. */
enum cond_kind { COND_ATOM, COND_NOT, COND_AND, COND_OR, COND_TRUE, COND_FALSE };

struct cond_node {
	uint8_t kind;       /* enum cond_kind */
	uint8_t a, b;       /* operands (node indices): NOT uses a, AND and OR a and b */
	uint8_t observable; /* COND_ATOM: index into litmus.observe */
	uint64_t value;     /* COND_ATOM: the value (two's complement for a negative one) */
};

enum litmus_verdict { LITMUS_NEVER = 0, LITMUS_SOMETIMES, LITMUS_ALWAYS, LITMUS_NO_VERDICT };

/* The litmus part of a scenario: named memory, the values an outcome records, the final
 * condition and the verdict it is expected to have. */
struct litmus_spec {
	unsigned nlocations;
	struct scn_location locations[SCN_MAX_LOCATIONS];
	unsigned nobserve;  /* the condition's observables first, then observe:'s */
	struct scn_observable observe[SCN_MAX_OBSERVE];
	bool has_exists;
	char exists[256];   /* as written */
	unsigned ncond, cond_root;
	struct cond_node cond[SCN_MAX_COND_NODES];
	enum litmus_verdict expect;  /* outcome:, LITMUS_NO_VERDICT when absent */
	struct src_pos pos_exists, pos_outcome;
};

/* Calls of `from` may run `to` instead: a callback (livepatch, a kprobe pre-handler) changes
 * the saved pc. `to` then gets the entry checks of a body, and its result is acceptable. */
struct scn_redirect {
	char from[64], to[64];
	uint64_t from_addr, to_addr; /* resolved */
	struct src_pos pos;
};

/* INCONCLUSIVE: no failure found, but the search stopped before it covered the scenario's
 * declared space (an execution limit, or random walks, which sample it). */
enum verdict { VERDICT_PASS = 0, VERDICT_FAIL, VERDICT_ERROR, VERDICT_INCONCLUSIVE };

struct scenario {
	char path[512];
	char name[128];
	char description[1024];
	char arch[16];
	char image[64];          /* bundled image name, e.g. "ftrace" */
	/* The scenario's own code (paths resolved against the file's directory): sources built
	 * into the image (with its flags; traced ones with its patchable-entry flags), or a
	 * prebuilt ELF used in place of the image. */
	unsigned nsources;
	char sources[SCN_MAX_SOURCES][512];
	bool source_traced[SCN_MAX_SOURCES];
	struct src_pos pos_sources[SCN_MAX_SOURCES];
	char elf[512];
	struct src_pos pos_elf;
	/* Files of a Linux tree (paths inside the tree given with --kernel-tree) assembled
	 * unmodified into the image, with the kernel's flags and patchcheck's compatibility layer. */
	unsigned nkernel_sources;
	char kernel_sources[SCN_MAX_SOURCES][256];
	struct src_pos pos_kernel_sources[SCN_MAX_SOURCES];
	unsigned nsetup;
	struct scn_call setup[SCN_MAX_SETUP]; /* run in order on hart 0 before exploration */
	unsigned nharts;
	struct scn_hart harts[SCN_MAX_HARTS];
	unsigned nwatch;
	char watch[SCN_MAX_WATCH][64]; /* extra data symbols whose accesses are schedule points */
	struct src_pos pos_watch[SCN_MAX_WATCH];
	/* retire: functions retired (freed) once the complete: patcher has returned from its
	 * last call: a hart that executes in one afterwards fails completion */
	unsigned nretire;
	char retire[SCN_MAX_RETIRE][64];
	struct src_pos pos_retire[SCN_MAX_RETIRE];
	unsigned nredirects;
	struct scn_redirect redirects[SCN_MAX_REDIRECTS];
	char skip[256];          /* non-empty: not explored, reported as skipped with this reason */
	char callback_sees[16];  /* "ftrace" (pc = body) | "kprobe" (pc = func+0, as a breakpoint) */
	bool callback_must_run;  /* every pass that calls out of the site records a pc_record */
	unsigned nignore;
	char ignore[SCN_MAX_IGNORE][48]; /* invariants not checked */
	uint32_t covers;         /* coverage kinds (1 << enum coverage_kind) a pass must reach */
	unsigned stack_args;     /* bytes above SP at the site that the body must find unchanged */
	unsigned nops;
	char ops[SCN_MAX_OPS][64];  /* the values a site's ops literal may hold (symbols) */
	uint64_t ops_addr[SCN_MAX_OPS];
	struct src_pos pos_ops[SCN_MAX_OPS];
	char protocol[32];
	char fetch[16];          /* "coherent" | "relaxed" | "arch" */
	char data_memory[8];     /* "sc" (sequentially consistent) | "arch" (datamem.c) */
	bool cache_idc, cache_dic; /* cache_type: [idc, dic] (arm64 CTR_EL0), under fetch: arch */
	bool preemptions_bounded; /* bounds.preemptions given: the search stops at that bound */
	unsigned preemptions;    /* the bound, when preemptions_bounded */
	unsigned steps_per_call; /* termination budget; default 20000 */
	unsigned long max_executions; /* 0: unbounded */
	enum verdict expect;
	char expect_invariant[48]; /* when expect == VERDICT_FAIL */
	struct src_pos pos_image, pos_expect;
	struct litmus_spec litmus;
};

/* Does the scenario have litmus code or data to build (asm: harts, memory:)? */
bool scenario_has_litmus_code(const struct scenario *scn);

/*
 * Load and validate a scenario file. Returns 0, or 2 on bad input with a one-line message
 * "file:line:col: what is wrong" in err. Symbols are resolved later (explorer_prepare).
 */
int scenario_load(const char *path, struct scenario *out, char *err, size_t errlen);

/* Names of the invariants the checks can report; NULL-terminated. */
extern const char *const invariant_names[];
bool invariant_known(const char *name);

/*
 * What an execution may reach, counted per scenario (run_stats.covered: executions that
 * reached it) and demanded by a scenario's `covers:` (a pass with none fails as `vacuous`):
 *   call            a pass through a site left it for a trampoline
 *   callback        a callback wrote a record during a traced call
 *   redirect        a traced call ran a redirect target instead of its body
 *   direct          a direct trampoline ran during a traced call
 *   parked-in-site  a hart stood between a site's first and last instruction while another
 *                   hart ran (preempted, interrupted or parked by stop_machine there)
 */
enum coverage_kind {
	COVER_CALL,
	COVER_CALLBACK,
	COVER_REDIRECT,
	COVER_DIRECT,
	COVER_PARKED_IN_SITE,
	COVER_INTERRUPT,         /* a hart took an interrupt */
	COVER_INTERRUPT_IN_SITE, /* ... while inside a patch site */
	COVER_KINDS
};
/* The name a scenario's covers: and the reports use for kind k. */
static inline const char *coverage_name(unsigned k)
{
	static const char *const names[COVER_KINDS] = {
		"call", "callback", "redirect", "direct", "parked-in-site", "interrupt",
		"interrupt-in-site",
	};

	return k < COVER_KINDS ? names[k] : "?";
}
/* The kind named name, or -1. */
int coverage_kind_find(const char *name);

/* ---- results ---- */

struct arch_model;

/* What a step's write of a watched word was. */
enum trace_write_kind {
	TRACE_WRITE_NONE = 0,
	TRACE_WRITE_CODE,               /* to the text: a patched word */
	TRACE_WRITE_DATA,               /* to watched data (a literal, a shared word) */
	TRACE_WRITE_STOP_MACHINE_ENTER, /* took the machine (stop_machine): the others park */
	TRACE_WRITE_STOP_MACHINE_EXIT,  /* released it */
};

struct trace_step {
	uint32_t step;     /* global step number in the execution */
	uint8_t hart;
	uint8_t len;
	uint8_t bytes[4];
	uint64_t pc;
	uint32_t version;  /* for a fetch of a patched word: how many writes it had seen; else 0 */
	uint8_t patch_write; /* this step wrote a watched word */
	uint8_t watched_fetch; /* this step fetched a watched word */
	uint8_t write_kind;  /* what that write was: enum trace_write_kind */
	uint8_t interrupt;   /* the hart took an interrupt before this step (its vector's first) */
	uint32_t delta;    /* registers the step changed: offset into failure.deltas, 0 = none */
};

#define FAILURE_MAX_REGS 40

/* Registers of one hart when the check failed. */
struct failure_regs {
	unsigned hart;
	bool has_expected;  /* expected = the values at the traced site's start (failing hart) */
	uint64_t actual[FAILURE_MAX_REGS];
	uint64_t expected[FAILURE_MAX_REGS];
};

struct failure {
	char invariant[48];
	unsigned hart;
	uint64_t step;        /* global step at which the check failed */
	uint64_t pc;
	char expected[160];
	char actual[160];
	char message[512];    /* one line naming invariant, hart, step, expected, actual */
	char schedule[3 * 1000 + 1]; /* replayable schedule: up to 3 characters a transition */
	unsigned preemptions; /* preemptions in that schedule */
	struct trace_step *trace; /* per-step trace of the failing execution (malloc'd) */
	size_t ntrace;
	char *deltas;             /* "x0=0x3 x9=0x100350" strings, at trace[i].delta (malloc'd) */
	size_t deltas_len;
	unsigned nregs;           /* register file of the arch, names in reg_names */
	const char *const *reg_names;
	unsigned nharts;
	struct failure_regs *regs; /* one per hart (malloc'd), nharts entries */
};

/*
 * A form of a site that a pass executed, and in how many executions some pass did. The form
 * is named by the site's function and its instructions as encoded, in order (as in
 * site-consistency messages): "traced_add3:d503201f.94000010". At most RUN_MAX_SITE_FORMS
 * forms are counted per scenario; later ones are left out.
 */
#define RUN_MAX_SITE_FORMS 64
#define SITE_FORM_NAME_MAX 112

struct site_form_count {
	char form[SITE_FORM_NAME_MAX];
	unsigned long executions;
};

struct run_stats {
	unsigned long executions;      /* complete executions explored */
	unsigned long distinct_traces; /* Mazurkiewicz traces among them (1 per execution is optimal) */
	unsigned long sleep_blocked;   /* executions abandoned: every runnable hart asleep (redundant) */
	unsigned long dropped;         /* executions abandoned by a rule: a waiting hart woken by a
					* racing write, a run past a pending IPI (spin.c,
					* interrupt.c), a stale read that only delayed a spin; and
					* a step past what the data model holds (truncated) */
	bool complete;                 /* every execution was covered: no bound, limit or sample */
	unsigned long schedule_points; /* decision points with more than one choice */
	unsigned long states_merged;   /* points not explored again: their state was (state_cache.c) */
	unsigned long state_races;     /* races of such a point's path with its explored future */
	unsigned long functions_analysed; /* functions whose register liveness this run analysed */
	unsigned long functions_recalled; /* and took from an earlier run's analysis instead */
	unsigned long long steps;      /* instructions stepped, all executions */
	unsigned long long run_steps;  /* of them, run in runs of plain instructions */
	unsigned long walks;           /* random walks run (--random, --then-random), a failing one
					* too */
	unsigned long covered[COVER_KINDS]; /* executions that reached each coverage kind */
	uint32_t covered_cut;          /* kinds reached on the way to a point cut as seen before */
	unsigned nforms;               /* site forms passes executed, in the order first seen */
	struct site_form_count forms[RUN_MAX_SITE_FORMS];
	unsigned bound_reached;        /* preemption bound explored up to */
	bool truncated;                /* max_executions hit */
	double seconds;
	/* Instructions each hart ran in the first complete execution: how many interleavings a
	 * naive instruction-by-instruction enumeration would face (bench/). */
	unsigned nharts;
	unsigned long long first_execution_steps[SCN_MAX_HARTS];
};

/* The final outcomes of a search's complete executions: the values of the scenario's
 * observables (litmus.observe) at the end of each, with how many executions ended so and
 * whether the exists: condition holds there. */
struct litmus_outcome {
	uint64_t values[SCN_MAX_OBSERVE];
	unsigned long executions;
	bool holds;
};

struct litmus_outcomes {
	unsigned n;
	unsigned long executions;  /* complete executions recorded */
	unsigned long holding;     /* of which the condition held */
	unsigned long unlisted;    /* executions whose outcome did not fit in the list */
	struct litmus_outcome o[LITMUS_MAX_OUTCOMES];
};

/* Never, Sometimes or Always from the counts; LITMUS_NO_VERDICT without executions. */
enum litmus_verdict litmus_verdict_of(const struct litmus_outcomes *o);
/* "never", "sometimes", "always" (scenario files), "none". */
const char *litmus_verdict_name(enum litmus_verdict v);
/* "0:x0=1 1:x2=0 x=1": the outcome's values, named as a condition names them. */
void litmus_outcome_text(const struct scenario *scn, const struct litmus_outcome *o, char *buf,
			 size_t size);

/* text[0..len) as a value of width bytes: a whole number (whole_number_parse), optionally
 * negative (two's complement at the width); TOO_LARGE when it does not fit the width. */
enum whole_number_status litmus_value_parse(const char *text, size_t len, unsigned width,
					    uint64_t *value);

/*
 * Parse an exists: condition over the scenario's harts, its arch's registers and its memory
 * locations (scn->litmus.locations), adding its observables to scn->litmus.observe and its
 * nodes to scn->litmus.cond. false with the reason in why and the offset in text where it
 * went wrong in *at.
 */
bool litmus_cond_parse(struct scenario *scn, const char *text, size_t *at, char *why,
		       size_t whylen);
/* Parse one observable of observe: ("H:reg" or "loc"), adding it to scn->litmus.observe. */
bool litmus_observable_parse(struct scenario *scn, const char *text, size_t *at, char *why,
			     size_t whylen);
/* Does the parsed condition hold for these values of the observables? */
bool litmus_cond_holds(const struct litmus_spec *l, const uint64_t *values);

struct scenario_result {
	enum verdict verdict;
	struct run_stats stats;
	struct litmus_outcomes outcomes; /* scenarios with observables; else n = 0 */
	struct failure *failure;  /* first failure found (fewest preemptions), or NULL */
	char error[512];          /* VERDICT_ERROR: why (bad symbol, missing image...) */
	bool environment;         /* VERDICT_ERROR from the machine, not the scenario (exit 3) */
	char image_hash[17];
	/* The arch model that decoded the image (arm: the A32 or the T32 one, see
	 * arch_model_for_image): disassemble the failure's trace with it. NULL on early errors. */
	const struct arch_model *arch;
};

struct explore_options {
	const char *guest_dir; /* where bundled images live (default: build's guest dir) */
	const char *kernel_tree; /* a Linux source tree, for scenarios with kernel_sources */
	unsigned long max_executions; /* overrides the scenario when non-zero */
	/* Random walks instead of the exhaustive search: this many executions, each choosing the
	 * next hart with a PRNG seeded by random_seed (same seed, same walks), within the
	 * preemption bound. 0: exhaustive. */
	unsigned long random_walks;
	unsigned long long random_seed;
	/* When the exhaustive search stops at its execution limit without a failure: this many
	 * random walks (seeded by random_seed) look for one in the branches its depth-first order
	 * had not reached. A failure found is the verdict; none leaves the search truncated. */
	unsigned long walks_after_limit;
	void (*progress)(void *ud, const struct run_stats *stats);
	void *progress_ud;
	/* Shard tree_shard_index (1..tree_shard_count) of the scenario's search tree (search.c
	 * deals the schedule prefixes of its first branch points out in turn); the shards
	 * together cover every trace the whole search covers. 0/0: the whole tree. */
	unsigned long tree_shard_index, tree_shard_count;
	/* Every interleaving within the bound, without the reduction: each point takes every
	 * choice and nothing sleeps. A reference to check the reduction against (tests). */
	bool every_interleaving;
	/* "sc" or "arch" in place of every scenario's data_memory (--data-memory), on the arches
	 * with a data model; NULL: as each scenario says. */
	const char *data_memory;
	/* The guest stop_machine (multi_cpu_stop.c, kicked) in place of the idealised stop that
	 * the *_stopped functions take in every scenario whose protocol is not
	 * idealised-stop-nonpreempt or stop-machine (--stop-machine guest). */
	bool guest_stop;
	/* Keep the executions the search drops as redundant: where a spinning hart's first read
	 * raced with the write that woke it (spin.c), and where a hart ran on past a pending IPI
	 * for nothing (interrupt.c). Their reversed races reach what they reach: dropped, the
	 * search reaches every final state, not every trace. Implied by every_interleaving. */
	bool keep_dropped_executions;
	/* Explore a point again even when its state was explored before (state_cache.c). */
	bool no_state_cache;
	/* The states the state cache keeps per generation, with room for 16 summary entries each
	 * (state_cache.c); 0: 1M. A small one makes it forget often (tests). */
	unsigned long state_cache_states;
	/* Hash every register: no liveness analysis (liveness.c), so states that differ only in
	 * registers no future reads stay apart. A reference for the analysis. */
	bool keep_dead_registers;
	/* After every transition, write a fresh value into each register of the hart that ran
	 * that the liveness analysis finds dead (liveness.c): a check of the analysis, whose
	 * results must be the same as without. */
	bool poison_dead;
	/* Step every instruction on its own: no runs of plain instructions (machine_run_plain).
	 * The results are the same; a reference to check the runs against. */
	bool step_each;
	/* Do not replay the failure found to capture every step's register changes
	 * (failure.deltas, which only the report database stores): for a run that stores none.
	 * The replay steps every instruction on its own, each from a new translation block. */
	bool skip_register_capture;
	/* Called once per distinct trace (its hash, as counted in distinct_traces), if set. */
	void (*trace_seen)(void *ud, uint64_t hash);
	void *trace_seen_ud;
	/* Called at the end of every complete execution with a hash of its final state (every
	 * hart's registers and the shared memory the execution wrote), if set. */
	void (*final_state_seen)(void *ud, uint64_t hash);
	void *final_state_seen_ud;
};

/* Run a scenario to a verdict. Returns 0 when explored (verdict set), 2 on bad input (error set). */
int explorer_run(const struct scenario *scn, const struct explore_options *opt,
		 struct scenario_result *res);

/* Re-execute one schedule; the failure found (if any) is stored in res. 2 on bad input. */
int explorer_replay(const struct scenario *scn, const struct explore_options *opt,
		    const char *schedule, struct scenario_result *res);

void scenario_result_free(struct scenario_result *res);

/* ---- inspecting guest images (patchcheck list) ---- */

/* Where bundled images live: opt->guest_dir, else $PATCHCHECK_GUEST_DIR, else
 * patchcheck_images_dir(). */
const char *explorer_guest_dir(const struct explore_options *opt);

/* data_dirs.c: patchcheck's data, PREFIX/share/patchcheck/... for an installed program (found
 * from where it is), else that of the build and source tree it was built in. */
const char *patchcheck_images_dir(void);    /* the guest images, <arch>/<image>.elf */
const char *patchcheck_models_dir(void);    /* the kernel-tree compatibility layer */
const char *patchcheck_scenarios_dir(void); /* the bundled scenarios */

struct image_site {
	char func[64];
	uint64_t start, body, call, literal; /* call: the instruction callbacks get as ip */
};

/* The patch sites the arch model finds in the image at path. 0, or 2 with err set. */
int explorer_image_sites(const char *arch, const char *path, struct image_site *out, size_t max,
			 size_t *n, char *err, size_t errlen);

/* How much of the scenario's space the search covered: "complete" (every execution, up to
 * equivalence), "bound" (every one within the preemption bound, stats.bound_reached),
 * "truncated" (an execution limit stopped it, or random walks sampled it), or "first" (a
 * failure was found; after it only schedules with fewer preemptions were searched, and none
 * can beat one without). Inline: reports/ reads it without linking the explorer. */
static inline const char *scenario_result_search(const struct scenario_result *res)
{
	if (res->stats.complete)
		return "complete";
	if (res->stats.truncated)
		return "truncated";
	if (res->failure && (res->failure->preemptions == 0 || res->stats.bound_reached == 0))
		return "first";
	return "bound";
}

/* Does the result match the scenario's expectation? */
bool scenario_result_matches(const struct scenario *scn, const struct scenario_result *res);

#endif
