/*
 * arch.h - the arch model: what generic code (emu/, explorer/) may ask of an architecture.
 *
 * Generic code calls these ops the way Linux's generic ftrace calls arch_* hooks; adding an
 * architecture means adding models/<arch>/ and one entry in arch_model_find(), never a branch
 * on the architecture in generic code.
 */
#ifndef PATCHCHECK_ARCH_H
#define PATCHCHECK_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARCH_MAX_REGS 40 /* size of a register file snapshot, any arch */

/* What the machine must do about an instruction, decided before it is stepped. */
enum special_kind {
	SPECIAL_NONE = 0,   /* ordinary: step it in Unicorn */
	SPECIAL_ICACHE_SYNC,/* invalidates instruction fetch of an address (IC IVAU, ICIMVAU) */
	SPECIAL_DCACHE,     /* data cache maintenance towards PoU (DC CVAU, DCCMVAU) */
	SPECIAL_BARRIER,    /* DMB / FENCE: orders memory accesses */
	SPECIAL_DSB,        /* DSB: also completes this hart's cache maintenance */
	SPECIAL_ISB,        /* context synchronisation of this hart's fetch (ISB, FENCE.I) */
	SPECIAL_EXC_RETURN, /* exception return (ERET): context synchronising, stepped normally */
	SPECIAL_HINT,       /* WFE / YIELD / SEV: no architectural effect for us, skipped */
	SPECIAL_BREAKPOINT, /* BRK / EBREAK / BKPT: a trap the machine reports */
	SPECIAL_ENV_CALL,   /* ECALL: a call into firmware the machine may perform itself */
};

/*
 * Exclusive access sections (load-exclusive ... store-exclusive; RISC-V LR ... SC). A store
 * other harts make inside a section only makes the store-exclusive fail and the loop retry,
 * which is the same as that store coming before the load-exclusive: the explorer runs a
 * section without schedule points.
 */
enum exclusive_role {
	EXCL_NONE = 0,
	EXCL_OPEN,  /* LDXR/LDAXR/LDXP, LDREX{,B,H,D}, LR.W/LR.D */
	EXCL_CLOSE, /* STXR/STLXR/STXP, STREX{,B,H,D}, SC.W/SC.D, CLREX */
};

struct special_insn {
	enum special_kind kind;
	unsigned len;     /* bytes */
	int addr_reg;     /* register index holding the address (ICACHE_SYNC, DCACHE), or -1:
			   * the whole cache (IC IALLU) */
	bool local;       /* ICACHE_SYNC of the executing PE's own cache only (IC IALLU,
			   * ICIALLU), not broadcast to the inner shareable domain */
	uint32_t imm;     /* BRK immediate */
	enum exclusive_role exclusive; /* stepped normally; for the explorer's transitions */
};

/*
 * What an instruction means for the data memory model (emu/datamem.c, memory: arch): the
 * registers it reads and writes (bit r: register r of the arch's numbering for this purpose,
 * at most 64), the ordering it adds, and whether its load must read the newest value.
 */
#define MEM_R 1u /* fence sets: loads */
#define MEM_W 2u /*             stores */

struct mem_order {
	uint64_t reads, writes;
	uint64_t writeback; /* base registers written back by a load or store: their new value
			     * depends on the address, not on the value loaded */
	bool exact;         /* reads and writes are exact; else views of written registers only
			     * grow (dependencies over-approximated: a decoder that may miss one) */
	bool branch;        /* a conditional or register branch: a control dependency */
	bool branch_on_load;/* ... whose target is the value it loads (A32 LDR pc, POP {pc},
			     * TBB): the dependency is on the load too */
	uint8_t block;      /* the instructions after it that its step runs too, under its
			     * condition (T32 IT: Unicorn runs an IT block as one step with its
			     * IT); the data model decodes them from memory and merges them in */
	bool atomic;        /* a read-modify-write or exclusive load: reads the newest value */
	bool acquire;       /* LDAR, LDAXR, LSE .A, RISC-V .aq: later accesses after it */
	bool acquire_pc;    /* LDAPR (RCpc): as acquire, but not ordered after an earlier release */
	bool release;       /* STLR, STLXR, LSE .L, RISC-V .rl: after every earlier access */
	bool ctx_sync;      /* ISB: later loads after every earlier control/address dependency */
	uint8_t fence_pred, fence_succ; /* a fence (DMB, DSB, FENCE): MEM_R|MEM_W before, after */
	bool fence_tso;     /* RISC-V FENCE.TSO: as fence rw,rw without store -> load */
};

/*
 * Where an instruction sends control, for the register liveness of compiled C
 * (explorer/liveness.c). A target is an address; `target` is valid for FLOW_JUMP, FLOW_COND
 * and FLOW_CALL with has_target.
 */
enum insn_flow_kind {
	FLOW_NEXT = 0,  /* falls through to the next instruction */
	FLOW_JUMP,      /* to target only (B, JAL x0); no target: through a register (BR, JR):
			 * in C, a tail call (guest C is built without jump tables) */
	FLOW_COND,      /* to target or the next (B.cond, CBZ, TBZ, BEQ) */
	FLOW_CALL,      /* a call that returns to the next (BL, BLR, JAL/JALR ra); no target:
			 * through a register */
	FLOW_RETURN,    /* a return to the caller (RET, BX LR, POP {.., pc}, JALR x0, 0(ra)) */
	FLOW_OTHER,     /* anything else that leaves the straight line: a register jump, an
			 * exception or its return, a trap, an instruction not decoded */
};

struct insn_flow {
	enum insn_flow_kind kind;
	bool has_target;
	uint64_t target;
	bool conditional; /* it may do nothing (A32's condition field): what it writes is not
			   * written for sure, and it may fall through */
	bool pops_pc;     /* a return that loads the pc from the stack (POP {.., pc}): how
			   * procedure-call-standard code returns; in assembly, anything */
};

/* How a hart comes to fetch a word another hart (or itself) wrote, under fetch: arch. */
enum fetch_rule {
	/* Arm (DDI 0487 B2.4.4, DDI 0406C A3.5.4 / B2.2.9): the writer cleans the data cache to
	 * the point of unification and invalidates the instruction cache (each completed by a
	 * DSB); then each hart that executes the code needs a context synchronisation event. */
	FETCH_RULE_CACHE_MAINTENANCE = 0,
	/* RISC-V (unprivileged spec, Zifencei): a hart's FENCE.I makes every store visible to it
	 * visible to its own fetches, and no other hart's. */
	FETCH_RULE_FENCE_I,
};

/*
 * A call into firmware that the machine performs in place of the firmware (decode_firmware_call):
 * what it asks for, and the registers it returns in.
 */
enum firmware_kind {
	FIRMWARE_NONE = 0,        /* not one the machine knows: the instruction is stepped */
	FIRMWARE_REMOTE_FENCE_I,  /* every hart of hart_mask executes a FENCE.I before it returns */
};

struct firmware_call {
	enum firmware_kind kind;
	uint64_t hart_mask;       /* bit h: hart h */
	unsigned nret;
	int ret_reg[2];           /* register-file indices */
	uint64_t ret[2];
};

/* Classes of instruction words for the concurrent-modification (CMODX) rule. */
enum cmodx_class {
	CMODX_OTHER = 0, /* not in the architecture's set of concurrently modifiable instructions */
	CMODX_SAFE,      /* in the set (arm64: B, BL, BRK, HVC, ISB, NOP, SMC, SVC) */
};

/* A patch site as the arch lays it out. A pass through the site starts at `start`; the traced
 * code proper starts at `body`. Registers at `start` are the reference the checks compare the
 * body's entry state with. */
struct site_layout {
	uint64_t func;   /* the function that holds the site */
	uint64_t start;  /* first byte of the site: where a pass begins */
	uint64_t body;   /* first byte after the site */
	uint64_t bl;     /* the call instruction of the enabled site: callbacks get it as ip */
	uint64_t literal;/* address of the 8-byte ops literal, or 0 */
};

/* What an arch's find_sites may look at: the loaded text, the patchable-entry records, symbols. */
struct site_source {
	const uint8_t *text;     /* bytes of [text_begin, text_end) */
	uint64_t text_begin, text_end;
	const uint64_t *records; /* __patchable_function_entries: address of each first pad */
	size_t nrecords;
	void *ud;
	/* The function symbol whose range covers addr: its address; false when none. */
	bool (*func_at)(void *ud, uint64_t addr, uint64_t *func);
	/* A symbol's address by name. */
	bool (*lookup)(void *ud, const char *name, uint64_t *addr);
};

/*
 * How a Linux tree's own trampolines are built for this arch (toolchain/ktree.c): where they
 * are in the tree, what the tree's headers need to parse struct pt_regs for the asm-offsets
 * (the arch's CONFIG_ values, headers the kernel build generates with the tree's own awk
 * scripts), and patchcheck's compatibility layer and CONFIG choices for assembling them.
 * Paths of the layer are relative to the source tree's models/ directory.
 *
 * An arch whose kernel is built one of several ways that its images also differ in (arm: all
 * A32 or all T32) gives one of these per image, chained by `other`; image names the bundled
 * image each is for (NULL: every image of the arch). arch_kernel_tree_for_image picks one.
 */
#define ARCH_KTREE_MAX_FLAGS 12

struct arch_kernel_tree {
	const char *image;                                 /* "ftrace_thumb"; NULL: any image */
	const char *tree_arch;                             /* "arm64": arch/<tree_arch>/ */
	const char *target_flags[ARCH_KTREE_MAX_FLAGS];    /* clang: target and ABI */
	const char *header_flags[ARCH_KTREE_MAX_FLAGS];    /* -D the tree's headers need */
	struct { const char *header, *script, *input; } generated[2]; /* awk -f script input */
	const char *offsets_program;                       /* e.g. "arm64/kernel/offsets.c" */
	const char *compat_include;                        /* e.g. "arm64/kernel/include" */
	const char *config_header;                         /* -include'd: the CONFIG_ choices */
	const char *glue;                                  /* C the tree's files call, ours */
	const char *asm_flags[ARCH_KTREE_MAX_FLAGS];       /* more flags for the tree's .S files */
	const struct arch_kernel_tree *other;              /* the variant for other images */
};

struct arch_model {
	const char *name;        /* "arm64" */
	int uc_arch, uc_mode;    /* Unicorn */
	int uc_cpu_model;        /* -1: Unicorn's default */
	int cs_arch, cs_mode;    /* Capstone, or -1 when another disassembler serves */
	unsigned page_size;      /* Unicorn's target page size */
	unsigned word_size;      /* 8 or 4: size of a register and of a pointer */
	unsigned insn_align;     /* minimum instruction alignment */

	/* The register file: index i is Unicorn register reg_ids[i], printed as reg_names[i]. */
	unsigned nregs;
	const int *reg_ids;
	const char *const *reg_names;
	int reg_pc, reg_sp, reg_lr, reg_ret;
	int arg_regs[8];
	unsigned narg_regs;
	uint64_t scratch_mask;   /* regs that a patch site / trampoline may clobber at body entry */
	uint64_t regs_seen_mask; /* besides arg_regs, regs whose value in the frame a callback gets
				  * (pc_record regs[]) must be as at the site; 0: arguments only */
	bool regs_sp_unchecked;  /* regs->sp a callback sees need not be the entry SP (riscv) */
	/* The pc_record regs[] slot where a regs callback finds the frame's copy of the first
	 * argument as it was at the call, compared with that register at the site, and the
	 * field's name for messages (arm: ARM_ORIG_r0, uregs[17]); -1: the arch's trampolines
	 * promise no such copy. */
	int regs_orig_arg0;
	const char *regs_orig_arg0_name;
	uint64_t callee_saved_mask;
	/* Registers the ABI gives a fixed meaning at every call, which a caller cannot leave
	 * holding values of its own (riscv: zero, gp, tp; the flags of arm's CPSR carry the
	 * instruction-set state). Every other register but pc, sp, the link register and the
	 * call's arguments is poisoned at each call (explorer/poison.c). */
	uint64_t abi_fixed_mask;
	unsigned stack_align;    /* required SP alignment whenever C code is called */
	/*
	 * Frame records, as the kernel's unwinder walks them (explorer/frame_chain.c): the frame
	 * register (-1: not checked), where a record keeps the previous frame pointer and the
	 * return address relative to the frame pointer, and whether the records a trampoline
	 * builds must show the traced function (a record whose return address lies in it).
	 */
	int frame_reg;
	int frame_next_off, frame_lr_off;
	bool frame_shows_traced;
	uint64_t hart_id_reg_id; /* Unicorn register that carries the hart id (TPIDR_EL0) */

	/*
	 * Instruction-set state, for an arch whose harts switch instruction sets (arm: CPSR.T,
	 * Thumb). When isa_state_mask is non-zero, register-file entry isa_state_reg holds the
	 * state: the machine restarts every step at pc | 1 when the state bits are set (the
	 * interworking bit; Unicorn reads it from the start address), and a hart whose state bits
	 * differ from isa_state_value, the instruction set this model decodes, faults instead of
	 * running code as the other instruction set. 0: one instruction set, nothing to do.
	 */
	int isa_state_reg;
	uint32_t isa_state_mask, isa_state_value;
	/*
	 * Code of the other instruction set inside one image (arm: an A32 function in a Thumb-2
	 * image): isa_code_kind is the mapping-symbol kind of this model's code ('a', 't'), and
	 * isa_other the model of the other instruction set. A hart in isa_other's state at code
	 * of isa_other's kind is stepped and decoded by isa_other; a hart in either state at code
	 * the mapping symbols give to the other instruction set faults. 0 / NULL: no mixing.
	 */
	char isa_code_kind;
	const struct arch_model *isa_other;

	/* Length in bytes of the instruction whose first bytes are given (len >= 4 readable). */
	unsigned (*insn_length)(const uint8_t *bytes);
	/* Decode a special instruction; SPECIAL_NONE for everything Unicorn can just step. */
	void (*decode_special)(const uint8_t *bytes, struct special_insn *out);
	/* The instructions that may be modified while another hart executes them, for messages. */
	const char *cmodx_set;
	/* Instruction fetch under fetch: arch (emu/fetch.c): the rule, and the cache line a
	 * maintenance instruction by address acts on (the minimum of CTR's IminLine/DminLine). */
	enum fetch_rule fetch_rule;
	unsigned cache_line;
	/* Optional (memory: arch): the instruction's registers and ordering; len bytes. */
	void (*decode_mem_order)(const uint8_t *bytes, unsigned len, struct mem_order *out);
	unsigned data_granule; /* bytes of one location of the data model: the word size */
	/*
	 * Optional: register liveness of compiled C (explorer/liveness.c). decode_flow says
	 * where the instruction at pc sends control. The masks are in decode_mem_order's
	 * numbering: what the ABI lets a caller read after a C function returns besides its
	 * result (live_at_return: the callee-saved registers, sp, the platform's fixed ones),
	 * what any callee may read at a call besides its arguments (live_at_call: sp, the fixed
	 * ones), and every register a call may pass arguments in (call_args_all: also the
	 * indirect result register). The result and the arguments themselves are arg_regs[0..1]
	 * and arg_regs[0..n-1], as the callee's prototype says. liveness_regs are the bits of that numbering
	 * that are register-file indices as they stand and that a state may leave out when dead
	 * (never sp or pc); flags_bit is the condition flags' bit (-1: none), held in register
	 * flags_reg's value under flags_value_mask.
	 */
	void (*decode_flow)(const uint8_t *bytes, unsigned len, uint64_t pc, struct insn_flow *out);
	uint64_t live_at_return, live_at_call, call_args_all;
	/* Optional: registers outside the register file that the state hash may leave out. The
	 * ones an exception entry writes and only its handler reads (Unicorn ids, arm64
	 * ELR_EL1, ESR_EL1, FAR_EL1): dead while the hart is in no handler, when no code
	 * outside the vectors reads them (reads_exception_regs says whether an instruction
	 * does). A banked stack pointer the engine leaves stale while it is the one in use
	 * (arm64 SP_EL1 at EL1h: QEMU keeps the live value in SP itself), and whether it is. */
	int exception_reg_ids[4];
	unsigned nexception_regs;
	bool (*reads_exception_regs)(const uint8_t *bytes, unsigned len);
	int banked_sp_reg_id;
	bool (*banked_sp_stale)(void *uc);
	/* Optional: an exception return the engine can run from its reset state (arm
	 * `movs pc, lr` from SVC mode, arm64 `eret` from EL1). QEMU sets the PMU's cycle-count
	 * base from the host's clock on every exception return (pmccntr_op_start, through the
	 * el-change hooks), in the CPU state uc_context_save copies; emu/context_layout.c runs
	 * this twice to find those bytes, which the state hash leaves out. */
	uint8_t exception_return[4];
	unsigned exception_return_len;
	uint64_t liveness_regs;
	int flags_bit, flags_reg;
	uint64_t flags_value_mask;
	/* CMODX class of an instruction word. */
	enum cmodx_class (*cmodx_classify)(uint32_t word);
	/* The patch sites of an image, in address order; returns how many (at most max). */
	size_t (*find_sites)(const struct site_source *src, struct site_layout *out, size_t max);
	/* Optional, for an arch whose images come in more than one instruction set (arm: A32 or
	 * T32 images): the model that decodes this image, judged from its symbols (src->text may
	 * be NULL); NULL keeps this model. Asked once per image, before a machine is made. */
	const struct arch_model *(*model_for_image)(const struct site_source *src);
	/* Exceptions, for images that install a vector table (symbol "vectors"); NULL when the
	 * arch model has none. uc is the hart's uc_engine. set_vectors installs the table;
	 * take_breakpoint enters the breakpoint exception for the instruction at pc the way the
	 * hardware does (return address, saved state, syndrome, vector). 0 or a uc_err. */
	int (*set_vectors)(void *uc, uint64_t vectors);
	int (*take_breakpoint)(void *uc, uint64_t pc, uint32_t imm, uint64_t vectors);
	/* A breakpoint is delivered to the guest only in an image that defines this symbol, its
	 * synchronous-exception handler (NULL: never); elsewhere it stops the run. */
	const char *sync_handler_symbol;
	/* Optional: interrupts. take_interrupt enters the interrupt exception the way the hardware
	 * does before the instruction at pc; interrupts_masked reads the hart's mask (DAIF.I,
	 * sstatus.SIE, CPSR.I). */
	int (*take_interrupt)(void *uc, uint64_t pc, uint64_t vectors);
	bool (*interrupts_masked)(void *uc);
	int (*unmask_interrupts)(void *uc); /* as at local_irq_enable(): 0 or a uc_err */
	/* Optional: the firmware call an environment call with the registers regs (the register
	 * file) makes, for calls the machine performs itself (RISC-V SBI). */
	void (*decode_firmware_call)(const uint64_t *regs, struct firmware_call *out);
	/* Two instructions in this model's instruction set: a load-exclusive (load-reserved) of
	 * register arg_regs[0] from the address in arg_regs[1], then one that clears the monitor
	 * (CLREX; riscv: a store-conditional to the same address). emu/monitor.c runs them to find
	 * where the engine keeps the monitor (0, 0: it is not looked for). */
	uint32_t monitor_probe[2];
	/* Encoders used by checks and tests (the guest patcher has its own copy of the encoding). */
	uint32_t (*encode_nop)(void);
	uint32_t (*encode_bl)(uint64_t pc, uint64_t target);
	/* A hart's code written inline in a scenario (asm:, explorer/litmus_source.c) becomes a
	 * routine: asm_isa selects this model's instruction set ("" when there is one choice),
	 * asm_return ends it (a return, then the literal pool that "ldr rN, =value" fills, where
	 * the assembler has one). */
	const char *asm_isa;
	const char *asm_return;
	/* NULL when a Linux tree's trampolines cannot be built for this arch yet; else the first
	 * of its variants (arch_kernel_tree_for_image). */
	const struct arch_kernel_tree *kernel_tree;
};

/* Find an arch model by name ("arm64"); NULL when unknown. */
const struct arch_model *arch_model_find(const char *name);

/* Index of a register by name in the model's register file, or -1. */
int arch_reg_index(const struct arch_model *arch, const char *name);

/* How a Linux tree's trampolines are built into the bundled image named image; NULL when the
 * arch has no way for it. */
const struct arch_kernel_tree *arch_kernel_tree_for_image(const struct arch_model *arch,
							  const char *image);

/* The model that decodes one image of arch: model_for_image's choice, else arch itself. */
static inline const struct arch_model *arch_model_for_image(const struct arch_model *arch,
							    const struct site_source *src)
{
	const struct arch_model *m = arch->model_for_image ? arch->model_for_image(src) : NULL;

	return m ? m : arch;
}

#endif
