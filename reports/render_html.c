/*
 * render_html.c - a failing interleaving as one standalone HTML page: the failure's details in
 * a table, the failing step with the steps before it (#failing-step), the swimlane timeline
 * (the SVG of render_svg.c, inline), and the steps side by side in a table with one column per
 * hart, each loop once with its count, at most TABLE_MAX_ROWS rows. No script, no external
 * style sheet, font or image: the page can be mailed, attached to a bug or opened from a CI
 * artifact as it is.
 *
 * The page scrolls inside <main>, not the document: headless Chromium, opened at
 * #failing-step, paints a scrolled document blank, and a scrolled element whole.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "render_common.h"

#define WINDOW_STEPS 16     /* steps of the failing step's section */
#define TABLE_MAX_ROWS 2000 /* rows of the table of steps; the earliest go first */

static void write_page_style(FILE *out)
{
	fputs("<style>\n"
	      "html, body { margin: 0; height: 100%; }\n"
	      "body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif;"
	      " color: #111827; background: #ffffff; }\n"
	      "main { height: 100vh; overflow: auto; padding: 24px; box-sizing: border-box; }\n"
	      "section.failing-step { border-left: 4px solid #dc2626; padding: 2px 0 6px 12px; }\n"
	      "h1 { font-size: 20px; margin: 0 0 12px 0; }\n"
	      "h1 .invariant { color: #b91c1c; }\n"
	      "h2 { font-size: 16px; margin: 22px 0 6px 0; }\n"
	      "table.facts { border-collapse: collapse; font-size: 13px; }\n"
	      "table.facts th { text-align: left; vertical-align: top; padding: 3px 14px 3px 0;"
	      " color: #4b5563; font-weight: normal; white-space: nowrap; }\n"
	      "table.facts td { padding: 3px 0; font-family: 'DejaVu Sans Mono', monospace; }\n"
	      "tr.message td { color: #7f1d1d; }\n"
	      ".hint { color: #4b5563; font-size: 12px; margin: 0 0 8px 0; }\n"
	      ".timeline-box { overflow-x: auto; }\n"
	      "table.trace { border-collapse: collapse; font-family: 'DejaVu Sans Mono', monospace;"
	      " font-size: 12px; }\n"
	      "table.trace th { text-align: left; padding: 2px 10px; background: #f1f5f9; }\n"
	      "table.trace td { padding: 1px 10px; white-space: pre; border-left: 1px solid #e2e8f0; }\n"
	      "table.trace td.marker { border-left: none; color: #b91c1c; font-weight: bold; }\n"
	      "tr.write td.active { background: #fde68a; }\n"
	      "tr.fetch td.active { background: #bfdbfe; }\n"
	      "tr.data-write td.active { background: #d1fae5; }\n"
	      "tr.stop-machine td.active { background: #fce7f3; }\n"
	      "tr.failing td.active { background: #fecaca; font-weight: bold; }\n"
	      "tr.loop td { background: #ede9fe; color: #4c1d95; }\n"
	      "tr.note td { color: #4b5563; font-style: italic; }\n"
	      "summary { cursor: pointer; font-weight: bold; margin-top: 22px; }\n"
	      "</style>\n",
	      out);
}

static void write_fact_row(FILE *out, const char *cls, const char *label, const char *value)
{
	fprintf(out, "<tr class=\"%s\"><th>", cls);
	write_xml_escaped(out, label);
	fputs("</th><td>", out);
	write_xml_escaped(out, value);
	fputs("</td></tr>\n", out);
}

static void write_facts(FILE *out, const struct stored_failure *f, const struct report_context *ctx)
{
	struct failure_fact facts[FAILURE_FACTS_MAX];
	size_t n = failure_facts(f, ctx, facts);
	char title[32];

	fputs("<table class=\"facts\">\n", out);
	for (size_t i = 0; i < n; i++)
		write_fact_row(out, facts[i].label, facts[i].label, facts[i].value);
	for (size_t lane = 0; lane < f->nharts; lane++) {
		const char *role = lane_role(f, lane, ctx);

		if (role)
			write_fact_row(out, "role", lane_title(f, lane, title, sizeof(title)), role);
	}
	fputs("</table>\n", out);
}

static const char *row_class(const struct stored_failure *f, size_t i)
{
	if (i == f->failing_index)
		return "failing";
	if (f->trace[i].patch_write)
		return write_class(&f->trace[i]);
	if (f->trace[i].watched_fetch)
		return "fetch";
	return "plain";
}

static void write_step_cell(FILE *out, const struct stored_step *t,
			    const struct report_context *ctx)
{
	char mark[40], sym[160], cell[512];

	step_marker(t, mark, sizeof(mark));
	symbol_of(ctx, t->pc, sym, sizeof(sym));
	snprintf(cell, sizeof(cell), "%5" PRIu64 " %-6s 0x%" PRIx64 "%s%s  %-8s  %s", t->step, mark,
		 t->pc, *sym ? " " : "", sym, t->bytes, step_instruction(t));
	fputs("<td class=\"active\">", out);
	write_xml_escaped(out, cell);
	fputs("</td>", out);
}

static void write_table_head(FILE *out, const struct stored_failure *f)
{
	char title[32];

	fputs("<table class=\"trace\">\n<thead><tr><th></th>", out);
	for (size_t lane = 0; lane < f->nharts; lane++) {
		fputs("<th>", out);
		write_xml_escaped(out, lane_title(f, lane, title, sizeof(title)));
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
}

static void write_step_row(FILE *out, const struct stored_failure *f, size_t i,
			   const struct report_context *ctx)
{
	const struct stored_step *t = &f->trace[i];

	fprintf(out, "<tr class=\"%s\"><td class=\"marker\">%s</td>", row_class(f, i),
		i == f->failing_index ? "&gt;&gt;" : "");
	for (size_t lane = 0; lane < f->nharts; lane++) {
		if (lane == t->lane)
			write_step_cell(out, t, ctx);
		else
			fputs("<td></td>", out);
	}
	fputs("</tr>\n", out);
}

/* A row of text across the lanes ("loop: ...", "(N steps not shown)"). */
static void write_note_row(FILE *out, const struct stored_failure *f, const char *cls,
			   const char *text)
{
	fprintf(out, "<tr class=\"%s\"><td class=\"marker\"></td><td colspan=\"%zu\">", cls,
		f->nharts);
	write_xml_escaped(out, text);
	fputs("</td></tr>\n", out);
}

/* The table's rows from trace index first on, written to out unless it is NULL: each loop's
 * block once and a row saying how often it ran. Returns the number of rows. */
static size_t table_rows(FILE *out, const struct stored_failure *f, size_t first,
			 const struct report_context *ctx)
{
	size_t nrows = 0;
	char text[256];

	for (size_t i = first; i < f->ntrace; i++, nrows++) {
		struct trace_loop loop;

		if (!loop_at(f, i, &loop)) {
			if (out)
				write_step_row(out, f, i, ctx);
			continue;
		}
		for (size_t k = 0; k < loop.period; k++, nrows++)
			if (out)
				write_step_row(out, f, i + k, ctx);
		snprintf(text, sizeof(text), "loop from step %" PRIu64 ": the %zu step%s above ran %zu"
			 " times in all, to step %" PRIu64, f->trace[i].step, loop.period,
			 loop.period == 1 ? "" : "s", loop.repeats,
			 f->trace[i + loop.period * loop.repeats - 1].step);
		if (out)
			write_note_row(out, f, "loop", text);
		i += loop.period * loop.repeats - 1;
	}
	return nrows;
}

/* The steps, one column per hart, loops folded; the last TABLE_MAX_ROWS rows of them. */
static void write_trace_table(FILE *out, const struct stored_failure *f,
			      const struct report_context *ctx)
{
	size_t first = 0, nrows = table_rows(NULL, f, 0, ctx);
	char text[256];

	while (nrows > TABLE_MAX_ROWS && first < f->ntrace) /* drop the earliest steps */
		nrows = table_rows(NULL, f, first += nrows - TABLE_MAX_ROWS, ctx);
	fprintf(out, "<details class=\"trace\"><summary>The steps (%zu", f->ntrace);
	if (f->omitted_steps)
		fprintf(out, " of %zu", f->ntrace + f->omitted_steps);
	fprintf(out, "), each loop once: %zu rows</summary>\n", nrows);
	write_table_head(out, f);
	if (first + f->omitted_steps) {
		snprintf(text, sizeof(text), "(%zu earlier steps not shown: patchcheck report"
			 " --failure %" PRId64 " lists them all)", first + f->omitted_steps, f->id);
		write_note_row(out, f, "note", text);
	}
	table_rows(out, f, first, ctx);
	fputs("</tbody>\n</table>\n</details>\n", out);
}

/* The failing step, what failed there, and the steps just before it: the target of
 * #failing-step. */
static void write_failing_section(FILE *out, const struct stored_failure *f,
				  const struct report_context *ctx)
{
	size_t first = f->failing_index >= WINDOW_STEPS - 1 ? f->failing_index - (WINDOW_STEPS - 1)
							     : 0;
	char sym[160], text[512];

	symbol_of(ctx, f->pc, sym, sizeof(sym));
	snprintf(text, sizeof(text), "hart %u, step %" PRIu64 ", pc 0x%" PRIx64 "%s%s%s", f->hart,
		 f->step, f->pc, *sym ? " (" : "", sym, *sym ? ")" : "");
	fputs("<section class=\"failing-step\" id=\"failing-step\">\n<h2>The failing step: ", out);
	write_xml_escaped(out, text);
	fputs("</h2>\n<p class=\"hint\">", out);
	write_xml_escaped(out, f->message);
	fprintf(out, "</p>\n<p class=\"hint\">The %zu steps up to it, one column per hart:</p>\n",
		f->failing_index - first + 1);
	write_table_head(out, f);
	for (size_t i = first; i <= f->failing_index && i < f->ntrace; i++)
		write_step_row(out, f, i, ctx);
	fputs("</tbody>\n</table>\n</section>\n", out);
}

void report_write_failure_html(FILE *out, const struct stored_failure *f,
			       const struct report_context *ctx)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
	fprintf(out, "patchcheck failure %" PRId64 ": ", f->id);
	write_xml_escaped(out, f->scenario.name);
	fputs(": ", out);
	write_xml_escaped(out, f->invariant);
	fputs("</title>\n", out);
	write_page_style(out);
	fputs("</head>\n<body>\n<main>\n<h1>", out);
	write_xml_escaped(out, f->scenario.name);
	fputs(": <span class=\"invariant\">", out);
	write_xml_escaped(out, f->invariant);
	fputs("</span></h1>\n", out);
	write_facts(out, f, ctx);
	write_failing_section(out, f, ctx);
	fputs("<h2>Timeline</h2>\n<p class=\"hint\">One lane per hart, time downwards. Hover a box"
	      " for its steps; dashed lines mark each write of a patched word and the failing step"
	      " across all harts; a violet box is a loop, its block shown once."
	      " <a href=\"#failing-step\">Go to the failing step</a>.</p>\n"
	      "<div class=\"timeline-box\">\n",
	      out);
	write_swimlane_svg(out, f, ctx, false);
	fputs("</div>\n", out);
	write_trace_table(out, f, ctx);
	fputs("</main>\n</body>\n</html>\n", out);
}
