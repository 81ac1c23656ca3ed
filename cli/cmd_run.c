/*
 * cmd_run.c - `patchcheck run FILE...`: load every scenario (any bad file: exit 2 before
 * running), explore each (with --shard, those of the shard), print its verdict and
 * statistics, store everything in the report database, exit 0 when every verdict matches its
 * expectation and 1 otherwise (3 when the database cannot take the results).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck run [options] FILE...\n"
		"\n"
		"Explores each scenario file and compares its verdict with the file's 'expect'.\n"
		"\n"
		"options:\n");
	print_common_options(out);
	fprintf(out,
		"  --outcomes            print each litmus scenario's final outcomes (with how many\n"
		"                        executions reached each) and its exists: verdict\n"
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 every verdict as expected; 1 a verdict did not match (an inconclusive\n"
		"search too, unless --allow-inconclusive); 2 bad usage or input; 3 the results could\n"
		"not be recorded, or out of memory. When several apply, the largest wins.\n");
}

/* Parses options (anywhere on the line) and collects the files into files[0..*nfiles).
 * Returns 0, or -1 on bad usage. */
static int parse_options(int argc, char **argv, struct cli_common *c, char **files, int *nfiles)
{
	bool only_files = false;

	c->db_path = "patchcheck.db";
	*nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int common;

		if (only_files || a[0] != '-' || a[1] == 0) {
			files[(*nfiles)++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_files = true;
		} else if (strcmp(a, "--outcomes") == 0) {
			c->outcomes = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			run_usage(stdout);
			exit(EXIT_MATCH);
		} else if ((common = parse_common_option("run", argc, argv, &i, c)) != 0) {
			if (common < 0)
				return -1;
		} else {
			fprintf(stderr, "patchcheck run: unknown or incomplete option '%s' (try --help)\n", a);
			return -1;
		}
	}
	return 0;
}

/* A run: its loaded scenarios, the next one to hand out, and the counts of what came back. */
struct run {
	struct cli_common c;
	struct scenario *scns;
	int nfiles;
	size_t *held, nheld; /* the scenarios of the shard, by their place in scns */
	struct run_record rec;
	int nrun, skipped, errors, mismatches, environment;
};

/* Scenario i of the shard; it is explored unless skipped. */
static void run_load(void *ud, size_t i, struct scenario_job *job)
{
	struct run *r = ud;
	char reason[300];

	job->item = &r->scns[r->held[i]];
	job->scn = skip_reason(&r->c, job->item, reason, sizeof(reason)) ? NULL : job->item;
	r->nrun++;
}

static const char *run_path(void *ud, size_t i)
{
	struct run *r = ud;

	return r->scns[r->held[i]].path;
}

/* A scenario back, in order: counted, printed, stored. */
static void run_done(void *ud, struct scenario_job *job, struct scenario_result *res,
		     bool matched)
{
	struct run *r = ud;
	const struct scenario *s = job->item;
	char reason[300];

	if (!res) {
		r->skipped++;
		if (!r->c.quiet)
			printf("skip %-34s %s\n", s->name, skip_reason(&r->c, s, reason, sizeof(reason)));
		return;
	}
	if (res->verdict == VERDICT_ERROR && res->environment)
		r->environment++;
	else if (res->verdict == VERDICT_ERROR)
		r->errors++;
	else if (inconclusive_allowed(&r->c, res))
		r->skipped++;
	else if (!matched)
		r->mismatches++;
	print_scenario_result(&r->c, s, res, matched);
	report_run_add(&r->rec, (size_t)(s - r->scns), s, res);
}

int cmd_run(int argc, char **argv)
{
	static const struct scenario_job_ops ops = {
		.load = run_load, .path = run_path, .done = run_done};
	struct run r = {0};
	int bad = 0, exit_code;
	char err[1024];

	char **files = calloc((size_t)argc, sizeof(*files));

	if (!files || parse_options(argc, argv, &r.c, files, &r.nfiles) < 0) {
		free(files);
		return EXIT_BAD_INPUT;
	}
	if (r.nfiles <= 0) {
		run_usage(stderr);
		free(files);
		return EXIT_BAD_INPUT;
	}
	r.scns = calloc((size_t)r.nfiles, sizeof(*r.scns));
	if (!r.scns) {
		free(files);
		return EXIT_BAD_INPUT;
	}
	for (int i = 0; i < r.nfiles; i++) {
		if (scenario_load(files[i], &r.scns[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
		}
	}
	free(files);
	if (bad) {
		free(r.scns);
		return EXIT_BAD_INPUT;
	}
	if (!(r.held = shard_list_of(&r.c, (size_t)r.nfiles, &r.nheld))) {
		free(r.scns);
		return EXIT_ENVIRONMENT;
	}
	if (report_run_open(&r.c, argc, argv, &r.rec) < 0) {
		free(r.held);
		free(r.scns);
		return EXIT_ENVIRONMENT;
	}
	explore_in_order(&r.c, &ops, &r, r.nheld);
	free(r.held);
	print_summary(r.nrun - r.mismatches - r.errors - r.environment - r.skipped,
		      r.mismatches + r.errors + r.environment, r.skipped);
	exit_code = report_run_close(&r.rec, exit_code_of_counts(r.errors, r.mismatches,
								 r.environment));
	free(r.scns);
	return exit_code;
}
