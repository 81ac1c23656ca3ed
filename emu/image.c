/*
 * image.c - the guest image: an ELF executable read with libelf. Keeps what the machine and the
 * tool need: the loaded bytes of every PT_LOAD segment, the text range, the aliases (segments
 * linked far from where they are loaded), the symbols (sorted by address for image_symbol_at),
 * the records of __patchable_function_entries, the prototypes of its C functions
 * (image_dwarf.c), and the hash that identifies it in replayable schedules (image_hash.c: of
 * its contents, not of the file). A loaded image is immutable and shared: a few are kept per
 * process while their file is unchanged, so that the scenarios of one image load it once.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_internal.h"

#define IMAGE_MAX_FILE (256u << 20)
#define IMAGE_MAX_LOADED (256u << 20)

struct image {
	char *path;
	char hash[17];
	uint64_t serial;            /* unique per image loaded in this process */
	uint64_t base, end;
	uint8_t *bytes;             /* [base, end) */
	uint64_t text_begin, text_end;
	struct image_alias aliases[EMU_MAX_ALIASES]; /* segments linked far, loaded near */
	unsigned naliases;
	struct image_symbol *syms;  /* sorted by sym_start() */
	uint64_t max_size;          /* largest symbol size: bounds the search in image_symbol_at */
	size_t nsyms;
	char *strings;              /* all symbol names */
	uint64_t *records;
	size_t nrecords;
	struct image_mapping *maps; /* arm mapping symbols ($a, $t, $d), sorted by address */
	size_t nmaps;
	struct image_prototypes protos; /* image_dwarf.c */
};

/* From an ELF mapping symbol: what the bytes from addr on are (AAELF32, 5.5.5 "Mapping
 * symbols": $a A32 code, $t T32 code, $d data; a suffix ".n" may follow). */
struct image_mapping {
	uint64_t addr;
	char kind;
};

struct loader {
	const char *path;
	const struct arch_model *arch;
	char *err;
	size_t errlen;
	uint8_t *file;
	size_t file_size;
	Elf *elf;
	GElf_Ehdr eh;
	struct image *img;
};

__attribute__((format(printf, 2, 3))) static int fail(struct loader *l, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->err && l->errlen)
		snprintf(l->err, l->errlen, "%s: %s", l->path, msg);
	return -1;
}

static void image_release(struct image *img);

static int read_file(struct loader *l)
{
	struct stat st;
	int fd = open(l->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(l, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return fail(l, "cannot open: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(l, "cannot open: not a regular file");
	}
	if ((uint64_t)st.st_size > IMAGE_MAX_FILE) {
		close(fd);
		return fail(l, "file too large (%lld bytes)", (long long)st.st_size);
	}
	l->file_size = (size_t)st.st_size;
	l->file = malloc(l->file_size ? l->file_size : 1);
	if (!l->file) {
		close(fd);
		return fail(l, "out of memory");
	}
	size_t got = 0;
	while (got < l->file_size) {
		ssize_t r = read(fd, l->file + got, l->file_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			close(fd);
			return fail(l, "cannot read: %s", strerror(e));
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

static int machine_for_arch(const char *name)
{
	if (strcmp(name, "arm64") == 0)
		return EM_AARCH64;
	if (strcmp(name, "riscv64") == 0)
		return EM_RISCV;
	if (strcmp(name, "arm") == 0 || strcmp(name, "arm32") == 0)
		return EM_ARM;
	return -1;
}

static int check_header(struct loader *l)
{
	if (elf_kind(l->elf) != ELF_K_ELF || !gelf_getehdr(l->elf, &l->eh))
		return fail(l, "not an ELF file");
	int want = machine_for_arch(l->arch->name);
	if (want < 0)
		return fail(l, "no ELF machine known for arch %s", l->arch->name);
	if (l->eh.e_machine != want)
		return fail(l, "wrong machine: e_machine %u, %s needs %d", (unsigned)l->eh.e_machine,
			    l->arch->name, want);
	int cls = gelf_getclass(l->elf);
	if ((l->arch->word_size == 8 && cls != ELFCLASS64) ||
	    (l->arch->word_size == 4 && cls != ELFCLASS32))
		return fail(l, "wrong ELF class for %s", l->arch->name);
	if (l->eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(l, "not a little-endian ELF");
	return 0;
}

static int load_segments(struct loader *l)
{
	struct image *img = l->img;
	size_t nph;
	GElf_Phdr ph;
	bool any = false, anyx = false;
	uint64_t xb = UINT64_MAX, xe = 0;

	if (elf_getphdrnum(l->elf, &nph) != 0)
		return fail(l, "bad program headers: %s", elf_errmsg(-1));
	img->base = UINT64_MAX;
	img->end = 0;
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(l->elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr || ph.p_filesz > ph.p_memsz ||
		    ph.p_paddr + ph.p_memsz < ph.p_paddr)
			return fail(l, "bad PT_LOAD segment %zu", i);
		any = true;
		if (ph.p_paddr != ph.p_vaddr) { /* linked far, loaded near: an alias */
			struct image_alias *a = &img->aliases[img->naliases];

			if (img->naliases == EMU_MAX_ALIASES)
				return fail(l, "more than %u segments loaded away from their address",
					    EMU_MAX_ALIASES);
			if ((ph.p_vaddr - ph.p_paddr) % EMU_PAGE != 0)
				return fail(l, "PT_LOAD segment %zu: address 0x%" PRIx64
					    " and load address 0x%" PRIx64 " differ by a partial page",
					    i, (uint64_t)ph.p_vaddr, (uint64_t)ph.p_paddr);
			a->vaddr = ph.p_vaddr;
			a->paddr = ph.p_paddr;
			a->size = ph.p_memsz;
			img->naliases++;
		}
		if (ph.p_paddr < img->base)
			img->base = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > img->end)
			img->end = ph.p_paddr + ph.p_memsz;
		if (ph.p_paddr != ph.p_vaddr)
			continue; /* never text: nothing runs at its load address, nothing writes it */
		if (ph.p_flags & PF_X) {
			anyx = true;
			if (ph.p_vaddr < xb)
				xb = ph.p_vaddr;
			if (ph.p_vaddr + ph.p_memsz > xe)
				xe = ph.p_vaddr + ph.p_memsz;
		}
	}
	if (!any)
		return fail(l, "no loadable segment");
	if (img->end - img->base > IMAGE_MAX_LOADED)
		return fail(l, "loaded range 0x%" PRIx64 "-0x%" PRIx64 " is too large", img->base,
			    img->end);
	img->bytes = calloc(1, (size_t)(img->end - img->base));
	if (!img->bytes)
		return fail(l, "out of memory");
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(l->elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_offset > l->file_size || ph.p_filesz > l->file_size - ph.p_offset)
			return fail(l, "PT_LOAD segment %zu extends past the end of the file", i);
		memcpy(img->bytes + (ph.p_paddr - img->base), l->file + ph.p_offset,
		       (size_t)ph.p_filesz);
	}
	img->text_begin = anyx ? xb : 0;
	img->text_end = anyx ? xe : 0;
	return 0;
}

/* Text = the hull of the allocated executable sections, if the file has sections. */
static void find_text_sections(struct loader *l)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	uint64_t b = UINT64_MAX, e = 0;

	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_size == 0)
			continue;
		if ((sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR))
			continue;
		if (image_alias_of(l->img, sh.sh_addr))
			continue; /* far code, read-only to the guest: not the patchable text */
		if (sh.sh_addr < b)
			b = sh.sh_addr;
		if (sh.sh_addr + sh.sh_size > e)
			e = sh.sh_addr + sh.sh_size;
	}
	if (e > b && b >= l->img->base && e <= l->img->end) {
		l->img->text_begin = b;
		l->img->text_end = e;
	}
}

static int load_records(struct loader *l)
{
	struct image *img = l->img;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;
	unsigned ws = l->arch->word_size;

	if (elf_getshdrstrndx(l->elf, &shstrndx) != 0)
		return 0; /* no section names: no records */
	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		const char *name = elf_strptr(l->elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, "__patchable_function_entries") != 0)
			continue;
		Elf_Data *d = NULL;
		while ((d = elf_getdata(scn, d)) != NULL) {
			if (!d->d_buf || d->d_size < ws)
				continue;
			size_t n = d->d_size / ws;
			uint64_t *r = realloc(img->records, (img->nrecords + n) * sizeof(*r));
			if (!r)
				return fail(l, "out of memory");
			img->records = r;
			const uint8_t *p = d->d_buf;
			for (size_t i = 0; i < n; i++) {
				uint64_t v = 0;
				for (unsigned b = 0; b < ws; b++)
					v |= (uint64_t)p[i * ws + b] << (8 * b);
				img->records[img->nrecords++] = v;
			}
		}
	}
	return 0;
}

/* Where a symbol's bytes start: function addresses are at least 2-aligned on every arch, and
 * bit 0 set means Thumb on arm. */
static uint64_t sym_start(const struct image_symbol *s)
{
	return s->is_func ? s->addr & ~1ull : s->addr;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct image_symbol *x = a, *y = b;
	uint64_t xa = sym_start(x), ya = sym_start(y);

	if (xa != ya)
		return xa < ya ? -1 : 1;
	if (x->is_func != y->is_func)
		return x->is_func ? 1 : -1; /* functions after others: found first scanning back */
	return strcmp(x->name, y->name);
}

static int load_symbols(struct loader *l)
{
	struct image *img = l->img;
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB && !symtab)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM && !dynsym)
			dynsym = scn;
	}
	scn = symtab ? symtab : dynsym;
	if (!scn)
		return 0;
	gelf_getshdr(scn, &sh);
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || sh.sh_entsize == 0)
		return 0;
	size_t n = d->d_size / sh.sh_entsize, names = 0, count = 0;
	GElf_Sym s;

	/* Two passes: count and size the names, then fill. */
	for (int pass = 0; pass < 2; pass++) {
		char *str = img->strings;
		for (size_t i = 1; i < n; i++) {
			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF)
				continue;
			int type = GELF_ST_TYPE(s.st_info);
			if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
				continue;
			const char *name = elf_strptr(l->elf, sh.sh_link, s.st_name);
			if (!name || !name[0] || name[0] == '$')
				continue; /* unnamed, or a mapping symbol ($x, $d, $a, $t) */
			size_t len = strlen(name) + 1;
			if (pass == 0) {
				names += len;
				count++;
				continue;
			}
			struct image_symbol *sym = &img->syms[img->nsyms++];
			memcpy(str, name, len);
			sym->name = str;
			str += len;
			sym->addr = s.st_value;
			sym->size = s.st_size;
			sym->is_func = type == STT_FUNC;
			if (sym->size > img->max_size)
				img->max_size = sym->size;
		}
		if (pass == 0) {
			if (count == 0)
				return 0;
			img->strings = malloc(names);
			img->syms = calloc(count, sizeof(*img->syms));
			if (!img->strings || !img->syms)
				return fail(l, "out of memory");
		}
	}
	qsort(img->syms, img->nsyms, sizeof(*img->syms), sym_cmp);
	return 0;
}

static int map_cmp(const void *a, const void *b)
{
	const struct image_mapping *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The arm mapping symbols of the symbol table, for image_code_kind_at. */
static int load_mapping_symbols(struct loader *l)
{
	struct image *img = l->img;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym s;

	if (l->eh.e_machine != EM_ARM)
		return 0;
	while ((scn = elf_nextscn(l->elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf || sh.sh_entsize == 0)
		return 0;
	size_t n = d->d_size / sh.sh_entsize;
	img->maps = calloc(n ? n : 1, sizeof(*img->maps));
	if (!img->maps)
		return fail(l, "out of memory");
	for (size_t i = 1; i < n; i++) {
		const char *name;

		if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(l->elf, sh.sh_link, s.st_name);
		if (!name || name[0] != '$' || !strchr("atd", name[1] ? name[1] : 'x') ||
		    (name[2] && name[2] != '.'))
			continue;
		img->maps[img->nmaps++] = (struct image_mapping){s.st_value, name[1]};
	}
	qsort(img->maps, img->nmaps, sizeof(*img->maps), map_cmp);
	return 0;
}

char image_code_kind_at(const struct image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nmaps;

	while (lo < hi) { /* the first mapping symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (img->maps[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? img->maps[lo - 1].kind : 0;
}

static int load_prototypes(struct loader *l)
{
	char why[256];

	if (emu_read_prototypes(l->elf, &l->img->protos, why, sizeof(why)) != 0)
		return fail(l, "%s", why);
	return 0;
}

const uint8_t *emu_image_bytes(const struct image *img)
{
	return img->bytes;
}

const struct image_alias *emu_image_aliases(const struct image *img, unsigned *n)
{
	*n = img->naliases;
	return img->aliases;
}

const struct image_alias *image_alias_of(const struct image *img, uint64_t addr)
{
	for (unsigned i = 0; i < img->naliases; i++)
		if (addr >= img->aliases[i].vaddr && addr - img->aliases[i].vaddr < img->aliases[i].size)
			return &img->aliases[i];
	return NULL;
}

/* The image in the file l has read (l->file, which stays the caller's). */
static uint64_t images_loaded; /* serials of images */

static struct image *load(struct loader *l0)
{
	struct loader l = *l0;
	struct image *img = NULL;

	l.elf = elf_memory((char *)l.file, l.file_size);
	if (!l.elf) {
		fail(&l, "not an ELF file");
		goto out;
	}
	if (check_header(&l) != 0)
		goto out;
	img = l.img = calloc(1, sizeof(*img));
	if (img)
		img->serial = ++images_loaded;
	if (!img || !(img->path = strdup(l.path))) {
		fail(&l, "out of memory");
		goto out;
	}
	if (load_segments(&l) != 0)
		goto out;
	find_text_sections(&l);
	if (load_records(&l) != 0 || load_symbols(&l) != 0 || load_mapping_symbols(&l) != 0 ||
	    load_prototypes(&l) != 0)
		goto out;
	snprintf(img->hash, sizeof(img->hash), "%016" PRIx64,
		 emu_image_content_hash(l.elf, l.file, l.file_size, img->syms, img->nsyms,
					img->records, img->nrecords));
	elf_end(l.elf);
	return img;
out:
	if (l.elf)
		elf_end(l.elf);
	image_release(img);
	return NULL;
}

/* ---- the images kept ---- */

/* Images loaded before, with the file each was loaded from: a load of the same path, for the
 * same arch model, that reads the same bytes takes the one kept instead of parsing the ELF and
 * its DWARF again. */
#define IMAGE_KEPT 8

static struct kept_image {
	struct image *img;             /* NULL: a free slot */
	const struct arch_model *arch;
	uint8_t *file;                 /* the bytes it was loaded from */
	size_t file_size;
	unsigned users;                /* image_load's not yet given back by image_free */
	uint64_t used;                 /* when it was last taken: the oldest unused goes first */
} kept[IMAGE_KEPT];
static uint64_t kept_clock;

static struct kept_image *kept_of(const struct image *img)
{
	for (unsigned i = 0; img && i < IMAGE_KEPT; i++)
		if (kept[i].img == img)
			return &kept[i];
	return NULL;
}

/* Keeps img (loaded from file, which it then owns) in the slot of the oldest image no one
 * uses; when every slot is in use, frees file and keeps nothing. */
static void keep(struct image *img, const struct arch_model *arch, uint8_t *file, size_t size)
{
	struct kept_image *slot = NULL;

	for (unsigned i = 0; i < IMAGE_KEPT; i++)
		if (!kept[i].users && (!slot || !kept[i].img || (slot->img && kept[i].used < slot->used)))
			slot = &kept[i];
	if (!slot) {
		free(file);
		return;
	}
	image_release(slot->img);
	free(slot->file);
	*slot = (struct kept_image){img, arch, file, size, 1, ++kept_clock};
}

struct image *image_load(const char *path, const struct arch_model *arch, char *err, size_t errlen)
{
	struct loader l = {.path = path ? path : "(null)", .arch = arch, .err = err, .errlen = errlen};
	struct image *img;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !arch) {
		fail(&l, "no path or arch model");
		return NULL;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fail(&l, "libelf: %s", elf_errmsg(-1));
		return NULL;
	}
	if (read_file(&l) != 0) {
		free(l.file);
		return NULL;
	}
	for (unsigned i = 0; i < IMAGE_KEPT; i++) {
		struct kept_image *k = &kept[i];

		if (k->img && k->arch == arch && k->file_size == l.file_size &&
		    !strcmp(k->img->path, path) && !memcmp(k->file, l.file, l.file_size)) {
			free(l.file);
			k->users++;
			k->used = ++kept_clock;
			return k->img;
		}
	}
	img = load(&l);
	if (img)
		keep(img, arch, l.file, l.file_size);
	else
		free(l.file);
	return img;
}

void image_free(struct image *img)
{
	struct kept_image *k = kept_of(img);

	if (k) {
		if (k->users)
			k->users--;
		return;
	}
	image_release(img);
}

/* Frees what img holds: an image no one uses and no slot keeps. */
static void image_release(struct image *img)
{
	if (!img)
		return;
	free(img->path);
	free(img->bytes);
	free(img->syms);
	free(img->strings);
	free(img->records);
	free(img->maps);
	emu_prototypes_free(&img->protos);
	free(img);
}

const char *image_path(const struct image *img)
{
	return img->path;
}

uint64_t image_serial(const struct image *img)
{
	return img->serial;
}

const char *image_hash(const struct image *img)
{
	return img->hash;
}

uint64_t image_base(const struct image *img)
{
	return img->base;
}

uint64_t image_end(const struct image *img)
{
	return img->end;
}

uint64_t image_text_begin(const struct image *img)
{
	return img->text_begin;
}

uint64_t image_text_end(const struct image *img)
{
	return img->text_end;
}

const struct image_symbol *image_symbol_named(const struct image *img, const char *name)
{
	const struct image_symbol *best = NULL;

	for (size_t i = 0; i < img->nsyms; i++) {
		const struct image_symbol *s = &img->syms[i];
		if (strcmp(s->name, name) == 0 && (!best || (!best->is_func && s->is_func)))
			best = s;
	}
	return best;
}

bool image_lookup(const struct image *img, const char *name, uint64_t *addr)
{
	const struct image_symbol *best = image_symbol_named(img, name);

	if (best && addr)
		*addr = best->addr;
	return best != NULL;
}

uint64_t image_symbol_extent(const struct image *img, const struct image_symbol *sym)
{
	uint64_t start = sym_start(sym);

	if (sym->size)
		return sym->size;
	const struct image_alias *a = image_alias_of(img, start);
	uint64_t end = a ? a->vaddr + a->size : img->end;

	for (size_t i = (size_t)(sym - img->syms) + 1; i < img->nsyms; i++)
		if (sym_start(&img->syms[i]) > start)
			return (sym_start(&img->syms[i]) < end ? sym_start(&img->syms[i]) : end) - start;
	return end > start ? end - start : 0;
}

/*
 * The symbol covering addr. A sized symbol covers [start, start+size); a symbol of size 0 (an
 * assembly label without .size) covers up to the next symbol's start. Sized function symbols
 * win over sized data symbols, which win over size-0 labels.
 */
const struct image_symbol *image_symbol_at(const struct image *img, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = img->nsyms;
	const struct image_symbol *best = NULL;
	int best_rank = 0;

	while (lo < hi) { /* lo = first symbol starting above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (sym_start(&img->syms[mid]) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	uint64_t nearest = sym_start(&img->syms[lo - 1]); /* only labels here can cover addr */
	for (size_t i = lo; i-- > 0;) {
		const struct image_symbol *s = &img->syms[i];
		uint64_t st = sym_start(s);
		int rank = 0;
		if (st != nearest && addr - st >= img->max_size)
			break; /* nothing further back reaches addr */
		if (s->size > 0 && addr - st < s->size)
			rank = s->is_func ? 3 : 2;
		else if (s->size == 0 && st == nearest)
			rank = 1;
		if (rank > best_rank) {
			best = s;
			best_rank = rank;
		}
		if (best_rank == 3)
			break;
	}
	if (best && off)
		*off = addr - sym_start(best);
	return best;
}

size_t image_symbols(const struct image *img, const struct image_symbol **syms)
{
	if (syms)
		*syms = img->syms;
	return img->nsyms;
}

const struct image_prototype *image_function_prototype(const struct image *img,
							const char *name)
{
	return emu_prototype_find(&img->protos, name);
}

size_t image_patch_records(const struct image *img, const uint64_t **records)
{
	if (records)
		*records = img->records;
	return img->nrecords;
}
