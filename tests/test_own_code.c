/*
 * test_own_code.c - a scenario's own code: sources built into a bundled image at run time
 * (from a directory outside the tree, cached by content, headers included), a user definition
 * taking the place of a bundled one, a prebuilt ELF, and compile errors as exit 2 with the
 * compiler's own file:line:col.
 */
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define EXAMPLE PATCHCHECK_SOURCE_DIR "/examples/own-trampoline"

static char work[256], cache[300];

/* A fresh directory outside the tree with the example copied in, and a fresh cache. */
static void setup(void)
{
	temp_file_name(work, sizeof(work), "own-code");
	snprintf(cache, sizeof(cache), "%s/cache", work);
	ck_assert_int_eq(sh("rm -rf %s && mkdir -p %s && cp %s/* %s/", work, work, EXAMPLE, work), 0);
	setenv("PATCHCHECK_CACHE_DIR", cache, 1);
}

static void teardown(void)
{
	sh("rm -rf %s", work);
	unsetenv("PATCHCHECK_CACHE_DIR");
}

/* The builds in the cache: not the compilers' identities, the scenarios' costs (-j's order),
 * the register-access answers or a build in progress. */
static int cache_entries(void)
{
	ck_assert_int_eq(sh("ls %s | grep -v -e '^cc-' -e '^costs$' -e '^reg-access$' |"
			    " grep -c -v '^tmp-' || true", cache), 0);
	return atoi(output);
}

/* The inode numbers of the cached images, one line each: a rebuild puts a new file there. */
static char *cached_images(void)
{
	ck_assert_int_eq(sh("ls -i %s/*/image.elf | cut -d' ' -f1", cache), 0);
	return strdup(output);
}

START_TEST(sources_outside_the_tree_give_the_expected_verdicts)
{
	char *images, *again;

	ck_assert_int_eq(sh("cd %s && %s run --no-db own-tramp.yaml own-tramp-swapped.yaml", work, TOOL), 0);
	expect_in_output("ok   examples/own-tramp ");
	expect_in_output("ok   examples/own-tramp-swapped");
	expect_in_output("x0 at body entry of traced_add3 differs from its value at the call: expected 0x1, actual 0x3");
	/* One build for both (the same sources), reused by the next run, not rebuilt: every
	 * dependency its depfile named (one per line there) was read. */
	ck_assert_int_eq(cache_entries(), 1);
	images = cached_images();
	ck_assert_int_eq(sh("%s run -q --no-db %s/own-tramp.yaml", TOOL, work), 0);
	ck_assert_int_eq(cache_entries(), 1);
	again = cached_images();
	ck_assert_str_eq(again, images);
	free(again);
	ck_assert_int_eq(sh("cat %s/*/deps", cache), 0);
	ck_assert_ptr_null(strstr(output, "unreadable"));
	expect_in_output("/my_count.c\n");
	free(images);
	/* A changed source is another build. */
	ck_assert_int_eq(sh("echo '/* edited */' >> %s/my_count.c", work), 0);
	ck_assert_int_eq(sh("%s run -q --no-db %s/own-tramp.yaml", TOOL, work), 0);
	ck_assert_int_eq(cache_entries(), 2);
}
END_TEST

/* A header the sources include is part of the build: changing it rebuilds, also in a directory
 * whose name has a space (the depfile escapes it). */
START_TEST(a_changed_header_rebuilds)
{
	static const char tramp[] =
		"#include \"slot.h\"\n"
		"\t.globl my_tramp\n\t.type my_tramp, %function\n\t.balign 4\n"
		"my_tramp:\n\tstp x0, x1, [sp, #-32]!\n\tstp x2, x3, [sp, #16]\n"
		"\tldp x0, x1, [sp, #SLOT]\n\tldp x2, x3, [sp, #16]\n\tadd sp, sp, #32\n"
		"\tmov x10, x30\n\tmov x30, x9\n\tret x10\n";
	char path[400];

	ck_assert_int_eq(sh("mkdir -p '%s/with space' && mv %s/*.S %s/*.c %s/*.yaml '%s/with space/'",
			    work, work, work, work, work), 0);
	snprintf(work + strlen(work), sizeof(work) - strlen(work), "/with space");
	snprintf(path, sizeof(path), "%s/my_tramp.S", work);
	write_text(path, tramp);
	ck_assert_int_eq(sh("cd '%s' && echo '#define SLOT 0' > slot.h && sed -i 's/my_count.c//' own-tramp.yaml"
			    " && sed -i 's/, ]/]/' own-tramp.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db '%s/own-tramp.yaml'", TOOL, work), 0);
	ck_assert_int_eq(sh("echo '#define SLOT 16' > '%s/slot.h'", work), 0);
	ck_assert_int_eq(sh("%s run --no-db '%s/own-tramp.yaml'", TOOL, work), 1);
	expect_in_output("register-preservation");
	*strrchr(work, '/') = 0;
}
END_TEST

/* A source that defines a bundled symbol takes its place: here a flawed ftrace_caller. */
START_TEST(a_user_definition_replaces_the_bundled_one)
{
	ck_assert_int_eq(sh("cd %s && sed -e 's/my_tramp_swapped/ftrace_caller/g' my_tramp.S > mine.S"
			    " && sed -e 's/my_tramp.S/mine.S/' -e 's/my_tramp_swapped/ftrace_caller/'"
			    " own-tramp-swapped.yaml > replaced.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/replaced.yaml", TOOL, work), 0);
	expect_in_output("fail:register-preservation");
	/* The bundled ftrace_caller, which keeps x0, passes the same scenario. */
	ck_assert_int_eq(sh("cd %s && sed -e '/^sources:/d' -e 's/^expect: fail/expect: pass/'"
			    " -e '/^fails_with/d' replaced.yaml > bundled.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/bundled.yaml", TOOL, work), 0);
	expect_in_output("pass");
}
END_TEST

/* A hart may run a function of the scenario's own sources, as litmus-style per-hart code does. */
START_TEST(a_hart_runs_a_function_of_the_sources)
{
	ck_assert_int_eq(sh("cd %s && sed -e 's/^name: .*/name: own\\/hart-runs-mine/' -e '/^setup:/d'"
			    " -e '/role: patcher/d' -e 's/traced_add3(1, 2, 3)/my_count(7)/'"
			    " -e 's/traced_add3(4, 5, 6)/my_count(9)/' own-tramp.yaml > mine.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/mine.yaml", TOOL, work), 0);
	expect_in_output("ok   own/hart-runs-mine");
}
END_TEST

START_TEST(a_prebuilt_elf)
{
	ck_assert_int_eq(sh("cd %s && cp %s/arm64/ftrace.elf prebuilt.elf && sed -e"
			    " 's#^image: ftrace#elf: prebuilt.elf#' -e '/^sources:/d' -e 's/my_tramp/ftrace_caller/'"
			    " own-tramp.yaml > prebuilt.yaml", work, PATCHCHECK_GUEST_DIR), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/prebuilt.yaml", TOOL, work), 0);
	expect_in_output("pass");
	ck_assert_int_eq(sh("cd %s && sed -i 's#^arch: arm64#arch: arm64\\nimage: ftrace#' prebuilt.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/prebuilt.yaml", TOOL, work), 2);
	expect_in_output("give one or the other");
	/* A prebuilt image cannot take a tree's files either. */
	ck_assert_int_eq(sh("cd %s && sed -i -e '/^image: ftrace/d' -e 's#^elf: prebuilt.elf#&\\nkernel_sources:"
			    " [arch/arm64/kernel/entry-ftrace.S]#' prebuilt.yaml", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/prebuilt.yaml", TOOL, work), 2);
	expect_in_output("kernel_sources build one: give one or the other");
}
END_TEST

/* A build the machine cannot do (no usable cache directory) is the environment's failure:
 * exit 3, not bad input. */
START_TEST(a_build_the_machine_cannot_do_exits_3)
{
	ck_assert_int_eq(sh("PATCHCHECK_CACHE_DIR=/proc/no-such-cache %s run --no-db %s/own-tramp.yaml",
			    TOOL, work), 3);
	expect_in_output("image 'ftrace' with the scenario's sources: no cache directory");
	ck_assert_int_eq(sh("PATCHCHECK_CACHE_DIR=/proc/no-such-cache %s gate -q --no-db %s/own-tramp.yaml",
			    TOOL, work), 3);
}
END_TEST

/* The compiler's identity (its --version) is kept in the cache under what stat says of the
 * compiler: a later process does not start it again, a changed compiler is asked again, and
 * a compiler that says another version is another build. The compiler here is a script that
 * logs each --version it answers, in a copy of the guest images whose recipes name it. */
START_TEST(the_compilers_identity_is_kept_until_the_compiler_changes)
{
	static const char wrapper[] =
		"#!/bin/sh\n"
		"if [ \"$1\" = --version ]; then echo asked >> \"$(dirname \"$0\")/asked\"; echo 'wrapper 1'; fi\n"
		"exec /usr/bin/clang-14 \"$@\"\n";
	char cc[400];

	snprintf(cc, sizeof(cc), "%s/cc", work);
	write_text(cc, wrapper);
	ck_assert_int_eq(sh("chmod +x %s && cp -r %s/guest %s/guest && sed -i 's|^cc .*|cc %s|'"
			    " %s/guest/*/*.recipe", cc, PATCHCHECK_BINARY_DIR, work, cc, work), 0);
	ck_assert_int_eq(sh("%s run -q --no-db --guest-dir %s/guest %s/own-tramp.yaml", TOOL, work, work), 0);
	ck_assert_int_eq(sh("%s run -q --no-db --guest-dir %s/guest %s/own-tramp.yaml", TOOL, work, work), 0);
	ck_assert_int_eq(sh("wc -l < %s/asked", work), 0);
	ck_assert_int_eq(atoi(output), 1);
	ck_assert_int_eq(cache_entries(), 1);
	/* The same compiler rewritten: asked again, the same build. */
	ck_assert_int_eq(sh("cp %s %s.new && mv %s.new %s", cc, cc, cc, cc), 0);
	ck_assert_int_eq(sh("%s run -q --no-db --guest-dir %s/guest %s/own-tramp.yaml", TOOL, work, work), 0);
	ck_assert_int_eq(sh("wc -l < %s/asked", work), 0);
	ck_assert_int_eq(atoi(output), 2);
	ck_assert_int_eq(sh("ls %s | grep -c '^cc-'", cache), 0);
	ck_assert_int_eq(atoi(output), 2);
	ck_assert_int_eq(cache_entries(), 1);
	/* Another version: another build. */
	ck_assert_int_eq(sh("sed -i 's/wrapper 1/wrapper 2/' %s", cc), 0);
	ck_assert_int_eq(sh("%s run -q --no-db --guest-dir %s/guest %s/own-tramp.yaml", TOOL, work, work), 0);
	ck_assert_int_eq(cache_entries(), 2);
	/* A compiler named without a path is found through PATH when it runs, and asked each
	 * time: no identity is kept for it. */
	ck_assert_int_eq(sh("sed -i 's|^cc .*|cc cc|' %s/guest/*/*.recipe && cd %s && PATH=%s:$PATH"
			    " %s run -q --no-db --guest-dir %s/guest %s/own-tramp.yaml", work, work,
			    work, TOOL, work, work), 0);
	ck_assert_int_eq(sh("wc -l < %s/asked", work), 0);
	ck_assert_int_eq(atoi(output), 4);
	ck_assert_int_eq(sh("ls %s | grep -c '^cc-'", cache), 0);
	ck_assert_int_eq(atoi(output), 3);
}
END_TEST

START_TEST(compile_errors_exit_2_with_the_compilers_position)
{
	ck_assert_int_eq(sh("cd %s && printf '\\t.text\\nmy_tramp:\\n\\tmovz x0, #1, lsl #7\\n' > my_tramp.S", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/own-tramp.yaml", TOOL, work), 2);
	expect_in_output("my_tramp.S:3:");
	expect_in_output("error:");
	/* An undefined symbol is the linker's error. */
	ck_assert_int_eq(sh("cd %s && printf '\\t.text\\n\\t.globl my_tramp\\nmy_tramp:\\n\\tb nowhere\\n' > my_tramp.S", work), 0);
	ck_assert_int_eq(sh("%s run --no-db %s/own-tramp.yaml", TOOL, work), 2);
	expect_in_output("undefined symbol: nowhere");
	/* A missing source is named at its position in the scenario. */
	ck_assert_int_eq(sh("rm %s/my_count.c && %s run --no-db %s/own-tramp.yaml", work, TOOL, work), 2);
	expect_in_output("own-tramp.yaml:9:23: sources[1] 'my_count.c': cannot read");
	ck_assert_int_eq(sh("cd %s && sed -i 's/my_count.c/notes.txt/' own-tramp.yaml && touch notes.txt"
			    " && %s run --no-db own-tramp.yaml", work, TOOL), 2);
	expect_in_output("neither C (.c) nor assembly (.S)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("own code");
	TCase *tc = tcase_create("sources");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sources_outside_the_tree_give_the_expected_verdicts);
	tcase_add_test(tc, a_changed_header_rebuilds);
	tcase_add_test(tc, a_user_definition_replaces_the_bundled_one);
	tcase_add_test(tc, a_hart_runs_a_function_of_the_sources);
	tcase_add_test(tc, a_prebuilt_elf);
	tcase_add_test(tc, the_compilers_identity_is_kept_until_the_compiler_changes);
	tcase_add_test(tc, compile_errors_exit_2_with_the_compilers_position);
	tcase_add_test(tc, a_build_the_machine_cannot_do_exits_3);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
