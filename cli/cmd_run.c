/*
 * cmd_run.c - `patchcheck run FILE...`: load every scenario (any bad file: exit 2 before
 * running), explore each, print its verdict and statistics, store everything in the report
 * database, exit 0 when every verdict matches its expectation and 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../emu/machine.h"
#include "../reports/reports.h"
#include "cli.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck run [options] FILE...\n"
		"\n"
		"Explores each scenario file and compares its verdict with the file's 'expect'.\n"
		"\n"
		"options:\n"
		"  --db FILE             report database (default: patchcheck.db in the current directory)\n"
		"  --no-db               do not write a report database\n"
		"  --max-executions N    stop exploring a scenario after N executions\n"
		"  --guest-dir DIR       where the guest images are (default: the build's guest/)\n"
		"  -q, --quiet           print only mismatches and the summary\n"
		"  -v, --verbose         also print each failure's schedule\n"
		"  -h, --help            this text\n");
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

		if (only_files || a[0] != '-' || a[1] == 0) {
			files[(*nfiles)++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_files = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			run_usage(stdout);
			exit(EXIT_MATCH);
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			c->db_path = argv[++i];
		} else if (strcmp(a, "--no-db") == 0) {
			c->db_path = NULL;
		} else if (strcmp(a, "--guest-dir") == 0 && i + 1 < argc) {
			c->guest_dir = argv[++i];
		} else if (strcmp(a, "--max-executions") == 0 && i + 1 < argc) {
			char *end;

			c->max_executions = strtoul(argv[++i], &end, 10);
			if (*end || c->max_executions == 0) {
				fprintf(stderr, "patchcheck run: --max-executions wants a positive number, got '%s'\n",
					argv[i]);
				return -1;
			}
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			c->quiet = true;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->verbose = true;
		} else {
			fprintf(stderr, "patchcheck run: unknown or incomplete option '%s' (try --help)\n", a);
			return -1;
		}
	}
	return 0;
}

static const char *expected_text(const struct scenario *s, char *buf, size_t len)
{
	if (s->expect == VERDICT_PASS)
		snprintf(buf, len, "pass");
	else
		snprintf(buf, len, "fail:%s", s->expect_invariant);
	return buf;
}

static const char *got_text(const struct scenario_result *r, char *buf, size_t len)
{
	if (r->verdict == VERDICT_PASS)
		snprintf(buf, len, "pass");
	else if (r->verdict == VERDICT_FAIL)
		snprintf(buf, len, "fail:%s", r->failure ? r->failure->invariant : "?");
	else
		snprintf(buf, len, "error");
	return buf;
}

static const char *disasm_cb(void *ud, uint64_t pc, const uint8_t *bytes, unsigned len)
{
	return disasm_text(ud, pc, bytes, len);
}

static void print_result(const struct cli_common *c, const struct scenario *s,
			 const struct scenario_result *r, bool matched)
{
	char e[64], g[64];

	if (c->quiet && matched)
		return;
	expected_text(s, e, sizeof(e));
	got_text(r, g, sizeof(g));
	if (matched)
		printf("ok   %-34s %-28s", s->name, g);
	else
		printf("FAIL %-34s expected %s, got %s\n     %-34s %-28s", s->name, e, g, "", "");
	printf(" %7lu interleavings %7lu points %9llu steps  bound %u%s  %.2fs\n", r->stats.executions,
	       r->stats.schedule_points, r->stats.steps, r->stats.bound_reached,
	       r->stats.truncated ? " (truncated)" : "", r->stats.seconds);
	if (r->verdict == VERDICT_ERROR)
		printf("     %s\n", r->error);
	if (r->failure) {
		printf("     %s\n", r->failure->message);
		if (c->verbose || !matched)
			printf("     schedule %s (%u preemptions)\n", r->failure->schedule,
			       r->failure->preemptions);
	}
	fflush(stdout);
}

int cmd_run(int argc, char **argv)
{
	struct cli_common c = {0};
	int nfiles, bad = 0, mismatches = 0;
	struct scenario *scns;
	struct report_db *db = NULL;
	int64_t run_id = -1;
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
	if (c.db_path) {
		db = report_open(c.db_path, err, sizeof(err));
		if (!db) {
			fprintf(stderr, "patchcheck: %s\n", err);
			free(scns);
			return EXIT_BAD_INPUT;
		}
		run_id = report_begin_run(db, PATCHCHECK_VERSION, argc, argv);
	}
	for (int i = 0; i < nfiles; i++) {
		struct explore_options opt = {
			.guest_dir = c.guest_dir,
			.max_executions = c.max_executions,
			.progress = progress_enabled() ? progress_show : NULL,
			.progress_ud = &scns[i],
		};
		struct scenario_result res;
		bool matched;

		explorer_run(&scns[i], &opt, &res);
		progress_clear();
		matched = scenario_result_matches(&scns[i], &res);
		if (res.verdict == VERDICT_ERROR)
			bad = 1;
		else if (!matched)
			mismatches++;
		print_result(&c, &scns[i], &res, matched);
		if (db) {
			const struct arch_model *arch = arch_model_find(scns[i].arch);
			struct disasm *d = arch ? disasm_open(arch) : NULL;
			char fh[17];

			file_hash(scns[i].path, fh);
			if (report_add_scenario(db, run_id, &scns[i], fh, &res, disasm_cb, d, err,
						sizeof(err)) < 0)
				fprintf(stderr, "patchcheck: %s\n", err);
			disasm_close(d);
		}
		scenario_result_free(&res);
	}
	printf("%d passed, %d failed\n", nfiles - mismatches - bad, mismatches + bad);
	if (db) {
		report_end_run(db, run_id, bad ? EXIT_BAD_INPUT : mismatches ? EXIT_MISMATCH : EXIT_MATCH);
		report_close(db);
	}
	free(scns);
	return bad ? EXIT_BAD_INPUT : mismatches ? EXIT_MISMATCH : EXIT_MATCH;
}
