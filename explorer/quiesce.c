/*
 * quiesce.c - the schedule points the guest's quiescence wait (models/common/quiesce.c) counts.
 * Each top-level call a hart finishes is one: a kernel without preemption reaches cond_resched()
 * between two pieces of work, outside any traced function. A hart that has finished its
 * program is idle. The explorer writes the hart's pc_qs_count word as part of the hart's
 * transition, a write the reduction orders and that wakes a hart spinning on it.
 */
#include <string.h>

#include "exec.h"

/* The word of hart h, or NULL when the image has no quiescence wait. */
static uint8_t *count_word(struct explorer *x, unsigned h, uint64_t *addr)
{
	if (!x->qs_count_addr || h >= PC_MAX_HARTS)
		return NULL;
	*addr = x->qs_count_addr + 4ull * h;
	return machine_ram(x->m, *addr, 4);
}

void exec_quiesce_init(struct explorer *x)
{
	uint64_t addr, nharts_addr;
	uint8_t *w;

	if (!image_lookup(x->img, "pc_qs_count", &x->qs_count_addr))
		x->qs_count_addr = 0;
	if (!x->qs_count_addr || !image_lookup(x->img, "pc_qs_nharts", &nharts_addr))
		return;
	if ((w = machine_ram(x->m, nharts_addr, 4)))
		for (unsigned i = 0; i < 4; i++)
			w[i] = (uint8_t)(x->nharts >> (8 * i));
	for (unsigned h = 0; h < x->nharts; h++)
		if ((w = count_word(x, h, &addr)))
			memset(w, 0, 4);
}

/* Once a hart has read a counter (a quiescence wait began), each schedule point is a point of
 * the search of its own (transition.c): another hart may act between a hart's schedule point
 * and its next operation. */
void exec_note_quiesce_read(struct explorer *x, const struct mem_access *a)
{
	if (x->qs_count_addr && a->addr < x->qs_count_addr + 4ull * PC_MAX_HARTS &&
	    a->addr + a->size > x->qs_count_addr)
		x->st.qs_read = true;
}

void exec_schedule_point(struct explorer *x, unsigned h)
{
	uint64_t addr;
	uint8_t *w = count_word(x, h, &addr);
	uint32_t v = 0;

	if (!w)
		return;
	for (unsigned i = 0; i < 4; i++)
		v |= (uint32_t)w[i] << (8 * i);
	v = x->st.harts[h].done ? v | PC_QS_IDLE : ((v + 1) & ~PC_QS_IDLE);
	for (unsigned i = 0; i < 4; i++)
		w[i] = (uint8_t)(v >> (8 * i));
	if (x->st.ntransitions) /* not before the first transition (a hart with no program) */
		dpor_event_access(x, addr, 4, true);
}
