/*
 * cmd_replay.c - `patchcheck replay [--db FILE] FAILURE_ID` and
 * `patchcheck replay SCENARIO.yaml --schedule S`: re-execute one schedule on this build and
 * show the failure it ends in.
 *
 * From the database: the failure's scenario file is loaded again and its stored schedule
 * replayed; exit 0 when the replay ends in the same failure (invariant, hart, step, pc,
 * expected and actual value), 1 when it ends in another one or in none (both are printed).
 * Replay refuses (exit 2) when this build's guest image is not the one the failure was found
 * on (a schedule only means something on the same instructions), when the scenario file is
 * missing, and when it changed since the failure was stored unless --force.
 * From a scenario and a schedule: exit 0 when the schedule ends in a failure, 1 when not.
 * Bad usage or input: exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../emu/machine.h"
#include "../reports/reports.h"
#include "cli.h"

struct replay_options {
	const char *db_path;
	const char *target;   /* FAILURE_ID, or the scenario file with --schedule */
	const char *schedule; /* NULL: replay a stored failure */
	bool force, trace, quiet;
	bool stop_given; /* --stop-machine was given: a stored run's does not count */
	struct explore_options explore;
};

static void replay_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck replay [options] FAILURE_ID\n"
		"       patchcheck replay [options] SCENARIO.yaml --schedule SCHEDULE\n"
		"\n"
		"Re-executes the schedule of a stored failure (from the report database) or a given\n"
		"schedule of a scenario on this build, and prints the failure it ends in.\n"
		"\n"
		"options:\n"
		"  --db FILE             report database (default: patchcheck.db in the current directory)\n"
		"  --schedule SCHEDULE   replay this schedule (hart numbers, one per transition) of the\n"
		"                        scenario file given instead of a stored failure\n"
		"  --trace, -v, --verbose  print every step of the failing execution with its disassembly\n"
		"  -q, --quiet           print only whether the failure reproduced\n"
		"  --force               replay even when the scenario file changed since the failure\n"
		"                        was stored (never when the guest image differs)\n"
		"  --guest-dir DIR       where the guest images are (default: the build's guest/)\n"
		"  --kernel-tree DIR     the Linux tree a scenario's kernel_sources come from\n"
		"  --data-memory MODEL   the data memory model, sc or arch, in place of the scenario's\n"
		"                        (a stored failure: the one its run was given, if any)\n"
		"  --stop-machine guest  Linux's stop_machine as guest code in place of the idealised\n"
		"                        stop (a stored failure: as its run was given)\n"
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 the failure reproduced (the stored one identically), 1 it did not or it\n"
		"differs, 2 bad usage or input (also: the guest image or the scenario file is not the\n"
		"one the failure was found with)\n");
}

static int parse_options(int argc, char **argv, struct replay_options *o)
{
	o->db_path = "patchcheck.db";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (a[0] != '-' || a[1] == 0) {
			if (o->target) {
				fprintf(stderr, "patchcheck replay: one failure or scenario at a time ('%s' and '%s')\n",
					o->target, a);
				return -1;
			}
			o->target = a;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			replay_usage(stdout);
			exit(EXIT_MATCH);
		} else if (strcmp(a, "--db") == 0 && has_value) {
			o->db_path = argv[++i];
		} else if (strcmp(a, "--schedule") == 0 && has_value) {
			o->schedule = argv[++i];
		} else if (strcmp(a, "--guest-dir") == 0 && has_value) {
			o->explore.guest_dir = argv[++i];
		} else if (strcmp(a, "--kernel-tree") == 0 && has_value) {
			o->explore.kernel_tree = argv[++i];
		} else if (strcmp(a, "--data-memory") == 0 && has_value) {
			if (!(o->explore.data_memory = data_memory_option("replay", argv[++i])))
				return -1;
		} else if (strcmp(a, "--stop-machine") == 0 && has_value) {
			int v = stop_machine_option("replay", argv[++i]);

			if (v < 0)
				return -1;
			o->explore.guest_stop = v;
			o->stop_given = true;
		} else if (strcmp(a, "--force") == 0) {
			o->force = true;
		} else if (strcmp(a, "--trace") == 0 || strcmp(a, "-v") == 0 ||
			   strcmp(a, "--verbose") == 0) {
			o->trace = true;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = true;
		} else {
			fprintf(stderr, "patchcheck replay: unknown or incomplete option '%s' (try --help)\n", a);
			return -1;
		}
	}
	if (!o->target) {
		replay_usage(stderr);
		return -1;
	}
	return 0;
}

/* ---- printing a replay ---- */

/* One step of the trace: step, hart, pc, bytes, instruction, and what it did to patched words. */
static void print_trace_step(struct disasm *d, const struct trace_step *t,
			     const struct failure *f)
{
	unsigned len = t->len < sizeof(t->bytes) ? t->len : sizeof(t->bytes);
	char hex[2 * sizeof(t->bytes) + 1] = "";

	for (unsigned b = 0; b < len; b++)
		snprintf(hex + 2 * b, 3, "%02x", t->bytes[b]);
	printf("  %8u %4u  0x%08llx  %-8s  %s", t->step, t->hart, (unsigned long long)t->pc, hex,
	       d ? disasm_of_step(d, t->pc, t->bytes, len) : "");
	if (t->patch_write)
		printf("  [%s]", t->write_kind == TRACE_WRITE_DATA ? "writes watched data"
			       : t->write_kind == TRACE_WRITE_STOP_MACHINE_ENTER
				       ? "enters stop_machine: the other harts park"
			       : t->write_kind == TRACE_WRITE_STOP_MACHINE_EXIT ? "leaves stop_machine"
										  : "writes a patched word");
	if (t->watched_fetch)
		printf("  [fetches a patched word, version %u]", t->version);
	if (t->step == f->step && t->hart == f->hart)
		printf("  <- %s", f->invariant);
	printf("\n");
}

/* The failing execution step by step; a check that fails before a step names that step. */
static void print_trace(const struct scenario *s, const struct scenario_result *res)
{
	const struct failure *f = res->failure;
	const struct arch_model *arch = res->arch ? res->arch : arch_model_find(s->arch);
	struct disasm *d = arch ? disasm_open(arch) : NULL;
	bool failing_step_shown = false;

	printf("trace (%zu steps):\n", f->ntrace);
	printf("  %8s %4s  %-10s  %-8s  %s\n", "step", "hart", "pc", "bytes", "instruction");
	for (size_t i = 0; i < f->ntrace; i++) {
		print_trace_step(d, &f->trace[i], f);
		failing_step_shown |= f->trace[i].step == f->step && f->trace[i].hart == f->hart;
	}
	if (!failing_step_shown)
		printf("  %8llu %4u  0x%08llx  %-8s  (checked before it ran)  <- %s\n",
		       (unsigned long long)f->step, f->hart, (unsigned long long)f->pc, "",
		       f->invariant);
	disasm_close(d);
}

static void print_no_failure(const struct scenario_result *r)
{
	printf("no failure: %s\n", r->stats.executions
	       ? "the execution completed and every check passed"
	       : "the schedule ended before the execution did, every check passing so far");
}

/* ---- replaying ---- */

/* Replay schedule on s; 0 with res filled, or 2 with the message printed. */
static int replay_schedule(const struct replay_options *o, const struct scenario *s,
			   const char *schedule, struct scenario_result *res)
{
	if (explorer_replay(s, &o->explore, schedule, res) == 0)
		return 0;
	fprintf(stderr, "patchcheck replay: %s\n", res->error);
	scenario_result_free(res);
	return EXIT_BAD_INPUT;
}

static int load_scenario(const char *path, struct scenario *s)
{
	char err[1024];

	if (scenario_load(path, s, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "%s\n", err);
	return EXIT_BAD_INPUT;
}

/* `replay FILE --schedule S`: 0 when the schedule ends in a failure, 1 when not. */
static int replay_given_schedule(const struct replay_options *o, struct scenario *s)
{
	struct scenario_result res;
	char e[64];
	int rc = load_scenario(o->target, s);

	if (rc || (rc = replay_schedule(o, s, o->schedule, &res)))
		return rc;
	printf("%s (%s), expects %s\n", s->name, s->path, expected_text(s, e, sizeof(e)));
	printf("schedule %s\n", o->schedule);
	if (res.failure && o->trace)
		print_trace(s, &res);
	if (res.failure)
		printf("%s\n", res.failure->message);
	else
		print_no_failure(&res);
	rc = res.failure ? EXIT_MATCH : EXIT_MISMATCH;
	scenario_result_free(&res);
	return rc;
}

/* The scenario file must be there and, unless forced, be the one the failure was found with.
 * A file the bundled tree has moved since counts as that file when only the move changed it.
 * The file to load goes into path. */
static int check_scenario_file(const struct replay_options *o, const struct stored_failure *sf,
			       char *path, size_t size)
{
	const char *stored = sf->scenario.file_hash;
	char now[17];

	stored_scenario_file(sf->scenario.file, path, size, now);
	if (access(path, R_OK) != 0) {
		fprintf(stderr,
			"patchcheck replay: %s: the scenario file of failure %lld cannot be read: %s"
			" (replay from the directory the run was started in, or give the scenario:"
			" patchcheck replay FILE --schedule %s)\n",
			path, (long long)sf->id, strerror(errno), sf->schedule);
		return EXIT_BAD_INPUT;
	}
	if (strcmp(path, sf->scenario.file) != 0 && !o->quiet)
		printf("scenario file %s is now %s\n", sf->scenario.file, path);
	if (!stored || !*stored || strcmp(now, stored) == 0)
		return 0;
	if (!o->force) {
		fprintf(stderr,
			"patchcheck replay: %s: the scenario file changed since failure %lld was stored"
			" (content hash %s, then %s): its schedule may not mean the same execution;"
			" --force replays it anyway\n", path, (long long)sf->id, now, stored);
		return EXIT_BAD_INPUT;
	}
	fprintf(stderr, "patchcheck replay: warning: %s changed since failure %lld was stored;"
		" replaying it anyway (--force)\n", path, (long long)sf->id);
	return 0;
}

/* A schedule only means something on the instructions it was found on: refuse another image. */
static int check_guest_image(const struct replay_options *o, const struct scenario *s,
			     const struct stored_failure *sf)
{
	const char *stored = sf->scenario.image_hash;
	struct scenario_result probe;
	int rc;

	if ((rc = replay_schedule(o, s, "", &probe))) /* prepares the scenario, steps nothing */
		return rc;
	if (stored && *stored && strcmp(probe.image_hash, stored) != 0) {
		fprintf(stderr,
			"patchcheck replay: failure %lld was found on guest image '%s' (%s) with hash %s,"
			" but this build's image has hash %s: the schedule would not replay the same"
			" instructions; replay it with the build it came from, or run the scenario again\n",
			(long long)sf->id, s->image, s->arch, stored, probe.image_hash);
		rc = EXIT_BAD_INPUT;
	}
	scenario_result_free(&probe);
	return rc;
}

static bool same_text(const char *stored, const char *replayed)
{
	return strcmp(stored ? stored : "", replayed) == 0;
}

static void note_difference(char *out, size_t size, const char *what)
{
	size_t n = strlen(out);

	snprintf(out + n, size - n, "%s%s", n ? ", " : "", what);
}

/* Names what differs between the stored failure and the replayed one into out ("" when
 * nothing does); true when nothing does. */
static bool same_failure(const struct stored_failure *sf, const struct failure *f, char *out,
			 size_t size)
{
	char what[128];

	out[0] = 0;
	if (!same_text(sf->invariant, f->invariant))
		note_difference(out, size, "invariant");
	if (sf->hart != f->hart) {
		snprintf(what, sizeof(what), "hart (stored %u, replayed %u)", sf->hart, f->hart);
		note_difference(out, size, what);
	}
	if (sf->step != f->step) {
		snprintf(what, sizeof(what), "step (stored %llu, replayed %llu)",
			 (unsigned long long)sf->step, (unsigned long long)f->step);
		note_difference(out, size, what);
	}
	if (sf->pc != f->pc) {
		snprintf(what, sizeof(what), "pc (stored 0x%llx, replayed 0x%llx)",
			 (unsigned long long)sf->pc, (unsigned long long)f->pc);
		note_difference(out, size, what);
	}
	if (!same_text(sf->expected_value, f->expected))
		note_difference(out, size, "expected value");
	if (!same_text(sf->actual_value, f->actual))
		note_difference(out, size, "actual value");
	if (!same_text(sf->message, f->message))
		note_difference(out, size, "message");
	return out[0] == 0;
}

/* A failure stored before schema version 4 has a schedule of an explorer that stopped harts at
 * fewer points (site words and watched words only): this build's transitions differ. */
static void explain_older_schedule(const struct stored_failure *sf)
{
	if (sf->scenario.search)
		return;
	printf("note: failure %lld was stored by an earlier patchcheck, whose schedules counted a "
	       "transition only at site words and watched words; this build stops a hart at every "
	       "shared access, so the schedule means other transitions. Run the scenario again "
	       "for a schedule of this build.\n", (long long)sf->id);
}

/* `replay FAILURE_ID`: 0 when the stored failure reproduces identically, 1 when not. */
static int replay_stored_failure(const struct replay_options *o, struct stored_failure *sf,
				 struct scenario *s)
{
	struct scenario_result res;
	char differences[512], path[4096];
	int rc;

	if ((rc = check_scenario_file(o, sf, path, sizeof(path))) || (rc = load_scenario(path, s)) ||
	    (rc = check_guest_image(o, s, sf)) || (rc = replay_schedule(o, s, sf->schedule, &res)))
		return rc;
	if (!o->quiet) {
		printf("failure %lld of %s (run %lld, %s)\n", (long long)sf->id, sf->scenario.name,
		       (long long)sf->scenario.run_id, sf->scenario.file);
		printf("schedule %s (%u preemptions)\n", sf->schedule, sf->preemptions);
	}
	if (res.failure && o->trace)
		print_trace(s, &res);
	if (res.failure && same_failure(sf, res.failure, differences, sizeof(differences))) {
		if (!o->quiet)
			printf("%s\n", res.failure->message);
		printf("reproduced: the same invariant, hart, step, pc, expected and actual value\n");
		rc = EXIT_MATCH;
	} else {
		printf("stored:   %s\n", sf->message);
		if (res.failure) {
			printf("replayed: %s\n", res.failure->message);
			printf("not reproduced: the failure differs in %s\n", differences);
		} else {
			printf("replayed: ");
			print_no_failure(&res);
			printf("not reproduced: no failure on this build\n");
		}
		explain_older_schedule(sf);
		rc = EXIT_MISMATCH;
	}
	scenario_result_free(&res);
	return rc;
}

/* The failure's run was given --data-memory or --stop-machine guest: replay under the same
 * models (the options given to replay come first). */
static void run_models(struct report_reader *reader, const struct stored_failure *sf,
		       struct replay_options *o)
{
	struct stored_run run = {0};

	if (report_read_run(reader, sf->scenario.run_id, &run) == 0) {
		if (!o->explore.data_memory)
			o->explore.data_memory = data_memory_of_command_line(run.options);
		if (!o->stop_given)
			o->explore.guest_stop = guest_stop_of_command_line(run.options);
	}
	if (run.id)
		stored_run_release(&run);
}

static int replay_from_database(struct replay_options *o, struct scenario *s)
{
	struct report_reader *reader;
	struct stored_failure sf;
	char err[1024];
	uint64_t id;
	int rc;

	if (!whole_number_in_range(o->target, 1, INT64_MAX, &id)) {
		fprintf(stderr, "patchcheck replay: '%s' is not a failure id (a positive number);"
			" to replay a scenario file give its schedule with --schedule\n", o->target);
		return EXIT_BAD_INPUT;
	}
	reader = report_reader_open(o->db_path, err, sizeof(err));
	if (!reader) {
		fprintf(stderr, "patchcheck replay: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (report_read_failure(reader, (int64_t)id, &sf) < 0) {
		fprintf(stderr, "patchcheck replay: %s\n", report_reader_last_error(reader));
		report_reader_close(reader);
		return EXIT_BAD_INPUT;
	}
	run_models(reader, &sf, o);
	report_reader_close(reader);
	rc = replay_stored_failure(o, &sf, s);
	stored_failure_release(&sf);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_options o = {0};
	struct scenario *s;
	int rc;

	if (parse_options(argc, argv, &o) < 0)
		return EXIT_BAD_INPUT;
	s = malloc(sizeof(*s));
	if (!s) {
		fprintf(stderr, "patchcheck replay: out of memory\n");
		return EXIT_BAD_INPUT;
	}
	rc = o.schedule ? replay_given_schedule(&o, s) : replay_from_database(&o, s);
	free(s);
	fflush(stdout);
	return rc;
}
