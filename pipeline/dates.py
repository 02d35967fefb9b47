"""Dates: every date expression as a value with its precision and role.

Candidate spans come from rules/dates.toml. Absolute day dates are read from the span's own
month, day and year groups by table, and by dateparser (one parser, built once, memoised) where
the tables do not know a form; relative and coarse forms are resolved by calendar arithmetic
against the snippet's base date, which is the publication date or the snippet's own dateline.

Tense (for dates without a year, weekdays and bare quarters) is read per clause: the later of a
future cue and a past cue before the date decides ("will begin in March, the developer said on
Tuesday": March is ahead, Tuesday behind). Roles come from the role:* cues of the rules file,
whose note says where each is searched and on which conditions (see rules/dates.toml).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import RulesError
from .records import DateMention, Dropped
from .prefilter import LiteralScanner
from .rules import CompiledPattern, Rules
from .spans import sentence_bounds, sentence_of

MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.casefold(): i for i, d in enumerate(calendar.day_name)}
ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth "
    "twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first".split(), start=1)}
ORDINALS.update({"1st": 1, "2nd": 2, "3rd": 3, "4th": 4})
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
PRECISION_RANK = {"day": 0, "month": 1, "quarter": 2, "year": 3}
ROLE_WHERE = ("sentence", "prefix", "before", "after")
# Labels whose value carries its own year (a year-less date may borrow it when nothing else can).
EXPLICIT_YEAR = ("day", "day_numeric", "month_year", "iso_month", "numeric_month")


@dataclass(frozen=True, slots=True)
class RoleRule:
    """A role:* pattern with its note parsed: where it is searched and its conditions."""
    pattern: CompiledPattern
    role: str
    where: str
    if_cues: tuple[CompiledPattern, ...] = ()
    unless_cues: tuple[CompiledPattern, ...] = ()
    after_cues: tuple[CompiledPattern, ...] = ()
    sentence_cues: tuple[CompiledPattern, ...] = ()
    labels: frozenset[str] = frozenset()
    precisions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Resolved:
    value: dt.date | None
    precision: str


def _month(text: str) -> int | None:
    return MONTHS.get(text.strip(" .]").casefold())


def _day(text: str) -> int | None:
    t = " ".join(text.split()).casefold().replace(" ", "-")  # "twenty first" = "twenty-first"
    if t in ORDINALS:
        return ORDINALS[t]
    digits = re.match(r"\d+", t)
    return int(digits.group()) if digits else None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def add_months(d: dt.date, months: int) -> dt.date:
    """First day of the month `months` after d's month.

    >>> add_months(dt.date(2025, 11, 20), 3)
    datetime.date(2026, 2, 1)
    """
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


class DateExtractor:
    """Built once from the rules; call it with a text and its base date."""

    def __init__(self, rules: Rules):
        ps = rules["dates"]
        self.settings = rules.settings.dates
        self.candidates = [p for p in ps.patterns if p.label and ":" not in p.label]
        self.year_before = ps.by_label("year_cue:before")
        self.year_after = ps.by_label("year_cue:after")
        self.year_det = ps.by_label("year_cue:det")
        self.year_noun = ps.by_label("year_cue:noun")
        self.future = ps.by_label("tense:future")
        self.past = ps.by_label("tense:past")
        self.roles = self._role_rules(ps.patterns)
        self.not_after = ps.by_label("not_date:after")
        self.numeric = [p for p in self.candidates if p.label == "day_numeric"]
        # one literal scan of a snippet serves its candidates and its role rules
        self._scanner = LiteralScanner([*self.candidates, *(r.pattern for r in self.roles)])
        self._role_items = [(r.pattern, r) for r in self.roles]  # for Hits.among_items
        self._parser = None  # dateparser's, built on the first absolute day date (see _parse_day)
        self._parse_day = lru_cache(maxsize=65536)(self._parse_day_uncached)
        grammar = rules["grammar"]  # rules/grammar.toml: sentences, clauses, a date opening one
        self.sentence_end = grammar.one("sentence_end:dates")
        self.clause_break = grammar.one("clause_break:dates")
        self.opening = grammar.one("opening")

    @staticmethod
    def _role_rules(patterns) -> list[RoleRule]:
        cues = {p.id.split("#", 1)[1]: p for p in patterns
                if p.label and p.label.startswith("cue:")}
        rules, problems = [], []
        for p in patterns:
            if not (p.label and p.label.startswith("role:")):
                continue
            where, *conditions = (p.note or "sentence").split()
            if where not in ROLE_WHERE:
                problems.append(f"{p.id}: note must start with one of {', '.join(ROLE_WHERE)}")
                continue
            kw: dict[str, list] = {"if": [], "unless": [], "after": [], "sentence": [],
                                   "label": [], "prec": []}
            for cond in conditions:
                key, _, value = cond.partition("=")
                if key not in kw or not value:
                    problems.append(f"{p.id}: unknown condition {cond!r} in note")
                    continue
                for v in value.split(","):
                    if key in ("if", "unless", "after", "sentence"):
                        if v not in cues:
                            problems.append(f"{p.id}: note names {v!r}, which is no cue:* pattern")
                            continue
                        kw[key].append(cues[v])
                    else:
                        kw[key].append(v)
            rules.append(RoleRule(p, p.label.split(":", 1)[1], where, tuple(kw["if"]),
                                  tuple(kw["unless"]), tuple(kw["after"]), tuple(kw["sentence"]),
                                  frozenset(kw["label"]), frozenset(kw["prec"])))
        if problems:
            raise RulesError([f"rules/dates.toml: {x}" for x in problems])
        return rules

    # -------------------------------------------------------------- public
    def __call__(self, text: str, published: dt.date | None,
                 ) -> tuple[list[DateMention], list[Dropped]]:
        dropped: list[Dropped] = []
        spans = self._candidates(text, dropped)
        sentences = sentence_bounds(text, self.sentence_end)
        order = self._numeric_order(text)
        base = (published, "day") if published else None
        out: list[DateMention] = []
        previous: DateMention | None = None
        explicit: DateMention | None = None  # the last date that wrote its year out
        # Datelines first: they give the base date for the rest of the snippet.
        if base is None:
            for m, pattern in spans:
                if self._role(text, m, pattern, sentences, None) == "publication":
                    r = self._resolve(text, m, pattern, None, None, sentences, order)
                    if r and r.value:
                        base = (r.value, r.precision)
                    break
        for m, pattern in spans:
            r = self._resolve(text, m, pattern, base, previous, sentences, order)
            if (r is not None and r.value is None and base is None and explicit is not None
                    and pattern.label in ("yearless_day", "yearless_month")):
                # No publication date anywhere: "July 12th, 2014. July 13th" keeps the year
                # the snippet last wrote out.
                r = _borrow_year(m, pattern.label, explicit.value.year) or r
            if r is None:
                dropped.append(Dropped("dates", m.group(), m.start(), m.end(),
                                       "not a valid calendar date", pattern.id))
                continue
            mention = DateMention(text=m.group().strip(), value=r.value, precision=r.precision,
                                  role=self._role(text, m, pattern, sentences, r.precision),
                                  start=m.start(), end=m.end(), rule=pattern.id)
            out.append(mention)
            if mention.value is not None:
                previous = mention
                if pattern.label in EXPLICIT_YEAR:
                    explicit = mention
        return out, dropped

    def _numeric_order(self, text: str) -> str | None:
        """'dmy' or 'mdy' when a numeric date in the snippet settles the order (17/10/2025)."""
        orders = set()
        for p in self.numeric:
            for m in p.regex.finditer(text):
                a, b = int(m.group("a")), int(m.group("b"))
                if a > 12 >= b:
                    orders.add("dmy")
                elif b > 12 >= a:
                    orders.add("mdy")
        return orders.pop() if len(orders) == 1 else None

    # -------------------------------------------------------------- candidates
    def _candidates(self, text: str, dropped: list[Dropped]) -> list[tuple[re.Match, CompiledPattern]]:
        taken: list[tuple[int, int]] = []
        found: list[tuple[re.Match, CompiledPattern]] = []
        hits = self._scanner.hits_of(text)
        for pattern in hits.among(self.candidates):
            for m in hits.finditer(pattern, text):
                a, b = m.span()
                if a == b or any(a < e and b > s for s, e in taken):
                    continue
                after = text[b:b + 40]
                veto = next((v for v in self.not_after if v.regex.search(after)), None)
                if veto is not None:
                    dropped.append(Dropped("dates", m.group(), a, b, "a duration, not a date", veto.id))
                    taken.append((a, b))
                    continue
                if pattern.label == "year" and not m.group().lower().startswith(("fy",)):
                    if not self._year_has_cue(text, a, b) and not pattern.id.startswith("qualified"):
                        dropped.append(Dropped("dates", m.group(), a, b,
                                               "bare number without a temporal cue", pattern.id))
                        continue
                taken.append((a, b))
                found.append((m, pattern))
        found.sort(key=lambda x: x[0].start())
        return found

    def _year_has_cue(self, text: str, a: int, b: int) -> bool:
        before = text[max(0, a - 25):a]
        after = text[b:b + 20]
        return (any(p.regex.search(before) for p in self.year_before)
                or any(p.regex.search(after) for p in self.year_after)
                or (any(p.regex.search(before) for p in self.year_det)
                    and any(p.regex.search(after) for p in self.year_noun)))

    # -------------------------------------------------------------- roles and tense
    def _role(self, text: str, m: re.Match, pattern: CompiledPattern, sentences,
              precision: str | None) -> str:
        s0, s1 = sentence_of(sentences, m.start())
        where = {"sentence": text[s0:s1], "prefix": text[s0:m.start()],
                 "before": text[max(0, m.start() - 80):m.start()],
                 "after": text[m.end():m.end() + 40]}
        # Every window lies inside the text: a literal missing from it is in none of them.
        for _, rule in self._scanner.among_items_in(text, self._role_items):
            if rule.labels and pattern.label not in rule.labels:
                continue
            if rule.precisions and precision not in rule.precisions:
                continue
            if not rule.pattern.regex.search(where[rule.where]):
                continue
            if (all(c.regex.search(where["after"]) for c in rule.after_cues)
                    and all(c.regex.search(where["sentence"]) for c in rule.sentence_cues)
                    and all(c.regex.search(where["prefix"]) for c in rule.if_cues)
                    and not any(c.regex.search(where["prefix"]) for c in rule.unless_cues)):
                return rule.role
        return "event"

    def _future(self, text: str, m: re.Match, sentences) -> bool:
        """Is the clause of the date in the future tense?

        The later of a future and a past cue before the date decides, first within the date's
        own clause, then within the sentence. A date that opens its clause ("On March 1, the
        plant will ...", "...; by June 30 it will be built") looks at the first cue after it.
        With no cue at all the policy default (past) holds."""
        s0, s1 = sentence_of(sentences, m.start())
        before = text[s0:m.start()]
        cut = max((x.end() for x in self.clause_break.finditer(before)), default=0)
        clause = before[cut:]
        decided = self._tense(clause, last=True)
        if decided is None and self.opening.match(clause):
            after = text[m.end():s1]
            stop = self.clause_break.search(after)
            decided = self._tense(after[:stop.start()] if stop else after, last=False)
        if decided is None and cut:
            decided = self._tense(before, last=True)
        return bool(decided)

    def _tense(self, span: str, last: bool) -> bool | None:
        """True (future), False (past) or None (no cue in the span), by the last cue in the
        span, or by the first one when `last` is false."""
        fut = [x for p in self.future for x in p.regex.finditer(span)]
        past = [x for p in self.past for x in p.regex.finditer(span)]
        if not fut and not past:
            return None
        if last:
            return max((x.end() for x in fut), default=-1) > max((x.end() for x in past), default=-1)
        end = len(span) + 1
        return min((x.start() for x in fut), default=end) < min((x.start() for x in past), default=end)

    # -------------------------------------------------------------- resolution
    def _year(self, text: str | None) -> int | None:
        if not text:
            return None
        t = text.strip().lstrip("'")
        if len(t) == 2 and t.isdigit():
            y = int(t)
            return (1900 if y > self.settings.two_digit_year_pivot else 2000) + y
        if t.isdigit():
            y = int(t)
            return y if self.settings.min_year <= y <= self.settings.max_year else None
        return None

    def _parse_day_uncached(self, text: str) -> dt.date | None:
        if self._parser is None:
            self._parser = build_day_parser()
        data = self._parser.get_date_data(text)
        if data and data.date_obj and data.period == "day":
            return data.date_obj.date()
        return None

    def _resolve(self, text: str, m: re.Match, pattern: CompiledPattern,
                 base: tuple[dt.date, str] | None, previous: DateMention | None,
                 sentences, order: str | None = None) -> Resolved | None:
        g = m.groupdict()
        label = pattern.label
        if label == "day":
            y, mo, d = self._year(g.get("year")), _month(g["month"]) or _num(g["month"]), _day(g["day"])
            if y and mo and d:
                # The month and ordinal tables settle the usual forms without a parser (they
                # agree with dateparser on every day 1950-2100; tests/test_dates.py checks a
                # sample), and the calendar refuses "February 30".
                value = _safe_date(y, mo, d)
            elif y:
                # A month or day form that the rules allow but the tables do not know:
                # dateparser reads the words as written, or refuses them; the year stays the
                # one the settings allow.
                value = self._parse_day(m.group())
                value = value if value and value.year == y else None
            else:
                return None
            return Resolved(value, "day") if value else None
        if label == "day_numeric":
            a, b, y = int(g["a"]), int(g["b"]), self._year(g["year"])
            if y is None:
                return None
            # Day first when the number says so, with a dotted date (19.02.2010), or when another
            # numeric date in the snippet does; else month first (dateparser's MDY).
            if a > 12 or (b <= 12 and (g["sep"] == "." or order == "dmy")):
                d, mo = a, b
            else:
                mo, d = a, b
            value = _safe_date(y, mo, d)
            return Resolved(value, "day") if value else None
        if label in ("month_year", "iso_month", "numeric_month"):
            y = self._year(g["year"])
            mo = _month(g["month"]) or _num(g["month"])
            if not (y and mo and 1 <= mo <= 12):
                return None
            return Resolved(dt.date(y, mo, 1), "month")
        if label == "quarter":
            q = g.get("q") or g.get("q2")
            qn = int(q) if q else ORDINALS.get((g.get("qword") or "").casefold())
            if not qn or qn > 4:
                return None
            y = self._year(g.get("year")) if g.get("year") else None
            if y is None and g.get("dir") and base:  # "of next year", "of the (current) year"
                last_word = g["dir"].split()[-1].casefold()
                y = base[0].year + {"last": -1, "previous": -1, "next": 1}.get(last_word, 0)
            if y is None:
                if base is None:
                    return Resolved(None, "quarter")
                b = base[0]
                y = b.year
                start_month = (qn - 1) * 3 + 1
                if self._future(text, m, sentences):
                    if start_month < quarter_start(b).month:
                        y += 1
                elif start_month > b.month:
                    y -= 1
            return Resolved(dt.date(y, (qn - 1) * 3 + 1, 1), "quarter")
        if label == "half":
            y = self._year(g.get("year") or g.get("year2"))
            return Resolved(dt.date(y, 1, 1), "year") if y else None
        if label == "year":
            y = self._year(g.get("year"))
            return Resolved(dt.date(y, 1, 1), "year") if y else None
        if label == "yearless_day":
            mo, d = _month(g["month"]), _day(g["day"])
            if not (mo and d) or _safe_date(2024, mo, d) is None:
                return None
            if base is None or PRECISION_RANK[base[1]] > PRECISION_RANK["month"]:
                return Resolved(None, "day")
            return Resolved(self._nearest_day(base[0], mo, d, self._future(text, m, sentences)), "day")
        if label == "yearless_month":
            mo = _month(g["month"])
            if not mo:
                return None
            if base is None or PRECISION_RANK[base[1]] > PRECISION_RANK["month"]:
                return Resolved(None, "month")
            b = base[0]
            y = b.year
            if self._future(text, m, sentences):
                if mo < b.month:
                    y += 1
            elif mo > b.month:
                y -= 1
            return Resolved(dt.date(y, mo, 1), "month")
        if label == "relative":
            return self._relative(text, m, pattern, base, sentences)
        if label == "anchored":
            anchor = (previous.value, previous.precision) if previous and previous.value else base
            return self._shift(g, anchor, pattern)
        return None

    def _nearest_day(self, b: dt.date, mo: int, d: int, future: bool) -> dt.date | None:
        step = 1 if future else -1
        y = b.year
        for _ in range(9):  # Feb 29 may need up to 8 years
            value = _safe_date(y, mo, d)
            if value is not None and ((value >= b) if future else (value <= b)):
                return value
            y += step
        return None

    def _relative(self, text, m, pattern, base, sentences) -> Resolved | None:
        g = {k: (v.casefold() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
        note = pattern.note or ""
        unit = g.get("unit") or (note.split("unit=")[1].split()[0] if "unit=" in note else None)
        direction = (g.get("dir") or g.get("dir2")
                     or (note.split("dir=")[1].split()[0] if "dir=" in note else None))
        precision = {"day": "day", "week": "day", "month": "month", "quarter": "quarter",
                     "year": "year", "minute": "day", "hour": "day", "named_month": "month",
                     "month_of_year": "month", "day_word": "day", "day_of_month": "day",
                     "weekday": "day"}.get(unit or "", "day")
        if base is None or PRECISION_RANK[base[1]] > PRECISION_RANK[precision]:
            return Resolved(None, precision)
        b = base[0]
        sign = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1,
                "this coming": 1, "ago": -1, "from now": 1, "hence": 1}.get(direction or "", 0)
        if unit == "day_word":
            return Resolved(b + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g["word"], 0)), "day")
        if unit == "weekday":
            wd = WEEKDAYS[g["wd"]]
            future = direction in ("next", "coming") or (
                direction not in ("last",) and self._future(text, m, sentences))
            delta = (wd - b.weekday()) % 7
            if future:
                return Resolved(b + dt.timedelta(days=delta or 7 if direction == "next" else delta), "day")
            return Resolved(b - dt.timedelta(days=(b.weekday() - wd) % 7), "day")
        if unit == "day_of_month":
            d = _day(g["day"])
            month = add_months(b, sign) if direction else dt.date(b.year, b.month, 1)
            if not direction:  # "the 27th": this month if not after the base, else last month
                value = _safe_date(month.year, month.month, d)
                if self._future(text, m, sentences):  # "bids are due on the 15th": ahead
                    if value is None or value < b:
                        month = add_months(b, 1)
                elif value is None or value > b:
                    month = add_months(b, -1)
            value = _safe_date(month.year, month.month, d)
            return Resolved(value, "day") if value else None
        if unit == "named_month":
            mo = _month(g["month"])
            y = b.year
            if direction in ("last", "past"):
                y -= 1 if mo >= b.month else 0
            elif direction in ("next",):
                y += 1 if mo <= b.month else 0
            elif direction in ("this coming", "coming"):
                y += 1 if mo < b.month else 0
            return Resolved(dt.date(y, mo, 1), "month")
        if unit == "month_of_year":
            return Resolved(dt.date(b.year + sign, _month(g["month"]), 1), "month")
        n = g.get("n")
        count = COUNTS.get(n, None) if n and not n.isdigit() else (int(n) if n else 1)
        if count is None:
            return Resolved(None, precision)
        if direction in ("ago",):
            sign = -1
        shift = sign * count
        if unit in ("minute", "hour"):
            return Resolved(b, "day")
        if unit == "day":
            return Resolved(b + dt.timedelta(days=shift), "day")
        if unit == "week":
            return Resolved(b + dt.timedelta(days=7 * shift), "day")
        if unit == "month":
            value = add_months(b, shift)
            if n and direction in ("ago",) and False:
                return Resolved(value, "month")
            return Resolved(value, "month")
        if unit == "quarter":
            return Resolved(add_months(quarter_start(b), 3 * shift), "quarter")
        if unit == "year":
            return Resolved(dt.date(b.year + shift, 1, 1), "year")
        return None

    def _shift(self, g: dict, anchor, pattern) -> Resolved | None:
        unit = (g.get("unit") or "").casefold()
        precision = {"day": "day", "week": "day", "month": "month", "year": "year"}.get(unit, "day")
        if anchor is None or anchor[0] is None or PRECISION_RANK[anchor[1]] > PRECISION_RANK[precision]:
            return Resolved(None, precision)
        n = (g.get("n") or "1").casefold()
        count = int(n) if n.isdigit() else COUNTS.get(n)
        if count is None:
            return Resolved(None, precision)
        direction = (g.get("dir") or "").casefold()
        sign = -1 if direction in ("earlier", "previous", "preceding", "before that") else (
            0 if direction == "same" else 1)
        a = anchor[0]
        if unit == "day":
            return Resolved(a + dt.timedelta(days=sign * count), "day")
        if unit == "week":
            return Resolved(a + dt.timedelta(days=7 * sign * count), "day")
        if unit == "month":
            return Resolved(add_months(a, sign * count), "month")
        return Resolved(dt.date(a.year + sign * count, 1, 1), "year")


def build_day_parser():
    """dateparser's parser for absolute dates, English only. RELATIVE_BASE is pinned so nothing
    reads the clock, and missing parts are refused rather than filled from "today". Built on
    first use: importing dateparser and loading its English data take about 0.5 s, which a
    text without a day date (and `announce explain` on one) never needs."""
    import dateparser

    return dateparser.DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": dt.datetime(2000, 1, 1),
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "MDY",
        "STRICT_PARSING": True,
        "PARSERS": ["absolute-time"],  # only written dates reach it: skip relative parsers
    })


def _borrow_year(m: re.Match, label: str, year: int) -> Resolved | None:
    mo = _month(m.group("month"))
    if not mo:
        return None
    if label == "yearless_month":
        return Resolved(dt.date(year, mo, 1), "month")
    value = _safe_date(year, mo, _day(m.group("day")) or 0)
    return Resolved(value, "day") if value else None


def _num(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
