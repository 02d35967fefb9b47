"""The one record model: frozen dataclasses that flow between stages and into Parquet."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Literal

Role = Literal["developer", "owner", "supplier", "manufacturer", "integrator", "offtaker",
               "partner", "investor", "other"]
Precision = Literal["day", "month", "quarter", "year"]
DateRole = Literal["event", "caption", "publication", "other"]
CapacityKind = Literal["project", "factory_annual", "other"]
Qualifier = Literal["exact", "approx", "min", "max", "range"]

ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
PRECISIONS: tuple[str, ...] = Precision.__args__  # type: ignore[attr-defined]
DATE_ROLES: tuple[str, ...] = DateRole.__args__  # type: ignore[attr-defined]
CAPACITY_KINDS: tuple[str, ...] = CapacityKind.__args__  # type: ignore[attr-defined]
QUALIFIERS: tuple[str, ...] = Qualifier.__args__  # type: ignore[attr-defined]
TECHNOLOGIES: tuple[str, ...] = (
    "LFP", "NMC", "sodium-ion", "vanadium-flow", "flow", "lead-acid", "pumped-hydro",
    "compressed-air", "flywheel", "thermal", "hydrogen", "solid-state", "other")
EVENTS: tuple[str, ...] = (
    "agreement", "construction_start", "grid_connection", "commercial_operation",
    "trial_production", "export", "partnership", "order", "financing", "tender_award",
    "factory_opening", "other")


@dataclass(frozen=True, slots=True)
class RawText:
    """One unit of input before splitting: a whole .txt file or one JSONL/CSV/Parquet row."""
    source_file: str
    line: int
    text: str
    input_id: str | None = None
    url: str | None = None
    published: dt.date | None = None
    source: str | None = None
    split: bool = False  # raw scrapes are split into paragraphs; structured rows are one snippet


@dataclass(frozen=True, slots=True)
class Reject:
    source_file: str
    line: int
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class Snippet:
    """One input snippet, normalised; `text` is what every offset of its extraction indexes."""
    snippet_id: str
    input_id: str
    source_file: str
    line: int
    text: str
    url: str | None
    published: dt.date | None
    truncated_start: bool
    truncated_end: bool


@dataclass(frozen=True, slots=True)
class Furniture:
    """Page furniture recognised in a raw scrape: kept traceable, never an announcement."""
    source_file: str
    line: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Organization:
    text: str
    name: str
    role: Role
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Location:
    text: str
    name: str
    country: str | None
    admin1: str | None
    start: int
    end: int
    rule: str
    is_project: bool = True  # False for a firm's base or an export market
    kind: str = "city"  # country, admin1, region, city, district


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str
    value: dt.date | None
    precision: Precision
    role: DateRole
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Capacity:
    text: str
    power_mw: float | None
    energy_mwh: float | None
    duration_h: float | None
    kind: CapacityKind
    qualifier: Qualifier
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Technology:
    label: str
    text: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class EventMention:
    event: str
    text: str
    start: int
    end: int
    weight: float
    rule: str


@dataclass(frozen=True, slots=True)
class Dropped:
    """A value considered and dropped, with why: what `explain` shows a rule author."""
    field: str
    text: str
    start: int
    end: int
    reason: str
    rule: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one text; offsets index `text`."""
    text: str
    organizations: tuple[Organization, ...] = ()
    locations: tuple[Location, ...] = ()
    countries: tuple[str, ...] = ()
    dates: tuple[DateMention, ...] = ()
    capacities: tuple[Capacity, ...] = ()
    technologies: tuple[str, ...] = ()
    technology_mentions: tuple[Technology, ...] = ()
    event: str | None = None
    event_mentions: tuple[EventMention, ...] = ()
    event_date: DateMention | None = None
    dropped: tuple[Dropped, ...] = ()

    @property
    def headline(self) -> Capacity | None:
        """The first project capacity: what `power_mw`/`energy_mwh` report."""
        return next((c for c in self.capacities if c.kind == "project"), None)


@dataclass(frozen=True, slots=True)
class Announcement:
    announcement_id: str
    text: str
    input_ids: tuple[str, ...]
    source_urls: tuple[str, ...]
    published: dt.date | None
    cluster_size: int
    extraction: Extraction
    merge_rules: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SnippetLink:
    """Where a snippet ended up: its announcement and its similarity to the kept text."""
    snippet: Snippet
    announcement_id: str
    similarity: float
    rule: str


def plain_state(cls: type) -> type:
    """Pickle a slotted record as the tuple of its field values. What dataclasses give a
    slotted class asks `fields()` for every object pickled or unpickled; an extraction holds a
    few dozen records and goes to the spill file and back (pipeline/io.py), so this is the
    same state, kept in the same order, at a third less cost."""
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)
    single = len(names) == 1

    def __getstate__(self):
        return (get(self),) if single else get(self)

    def __setstate__(self, state, _set=object.__setattr__):
        for name, value in zip(names, state):
            _set(self, name, value)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls


for _cls in (RawText, Reject, Snippet, Furniture, Organization, Location, DateMention, Capacity,
             Technology, EventMention, Dropped, Extraction, Announcement, SnippetLink):
    plain_state(_cls)
del _cls
