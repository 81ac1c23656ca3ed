/*
 * machine.h - emu/: several harts (one uc_engine each) over one shared RAM, a guest ELF image,
 * single-instruction stepping, instruction-fetch views, snapshots and disassembly.
 *
 * Knows nothing of ftrace, scenarios or SQLite. The only module that includes <unicorn/...>.
 */
#ifndef PATCHCHECK_MACHINE_H
#define PATCHCHECK_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../models/arch.h"

#define MACHINE_MAX_HARTS 8
#define MACHINE_STACK_SIZE 0x4000      /* per hart */
#define MACHINE_MAGIC_RETURN 0xdead0000u /* LR of a top-level call; mapped, never executed */

/* ---- guest image (ELF, loaded with libelf) ---- */

struct image;

struct image_symbol {
	const char *name;
	uint64_t addr;  /* Thumb symbols keep bit 0 */
	uint64_t size;
	bool is_func;
};

/* Load an ELF of the given arch. On error returns NULL and writes "path: reason" into err. */
struct image *image_load(const char *path, const struct arch_model *arch, char *err, size_t errlen);
void image_free(struct image *img);
const char *image_path(const struct image *img);
/* Unique per image loaded in this process (a kept image, loaded again, keeps its serial): what
 * is derived from an image may be kept under it. */
uint64_t image_serial(const struct image *img);
/* What identifies the image for replay, as 16 hex digits: a 64-bit FNV-1a hash of what the
 * machine runs and looks up (loaded segments, entry point, symbols, patch records), never of
 * debug sections or the paths in them, so the same code built elsewhere hashes the same. */
const char *image_hash(const struct image *img);
/* Lowest and highest+1 load address (an alias counts at its load address). */
uint64_t image_base(const struct image *img);
uint64_t image_end(const struct image *img);
/* A segment linked far from where it is loaded (ELF p_vaddr != p_paddr): the machine maps its
 * load-address bytes a second time, read and execute only, at vaddr. */
#define EMU_MAX_ALIASES 2
struct image_alias {
	uint64_t vaddr, paddr, size;
};
/* The alias whose link-address range holds addr, or NULL. */
const struct image_alias *image_alias_of(const struct image *img, uint64_t addr);
/* Executable range(s) covered by the loaded text: [text_begin, text_end). */
uint64_t image_text_begin(const struct image *img);
uint64_t image_text_end(const struct image *img);
bool image_lookup(const struct image *img, const char *name, uint64_t *addr);
/* The symbol named name (a function preferred over a data symbol or label), or NULL. */
const struct image_symbol *image_symbol_named(const struct image *img, const char *name);
/* The bytes a symbol of img covers from its start: its size, or for a label of size 0 up to
 * the next symbol's start (the end of the image for the last). */
uint64_t image_symbol_extent(const struct image *img, const struct image_symbol *sym);
/* Symbol covering addr (function symbols preferred), or NULL; *off gets addr - symbol. */
const struct image_symbol *image_symbol_at(const struct image *img, uint64_t addr, uint64_t *off);
/* Every symbol, in address order. */
size_t image_symbols(const struct image *img, const struct image_symbol **syms);
/* What the bytes at addr are by the image's arm mapping symbols: 'a' (A32 code), 't' (T32
 * code), 'd' (data), or 0 when no mapping symbol precedes addr (or the image is not arm). */
char image_code_kind_at(const struct image *img, uint64_t addr);
/* Records of __patchable_function_entries (address of each first pad), in section order. */
size_t image_patch_records(const struct image *img, const uint64_t **records);

/* ---- prototypes of the image's C functions, from its DWARF (libdw) ---- */

#define IMAGE_MAX_PARAMS 16

enum image_param_kind {
	PARAM_INTEGER,     /* an integer of size bytes (bool, char, int, long, enum ...) */
	PARAM_POINTER,     /* a pointer of size bytes */
	PARAM_UNSUPPORTED, /* a struct or union by value, a float: nothing a call can write */
};

struct image_param {
	enum image_param_kind kind;
	unsigned size;  /* bytes */
	bool is_signed; /* integers */
	char text[64];  /* the declaration, for messages: "long a", "const char *s" */
};

struct image_prototype {
	unsigned nparams; /* all of them; params describes the first IMAGE_MAX_PARAMS */
	bool variadic;    /* "..." after them */
	int ret_bytes;    /* the result: 0 none (void), the size of an integer or a pointer, or
			   * -1 anything else (a struct, a float) */
	struct image_param params[IMAGE_MAX_PARAMS];
};

/* The prototype of the function called name, from the DWARF of its definition; NULL when it
 * has none (assembly, or an image built without -g): calls of it cannot be checked. */
const struct image_prototype *image_function_prototype(const struct image *img,
							const char *name);

/* ---- the machine ---- */

struct machine;

enum fetch_model {
	FETCH_COHERENT = 0, /* a code write is visible to every hart's fetch before its next step */
	FETCH_RELAXED,      /* a hart sees a code write only after its own ISB / FENCE.I */
	FETCH_ARCH,         /* the architecture's rules (fetch.c): each fetch may take any version
			     * the hart is not yet synchronised past; cache maintenance, barriers
			     * and context synchronisation narrow that set */
};

/* Sets up the process's heap for many scenarios in turn (host_heap.c): reserved at once and
 * backed by huge pages, never trimmed. Call first thing in main, before any engine opens. */
void machine_heap_setup(void);

/* Creates nharts engines over one RAM holding the image and one stack per hart. */
/* Unicorn exits the process when it cannot allocate a hart's translation buffer; while a
 * machine is being opened, that exit calls handler instead (which should report it and end
 * the process with _exit). */
void machine_on_engine_out_of_memory(void (*handler)(void));
struct machine *machine_open(const struct arch_model *arch, const struct image *img, unsigned nharts,
			     enum fetch_model fetch, char *err, size_t errlen);
void machine_close(struct machine *m);
/*
 * Closes the machine, or keeps it for the next machine_open of an image with the same hash,
 * the same arch model and as many harts, which then gets it back as just opened (RAM, registers,
 * clocks, fetch views, watched ranges, code fetched from), with the engines' translations of
 * the code that did not change: no engine setup and no cold translation. Up to four machines
 * are kept per process; parking a fifth closes the one parked longest ago.
 */
void machine_park(struct machine *m);
const struct arch_model *machine_arch(const struct machine *m);
const struct image *machine_image(const struct machine *m);
unsigned machine_nharts(const struct machine *m);

/* Host pointer to guest RAM [addr, addr+len), or NULL if not inside RAM. Writes through it are
 * data writes by the host (tests, setup): code caches are NOT invalidated (use machine_poke).
 * Every call counts as a write of the range for snapshots (which copy only written pages): write
 * through the pointer before the next snapshot save or restore, or call machine_ram again. */
uint8_t *machine_ram(struct machine *m, uint64_t addr, size_t len);
/* The same for reading only: the range does not count as written. */
const uint8_t *machine_ram_view(struct machine *m, uint64_t addr, size_t len);
/* Host write into guest memory that also invalidates every hart's translations over the range. */
int machine_poke(struct machine *m, uint64_t addr, const void *src, size_t len);
bool machine_read_u32(struct machine *m, uint64_t addr, uint32_t *out);
bool machine_read_u64(struct machine *m, uint64_t addr, uint64_t *out);

/* Registers, by the arch model's register-file index. */
uint64_t machine_reg(struct machine *m, unsigned hart, int idx);
void machine_set_reg(struct machine *m, unsigned hart, int idx, uint64_t value);
/* All nregs registers of the arch model, in model order. */
void machine_read_regs(struct machine *m, unsigned hart, uint64_t *regs);
uint64_t machine_pc(struct machine *m, unsigned hart);
uint64_t machine_stack_top(const struct machine *m, unsigned hart);
/* Instructions the hart has executed (restored by snapshots). Its timer counter reads this. */
uint64_t machine_steps(const struct machine *m, unsigned hart);

/* Start a call of func(args...) on a hart: args in the argument registers, SP = the hart's stack
 * top (minus extra stack args pushed), LR = MACHINE_MAGIC_RETURN, PC = func. */
void machine_call_begin(struct machine *m, unsigned hart, uint64_t func, const uint64_t *args,
			unsigned nargs);
/* The hart returned from its top-level call (pc == MACHINE_MAGIC_RETURN). */
bool machine_call_done(struct machine *m, unsigned hart);

/* Watched ranges: memory accesses (loads, stores) into them are reported per step. */
void machine_watch(struct machine *m, uint64_t begin, uint64_t end);
/* With on, every load and store outside the stepping hart's private memory (memory more than
 * one hart may touch) is reported too, watched or not. Default off. */
void machine_report_shared(struct machine *m, bool on);
/* A hart's private memory: its stack, and [begin, end) ranges added here (false: too many, or
 * an empty range). Its own accesses there are not reported as shared; another hart's are. */
bool machine_add_private(struct machine *m, unsigned hart, uint64_t begin, uint64_t end);
/* A hash of the bytes of the ranges machine_add_private gave the hart (its stack not among
 * them), kept until a write into one of them (private_mem.c). */
uint64_t machine_private_hash(struct machine *m, unsigned hart);
/* The hart whose private memory [addr, addr+len) overlaps, or -1. */
int machine_private_owner(const struct machine *m, uint64_t addr, unsigned len);
/* The 8-byte words over [addr, addr+len) are private to no hart any more: every hart's accesses
 * there are reported from now on (the explorer calls it when another hart touched them). */
void machine_share(struct machine *m, uint64_t addr, unsigned len);

enum access_kind { ACCESS_READ = 1, ACCESS_WRITE = 2 };

struct mem_access {
	enum access_kind kind;
	uint64_t addr;
	unsigned size;
	uint64_t value;     /* value written (WRITE), or the value read (READ) */
	uint64_t old_value; /* memory before the write (WRITE) or the value read (READ) */
};

#define STEP_MAX_ACCESSES 20 /* an arm LDM/STM of 16 registers, a pair of 8-byte words ... */

enum step_status {
	STEP_OK = 0,
	STEP_RETURNED,   /* pc was MACHINE_MAGIC_RETURN: nothing stepped */
	STEP_BREAKPOINT, /* a breakpoint instruction at pc: not stepped; info.special has it (an
			  * image with a "vectors" table and the arch's synchronous handler takes
			  * the exception instead: STEP_OK) */
	STEP_FAULT,      /* the guest faulted: info.fault says how; pc unchanged */
};

struct step_info {
	enum step_status status;
	uint64_t pc;          /* pc before the step */
	uint8_t bytes[4];     /* the instruction bytes the hart fetched (its view) */
	unsigned len;
	struct special_insn special;
	unsigned naccesses;   /* accesses into watched ranges (with machine_report_shared, every
			       * access outside the hart's stack), and every write into code */
	struct mem_access accesses[STEP_MAX_ACCESSES];
	bool wrote_code;      /* some write in this step hit code: the text range, or a page some
			       * hart has fetched instructions from */
	unsigned fetch_alternatives; /* versions of the instruction the hart could fetch (1: one) */
	unsigned fetch_choice;       /* the one it fetched: 0 the newest, 1 the next older ... */
	bool fetch_old;              /* it fetched bytes RAM no longer holds */
	bool fetch_synced;           /* it synchronised the hart's fetch, which then lost versions */
	unsigned data_alternatives;  /* memory: arch: values its load, or places its store, could
				      * take (1: no choice) */
	unsigned data_choice;        /* the one it took: 0 the newest value, or the last place */
	bool data_full;              /* the execution touched more shared words or made more
				      * stores than the data model holds: it cannot go on */
	char fault[128];      /* STEP_FAULT: e.g. "unmapped read at 0x10 (UC_ERR_READ_UNMAPPED)" */
};

/*
 * Interrupts (interrupt.c), for an arch with take_interrupt and an image with a "vectors"
 * table: whether the hart's interrupt mask (DAIF.I, sstatus.SIE, CPSR.I) is set, and taking an
 * interrupt before the hart's next instruction through the guest's vector, as the hardware
 * does (a context synchronisation event where the arch says so). machine_take_interrupt
 * returns 0, or -1 with the reason in err.
 */
bool machine_has_interrupts(const struct machine *m);
bool machine_interrupts_masked(struct machine *m, unsigned hart);
int machine_take_interrupt(struct machine *m, unsigned hart, char *err, size_t errlen);

/* Step exactly one instruction of one hart (the word in its fetch view). Special instructions are
 * decoded first and handled by the machine (cache maintenance, barriers, hints, ISB). */
enum step_status machine_step(struct machine *m, unsigned hart, struct step_info *info);

/*
 * Runs of plain instructions (batch.c): instructions machine_step would only hand to Unicorn
 * (in the text, no special instruction, a word never written), run up to max (at most
 * MACHINE_RUN_MAX) in one uc_emu_start. The run stops before an instruction that is not plain,
 * is at stop_pc, or (with entries) is marked as an entry, and after one whose accesses a step
 * would report; that one's accesses, pc and bytes are in last. pcs gets the pc of each
 * instruction run; returns how many (0: the hart's pc is not plain). An instruction that faults
 * is left for machine_step, which runs it again and reports. An arch with an instruction-set
 * state (arm) has none. machine_plain_reset decodes the text again (a machine's first run
 * does, when nothing did before); machine_plain_exclude takes [begin, end) out;
 * machine_plain_mark_entry marks the instruction at pc an entry.
 */
#define MACHINE_RUN_MAX 256
void machine_plain_reset(struct machine *m);
void machine_plain_exclude(struct machine *m, uint64_t begin, uint64_t end);
void machine_plain_mark_entry(struct machine *m, uint64_t pc);
bool machine_is_plain(const struct machine *m, uint64_t pc);
unsigned machine_run_plain(struct machine *m, unsigned hart, unsigned max, uint64_t stop_pc,
			   bool entries, uint64_t *pcs, struct step_info *last);

/* The hart executes a context synchronisation event, as at an ISB (relaxed model: it sees every
 * code write made so far; arch model: the invalidations completed so far). A no-op in the
 * coherent model. */
void machine_fetch_sync(struct machine *m, unsigned hart);

/* Every hart fetches memory as it is now, as after a synchronisation of every cache and every
 * hart (the end of a scenario's setup, which happened before any hart ran). */
void machine_fetch_settle(struct machine *m);

/* Can the hart still fetch, at addr, bytes other than what RAM holds? (false if coherent) */
bool machine_fetch_stale(struct machine *m, unsigned hart, uint64_t addr);
/* The same at any code word written during the run. */
bool machine_fetch_any_stale(struct machine *m, unsigned hart);

/* How many distinct instructions the hart's next step may fetch (1: no choice), and which one
 * it takes (0: the newest, then older ones; distinct bytes only). The choice holds for one
 * step. An instruction that spans two words is fetched as two independent halves. */
unsigned machine_fetch_alternatives(struct machine *m, unsigned hart);
/* The distinct words the hart may fetch at the aligned word holding addr, newest first: how
 * many (at most max are written to out; 1 with what RAM holds when the word has no versions). */
unsigned machine_fetch_versions(struct machine *m, unsigned hart, uint64_t addr, uint32_t *out,
				unsigned max);
void machine_choose_fetch(struct machine *m, unsigned hart, unsigned alternative);
#define MACHINE_FETCH_VERSIONS 32 /* versions of a code word the fetch model keeps */

/* Each code version written from now on carries tag (the caller's name for the write: the
 * explorer's transition); the versions of setup and host writes carry 0. */
void machine_set_write_tag(struct machine *m, uint32_t tag);
/* Under fetch: arch, the versions of the word at addr the hart may still fetch, oldest first
 * and duplicates kept, with their tags: how many (0 when the word has no versions). */
unsigned machine_fetch_history(struct machine *m, unsigned hart, uint64_t addr, uint32_t *words,
			       uint32_t *tags, unsigned max);

/* A hash of the machine's whole state (state_hash.c): RAM, every hart's CPU context, the
 * fetch model with each version's write tag replaced by tag_key(ud, tag) (tags name
 * transitions of one path; the caller says what a tag decides), the data model's messages and
 * views (memory: arch), and the harts' clocks once the guest has read one. Equal states hash
 * equally. */
uint64_t machine_state_hash(struct machine *m, uint64_t (*tag_key)(void *ud, uint32_t tag),
			    void *ud);
/* The same, with the registers dead[h] of each hart h left out (bit r: register-file index r;
 * the flags register's flags only): what no future of the state reads, by the caller's
 * reckoning. NULL: none. */
uint64_t machine_state_hash_live(struct machine *m, const uint64_t *dead,
				 uint64_t (*tag_key)(void *ud, uint32_t tag), void *ud);
/* A bit of dead[h]: the hart is in no exception handler, and the registers only a handler
 * reads (arch exception_reg_ids) are dead too. */
#define MACHINE_DEAD_EXCEPTION_REGS (1ull << 63)
/* How many bytes of a saved CPU context hold register reg of arch (context_layout.c): the
 * bytes the state hash leaves out when it is dead; 0 when they were not found. */
unsigned machine_context_reg_bytes(const struct arch_model *arch, unsigned reg);
/* Where the engine of arch keeps the exclusive monitor's address and value in a saved context
 * (found once per process; false when not found): the state hash leaves the value out while
 * the monitor is clear. */
bool machine_monitor_layout(const struct arch_model *arch, size_t *addr_off, size_t *val_off);
/* Whether the instruction (len bytes) reads no register of arch's register file outside uses
 * and writes every register of defs whatever it held (bit r: register-file index r; the flags
 * register's flags bits only), as it runs from drawn states in a scratch engine (reg_access.c;
 * a sample, cached per word). False when it faults. */
bool machine_reg_access_holds(const struct arch_model *arch, const uint8_t *bytes, unsigned len,
			      uint64_t uses, uint64_t defs);
/* Fills in the memory pattern those checks share now rather than at the first check, and maps
 * their cache: called before forking workers, so that each reads the parent's pages instead of
 * filling its own, and a word one worker checked is not checked again by another. */
void machine_reg_access_warm(void);
/* The checks this process ran (words the cache did not hold). */
unsigned long machine_reg_access_checks_run(void);
/* The answers of those checks read from the file path, written by machine_reg_access_save of
 * the same build (the same executable and libunicorn): true when it was read; a missing file,
 * one of another build or one not whole is not (the checks then run as they come). */
bool machine_reg_access_load(const char *path);
/* The answers this process and its forks found written to path (a new file renamed over it),
 * with those read; true when written or when there was nothing new to write. */
bool machine_reg_access_save(const char *path);
/* A 64-bit hash of n bytes of host memory, seeded (state_hash.c); the one behind
 * machine_state_hash, for callers that hash guest memory of their own choosing. */
uint64_t machine_hash_bytes(const void *p, size_t n, uint64_t seed);

/*
 * The data memory model (datamem.c): with arch, an arm64 or riscv64 hart's load may read an
 * older value of a shared word and its store may become visible after later ones, within what
 * the architecture allows; without, memory is sequentially consistent (the default). Which
 * value or place one step takes is a choice (0: what sequential consistency gives), held for
 * the hart's next step that has one; step_info.data_alternatives says how many there were.
 * Setting the model starts it over from memory as it is now: every hart sees what RAM holds.
 */
void machine_set_data_model(struct machine *m, bool arch);
void machine_choose_data(struct machine *m, unsigned hart, unsigned alternative);
/* Every hart executes a full barrier now, and reads nothing older than the newest value of any
 * word after it (the idealised stop's entry and release, which stand for stop_machine's). */
void machine_data_sync_all(struct machine *m);

/* arm64 CTR_EL0.IDC (data cache clean to PoU not needed for instruction coherence) and DIC
 * (instruction cache invalidation not needed): what the fetch model requires and what the
 * guest reads from CTR_EL0. Default: neither. */
void machine_set_cache_type(struct machine *m, bool idc, bool dic);

/* Testing only: with false, the coherent model stops dropping other harts' translations after a
 * code write, so a hart may execute an old instruction while the machine reports the new word
 * (Unicorn's own behaviour). Default true. */
void machine_set_invalidation(struct machine *m, bool on);

/* Unicorn 2.0.1 never reuses the code-buffer space of a dropped translation and crashes once
 * an engine's buffer fills, so the machine replaces an engine that has dropped translations
 * more than `after` times by a fresh one, at the next snapshot restore (default 200000; testing
 * only). machine_engine_renewals: how many engines were replaced since the machine opened. */
void machine_set_engine_renewal(struct machine *m, uint64_t after);
unsigned long machine_engine_renewals(const struct machine *m);

/* ---- snapshots: contexts of all harts + RAM + fetch views ---- */

struct machine_snapshot;
struct machine_snapshot *machine_snapshot_new(struct machine *m);
void machine_snapshot_free(struct machine_snapshot *s);
void machine_snapshot_save(struct machine *m, struct machine_snapshot *s);
/* Restores registers and RAM; drops every hart's translations over code bytes that changed. */
void machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s);

/* ---- disassembly (Capstone), cached by (address, bytes) ---- */

/* Text of the instruction at addr with the given bytes, e.g. "bl #0x100040". Never NULL. */
const char *machine_disasm(struct machine *m, uint64_t addr, const uint8_t *bytes, unsigned len);

/* The same without a machine (reports): one disassembler with its own cache per arch. */
struct disasm;
struct disasm *disasm_open(const struct arch_model *arch);
const char *disasm_text(struct disasm *d, uint64_t addr, const uint8_t *bytes, unsigned len);
void disasm_close(struct disasm *d);

#endif
