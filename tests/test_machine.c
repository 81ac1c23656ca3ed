/*
 * test_machine.c - unit tests of emu/: ELF loading, shared memory between harts, the fetch models
 * (a code write seen or not seen by another hart), snapshots, call setup, faults, deterministic
 * system registers and disassembly.
 *
 * The guest programs are A64 instruction words placed in a small ELF that the tests write
 * themselves (no compiler needed), so every expected value below is known exactly.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine.h"
#include "test_support.h"

/* ---- A64 encodings (checked with llvm-mc -triple=aarch64 -show-encoding) ---- */
#define NOP 0xd503201fu
#define RET 0xd65f03c0u
#define STR_W1_X0 0xb9000001u
#define LDR_W2_X0 0xb9400002u
#define ADD_X0_1 0x91000400u
#define STR_X0_X1 0xf9000020u
#define LDR_X3_X1 0xf9400023u
#define ADD_X2_X2_X0 0x8b000042u
#define B_MINUS_16 0x17fffffcu
#define LDR_X8_SP 0xf94003e8u
#define LDR_X9_SP8 0xf94007e9u
#define ADD_X0_X8_X9 0x8b090100u
#define LDR_X0_X1 0xf9400020u
#define BRK_5 0xd42000a0u
#define MRS_X0_CNTVCT 0xd53be040u
#define MRS_X1_MPIDR 0xd53800a1u
#define MRS_X2_TPIDR 0xd53bd042u
#define MRS_X3_CNTVCT 0xd53be043u
#define ISB 0xd5033fdfu
#define WFE 0xd503205fu
#define YIELD 0xd503203fu
#define UDF_0 0x00000000u
#define BR_X1 0xd61f0020u
#define SVC_0 0xd4000001u
#define BL_PLUS_0x80 0x94000020u
#define MRS_X0_ELR 0xd5384020u
#define ADD_X0_4 0x91001000u
#define MSR_ELR_X0 0xd5184020u
#define MRS_X1_ESR 0xd5385201u
#define MRS_X2_SPSR 0xd5384002u
#define ERET 0xd69f03e0u
#define LDXR_X2_X0 0xc85f7c02u
#define ADD_X2_X2_X1 0x8b010042u
#define STXR_W3_X2_X0 0xc8037c02u
#define CBNZ_W3_MINUS_12 0x35ffffa3u
#define MOV_X0_X2 0xaa0203e0u
#define DC_CVAU_X0 0xd50b7b20u
#define IC_IVAU_X0 0xd50b7520u
#define DSB_ISH 0xd5033b9fu
#define MRS_X0_CTR 0xd53b0020u

/* ---- the test image ---- */
#define T 0x10000ull           /* .text, 0x1000 bytes */
#define D 0x11000ull           /* .data, then records, then .bss: 0x1000 bytes */
#define TEXT_SIZE 0x1000u
#define DATA_SIZE 0x100u

/* Routines in .text (byte offsets from T). */
#define SITE (T + 0x00)        /* nop; ret: the patch site a runner executes */
#define STORE32 (T + 0x20)     /* str w1, [x0]; ret */
#define LOAD32 (T + 0x40)      /* ldr w2, [x0]; ret */
#define LOOP (T + 0x60)        /* x0++; [x1] = x0; x3 = [x1]; x2 += x0; repeat */
#define STACKARGS (T + 0x80)   /* return [sp] + [sp + 8] */
#define LOADX1 (T + 0xa0)      /* ldr x0, [x1]; ret */
#define BREAK (T + 0xc0)       /* brk #5 */
#define SYSREGS (T + 0xe0)     /* x0 = cntvct, x1 = mpidr, x2 = tpidr_el0, x3 = cntvct */
#define SYNC (T + 0x100)       /* isb; ret */
#define HINTS (T + 0x120)      /* wfe; yield; ret */
#define UNDEF (T + 0x140)      /* udf #0 */
#define JUMPX1 (T + 0x160)     /* br x1 */
#define CALL (T + 0x180)       /* bl +0x80 */
#define SYSCALL (T + 0x1a0)    /* svc #0 */
#define EXCL_ADD (T + 0x1c0)   /* [x0] += x1 with ldxr / stxr; return the sum */
#define CLEAN (T + 0x200)      /* dc cvau, x0; ret */
#define INVAL (T + 0x210)      /* ic ivau, x0; ret */
#define DSB (T + 0x220)        /* dsb ish; ret */
#define MAINTAIN (T + 0x230)   /* dc cvau, x0; dsb ish; ic ivau, x0; dsb ish; ret */
#define CTR (T + 0x250)        /* x0 = ctr_el0 */
#define VECTORS (T + 0x800)    /* vector table (2 KiB aligned), only with elf_opts.vectors */
#define SYNC_EL1 (VECTORS + 0x200) /* skip the faulting instruction, x1 = ESR, x2 = SPSR, eret */

static const struct {
	uint64_t addr;
	uint32_t words[6];
	unsigned n;
} programs[] = {
	{SITE, {NOP, RET}, 2},
	{STORE32, {STR_W1_X0, RET}, 2},
	{LOAD32, {LDR_W2_X0, RET}, 2},
	{LOOP, {ADD_X0_1, STR_X0_X1, LDR_X3_X1, ADD_X2_X2_X0, B_MINUS_16}, 5},
	{STACKARGS, {LDR_X8_SP, LDR_X9_SP8, ADD_X0_X8_X9, RET}, 4},
	{LOADX1, {LDR_X0_X1, RET}, 2},
	{BREAK, {BRK_5, RET}, 2},
	{SYSREGS, {MRS_X0_CNTVCT, MRS_X1_MPIDR, MRS_X2_TPIDR, MRS_X3_CNTVCT, RET}, 5},
	{SYNC, {ISB, RET}, 2},
	{HINTS, {WFE, YIELD, RET}, 3},
	{UNDEF, {UDF_0}, 1},
	{JUMPX1, {BR_X1}, 1},
	{CALL, {BL_PLUS_0x80}, 1},
	{SYSCALL, {SVC_0, RET}, 2},
	{EXCL_ADD, {LDXR_X2_X0, ADD_X2_X2_X1, STXR_W3_X2_X0, CBNZ_W3_MINUS_12, MOV_X0_X2, RET}, 6},
	{CLEAN, {DC_CVAU_X0, RET}, 2},
	{INVAL, {IC_IVAU_X0, RET}, 2},
	{DSB, {DSB_ISH, RET}, 2},
	{MAINTAIN, {DC_CVAU_X0, DSB_ISH, IC_IVAU_X0, DSB_ISH, RET}, 5},
	{CTR, {MRS_X0_CTR, RET}, 2},
	{SYNC_EL1, {MRS_X0_ELR, ADD_X0_4, MSR_ELR_X0, MRS_X1_ESR, MRS_X2_SPSR, ERET}, 6},
};

struct elf_opts {
	uint16_t machine;
	bool no_load;      /* no program headers at all */
	uint32_t text_tag; /* written into the last text word: changes the file's hash */
	bool vectors;      /* define the symbols "vectors" and "do_el1_sync": breakpoints become
			    * exceptions */
};

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, size_t off, const void *src, size_t n)
{
	if (off + n > b->cap) {
		size_t cap = (off + n) * 2;
		b->p = realloc(b->p, cap);
		ck_assert_ptr_nonnull(b->p);
		memset(b->p + b->cap, 0, cap - b->cap);
		b->cap = cap;
	}
	memcpy(b->p + off, src, n);
	if (off + n > b->n)
		b->n = off + n;
}

static void put32(struct buf *b, size_t off, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	put(b, off, x, 4);
}

static void put64(struct buf *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

/* Appends a string to a string table; returns its offset. */
static uint32_t add_str(struct buf *tab, const char *s)
{
	uint32_t off = (uint32_t)tab->n;
	put(tab, tab->n, s, strlen(s) + 1);
	return off;
}

/*
 * Writes an ELF64 little-endian executable into a new temporary file and returns its path
 * (malloc'd). Layout: .text at T (RX segment), .data + __patchable_function_entries + .bss at D
 * (RW segment), an empty second __patchable_function_entries, .symtab, .strtab, .shstrtab.
 */
static char *write_elf(const struct elf_opts *o)
{
	struct buf f = {0}, shstr = {0}, str = {0}, sym = {0};
	const size_t text_off = 0x1000, data_off = 0x2000;

	/* .text: NOPs with the programs over them. */
	for (unsigned i = 0; i < TEXT_SIZE / 4; i++)
		put32(&f, text_off + 4 * i, NOP);
	for (size_t p = 0; p < sizeof(programs) / sizeof(programs[0]); p++)
		for (unsigned i = 0; i < programs[p].n; i++)
			put32(&f, text_off + (programs[p].addr - T) + 4 * i, programs[p].words[i]);
	put32(&f, text_off + TEXT_SIZE - 4, o->text_tag);
	/* .data: a marker word; then the records. */
	put64(&f, data_off, 0x1122334455667788ull);
	put64(&f, data_off + DATA_SIZE, T);
	put64(&f, data_off + DATA_SIZE + 8, T + 0x10);

	/* Symbols. */
	add_str(&str, "");
	struct {
		const char *name;
		uint64_t value, size;
		unsigned char bind, type;
		uint16_t shndx;
	} syms[] = {
		{"$x", T, 0, STB_LOCAL, STT_NOTYPE, 1},
		{"$d", D, 0, STB_LOCAL, STT_NOTYPE, 2},
		{"", T + 0x20, 0, STB_LOCAL, STT_NOTYPE, 1},
		{"func_a", T, 8, STB_GLOBAL, STT_FUNC, 1},
		{"func_b", T + 0x10, 8, STB_GLOBAL, STT_FUNC, 1},
		{"label", T + 0x300, 0, STB_GLOBAL, STT_NOTYPE, 1},
		{"data_word", D, 8, STB_GLOBAL, STT_OBJECT, 2},
		{"undefined_sym", 0, 0, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF},
		{"vectors", VECTORS, 0, STB_GLOBAL, STT_NOTYPE, 1},
		{"do_el1_sync", SYNC_EL1, 0, STB_GLOBAL, STT_NOTYPE, 1}, /* its handler */
	};
	const unsigned nsyms = sizeof(syms) / sizeof(syms[0]) - (o->vectors ? 0 : 2);
	unsigned first_global = 0;
	put(&sym, 0, (uint8_t[24]){0}, 24);
	for (unsigned i = 0; i < nsyms; i++) {
		Elf64_Sym s = {0};
		s.st_name = add_str(&str, syms[i].name);
		s.st_value = syms[i].value;
		s.st_size = syms[i].size;
		s.st_info = ELF64_ST_INFO(syms[i].bind, syms[i].type);
		s.st_shndx = syms[i].shndx;
		put(&sym, sym.n, &s, sizeof(s));
		if (syms[i].bind == STB_LOCAL)
			first_global = i + 2;
	}

	/* Non-loaded sections after the data. */
	size_t off = data_off + DATA_SIZE + 16;
	const size_t symtab_off = (off + 7) & ~(size_t)7;
	put(&f, symtab_off, sym.p, sym.n);
	const size_t strtab_off = symtab_off + sym.n;
	put(&f, strtab_off, str.p, str.n);

	add_str(&shstr, "");
	Elf64_Shdr sh[9] = {{0}};
	sh[1] = (Elf64_Shdr){add_str(&shstr, ".text"), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, T,
			     text_off, TEXT_SIZE, 0, 0, 4, 0};
	sh[2] = (Elf64_Shdr){add_str(&shstr, ".data"), SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, D,
			     data_off, DATA_SIZE, 0, 0, 8, 0};
	uint32_t pfe = add_str(&shstr, "__patchable_function_entries");
	sh[3] = (Elf64_Shdr){pfe, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, D + DATA_SIZE,
			     data_off + DATA_SIZE, 16, 0, 0, 8, 0};
	sh[4] = (Elf64_Shdr){add_str(&shstr, ".bss"), SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
			     D + DATA_SIZE + 16, data_off + DATA_SIZE + 16, 0x1000 - DATA_SIZE - 16,
			     0, 0, 8, 0};
	sh[5] = (Elf64_Shdr){pfe, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, D + 0x1000, 0, 0, 0, 0, 8, 0};
	sh[6] = (Elf64_Shdr){add_str(&shstr, ".symtab"), SHT_SYMTAB, 0, 0, symtab_off, sym.n, 7,
			     first_global, 8, sizeof(Elf64_Sym)};
	sh[7] = (Elf64_Shdr){add_str(&shstr, ".strtab"), SHT_STRTAB, 0, 0, strtab_off, str.n, 0, 0,
			     1, 0};
	uint32_t shstr_name = add_str(&shstr, ".shstrtab");
	const size_t shstr_off = strtab_off + str.n;
	sh[8] = (Elf64_Shdr){shstr_name, SHT_STRTAB, 0, 0, shstr_off, shstr.n, 0, 0, 1, 0};
	put(&f, shstr_off, shstr.p, shstr.n);
	const size_t sh_off = (shstr_off + shstr.n + 7) & ~(size_t)7;
	put(&f, sh_off, sh, sizeof(sh));

	Elf64_Phdr ph[2] = {
		{PT_LOAD, PF_R | PF_X, text_off, T, T, TEXT_SIZE, TEXT_SIZE, 0x1000},
		{PT_LOAD, PF_R | PF_W, data_off, D, D, DATA_SIZE + 16, 0x1000, 0x1000},
	};
	put(&f, sizeof(Elf64_Ehdr), ph, sizeof(ph));

	Elf64_Ehdr eh = {0};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = o->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = T;
	eh.e_phoff = o->no_load ? 0 : sizeof(Elf64_Ehdr);
	eh.e_shoff = sh_off;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = o->no_load ? 0 : 2;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 9;
	eh.e_shstrndx = 8;
	put(&f, 0, &eh, sizeof(eh));

	char path[256];
	write_temp_file(path, sizeof(path), f.p, f.n);
	free(f.p);
	free(shstr.p);
	free(str.p);
	free(sym.p);
	return strdup(path);
}

/* ---- fixtures ---- */

static const struct arch_model *arch;
static struct image *img;
static char *img_path;

static void setup(void)
{
	char err[256];
	struct elf_opts o = {.machine = EM_AARCH64};

	arch = arch_model_find("arm64");
	ck_assert_ptr_nonnull(arch);
	img_path = write_elf(&o);
	img = image_load(img_path, arch, err, sizeof(err));
	unlink(img_path); /* the image keeps what it needs */
	ck_assert_msg(img != NULL, "%s", err);
}

static void teardown(void)
{
	image_free(img);
	img = NULL;
	free(img_path);
}

static struct machine *open_machine(unsigned nharts, enum fetch_model fetch)
{
	char err[256];
	struct machine *m = machine_open(arch, img, nharts, fetch, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	return m;
}

static int reg(const char *name)
{
	int i = arch_reg_index(arch, name);
	ck_assert_int_ge(i, 0);
	return i;
}

/* Steps the hart until its call returns; fails the test on anything else. */
static void finish(struct machine *m, unsigned hart)
{
	struct step_info info;

	for (int i = 0; i < 1000; i++) {
		enum step_status st = machine_step(m, hart, &info);
		if (st == STEP_RETURNED)
			return;
		ck_assert_msg(st == STEP_OK, "hart %u at 0x%llx: status %d %s", hart,
			      (unsigned long long)info.pc, (int)st, info.fault);
	}
	ck_abort_msg("hart %u did not return", hart);
}

static uint64_t run_call(struct machine *m, unsigned hart, uint64_t func, const uint64_t *args,
			 unsigned nargs)
{
	machine_call_begin(m, hart, func, args, nargs);
	finish(m, hart);
	return machine_reg(m, hart, reg("x0"));
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* ---- (4) ELF loading ---- */

START_TEST(test_image_symbols_and_ranges)
{
	uint64_t a = 0, off = 0;
	const struct image_symbol *s;

	ck_assert_uint_eq(image_base(img), T);
	ck_assert_uint_eq(image_end(img), D + 0x1000);
	ck_assert_uint_eq(image_text_begin(img), T);
	ck_assert_uint_eq(image_text_end(img), T + TEXT_SIZE);
	ck_assert_str_eq(image_path(img), img_path);

	ck_assert(image_lookup(img, "func_a", &a));
	ck_assert_uint_eq(a, T);
	ck_assert(image_lookup(img, "data_word", &a));
	ck_assert_uint_eq(a, D);
	ck_assert(!image_lookup(img, "$x", &a));
	ck_assert(!image_lookup(img, "", &a));
	ck_assert(!image_lookup(img, "undefined_sym", &a));
	ck_assert(!image_lookup(img, "nope", &a));

	s = image_symbol_at(img, T + 4, &off);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "func_a");
	ck_assert(s->is_func);
	ck_assert_uint_eq(off, 4);
	s = image_symbol_at(img, T + 0x14, &off);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "func_b");
	ck_assert_uint_eq(off, 4);
	/* Past func_a's size, before func_b: nothing covers it. */
	ck_assert_ptr_null(image_symbol_at(img, T + 8, &off));
	/* A size-0 label covers up to the next symbol. */
	s = image_symbol_at(img, T + 0x340, &off);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "label");
	ck_assert_uint_eq(off, 0x40);
	s = image_symbol_at(img, D + 4, &off);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "data_word");
	ck_assert_ptr_null(image_symbol_at(img, T - 4, &off));
}
END_TEST

START_TEST(test_image_records_and_hash)
{
	const uint64_t *rec = NULL;
	char err[256];

	/* Two records in the first section, none from the empty second one. */
	ck_assert_uint_eq(image_patch_records(img, &rec), 2);
	ck_assert_uint_eq(rec[0], T);
	ck_assert_uint_eq(rec[1], T + 0x10);

	const char *h = image_hash(img);
	ck_assert_uint_eq(strlen(h), 16);
	ck_assert_uint_eq(strspn(h, "0123456789abcdef"), 16);

	/* Same bytes, same hash; one word different, another hash. */
	struct elf_opts same = {.machine = EM_AARCH64}, other = {.machine = EM_AARCH64, .text_tag = 1};
	char *p1 = write_elf(&same), *p2 = write_elf(&other);
	struct image *i1 = image_load(p1, arch, err, sizeof(err));
	struct image *i2 = image_load(p2, arch, err, sizeof(err));
	unlink(p1);
	unlink(p2);
	ck_assert_ptr_nonnull(i1);
	ck_assert_ptr_nonnull(i2);
	ck_assert_str_eq(image_hash(i1), h);
	ck_assert_str_ne(image_hash(i2), h);
	image_free(i1);
	image_free(i2);
	free(p1);
	free(p2);
}
END_TEST

/* A loaded image is kept: the same file loaded again is the same image, until its bytes
 * change (rewritten in place, as fast as the file system's clock may not tell). */
START_TEST(test_image_kept_while_its_bytes_are_the_same)
{
	struct elf_opts one = {.machine = EM_AARCH64}, two = {.machine = EM_AARCH64, .text_tag = 1};
	char err[256] = "", *p = write_elf(&one), *q = write_elf(&two), cmd[600];
	struct image *a = image_load(p, arch, err, sizeof(err)), *b, *c;
	char first[17];

	ck_assert_ptr_nonnull(a);
	snprintf(first, sizeof(first), "%s", image_hash(a));
	b = image_load(p, arch, err, sizeof(err));
	ck_assert_ptr_eq(b, a);
	image_free(b);
	snprintf(cmd, sizeof(cmd), "cat %s > %s", q, p); /* same path, same inode, other bytes */
	ck_assert_int_eq(system(cmd), 0);
	c = image_load(p, arch, err, sizeof(err));
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, a);
	ck_assert_str_ne(image_hash(c), first);
	ck_assert_str_eq(image_hash(a), first); /* the first is still whole for its user */
	image_free(a);
	image_free(c);
	unlink(p);
	unlink(q);
	free(p);
	free(q);
}
END_TEST

/* Loads path (then removes it if remove) and expects "path: ...reason...". */
static void expect_load_error(const char *path, const char *reason, bool remove)
{
	char err[256] = "";
	struct image *i = image_load(path, arch, err, sizeof(err));

	if (remove)
		unlink(path);

	ck_assert_ptr_null(i);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
		      "error '%s' does not start with the path", err);
	ck_assert_msg(strstr(err, reason) != NULL, "error '%s' lacks '%s'", err, reason);
}

START_TEST(test_image_errors)
{
	static const char not_elf[] = "this is not an ELF file\n";
	char text[256];
	write_temp_file(text, sizeof(text), not_elf, strlen(not_elf));
	expect_load_error(text, "not an ELF", true);

	struct elf_opts riscv = {.machine = EM_RISCV};
	char *wrong = write_elf(&riscv);
	expect_load_error(wrong, "wrong machine", true);
	free(wrong);

	struct elf_opts noload = {.machine = EM_AARCH64, .no_load = true};
	char *empty = write_elf(&noload);
	expect_load_error(empty, "no loadable segment", true);
	free(empty);

	expect_load_error("/nonexistent/dir/guest.elf", "cannot open", false);
	expect_load_error("/tmp", "cannot open", false);
}
END_TEST

/* The image really built for the project, when it exists. */
START_TEST(test_image_guest_ftrace)
{
	const char *path = PATCHCHECK_GUEST_DIR "/arm64/ftrace.elf";
	char err[256];

	if (access(path, R_OK) != 0)
		return; /* not built in this tree */
	struct image *g = image_load(path, arch, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_lt(image_text_begin(g), image_text_end(g));
	const uint64_t *rec;
	size_t n = image_patch_records(g, &rec);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_ge(rec[i], image_text_begin(g));
		ck_assert_uint_lt(rec[i], image_text_end(g));
	}
	struct machine *m = machine_open(arch, g, 2, FETCH_COHERENT, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	uint32_t w;
	ck_assert(machine_read_u32(m, rec[0], &w));

	/* Its far code: linked 256 MiB up, loaded after the image, mapped at its address from the
	 * same host bytes, read and execute only, and neither text nor part of the RAM range. */
	uint64_t far, load, x0 = 0;
	ck_assert(image_lookup(g, "ftrace_caller_far", &far));
	const struct image_alias *al = image_alias_of(g, far);
	ck_assert_ptr_nonnull(al);
	load = al->paddr + (far - al->vaddr);
	ck_assert_uint_lt(load, image_end(g));
	ck_assert_uint_gt(far, image_end(g) + (128ull << 20));
	ck_assert_uint_le(image_text_end(g), image_base(g) + 0x100000);
	ck_assert_ptr_eq(machine_ram(m, far, 4), machine_ram(m, load, 4));
	ck_assert_ptr_null(image_alias_of(g, rec[0]));
	/* a guest store there faults (patch_text_nosync stores wherever it is told) */
	uint64_t args[2] = {far, 0};
	struct step_info info;
	enum step_status st = STEP_OK;
	ck_assert(image_lookup(g, "patch_text_nosync", &x0));
	machine_call_begin(m, 1, x0, args, 2);
	for (int i = 0; i < 1000 && st == STEP_OK; i++)
		st = machine_step(m, 1, &info);
	ck_assert_int_eq(st, STEP_FAULT);
	ck_assert(machine_read_u32(m, far, &w));
	ck_assert_uint_ne(w, 0);
	machine_close(m);
	image_free(g);
}
END_TEST

/* ---- machine basics ---- */

START_TEST(test_open_layout)
{
	struct machine *m = open_machine(3, FETCH_COHERENT);
	uint32_t w;
	uint64_t v;

	ck_assert_uint_eq(machine_nharts(m), 3);
	ck_assert_ptr_eq(machine_arch(m), arch);
	ck_assert_ptr_eq(machine_image(m), img);
	/* The image is in RAM. */
	ck_assert(machine_read_u32(m, STORE32, &w));
	ck_assert_uint_eq(w, STR_W1_X0);
	ck_assert(machine_read_u64(m, D, &v));
	ck_assert_uint_eq(v, 0x1122334455667788ull);
	/* Stacks are separate, 16-byte aligned, in RAM, and idle harts are done. */
	for (unsigned h = 0; h < 3; h++) {
		uint64_t top = machine_stack_top(m, h);
		ck_assert_uint_eq(top % 16, 0);
		ck_assert_ptr_nonnull(machine_ram(m, top - MACHINE_STACK_SIZE, MACHINE_STACK_SIZE));
		ck_assert_uint_ge(top - MACHINE_STACK_SIZE, image_end(img));
		if (h > 0)
			ck_assert_uint_ge(top - MACHINE_STACK_SIZE, machine_stack_top(m, h - 1));
		ck_assert(machine_call_done(m, h));
		ck_assert_int_eq(machine_step(m, h, NULL), STEP_RETURNED);
	}
	ck_assert_ptr_null(machine_ram(m, 0x10, 4));
	ck_assert(!machine_read_u32(m, 0x10, &w));

	char err[128];
	ck_assert_ptr_null(machine_open(arch, img, 0, FETCH_COHERENT, err, sizeof(err)));
	ck_assert_ptr_null(machine_open(arch, img, MACHINE_MAX_HARTS + 1, FETCH_COHERENT, err,
					sizeof(err)));
	machine_close(m);
}
END_TEST

/* Registers by index, batch read, and a plain call. */
START_TEST(test_registers)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	uint64_t regs[ARCH_MAX_REGS];

	machine_set_reg(m, 0, reg("x5"), 0x5555);
	machine_set_reg(m, 0, reg("x30"), 0x3030);
	machine_read_regs(m, 0, regs);
	ck_assert_uint_eq(regs[reg("x5")], 0x5555);
	ck_assert_uint_eq(regs[reg("x30")], 0x3030);
	ck_assert_uint_eq(regs[reg("sp")], machine_stack_top(m, 0));
	ck_assert_uint_eq(machine_reg(m, 0, reg("x5")), 0x5555);
	ck_assert_uint_eq(machine_pc(m, 0), MACHINE_MAGIC_RETURN);

	uint64_t args[2] = {SITE, 0};
	ck_assert_uint_eq(run_call(m, 0, LOAD32, args, 1), SITE);
	ck_assert_uint_eq(machine_reg(m, 0, reg("x2")), NOP);
	ck_assert_uint_eq(machine_steps(m, 0), 2);
	machine_close(m);
}
END_TEST

/* ---- (1) shared memory ---- */

START_TEST(test_shared_memory)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	struct step_info info;
	uint64_t store[2] = {D + 0x40, 0xabcd1234};
	uint64_t load[1] = {D + 0x40};

	machine_watch(m, D + 0x40, D + 0x44);
	/* Hart 1 reads first: 0. */
	machine_call_begin(m, 1, LOAD32, load, 1);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(machine_reg(m, 1, reg("x2")), 0);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_int_eq(info.accesses[0].kind, ACCESS_READ);
	ck_assert_uint_eq(info.accesses[0].addr, D + 0x40);
	ck_assert_uint_eq(info.accesses[0].size, 4);
	ck_assert_uint_eq(info.accesses[0].old_value, 0);
	finish(m, 1);

	/* Hart 0 stores. */
	machine_call_begin(m, 0, STORE32, store, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert(!info.wrote_code);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_int_eq(info.accesses[0].kind, ACCESS_WRITE);
	ck_assert_uint_eq(info.accesses[0].value, 0xabcd1234);
	ck_assert_uint_eq(info.accesses[0].old_value, 0);
	finish(m, 0);

	/* Hart 1 loads the same address again and sees the store. */
	machine_call_begin(m, 1, LOAD32, load, 1);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(machine_reg(m, 1, reg("x2")), 0xabcd1234);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_uint_eq(info.accesses[0].old_value, 0xabcd1234);
	ck_assert_uint_eq(info.accesses[0].value, 0xabcd1234);
	finish(m, 1);

	/* The host sees it too, and unwatched accesses are not reported. */
	uint32_t w;
	ck_assert(machine_read_u32(m, D + 0x40, &w));
	ck_assert_uint_eq(w, 0xabcd1234);
	uint64_t other[2] = {D + 0x80, 7};
	machine_call_begin(m, 0, STORE32, other, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_uint_eq(info.naccesses, 0);
	machine_close(m);
}
END_TEST

/* ---- (2) code writes and fetch models ---- */

/* Hart 1 executes SITE once (nop: x0 stays 0), so it has a cached translation of it. Then hart 0
 * stores "add x0, x0, #1" over the nop with a guest store. Returns hart 1's next result. */
static uint64_t patch_site_between_runs(struct machine *m, uint64_t *first)
{
	struct step_info info;
	uint64_t zero[1] = {0};
	uint64_t patch[2] = {SITE, ADD_X0_1};

	*first = run_call(m, 1, SITE, zero, 1);
	machine_call_begin(m, 0, STORE32, patch, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert(info.wrote_code);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_int_eq(info.accesses[0].kind, ACCESS_WRITE);
	ck_assert_uint_eq(info.accesses[0].addr, SITE);
	ck_assert_uint_eq(info.accesses[0].old_value, NOP);
	ck_assert_uint_eq(info.accesses[0].value, ADD_X0_1);
	finish(m, 0);
	return run_call(m, 1, SITE, zero, 1);
}

START_TEST(test_code_write_coherent)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	struct step_info info;
	uint64_t first;

	ck_assert_uint_eq(patch_site_between_runs(m, &first), 1);
	ck_assert_uint_eq(first, 0);
	ck_assert(!machine_fetch_stale(m, 1, SITE));
	/* The step reports the word executed. */
	uint64_t zero[1] = {0};
	machine_call_begin(m, 1, SITE, zero, 1);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(le32(info.bytes), ADD_X0_1);
	ck_assert_uint_eq(info.len, 4);
	ck_assert_uint_eq(machine_reg(m, 1, reg("x0")), 1);
	machine_close(m);
}
END_TEST

/* Without invalidation hart 1 runs its stale translation: the old nop. This is what the test
 * above would see if the machine did not keep translations coherent. */
START_TEST(test_code_write_without_invalidation_is_stale)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t first;

	machine_set_invalidation(m, false);
	ck_assert_uint_eq(patch_site_between_runs(m, &first), 0);
	ck_assert_uint_eq(first, 0);
	machine_close(m);
}
END_TEST

/* Code written into a data page that a hart executed is invalidated like text. */
START_TEST(test_code_write_outside_text)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	struct step_info info;
	const uint64_t at = D + 0x200;
	uint32_t code[2] = {NOP, RET};
	uint64_t zero[1] = {0};
	uint64_t patch[2] = {at, ADD_X0_1};

	ck_assert_int_eq(machine_poke(m, at, code, sizeof(code)), 0);
	ck_assert_uint_eq(run_call(m, 1, at, zero, 1), 0);
	machine_call_begin(m, 0, STORE32, patch, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert(info.wrote_code);
	finish(m, 0);
	ck_assert_uint_eq(run_call(m, 1, at, zero, 1), 1);
	machine_close(m);
}
END_TEST

/* machine_poke of code is seen at once by a hart that ran the old code. */
START_TEST(test_poke_invalidates)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	uint64_t zero[1] = {0};
	uint32_t add = ADD_X0_1;

	ck_assert_uint_eq(run_call(m, 0, SITE, zero, 1), 0);
	ck_assert_int_eq(machine_poke(m, SITE, &add, 4), 0);
	ck_assert_uint_eq(run_call(m, 0, SITE, zero, 1), 1);
	ck_assert_int_ne(machine_poke(m, 0x10, &add, 4), 0);
	machine_close(m);
}
END_TEST

START_TEST(test_code_write_relaxed)
{
	struct machine *m = open_machine(4, FETCH_RELAXED);
	struct step_info info;
	uint64_t zero[1] = {0};
	uint64_t first;

	/* Harts 1 and 3 ran the site before the write; hart 2 never did. None synchronised. */
	ck_assert_uint_eq(run_call(m, 3, SITE, zero, 1), 0);
	ck_assert_uint_eq(patch_site_between_runs(m, &first), 0);
	ck_assert(machine_fetch_stale(m, 1, SITE));
	ck_assert(machine_fetch_stale(m, 2, SITE));
	ck_assert(machine_fetch_stale(m, 0, SITE)); /* the writer too */
	ck_assert(!machine_fetch_stale(m, 1, SITE + 4));
	ck_assert_uint_eq(run_call(m, 2, SITE, zero, 1), 0);
	machine_call_begin(m, 1, SITE, zero, 1);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(le32(info.bytes), NOP); /* the step reports the hart's view */
	finish(m, 1);
	/* Memory holds the new word all along. */
	uint32_t w;
	ck_assert(machine_read_u32(m, SITE, &w));
	ck_assert_uint_eq(w, ADD_X0_1);

	/* Hart 1 executes an ISB: from then on it sees the write; hart 2 still does not. */
	machine_call_begin(m, 1, SYNC, zero, 0);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_int_eq(info.special.kind, SPECIAL_ISB);
	finish(m, 1);
	ck_assert(!machine_fetch_stale(m, 1, SITE));
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	ck_assert_uint_eq(run_call(m, 2, SITE, zero, 1), 0);
	/* Hart 3 still holds its translation from before the write: the ISB must drop it. */
	run_call(m, 3, SYNC, zero, 0);
	ck_assert_uint_eq(run_call(m, 3, SITE, zero, 1), 1);
	machine_close(m);
}
END_TEST

/* Under the arch model: hart 0 writes ADD over the NOP at SITE, then runs each routine of
 * maintenance (with x0 = SITE); hart 1 then runs SYNC (an ISB) unless sync is false. How many
 * instructions may hart 1 then fetch at SITE? */
static unsigned arch_alternatives_after(bool idc, bool dic, const uint64_t *maintenance,
					unsigned n, bool sync)
{
	struct machine *m = open_machine(2, FETCH_ARCH);
	uint64_t zero[1] = {0}, at[1] = {SITE}, patch[2] = {SITE, ADD_X0_1};
	unsigned alts;

	machine_set_cache_type(m, idc, dic);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);
	run_call(m, 0, STORE32, patch, 2);
	for (unsigned i = 0; i < n; i++)
		run_call(m, 0, maintenance[i], at, 1);
	if (sync)
		run_call(m, 1, SYNC, zero, 0);
	machine_call_begin(m, 1, SITE, zero, 1);
	alts = machine_fetch_alternatives(m, 1);
	machine_close(m);
	return alts;
}

/* DDI 0487 B2.4.4: the new word is the only one a hart fetches once the writer has cleaned
 * (DC CVAU, DSB) and invalidated (IC IVAU, DSB), and the hart has synchronised its context. */
START_TEST(test_arch_fetch_needs_clean_invalidate_and_isb)
{
	static const uint64_t full[] = {CLEAN, DSB, INVAL, DSB}, no_clean[] = {INVAL, DSB},
			      no_inval[] = {CLEAN, DSB}, no_first_dsb[] = {CLEAN, INVAL, DSB},
			      no_dsb[] = {CLEAN, DSB, INVAL}, one[] = {MAINTAIN};

	ck_assert_uint_eq(arch_alternatives_after(false, false, full, 4, true), 1);
	ck_assert_uint_eq(arch_alternatives_after(false, false, one, 1, true), 1);
	ck_assert_uint_eq(arch_alternatives_after(false, false, full, 4, false), 2); /* no ISB */
	ck_assert_uint_eq(arch_alternatives_after(false, false, no_clean, 2, true), 2);
	ck_assert_uint_eq(arch_alternatives_after(false, false, no_inval, 2, true), 2);
	ck_assert_uint_eq(arch_alternatives_after(false, false, no_first_dsb, 3, true), 2);
	ck_assert_uint_eq(arch_alternatives_after(false, false, no_dsb, 3, true), 2);
	/* CTR_EL0.IDC: no clean needed; DIC: no invalidation either; the ISB still is. */
	ck_assert_uint_eq(arch_alternatives_after(true, false, no_clean, 2, true), 1);
	ck_assert_uint_eq(arch_alternatives_after(true, false, no_inval, 2, true), 2);
	ck_assert_uint_eq(arch_alternatives_after(false, true, no_inval, 2, true), 1);
	ck_assert_uint_eq(arch_alternatives_after(true, true, NULL, 0, true), 1);
	ck_assert_uint_eq(arch_alternatives_after(true, true, NULL, 0, false), 2);
}
END_TEST

/* Each alternative runs what it says, a fetch may see new then old, and CTR_EL0 reports the
 * cache type. */
START_TEST(test_arch_fetch_choices_run)
{
	struct machine *m = open_machine(2, FETCH_ARCH);
	struct step_info info;
	uint64_t zero[1] = {0}, patch[2] = {SITE, ADD_X0_1};

	run_call(m, 0, STORE32, patch, 2);
	machine_call_begin(m, 1, SITE, zero, 1);
	ck_assert_uint_eq(machine_fetch_alternatives(m, 1), 2);
	machine_choose_fetch(m, 1, 0);
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(le32(info.bytes), ADD_X0_1);
	ck_assert(!info.fetch_old);
	ck_assert_uint_eq(info.fetch_alternatives, 2);
	finish(m, 1);
	ck_assert_uint_eq(machine_reg(m, 1, reg("x0")), 1);
	machine_call_begin(m, 1, SITE, zero, 1);
	machine_choose_fetch(m, 1, 1); /* the old word, after the new one was fetched */
	ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	ck_assert_uint_eq(le32(info.bytes), NOP);
	ck_assert(info.fetch_old);
	ck_assert_uint_eq(info.fetch_choice, 1);
	finish(m, 1);
	ck_assert_uint_eq(machine_reg(m, 1, reg("x0")), 0);
	/* RAM holds the new word all along, and the next step is back to the newest. */
	uint32_t w;
	ck_assert(machine_read_u32(m, SITE, &w));
	ck_assert_uint_eq(w, ADD_X0_1);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);

	machine_set_cache_type(m, true, false);
	ck_assert_uint_eq(run_call(m, 1, CTR, zero, 0) >> 28, 0x9); /* RES1, IDC */
	machine_set_cache_type(m, false, true);
	ck_assert_uint_eq(run_call(m, 1, CTR, zero, 0) >> 28, 0xa); /* RES1, DIC */
	machine_close(m);
}
END_TEST

/* ---- (3) snapshots ---- */

#define SNAP_HARTS 2

struct state {
	uint64_t regs[SNAP_HARTS][ARCH_MAX_REGS];
	uint64_t steps[SNAP_HARTS];
	uint8_t text_data[TEXT_SIZE + 0x1000];
	uint8_t stacks[SNAP_HARTS][MACHINE_STACK_SIZE];
};

/* Reads guest memory without machine_ram, which would count as a write of those pages. */
static void read_ram(struct machine *m, uint64_t addr, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v;
		ck_assert(machine_read_u64(m, addr + i, &v));
		memcpy(out + i, &v, 8);
	}
}

static void capture(struct machine *m, struct state *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned h = 0; h < SNAP_HARTS; h++) {
		machine_read_regs(m, h, s->regs[h]);
		s->steps[h] = machine_steps(m, h);
		uint64_t top = machine_stack_top(m, h);
		read_ram(m, top - MACHINE_STACK_SIZE, s->stacks[h], MACHINE_STACK_SIZE);
	}
	read_ram(m, T, s->text_data, sizeof(s->text_data));
}

static void run_round_robin(struct machine *m, unsigned steps)
{
	for (unsigned i = 0; i < steps; i++) {
		struct step_info info;
		ck_assert_int_eq(machine_step(m, i % SNAP_HARTS, &info), STEP_OK);
	}
}

START_TEST(test_snapshot_replay_identical)
{
	struct machine *m = open_machine(SNAP_HARTS, FETCH_COHERENT);
	static struct state at_snap, after1, after2, restored;
	uint64_t a0[3] = {0, D + 0x10, 0}, a1[3] = {100, D + 0x18, 0};

	machine_call_begin(m, 0, LOOP, a0, 3);
	machine_call_begin(m, 1, LOOP, a1, 3);
	run_round_robin(m, 37);
	struct machine_snapshot *s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);
	capture(m, &at_snap);

	run_round_robin(m, 201);
	capture(m, &after1);
	ck_assert(memcmp(&after1, &at_snap, sizeof(at_snap)) != 0); /* the run changed state */

	machine_snapshot_restore(m, s);
	capture(m, &restored);
	ck_assert(memcmp(&restored, &at_snap, sizeof(at_snap)) == 0);

	run_round_robin(m, 201);
	capture(m, &after2);
	for (unsigned h = 0; h < SNAP_HARTS; h++)
		ck_assert(memcmp(after1.regs[h], after2.regs[h], sizeof(after1.regs[h])) == 0);
	ck_assert(memcmp(&after1, &after2, sizeof(after1)) == 0);
	/* The loop's memory effect: [x1] holds the final counter. */
	uint64_t v;
	ck_assert(machine_read_u64(m, D + 0x18, &v));
	ck_assert_uint_eq(v, after2.regs[1][reg("x0")]);

	/* A snapshot can be saved again over an old one. */
	machine_snapshot_save(m, s);
	run_round_robin(m, 10);
	machine_snapshot_restore(m, s);
	capture(m, &restored);
	ck_assert(memcmp(&restored, &after2, sizeof(after2)) == 0);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/* Restoring undoes a code write: the hart that ran the new code runs the old code again. */
START_TEST(test_snapshot_restores_code)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t zero[1] = {0};
	uint64_t patch[2] = {SITE, ADD_X0_1};

	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);
	struct machine_snapshot *s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);

	run_call(m, 0, STORE32, patch, 2);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1); /* hart 1 now has the new code cached */

	machine_snapshot_restore(m, s);
	uint32_t w;
	ck_assert(machine_read_u32(m, SITE, &w));
	ck_assert_uint_eq(w, NOP);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);

	/* And forwards again. */
	machine_snapshot_restore(m, s);
	run_call(m, 0, STORE32, patch, 2);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/* An engine that has dropped many translations is replaced at a snapshot restore (Unicorn
 * 2.0.1 would fill its code buffer and crash): the new engine runs on as the old one would,
 * the old code after the restore and the new code after the write. */
START_TEST(test_snapshot_renews_worn_engines)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t zero[1] = {0};
	uint64_t patch[2] = {SITE, ADD_X0_1};

	machine_set_engine_renewal(m, 1);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);
	struct machine_snapshot *s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);
	for (unsigned round = 0; round < 3; round++) {
		run_call(m, 0, STORE32, patch, 2); /* drops both engines' translations at SITE */
		ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
		run_call(m, 0, STORE32, patch, 2);
		machine_snapshot_restore(m, s);
		ck_assert_uint_eq(machine_engine_renewals(m), 2 * (round + 1));
		ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);
		ck_assert_uint_eq(run_call(m, 0, SITE, zero, 1), 0);
	}
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/*
 * A stack of snapshots used like the search's checkpoints: saved at increasing depths, restored
 * to any of them in any order, saved again deeper after a restore. Snapshots copy only the pages
 * written since; writes by the guest and by the host (machine_ram, machine_poke, the stack
 * arguments of machine_call_begin) all count.
 */
START_TEST(test_snapshot_levels)
{
	enum { LEVELS = 4 };
	struct machine *m = open_machine(SNAP_HARTS, FETCH_COHERENT);
	static struct state at[LEVELS], now;
	struct machine_snapshot *s[LEVELS];
	uint64_t a0[3] = {0, D + 0x10, 0}, a1[3] = {100, D + 0x18, 0};
	uint64_t args[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static const unsigned order[] = {2, 0, 3, 1, 1, 0, 3, 2};
	/* A page only the host writes: the bottom of hart 1's stack. */
	uint64_t host_only = machine_stack_top(m, 1) - MACHINE_STACK_SIZE + 0x100;

	machine_call_begin(m, 0, LOOP, a0, 3);
	machine_call_begin(m, 1, LOOP, a1, 3);
	for (unsigned d = 0; d < LEVELS; d++) {
		run_round_robin(m, 11 + 7 * d);
		machine_ram(m, D + 0x80 + 8 * d, 1)[0] = (uint8_t)(0xa0 + d);
		machine_ram(m, host_only + d, 1)[0] = (uint8_t)(0xb0 + d);
		s[d] = machine_snapshot_new(m);
		ck_assert_ptr_nonnull(s[d]);
		capture(m, &at[d]);
	}
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned d = order[i];
		uint64_t v = 0x77 + i;

		/* Change guest memory, host data, code and a stack, then go back. */
		run_round_robin(m, 9);
		machine_ram(m, D + 0x100, 1)[0] = (uint8_t)i;
		machine_ram(m, host_only + 8, 1)[0] = (uint8_t)(i + 1);
		ck_assert_int_eq(machine_poke(m, D + 0x108, &v, 8), 0);
		ck_assert_int_eq(machine_poke(m, T + 0x400, &v, 4), 0);
		machine_call_begin(m, 0, STACKARGS, args, 10);
		machine_snapshot_restore(m, s[d]);
		capture(m, &now);
		ck_assert_msg(memcmp(&now, &at[d], sizeof(now)) == 0, "level %u (restore %u)", d, i);
		if (d + 1 < LEVELS) { /* deeper from here, as the search does */
			run_round_robin(m, 5 + i);
			machine_snapshot_save(m, s[d + 1]);
			capture(m, &at[d + 1]);
		}
	}
	for (unsigned d = 0; d < LEVELS; d++)
		machine_snapshot_free(s[d]);
	machine_close(m);
}
END_TEST

/* A hart's private hash follows every change of its ranges' bytes: a poke into them, a
 * snapshot restore that puts them back; a write elsewhere leaves it. */
START_TEST(test_private_hash_follows_writes)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	struct machine_snapshot *s;
	uint64_t h0, h1, v = 0x1234;

	ck_assert(machine_add_private(m, 0, D + 0x100, D + 0x140));
	h0 = machine_private_hash(m, 0);
	s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(machine_poke(m, D + 0x180, &v, 8), 0); /* outside */
	ck_assert(machine_private_hash(m, 0) == h0);
	ck_assert_int_eq(machine_poke(m, D + 0x120, &v, 8), 0); /* inside */
	h1 = machine_private_hash(m, 0);
	ck_assert(h1 != h0);
	machine_snapshot_restore(m, s);
	ck_assert(machine_private_hash(m, 0) == h0);
	ck_assert_int_eq(machine_poke(m, D + 0x120, &v, 8), 0);
	ck_assert(machine_private_hash(m, 0) == h1);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/* The state hash leaves out a hart's stack below its SP (dead: an interrupt may overwrite it),
 * and keeps the live part, from SP up. */
START_TEST(test_state_hash_leaves_out_dead_stack)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t top = machine_stack_top(m, 0), v = 0x1234, w = 0x5678, h0, h1;
	int sp = reg("sp");

	h0 = machine_state_hash(m, NULL, NULL);
	ck_assert_int_eq(machine_poke(m, top - 0x100, &v, 8), 0); /* below SP (= top) */
	ck_assert_int_eq(machine_poke(m, top - 0x1f00, &v, 8), 0); /* another page of it */
	ck_assert(machine_state_hash(m, NULL, NULL) == h0);
	machine_set_reg(m, 0, sp, top - 0x200);
	h1 = machine_state_hash(m, NULL, NULL);
	ck_assert(h1 != h0);
	ck_assert_int_eq(machine_poke(m, top - 0x100, &w, 8), 0); /* now above SP */
	ck_assert(machine_state_hash(m, NULL, NULL) != h1);
	ck_assert_int_eq(machine_poke(m, top - 0x100, &v, 8), 0);
	ck_assert(machine_state_hash(m, NULL, NULL) == h1);
	ck_assert_int_eq(machine_poke(m, top - 0x208, &w, 8), 0); /* just below SP */
	ck_assert(machine_state_hash(m, NULL, NULL) == h1);
	ck_assert_int_eq(machine_poke(m, machine_stack_top(m, 1) - 0x100, &w, 8), 0);
	ck_assert(machine_state_hash(m, NULL, NULL) == h1); /* below hart 1's SP */
	machine_close(m);
}
END_TEST

/* The engine's exclusive monitor is found for every arch, and the state hash leaves out the
 * value a load-exclusive read once the monitor is clear: two updates of a word that read
 * different values and left it, and every register, the same are one state. */
extern const struct arch_model arch_model_arm64, arch_model_riscv64, arch_model_arm,
	arch_model_arm_thumb;

START_TEST(test_state_hash_leaves_out_a_clear_monitor)
{
	const struct arch_model *archs[] = {&arch_model_arm64, &arch_model_riscv64, &arch_model_arm,
					    &arch_model_arm_thumb};
	struct machine *m = open_machine(1, FETCH_COHERENT);
	struct machine_snapshot *s;
	uint64_t regs[64], h[2], zero = 0;
	size_t a, v;

	for (unsigned i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		ck_assert_msg(machine_monitor_layout(archs[i], &a, &v), "%s", archs[i]->name);
		ck_assert_uint_ne(a, v);
	}
	s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);
	machine_read_regs(m, 0, regs);
	for (unsigned k = 0; k < 2; k++) {
		uint64_t before = 3 + k, args[2] = {D + 0x40, 5};

		machine_snapshot_restore(m, s);
		ck_assert_int_eq(machine_poke(m, D + 0x40, &before, 8), 0);
		ck_assert_uint_eq(run_call(m, 0, EXCL_ADD, args, 2), before + 5);
		ck_assert_int_eq(machine_poke(m, D + 0x40, &zero, 8), 0);
		for (unsigned r = 0; r < arch_model_arm64.nregs; r++)
			machine_set_reg(m, 0, (int)r, regs[r]);
		h[k] = machine_state_hash(m, NULL, NULL);
	}
	ck_assert(h[0] == h[1]);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/* The check of decoded register accesses: an instruction's true reads and must-writes hold,
 * a claim that leaves out a read or names a register it does not write does not; Capstone 4's
 * own lists for `cmp w11, #2` (w11 written, nothing read) do not hold, the decoder's do. */
START_TEST(test_reg_access_check_runs_the_instruction)
{
	const struct arch_model *a = &arch_model_arm64;
	const uint32_t mov = 0xaa0103e0u /* mov x0, x1 */, cmp = 0x7100097fu /* cmp w11, #2 */,
		       ret = 0xd65f03c0u, ldp = 0xa8c17bfdu /* ldp x29, x30, [sp], #16 */;
	const uint64_t nzcv = 1ull << 33;
	struct mem_order mo;

	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&mov, 4, 1ull << 1, 1ull << 0));
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&mov, 4, 0, 1ull << 0));
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&mov, 4, 1ull << 1, 1ull << 2));
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&cmp, 4, 0, 1ull << 11 | nzcv));
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&cmp, 4, 1ull << 11, nzcv));
	a->decode_mem_order((const uint8_t *)&cmp, 4, &mo);
	ck_assert(mo.reads >> 11 & 1);
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&ret, 4, 1ull << 30, 0));
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&ret, 4, 0, 0));
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&ldp, 4, 0, 1ull << 29 | 1ull << 30));
}
END_TEST

/* An answer one process found is there for the processes forked after the cache was mapped
 * (-j's workers): the parent takes the child's answer without a check of its own, and checks
 * what nobody asked yet. */
START_TEST(test_reg_access_answers_are_shared_with_forked_workers)
{
	const struct arch_model *a = &arch_model_arm64;
	const uint32_t add = 0x8b050083u; /* add x3, x4, x5 */
	const uint64_t x3 = 1ull << 3, x4 = 1ull << 4, x5 = 1ull << 5;
	unsigned long before;
	int status;
	pid_t pid;

	machine_reg_access_warm();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned long n = machine_reg_access_checks_run();
		bool holds = machine_reg_access_holds(a, (const uint8_t *)&add, 4, x4 | x5, x3);

		_exit(holds && machine_reg_access_checks_run() == n + 1 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	before = machine_reg_access_checks_run();
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&add, 4, x4 | x5, x3));
	ck_assert_uint_eq(machine_reg_access_checks_run(), before);
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&add, 4, x4, x3));
	ck_assert_uint_eq(machine_reg_access_checks_run(), before + 1);
}
END_TEST

/* Every register a state may leave out is found in the saved context (x0-x30: 8 bytes each;
 * NZCV: QEMU's four flag words), and the state hash leaves out exactly the dead ones. */
START_TEST(test_state_hash_leaves_out_dead_registers)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t dead[2] = {1ull << 9 | 1ull << 33, 0}, h0, h1;

	for (unsigned r = 0; r <= 30; r++)
		ck_assert_uint_eq(machine_context_reg_bytes(&arch_model_arm64, r), 8);
	ck_assert_uint_eq(machine_context_reg_bytes(&arch_model_arm64, 33), 16);
	h0 = machine_state_hash_live(m, dead, NULL, NULL);
	machine_set_reg(m, 0, 9, 0x1234);
	machine_set_reg(m, 0, 33, 0x60000000);
	ck_assert(machine_state_hash_live(m, dead, NULL, NULL) == h0);
	ck_assert(machine_state_hash(m, NULL, NULL) != machine_state_hash_live(m, dead, NULL, NULL));
	h1 = machine_state_hash_live(m, dead, NULL, NULL);
	machine_set_reg(m, 1, 9, 0x1234); /* hart 1's x9 is live */
	ck_assert(machine_state_hash_live(m, dead, NULL, NULL) != h1);
	machine_set_reg(m, 0, 10, 0x1234); /* and hart 0's x10 */
	ck_assert(machine_state_hash_live(m, dead, NULL, NULL) != h1);
	machine_close(m);
}
END_TEST

/* A store-exclusive is a write like any other for snapshots: restoring undoes it. */
START_TEST(test_snapshot_restores_exclusive_store)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	uint64_t args[2] = {D + 0x40, 5}, v;

	ck_assert(machine_read_u64(m, D + 0x40, &v));
	ck_assert_uint_eq(v, 0);
	struct machine_snapshot *s = machine_snapshot_new(m);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(run_call(m, 0, EXCL_ADD, args, 2), 5);
	ck_assert(machine_read_u64(m, D + 0x40, &v));
	ck_assert_uint_eq(v, 5);
	machine_snapshot_restore(m, s);
	ck_assert(machine_read_u64(m, D + 0x40, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(run_call(m, 0, EXCL_ADD, args, 2), 5);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/* Relaxed model: the stale words are part of the snapshot. */
START_TEST(test_snapshot_relaxed_views)
{
	struct machine *m = open_machine(2, FETCH_RELAXED);
	uint64_t zero[1] = {0};
	uint64_t first;

	ck_assert_uint_eq(patch_site_between_runs(m, &first), 0);
	struct machine_snapshot *s = machine_snapshot_new(m);
	run_call(m, 1, SYNC, zero, 0);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	machine_snapshot_restore(m, s);
	ck_assert(machine_fetch_stale(m, 1, SITE));
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);

	/* A snapshot where hart 1 sees the add. Afterwards hart 1 caches a nop that is written
	 * there meanwhile, and the add comes back: RAM at the site is the same at the restore, but
	 * hart 1's cached nop must not survive it. */
	uint64_t to_nop[2] = {SITE, NOP}, to_add[2] = {SITE, ADD_X0_1};
	run_call(m, 1, SYNC, zero, 0);
	machine_snapshot_save(m, s);
	run_call(m, 0, STORE32, to_nop, 2);
	run_call(m, 1, SYNC, zero, 0);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0);
	run_call(m, 0, STORE32, to_add, 2);
	ck_assert(machine_fetch_stale(m, 1, SITE)); /* hart 1 still sees the nop */
	machine_snapshot_restore(m, s);
	ck_assert(!machine_fetch_stale(m, 1, SITE));
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	machine_snapshot_free(s);
	machine_close(m);
}
END_TEST

/*
 * A parked machine comes back from machine_open as just opened: memory, registers, clocks,
 * fetch views, watched ranges and the pages code ran from are those of a new machine, and no
 * hart runs a translation of code that changed; translations of unchanged code are kept.
 */
START_TEST(test_park_reopens_as_new)
{
	struct machine *m = open_machine(2, FETCH_RELAXED), *fresh;
	static struct state a, b;
	uint64_t first, zero[1] = {0}, v = 0x55;
	uint32_t data_code[2] = {ADD_X0_1, RET};
	uint64_t load[2] = {5, D + 0x48}, to_watched[2] = {D + 0x40, 1}, to_data[2] = {D + 0x200, 1};
	struct step_info info;

	/* Change everything: code (hart 1 runs the new code), data, fetch views, a watched range,
	 * code run from the data page. */
	ck_assert_uint_eq(patch_site_between_runs(m, &first), 0);
	machine_fetch_sync(m, 1);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	ck_assert(machine_fetch_stale(m, 0, SITE));
	machine_watch(m, D + 0x40, D + 0x44);
	ck_assert_int_eq(machine_poke(m, D + 0x200, data_code, sizeof(data_code)), 0);
	ck_assert_uint_eq(run_call(m, 1, D + 0x200, zero, 1), 1);
	ck_assert_int_eq(machine_poke(m, D + 0x48, &v, 8), 0);
	ck_assert_uint_eq(run_call(m, 1, LOADX1, load, 2), 0x55);
	machine_park(m);

	m = open_machine(2, FETCH_COHERENT);
	fresh = open_machine(2, FETCH_COHERENT);
	capture(m, &a);
	capture(fresh, &b);
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);
	ck_assert(!machine_fetch_stale(m, 0, SITE));
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0); /* the nop again, not the add */
	machine_call_begin(m, 0, STORE32, to_watched, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_uint_eq(info.naccesses, 0);
	finish(m, 0);
	machine_call_begin(m, 0, STORE32, to_data, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert(!info.wrote_code);
	finish(m, 0);

	/* Kept: hart 1 translated LOADX1 before the park. A host write through machine_ram drops
	 * no translation, so that hart still runs the load where a new machine runs the add. */
	memcpy(machine_ram(m, LOADX1, 4), &(uint32_t){ADD_X0_1}, 4);
	memcpy(machine_ram(fresh, LOADX1, 4), &(uint32_t){ADD_X0_1}, 4);
	ck_assert_uint_eq(run_call(m, 1, LOADX1, load, 2), 0);
	ck_assert_uint_eq(run_call(fresh, 1, LOADX1, load, 2), 6);
	machine_close(fresh);
	machine_park(m);
	m = open_machine(1, FETCH_COHERENT); /* other harts: a new machine, the parked one closed */
	ck_assert_uint_eq(machine_nharts(m), 1);
	machine_close(m);
}
END_TEST

/*
 * A closed machine's engines serve the next machine (engine_pool.c) as new ones: the same
 * registers and whole CPU context (the state hash covers it), the same results and steps, none
 * of the old machine's mappings (mapping the same layout again would fail) or hooks (they would
 * write into the closed machine: an error under the sanitizer build) or translations.
 */
START_TEST(test_closed_engines_serve_as_new)
{
	struct machine *m = open_machine(2, FETCH_RELAXED), *fresh;
	static struct state a, b;
	uint64_t first, zero[1] = {0}, v = 0x55;
	uint64_t load[2] = {5, D + 0x48}, to_data[2] = {D + 0x200, 7};
	struct step_info info;

	/* Change registers, code, data and fetch views, then close: the engines go back. */
	ck_assert_uint_eq(patch_site_between_runs(m, &first), 0);
	machine_fetch_sync(m, 1);
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 1);
	ck_assert_int_eq(machine_poke(m, D + 0x48, &v, 8), 0);
	ck_assert_uint_eq(run_call(m, 1, LOADX1, load, 2), 0x55);
	ck_assert_uint_eq(run_call(m, 0, LOADX1, load, 2), 0x55);
	machine_set_reg(m, 0, reg("x19"), 0x1234);
	machine_close(m);

	m = open_machine(2, FETCH_COHERENT); /* the engines given back */
	fresh = open_machine(2, FETCH_COHERENT); /* new ones: none left to take */
	capture(m, &a);
	capture(fresh, &b);
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);
	ck_assert_uint_eq(machine_state_hash(m, NULL, NULL), machine_state_hash(fresh, NULL, NULL));
	ck_assert_uint_eq(run_call(m, 1, SITE, zero, 1), 0); /* the nop, not the add */
	ck_assert_uint_eq(run_call(m, 1, LOADX1, load, 2), 0);
	machine_call_begin(m, 0, STORE32, to_data, 2);
	machine_call_begin(fresh, 0, STORE32, to_data, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_uint_eq(info.naccesses, 0); /* nothing watched: an old hook would report */
	finish(m, 0);
	ck_assert_uint_eq(run_call(fresh, 1, SITE, zero, 1), 0);
	ck_assert_uint_eq(run_call(fresh, 1, LOADX1, load, 2), 0);
	finish(fresh, 0);
	capture(m, &a);
	capture(fresh, &b);
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);
	ck_assert_uint_eq(machine_state_hash(m, NULL, NULL), machine_state_hash(fresh, NULL, NULL));
	machine_close(fresh);
	machine_close(m);
}
END_TEST

/* ---- (5) calls ---- */

START_TEST(test_call_stack_args)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	uint64_t args[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	uint64_t top = machine_stack_top(m, 0), v;

	machine_call_begin(m, 0, STACKARGS, args, 10);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(machine_reg(m, 0, i), (uint64_t)i + 1);
	uint64_t sp = machine_reg(m, 0, arch->reg_sp);
	ck_assert_uint_eq(sp, top - 16);
	ck_assert(machine_read_u64(m, sp, &v));
	ck_assert_uint_eq(v, 9);
	ck_assert(machine_read_u64(m, sp + 8, &v));
	ck_assert_uint_eq(v, 10);
	ck_assert_uint_eq(machine_reg(m, 0, arch->reg_lr), MACHINE_MAGIC_RETURN);
	ck_assert_uint_eq(machine_pc(m, 0), STACKARGS);
	ck_assert(!machine_call_done(m, 0));
	finish(m, 0);
	ck_assert(machine_call_done(m, 0));
	ck_assert_uint_eq(machine_reg(m, 0, 0), 19);

	/* One stack argument still keeps SP 16-byte aligned. */
	machine_call_begin(m, 0, STACKARGS, args, 9);
	ck_assert_uint_eq(machine_reg(m, 0, arch->reg_sp), top - 16);
	/* Register-only calls start at the stack top. */
	machine_call_begin(m, 0, SITE, args, 2);
	ck_assert_uint_eq(machine_reg(m, 0, arch->reg_sp), top);
	machine_close(m);
}
END_TEST

/* ---- (6) faults and traps ---- */

START_TEST(test_faults)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	struct step_info info;
	uint64_t args[2] = {0, 0x10};

	/* Load from an unmapped address. */
	machine_call_begin(m, 0, LOADX1, args, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);
	ck_assert_int_eq(info.status, STEP_FAULT);
	ck_assert_msg(strstr(info.fault, "unmapped read at 0x10:") &&
			      strstr(info.fault, "UC_ERR_READ_UNMAPPED"),
		      "%s", info.fault);
	ck_assert_uint_eq(machine_pc(m, 0), LOADX1);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT); /* it stays there */
	/* The machine is still usable: fix the address and go on. */
	machine_set_reg(m, 0, reg("x1"), D);
	ck_assert_msg(machine_step(m, 0, &info) == STEP_OK, "%s", info.fault);
	ck_assert_uint_eq(machine_reg(m, 0, 0), 0x1122334455667788ull);
	finish(m, 0);

	/* The guard page below a stack is not mapped. */
	args[1] = machine_stack_top(m, 0) - MACHINE_STACK_SIZE - 8;
	machine_call_begin(m, 0, LOADX1, args, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);

	/* A jump to unmapped memory faults at the fetch. */
	args[1] = 0x50000000;
	machine_call_begin(m, 0, JUMPX1, args, 2);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);
	ck_assert_msg(strstr(info.fault, "fetch from unmapped 0x50000000"), "%s", info.fault);
	ck_assert_uint_eq(machine_pc(m, 0), 0x50000000);

	/* Misaligned pc. */
	machine_call_begin(m, 0, SITE + 2, args, 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);

	/* Undefined instruction and SVC: faults, pc on the instruction. */
	machine_call_begin(m, 0, UNDEF, args, 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);
	ck_assert_uint_eq(machine_pc(m, 0), UNDEF);
	machine_call_begin(m, 0, SYSCALL, args, 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);
	ck_assert_msg(strstr(info.fault, "exception"), "%s", info.fault);
	ck_assert_uint_eq(machine_pc(m, 0), SYSCALL);

	/* A step on a bad hart index is a fault, not a crash. */
	ck_assert_int_eq(machine_step(m, 5, &info), STEP_FAULT);
	machine_close(m);
}
END_TEST

START_TEST(test_breakpoint_and_hints)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	struct step_info info;

	machine_call_begin(m, 0, BREAK, NULL, 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_BREAKPOINT);
	ck_assert_int_eq(info.special.kind, SPECIAL_BREAKPOINT);
	ck_assert_uint_eq(info.special.imm, 5);
	ck_assert_uint_eq(machine_pc(m, 0), BREAK);
	ck_assert_uint_eq(machine_steps(m, 0), 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_BREAKPOINT);

	/* WFE and YIELD are skipped by the machine. */
	machine_call_begin(m, 0, HINTS, NULL, 0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(info.special.kind, SPECIAL_HINT);
	ck_assert_uint_eq(machine_pc(m, 0), HINTS + 4);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(info.special.kind, SPECIAL_HINT);
	ck_assert_uint_eq(machine_pc(m, 0), HINTS + 8);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(info.special.kind, SPECIAL_NONE);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_RETURNED);
	machine_close(m);
}
END_TEST

/* One hart on an arm64 image with a vector table, at the start of a call of BREAK; the image
 * in *img (image_free it after machine_close). */
static struct machine *open_vectors_machine(struct image **img)
{
	struct elf_opts o = {.machine = EM_AARCH64, .vectors = true};
	char err[256], *path = write_elf(&o);
	struct machine *m;

	*img = image_load(path, arch, err, sizeof(err));
	unlink(path);
	free(path);
	ck_assert_msg(*img != NULL, "%s", err);
	m = machine_open(arch, *img, 1, FETCH_COHERENT, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	machine_call_begin(m, 0, BREAK, NULL, 0);
	return m;
}

/* With a vector table in the image, a BRK enters the guest's exception handler like hardware:
 * ELR = the BRK, ESR = EC 0x3C | IL | imm, and eret comes back. */
START_TEST(test_breakpoint_exception_entry)
{
	struct image *vimg;
	struct machine *m = open_vectors_machine(&vimg);
	struct step_info info;

	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(info.special.kind, SPECIAL_BREAKPOINT);
	ck_assert_uint_eq(machine_pc(m, 0), SYNC_EL1);
	finish(m, 0);
	ck_assert_uint_eq(machine_reg(m, 0, reg("x0")), BREAK + 4);
	ck_assert_uint_eq(machine_reg(m, 0, reg("x1")), (0x3cull << 26) | (1ull << 25) | 5);
	machine_close(m);
	image_free(vimg);
}
END_TEST

/* The check on A32: TST keeps V (and C, without a shift), so its flags are read as well as
 * written; POP {r4, pc} loads a mapped pc (the memory's words are mapped addresses); CPSIE
 * touches no register of the file but CPSR's mask, which is not redrawn. */
START_TEST(test_reg_access_check_a32)
{
	const struct arch_model *a = &arch_model_arm;
	const uint32_t tst = 0xe3120003u /* tst r2, #3 */, pop = 0xe8bd8010u /* pop {r4, pc} */,
		       cpsie = 0xf1080080u /* cpsie i */;
	const uint64_t flags = 1ull << 16, sp = 1ull << 13;

	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&tst, 4, 1ull << 2, flags));
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&tst, 4, 1ull << 2 | flags, 0));
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&pop, 4, sp, 1ull << 4));
	ck_assert(!machine_reg_access_holds(a, (const uint8_t *)&pop, 4, sp, 1ull << 5));
	ck_assert(machine_reg_access_holds(a, (const uint8_t *)&cpsie, 4, 0, 0));
}
END_TEST

/* Outside a handler, what an exception entry writes for its handler (ELR_EL1 here) is left out
 * of the state hash when the caller says so (MACHINE_DEAD_EXCEPTION_REGS): two interrupts
 * taken at different instructions leave states that differ only in ELR_EL1. */
START_TEST(test_state_hash_leaves_out_exception_registers)
{
	const uint64_t out[1] = {MACHINE_DEAD_EXCEPTION_REGS}, in[1] = {0};
	uint64_t live[2], dead[2];
	struct image *vimg;
	struct machine *m = open_vectors_machine(&vimg);
	struct machine_snapshot *s;
	char err[256];

	s = machine_snapshot_new(m);
	machine_snapshot_save(m, s);
	for (unsigned k = 0; k < 2; k++) {
		machine_snapshot_restore(m, s);
		machine_set_reg(m, 0, reg("pc"), BREAK + 4 * k);
		ck_assert_int_eq(machine_take_interrupt(m, 0, err, sizeof(err)), 0);
		live[k] = machine_state_hash_live(m, in, NULL, NULL);
		dead[k] = machine_state_hash_live(m, out, NULL, NULL);
	}
	ck_assert(live[0] != live[1]);
	ck_assert(dead[0] == dead[1]);
	machine_snapshot_free(s);
	machine_close(m);
	image_free(vimg);
}
END_TEST

/* An arm machine (one hart, the bundled ftrace_arm image) at the start of traced_add3(1, 2, 3),
 * that address in *f, and a snapshot of it in *s. */
static struct machine *open_arm_call(struct image **img, uint64_t *f,
				     struct machine_snapshot **s)
{
	const struct arch_model *a = &arch_model_arm;
	uint64_t args[3] = {1, 2, 3};
	struct machine *m;
	char err[256];

	*img = load_guest_image("arm", "ftrace_arm", a);
	*f = symbol_address(*img, "traced_add3");
	m = machine_open(a, *img, 1, FETCH_COHERENT, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	machine_call_begin(m, 0, *f, args, 3);
	*s = machine_snapshot_new(m);
	machine_snapshot_save(m, *s);
	return m;
}

/* Takes an IRQ on hart 0 and steps its handler until the hart is back at pc. */
static void interrupt_and_return(struct machine *m, uint64_t pc)
{
	struct step_info info;
	unsigned steps = 0;
	char err[256];

	ck_assert_int_eq(machine_take_interrupt(m, 0, err, sizeof(err)), 0);
	do
		ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	while (machine_pc(m, 0) != pc && ++steps < 1000);
	ck_assert_uint_eq(machine_pc(m, 0), pc);
}

/* QEMU sets the PMU's cycle-count base from the host's clock on every exception return (arm's
 * `rfeia`): the state after the same interrupt, taken and returned from at two host times, is
 * one state. */
START_TEST(test_state_hash_leaves_out_the_host_clock)
{
	uint64_t f, hash[2];
	struct image *img;
	struct machine_snapshot *s;
	struct machine *m = open_arm_call(&img, &f, &s);

	for (unsigned k = 0; k < 2; k++) {
		machine_snapshot_restore(m, s);
		if (k)
			nanosleep(&(struct timespec){0, 100000}, NULL);
		interrupt_and_return(m, f);
		hash[k] = machine_state_hash(m, NULL, NULL);
	}
	ck_assert(hash[0] == hash[1]);
	machine_snapshot_free(s);
	machine_close(m);
	image_free(img);
}
END_TEST

/* Unicorn's arm engine keeps the address it was last started at (or its pc last written) in the
 * AArch64 pc field, which AArch32 execution never reads: a hart back at traced_add3 from its
 * handler's `rfeia`, and the same hart with its pc written again, are one state. */
START_TEST(test_state_hash_leaves_out_where_the_engine_started)
{
	uint64_t f, hash[2];
	struct image *img;
	struct machine_snapshot *s;
	struct machine *m = open_arm_call(&img, &f, &s);

	interrupt_and_return(m, f);
	hash[0] = machine_state_hash(m, NULL, NULL);
	machine_set_reg(m, 0, arch_model_arm.reg_pc, f);
	hash[1] = machine_state_hash(m, NULL, NULL);
	ck_assert(hash[0] == hash[1]);
	machine_snapshot_free(s);
	machine_close(m);
	image_free(img);
}
END_TEST

/* ---- (7) deterministic system registers ---- */

static void read_sysregs(unsigned hart, uint64_t out[4])
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	uint64_t zero[1] = {0};

	run_call(m, hart == 0 ? 1 : 0, SITE, zero, 1); /* the other hart's steps don't count */
	run_call(m, hart, SITE, zero, 1);
	run_call(m, hart, SYSREGS, zero, 0);
	for (int i = 0; i < 4; i++)
		out[i] = machine_reg(m, hart, i);
	machine_close(m);
}

START_TEST(test_sysregs_deterministic)
{
	uint64_t a[4], b[4];

	read_sysregs(1, a);
	read_sysregs(1, b);
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	/* The counter is the hart's instruction count: 2 before, then one more per instruction. */
	ck_assert_uint_eq(a[0], 2);
	ck_assert_uint_eq(a[3], 5);
	ck_assert_uint_eq(a[1], (1ull << 31) | 1); /* MPIDR: hart id */
	ck_assert_uint_eq(a[2], 1);                 /* TPIDR_EL0: hart id */
	read_sysregs(0, b);
	ck_assert_uint_eq(b[1], 1ull << 31);
	ck_assert_uint_eq(b[2], 0);
}
END_TEST

/* ---- runs of plain instructions (batch.c) ---- */

/* A run of LOOP leaves the hart where as many single steps leave another: registers, memory,
 * clock. It stops after an access a step reports, before a stop address, an instruction taken
 * out, a special one, and before a faulting one, which machine_step then reports. A machine's
 * first run decodes its text. */
START_TEST(test_plain_runs_equal_steps)
{
	struct machine *m = open_machine(2, FETCH_COHERENT);
	struct step_info info;
	uint64_t a0[3] = {0, D + 0x10, 0}, a1[3] = {0, D + 0x18, 0}, pcs[MACHINE_RUN_MAX];
	uint64_t args[2] = {0, 0x50000000};
	uint64_t x0, x3;

	machine_call_begin(m, 0, LOOP, a0, 3);
	ck_assert(!machine_is_plain(m, LOOP)); /* no map yet: the first run decodes the text */
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 40);
	ck_assert(machine_is_plain(m, LOOP) && !machine_is_plain(m, HINTS) /* wfe: a hint */);
	ck_assert(!machine_is_plain(m, MAINTAIN) && !machine_is_plain(m, EXCL_ADD));
	ck_assert_uint_eq(pcs[0], LOOP);
	ck_assert_uint_eq(pcs[39], LOOP + 16); /* 8 rounds of 5 */
	ck_assert_uint_eq(info.naccesses, 0);
	machine_call_begin(m, 1, LOOP, a1, 3);
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(machine_step(m, 1, &info), STEP_OK);
	for (int r = 0; r < 4; r++)
		ck_assert_uint_eq(machine_reg(m, 0, r), machine_reg(m, 1, r) - (r == 1 ? 8 : 0));
	ck_assert_uint_eq(machine_pc(m, 0), machine_pc(m, 1));
	ck_assert_uint_eq(machine_steps(m, 0), machine_steps(m, 1));
	ck_assert(machine_read_u64(m, D + 0x10, &x0) && x0 == 8);

	/* A reported store ends the run: it is the last instruction, with its access. */
	machine_watch(m, D + 0x10, D + 0x18);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 2);
	ck_assert_uint_eq(info.pc, LOOP + 4);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_int_eq(info.accesses[0].kind, ACCESS_WRITE);
	ck_assert_uint_eq(info.accesses[0].value, 9);
	ck_assert_uint_eq(machine_pc(m, 0), LOOP + 8);
	/* ... so does the load after it, the stop address, and an instruction taken out */
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, LOOP + 16, false, pcs, &info), 1);
	ck_assert_uint_eq(info.naccesses, 1);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, LOOP + 16, false, pcs, &info), 1);
	ck_assert_uint_eq(info.naccesses, 0);
	ck_assert_uint_eq(machine_pc(m, 0), LOOP + 16);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, LOOP + 16, false, pcs, &info), 0);
	machine_plain_mark_entry(m, LOOP + 4); /* an entry ends only the runs that ask */
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, true, pcs, &info), 2); /* b; add */
	ck_assert_uint_eq(machine_pc(m, 0), LOOP + 4);
	machine_call_begin(m, 0, LOOP, a0, 3);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 2);
	ck_assert_uint_eq(info.naccesses, 1);
	machine_call_begin(m, 0, LOOP, a0, 3);
	machine_plain_exclude(m, LOOP + 4, LOOP + 8);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 1);
	ck_assert_uint_eq(machine_pc(m, 0), LOOP + 4);

	/* The clock inside a run counts the run's instructions. */
	machine_call_begin(m, 0, SYSREGS, a0, 0);
	x0 = machine_steps(m, 0);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 5);
	ck_assert_uint_eq(machine_reg(m, 0, 0), x0);
	x3 = machine_reg(m, 0, 3);
	ck_assert_uint_eq(x3, x0 + 3);
	ck_assert(machine_call_done(m, 0));

	/* A branch to unmapped memory and an undefined instruction are left for machine_step. */
	machine_call_begin(m, 0, JUMPX1, args, 2);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 0);
	ck_assert_uint_eq(machine_pc(m, 0), JUMPX1);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_OK);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);
	ck_assert_uint_eq(machine_pc(m, 0), 0x50000000);
	machine_call_begin(m, 0, UNDEF, args, 0);
	x0 = machine_steps(m, 0);
	ck_assert_uint_eq(machine_run_plain(m, 0, 40, 0, false, pcs, &info), 0);
	ck_assert_uint_eq(machine_pc(m, 0), UNDEF);
	ck_assert_uint_eq(machine_steps(m, 0), x0);
	ck_assert_int_eq(machine_step(m, 0, &info), STEP_FAULT);

	/* A code write takes its word out of runs. */
	ck_assert(machine_is_plain(m, LOADX1));
	ck_assert_int_eq(machine_poke(m, LOADX1, (const uint32_t[]){LDR_X0_X1}, 4), 0);
	ck_assert(!machine_is_plain(m, LOADX1));
	machine_close(m);
}
END_TEST

/* ---- (8) disassembly ---- */

START_TEST(test_disasm)
{
	struct machine *m = open_machine(1, FETCH_COHERENT);
	uint8_t nop[4] = {0x1f, 0x20, 0x03, 0xd5};
	uint8_t bl[4] = {0x20, 0x00, 0x00, 0x94};
	uint8_t bad[4] = {0xff, 0xff, 0xff, 0xff};

	const char *t = machine_disasm(m, SITE, nop, 4);
	ck_assert_str_eq(t, "nop");
	ck_assert_ptr_eq(machine_disasm(m, SITE, nop, 4), t); /* cached */
	t = machine_disasm(m, CALL, bl, 4);
	ck_assert_msg(strncmp(t, "bl ", 3) == 0 && strstr(t, "0x10200"), "%s", t);
	/* Same bytes at another address: another target. */
	t = machine_disasm(m, CALL + 0x100, bl, 4);
	ck_assert_msg(strstr(t, "0x10300"), "%s", t);
	ck_assert_str_eq(machine_disasm(m, SITE, bad, 4), ".word 0xffffffff");
	/* Many entries: the cache grows and keeps earlier texts valid. */
	for (uint64_t a = 0; a < 2000; a++)
		machine_disasm(m, T + 4 * a, nop, 4);
	ck_assert_str_eq(machine_disasm(m, CALL, bl, 4), "bl #0x10200");
	machine_close(m);
}
END_TEST

/* A test case of s whose tests each get a fresh image (setup/teardown) and 60 s. */
static TCase *add_image_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc;

	tc = add_image_tcase(s, "image");
	tcase_add_test(tc, test_image_symbols_and_ranges);
	tcase_add_test(tc, test_image_records_and_hash);
	tcase_add_test(tc, test_image_kept_while_its_bytes_are_the_same);
	tcase_add_test(tc, test_image_errors);
	tcase_add_test(tc, test_image_guest_ftrace);

	tc = add_image_tcase(s, "machine");
	tcase_add_test(tc, test_open_layout);
	tcase_add_test(tc, test_registers);
	tcase_add_test(tc, test_shared_memory);
	tcase_add_test(tc, test_call_stack_args);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_breakpoint_and_hints);
	tcase_add_test(tc, test_breakpoint_exception_entry);
	tcase_add_test(tc, test_sysregs_deterministic);
	tcase_add_test(tc, test_plain_runs_equal_steps);
	tcase_add_test(tc, test_disasm);

	tc = add_image_tcase(s, "fetch");
	tcase_add_test(tc, test_code_write_coherent);
	tcase_add_test(tc, test_code_write_without_invalidation_is_stale);
	tcase_add_test(tc, test_code_write_outside_text);
	tcase_add_test(tc, test_poke_invalidates);
	tcase_add_test(tc, test_code_write_relaxed);
	tcase_add_test(tc, test_arch_fetch_needs_clean_invalidate_and_isb);
	tcase_add_test(tc, test_arch_fetch_choices_run);

	tc = add_image_tcase(s, "snapshot");
	tcase_add_test(tc, test_snapshot_replay_identical);
	tcase_add_test(tc, test_snapshot_restores_code);
	tcase_add_test(tc, test_snapshot_renews_worn_engines);
	tcase_add_test(tc, test_snapshot_relaxed_views);
	tcase_add_test(tc, test_snapshot_levels);
	tcase_add_test(tc, test_private_hash_follows_writes);
	tcase_add_test(tc, test_state_hash_leaves_out_dead_stack);
	tcase_add_test(tc, test_state_hash_leaves_out_a_clear_monitor);
	tcase_add_test(tc, test_reg_access_check_runs_the_instruction);
	tcase_add_test(tc, test_reg_access_answers_are_shared_with_forked_workers);
	tcase_add_test(tc, test_state_hash_leaves_out_dead_registers);
	tcase_add_test(tc, test_state_hash_leaves_out_exception_registers);
	tcase_add_test(tc, test_state_hash_leaves_out_the_host_clock);
	tcase_add_test(tc, test_state_hash_leaves_out_where_the_engine_started);
	tcase_add_test(tc, test_reg_access_check_a32);
	tcase_add_test(tc, test_snapshot_restores_exclusive_store);
	tcase_add_test(tc, test_park_reopens_as_new);
	tcase_add_test(tc, test_closed_engines_serve_as_new);
	return s;
}

int main(void)
{
	return run_check_suite(machine_suite());
}
