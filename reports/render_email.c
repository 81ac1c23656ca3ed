/*
 * render_email.c - a failure as plain text to paste into a patch review: no color, no tab, no
 * line over REPORT_EMAIL_WIDTH columns. Prose wraps at spaces; a word too long for a line (a
 * schedule, a path) is cut; a replay command is continued with a backslash so that it still
 * pastes into a shell as one command.
 */
#include <inttypes.h>
#include <string.h>

#include "render_common.h"

#define LABEL_WIDTH 13 /* "preemptions: " */

/* text wrapped at spaces into lines of at most width columns: the first starting with first
 * (already printed, first_w columns), the others with indent. */
static void put_wrapped(FILE *out, size_t first_w, const char *indent, const char *text,
			size_t width)
{
	size_t col = first_w, indent_w = strlen(indent);
	bool line_empty = true;

	while (*text) {
		size_t word = strcspn(text, " ");

		if (word == 0) {
			text++;
			continue;
		}
		if (!line_empty && col + 1 + word > width) {
			fprintf(out, "\n%s", indent);
			col = indent_w;
			line_empty = true;
		}
		if (!line_empty) {
			fputc(' ', out);
			col++;
		}
		while (col + word > width) { /* a word longer than a line: cut */
			size_t room = width - col;

			fprintf(out, "%.*s\n%s", (int)room, text, indent);
			text += room;
			word -= room;
			col = indent_w;
		}
		fprintf(out, "%.*s", (int)word, text);
		col += word;
		text += word;
		line_empty = false;
	}
	fputc('\n', out);
}

/* "label: value", the value wrapped under itself. */
static void put_fact(FILE *out, const char *label, const char *value)
{
	char head[LABEL_WIDTH + 8];

	snprintf(head, sizeof(head), "%s:", label);
	fprintf(out, "%-*s", LABEL_WIDTH, head);
	put_wrapped(out, LABEL_WIDTH, "             ", value, REPORT_EMAIL_WIDTH);
}

/* A shell command of the words, indented by two, continued with " \" at a space, or with "\"
 * inside a word too long for a line (the shell joins both). */
static void put_command(FILE *out, const char *const *words, size_t nwords)
{
	static const char indent[] = "    ";
	size_t width = REPORT_EMAIL_WIDTH - 2, col = 2; /* room for the " \" */

	fputs("  ", out);
	for (size_t i = 0; i < nwords; i++) {
		const char *w = words[i];
		size_t len = strlen(w);

		if (i && col + 1 + len > width) {
			fprintf(out, " \\\n%s", indent);
			col = strlen(indent);
		} else if (i) {
			fputc(' ', out);
			col++;
		}
		/* a word followed by another must leave room for the " \" after it */
		size_t limit = i + 1 < nwords ? width : REPORT_EMAIL_WIDTH;

		while (col + len > limit) {
			size_t room = width + 1 - col;

			if (room >= len) /* carry at least one character to the next line */
				room = len - 1;
			fprintf(out, "%.*s\\\n", (int)room, w);
			w += room;
			len -= room;
			col = 0;
		}
		fputs(w, out);
		col += len;
	}
	fputc('\n', out);
}

static void put_replay_commands(FILE *out, const struct stored_failure *f,
				const struct report_context *ctx)
{
	char db[1200], id[24], file[1200];
	const char *with_db[] = { "patchcheck", "replay", "--db", db, id };
	const char *with_file[] = { "patchcheck", "replay", file, "--schedule", f->schedule };

	shell_quoted(ctx && ctx->db_path ? ctx->db_path : "patchcheck.db", db, sizeof(db));
	snprintf(id, sizeof(id), "%" PRId64, f->id);
	shell_quoted(f->scenario.file, file, sizeof(file));
	fputs("Replay it (from the directory the run started in):\n", out);
	put_command(out, with_db, sizeof(with_db) / sizeof(with_db[0]));
	fputs("or without the database:\n", out);
	put_command(out, with_file, sizeof(with_file) / sizeof(with_file[0]));
}

/* The failing hart's registers that differ from their value at the start of its traced site. */
static void put_registers(FILE *out, const struct stored_failure *f)
{
	bool any = false;

	for (size_t i = 0; i < f->nregisters; i++) {
		const struct stored_register *r = &f->registers[i];

		if (r->hart != f->hart || !r->has_expected || r->expected == r->actual)
			continue;
		if (!any)
			fprintf(out, "Registers of hart %u that differ from the start of its traced"
				     " site:\n  %-6s %-20s %s\n", f->hart, "reg", "expected", "actual");
		any = true;
		fprintf(out, "  %-6s 0x%-18" PRIx64 " 0x%" PRIx64 "\n", r->name, r->expected,
			r->actual);
	}
	if (!any)
		fprintf(out, "No register of hart %u differs from the start of its traced site.\n",
			f->hart);
}

void report_write_failure_email(FILE *out, const struct stored_failure *f,
				const struct report_context *ctx)
{
	static const struct text_style plain = { .width = REPORT_EMAIL_WIDTH };
	struct failure_fact facts[FAILURE_FACTS_MAX];
	size_t n = failure_facts(f, ctx, facts);
	char heading[1200], title[32];

	snprintf(heading, sizeof(heading), "patchcheck: %s: expected %s, got fail:%s",
		 f->scenario.name, f->scenario.expected, f->invariant);
	put_wrapped(out, 0, "  ", heading, REPORT_EMAIL_WIDTH);
	fputc('\n', out);
	put_wrapped(out, 0, "  ", f->message, REPORT_EMAIL_WIDTH);
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		if (strcmp(facts[i].label, "replay") && strcmp(facts[i].label, "message"))
			put_fact(out, facts[i].label, facts[i].value);
	for (size_t lane = 0; lane < f->nharts; lane++) {
		const char *role = lane_role(f, lane, ctx);

		if (role)
			put_fact(out, lane_title(f, lane, title, sizeof(title)), role);
	}
	fputc('\n', out);
	put_replay_commands(out, f, ctx);
	fputc('\n', out);
	put_wrapped(out, 0, "  ", "The trace, one column per hart (" LEGEND_WRITE_MARK ": "
		    LEGEND_WRITE_TEXT "; " LEGEND_DATA_MARK ": " LEGEND_DATA_TEXT "; "
		    LEGEND_STOP_ENTER_MARK ", " LEGEND_STOP_EXIT_MARK ": stop_machine entered, left; "
		    LEGEND_INTERRUPT_MARK ": " LEGEND_INTERRUPT_TEXT "; "
		    LEGEND_FETCH_MARK ": " LEGEND_FETCH_TEXT "; "
		    LEGEND_FAILING_MARK ": " LEGEND_FAILING_TEXT "):", REPORT_EMAIL_WIDTH);
	print_trace_lanes(out, f, ctx, &plain);
	fputc('\n', out);
	put_registers(out, f);
}
