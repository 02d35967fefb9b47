"""The one Arrow schema of each output file, and the conversion of records into it."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import pyarrow as pa

from .records import Announcement, Furniture, Reject, SnippetLink

SCHEMA_VERSION = "1"
BATCH_ROWS = 16384  # rows per Arrow batch (and Parquet row group) when writing

ORGANIZATION = pa.struct([
    ("text", pa.string()), ("name", pa.string()), ("role", pa.string()),
    ("start", pa.int32()), ("end", pa.int32()), ("rule", pa.string())])
LOCATION = pa.struct([
    ("text", pa.string()), ("name", pa.string()), ("country", pa.string()),
    ("admin1", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("rule", pa.string())])
DATE = pa.struct([
    ("text", pa.string()), ("value", pa.date32()), ("precision", pa.string()),
    ("role", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("rule", pa.string())])
CAPACITY = pa.struct([
    ("text", pa.string()), ("power_mw", pa.float64()), ("energy_mwh", pa.float64()),
    ("duration_h", pa.float64()), ("kind", pa.string()), ("qualifier", pa.string()),
    ("start", pa.int32()), ("end", pa.int32()), ("rule", pa.string())])

ANNOUNCEMENTS = pa.schema([
    ("announcement_id", pa.string()),
    ("text", pa.string()),
    ("input_ids", pa.list_(pa.string())),
    ("source_urls", pa.list_(pa.string())),
    ("published", pa.date32()),
    ("cluster_size", pa.int32()),
    ("organizations", pa.list_(ORGANIZATION)),
    ("locations", pa.list_(LOCATION)),
    ("countries", pa.list_(pa.string())),
    ("dates", pa.list_(DATE)),
    ("capacities", pa.list_(CAPACITY)),
    ("power_mw", pa.float64()),
    ("energy_mwh", pa.float64()),
    ("technologies", pa.list_(pa.string())),
    ("event", pa.string()),
    ("event_date", pa.date32()),
    ("event_date_precision", pa.string()),
    # Added beyond the contract: why the cluster's snippets were merged.
    ("merge_rules", pa.list_(pa.string())),
])

SNIPPETS = pa.schema([
    ("snippet_id", pa.string()),
    ("input_id", pa.string()),
    ("announcement_id", pa.string()),
    ("source_file", pa.string()),
    ("line", pa.int32()),
    ("url", pa.string()),
    ("published", pa.date32()),
    ("text", pa.string()),
    ("truncated_start", pa.bool_()),
    ("truncated_end", pa.bool_()),
    ("similarity", pa.float64()),
    # Added beyond the contract: the dedup rule that linked the snippet to its announcement.
    ("dedup_rule", pa.string()),
])

REJECTS = pa.schema([
    ("source_file", pa.string()),
    ("line", pa.int32()),
    ("reason", pa.string()),
    ("raw", pa.string()),
    # Added beyond the contract: "error" for unreadable input, "furniture" for page furniture.
    ("kind", pa.string()),
])

SIGNIFICANT_DIGITS = 6


def round_sig(value: float | None, digits: int = SIGNIFICANT_DIGITS) -> float | None:
    """Round for output only, to at most `digits` significant digits.

    >>> round_sig(1999.99999999), round_sig(None), round_sig(0.0000123456789)
    (2000.0, None, 1.23457e-05)
    """
    if value is None:
        return None
    return float(f"{value:.{digits}g}")


def announcement_row(a: Announcement) -> dict:
    x = a.extraction
    head = x.headline
    return {
        "announcement_id": a.announcement_id,
        "text": a.text,
        "input_ids": list(a.input_ids),
        "source_urls": list(a.source_urls),
        "published": a.published,
        "cluster_size": a.cluster_size,
        "organizations": [{"text": o.text, "name": o.name, "role": o.role, "start": o.start,
                           "end": o.end, "rule": o.rule} for o in x.organizations],
        "locations": [{"text": p.text, "name": p.name, "country": p.country, "admin1": p.admin1,
                       "start": p.start, "end": p.end, "rule": p.rule} for p in x.locations],
        "countries": list(x.countries),
        "dates": [{"text": d.text, "value": d.value, "precision": d.precision, "role": d.role,
                   "start": d.start, "end": d.end, "rule": d.rule} for d in x.dates],
        "capacities": [{"text": c.text, "power_mw": round_sig(c.power_mw),
                        "energy_mwh": round_sig(c.energy_mwh),
                        "duration_h": round_sig(c.duration_h), "kind": c.kind,
                        "qualifier": c.qualifier, "start": c.start, "end": c.end, "rule": c.rule}
                       for c in x.capacities],
        "power_mw": round_sig(head.power_mw) if head else None,
        "energy_mwh": round_sig(head.energy_mwh) if head else None,
        "technologies": list(x.technologies),
        "event": x.event,
        "event_date": x.event_date.value if x.event_date else None,
        "event_date_precision": x.event_date.precision if x.event_date else None,
        "merge_rules": list(a.merge_rules),
    }


def snippet_row(link: SnippetLink) -> dict:
    s = link.snippet
    return {
        "snippet_id": s.snippet_id, "input_id": s.input_id,
        "announcement_id": link.announcement_id, "source_file": s.source_file, "line": s.line,
        "url": s.url, "published": s.published, "text": s.text,
        "truncated_start": s.truncated_start, "truncated_end": s.truncated_end,
        "similarity": round(link.similarity, 2), "dedup_rule": link.rule,
    }


def reject_row(r: Reject | Furniture) -> dict:
    if isinstance(r, Furniture):
        return {"source_file": r.source_file, "line": r.line, "reason": f"furniture: {r.kind}",
                "raw": r.text, "kind": "furniture"}
    return {"source_file": r.source_file, "line": r.line, "reason": r.reason, "raw": r.raw,
            "kind": "error"}


def table(schema: pa.Schema, rows: Iterable[dict]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def record_batches(schema: pa.Schema, rows: Iterable[dict]) -> Iterator[pa.RecordBatch]:
    """Rows as Arrow batches of BATCH_ROWS: what the Parquet writer streams."""
    rows = iter(rows)
    while chunk := list(islice(rows, BATCH_ROWS)):
        yield pa.RecordBatch.from_pylist(chunk, schema=schema)
