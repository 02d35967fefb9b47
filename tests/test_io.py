"""Every input kind is read; unreadable parts become rejects with file, line and reason."""
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.io import read_inputs
from pipeline.records import RawText, Reject, Snippet


def _read(*paths):
    items = list(read_inputs(paths))
    return [i for i in items if isinstance(i, RawText)], [i for i in items if isinstance(i, Reject)]


def test_io_jsonl_rows_and_rejects(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join([
        json.dumps({"id": "a1", "text": "Fluence signed a 100 MW deal.", "url": "http://x", "published": "2025-01-02"}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "a2"}),
        json.dumps({"text": 5}),
        json.dumps({"text": "Bad date row", "published": "yesterday"}),
        "",
    ]), encoding="utf-8")
    rows, rejects = _read(p)
    assert [r.input_id for r in rows] == ["a1", None]
    assert rows[0].url == "http://x" and str(rows[0].published) == "2025-01-02"
    assert rows[1].published is None
    reasons = {r.line: r.reason for r in rejects}
    assert reasons[2].startswith("malformed JSON")
    assert "not an object" in reasons[3]
    assert reasons[4] == "missing 'text'"
    assert "not a string" in reasons[5]
    assert "bad published value" in reasons[6]


def test_io_csv_and_parquet(tmp_path):
    c = tmp_path / "in.csv"
    c.write_text('id,text,published\nc1,"A 2 GWh battery, in Chile",2025-03-04\n', encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body\nx,y\n", encoding="utf-8")
    q = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["p1"], "text": ["RWE commissioned 200 MW."], "extra": [1]}), q)
    rows, rejects = _read(c, bad, q)
    assert [(r.input_id, r.text) for r in rows] == [("c1", "A 2 GWh battery, in Chile"),
                                                    ("p1", "RWE commissioned 200 MW.")]
    assert len(rejects) == 1 and "no 'text' column" in rejects[0].reason


def test_io_text_kinds_and_folder_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("# Title\n\nA news paragraph about storage here.\n")
    (tmp_path / "a.txt").write_text("Neoen opened a 300 MW battery in Victoria today.\n")
    (tmp_path / "c.html").write_text("<html><body><article><p>Tesla opened its Shanghai Megapack "
                                     "factory, which will make 10,000 Megapacks a year for export "
                                     "markets across Asia and Europe.</p></article></body></html>")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    rows, rejects = _read(tmp_path)
    assert [r.source_file.rsplit("/", 1)[-1] for r in rows] == ["a.txt", "z.md", "c.html"] or \
        [r.source_file.rsplit("/", 1)[-1] for r in rows] == ["a.txt", "c.html", "z.md"]
    assert any("Shanghai Megapack" in r.text for r in rows)
    assert not rejects


def test_io_binary_empty_and_undecodable(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes("Wärtsilä signed a 250 MW deal in Germany.".encode("cp1252"))
    rows, rejects = _read(tmp_path)
    reasons = sorted(r.reason for r in rejects)
    assert reasons == ["binary data (NUL bytes), not text", "empty file"]
    assert rows[0].text.startswith("Wärtsilä")


def test_io_symlink_loop_is_rejected_not_followed_forever(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("RWE commissioned a 220 MW battery in Germany.")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    rows, rejects = _read(tmp_path)
    assert len(rows) == 1
    assert any("symlink loop" in r.reason for r in rejects)


def test_io_spill_store_reads_back_each_object_by_key():
    from pipeline.io import SpillStore
    store = SpillStore()
    objects = {k: {"key": k, "text": "x" * (k % 7)} for k in (0, 5, 1023, 1024, 70000, 3)}
    for k, v in objects.items():
        store.put(k, v)
    store.put(5, "replaced")
    assert store.get(5) == "replaced"
    assert all(store.get(k) == v for k, v in objects.items() if k != 5)
    assert 70000 in store and 4 not in store and 80000 not in store and -1 not in store
    with pytest.raises(KeyError):
        store.get(4)


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_snippets = st.builds(
    Snippet, snippet_id=_texts, input_id=_texts, source_file=st.sampled_from(["a.jsonl", "b/c.txt"]),
    line=st.integers(0, 2**40), text=_texts, url=st.none() | _texts,
    published=st.none() | st.dates(), truncated_start=st.booleans(), truncated_end=st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(_snippets, max_size=30))
def test_io_snippet_table_gives_back_every_snippet_as_it_was(snippets):
    from pipeline.io import SnippetTable
    table = SnippetTable(snippets)
    assert len(table) == len(snippets)
    assert list(table) == snippets and table[:] == snippets
    if snippets:
        assert table[-1] == snippets[-1]


def test_io_snippet_table_keeps_texts_across_the_spill_buffer():
    from pipeline.io import SnippetTable
    long = "ü" * 700_000  # two of these pass the 1 MiB write buffer
    snippets = [Snippet(str(i), str(i), "f", i, long + str(i) if i % 2 else "", None, None, False, True)
                for i in range(5)]
    assert list(SnippetTable(snippets)) == snippets
