/*
 * kprobe_arm64.c - registering arm64 kprobes: the code-changing half of the guest's kprobes
 * (models/arm64/guest/kprobes.h describes both halves; the handlers are in kprobes.c).
 *
 * Where a probe may go and how it is armed:
 *   - func+0 of an ftrace site (the first word of "mov x9, x30 ; bl"): the probe rides on
 *     ftrace. The site is one virtual 8-byte instruction, listed at func+0; arming = publish
 *     the probe, install kprobe_ftrace_handler as the tracer callback, and enable the site
 *     with ftrace_make_call(func, ftrace_regs_caller) (one NOP -> BL store; the site must have
 *     been initialised with ftrace_init_nop).
 *   - func+4 (inside the virtual instruction): -EILSEQ, not an instruction boundary.
 *   - anywhere else in text: a breakpoint probe. The instruction there is classified
 *     (kprobe_insn_class): rejected (-EINVAL), simulated by the handler (PC-relative ones), or
 *     stepped out of line; for the last, the probe's slot is written first with
 *     [instruction, BRK #KPROBE_SS_BRK_IMM]. Then the probe is published, and the BRK is
 *     written over the instruction under stop_machine (patch_text with the old word validated),
 *     the way kprobes arm on arm64.
 * The probe is published (live = 1, after every other field) before the word that makes it
 * reachable changes, so a hart that hits the site or the BRK always finds it.
 *
 * register_brk_kprobe always places a breakpoint probe (the second case never applies).
 *
 * Flawed variants for the scenarios: register_kprobe_shifted (moves a func+0 probe to func+4,
 * accepts func+4, as in the series Masami Hiramatsu reviewed), register_brk_kprobe_unsimulated
 * (steps PC-relative instructions out of line too), register_brk_kprobe_nostop (writes the BRK
 * over an instruction outside the concurrently modifiable set while the other harts run). The
 * reviewed series is the one of the arm64 KPROBES_ON_FTRACE review (Masami Hiramatsu and Jisheng
 * Zhang, LKML, Dec 2019).
 */
#include "arm64/insn_arm64.h"
#include "guest.h"
#include "kprobes.h"
#include "patch_arch.h"
#include "patcher.h"
#include "stop_machine.h"

/* __patchable_function_entries: the address of each site's first pad (linker script). */
extern const unsigned long __start___patchable_function_entries[];
extern const unsigned long __stop___patchable_function_entries[];

enum probe_mode { MODE_CORRECT, MODE_SHIFTED, MODE_UNSIMULATED, MODE_NOSTOP };

/* The start of the ftrace site containing addr, or 0 when addr is in no site. */
static unsigned long ftrace_site_of(unsigned long addr)
{
	for (const unsigned long *r = __start___patchable_function_entries;
	     r < __stop___patchable_function_entries; r++)
		if (addr >= *r && addr < *r + KPROBE_FTRACE_SITE_SIZE)
			return *r;
	return 0;
}

/* A free entry of the table, or NULL; -EBUSY through *err if addr is already probed. */
static struct kprobe *claim_entry(unsigned long addr, unsigned long flags, int *err)
{
	struct kprobe *free = 0;

	for (unsigned i = 0; i < KPROBE_MAX; i++) {
		struct kprobe *p = &kprobe_table[i];

		if (!p->live) {
			if (!free)
				free = p;
		} else if (p->addr == addr && (p->flags & KPROBE_FLAG_FTRACE) ==
						      (flags & KPROBE_FLAG_FTRACE)) {
			*err = -EBUSY;
			return 0;
		}
	}
	*err = free ? 0 : -ENOMEM;
	return free;
}

static void publish(struct kprobe *p)
{
	__asm__ volatile("dmb ish" ::: "memory");
	*(volatile unsigned long *)&p->live = 1;
	__asm__ volatile("dmb ish" ::: "memory");
}

static void retract(struct kprobe *p)
{
	*(volatile unsigned long *)&p->live = 0;
	__asm__ volatile("dmb ish" ::: "memory");
}

/* Ride on the ftrace site starting at site; listed at addr, the trampoline reports site+4. */
static int arm_ftrace_probe(unsigned long addr, unsigned long site, unsigned long pre,
			    unsigned long post)
{
	patch_insn_t first;
	struct kprobe *p;
	int err = patch_read_insn(site, &first);

	if (err)
		return err;
	if (first != A64_MOV_X9_X30) /* ftrace_init_nop has not run: x9 would hold no LR */
		return -EINVAL;
	p = claim_entry(addr, KPROBE_FLAG_FTRACE, &err);
	if (!p)
		return err;
	p->addr = addr;
	p->ftrace_ip = site + 4;
	p->pre = (kprobe_pre_handler_t)pre;
	p->post = (kprobe_post_handler_t)post;
	p->flags = KPROBE_FLAG_FTRACE;
	publish(p);
	pc_set_callback(kprobe_ftrace_handler);
	err = ftrace_make_call(site, (unsigned long)ftrace_regs_caller);
	if (err == -EINVAL) { /* already enabled by an earlier probe: fine if it is the regs one */
		patch_insn_t call;

		if (!patch_read_insn(site + 4, &call) &&
		    call == a64_encode_bl(site + 4, (unsigned long)ftrace_regs_caller))
			err = 0;
	}
	if (err)
		retract(p);
	return err;
}

/* Under stop_machine: the word at addr must still be opcode; it becomes the probe's BRK. */
static int write_breakpoint(unsigned long addr, unsigned long opcode, unsigned long unused)
{
	(void)unused;
	return patch_text_checked(addr, (patch_insn_t)opcode, a64_encode_brk(KPROBE_BRK_IMM), 1);
}

static int arm_breakpoint_probe(unsigned long addr, unsigned long pre, unsigned long post,
				unsigned long flags, unsigned long entry, unsigned long stack_copy,
				enum probe_mode mode)
{
	patch_insn_t opcode;
	enum kprobe_insn_class cls;
	struct kprobe *p;
	int err = patch_read_insn(addr, &opcode);

	if (err)
		return err;
	cls = kprobe_insn_class(opcode);
	if (cls == KPROBE_INSN_REJECT)
		return -EINVAL;
	if (mode == MODE_UNSIMULATED)
		cls = KPROBE_INSN_STEP; /* the flaw: PC-relative instructions run from the slot */
	p = claim_entry(addr, 0, &err);
	if (!p)
		return err;
	p->addr = addr;
	p->ftrace_ip = 0;
	p->pre = (kprobe_pre_handler_t)pre;
	p->post = (kprobe_post_handler_t)post;
	p->flags = flags | (cls == KPROBE_INSN_SIMULATE ? KPROBE_FLAG_SIMULATE : 0);
	p->opcode = opcode;
	p->entry = entry;
	p->stack_copy = stack_copy;
	p->slot = 0;
	if (cls == KPROBE_INSN_STEP) {
		unsigned long slot = (unsigned long)&kprobe_insn_slots[2 * (p - kprobe_table)];
		patch_insn_t w0, w1;

		/* A slot keeps its old contents until reused: write only what differs. */
		if ((err = patch_read_insn(slot, &w0)) || (err = patch_read_insn(slot + 4, &w1)))
			return err;
		if (w0 != opcode && (err = patch_text_checked(slot, w0, opcode, 1)))
			return err;
		if (w1 != a64_encode_brk(KPROBE_SS_BRK_IMM) &&
		    (err = patch_text_checked(slot + 4, w1, a64_encode_brk(KPROBE_SS_BRK_IMM), 1)))
			return err;
		p->slot = slot;
	}
	publish(p);
	if (mode == MODE_NOSTOP) /* the flaw: the other harts keep running */
		err = write_breakpoint(addr, opcode, 0);
	else
		err = stop_machine_run(write_breakpoint, addr, opcode, 0);
	if (err)
		retract(p);
	return err;
}

static int register_mode(unsigned long addr, unsigned long pre, unsigned long post,
			 enum probe_mode mode)
{
	unsigned long site;

	if (addr & 3)
		return -EINVAL;
	site = ftrace_site_of(addr);
	if (site) {
		if (mode == MODE_SHIFTED) /* the flaw: func+0 quietly becomes the BL at func+4 */
			return arm_ftrace_probe(site + 4, site, pre, post);
		if (addr != site)
			return -EILSEQ;
		return arm_ftrace_probe(addr, site, pre, post);
	}
	return arm_breakpoint_probe(addr, pre, post, 0, 0, 0, mode);
}

int register_kprobe(unsigned long addr, unsigned long pre, unsigned long post)
{
	return register_mode(addr, pre, post, MODE_CORRECT);
}

int register_kprobe_shifted(unsigned long addr, unsigned long pre, unsigned long post)
{
	return register_mode(addr, pre, post, MODE_SHIFTED);
}

/* A breakpoint probe wherever addr is, ftrace sites included. */
int register_brk_kprobe(unsigned long addr, unsigned long pre, unsigned long post)
{
	if (addr & 3)
		return -EINVAL;
	return arm_breakpoint_probe(addr, pre, post, 0, 0, 0, MODE_CORRECT);
}

int register_brk_kprobe_nostop(unsigned long addr, unsigned long pre, unsigned long post)
{
	if (addr & 3)
		return -EINVAL;
	return arm_breakpoint_probe(addr, pre, post, 0, 0, 0, MODE_NOSTOP);
}

int register_brk_kprobe_unsimulated(unsigned long addr, unsigned long pre, unsigned long post)
{
	if (addr & 3)
		return -EINVAL;
	return arm_breakpoint_probe(addr, pre, post, 0, 0, 0, MODE_UNSIMULATED);
}

/* Jprobes are breakpoint probes wherever they are (the interface predates kprobes on ftrace). */
int register_jprobe(unsigned long addr, unsigned long entry)
{
	if (addr & 3)
		return -EINVAL;
	return arm_breakpoint_probe(addr, (unsigned long)setjmp_pre_handler, 0, KPROBE_FLAG_JPROBE,
				    entry, MAX_STACK_SIZE, MODE_CORRECT);
}

int register_jprobe_nocopy(unsigned long addr, unsigned long entry)
{
	if (addr & 3)
		return -EINVAL;
	return arm_breakpoint_probe(addr, (unsigned long)setjmp_pre_handler, 0, KPROBE_FLAG_JPROBE,
				    entry, 0, MODE_CORRECT);
}
