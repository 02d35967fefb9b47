"""Deduplication: repeats, fragments and rewordings merge; hard negatives stay apart; order-free."""
import random
from dataclasses import replace
import shutil

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT
from pipeline.batch import process
from pipeline.dedup import (Deduplicator, Facts, Party, UnionFind, _initials, _org_groups,
                            _parties_clash, _same_party,
                            announcement_id, bloom_mask,
                            keys_conflict, may_agree, stable_hash)
from pipeline.errors import RulesError
from pipeline.ingest import snippet_id
from pipeline.records import Snippet
from pipeline.rules import OrgEntry, load_rules


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


@pytest.mark.parametrize("a,b", [
    (STORY, STORY.replace("Tongliao", "Chifeng")),
    ("Neoen has started construction of stage two of the Collie Battery in Western Australia, adding "
     "341 MW / 1,363 MWh.", "Neoen has commissioned stage two of the Collie Battery in Western "
     "Australia, adding 341 MW / 1,363 MWh."),
    ("Tesla signs deal for 1 GWh project in Chile, the company said on Friday.",
     "Tesla signs deal for 1 GWh project in Japan, the company said on Friday."),
    ("RWE broke ground on phase 1 of its 200 MW / 400 MWh battery in Bavaria.",
     "RWE broke ground on phase 2 of its 200 MW / 400 MWh battery in Bavaria."),
    # one project at two moments: allowed to build, then switched on
    ("The state regulator has authorised Coastline Grid to build a 40 MW / 80 MWh battery in "
     "Santos, Brazil, to firm up supply on the coast.",
     "Coastline Grid has energised its 40 MW / 80 MWh battery in Santos, Brazil, firming up "
     "supply on the coast."),
    # planning permission asked for, then granted
    ("Brightwater Hydro has lodged a planning application with the county council for its "
     "200 MW pumped storage scheme at an old quarry in County Clare.",
     "Brightwater Hydro has been granted planning permission by the county council for its "
     "200 MW pumped storage scheme at an old quarry in County Clare."),
])
def test_dedup_hard_negatives_stay_apart(a, b, extractor, rules):
    assert _groups(extractor, rules, [a, b]) == [[0], [1]]


@pytest.mark.parametrize("a,b", [
    # the same words told at the next moment: events outlets use for one moment, here two stories
    ("Volta Grid's 30 MW / 60 MWh battery in Ghent, Belgium, has been connected to the grid and "
     "is now in its test phase.",
     "Volta Grid's 30 MW / 60 MWh battery in Ghent, Belgium, has begun commercial operation after "
     "its test phase."),
    # an event against none: each text has words of its own where its event is told
    ("Tidewater Energy has won a permit from the regional council for its 80 MW / 320 MWh battery "
     "near Leeds, which could be running by 2027.",
     "Tidewater Energy has started early works on its 80 MW / 320 MWh battery near Leeds, which "
     "should be running by 2027."),
    ("Sunmark Storage has signed an agreement to deliver 2.4 GWh of battery containers to "
     "Ridgeline Power, with first shipments due next spring.",
     "Sunmark Storage has delivered the first battery containers under its 2.4 GWh deal with "
     "Ridgeline Power, a year after the contract was signed."),
])
def test_dedup_one_template_at_another_moment_stays_apart(a, b, extractor, rules):
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


def test_dedup_same_wording_around_another_name_stays_apart(extractor, rules):
    a = ("Ørsted has switched on a 20 MW / 20 MWh battery at its Carnegie Road site in "
         "Liverpool, its first storage project in the UK.")
    assert _groups(extractor, rules, [a, a.replace("Carnegie Road", "Swallow Lane")]) == [[0], [1]]


def test_dedup_fragment_with_common_phrases_is_blocked_and_joined(extractor, rules):
    # the boilerplate shingles are held by many snippets; the fragment's rarest ones are not
    filler = [f"Company {chr(65 + i)}{chr(65 + j)} said the project is expected to support grid "
              "stability and renewable integration across the region." for i in range(12) for j in range(12)]
    full = ("Akaysha Energy has started building the 155 MW / 620 MWh Elaine battery near "
            "Ballarat; the project is expected to support grid stability and renewable integration.")
    frag = "... the 155 MW / 620 MWh Elaine battery near Ballarat; the project is expected to support grid ..."
    groups = _groups(extractor, rules, filler + [full, frag])
    assert [len(filler), len(filler) + 1] in groups


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "100", "200", "mw", "ontario",
                                 "texas", "tesla", "fluence", "the", "a"]), max_size=8),
       st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "100", "200", "mw", "ontario",
                                 "texas", "tesla", "fluence", "the", "a"]), max_size=8),
       st.data())
def test_dedup_bloom_prefilter_never_drops_a_pair_the_key_check_keeps(words_a, words_b, data):
    keys_a = frozenset(data.draw(st.sets(st.sampled_from(words_a))) if words_a else set())
    keys_b = frozenset(data.draw(st.sets(st.sampled_from(words_b))) if words_b else set())
    wa, wb = frozenset(words_a) | keys_a, frozenset(words_b) | keys_b
    masks = lambda *sets: np.array([bloom_mask(s) for s in sets], dtype=np.uint64)  # noqa: E731
    a, b = may_agree(np.array([0]), np.array([1]), masks(keys_a, keys_b), masks(wa, wb))
    if not keys_conflict(keys_a, wa, keys_b, wb):
        assert len(a) == 1  # kept for verification


def test_dedup_party_acronyms_match_their_names(rules):
    sec = Party(("saudi", "electricity"), _initials("Saudi Electricity Company", "Saudi Electricity"), "owner")
    assert _same_party(Party(("sec",), (), "owner"), sec)
    assert _same_party(Party(("harmony",), (), "owner"), Party(("harmony", "energy"), (), "owner"))
    assert not _same_party(Party(("china", "huadian"), (), "owner"), Party(("china", "datang"), (), "owner"))
    assert "sngr" in _initials("Six Nations of the Grand River")
    # an acronym may add letters for the legal form the name leaves out ("Co": KEPCO, TEPCO)
    cpdl = Party(("capital", "power", "distribution"),
                 _initials("Capital Power Distribution", endings=("co", "l")), "owner")
    assert _same_party(Party(("cpdl",), (), "owner"), cpdl)  # "Ltd" left out of the name
    dd = Deduplicator(rules)
    doral = lambda name: Party(tuple(name.casefold().split()), (), "developer", core=dd._core(name))  # noqa: E731
    assert _same_party(doral("Kestrel Energy"), doral("Kestrel Group"))  # the same word left
    assert not _same_party(doral("China Energy"), doral("China Power"))  # a word many start with
    assert not _same_party(doral("Kestrel Energy"), doral("Osprey Energy"))
    tepco = Party(("tokyo", "electric", "power"), _initials("Tokyo Electric Power", endings=("co",)), "owner")
    assert _same_party(Party(("tepco",), (), "owner"), tepco)
    assert not _same_party(Party(("tepc",), (), "owner"), tepco)


def test_dedup_unit_named_by_its_parent_initials_is_that_party(extractor, rules):
    # "MPC Clean Energy Holdings" is the power arm of Metro Pacific Corporation: a multi-word name
    # led by the other's initials (three letters at least) is the same party, not a rival owner
    mpc = Party(("metro", "pacific"), _initials("Metro Pacific Corporation's", "Metro Pacific"), "owner")
    assert _same_party(Party(("mpc", "clean", "energy", "holdings"), (), "owner"), mpc)
    assert not _same_party(Party(("mp", "clean", "energy"), (), "owner"),
                           Party(("metro", "pacific"), _initials("Metro Pacific"), "owner"))
    texts = ["MPC Clean Energy Holdings has switched on a 45 MW battery energy storage system in "
             "Calamba, Laguna, part of its 500 MW storage rollout.",
             "Metro Pacific Corporation's power unit energised a 45-megawatt battery in Laguna "
             "province on Tuesday, adding to the conglomerate's growing fleet of grid batteries."]
    assert _groups(extractor, rules, texts) == [[0, 1]]


def test_dedup_party_acronym_endings_come_from_the_rules(extract, rules):
    dd = Deduplicator(rules)
    assert dd.acronym_endings == tuple(rules["dedup"].words["acronym_endings"]) == ("co", "l")
    facts = dd.facts_of(extract("Hokuriku Electric Power has switched on a 30 MW battery in Toyama."))
    assert any("hepco" in p.initials for p in facts.parties), facts.parties


@pytest.mark.parametrize("texts", [
    # a project name before the words of its technology ("pumped hydro project", "scheme")
    ["Alpine Water has started construction of the 600 MW Glenmore pumped hydro project, the "
     "developer said.",
     "Construction has started on the Glenmore pumped storage scheme, a 600-megawatt plant due to "
     "deliver first power in 2029."],
    # the project one text names is the party another names ("Kestrel Bay Energy Storage, a
    # partnership ...")
    ["The 120 MW / 480 MWh Kestrel Bay Energy Storage project in Nova Scotia has entered commercial "
     "operation, partners Maritime Grid and Atlantic Power said.",
     "Kestrel Bay Energy Storage, a partnership of two First Nations and a utility, says its "
     "120-megawatt, four-hour battery has entered commercial operation."],
])
def test_dedup_project_named_two_ways_merges(texts, extractor, rules):
    assert _groups(extractor, rules, texts) == [[0, 1]]


@pytest.mark.parametrize("a,b", [
    # both provinces unknown: two towns
    ("Harbourline Energy has started operating its 150 MW / 300 MWh battery in Narangba, north of "
     "Brisbane, the company said.",
     "Harbourline Energy's 150 MW / 300 MWh battery in Gladstone, Queensland, is now energised and "
     "trading in the NEM."),
    # one template around two places
    ("Harbourline Energy's 150 MW / 300 MWh battery at Narangba, north of Brisbane, has begun "
     "commercial operation.",
     "Harbourline Energy's 150 MW / 300 MWh battery at Toowoomba, Queensland, has begun commercial "
     "operation."),
    # two towns that both name provinces are two places
    ("Nilegrid Power has switched on its 120 MW / 240 MWh battery in Aswan, Egypt.",
     "Nilegrid Power has switched on its 120 MW / 240 MWh battery in Luxor, Egypt."),
    # two areas, or a site against an area: one firm's two sites of one size
    ("Kelvin Storage's 200 MW / 400 MWh Glenbervie battery in Aberdeenshire, Scotland, has begun "
     "commercial operation.",
     "Kelvin Storage says its 400 MWh Hawick site in the Scottish Borders is now commercially "
     "operational."),
])
def test_dedup_places_not_known_to_nest_stay_apart(a, b, extractor, rules):
    assert _groups(extractor, rules, [a, b]) == [[0], [1]]


@pytest.mark.parametrize("size,merged", [
    # a power and an energy both precise (three significant digits) name one round's result even
    # where neither text names a party or place; a round size (400 MW / 800 MWh) does not
    ("437 MW / 1,748 MWh", True),
    ("400 MW / 800 MWh", False),
])
def test_dedup_distinctive_size_at_one_event_merges(size, merged, extractor, rules):
    texts = [f"The energy ministry has named the winning bidders for {size} of battery storage in its "
             "second procurement window, with six projects selected.",
             "Storage procurement window 2 preferred bidders: six projects, "
             f"{size.replace(' ', '')} ..."]
    assert _groups(extractor, rules, texts) == ([[0, 1]] if merged else [[0], [1]])


@pytest.mark.parametrize("text,event", [
    ("The 250 MW battery in Kern County is now online, the developer said.", "commercial_operation"),
    ("All four 100 MW units at the plant are now running, the utility said.", "commercial_operation"),
    ("The Gemini battery is now commercially operating in Nevada.", "commercial_operation"),
    ("Neoen has started full operations at its 200 MW battery.", "commercial_operation"),
    ("Calpine has completed the Nova Power Bank in Menifee, California.", "commercial_operation"),
    ("A 50 MW station in Hubei has started delivering power to the grid.", "grid_connection"),
    ("Belgium's largest battery is under construction north of Brussels.", "construction_start"),
    # "completed" a financing step is no completed plant
    ("Akaysha has completed the financing for its battery storage project.", "financing"),
    ("Funding is now in place for the 1.66 GWh battery near Wellington.", "financing"),
    ("A Minnesota cooperative now operates the first iron-air battery on a US grid.", "commercial_operation"),
    ("The utility now operates 5 GW of storage across three states.", None),  # a fleet, no event
    ("The 100 MW battery is up and running in Texas.", "commercial_operation"),
    ("The 100 MW battery kicked off operations in Texas.", "commercial_operation"),
    ("The 100 MW battery has started commercial service in Texas.", "commercial_operation"),
    ("Acme has finished building the 100 MW battery in Texas.", "commercial_operation"),
    ("Ground was broken on the 100 MW battery in Texas.", "construction_start"),
    ("Acme started civil works on the 100 MW battery in Texas.", "construction_start"),
    ("The 100 MW battery has started dispatching power to the Texas grid.", "grid_connection"),
    ("Gresham House has acquired a 50 MW battery in Wiltshire, England.", "other"),  # a deal
    # an approval, asked for or given, is no construction start however it is worded
    ("The regulator has authorised Coastline Grid to build a 40 MW battery in Santos.", "other"),
    ("Brightwater has lodged a planning application for a 200 MW scheme in Clare.", "other"),
    ("Brightwater has applied for development consent for a 200 MW scheme in Clare.", "other"),
    # a firm's own decision to build is its investment decision, however it is worded
    ("Nordwind gives green light to build its 300 MW battery in Emden.", "financing"),
    ("Nordwind has committed to building its 300 MW battery in Emden.", "financing"),
    ("Nordwind's 300 MW battery has been given the go-ahead by its board.", "financing"),
    # a future told in the present tense is a plan, weaker than the deed beside it
    ("PGE has signed a contract with LG Energy Solution for a 981 MWh system, one of the largest "
     "in Europe when it starts operating in 2027.", "agreement"),
    ("Lion Storage has taken a final investment decision on its 1.5 GWh battery. Construction "
     "starts this year.", "financing"),
])
def test_dedup_rewording_event_cues(text, event, extract):
    assert extract(text).event == event


def _facts(**kw):
    base = dict(text="", headline=None, sizes=(), approx=False, event=None, event_date=None,
                parties=(), countries=(), named_countries=(), towns=(), regions=(),
                town_regions=None, phases=(), names=())
    return Facts(**{**base, **kw})


@pytest.mark.parametrize("a,b,agree", [
    # "1.4 GWh" is 1,416 MWh rounded to the digits it was written with
    (dict(headline=(380.0, 1416.0), sizes=((380.0, 1416.0),)),
     dict(headline=(None, 1400.0), sizes=((None, 1400.0),)), True),
    # one significant digit is no rounding: 400 and 409 MWh differ
    (dict(headline=(None, 409.0), sizes=((None, 409.0),)),
     dict(headline=(None, 400.0), sizes=((None, 400.0),)), False),
    # power-only and energy-only headlines: a size both state agrees when both tell one event
    (dict(headline=(220.0, None), sizes=((220.0, None), (None, 235.0)), event="commercial_operation"),
     dict(headline=(None, 235.0), sizes=((None, 235.0),), event="grid_connection"), True),
    # ... and is nothing to compare when only one tells an event (a threshold, a site total)
    (dict(headline=(220.0, None), sizes=((220.0, None), (None, 235.0)), event="commercial_operation"),
     dict(headline=(None, 235.0), sizes=((None, 235.0),)), None),
    # a phase or an addition beside the site's total: one headline is the phase, the other the total
    (dict(headline=(40.0, 80.0), sizes=((40.0, 80.0), (120.0, 240.0)), phases=("added",)),
     dict(headline=(120.0, None), sizes=((120.0, None),)), True),
    (dict(headline=(200.0, 400.0), sizes=((200.0, 400.0), (100.0, 200.0)), phases=("1",)),
     dict(headline=(100.0, 200.0), sizes=((100.0, 200.0),)), True),
    # ... but without a phase told, other headlines differ whatever is said in passing
    (dict(headline=(40.0, 80.0), sizes=((40.0, 80.0), (120.0, 240.0))),
     dict(headline=(120.0, None), sizes=((120.0, None),)), False),
])
def test_dedup_capacities_agree(a, b, agree, rules):
    dd = Deduplicator(rules)
    assert dd._capacities_agree(_facts(**a), _facts(**b)) is agree
    assert dd._capacities_agree(_facts(**b), _facts(**a)) is agree


@pytest.mark.parametrize("texts", [
    # a landmark town ("near Melbourne") is where the site lies, not the site's own town
    ["Akaysha Energy has energised its 200 MW / 800 MWh battery in Geelong, Victoria, the "
     "developer said.",
     "An 800 MWh battery near Melbourne is now online, Akaysha Energy said on Tuesday."],
    # a town inside a district that one outlet names instead
    ["Zenobe has energised its 100 MW / 200 MWh battery in East Ayrshire, Scotland, the company said.",
     "Zenobe's 200 MWh battery at Kilmarnock, Scotland, is now online and trading."],
    # a city that names its province ("in Aswan") against a town of that province
    ["Nilegrid Power has switched on its 120 MW / 240 MWh battery in Edfu, Egypt, the firm said.",
     "Egypt's 240 MWh battery in Aswan is now online, Nilegrid Power said."],
])
def test_dedup_site_told_by_another_town_merges(texts, extractor, rules):
    assert _groups(extractor, rules, texts) == [[0, 1]]


def test_dedup_same_template_in_another_town_stays_apart(extractor, rules):
    a = "Akaysha Energy has energised its 200 MW / 800 MWh battery in Geelong, Victoria."
    assert _groups(extractor, rules, [a, a.replace("Geelong", "Ballarat")]) == [[0], [1]]
    b = "Akaysha Energy has energised its 200 MW / 800 MWh battery near Geelong, Victoria."
    assert _groups(extractor, rules, [a, b.replace("Geelong", "Ballarat")]) == [[0], [1]]


@pytest.mark.parametrize("text,planned", [
    ("Masdar will build a 1 GW / 4 GWh battery in Abu Dhabi, the company said.", True),
    ("The 100 MW battery is expected to be commissioned in 2026.", True),
    ("Masdar has broken ground on its 1 GW / 4 GWh battery in Abu Dhabi.", False),
    # "has come online" is done; "will come online", "will see it come online" are plans
    ("A battery owned by Hokuriku Power has come online in the town of Nanto.", False),
    ("The 80 MW battery has now come online, its owners said.", False),
    ("The 80 MW battery will come online next year.", True),
    ("Next spring will see the 80 MW battery come online, the ministry said.", True),
    # an approval asked for is the plan of the approval given
    ("Brightwater has lodged a planning application for its 200 MW scheme in Clare.", True),
    ("Brightwater has submitted an application for development consent for a 200 MW scheme.", True),
    ("Brightwater has been granted planning permission for its 200 MW scheme in Clare.", False),
    # a bare noun is no plan, and a deed around it claims it first
    ("Harmony Energy achieved first power at its 100 MW battery in Hull.", False),
    ("Zenobe switches on a 400 MWh battery, the second of its sites to come online.", False),
    # built, not yet running: the planned start is the news
    ("Construction of the 500 MW battery is complete and the plant will begin commercial "
     "operation on March 1.", True),
])
def test_dedup_facts_tell_a_plan_from_a_deed(text, planned, extract, rules):
    assert Deduplicator(rules).facts_of(extract(text)).planned is planned


FID = ("Nordwind Energie has taken a final investment decision on its 300 MW / 600 MWh battery at "
       "the port of Emden, Lower Saxony, with construction to begin in the spring.")


@pytest.mark.parametrize("other", [
    "Nordwind gives green light to build Emden battery: the 600 MWh Lower Saxony system will be "
    "the largest storage plant to be built in the region so far.",
    "Nordwind Energie has committed to building its 300 MW battery in Emden, Lower Saxony; the "
    "plant will be built over the next two years.",
])
def test_dedup_investment_decision_in_other_words_merges(other, extractor, rules):
    assert _groups(extractor, rules, [FID, other]) == [[0, 1]]


def test_dedup_investment_decision_and_approval_stay_apart(extractor, rules):
    approval = ("The state planning authority has approved Nordwind Energie's 300 MW / 600 MWh "
                "battery at the port of Emden, Lower Saxony.")
    assert _groups(extractor, rules, [FID, approval]) == [[0], [1]]


def test_dedup_plan_and_deed_stay_apart(extractor, rules):
    texts = ["Masdar will build a 1 GW / 4 GWh battery in Abu Dhabi, the company said on Monday.",
             "Masdar has broken ground on its 1 GW / 4 GWh battery in Abu Dhabi, the company said."]
    assert _groups(extractor, rules, texts) == [[0], [1]]


@pytest.mark.parametrize("text,phases,ordinals", [
    ("The plant went into full operation when its 12th and final unit was connected.", ("final",), ()),
    ("All twelve 300-megawatt units at the plant are now running.", ("final",), ()),
    ("The first 300 MW unit of the plant has been connected to the grid.", ("1",), ()),
    ("Work began on the 3rd 100 MW phase of the site.", ("3",), ()),
    ("SSE's first grid-scale battery is now running.", (), ("1",)),
    ("The battery is the second in its storage portfolio.", (), ("2",)),
    # an addition to a running site, its number unstated
    ("Acme has completed a 40 MW / 80 MWh expansion of the Ridgeway battery.", ("added",), ()),
    ("The Ridgeway site has added another 80 MWh, lifting it to 240 MWh.", ("added",), ()),
    ("Acme switched on another 40 MW battery in Texas.", (), ()),  # maybe another site
])
def test_dedup_phases_and_site_ordinals(text, phases, ordinals, rules):
    dd = Deduplicator(rules)
    assert dd._phases(text) == phases
    assert dd._phases(text, dd.ordinal_patterns) == ordinals


@pytest.mark.parametrize("text,phases,rounds", [
    # a hyphen is a spelling of the phase, not another one
    ("Work has begun on phase-2 of the Ridgeway battery.", ("2",), ()),
    # the round of a tender is no phase of a project: told by one outlet, left out by another
    ("The utility announced the winners of its Phase-III auction for 250 MW of storage.", (), ("3",)),
    ("Developers won 250 MW in the state's third-phase auction on Friday.", (), ("3",)),
    ("Six projects were picked in Bid Window 2 of the storage programme.", (), ("2",)),
    ("The regulator awarded 300 MW in its tranche-II tender.", (), ("2",)),
])
def test_dedup_phases_and_tender_rounds(text, phases, rounds, rules):
    dd = Deduplicator(rules)
    assert dd._phases(text) == phases
    assert dd._phases(text, dd.round_patterns) == rounds


@pytest.mark.parametrize("texts", [
    # the round written two ways, the buyer by its initials in one text and in full in the other
    ["Rajasthan Vidyut Prasaran Nigam Limited (RVPNL) has announced the winners of its Phase-III "
     "auction for 250 MW / 500 MWh of standalone battery storage.",
     "RVPNL's Phase III battery tender for 250 MW / 500 MWh has been won by three developers at "
     "record-low tariffs, the state utility said."],
    # a round one outlet names and another leaves out; a rewording whose event the rules miss
    ["Maharashtra State Electricity Distribution Company has awarded 300 MW / 600 MWh of battery "
     "storage in its tranche-II auction to four bidders.",
     "Four developers have won 300 MW / 600 MWh of storage capacity from the Maharashtra State "
     "Electricity Distribution Company, the utility said on Friday."],
])
def test_dedup_tender_round_told_two_ways_merges(texts, extractor, rules):
    assert _groups(extractor, rules, texts) == [[0, 1]]


@pytest.mark.parametrize("round_b,merged", [
    # the same round of a tender named two ways is one more fact in common; another round differs
    ("second-phase", True),
    ("third-phase", False),
])
def test_dedup_same_tender_round_agrees(round_b, merged, extractor, rules):
    texts = ["Karnataka Power Transmission Corporation Limited (KPTCL) has announced the results of "
             "its Phase-II auction for 300 MW / 600 MWh of standalone battery storage, with the "
             "lowest tariff at Rs 2.1 lakh per MW per month.",
             "The southern state's transmission utility has picked the winners for 0.3 GW / 0.6 GWh "
             f"of standalone battery storage in its {round_b} auction, with the lowest bid at Rs 2.1 "
             "lakh per MW per month ..."]
    assert _groups(extractor, rules, texts) == ([[0, 1]] if merged else [[0], [1]])


def test_dedup_phase_words_come_from_the_rules(rules):
    dd = Deduplicator(rules)
    assert dd._phases("Phase II of the battery is running.") == dd._phases("Phase two is running.") \
        == dd._phases("The second phase is running.") == ("2",)
    assert dd.phase_words == rules["dedup"].phase_words and dd.phase_words["last"] == "final"


@pytest.mark.parametrize("entry,message", [
    ('five = "5th"', "'five' = '5th' must be a phase number (1-99), \"final\" or \"added\""),
    ('Five = "5"', "'Five' must be one lower-case word"),
    ('"fifth phase" = "5"', "'fifth phase' must be one lower-case word"),
    ("five = 5", "phase_words.five"),
])
def test_dedup_bad_phase_word_names_file_and_line(entry, message, tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dst)
    f = dst / "dedup.toml"
    text = f.read_text().replace('three = "3"\n', f'three = "3"\n{entry}\n', 1)
    f.write_text(text)
    line = text.splitlines().index(entry) + 1
    with pytest.raises(RulesError) as exc:
        load_rules(dst)
    assert any(p.startswith(f"{f}:{line}: ") and message in p for p in exc.value.problems), \
        exc.value.problems


@pytest.mark.parametrize("a,b,conflict", [
    (dict(phases=("final",)), dict(phases=("1",)), "phase"),  # the last unit is not the first
    (dict(phases=("final",)), dict(), None),  # another outlet may leave the last phase unnamed
    (dict(phases=("2",)), dict(), "phase"),
    (dict(site_ordinals=("1",)), dict(site_ordinals=("2",)), "phase"),
    (dict(site_ordinals=("2",)), dict(), None),
    # a numbered phase and an addition of unstated number may be one phase
    (dict(phases=("3", "added")), dict(phases=("added",)), None),
    (dict(phases=("3",)), dict(phases=("added",)), None),
    (dict(phases=("3",)), dict(phases=("2", "added")), "phase"),
])
def test_dedup_phase_and_site_ordinal_conflicts(a, b, conflict, rules):
    dd = Deduplicator(rules)
    assert dd.conflict(_facts(**a), _facts(**b)) == conflict
    assert dd.conflict(_facts(**b), _facts(**a)) == conflict


@pytest.mark.parametrize("a,b,clash", [
    ([("nrstor", "developer")], [("ieso", "other")], False),  # a party merely mentioned is no rival
    ([("nrstor", "developer")], [("boralex", "owner")], True),  # two owners, none in common
    ([("tesla", "supplier")], [("fluence", "supplier")], True),
    ([("neso", "other")], [("zenobe", "developer")], False),
    # a fund backing the project and the firm building it; a supplier and a developer
    ([("northwind", "investor")], [("tarrow", "developer")], False),
    ([("fluence", "supplier")], [("tarrow", "developer")], False),
    ([("northwind", "investor")], [("southgate", "investor")], False),  # one backer of several
])
def test_dedup_parties_clash_only_in_a_slot(a, b, clash, rules):
    dd = Deduplicator(rules)
    party = lambda name, role: Party(tuple(name.split()), (), role)  # noqa: E731
    pa, pb = [party(*p) for p in a], [party(*p) for p in b]
    assert _parties_clash(pa, pb, dd.role_slots) is clash
    assert _parties_clash(pb, pa, dd.role_slots) is clash


def test_dedup_a_regulator_one_outlet_names_is_no_rival(extractor, rules):
    # a regulator beside the deal in one text, a developer the rules leave as "other" in the
    # other: neither is a rival nor a party one side lacks; two unknown developers still clash
    texts = ["San Diego Gas & Electric inks 20-year tolling deal for 800 MWh Imperial County "
             "battery ... the 200 MW Ocotillo Wash project from Northwind is due to start up in "
             "2028, pending approval by the CPUC ...",
             "Northwind Renewables said on Tuesday it had signed a long-term tolling contract "
             "with San Diego Gas & Electric for its Ocotillo Wash battery, one of the largest "
             "four-hour batteries planned in California."]
    assert _groups(extractor, rules, texts) == [[0, 1]]
    dd = Deduplicator(rules)
    regulator = Party(("puc",), (), "other", bystander=True)
    assert not _parties_clash([Party(("avista",), (), "owner"), regulator],
                              [Party(("avista",), (), "owner"), Party(("northwind",), (), "other")],
                              dd.role_slots)
    assert _parties_clash([Party(("avista",), (), "owner"), Party(("arcadia",), (), "other")],
                          [Party(("avista",), (), "owner"), Party(("northwind",), (), "other")],
                          dd.role_slots)


def test_dedup_a_county_taken_for_a_firm_is_no_party(extract, rules):
    dd = Deduplicator(rules)
    x = extract("Riverside County's new battery is finished: Calpine says the 680 MW site is online.")
    assert "Calpine" in {o.name for o in x.organizations}  # the county: dropped there or here
    assert [p.words for p in dd.facts_of(x).parties] == [("calpine",)]
    assert any(p.search("Riverside County") for p in dd.not_party_patterns)
    assert not any(p.search("Calpine") for p in dd.not_party_patterns)


def test_dedup_a_party_short_name_blocks_with_its_full_name(rules):
    # "Rongke" and "Rongke Power" are one party: the pair must be compared at all
    dd = Deduplicator(rules)
    a = _facts(headline=(100.0, 400.0), sizes=((100.0, 400.0),), countries=("CN",),
               parties=(Party(("rongke", "power"), ("rp",), "developer"),))
    b = _facts(headline=(None, 400.0), sizes=((None, 400.0),),
               parties=(Party(("rongke",), (), "owner"),))
    assert list(dd._fact_pairs([a, b])) == [(0, 1)]


def test_dedup_headline_filter_drops_only_pairs_conflict_vetoes(rules):
    # fact_merge thins the candidate pairs in bulk: what goes must be a capacity conflict
    dd = Deduplicator(rules)
    facts = [_facts(headline=(100.0, 400.0), sizes=((100.0, 400.0),)),
             _facts(headline=(100.0, 400.0), sizes=((100.0, 400.0),)),
             _facts(headline=(120.0, 400.0), sizes=((120.0, 400.0),)),
             _facts(headline=(101.0, 400.0), sizes=((101.0, 400.0),), approx=True),
             _facts(headline=(None, 1400.0), sizes=((None, 1400.0),)),
             _facts(headline=(380.0, 1416.0), sizes=((380.0, 1416.0),)),
             _facts(headline=(40.0, 80.0), sizes=((40.0, 80.0),), phases=("added",)),
             _facts()]
    pairs = [(a, b) for a in range(len(facts)) for b in range(a + 1, len(facts))]
    a, b = (np.array(side, dtype=np.int64) for side in zip(*pairs))
    kept = set(zip(*(side.tolist() for side in dd._headlines_may_agree(facts)(a, b))))
    assert kept == {(x, y) for x, y in pairs
                    if dd._capacities_agree(facts[x], facts[y]) is not False
                    or facts[x].phases or facts[y].phases}
    assert {(0, 1), (4, 5), (0, 3), (0, 6), (0, 7)} <= kept and (0, 2) not in kept


def test_dedup_news_told_in_second_place_is_no_event_conflict(extractor, rules):
    # the first text leads with the financial close and adds that construction is under way
    texts = ["Akaysha Energy has reached financial close on its 415 MW / 1,660 MWh battery in "
             "Dubbo, New South Wales, securing debt from banks. Construction is under way.",
             "Akaysha Energy has secured financing for the 415 MW / 1,660 MWh battery in Dubbo, "
             "New South Wales, the company said."]
    assert _groups(extractor, rules, texts) == [[0, 1]]
    # ... but an earlier step in a background clause is history, not the news
    texts = ["Akaysha Energy has started construction of its 415 MW / 1,660 MWh battery in Dubbo, "
             "New South Wales, having closed financing in March.", texts[1]]
    assert _groups(extractor, rules, texts) == [[0], [1]]
    # ... and so is one told after the news it leads with
    texts = ["Akaysha Energy has signed an agreement with Tesla for the 200 MW / 800 MWh battery in "
             "Dubbo, New South Wales.",
             "Akaysha Energy has started construction of the 200 MW / 800 MWh battery in Dubbo, New "
             "South Wales, under an agreement signed with Tesla."]
    assert _groups(extractor, rules, texts) == [[0], [1]]


def test_dedup_a_desert_is_no_province_to_clash_with(extract, rules):
    # the Atacama desert spans several Chilean regions; "Atacama region" is one of them
    dd = Deduplicator(rules)
    desert = dd.facts_of(extract("In northern Chile's Atacama desert, Engie's 638 MWh battery came "
                                 "into commercial service this week."))
    town = dd.facts_of(extract("Engie has started commercial operation of a 638 MWh battery in "
                               "María Elena, Antofagasta Region, Chile."))
    assert dd.conflict(desert, town) is None
    region = extract("The 638 MWh battery in Chile's Atacama region is now online.")
    assert [(p.name, p.kind) for p in region.locations if p.kind == "admin1"] == [("Atacama", "admin1")]


def test_dedup_no_capacity_compatible_event_at_one_site_town_merges(extractor, rules):
    texts = ["EnBW has connected its new battery in Heilbronn, Germany, to the grid, the utility said.",
             "EnBW's new battery in Heilbronn, Germany, is now in commercial service."]
    assert _groups(extractor, rules, texts) == [[0, 1]]
    other_town = [texts[0], texts[1].replace("Heilbronn", "Karlsruhe")]
    assert _groups(extractor, rules, other_town) == [[0], [1]]


def test_dedup_a_name_that_starts_like_a_weekday_is_a_key(extractor, rules):
    # "Thurcroft" starts with "Thu", "Monterey" with "Mon": names, not dates
    a = "Octopus Energy has acquired the 100 MW / 200 MWh Fenwick battery project in Yorkshire from Pelagic."
    assert _groups(extractor, rules, [a, a.replace("Fenwick", "Thurcroft")]) == [[0], [1]]
    assert _groups(extractor, rules, [a, a.replace("Fenwick", "Monterey")]) == [[0], [1]]


def test_dedup_one_template_in_two_provinces_stays_apart(extractor, rules):
    # "KwaZulu-Natal" as outlets write it is the province, not the Brazilian city of Natal
    texts = ["Eskom has brought the 100 MW / 400 MWh Hex battery in the Western Cape into commercial operation.",
             "Eskom has brought the 100 MW / 400 MWh Elandskop battery in KwaZulu-Natal into commercial operation."]
    assert _groups(extractor, rules, texts) == [[0], [1]]


def test_dedup_party_contractions_match_and_block(rules):
    assert _same_party(Party(("taipower",), (), "owner"), Party(("taiwan", "power", "co"), (), "owner"))
    assert not _same_party(Party(("tesla",), (), "owner"), Party(("tata", "power"), (), "owner"))
    # no key from party, place or name in common: the size at one event still pairs them
    dd = Deduplicator(rules)
    a = _facts(headline=(60.0, None), sizes=((60.0, None),), event="commercial_operation",
               countries=("TW",), parties=(Party(("taipower",), (), "owner"),))
    b = _facts(headline=(60.0, None), sizes=((60.0, None),), event="grid_connection",
               parties=(Party(("taiwan", "power", "co"), ("tpc",), "owner"),))
    assert list(dd._fact_pairs([a, b])) == [(0, 1)]


def test_dedup_same_asset_switched_on_and_bought_stays_apart(extractor, rules):
    texts = ["Gresham House has switched on a 50 MW battery in Wiltshire, England.",
             "Gresham House has acquired a 50 MW battery in Wiltshire, England."]
    assert _groups(extractor, rules, texts) == [[0], [1]]


@pytest.mark.parametrize("before,landmark,district", [
    ("a battery near ", True, False), ("a battery just outside of ", True, False),
    ("on the outskirts of ", True, False), ("30 km north-east of ", True, False),
    ("west of ", True, False), ("not far from ", True, False),
    ("a battery in ", False, False), ("the port of ", False, False), ("at ", False, False),
    ("a battery in the province of ", False, True), ("in the County of ", False, True),
    ("the prefecture of ", False, True), ("the region of the ", False, True),
])
def test_dedup_landmark_and_district_cues(before, landmark, district, rules):
    dd = Deduplicator(rules)
    assert dd._before(before + "Phoenix", len(before), dd.landmark_patterns) is landmark
    assert dd._before(before + "Phoenix", len(before), dd.district_cues) is district


def test_dedup_a_place_served_is_not_the_site(extract, rules):
    x = extract("All twelve 300 MW units at Fengning, Hebei, are now running, helping absorb wind "
                "and solar power for Beijing and northern China.")
    assert {p.name for p in x.locations if p.is_project} == {"Fengning", "Hebei"}
    assert Deduplicator(rules).facts_of(x).regions == ("Hebei",)


def test_dedup_level2_pairs_in_passes_are_every_block_pair_once_in_order(monkeypatch):
    """Level-2 pairs come a range of clusters at a time (bounded memory): with tiny passes
    and slices they are still every pair of holders of each run, once each, sorted."""
    import itertools
    import numpy as np
    from pipeline import dedup
    rng = np.random.default_rng(7)
    n, bits = 300, 9
    postings = []
    for key in range(120):
        holders = sorted(set(rng.integers(0, n, size=int(rng.integers(1, 9))).tolist()))
        postings += [(key + 1) << bits | h for h in holders]
    h = np.array(sorted(postings), dtype=np.uint64)
    starts, lengths = dedup._runs(h, np.uint64(bits))
    useful = lengths >= 2
    expected = sorted({(a, b) for s, l in zip(starts[useful], lengths[useful])
                       for a, b in itertools.combinations((h[s:s + l] & np.uint64(511)).tolist(), 2)})
    monkeypatch.setattr(dedup, "PAIRS_PER_PASS", 37)
    monkeypatch.setattr(dedup, "PAIRS_PER_SLICE", 11)
    got = list(dedup._run_pairs(h, np.uint64(511), starts[useful], lengths[useful], n))
    assert got == expected and len(expected) > 300
    # the same pairs from the runs alone, copied out a few runs at a time
    monkeypatch.setattr(dedup, "OWNER_CHUNK", 7)
    kept, kept_starts = dedup._only_runs(h, starts[useful], lengths[useful])
    assert len(kept) == lengths[useful].sum() < len(h)
    assert list(dedup._run_pairs(kept, np.uint64(511), kept_starts, lengths[useful], n)) == expected


@given(st.lists(st.integers(0, 6), max_size=60), st.integers(0, 3))
@settings(max_examples=200, deadline=None)
def test_dedup_runs_are_every_repeated_key_with_its_length(keys, shift):
    """_runs on sorted postings: each key held two or more times, where it starts and how
    often, whatever lies around it (runs that touch, runs at either end, none at all)."""
    import itertools
    import numpy as np
    from pipeline import dedup
    postings = np.array(sorted(k << shift | (i % (1 << shift)) for i, k in enumerate(keys)),
                        dtype=np.uint64)
    starts, lengths = dedup._runs(postings, np.uint64(shift))
    expected, at = [], 0
    for _, group in itertools.groupby(int(p) >> shift for p in postings):
        n = len(list(group))
        if n >= 2:
            expected.append((at, n))
        at += n
    assert list(zip(starts.tolist(), lengths.tolist())) == expected


def test_dedup_legal_suffix_written_out_or_short_is_the_same_story(extractor, rules):
    """"Ltd" and "Limited", "Corp" and "Corporation" are no key tokens: a repeat that writes
    the suffix another way is the same story, while another company's name still vetoes."""
    story = ("Kestrel Grid Storage Limited has started building a 120 MW / 480 MWh battery at "
             "Drakelow, Derbyshire, with first power planned for late 2027.")
    short = story.replace("Limited", "Ltd").replace("120 MW / 480 MWh", "120MW/480MWh")
    other = story.replace("Kestrel Grid Storage Limited", "Osprey Grid Storage Limited")
    dd = Deduplicator(rules)
    fa, fb = dd.text_fingerprint(story), dd.text_fingerprint(short)
    assert "limited" not in fa.keys and "ltd" not in fb.keys
    assert _groups(extractor, rules, [story, short, other]) == [[0, 1], [2]]


@pytest.mark.parametrize("name,place", [
    ("Qinglongwan District", "Qinglongwan"), ("Manatee County", "Manatee"),
    ("Kitakyushu City", "Kitakyushu"), ("Fukuoka Prefecture", "Fukuoka"),
    ("Qinglongwan", "Qinglongwan"), ("City", "City"), ("Districtville", "Districtville"),
])
def test_dedup_place_names_lose_the_word_for_their_kind(name, place, rules):
    assert Deduplicator(rules)._place_name(name) == place


@pytest.mark.parametrize("texts", [
    ["Acme Storage has completed a 40 MW / 80 MWh expansion of its Ridgeway battery in Nevada, "
     "taking the site to 120 MW / 240 MWh.",
     "Nevada's Ridgeway battery now delivers 120 MW after its expansion was finished, Acme said."],
    ["Huadong Power has connected the first phase of its 200 MW / 400 MWh flow battery project in "
     "Xiangtan, Hunan, to the grid. The 100 MW / 200 MWh first phase is the largest of its kind.",
     "Flow batteries scale up: a 100-megawatt, two-hour station in Hunan built by Huadong Power "
     "has started delivering power to the grid, the firm said on Monday."],
])
def test_dedup_phase_size_and_site_total_merge(texts, extractor, rules):
    assert _groups(extractor, rules, texts) == [[0, 1]]


@pytest.mark.parametrize("texts,groups", [
    # a name written with and without its accents, in a headline that names no party the rules know
    (["Kestrel Power's Pōkai battery in Waikato, New Zealand, is now fully operational, "
      "the 120 MW system having been switched on in stages since June.",
      "120MW Pokai BESS goes live"], [[0, 1]]),
    # the site named by the solar plant the battery is paired with, one outlet stating no event
    (["Sahel Renewables has begun operating a 250 MWh battery at its Tiris solar plant in "
      "northern Mauritania, storing midday output for the evening peak.",
      "... Sahel Renewables says the Tiris battery will make it the country's largest storage "
      "owner ..."], [[0, 1]]),
    # one named project, the other text without an event but with a size of its own: apart
    (["Corvid Energy's Marlow Creek battery in Queensland entered commercial operation with "
      "200 MW of output.",
      "Corvid Energy finished a 60 MW extension of the Marlow Creek battery in Queensland in "
      "March 2024."], [[0], [1]]),
])
def test_dedup_named_project_with_one_party(texts, groups, extractor, rules):
    assert _groups(extractor, rules, texts) == groups



def test_dedup_project_named_by_the_province_the_other_text_names(rules):
    # "lands $115m loan for Aswan battery" against a text that says the battery is in Aswān
    dd = Deduplicator(rules)
    party = (Party(("nile", "sun"), (), "developer"),)
    a = _facts(text="Nile Sun has secured $115 million for a 300 MWh battery in Aswān, Egypt.",
               parties=party, event="financing", regions=("Aswān",), countries=("EG",),
               names=("kom ombo",))
    b = _facts(text="Nile Sun lands $115m loan for Aswan battery", parties=party,
               event="financing", names=("aswan",))
    assert dd._facts_agree(a, b) and dd._facts_agree(b, a)
    assert not dd._facts_agree(a, replace(b, names=("luxor",)))


@pytest.mark.parametrize("text, names", [
    ("Giga Power closes €400m for Dutch Leopard battery", {"leopard"}),
    ("Kazmunai breaks ground on Mirny wind-and-battery project", {"mirny"}),
    ("Corvid Energy breaks ground on 1GWh Scottish battery", set()),
])
def test_dedup_project_names_without_demonyms_and_with_hybrid_words(text, names, extract, rules):
    assert set(Deduplicator(rules).facts_of(extract(text)).projects) == names


@pytest.mark.parametrize("text, amounts", [
    ("closed $480 million of debt", (480e6,)), ("secures $480m", (480e6,)),
    ("a US$1,200 million plant, or $1.2 billion", (1.2e9,)), ("Rs 5,400 crore", (5.4e10,)),
    ("€400m loan", (400e6,)), ("costs $100/kWh", ()), ("sold for $3 a share", ()),
    ("secured 42 million pounds of senior debt", (42e6,)), ("a 1.5 billion euro plant", (1.5e9,)),
    ("about 800 yuan per kWh", ()), ("a 2.5 MW unit", ()),
])
def test_dedup_money_amounts(text, amounts, rules):
    assert Deduplicator(rules)._money(text) == amounts


def test_dedup_the_same_loan_told_twice_merges(extractor, rules):
    texts = ["Corvid Energy has closed $310 million of debt financing for its 200 MW / 400 MWh "
             "battery near Tarrow Point in Otago, with three banks as lenders.",
             "Corvid Energy secures $310m for South Island battery"]
    assert _groups(extractor, rules, texts) == [[0, 1]]
    other = [texts[0], texts[1].replace("$310m", "$95m")]
    assert _groups(extractor, rules, other) == [[0], [1]]


def test_dedup_named_project_at_one_place_and_event_without_a_party_merges(extractor, rules):
    texts = ["Kestrel Power said on Tuesday that its 250 MW / 500 MWh Tarrow South battery near "
             "Tarrow in Queensland has entered commercial operation.",
             "... the Tarrow South battery in Queensland is now in commercial service, the "
             "developer said ..."]
    assert _groups(extractor, rules, texts) == [[0, 1]]
    # another named project at the same place stays apart
    assert _groups(extractor, rules, [texts[0], texts[1].replace("Tarrow South", "Kelso Ridge")]) \
        == [[0], [1]]


# Rewordings of one story by two outlets that must become one announcement, each with the
# class of evidence it needs.
@pytest.mark.parametrize("texts", [
    pytest.param(["A 200 MW/400 MWh standalone station in Yancheng, Jiangsu, entered commercial operation "
                  "on Monday, owner Huaneng said.",
                  "Commercial operation has begun at Huaneng's Yancheng energy storage plant in Jiangsu, "
                  "with 200 megawatts of power and 400,000 kWh of storage."],
                 id="rewording_with_other_units_joins"),
    # the second outlet names the supplier as well, and the buyer only in passing
    pytest.param(["Saudi Electricity Company has awarded a 400 MW / 1,600 MWh battery project in "
                  "Bisha to Alfanar, the utility said on March 3.",
                  "Alfanar has won SEC's tender for a 1.6 GWh storage plant in Bisha, with batteries "
                  "from CATL, the company said on March 3."],
                 id="rewording_with_an_extra_party_in_another_role_merges"),
    # a suburb no table holds ("Narangba", placed by "north of Brisbane") against a town whose
    # province is known (Moreton Bay, Queensland): the suburb may lie in it when the capacity,
    # the party and the country agree
    pytest.param(["Harbourline Energy has started operating its 150 MW / 300 MWh battery in Narangba, "
                  "north of Brisbane, the company said.",
                  "The 300 MWh battery that Harbourline Energy built in Moreton Bay, Queensland, is now "
                  "energised and trading in the NEM."],
                 id="small_place_in_a_known_town_area_merges"),
    # a factory's yearly output is no project size, but two texts that state the same one at the
    # same town tell one opening
    pytest.param(["Sodion Cells has opened a sodium-ion cell factory in Wuhu, Anhui province, with an "
                  "annual production capacity of 8 GWh for storage and scooters.",
                  "Sodion opens 8GWh/yr sodium-ion cell plant in Wuhu ..."],
                 id="factory_output_stated_by_both_agrees"),
    pytest.param(["Enea has signed a contract with Fluence for a 130 MW / 489 MWh battery at its "
                  "Kozienice power plant in Poland, the utility said on June 2.",
                  "Fluence will deliver nearly 0.5 GWh of storage to Enea for the Kozienice plant, "
                  "under a contract signed on June 2."],
                 id="loosely_stated_size_matches_the_exact_one"),
    # no size to compare: the same party, place and event must carry the merge
    pytest.param(["Calpine has brought its Nova battery in Menifee, California, online, the company said.",
                  "Calpine said on Tuesday that the Nova battery in Menifee, California, is now online."],
                 id="rewording_with_a_state_cue_merges_without_capacity"),
    # one outlet names the village, another the town it lies near: no two places
    pytest.param(["Harmony Energy says its 60 MW / 120 MWh battery at Bamber Bridge near Preston, "
                  "Lancashire, has entered commercial operation.",
                  "Harmony Energy brings 120 MWh Preston battery online, adding 60 MW of two-hour "
                  "storage in the north-west."],
                 id="the_town_a_site_is_near_names_the_same_site"),
    # "(GSF)" after the name: another outlet's "GSF" is the same party, though the letters
    # are no initials of the name
    pytest.param(["Gore Street Energy Storage Fund plc (GSF) says its 50 MW / 100 MWh battery at "
                  "Whitecross, Lincolnshire, has entered commercial operation.",
                  "GSF's Whitecross battery in Lincolnshire is now operational, adding 50 MW of "
                  "two-hour storage, the listed fund told shareholders."],
                 id="an_acronym_given_in_brackets_names_the_party_elsewhere"),
    # no number and no place in common: the same two firms at the same event are compared
    # even where one outlet adds the grid operator they serve
    pytest.param(["Enel and Fluence bring Italian battery fleet into operation. The sites now support "
                  "grid operator Terna, the companies said.",
                  "Enel has put into operation 250 MW of batteries built together with Fluence at "
                  "three sites in Sardinia and Sicily."],
                 id="two_parties_at_one_event_block_without_a_grid_operator"),
    # no number in one text and the site by two names: the same firm starting works on "its
    # first battery" in both is one story
    pytest.param(["Electricité du Laos has started construction of its first battery, a 30 MW / 60 MWh "
                  "system in Vientiane province.",
                  "EDL broke ground on its first grid battery at Nam Ngum, the state utility said."],
                 id="a_firms_first_battery_told_thinly_merges"),
    pytest.param(["Huadong Power has switched on a 100 MW / 200 MWh battery in Chongqing's Qinglongwan "
                  "District, the first grid-scale storage plant in the area.",
                  "A 200 MWh storage station built by Huadong Power in Chongqing's Qinglongwan district "
                  "has been connected to the grid, the company said, with 100 MW of output."],
                 id="district_named_with_or_without_its_kind_merges"),
    # the province is named as "the province of X", and X alone would read as a town
    pytest.param(["Enel Green Power has started operations at a 150 MW / 600 MWh battery at the former "
                  "Vado Ligure coal plant in Quiliano, Liguria, awarded in the capacity market.",
                  "A four-hour, 150-megawatt battery at the old Vado coal station in the province of "
                  "Savona is now in service, Enel said, adding 0.6 GWh of flexible capacity to the grid "
                  "in northern Italy."],
                 id="town_and_the_province_of_it_merge"),
    # no size to compare: one party at the very same event in one country
    pytest.param(["LG Energy Solution has opened its first sodium-ion cell line at its plant in "
                  "Gdansk, Poland, with output of 4 GWh a year planned from 2027.",
                  "LGES starts sodium-ion cell line in Poland"],
                 id="thin_headline_one_party_one_event_one_country"),
    # two parties in common at one place, where one text (a headline) states no event
    pytest.param(["AGL has awarded Fluence a contract to build a 250 MW / 1,000 MWh battery at its "
                  "Kelso substation in Otago, New Zealand.",
                  "Fluence wins AGL battery contract in Otago"],
                 id="thin_headline_two_parties_at_one_place"),
    # a text that names no party: the project's name and the event
    pytest.param(["Corvid Energy has switched on the 90 MW Kelso Ridge battery, the largest on New "
                  "Zealand's South Island, the developer said on Monday.",
                  "... the Kelso Ridge battery, the South Island's largest, has been switched on ..."],
                 id="partyless_text_with_the_project_name_and_event"),
    # "the Texas battery" names the place, not another project than "the Kelso battery"
    pytest.param(["Corvid Energy has closed $250 million of financing for the Kelso battery, a "
                  "150 MW / 300 MWh system in Comal County, Texas.",
                  "... lenders have closed the financing of the Texas battery, which lies near New "
                  "Braunfels in Comal ..."],
                 id="project_named_by_its_place_is_no_other_project"),
    # organizations.jsonl: Florida Power & Light's parent is NextEra Energy
    pytest.param(["Florida Power & Light has switched on a 409 MW battery in Parrish, Manatee County, "
                  "charged by the solar plant beside it.",
                  "NextEra Energy has switched on a 409-megawatt battery in Parrish, Florida, that "
                  "stores power from an adjacent solar plant."],
                 id="a_firm_and_its_parent"),
])
def test_dedup_rewordings_merge(texts, extractor, rules):
    assert _groups(extractor, rules, texts) == [[0, 1]]


def test_dedup_one_party_at_one_event_in_two_countries_stays_apart(extractor, rules):
    texts = ["LG Energy Solution has opened its first sodium-ion cell line at its plant in Gdansk, Poland.",
             "LGES starts sodium-ion cell line in Hungary"]
    assert _groups(extractor, rules, texts) == [[0], [1]]


# Thin evidence merges only with the words or the number that make it one story: each case is a
# pair that merges and a pair on the same facts that stays apart.
@pytest.mark.parametrize("merged, apart", [
    # a text that names no party: the same place and event, worded alike
    pytest.param(["Corvid Energy has switched on a battery energy storage system in Otago, New "
                  "Zealand, the first grid-scale battery on the island's southern grid, the developer "
                  "said.",
                  "New Zealand's first grid-scale battery storage system switched on in Otago"],
                 ["Corvid Energy has switched on a battery energy storage system in Otago, New "
                  "Zealand, the first grid-scale battery on the island's southern grid, the developer "
                  "said.",
                  "Volunteers at Otago's Dunedin library have switched on a small backup battery "
                  "for its reading rooms."],
                 id="partyless_text_at_one_place_and_event"),
    # a thin text (no size, no place): one party at the very same event, worded alike
    pytest.param(["Fluence has signed a supply agreement with AGL for a 250 MW / 1,000 MWh battery at "
                  "Tomago in New South Wales, the company said on Monday.",
                  "Fluence signs supply agreement for four-hour battery, the company said on Monday"],
                 ["Fluence has signed a supply agreement with AGL for a 250 MW / 1,000 MWh battery at "
                  "Tomago in New South Wales, the company said on Monday.",
                  "Fluence signs agreement on grid software services for data centres"],
                 id="thin_text_with_one_party_at_the_same_event"),
    # a precise size alone joins a thin text; a round size is too common to tell one story by
    pytest.param(["Corvid Energy has switched on a 137 MW / 548 MWh battery at Kelso in Otago, New "
                  "Zealand, the largest on the South Island.",
                  "... a 548,000 kWh battery system, the South Island's largest ..."],
                 ["Corvid Energy has switched on a 125 MW / 500 MWh battery at Kelso in Otago, New "
                  "Zealand, the largest on the South Island.",
                  "... a 500,000 kWh battery system, the South Island's largest ..."],
                 id="precise_size_alone"),
    # a plan told after the other text's deed is one moment; the plan alone is another
    pytest.param(["Corvid Energy has secured $120 million to build a 50 MW / 200 MWh battery in "
                  "Otago, New Zealand, in a funding round led by two local banks.",
                  "Two local lenders are backing a four-hour Otago battery: the 50-megawatt plant "
                  "will be built after Corvid Energy closed a $120m funding round on Thursday."],
                 ["Corvid Energy has secured $120 million to build a 50 MW / 200 MWh battery in "
                  "Otago, New Zealand, in a funding round led by two local banks.",
                  "Corvid Energy will build a 50 MW / 200 MWh battery in Otago, New Zealand."],
                 id="plan_told_after_the_others_deed"),
])
def test_dedup_thin_evidence_merges_only_with_its_words_or_number(merged, apart, extractor, rules):
    assert _groups(extractor, rules, merged) == [[0, 1]]
    assert _groups(extractor, rules, apart) == [[0], [1]]


def test_dedup_firms_of_one_group_are_one_party():
    orgs = [OrgEntry(id="kelso", name="Kelso Holdings", type="utility"),
            OrgEntry(id="kelso-grid", name="Kelso Grid", type="utility", parent="kelso"),
            OrgEntry(id="kelso-storage", name="Marlow Storage", type="developer", parent="kelso-grid"),
            OrgEntry(id="tarrow", name="Tarrow Power", type="developer")]
    groups = _org_groups(orgs)
    assert groups == {"kelso holdings": "kelso", "kelso grid": "kelso", "marlow storage": "kelso"}
    unit = Party(("marlow", "storage"), (), "developer", group=groups["marlow storage"])
    head = Party(("kelso", "holdings"), (), "owner", group=groups["kelso holdings"])
    other = Party(("tarrow", "power"), (), "developer")
    assert _same_party(unit, head) and not _same_party(unit, other)


@pytest.mark.parametrize("texts,groups", [
    # another outlet's headline leaves a middle phase unnamed: one story
    (["Brightline Storage has closed $420 million of debt for the third phase of its Redmesa "
      "solar-and-storage site in Arizona, adding a 200 MW / 800 MWh battery.",
      "Brightline Storage secures $420m for 800 MWh Redmesa battery in Arizona"], [[0, 1]]),
    # the same wording with and without the phase: two phases of one site
    (["Brightline Storage broke ground in May on a 200 MW / 800 MWh battery at Redmesa, Arizona.",
      "Brightline Storage broke ground in May on the third phase, another 200 MW / 800 MWh, of "
      "its battery at Redmesa, Arizona."], [[0], [1]]),
])
def test_dedup_phase_one_text_leaves_unnamed(texts, groups, extractor, rules):
    assert _groups(extractor, rules, texts) == groups


def test_dedup_third_text_settles_a_place_conflict(extractor, rules):
    texts = [
        # the full report names the site and the towns its lines feed
        "Corvid Energy said on Monday that its battery in Ballarat, Victoria, has entered full "
        "commercial operation. The 300 MW / 1,200 MWh system will let more power flow to Geelong "
        "and Bendigo at the evening peak.",
        # a headline names the site
        "Corvid Energy's battery in Ballarat, Victoria, enters commercial operation",
        # a fragment names only the towns the lines feed
        "... the 300-megawatt battery, owned by Corvid Energy, is now fully operational and will "
        "protect the lines feeding Geelong and Bendigo ...",
    ]
    assert _groups(extractor, rules, texts) == [[0, 1, 2]]


def test_dedup_a_report_naming_two_sites_joins_no_two_stories(extractor, rules):
    texts = [
        "Corvid Energy has begun commercial operation of its 200 MW / 400 MWh battery near "
        "Ballarat, Victoria, which will help the grid operator keep the network stable.",
        "Corvid Energy has begun commercial operation of its 200 MW / 400 MWh battery near "
        "Bendigo, Victoria, which will help the grid operator cut the curtailment of wind farms.",
        # the Ballarat story, naming the Bendigo site as the next one
        "Corvid Energy has switched on its battery near Ballarat, a 200 MW / 400 MWh site, with "
        "a further battery near Bendigo due later in the year.",
    ]
    groups = _groups(extractor, rules, texts)
    assert not any(0 in g and 1 in g for g in groups)


@pytest.mark.parametrize("texts,groups", [
    # one acquisition told by two outlets, no size in the headline
    (["Kestrel Utilities has agreed to acquire Tarrow Storage, a Danish developer of battery "
      "projects, for €120 million; Tarrow has a pipeline of 1.5 GW of battery projects.",
      "Kestrel Utilities buys battery developer Tarrow Storage for €120m"], [[0, 1]]),
    # the same two firms, another kind of story
    (["Kestrel Utilities has agreed to acquire Tarrow Storage, a Danish developer of battery "
      "projects, for €120 million.",
      "Kestrel Utilities and Tarrow Storage unveiled a new battery design at a fair in Aarhus."],
     [[0], [1]]),
])
def test_dedup_acquisition_is_one_kind_of_story(texts, groups, extractor, rules):
    assert _groups(extractor, rules, texts) == groups


def test_dedup_two_plans_of_one_project_are_one_announcement(extractor, rules):
    texts = ["Kestrel Power and the state grid company have announced a 2 GW solar park with a "
             "6 GWh battery in Tarrow province, Chile, which is expected to be completed in 2028.",
             "... the 6 GWh battery in Tarrow province will be built by Kestrel Power together with "
             "the state grid company ..."]
    assert _groups(extractor, rules, texts) == [[0, 1]]


def test_dedup_two_plans_for_other_dates_stay_apart(extractor, rules):
    texts = ["Kestrel Power will start building its 6 GWh battery in Tarrow province, Chile, in "
             "March 2026, the company said.",
             "Kestrel Power's 6 GWh battery in Tarrow province, Chile, is expected to be completed "
             "in 2028, the company said."]
    assert _groups(extractor, rules, texts) == [[0], [1]]


@pytest.mark.parametrize("other,merged", [
    # a name no gazetteer knows, shared beside an agreeing size at the same event
    ("The 600 MWh of batteries that give Kelvarra a steady output after dark have been switched "
     "on", True),
    # another unknown name: nothing shared but the size
    ("The 600 MWh of batteries that give Tarrowin a steady output after dark have been switched "
     "on", False),
    # the name with no event told: it may be the same site at another moment
    ("The 600 MWh of batteries give Kelvarra a steady output after dark", False),
])
def test_dedup_unknown_name_shared_is_a_name(other, merged, extractor, rules):
    full = ("Corvid Energy has switched on the first stage of Kelvarra, its solar and storage "
            "complex in northern Victoria, with 600 MWh of batteries now feeding the grid.")
    assert (_groups(extractor, rules, [full, other]) == [[0, 1]]) is merged


def test_dedup_name_words_skip_common_words_and_sentence_starts(extractor, rules):
    dd = Deduplicator(rules)
    x = extractor("Kelvarra grows. Corvid Energy said the Kelvarra and Tarrowin sites of the "
                  "Battery Alliance in Victoria will run.")
    assert dd.facts_of(x).name_words == ("kelvarra", "tarrowin")


@pytest.mark.parametrize("text,names", [
    ("Europe's Largest Battery Enters Service in Scotland", frozenset()),
    ("Asia's biggest battery plant opens", frozenset()),
    ("The Kelvarra Battery Enters Service", frozenset({"kelvarra"})),
])
def test_dedup_superlatives_and_continents_name_no_project(text, names, extractor, rules):
    assert Deduplicator(rules)._project_names(extractor(text)) == names
