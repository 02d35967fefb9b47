"""Hostile input, interrupted runs and repeated batches lose nothing and corrupt nothing."""
import json
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import pipeline
from conftest import ROOT
from pipeline import io as pio
from pipeline.ingest import ingest
from pipeline.io import read_inputs
from pipeline.records import Furniture, Reject, Snippet

SAMPLE = ROOT / "corpus/raw"


def _content(out):
    return {n: pq.read_table(out / n).replace_schema_metadata(None) for n in pio.OUTPUT_FILES}


def _same(a, b):
    ca, cb = _content(a), _content(b)
    return all(ca[k].equals(cb[k]) for k in ca)


def test_reliability_rerun_is_idempotent(tmp_path):
    out = tmp_path / "o"
    first = pipeline.run([SAMPLE], out)
    before = _content(out)
    again = pipeline.run([SAMPLE], out)
    assert again.new_snippets == 0 and again.new_announcements == 0
    assert again.announcements == first.announcements
    after = _content(out)
    assert all(before[k].equals(after[k]) for k in before)


def test_reliability_incremental_batches_equal_one_batch(tmp_path):
    files = sorted(SAMPLE.glob("*.txt"))
    inc, full = tmp_path / "inc", tmp_path / "full"
    pipeline.run(files[:3], inc)
    second = pipeline.run(files[3:], inc)
    pipeline.run(files, full)
    assert second.new_snippets > 0
    a = pq.read_table(inc / "snippets.parquet").to_pylist()
    b = pq.read_table(full / "snippets.parquet").to_pylist()
    assert len(a) == len(b)
    assert {r["snippet_id"] for r in a} == {r["snippet_id"] for r in b}
    # a story seen in the first batch keeps its id when a later batch adds to it
    first_ids = {r["announcement_id"] for r in pq.read_table(inc / "announcements.parquet").to_pylist()}
    assert first_ids


def test_reliability_against_links_to_existing_announcements(tmp_path):
    base, new = tmp_path / "base", tmp_path / "new"
    pipeline.run([SAMPLE / "001_china_grid_bess.txt"], base)
    ids = {r["announcement_id"] for r in pq.read_table(base / "announcements.parquet").to_pylist()}
    s = pipeline.run([SAMPLE / "001_china_grid_bess.txt"], new, against=[base])
    assert s.new_announcements == 0 and s.new_snippets == 0
    assert {r["announcement_id"] for r in pq.read_table(new / "announcements.parquet").to_pylist()} == ids


def _corpus(path, n):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate
    with path.open("w") as fh:
        for row in generate(n, 0.3, seed=3):
            fh.write(json.dumps(row) + "\n")


def test_reliability_kill_at_any_moment_keeps_previous_output(tmp_path):
    corpus = tmp_path / "big.jsonl"
    _corpus(corpus, 2500)
    small = SAMPLE / "001_china_grid_bess.txt"
    out, ref = tmp_path / "out", tmp_path / "ref"
    pipeline.run([small], out)
    previous = _content(out)
    cmd = [sys.executable, "-m", "pipeline", "run", str(small), str(corpus), "--out", str(out)]
    for sig, delay in [(signal.SIGKILL, 0.5), (signal.SIGTERM, 1.5), (signal.SIGINT, 2.5),
                       (signal.SIGKILL, 3.5)]:
        before = tmp_path / f"before-{sig.name}-{delay}"
        shutil.copytree(out, before, ignore=shutil.ignore_patterns(".tmp-*"))
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        now = _content(out)  # always readable
        if not all(previous[k].equals(now[k]) for k in previous):
            # the signal came after the run had put its output in place (it may still have
            # been on its way out): the output is the whole run's, never a part of it
            pipeline.run([small, corpus], before)
            assert _same(out, before), sig
            previous = now
        assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")] or sig == signal.SIGKILL
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # the uninterrupted history: the same first batch, then the same second batch
    pipeline.run([small], ref)
    pipeline.run([small, corpus], ref)
    assert _same(out, ref)


# ---------------------------------------------------------------- fuzzing the readers
def _account(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    items = list(ingest(read_inputs([p]), _EXTRACTOR.normalise, _EXTRACTOR.rules))
    for i in items:
        assert isinstance(i, (Snippet, Furniture, Reject))
        if isinstance(i, Snippet):
            assert i.text and "\x00" not in i.text
    return items


_EXTRACTOR = None


@pytest.fixture(autouse=True, scope="module")
def _set_extractor(extractor):
    global _EXTRACTOR
    _EXTRACTOR = extractor


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                           max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(
    st.fixed_dictionaries({"text": st.text(max_size=200)},
                          optional={"id": st.text(max_size=10), "published": st.text(max_size=12),
                                    "url": st.text(max_size=20)}),
    json_values), max_size=8), junk=st.lists(st.binary(max_size=40), max_size=3))
def test_reliability_jsonl_fuzz_every_line_accounted(rows, junk, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fz")
    lines = [json.dumps(r).encode() for r in rows] + [j.replace(b"\n", b" ") for j in junk]
    items = _account(tmp, "x.jsonl", b"\n".join(lines))
    nonblank = [l for l in lines if l.strip()]
    accounted = {i.line for i in items}
    assert len(accounted) <= len(nonblank)
    for no, l in enumerate(lines, 1):
        if l.strip():
            assert no in accounted or any(isinstance(i, Reject) and i.line == 0 for i in items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reliability_text_and_csv_fuzz_never_raise(data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fz")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    _account(tmp, "x.txt", data)
    _account(tmp, "x.csv", b"id,text\n" + data)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=400))
def test_reliability_extraction_fuzz_bounded_and_offsets_valid(text, extractor):
    t0 = time.perf_counter()
    x = extractor(text)
    assert time.perf_counter() - t0 < 2.0
    for group in (x.capacities, x.dates, x.organizations, x.locations):
        for v in group:
            assert x.text[v.start:v.end] == v.text


def test_reliability_oversized_line_and_text_are_rejected(tmp_path, rules):
    limit = rules.settings.ingest.max_text_chars
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"id": "big", "text": "word " * (limit // 4)}) + "\n" +
                 json.dumps({"id": "ok", "text": "RWE commissioned a 200 MW battery."}) + "\n")
    out = tmp_path / "o"
    s = pipeline.run([p], out)
    assert s.snippets == 1 and s.rejects == 1
    rej = pq.read_table(out / "rejects.parquet").to_pylist()
    assert "longer than" in rej[0]["reason"] and len(rej[0]["raw"]) <= 300
