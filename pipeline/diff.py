"""Compare two runs: announcements added, removed and changed, field by field."""
from __future__ import annotations

from pathlib import Path

from .inspection import _files
from .io import read_table

COMPARED = ("organizations", "locations", "countries", "dates", "capacities", "power_mw",
            "energy_mwh", "technologies", "event", "event_date", "event_date_precision",
            "cluster_size", "input_ids")


def _rows(path: Path) -> dict[str, dict]:
    file = _files(path).get("announcements")
    if file is None:
        from .errors import InputError
        raise InputError(str(path), "no announcements.parquet")
    return {r["announcement_id"]: r for r in read_table(file).to_pylist()}




def diff_outputs(old: str | Path, new: str | Path) -> dict:
    a, b = _rows(Path(old)), _rows(Path(new))
    added = sorted(set(b) - set(a))
    removed = sorted(set(a) - set(b))
    changed = []
    summary = {f: {"changed": 0, "gained": 0, "lost": 0} for f in COMPARED}
    for aid in sorted(set(a) & set(b)):
        fields = {}
        for f in COMPARED:
            before, after = a[aid][f], b[aid][f]
            if before == after:
                continue
            fields[f] = {"before": before, "after": after}
            empty_before = before in (None, [], "")
            empty_after = after in (None, [], "")
            key = "gained" if empty_before else "lost" if empty_after else "changed"
            summary[f][key] += 1
        if fields:
            changed.append({"announcement_id": aid, "text": b[aid]["text"], "fields": fields})
    return {"old": str(old), "new": str(new), "added": added, "removed": removed,
            "changed": changed, "summary": {f: s for f, s in summary.items() if any(s.values())}}


def render(result: dict, console, show: int) -> None:
    console.print(f"added: {len(result['added'])}  removed: {len(result['removed'])}  "
                  f"changed: {len(result['changed'])}")
    for f, s in result["summary"].items():
        console.print(f"{f}: {s['changed']} changed, {s['gained']} gained, {s['lost']} lost")
    for c in result["changed"][:show]:
        console.print(f"- {c['announcement_id']}: {c['text'][:100]}", markup=False, highlight=False)
        for f, v in c["fields"].items():
            console.print(f"    {f}: {str(v['before'])[:150]} -> {str(v['after'])[:150]}",
                          markup=False, highlight=False)
