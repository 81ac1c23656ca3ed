/*
 * render_run_html.c - a run's overview as one standalone HTML page: the run's facts, then every
 * scenario with its verdict against its expectation, how much the search covered, executions,
 * distinct traces, steps and time, and a link to the page of its failure (failure-N.html beside
 * the overview, as `patchcheck report --failure N --format html -o failure-N.html` writes it).
 * No script and nothing loaded from anywhere, like the failure pages.
 */
#include <inttypes.h>
#include <string.h>

#include "render_common.h"

static void write_overview_style(FILE *out)
{
	fputs("<style>\n"
	      "body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; margin: 24px;"
	      " color: #111827; background: #ffffff; }\n"
	      "h1 { font-size: 20px; margin: 0 0 12px 0; }\n"
	      "p.facts { color: #374151; font-size: 13px; margin: 2px 0; }\n"
	      "table.run { border-collapse: collapse; font-size: 13px; margin-top: 14px; }\n"
	      "table.run th { text-align: left; padding: 4px 10px; background: #f1f5f9; }\n"
	      "table.run td { padding: 3px 10px; border-top: 1px solid #e2e8f0; }\n"
	      "table.run td.number { text-align: right; font-family: 'DejaVu Sans Mono', monospace; }\n"
	      "tr.ok td.outcome { color: #166534; font-weight: bold; }\n"
	      "tr.fail td.outcome { color: #b91c1c; font-weight: bold; }\n"
	      "tr.fail td { background: #fef2f2; }\n"
	      "</style>\n",
	      out);
}

static void write_cell(FILE *out, const char *cls, const char *text)
{
	fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	write_xml_escaped(out, text);
	fputs("</td>", out);
}

static void write_scenario_row(FILE *out, const struct stored_scenario *s)
{
	char verdict[96], number[32], search[40];

	fprintf(out, "<tr class=\"scenario %s\">", s->matched ? "ok" : "fail");
	write_cell(out, "outcome", s->matched ? "ok" : "FAIL");
	write_cell(out, NULL, s->name);
	write_cell(out, NULL, s->expected);
	write_cell(out, NULL, stored_verdict_text(s, verdict, sizeof(verdict)));
	if (!s->search || !strcmp(s->search, "bound")) /* before version 4: bounded */
		snprintf(search, sizeof(search), "bound %u", s->preemption_bound);
	else
		snprintf(search, sizeof(search), "%s", s->search);
	write_cell(out, NULL, search);
	snprintf(number, sizeof(number), "%" PRIu64, s->executions);
	write_cell(out, "number", number);
	snprintf(number, sizeof(number), "%" PRIu64, s->distinct_traces);
	write_cell(out, "number", number);
	snprintf(number, sizeof(number), "%" PRIu64, s->steps);
	write_cell(out, "number", number);
	snprintf(number, sizeof(number), "%.2f", s->seconds);
	write_cell(out, "number", number);
	if (s->failure_id)
		fprintf(out, "<td><a href=\"failure-%" PRId64 ".html\">failure %" PRId64 "</a></td>",
			s->failure_id, s->failure_id);
	else
		fputs("<td></td>", out);
	fputs("</tr>\n", out);
	if (s->error) {
		fputs("<tr class=\"error\"><td></td><td colspan=\"9\">", out);
		write_xml_escaped(out, s->error);
		fputs("</td></tr>\n", out);
	}
}

void report_write_run_html(FILE *out, const struct stored_run *run,
			   const struct stored_scenario *scenarios, size_t n)
{
	static const char *const columns[] = { "", "scenario", "expected", "verdict", "search",
					       "executions", "traces", "steps", "seconds",
					       "failure" };
	char text[512];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<title>patchcheck run %" PRId64 "</title>\n", run->id);
	write_overview_style(out);
	fprintf(out, "</head>\n<body>\n<h1>patchcheck run %" PRId64 "</h1>\n<p class=\"facts\">",
		run->id);
	snprintf(text, sizeof(text), "started %s, %s", run->started_at, run->status);
	write_xml_escaped(out, text);
	if (run->has_exit_code)
		fprintf(out, " (exit %d)", run->exit_code);
	fputs(", patchcheck ", out);
	write_xml_escaped(out, run->tool_version);
	fputs(" on ", out);
	write_xml_escaped(out, run->host);
	fputs("</p>\n<p class=\"facts\">command: patchcheck ", out);
	write_xml_escaped(out, run->options);
	fprintf(out, "</p>\n<p class=\"facts\">%lu scenarios: %lu as expected, %lu not; %lu"
		     " failures stored</p>\n",
		run->scenarios, run->matched, run->scenarios - run->matched, run->failures);
	fputs("<table class=\"run\">\n<thead><tr>", out);
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		fprintf(out, "<th>%s</th>", columns[i]);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < n; i++)
		write_scenario_row(out, &scenarios[i]);
	fputs("</tbody>\n</table>\n</body>\n</html>\n", out);
}
