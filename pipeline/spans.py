"""Sentence spans shared by the extractors (each passes the boundary it reads sentences by)."""
from __future__ import annotations

import re


def sentence_bounds(text: str, boundary: re.Pattern) -> list[tuple[int, int]]:
    """(start, end) of each sentence, where `boundary` matches the end of a sentence.

    >>> sentence_bounds("A b. C d. E", re.compile(r"[.](?=\\s+[A-Z])"))
    [(0, 4), (4, 9), (9, 11)]
    """
    bounds, start = [], 0
    for m in boundary.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def sentence_of(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding `pos`; the last one for a position at the end.

    >>> sentence_of([(0, 4), (4, 9), (9, 11)], 5), sentence_of([(0, 4)], 4)
    ((4, 9), (0, 4))
    """
    return next(((a, b) for a, b in bounds if a <= pos < b), bounds[-1])
