/*
 * test_strict_input.c - values are what they look like, or an error: whole numbers are plain
 * decimal or 0x hex within their key's range, booleans are true or false, a null is never a
 * value, each error one line "file:line:col: message" with exit code 2; numeric options of
 * the command line follow the same rules and name the option and its value. Calls are checked
 * against the prototypes in the image's DWARF (arity, and whether each argument fits), using
 * the bundled images and this test's own (tests/guest/prototypes.c). The image hash covers
 * what runs, not debug information or layout.
 * Fixtures live in tests/data/scenarios/; the smaller cases are written to a temporary file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>
#include <gelf.h>

#include "explorer.h"
#include "machine.h"
#define TEST_LOADS_SCENARIOS
#include "test_support.h"

#define FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/scenarios/"
#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define SCENARIO PATCHCHECK_SOURCE_DIR "/scenarios/arm64/nop-to-call.yaml"

/* The error must be exactly "<path>:<where_what>", on one line, with exit code 2. */
static void assert_error(int rc, const char *where_what)
{
	expect_load_error(rc, path, err, where_what);
}

/* One runner hart; `rest` ends the file (expect: and anything after it). */
#define ONE_HART(hart_extra, rest) \
	"name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: f()\n" hart_extra rest

/* ---- whole numbers ---- */

struct fixture_error {
	const char *file;
	const char *where_what;
};

static const struct fixture_error value_fixtures[] = {
	{ "bad_int_exponent.yaml",
	  "6:23: bounds.preemptions must be an integer from 0 to 32, got '1e3'" },
	{ "bad_int_binary.yaml",
	  "6:23: bounds.preemptions must be an integer from 0 to 32, got '0b10'" },
	{ "bad_int_fraction.yaml",
	  "7:16: bounds.preemptions must be an integer from 0 to 32, got '2.9'" },
	{ "bad_int_octal.yaml",
	  "6:23: bounds.preemptions must be an integer from 0 to 32, got '010'" },
	{ "bad_int_suffix.yaml",
	  "6:26: bounds.max_executions must be an integer from 0 (no limit) to 1000000000, "
	  "got '10k'" },
	{ "bad_repeat_fraction.yaml",
	  "5:43: harts[0].repeat must be an integer from 1 to 1000, got '1.5'" },
	{ "bad_budget_steps.yaml",
	  "6:26: bounds.steps_per_call must be an integer from 1 to 10000000, got '100000000'" },
	{ "bad_bool_maybe.yaml", "6:20: callback_must_run must be true or false, got 'maybe'" },
	{ "bad_null_name.yaml", "1:7: name is null ('~'); write \"~\" if that text is meant" },
};

START_TEST(junk_in_a_value_is_an_error_at_its_position)
{
	const struct fixture_error *c = &value_fixtures[_i];
	assert_error(load_fixture(c->file), c->where_what);
}
END_TEST

struct text_error {
	const char *yaml;
	const char *where_what;
};

static const struct text_error value_errors[] = {
	{ ONE_HART("", "expect: pass\nbounds: {preemptions: 33}\n"),
	  "7:23: bounds.preemptions must be an integer from 0 to 32, got '33'" },
	{ ONE_HART("", "expect: pass\nbounds: {max_executions: 1000000001}\n"),
	  "7:26: bounds.max_executions must be an integer from 0 (no limit) to 1000000000, "
	  "got '1000000001'" },
	{ ONE_HART("", "expect: pass\nbounds: {max_executions: 18446744073709551616}\n"),
	  "7:26: bounds.max_executions must be an integer from 0 (no limit) to 1000000000, "
	  "got '18446744073709551616'" },
	{ ONE_HART("", "expect: pass\nbounds: {preemptions: \"2\"}\n"),
	  "7:23: bounds.preemptions must be an integer from 0 to 32, got the quoted text '2'" },
	{ ONE_HART("", "expect: pass\nbounds: {preemptions: +2}\n"),
	  "7:23: bounds.preemptions must be an integer from 0 to 32, got '+2'" },
	{ ONE_HART("", "expect: pass\nbounds: {preemptions: 0x}\n"),
	  "7:23: bounds.preemptions must be an integer from 0 to 32, got '0x'" },
	{ ONE_HART("    repeat: 2.0\n", "expect: pass\n"),
	  "6:13: harts[0].repeat must be an integer from 1 to 1000, got '2.0'" },
	{ ONE_HART("", "expect: pass\nstack_args: 1_6\n"),
	  "7:13: stack_args must be an integer from 0 to 256, got '1_6'" },
	{ ONE_HART("", "expect: pass\ncallback_must_run: yes\n"),
	  "7:20: callback_must_run must be true or false, got 'yes'" },
	{ ONE_HART("", "expect: pass\ncallback_must_run: \"true\"\n"),
	  "7:20: callback_must_run must be true or false, got the quoted text 'true'" },
	{ ONE_HART("", "expect: pass\ncallback_must_run: ~\n"),
	  "7:20: callback_must_run is null ('~'); write \"~\" if that text is meant" },
	{ ONE_HART("", "expect: pass\ncallback_must_run: [true]\n"),
	  "7:20: callback_must_run must be true or false, got a list" },
	{ "name: null\narch: arm64\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n",
	  "1:7: name is null ('null'); write \"null\" if that text is meant" },
	{ ONE_HART("", "expect: pass\nsetup: [~]\n"),
	  "7:9: setup[0] is null ('~'); write \"~\" if that text is meant" },
	{ ONE_HART("", "expect: pass\ndescription:\n"), "7:13: description has no value" },
	{ ONE_HART("", "expect: pass\nfails_with: NULL\n"),
	  "7:13: fails_with is null ('NULL'); write \"NULL\" if that text is meant" },
};

START_TEST(bad_value_names_line_and_column)
{
	assert_error(load_text(value_errors[_i].yaml), value_errors[_i].where_what);
}
END_TEST

START_TEST(hex_and_plain_decimal_are_taken)
{
	ck_assert_int_eq(load_text(ONE_HART("    repeat: 0x10\n", "expect: pass\n"
					    "bounds: {preemptions: 0, steps_per_call: 0X1F, "
					    "max_executions: 1000000000}\n"
					    "callback_must_run: true\nstack_args: 0x100\n")),
			 0);
	ck_assert_uint_eq(scn.harts[0].repeat, 16);
	ck_assert_uint_eq(scn.preemptions, 0);
	ck_assert_uint_eq(scn.steps_per_call, 31);
	ck_assert_uint_eq(scn.max_executions, 1000000000);
	ck_assert(scn.callback_must_run);
	ck_assert_uint_eq(scn.stack_args, 256);
	ck_assert_int_eq(load_text("name: \"~\"\narch: arm64\nimage: ftrace\nharts: [{run: f()}]\n"
				   "expect: pass\n"), 0);
	ck_assert_str_eq(scn.name, "~");
}
END_TEST

START_TEST(whole_number_parse_takes_only_the_whole_text)
{
	static const struct {
		const char *text;
		enum whole_number_status status;
		uint64_t value;
	} cases[] = {
		{ "0", WHOLE_NUMBER_OK, 0 },
		{ "42", WHOLE_NUMBER_OK, 42 },
		{ "0x2a", WHOLE_NUMBER_OK, 42 },
		{ "0XFFFFFFFFFFFFFFFF", WHOLE_NUMBER_OK, UINT64_MAX },
		{ "18446744073709551615", WHOLE_NUMBER_OK, UINT64_MAX },
		{ "18446744073709551616", WHOLE_NUMBER_TOO_LARGE, 0 },
		{ "0x10000000000000000", WHOLE_NUMBER_TOO_LARGE, 0 },
		{ "010", WHOLE_NUMBER_LEADING_ZERO, 0 },
		{ "00", WHOLE_NUMBER_LEADING_ZERO, 0 },
		{ "", WHOLE_NUMBER_MALFORMED, 0 },
		{ "0x", WHOLE_NUMBER_MALFORMED, 0 },
		{ "1e3", WHOLE_NUMBER_MALFORMED, 0 },
		{ "0b10", WHOLE_NUMBER_MALFORMED, 0 },
		{ "2.9", WHOLE_NUMBER_MALFORMED, 0 },
		{ "10k", WHOLE_NUMBER_MALFORMED, 0 },
		{ "-1", WHOLE_NUMBER_MALFORMED, 0 },
		{ "+1", WHOLE_NUMBER_MALFORMED, 0 },
		{ " 1", WHOLE_NUMBER_MALFORMED, 0 },
		{ "1 ", WHOLE_NUMBER_MALFORMED, 0 },
		{ "0xg", WHOLE_NUMBER_MALFORMED, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		enum whole_number_status st = whole_number_parse(cases[i].text,
								 strlen(cases[i].text), &v);

		ck_assert_msg(st == cases[i].status, "'%s': status %d, expected %d", cases[i].text,
			      (int)st, (int)cases[i].status);
		if (st == WHOLE_NUMBER_OK)
			ck_assert_uint_eq(v, cases[i].value);
	}
}
END_TEST

/* ---- the size limit ---- */

/* "name: t\n" then lines of 100 bytes ('#', 98 'x', '\n') until past 1 MiB: byte 1048576 is
 * on line 2 + (1048576 - 8) / 100 = 10487, column 1 + (1048576 - 8) % 100 = 69. */
START_TEST(a_file_past_1_mib_is_an_error_where_it_crosses_the_limit)
{
	size_t len = 8 + 10500 * 100;
	char *text = malloc(len);

	ck_assert_ptr_nonnull(text);
	memcpy(text, "name: t\n", 8);
	for (size_t line = 0; line < 10500; line++) {
		char *l = text + 8 + line * 100;
		l[0] = '#';
		memset(l + 1, 'x', 98);
		l[99] = '\n';
	}
	write_temp_file(path, sizeof(path), text, len);
	free(text);
	int rc = scenario_load(path, &scn, err, sizeof(err));
	unlink(path);
	assert_error(rc, "10487:69: a scenario file has at most 1048576 bytes (1 MiB); this one "
			 "goes past that here");
}
END_TEST

/* ---- values checked against the image ---- */

static const struct fixture_error image_fixtures[] = {
	{ "bad_watch_outside.yaml",
	  "6:9: traced_add3+0x7fffffff is outside traced_add3, which has 0x18 bytes" },
	{ "bad_arg_outside.yaml", "5:5: traced_add3+0x1000 is outside traced_add3, which has "
				  "0x18 bytes" },
	{ "bad_arity_fewer.yaml",
	  "5:25: traced_add3 takes 3 arguments (long a, long b, long c), the call gives 2" },
	{ "bad_arity_none.yaml",
	  "6:10: traced_add3 takes 3 arguments (long a, long b, long c), the call gives 0" },
	{ "bad_arity_more.yaml",
	  "6:35: traced_add3 takes 3 arguments (long a, long b, long c), the call gives 4" },
	{ "bad_arity_setup.yaml",
	  "5:5: ftrace_init_nop takes 1 argument (unsigned long func), the call gives 0" },
	{ "bad_arg_too_wide.yaml", "5:5: argument 2 of patch_text_checked (patch_insn_t old) "
				   "holds 4 bytes: 4294967296 (0x100000000) does not fit" },
	{ "bad_arg_symbol_narrow.yaml",
	  "5:5: argument 2 of patch_text_checked (patch_insn_t old) holds 4 bytes, fewer than an "
	  "address: traced_add3 does not fit" },
	{ "bad_arg_negative_too_wide.yaml",
	  "5:10: argument 2 of traced_add3 (long b) holds 4 bytes: -2147483649 does not fit" },
};

/* Against test_strict_input's own image, tests/guest/prototypes.c. */
static const struct fixture_error prototype_fixtures[] = {
	{ "bad_proto_struct.yaml", "6:10: argument 1 of by_value (struct pair p) is neither an "
				   "integer nor a pointer: a scenario call cannot pass it" },
	{ "bad_proto_narrow.yaml", "6:10: argument 1 of narrow (unsigned char u) holds 1 byte: "
				   "256 (0x100) does not fit" },
	{ "bad_proto_negative.yaml",
	  "6:10: argument 2 of narrow (signed char s) holds 1 byte: -129 does not fit" },
	{ "bad_proto_variadic.yaml",
	  "6:10: count takes at least 1 argument (int n, ...), the call gives 0" },
};

/* patchcheck run on the fixture, with the images of guest_dir, exits 2 with the one line
 * "<fixture>:<where_what>". */
static void assert_run_error(const char *guest_dir, const char *file, const char *where_what)
{
	char line[1200];

	snprintf(line, sizeof(line), "%s%s:%s\n", FIXTURES, file, where_what);
	ck_assert_int_eq(sh("%s run --no-db -q --guest-dir %s %s%s", TOOL, guest_dir, FIXTURES,
			    file), 2);
	expect_in_output(line);
}

START_TEST(a_value_the_image_contradicts_is_an_error_at_its_position)
{
	assert_run_error(PATCHCHECK_GUEST_DIR, image_fixtures[_i].file,
			 image_fixtures[_i].where_what);
}
END_TEST

START_TEST(a_call_its_prototype_contradicts_is_an_error_at_its_position)
{
	assert_run_error(PATCHCHECK_TEST_GUEST_DIR, prototype_fixtures[_i].file,
			 prototype_fixtures[_i].where_what);
}
END_TEST

/* A scenario's own C source (sources:) is built with the image's flags, -g included, so its
 * functions are checked as the bundled ones are. */
START_TEST(a_call_of_the_scenarios_own_code_is_checked_too)
{
	char cache[512], line[1200];

	temp_file_name(cache, sizeof(cache), "cache");
	snprintf(line, sizeof(line), "%sbad_proto_own_source.yaml:7:10: own_count takes 2 "
		 "arguments (unsigned long n, unsigned int step), the call gives 1\n", FIXTURES);
	ck_assert_int_eq(sh("PATCHCHECK_CACHE_DIR=%s %s run --no-db -q --guest-dir %s "
			    "%sbad_proto_own_source.yaml", cache, TOOL, PATCHCHECK_GUEST_DIR,
			    FIXTURES), 2);
	expect_in_output(line);
	sh("rm -rf %s", cache);
}
END_TEST

/* Two's complement either way, symbols in pointers, variadic extras: they load and run. */
START_TEST(every_argument_that_fits_is_taken)
{
	ck_assert_int_eq(sh("%s run --no-db -q --guest-dir %s %sok_proto_values.yaml", TOOL,
			    PATCHCHECK_TEST_GUEST_DIR, FIXTURES), 0);
	expect_in_output("1 passed, 0 failed");
}
END_TEST

/* ---- numeric command-line options ---- */

struct option_error {
	const char *command; /* the options, before the scenario file */
	const char *message;
};

static const struct option_error option_errors[] = {
	{ "run --max-executions 18446744073709551616",
	  "patchcheck run: --max-executions wants a whole number from 1 to 1000000000 (decimal or "
	  "0x hex), got '18446744073709551616'\n" },
	{ "run --max-executions 10k",
	  "patchcheck run: --max-executions wants a whole number from 1 to 1000000000 (decimal or "
	  "0x hex), got '10k'\n" },
	{ "gate --max-executions 0",
	  "patchcheck gate: --max-executions wants a whole number from 1 to 1000000000 (decimal or "
	  "0x hex), got '0'\n" },
	{ "run --random 1000000000000",
	  "patchcheck run: --random wants a whole number from 1 to 1000000 (decimal or 0x hex), "
	  "got '1000000000000'\n" },
	{ "run --random 1e3",
	  "patchcheck run: --random wants a whole number from 1 to 1000000 (decimal or 0x hex), "
	  "got '1e3'\n" },
	{ "gate --then-random 0",
	  "patchcheck gate: --then-random wants a whole number from 1 to 1000000 (decimal or 0x "
	  "hex), got '0'\n" },
	{ "run --random 10 --seed 010",
	  "patchcheck run: --seed wants a whole number from 0 to 18446744073709551615 (decimal or "
	  "0x hex), got '010'\n" },
	{ "run --random 10 --seed 18446744073709551616",
	  "patchcheck run: --seed wants a whole number from 0 to 18446744073709551615 (decimal or "
	  "0x hex), got '18446744073709551616'\n" },
	{ "report --last 2.5",
	  "patchcheck report: --last wants a whole number from 1 to 9223372036854775807 (decimal "
	  "or 0x hex), got '2.5'\n" },
};

START_TEST(a_bad_numeric_option_names_itself_and_exits_2)
{
	ck_assert_int_eq(sh("%s %s --no-db %s", TOOL, option_errors[_i].command, SCENARIO), 2);
	ck_assert_str_eq(output, option_errors[_i].message);
}
END_TEST

START_TEST(numeric_options_take_decimal_and_hex)
{
	ck_assert_int_eq(sh("%s run --no-db -q --allow-inconclusive --random 0x3 "
			    "--seed 0xffffffffffffffff --max-executions 2 %s", TOOL, SCENARIO), 0);
	expect_in_output("0 passed, 0 failed, 1 skipped"); /* a sample: inconclusive */
}
END_TEST

/* ---- the image hash: contents, not file ---- */

#define FTRACE_ARM64 PATCHCHECK_GUEST_DIR "/arm64/ftrace.elf"

/* The hash of the image at path, into out[17]. */
static void hash_of_image(const char *image, char out[17])
{
	char why[512];
	struct image *img = image_load(image, arch_model_find("arm64"), why, sizeof(why));

	ck_assert_msg(img != NULL, "%s", why);
	snprintf(out, 17, "%s", image_hash(img));
	image_free(img);
}

/* The file offset of the first byte of section name in the ELF at path. */
static long section_offset(const char *image, const char *name)
{
	int fd = open(image, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;
	long off = -1;

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_ne(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_ptr_nonnull(elf);
	ck_assert_int_eq(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) && strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name) == 0)
			off = (long)sh.sh_offset;
	elf_end(elf);
	close(fd);
	ck_assert_int_ge(off, 0);
	return off;
}

/* A copy of the file at from, into to, with the byte at off inverted. */
static void flip_byte_at(const char *from, const char *to, long off)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	long at = 0;
	int ch;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while ((ch = fgetc(in)) != EOF)
		fputc(at++ == off ? ch ^ 0xff : ch, out);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_gt(at, off);
}

START_TEST(the_image_hash_covers_code_and_symbols_not_debug_info_or_layout)
{
	char copy[512], note[512], h0[17], h[17];

	temp_file_name(copy, sizeof(copy), "image.elf");
	temp_file_name(note, sizeof(note), "note.txt");
	hash_of_image(FTRACE_ARM64, h0);

	/* without its debug sections, or with a section naming a checkout: the same */
	ck_assert_int_eq(sh("llvm-objcopy-14 --strip-debug %s %s", FTRACE_ARM64, copy), 0);
	hash_of_image(copy, h);
	ck_assert_str_eq(h, h0);
	ck_assert_int_eq(sh("echo /home/someone/patchcheck > %s && llvm-objcopy-14 "
			    "--add-section .comment.checkout=%s %s %s", note, note, FTRACE_ARM64,
			    copy), 0);
	hash_of_image(copy, h);
	ck_assert_str_eq(h, h0);

	/* a symbol renamed: another hash */
	ck_assert_int_eq(sh("llvm-objcopy-14 --redefine-sym traced_add3=traced_add4 %s %s",
			    FTRACE_ARM64, copy), 0);
	hash_of_image(copy, h);
	ck_assert_str_ne(h, h0);

	/* one instruction changed: another hash */
	flip_byte_at(FTRACE_ARM64, copy, section_offset(FTRACE_ARM64, ".text"));
	hash_of_image(copy, h);
	ck_assert_str_ne(h, h0);
	unlink(copy);
	unlink(note);
}
END_TEST

/* Images carry DWARF (-g) for the prototypes, with the checkout's path mapped away: no image
 * names the checkout it was built in (the recipes beside them do, for run-time builds). */
START_TEST(guest_images_name_no_path_of_the_checkout)
{
	ck_assert_int_eq(sh("llvm-readelf-14 -S %s | grep -c '\\.debug_info'", FTRACE_ARM64), 0);
	ck_assert_int_eq(sh("grep -rlF --include='*.elf' '%s' %s; test $? = 1",
			    PATCHCHECK_SOURCE_DIR, PATCHCHECK_GUEST_DIR), 0);
}
END_TEST

/* ---- prototypes from the image's DWARF ---- */

static struct image *load_image(const char *arch, const char *image)
{
	char why[512];
	struct image *img = image_load(image, arch_model_find(arch), why, sizeof(why));

	ck_assert_msg(img != NULL, "%s", why);
	return img;
}

static void assert_param(const struct image_param *p, enum image_param_kind kind, unsigned size,
			 bool is_signed, const char *text)
{
	ck_assert_int_eq(p->kind, kind);
	ck_assert_uint_eq(p->size, size);
	ck_assert_int_eq(p->is_signed, is_signed);
	ck_assert_str_eq(p->text, text);
}

START_TEST(c_functions_have_their_prototype_and_assembly_none)
{
	struct image *img = load_image("arm64", FTRACE_ARM64);
	const struct image_prototype *p = image_function_prototype(img, "traced_add3");

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nparams, 3);
	ck_assert(!p->variadic);
	assert_param(&p->params[0], PARAM_INTEGER, 8, true, "long a");
	assert_param(&p->params[2], PARAM_INTEGER, 8, true, "long c");
	p = image_function_prototype(img, "traced_leaf");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nparams, 0);
	p = image_function_prototype(img, "pc_set_callback");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nparams, 1);
	assert_param(&p->params[0], PARAM_POINTER, 8, false, "void *fn");
	p = image_function_prototype(img, "patch_text_checked");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nparams, 4);
	assert_param(&p->params[0], PARAM_INTEGER, 8, false, "unsigned long addr");
	assert_param(&p->params[1], PARAM_INTEGER, 4, false, "patch_insn_t old");
	assert_param(&p->params[3], PARAM_INTEGER, 4, true, "int validate");
	p = image_function_prototype(img, "write_record");
	ck_assert_ptr_nonnull(p);
	assert_param(&p->params[3], PARAM_POINTER, 8, false, "const struct pt_regs *regs");
	/* assembly: no DWARF, no prototype, not checked */
	ck_assert_ptr_null(image_function_prototype(img, "ftrace_caller"));
	ck_assert_ptr_null(image_function_prototype(img, "no_such_function"));
	image_free(img);

	img = load_image("arm", PATCHCHECK_GUEST_DIR "/arm/ftrace_arm.elf");
	p = image_function_prototype(img, "traced_add3");
	ck_assert_ptr_nonnull(p);
	assert_param(&p->params[1], PARAM_INTEGER, 4, true, "long b");
	image_free(img);
}
END_TEST

START_TEST(an_image_without_dwarf_has_no_prototypes)
{
	char copy[512];
	struct image *img;

	temp_file_name(copy, sizeof(copy), "stripped.elf");
	ck_assert_int_eq(sh("llvm-objcopy-14 --strip-debug %s %s", FTRACE_ARM64, copy), 0);
	img = load_image("arm64", copy);
	unlink(copy);
	ck_assert_ptr_null(image_function_prototype(img, "traced_add3"));
	image_free(img);
}
END_TEST

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *strict_input_suite(void)
{
	Suite *s = suite_create("strict_input");
	TCase *values = tcase_create("values");

	tcase_add_test(values, whole_number_parse_takes_only_the_whole_text);
	tcase_add_test(values, hex_and_plain_decimal_are_taken);
	tcase_add_loop_test(values, junk_in_a_value_is_an_error_at_its_position, 0,
			    COUNT(value_fixtures));
	tcase_add_loop_test(values, bad_value_names_line_and_column, 0, COUNT(value_errors));
	tcase_add_test(values, a_file_past_1_mib_is_an_error_where_it_crosses_the_limit);
	suite_add_tcase(s, values);

	TCase *image = tcase_create("image");
	tcase_set_timeout(image, 60);
	tcase_add_loop_test(image, a_value_the_image_contradicts_is_an_error_at_its_position, 0,
			    COUNT(image_fixtures));
	tcase_add_loop_test(image, a_call_its_prototype_contradicts_is_an_error_at_its_position, 0,
			    COUNT(prototype_fixtures));
	tcase_add_test(image, every_argument_that_fits_is_taken);
	tcase_add_test(image, a_call_of_the_scenarios_own_code_is_checked_too);
	suite_add_tcase(s, image);

	TCase *hash = tcase_create("image_hash");
	tcase_set_timeout(hash, 30);
	tcase_add_test(hash, the_image_hash_covers_code_and_symbols_not_debug_info_or_layout);
	tcase_add_test(hash, guest_images_name_no_path_of_the_checkout);
	suite_add_tcase(s, hash);

	TCase *protos = tcase_create("prototypes");
	tcase_add_test(protos, c_functions_have_their_prototype_and_assembly_none);
	tcase_add_test(protos, an_image_without_dwarf_has_no_prototypes);
	suite_add_tcase(s, protos);

	TCase *options = tcase_create("options");
	tcase_set_timeout(options, 60);
	tcase_add_loop_test(options, a_bad_numeric_option_names_itself_and_exits_2, 0,
			    COUNT(option_errors));
	tcase_add_test(options, numeric_options_take_decimal_and_hex);
	suite_add_tcase(s, options);
	return s;
}

int main(void)
{
	return run_check_suite(strict_input_suite());
}
