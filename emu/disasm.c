/*
 * disasm.c - instruction text for traces and reports: Capstone, opened on first use, with a
 * cache keyed by (address, bytes) so each distinct instruction is disassembled once.
 *
 * When Capstone has no decoder for the arch (cs_arch < 0: riscv64 with Capstone 4), LLVM's C
 * disassembler serves it, if the build found LLVM (PATCHCHECK_HAVE_LLVM). When neither decodes
 * the bytes, the text is the raw word, ".word 0x...".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#ifdef PATCHCHECK_HAVE_LLVM
#include <pthread.h>

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#endif

#include "emu_internal.h"

#define DISASM_TEXT_MAX 200 /* Capstone: 32-byte mnemonic + 160-byte operands */

struct disasm_entry {
	uint64_t addr;
	uint32_t word;  /* the instruction bytes, little-endian, zero-padded */
	unsigned len;   /* 0: empty slot */
	char *text;
};

struct disasm {
	const struct arch_model *arch;
	bool cs_tried;
	bool cs_ok;
	csh cs;
	bool llvm_tried;
	void *llvm;     /* LLVMDisasmContextRef, or NULL */
	struct disasm_entry *slots;
	size_t cap, n;  /* cap is a power of two */
};

static uint64_t entry_hash(uint64_t addr, uint32_t word, unsigned len)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)word << 8 | len) * 0xc2b2ae3d27d4eb4full;
	return h ^ (h >> 29);
}

static struct disasm_entry *slot_for(struct disasm_entry *slots, size_t cap, uint64_t addr,
				     uint32_t word, unsigned len)
{
	size_t i = (size_t)entry_hash(addr, word, len) & (cap - 1);

	while (slots[i].len != 0 &&
	       !(slots[i].addr == addr && slots[i].word == word && slots[i].len == len))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct disasm *c)
{
	size_t cap = c->cap ? 2 * c->cap : 256;
	struct disasm_entry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].len != 0)
			*slot_for(slots, cap, c->slots[i].addr, c->slots[i].word, c->slots[i].len) =
				c->slots[i];
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

static void raw_text(char *out, size_t outlen, uint32_t word, unsigned len)
{
	snprintf(out, outlen, ".word 0x%0*" PRIx32, (int)(2 * len), word);
}

#ifdef PATCHCHECK_HAVE_LLVM
/* LLVM targets for the arches Capstone cannot decode, by arch model name: data, so adding one
 * is a table row (and its components in emu/CMakeLists.txt). */
static void init_riscv(void)
{
	LLVMInitializeRISCVTargetInfo();
	LLVMInitializeRISCVTargetMC();
	LLVMInitializeRISCVDisassembler();
}

struct llvm_target {
	const char *arch;
	const char *triple;
	const char *features; /* plain LLVMCreateDisasm would reject RVC, M and A */
	void (*init)(void);
};

static const struct llvm_target llvm_targets[] = {
	{"riscv64", "riscv64-unknown-linux-gnu", "+m,+a,+f,+d,+c", init_riscv},
};

#define NLLVM_TARGETS (sizeof(llvm_targets) / sizeof(llvm_targets[0]))

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;

/* LLVM's target registry is global: register every target of the table once per process. */
static void llvm_init_targets(void)
{
	for (size_t i = 0; i < NLLVM_TARGETS; i++)
		llvm_targets[i].init();
}

static void *llvm_open(const struct arch_model *arch)
{
	for (size_t i = 0; i < NLLVM_TARGETS; i++) {
		const struct llvm_target *t = &llvm_targets[i];

		if (strcmp(t->arch, arch->name) != 0)
			continue;
		pthread_once(&llvm_once, llvm_init_targets);
		return LLVMCreateDisasmCPUFeatures(t->triple, "", t->features, NULL, 0, NULL, NULL);
	}
	return NULL;
}

/* LLVM prints "\tmnemonic\toperands": one line, single spaces, no trailing blanks. False when
 * it decodes nothing, or an instruction of another length than the machine fetched. */
static bool llvm_decode(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len, char *out,
			size_t outlen)
{
	char raw[DISASM_TEXT_MAX];
	size_t n = LLVMDisasmInstruction(ctx, (uint8_t *)bytes, len, addr, raw, sizeof(raw)), k = 0;
	const char *p = raw;

	if (n != len)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p && k + 1 < outlen; p++)
		out[k++] = *p == '\t' ? ' ' : *p;
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = 0;
	return k > 0;
}
#endif

static void decode(struct disasm *c, uint64_t addr, const uint8_t *bytes,
		   unsigned len, uint32_t word, char *out, size_t outlen)
{
	const struct arch_model *arch = c->arch;
	cs_insn *insn = NULL;

	if (!c->cs_tried) {
		c->cs_tried = true;
		c->cs_ok = arch->cs_arch >= 0 &&
			   cs_open((cs_arch)arch->cs_arch, (cs_mode)arch->cs_mode, &c->cs) == CS_ERR_OK;
	}
	if (c->cs_ok && cs_disasm(c->cs, bytes, len, addr, 1, &insn) == 1) {
		if (insn[0].op_str[0])
			snprintf(out, outlen, "%s %s", insn[0].mnemonic, insn[0].op_str);
		else
			snprintf(out, outlen, "%s", insn[0].mnemonic);
		cs_free(insn, 1);
		return;
	}
#ifdef PATCHCHECK_HAVE_LLVM
	if (!c->llvm_tried) {
		c->llvm_tried = true;
		c->llvm = arch->cs_arch < 0 ? llvm_open(arch) : NULL;
	}
	if (c->llvm && llvm_decode(c->llvm, addr, bytes, len, out, outlen))
		return;
#endif
	raw_text(out, outlen, word, len);
}

struct disasm *disasm_open(const struct arch_model *arch)
{
	struct disasm *c = calloc(1, sizeof(*c));

	if (c)
		c->arch = arch;
	return c;
}

const char *disasm_text(struct disasm *c, uint64_t addr, const uint8_t *bytes, unsigned len)
{
	static char fallback[DISASM_TEXT_MAX]; /* only when out of memory */
	uint32_t word = 0;
	char text[DISASM_TEXT_MAX];

	if (len > 4)
		len = 4;
	for (unsigned i = 0; i < len; i++)
		word |= (uint32_t)bytes[i] << (8 * i);
	if (len == 0)
		return ".word";
	if (!c) {
		raw_text(fallback, sizeof(fallback), word, len);
		return fallback;
	}
	if (c->cap) {
		struct disasm_entry *e = slot_for(c->slots, c->cap, addr, word, len);
		if (e->len != 0)
			return e->text;
	}
	decode(c, addr, bytes, len, word, text, sizeof(text));
	if ((c->n + 1) * 2 > c->cap && grow(c) != 0)
		goto uncached;
	char *copy = strdup(text);
	if (!copy)
		goto uncached;
	struct disasm_entry *e = slot_for(c->slots, c->cap, addr, word, len);
	e->addr = addr;
	e->word = word;
	e->len = len;
	e->text = copy;
	c->n++;
	return copy;
uncached:
	snprintf(fallback, sizeof(fallback), "%s", text);
	return fallback;
}

const char *machine_disasm(struct machine *m, uint64_t addr, const uint8_t *bytes, unsigned len)
{
	if (!m->disasm)
		m->disasm = disasm_open(m->arch);
	return disasm_text(m->disasm, addr, bytes, len);
}

void disasm_close(struct disasm *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->slots[i].text);
	if (c->cs_ok)
		cs_close(&c->cs);
#ifdef PATCHCHECK_HAVE_LLVM
	if (c->llvm)
		LLVMDisasmDispose(c->llvm);
#endif
	free(c->slots);
	free(c);
}
