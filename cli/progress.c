/*
 * progress.c - a one-line progress display on a terminal: scenario, executions, schedule
 * points, rate, once a scenario has run for a second (PATCHCHECK_PROGRESS_AFTER=seconds to
 * change that). Off when stderr is not a terminal, when CI is set, or when TERM=dumb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static bool shown;
static double show_after = 1.0; /* seconds */

bool progress_enabled(void)
{
	const char *term = getenv("TERM");

	const char *after = getenv("PATCHCHECK_PROGRESS_AFTER");

	if (getenv("CI") || (term && strcmp(term, "dumb") == 0))
		return false;
	if (after && *after)
		show_after = strtod(after, NULL);
	return isatty(STDERR_FILENO);
}

void progress_show(void *ud, const struct run_stats *st)
{
	const struct scenario *s = ud;

	if (st->seconds < show_after)
		return;
	fprintf(stderr, "\r%-40.40s %10lu executions %10lu points %9.0f exec/s", s->name,
		st->executions, st->schedule_points,
		st->seconds > 0 ? (double)st->executions / st->seconds : 0.0);
	shown = true;
}

void progress_clear(void)
{
	if (shown)
		fprintf(stderr, "\r%90s\r", "");
	shown = false;
}
