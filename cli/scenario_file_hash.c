/*
 * scenario_file_hash.c - the content hash of a scenario file (stored with every result, so a
 * replay or a report can tell whether the file changed), and finding the file of a stored
 * result under the current layout of the bundled tree.
 *
 * The bundled tree renamed scenarios/riscv64/ to scenarios/riscv/ (Linux's arch/riscv), and
 * each scenario's name with it. A database written before keeps the old path and the hash of
 * the old file: its scenario is found at the new path, and counts as unchanged when the file
 * differs from the stored one by that rename only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct layout_rename {
	const char *old_dir, *new_dir;   /* a path component of the scenario file */
	const char *old_name, *new_name; /* the start of its name: line */
};

static const struct layout_rename layout_renames[] = {
	{"scenarios/riscv64/", "scenarios/riscv/", "name: riscv64/", "name: riscv/"},
};

static void hash_text(const char *text, size_t n, char out[17])
{
	unsigned long long h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ull;
	}
	snprintf(out, 17, "%016llx", h);
}

/* The whole file, NUL-terminated, or NULL. */
static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			char *b = realloc(buf, cap + 65536);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
			cap += 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

void file_hash(const char *path, char out[17])
{
	size_t n;
	char *text = read_text(path, &n);

	out[0] = 0;
	if (text)
		hash_text(text, n, out);
	free(text);
}

/* The hash the file at path had before rename r: its name: line (the first line that starts
 * with r->new_name) put back. "" when unreadable or when it has no such line. */
static void hash_before_rename(const char *path, const struct layout_rename *r, char out[17])
{
	size_t n, nn = strlen(r->new_name), on = strlen(r->old_name);
	char *text = read_text(path, &n), *line = text, *old;

	out[0] = 0;
	while (line && strncmp(line, r->new_name, nn) != 0) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (line && (old = malloc(n - nn + on + 1))) {
		size_t head = (size_t)(line - text);

		memcpy(old, text, head);
		memcpy(old + head, r->old_name, on);
		memcpy(old + head + on, line + nn, n - head - nn);
		hash_text(old, n - nn + on, out);
		free(old);
	}
	free(text);
}

void stored_scenario_file(const char *stored_path, char *path, size_t size, char hash[17])
{
	snprintf(path, size, "%s", stored_path);
	if (access(stored_path, R_OK) == 0) {
		file_hash(stored_path, hash);
		return;
	}
	hash[0] = 0;
	for (size_t i = 0; i < sizeof(layout_renames) / sizeof(layout_renames[0]); i++) {
		const struct layout_rename *r = &layout_renames[i];
		const char *at = strstr(stored_path, r->old_dir);
		char renamed[4096];

		if (!at)
			continue;
		snprintf(renamed, sizeof(renamed), "%.*s%s%s", (int)(at - stored_path), stored_path,
			 r->new_dir, at + strlen(r->old_dir));
		if (access(renamed, R_OK) != 0)
			continue;
		snprintf(path, size, "%s", renamed);
		hash_before_rename(renamed, r, hash);
		return;
	}
}
