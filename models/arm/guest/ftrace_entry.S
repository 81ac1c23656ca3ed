/*
 * ftrace_entry.S - arm ftrace trampolines: the code a patched site's BL enters, and the mcount
 * entry an unpatched site calls. Assembled for A32 (-marm) and for T32 (-mthumb); where T32
 * cannot encode an instruction the A32 code uses, the Thumb build does the same with others
 * (said at each place).
 *
 * The patch site (clang -pg -meabi gnu, after the traced function's own frame setup):
 *
 *     push {lr}                 [S-4] = the traced function's return address (parent LR)
 *     bl   <target>             lr = the first body instruction (bit 0 set in Thumb)
 *     <body>
 *
 * where S is SP at the site's start (8-byte aligned: the compiler keeps SP aligned at calls).
 * Disabled, the BL is `add sp, sp, #4` (or, in older kernels, `pop {lr}`), which undoes the push.
 *
 * Common contract of the trampolines here (the correct ones; the variants from the arm
 * DYNAMIC_FTRACE_WITH_REGS review (Abel Vesa, Russell King, Steven Rostedt, LKML, Feb 2017) each
 * say where they differ):
 *
 *   In:  r0-r3   the traced function's arguments (r0: hidden result address), live
 *        r4-r11  the caller's values, live
 *        ip      scratch: AAPCS lets any BL corrupt it, so nothing lives in it at the site
 *        lr      return into the body, B = the BL's address + 4 (| 1 in Thumb)
 *        sp      S - 4; [sp] = parent LR (pushed at the call site)
 *   Calls:  *ftrace_trace_function(r0 = ip = (lr & ~1) - 4, the BL; r1 = parent_ip = parent LR;
 *                                  r2 = function_trace_op; r3 = &pt_regs or NULL)
 *           with SP 8-byte aligned, as AAPCS requires at a public interface.
 *   Out: r0-r11 as at the site (ftrace_regs_caller: as in pt_regs, so a callback may change
 *        them), lr = parent LR (ftrace_regs_caller: regs->ARM_lr), sp = S (the push undone),
 *        flags may differ; control goes to B (ftrace_regs_caller: regs->ARM_pc, through an
 *        interworking load, so a Thumb target keeps the Thumb state).
 *
 * Nothing at or above S is written (the slot the call site pushed, S-4, is reused), so the
 * traced function's frame and its stack arguments survive.
 */
#include "pt_regs.h"

#include "asm.h"

/* reg = &sym (no literal pool, the same in both instruction sets). */
.macro	load_addr reg, sym
	movw	\reg, #:lower16:\sym
	movt	\reg, #:upper16:\sym
.endm

/* r2 = function_trace_op. */
.macro	load_trace_op
	load_addr r2, function_trace_op
	ldr	r2, [r2]
.endm

/* Call the current tracer with r0-r3 as set. Clobbers what a C call clobbers (r0-r3, ip, lr). */
.macro	tramp_call
	load_addr ip, ftrace_trace_function
	ldr	ip, [ip]
	blx	ip
.endm

	.section .text.ftrace, "ax", %progbits

/*
 * __gnu_mcount_nc - what an unpatched site (push {lr}; bl __gnu_mcount_nc) calls: returns into
 * the body with the push undone, tracing nothing.
 *   In:  lr = B, [sp] = parent LR, sp = S - 4.
 *   Out: lr = parent LR, sp = S, everything else untouched except ip (= B). Calls nothing.
 */
ENTRY __gnu_mcount_nc
	mov	ip, lr
	ldr	lr, [sp], #4
	bx	ip
END __gnu_mcount_nc

/*
 * ftrace_caller - the trampoline without regs.
 *   In/out: the common contract; the callback gets r3 = NULL.
 *   Stack while the callback runs (sp_t = S - 24, 8-byte aligned):
 *     [sp_t, sp_t+16) r0-r3 at entry   [sp_t+16] B   [sp_t+20] parent LR (the call site's push)
 *   Out: r0-r3 reloaded, lr = parent, sp = S, ip = B; continues at B with `bx ip`.
 */
ENTRY ftrace_caller
	push	{r0-r3, lr}
	bic	r0, lr, #1
	sub	r0, r0, #4
	ldr	r1, [sp, #20]
	load_trace_op
	mov	r3, #0
	tramp_call
	pop	{r0-r3, ip}
	ldr	lr, [sp], #4
	bx	ip
END ftrace_caller

/*
 * ftrace_regs_caller - the trampoline with a full pt_regs (the layout arm uses since 2022,
 * pt_regs.h), for livepatch-like and kprobe-like users.
 *   In/out: the common contract. pt_regs occupies [S-72, S): it takes in the slot the call
 *   site pushed, whose parent LR moves to ARM_lr and which then holds ARM_ORIG_r0. So SP is
 *   S - 72, 8-byte aligned, while the callback runs.
 *     ARM_r0..r11, ARM_ip   as at the site        ARM_sp  S (SP before the call-site push)
 *     ARM_lr  parent LR                           ARM_pc  B
 *     ARM_cpsr  CPSR at entry                     ARM_ORIG_r0  r0 at the site
 *   Out: r0-r12 and lr reloaded from pt_regs; sp = S (a change of ARM_sp is ignored);
 *   continues at ARM_pc by `ldr pc` (interworking: bit 0 selects Thumb).
 */
/* ftrace_regs_caller's pt_regs built at sp = S - 72; r5 = parent LR, r6 = B. */
.macro	regs_frame_save
	sub	sp, sp, #(PT_REGS_SIZE - 4)
	stmia	sp, {r0-r12}
	ldr	r5, [sp, #S_OLD_R0]		/* the parent LR the site pushed */
	str	r0, [sp, #S_OLD_R0]
	add	r4, sp, #PT_REGS_SIZE		/* S */
	mov	r6, lr				/* B */
	mrs	r7, apsr
	add	r8, sp, #S_SP
	stmia	r8, {r4-r7}			/* ARM_sp, ARM_lr, ARM_pc, ARM_cpsr */
.endm

/* After regs_frame_save: the callback called with the pt_regs at sp, then r0-r12 and lr
 * reloaded from it; sp = S - 72 still points at the pt_regs. */
.macro	regs_frame_call
	bic	r0, r6, #1
	sub	r0, r0, #4
	mov	r1, r5
	load_trace_op
	mov	r3, sp
	tramp_call
	ldmia	sp, {r0-r12}
	ldr	lr, [sp, #S_LR]
.endm

/* ftrace_regs_caller up to its return. */
.macro	regs_caller_body
	regs_frame_save
	regs_frame_call
.endm

ENTRY ftrace_regs_caller
	regs_caller_body
	add	sp, sp, #S_PC
	ldr	pc, [sp], #(PT_REGS_SIZE - S_PC)
END ftrace_regs_caller

/* ---- the variants discussed in the 2017 review of arm DYNAMIC_FTRACE_WITH_REGS ---- */

/*
 * ftrace_regs_caller_posted - FLAWED: the frame of the posted patch (v3): a 68-byte frame where
 * pt_regs is 72 bytes, laid out as its comment drew it:
 *     0..44 r0..r11 | 48 LR | 52 SP+4 | 56 LR | 60 PC | 64 previous LR
 * built by `add ip, sp, #4; stmdb sp!, {ip, lr, pc}; stmdb sp!, {r0-r11, lr}`. Read as pt_regs:
 * ARM_ip = B, ARM_sp = S (right), ARM_lr = B instead of the parent LR, ARM_pc = an address in
 * this trampoline instead of B, ARM_cpsr = the parent LR, ARM_ORIG_r0 = [S], a word of the
 * traced function's frame, beyond the trampoline's own. The frame puts SP at S - 68: not
 * 8-byte aligned when the callback is called. (T32 cannot store pc with STM: the Thumb build
 * writes the trampoline's address into the same slot with adr + str.)
 *   Out (the return is ours, the review thread does not show one): r0-r11 reloaded,
 *   lr = parent LR, sp = S, ip = B; continues at the "LR" slot (48), so a change of ARM_pc is
 *   ignored.
 *   Caught by: stack-alignment (the callback runs with SP = S - 68); with that check ignored,
 *   regs-seen (regs->pc is not the body; regs->lr is not the parent).
 */
ENTRY ftrace_regs_caller_posted
	add	ip, sp, #4
#ifdef __thumb__
	sub	sp, sp, #12
	str	ip, [sp]
	str	lr, [sp, #4]
	adr	ip, ftrace_regs_caller_posted
	str	ip, [sp, #8]
#else
	.inst	0xe92dd000			/* stmdb sp!, {ip, lr, pc} (assemblers warn: PC in
						 * the list is deprecated; the posted patch
						 * stores it anyway) */
#endif
	stmdb	sp!, {r0-r11, lr}
	bic	r0, lr, #1
	sub	r0, r0, #4
	ldr	r1, [sp, #64]			/* previous LR */
	load_trace_op
	mov	r3, sp
	tramp_call
	ldmia	sp!, {r0-r11, ip}		/* ip = B (slot 48) */
	ldr	lr, [sp, #12]			/* previous LR (slot 64) */
	add	sp, sp, #16
	bx	ip
END ftrace_regs_caller_posted

/*
 * ftrace_regs_caller_review_misaligned - FLAWED: the reviewer's first alternative, which
 * makes LR and PC in pt_regs relate to the call itself: a full 72-byte pt_regs with
 * ARM_sp = S, ARM_lr = parent LR, ARM_pc = B, ARM_ip as at the site, ARM_cpsr = ARM_ORIG_r0 = 0,
 * built below the slot the call site pushed, by
 *     str ip, [sp, #S_IP - PT_REGS_SIZE]!      ldr ip, [sp, #PT_REGS_SIZE - S_IP]
 *     str lr, [sp, #S_PC - S_IP]               str ip, [sp, #S_LR - S_IP]
 *     add ip, sp, #PT_REGS_SIZE - S_IP + 4     str ip, [sp, #S_SP - S_IP]
 *     stmdb sp!, {r0 - r11}                    (r3 = 0 into ARM_cpsr and ARM_ORIG_r0)
 * so pt_regs is [S-76, S-4) and SP is S - 76 while the callback runs: as the reviewer said,
 * it misaligns the stack.
 *   Out (our return): r0-r12 and lr from pt_regs, continues at ARM_pc, sp = S.
 *   Caught by: stack-alignment; with that ignored, regs-seen (ARM_ORIG_r0 = 0, where Linux's
 *   __ftrace_regs_caller stores r0). Every other field and register is right.
 */
ENTRY ftrace_regs_caller_review_misaligned
	str	ip, [sp, #(S_IP - PT_REGS_SIZE)]!
	ldr	ip, [sp, #(PT_REGS_SIZE - S_IP)]
	str	lr, [sp, #(S_PC - S_IP)]
	str	ip, [sp, #(S_LR - S_IP)]
	add	ip, sp, #(PT_REGS_SIZE - S_IP + 4)
	str	ip, [sp, #(S_SP - S_IP)]
	stmdb	sp!, {r0-r11}
	mov	r3, #0
	str	r3, [sp, #S_PSR]
	str	r3, [sp, #S_OLD_R0]
	ldr	r0, [sp, #S_PC]
	bic	r0, r0, #1
	sub	r0, r0, #4
	ldr	r1, [sp, #S_LR]
	load_trace_op
	mov	r3, sp
	tramp_call
	ldmia	sp!, {r0-r11}
	ldr	ip, [sp], #(S_LR - S_IP)
	ldr	lr, [sp], #(S_PC - S_LR)
	ldr	pc, [sp], #(PT_REGS_SIZE - S_PC + 4)
END ftrace_regs_caller_review_misaligned

/*
 * ftrace_regs_caller_review_aligned - the reviewer's aligned alternative: the same fields, but
 * pt_regs overlaps the slot the call site pushed, so it is [S-72, S) and SP stays 8-byte
 * aligned:
 *     str ip, [sp, #S_IP - PT_REGS_SIZE + 4]!  str lr, [sp, #S_PC - S_IP]
 *     ldr lr, [sp, #PT_REGS_SIZE - 4 - S_IP]   add ip, sp, #PT_REGS_SIZE - S_IP
 *     stmib sp, {ip, lr}                       stmdb sp!, {r0 - r11}
 *     (r3 = 0 into ARM_cpsr and ARM_ORIG_r0, the latter over the pushed parent LR, which is
 *     in ARM_lr by then)
 * and the return `ldmia sp, {r0 - pc}` reloads r0-r12, sp, lr and pc from pt_regs at once.
 * (T32 has neither STMIB nor an LDM that loads SP: the Thumb build stores the two words with
 * str and returns like ftrace_regs_caller, so there a change of ARM_sp is ignored.)
 *   In/out: the common contract, with ARM_cpsr = 0 and ARM_ORIG_r0 = 0.
 *   Caught by: regs-seen, on ARM_ORIG_r0 alone: Linux's __ftrace_regs_caller writes r0 there.
 */
ENTRY ftrace_regs_caller_review_aligned
	str	ip, [sp, #(S_IP - PT_REGS_SIZE + 4)]!
	str	lr, [sp, #(S_PC - S_IP)]
	ldr	lr, [sp, #(PT_REGS_SIZE - 4 - S_IP)]
	add	ip, sp, #(PT_REGS_SIZE - S_IP)
#ifdef __thumb__
	str	ip, [sp, #4]
	str	lr, [sp, #8]
#else
	stmib	sp, {ip, lr}
#endif
	stmdb	sp!, {r0-r11}
	mov	r3, #0
	str	r3, [sp, #S_PSR]
	str	r3, [sp, #S_OLD_R0]
	ldr	r0, [sp, #S_PC]
	bic	r0, r0, #1
	sub	r0, r0, #4
	ldr	r1, [sp, #S_LR]
	load_trace_op
	mov	r3, sp
	tramp_call
#ifdef __thumb__
	ldmia	sp, {r0-r12}
	ldr	lr, [sp, #S_LR]
	add	sp, sp, #S_PC
	ldr	pc, [sp], #(PT_REGS_SIZE - S_PC)
#else
	.inst	0xe89dffff			/* ldmia sp, {r0-pc} (as written in the review;
						 * assemblers warn: LR and PC together deprecated) */
#endif
END ftrace_regs_caller_review_aligned

/*
 * ftrace_regs_caller_ip_as_pc - the pt_regs frame arm merged in 2017 and kept until a 2022
 * rework: every field as in ftrace_regs_caller, except that the ARM_ip slot holds B (the
 * return into the body, the trampoline's lr) instead of ip as at the site, and ip is B when
 * the body starts. Neither is a flaw: ip is the AAPCS intra-procedure-call scratch register,
 * which any BL may corrupt (a veneer between the site and the trampoline can have rewritten
 * it before the trampoline runs), so at an mcount site it holds nothing a callback could
 * read, and nothing lives in it when the body starts (models/arm/CONTRACT.md).
 *   In/out: the common contract, with ARM_ip = B and ip = B at the body.
 */
ENTRY ftrace_regs_caller_ip_as_pc
	sub	sp, sp, #(PT_REGS_SIZE - 4)
	stmia	sp, {r0-r11}
	str	lr, [sp, #S_IP]			/* B where the frame could keep ip */
	ldr	r5, [sp, #S_OLD_R0]		/* the parent LR the site pushed */
	str	r0, [sp, #S_OLD_R0]
	add	r4, sp, #PT_REGS_SIZE		/* S */
	mov	r6, lr				/* B */
	mrs	r7, apsr
	add	r8, sp, #S_SP
	stmia	r8, {r4-r7}			/* ARM_sp, ARM_lr, ARM_pc, ARM_cpsr */
	bic	r0, r6, #1
	sub	r0, r0, #4
	mov	r1, r5
	load_trace_op
	mov	r3, sp
	tramp_call
	ldmia	sp, {r0-r12}			/* ip = B */
	ldr	lr, [sp, #S_LR]
	add	sp, sp, #S_PC
	ldr	pc, [sp], #(PT_REGS_SIZE - S_PC)
END ftrace_regs_caller_ip_as_pc

/*
 * The return of ftrace_regs_caller three other ways, for a Thumb-2 image whose callbacks may
 * send the call to ARM-state code (ARM_pc with bit 0 clear, arm_state.S). Each is
 * ftrace_regs_caller but for its last instructions; ip is scratch at the body, so it may carry
 * the target. ARMv7 (Arm ARM DDI 0406C, A2.3.2 "Pseudocode details of operations on ARM core
 * registers"): BX, and LDR/LDM/POP loading the pc (LoadWritePC), interwork in both
 * instruction sets; a MOV to the pc (ALUWritePC) interworks only in the ARM state, and in the
 * Thumb state it is a plain branch that stays in Thumb.
 *   ftrace_regs_caller_bx       ip = ARM_pc; sp = S; bx ip
 *   ftrace_regs_caller_pop_pc   ARM_pc copied to [S-4] (the ARM_ORIG_r0 slot); sp = S - 4;
 *                               pop {pc}
 *   ftrace_regs_caller_mov_pc   FLAWED in Thumb: ip = ARM_pc; sp = S; mov pc, ip. An ARM-state
 *                               target is entered in the Thumb state: caught by guest-fault
 *                               (the machine's instruction-set state check).
 */
ENTRY ftrace_regs_caller_bx
	regs_caller_body
	ldr	ip, [sp, #S_PC]
	add	sp, sp, #PT_REGS_SIZE
	bx	ip
END ftrace_regs_caller_bx

ENTRY ftrace_regs_caller_pop_pc
	regs_caller_body
	ldr	ip, [sp, #S_PC]
	str	ip, [sp, #S_OLD_R0]
	add	sp, sp, #S_OLD_R0
	pop	{pc}
END ftrace_regs_caller_pop_pc

ENTRY ftrace_regs_caller_mov_pc
	regs_caller_body
	ldr	ip, [sp, #S_PC]
	add	sp, sp, #PT_REGS_SIZE
	mov	pc, ip
END ftrace_regs_caller_mov_pc

/*
 * ftrace_caller_drops_r3 - FLAWED: like ftrace_caller, but after the callback it reloads r0-r2
 * and skips the r3 slot (as if the traced function took three arguments, and r3 were only the
 * NULL regs pointer it passed).
 *   Out: r3 = 0 (what it passed as regs) instead of its value at the site; everything else as
 *   ftrace_caller.
 *   Caught by: register-preservation at body entry, once r3 holds something at the call: the
 *   explorer poisons every argument register a call does not pass.
 */
ENTRY ftrace_caller_drops_r3
	push	{r0-r3, lr}
	bic	r0, lr, #1
	sub	r0, r0, #4
	ldr	r1, [sp, #20]
	load_trace_op
	mov	r3, #0
	tramp_call
	pop	{r0-r2}
	add	sp, sp, #4			/* the flaw: should be pop {r3} */
	pop	{ip}
	ldr	lr, [sp], #4
	bx	ip
END ftrace_caller_drops_r3

/*
 * ftrace_caller_ip_is_return - FLAWED: like ftrace_caller, but ip is passed as the return
 * address into the body (B) instead of the site's BL (B - 4).
 *   Out: as ftrace_caller; only the callback's ip argument is wrong.
 *   Caught by: regs-seen (ip), which a callback handed regs = NULL records all the same.
 */
ENTRY ftrace_caller_ip_is_return
	push	{r0-r3, lr}
	bic	r0, lr, #1			/* the flaw: no sub r0, r0, #4 after it */
	ldr	r1, [sp, #20]
	load_trace_op
	mov	r3, #0
	tramp_call
	pop	{r0-r3, ip}
	ldr	lr, [sp], #4
	bx	ip
END ftrace_caller_ip_is_return

/*
 * ftrace_regs_caller_fp_base - FLAWED: ftrace_regs_caller that keeps its pt_regs pointer in
 * r11 across the callback, as if r11 were just another callee-saved register (it is one in a
 * kernel built without frame pointers). Everything the callback and the body see is right:
 * r11 is reloaded from pt_regs with the others. But in an A32 kernel with the frame-pointer
 * unwinder r11 is fp, and the callback's unwind starts at a "record" that is pt_regs itself:
 * {ARM_r0, ARM_r1} read as {previous fp, return address}.
 *   In/out: the common contract, as ftrace_regs_caller.
 *   Caught by: frame-chain in the A32 image (a Thumb-2 kernel unwinds by tables, not by fp:
 *   the Thumb image does not check it, and there it passes).
 */
ENTRY ftrace_regs_caller_fp_base
	regs_frame_save
	mov	r11, sp				/* the flaw: fp = &pt_regs, no frame record */
	regs_frame_call				/* r11 back as at the site */
	add	sp, sp, #S_PC
	ldr	pc, [sp], #(PT_REGS_SIZE - S_PC)
END ftrace_regs_caller_fp_base
