/*
 * kprobes.c - the run-time side of the arm64 guest's kprobes (see kprobes.h): the probe table,
 * one control block per hart, the ftrace handler of probes that ride on an ftrace site, the
 * breakpoint handlers (probe hit, end of the out-of-line slot, jprobe return), the simulation
 * of PC-relative instructions, and the handlers scenarios install.
 *
 * Nothing here is traced. Every handler follows AAPCS64. No libc: copies are explicit loops.
 * The stack is copied in doublewords: SP is 16-byte aligned and MAX_STACK_SIZE a multiple of 8.
 */
#include "arm64/insn_arm64.h"
#include "guest.h"
#include "guest_abi.h"
#include "kprobes.h"

struct kprobe kprobe_table[KPROBE_MAX];
struct kprobe_ctlblk kprobe_ctlblks[PC_MAX_HARTS];

/* What post-handlers saw, per hart (read by the host like pc_records, callbacks.c). */
struct pc_record pc_post_records[PC_MAX_HARTS];
extern struct pc_record pc_records[PC_MAX_HARTS];

static long pre_hits[PC_MAX_HARTS], post_hits[PC_MAX_HARTS];

#define barrier() __asm__ __volatile__("" ::: "memory")

static inline unsigned long this_hart(void)
{
	unsigned long id;

	__asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(id));
	return id < PC_MAX_HARTS ? id : 0;
}

static struct kprobe_ctlblk *this_kcb(void)
{
	return &kprobe_ctlblks[this_hart()];
}

/* A state the handlers cannot continue from: the hart spins here (the scenario's step budget
 * reports it as a termination failure, at this symbol). */
__attribute__((noinline, noreturn)) void kprobe_die(void)
{
	for (;;)
		__asm__ __volatile__("");
}

/* Copy n bytes (a multiple of 8, both ends 8-byte aligned) one doubleword at a time. */
static void copy_words(void *dst, const void *src, unsigned long n)
{
	volatile unsigned long *d = dst;
	const volatile unsigned long *s = src;

	for (unsigned long i = 0; i < n / 8; i++)
		d[i] = s[i];
}

static void copy_regs(struct pt_regs *dst, const struct pt_regs *src)
{
	copy_words(dst, src, sizeof(*dst));
}

static int probe_live(const struct kprobe *p)
{
	return *(const volatile unsigned long *)&p->live != 0;
}

/* The breakpoint probe at addr, or NULL. */
static struct kprobe *get_kprobe(unsigned long addr)
{
	for (unsigned i = 0; i < KPROBE_MAX; i++) {
		struct kprobe *p = &kprobe_table[i];

		if (probe_live(p) && !(p->flags & KPROBE_FLAG_FTRACE) && p->addr == addr)
			return p;
	}
	return 0;
}

/* The ftrace-based probe whose site reports ip, or NULL. */
static struct kprobe *get_kprobe_ftrace(unsigned long ip)
{
	for (unsigned i = 0; i < KPROBE_MAX; i++) {
		struct kprobe *p = &kprobe_table[i];

		if (probe_live(p) && (p->flags & KPROBE_FLAG_FTRACE) && p->ftrace_ip == ip)
			return p;
	}
	return 0;
}

/* ---- kprobes on ftrace ---- */

/*
 * Called by ftrace_regs_caller with regs describing the traced function at entry (pc = func+8,
 * regs[30] = the parent LR, sp = the SP at the call). The site is one virtual instruction at
 * p->addr: the pre-handler sees pc = p->addr, as from a breakpoint there; the post-handler sees
 * pc = p->addr + 8, the instruction after the virtual one; then the saved pc is put back. A
 * pre-handler that returns non-zero changed pc, and execution continues there.
 */
void kprobe_ftrace_handler(unsigned long ip, unsigned long parent_ip, void *op,
			   struct pt_regs *regs)
{
	struct kprobe *p = get_kprobe_ftrace(ip);
	struct kprobe_ctlblk *kcb = this_kcb();
	unsigned long long orig_pc;

	if (!p || kcb->cur) /* not ours, or hit from inside a handler: missed */
		return;
	orig_pc = regs->pc;
	regs->pc = p->addr;
	kcb->cur = p;
	kcb->status = KPROBE_HIT_ACTIVE;
	if (!p->pre || !p->pre(p, regs)) {
		regs->pc = p->addr + KPROBE_FTRACE_SITE_SIZE;
		kcb->status = KPROBE_HIT_SSDONE;
		if (p->post)
			p->post(p, regs, 0);
		regs->pc = orig_pc;
	}
	kcb->cur = 0;
	kcb->status = KPROBE_IDLE;
}

/* ---- instruction decoding and simulation ---- */

static long sign_extend(unsigned long v, unsigned bits)
{
	return (long)(v << (64 - bits)) >> (64 - bits);
}

static int is_branch_register(unsigned int insn) /* BR, BLR, RET */
{
	unsigned int op = insn & 0xfffffc1fu;

	return op == 0xd61f0000u || op == 0xd63f0000u || op == 0xd65f0000u;
}

static int is_literal_load(unsigned int insn) /* LDR Wt, LDR Xt, LDRSW, PRFM (literal) */
{
	unsigned int top = insn & 0xff000000u;

	return top == 0x18000000u || top == 0x58000000u || top == 0x98000000u ||
	       top == 0xd8000000u;
}

enum kprobe_insn_class kprobe_insn_class(unsigned int insn)
{
	if ((insn & 0x1f000000u) == 0x10000000u ||  /* ADR, ADRP */
	    (insn & 0x7c000000u) == 0x14000000u ||  /* B, BL */
	    (insn & 0xff000010u) == 0x54000000u ||  /* B.cond */
	    (insn & 0x7e000000u) == 0x34000000u ||  /* CBZ, CBNZ */
	    (insn & 0x7e000000u) == 0x36000000u ||  /* TBZ, TBNZ */
	    is_literal_load(insn) || is_branch_register(insn))
		return KPROBE_INSN_SIMULATE;
	if ((insn & 0x3b000000u) == 0x18000000u)   /* SIMD&FP literal loads */
		return KPROBE_INSN_REJECT;
	if ((insn & 0xff000000u) == 0xd4000000u)   /* SVC, HVC, SMC, BRK, HLT */
		return KPROBE_INSN_REJECT;
	if ((insn & 0xfe000000u) == 0xd6000000u)   /* ERET, DRPS, other branch-register forms */
		return KPROBE_INSN_REJECT;
	if ((insn & 0xffc00000u) == 0xd5000000u && (insn & 0xfffff01fu) != 0xd503201fu)
		return KPROBE_INSN_REJECT;           /* system instructions; hints are fine */
	if ((insn & 0x3f000000u) == 0x08000000u)   /* exclusives: a BRK would break the pair */
		return KPROBE_INSN_REJECT;
	if ((insn & 0xffff0000u) == 0)             /* UDF */
		return KPROBE_INSN_REJECT;
	return KPROBE_INSN_STEP;
}

static unsigned long xreg(const struct pt_regs *regs, unsigned n)
{
	return n == 31 ? 0 : regs->regs[n];
}

static void set_xreg(struct pt_regs *regs, unsigned n, unsigned long v)
{
	if (n != 31)
		regs->regs[n] = v;
}

/* Does condition cond hold for NZCV in pstate? */
static int condition_holds(unsigned cond, unsigned long long pstate)
{
	int n = (int)(pstate >> 31) & 1, z = (int)(pstate >> 30) & 1;
	int c = (int)(pstate >> 29) & 1, v = (int)(pstate >> 28) & 1, r;

	switch (cond >> 1) {
	case 0: r = z; break;
	case 1: r = c; break;
	case 2: r = n; break;
	case 3: r = v; break;
	case 4: r = c && !z; break;
	case 5: r = n == v; break;
	case 6: r = !z && n == v; break;
	default: r = 1; break;
	}
	if ((cond & 1) && cond != 15)
		r = !r;
	return r;
}

int kprobe_simulate(unsigned int insn, unsigned long pc, struct pt_regs *regs)
{
	unsigned rt = insn & 31;
	unsigned long next = pc + 4;
	long imm19 = sign_extend((insn >> 5) & 0x7ffff, 19) * 4;

	if ((insn & 0x1f000000u) == 0x10000000u) {
		long imm = sign_extend(((insn >> 29) & 3) | (((insn >> 5) & 0x7ffff) << 2), 21);

		if (insn & 0x80000000u) /* ADRP */
			set_xreg(regs, rt, (pc & ~0xffful) + (unsigned long)(imm * 4096));
		else
			set_xreg(regs, rt, pc + (unsigned long)imm);
	} else if ((insn & 0x7c000000u) == 0x14000000u) {
		if (insn & 0x80000000u) /* BL */
			regs->regs[30] = next;
		next = pc + (unsigned long)(sign_extend(insn & 0x3ffffff, 26) * 4);
	} else if ((insn & 0xff000010u) == 0x54000000u) {
		if (condition_holds(insn & 15, regs->pstate))
			next = pc + (unsigned long)imm19;
	} else if ((insn & 0x7e000000u) == 0x34000000u) {
		unsigned long v = xreg(regs, rt);

		if (!(insn & 0x80000000u))
			v = (unsigned int)v;
		if ((v == 0) != ((insn >> 24) & 1)) /* CBZ: zero; CBNZ: non-zero */
			next = pc + (unsigned long)imm19;
	} else if ((insn & 0x7e000000u) == 0x36000000u) {
		unsigned bit = ((insn >> 31) << 5) | ((insn >> 19) & 31);

		if (((xreg(regs, rt) >> bit) & 1) == ((insn >> 24) & 1)) /* TBZ: clear; TBNZ: set */
			next = pc + (unsigned long)(sign_extend((insn >> 5) & 0x3fff, 14) * 4);
	} else if (is_literal_load(insn)) {
		unsigned long addr = pc + (unsigned long)imm19;

		switch (insn & 0xff000000u) {
		case 0x18000000u: set_xreg(regs, rt, *(const volatile unsigned int *)addr); break;
		case 0x58000000u: set_xreg(regs, rt, *(const volatile unsigned long *)addr); break;
		case 0x98000000u: set_xreg(regs, rt, (unsigned long)(long)*(const volatile int *)addr); break;
		default: break; /* PRFM: a hint */
		}
	} else if (is_branch_register(insn)) {
		next = xreg(regs, (insn >> 5) & 31);
		if ((insn & 0xfffffc1fu) == 0xd63f0000u) /* BLR */
			regs->regs[30] = pc + 4;
	} else {
		return -1;
	}
	regs->pc = next;
	return 0;
}

/* ---- breakpoint probes ---- */

static void finish_probe(struct kprobe *p, struct pt_regs *regs, struct kprobe_ctlblk *kcb)
{
	kcb->status = KPROBE_HIT_SSDONE;
	if (p->post)
		p->post(p, regs, 0);
	kcb->cur = 0;
	kcb->status = KPROBE_IDLE;
}

/* The pre-handler has run with pc = p->addr: now the probed instruction, then the post. */
static void execute_probed(struct kprobe *p, struct pt_regs *regs, struct kprobe_ctlblk *kcb)
{
	if (p->flags & KPROBE_FLAG_SIMULATE) {
		if (kprobe_simulate(p->opcode, p->addr, regs))
			kprobe_die();
		finish_probe(p, regs, kcb);
		return;
	}
	kcb->status = KPROBE_HIT_SS; /* eret runs the slot; its BRK comes back here */
	regs->pc = p->slot;
}

static void kprobe_breakpoint(struct pt_regs *regs)
{
	struct kprobe_ctlblk *kcb = this_kcb();
	struct kprobe *p = get_kprobe(regs->pc);

	if (!p || kcb->cur)
		kprobe_die(); /* not our breakpoint, or a probe hit inside a handler */
	kcb->cur = p;
	kcb->status = KPROBE_HIT_ACTIVE;
	if (p->pre && p->pre(p, regs)) { /* pc changed: the probed instruction does not run */
		if (!(p->flags & KPROBE_FLAG_JPROBE)) {
			kcb->cur = 0;
			kcb->status = KPROBE_IDLE;
		}
		return;
	}
	execute_probed(p, regs, kcb);
}

/* BRK #KPROBE_SS_BRK_IMM at the end of the slot: the instruction ran out of line. */
static void kprobe_step_done(struct pt_regs *regs)
{
	struct kprobe_ctlblk *kcb = this_kcb();
	struct kprobe *p = kcb->cur;

	if (!p || kcb->status != KPROBE_HIT_SS || regs->pc != p->slot + 4)
		kprobe_die();
	regs->pc = p->addr + 4;
	finish_probe(p, regs, kcb);
}

/* ---- jprobes ---- */

/*
 * The pre-handler of a jprobe: remember the registers and the top p->stack_copy bytes of the
 * stack, and continue in p->entry with the probed function's arguments, on its stack.
 */
int setjmp_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	struct kprobe_ctlblk *kcb = this_kcb();

	copy_regs(&kcb->jprobe_saved_regs, regs);
	kcb->jprobe_saved_sp = regs->sp;
	copy_words(kcb->jprobes_stack, (const void *)regs->sp, p->stack_copy);
	regs->pc = p->entry;
	kcb->status = KPROBE_JPROBE_ACTIVE;
	return 1;
}

/* BRK #JPROBE_BRK_IMM from jprobe_return (which put SP back first): undo the jprobe handler,
 * then execute the probed instruction as any probe does. */
static void jprobe_longjmp(struct pt_regs *regs)
{
	struct kprobe_ctlblk *kcb = this_kcb();
	struct kprobe *p = kcb->cur;

	if (!p || kcb->status != KPROBE_JPROBE_ACTIVE || regs->sp != kcb->jprobe_saved_sp)
		kprobe_die();
	copy_words((void *)kcb->jprobe_saved_sp, kcb->jprobes_stack, p->stack_copy);
	copy_regs(regs, &kcb->jprobe_saved_regs);
	kcb->status = KPROBE_HIT_ACTIVE;
	execute_probed(p, regs, kcb);
}

void do_el1_sync(struct pt_regs *regs, unsigned long esr)
{
	if ((esr >> 26) != 0x3c) /* only BRK is expected */
		kprobe_die();
	switch (esr & 0xffff) {
	case KPROBE_BRK_IMM:
		kprobe_breakpoint(regs);
		break;
	case KPROBE_SS_BRK_IMM:
		kprobe_step_done(regs);
		break;
	case JPROBE_BRK_IMM:
		jprobe_longjmp(regs);
		break;
	default:
		kprobe_die();
	}
}

/* ---- handlers scenarios install ---- */

static void write_probe_record(struct pc_record *recs, const struct kprobe *p,
			       const struct pt_regs *regs)
{
	volatile struct pc_record *rec = &recs[this_hart()];

	rec->ip = p->addr;
	rec->parent_ip = regs->regs[30];
	rec->pc = regs->pc;
	rec->sp = regs->sp;
	rec->lr = regs->regs[30];
	for (unsigned i = 0; i < 31; i++)
		rec->regs[i] = regs->regs[i];
	rec->regs[31] = regs->sp;
	barrier();
	rec->seq = rec->seq + 1;
}

int kp_record_pre(struct kprobe *p, struct pt_regs *regs)
{
	write_probe_record(pc_records, p, regs);
	return 0;
}

void kp_record_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	write_probe_record(pc_post_records, p, regs);
}

int kp_redirect_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long target = *(volatile unsigned long *)&pc_redirect_target;

	write_probe_record(pc_records, p, regs);
	if (!target)
		return 0;
	regs_set_instruction_pointer(regs, target);
	return 1;
}

int kp_count_pre(struct kprobe *p, struct pt_regs *regs)
{
	pre_hits[this_hart()]++;
	return 0;
}

void kp_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	post_hits[this_hart()]++;
}

long kprobe_pre_hits(void)
{
	return pre_hits[this_hart()];
}

long kprobe_post_hits(void)
{
	return post_hits[this_hart()];
}

unsigned long kprobe_list_addr(unsigned long i)
{
	if (i >= KPROBE_MAX || !probe_live(&kprobe_table[i]))
		return 0;
	return kprobe_table[i].addr;
}

long kprobe_list_offset(unsigned long i, unsigned long func)
{
	unsigned long addr = kprobe_list_addr(i);

	return addr ? (long)(addr - func) : -1;
}
