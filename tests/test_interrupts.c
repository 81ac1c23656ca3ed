/*
 * test_interrupts.c - interrupts as choices of the search on all three arches: each arch's
 * guest vector runs a handler and returns with every register as it was; the hart's own mask
 * keeps an IRQ out and an NMI comes all the same; a failure found with an interrupt names it
 * in its schedule, marks it in its trace and replays; the interrupt: key's errors.
 */
#include <string.h>

#include "explorer.h"
#include "machine.h"

#define TEST_LOADS_SCENARIOS
#include "test_support.h"

/* The bundled interrupt scenario of each arch passes, every one of its executions checked,
 * with interrupts taken inside the site among them. */
START_TEST(each_arch_takes_its_interrupt_through_its_vector)
{
	static const char *const cases[][2] = {
		{"arm64", "nop-to-call-nmi"},
		{"riscv", "ops-call-irq"},
		{"arm", "call-to-nop-irq"},
	};

	for (unsigned i = 0; i < 3; i++) {
		struct scenario_result res;

		load_bundled_scenario(&scn, cases[i][0], cases[i][1]);
		explore_scenario(&scn, &res);
		ck_assert_msg(res.verdict == VERDICT_PASS, "%s: %s", scn.name,
			      res.failure ? res.failure->message : "");
		ck_assert(res.stats.complete);
		ck_assert_uint_gt(res.stats.covered[COVER_INTERRUPT], 0);
		ck_assert_uint_gt(res.stats.covered[COVER_INTERRUPT_IN_SITE], 0);
		ck_assert_uint_lt(res.stats.covered[COVER_INTERRUPT], res.stats.executions);
		scenario_result_free(&res);
	}
}
END_TEST

/* One hart that masks its interrupts first, then loads x and y: an IRQ can only come before
 * the mask (one execution with it, one without); an NMI before each of the three transitions. */
#define MASKED(arch, image, regs, mask, load_x, load_y, nmi)                                   \
	"name: t\narch: " arch "\nimage: " image "\nmemory: {x: 0, y: 0}\nharts:\n"           \
	"  - regs: " regs "\n    interrupt: {handler: pc_irq_count" nmi "}\n"                   \
	"    asm: |\n      " mask "\n      " load_x "\n      " load_y "\n"                      \
	"observe: [x]\nexpect: pass\n"

static void executions_with_interrupts(const char *yaml, unsigned long executions,
				       unsigned long interrupted)
{
	struct scenario_result res;

	ck_assert_msg(load_text(yaml) == 0, "%s", err);
	explore_scenario(&scn, &res);
	ck_assert_msg(res.verdict == VERDICT_PASS, "%s: %s", scn.arch,
		      res.failure ? res.failure->message : res.error);
	ck_assert_msg(res.stats.executions == executions && res.stats.covered[COVER_INTERRUPT] ==
		      interrupted, "%s: %lu executions, %lu with an interrupt; expected %lu, %lu",
		      scn.arch, res.stats.executions, res.stats.covered[COVER_INTERRUPT],
		      executions, interrupted);
	scenario_result_free(&res);
}

START_TEST(a_masked_hart_takes_no_irq_and_an_nmi_all_the_same)
{
	executions_with_interrupts(MASKED("arm64", "ftrace", "{x1: x, x2: y}", "msr daifset, #2",
					  "ldr x0, [x1]", "ldr x3, [x2]", ""), 2, 1);
	executions_with_interrupts(MASKED("arm64", "ftrace", "{x1: x, x2: y}", "msr daifset, #2",
					  "ldr x0, [x1]", "ldr x3, [x2]", ", nmi: true"), 4, 3);
	executions_with_interrupts(MASKED("riscv64", "ftrace8", "{a1: x, a2: y}", "csrci sstatus, 2",
					  "ld a0, 0(a1)", "ld a3, 0(a2)", ""), 2, 1);
	executions_with_interrupts(MASKED("arm", "ftrace_arm", "{r1: x, r2: y}", "cpsid i",
					  "ldr r0, [r1]", "ldr r3, [r2]", ""), 2, 1);
	executions_with_interrupts(MASKED("arm", "ftrace_thumb", "{r1: x, r2: y}", "cpsid i",
					  "ldr r0, [r1]", "ldr r3, [r2]", ", nmi: true"), 4, 3);
}
END_TEST

/* Li Bin's NMI case: the failure's schedule names the interrupt ('Z': hart 1 takes its own), its
 * trace marks the vector's first step, and the schedule replays to the same failure. */
START_TEST(an_interrupt_in_a_failure_is_in_its_schedule_and_trace_and_replays)
{
	struct scenario_result res, again;
	const struct failure *f;
	struct image *img;
	uint64_t vectors;
	bool marked = false;

	load_bundled_scenario(&scn, "arm64", "entryseq-a-one-step-stopped-nmi");
	explore_scenario(&scn, &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	f = res.failure;
	ck_assert_str_eq(f->invariant, "cmodx");
	ck_assert_ptr_nonnull(strchr(f->schedule, 'Z'));
	img = load_guest_image("arm64", "entryseq", arch_model_find("arm64"));
	vectors = symbol_address(img, "vectors");
	image_free(img);
	for (size_t i = 0; i < f->ntrace; i++)
		if (f->trace[i].interrupt) {
			ck_assert_uint_eq(f->trace[i].hart, 1);
			ck_assert_uint_eq(f->trace[i].pc, vectors + 0x280);
			marked = true;
		}
	ck_assert(marked);
	expect_replay_fails_the_same_way(&scn, scn.name, f, &again);
	scenario_result_free(&again);
	scenario_result_free(&res);
}
END_TEST

/* arm64's pseudo-NMI inside an IPI's handler: under Linux's stop_machine the runner waits in the
 * IPI's handler, and its NMI comes there all the same, outside the vector's own code, runs the
 * site the same CPU has just rewritten, and fails coherence. Without the nesting the scenario
 * passed, complete: the waiting CPU could take no NMI. */
START_TEST(an_nmi_comes_inside_an_ipi_handler)
{
	struct scenario_result res, again;
	const struct failure *f;
	struct image *img;
	uint64_t vectors, code, code_end;
	unsigned entries = 0;

	load_bundled_scenario(&scn, "arm64", "entryseq-a-one-step-guest-stop-nmi");
	explore_scenario(&scn, &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	f = res.failure;
	ck_assert_str_eq(f->invariant, "coherence");
	img = load_guest_image("arm64", "entryseq", arch_model_find("arm64"));
	vectors = symbol_address(img, "vectors");
	code = symbol_address(img, "pc_exception_code");
	code_end = symbol_address(img, "pc_exception_code_end");
	image_free(img);
	for (size_t i = 0; i < f->ntrace; i++) {
		if (f->trace[i].hart != 1)
			continue;
		if (f->trace[i].interrupt) {
			ck_assert_uint_eq(f->trace[i].pc, vectors + 0x280);
			entries++;
		} else if (entries == 1 && f->trace[i].pc >= code && f->trace[i].pc < code_end &&
			   f->trace[i].bytes[3] == 0xd6 && f->trace[i].bytes[2] == 0x9f) {
			ck_abort_msg("the IPI's handler returned (ERET) before the NMI came");
		}
	}
	ck_assert_uint_eq(entries, 2); /* the IPI, then the NMI inside its handler */
	expect_replay_fails_the_same_way(&scn, scn.name, f, &again);
	scenario_result_free(&again);
	scenario_result_free(&res);
}
END_TEST

/* A CPU parked by the idealised stop still takes its NMI, so the stop's section is not one atomic
 * step for it: the handler reads the value between the section's two stores
 * (tests/data/scenarios/stop_nmi_between.yaml). With the section taken whole it passed. */
START_TEST(an_nmi_on_a_parked_cpu_comes_inside_the_stop)
{
	struct scenario_result res;

	ck_assert_msg(load_fixture("stop_nmi_between.yaml") == 0, "%s", err);
	explore_scenario(&scn, &res);
	ck_assert_int_eq(res.verdict, VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "guest-fault");
	ck_assert_msg(strstr(res.failure->message, "nmi_sees_between") != NULL, "%s",
		      res.failure->message);
	scenario_result_free(&res);
}
END_TEST

/* kick_all_cpus_sync: every execution delivers the IPI, whether the target is still in its call
 * or already idle, on every arch; the sender returns only once it was taken. */
START_TEST(an_ipi_reaches_its_target_busy_or_idle)
{
	static const char *const arches[][2] = {
		{"arm64", "ftrace"}, {"riscv64", "ftrace8"}, {"arm", "ftrace_arm"},
	};

	for (unsigned i = 0; i < 3; i++) {
		char yaml[512];
		struct scenario_result res;

		snprintf(yaml, sizeof(yaml), "name: t\narch: %s\nimage: %s\nharts:\n"
			 "  - run: \"pc_kick_all_cpus_sync(2) == 0\"\n"
			 "  - run: [\"traced_leaf()\", \"traced_leaf()\"]\n"
			 "covers: [interrupt]\nexpect: pass\n", arches[i][0], arches[i][1]);
		ck_assert_msg(load_text(yaml) == 0, "%s", err);
		explore_scenario(&scn, &res);
		ck_assert_msg(res.verdict == VERDICT_PASS, "%s: %s", scn.arch,
			      res.failure ? res.failure->message : res.error);
		ck_assert(res.stats.complete);
		ck_assert_uint_eq(res.stats.covered[COVER_INTERRUPT], res.stats.executions);
		ck_assert_uint_ge(res.stats.executions, 3); /* before, between, after the calls */
		scenario_result_free(&res);
	}
}
END_TEST

START_TEST(an_unknown_handler_is_named_at_its_line_and_column)
{
	struct scenario_result res;
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	ck_assert_int_eq(load_text("name: t\narch: arm64\nimage: ftrace\nharts:\n"
				   "  - run: traced_add3(1, 2, 3)\n"
				   "    interrupt: {handler: no_such_handler}\nexpect: pass\n"), 0);
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 2);
	ck_assert_msg(strstr(res.error, ":6:26: unknown symbol 'no_such_handler'"), "%s",
		      res.error);
	scenario_result_free(&res);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("interrupts");
	TCase *tc = tcase_create("interrupts");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, each_arch_takes_its_interrupt_through_its_vector);
	tcase_add_test(tc, a_masked_hart_takes_no_irq_and_an_nmi_all_the_same);
	tcase_add_test(tc, an_interrupt_in_a_failure_is_in_its_schedule_and_trace_and_replays);
	tcase_add_test(tc, an_unknown_handler_is_named_at_its_line_and_column);
	tcase_add_test(tc, an_ipi_reaches_its_target_busy_or_idle);
	tcase_add_test(tc, an_nmi_on_a_parked_cpu_comes_inside_the_stop);
	tcase_add_test(tc, an_nmi_comes_inside_an_ipi_handler);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_check_suite(suite());
}
