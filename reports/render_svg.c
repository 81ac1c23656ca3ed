/*
 * render_svg.c - a failing interleaving as a swimlane timeline in SVG: one vertical lane per
 * hart, time downwards, one row per stretch of steps.
 *
 * Consecutive steps of one hart that touch no patched word are one grey box ("steps 14-39
 * (26)", the functions they ran, every step in its tooltip), a box taller the more steps
 * it holds. A loop (a block of steps of one hart repeated, render_common.c) is one violet box:
 * where it began, how many times the block ran, and the block's instructions once. Each write
 * of a patched word (amber, W), fetch of a patched word (blue, F vN) and the failing step (red,
 * >>) is a box of its own. A dashed line across every lane at each
 * write and at the failing step shows what the other harts had or had not done by then. Text is
 * monospace, so its width is known without a layout engine; nothing is loaded from anywhere.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render_common.h"

#define FONT "DejaVu Sans Mono, Menlo, Consolas, monospace"
#define CHAR_W 7.22 /* advance of a 12px monospace character */
#define MARGIN 20
#define AXIS_W 72   /* the column of global step numbers left of the lanes */
#define LANE_GAP 12
#define BOX_INSET 6 /* between a lane's edge and its boxes */
#define BOX_PAD 8   /* between a box's edge and its text */
#define ROW_GAP 4
#define STEP_H 22   /* a box of one step, or of a few */
#define RUN_H 38    /* a box of a stretch of steps: two lines */
#define TOOLTIP_MAX_STEPS 200
#define ROLE_LINES_MAX 3
#define MESSAGE_LINES_MAX 4
#define LOOP_LINES_MAX 8 /* instructions of a loop's block shown in its box */
#define LINE_H 15

/* A row of the timeline: one notable step, or a stretch of plain steps of one hart. */
struct segment {
	size_t first, last; /* indices into the trace, inclusive */
	unsigned lane;
	size_t period, repeats; /* a loop: a block of period steps, repeats times; else 0 */
	double y, h;
};

struct timeline {
	const struct stored_failure *f;
	const struct report_context *ctx;
	struct segment *segs;
	size_t nsegs;
	double lane_w, width, legend_top, lanes_top, height;
	const char *failing_id; /* the id of the failing step's box */
};

static bool step_is_notable(const struct stored_failure *f, size_t i)
{
	return f->trace[i].patch_write || f->trace[i].watched_fetch || i == f->failing_index;
}

static double lane_x(const struct timeline *tl, size_t lane)
{
	return MARGIN + AXIS_W + (double)lane * (tl->lane_w + LANE_GAP);
}

/* Characters of text that fit in a box of the lane. */
static size_t chars_in_box(const struct timeline *tl)
{
	return (size_t)((tl->lane_w - 2 * BOX_INSET - 2 * BOX_PAD) / CHAR_W);
}

static double segment_height(const struct segment *s, bool notable)
{
	size_t nsteps = s->last - s->first + 1;

	double extra = (double)nsteps / 4;

	if (s->repeats) /* a heading, the block's lines, and "... more" when it is cut */
		return STEP_H + LINE_H * (double)(s->period < LOOP_LINES_MAX ? s->period
							     : LOOP_LINES_MAX + 1) + 8;
	if (notable || nsteps < 4)
		return STEP_H;
	return RUN_H + (extra < 60 ? extra : 60);
}

/* Split the trace into segments. 0, or -1 when out of memory. */
static int cut_segments(struct timeline *tl)
{
	const struct stored_failure *f = tl->f;
	size_t i;

	tl->segs = calloc(f->ntrace ? f->ntrace : 1, sizeof(*tl->segs));
	if (!tl->segs)
		return -1;
	tl->nsegs = 0;
	for (i = 0; i < f->ntrace; i++) {
		struct segment *prev = tl->nsegs ? &tl->segs[tl->nsegs - 1] : NULL;
		struct trace_loop loop;

		if (loop_at(f, i, &loop)) {
			tl->segs[tl->nsegs++] = (struct segment){
				.first = i, .last = i + loop.period * loop.repeats - 1,
				.lane = f->trace[i].lane, .period = loop.period, .repeats = loop.repeats
			};
			i = tl->segs[tl->nsegs - 1].last;
			continue;
		}
		if (prev && !prev->repeats && prev->lane == f->trace[i].lane &&
		    !step_is_notable(f, i) && !step_is_notable(f, prev->last)) {
			prev->last = i;
			continue;
		}
		tl->segs[tl->nsegs++] = (struct segment){ .first = i, .last = i,
							  .lane = f->trace[i].lane };
	}
	return 0;
}

/* ---- text helpers ---- */

/*
 * Break text into at most max_lines lines of at most width characters, at spaces where
 * possible; the last line ends in "..." when text does not fit. Returns the number of lines.
 */
static size_t wrap_text(const char *text, size_t width, char lines[][256], size_t max_lines)
{
	size_t n = 0, len = strlen(text);

	if (width >= 256)
		width = 255;
	while (len && n < max_lines) {
		size_t take = len;

		if (take > width) {
			take = width;
			while (take > width / 2 && text[take] != ' ')
				take--;
			if (text[take] != ' ')
				take = width;
		}
		if (n + 1 == max_lines && len > width) {
			shortened(text, width, lines[n++], sizeof(lines[0]));
			break;
		}
		snprintf(lines[n++], sizeof(lines[0]), "%.*s", (int)take, text);
		text += take;
		len -= take;
		while (*text == ' ')
			text++, len--;
	}
	return n;
}

static void write_text(FILE *out, double x, double y, const char *cls, const char *anchor,
		       const char *text)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\"%s%s%s>", x, y, cls,
		anchor ? " text-anchor=\"" : "", anchor ? anchor : "", anchor ? "\"" : "");
	write_xml_escaped(out, text);
	fputs("</text>\n", out);
}

/* The name of the function a symbol "func+0x8" is in ("func"), into buf. */
static const char *function_of(const struct report_context *ctx, uint64_t pc, char *buf,
			       size_t size)
{
	char *plus;

	symbol_of(ctx, pc, buf, size);
	plus = strrchr(buf, '+');
	if (plus)
		*plus = '\0';
	return buf;
}

/* "func_a > func_b > func_c": the functions a stretch of steps went through, in order. */
static void functions_of_segment(const struct timeline *tl, const struct segment *s, char *buf,
				 size_t size)
{
	char fn[160], prev[160] = "";
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = s->first; i <= s->last && len < size; i++) {
		function_of(tl->ctx, tl->f->trace[i].pc, fn, sizeof(fn));
		if (!*fn || !strcmp(fn, prev))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " > " : "", fn);
		snprintf(prev, sizeof(prev), "%s", fn);
	}
	if (!*buf)
		snprintf(buf, size, "0x%" PRIx64 " .. 0x%" PRIx64, tl->f->trace[s->first].pc,
			 tl->f->trace[s->last].pc);
}

/* Walk the legend's items, wrapping to a new row when one would cross the right margin. Draws
 * them when out is given; returns the height the legend takes. */
static double walk_legend(FILE *out, const struct timeline *tl, double top)
{
	static const struct {
		const char *cls, *mark, *text;
	} items[] = {
		{ "write", LEGEND_WRITE_MARK, LEGEND_WRITE_TEXT },
		{ "data-write", LEGEND_DATA_MARK, LEGEND_DATA_TEXT },
		{ "stop-machine", LEGEND_STOP_ENTER_MARK "/" LEGEND_STOP_EXIT_MARK,
		  "stop_machine entered / left" },
		{ "plain", LEGEND_INTERRUPT_MARK, LEGEND_INTERRUPT_TEXT },
		{ "fetch", LEGEND_FETCH_MARK, LEGEND_FETCH_TEXT },
		{ "failing", LEGEND_FAILING_MARK, LEGEND_FAILING_TEXT },
		{ "loop", "Nx", "a loop: its block once, run N times" },
		{ "plain", "", "other steps, grouped (hover for each)" },
	};
	double x = MARGIN, y = top + 12;
	char label[160];

	if (out)
		fprintf(out, "<g class=\"legend\">\n");
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		double w;

		snprintf(label, sizeof(label), "%s%s%s", items[i].mark, *items[i].mark ? " " : "",
			 items[i].text);
		w = 22 + CHAR_W * (double)strlen(label);
		if (x > MARGIN && x + w > tl->width - MARGIN) {
			x = MARGIN;
			y += 20;
		}
		if (out) {
			fprintf(out, "<rect class=\"swatch %s\" x=\"%.1f\" y=\"%.1f\" width=\"16\""
				     " height=\"12\"/>\n", items[i].cls, x, y - 10);
			write_text(out, x + 22, y, "legend-text", NULL, label);
		}
		x += w + 24;
	}
	if (out)
		fprintf(out, "</g>\n");
	return y - top + 18;
}

/* ---- layout ---- */

/* Where the legend starts: below the title, the failing place and the message, if shown. */
static double legend_top(const struct timeline *tl, bool with_heading)
{
	char lines[MESSAGE_LINES_MAX][256];
	size_t n;

	if (!with_heading)
		return MARGIN;
	n = wrap_text(tl->f->message, (size_t)((tl->width - 2 * MARGIN) / CHAR_W), lines,
		      MESSAGE_LINES_MAX);
	return MARGIN + 24 + 20 + 16.0 * (double)n + 4;
}

static double lane_heading_height(const struct timeline *tl)
{
	size_t most = 0;

	for (size_t lane = 0; lane < tl->f->nharts; lane++) {
		const char *role = lane_role(tl->f, lane, tl->ctx);
		char lines[ROLE_LINES_MAX][256];
		size_t n = role ? wrap_text(role, chars_in_box(tl), lines, ROLE_LINES_MAX) : 0;

		if (n > most)
			most = n;
	}
	return 30 + 15.0 * (double)most + 8;
}

static int lay_out(struct timeline *tl, bool with_heading)
{
	size_t nlanes = tl->f->nharts ? tl->f->nharts : 1;
	double y;

	tl->lane_w = nlanes <= 3 ? 400 : nlanes <= 5 ? 330 : 280;
	tl->width = 2 * MARGIN + AXIS_W + (double)nlanes * (tl->lane_w + LANE_GAP) - LANE_GAP;
	if (cut_segments(tl))
		return -1;
	tl->legend_top = legend_top(tl, with_heading);
	tl->lanes_top = tl->legend_top + walk_legend(NULL, tl, tl->legend_top);
	y = tl->lanes_top + lane_heading_height(tl) + (tl->f->omitted_steps ? 22 : 6);
	for (size_t i = 0; i < tl->nsegs; i++) {
		struct segment *s = &tl->segs[i];

		s->h = segment_height(s, step_is_notable(tl->f, s->first));
		s->y = y;
		y += s->h + ROW_GAP;
	}
	tl->height = y + MARGIN;
	return 0;
}

/* ---- drawing ---- */

/* Every rule is scoped to the timeline, so the page embedding it keeps its own look. */
static void write_style(FILE *out)
{
	fprintf(out,
		"<style>\n"
		".timeline text { font-family: %s; font-size: 12px; fill: #111827; white-space: pre; }\n"
		".timeline .title { font-size: 17px; font-weight: bold; }\n"
		".timeline .subtitle { fill: #374151; }\n"
		".timeline .message { fill: #7f1d1d; }\n"
		".timeline .lane-title { font-size: 14px; font-weight: bold; }\n"
		".timeline .role, .timeline .axis, .timeline .note { fill: #4b5563; font-size: 11px; }\n"
		".timeline .axis.failing { fill: #b91c1c; font-weight: bold; font-size: 12px; }\n"
		".timeline .axis.write { fill: #92400e; }\n"
		".timeline .lane-background { fill: #f8fafc; stroke: #e2e8f0; }\n"
		".timeline .step rect, .timeline .swatch.plain { fill: #e5e7eb; stroke: #9ca3af; }\n"
		".timeline .step.write rect, .timeline .swatch.write"
		" { fill: #fde68a; stroke: #d97706; }\n"
		".timeline .step.fetch rect, .timeline .swatch.fetch"
		" { fill: #bfdbfe; stroke: #2563eb; }\n"
		".timeline .step.failing rect, .timeline .swatch.failing"
		" { fill: #fecaca; stroke: #dc2626; stroke-width: 2.5; }\n"
		".timeline .step.failing text { font-weight: bold; fill: #7f1d1d; }\n"
		".timeline .step.loop rect, .timeline .swatch.loop { fill: #ede9fe; stroke: #7c3aed; }\n"
		".timeline .step.data-write rect, .timeline .swatch.data-write"
		" { fill: #d1fae5; stroke: #059669; }\n"
		".timeline .step.stop-machine rect, .timeline .swatch.stop-machine"
		" { fill: #fce7f3; stroke: #db2777; stroke-width: 2; }\n"
		".timeline .guide.stop-machine { stroke: #db2777; }\n"
		".timeline .where { fill: #4b5563; }\n"
		".timeline .guide { stroke-dasharray: 5 4; stroke-width: 1; }\n"
		".timeline .guide.write { stroke: #d97706; }\n"
		".timeline .guide.failing { stroke: #dc2626; stroke-width: 1.5; }\n"
		"</style>\n",
		FONT);
}

static void write_heading(FILE *out, const struct timeline *tl)
{
	const struct stored_failure *f = tl->f;
	char text[1400], sym[160], lines[MESSAGE_LINES_MAX][256];
	double y = MARGIN + 16;
	size_t n;

	snprintf(text, sizeof(text), "%s: %s", f->scenario.name, f->invariant);
	write_text(out, MARGIN, y, "title", NULL, text);
	symbol_of(tl->ctx, f->pc, sym, sizeof(sym));
	snprintf(text, sizeof(text),
		 "failure %" PRId64 " of run %" PRId64 ": hart %u, step %" PRIu64 ", pc 0x%" PRIx64
		 "%s%s%s; schedule %s, %u preemption%s",
		 f->id, f->scenario.run_id, f->hart, f->step, f->pc, *sym ? " (" : "", sym,
		 *sym ? ")" : "", f->schedule, f->preemptions, f->preemptions == 1 ? "" : "s");
	y += 22;
	write_text(out, MARGIN, y, "subtitle", NULL, text);
	n = wrap_text(f->message, (size_t)((tl->width - 2 * MARGIN) / CHAR_W), lines,
		      MESSAGE_LINES_MAX);
	for (size_t i = 0; i < n; i++)
		write_text(out, MARGIN, y += 16, "message", NULL, lines[i]);
}

static void write_lane_backgrounds(FILE *out, const struct timeline *tl)
{
	fprintf(out, "<g class=\"lane-backgrounds\">\n");
	for (size_t lane = 0; lane < tl->f->nharts; lane++)
		fprintf(out, "<rect class=\"lane-background\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
			     " height=\"%.1f\" rx=\"6\"/>\n",
			lane_x(tl, lane), tl->lanes_top, tl->lane_w,
			tl->height - MARGIN - tl->lanes_top);
	fprintf(out, "</g>\n");
}

/* "loop", or "write", "fetch", "failing" or "plain": the class of a segment's first step. */
static const char *segment_kind(const struct timeline *tl, const struct segment *s)
{
	const struct stored_step *t = &tl->f->trace[s->first];

	if (s->repeats)
		return "loop";
	if (s->first == tl->f->failing_index)
		return "failing";
	if (t->patch_write)
		return write_class(t);
	if (t->watched_fetch)
		return "fetch";
	return "plain";
}

/* Dashed lines across all lanes at each write and at the failing step, behind the boxes. */
static void write_guides(FILE *out, const struct timeline *tl)
{
	double x0 = MARGIN + AXIS_W - 8, x1 = tl->width - MARGIN;

	fprintf(out, "<g class=\"guides\">\n");
	for (size_t i = 0; i < tl->nsegs; i++) {
		const char *kind = segment_kind(tl, &tl->segs[i]);
		double y = tl->segs[i].y + tl->segs[i].h / 2;

		if (!strcmp(kind, "write") || !strcmp(kind, "failing") || !strcmp(kind, "stop-machine"))
			fprintf(out, "<line class=\"guide %s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
				     " y2=\"%.1f\"/>\n", kind, x0, y, x1, y);
	}
	fprintf(out, "</g>\n");
}

/* The global step number of each row, left of the lanes. */
static void write_axis(FILE *out, const struct timeline *tl)
{
	char label[48];

	fprintf(out, "<g class=\"steps-axis\">\n");
	write_text(out, MARGIN + AXIS_W - 12, tl->lanes_top + 20, "axis", "end", "step");
	for (size_t i = 0; i < tl->nsegs; i++) {
		const struct segment *s = &tl->segs[i];
		const char *kind = segment_kind(tl, s);
		bool failing = !strcmp(kind, "failing");
		char cls[32];

		snprintf(label, sizeof(label), "%s%" PRIu64, failing ? LEGEND_FAILING_MARK " " : "",
			 tl->f->trace[s->first].step);
		snprintf(cls, sizeof(cls), "axis %s", kind);
		write_text(out, MARGIN + AXIS_W - 12, s->y + 15, cls, "end", label);
	}
	fprintf(out, "</g>\n");
}

static void write_step_tooltip_line(FILE *out, const struct timeline *tl, size_t i)
{
	const struct stored_step *t = &tl->f->trace[i];
	char mark[40], sym[160], line[512];

	step_marker(t, mark, sizeof(mark));
	symbol_of(tl->ctx, t->pc, sym, sizeof(sym));
	snprintf(line, sizeof(line), "%s%" PRIu64 "  0x%" PRIx64 "%s%s  %s  %s%s%s\n",
		 i == tl->f->failing_index ? LEGEND_FAILING_MARK " " : "", t->step, t->pc,
		 *sym ? " " : "", sym, t->bytes, step_instruction(t), *mark ? "  " : "", mark);
	write_xml_escaped(out, line);
}

static void write_tooltip(FILE *out, const struct timeline *tl, const struct segment *s)
{
	size_t n = s->repeats ? s->period : s->last - s->first + 1;
	size_t shown = n < TOOLTIP_MAX_STEPS ? n : TOOLTIP_MAX_STEPS;
	char heading[160];

	fputs("<title>", out);
	if (s->repeats)
		snprintf(heading, sizeof(heading), "hart %u, a loop of %zu step%s run %zu times:\n",
			 tl->f->harts[s->lane], n, n == 1 ? "" : "s", s->repeats);
	else
		snprintf(heading, sizeof(heading), "hart %u, %zu step%s\n", tl->f->harts[s->lane], n,
			 n == 1 ? "" : "s");
	write_xml_escaped(out, heading);
	for (size_t i = s->first; i < s->first + shown; i++)
		write_step_tooltip_line(out, tl, i);
	if (shown < n)
		fprintf(out, "... and %zu more steps (the text report lists them all)", n - shown);
	fputs("</title>\n", out);
}

/*
 * One step in its box: ">> 94  F v1  bl #0x100000" on the left, where it is on the right. The
 * instruction is kept whole if it can be; the place gives way first.
 */
static void write_single_step_text(FILE *out, const struct timeline *tl, const struct segment *s,
				   double x, double w)
{
	const struct stored_step *t = &tl->f->trace[s->first];
	const char *insn = step_instruction(t);
	char mark[40], where[160], left[256], right[160];
	size_t room = chars_in_box(tl), prefix, right_room, insn_room;

	step_marker(t, mark, sizeof(mark));
	symbol_of(tl->ctx, t->pc, where, sizeof(where));
	if (!*where)
		snprintf(where, sizeof(where), "0x%" PRIx64, t->pc);
	prefix = (size_t)snprintf(left, sizeof(left), "%s%" PRIu64 "  %s%s",
				  s->first == tl->f->failing_index ? LEGEND_FAILING_MARK " " : "",
				  t->step, mark, *mark ? "  " : "");
	right_room = prefix + strlen(insn) + 2 + 16 < room ? room - prefix - strlen(insn) - 2 : 16;
	shortened_symbol(where, right_room, right, sizeof(right));
	insn_room = prefix + strlen(right) + 2 + 8 < room ? room - prefix - strlen(right) - 2 : 8;
	shortened(insn, insn_room, left + prefix, sizeof(left) - prefix);
	write_text(out, x + BOX_PAD, s->y + 15, "insn", NULL, left);
	write_text(out, x + w - BOX_PAD, s->y + 15, "where", "end", right);
}

/* A stretch of steps: "steps 14-39 (26)" and the functions it went through. */
static void write_stretch_text(FILE *out, const struct timeline *tl, const struct segment *s,
			       double x)
{
	const struct stored_step *first = &tl->f->trace[s->first], *last = &tl->f->trace[s->last];
	char line[160], functions[1024], shown[256];
	size_t n = s->last - s->first + 1;

	if (n == 1) {
		write_single_step_text(out, tl, s, x, tl->lane_w - 2 * BOX_INSET);
		return;
	}
	snprintf(line, sizeof(line), "steps %" PRIu64 "-%" PRIu64 "  (%zu)", first->step, last->step, n);
	write_text(out, x + BOX_PAD, s->y + 15, "insn", NULL, line);
	functions_of_segment(tl, s, functions, sizeof(functions));
	shortened(functions, chars_in_box(tl), shown, sizeof(shown));
	if (s->h >= RUN_H)
		write_text(out, x + BOX_PAD, s->y + 31, "where", NULL, shown);
}

/* A loop: "loop from step 230: 1500x 2 steps (to step 3229)", then its block once. */
static void write_loop_text(FILE *out, const struct timeline *tl, const struct segment *s,
			    double x)
{
	char line[256], sym[160], text[512];
	double y = s->y + 15;

	snprintf(line, sizeof(line), "loop from step %" PRIu64 ": %zux %zu step%s (to step %" PRIu64
		 ")", tl->f->trace[s->first].step, s->repeats, s->period, s->period == 1 ? "" : "s",
		 tl->f->trace[s->last].step);
	shortened(line, chars_in_box(tl), text, sizeof(text));
	write_text(out, x + BOX_PAD, y, "insn", NULL, text);
	for (size_t k = 0; k < s->period && k < LOOP_LINES_MAX; k++) {
		const struct stored_step *t = &tl->f->trace[s->first + k];
		char mark[40];

		step_marker(t, mark, sizeof(mark));
		symbol_of(tl->ctx, t->pc, sym, sizeof(sym));
		snprintf(line, sizeof(line), "  %s%s%s  %s", *sym ? sym : "", *sym ? "  " : "",
			 step_instruction(t), mark);
		shortened(line, chars_in_box(tl), text, sizeof(text));
		write_text(out, x + BOX_PAD, y += LINE_H, "where", NULL, text);
	}
	if (s->period > LOOP_LINES_MAX) {
		snprintf(line, sizeof(line), "  ... %zu more in the block", s->period - LOOP_LINES_MAX);
		write_text(out, x + BOX_PAD, y + LINE_H, "where", NULL, line);
	}
}

static void write_segment(FILE *out, const struct timeline *tl, const struct segment *s)
{
	const char *kind = segment_kind(tl, s);
	double x = lane_x(tl, s->lane) + BOX_INSET, w = tl->lane_w - 2 * BOX_INSET;

	fprintf(out, "<g class=\"step %s\" data-step=\"%" PRIu64 "\"", kind,
		tl->f->trace[s->first].step);
	if (!strcmp(kind, "failing"))
		fprintf(out, " id=\"%s\"", tl->failing_id);
	if (s->repeats)
		fprintf(out, " data-repeats=\"%zu\" data-period=\"%zu\"", s->repeats, s->period);
	fputs(">\n", out);
	write_tooltip(out, tl, s);
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>\n", x, s->y,
		w, s->h);
	if (s->repeats)
		write_loop_text(out, tl, s, x);
	else if (!strcmp(kind, "plain"))
		write_stretch_text(out, tl, s, x);
	else
		write_single_step_text(out, tl, s, x, w);
	fprintf(out, "</g>\n");
}

static void write_lane(FILE *out, const struct timeline *tl, size_t lane)
{
	const char *role = lane_role(tl->f, lane, tl->ctx);
	char title[32], lines[ROLE_LINES_MAX][256];
	double x = lane_x(tl, lane), y = tl->lanes_top + 20;
	size_t n = role ? wrap_text(role, chars_in_box(tl), lines, ROLE_LINES_MAX) : 0;

	fprintf(out, "<g class=\"lane\" id=\"lane-hart-%u\" data-hart=\"%u\">\n", tl->f->harts[lane],
		tl->f->harts[lane]);
	lane_title(tl->f, lane, title, sizeof(title));
	fputs("<g class=\"lane-heading\"><title>", out);
	write_xml_escaped(out, title);
	if (role) {
		fputs(": ", out);
		write_xml_escaped(out, role);
	}
	fputs("</title>\n", out);
	write_text(out, x + BOX_INSET + BOX_PAD, y, "lane-title", NULL, title);
	for (size_t i = 0; i < n; i++)
		write_text(out, x + BOX_INSET + BOX_PAD, y += 15, "role", NULL, lines[i]);
	fputs("</g>\n", out);
	for (size_t i = 0; i < tl->nsegs; i++)
		if (tl->segs[i].lane == lane)
			write_segment(out, tl, &tl->segs[i]);
	fprintf(out, "</g>\n");
}

static void write_notes(FILE *out, const struct timeline *tl)
{
	char note[256];
	double first_row = tl->nsegs ? tl->segs[0].y : tl->height - MARGIN;

	if (tl->f->omitted_steps) {
		snprintf(note, sizeof(note), "(%zu earlier steps not shown)", tl->f->omitted_steps);
		write_text(out, lane_x(tl, 0) + BOX_INSET, first_row - 8, "note", NULL, note);
	}
}

void write_swimlane_svg(FILE *out, const struct stored_failure *f,
			const struct report_context *ctx, bool with_heading)
{
	/* Standalone, file.svg#failing-step; in a page, the page's own section has that id. */
	struct timeline tl = { .f = f, .ctx = ctx,
			       .failing_id = with_heading ? "failing-step" : "failing-step-box" };
	char title[512];

	if (lay_out(&tl, with_heading)) {
		fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"40\">"
			     "<text x=\"10\" y=\"25\">out of memory drawing the timeline</text>"
			     "</svg>\n");
		return;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" xml:space=\"preserve\""
		     " class=\"timeline\" width=\"%.0f\""
		     " height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		tl.width, tl.height, tl.width, tl.height);
	snprintf(title, sizeof(title), "%s: %s (failure %" PRId64 ")", f->scenario.name, f->invariant,
		 f->id);
	fputs("<title>", out);
	write_xml_escaped(out, title);
	fputs("</title>\n", out);
	write_style(out);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	if (with_heading)
		write_heading(out, &tl);
	walk_legend(out, &tl, tl.legend_top);
	write_lane_backgrounds(out, &tl);
	write_guides(out, &tl);
	write_axis(out, &tl);
	for (size_t lane = 0; lane < f->nharts; lane++)
		write_lane(out, &tl, lane);
	write_notes(out, &tl);
	fprintf(out, "</svg>\n");
	free(tl.segs);
}

void report_write_failure_svg(FILE *out, const struct stored_failure *f,
			      const struct report_context *ctx)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	write_swimlane_svg(out, f, ctx, true);
}
