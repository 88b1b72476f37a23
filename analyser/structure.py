"""Split a document into provisions: preamble recitals, articles, numbered paragraphs, annexes.

Input is the backends' blocks. Sources that declare their structure (ToTA: chapter > article)
keep it; plain text is cut at headings found by the grammar in data/headings.yaml and every language's
words (analyser/lang/<code>/headings.yaml).
Within an article, numbered paragraphs ("1.", "2.", ...) become their own provisions when they
run in sequence from 1; lettered items stay with their chapeau, since an exclusion often sits
in the chapeau and the excluded sector in item (a).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analyser import lang
from analyser.model import Block, Document, Provision, SourceDocument
from analyser.text import article_key, grammar  # noqa: F401  (the grammar lives there; article_key is read through here too)

DATA = Path(__file__).parent / "data"

# Characters mapped to a plain space: NBSP and friends. The mapping keeps the text's length so
# that offsets into the normalised text are offsets into the original.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\u000b\u000c"), " ")
_SPACES.update(dict.fromkeys(map(ord, "\u2028\u2029\u0085"), "\n"))


def normalise(text: str) -> str:
    """Odd spaces to plain ones, same length (offsets stay valid)."""
    return text.translate(_SPACES)


_PARAGRAPH = re.compile(r"^[ ]*(\d{1,3})(?:\)\.|[.)])[ ]+(?=\S)", re.MULTILINE)


def numbered_paragraphs(text: str) -> list[tuple[str, int, int]]:
    """(number, start, end) of paragraphs numbered 1, 2, 3... in sequence; [] when not numbered."""
    starts: list[tuple[str, int]] = []
    expected = 1
    for m in _PARAGRAPH.finditer(text):
        if int(m.group(1)) == expected:
            starts.append((m.group(1), m.start()))
            expected += 1
    if len(starts) < 2:
        return []
    out = []
    for i, (num, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        if i == 0:
            start = 0  # a title line before "1." belongs to the first paragraph
        out.append((num, start, end))
    return out


@dataclass
class _Provisions:
    provisions: list[Provision] = field(default_factory=list)

    def add(self, kind: str, heading: list[str], text: str, start: int, source_id: str | None, page: int | None) -> None:
        # Trim surrounding whitespace but keep offsets exact.
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if not body:
            return
        s = start + lead
        self.provisions.append(Provision(
            id=f"p{len(self.provisions) + 1}",
            kind=kind,
            heading=" > ".join(h for h in heading if h),
            text=body,
            start=s,
            end=s + len(body),
            source_id=source_id,
            pages=[page] if page else [],
        ))

    def add_article(self, heading: list[str], text: str, start: int, source_id: str | None, page: int | None, kind: str = "article") -> None:
        paragraphs = numbered_paragraphs(text)
        if not paragraphs:
            self.add(kind, heading, text, start, source_id, page)
            return
        for num, s, e in paragraphs:
            self.add("paragraph", heading + [num], text[s:e], start + s, source_id, page)

    def add_preamble(self, heading: list[str], text: str, start: int, source_id: str | None, page: int | None) -> None:
        pieces = _split_keep_offsets(text, grammar().recital_split)
        for i, (s, e) in enumerate(pieces, 1):
            self.add("recital", heading + [f"Recital {i}"], text[s:e], start + s, source_id, page)


def _split_keep_offsets(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, last = [], 0
    for m in sep.finditer(text):
        if text[last:m.start()].strip():
            spans.append((last, m.start()))
        last = m.end()
    if text[last:].strip():
        spans.append((last, len(text)))
    return spans


_RUN_IN = re.compile(r"^[ ]*\.[ ]*[–—-][ ]*(?=\S)")  # "Article unique. – Le Président ...": text, not a title
_NUMBERED_LINE = re.compile(r"^[ ]*(?:\(?\d{1,3}[.)]|\(?[a-z]{1,3}\))[ ]")
_SENTENCE_END = re.compile(r"[.;:]$")


# Matched at a position (pattern.match(text, pos)) rather than on text[pos:]: slicing copied the
# rest of the text at every heading, which made long texts quadratic.
_LINE = re.compile(r"\n?([^\n]*)")
_NEXT_CHAR = re.compile(r"\n?[ ]*([^\n]?)")
_NEXT_NONSPACE = re.compile(r"\n?[ ]*(\S?)")


@lru_cache(maxsize=4)
def _title_line(max_chars: int) -> re.Pattern:
    """The short title line that may follow a bare heading ("Article 8.2\nScope")."""
    return re.compile(r"\n[ ]*([^\n]{1,%d})[ ]*(?=\n)" % max_chars)


def _is_heading_line(line: str) -> bool:
    g = grammar()
    return bool(g.heading.match(line) or g.preamble.match(line) or g.titled.match(line))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def _title_case(text: str) -> bool:
    """Every word of four letters or more opens with a capital ("Transfer of Information")."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) >= 4]
    return bool(words) and all(w[0].isupper() for w in words)


def _title_lines(text: str, pos: int, title: str) -> tuple[list[str], int]:
    """The lines from `pos` (a line start) that carry on a heading title cut at a line end, and
    where they end. A line carries on the title when the title so far ends open (comma, hyphen,
    continuation word), the line starts in lower case ("Cadre institutionnel de mise" + "en
    oeuvre de la ZLECAf"), both are in capitals, or the line is a short Title Case tail."""
    g = grammar()
    out: list[str] = []
    while len(out) < g.max_title_lines - 1:
        m = _LINE.match(text, pos)  # matched in place: a copy of the rest of the text per call was quadratic
        line = m.group(1).strip()
        if not line or len(line) > g.max_title_chars or _is_heading_line(line) or line[:1].isdigit() \
                or _NUMBERED_LINE.match(line):
            break
        after = _NEXT_CHAR.match(text, m.end()).group(1)
        letters, title_letters = _letters(line), _letters(title)
        open_end = bool(re.search(r"[,\-–]$", title)) or bool(g.continuation.search(title))
        lower = line[:1].islower() and not after.islower()
        capitals = bool(letters) and letters.isupper() and title_letters.isupper()
        tail = (len(line.split()) <= g.title_tail_words and _title_case(line)
                and not after.islower() and not _SENTENCE_END.search(line))
        if not (open_end or lower or capitals or tail) or _SENTENCE_END.search(line):
            break
        out.append(re.sub(r"(?<=[^\W\d_])\d{1,3}$", "", line))  # a footnote marker glued to the title's end
        title = line
        pos = m.end()
    return out, pos


def _find_headings(text: str) -> list[tuple[int, int, str, str, bool]]:
    """(line start, body start, kind, label, titled) for every heading line in a plain text, in
    order. Kind "preamble" marks a preamble heading (handled by the caller); `titled` marks a
    protocol or annex named by its title in capitals (an instrument of its own, which holds parts
    and chapters)."""
    g = grammar()
    found = []
    for m in g.heading.finditer(text):
        line = m.group(0)
        if len(line.strip()) > g.max_heading_chars:
            continue
        before = text[max(0, m.start() - 200):m.start()].rstrip("\n ").rsplit("\n", 1)[-1]
        if before and g.continuation.search(before):
            continue  # the sentence before runs on into this line: a cross-reference
        kw = m.group("kw")
        kind = g.kinds.get(kw.lower().rstrip(".") + ("." if kw.endswith(".") else ""), None) or g.kinds.get(kw.lower(), "article")
        label = f"{kw.strip().capitalize()} {m.group('num')}"
        raw_rest = m.group("rest")
        rest = raw_rest.strip(" .:-–—")
        if g.reference_list.search(rest):
            continue  # "Chapter 3 (Rules of Origin), Chapter 4 (...)": a list of references
        body_start = m.end()
        if rest and (_RUN_IN.match(raw_rest) or len(rest) > g.max_title_chars):
            # Run-in text after the number ("Article premier. – Le Président ..."): the body starts there.
            body_start = m.start("rest") + len(raw_rest) - len(raw_rest.lstrip(" .:-–—"))
        elif rest:
            more, end = _title_lines(text, m.end(), rest)
            label = " ".join([label, rest, *more])
            body_start = end  # the title's continuation is not body text
        else:
            # A title on the next line ("Article 8.2\nScope"): short, no sentence punctuation.
            nxt = _title_line(g.max_title_chars).match(text, m.end())  # in place, not on a copy of the rest
            if nxt:
                title = nxt.group(1).strip()
                more, end = _title_lines(text, nxt.end(), title)
                after = _NEXT_NONSPACE.match(text, end).group(1)
                if not re.search(r"[.;,:]$", title) and title[:1].isupper() \
                        and not after.islower() and not _is_heading_line(title):
                    label = " ".join([label, title, *more])  # the title stays in the body too
        found.append((m.start(), body_start, kind, label, False))
    titled: set[int] = set()
    for m in g.titled.finditer(text):
        line = m.group(0).strip()
        letters = _letters(line)
        if len(line) > g.max_heading_chars or not letters.isupper() or _SENTENCE_END.search(line):
            continue  # a sentence that opens with "Protocol on ...", not a title in capitals
        before = text[max(0, m.start() - 200):m.start()].rstrip("\n ").rsplit("\n", 1)[-1]
        if before and g.continuation.search(before):
            continue
        more, end = _title_lines(text, m.end(), line)
        titled.add(m.start())
        found.append((m.start(), end, g.kinds[m.group("kw").lower()], " ".join([" ".join(line.split()), *more]), True))
    for m in g.preamble.finditer(text):
        found.append((m.start(), m.end(), "preamble", m.group("kw").strip().capitalize(), False))
    found.sort()
    # The document's own title (a titled protocol) and its preamble heading, before any other
    # heading, stay part of the opening text.
    while found and (found[0][2] == "preamble" or found[0][0] in titled):
        found.pop(0)
    # Headings before the first preamble heading with no article among them are a listing of the
    # contents in the front matter ("Chapter 11. Investment", "Annex 4. Schedules of ..."): the
    # opening text, not provisions; the preamble then opens the document as usual. (A
    # ratification law before a treaty has its "Article unique".)
    first = next((i for i, h in enumerate(found) if h[2] == "preamble"), None)
    if first and all(h[2] != "article" for h in found[:first]):
        found = found[first + 1:]
    return found


def _title_block_start(text: str, line_start: int, floor: int) -> int:
    """Where the lines in capitals printed just above a heading begin (a treaty's title above its
    preamble), not before `floor`."""
    start = line_start
    while start > floor:
        prev_end = text.rfind("\n", floor, start - 1) if start - 1 > floor else -1
        prev_start = prev_end + 1 if prev_end >= 0 else floor
        line = text[prev_start:start].strip()
        letters = _letters(line)
        if not line or not letters or not letters.isupper() or len(line) > grammar().max_heading_chars:
            break
        start = prev_start
    return start


def _structure_plain(block: Block, base: int, b: _Provisions) -> None:
    g = grammar()
    text = block.text
    headings = _find_headings(text)
    # A preamble heading after other headings takes the title lines in capitals above it.
    for i, (line_start, body_start, kind, label, titled) in enumerate(headings):
        if kind == "preamble" and i:
            floor = headings[i - 1][1]
            start = _title_block_start(text, line_start, floor)
            headings[i] = (start, start, kind, label, titled)
    # Text before the first heading: title and preamble.
    first = headings[0][0] if headings else len(text)
    if text[:first].strip():
        b.add_preamble(block.heading + [PREAMBLE], text[:first], base, block.source_id, block.page)
    stack: list[tuple[int, str]] = []  # (level, label)
    instrument = False  # the open level-0 heading is a titled protocol: parts and chapters nest in it
    for i, (line_start, body_start, kind, label, titled) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        if kind == "preamble":
            # A new preamble: the protocol's own when it follows the protocol's heading, else the
            # next instrument's; it closes everything else.
            own = i > 0 and headings[i - 1][2] == "protocol" and bool(stack) and stack[-1][0] == 0
            stack = stack[-1:] if own else []
            instrument = instrument and own
            path = block.heading + [lbl for _, lbl in stack] + [label]
            b.add_preamble(path, text[body_start:end], base + body_start, block.source_id, block.page)
            continue
        level = g.levels[kind]
        while stack and stack[-1][0] >= level:
            stack.pop()
        if level == 0 or (level <= g.levels["chapter"] and any(lv == 0 for lv, _ in stack) and not instrument):
            stack.clear()  # annexes hold sections and articles; a new part or chapter ends them
        if level == 0:
            instrument = titled and kind == "protocol"
        stack.append((level, label))
        body = text[body_start:end]
        path = block.heading + [lbl for _, lbl in stack]
        if kind == "article":
            b.add_article(path, body, base + body_start, block.source_id, block.page)
        elif body.strip():
            # Text directly under a chapter/annex/protocol heading, before its first article.
            own_kind = kind if kind in {"annex", "protocol"} else "article"
            b.add_article(path, body, base + body_start, block.source_id, block.page, kind=own_kind)


def build(source: SourceDocument) -> Document:
    """SourceDocument -> Document with provisions and the full normalised text."""
    parts: list[str] = []
    offset = 0
    b = _Provisions()
    for block in source.blocks:
        text = normalise(block.text)
        block = Block(text=text, heading=block.heading, source_id=block.source_id, kind=block.kind, page=block.page)
        if block.kind == "preamble":
            b.add_preamble(block.heading, text, offset, block.source_id, block.page)
        elif block.kind == "footnote":
            b.add("footnote", block.heading, text, offset, block.source_id, block.page)
        elif block.heading:
            b.add_article(block.heading, text, offset, block.source_id, block.page)
        else:
            _structure_plain(block, offset, b)
        parts.append(text)
        offset += len(text) + 2
    meta = dict(source.metadata)
    labels = list(getattr(source.layout, "page_labels", []) or []) if source.layout is not None else []
    if source.layout is not None:
        ocr_pages = set(meta.get("ocr_pages", []))
        low_quality = set(meta.get("low_quality_pages", []))
        if getattr(source.layout, "page_labels_from", None):
            meta["page_labels_from"] = source.layout.page_labels_from
        for p in b.provisions:
            p.pages = source.layout.pages_for(p.start, p.end)
            p.page_labels = [labels[n - 1] if 0 < n <= len(labels) else None for n in p.pages] if labels else []
            p.ocr = bool(ocr_pages.intersection(p.pages))
            p.low_quality_text = bool(low_quality.intersection(p.pages))
    return Document(
        source=source.path,
        sha256=source.sha256,
        format=source.format,
        text="\n\n".join(parts),
        title=meta.get("name") or meta.get("title"),
        parties=meta.get("parties", []),
        pages=source.pages,
        metadata=meta,
        provisions=b.provisions,
        warnings=list(source.warnings),
        layout=source.layout,
        page_labels=labels,
    )


PREAMBLE = "Preamble"
# Headings made up where the source has none: the structure stage's preamble and recitals, and the
# ToTA reader's numbered fall-backs for unnamed chapters and articles.
_MADE_UP = {"recital": re.compile(r"Recital (\d+)"), "chapter": re.compile(r"Chapter (\d+)"),
            "article": re.compile(r"Article (\d+)")}


def localise_headings(doc: Document) -> None:
    """Word the headings the analyser makes up ("Preamble > Recital 3", "Chapter 2 > Article 4")
    in the document's language ("Préambule > Considérant 3", "Capítulo 2 > Artículo 4"), once the
    language is known; the agreement's own headings are left as printed. English documents keep
    the English words (the catalogue's own)."""
    from analyser.i18n import Texts

    if doc.language not in lang.SUPPORTED or doc.language == lang.DEFAULT:
        return
    tr = Texts(doc.language)
    for p in doc.provisions:
        parts = p.heading.split(" > ")
        for i, part in enumerate(parts):
            if part == PREAMBLE:
                parts[i] = tr("headings.preamble")
                continue
            for key, pattern in _MADE_UP.items():
                m = pattern.fullmatch(part)
                if m and (key != "recital" or (p.kind == "recital" and i == len(parts) - 1)):
                    parts[i] = tr(f"headings.{key}", n=m.group(1))
        p.heading = " > ".join(parts)
