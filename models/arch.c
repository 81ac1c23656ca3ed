/*
 * arch.c - the table of arch models and lookups over it.
 */
#include <string.h>

#include "arch.h"

extern const struct arch_model arch_model_arm64;
extern const struct arch_model arch_model_riscv64;
extern const struct arch_model arch_model_arm;

static const struct arch_model *const arch_models[] = {
	&arch_model_arm64,
	&arch_model_riscv64,
	&arch_model_arm,
};

const struct arch_model *arch_model_find(const char *name)
{
	for (size_t i = 0; i < sizeof(arch_models) / sizeof(arch_models[0]); i++)
		if (strcmp(arch_models[i]->name, name) == 0)
			return arch_models[i];
	return NULL;
}

int arch_reg_index(const struct arch_model *arch, const char *name)
{
	for (unsigned i = 0; i < arch->nregs; i++)
		if (strcmp(arch->reg_names[i], name) == 0)
			return (int)i;
	return -1;
}

const struct arch_kernel_tree *arch_kernel_tree_for_image(const struct arch_model *arch,
							  const char *image)
{
	for (const struct arch_kernel_tree *k = arch->kernel_tree; k; k = k->other)
		if (!k->image || strcmp(k->image, image) == 0)
			return k;
	return NULL;
}
