/*
 * fuzz_scenario_loader.c - libFuzzer target: any bytes as a scenario file. scenario_load must
 * return 0 or 2 with a one-line "file[:line:col]: what" message, never crash, leak or read
 * out of bounds (ASan, UBSan). Seeds: scenarios/ and tests/data/scenarios/ (scripts/fuzz.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explorer.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	char err[512];
	const char *path = fuzz_input_write(data, size);
	int rc = scenario_load(path, &s, err, sizeof(err));

	if (rc != 0 && rc != 2)
		abort();
	if (rc == 2 && (strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n')))
		abort(); /* an error must name the file and stay on one line */
	return 0;
}
