"""A self-contained HTML report of one run: summary, charts, largest projects, quality figures."""
from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from .inspection import _files
from .io import read_table


def _bar_chart(title: str, data: list[tuple[str, float]], unit: str) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no network)."""
    if not data:
        return f"<h3>{html.escape(title)}</h3><p class='empty'>no data in this run</p>"
    width, bar_h, label_w = 640, 22, 150
    top = max(v for _, v in data) or 1.0
    rows = []
    for i, (label, value) in enumerate(data):
        w = max(2, int((width - label_w - 90) * value / top))
        y = i * (bar_h + 6)
        rows.append(f"<text x='{label_w - 6}' y='{y + 16}' text-anchor='end'>{html.escape(str(label))}</text>"
                    f"<rect x='{label_w}' y='{y}' width='{w}' height='{bar_h}' fill='#2f7ed8'/>"
                    f"<text x='{label_w + w + 6}' y='{y + 16}'>{value:,.0f} {unit}</text>")
    h = len(data) * (bar_h + 6)
    return (f"<h3>{html.escape(title)}</h3><svg width='{width}' height='{h}' "
            f"font-family='sans-serif' font-size='13'>{''.join(rows)}</svg>")


def write_report(path: str | Path, out_file: str | Path, eval_json: str | Path | None = None) -> None:
    files = _files(Path(path))
    ann = read_table(files["announcements"]).to_pylist()
    meta = {k.decode(): v.decode() for k, v in (read_table(files["announcements"]).schema.metadata or {}).items()
            if not k.startswith(b"ARROW")}
    snippets = read_table(files["snippets"]).num_rows if "snippets" in files else 0
    rejects = read_table(files["rejects"]).to_pylist() if "rejects" in files else []
    by_country, by_tech, by_month = Counter(), Counter(), Counter()
    for r in ann:
        mwh = r["energy_mwh"] or 0.0
        for c in r["countries"][:1] or ["unknown"]:
            by_country[c] += mwh
        for t in r["technologies"][:1] or ["unstated"]:
            by_tech[t] += mwh
        when = r["event_date"] or r["published"]
        if when:
            by_month[f"{when:%Y-%m}"] += mwh
    largest = sorted((r for r in ann if r["energy_mwh"] or r["power_mw"]),
                     key=lambda r: (-(r["energy_mwh"] or 0), -(r["power_mw"] or 0)))[:15]
    rows = "".join(
        f"<tr><td>{html.escape(r['text'][:160])}</td><td>{r['power_mw'] or ''}</td>"
        f"<td>{r['energy_mwh'] or ''}</td><td>{', '.join(r['countries'])}</td>"
        f"<td>{r['event'] or ''}</td><td>{r['event_date'] or ''}</td>"
        f"<td>{' '.join(f'<a href={html.escape(u, quote=True)}>source</a>' for u in r['source_urls'])}</td></tr>"
        for r in largest)
    quality = ""
    if eval_json:
        data = json.loads(Path(eval_json).read_text(encoding="utf-8"))
        qrows = "".join(f"<tr><td>{k}</td><td>{v['precision']}</td><td>{v['recall']}</td>"
                        f"<td>{v['f1']}</td><td>{v['support']}</td></tr>"
                        for k, v in data.get("fields", {}).items())
        quality = (f"<h2>Quality ({html.escape(data.get('gold', ''))})</h2><table><tr><th>field</th>"
                   f"<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>{qrows}</table>")
    furniture = sum(1 for r in rejects if r.get("kind") == "furniture")
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>announce report</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}}
.cards span{{display:inline-block;margin:0 1.5em 1em 0;font-size:1.2em}}</style></head><body>
<h1>announce report</h1>
<div class="cards"><span>{len(ann)} announcements</span><span>{snippets} snippets</span>
<span>{len(rejects) - furniture} rejects</span><span>{furniture} furniture</span></div>
<p>run {html.escape(meta.get('run_id', ''))} · rules {html.escape(meta.get('rules_hash', ''))} ·
pipeline {html.escape(meta.get('pipeline_version', ''))} · finished {html.escape(meta.get('finished_at', ''))}</p>
{_bar_chart('Energy (MWh) by project country', by_country.most_common(12), 'MWh')}
{_bar_chart('Energy (MWh) by technology', by_tech.most_common(12), 'MWh')}
{_bar_chart('Energy (MWh) by month (event date, else publication)', sorted(by_month.items()), 'MWh')}
<h2>Largest projects</h2><table><tr><th>text</th><th>MW</th><th>MWh</th><th>countries</th>
<th>event</th><th>event date</th><th>sources</th></tr>{rows}</table>
{quality}</body></html>"""
    Path(out_file).write_text(page, encoding="utf-8")
