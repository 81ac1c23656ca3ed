/*
 * junit.c - test results as JUnit XML: <testsuites> holding one <testsuite> per suite with
 * tests/failures/errors/skipped/time counts, one <testcase classname name file time> per case,
 * and in it <failure message type>, <error message type> or <skipped message>. That is the
 * subset GitLab, Jenkins and the GitHub test-report actions all read. A case classified against
 * gate --baseline carries <properties><property name="baseline" value="CLASS"/></properties>,
 * and its failure's message starts with "CLASS: ".
 *
 * Every string is XML-escaped, control characters and bytes that are not UTF-8 become '?',
 * and the output depends only on the cases (times included), so the same results give the same
 * file. It is written to a temporary file renamed over path: a reader never sees half of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF, and U+FFFE/U+FFFF (not XML) */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90) ||
	    (s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe))
		return 0;
	return n;
}

/* s XML-escaped; in an attribute, line breaks and tabs as character references so they
 * survive attribute-value normalization. */
static void put_escaped(FILE *out, const char *s, bool attribute)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n;

		switch (*p) {
		case '&': fputs("&amp;", out); p++; continue;
		case '<': fputs("&lt;", out); p++; continue;
		case '>': fputs("&gt;", out); p++; continue;
		case '"': fputs("&quot;", out); p++; continue;
		case '\'': fputs("&apos;", out); p++; continue;
		case '\n': fputs(attribute ? "&#10;" : "\n", out); p++; continue;
		case '\t': fputs(attribute ? "&#9;" : "\t", out); p++; continue;
		case '\r': fputs("&#13;", out); p++; continue;
		default:
			break;
		}
		if (*p < 0x20) {
			fputc('?', out);
			p++;
			continue;
		}
		n = utf8_sequence_length(p);
		if (n == 0) {
			fputc('?', out);
			p++;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
}

static void put_attribute(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	put_escaped(out, value, true);
	fputc('"', out);
}

struct junit_counts {
	size_t tests, failures, errors, skipped;
	double seconds;
};

static void count_case(struct junit_counts *c, const struct junit_case *k)
{
	c->tests++;
	c->failures += k->outcome == JUNIT_FAILED;
	c->errors += k->outcome == JUNIT_ERROR;
	c->skipped += k->outcome == JUNIT_SKIPPED;
	c->seconds += k->seconds;
}

static void put_counts(FILE *out, const struct junit_counts *c)
{
	fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
		c->tests, c->failures, c->errors, c->skipped, c->seconds);
}

static void put_case(FILE *out, const struct junit_case *k)
{
	static const char *const element[] = {
		[JUNIT_FAILED] = "failure", [JUNIT_ERROR] = "error", [JUNIT_SKIPPED] = "skipped",
	};

	fputs("    <testcase", out);
	put_attribute(out, "classname", k->classname);
	put_attribute(out, "name", k->name);
	if (k->file)
		put_attribute(out, "file", k->file);
	fprintf(out, " time=\"%.3f\"", k->seconds);
	if (k->outcome == JUNIT_PASSED && !k->baseline) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	if (k->baseline) {
		fputs("      <properties><property name=\"baseline\"", out);
		put_attribute(out, "value", k->baseline);
		fputs("/></properties>\n", out);
	}
	if (k->outcome == JUNIT_PASSED) {
		fputs("    </testcase>\n", out);
		return;
	}
	fprintf(out, "      <%s message=\"", element[k->outcome]);
	if (k->baseline && k->outcome == JUNIT_FAILED) {
		put_escaped(out, k->baseline, true);
		fputs(": ", out);
	}
	put_escaped(out, k->message, true);
	fputc('"', out);
	if (k->outcome != JUNIT_SKIPPED && k->type)
		put_attribute(out, "type", k->type);
	if (k->outcome == JUNIT_SKIPPED || !k->text) {
		fputs("/>\n", out);
	} else {
		fputc('>', out);
		put_escaped(out, k->text, false);
		fprintf(out, "</%s>\n", element[k->outcome]);
	}
	fputs("    </testcase>\n", out);
}

static bool same_suite(const struct junit_case *a, const struct junit_case *b)
{
	return strcmp(a->suite ? a->suite : "", b->suite ? b->suite : "") == 0;
}

/* Has the suite of cases[i] appeared before i? Then its cases were written with that one. */
static bool suite_seen_before(const struct junit_case *cases, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same_suite(&cases[j], &cases[i]))
			return true;
	return false;
}

static void put_document(FILE *out, const char *name, const struct junit_case *cases, size_t n)
{
	struct junit_counts all = {0};

	for (size_t i = 0; i < n; i++)
		count_case(&all, &cases[i]);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
	put_attribute(out, "name", name);
	put_counts(out, &all);
	fputs(">\n", out);
	for (size_t i = 0; i < n; i++) {
		struct junit_counts suite = {0};

		if (suite_seen_before(cases, i))
			continue;
		for (size_t j = i; j < n; j++)
			if (same_suite(&cases[j], &cases[i]))
				count_case(&suite, &cases[j]);
		fputs("  <testsuite", out);
		put_attribute(out, "name", cases[i].suite);
		put_counts(out, &suite);
		fputs(">\n", out);
		for (size_t j = i; j < n; j++)
			if (same_suite(&cases[j], &cases[i]))
				put_case(out, &cases[j]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
}

int junit_write(const char *path, const char *name, const struct junit_case *cases,
		size_t ncases, char *err, size_t errlen)
{
	struct output_file out;

	if (output_open(&out, path, err, errlen))
		return -1;
	put_document(out.f, name, cases, ncases);
	return output_commit(&out, err, errlen);
}
