/*
 * cmd_merge.c - `patchcheck merge OUT.db IN.db...`: the latest run of each input database
 * (typically the shards of one gate, `gate --shard I/N --db shardI.db`) combined into one new
 * run of OUT.db, created when missing, which `report` and `replay` then read as if one
 * unsharded run had written it.
 *
 * Shards of one split are put back in the unsharded order whatever order they are given in;
 * they must all have the same N and no shard may come twice. Runs that are not shards follow
 * one another in the order given; shards and other runs do not mix. The merged run is
 * 'complete' only when every input run is and, for shards, every shard of the split is there;
 * its exit code is the worst of theirs. Exit 0 when merged, 2 for bad usage or a bad input (a
 * missing file, not a report, no run, a shard twice, OUT being an input), 3 when OUT cannot be
 * written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reports/reports.h"
#include "cli.h"

static void merge_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck merge OUT.db IN.db...\n"
		"\n"
		"Combines the latest run of each IN.db into one new run of OUT.db (created when\n"
		"missing): the shards of one split (gate or run --shard I/N) in the order the\n"
		"unsharded run would have stored the scenarios, whatever order they are given in;\n"
		"other runs one after another. 'patchcheck report' and 'patchcheck replay' read the\n"
		"merged run as they read an unsharded one. The merged run is complete only when every\n"
		"input run is and no shard is missing; its exit code is the worst of theirs.\n"
		"\n"
		"options:\n"
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 merged; 2 bad usage or input (a missing or foreign file, a database\n"
		"without a run, a shard given twice, shards of different splits, OUT.db being one of\n"
		"the inputs); 3 OUT.db could not be written.\n");
}

/* One input: where it is, its latest run, and what that run was. */
struct merge_input {
	struct report_run_source src;
	struct stored_run run;
};

/* Read the latest run of path into in: 0, or -1 with a message. */
static int read_input(const char *path, struct merge_input *in)
{
	char err[1024];
	struct report_reader *r = report_reader_open(path, err, sizeof(err));
	int64_t id;
	int rc = -1;

	if (!r) {
		fprintf(stderr, "patchcheck merge: %s\n", err);
		return -1;
	}
	id = report_read_latest_run_id(r);
	if (id == 0)
		fprintf(stderr, "patchcheck merge: %s: holds no run\n", path);
	else if (id < 0 || report_read_run(r, id, &in->run) < 0)
		fprintf(stderr, "patchcheck merge: %s\n", report_reader_last_error(r));
	else
		rc = 0;
	report_reader_close(r);
	if (rc)
		return -1;
	in->src.path = path;
	in->src.run_id = id;
	if (!shard_of_command_line(in->run.options, &in->src.shard_index, &in->src.shard_count))
		in->src.shard_index = in->src.shard_count = 0;
	return 0;
}

/* "shard I/N" or "a run that is no shard", into buf. */
static const char *shard_text(const struct report_run_source *src, char *buf, size_t size)
{
	if (src->shard_count)
		snprintf(buf, size, "shard %lu/%lu", src->shard_index, src->shard_count);
	else
		snprintf(buf, size, "a run that is no shard");
	return buf;
}

/* The inputs are all shards of one split (each at most once) or none is a shard: 0, or -1 with
 * a message. *missing: shards of the split that are not among them. */
static int check_shards(const struct merge_input *in, int n, unsigned long *missing)
{
	unsigned long count = in[0].src.shard_count;

	*missing = 0;
	for (int i = 0; i < n; i++) {
		if (in[i].src.shard_count != count) {
			char a[48], b[48];

			fprintf(stderr, "patchcheck merge: %s holds %s but %s holds %s; only the shards"
				" of one split, or only runs that are no shard, merge\n", in[0].src.path,
				shard_text(&in[0].src, a, sizeof(a)), in[i].src.path,
				shard_text(&in[i].src, b, sizeof(b)));
			return -1;
		}
		for (int j = 0; j < i && count; j++) {
			if (in[j].src.shard_index == in[i].src.shard_index) {
				fprintf(stderr, "patchcheck merge: %s and %s both hold shard %lu/%lu\n",
					in[j].src.path, in[i].src.path, in[i].src.shard_index, count);
				return -1;
			}
		}
	}
	if (count)
		*missing = count - (unsigned long)n;
	return 0;
}

/* OUT may be no input (nor a side file of one), and no input may come twice: 0 or -1. */
static int check_files(const char *out, char **inputs, int n)
{
	char err[1024];

	for (int i = 0; i < n; i++) {
		if (output_refuse_input("merged database", out, inputs[i], err, sizeof(err))) {
			fprintf(stderr, "patchcheck merge: %s\n", err);
			return -1;
		}
		for (int j = 0; j < i; j++) {
			if (same_file(inputs[i], inputs[j])) {
				fprintf(stderr, "patchcheck merge: %s and %s are the same database\n",
					inputs[j], inputs[i]);
				return -1;
			}
		}
	}
	return 0;
}

/* Write the merged run into out: an exit code. */
static int write_merged(const char *out, struct merge_input *in, int n, unsigned long missing,
			int argc, char **argv)
{
	struct report_run_source *src = calloc((size_t)n, sizeof(*src));
	int exit_code = EXIT_MATCH, rc;
	bool complete = missing == 0;
	struct report_db *db;
	char err[1024];
	int64_t run_id;

	if (!src) {
		fprintf(stderr, "patchcheck merge: out of memory\n");
		return EXIT_ENVIRONMENT;
	}
	for (int i = 0; i < n; i++) {
		src[i] = in[i].src;
		complete = complete && !strcmp(in[i].run.status, "complete") && in[i].run.has_exit_code;
		if (in[i].run.has_exit_code)
			exit_code = exit_code_worst(exit_code, in[i].run.exit_code);
	}
	db = report_open(out, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "patchcheck merge: %s\n", err);
		free(src);
		return EXIT_ENVIRONMENT;
	}
	run_id = report_begin_run(db, PATCHCHECK_VERSION, argc, argv);
	rc = run_id < 0 ? -1 : report_copy_runs(db, run_id, src, (size_t)n, err, sizeof(err));
	if (run_id < 0)
		snprintf(err, sizeof(err), "%s", report_last_error(db));
	if (rc == 0 && report_end_run(db, run_id, exit_code, complete) < 0) {
		snprintf(err, sizeof(err), "%s", report_last_error(db));
		rc = -1;
	}
	report_close(db);
	free(src);
	if (rc) {
		fprintf(stderr, "patchcheck merge: %s\n", err);
		return rc == -2 ? EXIT_BAD_INPUT : EXIT_ENVIRONMENT;
	}
	if (missing)
		fprintf(stderr, "patchcheck merge: %lu shard%s of %lu missing: run %lld of %s stays"
			" 'incomplete'\n", missing, missing == 1 ? "" : "s", in[0].src.shard_count,
			(long long)run_id, out);
	printf("%s: run %lld, %s, from %d database%s\n", out, (long long)run_id,
	       complete ? "complete" : "incomplete", n, n == 1 ? "" : "s");
	return EXIT_MATCH;
}

int cmd_merge(int argc, char **argv)
{
	char **paths = calloc((size_t)argc, sizeof(*paths));
	struct merge_input *in = calloc((size_t)argc, sizeof(*in));
	int npaths = 0, nread = 0, exit_code = EXIT_BAD_INPUT;
	unsigned long missing;

	if (!paths || !in) {
		fprintf(stderr, "patchcheck merge: out of memory\n");
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			merge_usage(stdout);
			exit_code = EXIT_MATCH;
			goto out;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "patchcheck merge: unknown option '%s' (try --help)\n", argv[i]);
			goto out;
		}
		paths[npaths++] = argv[i];
	}
	if (npaths < 2) {
		merge_usage(stderr);
		goto out;
	}
	if (check_files(paths[0], paths + 1, npaths - 1))
		goto out;
	for (nread = 0; nread < npaths - 1; nread++)
		if (read_input(paths[nread + 1], &in[nread]))
			goto out;
	if (check_shards(in, nread, &missing))
		goto out;
	exit_code = write_merged(paths[0], in, nread, missing, argc, argv);
out:
	for (int i = 0; i < nread; i++)
		stored_run_release(&in[i].run);
	free(in);
	free(paths);
	return exit_code;
}
