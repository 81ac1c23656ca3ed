/*
 * machine.c - building and tearing down a machine (engines, RAM layout, hooks), and the host's
 * access to it: RAM, registers, starting a call, watched ranges.
 *
 * Stepping is in step.c, fetch views in fetch.c, snapshots in snapshot.c, disassembly in
 * disasm.c. The RAM layout is described in emu_internal.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu_internal.h"

#define EMU_MAX_RAM (1ull << 30) /* refuse absurd layouts rather than mmap them */

static _Atomic uint64_t machines_opened; /* serials of machines: snapshots know their own */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t align_down(uint64_t a, uint64_t g)
{
	return a & ~(g - 1);
}

static uint64_t align_up(uint64_t a, uint64_t g)
{
	return (a + g - 1) & ~(g - 1);
}

uint64_t emu_map_page(const struct arch_model *arch)
{
	return arch->page_size > EMU_PAGE ? arch->page_size : EMU_PAGE;
}

/* The image's aliases as regions over its own pages: each far range is the host pages of its
 * load address. They must not overlap the image, the stacks' range or the magic page. */
static int alias_regions(struct machine *m, uint64_t pg, uint64_t limit, char *err, size_t errlen)
{
	unsigned n;
	const struct image_alias *al = emu_image_aliases(m->img, &n);
	uint64_t near_end = align_up(image_end(m->img), pg) +
			    m->nharts * (pg + align_up(MACHINE_STACK_SIZE, pg));

	for (unsigned i = 0; i < n; i++) {
		struct region *rg = &m->regions[m->nregions];
		uint64_t b = align_down(al[i].vaddr, pg), e = align_up(al[i].vaddr + al[i].size, pg);
		uint64_t magic = align_down(MACHINE_MAGIC_RETURN, pg);

		if ((al[i].vaddr - al[i].paddr) % pg != 0 || e > limit || e < b ||
		    (b < near_end && e > m->ram_base) || (b < magic + pg && e > magic)) {
			set_err(err, errlen, "%s: segment linked at 0x%llx and loaded at 0x%llx cannot be "
				"mapped there", image_path(m->img), (unsigned long long)al[i].vaddr,
				(unsigned long long)al[i].paddr);
			return -1;
		}
		rg->begin = b;
		rg->end = e;
		rg->host = align_down(al[i].paddr, pg) - m->ram_base;
		rg->alias = true;
		m->nregions++;
	}
	return 0;
}

/* Places the image and the stacks; fills ram_base/end, regions, stack tops. */
static int layout(struct machine *m, char *err, size_t errlen)
{
	uint64_t pg = emu_map_page(m->arch);
	uint64_t stack = align_up(MACHINE_STACK_SIZE, pg);
	uint64_t limit = m->arch->word_size == 4 ? (1ull << 32) : (1ull << 48);
	uint64_t base = image_base(m->img), end = image_end(m->img);

	if (end <= base || end > limit) {
		set_err(err, errlen, "%s: image range 0x%llx-0x%llx does not fit the address space",
			image_path(m->img), (unsigned long long)base, (unsigned long long)end);
		return -1;
	}
	m->ram_base = align_down(base, pg);
	uint64_t img_end = align_up(end, pg);
	uint64_t total = img_end - m->ram_base + m->nharts * (pg + stack);
	if (total > EMU_MAX_RAM || img_end + m->nharts * (pg + stack) > limit) {
		set_err(err, errlen, "%s: image of 0x%llx bytes is too large", image_path(m->img),
			(unsigned long long)(end - base));
		return -1;
	}
	m->regions[0].begin = m->ram_base;
	m->regions[0].end = img_end;
	m->regions[0].host = 0;
	m->nregions = 1;
	if (alias_regions(m, pg, limit, err, errlen) != 0)
		return -1;
	uint64_t a = img_end;
	for (unsigned h = 0; h < m->nharts; h++) {
		struct region *rg = &m->regions[m->nregions++];

		a += pg; /* guard page below each stack */
		rg->begin = a;
		rg->end = a + stack;
		rg->host = a - m->ram_base;
		m->stack_base[h] = a;
		a += stack;
		m->stack_top[h] = align_down(a, 16);
	}
	m->ram_end = a;
	m->ram_size = (size_t)(m->ram_end - m->ram_base);

	uint64_t magic = align_down(MACHINE_MAGIC_RETURN, pg);
	if (magic < m->ram_end && magic + pg > m->ram_base) {
		set_err(err, errlen, "%s: image overlaps the magic return address 0x%llx",
			image_path(m->img), (unsigned long long)MACHINE_MAGIC_RETURN);
		return -1;
	}
	return 0;
}

/*
 * Unicorn ends the process with exit(1) when it cannot allocate an engine's translation buffer,
 * which it does on the engine's first use (the first memory mapping), with only its own line
 * "Could not allocate dynamic translator buffer" on stderr. While a hart's engine is being set
 * up, an exit handler turns that exit into the handler the program registered.
 */
static void (*engine_oom_handler)(void);
static volatile int setting_up_engine;

static void exit_during_engine_setup(void)
{
	if (setting_up_engine && engine_oom_handler)
		engine_oom_handler();
}

void machine_on_engine_out_of_memory(void (*handler)(void))
{
	static int registered;

	engine_oom_handler = handler;
	if (!registered && atexit(exit_during_engine_setup) == 0)
		registered = 1;
}

static int set_up_hart_engine(struct machine *m, unsigned id, char *err, size_t errlen);

static int open_hart(struct machine *m, unsigned id, char *err, size_t errlen)
{
	int rc;

	setting_up_engine = 1;
	rc = set_up_hart_engine(m, id, err, errlen);
	setting_up_engine = 0;
	return rc;
}

static int set_up_hart_engine(struct machine *m, unsigned id, char *err, size_t errlen)
{
	struct hart *h = &m->harts[id];
	const struct arch_model *arch = m->arch;
	uint64_t pg = emu_map_page(arch);
	uc_err e;

	h->m = m;
	h->id = id;
	e = emu_engine_take(arch, h);
	if (e != UC_ERR_OK) {
		set_err(err, errlen, "uc_open: %s", uc_strerror(e));
		return -1;
	}
	for (unsigned r = 0; r < m->nregions; r++) {
		const struct region *rg = &m->regions[r];
		e = uc_mem_map_ptr(h->uc, rg->begin, (size_t)(rg->end - rg->begin),
				   rg->alias ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_ALL,
				   m->ram + rg->host);
		if (e != UC_ERR_OK)
			goto fail;
	}
	e = uc_mem_map_ptr(h->uc, align_down(MACHINE_MAGIC_RETURN, pg), (size_t)pg, UC_PROT_ALL,
			   m->magic_page);
	if (e != UC_ERR_OK)
		goto fail;
	int he = emu_hooks_install(m, h);
	if (he != 0) {
		e = (uc_err)he;
		goto fail;
	}
	if ((e = uc_ctl_exits_enable(h->uc)) != UC_ERR_OK ||
	    (e = uc_ctl_set_exits(h->uc, NULL, (size_t)0)) != UC_ERR_OK)
		goto fail;

	uint64_t v = id;
	emu_hart_changed(h);
	if ((e = uc_reg_write(h->uc, (int)arch->hart_id_reg_id, &v)) != UC_ERR_OK)
		goto fail;
	if (m->vectors && (e = (uc_err)arch->set_vectors(h->uc, m->vectors)) != UC_ERR_OK)
		goto fail;
	/* A hart of an image with vectors runs as a kernel thread does: interrupts enabled (the
	 * reset state masks them). */
	if (m->vectors && arch->unmask_interrupts &&
	    (e = (uc_err)arch->unmask_interrupts(h->uc)) != UC_ERR_OK)
		goto fail;
	/* An idle hart sits at the magic return address: done, nothing to step. */
	machine_set_reg(m, id, arch->reg_sp, m->stack_top[id]);
	machine_set_reg(m, id, arch->reg_lr, MACHINE_MAGIC_RETURN);
	machine_set_reg(m, id, arch->reg_pc, MACHINE_MAGIC_RETURN);
	h->ready = true;
	return 0;
fail:
	set_err(err, errlen, "hart %u: %s", id, uc_strerror(e));
	return -1;
}

void emu_renew_if_worn(struct machine *m, unsigned id)
{
	struct hart *h = &m->harts[id];
	struct hart old = *h;
	char err[128];

	if (h->invalidations <= m->renew_after)
		return;
	if (open_hart(m, id, err, sizeof(err)) != 0) {
		emu_engine_close(h);
		*h = old; /* go on with the worn engine, never kept for another machine */
		h->invalidations = 0;
		h->uses = UINT_MAX;
		return;
	}
	emu_engine_close(&old); /* worn: not kept */
	m->renewals++;
}

/* ---- reuse ---- */

/* machine_park's machines, the latest first (NULL: free slots). A gate runs the scenarios of
 * several images in turn (an arch's directory mixes them), so a few are kept. */
#define MACHINE_PARKED_MAX 4
static struct machine *parked[MACHINE_PARKED_MAX];

/* Back to the state machine_open left, for img (whose hash is the machine's image's). */
static void reset_parked(struct machine *m, const struct image *img, enum fetch_model fetch)
{
	m->img = img;
	m->fetch = fetch;
	m->cache_idc = m->cache_dic = false;
	m->invalidate = true;
	m->renew_after = EMU_RENEW_AFTER;
	m->renewals = 0;
	m->nwatch = 0;
	m->report_shared = false;
	emu_private_reset(m);
	memset(&m->cur, 0, sizeof(m->cur));
	/* RAM (the changed pages; translations over changed code dropped), registers, clocks,
	 * fetch views. */
	machine_snapshot_restore(m, m->opened);
	/* Pages outside the text that some hart fetched from stop being code: their
	 * translations go, as a new machine has none. */
	for (size_t p = 0; p < m->npages; p++) {
		uint64_t b = m->ram_base + p * EMU_PAGE;

		if (m->exec_pages[p] && (b < m->text_begin || b + EMU_PAGE > m->text_end))
			emu_invalidate_all(m, b, b + EMU_PAGE);
	}
	memset(m->exec_pages, 0, m->ram_size / EMU_PAGE + 1);
	memset(m->magic_page, 0, (size_t)emu_map_page(m->arch));
	/* The plain map was decoded from the text as the last scenario left it: the next run
	 * decodes the text as restored. */
	free(m->plain);
	m->plain = NULL;
	m->plain_decoded = false;
}

void machine_park(struct machine *m)
{
	if (!m)
		return;
	if (!m->opened) {
		machine_close(m);
		return;
	}
	machine_close(parked[MACHINE_PARKED_MAX - 1]);
	memmove(parked + 1, parked, (MACHINE_PARKED_MAX - 1) * sizeof(parked[0]));
	parked[0] = m;
}

/* A parked machine that fits the request, taken out and reset; NULL when none fits. */
static struct machine *take_parked(const struct arch_model *arch, const struct image *img,
				   unsigned nharts, enum fetch_model fetch)
{
	for (unsigned i = 0; i < MACHINE_PARKED_MAX && parked[i]; i++) {
		struct machine *m = parked[i];

		if (m->arch != arch || m->nharts != nharts ||
		    strcmp(m->image_hash, image_hash(img)) != 0)
			continue;
		memmove(parked + i, parked + i + 1, (MACHINE_PARKED_MAX - 1 - i) * sizeof(parked[0]));
		parked[MACHINE_PARKED_MAX - 1] = NULL;
		reset_parked(m, img, fetch);
		return m;
	}
	return NULL;
}

struct machine *machine_open(const struct arch_model *arch, const struct image *img, unsigned nharts,
			     enum fetch_model fetch, char *err, size_t errlen)
{
	struct machine *m;

	if (!arch || !img) {
		set_err(err, errlen, "machine_open: no arch model or image");
		return NULL;
	}
	if (nharts == 0 || nharts > MACHINE_MAX_HARTS) {
		set_err(err, errlen, "machine_open: %u harts (1 to %d supported)", nharts,
			MACHINE_MAX_HARTS);
		return NULL;
	}
	if (fetch != FETCH_COHERENT && fetch != FETCH_RELAXED && fetch != FETCH_ARCH) {
		set_err(err, errlen, "machine_open: unknown fetch model %d", (int)fetch);
		return NULL;
	}
	if ((m = take_parked(arch, img, nharts, fetch)))
		return m;
	m = calloc(1, sizeof(*m));
	if (!m) {
		set_err(err, errlen, "machine_open: %s", strerror(errno));
		return NULL;
	}
	m->arch = arch;
	m->img = img;
	m->fetch = fetch;
	m->invalidate = true;
	m->renew_after = EMU_RENEW_AFTER;
	m->nharts = nharts;
	m->ram = MAP_FAILED;
	m->magic_page = MAP_FAILED;
	if (layout(m, err, errlen) != 0)
		goto fail;

	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m->magic_page = mmap(NULL, (size_t)emu_map_page(arch), PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m->exec_pages = calloc(m->ram_size / EMU_PAGE + 1, 1);
	m->fw_seen = calloc(m->ram_size / 256 + 1, sizeof(uint64_t));
	m->npages = (m->ram_size + EMU_PAGE - 1) / EMU_PAGE;
	m->page_version = malloc(m->npages * sizeof(*m->page_version));
	if (m->ram == MAP_FAILED || m->magic_page == MAP_FAILED || !m->exec_pages ||
	    !m->fw_seen || !m->page_version) {
		set_err(err, errlen, "machine_open: %s", strerror(errno));
		goto fail;
	}
	memcpy(m->ram + (image_base(img) - m->ram_base), emu_image_bytes(img),
	       (size_t)(image_end(img) - image_base(img)));
	m->serial = atomic_fetch_add(&machines_opened, 1) + 1;
	/* Version 1 is the contents as opened; a snapshot's pages start at 0 (none held). */
	for (size_t p = 0; p < m->npages; p++)
		m->page_version[p] = 1;
	m->last_version = m->shared_versions = 1;
	m->text_begin = image_text_begin(img);
	m->text_end = image_text_end(img);
	if (!arch->set_vectors || !image_lookup(img, "vectors", &m->vectors))
		m->vectors = 0;
	m->sync_to_guest = m->vectors && arch->take_breakpoint && arch->sync_handler_symbol &&
			   image_lookup(img, arch->sync_handler_symbol, NULL);

	for (unsigned i = 0; i < nharts; i++)
		if (open_hart(m, i, err, errlen) != 0)
			goto fail;
	snprintf(m->image_hash, sizeof(m->image_hash), "%s", image_hash(img));
	m->opened = machine_snapshot_new(m); /* without it (no memory) the machine is not kept */
	return m;
fail:
	machine_close(m);
	return NULL;
}

void machine_close(struct machine *m)
{
	if (!m)
		return;
	machine_snapshot_free(m->opened);
	for (unsigned i = 0; i < m->nharts; i++)
		emu_engine_give_back(m, &m->harts[i]);
	emu_fetch_words_free(&m->fw);
	if (m->ram != MAP_FAILED)
		munmap(m->ram, m->ram_size);
	if (m->magic_page != MAP_FAILED)
		munmap(m->magic_page, (size_t)emu_map_page(m->arch));
	free(m->exec_pages);
	free(m->fw_seen);
	free(m->plain);
	free(m->page_version);
	free(m->page_hash);
	free(m->page_hashed);
	for (unsigned i = 0; i < MACHINE_MAX_HARTS; i++)
		if (m->hash_ctx[i])
			uc_context_free(m->hash_ctx[i]);
	free(m->watch);
	free(m->dm_outside);
	disasm_close(m->disasm);
	free(m);
}

const struct arch_model *machine_arch(const struct machine *m)
{
	return m->arch;
}

const struct image *machine_image(const struct machine *m)
{
	return m->img;
}

unsigned machine_nharts(const struct machine *m)
{
	return m->nharts;
}

/* ---- RAM ---- */

uint8_t *emu_ram_ptr(struct machine *m, uint64_t addr, size_t len)
{
	for (unsigned r = 0; r < m->nregions; r++) {
		const struct region *rg = &m->regions[r];
		if (addr >= rg->begin && addr <= rg->end && len <= rg->end - addr)
			return m->ram + rg->host + (addr - rg->begin);
	}
	return NULL;
}

/* The caller may write through the pointer: its pages count as written (snapshots copy them). */
uint8_t *machine_ram(struct machine *m, uint64_t addr, size_t len)
{
	uint8_t *p = emu_ram_ptr(m, addr, len);

	if (p)
		emu_ram_written(m, (size_t)(p - m->ram), len);
	return p;
}

const uint8_t *machine_ram_view(struct machine *m, uint64_t addr, size_t len)
{
	return emu_ram_ptr(m, addr, len);
}

int machine_poke(struct machine *m, uint64_t addr, const void *src, size_t len)
{
	uint8_t *p = emu_ram_ptr(m, addr, len);

	if (!p)
		return -1;
	if (len == 0)
		return 0;
	emu_ram_written(m, (size_t)(p - m->ram), len);
	memcpy(p, src, len);
	emu_fetch_forget(m, addr, addr + len);
	emu_data_forget(m, addr, addr + len);
	emu_invalidate_all(m, addr, addr + len);
	machine_plain_exclude(m, addr, addr + len);
	return 0;
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

bool machine_read_u32(struct machine *m, uint64_t addr, uint32_t *out)
{
	const uint8_t *p = emu_ram_ptr(m, addr, 4);

	if (!p)
		return false;
	*out = (uint32_t)load_le(p, 4);
	return true;
}

bool machine_read_u64(struct machine *m, uint64_t addr, uint64_t *out)
{
	const uint8_t *p = emu_ram_ptr(m, addr, 8);

	if (!p)
		return false;
	*out = load_le(p, 8);
	return true;
}

/* ---- registers ---- */

uint64_t machine_reg(struct machine *m, unsigned hart, int idx)
{
	uint64_t v = 0;

	if (hart >= m->nharts || idx < 0 || (unsigned)idx >= m->arch->nregs)
		return 0;
	if (idx == m->arch->reg_pc)
		return emu_hart_pc(m, &m->harts[hart]);
	if (m->harts[hart].regs_known)
		return m->harts[hart].regs[idx];
	uc_reg_read(m->harts[hart].uc, m->arch->reg_ids[idx], &v);
	if (m->arch->word_size == 4)
		v &= 0xffffffffu;
	return v;
}

void machine_set_reg(struct machine *m, unsigned hart, int idx, uint64_t value)
{
	if (hart >= m->nharts || idx < 0 || (unsigned)idx >= m->arch->nregs)
		return;
	uc_reg_write(m->harts[hart].uc, m->arch->reg_ids[idx], &value);
	emu_hart_changed(&m->harts[hart]); /* pc, or a register pc is read with (arm: CPSR.T) */
}

void machine_read_regs(struct machine *m, unsigned hart, uint64_t *regs)
{
	const struct arch_model *arch = m->arch;
	void *ptrs[ARCH_MAX_REGS];
	unsigned n = arch->nregs < ARCH_MAX_REGS ? arch->nregs : ARCH_MAX_REGS;
	struct hart *h;

	memset(regs, 0, n * sizeof(*regs));
	if (hart >= m->nharts)
		return;
	h = &m->harts[hart];
	if (!h->regs_known) {
		for (unsigned i = 0; i < n; i++)
			ptrs[i] = &h->regs[i];
		memset(h->regs, 0, n * sizeof(h->regs[0]));
		uc_reg_read_batch(h->uc, (int *)arch->reg_ids, ptrs, (int)n);
		if (arch->word_size == 4)
			for (unsigned i = 0; i < n; i++)
				h->regs[i] &= 0xffffffffu;
		h->regs_known = true;
	}
	memcpy(regs, h->regs, n * sizeof(*regs));
}

uint64_t emu_hart_pc(struct machine *m, struct hart *h)
{
	if (!h->pc_known) {
		h->pc = 0;
		uc_reg_read(h->uc, m->arch->reg_ids[m->arch->reg_pc], &h->pc);
		if (m->arch->word_size == 4)
			h->pc &= 0xffffffffu;
		h->pc_known = true;
	}
	return h->pc;
}

uint64_t machine_pc(struct machine *m, unsigned hart)
{
	return hart < m->nharts ? emu_hart_pc(m, &m->harts[hart]) : 0;
}

uint64_t machine_stack_top(const struct machine *m, unsigned hart)
{
	return hart < m->nharts ? m->stack_top[hart] : 0;
}

uint64_t machine_steps(const struct machine *m, unsigned hart)
{
	return hart < m->nharts ? m->harts[hart].steps : 0;
}

/* ---- calls ---- */

void machine_call_begin(struct machine *m, unsigned hart, uint64_t func, const uint64_t *args,
			unsigned nargs)
{
	const struct arch_model *arch = m->arch;
	unsigned ws = arch->word_size;
	unsigned align = arch->stack_align ? arch->stack_align : 16;

	if (hart >= m->nharts)
		return;
	unsigned nreg = nargs < arch->narg_regs ? nargs : arch->narg_regs;
	unsigned extra = nargs - nreg;
	/* Stack arguments may use at most half of the stack. */
	if ((uint64_t)extra * ws > MACHINE_STACK_SIZE / 2)
		extra = MACHINE_STACK_SIZE / 2 / ws;
	uint64_t sp = m->stack_top[hart] - align_up((uint64_t)extra * ws, align);

	for (unsigned i = 0; i < nreg; i++)
		machine_set_reg(m, hart, arch->arg_regs[i], args[i]);
	uint8_t *p = emu_ram_ptr(m, sp, (size_t)extra * ws);

	if (p)
		emu_ram_written(m, (size_t)(p - m->ram), (size_t)extra * ws);
	for (unsigned i = 0; p && i < extra; i++)
		for (unsigned b = 0; b < ws; b++)
			p[i * ws + b] = (uint8_t)(args[nreg + i] >> (8 * b));
	machine_set_reg(m, hart, arch->reg_lr, MACHINE_MAGIC_RETURN);
	machine_set_reg(m, hart, arch->reg_sp, sp);
	machine_set_reg(m, hart, arch->reg_pc, func);
}

bool machine_call_done(struct machine *m, unsigned hart)
{
	return machine_pc(m, hart) == MACHINE_MAGIC_RETURN;
}

/* ---- watched ranges ---- */

void machine_watch(struct machine *m, uint64_t begin, uint64_t end)
{
	if (end <= begin)
		return;
	if (m->nwatch == m->watch_cap) {
		size_t cap = m->watch_cap ? 2 * m->watch_cap : 8;
		struct range *w = realloc(m->watch, cap * sizeof(*w));
		if (!w)
			return;
		m->watch = w;
		m->watch_cap = cap;
	}
	m->watch[m->nwatch].begin = begin;
	m->watch[m->nwatch].end = end;
	m->nwatch++;
}

void machine_report_shared(struct machine *m, bool on)
{
	m->report_shared = on;
}
