/*
 * option_number.c - the value of a numeric command-line option: a whole number (plain decimal
 * or 0x hex, the whole argument; see whole_number.c) from min to max, or a one-line message
 * naming the command, the option and the value.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

bool option_number(const char *cmd, const char *option, const char *text, uint64_t min,
		   uint64_t max, uint64_t *value)
{
	if (whole_number_in_range(text, min, max, value))
		return true;
	fprintf(stderr, "patchcheck %s: %s wants a whole number from %" PRIu64 " to %" PRIu64
		" (decimal or 0x hex), got '%s'\n", cmd, option, min, max, text);
	return false;
}
