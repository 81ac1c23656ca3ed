/*
 * emu_internal.h - the machine's private state, shared by the files of emu/ and by nothing else.
 *
 * Memory layout of a machine (guest addresses, growing upwards), all inside one host buffer:
 *
 *   ram_base = image base rounded down to a page
 *   [image pages][guard][stack 0][guard][stack 1] ... [stack n-1]
 *
 * Guard pages are part of the host buffer but are not mapped in any engine, so a stack that
 * overflows faults instead of silently writing into its neighbour. The magic return page is a
 * separate mapping far away (MACHINE_MAGIC_RETURN).
 *
 * A segment linked at one address and loaded at another (an ELF segment whose p_paddr is not
 * its p_vaddr: an AT() in the linker script) is an alias: its bytes sit at the load address
 * inside the image pages, and the same host pages are mapped a second time, read and execute
 * only, at its link address. That is how an image has code hundreds of MiB away from its text
 * (a trampoline out of a branch's reach) without RAM for the gap: snapshots copy only the host
 * buffer.
 */
#ifndef PATCHCHECK_EMU_INTERNAL_H
#define PATCHCHECK_EMU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>
#include <unicorn/unicorn.h>

#include "machine.h"

#define EMU_PAGE 4096u          /* host-side layout granule; a multiple of every target page */
#define EMU_MAX_CODE_WRITES 8   /* distinct written code ranges remembered within one step */
#define EMU_MAX_PRIVATE 12      /* ranges a hart keeps to itself besides its stack */
#define EMU_MAX_SHARED_PRIVATE 64 /* private bytes another hart touched, shared after all */
#define EMU_HART_HOOKS 8        /* hooks a machine adds to one hart's engine, at most */

/*
 * Fetch model (fetch.c): a code word written during the run, with every version it has had
 * and, per hart, which of them that hart may still fetch. Versions are indices into ver[]:
 * 0 is the word before its first write, nver - 1 what RAM holds now.
 */
#define FETCH_MAX_VERSIONS MACHINE_FETCH_VERSIONS

struct fetch_word {
	uint64_t off;              /* offset into RAM (host), 4-byte aligned: an alias of the
				    * word, fetched at its link address, is the same word */
	uint8_t nver;
	uint8_t pou;               /* newest version cleaned to the point of unification */
	uint8_t floor[MACHINE_MAX_HARTS];   /* oldest version the hart may still fetch */
	uint8_t icache[MACHINE_MAX_HARTS];  /* oldest version a refill of its I-cache gets */
	uint8_t clean_pending[MACHINE_MAX_HARTS]; /* DC CVAU issued, no DSB yet: version + 1 */
	uint8_t inval_pending[MACHINE_MAX_HARTS]; /* IC IVAU issued, no DSB yet: its target + 1 */
	bool inval_broadcast[MACHINE_MAX_HARTS];  /* a pending one acts for every hart */
	uint32_t ver[FETCH_MAX_VERSIONS];
	uint32_t tag[FETCH_MAX_VERSIONS]; /* the write tag current when each version was written */
};

struct fetch_words {
	struct fetch_word *v;
	size_t n, cap;
};

/*
 * Data memory model (datamem.c, memory: arch): messages in timestamp order and every hart's
 * views. Fixed-size, so that a snapshot copies it whole.
 */
#define DM_MAX_WORDS 256  /* shared data words accessed in one execution */
#define DM_MAX_MSGS 2000  /* stores to them */
#define DM_NREGS 64

struct dm_msg {
	uint64_t val;      /* the whole word after the store */
	uint16_t word;     /* index into word_addr */
	uint8_t hart;
};

typedef uint16_t dm_ts; /* a timestamp: 0 the initial values, i + 1 msg[i] */

struct dm_view {
	dm_ts coh[DM_MAX_WORDS];
	dm_ts vrold, vwold, vrnew, vwnew, vcap, vrel;
	dm_ts vstack;      /* the greatest view of a value stored to the hart's own stack */
	dm_ts reg[DM_NREGS];
};

struct datamem {
	bool on;
	bool full;         /* more words or stores than fit: the step that hit it faults */
	unsigned nwords, nmsgs;
	uint64_t word_addr[DM_MAX_WORDS]; /* guest address, aligned to the arch's data granule */
	uint64_t init[DM_MAX_WORDS];      /* the value before the first store: timestamp 0 */
	uint8_t touched[DM_MAX_WORDS];    /* harts that have loaded or stored it (bit h) */
	struct dm_msg msg[DM_MAX_MSGS];   /* msg[i] has timestamp i + 1 */
	struct dm_view h[MACHINE_MAX_HARTS];
};

struct hart {
	struct machine *m;
	unsigned id;
	uc_engine *uc;
	uint64_t steps;            /* instructions this hart executed: its deterministic clock */
	int fetch_choice;          /* the alternative its next fetch takes (0: the newest) */
	int data_choice;           /* the alternative its next load or store takes (0: newest) */
	/* pc as the machine reads it (masked to the word size), valid while pc_known: cleared by
	 * every uc_emu_start, register write and context restore on the engine (emu_hart_pc). */
	bool pc_known;
	uint64_t pc;
	/* The hash of its CPU context (state_hash.c), valid while ctx_hashed: cleared with
	 * pc_known (emu_hart_changed). */
	bool ctx_hashed;
	uint64_t ctx_dead;      /* the registers left out of ctx_hash */
	uint64_t ctx_hash;
	/* Its register file as machine_read_regs returns it, valid while regs_known: cleared with
	 * pc_known (emu_hart_changed). */
	bool regs_known;
	uint64_t regs[ARCH_MAX_REGS];

	/* Filled by the hooks during one uc_emu_start. */
	bool fault;                /* an unmapped / protection event was reported */
	int fault_type;            /* uc_mem_type of that event */
	uint64_t fault_addr;
	bool trapped;              /* UC_HOOK_INTR fired */
	uint32_t trap_intno;

	/* Translations dropped since the engine opened (emu_invalidate_hart). Unicorn 2.0.1 never
	 * reuses the space of a dropped translation, and once its code buffer is full it flushes
	 * it and may crash: past EMU_RENEW_AFTER the machine replaces the engine (emu_renew). */
	uint64_t invalidations;

	/* Its engine's life (engine_pool.c): the CPU state as the engine was initialised, the
	 * hooks this machine added, the machines it served, whether it is wholly set up. */
	uc_context *pristine;
	uc_hook hooks[EMU_HART_HOOKS];
	unsigned nhooks;
	unsigned uses;
	bool ready;
};

/* Invalidations after which an engine is replaced at the next snapshot restore. Unicorn 2.0.1
 * reserves 1 GiB of code buffer per engine; a dropped translation is retranslated at the next
 * step there, a few hundred bytes each in the runs measured (README, "Limits"). */
#define EMU_RENEW_AFTER 200000u

struct range {
	uint64_t begin, end;
};

/* A region of RAM that is mapped in every engine (image, a far alias of part of it, or one
 * stack): guest [begin, end) is host ram + host. */
struct region {
	uint64_t begin, end;
	uint64_t host;
	bool alias;                /* read and execute only: the guest cannot write it */
};

/* The step in progress: where the hooks record what they see. */
struct step_ctx {
	struct hart *hart;         /* the hart being stepped */
	struct step_info *info;
	unsigned ncode;            /* written code ranges, 4-byte aligned, for invalidation */
	struct range code[EMU_MAX_CODE_WRITES];
	/* A fetched version that is not what RAM holds, swapped into RAM while the step runs. */
	bool swap_active;
	uint64_t swap_addr;
	unsigned swap_len;
	uint8_t swap_ram[4];       /* the bytes RAM must hold after the step */
	/* Words some write of this step hit (fetch models that keep versions): after the step
	 * each gets its new version. */
	unsigned nwritten;
	uint64_t written[EMU_MAX_CODE_WRITES * 4]; /* their RAM offsets */
	bool versions_full;        /* a word had FETCH_MAX_VERSIONS versions a hart may fetch */
	/* Data model (datamem.c): the instruction's ordering, the view of the registers it reads,
	 * what its loads saw, and the step's one choice (of a load's value or a store's place). */
	struct mem_order mo;
	dm_ts vin, load_post;
	bool loaded, stored;
	bool data_choice_used;
	unsigned data_alternatives, data_chosen;
	bool dswap_active;         /* a load's older value is in RAM for the step: */
	uint64_t dswap_addr;       /* its word, */
	uint8_t dswap_saved[8];    /* and what RAM holds after the step */
};

struct disasm;

struct machine {
	const struct arch_model *arch;
	const struct image *img;
	enum fetch_model fetch;
	bool cache_idc, cache_dic; /* arm64 CTR_EL0.IDC / DIC: no clean / no invalidation needed */
	uint32_t write_tag;        /* given to the code versions written from now on (the caller's) */
	struct fetch_words fw;     /* versions of the code words written (relaxed, arch models) */
	struct datamem dm;         /* data_memory: arch: the data model's messages and views */
	struct range *dm_outside;  /* the harness's words (symbols pc_*): sequentially consistent */
	size_t ndm_outside;
	bool invalidate;           /* propagate code writes to other harts (testing switch) */
	uint64_t renew_after;      /* an engine's invalidations before it is renewed (emu_renew) */
	unsigned long renewals;    /* engines renewed since the machine opened */
	unsigned nharts;
	struct hart harts[MACHINE_MAX_HARTS];

	uint8_t *ram;              /* host buffer, ram_size bytes, for [ram_base, ram_end) */
	size_t ram_size;
	uint64_t ram_base, ram_end;
	unsigned nregions;
	struct region regions[1 + EMU_MAX_ALIASES + MACHINE_MAX_HARTS];
	uint64_t stack_top[MACHINE_MAX_HARTS];
	uint64_t stack_base[MACHINE_MAX_HARTS]; /* lowest address of each hart's stack */
	uint8_t *magic_page;

	uint64_t text_begin, text_end;
	uint64_t vectors;          /* exception vector table ("vectors"), 0 when the image has none */
	bool sync_to_guest;        /* a breakpoint is the guest's exception (arch sync_handler_symbol) */
	uint8_t *exec_pages;       /* one flag per EMU_PAGE of RAM: some hart fetched from it */
	uint64_t *fw_seen;         /* one bit per 4-byte word of RAM: it has had fetch versions
				    * (a filter in front of the search of fw; never cleared) */

	/*
	 * Dirty tracking for snapshots, per EMU_PAGE of RAM: the version of the page's contents.
	 * Equal versions mean equal bytes, in the machine and in every snapshot. A write to a page
	 * whose version a snapshot may hold (one <= shared_versions) gives the page a new version
	 * (++last_version); snapshot save and restore then copy only the pages whose versions
	 * differ, and set shared_versions = last_version. Every write into RAM is marked: guest
	 * stores by the write hook, host writes by machine_poke, machine_call_begin and machine_ram.
	 */
	uint64_t *page_version;
	size_t npages;
	uint64_t serial;           /* unique per machine opened in this process */
	uint64_t last_version, shared_versions;

	/* state_hash.c: each page's content hash, valid while page_hashed[p] (cleared by every
	 * write into the page: emu_ram_written, snapshot restore), a scratch context per hart,
	 * and whether the guest ever read a hart's clock (then the clocks are state). */
	uint64_t *page_hash;
	uint8_t *page_hashed;
	uc_context *hash_ctx[MACHINE_MAX_HARTS];
	bool clock_read;

	struct range *watch;
	size_t nwatch, watch_cap;
	bool report_shared;        /* report every access outside the stepping hart's private memory */

	/* private_mem.c: what each hart keeps to itself besides its stack, and what of it (or of a
	 * stack) another hart touched, shared after all (all_shared: too much to list). */
	struct range private_ranges[MACHINE_MAX_HARTS][EMU_MAX_PRIVATE];
	unsigned nprivate[MACHINE_MAX_HARTS];
	uint64_t private_lo, private_hi; /* the hull of every hart's ranges, [lo, hi) */
	uint64_t private_hash[MACHINE_MAX_HARTS]; /* of a hart's ranges, while private_hashed */
	bool private_hashed[MACHINE_MAX_HARTS];
	struct range shared_private[EMU_MAX_SHARED_PRIVATE];
	unsigned nshared_private;
	bool all_shared;

	struct step_ctx cur;       /* valid during machine_step only */

	/* batch.c: one flag per instruction-alignment unit of the text (plain or not; NULL: no
	 * runs), and the run in progress (hart NULL outside machine_run_plain). */
	uint8_t *plain;
	bool plain_decoded;        /* machine_plain_reset ran (plain may still be NULL) */
	unsigned plain_shift;      /* log2 of the unit a flag covers */
	struct plain_batch {
		struct hart *hart;
		unsigned n, max;
		bool entries;              /* PLAIN_ENTRY instructions end it */
		bool data_pending;         /* the data model's after-step is owed */
		uint64_t stop_pc;
		uint64_t *pc;
	} batch;

	/* Reuse (machine_park): the state machine_open left, and what identifies the image. */
	struct machine_snapshot *opened;
	char image_hash[17];

	struct disasm *disasm;
};

/* ---- image_dwarf.c ---- */
struct image_function {
	char *name;
	struct image_prototype proto;
};

struct image_prototypes {
	struct image_function *funcs;
	size_t n;
};

/* The prototypes of the C functions an ELF's DWARF defines (none without .debug_info). 0, or
 * -1 with the reason in err when the DWARF cannot be read. */
int emu_read_prototypes(Elf *elf, struct image_prototypes *out, char *err, size_t errlen);
const struct image_prototype *emu_prototype_find(const struct image_prototypes *protos,
						 const char *name);
void emu_prototypes_free(struct image_prototypes *protos);

/* ---- image_hash.c ---- */
/* The image's content hash: ELF machine and entry, loaded segments (vaddr, memsz, flags, file
 * bytes), the kept symbols and the patch records; never debug sections, paths or layout. */
uint64_t emu_image_content_hash(Elf *elf, const uint8_t *file, size_t file_size,
				const struct image_symbol *syms, size_t nsyms,
				const uint64_t *records, size_t nrecords);

/* ---- image.c ---- */
/* The loaded bytes of [image_base, image_end): segments copied (an alias at its load address),
 * gaps and .bss zero. */
const uint8_t *emu_image_bytes(const struct image *img);
/* The image's aliases (segments whose address is not their load address), *n of them. */
const struct image_alias *emu_image_aliases(const struct image *img, unsigned *n);

/* ---- batch.c ---- */
/* The code hook's work during a run of plain instructions (a no-op outside one). */
void emu_batch_on_code(struct machine *m, struct hart *h, uint64_t pc);
/* Instructions of the run in progress the hart completed before the current one. */
uint64_t emu_batch_steps_before(const struct machine *m, const struct hart *h);

/* ---- machine.c ---- */
/* Host pointer for [addr, addr+len) if the whole range is inside one mapped region, else NULL. */
uint8_t *emu_ram_ptr(struct machine *m, uint64_t addr, size_t len);
/* ctx, n bytes saved by uc_context_save: the monitor's value zeroed while it is clear
 * (monitor.c). */
void emu_monitor_canonical(const struct arch_model *arch, uint8_t *ctx, size_t n);
/* ctx, n bytes saved from uc by uc_context_save: the registers of dead (bit r: register-file
 * index r; the flags register's flags only) zeroed, and the flags' own bytes too, the flags
 * returned as the architecture has them (0 when dead) for the caller to hash instead
 * (context_layout.c). */
uint64_t emu_context_canonical_regs(const struct arch_model *arch, uc_engine *uc, uint8_t *ctx,
				    size_t n, uint64_t dead);

/* private_mem.c: [addr, addr+len) changed, some hart's private range among it: that hart's
 * hash of them is made again. */
void emu_private_written(struct machine *m, uint64_t addr, uint64_t len);

/* RAM bytes [off, off+len) (offsets into m->ram) are about to change: their pages get new
 * versions unless they already have ones no snapshot holds. */
static inline void emu_ram_written(struct machine *m, size_t off, size_t len)
{
	if (len == 0 || off >= m->ram_size)
		return;
	size_t last = (off + len - 1) / EMU_PAGE;

	if (last >= m->npages)
		last = m->npages - 1;
	for (size_t p = off / EMU_PAGE; p <= last; p++) {
		if (m->page_version[p] <= m->shared_versions)
			m->page_version[p] = ++m->last_version;
		if (m->page_hashed)
			m->page_hashed[p] = 0;
	}
	if (m->ram_base + off < m->private_hi && m->ram_base + off + len > m->private_lo)
		emu_private_written(m, m->ram_base + off, len);
}

/* The hart's engine may have changed (a step, a register write, a context restore): what the
 * machine keeps of its registers (pc, the context's hash) is read again. */
static inline void emu_hart_changed(struct hart *h)
{
	h->pc_known = false;
	h->ctx_hashed = false;
	h->regs_known = false;
}

/* The hart's pc (masked to the word size), read from its engine only when not known. */
uint64_t emu_hart_pc(struct machine *m, struct hart *h);

/* ---- hooks.c ---- */
/* Adds every hook to the hart's engine (before its first uc_emu_start). 0 or a uc_err. */
int emu_hooks_install(struct machine *m, struct hart *h);
/* Is [addr, addr+len) code: inside the text range or a page some hart fetched from? */
bool emu_is_code(const struct machine *m, uint64_t addr, uint64_t len);

/* ---- sysregs.c ---- */
/* Adds the hooks that give deterministic values to timer / identity system registers. */
int emu_sysregs_install(struct machine *m, struct hart *h);

/* ---- fetch.c ---- */
/* The bytes the hart fetches at [pc, pc+n) with its chosen alternative (h->fetch_choice);
 * false when that alternative does not exist (the view is then RAM). info->fetch_* filled. */
bool emu_fetch_view(struct machine *m, struct hart *h, uint64_t pc, const uint8_t *ram,
		    uint8_t *out, unsigned n, unsigned (*insn_length)(const uint8_t *),
		    struct step_info *info);
/* Drops the translations of every engine over [begin, end), rounded out to 4 bytes. */
void emu_invalidate_all(struct machine *m, uint64_t begin, uint64_t end);

/* engine.c: an engine of arch's mode and CPU model (NULL and the error when it cannot be
 * had), and arch's slot, from 0, in tables of EMU_ARCH_SLOTS (-1 when they are taken). */
#define EMU_ARCH_SLOTS 4
uc_err emu_engine_open(const struct arch_model *arch, uc_engine **uc);
int emu_arch_slot(const struct arch_model *arch);
/* Records a hook the machine added to h's engine (dropped when the engine goes back to the
 * pool); the hook's uc_err, or UC_ERR_NOMEM when h has no room for it (the hook deleted). */
uc_err emu_hook_added(struct hart *h, uc_err e, uc_hook hh);

/* machine.c: the granule of the machine's mappings in an engine: the arch's page, at least
 * EMU_PAGE. */
uint64_t emu_map_page(const struct arch_model *arch);

/* build_identity.c: the build IDs of the executable and of libunicorn, in hex, into out;
 * false when either has none (or out is too small). */
bool emu_build_identity(char *out, size_t size);

/* ---- engine_pool.c ---- */
/* An engine of arch for hart h, set to its state as initialised: one a closed machine gave
 * back, else a new one. h->uc, h->pristine, h->uses and h->invalidations set; h->ready and
 * h->nhooks cleared. UC_ERR_OK or why no engine can be had (h->uc NULL). */
uc_err emu_engine_take(const struct arch_model *arch, struct hart *h);
/* h's engine back to the pool, emptied (its hooks, translations and mappings of m dropped),
 * or closed when it cannot be kept; h->uc is NULL after. */
void emu_engine_give_back(struct machine *m, struct hart *h);
/* h's engine closed, never kept. */
void emu_engine_close(struct hart *h);
/* Drops one engine's translations over [begin, end), rounded out to 4 bytes. */
void emu_invalidate_hart(struct hart *h, uint64_t begin, uint64_t end);
/* Replaces hart id's engine by a new one set up as machine_open does (RAM, hooks, exits,
 * vectors), when it has dropped more than m->renew_after translations. Its registers are
 * the caller's to restore. Keeps the old engine if a new one cannot be opened. */
void emu_renew_if_worn(struct machine *m, unsigned id);
/* Called for every guest write into code, before the bytes change (old bytes still in RAM). */
void emu_fetch_note_write(struct machine *m, uint64_t addr, unsigned size);
/* Whether the 4-byte word at addr ever had fetch versions. */
bool emu_fetch_word_seen(const struct machine *m, uint64_t addr);
/* After a step: make the step's code writes visible according to the fetch model. */
void emu_fetch_publish(struct machine *m);
/* The hart executes a context synchronisation (ISB, FENCE.I, exception entry or return). */
bool emu_fetch_sync(struct machine *m, struct hart *h); /* whether a floor rose */
/* The hart executes a cache-maintenance or barrier instruction (before it is stepped). */
void emu_fetch_maintain(struct machine *m, struct hart *h, const struct special_insn *sp,
			uint64_t addr);
/* Forget the versions over [begin, end) (a host write makes them visible to every hart). */
void emu_fetch_forget(struct machine *m, uint64_t begin, uint64_t end);
void emu_fetch_words_free(struct fetch_words *fw);
/* The oldest version of w some hart may still fetch: word_compact drops those below it and
 * numbers the rest from it, as the state hash numbers them (fetch_rebase: an index, 0 below
 * low; fetch_rebase_pending: a pending maintenance's target + 1, 0 for none, kept non-zero). */
unsigned emu_fetch_word_low(const struct machine *m, const struct fetch_word *w);
static inline uint8_t fetch_rebase(unsigned v, unsigned low)
{
	return (uint8_t)(v > low ? v - low : 0);
}
static inline uint8_t fetch_rebase_pending(unsigned v, unsigned low)
{
	return (uint8_t)(v ? (v > low ? v - low : 1) : 0);
}
int emu_fetch_words_copy(struct fetch_words *dst, const struct fetch_words *src);
/* Marks m's tracked words in its filter (m->fw_seen), after they were copied in. */
void emu_fetch_words_seen(struct machine *m);

/* ---- interrupt.c ---- */
/* h entered an exception (an interrupt, a breakpoint the guest takes): on Arm a context
 * synchronisation of its fetch and its data accesses, as an ISB. */
void emu_exception_entered(struct machine *m, struct hart *h);

/* ---- private_mem.c ---- */
/* [addr, addr+len) is h's own (inside its stack or a range it keeps to itself, and not shared
 * since): its accesses there are local. */
bool emu_private_to(const struct machine *m, const struct hart *h, uint64_t addr, uint64_t len);
/* No ranges kept private besides the stacks, nothing shared after all (a reused machine). */
void emu_private_reset(struct machine *m);

/* ---- datamem.c ---- */
/* Before a step of h (the data model on): decode the ordering of the instruction at pc (its
 * bytes as fetched, and any the step runs after it) with arch, the model of the instruction
 * set it runs in. */
void emu_data_before_step(struct machine *m, struct hart *h, const struct arch_model *arch,
			  uint64_t pc, const uint8_t *bytes, unsigned len);
/* A load or store by h of [addr, addr+n), before it happens (a load may get an older value
 * swapped into RAM for the step); own_stack: inside h's own stack, private to it. */
void emu_data_load(struct machine *m, struct hart *h, uint64_t addr, unsigned n, bool own_stack);
void emu_data_store(struct machine *m, struct hart *h, uint64_t addr, unsigned n, uint64_t value,
		    bool own_stack);
/* After the step: RAM restored, views updated. */
void emu_data_after_step(struct machine *m, struct hart *h);
/* A host write over [begin, end). */
void emu_data_forget(struct machine *m, uint64_t begin, uint64_t end);
/* h executes a context synchronisation of its data accesses (emu_exception_entered). */
void emu_data_context_sync(struct machine *m, struct hart *h);
/* dst = src, copying only the words and messages in use (snapshots). */
void emu_data_copy(struct datamem *dst, const struct datamem *src);
/* The model's state for the state hash (0 when it is off), with the caller's mixer. */
uint64_t emu_data_hash(const struct machine *m, uint64_t (*mix)(uint64_t));

/* ---- disasm.c ---- */

#endif
