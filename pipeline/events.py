"""What and when: the storage technologies named, the snippet's main event, and its date."""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .records import Capacity, DateMention, EventMention, Technology, plain_state
from .prefilter import Hits, LiteralScanner
from .rules import Rules
from .spans import sentence_bounds, sentence_of


@dataclass(frozen=True)
class Grammar:
    """The clause and sentence grammar of rules/grammar.toml that event cues and their dates
    read: where sentences and clauses end, which clauses are background (what happened before
    or is planned around the news), what marks a date as the day the news was told, where a
    dateline stops. See the notes of each pattern there."""
    sentence_end: re.Pattern
    background: re.Pattern
    relative: re.Pattern
    clause_end: re.Pattern
    clause_break: re.Pattern
    statement: re.Pattern
    dateline: re.Pattern
    statement_penalty: float

    @classmethod
    def from_rules(cls, rules: Rules) -> Grammar:
        g = rules["grammar"]
        return cls(g.one("sentence_end:events"), g.one("background"), g.one("relative"),
                   g.one("clause_end"), g.one("clause_break:events"), g.one("statement"),
                   g.one("dateline"), g.numbers.get("statement_penalty", 50.0))


@dataclass(frozen=True, slots=True)
class Cue(EventMention):
    """An event cue; `background` when it sits in a background clause, so it is context for the
    news rather than the news itself; `told_as`, the rules of other cues that tell its event
    elsewhere (its pattern's, rules/events.toml)."""
    background: bool = False
    told_as: tuple[str, ...] = ()


plain_state(Cue)


@dataclass(frozen=True, slots=True)
class MainEvent(Cue):
    """The chosen cue with the snippet's other cues: `event_date` needs them to tell which dates
    belong to another event ("connected on Dec 30 and began commercial operation on Jan 6")."""
    others: tuple[EventMention, ...] = ()


class EventExtractor:
    """Built once from the rules; technologies and event cues with their weights."""

    def __init__(self, rules: Rules):
        self.technologies = rules["technologies"].patterns
        self.events = tuple(p for p in rules["events"].patterns if p.label != "later_step")
        self.later = rules["events"].by_label("later_step")
        self._scanner = LiteralScanner([*self.technologies, *self.events, *self.later])
        self.factory_output_events = rules.settings.events.factory_output_events
        self.lead_bonus = rules.settings.events.lead_sentence_bonus
        self.grammar = Grammar.from_rules(rules)
        self._last: tuple[str, Hits] | None = None

    def _hits(self, text: str) -> Hits:
        """One literal scan serves both technologies and events of the same text."""
        if self._last is None or self._last[0] is not text:
            self._last = (text, self._scanner.scan(text))
        return self._last[1]

    def technologies_in(self, text: str) -> tuple[list[str], list[Technology]]:
        """Canonical technologies, most specific first, then by first mention."""
        mentions: list[Technology] = []
        weight: dict[str, float] = {}
        for p in self._hits(text).among(self.technologies):
            for m in p.regex.finditer(text):
                if any(m.start() < t.end and m.end() > t.start for t in mentions):
                    continue
                mentions.append(Technology(p.label, m.group(), m.start(), m.end(), p.id))
                weight[p.label] = max(weight.get(p.label, 0.0), p.weight)
        mentions.sort(key=lambda t: t.start)
        first = {}
        for t in mentions:
            first.setdefault(t.label, t.start)
        labels = sorted(first, key=lambda label: (-weight[label], first[label]))
        return labels, mentions

    def events_in(self, text: str) -> list[Cue]:
        """Every cue, earlier patterns winning overlaps, each marked when in a background clause."""
        out: list[Cue] = []
        spans = _background_spans(self.grammar, text)
        for p in self._hits(text).among(self.events):
            for m in p.regex.finditer(text):
                if any(m.start() < e.end and m.end() > e.start for e in out):
                    continue
                out.append(Cue(p.label, m.group(), m.start(), m.end(), p.weight, p.id,
                               _inside(m.start(), spans), p.told_as))
        return sorted(out, key=lambda e: e.start)

    def main_event(self, cues: list[Cue], headline: Capacity | None, text: str) -> MainEvent | None:
        """`main_event` with the lead sentence of the text and the settings' lead bonus."""
        return main_event(cues, headline, len(text), lead_end(self.grammar, text), self.lead_bonus)

    def event_date(self, event: MainEvent | None, dates: list[DateMention],
                   text: str) -> DateMention | None:
        """`event_date` with this text's later steps and the grammar; a text without an event
        looks for no later step."""
        if event is None:
            return None
        return event_date(event, dates, text, self.later_steps(text), grammar=self.grammar)

    def as_factory_news(self, event: MainEvent | None, cues: list[Cue],
                        capacities: Sequence[Capacity], text: str) -> tuple[MainEvent | None, list[Cue]]:
        """A text whose capacities (those of the cue's sentence) are a factory's yearly output
        tells of the factory: its main event takes the label settings factory_output_events
        give ("a plant able to turn out 10 GWh of cells a year has started up" opens a factory),
        and its cue says so."""
        label = self.factory_output_events.get(event.event) if event is not None else None
        if label is None or not any(c.kind == "factory_annual" for c in capacities):
            return event, cues  # most texts: no sentence bounds needed
        # the capacities of the cue's own sentence decide ("has started up ... It supplied the
        # cells for a 100 MWh station last year" is still the factory), else all of them
        s0, s1 = sentence_of(sentence_bounds(text, self.grammar.sentence_end), event.start)
        told = [c for c in capacities if s0 <= c.start < s1] or list(capacities)
        if not told or any(c.kind != "factory_annual" for c in told):
            return event, cues
        rule = f"{event.rule}+settings.toml#factory_output_events"
        return (replace(event, event=label, rule=rule),
                [replace(c, event=label, rule=rule) if (c.start, c.rule) == (event.start, event.rule)
                 else c for c in cues])

    def later_steps(self, text: str) -> list[tuple[int, int]]:
        """Spans that start a later step of the story ("to be installed", "will be delivered"):
        a date after one is not the date of a cue before it (`event_date`)."""
        return [m.span() for p in self._hits(text).among(self.later) for m in p.regex.finditer(text)]


def lead_end(grammar: Grammar, text: str) -> int:
    """Where the text's first sentence ends (a dateline belongs to it)."""
    m = grammar.sentence_end.search(text)
    return m.end() if m else len(text)


def main_event(events: list[EventMention], headline: Capacity | None, text_length: int,
               lead_until: int = 0, lead_bonus: float = 0.0) -> EventMention | None:
    """The strongest cue outside background clauses (or, when every cue is in one, the strongest
    of those: "a station in Qianxi, which was connected to the grid on Nov. 18" is still news),
    a cue of the lead sentence (before `lead_until`) counting `lead_bonus` stronger, since news
    leads with what happened; on equal strength, the one nearest the headline capacity (or the
    start of the text when there is none)."""
    if not events:
        return None
    news = [e for e in events if not getattr(e, "background", False)] or events
    anchor = headline.start if headline else 0

    def retold(e: EventMention) -> bool:
        """A stronger cue tells the same deal again ("signed contracts ... Among the winners":
        `told_as`): its label, the more exact one, keeps its weight."""
        return any(o.weight > e.weight and (e.rule in getattr(o, "told_as", ())
                                           or o.rule in getattr(e, "told_as", ())) for o in news)

    def score(e: EventMention):
        lead = lead_bonus if e.start < lead_until and not retold(e) else 0.0
        return (e.weight + lead, -abs(e.start - anchor) / max(text_length, 1))
    best = max(news, key=score)
    return MainEvent(best.event, best.text, best.start, best.end, best.weight, best.rule,
                     getattr(best, "background", False), getattr(best, "told_as", ()),
                     tuple(e for e in events if e is not best))


def event_date(event: EventMention | None, dates: list[DateMention], text: str,
               later: list[tuple[int, int]] = (), *, grammar: Grammar) -> DateMention | None:
    """The date of the main event: an event-role date in its sentence (a dateline excluded), in
    a background clause only when the event is, not behind a clause break, and that no other cue
    of the same standing is nearer to; the nearest of those. Caption and publication dates are
    never event dates. When the event's own sentence gives none, the same event told again in
    another sentence ("Field has started building a battery ... Ground was broken last week")
    lends its date: the cues of the same standing and of the same label or of a rule the cue
    is told as ("signed contracts on Wednesday ... Among the winners", its `told_as`), nearest
    first. A date after a later step told after the cue (`later`, "received an order ..., to be
    installed ... by December 2026") is that step's, unless it is the date the news was told."""
    if event is None:
        return None
    g = grammar
    sentences = sentence_bounds(text, g.sentence_end)
    spans = _background_spans(g, text)
    cues = [event, *getattr(event, "others", ())]
    found = _date_of(g, event, cues, dates, text, sentences, spans, later)
    if found is not None:
        return found
    told_as = getattr(event, "told_as", ())
    again = sorted((c for c in cues[1:] if c.rule in told_as and _standing(c) == _standing(event)
                    or _tells_again(g, c, event, text, sentences, spans)),
                   key=lambda c: abs(c.start - event.start))
    for cue in again:
        found = _date_of(g, cue, cues, dates, text, sentences, spans, later)
        if found is not None:
            return found
    return None


def _standing(e: EventMention) -> bool:
    return getattr(e, "background", False)


def _tells_again(g: Grammar, c: EventMention, event: EventMention, text: str, sentences,
                 spans) -> bool:
    """Whether a cue of the event's label tells the event again. A weaker one in another
    sentence tells a later step ("has ordered 80 Megapacks. Deliveries are scheduled for
    2026"), not the event; in the event's sentence it stands for the dates it took from the
    event ("won an order ... last month, to be shipped by March 2026"). One in a background
    clause ("received an order ..., with deliveries scheduled to begin in 2026") does only when
    that clause is a relative clause of the event's own sentence ("has energised its battery,
    which made headlines when it was switched on in early March"); an earlier milestone ("a
    year after its first unit was energised") is another event."""
    if c.event != event.event:
        return False
    same_sentence = sentence_of(sentences, c.start) == sentence_of(sentences, event.start)
    if c.weight < event.weight and not same_sentence:
        return False
    if _standing(c) == _standing(event):
        return True
    if not _standing(c) or c.weight < event.weight or not same_sentence:
        return False
    clause = next((a for a, b in spans if a <= c.start < b), None)
    return clause is not None and g.relative.match(text, clause) is not None


def _date_of(g: Grammar, event: EventMention, cues: list[EventMention], dates: list[DateMention],
             text: str, sentences, spans, later=()) -> DateMention | None:
    """The date `event_date` gives one cue, the snippet's other cues competing for it."""
    s0, s1 = sentence_of(sentences, event.start)
    head = g.dateline.match(text)
    if head and head.end() <= event.start:
        s0 = max(s0, head.end())
    background = getattr(event, "background", False)
    others = [e for e in cues if e is not event and s0 <= e.start < s1 and e.rule != event.rule]

    def told(d: DateMention) -> bool:
        return g.statement.search(text, max(0, d.start - 60), d.start) is not None

    def claimed(d: DateMention) -> bool:
        """Nearer to another cue standing in the same kind of clause as the date. A cue from
        the same pattern tells the same event ("a fire ... on Jan 16, forcing the evacuation")
        and claims nothing (`others` leaves those out)."""
        near = _distance(g, text, d, event)
        return any(_distance(g, text, d, o) < near for o in others
                   if getattr(o, "background", False) == _inside(d.start, spans))

    mine = []
    for d in dates:
        if d.role != "event" or d.value is None or not s0 <= d.start < s1 \
                or _inside(d.start, spans) != background:
            continue
        broken, gap = _distance(g, text, d, event)
        if told(d):
            mine.append((gap + g.statement_penalty, d))
        elif not broken and not claimed(d) \
                and not any(event.end <= a and b <= d.start for a, b in later):
            mine.append((gap, d))
    # equally near: the date after the cue, in its own predicate ("signed in May will reach
    # financial close in January")
    return min(mine, key=lambda m: (m[0], m[1].start < event.start))[1] if mine else None


def _distance(g: Grammar, text: str, d: DateMention, e: EventMention) -> tuple[bool, int]:
    """How far a date is from a cue: whether a clause break lies between them, then the
    characters between them."""
    a, b = (d.end, e.start) if d.end <= e.start else (e.end, d.start)
    return b > a and g.clause_break.search(text, a, b) is not None, max(b - a, 0)


@lru_cache(maxsize=8)  # a snippet's cues and then its event date ask for the same text
def _background_spans(g: Grammar, text: str) -> tuple[tuple[int, int], ...]:
    ends = [m.end() for m in g.sentence_end.finditer(text)] + [len(text)]
    spans = []
    for m in g.background.finditer(text):
        s1 = ends[bisect.bisect_right(ends, m.start())]
        end = g.clause_end.search(text, m.end(), s1)
        spans.append((m.start(), end.start() if end else s1))
    return tuple(spans)


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)
