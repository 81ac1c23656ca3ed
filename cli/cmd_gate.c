/*
 * cmd_gate.c - `patchcheck gate [DIR|FILE...]`: the regression gate for CI. Runs every scenario
 * under the given directories (default: the bundled scenarios, patchcheck_scenarios_dir()), compares
 * each verdict with the file's `expect`, prints one line per scenario and the closing count,
 * stores the run in the report database and, with --junit, writes the results as JUnit XML
 * with the replay command of every failing interleaving.
 *
 * A bad scenario file does not stop the gate: it is reported in its place (its file:line:col
 * message in the listing, an <error> in the JUnit file), counted as failed, the other scenarios
 * still run, and the exit code is 2. A scenario whose arch has no model in this build is
 * skipped: counted and reported, never a failure. Exit 0 only when every other verdict matches.
 *
 * With --baseline DB[:RUN], each scenario is also classified against a stored run
 * (gate_baseline.c); the class is printed, and written to the JUnit and TAP files, and a verdict
 * fails the gate only when it regressed: a known failure that stays the same passes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/arch.h"
#include "../reports/reports.h"
#include "cli.h"


/* What the JUnit file says about one scenario file; the strings are owned. */
struct gate_case {
	struct junit_case junit;
	char *name, *classname, *type, *message, *text;
	bool regressed; /* against the baseline */
};

struct gate {
	struct cli_common c;
	int argc;
	char **argv;
	const struct scenario_files *files;
	size_t *held, nheld;          /* the files of the shard, by their place in files */
	const char *junit_path, *tap_path;
	const char *baseline_spec;    /* --baseline DB[:RUN], or NULL */
	struct gate_baseline baseline;
	struct run_record rec;
	struct report_reader *reader; /* opened when a failure's id is first needed */
	struct gate_case *cases;
	size_t ncases;
	int passed, mismatches, errors, skipped;
	int regressions; /* verdicts that regressed against the baseline */
	int environment; /* errors the machine caused (exit 3), counted among errors too */
};

static void gate_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck gate [options] [DIR|FILE...]\n"
		"\n"
		"Runs every scenario (*.yaml, recursively, in path order) under each DIR, and each FILE,\n"
		"and checks that every verdict matches the file's 'expect': the regression gate for CI.\n"
		"Prints one line per scenario and 'N passed, M failed[, K skipped]'. A bad scenario file\n"
		"is reported in its place and the others still run; a scenario whose arch has no model\n"
		"in this build is skipped.\n"
		"\n"
		"options:\n"
		"  --junit FILE          also write the results as JUnit XML (GitLab, Jenkins, GitHub)\n"
		"  --tap FILE            also write the results as TAP version 13 (kselftest's format)\n"
		"  --baseline DB[:RUN]   classify each scenario against run RUN (default: the newest)\n"
		"                        of the report database DB: new failure, fixed, still failing\n"
		"                        (same or different invariant), newly inconclusive, unchanged;\n"
		"                        only a regression fails the gate\n"
		"  --scenarios-dir DIR   the directory gated when no DIR|FILE is given\n"
		"                        (default: %s)\n",
		patchcheck_scenarios_dir());
	print_common_options(out);
	fprintf(out,
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 every verdict as expected; 1 a verdict did not match (an inconclusive\n"
		"search too, unless --allow-inconclusive), or with --baseline a new failure, another\n"
		"invariant or a newly inconclusive search; 2 bad usage, a bad scenario file (reported\n"
		"as a failure; the other scenarios still run) or baseline; 3 the results could not be recorded or\n"
		"written, or out of memory. When several apply, the largest wins.\n");
}

/* Parses options (anywhere on the line) and collects the roots into roots[0..*nroots).
 * Returns 0, 1 after printing --help, or -1 on bad usage. */
static int parse_options(struct gate *g, const char **roots, int *nroots)
{
	const char *scenarios_dir = patchcheck_scenarios_dir();
	bool only_roots = false;

	g->c.db_path = "patchcheck.db";
	*nroots = 0;
	for (int i = 1; i < g->argc; i++) {
		const char *a = g->argv[i];
		bool has_value = i + 1 < g->argc;
		int common;

		if (only_roots || a[0] != '-' || a[1] == 0) {
			roots[(*nroots)++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_roots = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			gate_usage(stdout);
			return 1;
		} else if (strcmp(a, "--junit") == 0 && has_value) {
			g->junit_path = g->argv[++i];
		} else if (strcmp(a, "--tap") == 0 && has_value) {
			g->tap_path = g->argv[++i];
		} else if (strcmp(a, "--baseline") == 0 && has_value) {
			g->baseline_spec = g->argv[++i];
		} else if (strcmp(a, "--scenarios-dir") == 0 && has_value) {
			scenarios_dir = g->argv[++i];
		} else if ((common = parse_common_option("gate", g->argc, g->argv, &i, &g->c)) != 0) {
			if (common < 0)
				return -1;
		} else {
			fprintf(stderr, "patchcheck gate: unknown or incomplete option '%s' (try --help)\n", a);
			return -1;
		}
	}
	if (*nroots == 0)
		roots[(*nroots)++] = scenarios_dir;
	return 0;
}

/* ---- text for the listing and the JUnit file ---- */

static bool is_shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
			    *s))
			return false;
	return true;
}

/* s as one shell word. */
static void put_shell_word(FILE *out, const char *s)
{
	if (is_shell_safe(s)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* The failure id stored for the scenario row, 0 when unknown (no database, read error). */
static int64_t stored_failure_id(struct gate *g, int64_t scenario_id)
{
	struct stored_scenario *rows;
	size_t n;
	int64_t id = 0;
	char err[1024];

	if (!g->rec.db || g->rec.run_id <= 0 || scenario_id <= 0)
		return 0;
	if (!g->reader) {
		g->reader = report_reader_open(g->c.db_path, err, sizeof(err));
		if (!g->reader) {
			fprintf(stderr, "patchcheck gate: %s\n", err);
			return 0;
		}
	}
	if (report_read_scenarios_of_run(g->reader, g->rec.run_id, &rows, &n) < 0) {
		fprintf(stderr, "patchcheck gate: %s\n", report_reader_last_error(g->reader));
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == scenario_id)
			id = rows[i].failure_id;
	stored_scenarios_free(rows, n);
	return id;
}

/* The commands that replay the failure: from the database when it was stored there, and from
 * the scenario file and the schedule, which needs nothing but the tree. */
static void put_replay_commands(FILE *out, const char *indent, const struct cli_common *c,
				int64_t failure_id, const struct scenario *s,
				const struct failure *f)
{
	if (failure_id > 0) {
		fprintf(out, "%sreplay: patchcheck replay --db ", indent);
		put_shell_word(out, c->db_path);
		fprintf(out, " %lld\n", (long long)failure_id);
	}
	fprintf(out, "%sreplay%s: patchcheck replay ", indent,
		failure_id > 0 ? " without the database" : "");
	if (c->data_memory)
		fprintf(out, "--data-memory %s ", c->data_memory);
	if (c->guest_stop)
		fprintf(out, "--stop-machine guest ");
	put_shell_word(out, s->path);
	fprintf(out, " --schedule %s\n", f->schedule);
}

/* The body of a JUnit <failure>: what was expected and found, the failure's facts, how to
 * replay it. */
static char *failure_text(const struct gate *g, const struct scenario *s,
			  const struct scenario_result *r, int64_t failure_id)
{
	const struct failure *f = r->failure;
	char e[64], got[64], *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	fprintf(out, "%s: expected %s, got %s\n", s->path, expected_text(s, e, sizeof(e)),
		got_text(r, got, sizeof(got)));
	if (!f) {
		fprintf(out, "no failing interleaving in %lu executions up to %u preemptions%s\n",
			r->stats.executions, r->stats.bound_reached,
			r->stats.truncated ? " (the execution limit cut the search short)" : "");
	} else {
		fprintf(out, "%s\n", f->message);
		fprintf(out, "invariant: %s\nhart: %u\nstep: %llu\npc: 0x%llx\nexpected: %s\nactual: %s\n",
			f->invariant, f->hart, (unsigned long long)f->step,
			(unsigned long long)f->pc, f->expected, f->actual);
		fprintf(out, "schedule: %s (%u preemptions)\n", f->schedule, f->preemptions);
		put_replay_commands(out, "", &g->c, failure_id, s, f);
	}
	fclose(out);
	return text;
}

/* ---- the cases ---- */

static struct gate_case *new_case(struct gate *g, const struct scenario_file *file,
				  const char *name, enum junit_outcome outcome)
{
	struct gate_case *k, *v = realloc(g->cases, (g->ncases + 1) * sizeof(*v));

	if (!v)
		return NULL;
	g->cases = v;
	k = &g->cases[g->ncases++];
	memset(k, 0, sizeof(*k));
	k->name = strdup(name);
	k->classname = strdup(file->suite);
	for (char *p = k->classname; p && *p; p++)
		if (*p == '/')
			*p = '.';
	k->junit.suite = file->suite;
	k->junit.file = file->path;
	k->junit.outcome = outcome;
	return k;
}

static void set_case_message(struct gate_case *k, const char *type, const char *message,
			     char *text)
{
	k->type = strdup(type);
	k->message = strdup(message);
	k->text = text;
}

static void free_cases(struct gate *g)
{
	for (size_t i = 0; i < g->ncases; i++) {
		free(g->cases[i].name);
		free(g->cases[i].classname);
		free(g->cases[i].type);
		free(g->cases[i].message);
		free(g->cases[i].text);
	}
	free(g->cases);
}

/* ---- gating one file ---- */

/* The case's class against the baseline: printed under the scenario's lines when it is not
 * "unchanged", kept for the JUnit and TAP files, counted when it regressed. */
static void classify_against_baseline(struct gate *g, struct gate_case *k,
				      const struct scenario *s, const struct scenario_result *res,
				      bool matched)
{
	char was[200];
	enum baseline_class c = gate_baseline_classify(&g->baseline, s, res, matched, was,
						       sizeof(was));

	k->junit.baseline = baseline_class_name(c);
	k->regressed = baseline_class_regressed(c) &&
		       !(c == BASELINE_NEWLY_INCONCLUSIVE && inconclusive_allowed(&g->c, res));
	g->regressions += k->regressed;
	if (c == BASELINE_UNCHANGED)
		return;
	if (g->c.quiet && (matched || inconclusive_allowed(&g->c, res))) /* no line above */
		printf("%-4s %-34s ", matched ? "ok" : "skip", s->name);
	else
		printf("     ");
	printf("baseline: %s (%s)\n", baseline_class_name(c), was);
	fflush(stdout);
}

/* The scenarios that regressed against the baseline, by name, and the count of each class. */
static void print_baseline_summary(struct gate *g)
{
	for (size_t i = 0; i < g->ncases; i++)
		if (g->cases[i].regressed)
			printf("regressed: %s (%s)\n", g->cases[i].name, g->cases[i].junit.baseline);
	gate_baseline_print_counts(stdout, &g->baseline);
}

static void gate_bad_file(struct gate *g, const struct scenario_file *file, const char *err)
{
	const char *base = strrchr(file->path, '/');
	struct gate_case *k = new_case(g, file, base ? base + 1 : file->path, JUNIT_ERROR);

	g->errors++;
	printf("FAIL %-34s bad scenario file\n     %s\n", file->path, err);
	fflush(stdout);
	if (k)
		set_case_message(k, "bad-scenario-file", err, strdup(err));
}

static void gate_skipped(struct gate *g, const struct scenario_file *file,
			 const struct scenario *s)
{
	char reason[300];
	struct gate_case *k = new_case(g, file, s->name, JUNIT_SKIPPED);

	skip_reason(&g->c, s, reason, sizeof(reason));
	g->skipped++;
	if (!g->c.quiet) {
		printf("skip %-34s %s\n", s->name, reason);
		fflush(stdout);
	}
	if (k)
		k->message = strdup(reason);
}

static void gate_explored(struct gate *g, const struct scenario_file *file,
			  const struct scenario *s, const struct scenario_result *res, bool matched)
{
	int64_t scenario_id = report_run_add(&g->rec, (size_t)(file - g->files->files), s, res);
	int64_t failure_id = 0;
	char reason[256];
	enum junit_outcome outcome = res->verdict == VERDICT_ERROR	    ? JUNIT_ERROR
				     : matched			    ? JUNIT_PASSED
				     : inconclusive_allowed(&g->c, res) ? JUNIT_SKIPPED
									 : JUNIT_FAILED;
	struct gate_case *k = new_case(g, file, s->name, outcome);

	print_scenario_result(&g->c, s, res, matched);
	if (k && g->baseline_spec)
		classify_against_baseline(g, k, s, res, matched);
	if (res->failure && (g->junit_path || g->tap_path || !matched || g->c.verbose))
		failure_id = stored_failure_id(g, scenario_id);
	if (res->failure && (!matched || g->c.verbose)) {
		put_replay_commands(stdout, "     ", &g->c, failure_id, s, res->failure);
		fflush(stdout);
	}
	if (k)
		k->junit.seconds = res->stats.seconds;
	if (outcome == JUNIT_ERROR) {
		g->errors++;
		g->environment += res->environment;
		if (k)
			set_case_message(k, res->environment ? "environment" : "bad-input", res->error,
					 strdup(res->error));
	} else if (outcome == JUNIT_SKIPPED) {
		g->skipped++;
		if (k)
			k->message = strdup(inconclusive_reason(res, reason, sizeof(reason)));
	} else if (outcome == JUNIT_FAILED) {
		char e[64], got[64], message[1024];

		g->mismatches++;
		snprintf(message, sizeof(message), "expected %s, got %s%s%s",
			 expected_text(s, e, sizeof(e)), got_text(res, got, sizeof(got)),
			 res->failure ? ": " : "",
			 res->failure ? res->failure->message
			 : res->verdict == VERDICT_INCONCLUSIVE
				 ? inconclusive_reason(res, reason, sizeof(reason))
				 : "");
		if (k)
			set_case_message(k, res->failure ? res->failure->invariant
					 : res->verdict == VERDICT_INCONCLUSIVE ? "inconclusive"
									       : "verdict-mismatch",
					 message, failure_text(g, s, res, failure_id));
	} else {
		g->passed++;
	}
}

/* One file of the gate, loaded: a scenario to explore or skip, or a bad file. */
struct gate_item {
	const struct scenario_file *file;
	bool bad;
	char err[1024];
	struct scenario s;
};

/* File i of the shard, loaded. */
static void gate_load(void *ud, size_t i, struct scenario_job *job)
{
	struct gate *g = ud;
	const struct scenario_file *file = &g->files->files[g->held[i]];
	struct gate_item *it = malloc(sizeof(*it));
	char reason[300];

	job->item = it;
	if (!it) {
		fprintf(stderr, "patchcheck gate: %s: out of memory\n", file->path);
		g->errors++;
		g->environment++;
		return;
	}
	it->file = file;
	it->bad = scenario_load(it->file->path, &it->s, it->err, sizeof(it->err)) != 0;
	if (!it->bad && !skip_reason(&g->c, &it->s, reason, sizeof(reason)))
		job->scn = &it->s;
}

static const char *gate_path(void *ud, size_t i)
{
	struct gate *g = ud;

	return g->files->files[g->held[i]].path;
}

/* A file back, in order: reported, counted, stored. */
static void gate_done(void *ud, struct scenario_job *job, struct scenario_result *res,
		      bool matched)
{
	struct gate *g = ud;
	struct gate_item *it = job->item;

	if (!it)
		return;
	if (it->bad)
		gate_bad_file(g, it->file, it->err);
	else if (!res)
		gate_skipped(g, it->file, &it->s);
	else
		gate_explored(g, it->file, &it->s, res, matched);
	free(it);
}

/* An output may be neither the database, nor a scenario file, nor the other output: refused
 * before anything runs (exit 2). */
static int refuse_output(struct gate *g, const struct scenario_files *files, const char *what,
			 const char *path, const char *other)
{
	char err[1024];
	int refused = 0;

	if (!path)
		return 0;
	if (g->c.db_path)
		refused = output_refuse_input(what, path, g->c.db_path, err, sizeof(err));
	for (size_t i = 0; i < files->n && !refused; i++)
		refused = output_refuse_input(what, path, files->files[i].path, err, sizeof(err));
	if (!refused && other && same_file(path, other)) {
		snprintf(err, sizeof(err), "%s: the JUnit and the TAP file must differ", path);
		refused = 1;
	}
	if (refused)
		fprintf(stderr, "patchcheck gate: %s\n", err);
	return refused;
}

static int refuse_outputs_over_inputs(struct gate *g, const struct scenario_files *files)
{
	return refuse_output(g, files, "JUnit file", g->junit_path, g->tap_path) ||
	       refuse_output(g, files, "TAP file", g->tap_path, NULL);
}

/* The JUnit and TAP files, each when asked for: 0, or -1 with a message. */
static int write_reports(struct gate *g)
{
	struct junit_case *cases = calloc(g->ncases ? g->ncases : 1, sizeof(*cases));
	char err[1024];
	int rc = 0;

	if (!cases) {
		fprintf(stderr, "patchcheck gate: cannot write the results: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < g->ncases; i++) {
		struct gate_case *k = &g->cases[i];

		cases[i] = k->junit;
		cases[i].name = k->name;
		cases[i].classname = k->classname;
		cases[i].type = k->type;
		cases[i].message = k->message;
		cases[i].text = k->text;
	}
	if (g->junit_path && junit_write(g->junit_path, "patchcheck gate", cases, g->ncases, err,
					 sizeof(err))) {
		fprintf(stderr, "patchcheck gate: %s\n", err);
		rc = -1;
	}
	if (g->tap_path && tap_write(g->tap_path, cases, g->ncases, err, sizeof(err))) {
		fprintf(stderr, "patchcheck gate: %s\n", err);
		rc = -1;
	}
	free(cases);
	return rc;
}

int cmd_gate(int argc, char **argv)
{
	struct gate g = {.argc = argc, .argv = argv};
	static const struct scenario_job_ops ops = {
		.load = gate_load, .path = gate_path, .done = gate_done};
	struct scenario_files files = {0};
	const char **roots = calloc((size_t)argc + 1, sizeof(*roots));
	int nroots, parsed, exit_code = EXIT_BAD_INPUT;
	char err[1024];

	if (!roots)
		goto out;
	parsed = parse_options(&g, roots, &nroots);
	if (parsed != 0) { /* --help (1) or bad usage (-1); nothing is open yet */
		exit_code = parsed > 0 ? EXIT_MATCH : EXIT_BAD_INPUT;
		goto out;
	}
	for (int i = 0; i < nroots; i++) {
		if (scenario_files_add(&files, roots[i], err, sizeof(err))) {
			fprintf(stderr, "patchcheck gate: %s\n", err);
			goto out;
		}
	}
	if (refuse_outputs_over_inputs(&g, &files))
		goto out;
	if (!(g.held = shard_list_of(&g.c, files.n, &g.nheld))) {
		fprintf(stderr, "patchcheck gate: out of memory\n");
		exit_code = EXIT_ENVIRONMENT;
		goto out;
	}
	if (g.baseline_spec && gate_baseline_load(g.baseline_spec, &g.baseline, err, sizeof(err))) {
		fprintf(stderr, "patchcheck gate: %s\n", err);
		goto out;
	}
	if (report_run_open(&g.c, argc, argv, &g.rec) < 0) {
		exit_code = EXIT_ENVIRONMENT;
		goto out;
	}
	g.files = &files;
	explore_in_order(&g.c, &ops, &g, g.nheld);
	if (g.baseline_spec)
		print_baseline_summary(&g);
	print_summary(g.passed, g.mismatches + g.errors, g.skipped);
	exit_code = exit_code_of_counts(g.errors - g.environment,
					g.baseline_spec ? g.regressions : g.mismatches,
					g.environment);
	if ((g.junit_path || g.tap_path) && write_reports(&g))
		exit_code = exit_code_worst(exit_code, EXIT_ENVIRONMENT);
	report_reader_close(g.reader);
	exit_code = report_run_close(&g.rec, exit_code);
out:
	free(g.held);
	gate_baseline_free(&g.baseline);
	free_cases(&g);
	scenario_files_free(&files);
	free(roots);
	return exit_code;
}
