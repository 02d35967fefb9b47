"""Normalise one snippet's text: repair mojibake, fold Unicode, mark truncation."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ftfy

from .rules import Rules

# ftfy settings: fix encoding and quotes, keep the text's own line structure; NFKC runs after.
_FTFY = ftfy.TextFixerConfig(normalization="NFC", unescape_html=True, uncurl_quotes=True,
                             fix_line_breaks=True, explain=False)


@dataclass(frozen=True, slots=True)
class Normalised:
    text: str
    truncated_start: bool
    truncated_end: bool


@dataclass(frozen=True)
class Normaliser:
    """Built once from the rules: the replacement table and the truncation marks."""
    replacements: tuple
    truncation_start: tuple
    truncation_end: tuple

    def __call__(self, raw: str) -> Normalised:
        """Normalise text as stored in the output; offsets are computed on the result.

        >>> n = build_normaliser(__import__("pipeline.rules").rules.load_rules())
        >>> n("\u2026 a \uff15\uff10\uff10\u00a0MW / 2\u202f000 MWh \u201cplant\u201d\u2026")
        Normalised(text='... a 500 MW / 2 000 MWh "plant"...', truncated_start=True, truncated_end=True)
        """
        text = ftfy.fix_text(raw, _FTFY) if not raw.isascii() else raw
        text = unicodedata.normalize("NFKC", text)
        for regex, replacement in self.replacements:
            text = regex.sub(replacement, text)
        text = text.strip()
        start = any(r.search(text) for r in self.truncation_start)
        end = any(r.search(text) for r in self.truncation_end)
        return Normalised(text, start, end)


def build_normaliser(rules: Rules) -> Normaliser:
    ps = rules["normalise"]
    return Normaliser(
        replacements=tuple((p.regex, p.note or "") for p in ps.by_label("replace")),
        truncation_start=tuple(p.regex for p in ps.by_label("truncation_start")),
        truncation_end=tuple(p.regex for p in ps.by_label("truncation_end")),
    )

