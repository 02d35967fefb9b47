"""The only place that knows the stage order: read -> ingest -> dedup -> extract -> merge -> write."""
from __future__ import annotations

import datetime as dt
import gc
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from . import __version__
from . import io as pio
from .dedup import Cluster, Deduplicator, Facts, announcement_id, similarity
from .extraction import Extractor, build_extractor
from .ingest import ingest
from .normalise import build_normaliser
from .records import Announcement, Extraction, Furniture, Reject, Snippet, SnippetLink
from .rules import Rules, load_rules
from .schema import (ANNOUNCEMENTS, REJECTS, SCHEMA_VERSION, SNIPPETS, announcement_row,
                     record_batches, reject_row, snippet_row)

Progress = Callable[[str, int, int], None]
EXTRACT_CHUNK = 128  # snippets a worker task extracts
CHUNKS_IN_FLIGHT = 4  # tasks queued a worker: enough to keep it busy, few texts in memory


@dataclass(frozen=True)
class RunSummary:
    inputs: int
    snippets: int
    announcements: int
    rejects: int
    furniture: int
    seconds: float
    out: Path
    new_snippets: int = 0
    new_announcements: int = 0

    def as_dict(self) -> dict:
        return {"inputs": self.inputs, "snippets": self.snippets,
                "announcements": self.announcements, "rejects": self.rejects,
                "furniture": self.furniture, "new_snippets": self.new_snippets,
                "new_announcements": self.new_announcements,
                "seconds": round(self.seconds, 3), "out": str(self.out)}


def collect(inputs: Iterable[str | Path], rules: Rules, extractor: Extractor,
            published: dt.date | None = None) -> tuple[list[Snippet], list[Reject | Furniture], int]:
    """Read and ingest every input: snippets to work on, rejects and furniture to record."""
    snippets: list[Snippet] = []
    rejects: list[Reject | Furniture] = []
    files: set[str] = set()
    units = pio.read_inputs(inputs, published, rules.settings.ingest.max_line_chars)
    for item in ingest(units, extractor.normalise, rules):
        files.add(item.source_file)
        if isinstance(item, Snippet):
            snippets.append(item)
        else:
            rejects.append(item)
    return snippets, rejects, len(files)


@dataclass(frozen=True, slots=True)
class _Pending:
    """An announcement but its extraction, which waits on disk until its row is written."""
    announcement_id: str
    text: str
    input_ids: tuple[str, ...]
    source_urls: tuple[str, ...]
    published: dt.date | None
    cluster_size: int
    kept: int
    merge_rules: tuple[str, ...]


class Announcements(pio.RowSequence[Announcement]):
    """The announcements of a run in id order; each one's extraction is read back from the
    spill store when it is asked for, so a million of them do not sit in memory at once."""

    def __init__(self, pending: list[_Pending], store: pio.SpillStore):
        self._pending = pending
        self._store = store

    def __len__(self) -> int:
        return len(self._pending)

    def ids(self) -> list[str]:
        """Every announcement's id, without reading any extraction back."""
        return [p.announcement_id for p in self._pending]

    def row(self, i: int) -> Announcement:
        p = self._pending[i]
        return Announcement(announcement_id=p.announcement_id, text=p.text, input_ids=p.input_ids,
                            source_urls=p.source_urls, published=p.published,
                            cluster_size=p.cluster_size, extraction=self._store.get(p.kept),
                            merge_rules=p.merge_rules)


class _Subset(pio.RowSequence[Snippet]):
    """Some snippets of a sequence, by index, read when asked for (not copied out at once)."""

    def __init__(self, snippets: Sequence[Snippet], indices: Sequence[int]):
        self._snippets, self._indices = snippets, indices

    def __len__(self) -> int:
        return len(self._indices)

    def row(self, i: int) -> Snippet:
        return self._snippets[self._indices[i]]


class _LinkColumns(pio.RowSequence[SnippetLink]):
    """Every snippet's link, in the snippets' order, as columns (its announcement, its
    similarity, its rule as a code); each is read back as a `SnippetLink` around its snippet,
    so a million links are no million objects."""

    def __init__(self, snippets: Sequence[Snippet]):
        self._snippets = snippets
        self._announcement_ids: list[str] = []
        self._rules: list[str] = []
        self._announcement = np.full(len(snippets), -1, dtype=np.int64)
        self._rule = np.zeros(len(snippets), dtype=np.int64)
        self._similarity = np.zeros(len(snippets), dtype=np.float64)

    def link(self, members: Sequence[int], announcement_id: str, similarities: Sequence[float],
             rules: Sequence[str]) -> None:
        """Link the members of one announcement, each with its similarity and rule."""
        self._announcement[members] = len(self._announcement_ids)
        self._announcement_ids.append(announcement_id)
        self._similarity[members] = similarities
        for m, rule in zip(members, rules):
            if rule not in self._rules:
                self._rules.append(rule)
            self._rule[m] = self._rules.index(rule)

    def __len__(self) -> int:
        return len(self._snippets)

    def row(self, i: int) -> SnippetLink:
        return SnippetLink(self._snippets[i], self._announcement_ids[self._announcement[i]],
                           float(self._similarity[i]), self._rules[self._rule[i]])


def process(snippets: Sequence[Snippet], rules: Rules, extractor: Extractor, *,
            dedup: bool = True, workers: int = 1, progress: Progress | None = None,
            prior_ids: dict[str, str] | None = None, engine=None,
            pool: ProcessPoolExecutor | None = None) -> tuple[Announcements, Sequence[SnippetLink]]:
    """Deduplicate, extract each cluster's kept text, merge by facts, and link every snippet.

    `prior_ids` maps snippet ids of earlier runs to their announcement ids: a cluster that holds
    such snippets keeps the earliest of those ids, so a story keeps its id across batches.
    `engine` (a `pipeline.distributed.DaskEngine`) runs blocking, verification and extraction
    on a cluster; the result is the serial one. Extractions go to a spill file as they come;
    memory keeps one compact record of facts per cluster. `pool` (from `worker_pool`) runs
    the extraction in workers started earlier, and is shut down once it is done. Links come
    in the snippets' order (a run passes them sorted by file, line and input id).
    """
    prior_ids = prior_ids or {}
    dd = Deduplicator(rules)
    store = pio.SpillStore()
    if dedup:

        def facts(i: int) -> Extraction:
            if i in store:
                return store.get(i)
            s = snippets[i]
            x = extractor(s.text, s.published, normalised=True)
            store.put(i, x)
            return x

        accepted = engine.accepted_pairs(dd, snippets) if engine is not None else None
        clusters, why = dd.text_clusters(snippets, facts, accepted)
        for c in clusters:
            joined = {why[m] for m in c.members if m in why}
            if joined:  # most clusters hold one snippet: they keep the shared empty set
                c.rules |= joined
        _give_back_memory()
    else:
        clusters, why = [Cluster(members=[i], kept=i) for i in range(len(snippets))], {}
    todo = [c.kept for c in clusters if c.kept not in store]
    facts_of: dict[int, Facts] = {}
    if engine is not None:
        for i, x in zip(todo, engine.extract_many(_Subset(snippets, todo))):
            store.put(i, x)
            if dedup:
                facts_of[i] = dd.facts_of(x, snippets[i].text)
    else:
        for i, done in zip(todo, extract_encoded(_Subset(snippets, todo), rules, extractor,
                                                 dd if dedup else None, workers=workers,
                                                 progress=progress, pool=pool)):
            store.put_encoded(i, done.encoded)
            if dedup:
                facts_of[i] = dd.shared(done.facts)
        if pool is not None:
            pool.shutdown()  # the workers' memory goes back before level 2 needs its own
    if dedup:
        for c in clusters:
            if c.kept not in facts_of:
                facts_of[c.kept] = dd.facts_of(store.get(c.kept), snippets[c.kept].text)
        merged = dd.fact_merge(clusters, [facts_of[c.kept] for c in clusters], snippets)
    else:
        merged = clusters
    del facts_of
    _give_back_memory()
    level1 = np.empty(len(snippets), dtype=np.int64)  # each snippet's level-1 kept snippet
    for c in clusters:
        level1[c.members] = c.kept
    pending: list[_Pending] = []
    links = _LinkColumns(snippets)
    for c in merged:
        members = [snippets[m] for m in c.members]
        kept = members[c.members.index(c.kept)]
        earlier = sorted({prior_ids[s.snippet_id] for s in members if s.snippet_id in prior_ids})
        aid = earlier[0] if earlier else announcement_id(kept.text)
        dates = [s.published for s in members if s.published]
        pending.append(_Pending(
            announcement_id=aid, text=kept.text,
            input_ids=tuple(sorted(s.input_id for s in members)),
            source_urls=tuple(sorted({s.url for s in members if s.url})),
            published=min(dates) if dates else None, cluster_size=len(members),
            kept=c.kept, merge_rules=tuple(sorted(c.rules))))
        why_linked = []
        for m in c.members:
            if m == c.kept:
                why_linked.append("kept")
            elif int(level1[m]) != c.kept:  # joined through its level-1 cluster's facts
                why_linked.append(next((r for r in sorted(c.rules) if r.startswith("dedup:facts")),
                                       "dedup:facts"))
            else:
                why_linked.append(why.get(m, "dedup:text"))
        links.link(c.members, aid, [100.0 if m == c.kept else similarity(s.text, kept.text)
                                    for m, s in zip(c.members, members)], why_linked)
    pending.sort(key=lambda a: a.announcement_id)
    return Announcements(pending, store), links


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while the rules, matchers and gazetteer tables are built:
    ~100k objects that all stay alive, which each full collection would walk to find nothing
    (three collections, 0.15 s of a 6 s run on the 5k bench corpus)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _frozen():
    """Everything alive now (modules, rules, the built extractor) frozen for the run: the
    collector's full collections walk only what the run makes afterwards (they took 0.25 s of
    the 5k bench run walking the extractor's tables again and again). Unfrozen at the end, so
    a process that runs several batches can still collect what an earlier run left."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _give_back_memory() -> None:
    """Return the heap that a stage freed to the operating system (glibc keeps freed memory
    below its top for reuse, so without this the process stays at the stage's peak); a no-op
    where the C library has no malloc_trim."""
    try:
        import ctypes
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # TypeError: no C library by that name
        pass


# -------------------------------------------------------------- extraction, serial or parallel
@dataclass(frozen=True, slots=True)
class Encoded:
    """One snippet's extraction as the spill file keeps it, with its level-2 facts (None
    without dedup). Workers send this: the main process stores the bytes as they come
    instead of decoding the extraction and encoding it again."""
    encoded: bytes
    facts: Facts | None


_WORKER: dict[str, Rules | Extractor | Deduplicator | None] = {}


class ExtractorOnDemand:
    """The main process's extractor in a run with workers: built at its first call only (a
    level-1 pair whose facts must be compared, a batch too small to hand out), since the
    workers extract everything else. The workers, forked before it exists, build their own
    (0.4 s) while the main process reads the input and runs level 1, instead of waiting for
    the main process to build one first.
    Ingest needs only the normaliser, built at once (it is cheap)."""

    def __init__(self, rules: Rules, model: bool):
        self.rules, self.model = rules, model
        self.normalise = build_normaliser(rules)
        self._built: Extractor | None = None

    def __call__(self, *args, **kwargs) -> Extraction:
        if self._built is None:
            self._built = build_extractor(self.rules, model=self.model)
        return self._built(*args, **kwargs)


def _worker_init(rules_root: str, model: bool, dedup: bool) -> None:
    """Build the extractor once per worker, unless the worker was forked with it already
    (from the rules it was forked with, if any: they need not be read again)."""
    if "x" not in _WORKER:
        with _collector_paused():
            rules = _WORKER["rules"] if "rules" in _WORKER else load_rules(rules_root)
            _WORKER["x"] = build_extractor(rules, model=model)
            _WORKER["dd"] = Deduplicator(rules) if dedup else None
        gc.freeze()  # kept for the worker's life (see `_frozen`)


def _encode(extractor: Extractor, dd: Deduplicator | None, text: str,
            published: dt.date | None) -> Encoded:
    x = extractor(text, published, normalised=True)
    return Encoded(pio.SpillStore.encode(x),
                   dd.facts_of(x, text, share=False) if dd is not None else None)


def _worker_encode(item: tuple[str, dt.date | None]) -> Encoded:
    return _encode(_WORKER["x"], _WORKER["dd"], *item)


@contextmanager
def worker_pool(rules: Rules, extractor: Extractor | ExtractorOnDemand, workers: int,
                dedup: bool = True):
    """Extraction workers, started now: a run starts them before it reads any input, so a
    forked worker shares only the built extractor with the main process, not the snippets,
    clusters and facts that come later (and that would be copied page by page into every
    worker as the main process touches them). Spawned workers, and every worker when the
    extractor is an `ExtractorOnDemand` not built yet, build their own extractor; the pool is
    then not waited for. Yields None for one worker: extraction then runs in the main process."""
    if workers <= 1:
        yield None
        return
    built = isinstance(extractor, Extractor)
    if built:
        _WORKER["x"], _WORKER["dd"] = extractor, Deduplicator(rules) if dedup else None
    else:
        _WORKER["rules"] = rules
    model = extractor.model_name is not None if built else extractor.model
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                               initargs=(str(rules.root), model, dedup))
    frozen_before = gc.get_freeze_count() > 0  # by `_frozen`: it unfreezes when the run ends
    gc.freeze()  # the workers' collectors leave the inherited objects alone
    try:
        started = pool.submit(int)  # a forking pool starts all its workers at the first task
        if built:
            started.result()
    finally:
        if not frozen_before:
            gc.unfreeze()
        _WORKER.clear()
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _worker_encode_chunk(items: list[tuple[str, dt.date | None]]) -> list[Encoded]:
    return [_worker_encode(item) for item in items]


def extract_encoded(snippets: Sequence[Snippet], rules: Rules, extractor: Extractor,
                    dd: Deduplicator | None = None, *, workers: int = 1,
                    progress: Progress | None = None,
                    pool: ProcessPoolExecutor | None = None) -> Iterator[Encoded]:
    """Extract every snippet, in order, as the results come (a generator); `dd` adds each
    extraction's level-2 facts. `pool` (from `worker_pool`, started with the same `dd is
    not None`) is used when given; else `workers` above one start a pool for this call.
    Snippets are read only as the work reaches them: a few chunks a worker are in flight."""
    total = len(snippets)
    items = ((s.text, s.published) for s in snippets)
    if (pool is None and workers <= 1) or total < 200:
        for i, (text, published) in enumerate(items):
            yield _encode(extractor, dd, text, published)
            if progress and (i % 256 == 0 or i + 1 == total):
                progress("extract", i + 1, total)
        return
    with ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(worker_pool(rules, extractor, workers, dd is not None))
        in_flight: deque = deque()
        done = 0
        while True:
            while len(in_flight) < CHUNKS_IN_FLIGHT * max(2, workers):
                chunk = list(islice(items, EXTRACT_CHUNK))
                if not chunk:
                    break
                in_flight.append(pool.submit(_worker_encode_chunk, chunk))
            if not in_flight:
                return
            for encoded in in_flight.popleft().result():
                yield encoded
                done += 1
                if progress and (done % 256 == 1 or done == total):
                    progress("extract", done, total)


def _gather(inputs, out: Path, rules: Rules, extractor: Extractor, published: dt.date | None,
            fresh: bool, against: Sequence[str | Path]):
    """This batch's snippets with those of the earlier runs (in `out` unless `fresh`, and in
    `against`), each snippet once, in input order; with the earlier runs' announcement ids,
    every reject, the number of input files and how many snippets are new."""
    prior: list[Snippet] = []
    prior_ids: dict[str, str] = {}
    prior_rejects: list[Reject | Furniture] = []
    for folder in ([] if fresh else [out]) + [Path(a) for a in against]:
        snips, ids, rejs = pio.read_previous(folder)
        prior += [s for s in snips if s.snippet_id not in prior_ids]
        prior_ids.update({k: v for k, v in ids.items() if k not in prior_ids})
        prior_rejects += rejs
    new, rejects, n_inputs = collect(inputs, rules, extractor, published)
    fresh_snippets = [s for s in dict.fromkeys(new) if s.snippet_id not in prior_ids]
    n_fresh = len(fresh_snippets)
    seen_ids: set[str] = set()
    snippets = []
    for s in sorted(prior + fresh_snippets, key=lambda s: (s.source_file, s.line, s.input_id, s.snippet_id)):
        if s.snippet_id not in seen_ids:
            seen_ids.add(s.snippet_id)
            snippets.append(s)
    return (pio.SnippetTable(snippets), prior_ids, list(dict.fromkeys(prior_rejects + rejects)),
            n_inputs, n_fresh)


# -------------------------------------------------------------- the whole run
def run(inputs: Iterable[str | Path], out: str | Path, *, rules: Rules | None = None,
        rules_dir: str | Path | None = None, published: dt.date | None = None,
        dedup: bool = True, workers: int = 1, force: bool = False, model: bool = False,
        fresh: bool = False, against: Sequence[str | Path] = (),
        engine: str = "serial", scheduler: str | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Run the whole pipeline over files or folders and write the three Parquet files.

    An earlier run in `out` (unless `fresh`) and the runs in `against` are read first: their
    snippets join this batch, so repeated input adds nothing and new snippets link to the
    announcements already there. Output is written atomically: a run killed at any moment leaves
    the previous output intact, and running again completes the work.
    """
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    out = Path(out)
    with _collector_paused():
        rules = rules or load_rules(rules_dir)
        pio.prepare_out(out, force)
        extractor = (ExtractorOnDemand(rules, model) if engine != "dask" and workers > 1
                     else build_extractor(rules, model=model))
    with _frozen():  # until the run ends
        def gather():
            return _gather(inputs, out, rules, extractor, published, fresh, against)

        if engine == "dask":
            from .distributed import DaskEngine, client_for
            snippets, prior_ids, all_rejects, n_inputs, n_fresh = gather()
            with client_for(scheduler, workers) as client:
                announcements, links = process(snippets, rules, extractor, dedup=dedup,
                                               prior_ids=prior_ids, engine=DaskEngine(client, extractor))
        else:
            with worker_pool(rules, extractor, workers, dedup) as pool:  # before any input is read
                snippets, prior_ids, all_rejects, n_inputs, n_fresh = gather()
                _give_back_memory()  # the snippets as objects, now packed into a table
                announcements, links = process(snippets, rules, extractor, dedup=dedup,
                                               workers=max(1, workers), progress=progress,
                                               prior_ids=prior_ids, pool=pool)
        finished = dt.datetime.now(dt.timezone.utc)
        meta = {
            "schema_version": SCHEMA_VERSION, "pipeline_version": __version__,
            "rules_hash": rules.digest, "run_id": uuid.uuid4().hex,
            "started_at": started.isoformat(), "finished_at": finished.isoformat(),
        }
        rejects_sorted = sorted(all_rejects, key=lambda r: (r.source_file, r.line, type(r).__name__, str(r)))
        tagged = {k: s.with_metadata({**(s.metadata or {}), **{m: str(v) for m, v in meta.items()}})
                  for k, s in (("a", ANNOUNCEMENTS), ("s", SNIPPETS), ("r", REJECTS))}
        tables = {
            "announcements.parquet": (tagged["a"], record_batches(
                tagged["a"], (announcement_row(a) for a in announcements))),
            "snippets.parquet": (tagged["s"], record_batches(tagged["s"], (snippet_row(l) for l in links))),
            "rejects.parquet": (tagged["r"], record_batches(
                tagged["r"], (reject_row(r) for r in rejects_sorted))),
        }
        known = set(prior_ids.values())
        summary = RunSummary(inputs=n_inputs, snippets=len(snippets), announcements=len(announcements),
                             rejects=sum(isinstance(r, Reject) for r in all_rejects),
                             furniture=sum(isinstance(r, Furniture) for r in all_rejects),
                             seconds=time.perf_counter() - clock, out=out,
                             new_snippets=n_fresh,
                             new_announcements=sum(aid not in known for aid in announcements.ids()))
        inputs_list = [str(p) for p in inputs] if isinstance(inputs, (list, tuple)) else []
        pio.write_outputs(out, tables, {**meta, "summary": summary.as_dict(), "inputs": inputs_list})
        return summary
