/*
 * tap.c - test results as TAP version 13, the format of the kernel's own selftests (kselftest)
 * and of the CI tools that read them: "TAP version 13", the plan "1..N", one line per case,
 * "ok N - suite: name", "not ok N - suite: name" followed by an indented YAML block with the
 * failure's type, message and details, "ok N - suite: name # SKIP reason" for a skipped one.
 * A bad scenario file is "not ok" with severity "error". A case classified against
 * gate --baseline has "baseline: CLASS" in its YAML block (ok cases get a block for it). The file is written whole or not at
 * all (output_file.c); the same results give the same file.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* s as a YAML double-quoted scalar on one line. */
static void put_yaml_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The description after "ok N - ": '#' would start a directive, so it becomes '_'. */
static void put_description(FILE *out, const struct junit_case *k)
{
	char text[600];

	snprintf(text, sizeof(text), "%s: %s", k->suite ? k->suite : "", k->name ? k->name : "");
	for (char *p = text; *p; p++)
		if (*p == '#' || *p == '\n')
			*p = '_';
	fputs(text, out);
}

static void put_case(FILE *out, size_t number, const struct junit_case *k)
{
	bool bad = k->outcome == JUNIT_FAILED || k->outcome == JUNIT_ERROR;

	fprintf(out, "%sok %zu - ", bad ? "not " : "", number);
	put_description(out, k);
	if (k->outcome == JUNIT_SKIPPED) {
		fputs(" # SKIP ", out);
		for (const char *p = k->message ? k->message : ""; *p; p++)
			fputc(*p == '\n' ? ' ' : *p, out);
	}
	fputc('\n', out);
	if (!bad && k->baseline) {
		fputs("  ---\n  baseline: ", out);
		put_yaml_string(out, k->baseline);
		fputs("\n  ...\n", out);
	}
	if (!bad)
		return;
	fputs("  ---\n  severity: ", out);
	fputs(k->outcome == JUNIT_ERROR ? "error" : "fail", out);
	fputs("\n  type: ", out);
	put_yaml_string(out, k->type);
	fputs("\n  message: ", out);
	put_yaml_string(out, k->message);
	if (k->baseline) {
		fputs("\n  baseline: ", out);
		put_yaml_string(out, k->baseline);
	}
	if (k->file) {
		fputs("\n  file: ", out);
		put_yaml_string(out, k->file);
	}
	if (k->text) {
		fputs("\n  details: ", out);
		put_yaml_string(out, k->text);
	}
	fputs("\n  ...\n", out);
}

int tap_write(const char *path, const struct junit_case *cases, size_t ncases, char *err,
	      size_t errlen)
{
	struct output_file out;

	if (output_open(&out, path, err, errlen))
		return -1;
	fprintf(out.f, "TAP version 13\n1..%zu\n", ncases);
	for (size_t i = 0; i < ncases; i++)
		put_case(out.f, i + 1, &cases[i]);
	return output_commit(&out, err, errlen);
}
