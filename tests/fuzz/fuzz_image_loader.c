/*
 * fuzz_image_loader.c - libFuzzer target: any bytes as a guest ELF image, loaded as each arch.
 * image_load must return an image or NULL with "path: reason", never crash, leak or read out
 * of bounds (ASan, UBSan); a loaded image must answer its queries (symbols, patch records,
 * the arch's choice of model) within what it loaded. Seeds: the built guest images and the
 * small ELFs of elf_seeds.py (scripts/fuzz.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fuzz_input.h"

static bool func_at(void *ud, uint64_t addr, uint64_t *func)
{
	uint64_t off;
	const struct image_symbol *sym = image_symbol_at(ud, addr, &off);

	if (!sym || !sym->is_func)
		return false;
	*func = addr - off;
	return true;
}

static bool lookup(void *ud, const char *name, uint64_t *addr)
{
	return image_lookup(ud, name, addr);
}

static void query(const struct image *img, const struct arch_model *arch)
{
	const struct image_symbol *syms;
	const uint64_t *records;
	size_t nsyms = image_symbols(img, &syms);
	size_t nrecords = image_patch_records(img, &records);
	struct site_source src = {.ud = (void *)img, .func_at = func_at, .lookup = lookup};
	uint64_t addr, off;

	if (image_base(img) > image_end(img) || image_text_begin(img) > image_text_end(img))
		abort();
	for (size_t i = 0; i < nsyms && i < 64; i++) {
		image_lookup(img, syms[i].name, &addr);
		image_symbol_at(img, syms[i].addr, &off);
		image_symbol_at(img, syms[i].addr + syms[i].size, &off);
	}
	for (size_t i = 0; i < nrecords && i < 64; i++)
		image_symbol_at(img, records[i], &off);
	image_symbol_at(img, image_text_begin(img), &off);
	image_symbol_at(img, UINT64_MAX, &off);
	arch_model_for_image(arch, &src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arches[] = {"arm64", "riscv64", "arm"};
	const char *path = fuzz_input_write(data, size);
	char err[512];

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		const struct arch_model *arch = arch_model_find(arches[i]);
		struct image *img = image_load(path, arch, err, sizeof(err));

		if (!img) {
			if (strncmp(err, path, strlen(path)) != 0)
				abort(); /* an error names the file */
			continue;
		}
		query(img, arch);
		image_free(img);
	}
	return 0;
}
