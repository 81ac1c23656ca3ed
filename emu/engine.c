/*
 * engine.c - a Unicorn engine of an arch model (its mode and CPU model set), the record of the
 * hooks a machine adds to a hart's engine (engine_pool.c deletes them), and each arch model's
 * slot in the per-process tables of the scratch-engine probes (context_layout.c, monitor.c,
 * reg_access.c): the models an image is decoded with (arm64, riscv64, A32, T32) take the
 * slots in the order first asked for.
 */
#include "emu_internal.h"

uc_err emu_engine_open(const struct arch_model *arch, uc_engine **uc)
{
	uc_err e = uc_open((uc_arch)arch->uc_arch, (uc_mode)arch->uc_mode, uc);

	if (e != UC_ERR_OK) {
		*uc = NULL;
		return e;
	}
	if (arch->uc_cpu_model >= 0 && (e = uc_ctl_set_cpu_model(*uc, arch->uc_cpu_model))) {
		uc_close(*uc);
		*uc = NULL;
	}
	return e;
}

int emu_arch_slot(const struct arch_model *arch)
{
	static const struct arch_model *slots[EMU_ARCH_SLOTS];
	int i = 0;

	while (i < EMU_ARCH_SLOTS && slots[i] && slots[i] != arch)
		i++;
	if (i == EMU_ARCH_SLOTS)
		return -1;
	slots[i] = arch;
	return i;
}

uc_err emu_hook_added(struct hart *h, uc_err e, uc_hook hh)
{
	if (e != UC_ERR_OK)
		return e;
	if (h->nhooks == EMU_HART_HOOKS) {
		uc_hook_del(h->uc, hh);
		return UC_ERR_NOMEM;
	}
	h->hooks[h->nhooks++] = hh;
	return UC_ERR_OK;
}
