/*
 * monitor.c - where the engine keeps a CPU's exclusive monitor (reservation) in the bytes
 * uc_context_save fills, found by running the arch's probe (arch.h monitor_probe) in a
 * scratch engine: a load-exclusive of a known value from a known address, then a clear.
 *
 * The monitor is an address and the value the load-exclusive read (QEMU's exclusive_addr and
 * exclusive_val; riscv's load_res and load_val). Once it is clear (the address is all ones,
 * after a store-exclusive, CLREX or an exception), the value is dead: the next store-exclusive
 * fails whatever it holds, and the next load-exclusive overwrites it. Left in, it would tell
 * apart states that differ only in what an atomic update read last (which CPU was last at a
 * rendezvous), so the state hash sets it to zero (emu_monitor_canonical).
 *
 * The layout is looked for once per process and arch. Not found (another engine version),
 * nothing is changed: the hash only merges fewer states.
 */
#include <string.h>

#include "emu_internal.h"

#define PROBE_CODE 0x10000ull
#define PROBE_DATA 0x11000ull
#define PROBE_VALUE 0x5a6b7c8d9eafb0c1ull

struct monitor_layout {
	const struct arch_model *arch; /* NULL: not set up yet */
	bool found;
	size_t addr_off, val_off;
};

static struct monitor_layout layouts[EMU_ARCH_SLOTS];

/* The 8-byte-aligned offsets where a holds x and b holds y, and only one. */
static bool find_field(const uint8_t *a, uint64_t x, const uint8_t *b, uint64_t y, size_t n,
		       size_t *off)
{
	unsigned found = 0;

	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint64_t va, vb;

		memcpy(&va, a + i, 8);
		memcpy(&vb, b + i, 8);
		if (va == x && vb == y) {
			*off = i;
			found++;
		}
	}
	return found == 1;
}

/* Run the probe: contexts after the load-exclusive (the destination register then zeroed,
 * so only the monitor holds the value) and after the clear. */
static bool probe(const struct arch_model *arch, struct monitor_layout *l)
{
	uc_engine *uc;
	uc_context *loaded = NULL, *cleared = NULL;
	uint64_t value = arch->word_size == 4 ? (uint32_t)PROBE_VALUE : PROBE_VALUE, zero = 0;
	uint64_t addr = PROBE_DATA, pc = PROBE_CODE;
	uint64_t thumb = arch->isa_state_mask && arch->isa_state_value; /* the pc's low bit */
	size_t n;
	bool ok = false;

	if (emu_engine_open(arch, &uc) != UC_ERR_OK)
		return false;
	if (uc_mem_map(uc, PROBE_CODE, 0x2000, UC_PROT_ALL) != UC_ERR_OK ||
	    uc_mem_write(uc, PROBE_CODE, arch->monitor_probe, sizeof(arch->monitor_probe)) ||
	    uc_mem_write(uc, PROBE_DATA, &value, 8) ||
	    uc_reg_write(uc, arch->reg_ids[arch->arg_regs[1]], &addr) ||
	    uc_context_alloc(uc, &loaded) || uc_context_alloc(uc, &cleared))
		goto out;
	n = uc_context_size(uc);
	if (uc_emu_start(uc, pc | thumb, 0, 0, 1) != UC_ERR_OK ||
	    uc_reg_write(uc, arch->reg_ids[arch->arg_regs[0]], &zero) != UC_ERR_OK)
		goto out;
	uc_context_save(uc, loaded);
	if (uc_reg_read(uc, arch->reg_ids[arch->reg_pc], &pc) != UC_ERR_OK ||
	    uc_emu_start(uc, pc | thumb, 0, 0, 1) != UC_ERR_OK)
		goto out;
	uc_context_save(uc, cleared);
	ok = find_field((const uint8_t *)loaded, addr, (const uint8_t *)cleared, ~0ull, n,
			&l->addr_off) &&
	     find_field((const uint8_t *)loaded, value, (const uint8_t *)cleared, value, n,
			&l->val_off);
out:
	if (loaded)
		uc_context_free(loaded);
	if (cleared)
		uc_context_free(cleared);
	uc_close(uc);
	return ok;
}

static const struct monitor_layout *layout_of(const struct arch_model *arch)
{
	int i = emu_arch_slot(arch);
	struct monitor_layout *l = i >= 0 ? &layouts[i] : NULL;

	if (!l)
		return NULL;
	if (!l->arch) {
		l->arch = arch;
		l->found = (arch->monitor_probe[0] || arch->monitor_probe[1]) && probe(arch, l);
	}
	return l;
}

bool machine_monitor_layout(const struct arch_model *arch, size_t *addr_off, size_t *val_off)
{
	const struct monitor_layout *l = layout_of(arch);

	if (!l || !l->found)
		return false;
	*addr_off = l->addr_off;
	*val_off = l->val_off;
	return true;
}

void emu_monitor_canonical(const struct arch_model *arch, uint8_t *ctx, size_t n)
{
	const struct monitor_layout *l = layout_of(arch);
	uint64_t a;

	if (!l || !l->found || l->addr_off + 8 > n || l->val_off + 8 > n)
		return;
	memcpy(&a, ctx + l->addr_off, 8);
	if (a == ~0ull)
		memset(ctx + l->val_off, 0, 8);
}
