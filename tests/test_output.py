"""Atomic writes, determinism and the library API."""
import shutil

import pyarrow.parquet as pq
import pytest

import pipeline
from conftest import ROOT
from pipeline import io as pio

SAMPLE = ROOT / "corpus/raw"


def _content(out):
    return {name: pq.read_table(out / name).replace_schema_metadata(None)
            for name in pio.OUTPUT_FILES}


def test_output_failure_mid_write_keeps_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.run([SAMPLE / "001_china_grid_bess.txt"], out)
    before = _content(out)
    calls = {"n": 0}
    real = pq.ParquetWriter

    def failing(where, schema, **kw):
        calls["n"] += 1
        if calls["n"] == 2:  # the second file fails after the first was written
            raise OSError("disk full")
        return real(where, schema, **kw)

    monkeypatch.setattr(pio.pq, "ParquetWriter", failing)
    with pytest.raises(OSError):
        pipeline.run([SAMPLE], out)
    monkeypatch.undo()
    after = _content(out)
    assert all(before[k].equals(after[k]) for k in before)
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]


def test_output_same_input_same_bytes_apart_from_metadata(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    pipeline.run([SAMPLE], a, published=None)
    pipeline.run([SAMPLE], b)
    ca, cb = _content(a), _content(b)
    assert all(ca[k].equals(cb[k]) for k in ca)


def test_output_file_order_does_not_change_content(tmp_path):
    files = sorted(SAMPLE.glob("*.txt"))
    rev = tmp_path / "rev"
    rev.mkdir()
    # the same files under names that sort the other way round
    for i, f in enumerate(reversed(files)):
        shutil.copy(f, rev / f"{i:02d}_{f.name}")
    a, b = tmp_path / "a", tmp_path / "b"
    pipeline.run([SAMPLE], a)
    pipeline.run([rev], b)
    ta = pq.read_table(a / "announcements.parquet").to_pylist()
    tb = pq.read_table(b / "announcements.parquet").to_pylist()
    strip = lambda rows: [{k: v for k, v in r.items() if k != "input_ids"} for r in rows]  # noqa: E731
    assert strip(ta) == strip(tb)


def test_output_workers_give_identical_content(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    big = tmp_path / "big.jsonl"
    import json
    texts = [l for f in sorted(SAMPLE.glob("*.txt")) for l in f.read_text().split("\n\n") if len(l) > 80]
    with big.open("w") as fh:
        for i in range(260):
            fh.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)] + f" Ref {i}."}) + "\n")
    pipeline.run([big], a, workers=1, dedup=False)
    pipeline.run([big], b, workers=2, dedup=False)
    ca, cb = _content(a), _content(b)
    assert all(ca[k].equals(cb[k]) for k in ca)


def test_output_workers_build_their_own_extractor(tmp_path, monkeypatch):
    # with workers the main process builds its extractor only if it extracts itself
    import json
    import pipeline.batch as batch
    big = tmp_path / "big.jsonl"
    texts = [l for f in sorted(SAMPLE.glob("*.txt")) for l in f.read_text().split("\n\n") if len(l) > 80]
    with big.open("w") as fh:
        for i in range(260):
            fh.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)] + f" Ref {i}."}) + "\n")
    built = []
    build = batch.build_extractor
    monkeypatch.setattr(batch, "build_extractor", lambda *a, **k: built.append(1) or build(*a, **k))
    pipeline.run([big], tmp_path / "c", workers=2, dedup=False)
    assert built == []  # the workers' builds happen in their own processes
    # with dedup, level 1 compares the facts of near duplicates ("... Ref 1.", "... Ref 2."):
    # the main process builds its extractor for them, and the output stays the serial one
    pipeline.run([big], tmp_path / "a", workers=1)
    pipeline.run([big], tmp_path / "b", workers=2)
    ca, cb = _content(tmp_path / "a"), _content(tmp_path / "b")
    assert all(ca[k].equals(cb[k]) for k in ca)


@pytest.mark.parametrize("workers", [1, 2])
def test_output_run_leaves_the_collector_as_it_found_it(tmp_path, workers):
    # a run pauses the cyclic collector while it builds and freezes what it built: the
    # calling process gets its collector back enabled, with nothing left frozen
    import gc
    pipeline.run([SAMPLE / "001_china_grid_bess.txt"], tmp_path / "out", workers=workers)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:  # and a caller that keeps its collector off finds it off
        pipeline.run([SAMPLE / "001_china_grid_bess.txt"], tmp_path / "out", workers=workers)
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_library_extract():
    x = pipeline.extract("Sungrow will supply a 1 GWh LFP system to a project in Saudi Arabia.",
                         published="2025-06-01")
    assert x.capacities[0].energy_mwh == 1000
    assert x.technologies[0] == "LFP"
    assert "SA" in x.countries
    assert any(o.name == "Sungrow" and o.role == "supplier" for o in x.organizations)
