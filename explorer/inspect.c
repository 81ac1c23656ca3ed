/*
 * inspect.c - what a guest image offers a scenario writer: its patch sites as the arch model
 * sees them (patchcheck list).
 */
#include <stdio.h>
#include <string.h>

#include "exec.h"

int explorer_image_sites(const char *arch_name, const char *path, struct image_site *out,
			 size_t max, size_t *n, char *err, size_t errlen)
{
	const struct arch_model *arch = arch_model_find(arch_name);
	struct site_layout lays[EX_MAX_SITES];
	struct image *img;
	struct machine *m;
	size_t found = 0;
	int rc;

	*n = 0;
	if (!arch) {
		snprintf(err, errlen, "%s: arch '%s' has no model in this build", path, arch_name);
		return 2;
	}
	if (!(img = image_load(path, arch, err, errlen)))
		return 2;
	arch = image_arch(arch, img);
	if (!(m = machine_open(arch, img, 1, FETCH_COHERENT, err, errlen))) {
		image_free(img);
		return 2;
	}
	rc = image_find_sites(arch, img, m, lays, EX_MAX_SITES, &found, err, errlen);
	for (size_t i = 0; rc == 0 && i < found && i < max; i++) {
		uint64_t off;
		const struct image_symbol *sym = image_symbol_at(img, lays[i].func, &off);

		snprintf(out[i].func, sizeof(out[i].func), "%s", sym ? sym->name : "?");
		out[i].start = lays[i].start;
		out[i].body = lays[i].body;
		out[i].call = lays[i].bl;
		out[i].literal = lays[i].literal;
		(*n)++;
	}
	machine_close(m);
	image_free(img);
	return rc;
}
