/*
 * test_jobs.c - `-j N`: worker processes explore, the parent prints and stores, and nothing
 * tells the result from -j 1: the same bytes on stdout and stderr with -q, the same listing
 * apart from the times, the same JUnit file apart from the times, the same database rows
 * apart from the times and the command line. A worker that dies (out of memory, killed) is an
 * error of the environment for its scenario (exit 3) while the others still run; bad values
 * are an error naming the option. A scenario goes down the job pipe as its nonzero runs and
 * comes out byte for byte. What each scenario cost is stored for the next command, whose
 * workers start a costly one listed late first, and nothing else changes. The register-access
 * checks' answers are kept for the next command of the same build, and only that build reads
 * them.
 */
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/fd_io.h"
#include "../cli/job_order.h"
#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCENARIOS PATCHCHECK_SOURCE_DIR "/scenarios"
#define FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/gate"

/* Passing and failing scenarios, a mismatch (with its replay commands), a bad file and a
 * skipped one. */
#define GATE_INPUTS SCENARIOS "/riscv " FIXTURES "/mismatch " FIXTURES "/bad-file " FIXTURES "/skip"

/* The rows of a stored result, apart from ids' owners and times. */
static const char *const stored_rows_sql[] = {
	"SELECT id, name, file, file_hash, arch, image_hash, expected, verdict, invariant, matched,"
	" executions, steps, schedule_points, preemption_bound, truncated, error FROM scenarios"
	" ORDER BY id",
	"SELECT * FROM failures ORDER BY id",
	"SELECT * FROM trace_steps ORDER BY failure_id, seq",
	"SELECT * FROM failure_registers ORDER BY failure_id, hart, position",
	"SELECT status, exit_code FROM runs",
};

/* A fresh directory for one run of the gate, named in dir. */
static void make_run_dir(char *dir, size_t size, const char *name)
{
	temp_file_name(dir, size, name);
	ck_assert_int_eq(sh("rm -rf %s && mkdir %s", dir, dir), 0);
}

/* Gates GATE_INPUTS in dir (database gate.db, JUnit gate.xml there) with the options given,
 * stdout and stderr into out and err there; the exit code. */
static int gate_in(const char *dir, const char *options)
{
	return sh("cd %s && %s gate --db gate.db --junit gate.xml %s " GATE_INPUTS " > out 2> err",
		  dir, TOOL, options);
}

/* The files name in a and b are the same bytes, after sed expression strip on both. */
static void expect_same_file(const char *a, const char *b, const char *name, const char *strip)
{
	ck_assert_msg(sh("sed -e '%s' %s/%s > %s/%s.cmp && sed -e '%s' %s/%s > %s/%s.cmp &&"
			 " cmp %s/%s.cmp %s/%s.cmp", strip, a, name, a, name, strip, b, name, b,
			 name, a, name, b, name) == 0, "%s differs: %s", name, output);
}

/* The databases dir_a/gate.db and dir_b/gate.db hold the same results. */
static void expect_same_results(const char *dir_a, const char *dir_b)
{
	char db1[160], db2[160];

	snprintf(db1, sizeof(db1), "%s/gate.db", dir_a);
	snprintf(db2, sizeof(db2), "%s/gate.db", dir_b);
	expect_same_rows(db1, db2, stored_rows_sql,
			 sizeof(stored_rows_sql) / sizeof(stored_rows_sql[0]));
	ck_assert_int_gt(query_first_int(db2, "SELECT count(*) FROM scenarios"), 0);
}

START_TEST(two_workers_give_what_one_process_gives)
{
	char one[128], two[128], db[160];

	make_run_dir(one, sizeof(one), "j1");
	make_run_dir(two, sizeof(two), "j2");
	/* -q: no times, so the bytes themselves must match; the exit code is the bad file's. */
	ck_assert_int_eq(gate_in(one, "-q"), 2);
	ck_assert_int_eq(gate_in(two, "-q -j 2"), 2);
	expect_same_file(one, two, "out", "");
	expect_same_file(one, two, "err", "");
	ck_assert_int_eq(sh("cat %s/out", two), 0);
	expect_in_output("FAIL gate/clobber-x2-expected-pass");
	expect_in_output("replay: patchcheck replay --db gate.db ");
	expect_in_output(" passed, 2 failed, ");
	expect_same_results(one, two);
	snprintf(db, sizeof(db), "%s/gate.db", two);
	ck_assert_int_gt(query_first_int(db, "SELECT count(*) FROM trace_steps"), 0);
	expect_same_file(one, two, "gate.xml", "s/ time=\"[0-9.]*\"//");

	/* The whole listing, times apart, with three workers. */
	ck_assert_int_eq(sh("rm -f %s/gate.* %s/gate.*", one, two), 0);
	ck_assert_int_eq(gate_in(one, "--jobs 1"), 2);
	ck_assert_int_eq(gate_in(two, "--jobs 3"), 2);
	expect_same_file(one, two, "out", "s/  [0-9]*\\.[0-9][0-9]s$//");
	expect_same_file(one, two, "err", "");
	ck_assert_int_eq(sh("rm -rf %s %s", one, two), 0);
}
END_TEST

START_TEST(run_with_workers_matches_run)
{
	char one[128], two[128];

	make_run_dir(one, sizeof(one), "run1");
	make_run_dir(two, sizeof(two), "run2");
	ck_assert_int_eq(sh("cd %s && %s run -q --db gate.db %s/arm64/*.yaml > out 2> err", one, TOOL,
			    SCENARIOS), 0);
	ck_assert_int_eq(sh("cd %s && %s run -q --db gate.db -j2 %s/arm64/*.yaml > out 2> err", two,
			    TOOL, SCENARIOS), 0);
	expect_same_file(one, two, "out", "");
	expect_same_file(one, two, "err", "");
	expect_same_results(one, two);
	ck_assert_int_eq(sh("rm -rf %s %s", one, two), 0);
}
END_TEST

/* Out of memory in the emulator ends a worker (exit 3 with the emulator's message); the
 * parent, which runs no emulator, reports each such scenario as an environment error. Not
 * under AddressSanitizer, whose shadow memory does not fit the limit. */
START_TEST(worker_out_of_memory_is_an_error_of_its_scenario)
{
	if (getenv("ASAN_OPTIONS"))
		return;
	ck_assert_int_eq(sh("ulimit -v 400000 && %s run -q --no-db -j 2 %s/arm64/nop-to-call.yaml"
			    " %s/arm64/flawed-clobber-x2.yaml", TOOL, SCENARIOS, SCENARIOS), 3);
	expect_in_output("patchcheck: out of memory");
	expect_in_output("nop-to-call.yaml: the worker process exploring it exited with status 3");
	expect_in_output("flawed-clobber-x2.yaml: the worker process exploring it exited with status 3");
	expect_in_output("\n0 passed, 2 failed\n");
}
END_TEST

/* A worker killed while exploring (here by the CPU-time limit, one second: far less than a
 * million random walks take) is an error of its scenario; the scenarios after it run in a new
 * worker and the parent does not wait on the dead one. */
START_TEST(killed_worker_is_an_error_of_its_scenario)
{
	ck_assert_int_eq(sh("ulimit -t 1 && %s gate --no-db -j 2 --random 1000000"
			    " %s/arm64/nop-to-call.yaml %s/arm64/flawed-clobber-x2.yaml", TOOL,
			    SCENARIOS, SCENARIOS), 3);
	expect_in_output("nop-to-call.yaml: the worker process exploring it was killed by signal");
	expect_in_output("ok   arm64/flawed-clobber-x2");
	expect_in_output("\n1 passed, 1 failed\n");
}
END_TEST

START_TEST(bad_job_counts_exit_2_naming_the_option)
{
	static const char *const bad[] = {"0", "-1", "a", "1025", "", "2.5", "02"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char expected[128];

		ck_assert_int_eq(sh("%s gate --no-db -j '%s' %s/riscv/direct-t1.yaml", TOOL, bad[i],
				    SCENARIOS), 2);
		snprintf(expected, sizeof(expected), "patchcheck gate: -j wants a whole number from 1"
			 " to 1024 (decimal or 0x hex), got '%s'\n", bad[i]);
		expect_in_output(expected);
		ck_assert_int_eq(sh("%s run --no-db --jobs '%s' %s/riscv/direct-t1.yaml", TOOL, bad[i],
				    SCENARIOS), 2);
		snprintf(expected, sizeof(expected), "patchcheck run: --jobs wants a whole number from 1"
			 " to 1024 (decimal or 0x hex), got '%s'\n", bad[i]);
		expect_in_output(expected);
	}
	/* -jN, as make takes it */
	ck_assert_int_eq(sh("%s gate --no-db -j0 %s/riscv/direct-t1.yaml", TOOL, SCENARIOS), 2);
	expect_in_output("patchcheck gate: -j wants a whole number from 1 to 1024 (decimal or 0x"
			 " hex), got '0'\n");
	ck_assert_int_eq(sh("%s gate --no-db %s/riscv/direct-t1.yaml -j", TOOL, SCENARIOS), 2);
	expect_in_output("'-j'");
	ck_assert_int_eq(sh("%s gate --help", TOOL), 0);
	expect_in_output("-j, --jobs N, -jN");
	ck_assert_int_eq(sh("%s run --help", TOOL), 0);
	expect_in_output("-j, --jobs N, -jN");
}
END_TEST

/* The job pipe's sparse messages: what goes in comes out, zeros between the runs included,
 * for runs at the start, in the middle, across block edges and at an end that is no whole
 * block; end of file before a message is 0, a message cut short is -1. */
START_TEST(sparse_messages_come_out_as_they_went_in)
{
	enum { LEN = 1000 };
	static const size_t set[] = {0, 63, 64, 65, 200, 201, 202, 640, 999};
	uint8_t in[LEN] = {0}, out[LEN], full[LEN];
	int fds[2];

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		in[set[i]] = (uint8_t)(i + 1);
	for (size_t i = 0; i < LEN; i++)
		full[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fd_write_sparse(fds[1], in, LEN), 0);
	ck_assert_int_eq(fd_write_sparse(fds[1], full, LEN), 0);
	memset(out, 0xaa, sizeof(out));
	ck_assert_int_eq(fd_read_sparse(fds[0], out, LEN), 1);
	ck_assert_mem_eq(out, in, LEN);
	ck_assert_int_eq(fd_read_sparse(fds[0], out, LEN), 1);
	ck_assert_mem_eq(out, full, LEN);
	/* all zeros: no runs */
	memset(in, 0, sizeof(in));
	ck_assert_int_eq(fd_write_sparse(fds[1], in, LEN), 0);
	ck_assert_int_eq(fd_read_sparse(fds[0], out, LEN), 1);
	ck_assert_mem_eq(out, in, LEN);
	/* a message cut short, then end of file */
	ck_assert_int_eq(write(fds[1], "\1\0\0\0\0\0\0\0\10\0\0\0abc", 15), 15);
	close(fds[1]);
	ck_assert_int_eq(fd_read_sparse(fds[0], out, LEN), -1);
	ck_assert_int_eq(fd_read_sparse(fds[0], out, LEN), 0);
	close(fds[0]);
}
END_TEST

/* Which items -j N starts before their turn: a costly one listed late, then the next that
 * still ends late, costliest first; nothing when the list's own order ends as early as any
 * could (equal items, cheap ones last), for one worker, or without costs; at most as many as
 * asked for. */
START_TEST(costly_items_listed_late_start_first)
{
	static const uint64_t none[5] = {0}, late[6] = {10, 10, 10, 10, 10, 100},
			      two_late[6] = {10, 10, 10, 10, 60, 80},
			      cheap_end[6] = {300, 300, 300, 300, 1, 1},
			      even[8] = {10, 10, 10, 10, 10, 10, 10, 10};
	size_t early[8];

	ck_assert_uint_eq(job_order_early(none, 5, 2, early, 8), 0);
	ck_assert_uint_eq(job_order_early(late, 6, 1, early, 8), 0);
	ck_assert_uint_eq(job_order_early(late, 6, 2, early, 8), 1);
	ck_assert_uint_eq(early[0], 5);
	/* 80 first still leaves 60 ending last (at 100 of 90): it goes first too. */
	ck_assert_uint_eq(job_order_early(two_late, 6, 2, early, 8), 2);
	ck_assert_uint_eq(early[0], 5);
	ck_assert_uint_eq(early[1], 4);
	ck_assert_uint_eq(job_order_early(two_late, 6, 2, early, 1), 1);
	ck_assert_uint_eq(early[0], 5);
	/* Four workers: 80 first, and 60 in its turn ends at 70, within 80. */
	ck_assert_uint_eq(job_order_early(two_late, 6, 4, early, 8), 1);
	ck_assert_uint_eq(early[0], 5);
	ck_assert_uint_eq(job_order_early(cheap_end, 6, 2, early, 8), 0);
	ck_assert_uint_eq(job_order_early(even, 8, 2, early, 8), 0);
	ck_assert_uint_eq(job_order_early(even, 8, 3, early, 8), 0);
}
END_TEST

/* A cost file under dir/cache naming what the gate's riscv scenarios and fixtures hold:
 * malformed lines, the costliest steps for the items listed last, which -j 2 then starts
 * first, and one of them listed twice. */
static void write_costs(const char *dir)
{
	static const char *const last[] = {SCENARIOS "/riscv/shared-counter-racy.yaml",
					   FIXTURES "/skip/skipped.yaml", FIXTURES
					   "/mismatch/clobber-x2-expected-pass.yaml"};
	char path[PATH_MAX], file[256];
	FILE *f;

	snprintf(file, sizeof(file), "%s/cache/costs", dir);
	ck_assert_int_eq(sh("mkdir -p %s/cache", dir), 0);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a line\n12 relative/path.yaml\n-5 /x.yaml\n99999999999999999999999 /y\n", f);
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++) {
		ck_assert_ptr_nonnull(realpath(last[i], path));
		fprintf(f, "%zu %s\n", 100000000 + i, path);
	}
	ck_assert_ptr_nonnull(realpath(last[1], path));
	fprintf(f, "%d %s\n", 100000009, path);
	fputs("7 /cut/short", f);
	fclose(f);
}

START_TEST(costs_order_the_workers_not_the_results)
{
	char one[128], two[128], path[PATH_MAX];

	make_run_dir(one, sizeof(one), "costs1");
	make_run_dir(two, sizeof(two), "costs2");
	ck_assert_int_eq(sh("cd %s && PATCHCHECK_CACHE_DIR=%s/cache %s gate -q --no-db " GATE_INPUTS
			    " > out 2> err", one, one, TOOL), 2);
	/* Each explored file's steps, by its absolute path; none for a bad or skipped one. */
	ck_assert_ptr_nonnull(realpath(SCENARIOS "/riscv/direct-t1.yaml", path));
	ck_assert_int_eq(sh("%s run --no-db -v %s | grep -o ' [0-9]* steps' > %s/steps", TOOL,
			    path, one), 0);
	ck_assert_int_eq(sh("grep -qx \"$(tr -dc 0-9 < %s/steps) %s\" %s/cache/costs", one, path,
			    one), 0);
	ck_assert_int_eq(sh("! grep -q skipped.yaml %s/cache/costs", one), 0);
	ck_assert_int_eq(sh("! grep -v '^[1-9][0-9]* /' %s/cache/costs", one), 0);

	write_costs(two);
	ck_assert_int_eq(sh("cd %s && PATCHCHECK_CACHE_DIR=%s/cache %s gate -q --no-db -j 2 "
			    GATE_INPUTS " > out 2> err", two, two, TOOL), 2);
	expect_same_file(one, two, "out", "");
	expect_same_file(one, two, "err", "");
	/* Rewritten whole: what was malformed is gone, what this gate explored is stored. */
	ck_assert_int_eq(sh("! grep -v '^[1-9][0-9]* /' %s/cache/costs", two), 0);
	ck_assert_int_eq(sh("! grep -q -e ' /x.yaml$' -e ' /y$' -e /cut/ %s/cache/costs", two), 0);
	ck_assert_int_eq(sh("grep -q \" %s$\" %s/cache/costs", path, two), 0);
	/* Each file once. The skipped file keeps the fewer steps it had; the explored ones have
	 * theirs. */
	ck_assert_int_eq(sh("test -z \"$(cut -d' ' -f2- %s/cache/costs | sort | uniq -d)\"", two),
			 0);
	ck_assert_int_eq(sh("test \"$(grep -c '^10000000[0-9] ' %s/cache/costs)\" = 1 &&"
			    " grep -q '^100000001 .*/skip/skipped.yaml$' %s/cache/costs", two, two), 0);
	ck_assert_int_eq(sh("rm -rf %s %s", one, two), 0);
}
END_TEST

/* The answers file (emu/reg_access.c): a header of the magic (24 bytes), the build IDs (104)
 * and the count (8), then records of 5 words, the answer last. */
#define ANSWERS_HEADER 136
#define ANSWER_RECORD 40

/* Every answer in the file set to "does not hold". */
static void deny_answers(const char *file)
{
	FILE *f = fopen(file, "r+b");
	uint64_t n, zero = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, ANSWERS_HEADER - 8, SEEK_SET), 0);
	ck_assert_uint_eq(fread(&n, 8, 1, f), 1);
	ck_assert_uint_gt(n, 0);
	for (uint64_t i = 0; i < n; i++) {
		ck_assert_int_eq(fseek(f, (long)(ANSWERS_HEADER + i * ANSWER_RECORD + 32), SEEK_SET), 0);
		ck_assert_uint_eq(fwrite(&zero, 8, 1, f), 1);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* A command reads the answers an earlier one of the same build found: with them its results
 * are those it finds alone; with every answer denied its liveness is weaker and the search
 * takes more steps, so they were read; a file naming another build is not read, and is
 * replaced. */
START_TEST(register_access_answers_carry_to_the_next_command)
{
	char dir[128], file[256];
	const char *run = "PATCHCHECK_CACHE_DIR=%s/cache %s run --no-db -v " SCENARIOS
			  "/arm/guest-stop-call-to-nop-isb.yaml | sed -E 's/ +[0-9.]+s$//' > %s/%s";

	make_run_dir(dir, sizeof(dir), "answers");
	snprintf(file, sizeof(file), "%s/cache/reg-access", dir);
	ck_assert_int_eq(sh(run, dir, TOOL, dir, "alone"), 0);
	ck_assert_int_eq(sh("head -c 24 %s | grep -q '^patchcheck reg-access 1$'", file), 0);
	ck_assert_int_eq(sh("cp %s %s/kept", file, dir), 0);
	ck_assert_int_eq(sh(run, dir, TOOL, dir, "read"), 0);
	ck_assert_int_eq(sh("cmp %s/alone %s/read", dir, dir), 0);

	deny_answers(file);
	ck_assert_int_eq(sh(run, dir, TOOL, dir, "denied"), 0);
	ck_assert_int_ne(sh("cmp -s %s/alone %s/denied", dir, dir), 0);

	/* Another build: the first hex digit of the executable's build ID changed. */
	ck_assert_int_eq(sh("printf 'x' | dd of=%s bs=1 seek=24 conv=notrunc status=none", file), 0);
	ck_assert_int_eq(sh(run, dir, TOOL, dir, "other"), 0);
	ck_assert_int_eq(sh("cmp %s/alone %s/other", dir, dir), 0);
	ck_assert_int_eq(sh("cmp %s %s/kept", file, dir), 0);
	ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("jobs");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, sparse_messages_come_out_as_they_went_in);
	tcase_add_test(tc, costly_items_listed_late_start_first);
	tcase_add_test(tc, costs_order_the_workers_not_the_results);
	tcase_add_test(tc, register_access_answers_carry_to_the_next_command);
	tcase_add_test(tc, two_workers_give_what_one_process_gives);
	tcase_add_test(tc, run_with_workers_matches_run);
	tcase_add_test(tc, worker_out_of_memory_is_an_error_of_its_scenario);
	tcase_add_test(tc, killed_worker_is_an_error_of_its_scenario);
	tcase_add_test(tc, bad_job_counts_exit_2_naming_the_option);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
