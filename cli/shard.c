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
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

bool parse_shard_option(const char *cmd, const char *option, const char *text,
			struct cli_common *c)
{
	const char *slash = strchr(text, '/');
	uint64_t index, count;

	if (slash &&
	    whole_number_parse(text, (size_t)(slash - text), &index) == WHOLE_NUMBER_OK &&
	    whole_number_parse(slash + 1, strlen(slash + 1), &count) == WHOLE_NUMBER_OK &&
	    count >= 1 && count <= SHARD_MAX_COUNT && index >= 1 && index <= count) {
		c->shard_index = (unsigned long)index;
		c->shard_count = (unsigned long)count;
		return true;
	}
	fprintf(stderr, "patchcheck %s: %s wants I/N (shard I of N), whole numbers with"
		" 1 <= I <= N <= %lu (decimal or 0x hex), got '%s'\n", cmd, option,
		SHARD_MAX_COUNT, text);
	return false;
}

bool shard_holds(const struct cli_common *c, size_t k)
{
	if (c->shard_count == 0)
		return true;
	return k % c->shard_count + 1 == c->shard_index;
}
