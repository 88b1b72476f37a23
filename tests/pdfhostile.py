"""Tiny hand-written PDFs for hostile cases (a stream bomb, a self-referencing /Length, a page of
80,000 lines): the bytes are written out object by object so each oddity is exact."""
from __future__ import annotations

import zlib


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of these object bodies (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, body in enumerate(objects, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def text_pdf(content: bytes, length: bytes | None = None, filt: bool = False, mediabox=b"[0 0 612 792]") -> bytes:
    data = zlib.compress(content) if filt else content
    length = length or str(len(data)).encode()
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + length + (b" /Filter /FlateDecode" if filt else b"") + b" >>\nstream\n" + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


CLAUSE = b"Nothing in this Agreement shall be construed to apply to measures with respect to cultural industries."


def lines(n: int, x: float = 72, y: float = 720, clause: bytes = CLAUSE) -> bytes:
    """A content stream of n lines of a real clause, starting at (x, y)."""
    return b"BT /F1 9 Tf %g %g Td 11 TL " % (x, y) + b"".join(b"(" + clause + b") '\n" for _ in range(n)) + b"ET"


def shared_pages(content: bytes, n: int, filt: bool = True) -> bytes:
    """n pages that all draw the same content stream: small on disk, n times its text when read."""
    data = zlib.compress(content) if filt else content
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(n))
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        b"<< /Length %d" % len(data) + (b" /Filter /FlateDecode" if filt else b"") + b" >>\nstream\n" + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"] * n,
    ])
