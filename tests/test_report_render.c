/*
 * test_report_render.c - `patchcheck report` on a database written by `patchcheck run` over the
 * bundled scenarios: the runs and a run's scenarios; each failure as text with one column per
 * hart, the failing step marked and colors only on a terminal; as SVG that parses as XML with
 * one lane per hart; as HTML that headless Chromium loads without a script error, whose DOM
 * holds the lanes and the failing step and whose screenshot, also at #failing-step, is a real
 * picture; a loop once with its count; the run's overview linking each failure; as email text of
 * at most 80 columns whose replay commands paste into a shell; the history of the runs and of
 * one scenario; and clear errors
 * with exit 2 for missing files and unknown ids.
 *
 * Chromium is required (scripts/deps.sh installs it): without it the HTML test fails.
 */
#define _GNU_SOURCE /* memmem */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCENARIOS PATCHCHECK_SOURCE_DIR "/scenarios/arm64"
#define BASELINE_FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/gate/baseline"
#define MAX_FAILURES 64
#define MAX_HARTS 8

static char scratch_dir[256];
static char db_file[512];

/* What the database says about each failure, to compare the views with. */
struct expected_failure {
	int64_t id;
	char scenario[128];
	char invariant[64];
	unsigned hart;              /* the failing hart */
	unsigned harts[MAX_HARTS + 1]; /* distinct harts of the trace and the failing hart */
	size_t nharts;
	bool has_write, has_fetch;
	bool has_code_write, has_data_write, has_stop_enter, has_stop_exit; /* write_kind */
};

static struct expected_failure failures[MAX_FAILURES];
static size_t nfailures;

/* Why the database could not be written; every test fails with it. */
static char setup_error[4096];

static void scratch_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", scratch_dir, name);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static size_t count_occurrences(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *at = text; (at = strstr(at, needle)); at += strlen(needle))
		n++;
	return n;
}

/* The line after line, or NULL. */
static const char *next_line(const char *line)
{
	const char *end = strchr(line, '\n');

	return end ? end + 1 : NULL;
}

/* The line of text that starts with prefix, copied into buf; NULL when there is none. */
static const char *line_starting_with(const char *text, const char *prefix, char *buf, size_t size)
{
	for (const char *line = text; line && *line; line = next_line(line)) {
		if (!strncmp(line, prefix, strlen(prefix))) {
			size_t len = strcspn(line, "\n");

			snprintf(buf, size, "%.*s", (int)len, line);
			return buf;
		}
	}
	return NULL;
}

/* ---- the database, written once by patchcheck run ---- */

static void add_hart(struct expected_failure *f, unsigned hart)
{
	for (size_t i = 0; i < f->nharts; i++)
		if (f->harts[i] == hart)
			return;
	if (f->nharts < MAX_HARTS + 1)
		f->harts[f->nharts++] = hart;
}

static int read_expected_failures(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (sqlite3_open_v2(db_file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT f.id, f.invariant, f.hart, s.name FROM failures f"
			       " JOIN scenarios s ON s.id = f.scenario_id ORDER BY f.id", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW && nfailures < MAX_FAILURES) {
		struct expected_failure *f = &failures[nfailures++];

		f->id = sqlite3_column_int64(st, 0);
		snprintf(f->invariant, sizeof(f->invariant), "%s", sqlite3_column_text(st, 1));
		f->hart = (unsigned)sqlite3_column_int(st, 2);
		snprintf(f->scenario, sizeof(f->scenario), "%s", sqlite3_column_text(st, 3));
		add_hart(f, f->hart);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT failure_id, hart, patch_write, watched_fetch,"
				   " coalesce(write_kind, '') FROM trace_steps", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (size_t i = 0; i < nfailures; i++) {
			if (failures[i].id != sqlite3_column_int64(st, 0))
				continue;
			add_hart(&failures[i], (unsigned)sqlite3_column_int(st, 1));
			const char *kind = (const char *)sqlite3_column_text(st, 4);

			failures[i].has_write |= sqlite3_column_int(st, 2) != 0;
			failures[i].has_fetch |= sqlite3_column_int(st, 3) != 0;
			failures[i].has_code_write |= !strcmp(kind, "code");
			failures[i].has_data_write |= !strcmp(kind, "data");
			failures[i].has_stop_enter |= !strcmp(kind, "stop-machine-enter");
			failures[i].has_stop_exit |= !strcmp(kind, "stop-machine-exit");
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
fail:
	snprintf(setup_error, sizeof(setup_error), "%s: %s", db_file, sqlite3_errmsg(db));
	sqlite3_close(db);
	return -1;
}

/* Once, in the runner: the tests read the database in their own processes. */
static void write_database(void)
{
	int rc;

	snprintf(scratch_dir, sizeof(scratch_dir), "%s/pc-report-render-XXXXXX", temp_dir());
	if (!mkdtemp(scratch_dir)) {
		snprintf(setup_error, sizeof(setup_error), "cannot make %s", scratch_dir);
		return;
	}
	scratch_path(db_file, sizeof(db_file), "report.db");
	/* Exit 1 (a verdict not as expected) still stores every failure found. */
	rc = sh("%s run -q --db %s %s/*.yaml", TOOL, db_file, SCENARIOS);
	if (rc != 0 && rc != 1) {
		snprintf(setup_error, sizeof(setup_error), "patchcheck run exited %d: %.3000s", rc,
			 output ? output : "");
		return;
	}
	if (read_expected_failures() == 0 && nfailures < 2)
		snprintf(setup_error, sizeof(setup_error),
			 "the bundled scenarios stored %zu failures, expected several", nfailures);
}

static void require_database(void)
{
	ck_assert_msg(!setup_error[0], "%s", setup_error);
}

/* The scratch directory holds Chromium's profile too: remove the whole tree. */
static void remove_scratch_dir(void)
{
	if (scratch_dir[0] && !strchr(scratch_dir, '\''))
		sh("rm -rf '%s'", scratch_dir);
	free(output);
	output = NULL;
}

/* ---- runs and scenarios ---- */

START_TEST(without_selector_lists_runs_then_the_latest_run)
{
	ck_assert_int_eq(sh("%s report --db %s", TOOL, db_file), 0);
	expect_in_output("not as expected");
	expect_in_output("latest run 1:");
	expect_in_output("arm64/flawed-bad-lr");
	expect_in_output("fail:lr-at-entry");
	expect_in_output("--failure N");
}
END_TEST

START_TEST(run_selector_shows_scenarios_with_failure_ids)
{
	char prefix[160], id[32], line[1024];

	ck_assert_int_eq(sh("%s report --db %s --run 1", TOOL, db_file), 0);
	expect_in_output("run 1: started");
	expect_in_output("executions");
	/* coverage: the kinds, then the site forms passes ran (arm64/nop-to-call's disabled
	 * site: mov x9, x30; nop) */
	expect_in_output("     coverage: call=");
	expect_in_output("     site form traced_add3: aa1e03e9 d503201f in ");
	for (size_t i = 0; i < nfailures; i++) {
		/* "ok   NAME ..." or "FAIL NAME ...", as the verdict matched its expectation */
		snprintf(prefix, sizeof(prefix), "ok   %s ", failures[i].scenario);
		if (!line_starting_with(output, prefix, line, sizeof(line)))
			memcpy(prefix, "FAIL ", 5);
		ck_assert_msg(line_starting_with(output, prefix, line, sizeof(line)), "no line '%s'",
			      prefix);
		snprintf(id, sizeof(id), " %" PRId64 "\n", failures[i].id);
		strcat(line, "\n");
		ck_assert_msg(strstr(line, id), "no failure id %" PRId64 " in '%s'", failures[i].id,
			      line);
	}
}
END_TEST

/* ---- a failure as text ---- */

/* The lane of the failing step: how many lane separators come before its cell. */
static size_t lane_of_failing_row(const char *text)
{
	char row[4096];
	size_t lane = 0;
	const char *c;

	ck_assert_ptr_nonnull(line_starting_with(text, ">>", row, sizeof(row)));
	for (c = row + 2; *c == ' ' || *c == '|'; c++)
		lane += *c == '|';
	ck_assert_msg(*c >= '0' && *c <= '9', "no step number in the failing row '%s'", row);
	return lane;
}

static size_t lane_index(const struct expected_failure *f, unsigned hart)
{
	size_t below = 0;

	for (size_t i = 0; i < f->nharts; i++)
		below += f->harts[i] < hart;
	return below;
}

START_TEST(failure_text_has_a_column_per_hart_and_marks_the_failing_step)
{
	for (size_t i = 0; i < nfailures; i++) {
		const struct expected_failure *f = &failures[i];
		char lanes[4096], want[1024];

		ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64, TOOL, db_file, f->id), 0);
		ck_assert_ptr_nonnull(line_starting_with(output, "   hart ", lanes, sizeof(lanes)));
		for (size_t h = 0; h < f->nharts; h++) {
			snprintf(want, sizeof(want), "hart %u", f->harts[h]);
			ck_assert_msg(strstr(lanes, want), "failure %" PRId64 ": no lane '%s' in '%s'",
				      f->id, want, lanes);
		}
		ck_assert_uint_eq(count_occurrences(lanes, " | "), f->nharts - 1);
		ck_assert_uint_eq(lane_of_failing_row(output), lane_index(f, f->hart));
		snprintf(want, sizeof(want), "invariant    %s\n", f->invariant);
		expect_in_output(want);
		snprintf(want, sizeof(want), "patchcheck replay --db %s %" PRId64, db_file, f->id);
		expect_in_output(want);
		/* each kind of write its own marker */
		if (f->has_code_write)
			expect_in_output(" W    ");
		if (f->has_data_write)
			expect_in_output(" D    ");
		if (f->has_stop_enter)
			expect_in_output(" S+   ");
		if (f->has_stop_exit)
			expect_in_output(" S-   ");
		ck_assert(!f->has_write || f->has_code_write || f->has_data_write ||
			  f->has_stop_enter || f->has_stop_exit);
		if (f->has_fetch)
			expect_in_output(" F v");
		snprintf(want, sizeof(want), "registers of hart %u when the check failed", f->hart);
		expect_in_output(want);
		ck_assert_ptr_null(strchr(output, '\033')); /* not a terminal: no colors */
	}
}
END_TEST

START_TEST(last_limits_the_trace)
{
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --last 5", TOOL, db_file,
			    failures[0].id), 0);
	expect_in_output("earlier steps not shown");
	expect_in_output("\n>>");
	expect_in_output("the last 5 shown");
}
END_TEST

/* On a terminal (script(1) gives one): colors unless NO_COLOR, and the lanes fit its width. */
START_TEST(terminal_gets_colors_and_fitted_lanes)
{
	const char *line;
	size_t rows = 0;

	ck_assert_int_eq(sh("script -qec 'stty cols 120; %s report --db %s --failure %" PRId64 "'"
			    " /dev/null", TOOL, db_file, failures[0].id), 0);
	expect_in_output("\033[1;31m>>"); /* the failing step in red */
	for (line = output; line; line = next_line(line)) {
		size_t len = strcspn(line, "\r\n"), escapes = 0;

		if (!memmem(line, len, " | ", 3) && !memmem(line, len, "-+-", 3))
			continue;
		for (const char *e = line; (e = memchr(e, '\033', len - (size_t)(e - line))); e++)
			escapes += strcspn(e, "m") + 1;
		ck_assert_msg(len - escapes <= 120, "lane line of %zu columns on a 120-column terminal",
			      len - escapes);
		rows++;
	}
	ck_assert_uint_gt(rows, 3);
	ck_assert_int_eq(sh("NO_COLOR=1 script -qec '%s report --db %s --failure %" PRId64 "'"
			    " /dev/null", TOOL, db_file, failures[0].id), 0);
	ck_assert_ptr_null(strchr(output, '\033'));
}
END_TEST

/* ---- SVG ---- */

/* Parse an SVG file as XML; output gets "<lanes> <failing steps> <lane ids>". */
static int parse_svg(const char *path)
{
	return sh("python3 -c 'import sys, xml.etree.ElementTree as E\n"
		  "g = [e for e in E.parse(sys.argv[1]).iter(\"{http://www.w3.org/2000/svg}g\")]\n"
		  "lanes = [e.get(\"id\") for e in g if e.get(\"class\") == \"lane\"]\n"
		  "failing = [e for e in g if e.get(\"class\") == \"step failing\"]\n"
		  "print(len(lanes), len(failing), \",\".join(lanes))' %s",
		  path);
}

START_TEST(svg_is_xml_with_a_lane_per_hart)
{
	char svg[600], want[512];

	scratch_path(svg, sizeof(svg), "failure.svg");
	for (size_t i = 0; i < nfailures; i++) {
		const struct expected_failure *f = &failures[i];

		ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format svg -o %s", TOOL,
				    db_file, f->id, svg), 0);
		ck_assert_int_gt(file_size(svg), 1000);
		ck_assert_msg(parse_svg(svg) == 0, "failure %" PRId64 ": %s", f->id, output);
		snprintf(want, sizeof(want), "%zu 1 ", f->nharts);
		ck_assert_msg(!strncmp(output, want, strlen(want)), "failure %" PRId64 ": '%s'", f->id,
			      output);
		snprintf(want, sizeof(want), "lane-hart-%u", f->hart);
		expect_in_output(want);
		/* a box of its own kind for each kind of write */
		ck_assert_int_eq(sh("cat %s", svg), 0);
		if (f->has_stop_enter || f->has_stop_exit)
			expect_in_output("<g class=\"step stop-machine\"");
		if (f->has_code_write)
			expect_in_output("<g class=\"step write\"");
		if (f->has_data_write)
			expect_in_output("<g class=\"step data-write\"");
	}
}
END_TEST

/* The bundled arm64 scenarios write code, data and stop_machine's flag: the markers above are
 * each tried. */
START_TEST(every_kind_of_write_is_among_the_failures)
{
	bool code = false, data = false, enter = false, exit_ = false;

	for (size_t i = 0; i < nfailures; i++) {
		code |= failures[i].has_code_write;
		data |= failures[i].has_data_write;
		enter |= failures[i].has_stop_enter;
		exit_ |= failures[i].has_stop_exit;
	}
	ck_assert(code && data && enter && exit_);
}
END_TEST

/* Text with every XML special character in the message and the disassembly stays well formed. */
START_TEST(svg_and_html_escape_everything)
{
	char copy[600], svg[600], html[600];
	sqlite3 *db;

	scratch_path(copy, sizeof(copy), "escaped.db");
	scratch_path(svg, sizeof(svg), "escaped.svg");
	scratch_path(html, sizeof(html), "escaped.html");
	ck_assert_int_eq(sh("cp %s %s", db_file, copy), 0);
	ck_assert_int_eq(sqlite3_open(copy, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "UPDATE failures SET message = 'a <b> & \"c\" ''d'' ]]> ' || char(1),"
				      " schedule = '<x/>';"
				      "UPDATE trace_steps SET disasm = 'ldr x0, <&x1>' WHERE seq = 0;",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format svg -o %s", TOOL, copy,
			    failures[0].id, svg), 0);
	ck_assert_msg(parse_svg(svg) == 0, "%s", output);
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format html -o %s", TOOL, copy,
			    failures[0].id, html), 0);
	ck_assert_int_eq(sh("cat %s", html), 0);
	expect_in_output("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; ]]&gt;");
	expect_in_output("ldr x0, &lt;&amp;x1&gt;");
	ck_assert_ptr_null(strstr(output, "<x/>"));
}
END_TEST

/* ---- HTML in a browser ---- */

/* Fails the test unless the top of the screenshot png has something drawn on it. */
static void expect_ink_at_the_top(const char *png)
{
	double ink;

	ck_assert_int_eq(sh("python3 %s/tests/png_top_ink.py %s", PATCHCHECK_SOURCE_DIR, png), 0);
	ck_assert_msg(sscanf(output, "top-sixth-ink %lf", &ink) == 1, "%s", output);
	ck_assert_msg(ink > 0.005, "the top of %s is blank (%s)", png, output);
}

#define CHROMIUM_FLAGS                                                                    \
	"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run"             \
	" --disable-background-networking --disable-component-update --disable-sync"      \
	" --enable-logging=stderr --v=0"

static void check_no_script_errors(const char *stderr_file)
{
	ck_assert_int_eq(sh("cat %s", stderr_file), 0);
	ck_assert_msg(!strstr(output, "Uncaught"), "JavaScript error in the page: %s", output);
}

START_TEST(html_loads_in_chromium_with_lanes_and_the_failing_step)
{
	const struct expected_failure *f = &failures[nfailures - 1];
	char html[600], dom[600], png[600], errors[600], profile[600], want[64];

	ck_assert_msg(sh("command -v chromium") == 0,
		      "chromium is not installed: scripts/deps.sh installs it (apt-get install chromium)");
	scratch_path(html, sizeof(html), "failure.html");
	scratch_path(dom, sizeof(dom), "dom.html");
	scratch_path(png, sizeof(png), "failure.png");
	scratch_path(errors, sizeof(errors), "chromium.err");
	scratch_path(profile, sizeof(profile), "chromium-profile");
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format html -o %s", TOOL,
			    db_file, f->id, html), 0);

	ck_assert_int_eq(sh("chromium " CHROMIUM_FLAGS " --user-data-dir=%s --dump-dom file://%s"
			    " >%s 2>%s", profile, html, dom, errors), 0);
	check_no_script_errors(errors);
	ck_assert_int_eq(sh("cat %s", dom), 0);
	ck_assert_uint_eq(count_occurrences(output, "class=\"lane\""), f->nharts);
	for (size_t h = 0; h < f->nharts; h++) {
		snprintf(want, sizeof(want), "id=\"lane-hart-%u\"", f->harts[h]);
		expect_in_output(want);
	}
	ck_assert_uint_eq(count_occurrences(output, "class=\"step failing\""), 1);
	expect_in_output("id=\"failing-step\"");
	expect_in_output("&gt;&gt; ");
	expect_in_output(f->invariant);

	ck_assert_int_eq(sh("chromium " CHROMIUM_FLAGS " --user-data-dir=%s --screenshot=%s"
			    " --window-size=1400,900 file://%s >/dev/null 2>%s",
			    profile, png, html, errors), 0);
	check_no_script_errors(errors);
	ck_assert_msg(file_size(png) > 20000, "screenshot of %ld bytes", file_size(png));
	ck_assert_int_eq(sh("head -c 8 %s | od -An -c | tr -d ' '", png), 0);
	expect_in_output("211PNG"); /* the PNG signature, \211 P N G */

	/* Opened at its deep link, the page shows the failing step, not a blank window (a blank
	 * 1400x900 screenshot is a few kilobytes). */
	ck_assert_int_eq(sh("chromium " CHROMIUM_FLAGS " --user-data-dir=%s --screenshot=%s"
			    " --window-size=1400,900 'file://%s#failing-step' >/dev/null 2>%s",
			    profile, png, html, errors), 0);
	ck_assert_msg(file_size(png) > 20000, "screenshot at #failing-step of %ld bytes",
		      file_size(png));
	expect_ink_at_the_top(png);
}
END_TEST

/* The failure of a trampoline that loops (termination): its loop is one box with its count and
 * where it began, the table shows the loop's block once, the page stays small, and its deep link
 * shows the failing step. */
START_TEST(a_loop_is_shown_once_with_its_count)
{
	const struct expected_failure *f = NULL;
	char html[600], svg[600], png[600], errors[600], profile[600];

	for (size_t i = 0; i < nfailures && !f; i++)
		if (!strcmp(failures[i].invariant, "termination"))
			f = &failures[i];
	ck_assert_msg(f, "no termination failure among the bundled arm64 scenarios");
	scratch_path(html, sizeof(html), "loop.html");
	scratch_path(svg, sizeof(svg), "loop.svg");
	scratch_path(png, sizeof(png), "loop.png");
	scratch_path(errors, sizeof(errors), "loop-chromium.err");
	scratch_path(profile, sizeof(profile), "chromium-profile");
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format svg -o %s", TOOL,
			    db_file, f->id, svg), 0);
	ck_assert_int_eq(parse_svg(svg), 0);
	ck_assert_int_eq(sh("cat %s", svg), 0);
	ck_assert_uint_eq(count_occurrences(output, "<g class=\"step loop\""), 1);
	expect_in_output("data-repeats=\"");
	expect_in_output(">loop from step ");
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format html -o %s", TOOL,
			    db_file, f->id, html), 0);
	ck_assert_int_eq(sh("cat %s", html), 0);
	ck_assert_uint_eq(count_occurrences(output, "<tr class=\"loop\">"), 1);
	expect_in_output("times in all, to step ");
	ck_assert_msg(file_size(html) < 150000, "the page of a loop is %ld bytes", file_size(html));
	ck_assert_int_eq(sh("chromium " CHROMIUM_FLAGS " --user-data-dir=%s --screenshot=%s"
			    " --window-size=1400,900 'file://%s#failing-step' >/dev/null 2>%s",
			    profile, png, html, errors), 0);
	check_no_script_errors(errors);
	ck_assert_msg(file_size(png) > 20000, "screenshot at #failing-step of %ld bytes",
		      file_size(png));
	expect_ink_at_the_top(png);
}
END_TEST

/* The run's overview: a row per scenario, each failure linked to its page. */
START_TEST(run_overview_links_every_failure)
{
	char html[600], dom[600], errors[600], profile[600], want[64];

	scratch_path(html, sizeof(html), "run.html");
	scratch_path(dom, sizeof(dom), "run-dom.html");
	scratch_path(errors, sizeof(errors), "run-chromium.err");
	scratch_path(profile, sizeof(profile), "chromium-profile");
	ck_assert_int_eq(sh("%s report --db %s --format html -o %s", TOOL, db_file, html), 0);
	ck_assert_int_eq(sh("chromium " CHROMIUM_FLAGS " --user-data-dir=%s --dump-dom file://%s"
			    " >%s 2>%s", profile, html, dom, errors), 0);
	check_no_script_errors(errors);
	ck_assert_int_eq(sh("cat %s", dom), 0);
	ck_assert_uint_eq(count_occurrences(output, "<tr class=\"scenario "),
			  (size_t)query_first_int(db_file, "SELECT count(*) FROM scenarios"));
	for (size_t i = 0; i < nfailures; i++) {
		snprintf(want, sizeof(want), "href=\"failure-%" PRId64 ".html\"", failures[i].id);
		expect_in_output(want);
	}
	expect_in_output(">complete<");
	ck_assert_int_eq(sh("%s report --db %s --run 1 --format html", TOOL, db_file), 0);
	expect_in_output("<h1>patchcheck run 1</h1>");
	ck_assert_int_eq(sh("%s report --db %s --run 1 --format svg", TOOL, db_file), 2);
}
END_TEST

/* ---- a failure as email ---- */

/* The widest line of text, in bytes (the report writes ASCII only). */
static size_t widest_line(const char *text)
{
	size_t widest = 0;

	for (const char *line = text; line && *line; line = next_line(line)) {
		size_t len = strcspn(line, "\n");

		widest = len > widest ? len : widest;
	}
	return widest;
}

/* The shell command that starts at the line after the one starting with label, its backslash
 * continuations joined as a shell joins them, into buf. */
static void pasted_command(const char *text, const char *label, char *buf, size_t size)
{
	char first[4096];
	const char *at;
	size_t len = 0;

	ck_assert_ptr_nonnull(line_starting_with(text, label, first, sizeof(first)));
	at = next_line(strstr(text, first));
	ck_assert_ptr_nonnull(at);
	for (; *at && len + 1 < size; at++) {
		if (at[0] == '\\' && at[1] == '\n') {
			at++;
			continue;
		}
		if (*at == '\n')
			break;
		buf[len++] = *at;
	}
	buf[len] = 0;
}

START_TEST(email_fits_80_columns_with_verdict_replay_trace_and_registers)
{
	for (size_t i = 0; i < nfailures; i++) {
		const struct expected_failure *f = &failures[i];
		char want[1024], lanes[4096];

		ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format email", TOOL,
				    db_file, f->id), 0);
		ck_assert_msg(widest_line(output) <= 80, "failure %" PRId64 ": a line of %zu columns:\n%s",
			      f->id, widest_line(output), output);
		ck_assert_ptr_null(strchr(output, '\t'));
		ck_assert_ptr_null(strchr(output, '\033'));
		snprintf(want, sizeof(want), "patchcheck: %s: expected", f->scenario);
		ck_assert_msg(!strncmp(output, want, strlen(want)), "heading: %.200s", output);
		snprintf(want, sizeof(want), "\ninvariant:   %s\n", f->invariant);
		expect_in_output(want);
		expect_in_output("\nschedule:    ");
		expect_in_output("\n  patchcheck replay --db ");
		expect_in_output("--schedule ");
		/* the interesting window: the last 12 steps, one column per hart */
		expect_in_output("steps not shown");
		ck_assert_ptr_nonnull(line_starting_with(output, "   hart ", lanes, sizeof(lanes)));
		ck_assert_uint_eq(count_occurrences(lanes, " | "), f->nharts - 1);
		ck_assert_uint_eq(lane_of_failing_row(output), lane_index(f, f->hart));
		snprintf(want, sizeof(want), "Registers of hart %u that differ", f->hart);
		snprintf(lanes, sizeof(lanes), "No register of hart %u differs", f->hart);
		ck_assert_msg(strstr(output, want) || strstr(output, lanes), "no registers: %s", output);
	}
	/* A register-preservation failure shows the register that differs, expected vs actual. */
	for (size_t i = 0; i < nfailures; i++) {
		if (strcmp(failures[i].invariant, "register-preservation"))
			continue;
		ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format email", TOOL,
				    db_file, failures[i].id), 0);
		expect_in_output("that differ from the start of its traced site:\n  reg    expected");
		return;
	}
	ck_abort_msg("no register-preservation failure among the bundled scenarios");
}
END_TEST

/* Paths too long for a line are continued with a backslash: pasted into a shell, both replay
 * commands still reproduce the failure. */
START_TEST(email_replay_commands_paste_into_a_shell)
{
	char dir[700], db[800], command[8192];

	scratch_path(dir, sizeof(dir), "a-directory-whose-name-is-long-enough-to-need-more-than-"
			 "one-line-of-eighty-columns");
	snprintf(db, sizeof(db), "%s/copy.db", dir);
	ck_assert_int_eq(sh("mkdir -p %s && sqlite3 %s '.backup %s'", dir, db_file, db), 0);
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format email", TOOL, db,
			    failures[0].id), 0);
	ck_assert_msg(widest_line(output) <= 80, "%s", output);
	expect_in_output("\\\n");
	pasted_command(output, "Replay it", command, sizeof(command));
	ck_assert_msg(strstr(command, db), "'%s' does not name %s", command, db);
	ck_assert_int_eq(sh("PATH=%s:$PATH %s", PATCHCHECK_BINARY_DIR, command), 0);
	expect_in_output("reproduced");
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format email", TOOL, db,
			    failures[0].id), 0);
	pasted_command(output, "or without the database", command, sizeof(command));
	ck_assert_int_eq(sh("PATH=%s:$PATH %s", PATCHCHECK_BINARY_DIR, command), 0);
	ck_assert_int_eq(sh("%s report --db %s --format email", TOOL, db), 2);
	expect_in_output("--format email shows one failure: give --failure N");
}
END_TEST

/* Whatever the lengths of the scenario path and the database path, no line is over 80 columns:
 * each length from one that fits on the first line to one that needs two lines is tried, so a
 * word that ends exactly at the margin before a " \\" is among them. */
START_TEST(email_fits_80_columns_for_every_path_length)
{
	char dir[700], db[800], pad[128], sql[512];
	sqlite3 *conn;

	for (size_t len = 60; len <= 100; len++) {
		size_t dir_len;

		memset(pad, 'p', len);
		pad[len] = 0;
		pad[0] = '/';
		scratch_path(dir, sizeof(dir), "d");
		dir_len = strlen(dir);
		/* the database path is len columns too, where the scratch directory allows */
		snprintf(db, sizeof(db), "%s%.*s/r.db", dir,
			 (int)(len > dir_len + 5 ? len - dir_len - 5 : 1), pad + 1);
		ck_assert_int_eq(sh("mkdir -p $(dirname %s) && rm -f %s && sqlite3 %s '.backup %s'", db, db,
				    db_file, db), 0);
		ck_assert_int_eq(sqlite3_open(db, &conn), SQLITE_OK);
		snprintf(sql, sizeof(sql), "UPDATE scenarios SET file = '%s'", pad);
		ck_assert_int_eq(sqlite3_exec(conn, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(conn);
		ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format email", TOOL, db,
				    failures[0].id), 0);
		ck_assert_msg(widest_line(output) <= 80, "paths of %zu columns: a line of %zu:\n%s", len,
			      widest_line(output), output);
		ck_assert_int_eq(sh("rm -rf $(dirname %s)", db), 0);
	}
}
END_TEST

/* ---- history ---- */

/* Two runs of one scenario whose verdict flips: each run's line, the flip named; the
 * scenario's own history marks it; an unknown scenario is exit 2. */
START_TEST(history_shows_each_run_and_a_flipped_verdict)
{
	char db[600], line[1024];

	scratch_path(db, sizeof(db), "history.db");
	ck_assert_int_eq(sh("%s gate -q --db %s %s/before", TOOL, db, BASELINE_FIXTURES), 0);
	ck_assert_int_eq(sh("%s gate -q --db %s %s/after", TOOL, db, BASELINE_FIXTURES), 1);
	ck_assert_int_eq(sh("%s report --db %s --history", TOOL, db), 0);
	expect_in_output("not as expected  executions    traces         steps    seconds\n");
	ck_assert_ptr_nonnull(line_starting_with(output, "    1  ", line, sizeof(line)));
	ck_assert_msg(strstr(line, " complete            1                0 "), "%s", line);
	ck_assert_ptr_nonnull(line_starting_with(output, "    2  ", line, sizeof(line)));
	ck_assert_msg(strstr(line, " complete            1                1 "), "%s", line);
	expect_in_output("  run 2 (was run 1)  gate/baseline-site  pass -> fail:register-preservation\n");

	ck_assert_int_eq(sh("%s report --db %s --history gate/baseline-site", TOOL, db), 0);
	expect_in_output("history of gate/baseline-site: 2 runs\n");
	ck_assert_ptr_nonnull(line_starting_with(output, "    1  ", line, sizeof(line)));
	ck_assert_msg(strstr(line, "  ok    pass ") && !strstr(line, "changed"), "%s", line);
	ck_assert_ptr_nonnull(line_starting_with(output, "    2  ", line, sizeof(line)));
	ck_assert_msg(strstr(line, "  FAIL  fail:register-preservation ") &&
		      strstr(line, "<- verdict changed"), "%s", line);

	ck_assert_int_eq(sh("%s report --db %s --history no/such-scenario", TOOL, db), 2);
	expect_in_output("no scenario named 'no/such-scenario' was stored");
	ck_assert_int_eq(sh("%s report --db %s --history --failure 1", TOOL, db), 2);
	expect_in_output("--history shows the runs as text");
}
END_TEST

/* ---- errors ---- */

START_TEST(bad_input_exits_2_naming_the_file_or_id)
{
	char other[600], out_file[600];

	scratch_path(other, sizeof(other), "not-a-report.db");
	scratch_path(out_file, sizeof(out_file), "no-such-dir/out.svg");
	ck_assert_int_eq(sh("%s report --db %s/missing.db", TOOL, scratch_dir), 2);
	expect_in_output("missing.db: no such report database");
	scratch_path(other, sizeof(other), "missing.db");
	ck_assert_int_eq(file_size(other), -1); /* never created */
	scratch_path(other, sizeof(other), "not-a-report.db");
	ck_assert_int_eq(sh("%s report --db %s --failure 999999", TOOL, db_file), 2);
	expect_in_output("there is no failure 999999");
	expect_in_output(db_file);
	ck_assert_int_eq(sh("%s report --db %s --run 999999", TOOL, db_file), 2);
	expect_in_output("there is no run 999999");
	ck_assert_int_eq(sh("%s report --db %s --format svg", TOOL, db_file), 2);
	expect_in_output("--failure");
	ck_assert_int_eq(sh("%s report --db %s --format pdf --failure 1", TOOL, db_file), 2);
	ck_assert_int_eq(sh("%s report --db %s --failure x", TOOL, db_file), 2);
	ck_assert_int_eq(sh("%s report --bogus", TOOL), 2);
	ck_assert_int_eq(sh("%s report --db %s --failure %" PRId64 " --format svg -o %s", TOOL,
			    db_file, failures[0].id, out_file), 2);
	expect_in_output("no-such-dir/out.svg");
	execute_sql(other, "CREATE TABLE t (x)");
	ck_assert_int_eq(sh("%s report --db %s", TOOL, other), 2);
	expect_in_output("not a patchcheck report database");
	ck_assert_int_eq(sh("%s report --help", TOOL), 0);
	expect_in_output("--failure N");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_render");
	TCase *tc = tcase_create("report");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, write_database, remove_scratch_dir);
	tcase_add_checked_fixture(tc, require_database, NULL);
	tcase_add_test(tc, without_selector_lists_runs_then_the_latest_run);
	tcase_add_test(tc, run_selector_shows_scenarios_with_failure_ids);
	tcase_add_test(tc, failure_text_has_a_column_per_hart_and_marks_the_failing_step);
	tcase_add_test(tc, last_limits_the_trace);
	tcase_add_test(tc, terminal_gets_colors_and_fitted_lanes);
	tcase_add_test(tc, svg_is_xml_with_a_lane_per_hart);
	tcase_add_test(tc, svg_and_html_escape_everything);
	tcase_add_test(tc, html_loads_in_chromium_with_lanes_and_the_failing_step);
	tcase_add_test(tc, bad_input_exits_2_naming_the_file_or_id);
	tcase_add_test(tc, email_fits_80_columns_with_verdict_replay_trace_and_registers);
	tcase_add_test(tc, email_replay_commands_paste_into_a_shell);
	tcase_add_test(tc, email_fits_80_columns_for_every_path_length);
	tcase_add_test(tc, history_shows_each_run_and_a_flipped_verdict);
	tcase_add_test(tc, a_loop_is_shown_once_with_its_count);
	tcase_add_test(tc, every_kind_of_write_is_among_the_failures);
	tcase_add_test(tc, run_overview_links_every_failure);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
