"""Capacities: power and energy quantities as MW / MWh records, paired, with duration and kind.

Patterns come from rules/capacity.toml and units from rules/units.toml; pint converts each unit
to MW or MWh once when the extractor is built, so the hot path is a dict lookup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .cache import cached
from .errors import RulesError
from .records import Capacity, Dropped
from .prefilter import Hits, LiteralScanner
from .rules import CompiledPattern, Rules, unit_key
from .spans import sentence_bounds, sentence_of


@dataclass(frozen=True, slots=True)
class UnitInfo:
    dimension: str  # "power" or "energy"
    factor: float  # to MW or MWh
    generation: bool
    rule: str


@dataclass(slots=True)
class _Q:
    """A quantity found in the text, before pairing."""
    start: int
    end: int
    power: float | None
    energy: float | None
    qualifier: str
    rule: str
    generation: bool = False
    duration: float | None = None
    derived: str | None = None


def build_unit_table(rules: Rules) -> dict[str, UnitInfo]:
    """Alias key -> unit facts, converted with the one pint registry built here; kept in the
    build cache, so that a start-up with it neither imports pint nor builds a registry."""
    return cached("units", rules.digest, lambda: _unit_table(rules))


def _unit_table(rules: Rules) -> dict[str, UnitInfo]:
    import pint

    ureg = pint.UnitRegistry()
    problems = []
    for line in rules.units.definitions:
        try:
            ureg.define(line)
        except Exception as exc:  # pint raises several types for a bad definition line
            problems.append(f"{rules.root / 'units.toml'}: definition {line!r}: {exc}")
    table: dict[str, UnitInfo] = {}
    for u in rules.units.unit:
        target = "megawatt" if u.dimension == "power" else "megawatt_hour"
        try:
            factor = float(ureg.Quantity(1, u.pint).to(target).magnitude)
        except (pint.errors.PintError, AttributeError, ValueError) as exc:
            problems.append(f"{rules.root / 'units.toml'}: unit {u.id!r}: {u.pint!r} is not a "
                            f"{u.dimension} unit ({exc})")
            continue
        for alias in u.aliases:
            key = unit_key(alias)
            table[key if u.case_sensitive else key.casefold()] = UnitInfo(
                u.dimension, factor, u.generation, f"units.toml#{u.id}")
    if problems:
        raise RulesError(problems)
    return table


def parse_number(text: str, words: dict[str, float], decimal_comma: bool = True) -> float | None:
    """A number as news writes it.

    >>> w = {"a": 1, "one": 1, "two": 2, "half": 0.5, "hundred": 100, "thousand": 1000}
    >>> [parse_number(t, w) for t in ["2,000", "1.5", "1,5", "2 000", "20e9", "a hundred", "two"]]
    [2000.0, 1.5, 1.5, 2000.0, 20000000000.0, 100.0, 2.0]
    >>> parse_number("one and a half", w), parse_number("1,50", w, decimal_comma=False)
    (1.5, None)
    """
    t = text.strip()
    if t and (t[0].isdigit() or t[0] == "."):
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
            return float(t.replace(",", ""))
        if re.fullmatch(r"\d+,\d{1,2}", t):
            return float(t.replace(",", ".")) if decimal_comma else None
        if re.fullmatch(r"\d{1,3}(?: \d{3})+", t):
            return float(t.replace(" ", ""))
        try:
            return float(t)
        except ValueError:
            return None
    return _spelled(t, words)


def _spelled(text: str, words: dict[str, float]) -> float | None:
    total, current, seen_number = 0.0, 0.0, False
    tokens = re.split(r"[ -]+", text.casefold())
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "and":
            i += 1
            continue
        if tok in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] == "half":
            current += 0.5
            i += 2
            continue
        value = words.get(tok)
        if value is None:
            return None
        if tok == "hundred":
            current = (current or 1) * 100
        elif tok == "thousand":
            total += (current or 1) * 1000
            current = 0
        elif tok not in ("a", "an"):
            current += value
            seen_number = True
        elif tok in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] in ("hundred", "thousand"):
            current += 0
        else:
            current += value
        if tok in ("hundred", "thousand"):
            seen_number = True
        i += 1
    return total + current if seen_number else None


class CapacityExtractor:
    """Built once from the rules; call it on a normalised text."""

    def __init__(self, rules: Rules):
        ps = rules["capacity"]
        self.settings = rules.settings.capacity
        self.sentence_end = rules["grammar"].one("sentence_end:capacity")  # rules/grammar.toml
        self.units = build_unit_table(rules)
        self.words = dict(ps.numbers)
        self.shared = ps.by_label("shared_pair")
        self.quantities = ps.by_label("quantity")
        self.durations = ps.by_label("duration")
        self.qualifiers = [(p, p.label.split(":")[1]) for p in ps.patterns
                           if p.label and p.label.startswith("qualifier:")]
        self.not_capacity = ps.by_label("not_capacity")
        self.joiners = ps.by_label("pair_joiner")
        self.one_system = ps.by_label("one_system")
        self.kinds = [(p, p.label.split(":")[1], p.note or "before") for p in ps.patterns
                      if p.label and p.label.startswith("kind:")]
        self._scanner = LiteralScanner([*self.shared, *self.quantities, *self.durations])
        # Kind cues are asked once per quantity; their literals, found in one scan of the
        # quantity's context, skip most of them (~35 cues: each regex run cost ~0.3 us a quantity).
        self._kind_scanner = LiteralScanner([p for p, _, _ in self.kinds])

    # -------------------------------------------------------------- public
    def __call__(self, text: str) -> tuple[list[Capacity], list[Dropped]]:
        dropped: list[Dropped] = []
        hits = self._scanner.scan(text)
        found = self._quantities(text, hits, dropped)
        found = self._pair(text, found)
        self._durations(text, hits, found)
        sentences = sentence_bounds(text, self.sentence_end)
        out = [self._record(text, q, sentences) for q in found]
        return self._one_project(text, out, sentences), dropped

    def _one_project(self, text: str, caps: list[Capacity], sentences) -> list[Capacity]:
        """A story announces one system: the first project capacity is it, and a project
        capacity of another size told in a later sentence is another one (the firm's fleet, the
        solar plant beside it, the unit it replaces, its next site): `other`. Not when a kind
        cue made it a project, nor when its sentence tells of the same system in parts
        (label one_system: "the first phase", "stage two", "the site totals")."""
        head = next((c for c in caps if c.kind == "project"), None)
        if head is None:
            return caps
        head_sentence = sentence_of(sentences, head.start)
        out = []
        for c in caps:
            if (c is not head and c.kind == "project" and ";capacity.toml#" not in c.rule
                    and (bounds := sentence_of(sentences, c.start)) != head_sentence
                    and not _same_size(c, head, self.settings.same_system_tolerance)
                    and not any(p.regex.search(text, *bounds) for p in self.one_system)):
                c = replace(c, kind="other", rule=c.rule + ";capacity.py#one-project")
            out.append(c)
        return out

    # -------------------------------------------------------------- steps
    def _unit(self, written: str) -> UnitInfo | None:
        key = unit_key(written)
        return self.units.get(key) or self.units.get(key.casefold())

    def _quantities(self, text: str, hits: Hits, dropped: list[Dropped]) -> list[_Q]:
        taken: list[tuple[int, int]] = []
        found: list[_Q] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        for pattern in hits.among(self.shared):
            for m in pattern.regex.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                u1, u2 = self._unit(m["unit"]), self._unit(m["unit2"])
                n1 = parse_number(m["num"], self.words, self.settings.european_decimal_comma)
                n2 = (parse_number(m["num2"], self.words, self.settings.european_decimal_comma)
                      if m.groupdict().get("num2") else n1)
                if not (u1 and u2 and n1 is not None and n2 is not None):
                    continue
                taken.append((m.start(), m.end()))
                found.append(_Q(m.start(), m.end(), n1 * u1.factor, n2 * u2.factor,
                                self._qualifier(text, m.start()), pattern.id))
        for pattern in hits.among(self.quantities):
            for m in pattern.regex.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                q = self._quantity(text, m, pattern, dropped)
                taken.append((m.start(), m.end()))
                if q is not None:
                    found.append(q)
        found.sort(key=lambda q: q.start)
        return found

    def _quantity(self, text: str, m: re.Match, pattern: CompiledPattern,
                  dropped: list[Dropped]) -> _Q | None:
        unit = self._unit(m["unit"])
        comma = self.settings.european_decimal_comma
        n1 = parse_number(m["num"], self.words, comma)
        n2 = parse_number(m["num2"], self.words, comma) if m.groupdict().get("num2") else None
        if unit is None or n1 is None or (m.groupdict().get("num2") and n2 is None):
            dropped.append(Dropped("capacities", m.group(), m.start(), m.end(),
                                   "number or unit not understood", pattern.id))
            return None
        after = text[m.end():m.end() + 30]
        for veto in self.not_capacity:
            if veto.regex.search(after):
                dropped.append(Dropped("capacities", m.group(), m.start(), m.end(),
                                       veto.note or "not a capacity", veto.id))
                return None
        value = n1 if n2 is None else (n1 + n2) / 2
        qualifier = "range" if n2 is not None else self._qualifier(text, m.start())
        v = value * unit.factor
        rule = f"{pattern.id}+{unit.rule}"
        if unit.dimension == "power":
            return _Q(m.start(), m.end(), v, None, qualifier, rule, unit.generation)
        return _Q(m.start(), m.end(), None, v, qualifier, rule, unit.generation)

    def _qualifier(self, text: str, start: int) -> str:
        before = text[max(0, start - 30):start]
        for pattern, name in self.qualifiers:
            if pattern.regex.search(before):
                return name
        return "exact"

    def _pair(self, text: str, found: list[_Q]) -> list[_Q]:
        out: list[_Q] = []
        i = 0
        while i < len(found):
            q = found[i]
            if i + 1 < len(found):
                r = found[i + 1]
                single_power = q.power is not None and q.energy is None and r.energy is not None and r.power is None
                single_energy = q.energy is not None and q.power is None and r.power is not None and r.energy is None
                gap = text[q.end:r.start]
                if ((single_power or single_energy) and not q.generation and not r.generation
                        and len(gap) <= self.settings.pair_max_gap_chars):
                    joiner = next((j for j in self.joiners if j.regex.search(gap)), None)
                    if joiner is not None:
                        qualifier = q.qualifier if q.qualifier != "exact" else r.qualifier
                        out.append(_Q(q.start, r.end, q.power if single_power else r.power,
                                      r.energy if single_power else q.energy, qualifier,
                                      f"{q.rule}|{joiner.id}|{r.rule}"))
                        i += 2
                        continue
            out.append(q)
            i += 1
        return out

    def _durations(self, text: str, hits: Hits, found: list[_Q]) -> None:
        spans = []
        for pattern in hits.among(self.durations):
            for m in pattern.regex.finditer(text):
                if any(q.start <= m.start() < q.end for q in found):
                    continue
                hours = parse_number(m["num"], self.words)
                if hours and 0 < hours <= 1000:
                    spans.append((m.start(), m.end(), hours, pattern.id))
        window = self.settings.duration_window_chars
        for q in found:
            if q.power is not None and q.energy is not None:
                if q.power > 0:
                    q.duration = q.energy / q.power
                continue
            if q.generation:
                continue
            best = None
            for s, e, hours, rule in spans:
                gap = text[q.end:s] if s >= q.end else text[e:q.start]
                if len(gap) > window or self.sentence_end.search(gap):
                    continue
                distance = len(gap)
                if best is None or distance < best[0]:
                    best = (distance, hours, rule)
            if best is None:
                continue
            _, hours, rule = best
            q.duration = hours
            if q.power is not None:
                q.energy = q.power * hours
                q.derived = f"derived:energy=power*{rule}"
            else:
                q.power = q.energy / hours
                q.derived = f"derived:power=energy/{rule}"

    def _record(self, text: str, q: _Q, sentences: list[tuple[int, int]]) -> Capacity:
        kind, kind_rule = self._kind(text, q, sentences)
        rule = q.rule + (f";{q.derived}" if q.derived else "") + (f";{kind_rule}" if kind_rule else "")
        return Capacity(text=text[q.start:q.end], power_mw=q.power, energy_mwh=q.energy,
                        duration_h=q.duration, kind=kind, qualifier=q.qualifier,
                        start=q.start, end=q.end, rule=rule)

    def _kind(self, text: str, q: _Q, sentences) -> tuple[str, str | None]:
        if q.generation:
            return "other", "units.toml#generation"
        s0, s1 = sentence_of(sentences, q.start)
        w = self.settings.kind_window_chars
        before = text[max(s0, q.start - w):q.start]
        after = text[q.end:min(s1, q.end + w)]
        around = f"{before} QTY {after}"
        hits = self._kind_scanner.scan(around)  # every window lies inside `around`
        for pattern, kind, side in hits.among_items(self.kinds):
            window = before if side == "before" else after if side == "after" else around
            if pattern.regex.search(window):
                return kind, pattern.id
        return "project", None


def _same_size(a: Capacity, b: Capacity, tolerance: float) -> bool:
    """One system told twice: a value both state agrees within the tolerance, and none differs."""
    shared = [(x, y) for x, y in ((a.power_mw, b.power_mw), (a.energy_mwh, b.energy_mwh))
              if x is not None and y is not None]
    return bool(shared) and all(abs(x - y) <= tolerance * max(x, y) for x, y in shared)
