"""Score extraction against a gold file: precision, recall, F1 per field, misses and false hits.

Matching, defined once here:
- capacities: one-to-one; power and energy both within 0.5% (a null only matches a null);
  kind and qualifier are scored as accuracy over matched entries.
- dates: one-to-one; value and precision both equal; role as accuracy over matched dates.
- organizations: canonical names through the gazetteer aliases, legal suffix folded, case-insensitive.
- locations: the gold name equals a found place's text or canonical name, case-insensitive.
- countries: ISO codes as sets.
- technology: the first technology reported equals the gold one (null: none reported).
- event, event_date: equal label; equal value and precision (null: none reported).
- duplicates: pairwise over every pair of texts in the file; a pair predicted together counts.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .extraction import Extractor
from .records import Extraction, Snippet

TOLERANCE = 0.005
FIELDS = ("capacities", "dates", "organizations", "locations", "countries", "technology",
          "event", "event_date", "org_roles")


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[dict] = field(default_factory=list)
    false_hits: list[dict] = field(default_factory=list)
    extra: dict[str, list[int]] = field(default_factory=dict)  # name -> [correct, total]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def count(self, name: str, ok: bool) -> None:
        c = self.extra.setdefault(name, [0, 0])
        c[0] += int(ok)
        c[1] += 1

    def as_dict(self, limit: int | None = None) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.support, "tp": self.tp, "fp": self.fp,
                "fn": self.fn,
                "accuracy": {k: round(v[0] / v[1], 4) for k, v in self.extra.items() if v[1]},
                "misses": self.misses[:limit], "false_hits": self.false_hits[:limit]}


@dataclass
class Report:
    gold: str
    cases: int
    fields: dict[str, FieldScore]
    kind: str = "extraction"

    def as_dict(self, limit: int | None = None) -> dict:
        return {"gold": self.gold, "kind": self.kind, "cases": self.cases,
                "fields": {k: v.as_dict(limit) for k, v in self.fields.items() if v.support or v.fp
                           or v.extra}}

    def below(self, min_f1: float) -> list[str]:
        return [k for k, v in self.fields.items() if (v.support or v.fp) and v.f1 < min_f1]


def load_gold(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "gold file not found")
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"malformed JSON: {exc.msg}", no) from exc
        if not isinstance(row, dict) or not ("text" in row or "texts" in row):
            raise InputError(str(path), "each line needs 'text' (and 'gold') or 'texts'", no)
        row["_line"] = no
        rows.append(row)
    return rows


def evaluate(path: str | Path, extractor: Extractor) -> Report:
    rows = load_gold(path)
    if rows and all("texts" in r for r in rows):
        return evaluate_dupes(str(path), rows, extractor)
    scores = {f: FieldScore() for f in FIELDS}
    canon = _Canon(extractor)
    for row in rows:
        gold = row.get("gold") or {}
        published = dt.date.fromisoformat(row["published"]) if row.get("published") else None
        x = extractor(row["text"], published)
        case = row.get("id", f"line {row['_line']}")
        if "capacities" in gold:
            _score_capacities(case, gold["capacities"], x, scores["capacities"])
        if "dates" in gold:
            _score_dates(case, gold["dates"], x, scores["dates"])
        if "organizations" in gold:
            _score_set(case, {canon.org(n) for n in gold["organizations"]},
                       {o.name.casefold(): o.rule for o in x.organizations}, scores["organizations"])
            if "org_roles" in gold:
                found = {o.name.casefold(): o for o in x.organizations}
                for name, role in gold["org_roles"].items():
                    o = found.get(canon.org(name))
                    if o is not None:
                        scores["org_roles"].count("role", o.role == role)
                        if o.role == role:
                            scores["org_roles"].tp += 1
                        else:
                            scores["org_roles"].fn += 1
                            scores["org_roles"].misses.append(
                                {"case": case, "gold": f"{name}={role}", "found": o.role, "rule": o.rule})
        if "locations" in gold:
            _score_locations(case, gold["locations"], x, scores["locations"])
        if "countries" in gold:
            _score_set(case, {c.upper() for c in gold["countries"]},
                       {c: "countries" for c in x.countries}, scores["countries"], fold=False)
        if "technology" in gold:
            first = x.technologies[0] if x.technologies else None
            rule = next((t.rule for t in x.technology_mentions if t.label == first), None)
            _score_label(case, gold["technology"], first, rule, scores["technology"])
        if "event" in gold:
            rule = next((e.rule for e in x.event_mentions if e.event == x.event), None)
            _score_label(case, gold["event"], x.event, rule, scores["event"])
        if "event_date" in gold:
            g = gold["event_date"]
            gv = (_gold_date(g["value"]), g["precision"]) if g and g.get("value") else None
            found = (x.event_date.value, x.event_date.precision) if x.event_date and x.event_date.value else None
            _score_label(case, gv, found, x.event_date.rule if x.event_date else None,
                         scores["event_date"])
    return Report(str(path), len(rows), scores)


def _gold_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) or abs(a - b) < 1e-12


def _pair_up(case, gold: list[dict], found, same, s: FieldScore, text: str):
    """One-to-one matching: each gold entry takes the first unused found value `same` accepts.
    Counts hits and misses; returns the pairs and the found values left over (false hits)."""
    left = list(found)
    pairs = []
    for g in gold:
        hit = next((f for f in left if same(f, g)), None)
        if hit is None:
            s.fn += 1
            s.misses.append({"case": case, "gold": g, "text": text})
            continue
        left.remove(hit)
        s.tp += 1
        pairs.append((g, hit))
    s.fp += len(left)
    return pairs, left


def _score_capacities(case, gold: list[dict], x: Extraction, s: FieldScore) -> None:
    pairs, left = _pair_up(case, gold, x.capacities, lambda c, g: (
        _close(c.power_mw, g.get("power_mw")) and _close(c.energy_mwh, g.get("energy_mwh"))), s, x.text)
    for g, hit in pairs:
        if "kind" in g:
            s.count("kind", hit.kind == g["kind"])
            if hit.kind != g["kind"]:
                s.misses.append({"case": case, "kind_gold": g["kind"], "kind_found": hit.kind,
                                 "text": hit.text, "rule": hit.rule})
        if "qualifier" in g:
            s.count("qualifier", hit.qualifier == g["qualifier"])
    for c in left:
        s.false_hits.append({"case": case, "found": {"text": c.text, "power_mw": c.power_mw,
                                                     "energy_mwh": c.energy_mwh, "kind": c.kind},
                             "rule": c.rule})


def _score_dates(case, gold: list[dict], x: Extraction, s: FieldScore) -> None:
    pairs, left = _pair_up(case, gold, x.dates, lambda d, g: (
        d.value == _gold_date(g.get("value")) and d.precision == g.get("precision")), s, x.text)
    for g, hit in pairs:
        if g.get("role"):
            s.count("role", hit.role == g["role"])
    for d in left:
        s.false_hits.append({"case": case, "found": {"text": d.text, "value": str(d.value),
                                                     "precision": d.precision}, "rule": d.rule})


def _score_set(case, gold: set[str], found: dict[str, str], s: FieldScore, fold: bool = True) -> None:
    got = set(found)
    for g in sorted(gold):
        if g in got:
            s.tp += 1
        else:
            s.fn += 1
            s.misses.append({"case": case, "gold": g})
    for f in sorted(got - gold):
        s.fp += 1
        s.false_hits.append({"case": case, "found": f, "rule": found[f]})


def _score_locations(case, gold: list[str], x: Extraction, s: FieldScore) -> None:
    left = list(x.locations)
    for g in gold:
        key = g.casefold()
        hit = next((p for p in left if key in (p.text.casefold(), p.name.casefold())), None)
        if hit is None:
            s.fn += 1
            s.misses.append({"case": case, "gold": g})
        else:
            left.remove(hit)
            s.tp += 1
    for p in left:
        if any(p.text.casefold() == q.text.casefold() for q in x.locations if q is not p and q not in left):
            continue  # a repeated mention of a place already matched
        s.fp += 1
        s.false_hits.append({"case": case, "found": p.text, "rule": p.rule})


def _score_label(case, gold, found, rule, s: FieldScore) -> None:
    s.count("accuracy", gold == found)
    if gold == found:
        if gold is not None:
            s.tp += 1
        return
    if found is not None:
        s.fp += 1
        s.false_hits.append({"case": case, "found": str(found), "gold": str(gold), "rule": rule})
    if gold is not None:
        s.fn += 1
        s.misses.append({"case": case, "gold": str(gold), "found": str(found), "rule": rule})


class _Canon:
    """Gold organisation names resolved like found ones: gazetteer alias, legal suffix folded."""

    def __init__(self, extractor: Extractor):
        self.entities = extractor.entities

    def org(self, name: str) -> str:
        return self.entities._canonical(name, "gold")[0].casefold()


# -------------------------------------------------------------- duplicates
def evaluate_dupes(path: str, rows: list[dict], extractor: Extractor) -> Report:
    """Pairwise scores: texts of one group line are one story, texts of two group lines are two.
    A hard-negative line (`distinct`) judges only its own pair: gold writers build negatives from
    the groups' stories ("the same station, connected" beside "the same firm, another site"), so
    a negative's text may retell a group's story, and a pair across the two lines is not judged."""
    from .batch import process
    from .ingest import snippet_id

    snippets: list[Snippet] = []
    owner: list[tuple[str, bool]] = []
    for row in rows:
        for j, text in enumerate(row["texts"]):
            n = extractor.normalise(text)
            iid = f"{row['group']}#{j}"
            snippets.append(Snippet(snippet_id(iid, n.text), iid, path, row["_line"], n.text, None,
                                    None, n.truncated_start, n.truncated_end))
            owner.append((row["group"], bool(row.get("distinct"))))
    _, links = process(snippets, extractor.rules, extractor, dedup=True)
    cluster = {l.snippet.input_id: l.announcement_id for l in links}
    s = FieldScore()
    negatives = FieldScore()
    ids = [sn.input_id for sn in snippets]
    for (i, a), (j, b) in itertools.combinations(enumerate(ids), 2):
        ga, gb = owner[i], owner[j]
        same_gold = ga[0] == gb[0] and not ga[1]
        hard_negative = ga[0] == gb[0] and ga[1]
        if ga[0] != gb[0] and (ga[1] or gb[1]):
            continue  # a negative line says only that its own texts differ (see the docstring)
        together = cluster[a] == cluster[b]
        if same_gold and together:
            s.tp += 1
        elif same_gold:
            s.fn += 1
            s.misses.append({"group": ga[0], "a": snippets[i].text, "b": snippets[j].text})
        elif together:
            s.fp += 1
            s.false_hits.append({"groups": [ga[0], gb[0]], "a": snippets[i].text, "b": snippets[j].text,
                                 "hard_negative": hard_negative})
        if hard_negative:
            negatives.count("kept_apart", not together)
    s.extra.update(negatives.extra)
    return Report(path, len(rows), {"duplicates": s}, kind="duplicates")
