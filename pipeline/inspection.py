"""Inspect an output folder: schema, counts, fill rates, top values, totals, samples, metadata."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .errors import InputError
from .io import OUTPUT_FILES, read_table


def _files(path: Path) -> dict[str, Path]:
    if path.is_file():
        return {path.stem: path}
    if not path.is_dir():
        raise InputError(str(path), "no such output folder or Parquet file")
    found = {name.split(".")[0]: path / name for name in OUTPUT_FILES if (path / name).is_file()}
    if not found:
        raise InputError(str(path), "no announce Parquet files here")
    return found


def _filled(v) -> bool:
    return v is not None and v != [] and v != ""


def inspect_output(path: str | Path) -> dict:
    info: dict = {"files": {}}
    for name, file in _files(Path(path)).items():
        t = read_table(file)
        meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()
                if not k.startswith(b"ARROW")}
        rows = t.to_pylist()
        fill = {c: round(sum(_filled(r[c]) for r in rows) / len(rows), 3) if rows else 0.0
                for c in t.column_names}
        entry = {"rows": t.num_rows, "schema": {f.name: str(f.type) for f in t.schema},
                 "fill_rate": fill, "metadata": meta, "sample": rows[:3]}
        if name == "announcements":
            orgs, countries, techs, events = Counter(), Counter(), Counter(), Counter()
            mw_by_country, mwh_by_country, mwh_by_event = Counter(), Counter(), Counter()
            for r in rows:
                orgs.update({o["name"] for o in r["organizations"]})
                countries.update(r["countries"])
                techs.update(r["technologies"])
                events[r["event"] or "(none)"] += 1
                for c in r["countries"][:1] or ["(unknown)"]:
                    mw_by_country[c] += r["power_mw"] or 0
                    mwh_by_country[c] += r["energy_mwh"] or 0
                mwh_by_event[r["event"] or "(none)"] += r["energy_mwh"] or 0
            entry.update({
                "top_organizations": orgs.most_common(10), "top_countries": countries.most_common(10),
                "top_technologies": techs.most_common(10), "events": events.most_common(),
                "power_mw_by_country": mw_by_country.most_common(10),
                "energy_mwh_by_country": mwh_by_country.most_common(10),
                "energy_mwh_by_event": mwh_by_event.most_common()})
        info["files"][name] = entry
    return info


def render(info: dict, console) -> None:
    from rich.table import Table

    for name, e in info["files"].items():
        console.print(f"[bold]{name}[/bold]: {e['rows']} rows")
        t = Table("column", "type", "fill")
        for col, typ in e["schema"].items():
            t.add_row(col, typ, f"{e['fill_rate'][col]:.0%}")
        console.print(t)
        for key in ("top_organizations", "top_countries", "top_technologies", "events",
                    "power_mw_by_country", "energy_mwh_by_country", "energy_mwh_by_event"):
            if key in e:
                console.print(f"{key}: " + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                                     for k, v in e[key]), markup=False, highlight=False)
        if e["metadata"]:
            console.print("metadata: " + ", ".join(f"{k}={v}" for k, v in sorted(e["metadata"].items())),
                          markup=False, highlight=False)
        for row in e["sample"][:2]:
            console.print(f"sample: {str({k: row[k] for k in list(row)[:6]})[:300]}", markup=False,
                          highlight=False)


def query(path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run a DuckDB query with the output files as tables announcements, snippets, rejects."""
    import duckdb

    con = duckdb.connect()
    for name, file in _files(Path(path)).items():
        quoted = str(file).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{quoted}')")
    try:
        cur = con.execute(sql)
    except duckdb.Error as exc:
        from .errors import UsageError
        raise UsageError(f"--sql: {str(exc).splitlines()[0]}") from None
    cols = [d[0] for d in cur.description]
    return cols, cur.fetchall()
