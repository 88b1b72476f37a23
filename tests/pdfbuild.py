"""Build PDFs from real treaty text for the tests: one or two columns, running headers, page numbers,
words divided at line ends as typesetters do, page labels, and gazette issues (a ratification law
followed by the treaty it ratifies, in two columns)."""
from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT, SIZE, LEADING = "Helvetica", 9, 11


def _wrap(text: str, width: float, hyphenate: bool = False) -> list[str]:
    """Lines of at most `width` points; a "\n" in `text` forces a break (a title printed on two
    lines). With `hyphenate`, a long word that does not fit is divided with a hyphen, as justified
    gazette columns do ("marchan-" / "dises"), which pdfium reports with its U+FFFE marker."""
    lines: list[str] = []
    for para in text.split("\n"):
        words, line = para.split(), ""
        for w in words:
            cand = f"{line} {w}".strip()
            if stringWidth(cand, FONT, SIZE) <= width:
                line = cand
                continue
            if hyphenate and len(w) >= 8 and w.isalpha():
                cut = max((k for k in range(3, len(w) - 2)
                           if stringWidth(f"{line} {w[:k]}-".strip(), FONT, SIZE) <= width), default=0)
                if cut:
                    lines.append(f"{line} {w[:cut]}-".strip())
                    line = w[cut:]
                    continue
            lines.append(line)
            line = w
        lines.append(line)
    return lines


def build_pdf(path: Path, blocks: list[str], columns: int = 1, header: str | None = None,
              interleave: bool = False, hyphenate: bool = False, first_number: int = 1,
              page_labels: list[dict] | None = None) -> Path:
    """Write `blocks` (headings and paragraphs, in reading order) as a PDF.

    Text is latin-1 only (Helvetica); callers pass real treaty text in EN/FR/ES. With
    `interleave`, a two-column page is drawn row by row across both columns, as some gazettes'
    content streams are, so that extraction in stream order would mix the columns.
    The footer prints `first_number` on the first page and counts on (a gazette issue whose
    pages continue the volume's numbering); `page_labels` are written to the PDF's catalogue
    (reportlab `addPageLabel` keyword arguments: pageNum, style, start, prefix).
    """
    if interleave:
        return _build_interleaved(path, blocks, header)
    width, height = A4
    margin, gap = 50, 20
    col_width = (width - 2 * margin - gap * (columns - 1)) / columns
    c = canvas.Canvas(str(path), pagesize=A4)
    page, col, y = 1, 0, height - margin - 20

    def new_page() -> None:
        nonlocal page, col, y
        c.setFont(FONT, 8)
        c.drawCentredString(width / 2, 30, str(page + first_number - 1))
        c.showPage()
        page, col, y = page + 1, 0, height - margin - 20
        draw_header()

    def draw_header() -> None:
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, height - margin + 5, header)

    draw_header()
    for block in blocks:
        for line in _wrap(block, col_width, hyphenate) + [""]:
            if y < margin + 20:
                if col + 1 < columns:
                    col, y = col + 1, height - margin - 20
                else:
                    new_page()
            c.setFont(FONT, SIZE)
            c.drawString(margin + col * (col_width + gap), y, line)
            y -= LEADING
    c.setFont(FONT, 8)
    c.drawCentredString(width / 2, 30, str(page + first_number - 1))
    for label in page_labels or []:
        c.addPageLabel(**label)
    c.save()
    return path


def _build_interleaved(path: Path, blocks: list[str], header: str | None) -> Path:
    width, height = A4
    margin, gap = 50, 20
    col_width = (width - 2 * margin - gap) / 2
    lines = [line for block in blocks for line in _wrap(block, col_width) + [""]]
    rows = int((height - 2 * margin - 20) // LEADING)
    c = canvas.Canvas(str(path), pagesize=A4)
    page = 1
    for start in range(0, len(lines), 2 * rows):
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, height - margin + 5, header)
        left, right = lines[start:start + rows], lines[start + rows:start + 2 * rows]
        c.setFont(FONT, SIZE)
        for i in range(rows):  # row by row: left line, then right line
            y = height - margin - 20 - i * LEADING
            if i < len(left):
                c.drawString(margin, y, left[i])
            if i < len(right):
                c.drawString(margin + col_width + gap, y, right[i])
        c.setFont(FONT, 8)
        c.drawCentredString(width / 2, 30, str(page))
        c.showPage()
        page += 1
    c.save()
    return path


# --- a French official journal: a ratification law, then the treaty it ratifies ---------------

_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "œ": "oe", "Œ": "OE"})


def latin1(text: str) -> str:
    """What Helvetica can draw: typographic quotes and dashes as ASCII, the rest kept."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def dutch_bit_french(md: Path) -> tuple[str, str, list[tuple[str, str, str]]]:
    """(title, preamble, [(number, title, body)]) of the French half of a Netherlands BIT as the
    Dutch treaty database mirror prints it (statengeneraal/laws-markdown): "####Accord ...", the
    preamble, then "### Article  N" with an optional "####Title" line."""
    text = md.read_text(encoding="utf-8")
    start = text.index("####Accord")
    end = text.find("\n##Verdrag", start)
    french = text[start:end if end > 0 else None]
    title, rest = french[4:].split("\n", 1)
    parts = re.split(r"\n### Article\s+(\d+)\s*\n", rest)
    preamble = " ".join(parts[0].split())
    articles = []
    for num, body in zip(parts[1::2], parts[2::2]):
        body = body.strip()
        art_title = ""
        if body.startswith("####"):
            art_title, body = (body[4:].split("\n", 1) + [""])[:2]
        body = re.split(r"\n\s*EN FOI DE QUOI|\n##", body)[0]
        paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\d+\.)", body) if p.strip()]
        articles.append((num, art_title.strip(), "\n".join(paras)))
    return " ".join(title.split()), preamble, articles


# The law's wording follows the usual form of a ratification law; the treaty text is real.
LAW = [
    "LOIS",
    "LOI autorisant le Président de la République à ratifier l'Accord sur l'encouragement et la "
    "protection réciproque des investissements entre le Royaume des Pays-Bas et la République du Burundi",
    "L'Assemblée nationale a adopté, en sa séance du 12 mars 2009,",
    "Le Président de la République promulgue la loi dont la teneur suit :",
    "Article unique. - Le Président de la République est autorisé à ratifier l'Accord sur "
    "l'encouragement et la protection réciproque des investissements entre le Royaume des Pays-Bas "
    "et la République du Burundi, signé à Bujumbura le 24 mai 2007.",
    "La présente loi sera exécutée comme loi de l'Etat.",
]


def gazette_blocks(treaty_md: Path, protocol_md: Path, wrap_titles: dict[str, str] | None = None) -> list[str]:
    """Blocks of a gazette issue: the ratification law, the treaty (title in capitals, PRÉAMBULE
    heading, recitals, titled articles) from `treaty_md`, then a protocol titled in capitals whose
    articles are those of `protocol_md` (untitled). `wrap_titles` maps an article number to the
    point where its title runs onto a second line, as a narrow column prints it."""
    title, preamble, articles = dutch_bit_french(treaty_md)
    recitals = re.split(r"\s(?=Désireux |Reconnaissant |Etant unanimes |Sont convenus )", preamble)
    blocks = [latin1(b) for b in LAW]
    blocks += [latin1(title.upper()), "PRÉAMBULE"] + [latin1(r) for r in recitals]
    for num, art_title, body in articles:
        heading = f"Article {num} {art_title}".strip()
        cut = (wrap_titles or {}).get(num)
        if cut and cut in heading:
            heading = heading.replace(f" {cut}", f"\n{cut}", 1)
        blocks += [latin1(heading), latin1(body)]
    _, _, protocol_articles = dutch_bit_french(protocol_md)
    blocks.append("PROTOCOLE SUR L'ENCOURAGEMENT ET LA PROTECTION DES INVESTISSEMENTS")
    for num, _, body in protocol_articles[:3]:
        blocks += [f"Article {num}", latin1(body)]
    return blocks
