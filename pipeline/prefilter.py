"""Which patterns of a stage can match a snippet, from one pass over its folded text.

Every compiled pattern knows the literal strings any match must contain (`rules.required_literals`:
one string of each group). Testing those groups pattern by pattern costs a scan of the snippet
each; here one Aho-Corasick automaton (pyahocorasick) holds the literals of all of a stage's
patterns, finds every one present in a single pass, and a pattern runs only when each of its
groups has a string in that set, and, for a regex that is one alternation, when each group of
one of its alternatives has (`rules.branch_literals`). The answer is the one
`CompiledPattern.may_match` gives, so it can never skip a pattern that would have matched.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import reduce
from itertools import compress
from operator import itemgetter, not_, or_

import ahocorasick

from .rules import CompiledPattern, fold_case

# Literals shorter than this are everywhere (spaces, digits, "a"): the automaton would report
# them at almost every position, so a scan looks for each such character once (`in`) instead.
MIN_AUTOMATON_LITERAL = 2


class LiteralScanner:
    """The patterns of one stage behind one literal automaton: `scan` a text once, then ask
    the `Hits` which patterns of any list can match it."""

    def __init__(self, patterns: Sequence[CompiledPattern]):
        # One bit a distinct group of literals; the automaton's value for a literal is the mask
        # of every group holding it, so a scan ORs together the groups that have a string in the
        # text and a pattern's groups all hold when its mask is inside that. A group's test
        # (`literal_tests`, one a group) asks whether one of its strings is in the text, which
        # is what its bit says: the bits replace the tests, and each short literal is looked
        # for once a scan rather than once a pattern that needs it.
        groups: dict[tuple[str, ...], int] = {}

        def need(literals, literal_tests) -> tuple[int, tuple]:
            mask = 0
            for group, _ in zip(literals, literal_tests):
                mask |= 1 << groups.setdefault(tuple(group), len(groups))
            return mask, ()

        # pattern id -> (group mask, tests, the (group mask, tests) of each alternative)
        self._needs: dict[str, tuple[int, tuple, tuple]] = {}
        for p in patterns:
            self._needs[p.id] = (*need(p.literals, p.literal_tests),
                                 tuple(need(b, t) for b, t in zip(p.branches, p.branch_tests)))
        self._lists: dict[int, tuple[Sequence[CompiledPattern], int, tuple]] = {}
        self._last: tuple[str, Hits] | None = None
        self._automaton = None
        self._all = (1 << len(groups)) - 1  # every group's bit: a scan finds some of them
        values: dict[str, int] = {}
        short: dict[str, int] = {}  # a literal too short for the automaton -> its groups' mask
        for group, bit in groups.items():
            for s in group:
                held = values if len(s) >= MIN_AUTOMATON_LITERAL else short
                held[s] = held.get(s, 0) | 1 << bit
        self._always = short.pop("", 0)  # the empty string is in every text
        self._short = tuple(short.items())
        if values:
            self._automaton = ahocorasick.Automaton()
            for s, value in values.items():
                self._automaton.add_word(s, value)
            self._automaton.make_automaton()

    def scan(self, text: str) -> Hits:
        """One pass over the folded text: every literal of every pattern found in it."""
        folded = fold_case(text)
        found = self._always
        if self._automaton is not None:
            found |= reduce(or_, map(_value, self._automaton.iter(folded)), 0)
        for s, mask in self._short:
            if s in folded:
                found |= mask
        return Hits(self, folded, found)

    def hits_of(self, text: str) -> Hits:
        """`scan(text)`, kept for the next call with the same text object: one scan serves
        every list a stage asks about one snippet."""
        last = self._last
        if last is None or last[0] is not text:
            last = self._last = (text, self.scan(text))  # holds the text: its id stays its own
        return last[1]

    def among_items_in(self, text: str, items: Sequence[tuple]) -> list[tuple]:
        """`hits_of(text).among_items(items)`, kept for the next call with the same text
        and list: a stage that looks at several windows of one snippet asks this of the whole
        snippet once. A pattern whose literals are missing from the text is missing from every
        window of it, so the answer holds for each window; it may keep a pattern a window lacks
        the literals of, which the caller's own search of the window then turns down (the
        same result as a scan of each window, with one scan a snippet instead of two or three)."""
        hits = self.hits_of(text)
        kept = hits._memo.get(id(items))
        if kept is None or kept[0] is not items:
            kept = hits._memo[id(items)] = (items, hits.among_items(items))
        return kept[1]

    def _entries(self, items: Sequence, first: bool = False) -> tuple[tuple, tuple[int, ...]]:
        """(item, group mask, tests, alternatives) for each pattern of a list (`first`: each
        item's first element is the pattern), and the masks alone, kept for the list's next
        `among`: a stage asks of the same few lists for every snippet."""
        kept = self._lists.get(id(items))
        if kept is not None and kept[0] is items and kept[1] == len(items):
            return kept[2]
        needs = self._needs
        entries = tuple((item, *needs.get(p.id, (0, (p.may_match,), ())))
                        for item in items for p in (item[0] if first else item,))
        entries = (entries, tuple(e[1] for e in entries))
        if len(self._lists) >= 64:  # lists made anew for each call: keep no more than a few
            self._lists.clear()
        self._lists[id(items)] = (items, len(items), entries)
        return entries


_value = itemgetter(1)


class Hits:
    """What one scan found; `among` keeps the patterns that can match the scanned text."""
    __slots__ = ("_scanner", "folded", "_found", "_memo", "_anchors", "_single_spaced")

    def __init__(self, scanner: LiteralScanner, folded: str, found: int):
        self._scanner, self.folded, self._found = scanner, folded, found
        self._memo: dict[int, tuple[Sequence, list]] = {}  # see LiteralScanner.among_items_in
        self._anchors: dict[tuple[str, ...], list[tuple[int, int]]] = {}  # see finditer
        self._single_spaced: bool | None = None

    def finditer(self, p: CompiledPattern, text: str) -> Iterator[re.Match]:
        """`p.regex.finditer(text)` for the scanned text, the same matches, found by searching
        only near the strings of the pattern's first literal group where those are few.

        A date pattern such as "5 December 2025" is tried by re at nearly every word of a
        snippet (a day can be a number or an ordinal word, after an optional weekday), but
        every match holds a month name, found once here. With the pattern's `window`
        (rules.match_window: at most `width` characters long, reading at most `reach` past its
        start, both for a text whose whitespace runs are single characters), a match that
        holds the string at `a` starts in [a - width, a]; a search from there with the text
        cut off `reach` past `a` tries each start up to `a` exactly as a search of the whole
        text would. Each start up to the last string is so decided once, and none after it
        can hold a string. A text with longer whitespace runs, an empty match, or strings so
        many that the windows would cover the text, get the plain scan."""
        regex, window = p.regex, p.window
        if window is None or not p.literals or len(self.folded) != len(text):
            return regex.finditer(text)
        width, reach = window
        reach += 2  # one character more for a boundary at the cut, one to spare
        anchors = self._anchors.get(p.literals[0])
        if anchors is None:
            anchors = self._anchors[p.literals[0]] = _occurrences(self.folded, p.literals[0])
        if len(anchors) * (width + reach) >= len(text):
            return regex.finditer(text)
        if self._single_spaced is None:
            self._single_spaced = " ".join(text.split()) == text
        if not self._single_spaced:
            return regex.finditer(text)
        found = _near(regex, text, anchors, width, reach)
        return regex.finditer(text) if found is None else iter(found)

    def allows(self, p: CompiledPattern) -> bool:
        """Whether the pattern's required literals are all there (a pattern the scanner was not
        built with keeps its own per-pattern test)."""
        need = self._scanner._needs.get(p.id)
        if need is None:
            return p.may_match(self.folded)
        mask, tests, branches = need
        if self._found & mask != mask:
            return False
        for test in tests:
            if not test(self.folded):
                return False
        return not branches or _any_branch(branches, self._found, self.folded)

    def among(self, patterns: Sequence[CompiledPattern]) -> list[CompiledPattern]:
        """The patterns, in order, whose required literals are all there (what `allows` says
        of each, without a method call a pattern: a stage asks this of ~200 patterns)."""
        return self._kept(self._scanner._entries(patterns))

    def among_items(self, items: Sequence[tuple]) -> list[tuple]:
        """`among` for items whose first element is the pattern ((pattern, role, side)), in
        order."""
        return self._kept(self._scanner._entries(items, first=True))

    def _kept(self, entries: tuple[tuple, tuple[int, ...]]) -> list:
        found, folded = self._found, self.folded
        entries, masks = entries
        out = []
        # a pattern's groups are all there when its mask has no bit outside `found`: the masks
        # are tested in C (map and compress), the few patterns left one by one
        missing = self._scanner._all ^ found  # positive: & on a negative int copies it first
        for item, _, tests, branches in compress(entries, map(not_, map(missing.__and__, masks))):
            for test in tests:
                if not test(folded):
                    break
            else:
                if not branches or _any_branch(branches, found, folded):
                    out.append(item)
        return out


def _occurrences(folded: str, group: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, length) of every occurrence of every string of the group, by start."""
    out = []
    for s in group:
        i = folded.find(s)
        while i >= 0:
            out.append((i, len(s)))
            i = folded.find(s, i + 1)
    out.sort()
    return out


def _near(regex: re.Pattern, text: str, anchors: list[tuple[int, int]], width: int,
          reach: int) -> list[re.Match] | None:
    """The matches of `Hits.finditer`, searched in the window of each string in turn; None
    for an empty match (finditer's step past one is not repeated here)."""
    out: list[re.Match] = []
    pos, n = 0, len(text)
    for a, length in anchors:
        if a < pos:  # inside a match already found: a match from pos holds a later string
            continue
        end = min(n, a + length + reach)
        m = regex.search(text, max(pos, a - width), end)
        while m is not None and m.start() <= a:
            if m.start() == m.end():
                return None
            out.append(m)
            pos = m.end()
            if pos > a:
                break
            m = regex.search(text, pos, end)
        pos = max(pos, a + 1)
    return out


def _any_branch(branches: tuple, found: int, folded: str) -> bool:
    """Whether one alternative has all its groups: its mask inside `found`, its tests true."""
    for mask, tests in branches:
        if found & mask == mask:
            for test in tests:
                if not test(folded):
                    break
            else:
                return True
    return False
