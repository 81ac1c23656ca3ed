/*
 * toolchain.h - building a scenario's own guest code at run time, with the toolchain, flags,
 * ABI headers and linker script of a bundled image, into a cached ELF.
 *
 * The build of every bundled image writes a recipe beside it (<guest dir>/<arch>/<image>.recipe,
 * cmake/guest_image.cmake): the compiler, the flags of its plain and of its traced sources, the
 * link flags with the linker script, and its objects. toolchain_build() compiles the user's
 * sources with the same flags and links them with the image's objects, the user's definitions
 * taking the place of bundled ones of the same name (every bundled global is made weak), so a
 * user's trampoline is driven by the bundled patcher and a user's patcher patches the bundled
 * traced functions. Results are cached by content in $XDG_CACHE_HOME/patchcheck (else
 * ~/.cache/patchcheck): the recipe, the bundled objects, the compiler's version, every user
 * source and every header it included.
 */
#ifndef PATCHCHECK_TOOLCHAIN_H
#define PATCHCHECK_TOOLCHAIN_H

#include <stdbool.h>
#include <stddef.h>

struct toolchain_source {
	const char *path; /* a .c or .S file */
	bool traced;      /* compiled with the image's patchable-entry flags */
	/* When set: the whole set of flags for this source (NULL-terminated), in place of the
	 * image's (a Linux tree's trampolines are assembled with the kernel's own flags). */
	const char *const *own_flags;
};

/*
 * Build recipe's image with the n sources added; the ELF's path goes into elf. 0, or -1 with
 * the reason in err: the compiler's or linker's own first error line (file:line:col: error: ...)
 * for bad code, or what could not be done (no recipe, no compiler, no cache directory).
 * *compile_error is set when the sources themselves are at fault (bad input), not the machine.
 */
int toolchain_build(const char *recipe, const struct toolchain_source *sources, size_t n,
		    char *elf, size_t elf_size, bool *compile_error, char *err, size_t errlen);

/* The compiler a recipe names, into cc. 0, or -1 with the reason in err. */
int toolchain_recipe_compiler(const char *recipe, char *cc, size_t size, char *err, size_t errlen);

/* generated_source.c: text written to a file of the cache named by its content (ext: ".S"), for
 * toolchain_build; its path into path. 0, or -1 with the reason in err. */
int toolchain_write_generated(const char *text, const char *ext, char *path, size_t size,
			      char *err, size_t errlen);

/* The cache directory ($PATCHCHECK_CACHE_DIR, else $XDG_CACHE_HOME/patchcheck, else
 * $HOME/.cache/patchcheck) into buf; -1 when none can be named. */
int toolchain_cache_dir(char *buf, size_t size);

/* ---- ktree.c: a Linux tree's own trampolines ---- */

struct arch_kernel_tree;

#define KTREE_MAX_FLAGS 48

/* What assembling a tree's .S files takes: the flags, pointing into dir and strings. */
struct ktree_flags {
	char dir[4096];                     /* generated headers and asm-offsets, in the cache */
	const char *flags[KTREE_MAX_FLAGS]; /* NULL-terminated */
	char strings[8][4200];
	unsigned noffsets;                  /* asm-offsets derived from the tree's struct pt_regs */
};

/*
 * Prepare tree (a Linux source tree) for assembling its trampolines of arch k: the asm-offsets
 * derived from the tree's own struct definitions (k->offsets_program compiled against the
 * tree's headers, with the headers the kernel build would generate made the same way), and
 * the flags that put patchcheck's compatibility layer (under models_dir) first on the include
 * path. cc is the guest compiler. 0, or -1 with the reason in err.
 */
int ktree_prepare(const struct arch_kernel_tree *k, const char *tree, const char *models_dir,
		  const char *cc, struct ktree_flags *out, char *err, size_t errlen);

#endif
