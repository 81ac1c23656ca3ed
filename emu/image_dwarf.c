/*
 * image_dwarf.c - the prototypes of an image's C functions, read from its DWARF with libdw:
 * for each function, how many parameters it takes, whether it is variadic, and per parameter
 * what a call may pass in it (an integer of N bytes, signed or not; a pointer; or nothing a
 * scenario can write: a struct or union by value, a floating-point value), with the
 * parameter's declaration ("long a") for messages, so that a scenario's calls can be checked
 * against them before they run.
 *
 * The result's type is kept as its size (liveness of registers at a return: explorer/
 * liveness.c). Only definitions count: a DW_TAG_subprogram at the top of a compile unit without
 * DW_AT_declaration (a declaration is what some C file believed, not what the function is).
 * Functions without one are not checked: assembly trampolines and handlers (built without
 * debug information, and without prototypes to give), and every function of an image built
 * without -g. An image without .debug_info has no prototypes; one whose DWARF libdw cannot
 * read is a load error rather than a silent absence of checks.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

#define TYPE_TEXT_DEPTH 8

struct reader {
	struct image_prototypes *out;
	size_t cap;
	char *err;
	size_t errlen;
};

static bool has_debug_info(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name)
							 : NULL;
		if (name && strcmp(name, ".debug_info") == 0)
			return true;
	}
	return false;
}

/* The DIE an attribute of die refers to (following abstract origins), or NULL. */
static Dwarf_Die *ref_of(Dwarf_Die *die, unsigned attr_name, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	if (!dwarf_attr_integrate(die, attr_name, &attr))
		return NULL;
	return dwarf_formref_die(&attr, out);
}

static const char *name_of(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_name, &attr) ? dwarf_formstring(&attr) : NULL;
}

/* Append printf-style text to buf[size] at *used, cutting at the end. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

/* A type as C writes it, near enough for a message: "long", "const char *", "struct pt_regs",
 * "void (*)()" as "function *". type NULL is void. */
static void type_text(Dwarf_Die *type, char *buf, size_t size, size_t *used, int depth)
{
	Dwarf_Die inner, *in;
	const char *name = type ? name_of(type) : "void";

	if (!type) {
		append(buf, size, used, "void");
		return;
	}
	if (depth == TYPE_TEXT_DEPTH) {
		append(buf, size, used, "...");
		return;
	}
	in = ref_of(type, DW_AT_type, &inner);
	switch (dwarf_tag(type)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		append(buf, size, used, "%s", name ? name : "?");
		return;
	case DW_TAG_structure_type:
		append(buf, size, used, "struct %s", name ? name : "<anonymous>");
		return;
	case DW_TAG_union_type:
		append(buf, size, used, "union %s", name ? name : "<anonymous>");
		return;
	case DW_TAG_enumeration_type:
		append(buf, size, used, "enum %s", name ? name : "<anonymous>");
		return;
	case DW_TAG_pointer_type:
		type_text(in, buf, size, used, depth + 1);
		append(buf, size, used, " *");
		return;
	case DW_TAG_const_type:
		append(buf, size, used, "const ");
		type_text(in, buf, size, used, depth + 1);
		return;
	case DW_TAG_volatile_type:
		append(buf, size, used, "volatile ");
		type_text(in, buf, size, used, depth + 1);
		return;
	case DW_TAG_subroutine_type:
		append(buf, size, used, "function");
		return;
	default: /* restrict, atomic, arrays: what they qualify says enough */
		type_text(in, buf, size, used, depth + 1);
		return;
	}
}

/* What a call may pass in a parameter of this type. */
static void classify(Dwarf_Die *type, struct image_param *p)
{
	Dwarf_Die peeled, *cu, cudie;
	Dwarf_Attribute attr;
	Dwarf_Word encoding = 0;
	uint8_t addr_size = 8;
	int bytes;

	p->kind = PARAM_UNSUPPORTED;
	if (!type || dwarf_peel_type(type, &peeled) != 0)
		return;
	bytes = dwarf_bytesize(&peeled);
	switch (dwarf_tag(&peeled)) {
	case DW_TAG_pointer_type:
		cu = dwarf_diecu(&peeled, &cudie, &addr_size, NULL);
		p->kind = PARAM_POINTER;
		p->size = bytes > 0 ? (unsigned)bytes : cu ? addr_size : 8;
		return;
	case DW_TAG_enumeration_type:
		if (bytes <= 0)
			return;
		p->kind = PARAM_INTEGER;
		p->size = (unsigned)bytes;
		return;
	case DW_TAG_base_type:
		if (bytes <= 0 || bytes > 8 || !dwarf_attr(&peeled, DW_AT_encoding, &attr) ||
		    dwarf_formudata(&attr, &encoding) != 0)
			return;
		switch (encoding) {
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			p->is_signed = true;
			/* fall through */
		case DW_ATE_unsigned:
		case DW_ATE_unsigned_char:
		case DW_ATE_boolean:
		case DW_ATE_UTF:
			p->kind = PARAM_INTEGER;
			p->size = (unsigned)bytes;
			return;
		default: /* float, complex, decimal: not in an integer register */
			return;
		}
	default: /* struct, union or array by value */
		return;
	}
}

static void take_param(Dwarf_Die *param, struct image_prototype *proto)
{
	Dwarf_Die type_die, *type = ref_of(param, DW_AT_type, &type_die);
	const char *name = name_of(param);
	unsigned i = proto->nparams++;
	struct image_param *p;
	size_t used = 0;

	if (i >= IMAGE_MAX_PARAMS)
		return; /* counted for the arity, not described */
	p = &proto->params[i];
	*p = (struct image_param){ 0 };
	classify(type, p);
	type_text(type, p->text, sizeof(p->text), &used, 0);
	if (name)
		append(p->text, sizeof(p->text), &used, "%s%s",
		       used && p->text[used - 1] == '*' ? "" : " ", name);
}

/* The parameters and the result of a function definition; an out-of-line copy of an inlined
 * function has them at its abstract origin. */
static void take_params(Dwarf_Die *func, struct image_prototype *proto)
{
	Dwarf_Die origin, child, type_die, *type;
	struct image_param result = { 0 };

	if (ref_of(func, DW_AT_abstract_origin, &origin))
		func = &origin;
	*proto = (struct image_prototype){ 0 };
	if ((type = ref_of(func, DW_AT_type, &type_die))) {
		classify(type, &result);
		proto->ret_bytes = result.kind == PARAM_UNSUPPORTED ? -1 : (int)result.size;
	}
	if (dwarf_child(func, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter)
			take_param(&child, proto);
		else if (dwarf_tag(&child) == DW_TAG_unspecified_parameters)
			proto->variadic = true;
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int take_function(struct reader *r, Dwarf_Die *func)
{
	struct image_prototypes *out = r->out;
	const char *name = name_of(func);

	if (!name || dwarf_hasattr(func, DW_AT_declaration) || emu_prototype_find(out, name))
		return 0;
	if (out->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct image_function *f = realloc(out->funcs, cap * sizeof(*f));
		if (!f) {
			snprintf(r->err, r->errlen, "out of memory");
			return -1;
		}
		out->funcs = f;
		r->cap = cap;
	}
	out->funcs[out->n].name = strdup(name);
	if (!out->funcs[out->n].name) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	take_params(func, &out->funcs[out->n].proto);
	out->n++;
	return 0;
}

static int take_compile_unit(struct reader *r, Dwarf_Die *cu)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) == DW_TAG_subprogram && take_function(r, &child) != 0)
			return -1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

int emu_read_prototypes(Elf *elf, struct image_prototypes *out, char *err, size_t errlen)
{
	struct reader r = { .out = out, .err = err, .errlen = errlen };
	Dwarf_Off off = 0, next;
	size_t header;
	Dwarf *dw;
	int rc = 0;

	*out = (struct image_prototypes){ 0 };
	if (!has_debug_info(elf))
		return 0;
	dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw) {
		snprintf(err, errlen, "cannot read its DWARF: %s", dwarf_errmsg(-1));
		return -1;
	}
	while (rc == 0 && dwarf_nextcu(dw, off, &next, &header, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + header, &cu))
			rc = take_compile_unit(&r, &cu);
		off = next;
	}
	dwarf_end(dw);
	if (rc)
		emu_prototypes_free(out);
	return rc;
}

const struct image_prototype *emu_prototype_find(const struct image_prototypes *protos,
						 const char *name)
{
	for (size_t i = 0; i < protos->n; i++)
		if (strcmp(protos->funcs[i].name, name) == 0)
			return &protos->funcs[i].proto;
	return NULL;
}

void emu_prototypes_free(struct image_prototypes *protos)
{
	for (size_t i = 0; i < protos->n; i++)
		free(protos->funcs[i].name);
	free(protos->funcs);
	*protos = (struct image_prototypes){ 0 };
}
