/*
 * test_support.h - helpers the Check tests share: running a suite, running a shell command with
 * its output captured, temporary files; and, for a test that includes the header they need
 * before this one, SQLite queries (sqlite3.h), the built guest images and their symbols
 * (machine.h) and loading, exploring and replaying the bundled scenarios (explorer.h).
 *
 * The functions are static inline: a test emits only those it calls, so it links only the
 * libraries tests/CMakeLists.txt already gives it.
 */
#ifndef PATCHCHECK_TEST_SUPPORT_H
#define PATCHCHECK_TEST_SUPPORT_H

#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- running a suite ---- */

/* Runs every test of s (CK_NORMAL output) and frees it. EXIT_FAILURE when a test failed or
 * none ran (CK_RUN_SUITE / CK_RUN_CASE naming nothing), EXIT_SUCCESS otherwise. */
static inline int run_check_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int ran, failed;

	srunner_run_all(sr, CK_NORMAL);
	ran = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (ran == 0) {
		fprintf(stderr, "no test ran (check CK_RUN_SUITE / CK_RUN_CASE)\n");
		return EXIT_FAILURE;
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- running a shell command ---- */

/* What the last sh() command wrote, stdout and stderr together (malloc'd, replaced by the next
 * sh()); NULL before the first. */
static char *output;

/* Runs the printf-style shell command with stderr joined to stdout, all of it captured in
 * output; returns the exit status, -1 when the command did not exit normally. Fails the test
 * when the command cannot be started. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline int sh(const char *fmt, ...)
{
	static const char join_stderr[] = " 2>&1";
	size_t used = 0, size = 1 << 16, n;
	va_list ap;
	char *cmd;
	FILE *p;
	int len, status;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(len, 0);
	cmd = malloc((size_t)len + sizeof(join_stderr));
	ck_assert_ptr_nonnull(cmd);
	va_start(ap, fmt);
	vsnprintf(cmd, (size_t)len + 1, fmt, ap);
	va_end(ap);
	strcat(cmd, join_stderr);

	free(output);
	output = malloc(size);
	ck_assert_ptr_nonnull(output);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	free(cmd);
	while ((n = fread(output + used, 1, size - used - 1, p)) > 0) {
		used += n;
		if (used + 1 == size) {
			char *grown = realloc(output, size *= 2);

			ck_assert_ptr_nonnull(grown);
			output = grown;
		}
	}
	output[used] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Fails the test, showing the whole output, when what is not in the last sh() output. */
static inline void expect_in_output(const char *what)
{
	ck_assert_msg(output && strstr(output, what) != NULL, "'%s' not in:\n%s", what,
		      output ? output : "(no command ran)");
}

/* ---- temporary files ---- */

/* $TMPDIR when set and not empty, else /tmp. */
static inline const char *temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

/* A file name for this test process, <temp_dir>/pc-<pid>-<name>, into path; an old file of that
 * name is removed. */
static inline void temp_file_name(char *path, size_t size, const char *name)
{
	int len = snprintf(path, size, "%s/pc-%d-%s", temp_dir(), (int)getpid(), name);

	ck_assert_msg(len >= 0 && (size_t)len < size, "temporary file name too long: %s", path);
	unlink(path);
}

/* Writes text to path (a new file, or over an old one); fails the test when it cannot. */
static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Writes len bytes of data to a new file <temp_dir>/pc-test-XXXXXX, named in path; fails the
 * test when the file cannot be created or written. The caller removes it. */
static inline void write_temp_file(char *path, size_t size, const void *data, size_t len)
{
	int n = snprintf(path, size, "%s/pc-test-XXXXXX", temp_dir());
	int fd;
	FILE *f;

	ck_assert_msg(n >= 0 && (size_t)n < size, "temporary file name too long: %s", path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* ---- SQLite queries (the test includes sqlite3.h first) ---- */
#ifdef SQLITE3_H

/* The first column of the first row of sql as an integer, -1 when there is no row; fails the
 * test when db cannot be opened read-only or sql does not compile. */
static inline long long query_first_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* Runs the statements in sql on db (created when missing); fails the test with SQLite's message
 * when db cannot be opened or a statement fails. */
static inline void execute_sql(const char *db, const char *sql)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	sqlite3_close(h);
}

/* The rows of sql on db, with the files attach[0..nattach) attached as s1, s2, ..., as text
 * (malloc'd): one line per row, its columns joined by '|', NULL for SQL NULL. Fails the test
 * when a file cannot be opened or sql does not compile. */
static inline char *query_rows(const char *db, const char *const *attach, int nattach,
			       const char *sql)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	sqlite3 *h;
	sqlite3_stmt *st;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int i = 0; i < nattach; i++) {
		char *sql_attach = sqlite3_mprintf("ATTACH %Q AS s%d", attach[i], i + 1);

		ck_assert_msg(sqlite3_exec(h, sql_attach, NULL, NULL, NULL) == SQLITE_OK, "%s: %s",
			      sql_attach, sqlite3_errmsg(h));
		sqlite3_free(sql_attach);
	}
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_text(st, c);

			fprintf(out, "%s%s", c ? "|" : "", v ? (const char *)v : "NULL");
		}
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	fclose(out);
	return text;
}

/* Each of the queries sql[0..n) gives the same rows on db a as on db b. */
static inline void expect_same_rows(const char *a, const char *b, const char *const *sql,
				    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *rows_a = query_rows(a, NULL, 0, sql[i]), *rows_b = query_rows(b, NULL, 0, sql[i]);

		ck_assert_msg(strcmp(rows_a, rows_b) == 0, "%s and %s differ in %s:\n%s\n---\n%s", a,
			      b, sql[i], rows_a, rows_b);
		free(rows_a);
		free(rows_b);
	}
}

/* Removes a report database and its -wal and -shm files. */
static inline void remove_report_db(const char *db)
{
	char side[1024];

	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
}

#endif /* SQLITE3_H */

/* ---- guest images (the test includes machine.h first) ---- */
#ifdef PATCHCHECK_MACHINE_H

/* site_source.func_at for ud = a struct image *: the function symbol that holds addr. */
static inline bool image_func_at(void *ud, uint64_t addr, uint64_t *func)
{
	uint64_t off;
	const struct image_symbol *s = image_symbol_at(ud, addr, &off);

	if (!s || !s->is_func)
		return false;
	*func = addr - off;
	return true;
}

/* Loads the built guest image <guest dir>/<dir>/<name>.elf for arch; fails the test with the
 * loader's message when it does not load. */
static inline struct image *load_guest_image(const char *dir, const char *name,
					     const struct arch_model *arch)
{
	char path[1024], err[512];
	struct image *img;

	snprintf(path, sizeof(path), "%s/%s/%s.elf", PATCHCHECK_GUEST_DIR, dir, name);
	img = image_load(path, arch, err, sizeof(err));
	ck_assert_msg(img != NULL, "%s (build the guest_images target first)", err);
	return img;
}

/* The address of the symbol name in img; fails the test when img has none. */
static inline uint64_t symbol_address(const struct image *img, const char *name)
{
	uint64_t addr = 0;

	ck_assert_msg(image_lookup(img, name, &addr), "no symbol %s", name);
	return addr;
}

#endif /* PATCHCHECK_MACHINE_H */

/* ---- the bundled scenarios (the test includes explorer.h first) ---- */
#ifdef PATCHCHECK_EXPLORER_H

/* Loads scenarios/<dir>/<name> of the source tree into scn (".yaml" is added when name lacks
 * it); fails the test with the loader's message when it does not load. */
static inline void load_bundled_scenario(struct scenario *scn, const char *dir, const char *name)
{
	char path[1024], err[1024];
	size_t len = strlen(name);
	const char *ext = len > 5 && strcmp(name + len - 5, ".yaml") == 0 ? "" : ".yaml";

	snprintf(path, sizeof(path), "%s/scenarios/%s/%s%s", PATCHCHECK_SOURCE_DIR, dir, name, ext);
	ck_assert_msg(scenario_load(path, scn, err, sizeof(err)) == 0, "%s", err);
}

/* Writes yaml to a fresh temporary file (named in path[size]), loads it into scn with
 * scenario_load (error in err[errlen]) and removes the file; scenario_load's return code. */
static inline int load_scenario_text(const char *yaml, char *path, size_t size,
				     struct scenario *scn, char *err, size_t errlen)
{
	int rc;

	write_temp_file(path, size, yaml, strlen(yaml));
	rc = scenario_load(path, scn, err, errlen);
	unlink(path);
	return rc;
}

/* Loading path failed with rc 2 and err exactly "<path>:<where_what>", on one line. */
static inline void expect_load_error(int rc, const char *path, const char *err,
				     const char *where_what)
{
	char expected[1200];

	snprintf(expected, sizeof(expected), "%s:%s", path, where_what);
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(err, expected);
	ck_assert_ptr_null(strchr(err, '\n'));
}

/* Explores scn on the built guest images into res; fails the test when the explorer cannot run
 * it or ends with an error verdict. */
static inline void explore_scenario(const struct scenario *scn, struct scenario_result *res)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	ck_assert_int_eq(explorer_run(scn, &opt, res), 0);
	ck_assert_msg(res->verdict != VERDICT_ERROR, "%s: %s", scn->name, res->error);
}

/* Replays the schedule of failure (found exploring scn, called name in messages) into again:
 * the replay must fail on the same invariant, at the same step, on the same hart. The caller
 * frees again. */
static inline void expect_replay_fails_the_same_way(const struct scenario *scn, const char *name,
						    const struct failure *failure,
						    struct scenario_result *again)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	ck_assert_int_eq(explorer_replay(scn, &opt, failure->schedule, again), 0);
	ck_assert_msg(again->verdict == VERDICT_FAIL, "%s: replay of %s did not fail", name,
		      failure->schedule);
	ck_assert_str_eq(again->failure->invariant, failure->invariant);
	ck_assert_uint_eq(again->failure->step, failure->step);
	ck_assert_uint_eq(again->failure->hart, failure->hart);
}

#ifdef TEST_LOADS_SCENARIOS
/* Tests of the loader (they define TEST_LOADS_SCENARIOS): one scenario at a time in scn (large:
 * not on the stack), the loader's message in err, the file it read in path. */
static struct scenario scn;
static char err[1024];
static char path[512];

/* Loads tests/data/scenarios/<name>. */
static inline int load_fixture(const char *name)
{
	snprintf(path, sizeof(path), "%s/tests/data/scenarios/%s", PATCHCHECK_SOURCE_DIR, name);
	return scenario_load(path, &scn, err, sizeof(err));
}

/* Writes yaml to a fresh temporary file (named in path) and loads it; the file is removed. */
static inline int load_text(const char *yaml)
{
	return load_scenario_text(yaml, path, sizeof(path), &scn, err, sizeof(err));
}
#endif /* TEST_LOADS_SCENARIOS */

#endif /* PATCHCHECK_EXPLORER_H */

#endif /* PATCHCHECK_TEST_SUPPORT_H */
