"""Dates: a table of news date forms (value, precision, role), traps that are not dates, the tense
policy for dates without a year, and property round-trips over written forms."""
import calendar
import datetime as dt
import functools

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.dates import DateExtractor


@pytest.fixture(scope="module")
def dates(rules):
    extractor = DateExtractor(rules)

    def run(text, published=None):
        pub = dt.date.fromisoformat(published) if isinstance(published, str) else published
        found, _ = extractor(text, pub)
        return found
    return run


def _value(v):
    if v is None:
        return None
    parts = [int(p) for p in v.split("-")] + [1, 1]
    return dt.date(*parts[:3])


# (text, published, [(value, precision, role)]): every date the text holds, in order of position.
# A role of None is not checked.
CASES = [
    # absolute day dates
    ("The station was connected on Dec 5, 2025.", "2025-12-20", [("2025-12-05", "day", "event")]),
    ("It entered service on Sept. 30, 2025.", None, [("2025-09-30", "day", "event")]),
    ("Trial production began on 26 June 2025.", None, [("2025-06-26", "day", "event")]),
    ("It was energised on the 3rd of June 2025.", None, [("2025-06-03", "day", "event")]),
    ("Construction began on 2024-12-15.", None, [("2024-12-15", "day", "event")]),
    ("The filing is dated 31-Oct-2025.", None, [("2025-10-31", "day", "event")]),
    ("Euro date is 19.02.2010.", None, [("2010-02-19", "day", None)]),
    ("Approved on 20/05/2024, connected on 03/06/2025.", None,
     [("2024-05-20", "day", "event"), ("2025-06-03", "day", "event")]),  # day first, from 20/05
    ("The bid closed on 05/06/2025.", None, [("2025-05-06", "day", "event")]),  # month first
    # months, quarters, halves, years
    ("Work began in May 2024.", None, [("2024-05", "month", "event")]),
    ("Shipments start in Q4 2025.", None, [("2025-10", "quarter", "event")]),
    ("Energisation is targeted for 4Q25.", None, [("2025-10", "quarter", "event")]),
    ("It opens in the third quarter of 2026.", None, [("2026-07", "quarter", "event")]),
    ("Results for 2025Q1 are due.", None, [("2025-01", "quarter", None)]),
    ("It will be built in H2 2026.", None, [("2026", "year", "event")]),
    ("Commissioning is planned for mid-2027.", None, [("2027", "year", "event")]),
    ("Output doubled by end-2024.", None, [("2024", "year", None)]),
    ("The plant opens in 2027.", None, [("2027", "year", "event")]),
    # year-less dates: nearest not after publication, unless the clause is in the future tense
    ("It was connected to the grid on Nov 28.", "2025-12-02", [("2025-11-28", "day", "event")]),
    ("Bids are due on March 31.", "2025-02-20", [("2025-03-31", "day", "event")]),
    ("The battery came online in October.", "2025-12-02", [("2025-10", "month", "event")]),
    ("Results are expected in January.", "2025-11-20", [("2026-01", "month", "event")]),
    ("It will supply the systems under a contract signed on July 2.", "2025-07-07",
     [("2025-07-02", "day", "event")]),
    ("Construction will begin in early 2026, the developer said on Tuesday.", "2025-11-20",
     [("2026", "year", "event"), ("2025-11-18", "day", "event")]),
    ("On March 1, the battery will be switched on.", "2025-06-10", [("2026-03-01", "day", "event")]),
    ("It was approved on June 3; by June 30 it will be built.", "2025-06-10",
     [("2025-06-03", "day", "event"), ("2025-06-30", "day", "event")]),
    ("The second unit follows in the fourth quarter.", "2026-01-15", [("2025-10", "quarter", None)]),
    # relative dates
    ("The station was connected last week.", "2025-12-20", [("2025-12-13", "day", "event")]),
    ("Operation will start next month.", "2025-12-20", [("2026-01", "month", "event")]),
    ("It opened earlier this year.", "2025-12-20", [("2025", "year", "event")]),
    ("It will be finished by the end of next year.", "2025-12-20", [("2026", "year", "event")]),
    ("Construction should end before the end of the year.", "2025-04-16", [("2025", "year", None)]),
    ("Full output is due by year-end.", "2025-04-16", [("2025", "year", None)]),
    ("Bids open on the 20th of next month.", "2025-04-16", [("2025-05-20", "day", None)]),
    ("It starts in the first quarter of next year.", "2025-04-16", [("2026-01", "quarter", None)]),
    ("The approval came two weeks ago.", "2025-04-16", [("2025-04-02", "day", "event")]),
    ("Containers arrived in December 2024 and installation started the following month.", None,
     [("2024-12", "month", "event"), ("2025-01", "month", "event")]),
    ("The final blocks were energised last month.", None, [(None, "month", "event")]),
    ("July 12th, 2014. July 13th, July 14th", None,
     [("2014-07-12", "day", None), ("2014-07-13", "day", None), ("2014-07-14", "day", None)]),
    # roles
    ("An aerial photo taken on Dec 15, 2024 shows battery containers in Lingang. [Photo/Xinhua] "
     "The 200 MWh station was connected to the grid last week.", "2025-01-10",
     [("2024-12-15", "day", "caption"), ("2025-01-03", "day", "event")]),
    ("A worker inspects battery cabinets at a plant in Hami, Nov. 20, 2025. [Photo/Xinhua]", None,
     [("2025-11-20", "day", "caption")]),
    ("Photo taken on Nov. 20 shows a station in Qianxi, which was connected on Nov. 18.",
     "2025-11-25", [("2025-11-20", "day", "caption"), ("2025-11-18", "day", "event")]),
    ("LONDON, Dec 8 (Reuters) - Field started building a 200 MW battery on Monday.", "2025-12-08",
     [("2025-12-08", "day", "publication"), ("2025-12-08", "day", "event")]),
    ("SHENZHEN, China, Sept. 18, 2025 /PRNewswire/ -- Hithium signed a deal today.", None,
     [("2025-09-18", "day", "publication"), ("2025-09-18", "day", "event")]),
    ("Prague, Czech Republic, December 2025 -- AlphaESS opened an office.", None,
     [("2025-12", "month", "publication")]),
    ("Fluence, founded in 2018, signed the deal in March 2025.", None,
     [("2018", "year", "other"), ("2025-03", "month", "event")]),
    ("Storage reached 19 GWh at the end of 2024, double its 2022 level, and the government wants "
     "100 GWh by 2030.", None, [("2024", "year", "other"), ("2022", "year", "other"),
                                ("2030", "year", "other")]),
    ("The battery will be fully operational by the end of 2026.", None, [("2026", "year", "event")]),
    ("Tesla deployed 12.5 GWh in the third quarter of 2025, up from 9.6 GWh in Q2 2025.", None,
     [("2025-07", "quarter", "other"), ("2025-04", "quarter", "other")]),
    ("Production will start in mid-2026 rather than late 2025.", None,
     [("2026", "year", "event"), ("2025", "year", "other")]),
    ("AlphaESS, a BloombergNEF Tier 1 manufacturer for Q4 2025, opened a centre.", None,
     [("2025-10", "quarter", "other")]),
    # a photo credit closing a news sentence does not make its date a caption's
    ("Battery racks at a new plant in Ordos, Inner Mongolia, May 3, 2025. [Photo/Xinhua]", None,
     [("2025-05-03", "day", "caption")]),
    ("The 100 MW plant in Ordos entered service on May 2. [Photo/Xinhua]", "2025-05-06",
     [("2025-05-02", "day", "event")]),
    ("Posted: 2025-03-04 08:30 | A 60 MW battery in Jilin was connected on Monday. [Photo/VCG]",
     "2025-03-04", [("2025-03-04", "day", "publication"), ("2025-03-03", "day", "event")]),
    # statistics: the previous record's day, sales, a price move on a day, a forecast's horizon
    ("Solar output hit a new high on Monday, beating the previous record set on June 2.",
     "2025-06-18", [("2025-06-16", "day", None), ("2025-06-02", "day", "other")]),
    ("Wind farms supplied a record 30 GW at 7:15 p.m. on Sunday, the grid operator said.",
     "2025-02-12", [("2025-02-09", "day", "other")]),
    ("The carmaker sold 120,000 vehicles in April.", "2025-05-03", [("2025-04", "month", "other")]),
    ("Cell prices fell to $48 per kWh on Friday, the tracker said.", "2025-08-04",
     [("2025-08-01", "day", "other")]),
    ("Analysts expect Poland to add 1 GW of storage a year through 2030.", None,
     [("2030", "year", "other")]),
    ("The firm expects to add more in 2026.", None, [("2026", "year", "other")]),
    # a forecast of a market or technology is no event; a project's plan told as one is
    ("Analysts say utility-scale storage could surpass pumped hydro in Europe as early as 2027.",
     None, [("2027", "year", "other")]),
    ("Pack prices may fall below $50 per kWh next year, a survey found.", "2025-04-15",
     [("2026", "year", "other")]),
    ("Sodium-ion cells are expected to overtake LFP in home storage in 2031.", None,
     [("2031", "year", "other")]),
    ("The plant could start operating as early as next year.", "2025-04-15",
     [("2026", "year", "event")]),
    ("The second phase will double the plant's capacity to 400 MW in 2026.", None,
     [("2026", "year", "event")]),
    # half of the year with no year named: the current year
    ("Sungrow shipped 9 GWh of systems in the first half, up 40%.", "2025-08-28",
     [("2025", "year", "other")]),
    # datelines written with a dash after the place, captions with "pictured on", a company's
    # financial period, an outside incident named by its day, a target whose figure came first
    ("Madrid, Spain - 3 March 2025 - Solaria signed a deal for a 60 MW battery.", "2025-03-03",
     [("2025-03-03", "day", "publication")]),
    ("Lyon, France – 9 October 2025 – Voltalia started work on a 40 MW / 80 MWh battery.",
     "2025-10-09", [("2025-10-09", "day", "publication")]),
    ("The battery hall, photographed on May 2, 2025. The 80 MWh unit came online in June.",
     "2025-09-01", [("2025-05-02", "day", "caption"), ("2025-06", "month", "event")]),
    ("Fluence said its order intake rose. Net income reached $40 million in the third quarter, "
     "and revenue was 1.2 billion euros in the first half.", "2025-11-10",
     [("2025-07", "quarter", "other"), ("2025", "year", "other")]),
    ("Grid operators restored power after the 14 June outage; the 50 MW battery went online "
     "on 2 July.", "2025-08-01", [("2025-06-14", "day", "other"), ("2025-07-02", "day", "event")]),
    ("The 30 MW plant will help absorb the 5 GW of wind the state intends to connect by 2032.",
     "2025-05-01", [("2032", "year", "other")]),
    ("The region's solar fleet surpassed 12 GW in 2024; the 90 MW battery opened on 3 May.",
     "2025-06-01", [("2024", "year", "other"), ("2025-05-03", "day", "event")]),
    ("The 40 MW battery opened on 2 May. Read more: Britain's biggest batteries of 2024 | "
     "Webinar on 12 June 2025: storage finance", "2025-05-20",
     [("2025-05-02", "day", "event"), ("2024", "year", "other"), ("2025-06-12", "day", "other")]),
    # not dates
    ("The five-month trial ran through the first half of the decade.", "2025-06-10", []),
    ("A 20-year contract for a 4-hour, 100 MW battery running 24/7 with Tier 1 cells.", None, []),
    ("The 2,000 MW plant has 1900 employees and 2030 Series inverters.", None, []),
    ("The five-month construction period ended a year later than planned.", "2025-06-10", []),
    ("March toward net zero: the 200 MW battery will help the grid.", "2025-01-28", []),
]


@pytest.mark.parametrize("text,published,want", CASES, ids=[c[0][:40] for c in CASES])
def test_dates_news_forms(text, published, want, dates):
    got = dates(text, published)
    assert [(d.value, d.precision) for d in got] == [(_value(v), p) for v, p, _ in want], got
    for d, (_, _, role) in zip(got, want):
        if role is not None:
            assert d.role == role, (d.text, d.role, role)
    assert all(text[d.start:d.end].strip() == d.text for d in got)


def test_dates_never_read_the_clock(dates):
    # relative dates with no publication date anywhere keep their text and a null value
    got = dates("The battery went into commercial operation yesterday and phase 2 starts next year.")
    assert [(d.text, d.value, d.precision) for d in got] == [
        ("yesterday", None, "day"), ("next year", None, "year")]


# ---------------------------------------------------------------- property round-trips
def _render_day(d: dt.date, form: int) -> str:
    month, abbr = calendar.month_name[d.month], calendar.month_abbr[d.month]
    return [f"{abbr} {d.day}, {d.year}", f"{abbr}. {d.day}, {d.year}", f"{month} {d.day}, {d.year}",
            f"{d.day} {month} {d.year}", f"{d.day} {abbr} {d.year}", d.isoformat(),
            f"{d.day:02d}.{d.month:02d}.{d.year}"][form]


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
publication = st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1),
                                            max_value=dt.date(2099, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(d=days, form=st.integers(0, 6), pub=publication)
def test_dates_day_forms_round_trip(d, form, pub, dates):
    written = _render_day(d, form)
    got = dates(f"The battery entered service on {written}.", pub)
    assert [(x.value, x.precision, x.text) for x in got] == [(d, "day", written)]


@functools.lru_cache(maxsize=1)
def _day_parser():
    from pipeline.dates import build_day_parser
    return build_day_parser()


@settings(max_examples=200, deadline=None)
@given(d=days, form=st.integers(0, 4))
def test_dates_day_tables_agree_with_dateparser(d, form, dates):
    """The month and day tables that read day dates give what dateparser reads from the
    same words (it is the oracle here, and the reader of forms the tables do not know)."""
    written = _render_day(d, form)
    oracle = _day_parser().get_date_data(written)
    got = dates(f"The battery entered service on {written}.", None)
    assert [x.value for x in got] == [oracle.date_obj.date()]


@settings(max_examples=300, deadline=None)
@given(d=days, form=st.integers(0, 6), pub=publication)
def test_dates_coarse_forms_round_trip(d, form, pub, dates):
    month, abbr = calendar.month_name[d.month], calendar.month_abbr[d.month]
    q = (d.month - 1) // 3 + 1
    written, value, precision = [
        (f"{month} {d.year}", dt.date(d.year, d.month, 1), "month"),
        (f"{abbr} {d.year}", dt.date(d.year, d.month, 1), "month"),
        (f"Q{q} {d.year}", dt.date(d.year, 3 * q - 2, 1), "quarter"),
        (f"the {['first', 'second', 'third', 'fourth'][q - 1]} quarter of {d.year}",
         dt.date(d.year, 3 * q - 2, 1), "quarter"),
        (f"{d.year}Q{q}", dt.date(d.year, 3 * q - 2, 1), "quarter"),
        (f"H{1 + (d.month > 6)} {d.year}", dt.date(d.year, 1, 1), "year"),
        (f"{d.year}", dt.date(d.year, 1, 1), "year"),
    ][form]
    got = dates(f"The plant was planned for {written}.", pub)
    assert [(x.value, x.precision, x.text) for x in got] == [(value, precision, written)]


@settings(max_examples=300, deadline=None)
@given(pub=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       d=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)),
       future=st.booleans())
def test_dates_yearless_policy(pub, d, future, dates):
    """A date without a year is the nearest such day not after publication, or not before it
    when the clause is in the future tense."""
    written = f"{calendar.month_name[d.month]} {d.day}"
    text = (f"The battery will be connected on {written}." if future
            else f"The battery was connected on {written}.")
    (got,) = dates(text, pub)
    assert (got.value.month, got.value.day, got.precision) == (d.month, d.day, "day")
    assert (got.value >= pub) if future else (got.value <= pub)
    step = -1 if future else 1  # one such date nearer to publication must not exist
    for years in range(1, 9):
        try:
            nearer = got.value.replace(year=got.value.year + step * years)
        except ValueError:
            continue  # 29 February
        assert (nearer < pub) if future else (nearer > pub)
        break


# ---------------------------------------------------------------- the event's date
@pytest.mark.parametrize("text,published,want", [
    # the event told again in another sentence lends its date
    ("Acme has started building a 50 MW battery in Kent. Ground was broken last week, the "
     "developer said.", "2025-03-20", ("2025-03-13", "day")),
    # a planned step beside the event is no retelling of it
    ("Acme received an order for 20 MWh of batteries from a utility, with deliveries scheduled to "
     "begin in March 2026.", "2025-03-20", None),
])
def test_dates_event_date_of_the_event_told_again(text, published, want, extract):
    x = extract(text, dt.date.fromisoformat(published))
    got = (x.event_date.value, x.event_date.precision) if x.event_date else None
    assert got == ((_value(want[0]), want[1]) if want else None), x.event_date


def test_dates_spelled_ordinals_with_a_space(dates):
    got = dates("The contract was signed on the twenty first of May 2025, and the plant on the "
                "thirty first of June 2025 never existed.", None)
    assert [(x.text, x.value) for x in got] == [("the twenty first of May 2025", dt.date(2025, 5, 21))]


def test_dates_weekdays_in_a_lowercased_scrape(dates):
    # a scrape that lowered the case keeps its weekdays after "on", "last" and the like; a bare
    # "sun" or "wed" stays a word
    got = dates("rwe closed its financing on wednesday and said the sun will do the rest.",
                dt.date(2026, 4, 10))
    assert [(x.text, x.value) for x in got] == [("on wednesday", dt.date(2026, 4, 8))]


def test_dates_vague_plural_periods_and_a_past_verb_after_a_future_one(dates):
    # "in the coming weeks" is no date; "will provide ... after X synchronised ... on February 9"
    # dates the synchronisation, which is past
    got = dates("The battery will be switched on in the coming weeks and will provide balancing "
                "after the grid synchronised with Europe on February 9.", dt.date(2025, 2, 21))
    assert [(x.text, x.value) for x in got] == [("February 9", dt.date(2025, 2, 9))]


def test_dates_of_a_story_without_a_project_are_other(extract):
    # no event and no project capacity: a market story's dates are no event's
    x = extract("Analysts at Kestrel Research expect battery prices in Europe to fall again in 2026, "
                "after a slide of a fifth in 2025.", "2025-06-01")
    assert [d.role for d in x.dates] == ["other", "other"]
    # a story with an event keeps its event dates
    x = extract("Tarrow Energy switched on a 100 MW battery in Otago on 3 May 2025.", "2025-06-01")
    assert [d.role for d in x.dates] == ["event"]
