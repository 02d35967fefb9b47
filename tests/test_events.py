"""Events: the snippet's main event and its date, on sentences written for the failure classes of
the blind extraction file (never its texts): cue grammar that must generalise beyond one wording."""
import datetime as dt

import pytest


def _event(x):
    d = x.event_date
    return x.event, (d.value.isoformat()[:{"day": 10, "month": 7}.get(d.precision, 4)] if d else None)


# (text, published, event, event date as written in ISO to its precision, or None)
CASES = [
    # a verb, its object, then "to the grid": the object may be long (place, owner, base)
    ("Datang Renewables connected a 100 MW / 200 MWh battery storage station at its Tongyu wind "
     "base in Baicheng city, Jilin province, northeast China, to the grid on March 3, the "
     "company said.", "2025-03-10", "grid_connection", "2025-03-03"),
    ("Enel synchronised the second 120 MW unit of its storage plant beside the former Bocamina "
     "coal station in the Biobío region of southern Chile with the national grid last week.",
     "2025-05-20", "grid_connection", "2025-05-13"),
    # projects that won long-term agreements or contracts (plural, no supply to give) won a
    # procurement round even where the text never says "tender"
    ("The energy ministry said on Tuesday that six battery developers had won long-term capacity "
     "agreements for 1.2 GW of storage in Chile.", "2025-06-12", "tender_award", "2025-06-10"),
    ("Five pumped-hydro and battery schemes have won 25-year cap-and-floor contracts from Ofgem, "
     "the regulator said on Monday.", "2025-06-12", "tender_award", "2025-06-09"),
    # a supplier's contracts stay orders
    ("Fluence has won contracts to supply 2 GWh of batteries to two German utilities.",
     "2025-06-12", "order", None),
    ("Wartsila won supply contracts for three 100 MW batteries in Texas.", "2025-06-12", "order",
     None),
    # an earlier step told in an "after" clause is history: the coming step is the news
    ("Statkraft said its 80 MW battery near Falkirk will be switched on in May, after work on the "
     "site started last summer.", "2025-03-01", "grid_connection", "2025-05"),
    ("The 200 MW battery at Kwinana is due to start commercial operation in August, after the "
     "developer broke ground in January 2024.", "2025-06-01", "commercial_operation", "2025-08"),
    ("The 50 MW battery in Leeds was energised on June 3, after Acme closed its financing in "
     "March.", "2025-06-20", "grid_connection", "2025-06-03"),
    # a construction step done (a tunnel dug, units installed) is the news, not the first power
    # still expected
    ("Hydro Tasmania said on Monday that crews had finished drilling the access tunnel for the "
     "750 MW Cethana pumped-hydro scheme. First power is now expected in 2030.", "2025-09-10",
     "other", "2025-09-08"),
    ("Genex completed the excavation of the upper reservoir at its 250 MW Kidston pumped-storage "
     "plant last month, and first power is due in 2026.", "2025-09-10", "other", "2025-08"),
    ("Acme has completed the installation of all 80 battery containers at its 100 MW site in "
     "Essex; energisation is planned for March.", "2025-01-10", "other", None),
]


@pytest.mark.parametrize("text,published,event,date", CASES, ids=[c[0][:50] for c in CASES])
def test_events_main_event_and_date(text, published, event, date, extract):
    assert _event(extract(text, dt.date.fromisoformat(published))) == (event, date)
