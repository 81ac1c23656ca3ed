/*
 * litmus_source.c - a litmus scenario's code and data as assembly sources for the toolchain
 * (toolchain/toolchain.h), built into the scenario's image like the files of `sources:`.
 *
 * Each asm: hart gets a file holding routine litmus_hart<N>: the block as written, each line
 * indented as in the scenario file and preceded by a line marker naming the file and the line
 * the block starts on, so the assembler's messages point into the scenario (file:line:col);
 * then the arch's return (arch_model.asm_return). The contract of the routine, for the block's
 * author: it is called with no arguments, the registers of regs: set and every other register
 * the ABI leaves to the caller poisoned; it may use every register but sp and the link register
 * (x30, ra, lr), which it must leave as it found them, and it ends by running off the end of
 * the block (into the return), or by branching to a label at its end.
 *
 * memory: becomes one file of global words in .data, each aligned to its size, holding its
 * initial value: shared data any hart can address by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/toolchain.h"
#include "exec.h"

/* The path as a string literal of a line marker: quotes and backslashes escaped. */
static void put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void write_hart(FILE *out, const struct scenario *scn, const struct arch_model *arch,
		       unsigned h)
{
	const struct scn_hart *hart = &scn->harts[h];
	const char *line = hart->asm_text;
	unsigned indent = hart->pos_asm.col > 1 ? hart->pos_asm.col - 1 : 0;

	fprintf(out, "/* hart %u's asm: block, as routine litmus_hart%u */\n", h, h);
	fprintf(out, "\t.text\n\t%s\n\t.globl litmus_hart%u\n\t.type litmus_hart%u, %%function\n"
		"\t.balign 4\nlitmus_hart%u:\n", arch->asm_isa, h, h, h);
	/* the line before the block's, then an empty line: the preprocessor drops the blanks
	 * that begin the line right after a line marker, and the columns would be wrong */
	fprintf(out, "#line %u ", hart->pos_asm.line - 1);
	put_quoted(out, scn->path);
	fputs("\n\n", out);
	while (*line) {
		size_t len = strcspn(line, "\n");

		fprintf(out, "%*s%.*s\n", (int)indent, "", (int)len, line);
		line += len + (line[len] == '\n');
	}
	fprintf(out, "\t%s\n\t.size litmus_hart%u, . - litmus_hart%u\n", arch->asm_return, h, h);
}

static void write_memory(FILE *out, const struct litmus_spec *l)
{
	fprintf(out, "/* the scenario's memory: words */\n\t.data\n");
	for (unsigned i = 0; i < l->nlocations; i++) {
		const struct scn_location *loc = &l->locations[i];

		static const char *const directive[9] = {[1] = ".byte", [2] = ".2byte",
							 [4] = ".4byte", [8] = ".8byte"};

		fprintf(out, "\t.globl %s\n\t.type %s, %%object\n\t.balign %u\n%s:\n"
			"\t%s 0x%llx\n\t.size %s, %u\n", loc->name, loc->name, loc->size,
			loc->name, directive[loc->size], (unsigned long long)loc->value, loc->name,
			loc->size);
	}
}

/* The file of hart h's routine, or (memory) of the memory: words, written into the cache;
 * its path into path. 0, or 3 with err set (the machine could not write it). */
static int generate(const struct scenario *scn, const struct arch_model *arch, unsigned h,
		    bool memory, char *path, size_t size, char *err, size_t errlen)
{
	char *text = NULL, why[512];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	if (!out) {
		snprintf(err, errlen, "out of memory");
		return 3;
	}
	if (memory)
		write_memory(out, &scn->litmus);
	else
		write_hart(out, scn, arch, h);
	if (fclose(out) != 0) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return 3;
	}
	rc = toolchain_write_generated(text, ".S", path, size, why, sizeof(why));
	free(text);
	if (rc) {
		snprintf(err, errlen, "%s: the scenario's asm: code: %s", scn->path, why);
		return 3;
	}
	return 0;
}

int litmus_sources(const struct scenario *scn, const struct arch_model *arch,
		   char (*paths)[4096], struct toolchain_source *src, size_t *n, char *err,
		   size_t errlen)
{
	unsigned k = 0;
	int rc;

	for (unsigned h = 0; h < scn->nharts; h++) {
		if (scn->harts[h].role != ROLE_LITMUS)
			continue;
		if ((rc = generate(scn, arch, h, false, paths[k], 4096, err, errlen)))
			return rc;
		src[(*n)++] = (struct toolchain_source){.path = paths[k++]};
	}
	if (scn->litmus.nlocations) {
		if ((rc = generate(scn, arch, 0, true, paths[k], 4096, err, errlen)))
			return rc;
		src[(*n)++] = (struct toolchain_source){.path = paths[k++]};
	}
	return 0;
}
