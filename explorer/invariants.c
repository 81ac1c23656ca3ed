/*
 * invariants.c - the names of the invariants the checks report, which a scenario's
 * `fails_with:` must use, and of the coverage kinds its `covers:` may demand.
 */
#include <string.h>

#include "explorer.h"

const char *const invariant_names[] = {
	"site-consistency",
	"cmodx",
	"coherence",
	"register-preservation",
	"lr-at-entry",
	"sp-at-entry",
	"regs-seen",
	"result",
	"body-once",
	"termination",
	"deadlock",
	"guest-fault",
	"patch-op",
	"stack-alignment",
	"stack-args",
	"literal-consistency",
	"ipmodify",
	"direct-call",
	"graph-return",
	"frame-chain",
	"vacuous",
	"litmus-outcome",
	"completion",
	NULL,
};

int coverage_kind_find(const char *name)
{
	for (int k = 0; k < COVER_KINDS; k++)
		if (strcmp(coverage_name((unsigned)k), name) == 0)
			return k;
	return -1;
}

bool invariant_known(const char *name)
{
	for (size_t i = 0; invariant_names[i]; i++)
		if (strcmp(invariant_names[i], name) == 0)
			return true;
	return false;
}
