#!/usr/bin/env python3
"""elf_seeds.py DIR - writes small hand-made guest ELFs into DIR, seeds for fuzz_image_loader
beside the built guest images: for each arch a header with one PT_LOAD and no sections, and one
with .text, a symbol table, __patchable_function_entries and section names."""
import os
import struct
import sys

ARCHES = [  # name, class (1: 32-bit, 2: 64-bit), e_machine, text bytes
    ("arm64", 2, 183, bytes.fromhex("1f2003d51f2003d5c0035fd6")),  # nop; nop; ret
    ("riscv64", 2, 243, bytes.fromhex("130000001300000067800000")),  # nop; nop; ret
    ("arm", 1, 40, bytes.fromhex("00f020e300f020e31eff2fe1")),  # nop; nop; bx lr
]
BASE = 0x100000


def elf(cls, machine, text, sections):
    w = 8 if cls == 2 else 4
    addr = "Q" if cls == 2 else "I"
    ehsize, phsize, shsize = (64, 56, 64) if cls == 2 else (52, 32, 40)
    text_off = ehsize + phsize
    body = bytearray(text)
    shdrs, shstr = [], bytearray(b"\0")

    def section(name, typ, flags, off, size, link=0, info=0, align=1, entsize=0, vaddr=0):
        shdrs.append((len(shstr), typ, flags, vaddr, off, size, link, info, align, entsize))
        shstr.extend(name + b"\0")

    if sections:
        shdrs.append((0,) * 10)
        section(b".text", 1, 6, text_off, len(text), align=4, vaddr=BASE)  # PROGBITS, AX
        strtab = b"\0traced_fn\0$x\0"
        sym_off = text_off + len(body)
        if cls == 2:  # name, info, other, shndx, value, size
            syms = struct.pack("<IBBHQQ", 0, 0, 0, 0, 0, 0)
            syms += struct.pack("<IBBHQQ", 1, 0x12, 0, 1, BASE, len(text))
        else:  # name, value, size, info, other, shndx
            syms = struct.pack("<IIIBBH", 0, 0, 0, 0, 0, 0)
            syms += struct.pack("<IIIBBH", 1, BASE, len(text), 0x12, 0, 1)
        body += syms
        section(b".symtab", 2, 0, sym_off, len(syms), link=3, info=1, align=w,
                entsize=len(syms) // 2)
        str_off = text_off + len(body)
        body += strtab
        section(b".strtab", 3, 0, str_off, len(strtab))
        rec_off = text_off + len(body)
        rec = struct.pack("<" + addr, BASE)
        body += rec
        section(b"__patchable_function_entries", 1, 2, rec_off, len(rec), align=w)
        shstr_index = len(shdrs)
        section(b".shstrtab", 3, 0, 0, 0)
        shstr_off = text_off + len(body)
        body += shstr
        last = shdrs[-1]
        shdrs[-1] = last[:4] + (shstr_off, len(shstr)) + last[6:]
    sh_off = text_off + len(body) if sections else 0
    ident = b"\x7fELF" + bytes([cls, 1, 1, 0]) + bytes(8)
    hdr = ident + struct.pack("<HHI" + addr * 3 + "IHHHHHH", 2, machine, 1, BASE, ehsize, sh_off,
                              0, ehsize, phsize, 1, shsize, len(shdrs),
                              shstr_index if sections else 0)
    if cls == 2:  # type, flags, offset, vaddr, paddr, filesz, memsz, align
        ph = struct.pack("<IIQQQQQQ", 1, 5, text_off, BASE, BASE, len(text), len(text), 4)
    else:  # type, offset, vaddr, paddr, filesz, memsz, flags, align
        ph = struct.pack("<IIIIIIII", 1, text_off, BASE, BASE, len(text), len(text), 5, 4)
    out = bytearray(hdr + ph + body)
    fmt = "<IIQQQQIIQQ" if cls == 2 else "<IIIIIIIIII"
    for sh in shdrs:
        out += struct.pack(fmt, *sh)
    return bytes(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, cls, machine, text in ARCHES:
        for sections in (False, True):
            path = os.path.join(out, "%s-%s.elf" % (name, "sections" if sections else "bare"))
            with open(path, "wb") as f:
                f.write(elf(cls, machine, text, sections))


if __name__ == "__main__":
    main()
