/*
 * bench_step.c - how fast patchcheck steps, against the physical limit.
 *
 * In one process: (1) raw Unicorn single-stepping (uc_emu_start count=1, exits enabled) of a
 * call of traced_add3 on the arm64 image (only the stepping loops are timed, not call setup); (2) the same call through machine_step; (3) the
 * explorer on scenarios/arm64/nop-to-call.yaml: scheduled steps per second and complete
 * executions per second. Prints each rate and its ratio to raw stepping. A program, not a test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "../emu/machine.h"
#include "../explorer/explorer.h"

#define CALLS 20000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Raw: one engine over the machine's RAM, stepping one instruction per uc_emu_start (count 1)
 * with exits enabled and no exit address set. */
static double raw_steps_per_second(struct machine *m, uint64_t func, uint64_t *steps_out)
{
	const struct arch_model *arch = machine_arch(m);
	const struct image *img = machine_image(m);
	uint64_t base = image_base(img) & ~0xfffull;
	size_t size = (size_t)(((image_end(img) + 0xfff) & ~0xfffull) - base);
	uint64_t top = machine_stack_top(m, 0);
	uint64_t stack = (top - MACHINE_STACK_SIZE) & ~0xfffull;
	uint8_t *ram = machine_ram(m, base, size), *stack_ram = machine_ram(m, stack, top - stack);
	uint64_t steps = 0, pc, x;
	uc_engine *uc;
	double t0, stepping = 0;

	if (!ram || !stack_ram || uc_open(arch->uc_arch, arch->uc_mode, &uc) != UC_ERR_OK)
		return 0;
	uc_ctl_set_cpu_model(uc, arch->uc_cpu_model);
	uc_mem_map_ptr(uc, base, size, UC_PROT_ALL, ram);
	uc_mem_map_ptr(uc, stack, (size_t)(top - stack), UC_PROT_ALL, stack_ram);
	uc_mem_map(uc, MACHINE_MAGIC_RETURN, 0x1000, UC_PROT_ALL); /* as the machine does */
	uc_ctl_exits_enable(uc);
	uc_ctl_set_exits(uc, NULL, 0);
	for (int c = 0; c < CALLS; c++) {
		x = 1;
		uc_reg_write(uc, UC_ARM64_REG_X0, &x);
		x = 2;
		uc_reg_write(uc, UC_ARM64_REG_X1, &x);
		x = 3;
		uc_reg_write(uc, UC_ARM64_REG_X2, &x);
		x = MACHINE_MAGIC_RETURN;
		uc_reg_write(uc, UC_ARM64_REG_X30, &x);
		uc_reg_write(uc, UC_ARM64_REG_SP, &top);
		pc = func;
		t0 = now();
		while (pc != MACHINE_MAGIC_RETURN) {
			if (uc_emu_start(uc, pc, 0, 0, 1) != UC_ERR_OK)
				break;
			uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
			steps++;
		}
		stepping += now() - t0;
	}
	*steps_out = steps;
	uc_close(uc);
	return (double)steps / stepping;
}

static double machine_steps_per_second(struct machine *m, uint64_t func)
{
	struct step_info info;
	uint64_t args[3] = {1, 2, 3}, steps = 0;
	double t0, stepping = 0;

	for (int c = 0; c < CALLS; c++) {
		machine_call_begin(m, 0, func, args, 3);
		t0 = now();
		while (machine_step(m, 0, &info) == STEP_OK)
			steps++;
		stepping += now() - t0;
	}
	return (double)steps / stepping;
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
	printf("naive interleavings of one execution's %.0f instructions: 10^%.0f; explored %lu "
	       "executions: reduction 10^%.0f\n", total, log10_naive, st->executions,
	       log10_naive - log10((double)(st->executions ? st->executions : 1)));
}

int main(int argc, char **argv)
{
	const char *guest = getenv("PATCHCHECK_GUEST_DIR");
	const struct arch_model *arch = arch_model_find("arm64");
	char path[1024], err[1024];
	struct image *img;
	struct machine *m;
	struct scenario scn;
	struct scenario_result res;
	struct explore_options opt = {0};
	uint64_t func, raw_count = 0;
	double raw, stepped;

	if (!guest)
		guest = argc > 1 ? argv[1] : "build/guest";
	opt.guest_dir = guest;
	snprintf(path, sizeof(path), "%s/arm64/ftrace.elf", guest);
	img = image_load(path, arch, err, sizeof(err));
	if (!img) {
		fprintf(stderr, "bench: %s\n", err);
		return 2;
	}
	m = machine_open(arch, img, 1, FETCH_COHERENT, err, sizeof(err));
	if (!m || !image_lookup(img, "traced_add3", &func)) {
		fprintf(stderr, "bench: %s\n", m ? "no traced_add3" : err);
		return 2;
	}
	raw = raw_steps_per_second(m, func, &raw_count);
	stepped = machine_steps_per_second(m, func);
	printf("raw unicorn single-step      %12.0f steps/s  (%llu steps)\n", raw,
	       (unsigned long long)raw_count);
	printf("machine_step                 %12.0f steps/s  %5.1f%% of raw\n", stepped,
	       100.0 * stepped / raw);
	machine_close(m);
	image_free(img);

	snprintf(path, sizeof(path), "%s/scenarios/arm64/nop-to-call.yaml", PATCHCHECK_SOURCE_DIR);
	if (scenario_load(path, &scn, err, sizeof(err)) || explorer_run(&scn, &opt, &res)) {
		fprintf(stderr, "bench: %s\n", res.error[0] ? res.error : err);
		return 2;
	}
	printf("explorer (%s): %lu executions, %llu steps, %lu schedule points in %.3fs\n", scn.name,
	       res.stats.executions, res.stats.steps, res.stats.schedule_points, res.stats.seconds);
	printf("explorer scheduled steps     %12.0f steps/s  %5.1f%% of raw\n",
	       (double)res.stats.steps / res.stats.seconds,
	       100.0 * ((double)res.stats.steps / res.stats.seconds) / raw);
	printf("explorer executions          %12.0f executions/s\n",
	       (double)res.stats.executions / res.stats.seconds);
	print_reduction(&res.stats);
	scenario_result_free(&res);
	return 0;
}
