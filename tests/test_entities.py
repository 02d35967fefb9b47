"""Entities: organisations, places and roles on sentences written for these tests (never the
gold texts), one table per class of error the blind extraction file showed."""
import pytest


def _locs(x):
    return {(p.text, p.country) for p in x.locations}


# An upper-case dateline names the city the story is filed from: a place (of the firm's home, so
# no project country), found whatever its case.
@pytest.mark.parametrize("text, place, country", [
    ("DENVER, April 2, 2025 /PRNewswire/ -- Ember Grid said its battery in Pueblo County is online.",
     "DENVER", "US"),
    ("ADELAIDE -- A 100 MW battery near Port Augusta was switched on by Acme Power on Monday.",
     "ADELAIDE", "AU"),
    ("CHENNAI: Tamil Nadu has tendered 500 MW of storage, officials said.", "CHENNAI", "IN"),
    ("[Photo/Xinhua] WUHAN, Oct 3 (Xinhua) -- A flow battery in Hubei province began operating.",
     "WUHAN", "CN"),
    ("Glasgow, 4 June 2025 - A 50 MW battery opened in Fife.", "Glasgow", "GB"),
])
def test_entities_uppercase_dateline_is_a_place_not_the_project(extract, text, place, country):
    x = extract(text)
    hit = [p for p in x.locations if p.text == place]
    assert hit and hit[0].country == country and not hit[0].is_project


def test_entities_uppercase_dateline_does_not_give_the_project_country(extract):
    x = extract("MUNICH, May 5 (Reuters) - Acme Storage signed a deal to build a battery in Texas.")
    assert "Munich" in {p.name for p in x.locations}
    assert list(x.countries) == ["US"]


@pytest.mark.parametrize("text", [
    "ACME, the battery maker, said on Monday it had raised money.",
    "BESS -- a 100 MW system was ordered.",
])
def test_entities_uppercase_non_place_is_not_a_dateline(extract, text):
    assert not extract(text).locations


# A unit before a place-shaped name is not part of it: "400 MWh Snowy Valley battery".
@pytest.mark.parametrize("text, place", [
    ("The 100 MW / 400 MWh Kiewa Valley battery will be built by Acme Power in Victoria.", "Kiewa Valley"),
    ("A 50 MW Hunter Valley battery is planned in New South Wales.", "Hunter Valley"),
])
def test_entities_unit_is_not_part_of_a_place_name(extract, text, place):
    texts = {p.text for p in extract(text).locations}
    assert place in texts and not any(t.startswith(("MW", "MWh")) for t in texts)


# "at X, near Y" / "at X in Y": X is a small place no table holds, in the country of the known Y.
@pytest.mark.parametrize("text, place, country", [
    ("Acme Power will build a 100 MW battery at Kilbride, near Aberdeen in Scotland.", "Kilbride", "GB"),
    ("The plant will rise in Villanueva, near Bilbao, with 20 GWh of capacity.", "Villanueva", "ES"),
    ("Work began on a 300 MWh battery at Oakhurst in Queensland.", "Oakhurst", "AU"),
    ("The battery at Fernbrook, outside Calgary, is due online in 2027.", "Fernbrook", "CA"),
])
def test_entities_small_place_beside_a_known_one(extract, text, place, country):
    x = extract(text)
    assert (place, country) in _locs(x)
    assert country in x.countries


@pytest.mark.parametrize("text", [
    "The battery at Acme Power in Texas was switched on.",
    "A deal signed at Davos in Switzerland covers storage.",
])
def test_entities_small_place_beside_a_known_one_not_an_org_or_word(extract, text):
    texts = {p.text for p in extract(text).locations}
    assert "Acme Power" not in texts and "Acme" not in texts
