"""Capacities: a table of news forms, traps, and a property round-trip over written forms."""
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.capacity import parse_number

CASES = [
    ("A 500 MW / 2,000 MWh standalone BESS", [(500, 2000, "project")]),
    ("the 500MW/2000MWh plant", [(500, 2000, "project")]),
    ("a 1GW/4GWh hub", [(1000, 4000, "project")]),
    ("the 100/200 MW/MWh station", [(100, 200, "project")]),
    ("a 100 MW four-hour battery", [(100, 400, "project")]),
    ("a 400 MWh, two-hour battery", [(200, 400, "project")]),
    ("200 megawatts of power and 400 megawatt-hours of storage", [(200, 400, "project")]),
    ("some 1,5 GWh of batteries", [(None, 1500, "project")]),
    ("between 1 and 2 GWh", [(None, 1500, "project")]),
    ("two gigawatt-hours", [(None, 2000, "project")]),
    ("a hundred megawatts", [(100, None, "project")]),
    ("50 kW / 100 kWh", [(0.05, 0.1, "project")]),
    ("a 5 MW·h unit and 5 MWhr and 5 Mwh", [(None, 5, "project")] * 3),
    ("the factory has an annual production capacity of 20 GWh", [(None, 20000, "factory_annual")]),
    ("it makes 40 GWh per year", [(None, 40000, "factory_annual")]),
    ("beside 293 MWp of solar", [(293, None, "other")]),
    ("each unit stores 3.9 MWh", [(None, 3.9, "other")]),
    ("China's installed base reached 100 GW", [(100000, None, "other")]),
    ("It cost $200 million and RMB 1.2 billion.", []),
    ("prices fell to $150/kWh, up 5% in Q4 2025", []),
    ("a BloombergNEF Tier 1 maker, 24/7, a five-month construction period", []),
    ("the 4500 mAh phone", []),
    ("10,000 Megapacks and 400 containers", []),
    ("modules at 20 Wh/kg and 3 kWh per day", []),
    # power and energy of one system written apart: a noun or a verb between them
    ("The plant is a 120 MW unit with 480 MWh of storage.", [(120, 480, "project")]),
    ("It is a 50-megawatt battery able to store 200 megawatt-hours.", [(50, 200, "project")]),
    ("a 30 MW system that can store 60 MWh", [(30, 60, "project")]),
    ("with a capacity of 80 megawatts and storage of 320 megawatt-hours", [(80, 320, "project")]),
    ("The cabinet stores 10 kWh and delivers 5 kW.", [(0.005, 0.01, "project")]),
    ("a 100 MW solar plant with 400 MWh of storage", [(100, None, "other"), (None, 400, "project")]),
    # kinds: the figure compared with, a charger, a generation plant named, a factory, a forecast
    ("Spain now has 3 GW of batteries, up from about 900 MW in 2023.",
     [(3000, None, "other"), (900, None, "other")]),
    ("The depot opened chargers rated at up to 400 kW.", [(0.4, None, "other")]),
    ("a 90 kW charger bank", [(0.09, None, "other")]),
    ("beside the 210 MW Mount Emerald wind farm", [(210, None, "other")]),
    ("It will build a 20 GWh sodium-ion cell plant in Ohio.", [(None, 20000, "factory_annual")]),
    ("Consultants expect Italy to add 2 GWh of home batteries a year.", [(None, 2000, "other")]),
    ("bringing the park's total to 900 MW / 1,800 MWh", [(900, 1800, "other")]),
    ("it had 4 GW of battery storage in operation by June", [(4000, None, "other")]),
    ("individual units will range between 50 and 80 MW", [(65, None, "other")]),
    # kinds: targets with their year, tender totals shared out, fleets passing a mark, shares of
    # a market, home batteries counted together, solar fleets, turbines, per-unit pairs, past wins
    ("The utility is aiming for 450 MW of batteries by 2029.", [(450, None, "other")]),
    ("Poland's plan calls for 6 GW of grid storage by 2035.", [(6000, None, "other")]),
    ("Statkraft plans another 80 MW of storage at its Moray wind site by 2028.",
     [(80, None, "other")]),
    ("The ministry allotted 640 MW of storage to nine developers.", [(640, None, "other")]),
    ("Fluence won half of the 900 MWh of capacity contracts awarded.", [(None, 900, "other")]),
    ("The regulator will hold auctions, each round for 300 MW, from next year.",
     [(300, None, "other")]),
    ("Chile's first tenders, for 1,200 MW, open in March.", [(1200, None, "other")]),
    ("Japan's battery pipeline topped 9 GW in October.", [(9000, None, "other")]),
    ("Commercial sites accounted for another 700 MWh.", [(None, 700, "other")]),
    ("Italy counts 800,000 residential batteries with a combined capacity of 7 GWh.",
     [(None, 7000, "other")]),
    ("The country's wind capacity is set to climb to 40 GW.", [(40000, None, "other")]),
    ("Siemens Gamesa will supply 14 MW turbines.", [(14, None, "other")]),
    ("30 clinics, each with 20 kWp of panels and 60 kWh of batteries",
     [(0.02, None, "other"), (None, 0.06, "other")]),
    ("its third award after it won 250 MWh in March", [(None, 250, "other")]),
    ('Nio showed a 640 kW "ultra-fast charging" unit for its sedans.', [(0.64, None, "other")]),
    ("The 20 MW battery is online. Related: Ohio's biggest 300 MW battery wins approval",
     [(20, None, "project"), (300, None, "other")]),
    # kinds: per-unit figures told with a verb and a qualifier, or as the modules' rating
    ("Each of the salt domes can hold about 90 GWh of hydrogen.", [(None, 90000, "other")]),
    ("Every Tesla-built cabinet stores roughly 3.9 MWh.", [(None, 3.9, "other")]),
    ("The array is made up of 500 kW modules.", [(0.5, None, "other")]),
    ("Crews let the 4 MWh enclosure burn out at the 400 MWh site.",
     [(None, 4, "other"), (None, 400, "project")]),
    ("The 100 MW battery container park near Kelso opened.", [(100, None, "project")]),
    # kinds: market additions, an electrolyser beside the storage
    ("Annual additions in Europe are forecast to hit 40-50 GWh by 2030.",
     [(None, 45000, "other")]),
    ("The hub also includes a 60 MW electrolyser.", [(60, None, "other")]),
    # kinds: a factory's phase is its yearly output; a record "to date" is no cumulative figure
    ("Tata Agratas has opened the first 5 GWh phase of its sodium-ion cell gigafactory in Gujarat.",
     [(None, 5000, "factory_annual")]),
    ("Zenobe energised its biggest battery to date, a 200 MW / 400 MWh site in Kilmarnock.",
     [(200, 400, "project")]),
    # kinds: a region's storage capacity passing a mark, a grid's shortfall,
    # firm power a hybrid delivers, a programme's reach, a plan to have a fleet running,
    # analysts' additions, coal units beside, an asset the firm already runs
    ("By June, Jiangsu's new-type storage capacity had passed 9 GW.", [(9000, None, "other")]),
    ("The island grid faces shortfalls of up to 80 MW each summer.", [(80, None, "other")]),
    ("The hybrid will deliver up to 2 GW of round-the-clock power.", [(2000, None, "other")]),
    ("It is the first phase of a programme that could reach 500 MW by 2032.",
     [(500, None, "other")]),
    ("Statkraft plans to have 2 GW in operation in Ireland by the end of 2028.",
     [(2000, None, "other")]),
    ("Analysts expect worldwide battery storage additions to reach 120 GWh in 2027.",
     [(None, 120000, "other")]),
    ("The flywheels back up two 600 MW coal-fired units.", [(600, None, "other")]),
    ("Enel already operates the 400 MWh battery in Atacama.", [(None, 400, "other")]),
    # kinds: storage added to a plant of stated size is the project
    ("The hybrid site went live, adding 600 MWh of battery storage to 150 MWp of solar.",
     [(None, 600, "project"), (150, None, "other")]),
    # kinds: what the news is about, though a market verb stands near it
    ("three batteries totalling 150 MW / 300 MWh won the tender", [(150, 300, "project")]),
    ("shipped the first 200 MWh of a 900 MWh order", [(None, 200, "project"), (None, 900, "project")]),
    ("a bank loan to install 500 MWh of batteries", [(None, 500, "project")]),
    ("The third phase of the battery will add 120 MW.", [(120, None, "project")]),
    ("agreed to develop 2,000 MW of pumped storage projects", [(2000, None, "project")]),
    ("installed more than 80 MWh of storage at its wind farm in Wales", [(None, 80, "project")]),
]


@pytest.mark.parametrize("text,want", CASES)
def test_capacity_news_forms(text, want, extract):
    got = [(c.power_mw, c.energy_mwh, c.kind) for c in extract(text).capacities]
    assert len(got) == len(want), got
    for (p, e, k), (gp, ge, gk) in zip(want, got):
        assert gp == pytest.approx(p) if p is not None else gp is None
        assert ge == pytest.approx(e) if e is not None else ge is None
        assert gk == k


def test_capacity_spans_do_not_overlap_and_index_text(extract):
    x = extract("Phase 1 adds 100 MW / 200 MWh and phase 2 a further 150 MW / 600 MWh, beside a "
                "300 MWp solar farm.")
    assert [(c.power_mw, c.energy_mwh) for c in x.capacities] == [(100, 200), (150, 600), (300, None)]
    ends = [c.end for c in x.capacities]
    assert all(a.end <= b.start for a, b in zip(x.capacities, x.capacities[1:]))
    assert all(x.text[c.start:c.end] == c.text for c in x.capacities) and ends


@pytest.mark.parametrize("text,qualifier", [("about 100 MW", "approx"), ("more than 2 GWh", "min"),
                                            ("up to 300 MW", "max"), ("200-300 MW", "range"),
                                            ("300 MW", "exact")])
def test_capacity_qualifiers(text, qualifier, extract):
    assert extract(text).capacities[0].qualifier == qualifier


POWER = {"kW": 1e-3, "MW": 1.0, "GW": 1e3, "megawatts": 1.0, "gigawatts": 1e3, "kilowatts": 1e-3}
ENERGY = {"kWh": 1e-3, "MWh": 1.0, "GWh": 1e3, "megawatt-hours": 1.0, "gigawatt-hours": 1e3,
          "MW h": 1.0, "MWhr": 1.0}


def _written(value: float) -> st.SearchStrategy[str]:
    forms = [f"{value:g}"]
    if value == int(value) and value >= 1000:
        forms.append(f"{int(value):,}")
    return st.sampled_from(forms)


@settings(max_examples=150, deadline=None)
@given(p=st.integers(1, 5000), ratio=st.sampled_from([1, 2, 4, 8]),
       pu=st.sampled_from(sorted(POWER)), eu=st.sampled_from(sorted(ENERGY)),
       sep=st.sampled_from([" / ", "/", " and ", ", "]), space=st.sampled_from([" ", ""]),
       data=st.data())
def test_capacity_property_pair_round_trip(p, ratio, pu, eu, sep, space, data, extract):
    e = p * ratio
    space_p = " " if not pu[0].isupper() else space
    space_e = " " if not eu[0].isupper() else space
    text = (f"The company said the {data.draw(_written(p))}{space_p}{pu}{sep}"
            f"{data.draw(_written(e))}{space_e}{eu} battery is ready.")
    caps = extract(text).capacities
    assert len(caps) == 1, (text, caps)
    assert caps[0].power_mw == pytest.approx(p * POWER[pu])
    assert caps[0].energy_mwh == pytest.approx(e * ENERGY[eu])


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)))
def test_capacity_parse_number_round_trip(v):
    words = {"one": 1}
    assert parse_number(f"{v:,.3f}", words) == pytest.approx(v)
    assert parse_number(repr(v), words) == pytest.approx(v)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789 .,/-MWhGkKmwabc$%\n", max_size=200))
def test_capacity_never_raises_on_noise(text, extractor):
    caps, _ = extractor.capacities(text)
    for c in caps:
        assert text[c.start:c.end] == c.text


# One story, one system: a project-sized capacity of another size in a later sentence is another
# system (the fleet, the plant beside it), unless that sentence tells of
# the same system in parts (a phase, a stage, a further block, the site's total).
@pytest.mark.parametrize("text, kinds", [
    ("Harbour Grid has switched on a 150 MW / 300 MWh battery at Tarrow Point. The site takes its "
     "operating fleet to 900 MW.", ["project", "other"]),
    ("Vessel Energy commissioned a 20 MW / 40 MWh battery at Kelso. Its next site, a 90 MW "
     "system in Fife, is due in 2027.", ["project", "other"]),
    ("Vessel Energy commissioned a 20 MW / 40 MWh battery at Kelso. The battery is next to a "
     "1 GW desert solar base.", ["project", "other"]),
    ("Stage two of the Marlow battery, 200 MW / 800 MWh, is online. Stage one, 100 MW / 400 MWh, "
     "came online in 2023.", ["project", "project"]),
    ("Corvid Energy has connected 100 MW at Marlow. A further 60 MW is due next year.", ["project", "project"]),
])
def test_capacity_one_system_a_story(text, kinds, extract):
    assert [c.kind for c in extract(text).capacities] == kinds
