/*
 * shard.c - `--shard I/N`: the part of a run or gate that shard I of N runs, so a CI matrix or
 * a batch scheduler's job array can split one list of scenarios over several machines.
 *
 * The command orders its scenarios first (run: as given; gate: each root in turn, the files
 * under a directory sorted by path), then scenario k of that list (from 0) goes to shard
 * (k mod N) + 1. Dealing the list out in turn, rather than cutting it into N blocks, keeps the
 * shards balanced: the list is grouped by arch and family (the kernel-tree scenarios, the
 * costly random walks of one directory sit next to each other), and a block would hand one
 * shard a whole family while dealing spreads each family over every shard. Shard sizes differ
 * by at most one; the shards together hold every scenario exactly once, and a shard with no
 * scenario (N larger than the list) is an empty run, not an error.
 *
 * A list of one scenario is split by its search tree instead: every shard explores that
 * scenario, each the schedule prefixes the explorer deals to it (search.c), and together they
 * cover every trace. With --random, each shard walks from its own seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool shard_parse(const char *text, size_t len, unsigned long *index, unsigned long *count)
{
	const char *slash = memchr(text, '/', len);
	uint64_t i, n;

	if (!slash ||
	    whole_number_parse(text, (size_t)(slash - text), &i) != WHOLE_NUMBER_OK ||
	    whole_number_parse(slash + 1, len - (size_t)(slash + 1 - text), &n) != WHOLE_NUMBER_OK ||
	    n < 1 || n > SHARD_MAX_COUNT || i < 1 || i > n)
		return false;
	*index = (unsigned long)i;
	*count = (unsigned long)n;
	return true;
}

bool parse_shard_option(const char *cmd, const char *option, const char *text,
			struct cli_common *c)
{
	if (shard_parse(text, strlen(text), &c->shard_index, &c->shard_count))
		return true;
	fprintf(stderr, "patchcheck %s: %s wants I/N (shard I of N), whole numbers with"
		" 1 <= I <= N <= %lu (decimal or 0x hex), got '%s'\n", cmd, option,
		SHARD_MAX_COUNT, text);
	return false;
}

bool shard_of_command_line(const char *options, unsigned long *index, unsigned long *count)
{
	size_t len;
	const char *v = command_line_value(options, "--shard", &len);

	return v && shard_parse(v, len, index, count);
}

/* Does c's shard hold scenario k of the ordered list? */
static bool shard_holds(const struct cli_common *c, size_t k)
{
	if (c->shard_count == 0 || c->shard_tree)
		return true;
	return k % c->shard_count + 1 == c->shard_index;
}

size_t *shard_list_of(struct cli_common *c, size_t n, size_t *nheld)
{
	size_t *held = malloc((n ? n : 1) * sizeof(*held));

	c->shard_tree = c->shard_count > 1 && n == 1;
	*nheld = 0;
	if (!held)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (shard_holds(c, k))
			held[(*nheld)++] = k;
	return held;
}
