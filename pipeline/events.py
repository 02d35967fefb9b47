"""What and when: the storage technologies named, the snippet's main event, and its date."""
from __future__ import annotations

import re

from .records import Capacity, DateMention, EventMention, Technology
from .rules import Rules

SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\"'(\[])")


class EventExtractor:
    """Built once from the rules; technologies and event cues with their weights."""

    def __init__(self, rules: Rules):
        self.technologies = rules["technologies"].patterns
        self.events = rules["events"].patterns

    def technologies_in(self, text: str) -> tuple[list[str], list[Technology]]:
        """Canonical technologies, most specific first, then by first mention."""
        mentions: list[Technology] = []
        weight: dict[str, float] = {}
        for p in self.technologies:
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

    def events_in(self, text: str) -> list[EventMention]:
        out: list[EventMention] = []
        for p in self.events:
            for m in p.regex.finditer(text):
                if any(m.start() < e.end and m.end() > e.start for e in out):
                    continue
                out.append(EventMention(p.label, m.group(), m.start(), m.end(), p.weight, p.id))
        return sorted(out, key=lambda e: e.start)


def main_event(events: list[EventMention], headline: Capacity | None,
               text_length: int) -> EventMention | None:
    """The strongest cue; on equal strength, the one nearest the headline capacity (or the
    start of the text when there is none), since news leads with what happened."""
    if not events:
        return None
    anchor = headline.start if headline else 0

    def score(e: EventMention):
        return (e.weight, -abs(e.start - anchor) / max(text_length, 1))
    return max(events, key=score)


def event_date(event: EventMention | None, dates: list[DateMention], text: str) -> DateMention | None:
    """The date of the main event: an event-role date in the event's sentence, nearest first."""
    if event is None:
        return None
    candidates = [d for d in dates if d.role == "event" and d.value is not None]
    if not candidates:
        return None
    s0, s1 = _sentence(text, event.start)
    same = [d for d in candidates if s0 <= d.start < s1]
    if same:
        return min(same, key=lambda d: min(abs(d.start - event.end), abs(event.start - d.end)))
    return None


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.end() > pos:
            return start, m.end()
        start = m.end()
    return start, len(text)
