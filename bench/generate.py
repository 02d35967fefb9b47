"""Generate a synthetic scrape corpus (JSONL) of realistic storage news with a known duplicate rate.

Each story is built from templates with varied companies, places, capacities, dates and events;
a share of rows are duplicates of an earlier story (exact repeats, "..."-cut fragments, or a
reworded second outlet). The ground truth story id is written beside each row (`story`).

    python bench/generate.py 100000 --dup-rate 0.3 --out bench/results/corpus-100k.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

COMPANIES = ["Tesla", "CATL", "BYD", "Sungrow", "Fluence", "Wartsila", "EVE Energy", "Hithium",
             "Trina Storage", "Envision", "Neoen", "Akaysha Energy", "RWE", "Engie", "Zenobe",
             "Plus Power", "Arevon", "Jupiter Power", "NextEra Energy Resources", "ACWA Power",
             "Masdar", "Huawei Digital Power", "Gotion", "CALB", "Powin", "Statkraft", "Enel",
             "Iberdrola", "Harmony Energy", "Gresham House", "Form Energy", "Invinity"]
PLACES = ["Tongliao, Inner Mongolia", "Yancheng, Jiangsu", "Ordos, Inner Mongolia", "Hami, Xinjiang",
          "Queensland", "New South Wales", "Victoria, Australia", "Texas", "California", "Arizona",
          "Bavaria", "Scotland", "Chile's Atacama region", "Tashkent, Uzbekistan", "Riyadh",
          "Abu Dhabi", "Gujarat", "Rajasthan", "Luzon", "Kern County, California", "Ontario",
          "South Australia", "Western Australia", "Andalusia", "Sicily", "Jutland"]
EVENTS = [("has begun commercial operation of", "began commercial operation"),
          ("has connected to the grid", "was connected to the grid"),
          ("broke ground on", "started construction of"),
          ("signed an agreement for", "inked a deal for"),
          ("won the tender for", "was named preferred bidder for"),
          ("reached financial close on", "secured financing for"),
          ("placed an order for", "ordered")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TECH = ["lithium iron phosphate", "LFP", "sodium-ion", "vanadium flow", "lithium-ion", ""]


def story(rng: random.Random, i: int) -> tuple[str, str]:
    org, partner = rng.sample(COMPANIES, 2)
    place = rng.choice(PLACES)
    power = rng.choice([50, 100, 150, 200, 250, 300, 400, 500, 600, 1000])
    hours = rng.choice([1, 2, 4, 8])
    energy = power * hours
    month, day, year = rng.choice(MONTHS), rng.randint(1, 28), rng.choice([2024, 2025])
    ev, ev2 = rng.choice(EVENTS)
    tech = rng.choice(TECH)
    cap = rng.choice([f"{power} MW / {energy:,} MWh", f"{power}MW/{energy}MWh",
                      f"{power} megawatt, {hours}-hour"])
    a = (f"{org} {ev} a {cap} {tech + ' ' if tech else ''}battery energy storage project in "
         f"{place} on {month} {day}, {year}, with {partner} supplying the equipment. "
         f"The project, number {i}, is expected to support grid stability and renewable integration.")
    b = (f"A {energy:,} MWh storage plant in {place} {ev2} on {month} {day}, {year}, "
         f"{org} said, in a project supplied by {partner} (ref {i}).")
    return a, b


def generate(n: int, dup_rate: float, seed: int = 7):
    rng = random.Random(seed)
    made: list[tuple[int, str, str]] = []
    for row in range(n):
        if made and rng.random() < dup_rate:
            sid, a, b = rng.choice(made)
            kind = rng.random()
            if kind < 0.4:
                text = a
            elif kind < 0.8:
                words = a.split()
                cut = rng.randint(3, 6)
                text = "... " + " ".join(words[cut:len(words) - rng.randint(2, 6)]) + " ..."
            else:
                text = b
        else:
            sid = len(made)
            a, b = story(rng, sid)
            made.append((sid, a, b))
            text = a
        yield {"id": f"r{row}", "text": text, "published": f"2025-12-{rng.randint(1, 28):02d}",
               "url": f"https://news.example/{row}", "story": sid}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--dup-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in generate(args.n, args.dup_rate, args.seed):
            fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
