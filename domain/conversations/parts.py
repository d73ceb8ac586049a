"""A long outbound text cut into the WhatsApp messages that carry it (P9).

WhatsApp shows a wall of text badly, so a reply longer than `limit` characters goes out as
several messages, cut at the best boundary available: between paragraphs (and lists), then
between lines, then at sentence ends, and only inside a sentence at a word boundary. A list
that fits the limit stays in one message; a longer one is cut only between its items.

Every cut falls on whitespace and each part is a slice of the text, so joining the parts loses
no word and keeps the text's own formatting. The result depends only on the text: delivery
computes it again on a retry and resumes at the first part not yet sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

LIMIT = 1000

Span = tuple[int, int]  # [start, end) of a part in the text, both on non-whitespace

# "1." "1)" "•" "-" "*" "–" followed by a space, at the start of a line.
_ITEM = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[•*\-–])[ \t]+\S")
# A sentence ends at . ! ? … (closing quotes or brackets allowed) followed by whitespace; the
# whitespace is the cut. "13.30", "R$ 1.200,00", URLs and e-mails have no whitespace there.
_SENTENCE_END = re.compile(r"([.!?…]+)[\"'”’»)\]]*(\s+)")
_NEWLINE = re.compile(r"[ \t]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
# Abbreviations whose period does not end a sentence ("Dr. Silva", "Av. Paulista").
_ABBREVIATED = (
    "dr dra drs dras sr sra srs sras srta prof profa av r al pç trav rod n nº num tel cel "
    "exmo exma sto sta jr ltda cia obs aprox etc p pág vol séc min máx fl fls dept depto"
)
_ABBREVIATIONS = frozenset(_ABBREVIATED.split())


def split_reply(text: str, limit: int = LIMIT) -> list[str]:
    """The ordered, non-empty, stripped messages that carry `text`; a short text is one part,
    unchanged. A part exceeds `limit` only when one word (a long URL) alone does."""
    if not text.strip():
        return []
    if len(text) <= limit:
        return [text]
    spans = _pack(text, _blocks(text, _trim(text, (0, len(text)))), limit, _block_parts(limit))
    return [text[start:end] for start, end in spans]


def _pack(
    text: str, pieces: list[Span], limit: int, deeper: Callable[[str, Span], list[Span]]
) -> list[Span]:
    """Greedily join consecutive pieces into parts of at most `limit`; a piece too long for
    one part is cut by `deeper`, its first cut joining the part before when both fit and its
    last cut taking the pieces after."""
    parts: list[Span] = []
    current: Span | None = None
    for piece in pieces:
        if piece[1] - piece[0] > limit:
            cut = deeper(text, piece)
            if current is not None and cut[0][1] - current[0] <= limit:
                cut[0] = (current[0], cut[0][1])  # a short lead-in goes with what it leads to
            elif current is not None:
                parts.append(current)
            *whole, current = cut
            parts.extend(whole)
        elif current is None:
            current = piece
        elif piece[1] - current[0] <= limit:
            current = (current[0], piece[1])
        else:
            parts.append(current)
            current = piece
    if current is not None:
        parts.append(current)
    return parts


def _block_parts(limit: int) -> Callable[[str, Span], list[Span]]:
    """How a block too long for one part is cut: a list between its items, a paragraph at
    lines, sentences, then words."""

    def by_words(text: str, span: Span) -> list[Span]:
        return _pack(text, _cuts(text, span, _whitespace(text, span)), limit, _alone)

    def by_sentences(text: str, span: Span) -> list[Span]:
        return _pack(text, _cuts(text, span, _sentence_ends(text, span)), limit, by_words)

    def by_lines(text: str, span: Span) -> list[Span]:
        return _pack(text, _cuts(text, span, _newlines(text, span)), limit, by_sentences)

    def block(text: str, span: Span) -> list[Span]:
        items = _items(text, span)
        return by_lines(text, span) if items is None else _pack(text, items, limit, by_lines)

    return block


def _alone(text: str, span: Span) -> list[Span]:
    """One word longer than the limit: sent whole, a URL cut in two would not work."""
    return [span]


def _lines(text: str, span: Span) -> list[Span]:
    """The lines of the span, blank ones included, each as [start, end) without its newline."""
    lines, start = [], span[0]
    while start <= span[1]:
        end = text.find("\n", start, span[1])
        end = span[1] if end < 0 else end
        lines.append((start, end))
        start = end + 1
    return lines


def _blocks(text: str, span: Span) -> list[Span]:
    """Paragraphs and lists. A list runs from an item line (or from the line introducing it,
    when that ends with ":") through blank lines between items and lines that carry an item
    on, until a blank line is followed by something else."""
    blocks: list[Span] = []
    lines = [line for line in _lines(text, span) if not _blank(text, line)]
    i = 0
    while i < len(lines):
        in_list = _is_item(text, lines[i])
        j = i + 1
        while j < len(lines):
            item, adjacent = _is_item(text, lines[j]), "\n" not in _between(text, lines, j)
            if not in_list and item and _introduces(text, lines[j - 1]):
                in_list = True
            elif in_list and not (item or adjacent):
                break  # a blank line, then something else than an item
            elif not in_list and (item or not adjacent):
                break  # a list after a paragraph that does not introduce it, or a blank line
            j += 1
        blocks.append((lines[i][0], lines[j - 1][1]))
        i = j
    return [_trim(text, block) for block in blocks]


def _between(text: str, lines: list[Span], j: int) -> str:
    """What separates the non-blank line j from the one before it (beyond one newline)."""
    return text[lines[j - 1][1] + 1 : lines[j][0]]


def _introduces(text: str, line: Span) -> bool:
    return text[line[0] : line[1]].rstrip().endswith(":")


def _items(text: str, span: Span) -> list[Span] | None:
    """A list block's introduction and items, each item from its marker line to the next
    item as indented as the first (sub-items and wrapped lines belong to their item); None
    for a paragraph."""
    lines = [line for line in _lines(text, span) if _is_item(text, line)]
    if not lines:
        return None
    indent = _indent(text, lines[0])
    starts = [line[0] for line in lines if _indent(text, line) <= indent]
    intro = [(span[0], starts[0])] if starts[0] > span[0] else []
    ends = [*starts[1:], span[1]]
    items = [*intro, *zip(starts, ends, strict=True)]
    return [_trim(text, item) for item in items]


def _is_item(text: str, line: Span) -> bool:
    return _ITEM.match(text, line[0], line[1]) is not None


def _sentence_ends(text: str, span: Span) -> list[Span]:
    """The whitespace after each sentence's end, abbreviations aside."""
    cuts = []
    for match in _SENTENCE_END.finditer(text, span[0], span[1]):
        if match.group(1) == "." and _abbreviated(text, match):
            continue
        cuts.append(match.span(2))
    return cuts


def _abbreviated(text: str, match: re.Match[str]) -> bool:
    """A period after an abbreviation or an initial, or followed by a lowercase word."""
    before = text[max(0, match.start(1) - 40) : match.start(1)]
    word = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
    token = word.lstrip("([{\"'“‘«").lower()
    following = text[match.end(2) : match.end(2) + 1]
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or following.islower()


def _newlines(text: str, span: Span) -> list[Span]:
    return [m.span() for m in _NEWLINE.finditer(text, *span)]


def _whitespace(text: str, span: Span) -> list[Span]:
    return [m.span() for m in _WHITESPACE.finditer(text, *span)]


def _cuts(text: str, span: Span, gaps: list[Span]) -> list[Span]:
    """The pieces of `span` between the whitespace `gaps` (in order, inside the span)."""
    pieces, start = [], span[0]
    for gap_start, gap_end in gaps:
        if gap_start > start:
            pieces.append((start, gap_start))
        start = gap_end
    if start < span[1]:
        pieces.append((start, span[1]))
    return pieces


def _trim(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blank(text: str, line: Span) -> bool:
    return not text[line[0] : line[1]].strip()


def _indent(text: str, line: Span) -> int:
    return len(text[line[0] : line[1]]) - len(text[line[0] : line[1]].lstrip())
