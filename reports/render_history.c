/*
 * render_history.c - `patchcheck report --history [SCENARIO]` as text: how the runs of a
 * report database compare, so that a slowdown or a verdict that flipped is visible. For every
 * run: its scenarios, those not as expected, executions, distinct traces and seconds, then each
 * scenario whose verdict changed from one run it was in to the next; for one scenario: a line
 * per run it was in, a change of verdict marked.
 */
#include <inttypes.h>
#include <string.h>

#include "render_common.h"

static const struct stored_run *run_of(const struct stored_run *runs, size_t nruns, int64_t id)
{
	for (size_t i = 0; i < nruns; i++)
		if (runs[i].id == id)
			return &runs[i];
	return NULL;
}

/* Sums over a run's scenario rows. */
struct run_sums {
	unsigned long scenarios, unexpected;
	uint64_t executions, traces, steps;
	double seconds;
};

static struct run_sums sum_run(int64_t run_id, const struct stored_scenario *rows, size_t n)
{
	struct run_sums t = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (rows[i].run_id != run_id)
			continue;
		t.scenarios++;
		t.unexpected += !rows[i].matched;
		t.executions += rows[i].executions;
		t.traces += rows[i].distinct_traces;
		t.steps += rows[i].steps;
		t.seconds += rows[i].seconds;
	}
	return t;
}

/* The row of the same scenario in the run before row's, among rows[0..i); NULL when none. */
static const struct stored_scenario *previous_of(const struct stored_scenario *rows, size_t i)
{
	for (size_t j = i; j-- > 0;)
		if (rows[j].run_id != rows[i].run_id && !strcmp(rows[j].name, rows[i].name))
			return &rows[j];
	return NULL;
}

static void print_runs_history(FILE *out, const struct stored_run *runs, size_t nruns,
			       const struct stored_scenario *rows, size_t nrows)
{
	char before[96], now[96];
	size_t changes = 0;

	fprintf(out, "%5s  %-20s  %-10s  %9s  %15s  %10s  %8s  %12s  %9s\n", "run",
		"started (UTC)", "status", "scenarios", "not as expected", "executions", "traces",
		"steps", "seconds");
	for (size_t i = 0; i < nruns; i++) {
		struct run_sums t = sum_run(runs[i].id, rows, nrows);

		fprintf(out, "%5" PRId64 "  %-20s  %-10s  %9lu  %15lu  %10" PRIu64 "  %8" PRIu64
			     "  %12" PRIu64 "  %9.2f\n",
			runs[i].id, runs[i].started_at, runs[i].status, t.scenarios, t.unexpected,
			t.executions, t.traces, t.steps, t.seconds);
	}
	fputc('\n', out);
	for (size_t i = 0; i < nrows; i++) {
		const struct stored_scenario *prev = previous_of(rows, i);

		stored_verdict_text(&rows[i], now, sizeof(now));
		if (!prev || !strcmp(stored_verdict_text(prev, before, sizeof(before)), now))
			continue;
		if (!changes++)
			fprintf(out, "verdicts that changed from a scenario's run to its next:\n");
		fprintf(out, "  run %" PRId64 " (was run %" PRId64 ")  %s  %s -> %s\n", rows[i].run_id,
			prev->run_id, rows[i].name, before, now);
	}
	if (!changes)
		fprintf(out, "no verdict changed from a scenario's run to its next\n");
}

static void print_scenario_history(FILE *out, const char *name, const struct stored_run *runs,
				   size_t nruns, const struct stored_scenario *rows, size_t nrows)
{
	char before[96], now[96], failure[24];

	fprintf(out, "history of %s: %zu run%s\n", name, nrows, nrows == 1 ? "" : "s");
	fprintf(out, "%5s  %-20s  %-4s  %-32s  %10s  %8s  %10s  %-9s  %8s  %7s\n", "run",
		"started (UTC)", "", "verdict", "executions", "traces", "steps", "search", "seconds",
		"failure");
	for (size_t i = 0; i < nrows; i++) {
		const struct stored_scenario *s = &rows[i], *prev = previous_of(rows, i);
		const struct stored_run *run = run_of(runs, nruns, s->run_id);

		if (s->failure_id)
			snprintf(failure, sizeof(failure), "%" PRId64, s->failure_id);
		else
			snprintf(failure, sizeof(failure), "-");
		stored_verdict_text(s, now, sizeof(now));
		fprintf(out, "%5" PRId64 "  %-20s  %-4s  %-32s  %10" PRIu64 "  %8" PRIu64
			     "  %10" PRIu64 "  %-9s  %8.2f  %7s%s\n",
			s->run_id, run ? run->started_at : "?", s->matched ? "ok" : "FAIL", now,
			s->executions, s->distinct_traces, s->steps, s->search ? s->search : "-",
			s->seconds, failure,
			prev && strcmp(stored_verdict_text(prev, before, sizeof(before)), now)
				? "  <- verdict changed"
				: "");
	}
}

void report_print_history(FILE *out, const char *name, const struct stored_run *runs,
			  size_t nruns, const struct stored_scenario *rows, size_t nrows)
{
	if (!nruns) {
		fprintf(out, "no runs stored\n");
		return;
	}
	if (name)
		print_scenario_history(out, name, runs, nruns, rows, nrows);
	else
		print_runs_history(out, runs, nruns, rows, nrows);
}
