/*
 * pt_regs.h - the register frame the arm guest trampolines hand to callbacks (the layout of an
 * arm kernel's struct pt_regs), shared by the assembly (offsets) and by C (struct pt_regs).
 *
 * Layout (4-byte fields, offsets in bytes), 72 bytes:
 *
 *      0 .. 44   uregs[0..11]  r0..r11 as at the site
 *     48         ARM_ip        r12 as at the site
 *     52         ARM_sp        SP before the call-site `push {lr}`: SP at the site's start
 *     56         ARM_lr        the traced function's return address (the parent LR, which the
 *                              call site pushed)
 *     60         ARM_pc        where execution continues: the first body instruction, after
 *                              push + bl (with bit 0 set in a Thumb image)
 *     64         ARM_cpsr      CPSR at trampoline entry
 *     68         ARM_ORIG_r0   r0 as at the site
 *     72                       PT_REGS_SIZE, a multiple of 8
 *
 * Fixed-width fields only: the host may include this file too.
 */
#ifndef PATCHCHECK_ARM_PT_REGS_H
#define PATCHCHECK_ARM_PT_REGS_H

#define S_R(n)        ((n) * 4)
#define S_IP          48
#define S_SP          52
#define S_LR          56
#define S_PC          60
#define S_PSR         64
#define S_OLD_R0      68
#define PT_REGS_SIZE  72

#ifndef __ASSEMBLER__

struct pt_regs {
	unsigned int uregs[18];
};

#define ARM_ip      uregs[12]
#define ARM_sp      uregs[13]
#define ARM_lr      uregs[14]
#define ARM_pc      uregs[15]
#define ARM_cpsr    uregs[16]
#define ARM_ORIG_r0 uregs[17]

_Static_assert(__builtin_offsetof(struct pt_regs, ARM_ip) == S_IP, "S_IP");
_Static_assert(__builtin_offsetof(struct pt_regs, ARM_sp) == S_SP, "S_SP");
_Static_assert(__builtin_offsetof(struct pt_regs, ARM_lr) == S_LR, "S_LR");
_Static_assert(__builtin_offsetof(struct pt_regs, ARM_pc) == S_PC, "S_PC");
_Static_assert(__builtin_offsetof(struct pt_regs, ARM_cpsr) == S_PSR, "S_PSR");
_Static_assert(__builtin_offsetof(struct pt_regs, ARM_ORIG_r0) == S_OLD_R0, "S_OLD_R0");
_Static_assert(sizeof(struct pt_regs) == PT_REGS_SIZE, "PT_REGS_SIZE");
_Static_assert(PT_REGS_SIZE % 8 == 0, "a frame of whole pt_regs keeps SP 8-byte aligned");

/* Accessors named after what a tracer asks for. */
static inline unsigned long regs_return_address(const struct pt_regs *r) { return r->ARM_lr; }
static inline unsigned long regs_instruction_pointer(const struct pt_regs *r) { return r->ARM_pc; }
static inline void regs_set_instruction_pointer(struct pt_regs *r, unsigned long pc)
{
	r->ARM_pc = pc;
}

#endif /* __ASSEMBLER__ */
#endif
