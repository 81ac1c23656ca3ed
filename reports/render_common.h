/*
 * render_common.h - private to reports/: what every renderer of a failure says the same way:
 * its facts (scenario, invariant, expected and actual, schedule, replay command), the marker of
 * a step (W, F vN), the title and role of a lane, guest symbols, and XML escaping.
 */
#ifndef PATCHCHECK_RENDER_COMMON_H
#define PATCHCHECK_RENDER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports.h"

/* The legend every renderer shows, marker first. */
#define LEGEND_WRITE_MARK "W"
#define LEGEND_WRITE_TEXT "the patcher wrote code (a patched word)"
#define LEGEND_DATA_MARK "D"
#define LEGEND_DATA_TEXT "a write of watched data"
#define LEGEND_STOP_ENTER_MARK "S+"
#define LEGEND_STOP_ENTER_TEXT "stop_machine entered: the other harts park"
#define LEGEND_STOP_EXIT_MARK "S-"
#define LEGEND_STOP_EXIT_TEXT "stop_machine left"
#define LEGEND_INTERRUPT_MARK "I"
#define LEGEND_INTERRUPT_TEXT "the hart took an interrupt: its vector's first instruction"
#define LEGEND_FETCH_MARK "F vN"
#define LEGEND_FETCH_TEXT "fetched a patched word that had seen N writes"
#define LEGEND_FAILING_MARK ">>"
#define LEGEND_FAILING_TEXT "the step the check failed at"

/* A loop in a trace: the steps first .. first + period * repeats - 1 are one block of period
 * steps of one hart repeated: the same pcs, no write of a patched word, not the failing step. */
#define LOOP_MAX_PERIOD 64
#define LOOP_MIN_REPEATS 4
struct trace_loop {
	size_t first, period, repeats;
};

/* Does a loop start at trace index i? The shortest block that repeats at least
 * LOOP_MIN_REPEATS times into loop. */
bool loop_at(const struct stored_failure *f, size_t i, struct trace_loop *loop);

/* A stored verdict as an expectation is written: "pass", "fail:<invariant>", "error", ... */
const char *stored_verdict_text(const struct stored_scenario *s, char *buf, size_t size);

/* One labelled line of a failure's details ("invariant", "site-consistency"). */
struct failure_fact {
	const char *label;
	char value[1200];
};

#define FAILURE_FACTS_MAX 10

/* The details of a failure, in the order they are shown; returns how many. */
size_t failure_facts(const struct stored_failure *f, const struct report_context *ctx,
		     struct failure_fact facts[FAILURE_FACTS_MAX]);

/* "W" (code), "D" (data), "S+" or "S-" (stop_machine) for a write, "F v1" for a fetch of a
 * patched word, both ("W F v1"), or "" for a step that touched no watched word. */
const char *step_marker(const struct stored_step *t, char *buf, size_t size);

/* The class of a step's write: "write" (code, or a write stored before schema version 5),
 * "data-write" or "stop-machine"; NULL for a step that wrote no watched word. */
const char *write_class(const struct stored_step *t);

/* The disassembly of a step, or what stands in for it. */
const char *step_instruction(const struct stored_step *t);

/* "hart N" of a lane. */
const char *lane_title(const struct stored_failure *f, size_t lane, char *buf, size_t size);
/* What the lane's hart ran ("patcher: ftrace_make_call(...)"), or NULL when not known. */
const char *lane_role(const struct stored_failure *f, size_t lane,
		      const struct report_context *ctx);

/* "symbol+0xoffset" of pc into buf, or "" when no symbol is known. */
const char *symbol_of(const struct report_context *ctx, uint64_t pc, char *buf, size_t size);

/* arg, single-quoted when a shell would need it, into buf (cut short if buf is too small). */
const char *shell_quoted(const char *arg, char *buf, size_t size);

/* text cut to at most max characters, ending in "..." when cut; into buf. */
const char *shortened(const char *text, size_t max, char *buf, size_t size);
/* As shortened, but a "symbol+0xoffset" keeps its offset: "stop_mach...+0x14". */
const char *shortened_symbol(const char *text, size_t max, char *buf, size_t size);

/* render_text.c: the trace side by side, one column per hart (headings, rule, one row per
 * step), within style->width when it is not 0. */
void print_trace_lanes(FILE *out, const struct stored_failure *f,
		       const struct report_context *ctx, const struct text_style *style);

/* render_svg.c: the <svg> element of the swimlane timeline, for a file or to embed in a page;
 * with_heading adds the title, the failing place and the message above the lanes. */
void write_swimlane_svg(FILE *out, const struct stored_failure *f,
			const struct report_context *ctx, bool with_heading);

/* Write text with &, <, >, " and ' escaped, control characters dropped (XML and HTML). */
void write_xml_escaped(FILE *out, const char *text);

#endif
