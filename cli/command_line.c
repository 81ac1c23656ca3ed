/*
 * command_line.c - the options a stored run was given (its command line: arguments joined by
 * spaces), read back: the word after an option.
 */
#include <string.h>

#include "cli.h"

const char *command_line_value(const char *options, const char *option, size_t *len)
{
	const char *p = options, *end;
	size_t n = strlen(option);
	bool after_option = false;

	while (p && *p) {
		while (*p == ' ')
			p++;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		if (after_option && end > p) {
			*len = (size_t)(end - p);
			return p;
		}
		after_option = (size_t)(end - p) == n && !strncmp(p, option, n);
		p = end;
	}
	return NULL;
}
