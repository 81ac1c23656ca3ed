/*
 * entry_seq.h - patcher API for the multi-word entry sequences of the arm64 ftrace-with-regs
 * for livepatch RFC (AKASHI Takahiro and Li Bin, linux-arm-kernel, Jan 2016), implemented in
 * entry_seq_arm64.c: one call per transition step between the forms A, A', B, B' of sequence
 * (a) (4 pads) and sequence (b) (3 pads). Every step returns 0, -EINVAL (the site is not in the
 * "from" form; nothing written), -EFAULT (not text) or -ERANGE (trampoline out of BL range).
 * The *_stopped variant runs the same step under stop_machine_run.
 */
#ifndef PATCHCHECK_ENTRY_SEQ_H
#define PATCHCHECK_ENTRY_SEQ_H

#define ENTRY_SEQ_STEP(name)                                                                  \
	int name(unsigned long func, unsigned long tramp);                                    \
	int name##_stopped(unsigned long func, unsigned long tramp);

ENTRY_SEQ_STEP(seqa_b_to_bp)
ENTRY_SEQ_STEP(seqa_bp_to_ap)
ENTRY_SEQ_STEP(seqa_ap_to_a)
ENTRY_SEQ_STEP(seqa_a_to_ap)
ENTRY_SEQ_STEP(seqa_ap_to_bp)
ENTRY_SEQ_STEP(seqa_bp_to_b)
ENTRY_SEQ_STEP(seqb_b_to_bp)
ENTRY_SEQ_STEP(seqb_bp_to_ap)
ENTRY_SEQ_STEP(seqb_ap_to_a)
ENTRY_SEQ_STEP(seqb_a_to_ap)
ENTRY_SEQ_STEP(seqb_ap_to_bp)
ENTRY_SEQ_STEP(seqb_bp_to_b)

#undef ENTRY_SEQ_STEP

/* The current form of func's site: 0 B, 1 B', 2 A', 3 A; -EINVAL for none; seq is 'a' or 'b'. */
int entry_seq_form(unsigned long func, unsigned long tramp, unsigned long seq);

#endif
