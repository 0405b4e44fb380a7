"""Document -> Chunks that follow the text's structure, with exact ``[start, end)`` offsets.

The text is first segmented into units (headings and sentences, each a span of the document's
text); chunks are then packed from whole sentences, never across a heading or across chrome that the
loader left out. A chunk's ``text`` is always ``document.text[start:end]``: layout debris inside it
(double spaces, line breaks of a PDF) is normalised only in the text that is embedded and shown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from assistant.text.numbers import kanji_value, normalise, words_as_digits
from assistant.types import Chunk, Document, Span

# Words after which a period does not end a sentence (compared case-folded, without the period).
ABBREVIATIONS = frozenset(
    """
    m mm mme mmes mlle mlles dr pr me mgr st ste sts
    art arts al av bd boul chap cf coll dir ed éd env ex fig hab id ibid min max n no nos p pp
    paragr réf resp s ss suiv sq tél tel vol vs
    janv févr fév avr juil sept oct nov déc jan feb mar apr jun jul aug sep dec
    h env approx etc
    mr mrs ms jr sr inc ltd co corp dept univ
    """.split()
)

_SENTENCE_END = re.compile(r"[.!?…]+[»\"”’)\]]*|[。！？]+[」』）]*")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-–—•*·▪]|\d{1,2}[.)]|[a-z][.)])\s")
_MD_HEADING = re.compile(r"(#{1,6})\s+\S")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Unit:
    """A heading or a sentence of a document, located by its span."""

    kind: Literal["heading", "sentence"]
    start: int
    end: int
    block: int  # index of the content block it came from
    heading_path: tuple[str, ...]


def normalize_text(text: str) -> str:
    """Collapse layout whitespace; a hyphen at a line end is kept ("franco-\njaponaises")."""
    text = re.sub(r"(\w)-\n\s*(\w)", r"\1-\2", text)
    return _WS.sub(" ", text).strip()


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of ``text[start:end]`` (prose: a paragraph or a list), trimmed of whitespace.

    Boundaries: ., !, ?, … followed by space and a capital, digit or quote (unless the word before is
    an abbreviation, an initial or a list number); Japanese 。！？; a new list item on a new line.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    cut = start
    for pos in _boundaries(text, start, end):
        span = _strip(text, cut, pos)
        if span.end > span.start:
            spans.append(span)
        cut = pos
    last = _strip(text, cut, end)
    if last.end > last.start:
        spans.append(last)
    return _with_markers(text, spans)


def _with_markers(text: str, spans: list[Span]) -> list[Span]:
    """Spans holding no letter (a list's "2.", a bullet) joined to the sentence after them: a numbered
    item is one sentence with its marker."""
    out: list[Span] = []
    pending: Span | None = None
    for span in spans:
        if pending is not None:
            span = Span(pending.start, span.end)
            pending = None
        if not any(ch.isalpha() for ch in text[span.start : span.end]):
            pending = span
            continue
        out.append(span)
    if pending is not None:
        out.append(pending)
    return out


def _boundaries(text: str, start: int, end: int) -> list[int]:
    found = set()
    for m in _SENTENCE_END.finditer(text, start, end):
        pos = m.end()
        if m.group()[0] in "。！？":
            found.add(pos)
            continue
        if pos >= end:
            continue
        rest = text[pos:end]
        if not rest[:1].isspace():
            continue
        nxt = rest.lstrip()[:1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "«\"“'‘(-–—•"):
            continue
        if m.group() == "." and _is_abbreviation(text, start, m.start()):
            continue
        found.add(pos)
    # A new list item that starts a line also starts a sentence.
    for m in re.finditer(r"\n", text[start:end]):
        line_start = start + m.end()
        if _LIST_ITEM.match(text, line_start, end):
            found.add(line_start)
    return sorted(found)


def _is_abbreviation(text: str, block_start: int, period: int) -> bool:
    m = _WORD_BEFORE.search(text, max(block_start, period - 20), period)
    if m is None:
        return False
    word = m.group(1)
    if word.casefold() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Dupont"
    # "1." opening a line (or the block) is a list number, not a sentence.
    newline = text.rfind("\n", block_start, period)
    line_start = block_start if newline < 0 else newline + 1
    return word.isdigit() and text[line_start:period].strip() == word


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


# A count and a plural noun, after number words are written as digits: "3 ateliers", "2 tables rondes",
# "22 collectivités françaises", "two round tables" (with up to one word between: "2 grandes tables").
_COUNT = re.compile(r"(?<![\d.,/-])\b([2-9]|1\d|20)\s+(?:[^\W\d_]{2,}\s+)?[^\W\d_]{3,}[sx]\b", re.IGNORECASE)
# "3つの", "三つの" (kanji and full-width digits read by ``numbers``).
_JAPANESE_COUNT = re.compile(r"([2-9]|[二三四五六七八九])(?:つ|件|回|か所|ヶ所)の")


def announced(sentence: str, about: Callable[[str], bool] | None = None) -> int:
    """How many items the sentence announces ("Trois ateliers thématiques ont été proposés": 3), or 0;
    given ``about``, only a count whose words ("3 ateliers thématiques") it accepts."""
    text = normalise(sentence)
    found = [m for lang in ("fr", "en") for m in _COUNT.finditer(words_as_digits(text, lang))]
    counts = [int(m.group(1)) for m in found if about is None or about(m.group(0))]
    if about is None:
        counts += [int(n) if n.isdigit() else kanji_value(n) for n in _JAPANESE_COUNT.findall(text)]
    return max(counts, default=0)


def is_list_item(text: str) -> bool:
    """Whether a unit begins with a list marker ("- ", "2. ", "b) ")."""
    return _LIST_ITEM.match(text) is not None


def next_marker(marker: str) -> str:
    """The marker of the item after one marked ``marker`` in the same list: "-" → "-", "2." → "3.",
    "b)" → "c)"."""
    head, tail = marker[:-1], marker[-1:]
    if head.isdigit():
        return f"{int(head) + 1}{tail}"
    if len(head) == 1 and head.isalpha():
        return f"{chr(ord(head) + 1)}{tail}"
    return marker


def list_marker(text: str) -> str | None:
    """A unit's list marker without its spaces ("-", "2.", "b)"), or None."""
    m = _LIST_ITEM.match(text)
    return m.group(0).strip() if m else None


def introduces(text: str) -> bool:
    """Whether a unit announces the lines after it ("… les démarches suivantes :"): what a list's items
    are shown with, quoted with, and said with."""
    return text.rstrip().endswith((":", "："))


def is_heading_line(
    line: str,
    *,
    previous_line: str,
    next_line: str | None,
    typical_length: float = 0.0,
    after_heading: bool = False,
) -> bool:
    """A short line with no closing punctuation, standing alone (after a sentence's end, or after a
    heading: "Des ateliers (ODD)" then "Économie"), before more text.

    ``next_line`` is the following line of the same block ("" if the block ends there, None if the
    document does): a next line that starts in lower case means ``line`` is wrapped prose, and so
    does a line about as long as the block's ``typical_length`` (the median of a hard-wrapped block).
    A closing parenthesis ends a heading ("… durable (ODD)"), not a sentence.
    """
    stripped = normalize_text(line)
    if _MD_HEADING.match(stripped):
        return True
    if next_line is None or not stripped or len(stripped) > 100 or _LIST_ITEM.match(line):
        return False
    if " | " in stripped:  # a table row, as the HTML and DOCX extractors write one: its cells are content
        return False
    if typical_length and len(stripped) >= 0.8 * typical_length:
        return False
    if stripped[-1] in '.,;:…»"”' or not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if next_line.strip()[:1].islower() or re.search(r"[.!?] +[A-ZÀ-Ý]", stripped):
        return False
    prev = previous_line.rstrip()
    return after_heading or not prev or prev[-1] in ".!?:;…»"


def segment_document(document: Document) -> list[Unit]:
    """The document's headings and sentences, in order, each knowing its heading path."""
    text = document.text
    units: list[Unit] = []
    path: list[tuple[int, str]] = []  # (level, heading text)
    for block_no, block in enumerate(document.content):
        lines = _lines(text, block.start, block.end)
        lengths = sorted(len(normalize_text(text[a:b])) for a, b in lines)
        typical = lengths[len(lengths) // 2] if len(lengths) >= 3 else 0.0
        para_start: int | None = None
        para_end = block.start
        heading = False  # whether the line before was a heading
        for i, (ls, le) in enumerate(lines):
            line = text[ls:le]
            previous = text[lines[i - 1][0] : lines[i - 1][1]] if i else ""
            if i + 1 < len(lines):
                following: str | None = text[lines[i + 1][0] : lines[i + 1][1]]
            else:
                following = "" if block_no + 1 < len(document.content) else None
            heading = is_heading_line(
                line, previous_line=previous, next_line=following, typical_length=typical, after_heading=heading
            )
            if heading:
                if para_start is not None:
                    units += _sentences(text, para_start, para_end, block_no, path)
                    para_start = None
                level, title = _heading_level(line)
                path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
                span = _strip(text, ls, le)
                units.append(Unit("heading", span.start, span.end, block_no, tuple(t for _, t in path)))
            else:
                para_start = ls if para_start is None else para_start
                para_end = le
        if para_start is not None:
            units += _sentences(text, para_start, para_end, block_no, path)
    return units


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        if text[pos:stop].strip():
            out.append((pos, stop))
        pos = stop + 1
    return out


def _heading_level(line: str) -> tuple[int, str]:
    stripped = normalize_text(line)
    m = _MD_HEADING.match(stripped)
    if m:
        return len(m.group(1)), stripped[len(m.group(1)) :].strip()
    return 1, stripped


def _sentences(text: str, start: int, end: int, block: int, path: list[tuple[int, str]]) -> list[Unit]:
    heading_path = tuple(t for _, t in path)
    return [Unit("sentence", s.start, s.end, block, heading_path) for s in split_sentences(text, start, end)]


def split_document(document: Document, *, chunk_size: int, overlap_sentences: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of about ``chunk_size`` characters.

    A heading starts a new chunk and is its first line; ``overlap_sentences`` sentences of a chunk are
    repeated at the start of the next one within the same section. A sentence longer than the size
    is a chunk of its own rather than being cut.
    """
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in segment_document(document):
        if unit.kind == "heading":
            if _has_sentence(current):
                groups.append(current)
                current = []
            current.append(unit)  # consecutive headings stay together, before their text
            continue
        if current and _chrome_between(document, current[-1], unit):
            if _has_sentence(current):
                groups.append(current)
            current = []
        if _has_sentence(current) and unit.end - current[0].start > chunk_size:
            groups.append(current)
            carried = [u for u in current if u.kind == "sentence"][-overlap_sentences:] if overlap_sentences else []
            if carried and unit.end - carried[0].start > chunk_size:
                carried = []  # overlap only where it leaves room for the new sentence
            current = [*carried, unit]
        else:
            current.append(unit)
    if _has_sentence(current):
        groups.append(current)
    return [_make_chunk(document, group) for group in groups]


def _has_sentence(units: list[Unit]) -> bool:
    return any(u.kind == "sentence" for u in units)


def _chrome_between(document: Document, a: Unit, b: Unit) -> bool:
    return a.block != b.block and bool(document.text[a.end : b.start].strip())


def _make_chunk(document: Document, group: list[Unit]) -> Chunk:
    start, end = group[0].start, group[-1].end
    text = document.text[start:end]
    first_sentence = next(u for u in group if u.kind == "sentence")
    digest = hashlib.sha256(f"{document.doc_id}\0{start}\0{end}\0{text}".encode()).hexdigest()
    return Chunk(
        chunk_id=digest[:32],
        doc_id=document.doc_id,
        start=start,
        end=end,
        text=text,
        heading_path=first_sentence.heading_path,
    )
