/*
 * main.c - patchcheck's entry point: dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../emu/machine.h"
#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck <command> [options] [args]\n"
		"\n"
		"Verifies live code patching at the instruction level: runs the guest patcher and\n"
		"trampolines on several emulated harts and explores the interleavings.\n"
		"\n"
		"commands:\n"
		"  run FILE...     explore scenarios and compare each verdict with its expectation\n"
		"  gate [DIR|FILE...]  CI regression gate over scenarios (default: the bundled ones)\n"
		"  replay FAILURE  re-execute a stored failing schedule and show the same failure\n"
		"  report          show runs and failures from the report database (text, svg, html)\n"
		"  list [ARCH/IMAGE]  the guest images, their patch sites and callable functions\n"
		"  merge OUT.db IN.db...  combine the runs of shard databases into one run\n"
		"\n"
		"Run 'patchcheck <command> --help' for a command's options; 'patchcheck --version' for\n"
		"the version and where the guest images and bundled scenarios are.\n"
		"exit codes: 0 every verdict as expected; 1 a verdict did not match (a search that\n"
		"stopped short of its declared space is 'inconclusive' and does not match unless\n"
		"--allow-inconclusive); 2 bad usage or input; 3 the environment failed (results could\n"
		"not be recorded or written, out of memory, a lock held too long). When several\n"
		"apply, the largest wins.\n");
}

/* Unicorn could not allocate a hart's translation buffer and is ending the process. */
static void emulator_out_of_memory(void)
{
	static const char msg[] =
		"patchcheck: out of memory: the emulator could not allocate a hart's translation"
		" buffer (raise the memory or address-space limit, or run fewer harts)\n";

	ssize_t written;

	fflush(stdout);
	written = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)written; /* nothing more to do if stderr is gone */
	_exit(EXIT_ENVIRONMENT);
}

int main(int argc, char **argv)
{
	machine_heap_setup();
	machine_on_engine_out_of_memory(emulator_out_of_memory);
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_MATCH;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("patchcheck %s\nguest images: %s\nkernel-tree compatibility layer: %s\n"
		       "bundled scenarios: %s\n", PATCHCHECK_VERSION, explorer_guest_dir(NULL),
		       patchcheck_models_dir(), patchcheck_scenarios_dir());
		return EXIT_MATCH;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "gate") == 0)
		return cmd_gate(argc - 1, argv + 1);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	fprintf(stderr, "patchcheck: unknown command '%s' (try 'patchcheck --help')\n", argv[1]);
	return EXIT_BAD_INPUT;
}
