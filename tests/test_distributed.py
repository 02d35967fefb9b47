"""The serial path is the reference: the Dask engine on a 2-worker LocalCluster gives the same
Parquet content."""
import json
import sys

import pyarrow.parquet as pq
import pytest

import pipeline
from conftest import ROOT
from pipeline import io as pio

pytest.importorskip("dask.distributed")


def test_distributed_localcluster_equals_serial(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w") as fh:
        for row in generate(600, 0.3, seed=11):
            fh.write(json.dumps(row) + "\n")
    inputs = [ROOT / "corpus/raw", corpus]
    serial, dask_out = tmp_path / "serial", tmp_path / "dask"
    pipeline.run(inputs, serial)
    pipeline.run(inputs, dask_out, engine="dask", workers=2)
    for name in pio.OUTPUT_FILES:
        a = pq.read_table(serial / name).replace_schema_metadata(None)
        b = pq.read_table(dask_out / name).replace_schema_metadata(None)
        assert a.equals(b), name
