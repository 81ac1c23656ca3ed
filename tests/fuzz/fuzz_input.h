/*
 * fuzz_input.h - the file a fuzz target hands to a loader that reads a path: one temporary file
 * per process, rewritten with each input. Shared by the targets of tests/fuzz/.
 */
#ifndef PATCHCHECK_FUZZ_INPUT_H
#define PATCHCHECK_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The path of the process's input file (created on first use, removed at exit). */
static char fuzz_input_path[] = "/tmp/patchcheck-fuzz-XXXXXX";

static void fuzz_input_remove(void)
{
	unlink(fuzz_input_path);
}

/* Replaces the input file's contents with data; returns its path (aborts on I/O errors, which
 * are the machine's, not the input's). */
static const char *fuzz_input_write(const uint8_t *data, size_t size)
{
	static int fd = -1;

	if (fd < 0) {
		fd = mkstemp(fuzz_input_path);
		if (fd < 0) {
			perror("mkstemp");
			abort();
		}
		atexit(fuzz_input_remove);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror(fuzz_input_path);
		abort();
	}
	return fuzz_input_path;
}

#endif
