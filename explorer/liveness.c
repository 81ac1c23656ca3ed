/*
 * liveness.c - which registers of a hart are dead: no future of the state reads them before
 * writing them. The state cache leaves them out (state_cache.c), so that states which differ
 * only in what the code left behind in its scratch registers are one state; the spin check
 * and the final state of an execution leave them out too.
 *
 * Only where the code is understood: inside a function symbol of the image, by classic
 * backward dataflow over its instructions from its entry (and from the code after each word
 * a hart may write: a site's body):
 *   - each instruction reads and writes the registers the arch's decoder gives
 *     (decode_mem_order), once they hold when it runs (machine_reg_access_holds: Capstone 4
 *     leaves some reads out); one whose accesses do not hold, that touches SIMD/FP
 *     registers, or that a hart may write (a site, a code word in code_written), reads every
 *     register;
 *   - control goes where decode_flow says; a register jump, a trap, an exception return, an
 *     instruction not decoded, or falling off the end reads every register.
 * In a C function (its DWARF has the definition: compiled to the procedure call standard by
 * the image's recipe, without jump tables) a return leaves what the caller may read (the
 * callee-saved registers, arch live_at_return, and the result registers its prototype's
 * result type needs); a call reads the arguments the callee's prototype takes (every
 * argument register when the callee is not known), and passes through every other register
 * live after it, as if the callee kept it; a jump out of the function, or through a
 * register, is a tail call. In assembly a call reads what a C callee's prototype takes, and
 * every register for any other; a return leaves what is live where the link register points
 * when the function never writes it (a leaf: the caller's own liveness), else every register.
 * At the top-level call's return (MACHINE_MAGIC_RETURN), what the tool reads: the result,
 * the callee-saved registers it compares, and a litmus test's observed registers. The
 * tool's own checks read more while a traced call's frame is open at the hart's level: every
 * register but the arch's scratch ones (checked at body entry: check_entry_state), so those
 * stay live there; sp, pc, the link register and the frame register are always live. Inside
 * a synchronous exception (a probe's pt_regs) nothing is dead.
 *
 * Per function, on first use; forgotten when code_written grows (the search restarts then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define LV_MAX_FUNC_BYTES 0x4000u
#define LV_ALL ~0ull

struct lv_func {
	uint64_t lo;    /* 0: a free slot */
	bool analysed;
};

/* Live on entry at one pc, in decode_mem_order's numbering. In a C function both masks are the
 * same. In assembly, what its returns leave live is not known from the code: `none` is what is
 * live if the caller reads nothing after the return, `all` if it reads everything; with
 * returns_to_lr the function never writes the link register, so its returns go where the
 * link register points now, and what is live there decides between them. */
struct lv_pc {
	uint64_t none, all;
	bool returns_to_lr;
};

struct liveness {
	unsigned code_gen;      /* code_written's generation the tables are of */
	size_t nfuncs, funcs_cap;
	struct lv_func *funcs;  /* open addressing on lo */
	size_t npcs, pcs_cap;
	uint64_t *pc_key;       /* open addressing: pc + 1, 0 = empty */
	struct lv_pc *pc_live;
};

static size_t slot(uint64_t k, size_t cap)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static void forget(struct liveness *lv)
{
	if (lv->funcs) /* none yet before the first function */
		memset(lv->funcs, 0, lv->funcs_cap * sizeof(*lv->funcs));
	if (lv->pc_key)
		memset(lv->pc_key, 0, lv->pcs_cap * sizeof(*lv->pc_key));
	lv->nfuncs = lv->npcs = 0;
}

static bool pc_put(struct liveness *lv, uint64_t pc, const struct lv_pc *live)
{
	size_t k;

	if (2 * (lv->npcs + 1) > lv->pcs_cap) {
		size_t cap = lv->pcs_cap ? 2 * lv->pcs_cap : 1024;
		uint64_t *key = calloc(cap, sizeof(*key));
		struct lv_pc *val = calloc(cap, sizeof(*val));

		if (!key || !val) {
			free(key);
			free(val);
			return false;
		}
		for (size_t i = 0; i < lv->pcs_cap; i++) {
			if (!lv->pc_key[i])
				continue;
			for (k = slot(lv->pc_key[i], cap); key[k]; k = (k + 1) & (cap - 1))
				;
			key[k] = lv->pc_key[i];
			val[k] = lv->pc_live[i];
		}
		free(lv->pc_key);
		free(lv->pc_live);
		lv->pc_key = key;
		lv->pc_live = val;
		lv->pcs_cap = cap;
	}
	for (k = slot(pc + 1, lv->pcs_cap); lv->pc_key[k] && lv->pc_key[k] != pc + 1;
	     k = (k + 1) & (lv->pcs_cap - 1))
		;
	if (!lv->pc_key[k])
		lv->npcs++;
	lv->pc_key[k] = pc + 1;
	lv->pc_live[k] = *live;
	return true;
}

static bool pc_get(const struct liveness *lv, uint64_t pc, struct lv_pc *live)
{
	if (!lv->pcs_cap)
		return false;
	for (size_t k = slot(pc + 1, lv->pcs_cap); lv->pc_key[k]; k = (k + 1) & (lv->pcs_cap - 1))
		if (lv->pc_key[k] == pc + 1) {
			*live = lv->pc_live[k];
			return true;
		}
	return false;
}

/* The function entry lo's slot, added (not analysed) when new; NULL when the table is full. */
static struct lv_func *func_slot(struct liveness *lv, uint64_t lo)
{
	size_t k;

	if (!lv->funcs_cap) {
		lv->funcs_cap = 1024;
		lv->funcs = calloc(lv->funcs_cap, sizeof(*lv->funcs));
		if (!lv->funcs) {
			lv->funcs_cap = 0;
			return NULL;
		}
	}
	for (k = slot(lo, lv->funcs_cap); lv->funcs[k].lo && lv->funcs[k].lo != lo;
	     k = (k + 1) & (lv->funcs_cap - 1))
		;
	if (!lv->funcs[k].lo) {
		if (2 * (lv->nfuncs + 1) > lv->funcs_cap)
			return NULL;
		lv->nfuncs++;
		lv->funcs[k].lo = lo;
	}
	return &lv->funcs[k];
}

/* Register-file mask of a mask in decode_mem_order's numbering (bits that are neither
 * liveness_regs nor the flags are left out: never dead). */
static uint64_t to_regfile(const struct arch_model *arch, uint64_t m)
{
	uint64_t r = m & arch->liveness_regs;

	if (arch->flags_bit >= 0 && (m >> arch->flags_bit & 1))
		r |= 1ull << arch->flags_reg;
	return r;
}

/* The general registers in decode_mem_order's numbering: numbered as in the register file,
 * below the flags' bit (or 32). */
static uint64_t gpr_bits(const struct arch_model *arch)
{
	return (1ull << (arch->flags_bit >= 0 && arch->flags_bit < 32 ? arch->flags_bit : 32)) - 1;
}

/* Register-file mask of every general register and the flags a mask in decode_mem_order's
 * numbering names: what the instruction check redraws and compares. */
static uint64_t to_regfile_all(const struct arch_model *arch, uint64_t m)
{
	uint64_t r = m & gpr_bits(arch);

	if (arch->flags_bit >= 0 && (m >> arch->flags_bit & 1))
		r |= 1ull << arch->flags_reg;
	return r;
}

/* What one instruction of a function reads, writes, and where it goes. */
struct lv_insn {
	bool reached;
	uint8_t len;
	enum insn_flow_kind kind;
	int64_t succ;           /* index of the target inside the function, -1 outside, or -2:
				 * none */
	uint64_t uses, defs;    /* decode_mem_order's numbering; uses LV_ALL: reads everything */
	uint64_t callee_reads;  /* a call or a jump out of the function: what the callee may read
				 * (its arguments, by its prototype; LV_ALL: not C, from assembly) */
	bool conditional;       /* it may do nothing: writes nothing for sure, may fall through */
	bool in_it;             /* inside a T32 IT block: conditional */
	bool decoded;
	uint8_t it_block;       /* an IT: how many instructions its block holds */
};

/* The registers one instruction reads and writes, as checked by running it; LV_ALL uses when
 * they do not hold or cannot be checked. */
static void decode_access(const struct explorer *x, const uint8_t *b, unsigned len,
			  struct lv_insn *in)
{
	const struct arch_model *arch = x->arch;
	uint64_t known = gpr_bits(arch) | (arch->flags_bit >= 0 ? 1ull << arch->flags_bit : 0);
	struct special_insn sp;
	struct mem_order mo;

	in->uses = LV_ALL;
	in->defs = 0;
	memset(&sp, 0, sizeof(sp));
	arch->decode_special(b, &sp);
	switch (sp.kind) {
	case SPECIAL_NONE:
		break;
	case SPECIAL_BARRIER: /* no register in or out */
	case SPECIAL_DSB:
	case SPECIAL_ISB:
	case SPECIAL_HINT:
		in->uses = 0;
		return;
	case SPECIAL_ICACHE_SYNC: /* cache maintenance by address: the address register */
	case SPECIAL_DCACHE:
		in->uses = sp.addr_reg >= 0 ? 1ull << sp.addr_reg : 0;
		return;
	default: /* traps, exception return: everything */
		return;
	}
	arch->decode_mem_order(b, len, &mo);
	in->it_block = mo.block;
	mo.reads |= mo.writeback;
	if (in->conditional) { /* it reads the flags, and may write nothing */
		mo.reads |= arch->flags_bit >= 0 ? 1ull << arch->flags_bit : 0;
		mo.writes = 0;
	}
	/* Registers the check cannot see (SIMD/FP): everything. */
	if ((mo.reads | mo.writes) & ~known)
		return;
	if (!machine_reg_access_holds(arch, b, len, to_regfile_all(arch, mo.reads),
				      to_regfile_all(arch, mo.writes & ~mo.reads))) {
		/* Flags written in part (arm's TST keeps V, and C without a shift) are read too. */
		uint64_t flags = arch->flags_bit >= 0 ? 1ull << arch->flags_bit : 0;

		if (!(mo.writes & flags) ||
		    !machine_reg_access_holds(arch, b, len, to_regfile_all(arch, mo.reads | flags),
					      to_regfile_all(arch, mo.writes & ~mo.reads & ~flags)))
			return;
		mo.reads |= flags;
	}
	in->uses = mo.reads;
	in->defs = mo.writes & ~mo.reads;
}

/* The prototype of the C function whose entry is target; NULL when it is none. */
static const struct image_prototype *c_function_at(const struct explorer *x, uint64_t target)
{
	uint64_t off;
	const struct image_symbol *sym = image_symbol_at(x->img, target, &off);

	return sym && sym->is_func && off == 0 ? image_function_prototype(x->img, sym->name)
					      : NULL;
}

/* The registers a C function returns its result in (AAPCS64 6.9, AAPCS 6.5, the RISC-V
 * psABI: the first argument register, the second too for two words or a composite). */
static uint64_t result_regs(const struct arch_model *arch, const struct image_prototype *p)
{
	if (p->ret_bytes == 0)
		return 0;
	if (p->ret_bytes > 0 && (unsigned)p->ret_bytes <= arch->word_size)
		return 1ull << arch->arg_regs[0];
	return 1ull << arch->arg_regs[0] | 1ull << arch->arg_regs[1];
}

/* The registers a call of a C function with prototype p passes arguments in: one per integer
 * or pointer parameter of a word at most; every argument register (and the indirect result
 * register) for anything else, a variadic function or a result returned in memory. */
static uint64_t argument_regs(const struct arch_model *arch, const struct image_prototype *p)
{
	uint64_t m = 0;

	if (!p || p->variadic || p->nparams > arch->narg_regs || p->ret_bytes < 0 ||
	    p->ret_bytes > 2 * (int)arch->word_size)
		return arch->call_args_all;
	for (unsigned i = 0; i < p->nparams; i++) {
		if (p->params[i].kind == PARAM_UNSUPPORTED || p->params[i].size > arch->word_size)
			return arch->call_args_all;
		m |= 1ull << arch->arg_regs[i];
	}
	return m;
}

/* Live on entry of each reached instruction, to a fixed point, with ret live after a return
 * (a tail call's callee returns there too). */
static void dataflow(const struct explorer *x, const struct lv_insn *in, unsigned n,
		     uint64_t ret, uint64_t *live)
{
	const struct arch_model *arch = x->arch;
	unsigned align = arch->insn_align;
	bool changed;

	memset(live, 0, n * sizeof(*live));
	do {
		changed = false;
		for (unsigned i = n; i-- > 0;) {
			const struct lv_insn *t = &in[i];
			uint64_t out = 0, v;
			unsigned next = i + (t->len ? t->len : align) / align;

			if (!t->reached)
				continue;
			switch (t->kind) {
			case FLOW_NEXT:
				out = live[next];
				break;
			case FLOW_CALL:
				out = live[next] | t->callee_reads | arch->live_at_call;
				break;
			case FLOW_RETURN:
				out = ret;
				break;
			case FLOW_JUMP:
			case FLOW_COND:
				out = t->succ >= 0 ? live[t->succ]
						   : t->callee_reads | arch->live_at_call | ret;
				if (t->kind == FLOW_COND)
					out |= live[next];
				break;
			default:
				out = LV_ALL;
				break;
			}
			if (t->conditional && t->kind != FLOW_OTHER) /* or it does nothing */
				out |= live[next];
			v = t->uses | (out & ~t->defs);
			if (v != live[i]) {
				live[i] = v;
				changed = true;
			}
		}
	} while (changed);
}

/* The instructions of the T32 IT block of `count` from pc on are conditional (one already
 * decoded, reached by a jump into the block, reads every register). */
static void mark_it_block(const struct arch_model *arch, const uint8_t *text, uint64_t lo,
			  uint64_t hi, uint64_t pc, unsigned count, struct lv_insn *in)
{
	for (; count && pc + arch->insn_align <= hi; count--) {
		struct lv_insn *t = &in[(pc - lo) / arch->insn_align];

		t->in_it = true;
		if (t->decoded) {
			t->kind = FLOW_OTHER;
			t->uses = LV_ALL;
		}
		pc += arch->insn_length(text + (pc - lo));
	}
}

/* A reached instruction and what is live on its entry. */
struct lv_kept_pc {
	uint64_t pc;
	struct lv_pc live;
};

/* Backward dataflow over [lo, hi) (its bytes text, 4 more after it), a C function of
 * prototype c or assembly (c NULL); every reached instruction's live-on-entry into
 * out[0..*nout) (malloc'd). False when the function cannot be analysed (too big). */
static bool analyse(struct explorer *x, const uint8_t *text, uint64_t lo, uint64_t hi,
		    const struct image_prototype *c, struct lv_kept_pc **out, unsigned *nout)
{
	const struct arch_model *arch = x->arch;
	unsigned align = arch->insn_align, n = (unsigned)((hi - lo) / align);
	uint64_t *live, *live_all = NULL, lr = 1ull << arch->reg_lr;
	unsigned *work, nwork = 0;
	struct lv_insn *in;
	bool keeps_lr = true, ok = false;

	*out = NULL;
	*nout = 0;
	if (hi - lo > LV_MAX_FUNC_BYTES)
		return false;
	in = calloc(n, sizeof(*in));
	live = calloc(n, sizeof(*live));
	live_all = calloc(n, sizeof(*live_all));
	work = calloc(n, sizeof(*work));
	if (!in || !live || !live_all || !work)
		goto out;
	/* The instructions reached from the entry, decoded. */
	work[nwork++] = 0;
	in[0].reached = true;
	while (nwork) {
		unsigned i = work[--nwork];
		uint64_t pc = lo + (uint64_t)i * align;
		struct lv_insn *t = &in[i];
		struct insn_flow fl;
		unsigned len;

		t->succ = -2;
		t->kind = FLOW_OTHER; /* until decoded: no whole instruction left */
		if (hi - pc < align)
			continue;
		if (code_written_holds(x, pc)) {
			/* A hart may write it: anything may be there. Where the code no hart writes
			 * begins again (a site's body) is reached from here. */
			uint64_t after = (pc & ~3ull) + 4;
			unsigned next = (unsigned)((after - lo) / align);

			t->uses = LV_ALL;
			if (after < hi && !in[next].reached) {
				in[next].reached = true;
				work[nwork++] = next;
			}
			continue;
		}
		len = arch->insn_length(text + (pc - lo));
		t->len = (uint8_t)len;
		if (pc + len > hi)
			continue;
		arch->decode_flow(text + (pc - lo), len, pc, &fl);
		t->conditional = fl.conditional || t->in_it;
		decode_access(x, text + (pc - lo), len, t);
		t->decoded = true;
		t->kind = fl.kind;
		if (fl.pops_pc && !c)
			t->kind = FLOW_OTHER; /* assembly may keep anything on its stack */
		/* From C, every callee keeps to the procedure call standard; from assembly, a C
		 * function does. */
		t->callee_reads = fl.has_target && c_function_at(x, fl.target)
					  ? argument_regs(arch, c_function_at(x, fl.target))
					  : c ? arch->call_args_all : LV_ALL;
		if (fl.kind == FLOW_CALL || (t->defs & lr) || t->uses == LV_ALL)
			keeps_lr = false;
		if ((t->kind == FLOW_JUMP || t->kind == FLOW_COND) && fl.has_target)
			t->succ = fl.target >= lo && fl.target < hi && !((fl.target - lo) % align)
					  ? (int64_t)((fl.target - lo) / align) : -1;
		else if (t->kind == FLOW_JUMP && c)
			t->succ = -1; /* a tail call through a register */
		else if (t->kind == FLOW_JUMP || t->kind == FLOW_COND)
			t->kind = FLOW_OTHER;
		if (t->succ >= 0 && !in[t->succ].reached) {
			in[t->succ].reached = true;
			work[nwork++] = (unsigned)t->succ;
		}
		mark_it_block(arch, text, lo, hi, pc + len, t->it_block, in);
		if (t->kind == FLOW_NEXT || t->kind == FLOW_COND || t->kind == FLOW_CALL ||
		    t->conditional) {
			unsigned next = i + len / align;

			if (pc + len >= hi) {
				t->kind = FLOW_OTHER; /* falls off the end */
			} else if (!in[next].reached) {
				in[next].reached = true;
				work[nwork++] = next;
			}
		}
	}
	dataflow(x, in, n, c ? arch->live_at_return | result_regs(arch, c) : 0, live);
	if (c)
		memcpy(live_all, live, n * sizeof(*live));
	else
		dataflow(x, in, n, LV_ALL, live_all);
	if (!(*out = malloc(n * sizeof(**out))))
		goto out;
	ok = true;
	for (unsigned i = 0; i < n; i++)
		if (in[i].reached)
			(*out)[(*nout)++] = (struct lv_kept_pc){
				lo + (uint64_t)i * align, {live[i], live_all[i], !c && keeps_lr}};
out:
	free(in);
	free(live);
	free(live_all);
	free(work);
	return ok;
}

/* ---- analyses kept for the process ---- */

/*
 * A function's analysis depends on the arch, the image (its symbols and the prototypes of its
 * DWARF), the function's bytes in RAM and which of its words a hart may write; the next
 * scenario of the same image (a kept image keeps its serial) takes it from here instead of
 * analysing again: the gate analysed 405 functions 1,687 times. When the table is full, every
 * analysis in it is forgotten.
 */
#define LV_KEPT 1024

struct lv_kept {
	const struct arch_model *arch; /* NULL: a free slot */
	uint64_t image, lo, hi, text, written;
	bool ok;                       /* what analyse answered */
	unsigned n;
	struct lv_kept_pc *pcs;
};

static struct lv_kept kept[2 * LV_KEPT]; /* open addressing on the key's hash */
static unsigned nkept;

static struct lv_kept *kept_slot(const struct lv_kept *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k->arch;
	size_t i;

	h = (h ^ k->image) * 0x9e3779b97f4a7c15ull;
	h = (h ^ k->lo ^ k->hi << 20 ^ k->text ^ k->written) * 0x9e3779b97f4a7c15ull;
	for (i = slot(h, 2 * LV_KEPT); kept[i].arch; i = (i + 1) & (2 * LV_KEPT - 1))
		if (kept[i].arch == k->arch && kept[i].image == k->image && kept[i].lo == k->lo &&
		    kept[i].hi == k->hi && kept[i].text == k->text && kept[i].written == k->written)
			break;
	return &kept[i];
}

static void forget_kept(void)
{
	for (size_t i = 0; i < 2 * LV_KEPT; i++)
		free(kept[i].pcs);
	memset(kept, 0, sizeof(kept));
	nkept = 0;
}

/* The analysis of [lo, hi) (analyse), into the table; false when it cannot be analysed. */
static bool analyse_or_recall(struct explorer *x, struct liveness *lv, uint64_t lo, uint64_t hi,
			      const struct image_prototype *c)
{
	const uint8_t *text = machine_ram_view(x->m, lo, hi - lo + 4); /* insn_length reads 4 */
	struct lv_kept key = {.arch = x->arch, .image = image_serial(x->img), .lo = lo, .hi = hi};
	struct lv_kept *k;

	if (!text || hi <= lo)
		return false;
	key.text = machine_hash_bytes(text, hi - lo + 4, 0);
	for (uint64_t w = lo & ~3ull; w < hi + 4; w += 4)
		if (code_written_holds(x, w))
			key.written = (key.written ^ (w - lo + 1)) * 0x100000001b3ull;
	k = kept_slot(&key);
	if (!k->arch) {
		if (nkept == LV_KEPT) {
			forget_kept();
			k = kept_slot(&key);
		}
		key.ok = analyse(x, text, lo, hi, c, &key.pcs, &key.n);
		*k = key;
		nkept++;
		x->stats.functions_analysed++;
	} else {
		x->stats.functions_recalled++;
	}
	for (unsigned i = 0; i < k->n; i++)
		if (!pc_put(lv, k->pcs[i].pc, &k->pcs[i].live))
			return false;
	return k->ok;
}

/* Live on entry at pc; false when pc is not in code the analysis understands. */
static bool live_at(struct explorer *x, uint64_t pc, struct lv_pc *live)
{
	struct liveness *lv = x->liveness;
	const struct image_symbol *sym;
	struct lv_func *f;
	uint64_t off, lo;

	if (lv->code_gen != x->code_written_gen) {
		forget(lv);
		lv->code_gen = x->code_written_gen;
	}
	if (pc_get(lv, pc, live))
		return true;
	sym = image_symbol_at(x->img, pc, &off);
	if (!sym || !sym->is_func || !sym->size || off >= sym->size)
		return false;
	lo = pc - off;
	if (x->arch->isa_code_kind && image_code_kind_at(x->img, lo) &&
	    image_code_kind_at(x->img, lo) != x->arch->isa_code_kind)
		return false; /* code of the other instruction set */
	f = func_slot(lv, lo);
	if (!f || f->analysed)
		return false; /* analysed: pc is not an instruction it reached */
	f->analysed = true;
	return analyse_or_recall(x, lv, lo, lo + sym->size,
				 image_function_prototype(x->img, sym->name)) &&
	       pc_get(lv, pc, live);
}

void liveness_open(struct explorer *x)
{
	x->liveness = x->arch->decode_flow && !(x->opt && x->opt->keep_dead_registers)
			      ? calloc(1, sizeof(*x->liveness)) : NULL;
}

void liveness_close(struct explorer *x)
{
	if (!x->liveness)
		return;
	free(x->liveness->funcs);
	free(x->liveness->pc_key);
	free(x->liveness->pc_live);
	free(x->liveness);
	x->liveness = NULL;
}

/* Of the registers a state may leave out, those not in live, nor among the ones every future
 * may read (sp, pc, the link and frame registers). */
static uint64_t dead_but(const struct arch_model *arch, uint64_t live)
{
	uint64_t maskable = arch->decode_flow ? arch->liveness_regs |
		(arch->flags_bit >= 0 ? 1ull << arch->flags_reg : 0) : 0;

	live |= 1ull << arch->reg_sp | 1ull << arch->reg_pc | 1ull << arch->reg_lr;
	if (arch->frame_reg >= 0)
		live |= 1ull << arch->frame_reg;
	return maskable & ~live;
}

/* A hart back from its last call: what the tool reads of it (the result, the callee-saved
 * registers it compares, a litmus test's observed ones). */
static uint64_t live_at_end(const struct explorer *x, unsigned h)
{
	return x->arch->callee_saved_mask | 1ull << x->arch->reg_ret | x->end_live[h];
}

uint64_t liveness_dead_regs(struct explorer *x, unsigned h)
{
	const struct arch_model *arch = x->arch;
	const struct hart_state *hs = &x->st.harts[h];
	uint64_t pc, live;

	if (!x->liveness || hs->in_sync_exception)
		return 0;
	pc = machine_pc(x->m, h);
	if (pc == MACHINE_MAGIC_RETURN) {
		live = live_at_end(x, h);
	} else {
		struct lv_pc l, r;
		uint64_t ret = machine_reg(x->m, h, arch->reg_lr) & ~1ull, after = ~0ull;

		if (!live_at(x, pc, &l))
			return 0;
		/* Assembly that returns where the link register points: what is live there. */
		if (l.returns_to_lr && ret == MACHINE_MAGIC_RETURN)
			after = live_at_end(x, h);
		else if (l.returns_to_lr && live_at(x, ret, &r))
			after = to_regfile(arch, r.all);
		live = to_regfile(arch, l.none) | (to_regfile(arch, l.all) & after);
	}
	if (hart_live_depth(hs))
		live |= ~arch->scratch_mask;
	return dead_but(arch, live);
}

uint64_t liveness_dead_at_end(const struct explorer *x, unsigned h)
{
	const struct hart_state *hs = &x->st.harts[h];

	if (machine_pc(x->m, h) != MACHINE_MAGIC_RETURN || hs->nirq || hs->in_sync_exception)
		return 0;
	return dead_but(x->arch, live_at_end(x, h));
}

void liveness_poison(struct explorer *x, unsigned h)
{
	const struct arch_model *arch = x->arch;
	uint64_t dead = liveness_dead_regs(x, h);

	for (unsigned r = 0; dead && r < arch->nregs; r++) {
		uint64_t v = 0x5eed000000000000ull ^ (uint64_t)x->st.ntransitions << 16 ^ r << 8 ^ h;

		if (!(dead >> r & 1))
			continue;
		if ((int)r == arch->flags_reg)
			v = (machine_reg(x->m, h, r) & ~arch->flags_value_mask) |
			    ((~machine_reg(x->m, h, r) ^ x->st.ntransitions << 28) & arch->flags_value_mask);
		else if (arch->word_size == 4)
			v = (uint32_t)(v ^ v >> 32);
		machine_set_reg(x->m, h, (int)r, v);
	}
}

void liveness_mask_regs(const struct explorer *x, uint64_t dead, uint64_t *regs)
{
	const struct arch_model *arch = x->arch;

	for (unsigned r = 0; dead && r < arch->nregs; r++) {
		if (!(dead >> r & 1))
			continue;
		if ((int)r == arch->flags_reg)
			regs[r] &= ~arch->flags_value_mask;
		else
			regs[r] = 0;
	}
}
