"""Explain one text: every value with its span and rule, and what was considered and dropped."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html

from .records import Extraction


def to_json(x: Extraction) -> dict:
    def plain(v):
        if isinstance(v, dt.date):
            return v.isoformat()
        if dataclasses.is_dataclass(v):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, (list, tuple)):
            return [plain(i) for i in v]
        return v
    head = x.headline
    return {
        "text": x.text,
        "organizations": plain(x.organizations), "locations": plain(x.locations),
        "countries": list(x.countries), "dates": plain(x.dates), "capacities": plain(x.capacities),
        "power_mw": head.power_mw if head else None, "energy_mwh": head.energy_mwh if head else None,
        "technologies": list(x.technologies), "technology_mentions": plain(x.technology_mentions),
        "event": x.event, "event_mentions": plain(x.event_mentions),
        "event_date": plain(x.event_date), "dropped": plain(x.dropped),
    }


def spans(x: Extraction) -> list[dict]:
    """Every extracted span as {start, end, label, rule}, for highlighting."""
    out = [{"start": o.start, "end": o.end, "label": f"ORG:{o.role}", "rule": o.rule} for o in x.organizations]
    out += [{"start": p.start, "end": p.end, "label": f"PLACE:{p.country or '-'}", "rule": p.rule}
            for p in x.locations]
    out += [{"start": d.start, "end": d.end, "label": f"DATE:{d.precision}:{d.role}", "rule": d.rule}
            for d in x.dates]
    out += [{"start": c.start, "end": c.end, "label": f"CAPACITY:{c.kind}", "rule": c.rule}
            for c in x.capacities]
    out += [{"start": t.start, "end": t.end, "label": f"TECH:{t.label}", "rule": t.rule}
            for t in x.technology_mentions]
    out += [{"start": e.start, "end": e.end, "label": f"EVENT:{e.event}", "rule": e.rule}
            for e in x.event_mentions]
    out.sort(key=lambda s: (s["start"], -s["end"]))
    kept, last = [], -1
    for s in out:  # displaCy needs spans that do not overlap
        if s["start"] >= last:
            kept.append(s)
            last = s["end"]
    return kept


def to_html(x: Extraction) -> str:
    """A self-contained page with displaCy's entity rendering and the table of rules."""
    from spacy import displacy

    body = displacy.render({"text": x.text, "ents": [{"start": s["start"], "end": s["end"],
                                                       "label": s["label"]} for s in spans(x)],
                            "title": None}, style="ent", manual=True, page=False)
    rows = "".join(f"<tr><td>{html.escape(x.text[s['start']:s['end']])}</td><td>{s['label']}</td>"
                   f"<td><code>{html.escape(s['rule'])}</code></td></tr>" for s in spans(x))
    dropped = "".join(f"<tr><td>{html.escape(d.text)}</td><td>{d.field}</td><td>{html.escape(d.reason)}</td>"
                      f"<td><code>{html.escape(d.rule)}</code></td></tr>" for d in x.dropped)
    return ("<!doctype html><html><head><meta charset='utf-8'><title>announce explain</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:2px 8px;"
            "border-bottom:1px solid #ddd}</style></head><body><h1>announce explain</h1>"
            f"{body}<h2>Values</h2><table>{rows}</table><h2>Considered and dropped</h2>"
            f"<table>{dropped}</table></body></html>")
