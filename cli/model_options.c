/*
 * model_options.c - the options that explore every scenario under another model than its file
 * names (run, gate, replay), and the values a stored run was given (so that its failures
 * replay under them): `--data-memory sc|arch` in place of each data_memory key, and
 * `--stop-machine guest|idealised`, Linux's stop_machine as guest code in place of the
 * idealised stop of the *_stopped functions.
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

int stop_machine_option(const char *cmd, const char *text)
{
	if (!strcmp(text, "guest") || !strcmp(text, "idealised"))
		return !strcmp(text, "guest");
	fprintf(stderr, "patchcheck %s: --stop-machine wants guest or idealised, got '%s'\n", cmd,
		text);
	return -1;
}

bool guest_stop_of_command_line(const char *options)
{
	size_t len;
	const char *v = command_line_value(options, "--stop-machine", &len);

	return v && len == 5 && !strncmp(v, "guest", 5);
}
