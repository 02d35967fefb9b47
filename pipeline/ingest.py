"""Ingest: turn raw input units into normalised snippets, furniture and rejects."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from .normalise import Normaliser
from .records import Furniture, RawText, Reject, Snippet
from .rules import Rules


def snippet_id(input_id: str, text: str) -> str:
    """Stable id of a snippet: the same input id and text give the same id in every run."""
    return hashlib.sha1(f"{input_id}\n{text}".encode()).hexdigest()[:16]


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Blank-line separated paragraphs with the 1-based line each starts on.

    >>> list(paragraphs("a\\nb\\n\\n\\nc\\n"))
    [(1, 'a\\nb'), (5, 'c')]
    """
    block: list[str] = []
    first = 0
    for no, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                first = no
            block.append(line)
        elif block:
            yield first, "\n".join(block)
            block = []
    if block:
        yield first, "\n".join(block)


def ingest(units: Iterable[RawText | Reject], normalise: Normaliser,
           rules: Rules) -> Iterator[Snippet | Furniture | Reject]:
    """Split raw scrapes into paragraphs and classify each; pass structured rows through."""
    furniture = rules["furniture"].patterns
    limits = rules.settings.ingest
    for unit in units:
        if isinstance(unit, Reject):
            yield unit
            continue
        if not unit.split:
            yield from _one(unit, unit.line, unit.text, normalise, limits, furniture=())
            continue
        for offset, block in paragraphs(unit.text):
            yield from _one(unit, unit.line + offset - 1, block, normalise, limits, furniture)


def _one(unit: RawText, line: int, raw: str, normalise: Normaliser, limits,
         furniture) -> Iterator[Snippet | Furniture | Reject]:
    if len(raw) > limits.max_text_chars:
        yield Reject(unit.source_file, line,
                     f"text longer than {limits.max_text_chars} characters (rules: "
                     f"settings.toml ingest.max_text_chars)", raw[:limits.reject_preview_chars])
        return
    norm = normalise(raw)
    if not norm.text:
        if not unit.split:
            yield Reject(unit.source_file, line, "empty text", raw[:limits.reject_preview_chars])
        return
    for pattern in furniture:
        if pattern.regex.search(norm.text):
            yield Furniture(unit.source_file, line, pattern.label or pattern.id, norm.text)
            return
    if unit.split and len(norm.text.split()) < limits.min_snippet_words:
        yield Furniture(unit.source_file, line, "too_short", norm.text)
        return
    input_id = unit.input_id if unit.input_id and not unit.split else f"{unit.source_file}:{line}"
    yield Snippet(snippet_id=snippet_id(input_id, norm.text), input_id=input_id,
                  source_file=unit.source_file, line=line, text=norm.text, url=unit.url,
                  published=unit.published, truncated_start=norm.truncated_start,
                  truncated_end=norm.truncated_end)
