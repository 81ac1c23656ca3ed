/*
 * insn_riscv64.h - RV64 instruction encoders and classifiers used by both the guest patcher
 * (freestanding C compiled by clang for riscv64) and the host arch model.
 *
 * Only integer types and static inline functions: no libc. Encodings from the RISC-V unprivileged
 * ISA (base formats I, S, U and the C extension); the constants were checked against
 * llvm-mc-14 -triple=riscv64 -show-encoding (tests/test_riscv.c).
 */
#ifndef PATCHCHECK_INSN_RISCV64_H
#define PATCHCHECK_INSN_RISCV64_H

typedef unsigned int rv_insn;

/* Registers by number. */
#define RV_ZERO 0
#define RV_RA   1
#define RV_SP   2
#define RV_TP   4
#define RV_T0   5
#define RV_T1   6

#define RV_NOP4        0x00000013u /* addi zero, zero, 0 */
#define RV_C_NOP       0x0001u     /* c.nop (16 bits) */
#define RV_C_NOP_PAIR  0x00010001u /* two c.nop, as the 32-bit word they fill */
#define RV_FENCE_I     0x0000100fu
#define RV_FENCE       0x0ff0000fu /* fence iorw, iorw */
#define RV_EBREAK      0x00100073u
#define RV_C_EBREAK    0x9002u
#define RV_ECALL       0x00000073u
#define RV_WFI         0x10500073u
#define RV_SRET        0x10200073u
#define RV_SD_RA_M8_SP 0xfe113c23u /* sd ra, -8(sp): the 16-byte detour's first word */
#define RV_LD_RA_M8_SP 0xff813083u /* ld ra, -8(sp): the 16-byte detour's last word */

#define RV_OP_AUIPC 0x17u
#define RV_OP_JALR  0x67u
#define RV_OP_JAL   0x6fu

/* Length of the instruction whose first halfword is given: 2 (compressed) or 4. */
static inline unsigned rv_insn_length(unsigned halfword)
{
	return (halfword & 3u) == 3u ? 4u : 2u;
}

/* auipc rd, imm20: rd = pc + (imm20 << 12), imm20 the upper 20 bits (any sign). */
static inline rv_insn rv_encode_auipc(unsigned rd, unsigned imm20)
{
	return (imm20 & 0xfffffu) << 12 | (rd & 31u) << 7 | RV_OP_AUIPC;
}

/* jalr rd, imm12(rs1) */
static inline rv_insn rv_encode_jalr(unsigned rd, unsigned rs1, int imm12)
{
	return ((unsigned)imm12 & 0xfffu) << 20 | (rs1 & 31u) << 15 | (rd & 31u) << 7 | RV_OP_JALR;
}

/* jal rd, off (+-1 MiB, even). Caller checks the range. */
static inline rv_insn rv_encode_jal(unsigned rd, long long off)
{
	unsigned long long o = (unsigned long long)off;

	return (unsigned)(((o >> 20) & 1u) << 31 | ((o >> 1) & 0x3ffu) << 21 | ((o >> 11) & 1u) << 20 |
			  ((o >> 12) & 0xffu) << 12) |
	       (rd & 31u) << 7 | RV_OP_JAL;
}

/*
 * Split a pc-relative offset for an auipc + jalr pair: off = (hi << 12) + lo with lo in
 * [-2048, 2047] (jalr sign-extends it, so hi rounds up when bit 11 of off is set). Returns 0, or
 * -1 when off is beyond the pair's reach (+-2 GiB).
 */
static inline int rv_split_offset(long long off, unsigned *hi20, int *lo12)
{
	long long hi = (off + 0x800) >> 12;

	if (off < -0x80000000ll - 0x800 || off >= 0x80000000ll - 0x800)
		return -1;
	*hi20 = (unsigned)hi & 0xfffffu;
	*lo12 = (int)(off - hi * 4096);
	return 0;
}

static inline int rv_is_auipc(rv_insn w) { return (w & 0x7fu) == RV_OP_AUIPC; }
static inline int rv_is_jalr(rv_insn w) { return (w & 0x707fu) == RV_OP_JALR; }
static inline unsigned rv_rd(rv_insn w) { return (w >> 7) & 31u; }
static inline unsigned rv_rs1(rv_insn w) { return (w >> 15) & 31u; }

/* The byte offset an auipc adds to its pc (sign-extended imm20 << 12). */
static inline long long rv_auipc_offset(rv_insn w)
{
	return (long long)(int)(w & 0xfffff000u);
}

/* The sign-extended 12-bit immediate of a jalr. */
static inline int rv_jalr_offset(rv_insn w)
{
	return (int)w >> 20;
}

static inline int rv_is_fence_i(rv_insn w) { return (w & 0x707fu) == 0x100fu; }
static inline int rv_is_fence(rv_insn w) { return (w & 0x707fu) == 0x000fu; }

#endif
