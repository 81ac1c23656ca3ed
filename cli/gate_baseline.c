/*
 * gate_baseline.c - `patchcheck gate --baseline DB[:RUN]`: each scenario's outcome compared
 * with the same scenario (by name) in a stored run. An outcome is a pass (the verdict matched),
 * or what did not match: "fail:<invariant>", "pass" where a failure was expected,
 * "inconclusive" or "error". A regression is a new failure, a failure that changed its
 * outcome, or a search that became inconclusive.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../reports/reports.h"
#include "cli.h"

static const char *const class_names[BASELINE_NCLASSES] = {
	[BASELINE_UNCHANGED] = "unchanged",
	[BASELINE_NEW_FAILURE] = "new failure",
	[BASELINE_FIXED] = "fixed",
	[BASELINE_STILL_FAILING_SAME] = "still failing, same invariant",
	[BASELINE_STILL_FAILING_DIFFERENT] = "still failing, different invariant",
	[BASELINE_NEWLY_INCONCLUSIVE] = "newly inconclusive",
	[BASELINE_NEW_SCENARIO] = "new scenario",
};

const char *baseline_class_name(enum baseline_class k)
{
	return k < BASELINE_NCLASSES ? class_names[k] : "?";
}

bool baseline_class_regressed(enum baseline_class k)
{
	return k == BASELINE_NEW_FAILURE || k == BASELINE_STILL_FAILING_DIFFERENT ||
	       k == BASELINE_NEWLY_INCONCLUSIVE;
}

/* spec as DB and RUN: "DB:N" when what follows the last ':' is a number, else all of it is DB
 * (RUN 0: the newest). -1 with a message when RUN is a number but not a run id. */
static int split_spec(const char *spec, struct gate_baseline *b, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	size_t digits = colon ? strspn(colon + 1, "0123456789") : 0;

	b->run_id = 0;
	if (!colon || colon == spec || digits == 0 || colon[1 + digits] != 0) {
		b->db_path = strdup(spec);
		return b->db_path ? 0 : -1;
	}
	if (digits > 18 || strtoll(colon + 1, NULL, 10) <= 0) {
		snprintf(err, errlen, "--baseline %s: RUN wants a run id from 1, got '%s'", spec,
			 colon + 1);
		return -1;
	}
	b->run_id = strtoll(colon + 1, NULL, 10);
	b->db_path = strndup(spec, (size_t)(colon - spec));
	return b->db_path ? 0 : -1;
}

int gate_baseline_load(const char *spec, struct gate_baseline *b, char *err, size_t errlen)
{
	struct report_reader *reader;
	struct stored_run run = {0};
	char why[1024];
	int rc = -1;

	memset(b, 0, sizeof(*b));
	snprintf(err, errlen, "--baseline %s: out of memory", spec);
	if (split_spec(spec, b, err, errlen))
		return -1;
	reader = report_reader_open(b->db_path, why, sizeof(why));
	if (!reader) {
		snprintf(err, errlen, "--baseline %s: %s", spec, why);
		return -1;
	}
	if (!b->run_id && (b->run_id = report_read_latest_run_id(reader)) == 0)
		snprintf(err, errlen, "--baseline %s: %s holds no run to compare with", spec,
			 b->db_path);
	else if (b->run_id < 0 || report_read_run(reader, b->run_id, &run) ||
		 report_read_scenarios_of_run(reader, b->run_id, &b->rows, &b->nrows))
		snprintf(err, errlen, "--baseline %s: %s", spec, report_reader_last_error(reader));
	else
		rc = 0;
	if (run.id)
		stored_run_release(&run);
	report_reader_close(reader);
	if (rc == 0)
		b->used = calloc(b->nrows ? b->nrows : 1, sizeof(*b->used));
	if (rc == 0 && !b->used) {
		snprintf(err, errlen, "--baseline %s: out of memory", spec);
		rc = -1;
	}
	return rc;
}

void gate_baseline_free(struct gate_baseline *b)
{
	if (b->rows)
		stored_scenarios_free(b->rows, b->nrows);
	free(b->used);
	free(b->db_path);
	memset(b, 0, sizeof(*b));
}

/* A stored row's outcome, as an outcome_of() gives it: "" for a pass. */
static const char *stored_outcome(const struct stored_scenario *row, char *buf, size_t len)
{
	if (row->matched)
		snprintf(buf, len, "%s", "");
	else if (!strcmp(row->verdict, "fail"))
		snprintf(buf, len, "fail:%s", row->invariant ? row->invariant : "?");
	else
		snprintf(buf, len, "%s", row->verdict);
	return buf;
}

static const char *outcome_of(const struct scenario_result *r, bool matched, char *buf,
			      size_t len)
{
	if (matched) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	return got_text(r, buf, len);
}

/* The first unused row named name; NULL when the baseline has none. */
static struct stored_scenario *row_named(struct gate_baseline *b, const char *name)
{
	for (size_t i = 0; i < b->nrows; i++) {
		if (!b->used[i] && !strcmp(b->rows[i].name, name)) {
			b->used[i] = true;
			return &b->rows[i];
		}
	}
	return NULL;
}

enum baseline_class gate_baseline_classify(struct gate_baseline *b, const struct scenario *s,
					   const struct scenario_result *r, bool matched,
					   char *was, size_t waslen)
{
	const struct stored_scenario *row = row_named(b, s->name);
	char before[160], now[160];
	enum baseline_class k;

	outcome_of(r, matched, now, sizeof(now));
	if (!row) {
		snprintf(was, waslen, "not in run %" PRId64, b->run_id);
		k = *now ? BASELINE_NEW_FAILURE : BASELINE_NEW_SCENARIO;
	} else {
		stored_outcome(row, before, sizeof(before));
		snprintf(was, waslen, "run %" PRId64 ": %s", b->run_id,
			 *before ? before : "as expected");
		if (!*now)
			k = *before ? BASELINE_FIXED : BASELINE_UNCHANGED;
		else if (!strcmp(now, before))
			k = BASELINE_STILL_FAILING_SAME;
		else if (!strcmp(now, "inconclusive"))
			k = BASELINE_NEWLY_INCONCLUSIVE;
		else if (!*before)
			k = BASELINE_NEW_FAILURE;
		else
			k = BASELINE_STILL_FAILING_DIFFERENT;
	}
	b->count[k]++;
	return k;
}

void gate_baseline_print_counts(FILE *out, const struct gate_baseline *b)
{
	size_t gone = 0;

	for (size_t i = 0; i < b->nrows; i++)
		gone += !b->used[i];
	fprintf(out, "against run %" PRId64 " of %s:", b->run_id, b->db_path);
	for (int k = 0; k < BASELINE_NCLASSES; k++)
		if (b->count[k] || k != BASELINE_NEW_SCENARIO)
			fprintf(out, "%s %u %s", k ? ";" : "", b->count[k], class_names[k]);
	if (gone)
		fprintf(out, "; %zu of its scenarios not explored now", gone);
	fputc('\n', out);
}
