r"""Compile a rules regex into the same pattern, laid out so that Python's engine skips faster.

Python's `re` scans a text position by position and only skips ahead quickly in two cases: a
pattern whose first item is a plain character or set (it then jumps to the next position holding
one of those characters), and an alternative of `A|B|C` that starts with a plain character or
set (it is passed over when the text does not start with it). Most rule patterns meet neither:
they open with `(?=\w)\b` or `(?<![\w.])`, and their word lists are case-insensitive
(`(?i:january|february|...)`), which the engine tries one alternative after another.

`compile` keeps every match, group and span of `re.compile` and changes only that layout:

- the info block of a pattern that cannot match the empty string names the characters a match
  can start with (a superset, found from the parsed pattern), so `search` and `finditer` jump
  between them as they do for a pattern that starts with a set;
- in a case-insensitive alternative that starts with an ASCII letter, that letter becomes the
  case-sensitive set of every character the engine would take for it (`j` -> `[Jj]`), so the
  alternative is passed over at once where the text has another letter (not for `i`, `k` and
  `s`, which re also takes for the dotted and dotless I, the Kelvin sign and the long s).

The rules' own text is untouched (`.pattern` is the source); a pattern the analysis does not
know, or a Python whose `re` internals differ, is compiled by `re.compile` as it is.
`tests/test_fastre.py` checks both against `re.compile` on every bundled pattern. Other Python
versions than 3.11, whose internals it was checked on, get `re.compile` as it is.

>>> compile(r"(?=\w)\b(?i:jan|feb)\w*").findall("In Feb and JANUARY, not in kjan")
['Feb', 'JANUARY']
"""
from __future__ import annotations

import re
import sys
from array import array
from functools import lru_cache

try:
    if sys.version_info[:2] != (3, 11):  # the internals below are checked on 3.11 only
        raise ImportError
    import _sre
    from re import _compiler as _C, _parser as _P  # type: ignore[attr-defined]
    from re._constants import (ASSERT, ASSERT_NOT, AT, ATOMIC_GROUP, BRANCH, CATEGORY, IN,  # type: ignore
                               INFO, LITERAL, MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT, RANGE,
                               SRE_FLAG_IGNORECASE, SRE_FLAG_LOCALE, SRE_FLAG_UNICODE,
                               SRE_INFO_CHARSET, SUBPATTERN)
    _INTERNALS = True
except ImportError:  # pragma: no cover - another Python's re
    _INTERNALS = False

# Every non-ASCII character: a case-insensitive ASCII letter may match one (the Kelvin sign is a
# "k"); the start set takes them all rather than knowing which (a superset is all it needs)
_NON_ASCII = (RANGE, (0x80, 0x10FFFF)) if _INTERNALS else None


def compile(source: str) -> re.Pattern:
    """`re.compile(source)`, with the same matches, laid out for faster skipping."""
    if not _INTERNALS:
        return re.compile(source)
    try:
        return _tuned(source)
    except _Unknown:
        return re.compile(source)


def layout(source: str) -> tuple | None:
    """What `compile` hands the regex engine for `source`, as plain data for the build cache
    (the code as bytes); None where `compile` leaves the pattern to `re.compile`."""
    if not _INTERNALS:
        return None
    try:
        flags, code, groups, groupdict, indexgroup = _parts(source)
    except _Unknown:
        return None
    return flags, array("I", code).tobytes(), groups, groupdict, indexgroup


def from_layout(source: str, laid_out: tuple | None) -> re.Pattern:
    """`compile(source)` from the source's `layout`, without parsing it again (a tenth of the
    time; the engine still checks the code it is given)."""
    if laid_out is None or not _INTERNALS:
        return compile(source)
    flags, code, groups, groupdict, indexgroup = laid_out
    return _sre.compile(source, flags, array("I", code).tolist(), groups, groupdict, indexgroup)


class _Unknown(Exception):
    """A part of a pattern this module does not reason about: compile it as `re` does."""


def _tuned(source: str) -> re.Pattern:
    return _sre.compile(source, *_parts(source))


def _parts(source: str) -> tuple:
    """The arguments of `_sre.compile` but the source: flags, code, groups, group names."""
    p = _P.parse(source, 0)
    flags = p.state.flags
    if flags & SRE_FLAG_LOCALE or not flags & SRE_FLAG_UNICODE:
        raise _Unknown
    p.data = _alternatives_first_set(p.data, flags)
    code = _C._code(p, flags)
    if code[0] != INFO:
        raise _Unknown
    info_flags, lo, hi = code[2], code[3], code[4]
    if info_flags == 0 and lo > 0:  # no literal prefix, no start set: find one
        try:
            start, empty = _first(p.data, flags)
        except _Unknown:
            start, empty = [], True
        if start and not empty:
            # characters below 256 as one bitmap; wider ranges and categories as they are
            # (re's own set optimiser would build a 64k-entry map for them, ~2 ms a pattern)
            narrow = [(o, a) for o, a in start if o is LITERAL and a < 256
                      or o is RANGE and a[1] < 256]
            charset, _ = _C._optimize_charset(narrow)
            charset += [x for x in start if x not in narrow]
            info = [INFO, 0, SRE_INFO_CHARSET, lo, hi]
            _C._compile_charset(charset, flags, info)
            info[1] = len(info) - 1
            code = info + code[1 + code[1]:]
    indexgroup = [None] * p.state.groups
    for name, i in p.state.groupdict.items():
        indexgroup[i] = name
    return flags, code, p.state.groups - 1, p.state.groupdict, tuple(indexgroup)


# -------------------------------------------------------------- the start set
def _first(items, flags) -> tuple[list, bool]:
    """The charset items a match of the sequence can start with, and whether it can be empty."""
    out: list = []
    for op, av in items:
        start, empty = _first_of(op, av, flags)
        out += start
        if not empty:
            return out, False
    return out, True


def _char(c: int, flags) -> list:
    if not flags & SRE_FLAG_IGNORECASE:
        return [(LITERAL, c)]
    if c >= 128:
        raise _Unknown
    ch = chr(c)
    return [(LITERAL, ord(ch.lower())), (LITERAL, ord(ch.upper())), _NON_ASCII]


def _first_of(op, av, flags) -> tuple[list, bool]:
    if op is LITERAL:
        return _char(av, flags), False
    if op is IN:
        out: list = []
        for o, a in av:
            if o is LITERAL:
                out += _char(a, flags)
            elif o is RANGE and not flags & SRE_FLAG_IGNORECASE:
                out.append((o, a))
            elif o is RANGE and a[1] < 128:
                for c in range(a[0], a[1] + 1):
                    out += _char(c, flags)
            elif o is CATEGORY:
                out += [(o, a), _NON_ASCII] if flags & SRE_FLAG_IGNORECASE else [(o, a)]
            else:  # NEGATE and anything else
                raise _Unknown
        return out, False
    if op in (AT, ASSERT, ASSERT_NOT):  # zero width: the next item starts the match
        return [], True
    if op is SUBPATTERN:
        _, add, remove, sub = av
        return _first(sub, _C._combine_flags(flags, add, remove))
    if op is ATOMIC_GROUP:
        return _first(av, flags)
    if op is BRANCH:
        out, empty = [], False
        for alternative in av[1]:
            start, e = _first(alternative, flags)
            out += start
            empty = empty or e
        return out, empty
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
        low, _, sub = av
        start, empty = _first(sub, flags)
        return start, empty or low == 0
    raise _Unknown  # ANY, NOT_LITERAL, a back reference, a conditional group, ...


# -------------------------------------------------------------- alternatives
def _alternatives_first_set(items, flags) -> list:
    """The parsed items with every case-insensitive alternative that starts with an ASCII
    letter starting with that letter's case-sensitive set instead."""
    out = []
    for op, av in items:
        if op is SUBPATTERN:
            group, add, remove, sub = av
            sub.data = _alternatives_first_set(sub.data, _C._combine_flags(flags, add, remove))
        elif op is ATOMIC_GROUP:
            av.data = _alternatives_first_set(av.data, flags)
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            av[2].data = _alternatives_first_set(av[2].data, flags)
        elif op in (ASSERT, ASSERT_NOT):
            av[1].data = _alternatives_first_set(av[1].data, flags)
        elif op is BRANCH:
            for alternative in av[1]:
                alternative.data = _alternatives_first_set(alternative.data, flags)
                if flags & SRE_FLAG_IGNORECASE and alternative.data:
                    first_op, c = alternative.data[0]
                    if first_op is LITERAL and c < 128 and chr(c).isalpha() and max(_same_letter(c)) < 256:
                        # (not i, k, s: their sets hold characters above 255, for which re's
                        # set optimiser builds a 64k-entry map, a compile cost worth more)
                        letters = _P.SubPattern(alternative.state,
                                                [(IN, [(LITERAL, x) for x in _same_letter(c)])])
                        alternative.data[0] = (SUBPATTERN, (None, 0, SRE_FLAG_IGNORECASE, letters))
        out.append((op, av))
    return out


@lru_cache(maxsize=None)
def _same_letter(c: int) -> list[int]:
    """Every character that `(?i:c)` matches, for an ASCII letter: those whose lower case (the
    simple mapping `re` uses) is the letter's, or one of the letters `re` holds equal to it
    (`_EXTRA_CASES`: "s" and the long s, "i" and the dotless i)."""
    lower = _sre.unicode_tolower
    equal = {lower(c), *_C._EXTRA_CASES.get(lower(c), ())}
    return sorted([x for x in range(0x80) if lower(x) in equal]
                  + [x for x, low in _non_ascii_lower().items() if low in equal])


@lru_cache(maxsize=1)
def _non_ascii_lower() -> dict[int, int]:
    """The non-ASCII characters whose simple lower case is an ASCII character or one `re`
    holds equal to an ASCII letter (the dotted I, the Kelvin sign, the dotless i), with that
    lower case: a scan of every code point (0.05 s), kept in the build cache."""
    from .cache import cached
    return cached("non-ascii-lower", "unicode", _scan_non_ascii_lower)


def _scan_non_ascii_lower() -> dict[int, int]:
    lower = _sre.unicode_tolower
    near = {x for c in range(0x80) for x in _C._EXTRA_CASES.get(c, ())}
    return {x: lower(x) for x in range(0x80, 0x110000) if lower(x) < 0x80 or lower(x) in near}
