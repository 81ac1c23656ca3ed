/*
 * frame_chain.c - the frame-record chain a callback would unwind through: at the entry of the
 * first C function called during a pass through a site (the callback, a direct trampoline's
 * C part, an exception handler; what it calls in turn may use the frame register as it
 * likes when built without frame pointers), walking the records from the arch's frame
 * register (arch_model.frame_reg) must lead back to the frame the traced function's caller
 * had, as the kernel's frame-pointer unwinder walks them:
 *   - every frame pointer on the way is aligned to the word size (8 bytes on arm64 and riscv64,
 *     whose unwinders reject fp & 7; 4 on arm, whose records are words), inside the hart's
 *     stack above the current SP, and higher than the one before (the stack grows down,
 *     records nest up);
 *   - the walk reaches the frame pointer the hart had at the site's start (the caller's) in
 *     at most FRAME_CHAIN_MAX records;
 *   - the record that links to the caller's frame returns to the traced function's parent
 *     (an ftrace trampoline's call-site record) or into the traced function (an exception
 *     record naming the interrupted instruction, a direct trampoline's record);
 *   - with frame_shows_traced, some record returns into the traced function, so it shows in
 *     the backtrace.
 * At body entry the frame register is checked by register-preservation: it must be the
 * caller's again. Each arch model says where its records keep the next frame pointer and the
 * return address, and why (arm64: x29 -> {fp, lr}; riscv64: s0 above {ra, fp}; arm: A32
 * r11 -> {fp, lr} as clang builds them, no check for Thumb-2: model_arm.c).
 */
#include <stdio.h>

#include "exec.h"

#define FRAME_CHAIN_MAX 16

static void chain_fail(struct explorer *x, unsigned h, uint64_t pc, const char *callee,
		       const char *expected, const char *actual, const char *what)
{
	check_fail(x, "frame-chain", h, pc, expected, actual, "frame records seen from %s: %s",
		   callee, what);
}

static bool read_word(struct explorer *x, uint64_t addr, uint64_t *v)
{
	uint32_t lo;

	if (x->arch->word_size == 8)
		return machine_read_u64(x->m, addr, v);
	if (!machine_read_u32(x->m, addr, &lo))
		return false;
	*v = lo;
	return true;
}

void check_frame_chain(struct explorer *x, unsigned h, struct frame *f, uint64_t pc,
		       const char *callee)
{
	const struct arch_model *arch = x->arch;
	const struct site *s = &x->sites[f->site];
	uint64_t caller_fp, fp, sp, top, prev = 0, link_lr = 0;
	bool shows_traced = false;
	char e[96], a[96], what[160];
	unsigned n;

	if (arch->frame_reg < 0 || f->chain_checked)
		return;
	f->chain_checked = true;
	caller_fp = f->entry_regs[arch->frame_reg];
	fp = machine_reg(x->m, h, arch->frame_reg);
	sp = machine_reg(x->m, h, arch->reg_sp);
	top = machine_stack_top(x->m, h);
	for (n = 0; fp != caller_fp; n++) {
		uint64_t rec = fp + (uint64_t)(int64_t)arch->frame_next_off;
		uint64_t lra = fp + (uint64_t)(int64_t)arch->frame_lr_off;
		uint64_t next = 0, lr = 0;

		if (n == FRAME_CHAIN_MAX) {
			snprintf(e, sizeof(e), "the caller's frame 0x%llx", (unsigned long long)caller_fp);
			snprintf(a, sizeof(a), "not reached in %u records", FRAME_CHAIN_MAX);
			chain_fail(x, h, pc, callee, e, a, "the chain does not end at the caller");
			return;
		}
		if ((fp & (arch->word_size - 1)) || rec < sp || lra < sp || rec + arch->word_size > top ||
		    lra + arch->word_size > top || (n && fp <= prev)) {
			snprintf(e, sizeof(e), "an aligned frame in [0x%llx, 0x%llx) above 0x%llx",
				 (unsigned long long)sp, (unsigned long long)top,
				 (unsigned long long)prev);
			snprintf(a, sizeof(a), "0x%llx", (unsigned long long)fp);
			snprintf(what, sizeof(what), "record %u of the chain to the caller's frame "
				 "0x%llx is not on the stack", n, (unsigned long long)caller_fp);
			chain_fail(x, h, pc, callee, e, a, what);
			return;
		}
		read_word(x, rec, &next);
		read_word(x, lra, &lr);
		if ((lr & ~1ull) >= s->lay.func && (lr & ~1ull) < s->func_end)
			shows_traced = true;
		link_lr = lr;
		prev = fp;
		fp = next;
	}
	if (n && link_lr != f->lr &&
	    !((link_lr & ~1ull) >= s->lay.func && (link_lr & ~1ull) < s->func_end)) {
		snprintf(e, sizeof(e), "0x%llx (the parent) or an address in %s",
			 (unsigned long long)f->lr, s->name);
		snprintf(a, sizeof(a), "0x%llx", (unsigned long long)link_lr);
		chain_fail(x, h, pc, callee, e, a,
			   "the record that links to the caller's frame returns elsewhere");
		return;
	}
	if (arch->frame_shows_traced && !shows_traced) {
		snprintf(e, sizeof(e), "a record returning into %s", s->name);
		snprintf(a, sizeof(a), "%u record%s, none", n, n == 1 ? "" : "s");
		chain_fail(x, h, pc, callee, e, a, "the traced function is missing from the chain");
	}
}
