/*
 * test_litmus.c - litmus-style scenarios: the exists: condition (parsed, evaluated, its bad
 * forms reported at file:line:col), the loader's litmus keys, the outcomes and verdicts of
 * explored scenarios (Never, Sometimes, Always), `run --outcomes`, and the gate failing a
 * scenario whose outcome: is wrong.
 */
#include <string.h>
#include <unistd.h>

#include "explorer.h"

#define TEST_LOADS_SCENARIOS
#include "test_support.h"

#define TOOL PATCHCHECK_BINARY_DIR "/patchcheck"
#define FIXTURES PATCHCHECK_SOURCE_DIR "/tests/data/scenarios"

/* Store buffering on arm64 with the condition and the rest given. */
#define SB(rest)                                                                       \
	"name: t\narch: arm64\nimage: ftrace\nmemory: {x: 0, y: 0}\nharts:\n"           \
	"  - regs: {x1: x, x2: y}\n    asm: |\n      mov x3, #1\n      str x3, [x1]\n"  \
	"      ldr x0, [x2]\n"                                                             \
	"  - regs: {x1: x, x2: y}\n    asm: |\n      mov x3, #1\n      str x3, [x2]\n"  \
	"      ldr x0, [x1]\n"                                                             \
	"expect: pass\n" rest

/* ---- the condition ---- */

START_TEST(a_condition_parses_into_observables_and_nodes)
{
	uint64_t v[SCN_MAX_OBSERVE] = {0};

	ck_assert_int_eq(load_text(SB("exists: '0:x0=0 /\\ (1:x0=1 \\/ ~[y]=-1)'\n"
				      "observe: [x, 0:x0]\n")), 0);
	const struct litmus_spec *l = &scn.litmus;
	ck_assert(l->has_exists);
	ck_assert_uint_eq(l->nobserve, 4); /* 0:x0, 1:x0, y, then x (0:x0 is there already) */
	ck_assert_int_eq(l->observe[0].hart, 0);
	ck_assert_uint_eq(l->observe[0].index, 0);
	ck_assert_int_eq(l->observe[1].hart, 1);
	ck_assert_int_eq(l->observe[2].hart, -1);
	ck_assert_uint_eq(l->observe[2].index, 1);
	ck_assert_int_eq(l->observe[3].hart, -1);
	ck_assert_uint_eq(l->observe[3].index, 0);
	/* -1 at y's width (8 bytes on arm64) */
	v[0] = 0, v[1] = 0, v[2] = UINT64_MAX;
	ck_assert(!litmus_cond_holds(l, v));   /* 1:x0 is 0 and y is -1 */
	v[2] = 5;
	ck_assert(litmus_cond_holds(l, v));    /* y is not -1 */
	v[1] = 1, v[2] = UINT64_MAX;
	ck_assert(litmus_cond_holds(l, v));    /* 1:x0 is 1 */
	v[0] = 7;
	ck_assert(!litmus_cond_holds(l, v));   /* 0:x0 is not 0 */
	ck_assert_str_eq(scn.harts[0].calls[0].func, "litmus_hart0");
	ck_assert_int_eq(scn.harts[1].role, ROLE_LITMUS);
	ck_assert_uint_eq(scn.harts[1].ninit, 2);
	ck_assert(scn.harts[1].init[0].is_symbol);
	ck_assert_str_eq(scn.harts[1].init[1].symbol, "y");
	ck_assert_str_eq(scn.harts[0].asm_text, "mov x3, #1\nstr x3, [x1]\nldr x0, [x2]\n");
	ck_assert_uint_eq(scn.harts[0].pos_asm.line, 8);
	ck_assert_uint_eq(scn.harts[0].pos_asm.col, 7);
}
END_TEST

START_TEST(and_binds_tighter_than_or)
{
	uint64_t v[SCN_MAX_OBSERVE] = {0};

	ck_assert_int_eq(load_text(SB("exists: '0:x0=1 \\/ 1:x0=1 /\\ 0:x0=2'\n")), 0);
	v[0] = 1; /* 0:x0=1 alone: true as a \/ (b /\ c), false as (a \/ b) /\ c */
	ck_assert(litmus_cond_holds(&scn.litmus, v));
	v[0] = 2; /* 0:x0=2, 1:x0=0: false either way */
	ck_assert(!litmus_cond_holds(&scn.litmus, v));
}
END_TEST

START_TEST(memory_words_take_a_size_and_an_initial_value)
{
	ck_assert_int_eq(load_text(SB("memory2: 0\n")), 2); /* unknown keys stay errors */
	ck_assert_int_eq(load_text("name: t\narch: arm\nimage: ftrace_arm\n"
				   "memory: {x: -1, y: {value: 0x80, size: 1}}\n"
				   "harts:\n  - asm: nop\nexpect: pass\n"), 0);
	ck_assert_uint_eq(scn.litmus.nlocations, 2);
	ck_assert_uint_eq(scn.litmus.locations[0].size, 4); /* arm's word */
	ck_assert_uint_eq(scn.litmus.locations[0].value, 0xffffffffu);
	ck_assert_uint_eq(scn.litmus.locations[1].size, 1);
	ck_assert_uint_eq(scn.litmus.locations[1].value, 0x80);
	ck_assert(scenario_has_litmus_code(&scn));
}
END_TEST

struct bad_litmus {
	const char *yaml_rest;  /* after SB's text */
	const char *where_what; /* "line:col: message" after the path */
};

static const struct bad_litmus bad_conditions[] = {
	{ "exists: '0:x0=1 /\\'\n",
	  "17:19: exists: expected an atom (H:reg=V or loc=V), got ''" },
	{ "exists: '0:x99=1'\n", "17:12: exists: 'x99' is not a register of this arch" },
	{ "exists: '2:x0=1'\n", "17:10: exists: hart 2 does not exist" },
	{ "exists: 'z=1'\n", "17:10: exists: 'z' is not a location of memory:" },
	{ "exists: '(0:x0=1'\n", "17:10: exists: expected ')' to close the '(' here" },
	{ "exists: '0:x0=1 1:x0=0'\n",
	  "17:17: exists: unexpected '1:x0=0' (an operator /\\ or \\/ expected)" },
	{ "exists: '0:x0=one'\n", "17:15: exists: expected a whole number, got 'one'" },
	{ "exists: 0:x0 1\n", "17:14: exists: expected '=', got '1'" },
	{ "exists: ''\n", "17:10: exists: the condition is empty" },
	{ "exists: |\n  0:x0=0 /\\\n  1:x0=0x\n",
	  "19:8: exists: expected a whole number, got '0x'" },
	{ "observe: [x, '1:pc', 'y z']\n",
	  "17:25: observe[2]: unexpected 'z' after the value named (H:reg or loc)" },
	{ "outcome: never\n", "17:10: outcome: is the verdict of exists:, which this scenario "
			      "does not have" },
	{ "exists: 'x=1'\noutcome: maybe\n",
	  "18:10: outcome must be one of 'never', 'sometimes', 'always', got 'maybe'" },
	{ "exists: 'x=1'\nbounds: {preemptions: 2}\n",
	  "18:23: a scenario with exists: or observe: needs every execution: no "
	  "bounds.preemptions" },
};

START_TEST(a_bad_condition_names_line_and_column)
{
	const struct bad_litmus *c = &bad_conditions[_i];
	char yaml[2048];

	snprintf(yaml, sizeof(yaml), SB("%s"), c->yaml_rest);
	expect_load_error(load_text(yaml), path, err, c->where_what);
}
END_TEST

static const struct bad_litmus bad_keys[] = {
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - {asm: nop, run: f()}\nexpect: pass\n",
	  "5:16: harts[0] runs its asm: code; it takes neither run: nor role:" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - {asm: nop, regs: {sp: 0}}\n"
	  "expect: pass\n",
	  "5:23: 'sp' is not a register a hart's code can start with on arm64 (not pc, sp, the "
	  "link register or a fixed one)" },
	{ "name: t\narch: riscv64\nimage: ftrace8\nharts:\n  - {asm: nop, regs: {a0: 1x}}\n"
	  "expect: pass\n",
	  "5:27: harts[0].regs.a0 must be a whole number that fits a register or a symbol, got '1x'" },
	{ "name: t\narch: arm64\nimage: ftrace\nharts:\n  - {run: f(), regs: {x0: 1}}\n"
	  "expect: pass\n",
	  "5:16: harts[0].regs sets the registers of asm: code; this hart runs calls" },
	{ "name: t\narch: arm64\nimage: ftrace\nmemory: {x: {value: 1, size: 3}}\n"
	  "harts:\n  - {asm: nop}\nexpect: pass\n",
	  "4:30: memory.x.size must be 1, 2, 4 or 8, got '3'" },
	{ "name: t\narch: arm\nimage: ftrace_arm\nmemory: {x: 0x100000000}\n"
	  "harts:\n  - {asm: nop}\nexpect: pass\n",
	  "4:13: memory.x must be a whole number that fits 4 bytes, got '0x100000000'" },
	{ "name: t\narch: arm64\nimage: ftrace\nmemory: [x]\nharts:\n  - {asm: nop}\n"
	  "expect: pass\n",
	  "4:9: memory must be a mapping of locations (x: 0), got a list" },
};

START_TEST(a_bad_litmus_key_names_line_and_column)
{
	const struct bad_litmus *c = &bad_keys[_i];

	expect_load_error(load_text(c->yaml_rest), path, err, c->where_what);
}
END_TEST

/* ---- outcomes and verdicts ---- */

static void explore_text(const char *yaml, struct scenario_result *res)
{
	ck_assert_msg(load_text(yaml) == 0, "%s", err);
	explore_scenario(&scn, res);
}

/* The outcome whose text is want, or NULL. */
static const struct litmus_outcome *outcome_named(const struct scenario_result *res,
						  const char *want)
{
	char text[256];

	for (unsigned i = 0; i < res->outcomes.n; i++) {
		litmus_outcome_text(&scn, &res->outcomes.o[i], text, sizeof(text));
		if (strcmp(text, want) == 0)
			return &res->outcomes.o[i];
	}
	return NULL;
}

START_TEST(store_buffering_reaches_three_outcomes_and_never_both_zero)
{
	struct scenario_result res;

	explore_text(SB("exists: '0:x0=0 /\\ 1:x0=0'\noutcome: never\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert(res.stats.complete);
	ck_assert_uint_eq(res.outcomes.n, 3);
	ck_assert_ptr_nonnull(outcome_named(&res, "0:x0=0 1:x0=1"));
	ck_assert_ptr_nonnull(outcome_named(&res, "0:x0=1 1:x0=0"));
	ck_assert_ptr_nonnull(outcome_named(&res, "0:x0=1 1:x0=1"));
	ck_assert_uint_eq(res.outcomes.executions, res.stats.executions);
	ck_assert_uint_eq(res.outcomes.holding, 0);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_NEVER);
	scenario_result_free(&res);
}
END_TEST

START_TEST(a_condition_some_executions_meet_is_sometimes)
{
	struct scenario_result res;
	const struct litmus_outcome *both;

	explore_text(SB("exists: '0:x0=1 /\\ 1:x0=1'\noutcome: sometimes\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_SOMETIMES);
	both = outcome_named(&res, "0:x0=1 1:x0=1");
	ck_assert_ptr_nonnull(both);
	ck_assert(both->holds);
	ck_assert_uint_eq(res.outcomes.holding, both->executions);
	ck_assert_uint_lt(res.outcomes.holding, res.outcomes.executions);
	scenario_result_free(&res);
}
END_TEST

START_TEST(a_condition_every_execution_meets_is_always)
{
	struct scenario_result res;

	/* the memory both harts stored 1 to, and at least one of them saw the other's store */
	explore_text(SB("exists: 'x=1 /\\ y=1 /\\ (0:x0=1 \\/ 1:x0=1)'\noutcome: always\n"),
		     &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_ALWAYS);
	ck_assert_uint_eq(res.outcomes.holding, res.outcomes.executions);
	ck_assert_ptr_nonnull(outcome_named(&res, "x=1 y=1 0:x0=0 1:x0=1"));
	scenario_result_free(&res);
}
END_TEST

START_TEST(a_wrong_outcome_fails_as_litmus_outcome)
{
	struct scenario_result res;

	explore_text(SB("exists: '0:x0=0 /\\ 1:x0=0'\noutcome: sometimes\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_ptr_nonnull(res.failure);
	ck_assert_str_eq(res.failure->invariant, "litmus-outcome");
	ck_assert_str_eq(res.failure->expected, "sometimes");
	ck_assert_ptr_nonnull(strstr(res.failure->actual, "never (0 of "));
	ck_assert_ptr_nonnull(strstr(res.failure->message, "0:x0=1 1:x0=1 (1)"));
	ck_assert(!scenario_result_matches(&scn, &res));
	scenario_result_free(&res);
}
END_TEST

START_TEST(initial_registers_and_memory_reach_the_harts)
{
	struct scenario_result res;

	/* hart 0 adds its initial x4 to the initial word x and stores it back; hart 1 reads
	 * the initial halfword h alone */
	explore_text("name: t\narch: arm64\nimage: ftrace\n"
		     "memory: {x: 40, h: {value: -2, size: 2}}\nharts:\n"
		     "  - regs: {x1: x, x4: 2}\n    asm: |\n      ldr x0, [x1]\n"
		     "      add x0, x0, x4\n      str x0, [x1]\n"
		     "  - regs: {x1: h}\n    asm: |\n      ldrh w0, [x1]\n"
		     "exists: 'x=42 /\\ 0:x0=42 /\\ 1:x0=0xfffe /\\ h=-2'\noutcome: always\n"
		     "expect: pass\n", &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s",
		      res.failure ? res.failure->message : "");
	ck_assert_uint_eq(res.outcomes.n, 1);
	scenario_result_free(&res);
}
END_TEST

START_TEST(observe_alone_records_outcomes_without_a_verdict)
{
	struct scenario_result res;

	explore_text(SB("observe: [x, '1:x0']\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert(!scn.litmus.has_exists);
	ck_assert_uint_eq(res.outcomes.n, 2); /* x is 1 at the end; hart 1 saw 0 or 1 */
	ck_assert_ptr_nonnull(outcome_named(&res, "x=1 1:x0=0"));
	ck_assert_ptr_nonnull(outcome_named(&res, "x=1 1:x0=1"));
	ck_assert_uint_eq(res.outcomes.holding, 0);
	scenario_result_free(&res);
}
END_TEST

/* Explores the bundled scenario scenarios/litmus/<name> into res. */
static void explore_bundled(const char *name, struct scenario_result *res)
{
	snprintf(path, sizeof(path), "%s/scenarios/litmus/%s", PATCHCHECK_SOURCE_DIR, name);
	ck_assert_msg(scenario_load(path, &scn, err, sizeof(err)) == 0, "%s", err);
	explore_scenario(&scn, res);
}

/* The two-hart instruction-fetch suite: hart 0 rewrites `b 1f` in hart 1's code as NOP with
 * the whole Arm maintenance sequence, then sets a flag. With hart 1's ISB after the flag it
 * can only run the new word; without it, it may still run the old one. Both verdicts must
 * hold, so the suite keeps telling the two apart. */
START_TEST(the_reader_isb_decides_whether_an_old_instruction_runs_after_the_flag)
{
	struct scenario_result res;
	const struct litmus_outcome *old, *new;

	explore_bundled("arm64-ifetch-isb.yaml", &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_NEVER);
	ck_assert_uint_eq(res.outcomes.n, 1);
	ck_assert_ptr_nonnull(outcome_named(&res, "1:x0=2"));
	scenario_result_free(&res);

	explore_bundled("arm64-ifetch-noisb.yaml", &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_SOMETIMES);
	old = outcome_named(&res, "1:x0=1");
	new = outcome_named(&res, "1:x0=2");
	ck_assert_ptr_nonnull(old);
	ck_assert_ptr_nonnull(new);
	ck_assert(old->holds);
	ck_assert(!new->holds);
	scenario_result_free(&res);
}
END_TEST

/* The same rewrite of a `mov` outside the concurrently modifiable set: seen through the flag
 * before the writer's maintenance made it visible to the reader's fetch, it is coherence;
 * with nothing ordering the two harts, cmodx; with the whole sequence and the ISB, neither. */
START_TEST(a_write_seen_through_memory_but_not_fetched_is_coherence_a_concurrent_one_cmodx)
{
	struct scenario_result res;

	explore_bundled("arm64-ifetch-mov-noic-flag.yaml", &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_ptr_nonnull(res.failure);
	ck_assert_str_eq(res.failure->invariant, "coherence");
	ck_assert_int_eq(res.failure->hart, 1);
	ck_assert_ptr_nonnull(strstr(res.failure->expected, "d2800040 (movz x0, #0x2) or newer, "
							    "written by hart 0"));
	ck_assert_str_eq(res.failure->actual, "may still fetch d2800020 (movz x0, #0x1)");
	scenario_result_free(&res);

	explore_bundled("arm64-ifetch-mov-concurrent.yaml", &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_ptr_nonnull(res.failure);
	ck_assert_str_eq(res.failure->invariant, "cmodx");
	scenario_result_free(&res);

	explore_bundled("arm64-ifetch-mov-isb.yaml", &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	scenario_result_free(&res);

	explore_bundled("arm64-smc-nosync.yaml", &res); /* the hart's own write: program order */
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "coherence");
	ck_assert_ptr_nonnull(strstr(res.failure->expected, "written by this hart"));
	scenario_result_free(&res);
}
END_TEST

/* ---- the command line ---- */

/* An exclusive section runs without a schedule point inside: two harts' LL/SC increments give
 * one execution per order (with a point between load- and store-exclusive there are four). */
START_TEST(an_exclusive_section_is_one_transition_on_every_arch)
{
	static const char *const names[] = {"arm64-exclusive-add", "riscv64-exclusive-add",
					    "arm-exclusive-add"};

	for (unsigned i = 0; i < 3; i++) {
		struct scenario s;
		struct scenario_result res;

		load_bundled_scenario(&s, "litmus", names[i]);
		ck_assert_int_eq(explorer_run(&s, &(struct explore_options){0}, &res), 0);
		ck_assert_msg(res.verdict == VERDICT_PASS, "%s: verdict %d", names[i], res.verdict);
		ck_assert(res.stats.complete);
		ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_ALWAYS);
		ck_assert_msg(res.stats.executions == 2, "%s: %lu executions", names[i],
			      (unsigned long)res.stats.executions);
		ck_assert_uint_eq(res.outcomes.n, 2);
		scenario_result_free(&res);
	}
}
END_TEST

/* A wait loop: the iteration that read the unset flag again is erased, so the search has two
 * executions (the first load sees the flag or not), not three; and the one where the first
 * load missed the flag and the hart waited for the store is dropped (spin.c): its reversal,
 * where the load reads the flag, ends the same. */
START_TEST(a_spin_iteration_that_changed_nothing_is_no_new_execution)
{
	struct scenario s;
	struct scenario_result res;

	load_bundled_scenario(&s, "litmus", "arm64-spin-wait");
	ck_assert_int_eq(explorer_run(&s, &(struct explore_options){.keep_dropped_executions = true},
				      &res), 0);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert(res.stats.complete);
	ck_assert_uint_eq(res.stats.executions, 2);
	ck_assert_uint_eq(res.stats.distinct_traces, 2);
	scenario_result_free(&res);
	ck_assert_int_eq(explorer_run(&s, &(struct explore_options){0}, &res), 0);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert(res.stats.complete);
	ck_assert_uint_eq(res.stats.executions, 1);
	scenario_result_free(&res);
}
END_TEST

START_TEST(run_outcomes_prints_each_outcome_with_its_count_and_the_verdict)
{
	ck_assert_int_eq(sh("%s run --no-db --outcomes %s/litmus_sb_sometimes.yaml", TOOL,
			    FIXTURES), 0);
	expect_in_output("ok   tests/litmus-sb-sometimes");
	expect_in_output("     outcomes (search complete: every reachable final state, "
			 "3 executions):\n"
			 "            1   0:x0=0 1:x0=1\n"
			 "            1   0:x0=1 1:x0=0\n"
			 "            1 * 0:x0=1 1:x0=1\n"
			 "     exists (0:x0=1 /\\ 1:x0=1): Sometimes (1 of 3 executions), "
			 "expected Sometimes\n");
	/* an execution limit: the outcomes of a sample, and the output says so */
	ck_assert_int_eq(sh("%s run --no-db --outcomes --max-executions 2 "
			    "%s/litmus_sb_sometimes.yaml", TOOL, FIXTURES), 1);
	expect_in_output("     outcomes (search incomplete: only the outcomes of the executions "
			 "explored, 2 executions):\n");
	/* without --outcomes, the result line alone */
	ck_assert_int_eq(sh("%s run --no-db %s/litmus_sb_sometimes.yaml", TOOL, FIXTURES), 0);
	ck_assert_ptr_null(strstr(output, "outcomes ("));
}
END_TEST

START_TEST(the_gate_fails_a_wrong_outcome_naming_the_invariant)
{
	ck_assert_int_eq(sh("%s gate --no-db %s/litmus_wrong_outcome.yaml", TOOL, FIXTURES), 1);
	expect_in_output("FAIL tests/litmus-wrong-outcome");
	expect_in_output("expected pass, got fail:litmus-outcome");
	expect_in_output("litmus-outcome: hart 0 step 0 at the end of the search: exists (0:x0=0 "
			 "/\\ 1:x0=0): expected always, actual never (0 of 3 executions); outcomes "
			 "seen: 0:x0=0 1:x0=1 (1); 0:x0=1 1:x0=1 (1); 0:x0=1 1:x0=0 (1)");
}
END_TEST

/* --data-memory arch explores a scenario written for sequentially consistent memory under the
 * weak model; its failure's schedule carries the data choice, the database remembers the
 * model for the replay, and the file replays only with the option given again. */
START_TEST(the_data_memory_option_explores_under_the_weak_model_and_its_failures_replay)
{
	char db[4096];

	ck_assert_int_eq(sh("%s run --no-db %s/mp_fault_sc.yaml", TOOL, FIXTURES), 0);
	temp_file_name(db, sizeof(db), "dm.db");
	unlink(db);
	ck_assert_int_eq(sh("%s gate --db %s --data-memory arch %s/mp_fault_sc.yaml", TOOL, db,
			    FIXTURES), 1);
	expect_in_output("expected pass, got fail:guest-fault");
	expect_in_output("schedule 00011.11 (0 preemptions)");
	expect_in_output("replay without the database: patchcheck replay --data-memory arch ");
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 0);
	expect_in_output("reproduced: the same invariant");
	ck_assert_int_eq(sh("%s replay --data-memory arch %s/mp_fault_sc.yaml --schedule 00011.11",
			    TOOL, FIXTURES), 0);
	ck_assert_int_eq(sh("%s replay %s/mp_fault_sc.yaml --schedule 00011.11", TOOL, FIXTURES), 2);
	expect_in_output("has 1 choice of a value to load or a place to store, not 2");
	ck_assert_int_eq(sh("%s run --no-db --data-memory weak %s/mp_fault_sc.yaml", TOOL,
			    FIXTURES), 2);
	expect_in_output("patchcheck run: --data-memory wants sc or arch, got 'weak'");
	unlink(db);
}
END_TEST

/* --stop-machine guest: the idealised stop of a *_stopped function becomes Linux's, with IPIs
 * and multi_cpu_stop: the same failure, found later in a longer execution (the stopper's code
 * runs on both harts), which the database replays under the same option and the file replays
 * only with it given again. */
START_TEST(the_stop_machine_option_runs_linux_protocol_and_its_failures_replay)
{
	char db[4096];

	ck_assert_int_eq(sh("%s run --no-db %s/stop_two_harts.yaml", TOOL, FIXTURES), 0);
	expect_in_output("fail:site-consistency              3 executions");
	temp_file_name(db, sizeof(db), "sm.db");
	unlink(db);
	ck_assert_int_eq(sh("%s gate -v --db %s --stop-machine guest %s/stop_two_harts.yaml", TOOL,
			    db, FIXTURES), 0);
	expect_in_output("fail:site-consistency             68 executions");
	expect_in_output("replay without the database: patchcheck replay --stop-machine guest ");
	ck_assert_int_eq(sh("%s replay --db %s 1", TOOL, db), 0);
	expect_in_output("reproduced: the same invariant");
	ck_assert_int_eq(sh("%s replay --db %s --stop-machine idealised 1", TOOL, db), 2);
	expect_in_output("does not fit scenario fixtures/stop-two-harts");
	ck_assert_int_eq(sh("%s run --no-db --stop-machine real %s/stop_two_harts.yaml", TOOL,
			    FIXTURES), 2);
	expect_in_output("patchcheck run: --stop-machine wants guest or idealised, got 'real'");
	unlink(db);
}
END_TEST

START_TEST(an_asm_error_points_into_the_scenario_file)
{
	char yaml[2048];

	snprintf(yaml, sizeof(yaml), "%s", SB("exists: 'x=1'\n"));
	memcpy(strstr(yaml, "ldr x0, [x1]"), "ldz", 3);
	write_temp_file(path, sizeof(path), yaml, strlen(yaml));
	ck_assert_int_eq(sh("%s run --no-db %s", TOOL, path), 2);
	unlink(path);
	/* line 15, column 7: where ldz is in the file (hart 1's load), as the assembler says */
	expect_in_output(":15:7: error: unrecognized instruction mnemonic");
	ck_assert_ptr_nonnull(strstr(output, path));
}
END_TEST

/* arm inline code takes the instruction set of the image: T32 in ftrace_thumb (cbz exists
 * only there), A32 in ftrace_arm, where the assembler refuses it. */
START_TEST(arm_inline_code_follows_the_image_instruction_set)
{
	static const char thumb[] =
		"name: t\narch: arm\nimage: %s\nharts:\n  - asm: |\n      movs r0, #0\n"
		"      cbz r0, 1f\n      movs r0, #5\n      1:\n      adds r0, #2\n"
		"exists: '0:r0=2'\noutcome: always\nexpect: pass\n";
	struct scenario_result res;
	char yaml[512];

	snprintf(yaml, sizeof(yaml), thumb, "ftrace_thumb");
	explore_text(yaml, &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_ALWAYS);
	scenario_result_free(&res);
	snprintf(yaml, sizeof(yaml), thumb, "ftrace_arm");
	write_temp_file(path, sizeof(path), yaml, strlen(yaml));
	ck_assert_int_eq(sh("%s run --no-db %s", TOOL, path), 2);
	unlink(path);
	expect_in_output(":7:7: error: instruction requires: thumb");
}
END_TEST

/* ---- the weak data model (data_memory: arch) ---- */

START_TEST(the_weak_data_model_reaches_store_buffering_and_a_full_barrier_forbids_it)
{
	struct scenario_result res;
	char yaml[2048];

	/* without barriers: both loads may read 0 (four outcomes) */
	explore_text(SB("data_memory: arch\nexists: '0:x0=0 /\\ 1:x0=0'\noutcome: sometimes\n"),
		     &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	ck_assert_uint_eq(res.outcomes.n, 4);
	ck_assert_ptr_nonnull(outcome_named(&res, "0:x0=0 1:x0=0"));
	ck_assert_uint_eq(res.stats.executions, 12);
	scenario_result_free(&res);
	/* a DMB ISH between each store and load: never both 0 again */
	snprintf(yaml, sizeof(yaml), "%s",
		 SB("data_memory: arch\nexists: '0:x0=0 /\\ 1:x0=0'\noutcome: never\n"));
	for (char *p = yaml; (p = strstr(p, "      ldr")) != NULL; p += 30) {
		memmove(p + 14, p, strlen(p) + 1);
		memcpy(p, "      dmb ish\n", 14);
	}
	explore_text(yaml, &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert_uint_eq(res.outcomes.n, 3);
	ck_assert_ptr_null(outcome_named(&res, "0:x0=0 1:x0=0"));
	scenario_result_free(&res);
}
END_TEST

/* Message passing whose reader stops at a breakpoint when it sees the flag and not the data:
 * a failure under the weak model only, with a schedule that names the stale load's choice and
 * replays to the same failure. */
#define MP_TRAP(model)                                                                  \
	"name: t\narch: riscv64\nimage: ftrace8\n" model "memory: {x: 0, y: 0}\nharts:\n"   \
	"  - regs: {a1: x, a2: y}\n    asm: |\n      li t0, 1\n      sd t0, 0(a1)\n"       \
	"      sd t0, 0(a2)\n"                                                              \
	"  - regs: {a1: x, a2: y}\n    asm: |\n      ld a0, 0(a2)\n      beqz a0, 1f\n"    \
	"      ld a3, 0(a1)\n      bnez a3, 1f\n      ebreak\n      1:\n"                   \
	"expect: pass\n"

START_TEST(a_stale_load_is_a_choice_of_the_schedule_and_replays)
{
	struct scenario_result res, again;
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	explore_text(MP_TRAP("data_memory: sc\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_PASS);
	scenario_result_free(&res);
	explore_text(MP_TRAP("data_memory: arch\n"), &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "guest-fault");
	ck_assert_msg(strchr(res.failure->schedule, '.'), "%s", res.failure->schedule);
	ck_assert_int_eq(explorer_replay(&scn, &opt, res.failure->schedule, &again), 0);
	ck_assert_ptr_nonnull(again.failure);
	ck_assert_str_eq(again.failure->message, res.failure->message);
	scenario_result_free(&again);
	/* a choice the load does not have is refused */
	char bad[sizeof(res.failure->schedule)];
	snprintf(bad, sizeof(bad), "%s", res.failure->schedule);
	*(strchr(bad, '.') + 1) = 'z';
	ck_assert_int_eq(explorer_replay(&scn, &opt, bad, &again), 2);
	ck_assert_ptr_nonnull(strstr(again.error, "choices of a value to load"));
	scenario_result_free(&again);
	scenario_result_free(&res);
}
END_TEST

/* Each hart stores to its own word, which no other hart touches: its stores take the lowest
 * place they may, and the weak model runs no more executions than sequential consistency. */
#define PRIVATE(model)                                                                   \
	"name: t\narch: arm64\nimage: ftrace\n" model "memory: {x: 0, y: 0}\nharts:\n"      \
	"  - regs: {x1: x}\n    asm: |\n      mov x3, #1\n      str x3, [x1]\n"            \
	"      str x3, [x1]\n      str x3, [x1]\n      ldr x0, [x1]\n"                        \
	"  - regs: {x1: y}\n    asm: |\n      mov x3, #2\n      str x3, [x1]\n"            \
	"      str x3, [x1]\n      ldr x0, [x1]\n"                                            \
	"exists: '0:x0=1 /\\ 1:x0=2'\noutcome: always\nexpect: pass\n"

START_TEST(stores_to_words_no_other_hart_touches_are_no_choice)
{
	struct scenario_result sc, weak;

	explore_text(PRIVATE("data_memory: sc\n"), &sc);
	explore_text(PRIVATE("data_memory: arch\n"), &weak);
	ck_assert_int_eq(weak.verdict, VERDICT_PASS);
	ck_assert_uint_eq(weak.stats.executions, sc.stats.executions);
	scenario_result_free(&sc);
	scenario_result_free(&weak);
}
END_TEST

/* Message passing with fences, where the reader spills the flag to its stack and reloads it
 * before the address dependency: the dependency goes through the spill (RVWMO preserved
 * program order rule 12; Arm's (addr | data); rfi), so the stale data stays out of reach. */
START_TEST(a_dependency_through_the_stack_orders_the_load)
{
	struct scenario_result res;

	explore_text("name: t\narch: riscv64\nimage: ftrace8\ndata_memory: arch\n"
		     "memory: {x: 0, y: 0}\nharts:\n"
		     "  - regs: {a1: x, a2: y}\n    asm: |\n      li t0, 1\n      sd t0, 0(a1)\n"
		     "      fence w, w\n      sd t0, 0(a2)\n"
		     "  - regs: {a1: x, a2: y}\n    asm: |\n      ld a0, 0(a2)\n"
		     "      addi sp, sp, -16\n      sd a0, 0(sp)\n      ld a5, 0(sp)\n"
		     "      addi sp, sp, 16\n      xor a4, a5, a5\n      add a4, a4, a1\n"
		     "      ld a3, 0(a4)\n"
		     "exists: '1:a0=1 /\\ 1:a3=0'\noutcome: never\nexpect: pass\n", &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert(res.stats.complete);
	scenario_result_free(&res);
}
END_TEST

/* tests/data/weak: each is Never under the architecture. They cover what a decoder or the
 * model could let through: a flag in the reader's own stack stored by the other hart, a
 * release/acquire pair on a harness (pc_*) word, dependencies through LDADD, SWP, CAS (with
 * ISB), CASPA, LDAPR and a SIMD register, and CoRR after a load that spans two words. */
START_TEST(relaxed_outcomes_the_architecture_forbids_are_never_reached)
{
	static const char *const files[] = {
		"stackmp", "pcmp", "ldadd-addr", "swp-addr", "cas-ctrl-isb", "casp",
		"ldapr-addr", "a64fp", "corr-span",
	};

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct scenario_result res;

		snprintf(path, sizeof(path), "%s/tests/data/weak/%s.yaml", PATCHCHECK_SOURCE_DIR,
			 files[i]);
		ck_assert_msg(scenario_load(path, &scn, err, sizeof(err)) == 0, "%s", err);
		explore_scenario(&scn, &res);
		ck_assert_msg(res.verdict == VERDICT_PASS && res.stats.complete, "%s: %s", files[i],
			      res.failure ? res.failure->message : "incomplete");
		ck_assert_int_eq(litmus_verdict_of(&res.outcomes), LITMUS_NEVER);
		/* the flag is reached at all (stackmp's writer names the reader's stack slot by
		 * its address, which a change of the stack layout would move) */
		ck_assert_msg(outcome_named(&res, strcmp(files[i], "corr-span") ? "1:x0=1 1:x3=1"
						  : "1:x0=0x100000000 1:x3=1"), "%s", files[i]);
		scenario_result_free(&res);
	}
}
END_TEST

/* Message passing in T32 whose reader tests the flag and goes on inside an IT block, which
 * Unicorn runs as one step with its IT: the block depends on the flags (memorder_arm.c: a
 * conditional instruction depends on its condition), so a load in it is ordered after the flag
 * load, and so is a load whose address depends on a register the block wrote. The same load
 * without the block is not. */
#define THUMB_MP(reader)                                                                   \
	"name: t\narch: arm\nimage: ftrace_thumb\ndata_memory: arch\nmemory: {x: 0, y: 0}\n"   \
	"harts:\n  - regs: {r1: x, r2: y}\n    asm: |\n      movs r0, #1\n"                   \
	"      str r0, [r1]\n      dmb ish\n      str r0, [r2]\n"                              \
	"  - regs: {r1: x, r2: y}\n    asm: |\n      movs r3, #2\n      ldr r0, [r2]\n"        \
	"      cmp r0, #1\n" reader "exists: '1:r0=1 /\\ 1:r3=0'\nexpect: pass\n"

START_TEST(an_it_block_on_arm_depends_on_its_condition)
{
	static const struct {
		const char *yaml;
		enum litmus_verdict verdict;
	} cases[] = {
		{THUMB_MP("      ldr r3, [r1]\n"), LITMUS_SOMETIMES},
		{THUMB_MP("      it eq\n      ldreq r3, [r1]\n"), LITMUS_NEVER},
		{THUMB_MP("      it eq\n      moveq r4, r0\n      eor.w r4, r4, r4\n"
			  "      ldr r3, [r1, r4]\n"), LITMUS_NEVER},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scenario_result res;

		explore_text(cases[i].yaml, &res);
		ck_assert_msg(res.verdict == VERDICT_PASS && res.stats.complete, "%u: %s", i,
			      res.failure ? res.failure->message : "incomplete");
		ck_assert_msg(litmus_verdict_of(&res.outcomes) == cases[i].verdict, "case %u", i);
		ck_assert_ptr_nonnull(outcome_named(&res, "1:r0=1 1:r3=1"));
		scenario_result_free(&res);
	}
}
END_TEST

static Suite *litmus_suite(void)
{
	Suite *s = suite_create("litmus");
	TCase *cond = tcase_create("condition");
	TCase *run = tcase_create("outcomes");

	tcase_add_test(cond, a_condition_parses_into_observables_and_nodes);
	tcase_add_test(cond, and_binds_tighter_than_or);
	tcase_add_test(cond, memory_words_take_a_size_and_an_initial_value);
	tcase_add_loop_test(cond, a_bad_condition_names_line_and_column, 0,
			    sizeof(bad_conditions) / sizeof(bad_conditions[0]));
	tcase_add_loop_test(cond, a_bad_litmus_key_names_line_and_column, 0,
			    sizeof(bad_keys) / sizeof(bad_keys[0]));
	suite_add_tcase(s, cond);
	tcase_set_timeout(run, 120);
	tcase_add_test(run, store_buffering_reaches_three_outcomes_and_never_both_zero);
	tcase_add_test(run, a_condition_some_executions_meet_is_sometimes);
	tcase_add_test(run, a_condition_every_execution_meets_is_always);
	tcase_add_test(run, a_wrong_outcome_fails_as_litmus_outcome);
	tcase_add_test(run, initial_registers_and_memory_reach_the_harts);
	tcase_add_test(run, observe_alone_records_outcomes_without_a_verdict);
	tcase_add_test(run, the_reader_isb_decides_whether_an_old_instruction_runs_after_the_flag);
	tcase_add_test(run,
		       a_write_seen_through_memory_but_not_fetched_is_coherence_a_concurrent_one_cmodx);
	tcase_add_test(run, run_outcomes_prints_each_outcome_with_its_count_and_the_verdict);
	tcase_add_test(run, the_gate_fails_a_wrong_outcome_naming_the_invariant);
	tcase_add_test(run, the_data_memory_option_explores_under_the_weak_model_and_its_failures_replay);
	tcase_add_test(run, the_stop_machine_option_runs_linux_protocol_and_its_failures_replay);
	tcase_add_test(run, an_asm_error_points_into_the_scenario_file);
	tcase_add_test(run, arm_inline_code_follows_the_image_instruction_set);
	tcase_add_test(run, an_exclusive_section_is_one_transition_on_every_arch);
	tcase_add_test(run, a_spin_iteration_that_changed_nothing_is_no_new_execution);
	tcase_add_test(run, the_weak_data_model_reaches_store_buffering_and_a_full_barrier_forbids_it);
	tcase_add_test(run, a_stale_load_is_a_choice_of_the_schedule_and_replays);
	tcase_add_test(run, an_it_block_on_arm_depends_on_its_condition);
	tcase_add_test(run, stores_to_words_no_other_hart_touches_are_no_choice);
	tcase_add_test(run, a_dependency_through_the_stack_orders_the_load);
	tcase_add_test(run, relaxed_outcomes_the_architecture_forbids_are_never_reached);
	suite_add_tcase(s, run);
	return s;
}

int main(void)
{
	return run_check_suite(litmus_suite());
}
