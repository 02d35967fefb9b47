"""The only file I/O: read every input kind as raw units, write Parquet atomically."""
from __future__ import annotations

import csv
import datetime as dt
import io as _io
import json
import os
import pickle
import shutil
import tempfile
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputError, UsageError
from .records import RawText, Reject, Snippet

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
ROW_SUFFIXES = {".jsonl", ".csv", ".parquet"}
SUFFIXES = TEXT_SUFFIXES | ROW_SUFFIXES
OUTPUT_FILES = ("announcements.parquet", "snippets.parquet", "rejects.parquet")
MARKER = ".announce-run.json"
PREVIEW = 300
T = TypeVar("T")


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Reject]:
    """Every input file under the given paths, folders walked in sorted order, no link loops."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            seen: set[tuple[int, int]] = set()
            for root, dirs, files in os.walk(path, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:
                    dirs[:] = []
                    yield Reject(str(root), 0, "symlink loop: folder already visited", "")
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(files):
                    p = Path(root) / name
                    if p.suffix.lower() in SUFFIXES and not name.startswith("."):
                        yield p
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(str(path), f"unknown input kind {path.suffix or '(no suffix)'}; "
                                 f"expected one of {', '.join(sorted(SUFFIXES))}")
            yield path
        else:
            raise InputError(str(path), "no such file or folder")


def read_inputs(paths: Iterable[str | Path], default_published: dt.date | None = None,
                max_line_chars: int = 1_000_000) -> Iterator[RawText | Reject]:
    """Stream raw units from every input; unreadable parts become `Reject`s, never exceptions."""
    for item in discover(paths):
        if isinstance(item, Reject):
            yield item
            continue
        name = item.as_posix()
        try:
            suffix = item.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                yield from _read_text_file(item, name, default_published)
            elif suffix == ".jsonl":
                yield from _read_jsonl(item, name, default_published, max_line_chars)
            elif suffix == ".csv":
                yield from _read_csv(item, name, default_published)
            else:
                yield from _read_parquet(item, name, default_published)
        except OSError as exc:
            yield Reject(name, 0, f"unreadable file: {exc.strerror or exc}", "")


def decode(data: bytes) -> tuple[str | None, str]:
    """Decode bytes as UTF-8, else by detection; (None, reason) for binary data.

    >>> decode("Wärtsilä".encode("cp1252"))[0]
    'Wärtsilä'
    >>> decode(b"\\x00\\x01\\x02\\xff" * 10)
    (None, 'binary data (NUL bytes), not text')
    """
    if b"\x00" in data[:8192] and data[:8192].count(b"\x00") > len(data[:8192]) // 100:
        return None, "binary data (NUL bytes), not text"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Scraped Western text that is not UTF-8 is nearly always Windows-1252: accept it when its
    # non-ASCII characters read as Latin letters; otherwise ask the detector.
    try:
        latin = data.decode("cp1252")
        extra = [ch for ch in latin if ord(ch) > 127]
        if extra and sum(unicodedata.name(ch, "").startswith("LATIN") for ch in extra) >= 0.8 * len(extra):
            return latin, "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is None:
        return None, "undecodable bytes: not UTF-8 and no encoding detected"
    return str(best), best.encoding


def _read_text_file(path: Path, name: str, published: dt.date | None) -> Iterator[RawText | Reject]:
    data = path.read_bytes()
    text, how = decode(data)
    if text is None:
        yield Reject(name, 0, how, data[:PREVIEW].decode("latin-1"))
        return
    text = text.replace("\x00", "")
    if not text.strip():
        yield Reject(name, 0, "empty file", "")
        return
    if path.suffix.lower() in {".html", ".htm"}:
        import trafilatura
        extracted = trafilatura.extract(text, include_comments=False, include_tables=False,
                                        favor_recall=True)
        if not extracted:
            yield Reject(name, 0, "no main text found in HTML", text[:PREVIEW])
            return
        text = extracted
    yield RawText(source_file=name, line=1, text=text, published=published, split=True)


@lru_cache(maxsize=1 << 12)
def _iso_date(value: str) -> dt.date:
    """One date object per distinct day: a million rows from one month share a few dozen."""
    return dt.date.fromisoformat(value)


def parse_published(value, fallback: dt.date | None) -> tuple[dt.date | None, str | None]:
    """ISO date from a row; (fallback, problem) when the value is present but not a date."""
    if value is None or value == "":
        return fallback, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        try:
            return _iso_date(value.strip()[:10]), None
        except ValueError:
            pass
    return fallback, f"bad published value {str(value)[:40]!r}: expected YYYY-MM-DD"


def _row(name: str, line: int, obj, published: dt.date | None) -> Iterator[RawText | Reject]:
    if not isinstance(obj, dict):
        yield Reject(name, line, f"row is a JSON {type(obj).__name__}, not an object",
                     json.dumps(obj)[:PREVIEW])
        return
    text = obj.get("text")
    if text is None:
        yield Reject(name, line, "missing 'text'", json.dumps(obj, default=str)[:PREVIEW])
        return
    if not isinstance(text, str):
        yield Reject(name, line, f"'text' is a {type(text).__name__}, not a string",
                     json.dumps(obj, default=str)[:PREVIEW])
        return
    if "\x00" in text:
        text = text.replace("\x00", "")
    pub, problem = parse_published(obj.get("published"), published)
    if problem:
        yield Reject(name, line, f"{problem}; text kept without it", str(obj.get("published"))[:PREVIEW])
    ident = obj.get("id")
    url = obj.get("url")
    source = obj.get("source")
    yield RawText(source_file=name, line=line, text=text,
                  input_id=str(ident) if ident not in (None, "") else None,
                  url=str(url) if url not in (None, "") else None, published=pub,
                  source=str(source) if source not in (None, "") else None, split=False)


def _read_jsonl(path: Path, name: str, published, max_line_chars: int) -> Iterator[RawText | Reject]:
    with path.open("rb") as fh:
        for no, raw in enumerate(fh, start=1):
            if len(raw) > max_line_chars:
                yield Reject(name, no, f"line longer than {max_line_chars} bytes",
                             raw[:PREVIEW].decode("utf-8", "replace"))
                continue
            if not raw.strip():
                continue
            line, how = decode(raw)
            if line is None:
                yield Reject(name, no, how, raw[:PREVIEW].decode("latin-1"))
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Reject(name, no, f"malformed JSON: {exc.msg}", line[:PREVIEW])
                continue
            yield from _row(name, no, obj, published)


def _read_csv(path: Path, name: str, published) -> Iterator[RawText | Reject]:
    text, how = decode(path.read_bytes())
    if text is None:
        yield Reject(name, 0, how, "")
        return
    reader = csv.DictReader(_io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Reject(name, 1, f"CSV has no 'text' column (columns: {reader.fieldnames})",
                     text[:PREVIEW])
        return
    try:
        for row in reader:
            line = reader.line_num
            if None in row:  # more cells than header columns
                yield Reject(name, line, "CSV row has more cells than the header", str(row)[:PREVIEW])
                continue
            yield from _row(name, line, row, published)
    except csv.Error as exc:
        yield Reject(name, reader.line_num, f"malformed CSV: {exc}", "")


def _read_parquet(path: Path, name: str, published) -> Iterator[RawText | Reject]:
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        yield Reject(name, 0, f"not a readable Parquet file: {exc}", "")
        return
    if "text" not in pf.schema_arrow.names:
        yield Reject(name, 0, f"Parquet has no 'text' column (columns: {pf.schema_arrow.names})", "")
        return
    cols = [c for c in ("id", "text", "url", "published", "source") if c in pf.schema_arrow.names]
    line = 0
    for batch in pf.iter_batches(columns=cols, batch_size=4096):
        for row in batch.to_pylist():
            line += 1
            yield from _row(name, line, row, published)


# ---------------------------------------------------------------- output
def prepare_out(out: Path, force: bool) -> None:
    """Refuse to write into a folder that is not empty and not an earlier announce output."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    if out.is_dir():
        entries = [p.name for p in out.iterdir() if not p.name.startswith(".tmp-")]
        ours = set(OUTPUT_FILES) | {MARKER, "report.html"}
        if entries and not (MARKER in entries or set(entries) <= ours) and not force:
            raise UsageError(f"--out {out} holds files that are not an announce output; "
                             f"use --force to write there anyway")
    out.mkdir(parents=True, exist_ok=True)


def write_outputs(out: Path, tables: dict[str, tuple[pa.Schema, Iterable[pa.RecordBatch]]],
                  marker: dict) -> None:
    """Write every table, batch by batch, to a temporary folder inside `out`, then rename
    each into place. A table is never held whole: its rows stream into the Parquet writer.

    A failure before the renames leaves the previous output untouched.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out))
    try:
        for name, (schema, batches) in tables.items():
            with pq.ParquetWriter(tmp / name, schema, compression="zstd") as writer:
                for batch in batches:
                    writer.write_batch(batch)
        (tmp / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True), encoding="utf-8")
        for name in [*tables, MARKER]:
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class SpillStore:
    """Objects spilled to an anonymous temporary file, read back by key: a run keeps each
    cluster's extraction on disk until its announcement row is written. Keys are small
    non-negative integers (snippet indices): where each object lies is two numbers in an
    array, 16 bytes a key, not a dict entry of Python objects."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._pos = np.full(1024, -1, dtype=np.int64)
        self._size = np.zeros(1024, dtype=np.int64)

    @staticmethod
    def encode(obj) -> bytes:
        """An object as `put_encoded` takes it (what a worker process sends back)."""
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)

    def put(self, key: int, obj) -> None:
        self.put_encoded(key, self.encode(obj))

    def put_encoded(self, key: int, data: bytes) -> None:
        if key >= len(self._pos):
            grown = max(key + 1, 2 * len(self._pos))
            self._pos = np.concatenate([self._pos, np.full(grown - len(self._pos), -1, np.int64)])
            self._size = np.concatenate([self._size, np.zeros(grown - len(self._size), np.int64)])
        self._pos[key] = self._file.seek(0, os.SEEK_END)
        self._size[key] = len(data)
        self._file.write(data)

    def get(self, key: int):
        if key not in self:
            raise KeyError(key)
        self._file.seek(int(self._pos[key]))
        return pickle.loads(self._file.read(int(self._size[key])))

    def __contains__(self, key: int) -> bool:
        return 0 <= key < len(self._pos) and self._pos[key] >= 0


class RowSequence(Sequence[T]):
    """A read-only sequence whose rows are made when asked for (from columns, a spill file):
    a subclass gives `__len__` and `row(i)`; negative indices and slices work as on a list."""

    def row(self, i: int) -> T:
        raise NotImplementedError

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.row(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.row(i)


class _Strings:
    """Many strings in one UTF-8 buffer with an end offset each: 8 bytes of overhead a string
    where a Python string object costs about 50. `None` is kept apart from the empty string.
    `on_disk` keeps the buffer in an anonymous temporary file instead, read back a string at a
    time (the operating system caches what is read often, outside the process's memory)."""

    def __init__(self, values: Iterable[str | None], on_disk: bool = False):
        self._file = tempfile.TemporaryFile() if on_disk else None
        buf = bytearray()
        ends, missing = array("q"), array("b")
        written = 0
        for v in values:
            if v is not None:
                buf += v.encode("utf-8", "surrogatepass")
            ends.append(written + len(buf))
            missing.append(v is None)
            if self._file is not None and len(buf) >= 1 << 20:
                written += self._file.write(buf)
                buf.clear()
        if self._file is not None:
            self._file.write(buf)
            self._file.flush()
            self._buf = b""
        else:
            self._buf = bytes(buf)
        self._ends = ends
        self._missing = missing if any(missing) else None

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str | None:
        if self._missing is not None and self._missing[i]:
            return None
        start = self._ends[i - 1] if i else 0
        if self._file is None:
            data = self._buf[start:self._ends[i]]
        elif hasattr(os, "pread"):
            data = os.pread(self._file.fileno(), self._ends[i] - start, start)
        else:  # pragma: no cover - platforms without pread
            self._file.seek(start)
            data = self._file.read(self._ends[i] - start)
        return data.decode("utf-8", "surrogatepass")


class SnippetTable(RowSequence[Snippet]):
    """A run's snippets held column by column, each read back as a `Snippet` when asked for.
    A million snippets as objects cost ~630 bytes each, half of it the text and most of the
    rest object headers around short ids and urls; here the texts wait in a temporary file
    (dedup reads each a few times, extraction and output once) and the rest packs into
    buffers and small arrays, ~90 bytes a snippet."""

    def __init__(self, snippets: Iterable[Snippet]):
        snippets = list(snippets)
        self._texts = _Strings((s.text for s in snippets), on_disk=True)
        self._ids = _Strings(s.snippet_id for s in snippets)
        self._input_ids = _Strings(s.input_id for s in snippets)
        self._urls = _Strings(s.url for s in snippets)
        self._lines = array("q", (s.line for s in snippets))
        self._flags = bytes(s.truncated_start | s.truncated_end << 1 for s in snippets)
        self._files, self._file_of = _codes(s.source_file for s in snippets)
        self._dates, self._date_of = _codes(s.published for s in snippets)

    def __len__(self) -> int:
        return len(self._lines)

    def row(self, i: int) -> Snippet:
        flags = self._flags[i]
        return Snippet(self._ids[i], self._input_ids[i], self._files[self._file_of[i]],
                       self._lines[i], self._texts[i], self._urls[i],
                       self._dates[self._date_of[i]], bool(flags & 1), bool(flags & 2))


def _codes(values: Iterable) -> tuple[list, array]:
    """Few distinct values (source files, publication dates) as a list and an index a row."""
    distinct: dict = {}
    codes = array("l", (distinct.setdefault(v, len(distinct)) for v in values))
    return list(distinct), codes


def read_previous(folder: Path) -> tuple[list, dict[str, str], list]:
    """The snippets, their announcement ids and the rejects of an earlier run in `folder`.

    Returns empty results for a folder that holds no finished run.
    """
    from .records import Furniture, Snippet

    if read_marker(folder) is None or not (folder / "snippets.parquet").is_file():
        return [], {}, []
    snippets, ids = [], {}
    for row in pq.read_table(folder / "snippets.parquet").to_pylist():
        snippets.append(Snippet(row["snippet_id"], row["input_id"], row["source_file"], row["line"],
                                row["text"], row["url"], row["published"], row["truncated_start"],
                                row["truncated_end"]))
        ids[row["snippet_id"]] = row["announcement_id"]
    rejects = []
    if (folder / "rejects.parquet").is_file():
        for row in pq.read_table(folder / "rejects.parquet").to_pylist():
            if row.get("kind") == "furniture":
                rejects.append(Furniture(row["source_file"], row["line"],
                                         row["reason"].removeprefix("furniture: "), row["raw"]))
            else:
                rejects.append(Reject(row["source_file"], row["line"], row["reason"], row["raw"]))
    return snippets, ids, rejects


def read_table(path: Path) -> pa.Table:
    return pq.read_table(path)


def read_marker(out: Path) -> dict | None:
    try:
        return json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
