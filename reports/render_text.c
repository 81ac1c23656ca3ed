/*
 * render_text.c - the report as text for a terminal or a file: the runs, a run's scenarios, and
 * a failure with its trace side by side, one column per hart, one row per step in global order.
 *
 * A cell is "step marker pc [symbol] bytes instruction" in its hart's column; the other columns
 * of the row stay empty, so reading down a column follows one hart and reading down the rows
 * follows time. Columns are as wide as their widest entry; given a width (a terminal), symbols
 * go first, then bytes, then instructions are shortened, then addresses go, until the lanes fit.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render_common.h"

#define COLOR_FAILING "\033[1;31m"
#define COLOR_WRITE "\033[33m"
#define COLOR_FETCH "\033[36m"
#define COLOR_HEADING "\033[1m"
#define COLOR_RESET "\033[0m"

#define GUTTER 3              /* ">> " before the failing row */
#define LANE_SEPARATOR " | "
#define READABLE_INSTRUCTION 24
#define SHORTEST_INSTRUCTION 12

/* ---- runs and scenarios ---- */

/*
 * A scenarios.coverage value: the kinds on one line, then one line per site form
 * ("form:traced_add3:d503201f.94000010=9" reads "site form traced_add3: d503201f 94000010 in
 * 9 executions").
 */
static void print_coverage(FILE *out, const char *coverage)
{
	const char *p = coverage;
	bool first = true;

	fprintf(out, "     coverage:");
	while (*p) {
		size_t len = strcspn(p, " ");

		if (len && strncmp(p, "form:", 5) != 0) {
			fprintf(out, " %.*s", (int)len, p);
			first = false;
		}
		p += len;
		p += strspn(p, " ");
	}
	if (first)
		fprintf(out, " -");
	fputc('\n', out);
	for (p = coverage; *p;) {
		size_t len = strcspn(p, " ");
		const char *site = p + 5, *words = memchr(site, ':', len > 5 ? len - 5 : 0);
		const char *count = memchr(p, '=', len);

		if (len > 5 && strncmp(p, "form:", 5) == 0 && words && count && words < count) {
			fprintf(out, "     site form %.*s: ", (int)(words - site), site);
			for (const char *c = words + 1; c < count; c++)
				fputc(*c == '.' ? ' ' : *c, out);
			fprintf(out, " in %.*s executions\n", (int)(p + len - count - 1), count + 1);
		}
		p += len;
		p += strspn(p, " ");
	}
}

void report_print_runs(FILE *out, const struct stored_run *runs, size_t nruns)
{
	if (!nruns) {
		fprintf(out, "no runs stored\n");
		return;
	}
	fprintf(out, "%5s  %-20s  %-10s  %4s  %9s  %11s  %15s  %8s\n", "run", "started (UTC)",
		"status", "exit", "scenarios", "as expected", "not as expected", "failures");
	for (size_t i = 0; i < nruns; i++) {
		const struct stored_run *r = &runs[i];
		char exit_code[16] = "-";

		if (r->has_exit_code)
			snprintf(exit_code, sizeof(exit_code), "%d", r->exit_code);
		fprintf(out, "%5" PRId64 "  %-20s  %-10s  %4s  %9lu  %11lu  %15lu  %8lu\n", r->id,
			r->started_at, r->status, exit_code, r->scenarios, r->matched,
			r->scenarios - r->matched, r->failures);
	}
}

/* Widths of the name, expected and verdict columns: their widest entries or headings. */
struct scenario_columns {
	int name_w, expected_w, verdict_w;
};

static struct scenario_columns measure_scenario_columns(const struct stored_scenario *scenarios,
							size_t n)
{
	struct scenario_columns c = { (int)strlen("scenario"), (int)strlen("expected"),
				      (int)strlen("verdict") };
	char verdict[96];

	for (size_t i = 0; i < n; i++) {
		int name_w = (int)strlen(scenarios[i].name);
		int expected_w = (int)strlen(scenarios[i].expected);
		int verdict_w = (int)strlen(stored_verdict_text(&scenarios[i], verdict, sizeof(verdict)));

		c.name_w = name_w > c.name_w ? name_w : c.name_w;
		c.expected_w = expected_w > c.expected_w ? expected_w : c.expected_w;
		c.verdict_w = verdict_w > c.verdict_w ? verdict_w : c.verdict_w;
	}
	return c;
}

void report_print_run(FILE *out, const struct stored_run *run,
		      const struct stored_scenario *scenarios, size_t nscenarios)
{
	struct scenario_columns c = measure_scenario_columns(scenarios, nscenarios);

	fprintf(out, "run %" PRId64 ": started %s, %s", run->id, run->started_at, run->status);
	if (run->has_exit_code)
		fprintf(out, " (exit %d)", run->exit_code);
	fprintf(out, ", patchcheck %s on %s\n", run->tool_version, run->host);
	fprintf(out, "command: patchcheck %s\n", run->options);
	fprintf(out, "%lu scenarios: %lu as expected, %lu not; %lu failures stored\n\n",
		run->scenarios, run->matched, run->scenarios - run->matched, run->failures);
	if (!nscenarios)
		return;
	fprintf(out, "     %-*s  %-*s  %-*s  %10s  %7s  %9s  %-9s  %7s  %7s\n", c.name_w,
		"scenario", c.expected_w, "expected", c.verdict_w, "verdict", "executions", "traces",
		"steps", "search", "seconds", "failure");
	for (size_t i = 0; i < nscenarios; i++) {
		const struct stored_scenario *s = &scenarios[i];
		char verdict[96], failure[24] = "-", search[24];

		if (s->failure_id)
			snprintf(failure, sizeof(failure), "%" PRId64, s->failure_id);
		if (!s->search || strcmp(s->search, "bound") == 0) /* before version 4: bounded */
			snprintf(search, sizeof(search), "bound %u", s->preemption_bound);
		else
			snprintf(search, sizeof(search), "%s", s->search);
		fprintf(out, "%-4s %-*s  %-*s  %-*s  %10" PRIu64 "  %7" PRIu64 "  %9" PRIu64
			     "  %-9s  %7.2f  %7s%s\n",
			s->matched ? "ok" : "FAIL", c.name_w, s->name, c.expected_w, s->expected,
			c.verdict_w, stored_verdict_text(s, verdict, sizeof(verdict)), s->executions,
			s->distinct_traces, s->steps, search, s->seconds, failure,
			s->truncated ? "  (search truncated)" : "");
		if (s->error)
			fprintf(out, "     %s\n", s->error);
		if (s->coverage)
			print_coverage(out, s->coverage);
	}
}

/* ---- a failure's trace, side by side ---- */

/* The widths of the fields of a cell; a hidden field takes no room. */
struct cell_layout {
	size_t step_w, mark_w, pc_w, sym_w, bytes_w, text_w;
	bool show_pc, show_sym, show_bytes;
};

/* The fields of one step, as text. */
struct cell_fields {
	char step[24], mark[40], pc[24], sym[160], text[160];
	const char *bytes;
};

static void describe_step(const struct stored_step *t, const struct report_context *ctx,
			  struct cell_fields *c)
{
	snprintf(c->step, sizeof(c->step), "%" PRIu64, t->step);
	step_marker(t, c->mark, sizeof(c->mark));
	snprintf(c->pc, sizeof(c->pc), "0x%" PRIx64, t->pc);
	symbol_of(ctx, t->pc, c->sym, sizeof(c->sym));
	snprintf(c->text, sizeof(c->text), "%s", step_instruction(t));
	c->bytes = t->bytes;
}

static size_t widest(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t cell_width(const struct cell_layout *l)
{
	return l->step_w + 1 + l->mark_w + (l->show_pc ? 1 + l->pc_w : 0) +
	       (l->show_sym ? 1 + l->sym_w : 0) + (l->show_bytes ? 1 + l->bytes_w : 0) + 1 + l->text_w;
}

static size_t line_width(const struct cell_layout *l, size_t nlanes)
{
	return GUTTER + nlanes * cell_width(l) + (nlanes - 1) * strlen(LANE_SEPARATOR);
}

/* Every column as wide as its widest entry or its heading. */
static void measure_cells(const struct stored_failure *f, const struct report_context *ctx,
			  struct cell_layout *l)
{
	struct cell_fields c;

	*l = (struct cell_layout){ .step_w = 4, .mark_w = 4, .pc_w = 2, .sym_w = 5, .bytes_w = 5,
				   .text_w = strlen("instruction") };
	for (size_t i = 0; i < f->ntrace; i++) {
		describe_step(&f->trace[i], ctx, &c);
		l->step_w = widest(l->step_w, strlen(c.step));
		l->mark_w = widest(l->mark_w, strlen(c.mark));
		l->pc_w = widest(l->pc_w, strlen(c.pc));
		l->sym_w = widest(l->sym_w, strlen(c.sym));
		if (*c.sym)
			l->show_sym = true;
		l->bytes_w = widest(l->bytes_w, strlen(c.bytes));
		l->text_w = widest(l->text_w, strlen(c.text));
	}
	l->show_pc = l->show_bytes = true;
}

/* Shorten instructions, not below floor characters, to bring the lanes within width. */
static void shorten_instructions(struct cell_layout *l, size_t nlanes, unsigned width, size_t floor)
{
	size_t over, each;

	if (line_width(l, nlanes) <= width || l->text_w <= floor)
		return;
	over = line_width(l, nlanes) - width;
	each = (over + nlanes - 1) / nlanes;
	l->text_w = l->text_w - floor > each ? l->text_w - each : floor;
}

/*
 * Within width: drop symbols, then bytes, then shorten instructions to a readable length, then
 * drop addresses, then shorten instructions further. Step and marker always stay.
 */
static void fit_cells(struct cell_layout *l, size_t nlanes, unsigned width)
{
	size_t natural_text_w = l->text_w;

	if (!width)
		return;
	if (line_width(l, nlanes) > width)
		l->show_sym = false;
	if (line_width(l, nlanes) > width)
		l->show_bytes = false;
	shorten_instructions(l, nlanes, width, READABLE_INSTRUCTION);
	if (line_width(l, nlanes) > width) {
		l->show_pc = false;
		l->text_w = natural_text_w; /* the room of the addresses goes to the instructions */
	}
	shorten_instructions(l, nlanes, width, SHORTEST_INSTRUCTION);
	shorten_instructions(l, nlanes, width, 1); /* many lanes: the width is a limit */
}

static void print_cell(FILE *out, const struct cell_layout *l, const struct cell_fields *c,
		       bool last_lane)
{
	char text[160];

	fprintf(out, "%*s %-*s", (int)l->step_w, c->step, (int)l->mark_w, c->mark);
	if (l->show_pc)
		fprintf(out, " %-*s", (int)l->pc_w, c->pc);
	if (l->show_sym)
		fprintf(out, " %-*s", (int)l->sym_w, c->sym);
	if (l->show_bytes)
		fprintf(out, " %-*s", (int)l->bytes_w, c->bytes);
	shortened(c->text, l->text_w, text, sizeof(text));
	fprintf(out, " %-*s", last_lane ? 0 : (int)l->text_w, text);
}

static const char *color_of_step(const struct stored_failure *f, size_t i)
{
	if (i == f->failing_index)
		return COLOR_FAILING;
	if (f->trace[i].patch_write)
		return COLOR_WRITE;
	if (f->trace[i].watched_fetch)
		return COLOR_FETCH;
	return NULL;
}

static void print_step_row(FILE *out, const struct stored_failure *f, size_t i,
			   const struct report_context *ctx, const struct cell_layout *l,
			   const struct text_style *style)
{
	const struct stored_step *t = &f->trace[i];
	const char *color = style->color ? color_of_step(f, i) : NULL;
	struct cell_fields c;
	size_t lane;

	describe_step(t, ctx, &c);
	if (color)
		fputs(color, out);
	fprintf(out, "%-*s", GUTTER, i == f->failing_index ? LEGEND_FAILING_MARK : "");
	for (lane = 0; lane < t->lane; lane++)
		fprintf(out, "%*s%s", (int)cell_width(l), "", LANE_SEPARATOR);
	print_cell(out, l, &c, t->lane + 1 == f->nharts);
	if (color)
		fputs(COLOR_RESET, out);
	for (lane = t->lane + 1; lane + 1 < f->nharts; lane++)
		fprintf(out, "%s%*s", LANE_SEPARATOR, (int)cell_width(l), "");
	fputs(t->lane + 1 < f->nharts ? " |\n" : "\n", out); /* the last edge, no trailing blank */
}

/* One line of the lanes' heading: each lane's text, shortened to its column; in color if given. */
static void print_lane_heading(FILE *out, const struct cell_layout *l, size_t nlanes,
			       const char *const *texts, const char *color)
{
	char text[1200];

	fprintf(out, "%*s%s", GUTTER, "", color ? color : "");
	for (size_t lane = 0; lane < nlanes; lane++) {
		shortened(texts[lane] ? texts[lane] : "", cell_width(l), text, sizeof(text));
		fprintf(out, "%s%-*s", lane ? LANE_SEPARATOR : "",
			lane + 1 == nlanes ? 0 : (int)cell_width(l), text);
	}
	fprintf(out, "%s\n", color ? COLOR_RESET : "");
}

static void print_lane_rule(FILE *out, const struct cell_layout *l, size_t nlanes)
{
	fprintf(out, "%*s", GUTTER, "");
	for (size_t lane = 0; lane < nlanes; lane++) {
		for (size_t i = 0; i < cell_width(l); i++)
			fputc('-', out);
		if (lane + 1 < nlanes)
			fputs("-+-", out);
	}
	fputc('\n', out);
}

/* Titles, roles (when known) and column names of the lanes, then a rule. */
static void print_lane_headings(FILE *out, const struct stored_failure *f,
				const struct report_context *ctx, const struct cell_layout *l,
				const struct text_style *style)
{
	const char **texts = calloc(f->nharts, sizeof(*texts));
	char (*titles)[32] = calloc(f->nharts, sizeof(*titles));
	char columns[256];
	bool any_role = false;
	size_t lane;

	if (!texts || !titles)
		goto out;
	snprintf(columns, sizeof(columns), "%*s %-*s%s%-*s%s%-*s%s%-*s %s", (int)l->step_w, "step",
		 (int)l->mark_w, "mark", l->show_pc ? " " : "", l->show_pc ? (int)l->pc_w : 0,
		 l->show_pc ? "pc" : "", l->show_sym ? " " : "",
		 l->show_sym ? (int)l->sym_w : 0, l->show_sym ? "where" : "", l->show_bytes ? " " : "",
		 l->show_bytes ? (int)l->bytes_w : 0, l->show_bytes ? "bytes" : "", "instruction");
	for (lane = 0; lane < f->nharts; lane++)
		texts[lane] = lane_title(f, lane, titles[lane], sizeof(titles[lane]));
	print_lane_heading(out, l, f->nharts, texts, style->color ? COLOR_HEADING : NULL);
	for (lane = 0; lane < f->nharts; lane++) {
		texts[lane] = lane_role(f, lane, ctx);
		any_role |= texts[lane] != NULL;
	}
	if (any_role)
		print_lane_heading(out, l, f->nharts, texts, NULL);
	for (lane = 0; lane < f->nharts; lane++)
		texts[lane] = columns;
	print_lane_heading(out, l, f->nharts, texts, NULL);
	print_lane_rule(out, l, f->nharts);
out:
	free(texts);
	free(titles);
}

static void print_facts(FILE *out, const struct stored_failure *f,
			const struct report_context *ctx, const struct text_style *style)
{
	struct failure_fact facts[FAILURE_FACTS_MAX];
	size_t n = failure_facts(f, ctx, facts);
	char title[32];

	fprintf(out, "%sfailure %" PRId64 "%s\n", style->color ? COLOR_HEADING : "", f->id,
		style->color ? COLOR_RESET : "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-12s %s\n", facts[i].label, facts[i].value);
	for (size_t lane = 0; lane < f->nharts; lane++) {
		const char *role = lane_role(f, lane, ctx);

		if (role)
			fprintf(out, "%-12s %s\n", lane_title(f, lane, title, sizeof(title)), role);
	}
}

static void print_legend(FILE *out)
{
	fprintf(out, "%-5s %s\n%-5s %s\n%-5s %s\n%-5s %s\n%-5s %s\n%-5s %s\n%-5s %s\n",
		LEGEND_WRITE_MARK, LEGEND_WRITE_TEXT, LEGEND_DATA_MARK, LEGEND_DATA_TEXT,
		LEGEND_STOP_ENTER_MARK, LEGEND_STOP_ENTER_TEXT, LEGEND_STOP_EXIT_MARK,
		LEGEND_STOP_EXIT_TEXT, LEGEND_INTERRUPT_MARK, LEGEND_INTERRUPT_TEXT,
		LEGEND_FETCH_MARK, LEGEND_FETCH_TEXT, LEGEND_FAILING_MARK, LEGEND_FAILING_TEXT);
}

/* The failing hart's registers: where it started the traced site (expected) against now. */
static void print_failing_registers(FILE *out, const struct stored_failure *f)
{
	bool any = false;

	for (size_t i = 0; i < f->nregisters; i++) {
		const struct stored_register *r = &f->registers[i];
		bool differs = r->has_expected && r->expected != r->actual;

		if (r->hart != f->hart)
			continue;
		if (!any) {
			fprintf(out, "registers of hart %u when the check failed%s\n", f->hart,
				r->has_expected ? " (expected: at the start of its traced site)" : "");
			fprintf(out, "  %-6s %-20s %-20s\n", "reg", r->has_expected ? "expected" : "",
				"actual");
			any = true;
		}
		if (r->has_expected)
			fprintf(out, "  %-6s 0x%-18" PRIx64 " 0x%-18" PRIx64 "%s\n", r->name, r->expected,
				r->actual, differs ? " *" : "");
		else
			fprintf(out, "  %-6s %-20s 0x%-18" PRIx64 "\n", r->name, "", r->actual);
	}
	if (any)
		fputc('\n', out);
}

/* The register changes of the failing hart's last steps. */
static void print_register_changes(FILE *out, const struct stored_failure *f, size_t last)
{
	size_t shown = 0, start = f->ntrace;

	while (start > 0 && shown < last) {
		start--;
		if (f->trace[start].hart == f->hart && f->trace[start].registers)
			shown++;
	}
	if (!shown)
		return;
	fprintf(out, "register changes of hart %u (last %zu steps that changed any)\n", f->hart, shown);
	for (size_t i = start; i < f->ntrace; i++) {
		const struct stored_step *t = &f->trace[i];

		if (t->hart == f->hart && t->registers)
			fprintf(out, "  step %-8" PRIu64 " 0x%-10" PRIx64 " %s\n", t->step, t->pc,
				t->registers);
	}
	fputc('\n', out);
}

void print_trace_lanes(FILE *out, const struct stored_failure *f,
		       const struct report_context *ctx, const struct text_style *style)
{
	struct cell_layout layout;

	measure_cells(f, ctx, &layout);
	fit_cells(&layout, f->nharts, style->width);
	print_lane_headings(out, f, ctx, &layout, style);
	if (f->omitted_steps)
		fprintf(out, "%*s(%zu earlier steps not shown)\n", GUTTER, "", f->omitted_steps);
	for (size_t i = 0; i < f->ntrace; i++)
		print_step_row(out, f, i, ctx, &layout, style);
}

void report_print_failure(FILE *out, const struct stored_failure *f,
			  const struct report_context *ctx, const struct text_style *style)
{
	static const struct text_style plain = { 0 };

	if (!style)
		style = &plain;
	print_facts(out, f, ctx, style);
	if (style->details_only)
		return;
	fputc('\n', out);
	print_trace_lanes(out, f, ctx, style);
	fputc('\n', out);
	print_legend(out);
	fputc('\n', out);
	print_register_changes(out, f, 12);
	print_failing_registers(out, f);
}
