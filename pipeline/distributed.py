"""The same stages on Dask distributed: dedup blocking and verification, and extraction, as tasks.

Blocking is a shuffle on stable shingle hashes (`stable_hash`, never Python's salted `hash`, so a
bucket is never split across workers) -> a shuffle on the snippet, which keeps the buckets of its
rarest shingles -> candidate pairs (as the serial blocking finds them) -> a verification map -> the
accepted pairs replayed on the client in the serial order, so clusters, kept texts and ids are
the serial ones. Extraction is a `map_partitions` whose extractor is built once per worker in a
module-level cache, never captured in a closure. Level 2 (facts) runs on the client: it works on
one small record per cluster.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import contextmanager

import numpy as np

from .dedup import Deduplicator, Fingerprint, bloom_mask, may_agree
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


def _postings(item: tuple[int, tuple[str, ...]], k: int, bits: int) -> list[tuple[int, int]]:
    """(shingle, snippet) with the shingle hash cut to the bits the serial blocking keeps."""
    i, tokens = item
    return sorted({(h >> bits, i) for h in Deduplicator.shingles(tokens, k)})


def _bucket_choices(bucket: tuple[int, list[tuple[int, int]]], max_block: int):
    """A shingle's bucket: each holder may choose it, with the shingle's frequency."""
    shingle, postings = bucket
    members = tuple(sorted({i for _, i in postings}))
    if len(members) < 2 or len(members) > max_block:
        return []
    return [(i, len(members), shingle, members) for i in members]


def _rarest_pairs(group, rarest: int) -> list[tuple[int, int]]:
    """A snippet paired with the holders of its rarest shingles, as the serial blocking does."""
    i, choices = group
    chosen = sorted(choices, key=lambda c: (c[1], c[2]))[:rarest]
    return [(min(i, m), max(i, m)) for _, _, _, members in chosen for m in members if m != i]


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
        k, max_block = dd.s.shingle_words, dd.s.max_block_size
        bag = db.from_sequence([(i, fp.tokens) for i, fp in enumerate(fps)], npartitions=self.partitions)
        found = (bag.map(_postings, k, dd.owner_bits(len(snippets))).flatten()
                 .groupby(lambda posting: posting[0])          # shuffle on the shingle hash
                 .map(_bucket_choices, max_block).flatten()
                 .groupby(lambda choice: choice[0])            # shuffle on the snippet
                 .map(_rarest_pairs, dd.s.blocking_shingles).flatten()
                 .distinct())
        pairs = sorted(found.compute())
        if not pairs:
            return []
        a, b = may_agree(np.array([p[0] for p in pairs], dtype=np.int64),
                         np.array([p[1] for p in pairs], dtype=np.int64),
                         np.array([bloom_mask(fp.keys) for fp in fps], dtype=np.uint64),
                         np.array([bloom_mask(fp.words) for fp in fps], dtype=np.uint64))
        candidates = list(zip(a.tolist(), b.tolist()))
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
