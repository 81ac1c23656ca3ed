/*
 * data_memory_option.c - `--data-memory sc|arch` (run, gate, replay): the data memory model
 * every scenario is explored under, in place of its data_memory key, and the model a stored
 * run was explored under (so that its failures replay under it).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const models[] = {"sc", "arch"};

const char *data_memory_option(const char *cmd, const char *text)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(text, models[i]))
			return models[i];
	fprintf(stderr, "patchcheck %s: --data-memory wants sc or arch, got '%s'\n", cmd, text);
	return NULL;
}

const char *data_memory_of_command_line(const char *options)
{
	size_t len;
	const char *v = command_line_value(options, "--data-memory", &len);

	for (size_t i = 0; v && i < sizeof(models) / sizeof(models[0]); i++)
		if (len == strlen(models[i]) && !strncmp(v, models[i], len))
			return models[i];
	return NULL;
}
