/*
 * toolchain_internal.h - what toolchain.c and ktree.c share: files, hashes, running a tool.
 */
#ifndef PATCHCHECK_TOOLCHAIN_INTERNAL_H
#define PATCHCHECK_TOOLCHAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TC_FNV_OFFSET 1469598103934665603ull

/* printf into err[errlen]. */
void tc_say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* dir "/" and the printf-style rest into out (cut short names fail the tool that gets them). */
void tc_name_in(char *out, size_t size, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The whole file, NUL-terminated (malloc'd; *len its size when len), or NULL. */
char *tc_read_file(const char *path, size_t *len);
/* 64-bit FNV-1a steps: bytes, a string with its terminator, a file (the digest of its size and
 * content, file_digest.c; -1 when it cannot be read). */
void tc_hash_bytes(uint64_t *h, const void *data, size_t n);
void tc_hash_text(uint64_t *h, const char *s);
int tc_hash_file(uint64_t *h, const char *path);
/* Run argv (no shell) with stdout and stderr into log: its exit status, -1 if it did not run. */
int tc_run_tool(char *const argv[], const char *log);
/* The first line of log reporting an error (else its first line), with what was being done. */
void tc_first_error_line(const char *log, const char *what, char *err, size_t errlen);
/* rm -r (what can be removed). */
void tc_remove_tree(const char *dir);
/* mkdir -p: 0 or -1. */
int tc_make_dirs(const char *path);
/* Dependency lists ("hash path" per line, a file a build read): does every file still hash
 * as recorded; append path's line; append a line for every file a Make depfile names. */
bool tc_deps_hold(const char *deps);
void tc_record_dep(const char *path, FILE *out);
void tc_record_deps(const char *depfile, FILE *out);

#endif
