/*
 * kprobes.h - the "kprobes" guest image: probes on arm64 in two shapes, sharing one probe table.
 *
 *   kprobes on ftrace (the arm64 KPROBES_ON_FTRACE review, Masami Hiramatsu and Jisheng
 *     Zhang, LKML, Dec 2019): a probe on func+0 of an ftraced function rides on the
 *     function's ftrace site ("mov x9, x30 ; bl ftrace_regs_caller") as if the two words were
 *     one virtual 8-byte instruction at func+0: handlers see the regs a breakpoint at func+0
 *     would give (pc = func+0, LR = the parent, SP at the call, arguments), the post-handler
 *     sees pc = func+8, and a probe on func+4 is refused with -EILSEQ.
 *   breakpoint kprobes (the arm64 kprobes single-stepping review, David Long, Catalin
 *     Marinas, Marc Zyngier, LKML, Jul 2016): BRK #KPROBE_BRK_IMM over any other instruction; the
 *     exception handler runs the pre-handler, then either simulates the instruction (the
 *     PC-relative ones, which would compute the wrong thing anywhere else) or executes it out of
 *     line from a slot ending in BRK #KPROBE_SS_BRK_IMM, then runs the post-handler and resumes
 *     after the probed instruction. A jprobe is a breakpoint probe whose pre-handler saves the
 *     registers and MAX_STACK_SIZE bytes of stack, runs a handler with the probed function's
 *     prototype on the same stack, and restores both when that handler calls jprobe_return().
 *
 * Registration lives in the arm64 patcher (../patcher/kprobe_arm64.c); the handlers, the probe
 * table and the per-hart control blocks in kprobes.c; the vector table, exception entry,
 * out-of-line slots and jprobe_return in kprobe_entry.S.
 */
#ifndef PATCHCHECK_ARM64_KPROBES_H
#define PATCHCHECK_ARM64_KPROBES_H

#include "pt_regs.h"

#define KPROBE_BRK_IMM     0x004 /* a breakpoint probe */
#define KPROBE_SS_BRK_IMM  0x006 /* the end of an out-of-line slot: back to the handler */
#define JPROBE_BRK_IMM     0x007 /* jprobe_return(): restore what the jprobe saved */
#define KPROBE_SLOT_FILL   0x3ff /* BRK immediate filling unused slots: never expected */

#define KPROBE_MAX         8     /* probes in the table, and out-of-line slots */
#define KPROBE_SLOT_SIZE   8     /* a slot: the instruction, then BRK #KPROBE_SS_BRK_IMM */
#define MAX_STACK_SIZE     128   /* bytes of stack a jprobe saves and restores */

/* An ftrace site of this image: -fpatchable-function-entry=2, "mov x9, x30 ; bl". */
#define KPROBE_FTRACE_SITE_SIZE 8

/* struct kprobe_ctlblk, for the assembly */
#define KCB_JPROBE_SP      16
#define KCB_SIZE           464

#ifndef __ASSEMBLER__

struct kprobe;

/* Returns non-zero if it changed regs->pc (then the probed instruction is not executed and
 * execution continues at the new pc, like an IPMODIFY ftrace user). */
typedef int (*kprobe_pre_handler_t)(struct kprobe *p, struct pt_regs *regs);
typedef void (*kprobe_post_handler_t)(struct kprobe *p, struct pt_regs *regs, unsigned long flags);

#define KPROBE_FLAG_FTRACE   0x1 /* rides on the ftrace site at addr */
#define KPROBE_FLAG_SIMULATE 0x2 /* the instruction is simulated by the handler */
#define KPROBE_FLAG_JPROBE   0x4 /* pre-handler = setjmp_pre_handler */

struct kprobe {
	unsigned long addr;            /* the probed address, as listed */
	unsigned long ftrace_ip;       /* FTRACE: the ip the trampoline reports (the BL) */
	kprobe_pre_handler_t pre;
	kprobe_post_handler_t post;
	unsigned long flags;
	unsigned int opcode;           /* breakpoint: the instruction the BRK replaced */
	unsigned int unused;
	unsigned long slot;            /* breakpoint, not simulated: its out-of-line slot */
	unsigned long entry;           /* jprobe: the handler (same prototype as the function) */
	unsigned long stack_copy;      /* jprobe: bytes of stack saved and restored */
	unsigned long live;            /* written last: the probe may be hit from now on */
};

/* What a hart is doing with a probe (one control block per hart, like a per-CPU variable). */
enum kprobe_status {
	KPROBE_IDLE = 0,
	KPROBE_HIT_ACTIVE,   /* handlers running */
	KPROBE_HIT_SS,       /* executing the out-of-line slot */
	KPROBE_HIT_SSDONE,   /* post-handler running */
	KPROBE_JPROBE_ACTIVE /* the jprobe handler is running on the probed function's stack */
};

struct kprobe_ctlblk {
	struct kprobe *cur;
	unsigned long status;
	unsigned long jprobe_saved_sp;                 /* KCB_JPROBE_SP */
	unsigned long unused;
	struct pt_regs jprobe_saved_regs;
	unsigned long jprobes_stack[MAX_STACK_SIZE / 8];
};

_Static_assert(__builtin_offsetof(struct kprobe_ctlblk, jprobe_saved_sp) == KCB_JPROBE_SP,
	       "KCB_JPROBE_SP");
_Static_assert(sizeof(struct kprobe_ctlblk) == KCB_SIZE, "KCB_SIZE");
_Static_assert(KCB_SIZE % 16 == 0, "control blocks stay 16-byte aligned");

/* ---- kprobes.c: table, control blocks, handlers ---- */
extern struct kprobe kprobe_table[KPROBE_MAX];
extern struct kprobe_ctlblk kprobe_ctlblks[];

/* How a breakpoint probe deals with the instruction it replaces. */
enum kprobe_insn_class { KPROBE_INSN_REJECT, KPROBE_INSN_SIMULATE, KPROBE_INSN_STEP };
enum kprobe_insn_class kprobe_insn_class(unsigned int insn);

/* Execute insn as if it ran at pc, on regs (regs->pc ends at the next instruction or the
 * branch target). Returns 0, or -1 if insn is not one kprobe_insn_class() simulates. */
int kprobe_simulate(unsigned int insn, unsigned long pc, struct pt_regs *regs);

/* The ftrace callback of ftrace-based probes (installed with pc_set_callback). */
void kprobe_ftrace_handler(unsigned long ip, unsigned long parent_ip, void *op,
			   struct pt_regs *regs);
/* Called by the exception entry for every synchronous exception taken at EL1. */
void do_el1_sync(struct pt_regs *regs, unsigned long esr);
/* Jprobe pre-handler: save regs and stack, continue in p->entry. */
int setjmp_pre_handler(struct kprobe *p, struct pt_regs *regs);

/* ---- handlers for scenarios ---- */
/* Write pc_records[hart] (pre) / pc_post_records[hart] (post) from what the handler sees:
 * ip = the probe's address, parent_ip = lr = regs[30], pc, sp, x0-x30. */
int kp_record_pre(struct kprobe *p, struct pt_regs *regs);
void kp_record_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags);
/* kp_record_pre, then regs->pc = pc_redirect_target (callbacks.c) if set; returns 1 then. */
int kp_redirect_pre(struct kprobe *p, struct pt_regs *regs);
/* Count hits per hart. */
int kp_count_pre(struct kprobe *p, struct pt_regs *regs);
void kp_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags);
long kprobe_pre_hits(void);
long kprobe_post_hits(void);

/* The probe list: the listed address of entry i (0 if none), and that address minus func. */
unsigned long kprobe_list_addr(unsigned long i);
long kprobe_list_offset(unsigned long i, unsigned long func);

/* kprobe_entry.S */
extern unsigned int kprobe_insn_slots[KPROBE_MAX * 2];
void vectors(void);
__attribute__((noreturn)) void jprobe_return(void);

/* ---- registration (../patcher/kprobe_arm64.c) ---- */
/* On the first word of an ftrace site: ftrace-based (the site must be initialised); on another
 * word of a site: -EILSEQ; elsewhere: a breakpoint probe. 0, -EINVAL (misaligned, or an
 * instruction that cannot be probed), -EFAULT (not text), -EBUSY (already probed), -ENOMEM. */
int register_kprobe(unsigned long addr, unsigned long pre, unsigned long post);
/* FLAWED (the approach reviewed in the arm64 KPROBES_ON_FTRACE thread, 2019): a probe on func+0
 * is silently moved to the ftrace location func+4, and func+4 is accepted; handlers see
 * pc = func+4. */
int register_kprobe_shifted(unsigned long addr, unsigned long pre, unsigned long post);
/* A breakpoint probe at addr, wherever it is (same errors as register_kprobe). */
int register_brk_kprobe(unsigned long addr, unsigned long pre, unsigned long post);
/* FLAWED: a breakpoint probe that executes every instruction out of line, PC-relative ones
 * included. */
int register_brk_kprobe_unsimulated(unsigned long addr, unsigned long pre, unsigned long post);
/* FLAWED: a breakpoint probe whose BRK is written without stop_machine. */
int register_brk_kprobe_nostop(unsigned long addr, unsigned long pre, unsigned long post);
/* A breakpoint probe at addr whose pre-handler continues in entry; MAX_STACK_SIZE bytes of
 * stack are saved and restored around it (register_jprobe_nocopy: none). */
int register_jprobe(unsigned long addr, unsigned long entry);
int register_jprobe_nocopy(unsigned long addr, unsigned long entry);

#endif /* __ASSEMBLER__ */
#endif
