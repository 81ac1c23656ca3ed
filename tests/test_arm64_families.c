/*
 * test_arm64_families.c - the arm64 scenario families: entry sequences and their transition
 * methods (the arm64 livepatch RFC, 2016), kprobes on ftrace (the arm64 KPROBES_ON_FTRACE
 * thread, 2019), breakpoint kprobes and jprobes (the arm64 kprobes thread, 2016), and IPMODIFY
 * exclusivity, direct calls and CALL_OPS literals.
 *
 * Each scenario must reach the verdict its file expects (with the invariant named here), and
 * every failure must replay from its schedule to the same invariant, hart and step. The guest
 * helpers the scenarios rely on are also checked directly, by calling them on a machine: the
 * kprobe instruction classifier and simulator, the entry-sequence form detector and step
 * validation, kprobe registration errors, and the CALL_OPS literal writes.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/insn_arm64.h"
#include "explorer.h"
#include "machine.h"
#include "test_support.h"

/* ---- scenarios ---- */

struct family_case {
	const char *name;
	const char *invariant; /* NULL: the scenario must pass */
};

static const struct family_case cases[] = {
	/* entry sequences (a) and (b), forms A, A', B, B' */
	{"entryseq-2pad-accepted", NULL},
	{"entryseq-a-one-step-concurrent", "cmodx"},
	{"entryseq-a-one-step-stopped", NULL},
	{"entryseq-a-multi-step-concurrent", "cmodx"},
	{"entryseq-a-multi-step-stopped-enable", "site-consistency"},
	{"entryseq-a-multi-step-stopped-disable", "site-consistency"},
	{"entryseq-b-one-step-concurrent", "cmodx"},
	{"entryseq-b-one-step-stopped", NULL},
	{"entryseq-b-multi-step-concurrent", "cmodx"},
	{"entryseq-b-multi-step-stopped-enable", "site-consistency"},
	{"entryseq-b-multi-step-stopped-disable", "site-consistency"},
	/* kprobes on ftrace */
	{"kprobe-ftrace-func0", NULL},
	{"kprobe-ftrace-func4-rejected", NULL},
	{"kprobe-ftrace-redirect", NULL},
	{"kprobe-ftrace-shifted", "regs-seen"},
	/* breakpoint kprobes, jprobes */
	{"kprobe-brk-alu", NULL},
	{"kprobe-brk-load", NULL},
	{"kprobe-brk-adr", NULL},
	{"kprobe-brk-ldr-literal", NULL},
	{"kprobe-brk-bcond", NULL},
	{"kprobe-brk-cbz", NULL},
	{"kprobe-brk-hits", NULL},
	{"kprobe-brk-adr-unsimulated", "result"},
	{"jprobe-handler-args", NULL},
	{"jprobe-12-args", NULL},
	{"jprobe-12-args-nocopy", "stack-args"},
	{"jprobe-30-args", "stack-args"},
	{"jprobe-big-struct", "stack-args"},
	/* IPMODIFY, direct calls, CALL_OPS */
	{"ipmodify-second-user-ebusy", NULL},
	{"direct-call-bl", NULL},
	{"direct-call-shared", NULL},
	{"direct-call-via-ops", NULL},
	{"direct-call-c-tramp", "lr-at-entry"},
	{"direct-call-c-tramp-loops", "termination"},
	{"callops-make-call", NULL},
	{"callops-make-nop", NULL},
	{"callops-modify-call", NULL},
	{"callops-bl-before-literal", NULL},
	{"callops-literal-split-before-call", NULL},
	{"callops-literal-split", "literal-consistency"},
	{"callops-misaligned-refused", NULL},
	{"callops-misaligned-beside-aligned", NULL},
	/* a trampoline out of BL range, through a PLT entry */
	{"plt-nop-to-call", NULL},
	{"plt-modify-call", NULL},
	{"plt-missing-erange", NULL},
	{"plt-written-after-bl", "cmodx"}, /* guest-fault under fetch: coherent */
	{"plt-clobbers-x18", "register-preservation"},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct scenario scn; /* large: not on the stack */

static void load(const char *name)
{
	load_bundled_scenario(&scn, "arm64", name);
}

START_TEST(scenario_reaches_its_verdict)
{
	const struct family_case *c = &cases[_i];
	struct scenario_result res, again;

	load(c->name);
	explore_scenario(&scn, &res);
	ck_assert_msg(scenario_result_matches(&scn, &res), "%s: %s", c->name,
		      res.failure ? res.failure->message : "passed");
	if (!c->invariant) {
		ck_assert_msg(res.verdict == VERDICT_PASS, "%s: %s", c->name,
			      res.failure ? res.failure->message : "");
		ck_assert_uint_ge(res.stats.executions, res.stats.distinct_traces);
		ck_assert_uint_ge(res.stats.distinct_traces, 1);
		scenario_result_free(&res);
		return;
	}
	ck_assert_msg(res.verdict == VERDICT_FAIL, "%s passed", c->name);
	ck_assert_str_eq(res.failure->invariant, c->invariant);
	ck_assert_uint_gt(strlen(res.failure->schedule), 0);
	expect_replay_fails_the_same_way(&scn, c->name, res.failure, &again);
	scenario_result_free(&again);
	scenario_result_free(&res);
}
END_TEST

/* A stop-machine multi-step transition is unsafe for a CPU parked inside the site between two
 * stopped sections: the complete search finds it. */
START_TEST(multi_step_under_stop_machine_needs_a_parked_runner)
{
	static const char *const names[] = {"entryseq-a-multi-step-stopped-enable",
					    "entryseq-b-multi-step-stopped-disable"};
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};

	for (unsigned i = 0; i < 2; i++) {
		struct scenario_result res;

		load(names[i]);
		ck_assert_int_eq(explorer_run(&scn, &opt, &res), 0);
		ck_assert(res.verdict == VERDICT_FAIL);
		ck_assert_str_eq(res.failure->invariant, "site-consistency");
		ck_assert_uint_le(res.failure->preemptions, 1);
		ck_assert_uint_ne(res.failure->hart, 0); /* a runner, not the patcher */
		scenario_result_free(&res);
	}
}
END_TEST

/* With the stack copy switched off the 12-argument jprobe breaks; with the kprobe view switched
 * to the ftrace view, the correct kprobe-on-ftrace handler is reported (pc = func+0 is the
 * breakpoint view, not the trampoline's). Both show the checks look at what they claim to. */
START_TEST(checks_see_what_the_handlers_did)
{
	struct explore_options opt = {.guest_dir = PATCHCHECK_GUEST_DIR};
	struct scenario_result res;

	load("kprobe-ftrace-func0");
	snprintf(scn.callback_sees, sizeof(scn.callback_sees), "ftrace");
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 0);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "regs-seen");
	scenario_result_free(&res);

	load("callops-make-call");
	scn.nops = 1; /* only ftrace_nop_ops is a valid literal now */
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 0);
	ck_assert(res.verdict == VERDICT_FAIL);
	ck_assert_str_eq(res.failure->invariant, "literal-consistency");
	scenario_result_free(&res);

	load("jprobe-12-args");
	scn.stack_args = 0;
	ck_assert_int_eq(explorer_run(&scn, &opt, &res), 0);
	ck_assert(res.verdict == VERDICT_PASS);
	scenario_result_free(&res);
}
END_TEST

/* ---- guest helpers, called directly on a one-hart machine ---- */

static struct image *img;
static struct machine *m;

static void open_image(const char *name)
{
	char err[512];
	const struct arch_model *arch = arch_model_find("arm64");

	ck_assert_ptr_nonnull(arch);
	img = load_guest_image("arm64", name, arch);
	m = machine_open(arch, img, 1, FETCH_COHERENT, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
}

static void close_image(void)
{
	machine_close(m);
	image_free(img);
	m = NULL;
	img = NULL;
}

static uint64_t sym(const char *name)
{
	return symbol_address(img, name);
}

/* Call a guest function on hart 0 and return x0; the call must finish without a fault. */
static uint64_t gcall(const char *func, unsigned nargs, ...)
{
	uint64_t args[12];
	struct step_info info;
	va_list ap;

	va_start(ap, nargs);
	for (unsigned i = 0; i < nargs; i++)
		args[i] = va_arg(ap, uint64_t);
	va_end(ap);
	machine_call_begin(m, 0, sym(func), args, nargs);
	for (unsigned n = 0; n < 200000; n++) {
		enum step_status s = machine_step(m, 0, &info);

		if (s == STEP_RETURNED)
			return machine_reg(m, 0, 0);
		ck_assert_msg(s == STEP_OK, "%s faulted at 0x%llx: %s", func,
			      (unsigned long long)info.pc, info.fault);
	}
	ck_abort_msg("%s did not return", func);
	return 0;
}

#define G(func, ...) gcall(func, sizeof((uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t), __VA_ARGS__)
#define G0(func) gcall(func, 0)

static int32_t rc(uint64_t v)
{
	return (int32_t)v;
}

enum { REJECT = 0, SIMULATE = 1, STEP = 2 };

START_TEST(kprobe_insn_class_sorts_instructions)
{
	static const struct {
		uint32_t insn;
		int cls;
		const char *what;
	} t[] = {
		{0x10000002u, SIMULATE, "adr x2, ."},
		{0x90000001u, SIMULATE, "adrp x1, ."},
		{0x14000004u, SIMULATE, "b"},
		{0x94000004u, SIMULATE, "bl"},
		{0x5400004bu, SIMULATE, "b.lt"},
		{0xb4000040u, SIMULATE, "cbz x0"},
		{0x35000040u, SIMULATE, "cbnz w0"},
		{0x36080040u, SIMULATE, "tbz w0, #1"},
		{0x58000042u, SIMULATE, "ldr x2, literal"},
		{0x18000042u, SIMULATE, "ldr w2, literal"},
		{0x98000042u, SIMULATE, "ldrsw x2, literal"},
		{0xd61f0200u, SIMULATE, "br x16"},
		{0xd63f0200u, SIMULATE, "blr x16"},
		{0xd65f03c0u, SIMULATE, "ret"},
		{0x8b000400u, STEP, "add x0, x0, x0, lsl #1"},
		{0xf9400422u, STEP, "ldr x2, [x1, #8]"},
		{0xa9bf7bfdu, STEP, "stp x29, x30, [sp, #-16]!"},
		{0xd503201fu, STEP, "nop"},
		{0xd4200080u, REJECT, "brk #4"},
		{0xd4000001u, REJECT, "svc #0"},
		{0xd69f03e0u, REJECT, "eret"},
		{0xc85f7c20u, REJECT, "ldxr x0, [x1]"},
		{0xd5033fdfu, REJECT, "isb"},
		{0xd51b4200u, REJECT, "msr nzcv, x0"},
		{0x5c000040u, REJECT, "ldr d0, literal"},
		{0x00000000u, REJECT, "udf #0"},
	};

	open_image("kprobes");
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(rc(G("kprobe_insn_class", t[i].insn)) == t[i].cls, "%s: %d", t[i].what,
			      rc(G("kprobe_insn_class", t[i].insn)));
	close_image();
}
END_TEST

/* pt_regs (models/arm64/guest/pt_regs.h): regs[31] at 0, sp 248, pc 256, pstate 264. */
#define R_X(n) (8ull * (n))
#define R_PC 256
#define R_PSTATE 264

static uint64_t regs_at;

static void regs_clear(void)
{
	memset(machine_ram(m, regs_at, 304), 0, 304);
}

static void regs_set(unsigned off, uint64_t v)
{
	memcpy(machine_ram(m, regs_at + off, 8), &v, 8);
}

static uint64_t regs_get(unsigned off)
{
	uint64_t v = 0;

	ck_assert(machine_read_u64(m, regs_at + off, &v));
	return v;
}

/* Simulate insn at pc on a fresh frame with the given x0 and NZCV; returns the new pc. */
static uint64_t simulate(uint32_t insn, uint64_t pc, uint64_t x0, uint64_t nzcv)
{
	regs_clear();
	regs_set(R_X(0), x0);
	regs_set(R_PSTATE, nzcv);
	ck_assert_int_eq(rc(G("kprobe_simulate", insn, pc, regs_at)), 0);
	return regs_get(R_PC);
}

START_TEST(kprobe_simulate_computes_from_the_probed_address)
{
	uint64_t pc, lit;

	open_image("kprobes");
	regs_at = machine_stack_top(m, 0) - 4096;
	pc = sym("probe_adr") + 8;
	/* adr x2, #20 at pc; adr x2, #-4 */
	ck_assert_uint_eq(simulate(0x100000a2u, pc, 0, 0), pc + 4);
	ck_assert_uint_eq(regs_get(R_X(2)), pc + 20);
	simulate(0x10ffffe2u, pc, 0, 0);
	ck_assert_uint_eq(regs_get(R_X(2)), pc - 4);
	/* adrp x1, +1 page */
	simulate(0xb0000001u, pc, 0, 0);
	ck_assert_uint_eq(regs_get(R_X(1)), (pc & ~0xfffull) + 0x1000);
	/* b.lt +8: taken when N != V */
	ck_assert_uint_eq(simulate(0x5400004bu, pc, 0, 1ull << 31), pc + 8);
	ck_assert_uint_eq(simulate(0x5400004bu, pc, 0, 0), pc + 4);
	/* cbz w0, +8 looks at the low 32 bits only */
	ck_assert_uint_eq(simulate(0x34000040u, pc, 0x100000000ull, 0), pc + 8);
	ck_assert_uint_eq(simulate(0xb4000040u, pc, 0x100000000ull, 0), pc + 4);
	/* tbnz x0, #40, +8 */
	ck_assert_uint_eq(simulate(0xb7400040u, pc, 1ull << 40, 0), pc + 8);
	ck_assert_uint_eq(simulate(0xb7400040u, pc, 0, 0), pc + 4);
	/* bl -4 sets the link register */
	ck_assert_uint_eq(simulate(0x97ffffffu, pc, 0, 0), pc - 4);
	ck_assert_uint_eq(regs_get(R_X(30)), pc + 4);
	/* ldr x2, literal: probe_ldr_lit+8 loads 0x5eed0000 from its literal pool */
	pc = sym("probe_ldr_lit") + 8;
	ck_assert(machine_read_u32(m, pc, (uint32_t *)&lit));
	simulate((uint32_t)lit, pc, 0, 0);
	ck_assert_uint_eq(regs_get(R_X(2)), 0x5eed0000u);
	/* blr x0 */
	ck_assert_uint_eq(simulate(0xd63f0000u, pc, 0x1234, 0), 0x1234);
	ck_assert_uint_eq(regs_get(R_X(30)), pc + 4);
	/* an instruction that is not simulated */
	regs_clear();
	ck_assert_int_eq(rc(G("kprobe_simulate", 0x8b000400u, pc, regs_at)), -1);
	close_image();
}
END_TEST

START_TEST(kprobe_registration_errors)
{
	uint64_t add3;

	open_image("kprobes");
	add3 = sym("traced_add3");
	/* misaligned, outside text, an unprobeable instruction (the slots hold BRKs) */
	ck_assert_int_eq(rc(G("register_kprobe", sym("probe_alu") + 2, 0, 0)), -22);
	ck_assert_int_eq(rc(G("register_kprobe", sym("probe_data"), 0, 0)), -14);
	ck_assert_int_eq(rc(G("register_kprobe", sym("kprobe_insn_slots"), 0, 0)), -22);
	/* ftrace site: not initialised, then func+4, then func+0 */
	ck_assert_int_eq(rc(G("register_kprobe", add3, 0, 0)), -22);
	ck_assert_int_eq(rc(G("ftrace_init_nop", add3)), 0);
	ck_assert_int_eq(rc(G("register_kprobe", add3 + 4, 0, 0)), -84);
	ck_assert_int_eq(rc(G("register_kprobe", add3, sym("kp_record_pre"), 0)), 0);
	ck_assert_uint_eq(G("kprobe_list_addr", 0), add3);
	ck_assert_int_eq(rc(G("register_kprobe", add3, 0, 0)), -16);
	/* a breakpoint probe: the word becomes BRK #4, the slot holds [insn, BRK #6] */
	ck_assert_int_eq(rc(G("register_kprobe", sym("probe_alu") + 8, 0, 0)), 0);
	{
		uint32_t w;

		ck_assert(machine_read_u32(m, sym("probe_alu") + 8, &w));
		ck_assert_uint_eq(w, 0xd4200080u);
		ck_assert(machine_read_u32(m, sym("kprobe_insn_slots") + 8, &w));
		ck_assert_uint_eq(w, 0x8b000400u);
		ck_assert(machine_read_u32(m, sym("kprobe_insn_slots") + 12, &w));
		ck_assert_uint_eq(w, 0xd42000c0u);
	}
	ck_assert_int_eq(rc(G("kprobe_list_offset", 1, sym("probe_alu"))), 8);
	/* the shifted variant lists func+0 as func+4 */
	ck_assert_int_eq(rc(G("ftrace_init_nop", sym("traced_one"))), 0);
	ck_assert_int_eq(rc(G("register_kprobe_shifted", sym("traced_one"), 0, 0)), 0);
	ck_assert_int_eq(rc(G("kprobe_list_offset", 2, sym("traced_one"))), 4);
	close_image();
}
END_TEST

START_TEST(entry_seq_steps_validate_and_reach_each_form)
{
	uint64_t fa, ta, fb, tb;

	open_image("entryseq");
	fa = sym("seqa_add3");
	ta = sym("mcount_seqa");
	fb = sym("seqb_add3");
	tb = sym("ftrace_caller_seqb");
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 0);
	/* a step from the wrong form writes nothing */
	ck_assert_int_eq(rc(G("seqa_ap_to_a", fa, ta)), -22);
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 0);
	ck_assert_int_eq(rc(G("seqa_b_to_bp", fa, ta)), 0);
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 1);
	ck_assert_int_eq(rc(G("seqa_bp_to_ap_stopped", fa, ta)), 0);
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 2);
	ck_assert_int_eq(rc(G("seqa_ap_to_a", fa, ta)), 0);
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 3);
	/* enabled sequence (a) calls the tracer and returns the untraced value */
	G("pc_set_callback", sym("record_regs"));
	ck_assert_uint_eq(G("seqa_add3", 1, 2, 3), 14);
	ck_assert_uint_eq(G("seqa_mix", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 385);
	ck_assert_int_eq(rc(G("seqa_a_to_ap", fa, ta)), 0);
	ck_assert_int_eq(rc(G("seqa_ap_to_bp", fa, ta)), 0);
	ck_assert_int_eq(rc(G("seqa_bp_to_b", fa, ta)), 0);
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'a')), 0);
	/* sequence (b) */
	ck_assert_int_eq(rc(G("seqb_b_to_bp", fb, tb)), 0);
	ck_assert_int_eq(rc(G("seqb_bp_to_ap", fb, tb)), 0);
	ck_assert_int_eq(rc(G("seqb_ap_to_a_stopped", fb, tb)), 0);
	ck_assert_int_eq(rc(G("entry_seq_form", fb, tb, 'b')), 3);
	ck_assert_uint_eq(G("seqb_add3", 4, 5, 6), 32);
	/* a 4-pad function is not a 3-pad sequence */
	ck_assert_int_eq(rc(G("entry_seq_form", fa, ta, 'b')), 0);
	close_image();
}
END_TEST

START_TEST(call_ops_literal_and_registration)
{
	uint64_t f, lit = 0, nop_ops, trace_ops;

	open_image("ftrace_ops");
	f = sym("traced_add3");
	nop_ops = sym("ftrace_nop_ops");
	trace_ops = sym("trace_ops");
	/* the image straddles 4 GiB: the ops differ in both 32-bit halves */
	ck_assert_uint_ne(nop_ops >> 32, trace_ops >> 32);
	ck_assert_uint_eq(f % 8, 0);
	ck_assert_int_eq(rc(G("ftrace_ops_init_nop", f)), 0);
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, nop_ops);
	ck_assert_int_eq(rc(G("ftrace_ops_make_call_split", f, trace_ops, sym("ftrace_caller_ops"))), 0);
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, trace_ops);
	ck_assert_uint_eq(G("traced_add3", 1, 2, 3), 14);
	ck_assert_int_eq(rc(G("ftrace_ops_make_nop", f, sym("ftrace_caller_ops"))), 0);
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, nop_ops);
	/* registration: one IPMODIFY user, one direct user */
	ck_assert_int_eq(rc(G("ftrace_ops_register", sym("lp_ops"), f)), 0);
	ck_assert_uint_eq(G("traced_add3", 1, 2, 3), 1014); /* redirected to patched_add3 */
	ck_assert_int_eq(rc(G("ftrace_ops_register", sym("lp_ops2"), f)), -16);
	ck_assert_int_eq(rc(G("ftrace_ops_register", sym("lp_ops"), f)), -16);
	ck_assert_int_eq(rc(G("ftrace_ops_register", sym("direct_ops"), f)), 0);
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, sym("ftrace_list_ops"));
	ck_assert_uint_eq(G("traced_add3", 1, 2, 3), 1014); /* the direct trampoline, then patched_add3 */
	ck_assert_int_eq(rc(G0("direct_hits")), 1);
	ck_assert_int_eq(rc(G("ftrace_ops_unregister", sym("lp_ops"), f)), 0);
	/* direct_ops alone: the BL goes straight to direct_tramp, the literal names it */
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, sym("direct_ops"));
	{
		uint32_t w;

		ck_assert(machine_read_u32(m, f + 4, &w));
		ck_assert_uint_eq(f + 4 + (uint64_t)((int64_t)((int32_t)(w << 6) >> 6) * 4),
				  sym("direct_tramp"));
	}
	ck_assert_uint_eq(G("traced_add3", 4, 5, 6), 32);
	ck_assert_int_eq(rc(G0("direct_hits")), 2);
	ck_assert_int_eq(rc(G("ftrace_ops_unregister", sym("direct_ops"), f)), 0);
	ck_assert(machine_read_u64(m, f - 8, &lit));
	ck_assert_uint_eq(lit, nop_ops);
	close_image();
}
END_TEST

/* The far fixture: ftrace_caller_far is mapped 256 MiB above the text (read and execute only),
 * a site reaches it only through a PLT entry, which make_call finds by itself. */
START_TEST(plt_reaches_the_far_trampoline)
{
	uint64_t f, far, plts;
	uint32_t w;

	open_image("ftrace");
	f = sym("traced_add3");
	far = sym("ftrace_caller_far");
	plts = sym("ftrace_plts");
	ck_assert_uint_gt(far - (f + 4), 128ull << 20);
	ck_assert(machine_read_u32(m, far, &w));
	ck_assert_uint_eq(w & 0xff00001fu, 0x58000010u); /* ldr x16, <literal> */
	ck_assert_int_eq(machine_poke(m, far, &w, 4), 0); /* the host may; the guest cannot */
	ck_assert_int_eq(rc(G("ftrace_init_nop", f)), 0);
	ck_assert_int_eq(rc(G("ftrace_make_call", f, far)), -34); /* no PLT entry yet */
	ck_assert_int_eq(rc(G("ftrace_plt_init", far)), 0);
	ck_assert_int_eq(rc(G("ftrace_plt_init", far)), 0); /* the same entry again */
	ck_assert_int_eq(rc(G("ftrace_make_call", f, far)), 0);
	ck_assert(machine_read_u32(m, f + 4, &w));
	ck_assert(a64_is_bl(w));
	ck_assert_uint_eq(a64_branch_target(f + 4, w), plts);
	ck_assert(machine_read_u32(m, plts + 8, &w));
	ck_assert_uint_eq(w, 0xd61f0200u); /* br x16 */
	ck_assert_uint_eq(G("traced_add3", 1, 2, 3), 14);
	ck_assert_int_eq(rc(G("ftrace_modify_call", f, far, sym("ftrace_caller"))), 0);
	ck_assert_int_eq(rc(G("ftrace_modify_call", f, sym("ftrace_caller"), far)), 0);
	ck_assert_int_eq(rc(G("ftrace_make_nop", f, far)), 0);
	ck_assert(machine_read_u32(m, f + 4, &w));
	ck_assert_uint_eq(w, 0xd503201fu);
	ck_assert_int_eq(rc(G("ftrace_plt_init", sym("ftrace_regs_caller"))), 0);
	ck_assert_int_eq(rc(G("ftrace_plt_init", sym("ftrace_caller"))), -12); /* both used */
	close_image();
}
END_TEST

/* The misaligned fixture: at 4 mod 8 with its pads, refused everywhere, never written. */
START_TEST(call_ops_refuses_a_misaligned_function)
{
	uint64_t f, pad;
	uint32_t w[4];

	open_image("ftrace_ops");
	f = sym("traced_add3_misaligned");
	pad = sym("traced_add3_misaligned_pad");
	ck_assert_uint_eq(f % 8, 4);
	ck_assert_uint_eq(pad, f - 8);
	ck_assert_int_eq(rc(G("ftrace_ops_init_nop", f)), -22);
	ck_assert_int_eq(rc(G("ftrace_ops_make_call", f, sym("trace_ops"), sym("ftrace_caller_ops"))),
			 -22);
	ck_assert_int_eq(rc(G("ftrace_ops_register", sym("trace_ops"), f)), -22);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert(machine_read_u32(m, pad + 4 * i, &w[i]));
		ck_assert_uint_eq(w[i], 0xd503201f); /* every pad still a NOP */
	}
	ck_assert_uint_eq(G("traced_add3_misaligned", 1, 2, 3), 14);
	close_image();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm64_families");
	TCase *tc = tcase_create("scenarios");
	TCase *tu = tcase_create("guest_helpers");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, scenario_reaches_its_verdict, 0, (int)NCASES);
	tcase_add_test(tc, multi_step_under_stop_machine_needs_a_parked_runner);
	tcase_add_test(tc, checks_see_what_the_handlers_did);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tu, 60);
	tcase_add_test(tu, kprobe_insn_class_sorts_instructions);
	tcase_add_test(tu, kprobe_simulate_computes_from_the_probed_address);
	tcase_add_test(tu, kprobe_registration_errors);
	tcase_add_test(tu, entry_seq_steps_validate_and_reach_each_form);
	tcase_add_test(tu, call_ops_literal_and_registration);
	tcase_add_test(tu, call_ops_refuses_a_misaligned_function);
	tcase_add_test(tu, plt_reaches_the_far_trampoline);
	suite_add_tcase(s, tu);
	return run_check_suite(s);
}
