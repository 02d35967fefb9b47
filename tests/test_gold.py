"""Evaluation gate: F1 per field on our gold files (and the peer cases) must not fall below
pinned floors. Floors are raised when the figures rise; a re-pin never lowers one by itself."""
import json

import pytest

from conftest import ROOT
from pipeline.evaluate import evaluate

FLOORS = json.loads((ROOT / "tests" / "floors.json").read_text())


@pytest.mark.parametrize("gold", sorted(FLOORS))
def test_gold_f1_floors(gold, extractor):
    path = (ROOT / gold) if not gold.startswith("../") else (ROOT / gold).resolve()
    if not path.is_file():
        pytest.skip(f"{gold} not present")
    report = evaluate(path, extractor)
    low = {}
    for field, floor in FLOORS[gold].items():
        s = report.fields[field]
        if s.f1 + 1e-9 < floor:
            low[field] = (round(s.f1, 4), floor)
    assert not low, f"F1 below the pinned floor (got, floor): {low}"


def test_gold_eval_returns_exactly_the_known_misses(tmp_path, extractor):
    gold = tmp_path / "tiny.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "A 500 MW / 2,000 MWh battery in Tongliao began operation.",
         "published": "2025-12-20",
         "gold": {"capacities": [{"power_mw": 500, "energy_mwh": 2000}], "countries": ["CN"]}},
        {"id": "b", "text": "A 100 MW battery opened.",
         "gold": {"capacities": [{"power_mw": 300}], "countries": ["US"]}},
    ]) + "\n")
    report = evaluate(gold, extractor)
    caps = report.fields["capacities"]
    assert (caps.tp, caps.fp, caps.fn) == (1, 1, 1)
    assert [m["case"] for m in caps.misses] == ["b"]
    assert caps.false_hits[0]["found"]["power_mw"] == 100
    countries = report.fields["countries"]
    assert (countries.tp, countries.fn) == (1, 1) and countries.misses == [{"case": "b", "gold": "US"}]


def test_gold_files_are_well_formed():
    for path in sorted((ROOT / "corpus/gold").glob("*.jsonl")):
        for no, line in enumerate(path.read_text().splitlines(), 1):
            row = json.loads(line)
            if "texts" in row:
                assert len(row["texts"]) >= 2, (path.name, no)
                continue
            for field in ("capacities", "dates"):
                for entry in row["gold"].get(field, []):
                    assert entry["text"] in row["text"] or field == "capacities", (path.name, no)


def test_dupes_eval_judges_a_negative_line_only_within_its_pair(tmp_path, extractor):
    station = ("Harbour Grid Ltd has connected a 150 MW / 300 MWh battery at Tarrow Point, "
               "Northland, to the national grid, the company said on Monday.")
    gold = tmp_path / "pairs.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"group": "g1", "texts": [station, station.replace("Monday", "Monday.") + " More soon."]},
        # the negative's first text retells g1's story: its merge with g1 is not judged
        {"group": "n1", "distinct": True, "texts": [
            station, station.replace("Tarrow Point, Northland", "Kelso Flats, Otago")]},
        {"group": "g2", "texts": ["Lumen Storage ordered 40 flywheels for a Lisbon data centre.",
                                  "Lumen Storage ordered 40 flywheels for a Lisbon data centre ..."]},
    ]) + "\n")
    report = evaluate(gold, extractor)
    d = report.fields["duplicates"]
    assert (d.tp, d.fp, d.fn) == (2, 0, 0)
    assert d.extra["kept_apart"] == [1, 1]
