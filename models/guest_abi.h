/*
 * guest_abi.h - the few things guest code and the host agree on, for every arch.
 *
 * Included by guest C (freestanding) and by host C. Fixed-width fields only, so the layout is the
 * same in a 32-bit guest and on a 64-bit host.
 */
#ifndef PATCHCHECK_GUEST_ABI_H
#define PATCHCHECK_GUEST_ABI_H

#define PC_MAX_HARTS 8
/* pc_qs_count[hart] (models/common/quiesce.c): the explorer sets this bit once the hart has
 * finished its program; the other bits count its schedule points. */
#define PC_QS_IDLE 0x80000000u
#define PC_RECORD_REGS 32

/*
 * What one callback invocation saw, written by the guest's recording callback into
 * pc_records[hart] (symbol "pc_records"). seq is bumped last, so a host that sees a new seq
 * sees the whole record.
 */
struct pc_record {
	unsigned long long seq;       /* number of records written by this hart */
	unsigned long long ip;        /* the callback's ip argument */
	unsigned long long parent_ip; /* the callback's parent_ip argument */
	unsigned long long pc;        /* regs->pc as the trampoline saved it */
	unsigned long long sp;        /* regs->sp */
	unsigned long long lr;        /* regs->lr (the traced function's return address) */
	unsigned long long regs[PC_RECORD_REGS]; /* general registers 0..31 as saved, arch order */
	unsigned long long regs_null; /* 1: the callback got no frame (regs = NULL); pc, sp, lr and
				       * regs[] are 0 and only ip and parent_ip say anything */
};

#define PC_RECORD_SIZE (7 * 8 + PC_RECORD_REGS * 8)
#define PC_RECORD_REGS_NULL (6 * 8 + PC_RECORD_REGS * 8) /* offset of regs_null */

/*
 * unsigned long long pc_exclusive (symbol "pc_exclusive"): 0 when every hart may run; h + 1
 * while hart h runs alone. A guest stop-machine sets it before patching and clears it after:
 * the other harts are parked wherever they are, inside a site included, exactly like tasks
 * preempted there while the stopper runs, and resume with a synchronised instruction fetch.
 */

/*
 * Direct calls (optional): unsigned long pc_direct_requests[PC_MAX_HARTS] counts, per hart, the
 * direct calls that callbacks asked for (a direct ops setting the trampoline's direct slot);
 * unsigned long pc_direct_calls[PC_MAX_HARTS] counts the runs of direct trampolines' work. Over
 * one traced call the two must grow alike: a requested direct call that never runs, or runs
 * twice, breaks the direct-call invariant. The words are the guest's word size.
 */

/*
 * Redirects (optional): unsigned long pc_redirect_requests[PC_MAX_HARTS] counts, per hart, the
 * times an IPMODIFY callback changed the saved pc. A traced call during which it grew must not
 * run the body it was called for (the ipmodify invariant).
 */

#endif
