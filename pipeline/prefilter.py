"""Which patterns of a stage can match a snippet, from one pass over its folded text.

Every compiled pattern knows the literal strings any match must contain (`rules.required_literals`:
one string of each group). Testing those groups pattern by pattern costs a scan of the snippet
each; here one Aho-Corasick automaton (pyahocorasick) holds the literals of all of a stage's
patterns, finds every one present in a single pass, and a pattern runs only when each of its
groups has a string in that set. The answer is the one `CompiledPattern.may_match` gives, so it
can never skip a pattern that would have matched.
"""
from __future__ import annotations

from collections.abc import Sequence

import ahocorasick

from .rules import CompiledPattern, fold_case

# Literals shorter than this are everywhere (spaces, digits, "a"): the automaton would report
# them at almost every position, so their groups keep their own `in` test instead.
MIN_AUTOMATON_LITERAL = 2


class LiteralScanner:
    """The patterns of one stage behind one literal automaton: `scan` a text once, then ask
    the `Hits` which patterns of any list can match it."""

    def __init__(self, patterns: Sequence[CompiledPattern]):
        bits: dict[str, int] = {}
        self._needs: dict[str, tuple[tuple[int, ...], tuple]] = {}
        for p in patterns:
            masks: list[int] = []
            tests = []
            for group, test in zip(p.literals, p.literal_tests):
                if any(len(s) < MIN_AUTOMATON_LITERAL for s in group):
                    tests.append(test)
                    continue
                mask = 0
                for s in group:
                    mask |= 1 << bits.setdefault(s, len(bits))
                masks.append(mask)
            self._needs[p.id] = (tuple(masks), tuple(tests))
        self._automaton = None
        if bits:
            self._automaton = ahocorasick.Automaton()
            for s, bit in bits.items():
                self._automaton.add_word(s, 1 << bit)
            self._automaton.make_automaton()

    def scan(self, text: str) -> Hits:
        """One pass over the folded text: every literal of every pattern found in it."""
        folded = fold_case(text)
        found = 0
        if self._automaton is not None:
            for _, bit in self._automaton.iter(folded):
                found |= bit
        return Hits(self, folded, found)


class Hits:
    """What one scan found; `among` keeps the patterns that can match the scanned text."""
    __slots__ = ("_scanner", "folded", "_found")

    def __init__(self, scanner: LiteralScanner, folded: str, found: int):
        self._scanner, self.folded, self._found = scanner, folded, found

    def allows(self, p: CompiledPattern) -> bool:
        """Whether the pattern's required literals are all there (a pattern the scanner was not
        built with keeps its own per-pattern test)."""
        need = self._scanner._needs.get(p.id)
        if need is None:
            return p.may_match(self.folded)
        return _holds(self._found, self.folded, need)

    def among(self, patterns: Sequence[CompiledPattern]) -> list[CompiledPattern]:
        """The patterns, in order, whose required literals are all there (what `allows` says
        of each, without a method call a pattern: a stage asks this of ~200 patterns)."""
        needs, found, folded = self._scanner._needs, self._found, self.folded
        out = []
        for p in patterns:
            need = needs.get(p.id)
            if p.may_match(folded) if need is None else _holds(found, folded, need):
                out.append(p)
        return out


def _holds(found: int, folded: str, need: tuple[tuple[int, ...], tuple]) -> bool:
    for mask in need[0]:
        if not found & mask:
            return False
    for test in need[1]:
        if not test(folded):
            return False
    return True
