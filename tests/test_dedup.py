"""Deduplication: repeats, fragments and rewordings merge; hard negatives stay apart; order-free."""
import random

import pytest

from pipeline.batch import process
from pipeline.dedup import UnionFind, announcement_id, stable_hash
from pipeline.ingest import snippet_id
from pipeline.records import Snippet


def _snips(extractor, texts):
    out = []
    for i, t in enumerate(texts):
        n = extractor.normalise(t)
        out.append(Snippet(snippet_id(f"t{i}", n.text), f"t{i}", "test", i + 1, n.text, f"http://u/{i}",
                           None, n.truncated_start, n.truncated_end))
    return out


def _groups(extractor, rules, texts):
    _, links = process(_snips(extractor, texts), rules, extractor)
    by = {}
    for l in links:
        by.setdefault(l.announcement_id, set()).add(int(l.snippet.input_id[1:]))
    return sorted(sorted(g) for g in by.values())


STORY = ("A 500 MW / 2,000 MWh standalone BESS in Tongliao, Inner Mongolia, has begun commercial "
         "operation following a five-month construction period, the developer said on Monday.")


def test_dedup_repeats_and_fragments_join(extractor, rules):
    texts = [STORY, STORY.upper().replace("MW", "MW"), "... standalone BESS in Tongliao, Inner Mongolia, "
             "has begun commercial operation following a five-month ...", "  " + STORY + "  "]
    assert _groups(extractor, rules, texts) == [[0, 1, 2, 3]]


def test_dedup_rewording_with_other_units_joins(extractor, rules):
    texts = ["A 200 MW/400 MWh standalone station in Yancheng, Jiangsu, entered commercial operation "
             "on Monday, owner Huaneng said.",
             "Commercial operation has begun at Huaneng's Yancheng energy storage plant in Jiangsu, "
             "with 200 megawatts of power and 400,000 kWh of storage."]
    assert _groups(extractor, rules, texts) == [[0, 1]]


@pytest.mark.parametrize("a,b", [
    (STORY, STORY.replace("Tongliao", "Chifeng")),
    ("Neoen has started construction of stage two of the Collie Battery in Western Australia, adding "
     "341 MW / 1,363 MWh.", "Neoen has commissioned stage two of the Collie Battery in Western "
     "Australia, adding 341 MW / 1,363 MWh."),
    ("Tesla signs deal for 1 GWh project in Chile, the company said on Friday.",
     "Tesla signs deal for 1 GWh project in Japan, the company said on Friday."),
    ("RWE broke ground on phase 1 of its 200 MW / 400 MWh battery in Bavaria.",
     "RWE broke ground on phase 2 of its 200 MW / 400 MWh battery in Bavaria."),
])
def test_dedup_hard_negatives_stay_apart(a, b, extractor, rules):
    assert _groups(extractor, rules, [a, b]) == [[0], [1]]


def test_dedup_order_does_not_change_clusters_or_ids(extractor, rules):
    texts = [STORY, STORY[:120] + " ...", STORY.replace("Tongliao", "Chifeng"),
             "Fluence will supply a 250 MW / 250 MWh grid booster in Kupferzell, Germany.",
             "... a 250 MW / 250 MWh grid booster in Kupferzell, Germany."]
    ref, _ = process(_snips(extractor, texts), rules, extractor)
    order = list(range(len(texts)))
    random.Random(4).shuffle(order)
    shuffled_texts = [texts[i] for i in order]
    got, _ = process(_snips(extractor, shuffled_texts), rules, extractor)
    assert [(a.announcement_id, a.text, a.cluster_size) for a in ref] == \
        [(a.announcement_id, a.text, a.cluster_size) for a in got]


def test_dedup_kept_text_is_most_complete_and_cluster_keeps_urls(extractor, rules):
    texts = ["... " + STORY[20:140] + " ...", STORY]
    anns, links = process(_snips(extractor, texts), rules, extractor)
    assert len(anns) == 1 and anns[0].text == extractor.normalise(STORY).text
    assert anns[0].source_urls == ("http://u/0", "http://u/1")
    assert {l.rule for l in links} == {"kept", "dedup:fragment"}
    assert all(0 <= l.similarity <= 100 for l in links)


def test_dedup_helpers_are_stable():
    assert stable_hash("abc") == 15617099051652453721  # the same in every process and run
    assert announcement_id("A 5 MW battery.") == announcement_id("a 5 mw  BATTERY")
    uf = UnionFind(4)
    uf.union(3, 1)
    uf.union(2, 3)
    assert uf.find(3) == uf.find(2) == 1
