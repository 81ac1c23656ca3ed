/*
 * render_common.c - what the text, SVG and HTML renderers of a failure say the same way: the
 * failure's facts, step markers, lane titles and roles, guest symbols, shortening and XML
 * escaping. Keeping them here keeps the three views in agreement.
 */
#include "render_common.h"

#include <inttypes.h>
#include <string.h>

/* An argument a shell leaves alone needs no quotes. */
static bool shell_safe(const char *arg)
{
	if (!*arg)
		return false;
	for (; *arg; arg++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%^", *arg))
			return false;
	return true;
}

/* Append text at buf + *len; once buf is full nothing more is written. */
static void append_text(char *buf, size_t size, size_t *len, const char *text)
{
	if (*len < size)
		*len += (size_t)snprintf(buf + *len, size - *len, "%s", text);
}

const char *shell_quoted(const char *arg, char *buf, size_t size)
{
	size_t len = 0;

	if (shell_safe(arg)) {
		snprintf(buf, size, "%s", arg);
		return buf;
	}
	append_text(buf, size, &len, "'");
	for (const char *c = arg; *c; c++)
		append_text(buf, size, &len, *c == '\'' ? "'\\''" : (char[2]){ *c, '\0' });
	append_text(buf, size, &len, "'");
	return buf;
}

static void format_replay_command(const struct stored_failure *f, const struct report_context *ctx,
				  char *buf, size_t size)
{
	char db[1024];

	shell_quoted(ctx && ctx->db_path ? ctx->db_path : "patchcheck.db", db, sizeof(db));
	snprintf(buf, size, "patchcheck replay --db %s %" PRId64, db, f->id);
}

static void format_preemptions(const struct stored_failure *f, char *buf, size_t size)
{
	snprintf(buf, size, "%u%s", f->preemptions,
		 f->minimal ? " (minimal: every schedule with fewer preemptions passed)"
			    : " (not known to be minimal)");
}

static void format_failing_place(const struct stored_failure *f, const struct report_context *ctx,
				 char *buf, size_t size)
{
	char sym[160];

	symbol_of(ctx, f->pc, sym, sizeof(sym));
	snprintf(buf, size, "hart %u, step %" PRIu64 ", pc 0x%" PRIx64 "%s%s%s", f->hart, f->step,
		 f->pc, *sym ? " (" : "", sym, *sym ? ")" : "");
}

static void format_trace_extent(const struct stored_failure *f, char *buf, size_t size)
{
	bool added = f->ntrace && f->trace[f->ntrace - 1].not_run;
	size_t stored = f->ntrace + f->omitted_steps - added;
	int n = snprintf(buf, size, "%zu steps on %zu hart%s", stored, f->nharts,
			 f->nharts == 1 ? "" : "s");

	if (f->omitted_steps && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "; the last %zu shown", f->ntrace - added);
	if (added && n > 0 && (size_t)n < size)
		snprintf(buf + strlen(buf), size - strlen(buf),
			 ", then the step the check failed at before it ran");
}

size_t failure_facts(const struct stored_failure *f, const struct report_context *ctx,
		     struct failure_fact facts[FAILURE_FACTS_MAX])
{
	size_t n = 0;

#define FACT(name) (facts[n].label = (name), facts[n++].value)
	snprintf(FACT("scenario"), sizeof(facts[0].value), "%s (run %" PRId64 ", file %s)",
		 f->scenario.name, f->scenario.run_id, f->scenario.file);
	snprintf(FACT("invariant"), sizeof(facts[0].value), "%s", f->invariant);
	snprintf(FACT("message"), sizeof(facts[0].value), "%s", f->message);
	snprintf(FACT("expected"), sizeof(facts[0].value), "%s", f->expected_value);
	snprintf(FACT("actual"), sizeof(facts[0].value), "%s", f->actual_value);
	format_failing_place(f, ctx, FACT("failed at"), sizeof(facts[0].value));
	snprintf(FACT("schedule"), sizeof(facts[0].value), "%s", f->schedule);
	format_preemptions(f, FACT("preemptions"), sizeof(facts[0].value));
	format_replay_command(f, ctx, FACT("replay"), sizeof(facts[0].value));
	format_trace_extent(f, FACT("trace"), sizeof(facts[0].value));
#undef FACT
	return n;
}

/* The marker of a step's write, "" when it wrote no watched word. */
static const char *write_mark(const struct stored_step *t)
{
	if (!t->patch_write)
		return "";
	switch (t->write_kind) {
	case TRACE_WRITE_DATA: return LEGEND_DATA_MARK;
	case TRACE_WRITE_STOP_MACHINE_ENTER: return LEGEND_STOP_ENTER_MARK;
	case TRACE_WRITE_STOP_MACHINE_EXIT: return LEGEND_STOP_EXIT_MARK;
	default: return LEGEND_WRITE_MARK;
	}
}

const char *step_marker(const struct stored_step *t, char *buf, size_t size)
{
	char fetch[32] = "";

	if (t->watched_fetch && t->has_version)
		snprintf(fetch, sizeof(fetch), "F v%" PRId64, t->version);
	else if (t->watched_fetch)
		snprintf(fetch, sizeof(fetch), "F");
	snprintf(buf, size, "%s%s%s%s%s", t->interrupt ? LEGEND_INTERRUPT_MARK : "",
		 t->interrupt && (t->patch_write || *fetch) ? " " : "", write_mark(t),
		 t->patch_write && *fetch ? " " : "", fetch);
	return buf;
}

const char *write_class(const struct stored_step *t)
{
	if (!t->patch_write)
		return NULL;
	if (t->write_kind == TRACE_WRITE_DATA)
		return "data-write";
	if (t->write_kind == TRACE_WRITE_STOP_MACHINE_ENTER ||
	    t->write_kind == TRACE_WRITE_STOP_MACHINE_EXIT)
		return "stop-machine";
	return "write";
}

const char *step_instruction(const struct stored_step *t)
{
	if (t->not_run)
		return "(failed before it ran)";
	return t->disasm ? t->disasm : "?";
}

const char *lane_title(const struct stored_failure *f, size_t lane, char *buf, size_t size)
{
	snprintf(buf, size, "hart %u", f->harts[lane]);
	return buf;
}

const char *lane_role(const struct stored_failure *f, size_t lane,
		      const struct report_context *ctx)
{
	unsigned hart = f->harts[lane];

	if (!ctx || !ctx->hart_roles || hart >= ctx->nhart_roles)
		return NULL;
	return ctx->hart_roles[hart];
}

const char *symbol_of(const struct report_context *ctx, uint64_t pc, char *buf, size_t size)
{
	if (!ctx || !ctx->symbolize || !ctx->symbolize(ctx->symbolize_ud, pc, buf, size))
		buf[0] = '\0';
	return buf;
}

const char *shortened(const char *text, size_t max, char *buf, size_t size)
{
	size_t len = strlen(text);

	if (len <= max || max < 4)
		snprintf(buf, size, "%.*s", (int)(len < max ? len : max), text);
	else
		snprintf(buf, size, "%.*s...", (int)(max - 3), text);
	return buf;
}

const char *shortened_symbol(const char *text, size_t max, char *buf, size_t size)
{
	const char *plus = strrchr(text, '+');
	size_t offset_len = plus ? strlen(plus) : 0;
	char name[256];

	if (strlen(text) <= max || !plus || offset_len + 4 > max)
		return shortened(text, max, buf, size);
	shortened(text, max - offset_len, name, sizeof(name));
	snprintf(buf, size, "%s%s", name, plus);
	return buf;
}

void write_xml_escaped(FILE *out, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; c && *c; c++) {
		switch (*c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if (*c >= 0x20 || *c == '\n' || *c == '\t')
				fputc(*c, out); /* other control characters are not XML 1.0 */
		}
	}
}

const char *stored_verdict_text(const struct stored_scenario *s, char *buf, size_t size)
{
	if (!strcmp(s->verdict, "fail") && s->invariant)
		snprintf(buf, size, "fail:%s", s->invariant);
	else
		snprintf(buf, size, "%s", s->verdict);
	return buf;
}

/* Do trace steps a and b look alike for a loop: the same hart, pc and marker, no write? */
static bool same_loop_step(const struct stored_failure *f, size_t a, size_t b)
{
	const struct stored_step *x = &f->trace[a], *y = &f->trace[b];

	return x->lane == y->lane && x->pc == y->pc && x->watched_fetch == y->watched_fetch &&
	       !x->patch_write && !y->patch_write && a != f->failing_index &&
	       b != f->failing_index && !x->not_run && !y->not_run;
}

bool loop_at(const struct stored_failure *f, size_t i, struct trace_loop *loop)
{
	for (size_t period = 1; period <= LOOP_MAX_PERIOD && i + period <= f->ntrace; period++) {
		size_t j = i + period;

		for (size_t k = i + 1; k < i + period; k++) /* one hart's block */
			if (f->trace[k].lane != f->trace[i].lane)
				return false;
		while (j < f->ntrace && same_loop_step(f, j - period, j))
			j++;
		if ((j - i) / period >= LOOP_MIN_REPEATS) {
			loop->first = i;
			loop->period = period;
			loop->repeats = (j - i) / period;
			return true;
		}
	}
	return false;
}
