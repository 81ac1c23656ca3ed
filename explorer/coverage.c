/*
 * coverage.c - what the executions of a scenario reached (enum coverage_kind in explorer.h),
 * and which forms of each site their passes executed: each execution collects the kinds and
 * forms it reached in exec_state.covered and forms_reached, a complete execution adds them to
 * run_stats.covered and run_stats.forms, and a search that passes without reaching a kind the
 * scenario's `covers:` demands fails as `vacuous`: a pass that never exercised what the
 * scenario is about says nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

void coverage_note(struct explorer *x, enum coverage_kind kind)
{
	x->st.covered |= 1u << kind;
}

/* Before hart h's transition: every other unfinished hart standing inside a site (past its
 * first instruction, before the body) is held there while h runs. */
void coverage_note_parked(struct explorer *x, unsigned h)
{
	for (unsigned p = 0; p < x->nharts; p++)
		if (p != h && !x->st.harts[p].done && exec_inside_site(x, p)) {
			coverage_note(x, COVER_PARKED_IN_SITE);
			return;
		}
}

/* "traced_add3:d503201f.94000010": the site's function and the form's instructions, each as
 * its encoding reads (a 32-bit Thumb-2 instruction as its two halfwords, first one low). */
static void form_name(const struct explorer *x, const struct site *s, const uint8_t *form,
		      char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s:", s->name);

	for (unsigned off = 0, ilen; off < s->size && n < len; off += ilen) {
		uint8_t insn[4] = {0};

		for (unsigned k = 0; k < 4 && off + k < s->size; k++)
			insn[k] = form[off + k];
		ilen = x->arch->insn_length(insn);
		if (ilen == 0 || off + ilen > s->size)
			ilen = s->size - off;
		n += (size_t)snprintf(buf + n, len - n, "%s", off ? "." : "");
		for (unsigned k = ilen; k-- > 0 && n < len;)
			n += (size_t)snprintf(buf + n, len - n, "%02x", form[off + k]);
	}
}

void coverage_note_form(struct explorer *x, const struct frame *f)
{
	const struct site *s = &x->sites[f->site];
	const struct site_history *hist = &x->st.history[f->site];
	int form = f->fetched_mask ? site_form_of_pass(hist, f, s->size) : -1;
	struct run_stats *st = &x->stats;
	char name[SITE_FORM_NAME_MAX];
	unsigned i;

	if (form < 0) /* nothing fetched, or a mix: site-consistency reports that */
		return;
	form_name(x, s, hist->forms[form], name, sizeof(name));
	for (i = 0; i < st->nforms && strcmp(st->forms[i].form, name) != 0; i++)
		;
	if (i == st->nforms) {
		if (st->nforms == RUN_MAX_SITE_FORMS)
			return;
		snprintf(st->forms[st->nforms++].form, sizeof(st->forms[0].form), "%s", name);
	}
	x->st.forms_reached |= 1ull << i;
}

void coverage_count_execution(struct explorer *x)
{
	for (unsigned k = 0; k < COVER_KINDS; k++)
		if (x->st.covered & (1u << k))
			x->stats.covered[k]++;
	for (unsigned i = 0; i < x->stats.nforms; i++)
		if (x->st.forms_reached & (1ull << i))
			x->stats.forms[i].executions++;
}

void check_vacuous(struct explorer *x)
{
	struct failure *f;

	if (x->failure || x->stats.truncated || !x->scn->covers)
		return;
	for (unsigned k = 0; k < COVER_KINDS; k++) {
		if (!(x->scn->covers & (1u << k)) || x->stats.covered[k] ||
		    (x->stats.covered_cut & (1u << k)))
			continue;
		f = calloc(1, sizeof(*f));
		if (!f)
			abort();
		snprintf(f->invariant, sizeof(f->invariant), "vacuous");
		snprintf(f->expected, sizeof(f->expected), "an execution that reaches %s",
			 coverage_name(k));
		snprintf(f->actual, sizeof(f->actual), "none of %lu", x->stats.executions);
		snprintf(f->message, sizeof(f->message),
			 "vacuous: hart 0 step 0 at the end of the search: the scenario covers %s, "
			 "and no execution reached it: expected %s, actual %s", coverage_name(k),
			 f->expected, f->actual);
		x->failure = f;
		return;
	}
}
