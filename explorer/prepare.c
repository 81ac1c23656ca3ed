/*
 * prepare.c - turns a loaded scenario into a ready explorer: image, machine, patch sites,
 * watched words, resolved calls, reference results, setup, and the initial checkpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/toolchain.h"
#include "exec.h"

/* The tree's files of the scenario as sources with the kernel's flags, after src[*n]. */
static int add_kernel_sources(const struct scenario *scn, const struct explore_options *opt,
			      const struct arch_model *arch, const char *recipe,
			      struct toolchain_source *src, size_t *n, char (*paths)[4096],
			      struct ktree_flags *kt, char *err, size_t errlen)
{
	char cc[4096], why[1024];
	struct src_pos at = scn->pos_kernel_sources[0];
	const struct arch_kernel_tree *k = arch_kernel_tree_for_image(arch, scn->image);

	if (!opt || !opt->kernel_tree) {
		snprintf(err, errlen, "%s:%u:%u: kernel_sources need a Linux tree: --kernel-tree DIR",
			 scn->path, at.line, at.col);
		return 2;
	}
	if (!k) {
		snprintf(err, errlen,
			 "%s:%u:%u: a Linux tree's trampolines cannot be built into %s image '%s' yet",
			 scn->path, at.line, at.col, arch->name, scn->image);
		return 2;
	}
	if (toolchain_recipe_compiler(recipe, cc, sizeof(cc), why, sizeof(why)) ||
	    ktree_prepare(k, opt->kernel_tree, patchcheck_models_dir(), cc, kt, why, sizeof(why))) {
		snprintf(err, errlen, "%s:%u:%u: %s", scn->path, at.line, at.col, why);
		return 2;
	}
	for (unsigned i = 0; i < scn->nkernel_sources; i++, (*n)++) {
		snprintf(paths[i], 4096, "%s/%s", opt->kernel_tree, scn->kernel_sources[i]);
		src[*n] = (struct toolchain_source){.path = paths[i], .own_flags = kt->flags};
	}
	if (k->glue) {
		snprintf(paths[SCN_MAX_SOURCES], 4096, "%s/%s", patchcheck_models_dir(), k->glue);
		src[(*n)++] = (struct toolchain_source){.path = paths[SCN_MAX_SOURCES]};
	}
	return 0;
}

/* The model of the code in the bundled image at path (arm: A32 or T32), which the scenario's
 * inline code is assembled for; arch itself when the arch has one instruction set, or when
 * the image cannot be read (the load after the build says why). */
static const struct arch_model *bundled_code_arch(const char *path,
						  const struct arch_model *arch)
{
	const struct arch_model *model;
	struct image *img;
	char err[512];

	if (!arch->model_for_image)
		return arch;
	img = image_load(path, arch, err, sizeof(err));
	if (!img)
		return arch;
	model = image_arch(arch, img);
	image_free(img);
	return model;
}

/* The ELF the scenario runs: a prebuilt one (elf:), the bundled image with the scenario's
 * sources (and a Linux tree's files) built in (a cached build), or the bundled image. 0, or 2
 * with a message. */
static int scenario_image_path(const struct scenario *scn, const struct explore_options *opt,
			       const struct arch_model *arch, char *path, size_t size, char *err,
			       size_t errlen)
{
	static struct ktree_flags kt;
	static char tree_paths[SCN_MAX_SOURCES + 1][4096];
	static char litmus_paths[SCN_MAX_HARTS + 1][4096];
	/* own, the tree's, the arch's glue, the asm: harts', the memory: words */
	struct toolchain_source src[2 * SCN_MAX_SOURCES + 1 + SCN_MAX_HARTS + 1];
	int rc;
	char recipe[1024], why[1024];
	size_t n = 0;
	bool bad_code;

	if (scn->elf[0]) {
		snprintf(path, size, "%s", scn->elf);
		return 0;
	}
	snprintf(path, size, "%s/%s/%s.elf", explorer_guest_dir(opt), scn->arch, scn->image);
	if (!scn->nsources && !scn->nkernel_sources && !scenario_has_litmus_code(scn))
		return 0;
	snprintf(recipe, sizeof(recipe), "%s/%s/%s.recipe", explorer_guest_dir(opt), scn->arch,
		 scn->image);
	for (unsigned i = 0; i < scn->nsources; i++)
		src[n++] = (struct toolchain_source){.path = scn->sources[i],
						     .traced = scn->source_traced[i]};
	if (scn->nkernel_sources &&
	    add_kernel_sources(scn, opt, arch, recipe, src, &n, tree_paths, &kt, err, errlen))
		return 2;
	if (scenario_has_litmus_code(scn) &&
	    (rc = litmus_sources(scn, bundled_code_arch(path, arch), litmus_paths, src, &n, err,
				 errlen)))
		return rc;
	if (toolchain_build(recipe, src, n, path, size, &bad_code, why, sizeof(why)) == 0)
		return 0;
	if (bad_code) { /* the compiler's own file:line:col comes first */
		snprintf(err, errlen, "%s", why);
		return 2;
	}
	snprintf(err, errlen, "%s: image '%s' with the scenario's sources: %s", scn->path,
		 scn->image, why);
	return 3; /* the machine failed the build: no cache directory, a full disk, no compiler */
}

const char *explorer_guest_dir(const struct explore_options *opt)
{
	const char *env = getenv("PATCHCHECK_GUEST_DIR");

	if (opt && opt->guest_dir)
		return opt->guest_dir;
	if (env && *env)
		return env;
	return patchcheck_images_dir();
}

static int resolve_symbol(struct explorer *x, const char *name, const struct src_pos *pos,
			  uint64_t *out, char *err, size_t errlen)
{
	if (image_lookup(x->img, name, out))
		return 0;
	snprintf(err, errlen, "%s:%u:%u: unknown symbol '%s' in image %s", x->scn->path, pos->line,
		 pos->col, name, image_path(x->img));
	return 2;
}

/* The address of name for "name+off", whose offset must stay inside the symbol: past its end
 * (traced_add3+0x7fffffff) it names another symbol's bytes, or none. */
static int resolve_symbol_offset(struct explorer *x, const char *name, uint64_t off,
				 const struct src_pos *pos, uint64_t *out, char *err, size_t errlen)
{
	const struct image_symbol *sym = image_symbol_named(x->img, name);
	uint64_t extent;

	if (!sym)
		return resolve_symbol(x, name, pos, out, err, errlen);
	extent = image_symbol_extent(x->img, sym);
	if (off && off >= extent) {
		snprintf(err, errlen, "%s:%u:%u: %s+0x%llx is outside %s, which has 0x%llx bytes",
			 x->scn->path, pos->line, pos->col, name, (unsigned long long)off, name,
			 (unsigned long long)extent);
		return 2;
	}
	*out = sym->addr;
	return 0;
}

/* Resolve the function and symbolic arguments of a call in place (the scenario is copied),
 * after checking the call against the function's prototype. */
static int resolve_call(struct explorer *x, struct scn_call *c, char *err, size_t errlen)
{
	if (resolve_symbol(x, c->func, &c->pos, &c->func_addr, err, errlen) ||
	    call_check_prototype(x, c, err, errlen))
		return 2;
	for (unsigned i = 0; i < c->nargs; i++) {
		uint64_t addr;

		if (!c->args[i].is_symbol)
			continue;
		if (resolve_symbol_offset(x, c->args[i].symbol, c->args[i].value, &c->pos, &addr, err,
					  errlen))
			return 2;
		c->args[i].value += addr; /* value holds the "+offset" part */
		c->args[i].is_symbol = false;
	}
	return 0;
}

/* Call c as call number `call` of hart h: poisoned registers, then the arguments. */
static void begin_call(struct explorer *x, unsigned h, unsigned call, const struct scn_call *c)
{
	uint64_t args[SCN_MAX_ARGS];

	const struct scn_hart *hart = &x->scn->harts[h];

	poison_registers(x, h, call, c->nargs);
	for (unsigned i = 0; i < c->nargs; i++)
		args[i] = c->args[i].value;
	machine_call_begin(x->m, h, c->func_addr, args, c->nargs);
	if (hart->role == ROLE_LITMUS && c >= hart->calls && c < hart->calls + hart->ncalls)
		for (unsigned i = 0; i < hart->ninit; i++) /* regs: */
			machine_set_reg(x->m, h, hart->init[i].reg, hart->init[i].value);
}

/* The addresses of the memory: words and of the symbols regs: names. */
static int resolve_litmus(struct explorer *x, struct scenario *scn, char *err, size_t errlen)
{
	for (unsigned i = 0; i < scn->litmus.nlocations; i++) {
		struct scn_location *loc = &scn->litmus.locations[i];

		if (resolve_symbol(x, loc->name, &loc->pos, &loc->addr, err, errlen))
			return 2;
	}
	for (unsigned h = 0; h < scn->nharts; h++) {
		for (unsigned i = 0; i < scn->harts[h].ninit; i++) {
			struct scn_init_reg *r = &scn->harts[h].init[i];

			if (r->is_symbol &&
			    resolve_symbol(x, r->symbol, &r->pos, &r->value, err, errlen))
				return 2;
		}
	}
	return 0;
}

/* Run a call to completion on hart h without exploration; 0 ok, else err says why. */
/* Each hart's interrupt: the image must take interrupts (a vector table, an arch with an
 * interrupt model), and the guest's pc_irq_handlers[hart] (models/common/irq.c) names the
 * handler the hart's interrupt entry calls. */
static int set_interrupt_handlers(struct explorer *x, struct scenario *scn, char *err,
				  size_t errlen)
{
	uint64_t table = 0;

	for (unsigned h = 0; h < scn->nharts; h++) {
		struct scn_hart *hart = &scn->harts[h];
		unsigned width = x->arch->word_size;
		uint8_t *slot;

		if (!hart->irq)
			continue;
		if (!machine_has_interrupts(x->m) ||
		    !image_lookup(x->img, "pc_irq_handlers", &table)) {
			snprintf(err, errlen, "%s:%u:%u: harts[%u].interrupt: image %s takes no "
				 "interrupts (%s)", scn->path, hart->pos_irq.line, hart->pos_irq.col,
				 h, image_path(x->img),
				 x->arch->take_interrupt ? "it has no vector table and pc_irq_handlers"
							 : "no interrupt model for this arch yet");
			return 2;
		}
		if (resolve_symbol(x, hart->irq_handler, &hart->pos_irq, &hart->irq_handler_addr,
				   err, errlen))
			return 2;
		slot = machine_ram(x->m, table + (uint64_t)h * width, width);
		if (!slot) {
			snprintf(err, errlen, "pc_irq_handlers at 0x%llx is not in RAM",
				 (unsigned long long)table);
			return 2;
		}
		for (unsigned i = 0; i < width; i++)
			slot[i] = (uint8_t)(hart->irq_handler_addr >> (8 * i));
	}
	return 0;
}

static int run_to_completion(struct explorer *x, unsigned h, unsigned call,
			     const struct scn_call *c, uint64_t *result, const char *what, char *err,
			     size_t errlen)
{
	struct step_info info;
	uint64_t done = 0, budget = x->scn->steps_per_call;

	begin_call(x, h, call, c);
	for (;;) {
		/* Plain instructions in runs, as their steps would go (nothing here looks at a
		 * step's accesses; --step-each steps each); the others stepped, counted as ever. */
		uint64_t room = budget > done && !(x->opt && x->opt->step_each) ? budget - done : 0;
		unsigned ran = machine_run_plain(x->m, h, room < MACHINE_RUN_MAX ? (unsigned)room
						 : MACHINE_RUN_MAX, 0, false, x->run_pcs, &info);
		enum step_status s;

		if (ran) {
			done += ran;
			continue;
		}
		s = machine_step(x->m, h, &info);
		if (s == STEP_RETURNED)
			break;
		if (s == STEP_FAULT || s == STEP_BREAKPOINT || done++ >= budget) {
			snprintf(err, errlen, "%s:%u:%u: %s call %s() did not complete: %s at pc 0x%llx",
				 x->scn->path, c->pos.line, c->pos.col, what, c->func,
				 s == STEP_FAULT ? info.fault
				 : s == STEP_BREAKPOINT ? "breakpoint" : "step budget exhausted",
				 (unsigned long long)info.pc);
			return 2;
		}
	}
	*result = machine_reg(x->m, h, x->arch->reg_ret);
	if (c->has_expect && (int32_t)*result != (int32_t)c->expect) {
		snprintf(err, errlen, "%s:%u:%u: %s call %s() returned %d, the scenario requires %lld",
			 x->scn->path, c->pos.line, c->pos.col, what, c->func, (int32_t)*result,
			 (long long)c->expect);
		return 2;
	}
	return 0;
}

static int add_watch(struct explorer *x, uint64_t begin, uint64_t end, char *err, size_t errlen)
{
	machine_watch(x->m, begin, end);
	for (uint64_t a = begin & ~3ull; a < end; a += 4) {
		if (x->nwatch == EX_MAX_WATCH) {
			snprintf(err, errlen, "%s: more than %d watched words (sites, literals and "
				 "watch: entries)", x->scn->path, EX_MAX_WATCH);
			return 2;
		}
		x->watch_addr[x->nwatch++] = a;
	}
	return 0;
}

static bool source_func_at(void *ud, uint64_t addr, uint64_t *func)
{
	uint64_t off;
	const struct image_symbol *sym = image_symbol_at(ud, addr, &off);

	if (!sym || !sym->is_func)
		return false;
	*func = addr - off;
	return true;
}

static bool source_lookup(void *ud, const char *name, uint64_t *addr)
{
	return image_lookup(ud, name, addr);
}

/* The model that decodes this image (arm: the A32 or the T32 one). */
const struct arch_model *image_arch(const struct arch_model *arch, const struct image *img)
{
	struct site_source src = {.ud = (void *)img, .func_at = source_func_at,
				  .lookup = source_lookup};

	return arch_model_for_image(arch, &src);
}

/* The patch sites the arch model finds in an image loaded in machine m (its text must be in
 * the machine's memory). 0, or 2 with err set. */
int image_find_sites(const struct arch_model *arch, const struct image *img, struct machine *m,
		     struct site_layout *lays, size_t max, size_t *n, char *err, size_t errlen)
{
	struct site_source src = {
		.text_begin = image_text_begin(img),
		.text_end = image_text_end(img),
		.ud = (void *)img,
		.func_at = source_func_at,
		.lookup = source_lookup,
	};

	src.nrecords = image_patch_records(img, &src.records);
	src.text = machine_ram(m, src.text_begin, (size_t)(src.text_end - src.text_begin));
	if (!src.text) {
		snprintf(err, errlen, "%s: text is not inside the machine's memory", image_path(img));
		return 2;
	}
	*n = arch->find_sites(&src, lays, max);
	if (*n == max && src.nrecords > max) {
		snprintf(err, errlen, "%s: more than %zu patch sites (%zu records); the rest would go "
			 "unchecked", image_path(img), max, src.nrecords);
		return 2;
	}
	return 0;
}

/* The arch model finds the sites; the explorer watches their words and names them. */
static int find_sites(struct explorer *x, char *err, size_t errlen)
{
	struct site_layout lays[EX_MAX_SITES];
	size_t n;

	if (image_find_sites(x->arch, x->img, x->m, lays, EX_MAX_SITES, &n, err, errlen))
		return 2;
	x->sites_lo = UINT64_MAX;
	x->sites_hi = 0;
	for (size_t i = 0; i < n; i++) {
		struct site *s = &x->sites[x->nsites++];
		uint64_t off = 0;
		const struct image_symbol *sym = image_symbol_at(x->img, lays[i].func, &off);

		s->lay = lays[i];
		snprintf(s->name, sizeof(s->name), "%s", sym ? sym->name : "?");
		s->func_end = sym && sym->size ? sym->addr + sym->size : s->lay.body;
		s->size = (unsigned)(s->lay.body - s->lay.start);
		if (s->size > EX_MAX_SITE_BYTES) {
			snprintf(err, errlen, "%s: site of %s has %u bytes, at most %d", image_path(x->img),
				 s->name, s->size, EX_MAX_SITE_BYTES);
			return 2;
		}
		if (s->lay.start < x->sites_lo)
			x->sites_lo = s->lay.start;
		if (s->lay.body > x->sites_hi)
			x->sites_hi = s->lay.body;
		if (add_watch(x, s->lay.start, s->lay.body, err, errlen) ||
		    (s->lay.literal && add_watch(x, s->lay.literal, s->lay.literal + 8, err, errlen)))
			return 2;
	}
	return 0;
}

/* The current contents of every site become its first form. */
static void record_initial_forms(struct explorer *x)
{
	for (unsigned i = 0; i < x->nsites; i++) {
		struct site_history *h = &x->st.history[i];
		const uint8_t *now = machine_ram_view(x->m, x->sites[i].lay.start, x->sites[i].size);

		h->nforms = 1;
		if (now)
			memcpy(h->forms[0], now, x->sites[i].size);
	}
}

static int build_programs(struct explorer *x, struct scenario *scn, char *err, size_t errlen)
{
	for (unsigned h = 0; h < scn->nharts; h++) {
		struct scn_hart *hart = &scn->harts[h];

		for (unsigned i = 0; i < hart->ncalls; i++)
			if (resolve_call(x, &hart->calls[i], err, errlen))
				return 2;
		if (hart->ncalls * hart->repeat > EX_MAX_PROGRAM) {
			snprintf(err, errlen, "%s:%u:%u: hart %u runs %u calls; at most %d", scn->path,
				 hart->pos.line, hart->pos.col, h, hart->ncalls * hart->repeat,
				 EX_MAX_PROGRAM);
			return 2;
		}
		x->nprogram[h] = 0;
		for (unsigned r = 0; r < hart->repeat; r++)
			for (unsigned i = 0; i < hart->ncalls; i++)
				x->program[h][x->nprogram[h]++].call = &hart->calls[i];
	}
	return 0;
}

/* A call whose function a redirect replaces may legitimately return what the target returns
 * for the same arguments. */
static int compute_alternatives(struct explorer *x, unsigned h, struct program_call *pc,
				struct machine_snapshot *pristine, char *err, size_t errlen)
{
	for (unsigned r = 0; r < x->scn->nredirects; r++) {
		const struct scn_redirect *rd = &x->scn->redirects[r];
		struct scn_call alt = *pc->call;

		if (rd->from_addr != pc->call->func_addr)
			continue;
		snprintf(alt.func, sizeof(alt.func), "%s", rd->to);
		alt.func_addr = rd->to_addr;
		machine_snapshot_restore(x->m, pristine);
		if (run_to_completion(x, h, (unsigned)(pc - x->program[h]), &alt,
				      &pc->alternatives[pc->nalternatives], "reference", err, errlen))
			return 2;
		pc->nalternatives++;
	}
	return 0;
}

/* Reference results: each runner call alone on the pristine image (no patching, no setup). */
static int compute_references(struct explorer *x, struct machine_snapshot *pristine, char *err,
			      size_t errlen)
{
	for (unsigned h = 0; h < x->nharts; h++) {
		if (x->scn->harts[h].role != ROLE_RUNNER)
			continue;
		for (unsigned i = 0; i < x->nprogram[h]; i++) {
			struct program_call *pc = &x->program[h][i];

			if (pc->call->has_expect)
				continue; /* "== N" says what it must return; no reference needed */
			machine_snapshot_restore(x->m, pristine);
			if (run_to_completion(x, h, i, pc->call, &pc->reference, "reference", err, errlen))
				return 2;
			pc->has_reference = true;
			if (compute_alternatives(x, h, pc, pristine, err, errlen))
				return 2;
		}
	}
	machine_snapshot_restore(x->m, pristine);
	return 0;
}

/* --stop-machine guest: from here on (setup ran under the idealised stop, on one hart) the
 * *_stopped functions run Linux's protocol over every hart (patcher/stop_machine.c). A kernel
 * without preemption keeps its idealised stop: the guest protocol's CPUs join by IPI. */
/*
 * The harness's per-hart instrumentation (one slot per hart of an array of PC_MAX_HARTS: what
 * a callback recorded, call and interrupt counters) is each hart's own, like its stack: a
 * hart's accesses to its own slot are local steps, not schedule points. Should another hart
 * touch a slot, the search restarts with it shared (transition.c).
 */
/*
 * Runs of plain instructions (machine_run_plain) skip the per-step look at each pc: the code
 * where that look checks something is taken out of them. Site bodies (body entry), redirect
 * targets, retired functions; function entries (call alignment, frame chain) when the run
 * asks; the sites and every code word written leave through code_written_add, the top
 * frame's return address is each run's stop.
 */
static void exclude_checked_code(struct explorer *x)
{
	machine_plain_reset(x->m);
	for (size_t k = 0; k < EX_FUNC_SET; k++)
		if (x->func_starts[k])
			machine_plain_mark_entry(x->m, x->func_starts[k]);
	for (unsigned i = 0; i < x->nsites; i++)
		machine_plain_exclude(x->m, x->sites[i].lay.start, x->sites[i].lay.body + 1);
	for (unsigned r = 0; r < x->scn->nredirects; r++) {
		uint64_t to = x->scn->redirects[r].to_addr & ~1ull;

		machine_plain_exclude(x->m, to, to + 1);
	}
	for (unsigned i = 0; i < x->nretire; i++)
		machine_plain_exclude(x->m, x->retire_lo[i], x->retire_hi[i]);
}

static void keep_instrumentation_private(struct explorer *x)
{
	static const char *const per_hart[] = {
		"pc_records",	       "pc_post_records",   "pc_calls",
		"pc_redirect_requests", "pc_direct_requests", "pc_direct_calls",
		"pc_graph_hooks",      "pc_graph_returns",   "pc_irqs_counted",
		"pc_irq_own",
	};

	for (unsigned i = 0; i < sizeof(per_hart) / sizeof(per_hart[0]); i++) {
		const struct image_symbol *sym = image_symbol_named(x->img, per_hart[i]);
		uint64_t size = sym ? image_symbol_extent(x->img, sym) / PC_MAX_HARTS : 0;

		for (unsigned h = 0; size && h < x->nharts; h++)
			machine_add_private(x->m, h, sym->addr + h * size, sym->addr + (h + 1) * size);
	}
}

static int use_guest_stop(struct explorer *x, struct scenario *scn, char *err, size_t errlen)
{
	uint64_t addr, ncpus = x->nharts;

	if (!strcmp(scn->protocol, "idealised-stop-nonpreempt") ||
	    !strcmp(scn->protocol, "stop-machine"))
		return 0;
	if (!image_lookup(x->img, "pc_stop_guest_cpus", &addr) ||
	    machine_poke(x->m, addr, &ncpus, sizeof(ncpus))) {
		snprintf(err, errlen, "%s: --stop-machine guest: image '%s' has no guest stop_machine "
			 "(pc_stop_guest_cpus)", scn->path, scn->image);
		return 2;
	}
	snprintf(scn->protocol, sizeof(scn->protocol), "stop-machine");
	return 0;
}

int explorer_prepare(struct explorer *x, const struct scenario *scn_in,
		     const struct explore_options *opt, char *err, size_t errlen)
{
	struct scenario *scn;
	char path[1024];
	struct machine_snapshot *pristine;
	uint64_t ignored;
	int rc;

	memset(x, 0, sizeof(*x));
	scn = malloc(sizeof(*scn));
	if (!scn) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	*scn = *scn_in;
	x->scn = scn;
	x->opt = opt;
	x->arch = arch_model_find(scn->arch);
	if (!x->arch) {
		snprintf(err, errlen, "%s: arch '%s' has no model in this build", scn->path, scn->arch);
		return 2;
	}
	if ((rc = scenario_image_path(scn, opt, x->arch, path, sizeof(path), err, errlen)))
		return rc;
	x->img = image_load(path, x->arch, err, errlen);
	if (!x->img) {
		char inner[512];

		snprintf(inner, sizeof(inner), "%s", err);
		snprintf(err, errlen, "%s:%u:%u: image '%s': %s", scn->path, scn->pos_image.line,
			 scn->pos_image.col, scn->image, inner);
		return 2;
	}
	x->arch = image_arch(x->arch, x->img);
	if (opt && opt->data_memory && x->arch->decode_mem_order)
		snprintf(scn->data_memory, sizeof(scn->data_memory), "%s", opt->data_memory);
	x->nharts = scn->nharts;
	x->m = machine_open(x->arch, x->img, scn->nharts,
			    !strcmp(scn->fetch, "relaxed") ? FETCH_RELAXED
			    : !strcmp(scn->fetch, "arch") ? FETCH_ARCH : FETCH_COHERENT, err, errlen);
	if (!x->m)
		return 2;
	machine_set_cache_type(x->m, scn->cache_idc, scn->cache_dic);
	x->fetch_choices = !strcmp(scn->fetch, "arch");
	x->data_choices = !strcmp(scn->data_memory, "arch");
	machine_set_data_model(x->m, false); /* on once setup is done (below) */
	if (find_sites(x, err, errlen))
		return 2;
	index_function_starts(x);
	for (unsigned i = 0; i < scn->nwatch; i++) {
		char name[64];
		const char *plus = strchr(scn->watch[i], '+');
		uint64_t a, off = plus ? strtoull(plus + 1, NULL, 0) : 0;

		snprintf(name, sizeof(name), "%.*s", plus ? (int)(plus - scn->watch[i]) : 63,
			 scn->watch[i]);
		if (resolve_symbol_offset(x, name, off, &scn->pos_watch[i], &a, err, errlen))
			return 2;
		a = (a & ~1ull) + off;
		if (a >= image_text_begin(x->img) && a < image_text_end(x->img)) {
			/* an instruction word: its fetches are visible operations too */
			if (add_watch(x, a, a + 4, err, errlen))
				return 2;
			if (site_at(x, a) < 0 && x->ncode_watch < EX_MAX_CODE_WATCH)
				x->code_watch[x->ncode_watch++] = a & ~3ull;
		} else if (add_watch(x, a, a + 8, err, errlen)) {
			return 2;
		}
	}
	for (unsigned i = 0; i < scn->nretire; i++) {
		const struct image_symbol *sym = image_symbol_named(x->img, scn->retire[i]);

		if (!sym) {
			uint64_t unused;

			return resolve_symbol(x, scn->retire[i], &scn->pos_retire[i], &unused, err,
					      errlen);
		}
		x->retire_lo[i] = sym->addr & ~1ull;
		x->retire_hi[i] = x->retire_lo[i] + image_symbol_extent(x->img, sym);
	}
	x->nretire = scn->nretire;
	if (!image_lookup(x->img, "pc_records", &x->records_addr))
		x->records_addr = 0;
	if (!image_lookup(x->img, "pc_post_records", &x->post_records_addr))
		x->post_records_addr = 0;
	if (!image_lookup(x->img, "pc_redirect_requests", &x->redirect_requests_addr))
		x->redirect_requests_addr = 0;
	if (!image_lookup(x->img, "pc_graph_hooks", &x->graph_hooks_addr) ||
	    !image_lookup(x->img, "pc_graph_returns", &x->graph_returns_addr) ||
	    !image_lookup(x->img, "pc_graph_return_tramp", &x->graph_tramp_addr))
		x->graph_hooks_addr = x->graph_returns_addr = x->graph_tramp_addr = 0;
	if (!image_lookup(x->img, "pc_direct_requests", &x->direct_requests_addr) ||
	    !image_lookup(x->img, "pc_direct_calls", &x->direct_calls_addr))
		x->direct_requests_addr = x->direct_calls_addr = 0;
	for (unsigned i = 0; i < scn->nops; i++)
		if (resolve_symbol(x, scn->ops[i], &scn->pos_ops[i], &scn->ops_addr[i], err, errlen))
			return 2;
	if (!image_lookup(x->img, "pc_exclusive", &x->exclusive_addr))
		x->exclusive_addr = 0;
	else if (add_watch(x, x->exclusive_addr, x->exclusive_addr + 8, err, errlen))
		return 2;
	for (unsigned i = 0; i < scn->nredirects; i++) {
		struct scn_redirect *r = &scn->redirects[i];

		if (resolve_symbol(x, r->from, &r->pos, &r->from_addr, err, errlen) ||
		    resolve_symbol(x, r->to, &r->pos, &r->to_addr, err, errlen))
			return 2;
	}
	if (resolve_litmus(x, scn, err, errlen) || build_programs(x, scn, err, errlen))
		return 2;
	for (unsigned i = 0; i < scn->nsetup; i++)
		if (resolve_call(x, &scn->setup[i], err, errlen))
			return 2;

	pristine = machine_snapshot_new(x->m);
	machine_snapshot_save(x->m, pristine);
	rc = compute_references(x, pristine, err, errlen);
	machine_snapshot_free(pristine);
	if (rc)
		return rc;
	machine_set_write_tag(x->m, 0); /* setup's code writes come before every transition */
	for (unsigned i = 0; i < scn->nsetup; i++)
		if (run_to_completion(x, 0, i, &scn->setup[i], &ignored, "setup", err, errlen))
			return 2;

	if (opt && opt->guest_stop && use_guest_stop(x, scn, err, errlen))
		return 2;
	if (set_interrupt_handlers(x, scn, err, errlen))
		return 2;
	exec_quiesce_init(x);
	if (!image_lookup(x->img, "pc_ipi_pending", &x->ipi_pending_addr))
		x->ipi_pending_addr = 0;
	if (!image_lookup(x->img, "pc_irq_own", &x->irq_own_addr))
		x->irq_own_addr = 0;
	if (!image_lookup(x->img, "pc_exception_code", &x->exception_code) ||
	    !image_lookup(x->img, "pc_exception_code_end", &x->exception_code_end))
		x->exception_code = x->exception_code_end = 0;
	machine_fetch_settle(x->m); /* setup happened before any hart ran: all see it */
	machine_set_data_model(x->m, x->data_choices); /* setup's stores are seen by all */
	memset(&x->st, 0, sizeof(x->st));
	x->st.last_hart = -1;
	x->st.exclusive = -1;
	for (unsigned h = 0; h < SCN_MAX_HARTS; h++)
		x->st.last_event[h] = -1;
	/* From here on, harts run concurrently: every access outside a hart's own stack may race. */
	machine_report_shared(x->m, true);
	keep_instrumentation_private(x);
	exclude_checked_code(x);
	x->code_lo = ~0ull;
	x->code_hi = 0;
	for (unsigned i = 0; i < x->nsites; i++)
		code_written_add(x, x->sites[i].lay.start,
				 (unsigned)(x->sites[i].lay.body - x->sites[i].lay.start));
	for (unsigned i = 0; i < x->ncode_watch; i++)
		code_written_add(x, x->code_watch[i], 4);
	x->shared_set_grew = false;
	x->events = calloc(EX_MAX_TRANSITIONS, sizeof(*x->events));
	if (!x->events) {
		snprintf(err, errlen, "out of memory");
		return 3;
	}
	x->nonpreempt_stop = strcmp(x->scn->protocol, "idealised-stop-nonpreempt") == 0;
	liveness_open(x);
	for (unsigned i = 0; i < x->scn->litmus.nobserve; i++) /* read at the end */
		if (x->scn->litmus.observe[i].hart >= 0)
			x->end_live[x->scn->litmus.observe[i].hart] |=
				1ull << x->scn->litmus.observe[i].index;
	for (unsigned w = 0; w < EX_MAX_WATCH; w++)
		x->st.last_write[w].writer = -1;
	record_initial_forms(x);
	for (unsigned h = 0; h < x->nharts; h++) {
		if (x->nprogram[h] == 0) {
			x->st.harts[h].done = true;
			exec_schedule_point(x, h); /* idle from the start */
		} else {
			exec_begin_call(x, h);
		}
	}
	x->initial = machine_snapshot_new(x->m);
	machine_snapshot_save(x->m, x->initial);
	x->initial_state = x->st;
	x->trace_cap = 4096;
	x->trace = malloc(x->trace_cap * sizeof(*x->trace));
	if (!x->trace) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	return 0;
}

/* Back to the state right after setup, before any transition. */
void exec_reset(struct explorer *x)
{
	machine_snapshot_restore(x->m, x->initial);
	exec_state_copy(&x->st, &x->initial_state, x);
	x->irq_mark = false;
}

/* Begin the hart's next call (used when a call returns). */
void exec_begin_call(struct explorer *x, unsigned h)
{
	begin_call(x, h, x->st.harts[h].call, x->program[h][x->st.harts[h].call].call);
	machine_read_regs(x->m, h, x->st.harts[h].call_regs);
}

void explorer_release(struct explorer *x)
{
	if (x->initial)
		machine_snapshot_free(x->initial);
	if (x->m)
		machine_park(x->m); /* the next scenario of the same image takes it back */
	if (x->img)
		image_free(x->img);
	liveness_close(x);
	free(x->trace);
	free(x->events);
	free(x->deltas);
	free((void *)x->scn);
	memset(x, 0, sizeof(*x));
}
