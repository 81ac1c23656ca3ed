/*
 * entry_seq_arm64.c - the transition methods of the 2015-2016 arm64 "ftrace with regs" design
 * discussion (the arm64 ftrace-with-regs for livepatch RFC, AKASHI Takahiro and Li Bin,
 * linux-arm-kernel, Jan 2016) for the two multi-word entry sequences, one patcher call per step.
 *
 * Sequence (a), 4 words, trampoline called with a frame record pushed:
 *     A:  stp x29, x30, [sp, #-16]! | mov x29, sp | bl <tramp> | ldp x29, x30, [sp], #16
 * Sequence (b), 3 words, parent LR kept in x9:
 *     A:  mov x9, x30 | bl <tramp> | mov x30, x9
 * and, for both:
 *     A': word 0 = "b <body>", words 1.. as in A    (tracing off, sequence in place)
 *     B:  all NOPs                                  (the compiler's output)
 *     B': word 0 = "b <body>", words 1.. NOPs
 *
 * The methods discussed:
 *   one step     A' <-> A: only word 0 changes (seqX_ap_to_a, seqX_a_to_ap);
 *   multi-step   B -> B' -> A' -> A to enable, A -> A' -> B' -> B to disable (seqX_b_to_bp,
 *                seqX_bp_to_ap, seqX_ap_to_a, and back seqX_a_to_ap, seqX_ap_to_bp,
 *                seqX_bp_to_b), so every intermediate state is itself a form.
 * Each step exists plain (the words are stored while other harts run) and as *_stopped (under
 * stop_machine_run: the other harts are parked, wherever they are, while the step's words
 * change; each step is its own stop, as one step is one patch_text call).
 *
 * A step validates every word of the site against the "from" form first (-EINVAL and nothing
 * written on a mismatch), then stores the words that differ in ascending address order, one
 * aligned 32-bit store and its cache maintenance each (patch_text_nosync).
 */
#include "patch_arch.h"
#include "patcher.h"
#include "entry_seq.h"
#include "stop_machine.h"

enum seq_form { FORM_B, FORM_BP, FORM_AP, FORM_A };

/* An entry sequence: its words in form A, with the BL at index call (encoded per site). */
struct entry_seq {
	unsigned nwords;
	unsigned call;
	patch_insn_t words[4];
};

static const struct entry_seq seq_a = {
	4, 2, {A64_STP_FP_LR_PRE, A64_MOV_FP_SP, 0, A64_LDP_FP_LR_POST}
};

static const struct entry_seq seq_b = {
	3, 1, {A64_MOV_X9_X30, 0, A64_MOV_X30_X9, 0}
};

/* The words of func's site in the given form; 0 or the error of encoding the BL. */
static int seq_words(const struct entry_seq *seq, unsigned long func, unsigned long tramp,
		     enum seq_form form, patch_insn_t out[4])
{
	unsigned long body = func + 4ul * seq->nwords;
	patch_insn_t call;
	int err = arch_ftrace_encode_call(func + 4ul * seq->call, tramp, &call);

	if (err)
		return err;
	for (unsigned i = 0; i < seq->nwords; i++) {
		if (form == FORM_A || form == FORM_AP)
			out[i] = i == seq->call ? call : seq->words[i];
		else
			out[i] = A64_NOP;
	}
	if (form == FORM_AP || form == FORM_BP)
		out[0] = a64_encode_b(func, body);
	return 0;
}

/* One step: validate the whole site against `from`, then write the words that change. */
static int seq_switch(const struct entry_seq *seq, unsigned long func, unsigned long tramp,
		      enum seq_form from, enum seq_form to)
{
	patch_insn_t old[4], new[4], cur;
	int err = seq_words(seq, func, tramp, from, old);

	if (!err)
		err = seq_words(seq, func, tramp, to, new);
	for (unsigned i = 0; !err && i < seq->nwords; i++) {
		err = patch_read_insn(func + 4ul * i, &cur);
		if (!err && cur != old[i])
			err = -EINVAL;
	}
	for (unsigned i = 0; !err && i < seq->nwords; i++)
		if (new[i] != old[i])
			err = patch_text_nosync(func + 4ul * i, new[i]);
	return err;
}

/* Runs under stop_machine_run: a = func, b = tramp, c = (seq << 8) | (from << 4) | to. */
static int seq_switch_stopped(unsigned long func, unsigned long tramp, unsigned long how)
{
	const struct entry_seq *seq = (how >> 8) ? &seq_b : &seq_a;

	return seq_switch(seq, func, tramp, (enum seq_form)((how >> 4) & 15),
			  (enum seq_form)(how & 15));
}

#define SEQ_STEP(name, which, from, to)                                                       \
	int name(unsigned long func, unsigned long tramp)                                     \
	{                                                                                     \
		return seq_switch(&seq_##which, func, tramp, from, to);                       \
	}                                                                                     \
	int name##_stopped(unsigned long func, unsigned long tramp)                           \
	{                                                                                     \
		return stop_machine_run(seq_switch_stopped, func, tramp,                      \
					((unsigned long)(&seq_##which == &seq_b) << 8) |       \
						((unsigned long)(from) << 4) | (to));          \
	}

/* Sequence (a): func has 4 pads, tramp is an mcount-style routine (mcount_seqa). */
SEQ_STEP(seqa_b_to_bp, a, FORM_B, FORM_BP)
SEQ_STEP(seqa_bp_to_ap, a, FORM_BP, FORM_AP)
SEQ_STEP(seqa_ap_to_a, a, FORM_AP, FORM_A)
SEQ_STEP(seqa_a_to_ap, a, FORM_A, FORM_AP)
SEQ_STEP(seqa_ap_to_bp, a, FORM_AP, FORM_BP)
SEQ_STEP(seqa_bp_to_b, a, FORM_BP, FORM_B)

/* Sequence (b): func has 3 pads, tramp keeps x9 (ftrace_caller_seqb). */
SEQ_STEP(seqb_b_to_bp, b, FORM_B, FORM_BP)
SEQ_STEP(seqb_bp_to_ap, b, FORM_BP, FORM_AP)
SEQ_STEP(seqb_ap_to_a, b, FORM_AP, FORM_A)
SEQ_STEP(seqb_a_to_ap, b, FORM_A, FORM_AP)
SEQ_STEP(seqb_ap_to_bp, b, FORM_AP, FORM_BP)
SEQ_STEP(seqb_bp_to_b, b, FORM_BP, FORM_B)

/*
 * The form func's site is in, as 0 (B), 1 (B'), 2 (A'), 3 (A), or -EINVAL if it is none of
 * them (a torn site); seq is 'a' or 'b'. For tests and setup checks.
 */
int entry_seq_form(unsigned long func, unsigned long tramp, unsigned long seq_name)
{
	const struct entry_seq *seq = seq_name == 'b' ? &seq_b : &seq_a;
	patch_insn_t want[4], cur;

	for (int form = FORM_B; form <= FORM_A; form++) {
		int err = seq_words(seq, func, tramp, (enum seq_form)form, want);
		unsigned i;

		if (err)
			return err;
		for (i = 0; i < seq->nwords; i++)
			if (patch_read_insn(func + 4ul * i, &cur) || cur != want[i])
				break;
		if (i == seq->nwords)
			return form;
	}
	return -EINVAL;
}
