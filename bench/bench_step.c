/*
 * bench_step.c - how fast patchcheck steps and explores, against the physical limit.
 *
 * In one process:
 *   (1) raw Unicorn single-stepping (uc_emu_start count=1, exits enabled, pc read back) of a
 *       call of traced_add3 on one image of each arch: the limit every rate below is compared
 *       with (only the stepping loops are timed, not call setup);
 *   (2) the same arm64 call through machine_step;
 *   (3) the whole bundled gate (scenarios/ of every arch; the kernel-* scenarios only with
 *       --kernel-tree DIR), explored as `gate --no-db` does (no register capture):
 *       executions, steps, the time spent before the search (image, machine, references,
 *       setup) and in it, and the scheduled steps per second as a percentage of
 *       raw stepping of the same arch; the register-access answers kept in the cache directory
 *       are read first and written back after, as the command does; and, sampled
 *       (cpu_share.c), the emulator's own part of that time, with the rate the steps could
 *       reach were everything else to take none;
 *   (4) arm64/nop-to-call and riscv/direct-t1 with 2, 3 and 4 runners, the variants written to
 *       a temporary directory from the bundled file by repeating its last runner hart;
 *   (5) the patchcheck command's gate (--no-db -q) with -j 1 and -j 2, and two -j 1 gates at
 *       once, wall time, the fastest of JOBS_PASSES each, interleaved: the speed-up of two
 *       workers (it needs two idle cores to show) next to what this host gives two processes
 *       that share nothing.
 * Each figure is printed next to its target (DESIGN.md, "Performance") where one exists. A
 * program, not a test: its times depend on the host.
 *
 * usage: bench_step [--kernel-tree DIR] [--runners N] [GUEST_DIR]
 * GUEST_DIR defaults to $PATCHCHECK_GUEST_DIR, else build/guest; --runners 3 leaves out the
 * 4-runner variants (about a minute).
 */
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#include "../cli/cli.h"
#include "../emu/machine.h"
#include "../explorer/explorer.h"
#include "cpu_share.h"

#define CALLS 100000  /* calls of traced_add3 per measurement of raw or machine stepping */
#define PASSES 3      /* measurements; the fastest counts (the host's noise only slows) */
#define JOBS_PASSES 5 /* of each gate command: a burst of the host's noise lasts seconds */
#define TARGET_RAW_PERCENT 50.0      /* scheduled steps over the gate, % of raw stepping */
#define TARGET_EXEC_PER_TRACE 1.2    /* executions per distinct Mazurkiewicz trace */
#define TARGET_NOP_TO_CALL_4 1.0     /* seconds, nop-to-call with 4 runners */
#define TARGET_J2_SPEEDUP 1.7        /* gate wall time, -j 1 over -j 2 */
#define SAMPLE_PERIOD 0.001          /* CPU seconds between samples of the emulator's share */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The process's CPU time: what every rate below is measured in, so that other work on the
 * host does not count (the explorer runs in this one thread). */
static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- (1), (2): raw stepping and machine_step ---- */

/* One image per arch whose traced_add3(1, 2, 3) is stepped raw. */
static const struct {
	const char *arch, *image;
} raw_images[] = {
	{"arm64", "arm64/ftrace"},
	{"riscv64", "riscv64/ftrace8"},
	{"arm", "arm/ftrace_arm"},
};
#define NARCH (sizeof(raw_images) / sizeof(raw_images[0]))

static double raw_rate[NARCH]; /* steps/s, 0 when not measured */

static int arch_index(const char *name)
{
	for (unsigned i = 0; i < NARCH; i++)
		if (strcmp(raw_images[i].arch, name) == 0)
			return (int)i;
	return -1;
}

/* Raw: one engine over the machine's RAM, stepping one instruction per uc_emu_start (count 1)
 * with exits enabled and no exit address set, pc read back after each. */
static double raw_steps_per_second(struct machine *m, uint64_t func, uint64_t *steps_out)
{
	const struct arch_model *arch = machine_arch(m);
	const struct image *img = machine_image(m);
	uint64_t base = image_base(img) & ~0xfffull;
	size_t size = (size_t)(((image_end(img) + 0xfff) & ~0xfffull) - base);
	uint64_t top = machine_stack_top(m, 0);
	uint64_t stack = (top - MACHINE_STACK_SIZE) & ~0xfffull;
	uint8_t *ram = machine_ram(m, base, size), *stack_ram = machine_ram(m, stack, top - stack);
	uint64_t steps = 0, pc, x, mask = arch->word_size == 4 ? 0xffffffffull : ~0ull;
	const int *id = arch->reg_ids;
	uc_engine *uc;
	double t0, stepping = 0, setup = 0;

	if (!ram || !stack_ram || uc_open(arch->uc_arch, arch->uc_mode, &uc) != UC_ERR_OK)
		return 0;
	if (arch->uc_cpu_model >= 0)
		uc_ctl_set_cpu_model(uc, arch->uc_cpu_model);
	uc_mem_map_ptr(uc, base, size, UC_PROT_ALL, ram);
	uc_mem_map_ptr(uc, stack, (size_t)(top - stack), UC_PROT_ALL, stack_ram);
	uc_mem_map(uc, MACHINE_MAGIC_RETURN, 0x1000, UC_PROT_ALL); /* as the machine does */
	uc_ctl_exits_enable(uc);
	uc_ctl_set_exits(uc, NULL, 0);
	/* Timed with the calls' register setup, whose own time is measured apart and taken off. */
	for (int pass = 0; pass < 2; pass++) {
		t0 = cpu_seconds();
		for (int c = 0; c < CALLS; c++) {
			for (unsigned a = 0; a < 3; a++) {
				x = a + 1;
				uc_reg_write(uc, id[arch->arg_regs[a]], &x);
			}
			x = MACHINE_MAGIC_RETURN;
			uc_reg_write(uc, id[arch->reg_lr], &x);
			uc_reg_write(uc, id[arch->reg_sp], &top);
			pc = pass ? func : MACHINE_MAGIC_RETURN;
			while (pc != MACHINE_MAGIC_RETURN) {
				if (uc_emu_start(uc, pc, 0, 0, 1) != UC_ERR_OK)
					break;
				uc_reg_read(uc, id[arch->reg_pc], &pc);
				pc &= mask;
				steps++;
			}
		}
		if (pass == 0)
			setup = cpu_seconds() - t0;
		else
			stepping = cpu_seconds() - t0 - setup;
	}
	*steps_out = steps;
	uc_close(uc);
	return stepping > 0 ? (double)steps / stepping : 0;
}

static double machine_steps_per_second(struct machine *m, uint64_t func)
{
	struct step_info info;
	uint64_t args[3] = {1, 2, 3}, steps = 0;
	double t0, setup = 0, stepping = 0;

	/* As raw_steps_per_second: the time of the calls' setup alone is taken off. */
	for (int pass = 0; pass < 2; pass++) {
		t0 = cpu_seconds();
		for (int c = 0; c < CALLS; c++) {
			machine_call_begin(m, 0, pass ? func : MACHINE_MAGIC_RETURN, args, 3);
			while (machine_step(m, 0, &info) == STEP_OK)
				steps++;
		}
		if (pass == 0)
			setup = cpu_seconds() - t0;
		else
			stepping = cpu_seconds() - t0 - setup;
	}
	return stepping > 0 ? (double)steps / stepping : 0;
}

static int measure_raw(const char *guest)
{
	char path[1024], err[1024];

	for (unsigned i = 0; i < NARCH; i++) {
		const struct arch_model *arch = arch_model_find(raw_images[i].arch);
		struct image *img;
		struct machine *m;
		uint64_t func, count = 0;

		snprintf(path, sizeof(path), "%s/%s.elf", guest, raw_images[i].image);
		img = arch ? image_load(path, arch, err, sizeof(err)) : NULL;
		if (!img) {
			fprintf(stderr, "bench: %s\n", arch ? err : raw_images[i].arch);
			return 2;
		}
		m = machine_open(arch, img, 1, FETCH_COHERENT, err, sizeof(err));
		if (!m || !image_lookup(img, "traced_add3", &func)) {
			fprintf(stderr, "bench: %s\n", m ? "no traced_add3" : err);
			return 2;
		}
		for (int p = 0; p < PASSES; p++) {
			double r = raw_steps_per_second(m, func, &count);

			if (r > raw_rate[i])
				raw_rate[i] = r;
		}
		printf("raw unicorn single-step  %-8s %12.0f steps/s  (%llu steps of traced_add3)\n",
		       raw_images[i].arch, raw_rate[i], (unsigned long long)count);
		if (i == 0) {
			double stepped = 0;

			for (int p = 0; p < PASSES; p++) {
				double r = machine_steps_per_second(m, func);

				if (r > stepped)
					stepped = r;
			}

			printf("machine_step             %-8s %12.0f steps/s  %5.1f%% of raw\n",
			       raw_images[i].arch, stepped, 100.0 * stepped / raw_rate[i]);
		}
		machine_close(m);
		image_free(img);
	}
	return 0;
}

/* ---- (3), (4): the explorer ---- */

struct totals {
	unsigned scenarios, mismatched, errors;
	unsigned long executions, traces;
	unsigned long sleep_blocked, dropped, merged; /* paths that ended with no execution */
	unsigned long long steps;
	double search, total;  /* seconds: in the search; in explorer_run as a whole */
	double raw_equivalent; /* seconds raw stepping would take for the same steps */
};

struct one_run {
	struct scenario_result res;
	double total;
	bool matched;
};

/*
 * Runs one scenario file. The times are CPU seconds: total, explorer_run as a whole; the
 * search's share is its wall-clock share (run_stats.seconds) of the run.
 */
static int run_one(const char *path, const struct explore_options *opt, struct scenario *scn,
		   struct one_run *r, char *err, size_t errlen)
{
	double t0, c0, wall;

	if (scenario_load(path, scn, err, errlen))
		return 2;
	t0 = now();
	c0 = cpu_seconds();
	if (explorer_run(scn, opt, &r->res)) {
		snprintf(err, errlen, "%s", r->res.error);
		return 2;
	}
	r->total = cpu_seconds() - c0;
	wall = now() - t0;
	if (wall > 0 && r->res.stats.seconds < wall)
		r->res.stats.seconds *= r->total / wall;
	r->matched = scenario_result_matches(scn, &r->res);
	return 0;
}

static void add_run(struct totals *t, const struct scenario *scn, const struct one_run *r)
{
	int a = arch_index(scn->arch);

	t->scenarios++;
	t->mismatched += !r->matched;
	t->executions += r->res.stats.executions;
	t->traces += r->res.stats.distinct_traces;
	t->sleep_blocked += r->res.stats.sleep_blocked;
	t->dropped += r->res.stats.dropped;
	t->merged += r->res.stats.states_merged;
	t->steps += r->res.stats.steps;
	t->search += r->res.stats.seconds;
	t->total += r->total;
	if (a >= 0 && raw_rate[a] > 0)
		t->raw_equivalent += (double)r->res.stats.steps / raw_rate[a];
}

static void print_rate_line(const char *what, const struct totals *t)
{
	double rate_search = t->search > 0 ? (double)t->steps / t->search : 0;
	double rate_total = t->total > 0 ? (double)t->steps / t->total : 0;

	printf("  %-34s %12.0f steps/s  %5.1f%% of raw   (in the search: %.0f steps/s, %.1f%% "
	       "of raw)   target >= %.0f%%\n", what, rate_total,
	       t->total > 0 ? 100.0 * t->raw_equivalent / t->total : 0, rate_search,
	       t->search > 0 ? 100.0 * t->raw_equivalent / t->search : 0, TARGET_RAW_PERCENT);
}

/*
 * The emulator's own part of the gate's CPU time (cpu_share.c): Unicorn's library and the code
 * it translated, doing what the explorer asked of it (translating, stepping, running hooks,
 * opening engines). Were the rest to take no time at all, the scheduled steps could be no
 * faster than the raw equivalent over this part: the most any change outside the emulator
 * that asks the same of it could reach. The C library's time on the emulator's behalf (its
 * allocations and copies) counts as the rest, so the part is if anything too small and the
 * bound too high.
 */
static void print_emulator_share(const struct totals *t, const struct cpu_share *s, double cpu)
{
	if (!s->samples) {
		printf("  %-34s %12s\n", "the emulator's own cpu time", "not sampled");
		return;
	}
	double lib = (double)s->library / (double)s->samples;
	double jit = (double)s->translated / (double)s->samples;
	double own = (lib + jit) * cpu;

	printf("  %-34s %12.2f s  (%.0f%% of the cpu time: its library %.0f%%, the code it "
	       "translated %.0f%%; %lu samples)\n", "the emulator's own cpu time", own,
	       100.0 * (lib + jit), 100.0 * lib, 100.0 * jit, s->samples);
	printf("  %-34s %12.1f%% of raw, with everything else taking no time\n",
	       "scheduled steps at most", own > 0 ? 100.0 * t->raw_equivalent / own : 0);
}

/* Executions per distinct Mazurkiewicz trace, over every scenario (target <= 1.2). */
static void print_exec_per_trace(const struct totals *t)
{
	printf("  %-34s %12.3f   (%llu executions, %llu traces)   target <= %.1f\n",
	       "executions per distinct trace",
	       t->traces ? (double)t->executions / (double)t->traces : 0,
	       (unsigned long long)t->executions, (unsigned long long)t->traces,
	       TARGET_EXEC_PER_TRACE);
}

static int bench_gate(const struct explore_options *opt)
{
	struct scenario_files files = {0};
	struct totals t = {0};
	unsigned skipped = 0;
	char err[1024];
	struct cpu_share share = {0};
	int sampled = cpu_share_start(SAMPLE_PERIOD) == 0;
	double cpu0 = cpu_seconds(), wall0 = now();

	/* The files the gate covers, in its order (cli/scenario_files.c). */
	if (scenario_files_add(&files, PATCHCHECK_SOURCE_DIR "/scenarios", err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < files.n; i++) {
		static struct scenario scn;
		struct one_run r = {0};
		const char *path = files.files[i].path;

		if (scenario_load(path, &scn, err, sizeof(err)) == 0 &&
		    (scn.skip[0] || (scn.nkernel_sources && !opt->kernel_tree))) {
			skipped++;
			continue;
		}
		if (run_one(path, opt, &scn, &r, err, sizeof(err))) {
			fprintf(stderr, "bench: %s\n", err);
			t.errors++;
			continue;
		}
		add_run(&t, &scn, &r);
		scenario_result_free(&r.res);
	}
	scenario_files_free(&files);
	double wall = now() - wall0, cpu = cpu_seconds() - cpu0;
	if (sampled)
		cpu_share_stop(&share);

	printf("\ngate: %u scenarios of scenarios/ (%u skipped%s), %u not as "
	       "expected, %u errors\n", t.scenarios, skipped,
	       opt->kernel_tree ? "" : ", kernel-* need --kernel-tree", t.mismatched, t.errors);
	printf("  %-34s %12lu\n", "executions", t.executions);
	printf("  %-34s %12llu\n", "steps", t.steps);
	printf("  %-34s %12.2f s  (before the search: %.2f s = %.0f%%; search %.2f s)\n", "cpu time",
	       t.total, t.total - t.search, t.total > 0 ? 100.0 * (t.total - t.search) / t.total : 0,
	       t.search);
	print_rate_line("scheduled steps", &t);
	print_emulator_share(&t, &share, cpu);
	print_exec_per_trace(&t);
	/* What executions per trace leaves out: the paths that ended before an execution did,
	 * every hart asleep (dpor.c), dropped (spin.c, interrupt.c), or at a state explored
	 * before (state_cache.c). */
	printf("  %-34s %12.3f   (%lu with every hart asleep, %lu dropped, %lu at a state "
	       "explored before)\n", "other paths per execution",
	       t.executions ? (double)(t.sleep_blocked + t.dropped + t.merged) /
			      (double)t.executions : 0,
	       t.sleep_blocked, t.dropped, t.merged);
	printf("  (times are CPU seconds; cpu/wall %.2f, below 1 when the host was busy)\n",
	       wall > 0 ? cpu / wall : 0);
	return t.errors || t.mismatched ? 1 : 0;
}

/* Writes the scenario at src with its last runner hart repeated until it has runners runners,
 * named "<name>-<runners>r", into dst. 0, or -1. */
static int write_variant(const char *src, const char *dst, unsigned runners)
{
	FILE *in = fopen(src, "r"), *out;
	char lines[256][512];
	unsigned n = 0, have = 0;
	int last_runner = -1;

	if (!in)
		return -1;
	while (n < 256 && fgets(lines[n], sizeof(lines[n]), in)) {
		if (strstr(lines[n], "{role: runner")) {
			last_runner = (int)n;
			have++;
		}
		n++;
	}
	fclose(in);
	if (last_runner < 0 || have > runners || !(out = fopen(dst, "w")))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (strncmp(lines[i], "name:", 5) == 0) {
			lines[i][strcspn(lines[i], "\n")] = '\0';
			fprintf(out, "%s-%ur\n", lines[i], runners);
		} else {
			fputs(lines[i], out);
		}
		for (unsigned k = have; (int)i == last_runner && k < runners; k++)
			fputs(lines[i], out);
	}
	return fclose(out) == 0 ? 0 : -1;
}

/*
 * Against naive enumeration: interleaving the instructions of one execution one by one gives
 * (n1 + ... + nk)! / (n1! ... nk!) orders (the multinomial of the harts' step counts); the
 * explorer runs one execution per distinct order of visible operations within the preemption
 * bound. Printed as powers of ten.
 */
static void print_reduction(const struct run_stats *st)
{
	double total = 0, log10_naive;

	for (unsigned h = 0; h < st->nharts; h++)
		total += (double)st->first_execution_steps[h];
	log10_naive = lgamma(total + 1);
	for (unsigned h = 0; h < st->nharts; h++)
		log10_naive -= lgamma((double)st->first_execution_steps[h] + 1);
	log10_naive /= log(10);
	printf("nop-to-call: naive interleavings of one execution's %.0f instructions: 10^%.0f; "
	       "explored %lu executions: reduction 10^%.0f\n", total, log10_naive, st->executions,
	       log10_naive - log10((double)(st->executions ? st->executions : 1)));
}

static int bench_variants(const struct explore_options *opt, unsigned max_runners)
{
	static const char *const bundled[] = {"arm64/nop-to-call", "riscv/direct-t1"};
	char tmp[] = "/tmp/patchcheck-bench-XXXXXX";
	struct run_stats first = {0};
	int rc = 0;

	if (!mkdtemp(tmp)) {
		perror("bench: mkdtemp");
		return 2;
	}
	printf("\n%-22s %7s %-12s %10s %12s %9s %8s %8s %8s %10s  %s\n", "scenario", "runners",
	       "verdict", "executions", "steps", "search s", "cpu s", "% raw", "(search)",
	       "exec/trace", "target");
	for (unsigned b = 0; b < sizeof(bundled) / sizeof(bundled[0]); b++) {
		for (unsigned runners = 2; runners <= max_runners; runners++) {
			char src[1024], dst[1100], err[1024];
			static struct scenario scn;
			struct one_run r = {0};
			struct totals t = {0};
			char target[64] = "";

			snprintf(src, sizeof(src), "%s/scenarios/%s.yaml", PATCHCHECK_SOURCE_DIR,
				 bundled[b]);
			snprintf(dst, sizeof(dst), "%s/%u.yaml", tmp, runners);
			if (write_variant(src, dst, runners) ||
			    run_one(dst, opt, &scn, &r, err, sizeof(err))) {
				fprintf(stderr, "bench: %s: %s\n", bundled[b],
					err[0] ? err : "cannot write the variant");
				unlink(dst);
				rc = 2;
				continue;
			}
			unlink(dst);
			add_run(&t, &scn, &r);
			if (runners == 4 && b == 0)
				snprintf(target, sizeof(target), "total < %.0f s",
					 TARGET_NOP_TO_CALL_4);
			printf("%-22s %7u %-12s %10lu %12llu %9.3f %8.3f %7.1f%% %7.1f%% %10.3f  %s\n",
			       bundled[b], runners,
			       r.res.verdict == VERDICT_PASS ? "pass"
			       : r.res.verdict == VERDICT_FAIL ? "fail"
			       : r.res.verdict == VERDICT_INCONCLUSIVE ? "inconclusive" : "error",
			       r.res.stats.executions, r.res.stats.steps, r.res.stats.seconds,
			       r.total, r.total > 0 ? 100.0 * t.raw_equivalent / r.total : 0,
			       t.search > 0 ? 100.0 * t.raw_equivalent / t.search : 0,
			       r.res.stats.distinct_traces
				       ? (double)r.res.stats.executions / r.res.stats.distinct_traces
				       : 0,
			       target);
			if (b == 0 && runners == 2)
				first = r.res.stats;
			scenario_result_free(&r.res);
		}
	}
	rmdir(tmp);
	if (first.nharts)
		print_reduction(&first);
	return rc;
}

/* ---- (5): -j 2 against -j 1 ---- */

extern char **environ;

/* Starts `patchcheck gate --no-db -q -j jobs [--kernel-tree DIR] scenarios/`, its output
 * discarded; -1 when it cannot start. */
static pid_t gate_spawn(const struct explore_options *opt, const char *jobs)
{
	char *argv[12];
	int n = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	argv[n++] = PATCHCHECK_BINARY_DIR "/patchcheck";
	argv[n++] = "gate";
	argv[n++] = "--no-db";
	argv[n++] = "-q";
	argv[n++] = "-j";
	argv[n++] = (char *)jobs;
	if (opt->kernel_tree) {
		argv[n++] = "--kernel-tree";
		argv[n++] = (char *)opt->kernel_tree;
	}
	argv[n++] = PATCHCHECK_SOURCE_DIR "/scenarios";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Wall seconds of `copies` such gates started together, until the last ends; negative when
 * one did not run or did not pass. */
static double gate_wall(const struct explore_options *opt, const char *jobs, int copies)
{
	pid_t pid[2];
	int status, ok = 1;
	double t0 = now();

	if (copies > 2)
		copies = 2;

	for (int i = 0; i < copies; i++)
		if ((pid[i] = gate_spawn(opt, jobs)) < 0)
			ok = 0;
	for (int i = 0; i < copies; i++)
		if (pid[i] >= 0 && (waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status) ||
				    WEXITSTATUS(status) != 0))
			ok = 0;
	return ok ? now() - t0 : -1;
}

/*
 * The gate with -j 1 and -j 2, and two -j 1 gates at once: the third is as parallel as two
 * processes get (nothing shared, nothing waited for), so twice the -j 1 time over it is what
 * this host allows two workers at most, its memory and caches shared as they are.
 */
static int bench_jobs(const struct explore_options *opt)
{
	double best[3] = {INFINITY, INFINITY, INFINITY};
	static const char *const jobs[3] = {"1", "2", "1"};
	static const int copies[3] = {1, 1, 2};

	gate_wall(opt, "1", 1); /* the image and kernel-tree caches filled */
	for (int pass = 0; pass < JOBS_PASSES; pass++) {
		for (int j = 0; j < 3; j++) {
			double t = gate_wall(opt, jobs[j], copies[j]);

			if (t < 0) {
				fprintf(stderr, "bench_step: patchcheck gate -j %s did not pass\n", jobs[j]);
				return 2;
			}
			best[j] = fmin(best[j], t);
		}
	}
	printf("\ngate -j (wall, fastest of %d; %ld cores online)\n", JOBS_PASSES,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  -j 1 %8.2f s   -j 2 %8.2f s   speed-up %.2fx   target >= %.1fx\n", best[0],
	       best[1], best[0] / best[1], TARGET_J2_SPEEDUP);
	printf("  two -j 1 gates at once %.2f s: this host's limit for two workers %.2fx\n",
	       best[2], 2 * best[0] / best[2]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *guest = getenv("PATCHCHECK_GUEST_DIR");
	struct explore_options opt = {0};
	unsigned long max_runners = 4;
	int rc;

	machine_heap_setup(); /* as the patchcheck command does */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kernel-tree") == 0 && i + 1 < argc)
			opt.kernel_tree = argv[++i];
		else if (strcmp(argv[i], "--runners") == 0 && i + 1 < argc)
			max_runners = strtoul(argv[++i], NULL, 10);
		else if (argv[i][0] != '-')
			guest = argv[i];
		else {
			fprintf(stderr, "usage: bench_step [--kernel-tree DIR] [--runners N] "
				"[GUEST_DIR]\n");
			return 2;
		}
	}
	if (!guest || !*guest)
		guest = "build/guest";
	opt.guest_dir = guest;
	opt.skip_register_capture = true; /* as the gate without a database */
	if ((rc = measure_raw(guest)))
		return rc;
	explore_answers_load(); /* as the command does */
	rc = bench_gate(&opt);
	explore_answers_save();
	if (bench_variants(&opt, (unsigned)max_runners))
		rc = 2;
	if (bench_jobs(&opt))
		rc = 2;
	return rc;
}
