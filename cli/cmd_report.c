/*
 * cmd_report.c - `patchcheck report`: show what a report database holds. Without a selector:
 * the runs, then the scenarios of the latest run; `--run N`: that run's scenarios; `--failure N`:
 * one failing interleaving as text (the trace side by side, one column per hart), SVG or HTML
 * (a swimlane timeline), or as plain text of at most 80 columns for a patch review (email);
 * `--history [SCENARIO]`: every run, or one scenario's runs, side by side. Exit 0, or 2 for bad usage, a missing file or an unknown id.
 *
 * A failure is shown with what the database alone cannot say when that is still at hand: what
 * each hart ran, from the scenario file if it is unchanged (same hash), and guest symbols, from
 * the guest image explored (found by its hash among the guest images). Otherwise they are left
 * out.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../emu/machine.h"
#include "../reports/reports.h"
#include "cli.h"

enum report_format { FORMAT_TEXT, FORMAT_SVG, FORMAT_HTML, FORMAT_EMAIL };

/* The steps of a failure --format email shows without --last: the window before the failure. */
#define EMAIL_STEPS 12

struct report_options {
	const char *db_path;
	int64_t run_id, failure_id; /* 0: not given */
	enum report_format format;
	const char *output;         /* NULL: stdout */
	size_t last_steps;          /* 0: the whole trace */
	const char *guest_dir;
	bool quiet, verbose;        /* details only; the whole trace whatever --last says */
	bool history;               /* --history [SCENARIO] */
	const char *history_of;     /* SCENARIO, or NULL: every run */
};

static void report_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck report [options]\n"
		"\n"
		"Shows the report database: without --run or --failure, the runs and then the\n"
		"scenarios of the latest run.\n"
		"\n"
		"options:\n"
		"  --db FILE             report database (default: patchcheck.db in the current directory)\n"
		"  --run N               the scenarios of run N: verdict, expectation, statistics, failure ids\n"
		"  --history [SCENARIO]  each run's scenarios, executions, distinct traces and time, and\n"
		"                        the verdicts that changed from one run to the next; with\n"
		"                        SCENARIO, its verdict and statistics in every run it was in\n"
		"  --failure N           failure N: its details and its trace side by side, one column per\n"
		"                        hart (W: a write of code, D: of watched data, S+ S-: stop_machine\n"
		"                        entered, left; F vN: a fetch of a patched word that had seen N\n"
		"                        writes, >>: the failing step)\n"
		"  --format FORMAT       text (default), svg or html: with --failure, a timeline with\n"
		"                        one lane per hart; html without it, the run's overview (the\n"
		"                        latest run's, or --run N's), linking failure-N.html; email\n"
		"                        (needs --failure):\n"
		"                        plain text of at most 80 columns for a patch review, the\n"
		"                        last %d steps unless --last N or -v\n"
		"  --last N              show only the last N steps of the trace\n"
		"  -q, --quiet           a failure's details only, without its trace\n"
		"  -v, --verbose         the whole trace even with --last\n"
		"  -o, --output FILE     write to FILE instead of standard output\n"
		"  --guest-dir DIR       where the guest images are, for symbols (default: %s)\n"
		"  -h, --help            this text\n"
		"\n"
		"Text is colored (failing step red, writes yellow) and fitted to the width only on a\n"
		"terminal; NO_COLOR turns colors off. -o FILE is written whole or not at all, and may\n"
		"not be the database.\n"
		"\n"
		"exit codes: 0 shown; 2 bad usage or input (no such database, run or failure; -o names\n"
		"the database or a missing directory); 3 the output could not be written.\n",
		EMAIL_STEPS, explorer_guest_dir(NULL));
}

/* A positive integer option value; -1 (message printed) when it is not one. */
static long long positive_number(const char *option, const char *text)
{
	uint64_t value;

	if (!option_number("report", option, text, 1, INT64_MAX, &value))
		return -1;
	return (long long)value;
}

static int parse_format(const char *text, enum report_format *format)
{
	if (!strcmp(text, "text"))
		*format = FORMAT_TEXT;
	else if (!strcmp(text, "svg"))
		*format = FORMAT_SVG;
	else if (!strcmp(text, "html"))
		*format = FORMAT_HTML;
	else if (!strcmp(text, "email"))
		*format = FORMAT_EMAIL;
	else {
		fprintf(stderr, "patchcheck report: --format wants text, svg, html or email, got '%s'\n",
			text);
		return -1;
	}
	return 0;
}

/* 0, or -1 on bad usage (message printed). --help exits. */
static int parse_options(int argc, char **argv, struct report_options *o)
{
	long long n;

	*o = (struct report_options){ .db_path = "patchcheck.db" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			report_usage(stdout);
			exit(EXIT_MATCH);
		} else if (!strcmp(a, "--db") && has_value) {
			o->db_path = argv[++i];
		} else if (!strcmp(a, "--run") && has_value) {
			if ((n = positive_number(a, argv[++i])) < 0)
				return -1;
			o->run_id = n;
		} else if (!strcmp(a, "--failure") && has_value) {
			if ((n = positive_number(a, argv[++i])) < 0)
				return -1;
			o->failure_id = n;
		} else if (!strcmp(a, "--history")) {
			o->history = true;
			if (has_value && argv[i + 1][0] != '-')
				o->history_of = argv[++i];
		} else if (!strcmp(a, "--last") && has_value) {
			if ((n = positive_number(a, argv[++i])) < 0)
				return -1;
			o->last_steps = (size_t)n;
		} else if (!strcmp(a, "--format") && has_value) {
			if (parse_format(argv[++i], &o->format))
				return -1;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_value) {
			o->output = argv[++i];
		} else if (!strcmp(a, "--guest-dir") && has_value) {
			o->guest_dir = argv[++i];
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = true;
		} else {
			fprintf(stderr, "patchcheck report: unknown or incomplete option '%s' (try --help)\n",
				a);
			return -1;
		}
	}
	if (o->history && (o->run_id || o->failure_id || o->format != FORMAT_TEXT)) {
		fprintf(stderr, "patchcheck report: --history shows the runs as text: it takes no"
				" --run, --failure or --format\n");
		return -1;
	}
	if (o->format != FORMAT_TEXT && o->format != FORMAT_HTML && !o->failure_id) {
		static const char *const names[] = { [FORMAT_SVG] = "svg", [FORMAT_HTML] = "html",
						     [FORMAT_EMAIL] = "email" };

		fprintf(stderr, "patchcheck report: --format %s shows one failure: give --failure N\n",
			names[o->format]);
		return -1;
	}
	return 0;
}

/* ---- terminal ---- */

static struct text_style terminal_style(FILE *out)
{
	struct text_style style = { 0 };
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
	struct winsize ws;

	if (!isatty(fileno(out)))
		return style; /* a file or a pipe: no colors, every column at its natural width */
	style.color = !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		style.width = ws.ws_col;
	return style;
}

/* ---- what each hart ran, and symbols, for a failure ---- */

struct failure_sources {
	struct scenario *scenario; /* NULL: the scenario file is gone or changed */
	char roles[SCN_MAX_HARTS][512];
	const char *role_of[SCN_MAX_HARTS];
	struct image *image;       /* NULL: no guest image with the explored hash */
};

static void describe_argument(const struct scn_arg *a, char *buf, size_t size)
{
	if (a->is_symbol && a->value)
		snprintf(buf, size, "%s+0x%" PRIx64, a->symbol, a->value);
	else if (a->is_symbol)
		snprintf(buf, size, "%s", a->symbol);
	else if ((int64_t)a->value < 0)
		snprintf(buf, size, "%" PRId64, (int64_t)a->value);
	else
		snprintf(buf, size, a->value < 0x1000 ? "%" PRIu64 : "0x%" PRIx64, a->value);
}

/* "patcher: f(a, b); g(c) (x2)"; "asm: litmus_hart1()" for a hart whose code is inline. */
static void describe_hart(const struct scn_hart *h, char *buf, size_t size)
{
	static const char *const roles[] = {[ROLE_RUNNER] = "runner", [ROLE_PATCHER] = "patcher",
					    [ROLE_LITMUS] = "asm"};
	size_t len = (size_t)snprintf(buf, size, "%s:", roles[h->role]);
	char arg[128];

#define APPEND(...) \
	(len += len < size ? (size_t)snprintf(buf + len, size - len, __VA_ARGS__) : 0)
	for (unsigned c = 0; c < h->ncalls; c++) {
		APPEND("%s%s(", c ? "; " : " ", h->calls[c].func);
		for (unsigned i = 0; i < h->calls[c].nargs; i++) {
			describe_argument(&h->calls[c].args[i], arg, sizeof(arg));
			APPEND("%s%s", i ? ", " : "", arg);
		}
		APPEND(")");
	}
	if (h->repeat > 1)
		APPEND(" (x%u)", h->repeat);
#undef APPEND
}

static void load_hart_roles(const struct stored_scenario *stored, struct failure_sources *src)
{
	char hash[17], err[512], path[4096];

	stored_scenario_file(stored->file, path, sizeof(path), hash);
	if (!*hash || strcmp(hash, stored->file_hash))
		return;
	src->scenario = calloc(1, sizeof(*src->scenario));
	if (!src->scenario || scenario_load(path, src->scenario, err, sizeof(err))) {
		free(src->scenario);
		src->scenario = NULL;
		return;
	}
	for (unsigned h = 0; h < src->scenario->nharts; h++) {
		describe_hart(&src->scenario->harts[h], src->roles[h], sizeof(src->roles[h]));
		src->role_of[h] = src->roles[h];
	}
}

/* The image explored is the .elf under DIR/<arch>/ whose hash is the one stored. */
static void load_guest_symbols(const struct stored_scenario *stored, const char *guest_dir,
			       struct failure_sources *src)
{
	const struct arch_model *arch = arch_model_find(stored->arch);
	char dir[PATH_MAX], arch_dir[PATH_MAX + 32], path[2 * PATH_MAX], err[512];
	struct dirent *e;
	DIR *d;

	if (!arch || !*stored->image_hash)
		return;
	snprintf(dir, sizeof(dir), "%s",
		 explorer_guest_dir(&(struct explore_options){ .guest_dir = guest_dir }));
	snprintf(arch_dir, sizeof(arch_dir), "%s/%s", dir, stored->arch);
	d = opendir(arch_dir);
	while (d && !src->image && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".elf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", arch_dir, e->d_name);
		src->image = image_load(path, arch, err, sizeof(err));
		if (src->image && strcmp(image_hash(src->image), stored->image_hash)) {
			image_free(src->image);
			src->image = NULL;
		}
	}
	if (d)
		closedir(d);
}

/* "func+0x8"; the return address of a top-level call is "<caller>", as in the messages. A
 * symbol names only the addresses it covers (a sizeless one, a little past itself). */
static bool symbolize_with_image(void *ud, uint64_t pc, char *buf, size_t size)
{
	uint64_t offset;
	const struct image_symbol *sym;

	if (pc == MACHINE_MAGIC_RETURN) {
		snprintf(buf, size, "<caller>");
		return true;
	}
	sym = image_symbol_at(ud, pc, &offset);
	if (!sym || offset >= (sym->size ? sym->size : 0x100))
		return false;
	snprintf(buf, size, "%s+0x%" PRIx64, sym->name, offset);
	return true;
}

static struct report_context gather_context(const struct report_options *o,
					    const struct stored_failure *f,
					    struct failure_sources *src)
{
	struct report_context ctx = { .db_path = o->db_path };

	load_hart_roles(&f->scenario, src);
	load_guest_symbols(&f->scenario, o->guest_dir, src);
	if (src->scenario) {
		ctx.hart_roles = src->role_of;
		ctx.nhart_roles = src->scenario->nharts;
	}
	if (src->image) {
		ctx.symbolize = symbolize_with_image;
		ctx.symbolize_ud = src->image;
	}
	return ctx;
}

static void release_sources(struct failure_sources *src)
{
	free(src->scenario);
	image_free(src->image);
}

/* ---- the three views ---- */

static int show_failure(struct report_reader *reader, const struct report_options *o, FILE *out)
{
	struct failure_sources src = { 0 };
	struct stored_failure f;
	struct report_context ctx;
	struct text_style style;

	if (report_read_failure(reader, o->failure_id, &f)) {
		fprintf(stderr, "patchcheck report: %s\n", report_reader_last_error(reader));
		return EXIT_BAD_INPUT;
	}
	if (o->run_id && f.scenario.run_id != o->run_id) {
		fprintf(stderr, "patchcheck report: %s: failure %" PRId64 " belongs to run %" PRId64
				", not run %" PRId64 "\n", o->db_path, f.id, f.scenario.run_id, o->run_id);
		stored_failure_release(&f);
		return EXIT_BAD_INPUT;
	}
	if (o->last_steps && !o->verbose)
		stored_failure_keep_last_steps(&f, o->last_steps);
	else if (o->format == FORMAT_EMAIL && !o->verbose)
		stored_failure_keep_last_steps(&f, EMAIL_STEPS);
	ctx = gather_context(o, &f, &src);
	if (o->format == FORMAT_SVG) {
		report_write_failure_svg(out, &f, &ctx);
	} else if (o->format == FORMAT_HTML) {
		report_write_failure_html(out, &f, &ctx);
	} else if (o->format == FORMAT_EMAIL) {
		report_write_failure_email(out, &f, &ctx);
	} else {
		style = terminal_style(out);
		style.details_only = o->quiet;
		report_print_failure(out, &f, &ctx, &style);
	}
	release_sources(&src);
	stored_failure_release(&f);
	return EXIT_MATCH;
}

/* Every run, or the runs of one scenario, side by side. */
static int show_history(struct report_reader *reader, const struct report_options *o, FILE *out)
{
	struct stored_scenario *rows = NULL;
	struct stored_run *runs = NULL;
	size_t nruns = 0, nrows = 0;

	if (report_read_runs(reader, &runs, &nruns) ||
	    report_read_history(reader, o->history_of, &rows, &nrows)) {
		fprintf(stderr, "patchcheck report: %s\n", report_reader_last_error(reader));
		stored_runs_free(runs, nruns);
		return EXIT_BAD_INPUT;
	}
	report_print_history(out, o->history_of, runs, nruns, rows, nrows);
	stored_scenarios_free(rows, nrows);
	stored_runs_free(runs, nruns);
	return EXIT_MATCH;
}

/* A run's scenarios, and how to look at its failures. */
static int show_run(struct report_reader *reader, const struct report_options *o, int64_t run_id,
		    FILE *out)
{
	struct stored_scenario *scenarios;
	struct stored_run run;
	size_t n;

	if (report_read_run(reader, run_id, &run) ||
	    report_read_scenarios_of_run(reader, run_id, &scenarios, &n)) {
		fprintf(stderr, "patchcheck report: %s\n", report_reader_last_error(reader));
		stored_run_release(&run);
		return EXIT_BAD_INPUT;
	}
	if (o->format == FORMAT_HTML) {
		report_write_run_html(out, &run, scenarios, n);
	} else {
		report_print_run(out, &run, scenarios, n);
	}
	if (run.failures && o->format == FORMAT_TEXT)
		fprintf(out, "\nA failure in detail: patchcheck report --db %s --failure N"
			     " [--format svg|html -o FILE]\n", o->db_path);
	stored_scenarios_free(scenarios, n);
	stored_run_release(&run);
	return EXIT_MATCH;
}

static int show_runs_and_latest(struct report_reader *reader, const struct report_options *o,
				FILE *out)
{
	struct stored_run *runs;
	size_t n;
	int64_t latest;

	if (o->format == FORMAT_HTML) { /* the overview of the latest run */
		if ((latest = report_read_latest_run_id(reader)) <= 0) {
			fprintf(stderr, "patchcheck report: %s\n",
				latest ? report_reader_last_error(reader) : "the database holds no run");
			return EXIT_BAD_INPUT;
		}
		return show_run(reader, o, latest, out);
	}
	if (report_read_runs(reader, &runs, &n) || (latest = report_read_latest_run_id(reader)) < 0) {
		fprintf(stderr, "patchcheck report: %s\n", report_reader_last_error(reader));
		return EXIT_BAD_INPUT;
	}
	report_print_runs(out, runs, n);
	stored_runs_free(runs, n);
	if (!latest)
		return EXIT_MATCH;
	fprintf(out, "\nlatest ");
	return show_run(reader, o, latest, out);
}

int cmd_report(int argc, char **argv)
{
	struct report_options o;
	struct report_reader *reader;
	struct output_file file;
	FILE *out = stdout;
	char err[1024];
	int rc;

	if (parse_options(argc, argv, &o))
		return EXIT_BAD_INPUT;
	if (o.output && output_refuse_input("report", o.output, o.db_path, err, sizeof(err))) {
		fprintf(stderr, "patchcheck report: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	reader = report_reader_open(o.db_path, err, sizeof(err));
	if (!reader) {
		fprintf(stderr, "patchcheck report: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (o.output) {
		if (output_open(&file, o.output, err, sizeof(err))) {
			fprintf(stderr, "patchcheck report: %s\n", err);
			report_reader_close(reader);
			return output_exit_code(&file);
		}
		out = file.f;
	}
	if (o.history)
		rc = show_history(reader, &o, out);
	else if (o.failure_id)
		rc = show_failure(reader, &o, out);
	else if (o.run_id)
		rc = show_run(reader, &o, o.run_id, out);
	else
		rc = show_runs_and_latest(reader, &o, out);
	if (o.output && rc != EXIT_MATCH) {
		output_abort(&file); /* nothing half-written, and an existing file stays as it was */
	} else if (o.output ? output_commit(&file, err, sizeof(err)) != 0 : fflush(out) != 0) {
		if (!o.output)
			snprintf(err, sizeof(err), "standard output: cannot write: %s", strerror(errno));
		fprintf(stderr, "patchcheck report: %s\n", err);
		rc = o.output ? output_exit_code(&file) : EXIT_ENVIRONMENT;
	}
	report_reader_close(reader);
	return rc;
}
