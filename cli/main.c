/*
 * main.c - patchcheck's entry point: dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>

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
		"\n"
		"Run 'patchcheck <command> --help' for a command's options.\n"
		"exit codes: 0 all as expected, 1 a verdict did not match, 2 bad usage or input\n");
}

int main(int argc, char **argv)
{
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
		printf("patchcheck %s\n", PATCHCHECK_VERSION);
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
	fprintf(stderr, "patchcheck: unknown command '%s' (try 'patchcheck --help')\n", argv[1]);
	return EXIT_BAD_INPUT;
}
