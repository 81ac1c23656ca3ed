"""png_top_ink.py PNG: the share of the top sixth of a screenshot that is not near-white, as
"top-sixth-ink 0.0555" (8-bit RGB or RGBA, not interlaced: what Chromium writes). A page
that headless Chromium painted blank where it scrolled to has 0 there."""
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(d):
    n, t = struct.unpack('>I4s', d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if t == b'IHDR':
        w, h, depth, ctype, _, _, lace = struct.unpack('>IIBBBBB', body)
        assert depth == 8 and ctype in (2, 6) and lace == 0, (depth, ctype, lace)
        bpp = 3 if ctype == 2 else 4
    elif t == b'IDAT':
        idat += body
    pos += 12 + n
raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
for y in range(h // 6):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
        line[i] = (line[i] + (0, a, b, (a + b) // 2, pr)[f]) & 255
    rows.append(line)
    prev = line
ink = sum(1 for r in rows for x in range(0, stride, bpp) if min(r[x:x + 3]) < 200)
print('top-sixth-ink %.4f' % (ink / (w * len(rows))))
