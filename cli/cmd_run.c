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

int cmd_run(int argc, char **argv)
{
	struct cli_common c = {0};
	int skipped = 0, nfiles, nrun = 0, bad = 0, errors = 0, mismatches = 0, environment = 0;
	int exit_code;
	struct scenario *scns;
	struct run_record rec;
	char err[1024];

	char **files = calloc((size_t)argc, sizeof(*files));

	if (!files || parse_options(argc, argv, &c, files, &nfiles) < 0) {
		free(files);
		return EXIT_BAD_INPUT;
	}
	if (nfiles <= 0) {
		run_usage(stderr);
		free(files);
		return EXIT_BAD_INPUT;
	}
	scns = calloc((size_t)nfiles, sizeof(*scns));
	if (!scns) {
		free(files);
		return EXIT_BAD_INPUT;
	}
	for (int i = 0; i < nfiles; i++) {
		if (scenario_load(files[i], &scns[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
		}
	}
	free(files);
	if (bad) {
		free(scns);
		return EXIT_BAD_INPUT;
	}
	if (report_run_open(&c, argc, argv, &rec) < 0) {
		free(scns);
		return EXIT_ENVIRONMENT;
	}
	for (int i = 0; i < nfiles; i++) {
		struct scenario_result res;
		char reason[300];
		bool matched;

		if (!shard_holds(&c, (size_t)i))
			continue;
		nrun++;
		if (skip_reason(&c, &scns[i], reason, sizeof(reason))) {
			skipped++;
			if (!c.quiet)
				printf("skip %-34s %s\n", scns[i].name, reason);
			continue;
		}
		matched = explore_scenario(&c, &scns[i], &res);
		if (res.verdict == VERDICT_ERROR && res.environment)
			environment++;
		else if (res.verdict == VERDICT_ERROR)
			errors++;
		else if (inconclusive_allowed(&c, &res))
			skipped++;
		else if (!matched)
			mismatches++;
		print_scenario_result(&c, &scns[i], &res, matched);
		report_run_add(&rec, &scns[i], &res);
		scenario_result_free(&res);
	}
	print_summary(nrun - mismatches - errors - environment - skipped,
		      mismatches + errors + environment, skipped);
	exit_code = report_run_close(&rec, exit_code_of_counts(errors, mismatches, environment));
	free(scns);
	return exit_code;
}
