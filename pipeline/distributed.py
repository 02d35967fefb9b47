"""The same stages on Dask distributed: dedup blocking and verification, and extraction, as tasks.

Blocking is a shuffle on stable shingle hashes (`stable_hash`, never Python's salted `hash`, so a
bucket is never split across workers) -> candidate pairs counted -> a verification map -> the
accepted pairs replayed on the client in the serial order, so clusters, kept texts and ids are
the serial ones. Extraction is a `map_partitions` whose extractor is built once per worker in a
module-level cache, never captured in a closure. Level 2 (facts) runs on the client: it works on
one small record per cluster.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import contextmanager

from .dedup import Deduplicator, Fingerprint
from .extraction import Extractor, build_extractor
from .records import Extraction, Snippet
from .rules import load_rules

# One extractor per worker process, keyed by rules folder and model flag.
_EXTRACTORS: dict[tuple[str, bool], Extractor] = {}


def _worker_extractor(rules_root: str, model: bool) -> Extractor:
    key = (rules_root, model)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = build_extractor(load_rules(rules_root), model=model)
    return _EXTRACTORS[key]


def _extract_partition(items: list[tuple[int, str, dt.date | None]], rules_root: str,
                       model: bool) -> list[tuple[int, Extraction]]:
    x = _worker_extractor(rules_root, model)
    return [(i, x(text, published, normalised=True)) for i, text, published in items]


def _postings(item: tuple[int, tuple[str, ...]], k: int) -> list[tuple[int, int]]:
    i, tokens = item
    return [(h, i) for h in Deduplicator.shingles(tokens, k)]


def _pairs_of_bucket(bucket: tuple[int, list[tuple[int, int]]], max_block: int) -> list[tuple[int, int]]:
    members = sorted({i for _, i in bucket[1]})
    if len(members) < 2 or len(members) > max_block:
        return []
    return [(members[x], members[y]) for x in range(len(members)) for y in range(x + 1, len(members))]


def _verify_partition(pairs: list[tuple[int, int]], fps: Sequence[Fingerprint],
                      snippets: Sequence[Snippet], rules_root: str, model: bool):
    x = _worker_extractor(rules_root, model)
    dd = Deduplicator(x.rules)
    out = []
    for a, b in pairs:
        def facts(a=a, b=b):
            return (x(snippets[a].text, snippets[a].published, normalised=True),
                    x(snippets[b].text, snippets[b].published, normalised=True))
        rule = dd.verify_pair(fps[a], fps[b], facts)
        if rule:
            out.append((a, b, rule))
    return out


@contextmanager
def client_for(scheduler: str | None, workers: int):
    """A client on an existing cluster (`scheduler` address) or on a LocalCluster of processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


class DaskEngine:
    """Runs the heavy steps of `pipeline.batch.process` on a Dask client."""

    def __init__(self, client, extractor: Extractor, partitions: int | None = None):
        self.client = client
        self.extractor = extractor
        self.rules_root = str(extractor.rules.root)
        self.model = extractor.model_name is not None
        workers = len(client.scheduler_info().get("workers", {})) or 1
        self.partitions = partitions or max(2, 4 * workers)

    def accepted_pairs(self, dd: Deduplicator, snippets: Sequence[Snippet]) -> list[tuple[int, int, str]]:
        import dask.bag as db

        fps = [dd.fingerprint(s) for s in snippets]
        sizes = [len(Deduplicator.shingles(fp.tokens, dd.s.shingle_words)) for fp in fps]
        k, max_block = dd.s.shingle_words, dd.s.max_block_size
        bag = db.from_sequence([(i, fp.tokens) for i, fp in enumerate(fps)], npartitions=self.partitions)
        counted = (bag.map(_postings, k).flatten()
                   .groupby(lambda posting: posting[0])          # shuffle on the shingle hash
                   .map(_pairs_of_bucket, max_block).flatten()
                   .frequencies())
        shared = counted.compute()
        candidates = sorted(p for p, n in shared if dd.keep_pair(n, sizes[p[0]], sizes[p[1]]))
        if not candidates:
            return []
        fps_f = self.client.scatter(fps, broadcast=True)
        snips_f = self.client.scatter(list(snippets), broadcast=True)
        verified = (db.from_sequence(candidates, npartitions=self.partitions)
                    .map_partitions(_verify_partition, fps_f, snips_f, self.rules_root, self.model)
                    .compute())
        return sorted(verified)

    def extract_many(self, snippets: Sequence[Snippet]) -> list[Extraction]:
        import dask.bag as db

        items = [(i, s.text, s.published) for i, s in enumerate(snippets)]
        if not items:
            return []
        done = (db.from_sequence(items, npartitions=min(self.partitions, len(items)))
                .map_partitions(_extract_partition, self.rules_root, self.model).compute())
        return [x for _, x in sorted(done, key=lambda pair: pair[0])]
