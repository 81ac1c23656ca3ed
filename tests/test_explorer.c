/*
 * test_explorer.c - the explorer on the bundled arm64 scenarios: the accepted designs pass
 * after exploring many interleavings, each flawed variant fails with the invariant its
 * scenario names, a failure's schedule replays to the same failure, and the preemption bound
 * decides whether a runner can be stopped inside a site while the patcher writes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer.h"
#include "test_support.h"

static struct scenario scn;

static void load(const char *name)
{
	load_bundled_scenario(&scn, "arm64", name);
}

static void run(struct scenario_result *res)
{
	explore_scenario(&scn, res);
}

START_TEST(accepted_nop_to_call_passes)
{
	struct scenario_result res;

	load("nop-to-call");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	/* Without a bound the reduced search is complete, one execution per trace: the runners'
	 * passes before, across and after the one store. */
	ck_assert(res.stats.complete);
	ck_assert_uint_gt(res.stats.executions, 4);
	ck_assert_uint_eq(res.stats.distinct_traces, res.stats.executions);
	ck_assert_uint_eq(res.stats.sleep_blocked, 0);
	scenario_result_free(&res);
}
END_TEST

START_TEST(accepted_designs_pass)
{
	static const char *const names[] = {"call-to-nop", "modify-call", "stack-args-nested",
					    "livepatch-redirect"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct scenario_result res;

		load(names[i]);
		run(&res);
		ck_assert_msg(res.verdict == VERDICT_PASS, "%s: %s", names[i],
			      res.failure ? res.failure->message : "");
		ck_assert_uint_gt(res.stats.executions, 1);
		scenario_result_free(&res);
	}
}
END_TEST

static size_t count_register_deltas(const struct failure *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ntrace; i++)
		if (f->trace[i].delta && f->deltas && f->trace[i].delta < f->deltas_len &&
		    f->deltas[f->trace[i].delta])
			n++;
	return n;
}

static void expect_failure_that_replays(const char *name, const char *invariant)
{
	struct scenario_result res, again;

	load(name);
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_FAIL, "%s passed", name);
	ck_assert_str_eq(res.failure->invariant, invariant);
	ck_assert_ptr_nonnull(strstr(res.failure->message, invariant));
	ck_assert_ptr_nonnull(strstr(res.failure->message, "expected"));
	ck_assert_uint_gt(res.failure->ntrace, 0);
	ck_assert_uint_gt(strlen(res.failure->schedule), 0);
	/* Registers: every hart's at the failure, and the steps' changes from the replay. */
	ck_assert_ptr_nonnull(res.failure->regs);
	ck_assert_uint_eq(res.failure->nharts, scn.nharts);
	ck_assert_uint_gt(res.failure->nregs, 8);
	ck_assert_uint_gt(count_register_deltas(res.failure), 0);
	ck_assert(scenario_result_matches(&scn, &res));

	expect_replay_fails_the_same_way(&scn, name, res.failure, &again);
	ck_assert_str_eq(again.failure->message, res.failure->message);
	scenario_result_free(&again);
	scenario_result_free(&res);
}

/* A run that stores no report skips the replay that captures each step's register changes:
 * the same failure, trace and schedule, without the changes. */
START_TEST(skipping_the_register_capture_changes_only_the_deltas)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR, .skip_register_capture = true};
	struct scenario_result with, without;

	load("flawed-clobber-x2");
	run(&with);
	ck_assert_int_eq(explorer_run(&scn, &opt, &without), 0);
	ck_assert_ptr_nonnull(with.failure);
	ck_assert_ptr_nonnull(without.failure);
	ck_assert_str_eq(without.failure->message, with.failure->message);
	ck_assert_str_eq(without.failure->schedule, with.failure->schedule);
	ck_assert_uint_eq(without.failure->ntrace, with.failure->ntrace);
	ck_assert_uint_eq(without.stats.executions, with.stats.executions);
	ck_assert_uint_gt(count_register_deltas(with.failure), 0);
	ck_assert_uint_eq(count_register_deltas(without.failure), 0);
	scenario_result_free(&with);
	scenario_result_free(&without);
}
END_TEST

START_TEST(flawed_clobber_x2_fails_register_preservation)
{
	expect_failure_that_replays("flawed-clobber-x2", "register-preservation");
}
END_TEST

/* A pass that never reached what the scenario covers fails as vacuous; the same scenario with
 * the redirect target set reaches all three kinds and passes, with the counts to show it. */
START_TEST(a_pass_without_its_coverage_is_vacuous)
{
	struct scenario_result res;
	char path[1024];
	char err[512];

	snprintf(path, sizeof(path), "%s/tests/data/scenarios/vacuous_redirect.yaml",
		 PATCHCHECK_SOURCE_DIR);
	ck_assert_msg(scenario_load(path, &scn, err, sizeof(err)) == 0, "%s", err);
	run(&res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "vacuous");
	ck_assert_msg(strstr(res.failure->message, "covers redirect") != NULL, "%s",
		      res.failure->message);
	ck_assert_uint_gt(res.stats.covered[COVER_CALL], 0);
	ck_assert_uint_gt(res.stats.covered[COVER_CALLBACK], 0);
	ck_assert_uint_eq(res.stats.covered[COVER_REDIRECT], 0);
	scenario_result_free(&res);

	load("livepatch-redirect");
	scn.covers = 1u << COVER_CALL | 1u << COVER_CALLBACK | 1u << COVER_REDIRECT;
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert_uint_gt(res.stats.covered[COVER_REDIRECT], 0);
	ck_assert_uint_le(res.stats.covered[COVER_REDIRECT], res.stats.executions);
	scenario_result_free(&res);
}
END_TEST

/* A hart's slot of the harness's per-hart counters is its own: its stores there are local steps.
 * Once another hart loads the slot, the search starts again with it shared and finds the load
 * between the owner's two stores (tests/data/scenarios/private_slot.yaml); with the slot left
 * private, that load could only see 0 or 2 and the scenario passed. The failure replays. */
START_TEST(a_private_slot_another_hart_touches_is_shared)
{
	struct scenario_result res, again;
	char path[1024];
	char err[512];

	snprintf(path, sizeof(path), "%s/tests/data/scenarios/private_slot.yaml",
		 PATCHCHECK_SOURCE_DIR);
	ck_assert_msg(scenario_load(path, &scn, err, sizeof(err)) == 0, "%s", err);
	run(&res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "result");
	ck_assert_msg(strstr(res.failure->message, "expected 0, actual 1") != NULL, "%s",
		      res.failure->message);
	/* A replay starts with the slot private too, and runs the schedule again once it is not. */
	expect_replay_fails_the_same_way(&scn, scn.name, res.failure, &again);
	scenario_result_free(&again);
	scenario_result_free(&res);
}
END_TEST

/* The forms of a site that passes executed: in nop-to-call every execution's passes run the
 * disabled form (mov x9, x30; nop) or the enabled one (mov x9, x30; bl ftrace_caller), some
 * executions both, and exactly the executions that called out of a site ran the enabled one. */
START_TEST(site_forms_are_counted_per_execution)
{
	const struct site_form_count *off = NULL, *on = NULL;
	struct scenario_result res;

	load("nop-to-call");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	ck_assert_uint_eq(res.stats.nforms, 2);
	for (unsigned i = 0; i < res.stats.nforms; i++) {
		const struct site_form_count *fc = &res.stats.forms[i];

		if (strcmp(fc->form, "traced_add3:aa1e03e9.d503201f") == 0)
			off = fc;
		else if (strncmp(fc->form, "traced_add3:aa1e03e9.9", 22) == 0 &&
			 fc->form[22] >= '4' && fc->form[22] <= '7') /* BL: 0x94000000-0x97ffffff */
			on = fc;
	}
	ck_assert_msg(off && on, "%s, %s", res.stats.forms[0].form, res.stats.forms[1].form);
	ck_assert_uint_gt(off->executions, 0);
	ck_assert_uint_lt(off->executions, res.stats.executions);
	ck_assert_uint_eq(on->executions, res.stats.covered[COVER_CALL]);
	ck_assert_uint_lt(on->executions, res.stats.executions);
	ck_assert_uint_gt(off->executions + on->executions, res.stats.executions);
	scenario_result_free(&res);
}
END_TEST

START_TEST(flawed_bad_lr_fails_lr_at_entry)
{
	expect_failure_that_replays("flawed-bad-lr", "lr-at-entry");
}
END_TEST

START_TEST(init_while_running_breaks_the_cmodx_rule)
{
	expect_failure_that_replays("init-while-running", "cmodx");
}
END_TEST

START_TEST(isb_after_the_write_makes_the_new_word_safe_to_run)
{
	struct scenario_result res;

	load("init-then-isb");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
	/* The same runner without its ISB breaks the cmodx rule. */
	load("init-then-isb");
	scn.harts[1].calls[0] = scn.harts[1].calls[1];
	scn.harts[1].ncalls = 1;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "cmodx");
	scenario_result_free(&res);
}
END_TEST

START_TEST(stop_machine_needs_a_preemption_inside_the_site)
{
	struct scenario_result res;

	expect_failure_that_replays("init-stop-machine-preempted", "site-consistency");
	/* The runner is parked inside the site, not preempted: the section is one transition
	 * between its fetches of func+0 and func+4, and the failure needs no preemption. */
	load("init-stop-machine-preempted");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_uint_eq(res.failure->preemptions, 0);
	/* The patcher (0) reads which stop to run (stop_machine.c), the runner (1) goes into the
	 * site, the patcher's section (0) is one transition, and the runner goes on inside the
	 * site. */
	const char *sched = res.failure->schedule;
	size_t len = strlen(sched);
	ck_assert_msg(len >= 4 && sched[0] == '0' && strspn(sched + 1, "1") == len - 3 &&
		      !strcmp(sched + len - 2, "01"), "schedule %s", sched);
	scenario_result_free(&res);
	/* The relaxed fetch model: the parked runners resume synchronised, and still mix. */
	load("init-stop-machine-preempted");
	snprintf(scn.fetch, sizeof(scn.fetch), "relaxed");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "site-consistency");
	scenario_result_free(&res);
	/* With no bound, the simplest failure kept is the runner parked inside the site, which
	 * is no preemption. */
	load("init-stop-machine-preempted");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "site-consistency");
	ck_assert_uint_eq(res.failure->preemptions, 0);
	scenario_result_free(&res);
}
END_TEST

/* Once a failure with k preemptions is found, only schedules with fewer are searched: the
 * lost update of shared-counter-racy is kept with none (the unpruned search kept one with 2;
 * the first pass, which drops executions where a hart waits at the rendezvous for a write its
 * first read raced with, one with 1; the second, below it, keeping them, finds 0), and the
 * search says it stopped at a failure rather than claiming every trace. */
START_TEST(a_failure_prunes_the_schedules_it_cannot_beat)
{
	struct scenario_result res;

	expect_failure_that_replays("shared-counter-racy", "result");
	load("shared-counter-racy");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_uint_eq(res.failure->preemptions, 0);
	ck_assert(!res.stats.complete);
	ck_assert_str_eq(scenario_result_search(&res), "first");
	scenario_result_free(&res);
}
END_TEST

START_TEST(livepatch_redirect_passes_only_when_declared)
{
	struct scenario_result res;

	load("livepatch-redirect");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
	/* The same run with the redirect undeclared: the body never ran. */
	load("livepatch-redirect");
	scn.nredirects = 0;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "body-once");
	scenario_result_free(&res);
	expect_failure_that_replays("livepatch-undeclared", "body-once");
}
END_TEST

START_TEST(a_callback_that_never_runs_is_caught)
{
	struct scenario_result res;

	load("nop-to-call");
	ck_assert(scn.callback_must_run);
	ck_assert_str_eq(scn.setup[1].func, "pc_set_callback");
	scn.nsetup = 1; /* no recording callback installed: the trampoline calls the stub */
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "regs-seen");
	ck_assert_ptr_nonnull(strstr(res.failure->message, "no callback ran"));
	scenario_result_free(&res);
}
END_TEST

START_TEST(ignored_invariant_is_not_reported)
{
	struct scenario_result res;

	load("flawed-bad-lr");
	snprintf(scn.ignore[0], sizeof(scn.ignore[0]), "lr-at-entry");
	scn.nignore = 1;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_ne(res.failure->invariant, "lr-at-entry");
	scenario_result_free(&res);
}
END_TEST

START_TEST(patcher_results_are_checked_against_the_scenario)
{
	struct scenario_result res;

	load("validate-old-word");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
	/* Requiring success where the patcher refuses is a patch-op failure. */
	load("validate-old-word");
	scn.harts[0].calls[0].has_expect = false;
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "patch-op");
	ck_assert_str_eq(res.failure->actual, "-22");
	scenario_result_free(&res);
}
END_TEST

/* Seeded random walks: the same seed walks the same schedules; a failure they find replays. */
START_TEST(random_walks_are_seeded_and_replay)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR, .random_walks = 300,
				      .random_seed = 7};
	struct scenario_result a, b, again;

	load("init-stop-machine-preempted");
	ck_assert_int_eq(explorer_run(&scn, &opt, &a), 0);
	ck_assert_int_eq(explorer_run(&scn, &opt, &b), 0);
	ck_assert(a.verdict == VERDICT_FAIL && b.verdict == VERDICT_FAIL);
	ck_assert_str_eq(a.failure->invariant, "site-consistency");
	ck_assert_str_eq(a.failure->schedule, b.failure->schedule);
	ck_assert_uint_eq(a.stats.executions, b.stats.executions);
	ck_assert_int_eq(explorer_replay(&scn, &opt, a.failure->schedule, &again), 0);
	ck_assert_str_eq(again.failure->message, a.failure->message);
	scenario_result_free(&again);
	scenario_result_free(&a);
	scenario_result_free(&b);
	/* A correct design fails no walk, and the verdict says it was a sample: inconclusive. */
	load("nop-to-call");
	opt.random_walks = 50;
	ck_assert_int_eq(explorer_run(&scn, &opt, &a), 0);
	ck_assert(a.verdict == VERDICT_INCONCLUSIVE);
	ck_assert_uint_eq(a.stats.executions, 50);
	ck_assert(a.stats.truncated);
	scenario_result_free(&a);
}
END_TEST

/* Walks after the execution limit: none after a complete search; after a cut one, as many
 * as asked, seeded, and a correct design still gets inconclusive. */
START_TEST(walks_follow_only_a_search_the_limit_cut_short)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR, .walks_after_limit = 20,
				      .random_seed = 3};
	struct scenario_result done, cut, again;

	load("nop-to-call");
	ck_assert_int_eq(explorer_run(&scn, &opt, &done), 0);
	ck_assert(done.verdict == VERDICT_PASS && done.stats.complete);
	ck_assert_uint_eq(done.stats.walks, 0);
	opt.max_executions = 5;
	ck_assert_int_eq(explorer_run(&scn, &opt, &cut), 0);
	ck_assert(cut.verdict == VERDICT_INCONCLUSIVE && cut.stats.truncated);
	ck_assert_uint_eq(cut.stats.walks, 20);
	ck_assert_uint_eq(cut.stats.executions, 5 + 20);
	ck_assert_int_eq(explorer_run(&scn, &opt, &again), 0);
	ck_assert_uint_eq(again.stats.steps, cut.stats.steps);
	scenario_result_free(&done);
	scenario_result_free(&cut);
	scenario_result_free(&again);
}
END_TEST

START_TEST(exploration_is_deterministic)
{
	struct scenario_result a, b;

	load("nop-to-call");
	run(&a);
	run(&b);
	ck_assert_uint_eq(a.stats.executions, b.stats.executions);
	ck_assert_uint_eq(a.stats.steps, b.stats.steps);
	ck_assert_uint_eq(a.stats.schedule_points, b.stats.schedule_points);
	scenario_result_free(&a);
	scenario_result_free(&b);
}
END_TEST

START_TEST(replay_rejects_a_schedule_that_does_not_fit)
{
	struct scenario_result res;
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	load("nop-to-call");
	ck_assert_int_eq(explorer_replay(&scn, &opt, "09", &res), 2);
	ck_assert(res.verdict == VERDICT_ERROR);
	ck_assert_ptr_nonnull(strstr(res.error, "does not fit"));
}
END_TEST

START_TEST(unknown_watched_symbol_names_its_entry)
{
	struct scenario_result res;
	char path[1024], err[1024];
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	snprintf(path, sizeof(path), "%s/scenarios/arm64/kprobe-brk-alu.yaml", PATCHCHECK_SOURCE_DIR);
	ck_assert_msg(scenario_load(path, &scn, err, sizeof(err)) == 0, "%s", err);
	snprintf(scn.watch[1], sizeof(scn.watch[1]), "no_such_probe+8");
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 2);
	ck_assert_ptr_nonnull(strstr(res.error, "kprobe-brk-alu.yaml:11:"));
	ck_assert_ptr_nonnull(strstr(res.error, "unknown symbol 'no_such_probe'"));
}
END_TEST

START_TEST(unknown_retired_symbol_names_its_entry)
{
	struct scenario_result res;
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	char want[96];

	load("retire-trampoline-stop-machine");
	/* the entry of `retire: [ftrace_caller]`, wherever the description leaves that line */
	ck_assert_uint_eq(scn.pos_retire[0].col, 10);
	snprintf(want, sizeof(want), "retire-trampoline-stop-machine.yaml:%u:10:",
		 scn.pos_retire[0].line);
	snprintf(scn.retire[0], sizeof(scn.retire[0]), "ftrace_caler");
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 2);
	ck_assert_msg(strstr(res.error, want), "%s", res.error);
	ck_assert_ptr_nonnull(strstr(res.error, "unknown symbol 'ftrace_caler'"));
}
END_TEST

/* complete: a patch is finished when the call returns; without stop_machine (or another way
 * to make every CPU synchronise) it is not, though every word was safe to run while in
 * flight; and code retired after it must not hold a hart, which stop_machine alone does not
 * ensure. Each failure replays. */
START_TEST(completion_needs_every_hart_synchronised_and_out_of_retired_code)
{
	struct scenario_result res;

	load("complete-stop-machine");
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
	expect_failure_that_replays("complete-without-stop-machine", "completion");
	expect_failure_that_replays("retire-trampoline-stop-machine", "completion");
	load("retire-trampoline-stop-machine");
	run(&res);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_ptr_nonnull(strstr(res.failure->message, "executes ftrace_caller after"));
	scenario_result_free(&res);
	/* Without retire:, the same disable is complete. */
	load("retire-trampoline-stop-machine");
	scn.nretire = 0;
	run(&res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s", res.failure ? res.failure->message : "");
	scenario_result_free(&res);
}
END_TEST

START_TEST(unknown_symbol_names_file_line_column)
{
	struct scenario_result res;
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	load("nop-to-call");
	snprintf(scn.harts[1].calls[0].func, sizeof(scn.harts[1].calls[0].func), "traced_ad3");
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 2);
	ck_assert(res.verdict == VERDICT_ERROR);
	ck_assert_ptr_nonnull(strstr(res.error, "nop-to-call.yaml:"));
	ck_assert_ptr_nonnull(strstr(res.error, "unknown symbol 'traced_ad3'"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explorer");
	TCase *tc = tcase_create("arm64");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, accepted_nop_to_call_passes);
	tcase_add_test(tc, accepted_designs_pass);
	tcase_add_test(tc, flawed_clobber_x2_fails_register_preservation);
	tcase_add_test(tc, skipping_the_register_capture_changes_only_the_deltas);
	tcase_add_test(tc, flawed_bad_lr_fails_lr_at_entry);
	tcase_add_test(tc, a_pass_without_its_coverage_is_vacuous);
	tcase_add_test(tc, site_forms_are_counted_per_execution);
	tcase_add_test(tc, init_while_running_breaks_the_cmodx_rule);
	tcase_add_test(tc, isb_after_the_write_makes_the_new_word_safe_to_run);
	tcase_add_test(tc, stop_machine_needs_a_preemption_inside_the_site);
	tcase_add_test(tc, a_failure_prunes_the_schedules_it_cannot_beat);
	tcase_add_test(tc, livepatch_redirect_passes_only_when_declared);
	tcase_add_test(tc, a_callback_that_never_runs_is_caught);
	tcase_add_test(tc, ignored_invariant_is_not_reported);
	tcase_add_test(tc, patcher_results_are_checked_against_the_scenario);
	tcase_add_test(tc, random_walks_are_seeded_and_replay);
	tcase_add_test(tc, walks_follow_only_a_search_the_limit_cut_short);
	tcase_add_test(tc, exploration_is_deterministic);
	tcase_add_test(tc, replay_rejects_a_schedule_that_does_not_fit);
	tcase_add_test(tc, unknown_symbol_names_file_line_column);
	tcase_add_test(tc, unknown_retired_symbol_names_its_entry);
	tcase_add_test(tc, completion_needs_every_hart_synchronised_and_out_of_retired_code);
	tcase_add_test(tc, unknown_watched_symbol_names_its_entry);
	tcase_add_test(tc, a_private_slot_another_hart_touches_is_shared);
	suite_add_tcase(s, tc);
	return run_check_suite(s);
}
