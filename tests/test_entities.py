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


# A gazetteer firm's name inside a place's name is the place's: "Toyota City", "Lake Macquarie".
@pytest.mark.parametrize("text, firm, place", [
    ("A 20 MW battery will be installed in Toyota City, Aichi prefecture, by Acme Power.", "Toyota",
     "Toyota City"),
    ("Acme Power plans a 50 MW battery near Lake Macquarie in New South Wales.", "Macquarie",
     "Lake Macquarie"),
    ("The 100 MW battery near Port Tesla in Texas was approved.", "Tesla", None),
])
def test_entities_firm_name_inside_a_place_name_is_no_firm(extract, text, firm, place):
    x = extract(text)
    assert firm not in {o.name for o in x.organizations}
    if place:
        assert place in {p.text for p in x.locations}


def test_entities_firm_name_beside_a_place_word_elsewhere_is_a_firm(extract):
    x = extract("Toyota said the 20 MW battery in Aichi prefecture is online.")
    assert "Toyota" in {o.name for o in x.organizations}


# A public body named "X Commission of Y" / "X Corporation of the Y" is one name with its place.
@pytest.mark.parametrize("text, org, not_place", [
    ("The Public Service Commission of Wisconsin approved a 150 MW battery.",
     "Public Service Commission of Wisconsin", "Wisconsin"),
    ("The Power Finance Corporation of India will fund the 500 MWh project.",
     "Power Finance Corporation of India", None),
    ("The Kern County Board of Supervisors approved the 200 MW battery.",
     "Kern County Board of Supervisors", "Kern County"),
])
def test_entities_institution_of_a_place_is_one_name(extract, text, org, not_place):
    x = extract(text)
    assert org in {o.name for o in x.organizations}
    if not_place:
        assert not_place not in {p.text for p in x.locations}


# A firm known as "X Corporation" is the same firm written "X" ("Korea Electric Power said").
def test_entities_gazetteer_name_without_its_legal_suffix(extract):
    x = extract("China National Nuclear said it had connected a 100 MW battery in Hainan.")
    assert [o.name for o in x.organizations] == ["CNNC"]


@pytest.mark.parametrize("text, name", [
    ("The Philippine Department of Energy awarded Mesa Power 120 MW.", "Philippine Department of Energy"),
    ("The US Department of Energy awarded Mesa Power a grant.", "US Department of Energy"),
    ("The Department of Energy awarded Mesa Power a grant.", "US Department of Energy"),
    ("A US-based Department of Energy office awarded Mesa Power a grant.", "US Department of Energy"),
])
def test_entities_another_countrys_body_of_a_gazetteer_name(extract, text, name):
    """An agency's generic name after another country's demonym is that country's body."""
    assert name in [o.name for o in extract(text).organizations]


# The organisations and places a text yields, where a rule of the round decided one.
@pytest.mark.parametrize("text, names", [
    # site works, plural common nouns and a place-based descriptor that start a sentence name no
    # firm; a firm named by a common word stays; legal suffixes come off
    ("Construction is under way at Kelso. Earthworks began last week on the site.", []),
    ("Shipments began last week.", []), ("Deliveries began in May.", []),
    ("The plant, built by the Hyderabad-headquartered developer, is online.", []),
    ("The Otago-headquartered Kestrel Power began work.", ["Kestrel Power"]),
    ("Field has secured 42 million pounds of debt.", ["Field"]),
    ("Work began yesterday on the Kelso battery.", []),
    ("Corvid signed an agreement with Otago Breweries Plc and Kelso Cells UAB.",
     ["Corvid", "Otago Breweries", "Kelso Cells"]),
    # a plant named for its town is no firm
    ("Kapolei Energy Storage goes live on Oahu", []),
    ("Plus Power said Kapolei Energy Storage (KES) is online.", ["Plus Power"]),
    ("Powin Energy Storage signs deal for Oahu battery", ["Powin Energy Storage"]),
    # a headline's subject before a present-tense news verb; a place is no firm
    ("Kestrel seeks court-backed restructuring - Otago Daily", ["Kestrel"]),
    ("Corvid locks in funding for Kelso pumped hydro", ["Corvid"]),
    ("Mesa Power wins 10-year service deal for Kelso battery", ["Mesa Power"]),
    ("China plans 30 GW of new storage", []),
])
def test_entities_organisations_a_text_names(extract, text, names):
    assert [o.name for o in extract(text).organizations] == names


@pytest.mark.parametrize("text, places", [
    # a home town at the start of a firm's name is no place, unless the firm is another country's
    ("Xiamen Hithium Energy Storage opens Texas module line", ["Texas"]),
    ("Dalian Rongke Power connected a 100 MW flow battery in Xinjiang.", ["Xinjiang"]),
    ("Debrecen BYD staff said the Hungarian plant opened.", ["Debrecen"]),
    # the outlet after a headline is no place of the story
    ("Corvid breaks ground on battery in Queensland - Brisbane Times", ["Queensland"]),
    ("Corvid battery goes live in Gladstone, Queensland | Sydney Morning Herald",
     ["Gladstone", "Queensland"]),
    ("Corvid to build battery near Gladstone, Queensland - Energy-Storage.news",
     ["Gladstone", "Queensland"]),
    ("Corvid battery - Brisbane", ["Brisbane"]),  # a place, not an outlet's name
])
def test_entities_places_a_text_names(extract, text, places):
    assert [p.name for p in extract(text).locations] == places


def _roles(x):
    return {o.name: o.role for o in x.organizations}


# Role cues: what a party does, said in the ways news says it.
@pytest.mark.parametrize("text, name, role", [
    # "X (ACRONYM) said it has begun building": the builder, past the bracket and "said it"
    ("Duke Energy (DE) said on Monday it has started building a 50 MW battery in Florida.",
     "Duke Energy", "developer"),
    ("TEPCO said it will build a 30 MW battery in Chiba.", "TEPCO", "developer"),
    # an order received from a buyer: the buyer is no investor
    ("Acme Storage has received an order from Duke Energy for 40 MWh of battery containers.",
     "Duke Energy", "owner"),
    # a maker breaking ground on a cell line is the manufacturer
    ("Gotion began work on a new LFP cell line at its Hefei plant.", "Gotion", "manufacturer"),
    # a memorandum of understanding makes partners, utilities too
    ("AGL signed a memorandum of understanding with Engie to jointly develop storage.", "Engie", "partner"),
    ("AGL signed a memorandum of understanding with Engie to jointly develop storage.", "AGL", "partner"),
    # two firms investing in a joint venture are partners
    ("Neoen and Engie will invest 500 million euros in a joint venture to build batteries.", "Neoen",
     "partner"),
    ("Neoen and Engie will invest 500 million euros in a joint venture to build batteries.", "Engie",
     "partner"),
])
def test_entities_role_cues(extract, text, name, role):
    assert _roles(extract(text)).get(name) == role


def test_entities_mou_does_not_override_a_makers_supply_role(extract):
    x = extract("Sungrow signed a memorandum of understanding with AGL to supply 1 GWh of batteries.")
    assert _roles(x).get("Sungrow") == "supplier" and _roles(x).get("AGL") == "partner"


# A tolling agreement: the utility that signs it takes the output (offtaker); a developer is
# never the offtaker of its own battery, whichever side of "with" it stands.
@pytest.mark.parametrize("text, roles", [
    ("Duke Energy signed a 15-year tolling agreement with Neoen for a 200 MW battery in Ohio.",
     {"Duke Energy": "offtaker", "Neoen": "developer"}),
    ("Neoen signed a tolling agreement with AGL for its 300 MW battery in Victoria.",
     {"Neoen": "developer", "AGL": "offtaker"}),
])
def test_entities_tolling_agreement_sides(extract, text, roles):
    got = _roles(extract(text))
    assert {k: got.get(k) for k in roles} == roles


# A small town written in another ASCII spelling than geonames' own ("Tumkur" for "Tumkūr",
# "Seville" for "Sevilla", "Wenshan" for "Wenshan City") is found behind a cue, as written.
@pytest.mark.parametrize("text, place, country", [
    ("A 100 MW battery at Pavagada was switched on by Acme Power, Karnataka officials said.",
     "Pavagada", "IN"),
    ("A 40 MW battery was switched on in Tumakuru last week, Karnataka officials said.", "Tumakuru", "IN"),
    ("Acme Power plans a 50 MW battery near Seville.", "Seville", "ES"),
    ("Acme Power switched on a battery in Wenshan on Monday, Yunnan officials said.", "Wenshan", "CN"),
    ("The 20 MW battery sits in the Bronx, New York City.", "Bronx", "US"),
])
def test_entities_small_place_in_another_spelling(extract, text, place, country):
    x = extract(text)
    hit = [p for p in x.locations if p.text == place]
    assert hit and hit[0].country == country and hit[0].name == place


# A known place written without its accents is the same place, found without a cue ("Sao
# Paulo" is São Paulo), unless a province elsewhere bears the plain name ("Bali" is no Bālī).
@pytest.mark.parametrize("text, place, country", [
    ("A 60 MWh battery on the southern Sao Paulo coast is now online.", "São Paulo", "BR"),
    ("Kestrel Cells opened a cell line at Wroclaw on Monday.", "Wrocław", "PL"),
])
def test_entities_known_place_without_its_accents(extract, text, place, country):
    assert [(p.name, p.country) for p in extract(text).locations] == [(place, country)]


def test_entities_plain_spelling_of_a_province_elsewhere_is_no_accented_town(extract):
    assert "IN" not in {p.country for p in extract("Acme Power switched on a 30 MW battery in "
                                                   "Bali on Monday.").locations}


# A word of a town's name alone, or a town's other name, is not that town: "Cape" of "Cape
# Town", "Hall" of "Schwäbisch Hall", "Minn." (Minnesota) for "Minden".
@pytest.mark.parametrize("text, word", [
    ("Eskom switched on a 20 MW battery in the Cape Winelands.", "Cape"),
    ("Visit our stand in Hall B2 to see the new 5 MWh container.", "Hall"),
])
def test_entities_word_of_a_town_name_is_no_alternate_spelling(extract, text, word):
    assert word not in {p.text for p in extract(text).locations}


# The longest known place wins: a gazetteer name followed by words that make a longer known
# place ("Ilocos Norte", a province, over "Ilocos", a region; "Porto Torres" over "Porto").
@pytest.mark.parametrize("text, place, country", [
    ("Acme Power will build a 40 MW battery in Ilocos Sur, the provincial governor said.", "Ilocos Sur", "PH"),
    ("Acme Power switched on a 20 MW battery in Agusan del Norte.", "Agusan del Norte", "PH"),
    ("A 100 MW battery is planned near Porto Torres, Acme Power said.", "Porto Torres", "IT"),
])
def test_entities_longest_known_place_wins(extract, text, place, country):
    x = extract(text)
    assert (place, country) in _locs(x)
    assert list(x.countries) == [country]


# "X, Y" where Y is a county, a region written in English or a US state in AP style: Y names
# the country ("Warrington, Cheshire" is not Cheshire, Connecticut; "Tuscany" not the town in
# Alberta; "Minn." not Minden, Germany).
@pytest.mark.parametrize("text, place, country", [
    ("A 100 MW battery near Crewe, Cheshire, will be energised next year.", "Crewe", "GB"),
    ("A 50 MW battery will be built near Rotherham, South Yorkshire.", "Rotherham", "GB"),
    ("Acme Power switched on a 20 MW battery in Montevarchi, Tuscany.", "Montevarchi", "IT"),
    ("Acme Power will build a battery near Novara, Piedmont.", "Novara", "IT"),
    ("A 10 MW battery in Cambridge, Minn., was switched on by Acme Power.", "Cambridge", "US"),
    ("A 10 MW battery in Bakersfield, Calif., was switched on by Acme Power.", "Bakersfield", "US"),
])
def test_entities_county_region_or_state_abbreviation_names_the_country(extract, text, place, country):
    x = extract(text)
    assert (place, country) in _locs(x)
    assert list(x.countries) == [country]


@pytest.mark.parametrize("text, country", [
    ("NZ's largest battery is now online north of Hamilton.", "NZ"),
    ("A 35 MW battery in the N.Z. town of Kapuni was switched on.", "NZ"),
])
def test_entities_country_abbreviation_is_the_country_not_a_firm(extract, text, country):
    x = extract(text)
    assert list(x.countries) == [country]
    assert not x.organizations


# "X County" is how US counties are written: "Santa Barbara County" is California's, not the
# Honduran department Santa Bárbara; a county of another country keeps its own ("Turkana County").
@pytest.mark.parametrize("text, country", [
    ("Acme Power switched on a 60 MW battery in Santa Barbara County.", "US"),
    ("A 30 MW battery in Turkana County is online, Kenya Power said.", "KE"),
])
def test_entities_x_county_prefers_the_us_county(extract, text, country):
    assert list(extract(text).countries) == [country]


# A container only the small-place table knows is a county or province, never a town of that
# name in another country: "Cavriglia, Tuscany" must not come out in Canada.
def test_entities_small_table_container_is_no_foreign_town(extract):
    x = extract("Acme Power has finished a 20 MW battery in Figline, Leduc.")
    assert "CA" not in x.countries


# A container that is also a town of another country does not override the country the text
# states: "Richmond, Durham, in northern England" is not North Carolina.
def test_entities_container_does_not_override_a_stated_country(extract):
    x = extract("A 20 MW battery was switched on near Richmond, Durham, in northern England.")
    assert list(x.countries) == ["GB"]
    assert ("Durham", "GB") in _locs(x)


# Role classes: a utility that buys (a call for capacity, power flowing to it, a contract to
# build and operate it awards) is the offtaker; a unit's parent takes no part; a possessive
# before a long capacity figure still reads as the plant's; a maker in a text about no
# project or plant is its products' manufacturer.
@pytest.mark.parametrize("text, roles", [
    ("Xcel Energy has issued a request for proposals for up to 600 MW of four-hour storage.",
     {"Xcel Energy": "offtaker"}),
    ("Duke Energy, the Carolinas utility, opened a call on Tuesday seeking long-duration storage.",
     {"Duke Energy": "offtaker"}),
    ("Acme Storage finished a 100 MW battery in Arizona, with power flowing to Arizona Public Service.",
     {"Arizona Public Service": "offtaker"}),
    ("Tata Power has awarded Acme Renewables a contract to build and operate a 250 MW battery in Pune.",
     {"Tata Power": "offtaker", "Acme Renewables": "developer"}),
    ("Acme Storage, a unit of Duke Energy, switched on a 50 MW battery in Florida.",
     {"Duke Energy": "other"}),
    ("Kalo Power's 300 MW / 1,200 MWh eight-hour Bluegum battery in Victoria is now online.",
     {"Kalo Power": "owner"}),
    ("Kalo Power's 300 MW / 1,200 MWh eight-hour Bluegum battery is due to start operating in 2028.",
     {"Kalo Power": "developer"}),
    ("CATL said its shipments rose 30% in the third quarter as car sales climbed.", {"CATL": "manufacturer"}),
])
def test_entities_role_classes_of_buyers_parents_and_makers(extract, text, roles):
    got = _roles(extract(text))
    assert {k: got.get(k) for k in roles} == roles


# A maker in a story about a project or a supply deal keeps its supplier role.
def test_entities_maker_in_a_supply_story_stays_supplier(extract):
    x = extract("CATL signed a deal to supply LFP cells to a European utility over five years.")
    assert _roles(x).get("CATL") == "supplier"


# A plant's story whose only places are its dateline and a firm's home gives their country; a
# dateline beside another country's adjective, a market report or a policy gives none.
@pytest.mark.parametrize("text, countries", [
    ("DUBAI, March 3, 2025 (WAM) -- The utility said its 250 MW pumped-storage plant has entered operation.",
     ["AE"]),
    ("ADELAIDE, Feb 11 -- AGL, South Australia's largest retailer, opened a call for up to 300 MW of storage.",
     ["AU"]),
    ("SEOUL, July 30 (Yonhap) -- Acme Cells signed a deal to supply 4 GWh of batteries to a US company.", []),
    ("DUBAI (WAM) -- Battery prices fell 20% last year, analysts said.", []),
    ("Japan's industry ministry issued a plan on Friday targeting 20 GW of grid batteries by 2030.", []),
])
def test_entities_dateline_country_when_it_is_all_there_is(extract, text, countries):
    assert list(extract(text).countries) == countries


# A place's running total ("California now has about 13 GW installed") is a market, not a site.
@pytest.mark.parametrize("text", [
    "Batteries supplied a record 9 GW on Monday. California now has about 13 GW of installed battery capacity.",
    "Texas added 4 GW of batteries in 2024, the most of any state.",
])
def test_entities_cumulative_total_is_a_market(extract, text):
    assert list(extract(text).countries) == []


# Firms known by a short name or missing from the gazetteer: "ReNew" (ReNew Power), "Lloyds"
# (Lloyds Banking Group), Canadian and Indian power producers and contractors.
@pytest.mark.parametrize("text, name", [
    ("ReNew has switched on a 150 MWh battery at its hybrid plant in Rajasthan.", "ReNew Power"),
    ("Acme Storage borrowed £300 million from lenders including Lloyds.", "Lloyds Banking Group"),
    ("Capital Power will build a 250 MW battery in Ontario.", "Capital Power"),
    ("SECI awarded 250 MW of storage to Gensol Engineering on Monday.", "Gensol Engineering"),
])
def test_entities_short_names_and_missing_power_producers(extract, text, name):
    assert name in {o.name for o in extract(text).organizations}


# Role cues that carried over poorly to never-studied files: the lead of a lender group invests,
# a grid operator or utility buying services or capacity is the offtaker, a firm picked "to
# supply and build" integrates, one picked "to build" a battery develops it.
@pytest.mark.parametrize("text, name, role", [
    ("The 80 MW project in Alberta was funded with $95 million from a syndicate of banks led by BNP Paribas.",
     "BNP Paribas", "investor"),
    ("Kestrel Storage said the debt came from lenders led by Rabobank and closed in June.",
     "Rabobank", "investor"),
    ("The 60 MW battery in Finland will deliver grid-forming stability services to Fingrid.",
     "Fingrid", "offtaker"),
    ("The plant will deliver resource adequacy to Duke Energy from 2027.", "Duke Energy", "offtaker"),
    ("Both batteries in Victoria hold capacity contracts with the Australian Energy Market Operator.",
     "AEMO", "offtaker"),
    ("Greenko said it secured 300 MWh from NTPC in the latest storage round.", "NTPC", "offtaker"),
    ("Duke Energy has chosen Wartsila to supply and install a 120 MW battery in North Carolina.",
     "Wartsila", "integrator"),
    ("Powin installed the system at the substation in Oregon last month.", "Powin", "integrator"),
    ("Xcel Energy has selected Arevon to build a 200 MW battery in Colorado.", "Arevon", "developer"),
])
def test_entities_role_cues_for_lenders_buyers_and_builders(extract, text, name, role):
    assert _roles(extract(text)).get(name) == role


# Real firms of the storage market beside batteries (turbine makers, engineering contractors,
# market operators, banks) and the names their units go by: found whole, under one canonical name.
@pytest.mark.parametrize("text, name", [
    ("Nordex will deliver 12 turbines to the hybrid wind and battery park in Brandenburg.", "Nordex"),
    ("Voith Hydro won the contract for two pump-turbines at the 600 MW plant in Bavaria.", "Voith"),
    ("Sener will act as EPC contractor for the 100 MW molten-salt storage plant in Chile.", "Sener"),
    ("The power conversion system comes from Nidec Conversion, the company said.", "Nidec"),
    ("MEIL completed a 100 MW battery in Andhra Pradesh.", "Megha Engineering and Infrastructures"),
    ("Bank Leumi arranged the NIS 900 million loan for the 300 MWh project in the Negev.", "Bank Leumi"),
    ("The Korea Power Exchange will dispatch the 48 MW battery on Jeju island.", "Korea Power Exchange"),
    ("Huaneng Group started building a 200 MWh battery in Gansu.", "China Huaneng"),
])
def test_entities_gazetteer_firms_beside_storage(extract, text, name):
    assert name in {o.name for o in extract(text).organizations}


# A firm that starts a project in other words ("took a final investment decision", "announced
# financial close", "on Tuesday broke ground") develops it, utilities too; a parent named as
# "X, part of Y" or "Y's battery arm" takes no part of its own.
@pytest.mark.parametrize("text, name, role", [
    ("Iberdrola took a final investment decision on a 150 MW battery in Extremadura.", "Iberdrola",
     "developer"),
    ("Duke Energy has reached FID on its 100 MW battery in South Carolina.", "Duke Energy", "developer"),
    ("Kestrel Renewables today announced financial close for a 400 MWh battery in Scotland.",
     "Kestrel Renewables", "developer"),
    ("EnBW (EBW) on Tuesday broke ground on a 100 MW battery near Philippsburg.", "EnBW", "developer"),
    ("Harmony Energy, part of Foresight Group, energised a 100 MW battery in Yorkshire.", "Foresight Group",
     "other"),
    ("Volta Cells, the Mahindra Group's battery arm, will start trial production in Pune.", "Mahindra Group",
     "other"),
])
def test_entities_role_cues_for_starts_and_parents(extract, text, name, role):
    assert _roles(extract(text)).get(name) == role


# Names the cues missed: Finnish "X Voima" (power), "X Power Exchange", and a subject whose
# verb comes after a time ("last week", "on Monday"); that verb still gives its role.
@pytest.mark.parametrize("text, name, role", [
    ("Kymen Voima has ordered a 20 MW battery for a site in Kotka.", "Kymen Voima", "developer"),
    ("The Japan Electric Power Exchange will trade the output of the 50 MW battery.",
     "Japan Electric Power Exchange", "other"),
    ("Nordic Grid Storage last week commissioned a 30 MW battery in Oulu.", "Nordic Grid Storage", "owner"),
    ("Baltic Battery Partners on Monday energised a 60 MW battery near Riga.", "Baltic Battery Partners",
     "developer"),
])
def test_entities_names_and_subjects_the_cues_missed(extract, text, name, role):
    assert _roles(extract(text)).get(name) == role


# The utility that signs an energy storage, resource adequacy or offtake agreement buys the
# battery's service, as with a tolling agreement.
@pytest.mark.parametrize("text, name", [
    ("Arizona Public Service has signed a 20-year energy storage agreement with Plus Power for a 200 MW battery.",
     "Arizona Public Service"),
    ("PG&E signed a 15-year resource adequacy contract with Vistra for a 100 MW battery.", "PG&E"),
])
def test_entities_signer_of_a_storage_agreement_is_the_offtaker(extract, text, name):
    assert _roles(extract(text)).get(name) == "offtaker"


# A letter of award: its issuer buys the battery's service, its holder builds it; Indian state
# bodies named "... Nigam" (corporation) are institutions.
@pytest.mark.parametrize("text, roles", [
    ("Gujarat Urja Vikas Nigam (GUVNL) has issued letters of award to Mumbai-based Kestrel Renewables for a 300 MW battery.",
     {"Gujarat Urja Vikas Nigam": "offtaker", "Kestrel Renewables": "developer"}),
    ("Maharashtra State Electricity Distribution Company issued an LoA to Avaada for 500 MWh of storage.",
     {"Maharashtra State Electricity Distribution Company": "offtaker"}),
])
def test_entities_letter_of_award_sides(extract, text, roles):
    got = _roles(extract(text))
    assert {k: got.get(k) for k in roles} == roles


# blind_extraction4 place classes: an ordinal day in a dateline, a council area written
# "X and Y", a county of two countries after a small place of one, a known town of another
# country beside a region ("near Hamilton in northern New South Wales"), "in the province of".
@pytest.mark.parametrize("text, place, country", [
    ("DOHA, 3rd May 2025 (QNA) -- Qatar's utility tendered a 500 MW battery.", "DOHA", "QA"),
    ("Zenobe will build a 40 MW battery in Windsor and Maidenhead, England.", "Windsor and Maidenhead", "GB"),
    ("Acme Fund bought a 90 MW battery project at Bracknell Forest in Suffolk.", "Suffolk", "GB"),
    ("Acme Energy will build a 100 MW battery near Hamilton in northern New South Wales.", "Hamilton", "AU"),
    ("Ardent Power is building a 60 MW battery at Villanueva, in the province of Sevilla.", "Villanueva", "ES"),
    ("OSLO -- Acme Fund bought a 50 MW project at Bedford in Bedfordshire from developer Zeta Energy.",
     "Bedfordshire", "GB"),
])
def test_entities_place_shapes_of_blind_extraction4(extract, text, place, country):
    assert (place, country) in _locs(extract(text))


def test_entities_x_and_y_council_area_is_one_place(extract):
    x = extract("Zenobe will build a 40 MW battery in Windsor and Maidenhead, England.")
    assert not {"Windsor", "Maidenhead"} & {p.text for p in x.locations}


# blind_extraction4 organisation classes: a generic acronym after "by" ("EPC contractor"), an
# acronym of a name in the same text, a firm after "trading house", the owner in "X-owned",
# "X said its", a subject after an ellipsis, the later items of a list after a firm noun. (A
# subject after any comma, "In the latest round, X will build", cost the never-studied
# dupes_heldout6 file a merge: left out.)
@pytest.mark.parametrize("text, name, role", [
    ("Korean trading house Hanwa said it will build a 40 MW battery in Ulsan.", "Hanwa", None),
    ("The plant near Moab, run by Exxon-owned Basin Storage, opened in May.", "Exxon", "investor"),
    ("Voltalis said its fleet of 5,000 home batteries in Ohio delivered 20 MW.", "Voltalis", None),
    ("...Strandkraft Energie has agreed to add a 10 MW battery at its site in Bavaria.", "Strandkraft Energie", None),
    ("Developers such as Copel Geração and Neoflux are expected to bid for 200 MW of batteries.", "Neoflux", None),
    ("Lenders include Natixis, Banco Sabadell and Kommunalbanken Norge for the 80 MW battery.", "Banco Sabadell", None),
])
def test_entities_names_of_blind_extraction4(extract, text, name, role):
    orgs = {o.name: o.role for o in extract(text).organizations}
    assert name in orgs and (role is None or orgs[name] == role)


@pytest.mark.parametrize("text, absent, present", [
    ("The 50 MW battery was built by EPC contractor Burns Group for Acme Power.", "EPC", "Burns Group"),
    ("Punjab State Power Nigam awarded a 250 MW battery tender; winners sign a purchase agreement with PSPN.",
     "PSPN", "Punjab State Power Nigam"),
])
def test_entities_generic_and_repeated_acronyms_are_no_new_party(extract, text, absent, present):
    names = {o.name for o in extract(text).organizations}
    assert absent not in names and present in names


@pytest.mark.parametrize("text,state", [
    # a county name many states share takes the state another place of the text settles
    ("Nova Power energised a 100 MW battery near Orlando in Orange County.", "Florida"),
    ("Nova Power energised a 100 MW battery near Irvine in Orange County.", "California"),
    ("A 50 MW battery near Pasadena in Harris County, Texas, is now online.", "Texas"),
])
def test_entities_shared_county_name_takes_the_state_of_the_text(text, state, extract):
    counties = [p for p in extract(text).locations if p.name.endswith("County")]
    assert [(p.name.split()[0], p.admin1) for p in counties] == [(counties[0].name.split()[0], state)]


# A snippet scraped all in lower case: the names the gazetteers know are found as written there
# (spans and texts of the text itself), with their canonical names and countries.
@pytest.mark.parametrize("text, orgs, places", [
    ("...fluence energy said on monday it will supply a 250 mw / 1,000 mwh battery to engie in "
     "queensland, australia, with delivery due next year.",
     {("fluence energy", "Fluence"), ("engie", "Engie")},
     {("queensland", "AU"), ("australia", "AU")}),
    ("statkraft has switched on a 40 mw battery near doncaster in yorkshire, its first in the uk, "
     "the company said.",
     {("statkraft", "Statkraft")}, {("doncaster", "GB"), ("yorkshire", "GB"), ("uk", "GB")}),
    ("financing closed this week for a 150 mw battery in riverside county, california, built by "
     "tesla for a local utility.",
     {("tesla", "Tesla")}, {("riverside county", "US"), ("california", "US")}),
])
def test_entities_lower_case_snippet_names_are_found(extract, text, orgs, places):
    x = extract(text)
    assert orgs <= {(o.text, o.name) for o in x.organizations}
    assert places <= _locs(x)
    assert all(text[o.start:o.end] == o.text for o in x.organizations)
    assert all(text[p.start:p.end] == p.text for p in x.locations)


# ... but a common word that is also a gazetteer name stays a word there ("mobile", "us"), and
# a text in ordinary case is not recased at all.
@pytest.mark.parametrize("text, absent", [
    ("a mobile battery unit was shown to us at the trade fair, reading 80% charge after a day of "
     "use on site.", {"mobile", "us", "reading"}),
    ("Acme Storage said on Monday that its battery in Texas, built with cells bought from a "
     "tesla supplier, is online.", {"tesla"}),
])
def test_entities_lower_case_common_words_stay_words(extract, text, absent):
    x = extract(text)
    found = {o.text for o in x.organizations} | {p.text for p in x.locations}
    assert not found & absent


# A compass part of a known city is a place, never a firm: "South Delhi has switched on ..." must
# not read as a party by the subject cue, nor "..., a North London council" by a descriptor.
@pytest.mark.parametrize("text, place, country", [
    ("West Delhi has switched on a 10 MW battery at a substation near the ring road.", "West Delhi", "IN"),
    ("East Jakarta said on Friday it will host a 12 MW battery built by a local contractor.",
     "East Jakarta", "ID"),
    ("North London will host a 30 MW battery, its council said on Monday.", "North London", "GB"),
])
def test_entities_compass_part_of_a_city_is_no_organisation(extract, text, place, country):
    x = extract(text)
    assert place not in {o.text for o in x.organizations}
    assert country in {p.country for p in x.locations}


# An acronym given in brackets after a name, or spelling its initials with the L of "Limited",
# is that firm again, not a new party.
@pytest.mark.parametrize("text, names", [
    ("Western Grid Supply Ltd (WGSL) signed a deal with Tata Power. The 40 MW battery was ordered by "
     "WGSL in May.", {"Western Grid Supply", "Tata Power"}),
    ("Rajasthan Urja Vikas Nigam Limited has awarded 300 MW to Acme Solar; state utility RUVNL plans "
     "another round.", {"Rajasthan Urja Vikas Nigam", "ACME Solar"}),
])
def test_entities_acronyms_of_full_names(extract, text, names):
    assert {o.name for o in extract(text).organizations} == names


def test_entities_acronym_after_an_indian_utility_noun(extract):
    # "discom", "genco", "transco": the descriptor nouns of Indian power companies
    x = extract("Mumbai discom AEML has switched on a 20 MW / 40 MWh battery at Aarey.")
    assert "AEML" in {o.text for o in x.organizations}


# A country named only as a neighbour of the site ("bordering Yemen", "near the border with
# Ecuador", "on the Laos border") is a place named, never the project's country.
@pytest.mark.parametrize("text, neighbour, countries", [
    ("A 300 MW battery will rise in the southern province bordering Yemen, the developer said.",
     "Yemen", []),
    ("Acme Grid will build a 50 MW battery in a remote valley near the border with Ecuador.", "Ecuador", []),
    ("The 80 MWh system sits in a mountain district on the border of Chile, Acme Power said.", "Chile", []),
    ("A 20 MW battery near the Laos border in Thailand was switched on in May.", "Laos", ["TH"]),
    ("Work began on a 100 MW battery at Tacna, neighbouring Chile.", "Chile", ["PE"]),
])
def test_entities_neighbour_country_is_no_project_country(extract, text, neighbour, countries):
    x = extract(text)
    hit = [p for p in x.locations if p.text == neighbour]
    assert hit and not hit[0].is_project
    assert list(x.countries) == countries


# Names of firms and bodies in Spanish, Portuguese or French form, with their connectors and
# accents, are found with their bracketed acronym; the English name of a well-known gazetteer
# body and a name ending in a bare "Co." are that body.
@pytest.mark.parametrize("text, names", [
    ("Compañía Eléctrica del Litoral (CEL) has switched on a 30 MW battery near Guayaquil. CEL will "
     "run it for ten years.", {"Compañía Eléctrica del Litoral"}),
    ("Companhia Paulista de Baterias signed a supply deal with BYD for a 60 MWh system.",
     {"Companhia Paulista de Baterias", "BYD"}),
    ("Société Bretonne d'Énergie Stockée awarded a 25 MW storage contract to Acme Power.",
     {"Société Bretonne d'Énergie Stockée", "Acme Power"}),
    ("The Federal Electricity Commission will tender 1 GW of storage in Sonora.", {"CFE"}),
    ("Manila Electric Co. (Meralco) will buy the output of the 40 MW battery.", {"Meralco"}),
])
def test_entities_romance_language_names_and_translated_aliases(extract, text, names):
    assert {o.name for o in extract(text).organizations} == names


# A gazetteer name that is only the first words of a longer written name is another firm when
# the extra words name a line of business ("Capital Power Generation", a Punjab genco, is not the
# Canadian Capital Power); a word of company form ("Group", "Holdings") keeps the gazetteer firm.
@pytest.mark.parametrize("text, present, absent", [
    ("Capital Power Generation Ltd (CPGL), a Punjab genco, has commissioned a 20 MW battery. CPGL "
     "will run it.", "Capital Power Generation", "Capital Power"),
    ("Greenko Renewables has started building a 500 MWh battery in Telangana.", "Greenko Renewables", "Greenko"),
    ("Fluence Energy Storage Systems was picked to supply a 200 MWh battery in Ohio.",
     "Fluence Energy Storage Systems", "Fluence"),
    ("Capital Power Group has switched on a 40 MW battery in Alberta.", "Capital Power", "Capital Power Group"),
])
def test_entities_longer_name_than_a_gazetteer_alias(extract, text, present, absent):
    names = {o.name for o in extract(text).organizations}
    assert present in names and absent not in names


# A place inside any mention of a firm's name is no place, though the firm was named before by its
# acronym; a near spelling of a gazetteer alias keeps its first word.
@pytest.mark.parametrize("text, absent_place, names", [
    ("NHPC signs deal with SECI\n\nNHPC has signed a storage deal with Solar Energy Corporation of India "
     "(SECI) for a 300 MWh battery in Gujarat.", "India", {"NHPC", "SECI"}),
    ("KGen Renewable Energy will build a 50 MW battery in Luzon, the firm said.", None,
     {"KGen Renewable Energy"}),
])
def test_entities_repeated_firm_name_and_near_spellings(extract, text, absent_place, names):
    x = extract(text)
    assert absent_place not in {p.text for p in x.locations}
    assert {o.name for o in x.organizations} == names


# A dateline after a headline the scrape ran into it ("Grid battery switched on BUCHAREST --"):
# the place, the story's home, found whatever its case; the text's only country then is the
# project's.
@pytest.mark.parametrize("text, place, country", [
    ("Grid battery switched on\n\nBUCHAREST -- Nova Energy has connected a 40 MW/80 MWh battery to the "
     "grid, the company said.", "BUCHAREST", "RO"),
    ("Lender backs storage\n\nNEW DELHI, March 3 (PTI) -- Power Finance Corp has sanctioned a loan for "
     "a 500 MW pumped storage project.", "NEW DELHI", "IN"),
    ("Photo: a station. (Xinhua/Li Wei)\n\nURUMQI, Jan 5 (Xinhua) -- A 200 MW/800 MWh energy storage "
     "station was connected to the grid on Friday.", "URUMQI", "CN"),
    ("Storage deal signed MANILA: Acme Power signed a deal for a 60 MW battery plant.", "MANILA", "PH"),
])
def test_entities_dateline_after_a_run_in_headline(extract, text, place, country):
    x = extract(text)
    hit = [p for p in x.locations if p.text == place]
    assert hit and hit[0].country == country and not hit[0].is_project
    assert list(x.countries) == [country]


# Regions written with hyphens or a compass word, known to the gazetteers whole or by a part.
@pytest.mark.parametrize("text, places, country", [
    ("Acme signs deal to build 800 MWh of storage in the Guelmim-Oued Noun and Souss-Massa regions.",
     {"Guelmim-Oued Noun", "Souss-Massa"}, "MA"),
    ("A 100 MW battery will be built in Rabat-Salé-Kénitra by Acme Energy.", {"Rabat-Salé-Kénitra"}, "MA"),
    ("Acme Energy will build batteries in Central Java and East Kalimantan.",
     {"Central Java", "East Kalimantan"}, "ID"),
    ("A 75 MW battery plant is planned in the Northern Cape.", {"Northern Cape"}, "ZA"),
])
def test_entities_hyphenated_and_compass_regions(extract, text, places, country):
    x = extract(text)
    assert {p.text for p in x.locations} == places
    assert list(x.countries) == [country]


# An industrial park or zone is a place as written, of the text's country (not of a maker's
# demonym nor of a namesake town abroad).
@pytest.mark.parametrize("text, place, country", [
    ("JAKARTA -- Chinese maker Gotion opened a battery plant in the Kendal Industrial Park, Central Java, "
     "on Tuesday.", "Kendal Industrial Park", "ID"),
    ("KUALA LUMPUR: EVE Energy began mass production at its plant in Kulim Hi-Tech Park, Kedah, last week.",
     "Kulim Hi-Tech Park", "MY"),
    ("A 2 GWh cell factory opened in the Nansha New Area of Guangzhou.", "Nansha New Area", "CN"),
])
def test_entities_industrial_park_is_a_place(extract, text, place, country):
    x = extract(text)
    hit = [p for p in x.locations if p.text == place]
    assert hit and hit[0].country == country and hit[0].is_project
    assert list(x.countries) == [country]


# A place inside an institution a filing or a statement names is no place of the story.
@pytest.mark.parametrize("text, absent, countries", [
    ("KUALA LUMPUR: Tenaga Nasional will build a 100 MW/400 MWh battery at Kapar in Selangor, TNB "
     "told Bursa Malaysia.", {"Bursa", "Malaysia"}, ["MY"]),
    ("Doral Energy, listed on the Tel Aviv Stock Exchange, will build a 150 MW battery in Texas.",
     {"Tel Aviv"}, ["US"]),
    ("Acme Power, whose shares trade on the Stock Exchange of Thailand, ordered a 50 MW battery for "
     "its plant in Victoria.", {"Thailand"}, ["AU"]),
])
def test_entities_place_inside_an_institution_is_no_place(extract, text, absent, countries):
    x = extract(text)
    assert not absent & {p.text for p in x.locations}
    assert list(x.countries) == countries


# A headline the scrape ran into the first sentence: its place is no part of the firm's name
# that follows, and the firm's short name in the headline is the same firm.
@pytest.mark.parametrize("text, orgs, place", [
    ("Lumen Grid switches on mini-grid in Kenya Kisumu County Lumen Grid Systems said on Monday it has "
     "commissioned a 2 MWh battery bank in Kisumu County.", {"Lumen Grid Systems"}, "Kisumu County"),
    ("Husk Power commissions solar hybrid mini-grid in Nasarawa State\n\nHusk Power Systems has "
     "commissioned a mini-grid with a 2.4 MWh battery bank in Nasarawa State, north-central Nigeria.",
     {"Husk Power Systems"}, "Nasarawa State"),
])
def test_entities_run_in_headline_place_is_no_part_of_a_firm(extract, text, orgs, place):
    x = extract(text)
    assert {o.name for o in x.organizations} == orgs
    assert place in {p.text for p in x.locations}


# Items of a list of places after "in" are places, not firms named by a cue ("..., the company
# said"); a run-in headline's title-case dateline is no part of the firm before it; a legal
# form written first ("PT") is no part of the name, and the name with its legal suffix is a
# firm's though it ends in a plant's word once the suffix is gone.
@pytest.mark.parametrize("text, orgs, places", [
    ("SEOUL -- Acme Energy will build batteries at four sites in Riyadh, Qurayyat and Duba, the company "
     "said on Monday.", {"Acme Energy"}, {"Riyadh", "Qurayyat", "Duba"}),
    ("Tata Power inks storage deal with BSES\n\nMumbai: Tata Power signed an agreement with BSES for "
     "a 500 MWh battery.", {"Tata Power", "BSES"}, {"Mumbai"}),
    ("PT Nusantara Battery Corporation (NBC) opened a 1 GWh cell plant near Surabaya.",
     {"Nusantara Battery"}, {"Surabaya"}),
])
def test_entities_place_lists_run_in_datelines_and_legal_prefixes(extract, text, orgs, places):
    x = extract(text)
    assert orgs <= {o.name for o in x.organizations}
    assert not {o.name for o in x.organizations} & places
    assert places <= {p.text for p in x.locations}



# "Energies" ends a firm's name as "Energy" does.
def test_entities_energies_ends_a_firm_name(extract):
    x = extract("A state lender has sanctioned a term loan to Vantara Energies for a 900 MW pumped storage "
                "project in Kurnool.")
    assert "Vantara Energies" in {o.name for o in x.organizations}


def test_entities_a_sea_named_after_a_place_is_not_the_project_place(extract):
    # "the Gulf of California" is a sea beside Sonora, not the US state
    x = extract("Iberdrola México switched on a 60 MW battery at its Hermosillo solar park near "
                "the Gulf of California.")
    assert x.countries == ("MX",)


# Where a deal was signed or told, and a city named as a firm's base, is no project place; a
# demonym's region is that country's ("the Irish Midlands"); "World's biggest" is no firm.
@pytest.mark.parametrize("text, place, project", [
    ("Kazmunai will build a 400 MWh battery in western Kazakhstan under a deal signed in Astana.",
     "Astana", False),
    ("The pact for a 1 GWh battery in Bisha was sealed at a ceremony held in Riyadh on Monday.",
     "Riyadh", False),
    ("A 30 MWh battery in Kyushu has started up, said the Osaka trading house Marubeni.",
     "Osaka", None),
    ("Orsted will build a 75 MW battery in the Irish Midlands next year.", "Irish Midlands", True),
])
def test_entities_venue_home_and_demonym_regions(extract, text, place, project):
    x = extract(text)
    hit = [p for p in x.locations if p.text == place]
    if project is None:  # a firm's adjective: no place named at all
        assert not hit
        return
    assert hit and hit[0].is_project == project


def test_entities_irish_midlands_is_in_ireland_and_world_is_no_firm(extract):
    assert list(extract("Orsted will build a 75 MW battery in the Irish Midlands.").countries) == ["IE"]
    assert not extract("World's biggest sodium battery hooked up in Hubei").organizations


# Headlines list two subjects with a comma ("X, Y signed"); a stock exchange a firm files with
# and a plant named "X BESS" are no parties.
@pytest.mark.parametrize("text, orgs", [
    ("Strata, Arizona Public Service signed a deal for a 1 GWh battery.", {"Strata", "Arizona Public Service"}),
    ("Kestrel Power switched on the Tarrow BESS, it told the Australian Securities Exchange.", {"Kestrel Power"}),
    ("Pacific Grid said in a disclosure to the Philippine Stock Exchange that it had energised a battery.",
     {"Pacific Grid"}),
])
def test_entities_headline_lists_and_non_parties(extract, text, orgs):
    assert {o.name for o in extract(text).organizations} == orgs


def test_entities_a_story_without_project_names_no_project_country(extract):
    # no event and no project capacity: a market story, whatever places it names
    x = extract("Battery storage in Chile is growing faster than in any other Latin American market, "
                "with developers in the Atacama region lining up new sites, consultancy Rystad said.")
    assert {p.text for p in x.locations} >= {"Chile", "Atacama region"} and not x.countries
    assert list(extract("A 100 MW battery in the Atacama region of Chile.").countries) == ["CL"]


# Lists of parties after a word that introduces them; a currency code before an amount, a
# people's name, a chemistry and "X, the company said" are no firms.
@pytest.mark.parametrize("text, orgs", [
    ("Winners included Andes Solar, Pampa Verde and Luz del Sur, whose batteries are due in 2027.",
     {"Andes Solar", "Pampa Verde", "Luz del Sur"}),
    ("The other sites went to consortia led by Karoo Power and Umoya Renewables.",
     {"Karoo Power", "Umoya Renewables"}),
    ("The battery is a joint venture of Tarrow Energy, Kelso Hydro and Marlow Power.",
     {"Tarrow Energy", "Kelso Hydro", "Marlow Power"}),
    ("Two lenders will provide PLN 300 million for a battery built by Vessel Energy.", {"Vessel Energy"}),
    ("Filipinos installed 20,000 home batteries supplied by Solaric last year.", {"Solaric"}),
    ("The plant will assemble cabinets from LFP cells supplied by Hithium.", {"Hithium"}),
    ("Harbour Grid ordered a 50 MW battery for its site in the Waikato, the company said.",
     {"Harbour Grid"}),
])
def test_entities_lists_and_names_that_are_no_firms(extract, text, orgs):
    assert {o.name for o in extract(text).organizations} == orgs


@pytest.mark.parametrize("text, orgs", [
    ("Gulf Power has awarded a 300 MW battery in Bisha to Rimal Energy, the utility said.",
     {"Gulf Power", "Rimal Energy"}),
    ("The grid company handed the contract to the Kestrel-led consortium on Monday.", {"Kestrel"}),
    ("The storage auction was won by Marlow Renewables at a record low tariff.", {"Marlow Renewables"}),
])
def test_entities_award_winner_and_the_leader_of_a_group(extract, text, orgs):
    assert {o.name for o in extract(text).organizations} == orgs


# A firm no table knows and no cue places is the developer (the role most such firms have in
# every gold file); a public body stays other.
@pytest.mark.parametrize("text, roles", [
    ("Marlow Green Power said its board had approved a budget for next year.",
     {"Marlow Green Power": "developer"}),
    ("The Tarrow Regional Energy Commission welcomed a 50 MW battery near Tarrow Point.",
     {"Tarrow Regional Energy Commission": "other"}),
])
def test_entities_firm_without_a_role_cue_is_the_developer(extract, text, roles):
    assert {o.name: o.role for o in extract(text).organizations} == roles


def test_entities_a_provinces_plant_is_no_firms(extract):
    x = extract("Work starts on Fife's four-hour, 300 MW storage site")
    assert not x.organizations


def test_entities_a_cell_line_in_a_country_is_the_projects(extract):
    assert list(extract("Kestrel Cells starts sodium-ion cell line in Poland").countries) == ["PL"]


# A country that acts on a plant in a headline is the project's ("Moldova signs for 400 MWh
# battery"); one merely named beside a market is not.
@pytest.mark.parametrize("text, countries", [
    ("Moldova signs for 400 MWh battery with Tarrow Grid", ["MD"]),
    ("Moldova awards 300 MW of battery storage in its first auction", ["MD"]),
    ("Moldova launches subsidy for home batteries", []),
])
def test_entities_country_acting_on_a_plant_is_the_projects(extract, text, countries):
    assert list(extract(text).countries) == countries


def test_entities_a_provinces_plant_names_the_province_as_the_place(extract):
    x = extract("Work starts on Fife's four-hour, 300 MW storage site ...")
    assert not x.organizations
    assert [(p.name, p.country) for p in x.locations] == [("Fife", "GB")] and list(x.countries) == ["GB"]


@pytest.mark.parametrize("text, org", [
    ("The French major is taking over Munich-based Corvida and its 2 GW pipeline.", "Corvida"),
    ("The New York-based Tarrow Storage unit will build the battery.", "Tarrow Storage"),
    ("The system uses the maker's NMC-based Kelvin Max containers.", None),
])
def test_entities_place_based_descriptor_names_a_firm(extract, text, org):
    names = [o.name for o in extract(text).organizations]
    assert names == ([org] if org else [])
