/*
 * test_exit_codes.c - nothing lost, nothing silently wrong: outputs never overwrite an input
 * and a failed output leaves an existing file as it was; a database that cannot take the
 * results gives exit 3 and a run row that is not 'complete'; a search cut short is
 * 'inconclusive' (in the line, with -q, in JUnit and in the database), never a pass; Unicorn
 * running out of memory gives our message and exit 3.
 */
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCN PATCHCHECK_SOURCE_DIR "/scenarios/arm64/"

static void remove_db(const char *db)
{
	char side[300];

	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
}

/* A database holding one run with one stored failure (flawed-clobber-x2). */
static void make_db_with_a_failure(char *db, size_t size, const char *name)
{
	temp_file_name(db, size, name);
	remove_db(db);
	ck_assert_int_eq(sh("%s run -q --db %s %sflawed-clobber-x2.yaml", TOOL, db, SCN), 0);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

START_TEST(report_refuses_to_write_over_its_database)
{
	char db[256];

	make_db_with_a_failure(db, sizeof(db), "self.db");
	ck_assert_int_eq(sh("%s report --db %s -o %s", TOOL, db, db), 2);
	expect_in_output("an input of this command");
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
	/* The same file under another name, and its WAL side file, are refused too. */
	ck_assert_int_eq(sh("cd %s && %s report --db %s -o ./%s", temp_dir(), TOOL, db,
			    strrchr(db, '/') + 1), 2);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM failures"), 1);
	remove_db(db);
}
END_TEST

START_TEST(failing_report_leaves_an_existing_file_as_it_was)
{
	static const char keep[] = "precious\n";
	char db[256], out[256];

	make_db_with_a_failure(db, sizeof(db), "keep.db");
	write_temp_file(out, sizeof(out), keep, strlen(keep));
	ck_assert_int_eq(sh("%s report --db %s --failure 999 -o %s", TOOL, db, out), 2);
	ck_assert_int_eq(file_size(out), (long long)strlen(keep));
	ck_assert_int_eq(sh("cat %s", out), 0);
	expect_in_output("precious");
	/* A report that succeeds replaces it whole, and leaves no temporary file behind. */
	ck_assert_int_eq(sh("%s report --db %s --failure 1 -o %s", TOOL, db, out), 0);
	ck_assert_int_eq(sh("cat %s", out), 0);
	expect_in_output("register-preservation");
	ck_assert_int_eq(sh("ls -a %s | grep -c '^\\.pc-.*\\.[A-Za-z0-9]\\{6\\}$' || true", temp_dir()), 0);
	ck_assert_msg(strncmp(output, "0", 1) == 0, "a temporary file was left: %s", output);
	unlink(out);
	remove_db(db);
}
END_TEST

/* A symlink is followed (the file it names gets the report, the link stays), and a target that
 * is not a regular file (a pipe, the terminal, /dev/stdout) is written as it is, never replaced. */
START_TEST(report_follows_a_symlink_and_writes_a_device)
{
	char db[256], file[256], link[300];

	make_db_with_a_failure(db, sizeof(db), "link.db");
	write_temp_file(file, sizeof(file), "old\n", 4);
	snprintf(link, sizeof(link), "%s.link", file);
	unlink(link);
	ck_assert_int_eq(symlink(file, link), 0);
	ck_assert_int_eq(sh("%s report --db %s --failure 1 -o %s", TOOL, db, link), 0);
	ck_assert_int_eq(sh("test -L %s && grep -c register-preservation %s", link, file), 0);
	unlink(link);
	/* A FIFO stands for the terminal or /dev/stdout (never touched by a test). */
	snprintf(link, sizeof(link), "%s.fifo", file);
	unlink(link);
	ck_assert_int_eq(sh("mkfifo %s && (cat %s > %s.out &) && %s report --db %s --failure 1 -o %s"
			    " && sleep 0.2 && test -p %s && grep -c register-preservation %s.out",
			    link, link, link, TOOL, db, link, link, link), 0);
	ck_assert_int_ne(atoi(output), 0);
	sh("rm -f %s.out", link);
	unlink(link);
	unlink(file);
	remove_db(db);
}
END_TEST

START_TEST(gate_refuses_junit_over_its_database_or_a_scenario)
{
	char db[256], scn[256];

	temp_file_name(db, sizeof(db), "u.db");
	remove_db(db);
	ck_assert_int_eq(sh("%s gate -q --db %s --junit %s %snop-to-call.yaml", TOOL, db, db, SCN), 2);
	expect_in_output("the JUnit file would overwrite");
	ck_assert_int_eq(file_size(db), -1); /* refused before anything was created */
	ck_assert_int_eq(sh("%s gate -q --db %s %snop-to-call.yaml", TOOL, db, SCN), 0);
	ck_assert_int_eq(sh("%s gate -q --db %s --junit %s %snop-to-call.yaml", TOOL, db, db, SCN), 2);
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM runs"), 1);
	temp_file_name(scn, sizeof(scn), "input.yaml");
	ck_assert_int_eq(sh("cp %snop-to-call.yaml %s", SCN, scn), 0);
	ck_assert_int_eq(sh("%s gate -q --no-db --junit %s %s", TOOL, scn, scn), 2);
	ck_assert_int_eq(sh("grep -c '^name:' %s", scn), 0);
	unlink(scn);
	remove_db(db);
}
END_TEST

START_TEST(corrupt_database_exits_3)
{
	static const char junk[] = "this is not an SQLite database, but it is long enough to be read as one.....";
	char db[256];

	write_temp_file(db, sizeof(db), junk, strlen(junk));
	ck_assert_int_eq(sh("%s run -q --db %s %snop-to-call.yaml", TOOL, db, SCN), 3);
	expect_in_output(db);
	ck_assert_int_eq(sh("%s gate -q --db %s %snop-to-call.yaml", TOOL, db, SCN), 3);
	ck_assert_int_eq(file_size(db), (long long)strlen(junk));
	unlink(db);
}
END_TEST

/* Another process holds the write lock longer than the busy timeout: exit 3, never a silent
 * success. */
START_TEST(database_locked_past_the_timeout_exits_3)
{
	char db[256], ready[256];

	temp_file_name(db, sizeof(db), "locked.db");
	temp_file_name(ready, sizeof(ready), "locked.ready");
	remove_db(db);
	unlink(ready);
	ck_assert_int_eq(sh("%s run -q --db %s %snop-to-call.yaml", TOOL, db, SCN), 0);
	ck_assert_int_eq(sh("(python3 -c \"import sqlite3, time, sys\n"
			    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
			    "c.execute('BEGIN IMMEDIATE')\n"
			    "open(sys.argv[2], 'w').close()\n"
			    "time.sleep(20)\" %s %s & holder=$!; "
			    "while [ ! -e %s ]; do sleep 0.05; done; "
			    "PATCHCHECK_BUSY_TIMEOUT_MS=300 %s gate -q --db %s %snop-to-call.yaml; rc=$?; "
			    "kill $holder; exit $rc)", db, ready, ready, TOOL, db, SCN), 3);
	expect_in_output("locked");
	unlink(ready);
	remove_db(db);
}
END_TEST

/* A scenario that cannot be stored in the middle of a gate: the others still run and are
 * stored, the exit code is 3, and the run row is not 'complete'. */
START_TEST(scenario_not_stored_mid_gate_exits_3_and_run_stays_incomplete)
{
	char db[256];

	temp_file_name(db, sizeof(db), "midgate.db");
	remove_db(db);
	ck_assert_int_eq(sh("%s run -q --db %s %snop-to-call.yaml", TOOL, db, SCN), 0);
	execute_sql(db, "CREATE TRIGGER refuse_one BEFORE INSERT ON scenarios"
			" WHEN NEW.name = 'arm64/flawed-bad-lr'"
			" BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
	ck_assert_int_eq(sh("%s gate -q --db %s %sflawed-bad-lr.yaml %snop-to-call.yaml", TOOL, db,
			    SCN, SCN), 3);
	expect_in_output("arm64/flawed-bad-lr was not stored");
	expect_in_output("2 passed, 0 failed");
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM scenarios WHERE run_id = 2"), 1);
	ck_assert_int_eq(query_first_int(db, "SELECT status = 'incomplete' AND exit_code = 3 FROM runs"
					     " WHERE id = 2"), 1);
	ck_assert_int_eq(query_first_int(db, "SELECT status = 'complete' FROM runs WHERE id = 1"), 1);
	remove_db(db);
}
END_TEST

START_TEST(search_cut_short_is_inconclusive_not_pass)
{
	char db[256], xml[256];

	temp_file_name(db, sizeof(db), "cut.db");
	temp_file_name(xml, sizeof(xml), "cut.xml");
	remove_db(db);
	ck_assert_int_eq(sh("%s run --db %s --max-executions 5 %snop-to-call.yaml", TOOL, db, SCN), 1);
	expect_in_output("expected pass, got inconclusive");
	expect_in_output("0 passed, 1 failed");
	ck_assert_int_eq(sh("%s run -q --no-db --max-executions 5 %snop-to-call.yaml", TOOL, SCN), 1);
	expect_in_output("inconclusive");
	ck_assert_int_eq(query_first_int(db, "SELECT count(*) FROM scenarios WHERE verdict = 'inconclusive'"
					     " AND matched = 0"), 1);
	/* Random walks sample the space: inconclusive too. */
	ck_assert_int_eq(sh("%s run -q --no-db --random 20 %snop-to-call.yaml", TOOL, SCN), 1);
	expect_in_output("inconclusive");
	/* A flawed scenario cut short says so, not "got pass". */
	ck_assert_int_eq(sh("%s run --no-db --max-executions 2 %sentryseq-a-multi-step-stopped-enable.yaml",
			    TOOL, SCN), 1);
	expect_in_output("expected fail:site-consistency, got inconclusive");
	/* Under Linux's stop_machine its failure needs a CPU interrupted inside the site in two
	 * stops: past the depth-first order's first 100 executions. Walks after the limit find
	 * it; without them the search is inconclusive. */
	ck_assert_int_eq(sh("%s run --no-db --stop-machine guest --max-executions 100 "
			    "%sentryseq-a-multi-step-stopped-disable.yaml", TOOL, SCN), 1);
	expect_in_output("expected fail:site-consistency, got inconclusive");
	ck_assert_int_eq(sh("%s run --no-db --stop-machine guest --max-executions 100 "
			    "--then-random 2000 %sentryseq-a-multi-step-stopped-disable.yaml", TOOL,
			    SCN), 0);
	expect_in_output("ok   arm64/entryseq-a-multi-step-stopped-disable fail:site-consistency");
	expect_in_output("1 passed, 0 failed");
	/* The gate: failed, or skipped with --allow-inconclusive; JUnit says which. */
	ck_assert_int_eq(sh("%s gate -q --no-db --junit %s --max-executions 5 %snop-to-call.yaml",
			    TOOL, xml, SCN), 1);
	expect_in_output("0 passed, 1 failed");
	ck_assert_int_eq(sh("grep -c 'type=\"inconclusive\"' %s", xml), 0);
	ck_assert_int_eq(sh("%s gate -q --no-db --junit %s --allow-inconclusive --max-executions 5"
			    " %snop-to-call.yaml", TOOL, xml, SCN), 0);
	expect_in_output("0 passed, 0 failed, 1 skipped");
	ck_assert_int_eq(sh("grep -c '<skipped message=\"no failure in 5 executions' %s", xml), 0);
	ck_assert_int_eq(sh("%s run --no-db --allow-inconclusive --max-executions 5 %snop-to-call.yaml",
			    TOOL, SCN), 0);
	expect_in_output("skip arm64/nop-to-call");
	unlink(xml);
	remove_db(db);
}
END_TEST

/* Unicorn exits the process when it cannot allocate a translation buffer; with the address
 * space limited that happens at the first hart. Not under AddressSanitizer, whose shadow memory
 * does not fit such a limit. */
START_TEST(emulator_out_of_memory_exits_3_with_a_message)
{
	if (getenv("ASAN_OPTIONS"))
		return;
	ck_assert_int_eq(sh("ulimit -v 400000 && %s run -q --no-db %snop-to-call.yaml", TOOL, SCN), 3);
	expect_in_output("patchcheck: out of memory: the emulator could not allocate");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exit codes");
	TCase *out = tcase_create("outputs"), *env = tcase_create("environment"),
	      *verdicts = tcase_create("verdicts");

	tcase_set_timeout(out, 120);
	tcase_set_timeout(env, 120);
	tcase_set_timeout(verdicts, 120);
	tcase_add_test(out, report_refuses_to_write_over_its_database);
	tcase_add_test(out, failing_report_leaves_an_existing_file_as_it_was);
	tcase_add_test(out, gate_refuses_junit_over_its_database_or_a_scenario);
	tcase_add_test(out, report_follows_a_symlink_and_writes_a_device);
	tcase_add_test(env, corrupt_database_exits_3);
	tcase_add_test(env, database_locked_past_the_timeout_exits_3);
	tcase_add_test(env, scenario_not_stored_mid_gate_exits_3_and_run_stays_incomplete);
	tcase_add_test(env, emulator_out_of_memory_exits_3_with_a_message);
	tcase_add_test(verdicts, search_cut_short_is_inconclusive_not_pass);
	suite_add_tcase(s, out);
	suite_add_tcase(s, env);
	suite_add_tcase(s, verdicts);
	return run_check_suite(s);
}
