/*
 * outcome.c - the final outcomes of a litmus scenario: at the end of every complete execution
 * the values of its observables (the registers and memory locations its exists: condition
 * names, and those of observe:) are read from the machine and counted per distinct outcome;
 * after a complete search the verdict of the condition (Never, Sometimes, Always) is compared
 * with the scenario's outcome:, a mismatch failing as `litmus-outcome`.
 *
 * Nothing here assumes a memory model: an outcome is whatever the machine holds when every
 * hart has finished, so a weaker model that lets more executions end differently only adds
 * outcomes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

static uint64_t location_value(struct explorer *x, const struct scn_location *loc)
{
	const uint8_t *b = machine_ram_view(x->m, loc->addr, loc->size);
	uint64_t v = 0;

	for (unsigned i = 0; b && i < loc->size; i++) /* little-endian, as every arch here */
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void read_observables(struct explorer *x, uint64_t *values)
{
	const struct litmus_spec *l = &x->scn->litmus;

	for (unsigned i = 0; i < l->nobserve; i++) {
		const struct scn_observable *o = &l->observe[i];

		values[i] = o->hart < 0 ? location_value(x, &l->locations[o->index])
					: machine_reg(x->m, (unsigned)o->hart, (int)o->index);
	}
}

void litmus_note_outcome(struct explorer *x)
{
	const struct litmus_spec *l = &x->scn->litmus;
	struct litmus_outcomes *out = &x->outcomes;
	uint64_t values[SCN_MAX_OBSERVE] = {0};
	bool holds;
	unsigned i;

	if (!l->nobserve)
		return;
	read_observables(x, values);
	holds = litmus_cond_holds(l, values);
	out->executions++;
	out->holding += holds;
	for (i = 0; i < out->n; i++)
		if (memcmp(out->o[i].values, values, l->nobserve * sizeof(values[0])) == 0)
			break;
	if (i == out->n) {
		if (out->n == LITMUS_MAX_OUTCOMES) {
			out->unlisted++;
			return;
		}
		memcpy(out->o[i].values, values, sizeof(values));
		out->o[i].holds = holds;
		out->n++;
	}
	out->o[i].executions++;
}

enum litmus_verdict litmus_verdict_of(const struct litmus_outcomes *o)
{
	if (!o->executions)
		return LITMUS_NO_VERDICT;
	if (!o->holding)
		return LITMUS_NEVER;
	return o->holding == o->executions ? LITMUS_ALWAYS : LITMUS_SOMETIMES;
}

const char *litmus_verdict_name(enum litmus_verdict v)
{
	static const char *const names[] = {"never", "sometimes", "always", "none"};

	return v <= LITMUS_NO_VERDICT ? names[v] : "?";
}

/* A value as a condition would write it: small ones (signed at their width) in decimal. */
static int value_text(char *buf, size_t size, uint64_t v, unsigned width)
{
	int64_t s = width >= 8 ? (int64_t)v
		  : (int64_t)(v << (64 - 8 * width)) >> (64 - 8 * width);

	if (s > -65536 && s < 65536)
		return snprintf(buf, size, "%lld", (long long)s);
	return snprintf(buf, size, "0x%llx", (unsigned long long)v);
}

void litmus_outcome_text(const struct scenario *scn, const struct litmus_outcome *o, char *buf,
			 size_t size)
{
	const struct arch_model *arch = arch_model_find(scn->arch);
	const struct litmus_spec *l = &scn->litmus;
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < l->nobserve && used < size; i++) {
		const struct scn_observable *ob = &l->observe[i];
		unsigned width;
		int n;

		if (ob->hart < 0) {
			width = l->locations[ob->index].size;
			n = snprintf(buf + used, size - used, "%s%s=", i ? " " : "",
				     l->locations[ob->index].name);
		} else {
			width = arch ? arch->word_size : 8;
			n = snprintf(buf + used, size - used, "%s%d:%s=", i ? " " : "", ob->hart,
				     arch ? arch->reg_names[ob->index] : "?");
		}
		used += n > 0 ? (size_t)n : 0;
		if (used >= size)
			break;
		n = value_text(buf + used, size - used, o->values[i], width);
		used += n > 0 ? (size_t)n : 0;
	}
}

/* "outcomes seen: 0:x0=1 1:x0=0 (3); ...", as much as fits. */
static void outcomes_seen(const struct explorer *x, char *buf, size_t size)
{
	size_t used = 0;
	int n = snprintf(buf, size, "outcomes seen:");

	used = n > 0 ? (size_t)n : 0;
	for (unsigned i = 0; i < x->outcomes.n && used + 1 < size; i++) {
		char text[256];

		litmus_outcome_text(x->scn, &x->outcomes.o[i], text, sizeof(text));
		n = snprintf(buf + used, size - used, "%s %s%s (%lu)", i ? ";" : "", text,
			     x->outcomes.o[i].holds ? " [exists]" : "", x->outcomes.o[i].executions);
		used += n > 0 ? (size_t)n : 0;
	}
}

void litmus_check_outcome(struct explorer *x)
{
	const struct litmus_spec *l = &x->scn->litmus;
	enum litmus_verdict got = litmus_verdict_of(&x->outcomes);
	struct failure *f;
	char seen[300];

	if (x->failure || !x->stats.complete || !l->has_exists || l->expect == LITMUS_NO_VERDICT ||
	    got == l->expect || invariant_ignored(x, "litmus-outcome"))
		return;
	f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	snprintf(f->invariant, sizeof(f->invariant), "litmus-outcome");
	snprintf(f->expected, sizeof(f->expected), "%s", litmus_verdict_name(l->expect));
	snprintf(f->actual, sizeof(f->actual), "%s (%lu of %lu executions)",
		 litmus_verdict_name(got), x->outcomes.holding, x->outcomes.executions);
	outcomes_seen(x, seen, sizeof(seen));
	size_t n = (size_t)snprintf(f->message, sizeof(f->message),
		 "litmus-outcome: hart 0 step 0 at the end of the search: exists (%.80s): "
		 "expected %s, actual %s; ", l->exists, f->expected, f->actual);
	if (n < sizeof(f->message)) /* as much of the list as fits */
		memcpy(f->message + n, seen, strnlen(seen, sizeof(f->message) - n - 1) + 1);
	f->message[sizeof(f->message) - 1] = '\0';
	x->failure = f;
}
