/*
 * test_toolchain.c - the toolchain's file hashes (toolchain/file_digest.c): a file is hashed by
 * its content alone, and a file changed while the process runs is hashed anew, whatever its
 * size and modification time, once its digest was kept or while it was too recent to keep.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"
#include "toolchain_internal.h"

static uint64_t hash_of(const char *path)
{
	uint64_t h = TC_FNV_OFFSET;

	ck_assert_int_eq(tc_hash_file(&h, path), 0);
	return h;
}

/* Same content, same hash, from any path; another content, another hash. */
START_TEST(a_file_is_hashed_by_its_content)
{
	char a[256], b[256];
	uint64_t h = TC_FNV_OFFSET;

	temp_file_name(a, sizeof(a), "digest-a");
	temp_file_name(b, sizeof(b), "digest-b");
	write_text(a, "one header\n");
	write_text(b, "one header\n");
	ck_assert_uint_eq(hash_of(a), hash_of(b));
	write_text(b, "two header\n");
	ck_assert_uint_ne(hash_of(a), hash_of(b));
	ck_assert_int_eq(tc_hash_file(&h, "/nonexistent/file.h"), -1);
	unlink(a);
	unlink(b);
}
END_TEST

/* A file old enough for its digest to be kept, then rewritten with as many bytes and its
 * modification time put back: the status-change time tells, and the new content is hashed.
 * A file changed a moment ago is read again whatever its times say. */
START_TEST(a_file_changed_while_the_process_runs_is_hashed_anew)
{
	char a[256], b[256];
	struct stat st;
	uint64_t first, again;

	temp_file_name(a, sizeof(a), "digest-old");
	temp_file_name(b, sizeof(b), "digest-new");
	write_text(a, "#define A 1\n");
	write_text(b, "#define A 2\n");
	sleep(3); /* older than file_digest.c's RECENT: the digest is kept */
	first = hash_of(a);
	ck_assert_uint_eq(hash_of(a), first);
	ck_assert_int_eq(stat(a, &st), 0);
	write_text(a, "#define A 2\n");
	const struct timespec times[2] = {st.st_atim, st.st_mtim};
	ck_assert_int_eq(utimensat(AT_FDCWD, a, times, 0), 0);
	sleep(3); /* the change itself old enough: only the status-change time tells */
	again = hash_of(a);
	ck_assert_uint_ne(again, first);
	ck_assert_uint_eq(again, hash_of(b));
	/* Recent now: changed again at once, hashed anew again. */
	write_text(a, "#define A 1\n");
	ck_assert_uint_eq(hash_of(a), first);
	unlink(a);
	unlink(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("toolchain");
	TCase *tc = tcase_create("file hashes");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_file_is_hashed_by_its_content);
	tcase_add_test(tc, a_file_changed_while_the_process_runs_is_hashed_anew);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
