/*
 * sysregs.c - deterministic system registers. Nothing a guest reads may depend on host time or
 * on which engine runs it: timer counters return the hart's own instruction count, identity
 * registers the hart index, the cache type register what the fetch model assumes.
 *
 * This is about Unicorn's per-architecture hook API (only arm64 has an MRS hook in 2.0.1), so
 * it is keyed on the Unicorn architecture. Guests of other architectures are expected to take
 * hart ids from arch_model.hart_id_reg_id and not to read timers.
 */
#include "emu_internal.h"

/* System register encodings as (op0, op1, CRn, CRm, op2). */
struct sysreg_enc {
	uint32_t op0, op1, crn, crm, op2;
};

static const struct sysreg_enc A64_CNTVCT_EL0 = {3, 3, 14, 0, 2};
static const struct sysreg_enc A64_CNTPCT_EL0 = {3, 3, 14, 0, 1};
static const struct sysreg_enc A64_MPIDR_EL1 = {3, 0, 0, 0, 5};
static const struct sysreg_enc A64_CTR_EL0 = {3, 3, 0, 0, 1};

/* CTR_EL0 (DDI 0487 D19.2): bit 31 RES1, CWG = ERG = 4 (64 bytes), DminLine = IminLine = 4
 * (64-byte lines, the arch model's cache_line), L1Ip = PIPT; IDC (bit 28) and DIC (bit 29) as
 * the scenario's cache type says. */
#define A64_CTR_BASE 0x8444c004ull
#define A64_CTR_IDC (1ull << 28)
#define A64_CTR_DIC (1ull << 29)

static bool sysreg_is(const uc_arm64_cp_reg *cp, const struct sysreg_enc *e)
{
	return cp->op0 == e->op0 && cp->op1 == e->op1 && cp->crn == e->crn && cp->crm == e->crm &&
	       cp->op2 == e->op2;
}

/* Return 1 after writing Xt to skip the real read, 0 to let Unicorn execute it. */
static uint32_t on_a64_mrs(uc_engine *uc, uc_arm64_reg xt, const uc_arm64_cp_reg *cp, void *ud)
{
	struct hart *h = ud;
	uint64_t v;

	if (sysreg_is(cp, &A64_CNTVCT_EL0) || sysreg_is(cp, &A64_CNTPCT_EL0)) {
		v = h->steps + emu_batch_steps_before(h->m, h);
		h->m->clock_read = true; /* the clocks are now part of the state (state_hash.c) */
	}
	else if (sysreg_is(cp, &A64_MPIDR_EL1))
		v = (1ull << 31) | h->id; /* RES1 bit 31, Aff0 = hart */
	else if (sysreg_is(cp, &A64_CTR_EL0))
		v = A64_CTR_BASE | (h->m->cache_idc ? A64_CTR_IDC : 0) |
		    (h->m->cache_dic ? A64_CTR_DIC : 0);
	else
		return 0;
	if (xt != UC_ARM64_REG_XZR && xt != UC_ARM64_REG_INVALID)
		uc_reg_write(uc, (int)xt, &v);
	return 1;
}

int emu_sysregs_install(struct machine *m, struct hart *h)
{
	uc_hook hh;

	if (m->arch->uc_arch == UC_ARCH_ARM64) {
		uc_err e = uc_hook_add(h->uc, &hh, UC_HOOK_INSN, (void *)on_a64_mrs, h, 1, 0,
				       UC_ARM64_INS_MRS);
		if ((e = emu_hook_added(h, e, hh)) != UC_ERR_OK)
			return (int)e;
	}
	return 0;
}
