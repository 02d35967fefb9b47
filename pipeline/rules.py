"""The only reader of `rules/`: loads every rules file, validates it, reports `file:line` errors.

Rules are data a user tunes: thresholds (settings.toml), regular expressions (*.toml, compiled
once here and named by id), gazetteers (*.jsonl, one entry a line). Every problem in a folder is
collected and raised at once as a `RulesError`.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import fastre
from .errors import RulesError
from .records import EVENTS, ROLES, TECHNOLOGIES

try:  # Python 3.11+: the regex parser lives in re._parser
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parser  # type: ignore[no-redef]

BUNDLED_RULES = Path(__file__).resolve().parent.parent / "rules"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- settings.toml
class IngestSettings(Strict):
    max_text_chars: int = Field(gt=0)
    max_line_chars: int = Field(gt=0)
    reject_preview_chars: int = Field(gt=0)
    min_snippet_words: int = Field(ge=1)


class DedupSettings(Strict):
    money_min_amount: float = Field(default=100000, ge=0)
    shingle_words: int = Field(ge=2, le=12)
    max_block_size: int = Field(ge=2)
    blocking_shingles: int = Field(ge=1)
    fact_block_size: int = Field(ge=2)
    near_duplicate_score: float = Field(ge=0, le=100)
    fragment_score: float = Field(ge=0, le=100)
    fragment_min_words: int = Field(ge=1)
    fact_merge_text_score: float = Field(ge=0, le=100)
    fact_merge_country_text_score: float = Field(ge=0, le=100)
    fact_merge_place_text_score: float = Field(ge=0, le=100)
    fact_merge_party_event_text_score: float = Field(ge=0, le=100)
    template_text_score: float = Field(ge=0, le=100)
    event_template_text_score: float = Field(ge=0, le=100)
    event_template_min_words: int = Field(ge=1)
    event_template_order_score: float = Field(ge=0, le=100)
    capacity_tolerance: float = Field(ge=0, lt=1)
    approx_capacity_tolerance: float = Field(ge=0, lt=1)
    rounded_value_digits: int = Field(ge=1)
    distinctive_size_digits: int = Field(ge=1)
    compatible_events: list[list[str]]
    plan_event_rules: list[str]
    event_kinds_by_rule: dict[str, str] = {}
    role_slots: list[list[str]]
    bystander_types: list[str] = []


class PlaceSettings(Strict):
    min_city_population: int = Field(ge=0)
    admin1_countries: list[str]
    fuzzy_alias_score: float = Field(ge=0, le=100)


class EntitySettings(Strict):
    fuzzy_alias_score: float = Field(ge=0, le=100)
    fuzzy_min_chars: int = Field(ge=3)
    max_cue_name_words: int = Field(ge=1)


class CapacitySettings(Strict):
    pair_max_gap_chars: int = Field(ge=0)
    duration_window_chars: int = Field(ge=0)
    kind_window_chars: int = Field(ge=0)
    european_decimal_comma: bool
    same_system_tolerance: float = Field(default=0.005, ge=0, lt=1)


class DateSettings(Strict):
    min_year: int
    max_year: int
    two_digit_year_pivot: int = Field(ge=0, le=99)


class EventSettings(Strict):
    factory_output_events: dict[str, str] = {}
    lead_sentence_bonus: float = Field(default=0.0, ge=0)


class Settings(Strict):
    ingest: IngestSettings
    dedup: DedupSettings
    places: PlaceSettings
    entities: EntitySettings
    capacity: CapacitySettings
    dates: DateSettings
    events: EventSettings = EventSettings()


# ---------------------------------------------------------------- pattern files
class PatternRule(Strict):
    """A named regular expression; `{name}` inserts a fragment from the same file."""
    id: str
    regex: str
    label: str | None = None
    weight: float = 1.0
    note: str | None = None
    # events.toml only: ids of other patterns of the file that tell the same event in another
    # sentence ("Among the winners, ..." is the tender award that "signed contracts on
    # Wednesday" told): such a cue lends its date when this cue's sentence gives none.
    told_as: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"id {v!r} must be lower-case letters, digits, '_', '.', ':', '-'")
        return v


class PatternFile(Strict):
    fragments: dict[str, str] = {}
    words: dict[str, list[str]] = {}
    numbers: dict[str, float] = {}
    pattern: list[PatternRule] = []


class DedupFile(PatternFile):
    """dedup.toml: its patterns, and what each word a phase pattern's group `n` may match stands
    for ("second" and "ii" for phase 2, "last" for the final one); checked by `_check_phase_words`."""
    phase_words: dict[str, str] = {}


PHASE_WORD_RE = re.compile(r"^[a-z]+$")
PHASE_VALUE_RE = re.compile(r"^(?:[1-9][0-9]?|final|added)$")


class UnitRule(Strict):
    id: str
    pint: str
    dimension: Literal["power", "energy"]
    aliases: list[str]
    case_sensitive: bool = False
    generation: bool = False  # MWp, MWac, MWdc: generation capacity, never storage headline


class UnitFile(Strict):
    definitions: list[str] = []
    unit: list[UnitRule]


# ---------------------------------------------------------------- gazetteers (jsonl)
class OrgEntry(Strict):
    id: str
    name: str
    aliases: list[str] = []
    country: str | None = None
    type: Literal["cell_maker", "integrator", "inverter_maker", "developer", "utility",
                  "grid_operator", "epc", "investor", "manufacturer", "automaker", "agency",
                  "news_agency", "trader", "other"]
    parent: str | None = None  # the id of the group it belongs to ("fpl" -> "nextera-energy")


class PlaceEntry(Strict):
    id: str
    name: str
    aliases: list[str] = []
    country: str | None = None
    admin1: str | None = None
    kind: Literal["country", "admin1", "city", "district", "region"]


class DemonymEntry(Strict):
    id: str
    country: str
    forms: list[str]


class LazyRegex:
    """A regex compiled when first used. A rules folder that already passed its checks (the
    build cache says so) compiles none of its ~850 patterns at start-up: a process compiles
    only those its texts reach past the literal prefilter. After the first use its methods are
    the compiled pattern's own, found as plain attributes."""

    METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")

    def __init__(self, pattern: str, layout: tuple | None = None):
        self.pattern = pattern
        self.layout = layout  # fastre.layout(pattern), from the build cache

    def __getattr__(self, name: str):
        compiled = fastre.from_layout(self.pattern, self.layout)
        self.layout = None
        for method in self.METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __reduce__(self):
        return LazyRegex, (self.pattern, self.layout)


@dataclass(frozen=True)
class CompiledPattern:
    id: str  # "file.toml#id": what every extracted value's `rule` names
    regex: re.Pattern | LazyRegex
    label: str | None
    weight: float
    note: str | None = None
    # Every match contains one string of each group (compared after `fold_case`); see
    # `required_literals`. Empty: nothing is known, the regex always runs.
    literals: tuple[tuple[str, ...], ...] = ()
    literal_tests: tuple[Callable[[str], bool], ...] = ()
    told_as: tuple[str, ...] = ()  # events.toml: rule ids ("events.toml#order"), see PatternRule
    # A regex that is one alternation ("(?=\w)\b(?i:A|B|C)"): the literal groups of each
    # alternative (see `branch_literals`); a match is one alternative's, so some alternative
    # has a string of each of its groups in the text. Empty: nothing is known.
    branches: tuple[tuple[tuple[str, ...], ...], ...] = ()
    branch_tests: tuple[tuple[Callable[[str], bool], ...], ...] = ()
    # (width, reach) of the regex in a text whose whitespace runs are one character long
    # (see `match_window`): how far a match can start before a required literal, and how far
    # past its start the engine reads. None: unbounded or unknown; the regex scans the text.
    window: tuple[int, int] | None = None

    def may_match(self, folded: str) -> bool:
        """False when the regex cannot match anywhere in the text that `fold_case` turned into
        `folded`: the cheap test that lets a stage skip most patterns on most snippets."""
        for holds_one in self.literal_tests:
            if not holds_one(folded):
                return False
        if self.branch_tests:
            return any(all(holds_one(folded) for holds_one in tests) for tests in self.branch_tests)
        return True


@dataclass(frozen=True)
class PatternSet:
    file: str
    patterns: tuple[CompiledPattern, ...]
    fragments: dict[str, str]
    words: dict[str, tuple[str, ...]]
    numbers: dict[str, float]
    phase_words: dict[str, str] = field(default_factory=dict)  # dedup.toml only

    def by_label(self, label: str) -> tuple[CompiledPattern, ...]:
        return tuple(p for p in self.patterns if p.label == label)

    def one(self, label: str):
        """The regex of the one pattern with this label (a grammar pattern a stage needs)."""
        found = self.by_label(label)
        if len(found) != 1:
            raise RulesError([f"rules/{self.file}: needs exactly one pattern labelled {label!r}, "
                              f"found {len(found)}"])
        return found[0].regex

    def get(self, rule_id: str) -> CompiledPattern:
        for p in self.patterns:
            if p.id.endswith("#" + rule_id):
                return p
        raise KeyError(rule_id)


@dataclass(frozen=True)
class Rules:
    """Everything in a rules folder, validated and compiled. Built once, passed to stages."""
    root: Path
    digest: str
    settings: Settings
    units: UnitFile
    patterns: dict[str, PatternSet]
    organizations: tuple[OrgEntry, ...]
    places: tuple[PlaceEntry, ...]
    demonyms: tuple[DemonymEntry, ...]
    common_words: frozenset[str] = frozenset()  # common_words.txt: lower-case English words
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> PatternSet:
        return self.patterns[name]


PATTERN_FILES = ("furniture", "normalise", "grammar", "capacity", "dates", "entities", "places",
                 "technologies", "events", "dedup")

# Labels each pattern file may use, so a typo in a label is caught at load time.
ALLOWED_LABELS: dict[str, frozenset[str] | None] = {
    "furniture": None,
    "normalise": None,
    "capacity": frozenset({"quantity", "shared_pair", "duration", "qualifier:approx",
                           "qualifier:min", "qualifier:max", "kind:factory_annual",
                           "kind:other", "not_capacity", "pair_joiner", "kind:project",
                           "one_system"}),
    "dates": None,
    "entities": frozenset({"legal_suffix", "descriptor_before", "descriptor_after",
                           "org_suffix", "not_org", "news_source", "public_body"}
                          | {f"role:{r}" for r in ROLES}),
    "places": frozenset({"home", "market", "not_place"}),
    "technologies": frozenset(TECHNOLOGIES),
    "events": frozenset(EVENTS) | {"later_step"},
    "dedup": frozenset({"key_token", "phase", "round", "site_ordinal", "project_name", "name_word", "landmark",
                       "not_party", "place_suffix", "district_cue", "acronym_after", "money"}),
    "grammar": frozenset({"sentence_end:events", "sentence_end:dates", "sentence_end:capacity",
                          "background", "relative", "clause_end", "clause_break:events",
                          "clause_break:dates", "opening", "statement", "dateline"}),
}


def load_rules(root: str | Path | None = None) -> Rules:
    """Load and validate a rules folder (default: the bundled one)."""
    root = Path(root) if root is not None else BUNDLED_RULES
    problems: list[str] = []
    if not root.is_dir():
        raise RulesError([f"{root}: rules folder not found"])
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".toml", ".jsonl", ".txt"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())

    # The regex safety checks parse every pattern and fragment again: skipped for a folder
    # (byte for byte, with this code) that already passed them once, as the build cache records.
    from .cache import cached_flag
    checked = cached_flag("rules-checked", digest.hexdigest()[:16])
    settings = _load_toml_model(root / "settings.toml", Settings, problems)
    units = _load_toml_model(root / "units.toml", UnitFile, problems)
    patterns: dict[str, PatternSet] = {}
    for name in PATTERN_FILES:
        model = _load_toml_model(root / f"{name}.toml", DedupFile if name == "dedup" else PatternFile,
                                 problems)
        if isinstance(model, DedupFile):
            _check_phase_words(root / f"{name}.toml", model, problems)
        if model is not None and name == "capacity" and units is not None:
            model = model.model_copy(update={"fragments": {**unit_fragments(units),
                                                           **model.fragments}})
        if model is not None:
            compiled = _compile_pattern_file(root / f"{name}.toml", model, name, problems,
                                             check=not checked.is_set)
            if compiled is not None:
                patterns[name] = compiled
    if settings is not None and "events" in patterns:
        _check_event_rule_ids(root / "settings.toml", settings, patterns["events"], problems)
    orgs = _load_jsonl(root / "organizations.jsonl", OrgEntry, problems, unique=("name", "aliases"))
    _check_parents(root / "organizations.jsonl", orgs, problems)
    places = _load_jsonl(root / "places.jsonl", PlaceEntry, problems, unique=("aliases",))
    demonyms = _load_jsonl(root / "demonyms.jsonl", DemonymEntry, problems, unique=("forms",))
    common_words = _load_word_list(root / "common_words.txt", problems)
    if units is not None:
        _check_units(root / "units.toml", units, problems)
    if problems:
        raise RulesError(problems)
    digest_hex = digest.hexdigest()[:16]
    checked.set()
    patterns = _with_literals(patterns, digest_hex)
    return Rules(root=root, digest=digest_hex, settings=settings, units=units,
                 patterns=patterns, organizations=tuple(orgs), places=tuple(places),
                 demonyms=tuple(demonyms), common_words=common_words)


# ---------------------------------------------------------------- helpers
def _check_parents(path: Path, orgs: list[OrgEntry], problems: list[str]) -> None:
    """Every parent is an id of the file, and no organisation is its own ancestor."""
    by_id = {o.id: o for o in orgs}
    found: list[tuple[str, str]] = []  # (id, problem): the file is read for line numbers only then
    for o in orgs:
        if o.parent is None:
            continue
        if o.parent not in by_id:
            found.append((o.id, f"no organisation has the id {o.parent!r}"))
            continue
        seen, up = {o.id}, o.parent
        while up is not None:
            if up in seen:
                found.append((o.id, f"{o.id!r} is its own ancestor"))
                break
            seen.add(up)
            up = by_id[up].parent if up in by_id else None
    line = _jsonl_lines(path) if found else {}
    problems += [f"{path}:{line.get(i, '?')}: parent: {why}" for i, why in found]


def _jsonl_lines(path: Path) -> dict[str, int]:
    """id -> line number of a JSONL rules file, for messages."""
    out = {}
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            out.setdefault(json.loads(raw).get("id"), no)
        except (ValueError, AttributeError):
            continue
    return out


def _load_toml_model(path: Path, model: type[BaseModel], problems: list[str]):
    if not path.is_file():
        problems.append(f"{path}: missing rules file")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(f"{path}:{line.group(1) if line else 1}: {exc}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(f"{path}:{_toml_line(text, err['loc'])}: "
                            f"{'.'.join(map(str, err['loc']))}: {err['msg']}")
        return None


def _toml_line(text: str, loc: tuple) -> int:
    """Best-effort line of a validation error's location in a TOML file."""
    lines = text.splitlines()
    start = 0
    keys = [k for k in loc if isinstance(k, str)]
    # Arrays of tables: find the n-th `[[name]]` header.
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        seen = -1
        for i, ln in enumerate(lines):
            if ln.strip() == f"[[{loc[0]}]]":
                seen += 1
                if seen == loc[1]:
                    start = i
                    break
        keys = [k for k in loc[2:] if isinstance(k, str)]
    elif keys:
        for i, ln in enumerate(lines):
            if ln.strip() == f"[{keys[0]}]":
                start = i
                keys = keys[1:]
                break
    for key in keys[-1:]:
        for i in range(start, len(lines)):
            if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
                return i + 1
    return start + 1


def _load_jsonl(path: Path, model: type[BaseModel], problems: list[str], unique: tuple[str, ...]):
    if not path.is_file():
        problems.append(f"{path}: missing rules file")
        return []
    out = []
    ids: dict[str, int] = {}
    surface: dict[str, int] = {}
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            entry = model.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{no}: not valid JSON: {exc.msg}")
            continue
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(f"{path}:{no}: {'.'.join(map(str, err['loc']))}: {err['msg']}")
            continue
        if entry.id in ids:
            problems.append(f"{path}:{no}: duplicate id {entry.id!r} (first on line {ids[entry.id]})")
        ids[entry.id] = no
        for attr in unique:
            values = getattr(entry, attr)
            for v in ([values] if isinstance(values, str) else values):
                key = v.casefold()
                if key in surface and surface[key] != no:
                    problems.append(f"{path}:{no}: {v!r} already used on line {surface[key]}")
                surface[key] = no
        out.append(entry)
    return out


FRAGMENT_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _expand(regex: str, fragments: dict[str, str], depth: int = 0) -> str:
    if depth > 8:
        raise ValueError("fragments nest too deeply (a fragment refers to itself?)")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ValueError(f"unknown fragment {{{name}}}")
        return "(?:" + _expand(fragments[name], fragments, depth + 1) + ")"

    return FRAGMENT_RE.sub(sub, regex)


def _compile_pattern_file(path: Path, model: PatternFile, name: str, problems: list[str],
                          check: bool = True):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    allowed = ALLOWED_LABELS.get(name)
    # Word lists become fragments too: {month_names} -> "January|February|...".
    fragments = dict(model.fragments)
    for key, words in model.words.items():
        fragments.setdefault(key, "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    compiled: list[CompiledPattern] = []
    seen: set[str] = set()
    ok = True
    for index, rule in enumerate(model.pattern):
        line = _toml_line(text, ("pattern", index, "regex"))
        if rule.id in seen:
            problems.append(f"{path}:{line}: duplicate pattern id {rule.id!r}")
            ok = False
        seen.add(rule.id)
        if allowed is not None and rule.label not in allowed:
            problems.append(f"{path}:{line}: label {rule.label!r} is not one of {sorted(allowed)}")
            ok = False
        if rule.told_as and name != "events":
            problems.append(f"{path}:{line}: pattern {rule.id!r}: told_as is for events.toml only")
            ok = False
        for other in rule.told_as:
            if other not in {r.id for r in model.pattern} - {rule.id}:
                problems.append(f"{path}:{line}: pattern {rule.id!r}: told_as {other!r} is not "
                                f"another pattern id of this file")
                ok = False
        try:
            source = _expand(rule.regex, fragments)
            regex = fastre.compile(source) if check else LazyRegex(source)
            if check:
                check_regex_safety(source)
        except (re.error, ValueError) as exc:
            problems.append(f"{path}:{line}: pattern {rule.id!r}: {exc}")
            ok = False
            continue
        compiled.append(CompiledPattern(f"{name}.toml#{rule.id}", regex, rule.label, rule.weight,
                                        rule.note,
                                        told_as=tuple(f"{name}.toml#{t}" for t in rule.told_as)))
    for key, frag in fragments.items() if check else ():
        try:
            source = _expand(frag, fragments)
            re.compile(source)
            check_regex_safety(source)
        except (re.error, ValueError) as exc:
            ln = next((i + 1 for i, l in enumerate(lines) if re.match(rf"\s*{re.escape(key)}\s*=", l)), 1)
            problems.append(f"{path}:{ln}: fragment {key!r}: {exc}")
            ok = False
    if not ok:
        return None
    return PatternSet(file=f"{name}.toml", patterns=tuple(compiled), fragments=fragments,
                      words={k: tuple(v) for k, v in model.words.items()}, numbers=dict(model.numbers),
                      phase_words=dict(getattr(model, "phase_words", {})))


def check_regex_safety(source: str) -> None:
    """Refuse patterns that can backtrack catastrophically: a repeated group whose body is only
    variable-length repeats (`(a+)+`, `(\\w+\\s?)*`), with no mandatory character to anchor it.

    >>> check_regex_safety(r"(?:,\\d{3})+")
    >>> check_regex_safety(r"(\\w+\\s?)+")
    Traceback (most recent call last):
    ...
    ValueError: nested repetition without an anchor can backtrack catastrophically
    """
    _walk(_sre_parser.parse(source))


_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _walk(items) -> None:
    for op, av in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, body = av
            if hi > 10 and _has_variable_repeat(body) and not _has_mandatory_char(body):
                # A small bounded repeat ({0,2}) cannot explode; an open one can.
                raise ValueError("nested repetition without an anchor can backtrack catastrophically")
            _walk(body)
        elif name == "SUBPATTERN":
            _walk(av[-1])
        elif name == "BRANCH":
            for branch in av[1]:
                _walk(branch)
        elif name in ("ATOMIC_GROUP",):
            _walk(av)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _walk(av[1])


def _has_variable_repeat(items) -> bool:
    for op, av in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, body = av
            if hi != lo and hi > 1:
                return True
            if _has_variable_repeat(body):
                return True
        elif name == "SUBPATTERN" and _has_variable_repeat(av[-1]):
            return True
        elif name == "BRANCH" and any(_has_variable_repeat(b) for b in av[1]):
            return True
    return False


def _has_mandatory_char(items) -> bool:
    """True when the sequence always consumes a character outside any repeat: each iteration
    of the enclosing repeat then advances, so the repeats inside cannot trade characters."""
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            return True
        if name == "SUBPATTERN" and _has_mandatory_char(av[-1]):
            return True
        if name == "BRANCH" and all(_has_mandatory_char(b) for b in av[1]):
            return True
    return False


# ---------------------------------------------------------------- literal prefilters
# A regex's required literals: groups of strings such that every match contains one string of
# each group ("acquired ... stake": one of the buy verbs and one of the asset nouns). A stage
# tests them on the case-folded text, each group with one fast literal scan (under 1 us), and
# runs the regex (10-20 us on a snippet) only when all are there. They are derived from the
# parsed regex, so they can never disagree with the rules. Only ASCII characters are used.
LITERAL_SET_LIMIT = 64  # exact strings followed through a regex (the product grows fast)
LITERAL_GROUP_LIMIT = 400  # strings in one group; past this a group says nothing
MAX_LITERAL_GROUPS = 3  # the most selective groups tested; more rarely pay for their scan
SMALL_LITERAL_GROUP = 4  # up to this many strings, `in` tests are faster than a scan
# The characters re's IGNORECASE matches to ASCII letters beyond str.lower(): dotted and
# dotless i, long s. Replacing them keeps the folded text as long as the text.
_CASE_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold_case(text: str) -> str:
    """The text as `CompiledPattern.may_match` reads it: lower case, index for index.

    >>> fold_case("ENERGİSED ſtorage")
    'energised storage'
    """
    if text.isascii():  # nothing to fix (every key of _CASE_FIXES is non-ASCII); translate
        return text.lower()  # costs ~2 us on a 250-character text, isascii next to nothing
    return text.translate(_CASE_FIXES).lower()


def required_literals(source: str) -> tuple[tuple[str, ...], ...] | None:
    r"""Groups of folded strings: every match of the regex contains one string of each group,
    most selective group first; None when nothing is required (optional or open-ended parts).

    >>> required_literals(r"(?i:\b(?:will|to)\s+(?:start|begin)s?\b)")
    (('begin', 'start'), ('to', 'will'))
    >>> required_literals(r"\d+\s?(?:MW|GW)h?")
    (('gw', 'mw'),)
    >>> required_literals(r"^\s*(?:[.,;]|$)") is None
    True
    """
    return _literals_of(_sre_parser.parse(source))


def branch_literals(source: str) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    r"""For a regex that is one alternation, but for zero-width assertions around it, the
    required literals of each alternative (`required_literals` of the alternative alone); None
    for any other regex, or when an alternative requires nothing. `required_literals` merges the
    alternatives into one group a position ("grid" from one, "connected" from another); these
    keep what each alternative needs together.

    >>> branch_literals(r"(?=\w)\b(?i:connected\s+to\s+the\s+grid|switched\s+on)(?!-)")
    ((('connected',), ('grid',), ('the',)), (('switched',), ('on',)))
    >>> branch_literals(r"(?i:acquired|bought)\s+a\s+stake") is None
    True
    """
    return _branches_of(_sre_parser.parse(source))


_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def _branches_of(tree) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    items = [(op, av) for op, av in tree if str(op) not in _ZERO_WIDTH]
    while len(items) == 1 and str(items[0][0]) == "SUBPATTERN":  # a group around it: (?i:...)
        items = [(op, av) for op, av in items[0][1][-1] if str(op) not in _ZERO_WIDTH]
    if len(items) != 1 or str(items[0][0]) != "BRANCH":
        return None
    out = []
    for branch in items[0][1][1]:
        groups = _literals_of(branch)
        if not groups:
            return None
        out.append(groups)
    return tuple(out)


def _with_literals(patterns: dict[str, PatternSet], digest: str) -> dict[str, PatternSet]:
    """Every pattern with its required literals; the analysis (a quarter of a second for the
    bundled rules) is kept in the build cache under the rules digest. A pattern compiled on
    first use also gets its layout for the regex engine from there (`fastre.layout`): a 5k
    run compiles ~150 patterns, 0.09 s when each is parsed and laid out anew."""
    from .cache import cached

    def analyse() -> dict[str, tuple]:
        trees = ((p.id, _sre_parser.parse(p.regex.pattern)) for ps in patterns.values() for p in ps.patterns)
        return {pid: (_literals_of(tree) or (), _branches_of(tree) or (), _window_of(tree))
                for pid, tree in trees}
    literals = cached("literals", digest, analyse)
    lazy = [p.regex.pattern for ps in patterns.values() for p in ps.patterns
            if isinstance(p.regex, LazyRegex)]
    layouts = cached("regex-layouts", digest, lambda: {s: fastre.layout(s) for s in lazy}) if lazy else {}

    def regex(p: CompiledPattern) -> re.Pattern | LazyRegex:
        return LazyRegex(p.regex.pattern, layouts.get(p.regex.pattern)) if isinstance(p.regex, LazyRegex) else p.regex
    return {name: replace(ps, patterns=tuple(
        replace(p, regex=regex(p), literals=literals[p.id][0],
                literal_tests=tuple(map(_literal_scanner, literals[p.id][0])),
                branches=literals[p.id][1], window=literals[p.id][2],
                branch_tests=tuple(tuple(map(_literal_scanner, b)) for b in literals[p.id][1]))
        for p in ps.patterns)) for name, ps in patterns.items()}


def _literals_of(tree) -> tuple[tuple[str, ...], ...] | None:
    groups = _groups(_sequence(tree))
    if not groups:
        return None
    ranked = sorted(groups, key=_selectivity, reverse=True)[:MAX_LITERAL_GROUPS]
    return tuple(tuple(sorted(g)) for g in ranked)


# ---------------------------------------------------------------- match windows
# A match holds one string of each required group, so it starts at most its own width before
# such a string; and re, trying a match at one position, reads a bounded stretch of text past
# it. Where both are bounded, a search that looks only near the strings of one group, with the
# text cut off past that stretch, finds what a search of the whole text finds (see
# `prefilter.Hits.finditer`). An unbounded repeat bounds nothing, except a run of whitespace
# in a text whose whitespace runs are single characters (what normalisation leaves).
class _Unbounded(Exception):
    """A part of the regex with no known bound on what it reads."""


def match_window(source: str) -> tuple[int, int] | None:
    r"""(width, reach) of the regex in a text whose whitespace runs are one character long: the
    longest match, and the most characters re reads from a match's start (lookaheads and
    boundaries included; lookbehinds read before it). None when either is unbounded.

    >>> match_window(r"(?<!\w)(?i:may|june)\s+\d{1,2}(?![\w])")
    (7, 8)
    >>> match_window(r"\d+\s?(?:MW|GW)") is None
    True
    """
    return _window_of(_sre_parser.parse(source))


def _window_of(tree) -> tuple[int, int] | None:
    try:
        return _width_reach(list(tree))
    except _Unbounded:
        return None


def _width_reach(items) -> tuple[int, int]:
    total = reach = 0
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            width, ahead = 1, 1
        elif name == "AT":  # a boundary, ^ or $: looks at the character at its position
            width, ahead = 0, 1
        elif name in ("ASSERT", "ASSERT_NOT"):
            direction, sub = av
            width, ahead = 0, (_width_reach(list(sub))[1] if direction == 1 else 0)
        elif name == "SUBPATTERN":
            width, ahead = _width_reach(list(av[-1]))
        elif name == "ATOMIC_GROUP":
            width, ahead = _width_reach(list(av))
        elif name == "BRANCH":
            widths, aheads = zip(*(_width_reach(list(b)) for b in av[1]))
            width, ahead = max(widths), max(aheads)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _, most, sub = av
            if most == _sre_parser.MAXREPEAT:
                if not _whitespace_only(list(sub)):
                    raise _Unbounded
                most = 1  # a run of whitespace: one character in such a text
            one_width, one_ahead = _width_reach(list(sub))
            width = most * one_width
            ahead = (most - 1) * one_width + one_ahead if most else 0
        else:  # a back reference, a conditional group, ...
            raise _Unbounded
        reach = max(reach, total + ahead)
        total += width
    return total, max(reach, total)


def _whitespace_only(items) -> bool:
    """One character class or character that matches whitespace only (\\s, [ \\t], a space)."""
    if len(items) != 1:
        return False
    op, av = items[0]
    if str(op) == "LITERAL":
        return chr(av).isspace()
    if str(op) == "IN":
        return bool(av) and all(str(o) == "CATEGORY" and str(a) in ("CATEGORY_SPACE", "CATEGORY_UNI_SPACE")
                                or str(o) == "LITERAL" and chr(a).isspace() for o, a in av)
    return False


def _literal_scanner(group: tuple[str, ...]):
    """A test for any string of a group in folded text: `in` for a few strings (about 0.1 us
    each), else one case-sensitive alternation, which re scans with a first-character table."""
    if len(group) <= SMALL_LITERAL_GROUP:
        return lambda folded: any(x in folded for x in group)
    # compiled on first use: a stage's literal automaton decides most patterns without these,
    # and compiling all ~500 at every start-up cost ~0.1 s
    return _LazyAlternation("|".join(re.escape(x) for x in sorted(group, key=len, reverse=True)))


class _LazyAlternation:
    """`folded` holds one of the strings of the alternation; compiled when first asked."""
    __slots__ = ("source", "search")

    def __init__(self, source: str):
        self.source = source
        self.search = None

    def __call__(self, folded: str) -> bool:
        if self.search is None:
            self.search = re.compile(self.source).search
        return self.search(folded) is not None


@dataclass(frozen=True, slots=True)
class _Strings:
    """What a piece of regex matches: exactly one string of `exact`, or (`exact` None) a text
    that holds one string of each of the `required` groups."""
    exact: frozenset[str] | None = None
    required: frozenset[frozenset[str]] = frozenset()


_ANYTHING = _Strings()
_NOTHING_CONSUMED = _Strings(frozenset({""}))


def _as_group(exact: frozenset[str]) -> frozenset[str] | None:
    """The exact strings as a required group; None when one of them is empty."""
    if not exact or "" in exact:
        return None
    # "mwh" holds "mw": a text with either holds "mw", so the longer one need not be tested
    return frozenset(x for x in exact if not any(y != x and y in x for y in exact))


def _groups(s: _Strings) -> frozenset[frozenset[str]]:
    if s.exact is not None:
        group = _as_group(s.exact)
        return frozenset({group}) if group else frozenset()
    return s.required


def _selectivity(group: frozenset[str]) -> tuple[int, int, int]:
    """Longer strings (up to 4 characters) are rarer, then fewer of them, then longer ones
    still ("backing" before "with": both pass the 4-character cap)."""
    shortest = min(map(len, group))
    return min(shortest, 4), -len(group), shortest


def _sequence(items) -> _Strings:
    run: frozenset[str] = frozenset({""})  # the exact strings of the current run of pieces
    exact = True
    required: set[frozenset[str]] = set()
    for op, av in items:
        piece = _piece(str(op), av)
        if piece.exact is not None and len(run) * len(piece.exact) <= LITERAL_SET_LIMIT:
            run = frozenset(x + y for x in run for y in piece.exact)
            continue
        exact = False
        required |= _groups(_Strings(run)) | _groups(piece)
        run = frozenset({""})
    if exact:
        return _Strings(run)
    return _Strings(None, frozenset(required | _groups(_Strings(run))))


def _char_set(items) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL" and av < 128:
            chars.add(fold_case(chr(av)))
        elif name == "RANGE" and av[1] < 128 and av[1] - av[0] <= 10:
            chars.update(fold_case(chr(c)) for c in range(av[0], av[1] + 1))
        else:  # a category, a negation, a wide range or a non-ASCII character
            return None
    return frozenset(chars) if len(chars) <= 10 else None


def _piece(name: str, av) -> _Strings:
    if name == "LITERAL":
        return _Strings(frozenset({fold_case(chr(av))})) if av < 128 else _ANYTHING
    if name == "IN":
        chars = _char_set(av)
        return _Strings(chars) if chars else _ANYTHING
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return _NOTHING_CONSUMED
    if name == "SUBPATTERN":
        return _sequence(av[-1])
    if name == "ATOMIC_GROUP":
        return _sequence(av)
    if name == "BRANCH":
        branches = [_sequence(b) for b in av[1]]
        if all(b.exact is not None for b in branches):
            union = frozenset().union(*(b.exact for b in branches))
            if len(union) <= LITERAL_SET_LIMIT:
                return _Strings(union)
        # One branch matched, so each of its groups has a string there: a group of each branch
        # together make a group of the alternation; (A and B) or C = (A or C) and (B or C).
        ranked = [sorted(_groups(b), key=_selectivity, reverse=True)[:2] for b in branches]
        if not all(ranked):
            return _ANYTHING
        choices = itertools.product(*ranked) if math.prod(map(len, ranked)) <= 8 else [
            [r[0] for r in ranked]]
        unions = {frozenset().union(*choice) for choice in choices}
        return _Strings(None, frozenset(u for u in unions if len(u) <= LITERAL_GROUP_LIMIT))
    if name in _REPEATS:
        lo, hi, body = av
        inner = _sequence(body)
        if hi == 0:
            return _NOTHING_CONSUMED
        if lo == 0:
            if hi == 1 and inner.exact is not None and len(inner.exact) < LITERAL_SET_LIMIT:
                return _Strings(inner.exact | {""})
            return _ANYTHING
        if lo == hi and inner.exact is not None and len(inner.exact) ** lo <= LITERAL_SET_LIMIT:
            out = frozenset({""})
            for _ in range(lo):
                out = frozenset(x + y for x in out for y in inner.exact)
            return _Strings(out)
        return _Strings(None, _groups(inner))  # at least one repetition
    return _ANYTHING  # any character, a class, a back-reference


def alias_regex(alias: str) -> str:
    r"""An alias as a regex where inner spaces, hyphens and middle dots are optional.

    >>> print(alias_regex("MW h"))
    MW[\s\-·]?h
    """
    out = []
    for ch in alias:
        out.append(r"[\s\-·]?" if ch in " -·" else re.escape(ch))
    return "".join(out)


def unit_fragments(units: UnitFile) -> dict[str, str]:
    """`{power_unit}`, `{energy_unit}` and `{unit}` for capacity.toml, longest alias first."""
    def alternation(dimension: str | None) -> str:
        parts = []
        for u in units.unit:
            if dimension and u.dimension != dimension:
                continue
            for a in u.aliases:
                rx = alias_regex(a)
                parts.append((len(a), rx if u.case_sensitive else f"(?i:{rx})"))
        return "|".join(rx for _, rx in sorted(parts, key=lambda p: (-p[0], p[1])))
    return {"power_unit": alternation("power"), "energy_unit": alternation("energy"),
            "unit": alternation(None)}


def unit_key(text: str) -> str:
    """The lookup key of a unit as written: no separators, case kept for the case-sensitive table.

    >>> unit_key("MW·h"), unit_key("megawatt-hours")
    ('MWh', 'megawatthours')
    """
    return re.sub(r"[\s\-·]", "", text)


def _check_units(path: Path, units: UnitFile, problems: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    seen: dict[str, str] = {}
    for index, u in enumerate(units.unit):
        line = _toml_line(text, ("unit", index, "aliases"))
        for alias in u.aliases:
            key = alias if u.case_sensitive else alias.casefold()
            if key in seen:
                problems.append(f"{path}:{line}: alias {alias!r} already belongs to {seen[key]!r}")
            seen[key] = u.id


def _load_word_list(path: Path, problems: list[str]) -> frozenset[str]:
    """One lower-case word a line; lines starting with # are comments."""
    if not path.is_file():
        problems.append(f"{path}: missing rules file")
        return frozenset()
    words = set()
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if not (word.isalpha() and word.islower()):
            problems.append(f"{path}:{no}: {word!r} must be one lower-case word (letters only)")
            continue
        words.add(word)
    return frozenset(words)


def _check_event_rule_ids(path: Path, settings: "Settings", events: "PatternSet",
                          problems: list[str]) -> None:
    """The event cues settings name (plan_event_rules, event_kinds_by_rule) are events.toml
    ids: a misspelt one would silently never apply."""
    ids = {p.id.rpartition("#")[2] for p in events.patterns}
    text = path.read_text(encoding="utf-8")
    d = settings.dedup
    for key, named in (("plan_event_rules", d.plan_event_rules),
                       ("event_kinds_by_rule", list(d.event_kinds_by_rule))):
        line = _toml_line(text, ("dedup", key))
        for rule_id in named:
            if rule_id not in ids:
                problems.append(f"{path}:{line}: {key}: {rule_id!r} is no pattern id of events.toml")


def _check_phase_words(path: Path, model: DedupFile, problems: list[str]) -> None:
    """Each phase word is one lower-case word (a match is case-folded before it is looked up)
    standing for a phase number, "final" (the last) or "added" (an addition, its number
    unstated), reported at its own line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section = next((i for i, l in enumerate(lines) if l.strip() == "[phase_words]"), 0)
    for word, value in model.phase_words.items():
        line = next((i + 1 for i in range(section, len(lines))
                     if re.match(rf"""\s*["']?{re.escape(word)}["']?\s*=""", lines[i])), section + 1)
        if not PHASE_WORD_RE.match(word):
            problems.append(f"{path}:{line}: phase_words: {word!r} must be one lower-case word")
        if not PHASE_VALUE_RE.match(value):
            problems.append(f"{path}:{line}: phase_words: {word!r} = {value!r} must be a phase "
                            f"number (1-99), \"final\" or \"added\"")
