/*
 * scenario_runner.c - what the commands that explore scenarios (run, gate) share: their common
 * options, exploring one loaded scenario, its line of output, and the report database around a
 * run (open, store each scenario, close with the exit code).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../emu/machine.h"
#include "../models/arch.h"
#include "../reports/reports.h"
#include "cli.h"

/* ---- options ---- */

void print_common_options(FILE *out)
{
	fprintf(out,
		"  --db FILE             report database (default: patchcheck.db in the current directory)\n"
		"  --no-db               do not write a report database\n"
		"  --max-executions N    stop exploring a scenario after N executions (1 to 1000000000)\n"
		"  --random N            N random walks (seeded, reproducible) instead of every schedule\n"
		"                        (1 to 1000000)\n"
		"  --then-random N       when the execution limit stops the search without a failure,\n"
		"                        N random walks look for one in what it had not reached\n"
		"                        (1 to 1000000): a failure found is the verdict\n"
		"  --seed S              the seed of --random and --then-random (default 1); numbers\n"
		"                        are decimal or 0x hex\n"
		"  --guest-dir DIR       where the guest images are (default: the build's guest/)\n"
		"  --kernel-tree DIR     a Linux source tree: scenarios with kernel_sources assemble its\n"
		"                        own trampolines (without it they are skipped)\n"
		"  --allow-inconclusive  count a search that stopped short of its declared space\n"
		"                        (--max-executions, max_executions, --random) as skipped,\n"
		"                        not failed\n"
		"  --shard I/N           run only shard I of N (1 <= I <= N): scenario k (from 0) of\n"
		"                        the ordered list goes to shard (k mod N) + 1; a list of one\n"
		"                        scenario splits its search tree instead\n"
		"  --data-memory MODEL   explore every scenario under data memory MODEL, sc or arch\n"
		"                        (arm64, riscv64, arm), in place of its data_memory key\n"
		"  --stop-machine guest  the *_stopped patcher functions run Linux's stop_machine as\n"
		"                        guest code (IPIs, multi_cpu_stop) in place of the idealised\n"
		"                        stop (not in scenarios of protocol idealised-stop-nonpreempt)\n"
		"  --no-state-cache      explore every point again even when its state was explored\n"
		"                        before (the results are the same; slower)\n"
		"  --step-each           step every instruction alone, never a run of local\n"
		"                        instructions in one go (the results are the same; slower)\n"
		"  --poison-dead         after each transition, overwrite the registers the state\n"
		"                        hash leaves out as dead (the results are the same: a check)\n"
		"  -j, --jobs N, -jN     explore with N worker processes at once (1 to %lu, default 1);\n"
		"                        the output and the database are as with -j 1\n"
		"  -q, --quiet           print only mismatches and the summary, without times\n"
		"  -v, --verbose         also print each failure's schedule\n", EXPLORE_MAX_JOBS);
}

int parse_common_option(const char *cmd, int argc, char **argv, int *i, struct cli_common *c)
{
	const char *a = argv[*i];
	bool has_value = *i + 1 < argc;

	if (strcmp(a, "--db") == 0 && has_value) {
		c->db_path = argv[++*i];
	} else if (strcmp(a, "--no-db") == 0) {
		c->db_path = NULL;
	} else if (strcmp(a, "--allow-inconclusive") == 0) {
		c->allow_inconclusive = true;
	} else if (strcmp(a, "--guest-dir") == 0 && has_value) {
		c->guest_dir = argv[++*i];
	} else if (strcmp(a, "--kernel-tree") == 0 && has_value) {
		c->kernel_tree = argv[++*i];
	} else if (strcmp(a, "--max-executions") == 0 && has_value) {
		uint64_t v;

		if (!option_number(cmd, a, argv[++*i], 1, SCN_MAX_EXECUTIONS, &v))
			return -1;
		c->max_executions = (unsigned long)v;
	} else if (strcmp(a, "--random") == 0 && has_value) {
		uint64_t v;

		if (!option_number(cmd, a, argv[++*i], 1, SCN_MAX_RANDOM_WALKS, &v))
			return -1;
		c->random_walks = (unsigned long)v;
	} else if (strcmp(a, "--then-random") == 0 && has_value) {
		uint64_t v;

		if (!option_number(cmd, a, argv[++*i], 1, SCN_MAX_RANDOM_WALKS, &v))
			return -1;
		c->then_random = (unsigned long)v;
	} else if (strcmp(a, "--seed") == 0 && has_value) {
		uint64_t v;

		if (!option_number(cmd, a, argv[++*i], 0, UINT64_MAX, &v))
			return -1;
		c->seed = v;
	} else if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && has_value) {
		uint64_t v;

		if (!option_number(cmd, a, argv[++*i], 1, EXPLORE_MAX_JOBS, &v))
			return -1;
		c->jobs = (unsigned long)v;
	} else if (strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9') { /* -j2, as make */
		uint64_t v;

		if (!option_number(cmd, "-j", a + 2, 1, EXPLORE_MAX_JOBS, &v))
			return -1;
		c->jobs = (unsigned long)v;
	} else if (strcmp(a, "--data-memory") == 0 && has_value) {
		if (!(c->data_memory = data_memory_option(cmd, argv[++*i])))
			return -1;
	} else if (strcmp(a, "--stop-machine") == 0 && has_value) {
		int v = stop_machine_option(cmd, argv[++*i]);

		if (v < 0)
			return -1;
		c->guest_stop = v;
	} else if (strcmp(a, "--no-state-cache") == 0) {
		c->no_state_cache = true;
	} else if (strcmp(a, "--step-each") == 0) {
		c->step_each = true;
	} else if (strcmp(a, "--poison-dead") == 0) {
		c->poison_dead = true;
	} else if (strcmp(a, "--shard") == 0 && has_value) {
		if (!parse_shard_option(cmd, a, argv[++*i], c))
			return -1;
	} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		c->quiet = true;
	} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		c->verbose = true;
	} else {
		return 0;
	}
	return 1;
}

/* ---- verdicts as text ---- */

const char *expected_text(const struct scenario *s, char *buf, size_t len)
{
	if (s->expect == VERDICT_PASS)
		snprintf(buf, len, "pass");
	else
		snprintf(buf, len, "fail:%s", s->expect_invariant);
	return buf;
}

const char *got_text(const struct scenario_result *r, char *buf, size_t len)
{
	if (r->verdict == VERDICT_PASS)
		snprintf(buf, len, "pass");
	else if (r->verdict == VERDICT_FAIL)
		snprintf(buf, len, "fail:%s", r->failure ? r->failure->invariant : "?");
	else if (r->verdict == VERDICT_INCONCLUSIVE)
		snprintf(buf, len, "inconclusive");
	else
		snprintf(buf, len, "error");
	return buf;
}

/* ---- exploring and printing one scenario ---- */

const char *skip_reason(const struct cli_common *c, const struct scenario *s, char *buf,
			size_t len)
{
	if (s->skip[0])
		snprintf(buf, len, "%s", s->skip);
	else if (!arch_model_find(s->arch))
		snprintf(buf, len, "arch '%s' has no model in this build", s->arch);
	else if (s->nkernel_sources && !c->kernel_tree)
		snprintf(buf, len, "needs a Linux tree: --kernel-tree DIR");
	else
		return NULL;
	return buf;
}

const char *inconclusive_reason(const struct scenario_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "no failure in %lu executions, but the search stopped before it covered"
		 " the scenario's declared space (an execution limit, or random walks)",
		 r->stats.executions);
	return buf;
}

bool inconclusive_allowed(const struct cli_common *c, const struct scenario_result *r)
{
	return r->verdict == VERDICT_INCONCLUSIVE && c->allow_inconclusive;
}

bool explore_scenario(const struct cli_common *c, const struct scenario *s,
		      struct scenario_result *res)
{
	struct explore_options opt = {
		.guest_dir = c->guest_dir,
		.kernel_tree = c->kernel_tree,
		.max_executions = c->max_executions,
		.random_walks = c->random_walks,
		.walks_after_limit = c->then_random,
		.random_seed = (c->seed ? c->seed : 1) +
			       (c->shard_tree ? (c->shard_index - 1) * 0x9e3779b97f4a7c15ull : 0),
		.tree_shard_index = c->shard_tree ? c->shard_index : 0,
		.tree_shard_count = c->shard_tree ? c->shard_count : 0,
		.data_memory = c->data_memory,
		.guest_stop = c->guest_stop,
		.no_state_cache = c->no_state_cache,
		.step_each = c->step_each,
		.poison_dead = c->poison_dead,
		.skip_register_capture = !c->db_path, /* only the database stores them */
		/* Workers exploring at once would write over each other's line. */
		.progress = c->jobs <= 1 && progress_enabled() ? progress_show : NULL,
		.progress_ud = (void *)s,
	};

	explorer_run(s, &opt, res);
	progress_clear();
	return scenario_result_matches(s, res);
}

/* scenario_result_search, with the bound when it is one: "bound 2". */
const char *search_extent(const struct scenario_result *r, char *buf, size_t len)
{
	const char *search = scenario_result_search(r);

	if (strcmp(search, "bound") == 0)
		snprintf(buf, len, "bound %u", r->stats.bound_reached);
	else
		snprintf(buf, len, "%s", search);
	return buf;
}

void print_scenario_result(const struct cli_common *c, const struct scenario *s,
			   const struct scenario_result *r, bool matched)
{
	char e[64], g[64], x[32];

	if (r->verdict == VERDICT_ERROR) { /* bad input: its one-line message, on stderr */
		fprintf(stderr, "%s\n", r->error);
		return;
	}
	if (c->quiet && (matched || inconclusive_allowed(c, r)))
		return;
	expected_text(s, e, sizeof(e));
	got_text(r, g, sizeof(g));
	if (matched)
		printf("ok   %-34s %-28s", s->name, g);
	else if (inconclusive_allowed(c, r))
		printf("skip %-34s %-28s", s->name, g);
	else
		printf("FAIL %-34s expected %s, got %s\n     %-34s %-28s", s->name, e, g, "", "");
	printf(" %7lu executions %7lu traces %10llu steps  %-9s", r->stats.executions,
	       r->stats.distinct_traces, r->stats.steps, search_extent(r, x, sizeof(x)));
	if (!c->quiet) /* -q: the same results print the same bytes */
		printf(" %.2fs", r->stats.seconds);
	printf("\n");
	if (c->outcomes)
		print_outcomes(s, r);
	if (r->failure) {
		printf("     %s\n", r->failure->message);
		if (c->verbose || !matched)
			printf("     schedule %s (%u preemptions)\n", r->failure->schedule,
			       r->failure->preemptions);
	}
	fflush(stdout);
}

void print_summary(int passed, int failed, int skipped)
{
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	fflush(stdout);
}

/* ---- the report database around a run ---- */

const char *disasm_of_step(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len)
{
	return disasm_text(ud, pc, bytes, len);
}

int report_run_open(const struct cli_common *c, int argc, char **argv, struct run_record *r)
{
	char err[1024];

	memset(r, 0, sizeof(*r));
	r->run_id = -1;
	if (!c->db_path)
		return 0;
	r->db = report_open(c->db_path, err, sizeof(err));
	if (!r->db) {
		fprintf(stderr, "patchcheck: %s\n", err);
		return -1;
	}
	r->run_id = report_begin_run(r->db, PATCHCHECK_VERSION, argc, argv);
	if (r->run_id < 0) {
		fprintf(stderr, "patchcheck: %s\n", report_last_error(r->db));
		report_close(r->db);
		r->db = NULL;
		return -1;
	}
	return 0;
}

int64_t report_run_add(struct run_record *r, size_t position, const struct scenario *s,
		       const struct scenario_result *res)
{
	const struct arch_model *arch;
	struct disasm *d;
	char fh[17], err[1024];
	int64_t id;

	if (!r->db)
		return -1;
	arch = res->arch ? res->arch : arch_model_find(s->arch); /* arm: the A32 or T32 model */
	d = arch ? disasm_open(arch) : NULL;
	file_hash(s->path, fh);
	id = report_add_scenario(r->db, r->run_id, (int64_t)position, s, fh, res, disasm_of_step, d,
				 err, sizeof(err));
	if (id < 0) {
		fprintf(stderr, "patchcheck: %s: %s was not stored\n", err, s->name);
		r->unstored++;
	}
	disasm_close(d);
	return id;
}

int report_run_close(struct run_record *r, int exit_code)
{
	if (!r->db)
		return exit_code;
	if (r->unstored) {
		fprintf(stderr, "patchcheck: %u scenario%s of this run could not be stored in %s; the run"
			" stays 'incomplete' there\n", r->unstored, r->unstored == 1 ? "" : "s",
			report_db_path(r->db));
		exit_code = exit_code_worst(exit_code, EXIT_ENVIRONMENT);
	}
	if (report_end_run(r->db, r->run_id, exit_code, r->unstored == 0) < 0) {
		fprintf(stderr, "patchcheck: %s\n", report_last_error(r->db));
		exit_code = exit_code_worst(exit_code, EXIT_ENVIRONMENT);
	}
	report_close(r->db);
	r->db = NULL;
	return exit_code;
}

int exit_code_worst(int a, int b)
{
	return a > b ? a : b;
}

int exit_code_of_counts(int bad_input, int mismatches, int environment)
{
	return environment ? EXIT_ENVIRONMENT
	       : bad_input ? EXIT_BAD_INPUT
	       : mismatches ? EXIT_MISMATCH
			    : EXIT_MATCH;
}
