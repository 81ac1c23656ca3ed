/*
 * image_hash.c - the identity of a guest image: a 64-bit FNV-1a hash of what the machine runs
 * and looks up, not of the file.
 *
 * A schedule replays only on the instructions it was found on, so the report database stores
 * this hash and `patchcheck replay` refuses an image whose hash differs. Hashing the whole file
 * would tie it to bytes that change nothing the machine does: DWARF (which names the checkout
 * it was built in), section and file layout, comments. Hashed, in this order: the ELF machine
 * and entry point; each loaded segment (PT_LOAD, in program-header order) as vaddr, memsz,
 * flags and its file bytes; the symbols the image keeps (in address order: name, value, size,
 * whether a function); the patch records. So the same code built in another checkout, or
 * with its debug sections stripped, has the same hash, and one changed instruction, symbol or
 * record gives another.
 */
#include <gelf.h>
#include <string.h>

#include "emu_internal.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* Little-endian, whatever the host. */
static uint64_t hash_u64(uint64_t h, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return hash_bytes(h, b, sizeof(b));
}

/* A name with its terminating NUL, so "ab"+"c" and "a"+"bc" differ. */
static uint64_t hash_string(uint64_t h, const char *s)
{
	return hash_bytes(h, s, strlen(s) + 1);
}

uint64_t emu_image_content_hash(Elf *elf, const uint8_t *file, size_t file_size,
				const struct image_symbol *syms, size_t nsyms,
				const uint64_t *records, size_t nrecords)
{
	uint64_t h = FNV_OFFSET;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t nph = 0;

	if (gelf_getehdr(elf, &eh)) {
		h = hash_u64(h, eh.e_machine);
		h = hash_u64(h, eh.e_entry);
	}
	if (elf_getphdrnum(elf, &nph) != 0)
		nph = 0;
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		h = hash_u64(h, ph.p_vaddr);
		if (ph.p_paddr != ph.p_vaddr) /* an alias: where it is loaded matters too */
			h = hash_u64(h, ph.p_paddr);
		h = hash_u64(h, ph.p_memsz);
		h = hash_u64(h, ph.p_flags);
		if (ph.p_offset <= file_size && ph.p_filesz <= file_size - ph.p_offset)
			h = hash_bytes(h, file + ph.p_offset, (size_t)ph.p_filesz);
	}
	h = hash_u64(h, nsyms);
	for (size_t i = 0; i < nsyms; i++) {
		h = hash_string(h, syms[i].name);
		h = hash_u64(h, syms[i].addr);
		h = hash_u64(h, syms[i].size);
		h = hash_u64(h, syms[i].is_func);
	}
	h = hash_u64(h, nrecords);
	for (size_t i = 0; i < nrecords; i++)
		h = hash_u64(h, records[i]);
	return h;
}
