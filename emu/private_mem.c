/*
 * private_mem.c - the memory each hart keeps to itself: its stack, and ranges the explorer
 * declares its own (a per-hart slot of the harness's instrumentation). A hart's accesses there
 * are local steps, not reported as shared. Another hart's access into them is reported, and
 * the explorer may then share the bytes (machine_share): from then on they are reported for
 * every hart, their owner included.
 */
#include <string.h>

#include "emu_internal.h"

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t bend)
{
	return a < bend && a + alen > b;
}

static bool shared_after_all(const struct machine *m, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < m->nshared_private; i++)
		if (overlaps(addr, len, m->shared_private[i].begin, m->shared_private[i].end))
			return true;
	return false;
}

static bool owned_by(const struct machine *m, unsigned h, uint64_t addr, uint64_t len, bool whole)
{
	if (whole ? addr >= m->stack_base[h] && addr + len <= m->stack_top[h]
		  : overlaps(addr, len, m->stack_base[h], m->stack_top[h]))
		return true;
	for (unsigned i = 0; i < m->nprivate[h]; i++) {
		const struct range *r = &m->private_ranges[h][i];

		if (whole ? addr >= r->begin && addr + len <= r->end
			  : overlaps(addr, len, r->begin, r->end))
			return true;
	}
	return false;
}

bool emu_private_to(const struct machine *m, const struct hart *h, uint64_t addr, uint64_t len)
{
	return !m->all_shared && owned_by(m, h->id, addr, len, true) &&
	       !shared_after_all(m, addr, len);
}

bool machine_add_private(struct machine *m, unsigned hart, uint64_t begin, uint64_t end)
{
	if (hart >= m->nharts || m->nprivate[hart] >= EMU_MAX_PRIVATE || begin >= end)
		return false;
	m->private_ranges[hart][m->nprivate[hart]++] = (struct range){begin, end};
	if (m->private_lo == m->private_hi || begin < m->private_lo)
		m->private_lo = begin;
	if (end > m->private_hi)
		m->private_hi = end;
	m->private_hashed[hart] = false;
	return true;
}

void emu_private_written(struct machine *m, uint64_t addr, uint64_t len)
{
	for (unsigned h = 0; h < m->nharts; h++)
		for (unsigned i = 0; i < m->nprivate[h] && m->private_hashed[h]; i++)
			if (overlaps(addr, len, m->private_ranges[h][i].begin,
				     m->private_ranges[h][i].end))
				m->private_hashed[h] = false;
}

uint64_t machine_private_hash(struct machine *m, unsigned hart)
{
	uint64_t v = 0;
	const uint8_t *p;

	if (hart >= m->nharts)
		return 0;
	if (m->private_hashed[hart])
		return m->private_hash[hart];
	for (unsigned i = 0; i < m->nprivate[hart]; i++) {
		const struct range *r = &m->private_ranges[hart][i];

		if ((p = emu_ram_ptr(m, r->begin, r->end - r->begin)))
			v = machine_hash_bytes(p, r->end - r->begin, v + i);
	}
	m->private_hash[hart] = v;
	m->private_hashed[hart] = true;
	return v;
}

int machine_private_owner(const struct machine *m, uint64_t addr, unsigned len)
{
	if (m->all_shared || shared_after_all(m, addr, len))
		return -1;
	for (unsigned h = 0; h < m->nharts; h++)
		if (owned_by(m, h, addr, len, false))
			return (int)h;
	return -1;
}

void machine_share(struct machine *m, uint64_t addr, unsigned len)
{
	uint64_t begin = addr & ~7ull, end = (addr + len + 7) & ~7ull;

	if (m->nshared_private < EMU_MAX_SHARED_PRIVATE)
		m->shared_private[m->nshared_private++] = (struct range){begin, end};
	else
		m->all_shared = true; /* too many to list: nothing is private any more */
}

void emu_private_reset(struct machine *m)
{
	memset(m->nprivate, 0, sizeof(m->nprivate));
	m->nshared_private = 0;
	m->all_shared = false;
}
