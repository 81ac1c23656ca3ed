/*
 * test_scenario.c - scenario_load: a file with every key loads to the expected struct, absent
 * keys take their defaults, and every class of bad input returns 2 with the exact one-line
 * "file:line:col: message". Fixtures live in tests/data/scenarios/; the call-syntax cases and a
 * few others are written to a temporary file from a one-hart template.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explorer.h"
#define TEST_LOADS_SCENARIOS
#include "test_support.h"

#define FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/scenarios/"

/* The error must be exactly "<path>:<where_what>" and the struct left zeroed. */
static void assert_error(int rc, const char *where_what)
{
	expect_load_error(rc, path, err, where_what);
	ck_assert_uint_eq(scn.nharts, 0);
	ck_assert_str_eq(scn.name, "");
}

static void assert_pos(struct src_pos pos, unsigned line, unsigned col)
{
	ck_assert_uint_eq(pos.line, line);
	ck_assert_uint_eq(pos.col, col);
}

static void assert_symbol_arg(const struct scn_arg *arg, const char *symbol, uint64_t offset)
{
	ck_assert(arg->is_symbol);
	ck_assert_str_eq(arg->symbol, symbol);
	ck_assert_uint_eq(arg->value, offset);
}

static void assert_int_arg(const struct scn_arg *arg, uint64_t value)
{
	ck_assert(!arg->is_symbol);
	ck_assert_str_eq(arg->symbol, "");
	ck_assert_uint_eq(arg->value, value);
}

static void assert_call(const struct scn_call *call, const char *func, unsigned nargs,
			unsigned line, unsigned col)
{
	ck_assert_str_eq(call->func, func);
	ck_assert_uint_eq(call->nargs, nargs);
	ck_assert_uint_eq(call->func_addr, 0);
	assert_pos(call->pos, line, col);
}

/* ---- valid files ---- */

START_TEST(every_key_loads_to_the_expected_struct)
{
	ck_assert_int_eq(load_fixture("ok_every_key.yaml"), 0);
	ck_assert_str_eq(scn.path, path);
	ck_assert_str_eq(scn.name, "arm64/nop-to-call-2-runners");
	ck_assert_str_eq(scn.description,
			 "Accepted arm64 design: mov x9,x30 written at init, only NOP <-> BL toggles.");
	ck_assert_str_eq(scn.arch, "arm64");
	ck_assert_str_eq(scn.image, "ftrace");
	assert_pos(scn.pos_image, 7, 8);

	ck_assert_uint_eq(scn.nsetup, 2);
	assert_call(&scn.setup[0], "ftrace_init_nop", 1, 9, 5);
	assert_symbol_arg(&scn.setup[0].args[0], "traced_add3", 0);
	assert_call(&scn.setup[1], "pc_set_callback", 1, 10, 5);
	assert_symbol_arg(&scn.setup[1].args[0], "record_regs", 0);

	ck_assert_uint_eq(scn.nharts, 3);
	const struct scn_hart *h = scn.harts;
	ck_assert_int_eq(h[0].role, ROLE_PATCHER);
	ck_assert_uint_eq(h[0].repeat, 1);
	assert_pos(h[0].pos, 12, 5);
	ck_assert_uint_eq(h[0].ncalls, 1);
	assert_call(&h[0].calls[0], "ftrace_make_call", 2, 12, 26);
	assert_symbol_arg(&h[0].calls[0].args[0], "traced_add3", 0);
	assert_symbol_arg(&h[0].calls[0].args[1], "ftrace_caller", 0);
	ck_assert(h[0].calls[0].has_expect);
	ck_assert_int_eq(h[0].calls[0].expect, -16);
	ck_assert(!h[1].calls[0].has_expect);

	ck_assert_int_eq(h[1].role, ROLE_RUNNER);
	ck_assert_uint_eq(h[1].repeat, 2);
	assert_pos(h[1].pos, 13, 5);
	ck_assert_uint_eq(h[1].ncalls, 1);
	assert_call(&h[1].calls[0], "traced_add3", 3, 13, 26);
	assert_int_arg(&h[1].calls[0].args[0], 1);
	assert_int_arg(&h[1].calls[0].args[1], 2);
	assert_int_arg(&h[1].calls[0].args[2], (uint64_t)-3);

	ck_assert_int_eq(h[2].role, ROLE_RUNNER);
	ck_assert_uint_eq(h[2].repeat, 1000);
	assert_pos(h[2].pos, 14, 5);
	ck_assert_uint_eq(h[2].ncalls, 3);
	assert_call(&h[2].calls[0], "traced_add3", 3, 15, 11);
	assert_int_arg(&h[2].calls[0].args[2], 6);
	assert_call(&h[2].calls[1], "traced_mix", 8, 15, 35);
	assert_int_arg(&h[2].calls[1].args[6], 7);
	assert_symbol_arg(&h[2].calls[1].args[7], "traced_add3", 4);
	assert_call(&h[2].calls[2], "nop_loop", 0, 15, 81);

	ck_assert_uint_eq(scn.nwatch, 2);
	ck_assert_str_eq(scn.watch[0], "ftrace_trace_function");
	ck_assert_str_eq(scn.watch[1], ".data.flag");
	ck_assert_uint_eq(scn.nredirects, 2);
	ck_assert_str_eq(scn.redirects[0].from, "traced_add3");
	ck_assert_str_eq(scn.redirects[0].to, "patched_add3");
	ck_assert_str_eq(scn.redirects[1].from, "traced_one");
	ck_assert_str_eq(scn.redirects[1].to, "traced_leaf");
	ck_assert_str_eq(scn.callback_sees, "kprobe");
	ck_assert(scn.callback_must_run);
	ck_assert_uint_eq(scn.nignore, 2);
	ck_assert_str_eq(scn.ignore[1], "regs-seen");
	ck_assert_uint_eq(scn.stack_args, 128);
	ck_assert_uint_eq(scn.nops, 2);
	ck_assert_str_eq(scn.ops[1], "my_ops");
	ck_assert_str_eq(scn.protocol, "stop-machine");
	ck_assert_str_eq(scn.fetch, "relaxed");
	ck_assert_uint_eq(scn.preemptions, 3);
	ck_assert_uint_eq(scn.steps_per_call, 5000);
	ck_assert_uint_eq(scn.max_executions, 100000);
	ck_assert_int_eq(scn.expect, VERDICT_FAIL);
	ck_assert_str_eq(scn.expect_invariant, "register-preservation");
	assert_pos(scn.pos_expect, 21, 9);
}
END_TEST

START_TEST(absent_keys_take_their_defaults)
{
	ck_assert_int_eq(load_fixture("ok_minimal.yaml"), 0);
	ck_assert_str_eq(scn.name, "minimal");
	ck_assert_str_eq(scn.description, "");
	ck_assert_str_eq(scn.arch, "riscv64");
	ck_assert_uint_eq(scn.nsetup, 0);
	ck_assert_uint_eq(scn.nharts, 1);
	ck_assert_int_eq(scn.harts[0].role, ROLE_RUNNER);
	ck_assert_uint_eq(scn.harts[0].repeat, 1);
	ck_assert_uint_eq(scn.harts[0].ncalls, 1);
	assert_call(&scn.harts[0].calls[0], "traced_add3", 3, 6, 10);
	ck_assert_uint_eq(scn.nwatch, 0);
	ck_assert_str_eq(scn.protocol, "single-word");
	ck_assert_str_eq(scn.fetch, "arch");
	ck_assert(!scn.preemptions_bounded); /* no bound: a complete search */
	ck_assert_uint_eq(scn.steps_per_call, 20000);
	ck_assert_uint_eq(scn.max_executions, 0);
	ck_assert_int_eq(scn.expect, VERDICT_PASS);
	ck_assert_str_eq(scn.expect_invariant, "");
	assert_pos(scn.pos_expect, 7, 9);
}
END_TEST

#define ONE_HART(run, rest) \
	"name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: \"" run "\"\n" rest

START_TEST(bounds_given_in_part_default_the_rest)
{
	ck_assert_int_eq(load_text(ONE_HART("f()", "expect: pass\nbounds: {preemptions: 0}\n")), 0);
	ck_assert_uint_eq(scn.preemptions, 0);
	ck_assert(scn.preemptions_bounded);
	ck_assert_uint_eq(scn.steps_per_call, 20000);
	ck_assert_uint_eq(scn.max_executions, 0);
}
END_TEST

START_TEST(call_syntax_tolerates_whitespace_and_takes_every_literal_form)
{
	ck_assert_int_eq(load_text(ONE_HART(" f ( a + 0x10 , -1 ,0x7fffffffffffffff, "
					    "18446744073709551615, -9223372036854775808, "
					    "_x.y, 0, .L1 + 3 ) ", "expect: pass\n")), 0);
	const struct scn_call *call = &scn.harts[0].calls[0];
	assert_call(call, "f", 8, 5, 10);
	assert_symbol_arg(&call->args[0], "a", 0x10);
	assert_int_arg(&call->args[1], UINT64_MAX);
	assert_int_arg(&call->args[2], 0x7fffffffffffffffull);
	assert_int_arg(&call->args[3], UINT64_MAX);
	assert_int_arg(&call->args[4], 0x8000000000000000ull);
	assert_symbol_arg(&call->args[5], "_x.y", 0);
	assert_int_arg(&call->args[6], 0);
	assert_symbol_arg(&call->args[7], ".L1", 3);
}
END_TEST

/* ---- bad input: the fixtures ---- */

struct fixture_error {
	const char *file;
	const char *where_what; /* "line:col: message" after "path:" */
};

static const struct fixture_error fixture_errors[] = {
	{ "bad_unknown_key.yaml", "13:3: unknown key 'max_interleaving'" },
	{ "bad_missing_arch.yaml", "1:1: missing required key 'arch'" },
	{ "bad_hart_missing_run.yaml", "6:5: missing required key 'run'" },
	{ "bad_call_empty_arg.yaml", "7:10: bad call 'traced_add3(1,,2)': empty argument" },
	{ "bad_expect_value.yaml", "20:9: expect must be 'pass' or 'fail', got 'passs'" },
	{ "bad_fails_with_unknown.yaml",
	  "7:13: fails_with 'regs' is not an invariant (one of: site-consistency, cmodx, "
	  "coherence, register-preservation, lr-at-entry, sp-at-entry, regs-seen, result, "
	  "body-once, termination, deadlock, guest-fault, patch-op, stack-alignment, stack-args, "
	  "literal-consistency, ipmodify, direct-call, graph-return, frame-chain, vacuous, "
	  "litmus-outcome, completion)" },
	{ "bad_covers_unknown.yaml", "6:20: covers[1] 'redirects' is not a coverage kind (one of: "
				     "call, callback, redirect, direct, parked-in-site)" },
	{ "bad_yaml_syntax.yaml", "7:1: YAML syntax error: found unexpected end of stream "
				  "(while scanning a quoted scalar started at 5:10)" },
	{ "bad_repeat_range.yaml",
	  "5:57: harts[0].repeat must be an integer from 1 to 1000, got '1001'" },
	{ "bad_repeat_type.yaml",
	  "7:13: harts[0].repeat must be an integer from 1 to 1000, got 'twice'" },
	{ "bad_watch_type.yaml", "6:8: watch must be a list, got 'ftrace_trace_function'" },
	{ "bad_too_many_harts.yaml", "5:3: harts must have 1 to 8 entries, got 9" },
	{ "bad_duplicate_key.yaml", "7:1: duplicate key 'arch'" },
};

START_TEST(bad_fixture_names_line_and_column)
{
	const struct fixture_error *c = &fixture_errors[_i];
	assert_error(load_fixture(c->file), c->where_what);
}
END_TEST

START_TEST(missing_file_names_the_file_and_the_reason)
{
	int rc = load_fixture("no_such_file.yaml");
	assert_error(rc, " cannot open: No such file or directory");
}
END_TEST

/* ---- bad input: written from text ---- */

struct text_error {
	const char *yaml;
	const char *where_what;
};

static const struct text_error call_errors[] = {
	{ ONE_HART("f(1,)", "expect: pass\n"), "5:10: bad call 'f(1,)': empty argument" },
	{ ONE_HART("f(,1)", "expect: pass\n"), "5:10: bad call 'f(,1)': empty argument" },
	{ ONE_HART("f(1 2)", "expect: pass\n"),
	  "5:10: bad call 'f(1 2)': expected ',' or ')' after argument 1" },
	{ ONE_HART("f(1", "expect: pass\n"), "5:10: bad call 'f(1': missing ')'" },
	{ ONE_HART("f(", "expect: pass\n"), "5:10: bad call 'f(': missing ')'" },
	{ ONE_HART("f", "expect: pass\n"), "5:10: bad call 'f': expected '(' after 'f'" },
	{ ONE_HART("(1)", "expect: pass\n"), "5:10: bad call '(1)': expected a function name" },
	{ ONE_HART("", "expect: pass\n"), "5:10: bad call '': expected a function name" },
	{ ONE_HART("f(1) g", "expect: pass\n"),
	  "5:10: bad call 'f(1) g': unexpected text after ')'" },
	{ ONE_HART("f(12x)", "expect: pass\n"), "5:10: bad call 'f(12x)': bad number '12x'" },
	{ ONE_HART("f(0x)", "expect: pass\n"), "5:10: bad call 'f(0x)': bad number '0x'" },
	{ ONE_HART("f(-)", "expect: pass\n"), "5:10: bad call 'f(-)': bad number '-'" },
	{ ONE_HART("f(010)", "expect: pass\n"), "5:10: bad call 'f(010)': octal literal '010' "
						"not supported (write decimal or 0x hex)" },
	{ ONE_HART("f(18446744073709551616)", "expect: pass\n"),
	  "5:10: bad call 'f(18446744073709551616)': number '18446744073709551616' out of "
	  "range" },
	{ ONE_HART("f(-9223372036854775809)", "expect: pass\n"),
	  "5:10: bad call 'f(-9223372036854775809)': number '-9223372036854775809' out of "
	  "range" },
	{ ONE_HART("f(sym+)", "expect: pass\n"),
	  "5:10: bad call 'f(sym+)': expected an offset after 'sym+'" },
	{ ONE_HART("f(sym-4)", "expect: pass\n"),
	  "5:10: bad call 'f(sym-4)': expected ',' or ')' after argument 1" },
	{ ONE_HART("f(@)", "expect: pass\n"), "5:10: bad call 'f(@)': unexpected '@' in an argument" },
	{ ONE_HART("f(x234567890123456789012345678901234567890123456789012345678901234)",
		   "expect: pass\n"),
	  "5:10: bad call 'f(x234567890123456789012345678901234567890123456789012345678901234)': "
	  "name 'x234567890123456789012345678901234567890...' longer than 63 characters" },
	{ ONE_HART("f(1,\\n,2)", "expect: pass\n"), "5:10: bad call 'f(1, ,2)': empty argument" },
	{ ONE_HART("f(1) ==", "expect: pass\n"), "5:10: bad call 'f(1) ==': expected a number after '=='" },
	{ ONE_HART("f(1) == x", "expect: pass\n"),
	  "5:10: bad call 'f(1) == x': expected a number after '=='" },
	{ ONE_HART("f(1) == 3 4", "expect: pass\n"),
	  "5:10: bad call 'f(1) == 3 4': unexpected text after ')'" },
};

START_TEST(bad_call_names_the_reason)
{
	assert_error(load_text(call_errors[_i].yaml), call_errors[_i].where_what);
}
END_TEST

static const struct text_error value_errors[] = {
	{ ONE_HART("f()", "expect: fail\n"),
	  "6:9: missing required key 'fails_with' (required when expect is 'fail')" },
	{ ONE_HART("f()", "expect: pass\nfails_with: result\n"),
	  "7:13: fails_with is only allowed with expect: fail" },
	{ "name: t\narch: x86\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n",
	  "2:7: arch must be one of 'arm64', 'riscv64', 'arm', got 'x86'" },
	{ ONE_HART("f()", "expect: pass\nprotocol: two-step\n"),
	  "7:11: protocol must be one of 'single-word', 'idealised-stop', "
	  "'idealised-stop-nonpreempt', 'stop-machine', 'staged', 'breakpoint', got 'two-step'" },
	{ ONE_HART("f()", "expect: pass\nfetch: weak\n"),
	  "7:8: fetch must be one of 'arch', 'coherent', 'relaxed', got 'weak'" },
	{ ONE_HART("f()", "expect: pass\nfetch: arch\ncache_type: [idc, pipt]\n"),
	  "8:19: cache_type[1] 'pipt' is not a cache type bit (one of: idc, dic)" },
	{ ONE_HART("f()", "expect: pass\nfetch: coherent\ncache_type: [dic]\n"),
	  "8:14: cache_type matters only under fetch: arch, and this scenario has fetch: "
	  "coherent" },
	{ ONE_HART("f()", "    complete: true\nexpect: pass\n"),
	  "6:5: harts[0].complete applies to a patcher: a runner completes no patch" },
	{ ONE_HART("f()", "    interrupt: {nmi: true}\nexpect: pass\n"),
	  "6:5: harts[0].interrupt needs handler: the function the interrupt runs" },
	{ ONE_HART("f()", "    interrupt: {handler: irq+4}\nexpect: pass\n"),
	  "6:26: harts[0].interrupt.handler 'irq+4' is not a symbol" },
	{ ONE_HART("f()", "    interrupt: {handler: irq, max: 9}\nexpect: pass\n"),
	  "6:36: harts[0].interrupt.max must be an integer from 1 to 8, got '9'" },
	{ ONE_HART("f()", "    interrupt: {handler: irq, nmi: maybe}\nexpect: pass\n"),
	  "6:36: harts[0].interrupt.nmi must be true or false, got 'maybe'" },
	{ ONE_HART("f()", "    role: patcher\nexpect: pass\nretire: [ftrace_caller]\n"),
	  "8:10: retire[0]: code is retired when a patcher with complete: true is done, and no "
	  "hart has it" },
	{ ONE_HART("f()", "    role: patcher\n    complete: true\nexpect: pass\n"
		   "retire: [ftrace caller]\n"),
	  "9:10: retire[0] 'ftrace caller' is not a symbol" },
	{ ONE_HART("f()", "    role: patchr\nexpect: pass\n"),
	  "6:11: harts[0].role must be 'runner' or 'patcher', got 'patchr'" },
	{ ONE_HART("f()", "    repeat: -2\nexpect: pass\n"),
	  "6:13: harts[0].repeat must be an integer from 1 to 1000, got '-2'" },
	{ ONE_HART("f()", "    repeat: 0\nexpect: pass\n"),
	  "6:13: harts[0].repeat must be an integer from 1 to 1000, got '0'" },
	{ ONE_HART("f()", "expect: pass\nbounds: {steps_per_call: 0}\n"),
	  "7:26: bounds.steps_per_call must be an integer from 1 to 10000000, got '0'" },
	{ ONE_HART("f()", "expect: pass\nbounds: {preemptions: [1]}\n"),
	  "7:23: bounds.preemptions must be an integer from 0 to 32, got a list" },
	{ ONE_HART("f()", "expect: pass\nredirects: [a b]\n"),
	  "7:13: redirects[0] must be 'from -> to', got 'a b'" },
	{ ONE_HART("f()", "expect: pass\nredirects: [a -> 1b]\n"),
	  "7:13: redirects[0] must name two symbols as 'from -> to', got 'a -> 1b'" },
	{ ONE_HART("f()", "expect: pass\ncallback_sees: uprobe\n"),
	  "7:16: callback_sees must be one of 'ftrace', 'ftrace-no-regs', 'kprobe', 'kprobe-brk', got 'uprobe'" },
	{ ONE_HART("f()", "expect: pass\nstack_args: 12\n"),
	  "7:13: stack_args must be a multiple of 8 (whole stack slots), got 12" },
	{ ONE_HART("f()", "expect: pass\nstack_args: 512\n"),
	  "7:13: stack_args must be an integer from 0 to 256, got '512'" },
	{ ONE_HART("f()", "expect: pass\nops: [9x]\n"), "7:7: ops[0] '9x' is not a symbol name" },
	{ ONE_HART("f()", "expect: pass\nwatch: [probe+x]\n"),
	  "7:9: watch[0] 'probe+x' is not a symbol or symbol+offset" },
	{ ONE_HART("f()", "expect: pass\nbounds: {max_executions: -1}\n"),
	  "7:26: bounds.max_executions must be an integer from 0 (no limit) to 1000000000, got '-1'" },
	{ ONE_HART("f()", "expect: {pass: 1}\n"), "6:9: expect must be a string, got a mapping" },
	{ ONE_HART("f()", "expect: pass\nwatch: [ok, \"not ok\"]\n"),
	  "7:13: watch[1] 'not ok' is not a symbol or symbol+offset" },
	{ ONE_HART("f()", "expect: pass\nsetup: [{f: 1}]\n"),
	  "7:9: setup[0] must be a string, got a mapping" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: {f: 1}\nexpect: pass\n",
	  "5:10: harts[0].run must be a call or a list of calls, got a mapping" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: []\nexpect: pass\n",
	  "5:10: harts[0].run must have 1 to 16 calls, got 0" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: [f(), [g()]]\nexpect: pass\n",
	  "5:16: harts[0].run[1] must be a call, got a list" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts: []\nexpect: pass\n",
	  "4:8: harts must have 1 to 8 entries, got 0" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts: [3]\nexpect: pass\n",
	  "4:9: harts[0] must be a mapping, got '3'" },
	{ ONE_HART("f()", "    runs: 2\nexpect: pass\n"), "6:5: unknown key 'runs'" },
	{ ONE_HART("f()", "expect: pass\nsite.x: 1\n"), "7:1: unknown key 'site.x'" },
	{ "name: \"\"\narch: arm64\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n",
	  "1:7: name must not be empty" },
	{ "name: \"a\\nb\"\narch: arm64\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n",
	  "1:7: name must be one line of printable text" },
	{ "name: t\narch: arm64\nimage: ../x\nharts: [{run: f()}]\nexpect: pass\n",
	  "3:8: image '../x' is not a bundled image name (letters, digits, '_', '-')" },
	{ "name: &n t\narch: arm64\nimage: *n\nharts: [{run: f()}]\nexpect: pass\n",
	  "3:8: YAML aliases are not supported" },
	{ ONE_HART("f()", "expect: pass\n---\nname: u\n"),
	  "7:1: a scenario file holds one YAML document" },
	{ "- name: t\n", "1:1: a scenario is a mapping of keys (name, arch, ...), got a list" },
	{ "# nothing\n", "1:1: empty file: a scenario is a mapping of keys (name, arch, ...)" },
	{ "name: t\n\tarch: arm64\n", "2:1: YAML syntax error: found a tab character that violates "
				      "indentation (while scanning a plain scalar started at 1:7)" },
};

START_TEST(bad_value_names_line_and_column)
{
	assert_error(load_text(value_errors[_i].yaml), value_errors[_i].where_what);
}
END_TEST

/* A string that would not fit its field is an error, never a truncation. */
START_TEST(too_long_strings_are_errors)
{
	char yaml[4096], name[200];

	memset(name, 'n', 128);
	name[128] = '\0';
	snprintf(yaml, sizeof(yaml), "name: %s\n%s", name,
		 "arch: arm64\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n");
	assert_error(load_text(yaml), "1:7: name is too long (128 characters, at most 127)");

	memset(name, 'n', 127);
	name[127] = '\0';
	snprintf(yaml, sizeof(yaml), "name: %s\n%s", name,
		 "arch: arm64\nimage: ftrace\nharts: [{run: f()}]\nexpect: pass\n");
	ck_assert_int_eq(load_text(yaml), 0);
	ck_assert_str_eq(scn.name, name);
}
END_TEST

/* "item, item, ..." n times into buf. */
static void repeat_item(char *buf, size_t size, const char *item, unsigned n)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s", i ? ", " : "", item);
	}
}

/* One more argument than a call holds, and one more entry than the struct has room for in
 * setup, a hart's run and watch. */
START_TEST(more_than_the_struct_holds_is_an_error)
{
	char yaml[4096], list[2048], expected[2600];

	repeat_item(list, sizeof(list), "7", SCN_MAX_ARGS + 1);
	snprintf(yaml, sizeof(yaml), ONE_HART("f(%s)", "expect: pass\n"), list);
	snprintf(expected, sizeof(expected), "5:10: bad call 'f(%s)': more than %d arguments",
		 list, SCN_MAX_ARGS);
	assert_error(load_text(yaml), expected);

	repeat_item(list, sizeof(list), "f()", SCN_MAX_SETUP + 1);
	snprintf(yaml, sizeof(yaml), ONE_HART("f()", "expect: pass\nsetup: [%s]\n"), list);
	snprintf(expected, sizeof(expected), "7:8: setup must have 0 to %d calls, got %d",
		 SCN_MAX_SETUP, SCN_MAX_SETUP + 1);
	assert_error(load_text(yaml), expected);

	repeat_item(list, sizeof(list), "f()", SCN_MAX_CALLS + 1);
	snprintf(yaml, sizeof(yaml),
		 "name: t\narch: arm64\nimage: ftrace\nharts:\n  - run: [%s]\nexpect: pass\n", list);
	snprintf(expected, sizeof(expected), "5:10: harts[0].run must have 1 to %d calls, got %d",
		 SCN_MAX_CALLS, SCN_MAX_CALLS + 1);
	assert_error(load_text(yaml), expected);

	repeat_item(list, sizeof(list), "sym", SCN_MAX_WATCH + 1);
	snprintf(yaml, sizeof(yaml), ONE_HART("f()", "expect: pass\nwatch: [%s]\n"), list);
	snprintf(expected, sizeof(expected), "7:8: watch must have 0 to %d symbols, got %d",
		 SCN_MAX_WATCH, SCN_MAX_WATCH + 1);
	assert_error(load_text(yaml), expected);
}
END_TEST

START_TEST(error_is_cut_to_the_buffer)
{
	char small[12];

	snprintf(path, sizeof(path), "%s", FIXTURES "no_such_file.yaml");
	ck_assert_int_eq(scenario_load(path, &scn, small, sizeof(small)), 2);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(strncmp(small, path, sizeof(small) - 1), 0);
}
END_TEST

START_TEST(invariant_names_are_known_and_others_not)
{
	size_t n = 0;

	while (invariant_names[n])
		ck_assert(invariant_known(invariant_names[n++]));
	ck_assert_uint_eq(n, 23);
	ck_assert_str_eq(invariant_names[0], "site-consistency");
	ck_assert_str_eq(invariant_names[17], "direct-call");
	ck_assert_str_eq(invariant_names[18], "graph-return");
	ck_assert_str_eq(invariant_names[19], "frame-chain");
	ck_assert_str_eq(invariant_names[20], "vacuous");
	ck_assert_str_eq(invariant_names[21], "litmus-outcome");
	ck_assert(!invariant_known("regs"));
	ck_assert(!invariant_known(""));
	ck_assert(!invariant_known("Site-consistency"));
}
END_TEST

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *valid = tcase_create("valid");
	TCase *bad = tcase_create("bad");

	tcase_add_test(valid, every_key_loads_to_the_expected_struct);
	tcase_add_test(valid, absent_keys_take_their_defaults);
	tcase_add_test(valid, bounds_given_in_part_default_the_rest);
	tcase_add_test(valid, call_syntax_tolerates_whitespace_and_takes_every_literal_form);
	tcase_add_test(valid, invariant_names_are_known_and_others_not);
	suite_add_tcase(s, valid);

	tcase_add_loop_test(bad, bad_fixture_names_line_and_column, 0, COUNT(fixture_errors));
	tcase_add_test(bad, missing_file_names_the_file_and_the_reason);
	tcase_add_loop_test(bad, bad_call_names_the_reason, 0, COUNT(call_errors));
	tcase_add_loop_test(bad, bad_value_names_line_and_column, 0, COUNT(value_errors));
	tcase_add_test(bad, too_long_strings_are_errors);
	tcase_add_test(bad, more_than_the_struct_holds_is_an_error);
	tcase_add_test(bad, error_is_cut_to_the_buffer);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_check_suite(scenario_suite());
}
