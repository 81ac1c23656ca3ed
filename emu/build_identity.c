/*
 * build_identity.c - what identifies the code that computes an answer kept across processes:
 * the GNU build IDs (the linker's NT_GNU_BUILD_ID note) of the running executable and of the
 * Unicorn library it loaded. A file of answers written by one build is read only by the same
 * build on the same Unicorn: any rebuild of either gives new IDs.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "emu_internal.h"

struct identity {
	char *out;
	size_t size;
	bool seen_exe;     /* the first object, the executable, was looked at */
	bool exe, unicorn; /* their IDs found */
};

/* The object's build ID appended to id->out in hex; false when it has none. */
static bool append_build_id(const struct dl_phdr_info *info, struct identity *id)
{
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;

		if (ph->p_type != PT_NOTE)
			continue;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const unsigned char *desc = (const unsigned char *)p + sizeof(*n) +
						    ((n->n_namesz + 3) & ~3u);

			if ((const char *)desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(p + sizeof(*n), "GNU", 4) == 0) {
				size_t len = strlen(id->out);

				for (ElfW(Word) k = 0; k < n->n_descsz && len + 3 < id->size; k++)
					len += (size_t)snprintf(id->out + len, id->size - len, "%02x",
								desc[k]);
				if (len + 2 < id->size)
					memcpy(id->out + len, "/", 2);
				return true;
			}
			p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return false;
}

static int visit(struct dl_phdr_info *info, size_t size, void *ud)
{
	struct identity *id = ud;

	(void)size;
	if (!id->seen_exe) { /* the executable comes first */
		id->seen_exe = true;
		id->exe = append_build_id(info, id);
		return !id->exe;
	}
	if (!id->unicorn && info->dlpi_name && strstr(info->dlpi_name, "/libunicorn."))
		id->unicorn = append_build_id(info, id);
	return id->exe && id->unicorn;
}

bool emu_build_identity(char *out, size_t size)
{
	struct identity id = {.out = out, .size = size};

	if (size == 0)
		return false;
	out[0] = '\0';
	dl_iterate_phdr(visit, &id);
	return id.exe && id.unicorn && strlen(out) + 1 < size;
}
