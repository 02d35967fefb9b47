"""fastre: a rules regex compiled for faster skipping finds exactly what re.compile finds."""
import json
import re

import pytest

from conftest import ROOT, SHARED
from pipeline import fastre
from pipeline.rules import _expand

# characters re takes for ASCII letters without ignoring case: dotted and dotless I, long s,
# Kelvin sign; and a few that look alike but are not (Cyrillic, full-width, sharp s)
ODD = "\u0130\u0131\u017f\u212a\u0430\u0435\u043c\uff2d\uff37\u00df\u00e9"


def _texts() -> list[str]:
    from test_rules import ADVERSARIAL
    texts = list(ADVERSARIAL) + ["", "x", "MAY 2024", "Mon. 5 May 2025, 10.30 a.m.", ODD,
                                 "The \u0130NSTALLED 5 MW in K\u0131ev on \u017funday, "
                                 "Ma\u0130 3rd \u212aW"]
    n = 0
    for path in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")) + sorted(SHARED.glob("peer/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for t in [row.get("text"), *(row.get("texts") or [])]:
                if isinstance(t, str):
                    texts.append(t)
                    n += 1
                    if n % 6 == 0:  # every sixth in other cases too: the suite stays quick
                        texts += [t.upper(), t.lower(), t.replace("i", "\u0131").replace("s", "\u017f")]
    return texts


def _found(pattern: re.Pattern, texts: list[str]) -> list:
    return [[(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(t)] for t in texts]


def test_fastre_every_bundled_pattern_finds_what_re_finds(rules):
    texts = _texts()
    sources = [p.regex.pattern for ps in rules.patterns.values() for p in ps.patterns]
    plc = rules["places"]
    sources += [_expand(v, plc.fragments) for k, v in plc.fragments.items()
                if k.startswith(("find_", "project_", "gate_"))]
    assert len(sources) > 300
    for source in sources:
        tuned = fastre.compile(source)
        plain = re.compile(source)
        assert (tuned.pattern, tuned.flags, tuned.groups, tuned.groupindex) == (
            plain.pattern, plain.flags, plain.groups, plain.groupindex)
        assert _found(tuned, texts) == _found(plain, texts), source
        for t in texts[:200]:
            assert bool(tuned.match(t)) == bool(plain.match(t))
            assert bool(tuned.fullmatch(t)) == bool(plain.fullmatch(t))


def test_fastre_a_pattern_from_its_layout_is_the_compiled_one(rules):
    # the build cache keeps each lazily compiled pattern's layout: compiled from it, a pattern
    # finds what the one `compile` makes finds (an ASCII-only pattern, left to re, has no layout)
    import pickle
    texts = _texts()[:60]
    for ps in rules.patterns.values():
        for p in ps.patterns:
            source = p.regex.pattern
            laid_out = pickle.loads(pickle.dumps(fastre.layout(source)))
            again, tuned = fastre.from_layout(source, laid_out), fastre.compile(source)
            assert (again.pattern, again.flags, again.groups, again.groupindex) == (
                tuned.pattern, tuned.flags, tuned.groups, tuned.groupindex)
            assert _found(again, texts) == _found(tuned, texts), source
    assert fastre.layout(r"(?a)\w+") is None and fastre.from_layout(r"(?a)\w+", None).match("aa")


@pytest.mark.parametrize("source", [
    r"(?i:jan|feb|mar)\w*", r"(?=\w)\b(?i:sun|mon|kw|is)\b", r"(?i)(?:k|s|i)+", r"(?i:[a-k]x|[^a]y)",
    r"(?<![\w.])(?:\d+|(?i:one|two))\s+(?i:days?)", r"(\w)\1", r"(?:(a)|b)(?(1)c|d)", r"x*",
    r"(?:the\s+)?(?i:first|second)", r"(?i:\u0130x|\u017fy)", r".a", r"(?i:é|e)t", r"\bq|(?i:q)",
    r"(?>(?i:ab|a))b", r"(?i:a++|b*+)c", r"(?=(?i:a|b))\w{2}", r"(?i:[\w]x|y)", r"(?i:(?-i:A)a|b)",
])
def test_fastre_odd_patterns_find_what_re_finds(source):
    texts = ["", "ab abc aab", "Jan FEB march kw KW \u212aW is \u0130S \u0131s", "xy XY \u017fy \u0130x",
             "1 day, two Days, One DAY", "aa bb cd bd acd", "the first, SECOND, Fir\u017ft", "\u00e9t Ét et",
             "qQ", "AbAb aB", "aac bc c", "ax bx \u00e1x", "Aa aa AA"] + [ODD, ODD.upper()]
    assert _found(fastre.compile(source), texts) == _found(re.compile(source), texts)


def test_fastre_letter_sets_are_what_re_ignores_case_to():
    """The case-sensitive set that replaces a case-insensitive letter holds every code point
    re would take for it, and no other."""
    anything = re.compile(r"(?i:[a-z])")
    candidates = [x for x in range(0x110000) if anything.fullmatch(chr(x))]
    for letter in "abcdefghijklmnopqrstuvwxyzIKS":
        one = re.compile(f"(?i:{letter})")
        assert fastre._same_letter(ord(letter)) == [x for x in candidates if one.fullmatch(chr(x))]


def test_windowed_search_finds_what_finditer_finds(rules):
    """prefilter.Hits.finditer (dates' candidates searched near their month names and other
    required strings) gives finditer's matches on every text, normalised or not; and the
    windows alone, where the text allows them, do too."""
    from pipeline import prefilter
    from pipeline.normalise import build_normaliser
    normalise = build_normaliser(rules)
    patterns = [p for p in rules["dates"].patterns if p.label and ":" not in p.label]
    assert sum(p.window is not None for p in patterns) > len(patterns) // 2
    scanner = prefilter.LiteralScanner(patterns)
    texts = _texts()
    texts += [normalise(t).text for t in texts]
    for t in texts:
        hits = scanner.scan(t)
        single_spaced = " ".join(t.split()) == t and len(hits.folded) == len(t)
        for p in patterns:
            want = [(m.span(), m.groupdict()) for m in p.regex.finditer(t)]
            assert [(m.span(), m.groupdict()) for m in hits.finditer(p, t)] == want, (p.id, t)
            if single_spaced and p.window and p.literals:
                near = prefilter._near(p.regex, t, prefilter._occurrences(hits.folded, p.literals[0]),
                                       p.window[0], p.window[1] + 2)
                assert near is None or [(m.span(), m.groupdict()) for m in near] == want, (p.id, t)
