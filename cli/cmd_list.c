/*
 * cmd_list.c - `patchcheck list`: the guest images a scenario may name, and for one image its
 * patch sites and the functions its setup and harts can call.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../emu/machine.h"
#include "cli.h"

#define LIST_MAX_IMAGES 64
#define LIST_MAX_SITES 64

struct list_options {
	struct explore_options explore;
	const char *image; /* "arch/name", or NULL: every image */
	bool quiet, verbose;
};

static void list_usage(FILE *out)
{
	fprintf(out,
		"usage: patchcheck list [options] [ARCH/IMAGE]\n"
		"\n"
		"Without an image: the guest images scenarios can name (arch/image), with their patch\n"
		"sites. With one (e.g. arm64/ftrace): its patch sites as the arch model sees them, and\n"
		"the functions a scenario's setup and harts can call.\n"
		"\n"
		"options:\n"
		"  --guest-dir DIR       where the guest images are (default: the build's guest/)\n"
		"  -q, --quiet           names only\n"
		"  -v, --verbose         every function with its address and size\n"
		"  -h, --help            this text\n");
}

static int parse_options(int argc, char **argv, struct list_options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			list_usage(stdout);
			exit(EXIT_MATCH);
		} else if (!strcmp(a, "--guest-dir") && i + 1 < argc) {
			o->explore.guest_dir = argv[++i];
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = true;
		} else if (a[0] != '-' && !o->image) {
			o->image = a;
		} else {
			fprintf(stderr, "patchcheck list: unknown or extra argument '%s' (try --help)\n", a);
			return -1;
		}
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "arch/name" of every DIR/<arch>/<name>.elf, sorted. */
static size_t find_images(const char *dir, char **names, size_t max)
{
	DIR *top = opendir(dir);
	struct dirent *arch;
	size_t n = 0;

	if (!top)
		return 0;
	while ((arch = readdir(top)) && n < max) {
		char sub[1024];
		DIR *d;
		struct dirent *e;

		if (arch->d_name[0] == '.' || !arch_model_find(arch->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, arch->d_name);
		if (!(d = opendir(sub)))
			continue;
		while ((e = readdir(d)) && n < max) {
			size_t len = strlen(e->d_name);

			if (len > 4 && !strcmp(e->d_name + len - 4, ".elf") &&
			    (names[n] = malloc(strlen(arch->d_name) + len)) != NULL) {
				sprintf(names[n], "%s/%.*s", arch->d_name, (int)(len - 4), e->d_name);
				n++;
			}
		}
		closedir(d);
	}
	closedir(top);
	qsort(names, n, sizeof(*names), compare_names);
	return n;
}

/* "arm64/ftrace" -> arch "arm64", path DIR/arm64/ftrace.elf. */
static int split_image(const char *dir, const char *image, char *arch, size_t archlen, char *path,
		       size_t pathlen)
{
	const char *slash = strchr(image, '/');

	if (!slash || slash == image || !slash[1] || (size_t)(slash - image) >= archlen) {
		fprintf(stderr, "patchcheck list: '%s' is not ARCH/IMAGE (e.g. arm64/ftrace)\n", image);
		return -1;
	}
	snprintf(arch, archlen, "%.*s", (int)(slash - image), image);
	snprintf(path, pathlen, "%s/%s.elf", dir, image);
	return 0;
}

static int list_images(const struct list_options *o, const char *dir)
{
	char *names[LIST_MAX_IMAGES];
	size_t n = find_images(dir, names, LIST_MAX_IMAGES);

	if (!n) {
		fprintf(stderr, "patchcheck list: %s: no guest images (build them, or --guest-dir)\n",
			dir);
		return EXIT_BAD_INPUT;
	}
	for (size_t i = 0; i < n; i++) {
		struct image_site sites[LIST_MAX_SITES];
		char arch[32], path[1200], err[512];
		size_t nsites = 0;

		if (o->quiet) {
			printf("%s\n", names[i]);
		} else if (split_image(dir, names[i], arch, sizeof(arch), path, sizeof(path)) == 0 &&
			   explorer_image_sites(arch, path, sites, LIST_MAX_SITES, &nsites, err,
						sizeof(err)) == 0) {
			printf("%-22s %3zu patch sites:", names[i], nsites);
			for (size_t k = 0; k < nsites; k++)
				printf(" %s", sites[k].func);
			printf("\n");
		} else {
			printf("%-22s %s\n", names[i], err);
		}
		free(names[i]);
	}
	return EXIT_MATCH;
}

static void print_sites(const struct image_site *sites, size_t n)
{
	printf("patch sites (a pass starts at 'start'; callbacks get 'call' as ip; the body starts "
	       "at 'body'):\n");
	printf("  %-24s %-12s %-12s %-12s %s\n", "function", "start", "call", "body", "ops literal");
	for (size_t i = 0; i < n; i++) {
		char literal[24] = "-";

		if (sites[i].literal)
			snprintf(literal, sizeof(literal), "0x%" PRIx64, sites[i].literal);
		printf("  %-24s 0x%-10" PRIx64 " 0x%-10" PRIx64 " 0x%-10" PRIx64 " %s\n",
		       sites[i].func, sites[i].start, sites[i].call, sites[i].body, literal);
	}
}

static void print_functions(const struct list_options *o, const struct image *img)
{
	const struct image_symbol *syms;
	size_t n = image_symbols(img, &syms), col = 0;

	printf("functions:\n");
	for (size_t i = 0; i < n; i++) {
		if (!syms[i].is_func)
			continue;
		if (o->verbose) {
			printf("  0x%-10" PRIx64 " %6" PRIu64 "  %s\n", syms[i].addr, syms[i].size,
			       syms[i].name);
			continue;
		}
		if (col + strlen(syms[i].name) + 2 > 96) {
			printf("\n");
			col = 0;
		}
		col += (size_t)printf("%s%s", col ? "  " : "  ", syms[i].name);
	}
	if (col)
		printf("\n");
}

static int list_one_image(const struct list_options *o, const char *dir)
{
	struct image_site sites[LIST_MAX_SITES];
	char arch[32], path[1200], err[512];
	const struct arch_model *model;
	struct image *img;
	size_t nsites;

	if (split_image(dir, o->image, arch, sizeof(arch), path, sizeof(path)))
		return EXIT_BAD_INPUT;
	if (explorer_image_sites(arch, path, sites, LIST_MAX_SITES, &nsites, err, sizeof(err))) {
		fprintf(stderr, "patchcheck list: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	model = arch_model_find(arch);
	if (!(img = image_load(path, model, err, sizeof(err)))) {
		fprintf(stderr, "patchcheck list: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (o->quiet) {
		for (size_t i = 0; i < nsites; i++)
			printf("%s\n", sites[i].func);
	} else {
		printf("%s: %s (hash %s)\n", o->image, image_path(img), image_hash(img));
		print_sites(sites, nsites);
		print_functions(o, img);
	}
	image_free(img);
	return EXIT_MATCH;
}

int cmd_list(int argc, char **argv)
{
	struct list_options o = {0};
	const char *dir;

	if (parse_options(argc, argv, &o))
		return EXIT_BAD_INPUT;
	dir = explorer_guest_dir(&o.explore);
	return o.image ? list_one_image(&o, dir) : list_images(&o, dir);
}
