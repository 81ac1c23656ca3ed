/*
 * reg_access.c - whether an instruction's decoded register accesses hold when it runs: it
 * reads no register outside `uses`, and writes each register of `defs` whatever that held.
 * What the register liveness of compiled C (explorer/liveness.c) builds on, checked for each
 * instruction word before it is trusted, since Capstone 4's access lists leave some reads out.
 *
 * The instruction runs alone in a scratch engine of its arch, from a state drawn from a fixed
 * seed (registers pointing into 16 MiB of memory filled with a pattern of words that are mapped
 * addresses too, so that a loaded pc is one; the instruction ends 128 MiB up, its branch targets
 * mapped; the flags register's other bits as the engine starts), three times per draw:
 * as drawn; with every register outside `uses` drawn again; with every register of `defs`
 * outside `uses` drawn again. The second run must end as the first in every register it did
 * not redraw, and each redrawn one must hold its new value or the first run's (written
 * independently of it); the third must end as the first. Stores are logged and must match.
 * An instruction that faults, or touches what the register file does not show (SIMD/FP
 * registers: the caller leaves those out), does not hold.
 *
 * Sampling, not proof: a read that matters only for values no draw hits is not seen. The
 * caller decodes from the encoding what it can (liveness.c) and uses this as the check on it.
 *
 * Answers are cached by word (and arch, uses and defs) in memory shared with the processes
 * forked after it was mapped (-j's workers): an answer depends on nothing but its key, so
 * whichever process checked a word first answers for all. A slot is written under a sequence
 * number (odd while a process writes it, as a seqlock): a reader that sees it odd or changed
 * takes the slot as not holding its word, and a writer that finds it taken leaves it.
 *
 * The answers are also kept in a file (machine_reg_access_load / _save; the command keeps it
 * in its cache directory) for the next processes of the same build: the file names the build
 * IDs of the executable and of libunicorn (build_identity.c), and a file of another build, or
 * one that is not whole, is not read. An arch is keyed by its name, Unicorn mode and CPU
 * model, the same in every process.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_internal.h"

#define RA_MAP_SIZE 0x10000000ull /* 256 MiB from 0, the instruction in the middle: every
				       * direct branch target of arm64 (+-128 MiB) is mapped */
#define RA_CODE_END 0x8000000ull /* the instruction ends where a page ends, in the middle of
				   * the map: its translation block holds it alone (the zeros
				   * after it would be instructions on arm, translated up to the
				   * block's limit) */
#define RA_MEM_SIZE 0x1000000ull /* the first 16 MiB: the data, filled with a pattern */
#define RA_VAL_BASE 0x100000ull
#define RA_VAL_SPAN 0x10000ull   /* register values: 16-byte aligned in [base, base + span) */
#define RA_DRAWS 4
#define RA_MAX_WRITES 32
#define RA_CACHE 32768
#define RA_PROBES 8
#define RA_PATTERN_SEED 0x2545f4914f6cdd1dull
#define RA_PATTERN_STEP 0x9e3779b97f4a7c15ull

struct ra_write {
	uint64_t addr;
	int size;
	int64_t value;
};

/* The first RA_MEM_SIZE bytes of every arch's engine, one host buffer mapped into each (a
 * check undoes its stores, so between checks it always holds the pattern). Filled once per
 * process, or before the fork of -j's workers (machine_reg_access_warm), whose reads of it
 * then fault in nothing. */
static uint8_t *pattern;

struct ra_engine {
	const struct arch_model *arch; /* NULL: not set up yet */
	uc_engine *uc;
	uint64_t initial[ARCH_MAX_REGS]; /* the registers as the engine starts: what a draw keeps
					  * of the flags register (mode, instruction set) */
	uc_context *start;             /* the whole CPU as it starts: every run begins from it, so
					* that an instruction that writes a system register (MSR,
					* CSRW) leaves nothing to the next, and results do not
					* depend on the order words are checked in */
	struct ra_write log[RA_MAX_WRITES];
	unsigned nlog;
	bool overflow;
};

static struct ra_engine engines[EMU_ARCH_SLOTS];

/* A cached answer; every field is read and written with atomic accesses. */
struct ra_entry {
	uint64_t seq;  /* 0: empty; odd: being written */
	uint64_t arch; /* arch_key */
	uint64_t word; /* the instruction's first word, and its second (0 if none) above it */
	uint64_t uses, defs, holds;
};

/* The cache, shared with forked processes. */
struct ra_shared {
	uint64_t added; /* answers found by checks since it was mapped or read from a file */
	struct ra_entry e[RA_CACHE];
};

static struct ra_shared *shared; /* NULL: none mapped (yet) */
static struct ra_entry *cache;   /* shared->e */
static unsigned long checks_run;

/* The answers file: this header, then count records of an answer each. */
#define RA_FILE_MAGIC "patchcheck reg-access 1\n"
struct ra_file_header {
	char magic[24];
	char build[104]; /* emu_build_identity, NUL-padded */
	uint64_t count;
};
struct ra_record {
	uint64_t arch, word, uses, defs, holds;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += RA_PATTERN_STEP);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The pattern's word at word index i (address 4 * i): the i-th draw of a splitmix stream, an
 * address of the map. */
static uint32_t pattern_word(uint64_t i)
{
	uint64_t s = RA_PATTERN_SEED + i * RA_PATTERN_STEP;

	return (uint32_t)splitmix(&s) & (uint32_t)(RA_MAP_SIZE - 4);
}

/* Writes the pattern over all of it. */
static void pattern_fill(uint8_t *p)
{
	for (uint64_t i = 0; i < RA_MEM_SIZE / 4; i++) {
		uint32_t v = pattern_word(i);

		memcpy(p + 4 * i, &v, 4);
	}
}

/* The pattern filled in once; false when there is no memory for it. */
static bool pattern_ready(void)
{
	void *p;

	if (pattern)
		return true;
	p = mmap(NULL, RA_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, RA_MEM_SIZE, MADV_HUGEPAGE); /* 8 faults instead of 4,096: 49 ms -> 5-15 */
#endif
	pattern_fill(p);
	pattern = p;
	return true;
}

/* The pattern put back over [a, a + n), what a run's stores changed (inside the pattern). */
static void pattern_restore(uint64_t a, uint64_t n)
{
	for (uint64_t i = a / 4; i < (a + n + 3) / 4 && i < RA_MEM_SIZE / 4; i++) {
		uint32_t v = pattern_word(i);

		memcpy(pattern + 4 * i, &v, 4);
	}
}

/* The cache mapped, shared with the processes forked after; false when there is no memory. */
static bool cache_ready(void)
{
	void *p;

	if (cache)
		return true;
	p = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	shared = p;
	cache = shared->e;
	return true;
}

static bool answers_read; /* machine_reg_access_load read a file */

void machine_reg_access_warm(void)
{
	if (!answers_read) /* with answers read, checks are few: a fork fills it if it needs it */
		(void)pattern_ready();
	(void)cache_ready();
}

unsigned long machine_reg_access_checks_run(void)
{
	return checks_run;
}

/* Slot c as it is into *out: false while a process writes it. */
static bool read_entry(struct ra_entry *c, struct ra_entry *out)
{
	uint64_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);

	if (seq & 1)
		return false;
	out->arch = __atomic_load_n(&c->arch, __ATOMIC_RELAXED);
	out->word = __atomic_load_n(&c->word, __ATOMIC_RELAXED);
	out->uses = __atomic_load_n(&c->uses, __ATOMIC_RELAXED);
	out->defs = __atomic_load_n(&c->defs, __ATOMIC_RELAXED);
	out->holds = __atomic_load_n(&c->holds, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	out->seq = seq;
	return __atomic_load_n(&c->seq, __ATOMIC_RELAXED) == seq;
}

/* v into slot c, unless another process is writing it. */
static void write_entry(struct ra_entry *c, const struct ra_entry *v)
{
	uint64_t seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);

	if ((seq & 1) || !__atomic_compare_exchange_n(&c->seq, &seq, seq + 1, false,
						      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&c->arch, v->arch, __ATOMIC_RELAXED);
	__atomic_store_n(&c->word, v->word, __ATOMIC_RELAXED);
	__atomic_store_n(&c->uses, v->uses, __ATOMIC_RELAXED);
	__atomic_store_n(&c->defs, v->defs, __ATOMIC_RELAXED);
	__atomic_store_n(&c->holds, v->holds, __ATOMIC_RELAXED);
	__atomic_store_n(&c->seq, seq + 2, __ATOMIC_RELEASE);
}

static void on_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		     void *ud)
{
	struct ra_engine *e = ud;

	(void)uc;
	(void)type;
	if (e->nlog == RA_MAX_WRITES) {
		e->overflow = true;
		return;
	}
	e->log[e->nlog++] = (struct ra_write){addr, size, value};
}

static struct ra_engine *engine_of(const struct arch_model *arch)
{
	int i = emu_arch_slot(arch);
	struct ra_engine *e = i >= 0 ? &engines[i] : NULL;
	uc_hook hook;

	if (!e)
		return NULL;
	if (e->arch)
		return e->uc ? e : NULL;
	e->arch = arch;
	if (!pattern_ready() || emu_engine_open(arch, &e->uc) != UC_ERR_OK)
		return NULL;
	if (uc_mem_map_ptr(e->uc, 0, RA_MEM_SIZE, UC_PROT_ALL, pattern) ||
	    uc_mem_map(e->uc, RA_MEM_SIZE, RA_MAP_SIZE - RA_MEM_SIZE, UC_PROT_ALL) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_MEM_WRITE, (void *)on_write, e, 1, 0)) {
		uc_close(e->uc);
		e->uc = NULL;
		return NULL;
	}
	for (unsigned r = 0; r < arch->nregs && r < ARCH_MAX_REGS; r++)
		uc_reg_read(e->uc, arch->reg_ids[r], &e->initial[r]);
	if (uc_context_alloc(e->uc, &e->start) != UC_ERR_OK) {
		uc_close(e->uc);
		e->uc = NULL;
		return NULL;
	}
	uc_context_save(e->uc, e->start);
	return e;
}

/* The value a register takes in a draw: an address into the memory, or, for the flags
 * register, the flags bits redrawn in what it holds. */
static uint64_t draw(const struct arch_model *arch, unsigned r, uint64_t held, uint64_t *s)
{
	if ((int)r == arch->flags_reg)
		return (held & ~arch->flags_value_mask) | (splitmix(s) & arch->flags_value_mask);
	return RA_VAL_BASE + (splitmix(s) % RA_VAL_SPAN & ~15ull);
}

/* Runs the instruction from regs; the registers after it into out and its stores into the
 * engine's log, memory restored. False when it faulted or stored too much. */
static bool run(struct ra_engine *e, unsigned len, const uint64_t *regs, uint64_t *out)
{
	const struct arch_model *arch = e->arch;
	uint64_t pc = (RA_CODE_END - len) | (arch->isa_state_mask && arch->isa_state_value);
	bool ok;

	e->nlog = 0;
	e->overflow = false;
	if (uc_context_restore(e->uc, e->start))
		return false;
	for (unsigned r = 0; r < arch->nregs; r++)
		if ((int)r != arch->reg_pc && uc_reg_write(e->uc, arch->reg_ids[r], &regs[r]))
			return false;
	ok = uc_emu_start(e->uc, pc, 0, 0, 1) == UC_ERR_OK;
	for (unsigned r = 0; r < arch->nregs; r++) {
		out[r] = 0;
		uc_reg_read(e->uc, arch->reg_ids[r], &out[r]);
	}
	for (unsigned i = 0; i < e->nlog; i++) { /* undo the stores */
		uint64_t a = e->log[i].addr, n = e->log[i].size > 0 ? (uint64_t)e->log[i].size : 8;

		if (a < RA_MEM_SIZE)
			pattern_restore(a, n); /* the part inside the pattern */
	}
	if (e->overflow) /* stores the log could not hold: the whole pattern again */
		pattern_fill(pattern);
	return ok && !e->overflow;
}

static bool same_log(const struct ra_write *a, unsigned na, const struct ra_write *b,
		     unsigned nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(*a));
}

static bool check(struct ra_engine *e, const uint8_t *bytes, unsigned len, uint64_t uses,
		  uint64_t defs)
{
	const struct arch_model *arch = e->arch;
	uint64_t s = 0x6a09e667f3bcc909ull;
	uint64_t base[ARCH_MAX_REGS], pert[ARCH_MAX_REGS], first[ARCH_MAX_REGS],
		 after[ARCH_MAX_REGS];
	struct ra_write log[RA_MAX_WRITES];
	static const uint8_t zero[16];
	unsigned nlog;

	/* Written once: every run of this check reuses the one translation. */
	if (uc_mem_write(e->uc, RA_CODE_END - sizeof(zero), zero, sizeof(zero)) ||
	    uc_mem_write(e->uc, RA_CODE_END - len, bytes, len) ||
	    uc_ctl_remove_cache(e->uc, RA_CODE_END - sizeof(zero), RA_CODE_END))
		return false;
	for (unsigned d = 0; d < RA_DRAWS; d++) {
		for (unsigned r = 0; r < arch->nregs; r++)
			base[r] = (int)r == arch->reg_pc ? 0 : draw(arch, r, e->initial[r], &s);
		if (!run(e, len, base, first))
			return false;
		memcpy(log, e->log, sizeof(log));
		nlog = e->nlog;

		/* Everything outside uses redrawn: what it reads is unchanged. */
		memcpy(pert, base, sizeof(pert));
		for (unsigned r = 0; r < arch->nregs; r++)
			if ((int)r != arch->reg_pc && (int)r != arch->reg_sp && !(uses >> r & 1))
				pert[r] = draw(arch, r, base[r], &s);
		if (!run(e, len, pert, after) || !same_log(log, nlog, e->log, e->nlog))
			return false;
		for (unsigned r = 0; r < arch->nregs; r++) {
			/* of the flags register only the flags were redrawn; the rest (arm's
			 * mode and masks, which CPSIE may change) must come out as in the first */
			uint64_t part = (int)r == arch->flags_reg ? arch->flags_value_mask : ~0ull;
			bool redrawn = pert[r] != base[r];

			if ((after[r] ^ first[r]) & ~part)
				return false;
			if ((after[r] ^ first[r]) & part && !(redrawn && !((after[r] ^ pert[r]) & part)))
				return false;
		}

		/* The written ones redrawn: none of their old values shows. */
		memcpy(pert, base, sizeof(pert));
		for (unsigned r = 0; r < arch->nregs; r++)
			if ((defs & ~uses) >> r & 1)
				pert[r] = draw(arch, r, base[r], &s);
		if (!run(e, len, pert, after) || !same_log(log, nlog, e->log, e->nlog) ||
		    memcmp(after, first, arch->nregs * sizeof(after[0])))
			return false;
	}
	return true;
}

/* What identifies arch in a key, the same in every process: its name, mode and CPU model. */
static uint64_t arch_key(const struct arch_model *arch)
{
	static uint64_t keys[EMU_ARCH_SLOTS]; /* by emu_arch_slot; 0: not computed yet */
	int i = emu_arch_slot(arch);
	int64_t v[3] = {arch->uc_arch, arch->uc_mode, arch->uc_cpu_model};
	uint64_t k;

	if (i >= 0 && keys[i])
		return keys[i];
	k = machine_hash_bytes(arch->name, strlen(arch->name), machine_hash_bytes(v, sizeof(v), 0));
	if (i >= 0)
		keys[i] = k;
	return k;
}

/* The cached answer for key into key->holds: true; else false and *slot the slot to write it
 * in (NULL when there is no cache): the first empty one probed, else the last. */
static bool lookup(struct ra_entry *key, struct ra_entry **slot)
{
	uint64_t k = (key->word * 0x9e3779b97f4a7c15ull ^ key->word >> 32 ^ key->uses * 31 ^
		      key->defs * 17 ^ key->arch) * 0xff51afd7ed558ccdull;
	struct ra_entry got;

	*slot = NULL;
	/* Open addressing; when all the probed slots are taken, the last is replaced. */
	for (unsigned probe = 0; cache_ready() && probe < RA_PROBES; probe++) {
		*slot = &cache[((k >> 40) + probe) % RA_CACHE];
		if (!read_entry(*slot, &got))
			continue;
		if (got.seq == 0)
			return false;
		if (got.arch == key->arch && got.word == key->word && got.uses == key->uses &&
		    got.defs == key->defs) {
			key->holds = got.holds;
			return true;
		}
	}
	return false;
}

bool machine_reg_access_holds(const struct arch_model *arch, const uint8_t *bytes, unsigned len,
			      uint64_t uses, uint64_t defs)
{
	uint32_t word[2] = {0, 0};
	struct ra_engine *e;
	struct ra_entry key, *c;

	if (len > sizeof(word))
		return false;
	memcpy(word, bytes, len);
	key = (struct ra_entry){.arch = arch_key(arch), .word = word[0] | (uint64_t)word[1] << 32,
				.uses = uses, .defs = defs};
	if (lookup(&key, &c))
		return key.holds;
	e = engine_of(arch);
	checks_run++;
	key.holds = e && check(e, bytes, len, uses, defs);
	if (c) {
		write_entry(c, &key);
		__atomic_fetch_add(&shared->added, 1, __ATOMIC_RELAXED);
	}
	return key.holds;
}

/* The header a file of this build's answers starts with; false when the build has no IDs. */
static bool file_header(struct ra_file_header *h, uint64_t count)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, RA_FILE_MAGIC, sizeof(RA_FILE_MAGIC) - 1);
	h->count = count;
	return emu_build_identity(h->build, sizeof(h->build));
}

bool machine_reg_access_load(const char *path)
{
	struct ra_file_header want, h;
	struct ra_record *r = NULL;
	struct stat st;
	bool ok = false;
	int fd;

	if (!file_header(&want, 0) || !cache_ready() || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	if (fstat(fd, &st) == 0 && read(fd, &h, sizeof(h)) == (ssize_t)sizeof(h) &&
	    memcmp(h.magic, want.magic, sizeof(h.magic)) == 0 &&
	    memcmp(h.build, want.build, sizeof(h.build)) == 0 && h.count <= RA_CACHE &&
	    (uint64_t)st.st_size == sizeof(h) + h.count * sizeof(*r) &&
	    (r = malloc(h.count * sizeof(*r) + 1)) &&
	    read(fd, r, h.count * sizeof(*r)) == (ssize_t)(h.count * sizeof(*r))) {
		ok = true;
		for (uint64_t i = 0; i < h.count; i++) {
			struct ra_entry key = {.arch = r[i].arch, .word = r[i].word, .uses = r[i].uses,
					       .defs = r[i].defs, .holds = r[i].holds != 0}, *c;

			if (!lookup(&key, &c) && c)
				write_entry(c, &key);
		}
	}
	free(r);
	close(fd);
	answers_read = answers_read || ok;
	return ok;
}

bool machine_reg_access_save(const char *path)
{
	struct ra_file_header h;
	struct ra_record *r;
	char tmp[4096];
	uint64_t n = 0;
	bool ok;
	int fd;

	if (!shared || !__atomic_load_n(&shared->added, __ATOMIC_RELAXED))
		return true; /* nothing new */
	if (!(r = malloc(RA_CACHE * sizeof(*r))))
		return false;
	for (unsigned i = 0; i < RA_CACHE; i++) {
		struct ra_entry got;

		if (read_entry(&cache[i], &got) && got.seq)
			r[n++] = (struct ra_record){got.arch, got.word, got.uses, got.defs, got.holds};
	}
	ok = file_header(&h, n) &&
	     snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) < (int)sizeof(tmp) &&
	     (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0;
	if (ok) {
		ok = write(fd, &h, sizeof(h)) == (ssize_t)sizeof(h) &&
		     write(fd, r, n * sizeof(*r)) == (ssize_t)(n * sizeof(*r));
		ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
		if (!ok)
			unlink(tmp);
	}
	free(r);
	if (ok)
		__atomic_store_n(&shared->added, 0, __ATOMIC_RELAXED);
	return ok;
}
